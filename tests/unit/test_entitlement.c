/* Unit tests of entitlement: the default Norfolk policy reads cleanly and says what the
 * sources say; every problem in a policy file is refused on the line an officer would look
 * at; which schools each role serves; every hard rule that excludes a partner (and each
 * conflict of interest the policy switches off no longer excluding); the soft-goal cost;
 * the dates of a cluster's Choice A for its CEP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "date.h"
#include "entitlement.h"

extern const char scheduler_default_policy[];
extern const size_t scheduler_default_policy_len;

/* A small valid policy; the comments give the line each piece is on. */
static const char small_policy[] =
	"name: small\n"                          /* 1 */
	"version: \"1\"\n"                       /* 2 */
	"year: 2014\n"                           /* 3 */
	"roles:\n"                               /* 4 */
	"  ecp:\n"                               /* 5 */
	"    categories: [B]\n"                  /* 6 */
	"    days_per_school: 7\n"               /* 7 */
	"  sip:\n"                               /* 8 */
	"    phases: [primary]\n"                /* 9 */
	"    days_per_school: 5\n"               /* 10 */
	"    cost_per_school_gbp: 1500\n"        /* 11 */
	"    needs_sip_accreditation: true\n"    /* 12 */
	"  cep:\n"                               /* 13 */
	"    per_cluster: true\n"                /* 14 */
	"    days_per_school: 1\n"               /* 15 */
	"    days_per_cluster: 3\n"              /* 16 */
	"    needs_training: CEP training\n"     /* 17 */
	"order: [ecp, sip, cep]\n"               /* 18 */
	"conflicts:\n"                           /* 19 */
	"  own_school: true\n"                   /* 20 */
	"  same_cluster: true\n"                 /* 21 */
	"  same_federation: true\n"              /* 22 */
	"weights:\n"                             /* 23 */
	"  travel_per_km: 100\n"                 /* 24 */
	"  continuity: 2000\n"                   /* 25 */
	"  load: 50\n"                           /* 26 */
	"  unserved: 100000000\n";               /* 27 */

/* The small policy with its line `line` replaced by `text` (one or more lines, no final
 * newline). */
static const char *small_with(int line, const char *text)
{
	static char out[4096];
	const char *s = small_policy;
	size_t n = 0;
	for (int l = 1; *s; l++) {
		const char *eol = strchr(s, '\n');
		size_t len = (size_t)(eol - s) + 1;
		if (l == line)
			n += (size_t)snprintf(out + n, sizeof out - n, "%s\n", text);
		else
			n += (size_t)snprintf(out + n, sizeof out - n, "%.*s", (int)len, s);
		s += len;
	}
	assert_true(n < sizeof out);
	return out;
}

/* `from` with the first `what` replaced by `with`, in a static buffer. */
static const char *replaced(const char *from, size_t len, const char *what, const char *with)
{
	static char out[8192];
	const char *at = strstr(from, what);
	assert_non_null(at);
	int n = snprintf(out, sizeof out, "%.*s%s%.*s", (int)(at - from), from, with,
			 (int)(len - (size_t)(at - from) - strlen(what)), at + strlen(what));
	assert_true(n > 0 && (size_t)n < sizeof out);
	return out;
}

static void report_print(const struct entitlement_report *r)
{
	for (int i = 0; i < r->count; i++)
		print_error("  line %d: %s\n", r->problems[i].line, r->problems[i].message);
}

/* Reads `yaml` into *p (to be freed by the caller); *r holds the problems. */
static int parse_into(struct entitlement_policy *p, const char *yaml, size_t len,
		      struct entitlement_report *r)
{
	memset(r, 0, sizeof *r);
	entitlement_init(p);
	return entitlement_parse(p, yaml, len, r);
}

