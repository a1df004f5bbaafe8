/* api: ROUTER request handling with batched transactions (see api.h). */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "curve.h"
#include "date.h"
#include "log.h"

#define API_MAX_BATCH 256
#define API_MAX_ENVELOPE 4              /* identity frames (ROUTER) + delimiter (REQ) */
#define API_READ_EVENTS_MAX 1000
#define API_READ_EVENTS_BYTES (4u << 20)

struct api_pending {
	zmq_msg_t envelope[API_MAX_ENVELOPE];
	int envelope_count;
	N2gg__V1__Request *request;
	const struct api_method *method;
	const char *idem_key;           /* the principal and the request id (NULL: no id) */
	uint8_t digest[IDEM_DIGEST];    /* of the method and body, for a writing request */
	const uint8_t *replay;          /* the stored reply of a request served before */
	size_t replay_len;
	const uint8_t *recorded;        /* this request's reply, as recorded with its effect */
	size_t recorded_len;
	char principal[CERT_NAME_MAX];
	unsigned roles;
	uint64_t received_ns;           /* uv_hrtime() at arrival, for on_served */
	struct api_call call;
};

struct api_batch {
	struct api_pending items[API_MAX_BATCH];
	int count;
};

static int api_read_events(struct api_call *call);
static int api_health(struct api_call *call);

static const struct api_method api_builtin[] = {
	/* events carry personal data: only peer services (and admins) read them */
	{"ReadEvents", &n2gg__v1__read_events_request__descriptor, api_read_events, false, ROLE_SERVICE},
	{"Health", &n2gg__v1__health_request__descriptor, api_health, false, ROLE_READER},
};

static const struct api_method *api_find(const struct api_server *s, const char *name)
{
	for (size_t i = 0; i < sizeof api_builtin / sizeof *api_builtin; i++)
		if (strcmp(api_builtin[i].name, name) == 0)
			return &api_builtin[i];
	for (size_t i = 0; i < s->method_count; i++)
		if (strcmp(s->methods[i].name, name) == 0)
			return &s->methods[i];
	return NULL;
}

static int api_read_events(struct api_call *call)
{
	const N2gg__V1__ReadEventsRequest *req = call->body;
	uint32_t max = req->max == 0 || req->max > API_READ_EVENTS_MAX ? API_READ_EVENTS_MAX : req->max;
	N2gg__V1__ReadEventsReply *reply =
		arena_message(call->arena, &n2gg__v1__read_events_reply__descriptor);
	int rc = eventlog_read(call->log, call->txn, req->after_seq, max, API_READ_EVENTS_BYTES,
			       call->arena, reply, &call->status);
	if (rc < 0)
		return rc;
	reply->log_id = (char *)call->log->id;
	call->reply = &reply->base;
	return 0;
}

static int api_health(struct api_call *call)
{
	struct api_server *s = call->server;
	N2gg__V1__HealthReply *reply = arena_message(call->arena, &n2gg__v1__health_reply__descriptor);
	reply->service = (char *)s->service_name;
	reply->version = (char *)s->version;
	reply->head_seq = s->log->head;
	reply->started_unix_ms = s->started_ms;
	if (s->on_health)
		s->on_health(s->service, reply, call->arena);
	call->reply = &reply->base;
	return 0;
}

