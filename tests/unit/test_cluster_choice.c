/* Unit tests of cluster_choice under the built-in Norfolk 2013 policy: a Choice A nominee
 * who is accredited, trained from the first day (27 September 2013) and has the days is
 * accepted; each rule refuses in words (not accredited, never trained, trained too late, has
 * left, not a CEP, the cluster's own, too few days); Choice A is open to the end of its
 * deadline (1 October 2013) and holds a cluster back from the solver only until then; and
 * where a cluster stands for each choice, day and CEP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "test_support.h"
#include "cluster_choice.h"
#include "date.h"

extern const char scheduler_default_policy[];
extern const size_t scheduler_default_policy_len;

static struct entitlement_policy policy;

static int setup_policy(void **state)
{
	(void)state;
	struct entitlement_report r = {0};
	entitlement_init(&policy);
	return entitlement_parse(&policy, scheduler_default_policy, scheduler_default_policy_len,
				 &r);
}

static int teardown_policy(void **state)
{
	(void)state;
	entitlement_free(&policy);
	return 0;
}

static const char *const cep_training[] = {"CEP training", "Safeguarding"};
static const char *const from_the_first_day[] = {"2013-09-27", "2013-06-01"};

/* Accredited, trained from the first day, a CEP who lives in cluster C9. */
static struct plan_partner nominee(void)
{
	return (struct plan_partner){.id = "P058", .name = "Jane Doe", .roles = 1u << ROLE_CEP,
				     .training = cep_training,
				     .training_dates = from_the_first_day, .training_count = 2,
				     .cep_accredited = true, .capacity_days = 30,
				     .own_cluster = "C9", .federation = "", .active = true};
}

static const char *refusal(const struct plan_partner *p, unsigned needed, unsigned free_days,
			   struct arena *a)
{
	return cluster_choice_refusal(&policy, "C1", p, needed, free_days, a);
}

static void test_a_nominee_who_meets_every_rule(void **state)
{
	struct plan_partner p = nominee();
	assert_null(refusal(&p, 12, 30, *state));
	assert_null(refusal(&p, 12, 12, *state));   /* exactly the days the cluster needs */
	static const char *const twice[] = {"CEP training", "CEP training"};
	static const char *const days[] = {"2013-11-08", "2013-09-27"};   /* any order */
	p.training = twice;
	p.training_dates = days;
	assert_null(refusal(&p, 12, 30, *state));
}

static void test_not_accredited(void **state)
{
	struct plan_partner p = nominee();
	p.cep_accredited = false;
	assert_string_equal(refusal(&p, 12, 30, *state),
			    "is not on the accredited list of Cluster Education Partners");
}

static void test_trained_after_the_first_day(void **state)
{
	struct plan_partner p = nominee();
	static const char *const late[] = {"2013-10-04", "2013-06-01"};
	p.training_dates = late;
	assert_string_equal(refusal(&p, 12, 30, *state),
			    "started the CEP training on 2013-10-04, after its first day "
			    "(2013-09-27): a cluster's own CEP attends all of it");
	static const char *const before[] = {"2013-09-26", "2013-06-01"};   /* earlier is fine */
	p.training_dates = before;
	assert_null(refusal(&p, 12, 30, *state));
}

static void test_never_trained(void **state)
{
	struct plan_partner p = nominee();
	/* the policy's own rule (any CEP needs the training) says it first */
	p.training_count = 0;
	assert_string_equal(refusal(&p, 12, 30, *state), "has not attended the required training");
	/* a record without a date is no proof of the first day */
	static const char *const undated[] = {"", ""};
	p = nominee();
	p.training_dates = undated;
	assert_string_equal(refusal(&p, 12, 30, *state),
			    "has not attended the CEP training, whose first day was 2013-09-27");
}

static void test_the_planners_rules_and_the_days(void **state)
{
	struct plan_partner p = nominee();
	p.active = false;
	assert_string_equal(refusal(&p, 12, 30, *state), "has left");
	p = nominee();
	p.roles = 1u << ROLE_SIP;
	assert_string_equal(refusal(&p, 12, 30, *state), "does not take this role");
	p = nominee();
	p.own_cluster = "C1";
	assert_string_equal(refusal(&p, 12, 30, *state),
			    "conflict of interest: the partner's own cluster");
	p = nominee();
	assert_string_equal(refusal(&p, 12, 11, *state),
			    "has 11 days free this year and the cluster needs 12");
}

static void test_choice_a_is_open_to_the_end_of_the_deadline(void **state)
{
	(void)state;
	int deadline = date_from_ymd(2013, 10, 1);
	assert_true(cluster_choice_a_open(&policy, deadline - 30));
	assert_true(cluster_choice_a_open(&policy, deadline));
	assert_false(cluster_choice_a_open(&policy, deadline + 1));
	N2gg__V1__CepChoice a = N2GG__V1__CEP_CHOICE__CEP_CHOICE_A,
			    b = N2GG__V1__CEP_CHOICE__CEP_CHOICE_B;
	assert_true(cluster_choice_held(&policy, a, deadline));
	assert_false(cluster_choice_held(&policy, a, deadline + 1));
	assert_false(cluster_choice_held(&policy, b, deadline - 30));
	assert_false(cluster_choice_held(&policy, N2GG__V1__CEP_CHOICE__CEP_CHOICE_UNKNOWN,
					 deadline - 30));
}

static void test_where_a_cluster_stands(void **state)
{
	(void)state;
	int before = date_from_ymd(2013, 9, 20), after = date_from_ymd(2013, 10, 2);
	N2gg__V1__CepChoice a = N2GG__V1__CEP_CHOICE__CEP_CHOICE_A,
			    b = N2GG__V1__CEP_CHOICE__CEP_CHOICE_B;
	/* Choice A: its own nominee pinned, whatever the day */
	assert_int_equal(cluster_choice_state(&policy, a, "P058", before, "P058", true),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED);
	assert_int_equal(cluster_choice_state(&policy, a, "P058", after, "P058", true),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED);
	/* no nominee (or not theirs in place): awaited until the deadline, then missed */
	assert_int_equal(cluster_choice_state(&policy, a, "", before, "", false),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_AWAITING_NOMINEE);
	assert_int_equal(cluster_choice_state(&policy, a, "", after, "P001", false),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_DEADLINE_MISSED);
	/* a nominee no longer in place: after the deadline the LA identifies another; before
	 * it, the cluster may name another */
	assert_int_equal(cluster_choice_state(&policy, a, "P058", after, "P058", false),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NOMINEE_LEFT);
	assert_int_equal(cluster_choice_state(&policy, a, "P058", after, "P001", false),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NOMINEE_LEFT);
	assert_int_equal(cluster_choice_state(&policy, a, "P058", before, "", false),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_AWAITING_NOMINEE);
	/* Choice B, and none */
	assert_int_equal(cluster_choice_state(&policy, b, "", before, "", false),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_LA_TO_IDENTIFY);
	assert_int_equal(cluster_choice_state(&policy, b, "", after, "P001", false),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_LA_TO_IDENTIFY);
	assert_int_equal(cluster_choice_state(&policy, N2GG__V1__CEP_CHOICE__CEP_CHOICE_UNKNOWN, "",
					      after, "P001", false),
			 N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NONE);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_a_nominee_who_meets_every_rule),
		T(test_not_accredited),
		T(test_trained_after_the_first_day),
		T(test_never_trained),
		T(test_the_planners_rules_and_the_days),
		T(test_choice_a_is_open_to_the_end_of_the_deadline),
		T(test_where_a_cluster_stands),
	};
	return cmocka_run_group_tests(tests, setup_policy, teardown_policy);
}
