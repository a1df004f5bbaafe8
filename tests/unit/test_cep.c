/* Unit tests of cep: Cluster Education Partners to clusters (a generalised assignment
 * solved with GLPK), on hand-checked instances and against brute force on tiny random ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cep.h"

#define U 100000

static struct cep_problem problem(int clusters, int partners, const int *days, const int *capacity,
				  const struct cep_arc *arcs, size_t n, int64_t unserved)
{
	return (struct cep_problem){clusters, partners, days, capacity, arcs, n, unserved, 0, 0};
}

static void solve_ok(const struct cep_problem *p, struct cep_result *r)
{
	struct status st;
	status_clear(&st);
	if (cep_solve(p, r, &st) != 0)
		fail_msg("cep_solve: %s", st.message);
	int64_t objective;
	if (cep_check(p, r->partner_of, &objective, &st) != 0)
		fail_msg("cep_check: %s", st.message);
	assert_int_equal(objective, r->objective);
	assert_true(r->bound <= r->objective);
	assert_true(r->lp_bound <= (double)r->objective + 1e-6);
	assert_int_equal(r->n_served + r->n_unserved, p->n_clusters);
	if (r->optimal) {
		assert_int_equal(r->bound, r->objective);
		assert_true(r->gap == 0.0);
	}
}

static void test_cluster_days(void **state)
{
	(void)state;
	assert_int_equal(cep_cluster_days(0), 3);
	assert_int_equal(cep_cluster_days(12), 15);
}

/* Cluster 0 takes partner 0 first, as cheapest; cluster 1 then only fits at partner 1,
 * which is dear for it. The optimum gives cluster 0 its second choice. */
static void test_greedy_is_not_optimal(void **state)
{
	(void)state;
	const int days[] = {6, 6};
	const int capacity[] = {10, 10};
	const struct cep_arc arcs[] = {{0, 0, 1}, {0, 1, 2}, {1, 0, 1}, {1, 1, 100}};
	struct cep_problem p = problem(2, 2, days, capacity, arcs, 4, U);
	struct cep_result r;
	solve_ok(&p, &r);
	assert_true(r.optimal);
	assert_int_equal(r.objective, 3);
	assert_int_equal(r.partner_of[0], 1);
	assert_int_equal(r.partner_of[1], 0);
	assert_int_equal(r.days_used[0], 6);
	assert_int_equal(r.days_used[1], 6);
	int64_t objective;
	const int greedy[] = {0, 1};
	assert_int_equal(cep_check(&p, greedy, &objective, NULL), 0);
	assert_int_equal(objective, 101);
	cep_result_free(&r);
}

/* Knapsack-like: days 4, 5 and 6 into one partner of 10 days; a second partner, dearer,
 * has 6. Best: 4 + 6 at partner 0 (costs 1 + 1), 5 at partner 1 (cost 10). */
static void test_packs_days(void **state)
{
	(void)state;
	const int days[] = {4, 5, 6};
	const int capacity[] = {10, 6};
	const struct cep_arc arcs[] = {{0, 0, 1}, {1, 0, 1}, {2, 0, 1},
				       {0, 1, 10}, {1, 1, 10}, {2, 1, 30}};
	struct cep_problem p = problem(3, 2, days, capacity, arcs, 6, U);
	struct cep_result r;
	solve_ok(&p, &r);
	assert_true(r.optimal);
	assert_int_equal(r.objective, 12);
	assert_int_equal(r.partner_of[0], 0);
	assert_int_equal(r.partner_of[1], 1);
	assert_int_equal(r.partner_of[2], 0);
	cep_result_free(&r);
}

