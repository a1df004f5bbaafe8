/* visit_sync: the visit calendar kept in step with the plan (see visit_sync.h). */
#include "visit_sync.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "visits.h"

char *visit_sync_id(struct arena *a, uint32_t urn, unsigned year, const char *kind,
		     unsigned half_term)
{
	return arena_printf(a, "%u-%u-%s-%u", urn, year, kind, half_term);
}

/* Each school's lead partner: its roles in the policy's order, then its cluster's CEP. */
static int visit_sync_lead(struct scheduler *s, MDB_txn *txn, const struct planner_input *in,
			    struct arena *a, int *lead, struct status *st)
{
	for (size_t i = 0; i < in->n_schools; i++)
		lead[i] = -1;
	N2gg__V1__Allocation **all;
	size_t n;
	int rc = sch_store_all(s, txn, SCH_DB_ALLOCATIONS, &n2gg__v1__allocation__descriptor, a,
			       (void ***)&all, &n, st);
	if (rc < 0)
		return rc;
	for (int o = 0; o < s->policy.order_count; o++) {
		int role = s->policy.order[o];
		for (size_t i = 0; i < n; i++) {
			const N2gg__V1__Allocation *al = all[i];
			if ((int)al->role != role || !al->partner_id[0])
				continue;
			int p = scheduler_partner_index(in, al->partner_id);
			if (al->urn) {
				int sc = scheduler_school_index(in, al->urn);
				if (sc >= 0 && lead[sc] < 0)
					lead[sc] = p;
				continue;
			}
			for (size_t sc = 0; sc < in->n_schools; sc++)   /* a CEP: its cluster */
				if (lead[sc] < 0 && in->schools[sc].open &&
				    strcmp(in->schools[sc].cluster_id, al->cluster_id) == 0)
					lead[sc] = p;
		}
	}
	return 0;
}

static int visit_sync_partners(const struct planner_input *in,
				N2gg__V1__Partner *const *partners, struct arena *a,
				struct visits_partner *out)
{
	for (size_t p = 0; p < in->n_partners; p++) {
		const N2gg__V1__Partner *pa = partners[p];
		int *days = arena_alloc(a, sizeof(int) * (pa->n_unavailable_dates + 1));
		int n = 0;
		for (size_t i = 0; i < pa->n_unavailable_dates; i++)
			if (date_parse(pa->unavailable_dates[i], &days[n]) == 0)
				n++;
		for (int i = 1; i < n; i++)   /* ascending, as visits_schedule wants */
			for (int j = i; j > 0 && days[j - 1] > days[j]; j--) {
				int t = days[j];
				days[j] = days[j - 1];
				days[j - 1] = t;
			}
		out[p] = (struct visits_partner){(int)p, (int)pa->capacity_days,
						 pa->weekdays ? pa->weekdays : VISITS_WEEKDAYS, days, n};
	}
	return 0;
}

static N2gg__V1__Visit *visit_sync_message(struct scheduler *s, const struct planner_input *in,
					    N2gg__V1__Partner *const *partners,
					    const struct visits_visit *v, struct arena *a)
{
	N2gg__V1__Visit *m = arena_message(a, &n2gg__v1__visit__descriptor);
	int sc = scheduler_school_index(in, v->urn);
	const char *kind = v->kind == VISITS_ANNUAL ? "annual_conversation" : "monitoring";
	char iso[DATE_ISO_LEN];
	m->urn = v->urn;
	m->school_name = sc >= 0 ? (char *)in->schools[sc].name : "";
	m->partner_id = (char *)in->partners[v->partner].id;
	m->partner_name = partners[v->partner]->name;
	m->partner_email = partners[v->partner]->email;
	m->partner_phone = partners[v->partner]->phone;
	m->date = arena_strdup(a, date_format(v->day, iso));
	m->kind = (char *)kind;
	m->half_term = (uint32_t)v->half_term;
	m->year = (uint32_t)s->calendar.year;
	m->id = visit_sync_id(a, v->urn, m->year, kind, m->half_term);
	return m;
}

static int visit_sync_event(struct scheduler *s, MDB_txn *txn, const char *topic,
			     N2gg__V1__Visit *v, N2gg__V1__Visit *previous, const char *cause,
			     const char *actor, struct status *st)
{
	N2gg__V1__VisitEvent ev = N2GG__V1__VISIT_EVENT__INIT;
	ev.visit = v;
	ev.previous = previous;
	ev.cause = (char *)cause;
	return eventlog_append(&s->svc->log, txn, topic, actor, &ev.base, NULL, st);
}

static int visit_sync_cmp_id(const void *x, const void *y)
{
	return strcmp((*(N2gg__V1__Visit *const *)x)->id, (*(N2gg__V1__Visit *const *)y)->id);
}

static size_t visit_sync_key(const N2gg__V1__Visit *v, uint8_t *key, size_t size)
{
	return sch_visit_key(v->urn, v->id, key, size);
}