int api_server_open(struct api_server *s, void *zctx, const char *endpoint, size_t max_message,
		    const struct curve *curve, struct status *st)
{
	s->socket = zmq_socket(zctx, ZMQ_ROUTER);
	int64_t maxsize = (int64_t)max_message;
	int linger = 0, hwm = 10000;
	int rc = curve_server(curve, s->socket, CURVE_DOMAIN_API, st);
	if (rc < 0) {
		zmq_close(s->socket);
		s->socket = NULL;
		return rc;
	}
	zmq_setsockopt(s->socket, ZMQ_MAXMSGSIZE, &maxsize, sizeof maxsize);
	zmq_setsockopt(s->socket, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(s->socket, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s->socket, ZMQ_RCVHWM, &hwm, sizeof hwm);
	if (zmq_bind(s->socket, endpoint) != 0) {
		int err = zmq_errno();
		zmq_close(s->socket);
		s->socket = NULL;
		return status_fail(st, STATUS_UNAVAILABLE, "cannot bind API socket %s: %s", endpoint,
				   zmq_strerror(err));
	}
	arena_init(&s->arena);
	s->batch = calloc(1, sizeof *s->batch);
	if (!s->batch)
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	return 0;
}

/* ---- receiving ---- */

static void api_send(struct api_server *s, struct api_pending *p, const void *data, size_t len)
{
	for (int i = 0; i < p->envelope_count; i++)
		zmq_msg_send(&p->envelope[i], s->socket, ZMQ_SNDMORE | ZMQ_DONTWAIT);
	if (zmq_send(s->socket, data, len, ZMQ_DONTWAIT) < 0)
		log_warn("reply not sent", "error=%s", log_str(zmq_strerror(zmq_errno())));
}

static void api_release(struct api_pending *p)
{
	for (int i = 0; i < p->envelope_count; i++)
		zmq_msg_close(&p->envelope[i]);
	p->envelope_count = 0;
}

static uint8_t *api_pack_reply(struct api_server *s, struct api_pending *p, size_t *len)
{
	N2gg__V1__Reply reply = N2GG__V1__REPLY__INIT;
	reply.request_id = p->request ? p->request->request_id : "";
	reply.code = (N2gg__V1__StatusCode)p->call.status.code;
	reply.message = p->call.status.message;
	if (p->call.status.code == STATUS_OK && p->call.reply) {
		void *body = arena_pack(&s->arena, p->call.reply, &reply.body.len);
		reply.body.data = body;
	}
	return arena_pack(&s->arena, &reply.base, len);
}

/* Names the principal behind a request: the key ZAP admitted at the handshake ("Key"
 * property), looked up in the keyring as it is now. */
static int api_authenticate(struct api_server *s, struct api_pending *p, const char *key_txt)
{
	if (!s->keyring) {
		snprintf(p->principal, sizeof p->principal, "insecure-plaintext");
		p->roles = ROLE_ALL;
		return 0;
	}
	uint8_t key[CERT_KEY_BYTES];
	const struct principal *pr = NULL;
	if (strlen(key_txt) == CERT_KEY_TEXT - 1 && zmq_z85_decode(key, key_txt))
		pr = keyring_find(s->keyring, key);
	if (!pr) {
		s->stats.unauthenticated++;
		log_warn("request refused: key no longer authorised", "key=%s",
			 log_str(key_txt[0] ? key_txt : "none"));
		return status_fail(&p->call.status, STATUS_UNAUTHENTICATED,
				   "this client's key is not (or no longer) authorised by the %s "
				   "service",
				   s->service_name);
	}
	snprintf(p->principal, sizeof p->principal, "%s", pr->name);
	p->roles = pr->roles;
	return 0;
}

/* The method's role, and the actor to record. Returns <0 with the status set when denied. */
static int api_authorise(struct api_server *s, struct api_pending *p)
{
	const char *method = p->method->name;
	if (!role_allows(p->roles, p->method->role)) {
		char roles[96];
		s->stats.denied++;
		role_list(p->roles, roles, sizeof roles);
		log_warn("permission denied", "method=%s principal=%s roles=%s needs=%s", method,
			 p->principal, roles, role_name(p->method->role));
		return status_fail(&p->call.status, STATUS_PERMISSION_DENIED,
				   "%s needs the %s role; %s has %s", method,
				   role_name(p->method->role), p->principal, roles);
	}
	/* a claimed actor is a gateway's person; anyone else is who their key says */
	const char *person = p->request->actor;
	if ((p->roles & ROLE_GATEWAY) && person[0])
		p->call.actor = arena_printf(&s->arena, "%.120s via %s", person, p->principal);
	else
		p->call.actor = p->principal;
	/* retries are recognised per principal: one client cannot replay another's reply */
	p->idem_key = p->call.request_id[0]
			      ? arena_printf(&s->arena, "%s\n%s", p->principal, p->call.request_id)
			      : NULL;
	return 0;
}

/* Takes one multipart message off the socket. Returns 1 when it became a batch item, 0 when
 * it was answered (or dropped) at once, -1 when the socket has nothing more. */
static int api_receive(struct api_server *s, struct api_pending *p)
{
	zmq_msg_t frames[API_MAX_ENVELOPE + 1];
	int n = 0;
	bool too_many = false;
	for (;;) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, s->socket, n == 0 && !too_many ? ZMQ_DONTWAIT : 0) < 0) {
			zmq_msg_close(&m);
			if (n == 0 && !too_many)
				return -1;
			break;
		}
		int more = zmq_msg_more(&m);
		if (n < API_MAX_ENVELOPE + 1) {
			zmq_msg_init(&frames[n]);
			zmq_msg_move(&frames[n++], &m);
		} else {
			too_many = true;
		}
		zmq_msg_close(&m);
		if (!more)
			break;
	}
	memset(p, 0, sizeof *p);
	p->received_ns = uv_hrtime();
	p->call.arena = &s->arena;
	p->call.service = s->service;
	p->call.server = s;
	p->call.log = s->log;
	status_clear(&p->call.status);
	s->stats.requests++;

	/* envelope: every frame but the last (the ROUTER identity, and REQ's empty delimiter) */
	zmq_msg_t *body = &frames[n - 1];
	p->envelope_count = n - 1;
	for (int i = 0; i < n - 1; i++) {
		zmq_msg_init(&p->envelope[i]);
		zmq_msg_move(&p->envelope[i], &frames[i]);
		zmq_msg_close(&frames[i]);
	}
	if (too_many || n < 2) {
		s->stats.malformed++;
		log_warn("malformed request dropped", "frames=%d", n);
		zmq_msg_close(body);
		api_release(p);
		return 0;
	}
	size_t body_len = zmq_msg_size(body);
	char key_txt[CERT_KEY_TEXT] = "";
	const char *key_prop = s->keyring ? zmq_msg_gets(body, "Key") : NULL;
	if (key_prop)
		snprintf(key_txt, sizeof key_txt, "%s", key_prop);
	p->request = n2gg__v1__request__unpack(&s->arena.pb, body_len, zmq_msg_data(body));
	zmq_msg_close(body);
	if (!p->request) {
		s->stats.malformed++;
		status_fail(&p->call.status, STATUS_INVALID_ARGUMENT,
			    "request is not a valid n2gg.v1.Request protobuf message");
		log_warn("malformed request", "bytes=%zu", body_len);
		return 1;
	}
	p->call.request_id = p->request->request_id;
	if (api_authenticate(s, p, key_txt) < 0)
		return 1;
	p->method = api_find(s, p->request->method);
	if (!p->method) {
		status_fail(&p->call.status, STATUS_UNIMPLEMENTED, "unknown method \"%s\"",
			    p->request->method);
		return 1;
	}
	if (api_authorise(s, p) < 0) {
		p->method = NULL;
		return 1;
	}
	p->call.body = protobuf_c_message_unpack(p->method->request, &s->arena.pb,
						 p->request->body.len, p->request->body.data);
	/* a "field 0" protobuf-c accepts here would be packed into bytes it cannot read back:
	 * a handler storing the body as it came would store an unreadable record */
	if (p->call.body)
		arena_message_drop_field_zero((ProtobufCMessage *)p->call.body);
	if (!p->call.body) {
		s->stats.malformed++;
		status_fail(&p->call.status, STATUS_INVALID_ARGUMENT, "%s: body is not a valid %s",
			    p->method->name, p->method->request->name);
		p->method = NULL;
		return 1;
	}
	if (p->method->writes)
		idem_digest(p->method->name, p->request->body.data, p->request->body.len, p->digest);
	return 1;
}

