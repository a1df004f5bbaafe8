/* dash_store: the dashboard's records in its LMDB store. */
#include <string.h>

#include "dashboard.h"

int dash_store_get(struct dashboard *d, MDB_txn *txn, enum dash_db db, const void *key,
		   size_t klen, const ProtobufCMessageDescriptor *desc, struct arena *a, void **out,
		   struct status *st)
{
	return store_get_message(txn, d->db[db], key, klen, desc, a, out, st);
}

int dash_store_put(struct dashboard *d, MDB_txn *txn, enum dash_db db, const void *key,
		   size_t klen, const ProtobufCMessage *msg, struct arena *a, struct status *st)
{
	return store_put_message(txn, d->db[db], key, klen, msg, a, st);
}

int dash_store_scan(struct dashboard *d, MDB_txn *txn, enum dash_db db, const void *prefix,
		    size_t plen, const ProtobufCMessageDescriptor *desc, struct arena *a,
		    void ***out, size_t *n, struct status *st)
{
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, d->db[db], &cur);
	if (mrc)
		return store_error(mrc, "reading the store", st);
	MDB_val k = {plen, (void *)prefix}, v;
	size_t cap = 0;
	void **items = NULL;
	*n = 0;
	int rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST);
	     mrc == 0 && (!plen || (k.mv_size >= plen && memcmp(k.mv_data, prefix, plen) == 0));
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		void *m = protobuf_c_message_unpack(desc, &a->pb, v.mv_size, v.mv_data);
		if (!m) {
			rc = status_fail(st, STATUS_INTERNAL, "a stored %s is corrupt", desc->name);
			break;
		}
		items = arena_grow(a, items, *n, &cap, sizeof *items);
		items[(*n)++] = m;
	}
	mdb_cursor_close(cur);
	*out = items;
	return rc;
}
