/* test_importers: the Ofsted, achievement, cluster and contact file parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"

#include "date.h"
#include "importers.h"

/* A record of string literals: REC("a", "b") */
#define REC(...)                                                                          \
	((struct csvread_record){.line = 2,                                               \
				 .nfields = sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *), \
				 .fields = (char **)(const char *[]){__VA_ARGS__}})


static void assert_failed(int rc, const struct status *st, const char *why)
{
	assert_true(rc < 0);
	assert_int_equal(st->code, STATUS_INVALID_ARGUMENT);
	assert_contains(st->message, why);
}

/* ---- shared ---- */

static void urns(void **state)
{
	(void)state;
	uint32_t urn = 0;
	struct status st = {0};
	assert_int_equal(importers_parse_urn("121234", &urn, &st), 0);
	assert_int_equal(urn, 121234);
	assert_int_equal(importers_parse_urn(" 999999\t", &urn, &st), 0);
	assert_int_equal(urn, 999999);
	assert_int_equal(importers_parse_urn("100000", &urn, &st), 0);
	assert_int_equal(urn, 100000);
	assert_failed(importers_parse_urn("12A456", &urn, &st), &st, "URN \"12A456\" is not a 6-digit number");
	assert_failed(importers_parse_urn("12345", &urn, &st), &st, "not a 6-digit number");
	assert_failed(importers_parse_urn("1234567", &urn, &st), &st, "not a 6-digit number");
	assert_failed(importers_parse_urn("099999", &urn, &st), &st, "100000-999999");
	assert_failed(importers_parse_urn("-12345", &urn, &st), &st, "not a 6-digit number");
	assert_failed(importers_parse_urn("12 345", &urn, &st), &st, "not a 6-digit number");
	assert_failed(importers_parse_urn("", &urn, &st), &st, "URN is empty");
	assert_int_equal(urn, 100000);  /* untouched by failures */
}

