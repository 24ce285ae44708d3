/* rules.c - reading rule packs with libyaml, validating them, compiling their patterns. */
#include "rules.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "util.h"

/* ORDER: enum hl_severity */
static const char *const severity_names[] = {"suggestion", "warning", "error", "none", NULL};
/* ORDER: enum hl_kind */
static const char *const kind_names[] = {"pattern", "swap", "require", "citation", NULL};
/* ORDER: enum hl_citation_check */
static const char *const check_names[] = {"misattributed-study", "contradicts-references",
					  "doi-mismatch", "questionable-publisher", NULL};
/* ORDER: enum hl_scope */
static const char *const scope_names[] = {"sentence", "paragraph", "document", NULL};

const char *hl_severity_name(enum hl_severity s) { return severity_names[s]; }
const char *hl_kind_name(enum hl_kind k) { return kind_names[k]; }
const char *hl_scope_name(enum hl_scope s) { return scope_names[s]; }

int hl_severity_parse(const char *s, enum hl_severity *out)
{
	int i;

	for (i = 0; severity_names[i] != NULL; i++)
		if (strcmp(s, severity_names[i]) == 0) {
			*out = (enum hl_severity)i;
			return 0;
		}
	return -1;
}

/* ---- pattern sources kept until compile time ---- */

typedef struct pat {
	char *s;
	hl_loc loc;
	int exact;   /* the scalar is on one line, so offsets map to columns */
	int shift;   /* 1 when the scalar is quoted */
	int literal; /* a words: entry, not a regex */
} pat;

typedef struct patlist {
	pat *v;
	size_t n, cap;
} patlist;

typedef struct rule_src {
	patlist match, unless, unless_before, when, require;
} rule_src;

typedef struct pset {
	char *name;
	patlist items;
	hl_loc loc;
} pset;

typedef struct lstate {
	pset *sets;
	size_t nsets, sets_cap;
	rule_src *rs;        /* ORDER: parallel to hl_rules.v */
	size_t rs_cap;
	patlist *topics;     /* ORDER: parallel to hl_rules.kb.studies */
	size_t topics_cap;
} lstate;

static void patlist_release(patlist *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		free(pl->v[i].s);
	free(pl->v);
	memset(pl, 0, sizeof *pl);
}

static lstate *state(hl_rules *rules)
{
	if (rules->priv == NULL)
		rules->priv = hl_calloc(1, sizeof(lstate));
	return rules->priv;
}

/* Matches of a regex before it is JIT-compiled, and wants of a partial regex (of some
 * alternatives of a rule) before it is compiled; see hl_rules_jit_late. */
#define JIT_AFTER 16
#define SUB_AFTER 8

void hl_rules_init(hl_rules *rules)
{
	const char *v = getenv("HYPELINT_JIT");
	int eager = v != NULL && strcmp(v, "1") == 0;

	memset(rules, 0, sizeof *rules);
	rules->jit_after = eager ? 1 : JIT_AFTER;
	rules->sub_after = eager ? 1 : SUB_AFTER;
	v = getenv("HYPELINT_ASCII");
	rules->twins = !(v != NULL && strcmp(v, "0") == 0);
}

static void split_release(hl_split *sp)
{
	hl_strs_free(sp->items, sp->nitems);
	free(sp->origin);
	free(sp->parts); /* the regexes belong to the rules' cache */
	memset(sp, 0, sizeof *sp);
}

/* ---- regexes shared by rules: compiled once per source and flags ---- */

typedef struct compiled {
	char *key;          /* flags as 8 hex digits, then the source */
	pcre2_code *code;
	size_t start;       /* anchored regexes: 1 + their start slot once given one, or 0 */
} compiled;

/* The start keys of a regex source, worked out once while compiling (the items of a named
 * set are read for every rule that names it). */
typedef struct keyed_src {
	char *src;
	hl_triggers keys;
} keyed_src;

typedef struct cache {
	compiled *v;
	size_t n, cap;
	keyed_src *keys;
	size_t nkeys, keys_cap;
} cache;

/* Drop the start keys: they are not needed once the index is built. */
static void cache_drop_keys(cache *K)
{
	size_t i;

	if (K == NULL)
		return;
	for (i = 0; i < K->nkeys; i++) {
		free(K->keys[i].src);
		hl_triggers_release(&K->keys[i].keys);
	}
	free(K->keys);
	K->keys = NULL;
	K->nkeys = K->keys_cap = 0;
}

static void cache_free(void *p)
{
	cache *K = p;
	size_t i;

	if (K == NULL)
		return;
	for (i = 0; i < K->n; i++) {
		free(K->v[i].key);
		pcre2_code_free(K->v[i].code);
	}
	cache_drop_keys(K);
	free(K->v);
	free(K);
}

static void jit_queue_free(hl_rules *rules);

static void rule_release(hl_rule *r)
{
	size_t i;

	free(r->id);
	free(r->pack);
	free(r->message);
	free(r->why);
	free(r->source);
	free(r->match_src);
	free(r->when_src);
	free(r->require_src);
	free(r->unless_src);
	free(r->before_src);
	hl_triggers_release(&r->triggers);
	hl_trigger_index_free(r->need_ix);
	hl_strs_free(r->items, r->nitems);
	pcre2_code_free(r->match);
	pcre2_code_free(r->match_plain);
	pcre2_code_free(r->anchored_plain);
	split_release(&r->when_split);
	split_release(&r->unless_split);
	split_release(&r->require_split);
	split_release(&r->before_split);
	pcre2_code_free(r->unless);
	pcre2_code_free(r->unless_before);
	pcre2_code_free(r->when);
	pcre2_code_free(r->require);
	for (i = 0; i < r->nswaps; i++) {
		free(r->swaps[i].phrase);
		free(r->swaps[i].suggest);
	}
	free(r->swaps);
	for (i = 0; i < r->nexamples; i++) {
		free(r->examples[i].text);
		free(r->examples[i].spans);
	}
	free(r->examples);
}

static void state_release(hl_rules *rules)
{
	lstate *st = rules->priv;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nsets; i++) {
		free(st->sets[i].name);
		patlist_release(&st->sets[i].items);
	}
	free(st->sets);
	for (i = 0; i < rules->n; i++) {
		patlist_release(&st->rs[i].match);
		patlist_release(&st->rs[i].unless);
		patlist_release(&st->rs[i].unless_before);
		patlist_release(&st->rs[i].when);
		patlist_release(&st->rs[i].require);
	}
	free(st->rs);
	for (i = 0; i < rules->kb.nstudies; i++)
		patlist_release(&st->topics[i]);
	free(st->topics);
	free(st);
	rules->priv = NULL;
}

static void free_strs(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void kb_release(hl_kb *kb)
{
	size_t i;

	for (i = 0; i < kb->npubs; i++) {
		free(kb->pubs[i].id);
		free(kb->pubs[i].name);
		free(kb->pubs[i].source);
		free_strs(kb->pubs[i].prefixes, kb->pubs[i].nprefixes);
	}
	free(kb->pubs);
	for (i = 0; i < kb->njournals; i++) {
		hl_journal *j = &kb->journals[i];
		free(j->name);
		free(j->publisher_id);
		free(j->source);
		free_strs(j->variants, j->nvariants);
		free_strs(j->same_as, j->nsame_as);
	}
	free(kb->journals);
	for (i = 0; i < kb->nstudies; i++) {
		hl_study *t = &kb->studies[i];
		free(t->id);
		free(t->label);
		free(t->author);
		free(t->journal_name);
		free(t->volume);
		free(t->issue);
		free(t->pages);
		free(t->doi);
		free(t->population);
		free(t->source);
		pcre2_code_free(t->topic);
		free(t->topic_src);
		hl_strs_free(t->topic_items, t->ntopic_items);
	}
	free(kb->studies);
	pcre2_code_free(kb->journal_re);
	free(kb->journal_src);
	for (i = 0; i < kb->nnames; i++)
		free(kb->names[i].norm);
	free(kb->names);
	memset(kb, 0, sizeof *kb);
}

/* The index split in two for long documents (see scan_indexes). */
struct hl_split_ix {
	pthread_mutex_t mu;
	unsigned char *keep[2]; /* per slot of the whole index: in the first scan's, in the chunks' */
	hl_trigger_index *ix[2];
};

static void split_ix_free(struct hl_split_ix *sx)
{
	int k;

	if (sx == NULL)
		return;
	for (k = 0; k < 2; k++) {
		hl_trigger_index_free(sx->ix[k]);
		free(sx->keep[k]);
	}
	pthread_mutex_destroy(&sx->mu);
	free(sx);
}

void hl_rules_release(hl_rules *rules)
{
	size_t i;

	state_release(rules);
	kb_release(&rules->kb);
	hl_trigger_index_free(rules->triggers);
	split_ix_free(rules->split_ix);
	cache_free(rules->compiled);
	rules->compiled = NULL;
	jit_queue_free(rules);
	for (i = 0; i < rules->ncite_re; i++)
		pcre2_code_free(rules->cite_re[i]);
	free(rules->cite_re);
	for (i = 0; i < rules->n; i++)
		rule_release(&rules->v[i]);
	free(rules->v);
	for (i = 0; i < rules->nfiles; i++)
		free(rules->files[i]);
	free(rules->files);
	memset(rules, 0, sizeof *rules);
}

hl_rule *hl_rules_find(const hl_rules *rules, const char *id)
{
	size_t i;

	for (i = 0; i < rules->n; i++)
		if (strcmp(rules->v[i].id, id) == 0)
			return &rules->v[i];
	return NULL;
}

/* ---- loader ---- */

typedef struct loader {
	hl_rules *rules;
	const char *file;
	yaml_document_t *doc;
	FILE *err;
	int errors;
	const char *rule_id; /* for messages */
} loader;

static void msg_at(loader *L, unsigned long line, unsigned long col, const char *fmt, va_list ap)
{
	hl_buf b = HL_BUF_INIT;

	hl_buf_addf(&b, "hypelint: %s:%lu:%lu: error: ", L->file, line, col);
	if (L->rule_id != NULL)
		hl_buf_addf(&b, "rule '%s': ", L->rule_id);
	hl_buf_vaddf(&b, fmt, ap);
	hl_buf_addc(&b, '\n');
	fputs(b.s, L->err);
	hl_buf_release(&b);
	L->errors++;
}

static void lerr_at(loader *L, hl_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void lerr_at(loader *L, hl_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_at(L, loc.line, loc.col, fmt, ap);
	va_end(ap);
}

static hl_loc node_loc(loader *L, const yaml_node_t *n)
{
	hl_loc loc = {L->file, n->start_mark.line + 1, n->start_mark.column + 1};
	return loc;
}

static void lerr(loader *L, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void lerr(loader *L, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_at(L, n->start_mark.line + 1, n->start_mark.column + 1, fmt, ap);
	va_end(ap);
}

static yaml_node_t *node(loader *L, int idx)
{
	return yaml_document_get_node(L->doc, idx);
}

static const char *node_type_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a string";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* The string value of n, or NULL after an error naming `what`. */
static const char *want_str(loader *L, const yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		lerr(L, n, "'%s' must be a string, not %s", what, node_type_name(n));
		return NULL;
	}
	if (n->data.scalar.length == 0 && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		lerr(L, n, "'%s' must not be empty", what);
		return NULL;
	}
	return scalar(n);
}

static int want_bool(loader *L, const yaml_node_t *n, const char *what, int *out)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		goto bad;
	s = scalar(n);
	if (!strcmp(s, "true") || !strcmp(s, "yes")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "no")) {
		*out = 0;
		return 0;
	}
bad:
	lerr(L, n, "'%s' must be true or false", what);
	return -1;
}

