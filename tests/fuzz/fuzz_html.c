/* fuzz_html.c - fuzz target: the html extractor and sentence segmentation. */
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_extract(data, size, HL_FMT_HTML);
	return 0;
}
