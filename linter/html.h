/* html.h - HTML helpers shared by the HTML and Markdown extractors. */
#ifndef HL_HTML_H
#define HL_HTML_H

#include <stddef.h>

#include "doc.h"

/* Decode the entity at s ("&amp;", "&#8217;"): UTF-8 into out, returns bytes read or 0. */
size_t hl_html_entity(const char *s, size_t n, char out[8], size_t *outlen);
/* Extract the HTML in source bytes [start, end) into doc. */
void hl_html_region(hl_doc *doc, size_t start, size_t end);

#endif
