/* config.c - reading .hypelint.yml with libyaml, finding it, and the rules each file gets. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "util.h"

typedef struct cload {
	hl_config *c;
	yaml_document_t *doc;
	FILE *err;
	int errors;
} cload;

static void cerr(cload *L, const yaml_mark_t *m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cerr(cload *L, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;
	hl_buf b = HL_BUF_INIT;

	hl_buf_addf(&b, "hypelint: %s:%lu:%lu: error: ", L->c->path, (unsigned long)m->line + 1,
		    (unsigned long)m->column + 1);
	va_start(ap, fmt);
	hl_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	hl_buf_addc(&b, '\n');
	fputs(b.s, L->err);
	hl_buf_release(&b);
	L->errors++;
}

static yaml_node_t *nd(cload *L, int i)
{
	return yaml_document_get_node(L->doc, i);
}

static const char *str_of(cload *L, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE || (n->data.scalar.length == 0 && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)) {
		cerr(L, &n->start_mark, "'%s' must be a non-empty string", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static hl_loc loc_of(cload *L, const yaml_node_t *n)
{
	hl_loc l = {L->c->path, (unsigned long)n->start_mark.line + 1, (unsigned long)n->start_mark.column + 1};
	return l;
}

/* A string or a list of strings; each goes to add(). */
static void each_str(cload *L, yaml_node_t *n, const char *what, void (*add)(cload *, yaml_node_t *, const char *, void *),
		     void *arg)
{
	yaml_node_item_t *it;
	const char *s;

	if (n->type == YAML_SCALAR_NODE) {
		if ((s = str_of(L, n, what)) != NULL)
			add(L, n, s, arg);
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		cerr(L, &n->start_mark, "'%s' must be a list of strings", what);
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *c = nd(L, *it);
		if ((s = str_of(L, c, what)) != NULL)
			add(L, c, s, arg);
	}
}

typedef struct strlist {
	char ***v;
	size_t *n;
	hl_loc **locs;
} strlist;

static void add_str(cload *L, yaml_node_t *n, const char *s, void *arg)
{
	strlist *l = arg;

	*l->v = hl_reallocarray(*l->v, *l->n + 1, sizeof **l->v);
	(*l->v)[*l->n] = hl_strdup(s);
	if (l->locs) {
		*l->locs = hl_reallocarray(*l->locs, *l->n + 1, sizeof **l->locs);
		(*l->locs)[*l->n] = loc_of(L, n);
	}
	(*l->n)++;
}

typedef struct toggle_arg {
	hl_cfg_set *set;
	int on;
} toggle_arg;

static void add_toggle(cload *L, yaml_node_t *n, const char *s, void *arg)
{
	toggle_arg *t = arg;
	hl_cfg_set *set = t->set;

	set->ids = hl_reallocarray(set->ids, set->nids + 1, sizeof *set->ids);
	set->on = hl_reallocarray(set->on, set->nids + 1, sizeof *set->on);
	set->id_locs = hl_reallocarray(set->id_locs, set->nids + 1, sizeof *set->id_locs);
	set->ids[set->nids] = hl_strdup(s);
	set->on[set->nids] = t->on;
	set->id_locs[set->nids] = loc_of(L, n);
	set->nids++;
}

static void read_severity(cload *L, yaml_node_t *n, hl_cfg_set *set)
{
	yaml_node_pair_t *p;

	if (n->type != YAML_MAPPING_NODE) {
		cerr(L, &n->start_mark, "'severity' must map rule ids to error, warning or suggestion");
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = nd(L, p->key), *v = nd(L, p->value);
		const char *id = str_of(L, k, "rule id"), *lv = str_of(L, v, "severity");
		enum hl_severity sv;
		if (id == NULL || lv == NULL)
			continue;
		if (hl_severity_parse(lv, &sv) != 0 || sv == HL_SEV_NONE) {
			cerr(L, &v->start_mark, "unknown severity '%s' (expected error, warning or suggestion)", lv);
			continue;
		}
		set->sev_ids = hl_reallocarray(set->sev_ids, set->nsev + 1, sizeof *set->sev_ids);
		set->sev = hl_reallocarray(set->sev, set->nsev + 1, sizeof *set->sev);
		set->sev_locs = hl_reallocarray(set->sev_locs, set->nsev + 1, sizeof *set->sev_locs);
		set->sev_ids[set->nsev] = hl_strdup(id);
		set->sev[set->nsev] = sv;
		set->sev_locs[set->nsev] = loc_of(L, k);
		set->nsev++;
	}
}

