/* Unit tests of the floor and coasting standards the two shipped policies hold, against
 * the published definitions written out again here: for every year from 2009 to 2024 and
 * both key stages, a school just below each threshold and one on it (a threshold is met
 * by a school exactly on it: "below" is strictly below). Also how a school's key stage is
 * chosen, how a suppressed measure leaves a standard unknown or not, and coasting needing
 * three years in a row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "test_support.h"
#include "categoriser_support.h"
#include "date.h"
#include "facts.h"
#include "policy.h"
#include "policy_yaml.h"

extern const char categoriser_default_policy[];
extern const size_t categoriser_default_policy_len;
extern const char categoriser_la_2019_policy[];
extern const size_t categoriser_la_2019_policy_len;

static struct policy norfolk, la2019;

static int read_policy(struct policy *p, const char *text, size_t len)
{
	struct policy_report r = {0};
	policy_init(p);
	int rc = policy_yaml_parse(p, text, len, &r);
	if (rc == 0 && r.count)
		report_print(&r);
	return rc == 0 && r.count == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
	(void)state;
	if (read_policy(&norfolk, categoriser_default_policy, categoriser_default_policy_len) < 0)
		return -1;
	return read_policy(&la2019, categoriser_la_2019_policy, categoriser_la_2019_policy_len);
}

static int group_teardown(void **state)
{
	(void)state;
	policy_free(&norfolk);
	policy_free(&la2019);
	return 0;
}

/* ---- the published definitions ---- */

/* One published standard for a run of years: below it with `attainment` below its
 * threshold (NAN: no attainment part) and the progress part: on the one progress measure
 * of N2GG's own format (old: below 0, the national median), or on the DfE's progress
 * scores, any one below its threshold. */
struct definition {
	int key_stage;
	unsigned from, to;
	double attainment;         /* % below which; NAN: none */
	bool old_measures;         /* expected_standard_pct and progress below the median */
	double reading, writing, maths;   /* key stage 2 from 2016: progress scores */
	double progress8;          /* key stage 4 from 2016 */
};

#define OLD(ks, from, to, pct) {ks, from, to, pct, true, 0, 0, 0, 0}
#define KS2_NEW(from, to, pct, r, w, m) {2, from, to, pct, false, r, w, m, 0}
#define KS4_NEW(from, to, p8) {4, from, to, NAN, false, 0, 0, 0, p8}

/* DfE floor standards (sources in la-2019.yaml), and from 2019 the council's own, the
 * last published ones kept */
static const struct definition floors_published[] = {
	OLD(2, 2010, 2013, 60),   /* The Importance of Teaching; 2013 on RWM */
	OLD(2, 2014, 2015, 65),   /* press notice, March 2013 */
	KS2_NEW(2016, 2018, 65, -5, -7, -5),
	KS2_NEW(2019, 2024, 65, -5, -7, -5),   /* LA's own */
	OLD(4, 2010, 2011, 35),   /* five A*-C including English and maths */
	OLD(4, 2012, 2015, 40),
	KS4_NEW(2016, 2018, -0.5),
	KS4_NEW(2019, 2024, -0.5),             /* LA's own */
};

/* Coasting (Coasting Schools (England) Regulations 2016), and the council's own after */
static const struct definition coasting_published[] = {
	OLD(2, 2014, 2015, 85),
	KS2_NEW(2016, 2018, 85, -2.5, -3.5, -2.5),
	KS2_NEW(2019, 2024, 85, -2.5, -3.5, -2.5),
	OLD(4, 2014, 2015, 60),
	KS4_NEW(2016, 2018, -0.25),
	KS4_NEW(2019, 2024, -0.25),
};

/* Norfolk 2013: the primary floor of its day for every key stage, on its own measures,
 * for every year from 2010 */
static const struct definition floors_norfolk[] = {
	OLD(2, 2010, 2013, 60), OLD(2, 2014, 2024, 65),
	OLD(4, 2010, 2013, 60), OLD(4, 2014, 2024, 65),
};

/* ---- a school with one year of results ---- */

/* The day results of `year` are the latest published. */
static int day_after(unsigned year)
{
	return date_from_ymd((int)year, 10, 1);
}

static N2gg__V1__SchoolFacts *school_of(struct arena *a, int key_stage)
{
	N2gg__V1__SchoolFacts *sf = school_new(a);
	sf->phase = key_stage == 4 ? N2GG__V1__PHASE__PHASE_SECONDARY
				   : N2GG__V1__PHASE__PHASE_PRIMARY;
	return sf;
}

