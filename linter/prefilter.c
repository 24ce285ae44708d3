/* prefilter.c - finding the trigger words of a regex, and looking them up in text. */
#include "prefilter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- analysing a pattern ---- */

typedef struct strs {
	char **v;
	size_t n, cap;
} strs;

/* What a piece of pattern tells: triggers (when known) and whether it ends at a token boundary. */
typedef struct res {
	int known;
	strs set;
	int ends_sep;   /* every way through it ends right after a separator */
} res;

typedef struct parser {
	const char *s;
	size_t i;
	int bad;
} parser;

static void strs_add(strs *t, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strlen(t->v[i]) == n && !memcmp(t->v[i], w, n))
			return;
	HL_GROW(t->v, t->cap, t->n + 1);
	t->v[t->n++] = hl_strndup(w, n);
}

static void strs_free(strs *t)
{
	hl_strs_free(t->v, t->n);
	memset(t, 0, sizeof *t);
}

static res parse_alt(parser *P, int ws);

/* How selective a trigger set is: its shortest word, longer is rarer (digits count as 2). */
static size_t score(const strs *t)
{
	size_t i, best = (size_t)-1;

	for (i = 0; i < t->n; i++) {
		size_t l = strcmp(t->v[i], "#") == 0 ? 2 : strlen(t->v[i]);
		if (l < best)
			best = l;
	}
	return t->n == 0 ? 0 : best;
}

/* Keep cand as r's triggers when it is more selective than what r has. */
static void consider(res *r, strs *cand)
{
	if (!r->known || score(cand) > score(&r->set) ||
	    (score(cand) == score(&r->set) && cand->n < r->set.n)) {
		strs_free(&r->set);
		r->set = *cand;
		r->known = 1;
		memset(cand, 0, sizeof *cand);
	}
}

/* Quantifier after an atom: min and max (max -1: unbounded). */
static void quantifier(parser *P, long *min, long *max)
{
	const char *s = P->s;

	*min = *max = 1;
	switch (s[P->i]) {
	case '?':
		*min = 0;
		P->i++;
		break;
	case '*':
		*min = 0;
		*max = -1;
		P->i++;
		break;
	case '+':
		*max = -1;
		P->i++;
		break;
	case '{': {
		char *end;
		long a, b;
		if (!isdigit((unsigned char)s[P->i + 1]))
			return; /* a literal '{' */
		a = strtol(s + P->i + 1, &end, 10);
		b = a;
		if (*end == ',') {
			b = isdigit((unsigned char)end[1]) ? strtol(end + 1, &end, 10) : (end++, -1);
			if (b == -1 && *end != '}')
				end = (char *)s + strlen(s);
		}
		if (*end != '}') {
			P->bad = 1;
			return;
		}
		*min = a;
		*max = b;
		P->i = (size_t)(end - s) + 1;
		break;
	}
	default:
		return;
	}
	if (s[P->i] == '?' || s[P->i] == '+')
		P->i++; /* lazy or possessive */
}

enum atom { A_LIT, A_SEP, A_SPACE, A_DIGIT, A_CLASS, A_BOUND, A_ZERO, A_GROUP, A_LOOK };

/* Skip a character class; 1 when it can only match digits. */
static int skip_class(parser *P)
{
	const char *s = P->s;
	int digits_only = 1, first = 1;

	P->i++; /* [ */
	if (s[P->i] == '^') {
		digits_only = 0;
		P->i++;
	}
	while (s[P->i] && (s[P->i] != ']' || first)) {
		first = 0;
		if (s[P->i] == '[' && s[P->i + 1] == ':') {
			const char *e = strstr(s + P->i, ":]");
			if (e == NULL) {
				P->bad = 1;
				return 0;
			}
			digits_only = 0;
			P->i = (size_t)(e - s) + 2;
			continue;
		}
		if (s[P->i] == '\\') {
			if (s[P->i + 1] != 'd')
				digits_only = 0;
			P->i += s[P->i + 1] ? 2 : 1;
			if (s[P->i - 1] == '{' || (s[P->i - 1] == 'x' && s[P->i] == '{') ||
			    ((s[P->i - 1] == 'p' || s[P->i - 1] == 'P') && s[P->i] == '{')) {
				const char *e = strchr(s + P->i, '}');
				P->i = e ? (size_t)(e - s) + 1 : strlen(s);
			}
			continue;
		}
		if (!(isdigit((unsigned char)s[P->i]) || (s[P->i] == '-' && P->i > 0 && isdigit((unsigned char)s[P->i - 1]))))
			digits_only = 0;
		P->i++;
	}
	if (s[P->i] != ']') {
		P->bad = 1;
		return 0;
	}
	P->i++;
	return digits_only;
}

