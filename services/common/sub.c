/* sub: reliable event following (see sub.h). */
#include "sub.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "curve.h"
#include "date.h"
#include "log.h"

#define SUB_LIVE_DRAIN 1024      /* live messages taken per wake-up */
#define SUB_RETRY_MS 500         /* pause before asking again after a failed fetch */
#define SUB_DENIED_RETRY_MS 5000 /* ... when the source refused our key or its role */

static void sub_fetch(struct sub *s);

/* The cursor db also keeps "<source>#log": the identity of the log the cursor counts in. */
static void sub_log_key(const char *source, char *out, size_t size)
{
	snprintf(out, size, "%s#log", source);
}

static int sub_read_log_id(struct sub *s, MDB_txn *txn, struct status *st)
{
	char key[96];
	MDB_val v;
	sub_log_key(s->opt.source, key, sizeof key);
	int rc = store_get(txn, s->cursor_db, key, strlen(key), &v, st);
	if (rc == -STATUS_NOT_FOUND)
		return 0;
	if (rc < 0)
		return rc;
	snprintf(s->log_id, sizeof s->log_id, "%.*s", (int)(v.mv_size < SUB_LOG_ID_LEN ? v.mv_size : 0),
		 (const char *)v.mv_data);
	return 0;
}

static int sub_store_log_id(void *ctx, MDB_txn *txn, struct status *st)
{
	struct sub *s = ctx;
	char key[96];
	sub_log_key(s->opt.source, key, sizeof key);
	return store_put(txn, s->cursor_db, key, strlen(key), s->log_id, strlen(s->log_id), 0, st);
}

static void sub_halt(struct sub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sub_halt(struct sub *s, const char *fmt, ...)
{
	if (s->halted)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->halt_reason, sizeof s->halt_reason, fmt, ap);
	va_end(ap);
	s->halted = true;
	uv_timer_stop(&s->timer);
	s->fetching = s->retry_pending = false;
	log_error("stopped following: the source's event log is not the one followed",
		  "source=%s cursor=%llu reason=%s", s->opt.source,
		  (unsigned long long)s->cursor, log_str(s->halt_reason));
}

/* Checks what the source says of its log (a ReadEvents reply or a heartbeat). Returns false
 * (and halts) when it is not the log the cursor counts in. `applied` is the cursor the
 * statement can be held to: events up to it were committed before the source said it. */
static bool sub_same_log(struct sub *s, const char *log_id, uint64_t head, uint64_t applied)
{
	if (s->halted)
		return false;
	if (log_id[0] && s->log_id[0] && strcmp(log_id, s->log_id) != 0) {
		sub_halt(s, "%s's event log is another one (%s, not %s): its store was made anew "
			    "or replaced; resynchronise this service's copy of it",
			 s->opt.source, log_id, s->log_id);
		return false;
	}
	if (head < applied) {
		sub_halt(s, "%s's event log ends at %llu, before this service's cursor %llu: it was "
			    "restored from an older backup; resynchronise this service's copy of it",
			 s->opt.source, (unsigned long long)head, (unsigned long long)applied);
		return false;
	}
	if (log_id[0] && !s->log_id[0]) {   /* first heard: kept with the cursor */
		struct status st;
		snprintf(s->log_id, sizeof s->log_id, "%s", log_id);
		if (s->store && store_write(s->store, sub_store_log_id, s, &st) < 0)
			log_warn("cannot keep the source's log identity", "source=%s error=%s",
				 s->opt.source, log_str(st.message));
	}
	return true;
}

int sub_rewind(MDB_txn *txn, MDB_dbi db, const char *source, struct status *st)
{
	int rc = store_del(txn, db, source, strlen(source), st);
	return rc == -STATUS_NOT_FOUND ? 0 : rc;
}

int sub_forget(MDB_txn *txn, MDB_dbi db, const char *source, struct status *st)
{
	char key[96];
	sub_log_key(source, key, sizeof key);
	int rc = sub_rewind(txn, db, source, st);
	if (rc == 0)
		rc = store_del(txn, db, key, strlen(key), st);
	return rc == -STATUS_NOT_FOUND ? 0 : rc;
}