/* Report an unknown key, with the closest known one as a hint. */
static void unknown_key(loader *L, const yaml_node_t *k, const char *const *known, const char *where)
{
	const char *best = NULL;
	size_t bd = (size_t)-1, d;
	int i;

	for (i = 0; known[i] != NULL; i++) {
		d = hl_edit_distance(scalar(k), known[i]);
		if (d < bd) {
			bd = d;
			best = known[i];
		}
	}
	if (best != NULL && bd <= 2 && bd < strlen(scalar(k)))
		lerr(L, k, "unknown key '%s' in %s (did you mean '%s'?)", scalar(k), where, best);
	else
		lerr(L, k, "unknown key '%s' in %s", scalar(k), where);
}

static int lookup(const char *s, const char *const *names)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int is_kebab(const char *s)
{
	const char *p;

	if (!islower((unsigned char)*s))
		return 0;
	for (p = s; *p; p++) {
		if (islower((unsigned char)*p) || isdigit((unsigned char)*p))
			continue;
		if (*p == '-' && p[1] != '-' && p[1] != '\0')
			continue;
		return 0;
	}
	return 1;
}

static void add_pat(loader *L, patlist *pl, const yaml_node_t *n, int literal)
{
	pat p;

	p.s = hl_strndup(scalar(n), n->data.scalar.length);
	p.loc = node_loc(L, n);
	p.exact = n->start_mark.line == n->end_mark.line &&
		  (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
		   n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		   n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	p.shift = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		  n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	p.literal = literal;
	HL_GROW(pl->v, pl->cap, pl->n + 1);
	pl->v[pl->n++] = p;
}

/* A string or a list of strings, appended to pl. */
static void read_pats(loader *L, patlist *pl, const yaml_node_t *n, const char *what, int literal)
{
	yaml_node_item_t *it;

	if (n->type == YAML_SCALAR_NODE) {
		if (want_str(L, n, what))
			add_pat(L, pl, n, literal);
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		lerr(L, n, "'%s' must be a string or a list of strings, not %s", what, node_type_name(n));
		return;
	}
	if (n->data.sequence.items.start == n->data.sequence.items.top)
		lerr(L, n, "'%s' must not be an empty list", what);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *c = node(L, *it);
		if (want_str(L, c, what))
			add_pat(L, pl, c, literal);
	}
}

/* Split "text with [[span]]" into the text and its spans. */
static void read_example(loader *L, hl_rule *r, const yaml_node_t *n, int fire)
{
	const char *s;
	hl_example ex;
	hl_buf b = HL_BUF_INIT;
	size_t cap = 0, open = (size_t)-1;

	if ((s = want_str(L, n, "examples")) == NULL)
		return;
	memset(&ex, 0, sizeof ex);
	ex.fire = fire;
	ex.loc = node_loc(L, n);
	for (; *s; s++) {
		if (s[0] == '[' && s[1] == '[') {
			if (open != (size_t)-1) {
				lerr(L, n, "example has '[[' inside another '[['");
				goto fail;
			}
			open = b.len;
			s++;
		} else if (s[0] == ']' && s[1] == ']' && open != (size_t)-1) {
			HL_GROW(ex.spans, cap, 2 * ex.nspans + 2);
			ex.spans[2 * ex.nspans] = open;
			ex.spans[2 * ex.nspans + 1] = b.len;
			ex.nspans++;
			open = (size_t)-1;
			s++;
		} else
			hl_buf_addc(&b, *s);
	}
	if (open != (size_t)-1) {
		lerr(L, n, "example has '[[' without ']]'");
		goto fail;
	}
	if (fire && ex.nspans == 0) {
		lerr(L, n, "a 'fire' example must mark what it reports with [[...]]");
		goto fail;
	}
	if (!fire && ex.nspans > 0) {
		lerr(L, n, "a 'pass' example must not mark spans with [[...]]");
		goto fail;
	}
	ex.text = hl_buf_detach(&b);
	r->examples = hl_reallocarray(r->examples, r->nexamples + 1, sizeof *r->examples);
	r->examples[r->nexamples++] = ex;
	return;
fail:
	free(ex.spans);
	hl_buf_release(&b);
}

static void read_examples(loader *L, hl_rule *r, const yaml_node_t *n)
{
	static const char *const keys[] = {"fire", "pass", NULL};
	yaml_node_pair_t *p;
	yaml_node_item_t *it;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "'examples' must be a mapping with 'fire' and 'pass' lists");
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key), *v = node(L, p->value);
		int which;
		if (k->type != YAML_SCALAR_NODE) {
			lerr(L, k, "keys must be strings");
			continue;
		}
		if ((which = lookup(scalar(k), keys)) < 0) {
			unknown_key(L, k, keys, "examples");
			continue;
		}
		if (v->type != YAML_SEQUENCE_NODE) {
			lerr(L, v, "'%s' must be a list of strings", scalar(k));
			continue;
		}
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
			read_example(L, r, node(L, *it), which == 0);
	}
}

static void read_swaps(loader *L, hl_rule *r, const yaml_node_t *n)
{
	yaml_node_pair_t *p;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "'swaps' must be a mapping of phrase: suggestion");
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key), *v = node(L, p->value);
		const char *ks = want_str(L, k, "swaps"), *vs = want_str(L, v, "swaps");
		if (ks == NULL || vs == NULL)
			continue;
		r->swaps = hl_reallocarray(r->swaps, r->nswaps + 1, sizeof *r->swaps);
		r->swaps[r->nswaps].phrase = hl_strdup(ks);
		r->swaps[r->nswaps].suggest = hl_strdup(vs);
		r->nswaps++;
	}
}

/* ORDER: the KEY_ enum and rule_keys[] */
enum {
	KEY_ID, KEY_KIND, KEY_SEVERITY, KEY_SCOPE, KEY_MESSAGE, KEY_WHY, KEY_SOURCE,
	KEY_WORDS, KEY_PATTERNS, KEY_PATTERN, KEY_UNLESS, KEY_WHEN, KEY_REQUIRE, KEY_MIN,
	KEY_SWAPS, KEY_EXAMPLES, KEY_CASE, KEY_ENABLED, KEY_UNLESS_BEFORE, KEY_UNLESS_SCOPE,
	KEY_CHECK, KEY__N
};
static const char *const rule_keys[] = {
	"id", "kind", "severity", "scope", "message", "why", "source",
	"words", "patterns", "pattern", "unless", "when", "require", "min",
	"swaps", "examples", "case-sensitive", "enabled", "unless-before", "unless-scope", "check", NULL};

/* Which keys each kind accepts beyond the common ones. */
static int key_fits_kind(int key, enum hl_kind kind)
{
	switch (key) {
	case KEY_WORDS:
	case KEY_PATTERNS:
	case KEY_PATTERN:
		return kind == HL_KIND_PATTERN;
	case KEY_UNLESS:
	case KEY_UNLESS_BEFORE:
	case KEY_UNLESS_SCOPE:
		return kind == HL_KIND_PATTERN || kind == HL_KIND_SWAP;
	case KEY_WHEN:
		return kind == HL_KIND_PATTERN || kind == HL_KIND_REQUIRE;
	case KEY_REQUIRE:
	case KEY_MIN:
		return kind == HL_KIND_REQUIRE;
	case KEY_SWAPS:
		return kind == HL_KIND_SWAP;
	case KEY_CHECK:
		return kind == HL_KIND_CITATION;
	default:
		return 1;
	}
}

static void read_rule(loader *L, const yaml_node_t *n, const char *pack)
{
	hl_rules *rules = L->rules;
	lstate *st = state(rules);
	const yaml_node_t *seen[KEY__N] = {0};
	yaml_node_pair_t *p;
	hl_rule r;
	rule_src rs;
	int kind_ok = 0, key, errors0 = L->errors;
	const char *s;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "a rule must be a mapping, not %s", node_type_name(n));
		return;
	}
	memset(&r, 0, sizeof r);
	memset(&rs, 0, sizeof rs);
	r.enabled = 1;
	r.min = 1;
	r.loc = node_loc(L, n);
	/* find the id first, so that every message can name the rule */
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key), *v = node(L, p->value);
		if (k->type == YAML_SCALAR_NODE && !strcmp(scalar(k), "id") && v->type == YAML_SCALAR_NODE)
			L->rule_id = scalar(v);
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key), *v = node(L, p->value);
		if (k->type != YAML_SCALAR_NODE) {
			lerr(L, k, "keys must be strings");
			continue;
		}
		if ((key = lookup(scalar(k), rule_keys)) < 0) {
			unknown_key(L, k, rule_keys, "a rule");
			continue;
		}
		if (seen[key]) {
			lerr(L, k, "key '%s' appears twice (first at line %lu)", scalar(k),
			     (unsigned long)seen[key]->start_mark.line + 1);
			continue;
		}
		seen[key] = k;
		switch (key) {
		case KEY_ID:
			if ((s = want_str(L, v, "id")) == NULL)
				break;
			if (!is_kebab(s)) {
				lerr(L, v, "id '%s' must be kebab-case (lower-case words joined by '-')", s);
				break;
			}
			r.id = hl_strdup(s);
			break;
		case KEY_KIND:
			if ((s = want_str(L, v, "kind")) == NULL)
				break;
			if (lookup(s, kind_names) < 0) {
				lerr(L, v, "unknown kind '%s' (expected pattern, swap, require or citation)", s);
				break;
			}
			r.kind = (enum hl_kind)lookup(s, kind_names);
			kind_ok = 1;
			break;
		case KEY_SEVERITY:
			if ((s = want_str(L, v, "severity")) == NULL)
				break;
			if (hl_severity_parse(s, &r.severity) != 0 || r.severity == HL_SEV_NONE) {
				lerr(L, v, "unknown severity '%s' (expected error, warning or suggestion)", s);
			}
			break;
		case KEY_SCOPE:
			if ((s = want_str(L, v, "scope")) == NULL)
				break;
			if (lookup(s, scope_names) < 0)
				lerr(L, v, "unknown scope '%s' (expected sentence, paragraph or document)", s);
			else
				r.scope = (enum hl_scope)lookup(s, scope_names);
			break;
		case KEY_MESSAGE:
			if ((s = want_str(L, v, "message")) != NULL)
				r.message = hl_strdup(s);
			break;
		case KEY_WHY:
			if ((s = want_str(L, v, "why")) != NULL)
				r.why = hl_strdup(s);
			break;
		case KEY_SOURCE:
			if ((s = want_str(L, v, "source")) != NULL)
				r.source = hl_strdup(s);
			break;
		case KEY_WORDS:
			read_pats(L, &rs.match, v, "words", 1);
			break;
		case KEY_PATTERNS:
			read_pats(L, &rs.match, v, "patterns", 0);
			break;
		case KEY_PATTERN:
			if (want_str(L, v, "pattern"))
				add_pat(L, &rs.match, v, 0);
			break;
		case KEY_UNLESS:
			read_pats(L, &rs.unless, v, "unless", 0);
			break;
		case KEY_WHEN:
			read_pats(L, &rs.when, v, "when", 0);
			break;
		case KEY_UNLESS_BEFORE:
			read_pats(L, &rs.unless_before, v, "unless-before", 0);
			break;
		case KEY_CHECK:
			if ((s = want_str(L, v, "check")) == NULL)
				break;
			if (lookup(s, check_names) < 0)
				lerr(L, v, "unknown check '%s' (expected misattributed-study, contradicts-references, doi-mismatch or questionable-publisher)", s);
			else
				r.check = (enum hl_citation_check)lookup(s, check_names);
			break;
		case KEY_UNLESS_SCOPE:
			if ((s = want_str(L, v, "unless-scope")) == NULL)
				break;
			if (!strcmp(s, "next-sentence"))
				r.unless_next = 1;
			else if (strcmp(s, "same"))
				lerr(L, v, "unknown unless-scope '%s' (expected same or next-sentence)", s);
			break;
		case KEY_REQUIRE:
			read_pats(L, &rs.require, v, "require", 0);
			break;
		case KEY_MIN: {
			char *end;
			if ((s = want_str(L, v, "min")) == NULL)
				break;
			errno = 0;
			r.min = strtoul(s, &end, 10);
			if (!isdigit((unsigned char)*s) || *end != '\0' || errno != 0 || r.min == 0)
				lerr(L, v, "'min' must be a whole number of at least 1, not '%s'", s);
			break;
		}
		case KEY_SWAPS:
			read_swaps(L, &r, v);
			break;
		case KEY_EXAMPLES:
			read_examples(L, &r, v);
			break;
		case KEY_CASE:
			want_bool(L, v, "case-sensitive", &r.case_sensitive);
			break;
		case KEY_ENABLED:
			want_bool(L, v, "enabled", &r.enabled);
			break;
		}
	}
	{
		static const int required[] = {KEY_ID, KEY_KIND, KEY_SEVERITY, KEY_SCOPE, KEY_MESSAGE, KEY_WHY};
		size_t i;
		for (i = 0; i < sizeof required / sizeof required[0]; i++)
			if (!seen[required[i]])
				lerr(L, n, "missing required key '%s'", rule_keys[required[i]]);
	}
	if (kind_ok) {
		for (key = 0; key < KEY__N; key++)
			if (seen[key] && !key_fits_kind(key, r.kind))
				lerr(L, seen[key], "key '%s' does not apply to kind '%s'", rule_keys[key],
				     kind_names[r.kind]);
		if (r.kind == HL_KIND_PATTERN && rs.match.n == 0 && !seen[KEY_WORDS] &&
		    !seen[KEY_PATTERNS] && !seen[KEY_PATTERN])
			lerr(L, n, "a pattern rule needs 'words' or 'patterns'");
		if (r.kind == HL_KIND_SWAP && r.nswaps == 0 && !seen[KEY_SWAPS])
			lerr(L, n, "a swap rule needs 'swaps'");
		if (r.kind == HL_KIND_REQUIRE && (!seen[KEY_WHEN] || !seen[KEY_REQUIRE]))
			lerr(L, n, "a require rule needs 'when' and 'require'");
		if (r.kind == HL_KIND_CITATION && !seen[KEY_CHECK])
			lerr(L, n, "a citation rule needs 'check'");
		if (r.kind == HL_KIND_REQUIRE && seen[KEY_SCOPE] && r.scope != HL_SCOPE_DOCUMENT)
			lerr(L, seen[KEY_SCOPE], "a require rule works on the whole document: use 'scope: document'");
	}
	if (r.message != NULL && strstr(r.message, "{suggestion}") && kind_ok && r.kind != HL_KIND_SWAP)
		lerr(L, seen[KEY_MESSAGE], "'{suggestion}' in the message needs kind 'swap'");
	if (r.id != NULL) {
		hl_rule *dup = hl_rules_find(rules, r.id);
		if (dup != NULL)
			lerr(L, seen[KEY_ID], "duplicate rule id '%s' (first defined at %s:%lu:%lu)", r.id,
			     dup->loc.file, dup->loc.line, dup->loc.col);
	}
	L->rule_id = NULL;
	if (L->errors != errors0) {
		rule_release(&r);
		patlist_release(&rs.match);
		patlist_release(&rs.unless);
		patlist_release(&rs.unless_before);
		patlist_release(&rs.when);
		patlist_release(&rs.require);
		return;
	}
	r.pack = hl_strdup(pack);
	HL_GROW(rules->v, rules->cap, rules->n + 1);
	if (st->rs_cap < rules->cap) {
		st->rs = hl_reallocarray(st->rs, rules->cap, sizeof *st->rs);
		st->rs_cap = rules->cap;
	}
	st->rs[rules->n] = rs;
	rules->v[rules->n++] = r;
}