static void test_unserved_clusters(void **state)
{
	(void)state;
	/* cluster 0: no arc; 1: needs more days than its partner has; 2: its partner has none;
	 * 3: cheaper unserved than served; 4: served */
	const int days[] = {5, 20, 5, 5, 5};
	const int capacity[] = {10, 0, 10};
	const struct cep_arc arcs[] = {{1, 0, 1}, {2, 1, 1}, {3, 2, U + 1}, {4, 0, 7}};
	struct cep_problem p = problem(5, 3, days, capacity, arcs, 4, U);
	struct cep_result r;
	solve_ok(&p, &r);
	assert_true(r.optimal);
	assert_int_equal(r.n_unserved, 4);
	assert_int_equal(r.partner_of[4], 0);
	assert_int_equal(r.objective, 4 * U + 7);
	cep_result_free(&r);

	/* nothing to do */
	p = problem(0, 0, NULL, NULL, NULL, 0, U);
	solve_ok(&p, &r);
	assert_true(r.optimal);
	assert_int_equal(r.objective, 0);
	cep_result_free(&r);

	/* no partners: all unserved */
	p = problem(2, 0, days, NULL, NULL, 0, U);
	solve_ok(&p, &r);
	assert_int_equal(r.objective, 2 * U);
	cep_result_free(&r);
}

static void test_check_rejects_infeasible_allocations(void **state)
{
	(void)state;
	const int days[] = {6, 6};
	const int capacity[] = {10, 10};
	const struct cep_arc arcs[] = {{0, 0, 1}, {0, 1, 2}, {1, 0, 1}};
	struct cep_problem p = problem(2, 2, days, capacity, arcs, 3, U);
	struct status st;
	int64_t objective;
	const int over[] = {0, 0};
	assert_int_equal(cep_check(&p, over, &objective, &st), -STATUS_INVALID_ARGUMENT);
	assert_non_null(strstr(st.message, "12 days"));
	const int no_arc[] = {0, 1};
	assert_int_equal(cep_check(&p, no_arc, &objective, &st), -STATUS_INVALID_ARGUMENT);
	assert_non_null(strstr(st.message, "no arc"));
	const int out_of_range[] = {5, -1};
	assert_int_equal(cep_check(&p, out_of_range, &objective, &st), -STATUS_INVALID_ARGUMENT);
	const int fine[] = {1, -1};
	assert_int_equal(cep_check(&p, fine, &objective, &st), 0);
	assert_int_equal(objective, 2 + U);
}

