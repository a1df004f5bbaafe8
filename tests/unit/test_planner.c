/* Unit tests of planner: small hand-made instances under a small policy (an intervention
 * adviser for category A, an ECP for category B, a CEP per cluster): the plan is optimal
 * where the nearest partner is not; days go to the earlier role first; capacity in days is
 * kept; pins are kept while they obey the hard rules; an incremental plan keeps what still
 * holds; unserved schools say why; CEPs go one per cluster (none to a cluster finding its
 * own); the same input gives the same plan; an allocation is explained against every other
 * partner of its role; and a place nobody serves lists the partners the hard rules allow,
 * with the days each lacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "planner.h"

#define POLICY_ROLES                                   \
	"name: small\n"                                \
	"version: \"1\"\n"                             \
	"year: 2014\n"                                 \
	"roles:\n"                                     \
	"  intervention_adviser:\n"                    \
	"    categories: [A]\n"                        \
	"    days_per_school: 10\n"                    \
	"    needs_leadership: true\n"                 \
	"  ecp:\n"                                     \
	"    categories: [B]\n"                        \
	"    days_per_school: 5\n"                     \
	"    cost_per_school_gbp: 100\n"               \
	"  cep:\n"                                     \
	"    per_cluster: true\n"                      \
	"    days_per_school: 1\n"                     \
	"    days_per_cluster: 3\n"                    \
	"    needs_training: CEP training\n"
#define POLICY_REST                                                                  \
	"conflicts: {own_school: true, same_cluster: true, same_federation: true}\n" \
	"weights: {travel_per_km: 100, continuity: 2000, load: 0, unserved: 100000000}\n"

static const char small_policy[] =
	POLICY_ROLES "order: [intervention_adviser, ecp, cep]\n" POLICY_REST;
static const char ecp_first_policy[] =
	POLICY_ROLES "order: [ecp, intervention_adviser, cep]\n" POLICY_REST;

static struct entitlement_policy policy;   /* small_policy */

static void parse_policy(struct entitlement_policy *p, const char *yaml)
{
	struct entitlement_report r = {0};
	entitlement_init(p);
	int rc = entitlement_parse(p, yaml, strlen(yaml), &r);
	for (int i = 0; i < r.count; i++)
		print_error("policy line %d: %s\n", r.problems[i].line, r.problems[i].message);
	assert_int_equal(rc, 0);
}

static int setup_policy(void **state)
{
	(void)state;
	parse_policy(&policy, small_policy);
	return 0;
}

static int teardown_policy(void **state)
{
	(void)state;
	entitlement_free(&policy);
	return 0;
}

/* ---- the parties: places in km from a corner of the county ---- */

#define E0 600000
#define N0 300000

static struct plan_school school(uint32_t urn, const char *category, const char *cluster,
				 int e_km, int n_km)
{
	struct plan_school s = {.urn = urn, .name = "School", .phase = 2, .cluster_id = cluster,
				.federation = "", .easting = E0 + e_km * 1000,
				.northing = N0 + n_km * 1000, .open = true};
	snprintf(s.category, sizeof s.category, "%s", category);
	return s;
}

static const char *const trained[] = {"CEP training"};

enum { IA = 1u << ROLE_IA, ECP = 1u << ROLE_ECP, CEP = 1u << ROLE_CEP };

static struct plan_partner partner(const char *id, unsigned roles, unsigned capacity_days,
				   int e_km, int n_km)
{
	return (struct plan_partner){.id = id, .name = id, .roles = roles,
				     .led_good_school = true, .training = trained,
				     .training_count = 1, .capacity_days = capacity_days,
				     .easting = E0 + e_km * 1000, .northing = N0 + n_km * 1000,
				     .own_cluster = "", .federation = "", .active = true};
}

static struct planner_input input(const struct entitlement_policy *p,
				  const struct plan_school *schools, size_t n_schools,
				  const struct plan_partner *partners, size_t n_partners)
{
	return (struct planner_input){.policy = p, .schools = schools, .n_schools = n_schools,
				      .partners = partners, .n_partners = n_partners};
}
#define INPUT(schools, partners) \
	input(&policy, schools, sizeof schools / sizeof schools[0], partners, \
	      sizeof partners / sizeof partners[0])

static struct planner_output run(const struct planner_input *in, struct arena *a)
{
	struct planner_output out;
	struct status st = {0};
	int rc = planner_run(in, a, &out, &st);
	if (rc != 0)
		print_error("planner_run: %s\n", st.message);
	assert_int_equal(rc, 0);
	return out;
}

