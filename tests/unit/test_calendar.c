/* Unit tests of calendar and calendar_yaml: Easter and the bank holidays with their
 * substitute days, Norfolk's pattern against the 2013/14 file, which days are school days,
 * and the calendar file refused on the right line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "calendar.h"
#include "calendar_yaml.h"
#include "date.h"

/* A day from "YYYY-MM-DD". */
static int D(const char *iso)
{
	int day;
	if (date_parse(iso, &day) < 0) {
		print_error("bad date in a test: %s\n", iso);
		fail();
	}
	return day;
}

#define assert_day(day, iso)                                                          \
	do {                                                                           \
		char got_[DATE_ISO_LEN];                                               \
		date_format((day), got_);                                              \
		assert_string_equal(got_, (iso));                                      \
	} while (0)

/* ---- Easter and bank holidays ---- */

static void test_easter(void **state)
{
	(void)state;
	static const char *const easters[] = {
		"1818-03-22", /* the earliest it can be */
		"1943-04-25", /* the latest */
		"2000-04-23", "2008-03-23", "2011-04-24", "2013-03-31", "2014-04-20",
		"2015-04-05", "2016-03-27", "2019-04-21", "2024-03-31", "2025-04-20",
		"2038-04-25", "2285-03-22",
	};
	for (size_t i = 0; i < sizeof easters / sizeof easters[0]; i++) {
		int year;
		sscanf(easters[i], "%d", &year);
		assert_day(calendar_easter(year), easters[i]);
	}
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(calendar_weekday(0), CALENDAR_THURSDAY);   /* 1970-01-01 */
	assert_int_equal(calendar_weekday(-1), CALENDAR_WEDNESDAY); /* 1969-12-31 */
	assert_int_equal(calendar_weekday(D("2013-09-02")), CALENDAR_MONDAY);
	assert_int_equal(calendar_weekday(D("2014-07-22")), CALENDAR_TUESDAY);
	assert_int_equal(calendar_weekday(D("2021-12-25")), CALENDAR_SATURDAY);
	assert_int_equal(calendar_weekday(D("2022-12-25")), CALENDAR_SUNDAY);
}

/* The bank holidays of calendar year `year` are exactly `want` (NULL-terminated). */
static void assert_bank_holidays(int year, bool one_offs, const char *const *want)
{
	char from[16], to[16];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	int days[32];
	int n = calendar_bank_holidays(D(from), D(to), one_offs, days, 32);
	int expected = 0;
	while (want[expected])
		expected++;
	for (int i = 0; i < n && i < expected; i++)
		assert_day(days[i], want[i]);
	assert_int_equal(n, expected);
}

static void test_bank_holidays_of_2021(void **state)
{
	(void)state;
	/* Christmas Day on a Saturday: Monday 27 and Tuesday 28 December */
	static const char *const y2021[] = {"2021-01-01", "2021-04-02", "2021-04-05",
					    "2021-05-03", "2021-05-31", "2021-08-30",
					    "2021-12-27", "2021-12-28", NULL};
	assert_bank_holidays(2021, true, y2021);
}

static void test_substitute_days(void **state)
{
	(void)state;
	/* New Year's Day on a Saturday (2011) and a Sunday (2017); Christmas on a Sunday
	 * (2016: Boxing Day Monday, Christmas Tuesday), on a Friday (2015: Boxing Day on
	 * Saturday moves to Monday 28), on a Saturday (2010) */
	static const char *const y2011[] = {"2011-01-03", "2011-04-22", "2011-04-25",
					    "2011-04-29", "2011-05-02", "2011-05-30",
					    "2011-08-29", "2011-12-26", "2011-12-27", NULL};
	static const char *const y2015[] = {"2015-01-01", "2015-04-03", "2015-04-06",
					    "2015-05-04", "2015-05-25", "2015-08-31",
					    "2015-12-25", "2015-12-28", NULL};
	static const char *const y2016[] = {"2016-01-01", "2016-03-25", "2016-03-28",
					    "2016-05-02", "2016-05-30", "2016-08-29",
					    "2016-12-26", "2016-12-27", NULL};
	static const char *const y2017[] = {"2017-01-02", "2017-04-14", "2017-04-17",
					    "2017-05-01", "2017-05-29", "2017-08-28",
					    "2017-12-25", "2017-12-26", NULL};
	static const char *const y2010[] = {"2010-01-01", "2010-04-02", "2010-04-05",
					    "2010-05-03", "2010-05-31", "2010-08-30",
					    "2010-12-27", "2010-12-28", NULL};
	assert_bank_holidays(2011, true, y2011);  /* with the royal wedding, 29 April */
	assert_bank_holidays(2015, true, y2015);
	assert_bank_holidays(2016, true, y2016);
	assert_bank_holidays(2017, true, y2017);
	assert_bank_holidays(2010, true, y2010);
}

