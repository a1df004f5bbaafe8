/* Unit tests of visit_report: the progress scale by name, URNs read from visit ids,
 * cleaning, what a held and a not-held report must (and must not) say, the annual
 * conversation's own fields, dates (not after today, within the visit's school year),
 * texts that would spoil a letter, comparing reports, one annual conversation a school
 * year, and when a report is overdue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "test_support.h"
#include "date.h"
#include "visit_report.h"

#define STRONG N2GG__V1__VISIT_PROGRESS__PROGRESS_STRONG
#define SOME N2GG__V1__VISIT_PROGRESS__PROGRESS_SOME
#define LITTLE N2GG__V1__VISIT_PROGRESS__PROGRESS_LITTLE

static N2gg__V1__Visit visit(const char *kind)
{
	N2gg__V1__Visit v = N2GG__V1__VISIT__INIT;
	v.urn = 121234;
	v.kind = (char *)kind;
	v.year = 2014;
	v.half_term = 2;
	v.date = "2013-11-12";
	v.partner_id = "p-17";
	v.id = strcmp(kind, VISIT_KIND_ANNUAL) == 0 ? "121234-2014-annual_conversation-2"
						    : "121234-2014-monitoring-2";
	return v;
}

static char *attended[] = {"  Jane Smith (headteacher) ", "", "Tom Reed (chair)"};
static char *strengths[] = {"Phonics in Reception, consistently strong."};
static char *priorities[] = {"Year 6 writing."};
static char *actions[] = {"Share the moderation results by 6 December.", "  "};
static char *signposting[] = {"Norfolk Governor Services"};

/* A held monitoring visit's report, as a request brings it (untrimmed, a blank item). */
static N2gg__V1__VisitReport held_report(const N2gg__V1__Visit *v)
{
	N2gg__V1__VisitReport r = N2GG__V1__VISIT_REPORT__INIT;
	r.visit_id = v->id;
	r.held = true;
	r.date_held = " 2013-11-13 ";
	r.attended = attended;
	r.n_attended = 3;
	r.progress = SOME;
	r.strengths = strengths;
	r.n_strengths = 1;
	r.priorities = priorities;
	r.n_priorities = 1;
	r.agreed_actions = actions;
	r.n_agreed_actions = 2;
	r.next_visit_focus = "Year 6 books\n";
	r.recorded_by = "someone";   /* the scheduler's to set: dropped by cleaning */
	r.version = 9;
	return r;
}

/* Cleans and checks `in` against `v` as of `today`; the status code (0 when accepted). */
static int check(struct arena *a, const N2gg__V1__VisitReport *in, const N2gg__V1__Visit *v,
		 const char *today, N2gg__V1__VisitReport **out, struct status *st)
{
	N2gg__V1__VisitReport *r = visit_report_clean(in, a);
	int day;
	assert_int_equal(date_parse(today, &day), 0);
	status_clear(st);
	int rc = visit_report_check(r, v, day, a, st);
	if (out)
		*out = r;
	return rc;
}

static void assert_refused(struct arena *a, const N2gg__V1__VisitReport *in,
			   const N2gg__V1__Visit *v, int code, const char *message)
{
	struct status st;
	assert_int_equal(check(a, in, v, "2013-11-20", NULL, &st), -code);
	assert_contains(st.message, message);
}

static void test_the_progress_scale(void **state)
{
	(void)state;
	struct status st;
	N2gg__V1__VisitProgress p = N2GG__V1__VISIT_PROGRESS__PROGRESS_UNKNOWN;
	assert_string_equal(visit_progress_name(STRONG), "strong");
	assert_string_equal(visit_progress_name(LITTLE), "little");
	assert_null(visit_progress_name(N2GG__V1__VISIT_PROGRESS__PROGRESS_UNKNOWN));
	assert_null(visit_progress_name((N2gg__V1__VisitProgress)5));
	assert_contains(visit_progress_meaning(LITTLE), "more support and challenge");
	assert_string_equal(visit_progress_meaning((N2gg__V1__VisitProgress)-1), "");
	assert_int_equal(visit_progress_parse("Some", &p, &st), 0);
	assert_int_equal(p, SOME);
	assert_int_equal(visit_progress_parse("excellent", &p, &st), -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "progress \"excellent\" is not on the scale: strong, good, "
					"some or little");
	assert_int_equal(p, SOME);   /* untouched */
	assert_int_equal(visit_progress_parse(NULL, &p, &st), -STATUS_INVALID_ARGUMENT);
}

