/* Unit tests of policy_yaml: what the reader refuses (errors) and what it accepts with a
 * warning, each on the line an officer editing the file would look at, and the default
 * policy reading cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "test_support.h"
#include "categoriser_support.h"
#include "policy.h"
#include "policy_yaml.h"
#include "utf8.h"

extern const char categoriser_default_policy[];
extern const size_t categoriser_default_policy_len;
extern const char categoriser_la_2019_policy[];
extern const size_t categoriser_la_2019_policy_len;

/* The pieces of a small valid policy; the numbers are the lines they take in HEAD. */
#define NAME_VERSION            \
	"name: test\n"          \
	"version: \"1\"\n"                                   /* 1-2 */
#define FLOORS                                               \
	"floor_standards:\n"                                 \
	"  - {from_year: 2010, expected_standard_pct: 60}\n" /* 3-4 */
#define CATEGORIES                             \
	"categories:\n"                        \
	"  A: {name: Causing concern}\n"       \
	"  C: {name: Requires improvement}\n"  /* 5-7 */
#define HEAD NAME_VERSION FLOORS CATEGORIES /* 7 lines */
#define REST_RULE              \
	"  - id: rest\n"       \
	"    category: C\n"    \
	"    when: always\n"

/* Reads `yaml` into a policy and frees it; *r holds the problems. */
static int parse(const char *yaml, struct policy_report *r)
{
	struct policy p;
	memset(r, 0, sizeof *r);
	policy_init(&p);
	int rc = policy_yaml_parse(&p, yaml, strlen(yaml), r);
	policy_free(&p);
	return rc;
}

/* The problem whose message has `words` in it; fails when there is none. */
static const struct policy_problem *problem(const struct policy_report *r, const char *words)
{
	for (int i = 0; i < r->count; i++)
		if (strstr(r->problems[i].message, words))
			return &r->problems[i];
	print_error("no problem mentions \"%s\"; the problems are:\n", words);
	report_print(r);
	fail();
	return NULL;
}

/* `yaml` is refused with an error on `line` whose message has `words`. */
static void assert_refused(const char *yaml, int line, const char *words)
{
	struct policy_report r;
	assert_int_equal(parse(yaml, &r), -1);
	assert_true(r.errors > 0);
	const struct policy_problem *pr = problem(&r, words);
	assert_false(pr->warning);
	assert_int_equal(pr->line, line);
}

/* `yaml` is accepted, with a warning on `line` whose message has `words`. */
static void assert_warned(const char *yaml, int line, const char *words)
{
	struct policy_report r;
	assert_int_equal(parse(yaml, &r), 0);
	assert_int_equal(r.errors, 0);
	const struct policy_problem *pr = problem(&r, words);
	assert_true(pr->warning);
	assert_int_equal(pr->line, line);
}

/* HEAD, "rules:" on line 8, then `rule` from line 9, then REST_RULE. */
#define WITH_RULE(rule) HEAD "rules:\n" rule REST_RULE

static void test_the_small_policy_is_clean(void **state)
{
	(void)state;
	struct policy_report r;
	assert_int_equal(parse(WITH_RULE("  - id: concern\n"
					 "    category: A\n"
					 "    when: {fact: la.causing_concern, is: true}\n"),
			       &r),
			 0);
	report_print(&r);
	assert_int_equal(r.count, 0);
}

/* ---- the document ---- */

static void test_a_yaml_syntax_error(void **state)
{
	(void)state;
	assert_refused(NAME_VERSION
		       "categories:\n"
		       "\tA: {name: Causing concern}\n",   /* 4: a tab indents */
		       4, "YAML syntax");
	assert_refused(NAME_VERSION
		       "categories:\n"
		       "  A: {name: Causing concern}\n"
		       "   C: {name: Requires improvement}\n",   /* 5: indented too far */
		       5, "YAML syntax");
}

static void test_an_empty_file(void **state)
{
	(void)state;
	assert_refused("", 0, "empty");
	assert_refused("# nothing but a comment\n", 0, "empty");
}

/* A CheckPolicy request whose text is left empty unpacks to NULL and length 0; libyaml
 * aborted the categoriser by assertion on that. It is an empty policy, refused as one.
 * Found by fuzz_api. */
static void test_no_text_at_all(void **state)
{
	(void)state;
	struct policy p;
	struct policy_report r = {0};
	policy_init(&p);
	assert_int_equal(policy_yaml_parse(&p, NULL, 0, &r), -1);
	policy_free(&p);
	problem(&r, "empty");
}

