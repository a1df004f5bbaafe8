/* Unit tests of yamldoc: what reaches a service's report callback is UTF-8 even when a
 * problem quotes a key too long for its 255 bytes (the scheduler's entitlement policy
 * passes the text on as it is). Found by fuzz_entitlement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "utf8.h"
#include "yamldoc.h"

struct seen {
	char message[512];
	int line;
	int count;
};

static void remember(void *ctx, int line, const char *message)
{
	struct seen *s = ctx;
	snprintf(s->message, sizeof s->message, "%s", message);
	s->line = line;
	s->count++;
}

static void test_a_long_key_cut_inside_a_character(void **state)
{
	(void)state;
	char yaml[1024] = "name: n\nx";
	for (int i = 0; i < 200; i++)
		strcat(yaml, "\xE2\x80\x99");   /* 3 bytes each */
	strcat(yaml, ": 1\n");
	struct seen seen = {0};
	struct yamldoc d = {.report = remember, .ctx = &seen};
	yaml_node_t *root;
	assert_int_equal(yamldoc_load(&d, yaml, strlen(yaml), &root), 0);
	static const char *const allowed[] = {"name", NULL};
	assert_int_equal(yamldoc_check_keys(&d, root, "the policy", allowed), -1);
	yamldoc_free(&d);
	assert_int_equal(seen.count, 1);
	assert_int_equal(seen.line, 2);
	size_t n = strlen(seen.message);
	assert_int_equal(n, 255);
	assert_true(strncmp(seen.message, "unknown key 'x\xE2\x80\x99", 17) == 0);
	assert_true(utf8_valid(seen.message, n));
	/* "unknown key 'x" is 14 bytes, 80 characters 240 more: one byte of the 81st is left */
	assert_int_equal(seen.message[n - 1], '?');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_long_key_cut_inside_a_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
