/* Unit tests of the dashboard's map, cluster, group, partner, MI sheet and status pages: what
 * each shows from plain records — the map's points placed north up with a link each and the
 * unplaced ones in its table, a federation's members, a partner's days against its capacity, its visits as an
 * iCalendar file libical reads back, who has answered an MI sheet and whom to chase, its
 * CSV, the services' lag — and markup in any name or answer written as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <libical/ical.h>
#include <stdio.h>

#include "test_support.h"
#include "form.h"
#include "html.h"
#include "pages.h"
#include "view.h"

#define EVIL "<script>alert(\"x\")</script>&'"
#define EVIL_ESCAPED "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"

static const struct page_user officer = {"olive", N2GG__V1__DASHBOARD_ROLE__DASHBOARD_OFFICER,
					 "", "c0ffee"};

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static struct view_school line(uint32_t urn, const char *name, const char *category,
			       int32_t easting, int32_t northing)
{
	struct view_school v = {.urn = urn, .name = name, .town = "Norwich", .postcode = "",
				.cluster_id = "C12", .cluster_name = "Wymondham", .category = category,
				.ofsted_date = "", .easting = easting, .northing = northing};
	return v;
}

static void test_map(void **state)
{
	(void)state;
	struct view_school west = line(100001, EVIL, "C", 600000, 300000),
			   east = line(100002, "East Primary", "", 640000, 300000),
			   nowhere = line(100003, "Nowhere Primary", "A", 0, 0);
	const struct view_school *list[] = {&west, &east, &nowhere};
	struct page_schools_data d = {.schools = list, .n_schools = 3, .total = 3};
	view_filter_from_form(&d.filter, &(struct form){0});
	struct html h;
	html_init(&h);
	page_map(&h, &officer, &d);
	char *page = html_take(&h, NULL);
	assert_null(strstr(page, "<script>"));
	assert_contains(page, "aria-label=\"" EVIL_ESCAPED ", C\"");
	assert_contains(page, "<title>" EVIL_ESCAPED ": C</title>");
	/* two placed, west to east across the map at the same height; the third in the table */
	assert_int_equal(count(page, "class=\"dash-pin "), 2);
	assert_contains(page, "<a href=\"/schools/100001\" class=\"dash-pin dash-cat-c\"");
	assert_contains(page, "<a href=\"/schools/100002\" class=\"dash-pin dash-cat-none\"");
	assert_null(strstr(page, "/schools/100003\" class=\"dash-pin"));
	double x1, y1, x2, y2;
	const char *c1 = strstr(strstr(page, "/schools/100001\" class"), "<circle");
	const char *c2 = strstr(strstr(page, "/schools/100002\" class"), "<circle");
	assert_int_equal(sscanf(c1, "<circle cx=\"%lf\" cy=\"%lf\"", &x1, &y1), 2);
	assert_int_equal(sscanf(c2, "<circle cx=\"%lf\" cy=\"%lf\"", &x2, &y2), 2);
	assert_true(x1 < 20 && x2 > 620);
	assert_true(y1 == y2);
	assert_contains(page, "3 schools, 2 of them on the map.");
	assert_contains(page, "No: no grid reference on record");
	assert_contains(page, "Category A");   /* the legend */
	free(page);
}

static void test_cluster(void **state)
{
	(void)state;
	N2gg__V1__Contact chair = N2GG__V1__CONTACT__INIT;
	chair.name = EVIL;
	chair.email = "chair@example.org";
	N2gg__V1__Cluster c = N2GG__V1__CLUSTER__INIT;
	c.id = "C12";
	c.name = "Wymondham <High>";
	c.chair = &chair;
	N2gg__V1__Allocation cep = N2GG__V1__ALLOCATION__INIT;
	cep.cluster_id = "C12";
	cep.role = N2GG__V1__ROLE__ROLE_CEP;
	cep.partner_id = "P001";
	cep.partner_name = "Jo <Bloggs>";
	cep.days = 6;
	cep.cep_choice_state = N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED;
	N2gg__V1__ClusterChoice choice = N2GG__V1__CLUSTER_CHOICE__INIT;
	choice.choice = N2GG__V1__CEP_CHOICE__CEP_CHOICE_A;
	choice.nominee_partner_id = "P001";
	choice.deadline = "2013-10-01";
	choice.recorded_by = "olive";
	struct view_school a = line(100001, "Hill Primary", "A", 1, 1),
			   b = line(100002, "Dale Primary", "", 1, 1);
	const struct view_school *list[] = {&a, &b};
	struct page_cluster_data d = {&c, list, 2, &cep, &choice};
	struct html h;
	html_init(&h);
	page_cluster(&h, &officer, &d);
	char *page = html_take(&h, NULL);
	assert_null(strstr(page, "<script>"));
	assert_contains(page, EVIL_ESCAPED);
	assert_contains(page, "mailto:chair@example.org");
	assert_contains(page, "<h1 class=\"govuk-heading-l\">Wymondham &lt;High&gt;</h1>");
	assert_contains(page, "<a class=\"govuk-link\" href=\"/partners/P001\">Jo &lt;Bloggs&gt;</a>");
	assert_contains(page, "Choice A: the cluster&#39;s own CEP");
	assert_contains(page, "Choice A's deadline: 2013-10-01");
	assert_contains(page, "2 schools: 1 in category A; 1 not categorised;");
	assert_contains(page, "href=\"/schools/100002\"");
	free(page);
}

