/* sdnotify: readiness, status and watchdog for systemd (see sdnotify.h). */
#include "sdnotify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "log.h"

uint64_t sdnotify_tick_ms(const struct sdnotify_state *s)
{
	if (!s->ready_sent)
		return SDNOTIFY_WAIT_TICK_MS;
	if (!s->watchdog_usec)
		return SDNOTIFY_IDLE_TICK_MS;
	uint64_t half = s->watchdog_usec / 2000;
	return half ? half : 1;
}

size_t sdnotify_compose(struct sdnotify_state *s, bool ready, const char *status, char *out,
			size_t len)
{
	size_t n = 0;
	out[0] = '\0';
	if (ready && !s->ready_sent) {
		n += (size_t)snprintf(out + n, len - n, "READY=1\n");
		s->ready_sent = true;
	}
	if (n < len && strcmp(status, s->status) != 0) {
		/* one line: systemd shows STATUS= as it is, and a newline would end the field */
		n += (size_t)snprintf(out + n, len - n, "STATUS=%.*s\n",
				      (int)strcspn(status, "\n"), status);
		snprintf(s->status, sizeof s->status, "%s", status);
	}
	if (n < len && !s->ready_sent)
		n += (size_t)snprintf(out + n, len - n, "EXTEND_TIMEOUT_USEC=%llu\n",
				      (unsigned long long)SDNOTIFY_EXTEND_USEC);
	if (n < len && s->watchdog_usec)
		n += (size_t)snprintf(out + n, len - n, "WATCHDOG=1\n");
	return n < len ? n : strlen(out);
}

static void sdnotify_send(struct sdnotify *n, const char *msg)
{
	int rc = sd_notify(0, msg);
	if (rc > 0) {
		n->sent++;
	} else if (rc < 0 && n->failed++ == 0) {
		/* said once: a socket that refuses now will most likely go on refusing */
		log_warn("cannot notify systemd", "error=%s", log_str(strerror(-rc)));
	}
}

static void sdnotify_on_tick(uv_timer_t *t)
{
	struct sdnotify *n = t->data;
	char status[SDNOTIFY_STATUS_LEN], msg[SDNOTIFY_MESSAGE_LEN];
	bool ready = n->check(n->ctx, status, sizeof status);
	bool was_ready = n->state.ready_sent;
	if (sdnotify_compose(&n->state, ready, status, msg, sizeof msg))
		sdnotify_send(n, msg);
	if (n->state.ready_sent && !was_ready) {
		log_info("systemd told the service is ready", "status=%s", log_str(status));
		uv_timer_start(t, sdnotify_on_tick, sdnotify_tick_ms(&n->state),
			       sdnotify_tick_ms(&n->state));
	}
}

void sdnotify_start(struct sdnotify *n, uv_loop_t *loop, sdnotify_check_fn check, void *ctx)
{
	memset(n, 0, sizeof *n);
	const char *socket = getenv("NOTIFY_SOCKET");
	if (!socket || !socket[0])
		return;
	uint64_t usec = 0;
	if (sd_watchdog_enabled(0, &usec) <= 0)
		usec = 0;
	n->enabled = true;
	n->state.watchdog_usec = usec;
	n->check = check;
	n->ctx = ctx;
	uv_timer_init(loop, &n->timer);
	n->timer.data = n;
	uv_timer_start(&n->timer, sdnotify_on_tick, 0, sdnotify_tick_ms(&n->state));
	log_info("notifying systemd", "socket=%s watchdog_ms=%llu", log_str(socket),
		 (unsigned long long)(usec / 1000));
}

void sdnotify_stopping(struct sdnotify *n, const char *why)
{
	if (!n->enabled)
		return;
	char msg[SDNOTIFY_MESSAGE_LEN];
	snprintf(msg, sizeof msg, "STOPPING=1\nSTATUS=stopping (%s)\n", why);
	sdnotify_send(n, msg);
	n->enabled = false;
	uv_close((uv_handle_t *)&n->timer, NULL);
}
