/* Unit tests of the dashboard's pure web parts: escaping (text, attributes, CSV cells a
 * spreadsheet would run), forms as browsers send them, sessions' timeouts and CSRF tokens,
 * the sign-in rate limits, the schools list's filters and search, a letter's state from its
 * deliveries, half-terms and overdue reports, the schools' stored lines and the list's
 * pages, and whole pages — a school whose name, contacts, category reasons, visit report and
 * federation hold HTML, rendered as text, its federation and partnership linked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>

#include "test_support.h"
#include "date.h"
#include "form.h"
#include "html.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "pages.h"
#include "session.h"
#include "summary.h"
#include "view.h"

#define EVIL "<script>alert(\"x\")</script>&'"
#define EVIL_ESCAPED "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"

static char *take(struct html *h)
{
	return html_take(h, NULL);
}

static void test_html_escaping(void **state)
{
	(void)state;
	struct html h;
	html_init(&h);
	html_fmt(&h, "<p title=\"%s\">%s %r %u %05.1f %zu %lld %%</p>", EVIL, EVIL, "<br>", 7u, 2.25,
		 (size_t)3, -4LL);
	char *out = take(&h);
	assert_string_equal(out, "<p title=\"" EVIL_ESCAPED "\">" EVIL_ESCAPED
				 " <br> 7 002.2 3 -4 %</p>");
	free(out);
	html_text(&h, NULL);
	html_fmt(&h, "%s", (const char *)NULL);
	out = take(&h);
	assert_string_equal(out, "");
	free(out);
}

static void test_forms(void **state)
{
	(void)state;
	struct form f = {0};
	const char body[] = "name=Jo+Bloggs&q=a%26b%3Dc&empty=&flag&bad=%ff%fe&nul=a%00b&csrf=x&csrf=y";
	form_parse(&f, body, sizeof body - 1);
	assert_string_equal(form_get(&f, "name"), "Jo Bloggs");
	assert_string_equal(form_get(&f, "q"), "a&b=c");
	assert_string_equal(form_get(&f, "empty"), "");
	assert_true(form_has(&f, "flag"));
	assert_false(form_has(&f, "bad"));      /* not UTF-8: dropped */
	assert_false(form_has(&f, "nul"));      /* a NUL byte: dropped */
	assert_string_equal(form_get(&f, "csrf"), "x");   /* the first of two */
	assert_string_equal(form_get(&f, "absent"), "");
	assert_int_equal(f.dropped, 2);
	form_free(&f);
	/* a % at the end, and too many fields */
	struct html many;
	html_init(&many);
	for (int i = 0; i < FORM_MAX_FIELDS + 5; i++)
		html_fmt(&many, "f%d=%d&", i, i);
	html_str(&many, "tail=50%");
	form_parse(&f, many.data, many.len);
	assert_int_equal(f.count, FORM_MAX_FIELDS);
	assert_int_equal(f.dropped, 6);
	form_free(&f);
	html_free(&many);
	struct html enc;
	html_init(&enc);
	form_encode(&enc, "a b&c/é");
	assert_string_equal(enc.data, "a%20b%26c%2F%C3%A9");
	html_free(&enc);
}

