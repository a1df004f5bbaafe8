/* Unit tests of the policy engine: every form a rule's condition takes, on schools built by
 * hand, which rule decides, and how a rule is explained. Policies are read from small YAML
 * texts by the real reader (policy_yaml_parse). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "categoriser_support.h"
#include "date.h"
#include "facts.h"
#include "policy.h"

/* the day every test evaluates on unless it says otherwise (set in main): the latest
 * published results are 2013's */
static int today;

/* Floor standards: below when fewer than 60% (65% from 2014) reach the expected standard
 * and progress is below 0. */
#define PRELUDE                                                                          \
	"name: test\n"                                                                   \
	"version: \"1\"\n"                                                               \
	"floor_standards:\n"                                                             \
	"  - {from_year: 2010, expected_standard_pct: 60, progress_below: 0}\n"          \
	"  - {from_year: 2014, expected_standard_pct: 65, progress_below: 0}\n"

/* A policy whose one rule, placing schools in A, has `when` (flow-style YAML). */
static void load_rule(struct policy *p, const char *when)
{
	char yaml[4096];
	snprintf(yaml, sizeof yaml,
		 PRELUDE "categories:\n"
			 "  A: {name: Causing concern}\n"
			 "rules:\n"
			 "  - id: r\n"
			 "    category: A\n"
			 "    when: %s\n",
		 when);
	policy_load(p, yaml);
}

static bool holds_on(const char *when, const N2gg__V1__SchoolFacts *sf, int day)
{
	struct policy p;
	struct facts f;
	load_rule(&p, when);
	facts_compute(sf, &p.params, day, &f);
	int rule = policy_decide(&p, &f);
	policy_free(&p);
	return rule == 0;
}

static bool holds(const char *when, const N2gg__V1__SchoolFacts *sf)
{
	return holds_on(when, sf, today);
}

struct check {
	const char *when;
	bool holds;
};

static void check_each(const struct check *checks, size_t n, const N2gg__V1__SchoolFacts *sf)
{
	int wrong = 0;
	for (size_t i = 0; i < n; i++)
		if (holds(checks[i].when, sf) != checks[i].holds) {
			print_error("%s should %s\n", checks[i].when,
				    checks[i].holds ? "hold" : "not hold");
			wrong++;
		}
	assert_int_equal(wrong, 0);
}
#define CHECK_EACH(checks, sf) check_each(checks, sizeof checks / sizeof *checks, sf)

/* Explains rule `when` for the school on `today`; returns the number of reasons. */
static int explain(const char *when, const N2gg__V1__SchoolFacts *sf, struct policy_reason *out,
		   int max)
{
	struct policy p;
	struct facts f;
	load_rule(&p, when);
	facts_compute(sf, &p.params, today, &f);
	int n = policy_explain(&p, 0, &f, out, max);
	policy_free(&p);
	return n;
}

