/* log: logfmt to stderr (see log.h). One fprintf per line so lines never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *log_service = "n2gg";
static enum log_level log_min = LOG_INFO;

void log_init(const char *service, enum log_level min_level)
{
	log_service = service;
	log_min = min_level;
}

int log_level_parse(const char *name)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

static bool log_is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Backslash is quoted too, though logfmt would allow it bare: readers that unescape bare
 * values would otherwise take "a\nb" (a path on Windows shares, say) for a newline. */
static bool log_needs_quotes(const char *v)
{
	if (!*v)
		return true;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p == ' ' || *p == '=' || *p == '"' || *p == '\\' || log_is_control(*p))
			return true;
	return false;
}

/* How many bytes the UTF-8 character starting at p takes (1 for a stray byte), so a cut
 * never splits one. */
static unsigned log_char_len(const unsigned char *p)
{
	unsigned n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
	for (unsigned i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return i;
	return n;
}

static const char *log_quote_into(char *buf, unsigned size, const char *value, bool always)
{
	if (!value)
		value = "";
	if (size < 3) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	size_t len = strlen(value);
	if (!always && !log_needs_quotes(value) && len < size) {
		memcpy(buf, value, len + 1);
		return buf;
	}
	/* room kept for "..." (when cut), the closing quote and the NUL */
	unsigned o = 0, end = size >= 6 ? size - 5 : size - 2;
	buf[o++] = '"';
	const unsigned char *p = (const unsigned char *)value;
	while (*p) {
		char esc[7];
		unsigned n;
		if (*p == '"' || *p == '\\')
			n = (unsigned)snprintf(esc, sizeof esc, "\\%c", *p);
		else if (*p == '\n')
			n = (unsigned)snprintf(esc, sizeof esc, "\\n");
		else if (*p == '\r')
			n = (unsigned)snprintf(esc, sizeof esc, "\\r");
		else if (*p == '\t')
			n = (unsigned)snprintf(esc, sizeof esc, "\\t");
		else if (log_is_control(*p))
			n = (unsigned)snprintf(esc, sizeof esc, "\\u%04x", *p);
		else
			n = 0;
		unsigned take = n ? 1 : log_char_len(p);
		unsigned out = n ? n : take;
		/* the whole rest fits without the "..." reserve? then use it */
		bool last = p[take] == '\0';
		if (o + out > (last ? size - 2 : end)) {
			if (size >= 6) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(buf + o, n ? esc : (const char *)p, out);
		o += out;
		p += take;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

const char *log_quote(char *buf, unsigned size, const char *value)
{
	return log_quote_into(buf, size, value, false);
}

const char *log_enum_name(char *buf, unsigned size, const ProtobufCEnumDescriptor *desc,
			  int value)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(desc, value);
	if (v)
		return v->name;
	snprintf(buf, size, "%d", value);
	return buf;
}

void log_emit(enum log_level level, const char *msg, const char *kv_fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (level < log_min)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char when[32], quoted[1024], small[2048] = "";
	char *kv = small;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	if (kv_fmt && kv_fmt[0]) {
		/* never cut: a cut inside a quoted value would leave the line unparseable */
		va_list ap, again;
		va_start(ap, kv_fmt);
		va_copy(again, ap);
		small[0] = ' ';
		int n = vsnprintf(small + 1, sizeof small - 1, kv_fmt, ap);
		if (n >= (int)sizeof small - 1) {
			char *big = malloc((size_t)n + 2);
			if (big) {
				big[0] = ' ';
				vsnprintf(big + 1, (size_t)n + 1, kv_fmt, again);
				kv = big;
			} else {
				snprintf(small, sizeof small, " log_kv=\"(out of memory)\"");
			}
		} else if (n < 0) {
			snprintf(small, sizeof small, " log_kv=\"(cannot format)\"");
		}
		va_end(again);
		va_end(ap);
	}
	/* the message is always quoted, as readers grep for msg="..." */
	fprintf(stderr, "time=%s.%03ldZ level=%s service=%s msg=%s%s\n", when, ts.tv_nsec / 1000000,
		names[level], log_service, log_quote_into(quoted, sizeof quoted, msg, true), kv);
	if (kv != small)
		free(kv);
}
