/* Unit tests of the dashboard's read model: what each service's events put and delete —
 * a school whole, a cluster, a comparator, a federation or partnership, a category with its history, overrides into the
 * history, an allocation (and one that ended), a visit scheduled then cancelled, a visit
 * report, a notice with its deliveries and a delivery's new state, MI sheets and answers —
 * and that an unusable event is refused with a reason, never applied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "test_support.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "n2gg/v1/notifier.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"
#include "n2gg/v1/scheduler.pb-c.h"
#include "readmodel.h"
#include "store.h"

/* An event of `topic` carrying `payload`, as the sub hands it over. */
static N2gg__V1__Event *event(struct arena *a, uint64_t seq, const char *topic,
			      const ProtobufCMessage *payload)
{
	N2gg__V1__Event *ev = arena_message(a, &n2gg__v1__event__descriptor);
	ev->seq = seq;
	ev->topic = (char *)topic;
	ev->actor = "officer";
	ev->payload.data = arena_pack(a, payload, &ev->payload.len);
	return ev;
}

static const struct readmodel_effect *effect(const struct readmodel_effects *fx, enum dash_db db,
					     size_t nth)
{
	for (size_t i = 0; i < fx->count; i++)
		if (fx->items[i].db == db && nth-- == 0)
			return &fx->items[i];
	return NULL;
}

static void apply_ok(enum readmodel_source src, const N2gg__V1__Event *ev, struct arena *a,
		     struct readmodel_effects *fx)
{
	const char *why;
	assert_int_equal(readmodel_apply(src, ev, a, fx, &why), 0);
	assert_null(why);
}

static uint32_t key_urn(const struct readmodel_effect *e)
{
	assert_true(e->klen >= 4);
	return store_from_be32(e->key);
}

static void test_school_kept_whole(void **state)
{
	struct arena *a = *state;
	N2gg__V1__School school = N2GG__V1__SCHOOL__INIT;
	N2gg__V1__Inspection in = N2GG__V1__INSPECTION__INIT;
	N2gg__V1__Inspection *ins[] = {&in};
	in.start_date = "2013-03-01";
	in.overall_effectiveness = 3;
	school.urn = 121234;
	school.name = "<b>Old Buckenham</b> Primary";
	school.n_inspections = 1;
	school.inspections = ins;
	N2gg__V1__InspectionEvent ie = N2GG__V1__INSPECTION_EVENT__INIT;
	ie.urn = 121234;
	ie.inspection = &in;
	ie.school = &school;
	N2gg__V1__RegistryEvent re = N2GG__V1__REGISTRY_EVENT__INIT;
	re.body_case = N2GG__V1__REGISTRY_EVENT__BODY_INSPECTION;
	re.inspection = &ie;
	struct readmodel_effects fx;
	apply_ok(READMODEL_REGISTRY, event(a, 7, "registry.inspection.recorded", &re.base), a, &fx);
	assert_int_equal(fx.count, 1);
	const struct readmodel_effect *e = effect(&fx, DASH_DB_SCHOOLS, 0);
	assert_non_null(e);
	assert_int_equal(key_urn(e), 121234);
	const N2gg__V1__School *kept = (const N2gg__V1__School *)e->value;
	assert_string_equal(kept->name, "<b>Old Buckenham</b> Primary");   /* escaped on pages */
	assert_int_equal(kept->n_inspections, 1);
	assert_int_equal(kept->inspections[0]->overall_effectiveness, 3);
	assert_int_equal(fx.line_urn, 121234);   /* its line in the lists follows */
}

