/* Unit tests of mi: numbering across years and its limit, "NNN/YY" both ways, the checks on
 * a sheet (each naming its field) and on its correction, audiences (of schools and of
 * cluster chairs), Action sheets' reminders, questionnaires and the answers to them; and of
 * mi_text: both as an officer writes them in a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "date.h"
#include "mi.h"
#include "mi_text.h"
#include "test_support.h"

#define D(y, m, d) date_from_ymd(y, m, d)

/* MI 247/13 as the council issued it: Information, for every headteacher and chair. */
static struct mi_sheet information_sheet(void)
{
	struct mi_sheet s;
	mi_sheet_init(&s);
	s.type = MI_INFORMATION;
	s.number = (struct mi_number){ 247, 2013 };
	s.title = "Education Challenge Partners";
	s.body = "As part of the urgent work across the County...";
	s.publication_date = D(2013, 10, 18);
	s.contact = (struct mi_contact){ "Gordon Boyd", "01603 223492" };
	s.audience.headteachers = true;
	s.audience.chairs_of_governors = true;
	return s;
}

static struct mi_sheet action_sheet(void)
{
	struct mi_sheet s = information_sheet();
	s.type = MI_ACTION;
	s.title = "Cluster Consultation - Questions for Clusters to Consider";
	s.complete_by = D(2013, 12, 20);
	return s;
}

/* The message a sheet is refused with on `today`. */
static const char *refusal(const struct mi_sheet *s, int today, struct status *st)
{
	status_clear(st);
	assert_int_equal(mi_validate(s, today, st), -STATUS_INVALID_ARGUMENT);
	return st->message;
}

static void test_numbering_runs_per_year(void **state)
{
	(void)state;
	struct mi_number n;
	struct status st;
	assert_int_equal(mi_next_number(0, 2013, &n, &st), 0);
	assert_int_equal(n.seq, 1);
	assert_int_equal(n.year, 2013);
	assert_int_equal(mi_next_number(246, 2013, &n, &st), 0);
	assert_int_equal(n.seq, 247);
	assert_int_equal(n.year, 2013);
	/* a new year starts again at 1 while the old one carries on where it was */
	assert_int_equal(mi_next_number(0, 2014, &n, &st), 0);
	assert_int_equal(n.seq, 1);
	assert_int_equal(n.year, 2014);
	assert_int_equal(mi_next_number(268, 2013, &n, &st), 0);
	assert_int_equal(n.seq, 269);
	/* the year of a number is the publication's calendar year, not the school year */
	assert_int_equal(mi_number_year(D(2013, 12, 31)), 2013);
	assert_int_equal(mi_number_year(D(2014, 1, 1)), 2014);
	assert_int_equal(mi_number_year(D(2013, 9, 1)), 2013);
}

static void test_numbering_stops_at_999(void **state)
{
	(void)state;
	struct mi_number n = { 0, 0 };
	struct status st;
	assert_int_equal(mi_next_number(998, 2013, &n, &st), 0);
	assert_int_equal(n.seq, 999);
	n = (struct mi_number){ 0, 0 };
	assert_int_equal(mi_next_number(999, 2013, &n, &st), -STATUS_RESOURCE_EXHAUSTED);
	assert_contains(st.message, "MI Number");
	assert_contains(st.message, "2013");
	assert_int_equal(n.seq, 0);  /* untouched */
	assert_int_equal(mi_next_number(1000, 2013, &n, &st), -STATUS_INVALID_ARGUMENT);
	assert_int_equal(mi_next_number(-1, 2013, &n, &st), -STATUS_INVALID_ARGUMENT);
	assert_int_equal(mi_next_number(0, 1999, &n, &st), -STATUS_INVALID_ARGUMENT);
	assert_int_equal(mi_next_number(0, 2100, &n, &st), -STATUS_INVALID_ARGUMENT);
	/* the next year is not affected */
	assert_int_equal(mi_next_number(0, 2014, &n, &st), 0);
	assert_int_equal(n.seq, 1);
}

