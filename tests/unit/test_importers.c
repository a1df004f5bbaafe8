/* test_importers: the Ofsted, achievement (N2GG's own and the DfE's key stage 2 and 4
 * tables), cluster and contact file parsers. */
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
	assert_contains(st.message, "or its key stage 4 table");

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
		/* given (even as 0) or not: "progress" 0 alone cannot say */
		assert_int_equal(ach->progress_known, cases[i].progress[0] != '\0');
		assert_int_equal(ach->key_stage, N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED);
		assert_null(ach->expected_standard);
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

/* ---- achievement: the DfE's performance tables ---- */

/* The key stage 2 table's columns in their published order, cut to those around the ones
 * the importer reads (the real file has some 300). */
static const char *const ks2_head[] = {
	"RECTYPE", "ALPHAIND", "LEA", "ESTAB", "URN", "SCHNAME", "TOWN", "PCODE", "NFTYPE",
	"AGERANGE", "TELIG", "PTRWM_EXP", "PTRWM_HIGH", "READPROG", "READPROG_LOWER",
	"READPROG_UPPER", "READCOV", "WRITPROG", "WRITPROG_LOWER", "WRITPROG_UPPER", "WRITCOV",
	"MATPROG", "MATPROG_LOWER", "MATPROG_UPPER", "MATCOV",
};
#define KS2_FIELDS (sizeof ks2_head / sizeof *ks2_head)

static const char *const ks4_head[] = {
	"RECTYPE", "ALPHAIND", "LEA", "ESTAB", "URN", "SCHNAME", "TOWN", "PCODE", "NFTYPE", "TPUP",
	"P8MEA", "P8CILOW", "P8CIUPP", "P8MEACOV", "ATT8SCR", "ATT8SCRENG", "ATT8SCRMAT",
	"PTL2BASICS_94", "PTL2BASICS_95", "EBACCAPS",
};
#define KS4_FIELDS (sizeof ks4_head / sizeof *ks4_head)

static struct csvread_record record_of(struct arena *a, const char *const *fields, size_t n)
{
	char **copy = arena_alloc(a, n * sizeof *copy);
	for (size_t i = 0; i < n; i++)
		copy[i] = arena_strdup(a, fields[i]);
	return (struct csvread_record){.line = 7, .nfields = n, .fields = copy};
}

static struct importers_header dfe_header(struct arena *a, const char *const *head, size_t n,
					  uint32_t year)
{
	struct importers_header h;
	struct status st = {0};
	struct csvread_record rec = record_of(a, head, n);
	int rc = importers_achievement_header_parse(&rec, year, &h, &st);
	if (rc)
		print_error("%s\n", st.message);
	assert_int_equal(rc, 0);
	return h;
}

/* A row of the key stage 2 table: the fields we read given, the others as published. */
static struct csvread_record ks2_record(struct arena *a, const char *rectype, const char *lea,
					const char *urn, const char *name, const char *expected,
					const char *reading, const char *writing, const char *maths)
{
	const char *f[KS2_FIELDS] = {
		rectype, "A", lea, *urn ? "2001" : "", urn, name, *urn ? "Norwich" : "",
		*urn ? "NR1 1AA" : "", *urn ? "CY" : "", *urn ? "4-11" : "", "30", expected, "10%",
		reading, "-1.1", "2.9", "100%", writing, "-1.4", "2.2", "100%", maths, "-0.9", "2.5",
		"97%",
	};
	return record_of(a, f, KS2_FIELDS);
}

static struct csvread_record ks4_record(struct arena *a, const char *rectype, const char *lea,
					const char *urn, const char *name, const char *p8,
					const char *att8, const char *basics95)
{
	const char *f[KS4_FIELDS] = {
		rectype, "H", lea, *urn ? "4001" : "", urn, name, *urn ? "Holt" : "",
		*urn ? "NR25 6DJ" : "", *urn ? "AC" : "", "180", p8, "-0.2", "0.4", "96%", att8,
		"10.1", "9.4", "64.0", basics95, "4.21",
	};
	return record_of(a, f, KS4_FIELDS);
}

