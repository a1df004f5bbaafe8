/* sub: follows another service's events, reliably (the zguide's Clone pattern with the
 * publisher's LMDB log as the snapshot). It subscribes first, then reads everything after
 * its cursor with ReadEvents; live events are applied when they are the next in sequence,
 * dropped when already seen, and a gap (a jump in sequence, or a heartbeat showing a higher
 * head) is filled from ReadEvents. With a store, each batch of events is applied in one
 * write transaction that also stores the cursor, so a crash never applies an event twice
 * nor skips one. Without a store (the CLI's `events tail`) the cursor lives in memory.
 * The source's log identity is kept with the cursor: when the source's log turns out to be
 * another one (a store made anew) or to end before the cursor (a store restored from an
 * older backup), the follower stops applying and says why (log, `halted`), instead of
 * waiting forever for events it has already seen or applying another log's events. Only a
 * ReadEvents reply that ends before what the follower had applied when it asked proves
 * the latter; a heartbeat saying so may be an old one, and is checked by asking. */
#ifndef N2GG_SUB_H
#define N2GG_SUB_H

#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "arena.h"
#include "eventlog.h"
#include "n2gg/v1/common.pb-c.h"
#include "pub.h"
#include "status.h"
#include "store.h"
#include "zwatch.h"

/* Applies one event inside `txn` (NULL without a store). Return 0 when done with it, also
 * when the event is unusable (log why: it must not block the stream); <0 only for
 * failures worth retrying (the whole batch is rolled back and read again), including
 * STORE_ERR_MAP_FULL. */
typedef int (*sub_apply_fn)(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
			    struct status *st);

struct sub_options {
	const char *source;            /* the publishing service, e.g. "registry" */
	const char *events_endpoint;   /* its PUB socket */
	const char *api_endpoint;      /* its ROUTER socket, for ReadEvents */
	uint32_t batch;                /* events per ReadEvents call (0: 1000) */
	int timeout_ms;                /* per ReadEvents call (0: 3000) */
	/* A consumer that publishes what it does (needs a store): events its apply function
	 * appends to `outbox` commit with the batch and its cursor, then go out through `pub`. */
	struct eventlog *outbox;
	struct pub *pub;
	/* This process's CURVE identity; the source's public key is keys_dir/SOURCE.key. */
	const struct curve *curve;
};

struct sub_stats {
	uint64_t applied, live, duplicates, gaps, fetches, heartbeats, malformed;
};

#define SUB_LOG_ID_LEN 33

struct sub {
	struct sub_options opt;
	uint8_t server_key[32];        /* the source's public key (CURVE) */
	uv_loop_t *loop;
	void *zctx;
	void *sub_socket;
	struct zwatch *sub_watch;
	void *req_socket;
	struct zwatch *req_watch;
	uv_timer_t timer;              /* ReadEvents timeout and retry backoff */
	struct store *store;
	MDB_dbi cursor_db;
	uint64_t cursor;               /* last applied sequence number */
	uint64_t known_head;           /* highest sequence number heard of */
	bool fetching;
	bool retry_pending;
	/* the cursor when the fetch in flight was sent: every event up to it was committed
	 * at the source before the request, so a reply whose head is below it is proof the
	 * log ended earlier. The cursor itself may run ahead meanwhile on live events, and a
	 * heartbeat may have waited in the socket's queue: neither is proof of anything. */
	uint64_t fetch_after;
	bool head_doubted;             /* a heartbeat's head was below the cursor: confirm */
	char fetch_id[48];
	uint64_t fetch_counter;
	sub_apply_fn apply;
	void *ctx;
	struct arena arena;
	struct sub_stats stats;
	bool paused;
	char log_id[SUB_LOG_ID_LEN];   /* the source's log identity, "" until first heard */
	bool halted;                   /* the source's log is not the one followed: see above */
	char halt_reason[320];
	void (*on_progress)(struct sub *s);   /* optional: after every applied batch */
	/* date_now_ms() when the source last answered ReadEvents or sent an event or a
	 * heartbeat (0: never): a follower is connected while this is recent (/readyz) */
	int64_t last_heard_ms;
};

/* With `store`, the cursor is kept in `cursor_db` under the source's name (and
 * `start_after` is ignored); without, events after `start_after` are delivered. */
int sub_start(struct sub *s, uv_loop_t *loop, void *zctx, const struct sub_options *opt,
	      struct store *store, MDB_dbi cursor_db, uint64_t start_after, sub_apply_fn apply,
	      void *ctx, struct status *st);
void sub_stop(struct sub *s);

/* Drops the live subscription (as a network cut would) / takes it up again. */
void sub_pause(struct sub *s);
void sub_resume(struct sub *s);

/* Forgets the cursor and log identity kept for `source`: the next start reads its log from
 * the beginning (for --resync, with the read model built from it emptied). */
int sub_forget(MDB_txn *txn, MDB_dbi db, const char *source, struct status *st);
/* Forgets only the cursor: the next start reads the same log (its identity still checked)
 * from the beginning, e.g. for a store migration that needs events it skipped. */
int sub_rewind(MDB_txn *txn, MDB_dbi db, const char *source, struct status *st);

/* The cursor stored for `source` in a consumer's store (0 when none). */
int sub_read_cursor(MDB_txn *txn, MDB_dbi db, const char *source, uint64_t *cursor,
		    struct status *st);

#endif
