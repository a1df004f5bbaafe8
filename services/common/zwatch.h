/* zwatch: a ZeroMQ socket in a libuv loop. ZMQ_FD is edge-triggered and also fires for
 * output-side state, so readability is always judged by ZMQ_EVENTS: on every wake-up the
 * socket is drained until ZMQ_EVENTS shows no input. A send can consume the edge that
 * announced new input, so whoever sends on a watched socket calls zwatch_kick(), which
 * re-checks ZMQ_EVENTS on the next loop iteration. */
#ifndef N2GG_ZWATCH_H
#define N2GG_ZWATCH_H

#include <stdbool.h>
#include <uv.h>

struct zwatch;
/* Called while the socket has input: receive without blocking (ZMQ_DONTWAIT) as much as
 * suits, then return; the watcher calls again while ZMQ_EVENTS still shows input. */
typedef void (*zwatch_fn)(struct zwatch *w);

struct zwatch {
	uv_poll_t poll;
	uv_idle_t idle;
	void *socket;
	zwatch_fn on_readable;
	void *data;
	bool active;
	int open_handles;
};

/* Watches `socket` (NULL on failure). The socket stays the caller's to close. */
struct zwatch *zwatch_start(uv_loop_t *loop, void *socket, zwatch_fn on_readable, void *data);
void zwatch_kick(struct zwatch *w);
/* Stops watching now and frees the watcher once libuv has released its handles; the
 * caller may close the socket straight after. NULL is ignored. */
void zwatch_close(struct zwatch *w);

#endif
