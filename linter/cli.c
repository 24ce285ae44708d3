/* cli.c - hl_main(): options, finding the rules, walking files, the lint loop, exit status. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "extract.h"
#include "hypelint.h"
#include "report.h"

#include "datadir.h" /* HL_DATADIR, written by the Makefile from PREFIX */

/* ORDER: the OPT_ enum and the long_opts[] table below */
enum {
	OPT_HELP = 'h', OPT_VERSION = 'V', OPT_FORMAT = 'f', OPT_JOBS = 'j',
	OPT_LIST_RULES = 256, OPT_EXPLAIN, OPT_FAIL_ON, OPT_ENABLE, OPT_DISABLE, OPT_RULES,
	OPT_NO_DEFAULT, OPT_COLOR, OPT_INPUT_FORMAT, OPT_NO_EXCERPT, OPT_TEST_RULES,
	OPT_MATCH_LIMIT, OPT_DEPTH_LIMIT, OPT_HTML_ATTRS, OPT_LIST_PATTERNS
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
	"  -f, --format FORMAT      output format: gcc (default)\n"
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
	"Exit status: 0 no finding at the --fail-on level, 1 findings, 2 usage, rule or input error.\n";

typedef struct opts {
	int list_rules, test_rules, no_default, excerpt, color, html_attrs, list_patterns;
	size_t jobs;
	const char *explain;
	enum hl_severity fail_on;
	enum hl_format input_format;
	char **rule_paths;
	size_t nrule_paths, rule_paths_cap;
	struct toggle {
		const char *id;
		int on;
	} *toggles;
	size_t ntoggles, toggles_cap;
	unsigned long match_limit, depth_limit;
} opts;

typedef struct ctx {
	opts o;
	FILE *out, *err;
	hl_rules rules;
	int status;            /* worst exit status so far */
	size_t nfiles;
	size_t counts[HL_SEV_NONE];
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

static int load_rules(ctx *C)
{
	int errors = 0;
	size_t i;

	if (!C->o.no_default) {
		char *dir = default_rules_dir();
		struct stat sb;
		if (stat(dir, &sb) != 0) {
			fprintf(C->err, "hypelint: %s: error: cannot find the bundled rules; use --rules PATH or set HYPELINT_RULES\n", dir);
			errors++;
		} else
			errors += hl_rules_add_path(&C->rules, dir, C->err);
		free(dir);
	}
	for (i = 0; i < C->o.nrule_paths; i++)
		errors += hl_rules_add_path(&C->rules, C->o.rule_paths[i], C->err);
	if (errors == 0)
		errors += hl_rules_compile(&C->rules, C->err);
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
	}
	return 0;
}

/* The message up to its first ';', without the quoted match, for one-line summaries. */
static void summary(hl_buf *b, const char *msg)
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
		summary(&b, r->message);
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
	enum hl_format fmt;
	char *out, *err;          /* what the file printed, buffered */
	size_t outlen, errlen;
	size_t counts[HL_SEV_NONE];
	int status;               /* 0, 1 (a finding at --fail-on) or 2 (unreadable) */
	int linted;               /* it was read, so it counts as a linted file */
	int done;
} job;

typedef struct joblist {
	job *v;
	size_t n, cap;
} joblist;

static void lint_source(const opts *o, hl_checker *ck, hl_source *src, enum hl_format fmt, job *J, FILE *out,
			FILE *err)
{
	hl_doc doc;
	hl_findings f;
	hl_report_opts ro = {o->color, o->excerpt};
	size_t i;

	J->linted = 1;
	if (memchr(src->data, '\0', src->len) != NULL) {
		fprintf(err, "hypelint: %s: note: binary file (it holds NUL bytes); skipped\n", src->name);
		return;
	}
	hl_doc_init(&doc, src);
	doc.read_attrs = o->html_attrs;
	hl_extract(&doc, fmt);
	if (doc.bad_utf8) {
		size_t line, col;
		hl_source_pos(src, doc.bad_utf8 - 1, &line, &col);
		fprintf(err, "hypelint: %s:%zu:%zu: warning: invalid UTF-8; each bad byte is read as U+FFFD\n",
			src->name, line, col);
	}
	memset(&f, 0, sizeof f);
	hl_check_doc(ck, &doc, NULL, &f);
	hl_check_suppress(ck, &doc, &f);
	hl_findings_sort(&f);
	hl_report_gcc(out, src, &f, &ro);
	for (i = 0; i < f.n; i++) {
		J->counts[f.v[i].severity]++;
		if (f.v[i].severity >= o->fail_on && J->status < 1)
			J->status = 1;
	}
	hl_findings_release(&f);
	hl_doc_release(&doc);
}