int visit_sync_apply(struct scheduler *s, MDB_txn *txn, const struct planner_input *in,
		      N2gg__V1__Partner *const *partners, const char *cause, const char *actor,
		      struct arena *a, struct visit_sync_result *out, struct status *st)
{
	memset(out, 0, sizeof *out);
	int *lead = arena_alloc(a, sizeof(int) * (in->n_schools + 1));
	int rc = visit_sync_lead(s, txn, in, a, lead, st);
	if (rc < 0)
		return rc;
	struct visits_allocation *allocs = arena_alloc(a, sizeof *allocs * (in->n_schools + 1));
	int n_allocs = 0;
	for (size_t sc = 0; sc < in->n_schools; sc++)
		if (lead[sc] >= 0 && in->schools[sc].open)
			allocs[n_allocs++] = (struct visits_allocation){in->schools[sc].urn, lead[sc],
									 in->schools[sc].monitoring};
	struct visits_partner *vp = arena_alloc(a, sizeof *vp * (in->n_partners + 1));
	visit_sync_partners(in, partners, a, vp);

	N2gg__V1__Visit **stored;
	size_t n_stored;
	if ((rc = sch_store_all(s, txn, SCH_DB_VISITS, &n2gg__v1__visit__descriptor, a,
				(void ***)&stored, &n_stored, st)) < 0)
		return rc;
	struct visits_visit *existing = arena_alloc(a, sizeof *existing * (n_stored + 1));
	int n_existing = 0;
	for (size_t i = 0; i < n_stored; i++) {
		int p = scheduler_partner_index(in, stored[i]->partner_id), day;
		if (p < 0 || date_parse(stored[i]->date, &day) < 0)
			continue;   /* a partner gone from the store: the visit is dropped below */
		existing[n_existing++] = (struct visits_visit){
			stored[i]->urn, p,
			strcmp(stored[i]->kind, "annual_conversation") == 0 ? VISITS_ANNUAL
									     : VISITS_MONITORING,
			(int)stored[i]->half_term, day, false, sch_visit_reported(s, txn, stored[i])};
	}
	int today = scheduler_today(s);
	struct visits_input vin = {&s->calendar, allocs, n_allocs, vp, (int)in->n_partners,
				   existing, n_existing,
				   today > s->calendar.first_day ? today : s->calendar.first_day};
	struct visits_plan plan;
	rc = visits_schedule(&vin, &plan, st);
	if (rc < 0) {
		visits_plan_free(&plan);
		return rc;
	}
	/* what to add: the plan's new visits; what to cancel: stored visits not in the plan */
	/* both sides sorted by id (unique per school, year, kind and half-term), so matching
	 * a plan of n visits against the stored ones is n log n */
	bool *still = arena_zalloc(a, n_stored + 1);
	N2gg__V1__Visit **planned = arena_alloc(a, sizeof *planned * (size_t)(plan.visit_count + 1));
	for (int i = 0; i < plan.visit_count; i++)
		planned[i] = visit_sync_message(s, in, partners, &plan.visits[i], a);
	size_t n_planned = (size_t)plan.visit_count;
	if (n_stored > 1)   /* the store hands out NULL for none, which qsort must not see */
		qsort(stored, n_stored, sizeof *stored, visit_sync_cmp_id);
	if (n_planned > 1)
		qsort(planned, n_planned, sizeof *planned, visit_sync_cmp_id);
	for (size_t i = 0; i < n_planned && rc == 0; i++) {
		N2gg__V1__Visit *m = planned[i];
		N2gg__V1__Visit **same =
			n_stored ? bsearch(&m, stored, n_stored, sizeof *stored, visit_sync_cmp_id)
				 : NULL;
		if (same) {
			still[same - stored] = strcmp((*same)->date, m->date) == 0 &&
					       strcmp((*same)->partner_id, m->partner_id) == 0;
			if (still[same - stored])
				continue;
		}
		uint8_t key[96];
		size_t klen = visit_sync_key(m, key, sizeof key);
		rc = sch_store_put(s, txn, SCH_DB_VISITS, key, klen, &m->base, a, st);
		if (rc == 0)
			rc = visit_sync_event(s, txn, "visit.scheduled", m, same ? *same : NULL,
					      cause, actor, st);
		out->scheduled++;
	}
	for (size_t j = 0; j < n_stored && rc == 0; j++) {
		/* a visit moved to a new day or partner keeps its id: the put above replaced it
		 * and its visit.scheduled told of the move; a cancellation of that id would
		 * remove the moved visit from every consumer's calendar */
		if (still[j] || (n_planned && bsearch(&stored[j], planned, n_planned,
						       sizeof *planned, visit_sync_cmp_id)))
			continue;
		if (sch_visit_reported(s, txn, stored[j]))
			continue;   /* it happened: its report stays with it */
		uint8_t key[96];
		size_t klen = visit_sync_key(stored[j], key, sizeof key);
		rc = store_del(txn, s->db[SCH_DB_VISITS], key, klen, st);
		if (rc == 0)
			rc = visit_sync_event(s, txn, "visit.cancelled", stored[j], NULL, cause,
					      actor, st);
		out->cancelled++;
	}
	out->unplaced = (unsigned)plan.unplaced_count;
	for (int i = 0; i < plan.unplaced_count && i < 5; i++)
		log_warn("visit not placed", "urn=%u kind=%s half_term=%d why=%s",
			 plan.unplaced[i].visit.urn, visits_kind_name(plan.unplaced[i].visit.kind),
			 plan.unplaced[i].visit.half_term, log_str(plan.unplaced[i].message));
	s->stats.visits_scheduled += out->scheduled;
	s->stats.visits_cancelled += out->cancelled;
	s->stats.visits_unplaced = out->unplaced;
	visits_plan_free(&plan);
	return rc;
}