static void cluster_ids(void **state)
{
	(void)state;
	assert_true(importers_valid_cluster_id("NCL-07"));
	assert_true(importers_valid_cluster_id("a"));
	assert_true(importers_valid_cluster_id("Great_Yarmouth-2"));
	assert_true(importers_valid_cluster_id("abcdefghijklmnopqrstuvwxyz012345"));   /* 32 */
	assert_false(importers_valid_cluster_id("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
	assert_false(importers_valid_cluster_id(""));
	assert_false(importers_valid_cluster_id("North Walsham"));
	assert_false(importers_valid_cluster_id("NCL/07"));
	assert_false(importers_valid_cluster_id("Holt\xC3\xA9"));
}

/* ---- inspections ---- */

#define TODAY date_from_ymd(2024, 6, 30)

static struct importers_header inspection_header(void)
{
	struct importers_header h;
	struct status st = {0};
	/* Ofsted's file has many more columns, in its own order and case */
	struct csvread_record rec = REC("Web link", "urn", "School name", " Inspection Start Date ",
					"CATEGORY OF CONCERN", "Overall effectiveness", "Inspection type");
	assert_int_equal(importers_inspection_header_parse(&rec, &h, &st), 0);
	assert_int_equal(h.nfields, 7);
	assert_int_equal(h.col[IMPORTERS_INSPECTION_URN], 1);
	assert_int_equal(h.col[IMPORTERS_INSPECTION_START_DATE], 3);
	assert_int_equal(h.col[IMPORTERS_INSPECTION_CATEGORY], 4);
	assert_int_equal(h.col[IMPORTERS_INSPECTION_OVERALL], 5);
	return h;
}

static int inspection(struct arena *a, const char *date, const char *grade, const char *category,
		      N2gg__V1__Inspection **out, struct status *st)
{
	struct importers_header h = inspection_header();
	struct csvread_record rec = REC("http://x", "121234", "Ashwood", date, category, grade, "S5");
	uint32_t urn = 0;
	int rc = importers_inspection_row(&h, &rec, TODAY, a, &urn, out, st);
	if (rc == 0)
		assert_int_equal(urn, 121234);
	return rc;
}

static void inspection_header_missing(void **state)
{
	(void)state;
	struct importers_header h;
	struct status st = {0};
	struct csvread_record rec = REC("URN", "Inspection date", "Overall effectiveness");
	assert_failed(importers_inspection_header_parse(&rec, &h, &st), &st,
		      "missing required column(s) Inspection start date, Category of concern");
}

static void inspection_happy(void **state)
{
	N2gg__V1__Inspection *in = NULL;
	struct status st = {0};
	assert_int_equal(inspection(*state, "14/03/2023", "2", "", &in, &st), 0);
	assert_string_equal(in->start_date, "2023-03-14");
	assert_int_equal(in->overall_effectiveness, 2);
	assert_int_equal(in->category_of_concern, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	assert_string_equal(in->recorded_by, "");

	assert_int_equal(inspection(*state, "2024-06-30", " 1 ", "None", &in, &st), 0);  /* today */
	assert_string_equal(in->start_date, "2024-06-30");
	assert_int_equal(in->overall_effectiveness, 1);
}

static void inspection_grade_words(void **state)
{
	static const struct { const char *word; uint32_t grade; } cases[] = {
		{"Outstanding", 1}, {"good", 2}, {"Requires Improvement", 3},
		{"SATISFACTORY", 3}, {"Inadequate", 4},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		N2gg__V1__Inspection *in = NULL;
		struct status st = {0};
		assert_int_equal(inspection(*state, "01-02-2020", cases[i].word, "", &in, &st), 0);
		assert_int_equal(in->overall_effectiveness, cases[i].grade);
	}
}

static void inspection_categories(void **state)
{
	static const struct { const char *text; N2gg__V1__CategoryOfConcern cat; } cases[] = {
		{"Special Measures", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
		{"SM", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
		{"serious weaknesses", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES},
		{"SWK", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES},
		{"Notice to improve", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NOTICE_TO_IMPROVE},
		{"nti", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NOTICE_TO_IMPROVE},
		{"", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},  /* grade 4 with no category */
		{"NONE", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"NULL", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},  /* Ofsted MI's empty marker */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		N2gg__V1__Inspection *in = NULL;
		struct status st = {0};
		assert_int_equal(inspection(*state, "01/10/2011", "4", cases[i].text, &in, &st), 0);
		assert_int_equal(in->overall_effectiveness, 4);
		assert_int_equal(in->category_of_concern, cases[i].cat);
	}
}

static void inspection_rejections(void **state)
{
	static const char *const cases[][4] = {
		/* date, grade, category, reason */
		{"14/03/2023", "7", "", "overall effectiveness 7 is not 1-4"},
		{"14/03/2023", "0", "", "overall effectiveness 0 is not 1-4"},
		{"14/03/2023", "12", "", "overall effectiveness 12 is not 1-4"},
		{"14/03/2023", "Excellent", "", "overall effectiveness \"Excellent\" is not 1-4"},
		{"14/03/2023", "", "", "overall effectiveness is empty"},
		{"14/03/2023", "2", "Special Measures", "only an inadequate (4) school"},
		{"14/03/2023", "3", "NTI", "with overall effectiveness 3"},
		{"14/03/2023", "4", "Failing", "category of concern \"Failing\" is not"},
		{"01/07/2024", "2", "", "inspection start date 2024-07-01 is in the future"},
		{"30/02/2023", "2", "", "inspection start date \"30/02/2023\" is not a date"},
		{"March 2023", "2", "", "is not a date"},
		{"", "2", "", "inspection start date is empty"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		N2gg__V1__Inspection *in = NULL;
		struct status st = {0};
		assert_failed(inspection(*state, cases[i][0], cases[i][1], cases[i][2], &in, &st), &st,
			      cases[i][3]);
	}
}

static void inspection_bad_rows(void **state)
{
	struct importers_header h = inspection_header();
	N2gg__V1__Inspection *in = NULL;
	uint32_t urn;
	struct status st = {0};
	struct csvread_record rec = REC("x", "12345", "A", "14/03/2023", "", "2", "S5");
	assert_failed(importers_inspection_row(&h, &rec, TODAY, *state, &urn, &in, &st), &st,
		      "URN \"12345\"");
	rec = REC("x", "121234", "A", "14/03/2023", "", "2");
	assert_failed(importers_inspection_row(&h, &rec, TODAY, *state, &urn, &in, &st), &st,
		      "row has 6 fields but the header has 7");
	rec = REC("x", "121234", "A", "14/03/2023", "", "2", "S5");
	rec.error = "field 3: invalid UTF-8 (byte 0xE9; is the file Windows-1252?)";
	assert_failed(importers_inspection_row(&h, &rec, TODAY, *state, &urn, &in, &st), &st,
		      "invalid UTF-8");
}

/* ---- achievement ---- */

static struct importers_header achievement_header(uint32_t default_year, struct csvread_record rec)
{
	struct importers_header h;
	struct status st = {0};
	int rc = importers_achievement_header_parse(&rec, default_year, &h, &st);
	if (rc)
		print_error("%s\n", st.message);
	assert_int_equal(rc, 0);
	return h;
}

static void achievement_headers(void **state)
{
	(void)state;
	struct importers_header h;
	struct status st = {0};
	struct csvread_record no_year = REC("URN", "SCHNAME", "PTRWM_EXP");
	assert_failed(importers_achievement_header_parse(&no_year, 0, &h, &st), &st,
		      "missing required column(s) YEAR");
	h = achievement_header(2019, no_year);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_YEAR], -1);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_PROGRESS], -1);
	assert_int_equal(h.default_year, 2019);

	struct csvread_record aliases = REC("progress", "urn", "Expected_Standard_Pct", "year");
	h = achievement_header(0, aliases);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_URN], 1);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_EXPECTED], 2);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_YEAR], 3);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_PROGRESS], 0);

	struct csvread_record nothing = REC("SCHNAME", "TOWN");
	assert_failed(importers_achievement_header_parse(&nothing, 2019, &h, &st), &st,
		      "missing required column(s) URN, PTRWM_EXP (or expected_standard_pct)");

	struct csvread_record twice = REC("URN", "PTRWM_EXP", "expected_standard_pct", "YEAR");
	assert_failed(importers_achievement_header_parse(&twice, 0, &h, &st), &st, "appears twice");
}