/* Skip "{...}" after \p or \x; an unclosed brace makes the pattern unreadable. */
static void braced(parser *P)
{
	const char *end = strchr(P->s + P->i, '}');

	if (end == NULL) {
		P->bad = 1;
		P->i = strlen(P->s);
	} else
		P->i = (size_t)(end - P->s) + 1;
}

/*
 * Read the opening of a group at "(": 0 for a group that matches text, 1 for a
 * lookahead or lookbehind, 2 for a negative one, -1 for an option setting such as
 * "(?i)" (read whole) or a pattern the analysis does not read (P->bad set).
 */
static int open_group(parser *P)
{
	const char *s = P->s;
	int look = 0;

	P->i++;
	if (s[P->i] == '?') {
		P->i++;
		if (s[P->i] == ':' || s[P->i] == '|' || s[P->i] == '>')
			P->i++;
		else if (s[P->i] == '=' || s[P->i] == '!') {
			look = s[P->i] == '=' ? 1 : 2;
			P->i++;
		} else if (s[P->i] == '<' && (s[P->i + 1] == '=' || s[P->i + 1] == '!')) {
			look = s[P->i + 1] == '=' ? 1 : 2;
			P->i += 2;
		} else if (s[P->i] == '<' || (s[P->i] == 'P' && s[P->i + 1] == '<')) {
			const char *end = strchr(s + P->i, '>'); /* a named group */
			if (end == NULL) {
				P->bad = 1;
				return -1;
			}
			P->i = (size_t)(end - s) + 1;
		} else {
			/* inline options: (?i) (?-i) (?i: ...) */
			while (s[P->i] && strchr("imnsJU-^", s[P->i]))
				P->i++;
			if (s[P->i] == ')') {
				P->i++;
				return -1;
			}
			if (s[P->i] != ':') {
				P->bad = 1;
				return -1;
			}
			P->i++;
		}
	}
	return look;
}

/* Parse one atom; *c gets the literal character for A_LIT. *group gets a group's result. */
static enum atom atom(parser *P, char *c, res *group, int ws)
{
	const char *s = P->s;
	char ch = s[P->i];

