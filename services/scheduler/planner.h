/* planner: turns the entitlement policy, the schools, the partners and the allocations in
 * force into a new plan, role by role in the policy's order, partners' days going to the
 * earlier roles first. Per-school roles are solved exactly (assign: a min-cost flow);
 * CEPs, one per cluster with days by the cluster's size, as a generalised assignment
 * (cep). Pinned allocations are kept while they still obey the hard rules; in an
 * incremental plan every allocation that still holds is kept too and only the rest is
 * solved. A cluster finding its own CEP is left to it. A school that cannot be served gets
 * the reason. Also explains one allocation: why this partner, and why not each other one;
 * and, for a place nobody serves, who could take it were their days free. Pure: no I/O. */
#ifndef N2GG_PLANNER_H
#define N2GG_PLANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "entitlement.h"
#include "status.h"

/* Which case an allocation is, for readers that word it (a letter): the values of the
 * public contract's AllocationBasis, which reason's free text is not. */
enum planner_basis {
	PLANNER_BASIS_UNKNOWN = 0,
	PLANNER_BASIS_KEPT = 1,
	PLANNER_BASIS_MATCHED = 2,
	PLANNER_BASIS_CHOSEN_BY_LA = 3,
	PLANNER_BASIS_CLUSTER_CHOICE = 4,
	PLANNER_BASIS_AT_CAPACITY = 5,
	PLANNER_BASIS_NO_PARTNER = 6,
	PLANNER_BASIS_EXCLUDED = 7,
	PLANNER_BASIS_NOT_ENTITLED = 8,
	PLANNER_BASIS_CHOICE_A_PENDING = 9,
};

/* One allocation: a school's (cluster's, for a CEP) partner in a role. */
struct planner_allocation {
	int role;
	int school;            /* index into the schools; -1 for a CEP */
	const char *cluster_id;
	int partner;           /* index into the partners; -1: not served */
	unsigned days;
	int64_t cost_pence;    /* charged to the school */
	int64_t cost;          /* its soft-goal cost (travel, continuity) */
	double distance_km;
	bool pinned;
	const char *reason;    /* why this partner, or why none: an officer's reading */
	enum planner_basis basis;   /* the same, as a case */
};

struct planner_input {
	const struct entitlement_policy *policy;
	const struct plan_school *schools;
	size_t n_schools;
	const struct plan_partner *partners;
	size_t n_partners;
	const struct planner_allocation *current;   /* the plan in force (pins marked) */
	size_t n_current;
	bool incremental;
	/* Clusters left to find their own CEP for now (Choice A before its deadline): served
	 * only by a pin that holds, else not at all. */
	const char *const *held_clusters;
	size_t n_held;
	int cep_node_limit;    /* CEP search limit (0: none); a node count keeps it deterministic */
};

struct planner_role_stats {
	unsigned entitled, served, unserved, kept;
	int64_t objective, cost_pence;
	unsigned days;
	double gap;            /* CEP: to the LP bound; 0 when proven optimal */
	long searches;
};

struct planner_output {
	struct planner_allocation *allocations;
	size_t n;
	struct planner_role_stats stats[ENTITLEMENT_ROLES];
};

/* Where each (role, school) allocation stands in in->current, for constant-time look-ups. */
struct planner_current_index {
	int *of[ENTITLEMENT_ROLES];   /* per role, per school: index into current, or -1 */
};
void planner_index_current(const struct planner_input *in, struct arena *a,
			   struct planner_current_index *ix);
/* The index into in->current of (role, school) or, for school -1, (role, cluster); -1. */
int planner_current_at(const struct planner_input *in, const struct planner_current_index *ix,
		       int role, int school, const char *cluster);

/* Plans into `out` (arena memory). Returns 0, or <0 with `st` (a solver failure). */
int planner_run(const struct planner_input *in, struct arena *a, struct planner_output *out,
		struct status *st);

/* Why not each other partner, for the allocation `chosen` of `in`'s plan `plan`. */
struct planner_candidate {
	int partner;
	const char *excluded_by;   /* the hard rule, or NULL */
	int64_t cost;              /* soft-goal cost if chosen */
	int64_t delta;             /* cost - the chosen partner's */
	double distance_km;
};
int planner_explain(const struct planner_input *in, const struct planner_allocation *chosen,
		    struct arena *a, struct planner_candidate **out, size_t *n);

/* The days `role` takes at a school (school >= 0) or, for a CEP, at cluster_id: the
 * policy's days per school (times the cluster's open schools), plus its days per cluster. */
unsigned planner_days_needed(const struct planner_input *in, int role, int school,
			     const char *cluster_id);

/* The days each partner's allocations in in->current take, all roles together (one pool
 * of days serves them all): in->n_partners of them, in `a`. */
unsigned *planner_days_used(const struct planner_input *in, struct arena *a);

/* Who could take a place (school >= 0, or for a CEP cluster_id) in `role` if they had the
 * days: the active partners no hard rule excludes, judged by entitlement_exclusion as the
 * solver judges them, with the days each has free in the plan in force (days_used) and
 * how many more the place needs; fewest short first, then nearest. *excluded counts the
 * active partners taking the role whom a hard rule excludes. */
struct planner_capable {
	int partner;
	int days_free;         /* capacity - days used: negative when over */
	unsigned days_short;   /* 0: it has the days */
	double distance_km;
};
void planner_capable(const struct planner_input *in, int role, int school,
		     const char *cluster_id, const unsigned *days_used, struct arena *a,
		     struct planner_capable **out, size_t *n, unsigned *excluded);

#endif
