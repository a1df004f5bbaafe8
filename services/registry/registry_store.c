/* registry_store: schools, clusters, memberships and indexes in LMDB (see registry_store.h). */
#include "registry_store.h"

#include <string.h>

#include "school.h"
#include "store.h"

const char *const registry_db_names[REGISTRY_DB_COUNT] = {
	"events", "schools", "clusters", "memberships", "cluster_members", "school_events", "groups",
	"comparators",
};

static void *registry_store_unpack(const ProtobufCMessageDescriptor *desc, const MDB_val *v,
				   struct arena *a)
{
	return protobuf_c_message_unpack(desc, &a->pb, v->mv_size, v->mv_data);
}

int registry_store_get_school(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
			      struct arena *a, N2gg__V1__School **out, struct status *st)
{
	uint8_t key[4];
	MDB_val v;
	store_be32(key, urn);
	int rc = store_get(txn, rs->db[REGISTRY_DB_SCHOOLS], key, sizeof key, &v, st);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(st, STATUS_NOT_FOUND, "no school with URN %u", urn);
	if (rc < 0)
		return rc;
	*out = registry_store_unpack(&n2gg__v1__school__descriptor, &v, a);
	if (!*out)
		return status_fail(st, STATUS_INTERNAL, "the record of school %u does not decode", urn);
	school_complete(*out, a);
	return 0;
}

int registry_store_put_school(const struct registry_store *rs, MDB_txn *txn,
			      const N2gg__V1__School *school, struct arena *a, struct status *st)
{
	uint8_t key[4];
	store_be32(key, school->urn);
	return store_put_message(txn, rs->db[REGISTRY_DB_SCHOOLS], key, sizeof key,
					  &school->base, a, st);
}

int registry_store_each_school(const struct registry_store *rs, MDB_txn *txn, uint32_t after_urn,
			       struct arena *a,
			       int (*fn)(void *ctx, N2gg__V1__School *school), void *ctx,
			       struct status *st)
{
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, rs->db[REGISTRY_DB_SCHOOLS], &cur);
	if (rc)
		return store_error(rc, "listing schools", st);
	uint8_t key[4];
	store_be32(key, after_urn + 1);
	MDB_val k = {sizeof key, key}, v;
	int result = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		N2gg__V1__School *s = registry_store_unpack(&n2gg__v1__school__descriptor, &v, a);
		if (!s) {
			result = status_fail(st, STATUS_INTERNAL, "a school record does not decode");
			break;
		}
		school_complete(s, a);
		if ((result = fn(ctx, s)) < 0)
			break;
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND && result == 0)
		return store_error(rc, "listing schools", st);
	return result < 0 ? result : 0;
}

int registry_store_get_cluster(const struct registry_store *rs, MDB_txn *txn, const char *id,
			       struct arena *a, N2gg__V1__Cluster **out, struct status *st)
{
	MDB_val v;
	int rc = store_get(txn, rs->db[REGISTRY_DB_CLUSTERS], id, strlen(id), &v, st);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(st, STATUS_NOT_FOUND,
				   "no cluster \"%s\" (see `n2gg cluster list`)", id);
	if (rc < 0)
		return rc;
	*out = registry_store_unpack(&n2gg__v1__cluster__descriptor, &v, a);
	if (!*out)
		return status_fail(st, STATUS_INTERNAL, "the record of cluster %s does not decode", id);
	return 0;
}

int registry_store_put_cluster(const struct registry_store *rs, MDB_txn *txn,
			       const N2gg__V1__Cluster *cluster, struct arena *a, struct status *st)
{
	/* members are derived from the index; never stored twice */
	N2gg__V1__Cluster copy = *cluster;
	copy.n_member_urns = 0;
	copy.member_urns = NULL;
	return store_put_message(txn, rs->db[REGISTRY_DB_CLUSTERS], cluster->id,
					  strlen(cluster->id), &copy.base, a, st);
}

