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

typedef struct strs_list strs_list;

typedef struct parser {
	const char *s;
	size_t i;
	int bad;
	int depth;       /* of groups around the place parsed */
	int top_alt;     /* parse_alt saw an alternation at depth 0 */
	strs_list *all;  /* when not NULL: every set the top-level sequence requires */
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

struct strs_list {
	strs *v;
	size_t n, cap;
};

/* Note set as required by the whole pattern when it comes from its top-level sequence. */
static void collect(parser *P, const strs *set)
{
	strs copy = {NULL, 0, 0};
	size_t k;

	if (P->all == NULL || P->depth != 0 || set->n == 0)
		return;
	for (k = 0; k < set->n; k++)
		strs_add(&copy, set->v[k], strlen(set->v[k]));
	HL_GROW(P->all->v, P->all->cap, P->all->n + 1);
	P->all->v[P->all->n++] = copy;
}

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

/* The code point of the escape \xhh or \x{hhhh} whose hex digits (or brace) are at P. */
static unsigned long hex_escape(parser *P)
{
	const char *s = P->s;
	unsigned long cp = 0;
	size_t k;

	if (s[P->i] == '{') {
		cp = strtoul(s + P->i + 1, NULL, 16);
		braced(P);
	} else
		for (k = 0; k < 2 && isxdigit((unsigned char)s[P->i]); k++, P->i++)
			cp = cp * 16 + (unsigned long)(isdigit((unsigned char)s[P->i])
				? s[P->i] - '0' : tolower((unsigned char)s[P->i]) - 'a' + 10);
	return cp;
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
	if (s[P->i] == '*') { /* a verb or an assertion by name, "(*plb:" or "(*atomic:": not read */
		P->bad = 1;
		return -1;
	}
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
			unsigned long cp = hex_escape(P);
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
		P->depth++;
		*group = parse_alt(P, look ? 0 : ws);
		P->depth--;
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
			collect(P, &c_);                         \
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
		quantifier(P, &min, &max); /* an assertion may be quantified too: optional with min 0 */
		if (a == A_LOOK && g.known && min >= 1) { /* what a lookaround asserts is in the text too */
			collect(P, &g.set);
			consider(&r, &g.set);
		}
		if (a == A_LOOK || a == A_ZERO) {
			strs_free(&g.set);
			continue;
		}
		if (a == A_BOUND) {
			END_RUN();
			ws = sep = min >= 1;
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
				collect(P, &c2);
				consider(&r, &c2);
				strs_free(&c2);
			}
			ws = sep = 0;
			break;
		case A_GROUP:
			if (min >= 1 && g.known) {
				collect(P, &g.set);
				consider(&r, &g.set);
			}
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
		if (P->depth == 0)
			P->top_alt = 1;
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
	parser P = {re, 0, 0, 0, 0, NULL};
	res r = parse_alt(&P, 0);

	give(t, &r.set, !P.bad && P.s[P.i] == '\0' && r.known);
}

void hl_trigger_sets_from_regex(const char *re, hl_triggers **sets, size_t *n)
{
	strs_list all = {NULL, 0, 0};
	parser P = {re, 0, 0, 0, 0, &all};
	res r = parse_alt(&P, 0);
	size_t k;

	strs_free(&r.set);
	*sets = NULL;
	*n = 0;
	if (!P.bad && P.s[P.i] == '\0' && !P.top_alt && all.n > 0) {
		*sets = hl_calloc(all.n, sizeof **sets);
		for (k = 0; k < all.n; k++)
			give(&(*sets)[k], &all.v[k], 1);
		*n = all.n;
	} else
		for (k = 0; k < all.n; k++)
			strs_free(&all.v[k]);
	free(all.v);
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
			if (min >= 1) /* "\b?" asserts nothing */
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
	parser P = {re, 0, 0, 0, 0, NULL};
	fres r = first_alt(&P, 0);

	give(t, &r.set, !P.bad && P.s[P.i] == '\0' && r.known && !r.nullable && r.set.n > 0);
}

/* ---- start keys: the first two words of a match ----
 *
 * Start words alone make many candidates where they are common ("a", "the", "ketamine"),
 * and most of those attempts fail on the next word. So the pattern is read once more, as a
 * tree, and every way through its beginning is followed far enough to tell what the first
 * token is and, when the first token must end there, how the next one begins. Each way
 * gives a key:
 *   "w"    the token at the candidate begins with w (all that the start words tell);
 *   "w "   the token is exactly w;
 *   "w x"  the token is exactly w, and the next token begins with x.
 * The index marks a candidate only where one of the slot's keys holds there. Anything the
 * walk cannot follow ends a key early, which only makes it looser.
 */

/* What an atom of the tree is, for the walk. */
enum kty {
	K_CHAR,  /* an ASCII letter or digit (c, lower case) */
	K_SEP,   /* one character that cannot be an ASCII letter or digit */
	K_DIGIT, /* \d or a class of digits (under UCP also other scripts' digits) */
	K_ANY,   /* anything else that consumes text */
	K_BOUND, /* \b */
	K_ZERO,  /* other assertions, lookarounds, option settings */
	K_GROUP
};

typedef struct kalt kalt;

typedef struct knode {
	enum kty type;
	char c;
	long min, max; /* max -1: unbounded */
	kalt *g;       /* K_GROUP: its branches */
} knode;

typedef struct kseq {
	knode *v;
	size_t n, cap;
} kseq;

struct kalt {
	kseq *v;
	size_t n, cap;
};

static void kalt_free(kalt *a)
{
	size_t i, k;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		for (k = 0; k < a->v[i].n; k++)
			kalt_free(a->v[i].v[k].g);
		free(a->v[i].v);
	}
	free(a->v);
	free(a);
}

/* Can the character cp, without case, match an ASCII letter or digit? Under PCRE2's
 * caseless UCP matching the Kelvin sign folds to k and the long s to s. */
