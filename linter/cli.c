/* cli.c - hl_main(): options, finding the rules, walking files, the lint loop, exit status. */
#define _GNU_SOURCE /* fopencookie */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "extract.h"
#include "hypelint.h"
#include "output.h"
#include "report.h"

#include "datadir.h" /* HL_DATADIR, written by the Makefile from PREFIX */

/* ORDER: the OPT_ enum and the long_opts[] table below */
enum {
	OPT_HELP = 'h', OPT_VERSION = 'V', OPT_FORMAT = 'f', OPT_JOBS = 'j', OPT_OUTPUT = 'o',
	OPT_LIST_RULES = 256, OPT_EXPLAIN, OPT_FAIL_ON, OPT_ENABLE, OPT_DISABLE, OPT_RULES,
	OPT_NO_DEFAULT, OPT_COLOR, OPT_INPUT_FORMAT, OPT_NO_EXCERPT, OPT_TEST_RULES,
	OPT_MATCH_LIMIT, OPT_DEPTH_LIMIT, OPT_HTML_ATTRS, OPT_LIST_PATTERNS, OPT_CONFIG, OPT_NO_CONFIG,
	OPT_BASELINE, OPT_WRITE_BASELINE
};

static const struct option long_opts[] = {
	{"help", no_argument, NULL, OPT_HELP},
	{"version", no_argument, NULL, OPT_VERSION},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"jobs", required_argument, NULL, OPT_JOBS},
	{"list-rules", no_argument, NULL, OPT_LIST_RULES},
	{"explain", required_argument, NULL, OPT_EXPLAIN},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"enable", required_argument, NULL, OPT_ENABLE},
	{"disable", required_argument, NULL, OPT_DISABLE},
	{"rules", required_argument, NULL, OPT_RULES},
	{"no-default-rules", no_argument, NULL, OPT_NO_DEFAULT},
	{"color", optional_argument, NULL, OPT_COLOR},
	{"colour", optional_argument, NULL, OPT_COLOR},
	{"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
	{"no-excerpt", no_argument, NULL, OPT_NO_EXCERPT},
	{"test-rules", no_argument, NULL, OPT_TEST_RULES},
	{"match-limit", required_argument, NULL, OPT_MATCH_LIMIT},
	{"depth-limit", required_argument, NULL, OPT_DEPTH_LIMIT},
	{"html-attributes", no_argument, NULL, OPT_HTML_ATTRS},
	{"list-patterns", no_argument, NULL, OPT_LIST_PATTERNS},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	{"baseline", required_argument, NULL, OPT_BASELINE},
	{"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{NULL, 0, NULL, 0},
};

static const char usage_text[] =
	"usage: hypelint [OPTION]... FILE|DIR|-...\n"
	"Report unsupported health claims, hype and weak citations in posts.\n"
	"\n"
	"  -h, --help               show this help and exit\n"
	"  -V, --version            show the version and exit\n"
	"      --list-rules         list the loaded rules by pack\n"
	"      --list-patterns      print each enabled rule's compiled pattern, one a line\n"
	"      --explain ID         show a rule's message, rationale, source and examples\n"
	"      --test-rules [PATH]  check every rule's examples (of the packs in PATH)\n"
	"      --rules PATH         add a rule file or a directory of them (repeatable)\n"
	"      --no-default-rules   do not load the bundled rules\n"
	"      --enable ID          turn a rule on (repeatable)\n"
	"      --disable ID         turn a rule off (repeatable)\n"
	"      --fail-on LEVEL      exit 1 when a finding is at least LEVEL:\n"
	"                           error, warning (default), suggestion or none\n"
	"  -f, --format FORMAT      output format: gcc (default), json, sarif, github,\n"
	"                           gitlab, rdjsonl, checkstyle or html (a report page)\n"
	"  -o, --output FILE        write the findings to FILE instead of standard output\n"
	"      --config FILE        use this configuration for every file, not the nearest\n"
	"                           .hypelint.yml above each file\n"
	"      --no-config          do not read any .hypelint.yml\n"
	"      --baseline FILE      report only findings not recorded in FILE\n"
	"      --write-baseline FILE  record every current finding in FILE and exit 0\n"
	"  -j, --jobs N             lint N files at a time (default: the number of cores);\n"
	"                           the output order does not change\n"
	"      --input-format FMT   read files as text, html or markdown\n"
	"                           (default: by extension; stdin is text)\n"
	"      --html-attributes    HTML: also lint img alt text and the meta description\n"
	"      --no-excerpt         do not print the source line under each finding\n"
	"      --color[=WHEN]       colour the output: auto (default), always or never\n"
	"      --match-limit N      PCRE2 match limit for every match (default 10000000)\n"
	"      --depth-limit N      PCRE2 depth limit for every match (default 10000)\n"
	"\n"
	"Directories are searched for .txt, .md, .markdown, .html, .htm and .xhtml files.\n"
	"Options given here override the configuration file.\n"
	"Exit status: 0 no finding at the --fail-on level, 1 findings, 2 usage, rule or input error.\n";

typedef struct opts {
	int list_rules, test_rules, no_default, excerpt, color, html_attrs, list_patterns;
	int no_config, fail_on_set;
	size_t jobs;
	const char *explain, *config, *baseline, *write_baseline, *output;
	enum hl_outfmt format;
	enum hl_severity fail_on;
	enum hl_format input_format;
	char **rule_paths;
	size_t nrule_paths, rule_paths_cap;
	struct toggle {
		const char *id;
		int on;
		size_t index; /* of the rule, once the rules are loaded */
	} *toggles;
	size_t ntoggles, toggles_cap;
	unsigned long match_limit, depth_limit;
} opts;

typedef struct ctx {
	opts o;
	FILE *out, *err;
	hl_rules rules;
	int status;            /* worst exit status so far */
	size_t nfiles, nignored, nbaselined;
	size_t counts[HL_SEV_NONE];
	hl_config **configs;   /* every configuration in use */
	size_t nconfigs, configs_cap;
	unsigned char *from_config; /* rules loaded for a configuration's packs */
	char **baseline;       /* sorted fingerprints of --baseline */
	size_t nbaseline;
	hl_results all;        /* every result, for the formats written at the end */
	char **posts;          /* HTML report: each file's rendered post */
} ctx;

static int usage_error(ctx *C, const char *fmt, const char *arg)
{
	fputs("hypelint: error: ", C->err);
	fprintf(C->err, fmt, arg);
	fputs("\nTry 'hypelint --help' for more information.\n", C->err);
	return 2;
}

static int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return (*s >= '0' && *s <= '9' && *end == '\0' && errno == 0 && *out <= UINT32_MAX) ? 0 : -1;
}

