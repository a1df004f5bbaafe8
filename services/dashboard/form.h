/* form: the fields of an application/x-www-form-urlencoded body or a URL's query, as a
 * browser sends them: name=value pairs joined by '&', '+' for a space and %XX for a byte.
 * A field whose name or value does not decode to UTF-8 without NUL bytes is dropped (the
 * form then fails validation where it is used, with a message, never a crash). Pure. */
#ifndef N2GG_DASH_FORM_H
#define N2GG_DASH_FORM_H

#include <stdbool.h>
#include <stddef.h>

#define FORM_MAX_FIELDS 64

struct form_field {
	char *name, *value;    /* decoded, NUL-terminated */
};

struct form {
	struct form_field fields[FORM_MAX_FIELDS];
	size_t count;
	size_t dropped;        /* fields past FORM_MAX_FIELDS, or not UTF-8 */
};

/* Parses `data` (len bytes, need not be NUL-terminated); the strings are malloc'd. */
void form_parse(struct form *f, const char *data, size_t len);
/* Adds one decoded field (a copy of each string), as MHD hands over query arguments. */
void form_add(struct form *f, const char *name, const char *value);
void form_free(struct form *f);

/* The first value of `name`, or "" when absent (so a missing field reads as an empty one). */
const char *form_get(const struct form *f, const char *name);
bool form_has(const struct form *f, const char *name);

/* Writes `s` percent-encoded for a URL's query (unreserved characters as they are). */
struct html;
void form_encode(struct html *h, const char *s);

#endif
