/* Unit tests of the CLI's one argument parser (driven by a command's table entry) and of
 * its value checks: what a user typing a command gets back, before any network call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"

static int run_nothing(struct cli *cli, const struct cli_args *args)
{
	(void)cli;
	(void)args;
	return 0;
}

/* Shaped like the real commands: two operands, a required option, a flag, a free value. */
static const struct cli_option move_opts[] = {
	{"date", "D", true, "when"},
	{"reason", "TEXT", false, "why"},
	{"dry-run", NULL, false, "report only"},
	{NULL, NULL, false, NULL},
};
static const struct cli_command move_cmd = {"cluster", "move", "URN CLUSTER", move_opts,
					    "Moves a school.", run_nothing};
static const struct cli_command list_cmd = {"cluster", "list", "", NULL, "Lists.", run_nothing};

struct fixture {
	struct cli cli;
	struct cli_args args;
};

static int setup(void **state)
{
	static struct fixture f;
	cli_init(&f.cli);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	cli_free(&f->cli);
	return 0;
}

#define PARSE(f, cmd, ...)                                                                     \
	parse_argv((f), (cmd), (char *[]){__VA_ARGS__, NULL})

static int parse_argv(struct fixture *f, const struct cli_command *cmd, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	f->cli.st.message[0] = '\0';
	f->cli.st.code = 0;
	return cli_args_parse(&f->cli, cmd, argc, argv, &f->args);
}

static void assert_usage(struct fixture *f, int rc, const char *message)
{
	assert_int_equal(rc, -CLI_ERR_USAGE);
	if (!strstr(f->cli.st.message, message))
		fail_msg("usage message \"%s\" does not say \"%s\"", f->cli.st.message, message);
}

static void test_operands_and_options_in_any_order(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(PARSE(f, &move_cmd, "120024", "--date", "2013-09-01", "AYL"), 0);
	assert_string_equal(f->args.operands[0], "120024");
	assert_string_equal(f->args.operands[1], "AYL");
	assert_string_equal(cli_opt(&f->args, "date"), "2013-09-01");
	assert_null(cli_opt(&f->args, "reason"));
	assert_null(cli_opt(&f->args, "dry-run"));

	assert_int_equal(PARSE(f, &move_cmd, "--reason", "merged", "--date=2013-09-01", "120024",
			       "AYL", "--dry-run"),
			 0);
	assert_string_equal(f->args.operands[0], "120024");
	assert_string_equal(f->args.operands[1], "AYL");
	assert_string_equal(cli_opt(&f->args, "date"), "2013-09-01");
	assert_string_equal(cli_opt(&f->args, "reason"), "merged");
	assert_string_equal(cli_opt(&f->args, "dry-run"), "");   /* a flag given */
	assert_null(cli_opt(&f->args, "no-such-option"));
}

static void test_values_may_look_like_options_or_be_empty(void **state)
{
	struct fixture *f = *state;
	/* the word after an option needing a value is its value, whatever it looks like */
	assert_int_equal(PARSE(f, &move_cmd, "120024", "AYL", "--date", "D", "--reason", "--dry-run"),
			 0);
	assert_string_equal(cli_opt(&f->args, "reason"), "--dry-run");
	assert_null(cli_opt(&f->args, "dry-run"));
	assert_int_equal(PARSE(f, &move_cmd, "120024", "AYL", "--date", "D", "--reason="), 0);
	assert_string_equal(cli_opt(&f->args, "reason"), "");
	assert_int_equal(PARSE(f, &move_cmd, "120024", "AYL", "--date", "D", "--reason=a=b"), 0);
	assert_string_equal(cli_opt(&f->args, "reason"), "a=b");
}

static void test_double_dash_ends_options(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(PARSE(f, &move_cmd, "--date", "D", "--", "-120024", "--json"), 0);
	assert_string_equal(f->args.operands[0], "-120024");
	assert_string_equal(f->args.operands[1], "--json");
	assert_false(f->cli.json);
	/* a lone "-" is an operand */
	assert_int_equal(PARSE(f, &move_cmd, "--date", "D", "-", "AYL"), 0);
	assert_string_equal(f->args.operands[0], "-");
}

