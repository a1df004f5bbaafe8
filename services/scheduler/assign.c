/* assign: exact partner-to-school allocation by successive shortest paths (see assign.h).
 *
 * The residual network has a node per school, per partner and the sink. Arcs:
 *   school -> partner   cost c    when the school is not on that arc
 *   partner -> school   cost -c   when it is (moving the school elsewhere refunds c)
 *   school -> sink      unserved  when the school is routed through a partner (or is the
 *                                 school being added)
 *   partner -> sink     load_weight * (load + 1) while the partner has a free place
 *   (sink -> school and sink -> partner, the reverses, lead out of the sink: no search needs
 *   them, only the certificate.)
 * Schools are added one at a time in index order; each search starts at the new school and
 * stops when the sink is settled, on reduced costs c + pi(u) - pi(v) that the potentials
 * keep non-negative. After a search, every settled node v gets pi(v) += dist(v) - dist(sink)
 * and the others keep theirs; this keeps every residual reduced cost non-negative (the
 * unsettled nodes are at least dist(sink) away) and makes the path just found zero-cost, so
 * reversing it keeps the invariant too. The sink's potential stays 0.
 *
 * A partner with no free place at the outset (capacity <= preassigned) can never take a
 * school, so the searches skip it; its potential is set at the end to the largest value the
 * arcs into it allow. */
#include "assign.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- validation, shared by the solver and the checks ---- */

static int partner_preassigned(const struct assign_problem *p, int j)
{
	return p->preassigned ? p->preassigned[j] : 0;
}

/* New schools partner j may take. */
static int partner_room(const struct assign_problem *p, int j)
{
	int pre = partner_preassigned(p, j);
	return p->capacity[j] > pre ? p->capacity[j] - pre : 0;
}

static int assign_validate(const struct assign_problem *p, struct status *st)
{
	if (!p)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no problem");
	if (p->n_schools < 0 || p->n_schools > ASSIGN_MAX_SCHOOLS)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%d schools: must be 0 to %d",
				   p->n_schools, ASSIGN_MAX_SCHOOLS);
	if (p->n_partners < 0 || p->n_partners > ASSIGN_MAX_PARTNERS)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%d partners: must be 0 to %d",
				   p->n_partners, ASSIGN_MAX_PARTNERS);
	if (p->n_partners > 0 && !p->capacity)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no capacities");
	if (p->n_arcs > ASSIGN_MAX_ARCS)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%zu arcs: at most %zu", p->n_arcs,
				   ASSIGN_MAX_ARCS);
	if (p->n_arcs > 0 && !p->arcs)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no arcs");
	if (p->load_weight < 0 || p->load_weight > ASSIGN_COST_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "load weight %lld: must be 0 to %lld", (long long)p->load_weight,
				   (long long)ASSIGN_COST_MAX);
	if (p->unserved_cost < 0 || p->unserved_cost > ASSIGN_COST_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "unserved cost %lld: must be 0 to %lld",
				   (long long)p->unserved_cost, (long long)ASSIGN_COST_MAX);
	long long pinned = 0;
	for (int j = 0; j < p->n_partners; j++) {
		int pre = partner_preassigned(p, j);
		if (p->capacity[j] < 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %d: capacity %d is negative", j,
					   p->capacity[j]);
		if (pre < 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %d: %d preassigned schools", j, pre);
		pinned += pre;
		if (pinned > ASSIGN_MAX_PREASSIGNED)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "more than %d preassigned schools",
					   ASSIGN_MAX_PREASSIGNED);
		/* the dearest slot this partner can reach: its largest load, which no school
		 * count can push past pre + n_schools */
		long long top = pre + (long long)(partner_room(p, j) < p->n_schools
							 ? partner_room(p, j) : p->n_schools);
		if (p->load_weight > 0 && top > ASSIGN_COST_MAX / p->load_weight)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %d: load weight %lld times a load of %lld "
					   "is past %lld", j, (long long)p->load_weight, top,
					   (long long)ASSIGN_COST_MAX);
	}
	for (size_t a = 0; a < p->n_arcs; a++) {
		const struct assign_arc *arc = &p->arcs[a];
		if (arc->school < 0 || arc->school >= p->n_schools)
			return status_fail(st, STATUS_INVALID_ARGUMENT, "arc %zu: no school %d", a,
					   arc->school);
		if (arc->partner < 0 || arc->partner >= p->n_partners)
			return status_fail(st, STATUS_INVALID_ARGUMENT, "arc %zu: no partner %d", a,
					   arc->partner);
		if (arc->cost < 0 || arc->cost > ASSIGN_COST_MAX)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "arc %zu: cost %lld must be 0 to %lld", a,
					   (long long)arc->cost, (long long)ASSIGN_COST_MAX);
	}
	return 0;
}

