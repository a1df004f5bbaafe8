/* Unit tests of logfmt quoting: a value a log reader would misread (spaces, '=', quotes,
 * backslashes, control characters) is quoted and escaped so it reads back as written; a
 * plain word stays bare; a value too long for its buffer is cut at a character's end, never
 * inside an escape, and still closes its quotes; and log_emit writes one whole line however
 * long the values are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "n2gg/v1/registry.pb-c.h"
#include "test_support.h"

static const char *quote(const char *value)
{
	static char buf[512];
	return log_quote(buf, sizeof buf, value);
}

/* Undoes log_quote as a strict logfmt reader would: false when `q` is not a well-formed
 * quoted value (or bare word). */
static bool unquote(const char *q, char *out, size_t size)
{
	size_t o = 0;
	if (*q != '"') {
		if (strpbrk(q, " =\"\\") || !*q)
			return false;
		snprintf(out, size, "%s", q);
		return true;
	}
	for (q++; *q != '"'; q++) {
		if (!*q || o + 2 >= size || (unsigned char)*q < 0x20)
			return false;
		if (*q != '\\') {
			out[o++] = *q;
			continue;
		}
		q++;
		if (*q == '"' || *q == '\\')
			out[o++] = *q;
		else if (*q == 'n')
			out[o++] = '\n';
		else if (*q == 'r')
			out[o++] = '\r';
		else if (*q == 't')
			out[o++] = '\t';
		else if (*q == 'u' && strncmp(q + 1, "00", 2) == 0) {
			unsigned v;
			if (sscanf(q + 3, "%2x", &v) != 1)
				return false;
			out[o++] = (char)v;
			q += 4;
		} else
			return false;
	}
	out[o] = '\0';
	return q[1] == '\0';
}

static void test_a_plain_word_stays_bare(void **state)
{
	(void)state;
	assert_string_equal(quote("registry.school.updated"), "registry.school.updated");
	assert_string_equal(quote("tcp://127.0.0.1:7100"), "tcp://127.0.0.1:7100");
	assert_string_equal(quote("Édouard"), "Édouard");   /* UTF-8 needs no quotes */
}

static void test_empty_and_null_are_an_empty_quoted_value(void **state)
{
	(void)state;
	assert_string_equal(quote(""), "\"\"");
	assert_string_equal(quote(NULL), "\"\"");
}

static void test_spaces_and_equals_are_quoted(void **state)
{
	(void)state;
	assert_string_equal(quote("Norwich Cluster"), "\"Norwich Cluster\"");
	assert_string_equal(quote("a=b"), "\"a=b\"");
	assert_string_equal(quote("https://x.example/?a=1&b=2"), "\"https://x.example/?a=1&b=2\"");
}

static void test_quotes_and_backslashes_are_escaped(void **state)
{
	(void)state;
	assert_string_equal(quote("no cluster \"Norwich Cluster\" (use its id)"),
			    "\"no cluster \\\"Norwich Cluster\\\" (use its id)\"");
	assert_string_equal(quote("C:\\n2gg\\x"), "\"C:\\\\n2gg\\\\x\"");
	assert_string_equal(quote("\""), "\"\\\"\"");
	assert_string_equal(quote("\\"), "\"\\\\\"");
}

static void test_control_characters_are_escaped(void **state)
{
	(void)state;
	assert_string_equal(quote("line one\nline two"), "\"line one\\nline two\"");
	assert_string_equal(quote("a\rb\tc"), "\"a\\rb\\tc\"");
	assert_string_equal(quote("bell\a esc\x1b del\x7f"), "\"bell\\u0007 esc\\u001b del\\u007f\"");
	assert_string_equal(quote("x\x01"), "\"x\\u0001\"");
}

static void test_every_value_reads_back_as_written(void **state)
{
	(void)state;
	const char *values[] = {"plain", "two words", "k=v", "\"quoted\"", "back\\slash",
				"\\\"", "new\nline", "tab\there", "ctl\x02\x1f", "St Mary's \"C of E\" \\ VA",
				"é and ü", ""};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		char back[512];
		assert_true(unquote(quote(values[i]), back, sizeof back));
		assert_string_equal(back, values[i]);
	}
}

