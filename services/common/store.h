/* store: one LMDB environment per service with named databases. Writes go through
 * store_write(), which runs a function in a write transaction and, when the map is full,
 * aborts, doubles the map and runs it again, so callers never see MDB_MAP_FULL. The write
 * function must therefore touch nothing outside the transaction. */
#ifndef N2GG_STORE_H
#define N2GG_STORE_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "status.h"

#define STORE_MAX_DBS 32
/* Returned by store functions (and to be passed up by write functions) when LMDB reports
 * MDB_MAP_FULL: store_write() grows the map and retries. */
#define STORE_ERR_MAP_FULL (-1000)

struct store {
	MDB_env *env;
	MDB_dbi dbs[STORE_MAX_DBS];
	size_t db_count;
	size_t map_size;
	unsigned long grow_count;
	char path[512];
};

/* Opens (creating) the environment in directory `dir` with the named databases, in the
 * order given: dbs[i] is names[i]. Clears stale reader slots left by dead processes. */
int store_open(struct store *s, const char *dir, const char *const *names, size_t count,
	       size_t initial_map_size, struct status *st);
void store_close(struct store *s);

typedef int (*store_write_fn)(void *ctx, MDB_txn *txn, struct status *st);
/* Runs fn in a write transaction and commits it. */
int store_write(struct store *s, store_write_fn fn, void *ctx, struct status *st);

/* Begins a write transaction / grows the map after MDB_MAP_FULL (for callers that manage
 * the transaction themselves, like the API batcher). */
int store_begin_write(struct store *s, MDB_txn **txn, struct status *st);
int store_grow(struct store *s, struct status *st);
int store_begin_read(struct store *s, MDB_txn **txn, struct status *st);

/* mdb_put / mdb_get / mdb_del with errors turned into statuses (and MAP_FULL into
 * STORE_ERR_MAP_FULL). store_get returns STATUS_NOT_FOUND's code negated when absent. */
int store_put(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen, const void *val,
	      size_t vlen, unsigned flags, struct status *st);
int store_get(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen, MDB_val *val,
	      struct status *st);
int store_del(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen, struct status *st);
/* A protobuf message under `key`, packed from / unpacked into the arena. The get returns
 * -STATUS_NOT_FOUND when absent (st set, as store_get) and STATUS_INTERNAL naming the type
 * when the stored bytes do not unpack. */
int store_get_message(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen,
		      const ProtobufCMessageDescriptor *desc, struct arena *a, void **out,
		      struct status *st);
int store_put_message(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen,
		      const ProtobufCMessage *msg, struct arena *a, struct status *st);
/* Every message whose key starts with `prefix` (every one when plen is 0), in key order,
 * unpacked into the arena; *out is NULL when there is none. */
int store_scan_messages(MDB_txn *txn, MDB_dbi db, const void *prefix, size_t plen,
			const ProtobufCMessageDescriptor *desc, struct arena *a, void ***out,
			size_t *n, struct status *st);
/* Maps an LMDB return code to a status (MDB_MAP_FULL to STORE_ERR_MAP_FULL). */
int store_error(int rc, const char *what, struct status *st);

/* Big-endian keys: byte order equals numeric order, so log keys sort and MDB_APPEND works. */
static inline void store_be64(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
}
static inline uint64_t store_from_be64(const uint8_t in[8])
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | in[i];
	return v;
}
static inline void store_be32(uint8_t out[4], uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
}
static inline uint32_t store_from_be32(const uint8_t in[4])
{
	return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

#endif
