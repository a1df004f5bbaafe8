/* client: blocking calls with timeout and bounded retries (see client.h). */
#include "client.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "curve.h"
#include "date.h"
#include "n2gg/v1/common.pb-c.h"

#define CLIENT_MONITOR_EVENTS                                                                  \
	(ZMQ_EVENT_CONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | \
	 ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)

static void client_drop(struct client *c)
{
	if (c->monitor) {
		zmq_socket_monitor(c->socket, NULL, 0);
		zmq_close(c->monitor);
		c->monitor = NULL;
	}
	if (c->socket)
		zmq_close(c->socket);
	c->socket = NULL;
}

static int client_connect(struct client *c, struct status *st)
{
	/* atomic: the dashboard opens clients on several of libuv's pool threads at once */
	static _Atomic unsigned monitors;
	c->socket = zmq_socket(c->zctx, ZMQ_DEALER);
	c->handshake_ok = false;
	c->connects = 0;
	int linger = 0;
	zmq_setsockopt(c->socket, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(c->socket, ZMQ_MAXMSGSIZE, &c->max_message, sizeof c->max_message);
	int rc = curve_client(c->curve, c->socket, c->server_key, st);
	if (rc < 0) {
		client_drop(c);
		return rc;
	}
	if (!c->curve->plaintext) {
		char endpoint[96];
		snprintf(endpoint, sizeof endpoint, "inproc://n2gg-client-monitor-%d-%u", (int)getpid(),
			 ++monitors);
		if (zmq_socket_monitor(c->socket, endpoint, CLIENT_MONITOR_EVENTS) == 0) {
			c->monitor = zmq_socket(c->zctx, ZMQ_PAIR);
			zmq_setsockopt(c->monitor, ZMQ_LINGER, &linger, sizeof linger);
			zmq_connect(c->monitor, endpoint);
		}
	}
	if (zmq_connect(c->socket, c->endpoint) != 0) {
		int err = zmq_errno();
		client_drop(c);
		return status_fail(st, STATUS_INVALID_ARGUMENT, "cannot connect to %s: %s", c->endpoint,
				   zmq_strerror(err));
	}
	return 0;
}

int client_open(struct client *c, void *zctx, const char *endpoint, const struct curve *curve,
		const char *server_name, int timeout_ms, int attempts, struct status *st)
{
	memset(c, 0, sizeof *c);
	c->zctx = zctx;
	snprintf(c->endpoint, sizeof c->endpoint, "%s", endpoint);
	snprintf(c->server_name, sizeof c->server_name, "%s", server_name);
	c->curve = curve;
	c->timeout_ms = timeout_ms;
	c->attempts = attempts < 1 ? 1 : attempts;
	c->max_message = 512ll << 20;
	c->actor = "";
	/* unique enough across processes and restarts for the server's reply cache */
	snprintf(c->id_prefix, sizeof c->id_prefix, "%x-%llx", (unsigned)getpid(),
		 (unsigned long long)date_now_ms());
	if (!curve->plaintext) {
		int rc = curve_server_key(curve, server_name, c->server_key, st);
		if (rc < 0)
			return rc;
	}
	return client_connect(c, st);
}

void client_close(struct client *c)
{
	client_drop(c);
}

/* One handshake event off the monitor. Returns <0 with `st` set when the handshake failed
 * for good: retrying with the same keys cannot help. */
static int client_on_monitor(struct client *c, struct status *st)
{
	zmq_msg_t head, addr;
	zmq_msg_init(&head);
	zmq_msg_init(&addr);
	int rc = 0;
	if (zmq_msg_recv(&head, c->monitor, ZMQ_DONTWAIT) < 0)
		goto out;
	if (zmq_msg_more(&head))
		zmq_msg_recv(&addr, c->monitor, 0);
	if (zmq_msg_size(&head) < 6)
		goto out;
	uint16_t event;
	uint32_t value;
	memcpy(&event, zmq_msg_data(&head), 2);
	memcpy(&value, (uint8_t *)zmq_msg_data(&head) + 2, 4);
	switch (event) {
	case ZMQ_EVENT_CONNECTED:
		c->connects++;
		break;
	case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
		c->handshake_ok = true;
		break;
	case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
		rc = status_fail(st, STATUS_UNAUTHENTICATED,
				 "the %s service at %s refused this client's key (%s, fingerprint %s): "
				 "add its public certificate to the service's authorised keys and "
				 "reload the service (SIGHUP), or use a key it accepts (--key / N2GG_KEY)",
				 c->server_name, c->endpoint,
				 c->curve->own.name[0] ? c->curve->own.name : "unnamed",
				 c->curve->own.fingerprint);
		break;
	case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
		rc = status_fail(st, STATUS_UNAUTHENTICATED,
				 "the CURVE handshake with the %s service at %s failed (protocol error "
				 "%#x): check that %s/%s.key is that service's public key and that it "
				 "runs with CURVE",
				 c->server_name, c->endpoint, value, c->curve->keys_dir, c->server_name);
		break;
	default:
		break;
	}
out:
	zmq_msg_close(&head);
	zmq_msg_close(&addr);
	return rc;
}

/* Waits for the reply to request `id` until `deadline_ms`. 1: got it, 0: timed out, <0: the
 * handshake failed (st set). */
static int client_wait(struct client *c, const char *id, long long deadline_ms, struct arena *a,
		       N2gg__V1__Reply **out, struct status *st)
{
	for (;;) {
		long long left = deadline_ms - date_now_ms();
		if (left <= 0)
			return 0;
		zmq_pollitem_t items[2] = {{c->socket, 0, ZMQ_POLLIN, 0},
					   {c->monitor, 0, ZMQ_POLLIN, 0}};
		if (zmq_poll(items, c->monitor ? 2 : 1, (long)left) <= 0)
			continue;
		if (items[1].revents & ZMQ_POLLIN) {
			int rc = client_on_monitor(c, st);
			if (rc < 0)
				return rc;
		}
		if (!(items[0].revents & ZMQ_POLLIN))
			continue;
		zmq_msg_t msg;
		zmq_msg_init(&msg);
		if (zmq_msg_recv(&msg, c->socket, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&msg);
			continue;
		}
		N2gg__V1__Reply *reply =
			n2gg__v1__reply__unpack(&a->pb, zmq_msg_size(&msg), zmq_msg_data(&msg));
		zmq_msg_close(&msg);
		/* a reply to an earlier, abandoned attempt is skipped */
		if (reply && strcmp(reply->request_id, id) == 0) {
			*out = reply;
			return 1;
		}
	}
}

int client_call(struct client *c, const char *method, const ProtobufCMessage *request,
		const ProtobufCMessageDescriptor *reply_type, struct arena *a, void **reply,
		struct status *st)
{
	N2gg__V1__Request req = N2GG__V1__REQUEST__INIT;
	char id[48];
	snprintf(id, sizeof id, "%s-%llu", c->id_prefix, (unsigned long long)++c->counter);
	req.request_id = id;
	req.method = (char *)method;
	req.actor = (char *)c->actor;
	req.body.data = arena_pack(a, request, &req.body.len);
	size_t len;
	void *frame = arena_pack(a, &req.base, &len);
	bool connected_unsecured = false;

	for (int attempt = 0; attempt < c->attempts; attempt++) {
		if (!c->socket && client_connect(c, st) < 0)
			return -st->code;
		if (zmq_send(c->socket, frame, len, 0) < 0)
			return status_fail(st, STATUS_UNAVAILABLE, "cannot send to %s: %s", c->endpoint,
					   zmq_strerror(zmq_errno()));
		N2gg__V1__Reply *rep;
		int got = client_wait(c, id, date_now_ms() + c->timeout_ms, a, &rep, st);
		if (got < 0) {
			client_drop(c);
			return got;
		}
		if (got) {
			if (rep->code != N2GG__V1__STATUS_CODE__OK)
				return status_fail(st, (enum status_code)rep->code, "%s", rep->message);
			if (reply_type) {
				*reply = protobuf_c_message_unpack(reply_type, &a->pb, rep->body.len,
								   rep->body.data);
				if (!*reply)
					return status_fail(st, STATUS_INTERNAL,
							   "%s: the reply is not a valid %s", method,
							   reply_type->name);
			}
			return 0;
		}
		connected_unsecured |= c->connects > 0 && !c->handshake_ok;
		client_drop(c);
	}
	if (connected_unsecured)
		return status_fail(st, STATUS_UNAVAILABLE,
				   "%s at %s accepted the connection but the CURVE handshake never "
				   "completed: check that %s/%s.key is that service's public key (or "
				   "the service is too busy to answer)",
				   c->server_name, c->endpoint, c->curve->keys_dir, c->server_name);
	return status_fail(st, STATUS_UNAVAILABLE,
			   "no reply from %s to %s after %d attempt(s) of %d ms: is the service running?",
			   c->endpoint, method, c->attempts, c->timeout_ms);
}