static void dfe_headers(void **state)
{
	struct importers_header h = dfe_header(*state, ks2_head, KS2_FIELDS, 2019);
	assert_int_equal(h.format, IMPORTERS_FORMAT_KS2);
	assert_string_equal(importers_achievement_format_name(h.format), "ks2");
	assert_int_equal(h.default_year, 2019);
	assert_int_equal(h.nfields, KS2_FIELDS);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_RECTYPE], 0);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_LEA], 2);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_URN], 4);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_SCHNAME], 5);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_EXPECTED], 11);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_READPROG], 13);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_WRITPROG], 17);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_MATPROG], 21);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_P8MEA], -1);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_YEAR], -1);

	h = dfe_header(*state, ks4_head, KS4_FIELDS, 2018);
	assert_int_equal(h.format, IMPORTERS_FORMAT_KS4);
	assert_string_equal(importers_achievement_format_name(h.format), "ks4");
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_P8MEA], 10);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_ATT8SCR], 14);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_BASICS_95], 18);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_EXPECTED], -1);

	/* a key stage 2 table of older years: no progress columns, RECTYPE tells */
	h = achievement_header(2019, REC("RECTYPE", "LEA", "URN", "PTRWM_EXP"));
	assert_int_equal(h.format, IMPORTERS_FORMAT_KS2);
	assert_int_equal(h.col[IMPORTERS_ACHIEVEMENT_READPROG], -1);
	/* N2GG's own format stays N2GG's */
	h = achievement_header(2019, REC("URN", "PTRWM_EXP", "PROGRESS"));
	assert_int_equal(h.format, IMPORTERS_FORMAT_N2GG);
	assert_string_equal(importers_achievement_format_name(h.format), "n2gg");

	struct status st = {0};
	struct csvread_record rec = record_of(*state, ks2_head, KS2_FIELDS);
	assert_failed(importers_achievement_header_parse(&rec, 0, &h, &st), &st,
		      "the DfE's key stage 2 table has no YEAR column: say which year its results "
		      "are for with --year YYYY");
	assert_failed(importers_achievement_header_parse(&rec, 1999, &h, &st), &st,
		      "year 1999: achievement is kept for 2000-2100");
	struct csvread_record no_lea = REC("RECTYPE", "URN", "SCHNAME", "PTRWM_EXP", "READPROG");
	assert_failed(importers_achievement_header_parse(&no_lea, 2019, &h, &st), &st,
		      "key stage 2 table: missing required column(s) LEA");
	struct csvread_record ks4_no_urn = REC("RECTYPE", "LEA", "P8MEA");
	assert_failed(importers_achievement_header_parse(&ks4_no_urn, 2019, &h, &st), &st,
		      "key stage 4 table: missing required column(s) URN");
	struct csvread_record both = REC("RECTYPE", "LEA", "URN", "PTRWM_EXP", "MATPROG", "ATT8SCR");
	assert_failed(importers_achievement_header_parse(&both, 2019, &h, &st), &st,
		      "the key stage 2 table's MATPROG and the key stage 4 table's ATT8SCR: import "
		      "each table on its own");
	struct csvread_record lower = REC("rectype", "lea", "urn", "ptrwm_exp", "readprog");
	assert_failed(importers_achievement_header_parse(&lower, 2019, &h, &st), &st,
		      "column \"rectype\" (field 1) is the DfE's RECTYPE in another case");
	/* a header matching no format says what each needs */
	struct csvread_record neither = REC("School", "Year", "Score");
	assert_failed(importers_achievement_header_parse(&neither, 2019, &h, &st), &st,
		      "missing required column(s) URN, PTRWM_EXP (or expected_standard_pct); expected "
		      "N2GG's achievement file (URN, YEAR, PTRWM_EXP, PROGRESS");
	assert_contains(st.message, "the DfE's key stage 2 table (URN, RECTYPE, LEA, PTRWM_EXP, "
				    "READPROG, WRITPROG, MATPROG)");
	assert_contains(st.message, "its key stage 4 table (URN, RECTYPE, LEA, P8MEA, ATT8SCR, "
				    "PTL2BASICS_95)");
}

static struct importers_achievement_row read_ok(const struct importers_header *h,
						struct csvread_record rec, struct arena *a)
{
	struct importers_achievement_row row;
	struct status st = {0};
	int rc = importers_achievement_read(h, &rec, a, &row, &st);
	if (rc)
		print_error("line %zu: %s\n", rec.line, st.message);
	assert_int_equal(rc, 0);
	return row;
}