static void test_sessions(void **state)
{
	(void)state;
	struct session_limits lim = {30 * 60000, 12 * 3600000};
	N2gg__V1__DashboardSession s = N2GG__V1__DASHBOARD_SESSION__INIT;
	s.created_unix_ms = 1000000;
	s.last_seen_unix_ms = 1000000;
	s.csrf_token = "0123abcd";
	assert_int_equal(session_check(&s, &lim, 1000000 + 29 * 60000), SESSION_VALID);
	assert_int_equal(session_check(&s, &lim, 1000000 + 30 * 60000), SESSION_IDLE);
	s.last_seen_unix_ms = 1000000 + 12 * 3600000 - 1000;   /* busy all day */
	assert_int_equal(session_check(&s, &lim, 1000000 + 12 * 3600000), SESSION_TOO_OLD);
	assert_false(session_needs_touch(&s, s.last_seen_unix_ms + 59000));
	assert_true(session_needs_touch(&s, s.last_seen_unix_ms + 60000));
	assert_true(session_csrf_ok(&s, "0123abcd"));
	assert_false(session_csrf_ok(&s, "0123abce"));
	assert_false(session_csrf_ok(&s, "0123abc"));
	assert_false(session_csrf_ok(&s, ""));
	assert_false(session_csrf_ok(NULL, "0123abcd"));
	s.csrf_token = "";
	assert_false(session_csrf_ok(&s, ""));   /* an empty token never matches */
	char id[SESSION_ID_LEN];
	uint8_t raw[SESSION_ID_BYTES];
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = (uint8_t)(i * 37);
	session_hex(raw, sizeof raw, id);
	assert_true(session_id_wellformed(id));
	assert_false(session_id_wellformed("abc"));
	id[3] = 'G';
	assert_false(session_id_wellformed(id));
}

static void test_login_rate_limit(void **state)
{
	(void)state;
	static struct ratelimit r;
	ratelimit_init(&r, 3, 60000);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ratelimit_wait(&r, "user:jo", 1000), 0);
		ratelimit_failed(&r, "user:jo", 1000 + i);
	}
	assert_int_equal(ratelimit_wait(&r, "user:jo", 2000), 60000 - 1000);
	assert_int_equal(ratelimit_wait(&r, "user:other", 2000), 0);
	assert_int_equal(ratelimit_wait(&r, "user:jo", 61000), 0);   /* the window passed */
	ratelimit_reset(&r, "user:jo");
	assert_int_equal(ratelimit_wait(&r, "user:jo", 2000), 0);
	/* a flood of names reuses the oldest slots and never grows */
	for (int i = 0; i < RATELIMIT_SLOTS * 2; i++) {
		char key[32];
		snprintf(key, sizeof key, "user:n%d", i);
		ratelimit_failed(&r, key, 5000 + i);
	}
	ratelimit_failed(&r, "user:n0", 900000);
	assert_int_equal(ratelimit_wait(&r, "user:n0", 900001), 0);
}

static void test_trusted_proxies(void **state)
{
	(void)state;
	struct session_proxies p;
	char bad[64];
	assert_int_equal(session_proxies_parse(" 10.0.0.5, 127.0.0.1 ,192.168.1.2", &p, bad,
					       sizeof bad), 0);
	assert_int_equal(p.n, 3);
	assert_true(session_proxy_trusted(&p, "127.0.0.1"));
	assert_true(session_proxy_trusted(&p, "10.0.0.5"));
	assert_false(session_proxy_trusted(&p, "10.0.0.50"));   /* whole addresses, not prefixes */
	assert_false(session_proxy_trusted(&p, ""));
	assert_int_equal(session_proxies_parse("", &p, bad, sizeof bad), 0);
	assert_int_equal(p.n, 0);
	assert_false(session_proxy_trusted(&p, "127.0.0.1"));
	assert_int_equal(session_proxies_parse("10.0.0.1, proxy.example.org", &p, bad, sizeof bad),
			 -1);
	assert_string_equal(bad, "proxy.example.org");
	assert_int_equal(session_proxies_parse("10.0.0.0/8", &p, bad, sizeof bad), -1);
	assert_int_equal(session_proxies_parse("::1", &p, bad, sizeof bad), -1);
}

static N2gg__V1__School *school(struct arena *a, uint32_t urn, const char *name,
				const char *postcode, const char *cluster)
{
	N2gg__V1__School *s = arena_message(a, &n2gg__v1__school__descriptor);
	N2gg__V1__Address *ad = arena_message(a, &n2gg__v1__address__descriptor);
	ad->postcode = (char *)postcode;
	ad->town = "Norwich";
	s->urn = urn;
	s->name = (char *)name;
	s->address = ad;
	s->cluster_id = (char *)cluster;
	s->phase = N2GG__V1__PHASE__PHASE_PRIMARY;
	s->status = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN;
	return s;
}

