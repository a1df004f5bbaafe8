/* Unit tests of ical: the export read back by libical's own parser, the text itself (CRLF,
 * lines folded at 75 octets, commas and semicolons escaped), and UIDs that stay the same
 * when a visit moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "date.h"
#include "ical.h"
#include "visits.h"

static int D(const char *iso)
{
	int day;
	if (date_parse(iso, &day) < 0) {
		print_error("bad date in a test: %s\n", iso);
		fail();
	}
	return day;
}

/* long enough to be folded, with characters of two and three octets */
#define WELSH_NAME "Ysgol Gymraeg – Ŵyr Llŷr ❀ Ysgol Gynradd Gymraeg Ŵyr Llŷr Llanfair"
#define TRICKY_NAME "St Mary's, Hillside; Church of England (VA) Primary \\ Nursery School"
#define LONG_ADDRESS                                                                       \
	"The Old Rectory, Church Lane, Little Snoring, near Fakenham, Norfolk NR21 0AA, "  \
	"United Kingdom"

static const struct ical_school schools[] = {
	{121000, TRICKY_NAME, LONG_ADDRESS},
	{121001, "Hillside Junior School", "Hill Road, Norwich NR1 1AA"},
	{121002, WELSH_NAME, NULL},
};

/* 2013-09-01 08:00:00 UTC */
#define STAMP ((time_t)1377993600 + 8 * 3600)

static struct visits_visit visits[4];

static int setup_visits(void **state)
{
	(void)state;
	visits[0] = (struct visits_visit){121000, 7, VISITS_ANNUAL, 1, D("2013-10-09"), false, false};
	visits[1] = (struct visits_visit){121001, 7, VISITS_MONITORING, 3, D("2014-01-15"), false, false};
	visits[2] = (struct visits_visit){121001, 8, VISITS_MONITORING, 3, D("2014-01-16"), false, false};
	visits[3] = (struct visits_visit){121002, 7, VISITS_MONITORING, 6, D("2014-07-01"), true, false};
	return 0;
}

static char *export(int partner, const char *partner_name)
{
	struct ical_request req = {2014, partner, partner_name, visits, 4, schools, 3, STAMP};
	struct status st = {0};
	char *out = NULL;
	int rc = ical_export(&req, &out, &st);
	if (rc)
		print_error("ical_export: %s\n", st.message);
	assert_int_equal(rc, 0);
	assert_non_null(out);
	return out;
}

