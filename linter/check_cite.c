/*
 * check_cite.c - the citation checks: a known study credited to the wrong journal or
 * year, an in-text citation that contradicts the post's own reference list, a DOI that
 * does not fit the journal or the study it is given for, and DOIs of questionable
 * publishers. They read the knowledge base (kb.h) and the post's reference list.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check_int.h"

/* ORDER: the RE_ enum and re_src[] */
enum {
	RE_HEAD, RE_YEAR, RE_DOI, RE_CITE, RE_PUBIN, RE_PUBIN_VERB, RE_VANC, RE_APA, RE_SURNAME, RE_SHAPE,
	RE_VOLPAGES, RE__N
};

#define NAME "(?-i:[A-Z])[\\p{L}'\\x{2019}-]++"
#define PUB_VERB \
	"\\b(?:published|appeared|appearing|reported|released|printed)\\s+(?:in|by)\\s+(?:the\\s+(?:journal\\s+)?)?((?-i:[A-Z])[\\p{L}&'.-]*(?:\\s+(?:of|in|for|and|&|(?-i:[A-Z])[\\p{L}&'.-]*))*)"
#define PUB_JOURNAL \
	"((?-i:(?:[A-Z][\\p{L}-]*\\s+)*Journal\\s+of\\s+(?:the\\s+)?[A-Z][\\p{L}-]*(?:\\s+(?:[A-Z][\\p{L}-]*|and|&))*))"
static const char *const re_src[] = {
	/* a reference-list heading, alone in its block */
	"^\\s*(?:references?|sources?|bibliography|works\\s+cited|citations?|literature\\s+cited|reference\\s+list|notes\\s+and\\s+references|further\\s+reading)\\s*:?\\s*$",
	"(?<![./\\w])(?:19|20)\\d\\d(?![\\w/])",
	"\\b10\\.\\d{4,9}/[^\\s\"<>]+",
	/* (Surname et al., 2020) | Surname et al. (2020) | [3] */
	"\\((" NAME ")(?:\\s+et\\s+al\\.?|\\s+(?:and|&)\\s+" NAME ")?,?\\s+((?:19|20)\\d\\d)[a-z]?(?:[;,][^)]{0,80})?\\)"
	"|(" NAME ")(?:\\s+et\\s+al\\.?|\\s+(?:and|&)\\s+" NAME "|\\s+and\\s+colleagues)?\\s+\\(((?:19|20)\\d\\d)[a-z]?\\)"
	"|\\[(\\d{1,3})(?:[,\\x{2013}-]\\s*\\d{1,3})*\\]",
	/* "published in the X" where X is capitalised, or "... Journal of X" */
	"(?|" PUB_VERB "|" PUB_JOURNAL ")",
	/* RE_PUBIN where the text has no "Journal" (its second branch cannot match there, but it
	 * would try every run of capitalised words) */
	PUB_VERB,
	/* Vancouver/AMA: ". Journal Abbrev. 2020;12(3)" */
	"\\.\\s+((?-i:[A-Z])[\\p{L} &()-]{1,60}?)\\.?\\s+(?:19|20)\\d\\d\\s*(?:[;:]|\\s+(?-i:[A-Z])[a-z]{2}\\b)",
	/* APA/Harvard: "(2020). Title. Journal Name, 12(3), 45-67" */
	"\\(?(?:19|20)\\d\\d[a-z]?\\)?\\.\\s+[^.]{3,300}[.?]\\s+((?-i:[A-Z])[\\p{L} &:-]{2,80}?),\\s*\\d",
	"^\\s*(?:\\[?\\d{1,3}[\\].)]\\s*)?(" NAME ")",
	/* a reference entry: Surname + initials, and a year somewhere ((?=[12]) spares the
	 * Unicode word-boundary test at every other character of the entry) */
	"^\\s*(?:\\[?\\d{1,3}[\\].)]\\s*)?" NAME ",?\\s+(?-i:[A-Z])(?:[A-Z]{0,2}\\b|\\.)[^\\n]*?(?=[12])\\b(?:19|20)\\d\\d\\b",
	/* 2022;387(18):1637-1648 */
	"\\b(?:19|20)\\d\\d\\s*;\\s*(\\d+)\\s*(?:\\(\\s*([\\w-]+)\\s*\\))?\\s*:\\s*(\\d+)(?:\\s*[-\\x{2013}]\\s*(\\d+))?",
};

typedef struct cite {
	pcre2_code *const *re;       /* re_src[] compiled, the rules' (hl_cite_compile) */
	pcre2_match_data *md;
	hl_trigger_index *journals;  /* a word of every journal name, built on first use */
	int journals_built;
} cite;