/* load_weight * (1 + ... + k); in range after validation. */
static int64_t load_term(int64_t w, long long k)
{
	return w * (k * (k + 1) / 2);
}

/* ---- the arcs by school, sorted by partner, parallel arcs reduced to the cheapest ---- */

struct csr_arc {
	int64_t cost;
	int partner, school;
};

struct arcs_csr {
	int *off;        /* n_schools + 1 */
	struct csr_arc *arc;
	int n;
};

static void csr_free(struct arcs_csr *g)
{
	free(g->off);
	free(g->arc);
}

/* by partner, then cost: brings parallel arcs together, the cheapest first */
static int arc_cmp_partner(const struct csr_arc *x, const struct csr_arc *y)
{
	if (x->partner != y->partner)
		return x->partner < y->partner ? -1 : 1;
	return (x->cost > y->cost) - (x->cost < y->cost);
}

/* by cost, then partner: the order searches scan a school's arcs in */
static int arc_cmp_cost(const struct csr_arc *x, const struct csr_arc *y)
{
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return (x->partner > y->partner) - (x->partner < y->partner);
}

static int arc_qsort_partner(const void *a, const void *b)
{
	return arc_cmp_partner(a, b);
}

static int arc_qsort_cost(const void *a, const void *b)
{
	return arc_cmp_cost(a, b);
}

/* A school's arcs are few: insertion sort, qsort past a couple of dozen. */
static void arc_sort(struct csr_arc *v, int n, bool by_cost)
{
	if (n > 24) {
		qsort(v, (size_t)n, sizeof *v, by_cost ? arc_qsort_cost : arc_qsort_partner);
		return;
	}
	for (int i = 1; i < n; i++) {
		struct csr_arc x = v[i];
		int k = i;
		while (k > 0 && (by_cost ? arc_cmp_cost(&v[k - 1], &x)
					 : arc_cmp_partner(&v[k - 1], &x)) > 0) {
			v[k] = v[k - 1];
			k--;
		}
		v[k] = x;
	}
}

/* The arcs by school, leaving out arcs to partners with no room (they can never be used). */
static int csr_build(const struct assign_problem *p, struct arcs_csr *g)
{
	int S = p->n_schools;
	size_t m = p->n_arcs;
	memset(g, 0, sizeof *g);
	g->off = calloc((size_t)S + 2, sizeof *g->off);
	g->arc = malloc((m ? m : 1) * sizeof *g->arc);
	if (!g->off || !g->arc) {
		csr_free(g);
		return -1;
	}
	/* counting sort by school: off[i + 2] counts, then off[i + 1] is where school i's
	 * next arc goes while filling, and ends as where school i + 1 starts */
	for (size_t a = 0; a < m; a++)
		if (partner_room(p, p->arcs[a].partner) > 0)
			g->off[p->arcs[a].school + 2]++;
	for (int i = 0; i < S; i++)
		g->off[i + 2] += g->off[i + 1];
	for (size_t a = 0; a < m; a++) {
		const struct assign_arc *arc = &p->arcs[a];
		if (partner_room(p, arc->partner) > 0)
			g->arc[g->off[arc->school + 1]++] =
				(struct csr_arc){arc->cost, arc->partner, arc->school};
	}
	/* per school: keep the cheapest of parallel arcs, then order by cost (ties by partner),
	 * which lets a search stop scanning a school's arcs early; compacted in place */
	int n = 0;
	for (int i = 0; i < S; i++) {
		int lo = g->off[i], hi = g->off[i + 1];
		arc_sort(g->arc + lo, hi - lo, false);
		g->off[i] = n;
		for (int k = lo; k < hi; k++)
			if (k == lo || g->arc[k].partner != g->arc[k - 1].partner)
				g->arc[n++] = g->arc[k];
		arc_sort(g->arc + g->off[i], n - g->off[i], true);
	}
	g->off[S] = n;
	g->n = n;
	return 0;
}

