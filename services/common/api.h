/* api: a service's request/reply socket (ROUTER). Requests are n2gg.v1.Request frames
 * from DEALER (or REQ) clients; each names a method whose body is unpacked, validated by
 * type and handed to the method's handler. Requests that queue up are served as one batch:
 * writing methods share one LMDB write transaction (one fsync), each inside a nested
 * transaction so one failing request leaves the others whole; replies and events go out
 * only after the commit. ReadEvents and Health are built in. A write request that is
 * retried with the same request id gets the first reply again instead of a second effect,
 * from the store (see idem.h), so also after a restart.
 * Every request is authorised on its own: the principal ZAP named at the handshake is
 * looked up in the current keyring (a key revoked since is refused) and must hold the role
 * the method declares; the actor recorded is that principal, or for a `gateway` principal
 * "PERSON via PRINCIPAL" with the person the request names. */
#ifndef N2GG_API_H
#define N2GG_API_H

#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "arena.h"
#include "eventlog.h"
#include "idem.h"
#include "n2gg/v1/common.pb-c.h"
#include "keyring.h"
#include "pub.h"
#include "role.h"
#include "status.h"
#include "store.h"
#include "zwatch.h"

struct api_server;

struct api_call {
	void *service;                 /* the service's own state (api_server.service) */
	struct api_server *server;
	struct arena *arena;
	MDB_txn *txn;                  /* write txn for writing methods, else read-only */
	struct eventlog *log;          /* append events here, in txn */
	const char *actor;             /* the authenticated principal (see above) */
	const char *request_id;
	const void *body;              /* the unpacked request message */
	const ProtobufCMessage *reply; /* set by the handler on success */
	struct status status;
};

/* Returns 0 with call->reply set, or <0 with call->status set. STORE_ERR_MAP_FULL from a
 * handler makes the batch run again on a larger map, so handlers change nothing outside
 * the transaction. */
typedef int (*api_handler)(struct api_call *call);

struct api_method {
	const char *name;
	const ProtobufCMessageDescriptor *request;
	api_handler handler;
	bool writes;
	unsigned role;                 /* the role a principal needs to call it (enum role) */
};

struct api_stats {
	uint64_t requests, errors, malformed, batches, commits, replayed;
	uint64_t denied;            /* PERMISSION_DENIED: a role the principal lacks */
	uint64_t unauthenticated;   /* a key no longer authorised (revoked since the handshake) */
};

struct api_server {
	void *socket;
	struct zwatch *watch;
	struct store *store;
	struct eventlog *log;
	struct pub *pub;
	const struct api_method *methods;
	size_t method_count;
	void *service;
	const char *service_name;
	const char *version;
	long long started_ms;
	struct arena arena;
	struct api_stats stats;
	struct idem idem;              /* the writing requests served, with their replies */
	struct api_batch *batch;
	/* who may call: the current authorised keys (NULL with plaintext: every caller is the
	 * principal "insecure-plaintext" with every role) */
	const struct keyring *keyring;
	/* optional: after a batch's writes committed (true) or were rolled back (false), so a
	 * service can apply in memory what its handlers prepared in the transaction */
	void (*on_writes_done)(void *service, bool committed);
	/* optional: adds what the service core knows (readiness, upstreams) to a Health reply */
	void (*on_health)(void *service, N2gg__V1__HealthReply *reply, struct arena *a);
	/* optional: after each request's reply went out, with the time from its arrival, for
	 * the latency histograms on /metrics (method NULL: no method was found or allowed) */
	void (*on_served)(void *service, const char *method, double seconds, int code);
};

struct curve;
int api_server_open(struct api_server *s, void *zctx, const char *endpoint, size_t max_message,
		    const struct curve *curve, struct status *st);
void api_server_start(struct api_server *s, uv_loop_t *loop);
/* Stops taking requests (the batch in flight, being synchronous, has already finished). */
void api_server_stop(struct api_server *s);
void api_server_close(struct api_server *s);

#endif
