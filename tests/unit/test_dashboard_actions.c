/* Unit tests of the dashboard's actions (actions.c, pages_actions.c): each form's checks as
 * a person meets them (a missing reason, a date that is not one, an audience that cannot
 * be), the requests sent to the owning services when a form passes (the LA flags whole,
 * an override's expiry at the end of its day, a CEP pinned for the school's cluster, an MI
 * sheet's audience and questions, a report's lists one item a line), and the forms written
 * again with an error summary linking to the fields, every value escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>

#include "test_support.h"
#include "actions.h"
#include "date.h"
#include "pages_actions.h"

#define EVIL "<script>alert(\"x\")</script>"
#define EVIL_ESCAPED "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"

static void parse(struct form *f, const char *body)
{
	form_free(f);
	form_parse(f, body, strlen(body));
}

static void test_flags(void **state)
{
	struct arena *a = *state;
	struct form f = {0};
	struct action_errors e = {0};
	N2gg__V1__SetFlagsRequest *req;
	/* a form without the flags as shown (a script): every flag is sent */
	parse(&f, "targeted_n2gg=yes&psswn_issued_date=15%2F11%2F2013");
	assert_int_equal(action_flags(&f, 121234, NULL, a, &req, &e), 0);
	assert_int_equal(req->urn, 121234);
	assert_true(req->flags->targeted_n2gg);
	assert_false(req->flags->causing_concern);   /* unticked: meant as no */
	assert_string_equal(req->flags->psswn_issued_date, "2013-11-15");
	assert_int_equal(req->n_fields, 6);

	memset(&e, 0, sizeof e);
	parse(&f, "in_transition=yes&psswn_issued_date=yesterday");
	assert_int_equal(action_flags(&f, 1, NULL, a, &req, &e), -1);
	assert_non_null(action_error_of(&e, "transition_reason"));
	assert_non_null(action_error_of(&e, "psswn_issued_date"));
	form_free(&f);
}

/* Two officers on the same school's flags: each sends only what they changed, so neither
 * undoes the other; changing what the other changed meanwhile is refused, naming them. */
static void test_flags_changed_meanwhile(void **state)
{
	struct arena *a = *state;
	struct form f = {0};
	struct action_errors e = {0};
	N2gg__V1__SetFlagsRequest *req;
	/* shown: targeted for N2GG, nothing else */
	const char *shown = "was=yes&was_targeted_n2gg=yes&was_causing_concern=&was_in_transition="
			    "&was_transition_reason=&was_psswn_issued_date=&was_targeted_system_leader=";
	N2gg__V1__LaFlags now = N2GG__V1__LA_FLAGS__INIT;
	now.targeted_n2gg = 1;
	now.causing_concern = 1;   /* ticked by another officer since */
	now.changed_by = "Ann Other via dashboard";

	/* this officer ticks "in transition" only: the other's tick is kept (not sent) */
	char body[512];
	snprintf(body, sizeof body, "%s&targeted_n2gg=yes&in_transition=yes&transition_reason=Merger",
		 shown);
	parse(&f, body);
	assert_int_equal(action_flags(&f, 7, &now, a, &req, &e), 0);
	assert_int_equal(req->n_fields, 2);
	assert_string_equal(req->fields[0], "in_transition");
	assert_string_equal(req->fields[1], "transition_reason");
	assert_false(req->flags->causing_concern);   /* as the form had it, but not sent */

	/* this officer unticks N2GG, which the other has unticked meanwhile too: the same
	 * change, no clash, and nothing left to send */
	now.targeted_n2gg = 0;
	parse(&f, shown);
	memset(&e, 0, sizeof e);
	assert_int_equal(action_flags(&f, 7, &now, a, &req, &e), -1);
	assert_int_equal(e.count, 1);
	assert_string_equal(e.items[0].field, "");
	assert_contains(e.items[0].message, "Nothing to save");

	/* this officer gives a warning notice's date; the other gave another meanwhile */
	now.targeted_n2gg = 1;
	now.psswn_issued_date = "2013-11-15";
	snprintf(body, sizeof body, "%s&targeted_n2gg=yes&psswn_issued_date=2013-12-01", shown);
	parse(&f, body);
	memset(&e, 0, sizeof e);
	assert_int_equal(action_flags(&f, 7, &now, a, &req, &e), -1);
	assert_contains(action_error_of(&e, "psswn_issued_date"),
			"This was changed since you opened the page: it is now \"2013-11-15\". "
			"Check the form and save again");
	assert_null(action_error_of(&e, "causing_concern"));
	/* the form shown again: the officer's date over the flags as they are now (N2GG
	 * ticked, causing concern as the other left it), not the page as first shown */
	now.causing_concern = 1;
	struct form again = {0};
	action_flags_values(&f, &now, &again);
	assert_string_equal(form_get(&again, "psswn_issued_date"), "2013-12-01");
	assert_string_equal(form_get(&again, "causing_concern"), "yes");
	assert_string_equal(form_get(&again, "targeted_n2gg"), "yes");
	assert_false(form_has(&again, "in_transition"));
	form_free(&again);
	form_free(&f);
}

