/* report.c - GCC-style diagnostics with an excerpt and an underline. */
#include "report.h"

#include <string.h>

#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_OFF "\033[0m"

/* ORDER: enum hl_severity */
static const char *const sev_color[] = {C_CYAN, C_MAGENTA, C_RED, ""};

#define WIDE_LINE 240   /* longer lines are shown as a window around the finding */
#define BEFORE 60       /* characters shown before the finding in such a window */

typedef hl_poscache poscache;

static void pos(poscache *pc, size_t off, size_t *line, size_t *col)
{
	hl_poscache_pos(pc, off, line, col);
}

/* Offset of the character n characters before off, not before lo. */
static size_t back_chars(const char *d, size_t lo, size_t off, size_t n)
{
	while (off > lo && n > 0) {
		off--;
		while (off > lo && ((unsigned char)d[off] & 0xc0) == 0x80)
			off--;
		n--;
	}
	return off;
}

static void add_num(hl_buf *b, size_t v)
{
	char d[24];
	size_t n = 0;

	do
		d[sizeof d - ++n] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	hl_buf_add(b, d + sizeof d - n, n);
}

/* The length of the run of printable ASCII (0x20-0x7e) at d, of at most n bytes. */
static size_t printable_run(const char *d, size_t n)
{
	size_t k = 0;

#if HL_SSE2
	if (hl_simd) {
		const __m128i lo = _mm_set1_epi8(0x1f), hi = _mm_set1_epi8(0x7f);
		for (; n - k >= 16; k += 16) {
			/* bytes from 0x80 are negative: neither above 0x1f nor below 0x7f */
			__m128i v = _mm_loadu_si128((const __m128i *)(d + k));
			unsigned ok = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi)));
			if (ok != 0xffff)
				return k + (size_t)__builtin_ctz(~ok);
		}
	}
#endif
	while (k < n && (unsigned char)d[k] >= 0x20 && (unsigned char)d[k] < 0x7f)
		k++;
	return k;
}

/* The length of the run of ASCII other than a tab at d, of at most n bytes: each of them
 * takes one column. */
static size_t one_column_run(const char *d, size_t n)
{
	size_t k = 0;

#if HL_SSE2
	if (hl_simd) {
		const __m128i tab = _mm_set1_epi8('\t');
		for (; n - k >= 16; k += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(d + k));
			unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, tab)));
			if (stop != 0)
				return k + (size_t)__builtin_ctz(stop);
		}
	}
#endif
	while (k < n && (unsigned char)d[k] < 0x80 && d[k] != '\t')
		k++;
	return k;
}