/* ---- running a batch ---- */

static bool api_runnable(const struct api_pending *p)
{
	return p->method && !p->replay;
}

/* Whether a writing request was served before (IDEM_REPLAY: p->replay set) or its id was
 * used for another request (status set); IDEM_NEW to run it. */
static int api_served_before(struct api_server *s, struct api_pending *p, MDB_txn *txn)
{
	if (!p->idem_key)
		return IDEM_NEW;
	int found = idem_lookup(&s->idem, txn, p->idem_key, p->digest, &s->arena, &p->replay,
				&p->replay_len, &p->call.status);
	if (found == IDEM_CONFLICT)
		status_fail(&p->call.status, STATUS_FAILED_PRECONDITION,
			    "request id \"%s\" was used before for another request: a new request "
			    "needs a new id",
			    p->call.request_id);
	return found;
}

/* Gives every writing (or every reading) request of the batch the same failure. */
static void api_fail_all(struct api_batch *b, bool writes, const struct status *st)
{
	for (int i = 0; i < b->count; i++)
		if (api_runnable(&b->items[i]) && b->items[i].method->writes == writes)
			b->items[i].call.status = *st;
}

static int api_run_reads(struct api_server *s, struct api_batch *b)
{
	MDB_txn *txn;
	struct status st;
	if (store_begin_read(s->store, &txn, &st) < 0) {
		api_fail_all(b, false, &st);
		return -1;
	}
	for (int i = 0; i < b->count; i++) {
		struct api_pending *p = &b->items[i];
		if (!api_runnable(p) || p->method->writes)
			continue;
		p->call.txn = txn;
		/* success is the handler's 0, whatever lookups that found nothing left behind */
		if (p->method->handler(&p->call) == 0)
			status_clear(&p->call.status);
	}
	mdb_txn_abort(txn);
	return 0;
}