static void assert_measure(const N2gg__V1__Measure *m, double value, const char *marker)
{
	assert_non_null(m);
	assert_string_equal(m->marker, marker);
	assert_true(m->value == value);
}

static void dfe_ks2_schools(void **state)
{
	struct arena *a = *state;
	struct importers_header h = dfe_header(a, ks2_head, KS2_FIELDS, 2019);
	struct importers_achievement_row row =
		read_ok(&h, ks2_record(a, "1", "926", "121234", "Ashwood Primary School", "67%", "1.5",
				       "-0.3", "+2.25"), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_SCHOOL);
	assert_int_equal(row.urn, 121234);
	const N2gg__V1__Achievement *ach = row.achievement;
	assert_int_equal(ach->year, 2019);
	assert_int_equal(ach->key_stage, N2GG__V1__KEY_STAGE__KEY_STAGE_2);
	assert_measure(ach->expected_standard, 67, "");
	assert_true(ach->expected_standard_pct == 67);
	assert_measure(ach->reading_progress, 1.5, "");
	assert_measure(ach->writing_progress, -0.3, "");
	assert_measure(ach->maths_progress, 2.25, "");
	assert_null(ach->progress8);
	assert_null(ach->attainment8);
	assert_false(ach->progress_known);
	assert_true(ach->progress == 0);
	assert_int_equal(row.marked, 0);
	assert_string_equal(row.note, "");

	/* a percentage without its sign; a special school (RECTYPE 2) */
	row = read_ok(&h, ks2_record(a, "2", "926", "121299", "Chapel Road School", " 0 ", "-12.1",
				     "0.0", "39.5"), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_SCHOOL);
	assert_measure(row.achievement->expected_standard, 0, "");
	assert_measure(row.achievement->maths_progress, 39.5, "");

	/* markers: kept as such, counted and noted, never a rejection */
	row = read_ok(&h, ks2_record(a, "1", "926", "121235", "Little Snoring Primary", "SUPP",
				     "supp", "LOWCOV", ""), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_SCHOOL);
	assert_measure(row.achievement->expected_standard, 0, "SUPP");
	assert_true(row.achievement->expected_standard_pct == 0);
	assert_measure(row.achievement->reading_progress, 0, "SUPP");
	assert_measure(row.achievement->writing_progress, 0, "LOWCOV");
	assert_measure(row.achievement->maths_progress, 0, "empty");
	assert_int_equal(row.marked, 4);
	assert_string_equal(row.note, "PTRWM_EXP: SUPP (suppressed); READPROG: SUPP (suppressed); "
				      "WRITPROG: LOWCOV (low coverage); MATPROG: empty (nothing published)");

	static const char *const markers[][3] = {
		{"NE", "NE", "no entries"},         {"NP", "NP", "not published"},
		{"new", "NEW", "new school"},       {"NA", "NA", "not applicable"},
		{"X", "x", "not available"},        {"c", "c", "confidential"},
		{"z", "z", "not applicable"},       {"u", "u", "low reliability"},
	};
	for (size_t i = 0; i < sizeof markers / sizeof *markers; i++) {
		row = read_ok(&h, ks2_record(a, "1", "926", "121236", "Any School", "70%",
					     markers[i][0], "1", "1"), a);
		assert_measure(row.achievement->reading_progress, 0, markers[i][1]);
		assert_int_equal(row.marked, 1);
		assert_string_equal(row.note, arena_printf(a, "READPROG: %s (%s)", markers[i][1],
							   markers[i][2]));
	}
}

