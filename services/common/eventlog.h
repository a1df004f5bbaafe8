/* eventlog: a service's durable, gapless event log in its own LMDB store (the
 * transactional outbox). eventlog_append() writes an Event in the caller's write
 * transaction, next to the state change it describes, and queues it; once the transaction
 * commits, eventlog_committed() makes the queue ready to publish. Keys are big-endian
 * sequence numbers, so appends use MDB_APPEND and reads are range scans. */
#ifndef N2GG_EVENTLOG_H
#define N2GG_EVENTLOG_H

#include <lmdb.h>
#include <stdint.h>

#include "arena.h"
#include "n2gg/v1/common.pb-c.h"
#include "status.h"

#define EVENTLOG_ID_LEN 33   /* 32 hex digits and a NUL */

struct eventlog_entry {
	char *topic;
	uint8_t *data;   /* a packed n2gg.v1.Event */
	size_t len;
	uint64_t seq;
};

struct eventlog {
	MDB_dbi db;
	const char *source;
	uint64_t head;       /* last committed sequence number */
	uint64_t txn_head;   /* last sequence number in the open transaction */
	struct eventlog_entry *queue;   /* appended, not yet published */
	size_t queued, queue_cap;
	size_t committed;    /* queue[0..committed) are committed and may be published */
	char id[EVENTLOG_ID_LEN];   /* the log's identity (see service.c), "" when unknown */
};

int eventlog_open(struct eventlog *log, MDB_txn *txn, MDB_dbi db, const char *source,
		  struct status *st);
void eventlog_close(struct eventlog *log);

/* Appends an event with `payload` packed into Event.payload. Returns the new sequence number
 * through *seq (may be NULL). */
int eventlog_append(struct eventlog *log, MDB_txn *txn, const char *topic, const char *actor,
		    const ProtobufCMessage *payload, uint64_t *seq, struct status *st);

/* For nested transactions: a mark to roll the open transaction's appends back to. */
struct eventlog_mark {
	uint64_t txn_head;
	size_t queued;
};
struct eventlog_mark eventlog_mark(const struct eventlog *log);
void eventlog_rollback(struct eventlog *log, struct eventlog_mark mark);

/* The transaction committed / aborted. */
void eventlog_committed(struct eventlog *log);
void eventlog_aborted(struct eventlog *log);

/* Hands out the committed queue and empties it: call fn for each entry in order. */
void eventlog_drain(struct eventlog *log, void (*fn)(void *ctx, const struct eventlog_entry *e),
		    void *ctx);

/* Events after `after_seq`, at most `max` of them and about `max_bytes`, unpacked into the
 * arena. */
int eventlog_read(const struct eventlog *log, MDB_txn *txn, uint64_t after_seq, uint32_t max,
		  size_t max_bytes, struct arena *a, N2gg__V1__ReadEventsReply *out,
		  struct status *st);

/* One event by sequence number. */
int eventlog_get(const struct eventlog *log, MDB_txn *txn, uint64_t seq, struct arena *a,
		 N2gg__V1__Event **out, struct status *st);

#endif
