/* util.c - allocation wrappers, byte buffers, UTF-8 and string helpers. */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Tests can make the n-th allocation fail (see HYPELINT_FAIL_ALLOC in tests/). */
static _Atomic long fail_countdown = -1;
static _Atomic int fail_checked;

static void check_fail_env(void)
{
	const char *v;

	fail_checked = 1;
	v = getenv("HYPELINT_FAIL_ALLOC");
	if (v != NULL && *v != '\0')
		fail_countdown = strtol(v, NULL, 10);
}

static int should_fail(void)
{
	if (!fail_checked)
		check_fail_env();
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown <= 0)
		return fail_countdown == 0;
	return --fail_countdown < 0;
}

void hl_oom(void)
{
	fputs("hypelint: out of memory\n", stderr);
	exit(2);
}

/* Blocks of this size and more are advised to use huge pages (advise_huge). */
#define HUGE_MIN ((size_t)2 << 20)

/* Ask the kernel to back the whole 2 MiB stretches of block p (n bytes) with huge pages:
 * a document of some megabytes then costs a page fault per 2 MiB rather than per 4 KiB
 * (about 7% of the time of linting one 10 MB text went to those faults). It is advice:
 * where the kernel has no huge pages to give, nothing changes. */
static void advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = HUGE_MIN;
	uintptr_t from = ((uintptr_t)p + huge - 1) & ~(huge - 1), to = ((uintptr_t)p + n) & ~(huge - 1);

	if (to > from)
		(void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

void *hl_malloc(size_t n)
{
	void *p;

	if (should_fail() || (p = malloc(n ? n : 1)) == NULL)
		hl_oom();
	if (n >= HUGE_MIN)
		advise_huge(p, n);
	return p;
}

void *hl_calloc(size_t nmemb, size_t size)
{
	void *p;

	if (should_fail() || (p = calloc(nmemb ? nmemb : 1, size ? size : 1)) == NULL)
		hl_oom();
	if (nmemb * size >= HUGE_MIN) /* calloc has checked the product */
		advise_huge(p, nmemb * size);
	return p;
}

void *hl_realloc(void *p, size_t n)
{
	void *q;

	if (should_fail() || (q = realloc(p, n ? n : 1)) == NULL)
		hl_oom();
	if (n >= HUGE_MIN)
		advise_huge(q, n);
	return q;
}

void *hl_reallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		hl_oom();
	return hl_realloc(p, nmemb * size);
}

char *hl_strndup(const char *s, size_t n)
{
	char *p = hl_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *hl_strdup(const char *s)
{
	return hl_strndup(s, strlen(s));
}

void hl_buf_grow(hl_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		hl_oom();
	need = b->len + extra + 1;
	if (need > b->cap) {
		size_t nc = b->cap ? b->cap : 64;
		while (nc < need)
			nc = nc > SIZE_MAX / 2 ? need : nc * 2;
		b->s = hl_realloc(b->s, nc);
		b->cap = nc;
	}
}

void hl_buf_add(hl_buf *b, const char *s, size_t n)
{
	hl_buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void hl_buf_adds(hl_buf *b, const char *s)
{
	hl_buf_add(b, s, strlen(s));
}

void hl_buf_vaddf(hl_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	hl_buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void hl_buf_addf(hl_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hl_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void hl_buf_add_quoted(hl_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	/* runs of bytes kept as they are go in one copy: every finding's message quotes its
	 * match, and a quote seldom holds a control character */
	while (i < n) {
		size_t j = i;
		unsigned char c;
		while (j < n && (unsigned char)s[j] >= 0x20 && s[j] != 0x7f)
			j++;
		hl_buf_add(b, s + i, j - i);
		if (j == n)
			break;
		c = (unsigned char)s[j];
		if (c == '\n' || c == '\r' || c == '\t')
			hl_buf_addc(b, ' ');
		else
			hl_buf_addf(b, "\\x%02x", c);
		i = j + 1;
	}
}

char *hl_buf_detach(hl_buf *b)
{
	char *s;

	if (b->s == NULL)
		return hl_strdup("");
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void hl_buf_release(hl_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

size_t hl_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c;
	size_t len, i;
	uint32_t cp;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		len = 2;
		cp = c & 0x1f;
	} else if (c < 0xf0) {
		len = 3;
		cp = c & 0x0f;
	} else if (c < 0xf5) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int hl_simd = 1;

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS (ONES * 0x80)

/* Eight bytes from p, in any alignment. */
static uint64_t load8(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
	return w;
}

unsigned long hl_utf8_cp(const unsigned char *s, size_t *len)
{
	size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1, k;
	unsigned long cp = n == 1 ? s[0] : s[0] & (0x7F >> n);

	for (k = 1; k < n && (s[k] & 0xC0) == 0x80; k++)
		cp = cp << 6 | (s[k] & 0x3F);
	*len = k;
	return cp;
}

size_t hl_utf8_count(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, count = 0, l;

	while (i < n) {
		if (hl_simd && n - i >= 8 && (load8(p + i) & HIGHS) == 0) { /* eight ASCII characters */
			i += 8;
			count += 8;
			continue;
		}
		l = hl_utf8_len(p + i, n - i);
		i += l ? l : 1;
		count++;
	}
	return count;
}

size_t hl_ascii_span(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

#if HL_SSE2
	if (hl_simd) { /* a byte from 0x80 sets its bit in the mask */
		for (; n - i >= 64; i += 64) {
			__m128i a = _mm_loadu_si128((const __m128i *)(p + i)), b = _mm_loadu_si128((const __m128i *)(p + i + 16));
			__m128i c = _mm_loadu_si128((const __m128i *)(p + i + 32)), d = _mm_loadu_si128((const __m128i *)(p + i + 48));
			if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) != 0)
				break;
		}
		for (; n - i >= 16; i += 16) {
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(p + i)));
			if (m != 0)
				return i + (size_t)__builtin_ctz(m);
		}
	}
#endif
	if (hl_simd)
		while (n - i >= 8 && (load8(p + i) & HIGHS) == 0)
			i += 8;
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

int hl_all_ascii(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (hl_simd)
		for (; n - i >= 8; i += 8)
			if (load8(p + i) & HIGHS)
				return 0;
	for (; i < n; i++)
		if (p[i] & 0x80)
			return 0;
	return 1;
}

int hl_has_digit(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

#if HL_SSE2
	if (hl_simd) { /* 16 bytes at a time; bytes from 0x80 are negative, so no digit */
		const __m128i lo = _mm_set1_epi8('0' - 1), hi = _mm_set1_epi8('9' + 1);
		for (; n - i >= 16; i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
			if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi))) != 0)
				return 1;
		}
	}
