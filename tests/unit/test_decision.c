/* Unit tests of decision: a school's n2gg.v1.Decision under a policy — category, reasons,
 * activities and effective date; overrides; closed and unplaced schools — and the
 * category.changed event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "test_support.h"
#include "categoriser_support.h"
#include "date.h"
#include "decision.h"
#include "policy.h"
#include "policy_yaml.h"

/* No rule holds for a school never inspected that the LA has no concern about. */
static const char policy_text[] =
	"name: decisions-test\n"
	"version: \"3.2\"\n"
	"floor_standards:\n"
	"  - {from_year: 2010, expected_standard_pct: 60}\n"
	"categories:\n"
	"  A:\n"
	"    name: Causing concern\n"
	"    half_termly_monitoring: true\n"
	"    activities: [Visit weekly, Monitor half-termly]\n"
	"  C: {name: Requires improvement}\n"
	"  F: {name: Good or better, activities: [Share practice]}\n"
	"rules:\n"
	"  - id: concern\n"
	"    category: A\n"
	"    description: Causing concern to the LA\n"
	"    when: {fact: la.causing_concern, is: true}\n"
	"  - id: weak\n"
	"    category: C\n"
	"    when: {fact: ofsted.overall, at_least: 3}\n"
	"  - id: good\n"
	"    category: F\n"
	"    when: {fact: ofsted.overall, at_most: 2}\n";

static struct policy policy;   /* read once for the group */
static int today;              /* 2013-11-15 */
static long long now_ms;       /* 10:00 that day */
#define DAY_MS 86400000LL

static int policy_setup(void **state)
{
	(void)state;
	struct policy_report r = {0};
	policy_init(&policy);
	return policy_yaml_parse(&policy, policy_text, strlen(policy_text), &r);
}

static int policy_teardown(void **state)
{
	(void)state;
	policy_free(&policy);
	return 0;
}

static N2gg__V1__SchoolFacts *concern_school(struct arena *a)
{
	N2gg__V1__SchoolFacts *sf = school_new(a);
	school_flags(a, sf)->causing_concern = true;
	return sf;
}

/* The decision in force before, as the store would hand it back. */
static N2gg__V1__Decision *previous(struct arena *a, const char *category,
				    const char *effective_date)
{
	N2gg__V1__Decision *d = arena_message(a, &n2gg__v1__decision__descriptor);
	d->urn = 121234;
	d->category = (char *)category;
	d->effective_date = (char *)effective_date;
	return d;
}

static N2gg__V1__Override *override(struct arena *a, const char *category,
				    long long expires_unix_ms)
{
	N2gg__V1__Override *ov = arena_message(a, &n2gg__v1__override__descriptor);
	ov->urn = 121234;
	ov->category = (char *)category;
	ov->reason = "New head starts in January";
	ov->set_by = "j.smith";
	ov->set_unix_ms = now_ms - DAY_MS;
	ov->expires_unix_ms = expires_unix_ms;
	return ov;
}

/* Decides, asserting that a category (or, for a closed school, none) was settled. */
static N2gg__V1__Decision *decide(struct arena *a, const N2gg__V1__SchoolFacts *sf,
				  const N2gg__V1__Decision *prev, const N2gg__V1__Override *ov)
{
	N2gg__V1__Decision *d = NULL;
	assert_int_equal(decision_build(&policy, sf, prev, ov, today, now_ms, a, &d), DECISION_OK);
	assert_non_null(d);
	return d;
}

/* ---- by the rules ---- */

static void test_an_open_school_is_placed_by_the_rules(void **state)
{
	N2gg__V1__Decision *d = decide(*state, concern_school(*state), NULL, NULL);
	assert_int_equal(d->urn, 121234);
	assert_string_equal(d->school_name, "Ashwood Primary School");
	assert_string_equal(d->cluster_id, "AYL");
	assert_int_equal(d->phase, N2GG__V1__PHASE__PHASE_PRIMARY);
	assert_string_equal(d->category, "A");
	assert_string_equal(d->category_name, "Causing concern");
	assert_string_equal(d->ruled_category, "A");
	assert_string_equal(d->rule_id, "concern");
	assert_string_equal(d->rule_description, "Causing concern to the LA");
	assert_null(d->override);
	assert_string_equal(d->policy_name, "decisions-test");
	assert_string_equal(d->policy_version, "3.2");
	assert_int_equal(d->decided_unix_ms, now_ms);
	assert_string_equal(d->effective_date, "2013-11-15");
}

