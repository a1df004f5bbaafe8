/* plan: runs the planner on what the store holds and stores what changed — each
 * allocation whose partner changed (or that appeared or ended) is written and announced
 * as allocation.changed in the same transaction, and its visits are scheduled again. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster_choice.h"
#include "date.h"
#include "log.h"
#include "partners.h"
#include "scheduler.h"
#include "visit_sync.h"

/* the planner's cases are the contract's, value for value */
#define SCH_SAME_BASIS(x) \
	((int)PLANNER_BASIS_##x == (int)N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_##x)
_Static_assert(SCH_SAME_BASIS(UNKNOWN) && SCH_SAME_BASIS(KEPT) && SCH_SAME_BASIS(MATCHED) &&
		       SCH_SAME_BASIS(CHOSEN_BY_LA) && SCH_SAME_BASIS(CLUSTER_CHOICE) &&
		       SCH_SAME_BASIS(AT_CAPACITY) && SCH_SAME_BASIS(NO_PARTNER) &&
		       SCH_SAME_BASIS(EXCLUDED) && SCH_SAME_BASIS(NOT_ENTITLED) &&
		       SCH_SAME_BASIS(CHOICE_A_PENDING),
	       "enum planner_basis and AllocationBasis differ");

int scheduler_today(const struct scheduler *s)
{
	return s->as_of >= 0 ? s->as_of : date_today();
}

/* ---- the planner's input ---- */

struct sch_input_extra {
	N2gg__V1__Allocation **current;   /* aligned with in->current */
	N2gg__V1__SchedulerSchool **schools;
	N2gg__V1__Partner **partners;
	N2gg__V1__ClusterChoice **choices;   /* by cluster id */
	size_t n_choices;
};

int scheduler_school_index(const struct planner_input *in, uint32_t urn)
{
	size_t lo = 0, hi = in->n_schools;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (in->schools[mid].urn < urn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < in->n_schools && in->schools[lo].urn == urn ? (int)lo : -1;
}

int scheduler_partner_index(const struct planner_input *in, const char *id)
{
	size_t lo = 0, hi = in->n_partners, n = strlen(id);
	while (lo < hi) {   /* LMDB's order: bytes, then the shorter first */
		size_t mid = (lo + hi) / 2;
		size_t m = strlen(in->partners[mid].id);
		int c = memcmp(in->partners[mid].id, id, m < n ? m : n);
		if (c < 0 || (c == 0 && m < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < in->n_partners && strcmp(in->partners[lo].id, id) == 0 ? (int)lo : -1;
}

static int scheduler_load(struct scheduler *s, MDB_txn *txn, struct arena *a,
			  struct planner_input *in, struct sch_input_extra *x, struct status *st)
{
	memset(in, 0, sizeof *in);
	in->policy = &s->policy;
	size_t n_schools, n_partners, n_current;
	int rc;
	if ((rc = sch_store_all(s, txn, SCH_DB_SCHOOLS, &n2gg__v1__scheduler_school__descriptor, a,
				(void ***)&x->schools, &n_schools, st)) < 0 ||
	    (rc = sch_store_all(s, txn, SCH_DB_PARTNERS, &n2gg__v1__partner__descriptor, a,
				(void ***)&x->partners, &n_partners, st)) < 0 ||
	    (rc = sch_store_all(s, txn, SCH_DB_ALLOCATIONS, &n2gg__v1__allocation__descriptor, a,
				(void ***)&x->current, &n_current, st)) < 0 ||
	    (rc = sch_choices_all(s, txn, a, &x->choices, &x->n_choices, st)) < 0)
		return rc;
	struct plan_school *schools = arena_zalloc(a, sizeof *schools * (n_schools + 1));
	for (size_t i = 0; i < n_schools; i++) {
		const N2gg__V1__SchedulerSchool *sc = x->schools[i];
		struct plan_school *p = &schools[i];
		p->urn = sc->urn;
		p->name = sc->name;
		p->phase = sc->phase;
		p->cluster_id = sc->cluster_id;
		p->federation = sc->federation_code;
		p->easting = sc->easting;
		p->northing = sc->northing;
		p->category[0] = sc->category[0];
		p->monitoring = sc->half_termly_monitoring;
		p->open = sc->status == N2GG__V1__SCHOOL_STATUS__STATUS_OPEN ||
			  sc->status == N2GG__V1__SCHOOL_STATUS__STATUS_OPEN_PROPOSED_TO_CLOSE;
	}
	struct plan_partner *partners = arena_zalloc(a, sizeof *partners * (n_partners + 1));
	for (size_t i = 0; i < n_partners; i++)
		partners_plan_view(x->partners[i], a, &partners[i]);
	in->schools = schools;
	in->n_schools = n_schools;
	in->partners = partners;
	in->n_partners = n_partners;
	struct planner_allocation *cur = arena_zalloc(a, sizeof *cur * (n_current + 1));
	for (size_t i = 0; i < n_current; i++) {
		const N2gg__V1__Allocation *al = x->current[i];
		cur[i].role = al->role;
		cur[i].school = al->urn ? scheduler_school_index(in, al->urn) : -1;
		cur[i].cluster_id = al->cluster_id;
		cur[i].partner = al->partner_id[0] ? scheduler_partner_index(in, al->partner_id) : -1;
		cur[i].days = al->days;
		cur[i].pinned = al->pinned;
		cur[i].reason = al->reason;
		cur[i].basis = (enum planner_basis)al->basis;
	}
	in->current = cur;
	in->n_current = n_current;
	const char **held = arena_alloc(a, sizeof *held * (x->n_choices + 1));
	for (size_t i = 0; i < x->n_choices; i++)
		if (cluster_choice_held(&s->policy, x->choices[i]->choice, scheduler_today(s)))
			held[in->n_held++] = x->choices[i]->cluster_id;
	in->held_clusters = held;
	in->cep_node_limit = 200000;
	return 0;
}

int scheduler_plan_input(struct scheduler *s, MDB_txn *txn, struct arena *a,
			 struct planner_input *in, struct status *st)
{
	struct sch_input_extra x;
	return scheduler_load(s, txn, a, in, &x, st);
}

/* ---- storing the changes ---- */

static N2gg__V1__Allocation *scheduler_allocation_message(struct scheduler *s,
							  const struct planner_input *in,
							  const struct sch_input_extra *x,
							  const struct planner_allocation *al,
							  struct arena *a)
{
	N2gg__V1__Allocation *m = arena_message(a, &n2gg__v1__allocation__descriptor);
	m->role = (N2gg__V1__Role)al->role;
	if (al->school >= 0) {
		const N2gg__V1__SchedulerSchool *sc = x->schools[al->school];
		m->urn = sc->urn;
		m->school_name = sc->name;
		m->category = sc->category;
		m->cluster_id = sc->cluster_id;
	} else {
		m->cluster_id = (char *)al->cluster_id;
	}
	if (al->partner >= 0) {
		m->partner_id = (char *)in->partners[al->partner].id;
		m->partner_name = (char *)in->partners[al->partner].name;
		m->partner_email = x->partners[al->partner]->email;
		m->partner_phone = x->partners[al->partner]->phone;
	}
	m->days = al->days;
	m->cost_pence = al->cost_pence;
	m->pinned = al->pinned;
	m->reason = (char *)(al->reason ? al->reason : "");
	m->basis = (N2gg__V1__AllocationBasis)al->basis;
	m->distance_km = al->distance_km;
	m->year = s->policy.year;
	m->decided_unix_ms = date_now_ms();
	if (al->school < 0)
		sch_choice_mark(s, m, sch_choice_find(x->choices, x->n_choices, m->cluster_id), a);
	return m;
}

/* Whether a stored allocation already says all of `now` (its decision time aside). */
static bool scheduler_same_allocation(const N2gg__V1__Allocation *old,
				      const N2gg__V1__Allocation *now, struct arena *a)
{
	N2gg__V1__Allocation x = *old, y = *now;
	x.decided_unix_ms = y.decided_unix_ms = 0;
	size_t lx, ly;
	void *px = arena_pack(a, &x.base, &lx), *py = arena_pack(a, &y.base, &ly);
	return lx == ly && memcmp(px, py, lx) == 0;
}

static int scheduler_announce(struct scheduler *s, MDB_txn *txn, N2gg__V1__Allocation *now,
			      const char *previous, const char *cause, const char *actor,
			      struct status *st)
{
	N2gg__V1__AllocationChanged ev = N2GG__V1__ALLOCATION_CHANGED__INIT;
	ev.allocation = now;
	ev.previous_partner_id = (char *)previous;
	ev.cause = (char *)cause;
	s->stats.allocation_changes++;
	return eventlog_append(&s->svc->log, txn, "allocation.changed", actor, &ev.base, NULL, st);
}

int scheduler_plan(struct scheduler *s, MDB_txn *txn, bool incremental, bool dry_run,
		   const char *cause, const char *actor, struct arena *a,
		   struct sch_plan_summary *out, struct status *st)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(out, 0, sizeof *out);
	struct planner_input in;
	struct sch_input_extra x;
	struct planner_output plan;
	int rc = scheduler_load(s, txn, a, &in, &x, st);
	in.incremental = incremental;
	if (rc == 0)
		rc = planner_run(&in, a, &plan, st);
	if (rc < 0) {
		s->stats.plans_failed++;
		return rc;
	}
	memcpy(out->stats, plan.stats, sizeof out->stats);
	bool *kept = arena_zalloc(a, in.n_current + 1);
	struct planner_current_index ix;
	planner_index_current(&in, a, &ix);
	size_t cap = 0;
	for (size_t i = 0; i < plan.n; i++) {
		const struct planner_allocation *al = &plan.allocations[i];
		N2gg__V1__Allocation *m = scheduler_allocation_message(s, &in, &x, al, a);
		if (al->partner < 0) {
			out->unserved = arena_grow(a, out->unserved, out->n_unserved, &cap,
						   sizeof *out->unserved);
			out->unserved[out->n_unserved++] = m;
		}
		int c = planner_current_at(&in, &ix, al->role, al->school, al->cluster_id);
		const N2gg__V1__Allocation *old = c >= 0 ? x.current[c] : NULL;
		if (c >= 0)
			kept[c] = true;
		bool changed = !old || strcmp(old->partner_id, m->partner_id) != 0;
		if (!changed && scheduler_same_allocation(old, m, a))
			continue;
		if (changed)
			out->changed++;
		if (dry_run)
			continue;
		uint8_t key[64];
		size_t klen = sch_allocation_key(al->role, m->urn, m->cluster_id, key, sizeof key);
		if ((rc = sch_store_put(s, txn, SCH_DB_ALLOCATIONS, key, klen, &m->base, a, st)) < 0 ||
		    (changed && (rc = scheduler_announce(s, txn, m, old ? old->partner_id : "", cause,
							 actor, st)) < 0))
			return rc;
	}
	for (size_t c = 0; c < in.n_current; c++) {   /* no longer entitled (or closed) */
		if (kept[c])
			continue;
		out->changed++;
		if (dry_run)
			continue;
		N2gg__V1__Allocation *gone = arena_message_copy(a, &x.current[c]->base);
		const char *previous = gone->partner_id;
		gone->partner_id = "";
		gone->partner_name = "";
		gone->reason = "no longer entitled to this role";
		gone->basis = N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_NOT_ENTITLED;
		uint8_t key[64];
		size_t klen = sch_allocation_key(gone->role, gone->urn, gone->cluster_id, key,
						 sizeof key);
		if ((rc = store_del(txn, s->db[SCH_DB_ALLOCATIONS], key, klen, st)) < 0 ||
		    (rc = scheduler_announce(s, txn, gone, previous, cause, actor, st)) < 0)
			return rc;
	}
	if (!dry_run) {
		struct visit_sync_result vr;
		if ((rc = visit_sync_apply(s, txn, &in, x.partners, cause, actor, a, &vr, st)) < 0 ||
		    (rc = sch_store_mark_dirty(s, txn, false, st)) < 0)
			return rc;
		out->visits = vr.scheduled;
		out->visits_unplaced = vr.unplaced;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	s->stats.plans++;
	s->stats.last_plan_ms = out->ms;
	return 0;
}

/* ---- writes of its own, and the pending incremental plan ---- */

static int scheduler_replan_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct scheduler *s = ctx;
	if (!sch_store_is_dirty(s, txn))
		return 0;
	struct sch_plan_summary sum;
	int rc = scheduler_plan(s, txn, true, false, "registry or category change", "scheduler",
				&s->arena, &sum, st);
	if (rc == 0 && sum.changed)
		log_info("re-planned", "changed=%u visits=%u ms=%.1f", sum.changed, sum.visits,
			 sum.ms);
	return rc;
}

static void scheduler_on_replan(uv_idle_t *h)
{
	struct scheduler *s = h->data;
	uv_idle_stop(h);
	s->replan_armed = false;
	struct status st;
	int rc = service_write(s->svc, scheduler_replan_txn, s, &st);
	arena_reset(&s->arena);
	if (rc < 0)
		log_error("incremental plan failed; the previous plan stays", "error=%s",
			  log_str(st.message));
}

void scheduler_request_replan(struct scheduler *s)
{
	if (s->replan_armed)
		return;
	s->replan_armed = true;
	s->replan.data = s;
	uv_idle_start(&s->replan, scheduler_on_replan);
}