pcre2_code **hl_cite_compile(size_t *n)
{
	pcre2_code **re = hl_calloc(RE__N, sizeof *re);
	int i, ec;
	PCRE2_SIZE off;

	for (i = 0; i < RE__N; i++) {
		uint32_t flags = PCRE2_UTF | PCRE2_UCP | (i == RE_HEAD ? PCRE2_CASELESS : 0);
		re[i] = pcre2_compile((PCRE2_SPTR)re_src[i], PCRE2_ZERO_TERMINATED, flags, &ec, &off, NULL);
		if (re[i] == NULL) {
			/* a bug in the table above; tests catch it */
			fprintf(stderr, "hypelint: internal error: citation pattern %d does not compile at %lu\n", i,
				(unsigned long)off);
			abort();
		}
	}
	*n = RE__N;
	return re;
}

const char *hl_cite_source(size_t i)
{
	return i < RE__N ? re_src[i] : NULL;
}

void *hl_cite_init(const hl_rules *rules)
{
	cite *C = hl_calloc(1, sizeof *C);

	C->re = rules->cite_re;
	if ((C->md = pcre2_match_data_create(16, NULL)) == NULL)
		hl_oom();
	return C;
}

void hl_cite_free(void *p)
{
	cite *C = p;

	if (C == NULL)
		return;
	pcre2_match_data_free(C->md);
	hl_trigger_index_free(C->journals);
	free(C);
}

#define NG 6 /* groups kept from a match */

/* Match built-in pattern `which` (or re) in text[from, end) from at; ov gets absolute offsets. */
static int cm(run *R, const pcre2_code *re, size_t from, size_t end, size_t at, size_t ov[2 * NG])
{
	cite *C = R->ck->cite;
	int rc, i;
	PCRE2_SIZE *o;

	if (at > end)
		return 0;
	rc = hl_prose_match(R->ck, re, R->doc->text.s + from, end - from, at - from, C->md, hl_run_ascii(R, from, end));
	if (rc <= 0)
		return 0;
	o = pcre2_get_ovector_pointer(C->md);
	for (i = 0; i < NG; i++)
		if (i < rc && o[2 * i] != PCRE2_UNSET) {
			ov[2 * i] = from + o[2 * i];
			ov[2 * i + 1] = from + o[2 * i + 1];
		} else
			ov[2 * i] = ov[2 * i + 1] = (size_t)-1;
	return 1;
}

static const char *T(run *R)
{
	return R->doc->text.s;
}

/* ---- the reference list ---- */

typedef struct ref {
	size_t start, end;     /* prose range of the entry */
	size_t ordinal;        /* 1-based position in the list */
	size_t ss, se;         /* first author's surname */
	unsigned long year;
	long journal;          /* knowledge-base journal, or -1 */
	size_t js, je;         /* the journal's name as written (js == je: none) */
} ref;

typedef struct hl_refs {
	ref *v;
	size_t n, cap;
	size_t first, last;    /* blocks of the list: [first, last) */
	size_t *topical;       /* the studies whose topic the document may hold (topical_in) */
	size_t ntopical;
	int topical_done;
} hl_refs;

/* A journal named in text[from, end): KB journal index and span, or -1. */
static long kb_journal_at(run *R, size_t from, size_t end, size_t at, size_t *s, size_t *e)
{
	const hl_kb *kb = &R->ck->rules->kb;
	size_t ov[2 * NG];
	cursor c, *cur = hl_run_cursor(R, &c, kb->journal_start);

	while (kb->journal_re != NULL &&
	       (cur != NULL ? hl_run_next_first(R, kb->journal_anchored, kb->journal_first, cur, from, end, at, &ov[0],
					    &ov[1]) > 0
			    : cm(R, kb->journal_re, from, end, at, ov))) {
		long j = hl_kb_journal(kb, T(R) + ov[0], ov[1] - ov[0]);
		if (j >= 0) {
			*s = ov[0];
			*e = ov[1];
			return j;
		}
		if (ov[1] > ov[0])
			at = ov[1];
		else {
			size_t l = hl_utf8_len((const unsigned char *)T(R) + ov[0], end - ov[0]);
			at = ov[0] + (l ? l : 1);
		}
	}
	return -1;
}

static unsigned long year_at(run *R, size_t s)
{
	return strtoul(T(R) + s, NULL, 10);
}

static void parse_entry(run *R, ref *e)
{
	cite *C = R->ck->cite;
	size_t ov[2 * NG], s, en;

	e->journal = -1;
	e->ss = e->se = e->js = e->je = e->start;
	if (cm(R, C->re[RE_SURNAME], e->start, e->end, e->start, ov)) {
		e->ss = ov[2];
		e->se = ov[3];
	}
	if (cm(R, C->re[RE_YEAR], e->start, e->end, e->start, ov))
		e->year = year_at(R, ov[0]);
	if ((e->journal = kb_journal_at(R, e->start, e->end, e->start, &s, &en)) >= 0) {
		e->js = s;
		e->je = en;
	} else if (cm(R, C->re[RE_VANC], e->start, e->end, e->start, ov) ||
		   cm(R, C->re[RE_APA], e->start, e->end, e->start, ov)) {
		e->js = ov[2];
		e->je = ov[3];
		while (e->je > e->js && (T(R)[e->je - 1] == ' ' || T(R)[e->je - 1] == '.'))
			e->je--;
	}
}

