/* html: the growing text buffer every page, CSV file and SVG chart is written into, and the
 * one place text becomes markup. html_fmt() escapes every %s argument, so a value from the
 * read model (a school's name, a partner's report) can only ever be text on a page; markup
 * the dashboard writes itself goes in the format string or, when it is built elsewhere,
 * through %r. Pure: no I/O. Running out of memory aborts, as the arena does. */
#ifndef N2GG_DASH_HTML_H
#define N2GG_DASH_HTML_H

#include <stdarg.h>
#include <stddef.h>

struct html {
	char *data;     /* NUL-terminated while not NULL */
	size_t len, cap;
};

void html_init(struct html *h);
void html_free(struct html *h);
/* Hands the text over (the caller frees it) and leaves h empty. */
char *html_take(struct html *h, size_t *len);

/* Appends bytes / a string as they are (trusted markup, CSV, a file). */
void html_raw(struct html *h, const char *s, size_t n);
void html_str(struct html *h, const char *s);
/* Appends `s` escaped for text and attribute values: & < > " ' become entities. NULL is "". */
void html_text(struct html *h, const char *s);

/* printf with these conversions: %s (escaped as html_text), %r (a string as it is), %c,
 * %d %i %u %x with the length modifiers l, ll and z, %f/%g with a precision, %%. A width or
 * flag is passed on to printf for the numbers. */
void html_fmt(struct html *h, const char *fmt, ...);
void html_vfmt(struct html *h, const char *fmt, va_list ap);

#endif
