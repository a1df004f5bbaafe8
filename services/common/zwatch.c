/* zwatch: ZeroMQ sockets under libuv (see zwatch.h). */
#include "zwatch.h"

#include <stdlib.h>
#include <zmq.h>

/* After this many callbacks in one wake-up, yield to the rest of the loop and come back
 * through the idle handle, so one busy socket cannot starve timers and other sockets. */
#define ZWATCH_ROUNDS 64

static bool zwatch_readable(struct zwatch *w)
{
	int events = 0;
	size_t len = sizeof events;
	if (zmq_getsockopt(w->socket, ZMQ_EVENTS, &events, &len) != 0)
		return false;
	return events & ZMQ_POLLIN;
}

static void zwatch_drain(struct zwatch *w)
{
	for (int round = 0; w->active && zwatch_readable(w); round++) {
		if (round == ZWATCH_ROUNDS) {
			zwatch_kick(w);
			return;
		}
		w->on_readable(w);
	}
}

static void zwatch_on_poll(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	zwatch_drain(h->data);
}

static void zwatch_on_idle(uv_idle_t *h)
{
	uv_idle_stop(h);
	zwatch_drain(h->data);
}

struct zwatch *zwatch_start(uv_loop_t *loop, void *socket, zwatch_fn on_readable, void *data)
{
	int fd;
	size_t len = sizeof fd;
	if (zmq_getsockopt(socket, ZMQ_FD, &fd, &len) != 0)
		return NULL;
	struct zwatch *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->socket = socket;
	w->on_readable = on_readable;
	w->data = data;
	w->active = true;
	if (uv_poll_init(loop, &w->poll, fd) != 0) {
		free(w);
		return NULL;
	}
	uv_idle_init(loop, &w->idle);
	w->poll.data = w;
	w->idle.data = w;
	w->open_handles = 2;
	uv_poll_start(&w->poll, UV_READABLE, zwatch_on_poll);
	/* messages may have queued before the poll started: look once */
	zwatch_kick(w);
	return w;
}

void zwatch_kick(struct zwatch *w)
{
	if (w->active)
		uv_idle_start(&w->idle, zwatch_on_idle);
}

static void zwatch_on_handle_closed(uv_handle_t *h)
{
	struct zwatch *w = h->data;
	if (--w->open_handles == 0)
		free(w);
}

void zwatch_close(struct zwatch *w)
{
	if (!w || !w->active)
		return;
	w->active = false;
	uv_close((uv_handle_t *)&w->poll, zwatch_on_handle_closed);
	uv_close((uv_handle_t *)&w->idle, zwatch_on_handle_closed);
}
