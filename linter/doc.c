/* doc.c - building a document's prose and its map back to the source. */
#include "doc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void hl_doc_init(hl_doc *doc, const hl_source *src)
{
	memset(doc, 0, sizeof *doc);
	doc->src = src;
	/* the prose of plain text and Markdown is about as long as the source, that of HTML
	 * shorter: room for the source from the start spares a copy at each doubling */
	hl_buf_grow(&doc->text, src != NULL ? src->len : 0);
	doc->text.s[0] = '\0';
	/* and room for the anchors, blocks and sentences of a post of its length (a few per
	 * line), up to a bound: a small file's arrays are allocated once, not grown from 8
	 * by doubling; a long one's grow on from there */
	if (src != NULL) {
		size_t per = src->len / 64 + 16;
		if (per > 4096)
			per = 4096;
		HL_GROW(doc->anchors, doc->anchors_cap, per);
		HL_GROW(doc->sentences, doc->sentences_cap, per);
		HL_GROW(doc->blocks, doc->blocks_cap, per / 2);
	}
}

void hl_supp_release(hl_supp *supp)
{
	size_t i;

	for (i = 0; i < supp->nids; i++)
		free(supp->ids[i]);
	free(supp->ids);
	free(supp->id_src);
	memset(supp, 0, sizeof *supp);
}

void hl_doc_release(hl_doc *doc)
{
	size_t i;

	hl_buf_release(&doc->text);
	free(doc->anchors);
	free(doc->blocks);
	free(doc->sentences);
	for (i = 0; i < doc->nlinks; i++)
		free(doc->links[i].href);
	free(doc->links);
	for (i = 0; i < doc->nsupps; i++)
		hl_supp_release(&doc->supps[i]);
	free(doc->supps);
	memset(doc, 0, sizeof *doc);
}

static int is_synth(const hl_anchor *a)
{
	return a->src_end != HL_ANCHOR_LINEAR;
}

static void anchor(hl_doc *doc, size_t src, size_t src_end, int synth)
{
	hl_anchor *last = doc->nanchors ? &doc->anchors[doc->nanchors - 1] : NULL;
	size_t p = doc->text.len;

	/* a position just past the end (a final line break) stays inside the source */
	if (src > doc->src->len)
		src = doc->src->len;
	if (src_end > doc->src->len)
		src_end = doc->src->len;
	if (src_end < src && synth)
		src_end = src;

	if (!synth && last != NULL && !is_synth(last) && last->src + (p - last->prose) == src)
		return;
	if (last != NULL && last->prose == p)
		doc->nanchors--; /* an empty run: replace it */
	if (p >= HL_ANCHOR_LINEAR) { /* cannot be: the prose is at most about twice the source */
		fputs("hypelint: error: the text of a document is over 4 GiB\n", stderr);
		exit(2);
	}
	HL_GROW(doc->anchors, doc->anchors_cap, doc->nanchors + 1);
	doc->anchors[doc->nanchors++] =
		(hl_anchor){(uint32_t)p, (uint32_t)src, synth ? (uint32_t)src_end : HL_ANCHOR_LINEAR};
}

void hl_doc_block_begin(hl_doc *doc, enum hl_block_kind kind)
{
	if (doc->in_block)
		hl_doc_block_end(doc);
	if (doc->text.len > 0) {
		/* blocks are separated by one newline that maps to the previous byte's source */
		size_t s = hl_doc_src_end(doc, doc->text.len);
		anchor(doc, s, s, 1);
		hl_buf_addc(&doc->text, '\n');
	}
	doc->in_block = 1;
	doc->block_kind = kind;
	doc->block_start = doc->text.len;
	doc->pending_space = 0;
}

void hl_doc_block_end(hl_doc *doc)
{
	if (!doc->in_block)
		return;
	doc->in_block = 0;
	doc->pending_space = 0;
	if (doc->text.len > doc->block_start) {
		HL_GROW(doc->blocks, doc->blocks_cap, doc->nblocks + 1);
		doc->blocks[doc->nblocks++] =
			(hl_block){(uint32_t)doc->block_start, (uint32_t)doc->text.len, doc->block_kind};
	} else if (doc->block_start > 0 && doc->text.len == doc->block_start) {
		/* nothing was added: take back the separator */
		size_t i;
		doc->text.len--;
		doc->text.s[doc->text.len] = '\0';
		while (doc->nanchors && doc->anchors[doc->nanchors - 1].prose >= doc->text.len)
			doc->nanchors--;
		/* links come in text order, one after another (one is open at a time), so only the
		 * last ones can reach past the new end: never a walk over all of them */
		for (i = doc->nlinks; i > 0 && doc->links[i - 1].end > doc->text.len; i--) {
			doc->links[i - 1].end = doc->text.len;
			if (doc->links[i - 1].start > doc->text.len)
				doc->links[i - 1].start = doc->text.len;
		}
	}
}

