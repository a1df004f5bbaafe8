/* eventlog: the transactional outbox (see eventlog.h). */
#include "eventlog.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "store.h"

int eventlog_open(struct eventlog *log, MDB_txn *txn, MDB_dbi db, const char *source,
		  struct status *st)
{
	memset(log, 0, sizeof *log);
	log->db = db;
	log->source = source;
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, db, &cur);
	if (rc)
		return store_error(rc, "opening the event log", st);
	MDB_val k, v;
	rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8)
		log->head = store_from_be64(k.mv_data);
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return store_error(rc, "reading the event log head", st);
	log->txn_head = log->head;
	return 0;
}

static void eventlog_free_entries(struct eventlog *log, size_t from)
{
	for (size_t i = from; i < log->queued; i++) {
		free(log->queue[i].topic);
		free(log->queue[i].data);
	}
	log->queued = from;
}

void eventlog_close(struct eventlog *log)
{
	eventlog_free_entries(log, 0);
	free(log->queue);
	log->queue = NULL;
	log->queue_cap = 0;
}

int eventlog_append(struct eventlog *log, MDB_txn *txn, const char *topic, const char *actor,
		    const ProtobufCMessage *payload, uint64_t *seq, struct status *st)
{
	N2gg__V1__Event ev = N2GG__V1__EVENT__INIT;
	ev.seq = log->txn_head + 1;
	ev.topic = (char *)topic;
	ev.source = (char *)log->source;
	ev.time_unix_ms = date_now_ms();
	ev.actor = (char *)(actor ? actor : "");
	size_t plen = payload ? protobuf_c_message_get_packed_size(payload) : 0;
	uint8_t *pbuf = malloc(plen ? plen : 1);
	if (!pbuf)
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	if (payload)
		protobuf_c_message_pack(payload, pbuf);
	ev.payload.data = pbuf;
	ev.payload.len = plen;
	size_t len = n2gg__v1__event__get_packed_size(&ev);
	uint8_t *buf = malloc(len ? len : 1);
	char *topic_copy = strdup(topic);
	if (!buf || !topic_copy) {
		free(pbuf);
		free(buf);
		free(topic_copy);
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	}
	n2gg__v1__event__pack(&ev, buf);
	free(pbuf);

	uint8_t key[8];
	store_be64(key, ev.seq);
	int rc = store_put(txn, log->db, key, sizeof key, buf, len, MDB_APPEND, st);
	if (rc < 0) {
		free(buf);
		free(topic_copy);
		return rc;
	}
	if (log->queued == log->queue_cap) {
		size_t cap = log->queue_cap ? log->queue_cap * 2 : 64;
		struct eventlog_entry *q = realloc(log->queue, cap * sizeof *q);
		if (!q) {
			free(buf);
			free(topic_copy);
			return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
		}
		log->queue = q;
		log->queue_cap = cap;
	}
	log->queue[log->queued++] = (struct eventlog_entry){topic_copy, buf, len, ev.seq};
	log->txn_head = ev.seq;
	if (seq)
		*seq = ev.seq;
	return 0;
}

struct eventlog_mark eventlog_mark(const struct eventlog *log)
{
	return (struct eventlog_mark){log->txn_head, log->queued};
}

void eventlog_rollback(struct eventlog *log, struct eventlog_mark mark)
{
	eventlog_free_entries(log, mark.queued);
	log->txn_head = mark.txn_head;
}

void eventlog_committed(struct eventlog *log)
{
	log->head = log->txn_head;
	log->committed = log->queued;
}

void eventlog_aborted(struct eventlog *log)
{
	eventlog_free_entries(log, log->committed);
	log->txn_head = log->head;
}

void eventlog_drain(struct eventlog *log, void (*fn)(void *ctx, const struct eventlog_entry *e),
		    void *ctx)
{
	size_t n = log->committed;
	for (size_t i = 0; i < n; i++)
		fn(ctx, &log->queue[i]);
	for (size_t i = 0; i < n; i++) {
		free(log->queue[i].topic);
		free(log->queue[i].data);
	}
	if (log->queued > n)
		memmove(log->queue, log->queue + n, (log->queued - n) * sizeof *log->queue);
	log->queued -= n;
	log->committed = 0;
}

int eventlog_read(const struct eventlog *log, MDB_txn *txn, uint64_t after_seq, uint32_t max,
		  size_t max_bytes, struct arena *a, N2gg__V1__ReadEventsReply *out,
		  struct status *st)
{
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, log->db, &cur);
	if (rc)
		return store_error(rc, "opening the event log", st);
	out->events = arena_alloc(a, (max ? max : 1) * sizeof *out->events);
	out->n_events = 0;
	uint8_t key[8];
	store_be64(key, after_seq + 1);
	MDB_val k = {sizeof key, key}, v;
	size_t bytes = 0;
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && out->n_events < max && (bytes < max_bytes || out->n_events == 0)) {
		N2gg__V1__Event *ev = n2gg__v1__event__unpack(&a->pb, v.mv_size, v.mv_data);
		if (!ev) {
			mdb_cursor_close(cur);
			return status_fail(st, STATUS_INTERNAL, "event %llu in the log does not decode",
					   (unsigned long long)store_from_be64(k.mv_data));
		}
		out->events[out->n_events++] = ev;
		bytes += v.mv_size;
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return store_error(rc, "reading the event log", st);
	/* the head as this read transaction sees it, so the reply is self-consistent */
	MDB_cursor *last;
	out->head_seq = log->head;
	if (mdb_cursor_open(txn, log->db, &last) == 0) {
		if (mdb_cursor_get(last, &k, &v, MDB_LAST) == 0 && k.mv_size == 8)
			out->head_seq = store_from_be64(k.mv_data);
		mdb_cursor_close(last);
	}
	return 0;
}

int eventlog_get(const struct eventlog *log, MDB_txn *txn, uint64_t seq, struct arena *a,
		 N2gg__V1__Event **out, struct status *st)
{
	uint8_t key[8];
	MDB_val v;
	store_be64(key, seq);
	int rc = store_get(txn, log->db, key, sizeof key, &v, st);
	if (rc < 0)
		return rc;
	*out = n2gg__v1__event__unpack(&a->pb, v.mv_size, v.mv_data);
	if (!*out)
		return status_fail(st, STATUS_INTERNAL, "event %llu in the log does not decode",
				   (unsigned long long)seq);
	return 0;
}
