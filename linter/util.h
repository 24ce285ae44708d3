/* util.h - allocation that never returns NULL, growable byte buffers, small helpers. */
#ifndef HL_UTIL_H
#define HL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Allocation: every hl_ allocator either succeeds or ends the process with
 * "hypelint: out of memory" and exit status 2, so callers never test for NULL.
 * hl_realloc(p, n) invalidates p; use only the pointer it returns.
 */
void *hl_malloc(size_t n);
void *hl_calloc(size_t nmemb, size_t size);
void *hl_realloc(void *p, size_t n);
void *hl_reallocarray(void *p, size_t nmemb, size_t size);
char *hl_strdup(const char *s);
char *hl_strndup(const char *s, size_t n);
void hl_oom(void) __attribute__((noreturn));

/* Grow array `arr` (with capacity `cap`) so that it holds at least `need` items. */
#define HL_GROW(arr, cap, need)                                                \
	do {                                                                   \
		if ((need) > (cap)) {                                          \
			size_t hl_nc_ = (cap) ? (cap) * 2 : 8;                 \
			while (hl_nc_ < (need))                                \
				hl_nc_ *= 2;                                   \
			(arr) = hl_reallocarray((arr), hl_nc_, sizeof *(arr)); \
			(cap) = hl_nc_;                                        \
		}                                                              \
	} while (0)

/*
 * A growable byte string, always NUL-terminated once anything was added.
 * The buffer owns `s`; hl_buf_release frees it and leaves an empty buffer.
 * Any hl_buf_add* may move `s`: do not keep pointers into it across calls.
 */
typedef struct hl_buf {
	char *s;
	size_t len;
	size_t cap;
} hl_buf;

#define HL_BUF_INIT {NULL, 0, 0}

void hl_buf_grow(hl_buf *b, size_t extra);
void hl_buf_add(hl_buf *b, const char *s, size_t n);
void hl_buf_adds(hl_buf *b, const char *s);
/* one byte: inline, as it is called for every byte of some outputs */
static inline void hl_buf_addc(hl_buf *b, char c)
{
	if (b->cap < 2 || b->len > b->cap - 2)
		hl_buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}
void hl_buf_addf(hl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hl_buf_vaddf(hl_buf *b, const char *fmt, va_list ap);
/* Append s, replacing control characters with a visible escape (git's quote rules). */
void hl_buf_add_quoted(hl_buf *b, const char *s, size_t n);
/* Hand the string over to the caller (never NULL) and reset the buffer. */
char *hl_buf_detach(hl_buf *b);
void hl_buf_release(hl_buf *b);

/* Length in bytes of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
size_t hl_utf8_len(const unsigned char *s, size_t n);
/* The code point that begins s, a lead byte and the continuation bytes after it (it stops
 * at the first byte that is not one, so a NUL ends it); *len gets the bytes read. */
unsigned long hl_utf8_cp(const unsigned char *s, size_t *len);
/* Number of characters (code points) in s[0..n), counting each invalid byte as one. */
size_t hl_utf8_count(const char *s, size_t n);
/* Whether the word-at-a-time and vector (SSE2) paths of the text scans may run: 1 unless HYPELINT_SIMD=0 in
 * the environment when hl_main starts; tests compare the two. Set before any thread starts. */
extern int hl_simd;
#if defined(__SSE2__) && !defined(HL_NO_SIMD)
#define HL_SSE2 1
#include <emmintrin.h>
#else
#define HL_SSE2 0
#endif

/* Is s[0, n) all ASCII (no byte of 0x80 or more)? */
int hl_all_ascii(const char *s, size_t n);
/* The number of ASCII bytes (below 0x80) that s[0, n) begins with. */
size_t hl_ascii_span(const char *s, size_t n);
/* Does s[0, n) hold an ASCII digit? */
int hl_has_digit(const char *s, size_t n);

/* Levenshtein distance, for "did you mean" hints. */
size_t hl_edit_distance(const char *a, const char *b);

/* The names in directory dir, sorted, without hidden ones ("." first); *n gets the count.
 * Returns NULL with errno set when dir cannot be read; free with hl_strs_free. */
char **hl_dir_names(const char *dir, size_t *n);
/* The same, and in *kinds each name's d_type from the listing (DT_REG, DT_DIR, ...;
 * DT_UNKNOWN where the file system does not say): a regular file needs no stat. */
char **hl_dir_entries(const char *dir, size_t *n, unsigned char **kinds);
void hl_strs_free(char **v, size_t n);
/* For qsort and bsearch: compare two strings given as pointers to char *. */
int hl_cmp_strs(const void *a, const void *b);
/* dir "/" name into b (b is cleared first). */
void hl_path_join(hl_buf *b, const char *dir, const char *name);

/* Read all of descriptor fd into out (NUL-ended); returns 0 or -1 with errno set. size
 * is a regular file's size from fstat (0: unknown): the buffer gets room for one byte
 * more, and a read that returns less than it asked for after size bytes ends it. */
int hl_read_fd(int fd, hl_buf *out, size_t size);
/* The same, but it stops once out holds more than max bytes (the caller can tell it did). */
int hl_read_fd_max(int fd, hl_buf *out, size_t size, size_t max);
/* Read a whole stream that nothing has been read from yet; as hl_read_fd. */
int hl_read_stream(FILE *fp, hl_buf *out);

#endif