static int folds_to_token(unsigned long cp)
{
	return (cp < 0x80 && isalnum((int)cp)) || cp == 0x212A || cp == 0x17F;
}

/* Whether the class s[from, to) (from at '[', to after ']') can only match characters that
 * are not ASCII letters or digits: spaces and listed symbols, without ranges or negation. */
static int class_is_sep(const char *s, size_t from, size_t to)
{
	size_t i = from + 1, len;

	if (s[i] == '^')
		return 0;
	for (; i + 1 < to; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\\') {
			char e = s[i + 1];
			if (!(e == 's' || e == 'h' || e == 'v' || e == 'n' || e == 't' || e == 'r' ||
			      e == 'f' || (!isalnum((unsigned char)e) && e != '\0')))
				return 0;
			i++;
			continue;
		}
		if (ch == '-' && i > from + 1 && i + 2 < to)
			return 0; /* a range */
		if (ch == '[' || isalnum(ch))
			return 0;
		if (ch >= 0x80) {
			if (folds_to_token(hl_utf8_cp((const unsigned char *)s + i, &len)))
				return 0;
			i += len - 1;
		}
	}
	return 1;
}

static kalt *kparse_alt(parser *P);

static void kseq_add(kseq *q, enum kty type, char c, long min, long max, kalt *g)
{
	HL_GROW(q->v, q->cap, q->n + 1);
	q->v[q->n++] = (knode){type, c, min, max, g};
}

static kseq kparse_seq(parser *P)
{
	kseq q = {NULL, 0, 0};
	const char *s = P->s;

	while (s[P->i] && s[P->i] != '|' && s[P->i] != ')' && !P->bad) {
		enum kty type;
		char c = 0;
		kalt *g = NULL;
		long min, max;
		unsigned char ch = (unsigned char)s[P->i];

		if (ch == '(') {
			int look = open_group(P);
			if (look < 0)
				continue; /* an option setting, or P->bad (a verb such as (*UCP)) */
			g = kparse_alt(P);
			if (s[P->i] != ')') {
				P->bad = 1;
				kalt_free(g);
				break;
			}
			P->i++;
			if (look) { /* a lookaround reads nothing */
				kalt_free(g);
				g = NULL;
				type = K_ZERO;
			} else
				type = K_GROUP;
		} else if (ch == '[') {
			size_t from = P->i;
			int digits = skip_class(P);
			type = digits ? K_DIGIT : class_is_sep(s, from, P->i) ? K_SEP : K_ANY;
		} else if (ch >= 0x80) { /* one UTF-8 character, quantified as a whole */
			size_t len;
			type = folds_to_token(hl_utf8_cp((const unsigned char *)s + P->i, &len)) ? K_ANY : K_SEP;
			P->i += len;
		} else {
			res dummy = {0, {NULL, 0, 0}, 0};
			size_t at = P->i;
			enum atom a = atom(P, &c, &dummy, 0);
			strs_free(&dummy.set);
			switch (a) {
			case A_LIT:
				type = isalnum((unsigned char)c) ? K_CHAR : K_SEP;
				c = (char)tolower((unsigned char)c);
				break;
			case A_SEP: /* \x of a symbol; \x{212A} and \x{17F} fold to letters */
				type = K_SEP;
				if (s[at + 1] == 'x' && s[at + 2] == '{' &&
				    folds_to_token(strtoul(s + at + 3, NULL, 16)))
					type = K_ANY;
				break;
			case A_SPACE:
				type = K_SEP;
				break;
			case A_DIGIT:
				type = K_DIGIT;
				break;
			case A_BOUND:
				type = K_BOUND;
				break;
			case A_CLASS: /* \W (under UCP too) matches no ASCII letter or digit */
				type = s[at] == '\\' && s[at + 1] == 'W' ? K_SEP : K_ANY;
				break;
			case A_ZERO:
				type = K_ZERO;
				break;
			default:
				type = K_ANY;
				break;
			}
			if (P->bad)
				break;
		}
		quantifier(P, &min, &max);
		if (type == K_ZERO || type == K_BOUND) /* zero-width; "\b?" asserts nothing */
			kseq_add(&q, type == K_BOUND && min >= 1 ? K_BOUND : K_ZERO, 0, 1, 1, NULL);
		else
			kseq_add(&q, type, c, min, max, g);
	}
	return q;
}

static kalt *kparse_alt(parser *P)
{
	kalt *a = hl_calloc(1, sizeof *a);

	for (;;) {
		kseq q = kparse_seq(P);
		HL_GROW(a->v, a->cap, a->n + 1);
		a->v[a->n++] = q;
		if (P->s[P->i] != '|' || P->bad)
			break;
		P->i++;
	}
	return a;
}

#define KEY_T1 63        /* letters of a first word kept */
#define KEY_T2 12        /* letters of a next word kept: enough to tell most words apart */
#define KEY_MAX 4096     /* keys of one regex, before pairs are given up */
#define KEY_STEPS 200000 /* steps of the walk, before the analysis gives up */

/* Where a way through the pattern has got to. */
typedef struct kstate {
	int phase;   /* 0: in the first token; 1: between the tokens; 2: in the next token */
	int bound;   /* a \b came before the first letter */
	size_t n1, n2;
	char t1[KEY_T1 + 1], t2[KEY_T2 + 1];
} kstate;

/* A set of keys, hashed; and how the walk goes. */
typedef struct kwalk {
	char **v;
	size_t cap, n;
	size_t steps;
	int bad;
} kwalk;

static size_t key_hash(const char *k)
{
	size_t h = 5381;

	for (; *k; k++)
		h = h * 33 + (unsigned char)*k;
	return h;
}

