/* pub: event publishing and heartbeats (see pub.h). */
#include "pub.h"

#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "curve.h"
#include "date.h"
#include "log.h"

int pub_open(struct pub *p, void *zctx, const char *endpoint, const char *source,
	     const struct curve *curve, struct status *st)
{
	memset(p, 0, sizeof *p);
	p->source = source;
	snprintf(p->heartbeat_topic, sizeof p->heartbeat_topic, "%s.heartbeat", source);
	p->socket = zmq_socket(zctx, ZMQ_PUB);
	/* PUB drops at the high-water mark rather than block the service; subscribers
	 * recover what they lose from the log, so a generous mark only saves round trips. */
	int hwm = 100000, linger = 0;
	zmq_setsockopt(p->socket, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(p->socket, ZMQ_LINGER, &linger, sizeof linger);
	int rc = curve_server(curve, p->socket, CURVE_DOMAIN_EVENTS, st);
	if (rc < 0) {
		zmq_close(p->socket);
		p->socket = NULL;
		return rc;
	}
	if (zmq_bind(p->socket, endpoint) != 0) {
		int err = zmq_errno();
		zmq_close(p->socket);
		p->socket = NULL;
		return status_fail(st, STATUS_UNAVAILABLE, "cannot bind event socket %s: %s", endpoint,
				   zmq_strerror(err));
	}
	return 0;
}

void pub_send(struct pub *p, const char *topic, const void *data, size_t len)
{
	if (!p->socket)
		return;   /* stopping: the event is in the log, subscribers read it from there */
	if (zmq_send(p->socket, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(p->socket, data, len, ZMQ_DONTWAIT) < 0)
		log_warn("event not published", "topic=%s error=%s", log_str(topic),
			 log_str(zmq_strerror(zmq_errno())));
	else
		p->published++;
}

static void pub_entry(void *ctx, const struct eventlog_entry *e)
{
	pub_send(ctx, e->topic, e->data, e->len);
}

void pub_flush(struct pub *p, struct eventlog *log)
{
	eventlog_drain(log, pub_entry, p);
}

void pub_send_heartbeat(struct pub *p)
{
	N2gg__V1__Heartbeat hb = N2GG__V1__HEARTBEAT__INIT;
	uint8_t buf[128];
	hb.source = (char *)p->source;
	hb.head_seq = p->log ? p->log->head : 0;
	hb.log_id = p->log ? (char *)p->log->id : "";
	hb.time_unix_ms = date_now_ms();
	size_t len = n2gg__v1__heartbeat__pack(&hb, buf);
	zmq_send(p->socket, p->heartbeat_topic, strlen(p->heartbeat_topic), ZMQ_SNDMORE | ZMQ_DONTWAIT);
	zmq_send(p->socket, buf, len, ZMQ_DONTWAIT);
}

static void pub_on_heartbeat(uv_timer_t *t)
{
	pub_send_heartbeat(t->data);
}

void pub_start_heartbeat(struct pub *p, uv_loop_t *loop, const struct eventlog *log,
			 unsigned interval_ms)
{
	p->log = log;
	uv_timer_init(loop, &p->heartbeat);
	p->heartbeat.data = p;
	uv_timer_start(&p->heartbeat, pub_on_heartbeat, interval_ms, interval_ms);
}

void pub_close(struct pub *p)
{
	if (p->log && !uv_is_closing((uv_handle_t *)&p->heartbeat))
		uv_close((uv_handle_t *)&p->heartbeat, NULL);
	if (p->socket)
		zmq_close(p->socket);
	p->socket = NULL;
}
