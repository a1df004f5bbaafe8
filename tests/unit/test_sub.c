/* Unit tests of sub, the reliable follower, against a fake source in the same process: a
 * ROUTER that answers ReadEvents as the test says and a PUB that sends what the test says,
 * over inproc without CURVE. What is checked is when the follower decides that the
 * source's log ends before its cursor (a store restored from an older backup):
 *
 * - a heartbeat that waited in the socket's queue while a fetch moved the cursor on says
 *   a head below the cursor: that is no proof, the follower asks (a fetch) and goes on;
 * - a ReadEvents reply read before live events moved the cursor on says a head below the
 *   cursor but not below what the fetch asked after: no proof either;
 * - a heartbeat below the cursor confirmed by a fetch's reply is: the follower stops.
 *
 * Both false alarms stopped the notifier in the crash test (its scheduler cursor 22 events
 * past a head an old heartbeat reported). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include <zmq.h>

#include "curve.h"
#include "sub.h"

#define LOG_ID "0123456789abcdef0123456789abcdef"

struct fake_source {
	void *zctx;
	void *api;      /* ROUTER: ReadEvents */
	void *events;   /* PUB */
	uv_loop_t loop;
	struct curve curve;
	struct sub sub;
	uint64_t applied_up_to;
	int applied;
	char endpoint_api[64], endpoint_events[64];
};

static int count_applied(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev, struct status *st)
{
	(void)txn;
	(void)st;
	struct fake_source *f = ctx;
	f->applied++;
	f->applied_up_to = ev->seq;
	return 0;
}

static size_t pack_event(uint64_t seq, uint8_t *buf)
{
	N2gg__V1__Event ev = N2GG__V1__EVENT__INIT;
	ev.seq = seq;
	ev.topic = "thing.changed";
	ev.source = "source";
	return n2gg__v1__event__pack(&ev, buf);
}

static void publish_event(struct fake_source *f, uint64_t seq)
{
	uint8_t buf[256];
	size_t len = pack_event(seq, buf);
	assert_int_equal(zmq_send(f->events, "thing.changed", 13, ZMQ_SNDMORE), 13);
	assert_int_equal(zmq_send(f->events, buf, len, 0), (int)len);
}

static void publish_heartbeat(struct fake_source *f, uint64_t head)
{
	N2gg__V1__Heartbeat hb = N2GG__V1__HEARTBEAT__INIT;
	uint8_t buf[128];
	hb.source = "source";
	hb.head_seq = head;
	hb.log_id = LOG_ID;
	size_t len = n2gg__v1__heartbeat__pack(&hb, buf);
	assert_int_equal(zmq_send(f->events, "source.heartbeat", 16, ZMQ_SNDMORE), 16);
	assert_int_equal(zmq_send(f->events, buf, len, 0), (int)len);
}

/* Turns the follower's loop until `done` holds (or fails after ~2 s). */
static void run_until(struct fake_source *f, bool (*done)(struct fake_source *f))
{
	for (int i = 0; i < 2000 && !done(f); i++) {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		if (!done(f))
			zmq_poll(NULL, 0, 1);
	}
	assert_true(done(f));
}

/* Waits for the follower's next ReadEvents; returns its after_seq and keeps the peer's
 * routing id to answer. */
static uint64_t next_fetch(struct fake_source *f, zmq_msg_t *peer, char *request_id,
			   size_t id_size)
{
	for (int i = 0; i < 2000; i++) {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		zmq_msg_init(peer);
		if (zmq_msg_recv(peer, f->api, ZMQ_DONTWAIT) >= 0) {
			zmq_msg_t frame;
			zmq_msg_init(&frame);
			assert_true(zmq_msg_recv(&frame, f->api, 0) >= 0);
			N2gg__V1__Request *req = n2gg__v1__request__unpack(
				NULL, zmq_msg_size(&frame), zmq_msg_data(&frame));
			zmq_msg_close(&frame);
			assert_non_null(req);
			assert_string_equal(req->method, "ReadEvents");
			N2gg__V1__ReadEventsRequest *body = n2gg__v1__read_events_request__unpack(
				NULL, req->body.len, req->body.data);
			assert_non_null(body);
			uint64_t after = body->after_seq;
			snprintf(request_id, id_size, "%s", req->request_id);
			n2gg__v1__read_events_request__free_unpacked(body, NULL);
			n2gg__v1__request__free_unpacked(req, NULL);
			return after;
		}
		zmq_msg_close(peer);
		zmq_poll(NULL, 0, 1);
	}
	fail_msg("the follower sent no ReadEvents");
	return 0;
}

/* Answers a fetch with events first..last (none when first > last) and `head`. */
static void answer_fetch(struct fake_source *f, zmq_msg_t *peer, const char *request_id,
			 uint64_t first, uint64_t last, uint64_t head)
{
	N2gg__V1__ReadEventsReply page = N2GG__V1__READ_EVENTS_REPLY__INIT;
	N2gg__V1__Event events[16], *list[16];
	assert_true(last < first || last - first < 16);
	for (uint64_t seq = first; seq <= last; seq++) {
		N2gg__V1__Event *ev = &events[page.n_events];
		*ev = (N2gg__V1__Event)N2GG__V1__EVENT__INIT;
		ev->seq = seq;
		ev->topic = "thing.changed";
		ev->source = "source";
		list[page.n_events++] = ev;
	}
	page.events = list;
	page.head_seq = head;
	page.log_id = LOG_ID;
	uint8_t body[4096], frame[4608];
	N2gg__V1__Reply rep = N2GG__V1__REPLY__INIT;
	rep.request_id = (char *)request_id;
	rep.code = N2GG__V1__STATUS_CODE__OK;
	rep.body.len = n2gg__v1__read_events_reply__pack(&page, body);
	rep.body.data = body;
	size_t len = n2gg__v1__reply__pack(&rep, frame);
	assert_true(zmq_msg_send(peer, f->api, ZMQ_SNDMORE) >= 0);
	assert_int_equal(zmq_send(f->api, frame, len, 0), (int)len);
}