/* Add key k (copied when new). */
static void key_put(kwalk *W, const char *k)
{
	size_t i;

	if ((W->n + 1) * 2 > W->cap) {
		char **old = W->v;
		size_t oc = W->cap;
		W->cap = oc ? oc * 2 : 64;
		W->v = hl_calloc(W->cap, sizeof *W->v);
		for (i = 0; i < oc; i++)
			if (old[i] != NULL) {
				size_t j = key_hash(old[i]) & (W->cap - 1);
				while (W->v[j] != NULL)
					j = (j + 1) & (W->cap - 1);
				W->v[j] = old[i];
			}
		free(old);
	}
	for (i = key_hash(k) & (W->cap - 1); W->v[i] != NULL; i = (i + 1) & (W->cap - 1))
		if (!strcmp(W->v[i], k))
			return;
	W->v[i] = hl_strdup(k);
	W->n++;
}

/* Record the key of a way that has gone far enough: its first token is known (exactly from
 * phase 1 on) and, in phase 2, how the next begins. */
static void key_done(kwalk *W, const kstate *st)
{
	char k[KEY_T1 + KEY_T2 + 2];
	size_t n = st->n1;

	if (st->n1 == 0) { /* empty, or a match that begins with no letter */
		W->bad = 1;
		return;
	}
	memcpy(k, st->t1, n);
	if (st->phase >= 1)
		k[n++] = ' ';
	if (st->phase == 2) {
		memcpy(k + n, st->t2, st->n2);
		n += st->n2;
	}
	k[n] = '\0';
	key_put(W, k);
}

/* One atom taken: 1 when the way is done (its key recorded), else 0. */
static int key_step(kwalk *W, kstate *st, enum kty type, char c)
{
	switch (st->phase) {
	case 0:
		if (type == K_CHAR) {
			if (st->n1 == 0 && !st->bound) { /* it could begin inside a token */
				W->bad = 1;
				return 1;
			}
			st->t1[st->n1++] = c;
			if (st->n1 == KEY_T1)
				key_done(W, st);
			return st->n1 == KEY_T1;
		}
		if (type == K_DIGIT && st->n1 == 0) {
			if (st->bound)
				key_put(W, "#");
			else
				W->bad = 1;
			return 1;
		}
		if ((type == K_SEP || type == K_BOUND) && st->n1 > 0) { /* the token ends here */
			st->phase = 1;
			return 0;
		}
		if (type == K_BOUND) {
			st->bound = 1;
			return 0;
		}
		key_done(W, st); /* a digit or anything else: the token goes on, unknown */
		return 1;
	case 1:
		if (type == K_SEP || type == K_BOUND)
			return 0;
		if (type == K_CHAR) {
			st->phase = 2;
			st->t2[st->n2++] = c;
			return 0;
		}
		key_done(W, st); /* a digit of any script, or anything: the next token is unknown */
		return 1;
	default:
		if (type == K_CHAR && st->n2 < KEY_T2) {
			st->t2[st->n2++] = c;
			return 0;
		}
		if (type == K_BOUND)
			return 0;
		key_done(W, st);
		return 1;
	}
}

/* A continuation: what follows the sequence being walked. */
typedef struct kcont {
	const kseq *q;
	size_t i;
	const struct kcont *next;
} kcont;

static const knode any_node = {K_ANY, 0, 1, 1, NULL};
static const kseq any_seq = {(knode *)&any_node, 1, 1};

static void kwalk_seq(kwalk *W, const kseq *q, size_t i, const kcont *k, kstate st)
{
	const knode *nd;

	if (W->bad || ++W->steps > KEY_STEPS) {
		W->bad = 1;
		return;
	}
	if (i == q->n) {
		if (k != NULL)
			kwalk_seq(W, k->q, k->i, k->next, st);
		else
			key_done(W, &st); /* the pattern ends */
		return;
	}
	nd = &q->v[i];
	if (nd->type == K_ZERO) {
		kwalk_seq(W, q, i + 1, k, st);
		return;
	}
	if (nd->max == 0 || nd->min == 0) /* skipped */
		kwalk_seq(W, q, i + 1, k, st);
	if (nd->max == 0)
		return;
	if (nd->type == K_GROUP) {
		/* once through the group; after that, more of it (when it repeats) or the rest */
		kcont after = {q, i + 1, k}, more = {&any_seq, 0, NULL};
		size_t b;
		for (b = 0; b < nd->g->n && !W->bad; b++)
			kwalk_seq(W, &nd->g->v[b], 0, nd->max == 1 ? &after : &more, st);
		return;
	}
	if (key_step(W, &st, nd->type, nd->c))
		return;
	/* a repeated letter or digit: what comes after the first is not followed */
	if (nd->max != 1 && nd->type != K_SEP && key_step(W, &st, K_ANY, 0))
		return;
	kwalk_seq(W, q, i + 1, k, st);
}

void hl_start_keys_from_regex(hl_triggers *t, const char *re)
{
	parser P = {re, 0, 0, 0, 0, NULL};
	kalt *a = kparse_alt(&P);
	kwalk W = {NULL, 0, 0, 0, 0};
	kstate st;
	kseq top;
	size_t i, n = 0;

	memset(t, 0, sizeof *t);
	memset(&st, 0, sizeof st);
	if (!P.bad && P.s[P.i] == '\0') {
		knode g = {K_GROUP, 0, 1, 1, a};
		top = (kseq){&g, 1, 1};
		kwalk_seq(&W, &top, 0, NULL, st);
	} else
		W.bad = 1;
	kalt_free(a);
	if (!W.bad && W.n > KEY_MAX) { /* too many: keep the first tokens only */
		kwalk X = {NULL, 0, 0, 0, 0};
		for (i = 0; i < W.cap; i++)
			if (W.v[i] != NULL) {
				char *sp = strchr(W.v[i], ' ');
				if (sp != NULL)
					sp[1] = '\0';
				key_put(&X, W.v[i]);
				free(W.v[i]);
			}
		free(W.v);
		W = X;
		W.bad = W.n > KEY_MAX;
	}
	if (!W.bad && W.n > 0) {
		t->known = 1;
		t->words = hl_calloc(W.n + 1, sizeof *t->words);
		for (i = 0; i < W.cap; i++)
			if (W.v[i] != NULL)
				t->words[n++] = W.v[i];
		t->n = n;
	} else
		for (i = 0; i < W.cap; i++)
			free(W.v[i]);
	free(W.v);
	if (!t->known) /* the walk gave up, or a match may begin inside a token: the start words */
		hl_starts_from_regex(t, re);
}

