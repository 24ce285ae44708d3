/* extract_html.c - the prose of an HTML page via libxml2, aligned back to the source bytes. */
#include <ctype.h>
#include <dlfcn.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "datadir.h" /* HL_LIBXML2_SO, written by the Makefile */
#include "extract.h"
#include "html.h"

/*
 * libxml2's HTML parser reports elements and text with entities decoded but no
 * source offsets. We take its SAX events (no tree is built: a page costs no
 * memory beyond its prose) in document order and move a cursor through the
 * source beside them: each piece of text is matched against the source,
 * skipping tags and comments and decoding entities, so that every prose byte
 * gets its exact offset. Where the two disagree (libxml2 repaired broken
 * markup), the rest of that text maps to the cursor: positions stay close,
 * nothing is lost.
 */

typedef struct hx {
	hl_doc *doc;
	const char *d;
	size_t cur, end;
	int skip;         /* inside code, pre, ...: align but do not emit */
	int raw;          /* 1 + elements open inside a raw-text element (script, ...), or 0 */
} hx;

enum cat { CAT_INLINE, CAT_BLOCK, CAT_SKIP, CAT_RAW, CAT_LINK, CAT_BREAK };

static const struct {
	const char *name;
	enum cat cat;
	enum hl_block_kind kind;
} elements[] = {
	{"script", CAT_RAW, 0}, {"style", CAT_RAW, 0}, {"xmp", CAT_RAW, 0},
	{"iframe", CAT_RAW, 0}, {"noembed", CAT_RAW, 0}, {"noframes", CAT_RAW, 0},
	{"textarea", CAT_RAW, 0}, {"plaintext", CAT_RAW, 0},
	{"noscript", CAT_SKIP, 0}, {"template", CAT_SKIP, 0}, {"code", CAT_SKIP, 0},
	{"pre", CAT_SKIP, 0}, {"kbd", CAT_SKIP, 0}, {"samp", CAT_SKIP, 0},
	{"svg", CAT_SKIP, 0}, {"math", CAT_SKIP, 0}, {"select", CAT_SKIP, 0},
	{"button", CAT_SKIP, 0}, {"object", CAT_SKIP, 0},
	{"a", CAT_LINK, 0}, {"br", CAT_BREAK, 0}, {"hr", CAT_BREAK, 0},
	{"title", CAT_BLOCK, HL_BLOCK_TITLE},
	{"h1", CAT_BLOCK, HL_BLOCK_HEADING}, {"h2", CAT_BLOCK, HL_BLOCK_HEADING},
	{"h3", CAT_BLOCK, HL_BLOCK_HEADING}, {"h4", CAT_BLOCK, HL_BLOCK_HEADING},
	{"h5", CAT_BLOCK, HL_BLOCK_HEADING}, {"h6", CAT_BLOCK, HL_BLOCK_HEADING},
	{"li", CAT_BLOCK, HL_BLOCK_ITEM}, {"dt", CAT_BLOCK, HL_BLOCK_ITEM},
	{"dd", CAT_BLOCK, HL_BLOCK_ITEM}, {"td", CAT_BLOCK, HL_BLOCK_CELL},
	{"th", CAT_BLOCK, HL_BLOCK_CELL}, {"caption", CAT_BLOCK, HL_BLOCK_CELL},
	{"blockquote", CAT_BLOCK, HL_BLOCK_QUOTE}, {"figcaption", CAT_BLOCK, HL_BLOCK_PARA},
	{"p", CAT_BLOCK, HL_BLOCK_PARA}, {"div", CAT_BLOCK, HL_BLOCK_PARA},
	{"section", CAT_BLOCK, HL_BLOCK_PARA}, {"article", CAT_BLOCK, HL_BLOCK_PARA},
	{"header", CAT_BLOCK, HL_BLOCK_PARA}, {"footer", CAT_BLOCK, HL_BLOCK_PARA},
	{"main", CAT_BLOCK, HL_BLOCK_PARA}, {"nav", CAT_BLOCK, HL_BLOCK_PARA},
	{"aside", CAT_BLOCK, HL_BLOCK_PARA}, {"ul", CAT_BLOCK, HL_BLOCK_PARA},
	{"ol", CAT_BLOCK, HL_BLOCK_PARA}, {"dl", CAT_BLOCK, HL_BLOCK_PARA},
	{"table", CAT_BLOCK, HL_BLOCK_PARA}, {"tr", CAT_BLOCK, HL_BLOCK_PARA},
	{"thead", CAT_BLOCK, HL_BLOCK_PARA}, {"tbody", CAT_BLOCK, HL_BLOCK_PARA},
	{"tfoot", CAT_BLOCK, HL_BLOCK_PARA}, {"figure", CAT_BLOCK, HL_BLOCK_PARA},
	{"address", CAT_BLOCK, HL_BLOCK_PARA}, {"details", CAT_BLOCK, HL_BLOCK_PARA},
	{"summary", CAT_BLOCK, HL_BLOCK_PARA}, {"fieldset", CAT_BLOCK, HL_BLOCK_PARA},
	{"legend", CAT_BLOCK, HL_BLOCK_PARA}, {"form", CAT_BLOCK, HL_BLOCK_PARA},
	{"body", CAT_BLOCK, HL_BLOCK_PARA}, {"head", CAT_BLOCK, HL_BLOCK_PARA},
	{"center", CAT_BLOCK, HL_BLOCK_PARA}, {"menu", CAT_BLOCK, HL_BLOCK_PARA},
};

