/* Unit tests of notice: the catalogue of kinds, the JSON each builder makes (only declared
 * names, dates and money as a letter writes them), the built-in letters rendered from it,
 * escaping per part, refusing data that is not an object, and loading a template directory
 * (problems with their lines, notes for missing files). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "date.h"
#include "notice.h"
#include "notice_lint.h"
#include "test_support.h"

#define CATEGORY N2GG__V1__NOTICE_KIND__NOTICE_CATEGORY_LETTER
#define ALLOCATION N2GG__V1__NOTICE_KIND__NOTICE_ALLOCATION_LETTER
#define VISITS N2GG__V1__NOTICE_KIND__NOTICE_VISIT_SCHEDULE
#define MI_SHEET N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET
#define MI_REMINDER N2GG__V1__NOTICE_KIND__NOTICE_MI_REMINDER
#define DIGEST N2GG__V1__NOTICE_KIND__NOTICE_DIGEST
#define MI_CORRECTION N2GG__V1__NOTICE_KIND__NOTICE_MI_CORRECTION
#define VISIT_REPORT N2GG__V1__NOTICE_KIND__NOTICE_VISIT_REPORT

/* ---- fixtures ---- */

struct fixture {
	struct arena a;
	struct notice_templates t;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	arena_init(&fx->a);
	struct status st;
	status_clear(&st);
	if (notice_templates_load(&fx->t, NULL, NULL, NULL, &st) != 0) {
		print_error("built-in templates refused: %s\n", st.message);
		arena_free(&fx->a);
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	notice_templates_free(&fx->t);
	arena_free(&fx->a);
	free(fx);
	return 0;
}

static struct notice_letterhead lh(void)
{
	return (struct notice_letterhead){ "Norfolk County Council", date_from_ymd(2013, 11, 15) };
}

static N2gg__V1__NotifierSchool school_named(const char *name)
{
	N2gg__V1__NotifierSchool s = N2GG__V1__NOTIFIER_SCHOOL__INIT;
	s.urn = 121234;
	s.name = (char *)name;
	s.cluster_id = "C926-12";
	s.phase = N2GG__V1__PHASE__PHASE_PRIMARY;
	return s;
}

static N2gg__V1__Recipient head(void)
{
	N2gg__V1__Recipient r = N2GG__V1__RECIPIENT__INIT;
	r.urn = 121234;
	r.role = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_HEADTEACHER;
	r.name = "Mrs Jane Smith";
	r.email = "head@aylsham.norfolk.sch.uk";
	return r;
}

/* Renders `data` (which it takes) with the fixture's templates. */
static struct notice_rendered render(struct fixture *fx, N2gg__V1__NoticeKind kind, json_t *data,
				     const N2gg__V1__Recipient *r)
{
	assert_non_null(data);
	char *text = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	assert_non_null(text);
	struct notice_rendered out = { 0 };
	struct status st;
	status_clear(&st);
	int rc = notice_render(&fx->t, kind, text, r, &fx->a, &out, &st);
	free(text);
	if (rc != 0) {
		print_error("render refused: %s\n", st.message);
		fail();
	}
	assert_non_null(out.subject);
	assert_non_null(out.text);
	return out;
}

/* root's member at a dotted path, or NULL. */
static json_t *jget(json_t *root, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *cur = root;
	char *save = NULL;
	for (char *part = strtok_r(buf, ".", &save); part && cur; part = strtok_r(NULL, ".", &save))
		cur = json_object_get(cur, part);
	return cur;
}

static const char *jstr(json_t *root, const char *path)
{
	json_t *v = jget(root, path);
	if (!json_is_string(v)) {
		print_error("%s is not a string\n", path);
		fail();
	}
	return json_string_value(v);
}

static bool declared(const char *const *vars, const char *name)
{
	for (size_t i = 0; vars[i]; i++)
		if (strcmp(vars[i], name) == 0)
			return true;
	return false;
}

/* Every member a builder writes must be a name its kind declares (a list as "name[]"),
 * or templates could not use it and the contract would be wrong. */
static void assert_declared(const char *const *vars, json_t *v, const char *path)
{
	if (json_is_object(v)) {
		const char *key;
		json_t *m;
		json_object_foreach(v, key, m) {
			char sub[256];
			snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", key);
			assert_declared(vars, m, sub);
		}
		return;
	}
	if (json_is_array(v)) {
		char list[260];
		snprintf(list, sizeof list, "%s[]", path);
		if (!declared(vars, list)) {
			print_error("list %s is not declared\n", list);
			fail();
		}
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
			if (json_is_object(item))
				assert_declared(vars, item, path);
		return;
	}
	if (!declared(vars, path)) {
		print_error("%s is not declared\n", path);
		fail();
	}
}

/* ---- what the letters are made from ---- */

static N2gg__V1__Reason reason_ofsted(void)
{
	N2gg__V1__Reason r = N2GG__V1__REASON__INIT;
	r.fact = "ofsted.overall";
	r.value = "3 (Requires improvement)";
	r.condition = "is 3 (Requires improvement)";
	r.holds = true;
	r.text = "latest Ofsted overall effectiveness: 3 (Requires improvement); the rule asks: "
		 "is 3 (Requires improvement) (met)";
	return r;
}

static const char *const activities[] = {
	"Termly visits from the school's Education Challenge Partner",
	"A Raising Attainment Plan agreed with the LA",
};

static N2gg__V1__CategoryChanged category_change(N2gg__V1__Reason **reasons, size_t n)
{
	N2gg__V1__CategoryChanged e = N2GG__V1__CATEGORY_CHANGED__INIT;
	e.urn = 121234;
	e.school_name = "Aylsham Primary School";
	e.cluster_id = "C926-12";
	e.phase = N2GG__V1__PHASE__PHASE_PRIMARY;
	e.previous_category = "C";
	e.category = "B";
	e.category_name = "Requires improvement and targeted for N2GG";
	e.reasons = reasons;
	e.n_reasons = n;
	e.rule_id = "b-requires-improvement";
	e.policy_name = "Norfolk categorisation";
	e.policy_version = "2013.2";
	e.effective_date = "2013-12-02";
	e.activities = (char **)activities;
	e.n_activities = 2;
	e.half_termly_monitoring = true;
	return e;
}

static N2gg__V1__Allocation allocation(void)
{
	N2gg__V1__Allocation al = N2GG__V1__ALLOCATION__INIT;
	al.urn = 121234;
	al.cluster_id = "C926-12";
	al.role = N2GG__V1__ROLE__ROLE_SIP;
	al.partner_id = "p-17";
	al.partner_name = "Dr Alan Brown";
	al.partner_email = "alan.brown@example.org";
	al.partner_phone = "01603 222222";
	al.days = 5;
	al.cost_pence = 150000;
	al.reason = "SIP accredited for primary schools, 12 km away";
	al.school_name = "Aylsham Primary School";
	return al;
}

static N2gg__V1__MiSheet mi_sheet(void)
{
	static char *links[] = { "https://www.schools.norfolk.gov.uk/mi/013-13.pdf" };
	N2gg__V1__MiSheet s = N2GG__V1__MI_SHEET__INIT;
	s.number = "013/13";
	s.type = N2GG__V1__MI_TYPE__MI_ACTION;
	s.title = "Pupil premium return";
	s.body = "Please return the attached form.\nThank you.";
	s.publication_date = "2013-11-15";
	s.complete_by = "2013-12-06";
	s.contact_name = "Sarah Jones";
	s.contact_phone = "01603 223344";
	s.links = links;
	s.n_links = 1;
	return s;
}

/* ---- the catalogue ---- */

static void test_catalogue(void **state)
{
	(void)state;
	static const char *const common[] = {
		"la.name", "date", "recipient.name", "recipient.role", "school.name",
		"school.urn", "school.cluster", "school.phase", "cluster.id", "cluster.name",
	};
	assert_null(notice_kind(N2GG__V1__NOTICE_KIND__NOTICE_KIND_UNKNOWN));
	assert_null(notice_kind((N2gg__V1__NoticeKind)NOTICE_KIND_COUNT));
	assert_null(notice_kind((N2gg__V1__NoticeKind)-1));
	for (int k = 1; k < NOTICE_KIND_COUNT; k++) {
		const struct notice_kind_info *info = notice_kind((N2gg__V1__NoticeKind)k);
		if (!info && !protobuf_c_enum_descriptor_get_value(
				     &n2gg__v1__notice_kind__descriptor, k))
			continue;   /* a number the proto does not name yet has no kind */
		assert_non_null(info);
		assert_int_equal(info->kind, k);
		char file[64];
		snprintf(file, sizeof file, "%s.tmpl", info->name);
		assert_string_equal(info->file, file);
		assert_true(info->title[0] != '\0');
		assert_int_equal(info->statutory, k == CATEGORY);
		for (size_t i = 0; i < sizeof common / sizeof *common; i++)
			if (!declared(info->vars, common[i])) {
				print_error("%s does not declare %s\n", info->name, common[i]);
				fail();
			}
	}
	assert_string_equal(notice_kind(CATEGORY)->name, "category_letter");
	assert_string_equal(notice_kind(DIGEST)->file, "digest.tmpl");
	assert_true(declared(notice_kind(VISITS)->vars, "visits[]"));
	assert_true(declared(notice_kind(MI_REMINDER)->vars, "mi.complete_by"));
	assert_string_equal(notice_kind(MI_CORRECTION)->name, "mi_correction");
	assert_true(declared(notice_kind(MI_CORRECTION)->vars, "mi.withdrawal_reason"));
	assert_true(declared(notice_kind(MI_SHEET)->vars, "mi.questions.options"));
	assert_false(declared(notice_kind(MI_SHEET)->vars, "category.letter"));
}

static void test_kind_parse(void **state)
{
	(void)state;
	struct status st;
	for (int k = 1; k < NOTICE_KIND_COUNT; k++) {
		N2gg__V1__NoticeKind out = N2GG__V1__NOTICE_KIND__NOTICE_KIND_UNKNOWN;
		if (!notice_kind((N2gg__V1__NoticeKind)k))
			continue;
		assert_int_equal(notice_kind_parse(notice_kind((N2gg__V1__NoticeKind)k)->name, &out,
						   &st),
				 0);
		assert_int_equal(out, k);
	}
	N2gg__V1__NoticeKind out = DIGEST;
	assert_int_equal(notice_kind_parse("category-letter", &out, &st), -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "unknown notice kind 'category-letter' (one of "
					"category_letter, allocation_letter, visit_schedule, "
					"mi_sheet, mi_reminder, digest, visit_report, mi_correction)");
	assert_int_equal(out, DIGEST);  /* untouched */
	assert_int_equal(notice_kind_parse("", &out, &st), -STATUS_INVALID_ARGUMENT);
	assert_int_equal(notice_kind_parse("Category_Letter", &out, &st), -STATUS_INVALID_ARGUMENT);
	assert_int_equal(notice_kind_parse(NULL, &out, &st), -STATUS_INVALID_ARGUMENT);
}

static void test_role_titles(void **state)
{
	(void)state;
	assert_string_equal(notice_role_title(N2GG__V1__RECIPIENT_ROLE__RECIPIENT_HEADTEACHER),
			    "Headteacher");
	assert_string_equal(
		notice_role_title(N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CHAIR_OF_GOVERNORS),
		"Chair of Governors");
	assert_string_equal(notice_role_title(N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR),
			    "Cluster Chair");
	assert_string_equal(notice_role_title(N2GG__V1__RECIPIENT_ROLE__RECIPIENT_ROLE_UNKNOWN),
			    "");
}

static void test_dates_in_english(void **state)
{
	(void)state;
	char buf[NOTICE_DATE_LEN];
	assert_string_equal(notice_date_long(date_from_ymd(2013, 11, 15), buf), "15 November 2013");
	assert_string_equal(notice_date_long(date_from_ymd(2014, 1, 1), buf), "1 January 2014");
	assert_string_equal(notice_date_weekday(date_from_ymd(2013, 12, 3), buf),
			    "Tuesday 3 December 2013");
	assert_string_equal(notice_date_weekday(0, buf), "Thursday 1 January 1970");
	assert_string_equal(notice_date_weekday(-1, buf), "Wednesday 31 December 1969");
	assert_string_equal(notice_date_weekday(date_from_ymd(2012, 2, 29), buf),
			    "Wednesday 29 February 2012");
	assert_string_equal(notice_date_weekday(date_from_ymd(2013, 9, 8), buf),
			    "Sunday 8 September 2013");
	/* seven days in a row, each its own name */
	const char *week[] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
			       "Saturday", "Sunday" };
	for (int i = 0; i < 7; i++) {
		notice_date_weekday(date_from_ymd(2013, 12, 2 + i), buf);
		assert_true(strncmp(buf, week[i], strlen(week[i])) == 0);
	}
}