void hl_triggers_release(hl_triggers *t)
{
	hl_strs_free(t->words, t->n);
	memset(t, 0, sizeof *t);
}

/* ---- whether every match holds a digit ---- */

static int digit_alt(parser *P);

/* Does every way through the branch at P match a digit (0-9, \d or a class of digits
 * only) outside any lookaround? */
static int digit_seq(parser *P)
{
	int need = 0;

	while (!P->bad && P->s[P->i] != '\0' && P->s[P->i] != '|' && P->s[P->i] != ')') {
		int d;
		long min, max;
		if (P->s[P->i] == '(') {
			int look = open_group(P);
			if (look < 0) /* an option setting, read whole; or unreadable (P->bad) */
				continue;
			d = digit_alt(P) && look == 0; /* a lookaround matches nothing itself */
			if (P->s[P->i] != ')') {
				P->bad = 1;
				return 0;
			}
			P->i++;
		} else {
			char c = 0;
			res unused = {0, {NULL, 0, 0}, 0};
			enum atom a = atom(P, &c, &unused, 0); /* never a group: that is read above */
			d = a == A_DIGIT || (a == A_LIT && c >= '0' && c <= '9');
		}
		quantifier(P, &min, &max);
		if (d && min >= 1)
			need = 1;
	}
	return need;
}

static int digit_alt(parser *P)
{
	int all = 1;

	for (;;) {
		all &= digit_seq(P);
		if (P->bad || P->s[P->i] != '|')
			break;
		P->i++;
	}
	return all && !P->bad;
}

int hl_regex_needs_digit(const char *re)
{
	parser P = {re, 0, 0, 0, 0, NULL};
	int d = digit_alt(&P);

	return d && !P.bad && P.s[P.i] == '\0';
}

/* ---- the ASCII bytes no match can hold ---- */

/* A set of ASCII bytes, as two words of bits. */
typedef struct aset {
	uint64_t w[2];
} aset;

static void as_add(aset *a, unsigned c)
{
	if (c < 128)
		a->w[c >> 6] |= 1ULL << (c & 63);
}

/* c and, for a letter, its other case (a pattern may be compiled caseless) */
static void as_char(aset *a, unsigned c)
{
	as_add(a, c);
	if (c < 128 && isalpha((int)c))
		as_add(a, (unsigned)(islower((int)c) ? toupper((int)c) : tolower((int)c)));
}

static void as_range(aset *a, unsigned lo, unsigned hi)
{
	for (; lo <= hi && lo < 128; lo++)
		as_char(a, lo);
}

static void as_letters(aset *a)
{
	as_range(a, 'a', 'z');
}

static void as_all(aset *a)
{
	a->w[0] = a->w[1] = ~0ULL;
}

/* A character past ASCII: under caseless matching a few of them match an ASCII letter
 * (the Kelvin sign matches k, the long s matches s). */
static void as_wide(aset *a)
{
	as_letters(a);
}

static void as_space(aset *a)
{
	as_range(a, '\t', '\r');
	as_add(a, ' ');
}

/*
 * The escape at s[P->i] (after the backslash, read here): what it matches into a, and 1;
 * -1 for an assertion that matches nothing (\b, \z ...); 0 for one the analysis does not
 * read (P->bad set). in_class: inside [...], where \b is a backspace. *cp gets the code
 * point of an escape that stands for one character, else -1.
 */
static int stop_escape(parser *P, aset *a, int in_class, long *cp)
{
	const char *s = P->s;
	char e = s[P->i];

	*cp = -1;
	if (e == '\0') {
		P->bad = 1;
		return 0;
	}
	P->i++;
	switch (e) {
	case 'b':
		if (in_class) {
			*cp = 8;
			as_add(a, 8);
			return 1;
		}
		return -1;
	case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		if (in_class)
			break;
		return -1;
	case 'd':
		as_range(a, '0', '9');
		return 1;
	case 'w':
		as_range(a, '0', '9');
		as_letters(a);
		as_add(a, '_');
		return 1;
	case 's': case 'h': case 'v': case 'R':
		as_space(a);
		return 1;
	case 'D': case 'W': case 'S': case 'H': case 'V': case 'N':
		as_all(a);
		return 1;
	case 'p': case 'P':
		if (s[P->i] == '{')
			braced(P);
		else if (s[P->i])
			P->i++;
		as_all(a);
		return 1;
	case 'x': {
		unsigned long v = hex_escape(P);
		*cp = (long)(v < 0x110000 ? v : 0x110000);
		if (v < 128)
			as_char(a, (unsigned)v);
		else
			as_wide(a);
		return 1;
	}
	case 'n': *cp = '\n'; break;
	case 't': *cp = '\t'; break;
	case 'r': *cp = '\r'; break;
	case 'f': *cp = '\f'; break;
	case 'e': *cp = 27; break;
	case 'a': *cp = 7; break;
	default:
		if (!isalnum((unsigned char)e)) { /* an escaped symbol stands for itself */
			*cp = (unsigned char)e;
			if ((unsigned char)e >= 0x80)
				as_wide(a);
			else
				as_char(a, (unsigned char)e);
			return 1;
		}
		break;
	}
	if (*cp >= 0) {
		as_add(a, (unsigned)*cp);
		return 1;
	}
	/* back-references, \Q, \g, \k, \c, octal ...: not read */
	P->bad = 1;
	return 0;
}

