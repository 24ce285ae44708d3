/* report_html.c - the editors' report: one self-contained HTML page per run, each post's
 * prose with its findings marked in place, a margin note per finding, a summary table. */
#include <stdlib.h>
#include <string.h>

#include "hypelint.h"
#include "output.h"

/* Text as HTML; control characters other than tab and line end are dropped. */
static void esc(hl_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': hl_buf_adds(b, "&amp;"); break;
		case '<': hl_buf_adds(b, "&lt;"); break;
		case '>': hl_buf_adds(b, "&gt;"); break;
		case '"': hl_buf_adds(b, "&quot;"); break;
		case '\'': hl_buf_adds(b, "&#39;"); break;
		default:
			if (c >= 0x20 || c == '\t' || c == '\n')
				hl_buf_addc(b, (char)c);
		}
	}
}

static void escs(hl_buf *b, const char *s)
{
	if (s != NULL)
		esc(b, s, strlen(s));
}

static const char *sev(enum hl_severity s)
{
	return hl_severity_name(s);
}

/* The part of a message after its first ';': what to do about it. */
static const char *fix_of(const char *msg)
{
	const char *p = strchr(msg, ';');

	if (p == NULL)
		return NULL;
	for (p++; *p == ' '; p++)
		;
	return *p ? p : NULL;
}

