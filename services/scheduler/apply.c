/* apply: the scheduler's read models. From the registry, each school's phase, status,
 * cluster, federation and location; from the categoriser, its category. A change that can
 * move an allocation marks the plan dirty in the same transaction (so a crash cannot lose
 * it) and asks for an incremental plan. */
#include <string.h>

#include "n2gg/v1/categoriser.pb-c.h"
#include "log.h"
#include "registry_event.h"
#include "n2gg/v1/registry.pb-c.h"
#include "scheduler.h"

/* Whether the planner would see a difference. */
static bool apply_plan_relevant(const N2gg__V1__SchedulerSchool *a,
				const N2gg__V1__SchedulerSchool *b)
{
	return !a || a->phase != b->phase || a->status != b->status ||
	       strcmp(a->cluster_id, b->cluster_id) || strcmp(a->federation_code, b->federation_code) ||
	       a->easting != b->easting || a->northing != b->northing ||
	       strcmp(a->category, b->category) || a->half_termly_monitoring != b->half_termly_monitoring;
}

static int apply_save(struct scheduler *s, MDB_txn *txn, const N2gg__V1__SchedulerSchool *old,
		      const N2gg__V1__SchedulerSchool *now, struct arena *a, struct status *st)
{
	int rc = sch_store_put_school(s, txn, now, a, st);
	if (rc == 0 && apply_plan_relevant(old, now)) {
		rc = sch_store_mark_dirty(s, txn, true, st);
		scheduler_request_replan(s);
	}
	return rc;
}

int scheduler_apply_registry(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
			     struct status *st)
{
	struct scheduler *s = ctx;
	struct arena *a = &s->arena;
	arena_reset(a);
	N2gg__V1__RegistryEvent *re = (N2gg__V1__RegistryEvent *)protobuf_c_message_unpack(
		&n2gg__v1__registry_event__descriptor, &a->pb, ev->payload.len, ev->payload.data);
	if (!re) {
		log_warn("malformed registry event ignored", "seq=%llu topic=%s",
			 (unsigned long long)ev->seq, log_str(ev->topic));
		return 0;
	}
	uint32_t urn;
	const N2gg__V1__School *school = registry_event_school(re, &urn);
	if (!school)
		return 0;   /* clusters and groups: their schools' events carry what changes */
	if (!school->urn) {
		s->stats.unknown_schools++;
		log_warn("registry event without a school ignored", "seq=%llu topic=%s",
			 (unsigned long long)ev->seq, log_str(ev->topic));
		return 0;
	}
	N2gg__V1__SchedulerSchool *old = NULL;
	int rc = sch_store_get_school(s, txn, school->urn, a, &old, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	N2gg__V1__SchedulerSchool *now = arena_message(a, &n2gg__v1__scheduler_school__descriptor);
	now->urn = school->urn;
	now->name = school->name;
	now->phase = school->phase;
	now->status = school->status;
	now->cluster_id = school->cluster_id;
	now->federation_code = school->federation_code;
	now->easting = school->easting;
	now->northing = school->northing;
	now->address = school->address ? arena_printf(a, "%s%s%s%s%s", school->address->street,
						       school->address->town[0] ? ", " : "",
						       school->address->town,
						       school->address->postcode[0] ? ", " : "",
						       school->address->postcode)
				       : "";
	if (old) {   /* the category is the categoriser's */
		now->category = old->category;
		now->half_termly_monitoring = old->half_termly_monitoring;
	}
	return apply_save(s, txn, old, now, a, st);
}

int scheduler_apply_categoriser(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
				struct status *st)
{
	struct scheduler *s = ctx;
	struct arena *a = &s->arena;
	arena_reset(a);
	if (strcmp(ev->topic, "category.changed") != 0)
		return 0;
	N2gg__V1__CategoryChanged *c = (N2gg__V1__CategoryChanged *)protobuf_c_message_unpack(
		&n2gg__v1__category_changed__descriptor, &a->pb, ev->payload.len, ev->payload.data);
	if (!c || !c->urn) {
		log_warn("malformed category event ignored", "seq=%llu", (unsigned long long)ev->seq);
		return 0;
	}
	N2gg__V1__SchedulerSchool *old = NULL, *now;
	int rc = sch_store_get_school(s, txn, c->urn, a, &old, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	if (old) {
		now = arena_message_copy(a, &old->base);
	} else {   /* the categoriser got here first: the registry's facts follow */
		now = arena_message(a, &n2gg__v1__scheduler_school__descriptor);
		now->urn = c->urn;
		now->name = c->school_name;
		now->cluster_id = c->cluster_id;
		now->phase = c->phase;
		now->status = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN;
	}
	now->category = c->category;
	now->half_termly_monitoring = c->half_termly_monitoring;
	return apply_save(s, txn, old, now, a, st);
}
