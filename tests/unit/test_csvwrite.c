/* csvwrite: records as a spreadsheet reads them, formulas shown and never run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "csvwrite.h"

static char *row(const char *const *cells, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	csvwrite_row(f, cells, n);
	fclose(f);
	return buf;
}

static void test_plain_and_quoted(void **state)
{
	(void)state;
	const char *cells[] = {"120024", "Tittleshall, Primary", "say \"hi\"", NULL, " x", "a\nb"};
	char *s = row(cells, 6);
	assert_string_equal(s, "120024,\"Tittleshall, Primary\",\"say \"\"hi\"\"\",,\" x\",\"a\nb\"\r\n");
	free(s);
}

static void test_formulas_are_shown_not_run(void **state)
{
	(void)state;
	const char *cells[] = {"=HYPERLINK(\"http://x\")", "+1+2", "@SUM(A1)", "-3.5", "-", "\tx",
			       "a=b"};
	char *s = row(cells, 7);
	/* a negative number stays a number; a lone '-' is text a spreadsheet would not run,
	 * but it is not a number either, so it is marked too */
	assert_string_equal(s, "\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1+2\",\"'@SUM(A1)\",-3.5,"
			       "\"'-\",\"'\tx\",a=b\r\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_quoted),
		cmocka_unit_test(test_formulas_are_shown_not_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