/* dir/rules when dir is a hypelint source tree (it has linter/main.c), else NULL. */
static char *tree_rules(const char *dir)
{
	hl_buf probe = HL_BUF_INIT;
	struct stat sb;
	char cwd[PATH_MAX];
	size_t n = 0;

	hl_buf_addf(&probe, "%s/linter/main.c", dir);
	if (stat(probe.s, &sb) != 0) {
		hl_buf_release(&probe);
		return NULL;
	}
	probe.len = 0;
	hl_buf_addf(&probe, "%s/rules", dir);
	if (stat(probe.s, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		hl_buf_release(&probe);
		return NULL;
	}
	/* name it relative to the working directory when it is below it */
	if (getcwd(cwd, sizeof cwd) != NULL)
		n = strlen(cwd);
	if (n > 0 && !strncmp(probe.s, cwd, n) && probe.s[n] == '/') {
		char *rel = hl_strdup(probe.s + n + 1);
		hl_buf_release(&probe);
		return rel;
	}
	return hl_buf_detach(&probe);
}

/*
 * Where the bundled rules are: $HYPELINT_RULES; the source tree the binary was
 * built in (its directory or the one above, for sanitizer builds); else the
 * installed share directory.
 */
static char *default_rules_dir(void)
{
	const char *env = getenv("HYPELINT_RULES");
	char exe[PATH_MAX], *slash, *found;
	ssize_t n;
	int up;

	if (env != NULL && *env != '\0')
		return hl_strdup(env);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (up = 0; up < 2 && (slash = strrchr(exe, '/')) != NULL; up++) {
			*slash = '\0';
			if ((found = tree_rules(exe[0] ? exe : "/")) != NULL)
				return found;
		}
	}
	return hl_strdup(HL_DATADIR "/rules");
}

/* The rule packs the configurations name; a pack two of them name is loaded once. */
static int load_config_packs(ctx *C)
{
	struct loaded {
		char *real;
		size_t lo, hi;
	} *seen = NULL;
	size_t nseen = 0, cap = 0, i, j, k;
	int errors = 0;

	for (i = 0; i < C->nconfigs; i++) {
		hl_config *c = C->configs[i];
		for (j = 0; j < c->npacks; j++) {
			char *real = realpath(c->packs[j], NULL);
			if (real == NULL) {
				fprintf(C->err, "hypelint: %s:%lu:%lu: error: cannot open rule pack '%s': %s\n", c->path,
					c->pack_locs[j].line, c->pack_locs[j].col, c->packs[j], strerror(errno));
				errors++;
				continue;
			}
			for (k = 0; k < nseen && strcmp(seen[k].real, real) != 0; k++)
				;
			if (k == nseen) {
				HL_GROW(seen, cap, nseen + 1);
				seen[nseen].real = real;
				seen[nseen].lo = C->rules.n;
				errors += hl_rules_add_path(&C->rules, c->packs[j], C->err);
				seen[nseen++].hi = C->rules.n;
			} else
				free(real);
			c->ranges = hl_reallocarray(c->ranges, 2 * (c->nranges + 1), sizeof *c->ranges);
			c->ranges[2 * c->nranges] = seen[k].lo;
			c->ranges[2 * c->nranges + 1] = seen[k].hi;
			c->nranges++;
		}
	}
	if (nseen) {
		C->from_config = hl_calloc(C->rules.n + 1, 1);
		for (k = 0; k < nseen; k++) {
			for (i = seen[k].lo; i < seen[k].hi; i++)
				C->from_config[i] = 1;
			free(seen[k].real);
		}
	}
	free(seen);
	return errors;
}

/* The bundled packs and those of --rules, into rules; the number of errors. */
static int load_base(const ctx *C, hl_rules *rules, FILE *err)
{
	int errors = 0;
	size_t i;

	if (!C->o.no_default) {
		char *dir = default_rules_dir();
		struct stat sb;
		if (stat(dir, &sb) != 0) {
			fprintf(err, "hypelint: %s: error: cannot find the bundled rules; use --rules PATH or set HYPELINT_RULES\n", dir);
			errors++;
		} else
			errors += hl_rules_add_path(rules, dir, err);
		free(dir);
	}
	for (i = 0; i < C->o.nrule_paths; i++)
		errors += hl_rules_add_path(rules, C->o.rule_paths[i], err);
	return errors;
}

/*
 * Rules loaded while the main thread walks the directories (parallel runs). They are a
 * guess that no configuration names packs of its own; when one does, they are dropped and
 * loaded again. Their messages wait in a buffer until the walk's have been printed. Each
 * pattern is checked alone on whichever thread is free (hl_pat_checks_run): the main one
 * once its walk is done. When one does not compile, the rules are loaded again too, so
 * that the error is reported as a serial run reports it.
 */