static void note(hl_buf *b, const hl_result *r, size_t file, size_t k)
{
	const char *fix = fix_of(r->message);
	size_t j;

	hl_buf_addf(b, "<aside class=\"note sev-%s\" id=\"n-%zu-%zu\" data-f=\"%zu\" data-line=\"%zu\" data-col=\"%zu\">",
		    sev(r->severity), file, k, k, r->at.line, r->at.col);
	hl_buf_addf(b, "<p class=\"head\"><span class=\"badge\">%s</span> <code>", sev(r->severity));
	escs(b, r->rule_id);
	hl_buf_addf(b, "</code> <a class=\"pos\" href=\"#m-%zu-%zu\">line %zu, column %zu</a></p>", file, k,
		    r->at.line, r->at.col);
	hl_buf_adds(b, "<p class=\"msg\">");
	if (fix != NULL) {
		esc(b, r->message, (size_t)(strchr(r->message, ';') - r->message));
		hl_buf_adds(b, ".</p><p class=\"fix\"><b>Suggested fix:</b> ");
		if (*fix >= 'a' && *fix <= 'z') { /* a sentence of its own now */
			hl_buf_addc(b, (char)(*fix - 'a' + 'A'));
			fix++;
		}
		escs(b, fix);
		hl_buf_adds(b, r->suggest ? "" : ".");
	} else
		escs(b, r->message);
	if (r->suggest != NULL) {
		hl_buf_adds(b, fix ? " For example: <q>" : "</p><p class=\"fix\"><b>Suggested wording:</b> <q>");
		escs(b, r->suggest);
		hl_buf_adds(b, "</q>.");
	}
	hl_buf_adds(b, "</p>");
	for (j = 0; j < r->nnotes; j++) {
		hl_buf_addf(b, "<p class=\"rel\">Line %zu: ", r->notes[j].at.line);
		escs(b, r->notes[j].message);
		hl_buf_adds(b, "</p>");
	}
	if (r->rule != NULL) {
		hl_buf_adds(b, "<details><summary>Why this matters</summary><p>");
		escs(b, r->rule->why);
		hl_buf_adds(b, "</p>");
		if (r->rule->source) {
			hl_buf_adds(b, "<p class=\"src\">Source: ");
			escs(b, r->rule->source);
			hl_buf_adds(b, "</p>");
		}
		hl_buf_adds(b, "</details>");
	}
	hl_buf_adds(b, "</aside>");
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static const char *const block_class[] = {"p", "h", "li", "q", "td", "title", "other"}; /* ORDER: hl_block_kind */

typedef struct placed_f {
	size_t ps, pe, k;
} placed_f;

static int placed_cmp(const void *a, const void *b)
{
	const placed_f *x = a, *y = b;

	if (x->ps != y->ps)
		return x->ps < y->ps ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/*
 * Blocks are walked in order with the findings that overlap the current one ("open"),
 * so a long post with many findings stays linear: each block looks only at its own.
 * A finding's note goes beside the block where it starts (or the next block, when it
 * starts between two).
 */
char *hl_html_post(const hl_doc *doc, const hl_results *res, size_t file)
{
	hl_buf b = HL_BUF_INIT;
	size_t n = res->n, np = 0, nopen = 0, next = 0, i, k, blk, *cuts, *open;
	placed_f *pf = hl_calloc(n + 1, sizeof *pf);
	unsigned char *anchored = hl_calloc(n + 1, 1), *outside = hl_calloc(n + 1, 1);
	int any_outside = 0;

	cuts = hl_calloc(2 * n + 2, sizeof *cuts);
	open = hl_calloc(n + 1, sizeof *open);
	for (k = 0; k < n; k++) {
		size_t s, e;
		if (hl_doc_prose_range(doc, res->v[k].start, res->v[k].end, &s, &e) != 0) {
			outside[k] = 1;
			any_outside = 1;
			continue;
		}
		if (e == s && s < doc->text.len) /* an empty span: mark the character there */
			e = s + hl_utf8_len((const unsigned char *)doc->text.s + s, doc->text.len - s);
		pf[np++] = (placed_f){s, e, k};
	}
	qsort(pf, np, sizeof *pf, placed_cmp);
	hl_buf_addf(&b, "<section class=\"post\" id=\"post-%zu\">\n", file);
	if (any_outside || doc->nblocks == 0) {
		hl_buf_adds(&b, "<div class=\"row\"><div class=\"text outside\"><p>Findings outside the text "
				"(in markup or comments):</p></div><div class=\"notes\">");
		for (k = 0; k < n; k++)
			if (outside[k] || doc->nblocks == 0)
				note(&b, &res->v[k], file, k);
		hl_buf_adds(&b, "</div></div>\n");
	}
	for (blk = 0; blk < doc->nblocks; blk++) {
		const hl_block *B = &doc->blocks[blk];
		size_t nc = 0, m = 0, first_new;
		for (i = 0; i < nopen; i++) /* close what ended before this block */
			if (pf[open[i]].pe > B->start)
				open[m++] = open[i];
		nopen = m;
		first_new = nopen;
		while (next < np && (pf[next].ps < B->end || blk + 1 == doc->nblocks))
			open[nopen++] = next++;
		cuts[nc++] = B->start;
		cuts[nc++] = B->end;
		for (i = 0; i < nopen; i++) {
			const placed_f *f = &pf[open[i]];
			if (f->ps > B->start && f->ps < B->end)
				cuts[nc++] = f->ps;
			if (f->pe > B->start && f->pe < B->end)
				cuts[nc++] = f->pe;
		}
		qsort(cuts, nc, sizeof *cuts, cmp_size);
		hl_buf_addf(&b, "<div class=\"row\"><div class=\"text\"><div class=\"blk %s\">",
			    block_class[B->kind]);
		for (i = 0; i + 1 < nc; i++) {
			size_t s = cuts[i], e = cuts[i + 1], j;
			enum hl_severity worst = HL_SEV_SUGGESTION;
			hl_buf ids = HL_BUF_INIT;
			if (e <= s)
				continue;
			for (j = 0; j < nopen; j++) {
				const placed_f *f = &pf[open[j]];
				if (f->ps > s || f->pe < e)
					continue;
				hl_buf_addf(&ids, "%s%zu", ids.len ? " " : "", f->k);
				if (res->v[f->k].severity > worst)
					worst = res->v[f->k].severity;
				if (!anchored[f->k]) { /* where the note's link leads */
					hl_buf_addf(&b, "<a class=\"anchor\" id=\"m-%zu-%zu\"></a>", file, f->k);
					anchored[f->k] = 1;
				}
			}
			if (ids.len) {
				hl_buf_addf(&b, "<mark class=\"sev-%s\" data-f=\"%s\">", sev(worst), ids.s);
				esc(&b, doc->text.s + s, e - s);
				hl_buf_adds(&b, "</mark>");
			} else
				esc(&b, doc->text.s + s, e - s);
			hl_buf_release(&ids);
		}
		hl_buf_adds(&b, "</div></div><div class=\"notes\">");
		for (i = first_new; i < nopen; i++)
			note(&b, &res->v[pf[open[i]].k], file, pf[open[i]].k);
		hl_buf_adds(&b, "</div></div>\n");
	}
	hl_buf_adds(&b, "</section>\n");
	free(pf);
	free(anchored);
	free(outside);
	free(cuts);
	free(open);
	return hl_buf_detach(&b);
}

/* ---- the page ---- */

static const char css[] =
	":root{--err:#b3261e;--err-bg:#fde2e0;--warn:#8a5a00;--warn-bg:#fff1c2;--sug:#1d4f91;--sug-bg:#dde9fb;"
	"--ink:#1f1f1f;--muted:#5f6368;--line:#dadce0}\n"
	"*{box-sizing:border-box}body{margin:0;font:16px/1.6 Georgia,'Times New Roman',serif;color:var(--ink);background:#fafaf7}\n"
	"header,main{max-width:78rem;margin:0 auto;padding:1rem 1.5rem}\n"
	"h1,h2,h3,.note,table,.files{font-family:system-ui,-apple-system,'Segoe UI',sans-serif}\n"
	"h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.2rem;margin:2rem 0 .5rem;word-break:break-all}\n"
	"table{border-collapse:collapse;width:100%;font-size:.9rem;background:#fff}\n"
	"th,td{border:1px solid var(--line);padding:.35rem .6rem;text-align:left;vertical-align:top}th{background:#f1f3f4}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto}\n"
	".note,.note code,td{overflow-wrap:anywhere}\n"
	".badge{display:inline-block;padding:0 .45rem;border-radius:.7rem;font-size:.75rem;font-weight:600;color:#fff}\n"
	".sev-error .badge,.badge.sev-error{background:var(--err)}.sev-warning .badge,.badge.sev-warning{background:var(--warn)}"
	".sev-suggestion .badge,.badge.sev-suggestion{background:var(--sug)}\n"
	".post{background:#fff;border:1px solid var(--line);border-radius:.5rem;padding:.5rem 1.5rem 1rem;margin:1rem 0}\n"
	".row{display:grid;grid-template-columns:minmax(0,1fr) 22rem;gap:1.5rem;align-items:start}\n"
	".blk{margin:.4rem 0;white-space:pre-wrap;overflow-wrap:anywhere}.blk.h,.blk.title{font-weight:bold;font-size:1.1rem}"
	".blk.li{padding-left:1.2rem;text-indent:-.8rem}.blk.li::before{content:'\\2022  '}"
	".blk.q{border-left:3px solid var(--line);padding-left:.8rem;color:var(--muted)}\n"
	"mark{border-radius:2px;padding:0 1px;color:inherit}\n"
	"mark.sev-error{background:var(--err-bg);border-bottom:2px solid var(--err)}\n"
	"mark.sev-warning{background:var(--warn-bg);border-bottom:2px dashed var(--warn)}\n"
	"mark.sev-suggestion{background:var(--sug-bg);border-bottom:2px dotted var(--sug)}\n"
	"a.anchor{scroll-margin-top:3rem}\n"
	".note{font-size:.85rem;line-height:1.4;border-left:4px solid;background:#fcfcfc;padding:.4rem .7rem;margin:.4rem 0}\n"
	".note.sev-error{border-color:var(--err)}.note.sev-warning{border-color:var(--warn)}.note.sev-suggestion{border-color:var(--sug)}\n"
	".note p{margin:.25rem 0}.note .head{color:var(--muted)}.note .pos{color:var(--muted)}.note .fix{color:#137333}"
	".note details{color:var(--muted)}.note summary{cursor:pointer}.outside{color:var(--muted);font-style:italic}\n"
	"@media (max-width:60rem){.row{grid-template-columns:1fr;gap:0}.notes{margin-bottom:.8rem}}\n"
	"@media print{.post{break-inside:auto;border:none}details{display:block}}\n";

typedef struct rulecount {
	const char *id;
	const hl_result *any;
	size_t count;
} rulecount;

static int rc_cmp(const void *a, const void *b)
{
	const rulecount *x = a, *y = b;

	if (x->any->severity != y->any->severity)
		return x->any->severity > y->any->severity ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->id, y->id);
}

int hl_html_page(FILE *o, const hl_run *run)
{
	hl_buf b = HL_BUF_INIT;
	size_t counts[HL_SEV_NONE] = {0}, *perfile, i, j, nrc = 0;
	rulecount *rc = hl_calloc(run->res->n + 1, sizeof *rc);

	perfile = hl_calloc(run->nfiles + 1, sizeof *perfile);
	for (i = 0; i < run->res->n; i++) {
		const hl_result *r = &run->res->v[i];
		counts[r->severity]++;
		perfile[r->file]++;
		for (j = 0; j < nrc; j++)
			if (!strcmp(rc[j].id, r->rule_id) && rc[j].any->severity == r->severity)
				break;
		if (j == nrc)
			rc[nrc++] = (rulecount){r->rule_id, r, 0};
		rc[j].count++;
	}
	qsort(rc, nrc, sizeof *rc, rc_cmp);
	hl_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<meta name=\"generator\" content=\"hypelint " HL_VERSION "\">\n<title>hypelint report</title>\n<style>\n");
	hl_buf_adds(&b, css);
	hl_buf_adds(&b, "</style>\n</head>\n<body>\n<header>\n<h1>hypelint report</h1>\n");
	hl_buf_addf(&b, "<p id=\"totals\">%zu finding%s in %zu file%s: %zu error%s, %zu warning%s, %zu suggestion%s.</p>\n",
		    run->res->n, run->res->n == 1 ? "" : "s", run->nlinted, run->nlinted == 1 ? "" : "s",
		    counts[HL_SEV_ERROR], counts[HL_SEV_ERROR] == 1 ? "" : "s", counts[HL_SEV_WARNING],
		    counts[HL_SEV_WARNING] == 1 ? "" : "s", counts[HL_SEV_SUGGESTION],
		    counts[HL_SEV_SUGGESTION] == 1 ? "" : "s");
	hl_buf_adds(&b, "<p>Each post below shows its text with every finding highlighted where it occurs, and a note "
			"beside it: what the problem is, how to fix it, and why it matters. Errors are red with a solid "
			"underline, warnings amber with a dashed one, suggestions blue with a dotted one.</p>\n</header>\n<main>\n");
	hl_buf_adds(&b, "<h2>Summary by rule</h2>\n<div class=\"scroll\"><table id=\"by-rule\">\n<thead><tr><th>Rule</th><th>Severity</th>"
			"<th>Findings</th><th>What it flags</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < nrc; i++) {
		hl_buf s = HL_BUF_INIT;
		hl_buf_adds(&b, "<tr><td><code>");
		escs(&b, rc[i].id);
		hl_buf_addf(&b, "</code></td><td><span class=\"badge sev-%s\">%s</span></td><td class=\"num\">%zu</td><td>",
			    sev(rc[i].any->severity), sev(rc[i].any->severity), rc[i].count);
		if (rc[i].any->rule != NULL)
			hl_rule_short(&s, rc[i].any->rule);
		else
			hl_rule_summary(&s, rc[i].any->message);
		escs(&b, s.s);
		hl_buf_release(&s);
		hl_buf_adds(&b, "</td></tr>\n");
	}
	if (nrc == 0)
		hl_buf_adds(&b, "<tr><td colspan=\"4\">No findings.</td></tr>\n");
	hl_buf_adds(&b, "</tbody>\n</table></div>\n<h2>Files</h2>\n<div class=\"scroll\"><table id=\"by-file\">\n<thead><tr><th>File</th>"
			"<th>Findings</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < run->nfiles; i++) {
		hl_buf_adds(&b, "<tr><td>");
		if (perfile[i] && run->posts && run->posts[i])
			hl_buf_addf(&b, "<a href=\"#post-%zu\">", i);
		escs(&b, run->files[i]);
		hl_buf_adds(&b, perfile[i] && run->posts && run->posts[i] ? "</a>" : "");
		hl_buf_addf(&b, "</td><td class=\"num\">%zu</td></tr>\n", perfile[i]);
	}
	hl_buf_adds(&b, "</tbody>\n</table></div>\n");
	for (i = 0; i < run->nfiles; i++) {
		if (!perfile[i] || run->posts == NULL || run->posts[i] == NULL)
			continue;
		hl_buf_adds(&b, "<h2>");
		escs(&b, run->files[i]);
		hl_buf_addf(&b, " <small>(%zu finding%s)</small></h2>\n", perfile[i], perfile[i] == 1 ? "" : "s");
		hl_buf_adds(&b, run->posts[i]);
	}
	hl_buf_adds(&b, "</main>\n</body>\n</html>\n");
	fwrite(b.s, 1, b.len, o);
	hl_buf_release(&b);
	free(rc);
	free(perfile);
	return 0;
}