/* Reads a policy that must be clean. */
static void parse_clean(struct entitlement_policy *p, const char *yaml, size_t len)
{
	struct entitlement_report r;
	int rc = parse_into(p, yaml, len, &r);
	if (rc != 0 || r.count != 0) {
		print_error("the policy has problems:\n");
		report_print(&r);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(r.count, 0);
}

static void parse_default(struct entitlement_policy *p)
{
	parse_clean(p, scheduler_default_policy, scheduler_default_policy_len);
}

/* `yaml` is refused with a problem on `line` whose message has `words`. */
static void assert_refused(const char *yaml, int line, const char *words)
{
	struct entitlement_policy p;
	struct entitlement_report r;
	int rc = parse_into(&p, yaml, strlen(yaml), &r);
	entitlement_free(&p);
	assert_int_equal(rc, -1);
	for (int i = 0; i < r.count; i++)
		if (strstr(r.problems[i].message, words)) {
			if (r.problems[i].line != line)
				print_error("\"%s\" is on line %d, not %d\n", r.problems[i].message,
					    r.problems[i].line, line);
			assert_int_equal(r.problems[i].line, line);
			return;
		}
	print_error("no problem mentions \"%s\"; the problems are:\n", words);
	report_print(&r);
	fail();
}

/* ---- the default policy ---- */

static void test_the_default_policy_reads_cleanly(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	assert_string_equal(p.name, "norfolk-2013");
	assert_string_equal(p.version, "2013.1");
	assert_int_equal(p.year, 2014);
	assert_int_equal(p.max_candidates, 30);
	entitlement_free(&p);
}

static void test_the_default_policy_plans_its_roles_in_order(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	assert_int_equal(p.order_count, 4);
	assert_int_equal(p.order[0], ROLE_IA);
	assert_int_equal(p.order[1], ROLE_ECP);
	assert_int_equal(p.order[2], ROLE_SIP);
	assert_int_equal(p.order[3], ROLE_CEP);
	for (int r = 1; r < ENTITLEMENT_ROLES; r++)
		assert_true(p.roles[r].defined);
	entitlement_free(&p);
}

static void test_the_default_policy_roles(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	const struct entitlement_rule *ia = &p.roles[ROLE_IA], *ecp = &p.roles[ROLE_ECP],
				      *sip = &p.roles[ROLE_SIP], *cep = &p.roles[ROLE_CEP];

	assert_string_equal(ia->categories, "AD");
	assert_int_equal(ia->days_per_school, 10);
	assert_true(ia->needs_leadership);
	assert_false(ia->per_cluster);

	assert_string_equal(ecp->categories, "BE");
	assert_int_equal(ecp->phases, 0);
	assert_int_equal(ecp->days_per_school, 7);
	assert_int_equal(ecp->cost_per_school_pence, 0);
	assert_true(ecp->needs_leadership);
	assert_false(ecp->needs_sip_accreditation);

	assert_string_equal(sip->categories, "");
	assert_int_equal(sip->phases, ENTITLEMENT_PHASE_BIT(2) | ENTITLEMENT_PHASE_BIT(3));
	assert_int_equal(sip->days_per_school, 5);
	assert_int_equal(sip->cost_per_school_pence, 150000);   /* £1,500 */
	assert_int_equal(sip->budget_pence, 55950000);          /* £559,500 */
	assert_true(sip->needs_sip_accreditation);
	assert_false(sip->needs_leadership);
	assert_null(sip->needs_training);

	assert_true(cep->per_cluster);
	assert_int_equal(cep->days_per_school, 1);
	assert_int_equal(cep->days_per_cluster, 3);
	assert_string_equal(cep->needs_training, "CEP training");
	/* the MI's Choice A: its own CEP by 1 October, trained from 27 September 2013 */
	assert_int_equal(cep->choice_deadline, date_from_ymd(2013, 10, 1));
	assert_int_equal(cep->first_training_day, date_from_ymd(2013, 9, 27));
	entitlement_free(&p);
}

static void test_the_choice_dates_of_a_policy(void **state)
{
	(void)state;
	struct entitlement_policy p;
	/* none given: the 2013 MI's */
	parse_clean(&p, small_policy, strlen(small_policy));
	assert_int_equal(p.roles[ROLE_CEP].choice_deadline, date_from_ymd(2013, 10, 1));
	assert_int_equal(p.roles[ROLE_CEP].first_training_day, date_from_ymd(2013, 9, 27));
	entitlement_free(&p);
	const char *own = small_with(17, "    needs_training: CEP training\n"
					 "    choice_deadline: 2014-10-03\n"
					 "    first_training_day: 2014-09-26");
	parse_clean(&p, own, strlen(own));
	assert_int_equal(p.roles[ROLE_CEP].choice_deadline, date_from_ymd(2014, 10, 3));
	assert_int_equal(p.roles[ROLE_CEP].first_training_day, date_from_ymd(2014, 9, 26));
	entitlement_free(&p);
	assert_refused(small_with(17, "    choice_deadline: next week"), 17,
		       "choice_deadline is a date, YYYY-MM-DD");
	assert_refused(small_with(17, "    first_training_day: 2013-02-30"), 17,
		       "first_training_day is a date");
	assert_refused(small_with(7, "    days_per_school: 7\n"
				     "    choice_deadline: 2013-10-01"),   /* 8 */
		       8, "choice_deadline and first_training_day are for cep only");
}

static void test_the_default_policy_conflicts_and_weights(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	assert_true(p.conflict_own_school);
	assert_true(p.conflict_same_cluster);
	assert_true(p.conflict_same_federation);
	assert_int_equal(p.travel_per_km, 100);
	assert_int_equal(p.continuity, 2000);
	assert_int_equal(p.load, 50);
	assert_int_equal(p.unserved, 100000000);
	entitlement_free(&p);
}

static void test_the_small_policy_reads_cleanly(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_clean(&p, small_policy, strlen(small_policy));
	assert_int_equal(p.order_count, 3);
	assert_false(p.roles[ROLE_IA].defined);
	assert_int_equal(p.max_candidates, 30);   /* the default when not set */
	entitlement_free(&p);
}

/* ---- problems, each on its line ---- */

static void test_a_yaml_syntax_error(void **state)
{
	(void)state;
	assert_refused(small_with(7, "\tdays_per_school: 7"), 7, "YAML syntax");
}

static void test_an_empty_file(void **state)
{
	(void)state;
	assert_refused("# nothing\n", 0, "empty");
}

static void test_an_unknown_key_in_a_role(void **state)
{
	(void)state;
	assert_refused(small_with(7, "    days_per_school: 7\n"
				     "    colour: blue"),   /* 8 */
		       8, "unknown key 'colour' in ecp");
}

static void test_an_unknown_key_in_the_policy(void **state)
{
	(void)state;
	assert_refused(small_with(3, "year: 2014\n"
				     "owner: Children's Services"),   /* 4 */
		       4, "unknown key 'owner' in the policy");
}

static void test_an_unknown_key_in_conflicts_and_weights(void **state)
{
	(void)state;
	assert_refused(small_with(22, "  same_federation: true\n"
				      "  same_trust: true"),   /* 23 */
		       23, "unknown key 'same_trust' in conflicts");
	assert_refused(small_with(26, "  load: 50\n"
				      "  distance: 3"),   /* 27 */
		       27, "unknown key 'distance' in weights");
}

static void test_an_unknown_role(void **state)
{
	(void)state;
	assert_refused(small_with(5, "  ecpp:"), 5, "unknown role 'ecpp'");
}

static void test_an_unknown_phase(void **state)
{
	(void)state;
	assert_refused(small_with(9, "    phases: [primary, infant]"), 9,
		       "unknown phase 'infant'");
}

static void test_days_that_are_not_a_whole_number(void **state)
{
	(void)state;
	assert_refused(small_with(7, "    days_per_school: 7.5"), 7,
		       "days_per_school must be a whole number");
	assert_refused(small_with(16, "    days_per_cluster: 2.5"), 16,
		       "days_per_cluster must be a whole number");
	assert_refused(small_with(7, "    days_per_school: seven"), 7,
		       "days_per_school must be a number");
}

static void test_days_per_school_is_required(void **state)
{
	(void)state;
	/* the role's mapping starts on line 9 once its days are gone */
	assert_refused(small_with(10, "    # no days"), 9, "days_per_school must be a number");
}

static void test_per_cluster_on_a_role_other_than_cep(void **state)
{
	(void)state;
	assert_refused(small_with(7, "    days_per_school: 7\n"
				     "    per_cluster: true"),   /* 8 */
		       8, "per_cluster is true for cep and only for cep");
}

static void test_a_cep_that_is_not_per_cluster(void **state)
{
	(void)state;
	assert_refused(small_with(14, "    per_cluster: false"), 14,
		       "per_cluster is true for cep and only for cep");
}

static void test_order_naming_a_role_the_policy_does_not_define(void **state)
{
	(void)state;
	assert_refused(small_with(18, "order: [ecp, sip, intervention_adviser, cep]"), 18,
		       "order names 'intervention_adviser', not a role of this policy");
	assert_refused(small_with(18, "order: [ecp, sip, cep, head]"), 18,
		       "order names 'head'");
}

static void test_order_must_be_a_list(void **state)
{
	(void)state;
	assert_refused(small_with(18, "order: ecp"), 18, "order lists the roles");
}

static void test_a_role_listed_twice_in_order(void **state)
{
	(void)state;
	/* planned twice, every school would get two partners in the role */
	assert_refused(small_with(18, "order: [ecp, sip, ecp, cep]"), 18, "'ecp' twice");
}

static void test_a_conflict_that_is_not_true_or_false(void **state)
{
	(void)state;
	assert_refused(small_with(21, "  same_cluster: sometimes"), 21,
		       "same_cluster is true or false");
}

static void test_a_negative_cost(void **state)
{
	(void)state;
	assert_refused(small_with(11, "    cost_per_school_gbp: -1500"), 11,
		       "cost_per_school_gbp is -1500, out of range");
}

static void test_every_problem_is_reported(void **state)
{
	(void)state;
	const char *yaml = small_with(9, "    phases: [primary, infant]");
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", yaml);
	yaml = replaced(copy, strlen(copy), "days_per_school: 7\n", "days_per_school: 7.5\n");
	struct entitlement_policy p;
	struct entitlement_report r;
	assert_int_equal(parse_into(&p, yaml, strlen(yaml), &r), -1);
	entitlement_free(&p);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.problems[0].line, 7);
	assert_int_equal(r.problems[1].line, 9);
}

