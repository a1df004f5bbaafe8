/* planner: a plan from the policy, schools, partners and the plan in force (see planner.h). */
#include "planner.h"

#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "cep.h"

struct planner {
	const struct planner_input *in;
	struct arena *a;
	struct planner_output *out;
	size_t cap;
	unsigned *days_left;   /* per partner */
	struct planner_current_index ix;
};

static struct planner_allocation *planner_add(struct planner *pl)
{
	pl->out->allocations = arena_grow(pl->a, pl->out->allocations, pl->out->n, &pl->cap,
					  sizeof *pl->out->allocations);
	struct planner_allocation *al = &pl->out->allocations[pl->out->n++];
	memset(al, 0, sizeof *al);
	al->partner = -1;
	return al;
}

void planner_index_current(const struct planner_input *in, struct arena *a,
			   struct planner_current_index *ix)
{
	for (int r = 0; r < ENTITLEMENT_ROLES; r++) {
		ix->of[r] = arena_alloc(a, sizeof(int) * (in->n_schools + 1));
		for (size_t s = 0; s < in->n_schools; s++)
			ix->of[r][s] = -1;
	}
	for (size_t i = 0; i < in->n_current; i++) {
		const struct planner_allocation *c = &in->current[i];
		if (c->role > 0 && c->role < ENTITLEMENT_ROLES && c->school >= 0 &&
		    (size_t)c->school < in->n_schools)
			ix->of[c->role][c->school] = (int)i;
	}
}

int planner_current_at(const struct planner_input *in, const struct planner_current_index *ix,
		       int role, int school, const char *cluster)
{
	if (school >= 0)
		return ix->of[role][school];
	for (size_t i = 0; i < in->n_current; i++)   /* clusters are few */
		if (in->current[i].role == role && in->current[i].school < 0 && cluster &&
		    strcmp(in->current[i].cluster_id, cluster) == 0)
			return (int)i;
	return -1;
}

/* The allocation in force for (role, school) or (role, cluster), or NULL. */
static const struct planner_allocation *planner_current(const struct planner *pl, int role,
							 int school, const char *cluster)
{
	int i = planner_current_at(pl->in, &pl->ix, role, school, cluster);
	return i >= 0 ? &pl->in->current[i] : NULL;
}

static const char *planner_partner_id(const struct planner_input *in, int partner)
{
	return partner >= 0 ? in->partners[partner].id : NULL;
}

/* Why nobody serves a school (or cluster) in `role`: al's reason and basis. */
static void planner_unserved(const struct planner *pl, int role, const struct plan_school *school,
			     const char *cluster, struct planner_allocation *al)
{
	const struct planner_input *in = pl->in;
	size_t takers = 0;
	const char *first = NULL;
	for (size_t p = 0; p < in->n_partners; p++) {
		if (!(in->partners[p].roles & (1u << role)) || !in->partners[p].active)
			continue;
		takers++;
		const char *why = entitlement_exclusion(in->policy, role, school, cluster,
							&in->partners[p]);
		if (!why) {   /* a qualified partner exists: its days went elsewhere */
			al->reason = "every qualified partner is at capacity";
			al->basis = PLANNER_BASIS_AT_CAPACITY;
			return;
		}
		if (!first)
			first = why;
	}
	if (!takers) {
		al->reason = "no active partner takes this role";
		al->basis = PLANNER_BASIS_NO_PARTNER;
		return;
	}
	al->reason = arena_printf(pl->a, "every candidate is excluded (e.g. %s)", first);
	al->basis = PLANNER_BASIS_EXCLUDED;
}

static int cmp_arc_cost(const void *x, const void *y)
{
	const struct assign_arc *a = x, *b = y;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	return a->partner - b->partner;
}

/* The eligible partners of a school, nearest (cheapest) max_candidates of them. */
static size_t planner_candidates(const struct planner *pl, int role, int s, int school_index,
				 const char *previous, struct assign_arc *buf)
{
	const struct planner_input *in = pl->in;
	const struct plan_school *school = &in->schools[s];
	size_t n = 0;
	for (size_t p = 0; p < in->n_partners; p++) {
		if (entitlement_exclusion(in->policy, role, school, NULL, &in->partners[p]))
			continue;
		buf[n].school = school_index;
		buf[n].partner = (int)p;
		buf[n].cost = entitlement_cost(in->policy, school->easting, school->northing,
					       &in->partners[p], previous);
		n++;
	}
	qsort(buf, n, sizeof *buf, cmp_arc_cost);
	return n < in->policy->max_candidates ? n : in->policy->max_candidates;
}