static void test_number_format_and_parse(void **state)
{
	(void)state;
	char out[MI_NUMBER_LEN];
	struct status st;
	struct mi_number n;
	assert_int_equal(mi_number_format((struct mi_number){ 247, 2013 }, out, &st), 0);
	assert_string_equal(out, "247/13");
	assert_int_equal(mi_number_format((struct mi_number){ 5, 2008 }, out, &st), 0);
	assert_string_equal(out, "005/08");
	assert_int_equal(mi_number_format((struct mi_number){ 999, 2099 }, out, &st), 0);
	assert_string_equal(out, "999/99");
	assert_int_equal(mi_number_parse("247/13", &n, &st), 0);
	assert_int_equal(n.seq, 247);
	assert_int_equal(n.year, 2013);
	assert_int_equal(mi_number_parse("001/00", &n, &st), 0);
	assert_int_equal(n.seq, 1);
	assert_int_equal(n.year, 2000);
	/* every number of a year survives the round trip */
	for (int seq = 1; seq <= MI_NUMBER_MAX; seq++) {
		struct mi_number back;
		assert_int_equal(mi_number_format((struct mi_number){ seq, 2011 }, out, &st), 0);
		assert_int_equal(mi_number_parse(out, &back, &st), 0);
		assert_int_equal(back.seq, seq);
		assert_int_equal(back.year, 2011);
	}
}

