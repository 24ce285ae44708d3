/* source.h - one input file: its bytes, its name and its line index. */
#ifndef HL_SOURCE_H
#define HL_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The largest file hypelint reads: offsets into a file and into its prose (which is no
 * longer than twice the file) are kept in 32 bits, which halves the memory they take. */
#define HL_SOURCE_MAX ((size_t)1 << 30)

/*
 * Positions inside hypelint are byte offsets into hl_source.data. They become
 * LINE:COL only when reported, through hl_source_pos():
 *   - lines are 1-based and end at '\n' (a "\r\n" pair is one line end);
 *   - columns are 1-based and count Unicode characters (code points), not
 *     bytes; an invalid UTF-8 byte counts as one character; a UTF-8 byte
 *     order mark at the start of the file is not counted.
 * The source owns `name` and `data`.
 */
typedef struct hl_source {
	char *name;      /* as given on the command line ("<stdin>" for -) */
	char *data;      /* the file's bytes, NUL-terminated */
	size_t len;      /* bytes in data, without the terminating NUL */
	size_t bom;      /* 3 when data starts with a UTF-8 BOM, else 0 */
	uint32_t *lines; /* byte offset of the start of each line */
	size_t nlines;
} hl_source;

/* Read path ("-" for standard input). Returns 0, or -1 after printing an error to err
 * (one longer than HL_SOURCE_MAX is an error). */
int hl_source_read(hl_source *src, const char *path, FILE *err);
/* The same, with the file opened as name (path's last component) in the open directory
 * dirfd when dirfd >= 0. Messages still name path. */
int hl_source_read_at(hl_source *src, int dirfd, const char *name, const char *path, FILE *err);
/* The same for a file that a walk of its directory found to be a regular file: it is
 * read to its end without asking for its size first, as hl_source_read_at does. A run over
 * a site's posts opens tens of thousands of small files, and one system call of the four
 * that each took was the fstat; reading on until the end is reached is cheaper. */
int hl_source_read_listed(hl_source *src, int dirfd, const char *name, const char *path, FILE *err);
/* Read a regular file ahead of its turn, as hl_source_read_at, when it holds at most max
 * bytes. Returns 0, or -1 with nothing printed: the file is to be read in its turn then. */
int hl_source_read_ahead(hl_source *src, int dirfd, const char *name, const char *path, size_t max);
/* Take a copy of n bytes (at most HL_SOURCE_MAX) of memory as a source named name. */
void hl_source_from_mem(hl_source *src, const char *name, const char *data, size_t n);
/* Line (1-based) of byte offset off; cheaper than hl_source_pos. */
size_t hl_source_line_of(const hl_source *src, size_t off);
/* The same, searching on from line `near` first (for offsets that mostly rise). */
size_t hl_source_line_near(const hl_source *src, size_t off, size_t near);
/* Line and column (both 1-based, see above) of byte offset off. */
void hl_source_pos(const hl_source *src, size_t off, size_t *line, size_t *col);
/* Byte range [*start, *end) of line number `line` (1-based), without its line end. */
void hl_source_line(const hl_source *src, size_t line, size_t *start, size_t *end);
/*
 * LINE:COL of successive offsets of one source. When an offset lies on the same
 * line as the previous one and after it, its column is counted on from there, so
 * many positions on one long (minified) line stay linear. Start with
 * hl_poscache pc = {src, 0, 0, 0}.
 */
typedef struct hl_poscache {
	const hl_source *src;
	size_t line, off, col;
} hl_poscache;

void hl_poscache_pos(hl_poscache *pc, size_t off, size_t *line, size_t *col);
void hl_source_release(hl_source *src);

#endif