static void unknown(cload *L, yaml_node_t *k, const char *const *known, const char *where)
{
	const char *s = (const char *)k->data.scalar.value, *best = NULL;
	size_t bd = (size_t)-1, d;
	int i;

	for (i = 0; known[i]; i++)
		if ((d = hl_edit_distance(s, known[i])) < bd) {
			bd = d;
			best = known[i];
		}
	if (best && bd <= 2)
		cerr(L, &k->start_mark, "unknown key '%s' in %s (did you mean '%s'?)", s, where, best);
	else
		cerr(L, &k->start_mark, "unknown key '%s' in %s", s, where);
}

static int key_index(const char *s, const char *const *keys)
{
	int i;

	for (i = 0; keys[i]; i++)
		if (!strcmp(s, keys[i]))
			return i;
	return -1;
}

/* enable, disable, severity: shared by the file and its overrides */
static int read_set_key(cload *L, const char *key, yaml_node_t *v, hl_cfg_set *set)
{
	toggle_arg t = {set, 1};

	if (!strcmp(key, "enable") || !strcmp(key, "disable")) {
		t.on = key[0] == 'e';
		each_str(L, v, key, add_toggle, &t);
	} else if (!strcmp(key, "severity"))
		read_severity(L, v, set);
	else
		return 0;
	return 1;
}

static const char *const override_keys[] = {"files", "enable", "disable", "severity", NULL};

static void read_overrides(cload *L, yaml_node_t *n)
{
	yaml_node_item_t *it;
	hl_config *c = L->c;

	if (n->type != YAML_SEQUENCE_NODE) {
		cerr(L, &n->start_mark, "'overrides' must be a list of {files, enable, disable, severity}");
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *o = nd(L, *it);
		yaml_node_pair_t *p;
		hl_cfg_set *set;
		if (o->type != YAML_MAPPING_NODE) {
			cerr(L, &o->start_mark, "an override must be a mapping with 'files'");
			continue;
		}
		c->overrides = hl_reallocarray(c->overrides, c->noverrides + 1, sizeof *c->overrides);
		set = &c->overrides[c->noverrides++];
		memset(set, 0, sizeof *set);
		for (p = o->data.mapping.pairs.start; p < o->data.mapping.pairs.top; p++) {
			yaml_node_t *k = nd(L, p->key), *v = nd(L, p->value);
			const char *key = str_of(L, k, "key");
			if (key == NULL)
				continue;
			if (!strcmp(key, "files")) {
				strlist l = {&set->globs, &set->nglobs, NULL};
				each_str(L, v, "files", add_str, &l);
			} else if (!read_set_key(L, key, v, set))
				unknown(L, k, override_keys, "an override");
		}
		if (set->nglobs == 0)
			cerr(L, &o->start_mark, "an override needs 'files': the globs it applies to");
	}
}

