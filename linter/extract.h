/* extract.h - turning a source file (text, HTML, Markdown) into a document. */
#ifndef HL_EXTRACT_H
#define HL_EXTRACT_H

#include <stdio.h>

#include "doc.h"

/* ORDER: hl_format and format_names[] in extract.c */
enum hl_format { HL_FMT_AUTO, HL_FMT_TEXT, HL_FMT_HTML, HL_FMT_MARKDOWN };

/* The format named by s ("text", "html", "markdown"), or -1. */
int hl_format_parse(const char *s);
/* The format a file name's extension implies; text when it implies none. */
enum hl_format hl_format_of_path(const char *path);
/* Does a directory walk lint files with this name? */
int hl_format_is_lintable(const char *path);

/* Build doc (already initialised on src) from src in format fmt, and finish it. */
void hl_extract(hl_doc *doc, enum hl_format fmt);
void hl_extract_text(hl_doc *doc);
void hl_extract_html(hl_doc *doc);
void hl_extract_markdown(hl_doc *doc);

#endif