int registry_store_list_clusters(const struct registry_store *rs, MDB_txn *txn, struct arena *a,
				 N2gg__V1__Cluster ***out, size_t *count, struct status *st)
{
	MDB_stat stat;
	mdb_stat(txn, rs->db[REGISTRY_DB_CLUSTERS], &stat);
	*out = arena_alloc(a, (stat.ms_entries + 1) * sizeof **out);
	*count = 0;
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, rs->db[REGISTRY_DB_CLUSTERS], &cur);
	if (rc)
		return store_error(rc, "listing clusters", st);
	MDB_val k, v;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && *count < stat.ms_entries;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		N2gg__V1__Cluster *c = registry_store_unpack(&n2gg__v1__cluster__descriptor, &v, a);
		if (c)
			(*out)[(*count)++] = c;
	}
	mdb_cursor_close(cur);
	return 0;
}

static size_t registry_store_member_key(uint8_t *key, const char *id, uint32_t urn)
{
	size_t n = strlen(id);
	memcpy(key, id, n);
	key[n] = '\0';
	store_be32(key + n + 1, urn);
	return n + 5;
}

/* Calls fn for every entry of `db` whose key starts with `prefix`, in key order. */
static int registry_store_scan(MDB_txn *txn, MDB_dbi db, const void *prefix, size_t plen,
			       void (*fn)(void *ctx, const MDB_val *k, const MDB_val *v), void *ctx,
			       const char *what, struct status *st)
{
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, db, &cur);
	if (rc)
		return store_error(rc, what, st);
	MDB_val k = {plen, (void *)prefix}, v;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	     rc == 0 && k.mv_size >= plen && memcmp(k.mv_data, prefix, plen) == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		fn(ctx, &k, &v);
	mdb_cursor_close(cur);
	return rc && rc != MDB_NOTFOUND ? store_error(rc, what, st) : 0;
}

/* A growing arena array filled by a scan. */
struct registry_store_list {
	struct arena *arena;
	void *items;
	size_t count, cap, prefix_len;
};

static void registry_store_take_member(void *ctx, const MDB_val *k, const MDB_val *v)
{
	(void)v;
	struct registry_store_list *l = ctx;
	l->items = arena_grow(l->arena, l->items, l->count, &l->cap, sizeof(uint32_t));
	((uint32_t *)l->items)[l->count++] = store_from_be32((const uint8_t *)k->mv_data + l->prefix_len);
}

int registry_store_cluster_members(const struct registry_store *rs, MDB_txn *txn,
				   const char *id, struct arena *a, uint32_t **urns,
				   size_t *count, struct status *st)
{
	uint8_t key[64];
	size_t plen = strlen(id) + 1;
	if (plen > sizeof key - 4)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "cluster id too long");
	registry_store_member_key(key, id, 0);
	struct registry_store_list l = {.arena = a, .prefix_len = plen};
	int rc = registry_store_scan(txn, rs->db[REGISTRY_DB_CLUSTER_MEMBERS], key, plen,
				     registry_store_take_member, &l, "listing cluster members", st);
	*urns = l.items;
	*count = l.count;
	return rc;
}

int registry_store_add_membership(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
				  const char *from_cluster, const N2gg__V1__Membership *m,
				  struct arena *a, struct status *st)
{
	/* key: urn, date, then a counter so two moves on one day keep their order */
	N2gg__V1__Membership **list;
	size_t count;
	int rc = registry_store_memberships(rs, txn, urn, a, &list, &count, st);
	if (rc < 0)
		return rc;
	uint8_t key[4 + 10 + 4];
	store_be32(key, urn);
	memcpy(key + 4, m->from_date, 10);
	store_be32(key + 14, (uint32_t)count);
	if ((rc = store_put_message(txn, rs->db[REGISTRY_DB_MEMBERSHIPS], key, sizeof key,
					     &m->base, a, st)) < 0)
		return rc;
	uint8_t mkey[64];
	if (from_cluster && from_cluster[0]) {
		size_t n = registry_store_member_key(mkey, from_cluster, urn);
		if ((rc = store_del(txn, rs->db[REGISTRY_DB_CLUSTER_MEMBERS], mkey, n, st)) < 0)
			return rc;
	}
	if (m->cluster_id[0]) {
		size_t n = registry_store_member_key(mkey, m->cluster_id, urn);
		if ((rc = store_put(txn, rs->db[REGISTRY_DB_CLUSTER_MEMBERS], mkey, n, "", 0, 0, st)) < 0)
			return rc;
	}
	return 0;
}