#define NELEM (sizeof elements / sizeof elements[0])
#define NAME_MAX_LEN 15

/* elements by first letter and length: 1 + the index of the first, each chained to the
 * next of its kind (built once) */
static unsigned char by_shape[26][NAME_MAX_LEN + 1], chain[NELEM];
static pthread_once_t shapes_once = PTHREAD_ONCE_INIT;

static void index_shapes(void)
{
	size_t i = NELEM;

	while (i-- > 0) { /* from the end, so that each chain keeps the table's order */
		const char *n = elements[i].name;
		unsigned char *head = &by_shape[n[0] - 'a'][strlen(n)];
		chain[i] = *head;
		*head = (unsigned char)(i + 1);
	}
}

static int category(const char *name, enum hl_block_kind *kind)
{
	size_t len = 0, i;

	pthread_once(&shapes_once, index_shapes);
	while (len <= NAME_MAX_LEN && name[len])
		len++;
	if (len > NAME_MAX_LEN || (unsigned)(name[0] - 'a') >= 26)
		return CAT_INLINE;
	for (i = by_shape[name[0] - 'a'][len]; i != 0; i = chain[i - 1])
		if (!memcmp(name, elements[i - 1].name, len)) {
			*kind = elements[i - 1].kind;
			return elements[i - 1].cat;
		}
	return CAT_INLINE;
}