static char *group_page(const struct page_group_data *d)
{
	struct html h;
	html_init(&h);
	page_group(&h, &officer, d);
	return html_take(&h, NULL);
}

static void test_group(void **state)
{
	(void)state;
	N2gg__V1__Group g = N2GG__V1__GROUP__INIT;
	g.id = "FED-1";
	g.kind = N2GG__V1__GROUP_KIND__GROUP_FEDERATION;
	g.name = EVIL;
	g.updated_by = "olive <via dashboard>";
	g.updated_unix_ms = 1384510200000LL;   /* 2013-11-15 10:10 UTC */
	struct view_school hill = line(100001, "Hill <Primary>", "A", 1, 1),
			   dale = line(100002, "Dale Primary", "", 1, 1);
	const struct view_school *members[] = {&hill, &dale};
	struct page_group_data d = {&g, members, 2};
	char *page = group_page(&d);
	assert_null(strstr(page, "<script>"));
	assert_contains(page, "<title>" EVIL_ESCAPED " - Norfolk Schools Dashboard</title>");
	assert_contains(page, "<span class=\"govuk-caption-l\">Federation FED-1</span><h1 "
			      "class=\"govuk-heading-l\">" EVIL_ESCAPED "</h1>");
	assert_contains(page, "By olive &lt;via dashboard&gt; on 2013-11-15 10:10");
	assert_contains(page, "2 schools.");
	/* each member: its page, URN, cluster and category */
	assert_contains(page, "<a class=\"govuk-link\" href=\"/schools/100001\">Hill &lt;Primary&gt;"
			      "</a></td><td class=\"govuk-table__cell\">100001</td>");
	assert_contains(page, "href=\"/schools/100002\"");
	assert_contains(page, "<td class=\"govuk-table__cell\">Wymondham</td>");
	assert_contains(page, ">A</strong>");
	free(page);

	/* a partnership with no name yet and no member */
	g.kind = N2GG__V1__GROUP_KIND__GROUP_PARTNERSHIP;
	g.name = "";
	d.n_schools = 0;
	page = group_page(&d);
	assert_contains(page, "Partnership FED-1</span><h1 class=\"govuk-heading-l\">FED-1</h1>");
	assert_contains(page, "No school is a member yet.");
	assert_null(strstr(page, "<table"));
	free(page);
}

struct partner_fixture {
	N2gg__V1__Partner p;
	N2gg__V1__Allocation school, cluster, other;
	N2gg__V1__Visit v1, v2;
	const N2gg__V1__Allocation *als[3];
	const N2gg__V1__Visit *visits[2];
	bool reported[2];
};

static void partner_fixture(struct partner_fixture *f)
{
	f->p = (N2gg__V1__Partner)N2GG__V1__PARTNER__INIT;
	f->p.id = "P001";
	f->p.name = "Jo <b>Bloggs</b>";
	f->p.capacity_days = 10;
	f->p.active = true;
	f->school = f->cluster = f->other = (N2gg__V1__Allocation)N2GG__V1__ALLOCATION__INIT;
	f->school.urn = 100001;
	f->school.school_name = EVIL;
	f->school.partner_id = "P001";
	f->school.role = N2GG__V1__ROLE__ROLE_SIP;
	f->school.days = 4;
	f->cluster.cluster_id = "C12";
	f->cluster.partner_id = "P001";
	f->cluster.role = N2GG__V1__ROLE__ROLE_CEP;
	f->cluster.days = 8;
	f->other.urn = 100002;
	f->other.partner_id = "P002";
	f->other.days = 30;
	f->als[0] = &f->school;
	f->als[1] = &f->cluster;
	f->als[2] = &f->other;
	f->v1 = f->v2 = (N2gg__V1__Visit)N2GG__V1__VISIT__INIT;
	f->v1.urn = f->v2.urn = 100001;
	f->v1.school_name = f->v2.school_name = EVIL;
	f->v1.partner_id = f->v2.partner_id = "P001";
	f->v1.year = f->v2.year = 2014;
	f->v1.date = "2013-10-02";
	f->v1.kind = "annual_conversation";
	f->v1.half_term = 1;
	f->v2.date = "2013-11-20";
	f->v2.kind = "monitoring";
	f->v2.half_term = 2;
	f->visits[0] = &f->v1;
	f->visits[1] = &f->v2;
	f->reported[0] = true;
	f->reported[1] = false;
}

