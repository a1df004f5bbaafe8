/* html: see html.h. */
#include "html.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

void html_init(struct html *h)
{
	h->data = NULL;
	h->len = h->cap = 0;
}

void html_free(struct html *h)
{
	free(h->data);
	html_init(h);
}

char *html_take(struct html *h, size_t *len)
{
	if (!h->data)
		html_raw(h, "", 0);
	char *d = h->data;
	if (len)
		*len = h->len;
	html_init(h);
	return d;
}

static void html_reserve(struct html *h, size_t more)
{
	if (h->len + more + 1 <= h->cap)
		return;
	size_t cap = h->cap ? h->cap : 1024;
	while (cap < h->len + more + 1)
		cap *= 2;
	char *d = realloc(h->data, cap);
	if (!d)
		abort();
	h->data = d;
	h->cap = cap;
}

void html_raw(struct html *h, const char *s, size_t n)
{
	html_reserve(h, n);
	if (n)
		memcpy(h->data + h->len, s, n);
	h->len += n;
	h->data[h->len] = '\0';
}

void html_str(struct html *h, const char *s)
{
	if (s)
		html_raw(h, s, strlen(s));
}

void html_text(struct html *h, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *ent;
		switch (*s) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		html_raw(h, run, (size_t)(s - run));
		html_str(h, ent);
		run = s + 1;
	}
	html_raw(h, run, (size_t)(s - run));
}

/* One number conversion through snprintf: `spec` is the whole "%...X" text. */
static void html_number(struct html *h, const char *spec, int lmods, char conv, va_list *ap)
{
	char buf[64];
	int n;
	if (conv == 'f' || conv == 'g')
		n = snprintf(buf, sizeof buf, spec, va_arg(*ap, double));
	else if (conv == 'c')
		n = snprintf(buf, sizeof buf, spec, va_arg(*ap, int));
	else if (conv == 'd' || conv == 'i')
		n = lmods == 'z'   ? snprintf(buf, sizeof buf, spec, va_arg(*ap, ssize_t))
		    : lmods == 2   ? snprintf(buf, sizeof buf, spec, va_arg(*ap, long long))
		    : lmods == 1   ? snprintf(buf, sizeof buf, spec, va_arg(*ap, long))
				   : snprintf(buf, sizeof buf, spec, va_arg(*ap, int));
	else
		n = lmods == 'z'   ? snprintf(buf, sizeof buf, spec, va_arg(*ap, size_t))
		    : lmods == 2   ? snprintf(buf, sizeof buf, spec, va_arg(*ap, unsigned long long))
		    : lmods == 1   ? snprintf(buf, sizeof buf, spec, va_arg(*ap, unsigned long))
				   : snprintf(buf, sizeof buf, spec, va_arg(*ap, unsigned));
	if (n > 0)
		html_raw(h, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void html_vfmt(struct html *h, const char *fmt, va_list ap)
{
	va_list args;
	va_copy(args, ap);
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			html_str(h, p);
			break;
		}
		html_raw(h, p, (size_t)(pct - p));
		const char *q = pct + 1;
		if (*q == '%') {
			html_raw(h, "%", 1);
			p = q + 1;
			continue;
		}
		while (*q && strchr("-+ #0123456789.", *q))
			q++;
		int lmods = 0;
		if (*q == 'z') {
			lmods = 'z';
			q++;
		}
		while (*q == 'l') {
			lmods++;
			q++;
		}
		char conv = *q;
		if (!conv)
			break;
		if (conv == 's') {
			html_text(h, va_arg(args, const char *));
		} else if (conv == 'r') {
			html_str(h, va_arg(args, const char *));
		} else if (strchr("diuxcfg", conv)) {
			char spec[32];
			size_t n = (size_t)(q - pct) + 1;
			if (n >= sizeof spec)
				n = sizeof spec - 1;
			memcpy(spec, pct, n);
			spec[n] = '\0';
			html_number(h, spec, lmods, conv, &args);
		}
		p = q + 1;
	}
	va_end(args);
}

void html_fmt(struct html *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	html_vfmt(h, fmt, ap);
	va_end(ap);
}