/* ---- the built-in templates ---- */

extern const char notice_builtin_category_letter[];
extern const char notice_builtin_allocation_letter[];
extern const char notice_builtin_visit_schedule[];
extern const char notice_builtin_mi_sheet[];
extern const char notice_builtin_mi_reminder[];
extern const char notice_builtin_digest[];
extern const char notice_builtin_mi_correction[];
extern const char notice_builtin_visit_report[];

static void test_builtins_load(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(fx->t.dir, "");
	for (int k = 1; k < NOTICE_KIND_COUNT; k++) {
		if (!notice_kind((N2gg__V1__NoticeKind)k))
			continue;
		assert_non_null(fx->t.files[k].subject);
		assert_non_null(fx->t.files[k].text);
		assert_non_null(fx->t.files[k].html);
	}
	/* each file's header lists its kind's variables for whoever edits a copy of it */
	const char *texts[NOTICE_KIND_COUNT] = {
		NULL, notice_builtin_category_letter, notice_builtin_allocation_letter,
		notice_builtin_visit_schedule, notice_builtin_mi_sheet, notice_builtin_mi_reminder,
		notice_builtin_digest, notice_builtin_visit_report, notice_builtin_mi_correction,
	};
	for (int k = 1; k < NOTICE_KIND_COUNT; k++) {
		if (!texts[k])
			continue;
		const char *const *vars = notice_kind((N2gg__V1__NoticeKind)k)->vars;
		const char *subject = strstr(texts[k], "\nSubject:");
		assert_non_null(subject);
		for (size_t i = 0; vars[i]; i++) {
			const char *v = vars[i];
			/* a list item's field is listed by its own name:
			 * "category.reasons[] (each: text)" */
			const char *shown = v;
			for (size_t j = 0; vars[j]; j++) {
				size_t n = strlen(vars[j]);
				if (n > 2 && strcmp(vars[j] + n - 2, "[]") == 0 &&
				    strncmp(v, vars[j], n - 2) == 0 && v[n - 2] == '.')
					shown = v + n - 1;
			}
			const char *at = strstr(texts[k], shown);
			if (!at || at > subject) {
				print_error("%s.tmpl's header does not list %s\n",
					    notice_kind((N2gg__V1__NoticeKind)k)->name, v);
				fail();
			}
		}
	}
}

/* ---- the builders ---- */

/* A monitoring visit's report as the scheduler's visit.reported carries it: the visit's id,
 * its partner's id and the officer's username are in it and must not reach a letter. */
struct report_fixture {
	N2gg__V1__Visit visit;
	N2gg__V1__VisitReport report;
	N2gg__V1__VisitReportEvent ev;
	char *attended[2], *strengths[1], *priorities[1], *actions[2], *signposting[1];
};

static void report_event(struct report_fixture *f, bool annual)
{
	f->visit = (N2gg__V1__Visit)N2GG__V1__VISIT__INIT;
	f->visit.id = annual ? "121234-2014-annual_conversation-1" : "121234-2014-monitoring-2";
	f->visit.urn = 121234;
	f->visit.school_name = "Aylsham Primary School";
	f->visit.partner_id = "p-17";
	f->visit.date = "2013-11-12";
	f->visit.kind = annual ? "annual_conversation" : "monitoring";
	f->visit.half_term = 2;
	f->visit.year = 2014;
	f->report = (N2gg__V1__VisitReport)N2GG__V1__VISIT_REPORT__INIT;
	f->report.visit_id = f->visit.id;
	f->report.held = true;
	f->report.date_held = "2013-11-13";
	f->attended[0] = "Mrs Jane Smith (headteacher)";
	f->attended[1] = "Mr Tom Reed (chair of governors)";
	f->report.attended = f->attended;
	f->report.n_attended = 2;
	f->report.progress = N2GG__V1__VISIT_PROGRESS__PROGRESS_SOME;
	f->strengths[0] = "Phonics teaching in Reception is consistently strong.";
	f->report.strengths = f->strengths;
	f->report.n_strengths = 1;
	f->priorities[0] = "Raise attainment in Year 6 writing.";
	f->report.priorities = f->priorities;
	f->report.n_priorities = 1;
	f->actions[0] = "The head will share the writing moderation results by 6 December.";
	f->actions[1] = "Governors to visit Year 6 in the spring term.";
	f->report.agreed_actions = f->actions;
	f->report.n_agreed_actions = 2;
	f->report.next_visit_focus = "Year 6 writing books";
	if (annual) {
		f->report.self_evaluation_validation =
			"The school's judgement of good for leadership is borne out by the evidence.";
		f->signposting[0] = "Norfolk Governor Services: training for the new chair";
		f->report.signposting = f->signposting;
		f->report.n_signposting = 1;
	}
	f->report.recorded_by = "j.smith";
	f->report.version = 1;
	f->report.visit = &f->visit;
	f->report.partner_name = "Rachel Dawson";
	f->ev = (N2gg__V1__VisitReportEvent)N2GG__V1__VISIT_REPORT_EVENT__INIT;
	f->ev.report = &f->report;
	f->ev.partner_name = "Rachel Dawson";
	f->ev.partner_email = "rachel.dawson@example.org";
	f->ev.partner_phone = "01603 555 010";
	f->ev.school_name = "Aylsham Primary School";
}

