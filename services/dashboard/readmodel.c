/* readmodel: see readmodel.h. */
#include "readmodel.h"

#include <stdbool.h>
#include <string.h>

#include "n2gg/v1/categoriser.pb-c.h"
#include "n2gg/v1/notifier.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"
#include "n2gg/v1/scheduler.pb-c.h"
#include "registry_event.h"
#include "store.h"

const char *const dash_db_names[DASH_DB_COUNT] = {
	"events", "cursors", "schools", "clusters", "comparators", "categories",
	"category_history", "allocations", "visits", "visit_reports", "notices", "deliveries",
	"mi_sheets", "mi_responses", "accounts", "sessions", "partners", "cluster_choices",
	"school_lines", "monitoring_overdue", "groups"};

const char *const readmodel_source_names[READMODEL_SOURCES] = {"registry", "categoriser",
							       "scheduler", "notifier"};

uint8_t *readmodel_key_urn(struct arena *a, uint32_t urn, const char *suffix, size_t *klen)
{
	size_t n = suffix ? strlen(suffix) : 0;
	uint8_t *k = arena_alloc(a, 4 + n + 1);
	store_be32(k, urn);
	if (n)
		memcpy(k + 4, suffix, n);
	*klen = 4 + n;
	return k;
}

uint8_t *readmodel_key_half_term(struct arena *a, uint32_t urn, uint32_t year,
				 uint32_t half_term)
{
	uint8_t *k = arena_alloc(a, 9);
	store_be32(k, urn);
	store_be32(k + 4, year);
	k[8] = (uint8_t)half_term;
	return k;
}

uint8_t *readmodel_key_allocation(struct arena *a, uint32_t urn, int role,
				  const char *cluster_id, size_t *klen)
{
	/* a CEP serves a cluster: kept under URN 0, so a school's own roles are one range */
	size_t n = urn ? 0 : strlen(cluster_id ? cluster_id : "");
	uint8_t *k = arena_alloc(a, 5 + n);
	store_be32(k, urn);
	k[4] = (uint8_t)role;
	if (n)
		memcpy(k + 5, cluster_id, n);
	*klen = 5 + n;
	return k;
}

static void rm_effect(struct arena *a, struct readmodel_effects *out, enum dash_db db,
		      const uint8_t *key, size_t klen, const ProtobufCMessage *value)
{
	out->items = arena_grow(a, out->items, out->count, &out->cap, sizeof *out->items);
	out->items[out->count++] = (struct readmodel_effect){db, key, klen, value};
}

static void rm_put_str(struct arena *a, struct readmodel_effects *out, enum dash_db db,
		       const char *key, const ProtobufCMessage *value)
{
	rm_effect(a, out, db, (const uint8_t *)key, strlen(key), value);
}

/* Unpacks the payload as `desc`, with what protobuf-c would not read back dropped. */
static void *rm_payload(const N2gg__V1__Event *ev, const ProtobufCMessageDescriptor *desc,
			struct arena *a)
{
	ProtobufCMessage *m =
		protobuf_c_message_unpack(desc, &a->pb, ev->payload.len, ev->payload.data);
	if (m)
		arena_message_drop_field_zero(m);
	return m;
}

static int rm_fail(const char **why, const char *text)
{
	*why = text;
	return -1;
}

