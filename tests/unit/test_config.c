/* Unit tests of config_load's config file (`--config FILE`): a file that sets what the flags
 * can set works, and anything else in it — an unknown or misspelt name, a line that is not
 * `name = value`, another service's section, an indented line inih would glue onto the
 * setting above, a setting given twice, a line too long to read whole — stops the service
 * with the file, the line and the name, as an unknown flag does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "test_support.h"

struct fixture {
	char path[64];
	struct config_option opts[3];
	struct config cfg;
	struct status st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	f->opts[0] = (struct config_option){"api", "tcp://127.0.0.1:7100", "API endpoint", NULL};
	f->opts[1] = (struct config_option){"log-level", "info", "log level", NULL};
	f->opts[2] = (struct config_option){"insecure-plaintext", "no", "no CURVE", NULL};
	f->cfg = (struct config){"n2gg-registry", "N2GG_UNITCFG_", "test", f->opts, 3};
	snprintf(f->path, sizeof f->path, "/tmp/n2gg-test-config-XXXXXX");
	int fd = mkstemp(f->path);
	if (fd < 0)
		return -1;
	close(fd);
	unsetenv("N2GG_CONFIG");
	unsetenv("N2GG_UNITCFG_API");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	config_free(&f->cfg);
	unlink(f->path);
	free(f);
	unsetenv("N2GG_CONFIG");
	unsetenv("N2GG_UNITCFG_API");
	return 0;
}

/* Writes `text` to the fixture's file and loads it with --config, then the extra flags. */
static int load(struct fixture *f, const char *text, const char *flag, const char *value)
{
	FILE *out = fopen(f->path, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
	char *argv[] = {"n2gg-registry", "--config", f->path, (char *)flag, (char *)value, NULL};
	status_clear(&f->st);
	return config_load(&f->cfg, flag ? (value ? 5 : 4) : 3, argv, &f->st);
}

/* The message starts with "FILE:LINE: " and holds `says`. */
static void assert_refused_at(struct fixture *f, int rc, int line, const char *says)
{
	assert_true(rc < 0);
	assert_int_equal(f->st.code, STATUS_INVALID_ARGUMENT);
	char where[96];
	snprintf(where, sizeof where, "%s:%d: ", f->path, line);
	if (strncmp(f->st.message, where, strlen(where)) != 0) {
		print_error("\"%s\" does not start with \"%s\"\n", f->st.message, where);
		fail();
	}
	assert_contains(f->st.message, says);
}

static void test_a_good_file_sets_what_flags_set(void **state)
{
	struct fixture *f = *state;
	int rc = load(f,
		      "\xef\xbb\xbf; n2gg-registry on the test box\n"
		      "# both comment styles\n\n"
		      "api = tcp://127.0.0.1:9100   ; inline comment\n"
		      "log-level: debug\r\n"
		      "insecure-plaintext = yes",   /* no newline at the end */
		      NULL, NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(config_get(&f->cfg, "api"), "tcp://127.0.0.1:9100");
	assert_string_equal(config_get(&f->cfg, "log-level"), "debug");
	assert_string_equal(config_get(&f->cfg, "insecure-plaintext"), "yes");
}

static void test_environment_and_flags_override_the_file(void **state)
{
	struct fixture *f = *state;
	setenv("N2GG_UNITCFG_API", "tcp://127.0.0.1:9200", 1);
	assert_int_equal(load(f, "api = tcp://127.0.0.1:9100\nlog-level = warn\n", "--log-level",
			      "error"),
			 0);
	assert_string_equal(config_get(&f->cfg, "api"), "tcp://127.0.0.1:9200");
	assert_string_equal(config_get(&f->cfg, "log-level"), "error");
}

static void test_an_unknown_setting_is_refused_with_file_line_and_name(void **state)
{
	struct fixture *f = *state;
	int rc = load(f, "api = tcp://127.0.0.1:9100\n\n; the old name\nloglevel = debug\n", NULL,
		      NULL);
	assert_refused_at(f, rc, 4, "unknown setting \"loglevel\" (see n2gg-registry --help)");
}

static void test_a_name_with_a_space_or_a_flag_dash_is_unknown(void **state)
{
	struct fixture *f = *state;
	assert_refused_at(f, load(f, "log level = debug\n", NULL, NULL), 1,
			  "unknown setting \"log level\"");
	assert_refused_at(f, load(f, "--api = tcp://127.0.0.1:1\n", NULL, NULL), 1,
			  "unknown setting \"--api\"");
	assert_refused_at(f, load(f, "= debug\n", NULL, NULL), 1, "unknown setting \"\"");
	/* --config is a flag, not a setting a file may hold */
	assert_refused_at(f, load(f, "config = /etc/other.ini\n", NULL, NULL), 1,
			  "unknown setting \"config\"");
}

static void test_a_line_that_is_not_a_setting_is_refused_with_its_text(void **state)
{
	struct fixture *f = *state;
	int rc = load(f, "api = tcp://127.0.0.1:9100\nlog-level debug\n", NULL, NULL);
	assert_refused_at(f, rc, 2, "\"log-level debug\" is not a setting (`name = value`)");
}

static void test_the_first_problem_is_the_one_named(void **state)
{
	struct fixture *f = *state;
	int rc = load(f, "colour = blue\nnonsense\n", NULL, NULL);
	assert_refused_at(f, rc, 1, "unknown setting \"colour\"");
	rc = load(f, "nonsense\ncolour = blue\n", NULL, NULL);
	assert_refused_at(f, rc, 1, "\"nonsense\" is not a setting");
}

static void test_only_the_services_own_section_is_allowed(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(load(f, "[registry]\nlog-level = debug\n", NULL, NULL), 0);
	assert_string_equal(config_get(&f->cfg, "log-level"), "debug");
	config_free(&f->cfg);

	assert_refused_at(f, load(f, "log-level = debug\n[categoriser]\napi = tcp://x:1\n", NULL, NULL),
			  2, "section [categoriser]: the file holds n2gg-registry's settings only");
	assert_refused_at(f, load(f, "[registry\nlog-level = debug\n", NULL, NULL), 1,
			  "section header \"[registry\" without ']'");
}

static void test_an_indented_line_is_not_glued_onto_the_setting_above(void **state)
{
	struct fixture *f = *state;
	/* inih would have made api "tcp://127.0.0.1:9100\nlog-level = debug" */
	int rc = load(f, "api = tcp://127.0.0.1:9100\n  log-level = debug\n", NULL, NULL);
	assert_refused_at(f, rc, 2, "indented line \"log-level = debug\"");
	/* before any setting an indent is harmless */
	assert_int_equal(load(f, "  log-level = debug\n", NULL, NULL), 0);
}

static void test_a_setting_given_twice_is_refused(void **state)
{
	struct fixture *f = *state;
	int rc = load(f, "log-level = debug\napi = tcp://127.0.0.1:1\nlog-level = warn\n", NULL,
		      NULL);
	assert_refused_at(f, rc, 3, "log-level is set twice (first on line 1)");
}

static void test_a_line_too_long_to_read_whole_is_refused(void **state)
{
	struct fixture *f = *state;
	char text[600];
	int n = snprintf(text, sizeof text, "log-level = debug\napi = tcp://");
	memset(text + n, 'a', 400);
	snprintf(text + n + 400, sizeof text - (size_t)n - 400, ":1\nlog-level = warn\n");
	int rc = load(f, text, NULL, NULL);
	assert_refused_at(f, rc, 2, "line longer than");
}

static void test_a_missing_file_is_refused_with_the_reason(void **state)
{
	struct fixture *f = *state;
	char *argv[] = {"n2gg-registry", "--config=/nonexistent/n2gg.ini", NULL};
	assert_true(config_load(&f->cfg, 2, argv, &f->st) < 0);
	assert_contains(f->st.message, "cannot read config file /nonexistent/n2gg.ini: No such file");
}

static void test_the_file_may_come_from_the_environment(void **state)
{
	struct fixture *f = *state;
	FILE *out = fopen(f->path, "w");
	assert_non_null(out);
	fputs("log-level = warn\ncolor = blue\n", out);
	fclose(out);
	setenv("N2GG_CONFIG", f->path, 1);
	char *argv[] = {"n2gg-registry", NULL};
	assert_refused_at(f, config_load(&f->cfg, 1, argv, &f->st), 2, "unknown setting \"color\"");
}

static void test_an_unknown_flag_is_still_refused(void **state)
{
	struct fixture *f = *state;
	int rc = load(f, "log-level = warn\n", "--colour", "blue");
	assert_true(rc < 0);
	assert_string_equal(f->st.message, "unknown setting --colour (see n2gg-registry --help)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_a_good_file_sets_what_flags_set),
		T(test_environment_and_flags_override_the_file),
		T(test_an_unknown_setting_is_refused_with_file_line_and_name),
		T(test_a_name_with_a_space_or_a_flag_dash_is_unknown),
		T(test_a_line_that_is_not_a_setting_is_refused_with_its_text),
		T(test_the_first_problem_is_the_one_named),
		T(test_only_the_services_own_section_is_allowed),
		T(test_an_indented_line_is_not_glued_onto_the_setting_above),
		T(test_a_setting_given_twice_is_refused),
		T(test_a_line_too_long_to_read_whole_is_refused),
		T(test_a_missing_file_is_refused_with_the_reason),
		T(test_the_file_may_come_from_the_environment),
		T(test_an_unknown_flag_is_still_refused),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
