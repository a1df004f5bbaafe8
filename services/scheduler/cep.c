/* cep: CEP-to-cluster allocation as a MIP solved by GLPK (see cep.h).
 *
 * The model: a binary x per usable arc (cluster, partner) and a binary u per cluster
 * (unserved);
 *   minimise   sum cost * x + unserved_cost * sum u
 *   subject to sum over a cluster's arcs of x + u = 1          (one CEP, or none)
 *              sum over a partner's arcs of days(cluster) * x <= capacity(partner)
 * Every variable is integral and every cost an integer, so GLPK knows the objective is
 * integral and rounds node bounds up, which prunes much more; its objective tolerance is
 * set below 1 for the largest objective the input allows, so no node that could improve the
 * incumbent by even 1 is pruned. The arcs are sorted and deduplicated first, so the model,
 * and GLPK's (deterministic) search, do not depend on the order the caller listed them in.
 * Unusable arcs (a cluster needing more days than the partner has) are left out. A heuristic
 * allocation stands in if a limit stops GLPK before it finds one as good. */
#include "cep.h"

#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cep_validate(const struct cep_problem *p, struct status *st)
{
	if (!p)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no problem");
	if (p->n_clusters < 0 || p->n_clusters > CEP_MAX_CLUSTERS)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%d clusters: must be 0 to %d",
				   p->n_clusters, CEP_MAX_CLUSTERS);
	if (p->n_partners < 0 || p->n_partners > CEP_MAX_PARTNERS)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%d partners: must be 0 to %d",
				   p->n_partners, CEP_MAX_PARTNERS);
	if (p->n_clusters > 0 && !p->days)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no days");
	if (p->n_partners > 0 && !p->capacity)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no capacities");
	if (p->n_arcs > CEP_MAX_ARCS)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%zu arcs: at most %zu", p->n_arcs,
				   CEP_MAX_ARCS);
	if (p->n_arcs > 0 && !p->arcs)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no arcs");
	if (p->unserved_cost < 0 || p->unserved_cost > CEP_COST_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "unserved cost %lld: must be 0 to %lld",
				   (long long)p->unserved_cost, (long long)CEP_COST_MAX);
	if (p->time_limit_ms < 0 || p->node_limit < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "negative limit");
	for (int c = 0; c < p->n_clusters; c++)
		if (p->days[c] < 1 || p->days[c] > CEP_DAYS_MAX)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "cluster %d: %d days: must be 1 to %d", c, p->days[c],
					   CEP_DAYS_MAX);
	for (int j = 0; j < p->n_partners; j++)
		if (p->capacity[j] < 0 || p->capacity[j] > CEP_DAYS_MAX)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %d: capacity %d days: must be 0 to %d", j,
					   p->capacity[j], CEP_DAYS_MAX);
	for (size_t a = 0; a < p->n_arcs; a++) {
		const struct cep_arc *arc = &p->arcs[a];
		if (arc->cluster < 0 || arc->cluster >= p->n_clusters)
			return status_fail(st, STATUS_INVALID_ARGUMENT, "arc %zu: no cluster %d", a,
					   arc->cluster);
		if (arc->partner < 0 || arc->partner >= p->n_partners)
			return status_fail(st, STATUS_INVALID_ARGUMENT, "arc %zu: no partner %d", a,
					   arc->partner);
		if (arc->cost < 0 || arc->cost > CEP_COST_MAX)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "arc %zu: cost %lld must be 0 to %lld", a,
					   (long long)arc->cost, (long long)CEP_COST_MAX);
	}
	return 0;
}

static int arc_cmp(const void *a, const void *b)
{
	const struct cep_arc *x = a, *y = b;
	if (x->cluster != y->cluster)
		return x->cluster < y->cluster ? -1 : 1;
	if (x->partner != y->partner)
		return x->partner < y->partner ? -1 : 1;
	return (x->cost > y->cost) - (x->cost < y->cost);
}

/* The arcs by (cluster, partner), the cheapest of parallel arcs only; with `usable`, only
 * arcs whose cluster fits in the partner's days. NULL when out of memory. */