static void test_builders_write_only_declared_names(void **state)
{
	(void)state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__Reason r = reason_ofsted();
	N2gg__V1__Reason *reasons[] = { &r };
	N2gg__V1__CategoryChanged ce = category_change(reasons, 1);
	N2gg__V1__Allocation al = allocation();
	N2gg__V1__AllocationChanged ae = N2GG__V1__ALLOCATION_CHANGED__INIT;
	ae.allocation = &al;
	ae.previous_partner_id = "p-3";
	N2gg__V1__NotifierCluster cluster = N2GG__V1__NOTIFIER_CLUSTER__INIT;
	cluster.id = "C926-12";
	cluster.name = "Aylsham";
	N2gg__V1__Visit v = N2GG__V1__VISIT__INIT;
	v.date = "2013-12-03";
	v.kind = "monitoring";
	v.partner_id = "p-17";
	v.half_term = 2;
	N2gg__V1__Visit *visits[] = { &v };
	N2gg__V1__MiSheet sheet = mi_sheet();
	struct notice_digest_item items[] = { { CATEGORY, "s", "t" } };
	struct report_fixture rf;
	report_event(&rf, true);

	json_t *built[] = {
		notice_data_category(&l, &school, &ce),
		notice_data_allocation(&l, &school, &cluster, &ae),
		notice_data_visits(&l, &school, visits, 1),
		notice_data_mi(&l, &school, NULL, &sheet, NOTICE_MI_ISSUED),
		notice_data_mi(&l, &school, NULL, &sheet, NOTICE_MI_REMINDER),
		notice_data_digest(&l, &school, items, 1),
		notice_data_visit_report(&l, &school, &rf.ev, false),
	};
	N2gg__V1__NoticeKind kinds[] = { CATEGORY, ALLOCATION, VISITS, MI_SHEET, MI_REMINDER,
					 DIGEST, VISIT_REPORT };
	for (size_t i = 0; i < sizeof built / sizeof *built; i++) {
		assert_true(json_is_object(built[i]));
		assert_declared(notice_kind(kinds[i])->vars, built[i], "");
		assert_string_equal(jstr(built[i], "la.name"), "Norfolk County Council");
		assert_string_equal(jstr(built[i], "date"), "15 November 2013");
		assert_string_equal(jstr(built[i], "school.name"), "Aylsham Primary School");
		assert_int_equal(json_integer_value(jget(built[i], "school.urn")), 121234);
		assert_string_equal(jstr(built[i], "school.cluster"), "C926-12");
		assert_string_equal(jstr(built[i], "school.phase"), "Primary");
		assert_string_equal(jstr(built[i], "cluster.id"), "C926-12");
		/* recipient.* belong to the recipient, not the notice */
		assert_null(json_object_get(built[i], "recipient"));
		json_decref(built[i]);
	}
}

static void test_category_data(void **state)
{
	(void)state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__Reason r = reason_ofsted();
	N2gg__V1__Reason *reasons[] = { &r };
	N2gg__V1__CategoryChanged e = category_change(reasons, 1);
	json_t *d = notice_data_category(&l, &school, &e);
	assert_string_equal(jstr(d, "category.letter"), "B");
	assert_string_equal(jstr(d, "category.name"), "Requires improvement and targeted for N2GG");
	assert_string_equal(jstr(d, "category.previous"), "C");
	assert_true(json_is_true(jget(d, "category.had_previous")));
	assert_string_equal(jstr(d, "category.effective_date"), "2 December 2013");
	assert_true(json_is_true(jget(d, "category.monitoring")));
	assert_true(json_is_false(jget(d, "category.overridden")));
	assert_string_equal(jstr(d, "category.rule"), "b-requires-improvement");
	assert_string_equal(jstr(d, "category.policy"), "Norfolk categorisation 2013.2");
	json_t *acts = jget(d, "category.activities");
	assert_int_equal(json_array_size(acts), 2);
	assert_string_equal(json_string_value(json_array_get(acts, 1)),
			    "A Raising Attainment Plan agreed with the LA");
	json_decref(d);

	/* the school from the event when the notifier has no record of it yet; no previous */
	e.previous_category = "";
	e.policy_version = "";
	d = notice_data_category(&l, NULL, &e);
	assert_string_equal(jstr(d, "school.name"), "Aylsham Primary School");
	assert_string_equal(jstr(d, "category.previous"), "");
	assert_true(json_is_false(jget(d, "category.had_previous")));
	assert_string_equal(jstr(d, "category.policy"), "Norfolk categorisation");
	json_decref(d);
}

static void test_reason_sentences(void **state)
{
	(void)state;
	struct notice_letterhead l = lh();
	N2gg__V1__Reason ofsted = reason_ofsted();
	N2gg__V1__Reason unmet = reason_ofsted();
	unmet.value = "unknown";
	unmet.holds = false;
	unmet.text = "latest Ofsted overall effectiveness: unknown; the rule asks: is 3 "
		     "(Requires improvement) (not met)";
	N2gg__V1__Reason no_label = N2GG__V1__REASON__INIT;
	no_label.fact = "la.targeted_n2gg";
	no_label.value = "yes";
	no_label.condition = "is yes";
	no_label.holds = true;
	N2gg__V1__Reason always = N2GG__V1__REASON__INIT;
	always.fact = "always";
	always.value = "-";
	always.condition = "nothing: it applies to every school";
	always.holds = true;
	always.text = "no other rule applied; this one applies to every school";
	N2gg__V1__Reason empty = N2GG__V1__REASON__INIT;
	N2gg__V1__Reason *reasons[] = { &ofsted, &unmet, &no_label, &always, &empty };
	N2gg__V1__CategoryChanged e = category_change(reasons, 5);
	json_t *d = notice_data_category(&l, NULL, &e);
	json_t *list = jget(d, "category.reasons");
	/* nothing to say about the empty one; the unmet one did not place the school, and
	 * the policy's conditions are not a head's reading */
	assert_int_equal(json_array_size(list), 3);
	const char *want[] = {
		"Latest Ofsted overall effectiveness: 3 (Requires improvement).",
		"La targeted n2gg: yes.",
		"No other rule applied; this one applies to every school.",
	};
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(list, i),
								      "text")),
				    want[i]);
	json_decref(d);
}

/* ---- the letters ---- */

static void test_category_letter(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__Reason r = reason_ofsted();
	N2gg__V1__Reason *reasons[] = { &r };
	N2gg__V1__CategoryChanged e = category_change(reasons, 1);
	N2gg__V1__Recipient rec = head();
	struct notice_rendered out =
		render(fx, CATEGORY, notice_data_category(&l, &school, &e), &rec);
	assert_string_equal(out.subject,
			    "Aylsham Primary School: LA category B from 2 December 2013");
	assert_contains(out.text, "Norfolk County Council\nChildren's Services\n\n"
				  "15 November 2013\n\nDear Mrs Jane Smith,\n");
	assert_contains(out.text, "Aylsham Primary School (URN 121234)");
	assert_contains(out.text, "is now B (Requires improvement and targeted for N2GG),\n"
				  "with effect from 2 December 2013.");
	assert_contains(out.text, "This replaces the school's previous category, C.");
	assert_contains(out.text, "  - Latest Ofsted overall effectiveness: 3 (Requires "
				  "improvement).\n");
	assert_null(strstr(out.text, "the policy's condition"));
	assert_contains(out.text, "  - Termly visits from the school's Education Challenge "
				  "Partner\n  - A Raising Attainment Plan agreed with the LA\n");
	assert_contains(out.text, "monitor the school's\nprogress every half-term");
	assert_contains(out.text, "Reference: Norfolk categorisation 2013.2\n");
	assert_null(strstr(out.text, "b-requires-improvement"));   /* a rule id is internal */
	assert_null(strstr(out.text, "set by an officer"));
	assert_null(strstr(out.text, "first category"));
	assert_null(strstr(out.text, "{{"));
	assert_contains(out.html, "<p>Dear Mrs Jane Smith,</p>");
	assert_contains(out.html, "is now <strong>B</strong> (Requires improvement");
	assert_contains(out.html, "<li>Latest Ofsted overall effectiveness: 3 (Requires "
				  "improvement).</li>");
	assert_true(strncmp(out.html, "<!DOCTYPE html>\n<html lang=\"en-GB\">", 35) == 0);
	assert_contains(out.html, "</body>\n</html>\n");
}