static void test_filters_and_search(void **state)
{
	struct arena *a = *state;
	N2gg__V1__CategoryChanged c = N2GG__V1__CATEGORY_CHANGED__INIT;
	c.category = "C";
	struct view_school v;
	view_school_from(&v, school(a, 121234, "Old Buckenham Primary", "NR17 1RH", "C12"), &c);
	view_school_add_partner(&v, a, "P001", "Jo Bloggs");
	view_school_add_partner(&v, a, "P001", "Jo Bloggs");
	assert_int_equal(v.n_partners, 1);
	struct form q = {0};
	struct view_filter f;
	const char *yes[] = {"", "q=buckenham", "q=OLD+BUCK", "q=nr171rh", "q=NR17+1RH", "q=1212",
			     "category=C", "cluster=C12", "phase=2", "ofsted=none", "partner=P001",
			     "q=+", "category=C&cluster=C12&q=primary"};
	const char *no[] = {"q=norwich", "category=none", "category=B", "cluster=C1", "phase=4",
			    "ofsted=2", "partner=P002", "q=99999"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		form_parse(&q, yes[i], strlen(yes[i]));
		view_filter_from_form(&f, &q);
		if (!view_filter_match(&f, &v))
			fail_msg("%s should match", yes[i]);
		form_free(&q);
	}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		form_parse(&q, no[i], strlen(no[i]));
		view_filter_from_form(&f, &q);
		if (view_filter_match(&f, &v))
			fail_msg("%s should not match", no[i]);
		form_free(&q);
	}
	/* the filter comes back as a query for the CSV link */
	form_parse(&q, "q=a%26b&category=C", 18);
	view_filter_from_form(&f, &q);
	struct html h;
	html_init(&h);
	view_filter_query(&f, &h);
	assert_string_equal(h.data, "category=C&q=a%26b");
	html_free(&h);
	form_free(&q);
	/* the export */
	const struct view_school *list[] = {&v};
	view_schools_csv(&h, list, 1);
	assert_string_equal(h.data, "URN,Name,Town,Postcode,Phase,Cluster,Category,Ofsted,Ofsted date,"
				    "Partners\r\n121234,Old Buckenham Primary,Norwich,NR17 1RH,Primary,"
				    "C12,C,,,Jo Bloggs\r\n");
	html_free(&h);
}

static void test_letters_dates_overdue(void **state)
{
	(void)state;
	N2gg__V1__Delivery sent = N2GG__V1__DELIVERY__INIT, pending = N2GG__V1__DELIVERY__INIT,
			   dead = N2GG__V1__DELIVERY__INIT, gone = N2GG__V1__DELIVERY__INIT;
	sent.state = N2GG__V1__DELIVERY_STATE__DELIVERY_SENT;
	pending.state = N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING;
	dead.state = N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS;
	gone.state = N2GG__V1__DELIVERY_STATE__DELIVERY_WITHDRAWN;
	const N2gg__V1__Delivery *a[] = {&sent, &pending, &dead};
	assert_int_equal(view_letter_state(a, 1), VIEW_LETTER_SENT);
	assert_int_equal(view_letter_state(a, 2), VIEW_LETTER_PENDING);
	assert_int_equal(view_letter_state(a, 3), VIEW_LETTER_UNDELIVERED);
	assert_int_equal(view_letter_state(a, 0), VIEW_LETTER_NO_RECIPIENT);
	const N2gg__V1__Delivery *w[] = {&gone, &gone};
	assert_int_equal(view_letter_state(w, 2), VIEW_LETTER_WITHDRAWN);

	char buf[DATE_ISO_LEN];
	assert_string_equal(date_format(view_half_term_start(date_from_ymd(2013, 11, 15)), buf),
			    "2013-10-28");
	assert_string_equal(date_format(view_half_term_start(date_from_ymd(2014, 1, 20)), buf),
			    "2014-01-01");
	assert_string_equal(date_format(view_half_term_start(date_from_ymd(2014, 8, 20)), buf),
			    "2014-06-01");
	assert_string_equal(date_format(view_half_term_start(date_from_ymd(2013, 9, 1)), buf),
			    "2013-09-01");

	int today = date_from_ymd(2013, 11, 30), over = -1;
	assert_false(view_report_overdue("2013-11-16", false, today, 14, &over));
	assert_true(view_report_overdue("2013-11-15", false, today, 14, &over));
	assert_int_equal(over, 1);
	assert_false(view_report_overdue("2013-11-01", true, today, 14, &over));
	assert_false(view_report_overdue("not a date", false, today, 14, &over));
}

