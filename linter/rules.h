/* rules.h - rule packs: loading YAML with libyaml, validating, compiling with PCRE2. */
#ifndef HL_RULES_H
#define HL_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "kb.h"
#include "prefilter.h"

/* ORDER: hl_severity and severity_names[] in rules.c; higher is more severe. */
enum hl_severity { HL_SEV_SUGGESTION, HL_SEV_WARNING, HL_SEV_ERROR, HL_SEV_NONE };
/* ORDER: hl_kind and kind_names[] in rules.c. */
enum hl_kind { HL_KIND_PATTERN, HL_KIND_SWAP, HL_KIND_REQUIRE, HL_KIND_CITATION };

/* ORDER: hl_citation_check and check_names[] in rules.c: the built-in citation checks. */
enum hl_citation_check {
	HL_CHECK_MISATTRIBUTED, HL_CHECK_CONTRADICTS_REFS, HL_CHECK_DOI_MISMATCH,
	HL_CHECK_QUESTIONABLE, HL_CHECK__N
};
/* ORDER: hl_scope and scope_names[] in rules.c. */
enum hl_scope { HL_SCOPE_SENTENCE, HL_SCOPE_PARAGRAPH, HL_SCOPE_DOCUMENT };

/* A place in a rule file; lines and columns 1-based. file is owned by hl_rules. */
typedef struct hl_loc {
	const char *file;
	unsigned long line, col;
} hl_loc;

/* One example of a rule: text with the spans it must report (none for "pass"). */
typedef struct hl_example {
	char *text;        /* the example with its [[ ]] markers removed */
	size_t *spans;     /* byte ranges in text: start0, end0, start1, end1, ... */
	size_t nspans;     /* number of ranges */
	int fire;          /* 1: must report exactly the spans; 0: must stay silent */
	hl_loc loc;
} hl_example;

typedef struct hl_swap {
	char *phrase;
	char *suggest;
} hl_swap;

/*
 * A regex used only to ask whether it matches in a range (when, unless, require), split
 * into parts: one for each shared set it names (@evidence, ...) and one for its own
 * items. In a part, the items with start words are joined and compiled anchored, to be
 * tried at the tokens that hold one (start slot start - 1), and the others are joined as
 * they are (rest). The compiled parts belong to hl_rules (a set's part is compiled once
 * for all the rules that name it). With no parts the whole regex runs.
 */
typedef struct hl_part {
	const pcre2_code *anchored; /* NULL: no item has start words */
	const pcre2_code *rest;     /* NULL: every item has start words */
	size_t start;
	int rest_digit;             /* each match of rest holds a digit (hl_regex_needs_digit) */
} hl_part;

typedef struct hl_split {
	char **items;      /* the regex of each item, in order */
	size_t *origin;    /* per item: 2 * its entry in the rule's list, + 1 when a set's */
	size_t nitems;
	hl_part *parts;
	size_t nparts;
} hl_split;

/*
 * A loaded rule. Immutable after hl_rules_load() except for `enabled`, which
 * the command line sets before any file is linted; then rules may be shared
 * by threads. Compiled patterns are owned by the rule.
 */
typedef struct hl_rule {
	char *id;
	char *pack;
	char *message;     /* may hold {match} and, for swaps, {suggestion} */
	char *why;
	char *source;      /* where the rationale comes from (optional) */
	char *match_src;   /* the regex `match` was compiled from (for --list-patterns) */
	char *when_src;    /* the regex `when` was compiled from */
	char *require_src; /* the regex `require` was compiled from */
	char *unless_src;  /* the regex `unless` was compiled from */
	char *before_src;  /* the regex `unless_before` was compiled from */
	hl_triggers triggers; /* words one of which a scope must hold for the rule to match */
	char **items;      /* pattern rules: the regex of each alternative of `match`, in order */
	size_t nitems;
	size_t slot;       /* the rule's first slot in the trigger index */
	size_t nslots;     /* 1, or nitems when each alternative has its own triggers */
	unsigned long long always; /* alternatives with no triggers: run wherever the rule runs */
	/* 1 + the start slot (see hl_starts_from_regex) of match (require rules: of when), or 0
	 * where a match could begin anywhere; then the regex compiled anchored */
	size_t start;
	const pcre2_code *anchored; /* owned by the rules' cache */
	/* a rule of several slots: copies of match and anchored that the JIT compiler never
	 * touches, for the interpreter, while a partial regex is not worth compiling yet */
	pcre2_code *match_plain, *anchored_plain;
	hl_split when_split, unless_split, require_split;
	hl_split before_split; /* unless-before's parts, each ending in \s*\z as the whole does */
	enum hl_kind kind;
	enum hl_severity severity;
	enum hl_scope scope;
	int case_sensitive;
	int enabled;
	pcre2_code *match;    /* pattern and swap: what is reported */
	pcre2_code *unless;   /* cancels a match when it matches in the same scope */
	pcre2_code *unless_before; /* cancels a match when it matches just before it */
	int unless_next;      /* unless also looks in the next sentence of the paragraph */
	pcre2_code *when;     /* pattern: the scope must match it too; require: what makes it apply */
	pcre2_code *require;  /* require: what satisfies it */
	unsigned long min;    /* require: matches of `when` needed */
	/* require: word sets that every match of `when` holds besides its start word, as an
	 * index (NULL: none), and the bytes no match holds (see when_needs in rules.c) */
	hl_trigger_index *need_ix;
	size_t nneed;
	uint64_t stop[2];
	enum hl_citation_check check; /* citation: which built-in check */
	hl_swap *swaps;
	size_t nswaps;
	hl_example *examples;
	size_t nexamples;
	hl_loc loc;
} hl_rule;

