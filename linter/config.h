/* config.h - .hypelint.yml: extra packs, rules on and off, severities, ignored files,
 * per-glob overrides and the fail-on level of a content repository. */
#ifndef HL_CONFIG_H
#define HL_CONFIG_H

#include <stdio.h>

#include "rules.h"

#define HL_CONFIG_NAME ".hypelint.yml"

/* Rule settings: of the whole file, or of one override (with the globs it applies to). */
typedef struct hl_cfg_set {
	char **globs;           /* overrides: the files it applies to */
	size_t nglobs;
	char **ids;             /* enable / disable */
	int *on;
	hl_loc *id_locs;
	size_t nids;
	char **sev_ids;         /* severity: rule -> level */
	enum hl_severity *sev;
	hl_loc *sev_locs;
	size_t nsev;
} hl_cfg_set;

typedef struct hl_config {
	char *path;             /* as found */
	char *dir;              /* its directory, absolute and resolved: globs are relative to it */
	char **packs;           /* extra rule packs, resolved against dir */
	hl_loc *pack_locs;
	size_t npacks;
	char **ignore;          /* globs of files not to lint */
	size_t nignore;
	int has_fail_on;
	enum hl_severity fail_on;
	hl_cfg_set base;
	hl_cfg_set *overrides;
	size_t noverrides;
	size_t *ranges;         /* rules [lo, hi) loaded from its packs, as pairs */
	size_t nranges;
} hl_config;

/*
 * Read a configuration file. Problems are printed as "hypelint: FILE:LINE:COL:
 * error: ..."; returns NULL when there were any (the number goes to *errors).
 */
hl_config *hl_config_load(const char *path, FILE *err, int *errors);
/* Check that every rule id it names exists. Returns the number of errors. */
int hl_config_check_ids(const hl_config *c, const hl_rules *rules, FILE *err);
/* The nearest .hypelint.yml in the directory of file or above it (file "-": the
 * working directory); a new string, or NULL when there is none. */
char *hl_config_find(const char *file);
/* file relative to c's directory (as given when it is not below it): what globs match. */
char *hl_config_rel(const hl_config *c, const char *file);
/* Whether a file (rel, from hl_config_rel) matches one of c's ignore globs. */
int hl_config_ignores(const hl_config *c, const char *rel);
/*
 * The rules a file (rel, from hl_config_rel) gets under c (NULL: no configuration): enabled[i] and sev[i]
 * for rule i, from the rules' own settings, then the file's, then every override
 * whose globs match, in order. Rules marked in from_config (loaded for some
 * configuration's packs; NULL: none) are off unless they came from c's own packs.
 */
void hl_config_profile(const hl_config *c, const hl_rules *rules, const unsigned char *from_config,
		       const char *rel, unsigned char *enabled, enum hl_severity *sev);
void hl_config_free(hl_config *c);

/* Glob match with "**" (any number of directories), "*", "?" and "[...]" (exposed for tests). */
int hl_glob_match(const char *pattern, const char *path);

#endif