static int looks_like_entry(run *R, size_t b)
{
	size_t ov[2 * NG];
	const hl_block *bl = &R->doc->blocks[b];

	return cm(R, ((cite *)R->ck->cite)->re[RE_SHAPE], bl->start, bl->end, bl->start, ov);
}

static int has_doi_prefix(run *R, size_t from, size_t end);

/* Does block b hold a web address (an online source in a reference list)? */
static int has_link_text(run *R, size_t b)
{
	const hl_block *bl = &R->doc->blocks[b];
	size_t i;

	for (i = bl->start; i + 4 <= bl->end; i++)
		if (!strncmp(T(R) + i, "http", 4) || !strncmp(T(R) + i, "www.", 4))
			return 1;
	i = hl_doc_first_link_near(R->doc, bl->start, &R->link_hint);
	return i < R->doc->nlinks && R->doc->links[i].start < bl->end;
}

/* Can block text[from, end) be a reference-list heading (RE_HEAD)? Its first letter after
 * white space begins one of the heading words; past ASCII, the regex decides (white space
 * of other scripts, and letters that match caselessly, such as the long s). */
static int may_head(run *R, size_t from, size_t end)
{
	const unsigned char *t = (const unsigned char *)T(R);

	if (!R->ck->prefilter)
		return 1;
	while (from < end && (t[from] == ' ' || (t[from] >= '\t' && t[from] <= '\r')))
		from++;
	return from < end && (t[from] >= 0x80 || (t[from] != 0 && strchr("rsbwclnfRSBWCLNF", t[from]) != NULL));
}

static hl_refs *refs(run *R)
{
	const hl_doc *doc = R->doc;
	hl_refs *rf;
	size_t b, ov[2 * NG], first = doc->nblocks, last = doc->nblocks;

	if (R->refs != NULL)
		return R->refs;
	rf = R->refs = hl_calloc(1, sizeof *rf);
	/* by its heading */
	for (b = 0; b < doc->nblocks; b++)
		if (may_head(R, doc->blocks[b].start, doc->blocks[b].end) &&
		    cm(R, ((cite *)R->ck->cite)->re[RE_HEAD], doc->blocks[b].start, doc->blocks[b].end,
		       doc->blocks[b].start, ov)) {
			/* the entries: blocks that look like one, up to the next heading or the first that does not */
			first = b + 1;
			for (last = first; last < doc->nblocks && doc->blocks[last].kind != HL_BLOCK_HEADING &&
					   (looks_like_entry(R, last) || has_doi_prefix(R, doc->blocks[last].start, doc->blocks[last].end) ||
					    has_link_text(R, last));
			     last++)
				;
			break;
		}
	/* else by its shape: the last run of at least two blocks that look like entries */
	if (first >= doc->nblocks) {
		last = doc->nblocks;
		for (b = doc->nblocks; b > 0 && looks_like_entry(R, b - 1); b--)
			;
		first = last - b >= 2 ? b : doc->nblocks;
	}
	rf->first = first;
	rf->last = first < doc->nblocks ? last : first;
	for (b = rf->first; b < rf->last; b++) {
		ref e;
		memset(&e, 0, sizeof e);
		e.start = doc->blocks[b].start;
		e.end = doc->blocks[b].end;
		e.ordinal = rf->n + 1;
		parse_entry(R, &e);
		HL_GROW(rf->v, rf->cap, rf->n + 1);
		rf->v[rf->n++] = e;
	}
	return rf;
}

void hl_cite_release(run *R)
{
	if (R->refs != NULL) {
		free(R->refs->topical);
		free(R->refs->v);
		free(R->refs);
		R->refs = NULL;
	}
}

static int in_refs(run *R, size_t block)
{
	hl_refs *rf = refs(R);
	return block >= rf->first && block < rf->last;
}

/* ---- cheap tests that rule a unit out before any pattern runs ---- */

/* The longest word of each journal name (hl_kb_journal_words) as an index of its own: the
 * units' own scan where the main scan's candidates are not there (no prefilter). */
static hl_trigger_index *journal_words(run *R)
{
	cite *C = R->ck->cite;
	hl_triggers t;

	if (C->journals_built)
		return C->journals;
	C->journals_built = 1;
	hl_kb_journal_words(&R->ck->rules->kb, &t);
	C->journals = hl_trigger_index_new(&t, 1);
	hl_triggers_release(&t);
	return C->journals;
}