static void test_one_off_changes(void **state)
{
	(void)state;
	static const char *const y2020[] = {"2020-01-01", "2020-04-10", "2020-04-13",
					    "2020-05-08", "2020-05-25", "2020-08-31",
					    "2020-12-25", "2020-12-28", NULL};
	static const char *const y2020_rule[] = {"2020-01-01", "2020-04-10", "2020-04-13",
						 "2020-05-04", "2020-05-25", "2020-08-31",
						 "2020-12-25", "2020-12-28", NULL};
	static const char *const y2022[] = {"2022-01-03", "2022-04-15", "2022-04-18",
					    "2022-05-02", "2022-06-02", "2022-06-03",
					    "2022-08-29", "2022-09-19", "2022-12-26",
					    "2022-12-27", NULL};
	static const char *const y2023[] = {"2023-01-02", "2023-04-07", "2023-04-10",
					    "2023-05-01", "2023-05-08", "2023-05-29",
					    "2023-08-28", "2023-12-25", "2023-12-26", NULL};
	assert_bank_holidays(2020, true, y2020);       /* VE Day moved the Early May one */
	assert_bank_holidays(2020, false, y2020_rule); /* the rules alone */
	assert_bank_holidays(2022, true, y2022);       /* Jubilee and the State Funeral */
	assert_bank_holidays(2023, true, y2023);       /* the coronation */
}

static void test_bank_holidays_count_past_max(void **state)
{
	(void)state;
	int days[3] = {0, 0, 0};
	/* two years: 16, of which only the first 2 are written */
	assert_int_equal(calendar_bank_holidays(D("2013-01-01"), D("2014-12-31"), false, days, 2),
			 16);
	assert_day(days[0], "2013-01-01");
	assert_day(days[1], "2013-03-29");
	assert_int_equal(days[2], 0);
	/* a range inside a year */
	assert_int_equal(calendar_bank_holidays(D("2013-12-25"), D("2013-12-25"), true, days, 3),
			 1);
	assert_int_equal(calendar_bank_holidays(D("2013-12-27"), D("2013-12-31"), true, days, 3),
			 0);
}

/* ---- Norfolk's pattern and the 2013/14 file ---- */

static const char *const norfolk_2014[6][2] = {
	{"2013-09-04", "2013-10-25"}, {"2013-11-04", "2013-12-20"},
	{"2014-01-06", "2014-02-14"}, {"2014-02-24", "2014-04-04"},
	{"2014-04-22", "2014-05-23"}, {"2014-06-02", "2014-07-22"},
};

static void assert_norfolk_2014(const struct calendar *cal)
{
	assert_int_equal(cal->year, 2014);
	assert_int_equal(cal->first_day, D("2013-09-01"));
	assert_int_equal(cal->last_day, D("2014-08-31"));
	for (int h = 0; h < CALENDAR_HALF_TERMS; h++) {
		assert_day(cal->half_terms[h].start, norfolk_2014[h][0]);
		assert_day(cal->half_terms[h].end, norfolk_2014[h][1]);
	}
	static const char *const bank[] = {"2013-12-25", "2013-12-26", "2014-01-01",
					   "2014-04-18", "2014-04-21", "2014-05-05",
					   "2014-05-26", "2014-08-25"};
	assert_int_equal(cal->bank_holiday_count, 8);
	for (int i = 0; i < 8; i++)
		assert_day(cal->bank_holidays[i], bank[i]);
	assert_int_equal(cal->training_day_count, 2);
	assert_day(cal->training_days[0], "2013-09-02");
	assert_day(cal->training_days[1], "2013-09-03");
}