static void test_urn_of_a_visit_id(void **state)
{
	(void)state;
	assert_int_equal(visit_report_urn_of("121234-2014-monitoring-3"), 121234);
	assert_int_equal(visit_report_urn_of("121234"), 0);
	assert_int_equal(visit_report_urn_of("121234-"), 0);
	assert_int_equal(visit_report_urn_of("abc-2014"), 0);
	assert_int_equal(visit_report_urn_of("12345678-2014-monitoring-3"), 0);
	assert_int_equal(visit_report_urn_of(""), 0);
	assert_int_equal(visit_report_urn_of(NULL), 0);
	char long_id[VISIT_REPORT_ID_MAX + 10];
	memset(long_id, 'x', sizeof long_id - 1);
	long_id[sizeof long_id - 1] = '\0';
	memcpy(long_id, "121234-", 7);
	assert_int_equal(visit_report_urn_of(long_id), 0);
}

static void test_a_held_visit_is_cleaned_and_accepted(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Visit v = visit(VISIT_KIND_MONITORING);
	N2gg__V1__VisitReport in = held_report(&v), *r;
	struct status st;
	assert_int_equal(check(a, &in, &v, "2013-11-20", &r, &st), 0);
	assert_string_equal(r->date_held, "2013-11-13");
	assert_int_equal(r->n_attended, 2);   /* the blank line is no one */
	assert_string_equal(r->attended[0], "Jane Smith (headteacher)");
	assert_int_equal(r->n_agreed_actions, 1);
	assert_string_equal(r->next_visit_focus, "Year 6 books");
	assert_string_equal(r->recorded_by, "");
	assert_int_equal(r->version, 0);
	assert_null(r->visit);

	/* reported on the day itself; a date in another form is written as YYYY-MM-DD */
	in.date_held = "12/11/2013";
	assert_int_equal(check(a, &in, &v, "2013-11-12", &r, &st), 0);
	assert_string_equal(r->date_held, "2013-11-12");
}

static void test_a_held_visit_needs_its_fields(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Visit v = visit(VISIT_KIND_MONITORING);
	N2gg__V1__VisitReport in = held_report(&v);
	in.date_held = "";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "date_held: required");
	in = held_report(&v);
	in.n_attended = 1;
	in.attended = (char *[]){" "};
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "attended: name at least one");
	in = held_report(&v);
	in.progress = N2GG__V1__VISIT_PROGRESS__PROGRESS_UNKNOWN;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "progress: required");
	in = held_report(&v);
	in.n_agreed_actions = 0;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "agreed_actions: give at least one");
	in = held_report(&v);
	in.not_held_reason = "snow";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "not_held_reason: only for a visit that was not held");
	/* the annual conversation's own fields are not a monitoring visit's */
	in = held_report(&v);
	in.self_evaluation_validation = "borne out";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "self_evaluation_validation: only for the annual conversation");
	in = held_report(&v);
	in.signposting = signposting;
	in.n_signposting = 1;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "signposting: only for the annual conversation");
}

static void test_progress_off_the_scale(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Visit v = visit(VISIT_KIND_MONITORING);
	N2gg__V1__VisitReport in = held_report(&v);
	in.progress = (N2gg__V1__VisitProgress)7;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "progress 7 is not on the scale");
	in.progress = (N2gg__V1__VisitProgress)-2;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "progress -2 is not on the scale");
}

