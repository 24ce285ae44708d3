/* kb.h - the knowledge base: publishers and their DOI prefixes, journals, landmark studies. */
#ifndef HL_KB_H
#define HL_KB_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

/*
 * Loaded from the .yml files of rules/knowledge with the rules (rules.c) and immutable after
 * hl_rules_compile(). Indices tie the tables together: a journal names its publisher
 * by index, a study its journal. Everything is owned by the hl_kb.
 */
typedef struct hl_publisher {
	char *id, *name, *source;
	char **prefixes;
	size_t nprefixes;
	int questionable;
	const char *file;    /* where it was defined, for messages */
	unsigned long line, col;
} hl_publisher;

typedef struct hl_journal {
	char *name;          /* the NLM-style abbreviation, used in messages */
	char **variants;     /* other spellings */
	size_t nvariants;
	char *publisher_id;
	size_t publisher;    /* index into publishers */
	char **same_as;      /* names of journals that count as this one (a renamed title) */
	size_t nsame_as;
	char *source;
	const char *file;
	unsigned long line, col;
} hl_journal;

typedef struct hl_study {
	char *id, *label, *author, *journal_name, *volume, *issue, *pages, *doi, *population, *source;
	unsigned long years[4];
	size_t nyears;
	size_t journal;      /* index into journals */
	pcre2_code *topic;   /* NULL when the study has no topic patterns */
	char *topic_src;     /* the regex topic was compiled from */
	size_t topic_start;  /* 1 + its start slot (hl_rules), or 0; then topic compiled anchored */
	const pcre2_code *topic_anchored; /* owned by the rules' cache */
	char **topic_items;  /* the topic patterns, sets expanded, one a regex */
	size_t ntopic_items;
	/* 1 + the start slots of word sets that every topic match holds a word of (at most
	 * four; see topic_needs in rules.c): a unit without one cannot match */
	size_t need[4];
	size_t nneed;
	const char *file;
	unsigned long line, col;
} hl_study;

/* A journal name or variant, normalised as hl_kb_journal compares names. */
typedef struct hl_journal_name {
	char *norm;
	size_t journal;
} hl_journal_name;

typedef struct hl_kb {
	hl_publisher *pubs;
	size_t npubs, pubs_cap;
	hl_journal *journals;
	size_t njournals, journals_cap;
	hl_study *studies;
	size_t nstudies, studies_cap;
	pcre2_code *journal_re; /* every journal name and variant, case-sensitive, longest first */
	char *journal_src;      /* the regex journal_re was compiled from */
	size_t journal_start;   /* 1 + its start slot (hl_rules), or 0; then journal_re anchored */
	const pcre2_code *journal_anchored; /* owned by the rules' cache */
	unsigned char journal_first[32]; /* bytes that can begin journal_re's match (all set: any) */
	size_t journal_words_start; /* 1 + the start slot of hl_kb_journal_words, or 0 */
	hl_journal_name *names; /* every name of every journal, by norm then journal */
	size_t nnames;
} hl_kb;

/* The journal whose name or variant is s[0..n) (spacing, dots and a leading "The" ignored), or -1. */
long hl_kb_journal(const hl_kb *kb, const char *s, size_t n);
/* Are journals a and b the same journal (or one renamed as the other)? */
int hl_kb_same_journal(const hl_kb *kb, size_t a, size_t b);
/* The publisher of a DOI ("10.1056/..."), or -1. */
long hl_kb_doi_publisher(const hl_kb *kb, const char *doi, size_t n);
/* The study with this DOI (case-insensitive), or -1. */
long hl_kb_study_by_doi(const hl_kb *kb, const char *doi, size_t n);

#endif