	if (ch == '\\') {
		char e = s[P->i + 1];
		P->i += 2;
		switch (e) {
		case 'b':
			return A_BOUND;
		case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
			return A_ZERO;
		case 'd':
			return A_DIGIT;
		case 's': case 'h': case 'v': case 'R':
			return A_SPACE;
		case 'D': case 'w': case 'W': case 'S': case 'H': case 'V': case 'N':
			return A_CLASS;
		case 'p': case 'P':
			if (s[P->i] == '{')
				braced(P);
			else if (s[P->i])
				P->i++;
			return A_CLASS;
		case 'x': {
			/* \xhh or \x{hhhh}: an ASCII letter or digit is a literal, anything else a separator */
			unsigned long cp = 0;
			size_t k;
			if (s[P->i] == '{') {
				cp = strtoul(s + P->i + 1, NULL, 16);
				braced(P);
			} else
				for (k = 0; k < 2 && isxdigit((unsigned char)s[P->i]); k++, P->i++)
					cp = cp * 16 + (unsigned long)(isdigit((unsigned char)s[P->i])
						? s[P->i] - '0' : tolower((unsigned char)s[P->i]) - 'a' + 10);
			if (cp < 0x80 && isalnum((int)cp)) {
				*c = (char)cp;
				return A_LIT;
			}
			return A_SEP;
		}
		case 'n': case 't': case 'r': case 'f': case 'e':
			return A_SPACE;
		case '\0':
			P->bad = 1;
			return A_ZERO;
		default:
			if (isalnum((unsigned char)e)) { /* back-references, \Q, \g, \k ...: give up */
				P->bad = 1;
				return A_ZERO;
			}
			*c = e;
			return A_LIT;
		}
	}
	if (ch == '[')
		return skip_class(P) ? A_DIGIT : A_CLASS;
	if (ch == '.') {
		P->i++;
		return A_CLASS;
	}
	if (ch == '^' || ch == '$') {
		P->i++;
		return A_ZERO;
	}
	if (ch == '(') {
		int look = open_group(P);
		if (look < 0)
			return A_ZERO;
		*group = parse_alt(P, look ? 0 : ws);
		if (s[P->i] != ')') {
			P->bad = 1;
			return A_ZERO;
		}
		P->i++;
		if (look == 2) {
			strs_free(&group->set);
			return A_ZERO;
		}
		return look ? A_LOOK : A_GROUP;
	}
	P->i++;
	*c = ch;
	return A_LIT;
}

/* Analyse one branch, up to '|' or ')'. */
static res parse_seq(parser *P, int ws)
{
	res r = {0, {NULL, 0, 0}, 0};
	char run[64];
	size_t rn = 0;
	int run_ws = 0, sep = ws;

#define END_RUN()                                              \
	do {                                                   \
		if (rn > 0 && run_ws) {                         \
			strs c_ = {NULL, 0, 0};                  \
			strs_add(&c_, run, rn);                  \
			consider(&r, &c_);                       \
			strs_free(&c_);                          \
		}                                              \
		rn = 0;                                        \
	} while (0)

	while (P->s[P->i] && P->s[P->i] != '|' && P->s[P->i] != ')' && !P->bad) {
		char c = 0;
		res g = {0, {NULL, 0, 0}, 0};
		long min, max;
		enum atom a = atom(P, &c, &g, ws);

		if (P->bad) {
			strs_free(&g.set);
			break;
		}
		if (a == A_LOOK && g.known) /* what a lookaround asserts is in the text too */
			consider(&r, &g.set);
		if (a == A_LOOK || a == A_ZERO) {
			strs_free(&g.set);
			continue;
		}
		quantifier(P, &min, &max);
		if (a == A_BOUND) {
			END_RUN();
			ws = sep = 1;
			continue;
		}
		if (a == A_LIT && isalnum((unsigned char)c) && min >= 1) {
			if (rn == 0)
				run_ws = ws;
			if (rn < sizeof run)
				run[rn++] = (char)tolower((unsigned char)c);
			ws = sep = 0;
			if (max != 1)
				END_RUN();
			continue;
		}
		END_RUN();
		switch (a) {
		case A_LIT:
			if (isalnum((unsigned char)c) || (unsigned char)c >= 0x80) { /* optional letter, or UTF-8 */
				ws = sep = 0;
				break;
			}
			/* a separator such as '-', '%' or ' ' */
			/* fall through */
		case A_SEP:
		case A_SPACE:
			ws = sep = min >= 1 ? 1 : 0;
			break;
		case A_DIGIT:
			if (min >= 1 && ws) {
				strs c2 = {NULL, 0, 0};
				strs_add(&c2, "#", 1);
				consider(&r, &c2);
				strs_free(&c2);
			}
			ws = sep = 0;
			break;
		case A_GROUP:
			if (min >= 1 && g.known)
				consider(&r, &g.set);
			ws = sep = (min >= 1 ? g.ends_sep : (ws && g.ends_sep));
			break;
		default:
			ws = sep = 0;
			break;
		}
		strs_free(&g.set);
	}
	END_RUN();
#undef END_RUN
	r.ends_sep = sep;
	if (!r.known)
		strs_free(&r.set);
	return r;
}