static void read_sets(loader *L, const yaml_node_t *n)
{
	lstate *st = state(L->rules);
	yaml_node_pair_t *p;
	size_t i;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "'sets' must be a mapping of name: [patterns]");
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key), *v = node(L, p->value);
		const char *name = want_str(L, k, "sets");
		pset set;
		int errors0 = L->errors;

		if (name == NULL)
			continue;
		if (!is_kebab(name)) {
			lerr(L, k, "set name '%s' must be kebab-case", name);
			continue;
		}
		for (i = 0; i < st->nsets; i++)
			if (!strcmp(st->sets[i].name, name))
				break;
		if (i < st->nsets) {
			lerr(L, k, "duplicate pattern set '%s' (first defined at %s:%lu:%lu)", name,
			     st->sets[i].loc.file, st->sets[i].loc.line, st->sets[i].loc.col);
			continue;
		}
		memset(&set, 0, sizeof set);
		read_pats(L, &set.items, v, "sets", 0);
		for (i = 0; i < set.items.n; i++)
			if (set.items.v[i].s[0] == '@')
				lerr_at(L, set.items.v[i].loc, "a set cannot include another set ('%s')",
					set.items.v[i].s);
		if (L->errors != errors0) {
			patlist_release(&set.items);
			continue;
		}
		set.name = hl_strdup(name);
		set.loc = node_loc(L, k);
		HL_GROW(st->sets, st->sets_cap, st->nsets + 1);
		st->sets[st->nsets++] = set;
	}
}

/* ---- the knowledge base ---- */

/* A list of strings into a fresh array (appended to *out). */
static void read_strs(loader *L, const yaml_node_t *n, const char *what, char ***out, size_t *count)
{
	yaml_node_item_t *it;
	size_t cap = *count;

	if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    n->data.scalar.length == 0)
		return; /* an empty value: no items */
	if (n->type != YAML_SEQUENCE_NODE) {
		lerr(L, n, "'%s' must be a list of strings, not %s", what, node_type_name(n));
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *c = node(L, *it);
		const char *s = want_str(L, c, what);
		if (s == NULL)
			continue;
		HL_GROW(*out, cap, *count + 1);
		(*out)[(*count)++] = hl_strdup(s);
	}
}

/* Walk the entries of a knowledge list: each must be a mapping whose keys are in `keys`.
 * Calls fn for each key with its value node; returns nothing, reports bad keys. */
typedef void (*entry_fn)(loader *L, void *entry, int key, const yaml_node_t *v);

static int read_entry(loader *L, const yaml_node_t *n, const char *const *keys, const char *where,
		      const int *required, void *entry, entry_fn fn)
{
	const yaml_node_t *seen[32] = {0};
	yaml_node_pair_t *p;
	int errors0 = L->errors, key, i;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "each entry of '%s' must be a mapping", where);
		return -1;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key), *v = node(L, p->value);
		if (k->type != YAML_SCALAR_NODE) {
			lerr(L, k, "keys must be strings");
			continue;
		}
		if ((key = lookup(scalar(k), keys)) < 0) {
			unknown_key(L, k, keys, where);
			continue;
		}
		if (seen[key]) {
			lerr(L, k, "key '%s' appears twice", scalar(k));
			continue;
		}
		seen[key] = k;
		fn(L, entry, key, v);
	}
	for (i = 0; required[i] >= 0; i++)
		if (!seen[required[i]])
			lerr(L, n, "missing required key '%s' in %s", keys[required[i]], where);
	return L->errors == errors0 ? 0 : -1;
}

static char *dup_str(loader *L, const yaml_node_t *v, const char *what)
{
	const char *s = want_str(L, v, what);
	return s ? hl_strdup(s) : NULL;
}

static const char *const pub_keys[] = {"id", "name", "prefixes", "questionable", "source", NULL};

static void pub_key(loader *L, void *entry, int key, const yaml_node_t *v)
{
	hl_publisher *p = entry;
	size_t i;

	switch (key) {
	case 0:
		if ((p->id = dup_str(L, v, "id")) != NULL && !is_kebab(p->id))
			lerr(L, v, "publisher id '%s' must be kebab-case", p->id);
		break;
	case 1: p->name = dup_str(L, v, "name"); break;
	case 2:
		read_strs(L, v, "prefixes", &p->prefixes, &p->nprefixes);
		for (i = 0; i < p->nprefixes; i++) {
			const char *x = p->prefixes[i];
			if (strncmp(x, "10.", 3) != 0 || strspn(x + 3, "0123456789") < 4 || x[3 + strspn(x + 3, "0123456789")] != '\0')
				lerr(L, v, "DOI prefix '%s' must look like 10.NNNN", x);
		}
		break;
	case 3: want_bool(L, v, "questionable", &p->questionable); break;
	case 4: p->source = dup_str(L, v, "source"); break;
	}
}

static const char *const journal_keys[] = {"name", "variants", "publisher", "same-as", "source", NULL};

static void journal_key(loader *L, void *entry, int key, const yaml_node_t *v)
{
	hl_journal *j = entry;

	switch (key) {
	case 0: j->name = dup_str(L, v, "name"); break;
	case 1: read_strs(L, v, "variants", &j->variants, &j->nvariants); break;
	case 2: j->publisher_id = dup_str(L, v, "publisher"); break;
	case 3: read_strs(L, v, "same-as", &j->same_as, &j->nsame_as); break;
	case 4: j->source = dup_str(L, v, "source"); break;
	}
}

static const char *const study_keys[] = {"id", "label", "author", "years", "journal", "volume", "issue",
					  "pages", "doi", "population", "topic", "source", NULL};

typedef struct study_entry {
	hl_study s;
	patlist topic;
} study_entry;

static void study_key(loader *L, void *entry, int key, const yaml_node_t *v)
{
	study_entry *e = entry;
	hl_study *t = &e->s;
	yaml_node_item_t *it;

	switch (key) {
	case 0:
		if ((t->id = dup_str(L, v, "id")) != NULL && !is_kebab(t->id))
			lerr(L, v, "study id '%s' must be kebab-case", t->id);
		break;
	case 1: t->label = dup_str(L, v, "label"); break;
	case 2: t->author = dup_str(L, v, "author"); break;
	case 3:
		if (v->type != YAML_SEQUENCE_NODE) {
			lerr(L, v, "'years' must be a list of years");
			break;
		}
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			yaml_node_t *c = node(L, *it);
			const char *y = want_str(L, c, "years");
			if (y == NULL)
				continue;
			if (strlen(y) != 4 || strspn(y, "0123456789") != 4 || t->nyears == 4)
				lerr(L, c, "'%s' is not a year (at most four years per study)", y);
			else
				t->years[t->nyears++] = strtoul(y, NULL, 10);
		}
		break;
	case 4: t->journal_name = dup_str(L, v, "journal"); break;
	case 5: t->volume = dup_str(L, v, "volume"); break;
	case 6: t->issue = dup_str(L, v, "issue"); break;
	case 7: t->pages = dup_str(L, v, "pages"); break;
	case 8: t->doi = dup_str(L, v, "doi"); break;
	case 9: t->population = dup_str(L, v, "population"); break;
	case 10: read_pats(L, &e->topic, v, "topic", 0); break;
	case 11: t->source = dup_str(L, v, "source"); break;
	}
}

static void read_kb_list(loader *L, const yaml_node_t *n, int which)
{
	static const int pub_req[] = {0, 1, 2, 4, -1}, journal_req[] = {0, 2, 4, -1},
			 study_req[] = {0, 1, 2, 3, 4, 8, 11, -1};
	hl_kb *kb = &L->rules->kb;
	lstate *st = state(L->rules);
	yaml_node_item_t *it;
	static const char *const names[] = {"publishers", "journals", "studies"};

	if (n->type != YAML_SEQUENCE_NODE) {
		lerr(L, n, "'%s' must be a list", names[which]);
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *c = node(L, *it);
		if (which == 0) {
			hl_publisher p;
			memset(&p, 0, sizeof p);
			p.file = L->file;
			p.line = c->start_mark.line + 1;
			p.col = c->start_mark.column + 1;
			read_entry(L, c, pub_keys, "a publisher", pub_req, &p, pub_key);
			HL_GROW(kb->pubs, kb->pubs_cap, kb->npubs + 1);
			kb->pubs[kb->npubs++] = p; /* kept even when broken: the load fails anyway */
		} else if (which == 1) {
			hl_journal j;
			memset(&j, 0, sizeof j);
			j.file = L->file;
			j.line = c->start_mark.line + 1;
			j.col = c->start_mark.column + 1;
			read_entry(L, c, journal_keys, "a journal", journal_req, &j, journal_key);
			HL_GROW(kb->journals, kb->journals_cap, kb->njournals + 1);
			kb->journals[kb->njournals++] = j;
		} else {
			study_entry e;
			memset(&e, 0, sizeof e);
			e.s.file = L->file;
			e.s.line = c->start_mark.line + 1;
			e.s.col = c->start_mark.column + 1;
			read_entry(L, c, study_keys, "a study", study_req, &e, study_key);
			HL_GROW(kb->studies, kb->studies_cap, kb->nstudies + 1);
			if (st->topics_cap < kb->studies_cap) {
				st->topics = hl_reallocarray(st->topics, kb->studies_cap, sizeof *st->topics);
				st->topics_cap = kb->studies_cap;
			}
			st->topics[kb->nstudies] = e.topic;
			kb->studies[kb->nstudies++] = e.s;
		}
	}
}

