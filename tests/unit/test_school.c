/* Unit tests of school: validating facts and folding them into a school's record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "test_support.h"
#include "date.h"
#include "school.h"

/* "today" for every test (set in main): facts dated after it are in the future */
static int today;

static School *new_school(struct arena *a)
{
	School *s = arena_message(a, &n2gg__v1__school__descriptor);
	s->urn = 121234;
	s->name = "Ashwood Primary School";
	s->status = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN;
	school_complete(s, a);
	return s;
}

static N2gg__V1__Inspection inspection(const char *date, uint32_t grade,
				       N2gg__V1__CategoryOfConcern concern)
{
	N2gg__V1__Inspection in = N2GG__V1__INSPECTION__INIT;
	in.start_date = (char *)date;
	in.overall_effectiveness = grade;
	in.category_of_concern = concern;
	return in;
}

static void test_urns_are_six_digits(void **state)
{
	(void)state;
	struct status st;
	assert_int_equal(school_check_urn(100000, &st), 0);
	assert_int_equal(school_check_urn(999999, &st), 0);
	assert_int_equal(school_check_urn(99999, &st), -STATUS_INVALID_ARGUMENT);
	assert_non_null(strstr(st.message, "99999"));
	assert_int_equal(school_check_urn(1000000, &st), -STATUS_INVALID_ARGUMENT);
}

static void test_inspections_are_kept_in_date_order_once(void **state)
{
	School *s = new_school(*state);
	struct status st;
	N2gg__V1__Inspection later = inspection("2012-05-01", 3, 0);
	N2gg__V1__Inspection earlier = inspection("01/02/2010", 2, 0);
	assert_int_equal(school_add_inspection(s, &later, today, *state, &st), 1);
	assert_int_equal(school_add_inspection(s, &earlier, today, *state, &st), 1);
	assert_int_equal(s->n_inspections, 2);
	assert_string_equal(s->inspections[0]->start_date, "2010-02-01");
	assert_string_equal(s->inspections[1]->start_date, "2012-05-01");
	/* the same fact again changes nothing; a correction replaces it */
	assert_int_equal(school_add_inspection(s, &later, today, *state, &st), 0);
	N2gg__V1__Inspection corrected = inspection("2012-05-01", 4,
		N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES);
	assert_int_equal(school_add_inspection(s, &corrected, today, *state, &st), 1);
	assert_int_equal(s->n_inspections, 2);
	assert_int_equal(s->inspections[1]->overall_effectiveness, 4);
}

