/* hypelint.h - the whole tool as one call, for main(), tests and fuzz targets. */
#ifndef HL_HYPELINT_H
#define HL_HYPELINT_H

#include <stdio.h>

#include "rules.h"

#include "datadir.h" /* HL_VERSION, written by the Makefile from the file VERSION */

/* Run hypelint with argv; findings go to out, messages to err. Returns the exit status. */
int hl_main(int argc, char **argv, FILE *out, FILE *err);

/* Check every example of the rules loaded from `paths` (all rules when npaths is 0).
 * Prints failures to err and a summary line to out; returns the number of failures. */
int hl_test_rules(const hl_rules *rules, char **paths, int npaths, FILE *out, FILE *err);

#endif