static void test_json_anywhere(void **state)
{
	struct fixture *f = *state;
	assert_false(f->cli.json);
	assert_int_equal(PARSE(f, &move_cmd, "120024", "--json", "AYL", "--date", "D"), 0);
	assert_true(f->cli.json);
	assert_string_equal(f->args.operands[1], "AYL");
}

static void test_unknown_option(void **state)
{
	struct fixture *f = *state;
	assert_usage(f, PARSE(f, &move_cmd, "120024", "AYL", "--date", "D", "--colour", "red"),
		     "unknown option --colour");
	assert_usage(f, PARSE(f, &move_cmd, "120024", "AYL", "--date=D", "--colour=red"),
		     "unknown option --colour");
	assert_usage(f, PARSE(f, &move_cmd, "-x", "120024", "AYL", "--date", "D"),
		     "unknown option -x");
	/* a prefix of an option is not that option */
	assert_usage(f, PARSE(f, &move_cmd, "120024", "AYL", "--dat", "D"), "unknown option --dat");
	assert_usage(f, PARSE(f, &list_cmd, "--date", "D"), "unknown option --date");
}

static void test_missing_value(void **state)
{
	struct fixture *f = *state;
	assert_usage(f, PARSE(f, &move_cmd, "120024", "AYL", "--date"), "--date needs a value (D)");
	assert_usage(f, PARSE(f, &move_cmd, "120024", "AYL", "--date", "D", "--reason"),
		     "--reason needs a value (TEXT)");
	assert_usage(f, PARSE(f, &move_cmd, "120024", "AYL", "--date", "D", "--dry-run=yes"),
		     "--dry-run takes no value");
}

static void test_missing_operand_and_required_option(void **state)
{
	struct fixture *f = *state;
	assert_usage(f, PARSE(f, &move_cmd, "--date", "D"), "missing URN");
	assert_usage(f, PARSE(f, &move_cmd, "120024", "--date", "D"), "missing CLUSTER");
	assert_usage(f, PARSE(f, &move_cmd, "120024", "AYL"), "--date D is required");
	assert_usage(f, PARSE(f, &move_cmd, "120024", "AYL", "--date", "D", "extra"),
		     "unexpected argument \"extra\"");
	assert_usage(f, PARSE(f, &list_cmd, "anything"), "unexpected argument \"anything\"");
	assert_int_equal(parse_argv(f, &list_cmd, (char *[]){NULL}), 0);
}

static void test_help_is_answered(void **state)
{
	struct fixture *f = *state;
	/* even when the rest of the line is wrong */
	assert_int_equal(PARSE(f, &move_cmd, "--help"), 1);
	assert_int_equal(PARSE(f, &move_cmd, "120024", "-h"), 1);
}

static void test_usage_line(void **state)
{
	(void)state;
	char buf[512] = "";
	FILE *out = fmemopen(buf, sizeof buf - 1, "w");
	cli_print_usage(&move_cmd, out);
	fclose(out);
	assert_string_equal(buf, "usage: n2gg cluster move URN CLUSTER --date D [--reason TEXT] "
				 "[--dry-run] [--json]\n");
}

/* ---- value checks ---- */

static void assert_invalid(struct fixture *f, int rc, const char *message)
{
	assert_int_equal(rc, -STATUS_INVALID_ARGUMENT);
	assert_int_equal(f->cli.st.code, STATUS_INVALID_ARGUMENT);
	if (!strstr(f->cli.st.message, message))
		fail_msg("message \"%s\" does not say \"%s\"", f->cli.st.message, message);
}

static void test_urn(void **state)
{
	struct fixture *f = *state;
	uint32_t urn = 0;
	assert_int_equal(cli_check_urn(&f->cli, "120024", &urn), 0);
	assert_int_equal(urn, 120024);
	assert_int_equal(cli_check_urn(&f->cli, "100000", &urn), 0);
	assert_int_equal(urn, 100000);
	assert_int_equal(cli_check_urn(&f->cli, "999999", &urn), 0);
	assert_int_equal(urn, 999999);
	static const char *const bad[] = {"12", "", "012345", "1234567", "12A456", " 12345",
					  "+12345", "-12345", "120024 ", "１２００２４"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		urn = 7;
		char quoted[64];
		snprintf(quoted, sizeof quoted, "\"%s\"", bad[i]);
		assert_invalid(f, cli_check_urn(&f->cli, bad[i], &urn), quoted);
		assert_invalid(f, cli_check_urn(&f->cli, bad[i], &urn), "6-digit");
		assert_int_equal(urn, 7);   /* untouched */
	}
}

