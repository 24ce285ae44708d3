/* check.c - matching rules against a document's sentences, paragraphs and text. */
#include "check.h"
#include "check_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUOTE 80 /* characters of a match quoted in a message */
#define CHUNK_BYTES (1u << 20) /* see hl_check_doc */

/*
 * A rule whose alternatives have triggers of their own runs, in a scope, the
 * alternation of only the alternatives whose triggers the scope holds: the
 * others cannot match there, so the findings are those of the whole pattern.
 * Those partial regexes are compiled once wanted a few times (sub_get) and kept per
 * checker, or once for all the checkers of a run in a shared cache (hl_subset_cache).
 */
typedef struct subset {
	size_t rule;
	unsigned long long mask;
	int kind;        /* SUB_ANCHORED (a document over 4 GiB runs a rule unanchored after one
			  * that did not), SUB_ASCII (for ASCII text: see hl_rules_twin), or both */
	pcre2_code *code;
	unsigned uses;   /* of a PENDING entry: times wanted so far */
} subset;

typedef struct subsets {
	subset *v;
	size_t cap, n; /* open addressing; cap is a power of two */
} subsets;

/* In a shared cache, the entry of a regex that one thread is compiling. */
static char being_compiled, seen_only;
#define BUSY ((pcre2_code *)(void *)&being_compiled)
/* In a checker's own table, the entry of a partial regex wanted too few times yet to be
 * worth compiling (see sub_get). */
#define PENDING ((pcre2_code *)(void *)&seen_only)

enum { SUB_ANCHORED = 1, SUB_ASCII = 2 };

static size_t sub_hash(size_t rule, unsigned long long mask, int kind)
{
	return (size_t)((mask * 0x9E3779B97F4A7C15ULL) ^ ((rule * 4 + (size_t)kind) * 0xC2B2AE3D27D4EB4FULL));
}

static subset *sub_put(subsets *S, size_t rule, unsigned long long mask, int kind, pcre2_code *code);

static void sub_grow(subsets *S)
{
	subsets old = *S;
	size_t i;

	S->cap = old.cap ? old.cap * 2 : 64;
	S->n = 0;
	S->v = hl_calloc(S->cap, sizeof *S->v);
	for (i = 0; i < old.cap; i++)
		if (old.v[i].code != NULL)
			sub_put(S, old.v[i].rule, old.v[i].mask, old.v[i].kind, old.v[i].code)->uses = old.v[i].uses;
	free(old.v);
}

static subset *sub_put(subsets *S, size_t rule, unsigned long long mask, int kind, pcre2_code *code)
{
	size_t i;

	if ((S->n + 1) * 2 > S->cap)
		sub_grow(S);
	for (i = sub_hash(rule, mask, kind) & (S->cap - 1); S->v[i].code != NULL; i = (i + 1) & (S->cap - 1))
		;
	S->v[i] = (subset){rule, mask, kind, code, 0};
	S->n++;
	return &S->v[i];
}

/* The entry of (ri, mask, kind), or NULL. */
static subset *sub_entry(const subsets *S, size_t ri, unsigned long long mask, int kind)
{
	size_t i;

	if (S->cap > 0)
		for (i = sub_hash(ri, mask, kind) & (S->cap - 1); S->v[i].code != NULL; i = (i + 1) & (S->cap - 1))
			if (S->v[i].rule == ri && S->v[i].mask == mask && S->v[i].kind == kind)
				return &S->v[i];
	return NULL;
}

static pcre2_code *sub_find(const subsets *S, size_t ri, unsigned long long mask, int kind)
{
	const subset *e = sub_entry(S, ri, mask, kind);

	return e != NULL ? e->code : NULL;
}

/* Free the table and, when it owns them, its regexes. */
static void sub_release(subsets *S, int owned)
{
	size_t i;

	for (i = 0; owned && i < S->cap; i++)
		if (S->v[i].code != BUSY && S->v[i].code != PENDING)
			pcre2_code_free(S->v[i].code);
	free(S->v);
}

struct hl_subset_cache {
	pthread_mutex_t mu;
	subsets S;
};