/* One character of a class at P, plain or escaped, into a: 1, with its code point in *cp
 * (-1 for an escape that stands for a set, such as \d); 0 when it cannot be read. */
static int class_char(parser *P, aset *a, long *cp)
{
	if (P->s[P->i] == '\\') {
		P->i++;
		return stop_escape(P, a, 1, cp) > 0;
	}
	*cp = (unsigned char)P->s[P->i++];
	if (*cp >= 0x80)
		as_wide(a);
	else
		as_char(a, (unsigned)*cp);
	return 1;
}

/* The class at s[P->i] ("["): a superset of the ASCII bytes it matches, into a. Only the
 * plain characters of a negated class are taken out; its ranges and escapes are not, which
 * leaves more in (a superset still). */
static void stop_class(parser *P, aset *a)
{
	const char *s = P->s;
	aset in = {{0, 0}}, out = {{0, 0}};
	int neg = 0, first = 1;

	P->i++;
	if (s[P->i] == '^') {
		neg = 1;
		P->i++;
	}
	while (!P->bad && s[P->i] && (s[P->i] != ']' || first)) {
		aset one = {{0, 0}};
		long lo = -1, hi = -1;
		first = 0;
		if (s[P->i] == '[' && s[P->i + 1] == ':') { /* [:alpha:] */
			const char *e = strstr(s + P->i, ":]");
			if (e == NULL) {
				P->bad = 1;
				return;
			}
			P->i = (size_t)(e - s) + 2;
			as_all(&in);
			continue;
		}
		if (!class_char(P, &one, &lo))
			return;
		if (lo >= 0 && s[P->i] == '-' && s[P->i + 1] != ']' && s[P->i + 1] != '\0') { /* a range */
			P->i++;
			if (!class_char(P, &one, &hi))
				return;
			if (hi < 0) { /* [a-\d]: the '-' is itself a member */
				as_add(&one, '-');
				hi = lo;
			}
			if (hi >= 128)
				as_wide(&one);
			as_range(&one, (unsigned)lo, (unsigned)(hi < 128 ? hi : 127));
			lo = -1;
		}
		in.w[0] |= one.w[0];
		in.w[1] |= one.w[1];
		if (lo >= 0 && lo < 128) /* one plain character */
			as_add(&out, (unsigned)lo);
	}
	if (s[P->i] != ']') {
		P->bad = 1;
		return;
	}
	P->i++;
	if (neg) {
		a->w[0] |= ~out.w[0];
		a->w[1] |= ~out.w[1];
	} else {
		a->w[0] |= in.w[0];
		a->w[1] |= in.w[1];
	}
}

static void stop_alt(parser *P, aset *a);

/* One branch up to '|' or ')': what its atoms may match, into a. A positive lookahead's
 * atoms count, for what it asserts lies in the text after the match begins; a negative
 * one's do not; a positive lookbehind asserts text before the match: not read. */
static void stop_seq(parser *P, aset *a)
{
	const char *s = P->s;

	while (!P->bad && s[P->i] != '\0' && s[P->i] != '|' && s[P->i] != ')') {
		long min, max, cp;
		char ch = s[P->i];
		if (ch == '(') {
			int behind = s[P->i + 1] == '?' && s[P->i + 2] == '<' && s[P->i + 3] == '=';
			int look = open_group(P);
			aset g = {{0, 0}};
			if (look < 0) /* an option setting, read whole; or unreadable (P->bad) */
				continue;
			if (behind) {
				P->bad = 1;
				return;
			}
			stop_alt(P, &g);
			if (s[P->i] != ')') {
				P->bad = 1;
				return;
			}
			P->i++;
			if (look != 2) {
				a->w[0] |= g.w[0];
				a->w[1] |= g.w[1];
			}
		} else if (ch == '\\') {
			P->i++;
			stop_escape(P, a, 0, &cp);
		} else if (ch == '[')
			stop_class(P, a);
		else if (ch == '.') {
			P->i++;
			as_all(a);
		} else if (ch == '^' || ch == '$')
			P->i++;
		else {
			P->i++;
			if ((unsigned char)ch >= 0x80)
				as_wide(a);
			else
				as_char(a, (unsigned char)ch);
		}
		if (!P->bad)
			quantifier(P, &min, &max);
	}
}

static void stop_alt(parser *P, aset *a)
{
	for (;;) {
		stop_seq(P, a);
		if (P->bad || P->s[P->i] != '|')
			break;
		P->i++;
	}
}

int hl_regex_stop_bytes(const char *re, uint64_t stop[2])
{
	parser P = {re, 0, 0, 0, 0, NULL};
	aset a = {{0, 0}};

	stop_alt(&P, &a);
	stop[0] = stop[1] = 0;
	if (P.bad || P.s[P.i] != '\0')
		return 0;
	stop[0] = ~a.w[0];
	stop[1] = ~a.w[1];
	return (stop[0] | stop[1]) != 0;
}

/* ---- the index ---- */

/*
 * A trie of the trigger words over the 36 token characters (letters without case,
 * digits). A token walks it from the root one character at a time; each node where a
 * word ends lists the rules of that word. A token leaves the trie where no word goes on
 * as it does, and the rest of the token is skipped: one table load per character, no
 * hashing.
 *
 * The trie is built as rows of NCLS children (next), then laid out for the scan as a
 * double array (da): the children of a node are the cells base + class of it, each
 * naming its parent (check). A cell also holds its own base, shifted left by two, and
 * two flags saying whether its word has rules as a prefix (STEP_PREFIX) or as a whole
 * token (STEP_EXACT), and where its word's rules are (info). A step is one load of a
 * 12-byte cell: the bundled rules' few thousand nodes take tens of KB as cells, and took
 * hundreds as rows, where each step waited on the second-level cache.
 */