static double planner_km(const struct plan_school *s, const struct plan_partner *p)
{
	return entitlement_distance_m(s->easting, s->northing, p->easting, p->northing) / 1000.0;
}

static int planner_school_role(struct planner *pl, int role, struct status *st)
{
	const struct planner_input *in = pl->in;
	const struct entitlement_rule *rule = &in->policy->roles[role];
	struct planner_role_stats *stats = &pl->out->stats[role];
	unsigned dps = rule->days_per_school;
	int np = (int)in->n_partners;
	int *preassigned = arena_zalloc(pl->a, sizeof(int) * (size_t)(np + 1));
	int *capacity = arena_zalloc(pl->a, sizeof(int) * (size_t)(np + 1));
	int *free_schools = arena_alloc(pl->a, sizeof(int) * (in->n_schools + 1));
	int n_free = 0;

	for (size_t s = 0; s < in->n_schools; s++) {
		if (!entitlement_school_entitled(in->policy, role, &in->schools[s]))
			continue;
		stats->entitled++;
		const struct planner_allocation *cur = planner_current(pl, role, (int)s, NULL);
		int p = cur ? cur->partner : -1;
		bool holds = p >= 0 && !entitlement_exclusion(in->policy, role, &in->schools[s], NULL,
							      &in->partners[p]) &&
			     pl->days_left[p] >= dps;
		if (holds && (cur->pinned || in->incremental)) {
			struct planner_allocation *al = planner_add(pl);
			*al = *cur;
			al->days = dps;
			al->cost_pence = rule->cost_per_school_pence;
			al->distance_km = planner_km(&in->schools[s], &in->partners[p]);
			al->cost = entitlement_cost(in->policy, in->schools[s].easting,
						    in->schools[s].northing, &in->partners[p],
						    in->partners[p].id);
			if (!cur->pinned) {   /* a pin keeps its own reason and case */
				al->reason = "kept: it still holds";
				al->basis = PLANNER_BASIS_KEPT;
			}
			pl->days_left[p] -= dps;
			preassigned[p]++;
			stats->kept++;
			stats->served++;
			stats->days += dps;
			stats->cost_pence += al->cost_pence;
			continue;
		}
		free_schools[n_free++] = (int)s;
	}

	struct assign_arc *arcs = NULL, *buf = arena_alloc(pl->a, sizeof *buf * (size_t)(np + 1));
	size_t n_arcs = 0, arcs_cap = 0;
	for (int f = 0; f < n_free; f++) {
		const struct planner_allocation *cur =
			planner_current(pl, role, free_schools[f], NULL);
		size_t k = planner_candidates(pl, role, free_schools[f], f,
					      cur ? planner_partner_id(in, cur->partner) : NULL, buf);
		for (size_t i = 0; i < k; i++) {
			arcs = arena_grow(pl->a, arcs, n_arcs, &arcs_cap, sizeof *arcs);
			arcs[n_arcs++] = buf[i];
		}
	}
	for (int p = 0; p < np; p++)
		capacity[p] = preassigned[p] +
			      (int)(dps ? pl->days_left[p] / dps : (unsigned)in->n_schools);
	struct assign_problem prob = {
		.n_schools = n_free, .n_partners = np, .capacity = capacity,
		.preassigned = preassigned, .arcs = arcs, .n_arcs = n_arcs,
		.load_weight = in->policy->load, .unserved_cost = in->policy->unserved};
	struct assign_result res;
	int rc = assign_solve(&prob, &res, st);
	if (rc < 0) {
		assign_result_free(&res);
		return rc;
	}
	stats->objective = res.objective;
	stats->searches = res.searches;
	for (int f = 0; f < n_free; f++) {
		int s = free_schools[f], p = res.partner_of[f];
		struct planner_allocation *al = planner_add(pl);
		al->role = role;
		al->school = s;
		al->cluster_id = in->schools[s].cluster_id;
		if (p < 0) {
			planner_unserved(pl, role, &in->schools[s], NULL, al);
			stats->unserved++;
			continue;
		}
		const struct planner_allocation *cur = planner_current(pl, role, s, NULL);
		al->partner = p;
		al->days = dps;
		al->cost_pence = rule->cost_per_school_pence;
		al->distance_km = planner_km(&in->schools[s], &in->partners[p]);
		al->cost = entitlement_cost(in->policy, in->schools[s].easting,
					    in->schools[s].northing, &in->partners[p],
					    cur ? planner_partner_id(in, cur->partner) : NULL);
		bool kept = cur && cur->partner == p;
		al->reason = kept ? "optimal: keeps the partner in force"
				  : "optimal: the least cost for the whole plan";
		al->basis = kept ? PLANNER_BASIS_KEPT : PLANNER_BASIS_MATCHED;
		pl->days_left[p] -= dps;
		stats->served++;
		stats->days += dps;
		stats->cost_pence += al->cost_pence;
	}
	assign_result_free(&res);
	return 0;
}