static int achievement(struct arena *a, const char *year, const char *exp, const char *progress,
		       N2gg__V1__Achievement **out, struct status *st)
{
	struct importers_header h = achievement_header(0, REC("URN", "YEAR", "PTRWM_EXP", "PROGRESS"));
	struct csvread_record rec = REC("121234", year, exp, progress);
	uint32_t urn = 0;
	int rc = importers_achievement_row(&h, &rec, a, &urn, out, st);
	if (rc == 0)
		assert_int_equal(urn, 121234);
	return rc;
}

static void achievement_happy(void **state)
{
	static const struct { const char *year, *exp, *progress; uint32_t y; double pct, prog; } cases[] = {
		{"2013", "67%", "1.5", 2013, 67, 1.5},
		{"2012/13", "67", "-2.25", 2013, 67, -2.25},
		{"2012-13", "67.5", "", 2013, 67.5, 0},
		{"201213", " 67.5 % ", "0", 2013, 67.5, 0},
		{"2018/19", "100", "+20", 2019, 100, 20},
		{"1999/00", "0", "-20", 2000, 0, -20},
		{"2023", "0.0%", "-0.4", 2023, 0, -0.4},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		N2gg__V1__Achievement *ach = NULL;
		struct status st = {0};
		int rc = achievement(*state, cases[i].year, cases[i].exp, cases[i].progress, &ach, &st);
		if (rc)
			print_error("case %zu: %s\n", i, st.message);
		assert_int_equal(rc, 0);
		assert_int_equal(ach->year, cases[i].y);
		assert_true(ach->expected_standard_pct == cases[i].pct);
		assert_true(ach->progress == cases[i].prog);
		assert_string_equal(ach->recorded_by, "");
	}
}