static void test_a_policy_is_a_mapping(void **state)
{
	(void)state;
	assert_refused("- name: test\n", 1, "a policy is a mapping");
}

static void test_an_unknown_top_level_key(void **state)
{
	(void)state;
	assert_refused(NAME_VERSION
		       "owner: Children's Services\n"   /* 3 */
		       CATEGORIES "rules:\n" REST_RULE,
		       3, "unknown key 'owner' in the policy");
}

/* A problem quotes the key whole and is cut at its 255 bytes, there in the middle of a
 * character: the cut character becomes '?', so that the CheckPolicy reply (a proto3
 * string) stays UTF-8. Found by fuzz_entitlement, which reads YAML the same way. */
static void test_a_long_key_cut_inside_a_character(void **state)
{
	(void)state;
	char yaml[1024] = NAME_VERSION "x";
	for (int i = 0; i < 200; i++)
		strcat(yaml, "\xC3\xA9");
	strcat(yaml, ": 1\n" CATEGORIES "rules:\n" REST_RULE);
	struct policy_report r;
	assert_int_equal(parse(yaml, &r), -1);
	const struct policy_problem *pr = problem(&r, "unknown key 'x\xC3\xA9");
	if (!pr) {
		fail();
		return;   /* fail() does not return, but the compiler cannot know */
	}
	size_t n = strlen(pr->message);
	assert_int_equal(n, sizeof pr->message - 1);
	assert_true(utf8_valid(pr->message, n));
	assert_int_equal(pr->message[n - 1], '?');
}

static void test_a_missing_name_or_version(void **state)
{
	(void)state;
	assert_refused("version: \"1\"\n" FLOORS CATEGORIES "rules:\n" REST_RULE, 1,
		       "the policy's name");
	assert_refused("name: test\n" FLOORS CATEGORIES "rules:\n" REST_RULE, 1,
		       "the policy's version");
	assert_refused("name: test\n"
		       "version: \"\"\n"   /* 2 */
		       FLOORS CATEGORIES "rules:\n" REST_RULE,
		       2, "the policy's version must be a non-empty text");
}

static void test_every_problem_is_reported(void **state)
{
	(void)state;
	struct policy_report r;
	assert_int_equal(parse(WITH_RULE("  - id: one\n"
					 "    cateogry: A\n"                         /* 10 */
					 "    when: {fact: la.causing_concern, is: true}\n"
					 "  - id: two\n"
					 "    category: A\n"
					 "    when: {fact: ofsted.grade, is: 4}\n"), /* 14 */
			       &r),
			 -1);
	assert_int_equal(r.errors, 2);
	assert_int_equal(problem(&r, "cateogry")->line, 10);
	assert_int_equal(problem(&r, "ofsted.grade")->line, 14);
}

/* ---- rules ---- */

static void test_an_unknown_key_in_a_rule(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: concern\n"
				 "    cateogry: A\n"   /* 10 */
				 "    when: {fact: la.causing_concern, is: true}\n"),
		       10, "unknown key 'cateogry' in a rule");
}

static void test_a_rule_in_a_category_the_policy_does_not_define(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: outstanding\n"
				 "    category: G\n"   /* 10 */
				 "    when: {fact: ofsted.overall, is: 1}\n"),
		       10, "rule 'outstanding': category 'G' is not one of the policy's categories");
}

static void test_a_rule_without_when(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: concern\n"   /* 9 */
				 "    category: A\n"),
		       9, "rule 'concern' has no 'when'");
}

static void test_a_duplicate_rule_id(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: concern\n"   /* 9 */
				 "    category: A\n"
				 "    when: {fact: la.causing_concern, is: true}\n"
				 "  - id: concern\n"   /* 12 */
				 "    category: A\n"
				 "    when: {fact: la.psswn_issued, is: true}\n"),
		       12, "rule id 'concern' is used twice (first at line 9)");
}

/* ---- conditions ---- */

static void test_an_unknown_fact(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: weak\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fact: ofsted.grade\n"   /* 12 */
				 "      is: 4\n"),
		       12, "unknown fact 'ofsted.grade'");
}

static void test_a_misspelt_operator(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: weak\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fact: ofsted.overall\n"
				 "      is_at_least: 3\n"),   /* 13 */
		       13, "unknown key 'is_at_least' in a comparison");
}

static void test_a_comparison_with_two_operators(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: weak\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fact: ofsted.overall\n"   /* 12 */
				 "      at_least: 3\n"
				 "      at_most: 4\n"),
		       12, "exactly one of is, is_not, at_least");
}