static int setup(void **state)
{
	static int counter;
	struct fake_source *f = calloc(1, sizeof *f);
	f->zctx = zmq_ctx_new();
	snprintf(f->endpoint_api, sizeof f->endpoint_api, "inproc://api-%d", counter);
	snprintf(f->endpoint_events, sizeof f->endpoint_events, "inproc://events-%d", counter++);
	f->api = zmq_socket(f->zctx, ZMQ_ROUTER);
	f->events = zmq_socket(f->zctx, ZMQ_PUB);
	int linger = 0;
	zmq_setsockopt(f->api, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(f->events, ZMQ_LINGER, &linger, sizeof linger);
	assert_int_equal(zmq_bind(f->api, f->endpoint_api), 0);
	assert_int_equal(zmq_bind(f->events, f->endpoint_events), 0);
	uv_loop_init(&f->loop);
	struct status st;
	assert_int_equal(curve_init(&f->curve, true, NULL, NULL, &st), 0);
	struct sub_options opt = {
		.source = "source",
		.events_endpoint = f->endpoint_events,
		.api_endpoint = f->endpoint_api,
		.curve = &f->curve,
	};
	assert_int_equal(sub_start(&f->sub, &f->loop, f->zctx, &opt, NULL, 0, 0, count_applied, f,
				   &st),
			 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake_source *f = *state;
	sub_stop(&f->sub);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	zmq_close(f->api);
	zmq_close(f->events);
	zmq_ctx_term(f->zctx);
	free(f);
	return 0;
}

static bool at_five(struct fake_source *f) { return f->sub.cursor == 5; }
static bool at_eight(struct fake_source *f) { return f->sub.cursor == 8; }
static bool halted(struct fake_source *f) { return f->sub.halted; }

/* The follower's first fetch is answered with events 1..5; live events then flow (a
 * subscription over inproc is in place once a message published after it arrives). */
static void catch_up_to_five(struct fake_source *f)
{
	zmq_msg_t peer;
	char id[64];
	assert_int_equal(next_fetch(f, &peer, id, sizeof id), 0);
	answer_fetch(f, &peer, id, 1, 5, 5);
	run_until(f, at_five);
	assert_int_equal(f->applied, 5);
	/* the subscription reaches the PUB asynchronously: heartbeats until one is heard */
	for (int i = 0; i < 2000 && !f->sub.stats.heartbeats; i++) {
		publish_heartbeat(f, 5);
		uv_run(&f->loop, UV_RUN_NOWAIT);
		zmq_poll(NULL, 0, 1);
	}
	assert_true(f->sub.stats.heartbeats > 0);
}

static void test_a_stale_heartbeat_is_asked_about_not_believed(void **state)
{
	struct fake_source *f = *state;
	catch_up_to_five(f);
	/* sent when the head was 2, read after the fetch brought the cursor to 5 */
	publish_heartbeat(f, 2);
	zmq_msg_t peer;
	char id[64];
	assert_int_equal(next_fetch(f, &peer, id, sizeof id), 5);
	assert_false(f->sub.halted);
	answer_fetch(f, &peer, id, 6, 5, 5);   /* the log does hold 5 */
	for (int i = 0; i < 50; i++) {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		zmq_poll(NULL, 0, 1);
	}
	assert_false(f->sub.halted);
	assert_int_equal(f->sub.cursor, 5);
}

static void test_a_reply_older_than_live_events_is_no_proof(void **state)
{
	struct fake_source *f = *state;
	catch_up_to_five(f);
	publish_heartbeat(f, 8);   /* the head moved on: the follower fetches after 5 */
	zmq_msg_t peer;
	char id[64];
	assert_int_equal(next_fetch(f, &peer, id, sizeof id), 5);
	/* 6..8 arrive live before the reply, read when the head was 6 */
	publish_event(f, 6);
	publish_event(f, 7);
	publish_event(f, 8);
	run_until(f, at_eight);
	answer_fetch(f, &peer, id, 6, 6, 6);
	for (int i = 0; i < 50; i++) {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		zmq_poll(NULL, 0, 1);
	}
	assert_false(f->sub.halted);
	assert_int_equal(f->sub.cursor, 8);
	assert_int_equal(f->applied, 8);   /* each event once */
}

static void test_a_log_that_ends_before_the_cursor_stops_the_follower(void **state)
{
	struct fake_source *f = *state;
	catch_up_to_five(f);
	publish_heartbeat(f, 3);   /* restored from a backup taken at 3 */
	zmq_msg_t peer;
	char id[64];
	assert_int_equal(next_fetch(f, &peer, id, sizeof id), 5);
	answer_fetch(f, &peer, id, 6, 5, 3);
	run_until(f, halted);
	assert_non_null(strstr(f->sub.halt_reason, "ends at 3, before this service's cursor 5"));
	assert_int_equal(f->applied, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_stale_heartbeat_is_asked_about_not_believed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_reply_older_than_live_events_is_no_proof,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_log_that_ends_before_the_cursor_stops_the_follower, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