static void registry_store_take_membership(void *ctx, const MDB_val *k, const MDB_val *v)
{
	(void)k;
	struct registry_store_list *l = ctx;
	N2gg__V1__Membership *m = registry_store_unpack(&n2gg__v1__membership__descriptor, v, l->arena);
	if (!m)
		return;
	l->items = arena_grow(l->arena, l->items, l->count, &l->cap, sizeof m);
	((N2gg__V1__Membership **)l->items)[l->count++] = m;
}

int registry_store_memberships(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
			       struct arena *a, N2gg__V1__Membership ***out, size_t *count,
			       struct status *st)
{
	uint8_t key[4];
	store_be32(key, urn);
	struct registry_store_list l = {.arena = a};
	int rc = registry_store_scan(txn, rs->db[REGISTRY_DB_MEMBERSHIPS], key, sizeof key,
				     registry_store_take_membership, &l, "reading memberships", st);
	*out = l.items;
	*count = l.count;
	return rc;
}

int registry_store_index_event(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
			       uint64_t seq, struct status *st)
{
	uint8_t key[12];
	store_be32(key, urn);
	store_be64(key + 4, seq);
	/* sequence numbers only grow, so each school's entries are appended in order */
	return store_put(txn, rs->db[REGISTRY_DB_SCHOOL_EVENTS], key, sizeof key, "", 0, 0, st);
}

static void registry_store_take_seq(void *ctx, const MDB_val *k, const MDB_val *v)
{
	(void)v;
	struct registry_store_list *l = ctx;
	l->items = arena_grow(l->arena, l->items, l->count, &l->cap, sizeof(uint64_t));
	((uint64_t *)l->items)[l->count++] = store_from_be64((const uint8_t *)k->mv_data + 4);
}

int registry_store_school_event_seqs(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
				     struct arena *a, uint64_t **seqs, size_t *count,
				     struct status *st)
{
	uint8_t key[4];
	store_be32(key, urn);
	struct registry_store_list l = {.arena = a};
	int rc = registry_store_scan(txn, rs->db[REGISTRY_DB_SCHOOL_EVENTS], key, sizeof key,
				     registry_store_take_seq, &l, "reading a school's history", st);
	*seqs = l.items;
	*count = l.count;
	return rc;
}

int registry_store_get_group(const struct registry_store *rs, MDB_txn *txn, const char *id,
			     struct arena *a, N2gg__V1__Group **out, struct status *st)
{
	MDB_val v;
	int rc = store_get(txn, rs->db[REGISTRY_DB_GROUPS], id, strlen(id), &v, st);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(st, STATUS_NOT_FOUND, "no federation or partnership \"%s\"", id);
	if (rc < 0)
		return rc;
	*out = registry_store_unpack(&n2gg__v1__group__descriptor, &v, a);
	if (!*out)
		return status_fail(st, STATUS_INTERNAL, "the record of group %s does not decode", id);
	return 0;
}

int registry_store_put_group(const struct registry_store *rs, MDB_txn *txn,
			     const N2gg__V1__Group *group, struct arena *a, struct status *st)
{
	return store_put_message(txn, rs->db[REGISTRY_DB_GROUPS], group->id,
					  strlen(group->id), &group->base, a, st);
}

