/* client: blocking calls with timeout and bounded retries (see client.h). */
#include "client.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "date.h"
#include "n2gg/v1/common.pb-c.h"

static int client_connect(struct client *c, struct status *st)
{
	c->socket = zmq_socket(c->zctx, ZMQ_DEALER);
	int linger = 0;
	zmq_setsockopt(c->socket, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(c->socket, ZMQ_MAXMSGSIZE, &c->max_message, sizeof c->max_message);
	if (zmq_connect(c->socket, c->endpoint) != 0) {
		int err = zmq_errno();
		zmq_close(c->socket);
		c->socket = NULL;
		return status_fail(st, STATUS_INVALID_ARGUMENT, "cannot connect to %s: %s", c->endpoint,
				   zmq_strerror(err));
	}
	return 0;
}

int client_open(struct client *c, void *zctx, const char *endpoint, int timeout_ms, int attempts,
		struct status *st)
{
	memset(c, 0, sizeof *c);
	c->zctx = zctx;
	snprintf(c->endpoint, sizeof c->endpoint, "%s", endpoint);
	c->timeout_ms = timeout_ms;
	c->attempts = attempts < 1 ? 1 : attempts;
	c->max_message = 512ll << 20;
	c->actor = "";
	/* unique enough across processes and restarts for the server's reply cache */
	snprintf(c->id_prefix, sizeof c->id_prefix, "%x-%llx", (unsigned)getpid(),
		 (unsigned long long)date_now_ms());
	return client_connect(c, st);
}

void client_close(struct client *c)
{
	if (c->socket)
		zmq_close(c->socket);
	c->socket = NULL;
}

/* Waits for the reply to request `id` until `deadline_ms`. 1: got it, 0: timed out. */
static int client_wait(struct client *c, const char *id, long long deadline_ms, struct arena *a,
		       N2gg__V1__Reply **out)
{
	for (;;) {
		long long left = deadline_ms - date_now_ms();
		if (left <= 0)
			return 0;
		zmq_pollitem_t item = {c->socket, 0, ZMQ_POLLIN, 0};
		if (zmq_poll(&item, 1, (long)left) <= 0)
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

	for (int attempt = 0; attempt < c->attempts; attempt++) {
		if (!c->socket && client_connect(c, st) < 0)
			return -st->code;
		if (zmq_send(c->socket, frame, len, 0) < 0)
			return status_fail(st, STATUS_UNAVAILABLE, "cannot send to %s: %s", c->endpoint,
					   zmq_strerror(zmq_errno()));
		N2gg__V1__Reply *rep;
		if (client_wait(c, id, date_now_ms() + c->timeout_ms, a, &rep)) {
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
		client_close(c);
	}
	return status_fail(st, STATUS_UNAVAILABLE,
			   "no reply from %s to %s after %d attempt(s) of %d ms: is the service running?",
			   c->endpoint, method, c->attempts, c->timeout_ms);
}