static void flush_space(hl_doc *doc)
{
	if (!doc->in_block)
		hl_doc_block_begin(doc, HL_BLOCK_PARA);
	if (doc->pending_space) {
		/* one ASCII white-space byte maps byte for byte, so the run it joins stays one anchor */
		int one = doc->pending_space == 1 && doc->pending_src < doc->src->len &&
			  (unsigned char)doc->src->data[doc->pending_src] < 0x80 &&
			  isspace((unsigned char)doc->src->data[doc->pending_src]);
		doc->pending_space = 0;
		if (doc->text.len > doc->block_start) {
			if (one)
				anchor(doc, doc->pending_src, 0, 0);
			else
				anchor(doc, doc->pending_src, doc->pending_src + 1, 1);
			hl_buf_addc(&doc->text, ' ');
		}
	}
}

void hl_doc_space(hl_doc *doc, size_t src_off)
{
	if (!doc->pending_space)
		doc->pending_src = src_off;
	doc->pending_space++;
}

/* ASCII white space: what isspace() accepts in the C locale */
#define IS_ASPACE(c) ((c) == ' ' || (unsigned)((c) - '\t') < 5)

/* Length of a white-space character at s (ASCII space, NBSP, thin spaces), or 0. */
static inline size_t space_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return IS_ASPACE(s[0]);
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xaf))
		return 3;
	return 0;
}

/* 16 when the 16 bytes at u (of n) are ASCII whose white space comes one at a time and
 * not last, each counted in *folded unless a plain space: the run of hl_doc_text goes on
 * over them. Else 0. */
static size_t ascii_run16(const unsigned char *u, size_t n, size_t *folded)
{
#if HL_SSE2
	if (n >= 16 && hl_simd) {
		__m128i v = _mm_loadu_si128((const __m128i *)u);
		__m128i sp = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
		__m128i ctl = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('\t' - 1)),
					    _mm_cmplt_epi8(v, _mm_set1_epi8('\r' + 1)));
		unsigned ws = (unsigned)_mm_movemask_epi8(_mm_or_si128(sp, ctl));
		if (_mm_movemask_epi8(v) != 0 || (ws & (ws >> 1)) != 0 || (ws & 0x8000) != 0)
			return 0;
		/* a line break or tab in one run of 16 bytes in five or so: without -mpopcnt the
		 * count is a call */
		if ((ws = (unsigned)_mm_movemask_epi8(ctl)) != 0)
			*folded += (size_t)__builtin_popcount(ws);
		return 16;
	}
#else
	(void)u;
	(void)n;
	(void)folded;
#endif
	return 0;
}

void hl_doc_text(hl_doc *doc, const char *s, size_t n, size_t src_off)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t run = i, l, folded = 0;

		if ((l = space_len(u + i, n - i)) > 0) {
			hl_doc_space(doc, src_off + i);
			i += l;
			continue;
		}
		flush_space(doc);
		/* copy a run of valid characters in one go, with the single ASCII spaces between
		 * them: each of those maps byte for byte, as flush_space would map it */
		while (i < n) {
			size_t step = ascii_run16(u + i, n - i, &folded);
			if (step > 0) {
				i += step;
				continue;
			}
			if (u[i] < 0x80) {
				if (!IS_ASPACE(u[i])) {
					i++;
					continue;
				}
				/* a lone one, between two ASCII characters */
				if (i + 1 >= n || u[i + 1] >= 0x80 || IS_ASPACE(u[i + 1]))
					break;
				folded += u[i] != ' ';
				i += 2;
				continue;
			}
			if (space_len(u + i, n - i))
				break;
			l = hl_utf8_len(u + i, n - i);
			if (l == 0)
				break;
			i += l;
		}
		if (i > run) {
			anchor(doc, src_off + run, 0, 0);
			hl_buf_add(&doc->text, s + run, i - run);
			if (folded) { /* a tab or line break inside the run reads as a space */
				char *t = doc->text.s + doc->text.len - (i - run), *e = doc->text.s + doc->text.len;
				for (; t < e; t++)
					if (IS_ASPACE((unsigned char)*t))
						*t = ' ';
			}
		}
		if (i < n && u[i] >= 0x80 && !space_len(u + i, n - i) && hl_utf8_len(u + i, n - i) == 0) {
			if (doc->bad_utf8 == 0)
				doc->bad_utf8 = src_off + i + 1;
			anchor(doc, src_off + i, src_off + i + 1, 1);
			hl_buf_add(&doc->text, "\xEF\xBF\xBD", 3);
			i++;
		}
	}
}