static struct cep_arc *canonical_arcs(const struct cep_problem *p, bool usable, size_t *n)
{
	struct cep_arc *v = malloc((p->n_arcs ? p->n_arcs : 1) * sizeof *v);
	if (!v)
		return NULL;
	if (p->n_arcs > 0)
		memcpy(v, p->arcs, p->n_arcs * sizeof *v);
	qsort(v, p->n_arcs, sizeof *v, arc_cmp);
	size_t kept = 0;
	int prev_cluster = -1, prev_partner = -1;
	for (size_t k = 0; k < p->n_arcs; k++) {
		struct cep_arc a = v[k];
		if (a.cluster == prev_cluster && a.partner == prev_partner)
			continue;   /* a dearer parallel arc */
		prev_cluster = a.cluster;
		prev_partner = a.partner;
		if (usable && p->days[a.cluster] > p->capacity[a.partner])
			continue;
		v[kept++] = a;
	}
	*n = kept;
	return v;
}

/* The cheapest arc from cluster c to partner j in sorted `v`, or NULL. */
static const struct cep_arc *find_arc(const struct cep_arc *v, size_t n, int c, int j)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].cluster < c || (v[mid].cluster == c && v[mid].partner < j))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].cluster == c && v[lo].partner == j ? &v[lo] : NULL;
}

int cep_check(const struct cep_problem *p, const int *partner_of, int64_t *objective,
	      struct status *st)
{
	int rc = cep_validate(p, st);
	if (rc < 0)
		return rc;
	if (p->n_clusters > 0 && !partner_of)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no allocation");
	size_t n;
	struct cep_arc *v = canonical_arcs(p, false, &n);
	long long *used = calloc((size_t)p->n_partners + 1, sizeof *used);
	if (!v || !used) {
		free(v);
		free(used);
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	}
	int64_t total = 0;
	for (int c = 0; c < p->n_clusters && rc == 0; c++) {
		int j = partner_of[c];
		if (j == -1) {
			total += p->unserved_cost;
			continue;
		}
		const struct cep_arc *a = j >= 0 && j < p->n_partners ? find_arc(v, n, c, j) : NULL;
		if (!a) {
			rc = status_fail(st, STATUS_INVALID_ARGUMENT,
					 "cluster %d: no arc to partner %d", c, j);
			break;
		}
		total += a->cost;
		used[j] += p->days[c];
	}
	for (int j = 0; j < p->n_partners && rc == 0; j++)
		if (used[j] > p->capacity[j])
			rc = status_fail(st, STATUS_INVALID_ARGUMENT,
					 "partner %d: %lld days allocated, %d available", j,
					 used[j], p->capacity[j]);
	free(v);
	free(used);
	if (rc == 0)
		*objective = total;
	return rc;
}

/* ---- GLPK ---- */

struct search {
	int node_limit;
	long nodes;
	bool have_bound;
	double bound;
};

/* Counts subproblems (stopping at the node limit) and keeps the best bound of the active
 * ones, which only rises: after a stop it is the proven lower bound. */
static void search_callback(glp_tree *tree, void *info)
{
	struct search *s = info;
	if (glp_ios_reason(tree) == GLP_ISELECT) {
		s->nodes++;
		if (s->node_limit > 0 && s->nodes > s->node_limit) {
			glp_ios_terminate(tree);
			return;
		}
	}
	int best = glp_ios_best_node(tree);
	if (best) {
		double b = glp_ios_node_bound(tree, best);
		if (!s->have_bound || b > s->bound) {
			s->bound = b;
			s->have_bound = true;
		}
	}
}

struct model {
	const struct cep_problem *p;
	const struct cep_arc *arcs;   /* canonical, usable */
	size_t n_arcs;
	double max_objective;
	/* out */
	glp_prob *lp;
	double lp_bound;
	bool have_solution, optimal;
	struct search search;
	bool presolve;
	bool glpk_error;              /* GLPK stopped on an internal error */
	char glpk_said[256];          /* the end of what GLPK printed */
	int ret;                      /* 0, or -STATUS_INTERNAL */
};