static void test_dates(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Visit v = visit(VISIT_KIND_MONITORING);
	N2gg__V1__VisitReport in = held_report(&v);
	in.date_held = "2013-11-21";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "date_held 2013-11-21 is after today (2013-11-20)");
	in.date_held = "2013-08-30";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "outside the visit's school year (2013/14: 2013-09-01 to 2014-08-31)");
	in.date_held = "13 November";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "is not a date: write YYYY-MM-DD");
	in.date_held = "2013-02-30";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "is not a date");
	/* a visit still to come cannot be reported, whatever the report says */
	in = held_report(&v);
	v.date = "2013-11-21";
	assert_refused(a, &in, &v, STATUS_FAILED_PRECONDITION,
		       "is on 2013-11-21, after today (2013-11-20): report it once it has "
		       "happened");
	v.date = "";
	assert_refused(a, &in, &v, STATUS_FAILED_PRECONDITION, "has no date to report on");
}

static void test_a_visit_not_held(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Visit v = visit(VISIT_KIND_ANNUAL);
	N2gg__V1__VisitReport in = N2GG__V1__VISIT_REPORT__INIT, *r;
	struct status st;
	in.visit_id = v.id;
	in.held = false;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "not_held_reason: say why");
	in.not_held_reason = "The school was closed by snow.";
	in.next_visit_focus = "The annual conversation, rearranged";
	in.agreed_actions = actions;
	in.n_agreed_actions = 1;   /* what happens next may still be agreed */
	assert_int_equal(check(a, &in, &v, "2013-11-20", &r, &st), 0);
	/* but nothing of a visit that took place */
	in.date_held = "2013-11-12";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "date_held: a visit that was not held has none");
	in.date_held = "";
	in.progress = STRONG;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "progress: a visit that was not held has none");
	in.progress = 0;
	in.attended = attended;
	in.n_attended = 1;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "attended: a visit that was not held");
}

static void test_the_annual_conversation(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Visit v = visit(VISIT_KIND_ANNUAL);
	N2gg__V1__VisitReport in = held_report(&v), *r;
	struct status st;
	in.self_evaluation_validation = "The school's judgement of good is borne out.";
	in.signposting = signposting;
	in.n_signposting = 1;
	assert_int_equal(check(a, &in, &v, "2013-11-20", &r, &st), 0);
	in.n_signposting = 0;   /* the school may need no service */
	assert_int_equal(check(a, &in, &v, "2013-11-20", &r, &st), 0);
	/* what the CEP MI asks of it */
	in.self_evaluation_validation = " ";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "self_evaluation_validation: the annual conversation validates");
	in = held_report(&v);
	in.self_evaluation_validation = "borne out";
	in.n_strengths = 0;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "strengths: the annual conversation names");
	in = held_report(&v);
	in.self_evaluation_validation = "borne out";
	in.n_priorities = 0;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "priorities: the annual conversation names the priorities for improvement");
}

static void test_texts_that_would_spoil_a_letter(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Visit v = visit(VISIT_KIND_MONITORING);
	N2gg__V1__VisitReport in = held_report(&v);
	in.next_visit_focus = "bad \xff byte";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT,
		       "next_visit_focus: not UTF-8 text, or holds a control character");
	in.next_visit_focus = "a bell \a";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "next_visit_focus: not UTF-8");
	in.next_visit_focus = "two lines\nare fine\tand tabs";
	struct status st;
	assert_int_equal(check(a, &in, &v, "2013-11-20", NULL, &st), 0);
	/* a name is one line */
	in.attended = (char *[]){"Jane\nSmith"};
	in.n_attended = 1;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "attended[0]: not UTF-8 text");
	/* a pasted file */
	in = held_report(&v);
	char *big = arena_alloc(a, VISIT_REPORT_TEXT_MAX + 2);
	memset(big, 'x', VISIT_REPORT_TEXT_MAX + 1);
	big[VISIT_REPORT_TEXT_MAX + 1] = '\0';
	in.next_visit_focus = big;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "next_visit_focus: longer than 4000");
	in = held_report(&v);
	char *many[VISIT_REPORT_ITEMS_MAX + 1];
	for (size_t i = 0; i < VISIT_REPORT_ITEMS_MAX + 1; i++)
		many[i] = "an action";
	in.agreed_actions = many;
	in.n_agreed_actions = VISIT_REPORT_ITEMS_MAX + 1;
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "agreed_actions: 31 items, at most 30");
	in = held_report(&v);
	in.visit_id = "";
	assert_refused(a, &in, &v, STATUS_INVALID_ARGUMENT, "visit_id: required");
}

