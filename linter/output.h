/* output.h - findings resolved to LINE:COL with stable fingerprints, and the output formats
 * that are written once per run (JSON, SARIF, GitHub, GitLab, reviewdog, Checkstyle, HTML). */
#ifndef HL_OUTPUT_H
#define HL_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "check.h"

/* ORDER: hl_outfmt and outfmt_names[] in output.c */
enum hl_outfmt {
	HL_OUT_GCC, HL_OUT_JSON, HL_OUT_SARIF, HL_OUT_GITHUB, HL_OUT_GITLAB, HL_OUT_RDJSONL,
	HL_OUT_CHECKSTYLE, HL_OUT_HTML, HL_OUT__N
};

/* The format named s, or -1. */
int hl_outfmt_parse(const char *s);
/* "gcc, json, ..." for messages. */
const char *hl_outfmt_list(void);

/*
 * A range in a source as the formats want it: lines and columns are 1-based,
 * columns count characters (code points) as in the gcc format, byte columns
 * count UTF-8 bytes (reviewdog); the end is exclusive.
 */
typedef struct hl_range {
	size_t line, col, end_line, end_col;
	size_t byte_col, end_byte_col;
} hl_range;

typedef struct hl_rnote {
	hl_range at;
	size_t start, end;      /* byte offsets in the source (while it is alive) */
	char *message;
} hl_rnote;

/* One finding, resolved: what every output format needs, without the source. */
typedef struct hl_result {
	size_t file;            /* index of the file in the run (the order files were named) */
	hl_range at;
	size_t start, end;      /* byte offsets in the source (while it is alive) */
	enum hl_severity severity;
	const hl_rule *rule;    /* NULL for hypelint's own diagnostics */
	const char *rule_id;    /* lives as long as the rules */
	char *message, *match, *suggest;
	hl_rnote *notes;
	size_t nnotes;
	char fingerprint[33];   /* 128 bits in hex; see hl_results_add */
} hl_result;

typedef struct hl_results {
	hl_result *v;
	size_t n, cap;
} hl_results;

/*
 * Resolve the (sorted) findings of one source into out, taking their strings.
 * A fingerprint hashes the file name, the rule, the matched text (case and
 * white space folded) and how many identical findings come before it in the
 * file: it survives edits anywhere else in the file. With fingerprints 0 (the gcc format
 * with no baseline shows none) they are left empty.
 */
void hl_results_add(hl_results *out, const hl_source *src, hl_findings *f, size_t file, int fingerprints);
/* Append every result of from to to (from is left empty). */
void hl_results_move(hl_results *to, hl_results *from);
void hl_results_release(hl_results *r);
/* Free one result's strings and notes. */
void hl_result_release(hl_result *r);

/* A whole run, for the formats written at its end. */
typedef struct hl_run {
	char **files;           /* every file named or found, in order (index = hl_result.file) */
	size_t nfiles;
	const hl_results *res;
	const hl_rules *rules;
	const char **posts;     /* HTML: the rendered post of each file, or NULL */
	size_t nlinted;
} hl_run;

/* Write the run in format fmt (not gcc) to out. Returns 0, or -1 on a write error. */
int hl_output_write(FILE *out, enum hl_outfmt fmt, const hl_run *run);
/* GitHub: append a Markdown table of every finding to the file named by path. */
int hl_output_step_summary(const char *path, const hl_run *run);

/* HTML report: one post, its prose with every finding of res (this post's results)
 * marked in place and a margin note for each; file is its index in the run. */
char *hl_html_post(const hl_doc *doc, const hl_results *res, size_t file);

/* Write the editors' report (report_html.c). */
int hl_html_page(FILE *o, const hl_run *run);
/* A rule's message up to its first ';', without the quoted match: a one-line summary. */
void hl_rule_summary(hl_buf *b, const char *msg);
/* A rule in one line: its summary, or the first sentence of its rationale when the
 * message has placeholders a summary cannot fill. */
void hl_rule_short(hl_buf *b, const hl_rule *r);

/* The 128-bit FNV-1a hash of s as 32 hex digits (exposed for the baseline). */
void hl_hash_hex(const char *s, size_t n, char out[33]);

#endif