/* A school whose every text field a page shows holds markup. */
static void test_school_page_escapes(void **state)
{
	struct arena *a = *state;
	N2gg__V1__School *s = school(a, 121234, EVIL " Primary", "NR1 <b>", "C12");
	N2gg__V1__Contact head = N2GG__V1__CONTACT__INIT;
	head.name = EVIL;
	head.email = "head@example.org\"><script>";
	s->headteacher = &head;
	s->type_name = "<i>Academy</i>";
	N2gg__V1__Achievement y1 = N2GG__V1__ACHIEVEMENT__INIT, y2 = N2GG__V1__ACHIEVEMENT__INIT;
	y1.year = 2012;
	y1.expected_standard_pct = 61;
	y2.year = 2013;
	y2.expected_standard_pct = 68.5;
	N2gg__V1__Achievement *years[] = {&y1, &y2};
	s->n_achievement = 2;
	s->achievement = years;
	N2gg__V1__Reason reason = N2GG__V1__REASON__INIT;
	reason.text = "<img src=x onerror=alert(1)>";
	N2gg__V1__Reason *reasons[] = {&reason};
	N2gg__V1__CategoryChanged cat = N2GG__V1__CATEGORY_CHANGED__INIT;
	cat.urn = 121234;
	cat.category = "C";
	cat.category_name = "Requires <u>improvement</u>";
	cat.n_reasons = 1;
	cat.reasons = reasons;
	cat.effective_date = "2013-11-15";
	N2gg__V1__Visit v = N2GG__V1__VISIT__INIT;
	v.id = "121234-2014-monitoring-2";
	v.urn = 121234;
	v.date = "2013-10-01";
	v.kind = "monitoring";
	v.partner_id = "P001";
	const N2gg__V1__Visit *visits[] = {&v};
	N2gg__V1__VisitReport r = N2GG__V1__VISIT_REPORT__INIT;
	char *strengths[] = {"Reading <em>improved</em>"};
	r.visit_id = v.id;
	r.visit = &v;
	r.held = true;
	r.date_held = "2013-10-01";
	r.partner_name = "Jo </h3><h1>Bloggs";
	r.progress = N2GG__V1__VISIT_PROGRESS__PROGRESS_GOOD;
	r.n_strengths = 1;
	r.strengths = strengths;
	const N2gg__V1__VisitReport *reports[] = {&r};
	N2gg__V1__Group fed = N2GG__V1__GROUP__INIT, partnership = N2GG__V1__GROUP__INIT;
	fed.id = "F<1>";   /* no id the registry allows: still escaped, and URL-encoded */
	fed.kind = N2GG__V1__GROUP_KIND__GROUP_FEDERATION;
	fed.name = EVIL " Federation";
	partnership.id = "P2";
	partnership.kind = N2GG__V1__GROUP_KIND__GROUP_PARTNERSHIP;
	const N2gg__V1__Group *groups[] = {&fed, &partnership};
	struct page_school_data d = {
		.school = s, .cluster_name = "<Wymondham>", .category = &cat, .visits = visits,
		.n_visits = 1, .reports = reports, .n_reports = 1,
		.today = date_from_ymd(2013, 11, 15), .due_days = 14, .groups = groups,
		.n_groups = 2};
	struct page_user u = {"j.<bloggs>", N2GG__V1__DASHBOARD_ROLE__DASHBOARD_OFFICER, "",
			      "csrf\"token"};
	struct html h;
	html_init(&h);
	page_school(&h, &u, &d, a);
	char *out = take(&h);
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "<img"));
	assert_null(strstr(out, "<u>"));
	assert_null(strstr(out, "<em>"));
	assert_null(strstr(out, "<i>"));
	assert_null(strstr(out, "<Wymondham>"));
	assert_null(strstr(out, "<h1>Bloggs"));
	assert_contains(out, "<h1 class=\"govuk-heading-l\">" EVIL_ESCAPED " Primary</h1>");
	assert_contains(out, "<title>" EVIL_ESCAPED " Primary - Norfolk Schools Dashboard</title>");
	assert_contains(out, "&lt;img src=x onerror=alert(1)&gt;");
	assert_contains(out, "Reading &lt;em&gt;improved&lt;/em&gt;");
	assert_contains(out, "value=\"csrf&quot;token\"");   /* the sign-out form's token */
	assert_contains(out, "j.&lt;bloggs&gt;");
	assert_contains(out, "href=\"mailto:head@example.org&quot;&gt;&lt;script&gt;\"");
	assert_contains(out, "<svg");                          /* the chart, and its table */
	assert_contains(out, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">68.5</td>");
	assert_null(strstr(out, "Overdue by"));                /* it was reported */
	assert_contains(out, ">Reported</a>");
	assert_contains(out, "Federations and partnerships</dt><dd class=\"govuk-summary-list__value\">"
			     "<a class=\"govuk-link\" href=\"/groups/F%3C1%3E\">" EVIL_ESCAPED
			     " Federation</a> (Federation)<br><a class=\"govuk-link\" "
			     "href=\"/groups/P2\">P2</a> (Partnership)</dd>");   /* no name: its id */
	free(out);
	/* in none */
	d.n_groups = 0;
	page_school(&h, &u, &d, a);
	out = take(&h);
	assert_contains(out, "Federations and partnerships</dt><dd class=\"govuk-summary-list__value\">"
			     "None</dd>");
	free(out);
}