static void test_rejects_bad_problems(void **state)
{
	(void)state;
	const int days[] = {5};
	const int zero_days[] = {0};
	const int capacity[] = {10};
	const int neg_capacity[] = {-1};
	const struct cep_arc arcs[] = {{0, 0, 1}};
	const struct cep_arc bad_cluster[] = {{1, 0, 1}};
	const struct cep_arc bad_partner[] = {{0, 1, 1}};
	const struct cep_arc bad_cost[] = {{0, 0, -1}};
	const struct cep_arc huge_cost[] = {{0, 0, CEP_COST_MAX + 1}};
	struct cep_problem limits = problem(1, 1, days, capacity, arcs, 1, U);
	limits.time_limit_ms = -1;
	struct {
		struct cep_problem p;
		const char *words;
	} cases[] = {
		{problem(-1, 1, days, capacity, arcs, 1, U), "clusters"},
		{problem(1, 1, NULL, capacity, arcs, 1, U), "no days"},
		{problem(1, 1, days, NULL, arcs, 1, U), "no capacities"},
		{problem(1, 1, zero_days, capacity, arcs, 1, U), "days"},
		{problem(1, 1, days, neg_capacity, arcs, 1, U), "capacity"},
		{problem(1, 1, days, capacity, bad_cluster, 1, U), "no cluster"},
		{problem(1, 1, days, capacity, bad_partner, 1, U), "no partner"},
		{problem(1, 1, days, capacity, bad_cost, 1, U), "cost"},
		{problem(1, 1, days, capacity, huge_cost, 1, U), "cost"},
		{problem(1, 1, days, capacity, arcs, 1, -1), "unserved"},
		{problem(1, 1, days, capacity, NULL, 1, U), "no arcs"},
		{limits, "limit"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct status st;
		struct cep_result r;
		status_clear(&st);
		assert_int_equal(cep_solve(&cases[k].p, &r, &st), -STATUS_INVALID_ARGUMENT);
		if (!strstr(st.message, cases[k].words))
			fail_msg("case %zu: '%s' lacks '%s'", k, st.message, cases[k].words);
		cep_result_free(&r);
	}
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
	int C, P;
	int days[64], capacity[64];
	struct cep_arc arcs[1024];
	size_t n;
	int64_t unserved;
};

static struct cep_problem instance_problem(const struct instance *in)
{
	return problem(in->C, in->P, in->days, in->capacity, in->arcs, in->n, in->unserved);
}

/* The optimum by enumerating every allocation, computed here without the module. */
static int64_t brute_force(const struct instance *in)
{
	int64_t cost[8][8];
	int choice[8];
	for (int c = 0; c < in->C; c++) {
		choice[c] = -1;
		for (int j = 0; j < in->P; j++)
			cost[c][j] = -1;
	}
	for (size_t a = 0; a < in->n; a++) {
		int64_t *x = &cost[in->arcs[a].cluster][in->arcs[a].partner];
		if (*x < 0 || in->arcs[a].cost < *x)
			*x = in->arcs[a].cost;
	}
	int64_t best = INT64_MAX;
	for (;;) {
		int used[8] = {0};
		int64_t total = 0;
		bool ok = true;
		for (int c = 0; c < in->C && ok; c++) {
			if (choice[c] < 0) {
				total += in->unserved;
			} else if (cost[c][choice[c]] < 0) {
				ok = false;
			} else {
				total += cost[c][choice[c]];
				used[choice[c]] += in->days[c];
			}
		}
		for (int j = 0; j < in->P && ok; j++)
			ok = used[j] <= in->capacity[j];
		if (ok && total < best)
			best = total;
		int c = 0;
		while (c < in->C && ++choice[c] == in->P) {
			choice[c] = -1;
			c++;
		}
		if (c == in->C)
			return best;
	}
}

static void test_matches_brute_force(void **state)
{
	(void)state;
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	static struct instance in;
	for (int round = 0; round < 150; round++) {
		in.C = rng_int(&seed, 1, 6);
		in.P = rng_int(&seed, 1, 3);
		in.n = 0;
		for (int c = 0; c < in.C; c++)
			in.days[c] = rng_int(&seed, 1, 6);
		for (int j = 0; j < in.P; j++)
			in.capacity[j] = rng_int(&seed, 0, 12);
		int density = rng_int(&seed, 30, 100);
		for (int c = 0; c < in.C; c++)
			for (int j = 0; j < in.P; j++)
				if (rng_int(&seed, 1, 100) <= density)
					in.arcs[in.n++] =
						(struct cep_arc){c, j, rng_int(&seed, 0, 30)};
		in.unserved = rng_int(&seed, 5, 60);
		struct cep_problem p = instance_problem(&in);
		struct cep_result r;
		solve_ok(&p, &r);
		assert_true(r.optimal);
		int64_t best = brute_force(&in);
		if (r.objective != best)
			fail_msg("round %d: solver %lld, brute force %lld", round,
				 (long long)r.objective, (long long)best);
		cep_result_free(&r);
	}
}

/* A county-like instance: `C` clusters of 5-14 schools, each with its `K` nearest of `P`
 * partners by Manhattan distance in metres, capacity in days about `tight` times the need
 * spread over the partners. */
static void county_instance(struct instance *in, uint64_t seed, int C, int P, int K, double tight)
{
	int cx[64], cy[64], px[64], py[64];
	in->C = C;
	in->P = P;
	in->n = 0;
	int need = 0;
	for (int c = 0; c < C; c++) {
		cx[c] = rng_int(&seed, 0, 70000);
		cy[c] = rng_int(&seed, 0, 50000);
		in->days[c] = cep_cluster_days(rng_int(&seed, 5, 14));
		need += in->days[c];
	}
	for (int j = 0; j < P; j++) {
		px[j] = rng_int(&seed, 0, 70000);
		py[j] = rng_int(&seed, 0, 50000);
		in->capacity[j] = (int)(need * tight / P * rng_int(&seed, 70, 130) / 100);
	}
	for (int c = 0; c < C; c++) {
		int64_t dist[64];
		bool taken[64] = {false};
		for (int j = 0; j < P; j++)
			dist[j] = llabs((long long)cx[c] - px[j]) + llabs((long long)cy[c] - py[j]);
		for (int k = 0; k < K; k++) {
			int best = -1;
			for (int j = 0; j < P; j++)
				if (!taken[j] && (best < 0 || dist[j] < dist[best]))
					best = j;
			taken[best] = true;
			in->arcs[in->n++] = (struct cep_arc){c, best, dist[best]};
		}
	}
	in->unserved = 200000;
}

static void shuffle_arcs(struct cep_arc *arcs, size_t n, uint64_t *s)
{
	for (size_t k = n; k > 1; k--) {
		size_t m = (size_t)(rng_next(s) % k);
		struct cep_arc t = arcs[k - 1];
		arcs[k - 1] = arcs[m];
		arcs[m] = t;
	}
}

static void test_deterministic_whatever_the_arc_order(void **state)
{
	(void)state;
	static struct instance in;
	county_instance(&in, 11, 20, 12, 8, 1.3);
	struct cep_problem p = instance_problem(&in);
	struct cep_result a, b, c;
	solve_ok(&p, &a);
	assert_true(a.optimal);
	solve_ok(&p, &b);
	uint64_t seed = 5;
	shuffle_arcs(in.arcs, in.n, &seed);
	solve_ok(&p, &c);
	assert_int_equal(a.objective, b.objective);
	assert_int_equal(a.objective, c.objective);
	assert_memory_equal(a.partner_of, b.partner_of, sizeof(int) * (size_t)in.C);
	assert_memory_equal(a.partner_of, c.partner_of, sizeof(int) * (size_t)in.C);
	cep_result_free(&a);
	cep_result_free(&b);
	cep_result_free(&c);
}

/* Stopped after a few subproblems: still a feasible allocation, with a bound no higher
 * than the optimum the full search then proves. */
static void test_node_limit_gives_a_bound(void **state)
{
	(void)state;
	static struct instance in;
	county_instance(&in, 3, 24, 16, 10, 1.1);
	struct cep_problem p = instance_problem(&in);
	p.node_limit = 2;
	struct cep_result limited, full, again;
	solve_ok(&p, &limited);
	solve_ok(&p, &again);   /* a node limit keeps it deterministic */
	assert_int_equal(limited.objective, again.objective);
	assert_int_equal(limited.bound, again.bound);
	p.node_limit = 0;
	solve_ok(&p, &full);
	assert_true(full.optimal);
	assert_true(limited.bound <= full.objective);
	assert_true(limited.objective >= full.objective);
	assert_true((double)limited.bound >= ceil(limited.lp_bound - 1e-6));
	if (!limited.optimal)
		assert_true(limited.gap >= 0.0 && limited.gap <= 1.0);
	else
		assert_int_equal(limited.objective, full.objective);
	cep_result_free(&limited);
	cep_result_free(&again);
	cep_result_free(&full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cluster_days),
		cmocka_unit_test(test_greedy_is_not_optimal),
		cmocka_unit_test(test_packs_days),
		cmocka_unit_test(test_unserved_clusters),
		cmocka_unit_test(test_check_rejects_infeasible_allocations),
		cmocka_unit_test(test_rejects_bad_problems),
		cmocka_unit_test(test_matches_brute_force),
		cmocka_unit_test(test_deterministic_whatever_the_arc_order),
		cmocka_unit_test(test_node_limit_gives_a_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
