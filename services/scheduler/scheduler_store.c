/* scheduler_store: the scheduler's records in its LMDB store. */
#include <string.h>

#include "scheduler.h"

const char *const scheduler_db_names[SCH_DB_COUNT] = {
	"events", "cursors", "schools", "partners", "allocations", "visits", "meta",
	"visit_reports", "cluster_choices"};

int sch_store_get(struct scheduler *s, MDB_txn *txn, enum scheduler_db db, const void *key,
		  size_t klen, const ProtobufCMessageDescriptor *desc, struct arena *a, void **out,
		  struct status *st)
{
	return store_get_message(txn, s->db[db], key, klen, desc, a, out, st);
}

int sch_store_put(struct scheduler *s, MDB_txn *txn, enum scheduler_db db, const void *key,
		  size_t klen, const ProtobufCMessage *msg, struct arena *a, struct status *st)
{
	return store_put_message(txn, s->db[db], key, klen, msg, a, st);
}

int sch_store_get_school(struct scheduler *s, MDB_txn *txn, uint32_t urn, struct arena *a,
			 N2gg__V1__SchedulerSchool **out, struct status *st)
{
	uint8_t key[4];
	store_be32(key, urn);
	return sch_store_get(s, txn, SCH_DB_SCHOOLS, key, sizeof key,
			     &n2gg__v1__scheduler_school__descriptor, a, (void **)out, st);
}

int sch_store_put_school(struct scheduler *s, MDB_txn *txn, const N2gg__V1__SchedulerSchool *sc,
			 struct arena *a, struct status *st)
{
	uint8_t key[4];
	store_be32(key, sc->urn);
	return sch_store_put(s, txn, SCH_DB_SCHOOLS, key, sizeof key, &sc->base, a, st);
}

int sch_store_get_partner(struct scheduler *s, MDB_txn *txn, const char *id, struct arena *a,
			  N2gg__V1__Partner **out, struct status *st)
{
	return sch_store_get(s, txn, SCH_DB_PARTNERS, id, strlen(id),
			     &n2gg__v1__partner__descriptor, a, (void **)out, st);
}

int sch_store_put_partner(struct scheduler *s, MDB_txn *txn, const N2gg__V1__Partner *p,
			  struct arena *a, struct status *st)
{
	return sch_store_put(s, txn, SCH_DB_PARTNERS, p->id, strlen(p->id), &p->base, a, st);
}

size_t sch_allocation_key(int role, uint32_t urn, const char *cluster_id, uint8_t *key,
			  size_t size)
{
	key[0] = (uint8_t)role;
	if (urn) {
		store_be32(key + 1, urn);
		return 5;
	}
	size_t n = strlen(cluster_id);
	if (n > size - 1)
		n = size - 1;
	memcpy(key + 1, cluster_id, n);
	return n + 1;
}

size_t sch_visit_key(uint32_t urn, const char *id, uint8_t *key, size_t size)
{
	store_be32(key, urn);
	size_t n = strlen(id);
	if (n > size - 4)
		n = size - 4;
	memcpy(key + 4, id, n);
	return n + 4;
}

int sch_store_scan(struct scheduler *s, MDB_txn *txn, enum scheduler_db db, const void *prefix,
		   size_t plen, const ProtobufCMessageDescriptor *desc, struct arena *a, void ***out,
		   size_t *n, struct status *st)
{
	return store_scan_messages(txn, s->db[db], prefix, plen, desc, a, out, n, st);
}

int sch_store_all(struct scheduler *s, MDB_txn *txn, enum scheduler_db db,
		  const ProtobufCMessageDescriptor *desc, struct arena *a, void ***out, size_t *n,
		  struct status *st)
{
	return sch_store_scan(s, txn, db, NULL, 0, desc, a, out, n, st);
}

int sch_store_mark_dirty(struct scheduler *s, MDB_txn *txn, bool dirty, struct status *st)
{
	uint8_t v = dirty;
	return store_put(txn, s->db[SCH_DB_META], "dirty", 5, &v, 1, 0, st);
}

bool sch_store_is_dirty(struct scheduler *s, MDB_txn *txn)
{
	MDB_val v;
	return store_get(txn, s->db[SCH_DB_META], "dirty", 5, &v, NULL) == 0 && v.mv_size == 1 &&
	       *(uint8_t *)v.mv_data;
}