static _Thread_local jmp_buf glpk_escape;   /* GLPK's environment is per thread too */

static void glpk_error(void *info)
{
	(void)info;
	longjmp(glpk_escape, 1);
}

/* Everything GLPK would print (even its error reports, which ignore glp_term_out) comes
 * here instead; with messages off that is only an error report, kept for the status. */
static int glpk_print(void *info, const char *text)
{
	struct model *m = info;
	size_t have = strlen(m->glpk_said), room = sizeof m->glpk_said - 1 - have;
	for (; *text && room > 0; text++, room--)
		m->glpk_said[have++] = *text == '\n' ? ' ' : *text;
	m->glpk_said[have] = '\0';
	return 1;   /* nothing reaches the terminal */
}

/* Builds the model and solves it; on return m->lp holds the solution. */
static void model_solve(struct model *m)
{
	const struct cep_problem *p = m->p;
	int C = p->n_clusters;
	size_t A = m->n_arcs;
	glp_prob *lp = m->lp = glp_create_prob();
	glp_set_obj_dir(lp, GLP_MIN);

	/* rows: clusters 1..C, then the partners that have arcs */
	int *row_of = calloc((size_t)p->n_partners + 1, sizeof *row_of);
	int nnz = (int)(2 * A + (size_t)C);
	int *ia = malloc(((size_t)nnz + 1) * sizeof *ia);
	int *ja = malloc(((size_t)nnz + 1) * sizeof *ja);
	double *ar = malloc(((size_t)nnz + 1) * sizeof *ar);
	if (!row_of || !ia || !ja || !ar) {
		free(row_of);
		free(ia);
		free(ja);
		free(ar);
		m->ret = -STATUS_RESOURCE_EXHAUSTED;
		return;
	}
	int rows = C;
	for (size_t k = 0; k < A; k++)
		if (!row_of[m->arcs[k].partner])
			row_of[m->arcs[k].partner] = ++rows;
	glp_add_rows(lp, rows);
	for (int c = 1; c <= C; c++)
		glp_set_row_bnds(lp, c, GLP_FX, 1.0, 1.0);
	for (int j = 0; j < p->n_partners; j++)
		if (row_of[j])
			glp_set_row_bnds(lp, row_of[j], GLP_UP, 0.0, (double)p->capacity[j]);

	/* columns: arcs 1..A, then unserved 1..C */
	glp_add_cols(lp, (int)A + C);
	int e = 0;
	for (size_t k = 0; k < A; k++) {
		int col = (int)k + 1;
		glp_set_col_kind(lp, col, GLP_BV);
		glp_set_obj_coef(lp, col, (double)m->arcs[k].cost);
		ia[++e] = m->arcs[k].cluster + 1, ja[e] = col, ar[e] = 1.0;
		ia[++e] = row_of[m->arcs[k].partner], ja[e] = col,
		ar[e] = (double)p->days[m->arcs[k].cluster];
	}
	for (int c = 0; c < C; c++) {
		int col = (int)A + c + 1;
		glp_set_col_kind(lp, col, GLP_BV);
		glp_set_obj_coef(lp, col, (double)p->unserved_cost);
		ia[++e] = c + 1, ja[e] = col, ar[e] = 1.0;
	}
	glp_load_matrix(lp, e, ia, ja, ar);
	free(row_of);
	free(ia);
	free(ja);
	free(ar);

	/* the time limit covers both the LP and the MIP: GLPK's clock measures what is left */
	double start_ms = glp_time();
	glp_smcp smcp;
	glp_init_smcp(&smcp);
	smcp.msg_lev = GLP_MSG_OFF;
	smcp.presolve = m->presolve ? GLP_ON : GLP_OFF;
	if (p->time_limit_ms > 0)
		smcp.tm_lim = p->time_limit_ms;
	if (glp_simplex(lp, &smcp) == 0 && glp_get_status(lp) == GLP_OPT) {
		m->lp_bound = glp_get_obj_val(lp);
	} else if (!m->presolve) {
		/* without the presolver, glp_intopt needs the optimal basis */
		m->ret = -STATUS_INTERNAL;
		return;
	}

	glp_iocp iocp;
	glp_init_iocp(&iocp);
	iocp.msg_lev = GLP_MSG_OFF;
	iocp.presolve = m->presolve ? GLP_ON : GLP_OFF;
	iocp.br_tech = GLP_BR_DTH;
	iocp.bt_tech = GLP_BT_BLB;
	iocp.cov_cuts = GLP_ON;
	iocp.mir_cuts = GLP_ON;
	iocp.clq_cuts = GLP_ON;
	iocp.mip_gap = 0.0;
	/* the pruning slack is tol_obj * (1 + |incumbent|): keep it under a quarter */
	iocp.tol_obj = 0.25 / (1.0 + m->max_objective);
	if (p->time_limit_ms > 0) {
		double left = p->time_limit_ms - glp_difftime(glp_time(), start_ms) * 1000.0;
		iocp.tm_lim = left > 1.0 ? (int)left : 1;
	}
	iocp.cb_func = search_callback;
	iocp.cb_info = &m->search;
	int rc = glp_intopt(lp, &iocp);
	int status = glp_mip_status(lp);
	m->have_solution = status == GLP_OPT || status == GLP_FEAS;
	m->optimal = rc == 0 && status == GLP_OPT;
	if (rc != 0 && rc != GLP_ETMLIM && rc != GLP_ESTOP && rc != GLP_EMIPGAP)
		m->ret = -STATUS_INTERNAL;
}