static void achievement_default_year(void **state)
{
	N2gg__V1__Achievement *ach = NULL;
	struct status st = {0};
	uint32_t urn;
	struct importers_header h = achievement_header(2019, REC("URN", "PTRWM_EXP"));
	struct csvread_record rec = REC("121234", "64%");
	assert_int_equal(importers_achievement_row(&h, &rec, *state, &urn, &ach, &st), 0);
	assert_int_equal(ach->year, 2019);
	assert_true(ach->progress == 0);

	/* a YEAR column wins; an empty YEAR falls back to the default */
	h = achievement_header(2019, REC("URN", "YEAR", "PTRWM_EXP"));
	rec = REC("121234", "2015/16", "64");
	assert_int_equal(importers_achievement_row(&h, &rec, *state, &urn, &ach, &st), 0);
	assert_int_equal(ach->year, 2016);
	rec = REC("121234", "", "64");
	assert_int_equal(importers_achievement_row(&h, &rec, *state, &urn, &ach, &st), 0);
	assert_int_equal(ach->year, 2019);
}

static void achievement_suppressed(void **state)
{
	static const char *const codes[][2] = {
		{"SUPP", "(SUPP)"}, {"NE", "(NE)"}, {"NA", "(NA)"}, {"LOWCOV", "(LOWCOV)"},
		{"x", "(x)"}, {"", "(empty)"}, {" supp ", "(supp)"},
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		N2gg__V1__Achievement *ach = NULL;
		struct status st = {0};
		int rc = achievement(*state, "2013", codes[i][0], "", &ach, &st);
		assert_failed(rc, &st, "suppressed or not published");
		assert_contains(st.message, codes[i][1]);
	}
}

