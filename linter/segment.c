/* segment.c - splitting a block of prose into sentences. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "doc.h"

/* Words that end with a full stop without ending the sentence. Compared without case. */
static const char *const abbrevs[] = {
	"dr", "mr", "mrs", "ms", "prof", "sr", "jr", "st", "vs", "cf", "fig", "figs",
	"no", "nos", "vol", "vols", "pp", "approx", "inc", "ltd", "co", "corp", "dept",
	"univ", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
	"nov", "dec", "gen", "rev", "sen", "rep", "gov", "mt", "ca", "viz", "ed", "eds",
	"ref", "refs", "eq", "ch", "sec", "assn", "natl", "intl", NULL};
#define ABBREV_MAX 6 /* letters in the longest word above ("approx"): keep it so */

static int is_abbrev(const char *w, size_t n)
{
	size_t i, letters = 0, dots = 0;
	const char *const *a;

	if (n == 0)
		return 0;
	/* single initial ("J. Smith") and dotted forms ("U.S", "e.g", "Ph.D") */
	for (i = 0; i < n; i++) {
		if (w[i] == '.')
			dots++;
		else if (isalpha((unsigned char)w[i]))
			letters++;
		else
			return 0;
	}
	if (n == 1 && isupper((unsigned char)w[0]))
		return 1;
	if (dots > 0 && letters <= dots + 2)
		return 1;
	if (dots > 0)
		return 0;
	if (n > ABBREV_MAX)
		return 0;
	for (a = abbrevs; *a != NULL; a++)
		if ((*a)[0] == tolower((unsigned char)w[0]) && strlen(*a) == n && strncasecmp(*a, w, n) == 0)
			return 1;
	return 0;
}

static int is_closer(const unsigned char *s, size_t n, size_t *len)
{
	if (*s == '"' || *s == '\'' || *s == ')' || *s == ']' || *s == '*' || *s == '_') {
		*len = 1;
		return 1;
	}
	/* ’ ” » */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0x99 || s[2] == 0x9d)) {
		*len = 3;
		return 1;
	}
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xbb) {
		*len = 2;
		return 1;
	}
	return 0;
}

/* Can a sentence start at s? Capitals, digits, opening quotes and brackets can. */
static int starts_sentence(const unsigned char *s, size_t n)
{
	if (isupper(*s) || isdigit(*s) || *s == '"' || *s == '\'' || *s == '(' || *s == '[')
		return 1;
	if (n >= 2 && s[0] == 0xc3 && s[1] >= 0x80 && s[1] <= 0x9e)
		return 1; /* Latin-1 capitals */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0x9c || s[2] == 0x98))
		return 1; /* “ ‘ */
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xab)
		return 1; /* « */
	return 0;
}

static void add_sentence(hl_doc *doc, size_t start, size_t end, size_t block)
{
	const char *t = doc->text.s;

	while (start < end && t[start] == ' ')
		start++;
	while (end > start && t[end - 1] == ' ')
		end--;
	if (end <= start)
		return;
	HL_GROW(doc->sentences, doc->sentences_cap, doc->nsentences + 1);
	doc->sentences[doc->nsentences++] = (hl_span){(uint32_t)start, (uint32_t)end, (uint32_t)block};
}

/* The bytes that may end a sentence: . ! ? and the first byte of … */
static const unsigned char may_end[256] = {['.'] = 1, ['!'] = 1, ['?'] = 1, [0xe2] = 1};

/* The offset of the first byte of t[i, end) that may end a sentence, or end. */
static size_t next_end(const unsigned char *t, size_t i, size_t end)
{
#if HL_SSE2
	const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'), q = _mm_set1_epi8('?'),
		      e2 = _mm_set1_epi8((char)0xe2);
	for (; hl_simd && end - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(t + i));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
					 _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, e2)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits != 0)
			return i + (size_t)__builtin_ctz(bits);
	}
#endif
	while (i < end && !may_end[t[i]])
		i++;
	return i;
}

void hl_segment_block(hl_doc *doc, size_t block)
{
	const unsigned char *t = (const unsigned char *)doc->text.s;
	size_t start = doc->blocks[block].start, end = doc->blocks[block].end;
	size_t i = start, sent = start;

	while (i < end) {
		size_t run, l, w;

		/* skip to the next byte that may end a sentence: . ! ? or the first of … */
		i = next_end(t, i, end);
		if (i >= end)
			break;
		run = i;
		if (t[i] == '.' || t[i] == '!' || t[i] == '?') {
			while (i < end && (t[i] == '.' || t[i] == '!' || t[i] == '?'))
				i++;
		} else if (end - i >= 3 && t[i] == 0xe2 && t[i + 1] == 0x80 && t[i + 2] == 0xa6) {
			i += 3; /* … */
		} else {
			i++;
			continue;
		}
		while (i < end && is_closer(t + i, end - i, &l))
			i += l;
		if (i < end && t[i] != ' ')
			continue;
		if (i < end) {
			size_t j = i;
			while (j < end && t[j] == ' ')
				j++;
			if (j >= end || !starts_sentence(t + j, end - j))
				continue;
		}
		if (i - run >= 1 && t[run] == '.' && (run + 1 >= end || t[run + 1] != '.')) {
			/* one full stop: is it an abbreviation's? */
			w = run;
			while (w > sent && t[w - 1] != ' ' && t[w - 1] != '(' && t[w - 1] != '"' &&
			       t[w - 1] != '[')
				w--;
			if (is_abbrev((const char *)t + w, run - w))
				continue;
			/* "et al." */
			if (run - w == 2 && strncmp((const char *)t + w, "al", 2) == 0 && w >= 4 &&
			    strncasecmp((const char *)t + w - 3, "et ", 3) == 0)
				continue;
		}
		add_sentence(doc, sent, i, block);
		sent = i;
	}
	add_sentence(doc, sent, end, block);
}