static void read_file_doc(loader *L, const char *path)
{
	static const char *const top_keys[] = {"pack", "description", "sets", "rules",
					       "publishers", "journals", "studies", NULL};
	yaml_node_t *root = yaml_document_get_root_node(L->doc), *rules_node = NULL;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	char *pack = NULL;

	if (root == NULL) {
		lerr_at(L, (hl_loc){L->file, 1, 1}, "empty rule file");
		return;
	}
	if (root->type != YAML_MAPPING_NODE) {
		lerr(L, root, "a rule file must be a mapping with 'pack', 'sets' and 'rules'");
		return;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key), *v = node(L, p->value);
		const char *s;
		if (k->type != YAML_SCALAR_NODE) {
			lerr(L, k, "keys must be strings");
			continue;
		}
		switch (lookup(scalar(k), top_keys)) {
		case 0:
			if ((s = want_str(L, v, "pack")) != NULL) {
				if (!is_kebab(s))
					lerr(L, v, "pack name '%s' must be kebab-case", s);
				free(pack);
				pack = hl_strdup(s);
			}
			break;
		case 1:
			want_str(L, v, "description");
			break;
		case 2:
			read_sets(L, v);
			break;
		case 3:
			rules_node = v;
			break;
		case 4:
		case 5:
		case 6:
			read_kb_list(L, v, lookup(scalar(k), top_keys) - 4);
			break;
		default:
			unknown_key(L, k, top_keys, "a rule file");
		}
	}
	if (pack == NULL) {
		const char *base = strrchr(path, '/');
		size_t n;
		base = base ? base + 1 : path;
		n = strcspn(base, ".");
		pack = hl_strndup(base, n);
	}
	if (rules_node != NULL) {
		if (rules_node->type != YAML_SEQUENCE_NODE)
			lerr(L, rules_node, "'rules' must be a list of rules");
		else
			for (it = rules_node->data.sequence.items.start;
			     it < rules_node->data.sequence.items.top; it++)
				read_rule(L, node(L, *it), pack);
	}
	free(pack);
}

/* Parse one rule file held in memory; its name is kept for messages. */
static int load_buffer(hl_rules *rules, const char *path, const char *data, size_t len, FILE *err)
{
	loader L;
	yaml_parser_t parser;
	yaml_document_t doc;
	char *name = hl_strdup(path);

	HL_GROW(rules->files, rules->files_cap, rules->nfiles + 1);
	rules->files[rules->nfiles++] = name;
	memset(&L, 0, sizeof L);
	L.rules = rules;
	L.file = name;
	L.err = err;
	if (!yaml_parser_initialize(&parser))
		hl_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		hl_loc loc = {name, parser.problem_mark.line + 1, parser.problem_mark.column + 1};
		if (parser.error == YAML_MEMORY_ERROR)
			hl_oom();
		if (parser.context != NULL)
			lerr_at(&L, loc, "invalid YAML: %s %s", parser.problem ? parser.problem : "syntax error",
				parser.context);
		else
			lerr_at(&L, loc, "invalid YAML: %s", parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		return L.errors;
	}
	L.doc = &doc;
	read_file_doc(&L, path);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return L.errors;
}

int hl_rules_add_mem(hl_rules *rules, const char *name, const char *data, size_t len, FILE *err)
{
	return load_buffer(rules, name, data, len, err);
}

static int load_file(hl_rules *rules, const char *path, FILE *err)
{
	FILE *fp;
	hl_buf data = HL_BUF_INIT;
	int errors;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(err, "hypelint: %s: error: cannot open rule file: %s\n", path, strerror(errno));
		return 1;
	}
	if (hl_read_stream(fp, &data) != 0) {
		fprintf(err, "hypelint: %s: error: cannot read rule file: %s\n", path, strerror(errno));
		fclose(fp);
		hl_buf_release(&data);
		return 1;
	}
	fclose(fp);
	errors = load_buffer(rules, path, data.s, data.len, err);
	hl_buf_release(&data);
	return errors;
}

static int has_yaml_ext(const char *name)
{
	size_t n = strlen(name);
	return (n > 4 && !strcmp(name + n - 4, ".yml")) || (n > 5 && !strcmp(name + n - 5, ".yaml"));
}

int hl_rules_add_path(hl_rules *rules, const char *path, FILE *err)
{
	struct stat sb;
	char **names;
	size_t n = 0, i;
	int errors = 0;

	if (stat(path, &sb) != 0) {
		fprintf(err, "hypelint: %s: error: cannot read rules: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(sb.st_mode))
		return load_file(rules, path, err);
	if ((names = hl_dir_names(path, &n)) == NULL) {
		fprintf(err, "hypelint: %s: error: cannot read rules: %s\n", path, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		hl_buf p = HL_BUF_INIT;
		if (!has_yaml_ext(names[i]))
			continue;
		hl_path_join(&p, path, names[i]);
		errors += load_file(rules, p.s, err);
		hl_buf_release(&p);
	}
	hl_strs_free(names, n);
	/* the knowledge base lives in a "knowledge" folder beside the packs */
	{
		hl_buf kd = HL_BUF_INIT;
		hl_path_join(&kd, path, "knowledge");
		if (stat(kd.s, &sb) == 0 && S_ISDIR(sb.st_mode))
			errors += hl_rules_add_path(rules, kd.s, err);
		hl_buf_release(&kd);
	}
	return errors;
}

/* ---- compiling ---- */

/* The regex for a literal word or phrase: spaces match any white space, hyphens are optional. */
static void word_regex(hl_buf *b, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	if (n && (isalnum((unsigned char)w[0]) || (unsigned char)w[0] >= 0x80))
		hl_buf_adds(b, "\\b");
	for (p = w; *p; p++) {
		if (*p == ' ') {
			hl_buf_adds(b, "\\s+");
			while (p[1] == ' ')
				p++;
		} else if (*p == '-')
			hl_buf_adds(b, "(?:[-\\x{2010}\\x{2011}]\\s?|\\s)?");
		else if (*p == '\'')
			hl_buf_adds(b, "['\\x{2019}]");
		else if (strchr("\\^$.|?*+()[]{}#", *p))
			hl_buf_addc(b, '\\'), hl_buf_addc(b, *p);
		else
			hl_buf_addc(b, *p);
	}
	if (n && (isalnum((unsigned char)w[n - 1]) || (unsigned char)w[n - 1] >= 0x80))
		hl_buf_adds(b, "\\b");
}

typedef struct compiler {
	hl_rules *rules;
	FILE *err;
	int errors;
	char **checked;    /* patterns (with their flags) that compiled alone: sets recur in many rules */
	size_t nchecked, checked_cap;
} compiler;

static void cerr(compiler *C, const hl_rule *r, hl_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void cerr(compiler *C, const hl_rule *r, hl_loc loc, const char *fmt, ...)
{
	va_list ap;

	/* knowledge-base studies compile their topics through a stand-in rule with no pack */
	fprintf(C->err, "hypelint: %s:%lu:%lu: error: %s '%s': ", loc.file, loc.line, loc.col,
		r->pack ? "rule" : "study", r->id);
	va_start(ap, fmt);
	vfprintf(C->err, fmt, ap);
	va_end(ap);
	fputc('\n', C->err);
	C->errors++;
}

static pcre2_code *compile1(const char *re, uint32_t flags, int *code, PCRE2_SIZE *off)
{
	return pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, flags, code, off, NULL);
}

static const pset *find_set(lstate *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nsets; i++)
		if (!strcmp(st->sets[i].name, name))
			return &st->sets[i];
	return NULL;
}

/* HYPELINT_JIT=0 turns the JIT off (valgrind cannot see into JIT code); HYPELINT_JIT=1
 * compiles each regex at its first match (see hl_rules_init). */
int hl_use_jit(void)
{
	const char *v = getenv("HYPELINT_JIT");
	return v == NULL || strcmp(v, "0") != 0;
}

/* ---- patterns checked alone by another thread (see hl_pat_checks_run) ---- */

struct hl_pat_checks {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char **v;          /* 'i' or 'c' (caseless or not), then the pattern */
	size_t n, cap, next;
	int closed, failed;
};

hl_pat_checks *hl_pat_checks_new(void)
{
	hl_pat_checks *q = hl_calloc(1, sizeof *q);

	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	return q;
}

static void pat_checks_add(hl_pat_checks *q, const char *key)
{
	char *k = hl_strdup(key);

	pthread_mutex_lock(&q->mu);
	HL_GROW(q->v, q->cap, q->n + 1);
	q->v[q->n++] = k;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void hl_pat_checks_close(hl_pat_checks *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

int hl_pat_checks_run_some(hl_pat_checks *q, int wait)
{
	int done;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		const char *key;
		pcre2_code *c;
		int code;
		PCRE2_SIZE off;
		while (wait && q->next == q->n && !q->closed)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->next == q->n)
			break;
		key = q->v[q->next++]; /* the string stays where it is when v grows */
		pthread_mutex_unlock(&q->mu);
		c = compile1(key + 1, HL_PROSE_FLAGS | (key[0] == 'i' ? PCRE2_CASELESS : 0), &code, &off);
		pcre2_code_free(c);
		pthread_mutex_lock(&q->mu);
		if (c == NULL)
			q->failed = 1;
	}
	done = q->closed;
	pthread_mutex_unlock(&q->mu);
	return done;
}

void hl_pat_checks_run(hl_pat_checks *q)
{
	hl_pat_checks_run_some(q, 1);
}

int hl_pat_checks_failed(hl_pat_checks *q)
{
	int f;

	pthread_mutex_lock(&q->mu);
	f = q->failed;
	pthread_mutex_unlock(&q->mu);
	return f;
}

void hl_pat_checks_free(hl_pat_checks *q)
{
	if (q == NULL)
		return;
	hl_strs_free(q->v, q->n);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
}

/* Check one pattern on its own, so that an error points into it. Returns 0 when it compiles. */
static int check_pat(compiler *C, const hl_rule *r, const pat *p, const char *re, uint32_t flags)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *c;
	PCRE2_UCHAR msg[256];
	hl_loc loc = p->loc;
	size_t i;

	for (i = 0; i < C->nchecked; i++) /* a few hundred at most, compared once each at start-up */
		if (C->checked[i][0] == (char)(flags & PCRE2_CASELESS ? 'i' : 'c') && !strcmp(C->checked[i] + 1, re))
			return 0;
	/* compiled here, or left to the thread that runs rules->checks */
	if (C->rules->checks == NULL) {
		if ((c = compile1(re, flags, &code, &off)) == NULL)
			goto bad;
		pcre2_code_free(c);
	}
	{
		hl_buf key = HL_BUF_INIT;
		hl_buf_addc(&key, flags & PCRE2_CASELESS ? 'i' : 'c');
		hl_buf_adds(&key, re);
		if (C->rules->checks != NULL)
			pat_checks_add(C->rules->checks, key.s);
		HL_GROW(C->checked, C->checked_cap, C->nchecked + 1);
		C->checked[C->nchecked++] = hl_buf_detach(&key);
		return 0;
	}
bad:
	pcre2_get_error_message(code, msg, sizeof msg);
	/* point into the pattern when it was compiled as written (no {{set}} expanded) */
	if (p->exact && !p->literal && strcmp(re, p->s) == 0 && off <= strlen(p->s))
		loc.col += (unsigned long)p->shift + hl_utf8_count(p->s, off);
	cerr(C, r, loc, "invalid pattern: %s at offset %lu of '%s'", (const char *)msg,
	     (unsigned long)off, p->s);
	return -1;
}

/* Copy p's regex into out with each {{name}} replaced by the alternation of set `name`. */
static int expand_sets(compiler *C, const hl_rule *r, const pat *p, hl_buf *out)
{
	lstate *st = C->rules->priv;
	const char *s = p->s, *open, *close;
	size_t k;

	while ((open = strstr(s, "{{")) != NULL && (close = strstr(open + 2, "}}")) != NULL) {
		char *name = hl_strndup(open + 2, (size_t)(close - open - 2));
		const pset *set = find_set(st, name);
		hl_buf_add(out, s, (size_t)(open - s));
		if (set == NULL) {
			cerr(C, r, p->loc, "unknown pattern set '{{%s}}'", name);
			free(name);
			return -1;
		}
		free(name);
		hl_buf_adds(out, "(?:");
		for (k = 0; k < set->items.n; k++) {
			if (k)
				hl_buf_addc(out, '|');
			if (set->items.v[k].literal)
				word_regex(out, set->items.v[k].s);
			else
				hl_buf_adds(out, set->items.v[k].s);
		}
		hl_buf_addc(out, ')');
		s = close + 2;
	}
	hl_buf_adds(out, s);
	return 0;
}

/* What follows unless-before's alternation: it must match right up to the reported match. */
#define BEFORE_SUFFIX "\\s*\\z"

/* b = (?:b)suffix, unless b is empty. */
static void wrap(hl_buf *b, const char *suffix)
{
	hl_buf w = HL_BUF_INIT;

	if (b->len == 0)
		return;
	hl_buf_addf(&w, "(?:%s)%s", b->s, suffix);
	hl_buf_release(b);
	*b = w;
}

/* Join the patterns of pl (sets expanded) into one alternation and compile it (no JIT:
 * see jit(), for the regexes that run as they are). */
static pcre2_code *compile_list(compiler *C, const hl_rule *r, const patlist *pl, int groups,
				const char *suffix, char **src_out, char ***items_out, size_t *nitems_out,
				size_t **origin_out)
{
	lstate *st = C->rules->priv;
	uint32_t flags = HL_RULE_FLAGS(r);
	hl_buf all = HL_BUF_INIT, one = HL_BUF_INIT;
	pcre2_code *code = NULL;
	size_t i, j, count = 0;
	int bad = 0, ec;
	PCRE2_SIZE off;

	for (i = 0; i < pl->n; i++) {
		const pat *p = &pl->v[i];
		const pat *items = p;
		size_t nitems = 1;
		if (!p->literal && p->s[0] == '@') {
			const pset *set = find_set(st, p->s + 1);
			if (set == NULL) {
				cerr(C, r, p->loc, "unknown pattern set '%s'", p->s);
				bad = 1;
				continue;
			}
			items = set->items.v;
			nitems = set->items.n;
		}
		for (j = 0; j < nitems; j++) {
			one.len = 0;
			if (items[j].literal)
				word_regex(&one, items[j].s);
			else if (expand_sets(C, r, &items[j], &one) != 0) {
				bad = 1;
				continue;
			}
			if (check_pat(C, r, &items[j], one.s, flags) != 0) {
				bad = 1;
				continue;
			}
			hl_buf_adds(&all, count ? "|" : "");
			if (items_out != NULL) {
				*items_out = hl_reallocarray(*items_out, *nitems_out + 1, sizeof **items_out);
				if (origin_out != NULL) {
					*origin_out = hl_reallocarray(*origin_out, *nitems_out + 1, sizeof **origin_out);
					(*origin_out)[*nitems_out] = 2 * i + (items != p);
				}
				(*items_out)[(*nitems_out)++] = hl_strndup(one.s, one.len);
			}
			hl_buf_adds(&all, groups ? "(" : "(?:");
			hl_buf_add(&all, one.s, one.len);
			hl_buf_adds(&all, ")");
			count++;
		}
	}
	if (!bad && count > 0) {
		if (suffix != NULL)
			wrap(&all, suffix);
		code = compile1(all.s, flags, &ec, &off);
		if (code == NULL) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof msg);
			cerr(C, r, pl->v[0].loc, "patterns do not combine: %s", (const char *)msg);
		}
	}
	if (src_out != NULL && code != NULL)
		*src_out = hl_buf_detach(&all);
	hl_buf_release(&all);
	hl_buf_release(&one);
	return code;
}

