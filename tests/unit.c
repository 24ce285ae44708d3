/* unit.c - unit tests for the line index, the offset map and sentence segmentation. */
#define _GNU_SOURCE /* O_PATH */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "check_int.h"
#include "doc.h"
#include "extract.h"
#include "prefilter.h"
#include "source.h"

static int passed, failed;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (cond)                                                 \
			passed++;                                         \
		else {                                                    \
			failed++;                                         \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
		}                                                         \
	} while (0)

static void test_pos(void)
{
	hl_source s;
	size_t line, col;
	const char *text = "\xEF\xBB\xBF" "ab\r\nc\xC3\xA9" "d\n\nx";

	hl_source_from_mem(&s, "t", text, strlen(text));
	hl_source_pos(&s, 3, &line, &col); /* 'a' after the BOM */
	CHECK(line == 1 && col == 1, "BOM: got %zu:%zu", line, col);
	hl_source_pos(&s, 4, &line, &col);
	CHECK(line == 1 && col == 2, "b: got %zu:%zu", line, col);
	hl_source_pos(&s, 7, &line, &col); /* 'c' after CRLF */
	CHECK(line == 2 && col == 1, "CRLF: got %zu:%zu", line, col);
	hl_source_pos(&s, 10, &line, &col); /* 'd' after a two-byte é */
	CHECK(line == 2 && col == 3, "UTF-8: got %zu:%zu", line, col);
	hl_source_pos(&s, 13, &line, &col); /* 'x' */
	CHECK(line == 4 && col == 1, "last line: got %zu:%zu", line, col);
	{
		size_t a, b;
		hl_source_line(&s, 1, &a, &b);
		CHECK(a == 3 && b == 5, "line 1 range without BOM and CR: %zu-%zu", a, b);
	}
	CHECK(s.nlines == 4, "4 lines, got %zu", s.nlines);
	hl_source_release(&s);

	hl_source_from_mem(&s, "empty", "", 0);
	hl_source_pos(&s, 0, &line, &col);
	CHECK(line == 1 && col == 1, "empty file: %zu:%zu", line, col);
	hl_source_release(&s);
}

/* The line of every offset of a text of many lines (some empty), from hl_source_line_of
 * and from hl_source_line_near with hints before, at, after and far from it, against a
 * count of the line breaks before it. */
static void test_line_near(void)
{
	enum { LINES = 700 };
	static char text[LINES * 24];
	hl_source s;
	size_t len = 0, off, want = 1, bad = 0, k;
	unsigned seed = 11;

	for (k = 0; k < LINES; k++) {
		size_t n = (seed = seed * 1103515245u + 12345u) >> 16 & 15, j;
		for (j = 0; j < n; j++)
			text[len++] = 'a';
		text[len++] = '\n';
	}
	text[len++] = 'z'; /* a last line without a break */
	hl_source_from_mem(&s, "t", text, len);
	CHECK(s.nlines == LINES + 1, "%d lines, got %zu", LINES + 1, s.nlines);
	for (off = 0; off <= len; off++) {
		const size_t hints[] = {0, 1, want, want > 1 ? want - 1 : 1, want + 1, want > 9 ? want - 9 : 1, want + 9,
					want + 300, want > 400 ? want - 400 : 2, s.nlines, s.nlines + 1, (size_t)-1};
		bad += hl_source_line_of(&s, off) != want;
		for (k = 0; k < sizeof hints / sizeof hints[0]; k++)
			bad += hl_source_line_near(&s, off, hints[k]) != want;
		if (off < len && text[off] == '\n')
			want++;
	}
	CHECK(bad == 0, "%zu wrong lines of offsets", bad);
	hl_source_release(&s);
}

/* The first link that ends at or after each prose offset, from hints before, at, after and
 * far from it, and from the last answer as the offsets rise; links of every length, empty
 * ones and gaps of every size between them, and a document with none. */
static void test_first_link(void)
{
	enum { LINKS = 600 };
	static hl_link links[LINKS];
	hl_doc d;
	size_t n, at = 0, p, k, bad = 0, rising;
	unsigned seed = 5;

	memset(&d, 0, sizeof d);
	for (n = 0; n < LINKS; n++) {
		at += (seed = seed * 1103515245u + 12345u) >> 16 & 7;
		links[n].start = at;
		at += (seed = seed * 1103515245u + 12345u) >> 16 & 3; /* 0: an empty link */
		links[n].end = at;
	}
	for (n = 0; n <= LINKS; n += LINKS) { /* none, then all */
		d.links = n ? links : NULL;
		d.nlinks = n;
		rising = 0;
		for (p = 0; p <= at + 3; p++) {
			size_t want = 0, got;
			while (want < n && links[want].end < p)
				want++;
			{
				const size_t hints[] = {0, 1, want, want ? want - 1 : 0, want + 1, want > 9 ? want - 9 : 0,
							want + 9, want + 300, want > 400 ? want - 400 : 0, n, n + 1, (size_t)-1};
				for (k = 0; k < sizeof hints / sizeof hints[0]; k++) {
					size_t h = hints[k];
					got = hl_doc_first_link_near(&d, p, &h);
					bad += got != want || h != want;
				}
			}
			bad += hl_doc_first_link_near(&d, p, &rising) != want; /* the offsets rise */
		}
	}
	CHECK(bad == 0, "%zu wrong first links", bad);
}

/* Split text (plain-text rules) and compare the sentences with want, separated by '|'. */
static void seg(const char *text, const char *want)
{
	hl_source s;
	hl_doc d;
	char got[2048] = "";
	size_t i;

	hl_source_from_mem(&s, "t", text, strlen(text));
	hl_doc_init(&d, &s);
	hl_extract(&d, HL_FMT_TEXT);
	for (i = 0; i < d.nsentences; i++) {
		if (i)
			strcat(got, "|");
		strncat(got, d.text.s + d.sentences[i].start, d.sentences[i].end - d.sentences[i].start);
	}
	CHECK(strcmp(got, want) == 0, "segmenting \"%s\":\n  want %s\n  got  %s", text, want, got);
	hl_doc_release(&d);
	hl_source_release(&s);
}

static void test_segment(void)
{
	seg("One. Two! Three? Four", "One.|Two!|Three?|Four");
	seg("Dr. Smith met Mr. Jones. They talked.", "Dr. Smith met Mr. Jones.|They talked.");
	seg("Take 4.5 mg daily. Then stop.", "Take 4.5 mg daily.|Then stop.");
	seg("Options exist, e.g. ketamine. Others too.", "Options exist, e.g. ketamine.|Others too.");
	seg("Davis et al. (2021) found this. Good.", "Davis et al. (2021) found this.|Good.");
	seg("Smith et al. Found it.", "Smith et al. Found it.");
	seg("It is approved in the U.S. for adults. Not kids.", "It is approved in the U.S. for adults.|Not kids.");
	seg("Psilocybin vs. escitalopram. A trial.", "Psilocybin vs. escitalopram.|A trial.");
	seg("J. K. Rowling wrote it. Yes.", "J. K. Rowling wrote it.|Yes.");
	seg("Wait... what happened? Nothing.", "Wait... what happened?|Nothing.");
	seg("It ended... Then it began.", "It ended...|Then it began.");
	seg("He said \"it works.\" She agreed.", "He said \"it works.\"|She agreed.");
	seg("A (see Fig. 2) result. B.", "A (see Fig. 2) result.|B.");
	seg("- first item\n- second item", "first item|second item");
	seg("1. one\n2. two", "one|two");
	seg("line one\nwraps here. Next\nsentence.", "line one wraps here.|Next sentence.");
	seg("para one\n\npara two", "para one|para two");
	seg("It was in 2019. The end.", "It was in 2019.|The end.");
	seg("Ask your doctor \xE2\x80\x9cwhy?\xE2\x80\x9d Then decide.", "Ask your doctor \xE2\x80\x9cwhy?\xE2\x80\x9d|Then decide.");
	seg("lower case. after a stop", "lower case. after a stop");
}

/* Offsets through the map: HTML entities and tags. */
static void test_map(void)
{
	const char *html = "<p>It&rsquo;s a <b>breakthrough</b>&nbsp;now</p><p>B</p>";
	hl_source s;
	hl_doc d;
	const char *hit;

	hl_source_from_mem(&s, "t.html", html, strlen(html));
	hl_doc_init(&d, &s);
	hl_extract(&d, HL_FMT_HTML);
	CHECK(strcmp(d.text.s, "It\xE2\x80\x99s a breakthrough now\nB") == 0, "html prose: \"%s\"", d.text.s);
	hit = strstr(d.text.s, "breakthrough");
	CHECK(hit && hl_doc_src(&d, (size_t)(hit - d.text.s)) == (size_t)(strstr(html, "breakthrough") - html),
	      "breakthrough maps to its source");
	hit = strstr(d.text.s, "\xE2\x80\x99");
	CHECK(hit && hl_doc_src(&d, (size_t)(hit - d.text.s)) == 5, "entity maps to its '&'");
	CHECK(hit && hl_doc_src_end(&d, (size_t)(hit - d.text.s) + 3) == 12, "entity ends after ';'");
	CHECK(d.nblocks == 2, "two paragraphs, got %zu", d.nblocks);
	CHECK(d.nsentences == 2, "two sentences, got %zu", d.nsentences);
	hl_doc_release(&d);
	hl_source_release(&s);
}

/* Runs of text with single white-space characters inside are copied as one run: a lone
 * tab or line break reads as a space and still maps byte for byte; longer or non-ASCII
 * white space gets a synthetic anchor of its own. */
static void test_text_runs(void)
{
	const char *t = "It\tworks  four\ntimes\xC2\xA0" "better. ";
	hl_source s;
	hl_doc d;

	hl_source_from_mem(&s, "t", t, strlen(t));
	hl_doc_init(&d, &s);
	hl_doc_text(&d, t, 10, 0);   /* split mid-way: "It\tworks " */
	hl_doc_text(&d, t + 10, strlen(t) - 10, 10);
	hl_doc_finish(&d);
	CHECK(strcmp(d.text.s, "It works four times better.") == 0, "runs prose: \"%s\"", d.text.s);
	CHECK(hl_doc_src(&d, 2) == 2 && hl_doc_src(&d, 3) == 3, "the tab maps to itself");
	CHECK(hl_doc_src(&d, 8) == 8, "a double space maps to its first byte");
	CHECK(hl_doc_src(&d, 9) == 10 && hl_doc_src(&d, 13) == 14 && hl_doc_src(&d, 14) == 15,
	      "four\\ntimes maps byte for byte");
	CHECK(hl_doc_src(&d, 19) == 20 && hl_doc_src_end(&d, 20) == 21, "NBSP maps to its first byte");
	CHECK(hl_doc_src(&d, 20) == 22, "better maps after the NBSP");
	CHECK(d.nanchors == 5, "five anchors, got %zu", d.nanchors);
	hl_doc_release(&d);
	hl_source_release(&s);
}