/* A role given twice was read on top of the first: its categories appended to the first's
 * ran past the array. It is refused on the second's line, and the first stands alone. */
static void test_a_role_given_twice(void **state)
{
	(void)state;
	const char *yaml = small_with(12, "    needs_sip_accreditation: true\n"
					  "  ecp:\n"                                   /* 13 */
					  "    categories: [A, C, D, E, F, G, H]\n"    /* 14 */
					  "    days_per_school: 3");                    /* 15 */
	assert_refused(yaml, 13, "'ecp' appears twice in roles");
	struct entitlement_policy p;
	struct entitlement_report r;
	assert_int_equal(parse_into(&p, yaml, strlen(yaml), &r), -1);
	assert_string_equal(p.roles[ROLE_ECP].categories, "B");
	assert_int_equal(p.roles[ROLE_ECP].days_per_school, 7);
	assert_int_equal(r.count, 1);
	entitlement_free(&p);
}

static void test_a_key_given_twice_in_a_role(void **state)
{
	(void)state;
	assert_refused(small_with(7, "    days_per_school: 7\n"
				     "    categories: [C, D, E, F, G, H, I]"),   /* 8 */
		       8, "'categories' appears twice in ecp");
	assert_refused(small_with(10, "    days_per_school: 5\n"
				      "    days_per_school: 6"),   /* 11 */
		       11, "'days_per_school' appears twice in sip");
}

