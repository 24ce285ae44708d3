/* fuzz_markdown.c - fuzz target: the markdown extractor and sentence segmentation. */
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_extract(data, size, HL_FMT_MARKDOWN);
	return 0;
}
