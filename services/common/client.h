/* client: a blocking request/reply client (DEALER) for the CLI, tests and benchmarks.
 * Each call waits up to a timeout for its reply; on silence it drops the socket (so a late
 * reply cannot be mistaken for the next one), reconnects and sends the same request again,
 * with the same request id so the server answers a retried write from its reply cache.
 * With CURVE the client watches its own handshakes (a socket monitor), so a key the
 * service refuses, or a server key that does not match, is reported at once as such
 * rather than as silence. */
#ifndef N2GG_CLIENT_H
#define N2GG_CLIENT_H

#include <stdbool.h>
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
	const struct curve *curve;
	char server_name[32];
	uint8_t server_key[32];
	void *monitor;                 /* PAIR socket receiving the DEALER's handshake events */
	bool handshake_ok;             /* a handshake has succeeded on the current socket */
	unsigned connects;             /* TCP connections made on the current socket */
};

struct curve;
/* `server_name` ("registry") finds the server's public key (keys_dir/NAME.key) and names
 * the service in errors. */
int client_open(struct client *c, void *zctx, const char *endpoint, const struct curve *curve,
		const char *server_name, int timeout_ms, int attempts, struct status *st);
void client_close(struct client *c);

/* Calls `method` with `request`; on OK unpacks the reply body as `reply_type` into the
 * arena. Returns 0, or -code with st holding the server's (or the transport's) message. */
int client_call(struct client *c, const char *method, const ProtobufCMessage *request,
		const ProtobufCMessageDescriptor *reply_type, struct arena *a, void **reply,
		struct status *st);

#endif