static int rm_registry(const N2gg__V1__Event *ev, struct arena *a, struct readmodel_effects *out,
		       const char **why)
{
	N2gg__V1__RegistryEvent *re = rm_payload(ev, &n2gg__v1__registry_event__descriptor, a);
	if (!re)
		return rm_fail(why, "the payload is not a RegistryEvent");
	uint32_t urn;
	const N2gg__V1__School *school = registry_event_school(re, &urn);
	if (school) {
		if (!school->urn)
			return rm_fail(why, "a school event without a URN");
		size_t klen;
		uint8_t *key = readmodel_key_urn(a, school->urn, NULL, &klen);
		rm_effect(a, out, DASH_DB_SCHOOLS, key, klen, &school->base);
		out->line_urn = school->urn;
	} else if (re->body_case == N2GG__V1__REGISTRY_EVENT__BODY_CLUSTER) {
		const N2gg__V1__Cluster *c = re->cluster->cluster;
		if (!c || !c->id[0])
			return rm_fail(why, "a cluster event without a cluster");
		rm_put_str(a, out, DASH_DB_CLUSTERS, c->id, &c->base);
	} else if (re->body_case == N2GG__V1__REGISTRY_EVENT__BODY_COMPARATOR) {
		const N2gg__V1__Comparator *c = re->comparator->comparator;
		if (!c || !c->year)
			return rm_fail(why, "a comparator event without a comparator");
		uint8_t *key = arena_alloc(a, 10);
		store_be32(key, c->year);
		key[4] = (uint8_t)c->key_stage;
		key[5] = (uint8_t)c->area;
		store_be32(key + 6, c->area == N2GG__V1__COMPARATOR_AREA__AREA_LA ? c->la_code : 0);
		rm_effect(a, out, DASH_DB_COMPARATORS, key, 10, &c->base);
	} else if (re->body_case == N2GG__V1__REGISTRY_EVENT__BODY_GROUP) {
		/* the group after the change, members and all: a member removed is simply absent */
		const N2gg__V1__Group *g = re->group->group;
		if (!g || !g->id[0])
			return rm_fail(why, "a group event without a group");
		rm_put_str(a, out, DASH_DB_GROUPS, g->id, &g->base);
	}
	return 0;
}

/* The category history keeps the event itself: its time and actor are part of the story. */
static void rm_history(const N2gg__V1__Event *ev, uint32_t urn, struct arena *a,
		       struct readmodel_effects *out)
{
	uint8_t *key = arena_alloc(a, 12);
	store_be32(key, urn);
	store_be64(key + 4, ev->seq);
	rm_effect(a, out, DASH_DB_CATEGORY_HISTORY, key, 12, arena_message_copy(a, &ev->base));
}

static int rm_categoriser(const N2gg__V1__Event *ev, struct arena *a,
			  struct readmodel_effects *out, const char **why)
{
	if (strcmp(ev->topic, "category.changed") == 0) {
		N2gg__V1__CategoryChanged *c =
			rm_payload(ev, &n2gg__v1__category_changed__descriptor, a);
		if (!c || !c->urn)
			return rm_fail(why, "a category.changed without a school");
		size_t klen;
		uint8_t *key = readmodel_key_urn(a, c->urn, NULL, &klen);
		rm_effect(a, out, DASH_DB_CATEGORIES, key, klen, &c->base);
		rm_history(ev, c->urn, a, out);
		out->line_urn = c->urn;
	} else if (strncmp(ev->topic, "category.override.", 18) == 0) {
		N2gg__V1__OverrideChanged *o =
			rm_payload(ev, &n2gg__v1__override_changed__descriptor, a);
		if (!o || !o->override || !o->override->urn)
			return rm_fail(why, "an override event without a school");
		rm_history(ev, o->override->urn, a, out);
	} else if (strcmp(ev->topic, "category.monitoring.overdue") == 0) {
		N2gg__V1__MonitoringOverdue *m =
			rm_payload(ev, &n2gg__v1__monitoring_overdue__descriptor, a);
		if (!m || !m->urn || !m->year || !m->half_term)
			return rm_fail(why, "a monitoring.overdue without a school and half-term");
		rm_effect(a, out, DASH_DB_MONITORING_OVERDUE,
			  readmodel_key_half_term(a, m->urn, m->year, m->half_term), 9, &m->base);
	}
	return 0;
}