/* ---- CEPs: one per cluster ---- */

struct planner_cluster {
	const char *id;
	unsigned schools;
	int32_t easting, northing;   /* the mean of its schools' */
	double e_sum, n_sum;
};

static size_t planner_clusters(const struct planner *pl, struct planner_cluster **out)
{
	const struct planner_input *in = pl->in;
	struct planner_cluster *cl = NULL;
	size_t n = 0, cap = 0;
	for (size_t s = 0; s < in->n_schools; s++) {
		const struct plan_school *sc = &in->schools[s];
		if (!sc->open || !sc->cluster_id || !sc->cluster_id[0])
			continue;
		size_t i = 0;
		while (i < n && strcmp(cl[i].id, sc->cluster_id) != 0)
			i++;
		if (i == n) {
			cl = arena_grow(pl->a, cl, n, &cap, sizeof *cl);
			memset(&cl[n], 0, sizeof cl[n]);
			cl[n++].id = sc->cluster_id;
		}
		cl[i].schools++;
		cl[i].e_sum += sc->easting;
		cl[i].n_sum += sc->northing;
	}
	for (size_t i = 0; i < n; i++) {
		cl[i].easting = (int32_t)(cl[i].e_sum / cl[i].schools);
		cl[i].northing = (int32_t)(cl[i].n_sum / cl[i].schools);
	}
	*out = cl;
	return n;
}

static bool planner_held(const struct planner_input *in, const char *cluster)
{
	for (size_t i = 0; i < in->n_held; i++)
		if (strcmp(in->held_clusters[i], cluster) == 0)
			return true;
	return false;
}

