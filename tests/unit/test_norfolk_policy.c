/* Unit tests of the default policy (Norfolk's categories A-F from summer 2013, compiled into
 * the service) on schools built by hand, evaluated on 2013-11-15, and of its half-termly
 * monitoring calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "test_support.h"
#include "categoriser_support.h"
#include "date.h"
#include "facts.h"
#include "policy.h"
#include "policy_yaml.h"

extern const char categoriser_default_policy[];
extern const size_t categoriser_default_policy_len;

static struct policy norfolk;   /* read once for the group */
static int today;               /* 2013-11-15: the latest published results are 2013's */

static int norfolk_setup(void **state)
{
	(void)state;
	struct policy_report r = {0};
	policy_init(&norfolk);
	return policy_yaml_parse(&norfolk, categoriser_default_policy,
				 categoriser_default_policy_len, &r);
}

static int norfolk_teardown(void **state)
{
	(void)state;
	policy_free(&norfolk);
	return 0;
}

/* The index of the rule that places the school on `today`, or -1. */
static int placing_rule(const N2gg__V1__SchoolFacts *sf)
{
	struct facts f;
	facts_compute(sf, &norfolk.params, today, &f);
	return policy_decide(&norfolk, &f);
}

#define assert_placed(sf, category, rule_id)                                              \
	do {                                                                             \
		int rule_ = placing_rule(sf);                                            \
		assert_true(rule_ >= 0);                                                 \
		assert_string_equal(norfolk.rules[rule_].id, rule_id);                   \
		assert_string_equal(policy_rule_category(&norfolk, rule_)->letter, category); \
	} while (0)

static N2gg__V1__SchoolFacts *inspected(struct arena *a, const char *date, unsigned grade)
{
	N2gg__V1__SchoolFacts *sf = school_new(a);
	school_inspected(a, sf, date, grade, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	return sf;
}

/* Results well above the floor, with progress above the median, for 2011-2013. */
static void good_results(struct arena *a, N2gg__V1__SchoolFacts *sf)
{
	for (unsigned year = 2011; year <= 2013; year++)
		school_achieved(a, sf, year, 78, 0.8);
}

/* Good (grade 2) in May 2012 with good results, and no LA flags: category F. */
static N2gg__V1__SchoolFacts *good_school(struct arena *a)
{
	N2gg__V1__SchoolFacts *sf = inspected(a, "2012-05-10", 2);
	good_results(a, sf);
	return sf;
}

/* ---- A: causing concern ---- */

static void test_an_inadequate_school_is_a(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2013-06-01", 4);
	good_results(*state, sf);
	assert_placed(sf, "A", "ofsted-inadequate");
}

static void test_special_measures_is_a(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_inspected(*state, sf, "2013-06-01", 4,
			 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES);
	assert_placed(sf, "A", "ofsted-inadequate");
	/* and the reasons say so */
	struct facts f;
	struct policy_reason r[4];
	facts_compute(sf, &norfolk.params, today, &f);
	assert_int_equal(policy_explain(&norfolk, placing_rule(sf), &f, r, 4), 2);
	assert_string_equal(r[1].fact, "ofsted.category_of_concern");
	assert_string_equal(r[1].value, "special measures");
	assert_true(r[1].holds);
}

static void test_a_warning_notice_is_a_with_its_own_activities(void **state)
{
	N2gg__V1__SchoolFacts *sf = good_school(*state);
	school_flags(*state, sf)->psswn_issued_date = "2013-10-01";
	assert_placed(sf, "A", "psswn-issued");
	const char *const *acts;
	int n;
	policy_rule_activities(&norfolk, placing_rule(sf), &acts, &n);
	assert_int_equal(n, 2);
	assert_contains(acts[0], "Additional Governors installed");
	assert_contains(acts[1], "Half termly monitoring");
}

static void test_causing_concern_to_the_la_is_a(void **state)
{
	N2gg__V1__SchoolFacts *sf = good_school(*state);
	school_flags(*state, sf)->causing_concern = true;
	assert_placed(sf, "A", "la-causing-concern");
	const char *const *acts;
	int n;
	policy_rule_activities(&norfolk, placing_rule(sf), &acts, &n);
	assert_int_equal(n, 3);
	assert_contains(acts[0], "audited by the LA");
}

static void test_below_the_floor_in_two_of_three_years_is_a(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 2);
	school_achieved(*state, sf, 2013, 55, -1.0);   /* below: < 60% and progress < 0 */
	school_achieved(*state, sf, 2012, 58, -0.5);   /* below */
	school_achieved(*state, sf, 2011, 75, 0.5);
	assert_placed(sf, "A", "achievement-below-floor");
}

