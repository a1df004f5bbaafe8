/* notifier_store: the notifier's records in its LMDB store, and the indexes that follow a
 * delivery's state (queue, dead letters, digests held). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notifier.h"

const char *const notifier_db_names[NTF_DB_COUNT] = {
	"events",     "cursors",           "meta",  "schools", "clusters",
	"visits",     "notices",           "notice_index",      "deliveries",
	"notice_deliveries", "queue",      "dead",  "held",    "mi", "parked"};

int ntf_get(struct notifier *n, MDB_txn *txn, enum notifier_db db, const void *key, size_t klen,
	    const ProtobufCMessageDescriptor *desc, struct arena *a, void **out,
	    struct status *st)
{
	return store_get_message(txn, n->db[db], key, klen, desc, a, out, st);
}

int ntf_put(struct notifier *n, MDB_txn *txn, enum notifier_db db, const void *key, size_t klen,
	    const ProtobufCMessage *msg, struct arena *a, struct status *st)
{
	return store_put_message(txn, n->db[db], key, klen, msg, a, st);
}

int ntf_get_school(struct notifier *n, MDB_txn *txn, uint32_t urn, struct arena *a,
		   N2gg__V1__NotifierSchool **out, struct status *st)
{
	uint8_t key[4];
	store_be32(key, urn);
	return ntf_get(n, txn, NTF_DB_SCHOOLS, key, sizeof key,
		       &n2gg__v1__notifier_school__descriptor, a, (void **)out, st);
}

int ntf_put_school(struct notifier *n, MDB_txn *txn, const N2gg__V1__NotifierSchool *s,
		   struct arena *a, struct status *st)
{
	uint8_t key[4];
	store_be32(key, s->urn);
	return ntf_put(n, txn, NTF_DB_SCHOOLS, key, sizeof key, &s->base, a, st);
}

int ntf_get_cluster(struct notifier *n, MDB_txn *txn, const char *id, struct arena *a,
		    N2gg__V1__NotifierCluster **out, struct status *st)
{
	return ntf_get(n, txn, NTF_DB_CLUSTERS, id, strlen(id),
		       &n2gg__v1__notifier_cluster__descriptor, a, (void **)out, st);
}

int ntf_get_notice(struct notifier *n, MDB_txn *txn, const char *id, struct arena *a,
		   N2gg__V1__Notice **out, struct status *st)
{
	return ntf_get(n, txn, NTF_DB_NOTICES, id, strlen(id), &n2gg__v1__notice__descriptor, a,
		       (void **)out, st);
}

int ntf_get_delivery(struct notifier *n, MDB_txn *txn, const char *key, struct arena *a,
		     N2gg__V1__Delivery **out, struct status *st)
{
	return ntf_get(n, txn, NTF_DB_DELIVERIES, key, strlen(key),
		       &n2gg__v1__delivery__descriptor, a, (void **)out, st);
}

static size_t ntf_queue_key(uint8_t *out, int64_t due_ms, const char *key)
{
	size_t klen = strlen(key);
	store_be64(out, (uint64_t)(due_ms > 0 ? due_ms : 0));
	memcpy(out + 8, key, klen);
	return 8 + klen;
}

/* "urn/role" or "cluster/role": whose digest a held delivery belongs to */
static size_t ntf_held_key(uint8_t *out, size_t size, const N2gg__V1__Delivery *d)
{
	const N2gg__V1__Recipient *r = d->recipient;
	int len = r->urn ? snprintf((char *)out, size, "%u/%d", r->urn, (int)r->role)
			 : snprintf((char *)out, size, "%s/%d", r->cluster_id, (int)r->role);
	size_t klen = strlen(d->key);
	size_t at = (size_t)len + 1;
	if (at + klen > size)
		return 0;
	memcpy(out + at, d->key, klen);
	return at + klen;
}

