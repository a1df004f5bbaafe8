/* zap: ZAP requests answered on the loop (see zap.h). */
#include "zap.h"

#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "curve.h"
#include "log.h"
#include "role.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_FRAMES 8   /* a CURVE request has 7 frames; more is malformed */

static void zap_reply(struct zap *z, const zmq_msg_t *request_id, const char *code,
		      const char *text, const char *user, const char *key_txt)
{
	zmq_send(z->socket, "1.0", 3, ZMQ_SNDMORE);
	zmq_send(z->socket, zmq_msg_data((zmq_msg_t *)request_id),
		 zmq_msg_size((zmq_msg_t *)request_id), ZMQ_SNDMORE);
	zmq_send(z->socket, code, strlen(code), ZMQ_SNDMORE);
	zmq_send(z->socket, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(z->socket, user, strlen(user), ZMQ_SNDMORE);
	/* metadata (ZMTP property format): the client's key, for the per-request check */
	uint8_t meta[1 + 3 + 4 + CERT_KEY_TEXT];
	size_t n = 0;
	if (key_txt) {
		size_t vlen = strlen(key_txt);
		meta[n++] = 3;
		memcpy(meta + n, "Key", 3);
		n += 3;
		meta[n++] = 0;
		meta[n++] = 0;
		meta[n++] = 0;
		meta[n++] = (uint8_t)vlen;
		memcpy(meta + n, key_txt, vlen);
		n += vlen;
	}
	zmq_send(z->socket, meta, n, 0);
}

static bool zap_frame_is(const zmq_msg_t *m, const char *text)
{
	size_t n = strlen(text);
	return zmq_msg_size((zmq_msg_t *)m) == n && memcmp(zmq_msg_data((zmq_msg_t *)m), text, n) == 0;
}

static void zap_handle(struct zap *z, zmq_msg_t *f, int count)
{
	/* 0 version, 1 request id, 2 domain, 3 address, 4 routing id, 5 mechanism, 6 key */
	char address[64] = "?", domain[32] = "?";
	if (count >= 4) {
		snprintf(address, sizeof address, "%.*s", (int)zmq_msg_size(&f[3]),
			 (const char *)zmq_msg_data(&f[3]));
		snprintf(domain, sizeof domain, "%.*s", (int)zmq_msg_size(&f[2]),
			 (const char *)zmq_msg_data(&f[2]));
	}
	if (count != 7 || !zap_frame_is(&f[0], "1.0") || !zap_frame_is(&f[5], "CURVE") ||
	    zmq_msg_size(&f[6]) != CERT_KEY_BYTES) {
		z->stats.refused_mechanism++;
		log_warn("handshake refused", "peer=%s domain=%s reason=\"not a CURVE handshake\"",
			 address, domain);
		if (count >= 2)
			zap_reply(z, &f[1], "400", "CURVE required", "", NULL);
		return;
	}
	const uint8_t *key = zmq_msg_data(&f[6]);
	char fingerprint[CERT_FINGERPRINT], key_txt[CERT_KEY_TEXT];
	cert_fingerprint(key, fingerprint);
	zmq_z85_encode(key_txt, key, CERT_KEY_BYTES);
	const struct principal *p = keyring_find(z->keyring, key);
	if (!p) {
		z->stats.refused_unknown_key++;
		log_warn("handshake refused",
			 "peer=%s domain=%s key=%s reason=\"key not among the authorised keys\"",
			 address, domain, fingerprint);
		zap_reply(z, &f[1], "400", "key not authorised", "", NULL);
		return;
	}
	if (zap_frame_is(&f[2], CURVE_DOMAIN_EVENTS) && !role_allows(p->roles, z->events_roles)) {
		z->stats.refused_role++;
		char roles[96];
		log_warn("handshake refused",
			 "peer=%s domain=%s key=%s principal=%s roles=%s reason=\"may not read "
			 "events (needs role service)\"",
			 address, domain, fingerprint, p->name, role_list(p->roles, roles, sizeof roles));
		zap_reply(z, &f[1], "400", "may not read events", "", NULL);
		return;
	}
	z->stats.admitted++;
	log_debug("handshake admitted", "peer=%s domain=%s principal=%s key=%s", address, domain,
		  p->name, fingerprint);
	zap_reply(z, &f[1], "200", "OK", p->name, key_txt);
}

static void zap_on_readable(struct zwatch *w)
{
	struct zap *z = w->data;
	for (;;) {
		zmq_msg_t frames[ZAP_FRAMES];
		int count = 0;
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, z->socket, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&m);
			return;
		}
		for (;;) {
			int more = zmq_msg_more(&m);
			if (count < ZAP_FRAMES) {
				zmq_msg_init(&frames[count]);
				zmq_msg_move(&frames[count++], &m);
			}
			zmq_msg_close(&m);
			if (!more)
				break;
			zmq_msg_init(&m);
			if (zmq_msg_recv(&m, z->socket, 0) < 0) {
				zmq_msg_close(&m);
				break;
			}
		}
		zap_handle(z, frames, count);
		for (int i = 0; i < count; i++)
			zmq_msg_close(&frames[i]);
	}
}