typedef struct preload {
	const ctx *C;
	hl_rules *rules;
	hl_pat_checks *checks;
	char *msg;
	size_t len;
	int errors;
	/* The thread stays, asleep, until the run is over (preload_end). A worker started
	 * after it had ended would take over its malloc arena; on 10 MB of small Markdown
	 * files the two threads then waited some 2,300 times for each other's arena locks, and
	 * took 0.15 s instead of 0.10 s. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int loaded, may_end;
} preload;

static void *preload_rules(void *arg)
{
	preload *P = arg;
	FILE *err = open_memstream(&P->msg, &P->len);

	if (err == NULL)
		hl_oom();
	P->rules->checks = P->checks;
	P->errors = load_base(P->C, P->rules, err);
	if (P->errors == 0)
		P->errors += hl_rules_compile(P->rules, err);
	P->rules->checks = NULL;
	hl_pat_checks_close(P->checks);
	hl_pat_checks_run(P->checks);
	if (fclose(err) != 0)
		hl_oom();
	pthread_mutex_lock(&P->mu);
	P->loaded = 1;
	pthread_cond_broadcast(&P->cv);
	while (!P->may_end)
		pthread_cond_wait(&P->cv, &P->mu);
	pthread_mutex_unlock(&P->mu);
	return NULL;
}

/* Wait until the loading thread has loaded the rules. */
static void preload_wait(preload *P)
{
	pthread_mutex_lock(&P->mu);
	while (!P->loaded)
		pthread_cond_wait(&P->cv, &P->mu);
	pthread_mutex_unlock(&P->mu);
}

/* Let the loading thread end, and join it. */
static void preload_end(preload *P, pthread_t tid)
{
	pthread_mutex_lock(&P->mu);
	P->may_end = 1;
	pthread_cond_broadcast(&P->cv);
	pthread_mutex_unlock(&P->mu);
	pthread_join(tid, NULL);
	pthread_mutex_destroy(&P->mu);
	pthread_cond_destroy(&P->cv);
}

static int configs_name_packs(const ctx *C)
{
	size_t i;

	for (i = 0; i < C->nconfigs; i++)
		if (C->configs[i]->npacks > 0)
			return 1;
	return 0;
}

/* After load_base (and the configurations' packs) and the compilation, with their errors. */
static int finish_rules(ctx *C, int errors)
{
	size_t i;

	for (i = 0; errors == 0 && i < C->nconfigs; i++)
		errors += hl_config_check_ids(C->configs[i], &C->rules, C->err);
	if (errors == 0 && C->o.test_rules)
		errors += hl_rules_check_examples(&C->rules, C->err);
	if (errors == 0 && C->rules.n == 0 && !C->o.test_rules) {
		fputs("hypelint: error: no rules loaded\n", C->err);
		errors++;
	}
	if (errors) {
		fprintf(C->err, "hypelint: %d error%s in the rules; nothing was linted\n", errors,
			errors == 1 ? "" : "s");
		return -1;
	}
	for (i = 0; i < C->o.ntoggles; i++) {
		hl_rule *r = hl_rules_find(&C->rules, C->o.toggles[i].id);
		if (r == NULL) {
			const char *best = NULL;
			size_t j, bd = (size_t)-1;
			for (j = 0; j < C->rules.n; j++) {
				size_t d = hl_edit_distance(C->o.toggles[i].id, C->rules.v[j].id);
				if (d < bd) {
					bd = d;
					best = C->rules.v[j].id;
				}
			}
			fprintf(C->err, "hypelint: error: unknown rule '%s'", C->o.toggles[i].id);
			if (best != NULL && bd <= 3)
				fprintf(C->err, " (did you mean '%s'?)", best);
			fputc('\n', C->err);
			return -1;
		}
		r->enabled = C->o.toggles[i].on;
		C->o.toggles[i].index = (size_t)(r - C->rules.v);
	}
	return 0;
}

/* Every pack (the configurations' too), compiled and checked; 0, or -1 on errors. */
static int load_rules(ctx *C)
{
	int errors = load_base(C, &C->rules, C->err);

	errors += load_config_packs(C);
	if (errors == 0)
		errors += hl_rules_compile(&C->rules, C->err);
	return finish_rules(C, errors);
}

static void list_rules(ctx *C)
{
	const char *pack = NULL;
	size_t i;

	for (i = 0; i < C->rules.n; i++) {
		const hl_rule *r = &C->rules.v[i];
		hl_buf b = HL_BUF_INIT;
		if (pack == NULL || strcmp(pack, r->pack) != 0) {
			fprintf(C->out, "%s%s (%s)\n", pack ? "\n" : "", r->pack, r->loc.file);
			pack = r->pack;
		}
		hl_rule_short(&b, r);
		fprintf(C->out, "  %-28s %-10s %-8s %s%s\n", r->id, hl_severity_name(r->severity),
			hl_kind_name(r->kind), b.s, r->enabled ? "" : " (off by default)");
		hl_buf_release(&b);
	}
}

static void print_example(FILE *out, const hl_example *ex)
{
	size_t i, k = 0;
	const char *t = ex->text;
	size_t n = strlen(t);

	fputs("    ", out);
	for (i = 0; i <= n; i++) {
		if (k < ex->nspans && ex->spans[2 * k + 1] == i && ex->spans[2 * k] != i) {
			fputs("]]", out);
			k++;
		}
		if (k < ex->nspans && ex->spans[2 * k] == i)
			fputs("[[", out);
		if (k < ex->nspans && ex->spans[2 * k] == i && ex->spans[2 * k + 1] == i) {
			fputs("]]", out);
			k++;
		}
		if (i < n)
			fputc(t[i] == '\n' ? ' ' : t[i], out);
	}
	fputc('\n', out);
}

static int explain(ctx *C, const char *id)
{
	const hl_rule *r = hl_rules_find(&C->rules, id);
	size_t i;
	int fire;

	if (r == NULL) {
		fprintf(C->err, "hypelint: error: unknown rule '%s'; see --list-rules\n", id);
		return 2;
	}
	fprintf(C->out, "%s: %s %s rule, scope %s, pack %s (%s:%lu)%s\n\n", r->id,
		hl_severity_name(r->severity), hl_kind_name(r->kind), hl_scope_name(r->scope), r->pack,
		r->loc.file, r->loc.line, r->enabled ? "" : ", off by default");
	fprintf(C->out, "Message:\n    %s\n\nWhy:\n    %s\n", r->message, r->why);
	if (r->source != NULL)
		fprintf(C->out, "\nSource:\n    %s\n", r->source);
	if (r->nswaps) {
		fputs("\nSuggestions:\n", C->out);
		for (i = 0; i < r->nswaps; i++)
			fprintf(C->out, "    %s -> %s\n", r->swaps[i].phrase, r->swaps[i].suggest);
	}
	for (fire = 1; fire >= 0; fire--) {
		int head = 0;
		for (i = 0; i < r->nexamples; i++) {
			if (r->examples[i].fire != fire)
				continue;
			if (!head++)
				fprintf(C->out, "\n%s\n", fire ? "Reported (the report is marked [[...]]):"
							       : "Not reported:");
			print_example(C->out, &r->examples[i]);
		}
	}
	return 0;
}

/*
 * One file to lint. Workers fill in the output and the counts; the main thread
 * prints them in the order the files were named, so -j never reorders output.
 */
typedef struct job {
	char *path;
	size_t index;             /* its place in the run */
	enum hl_format fmt;
	const hl_config *config;  /* the configuration it falls under, or NULL */
	char *rel;                /* its path relative to the configuration's directory */
	int ignored;              /* an ignore glob of its configuration matches it */
	hl_buf out, err;          /* what the file printed, buffered */
	size_t counts[HL_SEV_NONE];
	size_t baselined;         /* findings dropped because the baseline has them */
	hl_results res;           /* formats written at the end of the run, and baselines */
	char *post;               /* the HTML report's rendering of the file */
	int status;               /* 0, 1 (a finding at --fail-on) or 2 (unreadable) */
	int linted;               /* it was read, so it counts as a linted file */
	int done;
	int listed;               /* found by a walk: a regular file */
	size_t by;                /* the thread that lints it: 0 the main one, k worker k */
	hl_source *ahead;         /* the file, read ahead of its turn (read_ahead), or NULL */
} job;

typedef struct joblist {
	job *v;
	size_t n, cap;
} joblist;

/* The directory of a thread's last file, open, so that a file in the same directory is
 * opened relative to it and the kernel does not look up the directories of its path again. */
typedef struct dircache {
	hl_buf dir;  /* the directory's path */
	int fd;      /* it open, or -1 (none yet, or it cannot be opened) */
} dircache;

/* What one thread keeps from file to file: the rules a file gets, and its open directory. */
typedef struct profile {
	unsigned char *enabled;
	enum hl_severity *sev;
	dircache dir;
} profile;

static int in_baseline(const ctx *C, const char *fp)
{
	size_t lo = 0, hi = C->nbaseline;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(C->baseline[mid], fp);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Drop the results the baseline records. */
static void drop_baselined(const ctx *C, job *J, hl_results *res)
{
	size_t i, k = 0;

	for (i = 0; i < res->n; i++) {
		if (in_baseline(C, res->v[i].fingerprint)) {
			hl_result_release(&res->v[i]);
			J->baselined++;
			continue;
		}
		res->v[k++] = res->v[i];
	}
	res->n = k;
}

/* Does the run need each finding's matched text after its message is made? Fingerprints
 * hash it (a baseline read or written, every format but gcc) and report formats print it. */
static int needs_match(const ctx *C)
{
	return C->nbaseline || C->o.write_baseline != NULL || C->o.format != HL_OUT_GCC;
}

/* A checker for this run; shared (may be NULL): the cache of partial regexes of its threads. */
static void checker_init(const ctx *C, hl_checker *ck, hl_subset_cache *shared)
{
	hl_checker_init(ck, &C->rules, C->o.match_limit, C->o.depth_limit);
	ck->drop_match = !needs_match(C);
	ck->shared = shared;
}

/* Count a file's results by severity, and whether one is at the --fail-on level. */
static void tally(job *J, const hl_results *res, enum hl_severity fail_on)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		J->counts[res->v[i].severity]++;
		if (res->v[i].severity >= fail_on && J->status < 1)
			J->status = 1;
	}
}

static void set_severities(const ctx *C, const profile *P, hl_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i].rule != NULL)
			f->v[i].severity = P->sev[f->v[i].rule - C->rules.v];
}

/* Where a file's findings go as they come: printed at once in gcc format (a long file
 * need not hold them all, print_batch), else kept for the end of the file (in all). */
typedef struct sink {
	const ctx *C;
	const profile *P;
	const hl_source *src;
	job *J;
	FILE *out;
	enum hl_severity fail_on;
	int print;        /* print each batch (gcc format, no baseline read or written) */
	hl_findings all;  /* the findings kept */
} sink;