/* Adds (or removes) the delivery to the index its state puts it in. */
static int ntf_index(struct notifier *n, MDB_txn *txn, const N2gg__V1__Delivery *d, bool add,
		     struct status *st)
{
	uint8_t key[600];
	size_t klen;
	enum notifier_db db;
	switch (d->state) {
	case N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING:
		db = NTF_DB_QUEUE;
		klen = ntf_queue_key(key, d->next_attempt_unix_ms, d->key);
		break;
	case N2GG__V1__DELIVERY_STATE__DELIVERY_DEAD:
		db = NTF_DB_DEAD;
		klen = strlen(d->key);
		memcpy(key, d->key, klen);
		break;
	case N2GG__V1__DELIVERY_STATE__DELIVERY_HELD:
		db = NTF_DB_HELD;
		klen = ntf_held_key(key, sizeof key, d);
		break;
	default:
		return 0;
	}
	if (!klen)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "delivery key too long");
	if (add)
		return store_put(txn, n->db[db], key, klen, "", 0, 0, st);
	int rc = store_del(txn, n->db[db], key, klen, st);
	return rc == -STATUS_NOT_FOUND ? 0 : rc;
}

int ntf_save_delivery(struct notifier *n, MDB_txn *txn, const N2gg__V1__Delivery *old,
		      const N2gg__V1__Delivery *d, struct arena *a, struct status *st)
{
	int rc;
	if (old && (rc = ntf_index(n, txn, old, false, st)) < 0)
		return rc;
	if ((rc = ntf_index(n, txn, d, true, st)) < 0)
		return rc;
	return ntf_put(n, txn, NTF_DB_DELIVERIES, d->key, strlen(d->key), &d->base, a, st);
}

int ntf_scan(struct notifier *n, MDB_txn *txn, enum notifier_db db, const void *prefix,
	     size_t plen, const ProtobufCMessageDescriptor *desc, struct arena *a, void ***out,
	     size_t *count, struct status *st)
{
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, n->db[db], &cur);
	if (mrc)
		return store_error(mrc, "reading the store", st);
	MDB_val k = {plen, (void *)prefix}, v;
	size_t cap = 0;
	void **items = NULL;
	*count = 0;
	int rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (plen && (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0))
			break;
		void *item;
		if (desc) {
			item = protobuf_c_message_unpack(desc, &a->pb, v.mv_size, v.mv_data);
			if (!item) {
				rc = status_fail(st, STATUS_INTERNAL, "a stored %s is corrupt",
						 desc->name);
				break;
			}
		} else {
			item = arena_strndup(a, (const char *)k.mv_data + plen, k.mv_size - plen);
		}
		items = arena_grow(a, items, *count, &cap, sizeof *items);
		items[(*count)++] = item;
	}
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_error(mrc, "reading the store", st);
	mdb_cursor_close(cur);
	*out = items;
	return rc;
}

int ntf_next_counter(struct notifier *n, MDB_txn *txn, const char *name, uint64_t *value,
		     struct status *st)
{
	MDB_val v;
	uint64_t now = 0;
	int rc = store_get(txn, n->db[NTF_DB_META], name, strlen(name), &v, st);
	if (rc == 0 && v.mv_size == 8)
		now = store_from_be64(v.mv_data);
	else if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	uint8_t buf[8];
	store_be64(buf, ++now);
	*value = now;
	return store_put(txn, n->db[NTF_DB_META], name, strlen(name), buf, 8, 0, st);
}

/* tag, "YYYY/NNN": where a sheet's records of one sort start */
static size_t ntf_mi_prefix(uint8_t key[NTF_MI_KEY_MAX], char tag, const char *number)
{
	key[0] = (uint8_t)tag;
	ntf_mi_key((char *)key + 1, number);
	return 1 + strlen((char *)key + 1);
}

size_t ntf_response_key(uint8_t key[NTF_MI_KEY_MAX], const char *number, uint32_t urn,
			const char *cluster_id)
{
	size_t len = ntf_mi_prefix(key, 'R', number);
	if (!urn && !cluster_id)
		return len;
	store_be32(key + len, urn);
	len += 4;
	if (urn)
		return len;
	size_t id = strlen(cluster_id);
	if (id == 0 || len + id > NTF_MI_KEY_MAX)
		return 0;
	memcpy(key + len, cluster_id, id);
	return len + id;
}

size_t ntf_mi_history_key(uint8_t key[NTF_MI_KEY_MAX], const char *number, uint32_t revision)
{
	size_t len = ntf_mi_prefix(key, 'H', number);
	store_be32(key + len, revision);
	return len + 4;
}

void ntf_mi_key(char out[16], const char *number)
{
	/* "014/13" -> "2013/014" */
	snprintf(out, 16, "20%.2s/%.3s", number + 4, number);
}