/* A school's results of `year` as `d` reads them: attainment `pct`, and the progress
 * figures offset from their thresholds (`which` 0..2 the one offset, -1 none). */
static void results(struct arena *a, N2gg__V1__SchoolFacts *sf, const struct definition *d,
		    unsigned year, double pct, int which, double offset)
{
	if (d->old_measures) {
		school_achieved(a, sf, year, pct, which == 0 ? offset : 0.5);
	} else if (d->key_stage == 2) {
		/* every score at its threshold (met) but the one `which` says */
		school_ks2(a, sf, year, pct, d->reading + (which == 0 ? offset : 0),
			   d->writing + (which == 1 ? offset : 0), d->maths + (which == 2 ? offset : 0));
	} else {
		school_ks4(a, sf, year, d->progress8 + (which == 0 ? offset : 0), 40, 40);
	}
}

/* year.below_floor (or year.below_coasting) of that school: -1 unknown, else 0 or 1. */
static int judged(const struct policy *p, struct arena *a, const struct definition *d,
		  unsigned year, double pct, int which, double offset, enum fact_id fact)
{
	N2gg__V1__SchoolFacts *sf = school_of(a, d->key_stage);
	results(a, sf, d, year, pct, which, offset);
	struct facts f;
	facts_compute(sf, &p->params, day_after(year), &f);
	struct fact_value v = facts_get(&f, fact, 0);
	return v.known ? (int)v.v : -1;
}

static int progress_parts(const struct definition *d)
{
	return d->old_measures || d->key_stage == 4 ? 1 : 3;
}

/* For every year of `d`: below with attainment and one progress part just below their
 * thresholds; not below with either on its threshold. */
static void check_definition(const struct policy *p, struct arena *a, const struct definition *d,
			     enum fact_id fact, int *wrong)
{
	const double just = 0.01;
	for (unsigned year = d->from; year <= d->to; year++) {
		double pct = isnan(d->attainment) ? 50 : d->attainment;
		for (int which = 0; which < progress_parts(d); which++) {
			int below = judged(p, a, d, year, pct - just, which, -just, fact);
			int on_progress = judged(p, a, d, year, pct - just, which, 0, fact);
			int on_attainment = isnan(d->attainment)
						    ? 0
						    : judged(p, a, d, year, pct, which, -just, fact);
			if (below != 1 || on_progress != 0 || on_attainment != 0) {
				print_error("key stage %d, %u, progress part %d: just below %d, on "
					    "the progress threshold %d, on the attainment threshold "
					    "%d (want 1, 0, 0)\n",
					    d->key_stage, year, which, below, on_progress,
					    on_attainment);
				(*wrong)++;
			}
		}
	}
}

/* Years no definition covers have no standard: the fact is unknown. */
static void check_uncovered(const struct policy *p, struct arena *a,
			    const struct definition *defs, size_t n, enum fact_id fact, int *wrong)
{
	for (int ks = 2; ks <= 4; ks += 2)
		for (unsigned year = 2005; year <= 2024; year++) {
			bool covered = false;
			for (size_t i = 0; i < n; i++)
				covered = covered || (defs[i].key_stage == ks && defs[i].from <= year &&
						      year <= defs[i].to);
			if (covered)
				continue;
			struct definition any = OLD(ks, year, year, 99);
			if (judged(p, a, &any, year, 1, 0, -50, fact) != -1) {
				print_error("key stage %d, %u: no standard, yet judged\n", ks, year);
				(*wrong)++;
			}
		}
}

#define N(x) (sizeof x / sizeof x[0])

/* Policy `p`'s table for `fact` against the published definitions `defs`: each year
 * they cover judged as they say, the years they do not cover not judged. */
static void check_table(const struct policy *p, struct arena *a, const struct definition *defs,
			size_t n, enum fact_id fact)
{
	int wrong = 0;
	for (size_t i = 0; i < n; i++)
		check_definition(p, a, &defs[i], fact, &wrong);
	check_uncovered(p, a, defs, n, fact, &wrong);
	assert_int_equal(wrong, 0);
}

static void test_la_2019_floors_are_the_published_ones(void **state)
{
	check_table(&la2019, *state, floors_published, N(floors_published), FACT_YEAR_BELOW_FLOOR);
}

static void test_la_2019_coasting_standards_are_the_published_ones(void **state)
{
	check_table(&la2019, *state, coasting_published, N(coasting_published),
		    FACT_YEAR_BELOW_COASTING);
}

static void test_norfolk_floors_keep_their_2013_figures(void **state)
{
	check_table(&norfolk, *state, floors_norfolk, N(floors_norfolk), FACT_YEAR_BELOW_FLOOR);
}