static void test_same_report(void **state)
{
	struct arena *a = *state;
	N2gg__V1__Visit v = visit(VISIT_KIND_MONITORING);
	N2gg__V1__VisitReport in = held_report(&v), *x, *y;
	struct status st;
	assert_int_equal(check(a, &in, &v, "2013-11-20", &x, &st), 0);
	assert_int_equal(check(a, &in, &v, "2013-11-20", &y, &st), 0);
	y->recorded_by = "another";
	y->version = 3;
	y->visit = &v;
	assert_true(visit_report_same(x, y));
	y->progress = STRONG;
	assert_false(visit_report_same(x, y));
	assert_int_equal(check(a, &in, &v, "2013-11-20", &y, &st), 0);
	y->n_agreed_actions = 0;
	assert_false(visit_report_same(x, y));
	assert_int_equal(check(a, &in, &v, "2013-11-20", &y, &st), 0);
	y->attended[1] = "Tom Reed (vice-chair)";
	assert_false(visit_report_same(x, y));
}

static void test_one_annual_conversation_a_school_year(void **state)
{
	(void)state;
	N2gg__V1__Visit annual = visit(VISIT_KIND_ANNUAL), other = annual, last_year = annual,
			monitoring = visit(VISIT_KIND_MONITORING), elsewhere = annual;
	other.id = "121234-2014-annual_conversation-4";
	last_year.id = "121234-2013-annual_conversation-2";
	last_year.year = 2013;
	elsewhere.urn = 121999;
	elsewhere.id = "121999-2014-annual_conversation-2";
	N2gg__V1__VisitReport r_same = held_report(&annual), r_other = held_report(&other),
			      r_last = held_report(&last_year), r_mon = held_report(&monitoring),
			      r_else = held_report(&elsewhere);
	r_same.visit = &annual;
	r_other.visit = &other;
	r_last.visit = &last_year;
	r_mon.visit = &monitoring;
	r_else.visit = &elsewhere;
	N2gg__V1__VisitReport *none[] = {&r_same, &r_last, &r_mon, &r_else};
	/* its own report (a correction), last year's, a monitoring visit's, another school's */
	assert_null(visit_report_annual_taken(&annual, none, 4));
	N2gg__V1__VisitReport *taken[] = {&r_mon, &r_other};
	assert_ptr_equal(visit_report_annual_taken(&annual, taken, 2), &r_other);
	/* a monitoring visit is not the annual conversation */
	assert_null(visit_report_annual_taken(&monitoring, taken, 2));
	assert_null(visit_report_annual_taken(&annual, NULL, 0));
}

static void test_overdue(void **state)
{
	(void)state;
	int days = -1;
	int visit_day = date_from_ymd(2013, 11, 12);
	assert_false(visit_report_overdue(visit_day, date_from_ymd(2013, 11, 26), 14, &days));
	assert_int_equal(days, 0);
	assert_true(visit_report_overdue(visit_day, date_from_ymd(2013, 11, 27), 14, &days));
	assert_int_equal(days, 1);
	assert_true(visit_report_overdue(visit_day, date_from_ymd(2013, 12, 12), 14, NULL));
	/* due the day of the visit itself */
	assert_false(visit_report_overdue(visit_day, visit_day, 0, &days));
	assert_true(visit_report_overdue(visit_day, visit_day + 1, 0, &days));
	assert_int_equal(days, 1);
	/* a visit to come is never overdue */
	assert_false(visit_report_overdue(visit_day, visit_day - 5, 14, &days));
	assert_int_equal(days, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_progress_scale),
		cmocka_unit_test(test_urn_of_a_visit_id),
		T(test_a_held_visit_is_cleaned_and_accepted),
		T(test_a_held_visit_needs_its_fields),
		T(test_progress_off_the_scale),
		T(test_dates),
		T(test_a_visit_not_held),
		T(test_the_annual_conversation),
		T(test_texts_that_would_spoil_a_letter),
		T(test_same_report),
		cmocka_unit_test(test_one_annual_conversation_a_school_year),
		cmocka_unit_test(test_overdue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