/* ---- an indexed binary heap of nodes keyed by (distance, node) ---- */

struct heap {
	int *node;       /* heap order */
	int *pos;        /* per node: index in `node`, or -1 */
	const int64_t *key;
	int n;
};

static bool heap_less(const struct heap *h, int a, int b)
{
	return h->key[a] < h->key[b] || (h->key[a] == h->key[b] && a < b);
}

static void heap_up(struct heap *h, int i)
{
	int v = h->node[i];
	while (i > 0) {
		int parent = (i - 1) / 2;
		int u = h->node[parent];
		if (!heap_less(h, v, u))
			break;
		h->node[i] = u;
		h->pos[u] = i;
		i = parent;
	}
	h->node[i] = v;
	h->pos[v] = i;
}

static void heap_down(struct heap *h, int i)
{
	int v = h->node[i];
	for (;;) {
		int c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && heap_less(h, h->node[c + 1], h->node[c]))
			c++;
		if (!heap_less(h, h->node[c], v))
			break;
		h->node[i] = h->node[c];
		h->pos[h->node[i]] = i;
		i = c;
	}
	h->node[i] = v;
	h->pos[v] = i;
}

static void heap_push_or_decrease(struct heap *h, int v)
{
	if (h->pos[v] < 0) {
		h->node[h->n] = v;
		h->pos[v] = h->n++;
	}
	heap_up(h, h->pos[v]);
}

static int heap_pop(struct heap *h)
{
	int v = h->node[0];
	h->pos[v] = -1;
	if (--h->n > 0) {
		h->node[0] = h->node[h->n];
		heap_down(h, 0);
	}
	return v;
}

/* ---- the solver ---- */

enum { NODE_FRESH = 0, NODE_QUEUED = 1, NODE_SETTLED = 2 };

struct solver {
	const struct assign_problem *p;
	struct arcs_csr g;
	int S, P, sink;
	int *room;          /* per partner: new schools it may take */
	int *pre;           /* per partner: pinned schools */
	int *n_new;         /* per partner: new schools it has */
	int *list_off;      /* per partner: where its schools' arcs start in `list` */
	int *list;          /* arcs in use, grouped by partner */
	int *list_pos;      /* per school: its place in its partner's group */
	int *assigned;      /* per school: the arc it is on, or -1 */
	int64_t *pot;       /* per node */
	int64_t *dist;      /* per node, valid while touched */
	int *pred;          /* per node: partner <- arc, school <- partner, sink <- node */
	unsigned char *state;
	int *touched;
	int n_touched;
	struct heap heap;
	long searches, settled;
	/* at least the largest potential of a partner with room: potentials only fall, so a
	 * value computed now and then stays an upper bound in between */
	int64_t partner_pot_max;
};

static void solver_free(struct solver *s)
{
	csr_free(&s->g);
	free(s->room);
	free(s->pre);
	free(s->n_new);
	free(s->list_off);
	free(s->list);
	free(s->list_pos);
	free(s->assigned);
	free(s->pot);
	free(s->dist);
	free(s->pred);
	free(s->state);
	free(s->touched);
	free(s->heap.node);
	free(s->heap.pos);
}