static int rm_scheduler(const N2gg__V1__Event *ev, struct arena *a, struct readmodel_effects *out,
			const char **why)
{
	size_t klen;
	if (strcmp(ev->topic, "allocation.changed") == 0) {
		N2gg__V1__AllocationChanged *c =
			rm_payload(ev, &n2gg__v1__allocation_changed__descriptor, a);
		const N2gg__V1__Allocation *al = c ? c->allocation : NULL;
		if (!al || (!al->urn && !al->cluster_id[0]))
			return rm_fail(why, "an allocation.changed without a school or cluster");
		uint8_t *key = readmodel_key_allocation(a, al->urn, al->role, al->cluster_id, &klen);
		/* an allocation from before its basis was sent says so only in its reason */
		bool ended = !al->partner_id[0] &&
			     (al->basis == N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_NOT_ENTITLED ||
			      (al->basis == N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_UNKNOWN &&
			       strcmp(al->reason, READMODEL_ALLOCATION_ENDED) == 0));
		rm_effect(a, out, DASH_DB_ALLOCATIONS, key, klen, ended ? NULL : &al->base);
		out->line_urn = al->urn;   /* a CEP (URN 0) is joined when a list is read */
	} else if (strcmp(ev->topic, "visit.scheduled") == 0 ||
		   strcmp(ev->topic, "visit.cancelled") == 0) {
		N2gg__V1__VisitEvent *v = rm_payload(ev, &n2gg__v1__visit_event__descriptor, a);
		if (!v || !v->visit || !v->visit->urn || !v->visit->id[0])
			return rm_fail(why, "a visit event without a visit");
		uint8_t *key = readmodel_key_urn(a, v->visit->urn, v->visit->id, &klen);
		bool cancelled = ev->topic[6] == 'c';
		rm_effect(a, out, DASH_DB_VISITS, key, klen, cancelled ? NULL : &v->visit->base);
	} else if (strcmp(ev->topic, "partner.changed") == 0) {
		/* kept after the partner leaves (active false): its visits and reports name it */
		N2gg__V1__PartnerChanged *c = rm_payload(ev, &n2gg__v1__partner_changed__descriptor, a);
		if (!c || !c->partner || !c->partner->id[0])
			return rm_fail(why, "a partner.changed without a partner");
		rm_put_str(a, out, DASH_DB_PARTNERS, c->partner->id, &c->partner->base);
	} else if (strcmp(ev->topic, "cluster.choice_recorded") == 0) {
		N2gg__V1__ClusterChoiceEvent *c =
			rm_payload(ev, &n2gg__v1__cluster_choice_event__descriptor, a);
		if (!c || !c->choice || !c->choice->cluster_id[0])
			return rm_fail(why, "a cluster.choice_recorded without a cluster");
		rm_put_str(a, out, DASH_DB_CLUSTER_CHOICES, c->choice->cluster_id, &c->choice->base);
	} else if (strcmp(ev->topic, "visit.reported") == 0) {
		N2gg__V1__VisitReportEvent *r =
			rm_payload(ev, &n2gg__v1__visit_report_event__descriptor, a);
		const N2gg__V1__VisitReport *rep = r ? r->report : NULL;
		if (!rep || !rep->visit || !rep->visit->urn || !rep->visit_id[0])
			return rm_fail(why, "a visit.reported without a visit");
		uint8_t *key = readmodel_key_urn(a, rep->visit->urn, rep->visit_id, &klen);
		rm_effect(a, out, DASH_DB_VISIT_REPORTS, key, klen, &rep->base);
	}
	return 0;
}

static uint8_t *rm_delivery_key(struct arena *a, const N2gg__V1__Delivery *d, size_t *klen)
{
	size_t nid = strlen(d->notice_id), nkey = strlen(d->key);
	uint8_t *k = arena_alloc(a, 4 + nid + 1 + nkey);
	store_be32(k, d->urn);
	memcpy(k + 4, d->notice_id, nid);
	k[4 + nid] = 0;
	memcpy(k + 5 + nid, d->key, nkey);
	*klen = 5 + nid + nkey;
	return k;
}

