/* source.c - reading input files and turning byte offsets into LINE:COL. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void index_lines(hl_source *src)
{
	size_t cap = 0, i, guess = src->len / 32 + 16;

	/* room for the lines of a post of its length, up to a bound: a small file's index is
	 * allocated once, not grown from 8 by doubling */
	HL_GROW(src->lines, cap, guess < 4096 ? guess : 4096);
	src->nlines = 0;
	src->lines[src->nlines++] = 0;
	for (i = 0; i < src->len; i++) {
		const char *nl = memchr(src->data + i, '\n', src->len - i);
		if (nl == NULL)
			break;
		i = (size_t)(nl - src->data);
		HL_GROW(src->lines, cap, src->nlines + 1);
		src->lines[src->nlines++] = (uint32_t)(i + 1);
	}
	src->bom = (src->len >= 3 && memcmp(src->data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
}

void hl_source_from_mem(hl_source *src, const char *name, const char *data, size_t n)
{
	memset(src, 0, sizeof *src);
	src->name = hl_strdup(name);
	src->data = hl_strndup(data, n);
	src->len = n;
	index_lines(src);
}

/* The first read of a listed file asks for one byte less than this. */
#define LISTED_FIRST 16384

/* One read of fd onto the end of b (which has room): the bytes read, 0 at the end, -1. */
static ssize_t read_more(int fd, hl_buf *b)
{
	ssize_t n;

	do
		n = read(fd, b->s + b->len, b->cap - b->len - 1);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		b->len += (size_t)n;
	b->s[b->len] = '\0';
	return n;
}

/*
 * Read path, or name in directory dirfd (>= 0). With err NULL it is a read ahead: only a
 * regular file of at most max bytes is read, and a failure prints nothing (the file is read
 * again later, which reports it). listed: a walk found it to be a regular file; one that
 * its first read does not fill the buffer for is not asked its size (see
 * hl_source_read_listed).
 */
static int read_file(hl_source *src, int dirfd, const char *name, const char *path, FILE *err, size_t max,
		     int listed)
{
	hl_buf b = HL_BUF_INIT;
	int stdin_ = strcmp(path, "-") == 0, fd = -1, rc = 0, reg, flags, done = 0;
	struct stat st;
	uintmax_t big = 0;

	memset(src, 0, sizeof *src);
	if (stdin_ && err == NULL)
		return -1;
	/* a file is read with one open, one fstat and its reads: no stdio buffer of its own (a
	 * read ahead is for regular files: should one have turned into a FIFO, it does not
	 * wait for a writer) */
	flags = O_RDONLY | O_CLOEXEC | (err == NULL ? O_NONBLOCK : 0);
	if (!stdin_ && (fd = dirfd >= 0 ? openat(dirfd, name, flags) : open(path, flags)) < 0) {
		if (err != NULL)
			fprintf(err, "hypelint: %s: error: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	if (listed && !stdin_) {
		/* a post fits in the first read, and the next one says it is all; a file that
		 * fills it is asked its size, as any other, before it is read on */
		ssize_t n;
		hl_buf_grow(&b, LISTED_FIRST - 1);
		if ((n = read_more(fd, &b)) < 0 || (b.len < LISTED_FIRST - 1 && (n = read_more(fd, &b)) < 0))
			rc = -1;
		done = rc == 0 && n == 0;
	}
	reg = !stdin_ && !done && rc == 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	if (rc == 0 && !done) {
		if (err == NULL && !reg)
			big = 1;
		else if (reg && (uintmax_t)st.st_size > max)
			big = (uintmax_t)st.st_size; /* not read (on) at all */
		else {
			/* a regular file's size, less what was read */
			size_t size = reg && (uintmax_t)st.st_size > b.len ? (size_t)st.st_size - b.len : 0;
			rc = stdin_ ? hl_read_stream(stdin, &b) : hl_read_fd_max(fd, &b, size, max);
		}
	}
	if (rc != 0) {
		if (err != NULL)
			fprintf(err, "hypelint: %s: error: cannot read: %s\n", path, strerror(errno));
		if (!stdin_)
			close(fd);
		hl_buf_release(&b);
		return -1;
	}
	if (!big && b.len > max)
		big = b.len;
	if (big) {
		if (err != NULL)
			fprintf(err, "hypelint: %s: error: too large to lint (%ju bytes; the limit is %zu MiB)\n",
				stdin_ ? "<stdin>" : path, big, HL_SOURCE_MAX >> 20);
		if (!stdin_)
			close(fd);
		hl_buf_release(&b);
		return -1;
	}
	if (!stdin_)
		close(fd);
	src->name = hl_strdup(stdin_ ? "<stdin>" : path);
	src->len = b.len;
	src->data = hl_buf_detach(&b);
	index_lines(src);
	return 0;
}

int hl_source_read(hl_source *src, const char *path, FILE *err)
{
	return read_file(src, -1, path, path, err, HL_SOURCE_MAX, 0);
}

int hl_source_read_at(hl_source *src, int dirfd, const char *name, const char *path, FILE *err)
{
	return read_file(src, dirfd, name, path, err, HL_SOURCE_MAX, 0);
}

int hl_source_read_listed(hl_source *src, int dirfd, const char *name, const char *path, FILE *err)
{
	return read_file(src, dirfd, name, path, err, HL_SOURCE_MAX, 1);
}

int hl_source_read_ahead(hl_source *src, int dirfd, const char *name, const char *path, size_t max)
{
	return read_file(src, dirfd, name, path, NULL, max < HL_SOURCE_MAX ? max : HL_SOURCE_MAX, 0);
}

/* The line (1-based) of off, given that line lo + 1 begins at or before it and line
 * hi + 1 after it (or hi is nlines). */
static size_t bisect_line(const hl_source *src, size_t off, size_t lo, size_t hi)
{
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (src->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

size_t hl_source_line_of(const hl_source *src, size_t off)
{
	return bisect_line(src, off, 0, src->nlines);
}

size_t hl_source_line_near(const hl_source *src, size_t off, size_t near)
{
	size_t lo, hi, step = 8;

	if (near < 1 || near > src->nlines || src->lines[near - 1] > off)
		return hl_source_line_of(src, off);
	/* offsets mostly come in order, a few lines apart: gallop on from line `near`, then
	 * bisect the stretch that holds off (the lines of a long file are spared a search
	 * of the whole table each time) */
	lo = near - 1;
	hi = near;
	while (hi < src->nlines && src->lines[hi] <= off) {
		lo = hi;
		hi = step < src->nlines - hi ? hi + step : src->nlines;
		step *= 2;
	}
	return bisect_line(src, off, lo, hi);
}

/* LINE:COL of offset off on line l (1-based), which holds it */
static void pos_on_line(const hl_source *src, size_t l, size_t off, size_t *line, size_t *col)
{
	size_t start = src->lines[l - 1];

	if (l == 1 && src->bom && off >= src->bom)
		start = src->bom;
	*line = l;
	*col = hl_utf8_count(src->data + start, off - start) + 1;
}

void hl_source_pos(const hl_source *src, size_t off, size_t *line, size_t *col)
{
	if (off > src->len)
		off = src->len;
	pos_on_line(src, hl_source_line_of(src, off), off, line, col);
}

void hl_poscache_pos(hl_poscache *pc, size_t off, size_t *line, size_t *col)
{
	size_t l;

	if (off > pc->src->len)
		off = pc->src->len;
	l = hl_source_line_near(pc->src, off, pc->line);
	if (pc->line == l && off >= pc->off) {
		*col = pc->col + hl_utf8_count(pc->src->data + pc->off, off - pc->off);
		*line = l;
	} else
		pos_on_line(pc->src, l, off, line, col);
	pc->line = *line;
	pc->off = off;
	pc->col = *col;
}

void hl_source_line(const hl_source *src, size_t line, size_t *start, size_t *end)
{
	size_t s, e;

	if (line == 0 || line > src->nlines) {
		*start = *end = src->len;
		return;
	}
	s = src->lines[line - 1];
	if (line == 1)
		s += src->bom;
	e = line < src->nlines ? src->lines[line] - 1 : src->len;
	if (e > s && src->data[e - 1] == '\r')
		e--;
	*start = s;
	*end = e < s ? s : e;
}

void hl_source_release(hl_source *src)
{
	free(src->name);
	free(src->data);
	free(src->lines);
	memset(src, 0, sizeof *src);
}