/* The one allocation of (role, school); fails when there is none or more than one. */
static const struct planner_allocation *at(const struct planner_output *o, int role, int school)
{
	const struct planner_allocation *found = NULL;
	for (size_t i = 0; i < o->n; i++)
		if (o->allocations[i].role == role && o->allocations[i].school == school) {
			if (found) {
				print_error("school %d has two allocations in role %d\n", school, role);
				fail();
			}
			found = &o->allocations[i];
		}
	if (!found) {
		print_error("school %d has no allocation in role %d\n", school, role);
		fail();
	}
	return found;
}

/* The one CEP allocation of `cluster`. */
static const struct planner_allocation *cep_of(const struct planner_output *o, const char *cluster)
{
	const struct planner_allocation *found = NULL;
	for (size_t i = 0; i < o->n; i++)
		if (o->allocations[i].role == ROLE_CEP &&
		    strcmp(o->allocations[i].cluster_id, cluster) == 0) {
			assert_null(found);
			assert_int_equal(o->allocations[i].school, -1);
			found = &o->allocations[i];
		}
	assert_non_null(found);
	return found;
}

/* The id of the partner serving (role, school), or "-" when nobody does. */
static const char *who(const struct planner_input *in, const struct planner_output *o, int role,
		       int school)
{
	const struct planner_allocation *al = at(o, role, school);
	return al->partner >= 0 ? in->partners[al->partner].id : "-";
}

static size_t count_role(const struct planner_output *o, int role)
{
	size_t k = 0;
	for (size_t i = 0; i < o->n; i++)
		k += o->allocations[i].role == role;
	return k;
}

/* No partner over its days. */
static void assert_within_capacity(const struct planner_input *in, const struct planner_output *o)
{
	for (size_t p = 0; p < in->n_partners; p++) {
		unsigned days = 0;
		for (size_t i = 0; i < o->n; i++)
			if (o->allocations[i].partner == (int)p)
				days += o->allocations[i].days;
		if (days > in->partners[p].capacity_days)
			print_error("%s has %u days of %u\n", in->partners[p].id, days,
				    in->partners[p].capacity_days);
		assert_true(days <= in->partners[p].capacity_days);
	}
}

/* ---- per-school roles ---- */

static void test_only_entitled_schools_are_planned(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0), school(100002, "C", "", 0, 0),
					school(100003, "B", "", 0, 0), school(100004, "A", "", 0, 0)};
	schools[2].open = false;
	struct plan_partner partners[] = {partner("p0", IA | ECP, 100, 0, 0)};
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_int_equal(o.n, 2);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "p0");
	assert_string_equal(who(&in, &o, ROLE_IA, 3), "p0");
	assert_int_equal(o.stats[ROLE_ECP].entitled, 1);
	assert_int_equal(o.stats[ROLE_IA].entitled, 1);
	assert_int_equal(count_role(&o, ROLE_CEP), 0);   /* no school in a cluster */
}

static void test_the_optimal_plan_where_the_nearest_partner_is_not(void **state)
{
	/* Nearest first, s0 takes near (1 km) and leaves s1 far (12 km): 13 km. The
	 * optimum sends far to s0 (10 km) and near to s1 (1 km): 11 km. */
	struct plan_school schools[] = {school(100001, "B", "", 0, 0), school(100002, "B", "", 2, 0)};
	struct plan_partner partners[] = {partner("near", ECP, 5, 1, 0),
					  partner("far", ECP, 5, -10, 0)};
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "far");
	assert_string_equal(who(&in, &o, ROLE_ECP, 1), "near");
	assert_int_equal(at(&o, ROLE_ECP, 0)->cost + at(&o, ROLE_ECP, 1)->cost, 1100);
	assert_int_equal(o.stats[ROLE_ECP].objective, 1100);
	assert_true(fabs(at(&o, ROLE_ECP, 0)->distance_km - 10.0) < 1e-9);
	assert_contains(at(&o, ROLE_ECP, 0)->reason, "optimal");
	assert_int_equal(at(&o, ROLE_ECP, 0)->basis, PLANNER_BASIS_MATCHED);
}

static void test_an_allocation_carries_its_days_and_price(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0), school(100002, "A", "", 0, 0)};
	struct plan_partner partners[] = {partner("p0", IA | ECP, 100, 3, 4)};
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	const struct planner_allocation *ecp = at(&o, ROLE_ECP, 0), *ia = at(&o, ROLE_IA, 1);
	assert_int_equal(ecp->days, 5);
	assert_int_equal(ecp->cost_pence, 10000);   /* £100 */
	assert_int_equal(ecp->cost, 500);           /* 5 km */
	assert_int_equal(ia->days, 10);
	assert_int_equal(ia->cost_pence, 0);
	assert_int_equal(o.stats[ROLE_ECP].days, 5);
	assert_int_equal(o.stats[ROLE_ECP].cost_pence, 10000);
	assert_int_equal(o.stats[ROLE_ECP].served, 1);
}