static int has_digit(run *R, size_t from, size_t end)
{
	return hl_has_digit(T(R) + from, end - from);
}

static int may_name_journal(run *R, size_t from, size_t end)
{
	uint64_t hit = 0;
	size_t slot = R->ck->rules->kb.journal_words_start;

	if (R->cands != NULL && slot != 0) /* the main scan found them */
		return hl_run_may_hold(R, slot, from, end);

	hl_trigger_index_scan(journal_words(R), T(R) + from, end - from, &hit);
	return hit != 0;
}

/*
 * Where RE_CITE's next match from `at` (before end) can begin at the earliest, or -1 when
 * there is none. Each of its three forms has a bracket followed by what begins it: "("
 * and a capital (Surname et al., 2020), "[" and a digit ([3]), or "(" and the first digit
 * of a year: Surname et al. (2020). That last form begins with the words before the
 * bracket, made only of letters (any byte past ASCII may be one), apostrophes, hyphens,
 * dots, "&" and white space: it begins no earlier than where such a run begins.
 * HYPELINT_PREFILTER=0 turns this shortcut off too (at: a plain search).
 */
static size_t cite_start(run *R, size_t at, size_t end)
{
	const char *t = T(R), *p, *lim = t + end - 1; /* a bracket has a byte after it */
	size_t b;

	if (!R->ck->prefilter)
		return at;
	if (end < at + 2)
		return (size_t)-1;
	for (p = t + at; p < lim && (p = memchr(p, '[', (size_t)(lim - p))) != NULL; p++)
		if (p[1] >= '0' && p[1] <= '9') {
			lim = p; /* a match begins here, if not before */
			break;
		}
	for (p = t + at; p < lim && (p = memchr(p, '(', (size_t)(lim - p))) != NULL; p++) {
		if (p[1] >= 'A' && p[1] <= 'Z')
			return (size_t)(p - t);
		if (p[1] != '1' && p[1] != '2')
			continue;
		for (b = (size_t)(p - t); b > at; b--) {
			unsigned char x = (unsigned char)t[b - 1];
			if (!(((x | 0x20) >= 'a' && (x | 0x20) <= 'z') || x >= 0x80 || x == '\'' || x == '-' || x == '.' || x == '&' || x == ' ' ||
			      (x >= '\t' && x <= '\r')))
				break;
		}
		return b; /* the run before a later "(" begins after this one */
	}
	return lim < t + end - 1 ? (size_t)(lim - t) : (size_t)-1;
}

/* The next in-text citation (RE_CITE) in text[from, end) from at. */
static int cite_at(run *R, size_t from, size_t end, size_t at, size_t ov[2 * NG])
{
	size_t s = cite_start(R, at, end);

	return s != (size_t)-1 && cm(R, ((cite *)R->ck->cite)->re[RE_CITE], from, end, s, ov);
}

static int has_doi_prefix(run *R, size_t from, size_t end)
{
	const char *t = T(R), *p = t + from, *e = t + end;

	while (e - p >= 3 && (p = memchr(p, '1', (size_t)(e - p - 2))) != NULL) {
		if (p[1] == '0' && p[2] == '.')
			return 1;
		p++;
	}
	return 0;
}

/* ---- units: body sentences and reference entries ---- */

typedef void (*unit_fn)(run *R, size_t from, size_t end, const ref *entry);

static void each_unit(run *R, unit_fn fn)
{
	hl_refs *rf = refs(R);
	size_t i;

	for (i = 0; i < R->doc->nsentences && !R->limit_hit; i++)
		if (!in_refs(R, R->doc->sentences[i].block))
			fn(R, R->doc->sentences[i].start, R->doc->sentences[i].end, NULL);
	for (i = 0; i < rf->n && !R->limit_hit; i++)
		fn(R, rf->v[i].start, rf->v[i].end, &rf->v[i]);
}

static int names_equal(run *R, size_t s, size_t e, const char *name)
{
	return strlen(name) == e - s && !strncasecmp(T(R) + s, name, e - s);
}

static void emit(run *R, size_t s, size_t e, const char *const *vars)
{
	hl_finding *f = hl_run_add(R, s, e);
	f->message = hl_render(R->ck, R->rule->message, f->match, vars);
	hl_run_rendered(R, f);
}

/* Is [s, e) inside a DOI in text[from, end)? */
static int in_doi(run *R, size_t from, size_t end, size_t s)
{
	size_t ov[2 * NG], at = from;

	while (cm(R, ((cite *)R->ck->cite)->re[RE_DOI], from, end, at, ov)) {
		if (s >= ov[0] && s < ov[1])
			return 1;
		at = ov[1];
	}
	return 0;
}

/* ---- misattributed-study ---- */

/* Can study t be found by its topic in text[from, end): it has one, each of its needed
 * words may be there, and so may a start word of its topic regex. */