static void test_cluster_and_comparator(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Cluster cl = N2GG__V1__CLUSTER__INIT;
	cl.id = "C12";
	cl.name = "Wymondham";
	N2gg__V1__ClusterEvent ce = N2GG__V1__CLUSTER_EVENT__INIT;
	ce.cluster = &cl;
	ce.change = "created";
	N2gg__V1__RegistryEvent re = N2GG__V1__REGISTRY_EVENT__INIT;
	re.body_case = N2GG__V1__REGISTRY_EVENT__BODY_CLUSTER;
	re.cluster = &ce;
	struct readmodel_effects fx;
	apply_ok(READMODEL_REGISTRY, event(a, 1, "registry.cluster.changed", &re.base), a, &fx);
	const struct readmodel_effect *e = effect(&fx, DASH_DB_CLUSTERS, 0);
	assert_non_null(e);
	assert_memory_equal(e->key, "C12", 3);
	assert_int_equal(e->klen, 3);
	assert_int_equal(fx.line_urn, 0);   /* its name is joined when a list is read */

	N2gg__V1__Comparator cmp = N2GG__V1__COMPARATOR__INIT;
	cmp.year = 2019;
	cmp.key_stage = N2GG__V1__KEY_STAGE__KEY_STAGE_2;
	cmp.area = N2GG__V1__COMPARATOR_AREA__AREA_LA;
	cmp.la_code = 926;
	N2gg__V1__ComparatorEvent cev = N2GG__V1__COMPARATOR_EVENT__INIT;
	cev.comparator = &cmp;
	re = (N2gg__V1__RegistryEvent)N2GG__V1__REGISTRY_EVENT__INIT;
	re.body_case = N2GG__V1__REGISTRY_EVENT__BODY_COMPARATOR;
	re.comparator = &cev;
	apply_ok(READMODEL_REGISTRY, event(a, 2, "registry.comparator.recorded", &re.base), a, &fx);
	e = effect(&fx, DASH_DB_COMPARATORS, 0);
	assert_non_null(e);
	assert_int_equal(e->klen, 10);
	assert_int_equal(store_from_be32(e->key), 2019);
	assert_int_equal(store_from_be32(e->key + 6), 926);
}

/* registry.group.changed carrying `g` (NULL: none); its `change` says nothing the read
 * model keeps */
static N2gg__V1__Event *group_event(struct arena *a, uint64_t seq, N2gg__V1__Group *g)
{
	N2gg__V1__GroupEvent ge = N2GG__V1__GROUP_EVENT__INIT;
	ge.group = g;
	N2gg__V1__RegistryEvent re = N2GG__V1__REGISTRY_EVENT__INIT;
	re.body_case = N2GG__V1__REGISTRY_EVENT__BODY_GROUP;
	re.group = &ge;
	return event(a, seq, "registry.group.changed", &re.base);
}

/* a federation or partnership: kept whole under its id, members and all */
static void test_group(void **state)
{
	struct arena *a = *state;
	uint32_t members[] = {121234, 121235};
	N2gg__V1__Group g = N2GG__V1__GROUP__INIT;
	g.id = "FED-1";
	g.kind = N2GG__V1__GROUP_KIND__GROUP_FEDERATION;
	g.name = "Two <Rivers> Federation";
	g.n_member_urns = 2;
	g.member_urns = members;
	struct readmodel_effects fx;
	apply_ok(READMODEL_REGISTRY, group_event(a, 9, &g), a, &fx);
	assert_int_equal(fx.count, 1);
	const struct readmodel_effect *e = effect(&fx, DASH_DB_GROUPS, 0);
	assert_int_equal(e->klen, 5);
	assert_memory_equal(e->key, "FED-1", 5);
	const N2gg__V1__Group *kept = (const N2gg__V1__Group *)e->value;
	assert_string_equal(kept->name, "Two <Rivers> Federation");
	assert_int_equal(kept->kind, N2GG__V1__GROUP_KIND__GROUP_FEDERATION);
	assert_int_equal(kept->n_member_urns, 2);
	assert_int_equal(kept->member_urns[1], 121235);
	assert_int_equal(fx.line_urn, 0);   /* the lists do not show groups */

	/* without an id, or without the group: refused, nothing kept */
	g.id = "";
	N2gg__V1__Event *unusable[] = {group_event(a, 10, &g), group_event(a, 11, NULL)};
	for (size_t i = 0; i < 2; i++) {
		const char *why = NULL;
		assert_int_equal(readmodel_apply(READMODEL_REGISTRY, unusable[i], a, &fx, &why), -1);
		assert_contains(why, "without a group");
		assert_int_equal(fx.count, 0);
	}
}