static void test_days_go_to_the_earlier_role_first(void **state)
{
	/* both takes both roles and is nearest to both schools, with days for one of them */
	struct plan_school schools[] = {school(100001, "A", "", 0, 0), school(100002, "B", "", 1, 0)};
	struct plan_partner partners[] = {partner("both", IA | ECP, 10, 1, 0),
					  partner("ecp-only", ECP, 5, 30, 0)};
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_IA, 0), "both");
	assert_string_equal(who(&in, &o, ROLE_ECP, 1), "ecp-only");
	assert_within_capacity(&in, &o);

	/* with the ECP planned first, the ECP takes its days and the school in concern
	 * goes without */
	struct entitlement_policy ecp_first;
	parse_policy(&ecp_first, ecp_first_policy);
	in.policy = &ecp_first;
	o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 1), "both");
	assert_string_equal(who(&in, &o, ROLE_IA, 0), "-");
	assert_string_equal(at(&o, ROLE_IA, 0)->reason, "every qualified partner is at capacity");
	assert_int_equal(at(&o, ROLE_IA, 0)->basis, PLANNER_BASIS_AT_CAPACITY);
	entitlement_free(&ecp_first);
}

static void test_capacity_in_days_is_kept(void **state)
{
	/* near has days for two schools (12 / 5), tiny for none (4 < 5) */
	struct plan_school schools[] = {school(100001, "B", "", 0, 0), school(100002, "B", "", 1, 0),
					school(100003, "B", "", 2, 0)};
	struct plan_partner partners[] = {partner("near", ECP, 12, 1, 0),
					  partner("far", ECP, 100, 40, 0),
					  partner("tiny", ECP, 4, 0, 0)};
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_within_capacity(&in, &o);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "near");
	assert_string_equal(who(&in, &o, ROLE_ECP, 1), "near");
	assert_string_equal(who(&in, &o, ROLE_ECP, 2), "far");   /* the cheapest for far */
	assert_int_equal(o.stats[ROLE_ECP].served, 3);
	assert_int_equal(o.stats[ROLE_ECP].days, 15);
}

/* ---- pins and the plan in force ---- */

static struct planner_allocation in_force(int role, int school, int partner, bool pinned)
{
	return (struct planner_allocation){.role = role, .school = school, .cluster_id = "",
					   .partner = partner, .days = 5, .pinned = pinned,
					   .reason = pinned ? "pinned by the officer" : "optimal",
					   .basis = pinned ? PLANNER_BASIS_CHOSEN_BY_LA
							   : PLANNER_BASIS_MATCHED};
}

static void test_a_pin_is_kept_when_another_partner_is_cheaper(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0)};
	struct plan_partner partners[] = {partner("near", ECP, 50, 1, 0),
					  partner("far", ECP, 50, 50, 0)};
	struct planner_allocation current[] = {in_force(ROLE_ECP, 0, 1, true)};
	struct planner_input in = INPUT(schools, partners);
	in.current = current;
	in.n_current = 1;
	struct planner_output o = run(&in, *state);
	const struct planner_allocation *al = at(&o, ROLE_ECP, 0);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "far");
	assert_true(al->pinned);
	assert_string_equal(al->reason, "pinned by the officer");
	assert_int_equal(al->basis, PLANNER_BASIS_CHOSEN_BY_LA);   /* the pin's own */
	assert_int_equal(al->days, 5);
	assert_true(fabs(al->distance_km - 50.0) < 1e-9);
	assert_int_equal(al->cost, 5000);   /* its travel: no change of partner */
	assert_int_equal(o.stats[ROLE_ECP].kept, 1);
	assert_int_equal(o.stats[ROLE_ECP].served, 1);
}

static void test_a_full_plan_moves_an_allocation_that_is_not_pinned(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0)};
	struct plan_partner partners[] = {partner("near", ECP, 50, 1, 0),
					  partner("far", ECP, 50, 50, 0)};
	struct planner_allocation current[] = {in_force(ROLE_ECP, 0, 1, false)};
	struct planner_input in = INPUT(schools, partners);
	in.current = current;
	in.n_current = 1;
	struct planner_output o = run(&in, *state);
	const struct planner_allocation *al = at(&o, ROLE_ECP, 0);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "near");
	assert_false(al->pinned);
	assert_int_equal(al->cost, 100 + 2000);   /* 1 km and the change of partner */
	assert_int_equal(o.stats[ROLE_ECP].kept, 0);

	/* continuity keeps the partner in force when the saving is small */
	partners[1].easting = E0 + 15 * 1000;   /* 14 km further than near: less than 20 */
	o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "far");
	assert_string_equal(at(&o, ROLE_ECP, 0)->reason, "optimal: keeps the partner in force");
	assert_int_equal(at(&o, ROLE_ECP, 0)->basis, PLANNER_BASIS_KEPT);
}