/* Lint one file. With out and err NULL the output is buffered in the job (parallel runs);
 * otherwise it goes straight to them (a serial run keeps no copy of a large report). */
static void run_job(const opts *o, hl_checker *ck, job *J, FILE *direct_out, FILE *direct_err)
{
	FILE *out = direct_out ? direct_out : open_memstream(&J->out, &J->outlen);
	FILE *err = direct_err ? direct_err : open_memstream(&J->err, &J->errlen);
	hl_source src;

	if (out == NULL || err == NULL)
		hl_oom();
	if (hl_source_read(&src, J->path, err) != 0)
		J->status = 2;
	else {
		lint_source(o, ck, &src, J->fmt, J, out, err);
		hl_source_release(&src);
	}
	if (direct_out == NULL)
		fclose(out);
	if (direct_err == NULL)
		fclose(err);
}

/* Print a finished job and add it to the totals. */
static void emit(ctx *C, job *J)
{
	size_t k;

	if (J->err != NULL)
		fwrite(J->err, 1, J->errlen, C->err);
	if (J->out != NULL)
		fwrite(J->out, 1, J->outlen, C->out);
	for (k = 0; k < HL_SEV_NONE; k++)
		C->counts[k] += J->counts[k];
	if (J->status > C->status)
		C->status = J->status;
	C->nfiles += (size_t)J->linted;
	free(J->out);
	free(J->err);
	J->out = J->err = NULL;
}

static void add_job(ctx *C, joblist *L, const char *path)
{
	enum hl_format fmt = C->o.input_format;

	if (fmt == HL_FMT_AUTO)
		fmt = strcmp(path, "-") == 0 ? HL_FMT_TEXT : hl_format_of_path(path);
	HL_GROW(L->v, L->cap, L->n + 1);
	memset(&L->v[L->n], 0, sizeof L->v[L->n]);
	L->v[L->n].path = hl_strdup(path);
	L->v[L->n].fmt = fmt;
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
	if ((names = hl_dir_names(dir, &n)) == NULL) {
		fprintf(C->err, "hypelint: %s: error: cannot open directory: %s\n", dir, strerror(errno));
		C->status = 2;
		return;
	}
	for (i = 0; i < n; i++) {
		hl_buf p = HL_BUF_INIT;
		hl_path_join(&p, dir, names[i]);
		if (stat(p.s, &sb) != 0) {
			if (lstat(p.s, &sb) == 0)
				fprintf(C->err, "hypelint: %s: note: broken symlink; skipped\n", p.s);
			/* else: it vanished since it was listed; nothing to lint */
		} else if (S_ISDIR(sb.st_mode))
			walk(C, L, p.s, seen, nseen, cap);
		else if (S_ISREG(sb.st_mode) && hl_format_is_lintable(p.s))
			add_job(C, L, p.s);
		hl_buf_release(&p);
	}
	hl_strs_free(names, n);
}

static void collect(ctx *C, joblist *L, const char *path)
{
	struct stat sb;

	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		visited *seen = NULL;
		size_t nseen = 0, cap = 0;
		walk(C, L, path, &seen, &nseen, &cap);
		free(seen);
	} else
		add_job(C, L, path);
}

/* ---- running the jobs, in parallel when asked ---- */

typedef struct pool {
	ctx *C;
	joblist *L;
	size_t next;
	pthread_mutex_t mu;
	pthread_cond_t cv;
} pool;

static void *worker(void *arg)
{
	pool *P = arg;
	hl_checker ck;

	hl_checker_init(&ck, &P->C->rules, P->C->o.match_limit, P->C->o.depth_limit);
	for (;;) {
		size_t i;
		pthread_mutex_lock(&P->mu);
		i = P->next++;
		pthread_mutex_unlock(&P->mu);
		if (i >= P->L->n)
			break;
		run_job(&P->C->o, &ck, &P->L->v[i], NULL, NULL);
		pthread_mutex_lock(&P->mu);
		P->L->v[i].done = 1;
		pthread_cond_broadcast(&P->cv);
		pthread_mutex_unlock(&P->mu);
	}
	hl_checker_release(&ck);
	return NULL;
}