static void test_category_and_history(void **state)
{
	struct arena *a = *state;
	N2gg__V1__CategoryChanged c = N2GG__V1__CATEGORY_CHANGED__INIT;
	c.urn = 121234;
	c.previous_category = "C";
	c.category = "B";
	struct readmodel_effects fx;
	apply_ok(READMODEL_CATEGORISER, event(a, 812, "category.changed", &c.base), a, &fx);
	assert_int_equal(fx.count, 2);
	const struct readmodel_effect *now = effect(&fx, DASH_DB_CATEGORIES, 0);
	assert_int_equal(key_urn(now), 121234);
	assert_string_equal(((const N2gg__V1__CategoryChanged *)now->value)->category, "B");
	const struct readmodel_effect *h = effect(&fx, DASH_DB_CATEGORY_HISTORY, 0);
	assert_int_equal(h->klen, 12);
	assert_int_equal(key_urn(h), 121234);
	assert_int_equal(store_from_be64(h->key + 4), 812);   /* in the order they happened */
	assert_string_equal(((const N2gg__V1__Event *)h->value)->actor, "officer");
	assert_int_equal(fx.line_urn, 121234);

	N2gg__V1__Override o = N2GG__V1__OVERRIDE__INIT;
	o.urn = 121234;
	o.category = "D";
	N2gg__V1__OverrideChanged oc = N2GG__V1__OVERRIDE_CHANGED__INIT;
	oc.override = &o;
	apply_ok(READMODEL_CATEGORISER, event(a, 813, "category.override.set", &oc.base), a, &fx);
	assert_int_equal(fx.count, 1);   /* history only: the category.changed that follows says D */
	assert_non_null(effect(&fx, DASH_DB_CATEGORY_HISTORY, 0));
	assert_int_equal(fx.line_urn, 0);

	N2gg__V1__PolicyLoaded pl = N2GG__V1__POLICY_LOADED__INIT;
	apply_ok(READMODEL_CATEGORISER, event(a, 814, "category.policy.loaded", &pl.base), a, &fx);
	assert_int_equal(fx.count, 0);

	/* a missing progress return, kept by school, year and half-term */
	N2gg__V1__MonitoringOverdue m = N2GG__V1__MONITORING_OVERDUE__INIT;
	m.urn = 121234;
	m.year = 2014;
	m.half_term = 2;
	m.due_date = "2013-12-20";
	apply_ok(READMODEL_CATEGORISER, event(a, 815, "category.monitoring.overdue", &m.base), a,
		 &fx);
	assert_int_equal(fx.count, 1);
	const struct readmodel_effect *due = effect(&fx, DASH_DB_MONITORING_OVERDUE, 0);
	assert_int_equal(due->klen, 9);
	assert_int_equal(key_urn(due), 121234);
	assert_int_equal(store_from_be32(due->key + 4), 2014);
	assert_int_equal(due->key[8], 2);
	m.half_term = 0;   /* no half-term: refused, not kept under a key that means nothing */
	const char *why = NULL;
	assert_int_equal(readmodel_apply(READMODEL_CATEGORISER,
					 event(a, 816, "category.monitoring.overdue", &m.base), a,
					 &fx, &why),
			 -1);
	assert_non_null(why);
}

static void test_allocations(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Allocation al = N2GG__V1__ALLOCATION__INIT;
	al.urn = 121234;
	al.role = N2GG__V1__ROLE__ROLE_ECP;
	al.partner_id = "P001";
	N2gg__V1__AllocationChanged ac = N2GG__V1__ALLOCATION_CHANGED__INIT;
	ac.allocation = &al;
	struct readmodel_effects fx;
	apply_ok(READMODEL_SCHEDULER, event(a, 1, "allocation.changed", &ac.base), a, &fx);
	const struct readmodel_effect *e = effect(&fx, DASH_DB_ALLOCATIONS, 0);
	assert_non_null(e->value);
	assert_int_equal(e->klen, 5);
	assert_int_equal(key_urn(e), 121234);
	assert_int_equal(e->key[4], N2GG__V1__ROLE__ROLE_ECP);

	/* unserved: kept, so the overview lists it */
	al.partner_id = "";
	al.reason = "no partner has the capacity";
	apply_ok(READMODEL_SCHEDULER, event(a, 2, "allocation.changed", &ac.base), a, &fx);
	assert_non_null(effect(&fx, DASH_DB_ALLOCATIONS, 0)->value);
	/* unserved with a basis: kept too, whatever its reason says */
	al.reason = READMODEL_ALLOCATION_ENDED;
	al.basis = N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_AT_CAPACITY;
	apply_ok(READMODEL_SCHEDULER, event(a, 3, "allocation.changed", &ac.base), a, &fx);
	assert_non_null(effect(&fx, DASH_DB_ALLOCATIONS, 0)->value);
	/* ended (its basis): deleted */
	al.reason = "the school's category changed";
	al.basis = N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_NOT_ENTITLED;
	apply_ok(READMODEL_SCHEDULER, event(a, 3, "allocation.changed", &ac.base), a, &fx);
	assert_null(effect(&fx, DASH_DB_ALLOCATIONS, 0)->value);
	/* ended, as an event from before the basis says it: deleted */
	al.reason = READMODEL_ALLOCATION_ENDED;
	al.basis = N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_UNKNOWN;
	apply_ok(READMODEL_SCHEDULER, event(a, 3, "allocation.changed", &ac.base), a, &fx);
	assert_null(effect(&fx, DASH_DB_ALLOCATIONS, 0)->value);
	assert_int_equal(fx.line_urn, 121234);   /* the school's partners change */

	/* a CEP is the cluster's: URN 0, then the role, then the cluster */
	al = (N2gg__V1__Allocation)N2GG__V1__ALLOCATION__INIT;
	al.role = N2GG__V1__ROLE__ROLE_CEP;
	al.cluster_id = "C12";
	al.partner_id = "P002";
	apply_ok(READMODEL_SCHEDULER, event(a, 4, "allocation.changed", &ac.base), a, &fx);
	e = effect(&fx, DASH_DB_ALLOCATIONS, 0);
	assert_int_equal(e->klen, 8);
	assert_int_equal(key_urn(e), 0);
	assert_memory_equal(e->key + 5, "C12", 3);
	assert_int_equal(fx.line_urn, 0);   /* joined when a list is read: no line rewritten */
}

