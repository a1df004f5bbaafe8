/* pub: a service's event socket (PUB). Events go out as [topic][Event] after their
 * transaction commits; a heartbeat [<source>.heartbeat][Heartbeat] carries the head
 * sequence once a second, so a subscriber that missed the last events learns it. */
#ifndef N2GG_PUB_H
#define N2GG_PUB_H

#include <stdint.h>
#include <uv.h>

#include "eventlog.h"
#include "status.h"

struct pub {
	void *socket;
	const char *source;
	char heartbeat_topic[64];
	uv_timer_t heartbeat;
	const struct eventlog *log;
	uint64_t published;
};

/* With CURVE (curve not plaintext) only subscribers ZAP admits to the events domain
 * receive anything: events carry personal data. */
struct curve;
int pub_open(struct pub *p, void *zctx, const char *endpoint, const char *source,
	     const struct curve *curve, struct status *st);
/* Starts the heartbeat timer (interval in ms) reading the head from `log`. */
void pub_start_heartbeat(struct pub *p, uv_loop_t *loop, const struct eventlog *log,
			 unsigned interval_ms);
void pub_send(struct pub *p, const char *topic, const void *data, size_t len);
/* Publishes every committed event queued in the log. */
void pub_flush(struct pub *p, struct eventlog *log);
void pub_send_heartbeat(struct pub *p);
void pub_close(struct pub *p);

#endif