/* ---- resolving the knowledge base ---- */

static void kerr(compiler *C, const char *file, unsigned long line, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void kerr(compiler *C, const char *file, unsigned long line, unsigned long col, const char *fmt, ...)
{
	va_list ap;

	fprintf(C->err, "hypelint: %s:%lu:%lu: error: ", file, line, col);
	va_start(ap, fmt);
	vfprintf(C->err, fmt, ap);
	va_end(ap);
	fputc('\n', C->err);
	C->errors++;
}

/* Lower-case s without dots, a leading "the " or repeated spaces, into out (room for n + 1
 * bytes); returns the length. */
static size_t norm_into(char *out, const char *s, size_t n)
{
	size_t i, len = 0;
	int space = 0;

	if (n >= 4 && !strncasecmp(s, "the ", 4)) {
		s += 4;
		n -= 4;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.')
			continue;
		/* isspace and tolower of the C locale, which the program never leaves, without a
		 * call each: a name is looked up at each journal the citation checks meet */
		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			space = len > 0;
			continue;
		}
		if (space)
			out[len++] = ' ';
		space = 0;
		out[len++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	out[len] = '\0';
	return len;
}

/* The same into b. */
static void norm_name(hl_buf *b, const char *s, size_t n)
{
	b->len = 0;
	hl_buf_grow(b, n);
	b->len = norm_into(b->s, s, n);
}

long hl_kb_journal(const hl_kb *kb, const char *s, size_t n)
{
	char small[256], *want = n < sizeof small ? small : hl_malloc(n + 1); /* names are short */
	size_t lo = 0, hi = kb->nnames;
	long found = -1;

	norm_into(want, s, n);
	while (lo < hi) { /* the first name not below want */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(kb->names[mid].norm, want) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < kb->nnames && !strcmp(kb->names[lo].norm, want))
		found = (long)kb->names[lo].journal;
	if (want != small)
		free(want);
	return found;
}

static int cmp_journal_name(const void *a, const void *b)
{
	const hl_journal_name *x = a, *y = b;
	int c = strcmp(x->norm, y->norm);
	return c ? c : x->journal < y->journal ? -1 : x->journal > y->journal;
}

/* The sorted table of normalised names that hl_kb_journal searches. */
static void kb_index_names(hl_kb *kb)
{
	size_t i, v, cap = 0;

	for (i = 0; i < kb->njournals; i++)
		for (v = 0; v <= kb->journals[i].nvariants; v++) {
			const char *name = v == 0 ? kb->journals[i].name : kb->journals[i].variants[v - 1];
			hl_buf b = HL_BUF_INIT;
			if (name == NULL)
				continue;
			norm_name(&b, name, strlen(name));
			if (b.s == NULL)
				continue;
			HL_GROW(kb->names, cap, kb->nnames + 1);
			kb->names[kb->nnames++] = (hl_journal_name){hl_buf_detach(&b), i};
		}
	if (kb->nnames > 1)
		qsort(kb->names, kb->nnames, sizeof *kb->names, cmp_journal_name);
}

int hl_kb_same_journal(const hl_kb *kb, size_t a, size_t b)
{
	size_t i;

	if (a == b)
		return 1;
	for (i = 0; i < kb->journals[a].nsame_as; i++)
		if (hl_kb_journal(kb, kb->journals[a].same_as[i], strlen(kb->journals[a].same_as[i])) == (long)b)
			return 1;
	return 0;
}

long hl_kb_doi_publisher(const hl_kb *kb, const char *doi, size_t n)
{
	size_t i, k, plen = 0;

	while (plen < n && doi[plen] != '/')
		plen++;
	for (i = 0; i < kb->npubs; i++)
		for (k = 0; k < kb->pubs[i].nprefixes; k++)
			if (strlen(kb->pubs[i].prefixes[k]) == plen && !strncmp(kb->pubs[i].prefixes[k], doi, plen))
				return (long)i;
	return -1;
}

long hl_kb_study_by_doi(const hl_kb *kb, const char *doi, size_t n)
{
	size_t i;

	for (i = 0; i < kb->nstudies; i++)
		if (kb->studies[i].doi && strlen(kb->studies[i].doi) == n && !strncasecmp(kb->studies[i].doi, doi, n))
			return (long)i;
	return -1;
}

static int cmp_len_desc(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
	return la < lb ? 1 : la > lb ? -1 : strcmp(*(char *const *)a, *(char *const *)b);
}

/* The code point that begins s (UTF-8), or 0 when it is not one a name is sure to begin
 * with as written: an apostrophe, a hyphen or a space match other characters too. */
static unsigned long first_cp(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;

	if (hl_utf8_len(u, strlen(s)) == 0 || u[0] == '\'' || u[0] == '-' || u[0] == ' ')
		return 0;
	return hl_utf8_cp(u, &len);
}

/*
 * The journal names (longest first) as one alternation, grouped by first character:
 * (?:(?=\x{54})(?:The Lancet|The BMJ|...)|(?=\x{4E})(?:Nature Medicine|Nature|...)|...).
 * At any position only the group of its character can match, and a group keeps the
 * names' order, so the first name that matches is the one the plain list gives; PCRE2
 * tries a few groups instead of every name. When a name may begin with more than one
 * character, the plain list is written.
 */
static void journal_alternation(hl_buf *all, char **names, size_t n)
{
	unsigned long *cp = hl_calloc(n + 1, sizeof *cp);
	unsigned char *done = hl_calloc(n + 1, 1);
	size_t i, k;
	int plain = 0;

	for (i = 0; i < n; i++)
		if ((cp[i] = first_cp(names[i])) == 0)
			plain = 1;
	for (i = 0; i < n; i++) {
		if (plain) {
			hl_buf_adds(all, i ? "|" : "");
			word_regex(all, names[i]);
			continue;
		}
		if (done[i])
			continue;
		hl_buf_addf(all, "%s(?=\\x{%lX})(?:", all->len ? "|" : "(?:", cp[i]);
		for (k = i; k < n; k++)
			if (!done[k] && cp[k] == cp[i]) {
				hl_buf_adds(all, k > i ? "|" : "");
				word_regex(all, names[k]);
				done[k] = 1;
			}
		hl_buf_addc(all, ')');
	}
	if (!plain)
		hl_buf_addc(all, ')');
	free(cp);
	free(done);
}

static void kb_resolve(compiler *C)
{
	hl_kb *kb = &C->rules->kb;
	lstate *st = state(C->rules);
	char **names = NULL;
	size_t nnames = 0, cap = 0, i, j, k;

	kb_index_names(kb);
	for (i = 0; i < kb->npubs; i++)
		for (j = 0; j < i; j++)
			if (kb->pubs[i].id && kb->pubs[j].id && !strcmp(kb->pubs[i].id, kb->pubs[j].id))
				kerr(C, kb->pubs[i].file, kb->pubs[i].line, kb->pubs[i].col,
				     "duplicate publisher id '%s'", kb->pubs[i].id);
	for (i = 0; i < kb->njournals; i++) {
		hl_journal *jn = &kb->journals[i];
		for (j = 0; j <= jn->nvariants; j++) {
			const char *name = j == 0 ? jn->name : jn->variants[j - 1];
			long other;
			if (name == NULL)
				continue;
			other = hl_kb_journal(kb, name, strlen(name));
			if (other >= 0 && other != (long)i)
				kerr(C, jn->file, jn->line, jn->col, "journal '%s': the name '%s' already belongs to journal '%s'",
				     jn->name ? jn->name : "?", name, kb->journals[other].name);
			HL_GROW(names, cap, nnames + 1);
			names[nnames++] = (char *)name;
		}
		jn->publisher = (size_t)-1;
		for (k = 0; k < kb->npubs && jn->publisher_id; k++)
			if (kb->pubs[k].id && !strcmp(kb->pubs[k].id, jn->publisher_id))
				jn->publisher = k;
		if (jn->publisher == (size_t)-1)
			kerr(C, jn->file, jn->line, jn->col, "journal '%s' names unknown publisher '%s'",
			     jn->name ? jn->name : "?", jn->publisher_id ? jn->publisher_id : "?");
		for (k = 0; k < jn->nsame_as; k++)
			if (hl_kb_journal(kb, jn->same_as[k], strlen(jn->same_as[k])) < 0)
				kerr(C, jn->file, jn->line, jn->col, "journal '%s': same-as names unknown journal '%s'",
				     jn->name ? jn->name : "?", jn->same_as[k]);
	}
	for (i = 0; i < kb->nstudies; i++) {
		hl_study *t = &kb->studies[i];
		long jx = t->journal_name ? hl_kb_journal(kb, t->journal_name, strlen(t->journal_name)) : -1;
		for (j = 0; j < i; j++)
			if (t->id && kb->studies[j].id && !strcmp(t->id, kb->studies[j].id))
				kerr(C, t->file, t->line, t->col, "duplicate study id '%s'", t->id);
		if (jx < 0)
			kerr(C, t->file, t->line, t->col, "study '%s' names unknown journal '%s'", t->id ? t->id : "?",
			     t->journal_name ? t->journal_name : "?");
		t->journal = jx < 0 ? 0 : (size_t)jx;
		if (st->topics[i].n > 0) {
			hl_rule fake;
			memset(&fake, 0, sizeof fake);
			fake.id = t->id ? t->id : "?";
			fake.loc.file = t->file;
			t->topic = compile_list(C, &fake, &st->topics[i], 0, NULL, &t->topic_src, &t->topic_items,
						&t->ntopic_items, NULL);
		}
	}
	/* every journal name, longest first, case-sensitive; and the set @journal for rules */
	if (nnames > 0) {
		hl_buf all = HL_BUF_INIT;
		int ec;
		PCRE2_SIZE off;
		pset set;
		qsort(names, nnames, sizeof *names, cmp_len_desc);
		memset(&set, 0, sizeof set);
		journal_alternation(&all, names, nnames);
		for (i = 0; i < nnames; i++) {
			HL_GROW(set.items.v, set.items.cap, set.items.n + 1);
			set.items.v[set.items.n++] = (pat){hl_strdup(names[i]), {NULL, 0, 0}, 0, 0, 1};
		}
		kb->journal_re = compile1(all.s, PCRE2_UTF | PCRE2_UCP, &ec, &off);
		memset(kb->journal_first, 0xff, sizeof kb->journal_first);
		if (kb->journal_re != NULL) {
			const uint8_t *bits = NULL;
			kb->journal_src = hl_buf_detach(&all);
			/* PCRE2's own start bitmap, when it made one: the names begin with capitals,
			 * and most of their start words' candidates ("the", "new") do not */
			if (pcre2_pattern_info(kb->journal_re, PCRE2_INFO_FIRSTBITMAP, &bits) == 0 && bits != NULL)
				memcpy(kb->journal_first, bits, sizeof kb->journal_first);
		}
		hl_buf_release(&all);
		if (find_set(st, "journal") == NULL) {
			set.name = hl_strdup("journal");
			HL_GROW(st->sets, st->sets_cap, st->nsets + 1);
			st->sets[st->nsets++] = set;
		} else
			patlist_release(&set.items);
	}
	free(names);
}

/* ---- JIT compilation once a regex has been matched enough (see hl_rules_jit_late) ---- */

typedef struct hl_jit_queue {
	pcre2_code **v;      /* the regexes queued, with repeats */
	char **src;          /* the source of each (owned) */
	uint32_t *opts;      /* and its compile options */
	size_t n, cap, src_cap, opts_cap;
	size_t waiting;      /* entries not done */
} hl_jit_queue;

/* Queue a regex that runs as it is, compiled from src, for JIT compilation (NULL: nothing
 * to do). */
static void jit(hl_rules *rules, pcre2_code *code, const char *src)
{
	hl_jit_queue *q = rules->jitq;

	if (code == NULL || !hl_use_jit())
		return;
	if (q == NULL)
		q = rules->jitq = hl_calloc(1, sizeof *q);
	HL_GROW(q->v, q->cap, q->n + 1);
	HL_GROW(q->src, q->src_cap, q->n + 1);
	HL_GROW(q->opts, q->opts_cap, q->n + 1);
	q->src[q->n] = src != NULL ? hl_strdup(src) : NULL; /* NULL: it gets no twin */
	q->opts[q->n] = 0;
	(void)pcre2_pattern_info(code, PCRE2_INFO_ARGOPTIONS, &q->opts[q->n]);
	q->v[q->n++] = code;
}

/* The look-up table: each regex of the queue once, at its hash or the first free slot after. */
static void jit_queue_seal(hl_rules *rules)
{
	hl_jit_queue *q = rules->jitq;
	hl_jit_table *t = &rules->jit;
	size_t i;

	if (q == NULL)
		return;
	for (t->mask = 15; t->mask < 4 * q->n; t->mask = 2 * t->mask + 1)
		;
	t->key = hl_calloc(t->mask + 1, sizeof *t->key);
	t->state = hl_calloc(t->mask + 1, sizeof *t->state);
	t->uses = hl_calloc(t->mask + 1, sizeof *t->uses);
	t->src = hl_calloc(t->mask + 1, sizeof *t->src);
	t->opts = hl_calloc(t->mask + 1, sizeof *t->opts);
	t->twin = hl_calloc(t->mask + 1, sizeof *t->twin);
	t->tstate = hl_calloc(t->mask + 1, sizeof *t->tstate);
	t->tuses = hl_calloc(t->mask + 1, sizeof *t->tuses);
	for (i = 0; i < q->n; i++) {
		size_t h = hl_jit_hash(t, q->v[i]);
		while (t->key[h] != NULL && t->key[h] != q->v[i])
			h = (h + 1) & t->mask;
		if (t->key[h] == NULL) {
			q->waiting++;
			t->key[h] = q->v[i];
			t->src[h] = q->src[i];
			t->opts[h] = q->opts[i];
			if (t->src[h] == NULL) /* no twin: as if it could not be made */
				atomic_store_explicit(&t->tstate[h], HL_JIT_DONE, memory_order_relaxed);
		} else
			free(q->src[i]); /* a repeat */
	}
	free(q->v);
	free(q->src);
	free(q->opts);
	q->v = NULL;
	q->src = NULL;
	q->opts = NULL;
	q->n = q->cap = q->src_cap = q->opts_cap = 0;
}

static void jit_queue_free(hl_rules *rules)
{
	hl_jit_queue *q = rules->jitq;
	size_t i;

	if (rules->jit.plain != NULL)
		for (i = 0; i <= rules->jit.mask; i++)
			pcre2_code_free(rules->jit.plain[i]);
	if (rules->jit.key != NULL)
		for (i = 0; i <= rules->jit.mask; i++) {
			free(rules->jit.src[i]);
			pcre2_code_free(rules->jit.twin[i]);
		}
	free(rules->jit.plain);
	free((void *)rules->jit.key);
	free(rules->jit.state);
	free(rules->jit.uses);
	free(rules->jit.src);
	free(rules->jit.opts);
	free(rules->jit.twin);
	free(rules->jit.tstate);
	free(rules->jit.tuses);
	memset(&rules->jit, 0, sizeof rules->jit);
	if (q == NULL)
		return;
	for (i = 0; i < q->n; i++)
		free(q->src[i]);
	free(q->src);
	free(q->opts);
	free(q->v);
	free(q);
	rules->jitq = NULL;
}

int hl_rules_jit_late(const hl_rules *rules, const pcre2_code *re)
{
	long h;
	int ok;

	if (rules->jitq == NULL || rules->jitq->waiting == 0 || (h = hl_jit_slot(&rules->jit, re)) < 0 ||
	    atomic_load_explicit(&rules->jit.state[h], memory_order_relaxed) != HL_JIT_WAITING)
		return 0;
	if (atomic_fetch_add_explicit(&rules->jit.uses[h], 1, memory_order_relaxed) + 1 < rules->jit_after)
		return 0;
	rules->jitq->waiting--;
	/* on failure the regex stays with the interpreter */
	ok = pcre2_jit_compile((pcre2_code *)rules->jit.key[h], PCRE2_JIT_COMPLETE) == 0;
	atomic_store_explicit(&rules->jit.state[h], HL_JIT_DONE, memory_order_relaxed);
	return ok;
}

void hl_rules_jit_share(hl_rules *rules)
{
	hl_jit_table *t = &rules->jit;
	size_t i;

	if (t->key == NULL || rules->jit_shared)
		return;
	t->plain = hl_calloc(t->mask + 1, sizeof *t->plain);
	for (i = 0; i <= t->mask; i++)
		if (t->key[i] != NULL && atomic_load_explicit(&t->state[i], memory_order_relaxed) != HL_JIT_DONE &&
		    (t->plain[i] = pcre2_code_copy(t->key[i])) == NULL)
			hl_oom();
	rules->jit_shared = 1;
}

/* Count a want of what state and uses stand for (a regex's JIT code, or its twin): 1 when
 * it has been wanted after times and this thread is the first to take it from WAITING to
 * BUSY, and so is to make it; else 0 (too soon, being made, or made). */
static int my_turn(atomic_uchar *state, atomic_uint *uses, unsigned after)
{
	unsigned char st = HL_JIT_WAITING;

	return atomic_fetch_add_explicit(uses, 1, memory_order_relaxed) + 1 >= after &&
	       atomic_compare_exchange_strong_explicit(state, &st, HL_JIT_BUSY, memory_order_acquire,
						       memory_order_acquire);
}

const pcre2_code *hl_rules_jit_claim(const hl_rules *rules, long slot)
{
	hl_jit_table *t = (hl_jit_table *)&rules->jit; /* the states change; nothing else does */

	if (my_turn(&t->state[slot], &t->uses[slot], rules->jit_after)) {
		/* this thread compiles it; on failure it stays with the interpreter */
		(void)pcre2_jit_compile((pcre2_code *)t->key[slot], PCRE2_JIT_COMPLETE);
		atomic_store_explicit(&t->state[slot], HL_JIT_DONE, memory_order_release);
		return t->key[slot];
	}
	/* the interpreter, until the regex has been matched enough and compiled */
	return atomic_load_explicit(&t->state[slot], memory_order_acquire) == HL_JIT_DONE ? t->key[slot]
											     : t->plain[slot];
}

const pcre2_code *hl_rules_twin(const hl_rules *rules, long h)
{
	hl_jit_table *t = (hl_jit_table *)&rules->jit; /* the twins change; nothing else does */
	unsigned char st = atomic_load_explicit(&t->tstate[h], memory_order_acquire);
	int ec;
	PCRE2_SIZE off;
	pcre2_code *tw;

	if (st == HL_JIT_DONE)
		return t->twin[h];
	if (st == HL_JIT_BUSY || !my_turn(&t->tstate[h], &t->tuses[h], rules->jit_after))
		return NULL;
	/* this thread makes it: the key's own options, but PCRE2_UCP; none if it fails */
	tw = compile1(t->src[h], t->opts[h] & ~(uint32_t)PCRE2_UCP, &ec, &off);
	if (tw != NULL && pcre2_jit_compile(tw, PCRE2_JIT_COMPLETE) != 0) {
		pcre2_code_free(tw); /* the interpreter on a twin is no faster than the JIT on the key */
		tw = NULL;
	}
	t->twin[h] = tw;
	atomic_store_explicit(&t->tstate[h], HL_JIT_DONE, memory_order_release);
	return tw;
}


/* src compiled with flags and JIT-compiled, from the rules' cache (NULL: does not compile). */
static compiled *cached(hl_rules *rules, const char *src, uint32_t flags)
{
	cache *K = rules->compiled;
	hl_buf key = HL_BUF_INIT;
	size_t i;
	int ec;
	PCRE2_SIZE off;
	pcre2_code *code;

	if (K == NULL)
		K = rules->compiled = hl_calloc(1, sizeof *K);
	hl_buf_addf(&key, "%08lx", (unsigned long)flags);
	hl_buf_adds(&key, src);
	for (i = 0; i < K->n; i++) /* tens of entries, looked up once each at start-up */
		if (!strcmp(K->v[i].key, key.s)) {
			hl_buf_release(&key);
			return &K->v[i];
		}
	if ((code = compile1(src, flags, &ec, &off)) == NULL) {
		hl_buf_release(&key);
		return NULL;
	}
	jit(rules, code, src);
	HL_GROW(K->v, K->cap, K->n + 1);
	K->v[K->n] = (compiled){hl_buf_detach(&key), code, 0};
	return &K->v[K->n++];
}

/* The start keys of src (see hl_start_keys_from_regex), owned by the cache. */
static const hl_triggers *start_keys(hl_rules *rules, const char *src)
{
	cache *K = rules->compiled;
	size_t i;

	if (K == NULL)
		K = rules->compiled = hl_calloc(1, sizeof *K);
	for (i = 0; i < K->nkeys; i++)
		if (!strcmp(K->keys[i].src, src))
			return &K->keys[i].keys;
	HL_GROW(K->keys, K->keys_cap, K->nkeys + 1);
	K->keys[K->nkeys].src = hl_strdup(src);
	hl_start_keys_from_regex(&K->keys[K->nkeys].keys, src);
	return &K->keys[K->nkeys++].keys;
}

static void triggers_copy(hl_triggers *to, const hl_triggers *from)
{
	size_t k;

	memset(to, 0, sizeof *to);
	to->known = from->known;
	to->n = from->n;
	to->words = hl_calloc(from->n + 1, sizeof *to->words);
	for (k = 0; k < from->n; k++)
		to->words[k] = hl_strdup(from->words[k]);
}

/*
 * Give regex src (compiled as *whole) a start slot when its start words are known: *start
 * is set, *anchored gets src compiled anchored (the JIT honours no PCRE2_ANCHORED given at
 * match time; the cache owns it) and the slot's words are added. Else *whole is
 * JIT-compiled, to run as it is.
 */
static void add_start(hl_rules *rules, hl_triggers **slots, size_t *cap, size_t *nslots, const char *src,
		      int caseless, pcre2_code *whole, size_t *start, const pcre2_code **anchored)
{
	compiled *c;

	HL_GROW(*slots, *cap, *nslots + 1);
	triggers_copy(&(*slots)[*nslots], start_keys(rules, src));
	if ((*slots)[*nslots].known &&
	    (c = cached(rules, src, HL_PROSE_FLAGS | PCRE2_ANCHORED | (caseless ? PCRE2_CASELESS : 0))) != NULL) {
		*anchored = c->code;
		*start = ++*nslots - rules->nslots;
		return;
	}
	hl_triggers_release(&(*slots)[*nslots]);
	jit(rules, whole, src);
}

void hl_kb_journal_words(const hl_kb *kb, hl_triggers *t)
{
	size_t i, v;

	memset(t, 0, sizeof *t);
	t->known = 1;
	for (i = 0; i < kb->njournals; i++)
		for (v = 0; v <= kb->journals[i].nvariants; v++) {
			const char *name = v == 0 ? kb->journals[i].name : kb->journals[i].variants[v - 1];
			const char *p = name, *best = NULL;
			size_t bl = 0;
			while (*p) {
				const char *st;
				while (*p && !isalnum((unsigned char)*p))
					p++;
				st = p;
				while (isalnum((unsigned char)*p))
					p++;
				if ((size_t)(p - st) > bl) {
					bl = (size_t)(p - st);
					best = st;
				}
			}
			if (best != NULL) {
				char *w = hl_strndup(best, bl), *q;
				for (q = w; *q; q++)
					*q = (char)tolower((unsigned char)*q);
				t->words = hl_reallocarray(t->words, t->n + 1, sizeof *t->words);
				t->words[t->n++] = w;
			}
		}
}

/* Do sets a and b share a word? */
static int sets_meet(const hl_triggers *a, const hl_triggers *b)
{
	size_t i, k;

	for (i = 0; i < a->n; i++)
		for (k = 0; k < b->n; k++)
			if (!strcmp(a->words[i], b->words[k]))
				return 1;
	return 0;
}

/*
 * Need sets: a regex is tried at each of its start words, and most of those places
 * ("psilocybin") hold no match; a match of a pattern such as "psilocybin ... escitalopram"
 * also needs the second word. For each word set that the first of a list's items (the
 * regexes of a topic, or of a require rule's `when`) requires, the union of it and one set
 * that each other item requires (one that shares a word with it when there is one) is
 * needed by every match of any of them. Those sets that the start words of src (the items
 * joined) do not already give go into out[], at most max of them; the count is returned.
 */
static size_t need_sets(char *const *items, size_t nitems, const char *src, hl_triggers *out, size_t max)
{
	hl_triggers **per = hl_calloc(nitems + 1, sizeof *per), starts;
	size_t *nper = hl_calloc(nitems + 1, sizeof *nper), i, k, j, m, n = 0;

	hl_starts_from_regex(&starts, src);
	for (i = 0; i < nitems; i++) {
		hl_trigger_sets_from_regex(items[i], &per[i], &nper[i]);
		if (nper[i] == 0)
			goto done; /* a pattern without a known set: nothing is needed of all */
	}
	for (k = 0; nitems > 0 && k < nper[0] && n < max; k++) {
		hl_triggers set;
		memset(&set, 0, sizeof set);
		set.known = 1;
		for (i = 0; i < nitems; i++) {
			const hl_triggers *pick = i == 0 ? &per[0][k] : &per[i][0];
			for (j = 0; i > 0 && j < nper[i]; j++)
				if (sets_meet(&per[0][k], &per[i][j])) {
					pick = &per[i][j];
					break;
				}
			for (j = 0; j < pick->n; j++) {
				for (m = 0; m < set.n && strcmp(set.words[m], pick->words[j]); m++)
					;
				if (m == set.n) {
					set.words = hl_reallocarray(set.words, set.n + 1, sizeof *set.words);
					set.words[set.n++] = hl_strdup(pick->words[j]);
				}
			}
		}
		/* a set the start words already cover (every start word is one of it) adds nothing */
		for (j = 0; starts.known && j < starts.n; j++) {
			for (m = 0; m < set.n && strcmp(set.words[m], starts.words[j]); m++)
				;
			if (m == set.n)
				break;
		}
		if (starts.known && j == starts.n)
			hl_triggers_release(&set);
		else
			out[n++] = set;
	}
done:
	for (i = 0; i < nitems; i++) {
		for (k = 0; k < nper[i]; k++)
			hl_triggers_release(&per[i][k]);
		free(per[i]);
	}
	free(per);
	free(nper);
	hl_triggers_release(&starts);
	return n;
}

/* The need slots of study t (hl_study.need): its topic regex runs only in a unit that
 * holds a word of each. */
static void topic_needs(hl_rules *rules, hl_study *t, hl_triggers **slots, size_t *cap, size_t *nslots)
{
	hl_triggers sets[sizeof t->need / sizeof t->need[0]];
	size_t n = need_sets(t->topic_items, t->ntopic_items, t->topic_src, sets, sizeof sets / sizeof sets[0]), k;

	for (k = 0; k < n; k++) {
		HL_GROW(*slots, *cap, *nslots + 1);
		(*slots)[*nslots] = sets[k];
		t->need[t->nneed++] = ++*nslots - rules->nslots;
	}
}

/*
 * The need index of require rule r (hl_rule.need_ix). A claim that `when` finds ("ketamine
 * ... works") holds a word of each need set as well as its start word; and when no match
 * can hold some byte (such as the end of a sentence), a match from a start word ends
 * before the first such byte after it, and each word it holds begins before that too.
 * Where no word of a needed set does, `when` need not be tried. The sets are an index of
 * their own, scanned there only: in the main one their words (common ones: "works",
 * "results") would cost every document's scan, for a test that only a page without the
 * words `require` asks for needs.
 */
static void when_needs(hl_rule *r)
{
	hl_triggers sets[64];
	size_t k;

	if (r->when_src == NULL || !hl_regex_stop_bytes(r->when_src, r->stop))
		return;
	r->nneed = need_sets(r->when_split.items, r->when_split.nitems, r->when_src, sets, sizeof sets / sizeof sets[0]);
	if (r->nneed > 0)
		r->need_ix = hl_trigger_index_new(sets, r->nneed);
	for (k = 0; k < r->nneed; k++)
		hl_triggers_release(&sets[k]);
}

/* No parts after all: the whole regex runs. */
static void drop_parts(hl_split *sp)
{
	free(sp->parts);
	sp->parts = NULL;
	sp->nparts = 0;
}

/*
 * Split a yes-or-no regex into its parts (see hl_split) and compile them through the
 * cache; a part's anchored regex gets a start slot (the words added to slots) unless an
 * identical one already has one.
 */
static void split_compile(hl_rules *rules, const hl_rule *r, hl_split *sp, const char *suffix, hl_triggers **slots,
			  size_t *cap, size_t *nslots)
{
	uint32_t flags = HL_RULE_FLAGS(r);
	size_t g, i, k, j;
	int own_done = 0;

	for (g = 0; g < sp->nitems; g++) {
		/* a part: the items of set entry origin[g], or (the first time) every own item */
		int is_set = sp->origin[g] & 1;
		hl_buf anch = HL_BUF_INIT, rest = HL_BUF_INIT;
		hl_triggers words;
		hl_part part = {NULL, NULL, 0, 0};
		if (!is_set && own_done)
			continue;
		if (is_set && g > 0 && sp->origin[g - 1] == sp->origin[g])
			continue;
		if (!is_set)
			own_done = 1;
		memset(&words, 0, sizeof words);
		for (i = g; i < sp->nitems; i++) {
			const hl_triggers *t;
			hl_buf *b;
			if (is_set ? sp->origin[i] != sp->origin[g] : (sp->origin[i] & 1))
				continue;
			t = start_keys(rules, sp->items[i]);
			b = t->known ? &anch : &rest;
			hl_buf_addf(b, "%s(?:%s)", b->len ? "|" : "", sp->items[i]);
			if (t->known) {
				words.words = hl_reallocarray(words.words, words.n + t->n + 1, sizeof *words.words);
				for (k = 0; k < t->n; k++)
					words.words[words.n++] = hl_strdup(t->words[k]);
			}
		}
		if (words.n > 1) { /* each key once */
			qsort(words.words, words.n, sizeof *words.words, hl_cmp_strs);
			for (j = k = 1; k < words.n; k++)
				if (strcmp(words.words[k], words.words[j - 1]))
					words.words[j++] = words.words[k];
				else
					free(words.words[k]);
			words.n = j;
		}
		if (suffix != NULL) { /* what follows every item in the whole regex follows each part */
			wrap(&anch, suffix);
			wrap(&rest, suffix);
		}
		if (rest.len > 0) {
			compiled *c = cached(rules, rest.s, flags);
			part.rest = c ? c->code : NULL;
			part.rest_digit = hl_regex_needs_digit(rest.s);
		}
		if (anch.len > 0) {
			compiled *c = cached(rules, anch.s, flags | PCRE2_ANCHORED);
			if (c != NULL && c->start == 0) {
				HL_GROW(*slots, *cap, *nslots + 1);
				words.known = 1;
				(*slots)[*nslots] = words;
				memset(&words, 0, sizeof words);
				c->start = ++*nslots - rules->nslots;
			}
			if (c != NULL) {
				part.anchored = c->code;
				part.start = c->start;
			}
		}
		hl_triggers_release(&words);
		hl_buf_release(&anch);
		hl_buf_release(&rest);
		if ((anch.len == 0 || part.anchored != NULL) && (rest.len == 0 || part.rest != NULL)) {
			sp->parts = hl_reallocarray(sp->parts, sp->nparts + 1, sizeof *sp->parts);
			sp->parts[sp->nparts++] = part;
		} else { /* cannot happen: each item compiled before */
			drop_parts(sp);
			return;
		}
	}
	/* no part with start words: nothing gained over the whole regex */
	for (i = 0; i < sp->nparts && sp->parts[i].anchored == NULL; i++)
		;
	if (i == sp->nparts)
		drop_parts(sp);
}

static void split_starts(unsigned char *starts, const hl_split *sp)
{
	size_t k;

	for (k = 0; k < sp->nparts; k++)
		if (sp->parts[k].start)
			starts[sp->parts[k].start - 1] = 1;
}

/* Mark the start slots a rule's regexes begin at. */
static void rule_starts(unsigned char *starts, const hl_rule *r)
{
	if (r->start)
		starts[r->start - 1] = 1;
	split_starts(starts, &r->when_split);
	split_starts(starts, &r->unless_split);
	split_starts(starts, &r->require_split);
	split_starts(starts, &r->before_split);
}

/*
 * A long document is scanned first for what the whole-document checks read, then chunk by
 * chunk for the rest (check.c). This marks the slots of each scan: for the first, the
 * trigger slots of whole-document rules and the start slots they read (doc_starts); for
 * the chunks, the other slots. Their indexes are made from the whole one when a long
 * document first needs them (hl_rules_split_indexes).
 */
static void scan_indexes(hl_rules *rules)
{
	size_t n = rules->nslots + rules->nstarts, i, k;
	struct hl_split_ix *sx = hl_calloc(1, sizeof *sx);
	unsigned char *doc = hl_calloc(n + 1, 1), *chunk = hl_calloc(n + 1, 1);
	unsigned char *doc_starts = hl_calloc(rules->nstarts + 1, 1);
	unsigned char *chunk_starts = hl_calloc(rules->nstarts + 1, 1);

	for (i = 0; i < rules->n; i++) {
		const hl_rule *r = &rules->v[i];
		int whole = hl_rule_whole_doc(r);
		for (k = 0; k < r->nslots; k++)
			(whole ? doc : chunk)[r->slot + k] = 1;
		rule_starts(whole ? doc_starts : chunk_starts, r);
	}
	if (rules->kb.journal_start)
		doc_starts[rules->kb.journal_start - 1] = 1;
	if (rules->kb.journal_words_start)
		doc_starts[rules->kb.journal_words_start - 1] = 1;
	for (i = 0; i < rules->kb.nstudies; i++) {
		const hl_study *t = &rules->kb.studies[i];
		if (t->topic_start)
			doc_starts[t->topic_start - 1] = 1;
		for (k = 0; k < t->nneed; k++)
			doc_starts[t->need[k] - 1] = 1;
	}
	for (i = 0; i < rules->nstarts; i++) {
		doc[rules->nslots + i] = doc_starts[i];
		chunk[rules->nslots + i] = chunk_starts[i];
	}
	pthread_mutex_init(&sx->mu, NULL);
	sx->keep[0] = doc;
	sx->keep[1] = chunk;
	rules->split_ix = sx;
	free(doc_starts);
	free(chunk_starts);
}

void hl_rules_split_indexes(const hl_rules *rules, const hl_trigger_index **doc, const hl_trigger_index **chunk)
{
	struct hl_split_ix *sx = rules->split_ix;
	int k;

	pthread_mutex_lock(&sx->mu);
	for (k = 0; k < 2; k++)
		if (sx->ix[k] == NULL)
			sx->ix[k] = hl_trigger_index_subset(rules->triggers, sx->keep[k]);
	*doc = sx->ix[0];
	*chunk = sx->ix[1];
	pthread_mutex_unlock(&sx->mu);
}

int hl_rules_compile(hl_rules *rules, FILE *err)
{
	lstate *st = state(rules);
	compiler C = {rules, err, 0, NULL, 0, 0};
	size_t i, j;

	kb_resolve(&C);

	for (i = 0; i < rules->n; i++) {
		hl_rule *r = &rules->v[i];
		rule_src *rs = &st->rs[i];
		int e0 = C.errors;
		switch (r->kind) {
		case HL_KIND_PATTERN:
			r->match = compile_list(&C, r, &rs->match, 0, NULL, &r->match_src, &r->items, &r->nitems, NULL);
			break;
		case HL_KIND_SWAP: {
			patlist pl = {0};
			for (j = 0; j < r->nswaps; j++) {
				HL_GROW(pl.v, pl.cap, pl.n + 1);
				pl.v[pl.n++] = (pat){r->swaps[j].phrase, r->loc, 0, 0, 1};
			}
			r->match = compile_list(&C, r, &pl, 1, NULL, &r->match_src, NULL, NULL, NULL);
			free(pl.v);
			break;
		}
		case HL_KIND_REQUIRE:
			r->require = compile_list(&C, r, &rs->require, 0, NULL, &r->require_src, &r->require_split.items,
						  &r->require_split.nitems, &r->require_split.origin);
			break;
		case HL_KIND_CITATION:
			break;
		}
		if (rs->when.n)
			r->when = compile_list(&C, r, &rs->when, 0, NULL, &r->when_src, &r->when_split.items,
					       &r->when_split.nitems, &r->when_split.origin);
		if (rs->unless.n)
			r->unless = compile_list(&C, r, &rs->unless, 0, NULL, &r->unless_src, &r->unless_split.items,
						 &r->unless_split.nitems, &r->unless_split.origin);
		if (rs->unless_before.n)
			r->unless_before = compile_list(&C, r, &rs->unless_before, 0, BEFORE_SUFFIX, &r->before_src,
							&r->before_split.items, &r->before_split.nitems,
							&r->before_split.origin);
		if (C.errors == e0 && (r->kind == HL_KIND_PATTERN || r->kind == HL_KIND_SWAP) && r->match == NULL)
			cerr(&C, r, r->loc, "no patterns to match");
	}
	state_release(rules);
	hl_strs_free(C.checked, C.nchecked);
	/* trigger words, so that most sentences skip most regexes: one slot a rule, or one
	 * slot an alternative when every alternative of a pattern rule has triggers */
	if (C.errors == 0) {
		hl_triggers *slots = NULL;
		size_t nslots = 0, cap = 0, k;
		for (i = 0; i < rules->n; i++) {
			hl_rule *r = &rules->v[i];
			const char *src = r->kind == HL_KIND_REQUIRE ? r->when_src : r->match_src;
			if (src != NULL && r->kind != HL_KIND_CITATION)
				hl_triggers_from_regex(&r->triggers, src);
			r->slot = nslots;
			r->nslots = 1;
			if (r->kind == HL_KIND_PATTERN && r->nitems >= 2 && r->nitems <= 64 && r->triggers.known) {
				r->nslots = r->nitems;
				for (k = 0; k < r->nitems; k++) {
					HL_GROW(slots, cap, nslots + 1);
					hl_triggers_from_regex(&slots[nslots], r->items[k]);
					if (!slots[nslots].known)
						r->always |= 1ULL << k;
					nslots++;
				}
			} else {
				HL_GROW(slots, cap, nslots + 1);
				memset(&slots[nslots], 0, sizeof slots[nslots]);
				if (r->triggers.known) /* a copy the index may read */
					triggers_copy(&slots[nslots], &r->triggers);
				nslots++;
			}
		}
		/* start words, after the trigger slots: where each regex that scans a whole
		 * scope can begin to match */
		rules->nslots = nslots;
		for (i = 0; i < rules->n; i++) {
			hl_rule *r = &rules->v[i];
			const char *src = r->kind == HL_KIND_REQUIRE ? r->when_src : r->match_src;
			hl_split *splits[] = {&r->when_split, &r->unless_split, &r->require_split};
			pcre2_code *wholes[] = {r->when, r->unless, r->require};
			const char *srcs[] = {r->when_src, r->unless_src, r->require_src};
			if (r->kind == HL_KIND_CITATION)
				continue;
			if (src != NULL)
				add_start(rules, &slots, &cap, &nslots, src, !r->case_sensitive,
					  r->kind == HL_KIND_REQUIRE ? r->when : r->match, &r->start, &r->anchored);
			if (r->kind == HL_KIND_REQUIRE && r->start)
				when_needs(r);
			/* a split regex's whole still runs on link targets (matches_link) */
			for (k = 0; k < sizeof splits / sizeof splits[0]; k++) {
				split_compile(rules, r, splits[k], NULL, &slots, &cap, &nslots);
				jit(rules, wholes[k], srcs[k]);
			}
			/* the whole runs where the window before a match ends inside a word */
			split_compile(rules, r, &r->before_split, BEFORE_SUFFIX, &slots, &cap, &nslots);
			jit(rules, r->unless_before, r->before_src);
			if (r->nslots > 1 && hl_use_jit()) { /* no regex has been JIT-compiled yet */
				if ((r->match_plain = pcre2_code_copy(r->match)) == NULL ||
				    (r->anchored != NULL && (r->anchored_plain = pcre2_code_copy(r->anchored)) == NULL))
					hl_oom();
			}
		}
		/* the journal names and study topics that the citation checks look for */
		if (rules->kb.journal_src != NULL)
			add_start(rules, &slots, &cap, &nslots, rules->kb.journal_src, 0, rules->kb.journal_re,
				  &rules->kb.journal_start, &rules->kb.journal_anchored);
		for (i = 0; i < rules->kb.nstudies; i++) {
			hl_study *t = &rules->kb.studies[i];
			if (t->topic_src != NULL)
				add_start(rules, &slots, &cap, &nslots, t->topic_src, 1, t->topic, &t->topic_start,
					  &t->topic_anchored);
			if (t->topic_start)
				topic_needs(rules, t, &slots, &cap, &nslots);
		}
		/* the words one of which a unit must hold to name a journal (misattributed) */
		if (rules->kb.njournals > 0) {
			HL_GROW(slots, cap, nslots + 1);
			hl_kb_journal_words(&rules->kb, &slots[nslots]);
			rules->kb.journal_words_start = ++nslots - rules->nslots;
		}
		for (i = 0; i < rules->n && rules->v[i].kind != HL_KIND_CITATION; i++)
			;
		if (i < rules->n && rules->cite_re == NULL) {
			rules->cite_re = hl_cite_compile(&rules->ncite_re);
			for (k = 0; k < rules->ncite_re; k++)
				jit(rules, rules->cite_re[k], hl_cite_source(k));
		}
		cache_drop_keys(rules->compiled);
		jit_queue_seal(rules);
		rules->nstarts = nslots - rules->nslots;
		rules->triggers = hl_trigger_index_new(slots, nslots);
		scan_indexes(rules);
		for (k = 0; k < nslots; k++)
			hl_triggers_release(&slots[k]);
		free(slots);
	}
	return C.errors;
}

int hl_rules_check_examples(const hl_rules *rules, FILE *err)
{
	size_t i;
	int errors = 0;

	for (i = 0; i < rules->n; i++) {
		const hl_rule *r = &rules->v[i];
		size_t j, fire = 0, pass = 0;
		for (j = 0; j < r->nexamples; j++)
			r->examples[j].fire ? fire++ : pass++;
		if (fire == 0 || pass == 0) {
			fprintf(err, "hypelint: %s:%lu:%lu: error: rule '%s': needs examples that must fire and examples that must not (%s missing)\n",
				r->loc.file, r->loc.line, r->loc.col, r->id,
				fire == 0 && pass == 0 ? "both" : fire == 0 ? "'fire'" : "'pass'");
			errors++;
		}
	}
	return errors;
}