static void test_bad_inspections_are_refused_with_the_reason(void **state)
{
	School *s = new_school(*state);
	struct status st;
	struct {
		N2gg__V1__Inspection in;
		const char *words;
	} cases[] = {
		{inspection("2012-05-01", 7, 0), "7 is not 1-4"},
		{inspection("2012-05-01", 0, 0), "0 is not 1-4"},
		{inspection("2012-02-30", 2, 0), "not a date"},
		{inspection("", 2, 0), "missing"},
		{inspection("2014-01-01", 2, 0), "future"},
		{inspection("2012-05-01", 3, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES),
		 "only with overall effectiveness 4"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(school_add_inspection(s, &cases[i].in, today, *state, &st),
				 -STATUS_INVALID_ARGUMENT);
		assert_non_null(strstr(st.message, cases[i].words));
	}
	assert_int_equal(s->n_inspections, 0);
}

static void test_achievement_by_year(void **state)
{
	School *s = new_school(*state);
	struct status st;
	N2gg__V1__Achievement a = N2GG__V1__ACHIEVEMENT__INIT;
	a.year = 2013;
	a.expected_standard_pct = 58;
	a.progress = -1.5;
	assert_int_equal(school_add_achievement(s, &a, *state, &st), 1);
	a.year = 2011;
	assert_int_equal(school_add_achievement(s, &a, *state, &st), 1);
	assert_int_equal(s->achievement[0]->year, 2011);
	assert_int_equal(school_add_achievement(s, &a, *state, &st), 0);
	a.expected_standard_pct = 101;
	assert_int_equal(school_add_achievement(s, &a, *state, &st), -STATUS_INVALID_ARGUMENT);
	a.expected_standard_pct = 60;
	a.progress = 25;
	assert_int_equal(school_add_achievement(s, &a, *state, &st), -STATUS_INVALID_ARGUMENT);
	a.year = 1999;
	a.progress = 0;
	assert_int_equal(school_add_achievement(s, &a, *state, &st), -STATUS_INVALID_ARGUMENT);
	assert_int_equal(s->n_achievement, 2);
}

static N2gg__V1__Measure *measure(struct arena *a, double value, const char *marker)
{
	N2gg__V1__Measure *m = arena_message(a, &n2gg__v1__measure__descriptor);
	m->value = value;
	m->marker = (char *)marker;
	return m;
}

static N2gg__V1__Achievement key_stage_results(struct arena *a, uint32_t year,
					       N2gg__V1__KeyStage ks)
{
	N2gg__V1__Achievement in = N2GG__V1__ACHIEVEMENT__INIT;
	in.year = year;
	in.key_stage = ks;
	if (ks == N2GG__V1__KEY_STAGE__KEY_STAGE_2) {
		in.expected_standard = measure(a, 64, "");
		in.expected_standard_pct = 64;
		in.reading_progress = measure(a, -1.2, "");
		in.maths_progress = measure(a, 0, "SUPP");
	} else {
		in.progress8 = measure(a, 0.35, "");
		in.attainment8 = measure(a, 48.1, "");
		in.english_maths_5_pct = measure(a, 0, "NE");
	}
	return in;
}

static void test_achievement_by_year_and_key_stage(void **state)
{
	School *s = new_school(*state);
	struct status st;
	const N2gg__V1__KeyStage ks2 = N2GG__V1__KEY_STAGE__KEY_STAGE_2,
				 ks4 = N2GG__V1__KEY_STAGE__KEY_STAGE_4;
	/* an all-through school: both key stages in 2019, added out of order */
	N2gg__V1__Achievement ks4_2019 = key_stage_results(*state, 2019, ks4);
	N2gg__V1__Achievement ks2_2019 = key_stage_results(*state, 2019, ks2);
	N2gg__V1__Achievement ks4_2018 = key_stage_results(*state, 2018, ks4);
	N2gg__V1__Achievement plain_2019 = N2GG__V1__ACHIEVEMENT__INIT;
	plain_2019.year = 2019;
	plain_2019.expected_standard_pct = 70;
	assert_int_equal(school_add_achievement(s, &ks4_2019, *state, &st), 1);
	assert_int_equal(school_add_achievement(s, &ks2_2019, *state, &st), 1);
	assert_int_equal(school_add_achievement(s, &ks4_2018, *state, &st), 1);
	assert_int_equal(school_add_achievement(s, &plain_2019, *state, &st), 1);
	assert_int_equal(s->n_achievement, 4);
	static const struct { uint32_t year; N2gg__V1__KeyStage ks; } order[] = {
		{2018, N2GG__V1__KEY_STAGE__KEY_STAGE_4},
		{2019, N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED},
		{2019, N2GG__V1__KEY_STAGE__KEY_STAGE_2},
		{2019, N2GG__V1__KEY_STAGE__KEY_STAGE_4},
	};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(s->achievement[i]->year, order[i].year);
		assert_int_equal(s->achievement[i]->key_stage, order[i].ks);
	}
	assert_true(s->achievement[3]->attainment8->value == 48.1);
	assert_string_equal(s->achievement[3]->english_maths_5_pct->marker, "NE");

	/* the same results again, recorded by someone else at another time: no change */
	ks2_2019.recorded_by = "someone else";
	ks2_2019.recorded_unix_ms = 1;
	assert_int_equal(school_add_achievement(s, &ks2_2019, *state, &st), 0);
	/* a marker replaced by a figure is a correction of that year and key stage only */
	ks2_2019.maths_progress = measure(*state, 1.5, "");
	assert_int_equal(school_add_achievement(s, &ks2_2019, *state, &st), 1);
	assert_int_equal(s->n_achievement, 4);
	assert_true(s->achievement[2]->maths_progress->value == 1.5);
	assert_string_equal(s->achievement[3]->english_maths_5_pct->marker, "NE");

	/* refused, with the reason, and the record untouched */
	struct {
		N2gg__V1__Achievement in;
		const char *words;
	} bad[] = {
		{key_stage_results(*state, 2019, ks2), "reading progress 41.00 is not -40..40"},
		{key_stage_results(*state, 2019, ks4), "Progress 8 -10.50 is not -10..10"},
		{key_stage_results(*state, 2019, ks4), "Attainment 8 90.50 is not 0..90"},
		{key_stage_results(*state, 2019, (N2gg__V1__KeyStage)3), "key stage 3"},
		{key_stage_results(*state, 2019, ks2), "not one of the DfE's"},
	};
	bad[0].in.reading_progress = measure(*state, 41, "");
	bad[1].in.progress8 = measure(*state, -10.5, "");
	bad[2].in.attainment8 = measure(*state, 90.5, "");
	bad[4].in.reading_progress = measure(*state, 0, "A MARKER FAR TOO LONG");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(school_add_achievement(s, &bad[i].in, *state, &st),
				 -STATUS_INVALID_ARGUMENT);
		assert_contains(st.message, bad[i].words);
	}
	assert_int_equal(s->n_achievement, 4);
	assert_true(s->achievement[2]->reading_progress->value == -1.2);
}

