/* Unit tests of what a service tells systemd on each tick: READY=1 exactly once and only
 * when ready, STATUS= only when it changed (and on one line), the start timeout extended
 * only while waiting, WATCHDOG=1 on every tick when a watchdog is on; and the ticks come at
 * half the watchdog interval once ready. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sdnotify.h"

static size_t tick(struct sdnotify_state *s, bool ready, const char *status, char *out)
{
	return sdnotify_compose(s, ready, status, out, SDNOTIFY_MESSAGE_LEN);
}

static void test_waiting_then_ready_once(void **state)
{
	(void)state;
	struct sdnotify_state s = {0};
	char msg[SDNOTIFY_MESSAGE_LEN];
	tick(&s, false, "not ready: registry: not heard from yet", msg);
	assert_string_equal(msg, "STATUS=not ready: registry: not heard from yet\n"
				 "EXTEND_TIMEOUT_USEC=10000000\n");
	/* the same status again: only the extension, which must keep coming while waiting */
	tick(&s, false, "not ready: registry: not heard from yet", msg);
	assert_string_equal(msg, "EXTEND_TIMEOUT_USEC=10000000\n");
	tick(&s, true, "ready", msg);
	assert_string_equal(msg, "READY=1\nSTATUS=ready\n");
	/* ready already said; nothing changed: nothing to send without a watchdog */
	assert_int_equal(tick(&s, true, "ready", msg), 0);
	assert_string_equal(msg, "");
	/* not ready again later: systemd hears of it by STATUS=, READY is never taken back */
	tick(&s, false, "not ready: stopping", msg);
	assert_string_equal(msg, "STATUS=not ready: stopping\n");
	tick(&s, true, "ready", msg);
	assert_string_equal(msg, "STATUS=ready\n");
}

static void test_watchdog_pings_every_tick(void **state)
{
	(void)state;
	struct sdnotify_state s = {.watchdog_usec = 30000000};
	char msg[SDNOTIFY_MESSAGE_LEN];
	tick(&s, false, "not ready: the store is not open", msg);
	assert_non_null(strstr(msg, "WATCHDOG=1\n"));
	tick(&s, true, "ready", msg);
	assert_string_equal(msg, "READY=1\nSTATUS=ready\nWATCHDOG=1\n");
	tick(&s, true, "ready", msg);
	assert_string_equal(msg, "WATCHDOG=1\n");
}

static void test_status_is_one_line(void **state)
{
	(void)state;
	struct sdnotify_state s = {.ready_sent = true};
	char msg[SDNOTIFY_MESSAGE_LEN];
	tick(&s, true, "ready\nREADY=1", msg);
	assert_string_equal(msg, "STATUS=ready\n");
}

static void test_a_long_status_is_cut_not_overrun(void **state)
{
	(void)state;
	struct sdnotify_state s = {.watchdog_usec = 1000000};
	char status[SDNOTIFY_STATUS_LEN], msg[32];
	memset(status, 'x', sizeof status - 1);
	status[sizeof status - 1] = '\0';
	size_t n = sdnotify_compose(&s, false, status, msg, sizeof msg);
	assert_int_equal(n, strlen(msg));
	assert_true(n < sizeof msg);
	assert_memory_equal(msg, "STATUS=xxx", 10);   /* the status of x's, cut to fit */
}

static void test_tick_intervals(void **state)
{
	(void)state;
	struct sdnotify_state s = {.watchdog_usec = 30000000};
	assert_int_equal(sdnotify_tick_ms(&s), SDNOTIFY_WAIT_TICK_MS);
	s.ready_sent = true;
	assert_int_equal(sdnotify_tick_ms(&s), 15000);   /* half of WatchdogSec=30 */
	s.watchdog_usec = 1000;
	assert_int_equal(sdnotify_tick_ms(&s), 1);
	s.watchdog_usec = 0;
	assert_int_equal(sdnotify_tick_ms(&s), SDNOTIFY_IDLE_TICK_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waiting_then_ready_once),
		cmocka_unit_test(test_watchdog_pings_every_tick),
		cmocka_unit_test(test_status_is_one_line),
		cmocka_unit_test(test_a_long_status_is_cut_not_overrun),
		cmocka_unit_test(test_tick_intervals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