static int may_hold_topic(run *R, const hl_study *t, size_t from, size_t end)
{
	size_t k;

	if (t->topic == NULL)
		return 0;
	for (k = 0; k < t->nneed; k++)
		if (!hl_run_may_hold(R, t->need[k], from, end))
			return 0;
	return t->topic_start == 0 || hl_run_may_hold(R, t->topic_start, from, end);
}

/* The studies that the document may name by their topic, found once: a unit without an
 * author-year citation, and not a reference entry, can name no other. */
static const hl_refs *topical_in(run *R)
{
	hl_refs *rf = refs(R);
	const hl_kb *kb = &R->ck->rules->kb;
	size_t i;

	if (!rf->topical_done) {
		rf->topical_done = 1;
		rf->topical = hl_calloc(kb->nstudies + 1, sizeof *rf->topical);
		for (i = 0; i < kb->nstudies; i++)
			if (may_hold_topic(R, &kb->studies[i], 0, R->doc->text.len))
				rf->topical[rf->ntopical++] = i;
	}
	return rf;
}

/* "Journal (year)": where and when study t was published, for a message. */
static void expect(char *buf, size_t size, const hl_kb *kb, const hl_study *t)
{
	snprintf(buf, size, "%s (%lu)", kb->journals[t->journal].name, t->years[0]);
}

static void misattributed(run *R, size_t from, size_t end, const ref *entry)
{
	const hl_kb *kb = &R->ck->rules->kb;
	cite *C = R->ck->cite;
	size_t ov[2 * NG], i, k, at, js = 0, je = 0, n, si;
	long found = -1;
	int by_topic = 0, many = 0, ok = 0;
	char expected[256];
	const hl_refs *tp;

	/* a misattribution names a journal or a year */
	int digit = has_digit(R, from, end);
	if (!digit && !may_name_journal(R, from, end))
		return;
	/* the author-year citations of the unit, found once */
	size_t cites[8][3], ncites = 0, c;
	/* an author-year citation holds a year */
	for (at = from; digit && ncites < 8 && cite_at(R, from, end, at, ov); at = ov[1]) {
		size_t s = ov[2] != (size_t)-1 ? ov[2] : ov[6], e = ov[2] != (size_t)-1 ? ov[3] : ov[7];
		size_t y = ov[2] != (size_t)-1 ? ov[4] : ov[8];
		if (s != (size_t)-1 && y != (size_t)-1) {
			cites[ncites][0] = s;
			cites[ncites][1] = e;
			cites[ncites][2] = y;
			ncites++;
		}
	}
	/* by its topic, a citation's author and year, or the entry's: the studies the document
	 * may name by topic will do where there is neither citation nor entry */
	tp = topical_in(R);
	n = ncites > 0 || entry != NULL ? kb->nstudies : tp->ntopical;
	for (si = 0; si < n; si++) {
		const hl_study *t;
		int hit = 0, topic = 0;
		size_t ms, me;
		cursor tc, *tcur;
		i = ncites > 0 || entry != NULL ? si : tp->topical[si];
		t = &kb->studies[i];
		for (k = 0; k < t->nneed && hl_run_may_hold(R, t->need[k], from, end); k++)
			;
		if (t->topic != NULL && k == t->nneed) {
			tcur = hl_run_cursor(R, &tc, t->topic_start);
			if (hl_run_next(R, tcur ? t->topic_anchored : t->topic, tcur, from, end, from, &ms, &me) > 0)
				hit = topic = 1;
		}
		for (c = 0; !hit && c < ncites; c++)
			for (k = 0; k < t->nyears; k++)
				if (names_equal(R, cites[c][0], cites[c][1], t->author) &&
				    year_at(R, cites[c][2]) == t->years[k])
					hit = 1;
		if (!hit && entry != NULL && entry->se > entry->ss && names_equal(R, entry->ss, entry->se, t->author))
			for (k = 0; k < t->nyears; k++)
				if (entry->year == t->years[k])
					hit = 1;
		if (!hit)
			continue;
		if (found >= 0 && found != (long)i)
			many = 1;
		found = (long)i;
		by_topic = topic;
	}
	if (found < 0 || many)
		return;
	{
		const hl_study *t = &kb->studies[found];
		/* the journal */
		at = from;
		for (;;) {
			size_t s, e;
			long j = kb_journal_at(R, from, end, at, &s, &e);
			if (j < 0)
				break;
			if (hl_kb_same_journal(kb, (size_t)j, t->journal)) {
				ok = 1;
				break;
			}
			if (je == 0) {
				js = s;
				je = e;
			}
			at = e;
		}
		if (!ok && je > js) {
			const char *vars[] = {"study", t->label, "expected", expected, NULL};
			expect(expected, sizeof expected, kb, t);
			emit(R, js, je, vars);
		}
		/* the year, when the study was recognised by its topic */
		if (by_topic) {
			size_t first = 0, firste = 0;
			int year_ok = 0;
			for (at = from; cm(R, C->re[RE_YEAR], from, end, at, ov); at = ov[1]) {
				unsigned long y = year_at(R, ov[0]);
				if (in_doi(R, from, end, ov[0]))
					continue;
				for (k = 0; k < t->nyears; k++)
					if (y == t->years[k])
						year_ok = 1;
				if (firste == 0) {
					first = ov[0];
					firste = ov[1];
				}
			}
			if (!year_ok && firste > first) {
				const char *vars[] = {"study", t->label, "expected", expected, NULL};
				expect(expected, sizeof expected, kb, t);
				emit(R, first, firste, vars);
			}
		}
	}
}

