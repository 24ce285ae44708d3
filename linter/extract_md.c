/* extract_md.c - the prose of a Markdown post via md4c (CommonMark with GitHub tables and autolinks). */
#include <md4c.h>
#include <string.h>

#include "extract.h"
#include "html.h"

typedef struct mx {
	hl_doc *doc;
	const char *base;     /* the source bytes */
	size_t len;
	size_t last;          /* source offset just after the last text seen */
	int skip;             /* inside code or an image: nothing is prose */
	int in_html;          /* inside a raw HTML block */
	size_t html_start, html_end;
} mx;

/* Offset of p in the source, or the last known offset when md4c gave us a copy. */
static size_t off(mx *M, const char *p)
{
	if (p >= M->base && p <= M->base + M->len)
		return (size_t)(p - M->base);
	return M->last;
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	mx *M = ud;

	(void)detail;
	switch (type) {
	case MD_BLOCK_CODE:
		M->skip++;
		break;
	case MD_BLOCK_HTML:
		M->in_html = 1;
		M->html_start = M->html_end = (size_t)-1;
		break;
	case MD_BLOCK_P:
		hl_doc_block_begin(M->doc, HL_BLOCK_PARA);
		break;
	case MD_BLOCK_H:
		hl_doc_block_begin(M->doc, HL_BLOCK_HEADING);
		break;
	case MD_BLOCK_LI:
		hl_doc_block_begin(M->doc, HL_BLOCK_ITEM);
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		hl_doc_block_begin(M->doc, HL_BLOCK_CELL);
		break;
	default:
		hl_doc_block_end(M->doc);
		break;
	}
	return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	mx *M = ud;

	(void)detail;
	switch (type) {
	case MD_BLOCK_CODE:
		M->skip--;
		break;
	case MD_BLOCK_HTML:
		M->in_html = 0;
		if (M->html_start != (size_t)-1)
			hl_html_region(M->doc, M->html_start, M->html_end);
		break;
	default:
		hl_doc_block_end(M->doc);
		break;
	}
	return 0;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
	mx *M = ud;

	switch (type) {
	case MD_SPAN_CODE:
	case MD_SPAN_IMG:
	case MD_SPAN_LATEXMATH:
	case MD_SPAN_LATEXMATH_DISPLAY:
		M->skip++;
		break;
	case MD_SPAN_A:
		if (!M->skip) {
			const MD_SPAN_A_DETAIL *a = detail;
			hl_doc_link_begin(M->doc, a->href.text ? a->href.text : "", a->href.text ? a->href.size : 0);
		}
		break;
	default:
		break;
	}
	return 0;
}

static int leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
	mx *M = ud;

	(void)detail;
	switch (type) {
	case MD_SPAN_CODE:
	case MD_SPAN_IMG:
	case MD_SPAN_LATEXMATH:
	case MD_SPAN_LATEXMATH_DISPLAY:
		M->skip--;
		break;
	case MD_SPAN_A:
		if (!M->skip)
			hl_doc_link_end(M->doc);
		break;
	default:
		break;
	}
	return 0;
}

/* An inline HTML comment may be a suppression directive. */
static void inline_html(mx *M, const char *s, size_t n, size_t o)
{
	hl_supp supp;

	if (n >= 7 && !memcmp(s, "<!--", 4) && !memcmp(s + n - 3, "-->", 3) &&
	    hl_supp_parse(s + 4, n - 7, o + 4, &supp)) {
		supp.line = hl_source_line_of(M->doc->src, o + n - 1);
		hl_doc_add_supp(M->doc, &supp);
	}
}

static int text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *ud)
{
	mx *M = ud;
	size_t o = off(M, s);
	char buf[8];
	size_t bl, q;

	if (M->in_html) {
		if (s < M->base || s + n > M->base + M->len)
			return 0; /* not source text: md4c made it */
		if (M->html_start == (size_t)-1)
			M->html_start = o;
		if (o + n > M->html_end || M->html_end == (size_t)-1)
			M->html_end = o + n;
		M->last = o + n;
		return 0;
	}
	if (type == MD_TEXT_HTML) {
		inline_html(M, s, n, o);
		M->last = o + n;
		return 0;
	}
	if (M->skip) {
		if (o + n > M->last && o + n <= M->len)
			M->last = o + n;
		return 0;
	}
	switch (type) {
	case MD_TEXT_NORMAL:
		if (s >= M->base && s + n <= M->base + M->len)
			hl_doc_text(M->doc, s, n, o);
		else
			hl_doc_synth(M->doc, s, n, M->last, M->last + 1);
		M->last = o + n;
		break;
	case MD_TEXT_ENTITY:
		if ((q = hl_html_entity(s, n, buf, &bl)) > 0)
			hl_doc_synth(M->doc, buf, bl, o, o + n);
		else
			hl_doc_text(M->doc, s, n, o);
		M->last = o + n;
		break;
	case MD_TEXT_NULLCHAR:
		hl_doc_synth(M->doc, "\xEF\xBF\xBD", 3, o, o + 1);
		break;
	case MD_TEXT_BR:
	case MD_TEXT_SOFTBR:
		hl_doc_space(M->doc, M->last);
		break;
	default:
		break;
	}
	return 0;
}

/* Length of YAML (---) or TOML (+++) front matter at the start of s, or 0. */
static size_t front_matter(const char *s, size_t n)
{
	const char *fence;
	size_t i;

	if (n >= 4 && (!memcmp(s, "---\n", 4) || !memcmp(s, "---\r\n", 5)))
		fence = "---";
	else if (n >= 4 && (!memcmp(s, "+++\n", 4) || !memcmp(s, "+++\r\n", 5)))
		fence = "+++";
	else
		return 0;
	i = (size_t)((const char *)memchr(s, '\n', n) - s) + 1;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t le = nl ? (size_t)(nl - s) : n, e = le;
		if (e > i && s[e - 1] == '\r')
			e--;
		if ((e - i == 3 && !memcmp(s + i, fence, 3)) ||
		    (fence[0] == '-' && e - i == 3 && !memcmp(s + i, "...", 3)))
			return nl ? le + 1 : n;
		i = le + 1;
	}
	return 0; /* no closing fence: not front matter */
}

void hl_extract_markdown(hl_doc *doc)
{
	const hl_source *src = doc->src;
	MD_PARSER parser;
	mx M;
	size_t start = src->bom;

	memset(&parser, 0, sizeof parser);
	parser.flags = MD_DIALECT_GITHUB;
	parser.enter_block = enter_block;
	parser.leave_block = leave_block;
	parser.enter_span = enter_span;
	parser.leave_span = leave_span;
	parser.text = text;
	memset(&M, 0, sizeof M);
	M.doc = doc;
	M.base = src->data;
	M.len = src->len;
	start += front_matter(src->data + start, src->len - start);
	M.last = start;
	md_parse(src->data + start, (MD_SIZE)(src->len - start), &parser, &M);
}
