/* report.h - printing findings as compiler-style diagnostics. */
#ifndef HL_REPORT_H
#define HL_REPORT_H

#include <stdio.h>

#include "output.h"

typedef struct hl_report_opts {
	int color;    /* ANSI colours */
	int excerpt;  /* source line and underline after each finding */
} hl_report_opts;

/* "FILE:LINE:COL: severity: message [rule-id]", then the excerpt and any notes. */
void hl_report_gcc(FILE *out, const hl_source *src, const hl_results *r, const hl_report_opts *o);

#endif
