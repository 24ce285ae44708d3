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
	hl_buf_addf(b, " %5zu | %s", line, cut_left ? "..." : "");
	for (i = ls; i < le;) {
		unsigned char c = (unsigned char)d[i];
		size_t l;
		if (c >= 0x20 && c < 0x7f) { /* a run of printable ASCII */
			size_t j = i + 1;
			while (j < le && (unsigned char)d[j] >= 0x20 && (unsigned char)d[j] < 0x7f)
				j++;
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
	hl_buf_addf(b, "%s\n       | %s", cut_right ? "..." : "", cut_left ? "   " : "");
	/* pad with the line's own tabs so that the caret lines up */
	for (i = ls; i < start && i < le;) {
		size_t l = hl_utf8_len((const unsigned char *)d + i, le - i);
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

static void location(FILE *out, poscache *pc, size_t off, const hl_report_opts *o)
{
	size_t line, col;

	pos(pc, off, &line, &col);
	fprintf(out, "%s%s:%zu:%zu:%s ", o->color ? C_BOLD : "", pc->src->name, line, col, o->color ? C_OFF : "");
}

void hl_report_gcc(FILE *out, const hl_source *src, const hl_results *r, const hl_report_opts *o)
{
	size_t i, j;
	poscache pc = {src, 0, 0, 0};
	hl_buf b = HL_BUF_INIT;

	for (i = 0; i < r->n; i++) {
		const hl_result *x = &r->v[i];
		location(out, &pc, x->start, o);
		fprintf(out, "%s%s:%s %s [%s]\n", o->color ? sev_color[x->severity] : "",
			hl_severity_name(x->severity), o->color ? C_OFF : "", x->message, x->rule_id);
		if (o->excerpt)
			excerpt(out, &b, &pc, x->start, x->end, o);
		for (j = 0; j < x->nnotes; j++) {
			location(out, &pc, x->notes[j].start, o);
			fprintf(out, "%snote:%s %s\n", o->color ? C_CYAN : "", o->color ? C_OFF : "",
				x->notes[j].message);
			if (o->excerpt)
				excerpt(out, &b, &pc, x->notes[j].start, x->notes[j].end, o);
		}
	}
	hl_buf_release(&b);
}