#define NCLS 36
enum { STEP_PREFIX = 1, STEP_EXACT = 2 };
#define NO_PARENT UINT32_MAX

typedef struct da_cell {
	uint32_t check; /* the cell's parent, or NO_PARENT for a free cell (and the root) */
	uint32_t step;  /* base << 2 | flags */
	uint32_t at;    /* with a flag: where the rules of its word are in info */
} da_cell;

/* Class of token character c plus 1 (letters either case 1-26, digits 27-36), or 0. */
static unsigned char token_class(unsigned c)
{
	if (c > 0xff || !hl_token_byte((unsigned char)c))
		return 0;
	if (c - 'a' < 26)
		return (unsigned char)(c - 'a' + 1);
	if (c - 'A' < 26)
		return (unsigned char)(c - 'A' + 1);
	if (c - '0' < 10)
		return (unsigned char)(c - '0' + 27);
	return 0;
}

/* A start key's condition on where its token ends (see hl_start_keys_from_regex). */
typedef struct keyed {
	size_t rule;
	uint32_t next; /* the next token begins with the word at pool + next - 1; 0: any */
} keyed;

typedef struct rule_list {
	size_t *rules;   /* the rules of the word as a prefix of a token */
	size_t n, cap;
	/* the rules of the word as a whole token, with what must follow: those with any next
	 * token first, then by the class of their next word's first character; by[c] is where
	 * those of class c begin (c 0: any), by[NCLS + 1] the end */
	keyed *exact;
	size_t nexact, exact_cap;
	uint32_t *by;
} rule_list;

struct hl_trigger_index {
	uint32_t *next;            /* next[node * NCLS + class]: the child, or 0 (the root is no child) */
	uint32_t *word;            /* per node: 1 + index into words of the word ending there, or 0 */
	da_cell *da;               /* the trie for the scan (see above); cell 0 is the root */
	size_t nda;
	/* the rules of each word, for the scan: the number of prefix rules and those rules;
	 * then, for words with whole-token rules, where those of each next-token class begin
	 * and end (rule_list.by) and each as a rule and its pool offset (keyed.next) */
	uint32_t *info;
	size_t ninfo, info_cap;
	size_t nnodes, cap;
	rule_list *words;
	size_t nwords, words_cap;
	char *pool;                /* the next words of whole-token words, each ended by NUL */
	size_t npool, pool_cap;
	size_t *digit_rules;       /* rules triggered by a token that starts with a digit */
	size_t ndigit, digit_cap;
	size_t nrules;
	unsigned char tok[256];    /* token_class of each byte */
	/* the walk's first two steps in one load, by the classes of a token's first two
	 * characters (first * (NCLS + 1) + second): the cell the second reaches when neither
	 * step has rules to mark, PAIR_DEAD when the walk leaves the trie there without any, or
	 * PAIR_SLOW (rules on the way: the walk takes its steps one by one) */
	uint32_t pair[(NCLS + 1) * (NCLS + 1)];
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
	const char *space = strchr(w, ' ');

