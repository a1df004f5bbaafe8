/* sdnotify: tells systemd how a service is doing (sd_notify(3)), for units of
 * Type=notify with a WatchdogSec=. READY=1 once the service's own readiness check says so
 * (the same condition as /readyz), STATUS= whenever that check's one-line summary changes,
 * WATCHDOG=1 from a libuv timer at half the watchdog interval (a ping proves the loop turns,
 * which a blocked or spinning handler would stop), EXTEND_TIMEOUT_USEC= while it waits for
 * its upstreams (a follower may wait long for a source on another host: the start is not
 * timed out while the loop is alive, and is if it hangs), and STOPPING=1 on a clean stop.
 * Without NOTIFY_SOCKET (not under systemd) nothing runs: no timer, no message.
 *
 * The message of each tick is composed by a pure function (sdnotify_compose) so what is
 * sent, and when, is unit-tested without a socket. */
#ifndef N2GG_SDNOTIFY_H
#define N2GG_SDNOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define SDNOTIFY_STATUS_LEN 512
#define SDNOTIFY_MESSAGE_LEN (SDNOTIFY_STATUS_LEN + 128)
/* How often readiness is looked at before READY=1 (so READY follows /readyz closely). */
#define SDNOTIFY_WAIT_TICK_MS 200
/* After READY=1 without a watchdog: how often STATUS= is brought up to date. */
#define SDNOTIFY_IDLE_TICK_MS 5000
/* While waiting: how long each tick extends the start timeout (several ticks' worth). */
#define SDNOTIFY_EXTEND_USEC 10000000ULL

/* Whether the service is ready; writes a one-line summary of why (not) into status. */
typedef bool (*sdnotify_check_fn)(void *ctx, char *status, size_t len);

/* What has been told so far (the pure part's state). */
struct sdnotify_state {
	uint64_t watchdog_usec;       /* 0: no watchdog */
	bool ready_sent;
	char status[SDNOTIFY_STATUS_LEN];   /* the last STATUS= sent */
};

struct sdnotify {
	bool enabled;                 /* NOTIFY_SOCKET is set */
	struct sdnotify_state state;
	sdnotify_check_fn check;
	void *ctx;
	uv_timer_t timer;
	uint64_t sent, failed;        /* datagrams sent / refused by the socket */
};

/* The interval between ticks: fast while waiting to be ready, then half the watchdog
 * interval (at least 1 ms), or SDNOTIFY_IDLE_TICK_MS without one. */
uint64_t sdnotify_tick_ms(const struct sdnotify_state *s);

/* The message one tick sends given the check's answer, updating *s as if sent: READY=1
 * once, STATUS= when it changed, EXTEND_TIMEOUT_USEC= before READY, WATCHDOG=1 when a
 * watchdog is on. Returns its length (0: nothing to send; `out` "" then). */
size_t sdnotify_compose(struct sdnotify_state *s, bool ready, const char *status, char *out,
			size_t len);

/* Starts the ticks when NOTIFY_SOCKET is set (the first at once); else does nothing. */
void sdnotify_start(struct sdnotify *n, uv_loop_t *loop, sdnotify_check_fn check, void *ctx);

/* STOPPING=1 with `why` as STATUS=, and the timer closed. Safe when never started. */
void sdnotify_stopping(struct sdnotify *n, const char *why);

#endif