int sub_read_cursor(MDB_txn *txn, MDB_dbi db, const char *source, uint64_t *cursor,
		    struct status *st)
{
	MDB_val v;
	int rc = store_get(txn, db, source, strlen(source), &v, st);
	if (rc == -STATUS_NOT_FOUND) {
		*cursor = 0;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (v.mv_size != 8)
		return status_fail(st, STATUS_INTERNAL, "cursor for %s is corrupt", source);
	*cursor = store_from_be64(v.mv_data);
	return 0;
}

/* ---- applying ---- */

struct sub_apply_batch {
	struct sub *s;
	N2gg__V1__Event **events;
	size_t count;
	uint64_t cursor;     /* advanced as events apply inside the transaction */
};

static int sub_apply_in_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct sub_apply_batch *b = ctx;
	b->cursor = b->s->cursor;
	if (b->s->opt.outbox)   /* a retried attempt (map grown) starts from a clean outbox */
		eventlog_aborted(b->s->opt.outbox);
	for (size_t i = 0; i < b->count; i++) {
		const N2gg__V1__Event *ev = b->events[i];
		if (ev->seq <= b->cursor)
			continue;
		if (ev->seq != b->cursor + 1)
			break;   /* not contiguous: the rest waits for a fetch */
		int rc = b->s->apply(b->s->ctx, txn, ev, st);
		if (rc < 0)
			return rc;
		b->cursor = ev->seq;
	}
	if (!txn || b->cursor == b->s->cursor)
		return 0;
	uint8_t val[8];
	store_be64(val, b->cursor);
	return store_put(txn, b->s->cursor_db, b->s->opt.source, strlen(b->s->opt.source), val,
			 sizeof val, 0, st);
}

/* Applies the contiguous run of events after the cursor. Returns <0 when the batch failed. */
static int sub_apply_events(struct sub *s, N2gg__V1__Event **events, size_t count)
{
	struct sub_apply_batch b = {s, events, count, s->cursor};
	struct status st;
	int rc = s->store ? store_write(s->store, sub_apply_in_txn, &b, &st)
			  : sub_apply_in_txn(&b, NULL, &st);
	if (s->opt.outbox) {
		if (rc < 0) {
			eventlog_aborted(s->opt.outbox);
		} else {
			eventlog_committed(s->opt.outbox);
			if (s->opt.pub)
				pub_flush(s->opt.pub, s->opt.outbox);
		}
	}
	if (rc < 0) {
		log_error("applying events failed; will read them again", "source=%s error=%s",
			  s->opt.source, log_str(st.message));
		return rc;
	}
	uint64_t applied = b.cursor - s->cursor;
	s->stats.applied += applied;
	s->cursor = b.cursor;
	if (s->cursor > s->known_head)
		s->known_head = s->cursor;
	if (applied && s->on_progress)
		s->on_progress(s);
	return 0;
}

/* ---- catching up through ReadEvents ---- */

static void sub_open_req(struct sub *s);

static void sub_on_timer(uv_timer_t *t)
{
	struct sub *s = t->data;
	if (s->retry_pending) {
		s->retry_pending = false;
		sub_fetch(s);
		return;
	}
	/* the fetch timed out: drop the socket so a late reply cannot confuse the next one */
	log_warn("no reply to ReadEvents; retrying", "source=%s endpoint=%s", s->opt.source,
		 log_str(s->opt.api_endpoint));
	s->fetching = false;
	zwatch_close(s->req_watch);
	zmq_close(s->req_socket);
	s->req_socket = NULL;
	sub_open_req(s);
	s->retry_pending = true;
	uv_timer_start(&s->timer, sub_on_timer, SUB_RETRY_MS, 0);
}

static void sub_fetch(struct sub *s)
{
	if (s->fetching || s->retry_pending || !s->req_socket || s->halted)
		return;
	N2gg__V1__ReadEventsRequest body = N2GG__V1__READ_EVENTS_REQUEST__INIT;
	body.after_seq = s->cursor;
	body.max = s->opt.batch;
	s->fetch_after = s->cursor;
	s->head_doubted = false;   /* this fetch's reply settles it */
	N2gg__V1__Request req = N2GG__V1__REQUEST__INIT;
	snprintf(s->fetch_id, sizeof s->fetch_id, "sub-%s-%llu", s->opt.source,
		 (unsigned long long)++s->fetch_counter);
	req.request_id = s->fetch_id;
	req.method = "ReadEvents";
	uint8_t bodybuf[32];
	req.body.len = n2gg__v1__read_events_request__pack(&body, bodybuf);
	req.body.data = bodybuf;
	uint8_t frame[256];
	size_t len = n2gg__v1__request__pack(&req, frame);
	if (zmq_send(s->req_socket, frame, len, ZMQ_DONTWAIT) < 0) {
		s->retry_pending = true;
		uv_timer_start(&s->timer, sub_on_timer, SUB_RETRY_MS, 0);
		return;
	}
	zwatch_kick(s->req_watch);
	s->fetching = true;
	s->stats.fetches++;
	uv_timer_start(&s->timer, sub_on_timer, (uint64_t)s->opt.timeout_ms, 0);
}