/* The directory part of path ("." when it has none). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return hl_strdup(".");
	if (slash == path)
		return hl_strdup("/");
	return hl_strndup(path, (size_t)(slash - path));
}

static const char *const top_keys[] = {"rules", "enable", "disable", "severity", "ignore", "fail-on", "overrides", NULL};

static void read_config(cload *L, yaml_node_t *root)
{
	hl_config *c = L->c;
	yaml_node_pair_t *p;
	size_t i;

	if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)
		return; /* an empty file */
	if (root->type != YAML_MAPPING_NODE) {
		cerr(L, &root->start_mark, "a configuration must be a mapping (keys: rules, enable, disable, severity, ignore, fail-on, overrides)");
		return;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = nd(L, p->key), *v = nd(L, p->value);
		const char *key = str_of(L, k, "key");
		if (key == NULL)
			continue;
		switch (key_index(key, top_keys)) {
		case 0: {
			strlist l = {&c->packs, &c->npacks, &c->pack_locs};
			each_str(L, v, "rules", add_str, &l);
			break;
		}
		case 4: {
			strlist l = {&c->ignore, &c->nignore, NULL};
			each_str(L, v, "ignore", add_str, &l);
			break;
		}
		case 5: {
			const char *lv = str_of(L, v, "fail-on");
			if (lv != NULL && hl_severity_parse(lv, &c->fail_on) != 0)
				cerr(L, &v->start_mark, "unknown level '%s' for 'fail-on' (expected error, warning, suggestion or none)", lv);
			c->has_fail_on = lv != NULL;
			break;
		}
		case 6:
			read_overrides(L, v);
			break;
		default:
			if (!read_set_key(L, key, v, &c->base))
				unknown(L, k, top_keys, "the configuration");
		}
	}
	/* packs are named relative to the configuration file */
	for (i = 0; i < c->npacks; i++)
		if (c->packs[i][0] != '/') {
			hl_buf b = HL_BUF_INIT;
			char *d = dir_of(c->path);
			if (strcmp(d, ".") != 0)
				hl_path_join(&b, d, c->packs[i]);
			else
				hl_buf_adds(&b, c->packs[i]);
			free(d);
			free(c->packs[i]);
			c->packs[i] = hl_buf_detach(&b);
		}
}

static char *resolved_dir(const char *path)
{
	char *d = dir_of(path), *r = realpath(d, NULL);

	free(d);
	return r;
}

hl_config *hl_config_load(const char *path, FILE *err, int *errors)
{
	cload L;
	hl_buf data = HL_BUF_INIT;
	FILE *fp;
	yaml_parser_t parser;
	yaml_document_t doc;
	hl_config *c = hl_calloc(1, sizeof *c);

	memset(&L, 0, sizeof L);
	L.c = c;
	L.err = err;
	c->path = hl_strdup(path);
	c->fail_on = HL_SEV_WARNING;
	if ((fp = fopen(path, "rb")) == NULL || hl_read_stream(fp, &data) != 0 || (c->dir = resolved_dir(path)) == NULL) {
		fprintf(err, "hypelint: %s: error: cannot read configuration: %s\n", path, strerror(errno));
		if (fp)
			fclose(fp);
		hl_buf_release(&data);
		hl_config_free(c);
		(*errors)++;
		return NULL;
	}
	fclose(fp);
	if (!yaml_parser_initialize(&parser))
		hl_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)(data.s ? data.s : ""), data.len);
	if (!yaml_parser_load(&parser, &doc)) {
		if (parser.error == YAML_MEMORY_ERROR)
			hl_oom();
		cerr(&L, &parser.problem_mark, "invalid YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
		     parser.context ? " " : "", parser.context ? parser.context : "");
	} else {
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		L.doc = &doc;
		if (root != NULL)
			read_config(&L, root);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	hl_buf_release(&data);
	if (L.errors) {
		*errors += L.errors;
		hl_config_free(c);
		return NULL;
	}
	return c;
}