static void test_a_grade_out_of_range(void **state)
{
	(void)state;
	struct policy_report r;
	assert_int_equal(parse(WITH_RULE("  - id: weak\n"
					 "    category: A\n"
					 "    when:\n"
					 "      fact: ofsted.overall\n"
					 "      is: 7\n"),   /* 13 */
			       &r),
			 -1);
	const struct policy_problem *pr = problem(&r, "ofsted.overall is 7, out of range");
	assert_int_equal(pr->line, 13);
	assert_contains(pr->message, "1 to 4");
}

static void test_a_grade_that_is_not_whole(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: weak\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fact: ofsted.overall\n"
				 "      at_least: 2.5\n"),   /* 13 */
		       13, "ofsted.overall is a whole grade, not 2.5");
}

static void test_a_misspelt_condition_key_is_named(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: weak\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fcat: ofsted.overall\n"   /* 12 */
				 "      is: 4\n"),
		       12, "(found 'fcat')");
}

static void test_a_value_out_of_range_in_a_list(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: weak\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fact: ofsted.overall\n"
				 "      in: [3, 4,\n"
				 "           0]\n"),   /* 14 */
		       14, "ofsted.overall is 0, out of range");
}

static void test_a_bool_compared_with_at_least(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: concern\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fact: la.causing_concern\n"
				 "      at_least: 1\n"),   /* 13 */
		       13, "la.causing_concern can only be compared with is, is_not or in");
}

static void test_a_bool_that_is_not_true_or_false(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: concern\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fact: la.causing_concern\n"
				 "      is: maybe\n"),   /* 13 */
		       13, "la.causing_concern is true or false, not 'maybe'");
}

static void test_an_enum_value_that_does_not_exist(void **state)
{
	(void)state;
	struct policy_report r;
	assert_int_equal(parse(WITH_RULE("  - id: small\n"
					 "    category: A\n"
					 "    when:\n"
					 "      fact: school.phase\n"
					 "      is: primry\n"),   /* 13 */
			       &r),
			 -1);
	const struct policy_problem *pr = problem(&r, "school.phase has no value 'primry'");
	assert_int_equal(pr->line, 13);
	assert_contains(pr->message, "primary");   /* the values it could be */
}

static void test_in_with_an_empty_list(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: small\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fact: school.phase\n"
				 "      in: []\n"),   /* 13 */
		       13, "'in' takes a list of 1 to 12 values");
}

static void test_a_year_fact_outside_a_count(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: floor\n"
				 "    category: A\n"
				 "    when:\n"
				 "      fact: year.below_floor\n"   /* 12 */
				 "      is: true\n"),
		       12, "year.below_floor is a fact about one year: use it inside a count");
}

static void test_a_year_fact_under_not_outside_a_count(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: floor\n"
				 "    category: A\n"
				 "    when:\n"
				 "      all:\n"
				 "        - not:\n"
				 "            fact: year.progress\n"   /* 14 */
				 "            below: 0\n"),
		       14, "year.progress is a fact about one year");
}

static void test_a_count_inside_a_count(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: floor\n"
				 "    category: A\n"
				 "    when:\n"
				 "      count:\n"
				 "        years: 3\n"
				 "        where:\n"
				 "          count: {years: 2, where: {fact: year.below_floor, is: true}}\n"
				 "          at_least: 1\n"   /* 15-16: the inner count */
				 "      at_least: 1\n"),
		       15, "a count cannot be inside another count");
}

static void test_count_years_out_of_range(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: floor\n"
				 "    category: A\n"
				 "    when:\n"
				 "      count: {years: 11, where: {fact: year.below_floor, is: true}}\n"
				 "      at_least: 1\n"),   /* 12: years */
		       12, "count: years is 11, out of range (1 to 10)");
	assert_refused(WITH_RULE("  - id: floor\n"
				 "    category: A\n"
				 "    when:\n"
				 "      count: {years: 0, where: {fact: year.below_floor, is: true}}\n"
				 "      at_least: 1\n"),
		       12, "count: years is 0, out of range");
}

static void test_a_count_of_more_years_than_it_looks_at(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: floor\n"
				 "    category: A\n"
				 "    when:\n"
				 "      count: {years: 3, where: {fact: year.below_floor, is: true}}\n"
				 "      at_least: 4\n"),   /* 13 */
		       13, "a count is 4, out of range (0 to 3)");
}

static void test_a_count_without_where(void **state)
{
	(void)state;
	assert_refused(WITH_RULE("  - id: floor\n"
				 "    category: A\n"
				 "    when:\n"
				 "      count: {years: 3}\n"   /* 12 */
				 "      at_least: 1\n"),
		       12, "count needs 'where'");
}