static void test_category_letter_first_overridden_and_withdrawn(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__CategoryChanged e = category_change(NULL, 0);
	N2gg__V1__Recipient chair = head();
	chair.role = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CHAIR_OF_GOVERNORS;
	chair.name = "Mr Tom Green";
	e.previous_category = "";
	e.overridden = true;
	e.half_termly_monitoring = false;
	struct notice_rendered out =
		render(fx, CATEGORY, notice_data_category(&l, &school, &e), &chair);
	assert_contains(out.text, "Dear Mr Tom Green,");
	assert_contains(out.text, "This is the first category the school has been given");
	assert_contains(out.text, "set by an officer of the local authority");
	assert_contains(out.text, "The category follows the local authority's review");
	assert_null(strstr(out.text, "previous category"));
	assert_null(strstr(out.text, "half-termly progress"));

	/* a closed school: no category now */
	e = category_change(NULL, 0);
	e.category = "";
	e.category_name = "";
	e.previous_category = "D";
	out = render(fx, CATEGORY, notice_data_category(&l, &school, &e), &chair);
	assert_string_equal(out.subject, "Aylsham Primary School: LA category withdrawn");
	assert_contains(out.text, "no longer has a local\nauthority category (it was previously in "
				  "category D).");
	assert_null(strstr(out.text, "What happens next"));
}

static void test_html_escapes_the_school_name_only_in_html(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("St Mary & St John's <CE> Primary");
	N2gg__V1__CategoryChanged e = category_change(NULL, 0);
	N2gg__V1__Recipient rec = head();
	struct notice_rendered out =
		render(fx, CATEGORY, notice_data_category(&l, &school, &e), &rec);
	assert_string_equal(out.subject,
			    "St Mary & St John's <CE> Primary: LA category B from 2 December 2013");
	assert_contains(out.text, "St Mary & St John's <CE> Primary (URN 121234)");
	assert_contains(out.html, "St Mary &amp; St John&#39;s &lt;CE&gt; Primary (URN 121234)");
	assert_null(strstr(out.html, "St Mary & St"));
	assert_null(strstr(out.html, "<CE>"));
}

static void test_allocation_letter(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__Allocation al = allocation();
	N2gg__V1__AllocationChanged ae = N2GG__V1__ALLOCATION_CHANGED__INIT;
	ae.allocation = &al;
	ae.previous_partner_id = "p-3";
	N2gg__V1__Recipient rec = head();

	json_t *d = notice_data_allocation(&l, &school, NULL, &ae);
	assert_string_equal(jstr(d, "allocation.role"), "School Improvement Partner");
	assert_true(json_is_true(jget(d, "allocation.has_partner")));
	assert_string_equal(jstr(d, "allocation.cost"), "\xc2\xa3" "1,500.00");
	assert_int_equal(json_integer_value(jget(d, "allocation.days")), 5);
	assert_string_equal(jstr(d, "allocation.previous_partner"), "p-3");
	struct notice_rendered out = render(fx, ALLOCATION, d, &rec);
	assert_string_equal(out.subject, "Aylsham Primary School: your School Improvement Partner "
					 "is Dr Alan Brown");
	assert_contains(out.text, "I am pleased to confirm that Dr Alan Brown will be the\n"
				  "School Improvement Partner for Aylsham Primary School, taking "
				  "over\nfrom the previous partner.");
	assert_contains(out.text, "  Email:      alan.brown@example.org\n"
				  "  Telephone:  01603 222222\n"
				  "  Days:       5 this school year\n"
				  "  Cost:       \xc2\xa3" "1,500.00\n");
	assert_contains(out.html, "<a href=\"mailto:alan.brown@example.org\">");
	assert_null(strstr(out.text, "12 km"));   /* a reason it does not know says nothing */

	/* the scheduler's reasons are for officers: the letter says which case in words, never
	 * the solver's terms, an officer's username or private note */
	const struct {
		const char *reason;
		bool pinned;
		N2gg__V1__AllocationBasis basis;
		const char *words;
	} cases[] = {
		/* the case as the scheduler sends it: the reason's wording is no matter */
		{ "optimal: the least cost for the whole plan", false,
		  N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_MATCHED, "Partners are matched" },
		{ "the best found within the search limit", false,
		  N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_MATCHED, "Partners are matched" },
		{ "optimal: keeps the partner in force", false,
		  N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_KEPT, "Your partner stays the same." },
		{ "pinned by j.smith: Head asked for Rachel Dawson", true,
		  N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_CHOSEN_BY_LA,
		  "The local authority has chosen this partner for you." },
		{ "was pinned; kept while it holds", false,
		  N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_CHOSEN_BY_LA,
		  "The local authority has chosen this partner for you." },
		/* an event from before the basis: read from the reason */
		{ "optimal: the least cost for the whole plan", false,
		  N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_UNKNOWN, "Partners are matched" },
		{ "optimal: keeps the partner in force", false,
		  N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_UNKNOWN,
		  "Your partner stays the same." },
		{ "pinned by j.smith: Head asked for Rachel Dawson", true,
		  N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_UNKNOWN,
		  "The local authority has chosen this partner for you." },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		al.reason = (char *)cases[i].reason;
		al.pinned = cases[i].pinned;
		al.basis = cases[i].basis;
		struct notice_rendered o =
			render(fx, ALLOCATION, notice_data_allocation(&l, &school, NULL, &ae), &rec);
		assert_contains(o.text, cases[i].words);
		assert_null(strstr(o.text, "optimal"));
		assert_null(strstr(o.text, "j.smith"));
		assert_null(strstr(o.text, "Head asked"));
		assert_null(strstr(o.text, "search limit"));
	}
	al = allocation();

	/* other amounts, and none */
	const struct {
		int64_t pence;
		const char *cost;
	} money[] = {
		{ 0, "no charge" }, { 50, "\xc2\xa3" "0.50" }, { 1234567, "\xc2\xa3" "12,345.67" },
		{ 100000000, "\xc2\xa3" "1,000,000.00" }, { -300, "-\xc2\xa3" "3.00" },
	};
	for (size_t i = 0; i < sizeof money / sizeof *money; i++) {
		al.cost_pence = money[i].pence;
		d = notice_data_allocation(&l, &school, NULL, &ae);
		assert_string_equal(jstr(d, "allocation.cost"), money[i].cost);
		json_decref(d);
	}
}

static void test_allocation_ended_and_cluster_notice(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__Allocation al = allocation();
	al.role = N2GG__V1__ROLE__ROLE_ECP;
	al.partner_id = "";
	al.partner_name = "";
	al.cost_pence = 0;
	al.days = 0;
	al.reason = "every qualified partner is at capacity";
	N2gg__V1__AllocationChanged ae = N2GG__V1__ALLOCATION_CHANGED__INIT;
	ae.allocation = &al;
	ae.previous_partner_id = "p-17";
	N2gg__V1__Recipient rec = head();
	struct notice_rendered out =
		render(fx, ALLOCATION, notice_data_allocation(&l, &school, NULL, &ae), &rec);
	assert_string_equal(out.subject,
			    "Aylsham Primary School: Education Challenge Partner allocation ended");
	assert_contains(out.text, "Aylsham Primary School does not\nhave an allocated "
				  "Education Challenge Partner at present: the previous\n"
				  "allocation has ended.");
	assert_contains(out.text, "The days of every suitably qualified partner are already "
				  "allocated this year.");
	assert_null(strstr(out.text, "at capacity"));
	assert_null(strstr(out.text, "Partner:"));
	assert_null(strstr(out.text, "alan.brown"));

	/* a Cluster Education Partner: the cluster's notice, to its chair */
	al = allocation();
	al.urn = 0;
	al.role = N2GG__V1__ROLE__ROLE_CEP;
	al.school_name = "";
	al.cost_pence = 0;
	ae.previous_partner_id = "";
	N2gg__V1__NotifierCluster cluster = N2GG__V1__NOTIFIER_CLUSTER__INIT;
	cluster.id = "C926-12";
	cluster.name = "Aylsham Cluster";
	N2gg__V1__Recipient chair = N2GG__V1__RECIPIENT__INIT;
	chair.cluster_id = "C926-12";
	chair.role = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR;
	chair.name = "Ms Ann White";
	json_t *d = notice_data_allocation(&l, NULL, &cluster, &ae);
	assert_null(json_object_get(d, "school"));
	assert_string_equal(jstr(d, "cluster.name"), "Aylsham Cluster");
	out = render(fx, ALLOCATION, d, &chair);
	assert_string_equal(out.subject, "Aylsham Cluster: your Cluster Education Partner is "
					 "Dr Alan Brown");
	assert_contains(out.text, "Dear Ms Ann White,");
	assert_contains(out.text, "Cluster Education Partner for the Aylsham Cluster\n");
	assert_contains(out.text, "  Cost:       no charge\n");
	assert_contains(out.text, "leadership of the cluster's schools");
}