static void test_below_the_floor_in_one_year_is_c(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 2);
	school_achieved(*state, sf, 2013, 55, -1.0);   /* below */
	school_achieved(*state, sf, 2012, 58, 0.5);    /* low, but progress above the median */
	school_achieved(*state, sf, 2011, 75, 0.5);
	assert_placed(sf, "C", "requires-improvement");
}

static void test_below_the_floor_before_the_last_three_years_does_not_count(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 2);
	school_achieved(*state, sf, 2013, 75, 0.5);
	school_achieved(*state, sf, 2012, 75, 0.5);
	school_achieved(*state, sf, 2011, 55, -1.0);   /* below, in the window */
	school_achieved(*state, sf, 2010, 50, -2.0);   /* below, four years back */
	assert_placed(sf, "C", "requires-improvement");
}

static void test_an_inadequate_school_targeted_for_n2gg_stays_a(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2013-06-01", 4);
	school_flags(*state, sf)->targeted_n2gg = true;
	assert_placed(sf, "A", "ofsted-inadequate");
}

/* ---- D: in transition ---- */

static void test_in_transition_and_causing_concern_is_d(void **state)
{
	N2gg__V1__SchoolFacts *sf = good_school(*state);
	school_flags(*state, sf)->in_transition = true;
	school_flags(*state, sf)->causing_concern = true;
	assert_placed(sf, "D", "in-transition");
}

static void test_in_transition_and_requiring_improvement_is_d(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 3);
	school_flags(*state, sf)->in_transition = true;
	assert_placed(sf, "D", "in-transition");
}

static void test_in_transition_without_concern_is_not_d(void **state)
{
	N2gg__V1__SchoolFacts *sf = good_school(*state);
	school_flags(*state, sf)->in_transition = true;
	assert_placed(sf, "F", "good-or-better");
}

/* ---- B and E: targeted by the LA ---- */

static void test_targeted_for_n2gg_and_requiring_improvement_is_b(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 3);
	school_flags(*state, sf)->targeted_n2gg = true;
	assert_placed(sf, "B", "targeted-n2gg");
}

static void test_an_outstanding_school_targeted_as_a_system_leader_is_e(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 1);
	good_results(*state, sf);
	school_flags(*state, sf)->targeted_system_leader = true;
	assert_placed(sf, "E", "targeted-system-leader");
}

/* ---- C and F ---- */

static void test_requiring_improvement_not_targeted_is_c(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 3);
	good_results(*state, sf);
	assert_placed(sf, "C", "requires-improvement");
}

static void test_a_good_school_with_good_results_is_f(void **state)
{
	assert_placed(good_school(*state), "F", "good-or-better");
	N2gg__V1__SchoolFacts *outstanding = inspected(*state, "2012-05-10", 1);
	good_results(*state, outstanding);
	assert_placed(outstanding, "F", "good-or-better");
}

static void test_progress_below_the_median_in_two_years_is_c(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 2);
	school_achieved(*state, sf, 2013, 78, -0.4);   /* well above the floor, */
	school_achieved(*state, sf, 2012, 78, -0.2);   /* but progress below 0 */
	school_achieved(*state, sf, 2011, 78, 0.5);
	assert_placed(sf, "C", "requires-improvement");
}

static void test_an_old_good_judgement_with_progress_slipping_is_c(void **state)
{
	/* good in March 2008: 68 months before 2013-11-15 */
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2008-03-01", 2);
	school_achieved(*state, sf, 2013, 78, -0.5);   /* one year below the median */
	school_achieved(*state, sf, 2012, 78, 0.5);
	school_achieved(*state, sf, 2011, 78, 0.5);
	assert_placed(sf, "C", "requires-improvement");
}

static void test_a_recent_good_judgement_with_one_slipping_year_is_f(void **state)
{
	/* the same results, good in March 2010: 44 months */
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2010-03-01", 2);
	school_achieved(*state, sf, 2013, 78, -0.5);
	school_achieved(*state, sf, 2012, 78, 0.5);
	school_achieved(*state, sf, 2011, 78, 0.5);
	assert_placed(sf, "F", "good-or-better");
}

static void test_a_school_never_inspected_is_c_until_there_is_evidence(void **state)
{
	assert_placed(school_new(*state), "C", "no-evidence-yet");
	/* good results alone do not make it F: there is no Ofsted judgement */
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	good_results(*state, sf);
	assert_placed(sf, "C", "no-evidence-yet");
}

/* ---- the monitoring calendar ---- */