static void test_date(void **state)
{
	struct fixture *f = *state;
	char iso[DATE_ISO_LEN];
	assert_int_equal(cli_check_date(&f->cli, "--date", "2013-09-01", iso), 0);
	assert_string_equal(iso, "2013-09-01");
	assert_int_equal(cli_check_date(&f->cli, "--date", "01/09/2013", iso), 0);
	assert_string_equal(iso, "2013-09-01");
	assert_int_equal(cli_check_date(&f->cli, "--date", "2012-02-29", iso), 0);
	static const char *const bad[] = {"", "2013-02-29", "2013-13-01", "2013-9-1", "tomorrow",
					  "2013-09-01T00:00", "20130901"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char quoted[64];
		snprintf(quoted, sizeof quoted, "--as-of \"%s\" is not a date", bad[i]);
		assert_invalid(f, cli_check_date(&f->cli, "--as-of", bad[i], iso), quoted);
		assert_invalid(f, cli_check_date(&f->cli, "--as-of", bad[i], iso), "YYYY-MM-DD");
	}
}

static void test_yes_no(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *text;
		bool value;
	} good[] = {{"yes", true}, {"YES", true}, {"true", true}, {"no", false},
		    {"No", false}, {"false", false}};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		bool b = !good[i].value;
		assert_int_equal(cli_check_yes_no(&f->cli, "--causing-concern", good[i].text, &b), 0);
		assert_int_equal(b, good[i].value);
	}
	static const char *const bad[] = {"", "maybe", "y", "1", "yess", "no "};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		bool b = true;
		assert_invalid(f, cli_check_yes_no(&f->cli, "--causing-concern", bad[i], &b),
			       "--causing-concern");
		assert_invalid(f, cli_check_yes_no(&f->cli, "--causing-concern", bad[i], &b),
			       "write yes or no");
		assert_true(b);
	}
}

static void test_uint(void **state)
{
	struct fixture *f = *state;
	uint32_t n = 0;
	assert_int_equal(cli_check_uint(&f->cli, "--grade", "1", 1, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cli_check_uint(&f->cli, "--grade", "4", 1, 4, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(cli_check_uint(&f->cli, "--count", "4294967295", 1, UINT32_MAX, &n), 0);
	assert_true(n == UINT32_MAX);
	static const char *const bad[] = {"0", "5", "", "-1", "2.5", "3x", "x3", "99999999999999999999",
					  "4294967296"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		uint32_t max = strcmp(bad[i], "4294967296") == 0 ? UINT32_MAX : 4;
		assert_invalid(f, cli_check_uint(&f->cli, "--grade", bad[i], 1, max, &n),
			       "is not a whole number from 1 to");
	}
	assert_invalid(f, cli_check_uint(&f->cli, "--grade", "7", 1, 4, &n), "--grade \"7\"");
}

static void test_pct(void **state)
{
	struct fixture *f = *state;
	double v = -1;
	assert_int_equal(cli_check_pct(&f->cli, "--on-track", "0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(cli_check_pct(&f->cli, "--on-track", "100", &v), 0);
	assert_true(v == 100);
	assert_int_equal(cli_check_pct(&f->cli, "--on-track", "62.5", &v), 0);
	assert_true(v == 62.5);
	static const char *const bad[] = {"", "-0.1", "100.01", "50%", "nan", "inf", "abc"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_invalid(f, cli_check_pct(&f->cli, "--on-track", bad[i], &v),
			       "is not a percentage from 0 to 100");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_operands_and_options_in_any_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values_may_look_like_options_or_be_empty, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_double_dash_ends_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_anywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_option, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_operand_and_required_option, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_help_is_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yes_no, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pct, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