static void test_overview_and_list_pages(void **state)
{
	struct arena *a = *state;
	struct page_overview_data o;
	memset(&o, 0, sizeof o);
	struct view_school v1, v2;
	N2gg__V1__CategoryChanged c = N2GG__V1__CATEGORY_CHANGED__INIT;
	c.category = "A";
	view_school_from(&v1, school(a, 1, EVIL, "NR1", "C1"), &c);
	v1.cluster_name = "<Cluster>";
	view_school_from(&v2, school(a, 2, "Two", "NR2", ""), NULL);
	view_overview_add(&o.overview, a, &v1);
	view_overview_add(&o.overview, a, &v2);
	view_overview_done(&o.overview);
	assert_int_equal(o.overview.open_schools, 2);
	assert_int_equal(o.overview.by_category[0], 1);
	assert_int_equal(o.overview.by_category[VIEW_CATEGORIES - 1], 1);
	assert_int_equal(o.overview.n_clusters, 2);
	assert_string_equal(o.overview.clusters[0].id, "C1");   /* no cluster goes last */
	struct page_change change = {1, EVIL, "C", "B", "2013-11-15"};
	o.changes = &change;
	o.n_changes = 1;
	snprintf(o.today, sizeof o.today, "2013-11-15");
	snprintf(o.half_term, sizeof o.half_term, "2013-10-28");
	struct page_user u = {"jo", N2GG__V1__DASHBOARD_ROLE__DASHBOARD_VIEWER, "", "t"};
	struct html h;
	html_init(&h);
	page_overview(&h, &u, &o);
	char *out = take(&h);
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "<Cluster>"));
	assert_contains(out, "&lt;Cluster&gt;");
	assert_contains(out, "href=\"/schools?category=A&amp;cluster=C1\">1</a>");
	assert_contains(out, "<a class=\"govuk-link\" href=\"/schools/1\">" EVIL_ESCAPED "</a>");
	assert_null(strstr(out, "are shown"));   /* a short section is shown whole */
	assert_contains(out, "Every school under half-termly monitoring has sent its progress");
	assert_contains(out, "No partner is allocated yet.");
	free(out);

	/* a missing return (HTML in the name escaped) and the budget used, role by role */
	N2gg__V1__MonitoringOverdue due = N2GG__V1__MONITORING_OVERDUE__INIT;
	due.urn = 1;
	due.school_name = EVIL;
	due.category = "D";
	due.year = 2014;
	due.half_term = 2;
	due.due_date = "2013-12-20";
	const N2gg__V1__MonitoringOverdue *dues[] = {&due};
	o.returns_due = dues;
	o.n_returns_due = 1;
	o.roles[0] = (struct page_role_days){N2GG__V1__ROLE__ROLE_SIP, 331, 1655, 49650000};
	o.roles[1] = (struct page_role_days){N2GG__V1__ROLE__ROLE_CEP, 46, 539, 0};
	o.n_roles = 2;
	page_overview(&h, &u, &o);
	out = take(&h);
	assert_null(strstr(out, "<script"));
	assert_contains(out, "\">" EVIL_ESCAPED "</a></td><td class=\"govuk-table__cell\">D</td>"
			     "<td class=\"govuk-table__cell\">Autumn 2 2013/14</td><td "
			     "class=\"govuk-table__cell\">2013-12-20</td>");
	assert_contains(out, ">1655</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">"
			     "£496,500</td>");
	assert_contains(out, ">2194</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">"
			     "£496,500</td></tr></tbody>");   /* all roles */
	free(out);
	o.returns_due = NULL;
	o.n_returns_due = 0;
	o.n_roles = 0;
	char money[32];
	assert_string_equal(view_money(0, money, sizeof money), "£0");
	assert_string_equal(view_money(99, money, sizeof money), "£0");
	assert_string_equal(view_money(123456789, money, sizeof money), "£1,234,567");

	/* a national register: a section shows its first 50 rows and says how many there are */
	struct page_change many[60];
	for (size_t i = 0; i < 60; i++)
		many[i] = (struct page_change){(uint32_t)(1000 + i), "School", "C", "B", "2013-11-15"};
	o.changes = many;
	o.n_changes = 60;
	page_overview(&h, &u, &o);
	out = take(&h);
	assert_contains(out, "href=\"/schools/1049\"");
	assert_null(strstr(out, "href=\"/schools/1050\""));
	assert_contains(out, "The first 50 of 60 are shown");
	free(out);

	struct page_schools_data s;
	memset(&s, 0, sizeof s);
	const struct view_school *list[] = {&v1, &v2};
	s.schools = list;
	s.n_schools = s.total = 2;
	s.filter = (struct view_filter){"", "", "", "", "", "\"><script>"};
	page_schools(&h, &u, &s);
	out = take(&h);
	assert_null(strstr(out, "<script"));
	assert_contains(out, "value=\"&quot;&gt;&lt;script&gt;\"");
	assert_contains(out, "2 of 2 schools");
	assert_contains(out, "href=\"/schools.csv?q=%22%3E%3Cscript%3E\"");
	free(out);

	page_error(&h, NULL, 404, EVIL);
	out = take(&h);
	assert_contains(out, "Page not found");
	assert_contains(out, EVIL_ESCAPED);
	assert_null(strstr(out, "Sign out"));   /* nobody signed in */
	free(out);
	page_login(&h, "tok", "<b>wrong</b>", "\"jo", "/schools?q=<x>");
	out = take(&h);
	assert_null(strstr(out, "<b>"));
	assert_contains(out, "value=\"&quot;jo\"");
	assert_contains(out, "value=\"/schools?q=&lt;x&gt;\"");
	free(out);
}

