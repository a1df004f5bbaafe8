/* apply: the four services' events into the read model. Each source has its own reliable
 * subscriber (common/sub.c); a batch of events is applied in one write transaction with the
 * cursor, as readmodel_apply says, so a crash never applies one twice nor skips one. An
 * event that cannot be used is logged and counted, never retried: it must not stop the
 * stream. */
#include <stdio.h>
#include <string.h>

#include "dashboard.h"
#include "log.h"
#include "summary.h"

struct dash_apply_ctx {
	struct dashboard *d;
	enum readmodel_source src;
};

static struct dash_apply_ctx dash_apply_ctxs[READMODEL_SOURCES];

static int dash_apply(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev, struct status *st)
{
	struct dash_apply_ctx *c = ctx;
	struct dashboard *d = c->d;
	struct arena *a = &d->arena;
	arena_reset(a);
	struct readmodel_effects fx;
	const char *why;
	if (readmodel_apply(c->src, ev, a, &fx, &why) < 0) {
		d->stats.malformed_events++;
		log_warn("event not usable, skipped", "source=%s seq=%llu topic=%s why=%s",
			 readmodel_source_names[c->src], (unsigned long long)ev->seq,
			 log_str(ev->topic), log_str(why));
		return 0;
	}
	for (size_t i = 0; i < fx.count; i++) {
		const struct readmodel_effect *e = &fx.items[i];
		int rc = e->value ? dash_store_put(d, txn, e->db, e->key, e->klen, e->value, a, st)
				  : store_del(txn, d->db[e->db], e->key, e->klen, st);
		if (rc < 0 && !(rc == -STATUS_NOT_FOUND && !e->value))
			return rc;
	}
	return fx.line_urn ? dash_line_refresh(d->db, txn, fx.line_urn, a, st) : 0;
}

int dash_line_refresh(const MDB_dbi *db, MDB_txn *txn, uint32_t urn, struct arena *a,
		      struct status *st)
{
	size_t klen, len;
	uint8_t *key = readmodel_key_urn(a, urn, NULL, &klen);
	N2gg__V1__School *s;
	N2gg__V1__CategoryChanged *c = NULL;
	int rc = store_get_message(txn, db[DASH_DB_SCHOOLS], key, klen,
				   &n2gg__v1__school__descriptor, a, (void **)&s, st);
	if (rc == -STATUS_NOT_FOUND)   /* a category or an allocation heard before the school */
		return 0;
	if (rc < 0)
		return rc;
	rc = store_get_message(txn, db[DASH_DB_CATEGORIES], key, klen,
			       &n2gg__v1__category_changed__descriptor, a, (void **)&c, st);
	if (rc == -STATUS_NOT_FOUND)
		c = NULL;
	else if (rc < 0)
		return rc;
	/* the school's own roles: keyed URN . role, one range */
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, db[DASH_DB_ALLOCATIONS], &cur);
	if (mrc)
		return store_error(mrc, "reading the allocations", st);
	const N2gg__V1__Allocation **own = NULL;
	size_t n_own = 0, cap = 0;
	MDB_val k = {klen, key}, v;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	     mrc == 0 && k.mv_size >= klen && memcmp(k.mv_data, key, klen) == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		void *al = protobuf_c_message_unpack(&n2gg__v1__allocation__descriptor, &a->pb,
						     v.mv_size, v.mv_data);
		if (!al) {
			mdb_cursor_close(cur);
			return status_fail(st, STATUS_INTERNAL, "a stored allocation is corrupt");
		}
		own = arena_grow(a, own, n_own, &cap, sizeof *own);
		own[n_own++] = al;
	}
	mdb_cursor_close(cur);
	uint8_t *line = summary_encode(a, s, c, own, n_own, &len);
	return store_put(txn, db[DASH_DB_SCHOOL_LINES], key, klen, line, len, 0, st);
}

int dash_lines_rebuild(const MDB_dbi *db, MDB_txn *txn, struct status *st)
{
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, db[DASH_DB_SCHOOLS], &cur);
	if (mrc)
		return store_error(mrc, "reading the schools", st);
	struct arena a;
	arena_init(&a);
	MDB_val k, v;
	size_t n = 0;
	int rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), n++) {
		arena_reset(&a);
		if (k.mv_size == 4)
			rc = dash_line_refresh(db, txn, store_from_be32(k.mv_data), &a, st);
	}
	mdb_cursor_close(cur);
	arena_free(&a);
	if (rc == 0)
		log_info("schools' lines rebuilt", "schools=%zu", n);
	return rc;
}

int dash_apply_start(struct dashboard *d, struct status *st)
{
	struct service *svc = d->svc;
	for (int i = 0; i < READMODEL_SOURCES; i++) {
		const char *name = readmodel_source_names[i];
		char events[64];
		snprintf(events, sizeof events, "%s-events", name);
		struct sub_options opt = {
			.source = name,
			.events_endpoint = service_setting(svc, events),
			.api_endpoint = service_setting(svc, name),
			.curve = &svc->curve,
		};
		dash_apply_ctxs[i] = (struct dash_apply_ctx){d, (enum readmodel_source)i};
		int rc = sub_start(&d->subs[i], &svc->loop, svc->zctx, &opt, &svc->store,
				   d->db[DASH_DB_CURSORS], 0, dash_apply, &dash_apply_ctxs[i], st);
		if (rc < 0)
			return rc;
		service_follow(svc, name, &d->subs[i]);
	}
	return 0;
}

void dash_apply_stop(struct dashboard *d)
{
	for (int i = 0; i < READMODEL_SOURCES; i++)
		if (d->subs[i].loop)
			sub_stop(&d->subs[i]);
}
