/* assign: the exact allocation of improvement partners to schools for per-school roles.
 *
 * Each school takes at most one partner; a partner takes up to its capacity in schools; the
 * caller lists the allowed (school, partner, cost) arcs with its hard rules already applied
 * and pins some schools to partners beforehand (they are out of the problem, but they count
 * in the partner's load). The objective, minimised exactly, is
 *
 *   sum of the chosen arcs' costs
 *   + load_weight * (1 + 2 + ... + k) for each partner with k schools in all (pinned + new),
 *     so the j-th school of a partner costs load_weight * j: a convex term that spreads
 *     schools evenly when costs tie
 *   + unserved_cost for each school left without a partner (a school with no arc is one).
 *
 * It is a min-cost flow (each school sends one unit to a sink, through a partner and its
 * unit "slot" arcs of marginal cost load_weight * j, or straight along an unserved arc),
 * solved by successive shortest paths: one Dijkstra per school on reduced costs, stopped
 * when the sink is settled. The node potentials it ends with are a dual certificate:
 * assign_check_optimal() verifies them without trusting the solver. Pure: no I/O. */
#ifndef N2GG_ASSIGN_H
#define N2GG_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Bounds that keep every sum the solver and the checker form inside int64: a cost, the
 * unserved cost and a partner's dearest slot (load_weight * its largest possible load) are
 * each at most ASSIGN_COST_MAX (about 1.1e12: a metre-scale distance fits many times). */
#define ASSIGN_COST_MAX ((int64_t)1 << 40)
#define ASSIGN_MAX_SCHOOLS (1 << 20)
#define ASSIGN_MAX_PARTNERS (1 << 20)
#define ASSIGN_MAX_ARCS ((size_t)1 << 28)
#define ASSIGN_MAX_PREASSIGNED (1 << 20)   /* in all partners together */

struct assign_arc {
	int school, partner;
	int64_t cost;   /* 0 .. ASSIGN_COST_MAX; of parallel arcs only the cheapest counts */
};

struct assign_problem {
	int n_schools, n_partners;
	/* Per partner: its capacity in schools in all, the pinned ones included (so it takes
	 * at most capacity - preassigned new schools, none when preassigned >= capacity). */
	const int *capacity;
	/* Per partner: schools pinned to it by the caller; NULL means none anywhere. */
	const int *preassigned;
	const struct assign_arc *arcs;   /* any order */
	size_t n_arcs;
	int64_t load_weight;     /* >= 0 */
	int64_t unserved_cost;   /* >= 0, per school left without a partner */
};

/* Node numbering of the flow network, for the potentials. */
static inline int assign_partner_node(const struct assign_problem *p, int partner)
{
	return p->n_schools + partner;
}
static inline int assign_sink_node(const struct assign_problem *p)
{
	return p->n_schools + p->n_partners;
}
static inline int assign_node_count(const struct assign_problem *p)
{
	return p->n_schools + p->n_partners + 1;
}

struct assign_result {
	int *partner_of;      /* per school: the partner, or -1 when unserved */
	int *load;            /* per partner: schools in all, pinned ones included */
	/* The dual certificate, per node (schools, then partners, then the sink; see
	 * assign_partner_node): with reduced cost c(u,v) + potential[u] - potential[v], no
	 * arc of the residual network is negative. */
	int64_t *potential;
	int64_t objective;    /* arc_cost + load_cost + unserved_total */
	int64_t arc_cost, load_cost, unserved_total;
	int n_served, n_unserved;
	/* effort, for metrics: shortest-path searches run and nodes they settled */
	long searches, settled;
};

/* Solves `p` exactly into `r` (whose arrays it allocates; free with assign_result_free,
 * also after a failure). Deterministic: the same problem gives the same assignment, and the
 * order of the arcs does not matter (ties are broken by index). Returns 0, or
 * -STATUS_INVALID_ARGUMENT (a bad problem, with the reason in `st`, which may be NULL) or
 * -STATUS_RESOURCE_EXHAUSTED (out of memory). */
int assign_solve(const struct assign_problem *p, struct assign_result *r, struct status *st);

void assign_result_free(struct assign_result *r);

/* The objective of any assignment (`partner_of` per school, -1 for unserved), checking that
 * it is feasible: only listed arcs, no partner past its capacity. Returns 0, or
 * -STATUS_INVALID_ARGUMENT with the reason in `st` (which may be NULL). */
int assign_objective(const struct assign_problem *p, const int *partner_of, int64_t *objective,
		     struct status *st);

/* Verifies `r` without trusting the solver: the assignment is feasible, r->objective is its
 * objective, and no arc of the residual network (school->partner arcs either way, the
 * unserved arcs, every used slot of each partner and its first free one) has a negative
 * reduced cost under r->potential, which proves the assignment optimal. Returns 0, or -1
 * with the first failure in `why` (which may be NULL). */
int assign_check_optimal(const struct assign_problem *p, const struct assign_result *r, char *why,
			 size_t why_size);

#endif
