/* testrules.c - checking every rule against its own examples (--test-rules). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "extract.h"
#include "hypelint.h"

static void lint_text(hl_checker *ck, const hl_rule *r, const char *text, hl_source *src,
		      hl_doc *doc, hl_findings *f)
{
	hl_source_from_mem(src, r->id, text, strlen(text));
	hl_doc_init(doc, src);
	hl_extract(doc, HL_FMT_TEXT);
	memset(f, 0, sizeof *f);
	hl_check_doc(ck, doc, r, hl_findings_collect, f);
}

static void show_spans(hl_buf *b, const char *text, const size_t *pairs, size_t n, size_t stride)
{
	size_t i;

	if (n == 0) {
		hl_buf_adds(b, "nothing");
		return;
	}
	for (i = 0; i < n; i++) {
		size_t s = pairs[i * stride], e = pairs[i * stride + 1];
		hl_buf_adds(b, i ? ", \"" : "\"");
		hl_buf_add_quoted(b, text + s, e - s);
		hl_buf_addc(b, '"');
	}
}

static void fail(FILE *err, const hl_rule *r, const hl_example *ex, const char *what)
{
	fprintf(err, "hypelint: %s:%lu:%lu: error: rule '%s': %s\n", ex->loc.file, ex->loc.line,
		ex->loc.col, r->id, what);
}

/* 0 when the example behaves; else prints why and returns 1. */
static int test_example(hl_checker *ck, const hl_rule *r, const hl_example *ex, FILE *err)
{
	hl_source src;
	hl_doc doc;
	hl_findings f;
	size_t i, *got;
	int ok = 1;

	lint_text(ck, r, ex->text, &src, &doc, &f);
	got = hl_calloc(2 * f.n + 1, sizeof *got);
	for (i = 0; i < f.n; i++) {
		got[2 * i] = f.v[i].start;
		got[2 * i + 1] = f.v[i].end;
	}
	if (f.n != ex->nspans)
		ok = 0;
	for (i = 0; ok && i < f.n; i++)
		if (got[2 * i] != ex->spans[2 * i] || got[2 * i + 1] != ex->spans[2 * i + 1])
			ok = 0;
	if (!ok) {
		hl_buf b = HL_BUF_INIT;
		hl_buf_adds(&b, ex->fire ? "example must report " : "example must stay silent but reports ");
		if (ex->fire) {
			show_spans(&b, ex->text, ex->spans, ex->nspans, 2);
			hl_buf_adds(&b, " but reports ");
		}
		show_spans(&b, ex->text, got, f.n, 2);
		fail(err, r, ex, b.s);
		hl_buf_release(&b);
	}
	/* a swap's suggestion must not be reported again once applied */
	if (ok && r->kind == HL_KIND_SWAP) {
		for (i = 0; i < f.n; i++) {
			hl_buf fixed = HL_BUF_INIT;
			hl_source src2;
			hl_doc doc2;
			hl_findings f2;
			size_t j;
			if (f.v[i].suggest == NULL)
				continue;
			hl_buf_add(&fixed, ex->text, f.v[i].start);
			hl_buf_adds(&fixed, f.v[i].suggest);
			hl_buf_adds(&fixed, ex->text + f.v[i].end);
			lint_text(ck, r, fixed.s, &src2, &doc2, &f2);
			for (j = 0; j < f2.n; j++)
				if (f2.v[j].start < f.v[i].start + strlen(f.v[i].suggest) &&
				    f2.v[j].end > f.v[i].start) {
					hl_buf b = HL_BUF_INIT;
					hl_buf_addf(&b, "the suggestion \"%s\" is itself reported", f.v[i].suggest);
					fail(err, r, ex, b.s);
					hl_buf_release(&b);
					ok = 0;
					break;
				}
			hl_findings_release(&f2);
			hl_doc_release(&doc2);
			hl_source_release(&src2);
			hl_buf_release(&fixed);
		}
	}
	free(got);
	hl_findings_release(&f);
	hl_doc_release(&doc);
	hl_source_release(&src);
	return !ok;
}

static int in_paths(const hl_rule *r, char **paths, int npaths)
{
	int i;
	size_t n;

	if (npaths == 0)
		return 1;
	for (i = 0; i < npaths; i++) {
		n = strlen(paths[i]);
		while (n > 1 && paths[i][n - 1] == '/')
			n--;
		if (!strncmp(r->loc.file, paths[i], n) && (r->loc.file[n] == '\0' || r->loc.file[n] == '/'))
			return 1;
	}
	return 0;
}

int hl_test_rules(const hl_rules *rules, char **paths, int npaths, FILE *out, FILE *err)
{
	hl_checker ck;
	size_t i, j, passed = 0, failed = 0, nrules = 0;

	hl_checker_init(&ck, rules, 0, 0);
	for (i = 0; i < rules->n; i++) {
		const hl_rule *r = &rules->v[i];
		if (!in_paths(r, paths, npaths))
			continue;
		nrules++;
		if (r->nexamples == 0) {
			fprintf(err, "hypelint: %s:%lu:%lu: error: rule '%s': has no examples\n", r->loc.file,
				r->loc.line, r->loc.col, r->id);
			failed++;
		}
		for (j = 0; j < r->nexamples; j++) {
			if (test_example(&ck, r, &r->examples[j], err))
				failed++;
			else
				passed++;
		}
	}
	hl_checker_release(&ck);
	fprintf(out, "rule examples (%zu rules): %zu passed, %zu failed\n", nrules, passed, failed);
	return (int)failed;
}
