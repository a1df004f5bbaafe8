/* log: logfmt lines on stderr, one per event:
 *   time=2026-11-22T22:49:51.123Z level=info service=registry msg="imported GIAS file" rows=420
 * The message is quoted and escaped here; the key=value part is a printf format the caller
 * writes, quoting any value that may hold spaces with log_quote(). */
#ifndef N2GG_LOG_H
#define N2GG_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_init(const char *service, enum log_level min_level);
/* "debug", "info", "warn", "error"; -1 when unknown. */
int log_level_parse(const char *name);

void log_emit(enum log_level level, const char *msg, const char *kv_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Quotes and escapes `value` for a logfmt value into buf (returned). */
const char *log_quote(char *buf, unsigned size, const char *value);

#define log_debug(msg, ...) log_emit(LOG_DEBUG, msg, __VA_ARGS__)
#define log_info(msg, ...) log_emit(LOG_INFO, msg, __VA_ARGS__)
#define log_warn(msg, ...) log_emit(LOG_WARN, msg, __VA_ARGS__)
#define log_error(msg, ...) log_emit(LOG_ERROR, msg, __VA_ARGS__)

#endif