static int planner_cep_role(struct planner *pl, int role, struct status *st)
{
	const struct planner_input *in = pl->in;
	const struct entitlement_rule *rule = &in->policy->roles[role];
	struct planner_role_stats *stats = &pl->out->stats[role];
	struct planner_cluster *clusters;
	size_t nc = planner_clusters(pl, &clusters);
	int np = (int)in->n_partners;
	int *capacity = arena_zalloc(pl->a, sizeof(int) * (size_t)(np + 1));
	int *size = arena_zalloc(pl->a, sizeof(int) * (nc + 1));
	int *free_clusters = arena_alloc(pl->a, sizeof(int) * (nc + 1));
	int n_free = 0;
	for (size_t c = 0; c < nc; c++) {
		unsigned days = rule->days_per_school * clusters[c].schools + rule->days_per_cluster;
		stats->entitled++;
		const struct planner_allocation *cur = planner_current(pl, role, -1, clusters[c].id);
		int p = cur ? cur->partner : -1;
		bool holds = p >= 0 &&
			     !entitlement_exclusion(in->policy, role, NULL, clusters[c].id,
						    &in->partners[p]) &&
			     pl->days_left[p] >= days;
		bool held = planner_held(in, clusters[c].id);
		if (holds && (cur->pinned || (in->incremental && !held))) {
			struct planner_allocation *al = planner_add(pl);
			*al = *cur;
			al->days = days;
			al->distance_km = entitlement_distance_m(clusters[c].easting, clusters[c].northing,
								 in->partners[p].easting,
								 in->partners[p].northing) / 1000.0;
			al->cost = entitlement_cost(in->policy, clusters[c].easting, clusters[c].northing,
						    &in->partners[p], in->partners[p].id);
			if (!cur->pinned) {   /* a pin keeps its own reason and case */
				al->reason = "kept: it still holds";
				al->basis = PLANNER_BASIS_KEPT;
			}
			pl->days_left[p] -= days;
			stats->kept++;
			stats->served++;
			stats->days += days;
			continue;
		}
		if (held) {   /* not the LA's to fill: no partner's days go to it */
			struct planner_allocation *al = planner_add(pl);
			al->role = role;
			al->school = -1;
			al->cluster_id = clusters[c].id;
			al->reason = "the cluster is recruiting its own CEP (Choice A) until its deadline";
			al->basis = PLANNER_BASIS_CHOICE_A_PENDING;
			stats->unserved++;
			continue;
		}
		size[n_free] = (int)days;
		free_clusters[n_free++] = (int)c;
	}
	for (int p = 0; p < np; p++)
		capacity[p] = (int)pl->days_left[p];
	struct cep_arc *arcs = NULL;
	size_t n_arcs = 0, arcs_cap = 0;
	for (int f = 0; f < n_free; f++) {
		const struct planner_cluster *c = &clusters[free_clusters[f]];
		const struct planner_allocation *cur = planner_current(pl, role, -1, c->id);
		for (int p = 0; p < np; p++) {
			if (entitlement_exclusion(in->policy, role, NULL, c->id, &in->partners[p]))
				continue;
			arcs = arena_grow(pl->a, arcs, n_arcs, &arcs_cap, sizeof *arcs);
			arcs[n_arcs].cluster = f;
			arcs[n_arcs].partner = p;
			arcs[n_arcs].cost = entitlement_cost(in->policy, c->easting, c->northing,
							     &in->partners[p],
							     cur ? planner_partner_id(in, cur->partner)
								 : NULL);
			n_arcs++;
		}
	}
	struct cep_problem prob = {
		.n_clusters = n_free, .n_partners = np, .days = size, .capacity = capacity,
		.arcs = arcs, .n_arcs = n_arcs, .unserved_cost = in->policy->unserved,
		.node_limit = in->cep_node_limit};
	struct cep_result res;
	int rc = cep_solve(&prob, &res, st);
	if (rc < 0) {
		cep_result_free(&res);
		return rc;
	}
	stats->objective = res.objective;
	stats->gap = res.gap;
	for (int f = 0; f < n_free; f++) {
		const struct planner_cluster *c = &clusters[free_clusters[f]];
		int p = res.partner_of[f];
		struct planner_allocation *al = planner_add(pl);
		al->role = role;
		al->school = -1;
		al->cluster_id = c->id;
		if (p < 0) {
			planner_unserved(pl, role, NULL, c->id, al);
			stats->unserved++;
			continue;
		}
		const struct planner_allocation *cur = planner_current(pl, role, -1, c->id);
		al->partner = p;
		al->days = (unsigned)size[f];
		al->cost = entitlement_cost(in->policy, c->easting, c->northing, &in->partners[p],
					    cur ? planner_partner_id(in, cur->partner) : NULL);
		al->distance_km = entitlement_distance_m(c->easting, c->northing,
							 in->partners[p].easting,
							 in->partners[p].northing) / 1000.0;
		al->reason = !res.optimal ? "the best found within the search limit"
					 : "optimal: the least cost for the whole plan";
		al->basis = cur && cur->partner == p ? PLANNER_BASIS_KEPT : PLANNER_BASIS_MATCHED;
		pl->days_left[p] -= (unsigned)size[f];
		stats->served++;
		stats->days += al->days;
	}
	cep_result_free(&res);
	return 0;
}

