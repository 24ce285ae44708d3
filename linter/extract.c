/* extract.c - choosing an extractor, and the plain-text extractor. */
#include "extract.h"

#include <string.h>
#include <strings.h>

/* ORDER: enum hl_format */
static const char *const format_names[] = {"auto", "text", "html", "markdown", NULL};

int hl_format_parse(const char *s)
{
	int i;

	for (i = 0; format_names[i] != NULL; i++)
		if (!strcmp(s, format_names[i]))
			return i;
	if (!strcmp(s, "md"))
		return HL_FMT_MARKDOWN;
	if (!strcmp(s, "txt") || !strcmp(s, "plain"))
		return HL_FMT_TEXT;
	return -1;
}

static const struct {
	const char *ext;
	enum hl_format fmt;
} exts[] = {
	{".txt", HL_FMT_TEXT},     {".text", HL_FMT_TEXT},     {".md", HL_FMT_MARKDOWN},
	{".markdown", HL_FMT_MARKDOWN}, {".html", HL_FMT_HTML}, {".htm", HL_FMT_HTML},
	{".xhtml", HL_FMT_HTML},
};

static int ext_index(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	size_t i;

	if (dot == NULL || (slash != NULL && dot < slash))
		return -1;
	for (i = 0; i < sizeof exts / sizeof exts[0]; i++)
		if (!strcasecmp(dot, exts[i].ext))
			return (int)i;
	return -1;
}

enum hl_format hl_format_of_path(const char *path)
{
	int i = ext_index(path);
	return i < 0 ? HL_FMT_TEXT : exts[i].fmt;
}

int hl_format_is_lintable(const char *path)
{
	return ext_index(path) >= 0;
}

void hl_extract(hl_doc *doc, enum hl_format fmt)
{
	switch (fmt) {
	case HL_FMT_HTML:
		hl_extract_html(doc);
		break;
	case HL_FMT_MARKDOWN:
		hl_extract_markdown(doc);
		break;
	default:
		hl_extract_text(doc);
		break;
	}
	hl_doc_finish(doc);
}

/* Length of a list marker ("- ", "* ", "• ", "1. ", "2) ") at s, or 0. */
static size_t bullet_len(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t'))
		return 2;
	if (n >= 4 && !memcmp(s, "\xE2\x80\xA2", 3) && (s[3] == ' ' || s[3] == '\t'))
		return 4; /* • */
	while (i < n && i < 3 && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && (s[i + 1] == ' ' || s[i + 1] == '\t'))
		return i + 2;
	return 0;
}

/* A "# hypelint-..." or "// hypelint-..." line: record it and return 1. */
static int directive_line(hl_doc *doc, const char *s, size_t n, size_t off, size_t line)
{
	hl_supp supp;
	size_t skip;

	if (n >= 1 && s[0] == '#')
		skip = 1;
	else if (n >= 2 && s[0] == '/' && s[1] == '/')
		skip = 2;
	else
		return 0;
	if (!hl_supp_parse(s + skip, n - skip, off + skip, &supp))
		return 0;
	supp.line = line;
	hl_doc_add_supp(doc, &supp);
	return 1;
}

void hl_extract_text(hl_doc *doc)
{
	const hl_source *src = doc->src;
	size_t ln;

	for (ln = 1; ln <= src->nlines; ln++) {
		size_t ls, le, cs, b;
		const char *d = src->data;

		hl_source_line(src, ln, &ls, &le);
		cs = ls;
		while (cs < le && (d[cs] == ' ' || d[cs] == '\t'))
			cs++;
		if (cs == le) {
			hl_doc_block_end(doc);
			continue;
		}
		if (directive_line(doc, d + cs, le - cs, cs, ln))
			continue;
		if ((b = bullet_len(d + cs, le - cs)) > 0) {
			hl_doc_block_begin(doc, HL_BLOCK_ITEM);
			cs += b;
		} else if (!doc->in_block)
			hl_doc_block_begin(doc, HL_BLOCK_PARA);
		else
			hl_doc_space(doc, ls > 0 ? ls - 1 : 0);
		hl_doc_text(doc, d + cs, le - cs, cs);
	}
}