static int check_set(const hl_config *c, const hl_cfg_set *s, const hl_rules *rules, FILE *err)
{
	int errors = 0;
	size_t i, j, bd;

	for (i = 0; i < s->nids + s->nsev; i++) {
		const char *id = i < s->nids ? s->ids[i] : s->sev_ids[i - s->nids];
		hl_loc l = i < s->nids ? s->id_locs[i] : s->sev_locs[i - s->nids];
		const char *best = NULL;
		if (hl_rules_find(rules, id) != NULL)
			continue;
		for (j = 0, bd = (size_t)-1; j < rules->n; j++) {
			size_t d = hl_edit_distance(id, rules->v[j].id);
			if (d < bd) {
				bd = d;
				best = rules->v[j].id;
			}
		}
		fprintf(err, "hypelint: %s:%lu:%lu: error: unknown rule '%s'", c->path, l.line, l.col, id);
		if (best && bd <= 3)
			fprintf(err, " (did you mean '%s'?)", best);
		fputc('\n', err);
		errors++;
	}
	return errors;
}

int hl_config_check_ids(const hl_config *c, const hl_rules *rules, FILE *err)
{
	int errors = check_set(c, &c->base, rules, err);
	size_t i;

	for (i = 0; i < c->noverrides; i++)
		errors += check_set(c, &c->overrides[i], rules, err);
	return errors;
}

/* An absolute path below the working directory, made relative to it. */
static char *from_cwd(char *abs)
{
	char cwd[PATH_MAX];
	size_t n;

	if (getcwd(cwd, sizeof cwd) == NULL)
		return abs;
	n = strlen(cwd);
	if (n > 1 && !strncmp(abs, cwd, n) && abs[n] == '/') {
		char *rel = hl_strdup(abs + n + 1);
		free(abs);
		return rel;
	}
	return abs;
}

char *hl_config_find(const char *file)
{
	char *dir = strcmp(file, "-") ? resolved_dir(file) : realpath(".", NULL);
	hl_buf p = HL_BUF_INIT;
	struct stat sb;

	if (dir == NULL)
		return NULL;
	for (;;) {
		char *slash;
		hl_path_join(&p, dir, HL_CONFIG_NAME);
		if (stat(p.s, &sb) == 0 && S_ISREG(sb.st_mode)) {
			free(dir);
			return from_cwd(hl_buf_detach(&p));
		}
		if ((slash = strrchr(dir, '/')) == NULL || strcmp(dir, "/") == 0)
			break;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	free(dir);
	hl_buf_release(&p);
	return NULL;
}

/* ---- globs ---- */

/* One path segment of the pattern against one of the path (neither holds '/'). */
static int seg_match(const char *p, size_t pn, const char *s, size_t sn)
{
	char pb[PATH_MAX], sb[PATH_MAX];

	if (pn >= sizeof pb || sn >= sizeof sb)
		return 0;
	memcpy(pb, p, pn);
	pb[pn] = '\0';
	memcpy(sb, s, sn);
	sb[sn] = '\0';
	return fnmatch(pb, sb, 0) == 0;
}

int hl_glob_match(const char *p, const char *s)
{
	for (;;) {
		size_t pn, sn;
		if (p[0] == '*' && p[1] == '*' && (p[2] == '/' || p[2] == '\0')) {
			const char *rest = p[2] ? p + 3 : p + 2;
			if (*rest == '\0')
				return 1; /* "**" at the end: everything below */
			for (;;) {
				if (hl_glob_match(rest, s))
					return 1;
				if ((s = strchr(s, '/')) == NULL)
					return 0;
				s++;
			}
		}
		pn = strcspn(p, "/");
		sn = strcspn(s, "/");
		if (!seg_match(p, pn, s, sn))
			return 0;
		p += pn;
		s += sn;
		if (*p == '\0')
			return *s == '\0';
		if (*s == '\0')
			return p[1] == '\0'; /* "dir/" matched the directory itself */
		p++;
		s++;
		if (*p == '\0')
			return 1; /* a pattern ending in '/' takes everything below the directory */
	}
}

/* gitignore's reading: a pattern with no '/' but at its end matches at any depth;
 * otherwise it is anchored at the configuration's directory. */
static int glob_applies(const char *pat, const char *rel)
{
	const char *slash = strchr(pat, '/');

	if (pat[0] == '/')
		return hl_glob_match(pat + 1, rel);
	if (slash == NULL || slash[1] == '\0') {
		const char *s = rel;
		for (;;) {
			if (hl_glob_match(pat, s))
				return 1;
			if ((s = strchr(s, '/')) == NULL)
				return 0;
			s++;
		}
	}
	return hl_glob_match(pat, rel);
}

char *hl_config_rel(const hl_config *c, const char *file)
{
	char *dir, *out;
	const char *base = strrchr(file, '/');
	size_t n;

	if (!strcmp(file, "-"))
		return hl_strdup("-");
	if ((dir = resolved_dir(file)) == NULL)
		return hl_strdup(file);
	base = base ? base + 1 : file;
	n = strlen(c->dir);
	if (!strcmp(dir, c->dir))
		out = hl_strdup(base);
	else if (!strncmp(dir, c->dir, n) && (dir[n] == '/' || !strcmp(c->dir, "/"))) {
		hl_buf b = HL_BUF_INIT;
		hl_path_join(&b, dir + n + (dir[n] == '/'), base);
		out = hl_buf_detach(&b);
	} else {
		while (file[0] == '.' && file[1] == '/')
			file += 2;
		out = hl_strdup(file);
	}
	free(dir);
	return out;
}

static int any_glob(char **globs, size_t n, const char *rel)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (glob_applies(globs[i], rel))
			return 1;
	return 0;
}