static void test_override(void **state)
{
	struct arena *a = *state;
	struct form f = {0};
	struct action_errors e = {0};
	N2gg__V1__SetOverrideRequest *req;
	int today = date_from_ymd(2013, 11, 15);
	parse(&f, "category=D&reason=+governance+&expires=2014-07-31");
	assert_int_equal(action_override(&f, 7, today, a, &req, &e), 0);
	assert_string_equal(req->category, "D");
	assert_string_equal(req->reason, "governance");
	/* it ends when 31 July does */
	assert_int_equal(req->expires_unix_ms,
			 (long long)(date_from_ymd(2014, 8, 1)) * 86400000LL);
	parse(&f, "category=D&reason=x");
	assert_int_equal(action_override(&f, 7, today, a, &req, &e), 0);
	assert_int_equal(req->expires_unix_ms, 0);   /* until cleared */

	parse(&f, "category=G&reason=&expires=2013-11-14");
	assert_int_equal(action_override(&f, 7, today, a, &req, &e), -1);
	assert_int_equal(e.count, 3);
	assert_string_equal(e.items[0].field, "category");
	assert_string_equal(e.items[1].field, "reason");
	assert_string_equal(action_error_of(&e, "expires"), "The expiry date must be today or later");

	N2gg__V1__ClearOverrideRequest *clear;
	memset(&e, 0, sizeof e);
	parse(&f, "clear_reason=");
	assert_int_equal(action_clear_override(&f, 7, a, &clear, &e), -1);
	assert_non_null(action_error_of(&e, "clear_reason"));
	form_free(&f);
}

static void test_pin(void **state)
{
	struct arena *a = *state;
	struct form f = {0};
	struct action_errors e = {0};
	N2gg__V1__PinRequest *req;
	bool unpin;
	parse(&f, "op=pin&role=cep&partner=P007&reason=chosen");
	assert_int_equal(action_pin(&f, 121234, "C12", a, &req, &unpin, &e), 0);
	assert_false(unpin);
	assert_int_equal(req->role, N2GG__V1__ROLE__ROLE_CEP);
	assert_int_equal(req->urn, 0);                 /* a CEP is the cluster's */
	assert_string_equal(req->cluster_id, "C12");
	assert_string_equal(req->partner_id, "P007");
	parse(&f, "op=unpin&role=sip&partner=P007");
	assert_int_equal(action_pin(&f, 121234, "C12", a, &req, &unpin, &e), 0);
	assert_true(unpin);
	assert_int_equal(req->urn, 121234);
	assert_string_equal(req->partner_id, "");      /* Unpin names no partner */
	parse(&f, "op=pin&role=wizard");
	assert_int_equal(action_pin(&f, 1, "", a, &req, &unpin, &e), -1);
	assert_non_null(action_error_of(&e, "role"));
	assert_non_null(action_error_of(&e, "partner"));
	assert_non_null(action_error_of(&e, "reason"));
	assert_int_equal(action_role_parse("intervention_adviser"),
			 N2GG__V1__ROLE__ROLE_INTERVENTION_ADVISER);
	form_free(&f);
}

