/* Unit tests of assign: the exact partner-to-school allocation and its certificate, on
 * hand-checked instances and against brute force on many tiny random ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"

#define U 1000   /* the unserved cost of most instances */

static struct assign_problem problem(int schools, int partners, const int *capacity,
				     const int *pre, const struct assign_arc *arcs, size_t n,
				     int64_t w, int64_t unserved)
{
	return (struct assign_problem){schools, partners, capacity, pre, arcs, n, w, unserved};
}

/* Solves, insists on success and on the certificate. */
static void solve_ok(const struct assign_problem *p, struct assign_result *r)
{
	struct status st;
	status_clear(&st);
	int rc = assign_solve(p, r, &st);
	if (rc != 0)
		fail_msg("assign_solve: %s", st.message);
	char why[256];
	if (assign_check_optimal(p, r, why, sizeof why) != 0)
		fail_msg("certificate: %s", why);
	int64_t objective;
	assert_int_equal(assign_objective(p, r->partner_of, &objective, NULL), 0);
	assert_int_equal(objective, r->objective);
	assert_int_equal(r->objective, r->arc_cost + r->load_cost + r->unserved_total);
	assert_int_equal(r->n_served + r->n_unserved, p->n_schools);
}

/* Taking the nearest partner first (school 0 to partner 0) forces school 1 onto a dear
 * arc; the optimum sends school 0 to its second choice. */
static const int small_cap[] = {1, 2};
static const struct assign_arc small_arcs[] = {
	{0, 0, 1}, {0, 1, 2}, {1, 0, 1}, {1, 1, 5}, {2, 1, 50},
};

static void test_greedy_nearest_is_not_optimal(void **state)
{
	(void)state;
	struct assign_problem p = problem(3, 2, small_cap, NULL, small_arcs, 5, 0, U);
	struct assign_result r;
	solve_ok(&p, &r);
	assert_int_equal(r.objective, 2 + 1 + 50);
	assert_int_equal(r.partner_of[0], 1);
	assert_int_equal(r.partner_of[1], 0);
	assert_int_equal(r.partner_of[2], 1);
	assert_int_equal(r.load[0], 1);
	assert_int_equal(r.load[1], 2);
	/* greedy-nearest's assignment is feasible but dearer */
	int greedy[] = {0, 1, 1};
	int64_t objective;
	assert_int_equal(assign_objective(&p, greedy, &objective, NULL), 0);
	assert_int_equal(objective, 1 + 5 + 50);
	assign_result_free(&r);
}

static void test_unserved_schools(void **state)
{
	(void)state;
	/* school 0 has no arc; schools 1-3 want the one place of partner 0; school 4's only
	 * arc costs more than leaving it unserved */
	const int cap[] = {1, 5};
	const struct assign_arc arcs[] = {
		{1, 0, 30}, {2, 0, 10}, {3, 0, 20}, {4, 1, U + 1},
	};
	struct assign_problem p = problem(5, 2, cap, NULL, arcs, 4, 0, U);
	struct assign_result r;
	solve_ok(&p, &r);
	assert_int_equal(r.partner_of[0], -1);
	assert_int_equal(r.partner_of[1], -1);
	assert_int_equal(r.partner_of[2], 0);
	assert_int_equal(r.partner_of[3], -1);
	assert_int_equal(r.partner_of[4], -1);
	assert_int_equal(r.n_unserved, 4);
	assert_int_equal(r.objective, 10 + 4 * U);
	assert_int_equal(r.unserved_total, 4 * U);
	assign_result_free(&r);

	/* no partners at all */
	p = problem(3, 0, NULL, NULL, NULL, 0, 0, 7);
	solve_ok(&p, &r);
	assert_int_equal(r.objective, 21);
	assign_result_free(&r);

	/* nothing at all */
	p = problem(0, 0, NULL, NULL, NULL, 0, 3, 7);
	solve_ok(&p, &r);
	assert_int_equal(r.objective, 0);
	assign_result_free(&r);
}

