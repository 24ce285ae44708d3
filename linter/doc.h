/* doc.h - a document: the prose of one source, its blocks, sentences and links, mapped back to the source. */
#ifndef HL_DOC_H
#define HL_DOC_H

#include <stddef.h>

#include "source.h"
#include "util.h"

/*
 * Extractors (text, HTML, Markdown) build the document's prose: the text a
 * reader sees, with every run of white space folded into one space, blocks
 * separated by "\n", and invalid UTF-8 replaced by U+FFFD. Every prose byte
 * maps back to a source byte offset through the anchors: a "linear" anchor
 * maps a run byte for byte; a "synthetic" one (a decoded entity, a folded
 * space) maps all its bytes to the start of the source text it came from.
 *
 * Blocks, sentences and links are ranges [start, end) of prose offsets.
 * The document owns all of its arrays and strings; it does not own src.
 */

/* Offsets in the structures below are 32-bit (see HL_SOURCE_MAX): a document holds
 * one of each for every few words, and their size is much of its memory. */
typedef struct hl_anchor {
	uint32_t prose;   /* first prose byte of this run */
	uint32_t src;     /* source offset it maps to */
	uint32_t src_end; /* synthetic runs: end of the source text they stand for; linear
			   * runs: HL_ANCHOR_LINEAR (no flag field of its own) */
} hl_anchor;

#define HL_ANCHOR_LINEAR UINT32_MAX

enum hl_block_kind {
	HL_BLOCK_PARA,
	HL_BLOCK_HEADING,
	HL_BLOCK_ITEM,
	HL_BLOCK_QUOTE,
	HL_BLOCK_CELL,
	HL_BLOCK_TITLE,
	HL_BLOCK_OTHER
};

typedef struct hl_block {
	uint32_t start, end;
	enum hl_block_kind kind;
} hl_block;

typedef struct hl_span {
	uint32_t start, end;
	uint32_t block;   /* sentences: index of the block they belong to */
} hl_span;

typedef struct hl_link {
	size_t start, end;
	char *href;
} hl_link;

/* An inline-suppression comment found in the source (see suppress in check.h). */
enum hl_supp_kind { HL_SUPP_NEXT_LINE, HL_SUPP_DISABLE, HL_SUPP_ENABLE };

typedef struct hl_supp {
	enum hl_supp_kind kind;
	size_t src;      /* where the comment starts */
	size_t line;     /* its source line */
	char **ids;      /* rule ids named; none means every rule */
	size_t *id_src;  /* source offset of each id, for warnings */
	size_t nids;
} hl_supp;

typedef struct hl_doc {
	const hl_source *src;
	hl_buf text;
	hl_anchor *anchors;
	size_t nanchors, anchors_cap;
	hl_block *blocks;
	size_t nblocks, blocks_cap;
	hl_span *sentences;
	size_t nsentences, sentences_cap;
	hl_link *links;
	size_t nlinks, links_cap;
	hl_supp *supps;
	size_t nsupps, supps_cap;
	size_t bad_utf8;          /* 1 + source offset of the first invalid byte, or 0 */
	size_t stopped;           /* 1 + source offset where a parser gave up, or 0 */
	char stop_reason[128];    /* why, in the parser's words */

	int read_attrs;           /* HTML: also read img alt text and the meta description */

	/* builder state */
	int in_block;
	size_t block_start;
	enum hl_block_kind block_kind;
	int pending_space;        /* white-space characters seen since the last text */
	size_t pending_src;
	size_t open_link;         /* 1 + index of the link being built, or 0 */
} hl_doc;

void hl_doc_init(hl_doc *doc, const hl_source *src);
void hl_doc_release(hl_doc *doc);

/* Builder. Text outside a block opens a paragraph. */
void hl_doc_block_begin(hl_doc *doc, enum hl_block_kind kind);
void hl_doc_block_end(hl_doc *doc);
/* n bytes of source text that start at source offset src_off (s points at them). */
void hl_doc_text(hl_doc *doc, const char *s, size_t n, size_t src_off);
/* Decoded text (an entity, say) standing for source bytes [src_start, src_end). */
void hl_doc_synth(hl_doc *doc, const char *s, size_t n, size_t src_start, size_t src_end);
/* A line break or other white space in the source at src_off. */
void hl_doc_space(hl_doc *doc, size_t src_off);
void hl_doc_link_begin(hl_doc *doc, const char *href, size_t n);
void hl_doc_link_end(hl_doc *doc);
void hl_doc_add_supp(hl_doc *doc, const hl_supp *supp);
/* Close the last block and split the blocks into sentences. */
void hl_doc_finish(hl_doc *doc);

/* Index of the first link that ends at or after prose offset p (links are in text order;
 * nlinks when none does), searched on from the index in *hint (0 at first), which is set
 * to the answer: look-ups come mostly in text order, as those of a document's units do. */
size_t hl_doc_first_link_near(const hl_doc *doc, size_t p, size_t *hint);
/* Source offset of prose offset p, and source end of the prose range ending at end. */
size_t hl_doc_src(const hl_doc *doc, size_t p);
size_t hl_doc_src_end(const hl_doc *doc, size_t end);
/* The same, searching forward from anchor *hint first (offsets that mostly rise), and
 * leaving in *hint the anchor used. Any hint gives the same result. */
size_t hl_doc_src_near(const hl_doc *doc, size_t p, size_t *hint);
size_t hl_doc_src_end_near(const hl_doc *doc, size_t end, size_t *hint);
/* The source offset of the anchor that holds prose offset p: where anchors rise with the
 * source, no prose at or after p maps to an offset before it. */
size_t hl_doc_src_floor(const hl_doc *doc, size_t p);
/* The other way: the prose range [*ps, *pe) of source range [s, e). Returns -1 when s is
 * not in the prose (markup, a comment), else 0. */
int hl_doc_prose_range(const hl_doc *doc, size_t s, size_t e, size_t *ps, size_t *pe);

/* Sentence segmentation of one prose range (exposed for unit tests). */
void hl_segment_block(hl_doc *doc, size_t block);

/* Parse suppression words ("hypelint-disable-next-line a b") in a comment body.
 * Returns 1 and fills supp when the comment is a directive. ids are owned by supp. */
int hl_supp_parse(const char *s, size_t n, size_t src_off, hl_supp *supp);
void hl_supp_release(hl_supp *supp);

#endif