static void sub_on_reply(struct zwatch *w)
{
	struct sub *s = w->data;
	zmq_msg_t msg;
	zmq_msg_init(&msg);
	if (zmq_msg_recv(&msg, s->req_socket, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&msg);
		return;
	}
	N2gg__V1__Reply *rep =
		n2gg__v1__reply__unpack(&s->arena.pb, zmq_msg_size(&msg), zmq_msg_data(&msg));
	zmq_msg_close(&msg);
	if (!rep || !s->fetching || strcmp(rep->request_id, s->fetch_id) != 0)
		goto done;   /* stale or garbage: the timer still guards the fetch in flight */
	uv_timer_stop(&s->timer);
	s->fetching = false;
	if (rep->code != N2GG__V1__STATUS_CODE__OK) {
		/* a key refused or without the service role waits for an operator: ask less often */
		bool denied = rep->code == N2GG__V1__STATUS_CODE__PERMISSION_DENIED ||
			      rep->code == N2GG__V1__STATUS_CODE__UNAUTHENTICATED;
		log_warn("ReadEvents refused; retrying", "source=%s code=%s error=%s",
			 s->opt.source, status_code_name((enum status_code)rep->code),
			 log_str(rep->message));
		s->retry_pending = true;
		uv_timer_start(&s->timer, sub_on_timer, denied ? SUB_DENIED_RETRY_MS : SUB_RETRY_MS, 0);
		goto done;
	}
	N2gg__V1__ReadEventsReply *page = n2gg__v1__read_events_reply__unpack(
		&s->arena.pb, rep->body.len, rep->body.data);
	if (!page) {
		s->retry_pending = true;
		uv_timer_start(&s->timer, sub_on_timer, SUB_RETRY_MS, 0);
		goto done;
	}
	s->last_heard_ms = date_now_ms();
	if (!sub_same_log(s, page->log_id, page->head_seq, s->fetch_after))
		goto done;
	if (page->head_seq > s->known_head)
		s->known_head = page->head_seq;
	if (sub_apply_events(s, page->events, page->n_events) < 0) {
		s->retry_pending = true;
		uv_timer_start(&s->timer, sub_on_timer, SUB_RETRY_MS, 0);
		goto done;
	}
	if (s->cursor < s->known_head)
		sub_fetch(s);
done:
	arena_reset(&s->arena);
}