void hl_doc_synth(hl_doc *doc, const char *s, size_t n, size_t src_start, size_t src_end)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n && (l = space_len(u + i, n - i)) > 0)
		i += l;
	if (n == 0)
		return;
	if (i == n) { /* only white space, such as &nbsp;: never a byte-for-byte mapping */
		hl_doc_space(doc, src_start);
		hl_doc_space(doc, src_start);
		return;
	}
	flush_space(doc);
	anchor(doc, src_start, src_end, 1);
	/* decoded text must be valid UTF-8 too: the matcher relies on it */
	for (i = 0; i < n;) {
		l = hl_utf8_len(u + i, n - i);
		if (l == 0) {
			hl_buf_add(&doc->text, "\xEF\xBF\xBD", 3);
			i++;
		} else {
			hl_buf_add(&doc->text, s + i, l);
			i += l;
		}
	}
}

void hl_doc_link_begin(hl_doc *doc, const char *href, size_t n)
{
	flush_space(doc);
	HL_GROW(doc->links, doc->links_cap, doc->nlinks + 1);
	doc->links[doc->nlinks] = (hl_link){doc->text.len, doc->text.len, hl_strndup(href, n)};
	doc->nlinks++;
	doc->open_link = doc->nlinks;
}

void hl_doc_link_end(hl_doc *doc)
{
	if (doc->open_link) {
		doc->links[doc->open_link - 1].end = doc->text.len;
		doc->open_link = 0;
	}
}

void hl_doc_add_supp(hl_doc *doc, const hl_supp *supp)
{
	HL_GROW(doc->supps, doc->supps_cap, doc->nsupps + 1);
	doc->supps[doc->nsupps++] = *supp;
}

void hl_doc_finish(hl_doc *doc)
{
	size_t i;

	hl_doc_link_end(doc);
	hl_doc_block_end(doc);
	for (i = 0; i < doc->nblocks; i++)
		hl_segment_block(doc, i);
}

/* The last anchor in [lo, hi) that starts at or before p, given that anchor lo does
 * (or lo is 0) and anchor hi does not (or hi is nanchors). */
static size_t bisect_anchor(const hl_doc *doc, size_t p, size_t lo, size_t hi)
{
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc->anchors[mid].prose <= p)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t find_anchor(const hl_doc *doc, size_t p)
{
	/* the builder asks about the end of the prose at every block */
	if (doc->nanchors > 0 && doc->anchors[doc->nanchors - 1].prose <= p)
		return doc->nanchors - 1;
	return bisect_anchor(doc, p, 0, doc->nanchors);
}

/* find_anchor, galloping forward from anchor *hint when p is at or after it */
static size_t find_anchor_near(const hl_doc *doc, size_t p, size_t *hint)
{
	size_t lo = *hint, hi, step = 1;

	if (lo >= doc->nanchors || doc->anchors[lo].prose > p)
		return *hint = find_anchor(doc, p);
	hi = lo + 1;
	while (hi < doc->nanchors && doc->anchors[hi].prose <= p) {
		lo = hi;
		hi = step < doc->nanchors - lo ? lo + step : doc->nanchors;
		step *= 2;
	}
	return *hint = bisect_anchor(doc, p, lo, hi);
}

/* The first link in [lo, hi) that ends at or after p, given that those before lo end
 * before p; hi when none does. */
static size_t bisect_link(const hl_doc *doc, size_t p, size_t lo, size_t hi)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc->links[mid].end < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t hl_doc_first_link_near(const hl_doc *doc, size_t p, size_t *hint)
{
	size_t lo = *hint, hi, step = 1;

	/* the links before the hint must all end before p, else the whole table is searched */
	if (lo > doc->nlinks || (lo > 0 && doc->links[lo - 1].end >= p))
		return *hint = bisect_link(doc, p, 0, doc->nlinks);
	/* gallop on from the hint to a link that ends at or after p, then bisect that stretch */
	hi = lo;
	while (hi < doc->nlinks && doc->links[hi].end < p) {
		lo = hi + 1;
		hi = step < doc->nlinks - lo ? lo + step : doc->nlinks;
		step *= 2;
	}
	return *hint = bisect_link(doc, p, lo, hi);
}

static size_t src_at(const hl_anchor *a, size_t p)
{
	if (is_synth(a) || p < a->prose)
		return a->src;
	return a->src + (p - a->prose);
}

static size_t src_end_at(const hl_anchor *a, size_t end)
{
	if (is_synth(a))
		return a->src_end;
	return a->src + (end - 1 - a->prose) + 1;
}