static void test_number_bad_inputs(void **state)
{
	(void)state;
	char out[MI_NUMBER_LEN] = "";
	struct status st;
	struct mi_number n = { 7, 7 };
	assert_int_equal(mi_number_format((struct mi_number){ 1000, 2013 }, out, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "MI Number");
	assert_int_equal(mi_number_format((struct mi_number){ 0, 2013 }, out, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_int_equal(mi_number_format((struct mi_number){ 1, 1999 }, out, &st),
			 -STATUS_INVALID_ARGUMENT);
	const char *bad[] = { "", "24/13", "1000/13", "247/2013", "247-13", "247/1",
			      " 247/13", "247/13 ", "24a/13", "247/1x", "000/13", "MI 247/13",
			      "247//3" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		status_clear(&st);
		if (mi_number_parse(bad[i], &n, &st) != -STATUS_INVALID_ARGUMENT) {
			print_error("accepted '%s'\n", bad[i]);
			fail();
		}
		assert_contains(st.message, "MI Number");
	}
	assert_int_equal(mi_number_parse(NULL, &n, &st), -STATUS_INVALID_ARGUMENT);
	assert_int_equal(n.seq, 7);  /* untouched */
}

static void test_valid_sheets(void **state)
{
	(void)state;
	struct status st;
	struct mi_sheet info = information_sheet();
	assert_int_equal(mi_validate(&info, D(2013, 10, 18), &st), 0);
	/* scheduled for later: fine, and a sheet need not be numbered before it is issued */
	assert_int_equal(mi_validate(&info, D(2013, 10, 1), &st), 0);
	info.number = (struct mi_number){ 0, 0 };
	assert_int_equal(mi_validate(&info, D(2013, 10, 1), &st), 0);
	struct mi_sheet act = action_sheet();
	assert_int_equal(mi_validate(&act, D(2013, 10, 18), &st), 0);
	act.complete_by = act.publication_date;  /* due the day it is published */
	assert_int_equal(mi_validate(&act, D(2013, 10, 18), &st), 0);
	/* filters and links that are well formed */
	static const char *const clusters[] = { "C926-12", "C926-3" };
	static const N2gg__V1__Phase phases[] = { N2GG__V1__PHASE__PHASE_PRIMARY };
	static const char *const links[] = { "https://www.schools.norfolk.gov.uk/" };
	act.audience.categories = "BD";
	act.audience.clusters = clusters;
	act.audience.cluster_count = 2;
	act.audience.phases = phases;
	act.audience.phase_count = 1;
	act.links = links;
	act.link_count = 1;
	act.contact.phone = NULL;
	assert_int_equal(mi_validate(&act, D(2013, 10, 18), &st), 0);
}

static void test_validation_names_the_field(void **state)
{
	(void)state;
	struct status st;
	int today = D(2013, 10, 18);
	struct mi_sheet s = information_sheet();
	s.title = NULL;
	assert_string_equal(refusal(&s, today, &st), "Title: required");
	s.title = "  ";
	assert_string_equal(refusal(&s, today, &st), "Title: required");

	s = information_sheet();
	s.type = (enum mi_type)7;
	assert_contains(refusal(&s, today, &st), "MI Sheet Type:");

	s = information_sheet();
	s.complete_by = D(2013, 11, 1);
	assert_contains(refusal(&s, today, &st), "To Be Completed By: only Action sheets");

	s = action_sheet();
	s.complete_by = MI_NO_DATE;
	assert_contains(refusal(&s, today, &st), "To Be Completed By: required");
	s.complete_by = D(2013, 10, 17);
	assert_string_equal(refusal(&s, today, &st),
			    "To Be Completed By: 2013-10-17 is in the past (today is 2013-10-18)");
	/* scheduled for November, due before then */
	s.publication_date = D(2013, 11, 4);
	s.number = (struct mi_number){ 0, 0 };
	s.complete_by = D(2013, 11, 1);
	assert_string_equal(refusal(&s, today, &st),
			    "To Be Completed By: 2013-11-01 is before the Publication Date "
			    "2013-11-04");

	s = information_sheet();
	s.publication_date = MI_NO_DATE;
	assert_string_equal(refusal(&s, today, &st), "Publication Date: required");
	s.publication_date = D(2013, 10, 17);
	assert_contains(refusal(&s, today, &st), "Publication Date: 2013-10-17 is before today");

	s = information_sheet();
	s.number = (struct mi_number){ 1000, 2013 };
	assert_contains(refusal(&s, today, &st), "MI Number:");
	s.number = (struct mi_number){ 1, 2014 };
	assert_string_equal(refusal(&s, today, &st),
			    "MI Number: 001/14 counts in 2014 but the sheet is published in 2013");

	s = information_sheet();
	s.contact.name = "";
	assert_string_equal(refusal(&s, today, &st), "LA Contact: a name is required");
	s.contact.name = NULL;
	assert_string_equal(refusal(&s, today, &st), "LA Contact: a name is required");
	s.contact = (struct mi_contact){ "Gordon Boyd", "ring Gordon" };
	assert_contains(refusal(&s, today, &st), "LA Contact: phone 'ring Gordon'");
	s.contact.phone = "( )";
	assert_contains(refusal(&s, today, &st), "LA Contact: phone '( )' has no digits");
	s.contact.phone = "+44 (0)1603 223492";
	assert_int_equal(mi_validate(&s, today, &st), 0);

	s = information_sheet();
	s.audience.headteachers = false;
	s.audience.chairs_of_governors = false;
	assert_contains(refusal(&s, today, &st), "Audience:");
	s.audience.chairs_of_governors = true;  /* chairs alone will do */
	assert_int_equal(mi_validate(&s, today, &st), 0);
	s.audience.categories = "BG";
	assert_contains(refusal(&s, today, &st), "Audience: category 'G'");
	s.audience.categories = "b";
	assert_contains(refusal(&s, today, &st), "Audience: category 'b'");
	s.audience.categories = "BCB";
	assert_contains(refusal(&s, today, &st), "Audience: category 'B' is listed twice");
	s.audience.categories = NULL;
	static const char *const clusters[] = { "C926-12", "" };
	s.audience.clusters = clusters;
	s.audience.cluster_count = 2;
	assert_contains(refusal(&s, today, &st), "Audience: cluster id 2 is empty");
	s.audience.cluster_count = 0;
	static const N2gg__V1__Phase phases[] = { N2GG__V1__PHASE__PHASE_UNKNOWN };
	s.audience.phases = phases;
	s.audience.phase_count = 1;
	assert_contains(refusal(&s, today, &st), "Audience: 0 is not a school phase");
	s.audience.phase_count = 0;

	static const char *const links[] = { "https://example.org/", " " };
	s.links = links;
	s.link_count = 2;
	assert_contains(refusal(&s, today, &st), "Links: link 2 is empty");
}

static void test_audience_filters(void **state)
{
	(void)state;
	struct mi_sheet s = information_sheet();
	struct mi_school primary_b = { 'B', "C926-12", N2GG__V1__PHASE__PHASE_PRIMARY };
	struct mi_school secondary_e = { 'E', "C926-3", N2GG__V1__PHASE__PHASE_SECONDARY };
	struct mi_school unplaced = { '\0', NULL, N2GG__V1__PHASE__PHASE_PRIMARY };
	const unsigned both = MI_TO_HEADTEACHER | MI_TO_CHAIR_OF_GOVERNORS;

	/* "All Headteachers of Norfolk Schools and Chairs of Governors" */
	assert_int_equal(mi_audience_matches(&s, &primary_b), both);
	assert_int_equal(mi_audience_matches(&s, &secondary_e), both);
	assert_int_equal(mi_audience_matches(&s, &unplaced), both);
	s.audience.chairs_of_governors = false;
	assert_int_equal(mi_audience_matches(&s, &primary_b), MI_TO_HEADTEACHER);
	s.audience.headteachers = false;
	s.audience.chairs_of_governors = true;
	assert_int_equal(mi_audience_matches(&s, &primary_b), MI_TO_CHAIR_OF_GOVERNORS);
	s.audience.headteachers = true;

	/* categories: any of the letters; a school without a category is not in any */
	s.audience.categories = "BD";
	assert_int_equal(mi_audience_matches(&s, &primary_b), both);
	assert_int_equal(mi_audience_matches(&s, &secondary_e), 0);
	assert_int_equal(mi_audience_matches(&s, &unplaced), 0);
	s.audience.categories = "";
	assert_int_equal(mi_audience_matches(&s, &unplaced), both);

	/* clusters */
	static const char *const clusters[] = { "C926-3", "C926-40" };
	s.audience.clusters = clusters;
	s.audience.cluster_count = 2;
	assert_int_equal(mi_audience_matches(&s, &primary_b), 0);
	assert_int_equal(mi_audience_matches(&s, &secondary_e), both);
	assert_int_equal(mi_audience_matches(&s, &unplaced), 0);
	struct mi_school prefix = { 'E', "C926-", N2GG__V1__PHASE__PHASE_SECONDARY };
	assert_int_equal(mi_audience_matches(&s, &prefix), 0);
	s.audience.cluster_count = 0;

	/* phases */
	static const N2gg__V1__Phase phases[] = { N2GG__V1__PHASE__PHASE_SECONDARY,
						  N2GG__V1__PHASE__PHASE_ALL_THROUGH };
	s.audience.phases = phases;
	s.audience.phase_count = 2;
	assert_int_equal(mi_audience_matches(&s, &primary_b), 0);
	assert_int_equal(mi_audience_matches(&s, &secondary_e), both);

	/* every filter must pass */
	s.audience.categories = "E";
	s.audience.cluster_count = 2;
	assert_int_equal(mi_audience_matches(&s, &secondary_e), both);
	s.audience.categories = "B";
	assert_int_equal(mi_audience_matches(&s, &secondary_e), 0);
	s.audience.categories = "E";
	s.audience.phase_count = 1;
	secondary_e.phase = N2GG__V1__PHASE__PHASE_ALL_THROUGH;
	assert_int_equal(mi_audience_matches(&s, &secondary_e), 0);
}

static void test_reminder_due_days(void **state)
{
	(void)state;
	struct mi_sheet s = action_sheet();  /* published 18 Oct, to be completed by 20 Dec */
	int deadline = D(2013, 12, 20);
	assert_false(mi_reminder_due(&s, deadline - 8, 7));
	assert_true(mi_reminder_due(&s, deadline - 7, 7));
	assert_true(mi_reminder_due(&s, deadline - 1, 7));  /* missed days still remind */
	assert_true(mi_reminder_due(&s, deadline, 7));
	assert_false(mi_reminder_due(&s, deadline + 1, 7));
	/* on the day itself only */
	assert_false(mi_reminder_due(&s, deadline - 1, 0));
	assert_true(mi_reminder_due(&s, deadline, 0));
	assert_false(mi_reminder_due(&s, deadline, -1));

	/* published inside the window: not on its first day, then as usual */
	s.publication_date = D(2013, 12, 16);
	assert_false(mi_reminder_due(&s, D(2013, 12, 15), 7));
	assert_false(mi_reminder_due(&s, D(2013, 12, 16), 7));
	assert_true(mi_reminder_due(&s, D(2013, 12, 17), 7));
	/* a long lead from publication */
	s.publication_date = D(2013, 10, 18);
	assert_true(mi_reminder_due(&s, D(2013, 10, 19), 100));
	assert_false(mi_reminder_due(&s, D(2013, 10, 18), 100));

	/* Information sheets and Action sheets without a date never remind */
	struct mi_sheet info = information_sheet();
	assert_false(mi_reminder_due(&info, D(2013, 10, 25), 7));
	s.complete_by = MI_NO_DATE;
	assert_false(mi_reminder_due(&s, D(2013, 12, 19), 7));
}

/* A PublishMi request's sheet read into the plain struct (moved here from the notifier's
 * I/O shell so that the request path can be fuzzed): dates parsed, each refusal naming
 * the field as the form prints it, strings and lists pointing into the message. */
static void test_sheet_from_proto(void **state)
{
	(void)state;
	struct mi_sheet m;
	struct status st;
	char *clusters[] = {"C926-12"};
	N2gg__V1__MiAudience au = N2GG__V1__MI_AUDIENCE__INIT;
	au.headteachers = 1;
	au.categories = "BD";
	au.clusters = clusters;
	au.n_clusters = 1;
	N2gg__V1__MiSheet p = N2GG__V1__MI_SHEET__INIT;
	p.type = N2GG__V1__MI_TYPE__MI_ACTION;
	p.number = "247/13";
	p.title = "Pupil progress";
	p.publication_date = "18/10/2013";
	p.complete_by = "2013-11-01";
	p.contact_name = "Gordon Boyd";
	p.audience = &au;
	assert_int_equal(mi_sheet_from_proto(&p, &m, &st), 0);
	assert_int_equal(m.type, MI_ACTION);
	assert_int_equal(m.number.seq, 247);
	assert_int_equal(m.number.year, 2013);
	assert_int_equal(m.publication_date, D(2013, 10, 18));
	assert_int_equal(m.complete_by, D(2013, 11, 1));
	assert_string_equal(m.audience.categories, "BD");
	assert_int_equal(m.audience.cluster_count, 1);
	assert_int_equal(mi_validate(&m, D(2013, 10, 18), &st), 0);

	p.publication_date = "";
	assert_int_equal(mi_sheet_from_proto(&p, &m, &st), 0);
	assert_int_equal(m.publication_date, MI_NO_DATE);   /* the caller's today */
	p.complete_by = "31/11/2013";
	assert_int_equal(mi_sheet_from_proto(&p, &m, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "To Be Completed By: \"31/11/2013\" is not a date");
	p.complete_by = "";
	p.number = "247/2013";
	assert_true(mi_sheet_from_proto(&p, &m, &st) < 0);
	p.number = "";
	p.type = 7;
	assert_int_equal(mi_sheet_from_proto(&p, &m, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "MI Sheet Type: must be Information or Action");
}

/* ---- questionnaires and answers ---- */

/* The cluster consultation's two questions: a choice, then free text. */
struct consultation {
	char *options[2];
	N2gg__V1__MiQuestion choice, free;
	N2gg__V1__MiQuestion *questions[2];
};

static void consultation_init(struct consultation *c, struct mi_sheet *s)
{
	c->options[0] = "Choice A";
	c->options[1] = "Choice B";
	c->choice = (N2gg__V1__MiQuestion)N2GG__V1__MI_QUESTION__INIT;
	c->choice.number = 1;
	c->choice.text = "Which choice will the cluster make?";
	c->choice.options = c->options;
	c->choice.n_options = 2;
	c->free = (N2gg__V1__MiQuestion)N2GG__V1__MI_QUESTION__INIT;
	c->free.number = 2;
	c->free.text = "What support would the cluster like?";
	c->questions[0] = &c->choice;
	c->questions[1] = &c->free;
	*s = action_sheet();
	s->questions = c->questions;
	s->question_count = 2;
}

static void test_questionnaire_checks(void **state)
{
	(void)state;
	struct consultation c;
	struct mi_sheet s;
	struct status st;
	consultation_init(&c, &s);
	assert_int_equal(mi_validate(&s, D(2013, 10, 18), &st), 0);
	assert_ptr_equal(mi_question(&s, 2), &c.free);
	assert_null(mi_question(&s, 3));

	/* out of order, or twice */
	c.free.number = 1;
	assert_string_equal(refusal(&s, D(2013, 10, 18), &st),
			    "Question 1: comes after question 1; number the questions in order, "
			    "each once");
	c.free.number = 2;
	/* a choice of one */
	c.choice.n_options = 1;
	assert_string_equal(refusal(&s, D(2013, 10, 18), &st),
			    "Question 1: a choice needs at least two options (none for a free-text "
			    "answer)");
	c.choice.n_options = 2;
	/* the same option twice, whatever its case */
	c.options[1] = " choice a ";
	assert_string_equal(refusal(&s, D(2013, 10, 18), &st),
			    "Question 1: option \" choice a \" is listed twice");
	c.options[1] = "";
	assert_string_equal(refusal(&s, D(2013, 10, 18), &st), "Question 1, option 2: empty");
	c.options[1] = "Choice B";
	c.free.text = "  ";
	assert_string_equal(refusal(&s, D(2013, 10, 18), &st), "Question 2: empty");
	c.free.text = "What support?";
	c.choice.number = 0;
	assert_contains(refusal(&s, D(2013, 10, 18), &st), "the 1st question has no number");
	c.choice.number = 1;
	/* only an Action sheet asks */
	s.type = MI_INFORMATION;
	s.complete_by = MI_NO_DATE;
	assert_contains(refusal(&s, D(2013, 10, 18), &st), "Questions: only an Action sheet asks");
}

static void test_answers_checked_against_the_questions(void **state)
{
	(void)state;
	struct consultation c;
	struct mi_sheet s;
	struct status st;
	consultation_init(&c, &s);
	N2gg__V1__MiAnswer a1 = N2GG__V1__MI_ANSWER__INIT, a2 = N2GG__V1__MI_ANSWER__INIT;
	N2gg__V1__MiAnswer *answers[] = {&a2, &a1};
	const char *chosen[2];
	a1.question = 1;
	a1.answer = "  choice b ";
	a2.question = 2;
	a2.answer = "More training.";
	/* a choice is recorded as the sheet writes it; free text as given */
	assert_int_equal(mi_answers_check(&s, answers, 2, chosen, &st), 0);
	assert_string_equal(chosen[0], "More training.");
	assert_ptr_equal(chosen[1], c.options[1]);
	/* one answer is enough: a question may be left unanswered */
	assert_int_equal(mi_answers_check(&s, answers + 1, 1, chosen, &st), 0);

	assert_int_equal(mi_answers_check(&s, answers, 0, chosen, &st), -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "Answers: none given (the sheet asks questions 1 and 2)");
	a1.answer = "Choice C";
	assert_int_equal(mi_answers_check(&s, answers, 2, chosen, &st), -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "Answer to question 1: \"Choice C\" is not one of its "
					"options (\"Choice A\", \"Choice B\")");
	a1.answer = "Choice A";
	a1.question = 7;
	assert_int_equal(mi_answers_check(&s, answers, 2, chosen, &st), -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "Answer to question 7: the sheet has no such question (it "
					"asks 1 and 2)");
	a1.question = 2;
	assert_int_equal(mi_answers_check(&s, answers, 2, chosen, &st), -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "Answer to question 2: given twice");
	a1.question = 1;
	a2.answer = "\n";
	assert_int_equal(mi_answers_check(&s, answers, 2, chosen, &st), -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "Answer to question 2: empty");
	char long_text[MI_ANSWER_TEXT_MAX + 2];
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	a2.answer = long_text;
	assert_int_equal(mi_answers_check(&s, answers, 2, chosen, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "longer than 4000 characters");
	/* a sheet without questions takes no answers */
	s.question_count = 0;
	assert_int_equal(mi_answers_check(&s, answers, 2, chosen, &st), -STATUS_FAILED_PRECONDITION);
}

/* A sheet to cluster chairs: one per cluster, not narrowed by category or phase. */
static void test_cluster_chairs_audience(void **state)
{
	(void)state;
	struct status st;
	struct mi_sheet s = action_sheet();
	const char *clusters[] = {"C926-12"};
	s.audience = (struct mi_audience){.cluster_chairs = true};
	assert_int_equal(mi_validate(&s, D(2013, 10, 18), &st), 0);
	assert_true(mi_audience_has_cluster(&s, "C926-01"));
	struct mi_school school = {'B', "C926-12", N2GG__V1__PHASE__PHASE_PRIMARY};
	assert_int_equal(mi_audience_matches(&s, &school), 0);   /* no school's head or chair */
	s.audience.clusters = clusters;
	s.audience.cluster_count = 1;
	assert_true(mi_audience_has_cluster(&s, "C926-12"));
	assert_false(mi_audience_has_cluster(&s, "C926-01"));
	assert_false(mi_audience_has_cluster(&s, ""));
	s.audience.categories = "B";
	assert_contains(refusal(&s, D(2013, 10, 18), &st), "narrowed by cluster only");
	s.audience.categories = NULL;
	s.audience.headteachers = true;
	assert_contains(refusal(&s, D(2013, 10, 18), &st), "or cluster chairs, not both");
	/* a sheet to schools is for no cluster chair */
	s.audience.cluster_chairs = false;
	assert_false(mi_audience_has_cluster(&s, "C926-12"));
}

/* A correction of a sheet that went out: its publication date is past, its deadline not. */
static void test_correction_checks(void **state)
{
	(void)state;
	struct status st;
	struct mi_sheet s = action_sheet();
	int later = D(2013, 11, 20);
	assert_int_equal(mi_validate(&s, later, &st), -STATUS_INVALID_ARGUMENT);
	assert_int_equal(mi_validate_correction(&s, later, &st), 0);
	assert_int_equal(mi_validate_correction(&s, D(2013, 12, 21), &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "To Be Completed By: 2013-12-20 is in the past");
	s.title = "";
	assert_int_equal(mi_validate_correction(&s, later, &st), -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "Title: required");
}

/* ---- questionnaires and answers as an officer writes them ---- */

static void test_questions_from_text(void **state)
{
	(void)state;
	struct arena a;
	struct status st;
	N2gg__V1__MiQuestion **q;
	size_t n;
	arena_init(&a);
	const char *text = "# the consultation\n"
			   "1. Which choice will the cluster make\n"
			   "   for its partner?\n"
			   "   Options: Choice A |Choice B | Undecided \n"
			   "\n"
			   "2) What support would you like?\r\n";
	assert_int_equal(mi_text_questions(text, &a, &q, &n, &st), 0);
	assert_int_equal(n, 2);
	assert_int_equal(q[0]->number, 1);
	assert_string_equal(q[0]->text, "Which choice will the cluster make for its partner?");
	assert_int_equal(q[0]->n_options, 3);
	assert_string_equal(q[0]->options[0], "Choice A");
	assert_string_equal(q[0]->options[1], "Choice B");
	assert_string_equal(q[0]->options[2], "Undecided");
	assert_int_equal(q[1]->number, 2);
	assert_string_equal(q[1]->text, "What support would you like?");
	assert_int_equal(q[1]->n_options, 0);

	static const struct {
		const char *text, *message;
	} bad[] = {
		{"Which choice?\n", "line 1: a questionnaire starts with a numbered question"},
		{"1. A?\noptions: x | y\nmore text\n", "line 3: question 1's text goes before its "
						      "options"},
		{"1. A?\noptions: x | y\noptions: z | w\n", "line 3: question 1 has its options "
							   "already"},
		{"1. A?\noptions: x\n", "Question 1: a choice needs at least two options"},
		{"2. A?\n1. B?\n", "Question 1: comes after question 2"},
		{"1.5 days?\n", "line 1: a questionnaire starts"},
		{"# nothing\n\n", "no questions in it"},
		{"", "no questions in it"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		status_clear(&st);
		assert_int_equal(mi_text_questions(bad[i].text, &a, &q, &n, &st),
				 -STATUS_INVALID_ARGUMENT);
		assert_contains(st.message, bad[i].message);
	}
	arena_free(&a);
}

static void test_answers_from_text(void **state)
{
	(void)state;
	struct arena a;
	struct status st;
	N2gg__V1__MiAnswer **an;
	size_t n;
	arena_init(&a);
	assert_int_equal(mi_text_answers("1: Choice A\n2. More training,\n  and earlier visits.\n"
					 "# a comment\n3:No\n",
					 &a, &an, &n, &st),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(an[0]->question, 1);
	assert_string_equal(an[0]->answer, "Choice A");
	assert_string_equal(an[1]->answer, "More training,\nand earlier visits.");
	assert_int_equal(an[2]->question, 3);
	assert_string_equal(an[2]->answer, "No");
	/* numbering is the notifier's to check against the sheet; the text must be answers */
	assert_int_equal(mi_text_answers("Choice A\n", &a, &an, &n, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "line 1: each answer starts with its question's number");
	assert_int_equal(mi_text_answers("\n\n", &a, &an, &n, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "no answers in it");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbering_runs_per_year),
		cmocka_unit_test(test_numbering_stops_at_999),
		cmocka_unit_test(test_number_format_and_parse),
		cmocka_unit_test(test_number_bad_inputs),
		cmocka_unit_test(test_valid_sheets),
		cmocka_unit_test(test_validation_names_the_field),
		cmocka_unit_test(test_audience_filters),
		cmocka_unit_test(test_reminder_due_days),
		cmocka_unit_test(test_sheet_from_proto),
		cmocka_unit_test(test_questionnaire_checks),
		cmocka_unit_test(test_answers_checked_against_the_questions),
		cmocka_unit_test(test_cluster_chairs_audience),
		cmocka_unit_test(test_correction_checks),
		cmocka_unit_test(test_questions_from_text),
		cmocka_unit_test(test_answers_from_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
