/* cep: the allocation of Cluster Education Partners (CEPs), one per cluster.
 *
 * A cluster needs a number of days of its CEP (cep_cluster_days: one per school and three
 * more); a CEP has a capacity in days and may serve several clusters within it. The caller
 * lists the allowed (cluster, partner, cost) arcs with its hard rules applied. The
 * objective, minimised, is the sum of the chosen arcs' costs plus unserved_cost for each
 * cluster left without a CEP. This is a generalised assignment problem (NP-hard), solved as
 * a MIP with GLPK: exactly for county-sized instances (tens of clusters, twenty or so
 * candidates each), and for larger ones up to a time or node limit, returning the best
 * allocation found with a proven lower bound and the gap between them. GLPK prints nothing
 * and is given only validated input. Pure: no I/O. */
#ifndef N2GG_CEP_H
#define N2GG_CEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Bounds that keep every objective exact in the doubles GLPK works in (below 2^52). */
#define CEP_COST_MAX ((int64_t)1 << 34)
#define CEP_MAX_CLUSTERS (1 << 16)
#define CEP_MAX_PARTNERS (1 << 16)
#define CEP_MAX_ARCS ((size_t)1 << 24)
#define CEP_DAYS_MAX 1000000

struct cep_arc {
	int cluster, partner;
	int64_t cost;   /* 0 .. CEP_COST_MAX; of parallel arcs only the cheapest counts */
};

struct cep_problem {
	int n_clusters, n_partners;
	const int *days;        /* per cluster: days it needs, 1 .. CEP_DAYS_MAX */
	const int *capacity;    /* per partner: days it has, 0 .. CEP_DAYS_MAX */
	const struct cep_arc *arcs;   /* any order */
	size_t n_arcs;
	int64_t unserved_cost;  /* >= 0, per cluster left without a CEP */
	/* Limits on the search (0: none). A time limit makes the result depend on the
	 * machine; a node limit (branch-and-bound subproblems) keeps it deterministic. */
	int time_limit_ms;
	int node_limit;
};

/* Days a cluster of `n_schools` schools needs of its CEP. */
static inline int cep_cluster_days(int n_schools)
{
	return n_schools + 3;
}

struct cep_result {
	int *partner_of;   /* per cluster: the partner, or -1 when unserved */
	int *days_used;    /* per partner */
	int64_t objective;
	int64_t bound;     /* proven lower bound on the optimum: objective when optimal */
	double lp_bound;   /* the LP relaxation's optimum (a weaker bound) */
	double gap;        /* (objective - bound) / |objective|; 0 when proven optimal */
	bool optimal;      /* proven optimal; false when a limit stopped the search */
	int n_served, n_unserved;
	long nodes;        /* branch-and-bound subproblems selected */
};

/* Solves `p` into `r` (whose arrays it allocates; free with cep_result_free, also after a
 * failure). Deterministic unless a time limit stops it: the same problem gives the same
 * allocation, whatever the order of its arcs. Returns 0 (r->optimal tells whether a limit
 * stopped the search; the allocation is feasible either way), -STATUS_INVALID_ARGUMENT with
 * the reason in `st` (which may be NULL), -STATUS_RESOURCE_EXHAUSTED, or -STATUS_INTERNAL
 * when GLPK fails. */
int cep_solve(const struct cep_problem *p, struct cep_result *r, struct status *st);

void cep_result_free(struct cep_result *r);

/* Checks that an allocation (`partner_of` per cluster, -1 for unserved) is feasible: listed
 * arcs only, no partner over its days. Puts its objective in *objective. Returns 0, or
 * -STATUS_INVALID_ARGUMENT with the reason in `st` (which may be NULL). */
int cep_check(const struct cep_problem *p, const int *partner_of, int64_t *objective,
	      struct status *st);

#endif
