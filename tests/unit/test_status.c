/* Unit tests of status: failure messages travel in proto3 string fields, so they must be
 * UTF-8 whatever they quote (a Python client refuses a whole reply that is not); and of
 * utf8, which makes them so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "status.h"
#include "utf8.h"

static void test_fail_returns_minus_code(void **state)
{
	(void)state;
	struct status st;
	assert_int_equal(status_fail(&st, STATUS_NOT_FOUND, "no school with URN %u", 121234u),
			 -STATUS_NOT_FOUND);
	assert_int_equal(st.code, STATUS_NOT_FOUND);
	assert_string_equal(st.message, "no school with URN 121234");
	assert_int_equal(status_fail(NULL, STATUS_INTERNAL, "nobody listens"), -STATUS_INTERNAL);
}

static void test_keeps_utf8_intact(void **state)
{
	(void)state;
	struct status st;
	const char *text = "Caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x98\x80 St Mary\xE2\x80\x99s";
	status_fail(&st, STATUS_INVALID_ARGUMENT, "%s", text);
	assert_string_equal(st.message, text);
}

/* "%.80s" of a quoted field can end in the middle of a character */
static void test_character_cut_by_precision(void **state)
{
	(void)state;
	struct status st;
	status_fail(&st, STATUS_INVALID_ARGUMENT, "URN \"%.2s\" is not a 6-digit number",
		    "a\xC3\xBC");
	assert_string_equal(st.message, "URN \"a?\" is not a 6-digit number");
	status_fail(&st, STATUS_INVALID_ARGUMENT, "[%.3s]", "\xF0\x9F\x98\x80");
	assert_string_equal(st.message, "[???]");
}

static void test_character_cut_by_message_size(void **state)
{
	(void)state;
	struct status st;
	char text[600];
	memset(text, 'x', sizeof st.message - 2);
	strcpy(text + sizeof st.message - 2, "\xE2\x82\xAC and more");
	status_fail(&st, STATUS_INVALID_ARGUMENT, "%s", text);
	assert_int_equal(strlen(st.message), sizeof st.message - 1);
	assert_int_equal(st.message[sizeof st.message - 2], '?');
	assert_int_equal(st.message[sizeof st.message - 3], 'x');
}

/* bytes a client sent that were never UTF-8: Windows-1252, overlongs, surrogates */
static void test_bytes_that_are_not_utf8(void **state)
{
	(void)state;
	struct status st;
	status_fail(&st, STATUS_INVALID_ARGUMENT, "partner id \"%s\"",
		    "O\x92" "Brien \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 \xFF");
	assert_string_equal(st.message, "partner id \"O?Brien ?? ??? ???? ?\"");
}

/* the helpers under it */
static void test_utf8_sequences(void **state)
{
	(void)state;
	assert_int_equal(utf8_sequence("a", 1), 1);
	assert_int_equal(utf8_sequence("\xC3\xA9", 2), 2);
	assert_int_equal(utf8_sequence("\xE2\x80\x99", 3), 3);
	assert_int_equal(utf8_sequence("\xF0\x9F\x98\x80", 4), 4);
	assert_int_equal(utf8_sequence("\xC3\xA9", 1), 0);          /* cut short */
	assert_int_equal(utf8_sequence("\xC0\xAF", 2), 0);          /* overlong */
	assert_int_equal(utf8_sequence("\xED\xA0\x80", 3), 0);      /* surrogate */
	assert_int_equal(utf8_sequence("\xF4\x90\x80\x80", 4), 0);  /* past U+10FFFF */
	assert_int_equal(utf8_sequence("\x80", 1), 0);
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("caf\xE9", 4));
	char s[] = "ok \xC3\xA9 \xE9 \xE2\x80";
	utf8_repair(s);
	assert_string_equal(s, "ok \xC3\xA9 ? ??");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_returns_minus_code),
		cmocka_unit_test(test_keeps_utf8_intact),
		cmocka_unit_test(test_character_cut_by_precision),
		cmocka_unit_test(test_character_cut_by_message_size),
		cmocka_unit_test(test_bytes_that_are_not_utf8),
		cmocka_unit_test(test_utf8_sequences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
