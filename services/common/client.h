/* client: a blocking request/reply client (DEALER) for the CLI, tests and benchmarks.
 * Each call waits up to a timeout for its reply; on silence it drops the socket (so a late
 * reply cannot be mistaken for the next one), reconnects and sends the same request again,
 * with the same request id so the server answers a retried write from its reply cache. */
#ifndef N2GG_CLIENT_H
#define N2GG_CLIENT_H

#include <stdint.h>

#include "arena.h"
#include "status.h"

struct client {
	void *zctx;
	void *socket;
	char endpoint[256];
	int timeout_ms;
	int attempts;
	int64_t max_message;
	char id_prefix[24];
	uint64_t counter;
	const char *actor;
};

int client_open(struct client *c, void *zctx, const char *endpoint, int timeout_ms, int attempts,
		struct status *st);
void client_close(struct client *c);

/* Calls `method` with `request`; on OK unpacks the reply body as `reply_type` into the
 * arena. Returns 0, or -code with st holding the server's (or the transport's) message. */
int client_call(struct client *c, const char *method, const ProtobufCMessage *request,
		const ProtobufCMessageDescriptor *reply_type, struct arena *a, void **reply,
		struct status *st);

#endif
