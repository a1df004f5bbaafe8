/* log: logfmt lines on stderr, one per event:
 *   time=2026-11-22T22:49:51.123Z level=info service=registry msg="imported GIAS file" rows=420
 * The message is quoted and escaped here; the key=value part is a printf format the caller
 * writes. Every string value that is not a fixed word goes through log_str() (or
 * log_quote()), never `key=\"%s\"`: a value holding a quote, a backslash or a newline
 * would otherwise end the value early or split the line, and log readers would see keys
 * that are not there. Enums are logged by name with log_enum(). */
#ifndef N2GG_LOG_H
#define N2GG_LOG_H

#include <protobuf-c/protobuf-c.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_init(const char *service, enum log_level min_level);
/* "debug", "info", "warn", "error"; -1 when unknown. */
int log_level_parse(const char *name);

void log_emit(enum log_level level, const char *msg, const char *kv_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* `value` as a logfmt value, written into buf (returned): as it is when it needs no quotes,
 * else quoted, with `"` as \", `\` as \\, newline, return and tab as \n, \r, \t and other
 * control characters as \u00XX. Quoted when empty or holding a space, '=', '"', '\' or a
 * control character. NULL is logged as "". A value too long for buf is cut at a
 * character's end and ends in "..." inside the quotes. */
const char *log_quote(char *buf, unsigned size, const char *value);

/* The value's buffer for log_str(): a status message (512 bytes) fits quoted unless it is
 * mostly quotes and backslashes. */
#define LOG_STR_SIZE 1024
/* log_quote() into a buffer that lives until the end of the enclosing statement's block, for
 * use in a log call's arguments:  log_warn("...", "file=%s", log_str(path)); */
#define log_str(value) log_quote((char[LOG_STR_SIZE]){0}, LOG_STR_SIZE, (value))

/* An enum value's name in its .proto ("RECIPIENT_HEADTEACHER"), or its number when the
 * descriptor has no such value (a newer peer's, or a corrupt one). */
const char *log_enum_name(char *buf, unsigned size, const ProtobufCEnumDescriptor *desc,
			  int value);
#define log_enum(desc, value) log_enum_name((char[16]){0}, 16, (desc), (int)(value))

#define log_debug(msg, ...) log_emit(LOG_DEBUG, msg, __VA_ARGS__)
#define log_info(msg, ...) log_emit(LOG_INFO, msg, __VA_ARGS__)
#define log_warn(msg, ...) log_emit(LOG_WARN, msg, __VA_ARGS__)
#define log_error(msg, ...) log_emit(LOG_ERROR, msg, __VA_ARGS__)

#endif