static void test_the_category_brings_its_activities_and_monitoring(void **state)
{
	N2gg__V1__Decision *a = decide(*state, concern_school(*state), NULL, NULL);
	assert_int_equal(a->n_activities, 2);
	assert_string_equal(a->activities[0], "Visit weekly");
	assert_string_equal(a->activities[1], "Monitor half-termly");
	assert_true(a->half_termly_monitoring);

	N2gg__V1__SchoolFacts *good = school_new(*state);
	school_inspected(*state, good, "2012-05-10", 2, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	N2gg__V1__Decision *f = decide(*state, good, NULL, NULL);
	assert_string_equal(f->category, "F");
	assert_int_equal(f->n_activities, 1);
	assert_string_equal(f->activities[0], "Share practice");
	assert_false(f->half_termly_monitoring);
}

static void test_the_reasons_are_the_deciding_rules(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_inspected(*state, sf, "2012-05-10", 3, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	N2gg__V1__Decision *d = decide(*state, sf, NULL, NULL);
	assert_string_equal(d->rule_id, "weak");
	assert_int_equal(d->n_reasons, 1);
	assert_string_equal(d->reasons[0]->fact, "ofsted.overall");
	assert_string_equal(d->reasons[0]->value, "3 (Requires improvement)");
	assert_string_equal(d->reasons[0]->condition, "is at least 3 (Requires improvement)");
	assert_true(d->reasons[0]->holds);
	assert_contains(d->reasons[0]->text, "latest Ofsted overall effectiveness");
}

/* ---- the effective date ---- */

static void test_the_effective_date_carries_over_when_the_category_stays(void **state)
{
	N2gg__V1__Decision *d = decide(*state, concern_school(*state),
				       previous(*state, "A", "2013-09-10"), NULL);
	assert_string_equal(d->category, "A");
	assert_string_equal(d->effective_date, "2013-09-10");
}

static void test_the_effective_date_resets_when_the_category_changes(void **state)
{
	N2gg__V1__Decision *d = decide(*state, concern_school(*state),
				       previous(*state, "C", "2013-01-07"), NULL);
	assert_string_equal(d->category, "A");
	assert_string_equal(d->effective_date, "2013-11-15");
}

/* ---- overrides ---- */

static void test_an_active_override_wins(void **state)
{
	N2gg__V1__Override *ov = override(*state, "F", 0);   /* until cleared */
	N2gg__V1__Decision *d = decide(*state, concern_school(*state),
				       previous(*state, "A", "2013-09-10"), ov);
	assert_string_equal(d->category, "F");
	assert_string_equal(d->category_name, "Good or better");
	assert_string_equal(d->ruled_category, "A");   /* what the rules say all the same */
	assert_string_equal(d->rule_id, "override");
	assert_contains(d->rule_description, "j.smith");
	assert_contains(d->rule_description, "New head starts in January");
	assert_int_equal(d->n_activities, 1);   /* F's, not A's */
	assert_string_equal(d->activities[0], "Share practice");
	assert_false(d->half_termly_monitoring);
	assert_string_equal(d->effective_date, "2013-11-15");
	/* the override is copied into the decision */
	assert_non_null(d->override);
	assert_true(d->override != ov);
	assert_string_equal(d->override->category, "F");
	assert_string_equal(d->override->reason, "New head starts in January");
	assert_string_equal(d->override->set_by, "j.smith");
	assert_int_equal(d->override->set_unix_ms, now_ms - DAY_MS);
}

static void test_an_override_until_a_later_time_is_active(void **state)
{
	N2gg__V1__Override *ov = override(*state, "C", now_ms + 1);
	assert_true(decision_override_active(ov, now_ms));
	N2gg__V1__Decision *d = decide(*state, concern_school(*state), NULL, ov);
	assert_string_equal(d->category, "C");
	assert_int_equal(d->override->expires_unix_ms, now_ms + 1);
}

static void test_an_expired_override_is_ignored(void **state)
{
	N2gg__V1__Override *at_now = override(*state, "F", now_ms);
	N2gg__V1__Override *earlier = override(*state, "F", now_ms - DAY_MS);
	assert_false(decision_override_active(at_now, now_ms));
	assert_false(decision_override_active(earlier, now_ms));
	assert_false(decision_override_active(NULL, now_ms));
	for (int i = 0; i < 2; i++) {
		N2gg__V1__Decision *d = decide(*state, concern_school(*state), NULL,
					       i ? earlier : at_now);
		assert_string_equal(d->category, "A");
		assert_string_equal(d->rule_id, "concern");
		assert_null(d->override);
		assert_int_equal(d->n_activities, 2);
	}
}

static void test_an_override_places_a_school_no_rule_places(void **state)
{
	N2gg__V1__Decision *d = NULL;
	assert_int_equal(decision_build(&policy, school_new(*state), NULL, override(*state, "C", 0),
					today, now_ms, *state, &d),
			 DECISION_OK);
	assert_string_equal(d->category, "C");
	assert_string_equal(d->ruled_category, "");
	assert_string_equal(d->rule_id, "override");
}

/* ---- closed and unplaced schools ---- */

static void test_a_closed_school_has_no_category(void **state)
{
	N2gg__V1__SchoolFacts *sf = concern_school(*state);
	sf->status = N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED;
	N2gg__V1__Decision *prev = previous(*state, "A", "2013-09-10");
	N2gg__V1__Decision *d = decide(*state, sf, prev, NULL);
	assert_string_equal(d->category, "");
	assert_string_equal(d->ruled_category, "");
	assert_string_equal(d->rule_id, "closed");
	assert_int_equal(d->n_reasons, 0);
	assert_int_equal(d->n_activities, 0);
	assert_false(d->half_termly_monitoring);
	assert_string_equal(d->effective_date, "2013-11-15");
	assert_true(decision_category_changed(prev, d));
	assert_string_equal(d->policy_version, "3.2");
}

static void test_a_closed_school_ignores_an_override(void **state)
{
	N2gg__V1__SchoolFacts *sf = concern_school(*state);
	sf->status = N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED;
	N2gg__V1__Decision *d = decide(*state, sf, NULL, override(*state, "F", 0));
	assert_string_equal(d->category, "");
	assert_string_equal(d->rule_id, "closed");
	assert_null(d->override);
}

static void test_an_open_school_no_rule_places_is_unmatched(void **state)
{
	N2gg__V1__Decision *d = NULL;
	assert_int_equal(decision_build(&policy, school_new(*state), NULL, NULL, today, now_ms,
					*state, &d),
			 DECISION_UNMATCHED);
	assert_non_null(d);
	assert_int_equal(d->urn, 121234);
	assert_string_equal(d->school_name, "Ashwood Primary School");
	assert_string_equal(d->category, "");
	assert_string_equal(d->rule_id, "");
	assert_int_equal(d->n_reasons, 0);
	assert_string_equal(d->policy_version, "3.2");
}

/* ---- changes ---- */

static void test_when_the_category_in_force_changed(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Decision *none = previous(a, "", "2013-01-01");
	assert_true(decision_category_changed(NULL, previous(a, "A", "2013-11-15")));
	assert_false(decision_category_changed(NULL, none));
	assert_false(decision_category_changed(previous(a, "A", "2013-01-01"),
					       previous(a, "A", "2013-11-15")));
	assert_true(decision_category_changed(previous(a, "A", "2013-01-01"),
					      previous(a, "C", "2013-11-15")));
	assert_true(decision_category_changed(previous(a, "A", "2013-01-01"), none));
}

static void test_the_change_event(void **state)
{
	N2gg__V1__Decision *prev = previous(*state, "C", "2013-01-07");
	N2gg__V1__Decision *d = decide(*state, concern_school(*state), prev, NULL);
	N2gg__V1__CategoryChanged *e =
		decision_change_event(prev, d, "registry.school.changed #812", *state);
	assert_int_equal(e->urn, 121234);
	assert_string_equal(e->school_name, "Ashwood Primary School");
	assert_string_equal(e->cluster_id, "AYL");
	assert_string_equal(e->previous_category, "C");
	assert_string_equal(e->category, "A");
	assert_string_equal(e->category_name, "Causing concern");
	assert_string_equal(e->rule_id, "concern");
	assert_string_equal(e->cause, "registry.school.changed #812");
	assert_string_equal(e->policy_name, "decisions-test");
	assert_string_equal(e->policy_version, "3.2");
	assert_string_equal(e->effective_date, "2013-11-15");
	assert_int_equal(e->n_activities, 2);
	assert_string_equal(e->activities[0], "Visit weekly");
	assert_int_equal(e->n_reasons, 1);
	assert_string_equal(e->reasons[0]->fact, "la.causing_concern");
	assert_true(e->half_termly_monitoring);
	assert_false(e->overridden);
}

static void test_the_change_event_of_a_first_decision_under_an_override(void **state)
{
	N2gg__V1__Decision *d = decide(*state, concern_school(*state), NULL,
				       override(*state, "F", 0));
	N2gg__V1__CategoryChanged *e = decision_change_event(NULL, d, "override set", *state);
	assert_string_equal(e->previous_category, "");
	assert_string_equal(e->category, "F");
	assert_string_equal(e->rule_id, "override");
	assert_true(e->overridden);
	assert_false(e->half_termly_monitoring);
	assert_string_equal(e->cause, "override set");
}

static void test_the_change_event_when_a_school_closes(void **state)
{
	N2gg__V1__SchoolFacts *sf = concern_school(*state);
	sf->status = N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED;
	N2gg__V1__Decision *prev = previous(*state, "A", "2013-09-10");
	N2gg__V1__Decision *d = decide(*state, sf, prev, NULL);
	N2gg__V1__CategoryChanged *e =
		decision_change_event(prev, d, "registry.school.closed #900", *state);
	assert_string_equal(e->previous_category, "A");
	assert_string_equal(e->category, "");
	assert_int_equal(e->n_activities, 0);
	assert_false(e->overridden);
}

/* ---- the rule's structure, and the areas' averages ---- */

/* A rule with groups, and one on how a school compares with the LA's average. */
static const char compared_policy_text[] =
	"name: compared\n"
	"version: \"1\"\n"
	"floor_standards:\n"
	"  - key_stage: 2\n"
	"    from_year: 2016\n"
	"    source: DfE, Primary school accountability 2016\n"
	"    attainment: {measure: expected_standard_pct, below: 65}\n"
	"    progress:\n"
	"      any:\n"
	"        - {measure: reading_progress, below: -5}\n"
	"        - {measure: writing_progress, below: -7}\n"
	"        - {measure: maths_progress, below: -5}\n"
	"categories:\n"
	"  A: {name: Causing concern}\n"
	"  C: {name: Requires improvement}\n"
	"  F: {name: Good or better}\n"
	"rules:\n"
	"  - id: floor-and-concern\n"
	"    category: A\n"
	"    when:\n"
	"      all:\n"
	"        - count: {years: 3, where: {fact: year.below_floor, is: true}}\n"
	"          at_least: 1\n"
	"        - any:\n"
	"            - {fact: la.causing_concern, is: true}\n"
	"            - {fact: ofsted.overall, is: 4}\n"
	"  - id: below-the-la\n"
	"    category: C\n"
	"    when: {fact: latest.ks2_expected_standard_pct_vs_la, below: -10}\n"
	"  - id: rest\n"
	"    category: F\n"
	"    when: always\n";

static void load_compared(struct policy *p)
{
	policy_load(p, compared_policy_text);
}

/* A primary below the key stage 2 floor in 2017 (52%, writing -8), not of concern. */
static N2gg__V1__SchoolFacts *below_floor_school(struct arena *a)
{
	N2gg__V1__SchoolFacts *sf = school_new(a);
	school_ks2(a, sf, 2017, 52, 0, -8, 0);
	return sf;
}

/* The reasons of the deciding rule are its tree: an officer sees why a condition that was
 * met (below the floor) did not decide (the `all` needed concern too). */
static void test_the_reasons_carry_the_rules_structure(void **state)
{
	struct policy p;
	load_compared(&p);
	int day = date_from_ymd(2017, 11, 1);
	N2gg__V1__SchoolFacts *sf = below_floor_school(*state);
	school_flags(*state, sf)->causing_concern = true;
	N2gg__V1__Decision *d = NULL;
	assert_int_equal(decision_build(&p, sf, NULL, NULL, day, now_ms, *state, &d), DECISION_OK);
	assert_string_equal(d->rule_id, "floor-and-concern");
	assert_int_equal(d->n_reasons, 5);
	static const struct {
		unsigned depth;
		const char *group, *fact;
		bool holds;
	} want[] = {
		{0, "all", "", true},
		{1, "", "year.below_floor", true},
		{1, "any", "", true},
		{2, "", "la.causing_concern", true},
		{2, "", "ofsted.overall", false},
	};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(d->reasons[i]->depth, want[i].depth);
		assert_string_equal(d->reasons[i]->group, want[i].group);
		assert_string_equal(d->reasons[i]->fact, want[i].fact);
		assert_int_equal(d->reasons[i]->holds, want[i].holds);
	}
	assert_string_equal(d->reasons[1]->value, "1 of the last 3 years (2017)");
	assert_string_equal(d->reasons[2]->text, "");   /* letters skip a group row */
	/* a decision is stored and announced: it packs, and comes back the same */
	size_t len;
	uint8_t *packed = arena_pack(*state, &d->base, &len);
	N2gg__V1__Decision *back = (N2gg__V1__Decision *)protobuf_c_message_unpack(
		&n2gg__v1__decision__descriptor, NULL, len, packed);
	assert_non_null(back);
	assert_int_equal(back->reasons[4]->depth, 2);
	assert_string_equal(back->reasons[2]->group, "any");
	protobuf_c_message_free_unpacked(&back->base, NULL);
	policy_free(&p);
}

/* The LA's average decides when the rule compares with it; without it the comparison
 * cannot hold. */
static void test_the_las_average_can_decide(void **state)
{
	struct policy p;
	load_compared(&p);
	int day = date_from_ymd(2017, 11, 1);
	N2gg__V1__SchoolFacts *sf = below_floor_school(*state);
	N2gg__V1__Decision *d = NULL;
	assert_int_equal(decision_build(&p, sf, NULL, NULL, day, now_ms, *state, &d), DECISION_OK);
	assert_string_equal(d->rule_id, "rest");
	struct facts_comparators *cmp = arena_zalloc(*state, sizeof *cmp);
	N2gg__V1__Comparator *la = comparator_new(*state, 2017, N2GG__V1__KEY_STAGE__KEY_STAGE_2,
						  N2GG__V1__COMPARATOR_AREA__AREA_LA);
	la->achievement->expected_standard = measure_of(*state, 63);
	assert_true(facts_comparators_add(cmp, la));
	assert_int_equal(decision_build_compared(&p, sf, cmp, NULL, NULL, day, now_ms, *state, &d),
			 DECISION_OK);
	assert_string_equal(d->rule_id, "below-the-la");
	assert_string_equal(d->category, "C");
	assert_string_equal(d->reasons[0]->value, "-11 points (2017)");
	policy_free(&p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)

int main(void)
{
	today = date_from_ymd(2013, 11, 15);
	now_ms = (long long)today * DAY_MS + 10 * 3600 * 1000LL;
	const struct CMUnitTest tests[] = {
		T(test_an_open_school_is_placed_by_the_rules),
		T(test_the_category_brings_its_activities_and_monitoring),
		T(test_the_reasons_are_the_deciding_rules),
		T(test_the_effective_date_carries_over_when_the_category_stays),
		T(test_the_effective_date_resets_when_the_category_changes),
		T(test_an_active_override_wins),
		T(test_an_override_until_a_later_time_is_active),
		T(test_an_expired_override_is_ignored),
		T(test_an_override_places_a_school_no_rule_places),
		T(test_a_closed_school_has_no_category),
		T(test_a_closed_school_ignores_an_override),
		T(test_an_open_school_no_rule_places_is_unmatched),
		T(test_when_the_category_in_force_changed),
		T(test_the_change_event),
		T(test_the_change_event_of_a_first_decision_under_an_override),
		T(test_the_change_event_when_a_school_closes),
		T(test_the_reasons_carry_the_rules_structure),
		T(test_the_las_average_can_decide),
	};
	return cmocka_run_group_tests(tests, policy_setup, policy_teardown);
}