/* One more branch of an alternation: its words join those of the others while all are
 * known; set is freed. */
static void join_branch(int *known, strs *acc, int b_known, strs *set)
{
	size_t k;

	if (!b_known)
		*known = 0;
	for (k = 0; *known && k < set->n; k++)
		strs_add(acc, set->v[k], strlen(set->v[k]));
	strs_free(set);
}

static res parse_alt(parser *P, int ws)
{
	res acc = {1, {NULL, 0, 0}, 1};

	for (;;) {
		res b = parse_seq(P, ws);
		if (!b.ends_sep)
			acc.ends_sep = 0;
		join_branch(&acc.known, &acc.set, b.known, &b.set);
		if (P->s[P->i] != '|' || P->bad)
			break;
		P->i++;
	}
	if (!acc.known)
		strs_free(&acc.set);
	return acc;
}

/* The words of an analysis into t: known when ok, else none (set is freed). */
static void give(hl_triggers *t, strs *set, int ok)
{
	memset(t, 0, sizeof *t);
	if (!ok) {
		strs_free(set);
		return;
	}
	t->known = 1;
	t->words = set->v;
	t->n = set->n;
}

void hl_triggers_from_regex(hl_triggers *t, const char *re)
{
	parser P = {re, 0, 0};
	res r = parse_alt(&P, 0);

	give(t, &r.set, !P.bad && P.s[P.i] == '\0' && r.known);
}

/* ---- start words: what a match must begin with ---- */

/* What a piece of pattern can begin with: words at the start of a token, and whether it
 * can match without consuming anything (so that what follows it can begin a match too). */
typedef struct fres {
	int known;
	strs set;
	int nullable;
} fres;

static fres first_alt(parser *P, int bound);

/*
 * One branch, up to '|' or ')'. bound: a \b holds at the current place, which is where the
 * match begins. A match may begin with a literal word only where a \b holds (else it could
 * begin inside a token), and with a digit likewise ("#"); anything else that consumes
 * text before the first word (a space, a class, a symbol) makes the branch unknown.
 */
static fres first_seq(parser *P, int bound)
{
	fres r = {1, {NULL, 0, 0}, 0};
	char run[64];
	size_t rn = 0;
	int done = 0;

#define FIRST_END_RUN()                                 \
	do {                                            \
		if (rn > 0) {                           \
			strs_add(&r.set, run, rn);      \
			rn = 0;                         \
			done = 1;                       \
		}                                       \
	} while (0)

	while (P->s[P->i] && P->s[P->i] != '|' && P->s[P->i] != ')' && !P->bad) {
		char c = 0;
		res dummy = {0, {NULL, 0, 0}, 0};
		long min, max;
		enum atom a;

		if (P->s[P->i] == '(') {
			int look = open_group(P);
			fres g;
			if (look < 0)
				continue; /* an option setting, or P->bad */
			g = first_alt(P, look ? 0 : bound);
			if (P->s[P->i] != ')') {
				P->bad = 1;
				strs_free(&g.set);
				break;
			}
			P->i++;
			quantifier(P, &min, &max);
			if (look || done || max == 0) {
				strs_free(&g.set);
				continue;
			}
			FIRST_END_RUN();
			if (done) {
				strs_free(&g.set);
				continue;
			}
			join_branch(&r.known, &r.set, g.known, &g.set);
			if (!r.known || (!g.nullable && min >= 1))
				done = 1;
			continue;
		}
		a = atom(P, &c, &dummy, 0);
		strs_free(&dummy.set);
		if (P->bad)
			break;
		if (a == A_ZERO || a == A_LOOK)
			continue;
		quantifier(P, &min, &max);
		if (done || max == 0)
			continue;
		if (a == A_LIT && isalnum((unsigned char)c) && min >= 1 && (rn > 0 || bound)) {
			if (rn < sizeof run)
				run[rn++] = (char)tolower((unsigned char)c);
			if (max != 1)
				FIRST_END_RUN();
			continue;
		}
		FIRST_END_RUN();
		if (done)
			continue;
		if (a == A_BOUND) {
			bound = 1;
			continue;
		}
		if (a == A_LIT && isalnum((unsigned char)c) && bound) { /* an optional first letter */
			run[0] = (char)tolower((unsigned char)c);
			strs_add(&r.set, run, 1);
			continue;
		}
		if (a == A_DIGIT && bound) {
			strs_add(&r.set, "#", 1);
			if (min >= 1)
				done = 1;
			continue;
		}
		r.known = 0; /* text before the first word, or a word that may start inside a token */
		done = 1;
	}
	FIRST_END_RUN();
#undef FIRST_END_RUN
	r.nullable = r.known && !done;
	return r;
}