static size_t put_utf8(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * libxml2 is opened the first time HTML is read, not linked: with ICU and libstdc++, which
 * it brings, it costs a process about 0.9 ms to load, and a run over text or Markdown
 * with no HTML in it does not need it. Its functions are called through this table, each
 * typed from libxml2's own header.
 */
static struct {
	__typeof__(&xmlInitParser) init;
	__typeof__(&htmlEntityLookup) entity_lookup;
	__typeof__(&htmlNewParserCtxt) new_ctxt;
	__typeof__(&xmlParserInputBufferCreateStatic) buffer_static;
	__typeof__(&xmlFreeParserInputBuffer) free_buffer;
	__typeof__(&xmlNewIOInputStream) new_stream;
	__typeof__(&inputPush) push_input;
	__typeof__(&htmlCtxtUseOptions) use_options;
	__typeof__(&xmlFindCharEncodingHandler) find_encoding;
	__typeof__(&xmlSwitchToEncoding) switch_encoding;
	__typeof__(&xmlSetStructuredErrorFunc) set_error_func;
	__typeof__(&htmlParseDocument) parse;
	__typeof__(&xmlFreeDoc) free_doc;
	__typeof__(&htmlFreeParserCtxt) free_ctxt;
	__typeof__(&xmlMemGet) mem_get;
	xmlFreeFunc free;
	xmlStrdupFunc strdup;
} X2;
static pthread_once_t x2_once = PTHREAD_ONCE_INIT;

/* Set field f of X2 to symbol name of h; 0 when h has no such symbol. */
#define X2_SYM(h, f, name) (x2_sym((h), (name), &X2.f, sizeof X2.f))
_Static_assert(sizeof(void (*)(void)) == sizeof(void *), "a function pointer fits in a void *");
static int x2_sym(void *h, const char *name, void *to, size_t size)
{
	void *p = dlsym(h, name);

	memcpy(to, &p, size); /* a function pointer from dlsym's void *, as POSIX allows */
	return p != NULL;
}

static void x2_open(void)
{
	void *h = dlopen(HL_LIBXML2_SO, RTLD_NOW | RTLD_LOCAL);
	xmlMallocFunc m;
	xmlReallocFunc re;

	if (h == NULL || !X2_SYM(h, init, "xmlInitParser") || !X2_SYM(h, entity_lookup, "htmlEntityLookup") ||
	    !X2_SYM(h, new_ctxt, "htmlNewParserCtxt") ||
	    !X2_SYM(h, buffer_static, "xmlParserInputBufferCreateStatic") ||
	    !X2_SYM(h, free_buffer, "xmlFreeParserInputBuffer") || !X2_SYM(h, new_stream, "xmlNewIOInputStream") ||
	    !X2_SYM(h, push_input, "inputPush") || !X2_SYM(h, use_options, "htmlCtxtUseOptions") ||
	    !X2_SYM(h, find_encoding, "xmlFindCharEncodingHandler") ||
	    !X2_SYM(h, switch_encoding, "xmlSwitchToEncoding") ||
	    !X2_SYM(h, set_error_func, "xmlSetStructuredErrorFunc") || !X2_SYM(h, parse, "htmlParseDocument") ||
	    !X2_SYM(h, free_doc, "xmlFreeDoc") || !X2_SYM(h, free_ctxt, "htmlFreeParserCtxt") ||
	    !X2_SYM(h, mem_get, "xmlMemGet")) {
		const char *why = dlerror();
		fprintf(stderr, "hypelint: error: cannot load libxml2 (%s), which reading HTML needs: %s\n",
			HL_LIBXML2_SO, why ? why : "a function is missing");
		exit(2);
	}
	X2.init();
	/* the parser's strings are libxml2's to free: with its own allocator */
	if (X2.mem_get(&X2.free, &m, &re, &X2.strdup) != 0 || X2.free == NULL || X2.strdup == NULL) {
		fprintf(stderr, "hypelint: error: libxml2 (%s) does not say how it allocates\n", HL_LIBXML2_SO);
		exit(2);
	}
}

/* libxml2, opened and initialised once for all threads (x2_open). */
static void x2_ready(void)
{
	pthread_once(&x2_once, x2_open);
}

/*
 * libxml2's htmlEntityLookup compares a name with each of its 253 in turn, about 2,300
 * instructions for "&rsquo;". Each thread keeps the names it has looked up: the code
 * point, or 0 for a name that is no entity. Once the table is three-quarters full, further
 * names are looked up every time.
 */
#define MEMO_SLOTS 256
typedef struct entity_memo {
	char name[33];
	unsigned long cp;
} entity_memo;
static _Thread_local entity_memo memo[MEMO_SLOTS];
static _Thread_local size_t nmemo;

static unsigned long entity_value(const char *name, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i, k;
	const htmlEntityDesc *e;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	for (k = h & (MEMO_SLOTS - 1); memo[k].name[0] != '\0'; k = (k + 1) & (MEMO_SLOTS - 1))
		if (!strcmp(memo[k].name, name))
			return memo[k].cp;
	x2_ready();
	e = X2.entity_lookup((const xmlChar *)name);
	if (nmemo < MEMO_SLOTS * 3 / 4) {
		memcpy(memo[k].name, name, len + 1);
		memo[k].cp = e != NULL ? e->value : 0;
		nmemo++;
	}
	return e != NULL ? e->value : 0;
}

size_t hl_html_entity(const char *s, size_t n, char out[8], size_t *outlen)
{
	size_t i = 1;
	unsigned long cp = 0;

	if (n < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		int hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
		size_t digits = 0;
		i = hex ? 3 : 2;
		while (i < n && digits < 8 && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) {
			cp = cp * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)s[i]) ? s[i] - '0'
							     : (tolower((unsigned char)s[i]) - 'a' + 10));
			i++;
			digits++;
		}
		if (digits == 0 || cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		if (i < n && s[i] == ';')
			i++;
	} else {
		char name[33];
		while (i < n && i < 33 && isalnum((unsigned char)s[i]))
			i++;
		if (i == 1 || i >= n || s[i] != ';')
			return 0;
		memcpy(name, s + 1, i - 1);
		name[i - 1] = '\0';
		if ((cp = entity_value(name, i - 1)) == 0)
			return 0;
		i++;
	}
	*outlen = put_utf8(cp, out);
	return i;
}