	for (; *w && *w != ' '; w++) {
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
	if (space != NULL) { /* a whole token, perhaps with the start of the next */
		HL_GROW(l->exact, l->exact_cap, l->nexact + 1);
		uint32_t next = 0;
		if (space[1]) {
			size_t n = strlen(space + 1) + 1;
			if (ix->npool + n >= UINT32_MAX)
				hl_oom();
			HL_GROW(ix->pool, ix->pool_cap, ix->npool + n);
			memcpy(ix->pool + ix->npool, space + 1, n);
			next = (uint32_t)(ix->npool + 1);
			ix->npool += n;
		}
		l->exact[l->nexact++] = (keyed){rule, next};
	} else if (l->n == 0 || l->rules[l->n - 1] != rule) {
		HL_GROW(l->rules, l->cap, l->n + 1);
		l->rules[l->n++] = rule;
	}
}

/* The class of the first character of an exact entry's next word, or 0 for any. */
static unsigned next_class(const hl_trigger_index *ix, const keyed *e)
{
	return e->next == 0 ? 0 : ix->tok[(unsigned char)ix->pool[e->next - 1]];
}

/* Order each word's exact entries by next_class and index them (rule_list.by). */
static void bucket_exact(hl_trigger_index *ix)
{
	size_t w, k;

	for (w = 0; w < ix->nwords; w++) {
		rule_list *l = &ix->words[w];
		keyed *sorted;
		uint32_t at[NCLS + 2];
		unsigned c;
		if (l->nexact == 0)
			continue;
		l->by = hl_calloc(NCLS + 2, sizeof *l->by);
		for (k = 0; k < l->nexact; k++) /* a counting sort, stable */
			l->by[next_class(ix, &l->exact[k]) + 1]++;
		for (c = 1; c < NCLS + 2; c++)
			l->by[c] += l->by[c - 1];
		memcpy(at, l->by, sizeof at);
		sorted = hl_calloc(l->nexact, sizeof *sorted);
		for (k = 0; k < l->nexact; k++)
			sorted[at[next_class(ix, &l->exact[k])]++] = l->exact[k];
		free(l->exact);
		l->exact = sorted;
		l->exact_cap = l->nexact;
	}
}

/* Lay out the rules of word l in info (see hl_trigger_index); returns where. */
static uint32_t info_word(hl_trigger_index *ix, const rule_list *l)
{
	size_t at = ix->ninfo, need = 1 + l->n + (l->nexact > 0 ? NCLS + 2 + 2 * l->nexact : 0), k;
	uint32_t *v;

	if (at + need > UINT32_MAX || ix->nrules > UINT32_MAX)
		hl_oom();
	HL_GROW(ix->info, ix->info_cap, at + need);
	v = ix->info + at;
	*v++ = (uint32_t)l->n;
	for (k = 0; k < l->n; k++)
		*v++ = (uint32_t)l->rules[k];
	for (k = 0; l->nexact > 0 && k < NCLS + 2; k++)
		*v++ = l->by[k];
	for (k = 0; k < l->nexact; k++) {
		*v++ = (uint32_t)l->exact[k].rule;
		*v++ = l->exact[k].next;
	}
	ix->ninfo = at + need;
	return (uint32_t)at;
}

#define PAIR_DEAD 0 /* the root is no cell a step reaches */
#define PAIR_SLOW UINT32_MAX

/* The cell that class c leads to from cell `cell` (whose step is step), or NO_PARENT. */
static uint32_t da_child(const hl_trigger_index *ix, uint32_t cell, uint32_t step, unsigned c)
{
	uint32_t to = (step >> 2) + c - 1;

	return to < ix->nda && ix->da[to].check == cell ? to : NO_PARENT;
}

/* Fill ix->pair from the double array (see struct hl_trigger_index). */
static void make_pairs(hl_trigger_index *ix)
{
	unsigned a, b;

	for (a = 0; a <= NCLS; a++)
		for (b = 0; b <= NCLS; b++) {
			uint32_t one, two, *e = &ix->pair[a * (NCLS + 1) + b];
			*e = PAIR_SLOW;
			if (a == 0 || b == 0)
				continue;
			if ((one = da_child(ix, 0, ix->da[0].step, a)) == NO_PARENT) {
				*e = PAIR_DEAD;
				continue;
			}
			/* a whole-token word of one character cannot end a token of two or more */
			if (ix->da[one].step & STEP_PREFIX)
				continue;
			if ((two = da_child(ix, one, ix->da[one].step, b)) == NO_PARENT)
				*e = PAIR_DEAD;
			else if (!(ix->da[two].step & (STEP_PREFIX | STEP_EXACT)))
				*e = two;
		}
}

/* Lay out the built trie as the scan's double array (see above): the nodes breadth
 * first, each node's children at the first base where their cells are all free. */
static void make_da(hl_trigger_index *ix)
{
	uint32_t *cell_of = hl_calloc(ix->nnodes, sizeof *cell_of), *queue = hl_calloc(ix->nnodes, sizeof *queue);
	uint32_t *parent = hl_calloc(ix->nnodes, sizeof *parent); /* the cell of each node's parent */
	size_t *base_of = hl_calloc(ix->nnodes, sizeof *base_of);
	unsigned char *used = NULL;
	size_t cap = 0, nq = 1, q, c, hint = 1;

	HL_GROW(used, cap, NCLS + 1);
	memset(used, 0, cap);
	used[0] = 1; /* the root's */
	ix->nda = NCLS; /* a leaf's base is 0: its steps look at cells [0, NCLS) */
	for (q = 0; q < nq; q++) { /* queue[0] is the root, node 0 in cell 0 */
		uint32_t node = queue[q];
		unsigned char cls[NCLS];
		size_t base, ncls = 0;
		for (c = 0; c < NCLS; c++)
			if (ix->next[(size_t)node * NCLS + c])
				cls[ncls++] = (unsigned char)c;
		if (ncls == 0)
			continue;
		while (hint < cap && used[hint])
			hint++;
		for (base = hint > cls[0] ? hint - cls[0] : 0;; base++) {
			if (base + NCLS + 1 > cap) {
				size_t old = cap;
				HL_GROW(used, cap, base + NCLS + 1);
				memset(used + old, 0, cap - old);
			}
			for (c = 0; c < ncls && !used[base + cls[c]]; c++)
				;
			if (c == ncls)
				break;
		}
		if (base > UINT32_MAX / 4 - NCLS)
			hl_oom();
		base_of[node] = base;
		if (base + NCLS > ix->nda)
			ix->nda = base + NCLS;
		for (c = 0; c < ncls; c++) {
			uint32_t child = ix->next[(size_t)node * NCLS + cls[c]];
			used[base + cls[c]] = 1;
			cell_of[child] = (uint32_t)(base + cls[c]);
			parent[child] = cell_of[node];
			queue[nq++] = child;
		}
	}
	ix->da = hl_calloc(ix->nda, sizeof *ix->da);
	for (c = 0; c < ix->nda; c++)
		ix->da[c].check = NO_PARENT;
	for (q = 0; q < nq; q++) {
		uint32_t node = queue[q], cell = cell_of[node], flags = 0;
		if (ix->word[node]) {
			const rule_list *l = &ix->words[ix->word[node] - 1];
			flags = (l->n > 0 ? STEP_PREFIX : 0) | (l->nexact > 0 ? STEP_EXACT : 0);
			ix->da[cell].at = info_word(ix, l);
		}
		ix->da[cell].step = (uint32_t)base_of[node] << 2 | flags;
		if (node != 0)
			ix->da[cell].check = parent[node];
	}
	free(used);
	free(queue);
	free(base_of);
	free(parent);
	free(cell_of);
	make_pairs(ix);
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
	bucket_exact(ix);
	make_da(ix);
	return ix;
}

/* Copy into to the words below node of ix (word[0, n) leads there) whose rules keep holds. */
static void subset_walk(hl_trigger_index *to, const hl_trigger_index *ix, uint32_t node, char *word, size_t n,
			const unsigned char *keep)
{
	unsigned c;
	size_t k;

	if (ix->word[node]) {
		const rule_list *l = &ix->words[ix->word[node] - 1];
		hl_buf key = HL_BUF_INIT;
		for (k = 0; k < l->n; k++)
			if (keep[l->rules[k]]) {
				word[n] = '\0';
				add_word(to, word, l->rules[k]);
			}
		for (k = 0; k < l->nexact; k++)
			if (keep[l->exact[k].rule]) {
				key.len = 0;
				hl_buf_add(&key, word, n);
				hl_buf_addc(&key, ' ');
				if (l->exact[k].next)
					hl_buf_adds(&key, ix->pool + l->exact[k].next - 1);
				add_word(to, key.s, l->exact[k].rule);
			}
		hl_buf_release(&key);
	}
	if (n >= 255)
		return;
	for (c = 0; c < NCLS; c++) {
		uint32_t child = ix->next[(size_t)node * NCLS + c];
		if (child != 0) {
			word[n] = (char)(c < 26 ? 'a' + c : '0' + (c - 26));
			subset_walk(to, ix, child, word, n + 1, keep);
		}
	}
}

hl_trigger_index *hl_trigger_index_subset(const hl_trigger_index *ix, const unsigned char *keep)
{
	hl_trigger_index *to = hl_calloc(1, sizeof *to);
	char word[256];
	size_t i;

	to->nrules = ix->nrules;
	memcpy(to->tok, ix->tok, sizeof to->tok);
	new_node(to);
	for (i = 0; i < ix->ndigit; i++)
		if (keep[ix->digit_rules[i]]) {
			HL_GROW(to->digit_rules, to->digit_cap, to->ndigit + 1);
			to->digit_rules[to->ndigit++] = ix->digit_rules[i];
		}
	subset_walk(to, ix, 0, word, 0, keep);
	bucket_exact(to);
	make_da(to);
	return to;
}

void hl_trigger_index_free(hl_trigger_index *ix)
{
	size_t i;

	if (ix == NULL)
		return;
	for (i = 0; i < ix->nwords; i++) {
		free(ix->words[i].exact);
		free(ix->words[i].by);
		free(ix->words[i].rules);
	}
	free(ix->pool);
	free(ix->words);
	free(ix->next);
	free(ix->word);
	free(ix->da);
	free(ix->info);
	free(ix->digit_rules);
	free(ix);
}

static void cand_grow(hl_cands *c)
{
	HL_GROW(c->v, c->cap, c->n + 1);
}

static inline void mark(size_t r, size_t pos, uint64_t *hit, size_t split, hl_cands *cands)
{
	if (r < split)
		hit[r / 64] |= 1ULL << (r % 64);
	else if (cands != NULL) {
		hl_cands *c = &cands[r - split];
		if (c->n == 0 || c->v[c->n - 1] != (uint32_t)pos) {
			if (c->n == c->cap)
				cand_grow(c);
			c->v[c->n++] = (uint32_t)pos;
		}
	}
}

/* Do the characters from s[j] on (up to len) begin with the letters and digits of w, without case? */
static int begins_with(const hl_trigger_index *ix, const unsigned char *u, size_t j, size_t len, const char *w)
{
	for (; *w; w++, j++)
		if (j >= len || ix->tok[u[j]] != ix->tok[(unsigned char)*w])
			return 0;
	return 1;
}

/* The rules of a whole-token word whose token ends at s[i], laid out at e in info (the
 * class bounds, then rule and next word pairs): those whose next token (from s[i] on, up
 * to len) begins as they require. */
static void mark_exact(const hl_trigger_index *ix, const uint32_t *e, const unsigned char *u, size_t st, size_t i,
		       size_t len, uint64_t *hit, size_t split, hl_cands *cands)
{
	const uint32_t *pair = e + NCLS + 2;
	size_t j = i, k;
	unsigned c;

	for (k = 0; k < e[1]; k++) /* any next token */
		mark(pair[2 * k], st, hit, split, cands);
	while (j < len && !ix->tok[u[j]])
		j++;
	if (j >= len)
		return;
	c = ix->tok[u[j]];
	for (k = e[c]; k < e[c + 1]; k++)
		if (begins_with(ix, u, j + 1, len, ix->pool + pair[2 * k + 1]))
			mark(pair[2 * k], st, hit, split, cands);
}

void hl_trigger_index_scan_at(const hl_trigger_index *ix, const char *s, size_t from, size_t end, size_t len,
			      uint64_t *hit, size_t split, hl_cands *cands)
{
	const unsigned char *u = (const unsigned char *)s, *tok = ix->tok;
	const da_cell *da = ix->da;
	size_t i = from, k;

	while (i < end) {
		size_t st;
		uint32_t cell = 0, step = da[0].step;
		while (i < end && !tok[u[i]])
			i++;
		if (i >= end)
			break;
		st = i;
		if (tok[u[st]] > 26) /* a digit */
			for (k = 0; k < ix->ndigit; k++)
				mark(ix->digit_rules[k], st, hit, split, cands);
		if (i + 1 < end) { /* the first two steps in one load, where they have no rules to mark */
			uint32_t e = ix->pair[tok[u[i]] * (NCLS + 1) + tok[u[i + 1]]];
			if (e == PAIR_DEAD) {
				i += 2;
				while (i < end && tok[u[i]])
					i++;
				continue;
			}
			if (e != PAIR_SLOW) {
				cell = e;
				step = da[e].step;
				i += 2;
			}
		}
		/* walk the trie while the token's prefix is a prefix of some word */
		for (; i < end && tok[u[i]]; i++) {
			uint32_t to = (step >> 2) + tok[u[i]] - 1;
			const uint32_t *w;
			if (da[to].check != cell)
				break;
			cell = to;
			step = da[to].step;
			if (!(step & (STEP_PREFIX | STEP_EXACT)))
				continue;
			w = ix->info + da[to].at;
			for (k = 1; k <= w[0]; k++)
				mark(w[k], st, hit, split, cands);
			/* a whole token ends where the text (not the range) has no more of it */
			if ((step & STEP_EXACT) && (i + 1 >= len || !tok[u[i + 1]]))
				mark_exact(ix, w + 1 + w[0], u, st, i + 1, len, hit, split, cands);
		}
		while (i < end && tok[u[i]])
			i++;
	}
}

void hl_trigger_index_scan(const hl_trigger_index *ix, const char *s, size_t len, uint64_t *hit)
{
	hl_trigger_index_scan_at(ix, s, 0, len, len, hit, ix->nrules, NULL);
}