static void test_partner_days_and_page(void **state)
{
	(void)state;
	struct partner_fixture f;
	partner_fixture(&f);
	struct view_partner_days days;
	view_partner_days(&days, &f.p, "P001", f.als, 3);
	assert_int_equal(days.allocated, 12);
	assert_int_equal(days.over, 2);
	assert_int_equal(days.free, 0);
	assert_int_equal(days.schools, 1);
	assert_int_equal(days.clusters, 1);
	f.p.capacity_days = 20;
	view_partner_days(&days, &f.p, "P001", f.als, 3);
	assert_int_equal(days.free, 8);
	assert_int_equal(days.over, 0);
	view_partner_days(&days, NULL, "P001", f.als, 3);   /* no partner.changed heard */
	assert_int_equal(days.capacity, 0);
	assert_int_equal(days.over, 0);

	const N2gg__V1__Allocation *mine[] = {&f.school, &f.cluster};
	struct page_partner_data d = {"P001", f.p.name, "jo@example.org", "01603 000000", &f.p,
				      {0}, mine, 2, f.visits, f.reported, 2};
	view_partner_days(&d.days, &f.p, "P001", mine, 2);
	struct html h;
	html_init(&h);
	page_partner(&h, &officer, &d);
	char *page = html_take(&h, NULL);
	assert_null(strstr(page, "<script>"));
	assert_null(strstr(page, "<b>"));
	assert_contains(page, "Jo &lt;b&gt;Bloggs&lt;/b&gt;");
	assert_contains(page, "12 of 20 allocated, 8 free");
	assert_contains(page, "<a class=\"govuk-link\" href=\"/schools/100001\">" EVIL_ESCAPED "</a>");
	assert_contains(page, "href=\"/clusters/C12\">Cluster C12</a>");
	assert_contains(page, "October 2013");
	assert_contains(page, "November 2013");
	assert_contains(page, "href=\"/partners/P001.ics\"");
	free(page);

	struct page_partner_line lines[] = {{"P001", f.p.name, true, days, 2},
					    {"P002", "", false, {0}, 0}};
	page_partners(&h, &officer, lines, 2);
	page = html_take(&h, NULL);
	assert_contains(page, "Jo &lt;b&gt;Bloggs&lt;/b&gt;");
	assert_contains(page, ">P002</a> (has left)");
	assert_contains(page, "0 allocated; capacity not known");
	free(page);
}

static void test_partner_ics(void **state)
{
	(void)state;
	struct partner_fixture f;
	partner_fixture(&f);
	struct page_partner_data d = {"P001", f.p.name, "", "", &f.p, {0}, NULL, 0, f.visits,
				      f.reported, 2};
	struct html h;
	html_init(&h);
	assert_int_equal(page_partner_ics(&h, &d, 1384500000000LL), 0);
	char *ics = html_take(&h, NULL);
	icalcomponent *cal = icalparser_parse_string(ics);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 2);
	icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	/* the scheduler's UIDs; an all-day event; the name as it is (iCalendar is not HTML) */
	assert_string_equal(icalcomponent_get_uid(ev), "visit-100001-2014-annual-1@n2gg");
	struct icaltimetype start = icalcomponent_get_dtstart(ev);
	assert_true(start.is_date);
	assert_int_equal(start.year * 10000 + start.month * 100 + start.day, 20131002);
	assert_string_equal(icalcomponent_get_summary(ev), "Annual conversation: " EVIL);
	ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_uid(ev), "visit-100001-2014-monitoring-2@n2gg");
	icalcomponent_free(cal);
	free(ics);
}

