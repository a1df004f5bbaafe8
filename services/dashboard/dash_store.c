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
	return store_scan_messages(txn, d->db[db], prefix, plen, desc, a, out, n, st);
}