/* ---- categories ---- */

static void test_a_category_is_one_capital_letter(void **state)
{
	(void)state;
	assert_refused(NAME_VERSION FLOORS
		       "categories:\n"
		       "  A: {name: Causing concern}\n"
		       "  Cat: {name: Requires improvement}\n"   /* 7 */
		       "rules:\n"
		       "  - id: rest\n"
		       "    category: A\n"
		       "    when: always\n",
		       7, "a category is one capital letter, not 'Cat'");
	assert_refused(NAME_VERSION FLOORS
		       "categories:\n"
		       "  A: {name: Causing concern}\n"
		       "  c: {name: Requires improvement}\n"   /* 7 */
		       "rules:\n"
		       "  - id: rest\n"
		       "    category: A\n"
		       "    when: always\n",
		       7, "a category is one capital letter, not 'c'");
}

static void test_a_category_without_a_name(void **state)
{
	(void)state;
	assert_refused(NAME_VERSION FLOORS
		       "categories:\n"
		       "  A: {name: Causing concern}\n"
		       "  C: {meaning: Requires improvement}\n"   /* 7 */
		       "rules:\n" REST_RULE,
		       7, "a category's name must be a non-empty text");
}

/* ---- floor standards and the monitoring calendar ---- */

static void test_floor_standards_out_of_order(void **state)
{
	(void)state;
	assert_refused(NAME_VERSION
		       "floor_standards:\n"
		       "  - {from_year: 2014, expected_standard_pct: 65}\n"
		       "  - {from_year: 2010, expected_standard_pct: 60}\n"   /* 5 */
		       CATEGORIES "rules:\n" REST_RULE,
		       5, "floor standards must be in order of from_year");
}

static void test_a_floor_standard_out_of_range(void **state)
{
	(void)state;
	assert_refused(NAME_VERSION
		       "floor_standards:\n"
		       "  - from_year: 2010\n"
		       "    expected_standard_pct: 160\n"   /* 5 */
		       CATEGORIES "rules:\n" REST_RULE,
		       5, "expected_standard_pct is 160, out of range (0 to 100)");
}

static void test_half_terms_must_be_six(void **state)
{
	(void)state;
	assert_refused(HEAD
		       "monitoring:\n"
		       "  half_terms: [\"09-04\", \"11-04\", \"01-06\", \"02-24\", \"04-22\"]\n"  /* 9 */
		       "rules:\n" REST_RULE,
		       9, "half_terms lists the 6 half-term start dates");
}

static void test_a_half_term_start_that_is_not_a_date(void **state)
{
	(void)state;
	assert_refused(HEAD
		       "monitoring:\n"
		       "  half_terms:\n"
		       "    - \"09-04\"\n"
		       "    - \"11-31\"\n"   /* 11 */
		       "    - \"01-06\"\n"
		       "    - \"02-24\"\n"
		       "    - \"04-22\"\n"
		       "    - \"06-02\"\n"
		       "rules:\n" REST_RULE,
		       11, "half-term start '11-31' is not a date as MM-DD");
}

static void test_half_terms_out_of_order(void **state)
{
	(void)state;
	struct policy_report r;
	const char *yaml = HEAD
		"monitoring:\n"
		"  half_terms:\n"
		"    - \"09-04\"\n"
		"    - \"01-06\"\n"
		"    - \"11-04\"\n"   /* 12: before the one above it */
		"    - \"02-24\"\n"
		"    - \"04-22\"\n"
		"    - \"06-02\"\n"
		"rules:\n" REST_RULE;
	assert_int_equal(parse(yaml, &r), -1);
	const struct policy_problem *pr = problem(&r, "half-term 3");
	assert_false(pr->warning);
	assert_int_equal(pr->line, 12);
	assert_contains(pr->message, "after half-term 2");
}

static void test_return_due_days_out_of_range(void **state)
{
	(void)state;
	assert_refused(HEAD
		       "monitoring:\n"
		       "  return_due_days: 90\n"   /* 9 */
		       "rules:\n" REST_RULE,
		       9, "return_due_days is 90, out of range (0 to 60)");
}

/* ---- warnings: accepted all the same ---- */

static void test_a_category_no_rule_reaches(void **state)
{
	(void)state;
	assert_warned(NAME_VERSION FLOORS
		      "categories:\n"
		      "  A: {name: Causing concern}\n"
		      "  B: {name: Targeted}\n"   /* 7 */
		      "  C: {name: Requires improvement}\n"
		      "rules:\n"
		      "  - id: concern\n"
		      "    category: A\n"
		      "    when: {fact: la.causing_concern, is: true}\n" REST_RULE,
		      7, "no rule places a school in category B");
}