static N2gg__V1__SchoolFacts *graded(struct arena *a, unsigned grade)
{
	N2gg__V1__SchoolFacts *sf = school_new(a);
	school_inspected(a, sf, "2012-05-10", grade, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	return sf;
}

/* ---- the forms of a condition ---- */

static void test_always_holds_for_every_school(void **state)
{
	assert_true(holds("always", school_new(*state)));
	assert_true(holds("always", graded(*state, 1)));
}

static void test_all_needs_every_condition(void **state)
{
	const char *when = "{all: [{fact: la.causing_concern, is: true}, "
			   "{fact: ofsted.overall, at_least: 3}]}";
	N2gg__V1__SchoolFacts *both = graded(*state, 3), *one = graded(*state, 3);
	N2gg__V1__SchoolFacts *other = graded(*state, 2);
	school_flags(*state, both)->causing_concern = true;
	school_flags(*state, other)->causing_concern = true;
	assert_true(holds(when, both));
	assert_false(holds(when, one));
	assert_false(holds(when, other));
}

static void test_any_needs_one_condition(void **state)
{
	const char *when = "{any: [{fact: la.causing_concern, is: true}, "
			   "{fact: ofsted.overall, at_least: 3}]}";
	N2gg__V1__SchoolFacts *concern = graded(*state, 1);
	school_flags(*state, concern)->causing_concern = true;
	assert_true(holds(when, concern));
	assert_true(holds(when, graded(*state, 3)));
	assert_false(holds(when, graded(*state, 2)));
}

static void test_not_inverts_a_condition(void **state)
{
	const char *when = "{not: {fact: la.causing_concern, is: true}}";
	N2gg__V1__SchoolFacts *concern = school_new(*state);
	school_flags(*state, concern)->causing_concern = true;
	assert_true(holds(when, school_new(*state)));
	assert_false(holds(when, concern));
}

static void test_groups_nest(void **state)
{
	/* (targeted and not good-or-better) or in transition */
	const char *when = "{any: [{all: [{fact: la.targeted_n2gg, is: true}, "
			   "{not: {fact: ofsted.overall, at_most: 2}}]}, "
			   "{fact: la.in_transition, is: true}]}";
	N2gg__V1__SchoolFacts *targeted_ri = graded(*state, 3);
	N2gg__V1__SchoolFacts *targeted_good = graded(*state, 2);
	N2gg__V1__SchoolFacts *transition_good = graded(*state, 2);
	school_flags(*state, targeted_ri)->targeted_n2gg = true;
	school_flags(*state, targeted_good)->targeted_n2gg = true;
	school_flags(*state, transition_good)->in_transition = true;
	assert_true(holds(when, targeted_ri));
	assert_false(holds(when, targeted_good));
	assert_true(holds(when, transition_good));
	assert_false(holds(when, graded(*state, 3)));
}

/* ---- comparisons ---- */

static void test_every_operator_on_a_grade(void **state)
{
	static const struct check checks[] = {
		{"{fact: ofsted.overall, is: 3}", true},
		{"{fact: ofsted.overall, is: 2}", false},
		{"{fact: ofsted.overall, is_not: 2}", true},
		{"{fact: ofsted.overall, is_not: 3}", false},
		{"{fact: ofsted.overall, at_least: 3}", true},
		{"{fact: ofsted.overall, at_least: 4}", false},
		{"{fact: ofsted.overall, at_most: 3}", true},
		{"{fact: ofsted.overall, at_most: 2}", false},
		{"{fact: ofsted.overall, above: 2}", true},
		{"{fact: ofsted.overall, above: 3}", false},
		{"{fact: ofsted.overall, below: 4}", true},
		{"{fact: ofsted.overall, below: 3}", false},
		{"{fact: ofsted.overall, in: [3, 4]}", true},
		{"{fact: ofsted.overall, in: [1, 2]}", false},
	};
	CHECK_EACH(checks, graded(*state, 3));
}

static void test_the_latest_inspection_is_the_one_that_counts(void **state)
{
	static const struct check checks[] = {
		{"{fact: ofsted.overall, is: 2}", true},
		{"{fact: ofsted.category_of_concern, is: none}", true},
		{"{fact: ofsted.age_months, is: 18}", true},
	};
	/* oldest first, as the registry keeps them */
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_inspected(*state, sf, "2010-02-01", 4,
			 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES);
	school_inspected(*state, sf, "2012-05-10", 2, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	CHECK_EACH(checks, sf);
	/* and by date, whatever the order */
	N2gg__V1__SchoolFacts *reversed = school_new(*state);
	school_inspected(*state, reversed, "2012-05-10", 2,
			 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	school_inspected(*state, reversed, "2010-02-01", 4,
			 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES);
	CHECK_EACH(checks, reversed);
}

static void test_the_age_of_an_inspection_is_in_whole_months(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	/* 2012-05-20 to 2013-11-15: 17 months and 26 days */
	school_inspected(*state, sf, "2012-05-20", 2, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	assert_true(holds("{fact: ofsted.age_months, is: 17}", sf));
	N2gg__V1__SchoolFacts *to_the_day = school_new(*state);
	school_inspected(*state, to_the_day, "2008-11-15", 2,
			 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	assert_true(holds("{fact: ofsted.age_months, is: 60}", to_the_day));
}

static void test_every_operator_on_a_number(void **state)
{
	/* inspected 2012-05-10, so 18 whole months before 2013-11-15 */
	static const struct check checks[] = {
		{"{fact: ofsted.age_months, is: 18}", true},
		{"{fact: ofsted.age_months, is: 17}", false},
		{"{fact: ofsted.age_months, is_not: 17}", true},
		{"{fact: ofsted.age_months, is_not: 18}", false},
		{"{fact: ofsted.age_months, at_least: 18}", true},
		{"{fact: ofsted.age_months, at_least: 19}", false},
		{"{fact: ofsted.age_months, at_most: 18}", true},
		{"{fact: ofsted.age_months, at_most: 17}", false},
		{"{fact: ofsted.age_months, above: 17}", true},
		{"{fact: ofsted.age_months, above: 18}", false},
		{"{fact: ofsted.age_months, below: 19}", true},
		{"{fact: ofsted.age_months, below: 18}", false},
		{"{fact: ofsted.age_months, in: [12, 18, 24]}", true},
		{"{fact: ofsted.age_months, in: [12, 24]}", false},
	};
	CHECK_EACH(checks, graded(*state, 2));
}

static void test_a_fractional_number_from_the_latest_return(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_returned(*state, sf, 2014, 1, 60);
	school_returned(*state, sf, 2014, 2, 72.5);   /* the latest */
	school_returned(*state, sf, 2013, 6, 40);     /* older, though listed later */
	static const struct check checks[] = {
		{"{fact: progress.latest_on_track_pct, is: 72.5}", true},
		{"{fact: progress.latest_on_track_pct, above: 72.4}", true},
		{"{fact: progress.latest_on_track_pct, below: 72.5}", false},
		{"{fact: progress.latest_on_track_pct, at_least: 72.5}", true},
		{"{fact: progress.latest_on_track_pct, at_most: 50}", false},
	};
	CHECK_EACH(checks, sf);
}

static void test_every_operator_on_a_bool(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_flags(*state, sf)->targeted_n2gg = true;
	static const struct check checks[] = {
		{"{fact: la.targeted_n2gg, is: true}", true},
		{"{fact: la.targeted_n2gg, is: yes}", true},
		{"{fact: la.targeted_n2gg, is: false}", false},
		{"{fact: la.targeted_n2gg, is_not: false}", true},
		{"{fact: la.targeted_n2gg, is_not: true}", false},
		{"{fact: la.targeted_n2gg, in: [true]}", true},
		{"{fact: la.targeted_n2gg, in: [false]}", false},
		{"{fact: la.targeted_system_leader, is: false}", true},
	};
	CHECK_EACH(checks, sf);
}

static void test_a_school_without_flags_has_every_flag_off(void **state)
{
	static const struct check checks[] = {
		{"{fact: la.causing_concern, is: false}", true},
		{"{fact: la.psswn_issued, is: false}", true},
		{"{fact: la.in_transition, is: false}", true},
		{"{fact: la.targeted_n2gg, is: false}", true},
		{"{fact: la.targeted_system_leader, is: false}", true},
	};
	CHECK_EACH(checks, school_new(*state));
}

static void test_a_warning_notice_is_issued_when_it_has_a_date(void **state)
{
	N2gg__V1__SchoolFacts *issued = school_new(*state), *not_issued = school_new(*state);
	school_flags(*state, issued)->psswn_issued_date = "2013-03-15";
	school_flags(*state, not_issued)->causing_concern = true;
	assert_true(holds("{fact: la.psswn_issued, is: true}", issued));
	assert_false(holds("{fact: la.psswn_issued, is: true}", not_issued));
}

static void test_every_operator_on_an_enum(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_inspected(*state, sf, "2013-06-01", 4,
			 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES);
	static const struct check checks[] = {
		{"{fact: ofsted.category_of_concern, is: serious_weaknesses}", true},
		{"{fact: ofsted.category_of_concern, is: special_measures}", false},
		{"{fact: ofsted.category_of_concern, is_not: special_measures}", true},
		{"{fact: ofsted.category_of_concern, is_not: serious_weaknesses}", false},
		{"{fact: ofsted.category_of_concern, in: [special_measures, serious_weaknesses]}",
		 true},
		{"{fact: ofsted.category_of_concern, in: [none, notice_to_improve]}", false},
		{"{fact: school.phase, is: primary}", true},
		{"{fact: school.phase, is: secondary}", false},
		{"{fact: school.phase, is_not: secondary}", true},
		{"{fact: school.phase, is_not: primary}", false},
		{"{fact: school.phase, in: [nursery, primary]}", true},
		{"{fact: school.phase, in: [secondary, special]}", false},
	};
	CHECK_EACH(checks, sf);
}

static void test_an_unknown_fact_fails_every_comparison(void **state)
{
	/* never inspected, no progress returns: no grade, no age, no on-track share */
	static const struct check checks[] = {
		{"{fact: ofsted.overall, is: 4}", false},
		{"{fact: ofsted.overall, is_not: 4}", false},
		{"{fact: ofsted.overall, at_least: 1}", false},
		{"{fact: ofsted.overall, at_most: 4}", false},
		{"{fact: ofsted.overall, above: 1}", false},
		{"{fact: ofsted.overall, below: 4}", false},
		{"{fact: ofsted.overall, in: [1, 2, 3, 4]}", false},
		{"{fact: ofsted.age_months, at_least: 0}", false},
		{"{fact: ofsted.age_months, is_not: 1}", false},
		{"{fact: progress.latest_on_track_pct, at_least: 0}", false},
		{"{fact: progress.latest_on_track_pct, is_not: 50}", false},
		/* what is known about a school never inspected */
		{"{fact: ofsted.inspected, is: false}", true},
		{"{fact: ofsted.category_of_concern, is: none}", true},
	};
	CHECK_EACH(checks, school_new(*state));
}

/* ---- counts over years ---- */

#define BELOW_FLOOR_IN_3(op_value) \
	"{count: {years: 3, where: {fact: year.below_floor, is: true}}, " op_value "}"

static void test_every_operator_on_a_count(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2013, 55, -1);   /* below the floor */
	school_achieved(*state, sf, 2012, 50, -2);   /* below */
	school_achieved(*state, sf, 2011, 70, 1);    /* above */
	static const struct check checks[] = {
		{BELOW_FLOOR_IN_3("is: 2"), true},
		{BELOW_FLOOR_IN_3("is: 1"), false},
		{BELOW_FLOOR_IN_3("is_not: 1"), true},
		{BELOW_FLOOR_IN_3("is_not: 2"), false},
		{BELOW_FLOOR_IN_3("at_least: 2"), true},
		{BELOW_FLOOR_IN_3("at_least: 3"), false},
		{BELOW_FLOOR_IN_3("at_most: 2"), true},
		{BELOW_FLOOR_IN_3("at_most: 1"), false},
		{BELOW_FLOOR_IN_3("above: 1"), true},
		{BELOW_FLOOR_IN_3("above: 2"), false},
		{BELOW_FLOOR_IN_3("below: 3"), true},
		{BELOW_FLOOR_IN_3("below: 2"), false},
	};
	CHECK_EACH(checks, sf);
}

static void test_a_count_looks_back_only_its_years(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2013, 55, -1);   /* below */
	school_achieved(*state, sf, 2012, 70, 1);
	school_achieved(*state, sf, 2011, 70, 1);
	school_achieved(*state, sf, 2010, 50, -2);   /* below, four years back */
	static const struct check checks[] = {
		{"{count: {years: 1, where: {fact: year.below_floor, is: true}}, is: 1}", true},
		{"{count: {years: 3, where: {fact: year.below_floor, is: true}}, is: 1}", true},
		{"{count: {years: 4, where: {fact: year.below_floor, is: true}}, is: 2}", true},
	};
	CHECK_EACH(checks, sf);
}

static void test_a_count_with_a_compound_where(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2013, 62, 0.5);
	school_achieved(*state, sf, 2012, 58, 1.0);
	school_achieved(*state, sf, 2011, 58, -1.0);   /* below the floor */
	static const struct check checks[] = {
		/* low attainment with good progress: 2012 only */
		{"{count: {years: 3, where: {all: [{fact: year.expected_standard_pct, below: 60}, "
		 "{fact: year.progress, at_least: 0}]}}, is: 1}",
		 true},
		/* 2013 and 2011 */
		{"{count: {years: 3, where: {any: [{fact: year.expected_standard_pct, at_least: 60}, "
		 "{fact: year.progress, below: 0}]}}, is: 2}",
		 true},
		/* 2013 and 2012 */
		{"{count: {years: 3, where: {not: {fact: year.below_floor, is: true}}}, is: 2}",
		 true},
	};
	CHECK_EACH(checks, sf);
}

static void test_year_published_tells_years_with_results(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2013, 70, 1);
	school_achieved(*state, sf, 2011, 70, 1);   /* nothing for 2012 */
	static const struct check checks[] = {
		{"{count: {years: 3, where: {fact: year.published, is: true}}, is: 2}", true},
		{"{count: {years: 3, where: {fact: year.published, is: false}}, is: 1}", true},
		/* a year with no results has no attainment: it fails every comparison */
		{"{count: {years: 3, where: {fact: year.expected_standard_pct, at_least: 0}}, is: 2}",
		 true},
		{"{count: {years: 3, where: {fact: year.progress, is_not: 5}}, is: 2}", true},
	};
	CHECK_EACH(checks, sf);
}

static void test_year_attainment_and_progress(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2013, 64.5, -0.2);
	school_achieved(*state, sf, 2012, 59, 0.4);
	school_achieved(*state, sf, 2011, 71, -1.5);
	static const struct check checks[] = {
		{"{count: {years: 3, where: {fact: year.expected_standard_pct, below: 60}}, is: 1}",
		 true},
		{"{count: {years: 3, where: {fact: year.expected_standard_pct, above: 64.5}}, is: 1}",
		 true},
		{"{count: {years: 3, where: {fact: year.progress, below: 0}}, is: 2}", true},
		{"{count: {years: 1, where: {fact: year.progress, is: -0.2}}, is: 1}", true},
	};
	CHECK_EACH(checks, sf);
}

