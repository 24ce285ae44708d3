/*
 * poscheck.c - checks that each reported position points at the text it quotes.
 *
 * Reads hypelint's gcc-format output on stdin (run from the directory the paths are
 * relative to). For every "FILE:LINE:COL: severity: message" whose message quotes the
 * match in double quotes, it finds LINE:COL in FILE (columns count characters) and
 * checks that the source there reads as the quoted text: white space may differ in
 * kind and amount, HTML tags and Markdown markup may stand between words, and entities
 * stand for the characters they encode. Prints each mismatch; exit 1 if any.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "source.h"
#include "util.h"

static int markup; /* 1 html, 2 markdown */

static size_t skip_markup(const char *s, size_t i, size_t n)
{
	for (;;) {
		if (i < n && s[i] == '<' && markup && i + 1 < n && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!')) {
			const char *gt = memchr(s + i, '>', n - i);
			i = gt ? (size_t)(gt - s) + 1 : n;
		} else if (markup == 2 && i < n && (s[i] == '*' || s[i] == '_' || s[i] == '[' || s[i] == '\\')) {
			i++;
		} else if (markup == 2 && i + 1 < n && s[i] == ']' && s[i + 1] == '(') {
			const char *cl = memchr(s + i, ')', n - i);
			i = cl ? (size_t)(cl - s) + 1 : n;
		} else if (markup == 2 && i < n && s[i] == ']') {
			i++;
		} else
			return i;
	}
}

static int is_ws(const char *s, size_t i, size_t n, size_t *len)
{
	if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		*len = 1;
		return 1;
	}
	if (i + 1 < n && (unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] == 0xa0) {
		*len = 2;
		return 1;
	}
	if (markup && i + 5 < n && !strncmp(s + i, "&nbsp;", 6)) {
		*len = 6;
		return 1;
	}
	return 0;
}

/* Does the source from i read as q? */
static int reads_as(const char *s, size_t i, size_t n, const char *q)
{
	size_t l;

	while (*q) {
		if (*q == ' ') {
			int any = 0;
			for (;;) {
				i = skip_markup(s, i, n);
				if (i < n && is_ws(s, i, n, &l)) {
					i += l;
					any = 1;
				} else
					break;
			}
			if (!any)
				return 0;
			q++;
			continue;
		}
		if (i >= n)
			return 0;
		if ((unsigned char)*q == s[i] && s[i] != '&') {
			i++;
			q++;
			continue;
		}
		if (markup && s[i] == '&') {
			char buf[8];
			size_t bl, k = hl_html_entity(s + i, n - i, buf, &bl);
			if (k > 0 && !strncmp(q, buf, bl)) {
				i += k;
				q += bl;
				continue;
			}
			if (*q == '&') {
				i++;
				q++;
				continue;
			}
			return 0;
		}
		{
			size_t j = skip_markup(s, i, n);
			if (j == i)
				return 0;
			i = j;
		}
	}
	return 1;
}

int main(void)
{
	char line[8192];
	int bad = 0, checked = 0;

	while (fgets(line, sizeof line, stdin) != NULL) {
		char file[4096], *q1, *q2, *msg;
		unsigned long ln, col;
		hl_source src;
		size_t off, ls, le, c;
		int n = 0;

		if (line[0] == ' ' || sscanf(line, "%4095[^:]:%lu:%lu: %n", file, &ln, &col, &n) != 3 || n == 0)
			continue;
		msg = line + n;
		if ((q1 = strchr(msg, '"')) == NULL || (q2 = strchr(q1 + 1, '"')) == NULL)
			continue;
		*q2 = '\0';
		if (q2 - q1 > 3 && !strcmp(q2 - 3, "..."))
			q2[-3] = '\0'; /* a long match, quoted in part */
		if (hl_source_read(&src, file, stderr) != 0) {
			bad++;
			continue;
		}
		markup = strstr(file, ".htm") ? 1 : (strstr(file, ".md") || strstr(file, ".markdown")) ? 2 : 0;
		hl_source_line(&src, ln, &ls, &le);
		for (off = ls, c = 1; c < col && off < src.len; c++) {
			size_t l = hl_utf8_len((const unsigned char *)src.data + off, src.len - off);
			off += l ? l : 1;
		}
		checked++;
		if (!reads_as(src.data, off, src.len, q1 + 1)) {
			fprintf(stderr, "poscheck: %s:%lu:%lu: source does not read \"%s\" there\n", file, ln, col, q1 + 1);
			bad++;
		}
		hl_source_release(&src);
	}
	printf("positions: %d checked, %d wrong\n", checked, bad);
	return bad != 0;
}