static void achievement_rejections(void **state)
{
	static const char *const cases[][4] = {
		{"2013", "101", "", "expected standard 101% is not 0-100"},
		{"2013", "-1", "", "expected standard -1% is not 0-100"},
		{"2013", "sixty", "", "expected standard \"sixty\" is not a percentage"},
		{"2013", "67,5", "", "expected standard \"67,5\" is not a percentage"},
		{"2013", "%", "", "expected standard \"%\" is not a percentage"},
		{"2013", "1.2.3", "", "is not a percentage"},
		{"2013", "67", "20.1", "progress 20.1 is not -20..20"},
		{"2013", "67", "-25", "progress -25 is not -20..20"},
		{"2013", "67", "SUPP", "progress \"SUPP\" is not a number"},
		{"2013", "67", "-", "progress \"-\" is not a number"},
		{"", "67", "", "YEAR is empty"},
		{"13", "67", "", "YEAR \"13\" is not a year"},
		{"2012/14", "67", "", "YEAR \"2012/14\" is not a year"},
		{"201214", "67", "", "YEAR \"201214\" is not a year"},
		{"2012/2013", "67", "", "YEAR \"2012/2013\" is not a year"},
		{"1066", "67", "", "YEAR \"1066\" is not a year"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		N2gg__V1__Achievement *ach = NULL;
		struct status st = {0};
		assert_failed(achievement(*state, cases[i][0], cases[i][1], cases[i][2], &ach, &st), &st,
			      cases[i][3]);
	}
}

/* ---- clusters ---- */

static void clusters(void **state)
{
	struct importers_header h;
	struct importers_cluster_row row;
	struct status st = {0};
	struct csvread_record head = REC("Cluster_ID", "urn", "cluster_name", "effective_date", "notes");
	assert_int_equal(importers_cluster_header_parse(&head, &h, &st), 0);

	struct csvread_record rec = REC(" NCL-07 ", "121234", " North Walsham & District ", "01/09/2023", "");
	assert_int_equal(importers_cluster_row(&h, &rec, *state, &row, &st), 0);
	assert_int_equal(row.urn, 121234);
	assert_string_equal(row.cluster_id, "NCL-07");
	assert_string_equal(row.cluster_name, "North Walsham & District");
	assert_string_equal(row.effective_date, "2023-09-01");

	rec = REC("NCL-07", "121235", "North Walsham", "2023-09-01", "");
	assert_int_equal(importers_cluster_row(&h, &rec, *state, &row, &st), 0);
	assert_string_equal(row.effective_date, "2023-09-01");
	rec = REC("NCL-07", "121235", "North Walsham", "", "");
	assert_int_equal(importers_cluster_row(&h, &rec, *state, &row, &st), 0);
	assert_string_equal(row.effective_date, "");

	/* without the optional column */
	struct csvread_record head2 = REC("cluster_id", "cluster_name", "URN");
	assert_int_equal(importers_cluster_header_parse(&head2, &h, &st), 0);
	rec = REC("Holt_1", "Holt", "121236");
	assert_int_equal(importers_cluster_row(&h, &rec, *state, &row, &st), 0);
	assert_string_equal(row.effective_date, "");
	assert_string_equal(row.cluster_id, "Holt_1");
}

static void cluster_rejections(void **state)
{
	struct importers_header h;
	struct importers_cluster_row row;
	struct status st = {0};
	struct csvread_record head = REC("cluster_id", "cluster_name", "urn", "effective_date");
	assert_int_equal(importers_cluster_header_parse(&head, &h, &st), 0);
	static const char *const cases[][5] = {
		{"North Walsham", "NW", "121234", "", "cluster_id \"North Walsham\" is not 1-32 characters"},
		{"abcdefghijklmnopqrstuvwxyz0123456", "x", "121234", "", "is not 1-32 characters"},
		{"", "NW", "121234", "", "cluster_id is empty"},
		{"NW", " ", "121234", "", "cluster_name is empty"},
		{"NW", "North Walsham", "1212", "", "URN \"1212\" is not a 6-digit number"},
		{"NW", "North Walsham", "121234", "2023/09/01", "effective_date \"2023/09/01\" is not a date"},
		{"NW", "North Walsham", "121234", "31/09/2023", "effective_date \"31/09/2023\" is not a date"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct csvread_record rec = REC(cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
		assert_failed(importers_cluster_row(&h, &rec, *state, &row, &st), &st, cases[i][4]);
	}

	struct csvread_record bad = REC("cluster", "cluster_name");
	assert_failed(importers_cluster_header_parse(&bad, &h, &st), &st,
		      "missing required column(s) cluster_id, urn");
}

/* A reason quotes at most 80 bytes of the field, which may end inside a character: the
 * rejection report is still UTF-8 (it travels in a proto3 string), the cut character a '?'.
 * Found by fuzz_clusters. */
static void rejection_reason_cut_inside_a_character(void **state)
{
	struct importers_header h;
	struct importers_cluster_row row;
	struct status st = {0};
	struct csvread_record head = REC("cluster_id", "cluster_name", "urn");
	assert_int_equal(importers_cluster_header_parse(&head, &h, &st), 0);
	char id[2 + 2 * 50 + 1] = "N";   /* "N" and 50 u-umlauts: byte 80 is half of one */
	for (int i = 0; i < 50; i++)
		strcat(id, "\xC3\xBC");
	struct csvread_record rec = REC(id, "North Walsham", "121234");
	assert_failed(importers_cluster_row(&h, &rec, *state, &row, &st), &st,
		      "is not 1-32 characters");
	char quoted[128] = "cluster_id \"N";
	for (int i = 0; i < 39; i++)
		strcat(quoted, "\xC3\xBC");
	strcat(quoted, "?\" is not");
	assert_contains(st.message, quoted);
}

/* ---- contacts ---- */

static struct importers_header contact_header(void)
{
	struct importers_header h;
	struct status st = {0};
	struct csvread_record head = REC("URN", "Role", "Name", "Email", "Phone");
	assert_int_equal(importers_contact_header_parse(&head, &h, &st), 0);
	return h;
}

static void contacts(void **state)
{
	struct importers_header h = contact_header();
	struct importers_contact_row row;
	struct status st = {0};

	struct csvread_record rec = REC("121234", "headteacher", " Mrs Jane Smith ",
					"head@ashwood.norfolk.sch.uk", "01603 123456");
	assert_int_equal(importers_contact_row(&h, &rec, *state, &row, &st), 0);
	assert_int_equal(row.urn, 121234);
	assert_int_equal(row.role, IMPORTERS_ROLE_HEADTEACHER);
	assert_string_equal(row.name, "Mrs Jane Smith");
	assert_string_equal(row.email, "head@ashwood.norfolk.sch.uk");
	assert_string_equal(row.phone, "01603 123456");

	rec = REC("121234", "Chair_of_Governors", "Mr Ted Jones", "", "");
	assert_int_equal(importers_contact_row(&h, &rec, *state, &row, &st), 0);
	assert_int_equal(row.role, IMPORTERS_ROLE_CHAIR_OF_GOVERNORS);
	assert_string_equal(row.email, "");
	assert_string_equal(row.phone, "");

	rec = REC("121234", "CHAIR", "Ms Ann Lee", "ann.lee+gov@example.org.uk", "");
	assert_int_equal(importers_contact_row(&h, &rec, *state, &row, &st), 0);
	assert_int_equal(row.role, IMPORTERS_ROLE_CHAIR_OF_GOVERNORS);

	/* email and phone columns are optional */
	struct csvread_record head = REC("name", "urn", "role");
	assert_int_equal(importers_contact_header_parse(&head, &h, &st), 0);
	rec = REC("Mr Bo Ng", "121299", "headteacher");
	assert_int_equal(importers_contact_row(&h, &rec, *state, &row, &st), 0);
	assert_int_equal(row.urn, 121299);
	assert_string_equal(row.name, "Mr Bo Ng");
	assert_string_equal(row.email, "");
	assert_string_equal(row.phone, "");
}

static void contact_rejections(void **state)
{
	struct importers_header h = contact_header();
	struct importers_contact_row row;
	struct status st = {0};
	static const char *const cases[][4] = {
		/* role, name, email, reason */
		{"head", "A", "", "role \"head\" is not headteacher, chair_of_governors or chair"},
		{"", "A", "", "role \"\" is not"},
		{"headteacher", "  ", "", "name is empty"},
		{"headteacher", "A", "jane.smith", "email \"jane.smith\" is not an email address"},
		{"headteacher", "A", "@example.org", "is not an email address"},
		{"headteacher", "A", "jane@example", "is not an email address"},
		{"headteacher", "A", "jane@@example.org", "is not an email address"},
		{"headteacher", "A", "jane@a@example.org", "is not an email address"},
		{"headteacher", "A", "jane smith@example.org", "is not an email address"},
		{"headteacher", "A", "jane@.org", "is not an email address"},
		{"headteacher", "A", "jane@example.", "is not an email address"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct csvread_record rec = REC("121234", cases[i][0], cases[i][1], cases[i][2], "");
		assert_failed(importers_contact_row(&h, &rec, *state, &row, &st), &st, cases[i][3]);
	}
	struct csvread_record rec = REC("121234", "headteacher", "A", "a@b.c");
	assert_failed(importers_contact_row(&h, &rec, *state, &row, &st), &st,
		      "row has 4 fields but the header has 5");

	struct csvread_record bad = REC("urn", "contact", "email");
	assert_failed(importers_contact_header_parse(&bad, &h, &st), &st,
		      "missing required column(s) role, name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)
		T(urns),
		T(cluster_ids),
		T(inspection_header_missing),
		T(inspection_happy),
		T(inspection_grade_words),
		T(inspection_categories),
		T(inspection_rejections),
		T(inspection_bad_rows),
		T(achievement_headers),
		T(achievement_happy),
		T(achievement_default_year),
		T(achievement_suppressed),
		T(achievement_rejections),
		T(clusters),
		T(cluster_rejections),
		T(rejection_reason_cut_inside_a_character),
		T(contacts),
		T(contact_rejections),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