static void test_below_the_floor_needs_low_attainment_and_low_progress(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2013, 55, 0);      /* progress not below 0 */
	school_achieved(*state, sf, 2012, 60, -1);     /* 60% is not below 60% */
	school_achieved(*state, sf, 2011, 59.9, -0.1); /* below */
	static const struct check checks[] = {
		{"{count: {years: 2, where: {fact: year.below_floor, is: true}}, is: 0}", true},
		{"{count: {years: 2, where: {fact: year.below_floor, is: false}}, is: 2}", true},
		{"{count: {years: 3, where: {fact: year.below_floor, is: true}}, is: 1}", true},
	};
	CHECK_EACH(checks, sf);
}

static void test_the_floor_rises_to_65_percent_from_2014(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2014, 62, -0.5);   /* below 65%: below the floor */
	school_achieved(*state, sf, 2013, 62, -0.5);   /* above 60%: not */
	int autumn_2014 = date_from_ymd(2014, 11, 15);
	assert_true(holds_on(
		"{count: {years: 1, where: {fact: year.below_floor, is: true}}, is: 1}", sf,
		autumn_2014));
	assert_true(holds_on(
		"{count: {years: 2, where: {fact: year.below_floor, is: true}}, is: 1}", sf,
		autumn_2014));
	assert_true(holds_on(
		"{count: {years: 2, where: {fact: year.below_floor, is: false}}, is: 1}", sf,
		autumn_2014));
}

