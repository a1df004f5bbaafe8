/* idem: the requests databases (see idem.h). A record is
 *   [1: format 1][8: created, ms, big-endian][32: digest][reply...]
 * and its index entry is [8: created][key]. */
#include "idem.h"

#include <nettle/sha2.h>
#include <string.h>

#include "store.h"

#define IDEM_FORMAT 1
#define IDEM_HEAD (1 + 8 + IDEM_DIGEST)
#define IDEM_KEY_MAX 480   /* LMDB's default key limit is 511 bytes */

void idem_digest(const char *method, const void *body, size_t len, uint8_t out[IDEM_DIGEST])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(method) + 1, (const uint8_t *)method);   /* with its NUL */
	sha256_update(&ctx, len, body);
	sha256_digest(&ctx, IDEM_DIGEST, out);
}

static int idem_key_check(const char *key, struct status *st)
{
	if (strlen(key) > IDEM_KEY_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "request_id is too long (at most %d bytes with the principal)",
				   IDEM_KEY_MAX);
	return 0;
}

int idem_lookup(const struct idem *d, MDB_txn *txn, const char *key,
		const uint8_t digest[IDEM_DIGEST], struct arena *a, const uint8_t **reply,
		size_t *len, struct status *st)
{
	int rc = idem_key_check(key, st);
	if (rc < 0)
		return rc;
	MDB_val v;
	rc = store_get(txn, d->requests, key, strlen(key), &v, st);
	if (rc == -STATUS_NOT_FOUND)
		return IDEM_NEW;
	if (rc < 0)
		return rc;
	const uint8_t *p = v.mv_data;
	if (v.mv_size < IDEM_HEAD || p[0] != IDEM_FORMAT)
		return status_fail(st, STATUS_INTERNAL, "stored request %s is corrupt", key);
	if (memcmp(p + 9, digest, IDEM_DIGEST) != 0)
		return IDEM_CONFLICT;
	*len = v.mv_size - IDEM_HEAD;
	uint8_t *copy = arena_alloc(a, *len ? *len : 1);
	memcpy(copy, p + IDEM_HEAD, *len);
	*reply = copy;
	return IDEM_REPLAY;
}

int idem_record(const struct idem *d, MDB_txn *txn, const char *key,
		const uint8_t digest[IDEM_DIGEST], int64_t now_ms, const void *reply, size_t len,
		struct status *st)
{
	int rc = idem_key_check(key, st);
	if (rc < 0)
		return rc;
	size_t klen = strlen(key);
	MDB_val k = {klen, (void *)key}, v = {IDEM_HEAD + len, NULL};
	/* reserve, then write in place: the reply may be large (an import's report) */
	rc = mdb_put(txn, d->requests, &k, &v, MDB_RESERVE);
	if (rc)
		return store_error(rc, "recording a request", st);
	uint8_t *p = v.mv_data;
	p[0] = IDEM_FORMAT;
	store_be64(p + 1, (uint64_t)now_ms);
	memcpy(p + 9, digest, IDEM_DIGEST);
	memcpy(p + IDEM_HEAD, reply, len);
	uint8_t ikey[8 + IDEM_KEY_MAX];
	store_be64(ikey, (uint64_t)now_ms);
	memcpy(ikey + 8, key, klen);
	return store_put(txn, d->by_time, ikey, 8 + klen, "", 0, 0, st);
}

int idem_prune(const struct idem *d, MDB_txn *txn, int64_t now_ms, size_t max, size_t *pruned,
	       struct status *st)
{
	*pruned = 0;
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, d->by_time, &cur);
	if (rc)
		return store_error(rc, "pruning requests", st);
	MDB_val k, v;
	int64_t cutoff = now_ms - d->retention_ms;
	while (*pruned < max && (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
		if (k.mv_size < 8 || (int64_t)store_from_be64(k.mv_data) >= cutoff)
			break;
		MDB_val rk = {k.mv_size - 8, (uint8_t *)k.mv_data + 8};
		rc = mdb_del(txn, d->requests, &rk, NULL);
		if (rc && rc != MDB_NOTFOUND)
			break;
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
		(*pruned)++;
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return store_error(rc, "pruning requests", st);
	return 0;
}
