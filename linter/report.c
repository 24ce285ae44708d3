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

static void excerpt(FILE *out, const hl_source *src, size_t start, size_t end, const hl_report_opts *o)
{
	size_t line, col, ls, le, i, n, w;
	const char *d = src->data;

	hl_source_pos(src, start, &line, &col);
	hl_source_line(src, line, &ls, &le);
	fprintf(out, " %5zu | ", line);
	for (i = ls; i < le;) {
		unsigned char c = (unsigned char)d[i];
		size_t l = hl_utf8_len((const unsigned char *)d + i, le - i);
		if (l == 0) { /* an invalid byte: show U+FFFD, one column like its count */
			fputs("\xEF\xBF\xBD", out);
			i++;
		} else if (l == 1) {
			fputc((c < 0x20 && c != '\t') || c == 0x7f ? ' ' : c, out);
			i++;
		} else {
			fwrite(d + i, 1, l, out);
			i += l;
		}
	}
	fputs("\n       | ", out);
	/* pad with the line's own tabs so that the caret lines up */
	for (i = ls; i < start && i < le;) {
		size_t l = hl_utf8_len((const unsigned char *)d + i, le - i);
		fputc(d[i] == '\t' ? '\t' : ' ', out);
		i += l ? l : 1;
	}
	if (end > le)
		end = le;
	n = end > start ? hl_utf8_count(d + start, end - start) : 1;
	if (o->color)
		fputs(C_GREEN, out);
	fputc('^', out);
	for (w = 1; w < n; w++)
		fputc('~', out);
	if (o->color)
		fputs(C_OFF, out);
	fputc('\n', out);
}

static void location(FILE *out, const hl_source *src, size_t off, const hl_report_opts *o)
{
	size_t line, col;

	hl_source_pos(src, off, &line, &col);
	fprintf(out, "%s%s:%zu:%zu:%s ", o->color ? C_BOLD : "", src->name, line, col, o->color ? C_OFF : "");
}

void hl_report_gcc(FILE *out, const hl_source *src, const hl_findings *f, const hl_report_opts *o)
{
	size_t i, j;

	for (i = 0; i < f->n; i++) {
		const hl_finding *x = &f->v[i];
		location(out, src, x->start, o);
		fprintf(out, "%s%s:%s %s [%s]\n", o->color ? sev_color[x->severity] : "",
			hl_severity_name(x->severity), o->color ? C_OFF : "", x->message, x->rule_id);
		if (o->excerpt)
			excerpt(out, src, x->start, x->end, o);
		for (j = 0; j < x->nnotes; j++) {
			location(out, src, x->notes[j].start, o);
			fprintf(out, "%snote:%s %s\n", o->color ? C_CYAN : "", o->color ? C_OFF : "",
				x->notes[j].message);
			if (o->excerpt)
				excerpt(out, src, x->notes[j].start, x->notes[j].end, o);
		}
	}
}