static void test_a_key_given_twice_in_the_policy(void **state)
{
	(void)state;
	assert_refused(small_with(3, "year: 2014\n"
				     "year: 2015"),   /* 4 */
		       4, "'year' appears twice in the policy");
	assert_refused(small_with(18, "order: [ecp, sip, cep]\n"
				      "roles:\n"           /* 19 */
				      "  ia:\n"            /* 20 */
				      "    days: 1"),
		       19, "'roles' appears twice in the policy");
}

static void test_too_many_categories(void **state)
{
	(void)state;
	/* 26 letters would have filled the role's 8 bytes three times over */
	assert_refused(small_with(6, "    categories: [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O,"
				     " P, Q, R, S, T, U, V, W, X, Y, Z]"),
		       6, "too many categories for ecp (at most 7)");
	assert_refused(small_with(6, "    categories:\n"
				     "      [A, B, C, D, E, F, G,\n"   /* 7 */
				     "       H]"),                       /* 8: the eighth */
		       8, "too many categories for ecp");
	/* seven is the most, and fits */
	const char *seven = small_with(6, "    categories: [A, B, C, D, E, F, G]");
	struct entitlement_policy p;
	parse_clean(&p, seven, strlen(seven));
	assert_string_equal(p.roles[ROLE_ECP].categories, "ABCDEFG");
	entitlement_free(&p);
}