/* ---- contradicts-references ---- */

static const ref *find_ref(run *R, size_t ov[2 * NG])
{
	hl_refs *rf = refs(R);
	size_t i;

	if (ov[10] != (size_t)-1) { /* [n] */
		unsigned long n = strtoul(T(R) + ov[10], NULL, 10);
		return n >= 1 && n <= rf->n ? &rf->v[n - 1] : NULL;
	}
	{
		size_t s = ov[2] != (size_t)-1 ? ov[2] : ov[6], e = ov[2] != (size_t)-1 ? ov[3] : ov[7];
		size_t y = ov[2] != (size_t)-1 ? ov[4] : ov[8];
		if (s == (size_t)-1 || y == (size_t)-1)
			return NULL;
		for (i = 0; i < rf->n; i++) {
			const ref *e2 = &rf->v[i];
			if (e2->se - e2->ss == e - s && !strncasecmp(T(R) + s, T(R) + e2->ss, e - s) &&
			    e2->year == year_at(R, y))
				return e2;
		}
	}
	return NULL;
}

/* Words of a journal name, lower-cased, without "of", "the", "and", "&" and the like. */
static size_t name_words(const char *s, size_t n, char w[][32], size_t max)
{
	static const char *const skip[] = {"of", "the", "and", "in", "for", "on", NULL};
	size_t i = 0, k = 0, l;
	const char *const *sk;

	while (i < n && k < max) {
		while (i < n && !isalnum((unsigned char)s[i]))
			i++;
		for (l = 0; i < n && isalnum((unsigned char)s[i]); i++)
			if (l < 31)
				w[k][l++] = (char)tolower((unsigned char)s[i]);
		if (l == 0)
			break;
		w[k][l] = '\0';
		for (sk = skip; *sk && strcmp(*sk, w[k]); sk++)
			;
		if (*sk == NULL)
			k++;
	}
	return k;
}

/* Could a and b name the same journal, one abbreviating the other ("J Affect Disord")? */
static int names_compatible(const char *a, size_t na, const char *b, size_t nb)
{
	char wa[12][32], wb[12][32];
	size_t ka = name_words(a, na, wa, 12), kb = name_words(b, nb, wb, 12), i;

	if (ka != kb || ka == 0)
		return 0;
	for (i = 0; i < ka; i++) {
		size_t la = strlen(wa[i]), lb = strlen(wb[i]);
		if (strncmp(wa[i], wb[i], la < lb ? la : lb) != 0)
			return 0;
	}
	return 1;
}

/* Does free text s[0..n) fit any name of journal j? */
static int fits_journal(const hl_kb *kb, size_t j, const char *s, size_t n)
{
	const hl_journal *jn = &kb->journals[j];
	size_t v;

	for (v = 0; v <= jn->nvariants; v++) {
		const char *name = v == 0 ? jn->name : jn->variants[v - 1];
		if (names_compatible(name, strlen(name), s, n))
			return 1;
	}
	return 0;
}

#define MAX_MENTIONS 8

typedef struct mention {
	size_t s, e;
	long j; /* knowledge-base journal or -1 */
} mention;

/* Does text[from, end) hold "Journal" (as RE_PUBIN's second branch needs)? */
static int has_journal(run *R, size_t from, size_t end)
{
	const char *p = T(R) + from, *e = T(R) + end;

	while (e - p >= 7 && (p = memchr(p, 'J', (size_t)(e - p - 6))) != NULL) {
		if (!memcmp(p, "Journal", 7))
			return 1;
		p++;
	}
	return 0;
}