static void test_no_floor_applies_before_the_first(void **state)
{
	/* the first floor standard is from 2010: 2009's results are neither below nor above */
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	for (unsigned year = 2009; year <= 2013; year++)
		school_achieved(*state, sf, year, 70, 1);
	assert_true(holds(
		"{count: {years: 5, where: {fact: year.below_floor, is: false}}, is: 4}", sf));
	assert_true(holds(
		"{count: {years: 5, where: {fact: year.published, is: true}}, is: 5}", sf));
}

static void test_a_summers_results_count_from_september(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2014, 50, -1);
	const char *when = "{count: {years: 1, where: {fact: year.below_floor, is: true}}, is: 1}";
	assert_false(holds_on(when, sf, date_from_ymd(2014, 8, 31)));
	assert_true(holds_on(when, sf, date_from_ymd(2014, 9, 1)));
}

/* ---- deciding ---- */

static const char rule_set[] =
	PRELUDE
	"categories:\n"
	"  A: {name: Causing concern, activities: [Visit weekly, Monitor half-termly]}\n"
	"  B: {name: Targeted, activities: [Commission support]}\n"
	"rules:\n"
	"  - id: concern\n"
	"    category: A\n"
	"    when: {fact: la.causing_concern, is: true}\n"
	"  - id: warning-notice\n"
	"    category: A\n"
	"    activities: [Install governors]\n"
	"    when: {fact: la.psswn_issued, is: true}\n"
	"  - id: weak\n"
	"    category: B\n"
	"    when: {fact: ofsted.overall, at_least: 3}\n"
	"  - id: quiet\n"
	"    category: B\n"
	"    activities: []\n"
	"    when: {fact: la.in_transition, is: true}\n";

/* The id of the rule that decides for the school, or "(none)". */
static const char *deciding_rule(const N2gg__V1__SchoolFacts *sf, char *id, size_t size)
{
	struct policy p;
	struct facts f;
	policy_load(&p, rule_set);
	facts_compute(sf, &p.params, today, &f);
	int rule = policy_decide(&p, &f);
	snprintf(id, size, "%s", rule >= 0 ? p.rules[rule].id : "(none)");
	policy_free(&p);
	return id;
}

static void test_the_first_rule_that_holds_decides(void **state)
{
	char id[64];
	N2gg__V1__SchoolFacts *concern_and_weak = graded(*state, 3);
	school_flags(*state, concern_and_weak)->causing_concern = true;
	assert_string_equal(deciding_rule(concern_and_weak, id, sizeof id), "concern");
	assert_string_equal(deciding_rule(graded(*state, 3), id, sizeof id), "weak");
	N2gg__V1__SchoolFacts *notice_and_weak = graded(*state, 4);
	school_flags(*state, notice_and_weak)->psswn_issued_date = "2013-03-15";
	assert_string_equal(deciding_rule(notice_and_weak, id, sizeof id), "warning-notice");
}

static void test_no_rule_holding_decides_nothing(void **state)
{
	struct policy p;
	struct facts f;
	policy_load(&p, rule_set);
	facts_compute(graded(*state, 2), &p.params, today, &f);
	assert_int_equal(policy_decide(&p, &f), -1);
	policy_free(&p);
}

static void test_a_rules_activities_replace_its_categorys(void **state)
{
	(void)state;
	struct policy p;
	const char *const *acts;
	int n;
	policy_load(&p, rule_set);
	/* concern: category A's */
	assert_string_equal(policy_rule_category(&p, 0)->letter, "A");
	policy_rule_activities(&p, 0, &acts, &n);
	assert_int_equal(n, 2);
	assert_string_equal(acts[0], "Visit weekly");
	assert_string_equal(acts[1], "Monitor half-termly");
	/* warning-notice: still category A, its own activities */
	assert_string_equal(policy_rule_category(&p, 1)->letter, "A");
	policy_rule_activities(&p, 1, &acts, &n);
	assert_int_equal(n, 1);
	assert_string_equal(acts[0], "Install governors");
	/* quiet: an empty list means none, not B's */
	assert_string_equal(policy_rule_category(&p, 3)->letter, "B");
	policy_rule_activities(&p, 3, &acts, &n);
	assert_int_equal(n, 0);
	assert_int_equal(policy_category_index(&p, "B"), 1);
	assert_int_equal(policy_category_index(&p, "F"), -1);
	policy_free(&p);
}