static fres first_alt(parser *P, int bound)
{
	fres acc = {1, {NULL, 0, 0}, 0};

	for (;;) {
		fres b = first_seq(P, bound);
		if (b.nullable)
			acc.nullable = 1;
		join_branch(&acc.known, &acc.set, b.known, &b.set);
		if (P->s[P->i] != '|' || P->bad)
			break;
		P->i++;
	}
	if (!acc.known)
		strs_free(&acc.set);
	return acc;
}

void hl_starts_from_regex(hl_triggers *t, const char *re)
{
	parser P = {re, 0, 0};
	fres r = first_alt(&P, 0);

	give(t, &r.set, !P.bad && P.s[P.i] == '\0' && r.known && !r.nullable && r.set.n > 0);
}

void hl_triggers_release(hl_triggers *t)
{
	hl_strs_free(t->words, t->n);
	memset(t, 0, sizeof *t);
}

/* ---- the index ---- */

/*
 * A trie of the trigger words over the 36 token characters (letters without case,
 * digits). A token walks it from the root one character at a time; each node where a
 * word ends lists the rules of that word. Most tokens leave the trie after a letter or
 * two, and the rest of the token is skipped: one table load per character, no hashing.
 */

#define NCLS 36

/* Class of token character c plus 1 (letters either case 1-26, digits 27-36), or 0. */
static unsigned char token_class(unsigned c)
{
	if (c - 'a' < 26)
		return (unsigned char)(c - 'a' + 1);
	if (c - 'A' < 26)
		return (unsigned char)(c - 'A' + 1);
	if (c - '0' < 10)
		return (unsigned char)(c - '0' + 27);
	return 0;
}

typedef struct rule_list {
	size_t *rules;
	size_t n, cap;
} rule_list;

struct hl_trigger_index {
	uint32_t *next;            /* next[node * NCLS + class]: the child, or 0 (the root is no child) */
	uint32_t *word;            /* per node: 1 + index into words of the word ending there, or 0 */
	size_t nnodes, cap;
	rule_list *words;
	size_t nwords, words_cap;
	size_t *digit_rules;       /* rules triggered by a token that starts with a digit */
	size_t ndigit, digit_cap;
	size_t nrules;
	unsigned char tok[256];    /* token_class of each byte */
};

static uint32_t new_node(hl_trigger_index *ix)
{
	if (ix->nnodes == ix->cap) {
		size_t nc = ix->cap ? ix->cap * 2 : 64;
		if (nc > UINT32_MAX)
			hl_oom();
		ix->next = hl_reallocarray(ix->next, nc * NCLS, sizeof *ix->next);
		ix->word = hl_reallocarray(ix->word, nc, sizeof *ix->word);
		ix->cap = nc;
	}
	memset(ix->next + ix->nnodes * NCLS, 0, NCLS * sizeof *ix->next);
	ix->word[ix->nnodes] = 0;
	return (uint32_t)ix->nnodes++;
}