/* One attempt at the batch in a write transaction. Returns STORE_ERR_MAP_FULL to retry. */
static int api_run_writes_once(struct api_server *s, struct api_batch *b)
{
	MDB_txn *parent;
	struct status st;
	for (int i = 0; i < b->count; i++)   /* a retried attempt decides replays anew */
		if (b->items[i].method && b->items[i].method->writes)
			b->items[i].replay = NULL;
	int rc = store_begin_write(s->store, &parent, &st);
	if (rc < 0)
		goto failed;
	for (int i = 0; i < b->count; i++) {
		struct api_pending *p = &b->items[i];
		if (!api_runnable(p) || !p->method->writes)
			continue;
		status_clear(&p->call.status);
		p->call.reply = NULL;
		p->recorded = NULL;
		MDB_txn *child;
		int mrc = mdb_txn_begin(mdb_txn_env(parent), parent, 0, &child);
		if (mrc) {
			rc = store_error(mrc, "beginning a nested transaction", &st);
			mdb_txn_abort(parent);
			goto failed;
		}
		/* looked up in the batch's transaction: a second copy in the same batch finds the
		 * first one's record */
		int found = api_served_before(s, p, child);
		if (found != IDEM_NEW) {
			mdb_txn_abort(child);
			continue;
		}
		struct eventlog_mark mark = eventlog_mark(s->log);
		p->call.txn = child;
		rc = p->method->handler(&p->call);
		if (rc == 0 && p->idem_key) {
			status_clear(&p->call.status);
			p->recorded = api_pack_reply(s, p, &p->recorded_len);
			rc = idem_record(&s->idem, child, p->idem_key, p->digest, date_now_ms(),
					 p->recorded, p->recorded_len, &p->call.status);
		}
		if (rc == 0 && (mrc = mdb_txn_commit(child)) != 0)
			rc = store_error(mrc, "committing a request", &p->call.status);
		else if (rc < 0)
			mdb_txn_abort(child);
		if (rc == STORE_ERR_MAP_FULL) {
			mdb_txn_abort(parent);
			eventlog_aborted(s->log);
			if (s->on_writes_done)
				s->on_writes_done(s->service, false);
			return STORE_ERR_MAP_FULL;
		}
		if (rc < 0)
			eventlog_rollback(s->log, mark);
		else
			status_clear(&p->call.status);
	}
	rc = mdb_txn_commit(parent);
	if (rc) {
		rc = store_error(rc, "committing", &st);
		eventlog_aborted(s->log);
		if (rc == STORE_ERR_MAP_FULL) {
			if (s->on_writes_done)
				s->on_writes_done(s->service, false);
			return rc;
		}
		goto failed;
	}
	eventlog_committed(s->log);
	s->stats.commits++;
	if (s->on_writes_done)
		s->on_writes_done(s->service, true);
	return 0;
failed:
	eventlog_aborted(s->log);
	if (s->on_writes_done)
		s->on_writes_done(s->service, false);
	api_fail_all(b, true, &st);
	log_error("batch failed", "error=%s", log_str(st.message));
	return -1;
}