static void run_jobs(ctx *C, joblist *L)
{
	size_t nthreads = C->o.jobs, i, started = 0;
	pthread_t *tids;
	pool P;

	if (nthreads > L->n)
		nthreads = L->n;
	if (nthreads <= 1) {
		hl_checker ck;
		hl_checker_init(&ck, &C->rules, C->o.match_limit, C->o.depth_limit);
		for (i = 0; i < L->n; i++) {
			run_job(&C->o, &ck, &L->v[i], C->out, C->err);
			emit(C, &L->v[i]);
		}
		hl_checker_release(&ck);
		return;
	}
	memset(&P, 0, sizeof P);
	P.C = C;
	P.L = L;
	pthread_mutex_init(&P.mu, NULL);
	pthread_cond_init(&P.cv, NULL);
	tids = hl_calloc(nthreads, sizeof *tids);
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&tids[i], NULL, worker, &P) == 0)
			started++;
		else
			break;
	if (started == 0) { /* no threads to be had: do it here */
		free(tids);
		C->o.jobs = 1;
		run_jobs(C, L);
		return;
	}
	for (i = 0; i < L->n; i++) {
		pthread_mutex_lock(&P.mu);
		while (!L->v[i].done)
			pthread_cond_wait(&P.cv, &P.mu);
		pthread_mutex_unlock(&P.mu);
		emit(C, &L->v[i]);
	}
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	pthread_mutex_destroy(&P.mu);
	pthread_cond_destroy(&P.cv);
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
	while ((c = getopt_long(argc, argv, ":hVf:j:", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			fputs(usage_text, C->out);
			return 0;
		case OPT_VERSION:
			fprintf(C->out, "hypelint %s\n", HL_VERSION);
			return 0;
		case OPT_FORMAT:
			if (strcmp(optarg, "gcc") != 0)
				return usage_error(C, "unknown output format '%s' (expected gcc)", optarg);
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
			break;
		case OPT_ENABLE:
		case OPT_DISABLE:
			HL_GROW(o->toggles, o->toggles_cap, o->ntoggles + 1);
			o->toggles[o->ntoggles++] = (struct toggle){optarg, c == OPT_ENABLE};
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
	if (color_choice(color, C->out, &o->color) != 0)
		return 2;
	return -1; /* go on */
}

int hl_main(int argc, char **argv, FILE *out, FILE *err)
{
	ctx C;
	int rc, i;

	memset(&C, 0, sizeof C);
	C.out = out;
	C.err = err;
	hl_rules_init(&C.rules);
	rc = parse_args(&C, argc, argv);
	if (rc >= 0)
		goto done;
	if (!C.o.list_rules && !C.o.list_patterns && !C.o.explain && !C.o.test_rules && optind >= argc) {
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
	hl_extract_init();
	if (load_rules(&C) != 0) {
		rc = 2;
		goto done;
	}
	if (C.o.list_rules) {
		list_rules(&C);
		rc = 0;
		goto done;
	}
	if (C.o.list_patterns) {
		size_t k;
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
	{
		joblist L = {NULL, 0, 0};
		size_t k;
		for (i = optind; i < argc; i++)
			collect(&C, &L, argv[i]);
		run_jobs(&C, &L);
		for (k = 0; k < L.n; k++)
			free(L.v[k].path);
		free(L.v);
	}
	{
		size_t total = C.counts[HL_SEV_ERROR] + C.counts[HL_SEV_WARNING] + C.counts[HL_SEV_SUGGESTION];
		if (total == 0)
			fprintf(err, "hypelint: no findings in %zu file%s\n", C.nfiles, C.nfiles == 1 ? "" : "s");
		else
			fprintf(err, "hypelint: %zu finding%s (%zu error%s, %zu warning%s, %zu suggestion%s) in %zu file%s\n",
				total, total == 1 ? "" : "s", C.counts[HL_SEV_ERROR],
				C.counts[HL_SEV_ERROR] == 1 ? "" : "s", C.counts[HL_SEV_WARNING],
				C.counts[HL_SEV_WARNING] == 1 ? "" : "s", C.counts[HL_SEV_SUGGESTION],
				C.counts[HL_SEV_SUGGESTION] == 1 ? "" : "s", C.nfiles, C.nfiles == 1 ? "" : "s");
	}
	rc = C.status;
done:
	fflush(out);
	hl_rules_release(&C.rules);
	free(C.o.rule_paths);
	free(C.o.toggles);
	return rc;
}