static int solver_init(struct solver *s, const struct assign_problem *p)
{
	memset(s, 0, sizeof *s);
	s->p = p;
	s->S = p->n_schools;
	s->P = p->n_partners;
	s->sink = s->S + s->P;
	size_t nodes = (size_t)s->S + (size_t)s->P + 1;
	size_t P1 = (size_t)s->P + 1, S1 = (size_t)s->S + 1;
	if (csr_build(p, &s->g) < 0)
		return -1;
	s->room = calloc(P1, sizeof *s->room);
	s->pre = calloc(P1, sizeof *s->pre);
	s->n_new = calloc(P1, sizeof *s->n_new);
	s->list_off = calloc(P1, sizeof *s->list_off);
	s->list_pos = calloc(S1, sizeof *s->list_pos);
	s->assigned = malloc(S1 * sizeof *s->assigned);
	s->pot = calloc(nodes, sizeof *s->pot);
	s->dist = calloc(nodes, sizeof *s->dist);
	s->pred = calloc(nodes, sizeof *s->pred);
	s->state = calloc(nodes, sizeof *s->state);
	s->touched = malloc(nodes * sizeof *s->touched);
	s->heap.node = malloc(nodes * sizeof *s->heap.node);
	s->heap.pos = malloc(nodes * sizeof *s->heap.pos);
	if (!s->room || !s->pre || !s->n_new || !s->list_off || !s->list_pos || !s->assigned ||
	    !s->pot || !s->dist || !s->pred || !s->state || !s->touched || !s->heap.node ||
	    !s->heap.pos)
		return -1;
	for (size_t v = 0; v < nodes; v++)
		s->heap.pos[v] = -1;
	s->heap.key = s->dist;
	for (int i = 0; i < s->S; i++)
		s->assigned[i] = -1;
	/* a partner's group holds at most min(room, arcs into it) schools */
	for (int a = 0; a < s->g.n; a++)
		s->list_off[s->g.arc[a].partner + 1]++;
	for (int j = 0; j < s->P; j++) {
		s->pre[j] = partner_preassigned(p, j);
		s->room[j] = partner_room(p, j);
		int group = s->list_off[j + 1] < s->room[j] ? s->list_off[j + 1] : s->room[j];
		s->list_off[j + 1] = s->list_off[j] + group;
	}
	s->list = malloc(((size_t)s->list_off[s->P] + 1) * sizeof *s->list);
	return s->list ? 0 : -1;
}

static inline void relax(struct solver *s, int v, int64_t d, int pred)
{
	if (s->state[v] == NODE_FRESH) {
		s->state[v] = NODE_QUEUED;
		s->touched[s->n_touched++] = v;
	} else if (d >= s->dist[v]) {
		return;
	}
	s->dist[v] = d;
	s->pred[v] = pred;
	heap_push_or_decrease(&s->heap, v);
}

/* Shortest path from school `src` to the sink on reduced costs; stops when the sink is
 * settled, then moves the potentials of the settled nodes. */
static void search(struct solver *s, int src)
{
	const int S = s->S, sink = s->sink;
	const int64_t U = s->p->unserved_cost, w = s->p->load_weight;
	const int *off = s->g.off;
	const struct csr_arc *arc = s->g.arc;
	int64_t *pot = s->pot, *dist = s->dist;
	unsigned char *state = s->state;
	int n_settled = 0;

	s->n_touched = 0;
	relax(s, src, 0, -1);
	for (;;) {
		int u = heap_pop(&s->heap);
		state[u] = NODE_SETTLED;
		n_settled++;
		if (u == sink)
			break;
		int64_t du = dist[u], pu = pot[u];
		if (u < S) {
			relax(s, sink, du + U + pu - pot[sink], u);
			/* an arc's reduced cost is at least cost + pu - partner_pot_max; once
			 * that reaches the sink's tentative distance the arc, and every dearer
			 * one after it, can only offer a partner a distance the sink already
			 * beats, and such a node is never settled before the sink or on its
			 * path: scanning stops there */
			int64_t limit = dist[sink] - du - pu + s->partner_pot_max;
			int in_use = s->assigned[u];
			for (int a = off[u]; a < off[u + 1]; a++) {
				if (arc[a].cost >= limit)
					break;
				int v = S + arc[a].partner;
				if (a == in_use || state[v] == NODE_SETTLED)
					continue;
				relax(s, v, du + arc[a].cost + pu - pot[v], a);
			}
		} else {
			int j = u - S;
			if (s->n_new[j] < s->room[j]) {
				int64_t slot = w * (s->pre[j] + s->n_new[j] + 1);
				relax(s, sink, du + slot + pu - pot[sink], u);
			}
			const int *grp = s->list + s->list_off[j];
			for (int k = 0; k < s->n_new[j]; k++) {
				int a = grp[k];
				int i = arc[a].school;
				if (state[i] == NODE_SETTLED)
					continue;
				relax(s, i, du - arc[a].cost + pu - pot[i], j);
			}
		}
	}
	int64_t D = dist[sink];
	for (int k = 0; k < s->n_touched; k++) {
		int v = s->touched[k];
		if (state[v] == NODE_SETTLED)
			pot[v] += dist[v] - D;
		else
			s->heap.pos[v] = -1;
		state[v] = NODE_FRESH;
	}
	s->heap.n = 0;
	s->searches++;
	s->settled += n_settled;
}