static void api_run_writes(struct api_server *s, struct api_batch *b)
{
	struct status st;
	while (api_run_writes_once(s, b) == STORE_ERR_MAP_FULL) {
		if (store_grow(s->store, &st) < 0) {
			api_fail_all(b, true, &st);
			return;
		}
	}
}

static void api_on_readable(struct zwatch *w)
{
	struct api_server *s = w->data;
	struct api_batch *b = s->batch;
	bool writes = false, reads = false;
	b->count = 0;
	while (b->count < API_MAX_BATCH) {
		int rc = api_receive(s, &b->items[b->count]);
		if (rc < 0)
			break;
		if (rc == 0)
			continue;
		struct api_pending *p = &b->items[b->count++];
		if (api_runnable(p)) {
			writes |= p->method->writes;
			reads |= !p->method->writes;
		}
	}
	if (b->count == 0)
		return;
	s->stats.batches++;

	/* Writes first, in arrival order, in one transaction; reads after its commit, so a read
	 * never sees (nor hands out, as ReadEvents would) anything that has not committed. A
	 * read may so see a write that arrived after it in the same batch: as if served a
	 * moment later. */
	if (writes)
		api_run_writes(s, b);
	if (reads)
		api_run_reads(s, b);

	for (int i = 0; i < b->count; i++) {
		struct api_pending *p = &b->items[i];
		if (p->replay) {
			s->stats.replayed++;
			api_send(s, p, p->replay, p->replay_len);
		} else if (p->recorded && p->call.status.code == STATUS_OK) {
			api_send(s, p, p->recorded, p->recorded_len);
		} else {
			size_t len;
			uint8_t *reply = api_pack_reply(s, p, &len);
			if (p->call.status.code != STATUS_OK) {
				s->stats.errors++;
				log_info("request refused", "method=%s code=%s error=%s",
					 log_str(p->request ? p->request->method : "?"),
					 status_code_name(p->call.status.code),
					 log_str(p->call.status.message));
			}
			api_send(s, p, reply, len);
		}
		if (s->on_served)
			s->on_served(s->service, p->method ? p->method->name : NULL,
				     (double)(uv_hrtime() - p->received_ns) / 1e9, p->call.status.code);
		api_release(p);
	}
	if (writes && s->pub)
		pub_flush(s->pub, s->log);
	/* no kick needed: zwatch_drain re-reads ZMQ_EVENTS after this returns, which also
	 * covers an input edge our sends may have consumed */
	arena_reset(&s->arena);
}

void api_server_start(struct api_server *s, uv_loop_t *loop)
{
	s->started_ms = date_now_ms();
	s->watch = zwatch_start(loop, s->socket, api_on_readable, s);
}

void api_server_stop(struct api_server *s)
{
	zwatch_close(s->watch);
	s->watch = NULL;
}

void api_server_close(struct api_server *s)
{
	if (s->socket)
		zmq_close(s->socket);
	s->socket = NULL;
	arena_free(&s->arena);
	free(s->batch);
	s->batch = NULL;
}