/* End of the tag, comment or declaration at d[p] == '<', or p when it is a stray '<'. */
static size_t markup_end(const char *d, size_t p, size_t end)
{
	size_t q;
	char quote = 0;

	if (end - p >= 4 && !memcmp(d + p, "<!--", 4)) {
		for (q = p + 4; q + 2 < end; q++)
			if (!memcmp(d + q, "-->", 3))
				return q + 3;
		return end;
	}
	if (p + 1 >= end)
		return p;
	if (d[p + 1] == '!' || d[p + 1] == '?') {
		const char *gt = memchr(d + p, '>', end - p);
		return gt ? (size_t)(gt - d) + 1 : end;
	}
	if (d[p + 1] != '/' && !isalpha((unsigned char)d[p + 1]))
		return p;
	for (q = p + 1; q < end; q++) {
		if (quote) {
			if (d[q] == quote)
				quote = 0;
		} else if (d[q] == '"' || d[q] == '\'') {
			if (q > 0 && d[q - 1] == '=')
				quote = d[q];
		} else if (d[q] == '>')
			return q + 1;
	}
	return end;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void emit(hx *X, size_t p, size_t n)
{
	if (!X->skip)
		hl_doc_text(X->doc, X->d + p, n, p);
}

/* How many bytes from the start of a and b (of n) are equal and none of < & or CR. */
static size_t same_run(const char *a, const char *b, size_t n)
{
	size_t k = 0;

#if HL_SSE2
	if (hl_simd) {
		const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'), cr = _mm_set1_epi8('\r');
		for (; n - k >= 16; k += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(a + k)), y = _mm_loadu_si128((const __m128i *)(b + k));
			__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, lt), _mm_cmpeq_epi8(x, amp)),
						    _mm_cmpeq_epi8(x, cr));
			unsigned ok = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(stop, _mm_cmpeq_epi8(x, y)));
			if (ok != 0xffff)
				return k + (size_t)__builtin_ctz(~ok);
		}
	}
#endif
	while (k < n && a[k] == b[k] && a[k] != '<' && a[k] != '&' && a[k] != '\r')
		k++;
	return k;
}

/* Match text node T against the source from the cursor, emitting it with exact offsets. */
static void align(hx *X, const char *T, size_t tn, int raw)
{
	const char *d = X->d;
	size_t i = 0, p = X->cur, end = X->end;

	while (i < tn) {
		unsigned char s, t = (unsigned char)T[i];
		char buf[8];
		size_t bl, q, k;

		if (p >= end)
			break;
		s = (unsigned char)d[p];
		if (s == t && s != '<' && s != '&' && s != '\r') {
			k = same_run(d + p, T + i, end - p < tn - i ? end - p : tn - i);
			emit(X, p, k);
			i += k;
			p += k;
			continue;
		}
		if (s == '<' && !raw && (q = markup_end(d, p, end)) > p) {
			p = q;
			continue;
		}
		if (s == '&' && (q = hl_html_entity(d + p, end - p, buf, &bl)) > 0 && bl <= tn - i &&
		    !memcmp(buf, T + i, bl)) {
			if (!X->skip)
				hl_doc_synth(X->doc, buf, bl, p, p + q);
			i += bl;
			p += q;
			continue;
		}
		if (s == t) { /* a literal '<' or '&' */
			emit(X, p, 1);
			i++;
			p++;
			continue;
		}
		/* white space libxml2 dropped or folded, or a control character it drops as
		 * invalid (a vertical tab pasted from a word processor, say): it parts words */
		if (is_space(s) || s < 0x20) {
			if (!X->skip)
				hl_doc_space(X->doc, p);
			p++;
			continue;
		}
		if (is_space(t)) {
			i++;
			continue;
		}
		break; /* the tree and the source disagree */
	}
	if (i < tn && !X->skip) {
		size_t at = p < end ? p : (end > 0 ? end - 1 : 0);
		hl_doc_synth(X->doc, T + i, tn - i, at, at + 1);
	}
	X->cur = p;
}

