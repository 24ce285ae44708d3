/* prefilter.h - trigger words: which rules can possibly match a sentence, found without regexes. */
#ifndef HL_PREFILTER_H
#define HL_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

/*
 * At load time each rule's pattern is analysed for "triggers": words that every
 * match must contain, each at the start of a token (a token is a run of ASCII
 * letters and digits; "#" stands for any token that starts with a digit). A
 * sentence without any trigger of a rule cannot match it, so the rule's regex
 * is not run there. A pattern the analysis does not understand gets no
 * triggers, and its rule always runs: the shortcut never loses a finding.
 */

/* The triggers of one regex: a list of lower-case strings, or none (always run). */
typedef struct hl_triggers {
	char **words;
	size_t n;
	int known;   /* 0: the analysis gave up; the rule always runs */
} hl_triggers;

/* Analyse regex source re (as compiled, case-insensitive). */
void hl_triggers_from_regex(hl_triggers *t, const char *re);
/*
 * Every trigger set that re requires: a match holds a word of each (*sets, *n of them;
 * each known). None (*n 0) when the analysis gives up or re is an alternation at its top
 * level. Free each with hl_triggers_release, then the array.
 */
void hl_trigger_sets_from_regex(const char *re, hl_triggers **sets, size_t *n);
/*
 * Start words: the words one of which every match of re begins with, at the start of a
 * token (it follows a \b). Where they are known, a regex need only be tried, anchored,
 * at the tokens they start, instead of at every place of a text. Unknown (t->known 0)
 * when a match could begin elsewhere: inside a token, with a symbol or space, or empty.
 */
void hl_starts_from_regex(hl_triggers *t, const char *re);
/*
 * Start keys: the start words made narrower by what follows them. Each key is "w" (the token
 * begins with w), "w " (the token is w) or "w x" (the token is w and the next token begins
 * with x); a match of re begins at a token that one of them describes. The index takes keys
 * where it takes words. Unknown where the start words are; where the pattern is too
 * tangled to follow, the keys are the start words themselves.
 */
void hl_start_keys_from_regex(hl_triggers *t, const char *re);
void hl_triggers_release(hl_triggers *t);
/* 1 when every match of re holds a digit that it matches with 0-9, \d or a class of
 * digits only (with PCRE2_UCP, \d matches digits past ASCII too); 0 when it need not, or
 * when the pattern is too tangled to tell. */
int hl_regex_needs_digit(const char *re);
/* The ASCII bytes that no match of re holds (bit c of stop[c / 64] for byte c), counting
 * what a positive lookahead asserts as held too; 1 when there are any. 0, and none, when
 * the pattern is too tangled to tell or has a positive lookbehind (which reads text before
 * the match). Caseless or not, a letter counts in both cases. */
int hl_regex_stop_bytes(const char *re, uint64_t stop[2]);

/* A set of trigger words of many rules, for looking up the tokens of a text. */
typedef struct hl_trigger_index hl_trigger_index;

/* Build the index from trig[0..n) (trig[i] belongs to rule i). */
hl_trigger_index *hl_trigger_index_new(const hl_triggers *trig, size_t n);
void hl_trigger_index_free(hl_trigger_index *ix);
/* A new index of the words of ix for the rules i with keep[i] set. */
hl_trigger_index *hl_trigger_index_subset(const hl_trigger_index *ix, const unsigned char *keep);
/* Set bit i of hit (bit i % 64 of hit[i / 64]) for every rule i with a trigger among the
 * tokens of s[0..len). */
void hl_trigger_index_scan(const hl_trigger_index *ix, const char *s, size_t len, uint64_t *hit);

/* Is c a byte of a token of the trigger scan (an ASCII letter or digit)? Anything else
 * parts tokens, UTF-8 included. */
static inline int hl_token_byte(unsigned char c)
{
	return (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10;
}

/* Offsets of tokens, ascending and each once: where a regex may begin to match. Offsets
 * are 32-bit, so the caller collects them only for texts under 4 GiB. */
typedef struct hl_cands {
	uint32_t *v;
	size_t n, cap;
} hl_cands;

/*
 * Look up the tokens of s[from, end) (offsets into s, whose text is len bytes: a key may
 * look past end at the next token). For a slot i < split with a word among them set bit i
 * of hit; for a slot i >= split append the offset of each token that holds one of its
 * words to cands[i - split] (when cands is not NULL).
 */
void hl_trigger_index_scan_at(const hl_trigger_index *ix, const char *s, size_t from, size_t end, size_t len,
			      uint64_t *hit, size_t split, hl_cands *cands);

#endif