/* Runs model_solve with GLPK's error hook pointed at a way back here, so that a GLPK error
 * (an assertion, or an API misuse our validation should make impossible) fails the call
 * instead of aborting the process. GLPK's environment is unusable after that and is freed
 * (so are any other GLPK objects of this thread: the scheduler has none). */
static void model_solve_guarded(struct model *m)
{
	int term = glp_term_out(GLP_OFF);
	glp_term_hook(glpk_print, m);
	glp_error_hook(glpk_error, NULL);
	if (setjmp(glpk_escape) == 0) {
		model_solve(m);
		glp_error_hook(NULL, NULL);
		glp_term_hook(NULL, NULL);
		glp_term_out(term);
	} else {
		m->lp = NULL;   /* freed with the environment */
		m->glpk_error = true;
		m->ret = -STATUS_INTERNAL;
		glp_free_env();
	}
}

/* GLPK 5.0's MIP presolver can leave a problem with rows but no columns, on which the
 * cover-cut generator fails (glp_add_cols with 0); it did on models with unusable arcs,
 * which are now left out, but should it happen another way the solve is done again without
 * the presolver. */
static void model_solve_robust(struct model *m)
{
	m->presolve = true;
	model_solve_guarded(m);
	if (!m->glpk_error)
		return;
	struct model again = {.p = m->p, .arcs = m->arcs, .n_arcs = m->n_arcs,
			      .max_objective = m->max_objective, .presolve = false};
	again.search.node_limit = m->search.node_limit;
	model_solve_guarded(&again);
	if (again.glpk_error)
		memcpy(again.glpk_said, m->glpk_said, sizeof again.glpk_said);
	*m = again;
}

/* ---- a heuristic allocation: what stands in when a limit stops GLPK before it finds one
 * (and, on large instances, often better than what it found) ---- */

struct heur {
	const struct cep_problem *p;
	const struct cep_arc *v;      /* canonical, usable */
	size_t n;
	const size_t *first;          /* per cluster: its arcs are v[first[c] .. first[c + 1]) */
	int *partner_of;
	int64_t *cost_of;             /* per cluster: its cost now (unserved_cost if unserved) */
	int *left;                    /* per partner: days not yet allocated */
};

static int cluster_by_days_desc(const void *a, const void *b, void *ctx)
{
	const int *days = ctx;
	int x = *(const int *)a, y = *(const int *)b;
	if (days[x] != days[y])
		return days[x] > days[y] ? -1 : 1;
	return (x > y) - (x < y);
}

static void heur_move(struct heur *h, int c, int j, int64_t cost)
{
	int old = h->partner_of[c];
	if (old >= 0)
		h->left[old] += h->p->days[c];
	if (j >= 0)
		h->left[j] -= h->p->days[c];
	h->partner_of[c] = j;
	h->cost_of[c] = cost;
}

