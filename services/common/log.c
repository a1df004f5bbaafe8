/* log: logfmt to stderr (see log.h). One fprintf per line so lines never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
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

const char *log_quote(char *buf, unsigned size, const char *value)
{
	unsigned o = 0;
	if (size < 3) {
		buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (const char *p = value; *p && o + 3 < size; p++) {
		if (*p == '"' || *p == '\\') {
			buf[o++] = '\\';
			buf[o++] = *p;
		} else if (*p == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else {
			buf[o++] = *p;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
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
	char when[32], quoted[1024], kv[2048] = "";
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	if (kv_fmt && kv_fmt[0]) {
		va_list ap;
		va_start(ap, kv_fmt);
		kv[0] = ' ';
		vsnprintf(kv + 1, sizeof kv - 1, kv_fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "time=%s.%03ldZ level=%s service=%s msg=%s%s\n", when, ts.tv_nsec / 1000000,
		names[level], log_service, log_quote(quoted, sizeof quoted, msg), kv);
}