static void detach(struct solver *s, int i)
{
	int a = s->assigned[i];
	if (a < 0)
		return;
	int j = s->g.arc[a].partner;
	int *grp = s->list + s->list_off[j];
	int last = grp[--s->n_new[j]];
	grp[s->list_pos[i]] = last;
	s->list_pos[s->g.arc[last].school] = s->list_pos[i];
	s->assigned[i] = -1;
}

static void attach(struct solver *s, int i, int a)
{
	int j = s->g.arc[a].partner;
	s->list[s->list_off[j] + s->n_new[j]] = a;
	s->list_pos[i] = s->n_new[j]++;
	s->assigned[i] = a;
}

/* Reverses the path search() found from `src` to the sink. */
static void augment(struct solver *s, int src)
{
	int x = s->pred[s->sink];
	if (x < s->S) {
		/* the path ends on school x's unserved arc */
		detach(s, x);
		if (x == src)
			return;
		x = s->S + s->pred[x];
	}
	/* x is a partner node: take the school on its path arc, which leaves the partner it
	 * came through (that partner's own path arc is handled next) */
	for (;;) {
		int a = s->pred[x];
		int i = s->g.arc[a].school;
		detach(s, i);
		attach(s, i, a);
		if (i == src)
			return;
		x = s->S + s->pred[i];
	}
}

static void refresh_partner_pot_max(struct solver *s)
{
	int64_t max = 0;   /* every potential starts at 0 and never rises */
	bool any = false;
	for (int j = 0; j < s->P; j++)
		if (s->room[j] > 0 && (!any || s->pot[s->S + j] > max)) {
			max = s->pot[s->S + j];
			any = true;
		}
	s->partner_pot_max = max;
}

int assign_solve(const struct assign_problem *p, struct assign_result *r, struct status *st)
{
	memset(r, 0, sizeof *r);
	int rc = assign_validate(p, st);
	if (rc < 0)
		return rc;
	struct solver s;
	if (solver_init(&s, p) < 0) {
		solver_free(&s);
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	}
	for (int i = 0; i < s.S; i++) {
		if (s.g.off[i] == s.g.off[i + 1]) {
			/* no arc: unserved, and its reverse unserved arc has reduced cost 0 */
			s.pot[i] = s.pot[s.sink] - p->unserved_cost;
			continue;
		}
		if (s.searches % 16 == 0)
			refresh_partner_pot_max(&s);
		search(&s, i);
		augment(&s, i);
	}
	/* partners that could never take a school: the largest potential the arcs into them
	 * allow (they have no arc out) */
	for (int j = 0; j < s.P; j++)
		if (s.room[j] == 0)
			s.pot[s.S + j] = 0;
	for (size_t a = 0; a < p->n_arcs; a++) {
		int j = p->arcs[a].partner;
		if (s.room[j] == 0) {
			int64_t bound = s.pot[p->arcs[a].school] + p->arcs[a].cost;
			if (bound < s.pot[s.S + j])
				s.pot[s.S + j] = bound;
		}
	}

	size_t nodes = (size_t)assign_node_count(p);
	r->partner_of = malloc(((size_t)s.S + 1) * sizeof *r->partner_of);
	r->load = malloc(((size_t)s.P + 1) * sizeof *r->load);
	r->potential = malloc(nodes * sizeof *r->potential);
	if (!r->partner_of || !r->load || !r->potential) {
		solver_free(&s);
		assign_result_free(r);
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	}
	memcpy(r->potential, s.pot, nodes * sizeof *r->potential);
	for (int i = 0; i < s.S; i++) {
		int a = s.assigned[i];
		if (a >= 0) {
			r->partner_of[i] = s.g.arc[a].partner;
			r->arc_cost += s.g.arc[a].cost;
			r->n_served++;
		} else {
			r->partner_of[i] = -1;
			r->n_unserved++;
		}
	}
	for (int j = 0; j < s.P; j++) {
		r->load[j] = s.pre[j] + s.n_new[j];
		r->load_cost += load_term(p->load_weight, r->load[j]);
	}
	r->unserved_total = (int64_t)r->n_unserved * p->unserved_cost;
	r->objective = r->arc_cost + r->load_cost + r->unserved_total;
	r->searches = s.searches;
	r->settled = s.settled;
	solver_free(&s);
	return 0;
}