static void test_a_rule_after_one_that_always_holds(void **state)
{
	(void)state;
	assert_warned(HEAD "rules:\n" REST_RULE
		      "  - id: concern\n"   /* 12 */
		      "    category: A\n"
		      "    when: {fact: la.causing_concern, is: true}\n",
		      12, "rule 'concern' can never apply: rule 'rest' before it always holds");
}

static void test_no_floor_standards(void **state)
{
	(void)state;
	assert_warned(NAME_VERSION CATEGORIES
		      "rules:\n"
		      "  - id: concern\n"
		      "    category: A\n"
		      "    when: {fact: la.causing_concern, is: true}\n" REST_RULE,
		      0, "no floor standards");
}

/* ---- floor and coasting standards by key stage ---- */

/* NAME_VERSION, then `rows` under floor_standards (from line 4), then the rest. */
#define WITH_FLOORS(rows) NAME_VERSION "floor_standards:\n" rows CATEGORIES "rules:\n" REST_RULE

static void test_a_standard_on_an_unknown_measure(void **state)
{
	(void)state;
	assert_refused(WITH_FLOORS("  - key_stage: 2\n"
				   "    from_year: 2016\n"
				   "    source: DfE\n"
				   "    attainment: {measure: expected_standard, below: 65}\n"),  /* 7 */
		       7, "unknown measure 'expected_standard' (it is one of: expected_standard_pct");
}

static void test_a_measure_of_the_other_key_stage(void **state)
{
	(void)state;
	assert_refused(WITH_FLOORS("  - key_stage: 4\n"
				   "    from_year: 2016\n"
				   "    source: DfE\n"
				   "    progress:\n"
				   "      any:\n"
				   "        - {measure: progress8, below: -0.5}\n"
				   "        - {measure: reading_progress, below: -5}\n"),  /* 10 */
		       10, "reading_progress is a key stage 2 measure; this row is for key stage 4");
}

static void test_a_standard_needs_its_source(void **state)
{
	(void)state;
	assert_refused(WITH_FLOORS("  - key_stage: 4\n"   /* 4 */
				   "    from_year: 2016\n"
				   "    progress: {measure: progress8, below: -0.5}\n"),
		       4, "a standard's source (the published definition it follows) must be a "
			  "non-empty text");
}

static void test_a_standard_needs_a_key_stage_of_2_or_4(void **state)
{
	(void)state;
	assert_refused(WITH_FLOORS("  - key_stage: 3\n"   /* 4 */
				   "    from_year: 2016\n"
				   "    source: DfE\n"
				   "    progress: {measure: progress, below: 0}\n"),
		       4, "key_stage is 2 or 4, not 3");
	assert_refused(WITH_FLOORS("  - from_year: 2016\n"   /* 4 */
				   "    source: DfE\n"
				   "    progress: {measure: progress, below: 0}\n"),
		       4, "a standard needs key_stage (2 or 4)");
}

static void test_a_standard_needs_a_condition(void **state)
{
	(void)state;
	assert_refused(WITH_FLOORS("  - key_stage: 2\n"   /* 4 */
				   "    from_year: 2016\n"
				   "    source: DfE\n"),
		       4, "a standard needs attainment, progress or both");
}

static void test_a_threshold_out_of_the_measures_range(void **state)
{
	(void)state;
	assert_refused(WITH_FLOORS("  - key_stage: 4\n"
				   "    from_year: 2016\n"
				   "    source: DfE\n"
				   "    progress: {measure: progress8, below: -50}\n"),   /* 7 */
		       7, "progress8 is -50, out of range (-10 to 10)");
}

static void test_progress_is_one_condition_or_a_list(void **state)
{
	(void)state;
	assert_refused(WITH_FLOORS("  - key_stage: 2\n"
				   "    from_year: 2016\n"
				   "    source: DfE\n"
				   "    progress: {some: []}\n"),   /* 7 */
		       7, "a standard's condition");
	assert_refused(WITH_FLOORS("  - key_stage: 2\n"
				   "    from_year: 2016\n"
				   "    source: DfE\n"
				   "    progress:\n"
				   "      any: []\n"),   /* 8 */
		       8, "progress: any takes a list of 1 to 4 conditions");
}