static void test_a_long_value_is_cut_cleanly(void **state)
{
	(void)state;
	const char *value = "\"Norwich\" \\ é\nCluster \"Norwich\" \\ é\nCluster \x01 end";
	for (unsigned size = 3; size < 80; size++) {
		char buf[80], back[160];
		memset(buf, 'Z', sizeof buf);
		log_quote(buf, size, value);
		assert_true(strlen(buf) < size);
		assert_int_equal(buf[size], 'Z');   /* nothing past the buffer */
		size_t len = strlen(buf);
		bool cut = len >= 5 && strcmp(buf + len - 4, "...\"") == 0;
		if (cut)
			memmove(buf + len - 4, "\"", 2);
		assert_true(unquote(buf, back, sizeof back));
		/* what is left is the value's start, whole characters only */
		assert_memory_equal(back, value, strlen(back));
		if (!cut && size >= 6)
			assert_string_equal(back, value);
		if (strlen(back) > 0 && strlen(back) < strlen(value))
			assert_true(((unsigned char)value[strlen(back)] & 0xc0) != 0x80);
	}
}

static void test_an_unquoted_value_too_long_is_quoted_and_cut(void **state)
{
	(void)state;
	char buf[10];
	assert_string_equal(log_quote(buf, sizeof buf, "abcdefghijklmnop"), "\"abcd...\"");
	assert_string_equal(log_quote(buf, sizeof buf, "abcdefghi"), "abcdefghi");
}

static void test_enums_are_logged_by_name(void **state)
{
	(void)state;
	assert_string_equal(log_enum(&n2gg__v1__category_of_concern__descriptor,
				     N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES),
			    "CONCERN_SPECIAL_MEASURES");
	assert_string_equal(log_enum(&n2gg__v1__category_of_concern__descriptor, 9), "9");
}

static void test_log_emit_writes_one_whole_line(void **state)
{
	(void)state;
	char path[] = "/tmp/n2gg-test-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	log_init("registry", LOG_INFO);
	char long_value[5000];
	memset(long_value, 'x', sizeof long_value - 1);
	long_value[sizeof long_value - 1] = '\0';
	log_debug("not shown", "n=%d", 1);
	log_warn("request refused", "code=%s error=%s", "NOT_FOUND",
		 log_str("no cluster \"Norwich Cluster\"\nat C:\\x"));
	log_info("long", "a=%s b=%s end=yes", long_value, log_str("two words"));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	FILE *in = fdopen(fd, "r");
	assert_non_null(in);
	rewind(in);
	char *line = NULL;
	size_t cap = 0;
	assert_true(getline(&line, &cap, in) > 0);
	assert_contains(line, " level=warn service=registry msg=\"request refused\" code=NOT_FOUND "
			      "error=\"no cluster \\\"Norwich Cluster\\\"\\nat C:\\\\x\"\n");
	assert_true(getline(&line, &cap, in) > 5000);
	assert_contains(line, " msg=\"long\" a=xxxx");
	assert_contains(line, " b=\"two words\" end=yes\n");
	assert_true(getline(&line, &cap, in) < 0);
	free(line);
	fclose(in);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_plain_word_stays_bare),
		cmocka_unit_test(test_empty_and_null_are_an_empty_quoted_value),
		cmocka_unit_test(test_spaces_and_equals_are_quoted),
		cmocka_unit_test(test_quotes_and_backslashes_are_escaped),
		cmocka_unit_test(test_control_characters_are_escaped),
		cmocka_unit_test(test_every_value_reads_back_as_written),
		cmocka_unit_test(test_a_long_value_is_cut_cleanly),
		cmocka_unit_test(test_an_unquoted_value_too_long_is_quoted_and_cut),
		cmocka_unit_test(test_enums_are_logged_by_name),
		cmocka_unit_test(test_log_emit_writes_one_whole_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