static void dfe_comparator_rows(void **state)
{
	struct arena *a = *state;
	struct importers_header h = dfe_header(a, ks2_head, KS2_FIELDS, 2019);
	struct importers_achievement_row row =
		read_ok(&h, ks2_record(a, "4", "926", "", "Norfolk", "62%", "-0.5", "0.2", "-1.04"), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_COMPARATOR);
	const N2gg__V1__Comparator *c = row.comparator;
	assert_int_equal(c->year, 2019);
	assert_int_equal(c->key_stage, N2GG__V1__KEY_STAGE__KEY_STAGE_2);
	assert_int_equal(c->area, N2GG__V1__COMPARATOR_AREA__AREA_LA);
	assert_int_equal(c->la_code, 926);
	assert_string_equal(c->name, "Norfolk");
	assert_measure(c->achievement->expected_standard, 62, "");
	assert_true(c->achievement->expected_standard_pct == 62);
	assert_measure(c->achievement->maths_progress, -1.04, "");
	assert_int_equal(c->achievement->year, 2019);

	row = read_ok(&h, ks2_record(a, "7", "", "", "", "65%", "0.0", "0.0", "NA"), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_COMPARATOR);
	assert_int_equal(row.comparator->area, N2GG__V1__COMPARATOR_AREA__AREA_ENGLAND);
	assert_int_equal(row.comparator->la_code, 0);
	assert_string_equal(row.comparator->name, "England");
	assert_measure(row.comparator->achievement->maths_progress, 0, "NA");
	assert_int_equal(row.marked, 1);
	assert_string_equal(row.note, "MATPROG: NA (not applicable)");

	row = read_ok(&h, ks2_record(a, "4", "873", "", "", "61%", "0.1", "0.1", "0.1"), a);
	assert_string_equal(row.comparator->name, "LA 873");

	/* England with the independent schools: not a comparator, skipped saying why */
	row = read_ok(&h, ks2_record(a, "5", "", "", "England", "64%", "NA", "NA", "NA"), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_SKIPPED);
	assert_contains(row.note, "RECTYPE 5 (England, all schools) is not kept");
	assert_int_equal(row.marked, 0);

	/* another LA's schools and averages are skipped silently; England's are kept */
	h.la_code = 926;
	row = read_ok(&h, ks2_record(a, "1", "873", "110001", "Elsewhere School", "bad", "", "", ""), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_SKIPPED);
	assert_string_equal(row.note, "");
	row = read_ok(&h, ks2_record(a, "4", "873", "", "Cambridgeshire", "61%", "0", "0", "0"), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_SKIPPED);
	row = read_ok(&h, ks2_record(a, "7", "", "", "England", "65%", "0", "0", "0"), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_COMPARATOR);
	row = read_ok(&h, ks2_record(a, "1", "926", "121234", "Ashwood", "67%", "0", "0", "0"), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_SCHOOL);

	/* a caller that takes schools only is told what the row is */
	uint32_t urn;
	N2gg__V1__Achievement *ach;
	struct status st = {0};
	struct csvread_record rec = ks2_record(a, "4", "926", "", "Norfolk", "62%", "0", "0", "0");
	assert_failed(importers_achievement_row(&h, &rec, a, &urn, &ach, &st), &st,
		      "the averages of Norfolk, not a school's row");
}