static void test_a_category_listed_twice(void **state)
{
	(void)state;
	assert_refused(small_with(6, "    categories: [B, E, B]"), 6,
		       "category 'B' is listed twice for ecp");
	assert_refused(small_with(6, "    categories: [B, e]"), 6,
		       "a category is one capital letter, not 'e'");
}

/* ---- which schools a role serves ---- */

static struct plan_school school_of(const char *category, int phase)
{
	struct plan_school s = {.urn = 120001, .name = "Test Primary", .phase = phase,
				.cluster_id = "C1", .federation = "", .open = true};
	snprintf(s.category, sizeof s.category, "%s", category);
	return s;
}

enum { PRIMARY = 2, MIDDLE_DEEMED_PRIMARY = 3, SECONDARY = 4 };

static void test_entitled_by_category(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school a = school_of("A", SECONDARY), b = school_of("B", SECONDARY),
			   c = school_of("C", SECONDARY), d = school_of("D", SECONDARY),
			   e = school_of("E", SECONDARY), none = school_of("", SECONDARY);
	assert_true(entitlement_school_entitled(&p, ROLE_IA, &a));
	assert_true(entitlement_school_entitled(&p, ROLE_IA, &d));
	assert_false(entitlement_school_entitled(&p, ROLE_IA, &b));
	assert_false(entitlement_school_entitled(&p, ROLE_IA, &none));
	assert_true(entitlement_school_entitled(&p, ROLE_ECP, &b));
	assert_true(entitlement_school_entitled(&p, ROLE_ECP, &e));
	assert_false(entitlement_school_entitled(&p, ROLE_ECP, &a));
	assert_false(entitlement_school_entitled(&p, ROLE_ECP, &c));
	assert_false(entitlement_school_entitled(&p, ROLE_ECP, &none));
	entitlement_free(&p);
}

static void test_entitled_by_phase(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school primary = school_of("", PRIMARY),
			   middle = school_of("C", MIDDLE_DEEMED_PRIMARY),
			   secondary = school_of("", SECONDARY);
	assert_true(entitlement_school_entitled(&p, ROLE_SIP, &primary));   /* any category */
	assert_true(entitlement_school_entitled(&p, ROLE_SIP, &middle));
	assert_false(entitlement_school_entitled(&p, ROLE_SIP, &secondary));
	entitlement_free(&p);
}