/* ---- explaining ---- */

static void test_a_comparison_explained_in_words(void **state)
{
	struct policy_reason r[4];
	assert_int_equal(explain("{fact: ofsted.overall, is: 4}", graded(*state, 4), r, 4), 1);
	assert_string_equal(r[0].fact, "ofsted.overall");
	assert_string_equal(r[0].value, "4 (Inadequate)");
	assert_string_equal(r[0].condition, "is 4 (Inadequate)");
	assert_true(r[0].holds);
	assert_contains(r[0].text, "latest Ofsted overall effectiveness");
	assert_contains(r[0].text, "4 (Inadequate)");
	assert_contains(r[0].text, "(met)");
}

static void test_a_comparison_that_fails_says_so(void **state)
{
	struct policy_reason r[4];
	assert_int_equal(explain("{fact: la.causing_concern, is: true}", school_new(*state), r, 4),
			 1);
	assert_string_equal(r[0].fact, "la.causing_concern");
	assert_string_equal(r[0].value, "no");
	assert_string_equal(r[0].condition, "is yes");
	assert_false(r[0].holds);
	assert_contains(r[0].text, "not met");
}

static void test_an_unknown_value_is_explained_as_unknown(void **state)
{
	struct policy_reason r[4];
	assert_int_equal(explain("{fact: ofsted.overall, at_least: 3}", school_new(*state), r, 4),
			 1);
	assert_string_equal(r[0].value, "unknown");
	assert_string_equal(r[0].condition, "is at least 3 (Requires improvement)");
	assert_false(r[0].holds);
}

static void test_enums_and_numbers_are_explained_in_words(void **state)
{
	struct policy_reason r[4];
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_inspected(*state, sf, "2013-06-01", 4,
			 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES);
	school_returned(*state, sf, 2014, 1, 58.5);
	assert_int_equal(explain("{fact: ofsted.category_of_concern, "
				 "in: [special_measures, serious_weaknesses, notice_to_improve]}",
				 sf, r, 4),
			 1);
	assert_string_equal(r[0].value, "special measures");
	assert_string_equal(r[0].condition,
			    "is one of special measures, serious weaknesses or notice to improve");
	assert_true(r[0].holds);
	assert_int_equal(explain("{fact: progress.latest_on_track_pct, below: 60}", sf, r, 4), 1);
	assert_string_equal(r[0].value, "58.5%");
	assert_string_equal(r[0].condition, "is below 60%");
	assert_true(r[0].holds);
}

static void test_each_comparison_in_a_group_is_a_reason(void **state)
{
	struct policy_reason r[4];
	N2gg__V1__SchoolFacts *sf = graded(*state, 2);
	school_flags(*state, sf)->causing_concern = true;
	const char *when = "{any: [{fact: ofsted.overall, is: 4}, "
			   "{all: [{fact: la.causing_concern, is: true}, "
			   "{fact: school.phase, is: primary}]}]}";
	assert_int_equal(explain(when, sf, r, 4), 3);
	assert_string_equal(r[0].fact, "ofsted.overall");
	assert_string_equal(r[0].value, "2 (Good)");
	assert_false(r[0].holds);
	assert_string_equal(r[1].fact, "la.causing_concern");
	assert_string_equal(r[1].value, "yes");
	assert_true(r[1].holds);
	assert_string_equal(r[2].fact, "school.phase");
	assert_string_equal(r[2].value, "primary");
	assert_true(r[2].holds);
	/* no more than asked for */
	assert_int_equal(explain(when, sf, r, 2), 2);
}

static void test_a_negated_comparison_is_explained_as_negated(void **state)
{
	struct policy_reason r[4];
	const char *when = "{not: {fact: la.causing_concern, is: true}}";
	N2gg__V1__SchoolFacts *concern = school_new(*state);
	school_flags(*state, concern)->causing_concern = true;
	assert_int_equal(explain(when, school_new(*state), r, 4), 1);
	assert_string_equal(r[0].value, "no");
	assert_string_equal(r[0].condition, "not: is yes");
	assert_true(r[0].holds);
	assert_contains(r[0].text, "(met)");
	assert_int_equal(explain(when, concern, r, 4), 1);
	assert_string_equal(r[0].value, "yes");
	assert_false(r[0].holds);
	assert_contains(r[0].text, "not met");
}

static void test_a_count_lists_the_years_that_counted(void **state)
{
	struct policy_reason r[4];
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2013, 55, -1);
	school_achieved(*state, sf, 2012, 70, 1);
	school_achieved(*state, sf, 2011, 50, -2);
	assert_int_equal(explain(BELOW_FLOOR_IN_3("at_least: 2"), sf, r, 4), 1);
	assert_string_equal(r[0].fact, "year.below_floor");
	assert_string_equal(r[0].value, "2 of the last 3 years (2013, 2011)");
	assert_string_equal(r[0].condition,
			    "at least 2 of the last 3 years: below the floor standard is yes");
	assert_true(r[0].holds);
	assert_int_equal(explain(BELOW_FLOOR_IN_3("at_least: 2"), school_new(*state), r, 4), 1);
	assert_string_equal(r[0].value, "0 of the last 3 years");
	assert_false(r[0].holds);
}

static void test_a_count_with_a_compound_where_is_about_achievement(void **state)
{
	struct policy_reason r[4];
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2013, 58, 1);
	school_achieved(*state, sf, 2012, 58, 1);
	assert_int_equal(explain("{count: {years: 3, where: {all: ["
				 "{fact: year.expected_standard_pct, below: 60}, "
				 "{fact: year.progress, at_least: 0}]}}, at_most: 1}",
				 sf, r, 4),
			 1);
	assert_string_equal(r[0].fact, "achievement");
	assert_string_equal(r[0].value, "2 of the last 3 years (2013, 2012)");
	assert_contains(r[0].condition, "at most 1 of the last 3 years");
	assert_contains(r[0].condition, "pupils reaching the expected standard is below 60%");
	assert_false(r[0].holds);
}