static void test_mi(void **state)
{
	struct arena *a = *state;
	struct form f = {0};
	struct action_errors e = {0};
	N2gg__V1__PublishMiRequest *req;
	int today = date_from_ymd(2013, 11, 15);
	parse(&f, "type=action&title=CEP+choice&body=Choose.&complete_by=2013-12-06&contact_name=J"
		  "&headteachers=yes&categories=B&categories=D&categories=B&phases=2&clusters=C1%2C+C2"
		  "&questions=Will+you+choose+A%3F+%7C+Yes+%7C+No%0D%0A%0D%0AWhy%3F");
	assert_int_equal(action_mi(&f, today, true, a, &req, &e), 0);
	const N2gg__V1__MiSheet *s = req->sheet;
	assert_true(req->dry_run);
	assert_int_equal(s->type, N2GG__V1__MI_TYPE__MI_ACTION);
	assert_string_equal(s->audience->categories, "BD");
	assert_int_equal(s->audience->n_phases, 1);
	assert_int_equal(s->audience->n_clusters, 2);
	assert_string_equal(s->audience->clusters[1], "C2");
	assert_int_equal(s->n_questions, 2);
	assert_string_equal(s->questions[0]->text, "Will you choose A?");
	assert_int_equal(s->questions[0]->n_options, 2);
	assert_string_equal(s->questions[0]->options[1], "No");
	assert_int_equal(s->questions[1]->number, 2);
	assert_int_equal(s->questions[1]->n_options, 0);   /* free text */

	/* an Information sheet: no date, no questions; cluster chairs alone */
	parse(&f, "type=information&title=T&body=B&contact_name=J&complete_by=2013-12-06"
		  "&cluster_chairs=yes&headteachers=yes&questions=Q%3F");
	assert_int_equal(action_mi(&f, today, false, a, &req, &e), -1);
	assert_non_null(action_error_of(&e, "complete_by"));
	assert_non_null(action_error_of(&e, "headteachers"));
	assert_non_null(action_error_of(&e, "questions"));
	memset(&e, 0, sizeof e);
	parse(&f, "type=action&title=T&body=B&contact_name=J&complete_by=2013-11-01&headteachers=yes"
		  "&questions=Only+one%7CYes");
	assert_int_equal(action_mi(&f, today, false, a, &req, &e), -1);
	assert_string_equal(action_error_of(&e, "complete_by"),
			    "The To Be Completed By date must be today or later");
	assert_non_null(action_error_of(&e, "questions"));   /* a choice of one */
	memset(&e, 0, sizeof e);
	parse(&f, "type=memo&headteachers=yes");
	assert_int_equal(action_mi(&f, today, false, a, &req, &e), -1);
	assert_non_null(action_error_of(&e, "type"));
	assert_non_null(action_error_of(&e, "title"));
	assert_non_null(action_error_of(&e, "contact_name"));
	form_free(&f);
}

static void test_report_and_cancel(void **state)
{
	struct arena *a = *state;
	struct form f = {0};
	struct action_errors e = {0};
	N2gg__V1__RecordVisitReportRequest *req;
	parse(&f, "visit=121234-2014-monitoring-1&held=yes&date_held=2013-10-01&progress=good"
		  "&attended=Jo+(head)%0D%0A%0D%0A++Sam+(chair)+&agreed_actions=Plan");
	assert_int_equal(action_report(&f, a, &req, &e), 0);
	const N2gg__V1__VisitReport *r = req->report;
	assert_true(r->held);
	assert_int_equal(r->progress, N2GG__V1__VISIT_PROGRESS__PROGRESS_GOOD);
	assert_int_equal(r->n_attended, 2);                 /* blank lines dropped, trimmed */
	assert_string_equal(r->attended[1], "Sam (chair)");
	parse(&f, "visit=v&held=no&not_held_reason=snow&progress=good");
	assert_int_equal(action_report(&f, a, &req, &e), 0);
	assert_false(req->report->held);
	assert_int_equal(req->report->progress, 0);         /* not judged when not held */
	parse(&f, "visit=v&held=yes");
	assert_int_equal(action_report(&f, a, &req, &e), -1);
	assert_non_null(action_error_of(&e, "date_held"));
	assert_non_null(action_error_of(&e, "attended"));
	assert_non_null(action_error_of(&e, "progress"));
	assert_non_null(action_error_of(&e, "agreed_actions"));
	memset(&e, 0, sizeof e);
	parse(&f, "visit=v");
	assert_int_equal(action_report(&f, a, &req, &e), -1);
	assert_non_null(action_error_of(&e, "held"));

	N2gg__V1__CancelNoticeRequest *cancel;
	memset(&e, 0, sizeof e);
	parse(&f, "reason=told+at+the+meeting");
	assert_int_equal(action_cancel(&f, "category-1-c2", a, &cancel, &e), 0);
	assert_string_equal(cancel->id, "category-1-c2");
	form_free(&f);
}