/* Move the cursor past the end tag of a raw-text element such as <script>. */
static void skip_raw(hx *X, const char *name)
{
	size_t n = strlen(name), p;

	for (p = X->cur; p + n + 2 <= X->end; p++)
		if (X->d[p] == '<' && X->d[p + 1] == '/' && !strncasecmp(X->d + p + 2, name, n)) {
			size_t q = markup_end(X->d, p, X->end);
			X->cur = q > p ? q : p + 2 + n;
			return;
		}
	X->cur = X->end;
}

/* Move the cursor past the start tag <name ...> when it is next in the source. */
static void skip_start_tag(hx *X, const char *name)
{
	size_t p = X->cur, n = strlen(name);

	while (p < X->end) {
		size_t q;
		if (is_space((unsigned char)X->d[p])) {
			p++;
			continue;
		}
		if (X->d[p] != '<' || (q = markup_end(X->d, p, X->end)) == p)
			return;
		if (!strncasecmp(X->d + p + 1, name, n)) {
			X->cur = q;
			return;
		}
		p = q;
	}
}

/* Find attribute `name` in the tag source [ts, te): its value's range, without quotes. */
static int attr_range(const char *d, size_t ts, size_t te, const char *name, size_t *vs, size_t *ve)
{
	size_t p = ts + 1, n = strlen(name);

	while (p < te && !is_space((unsigned char)d[p]) && d[p] != '>')
		p++; /* the tag name */
	while (p < te) {
		size_t ns, ne;
		while (p < te && (is_space((unsigned char)d[p]) || d[p] == '/'))
			p++;
		ns = p;
		while (p < te && !is_space((unsigned char)d[p]) && d[p] != '=' && d[p] != '>')
			p++;
		ne = p;
		while (p < te && is_space((unsigned char)d[p]))
			p++;
		if (p >= te || d[p] != '=') {
			if (ne == ns)
				return 0;
			continue; /* an attribute without a value */
		}
		p++;
		while (p < te && is_space((unsigned char)d[p]))
			p++;
		if (p < te && (d[p] == '"' || d[p] == '\'')) {
			char q = d[p++];
			*vs = p;
			while (p < te && d[p] != q)
				p++;
			*ve = p;
			if (p < te)
				p++;
		} else {
			*vs = p;
			while (p < te && !is_space((unsigned char)d[p]) && d[p] != '>')
				p++;
			*ve = p;
		}
		if (ne - ns == n && !strncasecmp(d + ns, name, n))
			return 1;
	}
	return 0;
}

/* The value of attribute name among a start tag's attributes (name, value, ..., NULL), ""
 * for one without a value, or NULL. */
static const char *attr(const xmlChar **atts, const char *name)
{
	size_t i;

	for (i = 0; atts != NULL && atts[i] != NULL; i += 2)
		if (!strcmp((const char *)atts[i], name))
			return atts[i + 1] != NULL ? (const char *)atts[i + 1] : "";
	return NULL;
}

