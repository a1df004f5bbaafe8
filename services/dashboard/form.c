/* form: see form.h. */
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "utf8.h"

static int form_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes data[0..n) into a new string; NULL when it holds a NUL byte or is not UTF-8. */
static char *form_decode(const char *data, size_t n)
{
	char *out = malloc(n + 1);
	if (!out)
		abort();
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = data[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%' && i + 2 < n &&
			   form_hex(data[i + 1]) >= 0 && form_hex(data[i + 2]) >= 0) {
			c = (char)(form_hex(data[i + 1]) << 4 | form_hex(data[i + 2]));
			i += 2;
		}
		if (c == '\0') {
			free(out);
			return NULL;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	if (!utf8_valid(out, o)) {
		free(out);
		return NULL;
	}
	return out;
}

static void form_put(struct form *f, char *name, char *value)
{
	if (!name || !value || f->count == FORM_MAX_FIELDS) {
		free(name);
		free(value);
		f->dropped++;
		return;
	}
	f->fields[f->count++] = (struct form_field){name, value};
}

void form_parse(struct form *f, const char *data, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && data[end] != '&')
			end++;
		if (end > i) {
			size_t eq = i;
			while (eq < end && data[eq] != '=')
				eq++;
			form_put(f, form_decode(data + i, eq - i),
				 eq < end ? form_decode(data + eq + 1, end - eq - 1) : form_decode("", 0));
		}
		i = end + 1;
	}
}

static char *form_strdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

void form_add(struct form *f, const char *name, const char *value)
{
	char *n = form_strdup(name), *v = form_strdup(value);
	if (!utf8_valid(n, strlen(n)) || !utf8_valid(v, strlen(v))) {
		free(n);
		free(v);
		f->dropped++;
		return;
	}
	form_put(f, n, v);
}

void form_free(struct form *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->fields[i].name);
		free(f->fields[i].value);
	}
	f->count = f->dropped = 0;
}

const char *form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return "";
}

bool form_has(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return true;
	return false;
}

void form_encode(struct html *h, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c)) {
			html_raw(h, s, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			html_raw(h, e, 3);
		}
	}
}