static void test_capacity_zero_and_full_pins(void **state)
{
	(void)state;
	/* partner 0 is nearest to everyone but takes nobody: capacity 0; partner 1 is pinned
	 * up to its capacity; partner 2 takes the rest */
	const int cap[] = {0, 2, 3};
	const int pre[] = {0, 2, 0};
	const struct assign_arc arcs[] = {
		{0, 0, 1}, {0, 1, 2}, {0, 2, 9}, {1, 0, 1}, {1, 1, 2}, {1, 2, 8}, {2, 0, 1},
	};
	struct assign_problem p = problem(3, 3, cap, pre, arcs, 7, 0, U);
	struct assign_result r;
	solve_ok(&p, &r);
	assert_int_equal(r.partner_of[0], 2);
	assert_int_equal(r.partner_of[1], 2);
	assert_int_equal(r.partner_of[2], -1);
	assert_int_equal(r.load[0], 0);
	assert_int_equal(r.load[1], 2);
	assert_int_equal(r.load[2], 2);
	assert_int_equal(r.objective, 9 + 8 + U);
	assign_result_free(&r);
}

static void test_pinned_load_shifts_the_balance(void **state)
{
	(void)state;
	/* two schools, equally near both partners; partner 0 already has two pinned, so with a
	 * load weight both new schools go to partner 1: loads 2 and 2 */
	const int cap[] = {10, 10};
	const int pre[] = {2, 0};
	const struct assign_arc arcs[] = {{0, 0, 0}, {0, 1, 0}, {1, 0, 0}, {1, 1, 0}};
	struct assign_problem p = problem(2, 2, cap, pre, arcs, 4, 10, U);
	struct assign_result r;
	solve_ok(&p, &r);
	assert_int_equal(r.partner_of[0], 1);
	assert_int_equal(r.partner_of[1], 1);
	assert_int_equal(r.load[0], 2);
	assert_int_equal(r.load[1], 2);
	assert_int_equal(r.load_cost, 10 * (3 + 3));
	assign_result_free(&r);

	/* a small distance advantage does not beat the load: partner 0 is 5 nearer for both,
	 * but its third school costs 30 against partner 1's first two at 10 and 20 */
	const struct assign_arc near0[] = {{0, 0, 0}, {0, 1, 5}, {1, 0, 0}, {1, 1, 5}};
	p = problem(2, 2, cap, pre, near0, 4, 10, U);
	solve_ok(&p, &r);
	/* options: both to 1: 10 + 60 = 70; one each: 5 + 10*(6+1) = 75; both to 0: 100 */
	assert_int_equal(r.objective, 70);
	assign_result_free(&r);
}

static void test_convex_load_spreads_ties_evenly(void **state)
{
	(void)state;
	enum { S = 12, P = 4 };
	int cap[P];
	struct assign_arc arcs[S * P];
	size_t n = 0;
	for (int j = 0; j < P; j++)
		cap[j] = S;
	for (int i = 0; i < S; i++)
		for (int j = 0; j < P; j++)
			arcs[n++] = (struct assign_arc){i, j, 100};
	struct assign_problem p = problem(S, P, cap, NULL, arcs, n, 1, 1000000);
	struct assign_result r;
	solve_ok(&p, &r);
	for (int j = 0; j < P; j++)
		assert_int_equal(r.load[j], S / P);
	assert_int_equal(r.objective, S * 100 + P * (1 + 2 + 3));
	assign_result_free(&r);

	/* without the load term everything ties; the lowest partner index wins each tie */
	p.load_weight = 0;
	solve_ok(&p, &r);
	assert_int_equal(r.objective, S * 100);
	assert_int_equal(r.load[0], S);
	assign_result_free(&r);
}

static void test_parallel_arcs_use_the_cheapest(void **state)
{
	(void)state;
	const int cap[] = {1};
	const struct assign_arc arcs[] = {{0, 0, 9}, {0, 0, 4}, {0, 0, 7}};
	struct assign_problem p = problem(1, 1, cap, NULL, arcs, 3, 0, U);
	struct assign_result r;
	solve_ok(&p, &r);
	assert_int_equal(r.objective, 4);
	assign_result_free(&r);
}