int planner_run(const struct planner_input *in, struct arena *a, struct planner_output *out,
		struct status *st)
{
	memset(out, 0, sizeof *out);
	struct planner pl = {in, a, out, 0, NULL, {{0}}};
	planner_index_current(in, a, &pl.ix);
	pl.days_left = arena_zalloc(a, sizeof(unsigned) * (in->n_partners + 1));
	for (size_t p = 0; p < in->n_partners; p++)
		pl.days_left[p] = in->partners[p].active ? in->partners[p].capacity_days : 0;
	for (int i = 0; i < in->policy->order_count; i++) {
		int role = in->policy->order[i];
		int rc = in->policy->roles[role].per_cluster ? planner_cep_role(&pl, role, st)
							     : planner_school_role(&pl, role, st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- explanations ---- */

/* Where a place is: the school, or a cluster's schools' centre (as the CEP solver
 * places it); *schools counts the open schools it stands for. */
static void planner_place(const struct planner_input *in, int school, const char *cluster_id,
			  int32_t *easting, int32_t *northing, unsigned *schools)
{
	if (school >= 0) {
		*easting = in->schools[school].easting;
		*northing = in->schools[school].northing;
		*schools = 1;
		return;
	}
	double se = 0, sn = 0;
	unsigned k = 0;
	for (size_t s = 0; s < in->n_schools; s++)
		if (in->schools[s].open && in->schools[s].cluster_id && cluster_id &&
		    strcmp(in->schools[s].cluster_id, cluster_id) == 0) {
			se += in->schools[s].easting;
			sn += in->schools[s].northing;
			k++;
		}
	*easting = k ? (int32_t)(se / k) : 0;
	*northing = k ? (int32_t)(sn / k) : 0;
	*schools = k;
}

int planner_explain(const struct planner_input *in, const struct planner_allocation *chosen,
		    struct arena *a, struct planner_candidate **out, size_t *n)
{
	const struct plan_school *school = chosen->school >= 0 ? &in->schools[chosen->school] : NULL;
	int32_t e, nn;
	unsigned k;
	struct planner pl = {in, a, NULL, 0, NULL, {{0}}};
	planner_index_current(in, a, &pl.ix);
	const struct planner_allocation *cur =
		planner_current(&pl, chosen->role, chosen->school, chosen->cluster_id);
	const char *previous = cur ? planner_partner_id(in, cur->partner) : NULL;
	planner_place(in, chosen->school, chosen->cluster_id, &e, &nn, &k);
	int64_t chosen_cost = chosen->partner >= 0
				      ? entitlement_cost(in->policy, e, nn, &in->partners[chosen->partner],
							 previous)
				      : 0;
	struct planner_candidate *c = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t p = 0; p < in->n_partners; p++) {
		if (!(in->partners[p].roles & (1u << chosen->role)) || (int)p == chosen->partner)
			continue;
		c = arena_grow(a, c, *n, &cap, sizeof *c);
		struct planner_candidate *k = &c[(*n)++];
		k->partner = (int)p;
		k->excluded_by = entitlement_exclusion(in->policy, chosen->role, school,
						       chosen->cluster_id, &in->partners[p]);
		k->cost = entitlement_cost(in->policy, e, nn, &in->partners[p], previous);
		k->delta = k->cost - chosen_cost;
		k->distance_km = entitlement_distance_m(e, nn, in->partners[p].easting,
							in->partners[p].northing) / 1000.0;
	}
	*out = c;
	return 0;
}

/* ---- capacity ---- */

unsigned planner_days_needed(const struct planner_input *in, int role, int school,
			     const char *cluster_id)
{
	const struct entitlement_rule *rule = &in->policy->roles[role];
	int32_t e, n;
	unsigned schools;
	if (school >= 0)
		return rule->days_per_school;
	planner_place(in, school, cluster_id, &e, &n, &schools);
	return rule->days_per_school * schools + rule->days_per_cluster;
}

unsigned *planner_days_used(const struct planner_input *in, struct arena *a)
{
	unsigned *used = arena_zalloc(a, sizeof *used * (in->n_partners + 1));
	for (size_t i = 0; i < in->n_current; i++)
		if (in->current[i].partner >= 0 && (size_t)in->current[i].partner < in->n_partners)
			used[in->current[i].partner] += in->current[i].days;
	return used;
}

static int cmp_capable(const void *x, const void *y)
{
	const struct planner_capable *a = x, *b = y;
	if (a->days_short != b->days_short)
		return a->days_short < b->days_short ? -1 : 1;
	if (a->distance_km != b->distance_km)
		return a->distance_km < b->distance_km ? -1 : 1;
	return a->partner - b->partner;
}

void planner_capable(const struct planner_input *in, int role, int school,
		     const char *cluster_id, const unsigned *days_used, struct arena *a,
		     struct planner_capable **out, size_t *n, unsigned *excluded)
{
	const struct plan_school *sc = school >= 0 ? &in->schools[school] : NULL;
	unsigned needed = planner_days_needed(in, role, school, cluster_id), places;
	int32_t e, nn;
	planner_place(in, school, cluster_id, &e, &nn, &places);
	struct planner_capable *c = arena_alloc(a, sizeof *c * (in->n_partners + 1));
	*n = 0;
	*excluded = 0;
	for (size_t p = 0; p < in->n_partners; p++) {
		const struct plan_partner *pp = &in->partners[p];
		if (!pp->active || !(pp->roles & (1u << role)))
			continue;
		if (entitlement_exclusion(in->policy, role, sc, cluster_id, pp)) {
			(*excluded)++;
			continue;
		}
		int free_days = (int)pp->capacity_days - (int)days_used[p];
		unsigned have = free_days > 0 ? (unsigned)free_days : 0;
		c[(*n)++] = (struct planner_capable){
			.partner = (int)p, .days_free = free_days,
			.days_short = have >= needed ? 0 : needed - have,
			.distance_km = entitlement_distance_m(e, nn, pp->easting, pp->northing) /
				       1000.0};
	}
	qsort(c, *n, sizeof *c, cmp_capable);
	*out = c;
}