static void test_mi(void **state)
{
	(void)state;
	N2gg__V1__MiQuestion q1 = N2GG__V1__MI_QUESTION__INIT, q2 = N2GG__V1__MI_QUESTION__INIT;
	q1.number = 1;
	q1.text = "Tutoring?";
	char *options[] = {"Yes", "No"};
	q1.options = options;
	q1.n_options = 2;
	q2.number = 2;
	q2.text = "What <else>?";
	N2gg__V1__MiQuestion *qs[] = {&q1, &q2};
	N2gg__V1__MiSheet sheet = N2GG__V1__MI_SHEET__INIT;
	sheet.number = "001/13";
	sheet.type = N2GG__V1__MI_TYPE__MI_ACTION;
	sheet.title = "Pupil <Premium>";
	sheet.questions = qs;
	sheet.n_questions = 2;
	N2gg__V1__MiAnswer a1 = N2GG__V1__MI_ANSWER__INIT, a2 = N2GG__V1__MI_ANSWER__INIT;
	a1.question = 1;
	a1.answer = "Yes";
	a2.question = 2;
	a2.answer = "=HYPERLINK(\"x\") <b>";
	N2gg__V1__MiAnswer *answers[] = {&a1, &a2};
	N2gg__V1__MiResponse r = N2GG__V1__MI_RESPONSE__INIT;
	r.urn = 100001;
	r.respondent = "A. Head";
	r.answers = answers;
	r.n_answers = 2;
	N2gg__V1__Contact head = N2GG__V1__CONTACT__INIT;
	head.name = EVIL;
	head.email = "head@example.org";
	head.phone = "01603 111111";
	struct page_mi_party parties[] = {
		{100002, "C12", "Dale <Primary>", &head, NULL, NULL},
		{100001, "C12", "Hill Primary", NULL, NULL, &r}};
	struct page_mi_data d = {&sheet, parties, 2, 1};
	struct html h;
	html_init(&h);
	page_mi(&h, &officer, &d);
	char *page = html_take(&h, NULL);
	assert_null(strstr(page, "<script>"));
	assert_null(strstr(page, "<b>"));
	assert_contains(page, "1 of 2 have answered");
	assert_contains(page, EVIL_ESCAPED "<br><a class=\"govuk-link\" href=\"mailto:head@example.org\">");
	assert_contains(page, "01603 111111");
	assert_contains(page, "<li>Yes: 1</li><li>No: 0</li>");
	assert_contains(page, "<li>Hill Primary: =HYPERLINK(&quot;x&quot;) &lt;b&gt;</li>");
	assert_contains(page, "href=\"/mi/001/13.csv\"");
	free(page);

	page_mi_csv(&h, &d);
	char *csv = html_take(&h, NULL);
	assert_string_equal(csv, "URN,School or cluster,Cluster,Answered,Respondent,Answered at,Note,"
				 "1. Tutoring?,2. What <else>?\r\n"
				 "100002,Dale <Primary>,C12,no,,,,,\r\n"
				 "100001,Hill Primary,C12,yes,A. Head,,,Yes,"
				 "\"'=HYPERLINK(\"\"x\"\") <b>\"\r\n");
	free(csv);

	struct page_mi_line lines[] = {{&sheet, 2, 1}};
	page_mi_list(&h, &officer, lines, 1);
	page = html_take(&h, NULL);
	assert_contains(page, "<a class=\"govuk-link\" href=\"/mi/001/13\">001/13</a>");
	assert_contains(page, "Pupil &lt;Premium&gt;");
	assert_contains(page, "1 of 2");
	free(page);
}

static void test_status(void **state)
{
	(void)state;
	const char *why[] = {"registry: 7 events behind <more>"};
	struct page_upstream up[] = {
		{"registry", "0123abcd", "7 events behind <more>", 10, 17, 1000},
		{"notifier", "", "", 0, 0, 0}};
	struct page_status_data d = {"1.2.3", "feedface", 5, 1000, 6000, why, 1, up, 2};
	struct html h;
	html_init(&h);
	page_status(&h, &officer, &d);
	char *page = html_take(&h, NULL);
	assert_contains(page, "Not ready</strong> The dashboard is behind");
	assert_contains(page, "<li>registry: 7 events behind &lt;more&gt;</li>");
	assert_contains(page, ">registry</th>");
	assert_contains(page, "Not ready</strong> 7 events behind &lt;more&gt;");
	/* applied, heard of, lag */
	assert_contains(page, ">10</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">17"
			      "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">7</td>");
	assert_contains(page, "5 seconds ago");
	assert_contains(page, "<code>0123abcd</code>");
	assert_contains(page, "Never");
	assert_contains(page, "not heard yet");
	assert_contains(page, "5 events, identity <code>feedface</code>");
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_cluster),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_partner_days_and_page),
		cmocka_unit_test(test_partner_ics),
		cmocka_unit_test(test_mi),
		cmocka_unit_test(test_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