struct when {
	int y, m, d;               /* the day */
	unsigned year, half_term;  /* the school year and half-term it falls in */
	int sy, sm, sd;            /* when that half-term started (half-term 0: none) */
};

static void test_the_school_year_and_half_term_of_a_day(void **state)
{
	(void)state;
	static const struct when days[] = {
		{2013, 9, 1, 2014, 0, 0, 0, 0},   /* before the first half-term starts */
		{2013, 9, 4, 2014, 1, 2013, 9, 4},
		{2013, 11, 3, 2014, 1, 2013, 9, 4},
		{2013, 11, 15, 2014, 2, 2013, 11, 4},
		{2014, 1, 6, 2014, 3, 2014, 1, 6},
		{2014, 3, 1, 2014, 4, 2014, 2, 24},
		{2014, 4, 22, 2014, 5, 2014, 4, 22},
		{2014, 7, 20, 2014, 6, 2014, 6, 2},
		{2014, 8, 31, 2014, 6, 2014, 6, 2},   /* the summer holiday ends the year */
		{2014, 9, 10, 2015, 1, 2014, 9, 4},
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof days / sizeof *days; i++) {
		const struct when *w = &days[i];
		unsigned year, half_term;
		int start;
		facts_school_year(&norfolk.params.calendar, date_from_ymd(w->y, w->m, w->d), &year,
				  &half_term, &start);
		if (year != w->year || half_term != w->half_term ||
		    (w->half_term && start != date_from_ymd(w->sy, w->sm, w->sd))) {
			char started[DATE_ISO_LEN];
			print_error("%04d-%02d-%02d: school year %u half-term %u from %s\n", w->y,
				    w->m, w->d, year, half_term, date_format(start, started));
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

static void test_half_term_starts_of_a_school_year(void **state)
{
	(void)state;
	const struct facts_calendar *cal = &norfolk.params.calendar;
	assert_int_equal(facts_half_term_start(cal, 2014, 1), date_from_ymd(2013, 9, 4));
	assert_int_equal(facts_half_term_start(cal, 2014, 2), date_from_ymd(2013, 11, 4));
	assert_int_equal(facts_half_term_start(cal, 2014, 3), date_from_ymd(2014, 1, 6));
	assert_int_equal(facts_half_term_start(cal, 2014, 6), date_from_ymd(2014, 6, 2));
}

static int returns_missing(const N2gg__V1__SchoolFacts *sf, int y, int m, int d)
{
	struct facts f;
	facts_compute(sf, &norfolk.params, date_from_ymd(y, m, d), &f);
	struct fact_value v = facts_get(&f, FACT_PROGRESS_RETURNS_MISSING, -1);
	assert_true(v.known);
	return (int)v.v;
}

static void test_returns_missing_counts_returns_due_and_not_received(void **state)
{
	N2gg__V1__SchoolFacts *none = school_new(*state);
	/* half-term 1's return is due 21 days after 2013-09-04: 2013-09-25 */
	assert_int_equal(returns_missing(none, 2013, 9, 20), 0);
	assert_int_equal(returns_missing(none, 2013, 10, 1), 1);
	/* on 2013-11-15 half-term 2's is not due until 2013-11-25 */
	assert_int_equal(returns_missing(none, 2013, 11, 15), 1);
	assert_int_equal(returns_missing(none, 2013, 11, 26), 2);
	/* half-term 4 started 2014-02-24: due 2014-03-17 */
	assert_int_equal(returns_missing(none, 2014, 3, 16), 3);
	assert_int_equal(returns_missing(none, 2014, 3, 20), 4);
	/* a new school year starts with none due */
	assert_int_equal(returns_missing(none, 2014, 9, 10), 0);
}

static void test_returns_received_are_not_missing(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_returned(*state, sf, 2014, 1, 70);
	school_returned(*state, sf, 2014, 3, 72);
	school_returned(*state, sf, 2013, 2, 65);   /* last school year's: no help */
	assert_int_equal(returns_missing(sf, 2013, 11, 15), 0);
	assert_int_equal(returns_missing(sf, 2014, 3, 20), 2);   /* half-terms 2 and 4 */
	assert_true(facts_has_return(sf, 2014, 3));
	assert_false(facts_has_return(sf, 2014, 2));
}

/* ---- results in the DfE's key stage files ---- */

/* The 2013 policy judges every school on its own figures: a secondary below 60% with
 * progress below the median in two years is below the floor as a primary is. At exactly
 * 60% it is not below the floor, but progress below the median in two of the last three
 * years is still the policy's "requires improvement" (as it was before floors had key
 * stages); with that in one year only, a good school stays good. */
static void test_a_secondary_is_judged_on_the_2013_figures(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 2);
	sf->phase = N2GG__V1__PHASE__PHASE_SECONDARY;
	school_achieved(*state, sf, 2012, 59.5, -0.5);
	school_achieved(*state, sf, 2013, 59.5, -0.5);
	assert_placed(sf, "A", "achievement-below-floor");
	N2gg__V1__SchoolFacts *at_60 = inspected(*state, "2012-05-10", 2);
	at_60->phase = N2GG__V1__PHASE__PHASE_SECONDARY;
	school_achieved(*state, at_60, 2012, 60, -0.5);
	school_achieved(*state, at_60, 2013, 60, -0.5);
	assert_placed(at_60, "C", "requires-improvement");
	struct facts f;
	facts_compute(at_60, &norfolk.params, today, &f);
	assert_int_equal(f.key_stage, 4);
	for (int y = 0; y < 2; y++) {
		struct fact_value below = facts_get(&f, FACT_YEAR_BELOW_FLOOR, y);
		assert_true(below.known);
		assert_false(below.v);
	}
	N2gg__V1__SchoolFacts *once = inspected(*state, "2012-05-10", 2);
	once->phase = N2GG__V1__PHASE__PHASE_SECONDARY;
	school_achieved(*state, once, 2012, 60, -0.5);
	school_achieved(*state, once, 2013, 60, 0.5);
	assert_placed(once, "F", "good-or-better");
	N2gg__V1__SchoolFacts *below_once = inspected(*state, "2012-05-10", 2);
	below_once->phase = N2GG__V1__PHASE__PHASE_SECONDARY;
	school_achieved(*state, below_once, 2012, 59.5, -0.5);
	school_achieved(*state, below_once, 2013, 60, 0.5);
	assert_placed(below_once, "C", "requires-improvement");
}

/* A primary's key stage 2 rows count as its results in N2GG's own format did: the share
 * at the expected standard, and progress when the registry says it was given. */
static void test_key_stage_2_rows_are_judged_as_the_schools_results(void **state)
{
	N2gg__V1__SchoolFacts *sf = inspected(*state, "2012-05-10", 2);
	for (unsigned year = 2012; year <= 2013; year++) {
		N2gg__V1__Achievement *a = school_ks2(*state, sf, year, 55, 0, 0, 0);
		a->progress = -1;
		a->progress_known = true;
	}
	assert_placed(sf, "A", "achievement-below-floor");
	/* without a progress measure the floor cannot be judged: it is not counted */
	N2gg__V1__SchoolFacts *unknown = inspected(*state, "2012-05-10", 2);
	for (unsigned year = 2012; year <= 2013; year++)
		school_ks2(*state, unknown, year, 55, 0, 0, 0)->progress = -1;
	assert_placed(unknown, "F", "good-or-better");
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)

int main(void)
{
	today = date_from_ymd(2013, 11, 15);
	const struct CMUnitTest tests[] = {
		T(test_a_secondary_is_judged_on_the_2013_figures),
		T(test_key_stage_2_rows_are_judged_as_the_schools_results),
		T(test_an_inadequate_school_is_a),
		T(test_special_measures_is_a),
		T(test_a_warning_notice_is_a_with_its_own_activities),
		T(test_causing_concern_to_the_la_is_a),
		T(test_below_the_floor_in_two_of_three_years_is_a),
		T(test_below_the_floor_in_one_year_is_c),
		T(test_below_the_floor_before_the_last_three_years_does_not_count),
		T(test_an_inadequate_school_targeted_for_n2gg_stays_a),
		T(test_in_transition_and_causing_concern_is_d),
		T(test_in_transition_and_requiring_improvement_is_d),
		T(test_in_transition_without_concern_is_not_d),
		T(test_targeted_for_n2gg_and_requiring_improvement_is_b),
		T(test_an_outstanding_school_targeted_as_a_system_leader_is_e),
		T(test_requiring_improvement_not_targeted_is_c),
		T(test_a_good_school_with_good_results_is_f),
		T(test_progress_below_the_median_in_two_years_is_c),
		T(test_an_old_good_judgement_with_progress_slipping_is_c),
		T(test_a_recent_good_judgement_with_one_slipping_year_is_f),
		T(test_a_school_never_inspected_is_c_until_there_is_evidence),
		T(test_the_school_year_and_half_term_of_a_day),
		T(test_half_term_starts_of_a_school_year),
		T(test_returns_missing_counts_returns_due_and_not_received),
		T(test_returns_received_are_not_missing),
	};
	return cmocka_run_group_tests(tests, norfolk_setup, norfolk_teardown);
}