/* Read attribute `attr` of element name as a block of prose, aligned to its value in the source. */
static void attr_prose(hx *X, const char *name, const xmlChar **atts, const char *at, const char *must_name)
{
	const char *val = attr(atts, at);
	size_t p = X->cur, tl = strlen(name);

	if (val == NULL)
		return;
	if (must_name != NULL) { /* only <meta name="description">, not og:description and the like */
		const char *nm = attr(atts, "name");
		if (nm == NULL || strcasecmp(nm, must_name) != 0)
			return;
	}
	while (p < X->end) {
		const char *lt = memchr(X->d + p, '<', X->end - p);
		size_t ts, te, vs, ve, ns, ne;
		if (lt == NULL)
			break;
		ts = (size_t)(lt - X->d);
		te = markup_end(X->d, ts, X->end);
		if (te == ts) {
			p = ts + 1;
			continue;
		}
		if (!strncasecmp(X->d + ts + 1, name, tl) && !isalnum((unsigned char)X->d[ts + 1 + tl]) &&
		    (must_name == NULL || (attr_range(X->d, ts, te, "name", &ns, &ne) && ne - ns == strlen(must_name) &&
					   !strncasecmp(X->d + ns, must_name, ne - ns))) &&
		    attr_range(X->d, ts, te, at, &vs, &ve)) {
			size_t save = X->end;
			hl_doc_block_begin(X->doc, HL_BLOCK_OTHER);
			X->cur = vs;
			X->end = ve;
			align(X, val, strlen(val), 1);
			X->end = save;
			X->cur = te;
			hl_doc_block_end(X->doc);
			break;
		}
		p = te;
	}
}

static void comment(hx *X)
{
	size_t p;
	hl_supp supp;

	for (p = X->cur; p + 4 <= X->end; p++)
		if (!memcmp(X->d + p, "<!--", 4))
			break;
	if (p + 4 > X->end)
		return;
	X->cur = markup_end(X->d, p, X->end);
	if (hl_supp_parse(X->d + p + 4, X->cur - p - 4 - (X->cur - p >= 7 ? 3 : 0), p + 4, &supp)) {
		supp.line = hl_source_line_of(X->doc->src, X->cur > 0 ? X->cur - 1 : 0);
		hl_doc_add_supp(X->doc, &supp);
	}
}

/* The SAX callbacks: ctx is the parser, whose _private is the hx. */
#define HX(ctx) ((hx *)((htmlParserCtxtPtr)(ctx))->_private)

static void on_text(void *ctx, const xmlChar *t, int n)
{
	const xmlChar *parent = ((htmlParserCtxtPtr)ctx)->name; /* the element it is in */

	if (n > 0 && !HX(ctx)->raw)
		align(HX(ctx), (const char *)t, (size_t)n, parent != NULL && !strcmp((const char *)parent, "title"));
}

static void on_comment(void *ctx, const xmlChar *t)
{
	(void)t;
	if (!HX(ctx)->raw)
		comment(HX(ctx));
}

static void on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
	hx *X = HX(ctx);
	const char *name = (const char *)xname, *href;
	enum hl_block_kind kind = HL_BLOCK_PARA;

	if (X->raw) { /* inside raw text libxml2 still reports the elements it closes */
		X->raw++;
		return;
	}
	if (X->doc->read_attrs && !X->skip) {
		if (!strcmp(name, "img"))
			attr_prose(X, name, atts, "alt", NULL);
		else if (!strcmp(name, "meta"))
			attr_prose(X, name, atts, "content", "description");
	}
	switch (category(name, &kind)) {
	case CAT_RAW:
		skip_raw(X, name);
		X->raw = 1;
		break;
	case CAT_SKIP:
		X->skip++;
		break;
	case CAT_BLOCK:
		if (!X->skip)
			hl_doc_block_begin(X->doc, kind);
		if (kind == HL_BLOCK_TITLE)
			skip_start_tag(X, "title");
		break;
	case CAT_BREAK:
		if (!X->skip)
			hl_doc_block_end(X->doc);
		break;
	case CAT_LINK:
		if (!X->skip && (href = attr(atts, "href")) != NULL)
			hl_doc_link_begin(X->doc, href, strlen(href));
		break;
	default:
		break;
	}
}

static void on_end(void *ctx, const xmlChar *xname)
{
	hx *X = HX(ctx);
	enum hl_block_kind kind;

	if (X->raw) {
		X->raw--;
		return;
	}
	switch (category((const char *)xname, &kind)) {
	case CAT_SKIP:
		X->skip--;
		break;
	case CAT_BLOCK:
		if (!X->skip)
			hl_doc_block_end(X->doc);
		break;
	case CAT_LINK:
		if (!X->skip)
			hl_doc_link_end(X->doc);
		break;
	default:
		break;
	}
}

/* libxml2 reports errors here; we keep the first fatal one (the parser stops there). */
typedef struct fatal {
	int seen;
	int line, col;
	char msg[120];
} fatal;