static void test_always_is_explained(void **state)
{
	struct policy_reason r[4];
	assert_int_equal(explain("always", school_new(*state), r, 4), 1);
	assert_string_equal(r[0].fact, "always");
	assert_true(r[0].holds);
	assert_contains(r[0].text, "every school");
}

/* ---- the DfE's measures, markers and the areas' averages ---- */

/* Whether rule `when` holds on `day` with these comparators (may be NULL). */
static bool holds_compared(const char *when, const N2gg__V1__SchoolFacts *sf,
			   const struct facts_comparators *comparators, int day)
{
	struct policy p;
	struct facts f;
	load_rule(&p, when);
	facts_compute_compared(sf, &p.params, comparators, day, &f);
	int rule = policy_decide(&p, &f);
	policy_free(&p);
	return rule == 0;
}

/* The structured explanation of rule `when`; returns the number of rows. */
static int explain_structure(const char *when, const N2gg__V1__SchoolFacts *sf,
			     const struct facts_comparators *comparators, int day,
			     struct policy_reason *out, int max)
{
	struct policy p;
	struct facts f;
	load_rule(&p, when);
	facts_compute_compared(sf, &p.params, comparators, day, &f);
	int n = policy_explain_structure(&p, 0, &f, out, max);
	policy_free(&p);
	return n;
}

/* "{count: {years: 1, where: {fact: FACT, OP: VALUE}}, at_least: 1}": the latest year */
#define LATEST_YEAR(where) "{count: {years: 1, where: " where "}, at_least: 1}"