static void test_two_standards_for_the_same_year(void **state)
{
	(void)state;
	assert_refused(WITH_FLOORS("  - key_stage: 2\n"   /* 4 */
				   "    from_year: 2010\n"
				   "    to_year: 2014\n"
				   "    source: DfE\n"
				   "    attainment: {measure: expected_standard_pct, below: 60}\n"
				   "  - key_stage: 2\n"   /* 9 */
				   "    from_year: 2014\n"
				   "    source: DfE\n"
				   "    attainment: {measure: expected_standard_pct, below: 65}\n"),
		       9, "floor standards: key stage 2 in 2014 is covered twice (the row at line 4 "
			  "runs to 2014)");
	assert_refused(WITH_FLOORS("  - key_stage: 2\n"
				   "    from_year: 2016\n"
				   "    to_year: 2015\n"   /* 6 */
				   "    source: DfE\n"
				   "    attainment: {measure: expected_standard_pct, below: 60}\n"),
		       6, "to_year 2015 is before from_year 2016");
}

/* Each key stage's rows in order; one without to_year lasts until the next. */
static void test_a_standards_table_is_read(void **state)
{
	(void)state;
	struct policy p;
	policy_load(&p, NAME_VERSION
		    "floor_standards:\n"
		    "  - key_stage: 2\n"
		    "    from_year: 2014\n"
		    "    source: DfE 2014\n"
		    "    attainment: {measure: expected_standard_pct, below: 65}\n"
		    "    progress: {all: [{measure: progress, below: 0}]}\n"
		    "  - key_stage: 4\n"
		    "    from_year: 2016\n"
		    "    to_year: 2018\n"
		    "    source: DfE 2016\n"
		    "    progress: {measure: progress8, below: -0.5}\n"
		    "  - key_stage: 2\n"
		    "    from_year: 2016\n"
		    "    source: DfE 2016\n"
		    "    attainment: {measure: expected_standard_pct, below: 65}\n"
		    "    progress:\n"
		    "      any:\n"
		    "        - {measure: reading_progress, below: -5}\n"
		    "        - {measure: writing_progress, below: -7}\n"
		    "coasting_standards:\n"
		    "  - key_stage: 4\n"
		    "    from_year: 2016\n"
		    "    source: Coasting 2016\n"
		    "    progress: {measure: progress8, below: -0.25}\n"
		    CATEGORIES "rules:\n"
		    "  - id: coasting\n"
		    "    category: A\n"
		    "    when: {count: {years: 1, where: {fact: year.coasting, is: true}}, at_least: 1}\n"
		    REST_RULE);
	assert_int_equal(p.params.floors.count, 3);
	const struct facts_standard *ks2_2014 = &p.params.floors.rows[0];
	assert_int_equal(ks2_2014->to_year, 2015);   /* until the next key stage 2 row */
	assert_false(ks2_2014->progress_any);
	assert_string_equal(ks2_2014->source, "DfE 2014");
	assert_int_equal(ks2_2014->line, 4);
	const struct facts_standard *ks4 = &p.params.floors.rows[1];
	assert_false(ks4->has_attainment);
	assert_int_equal(ks4->progress[0].measure, MEASURE_PROGRESS8);
	assert_int_equal(ks4->to_year, 2018);
	const struct facts_standard *ks2_2016 = facts_standard_for(&p.params.floors, 2, 2030);
	assert_ptr_equal(ks2_2016, &p.params.floors.rows[2]);
	assert_true(ks2_2016->progress_any);
	assert_int_equal(ks2_2016->progress_count, 2);
	assert_true(ks2_2016->progress[1].below == -7);
	assert_ptr_equal(facts_standard_for(&p.params.floors, 4, 2019), NULL);
	assert_int_equal(p.params.coasting.count, 1);
	assert_int_equal(p.params.coasting.rows[0].to_year, 9999);
	policy_free(&p);
}

static void test_a_coasting_fact_with_no_coasting_standards(void **state)
{
	(void)state;
	assert_warned(HEAD
		      "rules:\n"
		      "  - id: coasting\n"
		      "    category: A\n"
		      "    when:\n"
		      "      count: {years: 3, where: {fact: year.below_coasting, is: true}}\n"  /* 12 */
		      "      at_least: 1\n" REST_RULE,
		      12, "no coasting standards: year.below_coasting is unknown for every year");
}

/* ---- the good path ---- */