/* Journals named in text[from, end): known ones, then "published in X" names, in text order. */
static size_t mentions_in(run *R, size_t from, size_t end, mention *m)
{
	const hl_kb *kb = &R->ck->rules->kb;
	cite *C = R->ck->cite;
	size_t n = 0, at, s, e, ov[2 * NG], i, k;
	long j;
	const pcre2_code *pub;

	for (at = from; n < MAX_MENTIONS && (j = kb_journal_at(R, from, end, at, &s, &e)) >= 0; at = e)
		m[n++] = (mention){s, e, j};
	pub = has_journal(R, from, end) ? C->re[RE_PUBIN] : C->re[RE_PUBIN_VERB];
	for (at = from; n < MAX_MENTIONS && cm(R, pub, from, end, at, ov); at = ov[1]) {
		for (i = 0; i < n && !(ov[2] < m[i].e && ov[3] > m[i].s); i++)
			;
		if (i < n)
			continue; /* a known journal already */
		m[n++] = (mention){ov[2], ov[3], hl_kb_journal(kb, T(R) + ov[2], ov[3] - ov[2])};
	}
	for (i = 1; i < n; i++) /* text order */
		for (k = i; k > 0 && m[k].s < m[k - 1].s; k--) {
			mention t = m[k];
			m[k] = m[k - 1];
			m[k - 1] = t;
		}
	return n;
}

static void contradicts(run *R, size_t from, size_t end, const ref *entry)
{
	const hl_kb *kb = &R->ck->rules->kb;
	mention m[MAX_MENTIONS];
	size_t ov[2 * NG], at, n, i;

	if (entry != NULL || refs(R)->n == 0 || !has_digit(R, from, end) || cite_start(R, from, end) == (size_t)-1 ||
	    (n = mentions_in(R, from, end, m)) == 0)
		return; /* an in-text citation holds a year or a number, and a bracket */
	for (at = from; cite_at(R, from, end, at, ov); at = ov[1]) {
		const ref *r = find_ref(R, ov);
		const mention *mt = NULL;
		size_t next[2 * NG], limit = end;
		int differ;
		if (cite_at(R, from, end, ov[1], next))
			limit = next[0];
		/* the journal named since the previous citation, else the first one before the next */
		for (i = 0; i < n; i++)
			if (m[i].s >= at && m[i].e <= ov[0])
				mt = &m[i];
		for (i = 0; mt == NULL && i < n; i++)
			if (m[i].s >= ov[1] && m[i].e <= limit)
				mt = &m[i];
		if (r == NULL || r->je <= r->js || mt == NULL)
			continue;
		if (mt->j >= 0 && r->journal >= 0)
			differ = !hl_kb_same_journal(kb, (size_t)mt->j, (size_t)r->journal);
		else if (mt->j >= 0)
			differ = !fits_journal(kb, (size_t)mt->j, T(R) + r->js, r->je - r->js);
		else if (r->journal >= 0)
			differ = !fits_journal(kb, (size_t)r->journal, T(R) + mt->s, mt->e - mt->s);
		else
			differ = !names_compatible(T(R) + mt->s, mt->e - mt->s, T(R) + r->js, r->je - r->js);
		if (differ) {
			char *given = hl_strndup(T(R) + r->js, r->je - r->js);
			const char *vars[] = {"expected", given, NULL};
			hl_finding *f = hl_run_add(R, mt->s, mt->e);
			hl_buf nb = HL_BUF_INIT;
			f->message = hl_render(R->ck, R->rule->message, f->match, vars);
			hl_run_rendered(R, f);
			f->notes = hl_calloc(1, sizeof *f->notes);
			f->nnotes = 1;
			f->notes[0].start = hl_doc_src(R->doc, r->js);
			f->notes[0].end = hl_doc_src_end(R->doc, r->je);
			hl_buf_addf(&nb, "reference %zu names \"", r->ordinal);
			hl_buf_add_quoted(&nb, given, strlen(given));
			hl_buf_adds(&nb, "\"");
			f->notes[0].message = hl_buf_detach(&nb);
			free(given);
		}
	}
}

/* ---- doi-mismatch and questionable-publisher ---- */

/* The end of a DOI without the punctuation that ends its sentence. */
static size_t doi_end(run *R, size_t s, size_t e)
{
	while (e > s && strchr(".,;:)]}'", T(R)[e - 1]) != NULL)
		e--;
	return e;
}

