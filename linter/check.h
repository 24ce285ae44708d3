/* check.h - running the rules over a document and collecting findings. */
#ifndef HL_CHECK_H
#define HL_CHECK_H

#include "doc.h"
#include "rules.h"

typedef struct hl_note {
	size_t start, end; /* source offsets */
	char *message;
} hl_note;

/*
 * One finding. Positions are byte offsets into the source; they become
 * LINE:COL in the report. rule is NULL for hypelint's own diagnostics
 * (a bad suppression comment, a pattern that hit its match limit), which
 * carry their id in rule_id. The finding owns its strings and notes.
 */
typedef struct hl_finding {
	const hl_rule *rule;
	const char *rule_id;
	enum hl_severity severity;
	size_t start, end;
	char *message;
	char *match;
	char *suggest;
	hl_note *notes;
	size_t nnotes;
	size_t order;      /* rule index, to sort findings at one place */
} hl_finding;

typedef struct hl_findings {
	hl_finding *v;
	size_t n, cap;
} hl_findings;

/* Partial regexes (some alternatives of a rule) compiled for the checkers of one run,
 * which may be on several threads: each is compiled and JIT-compiled once. */
typedef struct hl_subset_cache hl_subset_cache;
hl_subset_cache *hl_subset_cache_new(void);
void hl_subset_cache_free(hl_subset_cache *c);

/* Per-thread matching state: match data and limits. */
typedef struct hl_checker {
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	const hl_rules *rules;
	void *cite;      /* compiled patterns of the citation checks (check_cite.c) */
	int prefilter;   /* skip rules whose trigger words a scope lacks (HYPELINT_PREFILTER=0: off) */
	void *subsets;   /* regexes of some alternatives of a rule, compiled once wanted a few times */
	hl_subset_cache *shared; /* when set, where subsets come from (they are not this checker's) */
	const unsigned char *enabled; /* per rule: whether it runs (NULL: each rule's own setting) */
	size_t chunk_bytes; /* a long document is checked a chunk of about this many bytes at a
			       time (HYPELINT_CHUNK, for tests; default 1 MiB) */
	int drop_match;  /* free each finding's matched text once its message is made (an output
			    that shows no match and computes no fingerprint: one copy less per finding) */
	hl_buf scratch;  /* where each message is put together (hl_render) */
	void *work;      /* hl_check_doc's arrays, kept from one document to the next */
} hl_checker;

/* Limits for every match (0 keeps PCRE2's default). */
void hl_checker_init(hl_checker *ck, const hl_rules *rules, unsigned long match_limit,
		     unsigned long depth_limit);
void hl_checker_release(hl_checker *ck);

/*
 * Takes a batch of findings from hl_check_doc. They are the sink's during the call:
 * whatever it leaves in batch is released when it returns (to keep a finding, move it out
 * and lower batch->n).
 */
typedef void (*hl_findings_sink)(void *arg, hl_findings *batch);
/* A sink that moves each batch to the end of the hl_findings at arg. */
void hl_findings_collect(void *arg, hl_findings *batch);

/*
 * Run every enabled rule (or only `only`, when not NULL) over doc and hand its findings to
 * sink: without those its suppression comments silence, with warnings about comments that
 * name unknown rules and about a parser that gave up. They come in batches, each sorted by
 * position and rule with repeats of one rule at one place dropped, and every finding of a
 * batch before those of the next: a long document's come a chunk at a time.
 */
void hl_check_doc(hl_checker *ck, const hl_doc *doc, const hl_rule *only, hl_findings_sink sink, void *arg);
void hl_findings_release(hl_findings *f);

#endif