static void test_no_school_is_entitled_to_a_cep_of_its_own(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school s = school_of("B", PRIMARY);
	assert_false(entitlement_school_entitled(&p, ROLE_CEP, &s));   /* one per cluster */
	entitlement_free(&p);
}

static void test_a_role_the_policy_does_not_define_serves_nobody(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_clean(&p, small_policy, strlen(small_policy));
	struct plan_school s = school_of("A", PRIMARY);
	assert_false(entitlement_school_entitled(&p, ROLE_IA, &s));
	assert_true(entitlement_school_entitled(&p, ROLE_SIP, &s));
	entitlement_free(&p);
}

static void test_a_closed_school_is_never_entitled(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school a = school_of("A", PRIMARY), b = school_of("B", PRIMARY);
	a.open = b.open = false;
	for (int r = 1; r < ENTITLEMENT_ROLES; r++) {
		assert_false(entitlement_school_entitled(&p, r, &a));
		assert_false(entitlement_school_entitled(&p, r, &b));
	}
	entitlement_free(&p);
}

/* ---- the hard rules ---- */

static const char *const cep_training[] = {"Safeguarding", "CEP training"};

/* A partner every role of the default policy may take for school_of(...). */
static struct plan_partner good_partner(void)
{
	return (struct plan_partner){
		.id = "p1", .name = "Pat Partner",
		.roles = 1u << ROLE_ECP | 1u << ROLE_CEP | 1u << ROLE_SIP | 1u << ROLE_IA,
		.sip_phases = ENTITLEMENT_PHASE_BIT(PRIMARY), .led_good_school = true,
		.training = cep_training, .training_count = 2, .capacity_days = 100,
		.own_school = 120999, .own_cluster = "C9", .federation = "F9", .active = true};
}

static void test_a_good_partner_may_take_every_role(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school s = school_of("B", PRIMARY);
	s.federation = "F1";
	struct plan_partner g = good_partner();
	for (int r = 1; r < ENTITLEMENT_ROLES; r++)
		if (r != ROLE_CEP)
			assert_null(entitlement_exclusion(&p, r, &s, NULL, &g));
	assert_null(entitlement_exclusion(&p, ROLE_CEP, NULL, "C1", &g));
	entitlement_free(&p);
}

static void test_a_partner_who_has_left(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school s = school_of("B", PRIMARY);
	struct plan_partner g = good_partner();
	g.active = false;
	assert_string_equal(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g), "has left");
	assert_string_equal(entitlement_exclusion(&p, ROLE_CEP, NULL, "C1", &g), "has left");
	entitlement_free(&p);
}

static void test_a_partner_who_does_not_take_the_role(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school s = school_of("B", PRIMARY);
	struct plan_partner g = good_partner();
	g.roles = 1u << ROLE_ECP;
	assert_null(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g));
	assert_string_equal(entitlement_exclusion(&p, ROLE_SIP, &s, NULL, &g),
			    "does not take this role");
	assert_string_equal(entitlement_exclusion(&p, ROLE_CEP, NULL, "C1", &g),
			    "does not take this role");
	entitlement_free(&p);
}

static void test_a_sip_needs_accreditation_for_the_schools_phase(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school primary = school_of("", PRIMARY),
			   middle = school_of("", MIDDLE_DEEMED_PRIMARY);
	struct plan_partner g = good_partner();   /* accredited for primary only */
	assert_null(entitlement_exclusion(&p, ROLE_SIP, &primary, NULL, &g));
	assert_string_equal(entitlement_exclusion(&p, ROLE_SIP, &middle, NULL, &g),
			    "no SIP accreditation for the school's phase");
	g.sip_phases = 0;
	assert_string_equal(entitlement_exclusion(&p, ROLE_SIP, &primary, NULL, &g),
			    "no SIP accreditation for the school's phase");
	/* an ECP needs none */
	struct plan_school b = school_of("B", PRIMARY);
	assert_null(entitlement_exclusion(&p, ROLE_ECP, &b, NULL, &g));
	entitlement_free(&p);
}