/* The regexes waiting for JIT compilation, by hash of their address (open addressing):
 * key NULL is a free slot. state: HL_JIT_WAITING, then HL_JIT_BUSY while one thread
 * compiles it, then HL_JIT_DONE (compiled, or failed: the interpreter runs it). uses: the
 * matches counted so far (hl_rules_jit_late, hl_rules_jit_claim). plain:
 * once threads share the rules, a copy of each that no thread ever compiles, for the
 * interpreter to run while another thread compiles the regex. src and opts: the source
 * and compile options of each; twin, with its own tstate and tuses: its ASCII twin (see
 * hl_rules_twin). */
enum { HL_JIT_WAITING, HL_JIT_BUSY, HL_JIT_DONE };
typedef struct hl_jit_table {
	const pcre2_code **key;
	atomic_uchar *state;
	atomic_uint *uses;
	pcre2_code **plain;
	char **src;
	uint32_t *opts;
	pcre2_code **twin;
	atomic_uchar *tstate;
	atomic_uint *tuses;
	size_t mask;
} hl_jit_table;

static inline size_t hl_jit_hash(const hl_jit_table *t, const pcre2_code *re)
{
	return (size_t)(((uint64_t)(uintptr_t)re * UINT64_C(0x9E3779B97F4A7C15)) >> 40) & t->mask;
}

/* re's slot in t, or -1 when it is not there (it does not wait for the JIT compiler). */
static inline long hl_jit_slot(const hl_jit_table *t, const pcre2_code *re)
{
	size_t h;

	if (t->key == NULL)
		return -1;
	for (h = hl_jit_hash(t, re); t->key[h] != NULL; h = (h + 1) & t->mask)
		if (t->key[h] == re)
			return (long)h;
	return -1;
}

/* How the rules' patterns are compiled: UTF-8 prose (checked when the document is built),
 * Unicode classes, and caseless unless the rule says otherwise. */
#define HL_PROSE_FLAGS (PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK)
#define HL_RULE_FLAGS(r) (HL_PROSE_FLAGS | ((r)->case_sensitive ? 0 : PCRE2_CASELESS))

typedef struct hl_pat_checks hl_pat_checks;

typedef struct hl_rules {
	hl_rule *v;
	size_t n, cap;
	hl_kb kb;           /* the knowledge base (rules/knowledge) */
	hl_trigger_index *triggers; /* trigger words by slot, then start words by start slot */
	size_t nslots;      /* trigger slots: [0, nslots) in the index */
	size_t nstarts;     /* start slots: [nslots, nslots + nstarts) in the index */
	struct hl_split_ix *split_ix; /* the index split in two (hl_rules_split_indexes) */
	void *compiled;     /* regexes shared by rules, by source (rules.c) */
	struct hl_jit_queue *jitq; /* regexes whose JIT compilation waits for their matches */
	hl_jit_table jit;   /* the same regexes by hash (hl_rules_jit_late) */
	int jit_shared;     /* threads share the rules (hl_rules_jit_share) */
	unsigned jit_after; /* a regex is JIT-compiled at this match (hl_rules_jit_late) */
	unsigned sub_after; /* a partial regex is compiled when it is wanted this often */
	int twins;          /* ASCII text may run ASCII twins (hl_rules_twin; not HYPELINT_ASCII=0) */
	hl_pat_checks *checks; /* where patterns wait to be checked alone (not owned; NULL: now) */
	pcre2_code **cite_re; /* the citation checks' own regexes, when a citation rule is loaded */
	size_t ncite_re;
	char **files;       /* names of the loaded files (owned) */
	size_t nfiles, files_cap;
	void *priv;         /* loader state: named sets */
} hl_rules;

/* Rules that look at the whole document at once; the rest run sentence by sentence or
 * paragraph by paragraph. */
static inline int hl_rule_whole_doc(const hl_rule *r)
{
	return r->kind == HL_KIND_REQUIRE || r->kind == HL_KIND_CITATION || r->scope == HL_SCOPE_DOCUMENT;
}

/*
 * The index split in two, for a long document that check.c scans for each in turn: doc, of
 * the trigger words of the whole-document checks and of the start slots they read; chunk,
 * of the rest. Made on first use (safe from any thread), kept with the rules.
 */