static void print_batch(void *arg, hl_findings *batch)
{
	sink *S = arg;
	hl_results res = {NULL, 0, 0};
	hl_report_opts ro = {S->C->o.color, S->C->o.excerpt};

	set_severities(S->C, S->P, batch);
	hl_results_add(&res, S->src, batch, S->J->index, 0);
	tally(S->J, &res, S->fail_on);
	hl_report_gcc(S->out, S->src, &res, &ro);
	hl_results_release(&res);
}

static void lint_source(const ctx *C, hl_checker *ck, profile *P, hl_source *src, job *J, FILE *out, FILE *err)
{
	const opts *o = &C->o;
	hl_doc doc;
	hl_results res = {NULL, 0, 0};
	hl_report_opts ro = {o->color, o->excerpt};
	sink S;
	size_t i;

	J->linted = 1;
	if (memchr(src->data, '\0', src->len) != NULL) {
		fprintf(err, "hypelint: %s: note: binary file (it holds NUL bytes); skipped\n", src->name);
		return;
	}
	S = (sink){.C = C, .P = P, .src = src, .J = J, .out = out, .fail_on = o->fail_on,
		   .print = o->format == HL_OUT_GCC && o->write_baseline == NULL && !C->nbaseline};
	if (!o->fail_on_set && J->config != NULL && J->config->has_fail_on)
		S.fail_on = J->config->fail_on;
	hl_config_profile(J->config, &C->rules, C->from_config, J->rel, P->enabled, P->sev);
	for (i = 0; i < o->ntoggles; i++) /* the command line has the last word */
		P->enabled[o->toggles[i].index] = (unsigned char)o->toggles[i].on;
	ck->enabled = P->enabled;
	hl_doc_init(&doc, src);
	doc.read_attrs = o->html_attrs;
	hl_extract(&doc, J->fmt);
	if (doc.bad_utf8) {
		size_t line, col;
		hl_source_pos(src, doc.bad_utf8 - 1, &line, &col);
		fprintf(err, "hypelint: %s:%zu:%zu: warning: invalid UTF-8; each bad byte is read as U+FFFD\n",
			src->name, line, col);
	}
	if (S.print)
		hl_check_doc(ck, &doc, NULL, print_batch, &S);
	else
		hl_check_doc(ck, &doc, NULL, hl_findings_collect, &S.all);
	if (S.print) {
		hl_doc_release(&doc);
		return;
	}
	if (o->format != HL_OUT_HTML) /* findings point into the source: the prose can go */
		hl_doc_release(&doc);
	set_severities(C, P, &S.all);
	hl_results_add(&res, src, &S.all, J->index, needs_match(C));
	hl_findings_release(&S.all);
	if (C->nbaseline)
		drop_baselined(C, J, &res);
	tally(J, &res, S.fail_on);
	if (o->write_baseline != NULL || o->format != HL_OUT_GCC) {
		if (o->format == HL_OUT_HTML && res.n)
			J->post = hl_html_post(&doc, &res, J->index);
		J->res = res;
	} else {
		hl_report_gcc(out, src, &res, &ro);
		hl_results_release(&res);
	}
	if (o->format == HL_OUT_HTML)
		hl_doc_release(&doc);
}

/*
 * A thread's streams for output that waits for its turn: one pair for all the thread's
 * jobs, pointed at each job's buffers in turn. A stream per job cost an allocation, a
 * buffer and a link into stdio's list of open files under its global lock.
 */
typedef struct bufio {
	hl_buf *to[2]; /* where out and err write now */
	FILE *out, *err;
} bufio;

static ssize_t buf_write(void *cookie, const char *s, size_t n)
{
	hl_buf_add(*(hl_buf **)cookie, s, n);
	return (ssize_t)n;
}

static void bufio_open(bufio *b)
{
	static const cookie_io_functions_t io = {NULL, buf_write, NULL, NULL};

	memset(b, 0, sizeof *b);
	b->out = fopencookie(&b->to[0], "w", io);
	b->err = fopencookie(&b->to[1], "w", io);
	if (b->out == NULL || b->err == NULL)
		hl_oom();
}

static void bufio_close(bufio *b)
{
	fclose(b->out);
	fclose(b->err);
}

static void dircache_init(dircache *D)
{
	D->dir = (hl_buf)HL_BUF_INIT;
	D->fd = -1;
}

static void dircache_release(dircache *D)
{
	if (D->fd >= 0)
		close(D->fd);
	hl_buf_release(&D->dir);
}