static void dfe_rejections(void **state)
{
	struct arena *a = *state;
	struct importers_header h = dfe_header(a, ks2_head, KS2_FIELDS, 2019);
	static const char *const cases[][8] = {
		{"1", "926", "121234", "67%", "41", "0", "0",
		 "READPROG 41 is out of range for a key stage 2 progress score (-40 to 40)"},
		{"1", "926", "121234", "67%", "0", "-40.5", "0", "WRITPROG -40.5 is out of range"},
		{"1", "926", "121234", "101%", "0", "0", "0",
		 "PTRWM_EXP 101% is out of range for a percentage (0 to 100)"},
		{"1", "926", "121234", "sixty", "0", "0", "0",
		 "PTRWM_EXP \"sixty\" is not a percentage nor one of the DfE's markers (SUPP, NE, NP, "
		 "LOWCOV, NEW, NA, x, c, z, u)"},
		{"1", "926", "121234", "67%", "1.5%", "0", "0", "READPROG \"1.5%\" is not a number"},
		{"1", "926", "121234", "67%", "0", "0", "1,5", "MATPROG \"1,5\" is not a number"},
		{"1", "926", "121234", "67%%", "0", "0", "0", "PTRWM_EXP \"67%%\" is not a percentage"},
		{"A", "926", "121234", "67%", "0", "0", "0",
		 "RECTYPE \"A\" is not a record type (1, 2 a school; 4 a local authority; 5, 7 England)"},
		{"", "926", "121234", "67%", "0", "0", "0", "RECTYPE \"\" is not a record type"},
		{"4", "926", "121234", "67%", "0", "0", "0",
		 "RECTYPE 4 is a local authority's averages, yet the row names URN \"121234\""},
		{"7", "", "121234", "67%", "0", "0", "0", "RECTYPE 7 is England's averages, yet"},
		{"4", "", "", "67%", "0", "0", "0", "RECTYPE 4 is a local authority's averages, yet LEA "
						    "is empty"},
		{"1", "926", "", "67%", "0", "0", "0", "RECTYPE 1 row has no URN"},
		{"1", "Norfolk", "121234", "67%", "0", "0", "0",
		 "LEA \"Norfolk\" is not a local authority number (1-999)"},
		{"1", "926", "12345", "67%", "0", "0", "0", "URN \"12345\" is not a 6-digit number"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct importers_achievement_row row;
		struct status st = {0};
		struct csvread_record rec = ks2_record(a, cases[i][0], cases[i][1], cases[i][2], "X",
						       cases[i][3], cases[i][4], cases[i][5],
						       cases[i][6]);
		assert_failed(importers_achievement_read(&h, &rec, a, &row, &st), &st, cases[i][7]);
	}
	/* a truncated row */
	struct importers_achievement_row row;
	struct status st = {0};
	struct csvread_record rec = ks2_record(a, "1", "926", "121234", "X", "67%", "0", "0", "0");
	rec.nfields = 12;
	assert_failed(importers_achievement_read(&h, &rec, a, &row, &st), &st,
		      "row has 12 fields but the header has 25");
}

static void dfe_ks4(void **state)
{
	struct arena *a = *state;
	struct importers_header h = dfe_header(a, ks4_head, KS4_FIELDS, 2018);
	struct importers_achievement_row row =
		read_ok(&h, ks4_record(a, "1", "926", "137000", "Holt Academy", "0.35", "48.1", "45.2"),
			a);
	assert_int_equal(row.kind, IMPORTERS_ROW_SCHOOL);
	assert_int_equal(row.urn, 137000);
	const N2gg__V1__Achievement *ach = row.achievement;
	assert_int_equal(ach->year, 2018);
	assert_int_equal(ach->key_stage, N2GG__V1__KEY_STAGE__KEY_STAGE_4);
	assert_measure(ach->progress8, 0.35, "");
	assert_measure(ach->attainment8, 48.1, "");
	assert_measure(ach->english_maths_5_pct, 45.2, "");
	assert_null(ach->expected_standard);
	assert_null(ach->reading_progress);
	assert_true(ach->expected_standard_pct == 0);

	row = read_ok(&h, ks4_record(a, "1", "926", "137001", "New Academy", "NP", "NE", "45%"), a);
	assert_measure(row.achievement->progress8, 0, "NP");
	assert_measure(row.achievement->attainment8, 0, "NE");
	assert_measure(row.achievement->english_maths_5_pct, 45, "");
	assert_int_equal(row.marked, 2);
	assert_string_equal(row.note, "P8MEA: NP (not published); ATT8SCR: NE (no entries)");

	row = read_ok(&h, ks4_record(a, "4", "926", "", "Norfolk", "-0.12", "45.6", "40.1"), a);
	assert_int_equal(row.kind, IMPORTERS_ROW_COMPARATOR);
	assert_int_equal(row.comparator->key_stage, N2GG__V1__KEY_STAGE__KEY_STAGE_4);
	assert_measure(row.comparator->achievement->progress8, -0.12, "");

	static const char *const cases[][4] = {
		{"10.5", "48", "45", "P8MEA 10.5 is out of range for a Progress 8 score (-10 to 10)"},
		{"0", "90.1", "45", "ATT8SCR 90.1 is out of range for an Attainment 8 score (0 to 90)"},
		{"0", "-1", "45", "ATT8SCR -1 is out of range"},
		{"0", "48", "100.5%", "PTL2BASICS_95 100.5% is out of range for a percentage"},
		{"0.3%", "48", "45", "P8MEA \"0.3%\" is not a number"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct status st = {0};
		struct csvread_record rec = ks4_record(a, "1", "926", "137000", "Holt Academy",
						       cases[i][0], cases[i][1], cases[i][2]);
		assert_failed(importers_achievement_read(&h, &rec, a, &row, &st), &st, cases[i][3]);
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
		T(dfe_headers),
		T(dfe_ks2_schools),
		T(dfe_comparator_rows),
		T(dfe_rejections),
		T(dfe_ks4),
		T(clusters),
		T(cluster_rejections),
		T(rejection_reason_cut_inside_a_character),
		T(contacts),
		T(contact_rejections),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