static void sub_open_req(struct sub *s)
{
	s->req_socket = zmq_socket(s->zctx, ZMQ_DEALER);
	int linger = 0;
	int64_t max = 512ll << 20;
	zmq_setsockopt(s->req_socket, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(s->req_socket, ZMQ_MAXMSGSIZE, &max, sizeof max);
	struct status st;
	if (curve_client(s->opt.curve, s->req_socket, s->server_key, &st) < 0)
		log_error("cannot secure the ReadEvents socket", "source=%s error=%s",
			  s->opt.source, log_str(st.message));
	zmq_connect(s->req_socket, s->opt.api_endpoint);
	s->req_watch = zwatch_start(s->loop, s->req_socket, sub_on_reply, s);
}

/* ---- live events ---- */

static void sub_on_live(struct zwatch *w)
{
	struct sub *s = w->data;
	N2gg__V1__Event **run = arena_alloc(&s->arena, SUB_LIVE_DRAIN * sizeof *run);
	size_t count = 0;
	bool gap = false;
	uint64_t next = s->cursor + 1;
	for (int i = 0; i < SUB_LIVE_DRAIN; i++) {
		zmq_msg_t topic, body;
		zmq_msg_init(&topic);
		if (zmq_msg_recv(&topic, s->sub_socket, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&topic);
			break;
		}
		int more = zmq_msg_more(&topic);
		zmq_msg_init(&body);
		if (!more || zmq_msg_recv(&body, s->sub_socket, 0) < 0) {
			s->stats.malformed++;
			zmq_msg_close(&topic);
			zmq_msg_close(&body);
			continue;
		}
		while (zmq_msg_more(&body)) {   /* extra frames: not ours; drain them */
			zmq_msg_close(&body);
			zmq_msg_init(&body);
			zmq_msg_recv(&body, s->sub_socket, 0);
		}
		size_t tlen = zmq_msg_size(&topic);
		const char *t = zmq_msg_data(&topic);
		bool heartbeat = tlen > 10 && memcmp(t + tlen - 10, ".heartbeat", 10) == 0;
		if (heartbeat) {
			N2gg__V1__Heartbeat *hb = n2gg__v1__heartbeat__unpack(
				&s->arena.pb, zmq_msg_size(&body), zmq_msg_data(&body));
			/* a heartbeat may have waited in the queue while a fetch moved the cursor
			 * on: a head below the cursor is only asked about (a fetch), never
			 * believed. Another log identity is no matter of timing. */
			if (hb && sub_same_log(s, hb->log_id, hb->head_seq, 0)) {
				if (hb->head_seq > s->known_head)
					s->known_head = hb->head_seq;
				if (hb->head_seq < s->cursor)
					s->head_doubted = true;
			}
			s->stats.heartbeats++;
			s->last_heard_ms = date_now_ms();
		} else {
			N2gg__V1__Event *ev = n2gg__v1__event__unpack(&s->arena.pb, zmq_msg_size(&body),
								      zmq_msg_data(&body));
			if (!ev) {
				s->stats.malformed++;
			} else {
				s->stats.live++;
				s->last_heard_ms = date_now_ms();
				if (ev->seq > s->known_head)
					s->known_head = ev->seq;
				if (ev->seq < next) {
					s->stats.duplicates++;
				} else if (ev->seq == next && !gap) {
					run[count++] = ev;
					next++;
				} else if (!gap) {
					gap = true;
					s->stats.gaps++;
				}
			}
		}
		zmq_msg_close(&topic);
		zmq_msg_close(&body);
	}
	/* while a fetch is in flight its reply brings these too; applying them now is still
	 * safe, as anything at or below the cursor is skipped */
	if (count && !s->halted)
		sub_apply_events(s, run, count);
	if (s->cursor < s->known_head || s->head_doubted)
		sub_fetch(s);
	arena_reset(&s->arena);
}

static void sub_open_live(struct sub *s)
{
	s->sub_socket = zmq_socket(s->zctx, ZMQ_SUB);
	int linger = 0, hwm = 100000;
	int64_t max = 64ll << 20;
	zmq_setsockopt(s->sub_socket, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(s->sub_socket, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s->sub_socket, ZMQ_MAXMSGSIZE, &max, sizeof max);
	zmq_setsockopt(s->sub_socket, ZMQ_SUBSCRIBE, "", 0);
	struct status st;
	if (curve_client(s->opt.curve, s->sub_socket, s->server_key, &st) < 0)
		log_error("cannot secure the event socket", "source=%s error=%s", s->opt.source,
			  log_str(st.message));
	zmq_connect(s->sub_socket, s->opt.events_endpoint);
	s->sub_watch = zwatch_start(s->loop, s->sub_socket, sub_on_live, s);
}

int sub_start(struct sub *s, uv_loop_t *loop, void *zctx, const struct sub_options *opt,
	      struct store *store, MDB_dbi cursor_db, uint64_t start_after, sub_apply_fn apply,
	      void *ctx, struct status *st)
{
	memset(s, 0, sizeof *s);
	s->opt = *opt;
	if (!s->opt.batch)
		s->opt.batch = 1000;
	if (!s->opt.timeout_ms)
		s->opt.timeout_ms = 3000;
	s->loop = loop;
	s->zctx = zctx;
	s->store = store;
	s->cursor_db = cursor_db;
	s->apply = apply;
	s->ctx = ctx;
	s->cursor = start_after;
	if (!opt->curve)
		return status_fail(st, STATUS_INTERNAL, "following %s: no CURVE settings", opt->source);
	if (!opt->curve->plaintext) {
		int rc = curve_server_key(opt->curve, opt->source, s->server_key, st);
		if (rc < 0)
			return rc;
	}
	arena_init(&s->arena);
	if (store) {
		MDB_txn *txn;
		int rc = store_begin_read(store, &txn, st);
		if (rc < 0)
			return rc;
		rc = sub_read_cursor(txn, cursor_db, opt->source, &s->cursor, st);
		if (rc == 0)
			rc = sub_read_log_id(s, txn, st);
		mdb_txn_abort(txn);
		if (rc < 0)
			return rc;
	}
	s->known_head = s->cursor;
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	/* subscribe first, then read the log: nothing published in between is lost */
	sub_open_live(s);
	sub_open_req(s);
	log_info("following events", "source=%s after_seq=%llu", opt->source,
		 (unsigned long long)s->cursor);
	/* ask once at start, as the log may be ahead; its reply tells the head. (Pretending the
	 * head was ahead of the cursor instead made a caught-up follower of an idle source ask
	 * again and again.) */
	sub_fetch(s);
	return 0;
}

void sub_pause(struct sub *s)
{
	if (s->paused)
		return;
	s->paused = true;
	zwatch_close(s->sub_watch);
	zmq_close(s->sub_socket);
	s->sub_socket = NULL;
}

void sub_resume(struct sub *s)
{
	if (!s->paused)
		return;
	s->paused = false;
	sub_open_live(s);
}

void sub_stop(struct sub *s)
{
	uv_timer_stop(&s->timer);
	if (!uv_is_closing((uv_handle_t *)&s->timer))
		uv_close((uv_handle_t *)&s->timer, NULL);
	if (s->sub_socket) {
		zwatch_close(s->sub_watch);
		zmq_close(s->sub_socket);
		s->sub_socket = NULL;
	}
	if (s->req_socket) {
		zwatch_close(s->req_watch);
		zmq_close(s->req_socket);
		s->req_socket = NULL;
	}
	arena_free(&s->arena);
}