static int rm_notifier(const N2gg__V1__Event *ev, struct arena *a, struct readmodel_effects *out,
		       const char **why)
{
	const char *t = ev->topic;
	size_t klen;
	if (strcmp(t, "notice.created") == 0 || strcmp(t, "notice.updated") == 0) {
		N2gg__V1__NoticeCreated *c = rm_payload(ev, &n2gg__v1__notice_created__descriptor, a);
		if (!c || !c->notice || !c->notice->id[0])
			return rm_fail(why, "a notice event without a notice");
		uint8_t *key = readmodel_key_urn(a, c->notice->urn, c->notice->id, &klen);
		rm_effect(a, out, DASH_DB_NOTICES, key, klen, &c->notice->base);
		for (size_t i = 0; i < c->n_deliveries; i++) {
			const N2gg__V1__Delivery *d = c->deliveries[i];
			if (d->key[0] && d->notice_id[0]) {
				uint8_t *dk = rm_delivery_key(a, d, &klen);
				rm_effect(a, out, DASH_DB_DELIVERIES, dk, klen, &d->base);
			}
		}
	} else if (strcmp(t, "notice.delivered") == 0 || strcmp(t, "notice.dead") == 0 ||
		   strcmp(t, "notice.no_address") == 0 || strcmp(t, "notice.retried") == 0 ||
		   strcmp(t, "notice.withdrawn") == 0) {
		N2gg__V1__DeliveryEvent *d = rm_payload(ev, &n2gg__v1__delivery_event__descriptor, a);
		if (!d || !d->delivery || !d->delivery->key[0] || !d->delivery->notice_id[0])
			return rm_fail(why, "a delivery event without a delivery");
		uint8_t *key = rm_delivery_key(a, d->delivery, &klen);
		rm_effect(a, out, DASH_DB_DELIVERIES, key, klen, &d->delivery->base);
	} else if (strcmp(t, "notice.mi.responded") == 0) {
		N2gg__V1__MiResponded *r = rm_payload(ev, &n2gg__v1__mi_responded__descriptor, a);
		const N2gg__V1__MiResponse *resp = r ? r->response : NULL;
		if (!resp || !resp->number[0])
			return rm_fail(why, "an MI response without a sheet number");
		size_t nn = strlen(resp->number), nc = strlen(resp->cluster_id);
		uint8_t *key = arena_alloc(a, nn + 5 + nc);
		memcpy(key, resp->number, nn);
		key[nn] = 0;
		store_be32(key + nn + 1, resp->urn);
		memcpy(key + nn + 5, resp->cluster_id, nc);
		rm_effect(a, out, DASH_DB_MI_RESPONSES, key, nn + 5 + nc, &resp->base);
	} else if (strncmp(t, "notice.mi.", 10) == 0) {
		N2gg__V1__MiEvent *m = rm_payload(ev, &n2gg__v1__mi_event__descriptor, a);
		if (!m || !m->sheet || !m->sheet->number[0])
			return rm_fail(why, "an MI sheet event without a number");
		rm_put_str(a, out, DASH_DB_MI_SHEETS, m->sheet->number, &m->sheet->base);
	}
	return 0;
}

int readmodel_apply(enum readmodel_source src, const N2gg__V1__Event *ev, struct arena *a,
		    struct readmodel_effects *out, const char **why)
{
	*out = (struct readmodel_effects){0};
	*why = NULL;
	switch (src) {
	case READMODEL_REGISTRY: return rm_registry(ev, a, out, why);
	case READMODEL_CATEGORISER: return rm_categoriser(ev, a, out, why);
	case READMODEL_SCHEDULER: return rm_scheduler(ev, a, out, why);
	case READMODEL_NOTIFIER: return rm_notifier(ev, a, out, why);
	default: return rm_fail(why, "an unknown source");
	}
}