static void test_an_ecp_needs_leadership(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school s = school_of("B", PRIMARY);
	struct plan_partner g = good_partner();
	g.led_good_school = false;
	assert_contains(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g),
			"has neither led a good or outstanding school nor led Ofsted inspections");
	struct plan_school a = school_of("A", PRIMARY);
	assert_non_null(entitlement_exclusion(&p, ROLE_IA, &a, NULL, &g));
	g.ofsted_inspector = true;   /* either will do */
	assert_null(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g));
	assert_null(entitlement_exclusion(&p, ROLE_IA, &a, NULL, &g));
	entitlement_free(&p);
}

static void test_a_cep_needs_the_training(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_partner g = good_partner();
	g.training_count = 1;   /* Safeguarding only */
	assert_string_equal(entitlement_exclusion(&p, ROLE_CEP, NULL, "C1", &g),
			    "has not attended the required training");
	g.training_count = 0;
	assert_string_equal(entitlement_exclusion(&p, ROLE_CEP, NULL, "C1", &g),
			    "has not attended the required training");
	entitlement_free(&p);
}

static void test_a_conflict_with_the_partners_own_school(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school s = school_of("B", PRIMARY);
	struct plan_partner g = good_partner();
	g.own_school = s.urn;
	assert_string_equal(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g),
			    "conflict of interest: the partner's own school");
	entitlement_free(&p);
}

static void test_a_conflict_with_the_partners_own_cluster(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school s = school_of("B", PRIMARY);
	struct plan_partner g = good_partner();
	g.own_cluster = "C1";
	assert_string_equal(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g),
			    "conflict of interest: the partner's own cluster");
	assert_string_equal(entitlement_exclusion(&p, ROLE_CEP, NULL, "C1", &g),
			    "conflict of interest: the partner's own cluster");
	assert_null(entitlement_exclusion(&p, ROLE_CEP, NULL, "C2", &g));
	entitlement_free(&p);
}

static void test_a_conflict_with_the_partners_own_federation(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_school s = school_of("B", PRIMARY);
	struct plan_partner g = good_partner();
	s.federation = "F9";
	assert_string_equal(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g),
			    "conflict of interest: the partner's own federation");
	/* no federation on either side is not the same federation */
	s.federation = "";
	g.federation = "";
	assert_null(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g));
	entitlement_free(&p);
}

/* The default policy with one conflict of interest switched off. */
static void parse_default_without(struct entitlement_policy *p, const char *conflict)
{
	char on[64], off[64];
	snprintf(on, sizeof on, "%s: true", conflict);
	snprintf(off, sizeof off, "%s: false", conflict);
	const char *yaml = replaced(scheduler_default_policy, scheduler_default_policy_len, on, off);
	parse_clean(p, yaml, strlen(yaml));
}

static void test_each_conflict_switched_off_no_longer_excludes(void **state)
{
	(void)state;
	struct entitlement_policy p;
	struct plan_school s = school_of("B", PRIMARY);
	struct plan_partner g = good_partner();
	g.own_school = s.urn;
	g.own_cluster = s.cluster_id;
	g.federation = s.federation = "F1";

	parse_default_without(&p, "own_school");
	assert_false(p.conflict_own_school);
	assert_true(p.conflict_same_cluster);
	assert_string_equal(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g),
			    "conflict of interest: the partner's own cluster");
	entitlement_free(&p);

	parse_default_without(&p, "same_cluster");
	assert_string_equal(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g),
			    "conflict of interest: the partner's own school");
	g.own_school = 0;
	assert_string_equal(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g),
			    "conflict of interest: the partner's own federation");
	assert_null(entitlement_exclusion(&p, ROLE_CEP, NULL, "C1", &g));
	entitlement_free(&p);

	parse_default_without(&p, "same_federation");
	g.own_cluster = "C9";
	assert_null(entitlement_exclusion(&p, ROLE_ECP, &s, NULL, &g));
	entitlement_free(&p);
}