static void add_word(hl_trigger_index *ix, const char *w, size_t rule)
{
	uint32_t node = 0;
	rule_list *l;

	for (; *w; w++) {
		unsigned c = token_class((unsigned char)*w);
		uint32_t child;
		if (c-- == 0)
			return; /* cannot happen: the analysis keeps letters and digits */
		child = ix->next[node * NCLS + c];
		if (child == 0) {
			child = new_node(ix);
			ix->next[node * NCLS + c] = child;
		}
		node = child;
	}
	if (node == 0)
		return;
	if (ix->word[node] == 0) {
		HL_GROW(ix->words, ix->words_cap, ix->nwords + 1);
		memset(&ix->words[ix->nwords], 0, sizeof ix->words[ix->nwords]);
		ix->word[node] = (uint32_t)++ix->nwords;
	}
	l = &ix->words[ix->word[node] - 1];
	if (l->n == 0 || l->rules[l->n - 1] != rule) {
		HL_GROW(l->rules, l->cap, l->n + 1);
		l->rules[l->n++] = rule;
	}
}

hl_trigger_index *hl_trigger_index_new(const hl_triggers *trig, size_t n)
{
	hl_trigger_index *ix = hl_calloc(1, sizeof *ix);
	size_t i, k;

	ix->nrules = n;
	for (i = 0; i < 256; i++)
		ix->tok[i] = token_class((unsigned)i);
	new_node(ix); /* the root */
	for (i = 0; i < n; i++) {
		for (k = 0; trig[i].known && k < trig[i].n; k++) {
			const char *w = trig[i].words[k];
			if (!strcmp(w, "#")) {
				HL_GROW(ix->digit_rules, ix->digit_cap, ix->ndigit + 1);
				ix->digit_rules[ix->ndigit++] = i;
				continue;
			}
			add_word(ix, w, i);
		}
	}
	return ix;
}

void hl_trigger_index_free(hl_trigger_index *ix)
{
	size_t i;

	if (ix == NULL)
		return;
	for (i = 0; i < ix->nwords; i++)
		free(ix->words[i].rules);
	free(ix->words);
	free(ix->next);
	free(ix->word);
	free(ix->digit_rules);
	free(ix);
}

static void mark(size_t r, size_t pos, uint64_t *hit, size_t split, hl_cands *cands)
{
	if (r < split) {
		hit[r / 64] |= 1ULL << (r % 64);
	} else if (cands != NULL) {
		hl_cands *c = &cands[r - split];
		if (c->n == 0 || c->v[c->n - 1] != (uint32_t)pos) {
			HL_GROW(c->v, c->cap, c->n + 1);
			c->v[c->n++] = (uint32_t)pos;
		}
	}
}

void hl_trigger_index_scan_at(const hl_trigger_index *ix, const char *s, size_t from, size_t end,
			      uint64_t *hit, size_t split, hl_cands *cands)
{
	const unsigned char *u = (const unsigned char *)s, *tok = ix->tok;
	size_t i = from, k;

	while (i < end) {
		size_t st;
		uint32_t node = 0;
		while (i < end && !tok[u[i]])
			i++;
		if (i >= end)
			break;
		st = i;
		if (tok[u[st]] > 26) /* a digit */
			for (k = 0; k < ix->ndigit; k++)
				mark(ix->digit_rules[k], st, hit, split, cands);
		/* walk the trie while the token's prefix is a prefix of some word */
		for (; i < end && tok[u[i]]; i++) {
			node = ix->next[(size_t)node * NCLS + tok[u[i]] - 1];
			if (node == 0)
				break;
			if (ix->word[node]) {
				const rule_list *l = &ix->words[ix->word[node] - 1];
				for (k = 0; k < l->n; k++)
					mark(l->rules[k], st, hit, split, cands);
			}
		}
		while (i < end && tok[u[i]])
			i++;
	}
}

void hl_trigger_index_scan(const hl_trigger_index *ix, const char *s, size_t len, uint64_t *hit)
{
	hl_trigger_index_scan_at(ix, s, 0, len, hit, ix->nrules, NULL);
}