static void test_each_key_stage_2_and_4_measure_is_a_year_fact(void **state)
{
	N2gg__V1__SchoolFacts *primary = school_new(*state);
	school_ks2(*state, primary, 2017, 58, 1.5, -3.5, -0.2);
	N2gg__V1__SchoolFacts *secondary = school_new(*state);
	secondary->phase = N2GG__V1__PHASE__PHASE_SECONDARY;
	school_ks4(*state, secondary, 2017, -0.42, 44.1, 38);
	int day = date_from_ymd(2017, 10, 1);
	static const struct {
		const char *when;
		bool primary, secondary;
	} checks[] = {
		{LATEST_YEAR("{fact: year.ks2_expected_standard_pct, below: 60}"), true, false},
		{LATEST_YEAR("{fact: year.ks2_expected_standard_pct, at_least: 58}"), true, false},
		{LATEST_YEAR("{fact: year.ks2_reading_progress, above: 1.4}"), true, false},
		{LATEST_YEAR("{fact: year.ks2_writing_progress, below: -3.4}"), true, false},
		{LATEST_YEAR("{fact: year.ks2_maths_progress, is: -0.2}"), true, false},
		{LATEST_YEAR("{fact: year.ks4_progress8, below: -0.4}"), false, true},
		{LATEST_YEAR("{fact: year.ks4_attainment8, at_least: 44.1}"), false, true},
		{LATEST_YEAR("{fact: year.ks4_english_maths_5_pct, is: 38}"), false, true},
		/* the old facts: key stage 2's expected standard is year.expected_standard_pct;
		 * key stage 4 has none; progress only when the registry says it was given */
		{LATEST_YEAR("{fact: year.expected_standard_pct, is: 58}"), true, false},
		{LATEST_YEAR("{fact: year.expected_standard_pct, at_least: 0}"), true, false},
		{LATEST_YEAR("{fact: year.progress, at_least: -100}"), false, false},
		{LATEST_YEAR("{fact: year.published, is: true}"), true, true},
		/* the latest published year's value, as a school fact */
		{"{fact: latest.ks2_writing_progress, is: -3.5}", true, false},
		{"{fact: latest.ks4_progress8, is: -0.42}", false, true},
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		bool p = holds_compared(checks[i].when, primary, NULL, day);
		bool q = holds_compared(checks[i].when, secondary, NULL, day);
		if (p != checks[i].primary || q != checks[i].secondary) {
			print_error("%s: primary %d secondary %d\n", checks[i].when, p, q);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
	school_row(*state, primary, 2016, N2GG__V1__KEY_STAGE__KEY_STAGE_2)->progress_known = true;
	assert_true(holds_compared("{count: {years: 2, where: {fact: year.progress, is: 0}}, "
				   "at_least: 1}", primary, NULL, day));
}

/* latest.*: the latest year whose file had the measure; a marker there is the latest. */
static void test_latest_is_the_latest_published_year(void **state)
{
	int day = date_from_ymd(2018, 10, 1);   /* 2018's results are out */
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_ks2(*state, sf, 2016, 60, -1, 0, 0);
	school_ks2(*state, sf, 2017, 62, 0, 0, 0)->reading_progress = NULL;   /* no column */
	struct policy_reason r[4];
	const char *when = "{fact: latest.ks2_reading_progress, below: 0}";
	assert_true(holds_compared(when, sf, NULL, day));
	assert_int_equal(explain_structure(when, sf, NULL, day, r, 4), 1);
	assert_string_equal(r[0].value, "-1 (2016)");
	assert_contains(r[0].text, "key stage 2 reading progress score, latest published: -1 (2016)");

	school_ks2(*state, sf, 2018, 70, 0, 0, 0)->reading_progress =
		measure_marked(*state, "SUPP");
	assert_false(holds_compared(when, sf, NULL, day));
	/* unknown: the comparison fails, so its negation holds */
	assert_true(holds_compared("{not: {fact: latest.ks2_reading_progress, below: 0}}", sf,
				   NULL, day));
	assert_int_equal(explain_structure(when, sf, NULL, day, r, 4), 1);
	assert_string_equal(r[0].value, "suppressed (SUPP) (2018)");
	assert_false(r[0].holds);
	/* ten years back at most */
	N2gg__V1__SchoolFacts *old = school_new(*state);
	school_ks2(*state, old, 2008, 60, -1, 0, 0);
	assert_false(holds_compared(when, old, NULL, day));
}

/* A measure published as a marker is unknown: no comparison with it holds, and a count
 * over years says which years were not known, and why. */
static void test_a_marker_is_unknown_and_explained(void **state)
{
	int day = date_from_ymd(2018, 10, 1);
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_ks2(*state, sf, 2016, 60, -3, 0, 0);
	school_ks2(*state, sf, 2017, 60, 0, 0, 0)->reading_progress = measure_marked(*state, "NE");
	school_ks2(*state, sf, 2018, 60, 0, 0, 0)->reading_progress =
		measure_marked(*state, "SUPP");
	const char *when = "{count: {years: 3, where: {fact: year.ks2_reading_progress, below: 1}}, "
			   "at_least: 2}";
	assert_false(holds_compared(when, sf, NULL, day));
	struct policy_reason r[4];
	assert_int_equal(explain_structure(when, sf, NULL, day, r, 4), 1);
	assert_string_equal(r[0].value, "1 of the last 3 years (2016); not known: 2018 suppressed "
					"(SUPP), 2017 no pupils entered (NE)");
	assert_false(r[0].holds);
	/* an unknown marker is named as it is */
	N2gg__V1__SchoolFacts *odd = school_new(*state);
	school_ks2(*state, odd, 2018, 60, 0, 0, 0)->maths_progress = measure_marked(*state, "ZZ");
	assert_int_equal(explain_structure("{fact: latest.ks2_maths_progress, below: 0}", odd, NULL,
					   day, r, 4),
			 1);
	assert_string_equal(r[0].value, "not published (ZZ) (2018)");
}

static N2gg__V1__Comparator *ks2_average(struct arena *a, unsigned year,
					 N2gg__V1__ComparatorArea area, double pct, double reading)
{
	N2gg__V1__Comparator *c = comparator_new(a, year, N2GG__V1__KEY_STAGE__KEY_STAGE_2, area);
	c->achievement->expected_standard = measure_of(a, pct);
	c->achievement->reading_progress = measure_of(a, reading);
	return c;
}

/* year.<measure>_vs_la and _vs_england: the school's figure less the area's of the same
 * year and key stage; unknown with no such comparator. */
static void test_a_school_against_the_la_and_england(void **state)
{
	struct arena *a = *state;
	int day = date_from_ymd(2017, 10, 1);
	N2gg__V1__SchoolFacts *sf = school_new(a);
	school_ks2(a, sf, 2016, 50, -1, 0, 0);
	school_ks2(a, sf, 2017, 58, -1.2, 0, 0);
	struct facts_comparators *cmp = arena_zalloc(a, sizeof *cmp);
	assert_true(facts_comparators_add(cmp, ks2_average(a, 2017,
		N2GG__V1__COMPARATOR_AREA__AREA_LA, 62, 0.3)));
	assert_true(facts_comparators_add(cmp, ks2_average(a, 2017,
		N2GG__V1__COMPARATOR_AREA__AREA_ENGLAND, 61, 0)));
	/* key stage 4's averages are not key stage 2's */
	N2gg__V1__Comparator *ks4 = comparator_new(a, 2016, N2GG__V1__KEY_STAGE__KEY_STAGE_4,
						   N2GG__V1__COMPARATOR_AREA__AREA_ENGLAND);
	ks4->achievement->progress8 = measure_of(a, -0.03);
	assert_true(facts_comparators_add(cmp, ks4));
	/* a comparator of no area is not one */
	N2gg__V1__Comparator *none = ks2_average(a, 2016, N2GG__V1__COMPARATOR_AREA__AREA_UNSPECIFIED,
						 40, 0);
	assert_false(facts_comparators_add(cmp, none));

	static const struct check checks[] = {
		{LATEST_YEAR("{fact: year.ks2_expected_standard_pct_vs_la, is: -4}"), true},
		{LATEST_YEAR("{fact: year.ks2_expected_standard_pct_vs_england, below: -3}"), false},
		{LATEST_YEAR("{fact: year.ks2_expected_standard_pct_vs_england, at_most: -3}"), true},
		{LATEST_YEAR("{fact: year.ks2_reading_progress_vs_la, below: -1.4}"), true},
		{LATEST_YEAR("{fact: year.ks2_reading_progress_vs_england, is: -1.2}"), true},
		/* 2016 has no averages: unknown, so no comparison holds */
		{"{count: {years: 2, where: {fact: year.ks2_expected_standard_pct_vs_la, "
		 "below: 100}}, at_least: 2}", false},
		{"{fact: latest.ks2_expected_standard_pct_vs_england, is: -3}", true},
		{"{fact: latest.ks4_progress8_vs_england, below: 20}", false},
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		if (holds_compared(checks[i].when, sf, cmp, day) != checks[i].holds) {
			print_error("%s should %s\n", checks[i].when,
				    checks[i].holds ? "hold" : "not hold");
			wrong++;
		}
	assert_int_equal(wrong, 0);
	/* without the averages, nothing to compare with */
	assert_false(holds_compared(checks[0].when, sf, NULL, day));
	struct policy_reason r[4];
	assert_int_equal(explain_structure("{fact: latest.ks2_reading_progress_vs_la, below: 0}", sf,
					   cmp, day, r, 4),
			 1);
	assert_string_equal(r[0].fact, "latest.ks2_reading_progress_vs_la");
	assert_string_equal(r[0].value, "-1.5 (2017)");
	assert_contains(r[0].text, "against the LA average");
	assert_int_equal(explain_structure("{fact: latest.ks2_expected_standard_pct_vs_la, "
					   "above: -10}", sf, cmp, day, r, 4),
			 1);
	assert_string_equal(r[0].value, "-4 points (2017)");
	assert_string_equal(r[0].condition, "is above -10 points");
	/* an area's figure published as a marker cannot be compared with */
	cmp->list[0].measures[MEASURE_EXPECTED_STANDARD_PCT].known = false;
	assert_false(holds_compared(checks[0].when, sf, cmp, day));
}

/* ---- the structure of an explanation ---- */

static void test_a_rule_is_explained_as_its_tree(void **state)
{
	N2gg__V1__SchoolFacts *sf = graded(*state, 2);
	school_flags(*state, sf)->targeted_system_leader = true;
	const char *when = "{all: [{fact: ofsted.overall, at_most: 2}, "
			   "{any: [{fact: la.causing_concern, is: true}, "
			   "{fact: la.targeted_n2gg, is: true}]}, "
			   "{fact: la.targeted_system_leader, is: true}]}";
	struct policy_reason r[8];
	assert_int_equal(explain_structure(when, sf, NULL, today, r, 8), 6);
	static const struct {
		int depth;
		const char *group, *fact;
		bool holds;
	} want[] = {
		{0, "all", "", false},   /* one member unmet: the rule does not hold */
		{1, "", "ofsted.overall", true},
		{1, "any", "", false},
		{2, "", "la.causing_concern", false},
		{2, "", "la.targeted_n2gg", false},
		{1, "", "la.targeted_system_leader", true},
	};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(r[i].depth, want[i].depth);
		assert_string_equal(r[i].group, want[i].group);
		assert_string_equal(r[i].fact, want[i].fact);
		assert_int_equal(r[i].holds, want[i].holds);
		/* group rows carry only the structure: letters read the conditions' texts */
		if (r[i].group[0])
			assert_true(!r[i].text[0] && !r[i].value[0] && !r[i].condition[0]);
		else
			assert_true(r[i].text[0] != 0);
	}
	/* the plain form is the conditions alone, as letters have them */
	assert_int_equal(explain(when, sf, r, 8), 4);
	assert_string_equal(r[1].fact, "la.causing_concern");
	assert_int_equal(r[1].depth, 0);
	/* no more rows than asked for */
	assert_int_equal(explain_structure(when, sf, NULL, today, r, 3), 3);
}

/* In the tree a `not` is a group: its member is shown as it is, with whether it held, and
 * the `not` row says the rule asks the opposite. (The plain form negates the member.) */
static void test_not_is_a_group_over_its_member(void **state)
{
	N2gg__V1__SchoolFacts *sf = graded(*state, 2);
	const char *when = "{not: {all: [{fact: ofsted.overall, is: 2}, "
			   "{fact: la.causing_concern, is: true}]}}";
	assert_true(holds(when, sf));
	struct policy_reason r[8];
	assert_int_equal(explain_structure(when, sf, NULL, today, r, 8), 4);
	assert_string_equal(r[0].group, "not");
	assert_int_equal(r[0].depth, 0);
	assert_true(r[0].holds);
	assert_string_equal(r[1].group, "all");
	assert_int_equal(r[1].depth, 1);
	assert_false(r[1].holds);
	assert_string_equal(r[2].condition, "is 2 (Good)");
	assert_int_equal(r[2].depth, 2);
	assert_true(r[2].holds);
	assert_string_equal(r[3].condition, "is yes");
	assert_false(r[3].holds);
	assert_contains(r[3].text, "(not met)");
	/* the plain form, as before: the conditions negated */
	assert_int_equal(explain(when, sf, r, 8), 2);
	assert_string_equal(r[0].condition, "not: is 2 (Good)");
	assert_false(r[0].holds);
	/* two nots, two rows */
	assert_int_equal(explain_structure("{not: {not: {fact: ofsted.overall, is: 2}}}", sf, NULL,
					   today, r, 8),
			 3);
	assert_true(r[0].holds && !r[1].holds && r[2].holds);
	assert_int_equal(r[2].depth, 2);
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)

int main(void)
{
	today = date_from_ymd(2013, 11, 15);
	const struct CMUnitTest tests[] = {
		T(test_always_holds_for_every_school),
		T(test_all_needs_every_condition),
		T(test_any_needs_one_condition),
		T(test_not_inverts_a_condition),
		T(test_groups_nest),
		T(test_every_operator_on_a_grade),
		T(test_the_latest_inspection_is_the_one_that_counts),
		T(test_the_age_of_an_inspection_is_in_whole_months),
		T(test_every_operator_on_a_number),
		T(test_a_fractional_number_from_the_latest_return),
		T(test_every_operator_on_a_bool),
		T(test_a_school_without_flags_has_every_flag_off),
		T(test_a_warning_notice_is_issued_when_it_has_a_date),
		T(test_every_operator_on_an_enum),
		T(test_an_unknown_fact_fails_every_comparison),
		T(test_every_operator_on_a_count),
		T(test_a_count_looks_back_only_its_years),
		T(test_a_count_with_a_compound_where),
		T(test_year_published_tells_years_with_results),
		T(test_year_attainment_and_progress),
		T(test_below_the_floor_needs_low_attainment_and_low_progress),
		T(test_the_floor_rises_to_65_percent_from_2014),
		T(test_no_floor_applies_before_the_first),
		T(test_a_summers_results_count_from_september),
		T(test_the_first_rule_that_holds_decides),
		T(test_no_rule_holding_decides_nothing),
		T(test_a_rules_activities_replace_its_categorys),
		T(test_a_comparison_explained_in_words),
		T(test_a_comparison_that_fails_says_so),
		T(test_an_unknown_value_is_explained_as_unknown),
		T(test_enums_and_numbers_are_explained_in_words),
		T(test_each_comparison_in_a_group_is_a_reason),
		T(test_a_negated_comparison_is_explained_as_negated),
		T(test_a_count_lists_the_years_that_counted),
		T(test_a_count_with_a_compound_where_is_about_achievement),
		T(test_always_is_explained),
		T(test_each_key_stage_2_and_4_measure_is_a_year_fact),
		T(test_latest_is_the_latest_published_year),
		T(test_a_marker_is_unknown_and_explained),
		T(test_a_school_against_the_la_and_england),
		T(test_a_rule_is_explained_as_its_tree),
		T(test_not_is_a_group_over_its_member),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