void assign_result_free(struct assign_result *r)
{
	if (!r)
		return;
	free(r->partner_of);
	free(r->load);
	free(r->potential);
	memset(r, 0, sizeof *r);
}

/* ---- checks: written against the problem as given, sharing nothing with the solver
 * but the validation ---- */

struct arc_ref {
	int school, partner;
	int64_t cost;
	size_t index;
};

static int arc_ref_cmp(const void *a, const void *b)
{
	const struct arc_ref *x = a, *y = b;
	if (x->school != y->school)
		return x->school < y->school ? -1 : 1;
	if (x->partner != y->partner)
		return x->partner < y->partner ? -1 : 1;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/* The arcs sorted by (school, partner, cost), so the cheapest of parallel arcs is first. */
static struct arc_ref *sorted_arcs(const struct assign_problem *p)
{
	struct arc_ref *v = malloc((p->n_arcs ? p->n_arcs : 1) * sizeof *v);
	if (!v)
		return NULL;
	for (size_t a = 0; a < p->n_arcs; a++)
		v[a] = (struct arc_ref){p->arcs[a].school, p->arcs[a].partner, p->arcs[a].cost, a};
	qsort(v, p->n_arcs, sizeof *v, arc_ref_cmp);
	return v;
}

/* The cheapest arc from school i to partner j in `v`, or NULL. */
static const struct arc_ref *find_arc(const struct arc_ref *v, size_t n, int i, int j)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].school < i || (v[mid].school == i && v[mid].partner < j))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].school == i && v[lo].partner == j ? &v[lo] : NULL;
}

static int objective_of(const struct assign_problem *p, const int *partner_of,
			const struct arc_ref *v, int64_t *objective, struct status *st)
{
	int64_t total = 0;
	long long *count = calloc((size_t)p->n_partners + 1, sizeof *count);
	if (!count)
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	for (int i = 0; i < p->n_schools; i++) {
		int j = partner_of[i];
		if (j == -1) {
			total += p->unserved_cost;
			continue;
		}
		const struct arc_ref *a =
			j >= 0 && j < p->n_partners ? find_arc(v, p->n_arcs, i, j) : NULL;
		if (!a) {
			free(count);
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "school %d: no arc to partner %d", i, j);
		}
		total += a->cost;
		count[j]++;
	}
	for (int j = 0; j < p->n_partners; j++) {
		if (count[j] > partner_room(p, j)) {
			int n = (int)count[j];
			free(count);
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %d: %d new schools, room for %d", j, n,
					   partner_room(p, j));
		}
		total += load_term(p->load_weight, partner_preassigned(p, j) + count[j]);
	}
	free(count);
	*objective = total;
	return 0;
}

int assign_objective(const struct assign_problem *p, const int *partner_of, int64_t *objective,
		     struct status *st)
{
	int rc = assign_validate(p, st);
	if (rc < 0)
		return rc;
	if (p->n_schools > 0 && !partner_of)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no assignment");
	struct arc_ref *v = sorted_arcs(p);
	if (!v)
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
	rc = objective_of(p, partner_of, v, objective, st);
	free(v);
	return rc;
}

#define POTENTIAL_MAX ((int64_t)1 << 60)