static void test_everything_a_policy_says_is_read(void **state)
{
	(void)state;
	struct policy p;
	policy_load(&p, "name: test\n"
			"version: \"2.1\"\n"
			"description: For the tests\n"
			"floor_standards:\n"
			"  - {from_year: 2010, expected_standard_pct: 60}\n"
			"  - {from_year: 2014, expected_standard_pct: 65, progress_below: -0.5}\n"
			"monitoring:\n"
			"  half_terms: [\"09-03\", \"10-28\", \"01-05\", \"02-23\", \"04-20\", "
			"\"06-01\"]\n"
			"  return_due_days: 14\n"
			"categories:\n"
			"  A:\n"
			"    name: Causing concern\n"
			"    meaning: Judged inadequate\n"
			"    half_termly_monitoring: true\n"
			"    activities: [Visit weekly, Monitor]\n"
			"  F:\n"
			"    name: Good or better\n"
			"    activities: []\n"
			"rules:\n"
			"  - id: inadequate\n"
			"    category: A\n"
			"    description: Judged inadequate by Ofsted\n"
			"    source: MI 269/13\n"
			"    when: {fact: ofsted.overall, is: 4}\n"
			"  - id: rest\n"
			"    category: F\n"
			"    when: always\n");
	assert_string_equal(p.name, "test");
	assert_string_equal(p.version, "2.1");
	assert_string_equal(p.description, "For the tests");
	/* the 2013 form: each row for both key stages, until the next */
	assert_int_equal(p.params.floors.count, 4);
	const struct facts_standard *f2010 = facts_standard_for(&p.params.floors, 4, 2013);
	const struct facts_standard *f2014 = facts_standard_for(&p.params.floors, 2, 2014);
	assert_non_null(f2010);
	assert_non_null(f2014);
	assert_int_equal(f2010->from_year, 2010);
	assert_int_equal(f2010->to_year, 2013);
	assert_int_equal(f2014->to_year, 9999);
	assert_true(f2014->has_attainment);
	assert_int_equal(f2014->attainment.measure, MEASURE_EXPECTED_STANDARD_PCT);
	assert_true(f2014->attainment.below == 65);
	assert_int_equal(f2014->progress_count, 1);
	assert_int_equal(f2014->progress[0].measure, MEASURE_PROGRESS);
	assert_true(f2014->progress[0].below == -0.5);
	assert_true(f2010->progress[0].below == 0);   /* the national median */
	assert_int_equal(p.params.calendar.half_term_start[1][0], 10);
	assert_int_equal(p.params.calendar.half_term_start[1][1], 28);
	assert_int_equal(p.params.calendar.return_due_days, 14);
	assert_int_equal(p.category_count, 2);
	assert_string_equal(p.categories[0].letter, "A");
	assert_string_equal(p.categories[0].name, "Causing concern");
	assert_string_equal(p.categories[0].meaning, "Judged inadequate");
	assert_true(p.categories[0].half_termly_monitoring);
	assert_int_equal(p.categories[0].activity_count, 2);
	assert_string_equal(p.categories[0].activities[1], "Monitor");
	assert_false(p.categories[1].half_termly_monitoring);
	assert_int_equal(p.categories[1].activity_count, 0);
	assert_int_equal(p.rule_count, 2);
	assert_string_equal(p.rules[0].id, "inadequate");
	assert_string_equal(p.rules[0].description, "Judged inadequate by Ofsted");
	assert_string_equal(p.rules[0].source, "MI 269/13");
	assert_int_equal(p.rules[0].line, 20);
	assert_string_equal(p.rules[1].id, "rest");
	assert_int_equal(p.rules[1].category, 1);
	policy_free(&p);
}

/* Reads a policy shipped with the categoriser: no problem at all, warnings included, and
 * the categories and rules both shipped policies have (la-2019 keeps Norfolk's shapes). */
static void read_shipped_policy(struct policy *p, const char *text, size_t len, const char *name)
{
	static const char *const rule_ids[] = {
		"ofsted-inadequate",      "in-transition", "psswn-issued", "la-causing-concern",
		"achievement-below-floor", "targeted-n2gg", "targeted-system-leader",
		"requires-improvement",   "good-or-better", "no-evidence-yet"};
	static const char *const rule_categories = "ADAAABECFC";
	struct policy_report r = {0};
	policy_init(p);
	assert_int_equal(policy_yaml_parse(p, text, len, &r), 0);
	report_print(&r);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.count, 0);   /* no warnings either */
	assert_string_equal(p->name, name);
	assert_int_equal(p->category_count, 6);
	for (int i = 0; i < 6; i++) {
		char letter[2] = {(char)('A' + i), 0};
		assert_string_equal(p->categories[i].letter, letter);
		assert_true(p->categories[i].name[0] != 0);
	}
	assert_true(p->categories[0].half_termly_monitoring);   /* A */
	assert_true(p->categories[1].half_termly_monitoring);   /* B */
	assert_false(p->categories[2].half_termly_monitoring);  /* C */
	assert_int_equal(p->rule_count, 10);
	for (int i = 0; i < 10; i++) {
		assert_string_equal(p->rules[i].id, rule_ids[i]);
		assert_int_equal(p->categories[p->rules[i].category].letter[0], rule_categories[i]);
	}
	assert_int_equal(p->params.calendar.return_due_days, 21);
}

