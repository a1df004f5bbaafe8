/* idem: durable idempotency keys. A writing request's key (its principal and request id) is
 * stored with a digest of its method and body, when it was first served, and its reply, in
 * the same transaction as its effect. A request whose key is known gets that reply again
 * and changes nothing, across restarts and within one batch; the same key with another
 * method or body is refused. Keys are kept for a retention window (like payment APIs'
 * idempotency keys) and pruned in the background through an index by time. */
#ifndef N2GG_IDEM_H
#define N2GG_IDEM_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "status.h"

#define IDEM_DIGEST 32
#define IDEM_DB_REQUESTS "requests"          /* key -> created, digest, reply */
#define IDEM_DB_BY_TIME "requests_by_time"   /* created (be64) + key -> "" */

struct idem {
	MDB_dbi requests, by_time;
	int64_t retention_ms;
};

enum idem_found { IDEM_NEW, IDEM_REPLAY, IDEM_CONFLICT };

/* SHA-256 of the method and the request body. */
void idem_digest(const char *method, const void *body, size_t len, uint8_t out[IDEM_DIGEST]);

/* Looks `key` up in txn. IDEM_REPLAY: *reply (copied into the arena) and *len are the
 * stored reply; IDEM_CONFLICT: the key was used for another request; <0 on a store error. */
int idem_lookup(const struct idem *d, MDB_txn *txn, const char *key,
		const uint8_t digest[IDEM_DIGEST], struct arena *a, const uint8_t **reply,
		size_t *len, struct status *st);
/* Records a request served at `now_ms` and its reply (in the effect's transaction). */
int idem_record(const struct idem *d, MDB_txn *txn, const char *key,
		const uint8_t digest[IDEM_DIGEST], int64_t now_ms, const void *reply, size_t len,
		struct status *st);
/* Forgets at most `max` keys older than the retention window; *pruned says how many. */
int idem_prune(const struct idem *d, MDB_txn *txn, int64_t now_ms, size_t max, size_t *pruned,
	       struct status *st);

#endif