/* The text with folded lines joined again (RFC 5545 3.1). */
static char *unfold(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	for (const char *p = text; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 2;
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static icalcomponent *event_with_uid(icalcomponent *cal, const char *uid)
{
	for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		if (strcmp(icalcomponent_get_uid(ev), uid) == 0)
			return ev;
	print_error("no event %s\n", uid);
	fail();
	return NULL;
}

static void assert_date(struct icaltimetype t, int y, int m, int d)
{
	assert_true(t.is_date);
	assert_int_equal(t.year, y);
	assert_int_equal(t.month, m);
	assert_int_equal(t.day, d);
}

static void test_read_back_by_libical(void **state)
{
	(void)state;
	char *text = export(7, "Jane Smith");
	icalcomponent *cal = icalparser_parse_string(text);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	assert_int_equal(icalcomponent_count_errors(cal), 0);
	icalproperty *prodid = icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY);
	assert_string_equal(icalproperty_get_prodid(prodid), "-//Norfolk County Council//N2GG//EN");
	assert_string_equal(icalproperty_get_version(
				    icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY)),
			    "2.0");
	/* partner 7's three visits; partner 8's is not theirs */
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 3);

	icalcomponent *ev = event_with_uid(cal, "visit-121000-2014-annual-1@n2gg");
	assert_date(icalcomponent_get_dtstart(ev), 2013, 10, 9);
	assert_date(icalcomponent_get_dtend(ev), 2013, 10, 10);
	struct icaltimetype stamp = icalcomponent_get_dtstamp(ev);
	assert_false(stamp.is_date);
	assert_true(icaltime_is_utc(stamp));
	assert_int_equal(icaltime_as_timet(stamp), STAMP);
	/* escaped on the way out, unescaped on the way in: the same text */
	assert_string_equal(icalcomponent_get_summary(ev), "Annual conversation: " TRICKY_NAME);
	assert_string_equal(icalcomponent_get_location(ev), LONG_ADDRESS);
	assert_string_equal(icalcomponent_get_description(ev),
			    "Annual conversation with " TRICKY_NAME " (URN 121000), autumn term "
			    "2013/14.\nImprovement partner: Jane Smith");

	ev = event_with_uid(cal, "visit-121001-2014-monitoring-3@n2gg");
	assert_date(icalcomponent_get_dtstart(ev), 2014, 1, 15);
	assert_string_equal(icalcomponent_get_summary(ev),
			    "Half-termly monitoring visit: Hillside Junior School");
	assert_string_equal(icalcomponent_get_location(ev), "Hill Road, Norwich NR1 1AA");
	assert_string_equal(icalcomponent_get_description(ev),
			    "Half-termly monitoring visit to Hillside Junior School (URN 121001) "
			    "for spring 1 2013/14.\nImprovement partner: Jane Smith");

	/* no address: no LOCATION; a name in UTF-8 comes back whole */
	ev = event_with_uid(cal, "visit-121002-2014-monitoring-6@n2gg");
	assert_null(icalcomponent_get_first_property(ev, ICAL_LOCATION_PROPERTY));
	assert_string_equal(icalcomponent_get_summary(ev),
			    "Half-termly monitoring visit: " WELSH_NAME);
	icalcomponent_free(cal);
	free(text);
}

static void test_the_text(void **state)
{
	(void)state;
	char *text = export(7, "Jane Smith, Adviser; East");
	/* CRLF after every line, and no line longer than 75 octets */
	assert_true(strncmp(text, "BEGIN:VCALENDAR\r\n", 17) == 0);
	size_t len = strlen(text);
	assert_true(len > 2 && strcmp(text + len - 15, "END:VCALENDAR\r\n") == 0);
	size_t line = 0;
	bool folded = false;
	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			assert_true(p > text && p[-1] == '\r');
			if (p[1] == ' ')
				folded = true;
			line = 0;
		} else if (*p != '\r' && ++line > 75) {
			print_error("a line longer than 75 octets in:\n%s\n", text);
			fail();
		}
	}
	assert_true(folded);  /* the long address had to be */

	char *flat = unfold(text);
	assert_contains(flat, "\r\nVERSION:2.0\r\n");
	assert_contains(flat, "\r\nPRODID:-//Norfolk County Council//N2GG//EN\r\n");
	assert_contains(flat, "\r\nDTSTART;VALUE=DATE:20131009\r\n");
	assert_contains(flat, "\r\nDTEND;VALUE=DATE:20131010\r\n");
	assert_contains(flat, "\r\nDTSTAMP:20130901T080000Z\r\n");
	assert_contains(flat, "\r\nUID:visit-121000-2014-annual-1@n2gg\r\n");
	assert_contains(flat, "\r\nSUMMARY:Annual conversation: St Mary's\\, Hillside\\; Church "
			      "of England (VA) Primary \\\\ Nursery School\r\n");
	assert_contains(flat, "\r\nLOCATION:The Old Rectory\\, Church Lane\\,");
	assert_contains(flat, "\\nImprovement partner: Jane Smith\\, Adviser\\; East\r\n");
	assert_contains(flat, "\r\nX-WR-CALNAME:N2GG visits 2013/14: Jane Smith");
	/* folding never splits a character: each physical line is whole UTF-8 */
	for (const char *p = text; *p; p++)
		if (p[0] == '\n' && p[1] == ' ')
			assert_true(((unsigned char)p[2] & 0xc0) != 0x80);
	free(flat);
	free(text);
}