static void test_a_pin_whose_partner_has_left_is_replanned(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0)};
	struct plan_partner partners[] = {partner("near", ECP, 50, 1, 0),
					  partner("far", ECP, 50, 50, 0)};
	partners[0].easting = E0 + 60 * 1000;   /* near is now further than far */
	partners[1].active = false;
	struct planner_allocation current[] = {in_force(ROLE_ECP, 0, 1, true)};
	struct planner_input in = INPUT(schools, partners);
	in.current = current;
	in.n_current = 1;
	struct planner_output o = run(&in, *state);
	const struct planner_allocation *al = at(&o, ROLE_ECP, 0);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "near");
	assert_false(al->pinned);
	assert_contains(al->reason, "optimal");
	assert_int_equal(o.stats[ROLE_ECP].kept, 0);
}

static void test_a_pin_that_now_breaks_a_conflict_rule_is_replanned(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0)};
	struct plan_partner partners[] = {partner("near", ECP, 50, 1, 0),
					  partner("far", ECP, 50, 50, 0)};
	partners[1].own_school = 100001;   /* became the school's head */
	struct planner_allocation current[] = {in_force(ROLE_ECP, 0, 1, true)};
	struct planner_input in = INPUT(schools, partners);
	in.current = current;
	in.n_current = 1;
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "near");
	assert_false(at(&o, ROLE_ECP, 0)->pinned);
}

static void test_a_pin_beyond_the_partners_days_is_replanned(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0)};
	struct plan_partner partners[] = {partner("near", ECP, 50, 1, 0),
					  partner("far", ECP, 4, 50, 0)};
	struct planner_allocation current[] = {in_force(ROLE_ECP, 0, 1, true)};
	struct planner_input in = INPUT(schools, partners);
	in.current = current;
	in.n_current = 1;
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "near");
	assert_within_capacity(&in, &o);
}

/* s0 held by far (still good), s1 by gone (who has left), s2 new; far has days for one. */
static void incremental_instance(struct plan_school schools[3], struct plan_partner partners[3],
				 struct planner_allocation current[2])
{
	schools[0] = school(100001, "B", "", 0, 0);
	schools[1] = school(100002, "B", "", 10, 0);
	schools[2] = school(100003, "B", "", 29, 0);
	partners[0] = partner("home", ECP, 100, 0, 0);
	partners[1] = partner("far", ECP, 5, 30, 0);
	partners[2] = partner("gone", ECP, 100, 10, 0);
	partners[2].active = false;
	current[0] = in_force(ROLE_ECP, 0, 1, false);
	current[1] = in_force(ROLE_ECP, 1, 2, false);
}

static void test_an_incremental_plan_keeps_what_still_holds(void **state)
{
	struct plan_school schools[3];
	struct plan_partner partners[3];
	struct planner_allocation current[2];
	incremental_instance(schools, partners, current);
	struct planner_input in = INPUT(schools, partners);
	in.current = current;
	in.n_current = 2;
	in.incremental = true;
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "far");
	assert_string_equal(at(&o, ROLE_ECP, 0)->reason, "kept: it still holds");
	assert_int_equal(at(&o, ROLE_ECP, 0)->basis, PLANNER_BASIS_KEPT);
	assert_false(at(&o, ROLE_ECP, 0)->pinned);
	assert_string_equal(who(&in, &o, ROLE_ECP, 1), "home");   /* gone has left */
	assert_string_equal(who(&in, &o, ROLE_ECP, 2), "home");   /* far's days are kept */
	assert_within_capacity(&in, &o);
	assert_int_equal(o.stats[ROLE_ECP].kept, 1);
	assert_int_equal(o.stats[ROLE_ECP].served, 3);
	/* only the rest was solved: s1 (10 km and a change) and s2 (29 km) */
	assert_int_equal(o.stats[ROLE_ECP].objective, 1000 + 2000 + 2900);
}

static void test_a_full_plan_may_move_what_an_incremental_one_keeps(void **state)
{
	struct plan_school schools[3];
	struct plan_partner partners[3];
	struct planner_allocation current[2];
	incremental_instance(schools, partners, current);
	struct planner_input in = INPUT(schools, partners);
	in.current = current;
	in.n_current = 2;
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "home");   /* 0 km and a change < 30 km */
	assert_string_equal(who(&in, &o, ROLE_ECP, 1), "home");
	assert_string_equal(who(&in, &o, ROLE_ECP, 2), "far");
	assert_int_equal(o.stats[ROLE_ECP].kept, 0);
	assert_int_equal(o.stats[ROLE_ECP].objective, 2000 + 3000 + 100);
}