/* A refused form comes back as typed, with the error summary linking to its fields, and
 * every value (and the service's message) escaped. */
static void test_forms_again(void **state)
{
	struct arena *a = *state;
	struct form f = {0};
	struct action_errors e = {0};
	N2gg__V1__SetOverrideRequest *req;
	parse(&f, "category=Z&reason=" EVIL);
	assert_int_equal(action_override(&f, 7, 0, a, &req, &e), -1);
	action_fail(&e, "", "the categoriser says " EVIL);
	N2gg__V1__School s = N2GG__V1__SCHOOL__INIT;
	s.urn = 7;
	s.name = EVIL;
	struct page_user u = {"jo", N2GG__V1__DASHBOARD_ROLE__DASHBOARD_OFFICER, "", "tok"};
	struct page_form pf = {"/schools/7/override", &f, &e};
	struct html h;
	html_init(&h);
	page_action_override(&h, &u, &s, NULL, &pf, NULL);
	char *out = html_take(&h, NULL);
	assert_contains(out, "There is a problem");
	assert_contains(out, "<a href=\"#category\">Choose a category, A to F</a>");
	assert_contains(out, "<a href=\"#form\">the categoriser says " EVIL_ESCAPED "</a>");
	assert_contains(out, "govuk-form-group--error");
	assert_contains(out, ">" EVIL_ESCAPED "</textarea>");
	assert_contains(out, "name=\"csrf\" value=\"tok\"");
	assert_null(strstr(out, "<script>"));
	free(out);

	/* with an override in force the page has a second form, to clear it: each form has
	 * an id of its own, and a refusal of the clearing links to that form */
	N2gg__V1__CategoryChanged now = N2GG__V1__CATEGORY_CHANGED__INIT;
	now.category = "C";
	now.overridden = 1;
	struct action_errors clear_errors = {0};
	action_fail(&clear_errors, "", "the categoriser says no");
	struct page_form set = {"/schools/7/override", NULL, NULL};
	struct page_form clear = {"/schools/7/override/clear", NULL, &clear_errors};
	page_action_override(&h, &u, &s, &now, &set, &clear);
	out = html_take(&h, NULL);
	assert_non_null(strstr(out, "id=\"form\""));
	assert_null(strstr(strstr(out, "id=\"form\"") + 1, "id=\"form\""));
	assert_contains(out, "action=\"/schools/7/override/clear\" novalidate id=\"second-form\"");
	assert_contains(out, "<a href=\"#second-form\">the categoriser says no</a>");
	free(out);

	/* the MI preview carries the values in hidden fields, escaped */
	parse(&f, "csrf=tok&step=preview&title=" EVIL "&headteachers=yes");
	N2gg__V1__MiSheet sheet = N2GG__V1__MI_SHEET__INIT;
	sheet.title = EVIL;
	sheet.body = "One.\n\nTwo " EVIL;
	N2gg__V1__MiReply preview = N2GG__V1__MI_REPLY__INIT;
	preview.sheet = &sheet;
	preview.schools = 42;
	pf = (struct page_form){"/mi/new", &f, NULL};
	page_action_mi_preview(&h, &u, &preview, &pf);
	out = html_take(&h, NULL);
	assert_contains(out, "<strong>42 schools</strong>");
	assert_contains(out, "<input type=\"hidden\" name=\"title\" value=\"" EVIL_ESCAPED "\">");
	assert_null(strstr(out, "name=\"step\" value=\"preview\""));   /* the buttons say */
	assert_contains(out, "<p class=\"govuk-body\">Two " EVIL_ESCAPED "</p>");
	assert_null(strstr(out, "<script>"));
	free(out);
	form_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flags, arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_flags_changed_meanwhile, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_override, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pin, arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_mi, arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_report_and_cancel, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_forms_again, arena_fixture_setup,
						arena_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