static int fail_why(char *why, size_t why_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_why(char *why, size_t why_size, const char *fmt, ...)
{
	if (why && why_size > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int assign_check_optimal(const struct assign_problem *p, const struct assign_result *r, char *why,
			 size_t why_size)
{
	struct status st;
	status_clear(&st);
	if (assign_validate(p, &st) < 0)
		return fail_why(why, why_size, "bad problem: %s", st.message);
	if (!r || (p->n_schools > 0 && !r->partner_of) || !r->potential)
		return fail_why(why, why_size, "no result");
	const int64_t *pot = r->potential;
	int nodes = assign_node_count(p), sink = assign_sink_node(p);
	for (int v = 0; v < nodes; v++)
		if (pot[v] > POTENTIAL_MAX || pot[v] < -POTENTIAL_MAX)
			return fail_why(why, why_size, "node %d: potential %lld out of range", v,
					(long long)pot[v]);
	struct arc_ref *v = sorted_arcs(p);
	if (!v)
		return fail_why(why, why_size, "out of memory");
	int64_t objective;
	if (objective_of(p, r->partner_of, v, &objective, &st) < 0) {
		free(v);
		return fail_why(why, why_size, "infeasible: %s", st.message);
	}
	if (objective != r->objective) {
		free(v);
		return fail_why(why, why_size, "objective is %lld, not %lld", (long long)objective,
				(long long)r->objective);
	}
	/* school <-> partner: the arc in use is the cheapest of its pair (first in sorted
	 * order); its residual arc is the reverse, every other arc's is forward */
	for (size_t k = 0; k < p->n_arcs; k++) {
		int i = v[k].school, j = v[k].partner;
		int pj = assign_partner_node(p, j);
		bool in_use = r->partner_of[i] == j &&
			      (k == 0 || v[k - 1].school != i || v[k - 1].partner != j);
		int64_t reduced = in_use ? -v[k].cost + pot[pj] - pot[i]
					 : v[k].cost + pot[i] - pot[pj];
		if (reduced < 0) {
			int64_t cost = v[k].cost;
			free(v);
			return fail_why(why, why_size,
					"%s arc school %d -> partner %d (cost %lld): reduced cost "
					"%lld",
					in_use ? "reverse of" : "", i, j, (long long)cost,
					(long long)reduced);
		}
	}
	free(v);
	/* unserved arcs */
	for (int i = 0; i < p->n_schools; i++) {
		bool served = r->partner_of[i] >= 0;
		int64_t reduced = served ? p->unserved_cost + pot[i] - pot[sink]
					 : -p->unserved_cost + pot[sink] - pot[i];
		if (reduced < 0)
			return fail_why(why, why_size, "%s school %d: reduced cost %lld",
					served ? "unserved arc of served"
					       : "reverse unserved arc of",
					i, (long long)reduced);
	}
	/* slots: the k-th school of partner j costs load_weight * k; used slots are the
	 * cheapest, pre+1 .. load (reverse arcs), then the free ones (forward arcs), whose
	 * costs only grow after the first, so the first free one is the tightest */
	int *count = calloc((size_t)p->n_partners + 1, sizeof *count);
	if (!count)
		return fail_why(why, why_size, "out of memory");
	for (int i = 0; i < p->n_schools; i++)
		if (r->partner_of[i] >= 0)
			count[r->partner_of[i]]++;
	for (int j = 0; j < p->n_partners; j++) {
		int pj = assign_partner_node(p, j), pre = partner_preassigned(p, j);
		int load = pre + count[j];
		for (int k = pre + 1; k <= load; k++) {
			int64_t reduced = -p->load_weight * k + pot[sink] - pot[pj];
			if (reduced < 0) {
				free(count);
				return fail_why(why, why_size,
						"reverse of slot %d of partner %d: reduced "
						"cost %lld",
						k, j, (long long)reduced);
			}
		}
		if (count[j] < partner_room(p, j)) {
			int64_t reduced = p->load_weight * (load + 1) + pot[pj] - pot[sink];
			if (reduced < 0) {
				free(count);
				return fail_why(why, why_size,
						"free slot %d of partner %d: reduced cost %lld",
						load + 1, j, (long long)reduced);
			}
		}
	}
	free(count);
	return 0;
}