static void doi_mismatch(run *R, size_t from, size_t end, const ref *entry)
{
	const hl_kb *kb = &R->ck->rules->kb;
	cite *C = R->ck->cite;
	size_t ov[2 * NG], at, s, e, k;
	long j = -1, j2;
	int distinct = 0;

	if (!has_doi_prefix(R, from, end))
		return;
	/* the journal named in the unit, if only one is */
	for (at = from; (j2 = kb_journal_at(R, from, end, at, &s, &e)) >= 0; at = e) {
		if (j < 0 || !hl_kb_same_journal(kb, (size_t)j, (size_t)j2))
			distinct++;
		if (j < 0)
			j = j2;
	}
	if (distinct != 1)
		j = -1;
	for (at = from; cm(R, C->re[RE_DOI], from, end, at, ov); at = ov[1]) {
		size_t ds = ov[0], de = doi_end(R, ov[0], ov[1]);
		long p = hl_kb_doi_publisher(kb, T(R) + ds, de - ds);
		long st = hl_kb_study_by_doi(kb, T(R) + ds, de - ds);
		hl_buf d = HL_BUF_INIT;

		if (j >= 0 && p >= 0 && kb->journals[j].publisher != (size_t)p)
			hl_buf_addf(&d, "its prefix belongs to %s, but %s is published by %s", kb->pubs[p].name,
				    kb->journals[j].name, kb->pubs[kb->journals[j].publisher].name);
		if (st >= 0) {
			const hl_study *t = &kb->studies[st];
			size_t yov[2 * NG], y_at;
			hl_buf what = HL_BUF_INIT;
			if (j >= 0 && !hl_kb_same_journal(kb, (size_t)j, t->journal))
				hl_buf_adds(&what, "journal");
			for (y_at = from; cm(R, C->re[RE_YEAR], from, end, y_at, yov); y_at = yov[1]) {
				int year_ok = 0;
				if (in_doi(R, from, end, yov[0]))
					continue;
				for (k = 0; k < t->nyears; k++)
					if (year_at(R, yov[0]) == t->years[k])
						year_ok = 1;
				if (!year_ok)
					hl_buf_addf(&what, "%syear", what.len ? ", " : "");
				break; /* the first year is the publication year */
			}
			if (entry != NULL && cm(R, C->re[RE_VOLPAGES], from, end, from, yov)) {
				if (t->volume && (strlen(t->volume) != yov[3] - yov[2] ||
						  strncmp(t->volume, T(R) + yov[2], yov[3] - yov[2]) != 0))
					hl_buf_addf(&what, "%svolume", what.len ? ", " : "");
				if (t->issue && yov[4] != (size_t)-1 &&
				    (strlen(t->issue) != yov[5] - yov[4] || strncmp(t->issue, T(R) + yov[4], yov[5] - yov[4])))
					hl_buf_addf(&what, "%sissue", what.len ? ", " : "");
				if (t->pages && strtoul(t->pages, NULL, 10) != strtoul(T(R) + yov[6], NULL, 10))
					hl_buf_addf(&what, "%spages", what.len ? ", " : "");
			}
			if (what.len)
				hl_buf_addf(&d, "%sit identifies %s, %s %lu;%s%s%s%s%s%s, but the citation gives another %s",
					    d.len ? "; " : "", t->label, kb->journals[t->journal].name, t->years[0],
					    t->volume ? t->volume : "", t->issue ? "(" : "", t->issue ? t->issue : "",
					    t->issue ? ")" : "", t->pages ? ":" : "", t->pages ? t->pages : "", what.s);
			hl_buf_release(&what);
		}
		if (d.len) {
			const char *vars[] = {"detail", d.s, NULL};
			emit(R, ds, de, vars);
		}
		hl_buf_release(&d);
	}
}

static void questionable_doi(run *R, size_t ds, size_t de, const char *doi, size_t n)
{
	const hl_kb *kb = &R->ck->rules->kb;
	long p = hl_kb_doi_publisher(kb, doi, n);

	if (p >= 0 && kb->pubs[p].questionable) {
		const char *vars[] = {"publisher", kb->pubs[p].name, "detail", kb->pubs[p].source ? kb->pubs[p].source : "",
				      NULL};
		emit(R, ds, de, vars);
	}
}

static void questionable(run *R, size_t from, size_t end, const ref *entry)
{
	cite *C = R->ck->cite;
	size_t ov[2 * NG], at, i;

	(void)entry;
	for (at = from; has_doi_prefix(R, from, end) && cm(R, C->re[RE_DOI], from, end, at, ov); at = ov[1]) {
		size_t de = doi_end(R, ov[0], ov[1]);
		questionable_doi(R, ov[0], de, T(R) + ov[0], de - ov[0]);
	}
	/* links to a DOI: the finding goes on the link text */
	for (i = hl_doc_first_link_near(R->doc, from, &R->link_hint); i < R->doc->nlinks && R->doc->links[i].start <= end;
	     i++) {
		const hl_link *l = &R->doc->links[i];
		const char *d = strstr(l->href, "10.");
		size_t n;
		if (l->start < from || l->start >= end || d == NULL || l->end <= l->start)
			continue;
		n = strcspn(d, "?#\" ");
		{
			char *text = hl_strndup(T(R) + l->start, l->end - l->start);
			int shown = strstr(text, d) != NULL || (n > 0 && strstr(text, "10.") != NULL);
			free(text);
			if (shown)
				continue; /* the link text shows a DOI: reported above */
		}
		questionable_doi(R, l->start, l->end, d, n);
	}
}

void hl_cite_check(run *R)
{
	static const unit_fn fns[HL_CHECK__N] = {misattributed, contradicts, doi_mismatch, questionable};

	if (R->ck->cite != NULL)
		each_unit(R, fns[R->rule->check]);
}