#endif
	/* eight bytes at a time: with the top bit of each byte cleared, adding 0x50 carries
	 * into it from 0x30 up, adding 0x46 from 0x3a up, and no sum leaves its byte */
	for (; hl_simd && n - i >= 8; i += 8) {
		uint64_t w = load8(p + i), low = w & ~HIGHS;
		if (((low + ONES * 0x50) & ~(low + ONES * 0x46) & ~w & HIGHS) != 0)
			return 1;
	}
	for (; i < n; i++)
		if ((unsigned)(p[i] - '0') < 10u)
			return 1;
	return 0;
}

size_t hl_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *row, prev, cur, best;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	row = hl_malloc((lb + 1) * sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

int hl_read_fd(int fd, hl_buf *out, size_t size)
{
	return hl_read_fd_max(fd, out, size, SIZE_MAX);
}

int hl_read_fd_max(int fd, hl_buf *out, size_t size, size_t max)
{
	size_t len0 = out->len;

	if (size > 0)
		hl_buf_grow(out, size + 1);
	for (;;) {
		ssize_t n;
		size_t ask;
		if (out->cap - out->len < 2)
			hl_buf_grow(out, 65536);
		ask = out->cap - out->len - 1;
		n = read(fd, out->s + out->len, ask);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		out->len += (size_t)n;
		/* a regular file holds the size fstat gave, and a read that asked for more
		 * stopped there: it met the end, and one more read would only say so */
		if (size > 0 && out->len - len0 == size && (size_t)n < ask)
			break;
		if (out->len > max)
			break;
	}
	if (out->s == NULL)
		hl_buf_grow(out, 0);
	out->s[out->len] = '\0';
	return 0;
}

int hl_read_stream(FILE *fp, hl_buf *out)
{
	struct stat st;
	int fd = fileno(fp);

	/* nothing has been read through fp: its descriptor is read directly, a regular
	 * file into a buffer of its size */
	return hl_read_fd(fd, out,
			  fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
				  (uintmax_t)st.st_size < SIZE_MAX / 4
			  ? (size_t)st.st_size : 0);
}

int hl_cmp_strs(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A name listed with its kind (a d_type), sorted by name. A directory of a site's posts
 * may hold tens of thousands of names alike in their first bytes ("post-123.html"). The
 * first 16 bytes of a name, as two big-endian numbers (zeros past its end), order two
 * names as strcmp does unless both are equal, and the names themselves are compared only
 * then: sorting 57,600 names went from about 10 ms with strcmp on each pair (reading
 * names from all over the heap) to about 7.
 */
typedef struct dir_entry {
	uint64_t key[2];
	char *name;
	unsigned char kind;
} dir_entry;

static void entry_key(dir_entry *e)
{
	const unsigned char *s = (const unsigned char *)e->name;
	int i, end = 0;

	e->key[0] = e->key[1] = 0;
	for (i = 0; i < 16; i++) {
		unsigned c = end ? 0 : s[i];
		end = end || c == 0;
		e->key[i / 8] = e->key[i / 8] << 8 | c;
	}
}

static int cmp_entries(const void *a, const void *b)
{
	const dir_entry *x = a, *y = b;

	if (x->key[0] != y->key[0])
		return x->key[0] < y->key[0] ? -1 : 1;
	if (x->key[1] != y->key[1])
		return x->key[1] < y->key[1] ? -1 : 1;
	return strcmp(x->name, y->name);
}

char **hl_dir_entries(const char *dir, size_t *n, unsigned char **kinds)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	dir_entry *v = NULL;
	char **names;
	size_t cap = 0, i;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		HL_GROW(v, cap, *n + 1);
		v[*n].name = hl_strdup(de->d_name);
		entry_key(&v[*n]);
#ifdef DT_UNKNOWN
		v[*n].kind = de->d_type;
#else
		v[*n].kind = 0;
#endif
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof *v, cmp_entries);
	names = hl_calloc(*n + 1, sizeof *names);
	if (kinds != NULL)
		*kinds = hl_calloc(*n + 1, 1);
	for (i = 0; i < *n; i++) {
		names[i] = v[i].name;
		if (kinds != NULL)
			(*kinds)[i] = v[i].kind;
	}
	free(v);
	return names;
}

char **hl_dir_names(const char *dir, size_t *n)
{
	return hl_dir_entries(dir, n, NULL);
}

void hl_strs_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void hl_path_join(hl_buf *b, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	b->len = 0;
	hl_buf_add(b, dir, n);
	if (n == 0 || dir[n - 1] != '/')
		hl_buf_addc(b, '/');
	hl_buf_adds(b, name);
}
