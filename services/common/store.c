/* store: LMDB environment, growing map, write retry (see store.h). */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

#define STORE_WRITE_ATTEMPTS 24  /* doubling from 64 MiB reaches far past any disk */

int store_error(int rc, const char *what, struct status *st)
{
	if (rc == MDB_MAP_FULL) {
		status_fail(st, STATUS_RESOURCE_EXHAUSTED, "%s: store map full", what);
		return STORE_ERR_MAP_FULL;
	}
	if (rc == MDB_NOTFOUND)
		return status_fail(st, STATUS_NOT_FOUND, "%s: not found", what);
	return status_fail(st, STATUS_INTERNAL, "%s: %s", what, mdb_strerror(rc));
}

static int store_mkdirs(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0750) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	return mkdir(path, 0750) < 0 && errno != EEXIST ? -1 : 0;
}

int store_open(struct store *s, const char *dir, const char *const *names, size_t count,
	       size_t initial_map_size, struct status *st)
{
	memset(s, 0, sizeof *s);
	snprintf(s->path, sizeof s->path, "%s", dir);
	if (count > STORE_MAX_DBS)
		return status_fail(st, STATUS_INTERNAL, "too many databases (%zu)", count);
	if (store_mkdirs(dir) < 0)
		return status_fail(st, STATUS_UNAVAILABLE, "cannot create store directory %s: %s", dir,
				   strerror(errno));
	int rc = mdb_env_create(&s->env);
	if (rc)
		return store_error(rc, "mdb_env_create", st);
	mdb_env_set_maxdbs(s->env, STORE_MAX_DBS);
	mdb_env_set_maxreaders(s->env, 126);
	rc = mdb_env_open(s->env, dir, MDB_NOTLS, 0640);
	if (rc) {
		mdb_env_close(s->env);
		s->env = NULL;
		return status_fail(st, STATUS_UNAVAILABLE, "cannot open store %s: %s", dir,
				   mdb_strerror(rc));
	}
	/* keep the larger of what the file already uses and what was asked for */
	MDB_envinfo info;
	mdb_env_info(s->env, &info);
	s->map_size = info.me_mapsize > initial_map_size ? info.me_mapsize : initial_map_size;
	mdb_env_set_mapsize(s->env, s->map_size);

	int dead = 0;
	mdb_reader_check(s->env, &dead);
	if (dead)
		log_warn("cleared stale store readers", "count=%d", dead);

	MDB_txn *txn;
	rc = mdb_txn_begin(s->env, NULL, 0, &txn);
	if (rc)
		goto fail;
	for (size_t i = 0; i < count; i++) {
		rc = mdb_dbi_open(txn, names[i], MDB_CREATE, &s->dbs[i]);
		if (rc) {
			mdb_txn_abort(txn);
			goto fail;
		}
	}
	rc = mdb_txn_commit(txn);
	if (rc)
		goto fail;
	s->db_count = count;
	return 0;
fail:
	mdb_env_close(s->env);
	s->env = NULL;
	return store_error(rc, "opening store databases", st);
}

void store_close(struct store *s)
{
	if (s->env) {
		mdb_env_sync(s->env, 1);
		mdb_env_close(s->env);
		s->env = NULL;
	}
}

int store_grow(struct store *s, struct status *st)
{
	size_t next = s->map_size * 2;
	int rc = mdb_env_set_mapsize(s->env, next);
	if (rc)
		return store_error(rc, "growing the store map", st);
	s->map_size = next;
	s->grow_count++;
	log_info("store map grown", "map_size=%zu", next);
	return 0;
}

int store_begin_write(struct store *s, MDB_txn **txn, struct status *st)
{
	int rc = mdb_txn_begin(s->env, NULL, 0, txn);
	return rc ? store_error(rc, "beginning a write transaction", st) : 0;
}

int store_begin_read(struct store *s, MDB_txn **txn, struct status *st)
{
	int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn);
	return rc ? store_error(rc, "beginning a read transaction", st) : 0;
}

int store_write(struct store *s, store_write_fn fn, void *ctx, struct status *st)
{
	for (int attempt = 0; attempt < STORE_WRITE_ATTEMPTS; attempt++) {
		MDB_txn *txn;
		int rc = store_begin_write(s, &txn, st);
		if (rc)
			return rc;
		rc = fn(ctx, txn, st);
		if (rc == 0) {
			int mrc = mdb_txn_commit(txn);
			if (mrc == 0)
				return 0;
			rc = store_error(mrc, "committing", st);
		} else {
			mdb_txn_abort(txn);
		}
		if (rc != STORE_ERR_MAP_FULL)
			return rc;
		if ((rc = store_grow(s, st)) < 0)
			return rc;
	}
	return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "store map could not grow enough");
}

int store_put(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen, const void *val,
	      size_t vlen, unsigned flags, struct status *st)
{
	MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
	int rc = mdb_put(txn, db, &k, &v, flags);
	return rc ? store_error(rc, "writing to the store", st) : 0;
}

int store_get(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen, MDB_val *val,
	      struct status *st)
{
	MDB_val k = {klen, (void *)key};
	int rc = mdb_get(txn, db, &k, val);
	return rc ? store_error(rc, "reading the store", st) : 0;
}

int store_del(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen, struct status *st)
{
	MDB_val k = {klen, (void *)key};
	int rc = mdb_del(txn, db, &k, NULL);
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc ? store_error(rc, "deleting from the store", st) : 0;
}

int store_get_message(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen,
		      const ProtobufCMessageDescriptor *desc, struct arena *a, void **out,
		      struct status *st)
{
	MDB_val val;
	int rc = store_get(txn, db, key, klen, &val, st);
	if (rc < 0)
		return rc;
	*out = protobuf_c_message_unpack(desc, &a->pb, val.mv_size, val.mv_data);
	if (!*out)
		return status_fail(st, STATUS_INTERNAL, "a stored %s is corrupt", desc->name);
	return 0;
}

int store_scan_messages(MDB_txn *txn, MDB_dbi db, const void *prefix, size_t plen,
			const ProtobufCMessageDescriptor *desc, struct arena *a, void ***out,
			size_t *n, struct status *st)
{
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, db, &cur);
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

int store_put_message(MDB_txn *txn, MDB_dbi db, const void *key, size_t klen,
		      const ProtobufCMessage *msg, struct arena *a, struct status *st)
{
	size_t len;
	void *data = arena_pack(a, msg, &len);
	return store_put(txn, db, key, klen, data, len, 0, st);
}