/* ---- unserved schools ---- */

static void test_unserved_when_every_qualified_partner_is_at_capacity(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0), school(100002, "B", "", 9, 0)};
	struct plan_partner partners[] = {partner("only", ECP, 5, 0, 0)};
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "only");
	const struct planner_allocation *al = at(&o, ROLE_ECP, 1);
	assert_int_equal(al->partner, -1);
	assert_int_equal(al->days, 0);
	assert_int_equal(al->cost_pence, 0);
	assert_string_equal(al->reason, "every qualified partner is at capacity");
	assert_int_equal(o.stats[ROLE_ECP].unserved, 1);
	assert_int_equal(o.stats[ROLE_ECP].served, 1);
}

static void test_unserved_when_every_candidate_is_excluded(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0)};
	struct plan_partner partners[] = {partner("head", ECP, 50, 0, 0),
					  partner("ia", IA, 50, 0, 0)};
	partners[0].own_school = 100001;
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "-");
	assert_string_equal(at(&o, ROLE_ECP, 0)->reason,
			    "every candidate is excluded (e.g. conflict of interest: the partner's "
			    "own school)");
}

static void test_unserved_when_no_active_partner_takes_the_role(void **state)
{
	struct plan_school schools[] = {school(100001, "A", "", 0, 0)};
	struct plan_partner partners[] = {partner("ecp", ECP, 50, 0, 0),
					  partner("left", IA, 50, 0, 0)};
	partners[1].active = false;
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_IA, 0), "-");
	assert_string_equal(at(&o, ROLE_IA, 0)->reason, "no active partner takes this role");
	assert_int_equal(at(&o, ROLE_IA, 0)->basis, PLANNER_BASIS_NO_PARTNER);
	assert_int_equal(o.stats[ROLE_IA].unserved, 1);
}

/* ---- CEPs ---- */

/* C1: three open schools around 1 km east and a closed one; C2: two around 21 km east.
 * c1-head works in C1 and sits at its centre; c2 sits at C2's centre with days for a
 * cluster of three; untrained sits at C1's centre without the CEP training. */
static void cep_instance(struct plan_school schools[6], struct plan_partner partners[3])
{
	schools[0] = school(100001, "", "C1", 0, 0);
	schools[1] = school(100002, "B", "C1", 1, 0);
	schools[2] = school(100003, "", "C1", 2, 0);
	schools[3] = school(100004, "", "C1", 90, 0);
	schools[3].open = false;
	schools[4] = school(100005, "", "C2", 20, 0);
	schools[5] = school(100006, "", "C2", 22, 0);
	partners[0] = partner("c1-head", CEP, 20, 1, 0);
	partners[0].own_cluster = "C1";
	partners[1] = partner("c2", CEP, 6, 21, 0);
	partners[2] = partner("untrained", CEP | ECP, 50, 1, 0);
	partners[2].training_count = 0;
}

static void test_one_cep_per_cluster_with_days_by_its_size(void **state)
{
	struct plan_school schools[6];
	struct plan_partner partners[3];
	cep_instance(schools, partners);
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_int_equal(count_role(&o, ROLE_CEP), 2);
	const struct planner_allocation *c1 = cep_of(&o, "C1"), *c2 = cep_of(&o, "C2");
	assert_int_equal(c1->days, 1 * 3 + 3);   /* the closed school does not count */
	assert_int_equal(c2->days, 1 * 2 + 3);
	assert_int_equal(o.stats[ROLE_CEP].entitled, 2);
	assert_int_equal(o.stats[ROLE_CEP].served, 2);
	assert_int_equal(o.stats[ROLE_CEP].days, 11);
	assert_within_capacity(&in, &o);
}

static void test_a_cep_is_never_from_its_own_cluster(void **state)
{
	struct plan_school schools[6];
	struct plan_partner partners[3];
	cep_instance(schools, partners);
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	const struct planner_allocation *c1 = cep_of(&o, "C1"), *c2 = cep_of(&o, "C2");
	/* nearest would be c1-head for C1 and c2 for C2 */
	assert_string_equal(partners[c1->partner].id, "c2");
	assert_string_equal(partners[c2->partner].id, "c1-head");
	assert_true(fabs(c1->distance_km - 20.0) < 1e-9);   /* from C1's centre */
	assert_contains(c1->reason, "optimal");
	assert_int_equal(o.stats[ROLE_CEP].objective, 2000 + 2000);
}