int zap_start(struct zap *z, void *zctx, uv_loop_t *loop, const struct keyring *keyring,
	      unsigned events_roles, struct status *st)
{
	memset(z, 0, sizeof *z);
	z->keyring = keyring;
	z->events_roles = events_roles;
	z->socket = zmq_socket(zctx, ZMQ_REP);
	int linger = 0;
	zmq_setsockopt(z->socket, ZMQ_LINGER, &linger, sizeof linger);
	if (zmq_bind(z->socket, ZAP_ENDPOINT) != 0) {
		int err = zmq_errno();
		zmq_close(z->socket);
		z->socket = NULL;
		return status_fail(st, STATUS_INTERNAL, "cannot bind the ZAP handler: %s",
				   zmq_strerror(err));
	}
	z->watch = zwatch_start(loop, z->socket, zap_on_readable, z);
	return 0;
}

static void zap_on_monitor(struct zwatch *w)
{
	struct zap_monitor *m = w->data;
	for (;;) {
		zmq_msg_t head, addr;
		zmq_msg_init(&head);
		zmq_msg_init(&addr);
		if (zmq_msg_recv(&head, m->socket, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&head);
			return;
		}
		if (zmq_msg_more(&head))
			zmq_msg_recv(&addr, m->socket, 0);
		uint16_t event = 0;
		uint32_t value = 0;
		if (zmq_msg_size(&head) >= 6) {
			memcpy(&event, zmq_msg_data(&head), 2);
			memcpy(&value, (uint8_t *)zmq_msg_data(&head) + 2, 4);
		}
		if (event == ZMQ_EVENT_DISCONNECTED)
			m->zap->stats.disconnects++;
		else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
		    event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
			m->zap->stats.refused_protocol++;
			log_warn("handshake refused",
				 "socket=%s endpoint=%.*s reason=\"%s\" error=%#x", m->what,
				 (int)zmq_msg_size(&addr), (const char *)zmq_msg_data(&addr),
				 event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
					 ? "handshake failed (not CURVE, or not this service's key)"
				 : value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH
					 ? "not CURVE (a client without a key?)"
					 : "CURVE handshake failed (not this service's key?)",
				 value);
		}
		zmq_msg_close(&head);
		zmq_msg_close(&addr);
	}
}

void zap_monitor(struct zap *z, void *zctx, void *socket, const char *what)
{
	if (z->monitor_count == ZAP_MONITORS || !z->socket)
		return;
	struct zap_monitor *m = &z->monitors[z->monitor_count];
	char endpoint[64];
	snprintf(endpoint, sizeof endpoint, "inproc://n2gg-zap-monitor-%s", what);
	if (zmq_socket_monitor(socket, endpoint,
			       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
				       ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_DISCONNECTED) != 0)
		return;
	m->socket = zmq_socket(zctx, ZMQ_PAIR);
	int linger = 0;
	zmq_setsockopt(m->socket, ZMQ_LINGER, &linger, sizeof linger);
	zmq_connect(m->socket, endpoint);
	m->what = what;
	m->zap = z;
	m->watch = zwatch_start(z->watch->poll.loop, m->socket, zap_on_monitor, m);
	z->monitor_count++;
}

void zap_stop(struct zap *z)
{
	for (unsigned i = 0; i < z->monitor_count; i++) {
		zwatch_close(z->monitors[i].watch);
		zmq_close(z->monitors[i].socket);
	}
	z->monitor_count = 0;
	zwatch_close(z->watch);
	z->watch = NULL;
	if (z->socket)
		zmq_close(z->socket);
	z->socket = NULL;
}
