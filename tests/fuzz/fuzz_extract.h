/* fuzz_extract.h - shared body of the extractor fuzz targets: extract, segment, check invariants. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "doc.h"
#include "extract.h"

static void fuzz_extract(const uint8_t *data, size_t size, enum hl_format fmt)
{
	hl_source src;
	hl_doc doc;
	size_t i;

	hl_source_from_mem(&src, "fuzz", (const char *)data, size);
	hl_doc_init(&doc, &src);
	hl_extract(&doc, fmt);
	/* every prose byte maps into the source; ranges nest inside the prose */
	for (i = 0; i < doc.text.len; i++)
		if (hl_doc_src(&doc, i) > src.len || hl_doc_src_end(&doc, i + 1) > src.len)
			abort();
	for (i = 0; i < doc.nsentences; i++)
		if (doc.sentences[i].start >= doc.sentences[i].end || doc.sentences[i].end > doc.text.len ||
		    doc.sentences[i].block >= doc.nblocks)
			abort();
	for (i = 0; i < doc.nblocks; i++)
		if (doc.blocks[i].start > doc.blocks[i].end || doc.blocks[i].end > doc.text.len)
			abort();
	for (i = 0; i < doc.nlinks; i++)
		if (doc.links[i].start > doc.links[i].end || doc.links[i].end > doc.text.len)
			abort();
	/* the prose is valid UTF-8: the matcher is told not to check it */
	for (i = 0; i < doc.text.len;) {
		size_t l = hl_utf8_len((const unsigned char *)doc.text.s + i, doc.text.len - i);
		if (l == 0)
			abort();
		i += l;
	}
	hl_doc_release(&doc);
	hl_source_release(&src);
}