static void test_a_cluster_without_a_possible_cep(void **state)
{
	struct plan_school schools[6];
	struct plan_partner partners[3];
	cep_instance(schools, partners);
	partners[1].roles = ECP;   /* c2 no longer a CEP */
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	const struct planner_allocation *c1 = cep_of(&o, "C1");
	assert_int_equal(c1->partner, -1);
	assert_contains(c1->reason, "every candidate is excluded (e.g. ");
	assert_int_equal(c1->basis, PLANNER_BASIS_EXCLUDED);
	assert_string_equal(partners[cep_of(&o, "C2")->partner].id, "c1-head");
	assert_int_equal(o.stats[ROLE_CEP].unserved, 1);
}

static void test_a_pinned_cep_is_kept(void **state)
{
	struct plan_school schools[6];
	struct plan_partner partners[3];
	cep_instance(schools, partners);
	partners[0].own_cluster = "C9";
	/* c2 sits at C2's centre and c1-head at C1's: the pin sends c2 to C1, with its days */
	struct planner_allocation current[] = {
		{.role = ROLE_CEP, .school = -1, .cluster_id = "C1", .partner = 1, .days = 6,
		 .pinned = true, .reason = "Choice A"}};
	struct planner_input in = INPUT(schools, partners);
	in.current = current;
	in.n_current = 1;
	struct planner_output o = run(&in, *state);
	const struct planner_allocation *c1 = cep_of(&o, "C1");
	assert_string_equal(partners[c1->partner].id, "c2");
	assert_true(c1->pinned);
	assert_string_equal(c1->reason, "Choice A");
	assert_int_equal(c1->days, 6);
	assert_true(fabs(c1->distance_km - 20.0) < 1e-9);   /* from C1's centre */
	assert_int_equal(c1->cost, 2000);
	assert_string_equal(partners[cep_of(&o, "C2")->partner].id, "c1-head");   /* c2 is full */
	assert_int_equal(o.stats[ROLE_CEP].kept, 1);
}

/* A cluster finding its own CEP (Choice A before the deadline) gets none from the solver,
 * and no partner's days go to it; the CEP it had goes, unless pinned; its pin is kept. */
static void test_a_cluster_finding_its_own_cep_is_left_to_it(void **state)
{
	struct plan_school schools[6];
	struct plan_partner partners[3];
	cep_instance(schools, partners);
	static const char *const held[] = {"C1"};
	struct planner_allocation current[] = {
		{.role = ROLE_CEP, .school = -1, .cluster_id = "C1", .partner = 1, .days = 6,
		 .reason = "optimal: the least cost for the whole plan"}};
	struct planner_input in = INPUT(schools, partners);
	in.held_clusters = held;
	in.n_held = 1;
	in.current = current;
	in.n_current = 1;
	in.incremental = true;   /* even a plan that keeps what holds lets it go */
	struct planner_output o = run(&in, *state);
	const struct planner_allocation *c1 = cep_of(&o, "C1");
	assert_int_equal(c1->partner, -1);
	assert_contains(c1->reason, "recruiting its own CEP (Choice A)");
	assert_int_equal(c1->basis, PLANNER_BASIS_CHOICE_A_PENDING);
	assert_string_equal(partners[cep_of(&o, "C2")->partner].id, "c2");
	assert_int_equal(o.stats[ROLE_CEP].unserved, 1);
	assert_int_equal(o.stats[ROLE_CEP].days, 5);   /* C2's only */

	current[0].pinned = true;   /* its own nominee, pinned */
	current[0].reason = "the cluster's own choice (Choice A)";
	partners[0].own_cluster = "C9";
	o = run(&in, *state);
	c1 = cep_of(&o, "C1");
	assert_string_equal(partners[c1->partner].id, "c2");
	assert_true(c1->pinned);
	assert_string_equal(c1->reason, "the cluster's own choice (Choice A)");
	assert_string_equal(partners[cep_of(&o, "C2")->partner].id, "c1-head");

	in.n_held = 0;   /* after the deadline: the solver's again */
	current[0].pinned = false;
	in.incremental = false;
	o = run(&in, *state);
	assert_true(cep_of(&o, "C1")->partner >= 0);
	assert_int_equal(o.stats[ROLE_CEP].unserved, 0);
}

/* ---- the same input, the same plan ---- */