static void test_progress_returns_per_half_term(void **state)
{
	School *s = new_school(*state);
	struct status st;
	N2gg__V1__ProgressReturn pr = N2GG__V1__PROGRESS_RETURN__INIT;
	pr.year = 2014;
	pr.half_term = 1;
	pr.received_date = "2013-10-20";
	pr.on_track_pct = 70;
	assert_int_equal(school_add_progress_return(s, &pr, today, *state, &st), 1);
	assert_int_equal(school_add_progress_return(s, &pr, today, *state, &st), 0);
	pr.half_term = 7;
	assert_int_equal(school_add_progress_return(s, &pr, today, *state, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_non_null(strstr(st.message, "half-term 7"));
	pr.half_term = 2;
	pr.received_date = "2013-12-20";   /* after "today" */
	assert_int_equal(school_add_progress_return(s, &pr, today, *state, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_int_equal(s->n_progress_returns, 1);
}

static void test_flags_change_only_what_is_named(void **state)
{
	School *s = new_school(*state);
	struct status st;
	N2gg__V1__LaFlags given = N2GG__V1__LA_FLAGS__INIT;
	given.causing_concern = 1;
	given.targeted_n2gg = 1;   /* given but not named: must not change */
	given.psswn_issued_date = "15/03/2013";
	char *fields[] = {"causing_concern", "psswn_issued_date"};
	assert_int_equal(school_set_flags(s, &given, fields, 2, today, *state, &st), 2);
	assert_true(s->flags->causing_concern);
	assert_false(s->flags->targeted_n2gg);
	assert_string_equal(s->flags->psswn_issued_date, "2013-03-15");
	assert_int_equal(school_set_flags(s, &given, fields, 2, today, *state, &st), 0);

	char *transition[] = {"in_transition"};
	given.in_transition = 1;
	assert_int_equal(school_set_flags(s, &given, transition, 1, today, *state, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_non_null(strstr(st.message, "reason"));
	assert_false(s->flags->in_transition);   /* refused: the record is untouched */
	char *both[] = {"in_transition", "transition_reason"};
	given.transition_reason = "amalgamating with the junior school";
	assert_int_equal(school_set_flags(s, &given, both, 2, today, *state, &st), 2);

	char *unknown[] = {"on_fire"};
	assert_int_equal(school_set_flags(s, &given, unknown, 1, today, *state, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_non_null(strstr(st.message, "on_fire"));
	assert_int_equal(school_set_flags(s, &given, NULL, 0, today, *state, &st),
			 -STATUS_INVALID_ARGUMENT);
}

static void test_names_round_trip(void **state)
{
	(void)state;
	N2gg__V1__Phase phase;
	N2gg__V1__SchoolStatus status;
	assert_int_equal(school_phase_parse("Primary", &phase), 0);
	assert_string_equal(school_phase_name(phase), "primary");
	assert_int_equal(school_phase_parse("pru", &phase), 0);
	assert_int_equal(phase, N2GG__V1__PHASE__PHASE_PUPIL_REFERRAL_UNIT);
	assert_int_equal(school_phase_parse("kindergarten", &phase), -1);
	assert_int_equal(school_status_parse("closed", &status), 0);
	assert_string_equal(school_status_name(status), "closed");
	assert_string_equal(school_grade_name(3), "Requires improvement");
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)

int main(void)
{
	today = date_from_ymd(2013, 11, 1);
	const struct CMUnitTest tests[] = {
		T(test_urns_are_six_digits),
		T(test_inspections_are_kept_in_date_order_once),
		T(test_bad_inspections_are_refused_with_the_reason),
		T(test_achievement_by_year),
		T(test_achievement_by_year_and_key_stage),
		T(test_progress_returns_per_half_term),
		T(test_flags_change_only_what_is_named),
		T(test_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