/* A CEP's letter to the cluster's chair says how the cluster's choice came out, in words:
 * never the choice's or the solver's terms, ids or who recorded it. */
static void test_cep_letter_says_how_the_clusters_choice_came_out(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierCluster cluster = N2GG__V1__NOTIFIER_CLUSTER__INIT;
	cluster.id = "C926-12";
	cluster.name = "Aylsham Cluster";
	N2gg__V1__Recipient chair = N2GG__V1__RECIPIENT__INIT;
	chair.cluster_id = "C926-12";
	chair.role = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR;
	chair.name = "Ms Ann White";
	const struct {
		N2gg__V1__CepChoiceState state;
		bool served;
		const char *words, *in_html;   /* HTML escapes the apostrophes */
	} cases[] = {
		{ N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED, true,
		  "The cluster's own choice of Cluster Education Partner, Dr Alan Brown, has been "
		  "confirmed.", "Dr Alan Brown, has been confirmed." },
		{ N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_LA_TO_IDENTIFY, true,
		  "As the cluster asked, the local authority has identified Dr Alan Brown as its "
		  "Cluster Education Partner.", "As the cluster asked, the local authority has "
		  "identified Dr Alan Brown" },
		{ N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_DEADLINE_MISSED, true,
		  "As no nomination reached us by 1 October 2013, the local authority has "
		  "identified Dr Alan Brown as the cluster's Cluster Education Partner.",
		  "As no nomination reached us by 1 October 2013, the local authority has "
		  "identified Dr Alan Brown" },
		{ N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NOMINEE_LEFT, true,
		  "As the Cluster Education Partner the cluster chose can no longer serve, the "
		  "local authority has identified Dr Alan Brown as the cluster's Cluster Education "
		  "Partner.", "can no longer serve, the local authority has identified Dr Alan Brown" },
		{ N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_AWAITING_NOMINEE, false,
		  "The cluster has chosen to recruit its own Cluster Education Partner: please let "
		  "us know who by 1 October 2013. They must be on the accredited list and attend "
		  "all the training.", "please let us know who by 1 October 2013." },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		N2gg__V1__Allocation al = allocation();
		al.urn = 0;
		al.role = N2GG__V1__ROLE__ROLE_CEP;
		al.school_name = "";
		al.cep_choice_state = cases[i].state;
		al.cep_choice_deadline = "2013-10-01";
		al.pinned = cases[i].state == N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED;
		al.reason = al.pinned ? "the cluster's own choice (Choice A), recorded by j.smith"
				      : "optimal: the least cost for the whole plan";
		if (!cases[i].served) {
			al.partner_id = "";
			al.partner_name = "";
			al.reason = "the cluster is recruiting its own CEP (Choice A) until its deadline";
		}
		N2gg__V1__AllocationChanged ae = N2GG__V1__ALLOCATION_CHANGED__INIT;
		ae.allocation = &al;
		ae.previous_partner_id = cases[i].served ? "" : "p-3";
		json_t *d = notice_data_allocation(&l, NULL, &cluster, &ae);
		assert_string_equal(jstr(d, "allocation.choice_words"), cases[i].words);
		struct notice_rendered out = render(fx, ALLOCATION, d, &chair);
		assert_contains(out.text, cases[i].words);
		assert_contains(out.html, cases[i].in_html);
		/* nothing that would contradict it, nor anything internal */
		const char *never[] = { "has chosen this partner for you", "Partners are matched",
					"Choice A", "CEP_CHOICE", "p-17", "p-3", "j.smith",
					"optimal", "2013-10-01" };
		for (size_t k = 0; k < sizeof never / sizeof *never; k++)
			if (strstr(out.text, never[k]) || strstr(out.html, never[k])) {
				print_error("case %zu: the letter shows \"%s\"\n", i, never[k]);
				fail();
			}
	}

	/* a school's partner, or a cluster that made no choice: no such words */
	N2gg__V1__Allocation al = allocation();
	N2gg__V1__AllocationChanged ae = N2GG__V1__ALLOCATION_CHANGED__INIT;
	ae.allocation = &al;
	al.cep_choice_state = N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED;
	json_t *d = notice_data_allocation(&l, NULL, &cluster, &ae);
	assert_string_equal(jstr(d, "allocation.choice_words"), "");
	json_decref(d);
	al.urn = 0;
	al.role = N2GG__V1__ROLE__ROLE_CEP;
	al.cep_choice_state = N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NONE;
	d = notice_data_allocation(&l, NULL, &cluster, &ae);
	assert_string_equal(jstr(d, "allocation.choice_words"), "");
	json_decref(d);
}

static void test_visit_schedule(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__Visit a = N2GG__V1__VISIT__INIT, b = N2GG__V1__VISIT__INIT;
	a.date = "2013-12-03";
	a.kind = "annual_conversation";
	a.partner_id = "p-17";
	a.partner_name = "Dr Alan Brown";
	a.partner_email = "alan.brown@example.org";
	a.half_term = 2;
	b.date = "2014-02-04";
	b.kind = "monitoring";
	b.partner_id = "p-17";
	b.partner_name = "Dr Alan Brown";
	b.partner_email = "alan.brown@example.org";
	b.half_term = 3;
	N2gg__V1__Visit *visits[] = { &a, &b };
	N2gg__V1__Recipient rec = head();
	json_t *d = notice_data_visits(&l, &school, visits, 2);
	assert_int_equal(json_integer_value(json_object_get(d, "visit_count")), 2);
	json_t *first = json_array_get(json_object_get(d, "visits"), 0);
	assert_string_equal(jstr(first, "date"), "Tuesday 3 December 2013");
	assert_string_equal(jstr(first, "kind"), "Annual conversation");
	assert_string_equal(jstr(first, "partner"), "Dr Alan Brown");
	assert_int_equal(json_array_size(json_object_get(d, "partners")), 1);   /* once */
	assert_string_equal(jstr(first, "half_term"), "Autumn 2");
	struct notice_rendered out = render(fx, VISITS, d, &rec);
	assert_string_equal(out.subject, "Aylsham Primary School: dates of partner visits");
	assert_contains(out.text, "Visits planned: 2\n"
				  "  - Tuesday 3 December 2013: Annual conversation (Autumn 2 "
				  "half-term), with Dr Alan Brown\n"
				  "  - Tuesday 4 February 2014: Monitoring visit (Spring 1 "
				  "half-term), with Dr Alan Brown\n"
				  "\nTo reach Dr Alan Brown: email alan.brown@example.org.\n");
	assert_null(strstr(out.text, "p-17"));
	assert_contains(out.html, "<a href=\"mailto:alan.brown@example.org\">");
	assert_contains(out.html, "<td style=\"padding: 2px 1em 2px 0;\">Tuesday 4 February "
				  "2014</td><td style=\"padding: 2px 1em 2px 0;\">Monitoring "
				  "visit</td>");
	assert_null(strstr(out.text, "no partner visits planned"));

	out = render(fx, VISITS, notice_data_visits(&l, &school, NULL, 0), &rec);
	assert_contains(out.text, "Visits planned: 0\nThere are no partner visits planned");
}

/* Nothing of the system's own: ids of visits and partners, who keyed the report in, the
 * scale's enum names. */
static void assert_humane(const struct notice_rendered *out)
{
	const char *internal[] = { "p-17", "j.smith", "121234-2014", "PROGRESS_", "annual_conversation",
				   "monitoring-2", "visit_id" };
	for (size_t i = 0; i < sizeof internal / sizeof *internal; i++) {
		if (strstr(out->subject, internal[i]) || strstr(out->text, internal[i]) ||
		    (out->html && strstr(out->html, internal[i]))) {
			print_error("the letter shows \"%s\"\n", internal[i]);
			fail();
		}
	}
}

