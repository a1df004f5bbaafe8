/* Unit tests of date: parsing the forms council files use, arithmetic, formatting. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "date.h"

static void test_parses_iso_and_uk_forms(void **state)
{
	(void)state;
	int a, b, c;
	assert_int_equal(date_parse("2013-09-27", &a), 0);
	assert_int_equal(date_parse("27-09-2013", &b), 0);
	assert_int_equal(date_parse("27/09/2013", &c), 0);
	assert_int_equal(a, b);
	assert_int_equal(a, c);
	char out[DATE_ISO_LEN];
	assert_string_equal(date_format(a, out), "2013-09-27");
}

static void test_rejects_impossible_dates(void **state)
{
	(void)state;
	int d;
	assert_int_equal(date_parse("2013-02-29", &d), -1);
	assert_int_equal(date_parse("2012-02-29", &d), 0);   /* leap year */
	assert_int_equal(date_parse("1900-02-29", &d), -1);  /* century, not leap */
	assert_int_equal(date_parse("2013-13-01", &d), -1);
	assert_int_equal(date_parse("31/04/2013", &d), -1);
	assert_int_equal(date_parse("2013-9-1", &d), -1);
	assert_int_equal(date_parse("", &d), -1);
	assert_int_equal(date_parse("yesterday", &d), -1);
}

static void test_epoch_and_round_trip(void **state)
{
	(void)state;
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(date_from_ymd(2000, 3, 1) - date_from_ymd(2000, 2, 28), 2);
	for (int d = -1000; d < 40000; d += 37) {
		int y, m, dd;
		date_to_ymd(d, &y, &m, &dd);
		assert_int_equal(date_from_ymd(y, m, dd), d);
	}
}

static void test_normalise(void **state)
{
	(void)state;
	char out[DATE_ISO_LEN];
	assert_int_equal(date_normalise("01/09/2013", out), 0);
	assert_string_equal(out, "2013-09-01");
	assert_int_equal(date_normalise("", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(date_normalise("2013/09/01", out), -1);
}

/* An override set --until 2027-03-31 ends at the following midnight: shown back as the
 * day given, not as the instant it ends. */
static void test_expiry_shown_as_the_day_given(void **state)
{
	(void)state;
	char out[DATE_EXPIRY_LEN];
	long long until = (long long)(date_from_ymd(2027, 3, 31) + 1) * DATE_MS_PER_DAY;
	assert_string_equal(date_format_expiry(until, out), "2027-03-31");
	assert_string_equal(date_format_expiry(until + 37230000, out), "2027-04-01T10:20:30Z");
	assert_string_equal(date_format_expiry(until - 1000, out), "2027-03-31T23:59:59Z");
	assert_string_equal(date_format_expiry(0, out), "1969-12-31");
	assert_string_equal(date_format_expiry(-DATE_MS_PER_DAY + 1000, out), "1969-12-31T00:00:01Z");
	/* any number a request may hold gives a date, never an overflow */
	assert_string_equal(date_format_expiry(LLONG_MAX, out), "9999-12-31T07:12:55Z");
	assert_int_equal(strlen(date_format_expiry(LLONG_MIN, out)), DATE_EXPIRY_LEN - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_iso_and_uk_forms),
		cmocka_unit_test(test_rejects_impossible_dates),
		cmocka_unit_test(test_epoch_and_round_trip),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_expiry_shown_as_the_day_given),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