/* year, key stage, area, LA: big-endian, so the keys sort as ListComparators lists them */
#define REGISTRY_COMPARATOR_KEY_LEN 10

static void registry_store_comparator_key(uint8_t key[REGISTRY_COMPARATOR_KEY_LEN],
					  const N2gg__V1__Comparator *c)
{
	store_be32(key, c->year);
	key[4] = (uint8_t)c->key_stage;
	key[5] = (uint8_t)c->area;
	store_be32(key + 6, c->la_code);
}

int registry_store_get_comparator(const struct registry_store *rs, MDB_txn *txn,
				  const N2gg__V1__Comparator *key, struct arena *a,
				  N2gg__V1__Comparator **out, struct status *st)
{
	uint8_t k[REGISTRY_COMPARATOR_KEY_LEN];
	MDB_val v;
	registry_store_comparator_key(k, key);
	int rc = store_get(txn, rs->db[REGISTRY_DB_COMPARATORS], k, sizeof k, &v, st);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(st, STATUS_NOT_FOUND, "no comparator for %u, key stage %d, %s %u",
				   key->year, key->key_stage,
				   key->area == N2GG__V1__COMPARATOR_AREA__AREA_LA ? "LA" : "area",
				   key->la_code);
	if (rc < 0)
		return rc;
	*out = registry_store_unpack(&n2gg__v1__comparator__descriptor, &v, a);
	if (!*out)
		return status_fail(st, STATUS_INTERNAL, "a comparator record of %u does not decode",
				   key->year);
	return 0;
}

int registry_store_put_comparator(const struct registry_store *rs, MDB_txn *txn,
				  const N2gg__V1__Comparator *comparator, struct arena *a,
				  struct status *st)
{
	uint8_t k[REGISTRY_COMPARATOR_KEY_LEN];
	registry_store_comparator_key(k, comparator);
	return store_put_message(txn, rs->db[REGISTRY_DB_COMPARATORS], k, sizeof k,
				 &comparator->base, a, st);
}

int registry_store_list_comparators(const struct registry_store *rs, MDB_txn *txn,
				    uint32_t year, N2gg__V1__KeyStage key_stage,
				    N2gg__V1__ComparatorArea area, struct arena *a,
				    N2gg__V1__Comparator ***out, size_t *count, struct status *st)
{
	struct registry_store_list l = {.arena = a};
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, rs->db[REGISTRY_DB_COMPARATORS], &cur);
	if (rc)
		return store_error(rc, "listing comparators", st);
	/* keys start with the year: a year given starts the scan at its first key and ends it
	 * at the next year's */
	uint8_t from[4];
	store_be32(from, year);
	MDB_val k = {sizeof from, from}, v;
	int result = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const uint8_t *key = k.mv_data;
		if (k.mv_size != REGISTRY_COMPARATOR_KEY_LEN) {
			result = status_fail(st, STATUS_INTERNAL, "a comparator key is %zu bytes long",
					     k.mv_size);
			break;
		}
		if (year && store_from_be32(key) != year)
			break;
		if ((key_stage && key[4] != (uint8_t)key_stage) || (area && key[5] != (uint8_t)area))
			continue;
		N2gg__V1__Comparator *c = registry_store_unpack(&n2gg__v1__comparator__descriptor, &v, a);
		if (!c) {
			result = status_fail(st, STATUS_INTERNAL, "a comparator record of %u does not decode",
					     store_from_be32(key));
			break;
		}
		l.items = arena_grow(a, l.items, l.count, &l.cap, sizeof c);
		((N2gg__V1__Comparator **)l.items)[l.count++] = c;
	}
	mdb_cursor_close(cur);
	*out = l.items;
	*count = l.count;
	if (result < 0)
		return result;
	return rc && rc != MDB_NOTFOUND ? store_error(rc, "listing comparators", st) : 0;
}