static void test_the_default_policy_reads_cleanly(void **state)
{
	(void)state;
	struct policy p;
	read_shipped_policy(&p, categoriser_default_policy, categoriser_default_policy_len,
			    "norfolk-2013");
	assert_string_equal(p.version, "2013.1");
	/* the same figures as in 2013, each with its source, for both key stages */
	assert_int_equal(p.params.floors.count, 4);
	for (int ks = 2; ks <= 4; ks += 2) {
		const struct facts_standard *f2010 = facts_standard_for(&p.params.floors, ks, 2010);
		const struct facts_standard *f2014 = facts_standard_for(&p.params.floors, ks, 2014);
		assert_true(f2010->attainment.below == 60);
		assert_int_equal(f2010->to_year, 2013);
		assert_true(f2014->attainment.below == 65);
		assert_int_equal(f2014->from_year, 2014);
		assert_true(f2010->source[0] && f2014->source[0]);
		assert_ptr_equal(facts_standard_for(&p.params.floors, ks, 2009), NULL);
	}
	assert_int_equal(p.params.coasting.count, 0);
	policy_free(&p);
}

/* la-2019: Norfolk's categories and rule shapes on the post-2016 measures, with both
 * key stages' floor and coasting tables. */
static void test_the_la_2019_policy_reads_cleanly(void **state)
{
	(void)state;
	struct policy p;
	read_shipped_policy(&p, categoriser_la_2019_policy, categoriser_la_2019_policy_len,
			    "la-2019");
	assert_string_equal(p.version, "2019.1");
	assert_int_equal(p.params.floors.count, 8);
	assert_int_equal(p.params.coasting.count, 6);
	policy_free(&p);
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_the_small_policy_is_clean),
		T(test_a_yaml_syntax_error),
		T(test_an_empty_file),
		T(test_no_text_at_all),
		T(test_a_policy_is_a_mapping),
		T(test_an_unknown_top_level_key),
		T(test_a_long_key_cut_inside_a_character),
		T(test_a_missing_name_or_version),
		T(test_every_problem_is_reported),
		T(test_an_unknown_key_in_a_rule),
		T(test_a_rule_in_a_category_the_policy_does_not_define),
		T(test_a_rule_without_when),
		T(test_a_duplicate_rule_id),
		T(test_an_unknown_fact),
		T(test_a_misspelt_operator),
		T(test_a_comparison_with_two_operators),
		T(test_a_grade_out_of_range),
		T(test_a_grade_that_is_not_whole),
		T(test_a_misspelt_condition_key_is_named),
		T(test_a_value_out_of_range_in_a_list),
		T(test_a_bool_compared_with_at_least),
		T(test_a_bool_that_is_not_true_or_false),
		T(test_an_enum_value_that_does_not_exist),
		T(test_in_with_an_empty_list),
		T(test_a_year_fact_outside_a_count),
		T(test_a_year_fact_under_not_outside_a_count),
		T(test_a_count_inside_a_count),
		T(test_count_years_out_of_range),
		T(test_a_count_of_more_years_than_it_looks_at),
		T(test_a_count_without_where),
		T(test_a_category_is_one_capital_letter),
		T(test_a_category_without_a_name),
		T(test_floor_standards_out_of_order),
		T(test_a_floor_standard_out_of_range),
		T(test_half_terms_must_be_six),
		T(test_a_half_term_start_that_is_not_a_date),
		T(test_half_terms_out_of_order),
		T(test_return_due_days_out_of_range),
		T(test_a_category_no_rule_reaches),
		T(test_a_rule_after_one_that_always_holds),
		T(test_no_floor_standards),
		T(test_everything_a_policy_says_is_read),
		T(test_the_default_policy_reads_cleanly),
		T(test_a_standard_on_an_unknown_measure),
		T(test_a_measure_of_the_other_key_stage),
		T(test_a_standard_needs_its_source),
		T(test_a_standard_needs_a_key_stage_of_2_or_4),
		T(test_a_standard_needs_a_condition),
		T(test_a_threshold_out_of_the_measures_range),
		T(test_progress_is_one_condition_or_a_list),
		T(test_two_standards_for_the_same_year),
		T(test_a_standards_table_is_read),
		T(test_a_coasting_fact_with_no_coasting_standards),
		T(test_the_la_2019_policy_reads_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