static void test_norfolk_rule_for_2013_14(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	assert_int_equal(calendar_norfolk(&cal, 2014, &st), 0);
	assert_norfolk_2014(&cal);
	assert_string_equal(cal.name, "Norfolk pattern 2013/14");
}

static void test_the_file_for_2013_14(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st = {0};
	int rc = calendar_yaml_parse(&cal, calendar_yaml_norfolk_2014,
				     calendar_yaml_norfolk_2014_len, &st);
	if (rc)
		print_error("%s\n", st.message);
	assert_int_equal(rc, 0);
	assert_norfolk_2014(&cal);
	assert_string_equal(cal.name, "Norfolk 2013/14");
}

static void test_the_rule_equals_the_file(void **state)
{
	(void)state;
	struct calendar rule, file;
	struct status st;
	assert_int_equal(calendar_norfolk(&rule, 2014, &st), 0);
	assert_int_equal(calendar_yaml_builtin(&file, 2014, &st), 0);
	assert_string_equal(file.name, "Norfolk 2013/14");  /* the file, not the rule */
	assert_memory_equal(rule.half_terms, file.half_terms, sizeof rule.half_terms);
	assert_int_equal(rule.bank_holiday_count, file.bank_holiday_count);
	assert_memory_equal(rule.bank_holidays, file.bank_holidays,
			    sizeof rule.bank_holidays[0] * (size_t)rule.bank_holiday_count);
	assert_int_equal(rule.training_day_count, file.training_day_count);
	assert_memory_equal(rule.training_days, file.training_days,
			    sizeof rule.training_days[0] * (size_t)rule.training_day_count);
	/* any other year: the rule */
	assert_int_equal(calendar_yaml_builtin(&file, 2015, &st), 0);
	assert_int_equal(calendar_norfolk(&rule, 2015, &st), 0);
	assert_memory_equal(&rule, &file, sizeof rule);
}

static void test_the_rule_gives_a_sound_year_every_year(void **state)
{
	(void)state;
	for (int year = 1980; year <= 2100; year++) {
		struct calendar cal;
		struct status st;
		if (calendar_norfolk(&cal, year, &st) < 0) {
			print_error("%d: %s\n", year, st.message);
			fail();
		}
		int days = calendar_school_days(&cal, 0, NULL, 0);
		if (days < 185 || days > 200) {
			print_error("%d: %d school days\n", year, days);
			fail();
		}
		for (int h = 1; h <= CALENDAR_HALF_TERMS; h++) {
			int n = calendar_school_days(&cal, h, NULL, 0);
			if (n < 10 || n > 45) {
				print_error("%d: half-term %d has %d school days\n", year, h, n);
				fail();
			}
			/* every half-term starts on a school day, and ends on one or a Friday */
			assert_true(calendar_is_school_day(&cal, cal.half_terms[h - 1].start));
		}
	}
}

static void test_easter_early_and_late(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	/* Easter 5 April 2015: the week of Good Friday and the week after */
	assert_int_equal(calendar_norfolk(&cal, 2015, &st), 0);
	assert_day(cal.half_terms[3].end, "2015-03-27");
	assert_day(cal.half_terms[4].start, "2015-04-13");
	/* Easter 21 April 2019, late: the two weeks up to Good Friday, then Easter Monday */
	assert_int_equal(calendar_norfolk(&cal, 2019, &st), 0);
	assert_day(cal.half_terms[3].end, "2019-04-05");
	assert_day(cal.half_terms[4].start, "2019-04-23");
	/* Easter 16 April 2017: not late */
	assert_int_equal(calendar_norfolk(&cal, 2017, &st), 0);
	assert_day(cal.half_terms[3].end, "2017-04-07");
	assert_day(cal.half_terms[4].start, "2017-04-24");
}

