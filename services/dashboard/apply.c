/* apply: the four services' events into the read model. Each source has its own reliable
 * subscriber (common/sub.c); a batch of events is applied in one write transaction with the
 * cursor, as readmodel_apply says, so a crash never applies one twice nor skips one. An
 * event that cannot be used is logged and counted, never retried: it must not stop the
 * stream. */
#include <stdio.h>
#include <string.h>

#include "dashboard.h"
#include "log.h"

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
	return 0;
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