/* One pass of improving moves: a cluster to a cheaper partner with the days (or from
 * unserved), or there after moving one of that partner's clusters to another partner with
 * the days (possibly the first cluster's old one). Returns whether anything improved. */
static bool heur_improve(struct heur *h)
{
	const struct cep_problem *p = h->p;
	bool improved = false;
	for (int c = 0; c < p->n_clusters; c++) {
		for (size_t k = h->first[c]; k < h->first[c + 1]; k++) {
			const struct cep_arc *a = &h->v[k];
			int j = a->partner, old = h->partner_of[c];
			if (j == old || a->cost >= h->cost_of[c])
				continue;
			if (h->left[j] >= p->days[c]) {
				heur_move(h, c, j, a->cost);
				improved = true;
				continue;
			}
			/* make room at j by moving a cluster d away from it: to c's old partner
			 * (a trade), or to any partner with the days to spare */
			for (int d = 0; d < p->n_clusters; d++) {
				if (h->partner_of[d] != j || h->left[j] + p->days[d] < p->days[c])
					continue;
				int to = -1;
				int64_t to_cost = 0;
				for (size_t m = h->first[d]; m < h->first[d + 1]; m++) {
					int q = h->v[m].partner;
					int room = h->left[q] + (q == old ? p->days[c] : 0);
					if (q == j || room < p->days[d])
						continue;
					if (to < 0 || h->v[m].cost < to_cost) {
						to = q;
						to_cost = h->v[m].cost;
					}
				}
				if (to < 0 || a->cost + to_cost >= h->cost_of[c] + h->cost_of[d])
					continue;
				heur_move(h, c, -1, h->p->unserved_cost);
				heur_move(h, d, to, to_cost);
				heur_move(h, c, j, a->cost);
				improved = true;
				break;
			}
		}
	}
	return improved;
}

/* Largest clusters first, each to its cheapest partner that still has the days (when
 * cheaper than leaving it unserved), then improving moves until none is left (or a bounded
 * number of passes). Deterministic. */
static int heuristic(const struct cep_problem *p, const struct cep_arc *v, size_t n,
		     int *partner_of)
{
	int C = p->n_clusters;
	size_t *first = calloc((size_t)C + 1, sizeof *first);
	int64_t *cost_of = malloc(((size_t)C + 1) * sizeof *cost_of);
	int *left = malloc(((size_t)p->n_partners + 1) * sizeof *left);
	int *order = malloc(((size_t)C + 1) * sizeof *order);
	if (!first || !cost_of || !left || !order) {
		free(first);
		free(cost_of);
		free(left);
		free(order);
		return -1;
	}
	for (size_t k = 0; k < n; k++)
		first[v[k].cluster + 1]++;
	for (int c = 0; c < C; c++)
		first[c + 1] += first[c];
	for (int j = 0; j < p->n_partners; j++)
		left[j] = p->capacity[j];
	struct heur h = {p, v, n, first, partner_of, cost_of, left};
	for (int c = 0; c < C; c++) {
		order[c] = c;
		partner_of[c] = -1;
		cost_of[c] = p->unserved_cost;
	}
	qsort_r(order, (size_t)C, sizeof *order, cluster_by_days_desc, (void *)p->days);
	for (int k = 0; k < C; k++) {
		int c = order[k];
		const struct cep_arc *best = NULL;
		for (size_t a = first[c]; a < first[c + 1]; a++)
			if (left[v[a].partner] >= p->days[c] && v[a].cost < cost_of[c] &&
			    (!best || v[a].cost < best->cost))
				best = &v[a];
		if (best)
			heur_move(&h, c, best->partner, best->cost);
	}
	/* each pass costs clusters * candidates * clusters at most: bounded for large inputs */
	int passes = C <= 500 ? 20 : C <= 5000 ? 2 : 0;
	for (int pass = 0; pass < passes && heur_improve(&h); pass++)
		;
	free(first);
	free(cost_of);
	free(left);
	free(order);
	return 0;
}