static void on_error(void *ctx, xmlErrorPtr e)
{
	fatal *f = ctx;
	size_t n;

	if (e == NULL || e->level != XML_ERR_FATAL || f->seen)
		return;
	f->seen = 1;
	f->line = e->line;
	f->col = e->int2;
	snprintf(f->msg, sizeof f->msg, "%s", e->message ? e->message : "fatal error");
	n = strlen(f->msg);
	while (n > 0 && (f->msg[n - 1] == '\n' || f->msg[n - 1] == ' '))
		f->msg[--n] = '\0';
}

/* Source offset of line/col (1-based) counted from start. */
static size_t region_offset(const hl_source *src, size_t start, size_t end, int line, int col)
{
	size_t p = start;
	int l = 1, c = 1;

	while (p < end && l < line) {
		if (src->data[p++] == '\n')
			l++;
	}
	while (p < end && c < col && src->data[p] != '\n') {
		size_t k = hl_utf8_len((const unsigned char *)src->data + p, end - p);
		p += k ? k : 1;
		c++;
	}
	return p;
}

/* A parser reading len bytes at data in place. htmlCreateMemoryParserCtxt would copy them,
 * and a copy of a large page is as large as the page. */
static htmlParserCtxtPtr memory_ctxt(const char *data, int len)
{
	htmlParserCtxtPtr ctxt = X2.new_ctxt();
	xmlParserInputBufferPtr buf;
	xmlParserInputPtr in;

	if (ctxt == NULL)
		hl_oom();
	if ((buf = X2.buffer_static(data, len, XML_CHAR_ENCODING_NONE)) == NULL)
		hl_oom();
	if ((in = X2.new_stream(ctxt, buf, XML_CHAR_ENCODING_NONE)) == NULL) {
		X2.free_buffer(buf);
		hl_oom();
	}
	X2.push_input(ctxt, in);
	return ctxt;
}

void hl_html_region(hl_doc *doc, size_t start, size_t end)
{
	hx X = {doc, doc->src->data, start, end, 0, 0};
	htmlParserCtxtPtr ctxt;
	xmlCharEncodingHandlerPtr utf8;
	fatal f;
	size_t len = end - start;

	if (end > doc->src->len)
		end = doc->src->len;
	if (end <= start)
		return;
	X.end = end;
	len = end - start;
	x2_ready();
	if (len > 0x7fffffff)
		len = 0x7fffffff;
	ctxt = memory_ctxt(doc->src->data + start, (int)len);
	/* only the events below: no tree (white space that libxml2 calls ignorable is not
	 * reported; align() meets it in the source as a space) */
	memset(ctxt->sax, 0, sizeof *ctxt->sax);
	ctxt->sax->initialized = XML_SAX2_MAGIC; /* errors go to the structured handler */
	ctxt->sax->startElement = on_start;
	ctxt->sax->endElement = on_end;
	ctxt->sax->characters = on_text;
	ctxt->sax->cdataBlock = on_text;
	ctxt->sax->comment = on_comment;
	ctxt->_private = &X;
	X2.use_options(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOWARNING);
	/* UTF-8 whatever a <meta charset> says: the prose is aligned to these very bytes */
	if ((utf8 = X2.find_encoding("UTF-8")) != NULL) {
		X2.switch_encoding(ctxt, utf8);
		if (ctxt->input != NULL) {
			X2.free((xmlChar *)ctxt->input->encoding);
			ctxt->input->encoding = (const xmlChar *)X2.strdup("UTF-8");
		}
	}
	memset(&f, 0, sizeof f);
	X2.set_error_func(&f, on_error);
	X2.parse(ctxt);
	X2.set_error_func(NULL, NULL);
	if (f.seen && doc->stopped == 0) {
		doc->stopped = region_offset(doc->src, start, start + len, f.line, f.col) + 1;
		snprintf(doc->stop_reason, sizeof doc->stop_reason, "%s", f.msg);
	}
	hl_doc_block_end(doc);
	if (ctxt->myDoc != NULL)
		X2.free_doc(ctxt->myDoc);
	X2.free_ctxt(ctxt);
}

void hl_extract_html(hl_doc *doc)
{
	hl_html_region(doc, doc->src->bom, doc->src->len);
}