static unsigned lcg(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

static void test_the_same_input_gives_the_same_plan(void **state)
{
	enum { NS = 40, NP = 10 };
	static const char *const clusters[] = {"C1", "C2", "C3", "C4", "C5"};
	static const char *const ids[NP] = {"p0", "p1", "p2", "p3", "p4",
					    "p5", "p6", "p7", "p8", "p9"};
	struct plan_school schools[NS];
	struct plan_partner partners[NP];
	unsigned seed = 2013;
	for (int s = 0; s < NS; s++) {
		const char *category = (lcg(&seed) % 3) ? "B" : "A";
		int e = (int)(lcg(&seed) % 40), n = (int)(lcg(&seed) % 40);
		schools[s] = school(100000 + (uint32_t)s, category, clusters[s % 5], e, n);
	}
	for (int p = 0; p < NP; p++)   /* in pairs at the same place: ties everywhere */
		partners[p] = partner(ids[p], IA | ECP | CEP, 40, (p / 2) * 10, (p / 2) * 5);
	struct planner_input in = INPUT(schools, partners);
	struct arena other;
	arena_init(&other);
	struct planner_output x = run(&in, *state), y = run(&in, &other);
	assert_int_equal(x.n, y.n);
	for (size_t i = 0; i < x.n; i++) {
		const struct planner_allocation *a = &x.allocations[i], *b = &y.allocations[i];
		assert_int_equal(a->role, b->role);
		assert_int_equal(a->school, b->school);
		assert_string_equal(a->cluster_id, b->cluster_id);
		assert_int_equal(a->partner, b->partner);
		assert_int_equal(a->days, b->days);
		assert_int_equal(a->cost, b->cost);
		assert_string_equal(a->reason, b->reason);
	}
	for (int r = 0; r < ENTITLEMENT_ROLES; r++)
		assert_int_equal(x.stats[r].objective, y.stats[r].objective);
	assert_int_equal(count_role(&x, ROLE_CEP), 5);
	assert_within_capacity(&in, &x);
	arena_free(&other);
}

/* ---- explanations ---- */

static void test_explain_a_schools_partner(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0)};
	struct plan_partner partners[] = {
		partner("chosen", ECP, 50, 1, 0), partner("dearer", ECP, 50, 5, 0),
		partner("head", ECP, 50, 0, 0), partner("ia", IA, 50, 0, 0),
		partner("left", ECP, 50, 0, 0)};
	partners[2].own_school = 100001;
	partners[4].active = false;
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	const struct planner_allocation *al = at(&o, ROLE_ECP, 0);
	assert_string_equal(partners[al->partner].id, "chosen");

	struct planner_candidate *c;
	size_t n;
	assert_int_equal(planner_explain(&in, al, *state, &c, &n), 0);
	assert_int_equal(n, 3);   /* every other partner taking the role */
	assert_int_equal(c[0].partner, 1);
	assert_null(c[0].excluded_by);
	assert_int_equal(c[0].cost, 500);
	assert_int_equal(c[0].delta, 400);
	assert_true(fabs(c[0].distance_km - 5.0) < 1e-9);
	assert_int_equal(c[1].partner, 2);
	assert_string_equal(c[1].excluded_by, "conflict of interest: the partner's own school");
	assert_int_equal(c[2].partner, 4);
	assert_string_equal(c[2].excluded_by, "has left");
}

static void test_explain_every_allocation_of_a_plan(void **state)
{
	struct plan_school schools[6];
	struct plan_partner partners[3];
	cep_instance(schools, partners);
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	for (size_t i = 0; i < o.n; i++) {
		const struct planner_allocation *al = &o.allocations[i];
		struct planner_candidate *c;
		size_t n, takers = 0;
		assert_int_equal(planner_explain(&in, al, *state, &c, &n), 0);
		for (size_t p = 0; p < in.n_partners; p++)
			takers += (partners[p].roles >> al->role & 1u) && (int)p != al->partner;
		assert_int_equal(n, takers);
		for (size_t k = 0; k < n; k++) {
			assert_int_not_equal(c[k].partner, al->partner);
			assert_true(c[k].excluded_by || c[k].delta == c[k].cost - al->cost);
		}
	}
	/* C2's CEP, c1-head at 20 km, against c2 at its centre (at capacity) and untrained */
	const struct planner_allocation *c2 = cep_of(&o, "C2");
	struct planner_candidate *c;
	size_t n;
	assert_int_equal(planner_explain(&in, c2, *state, &c, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].partner, 1);
	assert_null(c[0].excluded_by);
	assert_int_equal(c[0].delta, -2000);
	assert_int_equal(c[1].partner, 2);
	assert_string_equal(c[1].excluded_by, "has not attended the required training");
}

/* ---- who could take an unserved place ---- */

/* The plan `o` as the plan in force, as the scheduler loads it from its store. */
static void plan_in_force(struct planner_input *in, const struct planner_output *o)
{
	in->current = o->allocations;
	in->n_current = o->n;
}