/* Every row says where it comes from; the DfE's say when they stopped, the council's own
 * say they are its own, and the key stage 4 rows from 2016 what N2GG lacks. */
static void test_every_row_names_its_source(void **state)
{
	(void)state;
	const struct facts_standards *tables[] = {&norfolk.params.floors, &la2019.params.floors,
						  &la2019.params.coasting};
	for (size_t t = 0; t < N(tables); t++)
		for (size_t i = 0; i < tables[t]->count; i++) {
			const struct facts_standard *s = &tables[t]->rows[i];
			assert_true(strlen(s->source) > 20);
			if (tables[t] == &norfolk.params.floors)
				continue;
			if (s->from_year >= 2019)
				assert_contains(s->source, "LA assumption");
			else if (s->from_year == 2016)
				assert_contains(s->source, "after the 2018 results");
			if (s->key_stage == 4 && s->from_year >= 2016)
				assert_contains(s->source, "onfidence interval");
		}
}

/* ---- which key stage, and measures that are not known ---- */

static void test_the_key_stage_a_school_is_judged_on(void **state)
{
	static const struct {
		N2gg__V1__Phase phase;
		int key_stage;
	} phases[] = {
		{N2GG__V1__PHASE__PHASE_PRIMARY, 2},
		{N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_PRIMARY, 2},
		{N2GG__V1__PHASE__PHASE_SECONDARY, 4},
		{N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_SECONDARY, 4},
		{N2GG__V1__PHASE__PHASE_ALL_THROUGH, 4},
		{N2GG__V1__PHASE__PHASE_SPECIAL, 2},
	};
	for (size_t i = 0; i < N(phases); i++) {
		N2gg__V1__SchoolFacts *sf = school_new(*state);
		sf->phase = phases[i].phase;
		assert_int_equal(facts_judged_key_stage(sf), phases[i].key_stage);
	}
	/* a special school with key stage 4 results is judged on them */
	N2gg__V1__SchoolFacts *special = school_new(*state);
	special->phase = N2GG__V1__PHASE__PHASE_SPECIAL;
	school_ks4(*state, special, 2017, -1, 20, 10);
	assert_int_equal(facts_judged_key_stage(special), 4);
}

/* An all-through school has both key stages' results; its floor is key stage 4's. */
static void test_an_all_through_school_is_judged_on_key_stage_4(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	sf->phase = N2GG__V1__PHASE__PHASE_ALL_THROUGH;
	school_ks2(*state, sf, 2017, 40, -8, -8, -8);   /* far below the primary floor */
	school_ks4(*state, sf, 2017, 0.2, 50, 45);      /* above the secondary one */
	struct facts f;
	facts_compute(sf, &la2019.params, day_after(2017), &f);
	assert_int_equal(f.key_stage, 4);
	struct fact_value v = facts_get(&f, FACT_YEAR_BELOW_FLOOR, 0);
	assert_true(v.known && v.v == 0);
	/* the key stage 2 measures are still facts of their own */
	v = facts_get(&f, facts_published_fact(true, PUBLISHED_KS2_READING_PROGRESS, AGAINST_NONE),
		      0);
	assert_true(v.known && v.v == -8);
}

/* A suppressed progress score leaves the floor unknown unless the rest settles it. */
static void test_a_suppressed_measure_settles_what_it_can(void **state)
{
	struct {
		double pct;
		double writing;
		int below;   /* -1 unknown */
	} cases[] = {
		{60, 0, -1},    /* below 65%, reading unknown, writing and maths met: cannot tell */
		{70, 0, 0},     /* at or above 65%: above the floor whatever reading was */
		{60, -8, 1},    /* writing below -7 settles "any one" */
	};
	for (size_t i = 0; i < N(cases); i++) {
		N2gg__V1__SchoolFacts *sf = school_new(*state);
		N2gg__V1__Achievement *a = school_ks2(*state, sf, 2017, cases[i].pct, 0,
						      cases[i].writing, 0);
		a->reading_progress = measure_marked(*state, "SUPP");
		struct facts f;
		facts_compute(sf, &la2019.params, day_after(2017), &f);
		struct fact_value v = facts_get(&f, FACT_YEAR_BELOW_FLOOR, 0);
		assert_int_equal(v.known ? (int)v.v : -1, cases[i].below);
		/* unknown because of the marker, which the explanation then names */
		assert_string_equal(v.marker, cases[i].below < 0 ? "SUPP" : "");
	}
	/* a measure the file did not have is unknown in the same way, with no marker */
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_ks2(*state, sf, 2017, 60, 0, 0, 0)->maths_progress = NULL;
	struct facts f;
	facts_compute(sf, &la2019.params, day_after(2017), &f);
	struct fact_value v = facts_get(&f, FACT_YEAR_BELOW_FLOOR, 0);
	assert_false(v.known);
	assert_string_equal(v.marker, "");
	/* a suppressed share at the expected standard is not 0%: below 65% is not settled */
	N2gg__V1__SchoolFacts *attainment = school_new(*state);
	school_ks2(*state, attainment, 2017, 0, 0, -8, 0)->expected_standard =
		measure_marked(*state, "SUPP");
	facts_compute(attainment, &la2019.params, day_after(2017), &f);
	v = facts_get(&f, FACT_YEAR_BELOW_FLOOR, 0);
	assert_false(v.known);
	assert_string_equal(v.marker, "SUPP");
}