/* The trigger index: words match at the start of a token, without case, as prefixes. */
static void test_trigger_index(void)
{
	char *w0[] = {"stud"}, *w1[] = {"study", "fda"}, *w2[] = {"#"}, *w3[] = {"fd", "zz"};
	hl_triggers t[4] = {{w0, 1, 1}, {w1, 2, 1}, {w2, 1, 1}, {w3, 2, 1}};
	hl_trigger_index *ix = hl_trigger_index_new(t, 4);
	uint64_t hit[1];
	hl_cands c[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
	const char *s = "The STUDies, by caf\xC3\xA9stud and xfda: 3x";

	memset(hit, 0, sizeof hit);
	hl_trigger_index_scan(ix, "Studied", 7, hit);
	CHECK(hit[0] == 1, "stud is a prefix of Studied, study is not");
	memset(hit, 0, sizeof hit);
	hl_trigger_index_scan(ix, "mid-study FDA", 13, hit);
	CHECK(hit[0] == (1 | 2 | 8), "study and FDA after a hyphen and a space");
	memset(hit, 0, sizeof hit);
	hl_trigger_index_scan(ix, "xfda astudy 2x", 11, hit);
	CHECK(hit[0] == 0, "no word inside a token");
	/* slots 2 and 3 collect candidate offsets instead */
	memset(hit, 0, sizeof hit);
	hl_trigger_index_scan_at(ix, s, 0, strlen(s), strlen(s), hit, 2, c);
	CHECK(hit[0] == 1, "STUDies and stud after a non-ASCII letter, no study");
	CHECK(c[0].n == 1 && c[0].v[0] == (uint32_t)(strchr(s, '3') - s), "the digit token, got %zu", c[0].n);
	CHECK(c[1].n == 0, "fd only inside xfda, got %zu", c[1].n);
	free(c[0].v);
	free(c[1].v);
	hl_trigger_index_free(ix);
}

/* The next of a fixed series of pseudo-random numbers (a linear congruential step). */
static unsigned next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* A pseudo-random word of 1-6 characters over a small alphabet, so that words share
 * prefixes and the double array's cells are crowded; uppercase now and then. With `more`,
 * two letters that no word of the index holds may come too, so that a token can leave
 * the trie at its first or second character. */
static void gen_word(unsigned *seed, char *w, size_t cap, int more)
{
	static const char set[] = "abcdeAE019zqX";
	size_t n = 1 + next_rand(seed) % 6, k;

	for (k = 0; k < n && k + 1 < cap; k++)
		w[k] = set[next_rand(seed) % (sizeof set - (more ? 1 : 3))];
	w[k] = '\0';
}

static int same_class(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

enum { MANY_NR = 128, MANY_NW = 6 };

/* The rules whose words a plain reading finds in the tokens that begin in text[from, end)
 * (a token cut by `from` begins there; one cut by `end` is walked up to it, and is whole
 * only when it ends before it), into want: "w" a prefix of a token, "w " a whole token,
 * "w x" a whole token before one that begins with x (read up to len). */
static void plain_hits(char words[][MANY_NW][16], const char *text, size_t from, size_t end, size_t len,
		       uint64_t want[2])
{
	size_t i, r, k;

	want[0] = want[1] = 0;
	for (i = from; i < end; i++) {
		size_t e = i, j;
		if (!isalnum((unsigned char)text[i]) || (i > from && isalnum((unsigned char)text[i - 1])))
			continue;
		while (e < len && isalnum((unsigned char)text[e]))
			e++;
		j = e;
		while (j < len && !isalnum((unsigned char)text[j]))
			j++;
		for (r = 0; r < MANY_NR; r++)
			for (k = 0; k < MANY_NW; k++) {
				const char *w = words[r][k], *sp = strchr(w, ' ');
				size_t wl = sp ? (size_t)(sp - w) : strlen(w), q;
				int ok = wl <= (e < end ? e : end) - i;
				for (q = 0; ok && q < wl; q++)
					ok = same_class(w[q], text[i + q]);
				if (ok && sp != NULL) {
					ok = wl == e - i;
					for (q = 0; ok && sp[1 + q]; q++)
						ok = j + q < len && isalnum((unsigned char)text[j + q]) &&
						     same_class(sp[1 + q], text[j + q]);
				}
				if (ok)
					want[r / 64] |= 1ULL << (r % 64);
			}
	}
}

/* The index against a plain reading of what its words mean, on many generated words, over
 * whole texts and over ranges of them. Every rule is a bit, so the scan's result is the
 * set of rules found. */
static void test_trigger_index_many(void)
{
	static char words[MANY_NR][MANY_NW][16];
	char *ptrs[MANY_NR][MANY_NW];
	hl_triggers t[MANY_NR];
	unsigned char keep[MANY_NR];
	unsigned seed = 7;
	char text[4096];
	size_t r, k, n = 0, round;
	hl_trigger_index *ix, *sub;

	for (r = 0; r < MANY_NR; r++) {
		for (k = 0; k < MANY_NW; k++) {
			char a[8], b[8];
			gen_word(&seed, a, sizeof a, 0);
			gen_word(&seed, b, sizeof b, 0);
			switch ((seed >> 8) % 4) {
			case 0:
				snprintf(words[r][k], sizeof words[r][k], "%s ", a);
				break;
			case 1:
				snprintf(words[r][k], sizeof words[r][k], "%s %s", a, b);
				break;
			default:
				snprintf(words[r][k], sizeof words[r][k], "%s", a);
			}
			ptrs[r][k] = words[r][k];
		}
		t[r] = (hl_triggers){ptrs[r], MANY_NW, 1};
		keep[r] = r % 3 != 0;
	}
	ix = hl_trigger_index_new(t, MANY_NR);
	sub = hl_trigger_index_subset(ix, keep);
	for (round = 0; round < 400; round++) {
		size_t len = 0, ntok = 1 + round % 5, i, from, end;
		uint64_t hit[2] = {0, 0}, shit[2] = {0, 0}, want[2];
		for (i = 0; i < ntok; i++) {
			char w[8];
			gen_word(&seed, w, sizeof w, round % 4 >= 2);
			len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? ((seed >> 9) % 2 ? " " : ", ") : "", w);
		}
		/* the whole text, then a range with ends anywhere, inside tokens too */
		if (round % 2 == 0) {
			from = 0;
			end = len;
			hl_trigger_index_scan(ix, text, len, hit);
			hl_trigger_index_scan(sub, text, len, shit);
		} else {
			from = next_rand(&seed) % len;
			end = from + 1 + next_rand(&seed) % (len - from);
			hl_trigger_index_scan_at(ix, text, from, end, len, hit, MANY_NR, NULL);
			hl_trigger_index_scan_at(sub, text, from, end, len, shit, MANY_NR, NULL);
		}
		plain_hits(words, text, from, end, len, want);
		CHECK(hit[0] == want[0] && hit[1] == want[1],
		      "\"%s\" [%zu, %zu): the index found %016llx%016llx, the words %016llx%016llx", text, from, end,
		      (unsigned long long)hit[1], (unsigned long long)hit[0], (unsigned long long)want[1],
		      (unsigned long long)want[0]);
		for (r = 0; r < MANY_NR; r++)
			if (!keep[r])
				want[r / 64] &= ~(1ULL << (r % 64));
		CHECK(shit[0] == want[0] && shit[1] == want[1], "\"%s\" [%zu, %zu): the subset found other rules", text,
		      from, end);
		n += want[0] != 0 || want[1] != 0;
	}
	CHECK(n > 200, "most texts hold a word, %zu did", n);
	hl_trigger_index_free(sub);
	hl_trigger_index_free(ix);
}

static void test_supp(void)
{
	hl_supp sp;
	const char *c = " hypelint-disable-next-line hype-word, cure-claim ";

	CHECK(hl_supp_parse(c, strlen(c), 100, &sp) == 1, "directive recognised");
	CHECK(sp.kind == HL_SUPP_NEXT_LINE && sp.nids == 2, "next-line with two ids");
	CHECK(sp.nids == 2 && !strcmp(sp.ids[1], "cure-claim") && sp.id_src[0] == 128, "ids and offsets");
	hl_supp_release(&sp);
	CHECK(hl_supp_parse(" hypelint-disabled", 18, 0, &sp) == 0, "not a directive");
	CHECK(hl_supp_parse("hypelint-enable", 15, 0, &sp) == 1 && sp.kind == HL_SUPP_ENABLE && sp.nids == 0,
	      "enable for every rule");
	hl_supp_release(&sp);
}

/* The words an analysis gives for re, joined by sep ("" when unknown; sorted when asked),
 * against want. */
static void analysed(void (*fn)(hl_triggers *, const char *), const char *what, const char *re, const char *sep,
		     int sorted, const char *want)
{
	hl_triggers t;
	char got[2048] = "";
	size_t i;

	fn(&t, re);
	if (t.known && sorted)
		qsort(t.words, t.n, sizeof *t.words, hl_cmp_strs);
	for (i = 0; t.known && i < t.n; i++) {
		if (i)
			strcat(got, sep);
		strncat(got, t.words[i], 100);
	}
	CHECK(strcmp(got, want) == 0, "%s of %s:\n  want \"%s\"\n  got  \"%s\"", what, re, want, got);
	hl_triggers_release(&t);
}

/* Trigger words of a regex, joined by spaces ("" when the analysis gives up). */
static void trig(const char *re, const char *want)
{
	analysed(hl_triggers_from_regex, "triggers", re, " ", 0, want);
}

static void test_triggers(void)
{
	trig("\\bmiracle\\b", "miracle");
	trig("(?:\\bmiracle\\b)|(?:\\bgame(?:-\\s?|\\s)?chang(?:er|ing)\\b)", "miracle game");
	trig("\\bcur(?:es?|ed)\\s+(?:your\\s+)?depression", "depression");
	trig("\\b\\d+\\s?%\\s+of", "#");
	trig("miracle", "");                      /* no word boundary: the rule always runs */
	trig("\\b(?:a|the)\\s+cure", "cure");
	trig("\\b(?:it|this)?\\s*works", "");      /* optional start: nothing certain */
	trig("\\b(?:x|\\d+)\\s+times", "times");
	trig("\\bfoo(?=bar)", "foo");
	/* a positive lookaround asserts its words are there; a negative one, that they are not */
	trig("\\bis(?=\\s+(?:conducted|ran)\\s+a\\b)", "conducted ran");
	trig("(?<=\\bthe\\s)lancet\\b", "the");   /* lancet does not start a token for sure */
	trig("\\bis(?!\\s+(?:conducted|ran)\\b)", "is");
	trig("\\bit(?=\\s+(?:conducted|ran)|x)", "it");
	trig("(a+)+$", "");
	trig("\\b(?:one|(?:two|three))\\b", "one two three");
	trig("\\b\\1", "");                        /* back-references: give up */
	trig("\\b\\x41BC\\b", "abc");              /* \\xhh of a letter is that letter */
	trig("\\bcan\\x{2019}t\\s+fail", "fail");          /* the most selective word */
	/* an optional assertion asserts nothing: "xfoo" matches */
	trig("\\bx\\b?foo", "x");
	trig("\\bis(?=\\s+conducted)?", "is");
	/* verbs and assertions by name are not read: "(*plb:" looks behind, "(*pla:" ahead */
	trig("(*positive_lookbehind:\\bworks\\s)\\bketamine\\b", "");
	trig("(*plb:\\bworks\\s)\\bketamine\\b", "");
	trig("\\bketamine(*pla:\\s+works)", "");
	trig("(*UCP)\\bmiracle\\b", "");
	trig("\\b(*atomic:miracle|wonder)\\b", "");
}

/* Every word set a regex requires, each as its words joined by commas, the sets by " & ". */
static void sets(const char *re, const char *want)
{
	hl_triggers *v;
	size_t n, k, j;
	char got[512] = "";

	hl_trigger_sets_from_regex(re, &v, &n);
	for (k = 0; k < n; k++) {
		CHECK(v[k].known, "%s: set %zu unknown", re, k);
		if (k > 0)
			strcat(got, " & ");
		for (j = 0; j < v[k].n; j++) {
			if (j > 0)
				strcat(got, ",");
			strncat(got, v[k].words[j], sizeof got - strlen(got) - 1);
		}
		hl_triggers_release(&v[k]);
	}
	free(v);
	CHECK(strcmp(got, want) == 0, "sets of %s: want \"%s\", got \"%s\"", re, want, got);
}

static void test_trigger_sets(void)
{
	sets("\\bpsilocybin\\b[^.;]{0,80}\\b(?:escitalopram|Lexapro)\\b", "psilocybin & escitalopram,lexapro");
	sets("\\bCOMP360\\b", "comp360");
	sets("\\b\\d+\\s?%\\s+of", "# & of");
	sets("(*plb:\\bworks\\s)\\bketamine\\b", "");           /* an assertion by name: not read */
	sets("\\bfoo(?=\\s+bar)", "bar & foo");
	/* a set inside a group holds only where the group must match: not the whole pattern's */
	sets("\\ba\\s+(?:\\bb\\s+\\bc|\\bd)", "a & b,d");
	sets("\\ba\\s+(?:\\bb\\s+\\bc)?", "a");
	/* at its top an alternation needs none of its branches' sets */
	sets("\\bfoo\\b|\\bbar\\b", "");
	sets("\\bx?yz\\b", "");
	sets("\\b\\1", "");
}

/* Start words of a regex, joined by spaces ("" when a match could begin anywhere). */
static void starts(const char *re, const char *want)
{
	analysed(hl_starts_from_regex, "start words", re, " ", 0, want);
}

static void test_starts(void)
{
	starts("\\bmiracle\\b", "miracle");
	starts("\\bcur(?:es?|ed)\\s+depression", "cur");              /* the literal run, a prefix */
	starts("\\b(?:(?:it|this)\\s+)?(?:will|can)\\s+help", "it this will can"); /* optional lead-in */
	starts("\\b(?:a|the)?\\s*cure", "");       /* may begin with a space */
	starts("miracle", "");                       /* no \\b: may begin inside a token */
	starts("\\b\\d+\\s?%", "#");
	starts("\\d+%", "");                         /* may begin inside a number */
	starts("\\b(?<!American\\s)revolutionary", "revolutionary"); /* lookbehinds read nothing */
	starts("\\b(?:is|(?<=\\w['\xe2\x80\x99])s)\\s+\\Kthe", "is s");
	starts("\\(\\w+ et al", "");                 /* begins with a symbol */
	starts("\\b(?:foo)?", "");                   /* may match empty */
	starts("\\bx?y", "x y");                      /* an optional first letter */
	starts("\\b(?-i:[A-Z])\\w+", "");            /* a class: any letter */
	starts("(?x)\\b foo", "");                   /* extended mode is not read */
	starts("\\b(?:one|(?:two|three))\\b", "one two three");
	starts("\\bnew(?:\\s+york)?|\\bold", "new old");
	starts("\\b?foo", "");                      /* an optional \b: may begin inside a token */
}

/* Start keys of a regex, sorted and joined by "|" ("" when unknown). */
static void keys(const char *re, const char *want)
{
	analysed(hl_start_keys_from_regex, "start keys", re, "|", 1, want);
}

/* Which regexes match a digit in every match: the citation markers of the evidence set
 * do; anything optional, in one branch only, in a lookaround, or unreadable does not. */
static void test_needs_digit(void)
{
	static const struct {
		const char *re;
		int want;
	} cases[] = {
		{"\\[\\d{1,3}(?:\\s*[,\xe2\x80\x93-]\\s*\\d{1,3})*\\]", 1},
		{"\\((?-i:[A-Z])[\\p{L}'\xe2\x80\x99-]++,?\\s+(?:19|20)\\d\\d[a-z]?\\)", 1},
		{"(?:\\[\\d+\\])|(?:\\bsee\\s+20\\d\\d\\b)", 1},
		{"[0-9]+%", 1},
		{"a[\\d]", 1},
		{"\\x31x", 1},                 /* \x31 is the digit 1 */
		{"(?i)x(?:7|8)y", 1},
		{"(?:a(?:1|2)|3)b", 1},
		{"\\bmiracle\\b", 0},
		{"\\d?x", 0},                  /* optional */
		{"\\d{0,3}x", 0},
		{"(?:\\d|x)", 0},              /* one branch only */
		{"\\[\\d\\]|\\bsee\\b", 0},
		{"x(?=\\d)", 0},               /* a lookahead matches nothing */
		{"(?<=19)x", 0},
		{"x(?!\\d)", 0},
		{"[^0-9]", 0},                   /* a negated class */
		{"[0-9a]", 0},
		{"\\D", 0},
		{"(\\d)\\1", 0},                /* a back-reference: not read */
		{"\\Q1\\E", 0},                 /* quoting: not read */
		{"(?:1", 0},                     /* unbalanced */
		{"(*atomic:1)", 0},              /* a verb or an assertion by name: not read */
		{"1)", 0},
		{"", 0},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(hl_regex_needs_digit(cases[i].re) == cases[i].want, "needs a digit: %s: want %d",
		      cases[i].re, cases[i].want);
}

/* The stop bytes of re are exactly those listed in stops (none: 0 returned). */
static void stops(const char *re, const char *want)
{
	uint64_t got[2], w[2] = {0, 0};
	int rc = hl_regex_stop_bytes(re, got);
	const char *p;

	for (p = want; *p; p++)
		w[(unsigned char)*p >> 6] |= 1ULL << ((unsigned char)*p & 63);
	CHECK(rc == (*want != '\0'), "stop bytes: %s: returned %d", re, rc);
	CHECK(got[0] == w[0] && got[1] == w[1], "stop bytes: %s: got %016llx %016llx", re,
	      (unsigned long long)got[1], (unsigned long long)got[0]);
}

/* The bytes that are not stop bytes of re: all of ASCII but those in not_stops. */
static void stops_but(const char *re, const char *not_stops)
{
	char want[129];
	size_t n = 0;
	int c;

	for (c = 1; c < 128; c++)
		if (strchr(not_stops, c) == NULL)
			want[n++] = (char)c;
	want[n] = '\0';
	{
		uint64_t got[2];
		int rc = hl_regex_stop_bytes(re, got);
		CHECK(rc == 1 && (got[0] & 1), "stop bytes: %s: NUL", re); /* none of these holds a NUL */
		got[0] &= ~1ULL;
		{
			uint64_t w[2] = {0, 0};
			size_t i;
			for (i = 0; i < n; i++)
				w[(unsigned char)want[i] >> 6] |= 1ULL << ((unsigned char)want[i] & 63);
			CHECK(got[0] == w[0] && got[1] == w[1], "stop bytes: %s: got %016llx %016llx", re,
			      (unsigned long long)got[1], (unsigned long long)got[0]);
		}
	}
}

static void test_stop_bytes(void)
{
	/* the claim of missing-risks: a clause, then a word */
	stops("a[^.!?\\n]{0,80}b", ".!?\n");
	stops("\\bkey\\b[^.!?\\n]{0,80}(?=[bw])\\b(?:works?|break\\s+free)\\b", ".!?"); /* \s holds \n */
	stops("(?<!\\bno\\s)x[^.!?\\n]*", ".!?\n");   /* a lookbehind that must fail reads no byte */
	stops("x(?![.!?])[^.!?\\n]*", ".!?\n");       /* nor does a negative lookahead */
	stops("x[^.!?\\n]*(?=[^!?\\n]*\\.)", "!?\n");  /* a positive one holds what it asserts */
	stops("(?<=\\.)x[^.!?\\n]*", "");              /* a positive lookbehind reads before the match */
	stops("x[^.!?\\n]*.", "");                     /* . holds anything */
	stops("x[^.!?\\n]*\\S", "");
	stops("x[^.!?\\n]*\\p{P}", "");
	stops("x[^.!?\\n]*[[:punct:]]", "");
	stops("x[^.!?\\n]*[^a-z]", "");                /* the range of a negated class is kept in */
	stops("x[^.!?\\n]*[^\\d]", "");
	stops("x[^.!?\\n]*\\.", "!?\n");
	stops("x[^.!?\\n]*[.,]", "!?\n");
	stops("x[^.!?\\n]*[!-.]", "?\n");               /* a range: ! to . */
	stops("x[^.!?\\n]*\\x2e", "!?\n");              /* \x2e is the dot */
	stops("x[^.!?\\n]*[\\x{21}]", ".?\n");
	stops("x[^.!?\\n]*\\r?\\n", ".!?");
	stops("x[^.!?\\n]*(\\d)\\1", "");               /* a back-reference: not read */
	stops("x[^.!?\\n]*\\Q.\\E", "");                /* quoting: not read */
	stops("x[^.!?\\n]*(?:1", "");                   /* unbalanced */
	/* a letter stands for both of its cases, and a character past ASCII for every letter (the
	 * Kelvin sign matches k caselessly) */
	stops("[^x]", "x"); /* caselessly [^x] holds no X either: a superset is told */
	stops_but("a", "aA");
	stops_but("(?-i:a)", "aA");
	stops_but("\\d+", "0123456789");
	stops_but("\\w", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	stops_but("\\s", " \t\n\v\f\r");
	stops_but("\xe2\x84\xaa", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	stops_but("\\x{212A}", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	stops_but("[a-c]", "abcABC");
	stops_but("[\\]\\-]", "]-");
	stops_but("[]x]", "]xX");
	stops("[^]", "");                                  /* unclosed */
	stops("(*plb:\\.)x[^.!?\\n]*", "");                /* an assertion by name: not read */
	stops("x[^.!?\\n]*(*nla:\\.)", "");
}

static void test_start_keys(void)
{
	keys("\\bmiracle\\b", "miracle ");                        /* \b ends the token */
	keys("\\bmiracle", "miracle");                            /* it may go on: a prefix */
	keys("\\bcur(?:es?|ed)\\s+(?:your\\s+)?depression", "cure depression|cure your|cured depression|cured your|cures depression|cures your");
	keys("\\b(?:a|one)\\s+(?:new\\s+)?stud(?:y|ies)", "a new|a studies|a study|one new|one studies|one study");
	keys("\\b(?:a|the)?\\s*cure", "");                        /* may begin with a space */
	keys("miracle", "");                                      /* may begin inside a token */
	keys("(*plb:\\bworks\\s)\\bketamine\\b", "");            /* an assertion by name: not read */
	keys("\\b\\d+\\s?%", "#");
	keys("\\bcovid[-\\s]19\\b", "covid 19");                  /* a class of symbols separates */
	keys("\\bfoo[a-z]+\\s+bar", "foo");                       /* a class of letters: the token goes on */
	keys("\\bfoo\\W+bar", "foo bar");
	keys("\\bis\\s+\\d+", "is ");                             /* \d may be a digit of any script */
	keys("\\bfoo\\s+\\w+\\s+bar", "foo ");
	keys("\\bx?y\\b", "xy |y ");
	keys("\\bnew(?:\\s+york)?|\\bold", "new|new york|old");
	keys("\\b(?:is|(?<=\\w['\xe2\x80\x99])s)\\s+\\Kthe", "is the|s the");
	keys("\\bcan\xe2\x80\x99t\\s+fail", "can t");               /* a curly apostrophe separates */
	keys("\\bthe\\s+\xe2\x84\xaa" "elvin", "the ");              /* the Kelvin sign folds to k */
	keys("\\bvery(?:\\s+very)*\\s+good", "very good|very very");
	keys("\\b(?:very\\s+){2}good", "very ");         /* after one time round, not followed */
	keys("\\bab(?=cd)\\w", "ab");                             /* lookarounds read nothing */
	keys("\\bsupercalifragilistic\\s+expialidocious", "supercalifragilistic expialidocio"); /* 12 letters */
	keys("\\b(?:foo)?", "");                                  /* may match empty */
	keys("(?x)\\b foo", "");
	keys("\\b?foo", "");
	keys("\\bfoo\\b?bar", "foobar");                       /* "foobar" is one token */
}

/* Whole-token keys in the index: the token must end there, and the next begin as given,
 * looking past the range up to the text's end. */
static void test_exact_index(void)
{
	char *w0[] = {"a study", "a new"}, *w1[] = {"the "}, *w2[] = {"covid 19"}, *w3[] = {"ket"};
	hl_triggers t[4] = {{w0, 2, 1}, {w1, 1, 1}, {w2, 1, 1}, {w3, 1, 1}};
	hl_trigger_index *ix = hl_trigger_index_new(t, 4), *sub;
	unsigned char keep[4] = {1, 0, 1, 0};
	uint64_t hit[1];
	const char *s = "A Study, a lot; an new. The theory: covid-19, COVID 2019, Ketamine";
	hl_cands c[4];

	memset(hit, 0, sizeof hit);
	hl_trigger_index_scan(ix, s, strlen(s), hit);
	CHECK(hit[0] == (1 | 2 | 4 | 8), "every key somewhere, got %llx", (unsigned long long)hit[0]);
	memset(hit, 0, sizeof hit);
	hl_trigger_index_scan(ix, "a lot, an new, theory", 21, hit);
	CHECK(hit[0] == 0, "no key holds in \"a lot, an new, theory\", got %llx", (unsigned long long)hit[0]);
	/* candidates: the range ends before the next token, which is still read */
	memset(c, 0, sizeof c);
	memset(hit, 0, sizeof hit);
	hl_trigger_index_scan_at(ix, "x a. Study", 0, 3, 10, hit, 0, c);
	CHECK(c[0].n == 1 && c[0].v[0] == 2, "a, then Study past the range, got %zu", c[0].n);
	free(c[0].v);
	/* a token that goes on past the range is not the whole token */
	memset(c, 0, sizeof c);
	hl_trigger_index_scan_at(ix, "the theory", 4, 7, 10, hit, 0, c);
	CHECK(c[1].n == 0, "\"the\" in range of \"theory\" is not the token, got %zu", c[1].n);
	free(c[1].v);
	/* the subset keeps only what keep says */
	sub = hl_trigger_index_subset(ix, keep);
	memset(hit, 0, sizeof hit);
	hl_trigger_index_scan(sub, s, strlen(s), hit);
	CHECK(hit[0] == (1 | 4), "subset: a study and covid 19 only, got %llx", (unsigned long long)hit[0]);
	hl_trigger_index_free(sub);
	hl_trigger_index_free(ix);
}

/*
 * The keys never lose a match: at every token where a regex matches (anchored), its keys
 * put a candidate. Checked with PCRE2 itself on texts made to come close.
 */
static void test_keys_sound(void)
{
	static const char *const res[] = {
		"\\b(?:a|one|another|(?:19|20)\\d\\d)\\s+(?:(?:new|small|peer-reviewed)\\s+){0,2}(?:study|trial)\\s+(?:has\\s+)?(?:found|shows?)\\b",
		"\\b(?:\\d+(?:\\.\\d+)?|two|a\\s+hundred)\\s*(?:x|\xc3\x97|-?\\s*times|-?\\s*fold)\\s+(?:more|better)\\b",
		"\\bketamine(?:[-\\s](?:assisted\\s+)?(?:therapy|infusions?))?\\s+(?:is|are)\\s+(?:now\\s+)?FDA[-\\s]approved",
		"\\b(?:is|(?<=\\w['\xe2\x80\x99])s)\\s+\\Kthe\\b",
		"\\bcan(?:not|'t|\xe2\x80\x99t)?\\s+(?:fail|lose)\\b",
		"\\b(?:very\\s+)*good\\b",
		"\\bJournal\\s+of\\s+(?-i:[A-Z])\\w+",
	};
	static const char *const texts[] = {
		"A study found it. One new small study shows more; 2019 peer-reviewed trial has found it. another trial shows",
		"It works 4x more, 3.5 times better, two-fold more and a hundred fold better, 7\xc3\x97 more; 10-times better",
		"Ketamine is FDA approved. Ketamine-assisted therapy are now FDA-approved, ketamine infusion is FDA-approved",
		"It's the one; that is the one; he's  the best, what\xe2\x80\x99s the use; this is theirs",
		"You can't fail. We cannot lose; they can\xe2\x80\x99t fail, can fail, CAN lose",
		"very very good, good, Very good indeed; verygood",
		"the Journal of Psychiatry; JOURNAL OF Medicine; journal  of x",
	};
	size_t i, k, p;

	for (i = 0; i < sizeof res / sizeof res[0]; i++) {
		hl_triggers t;
		hl_trigger_index *ix;
		pcre2_code *re;
		pcre2_match_data *md;
		int ec;
		PCRE2_SIZE off;
		hl_start_keys_from_regex(&t, res[i]);
		CHECK(t.known, "keys of %s are known", res[i]);
		if (!t.known)
			continue;
		ix = hl_trigger_index_new(&t, 1);
		re = pcre2_compile((PCRE2_SPTR)res[i], PCRE2_ZERO_TERMINATED,
				   PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_ANCHORED, &ec, &off, NULL);
		md = pcre2_match_data_create(4, NULL);
		for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
			const char *s = texts[k];
			size_t len = strlen(s), j;
			hl_cands c = {NULL, 0, 0};
			uint64_t hit = 0;
			hl_trigger_index_scan_at(ix, s, 0, len, len, &hit, 0, &c);
			for (p = 0; p < len; p++) {
				int tok = isalnum((unsigned char)s[p]) && (p == 0 || !isalnum((unsigned char)s[p - 1]));
				if (!tok || pcre2_match(re, (PCRE2_SPTR)s, len, p, 0, md, NULL) < 0)
					continue;
				for (j = 0; j < c.n && c.v[j] != p; j++)
					;
				CHECK(j < c.n, "%s matches at %zu of \"%s\", but no key put a candidate there", res[i], p, s);
			}
			free(c.v);
		}
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		hl_trigger_index_free(ix);
		hl_triggers_release(&t);
	}
}

/* The word-at-a-time paths against a byte-at-a-time count, at every offset and length. */
static void test_bytes(void)
{
	static const char text[] = "Ab 9 caf\xC3\xA9 /:@ \xE2\x80\x9C" "0\xE2\x80\x9D xyz\xFF 0123456789 ~`'{\x7F";
	size_t n = sizeof text - 1, i, j, k;

	for (i = 0; i <= n; i++)
		for (j = i; j <= n; j++) {
			int digit = 0;
			size_t count = 0, l;
			for (k = i; k < j; k++)
				digit |= text[k] >= '0' && text[k] <= '9';
			for (k = i; k < j; k += l ? l : 1, count++)
				l = hl_utf8_len((const unsigned char *)text + k, j - k);
			CHECK(hl_has_digit(text + i, j - i) == digit, "digit in [%zu, %zu)", i, j);
			CHECK(hl_utf8_count(text + i, j - i) == count, "count of [%zu, %zu)", i, j);
		}
	for (i = 0; i < 256; i++) { /* each byte value, at each place in a word */
		char w[16];
		memset(w, 'a', sizeof w);
		for (k = 0; k < 8; k++) {
			w[k] = (char)i;
			CHECK(hl_has_digit(w, sizeof w) == (i >= '0' && i <= '9'), "byte %zu at %zu", i, k);
			w[k] = 'a';
		}
	}
}

/* The prose, sentences and offsets of t as hl_doc reads it, with hl_simd as given. */
static void read_doc(hl_doc *d, hl_source *src, const char *t, size_t n, int simd)
{
	hl_simd = simd;
	hl_source_from_mem(src, "t", t, n);
	hl_doc_init(d, src);
	hl_doc_text(d, t, n, 0);
	hl_doc_finish(d);
	hl_simd = 1;
}

/* hl_doc_text's and the segmenter's 16-byte paths against their byte-by-byte code, on
 * random strings of letters, every kind of white space, UTF-8, bad bytes and stops. */
static void test_simd_doc(void)
{
	static const char *const parts[] = {"a", "Bc", "word", "x1", "9", " ", " ", " ", "  ", "\t", "\n", "\r\n",
					    "\n\n", "\v", "\f", "\xC2\xA0", "\xE2\x80\xA6", "\xC3\xA9", "\xFF", ".",
					    "!", "?", "...", "\"", ")", "Dr."};
	unsigned long seed = 12345;
	int round, bad = 0;

	for (round = 0; round < 400 && !bad; round++) {
		char t[1200];
		size_t n = 0, i;
		hl_source s1, s0;
		hl_doc d1, d0;
		while (n < sizeof t - 8) {
			const char *p;
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			p = parts[(seed >> 33) % (sizeof parts / sizeof parts[0])];
			if ((seed >> 20) % 4 != 0) /* mostly plain words and single spaces */
				p = (seed >> 24) % 3 ? "abcdefg" + (seed >> 40) % 6 : " ";
			memcpy(t + n, p, strlen(p));
			n += strlen(p);
		}
		read_doc(&d1, &s1, t, n, 1);
		read_doc(&d0, &s0, t, n, 0);
		bad |= d1.text.len != d0.text.len || memcmp(d1.text.s, d0.text.s, d0.text.len) != 0;
		bad |= d1.nsentences != d0.nsentences || d1.nblocks != d0.nblocks || d1.nanchors != d0.nanchors;
		for (i = 0; !bad && i < d0.nsentences; i++)
			bad |= d1.sentences[i].start != d0.sentences[i].start || d1.sentences[i].end != d0.sentences[i].end;
		for (i = 0; !bad && i <= d0.text.len; i++)
			bad |= hl_doc_src(&d1, i) != hl_doc_src(&d0, i) || hl_doc_src_end(&d1, i) != hl_doc_src_end(&d0, i);
		CHECK(!bad, "round %d: the fast and plain readings differ", round);
		hl_doc_release(&d1);
		hl_doc_release(&d0);
		hl_source_release(&s1);
		hl_source_release(&s0);
	}
}

/* The rules' regexes are JIT-compiled once they have been matched a few times
 * (hl_rules_jit_late); once threads share them, by the first thread that wants each then
 * (hl_rules_jit_ready), which until then gets the plain copy. */
static size_t jit_size(const pcre2_code *re)
{
	size_t n = 0;

	pcre2_pattern_info(re, PCRE2_INFO_JITSIZE, &n);
	return n;
}

/* A pack's first lines, up to the patterns of its one rule (hype, a sentence pattern). */
#define ONE_RULE_HEAD                      \
	"pack: t\n"                         \
	"rules:\n"                          \
	"  - id: hype\n"                    \
	"    kind: pattern\n"               \
	"    severity: warning\n"           \
	"    scope: sentence\n"             \
	"    message: 'found \"{match}\"'\n" \
	"    why: a test rule\n"

/* Load and compile a pack of one rule into rules: 1 when it is there, else 0 (rules and
 * err released). */
static int load_one_rule(hl_rules *rules, const char *pack, size_t n, FILE *err)
{
	hl_rules_init(rules);
	CHECK(err != NULL && hl_rules_add_mem(rules, "t.yml", pack, n, err) == 0 && hl_rules_compile(rules, err) == 0,
	      "the test pack loads");
	if (rules->n == 1)
		return 1;
	hl_rules_release(rules);
	if (err != NULL)
		fclose(err);
	return 0;
}

static void test_lazy_jit(void)
{
	static const char pack[] = ONE_RULE_HEAD
				   "    patterns: ['\\bmiracle\\b', '\\bwonder\\w*']\n"
				   "    unless: ['\\bnot\\b']\n"
				   "    examples:\n"
				   "      fire: ['a [[miracle]]']\n"
				   "      pass: ['not a miracle']\n";
	hl_rules rules;
	const hl_rule *r;
	const pcre2_code *re, *other;
	FILE *err = tmpfile();

	if (!load_one_rule(&rules, pack, sizeof pack - 1, err))
		return;
	r = &rules.v[0];
	re = r->anchored != NULL ? r->anchored : r->match;
	other = r->unless_split.nparts > 0 ? r->unless_split.parts[0].anchored : r->unless;
	if (!hl_use_jit()) { /* HYPELINT_JIT=0: nothing waits */
		CHECK(!hl_rules_jit_late(&rules, re), "no JIT with HYPELINT_JIT=0");
	} else {
		unsigned k, after = rules.jit_after;
		CHECK(after >= 1, "a regex is JIT-compiled at some match");
		CHECK(jit_size(re) == 0, "not JIT-compiled at start-up");
		for (k = 1; k < after; k++)
			CHECK(!hl_rules_jit_late(&rules, re) && jit_size(re) == 0, "the interpreter for the first matches");
		CHECK(hl_rules_jit_late(&rules, re) && jit_size(re) > 0, "JIT-compiled once matched enough");
		CHECK(!hl_rules_jit_late(&rules, re), "compiled once");
		CHECK(other != NULL && jit_size(other) == 0, "another regex still waits");
		{
			long h = hl_jit_slot(&rules.jit, other);
			CHECK(h >= 0 && hl_jit_slot(&rules.jit, re) >= 0, "both regexes wait");
			hl_rules_jit_share(&rules);
			CHECK(rules.jit_shared && jit_size(other) == 0, "sharing compiles nothing");
			CHECK(h >= 0 && rules.jit.plain[h] != NULL && hl_jit_slot(&rules.jit, rules.jit.plain[h]) < 0,
			      "a plain copy of what still waits, not in the table");
			for (k = 1; h >= 0 && k < after; k++)
				CHECK(hl_rules_jit_ready(&rules, other) == rules.jit.plain[h] && jit_size(other) == 0,
				      "the plain copy for the first matches");
			if (h >= 0) { /* as if another thread were compiling it */
				atomic_store(&rules.jit.state[h], HL_JIT_BUSY);
				CHECK(hl_rules_jit_ready(&rules, other) == rules.jit.plain[h] && jit_size(other) == 0,
				      "the plain copy while another thread compiles");
				atomic_store(&rules.jit.state[h], HL_JIT_WAITING);
			}
			CHECK(hl_rules_jit_ready(&rules, other) == other && jit_size(other) > 0,
			      "compiled by the first thread that wants it then");
			CHECK(hl_rules_jit_ready(&rules, other) == other, "then used as it is");
			CHECK(hl_rules_jit_ready(&rules, re) == re, "one compiled before sharing is used as it is");
		}
	}
	CHECK(!hl_rules_jit_late(&rules, NULL), "an unknown regex is left alone");
	hl_rules_release(&rules);
	fclose(err);
}

/* hl_run_ascii against a plain look at every byte, for ranges that begin and end in and
 * around the 64-byte blocks that hold a byte past ASCII (and asked twice, for its memory). */
static void test_ascii_ranges(void)
{
	static const size_t lens[] = {0, 1, 63, 64, 65, 130, 300, 4200};
	static const size_t marks[][4] = {{SIZE_MAX}, {0, SIZE_MAX}, {63, SIZE_MAX}, {64, 128, SIZE_MAX},
					  {127, 299, SIZE_MAX}, {4100, SIZE_MAX}, {5, 70, 4199, SIZE_MAX}};
	size_t li, mi, k, from, end, i, bad = 0, tried = 0;

	for (li = 0; li < sizeof lens / sizeof lens[0]; li++)
		for (mi = 0; mi < sizeof marks / sizeof marks[0]; mi++) {
			size_t len = lens[li], step = len > 300 ? 37 : 1, cap = 0;
			hl_buf text = HL_BUF_INIT;
			hl_doc doc;
			run R;
			uint64_t *na;
			memset(&doc, 0, sizeof doc);
			for (i = 0; i < len; i++)
				hl_buf_add(&text, "a", 1);
			for (k = 0; marks[mi][k] != SIZE_MAX; k++)
				if (marks[mi][k] < len)
					text.s[marks[mi][k]] = (char)0xC3;
			doc.text = text;
			memset(&R, 0, sizeof R);
			R.doc = &doc;
			R.a_from = 1;
			R.na = na = hl_mark_non_ascii(NULL, &cap, &text);
			for (from = 0; from <= len; from += step)
				for (end = from; end <= len; end += (end + step <= len || end == len) ? step : len - end) {
					int want = 1, got;
					for (i = from; i < end; i++)
						if ((unsigned char)text.s[i] >= 0x80)
							want = 0;
					got = hl_run_ascii(&R, from, end);
					bad += got != want || hl_run_ascii(&R, from, end) != want;
					tried++;
					if (end == len)
						break;
				}
			free(na);
			hl_buf_release(&text);
		}
	CHECK(tried > 100000 && bad == 0, "ASCII ranges: %zu of %zu wrong", bad, tried);
	{
		run R;
		memset(&R, 0, sizeof R);
		CHECK(!hl_run_ascii(&R, 0, 0), "no ASCII twins without the bitmap");
	}
}

/* A regex's ASCII twin: made once wanted often enough, and found where the regex itself
 * would not be (or not find) in text past ASCII, which is why it runs only on ASCII. */
static void test_ascii_twin(void)
{
	static const char pack[] = ONE_RULE_HEAD
				   "    patterns: ['(?:^|\\s)cure\\b', 'works\\s+wonders']\n"
				   "    examples:\n"
				   "      fire: ['a [[ cure]]']\n"
				   "      pass: ['no cures']\n";
	hl_rules rules;
	const hl_rule *r;
	const pcre2_code *re, *tw = NULL;
	FILE *err = tmpfile();
	long h;

	if (!load_one_rule(&rules, pack, sizeof pack - 1, err))
		return;
	r = &rules.v[0];
	re = r->match;
	h = hl_jit_slot(&rules.jit, re);
	if (!hl_use_jit()) { /* HYPELINT_JIT=0: no table, no twins */
		CHECK(h < 0, "no twins with HYPELINT_JIT=0");
	} else {
		unsigned k;
		pcre2_match_data *md = pcre2_match_data_create(4, NULL);
		static const struct {
			const char *s;
			int key, twin;
		} cases[] = {
			{"a cure for all", 1, 1},
			{"it works  wonders", 1, 1},
			{"a cur\xC3\xA9 cure\xC3\xA9", 0, 1},  /* \b: a letter after "cure" only with PCRE2_UCP */
			{"it works\xC2\xA0wonders", 1, 0},     /* \s: a no-break space only with PCRE2_UCP */
			{"\xE2\x80\x83" "cure", 1, 0},         /* an em space */
		};
		CHECK(h >= 0, "the rule's regex waits in the JIT table");
		for (k = 1; h >= 0 && k < rules.jit_after; k++)
			CHECK(hl_rules_twin(&rules, h) == NULL, "no twin for the first wants");
		if (h >= 0)
			tw = hl_rules_twin(&rules, h);
		CHECK(tw != NULL && tw != re && hl_rules_twin(&rules, h) == tw, "a twin once wanted enough, made once");
		CHECK(jit_size(re) == 0, "making the twin leaves the regex as it was");
		for (k = 0; tw != NULL && md != NULL && k < sizeof cases / sizeof cases[0]; k++) {
			size_t n = strlen(cases[k].s);
			int a = pcre2_match(re, (PCRE2_SPTR)cases[k].s, n, 0, 0, md, NULL) >= 0;
			int b = pcre2_match(tw, (PCRE2_SPTR)cases[k].s, n, 0, 0, md, NULL) >= 0;
			CHECK(a == cases[k].key && b == cases[k].twin, "twin case %u: regex %d, twin %d", k, a, b);
		}
		pcre2_match_data_free(md);
	}
	hl_rules_release(&rules);
	fclose(err);
}

/* The bundled journal names as one regex, grouped by first letter: the longest name that
 * begins at a place still wins, as in a plain longest-first list. */
static void test_journal_regex(void)
{
	static const struct {
		const char *text, *match;
	} cases[] = {
		{"It ran in Nature Medicine last year.", "Nature Medicine"},
		{"It ran in Nature last year.", "Nature"},
		{"Published in The New England Journal of Medicine in 2022.", "The New England Journal of Medicine"},
		{"Published in the New England Journal of Medicine.", "New England Journal of Medicine"},
		{"See JAMA Psychiatry and JAMA.", "JAMA Psychiatry"},
		{"the Journal of the American Medical Association", "Journal of the American Medical Association"},
		{"NatureMedicine is no name.", NULL},
	};
	hl_rules rules;
	FILE *err = tmpfile();
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	size_t i;

	hl_rules_init(&rules);
	CHECK(err != NULL && md != NULL && hl_rules_add_path(&rules, "rules", err) == 0 &&
		      hl_rules_compile(&rules, err) == 0 && rules.kb.journal_re != NULL,
	      "the bundled rules load");
	for (i = 0; rules.kb.journal_re != NULL && i < sizeof cases / sizeof cases[0]; i++) {
		int rc = pcre2_match(rules.kb.journal_re, (PCRE2_SPTR)cases[i].text, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (cases[i].match == NULL)
			CHECK(rc < 0, cases[i].text);
		else
			CHECK(rc > 0 && ov[1] - ov[0] == strlen(cases[i].match) &&
				      !strncmp(cases[i].text + ov[0], cases[i].match, ov[1] - ov[0]),
			      cases[i].text);
	}
	/* a name is looked up whatever its case, dots, leading "the" and white space */
	if (rules.kb.journal_re != NULL) {
		static const char *const same[] = {"new england journal of medicine", "NEW ENGLAND JOURNAL OF MEDICINE",
						   "The New England  Journal\tof\nMedicine", "New England Journal of Medicine."};
		long want = hl_kb_journal(&rules.kb, "New England Journal of Medicine", 31);
		CHECK(want >= 0, "the NEJM is a journal of the knowledge base");
		for (i = 0; i < sizeof same / sizeof same[0]; i++)
			CHECK(hl_kb_journal(&rules.kb, same[i], strlen(same[i])) == want, "journal name \"%s\"", same[i]);
		CHECK(hl_kb_journal(&rules.kb, "New England Journal of Medicin", 30) < 0, "a name cut short is none");
	}
	pcre2_match_data_free(md);
	hl_rules_release(&rules);
	if (err != NULL)
		fclose(err);
}

/* hl_read_fd reads a whole file: in one read when it knows the size, and all of a file
 * that has grown past the size it was given. */
static void test_read_fd(void)
{
	FILE *f = tmpfile();
	char data[5000];
	size_t i, sizes[] = {0, 1000, sizeof data, 4095, 4096};
	int fd;

	for (i = 0; i < sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	if (f == NULL || fwrite(data, 1, sizeof data, f) != sizeof data || fflush(f) != 0) {
		CHECK(0, "a temporary file");
		return;
	}
	fd = fileno(f);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		hl_buf b = HL_BUF_INIT;
		lseek(fd, 0, SEEK_SET);
		CHECK(hl_read_fd(fd, &b, sizes[i]) == 0 && b.len == sizeof data && !memcmp(b.s, data, sizeof data) &&
			      b.s[b.len] == '\0',
		      "the whole file, whatever size it was said to have");
		hl_buf_release(&b);
	}
	fclose(f);
}

/* Make directory dir (a mkdtemp template) and open it; file gets its "post.txt". Returns
 * the open directory, or -1 (reported). */
static int temp_dir(char *dir, char *file, size_t size)
{
	int dfd;

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "a temporary directory");
		return -1;
	}
	snprintf(file, size, "%s/post.txt", dir);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(dfd >= 0, "the directory opens");
	return dfd;
}

/* A file read by its name in an open directory is named by the path it was given, in the
 * source and in an error. */
static void test_read_at(void)
{
	char dir[] = "/tmp/hl-unit-XXXXXX", file[64], *msg = NULL;
	size_t msglen = 0;
	hl_source src;
	FILE *f, *err;
	int dfd = temp_dir(dir, file, sizeof file);

	if (dfd < 0)
		return;
	if ((f = fopen(file, "w")) == NULL || fputs("A miracle cure.\n", f) < 0 || fclose(f) != 0) {
		CHECK(0, "a temporary file");
		return;
	}
	CHECK(hl_source_read_at(&src, dfd, "post.txt", "posts/post.txt", stderr) == 0 && src.len == 16 &&
		      !memcmp(src.data, "A miracle cure.\n", 16) && !strcmp(src.name, "posts/post.txt"),
	      "the file is read in the directory and keeps the path it was given");
	hl_source_release(&src);
	err = open_memstream(&msg, &msglen);
	CHECK(err != NULL && hl_source_read_at(&src, dfd, "gone.txt", "posts/gone.txt", err) == -1,
	      "a missing file is an error");
	if (err != NULL)
		fclose(err);
	CHECK(msg != NULL && strstr(msg, "hypelint: posts/gone.txt: error: cannot open: ") == msg,
	      "the error names the path");
	free(msg);
	close(dfd);
	unlink(file);
	rmdir(dir);
}

/* A file a walk listed is read whole without its size asked first, whatever its length
 * against the first read's; one over the limit is refused with its size, unread. */
static void test_read_listed(void)
{
	char dir[] = "/tmp/hl-unit-XXXXXX", file[64], *msg = NULL, *data;
	size_t sizes[] = {0, 15, 16382, 16383, 16384, 54098}, i, k, msglen = 0;
	hl_source src;
	FILE *f, *err;
	int dfd = temp_dir(dir, file, sizeof file);

	if (dfd < 0)
		return;
	data = hl_malloc(54098);
	for (k = 0; k < 54098; k++)
		data[k] = (char)(k % 61 == 60 ? '\n' : 'a' + k % 26);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		if ((f = fopen(file, "w")) == NULL || fwrite(data, 1, sizes[i], f) != sizes[i] || fclose(f) != 0) {
			CHECK(0, "a temporary file");
			break;
		}
		CHECK(hl_source_read_listed(&src, dfd, "post.txt", "posts/post.txt", stderr) == 0 && src.len == sizes[i] &&
			      !memcmp(src.data, data, sizes[i]) && src.data[sizes[i]] == '\0' &&
			      !strcmp(src.name, "posts/post.txt"),
		      "a listed file of %zu bytes is read whole", sizes[i]);
		hl_source_release(&src);
	}
	/* over HL_SOURCE_MAX, sparse */
	if (truncate(file, (off_t)HL_SOURCE_MAX + 4096) != 0)
		CHECK(0, "a sparse file");
	err = open_memstream(&msg, &msglen);
	CHECK(err != NULL && hl_source_read_listed(&src, dfd, "post.txt", "posts/post.txt", err) == -1,
	      "a listed file over the limit is an error");
	if (err != NULL)
		fclose(err);
	{
		char want[160];
		snprintf(want, sizeof want, "hypelint: posts/post.txt: error: too large to lint (%zu bytes; ",
			 HL_SOURCE_MAX + 4096);
		CHECK(msg != NULL && strstr(msg, want) == msg, "the error gives its size: %s", msg ? msg : "");
	}
	free(msg);
	free(data);
	close(dfd);
	unlink(file);
	rmdir(dir);
}

/* ---- the shortcuts against a full scan, on random rules and texts ---- */

typedef struct rnd {
	uint64_t s;
} rnd;

static uint64_t rnd_next(rnd *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static size_t rnd_below(rnd *r, size_t n)
{
	return (size_t)(rnd_next(r) % n);
}

static int rnd_chance(rnd *r, unsigned percent)
{
	return rnd_below(r, 100) < percent;
}

/* Words of the texts and the patterns alike: rule words, digits, and words that a caseless
 * regex reads otherwise than the token scan (the Kelvin sign, the long s, Arabic-Indic
 * digits, a letter past ASCII, a curly apostrophe). */
static const char *const rw_words[] = {
	"ketamine", "works", "safe", "risk", "study", "the", "a", "one", "cure", "miracle", "new", "trial",
	"psilocybin", "heals", "10", "2020", "doi", "journal", "of", "not", "no", "side", "effects", "100",
	"percent", "x", "ab", "caf\xc3\xa9", "works\xe2\x80\x99",
	/* the last three make their document be checked in full (see scan_unsafe in check.c) */
	"\xe2\x84\xaa" "etamine", "\xd9\xa3\xd9\xa0", "ri\xc5\xbfk",
};
#define RW_NWORDS (sizeof rw_words / sizeof rw_words[0])
#define RW_NSAFE (RW_NWORDS - 3)

/* A word, or a prefix of one; of the words of rw_words[0, n). */
static void rw_word_of(rnd *r, hl_buf *b, size_t n_words)
{
	const char *w = rw_words[rnd_below(r, n_words)];
	size_t len = strlen(w), n = len;

	if (rnd_chance(r, 25)) /* a prefix of it, not ending inside a character */
		for (n = 1 + rnd_below(r, len); n < len && ((unsigned char)w[n] & 0xC0) == 0x80; n--)
			;
	hl_buf_add(b, w, n);
}

static void rw_word(rnd *r, hl_buf *b)
{
	rw_word_of(r, b, RW_NWORDS);
}

static void rw_seq(rnd *r, hl_buf *b, int depth);

static void rw_atom(rnd *r, hl_buf *b, int depth)
{
	static const char *const pieces[] = {
		"\\s+", "\\s*", "\\s", "[^.!?\\n]{0,12}", ".{0,10}", "\\W+", "[-\\s]", "\\d+", "\\d{4}", "[a-z]+",
		"\\w+", "[^.]*?", "[.,;]", "\\.", "[\\[(]", "\\S+", "\\b", "\\b", "$", "\\K", "(?i)", "[0-9]",
		"\\b\\d+", "\\b\\d+\\s?%",
	};
	static const char *const looks[] = {"(?=", "(?!", "(?<!", "(?<=", "(*pla:", "(*plb:", "(*atomic:", "(?>", "(?-i:"};
	static const char *const quants[] = {"", "", "?", "*", "+", "{0,2}", "{1,2}"};
	size_t k = rnd_below(r, 100), i, n;

	if (depth > 2 || k < 40)
		rw_word(r, b);
	else if (k < 65)
		hl_buf_adds(b, pieces[rnd_below(r, sizeof pieces / sizeof pieces[0])]);
	else if (k < 85) {
		hl_buf_adds(b, "(?:");
		for (i = 0, n = 1 + rnd_below(r, 3); i < n; i++) {
			if (i)
				hl_buf_addc(b, '|');
			rw_seq(r, b, depth + 1);
		}
		hl_buf_addc(b, ')');
		hl_buf_adds(b, quants[rnd_below(r, sizeof quants / sizeof quants[0])]);
	} else {
		const char *look = looks[rnd_below(r, sizeof looks / sizeof looks[0])];
		hl_buf_adds(b, look);
		if (rnd_chance(r, 30))
			hl_buf_adds(b, "\\s");
		if (look[2] == '<' || !strcmp(look, "(*plb:")) /* a lookbehind: of a fixed length */
			rw_word(r, b);
		else
			rw_seq(r, b, depth + 1);
		hl_buf_addc(b, ')');
	}
}

static void rw_seq(rnd *r, hl_buf *b, int depth)
{
	size_t i, n = 1 + rnd_below(r, 4);

	for (i = 0; i < n; i++)
		rw_atom(r, b, depth);
}

/* A random regex as a single-quoted YAML scalar. */
static void rw_regex(rnd *r, hl_buf *y)
{
	hl_buf re = HL_BUF_INIT;
	size_t i;

	if (rnd_chance(r, 60))
		hl_buf_adds(&re, "\\b");
	rw_seq(r, &re, 0);
	hl_buf_addc(y, '\'');
	for (i = 0; i < re.len; i++) {
		if (re.s[i] == '\'')
			hl_buf_addc(y, '\'');
		hl_buf_addc(y, re.s[i]);
	}
	hl_buf_addc(y, '\'');
	hl_buf_release(&re);
}

/* A list of n random regexes under key; with sets, an item may be the set @s1, or hold
 * {{s1}}. */
static void rw_list(rnd *r, hl_buf *y, const char *key, size_t n, int sets)
{
	size_t i;

	hl_buf_addf(y, "    %s: [", key);
	for (i = 0; i < n; i++) {
		if (i)
			hl_buf_adds(y, ", ");
		if (sets && rnd_chance(r, 15))
			hl_buf_adds(y, "'@s1'");
		else if (sets && rnd_chance(r, 15))
			hl_buf_adds(y, "'\\b{{s1}}\\s+'");
		else
			rw_regex(r, y);
	}
	hl_buf_adds(y, "]\n");
}

static void rw_pack(rnd *r, hl_buf *y)
{
	static const char *const scopes[] = {"sentence", "paragraph", "document"};
	static const char *const swaps[] = {"works", "safe and effective", "no side effects", "the cure", "x", "ab"};
	size_t i, k, n = 1 + rnd_below(r, 4);
	int sets = rnd_chance(r, 30);

	hl_buf_adds(y, "pack: random\n");
	if (sets) { /* a named set of patterns, for @s1 and {{s1}} */
		hl_buf_adds(y, "sets:\n  s1: [");
		rw_regex(r, y);
		hl_buf_adds(y, ", ");
		rw_regex(r, y);
		hl_buf_adds(y, "]\n");
	}
	hl_buf_adds(y, "rules:\n");
	for (i = 0; i < n; i++) {
		size_t kind = rnd_below(r, 4), scope = kind == 2 ? 2 : rnd_below(r, 3); /* pattern twice, require, swap */
		hl_buf_addf(y, "  - id: r%zu\n    kind: %s\n    severity: warning\n    scope: %s\n"
			       "    message: 'm {match}'\n    why: w\n",
			    i, kind == 2 ? "require" : kind == 3 ? "swap" : "pattern", scopes[scope]);
		if (kind != 2 && rnd_chance(r, 15))
			hl_buf_adds(y, "    case-sensitive: true\n");
		if (kind == 2) {
			if (rnd_chance(r, 50)) { /* a claim: a word, then another in its clause */
				hl_buf_adds(y, "    when: ['\\b");
				rw_word(r, y);
				hl_buf_addf(y, "\\b[^.!?\\n]{0,%zu}\\b", rnd_below(r, 40));
				rw_word(r, y);
				hl_buf_adds(y, rnd_chance(r, 50) ? "\\b']\n" : "']\n");
			} else
				rw_list(r, y, "when", 1 + rnd_below(r, 2), sets);
			hl_buf_addf(y, "    min: %zu\n", 1 + rnd_below(r, 3));
			if (rnd_chance(r, 50)) /* nothing satisfies it: the claims are counted */
				hl_buf_adds(y, "    require: ['\\bzzz\\b']\n");
			else
				rw_list(r, y, "require", 1, sets);
			continue;
		}
		if (kind == 3) {
			hl_buf_adds(y, "    swaps:\n");
			for (k = 0; k < 1 + rnd_below(r, 3); k++)
				hl_buf_addf(y, "      %s%s%s: s%zu\n", swaps[rnd_below(r, 6)], k ? " " : "",
					    k ? rw_words[rnd_below(r, 20)] : "", k);
		} else
			rw_list(r, y, "patterns", 1 + rnd_below(r, 3), sets);
		if (rnd_chance(r, 30)) {
			rw_list(r, y, "unless", 1, sets);
			if (scope == 0 && rnd_chance(r, 30))
				hl_buf_adds(y, "    unless-scope: next-sentence\n");
		}
		if (kind != 3 && rnd_chance(r, 20))
			rw_list(r, y, "unless-before", 1, sets);
		if (kind != 3 && rnd_chance(r, 20))
			rw_list(r, y, "when", 1, sets);
	}
}

static void rw_text(rnd *r, hl_buf *t, enum hl_format fmt)
{
	static const char *const seps[] = {
		" ", " ", " ", ", ", ". ", "! ", "? ", "\n", "\n\n", "; ", " (", ") ", " [", "] ", "-", "'",
		"\xc2\xa0", " \xe2\x80\xa6 ", "\xe3\x80\x82", ":", " \xe2\x80\x93 ",
	};
	size_t i, n = 5 + rnd_below(r, 80), rep = rnd_chance(r, 30) ? 2 + rnd_below(r, 15) : 1, len;
	/* most texts without the words that make a document be checked in full (the shortcuts
	 * must be taken to be tested); the others with many of them */
	int wide = rnd_chance(r, 25);
	const char *odd = rw_words[RW_NSAFE + rnd_below(r, RW_NWORDS - RW_NSAFE)]; /* one kind a text */

	if (fmt == HL_FMT_HTML)
		hl_buf_adds(t, "<p>");
	for (i = 0; i < n; i++) {
		const char *sep = seps[rnd_below(r, sizeof seps / sizeof seps[0])];
		size_t at = t->len;
		if (wide && rnd_chance(r, 25))
			hl_buf_adds(t, odd);
		else
			rw_word_of(r, t, RW_NSAFE);
		if (rnd_chance(r, 10) && t->s[at] >= 'a' && t->s[at] <= 'z')
			t->s[at] = (char)toupper((unsigned char)t->s[at]);
		hl_buf_adds(t, fmt == HL_FMT_HTML && !strcmp(sep, "\n\n") ? "</p><p>" : sep);
	}
	len = t->len;
	hl_buf_grow(t, len * rep); /* room first: the copies are read from t itself */
	for (i = 1; i < rep; i++) {
		memcpy(t->s + t->len, t->s, len);
		t->len += len;
	}
	t->s[t->len] = '\0';
	if (fmt == HL_FMT_HTML)
		hl_buf_adds(t, "</p>");
}

/* The findings of doc with the shortcuts (prefilter) or without them, as text. */
static void rw_lint(hl_checker *ck, const hl_doc *doc, hl_buf *out)
{
	hl_findings f;
	size_t i;

	memset(&f, 0, sizeof f);
	hl_check_doc(ck, doc, NULL, hl_findings_collect, &f);
	out->len = 0;
	hl_buf_adds(out, "");
	for (i = 0; i < f.n; i++)
		hl_buf_addf(out, "%zu-%zu %s %s\n", f.v[i].start, f.v[i].end, f.v[i].rule_id,
			    f.v[i].message ? f.v[i].message : "");
	hl_findings_release(&f);
}

/*
 * The trigger words, the start words and the other shortcuts never lose a finding: random
 * rule packs (patterns, swaps and require rules, with unless, unless-before and when; the
 * regexes built from words, classes, groups, lookarounds and PCRE2's assertions by name)
 * over random texts, plain, Markdown and HTML, some checked a small chunk at a time, give
 * what a full scan gives. A case where a pattern hits PCRE2's match limit is passed over:
 * how far a runaway pattern gets depends on the text it runs on. Failures print the seed.
 */
static void test_shortcuts_random(void)
{
	static const enum hl_format fmts[] = {HL_FMT_TEXT, HL_FMT_TEXT, HL_FMT_MARKDOWN, HL_FMT_HTML};
	static const size_t chunks[] = {0, 0, 64, 300, 2000};
	FILE *sink = fopen("/dev/null", "w");
	size_t seed, compared = 0, differ = 0, cases = 6000;
	hl_buf first = HL_BUF_INIT;

	for (seed = 1; seed <= cases && sink != NULL; seed++) {
		rnd r = {seed * UINT64_C(0x9E3779B97F4A7C15) + 1};
		hl_buf y = HL_BUF_INIT, t = HL_BUF_INIT, fast = HL_BUF_INIT, full = HL_BUF_INIT;
		enum hl_format fmt;
		size_t chunk;
		hl_rules rules;
		int k;
		for (k = 0; k < 4; k++)
			rnd_next(&r);
		fmt = fmts[rnd_below(&r, 4)];
		chunk = chunks[rnd_below(&r, 5)];
		rw_pack(&r, &y);
		rw_text(&r, &t, fmt);
		hl_rules_init(&rules);
		if (hl_rules_add_mem(&rules, "random.yml", y.s, y.len, sink) == 0 && hl_rules_compile(&rules, sink) == 0) {
			hl_checker a, b;
			hl_source src;
			hl_doc doc;
			hl_source_from_mem(&src, "random", t.s, t.len);
			hl_doc_init(&doc, &src);
			hl_extract(&doc, fmt);
			hl_checker_init(&a, &rules, 100000, 0);
			hl_checker_init(&b, &rules, 100000, 0);
			b.prefilter = 0;
			if (chunk)
				a.chunk_bytes = b.chunk_bytes = chunk;
			rw_lint(&a, &doc, &fast);
			rw_lint(&b, &doc, &full);
			/* (whether a runaway pattern reaches the limit can differ from run to run: the
			 * JIT compiler and the interpreter count it differently) */
			if (strstr(fast.s, "match-limit") == NULL && strstr(full.s, "match-limit") == NULL) {
				compared++;
				if (strcmp(fast.s, full.s) != 0 && differ++ == 0)
					hl_buf_addf(&first, "seed %zu:\n%s\n---\n%s\n--- fast:\n%s--- full:\n%s", seed, y.s, t.s,
						    fast.s, full.s);
			}
			hl_checker_release(&a);
			hl_checker_release(&b);
			hl_doc_release(&doc);
			hl_source_release(&src);
		}
		hl_rules_release(&rules);
		hl_buf_release(&y);
		hl_buf_release(&t);
		hl_buf_release(&fast);
		hl_buf_release(&full);
	}
	CHECK(differ == 0, "shortcuts against a full scan: %zu of %zu cases differ; the first, %s", differ, compared,
	      first.s ? first.s : "");
	CHECK(compared > cases * 8 / 10, "shortcuts against a full scan: only %zu of %zu cases compared", compared, cases);
	hl_buf_release(&first);
	if (sink != NULL)
		fclose(sink);
}

/* A quote keeps printable bytes and those past ASCII, turns tab, CR and LF into spaces
 * and writes other control characters as \xNN, wherever they fall in it. */
static void test_quoted(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} cases[] = {
		{"", 0, ""},
		{"plain words", 11, "plain words"},
		{"a\tb\nc\rd", 7, "a b c d"},
		{"\x01x\x7f", 3, "\\x01x\\x7f"},
		{"x\x1f", 2, "x\\x1f"},
		{"\n", 1, " "},
		{"caf\xc3\xa9 \x00!", 8, "caf\xc3\xa9 \\x00!"},
		{"\x02\x03", 2, "\\x02\\x03"},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hl_buf b = HL_BUF_INIT;
		hl_buf_adds(&b, "<");
		hl_buf_add_quoted(&b, cases[i].in, cases[i].n);
		hl_buf_adds(&b, ">");
		CHECK(b.len == strlen(cases[i].want) + 2 && !strncmp(b.s + 1, cases[i].want, b.len - 2) &&
			      b.s[b.len - 1] == '>',
		      "quote %zu: got %s, want <%s>", i, b.s, cases[i].want);
		hl_buf_release(&b);
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's names come sorted as strcmp sorts them: names alike in their first 7, 8,
 * 15, 16 or 17 bytes, one a prefix of another, bytes past ASCII, and generated ones. */
static void test_dir_order(void)
{
	static const char *fixed[] = {"a", "ab", "abcdefg", "abcdefgh", "abcdefgi", "abcdefgh.", "abcdefghijklmno",
				      "abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopq", "abcdefghijklmnopa",
				      "abcdefghijklmnop~", "post-1.txt", "post-10.txt", "post-100.txt", "post-1000.txt",
				      "post-10000.txt", "post-9.txt", "\xc3\xa9t\xc3\xa9.md", "\xc3\xa9", "z\xc3\xa9",
				      "z~", "Z", "_", "0"};
	enum { NGEN = 300 };
	char dir[] = "/tmp/hl-unit-XXXXXX", path[128], *want[sizeof fixed / sizeof fixed[0] + NGEN];
	char **names;
	unsigned char *kinds = NULL;
	size_t nf = sizeof fixed / sizeof fixed[0], nw = 0, n = 0, i;
	unsigned seed = 11;
	int ok = 1;

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "a temporary directory");
		return;
	}
	for (i = 0; i < nf + NGEN; i++) {
		char gen[40];
		const char *name = fixed[i < nf ? i : 0];
		FILE *f;
		if (i >= nf) { /* a shared start of 6 to 20 bytes, then a tail that decides */
			size_t k, len = 6 + (seed = seed * 1103515245u + 12345u) % 15;
			for (k = 0; k < len; k++)
				gen[k] = "post-2024-"[k % 10];
			snprintf(gen + len, sizeof gen - len, "%u", (seed = seed * 1103515245u + 12345u) % 1000);
			name = gen;
		}
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if ((f = fopen(path, "w")) == NULL || fclose(f) != 0) {
			CHECK(0, "a file named %s", name);
			continue;
		}
		for (n = 0; n < nw && strcmp(want[n], name) != 0; n++)
			;
		if (n == nw)
			want[nw++] = strdup(name);
	}
	qsort(want, nw, sizeof *want, cmp_names);
	names = hl_dir_entries(dir, &n, &kinds);
	CHECK(names != NULL && n == nw, "all %zu names listed (got %zu)", nw, n);
	for (i = 0; names != NULL && i < n && i < nw; i++)
		if (strcmp(names[i], want[i]) != 0 || kinds[i] != DT_REG) {
			CHECK(0, "name %zu: got '%s', want '%s'", i, names[i], want[i]);
			ok = 0;
			break;
		}
	CHECK(ok, "the names are in strcmp's order, each a regular file");
	for (i = 0; i < nw; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, want[i]);
		unlink(path);
		free(want[i]);
	}
	if (names != NULL)
		hl_strs_free(names, n);
	free(kinds);
	rmdir(dir);
}

/* Is the huge-page advice (VmFlags "hg") on the mapping that holds address a? -1 when
 * /proc/self/smaps cannot tell. */
static int advised_huge(const void *a)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0, found = -1;
	unsigned long lo, hi, at = (unsigned long)(uintptr_t)a;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = lo <= at && at < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			found = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Blocks of 2 MiB and more get the huge-page advice on their whole 2 MiB stretches, from
 * each of the three allocators. Only where the kernel has huge pages
 * for advised areas: elsewhere the advice is refused and nothing is to be seen. */
static void test_huge_advice(void)
{
	const size_t big = (size_t)8 << 20, huge = (size_t)2 << 20;
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char mode[128] = "";
	char *m, *c, *r;
	int ok;

	if (f != NULL) {
		if (fgets(mode, sizeof mode, f) == NULL)
			mode[0] = '\0';
		fclose(f);
	}
	if (strstr(mode, "[madvise]") == NULL && strstr(mode, "[always]") == NULL) {
		printf("unit: huge pages are off here; their advice is not checked\n");
		return;
	}
	m = hl_malloc(big);
	c = hl_calloc(big / 8, 8);
	r = hl_realloc(hl_malloc(64), big);
	/* the first whole 2 MiB stretch of each block */
#define STRETCH(p) ((char *)(((uintptr_t)(p) + huge - 1) & ~(uintptr_t)(huge - 1)))
	ok = advised_huge(STRETCH(m));
	if (ok < 0) {
		printf("unit: /proc/self/smaps does not say; huge-page advice not checked\n");
	} else {
		CHECK(ok == 1, "hl_malloc of 8 MiB is advised to use huge pages");
		CHECK(advised_huge(STRETCH(c)) == 1, "hl_calloc of 8 MiB is advised to use huge pages");
		CHECK(advised_huge(STRETCH(r)) == 1, "hl_realloc to 8 MiB is advised to use huge pages");
	}
#undef STRETCH
	free(m);
	free(c);
	free(r);
}

int main(void)
{
	test_read_fd();
	test_read_at();
	test_read_listed();
	test_shortcuts_random();
	test_dir_order();
	test_quoted();
	test_journal_regex();
	test_pos();
	test_line_near();
	test_first_link();
	test_bytes();
	test_simd_doc();
	test_segment();
	test_text_runs();
	test_trigger_index();
	test_trigger_index_many();
	test_map();
	test_supp();
	test_triggers();
	test_trigger_sets();
	test_starts();
	test_start_keys();
	test_needs_digit();
	test_stop_bytes();
	test_exact_index();
	test_keys_sound();
	test_lazy_jit();
	test_ascii_ranges();
	test_ascii_twin();
	test_huge_advice();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