/* ---- cost ---- */

static void test_cost_is_travel_per_km(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_partner g = good_partner();
	g.easting = 603000;
	g.northing = 304000;
	assert_int_equal(entitlement_cost(&p, 600000, 300000, &g, NULL), 500);   /* 5 km */
	assert_int_equal(entitlement_cost(&p, 603000, 304000, &g, NULL), 0);
	assert_int_equal(entitlement_cost(&p, 603000, 305234, &g, NULL), 123);   /* rounded */
	assert_true(entitlement_distance_m(600000, 300000, 603000, 304000) == 5000.0);
	entitlement_free(&p);
}

static void test_continuity_costs_only_a_change_of_partner(void **state)
{
	(void)state;
	struct entitlement_policy p;
	parse_default(&p);
	struct plan_partner g = good_partner();
	g.easting = 603000;
	g.northing = 304000;
	assert_int_equal(entitlement_cost(&p, 600000, 300000, &g, "p1"), 500);
	assert_int_equal(entitlement_cost(&p, 600000, 300000, &g, ""), 500);
	assert_int_equal(entitlement_cost(&p, 600000, 300000, &g, "p2"), 2500);
	entitlement_free(&p);
}

int main(void)
{
#define T(f) cmocka_unit_test(f)
	const struct CMUnitTest tests[] = {
		T(test_the_default_policy_reads_cleanly),
		T(test_the_default_policy_plans_its_roles_in_order),
		T(test_the_default_policy_roles),
		T(test_the_default_policy_conflicts_and_weights),
		T(test_the_choice_dates_of_a_policy),
		T(test_the_small_policy_reads_cleanly),
		T(test_a_yaml_syntax_error),
		T(test_an_empty_file),
		T(test_an_unknown_key_in_a_role),
		T(test_an_unknown_key_in_the_policy),
		T(test_an_unknown_key_in_conflicts_and_weights),
		T(test_an_unknown_role),
		T(test_an_unknown_phase),
		T(test_days_that_are_not_a_whole_number),
		T(test_days_per_school_is_required),
		T(test_per_cluster_on_a_role_other_than_cep),
		T(test_a_cep_that_is_not_per_cluster),
		T(test_order_naming_a_role_the_policy_does_not_define),
		T(test_order_must_be_a_list),
		T(test_a_role_listed_twice_in_order),
		T(test_a_conflict_that_is_not_true_or_false),
		T(test_a_negative_cost),
		T(test_every_problem_is_reported),
		T(test_a_role_given_twice),
		T(test_a_key_given_twice_in_a_role),
		T(test_a_key_given_twice_in_the_policy),
		T(test_too_many_categories),
		T(test_a_category_listed_twice),
		T(test_entitled_by_category),
		T(test_entitled_by_phase),
		T(test_no_school_is_entitled_to_a_cep_of_its_own),
		T(test_a_role_the_policy_does_not_define_serves_nobody),
		T(test_a_closed_school_is_never_entitled),
		T(test_a_good_partner_may_take_every_role),
		T(test_a_partner_who_has_left),
		T(test_a_partner_who_does_not_take_the_role),
		T(test_a_sip_needs_accreditation_for_the_schools_phase),
		T(test_an_ecp_needs_leadership),
		T(test_a_cep_needs_the_training),
		T(test_a_conflict_with_the_partners_own_school),
		T(test_a_conflict_with_the_partners_own_cluster),
		T(test_a_conflict_with_the_partners_own_federation),
		T(test_each_conflict_switched_off_no_longer_excludes),
		T(test_cost_is_travel_per_km),
		T(test_continuity_costs_only_a_change_of_partner),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
