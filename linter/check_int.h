/* check_int.h - what check.c shares with the citation checks in check_cite.c; not public. */
#ifndef HL_CHECK_INT_H
#define HL_CHECK_INT_H

#include "check.h"

struct hl_refs;

/*
 * Match re against prose (valid UTF-8, as the document builder makes it) from offset at:
 * pcre2_match's arguments with PCRE2_NO_UTF_CHECK. A JIT-compiled regex goes through
 * PCRE2's fast path, which skips the checks pcre2_match repeats on every call. A regex of
 * the rules not JIT-compiled yet is compiled at this match if it has been matched often
 * enough (hl_rules_jit_late), or, when threads share the rules, as hl_rules_jit_ready says;
 * else the interpreter runs it. ascii: s[0, len) is all ASCII (hl_run_ascii), where re's
 * ASCII twin may run instead (hl_rules_twin).
 */
static inline const pcre2_code *hl_ready(const hl_checker *ck, const pcre2_code *re)
{
	return ck->rules->jit_shared ? hl_rules_jit_ready(ck->rules, re) : re;
}

static inline int hl_prose_match(hl_checker *ck, const pcre2_code *re, const char *s, size_t len, size_t at,
				 pcre2_match_data *md, int ascii)
{
	const hl_rules *rules = ck->rules;
	int rc;
	long h;

	/* s[0, len) is all ASCII: re's ASCII twin finds the same matches, faster; until the
	 * twin is made, the interpreter runs re without counting towards its JIT compilation
	 * (or its JIT code, if it has some already) */
	if (ascii && (h = hl_jit_slot(&rules->jit, re)) >= 0) {
		const pcre2_code *tw = hl_rules_twin(rules, h);
		if (tw != NULL)
			return pcre2_jit_match(tw, (PCRE2_SPTR)s, len, at, 0, md, ck->mctx);
		if (atomic_load_explicit(&rules->jit.tstate[h], memory_order_acquire) != HL_JIT_DONE) {
			if (rules->jit_shared && atomic_load_explicit(&rules->jit.state[h], memory_order_acquire) != HL_JIT_DONE)
				re = rules->jit.plain[h];
			return pcre2_match(re, (PCRE2_SPTR)s, len, at, PCRE2_NO_UTF_CHECK, md, ck->mctx);
		}
		/* no twin could be made: as any other text */
	}
	re = hl_ready(ck, re);
	rc = pcre2_jit_match(re, (PCRE2_SPTR)s, len, at, 0, md, ck->mctx);
	if (rc == PCRE2_ERROR_JIT_BADOPTION && !ck->rules->jit_shared && hl_rules_jit_late(ck->rules, re))
		rc = pcre2_jit_match(re, (PCRE2_SPTR)s, len, at, 0, md, ck->mctx);
	if (rc == PCRE2_ERROR_JIT_BADOPTION) /* not JIT-compiled (HYPELINT_JIT=0, or JIT failed) */
		rc = pcre2_match(re, (PCRE2_SPTR)s, len, at, PCRE2_NO_UTF_CHECK, md, ck->mctx);
	return rc;
}

/* State of one run of the rules over one document. */
typedef struct run {
	hl_checker *ck;
	const hl_doc *doc;
	hl_findings *out;
	const hl_rule *rule;
	size_t rule_index;
	int limit_hit;          /* the current rule already reported a limit */
	struct hl_refs *refs;   /* the document's reference list, parsed on first use */
	const hl_cands *cands;  /* per start slot: where its regex may begin (NULL: no prefilter) */
	size_t *held;           /* per start slot: where a cursor over it last ended (with cands) */
	size_t anchor_hint;     /* the anchor of the last finding: the next is usually at or after it */
	size_t link_hint;       /* the link the last look-up for a unit's links found (hl_doc_first_link_near) */
	const uint64_t *na;     /* per 64-byte block of the text, a bit set when it holds a byte
				 * past ASCII (NULL: no ASCII twins) */
	size_t a_from, a_end;   /* the last range hl_run_ascii looked at, */
	int a_val;              /* and its answer */
} run;

/*
 * Where a regex may begin to match: the candidate offsets of its start words (ascending),
 * read by an index that moves forward as the scopes of a rule come in text order (and
 * back by binary search for a range that overlaps the last one).
 */
typedef struct cursor {
	const hl_cands *c;
	size_t i;
	size_t slot;  /* its start slot: a new cursor begins where the last one of it ended */
} cursor;

/* A cursor over the candidates of start slot start - 1, or NULL when they are not known
 * (no prefilter, or a regex that may begin anywhere: start 0). */
cursor *hl_run_cursor(run *R, cursor *cur, size_t start);
/* Can start slot start - 1 be in text[from, end): 0 when its candidates are known and none
 * lies there, else 1. */
int hl_run_may_hold(run *R, size_t start, size_t from, size_t end);
/* The first match of re in text[from, end) that begins at `at` or later, as hl_run_match;
 * with a cursor, re is the anchored copy, tried only at the cursor's candidates. */
int hl_run_next(run *R, const pcre2_code *re, cursor *cur, size_t from, size_t end, size_t at, size_t *ms,
		size_t *me);
/* The same, skipping the candidates whose first byte is not set in bitmap first (the 32
 * bytes of PCRE2_INFO_FIRSTBITMAP; NULL: none skipped). */
int hl_run_next_first(run *R, const pcre2_code *re, const unsigned char *first, cursor *cur, size_t from,
		      size_t end, size_t at, size_t *ms, size_t *me);

/* Set a bit in na (grown as needed; *cap words) for each 64-byte block of text that holds
 * a byte past ASCII: run's na. Returns na. */
uint64_t *hl_mark_non_ascii(uint64_t *na, size_t *cap, const hl_buf *text);
/* Is text[from, end) all ASCII, and may ASCII twins run there (see hl_rules_twin)? 0 when
 * R->na is NULL. Remembers its last answer (R->a_from > R->a_end: none yet), which the
 * units' regexes ask for again and again. */
int hl_run_ascii_look(run *R, size_t from, size_t end);
static inline int hl_run_ascii(run *R, size_t from, size_t end)
{
	return from == R->a_from && end == R->a_end ? R->a_val : hl_run_ascii_look(R, from, end);
}

/* Append a finding of the current rule for prose range [pstart, pend); message unset. */
hl_finding *hl_run_add(run *R, size_t pstart, size_t pend);
/* A finding's message is made: drop its matched text if the checker keeps none. */
void hl_run_rendered(run *R, hl_finding *f);
/* Match re in text[from, end) from `at`: 1 found ([*ms, *me)), 0 none, -1 gave up (reported). */
int hl_run_match(run *R, const pcre2_code *re, size_t from, size_t end, size_t at, size_t *ms, size_t *me);
/* Does re match in text[from, end) or in the target of a link there? */
int hl_run_matches_in(run *R, const pcre2_code *re, size_t from, size_t end);
/* tmpl with {match} quoted and each {name} of vars (name, value, ..., NULL) filled in. */
char *hl_render(hl_checker *ck, const char *tmpl, const char *match, const char *const *vars);

/* The citation checks (check_cite.c). */
void *hl_cite_init(const hl_rules *rules);
void hl_cite_free(void *cite);
void hl_cite_check(run *R);
void hl_cite_release(run *R);

#endif