/* ---- random instances ---- */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static int rng_int(uint64_t *s, int lo, int hi)
{
	return lo + (int)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

struct instance {
	int S, P;
	int cap[64], pre[64];
	struct assign_arc arcs[4096];
	size_t n;
	int64_t w, unserved;
};

static void random_instance(struct instance *in, uint64_t *s, int max_s, int max_p, int max_cost,
			    int density_pct)
{
	in->S = rng_int(s, 1, max_s);
	in->P = rng_int(s, 1, max_p);
	in->n = 0;
	for (int j = 0; j < in->P; j++) {
		in->pre[j] = rng_int(s, 0, 2);
		in->cap[j] = rng_int(s, 0, 4);
	}
	for (int i = 0; i < in->S; i++)
		for (int j = 0; j < in->P; j++)
			if (rng_int(s, 1, 100) <= density_pct)
				in->arcs[in->n++] =
					(struct assign_arc){i, j, rng_int(s, 0, max_cost)};
	in->w = rng_int(s, 0, 3) == 0 ? 0 : rng_int(s, 1, 6);
	in->unserved = rng_int(s, 5, 3 * max_cost);
}

static struct assign_problem instance_problem(const struct instance *in)
{
	return problem(in->S, in->P, in->cap, in->pre, in->arcs, in->n, in->w, in->unserved);
}

/* The optimum by enumerating every assignment, computed here without the module. */
static int64_t brute_force(const struct instance *in)
{
	int choice[16];
	int64_t cost[16][64];   /* the cheapest arc of each pair, -1 for none */
	int64_t best = INT64_MAX;
	for (int i = 0; i < in->S; i++) {
		choice[i] = -1;
		for (int j = 0; j < in->P; j++)
			cost[i][j] = -1;
	}
	for (size_t a = 0; a < in->n; a++) {
		int64_t *c = &cost[in->arcs[a].school][in->arcs[a].partner];
		if (*c < 0 || in->arcs[a].cost < *c)
			*c = in->arcs[a].cost;
	}
	for (;;) {
		int count[64] = {0};
		int64_t total = 0;
		bool ok = true;
		for (int i = 0; i < in->S && ok; i++) {
			if (choice[i] < 0) {
				total += in->unserved;
				continue;
			}
			int64_t cheapest = cost[i][choice[i]];
			if (cheapest < 0)
				ok = false;
			total += cheapest;
			count[choice[i]]++;
		}
		for (int j = 0; j < in->P && ok; j++) {
			int load = in->pre[j] + count[j];
			if (count[j] > 0 && load > in->cap[j])
				ok = false;
			total += in->w * load * (load + 1) / 2;
		}
		if (ok && total < best)
			best = total;
		int i = 0;
		while (i < in->S && ++choice[i] == in->P) {
			choice[i] = -1;
			i++;
		}
		if (i == in->S)
			return best;
	}
}

static void test_matches_brute_force(void **state)
{
	(void)state;
	uint64_t seed = 0x2545F4914F6CDD1Dull;
	static struct instance in;
	for (int round = 0; round < 400; round++) {
		random_instance(&in, &seed, 6, 3, 20, rng_int(&seed, 20, 100));
		struct assign_problem p = instance_problem(&in);
		struct assign_result r;
		solve_ok(&p, &r);
		int64_t best = brute_force(&in);
		if (r.objective != best)
			fail_msg("round %d: solver %lld, brute force %lld", round,
				 (long long)r.objective, (long long)best);
		assign_result_free(&r);
	}
}

static void shuffle_arcs(struct assign_arc *arcs, size_t n, uint64_t *s)
{
	for (size_t k = n; k > 1; k--) {
		size_t m = (size_t)(rng_next(s) % k);
		struct assign_arc t = arcs[k - 1];
		arcs[k - 1] = arcs[m];
		arcs[m] = t;
	}
}

static void test_deterministic_whatever_the_arc_order(void **state)
{
	(void)state;
	uint64_t seed = 42;
	static struct instance in;
	for (int round = 0; round < 50; round++) {
		in.S = 40;
		in.P = 8;
		in.n = 0;
		for (int j = 0; j < in.P; j++) {
			in.cap[j] = rng_int(&seed, 2, 6);
			in.pre[j] = rng_int(&seed, 0, 2);
		}
		for (int i = 0; i < in.S; i++)
			for (int j = 0; j < in.P; j++)
				if (rng_int(&seed, 0, 2))
					in.arcs[in.n++] = (struct assign_arc){
						i, j, rng_int(&seed, 0, 5)};   /* many ties */
		in.w = round % 2;
		in.unserved = 40;
		struct assign_problem p = instance_problem(&in);
		struct assign_result a, b, c;
		solve_ok(&p, &a);
		solve_ok(&p, &b);
		assert_memory_equal(a.partner_of, b.partner_of, sizeof(int) * (size_t)in.S);
		assert_memory_equal(a.potential, b.potential,
				    sizeof(int64_t) * (size_t)assign_node_count(&p));
		shuffle_arcs(in.arcs, in.n, &seed);
		solve_ok(&p, &c);
		assert_int_equal(a.objective, c.objective);
		assert_memory_equal(a.partner_of, c.partner_of, sizeof(int) * (size_t)in.S);
		assign_result_free(&a);
		assign_result_free(&b);
		assign_result_free(&c);
	}
}

static void test_certificate_rejects_what_is_not_optimal(void **state)
{
	(void)state;
	struct assign_problem p = problem(3, 2, small_cap, NULL, small_arcs, 5, 0, U);
	struct assign_result r;
	solve_ok(&p, &r);
	char why[256];

	/* greedy-nearest's assignment with its own (correct) objective: the solver's
	 * potentials no longer price it as optimal */
	int keep[3];
	memcpy(keep, r.partner_of, sizeof keep);
	int64_t keep_objective = r.objective;
	r.partner_of[0] = 0;
	r.partner_of[1] = 1;
	r.partner_of[2] = 1;
	assert_int_equal(assign_objective(&p, r.partner_of, &r.objective, NULL), 0);
	assert_int_equal(assign_check_optimal(&p, &r, why, sizeof why), -1);
	assert_non_null(strstr(why, "reduced cost"));

	/* whatever potentials come with it: zeros, say */
	int nodes = assign_node_count(&p);
	int64_t *saved = malloc(sizeof(int64_t) * (size_t)nodes);
	memcpy(saved, r.potential, sizeof(int64_t) * (size_t)nodes);
	memset(r.potential, 0, sizeof(int64_t) * (size_t)nodes);
	assert_int_equal(assign_check_optimal(&p, &r, why, sizeof why), -1);

	/* the optimal assignment again, checked with spoilt potentials */
	memcpy(r.partner_of, keep, sizeof keep);
	r.objective = keep_objective;
	assert_int_equal(assign_check_optimal(&p, &r, why, sizeof why), -1);
	memcpy(r.potential, saved, sizeof(int64_t) * (size_t)nodes);
	assert_int_equal(assign_check_optimal(&p, &r, why, sizeof why), 0);

	/* a wrong objective */
	r.objective++;
	assert_int_equal(assign_check_optimal(&p, &r, why, sizeof why), -1);
	assert_non_null(strstr(why, "objective"));
	r.objective--;

	/* infeasible: partner 0 over capacity; an arc that does not exist */
	r.partner_of[0] = 0;
	assert_int_equal(assign_check_optimal(&p, &r, why, sizeof why), -1);
	assert_non_null(strstr(why, "infeasible"));
	r.partner_of[0] = 1;
	r.partner_of[2] = 0;
	assert_int_equal(assign_check_optimal(&p, &r, why, sizeof why), -1);
	assert_non_null(strstr(why, "no arc"));
	memcpy(r.partner_of, keep, sizeof keep);

	/* leaving a school unserved when it could be served */
	r.partner_of[2] = -1;
	assert_int_equal(assign_objective(&p, r.partner_of, &r.objective, NULL), 0);
	assert_int_equal(assign_check_optimal(&p, &r, why, sizeof why), -1);
	free(saved);
	assign_result_free(&r);
}

static void test_rejects_bad_problems(void **state)
{
	(void)state;
	struct status st;
	struct assign_result r;
	const int cap[] = {1};
	const int cap5[] = {5};
	const int neg_cap[] = {-1};
	const int neg_pre[] = {-1};
	struct assign_arc arcs[] = {{0, 0, 5}};
	struct {
		struct assign_problem p;
		const char *words;
	} cases[] = {
		{problem(-1, 1, cap, NULL, arcs, 1, 0, U), "schools"},
		{problem(1, 1, NULL, NULL, arcs, 1, 0, U), "capacities"},
		{problem(1, 1, neg_cap, NULL, arcs, 1, 0, U), "negative"},
		{problem(1, 1, cap, neg_pre, arcs, 1, 0, U), "preassigned"},
		{problem(1, 1, cap, NULL, arcs, 1, -1, U), "load weight"},
		{problem(1, 1, cap, NULL, arcs, 1, 0, -5), "unserved cost"},
		{problem(1, 1, cap, NULL, arcs, 1, 0, ASSIGN_COST_MAX + 1), "unserved cost"},
		{problem(1, 1, cap, NULL, NULL, 1, 0, U), "no arcs"},
		/* two places at 2^40 each are past the limit */
		{problem(2, 1, cap5, NULL, arcs, 1, ASSIGN_COST_MAX, U), "load weight"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		status_clear(&st);
		assert_int_equal(assign_solve(&cases[k].p, &r, &st), -STATUS_INVALID_ARGUMENT);
		assert_non_null(strstr(st.message, cases[k].words));
		assign_result_free(&r);
	}
	struct assign_arc bad[][1] = {{{1, 0, 5}}, {{0, 1, 5}}, {{0, 0, -1}},
				      {{0, 0, ASSIGN_COST_MAX + 1}}};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		struct assign_problem p = problem(1, 1, cap, NULL, bad[k], 1, 0, U);
		status_clear(&st);
		assert_int_equal(assign_solve(&p, &r, &st), -STATUS_INVALID_ARGUMENT);
		assert_non_null(strstr(st.message, "arc 0"));
		assign_result_free(&r);
		char why[128];
		assert_int_equal(assign_check_optimal(&p, &r, why, sizeof why), -1);
	}
	/* the largest costs the limits allow still give an exact, checked answer */
	const int cap2[] = {1, 1};
	struct assign_arc big[] = {{0, 0, ASSIGN_COST_MAX}, {1, 0, 0}, {1, 1, ASSIGN_COST_MAX}};
	struct assign_problem p =
		problem(2, 2, cap2, NULL, big, 3, ASSIGN_COST_MAX, ASSIGN_COST_MAX);
	solve_ok(&p, &r);
	assign_result_free(&r);
}

/* A county-sized random instance: the certificate holds and effort is reported. */
static void test_larger_instance_is_certified(void **state)
{
	(void)state;
	enum { S = 600, P = 60, K = 12 };
	uint64_t seed = 7;
	int cap[P], pre[P];
	double sx[S], sy[S], px[P], py[P];
	static struct assign_arc arcs[S * K];
	size_t n = 0;
	for (int j = 0; j < P; j++) {
		px[j] = rng_int(&seed, 0, 70000);
		py[j] = rng_int(&seed, 0, 50000);
		cap[j] = rng_int(&seed, 6, 11);
		pre[j] = rng_int(&seed, 0, 1);
	}
	for (int i = 0; i < S; i++) {
		sx[i] = rng_int(&seed, 0, 70000);
		sy[i] = rng_int(&seed, 0, 50000);
		/* K random candidates, Manhattan distance */
		for (int k = 0; k < K; k++) {
			int j = rng_int(&seed, 0, P - 1);
			double d = (sx[i] > px[j] ? sx[i] - px[j] : px[j] - sx[i]) +
				   (sy[i] > py[j] ? sy[i] - py[j] : py[j] - sy[i]);
			arcs[n++] = (struct assign_arc){i, j, (int64_t)d};
		}
	}
	struct assign_problem p = problem(S, P, cap, pre, arcs, n, 500, 200000);
	struct assign_result r;
	solve_ok(&p, &r);
	assert_int_equal(r.searches, S);
	assert_true(r.settled >= 2 * S);
	assign_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_greedy_nearest_is_not_optimal),
		cmocka_unit_test(test_unserved_schools),
		cmocka_unit_test(test_capacity_zero_and_full_pins),
		cmocka_unit_test(test_pinned_load_shifts_the_balance),
		cmocka_unit_test(test_convex_load_spreads_ties_evenly),
		cmocka_unit_test(test_parallel_arcs_use_the_cheapest),
		cmocka_unit_test(test_matches_brute_force),
		cmocka_unit_test(test_deterministic_whatever_the_arc_order),
		cmocka_unit_test(test_certificate_rejects_what_is_not_optimal),
		cmocka_unit_test(test_rejects_bad_problems),
		cmocka_unit_test(test_larger_instance_is_certified),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