static N2gg__V1__Allocation *allocation(struct arena *a, uint32_t urn, int role,
					const char *partner, const char *reason)
{
	N2gg__V1__Allocation *al = arena_message(a, &n2gg__v1__allocation__descriptor);
	al->urn = urn;
	al->role = role;
	al->partner_id = (char *)partner;
	al->partner_name = (char *)(partner[0] ? "Jo Bloggs" : "");
	al->reason = (char *)reason;
	return al;
}

static void test_summary_lines(void **state)
{
	struct arena *a = *state;
	N2gg__V1__School *s = school(a, 121234, EVIL, "NR17 1RH", "C12");
	s->easting = 604000;
	s->northing = -5;
	N2gg__V1__Inspection *in = arena_message(a, &n2gg__v1__inspection__descriptor);
	in->overall_effectiveness = 3;
	in->start_date = "2012-05-01";
	N2gg__V1__Inspection *ins[] = {in};
	s->inspections = ins;
	s->n_inspections = 1;
	N2gg__V1__CategoryChanged c = N2GG__V1__CATEGORY_CHANGED__INIT;
	c.category = "C";
	c.previous_category = "B";
	c.effective_date = "2013-11-01";
	/* a partner in two roles is listed once; an unserved role keeps its reason */
	const N2gg__V1__Allocation *own[] = {
		allocation(a, 121234, N2GG__V1__ROLE__ROLE_SIP, "P001", ""),
		allocation(a, 121234, N2GG__V1__ROLE__ROLE_ECP, "P001", ""),
		allocation(a, 121234, N2GG__V1__ROLE__ROLE_INTERVENTION_ADVISER, "", "no partner within reach")};
	size_t len;
	uint8_t *bytes = summary_encode(a, s, &c, own, 3, &len);
	struct summary_line l;
	assert_true(summary_decode(bytes, len, a, &l));
	struct view_school want;
	view_school_from(&want, s, &c);
	assert_int_equal(l.school.urn, 121234);
	assert_string_equal(l.school.name, EVIL);
	assert_string_equal(l.school.postcode, "NR17 1RH");
	assert_string_equal(l.school.town, "Norwich");
	assert_string_equal(l.school.cluster_id, "C12");
	assert_string_equal(l.school.cluster_name, "");
	assert_string_equal(l.school.category, "C");
	assert_int_equal(l.school.phase, want.phase);
	assert_int_equal(l.school.status, want.status);
	assert_int_equal(l.school.ofsted, 3);
	assert_string_equal(l.school.ofsted_date, "2012-05-01");
	assert_int_equal(l.school.easting, 604000);
	assert_int_equal(l.school.northing, -5);
	assert_string_equal(l.previous_category, "B");
	assert_string_equal(l.effective_date, "2013-11-01");
	assert_int_equal(l.school.n_partners, 1);
	assert_string_equal(l.school.partner_ids[0], "P001");
	assert_string_equal(l.school.partner_names[0], "Jo Bloggs");
	assert_int_equal(l.n_unserved, 1);
	assert_int_equal(l.unserved[0].role, N2GG__V1__ROLE__ROLE_INTERVENTION_ADVISER);
	assert_string_equal(l.unserved[0].reason, "no partner within reach");
	/* the line a list needs is the one the records give */
	struct view_filter f = {"C", "C12", "", "3", "P001", "nr171"};
	assert_true(view_filter_match(&f, &l.school));

	/* not categorised yet, no allocations */
	bytes = summary_encode(a, school(a, 7, "Seven", "", ""), NULL, NULL, 0, &len);
	assert_true(summary_decode(bytes, len, a, &l));
	assert_string_equal(l.school.category, "");
	assert_string_equal(l.previous_category, "");
	assert_int_equal(l.school.n_partners + l.n_unserved, 0);
	/* cut short, grown, or of another version: refused, never misread */
	for (size_t cut = 0; cut < len; cut++)
		assert_false(summary_decode(bytes, cut, a, &l));
	uint8_t *longer = arena_alloc(a, len + 1);
	memcpy(longer, bytes, len);
	longer[len] = 'x';
	assert_false(summary_decode(longer, len + 1, a, &l));
	longer[0] = 99;
	assert_false(summary_decode(longer, len, a, &l));
}

