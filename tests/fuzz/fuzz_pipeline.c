/*
 * fuzz_pipeline.c - fuzz target: the whole tool through hl_main(), with the bundled rules.
 * The first byte picks the input format; the rest is written to a file and linted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hypelint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = {"--input-format=text", "--input-format=html",
					      "--input-format=markdown"};
	static FILE *sink;
	char *argv[6];
	FILE *fp;

	if (size == 0)
		return 0;
	if (sink == NULL) {
		snprintf(path, sizeof path, "/tmp/hypelint-fuzz-%ld.txt", (long)getpid());
		if ((sink = fopen("/dev/null", "w")) == NULL)
			return 0;
		atexit(cleanup);
	}
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data + 1, 1, size - 1, fp);
	fclose(fp);
	argv[0] = "hypelint";
	argv[1] = (char *)formats[data[0] % 3];
	argv[2] = "--color=always";
	argv[3] = "--fail-on=none";
	argv[4] = path;
	argv[5] = NULL;
	hl_main(5, argv, sink, sink);
	return 0;
}
