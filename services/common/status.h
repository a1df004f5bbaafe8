/* status: an error's code (gRPC numbering, as in proto/n2gg/v1/common.proto) and a
 * message for humans. Functions that can fail take a `struct status *` and return 0,
 * or a negative number (minus the code) after filling it in. */
#ifndef N2GG_STATUS_H
#define N2GG_STATUS_H

#include <stdarg.h>

enum status_code {
	STATUS_OK = 0,
	STATUS_INVALID_ARGUMENT = 3,
	STATUS_NOT_FOUND = 5,
	STATUS_ALREADY_EXISTS = 6,
	STATUS_PERMISSION_DENIED = 7,
	STATUS_RESOURCE_EXHAUSTED = 8,
	STATUS_FAILED_PRECONDITION = 9,
	STATUS_ABORTED = 10,
	STATUS_UNIMPLEMENTED = 12,
	STATUS_INTERNAL = 13,
	STATUS_UNAVAILABLE = 14,
	STATUS_DEADLINE_EXCEEDED = 4,
	STATUS_UNAUTHENTICATED = 16,
};

struct status {
	enum status_code code;
	char message[512];
};

/* Fills `st` (which may be NULL) and returns -code, so callers can write
 * `return status_fail(st, STATUS_NOT_FOUND, "no school with URN %u", urn);`
 * The message is always valid UTF-8: a byte of a character cut short (by "%.80s" or by
 * the message's size) or not UTF-8 at all becomes '?'. */
int status_fail(struct status *st, enum status_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void status_clear(struct status *st);

/* "NOT_FOUND", "INVALID_ARGUMENT", ... */
const char *status_code_name(enum status_code code);

#endif