int hl_config_ignores(const hl_config *c, const char *rel)
{
	return c != NULL && any_glob(c->ignore, c->nignore, rel);
}

static void apply(const hl_cfg_set *s, const hl_rules *rules, unsigned char *enabled, enum hl_severity *sev)
{
	size_t i;
	const hl_rule *r;

	for (i = 0; i < s->nids; i++)
		if ((r = hl_rules_find(rules, s->ids[i])) != NULL)
			enabled[r - rules->v] = (unsigned char)s->on[i];
	for (i = 0; i < s->nsev; i++)
		if ((r = hl_rules_find(rules, s->sev_ids[i])) != NULL)
			sev[r - rules->v] = s->sev[i];
}

void hl_config_profile(const hl_config *c, const hl_rules *rules, const unsigned char *from_config,
		       const char *rel, unsigned char *enabled, enum hl_severity *sev)
{
	size_t i, k;

	for (i = 0; i < rules->n; i++) {
		enabled[i] = (unsigned char)rules->v[i].enabled;
		sev[i] = rules->v[i].severity;
		if (from_config != NULL && from_config[i])
			enabled[i] = 0;
	}
	if (c == NULL)
		return;
	for (k = 0; k < c->nranges; k++)
		for (i = c->ranges[2 * k]; i < c->ranges[2 * k + 1]; i++)
			enabled[i] = (unsigned char)rules->v[i].enabled;
	apply(&c->base, rules, enabled, sev);
	for (k = 0; k < c->noverrides; k++)
		if (any_glob(c->overrides[k].globs, c->overrides[k].nglobs, rel))
			apply(&c->overrides[k], rules, enabled, sev);
}

static void set_free(hl_cfg_set *s)
{
	hl_strs_free(s->globs, s->nglobs);
	hl_strs_free(s->ids, s->nids);
	hl_strs_free(s->sev_ids, s->nsev);
	free(s->on);
	free(s->id_locs);
	free(s->sev);
	free(s->sev_locs);
}

void hl_config_free(hl_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	set_free(&c->base);
	for (i = 0; i < c->noverrides; i++)
		set_free(&c->overrides[i]);
	free(c->overrides);
	hl_strs_free(c->packs, c->npacks);
	hl_strs_free(c->ignore, c->nignore);
	free(c->pack_locs);
	free(c->ranges);
	free(c->path);
	free(c->dir);
	free(c);
}
