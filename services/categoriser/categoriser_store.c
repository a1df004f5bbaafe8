/* categoriser_store: the categoriser's records in its LMDB store. Keys are big-endian URNs
 * (then sequence numbers or half-terms) so a school's records sort together. */
#include <string.h>

#include "categoriser.h"

const char *const categoriser_db_names[CAT_DB_COUNT] = {
	"events", "cursors", "facts", "decisions", "overrides", "history", "monitoring", "meta"};

static int cat_store_get_message(MDB_txn *txn, MDB_dbi db, uint32_t urn,
				 const ProtobufCMessageDescriptor *desc, struct arena *a,
				 void **out, struct status *st)
{
	uint8_t key[4];
	store_be32(key, urn);
	return store_get_message(txn, db, key, sizeof key, desc, a, out, st);
}

static int cat_store_put_message(MDB_txn *txn, MDB_dbi db, uint32_t urn,
				 const ProtobufCMessage *msg, struct arena *a, struct status *st)
{
	uint8_t key[4];
	store_be32(key, urn);
	return store_put_message(txn, db, key, sizeof key, msg, a, st);
}

int cat_store_get_facts(struct categoriser *c, MDB_txn *txn, uint32_t urn, struct arena *a,
			N2gg__V1__SchoolFacts **out, struct status *st)
{
	return cat_store_get_message(txn, c->db[CAT_DB_FACTS], urn,
				     &n2gg__v1__school_facts__descriptor, a, (void **)out, st);
}

int cat_store_put_facts(struct categoriser *c, MDB_txn *txn, const N2gg__V1__SchoolFacts *sf,
			struct arena *a, struct status *st)
{
	return cat_store_put_message(txn, c->db[CAT_DB_FACTS], sf->urn, &sf->base, a, st);
}

int cat_store_get_decision(struct categoriser *c, MDB_txn *txn, uint32_t urn, struct arena *a,
			   N2gg__V1__Decision **out, struct status *st)
{
	return cat_store_get_message(txn, c->db[CAT_DB_DECISIONS], urn,
				     &n2gg__v1__decision__descriptor, a, (void **)out, st);
}

int cat_store_put_decision(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Decision *d,
			   struct arena *a, struct status *st)
{
	return cat_store_put_message(txn, c->db[CAT_DB_DECISIONS], d->urn, &d->base, a, st);
}

int cat_store_get_override(struct categoriser *c, MDB_txn *txn, uint32_t urn, struct arena *a,
			   N2gg__V1__Override **out, struct status *st)
{
	return cat_store_get_message(txn, c->db[CAT_DB_OVERRIDES], urn,
				     &n2gg__v1__override__descriptor, a, (void **)out, st);
}

int cat_store_put_override(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Override *o,
			   struct arena *a, struct status *st)
{
	return cat_store_put_message(txn, c->db[CAT_DB_OVERRIDES], o->urn, &o->base, a, st);
}

int cat_store_del_override(struct categoriser *c, MDB_txn *txn, uint32_t urn, struct status *st)
{
	uint8_t key[4];
	store_be32(key, urn);
	return store_del(txn, c->db[CAT_DB_OVERRIDES], key, sizeof key, st);
}

int cat_store_add_history(struct categoriser *c, MDB_txn *txn, uint32_t urn, uint64_t seq,
			  struct status *st)
{
	uint8_t key[12];
	store_be32(key, urn);
	store_be64(key + 4, seq);
	return store_put(txn, c->db[CAT_DB_HISTORY], key, sizeof key, "", 0, 0, st);
}

int cat_store_mark_monitoring(struct categoriser *c, MDB_txn *txn, uint32_t urn, unsigned year,
			      unsigned half_term, struct status *st)
{
	uint8_t key[9];
	store_be32(key, urn);
	store_be32(key + 4, year);
	key[8] = (uint8_t)half_term;
	MDB_val k = {sizeof key, key}, v = {0, ""};
	int rc = mdb_put(txn, c->db[CAT_DB_MONITORING], &k, &v, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST)
		return 1;
	return rc ? store_error(rc, "marking monitoring", st) : 0;
}

int cat_store_get_meta(struct categoriser *c, MDB_txn *txn, const char *key, MDB_val *val,
		       struct status *st)
{
	return store_get(txn, c->db[CAT_DB_META], key, strlen(key), val, st);
}

int cat_store_put_meta(struct categoriser *c, MDB_txn *txn, const char *key, const void *val,
		       size_t len, struct status *st)
{
	return store_put(txn, c->db[CAT_DB_META], key, strlen(key), val, len, 0, st);
}