static void test_visit_report_letter(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__Recipient rec = head();
	struct report_fixture f;
	report_event(&f, false);
	json_t *d = notice_data_visit_report(&l, &school, &f.ev, false);
	assert_string_equal(jstr(d, "report.date_held"), "Wednesday 13 November 2013");
	assert_string_equal(jstr(d, "report.progress"), "some");
	assert_true(json_is_false(jget(d, "report.annual")));
	assert_true(json_is_false(jget(d, "report.has_signposting")));
	struct notice_rendered out = render(fx, VISIT_REPORT, d, &rec);
	assert_string_equal(out.subject, "Aylsham Primary School: report of your partner's visit on "
					 "Wednesday 13 November 2013");
	assert_contains(out.text, "Dear Mrs Jane Smith,");
	assert_contains(out.text, "Thank you for welcoming Rachel Dawson to the school on Wednesday "
				  "13 November 2013\nfor the Autumn 2 monitoring visit.");
	assert_contains(out.text, "Taking part:\n  - Mrs Jane Smith (headteacher)\n"
				  "  - Mr Tom Reed (chair of governors)\n");
	assert_contains(out.text, "improvement plan to be some: there is progress in some of the "
				  "plan's priorities");
	assert_contains(out.text, "Priorities for improvement\n  - Raise attainment in Year 6 "
				  "writing.\n");
	assert_contains(out.text, "What was agreed\n  - The head will share");
	assert_contains(out.text, "The next visit will focus on: Year 6 writing books\n");
	assert_contains(out.text, "To talk to Rachel Dawson about the visit or what was agreed:\n"
				  "  Email:      rachel.dawson@example.org\n"
				  "  Telephone:  01603 555 010\n");
	assert_contains(out.html, "<a href=\"mailto:rachel.dawson@example.org\">");
	assert_null(strstr(out.text, "self-evaluation"));
	assert_null(strstr(out.text, "replaces the one"));
	assert_humane(&out);

	/* the annual conversation, corrected after its first letter went */
	report_event(&f, true);
	out = render(fx, VISIT_REPORT, notice_data_visit_report(&l, &school, &f.ev, true), &rec);
	assert_string_equal(out.subject, "Aylsham Primary School: your annual conversation on "
					 "Wednesday 13 November 2013 (corrected)");
	assert_contains(out.text, "This letter replaces the one we sent you about this visit");
	assert_contains(out.text, "for the school's annual conversation");
	assert_contains(out.text, "The school's self-evaluation\n\nThe school's judgement of good");
	assert_contains(out.text, "Norfolk Services that can help\n  - Norfolk Governor Services");
	assert_humane(&out);

	/* not held: the reason, no judgement; no contact known: no contact paragraph */
	report_event(&f, false);
	f.report.held = false;
	f.report.date_held = "";
	f.report.n_attended = f.report.n_strengths = f.report.n_priorities = 0;
	f.report.progress = N2GG__V1__VISIT_PROGRESS__PROGRESS_UNKNOWN;
	f.report.not_held_reason = "The school was closed by snow.";
	f.report.n_agreed_actions = 0;
	f.ev.partner_email = f.ev.partner_phone = "";
	out = render(fx, VISIT_REPORT, notice_data_visit_report(&l, &school, &f.ev, false), &rec);
	assert_string_equal(out.subject, "Aylsham Primary School: report of your partner's visit "
					 "that did not take place");
	assert_contains(out.text, "The visit Rachel Dawson planned to make to the school on\n"
				  "Tuesday 12 November 2013 did not take place. The reason recorded:\n"
				  "The school was closed by snow.\n");
	assert_null(strstr(out.text, "judged"));
	assert_null(strstr(out.text, "What was agreed"));
	assert_null(strstr(out.text, "To talk to"));
	assert_humane(&out);
}

static void test_mi_sheet(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__MiSheet sheet = mi_sheet();
	N2gg__V1__Recipient rec = head();
	json_t *d = notice_data_mi(&l, &school, NULL, &sheet, NOTICE_MI_ISSUED);
	assert_string_equal(jstr(d, "mi.type"), "Action");
	assert_true(json_is_true(jget(d, "mi.action")));
	assert_true(json_is_false(jget(d, "mi.reminder")));
	assert_string_equal(jstr(d, "mi.complete_by"), "6 December 2013");
	assert_string_equal(jstr(d, "mi.publication_date"), "15 November 2013");
	struct notice_rendered out = render(fx, MI_SHEET, d, &rec);
	assert_string_equal(out.subject, "MI 013/13 (Action): Pupil premium return");
	assert_contains(out.text, "MANAGEMENT INFORMATION SHEET\n");
	assert_contains(out.text,
			"MI Number:           013/13\n"
			"Type:                Action\n"
			"To Be Completed By:  6 December 2013\n"
			"Publication Date:    15 November 2013\n"
			"LA Contact:          Sarah Jones, telephone 01603 223344\n"
			"To:                  Headteacher, Aylsham Primary School\n");
	assert_contains(out.text, "Pupil premium return\n\nPlease return the attached form.\n"
				  "Thank you.\n");
	assert_contains(out.text, "Links:\n  https://www.schools.norfolk.gov.uk/mi/013-13.pdf\n");
	assert_contains(out.text, "This is an Action sheet.");
	assert_null(strstr(out.text, "not yet received"));
	assert_contains(out.html,
			"<li><a href=\"https://www.schools.norfolk.gov.uk/mi/013-13.pdf\">");

	/* an Information sheet: nothing to complete, no links */
	sheet.type = N2GG__V1__MI_TYPE__MI_INFORMATION;
	sheet.complete_by = "";
	sheet.n_links = 0;
	out = render(fx, MI_SHEET, notice_data_mi(&l, &school, NULL, &sheet, NOTICE_MI_ISSUED), &rec);
	assert_string_equal(out.subject, "MI 013/13 (Information): Pupil premium return");
	assert_contains(out.text, "To Be Completed By:  Not applicable (for information)\n");
	assert_contains(out.text, "Links:\n  None\n");
	assert_contains(out.text, "This sheet is for information: no response is needed.");
}

static void test_mi_reminder(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	l.date = date_from_ymd(2013, 12, 2);
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__MiSheet sheet = mi_sheet();
	N2gg__V1__Recipient rec = head();
	json_t *d = notice_data_mi(&l, &school, NULL, &sheet, NOTICE_MI_REMINDER);
	assert_true(json_is_true(jget(d, "mi.reminder")));
	struct notice_rendered out = render(fx, MI_REMINDER, d, &rec);
	assert_string_equal(out.subject, "Reminder: MI 013/13 to be completed by 6 December 2013: "
					 "Pupil premium return");
	assert_contains(out.text, "2 December 2013\n\nDear Mrs Jane Smith,");
	assert_contains(out.text, "we have not yet received a response from\nAylsham Primary "
				  "School to Management Information Sheet 013/13, which is\nto be "
				  "completed by 6 December 2013.");
	assert_contains(out.text, "To Be Completed By:  6 December 2013\n");

	/* the sheet's own template says it is a reminder when given a reminder's data */
	out = render(fx, MI_SHEET, notice_data_mi(&l, &school, NULL, &sheet, NOTICE_MI_REMINDER), &rec);
	assert_string_equal(out.subject, "Reminder: MI 013/13 (Action): Pupil premium return");
	assert_contains(out.text, "we have not yet received the school's response");
}

static void test_digest(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	struct notice_digest_item items[] = {
		{ MI_SHEET, "MI 013/13 (Action): Pupil premium return", "MI Number: 013/13\n" },
		{ VISITS, "Aylsham Primary School: dates of partner visits",
		  "Visits planned: 2\n" },
	};
	N2gg__V1__Recipient rec = head();
	json_t *d = notice_data_digest(&l, &school, items, 2);
	assert_int_equal(json_integer_value(json_object_get(d, "item_count")), 2);
	assert_string_equal(jstr(json_array_get(json_object_get(d, "items"), 0), "kind"),
			    "Management Information Sheet");
	struct notice_rendered out = render(fx, DIGEST, d, &rec);
	assert_string_equal(out.subject, "Children's Services daily summary for Aylsham Primary "
					 "School, 15 November 2013");
	assert_contains(out.text, "Notices in this summary: 2\n");
	assert_contains(out.text, "Management Information Sheet: MI 013/13 (Action): Pupil "
				  "premium return\n=====");
	assert_contains(out.text, "\nMI Number: 013/13\n");
	assert_contains(out.text,
			"Visit schedule: Aylsham Primary School: dates of partner visits");
	assert_contains(out.html, "<h2 style=\"font-size: 12pt;\">Visit schedule: Aylsham Primary "
				  "School: dates of partner visits</h2>");
}