static void test_capable_partners_of_an_unserved_school(void **state)
{
	struct plan_school schools[] = {school(100001, "B", "", 0, 0), school(100002, "B", "", 9, 0)};
	struct plan_partner partners[] = {
		partner("only", ECP, 5, 0, 0), partner("short", ECP, 3, 4, 0),
		partner("head", ECP, 2, 9, 0), partner("left", ECP, 50, 9, 0),
		partner("ia", IA, 50, 9, 0)};
	partners[2].own_school = 100002;
	partners[3].active = false;
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_string_equal(who(&in, &o, ROLE_ECP, 0), "only");
	assert_int_equal(at(&o, ROLE_ECP, 1)->partner, -1);
	plan_in_force(&in, &o);
	unsigned *used = planner_days_used(&in, *state);
	assert_int_equal(used[0], 5);
	assert_int_equal(used[1], 0);
	assert_int_equal(planner_days_needed(&in, ROLE_ECP, 1, ""), 5);

	struct planner_capable *c;
	size_t n;
	unsigned excluded;
	planner_capable(&in, ROLE_ECP, 1, "", used, *state, &c, &n, &excluded);
	/* "short" lacks 2 of the 5 days, "only" all 5 (its own went to the first school);
	 * "head" is the school's own head; who has left, or takes another role, is no one */
	assert_int_equal(n, 2);
	assert_int_equal(excluded, 1);
	assert_string_equal(partners[c[0].partner].id, "short");
	assert_int_equal(c[0].days_free, 3);
	assert_int_equal(c[0].days_short, 2);
	assert_true(fabs(c[0].distance_km - 5.0) < 1e-9);
	assert_string_equal(partners[c[1].partner].id, "only");
	assert_int_equal(c[1].days_free, 0);
	assert_int_equal(c[1].days_short, 5);
}

static void test_capable_partners_of_an_unserved_cluster(void **state)
{
	struct plan_school schools[6];
	struct plan_partner partners[3];
	cep_instance(schools, partners);
	partners[1].capacity_days = 5;   /* c2: enough for C2 (5 days), not for C1 (6) */
	struct planner_input in = INPUT(schools, partners);
	struct planner_output o = run(&in, *state);
	assert_int_equal(cep_of(&o, "C1")->partner, -1);
	assert_string_equal(partners[cep_of(&o, "C2")->partner].id, "c2");
	plan_in_force(&in, &o);
	assert_int_equal(planner_days_needed(&in, ROLE_CEP, -1, "C1"), 1 * 3 + 3);

	struct planner_capable *c;
	size_t n;
	unsigned excluded;
	planner_capable(&in, ROLE_CEP, -1, "C1", planner_days_used(&in, *state), *state, &c, &n,
			&excluded);
	assert_int_equal(n, 1);
	assert_int_equal(excluded, 2);   /* c1-head's own cluster; untrained */
	assert_string_equal(partners[c[0].partner].id, "c2");
	assert_int_equal(c[0].days_free, 0);
	assert_int_equal(c[0].days_short, 6);
	assert_true(fabs(c[0].distance_km - 20.0) < 1e-9);   /* from C1's centre */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_only_entitled_schools_are_planned),
		T(test_the_optimal_plan_where_the_nearest_partner_is_not),
		T(test_an_allocation_carries_its_days_and_price),
		T(test_days_go_to_the_earlier_role_first),
		T(test_capacity_in_days_is_kept),
		T(test_a_pin_is_kept_when_another_partner_is_cheaper),
		T(test_a_full_plan_moves_an_allocation_that_is_not_pinned),
		T(test_a_pin_whose_partner_has_left_is_replanned),
		T(test_a_pin_that_now_breaks_a_conflict_rule_is_replanned),
		T(test_a_pin_beyond_the_partners_days_is_replanned),
		T(test_an_incremental_plan_keeps_what_still_holds),
		T(test_a_full_plan_may_move_what_an_incremental_one_keeps),
		T(test_unserved_when_every_qualified_partner_is_at_capacity),
		T(test_unserved_when_every_candidate_is_excluded),
		T(test_unserved_when_no_active_partner_takes_the_role),
		T(test_one_cep_per_cluster_with_days_by_its_size),
		T(test_a_cep_is_never_from_its_own_cluster),
		T(test_a_cluster_without_a_possible_cep),
		T(test_a_pinned_cep_is_kept),
		T(test_a_cluster_finding_its_own_cep_is_left_to_it),
		T(test_the_same_input_gives_the_same_plan),
		T(test_explain_a_schools_partner),
		T(test_explain_every_allocation_of_a_plan),
		T(test_capable_partners_of_an_unserved_school),
		T(test_capable_partners_of_an_unserved_cluster),
	};
	return cmocka_run_group_tests(tests, setup_policy, teardown_policy);
}