size_t hl_doc_src_near(const hl_doc *doc, size_t p, size_t *hint)
{
	if (doc->nanchors == 0)
		return 0;
	return src_at(&doc->anchors[find_anchor_near(doc, p, hint)], p);
}

size_t hl_doc_src_end_near(const hl_doc *doc, size_t end, size_t *hint)
{
	if (doc->nanchors == 0 || end == 0)
		return 0;
	return src_end_at(&doc->anchors[find_anchor_near(doc, end - 1, hint)], end);
}

size_t hl_doc_src_floor(const hl_doc *doc, size_t p)
{
	return doc->nanchors ? doc->anchors[find_anchor(doc, p)].src : 0;
}

size_t hl_doc_src(const hl_doc *doc, size_t p)
{
	size_t hint = SIZE_MAX; /* none: a plain bisection */

	return hl_doc_src_near(doc, p, &hint);
}

size_t hl_doc_src_end(const hl_doc *doc, size_t end)
{
	size_t hint = SIZE_MAX;

	return hl_doc_src_end_near(doc, end, &hint);
}

static int anchor_holds(const hl_doc *doc, size_t k, size_t s)
{
	const hl_anchor *a = &doc->anchors[k];
	size_t pend = k + 1 < doc->nanchors ? doc->anchors[k + 1].prose : doc->text.len;
	size_t send = is_synth(a) ? a->src_end : a->src + (pend - a->prose);

	return pend > a->prose && s >= a->src && s < send;
}

/* The anchor that holds source offset s, or nanchors. Anchors usually rise with the
 * source; when the bisection misses (text read out of source order), scan them all. */
static size_t anchor_of(const hl_doc *doc, size_t s)
{
	size_t lo = 0, hi = doc->nanchors, k;

	if (doc->nanchors == 0)
		return 0;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc->anchors[mid].src <= s)
			lo = mid;
		else
			hi = mid;
	}
	if (anchor_holds(doc, lo, s))
		return lo;
	for (k = 0; k < doc->nanchors; k++)
		if (anchor_holds(doc, k, s))
			return k;
	return doc->nanchors;
}

int hl_doc_prose_range(const hl_doc *doc, size_t s, size_t e, size_t *ps, size_t *pe)
{
	size_t a = anchor_of(doc, s), b;
	const hl_anchor *A;

	if (a == doc->nanchors)
		return -1;
	A = &doc->anchors[a];
	*ps = is_synth(A) ? A->prose : A->prose + (s - A->src);
	if (e <= s) {
		*pe = *ps;
		return 0;
	}
	b = anchor_of(doc, e - 1);
	if (b == doc->nanchors || doc->anchors[b].prose < A->prose) {
		*pe = *ps;
		return 0;
	}
	A = &doc->anchors[b];
	if (is_synth(A))
		*pe = b + 1 < doc->nanchors ? doc->anchors[b + 1].prose : doc->text.len;
	else
		*pe = A->prose + (e - 1 - A->src) + 1;
	return 0;
}

/* ---- inline suppressions ---- */

static int is_id_char(int c)
{
	return isalnum(c) || c == '-' || c == '_';
}

int hl_supp_parse(const char *s, size_t n, size_t src_off, hl_supp *supp)
{
	static const struct {
		const char *word;
		enum hl_supp_kind kind;
	} words[] = {
		/* longest first, so that "disable" does not take "disable-next-line" */
		{"hypelint-disable-next-line", HL_SUPP_NEXT_LINE},
		{"hypelint-disable", HL_SUPP_DISABLE},
		{"hypelint-enable", HL_SUPP_ENABLE},
	};
	size_t i = 0, w, ids_cap = 0, src_cap = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	for (w = 0; w < sizeof words / sizeof words[0]; w++) {
		size_t l = strlen(words[w].word);
		if (n - i >= l && memcmp(s + i, words[w].word, l) == 0 &&
		    (n - i == l || !is_id_char((unsigned char)s[i + l])))
			break;
	}
	if (w == sizeof words / sizeof words[0])
		return 0;
	memset(supp, 0, sizeof *supp);
	supp->kind = words[w].kind;
	supp->src = src_off;
	i += strlen(words[w].word);
	for (;;) {
		size_t st;
		while (i < n && (isspace((unsigned char)s[i]) || s[i] == ','))
			i++;
		if (i >= n || !is_id_char((unsigned char)s[i]))
			break;
		st = i;
		while (i < n && is_id_char((unsigned char)s[i]))
			i++;
		HL_GROW(supp->ids, ids_cap, supp->nids + 1);
		HL_GROW(supp->id_src, src_cap, supp->nids + 1);
		supp->ids[supp->nids] = hl_strndup(s + st, i - st);
		supp->id_src[supp->nids] = src_off + st;
		supp->nids++;
	}
	return 1;
}