/* ---- rendering ---- */

static void test_render_refuses_data_that_is_not_an_object(void **state)
{
	struct fixture *fx = *state;
	N2gg__V1__Recipient rec = head();
	struct notice_rendered out = { 0 };
	struct status st;
	const char *bad[] = { "[]", "\"letter\"", "42", "null", "true", "", "{\"a\":", "{} x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		status_clear(&st);
		if (notice_render(&fx->t, CATEGORY, bad[i], &rec, &fx->a, &out, &st) !=
		    -STATUS_INVALID_ARGUMENT) {
			print_error("accepted '%s'\n", bad[i]);
			fail();
		}
	}
	notice_render(&fx->t, CATEGORY, "[1]", &rec, &fx->a, &out, &st);
	assert_string_equal(st.message,
			    "category_letter: the notice's data is an array, not a JSON object");
	assert_int_equal(notice_render(&fx->t, CATEGORY, NULL, &rec, &fx->a, &out, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_null(out.subject);
	/* a kind outside the catalogue */
	assert_int_equal(notice_render(&fx->t, N2GG__V1__NOTICE_KIND__NOTICE_KIND_UNKNOWN, "{}",
				       &rec, &fx->a, &out, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_int_equal(notice_render(&fx->t, (N2gg__V1__NoticeKind)99, "{}", &rec, &fx->a, &out,
				       &st),
			 -STATUS_INVALID_ARGUMENT);
	/* an object with nothing in it still renders: missing data is blank */
	assert_int_equal(notice_render(&fx->t, VISITS, "{}", &rec, &fx->a, &out, &st), 0);
	assert_string_equal(out.subject, ": dates of partner visits");
}

static void test_render_without_templates(void **state)
{
	struct fixture *fx = *state;
	struct notice_templates none;
	struct status st;
	assert_int_equal(notice_templates_load(&none, NULL, NULL, NULL, &st), 0);
	notice_templates_free(&none);
	notice_templates_free(&none);  /* twice is harmless */
	struct notice_rendered out = { 0 };
	assert_int_equal(notice_render(&none, CATEGORY, "{}", NULL, &fx->a, &out, &st),
			 -STATUS_FAILED_PRECONDITION);
	assert_string_equal(st.message, "category_letter.tmpl: no template loaded");
}

/* The JSON becomes the templates' data as it stands, whatever wrote it. */
static void test_render_takes_json_as_it_stands(void **state)
{
	struct fixture *fx = *state;
	struct notice_templates t;
	memset(&t, 0, sizeof t);
	arena_init(&t.arena);
	const char *file = "Subject: {{school.urn}}|{{school.name}}|{{school.phase}}\n"
			   "--- text ---\n"
			   "{{#visits}}[{{date}}/{{half_term}}/{{partner}}]{{/visits}}"
			   "{{visit_count}}|{{recipient.role}}|{{recipient.name}}|"
			   "{{#cluster.id}}C{{/cluster.id}}{{^cluster.name}}N{{/cluster.name}}\n";
	struct status st;
	assert_int_equal(template_file_parse("t.tmpl", file, strlen(file),
					     notice_kind(VISITS)->vars, &t.arena, &t.files[VISITS],
					     &st),
			 0);
	N2gg__V1__Recipient rec = head();
	rec.role = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CHAIR_OF_GOVERNORS;
	struct notice_rendered out;
	const char *data = "{\"school\":{\"urn\":121234,\"name\":null,\"phase\":-0.125},"
			   "\"visits\":[{\"date\":2.5,\"half_term\":1e3,\"partner\":true},null,"
			   "{\"date\":\"d\",\"half_term\":false}],"
			   "\"visit_count\":-7,\"cluster\":{\"id\":\"x\",\"name\":\"\"},"
			   "\"recipient\":{\"name\":\"Someone Else\",\"role\":\"Pupil\"}}";
	assert_int_equal(notice_render(&t, VISITS, data, &rec, &fx->a, &out, &st), 0);
	assert_string_equal(out.subject, "121234||-0.125");
	/* null items are missing, bools render as the template language says */
	assert_string_equal(out.text, "[2.5/1000/true][d/false/]-7|Chair of Governors|"
				      "Mrs Jane Smith|CN\n");
	assert_null(out.html);

	/* no recipient: none in the letter, whatever the data said */
	assert_int_equal(notice_render(&t, VISITS, data, NULL, &fx->a, &out, &st), 0);
	assert_contains(out.text, "-7|||CN");
	notice_templates_free(&t);

	/* the built-in letters greet a recipient with no name by role, or generally */
	rec = head();
	rec.name = "";
	out = render(fx, VISITS, json_loads("{}", 0, NULL), &rec);
	assert_contains(out.text, "Dear Headteacher,");
	out = render(fx, VISITS, json_loads("{}", 0, NULL), NULL);
	assert_contains(out.text, "Dear Sir or Madam,");
}

static void test_builders_keep_bad_utf8_readable(void **state)
{
	struct fixture *fx = *state;
	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Caf\xe9 \xc3\xa9 Academy");
	N2gg__V1__Visit *none[1] = { NULL };
	N2gg__V1__Recipient rec = head();
	json_t *d = notice_data_visits(&l, &school, none, 0);
	assert_string_equal(jstr(d, "school.name"), "Caf\xef\xbf\xbd \xc3\xa9 Academy");
	struct notice_rendered out = render(fx, VISITS, d, &rec);
	assert_string_equal(out.subject,
			    "Caf\xef\xbf\xbd \xc3\xa9 Academy: dates of partner visits");
}

/* ---- loading a template directory ---- */

struct reports {
	int count;
	char file[16][600];
	char message[16][600];
};

static void collect(void *ctx, const char *file, const char *message)
{
	struct reports *r = ctx;
	if (r->count < 16) {
		snprintf(r->file[r->count], sizeof r->file[0], "%s", file);
		snprintf(r->message[r->count], sizeof r->message[0], "%s", message);
	}
	r->count++;
}

static bool reported(const struct reports *r, const char *needle)
{
	for (int i = 0; i < r->count && i < 16; i++)
		if (strstr(r->message[i], needle))
			return true;
	return false;
}

static char *make_dir(void)
{
	char *dir = strdup("/tmp/n2gg-test-notice-XXXXXX");
	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void remove_dir(char *dir)
{
	const char *names[] = { "category_letter.tmpl", "allocation_letter.tmpl",
				"visit_schedule.tmpl", "mi_sheet.tmpl", "mi_reminder.tmpl",
				"digest.tmpl", "visit_report.tmpl", "mi_correction.tmpl", "categroy_letter.tmpl",
				"README" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	free(dir);
}

/* The built-in letters show none of the programme's internal identifiers; a local
 * template that shows the rule's id, a cluster's code or the previous partner's reference
 * is reported once a letter and identifier. */
static void test_lint_finds_internal_identifiers(void **state)
{
	struct fixture *fx = *state;
	struct reports r = { 0 };
	assert_int_equal(notice_lint(&fx->t, collect, &r), 0);
	assert_int_equal(r.count, 0);

	char *dir = make_dir();
	const char *category = "Subject: {{school.name}}\n"
			       "--- text ---\n"
			       "Rule {{category.rule}}, cluster {{school.cluster}}.\n";
	const char *allocation = "Subject: {{allocation.role}} (was {{allocation.previous_partner}})\n"
				 "--- text ---\n"
				 "{{allocation.partner.name}}\n";
	write_file(dir, "category_letter.tmpl", category, strlen(category));
	write_file(dir, "allocation_letter.tmpl", allocation, strlen(allocation));
	struct notice_templates t;
	struct status st;
	status_clear(&st);
	assert_int_equal(notice_templates_load(&t, dir, NULL, NULL, &st), 0);
	assert_int_equal(notice_lint(&t, collect, &r), 3);
	assert_int_equal(r.count, 3);
	assert_true(reported(&r, "category_letter.tmpl: the Category letter shows a policy "
				 "rule's id (\"r-override-n2gg\")"));
	assert_true(reported(&r, "shows a cluster's code (\"C926-28\")"));
	assert_true(reported(&r, "allocation_letter.tmpl: the Partner allocation shows a "
				 "partner's reference (\"P017\")"));
	notice_templates_free(&t);
	remove_dir(dir);
}

static void test_load_dir_refuses_bad_templates_reporting_each(void **state)
{
	(void)state;
	char *dir = make_dir();
	const char *category = "# a local copy\n"
			       "Subject: {{school.name}}\n"
			       "--- text ---\n"
			       "Dear {{recipient.name}},\n"
			       "Your school, {{school.nmae}}, ...\n";
	const char *allocation = "Subject: {{allocation.role}}\n"
				 "--- text ---\n"
				 "{{#allocation.has_partner}}\n"
				 "{{allocation.partner.name}}\n";
	const char *digest = "Subject: {{category.letter}}\n--- text ---\nx\n";
	write_file(dir, "category_letter.tmpl", category, strlen(category));
	write_file(dir, "allocation_letter.tmpl", allocation, strlen(allocation));
	write_file(dir, "digest.tmpl", digest, strlen(digest));

	struct notice_templates t;
	struct reports r = { 0 };
	struct status st;
	status_clear(&st);
	assert_int_equal(notice_templates_load(&t, dir, collect, &r, &st),
			 -STATUS_INVALID_ARGUMENT);
	char want[1024];
	snprintf(want, sizeof want, "%s/category_letter.tmpl:5: unknown variable 'school.nmae'",
		 dir);
	assert_string_equal(st.message, want);
	/* three problems and five notes, each naming its file */
	assert_int_equal(r.count, 8);
	assert_string_equal(r.message[0], want);
	snprintf(want, sizeof want, "%s/category_letter.tmpl", dir);
	assert_string_equal(r.file[0], want);
	snprintf(want, sizeof want,
		 "%s/allocation_letter.tmpl:3: section 'allocation.has_partner' is not closed",
		 dir);
	assert_string_equal(r.message[1], want);
	snprintf(want, sizeof want,
		 "%s/visit_schedule.tmpl: not found, the built-in template is used", dir);
	assert_string_equal(r.message[2], want);
	assert_true(reported(&r, "mi_sheet.tmpl: not found"));
	assert_true(reported(&r, "mi_reminder.tmpl: not found"));
	snprintf(want, sizeof want, "%s/digest.tmpl:1: unknown variable 'category.letter'", dir);
	assert_true(reported(&r, "visit_report.tmpl: not found"));
	assert_string_equal(r.message[5], want);
	/* nothing is half loaded */
	for (int k = 0; k < NOTICE_KIND_COUNT; k++)
		assert_null(t.files[k].text);
	assert_string_equal(t.dir, "");
	notice_templates_free(&t);

	/* no callback: the first problem still comes back */
	status_clear(&st);
	assert_int_equal(notice_templates_load(&t, dir, NULL, NULL, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "category_letter.tmpl:5: unknown variable 'school.nmae'");
	notice_templates_free(&t);
	remove_dir(dir);
}

static void test_load_dir_with_missing_files_uses_builtins(void **state)
{
	struct fixture *fx = *state;
	char *dir = make_dir();
	const char *category = "Subject: Local: {{school.name}} is {{category.letter}}\n"
			       "--- text ---\n"
			       "Dear {{recipient.name}}, category {{category.letter}}.\n";
	write_file(dir, "category_letter.tmpl", category, strlen(category));
	write_file(dir, "categroy_letter.tmpl", category, strlen(category));
	write_file(dir, "README", "not a template", 14);

	struct notice_templates t;
	struct reports r = { 0 };
	struct status st;
	status_clear(&st);
	assert_int_equal(notice_templates_load(&t, dir, collect, &r, &st), 0);
	assert_string_equal(t.dir, dir);
	assert_int_equal(r.count, 8);  /* seven built-in, one misspelt name */
	char want[1024];
	snprintf(want, sizeof want, "%s/categroy_letter.tmpl: not the template of any notice kind, "
				    "ignored", dir);
	assert_true(reported(&r, want));
	snprintf(want, sizeof want, "%s/digest.tmpl: not found, the built-in template is used",
		 dir);
	assert_true(reported(&r, want));
	assert_false(reported(&r, "category_letter.tmpl: not found"));

	struct notice_letterhead l = lh();
	N2gg__V1__NotifierSchool school = school_named("Aylsham Primary School");
	N2gg__V1__CategoryChanged e = category_change(NULL, 0);
	json_t *d = notice_data_category(&l, &school, &e);
	char *json = json_dumps(d, 0);
	json_decref(d);
	N2gg__V1__Recipient rec = head();
	struct notice_rendered out;
	assert_int_equal(notice_render(&t, CATEGORY, json, &rec, &fx->a, &out, &st), 0);
	free(json);
	assert_string_equal(out.subject, "Local: Aylsham Primary School is B");
	assert_string_equal(out.text, "Dear Mrs Jane Smith, category B.\n");
	assert_null(out.html);
	/* the built-in for the rest */
	assert_int_equal(notice_render(&t, VISITS, "{}", &rec, &fx->a, &out, &st), 0);
	assert_contains(out.text, "Dear Mrs Jane Smith,");
	notice_templates_free(&t);
	remove_dir(dir);
}

static void test_load_dir_that_cannot_be_read(void **state)
{
	(void)state;
	struct notice_templates t;
	struct reports r = { 0 };
	struct status st;
	status_clear(&st);
	assert_int_equal(notice_templates_load(&t, "/nonexistent/n2gg/templates", collect, &r, &st),
			 -STATUS_NOT_FOUND);
	assert_string_equal(st.message, "/nonexistent/n2gg/templates: cannot open the template "
					"directory: No such file or directory");
	assert_int_equal(r.count, 1);  /* one problem, not one per kind */
	notice_templates_free(&t);

	/* a file that is not text */
	char *dir = make_dir();
	static const char with_nul[] = "Subject: x\n--- text ---\n\0y\n";
	write_file(dir, "mi_sheet.tmpl", with_nul, sizeof with_nul - 1);
	r.count = 0;
	assert_int_equal(notice_templates_load(&t, dir, collect, &r, &st),
			 -STATUS_INVALID_ARGUMENT);
	char want[1024];
	snprintf(want, sizeof want, "%s/mi_sheet.tmpl: holds a NUL byte, not a text file", dir);
	assert_string_equal(st.message, want);
	notice_templates_free(&t);
	remove_dir(dir);

	/* a path too long for the set to keep */
	char long_dir[700];
	memset(long_dir, 'd', sizeof long_dir - 1);
	long_dir[0] = '/';
	long_dir[sizeof long_dir - 1] = '\0';
	assert_int_equal(notice_templates_load(&t, long_dir, NULL, NULL, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "longer than 511 characters");
	notice_templates_free(&t);
}

/* The directory that is installed (share/n2gg/templates) loads as it is, with nothing to
 * note: every kind has its file and there is no stray one. Found from this file's path,
 * which CMake gives in full. */
static void test_load_the_shipped_directory(void **state)
{
	(void)state;
	const char *self = __FILE__;
	const char *tail = strstr(self, "tests/unit/test_notice.c");
	if (self[0] != '/' || !tail)
		skip();
	char dir[1024];
	snprintf(dir, sizeof dir, "%.*sservices/notifier/templates", (int)(tail - self), self);
	struct notice_templates t;
	struct reports r = { 0 };
	struct status st;
	status_clear(&st);
	assert_int_equal(notice_templates_load(&t, dir, collect, &r, &st), 0);
	if (r.count) {
		print_error("noted: %s\n", r.message[0]);
		fail();
	}
	assert_string_equal(t.dir, dir);
	for (int k = 1; k < NOTICE_KIND_COUNT; k++)
		if (notice_kind((N2gg__V1__NoticeKind)k))
			assert_non_null(t.files[k].html);
	notice_templates_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_kind_parse),
		cmocka_unit_test(test_role_titles),
		cmocka_unit_test(test_dates_in_english),
		cmocka_unit_test_setup_teardown(test_builtins_load, setup, teardown),
		cmocka_unit_test(test_builders_write_only_declared_names),
		cmocka_unit_test(test_category_data),
		cmocka_unit_test(test_reason_sentences),
		cmocka_unit_test_setup_teardown(test_category_letter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_category_letter_first_overridden_and_withdrawn,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_escapes_the_school_name_only_in_html,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocation_letter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocation_ended_and_cluster_notice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cep_letter_says_how_the_clusters_choice_came_out,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_visit_schedule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visit_report_letter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mi_sheet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mi_reminder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_refuses_data_that_is_not_an_object,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_without_templates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_takes_json_as_it_stands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_builders_keep_bad_utf8_readable, setup,
						teardown),
		cmocka_unit_test(test_load_dir_refuses_bad_templates_reporting_each),
		cmocka_unit_test_setup_teardown(test_lint_finds_internal_identifiers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_dir_with_missing_files_uses_builtins,
						setup, teardown),
		cmocka_unit_test(test_load_dir_that_cannot_be_read),
		cmocka_unit_test(test_load_the_shipped_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