/* partner.changed and cluster.choice_recorded: each kept whole under its id */
static void test_partners_and_choices(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Partner p = N2GG__V1__PARTNER__INIT;
	p.id = "P001";
	p.capacity_days = 40;
	N2gg__V1__PartnerChanged pc = N2GG__V1__PARTNER_CHANGED__INIT;
	pc.partner = &p;
	struct readmodel_effects fx;
	apply_ok(READMODEL_SCHEDULER, event(a, 1, "partner.changed", &pc.base), a, &fx);
	const struct readmodel_effect *e = effect(&fx, DASH_DB_PARTNERS, 0);
	assert_non_null(e);
	assert_memory_equal(e->key, "P001", e->klen);
	assert_int_equal(((const N2gg__V1__Partner *)e->value)->capacity_days, 40);
	N2gg__V1__ClusterChoice c = N2GG__V1__CLUSTER_CHOICE__INIT;
	c.cluster_id = "C12";
	c.choice = N2GG__V1__CEP_CHOICE__CEP_CHOICE_A;
	N2gg__V1__ClusterChoiceEvent ce = N2GG__V1__CLUSTER_CHOICE_EVENT__INIT;
	ce.choice = &c;
	apply_ok(READMODEL_SCHEDULER, event(a, 2, "cluster.choice_recorded", &ce.base), a, &fx);
	e = effect(&fx, DASH_DB_CLUSTER_CHOICES, 0);
	assert_non_null(e);
	assert_memory_equal(e->key, "C12", e->klen);
	/* naming nothing: refused */
	const char *why;
	p.id = "";
	assert_int_equal(readmodel_apply(READMODEL_SCHEDULER, event(a, 3, "partner.changed", &pc.base),
					 a, &fx, &why), -1);
}

static void test_visits_and_reports(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Visit v = N2GG__V1__VISIT__INIT;
	v.id = "121234-2014-monitoring-2";
	v.urn = 121234;
	v.date = "2013-11-12";
	N2gg__V1__VisitEvent ve = N2GG__V1__VISIT_EVENT__INIT;
	ve.visit = &v;
	struct readmodel_effects fx;
	apply_ok(READMODEL_SCHEDULER, event(a, 5, "visit.scheduled", &ve.base), a, &fx);
	const struct readmodel_effect *e = effect(&fx, DASH_DB_VISITS, 0);
	assert_non_null(e->value);
	assert_int_equal(e->klen, 4 + strlen(v.id));
	apply_ok(READMODEL_SCHEDULER, event(a, 6, "visit.cancelled", &ve.base), a, &fx);
	assert_null(effect(&fx, DASH_DB_VISITS, 0)->value);

	N2gg__V1__VisitReport r = N2GG__V1__VISIT_REPORT__INIT;
	r.visit_id = v.id;
	r.visit = &v;
	r.held = true;
	N2gg__V1__VisitReportEvent re = N2GG__V1__VISIT_REPORT_EVENT__INIT;
	re.report = &r;
	apply_ok(READMODEL_SCHEDULER, event(a, 7, "visit.reported", &re.base), a, &fx);
	e = effect(&fx, DASH_DB_VISIT_REPORTS, 0);
	assert_non_null(e);
	assert_int_equal(key_urn(e), 121234);   /* beside the visit it reports on */
}

