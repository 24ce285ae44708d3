/*
 * replay.c - runs a fuzz target over saved inputs without libFuzzer, so that `make test`
 * replays the seed corpus and every past crash. Usage: replay DIR|FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int runs;

static void run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	hl_buf b = HL_BUF_INIT;

	if (fp == NULL || hl_read_stream(fp, &b) != 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		exit(2);
	}
	fclose(fp);
	LLVMFuzzerTestOneInput((const uint8_t *)(b.s ? b.s : ""), b.len);
	hl_buf_release(&b);
	runs++;
}

static void run_path(const char *path)
{
	struct stat sb;
	char **names;
	size_t n, i;

	if (stat(path, &sb) != 0)
		return; /* a target may have no crash folder yet */
	if (!S_ISDIR(sb.st_mode)) {
		run_file(path);
		return;
	}
	if ((names = hl_dir_names(path, &n)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		hl_buf p = HL_BUF_INIT;
		hl_path_join(&p, path, names[i]);
		run_path(p.s);
		hl_buf_release(&p);
	}
	hl_strs_free(names, n);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("replayed %d inputs\n", runs);
	return 0;
}