/* The open directory to open path in, as *name, or -1 to open path itself. */
static int dir_of(dircache *D, const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	*name = path;
	if (slash == NULL || slash == path || slash[1] == '\0')
		return -1;
	n = (size_t)(slash - path);
	if (D->dir.s == NULL || D->dir.len != n || memcmp(D->dir.s, path, n) != 0) {
		if (D->fd >= 0)
			close(D->fd);
		D->dir.len = 0;
		hl_buf_add(&D->dir, path, n);
		/* when it cannot be opened, each file is opened by its path, which reports why */
		D->fd = open(D->dir.s, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (D->fd >= 0)
		*name = slash + 1;
	return D->fd;
}

/* Lint one file, printing to out and err. */
static void run_job(const ctx *C, hl_checker *ck, profile *P, job *J, FILE *out, FILE *err)
{
	hl_source src;
	const char *name;
	int dirfd;

	if (J->ignored)
		return;
	if (J->ahead != NULL) { /* the main thread read it, and frees it (emit) */
		lint_source(C, ck, P, J->ahead, J, out, err);
		return;
	}
	dirfd = dir_of(&P->dir, J->path, &name);
	if ((J->listed ? hl_source_read_listed : hl_source_read_at)(&src, dirfd, name, J->path, err) != 0) {
		J->status = 2;
		return;
	}
	lint_source(C, ck, P, &src, J, out, err);
	hl_source_release(&src);
}

/* Lint one file with its output kept in the job until its turn (parallel runs). */
static void run_buffered(const ctx *C, hl_checker *ck, profile *P, job *J, bufio *b)
{
	b->to[0] = &J->out;
	b->to[1] = &J->err;
	run_job(C, ck, P, J, b->out, b->err);
	if (fflush(b->out) != 0 || fflush(b->err) != 0)
		hl_oom(); /* writing to memory fails only for want of it */
}

/* Free the file a job's read ahead kept, if any. */
static void drop_ahead(job *J)
{
	if (J->ahead != NULL) {
		hl_source_release(J->ahead);
		free(J->ahead);
		J->ahead = NULL;
	}
}

/* Print a finished job and add it to the totals. Its buffered output is left to the
 * caller (see give_back). */
static void emit(ctx *C, job *J)
{
	size_t k;

	if (J->err.len > 0)
		fwrite(J->err.s, 1, J->err.len, C->err);
	if (J->out.len > 0)
		fwrite(J->out.s, 1, J->out.len, C->out);
	for (k = 0; k < HL_SEV_NONE; k++)
		C->counts[k] += J->counts[k];
	if (J->status > C->status)
		C->status = J->status;
	C->nfiles += (size_t)J->linted;
	C->nignored += (size_t)J->ignored;
	C->nbaselined += J->baselined;
	hl_results_move(&C->all, &J->res);
	if (J->post != NULL)
		C->posts[J->index] = J->post;
	J->post = NULL;
	hl_buf_release(&J->err);
	drop_ahead(J); /* the main thread read it: freed here, into its own heap */
}

static void add_job(ctx *C, joblist *L, const char *path, int listed)
{
	enum hl_format fmt = C->o.input_format;

	if (fmt == HL_FMT_AUTO)
		fmt = strcmp(path, "-") == 0 ? HL_FMT_TEXT : hl_format_of_path(path);
	HL_GROW(L->v, L->cap, L->n + 1);
	memset(&L->v[L->n], 0, sizeof L->v[L->n]);
	L->v[L->n].path = hl_strdup(path);
	L->v[L->n].index = L->n;
	L->v[L->n].fmt = fmt;
	L->v[L->n].listed = listed;
	L->n++;
}

typedef struct visited {
	dev_t dev;
	ino_t ino;
} visited;

/* Add every lintable file under dir, in name order, not entering a directory twice. */
static void walk(ctx *C, joblist *L, const char *dir, visited **seen, size_t *nseen, size_t *cap)
{
	struct stat sb;
	char **names;
	unsigned char *kinds = NULL;
	size_t n = 0, i;

	if (stat(dir, &sb) != 0)
		return;
	for (i = 0; i < *nseen; i++)
		if ((*seen)[i].dev == sb.st_dev && (*seen)[i].ino == sb.st_ino) {
			fprintf(C->err, "hypelint: %s: note: directory already searched (a symlink loop?); skipped\n", dir);
			return;
		}
	HL_GROW(*seen, *cap, *nseen + 1);
	(*seen)[(*nseen)++] = (visited){sb.st_dev, sb.st_ino};
	if ((names = hl_dir_entries(dir, &n, &kinds)) == NULL) {
		fprintf(C->err, "hypelint: %s: error: cannot open directory: %s\n", dir, strerror(errno));
		C->status = 2;
		return;
	}
	for (i = 0; i < n; i++) {
		hl_buf p = HL_BUF_INIT;
		hl_path_join(&p, dir, names[i]);
#ifdef DT_REG
		if (kinds[i] == DT_REG) { /* the listing says so: no stat needed */
			if (hl_format_is_lintable(p.s))
				add_job(C, L, p.s, 1);
			hl_buf_release(&p);
			continue;
		}
#endif
		if (stat(p.s, &sb) != 0) {
			if (lstat(p.s, &sb) == 0)
				fprintf(C->err, "hypelint: %s: note: broken symlink; skipped\n", p.s);
			/* else: it vanished since it was listed; nothing to lint */
		} else if (S_ISDIR(sb.st_mode))
			walk(C, L, p.s, seen, nseen, cap);
		else if (S_ISREG(sb.st_mode) && hl_format_is_lintable(p.s))
			add_job(C, L, p.s, 1);
		hl_buf_release(&p);
	}
	hl_strs_free(names, n);
	free(kinds);
}

static int is_dir(const char *path)
{
	struct stat sb;

	return strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void collect(ctx *C, joblist *L, const char *path)
{
	if (is_dir(path)) {
		visited *seen = NULL;
		size_t nseen = 0, cap = 0;
		walk(C, L, path, &seen, &nseen, &cap);
		free(seen);
	} else
		add_job(C, L, path, 0);
}

/* ---- running the jobs, in parallel when asked ---- */

/* Emptied output buffers of one worker, for its next files. */
typedef struct spares {
	hl_buf *v;
	size_t n, cap;
} spares;

/*
 * What the threads of a parallel run share. Memory goes back to the thread that
 * allocated it: glibc gives each thread a heap (arena) of its own, and a block freed by
 * another thread takes that heap's lock, which the owner holds for each of its own
 * allocations. Freed across threads file after file, the two waited for each other (perf:
 * futex wake-ups from free and realloc). So a worker's output buffer, once printed, comes
 * back to it (spare), and a file the main thread read ahead is freed by the main thread.
 */
typedef struct pool {
	ctx *C;
	joblist *L;
	size_t next;      /* the next job to take */
	size_t waiting;   /* the job the main thread is blocked on, or SIZE_MAX */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	hl_subset_cache *subsets; /* the partial regexes, compiled once for all the threads */
	spares *spare;    /* per worker */
} pool;

/* A worker thread's pool and its number (from 1; the main thread is 0). */
typedef struct worker_arg {
	pool *P;
	size_t self;
} worker_arg;

static void profile_init(profile *P, const hl_rules *rules)
{
	P->enabled = hl_calloc(rules->n + 1, sizeof *P->enabled);
	P->sev = hl_calloc(rules->n + 1, sizeof *P->sev);
	dircache_init(&P->dir);
}

static void profile_release(profile *P)
{
	free(P->enabled);
	free(P->sev);
	dircache_release(&P->dir);
}

/* The index of the next job to run, or L->n when none is left; for thread self, which
 * gets an output buffer of its own back if one is spare. */
static size_t take(pool *P, size_t self)
{
	size_t i;

	pthread_mutex_lock(&P->mu);
	i = P->next < P->L->n ? P->next++ : P->L->n;
	if (i < P->L->n) {
		job *J = &P->L->v[i];
		J->by = self;
		if (self > 0 && P->spare[self - 1].n > 0)
			J->out = P->spare[self - 1].v[--P->spare[self - 1].n];
	}
	pthread_mutex_unlock(&P->mu);
	return i;
}

/* Done with a printed job's output buffer: back to the worker that grew it, or freed. */
static void give_back(pool *P, job *J)
{
	if (J->by > 0 && J->out.cap > 0) {
		spares *sp = &P->spare[J->by - 1];
		J->out.len = 0;
		pthread_mutex_lock(&P->mu);
		HL_GROW(sp->v, sp->cap, sp->n + 1);
		sp->v[sp->n++] = J->out;
		pthread_mutex_unlock(&P->mu);
		memset(&J->out, 0, sizeof J->out);
	} else {
		hl_buf_release(&J->out);
	}
}

/* Mark job i done, waking the main thread only if it waits for this very job. */
static void finish(pool *P, size_t i)
{
	pthread_mutex_lock(&P->mu);
	P->L->v[i].done = 1;
	if (P->waiting == i)
		pthread_cond_signal(&P->cv);
	pthread_mutex_unlock(&P->mu);
}

static int is_done(pool *P, size_t i)
{
	int d;

	pthread_mutex_lock(&P->mu);
	d = P->L->v[i].done;
	pthread_mutex_unlock(&P->mu);
	return d;
}

static void *worker(void *arg)
{
	pool *P = ((worker_arg *)arg)->P;
	size_t self = ((worker_arg *)arg)->self, i;
	hl_checker ck;
	profile prof;
	bufio b;

	checker_init(P->C, &ck, P->subsets);
	profile_init(&prof, &P->C->rules);
	bufio_open(&b);
	while ((i = take(P, self)) < P->L->n) {
		run_buffered(P->C, &ck, &prof, &P->L->v[i], &b);
		finish(P, i);
	}
	bufio_close(&b);
	hl_checker_release(&ck);
	profile_release(&prof);
	return NULL;
}

/* Print a job whose turn it is (see emit), and hand its output buffer back. */
static void show(ctx *C, pool *P, job *J)
{
	emit(C, J);
	give_back(P, J);
}

/*
 * With N jobs, N - 1 worker threads and the main thread take files in turn. Between its
 * own files the main thread prints every finished file that is next in order, so the
 * output is that of a serial run; a file it takes when all before it are printed it
 * writes straight out. It blocks only at the end, for the files still being linted.
 */
static void run_jobs(ctx *C, joblist *L)
{
	size_t nthreads = C->o.jobs, i, started = 0, shown = 0;
	pthread_t *tids;
	worker_arg *args;
	hl_checker ck;
	profile prof;
	pool P;
	bufio b;

	if (nthreads > L->n)
		nthreads = L->n;
	memset(&P, 0, sizeof P);
	if (nthreads > 1)
		P.subsets = hl_subset_cache_new();
	profile_init(&prof, &C->rules);
	if (nthreads <= 1) {
		checker_init(C, &ck, NULL);
		for (i = 0; i < L->n; i++) {
			run_job(C, &ck, &prof, &L->v[i], C->out, C->err);
			emit(C, &L->v[i]);
			hl_buf_release(&L->v[i].out);
		}
		hl_checker_release(&ck);
		profile_release(&prof);
		return;
	}
	/* the regexes are shared from here on (see hl_rules_jit_ready) */
	hl_rules_jit_share(&C->rules);
	P.C = C;
	P.L = L;
	P.waiting = SIZE_MAX;
	pthread_mutex_init(&P.mu, NULL);
	pthread_cond_init(&P.cv, NULL);
	bufio_open(&b);
	tids = hl_calloc(nthreads - 1, sizeof *tids);
	args = hl_calloc(nthreads - 1, sizeof *args);
	P.spare = hl_calloc(nthreads - 1, sizeof *P.spare);
	for (i = 0; i + 1 < nthreads; i++) { /* with no thread to be had, the main one does it all */
		args[i] = (worker_arg){&P, i + 1};
		if (pthread_create(&tids[i], NULL, worker, &args[i]) != 0)
			break;
		started++;
	}
	checker_init(C, &ck, P.subsets); /* while the workers make theirs */
	while ((i = take(&P, 0)) < L->n) {
		while (shown < i && is_done(&P, shown))
			show(C, &P, &L->v[shown++]);
		if (shown == i) {
			run_job(C, &ck, &prof, &L->v[i], C->out, C->err);
			finish(&P, i);
			show(C, &P, &L->v[shown++]);
		} else {
			run_buffered(C, &ck, &prof, &L->v[i], &b);
			finish(&P, i);
		}
	}
	for (; shown < L->n; shown++) {
		pthread_mutex_lock(&P.mu);
		while (!L->v[shown].done) {
			P.waiting = shown;
			pthread_cond_wait(&P.cv, &P.mu);
		}
		P.waiting = SIZE_MAX;
		pthread_mutex_unlock(&P.mu);
		show(C, &P, &L->v[shown]);
	}
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	for (i = 0; i + 1 < nthreads; i++) {
		size_t k;
		for (k = 0; k < P.spare[i].n; k++)
			hl_buf_release(&P.spare[i].v[k]);
		free(P.spare[i].v);
	}
	free(P.spare);
	free(args);
	free(tids);
	hl_checker_release(&ck);
	hl_subset_cache_free(P.subsets); /* after every checker that borrowed from it */
	profile_release(&prof);
	pthread_mutex_destroy(&P.mu);
	pthread_cond_destroy(&P.cv);
	bufio_close(&b);
}

static int color_choice(const char *when, FILE *out, int *color)
{
	const char *term = getenv("TERM"), *no = getenv("NO_COLOR");

	if (when == NULL || !strcmp(when, "auto"))
		*color = isatty(fileno(out)) && (no == NULL || *no == '\0') &&
			 !(term != NULL && !strcmp(term, "dumb"));
	else if (!strcmp(when, "always"))
		*color = 1;
	else if (!strcmp(when, "never"))
		*color = 0;
	else
		return -1;
	return 0;
}

static int parse_args(ctx *C, int argc, char **argv)
{
	opts *o = &C->o;
	const char *color = NULL;
	int c, v;

	o->excerpt = 1;
	o->fail_on = HL_SEV_WARNING;
	o->match_limit = 10000000;
	o->depth_limit = 10000;
	{
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o->jobs = n > 0 ? (size_t)n : 1;
	}
	optind = 0; /* reset getopt for repeated hl_main calls */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hVf:j:o:", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			fputs(usage_text, C->out);
			return 0;
		case OPT_VERSION:
			fprintf(C->out, "hypelint %s\n", HL_VERSION);
			return 0;
		case OPT_FORMAT:
			if ((v = hl_outfmt_parse(optarg)) < 0) {
				fprintf(C->err, "hypelint: error: unknown output format '%s' (expected %s)\n", optarg,
					hl_outfmt_list());
				return 2;
			}
			o->format = (enum hl_outfmt)v;
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_NO_CONFIG:
			o->no_config = 1;
			break;
		case OPT_BASELINE:
			o->baseline = optarg;
			break;
		case OPT_WRITE_BASELINE:
			o->write_baseline = optarg;
			break;
		case OPT_LIST_RULES:
			o->list_rules = 1;
			break;
		case OPT_EXPLAIN:
			o->explain = optarg;
			break;
		case OPT_FAIL_ON:
			if (hl_severity_parse(optarg, &o->fail_on) != 0)
				return usage_error(C, "unknown level '%s' for --fail-on (expected error, warning, suggestion or none)", optarg);
			o->fail_on_set = 1;
			break;
		case OPT_ENABLE:
		case OPT_DISABLE:
			HL_GROW(o->toggles, o->toggles_cap, o->ntoggles + 1);
			o->toggles[o->ntoggles++] = (struct toggle){optarg, c == OPT_ENABLE, 0};
			break;
		case OPT_RULES:
			HL_GROW(o->rule_paths, o->rule_paths_cap, o->nrule_paths + 1);
			o->rule_paths[o->nrule_paths++] = optarg;
			break;
		case OPT_NO_DEFAULT:
			o->no_default = 1;
			break;
		case OPT_COLOR:
			color = optarg ? optarg : "always";
			if (!strcmp(color, "always") || !strcmp(color, "never") || !strcmp(color, "auto"))
				break;
			return usage_error(C, "unknown --color value '%s' (expected auto, always or never)", color);
		case OPT_INPUT_FORMAT:
			if ((v = hl_format_parse(optarg)) < 0)
				return usage_error(C, "unknown input format '%s' (expected text, html or markdown)", optarg);
			o->input_format = (enum hl_format)v;
			break;
		case OPT_NO_EXCERPT:
			o->excerpt = 0;
			break;
		case OPT_JOBS: {
			unsigned long j;
			if (parse_ulong(optarg, &j) != 0 || j == 0 || j > 1024)
				return usage_error(C, "--jobs needs a number from 1 to 1024, not '%s'", optarg);
			o->jobs = j;
			break;
		}
		case OPT_HTML_ATTRS:
			o->html_attrs = 1;
			break;
		case OPT_LIST_PATTERNS:
			o->list_patterns = 1;
			break;
		case OPT_TEST_RULES:
			o->test_rules = 1;
			break;
		case OPT_MATCH_LIMIT:
			if (parse_ulong(optarg, &o->match_limit) != 0 || o->match_limit == 0)
				return usage_error(C, "--match-limit needs a positive whole number, not '%s'", optarg);
			break;
		case OPT_DEPTH_LIMIT:
			if (parse_ulong(optarg, &o->depth_limit) != 0 || o->depth_limit == 0)
				return usage_error(C, "--depth-limit needs a positive whole number, not '%s'", optarg);
			break;
		case ':':
			return usage_error(C, "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error(C, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->config != NULL && o->no_config)
		return usage_error(C, "%s", "--config and --no-config exclude each other");
	if (color_choice(color, C->out, &o->color) != 0)
		return 2;
	if (o->output != NULL && (color == NULL || !strcmp(color, "auto")))
		o->color = 0;
	return -1; /* go on */
}

/* ---- configurations and baselines ---- */

static hl_config *config_at(ctx *C, const char *path, int *errors)
{
	hl_config *c;
	size_t i;

	for (i = 0; i < C->nconfigs; i++)
		if (!strcmp(C->configs[i]->path, path))
			return C->configs[i];
	if ((c = hl_config_load(path, C->err, errors)) == NULL)
		return NULL;
	HL_GROW(C->configs, C->configs_cap, C->nconfigs + 1);
	C->configs[C->nconfigs++] = c;
	return c;
}

/* Give every job its configuration: --config, or the nearest .hypelint.yml. */
static int setup_configs(ctx *C, joblist *L)
{
	int errors = 0;
	size_t i;
	hl_config *c = NULL;
	char *last_dir = NULL;

	if (C->o.no_config)
		return 0;
	if (C->o.config != NULL) {
		if ((c = config_at(C, C->o.config, &errors)) == NULL)
			return errors;
		for (i = 0; i < L->n; i++) {
			L->v[i].config = c;
			L->v[i].rel = hl_config_rel(c, L->v[i].path);
			L->v[i].ignored = hl_config_ignores(c, L->v[i].rel);
		}
		return 0;
	}
	for (i = 0; i < L->n; i++) {
		const char *slash = strrchr(L->v[i].path, '/');
		char *dir = slash ? hl_strndup(L->v[i].path, (size_t)(slash - L->v[i].path)) : hl_strdup("");
		if (last_dir == NULL || strcmp(dir, last_dir) != 0 || !strcmp(L->v[i].path, "-")) {
			char *path = hl_config_find(L->v[i].path);
			c = path ? config_at(C, path, &errors) : NULL;
			free(path);
		}
		free(last_dir);
		last_dir = dir;
		L->v[i].config = c;
		if (c != NULL) {
			L->v[i].rel = hl_config_rel(c, L->v[i].path);
			L->v[i].ignored = hl_config_ignores(c, L->v[i].rel);
		}
	}
	free(last_dir);
	return errors;
}

static int is_fingerprint(const char *s, size_t n)
{
	size_t i;

	if (n != 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Read the fingerprints of a baseline file (the first field of each line). */
static int read_baseline(ctx *C, const char *path)
{
	FILE *fp = fopen(path, "rb");
	hl_buf b = HL_BUF_INIT;
	size_t line = 0, cap = 0;
	const char *p, *end;

	if (fp == NULL || hl_read_stream(fp, &b) != 0) {
		fprintf(C->err, "hypelint: %s: error: cannot read baseline: %s\n", path, strerror(errno));
		if (fp)
			fclose(fp);
		return -1;
	}
	fclose(fp);
	for (p = b.s ? b.s : "", end = p + b.len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		size_t n = strcspn(p, "\t \r\n");
		line++;
		if (e > p && *p != '#' && !(e - p == 1 && *p == '\r')) {
			if (!is_fingerprint(p, n)) {
				fprintf(C->err, "hypelint: %s:%zu:1: error: not a baseline entry (expected a 32-digit fingerprint, "
					"as written by --write-baseline)\n", path, line);
				hl_buf_release(&b);
				return -1;
			}
			HL_GROW(C->baseline, cap, C->nbaseline + 1);
			C->baseline[C->nbaseline++] = hl_strndup(p, n);
		}
		p = e + (nl != NULL);
	}
	hl_buf_release(&b);
	qsort(C->baseline, C->nbaseline, sizeof *C->baseline, hl_cmp_strs);
	return 0;
}

/* Every result, one a line: fingerprint, rule, place and the matched text. */
static int write_baseline(ctx *C, const char *path, char **files)
{
	hl_buf tmp = HL_BUF_INIT, q = HL_BUF_INIT;
	FILE *fp;
	size_t i;
	int ok;

	hl_buf_addf(&tmp, "%s.tmp", path);
	if ((fp = fopen(tmp.s, "w")) == NULL) {
		fprintf(C->err, "hypelint: %s: error: cannot write baseline: %s\n", path, strerror(errno));
		hl_buf_release(&tmp);
		return -1;
	}
	fputs("# hypelint baseline: findings recorded here are not reported by hypelint --baseline FILE.\n"
	      "# fingerprint\trule\tfile:line:column\tmatched text\n", fp);
	for (i = 0; i < C->all.n; i++) {
		const hl_result *r = &C->all.v[i];
		q.len = 0;
		hl_buf_add_quoted(&q, r->match ? r->match : "", r->match ? strlen(r->match) : 0);
		fprintf(fp, "%s\t%s\t%s:%zu:%zu\t%s\n", r->fingerprint, r->rule_id, files[r->file], r->at.line,
			r->at.col, q.s ? q.s : "");
	}
	ok = fflush(fp) == 0 && !ferror(fp);
	ok = (fclose(fp) == 0) && ok;
	if (!ok || rename(tmp.s, path) != 0) {
		fprintf(C->err, "hypelint: %s: error: cannot write baseline: %s\n", path, strerror(errno));
		remove(tmp.s);
		ok = 0;
	}
	hl_buf_release(&tmp);
	hl_buf_release(&q);
	return ok ? 0 : -1;
}

/* The formats written once the run is over, and the GitHub step summary. */
static int finish_output(ctx *C, joblist *L)
{
	hl_run run;
	const char *summary = getenv("GITHUB_STEP_SUMMARY");
	char **files = hl_calloc(L->n + 1, sizeof *files);
	size_t i;
	int rc = 0;

	for (i = 0; i < L->n; i++)
		files[i] = L->v[i].path;
	memset(&run, 0, sizeof run);
	run.files = files;
	run.nfiles = L->n;
	run.res = &C->all;
	run.rules = &C->rules;
	run.posts = (const char **)C->posts;
	run.nlinted = C->nfiles;
	if (C->o.write_baseline != NULL) {
		if (write_baseline(C, C->o.write_baseline, files) != 0)
			rc = -1;
	} else if (C->o.format != HL_OUT_GCC) {
		if (hl_output_write(C->out, C->o.format, &run) != 0) {
			fprintf(C->err, "hypelint: error: cannot write the output: %s\n", strerror(errno));
			rc = -1;
		}
		if (C->o.format == HL_OUT_GITHUB && summary != NULL && *summary != '\0' &&
		    hl_output_step_summary(summary, &run) != 0) {
			fprintf(C->err, "hypelint: %s: error: cannot write the step summary: %s\n", summary, strerror(errno));
			rc = -1;
		}
	}
	free(files);
	return rc;
}

static void print_summary(ctx *C)
{
	size_t total = C->counts[HL_SEV_ERROR] + C->counts[HL_SEV_WARNING] + C->counts[HL_SEV_SUGGESTION];
	hl_buf b = HL_BUF_INIT;

	if (C->o.write_baseline != NULL)
		hl_buf_addf(&b, "hypelint: recorded %zu finding%s of %zu file%s in %s", total, total == 1 ? "" : "s",
			    C->nfiles, C->nfiles == 1 ? "" : "s", C->o.write_baseline);
	else if (total == 0)
		hl_buf_addf(&b, "hypelint: no findings in %zu file%s", C->nfiles, C->nfiles == 1 ? "" : "s");
	else
		hl_buf_addf(&b, "hypelint: %zu finding%s (%zu error%s, %zu warning%s, %zu suggestion%s) in %zu file%s",
			    total, total == 1 ? "" : "s", C->counts[HL_SEV_ERROR], C->counts[HL_SEV_ERROR] == 1 ? "" : "s",
			    C->counts[HL_SEV_WARNING], C->counts[HL_SEV_WARNING] == 1 ? "" : "s",
			    C->counts[HL_SEV_SUGGESTION], C->counts[HL_SEV_SUGGESTION] == 1 ? "" : "s", C->nfiles,
			    C->nfiles == 1 ? "" : "s");
	if (C->nbaselined)
		hl_buf_addf(&b, "; %zu more in the baseline", C->nbaselined);
	if (C->nignored)
		hl_buf_addf(&b, "; %zu file%s ignored by the configuration", C->nignored, C->nignored == 1 ? "" : "s");
	fprintf(C->err, "%s\n", b.s);
	hl_buf_release(&b);
}

/* At most this much is read ahead (read_ahead). */
#define AHEAD_BYTES ((size_t)16 << 20)

/*
 * While the rules load on another thread, the main thread, its walk done, checks each
 * pattern that the loading queues and, between them, reads the first files ahead of their
 * turn, up to AHEAD_BYTES. What it reads then costs the run nothing: the loading is what it
 * waits for. Only files that a walk found are read ahead: a FIFO named on the command line
 * must be opened once, in its turn. At the first file it cannot read, it stops; that file
 * is read again in its turn, which reports why.
 */
static void read_ahead(joblist *L, hl_pat_checks *q)
{
	dircache D;
	size_t i = 0, total = 0;

	dircache_init(&D);
	while (i < L->n && !hl_pat_checks_run_some(q, 0)) {
		job *J = &L->v[i++];
		hl_source src;
		const char *name;
		int fd;
		if (J->ignored || !J->listed)
			continue;
		fd = dir_of(&D, J->path, &name);
		if (hl_source_read_ahead(&src, fd, name, J->path, AHEAD_BYTES - total) != 0)
			break;
		total += src.len;
		J->ahead = hl_malloc(sizeof *J->ahead);
		*J->ahead = src;
	}
	dircache_release(&D);
	hl_pat_checks_run(q); /* what the loading queues from now on */
}

int hl_main(int argc, char **argv, FILE *out, FILE *err)
{
	ctx C;
	int rc, i, lint;
	joblist L = {NULL, 0, 0};
	FILE *outf = NULL;
	size_t k;
	pthread_t pre_tid;
	preload pre = {&C, &C.rules, NULL, NULL, 0, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
	int pre_started = 0, pre_thread = 0;

	memset(&C, 0, sizeof C);
	C.out = out;
	C.err = err;
	{
		const char *simd = getenv("HYPELINT_SIMD");
		hl_simd = !(simd != NULL && !strcmp(simd, "0"));
	}
	hl_rules_init(&C.rules);
	rc = parse_args(&C, argc, argv);
	if (rc >= 0)
		goto done;
	lint = !C.o.list_rules && !C.o.list_patterns && !C.o.explain && !C.o.test_rules;
	if (lint && optind >= argc) {
		rc = usage_error(&C, "%s", "no files to lint (use - for standard input)");
		goto done;
	}
	if (C.o.test_rules) {
		/* PATHs after --test-rules are the packs to test; the bundled sets stay loaded */
		for (i = optind; i < argc; i++) {
			HL_GROW(C.o.rule_paths, C.o.rule_paths_cap, C.o.nrule_paths + 1);
			C.o.rule_paths[C.o.nrule_paths++] = argv[i];
		}
	}
	if (lint && C.o.jobs > 1 && !C.o.test_rules)
		for (i = optind; i < argc; i++)
			if (is_dir(argv[i])) {
				pre.checks = hl_pat_checks_new();
				pre_thread = pre_started = pthread_create(&pre_tid, NULL, preload_rules, &pre) == 0;
				break; /* tried once: without the thread, the rules load after the walk */
			}
	if (lint)
		for (i = optind; i < argc; i++)
			collect(&C, &L, argv[i]);
	rc = setup_configs(&C, &L);
	if (pre_started) {
		if (rc == 0)
			read_ahead(&L, pre.checks);
		else
			hl_pat_checks_run(pre.checks);
		preload_wait(&pre);
		/* the guess was wrong, no rules are needed, or a pattern's error is to be reported */
		if (rc != 0 || configs_name_packs(&C) || hl_pat_checks_failed(pre.checks)) {
			hl_rules_release(&C.rules);
			hl_rules_init(&C.rules);
			pre_started = 0;
		} else
			fwrite(pre.msg, 1, pre.len, err);
		free(pre.msg);
	}
	hl_pat_checks_free(pre.checks);
	if (rc != 0) {
		fputs("hypelint: errors in the configuration; nothing was linted\n", err);
		rc = 2;
		goto done;
	}
	if ((pre_started ? finish_rules(&C, pre.errors) : load_rules(&C)) != 0) {
		rc = 2;
		goto done;
	}
	if (C.o.list_rules) {
		list_rules(&C);
		rc = 0;
		goto done;
	}
	if (C.o.list_patterns) {
		for (k = 0; k < C.rules.n; k++)
			if (C.rules.v[k].enabled && C.rules.v[k].match_src != NULL)
				fprintf(out, "%s\n", C.rules.v[k].match_src);
		rc = 0;
		goto done;
	}
	if (C.o.explain) {
		rc = explain(&C, C.o.explain);
		goto done;
	}
	if (C.o.test_rules) {
		rc = hl_test_rules(&C.rules, argv + optind, argc - optind, out, err) ? 1 : 0;
		goto done;
	}
	if (C.o.baseline != NULL && C.o.write_baseline == NULL && read_baseline(&C, C.o.baseline) != 0) {
		rc = 2;
		goto done;
	}
	if (C.o.output != NULL) {
		if ((outf = fopen(C.o.output, "w")) == NULL) {
			fprintf(err, "hypelint: %s: error: cannot write: %s\n", C.o.output, strerror(errno));
			rc = 2;
			goto done;
		}
		C.out = outf;
	}
	if (C.o.format == HL_OUT_HTML)
		C.posts = hl_calloc(L.n + 1, sizeof *C.posts);
	run_jobs(&C, &L);
	if (finish_output(&C, &L) != 0)
		C.status = 2;
	print_summary(&C);
	rc = C.status;
	if (C.o.write_baseline != NULL && rc == 1)
		rc = 0;
done:
	if (pre_thread)
		preload_end(&pre, pre_tid);
	if ((fflush(C.out) != 0 || ferror(C.out)) && rc != 2) {
		fprintf(err, "hypelint: %s: error: cannot write: %s\n", C.o.output ? C.o.output : "standard output",
			strerror(errno));
		rc = 2;
	}
	if (outf != NULL && fclose(outf) != 0 && rc != 2) {
		fprintf(err, "hypelint: %s: error: cannot write: %s\n", C.o.output, strerror(errno));
		rc = 2;
	}
	for (k = 0; k < L.n; k++) {
		free(L.v[k].path);
		free(L.v[k].rel);
		drop_ahead(&L.v[k]); /* read ahead, and then not linted */
	}
	if (C.posts != NULL)
		for (k = 0; k < L.n; k++)
			free(C.posts[k]);
	free(C.posts);
	free(L.v);
	hl_results_release(&C.all);
	for (k = 0; k < C.nconfigs; k++)
		hl_config_free(C.configs[k]);
	free(C.configs);
	free(C.from_config);
	hl_strs_free(C.baseline, C.nbaseline);
	hl_rules_release(&C.rules);
	free(C.o.rule_paths);
	free(C.o.toggles);
	return rc;
}