static void test_the_spring_term_starts_after_a_new_year_substitute(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	/* 2022/23: Christmas on a Sunday, New Year's Day on a Sunday (Monday 2 January off) */
	assert_int_equal(calendar_norfolk(&cal, 2023, &st), 0);
	assert_day(cal.half_terms[1].end, "2022-12-16");
	assert_day(cal.half_terms[2].start, "2023-01-03");
	assert_true(calendar_is_bank_holiday(&cal, D("2022-09-19")));  /* the State Funeral */
	assert_false(calendar_is_school_day(&cal, D("2022-09-19")));
	assert_true(calendar_is_bank_holiday(&cal, D("2023-05-08")));   /* the coronation */
	assert_false(calendar_is_school_day(&cal, D("2023-05-08")));
	/* and 2020/21 starts on the Wednesday after Tuesday 1 September */
	assert_int_equal(calendar_norfolk(&cal, 2021, &st), 0);
	assert_day(cal.half_terms[0].start, "2020-09-02");
	assert_int_equal(cal.training_day_count, 1);
	assert_day(cal.training_days[0], "2020-09-01");  /* Monday 31 August is in August */
}

static void test_a_year_out_of_range(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	assert_int_equal(calendar_norfolk(&cal, 1978, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "out of range");
	assert_int_equal(calendar_init(&cal, 3000, &st), -STATUS_INVALID_ARGUMENT);
}

/* ---- school days ---- */

static void test_half_term_of(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	assert_int_equal(calendar_norfolk(&cal, 2014, &st), 0);
	assert_int_equal(calendar_half_term_of(&cal, D("2013-09-03")), 0);  /* training day */
	assert_int_equal(calendar_half_term_of(&cal, D("2013-09-04")), 1);
	assert_int_equal(calendar_half_term_of(&cal, D("2013-10-25")), 1);
	assert_int_equal(calendar_half_term_of(&cal, D("2013-10-28")), 0);  /* half-term */
	assert_int_equal(calendar_half_term_of(&cal, D("2013-11-04")), 2);
	assert_int_equal(calendar_half_term_of(&cal, D("2013-12-25")), 0);
	assert_int_equal(calendar_half_term_of(&cal, D("2014-01-06")), 3);
	assert_int_equal(calendar_half_term_of(&cal, D("2014-02-20")), 0);
	assert_int_equal(calendar_half_term_of(&cal, D("2014-03-15")), 4);  /* a Saturday */
	assert_int_equal(calendar_half_term_of(&cal, D("2014-04-21")), 0);  /* Easter Monday */
	assert_int_equal(calendar_half_term_of(&cal, D("2014-04-22")), 5);
	assert_int_equal(calendar_half_term_of(&cal, D("2014-05-28")), 0);
	assert_int_equal(calendar_half_term_of(&cal, D("2014-07-22")), 6);
	assert_int_equal(calendar_half_term_of(&cal, D("2014-07-23")), 0);
	assert_int_equal(calendar_half_term_of(&cal, D("2014-09-04")), 0);  /* next year */
	assert_int_equal(calendar_half_term_of(&cal, 0), 0);
	assert_string_equal(calendar_half_term_name(3), "spring 1");
	assert_string_equal(calendar_half_term_name(0), "holiday");
	char y[CALENDAR_YEAR_NAME_LEN];
	assert_string_equal(calendar_year_name(2014, y), "2013/14");
	assert_string_equal(calendar_year_name(2000, y), "1999/00");
}

static void test_school_days(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	assert_int_equal(calendar_norfolk(&cal, 2014, &st), 0);
	assert_false(calendar_is_school_day(&cal, D("2013-09-02")));  /* training day */
	assert_true(calendar_is_training_day(&cal, D("2013-09-02")));
	assert_true(calendar_is_school_day(&cal, D("2013-09-04")));
	assert_false(calendar_is_school_day(&cal, D("2013-09-07")));  /* Saturday */
	assert_false(calendar_is_school_day(&cal, D("2013-09-08")));  /* Sunday */
	assert_false(calendar_is_school_day(&cal, D("2013-10-30")));  /* half-term holiday */
	assert_false(calendar_is_school_day(&cal, D("2014-04-18")));  /* Good Friday */
	assert_false(calendar_is_school_day(&cal, D("2014-05-05")));  /* Early May, in term */
	assert_true(calendar_is_bank_holiday(&cal, D("2014-05-05")));
	assert_true(calendar_is_school_day(&cal, D("2014-05-06")));
	assert_false(calendar_is_school_day(&cal, D("2014-08-01")));  /* summer holiday */

	int days[64];
	assert_int_equal(calendar_school_days(&cal, 1, days, 64), 38);
	assert_day(days[0], "2013-09-04");
	assert_day(days[2], "2013-09-06");
	assert_day(days[3], "2013-09-09");  /* the weekend skipped */
	assert_day(days[37], "2013-10-25");
	assert_int_equal(calendar_school_days(&cal, 5, days, 64), 23);
	for (int i = 0; i < 23; i++)
		assert_int_not_equal(days[i], D("2014-05-05"));
	/* 193 days open, as the file's comment says; a count past max is still counted */
	assert_int_equal(calendar_school_days(&cal, 0, days, 64), 193);
	assert_int_equal(calendar_school_days(&cal, 0, NULL, 0), 193);
	assert_int_equal(calendar_school_days(&cal, 7, days, 64), -1);
	int total = 0;
	for (int h = 1; h <= 6; h++)
		total += calendar_school_days(&cal, h, NULL, 0);
	assert_int_equal(total, 193);
}

static void test_check_by_hand(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	assert_int_equal(calendar_norfolk(&cal, 2014, &st), 0);
	struct calendar bad = cal;
	bad.half_terms[2].start = D("2013-12-20");  /* overlaps autumn 2 */
	assert_int_equal(calendar_check(&bad, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message,
			"half-term 3 (spring 1) starts on 2013-12-20, before half-term 2");
	bad = cal;
	bad.training_days[0] = D("2013-09-05");  /* after the second: out of order */
	assert_int_equal(calendar_check(&bad, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "not in ascending order");
	bad = cal;
	bad.bank_holidays[7] = D("2014-09-01");
	assert_int_equal(calendar_check(&bad, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "bank holiday 2014-09-01 is outside the school year 2013/14");
	bad = cal;
	bad.half_terms[5].end = D("2014-06-01");
	assert_int_equal(calendar_check(&bad, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "ends on 2014-06-01, before it starts (2014-06-02)");
	bad = cal;
	bad.training_days[1] = D("2013-09-07");
	assert_int_equal(calendar_check(&bad, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "training day 2013-09-07 is a Saturday");
	bad = cal;
	bad.year = 2015;
	assert_int_equal(calendar_check(&bad, &st), -STATUS_INVALID_ARGUMENT);
	assert_int_equal(calendar_check_half_term(&cal, 0, &st), -STATUS_INVALID_ARGUMENT);
}

/* ---- the YAML file ---- */

/* Lines 1 to 8 of a small valid calendar: the year, then half_terms on line 2 and the six
 * half-terms on lines 3 to 8. */
#define YEAR "year: 2014\n"
#define HT1 "  - {start: 2013-09-04, end: 2013-10-25}\n"
#define HT2 "  - {start: 2013-11-04, end: 2013-12-20}\n"
#define HT3 "  - {start: 2014-01-06, end: 2014-02-14}\n"
#define HT4 "  - {start: 2014-02-24, end: 2014-04-04}\n"
#define HT5 "  - {start: 2014-04-22, end: 2014-05-23}\n"
#define HT6 "  - {start: 2014-06-02, end: 2014-07-22}\n"
#define HALF_TERMS "half_terms:\n" HT1 HT2 HT3 HT4 HT5 HT6
#define SMALL YEAR HALF_TERMS

static int parse(const char *yaml, struct calendar *cal, struct status *st)
{
	memset(st, 0, sizeof *st);
	return calendar_yaml_parse(cal, yaml, strlen(yaml), st);
}

/* `yaml` is refused on `line` (0: with no line) with `words` in the message. */
static void assert_refused(const char *yaml, int line, const char *words)
{
	struct calendar cal;
	struct status st;
	if (parse(yaml, &cal, &st) != -STATUS_INVALID_ARGUMENT) {
		print_error("accepted, or refused with another code: %s\n", st.message);
		fail();
	}
	char prefix[32];
	snprintf(prefix, sizeof prefix, "line %d: ", line);
	if (line > 0 && strncmp(st.message, prefix, strlen(prefix)) != 0) {
		print_error("\"%s\" is not on line %d\n", st.message, line);
		fail();
	}
	if (line == 0 && strncmp(st.message, "line ", 5) == 0) {
		print_error("\"%s\" names a line\n", st.message);
		fail();
	}
	assert_contains(st.message, words);
}

static void test_the_small_calendar_reads(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	assert_int_equal(parse(SMALL, &cal, &st), 0);
	assert_string_equal(cal.name, "2013/14");
	assert_int_equal(cal.training_day_count, 0);
	assert_int_equal(cal.bank_holiday_count, 8);
	assert_day(cal.half_terms[5].end, "2014-07-22");
	/* block style, UK dates, empty lists */
	assert_int_equal(parse("year: 2014\n"
			       "half_terms:\n"
			       "  - start: 04/09/2013\n"
			       "    end: 25/10/2013\n" HT2 HT3 HT4 HT5 HT6
			       "training_days:\n"
			       "bank_holidays: {add: [], remove: }\n",
			       &cal, &st),
			 0);
	assert_day(cal.half_terms[0].start, "2013-09-04");
}

static void test_syntax_errors_and_empty_files(void **state)
{
	(void)state;
	assert_refused(YEAR "half_terms:\n"
			    "  - {start: 2013-09-04, end: 2013-10-25\n"  /* 3: unclosed */
			    HT2, 4, "YAML syntax");
	assert_refused("", 0, "empty");
	assert_refused("# only a comment\n", 0, "empty");
	assert_refused("- 2014\n", 1, "a calendar is a mapping");
}

static void test_unknown_and_repeated_keys(void **state)
{
	(void)state;
	assert_refused(SMALL "training_day: [2013-09-02]\n", 9,
		       "unknown key 'training_day' in the calendar");
	assert_refused(SMALL "year: 2015\n", 9, "'year' appears twice");
	assert_refused(YEAR "half_terms:\n"
			    "  - {start: 2013-09-04, finish: 2013-10-25}\n" HT2 HT3 HT4 HT5 HT6,
		       3, "unknown key 'finish' in half-term 1 (autumn 1)");
	assert_refused(SMALL "bank_holidays: {added: [2014-06-03]}\n", 9,
		       "unknown key 'added' in bank_holidays");
}

static void test_the_year(void **state)
{
	(void)state;
	assert_refused(HALF_TERMS, 1, "no year");
	assert_refused(YEAR, 1, "no half_terms");
	assert_refused("year: 2013/14\n" HALF_TERMS, 1, "as 2014 for 2013/14");
	assert_refused("year: 1900\n" HALF_TERMS, 1, "the school year 1900 is out of range");
	/* the dates are 2013/14's, the year is not */
	assert_refused("year: 2015\n" HALF_TERMS, 3,
		       "half-term 1 (autumn 1) start 2013-09-04 is outside the school year 2015 "
		       "(2014-09-01 to 2015-08-31)");
}

static void test_half_terms(void **state)
{
	(void)state;
	assert_refused(YEAR "half_terms:\n" HT1 HT2 HT3 HT4 HT5, 2,
		       "half_terms lists the 6 half-terms");
	assert_refused(YEAR "half_terms: 2013-09-04\n", 2, "lists the 6 half-terms");
	assert_refused(YEAR "half_terms:\n" HT1 HT2 HT3
			    "  - {start: 2014-02-24, end: 2014-04-31}\n"  /* 6 */
			    HT5 HT6,
		       6, "half-term 4 (spring 2) end '2014-04-31' is not a date");
	assert_refused(YEAR "half_terms:\n" HT1 HT2 HT3 HT4 HT5
			    "  - {start: 2014-06-02}\n", 8, "half-term 6 (summer 2) has no end");
	assert_refused(YEAR "half_terms:\n" HT1 "  - [2013-11-04, 2013-12-20]\n" HT3 HT4 HT5 HT6,
		       4, "half-term 2 (autumn 2) is a mapping");
	/* out of order: on the line of the start that overlaps */
	assert_refused(YEAR "half_terms:\n" HT1
			    "  - start: 2013-10-21\n"  /* 4 */
			    "    end: 2013-12-20\n" HT3 HT4 HT5 HT6,
		       4, "half-term 2 (autumn 2) starts on 2013-10-21, before half-term 1 ends "
			  "(2013-10-25)");
	/* ending before it starts: on the line of the end */
	assert_refused(YEAR "half_terms:\n" HT1 HT2 HT3 HT4 HT5
			    "  - start: 2014-06-02\n"
			    "    end: 2014-05-30\n",  /* 9 */
		       9, "ends on 2014-05-30, before it starts (2014-06-02)");
	/* a half-term of one weekend */
	assert_refused(YEAR "half_terms:\n" HT1 HT2 HT3 HT4 HT5
			    "  - {start: 2014-07-19, end: 2014-07-20}\n",
		       8, "half-term 6 (summer 2), 2014-07-19 to 2014-07-20, has no school day");
	/* past 31 August */
	assert_refused(YEAR "half_terms:\n" HT1 HT2 HT3 HT4 HT5
			    "  - {start: 2014-06-02, end: 2014-09-22}\n",
		       8, "end 2014-09-22 is outside the school year 2014");
}

static void test_training_days(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	/* given out of order, kept in order; one inside a half-term is not a school day */
	assert_int_equal(parse(SMALL "training_days: [2014-01-06, 2013-09-02, 2013-09-03]\n",
			       &cal, &st),
			 0);
	assert_int_equal(cal.training_day_count, 3);
	assert_day(cal.training_days[0], "2013-09-02");
	assert_day(cal.training_days[2], "2014-01-06");
	assert_false(calendar_is_school_day(&cal, D("2014-01-06")));
	assert_int_equal(calendar_half_term_of(&cal, D("2014-01-06")), 3);
	assert_int_equal(calendar_school_days(&cal, 3, NULL, 0), 29);

	assert_refused(SMALL "training_days:\n"
			     "  - 2013-09-02\n"
			     "  - 2013-09-07\n",  /* 11 */
		       11, "training day 2013-09-07 is a Saturday");
	assert_refused(SMALL "training_days: [2013-09-02, 2013-09-02]\n", 9, "listed twice");
	assert_refused(SMALL "training_days: [2014-05-05]\n", 9,
		       "training day 2014-05-05 is a bank holiday");
	assert_refused(SMALL "training_days: [2014-09-01]\n", 9, "outside the school year");
	assert_refused(SMALL "training_days: 2013-09-02\n", 9, "training_days is a list of dates");
	assert_refused(SMALL "training_days: [yesterday]\n", 9,
		       "training day 'yesterday' is not a date");
}

static void test_bank_holiday_changes(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	/* a made-up extra day in term, and Early May taken away */
	assert_int_equal(parse(SMALL "bank_holidays:\n"
				     "  add: [2014-06-03]\n"
				     "  remove: [2014-05-05]\n",
			       &cal, &st),
			 0);
	assert_true(calendar_is_bank_holiday(&cal, D("2014-06-03")));
	assert_false(calendar_is_school_day(&cal, D("2014-06-03")));
	assert_false(calendar_is_bank_holiday(&cal, D("2014-05-05")));
	assert_true(calendar_is_school_day(&cal, D("2014-05-05")));
	assert_int_equal(cal.bank_holiday_count, 8);
	for (int i = 1; i < cal.bank_holiday_count; i++)
		assert_true(cal.bank_holidays[i] > cal.bank_holidays[i - 1]);

	/* 2019/20 stating VE Day's move, which is built in already: the same calendar */
	struct calendar built_in;
	assert_int_equal(calendar_norfolk(&built_in, 2020, &st), 0);
	assert_false(calendar_is_bank_holiday(&built_in, D("2020-05-04")));
	assert_true(calendar_is_bank_holiday(&built_in, D("2020-05-08")));
	char yaml[1024];
	snprintf(yaml, sizeof yaml,
		 "year: 2020\nhalf_terms:\n"
		 "  - {start: 2019-09-04, end: 2019-10-25}\n"
		 "  - {start: 2019-11-04, end: 2019-12-20}\n"
		 "  - {start: 2020-01-06, end: 2020-02-14}\n"
		 "  - {start: 2020-02-24, end: 2020-04-03}\n"
		 "  - {start: 2020-04-20, end: 2020-05-22}\n"
		 "  - {start: 2020-06-01, end: 2020-07-22}\n"
		 "bank_holidays: {add: [2020-05-08], remove: [2020-05-04]}\n");
	assert_int_equal(parse(yaml, &cal, &st), 0);
	assert_int_equal(cal.bank_holiday_count, built_in.bank_holiday_count);
	assert_memory_equal(cal.bank_holidays, built_in.bank_holidays,
			    sizeof cal.bank_holidays[0] * (size_t)cal.bank_holiday_count);

	assert_refused(SMALL "bank_holidays: {remove: [2014-05-06]}\n", 9,
		       "2014-05-06 is not a bank holiday, so it cannot be removed");
	assert_refused(SMALL "bank_holidays: {add: [2014-06-07]}\n", 9,
		       "bank holiday 2014-06-07 is a Saturday");
	assert_refused(SMALL "bank_holidays:\n"
			     "  remove: [2014-05-05]\n"
			     "  add: [2014-05-05]\n",  /* 11 */
		       11, "2014-05-05 is both added and removed");
	assert_refused(SMALL "bank_holidays: [2014-06-03]\n", 9, "bank_holidays is a mapping");
	assert_refused(SMALL "bank_holidays: {add: [2015-06-03]}\n", 9, "outside the school year");
}

static void test_names(void **state)
{
	(void)state;
	struct calendar cal;
	struct status st;
	assert_int_equal(parse("name: Hillside Primary 2013/14\n" SMALL, &cal, &st), 0);
	assert_string_equal(cal.name, "Hillside Primary 2013/14");
	assert_refused("name: [a]\n" SMALL, 1, "name is a text");
	assert_refused("name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n" SMALL,
		       1, "name is a text of 1 to 63 characters");  /* 64 characters */
}

int main(void)
{
#define T(f) cmocka_unit_test(f)
	const struct CMUnitTest tests[] = {
		T(test_easter),
		T(test_weekday),
		T(test_bank_holidays_of_2021),
		T(test_substitute_days),
		T(test_one_off_changes),
		T(test_bank_holidays_count_past_max),
		T(test_norfolk_rule_for_2013_14),
		T(test_the_file_for_2013_14),
		T(test_the_rule_equals_the_file),
		T(test_the_rule_gives_a_sound_year_every_year),
		T(test_easter_early_and_late),
		T(test_the_spring_term_starts_after_a_new_year_substitute),
		T(test_a_year_out_of_range),
		T(test_half_term_of),
		T(test_school_days),
		T(test_check_by_hand),
		T(test_the_small_calendar_reads),
		T(test_syntax_errors_and_empty_files),
		T(test_unknown_and_repeated_keys),
		T(test_the_year),
		T(test_half_terms),
		T(test_training_days),
		T(test_bank_holiday_changes),
		T(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
