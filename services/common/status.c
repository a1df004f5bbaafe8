/* status: error codes and messages for humans (see status.h). */
#include "status.h"

#include <stdio.h>

#include "utf8.h"

int status_fail(struct status *st, enum status_code code, const char *fmt, ...)
{
	if (st) {
		va_list ap;
		st->code = code;
		va_start(ap, fmt);
		vsnprintf(st->message, sizeof st->message, fmt, ap);
		va_end(ap);
		/* A message travels in proto3 string fields, which must be UTF-8 (a Python
		 * client refuses the whole reply otherwise), yet it quotes input with "%.80s",
		 * which can cut a character in two, and may quote bytes a client sent unchecked. */
		utf8_repair(st->message);
	}
	return -(int)code;
}

void status_clear(struct status *st)
{
	st->code = STATUS_OK;
	st->message[0] = '\0';
}

const char *status_code_name(enum status_code code)
{
	switch (code) {
	case STATUS_OK: return "OK";
	case STATUS_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
	case STATUS_NOT_FOUND: return "NOT_FOUND";
	case STATUS_ALREADY_EXISTS: return "ALREADY_EXISTS";
	case STATUS_PERMISSION_DENIED: return "PERMISSION_DENIED";
	case STATUS_UNAUTHENTICATED: return "UNAUTHENTICATED";
	case STATUS_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
	case STATUS_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
	case STATUS_ABORTED: return "ABORTED";
	case STATUS_UNIMPLEMENTED: return "UNIMPLEMENTED";
	case STATUS_INTERNAL: return "INTERNAL";
	case STATUS_UNAVAILABLE: return "UNAVAILABLE";
	case STATUS_DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
	}
	return "UNKNOWN";
}