int cep_solve(const struct cep_problem *p, struct cep_result *r, struct status *st)
{
	memset(r, 0, sizeof *r);
	int rc = cep_validate(p, st);
	if (rc < 0)
		return rc;
	size_t n;
	struct cep_arc *v = canonical_arcs(p, true, &n);
	r->partner_of = malloc(((size_t)p->n_clusters + 1) * sizeof *r->partner_of);
	r->days_used = calloc((size_t)p->n_partners + 1, sizeof *r->days_used);
	if (!v || !r->partner_of || !r->days_used) {
		free(v);
		cep_result_free(r);
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	}
	int64_t heuristic_objective = 0;
	if (heuristic(p, v, n, r->partner_of) < 0) {
		free(v);
		cep_result_free(r);
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	}
	if ((rc = cep_check(p, r->partner_of, &heuristic_objective, st)) < 0) {
		free(v);
		cep_result_free(r);
		return rc;
	}
	r->objective = heuristic_objective;
	r->optimal = p->n_clusters == 0;

	if (p->n_clusters > 0) {
		struct model m = {.p = p, .arcs = v, .n_arcs = n};
		m.search.node_limit = p->node_limit;
		int64_t dearest = p->unserved_cost;
		for (size_t k = 0; k < n; k++)
			if (v[k].cost > dearest)
				dearest = v[k].cost;
		m.max_objective = (double)p->n_clusters * (double)dearest;
		model_solve_robust(&m);
		r->lp_bound = m.lp_bound;
		r->nodes = m.search.nodes;
		if (m.ret < 0) {
			if (m.lp)
				glp_delete_prob(m.lp);
			free(v);
			cep_result_free(r);
			return m.ret == -STATUS_RESOURCE_EXHAUSTED
				       ? status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory")
				       : status_fail(st, STATUS_INTERNAL, "GLPK failed: %s",
						     m.glpk_said[0] ? m.glpk_said
								    : "no reason given");
		}
		if (m.have_solution) {
			int *alloc = malloc(((size_t)p->n_clusters + 1) * sizeof *alloc);
			if (!alloc) {
				glp_delete_prob(m.lp);
				free(v);
				cep_result_free(r);
				return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
			}
			for (int c = 0; c < p->n_clusters; c++)
				alloc[c] = -1;
			for (size_t k = 0; k < n; k++)
				if (glp_mip_col_val(m.lp, (int)k + 1) > 0.5)
					alloc[v[k].cluster] = v[k].partner;
			int64_t objective;
			rc = cep_check(p, alloc, &objective, st);
			if (rc == 0 && objective <= r->objective) {
				memcpy(r->partner_of, alloc, (size_t)p->n_clusters * sizeof *alloc);
				r->objective = objective;
			}
			free(alloc);
			if (rc < 0) {
				glp_delete_prob(m.lp);
				free(v);
				cep_result_free(r);
				return status_fail(st, STATUS_INTERNAL,
						   "GLPK's solution is infeasible");
			}
		}
		r->optimal = m.optimal;
		double bound = r->lp_bound;
		if (m.search.have_bound && m.search.bound > bound)
			bound = m.search.bound;
		/* the objective is integral, so is the optimum: round the bound up */
		r->bound = r->optimal ? r->objective : (int64_t)ceil(bound - 1e-6);
		if (r->bound > r->objective)
			r->bound = r->objective;
		glp_delete_prob(m.lp);
	}
	free(v);

	for (int j = 0; j < p->n_partners; j++)
		r->days_used[j] = 0;
	for (int c = 0; c < p->n_clusters; c++) {
		if (r->partner_of[c] >= 0) {
			r->days_used[r->partner_of[c]] += p->days[c];
			r->n_served++;
		} else {
			r->n_unserved++;
		}
	}
	if (r->objective != 0)
		r->gap = (double)(r->objective - r->bound) / fabs((double)r->objective);
	return 0;
}

void cep_result_free(struct cep_result *r)
{
	if (!r)
		return;
	free(r->partner_of);
	free(r->days_used);
	memset(r, 0, sizeof *r);
}