void hl_rules_split_indexes(const hl_rules *rules, const hl_trigger_index **doc, const hl_trigger_index **chunk);

/*
 * The JIT compiler runs on a regex once it has been matched rules->jit_after times, not at
 * start-up: a post needs only some of the rules' regexes, few matches of most, and
 * compiling one takes longer than the interpreter takes for a few sentences. Until then
 * the interpreter runs it. hl_rules_jit_late counts a match of re (from hl_rules_compile)
 * that the interpreter is about to run, compiles re when it is its turn, and says whether
 * it did; it is for one thread. Before threads share the rules, hl_rules_jit_share makes
 * the plain copies; from then on a thread gets the regex to match from hl_rules_jit_ready:
 * its plain copy for the first matches, then re itself once compiled (the first thread to
 * want it then compiles it), or its plain copy while another thread is compiling it. No
 * thread waits for another, and no thread reads a regex another is changing.
 */
int hl_rules_jit_late(const hl_rules *rules, const pcre2_code *re);
void hl_rules_jit_share(hl_rules *rules);
const pcre2_code *hl_rules_jit_claim(const hl_rules *rules, long slot);

/*
 * A regex compiled with PCRE2_UCP spends much of its time on \b, \w, \s and \d, which
 * look every character up in the Unicode tables. In text that is all ASCII they match what
 * they match without PCRE2_UCP, so there the same source compiled without it finds the same
 * matches: its ASCII twin. A twin is made and JIT-compiled once the regex of slot h (of the
 * JIT table) has been wanted rules->jit_after times for ASCII text; until then, and when
 * it could not be made, this returns NULL. Safe from any thread, as hl_rules_jit_claim.
 */
const pcre2_code *hl_rules_twin(const hl_rules *rules, long h);

static inline const pcre2_code *hl_rules_jit_ready(const hl_rules *rules, const pcre2_code *re)
{
	long h = hl_jit_slot(&rules->jit, re);

	if (h < 0 || atomic_load_explicit(&rules->jit.state[h], memory_order_acquire) == HL_JIT_DONE)
		return re;
	return hl_rules_jit_claim(rules, h);
}

/*
 * Checking each pattern on its own, so that an error points into it, can be left to
 * another thread. While rules->checks is set, hl_rules_compile queues each pattern there
 * instead of compiling it alone, and hl_pat_checks_run, on any thread, compiles what is
 * queued until hl_pat_checks_close has been called and nothing is left. A pattern that
 * does not compile alone makes hl_pat_checks_failed true: the rules must then be loaded
 * again without the queue, which reports the error where it is.
 */
hl_pat_checks *hl_pat_checks_new(void);
void hl_pat_checks_close(hl_pat_checks *q);
void hl_pat_checks_run(hl_pat_checks *q);
/* Compile what is queued: with wait, as hl_pat_checks_run; else only what is there now.
 * Returns 1 once the queue is closed and empty. */
int hl_pat_checks_run_some(hl_pat_checks *q, int wait);
int hl_pat_checks_failed(hl_pat_checks *q);
void hl_pat_checks_free(hl_pat_checks *q);

void hl_rules_init(hl_rules *rules);
/*
 * Load a rule file, or every *.yml and *.yaml file of a directory (sorted by
 * name). Problems are printed to err as "hypelint: FILE:LINE:COL: error: ..."
 * and counted; the return value is the number of errors.
 */
int hl_rules_add_path(hl_rules *rules, const char *path, FILE *err);
/* The same for a rule file held in memory (name is used in messages). */
int hl_rules_add_mem(hl_rules *rules, const char *name, const char *data, size_t len, FILE *err);
/* Resolve named sets and compile every pattern. Returns the number of errors. */
int hl_rules_compile(hl_rules *rules, FILE *err);
/* The citation checks' own regexes (in check_cite.c), compiled; *n gets how many. Compiled
 * with the rules, they are JIT-compiled and shared by threads as theirs are. */
pcre2_code **hl_cite_compile(size_t *n);
/* The source of the i-th of them. */
const char *hl_cite_source(size_t i);
/* In test mode a rule without examples is an error. Returns the number of errors. */
int hl_rules_check_examples(const hl_rules *rules, FILE *err);
hl_rule *hl_rules_find(const hl_rules *rules, const char *id);
void hl_rules_release(hl_rules *rules);

/* Whether patterns are JIT-compiled (not when HYPELINT_JIT=0, for valgrind). */
int hl_use_jit(void);

const char *hl_severity_name(enum hl_severity s);
int hl_severity_parse(const char *s, enum hl_severity *out);
const char *hl_kind_name(enum hl_kind k);
const char *hl_scope_name(enum hl_scope s);

/* The longest word of each journal name and variant, lower case, into t (known): every
 * mention of a journal holds one at the start of a token. */
void hl_kb_journal_words(const hl_kb *kb, hl_triggers *t);

#endif