static void test_uids_stay_when_visits_move(void **state)
{
	(void)state;
	char uid[96], again[96];
	struct visits_visit v = {121001, 7, VISITS_MONITORING, 3, D("2014-01-15"), false, false};
	assert_string_equal(ical_uid(&v, 2014, uid, sizeof uid),
			    "visit-121001-2014-monitoring-3@n2gg");
	v.day = D("2014-02-03");  /* re-planned to another day of the half-term */
	assert_string_equal(ical_uid(&v, 2014, again, sizeof again), uid);
	v.kind = VISITS_ANNUAL;
	assert_string_equal(ical_uid(&v, 2014, uid, sizeof uid), "visit-121001-2014-annual-1@n2gg");
	assert_string_equal(ical_uid(&v, 2015, uid, sizeof uid), "visit-121001-2015-annual-1@n2gg");

	/* the whole file: the same UIDs when the visits move; otherwise byte for byte the same */
	char *before = export(7, NULL), *same = export(7, NULL);
	assert_string_equal(before, same);
	int day = visits[1].day;
	visits[1].day = D("2014-02-03");
	char *after = export(7, NULL);
	visits[1].day = day;
	icalcomponent *a = icalparser_parse_string(before), *b = icalparser_parse_string(after);
	icalcomponent *ea = event_with_uid(a, "visit-121001-2014-monitoring-3@n2gg");
	icalcomponent *eb = event_with_uid(b, "visit-121001-2014-monitoring-3@n2gg");
	assert_date(icalcomponent_get_dtstart(ea), 2014, 1, 15);
	assert_date(icalcomponent_get_dtstart(eb), 2014, 2, 3);
	/* no partner name: no calendar name, no partner line */
	assert_null(strstr(before, "X-WR-CALNAME"));
	assert_null(strstr(before, "Improvement partner"));
	icalcomponent_free(a);
	icalcomponent_free(b);
	free(before);
	free(same);
	free(after);
}

static void test_an_empty_calendar(void **state)
{
	(void)state;
	char *text = export(99, NULL);  /* a partner with no visits */
	icalcomponent *cal = icalparser_parse_string(text);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 0);
	icalcomponent_free(cal);
	free(text);
}

static void test_a_school_without_details(void **state)
{
	(void)state;
	struct ical_request req = {2014, 7, NULL, visits, 4, schools, 2, STAMP};  /* no 121002 */
	struct status st;
	char *out = NULL;
	assert_int_equal(ical_export(&req, &out, &st), 0);
	icalcomponent *cal = icalparser_parse_string(out);
	icalcomponent *ev = event_with_uid(cal, "visit-121002-2014-monitoring-6@n2gg");
	assert_string_equal(icalcomponent_get_summary(ev),
			    "Half-termly monitoring visit: school 121002");
	assert_null(icalcomponent_get_first_property(ev, ICAL_LOCATION_PROPERTY));
	icalcomponent_free(cal);
	free(out);
}

static void test_a_visit_not_placed_is_refused(void **state)
{
	(void)state;
	struct visits_visit unplaced = {121000, 7, VISITS_MONITORING, 2, 0, false, false};
	struct ical_request req = {2014, 7, NULL, &unplaced, 1, schools, 3, STAMP};
	struct status st;
	char *out = (char *)"untouched";
	assert_int_equal(ical_export(&req, &out, &st), -STATUS_INVALID_ARGUMENT);
	assert_null(out);
	assert_contains(st.message, "school 121000's monitoring visit has no day");
	unplaced.day = D("2013-11-12");
	unplaced.half_term = 0;
	assert_int_equal(ical_export(&req, &out, &st), -STATUS_INVALID_ARGUMENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_back_by_libical),
		cmocka_unit_test(test_the_text),
		cmocka_unit_test(test_uids_stay_when_visits_move),
		cmocka_unit_test(test_an_empty_calendar),
		cmocka_unit_test(test_a_school_without_details),
		cmocka_unit_test(test_a_visit_not_placed_is_refused),
	};
	return cmocka_run_group_tests(tests, setup_visits, NULL);
}