/* n spaces into b */
static void add_spaces(hl_buf *b, size_t n)
{
	hl_buf_grow(b, n);
	memset(b->s + b->len, ' ', n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* The excerpt is built in b and written with one call: character-by-character stdio takes
 * a lock per call once worker threads exist. */
static void excerpt(FILE *out, hl_buf *b, poscache *pc, size_t start, size_t end, const hl_report_opts *o)
{
	const hl_source *src = pc->src;
	size_t line, col, ls, le, i, n, w;
	const char *d = src->data;
	int cut_left = 0, cut_right = 0;

	pos(pc, start, &line, &col);
	hl_source_line(src, line, &ls, &le);
	if (le - ls > WIDE_LINE) { /* show a window of the line */
		size_t ws = back_chars(d, ls, start, BEFORE), we = start, c = 0;
		while (we < le && c < WIDE_LINE - BEFORE) {
			size_t l = hl_utf8_len((const unsigned char *)d + we, le - we);
			we += l ? l : 1;
			c++;
		}
		cut_left = ws > ls;
		cut_right = we < le;
		ls = ws;
		le = we;
	}
	b->len = 0;
	{ /* " %5zu | " without a printf per finding */
		size_t digits = 1, v;
		for (v = line; v >= 10; v /= 10)
			digits++;
		hl_buf_add(b, "      ", digits < 5 ? 6 - digits : 1);
		add_num(b, line);
		hl_buf_adds(b, cut_left ? " | ..." : " | ");
	}
	for (i = ls; i < le;) {
		unsigned char c = (unsigned char)d[i];
		size_t l;
		if (c >= 0x20 && c < 0x7f) { /* a run of printable ASCII */
			size_t j = i + printable_run(d + i, le - i);
			hl_buf_add(b, d + i, j - i);
			i = j;
			continue;
		}
		l = hl_utf8_len((const unsigned char *)d + i, le - i);
		if (l == 0) { /* an invalid byte: show U+FFFD, one column like its count */
			hl_buf_adds(b, "\xEF\xBF\xBD");
			i++;
		} else if (l == 1) {
			hl_buf_addc(b, (char)((c < 0x20 && c != '\t') || c == 0x7f ? ' ' : c));
			i++;
		} else {
			hl_buf_add(b, d + i, l);
			i += l;
		}
	}
	hl_buf_adds(b, cut_right ? "...\n       | " : "\n       | ");
	if (cut_left)
		hl_buf_adds(b, "   ");
	/* pad with the line's own tabs so that the caret lines up */
	for (i = ls; i < start && i < le;) {
		size_t e = start < le ? start : le, l = one_column_run(d + i, e - i);
		if (l > 0) {
			add_spaces(b, l);
			i += l;
			continue;
		}
		l = hl_utf8_len((const unsigned char *)d + i, le - i);
		hl_buf_addc(b, d[i] == '\t' ? '\t' : ' ');
		i += l ? l : 1;
	}
	if (end > le)
		end = le;
	n = end > start ? hl_utf8_count(d + start, end - start) : 1;
	if (o->color)
		hl_buf_adds(b, C_GREEN);
	hl_buf_addc(b, '^');
	for (w = 1; w < n; w++)
		hl_buf_addc(b, '~');
	if (o->color)
		hl_buf_adds(b, C_OFF);
	hl_buf_addc(b, '\n');
	fwrite(b->s, 1, b->len, out);
}

/* "FILE:LINE:COL: " into b */
static void location(hl_buf *b, const char *name, const hl_range *at, const hl_report_opts *o)
{
	if (o->color)
		hl_buf_adds(b, C_BOLD);
	hl_buf_adds(b, name);
	hl_buf_addc(b, ':');
	add_num(b, at->line);
	hl_buf_addc(b, ':');
	add_num(b, at->col);
	hl_buf_addc(b, ':');
	if (o->color)
		hl_buf_adds(b, C_OFF);
	hl_buf_addc(b, ' ');
}

/* The first line of a finding or note: location, kind in its colour, message, and a tail
 * such as " [rule]" (written with one call, as the excerpt is) */
static void headline(FILE *out, hl_buf *b, const char *name, const hl_range *at, const char *color,
		     const char *kind, const char *message, const char *rule, const hl_report_opts *o)
{
	b->len = 0;
	location(b, name, at, o);
	if (o->color)
		hl_buf_adds(b, color);
	hl_buf_adds(b, kind);
	hl_buf_addc(b, ':');
	if (o->color)
		hl_buf_adds(b, C_OFF);
	hl_buf_addc(b, ' ');
	hl_buf_adds(b, message);
	if (rule != NULL) {
		hl_buf_adds(b, " [");
		hl_buf_adds(b, rule);
		hl_buf_addc(b, ']');
	}
	hl_buf_addc(b, '\n');
	fwrite(b->s, 1, b->len, out);
}

void hl_report_gcc(FILE *out, const hl_source *src, const hl_results *r, const hl_report_opts *o)
{
	size_t i, j;
	poscache pc = {src, 0, 0, 0};
	hl_buf b = HL_BUF_INIT;

	for (i = 0; i < r->n; i++) {
		const hl_result *x = &r->v[i];
		headline(out, &b, src->name, &x->at, sev_color[x->severity], hl_severity_name(x->severity),
			 x->message, x->rule_id, o);
		if (o->excerpt)
			excerpt(out, &b, &pc, x->start, x->end, o);
		for (j = 0; j < x->nnotes; j++) {
			headline(out, &b, src->name, &x->notes[j].at, C_CYAN, "note", x->notes[j].message, NULL, o);
			if (o->excerpt)
				excerpt(out, &b, &pc, x->notes[j].start, x->notes[j].end, o);
		}
	}
	hl_buf_release(&b);
}