hl_subset_cache *hl_subset_cache_new(void)
{
	hl_subset_cache *c = hl_calloc(1, sizeof *c);

	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void hl_subset_cache_free(hl_subset_cache *c)
{
	if (c == NULL)
		return;
	sub_release(&c->S, 1);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static pcre2_code *sub_compile(const hl_rule *r, unsigned long long mask, int kind);

static const pcre2_code *sub_get(hl_checker *ck, size_t ri, unsigned long long mask, int kind)
{
	subsets *S = ck->subsets;
	const hl_rule *r = &ck->rules->v[ri];
	int anchored = kind & SUB_ANCHORED;
	const pcre2_code *whole = anchored ? r->anchored : r->match;
	/* what runs while the partial regex is not there: the whole pattern, which finds the
	 * same matches, through its copy for the interpreter (so that these matches do not
	 * count towards JIT-compiling the whole pattern) */
	const pcre2_code *plain = anchored ? r->anchored_plain : r->match_plain, *stand_in = plain ? plain : whole;
	subset *e = sub_entry(S, ri, mask, kind);
	pcre2_code *code;

	if (e != NULL && e->code != PENDING)
		return e->code;
	/* a partial regex is compiled only once it has been wanted a few times, which a short
	 * post seldom does */
	if (e == NULL)
		e = sub_put(S, ri, mask, kind, PENDING);
	if (++e->uses < ck->rules->sub_after)
		return stand_in;
	if (ck->shared != NULL) {
		/* The first thread to want a partial regex compiles it, outside the lock; a thread
		 * that wants it meanwhile runs the stand-in. The checker's own table keeps a
		 * borrowed pointer, so the lock is taken once per partial regex and checker, not
		 * per look-up. */
		pthread_mutex_lock(&ck->shared->mu);
		code = sub_find(&ck->shared->S, ri, mask, kind);
		if (code == NULL)
			sub_put(&ck->shared->S, ri, mask, kind, BUSY);
		pthread_mutex_unlock(&ck->shared->mu);
		if (code == BUSY)
			return stand_in;
		if (code == NULL) {
			pcre2_code *made = sub_compile(r, mask, kind);
			pthread_mutex_lock(&ck->shared->mu);
			/* its BUSY entry, put there above, is replaced */
			sub_entry(&ck->shared->S, ri, mask, kind)->code = made != NULL ? made : BUSY;
			pthread_mutex_unlock(&ck->shared->mu);
			code = made;
		}
	} else
		code = sub_compile(r, mask, kind);
	if (code == NULL) /* cannot happen (every part compiled before); the stand-in is right too */
		return stand_in;
	e->code = code; /* S has not grown since e was found */
	return code;
}

/* The alternatives of rule r in mask as one regex, JIT-compiled, or NULL; without
 * PCRE2_UCP for ASCII text (SUB_ASCII). */
static pcre2_code *sub_compile(const hl_rule *r, unsigned long long mask, int kind)
{
	hl_buf b = HL_BUF_INIT;
	size_t k, count = 0;
	pcre2_code *code;
	int ec;
	PCRE2_SIZE off;

	for (k = 0; k < r->nitems; k++)
		if (mask & (1ULL << k)) {
			hl_buf_addf(&b, "%s(?:%s)", count++ ? "|" : "", r->items[k]);
		}
	/* anchored like the rule's own copy when it is tried at its start words only */
	code = pcre2_compile((PCRE2_SPTR)b.s, b.len,
			     (HL_RULE_FLAGS(r) & ~(uint32_t)(kind & SUB_ASCII ? PCRE2_UCP : 0)) |
				     (kind & SUB_ANCHORED ? PCRE2_ANCHORED : 0),
			     &ec, &off, NULL);
	hl_buf_release(&b);
	if (code != NULL && hl_use_jit())
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

void hl_checker_init(hl_checker *ck, const hl_rules *rules, unsigned long match_limit,
		     unsigned long depth_limit)
{
	size_t i;
	uint32_t max = 1, c;

	memset(ck, 0, sizeof *ck);
	ck->rules = rules;
	for (i = 0; i < rules->n; i++) {
		const pcre2_code *codes[] = {rules->v[i].match, rules->v[i].unless, rules->v[i].when,
					     rules->v[i].require, rules->v[i].unless_before};
		size_t j;
		for (j = 0; j < sizeof codes / sizeof codes[0]; j++)
			if (codes[j] != NULL && pcre2_pattern_info(codes[j], PCRE2_INFO_CAPTURECOUNT, &c) == 0 &&
			    c + 1 > max)
				max = c + 1;
	}
	if ((ck->md = pcre2_match_data_create(max, NULL)) == NULL)
		hl_oom();
	if ((ck->mctx = pcre2_match_context_create(NULL)) == NULL)
		hl_oom();
	if (match_limit)
		pcre2_set_match_limit(ck->mctx, (uint32_t)match_limit);
	if (depth_limit)
		pcre2_set_depth_limit(ck->mctx, (uint32_t)depth_limit);
	ck->cite = hl_cite_init(rules);
	ck->subsets = hl_calloc(1, sizeof(subsets));
	{
		const char *v = getenv("HYPELINT_PREFILTER"), *chunk = getenv("HYPELINT_CHUNK");
		ck->prefilter = rules->triggers != NULL && !(v != NULL && !strcmp(v, "0"));
		ck->chunk_bytes = chunk != NULL && *chunk ? strtoul(chunk, NULL, 10) : CHUNK_BYTES;
	}
}

/*
 * What hl_check_doc needs for each document: trigger bits, candidates, the rules that gave
 * up. The checker keeps them from one document to the next, so that a run over many small
 * files allocates them once per thread, not once per file (with several threads each
 * malloc and free costs more).
 */
typedef struct doc_work {
	uint64_t *hit, *bhit, *dhit, *chit; /* per sentence and per block (chunk), whole text, chunk */
	size_t hit_cap, bhit_cap;
	unsigned char *gave_up;             /* per rule */
	hl_cands *cands;                    /* per start slot */
	size_t *held;                       /* per start slot */
	uint64_t *na;                       /* per 64-byte block of text (hl_mark_non_ascii) */
	size_t na_cap;
	/* which code points of the Basic Multilingual Plane PCRE2 has been asked about (and
	 * their answers) by wide_digit, and its regex */
	uint64_t *nd_known, *nd_is;
	pcre2_code *nd_re;
} doc_work;

static doc_work *new_work(const hl_rules *rules, size_t nw)
{
	doc_work *W = hl_calloc(1, sizeof *W);

	W->gave_up = hl_calloc(rules->n + 1, 1);
	W->dhit = hl_calloc(nw + 1, sizeof *W->dhit);
	W->chit = hl_calloc(nw + 1, sizeof *W->chit);
	W->cands = hl_calloc(rules->nstarts + 1, sizeof *W->cands);
	W->held = hl_calloc(rules->nstarts + 1, sizeof *W->held);
	return W;
}

static void work_free(void *p, const hl_rules *rules)
{
	doc_work *W = p;
	size_t i;

	if (W == NULL)
		return;
	for (i = 0; i < rules->nstarts; i++)
		free(W->cands[i].v);
	free(W->cands);
	free(W->held);
	free(W->hit);
	free(W->bhit);
	free(W->dhit);
	free(W->chit);
	free(W->gave_up);
	free(W->na);
	free(W->nd_known);
	free(W->nd_is);
	pcre2_code_free(W->nd_re);
	free(W);
}

void hl_checker_release(hl_checker *ck)
{
	if (ck->subsets != NULL) /* with a shared cache, the regexes are the cache's */
		sub_release(ck->subsets, ck->shared == NULL);
	free(ck->subsets);
	hl_cite_free(ck->cite);
	pcre2_match_data_free(ck->md);
	pcre2_match_context_free(ck->mctx);
	hl_buf_release(&ck->scratch);
	work_free(ck->work, ck->rules);
	memset(ck, 0, sizeof *ck);
}

static void finding_release(hl_finding *f)
{
	size_t i;

	free(f->message);
	free(f->match);
	free(f->suggest);
	for (i = 0; i < f->nnotes; i++)
		free(f->notes[i].message);
	free(f->notes);
}

void hl_findings_release(hl_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		finding_release(&f->v[i]);
	free(f->v);
	memset(f, 0, sizeof *f);
}

hl_finding *hl_run_add(run *R, size_t pstart, size_t pend)
{
	hl_finding *f;

	HL_GROW(R->out->v, R->out->cap, R->out->n + 1);
	f = &R->out->v[R->out->n++];
	memset(f, 0, sizeof *f);
	f->rule = R->rule;
	f->rule_id = R->rule->id;
	f->severity = R->rule->severity;
	f->order = R->rule_index;
	f->start = hl_doc_src_near(R->doc, pstart, &R->anchor_hint);
	f->end = hl_doc_src_end_near(R->doc, pend, &R->anchor_hint);
	if (f->end < f->start)
		f->end = f->start;
	f->match = hl_strndup(R->doc->text.s + pstart, pend - pstart);
	return f;
}

void hl_run_rendered(run *R, hl_finding *f)
{
	if (R->ck->drop_match) {
		free(f->match);
		f->match = NULL;
	}
}

/* Quote match into b, at most MAX_QUOTE characters. */
static void add_match(hl_buf *b, const char *match)
{
	size_t n = strlen(match), chars = hl_utf8_count(match, n);

	if (chars > MAX_QUOTE) {
		size_t i = 0, c = 0;
		while (i < n && c < MAX_QUOTE - 3) {
			size_t l = hl_utf8_len((const unsigned char *)match + i, n - i);
			i += l ? l : 1;
			c++;
		}
		hl_buf_add_quoted(b, match, i);
		hl_buf_adds(b, "...");
	} else
		hl_buf_add_quoted(b, match, n);
}

char *hl_render(hl_checker *ck, const char *tmpl, const char *match, const char *const *vars)
{
	hl_buf *b = &ck->scratch; /* the checker's, so that it grows only while it is new */
	const char *p;
	size_t i;

	b->len = 0;

	for (p = tmpl; *p; p++) {
		if (*p != '{') { /* a run of literal text, up to the next brace */
			size_t n = strcspn(p, "{");
			hl_buf_add(b, p, n);
			p += n - 1;
			continue;
		}
		if (!strncmp(p, "{match}", 7)) {
			add_match(b, match);
			p += 6;
			continue;
		}
		for (i = 0; vars != NULL && vars[i] != NULL; i += 2) {
			size_t l = strlen(vars[i]);
			if (!strncmp(p + 1, vars[i], l) && p[l + 1] == '}') {
				hl_buf_adds(b, vars[i + 1] ? vars[i + 1] : "");
				p += l + 1;
				break;
			}
		}
		if (vars != NULL && vars[i] != NULL)
			continue;
		hl_buf_addc(b, *p);
	}
	/* it is kept until the file is reported: an exact copy */
	return hl_strndup(b->s ? b->s : "", b->len);
}

static char *render(hl_checker *ck, const char *tmpl, const char *match, const char *suggest)
{
	const char *vars[] = {"suggestion", suggest, NULL};
	return hl_render(ck, tmpl, match, suggest ? vars : NULL);
}

static void limit_warning(run *R, size_t at, int rc)
{
	hl_finding *f;
	hl_buf b = HL_BUF_INIT;

	if (R->limit_hit)
		return;
	R->limit_hit = 1;
	f = hl_run_add(R, at, at);
	f->rule = NULL;
	f->rule_id = "match-limit";
	f->severity = HL_SEV_WARNING;
	hl_buf_addf(&b, "rule '%s' gave up here: %s; its patterns backtrack too much, so the rule was not checked on the rest of this file",
		    R->rule->id,
		    rc == PCRE2_ERROR_MATCHLIMIT ? "match limit exceeded" :
		    rc == PCRE2_ERROR_DEPTHLIMIT ? "depth limit exceeded" : "matching failed");
	f->message = hl_buf_detach(&b);
}

uint64_t *hl_mark_non_ascii(uint64_t *na, size_t *cap, const hl_buf *text)
{
	size_t nb = (text->len + 63) / 64, b;

	HL_GROW(na, *cap, nb / 64 + 1);
	memset(na, 0, (nb / 64 + 1) * sizeof *na);
	for (b = 0; b < nb; b++) /* the last block may be short */
		if (!hl_all_ascii(text->s + b * 64, b + 1 < nb ? 64 : text->len - b * 64))
			na[b / 64] |= 1ULL << (b % 64);
	return na;
}

int hl_run_ascii_look(run *R, size_t from, size_t end)
{
	size_t b, b1, s, e;

	R->a_from = from;
	R->a_end = end;
	R->a_val = R->na != NULL;
	if (end <= from || R->na == NULL)
		return R->a_val;
	/* the blocks that hold a byte past ASCII, and of those the bytes in the range */
	for (b = from / 64, b1 = (end - 1) / 64; b <= b1; b++) {
		uint64_t w = R->na[b / 64] >> (b % 64);
		if (!(w & 1)) { /* on to the next such block (or the next word) */
			b = w == 0 ? (b | 63) : b + (size_t)__builtin_ctzll(w) - 1;
			continue;
		}
		s = b * 64 > from ? b * 64 : from;
		e = b * 64 + 64 < end ? b * 64 + 64 : end;
		if (!hl_all_ascii(R->doc->text.s + s, e - s))
			return R->a_val = 0;
	}
	return 1;
}

/* hl_run_match, inline for the loop over candidates in hl_run_next */
static inline int match_at(run *R, const pcre2_code *re, size_t from, size_t end, size_t at, size_t *ms,
			   size_t *me)
{
	int rc = hl_prose_match(R->ck, re, R->doc->text.s + from, end - from, at - from, R->ck->md,
				hl_run_ascii(R, from, end));
	PCRE2_SIZE *ov;

	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		limit_warning(R, at, rc);
		return -1;
	}
	ov = pcre2_get_ovector_pointer(R->ck->md);
	*ms = from + ov[0];
	*me = from + ov[1];
	return 1;
}

int hl_run_match(run *R, const pcre2_code *re, size_t from, size_t end, size_t at, size_t *ms, size_t *me)
{
	return match_at(R, re, from, end, at, ms, me);
}

/* Move cur to its first candidate at or after at: galloping forward (a fresh cursor may
 * be far behind), binary search back. */
static void seek(cursor *cur, size_t at)
{
	const hl_cands *c = cur->c;
	size_t lo, hi;

	if (cur->i > 0 && c->v[cur->i - 1] >= at) {
		lo = 0;
		hi = cur->i;
	} else {
		size_t step = 1;
		if (cur->i >= c->n || c->v[cur->i] >= at)
			return;
		lo = cur->i; /* v[lo] < at */
		while (lo + step < c->n && c->v[lo + step] < at) {
			lo += step;
			step *= 2;
		}
		hi = lo + step < c->n ? lo + step : c->n;
		lo++;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->v[mid] < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	cur->i = lo;
}

/* Has cur (NULL: none, a regex that runs everywhere) a candidate in text[from, end)? A
 * regex tried only at its candidates cannot match in a unit without one, which is then
 * passed over before a regex is picked for it: picking counts towards compiling the
 * partial regexes, and units whose trigger words name a rule but that hold none of its
 * start words had partial regexes compiled and JIT-compiled that never ran. */
static int cands_in(cursor *cur, size_t from, size_t end)
{
	if (cur == NULL)
		return 1;
	seek(cur, from);
	return cur->i < cur->c->n && cur->c->v[cur->i] < end;
}

cursor *hl_run_cursor(run *R, cursor *cur, size_t start)
{
	if (R->cands == NULL || start == 0)
		return NULL;
	cur->c = &R->cands[start - 1];
	cur->slot = start - 1;
	/* scopes and units come mostly in text order: seek from where the last cursor over
	 * these candidates ended, not from the first (it goes back by binary search) */
	cur->i = R->held[cur->slot] <= cur->c->n ? R->held[cur->slot] : cur->c->n;
	return cur;
}

int hl_run_may_hold(run *R, size_t start, size_t from, size_t end)
{
	cursor c, *cur = hl_run_cursor(R, &c, start);
	int in = cands_in(cur, from, end);

	if (cur != NULL)
		R->held[cur->slot] = cur->i;
	return in;
}

int hl_run_next_first(run *R, const pcre2_code *re, const unsigned char *first, cursor *cur, size_t from,
		      size_t end, size_t at, size_t *ms, size_t *me)
{
	const hl_cands *c;
	const unsigned char *t = (const unsigned char *)R->doc->text.s;

	if (cur == NULL)
		return hl_run_match(R, re, from, end, at, ms, me);
	c = cur->c;
	seek(cur, at);
	for (; cur->i < c->n && c->v[cur->i] < end; cur->i++) {
		int rc;
		unsigned char b = t[c->v[cur->i]];
		if (first != NULL && !(first[b >> 3] & (1u << (b & 7))))
			continue;
		rc = match_at(R, re, from, end, c->v[cur->i], ms, me);
		if (rc != 0) {
			R->held[cur->slot] = cur->i;
			return rc;
		}
	}
	R->held[cur->slot] = cur->i;
	return 0;
}

int hl_run_next(run *R, const pcre2_code *re, cursor *cur, size_t from, size_t end, size_t at, size_t *ms,
		size_t *me)
{
	return hl_run_next_first(R, re, NULL, cur, from, end, at, ms, me);
}

/* Does re match the target of a link that lies in text[from, end)? */
static int matches_link(run *R, const pcre2_code *re, size_t from, size_t end)
{
	size_t i;

	for (i = hl_doc_first_link_near(R->doc, from, &R->link_hint); i < R->doc->nlinks && R->doc->links[i].start <= end;
	     i++) {
		const hl_link *l = &R->doc->links[i];
		if (!((l->start < end && l->end > from) || (l->start == l->end && l->start >= from && l->start < end)) ||
		    l->href[0] == '\0')
			continue;
		/* a target is not prose (it may not be valid UTF-8): pcre2_match checks it, and
		 * runs the JIT code once the regex has it (compiled here if still waiting) */
		if (!R->ck->rules->jit_shared)
			hl_rules_jit_late(R->ck->rules, re);
		if (pcre2_match(hl_ready(R->ck, re), (PCRE2_SPTR)l->href, strlen(l->href), 0, 0, R->ck->md, R->ck->mctx) >= 0)
			return 1;
	}
	return 0;
}

int hl_run_matches_in(run *R, const pcre2_code *re, size_t from, size_t end)
{
	size_t ms, me;
	int rc = hl_run_match(R, re, from, end, from, &ms, &me);

	if (rc != 0)
		return rc > 0;
	return matches_link(R, re, from, end);
}

/* Can part p's rest match in text[from, end)? Not when each of its matches holds a digit
 * and the range holds none: citation markers ("[3]", "(Smith, 2020)") are tried at every
 * bracket and capital letter, in sentences most of which have no digit. A range that
 * hl_run_ascii does not call all ASCII is always tried, for \d under PCRE2_UCP matches
 * other scripts' digits (the regex's own run asks it about the same range). */
static int rest_may_match(run *R, const hl_part *p, size_t from, size_t end)
{
	return !p->rest_digit || hl_has_digit(R->doc->text.s + from, end - from) || !hl_run_ascii(R, from, end);
}

/* The same for a split regex (see hl_split): the rest of each part runs as it is, its
 * anchored regex at its candidates, and the whole regex on link targets. */
static int split_matches_in(run *R, const pcre2_code *whole, const hl_split *sp, size_t from, size_t end)
{
	size_t ms, me, i;

	if (R->cands == NULL || sp->nparts == 0)
		return hl_run_matches_in(R, whole, from, end);
	for (i = 0; i < sp->nparts; i++) {
		const hl_part *p = &sp->parts[i];
		cursor c, *cur = hl_run_cursor(R, &c, p->start);
		if (p->rest != NULL && rest_may_match(R, p, from, end) && hl_run_match(R, p->rest, from, end, from, &ms, &me) > 0)
			return 1;
		if (R->limit_hit)
			return 0;
		if (cur != NULL && hl_run_next(R, p->anchored, cur, from, end, from, &ms, &me) > 0)
			return 1;
		if (R->limit_hit)
			return 0;
	}
	return matches_link(R, whole, from, end);
}

static size_t next_char(const hl_doc *doc, size_t at, size_t end)
{
	size_t l = hl_utf8_len((const unsigned char *)doc->text.s + at, end - at);
	return at + (l ? l : 1);
}

#define BEFORE_WINDOW 80 /* bytes before a match that unless-before looks at */

/*
 * Does unless-before match in text[ws, ms), up to its end? Its parts run as the other
 * split regexes do, anchored at their candidates, with two cases the candidates cannot
 * answer: where ms falls inside a token, a part could end on the piece before it, which
 * the token scan never saw as a word of its own (the whole regex runs); and where ws
 * does, a part could begin at ws, on the piece after it (the anchored regex runs there).
 */
static int before_matches(run *R, size_t ws, size_t ms)
{
	const hl_split *sp = &R->rule->before_split;
	const unsigned char *t = (const unsigned char *)R->doc->text.s;
	int cut = ws > 0 && ws < ms && hl_token_byte(t[ws - 1]) && hl_token_byte(t[ws]);
	int inside = ms > ws && ms < R->doc->text.len && hl_token_byte(t[ms - 1]) && hl_token_byte(t[ms]);
	size_t a, b, i;
	int rc;

	if (R->cands == NULL || sp->nparts == 0 || inside)
		return hl_run_match(R, R->rule->unless_before, ws, ms, ws, &a, &b);
	for (i = 0; i < sp->nparts; i++) {
		const hl_part *p = &sp->parts[i];
		cursor c, *cur = hl_run_cursor(R, &c, p->start);
		if (p->rest != NULL && rest_may_match(R, p, ws, ms) && (rc = hl_run_match(R, p->rest, ws, ms, ws, &a, &b)) != 0)
			return rc;
		if (p->anchored == NULL)
			continue;
		if (cut && (rc = hl_run_match(R, p->anchored, ws, ms, ws, &a, &b)) != 0)
			return rc;
		if (cur != NULL && (rc = hl_run_next(R, p->anchored, cur, ws, ms, ws, &a, &b)) != 0)
			return rc;
	}
	return 0;
}

/* Does unless-before match the text that ends where the match starts? */
static int negated(run *R, size_t from, size_t ms)
{
	const char *t = R->doc->text.s;
	size_t ws = ms > from + BEFORE_WINDOW ? ms - BEFORE_WINDOW : from;

	while (ws < ms && ((unsigned char)t[ws] & 0xc0) == 0x80)
		ws++;
	return before_matches(R, ws, ms) > 0;
}

/* Check one scope unit text[from, end); unless also looks up to uend. */
static void check_unit(run *R, const pcre2_code *re, cursor *cur, size_t from, size_t end, size_t uend)
{
	const hl_rule *r = R->rule;
	size_t at = from, ms, me;
	int unless_state = -1, when_state = -1; /* -1: not yet known */

	while (at <= end && !R->limit_hit) {
		int rc = hl_run_next(R, re, cur, from, end, at, &ms, &me);
		hl_finding *f;
		char *suggest = NULL;

		if (rc <= 0)
			return;
		if (me == ms) { /* an empty match reports nothing */
			if (ms >= end)
				return;
			at = next_char(R->doc, ms, end);
			continue;
		}
		at = me;
		if (r->when != NULL) {
			if (when_state < 0)
				when_state = split_matches_in(R, r->when, &r->when_split, from, end);
			if (!when_state)
				return;
		}
		if (r->unless != NULL) {
			if (unless_state < 0)
				unless_state = split_matches_in(R, r->unless, &r->unless_split, from, uend);
			if (unless_state)
				return;
		}
		if (r->unless_before != NULL && negated(R, from, ms))
			continue;
		if (r->kind == HL_KIND_SWAP) {
			/* which phrase matched: group i+1 is swaps[i] */
			PCRE2_SIZE *ov;
			size_t i;
			if (hl_run_match(R, r->match, from, end, ms, &ms, &me) <= 0)
				continue;
			ov = pcre2_get_ovector_pointer(R->ck->md);
			for (i = 0; i < r->nswaps; i++)
				if (ov[2 * (i + 1)] != PCRE2_UNSET)
					break;
			if (i == r->nswaps)
				continue;
			suggest = hl_strdup(r->swaps[i].suggest);
			if (isupper((unsigned char)R->doc->text.s[ms]) && islower((unsigned char)suggest[0]))
				suggest[0] = (char)toupper((unsigned char)suggest[0]);
		}
		f = hl_run_add(R, ms, me);
		f->suggest = suggest;
		f->message = render(R->ck, r->message, f->match, suggest);
		hl_run_rendered(R, f);
	}
}

/* The first byte of r's stop bytes (hl_rule.stop) in the text at or after p, or the end. */
static size_t next_stop(const run *R, const hl_rule *r, size_t p)
{
	const unsigned char *t = (const unsigned char *)R->doc->text.s;
	size_t len = R->doc->text.len;

	for (; p < len; p++)
		if (t[p] < 128 && (r->stop[t[p] >> 6] >> (t[p] & 63) & 1))
			break;
	return p;
}

/*
 * The next match of require rule r's `when` from at, tried at the candidates of cur (as
 * hl_run_next does) where it may hold a word of each of r's need sets (hl_rule.need_ix):
 * a match from p ends before the first stop byte after p, and so does each word it holds.
 */
static int next_claim(run *R, const hl_rule *r, cursor *cur, size_t at, size_t *ms, size_t *me)
{
	const hl_cands *c = cur->c;
	size_t len = R->doc->text.len, stop = 0, bare = 0;
	uint64_t all = r->nneed >= 64 ? ~0ULL : (1ULL << r->nneed) - 1;

	seek(cur, at);
	for (; cur->i < c->n; cur->i++) {
		size_t p = c->v[cur->i];
		uint64_t hit = 0;
		int rc;
		if (p < bare)
			continue; /* [p, stop) lies in a range that lacks a set */
		if (p >= stop)
			stop = next_stop(R, r, p);
		hl_trigger_index_scan_at(r->need_ix, R->doc->text.s, p, stop, len, &hit, r->nneed, NULL);
		if (hit != all) {
			bare = stop;
			continue;
		}
		rc = match_at(R, r->anchored, 0, len, p, ms, me);
		if (rc != 0) {
			R->held[cur->slot] = cur->i;
			return rc;
		}
	}
	R->held[cur->slot] = cur->i;
	return 0;
}

static void check_require(run *R, cursor *when)
{
	const hl_rule *r = R->rule;
	const hl_doc *doc = R->doc;
	size_t at = 0, count = 0, first_s = 0, first_e = 0, ms, me;
	hl_finding *f;

	/* A page that says what is required needs no claims counted. The required phrases are
	 * looked for first: a careful page names its risks early, where counting claims would
	 * try every mention of a drug; a page without them has its claims counted as before. */
	if (split_matches_in(R, r->require, &r->require_split, 0, doc->text.len) || R->limit_hit)
		return;
	while (count < r->min && at <= doc->text.len) {
		if ((when != NULL && r->nneed > 0 ? next_claim(R, r, when, at, &ms, &me)
						  : hl_run_next(R, when ? r->anchored : r->when, when, 0, doc->text.len, at, &ms,
								&me)) <= 0)
			break;
		if (count == 0) {
			first_s = ms;
			first_e = me;
		}
		if (me > ms)
			count++;
		at = me > ms ? me : (ms < doc->text.len ? next_char(doc, ms, doc->text.len) : doc->text.len + 1);
	}
	if (count < r->min || R->limit_hit)
		return;
	f = hl_run_add(R, first_s, first_e);
	f->message = render(R->ck, r->message, f->match, NULL);
	hl_run_rendered(R, f);
}

/* Trigger hits are kept as bits: NW(n) words of 64 for n slots. */
#define NW(n) (((n) + 63) / 64)
#define HIT(h, i) ((h)[(i) / 64] >> ((i) % 64) & 1)

/* Where rule r's slot bits lie in a scope's hits: word w, bits m[0] there and m[1] in the
 * next word; both masks 0 when the rule runs whatever the hits (see may_run). */
typedef struct slot_bits {
	size_t w;
	uint64_t m[2];
} slot_bits;

static slot_bits rule_bits(const hl_rule *r)
{
	slot_bits b = {r->slot / 64, {0, 0}};
	size_t k = r->slot % 64, n = r->nslots;

	if (!r->triggers.known || r->always != 0)
		return b;
	b.m[0] = (n >= 64 ? ~0ULL : (1ULL << n) - 1) << k;
	if (k > 0 && k + n > 64)
		b.m[1] = ((1ULL << (k + n - 64)) - 1);
	return b;
}

/* Can pick find a regex to run in a scope whose hits are h? A quick test before it. */
static inline int may_run(const slot_bits *b, const uint64_t *h)
{
	return (b->m[0] | b->m[1]) == 0 || (h[b->w] & b->m[0]) != 0 || (b->m[1] != 0 && (h[b->w + 1] & b->m[1]) != 0);
}

/* The alternatives of pattern or swap rule r that may match in a scope whose slot hits are
 * h (NULL: no prefilter): 0 when none, *full when all. */
static inline unsigned long long pick_mask(const hl_rule *r, const uint64_t *h, unsigned long long *full)
{
	unsigned long long mask;
	size_t k;

	*full = r->nitems >= 2 && r->nitems < 64 ? (1ULL << r->nitems) - 1 : ~0ULL;
	if (h == NULL || !r->triggers.known)
		return *full;
	if (r->nslots == 1)
		return HIT(h, r->slot) ? *full : 0;
	/* bits slot .. slot + nitems - 1 of h, in one or two words */
	k = r->slot % 64;
	mask = h[r->slot / 64] >> k;
	if (k > 0 && k + r->nitems > 64)
		mask |= h[r->slot / 64 + 1] << (64 - k);
	return (mask & *full) | r->always;
}

/* The regex to run for pattern or swap rule ri in a scope whose slot hits are h (NULL: no
 * prefilter), anchored or not, for ASCII text or not (kind: SUB_ flags), or NULL when no
 * trigger of the rule is there. */
static const pcre2_code *pick(hl_checker *ck, size_t ri, const uint64_t *h, int kind)
{
	const hl_rule *r = &ck->rules->v[ri];
	unsigned long long full, mask = pick_mask(r, h, &full);

	if (mask == 0)
		return NULL;
	/* a whole pattern has its ASCII twin in hl_prose_match */
	return mask == full ? (kind & SUB_ANCHORED ? r->anchored : r->match) : sub_get(ck, ri, mask, kind);
}

static int runs(const hl_checker *ck, const hl_rule *only, size_t i)
{
	const hl_rule *r = &ck->rules->v[i];

	return only != NULL ? r == only : ck->enabled != NULL ? ck->enabled[i] : r->enabled;
}

/* ---- suppressions ---- */

static int names(const hl_supp *s, const char *id)
{
	size_t i;

	if (s->nids == 0)
		return 1;
	for (i = 0; i < s->nids; i++)
		if (!strcmp(s->ids[i], id))
			return 1;
	return 0;
}

/* The doc's directives split by kind, each list in source order (so also in line order). */
typedef struct supp_lists {
	const hl_supp **next;   /* disable-next-line */
	size_t nnext;
	const hl_supp **range;  /* disable and enable */
	size_t nrange;
	size_t near;            /* the line of the last finding looked up */
} supp_lists;

static void supp_lists_init(supp_lists *L, const hl_doc *doc)
{
	size_t i;

	memset(L, 0, sizeof *L);
	L->next = hl_calloc(doc->nsupps + 1, sizeof *L->next);
	L->range = hl_calloc(doc->nsupps + 1, sizeof *L->range);
	for (i = 0; i < doc->nsupps; i++) {
		if (doc->supps[i].kind == HL_SUPP_NEXT_LINE)
			L->next[L->nnext++] = &doc->supps[i];
		else
			L->range[L->nrange++] = &doc->supps[i];
	}
}

static int suppressed(const hl_doc *doc, supp_lists *L, const hl_finding *f)
{
	size_t line, lo, hi;

	if (f->rule == NULL || doc->nsupps == 0)
		return 0;
	line = L->near = hl_source_line_near(doc->src, f->start, L->near);
	/* a disable-next-line on the line before */
	lo = 0;
	hi = L->nnext;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (L->next[mid]->line + 1 < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < L->nnext && L->next[lo]->line + 1 == line; lo++)
		if (names(L->next[lo], f->rule_id))
			return 1;
	/* the last disable or enable before it that concerns this rule */
	lo = 0;
	hi = L->nrange;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (L->range[mid]->src <= f->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		const hl_supp *sp = L->range[--lo];
		if (names(sp, f->rule_id))
			return sp->kind == HL_SUPP_DISABLE;
	}
	return 0;
}

/* Drop the findings f->v[from..] that suppression comments silence. */
static void suppress(const hl_doc *doc, supp_lists *L, hl_findings *f, size_t from)
{
	size_t i, j;

	for (i = j = from; i < f->n; i++) {
		if (suppressed(doc, L, &f->v[i]))
			finding_release(&f->v[i]);
		else
			f->v[j++] = f->v[i];
	}
	f->n = j;
}

static hl_finding *own_finding(hl_findings *f, const char *id, size_t start, size_t end, const char *match)
{
	hl_finding *w;

	HL_GROW(f->v, f->cap, f->n + 1);
	w = &f->v[f->n++];
	memset(w, 0, sizeof *w);
	w->rule_id = id;
	w->severity = HL_SEV_WARNING;
	w->start = start;
	w->end = end;
	w->match = hl_strdup(match);
	w->order = (size_t)-1;
	return w;
}

/* hypelint's own findings about a document: where its parser gave up, and suppression
 * comments that name rules there are not. */
static void doc_findings(hl_checker *ck, const hl_doc *doc, hl_findings *f)
{
	size_t i, k;

	if (doc->stopped) { /* never skip the rest of a file in silence */
		hl_finding *w = own_finding(f, "input-truncated", doc->stopped - 1, doc->stopped - 1, "");
		hl_buf b = HL_BUF_INIT;
		hl_buf_adds(&b, "the HTML parser stopped here (");
		hl_buf_add_quoted(&b, doc->stop_reason, strlen(doc->stop_reason));
		hl_buf_adds(&b, "); the rest of the file was not linted: simplify the markup here");
		w->message = hl_buf_detach(&b);
	}
	for (i = 0; i < doc->nsupps; i++) {
		const hl_supp *s = &doc->supps[i];
		for (k = 0; k < s->nids; k++) {
			hl_finding *w;
			hl_buf b = HL_BUF_INIT;
			if (hl_rules_find(ck->rules, s->ids[k]) != NULL)
				continue;
			w = own_finding(f, "unknown-rule", s->id_src[k], s->id_src[k] + strlen(s->ids[k]), s->ids[k]);
			hl_buf_adds(&b, "suppression comment names unknown rule '");
			hl_buf_add_quoted(&b, s->ids[k], strlen(s->ids[k]));
			hl_buf_adds(&b, "'; check the id with --list-rules");
			w->message = hl_buf_detach(&b);
		}
	}
}

static int cmp_finding(const void *a, const void *b)
{
	const hl_finding *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

/* Sort by position and rule, and drop repeats of one rule at one place. */
static void sort_findings(hl_findings *f)
{
	size_t i, j;

	if (f->n < 2)
		return;
	qsort(f->v, f->n, sizeof *f->v, cmp_finding);
	for (i = j = 0; i < f->n; i++) {
		if (j > 0 && f->v[j - 1].start == f->v[i].start &&
		    !strcmp(f->v[j - 1].rule_id, f->v[i].rule_id)) {
			finding_release(&f->v[i]);
			continue;
		}
		f->v[j++] = f->v[i];
	}
	f->n = j;
}

void hl_findings_collect(void *arg, hl_findings *batch)
{
	hl_findings *all = arg;

	if (batch->n == 0)
		return;
	HL_GROW(all->v, all->cap, all->n + batch->n);
	memcpy(all->v + all->n, batch->v, batch->n * sizeof *batch->v);
	all->n += batch->n;
	batch->n = 0;
}

/* ---- a document's findings, a chunk at a time ---- */

/* Findings on their way to the sink. */
typedef struct stream {
	hl_findings whole;  /* of the whole-document checks, sorted; handed over from wi on */
	size_t wi;
	hl_findings pend;   /* of the current chunk, and those held over from the last */
	hl_findings batch;  /* what goes to the sink */
	hl_findings_sink sink;
	void *arg;
} stream;

/* Hand over, in order, every finding that starts before source offset bound: no finding
 * still to come can (bound SIZE_MAX: the last). The rest wait for the next chunk. */
static void flush(stream *S, size_t bound)
{
	hl_findings *p = &S->pend, *b = &S->batch;
	size_t k, i;

	while (S->wi < S->whole.n && S->whole.v[S->wi].start < bound) {
		HL_GROW(p->v, p->cap, p->n + 1);
		p->v[p->n++] = S->whole.v[S->wi++];
	}
	sort_findings(p);
	for (k = 0; k < p->n && p->v[k].start < bound; k++)
		;
	if (k == 0)
		return;
	HL_GROW(b->v, b->cap, k);
	memcpy(b->v, p->v, k * sizeof *p->v);
	b->n = k;
	memmove(p->v, p->v + k, (p->n - k) * sizeof *p->v);
	p->n -= k;
	S->sink(S->arg, b);
	for (i = 0; i < b->n; i++)
		finding_release(&b->v[i]);
	b->n = 0;
}

/* The whole-document checks, into S->whole; dhit: the trigger bits of the whole text. */
static void check_whole(run *R, const hl_rule *only, const uint64_t *dhit, stream *S, supp_lists *L)
{
	hl_checker *ck = R->ck;
	const hl_rules *rules = ck->rules;
	const pcre2_code *re;
	size_t i;

	R->out = &S->whole;
	for (i = 0; i < rules->n; i++) {
		const hl_rule *r = &rules->v[i];
		cursor c0, *cur;
		if (!runs(ck, only, i) || !hl_rule_whole_doc(r))
			continue;
		R->rule = r;
		R->rule_index = i;
		R->limit_hit = 0;
		if (r->kind == HL_KIND_REQUIRE || r->kind == HL_KIND_CITATION) {
			if (dhit != NULL && r->triggers.known && !HIT(dhit, r->slot))
				continue; /* no trigger word anywhere in the text */
			if (r->kind == HL_KIND_REQUIRE)
				check_require(R, hl_run_cursor(R, &c0, r->start));
			else
				hl_cite_check(R);
			continue;
		}
		cur = hl_run_cursor(R, &c0, r->start);
		if ((re = pick(ck, i, dhit, (cur != NULL) | (hl_run_ascii(R, 0, R->doc->text.len) ? SUB_ASCII : 0))) != NULL)
			check_unit(R, re, cur, 0, R->doc->text.len, R->doc->text.len);
	}
	hl_cite_release(R);
	suppress(R->doc, L, &S->whole, 0);
	doc_findings(ck, R->doc, &S->whole);
	sort_findings(&S->whole);
}

/* The end of the chunk of blocks that starts at block b0 (see hl_check_doc). */
static size_t chunk_end(const hl_checker *ck, const hl_doc *doc, size_t b0)
{
	size_t b1 = b0;

	while (b1 < doc->nblocks && (b1 == b0 || doc->blocks[b1].end - doc->blocks[b0].start <= ck->chunk_bytes))
		b1++;
	return b1;
}

/* Is code point c, past ASCII and written as the n bytes at u, a decimal digit to PCRE2
 * (\d under PCRE2_UCP)? PCRE2 is asked, by a regex of its own, once for each code point of
 * the Basic Multilingual Plane (the answers kept in W), and each time for one past it. */
static int wide_digit(hl_checker *ck, doc_work *W, unsigned long c, const unsigned char *u, size_t n)
{
	int is;

	if (c < 0x10000 && W->nd_known != NULL && (W->nd_known[c >> 6] >> (c & 63) & 1))
		return W->nd_is[c >> 6] >> (c & 63) & 1;
	if (W->nd_re == NULL) {
		int ec;
		PCRE2_SIZE off;
		if ((W->nd_re = pcre2_compile((PCRE2_SPTR) "\\d", PCRE2_ZERO_TERMINATED,
					      PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED, &ec, &off, NULL)) == NULL)
			hl_oom(); /* a fixed pattern: only memory can fail it */
		W->nd_known = hl_calloc(0x10000 / 64, sizeof *W->nd_known);
		W->nd_is = hl_calloc(0x10000 / 64, sizeof *W->nd_is);
	}
	is = pcre2_match(W->nd_re, u, n, 0, 0, ck->md, NULL) > 0;
	if (c < 0x10000) {
		W->nd_known[c >> 6] |= 1ULL << (c & 63);
		if (is)
			W->nd_is[c >> 6] |= 1ULL << (c & 63);
	}
	return is;
}

/*
 * Does the text hold a character that a caseless regex under PCRE2_UCP matches where the
 * token scan sees no letter or digit? The Kelvin sign matches k and the long s matches s,
 * and \d matches the decimal digits of every script, where "#" stands for a token that
 * begins with an ASCII digit; the scan reads all three as separators. Such a text is
 * checked in full.
 */
static int scan_unsafe(hl_checker *ck, doc_work *W, const hl_buf *text)
{
	const unsigned char *t = (const unsigned char *)text->s;
	size_t i = 0, n = text->len, l;

	for (;;) {
		unsigned long c;
		i += hl_ascii_span(text->s + i, n - i);
		if (i >= n)
			return 0;
		c = hl_utf8_cp(t + i, &l);
		if (c == 0x212A || c == 0x17F || wide_digit(ck, W, c, t + i, l))
			return 1;
		i += l ? l : 1;
	}
}

/*
 * A long document is checked a chunk of whole paragraphs at a time: the trigger bits of
 * its sentences and paragraphs, the candidates of start words and the findings are those
 * of one chunk, so that their memory does not grow with the document. The whole-document
 * checks need the whole text: for a document of several chunks they come first, from a
 * scan of their own words (hl_rules_split_indexes); for one of a single chunk, after its scan.
 */
void hl_check_doc(hl_checker *ck, const hl_doc *doc, const hl_rule *only, hl_findings_sink sink, void *arg)
{
	const hl_rules *rules = ck->rules;
	run R;
	stream S;
	supp_lists L;
	size_t i, u, b0 = 0, s0 = 0;

	/* which rules (or alternatives: slots) each sentence, block and the whole text could
	 * match, from their trigger words; and where each regex can begin, from its start words */
	size_t ns = rules->nslots;
	size_t nw = NW(ns);
	doc_work *W = ck->work != NULL ? ck->work : (ck->work = new_work(rules, nw));
	uint64_t *hit = NULL, *bhit = NULL, *dhit = NULL, *chit = NULL; /* NULL: no prefilter */
	size_t hit_cap = 0, bhit_cap = 0;
	unsigned char *gave_up = W->gave_up;
	hl_cands *cands = NULL;
	const pcre2_code *re;
	int whole_done = 0, rises = 1;
	const hl_trigger_index *ix = rules->triggers; /* what the chunks are scanned for */
	int pf = ck->prefilter && !scan_unsafe(ck, W, &doc->text);

	memset(&R, 0, sizeof R);
	memset(&S, 0, sizeof S);
	R.ck = ck;
	R.doc = doc;
	R.a_from = 1; /* no range looked at yet */
	if (rules->twins)
		R.na = W->na = hl_mark_non_ascii(W->na, &W->na_cap, &doc->text);
	S.sink = sink;
	S.arg = arg;
	supp_lists_init(&L, doc);
	/* where the source offsets rise with the prose, a chunk's findings can be handed over
	 * once it is checked; else all at the end */
	for (i = 1; i < doc->nanchors && rises; i++)
		rises = doc->anchors[i].src >= doc->anchors[i - 1].src;
	memset(gave_up, 0, rules->n + 1);
	if (pf) {
		hit = W->hit; /* grown below as the chunks need */
		hit_cap = W->hit_cap;
		bhit = W->bhit;
		bhit_cap = W->bhit_cap;
		dhit = W->dhit;
		chit = W->chit;
		memset(dhit, 0, (nw + 1) * sizeof *dhit);
		memset(chit, 0, (nw + 1) * sizeof *chit);
		if (doc->text.len <= UINT32_MAX) { /* candidate offsets are 32-bit */
			cands = W->cands;
			R.held = W->held;
			for (i = 0; i < rules->nstarts; i++)
				cands[i].n = 0;
			memset(R.held, 0, (rules->nstarts + 1) * sizeof *R.held);
		}
		R.cands = cands;
	}
	if (!pf || chunk_end(ck, doc, 0) < doc->nblocks) {
		const hl_trigger_index *dix = NULL;
		if (pf)
			hl_rules_split_indexes(rules, &dix, &ix);
		for (u = 0; pf && u < doc->nsentences; u++)
			hl_trigger_index_scan_at(dix, doc->text.s, doc->sentences[u].start, doc->sentences[u].end,
						 doc->text.len, dhit, ns, cands);
		check_whole(&R, only, dhit, &S, &L);
		whole_done = 1;
	}
	while (b0 < doc->nblocks) {
		size_t b1 = chunk_end(ck, doc, b0), s1 = s0, first = S.pend.n;
		/* the chunk: blocks [b0, b1), sentences [s0, s1) */
		while (s1 < doc->nsentences && doc->sentences[s1].block < b1)
			s1++;
		if (pf) {
			HL_GROW(hit, hit_cap, (s1 - s0) * nw + 1);
			HL_GROW(bhit, bhit_cap, (b1 - b0) * nw + 1);
			memset(hit, 0, ((s1 - s0) * nw + 1) * sizeof *hit);
			memset(bhit, 0, ((b1 - b0) * nw + 1) * sizeof *bhit);
			memset(chit, 0, (nw + 1) * sizeof *chit);
			/* the whole-document checks, which read the first scan's, have run (or this
			 * is the only chunk, and nothing has been scanned yet) */
			for (i = 0; cands != NULL && i < rules->nstarts; i++)
				cands[i].n = 0;
			for (u = s0; u < s1; u++) {
				const hl_span *sp = &doc->sentences[u];
				uint64_t *h = hit + (u - s0) * nw, *bh = bhit + (sp->block - b0) * nw;
				size_t k;
				hl_trigger_index_scan_at(ix, doc->text.s, sp->start, sp->end, doc->text.len, h, ns, cands);
				for (k = 0; k < nw; k++) {
					bh[k] |= h[k];
					chit[k] |= h[k];
				}
			}
		}
		if (!whole_done) { /* the only chunk: its scan was the whole text's */
			for (i = 0; pf && i < nw; i++)
				dhit[i] = chit[i];
			check_whole(&R, only, dhit, &S, &L);
			whole_done = 1;
		}
		R.out = &S.pend;
		for (i = 0; i < rules->n; i++) {
			const hl_rule *r = &rules->v[i];
			cursor c0, *cur;
			slot_bits sb;
			unsigned long long full;
			if (!runs(ck, only, i) || hl_rule_whole_doc(r) || gave_up[i])
				continue;
			R.rule = r;
			R.rule_index = i;
			R.limit_hit = 0;
			cur = hl_run_cursor(&R, &c0, r->start);
			if (pick_mask(r, chit, &full) == 0)
				continue;
			sb = rule_bits(r);
			if (r->scope == HL_SCOPE_SENTENCE) {
				for (u = s0; u < s1 && !R.limit_hit; u++) {
					const hl_span *sp = &doc->sentences[u];
					size_t uend = sp->end;
					if ((hit != NULL && !may_run(&sb, hit + (u - s0) * nw)) ||
					    !cands_in(cur, sp->start, sp->end))
						continue;
					if ((re = pick(ck, i, hit ? hit + (u - s0) * nw : NULL,
						       (cur != NULL) | (hl_run_ascii(&R, sp->start, sp->end) ? SUB_ASCII : 0))) == NULL)
						continue;
					if (r->unless_next && u + 1 < doc->nsentences && doc->sentences[u + 1].block == sp->block)
						uend = doc->sentences[u + 1].end;
					check_unit(&R, re, cur, sp->start, sp->end, uend);
				}
			} else {
				for (u = b0; u < b1 && !R.limit_hit; u++)
					if ((bhit == NULL || may_run(&sb, bhit + (u - b0) * nw)) &&
					    cands_in(cur, doc->blocks[u].start, doc->blocks[u].end) &&
					    (re = pick(ck, i, bhit ? bhit + (u - b0) * nw : NULL,
						       (cur != NULL) | (hl_run_ascii(&R, doc->blocks[u].start, doc->blocks[u].end)
									    ? SUB_ASCII : 0))) != NULL)
						check_unit(&R, re, cur, doc->blocks[u].start, doc->blocks[u].end, doc->blocks[u].end);
			}
			gave_up[i] = (unsigned char)R.limit_hit; /* one report of a limit per rule and file */
		}
		suppress(doc, &L, &S.pend, first);
		if (b1 < doc->nblocks)
			flush(&S, rises ? hl_doc_src_floor(doc, doc->blocks[b1].start) : 0);
		b0 = b1;
		s0 = s1;
	}
	if (!whole_done) /* no text at all */
		check_whole(&R, only, dhit, &S, &L);
	flush(&S, SIZE_MAX);
	free(S.whole.v); /* each finding went to the sink */
	free(S.pend.v);
	free(S.batch.v);
	free(L.next);
	free(L.range);
	if (pf) { /* grown for this document's chunks, perhaps */
		W->hit = hit;
		W->hit_cap = hit_cap;
		W->bhit = bhit;
		W->bhit_cap = bhit_cap;
	}
}