static void test_notices_and_deliveries(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Notice n = N2GG__V1__NOTICE__INIT;
	n.id = "category-121234-c812";
	n.urn = 121234;
	N2gg__V1__Delivery d1 = N2GG__V1__DELIVERY__INIT, d2 = N2GG__V1__DELIVERY__INIT;
	d1.key = "k1";
	d2.key = "k2";
	d1.notice_id = d2.notice_id = n.id;
	d1.urn = d2.urn = 121234;
	d1.state = d2.state = N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING;
	N2gg__V1__Delivery *ds[] = {&d1, &d2};
	N2gg__V1__NoticeCreated nc = N2GG__V1__NOTICE_CREATED__INIT;
	nc.notice = &n;
	nc.n_deliveries = 2;
	nc.deliveries = ds;
	struct readmodel_effects fx;
	apply_ok(READMODEL_NOTIFIER, event(a, 1, "notice.created", &nc.base), a, &fx);
	assert_int_equal(fx.count, 3);
	assert_non_null(effect(&fx, DASH_DB_NOTICES, 0));
	const struct readmodel_effect *first = effect(&fx, DASH_DB_DELIVERIES, 0);
	/* URN . notice id . 0 . key: a notice's deliveries sort together */
	assert_int_equal(first->klen, 4 + strlen(n.id) + 1 + 2);
	assert_int_equal(first->key[4 + strlen(n.id)], 0);

	d1.state = N2GG__V1__DELIVERY_STATE__DELIVERY_DEAD;
	N2gg__V1__DeliveryEvent de = N2GG__V1__DELIVERY_EVENT__INIT;
	de.delivery = &d1;
	apply_ok(READMODEL_NOTIFIER, event(a, 2, "notice.dead", &de.base), a, &fx);
	const struct readmodel_effect *e = effect(&fx, DASH_DB_DELIVERIES, 0);
	assert_int_equal(e->klen, first->klen);
	assert_int_equal(((const N2gg__V1__Delivery *)e->value)->state,
			 N2GG__V1__DELIVERY_STATE__DELIVERY_DEAD);
}

static void test_mi(void **state)
{
	struct arena *a = *state;
	N2gg__V1__MiSheet sheet = N2GG__V1__MI_SHEET__INIT;
	sheet.number = "013/13";
	N2gg__V1__MiEvent me = N2GG__V1__MI_EVENT__INIT;
	me.sheet = &sheet;
	struct readmodel_effects fx;
	apply_ok(READMODEL_NOTIFIER, event(a, 3, "notice.mi.issued", &me.base), a, &fx);
	assert_non_null(effect(&fx, DASH_DB_MI_SHEETS, 0));
	N2gg__V1__MiResponse resp = N2GG__V1__MI_RESPONSE__INIT;
	resp.number = "013/13";
	resp.urn = 121234;
	N2gg__V1__MiResponded mr = N2GG__V1__MI_RESPONDED__INIT;
	mr.response = &resp;
	apply_ok(READMODEL_NOTIFIER, event(a, 4, "notice.mi.responded", &mr.base), a, &fx);
	const struct readmodel_effect *e = effect(&fx, DASH_DB_MI_RESPONSES, 0);
	assert_non_null(e);
	assert_memory_equal(e->key, "013/13\0", 7);
	assert_int_equal(store_from_be32(e->key + 7), 121234);
}

static void test_unusable_events_refused(void **state)
{
	struct arena *a = *state;
	struct readmodel_effects fx;
	const char *why;
	N2gg__V1__Event *ev = arena_message(a, &n2gg__v1__event__descriptor);
	ev->topic = "category.changed";
	static uint8_t junk[] = {0xff, 0xff, 0xff, 0x0f};
	ev->payload.data = junk;
	ev->payload.len = sizeof junk;
	for (int src = 0; src < READMODEL_SOURCES; src++) {
		const char *topics[] = {"registry.school.changed", "category.changed",
					"visit.scheduled", "notice.created"};
		ev->topic = (char *)topics[src];
		assert_int_equal(readmodel_apply((enum readmodel_source)src, ev, a, &fx, &why), -1);
		assert_non_null(why);
		assert_int_equal(fx.count, 0);
	}
	/* well formed, naming nothing */
	N2gg__V1__CategoryChanged c = N2GG__V1__CATEGORY_CHANGED__INIT;
	assert_int_equal(readmodel_apply(READMODEL_CATEGORISER, event(a, 1, "category.changed", &c.base),
					 a, &fx, &why),
			 -1);
	assert_contains(why, "without a school");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_school_kept_whole, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_cluster_and_comparator, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_group, arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_category_and_history, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_allocations, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_partners_and_choices, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_visits_and_reports, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_notices_and_deliveries, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_mi, arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unusable_events_refused, arena_fixture_setup,
						arena_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