/* ---- coasting: three years in a row ---- */

static struct facts coasting_of(struct arena *a, bool coasting_2014, bool coasting_2015,
				bool coasting_2016)
{
	N2gg__V1__SchoolFacts *sf = school_new(a);
	/* 2014 and 2015 on the old measures (85%, progress below the median), 2016 on the new
	 * (85% and a progress score below -2.5 / -3.5 / -2.5) */
	school_achieved(a, sf, 2014, 84, coasting_2014 ? -0.1 : 0);
	school_achieved(a, sf, 2015, coasting_2015 ? 84.9 : 85, -0.4);
	school_ks2(a, sf, 2016, 70, -1, coasting_2016 ? -3.6 : -3.5, -1);
	struct facts f;
	facts_compute(sf, &la2019.params, day_after(2016), &f);
	return f;
}

static void test_coasting_needs_three_years_in_a_row(void **state)
{
	struct facts f = coasting_of(*state, true, true, true);
	struct fact_value v = facts_get(&f, FACT_YEAR_COASTING, 0);
	assert_true(v.known && v.v == 1);
	for (int y = 0; y < 3; y++)
		assert_true(facts_get(&f, FACT_YEAR_BELOW_COASTING, y).v == 1);
	/* 2015 and 2014 are below too, but their three years reach back before 2014 */
	assert_false(facts_get(&f, FACT_YEAR_COASTING, 1).known);

	bool years[3][3] = {{false, true, true}, {true, false, true}, {true, true, false}};
	for (int i = 0; i < 3; i++) {
		f = coasting_of(*state, years[i][0], years[i][1], years[i][2]);
		v = facts_get(&f, FACT_YEAR_COASTING, 0);
		assert_true(v.known && v.v == 0);
	}
	/* a year with no results leaves coasting unknown, not false */
	N2gg__V1__SchoolFacts *sf = school_new(*state);
	school_achieved(*state, sf, 2014, 80, -1);
	school_ks2(*state, sf, 2016, 70, -3, -4, -3);
	facts_compute(sf, &la2019.params, day_after(2016), &f);
	assert_false(facts_get(&f, FACT_YEAR_COASTING, 0).known);
}

/* Key stage 4: Progress 8 below -0.25 in 2016-2018, the old measures (60%) before. */
static void test_a_secondary_coasting_over_2015_to_2017(void **state)
{
	N2gg__V1__SchoolFacts *sf = school_of(*state, 4);
	school_achieved(*state, sf, 2015, 55, -0.2);
	school_ks4(*state, sf, 2016, -0.3, 44, 35);
	school_ks4(*state, sf, 2017, -0.26, 44, 35);
	struct facts f;
	facts_compute(sf, &la2019.params, day_after(2017), &f);
	assert_true(facts_get(&f, FACT_YEAR_COASTING, 0).known);
	assert_true(facts_get(&f, FACT_YEAR_COASTING, 0).v == 1);
	/* and not below the floor: Progress 8 is above -0.5 */
	assert_true(facts_get(&f, FACT_YEAR_BELOW_FLOOR, 0).v == 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_la_2019_floors_are_the_published_ones),
		T(test_la_2019_coasting_standards_are_the_published_ones),
		T(test_norfolk_floors_keep_their_2013_figures),
		T(test_every_row_names_its_source),
		T(test_the_key_stage_a_school_is_judged_on),
		T(test_an_all_through_school_is_judged_on_key_stage_4),
		T(test_a_suppressed_measure_settles_what_it_can),
		T(test_coasting_needs_three_years_in_a_row),
		T(test_a_secondary_coasting_over_2015_to_2017),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
