/* output.c - resolved findings, fingerprints, and the formats written once per run. */
#include "output.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hypelint.h"

/* ORDER: enum hl_outfmt */
static const char *const outfmt_names[] = {
	"gcc", "json", "sarif", "github", "gitlab", "rdjsonl", "checkstyle", "html",
};

int hl_outfmt_parse(const char *s)
{
	int i;

	for (i = 0; i < HL_OUT__N; i++)
		if (!strcmp(s, outfmt_names[i]))
			return i;
	return -1;
}

const char *hl_outfmt_list(void)
{
	return "gcc, json, sarif, github, gitlab, rdjsonl, checkstyle or html";
}

/* ---- fingerprints ---- */

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_BASIS 0xcbf29ce484222325ULL
#define FNV_BASIS2 0x84222325cbf29ce4ULL /* a second, independent stream for 128 bits */

void hl_hash_hex(const char *s, size_t n, char out[33])
{
	uint64_t a = fnv1a(FNV_BASIS, s, n), b = fnv1a(FNV_BASIS2, s, n);

	/* mix the halves so that they do not only differ by their start */
	b = fnv1a(b, &a, sizeof a);
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

/* path without leading "./" (the same file named two ways gets one name in the output) */
static const char *tidy_path(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	return p;
}

/* file, rule and matched text with case and white space folded; "./" dropped from the name */
static void fingerprint_key(hl_buf *k, const char *file, const char *rule, const char *match)
{
	const char *m;
	int space = 0;

	file = tidy_path(file);
	k->len = 0;
	hl_buf_adds(k, file);
	hl_buf_addc(k, '\0');
	hl_buf_adds(k, rule);
	hl_buf_addc(k, '\0');
	for (m = match ? match : ""; *m; m++) {
		if (isspace((unsigned char)*m)) {
			space = k->len > 0;
			continue;
		}
		if (space)
			hl_buf_addc(k, ' ');
		space = 0;
		hl_buf_addc(k, (char)tolower((unsigned char)*m));
	}
}

typedef struct keyed {
	char hash[33];
	size_t i;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	int c = strcmp(x->hash, y->hash);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void range_of(hl_poscache *pc, size_t start, size_t end, hl_range *r)
{
	const hl_source *src = pc->src;
	size_t ls, le;

	hl_poscache_pos(pc, start, &r->line, &r->col);
	hl_source_line(src, r->line, &ls, &le);
	r->byte_col = (start > ls ? start - ls : 0) + 1;
	if (end < start)
		end = start;
	hl_poscache_pos(pc, end, &r->end_line, &r->end_col);
	hl_source_line(src, r->end_line, &ls, &le);
	r->end_byte_col = (end > ls ? end - ls : 0) + 1;
}

void hl_results_add(hl_results *out, const hl_source *src, hl_findings *f, size_t file, int fingerprints)
{
	hl_poscache pc = {src, 0, 0, 0};
	size_t first = out->n, i, j, nth;
	keyed *keys;
	hl_buf k = HL_BUF_INIT;

	HL_GROW(out->v, out->cap, out->n + f->n);
	for (i = 0; i < f->n; i++) {
		hl_finding *x = &f->v[i];
		hl_result *r = &out->v[out->n++];
		memset(r, 0, sizeof *r);
		r->file = file;
		r->start = x->start;
		r->end = x->end;
		range_of(&pc, x->start, x->end, &r->at);
		r->severity = x->severity;
		r->rule = x->rule;
		r->rule_id = x->rule_id;
		r->message = x->message;
		r->match = x->match;
		r->suggest = x->suggest;
		x->message = x->match = x->suggest = NULL;
		if (x->nnotes) {
			r->notes = hl_calloc(x->nnotes, sizeof *r->notes);
			r->nnotes = x->nnotes;
			for (j = 0; j < x->nnotes; j++) {
				hl_poscache npc = {src, 0, 0, 0};
				range_of(&npc, x->notes[j].start, x->notes[j].end, &r->notes[j].at);
				r->notes[j].start = x->notes[j].start;
				r->notes[j].end = x->notes[j].end;
				r->notes[j].message = x->notes[j].message;
				x->notes[j].message = NULL;
			}
		}
	}
	if (!fingerprints)
		return;
	/* the same key n times in a file: number them in order of position */
	keys = hl_calloc(f->n ? f->n : 1, sizeof *keys);
	for (i = 0; i < f->n; i++) {
		hl_result *r = &out->v[first + i];
		fingerprint_key(&k, src->name, r->rule_id, r->match);
		hl_hash_hex(k.s, k.len, keys[i].hash);
		keys[i].i = i;
	}
	qsort(keys, f->n, sizeof *keys, keyed_cmp);
	for (i = 0, nth = 0; i < f->n; i++) {
		nth = (i > 0 && !strcmp(keys[i].hash, keys[i - 1].hash)) ? nth + 1 : 0;
		hl_result *r = &out->v[first + keys[i].i];
		k.len = 0;
		hl_buf_addf(&k, "%s:%zu", keys[i].hash, nth);
		hl_hash_hex(k.s, k.len, r->fingerprint);
	}
	free(keys);
	hl_buf_release(&k);
}

void hl_results_move(hl_results *to, hl_results *from)
{
	if (from->n) {
		HL_GROW(to->v, to->cap, to->n + from->n);
		memcpy(to->v + to->n, from->v, from->n * sizeof *from->v);
		to->n += from->n;
	}
	free(from->v);
	memset(from, 0, sizeof *from);
}

void hl_result_release(hl_result *r)
{
	size_t j;

	free(r->message);
	free(r->match);
	free(r->suggest);
	for (j = 0; j < r->nnotes; j++)
		free(r->notes[j].message);
	free(r->notes);
}

void hl_results_release(hl_results *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		hl_result_release(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* ---- escaping ---- */

/* A JSON string; invalid UTF-8 becomes U+FFFD so that the output always parses. */
static void jstr(FILE *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0;

	fputc('"', o);
	while (i < n) {
		unsigned char c = p[i];
		size_t l;
		if (c == '"' || c == '\\') {
			fputc('\\', o);
			fputc(c, o);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			static const char esc[] = "btn\0fr";
			if (c >= 8 && c <= 13 && c != 11 && esc[c - 8])
				fprintf(o, "\\%c", esc[c - 8]);
			else
				fprintf(o, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			fputc(c, o);
			i++;
		} else if ((l = hl_utf8_len(p + i, n - i)) == 0) {
			fputs("\\ufffd", o);
			i++;
		} else {
			fwrite(p + i, 1, l, o);
			i += l;
		}
	}
	fputc('"', o);
}

/* XML text or attribute value; characters XML 1.0 cannot hold become U+FFFD. */
static void xstr(FILE *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t l;
		switch (c) {
		case '&': fputs("&amp;", o); i++; continue;
		case '<': fputs("&lt;", o); i++; continue;
		case '>': fputs("&gt;", o); i++; continue;
		case '"': fputs("&quot;", o); i++; continue;
		case '\'': fputs("&#39;", o); i++; continue;
		case '\n': fputs("&#10;", o); i++; continue;
		case '\r': fputs("&#13;", o); i++; continue;
		case '\t': fputs("&#9;", o); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			fputs("\xEF\xBF\xBD", o);
			i++;
		} else if (c < 0x80) {
			fputc(c, o);
			i++;
		} else if ((l = hl_utf8_len(p + i, n - i)) == 0 ||
			   (l == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE)) {
			fputs("\xEF\xBF\xBD", o); /* invalid byte, or U+FFFE/U+FFFF */
			i += l ? l : 1;
		} else {
			fwrite(p + i, 1, l, o);
			i += l;
		}
	}
}

/* A relative path as a URI reference (RFC 3986): unreserved characters and '/' kept. */
static void uri(FILE *o, const char *path)
{
	const unsigned char *p = (const unsigned char *)tidy_path(path);

	if (*p == '/')
		fputs("file://", o);
	for (; *p; p++) {
		if (isalnum(*p) || strchr("-._~/", *p) != NULL)
			fputc(*p, o);
		else
			fprintf(o, "%%%02X", *p);
	}
}

static const char *file_name(const hl_run *run, size_t i)
{
	return tidy_path(run->files[i]);
}

/* ---- rule texts ---- */

/* hypelint's own diagnostics, which have no rule file */
static const struct builtin {
	const char *id, *summary, *why;
} builtins[] = {
	{"match-limit", "a rule's pattern hit the PCRE2 match or depth limit",
	 "The sentence could not be checked completely by this rule; raise --match-limit or --depth-limit, or simplify the rule."},
	{"input-truncated", "the parser gave up before the end of the file",
	 "The rest of the file was not linted; fix the markup near the reported place."},
	{"unknown-rule", "a suppression comment names a rule that does not exist",
	 "A misspelt id silences nothing; see hypelint --list-rules for the ids."},
};

void hl_rule_summary(hl_buf *b, const char *msg)
{
	static const char *const holes[] = {" (\"{match}\")", " \"{match}\"", "\"{match}\" ", "{match}"};
	size_t n = strcspn(msg, ";\n"), i, k;

	for (i = 0; i < n;) {
		for (k = 0; k < sizeof holes / sizeof holes[0]; k++)
			if (!strncmp(msg + i, holes[k], strlen(holes[k])))
				break;
		if (k < sizeof holes / sizeof holes[0]) {
			i += strlen(holes[k]);
			continue;
		}
		hl_buf_addc(b, msg[i++]);
	}
	if (b->s == NULL)
		hl_buf_adds(b, "");
}

void hl_rule_short(hl_buf *b, const hl_rule *r)
{
	hl_buf m = HL_BUF_INIT;
	size_t n;

	hl_rule_summary(&m, r->message);
	if (strchr(m.s, '{') == NULL || r->why == NULL) {
		hl_buf_adds(b, m.s);
		hl_buf_release(&m);
		return;
	}
	/* the message names other placeholders: the rationale's first sentence reads better */
	hl_buf_release(&m);
	for (n = 0; r->why[n] && !(r->why[n] == '.' && (r->why[n + 1] == ' ' || r->why[n + 1] == '\n' || !r->why[n + 1])); n++)
		;
	hl_buf_add(b, r->why, n);
	if (b->s == NULL)
		hl_buf_adds(b, "");
}

/* ---- JSON ---- */

static void jrange(FILE *o, const hl_range *r)
{
	fprintf(o, "\"line\":%zu,\"column\":%zu,\"end_line\":%zu,\"end_column\":%zu", r->line, r->col,
		r->end_line, r->end_col);
}

static void write_json(FILE *o, const hl_run *run)
{
	size_t i, j;

	fputs("[", o);
	for (i = 0; i < run->res->n; i++) {
		const hl_result *r = &run->res->v[i];
		fputs(i ? ",\n" : "\n", o);
		fputs("{\"file\":", o);
		jstr(o, file_name(run, r->file));
		fputc(',', o);
		jrange(o, &r->at);
		fputs(",\"severity\":", o);
		jstr(o, hl_severity_name(r->severity));
		fputs(",\"rule\":", o);
		jstr(o, r->rule_id);
		fputs(",\"message\":", o);
		jstr(o, r->message);
		fputs(",\"match\":", o);
		jstr(o, r->match);
		fputs(",\"suggestion\":", o);
		if (r->suggest)
			jstr(o, r->suggest);
		else
			fputs("null", o);
		fputs(",\"notes\":[", o);
		for (j = 0; j < r->nnotes; j++) {
			fputs(j ? ",{" : "{", o);
			jrange(o, &r->notes[j].at);
			fputs(",\"message\":", o);
			jstr(o, r->notes[j].message);
			fputc('}', o);
		}
		fputs("],\"fingerprint\":", o);
		jstr(o, r->fingerprint);
		fputc('}', o);
	}
	fputs(run->res->n ? "\n]\n" : "]\n", o);
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(enum hl_severity s)
{
	return s == HL_SEV_ERROR ? "error" : s == HL_SEV_WARNING ? "warning" : "note";
}

static void sarif_region(FILE *o, const hl_range *r, const char *snippet)
{
	fprintf(o, "\"region\":{\"startLine\":%zu,\"startColumn\":%zu,\"endLine\":%zu,\"endColumn\":%zu", r->line,
		r->col, r->end_line, r->end_col);
	if (snippet != NULL) {
		fputs(",\"snippet\":{\"text\":", o);
		jstr(o, snippet);
		fputc('}', o);
	}
	fputc('}', o);
}

/* "physicalLocation":{"artifactLocation":{...},"region":{...}} */
static void sarif_physical(FILE *o, const hl_run *run, size_t file, const hl_range *r, const char *snippet)
{
	fputs("\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"", o);
	uri(o, file_name(run, file));
	fputs("\"", o);
	if (file_name(run, file)[0] != '/')
		fputs(",\"uriBaseId\":\"%SRCROOT%\"", o);
	fputs("},", o);
	sarif_region(o, r, snippet);
	fputs("}", o);
}

/* Rules in the order they are listed: the loaded ones, then the built-in diagnostics. */
static long sarif_rule_index(const hl_run *run, const hl_result *r)
{
	size_t i;

	if (r->rule != NULL)
		return (long)(r->rule - run->rules->v);
	for (i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (!strcmp(builtins[i].id, r->rule_id))
			return (long)(run->rules->n + i);
	return -1;
}

static void sarif_rule(FILE *o, const char *id, const char *shortd, const char *full, const char *help,
		       const char *level, const char *pack, int enabled)
{
	fputs("{\"id\":", o);
	jstr(o, id);
	fputs(",\"shortDescription\":{\"text\":", o);
	jstr(o, shortd);
	fputs("},\"fullDescription\":{\"text\":", o);
	jstr(o, full);
	fputs("},\"help\":{\"text\":", o);
	jstr(o, help);
	fprintf(o, "},\"defaultConfiguration\":{\"level\":\"%s\",\"enabled\":%s}", level, enabled ? "true" : "false");
	fputs(",\"properties\":{\"tags\":[", o);
	jstr(o, pack);
	fputs("]}}", o);
}

static void write_sarif(FILE *o, const hl_run *run)
{
	size_t i, j;
	hl_buf s = HL_BUF_INIT, h = HL_BUF_INIT;

	fputs("{\"$schema\":\"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json\",\n"
	      "\"version\":\"2.1.0\",\n\"runs\":[{\n\"tool\":{\"driver\":{\"name\":\"hypelint\",\"version\":\"" HL_VERSION "\","
	      "\"semanticVersion\":\"" HL_VERSION "\",\"informationUri\":\"https://github.com/hypelint/hypelint\",\"rules\":[\n", o);
	for (i = 0; i < run->rules->n; i++) {
		const hl_rule *r = &run->rules->v[i];
		s.len = h.len = 0;
		hl_rule_short(&s, r);
		hl_buf_addf(&h, "%s\n\n%s", r->message, r->why);
		if (r->source)
			hl_buf_addf(&h, "\n\nSource: %s", r->source);
		hl_buf_addf(&h, "\n\nSee: hypelint --explain %s", r->id);
		fputs(i ? ",\n" : "", o);
		sarif_rule(o, r->id, s.s, r->why, h.s, sarif_level(r->severity), r->pack, r->enabled);
	}
	for (j = 0; j < sizeof builtins / sizeof builtins[0]; j++) {
		fputs(i + j ? ",\n" : "", o);
		sarif_rule(o, builtins[j].id, builtins[j].summary, builtins[j].why, builtins[j].why, "warning",
			   "hypelint", 1);
	}
	fputs("]}},\n\"columnKind\":\"unicodeCodePoints\",\n"
	      "\"originalUriBaseIds\":{\"%SRCROOT%\":{\"description\":{\"text\":\"The directory hypelint ran in.\"}}},\n"
	      "\"results\":[", o);
	for (i = 0; i < run->res->n; i++) {
		const hl_result *r = &run->res->v[i];
		long ri = sarif_rule_index(run, r);
		fputs(i ? ",\n" : "\n", o);
		fputs("{\"ruleId\":", o);
		jstr(o, r->rule_id);
		if (ri >= 0)
			fprintf(o, ",\"ruleIndex\":%ld", ri);
		fprintf(o, ",\"level\":\"%s\",\"message\":{\"text\":", sarif_level(r->severity));
		jstr(o, r->message);
		fputs("},\"locations\":[", o);
		fputc('{', o);
		sarif_physical(o, run, r->file, &r->at, r->match);
		fputc('}', o);
		fputs("]", o);
		if (r->nnotes) {
			fputs(",\"relatedLocations\":[", o);
			for (j = 0; j < r->nnotes; j++) {
				fputs(j ? "," : "", o);
				/* a related location with its own message: id, physicalLocation, message */
				fprintf(o, "{\"id\":%zu,", j);
				sarif_physical(o, run, r->file, &r->notes[j].at, NULL);
				fputs(",\"message\":{\"text\":", o);
				jstr(o, r->notes[j].message);
				fputs("}}", o);
			}
			fputs("]", o);
		}
		if (r->suggest) {
			fputs(",\"properties\":{\"suggestion\":", o);
			jstr(o, r->suggest);
			fputs("}", o);
		}
		fprintf(o, ",\"partialFingerprints\":{\"primaryLocationLineHash\":\"%s\"}}", r->fingerprint);
	}
	fputs("\n]}]}\n", o);
	hl_buf_release(&s);
	hl_buf_release(&h);
}

/* ---- GitHub workflow commands ---- */

/* escape for a workflow command: '%' first, then CR and LF, and in properties ':' and ',' */
static void gh_escape(FILE *o, const char *s, int property)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '%': fputs("%25", o); break;
		case '\r': fputs("%0D", o); break;
		case '\n': fputs("%0A", o); break;
		case ':': fputs(property ? "%3A" : ":", o); break;
		case ',': fputs(property ? "%2C" : ",", o); break;
		default: fputc(*s, o);
		}
	}
}

static const char *gh_level(enum hl_severity s)
{
	return s == HL_SEV_ERROR ? "error" : s == HL_SEV_WARNING ? "warning" : "notice";
}

/* Indices of the results, most severe first, otherwise in run order. */
static size_t *by_severity(const hl_run *run)
{
	size_t *ix = hl_calloc(run->res->n ? run->res->n : 1, sizeof *ix), n = 0, i;
	int s;

	for (s = HL_SEV_ERROR; s >= HL_SEV_SUGGESTION; s--)
		for (i = 0; i < run->res->n; i++)
			if ((int)run->res->v[i].severity == s)
				ix[n++] = i;
	return ix;
}

static void write_github(FILE *o, const hl_run *run)
{
	size_t *ix = by_severity(run), i, j;
	hl_buf m = HL_BUF_INIT;

	for (i = 0; i < run->res->n; i++) {
		const hl_result *r = &run->res->v[ix[i]];
		fprintf(o, "::%s file=", gh_level(r->severity));
		gh_escape(o, file_name(run, r->file), 1);
		fprintf(o, ",line=%zu,col=%zu,endLine=%zu,endColumn=%zu,title=", r->at.line, r->at.col,
			r->at.end_line, r->at.end_col);
		m.len = 0;
		hl_buf_addf(&m, "hypelint %s", r->rule_id);
		gh_escape(o, m.s, 1);
		fputs("::", o);
		m.len = 0;
		hl_buf_adds(&m, r->message);
		for (j = 0; j < r->nnotes; j++)
			hl_buf_addf(&m, "\nnote (line %zu): %s", r->notes[j].at.line, r->notes[j].message);
		gh_escape(o, m.s, 0);
		fputc('\n', o);
	}
	hl_buf_release(&m);
	free(ix);
}

/* A Markdown table cell: '|' escaped, line ends and other control characters as spaces. */
static void md_cell(FILE *o, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_' || *s == '<' || *s == '[')
			fputc('\\', o);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, o);
	}
}

int hl_output_step_summary(const char *path, const hl_run *run)
{
	FILE *o = fopen(path, "a");
	size_t *ix, i, counts[HL_SEV_NONE] = {0};

	if (o == NULL)
		return -1;
	for (i = 0; i < run->res->n; i++)
		counts[run->res->v[i].severity]++;
	fprintf(o, "## hypelint\n\n%zu finding%s (%zu error%s, %zu warning%s, %zu suggestion%s) in %zu file%s\n\n",
		run->res->n, run->res->n == 1 ? "" : "s", counts[HL_SEV_ERROR], counts[HL_SEV_ERROR] == 1 ? "" : "s",
		counts[HL_SEV_WARNING], counts[HL_SEV_WARNING] == 1 ? "" : "s", counts[HL_SEV_SUGGESTION],
		counts[HL_SEV_SUGGESTION] == 1 ? "" : "s", run->nlinted, run->nlinted == 1 ? "" : "s");
	if (run->res->n) {
		fputs("| Severity | File | Line | Column | Rule | Message |\n|---|---|---:|---:|---|---|\n", o);
		ix = by_severity(run);
		for (i = 0; i < run->res->n; i++) {
			const hl_result *r = &run->res->v[ix[i]];
			fprintf(o, "| %s | ", hl_severity_name(r->severity));
			md_cell(o, file_name(run, r->file));
			fprintf(o, " | %zu | %zu | ", r->at.line, r->at.col);
			md_cell(o, r->rule_id);
			fputs(" | ", o);
			md_cell(o, r->message);
			fputs(" |\n", o);
		}
		free(ix);
	}
	fputc('\n', o);
	return fclose(o) == 0 ? 0 : -1;
}

/* ---- GitLab Code Quality ---- */

static const char *gitlab_severity(enum hl_severity s)
{
	return s == HL_SEV_ERROR ? "major" : s == HL_SEV_WARNING ? "minor" : "info";
}

static void write_gitlab(FILE *o, const hl_run *run)
{
	size_t i;

	fputs("[", o);
	for (i = 0; i < run->res->n; i++) {
		const hl_result *r = &run->res->v[i];
		fputs(i ? ",\n" : "\n", o);
		fputs("{\"type\":\"issue\",\"engine_name\":\"hypelint\",\"check_name\":", o);
		jstr(o, r->rule_id);
		fputs(",\"description\":", o);
		jstr(o, r->message);
		fputs(",\"categories\":[\"Style\"],\"fingerprint\":", o);
		jstr(o, r->fingerprint);
		fprintf(o, ",\"severity\":\"%s\",\"location\":{\"path\":", gitlab_severity(r->severity));
		jstr(o, file_name(run, r->file));
		fprintf(o, ",\"lines\":{\"begin\":%zu,\"end\":%zu}}}", r->at.line, r->at.end_line);
	}
	fputs(run->res->n ? "\n]\n" : "]\n", o);
}

/* ---- reviewdog (rdjsonl) ---- */

static void rd_range(FILE *o, const hl_range *r)
{
	fprintf(o, "{\"start\":{\"line\":%zu,\"column\":%zu},\"end\":{\"line\":%zu,\"column\":%zu}}", r->line,
		r->byte_col, r->end_line, r->end_byte_col);
}

static void write_rdjsonl(FILE *o, const hl_run *run)
{
	size_t i, j;

	for (i = 0; i < run->res->n; i++) {
		const hl_result *r = &run->res->v[i];
		fputs("{\"message\":", o);
		jstr(o, r->message);
		fputs(",\"location\":{\"path\":", o);
		jstr(o, file_name(run, r->file));
		fputs(",\"range\":", o);
		rd_range(o, &r->at);
		fprintf(o, "},\"severity\":\"%s\",\"source\":{\"name\":\"hypelint\"},\"code\":{\"value\":",
			r->severity == HL_SEV_ERROR ? "ERROR" : r->severity == HL_SEV_WARNING ? "WARNING" : "INFO");
		jstr(o, r->rule_id);
		fputc('}', o);
		if (r->suggest) {
			fputs(",\"suggestions\":[{\"range\":", o);
			rd_range(o, &r->at);
			fputs(",\"text\":", o);
			jstr(o, r->suggest);
			fputs("}]", o);
		}
		if (r->nnotes) {
			fputs(",\"related_locations\":[", o);
			for (j = 0; j < r->nnotes; j++) {
				fputs(j ? ",{\"message\":" : "{\"message\":", o);
				jstr(o, r->notes[j].message);
				fputs(",\"location\":{\"path\":", o);
				jstr(o, file_name(run, r->file));
				fputs(",\"range\":", o);
				rd_range(o, &r->notes[j].at);
				fputs("}}", o);
			}
			fputc(']', o);
		}
		fputs("}\n", o);
	}
}

/* ---- Checkstyle XML ---- */

static void write_checkstyle(FILE *o, const hl_run *run)
{
	size_t i, file = (size_t)-1;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n", o);
	for (i = 0; i < run->res->n; i++) {
		const hl_result *r = &run->res->v[i];
		if (r->file != file) {
			if (file != (size_t)-1)
				fputs("</file>\n", o);
			file = r->file;
			fputs("<file name=\"", o);
			xstr(o, file_name(run, file));
			fputs("\">\n", o);
		}
		fprintf(o, "  <error line=\"%zu\" column=\"%zu\" severity=\"%s\" message=\"", r->at.line, r->at.col,
			r->severity == HL_SEV_ERROR ? "error" : r->severity == HL_SEV_WARNING ? "warning" : "info");
		xstr(o, r->message);
		fputs("\" source=\"hypelint.", o);
		xstr(o, r->rule_id);
		fputs("\"/>\n", o);
	}
	if (file != (size_t)-1)
		fputs("</file>\n", o);
	fputs("</checkstyle>\n", o);
}

int hl_output_write(FILE *out, enum hl_outfmt fmt, const hl_run *run)
{
	switch (fmt) {
	case HL_OUT_JSON: write_json(out, run); break;
	case HL_OUT_SARIF: write_sarif(out, run); break;
	case HL_OUT_GITHUB: write_github(out, run); break;
	case HL_OUT_GITLAB: write_gitlab(out, run); break;
	case HL_OUT_RDJSONL: write_rdjsonl(out, run); break;
	case HL_OUT_CHECKSTYLE: write_checkstyle(out, run); break;
	case HL_OUT_HTML: hl_html_page(out, run); break;
	default: break;
	}
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
