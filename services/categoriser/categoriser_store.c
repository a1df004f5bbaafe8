/* categoriser_store: the categoriser's records in its LMDB store. Keys are big-endian URNs
 * (then sequence numbers or half-terms) so a school's records sort together. */
#include <string.h>

#include "categoriser.h"

const char *const categoriser_db_names[CAT_DB_COUNT] = {
	"events", "cursors", "facts", "decisions", "overrides", "history", "monitoring", "meta",
	"comparators"};

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

int cat_store_del_meta(struct categoriser *c, MDB_txn *txn, const char *key, struct status *st)
{
	int rc = store_del(txn, c->db[CAT_DB_META], key, strlen(key), st);
	return rc == -STATUS_NOT_FOUND ? 0 : rc;
}

/* year, key stage, area, LA code (0 for England): one record per area's figures of a
 * year and key stage, as the registry keeps them */
#define CAT_COMPARATOR_KEY_LEN 10
static void cat_comparator_key(const N2gg__V1__Comparator *cmp, uint8_t key[CAT_COMPARATOR_KEY_LEN])
{
	store_be32(key, cmp->year);
	key[4] = (uint8_t)cmp->key_stage;
	key[5] = (uint8_t)cmp->area;
	store_be32(key + 6, cmp->area == N2GG__V1__COMPARATOR_AREA__AREA_LA ? cmp->la_code : 0);
}

int cat_store_get_comparator(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Comparator *key,
			     struct arena *a, N2gg__V1__Comparator **out, struct status *st)
{
	uint8_t k[CAT_COMPARATOR_KEY_LEN];
	cat_comparator_key(key, k);
	return store_get_message(txn, c->db[CAT_DB_COMPARATORS], k, sizeof k,
				 &n2gg__v1__comparator__descriptor, a, (void **)out, st);
}

int cat_store_put_comparator(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Comparator *cmp,
			     struct arena *a, struct status *st)
{
	uint8_t k[CAT_COMPARATOR_KEY_LEN];
	cat_comparator_key(cmp, k);
	return store_put_message(txn, c->db[CAT_DB_COMPARATORS], k, sizeof k, &cmp->base, a, st);
}

int cat_store_load_comparators(struct categoriser *c, MDB_txn *txn,
			       struct facts_comparators *out, struct status *st)
{
	out->count = 0;
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, c->db[CAT_DB_COMPARATORS], &cur);
	if (mrc)
		return store_error(mrc, "reading comparators", st);
	MDB_val k, v;
	/* newest first: when the set is full, the oldest years are the ones left out */
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_LAST); mrc == 0 && out->count < FACTS_MAX_COMPARATORS;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
		const uint8_t *key = k.mv_data;
		if (k.mv_size != CAT_COMPARATOR_KEY_LEN)
			continue;
		uint32_t la = store_from_be32(key + 6);
		if (key[5] == N2GG__V1__COMPARATOR_AREA__AREA_LA && la != c->la_code)
			continue;   /* another LA's: kept for a change of --la, not used */
		N2gg__V1__Comparator *cmp = (N2gg__V1__Comparator *)protobuf_c_message_unpack(
			&n2gg__v1__comparator__descriptor, NULL, v.mv_size, v.mv_data);
		if (!cmp) {
			mdb_cursor_close(cur);
			return status_fail(st, STATUS_INTERNAL, "stored comparators are corrupt");
		}
		facts_comparators_add(out, cmp);
		protobuf_c_message_free_unpacked(&cmp->base, NULL);
	}
	mdb_cursor_close(cur);
	return mrc == 0 || mrc == MDB_NOTFOUND ? 0 : store_error(mrc, "reading comparators", st);
}