static void test_list_pages(void **state)
{
	struct arena *a = *state;
	struct form q = {0};
	assert_int_equal(view_page_count(0), 1);
	assert_int_equal(view_page_count(VIEW_PAGE_SIZE), 1);
	assert_int_equal(view_page_count(VIEW_PAGE_SIZE + 1), 2);
	assert_int_equal(view_page_from_form(&q, 24000), 1);   /* absent */
	const char *cases[][2] = {{"3", "3"}, {"0", "1"}, {"x", "1"}, {"2x", "1"}, {"-1", "1"},
				  {"240", "240"}, {"241", "240"},
				  {"99999999999999999999999", "240"}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		form_free(&q);
		form_add(&q, "page", cases[i][0]);
		char got[24];
		snprintf(got, sizeof got, "%zu", view_page_from_form(&q, 24000));
		assert_string_equal(got, cases[i][1]);
	}
	form_free(&q);
	/* 250 schools, the second page: rows 101-200, links keep the filters */
	size_t n = 250;
	struct view_school *v = arena_alloc(a, n * sizeof *v);
	const struct view_school **list = arena_alloc(a, n * sizeof *list);
	for (size_t i = 0; i < n; i++) {
		view_school_from(&v[i], school(a, (uint32_t)(100000 + i), "A school", "NR1", "C1"),
				 NULL);
		list[i] = &v[i];
	}
	struct page_schools_data s;
	memset(&s, 0, sizeof s);
	s.schools = list;
	s.n_schools = s.total = n;
	s.page = 2;
	s.filter = (struct view_filter){"", "C1", "", "", "", ""};
	struct page_user u = {"jo", N2GG__V1__DASHBOARD_ROLE__DASHBOARD_VIEWER, "", "t"};
	struct html h;
	html_init(&h);
	page_schools(&h, &u, &s);
	char *out = take(&h);
	assert_contains(out, "250 of 250 schools, 101 to 200 shown here");
	assert_null(strstr(out, "href=\"/schools/100099\""));
	assert_contains(out, "href=\"/schools/100100\"");
	assert_contains(out, "href=\"/schools/100199\"");
	assert_null(strstr(out, "href=\"/schools/100200\""));
	assert_contains(out, "<nav class=\"govuk-pagination\"");
	assert_contains(out, "href=\"/schools?cluster=C1&amp;page=1\" rel=\"prev\"");
	assert_contains(out, "href=\"/schools?cluster=C1&amp;page=3\" rel=\"next\"");
	assert_contains(out, "aria-label=\"Page 2\" aria-current=\"page\"");
	assert_contains(out, "href=\"/schools.csv?cluster=C1\"");   /* the export: all of them */
	free(out);
	/* one page: no pagination */
	s.n_schools = s.total = VIEW_PAGE_SIZE;
	s.page = 1;
	page_schools(&h, &u, &s);
	out = take(&h);
	assert_null(strstr(out, "govuk-pagination"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escaping),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_login_rate_limit),
		cmocka_unit_test(test_trusted_proxies),
		cmocka_unit_test_setup_teardown(test_filters_and_search, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test(test_letters_dates_overdue),
		cmocka_unit_test_setup_teardown(test_school_page_escapes, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_overview_and_list_pages, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_summary_lines, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_list_pages, arena_fixture_setup,
						arena_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
