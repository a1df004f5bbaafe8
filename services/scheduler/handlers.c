/* handlers: the scheduler's API. Writes (partners, pins, a run) change the store in the
 * call's transaction and re-plan in it, so a change and the plan that follows from it
 * commit together; reads serve partners, allocations with their explanations, visits,
 * iCalendar exports, the budget, and the partners' days with who could take each place
 * nobody serves. Visit reports (visit_reports.c) and clusters' CEP choices
 * (cluster_choices.c) have files of their own. */
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "date.h"
#include "ical.h"
#include "partners.h"
#include "scheduler.h"

static struct scheduler *sch_of(const struct api_call *call)
{
	return ((struct service *)call->service)->impl;
}

static const char *sch_actor(const struct api_call *call)
{
	return call->actor && call->actor[0] ? call->actor : "unknown";
}

int sch_replan(struct api_call *call, const char *cause)
{
	struct sch_plan_summary sum;
	return scheduler_plan(sch_of(call), call->txn, true, false, cause, sch_actor(call),
			      call->arena, &sum, &call->status);
}

static bool sch_role_defined(const struct scheduler *s, int role)
{
	return role > 0 && role < ENTITLEMENT_ROLES && s->policy.roles[role].defined;
}

static int sch_role_check(struct api_call *call, int role)
{
	if (!sch_role_defined(sch_of(call), role))
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "role %d is not one of the policy's roles", role);
	return 0;
}

/* ---- partners ---- */

static int sch_partner_allocations(struct api_call *call, const char *id,
				   N2gg__V1__PartnerReply *reply)
{
	N2gg__V1__Allocation **all;
	size_t n, cap = 0;
	int rc = sch_store_all(sch_of(call), call->txn, SCH_DB_ALLOCATIONS,
			       &n2gg__v1__allocation__descriptor, call->arena, (void ***)&all, &n,
			       &call->status);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (strcmp(all[i]->partner_id, id) != 0)
			continue;
		reply->allocations = arena_grow(call->arena, reply->allocations,
						reply->n_allocations, &cap,
						sizeof *reply->allocations);
		reply->allocations[reply->n_allocations++] = all[i];
		reply->days_allocated += all[i]->days;
	}
	return rc;
}

static int sch_reply_partner(struct api_call *call, N2gg__V1__Partner *p)
{
	N2gg__V1__PartnerReply *reply = arena_message(call->arena, &n2gg__v1__partner_reply__descriptor);
	reply->partner = p;
	call->reply = &reply->base;
	return sch_partner_allocations(call, p->id, reply);
}

/* Stores a partner and publishes it whole (partner.changed): followers such as the
 * dashboard keep each partner's capacity and contact from it, never from this store. */
static int sch_put_partner(struct api_call *call, N2gg__V1__Partner *p, struct arena *a)
{
	p->updated_by = (char *)sch_actor(call);
	p->updated_unix_ms = date_now_ms();
	int rc = sch_store_put_partner(sch_of(call), call->txn, p, a, &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__PartnerChanged ev = N2GG__V1__PARTNER_CHANGED__INIT;
	ev.partner = p;
	return eventlog_append(call->log, call->txn, "partner.changed", sch_actor(call), &ev.base,
			       NULL, &call->status);
}

static int sch_save_partner(struct api_call *call, N2gg__V1__Partner *p, const char *cause)
{
	int rc = sch_put_partner(call, p, call->arena);
	return rc < 0 ? rc : sch_replan(call, cause);
}

static int sch_add_partner(struct api_call *call)
{
	const N2gg__V1__PartnerRequest *req = call->body;
	if (!req->partner)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "no partner given");
	N2gg__V1__Partner *p = arena_message_copy(call->arena, &req->partner->base), *old;
	int rc = partners_check(p, call->arena, &call->status);
	if (rc < 0)
		return rc;
	if (sch_store_get_partner(sch_of(call), call->txn, p->id, call->arena, &old, NULL) == 0)
		return status_fail(&call->status, STATUS_ALREADY_EXISTS, "partner %s exists", p->id);
	p->active = 1;
	rc = sch_save_partner(call, p, arena_printf(call->arena, "partner %s added", p->id));
	return rc < 0 ? rc : sch_reply_partner(call, p);
}

static int sch_update_partner(struct api_call *call)
{
	const N2gg__V1__PartnerRequest *req = call->body;
	if (!req->partner)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "no partner given");
	N2gg__V1__Partner *p = arena_message_copy(call->arena, &req->partner->base), *old;
	int rc = partners_check(p, call->arena, &call->status);
	if (rc < 0)
		return rc;
	if (sch_store_get_partner(sch_of(call), call->txn, p->id, call->arena, &old, NULL) < 0)
		return status_fail(&call->status, STATUS_NOT_FOUND, "no partner %s", p->id);
	rc = sch_save_partner(call, p, arena_printf(call->arena, "partner %s changed", p->id));
	return rc < 0 ? rc : sch_reply_partner(call, p);
}

static int sch_known_partner(struct api_call *call, const char *id, N2gg__V1__Partner **p)
{
	if (sch_store_get_partner(sch_of(call), call->txn, id, call->arena, p, NULL) < 0)
		return status_fail(&call->status, STATUS_NOT_FOUND, "no partner \"%.60s\"", id);
	return 0;
}

static int sch_get_partner(struct api_call *call)
{
	const N2gg__V1__PartnerRequest *req = call->body;
	N2gg__V1__Partner *p;
	int rc = sch_known_partner(call, req->id, &p);
	return rc < 0 ? rc : sch_reply_partner(call, p);
}

static int sch_remove_partner(struct api_call *call)
{
	const N2gg__V1__PartnerRequest *req = call->body;
	N2gg__V1__Partner *p;
	int rc = sch_known_partner(call, req->id, &p);
	if (rc < 0)
		return rc;
	if (!p->active)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "partner %s has already left", p->id);
	p->active = 0;
	rc = sch_save_partner(call, p, arena_printf(call->arena, "partner %s left", p->id));
	return rc < 0 ? rc : sch_reply_partner(call, p);
}

static int sch_list_partners(struct api_call *call)
{
	const N2gg__V1__ListPartnersRequest *req = call->body;
	N2gg__V1__Partner **all;
	size_t n;
	int rc = sch_store_all(sch_of(call), call->txn, SCH_DB_PARTNERS,
			       &n2gg__v1__partner__descriptor, call->arena, (void ***)&all, &n,
			       &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__ListPartnersReply *reply =
		arena_message(call->arena, &n2gg__v1__list_partners_reply__descriptor);
	reply->partners = arena_alloc(call->arena, sizeof *reply->partners * (n + 1));
	for (size_t i = 0; i < n; i++) {
		bool role = !req->role;
		for (size_t r = 0; r < all[i]->n_roles && !role; r++)
			role = all[i]->roles[r] == req->role;
		if (role && (all[i]->active || req->include_inactive))
			reply->partners[reply->n_partners++] = all[i];
	}
	call->reply = &reply->base;
	return 0;
}

struct sch_import {
	struct api_call *call;
	bool header_seen;
	struct partners_header h;
	struct arena row;
	N2gg__V1__ImportPartnersReply *reply;
	size_t cap;
	int failed;
};

static int sch_import_reject(struct sch_import *im, size_t line, const char *why)
{
	N2gg__V1__ImportPartnersReply *r = im->reply;
	r->rejected++;
	N2gg__V1__Rejection *rej = arena_message(im->call->arena, &n2gg__v1__rejection__descriptor);
	rej->line = (uint32_t)line;
	rej->reason = arena_strdup(im->call->arena, why);
	r->rejections = arena_grow(im->call->arena, r->rejections, r->n_rejections, &im->cap,
				   sizeof *r->rejections);
	r->rejections[r->n_rejections++] = rej;
	return 0;
}

static int sch_import_row(void *ctx, const struct csvread_record *rec)
{
	struct sch_import *im = ctx;
	struct api_call *call = im->call;
	struct status st;
	if (!im->header_seen) {
		im->header_seen = true;
		if (partners_header_parse(rec, &im->h, &call->status) < 0)
			return im->failed = -STATUS_INVALID_ARGUMENT;
		return 0;
	}
	arena_reset(&im->row);
	N2gg__V1__Partner *p, *old;
	if (partners_row(&im->h, rec, &im->row, &p, &st) < 0)
		return sch_import_reject(im, rec->line, st.message);
	const N2gg__V1__ImportPartnersRequest *req = call->body;
	bool exists = sch_store_get_partner(sch_of(call), call->txn, p->id, &im->row, &old, NULL) == 0;
	if (exists && partners_same(old, p, &im->row)) {
		im->reply->unchanged++;
		return 0;
	}
	exists ? im->reply->updated++ : im->reply->created++;
	if (req->dry_run)
		return 0;
	int rc = sch_put_partner(call, p, &im->row);
	return rc < 0 ? (im->failed = rc) : 0;
}

static int sch_import_partners(struct api_call *call)
{
	const N2gg__V1__ImportPartnersRequest *req = call->body;
	struct sch_import im = {.call = call};
	im.reply = arena_message(call->arena, &n2gg__v1__import_partners_reply__descriptor);
	arena_init(&im.row);
	int rc = csvread_parse((const char *)req->data.data, req->data.len, CSVREAD_AUTO,
			       sch_import_row, &im, &call->status);
	arena_free(&im.row);
	if (rc < 0 || im.failed < 0)
		return im.failed < 0 ? im.failed : rc;
	if (!im.header_seen)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "%s is empty: no header row", req->file_name);
	if (!req->dry_run && (im.reply->created || im.reply->updated) &&
	    (rc = sch_replan(call, arena_printf(call->arena, "partners imported from %s",
						req->file_name))) < 0)
		return rc;
	call->reply = &im.reply->base;
	return 0;
}

/* ---- plans ---- */

static int sch_run_allocation(struct api_call *call)
{
	const N2gg__V1__RunAllocationRequest *req = call->body;
	struct sch_plan_summary sum;
	int rc = scheduler_plan(sch_of(call), call->txn, false, req->dry_run, "allocation run",
				sch_actor(call), call->arena, &sum, &call->status);
	if (rc < 0)
		return rc;
	struct scheduler *s = sch_of(call);
	N2gg__V1__PlanReply *reply = arena_message(call->arena, &n2gg__v1__plan_reply__descriptor);
	reply->roles = arena_alloc(call->arena, sizeof *reply->roles * ENTITLEMENT_ROLES);
	for (int i = 0; i < s->policy.order_count; i++) {
		int role = s->policy.order[i];
		const struct planner_role_stats *st = &sum.stats[role];
		N2gg__V1__RoleSummary *r = arena_message(call->arena, &n2gg__v1__role_summary__descriptor);
		r->role = (N2gg__V1__Role)role;
		r->entitled = st->entitled;
		r->served = st->served;
		r->unserved = st->unserved;
		r->objective = st->objective;
		r->cost_pence = st->cost_pence;
		r->days = st->days;
		r->gap = st->gap;
		r->solve_ms = sum.ms;
		reply->roles[reply->n_roles++] = r;
	}
	reply->unserved = sum.unserved;
	reply->n_unserved = sum.n_unserved;
	reply->changed = sum.changed;
	reply->visits = sum.visits;
	reply->visits_unplaced = sum.visits_unplaced;
	call->reply = &reply->base;
	return 0;
}

static int sch_allocations_reply(struct api_call *call, bool (*keep)(const N2gg__V1__Allocation *,
								    const void *),
				 const void *ctx)
{
	N2gg__V1__Allocation **all;
	size_t n;
	int rc = sch_store_all(sch_of(call), call->txn, SCH_DB_ALLOCATIONS,
			       &n2gg__v1__allocation__descriptor, call->arena, (void ***)&all, &n,
			       &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__AllocationsReply *reply =
		arena_message(call->arena, &n2gg__v1__allocations_reply__descriptor);
	reply->allocations = arena_alloc(call->arena, sizeof *reply->allocations * (n + 1));
	for (size_t i = 0; i < n; i++)
		if (keep(all[i], ctx))
			reply->allocations[reply->n_allocations++] = all[i];
	call->reply = &reply->base;
	return 0;
}

struct sch_school_filter {
	uint32_t urn;
	const char *cluster_id;
};

static bool sch_of_school(const N2gg__V1__Allocation *al, const void *ctx)
{
	const struct sch_school_filter *f = ctx;
	return al->urn ? al->urn == f->urn : strcmp(al->cluster_id, f->cluster_id) == 0;
}

static int sch_get_allocation(struct api_call *call)
{
	const N2gg__V1__GetAllocationRequest *req = call->body;
	N2gg__V1__SchedulerSchool *sc;
	if (sch_store_get_school(sch_of(call), call->txn, req->urn, call->arena, &sc, NULL) < 0)
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no school with URN %u in the scheduler", req->urn);
	struct sch_school_filter f = {req->urn, sc->cluster_id[0] ? sc->cluster_id : "\x01"};
	return sch_allocations_reply(call, sch_of_school, &f);
}

static bool sch_list_filter(const N2gg__V1__Allocation *al, const void *ctx)
{
	const N2gg__V1__ListAllocationsRequest *req = ctx;
	return (!req->role || al->role == req->role) &&
	       (!req->partner_id[0] || strcmp(al->partner_id, req->partner_id) == 0) &&
	       (!req->cluster_id[0] || strcmp(al->cluster_id, req->cluster_id) == 0) &&
	       (!req->unserved_only || !al->partner_id[0]);
}

static int sch_list_allocations(struct api_call *call)
{
	return sch_allocations_reply(call, sch_list_filter, call->body);
}

/* ---- pins ---- */

static int sch_pin_target(struct api_call *call, const N2gg__V1__PinRequest *req, int role,
			  N2gg__V1__Allocation **al, uint8_t *key, size_t *klen)
{
	struct scheduler *s = sch_of(call);
	bool cep = s->policy.roles[role].per_cluster;
	if (cep ? !req->cluster_id[0] : !req->urn)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   cep ? "a CEP is pinned to a cluster: give cluster_id"
				       : "give the school's URN");
	*klen = sch_allocation_key(role, cep ? 0 : req->urn, req->cluster_id, key, 64);
	if (sch_store_get(s, call->txn, SCH_DB_ALLOCATIONS, key, *klen,
			  &n2gg__v1__allocation__descriptor, call->arena, (void **)al, NULL) < 0)
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no %s allocation for %s %s: the school or cluster is not entitled "
				   "to the role", entitlement_role_name(role), cep ? "cluster" : "URN",
				   cep ? req->cluster_id : arena_printf(call->arena, "%u", req->urn));
	return 0;
}

void sch_pin_days(const struct planner_input *in, int role, const N2gg__V1__Allocation *al,
		  int pi, unsigned *needed, unsigned *used)
{
	int si = al->urn ? scheduler_school_index(in, al->urn) : -1;
	/* what the role needs, whatever the allocation says now (0 days while unserved) */
	*needed = planner_days_needed(in, role, si, al->cluster_id);
	*used = 0;
	for (size_t i = 0; i < in->n_current; i++)
		if (in->current[i].partner == pi &&
		    !(in->current[i].role == role && in->current[i].school == si &&
		      (si >= 0 || strcmp(in->current[i].cluster_id, al->cluster_id) == 0)))
			*used += in->current[i].days;
}

int sch_pin_partner(struct api_call *call, const struct planner_input *in, int role,
		    N2gg__V1__Allocation *al, const N2gg__V1__Partner *p, const char *reason,
		    N2gg__V1__AllocationBasis basis, const char *cause)
{
	struct scheduler *s = sch_of(call);
	int si = al->urn ? scheduler_school_index(in, al->urn) : -1;
	int pi = scheduler_partner_index(in, p->id), rc;
	const char *why = entitlement_exclusion(&s->policy, role, si >= 0 ? &in->schools[si] : NULL,
						al->cluster_id, &in->partners[pi]);
	if (why)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "the pin breaks a hard rule: %s %s", p->id, why);
	unsigned needed, used;
	sch_pin_days(in, role, al, pi, &needed, &used);
	if (used + needed > p->capacity_days)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "the pin breaks a hard rule: %s has %u of %u days left, %u needed",
				   p->id, p->capacity_days - (used < p->capacity_days ? used : p->capacity_days),
				   p->capacity_days, needed);
	al->days = needed;
	al->distance_km = si >= 0 ? entitlement_distance_m(in->schools[si].easting,
							   in->schools[si].northing, p->easting,
							   p->northing) / 1000.0
				  : al->distance_km;
	const char *previous = al->partner_id;
	al->partner_id = p->id;
	al->partner_name = p->name;
	al->partner_email = p->email;
	al->partner_phone = p->phone;
	al->pinned = 1;
	al->reason = (char *)reason;
	al->basis = basis;
	if (si < 0)   /* a CEP: the letter to the chair says whose choice it is */
		sch_choice_mark(s, al, sch_choice_get(s, call->txn, al->cluster_id, call->arena),
				call->arena);
	uint8_t key[64];
	size_t klen = sch_allocation_key(role, al->urn, al->cluster_id, key, sizeof key);
	if ((rc = sch_store_put(s, call->txn, SCH_DB_ALLOCATIONS, key, klen, &al->base, call->arena,
				&call->status)) < 0)
		return rc;
	if (strcmp(previous, p->id) == 0)
		return 0;
	N2gg__V1__AllocationChanged ev = N2GG__V1__ALLOCATION_CHANGED__INIT;
	ev.allocation = al;
	ev.previous_partner_id = (char *)previous;
	ev.cause = (char *)cause;
	return eventlog_append(call->log, call->txn, "allocation.changed", sch_actor(call),
			       &ev.base, NULL, &call->status);
}

static int sch_pin(struct api_call *call)
{
	const N2gg__V1__PinRequest *req = call->body;
	struct scheduler *s = sch_of(call);
	int role = req->role, rc;
	N2gg__V1__Allocation *al;
	N2gg__V1__Partner *p;
	uint8_t key[64];
	size_t klen = 0;
	struct planner_input in;
	if ((rc = sch_role_check(call, role)) < 0 ||
	    (rc = sch_pin_target(call, req, role, &al, key, &klen)) < 0 ||
	    (rc = sch_known_partner(call, req->partner_id, &p)) < 0 ||
	    (rc = scheduler_plan_input(s, call->txn, call->arena, &in, &call->status)) < 0)
		return rc;
	const char *reason = arena_printf(call->arena, "pinned by %s%s%s", sch_actor(call),
					  req->reason[0] ? ": " : "", req->reason);
	if ((rc = sch_pin_partner(call, &in, role, al, p, reason,
				  N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_CHOSEN_BY_LA,
				  "pinned")) < 0 ||
	    (rc = sch_replan(call, "a pin")) < 0)
		return rc;
	struct sch_school_filter f = {al->urn, al->cluster_id};
	return sch_allocations_reply(call, sch_of_school, &f);
}

static int sch_unpin(struct api_call *call)
{
	const N2gg__V1__PinRequest *req = call->body;
	int role = req->role, rc;
	N2gg__V1__Allocation *al;
	uint8_t key[64];
	size_t klen = 0;
	if ((rc = sch_role_check(call, role)) < 0 ||
	    (rc = sch_pin_target(call, req, role, &al, key, &klen)) < 0)
		return rc;
	if (!al->pinned)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION, "it is not pinned");
	al->pinned = 0;
	al->reason = "was pinned; kept while it holds";   /* still the LA's choice (basis) */
	if ((rc = sch_store_put(sch_of(call), call->txn, SCH_DB_ALLOCATIONS, key, klen, &al->base,
				call->arena, &call->status)) < 0 ||
	    (rc = sch_replan(call, "a pin removed")) < 0)
		return rc;
	struct sch_school_filter f = {al->urn, al->cluster_id};
	return sch_allocations_reply(call, sch_of_school, &f);
}

/* ---- explanations ---- */

static int cmp_candidate(const void *x, const void *y)
{
	const N2gg__V1__Candidate *a = *(N2gg__V1__Candidate *const *)x,
				  *b = *(N2gg__V1__Candidate *const *)y;
	bool ea = a->excluded_by[0], eb = b->excluded_by[0];
	if (ea != eb)
		return ea - eb;
	if (a->cost_delta != b->cost_delta)
		return a->cost_delta < b->cost_delta ? -1 : 1;
	return strcmp(a->partner_id, b->partner_id);
}

static N2gg__V1__Explanation *sch_explain_one(struct api_call *call,
					      const struct planner_input *in,
					      N2gg__V1__Allocation *al)
{
	struct scheduler *s = sch_of(call);
	struct arena *a = call->arena;
	struct planner_allocation chosen = {
		.role = al->role, .school = al->urn ? scheduler_school_index(in, al->urn) : -1,
		.cluster_id = al->cluster_id,
		.partner = al->partner_id[0] ? scheduler_partner_index(in, al->partner_id) : -1};
	struct planner_candidate *cands;
	size_t n;
	planner_explain(in, &chosen, a, &cands, &n);
	N2gg__V1__Explanation *e = arena_message(a, &n2gg__v1__explanation__descriptor);
	e->allocation = al;
	e->why = al->partner_id[0]
			 ? arena_printf(a, "%s (%.1f km away): %s. Cost terms: %.1f km x %lld per "
					   "km%s; the plan as a whole minimises the sum of these, "
					   "plus %lld per further school a partner takes.",
					al->partner_name, al->distance_km, al->reason, al->distance_km,
					(long long)s->policy.travel_per_km,
					al->pinned ? "; pinned" : "", (long long)s->policy.load)
			 : arena_printf(a, "Not served: %s.", al->reason);
	e->candidates = arena_alloc(a, sizeof *e->candidates * (n + 1));
	for (size_t i = 0; i < n; i++) {
		N2gg__V1__Candidate *c = arena_message(a, &n2gg__v1__candidate__descriptor);
		c->partner_id = (char *)in->partners[cands[i].partner].id;
		c->partner_name = (char *)in->partners[cands[i].partner].name;
		c->excluded_by = (char *)(cands[i].excluded_by ? cands[i].excluded_by : "");
		c->cost = cands[i].cost;
		c->cost_delta = cands[i].delta;
		c->distance_km = cands[i].distance_km;
		c->terms = cands[i].excluded_by
				   ? ""
				   : arena_printf(a, "%.1f km: cost %lld, %lld more than the chosen "
						     "partner's (or its days went to schools where it "
						     "saves more)",
						  cands[i].distance_km, (long long)cands[i].cost,
						  (long long)cands[i].delta);
		e->candidates[e->n_candidates++] = c;
	}
	qsort(e->candidates, e->n_candidates, sizeof *e->candidates, cmp_candidate);
	return e;
}

static int sch_explain(struct api_call *call)
{
	const N2gg__V1__ExplainRequest *req = call->body;
	struct scheduler *s = sch_of(call);
	N2gg__V1__SchedulerSchool *sc = NULL;
	if (req->urn && sch_store_get_school(s, call->txn, req->urn, call->arena, &sc, NULL) < 0)
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no school with URN %u in the scheduler", req->urn);
	struct planner_input in;
	int rc = scheduler_plan_input(s, call->txn, call->arena, &in, &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__ExplainReply *reply = arena_message(call->arena, &n2gg__v1__explain_reply__descriptor);
	reply->explanations = arena_alloc(call->arena, sizeof *reply->explanations * ENTITLEMENT_ROLES * 2);
	N2gg__V1__Allocation **all;
	size_t n;
	if ((rc = sch_store_all(s, call->txn, SCH_DB_ALLOCATIONS, &n2gg__v1__allocation__descriptor,
				call->arena, (void ***)&all, &n, &call->status)) < 0)
		return rc;
	const char *cluster = req->cluster_id[0] ? req->cluster_id : sc ? sc->cluster_id : "";
	for (size_t i = 0; i < n && reply->n_explanations < ENTITLEMENT_ROLES * 2; i++) {
		N2gg__V1__Allocation *al = all[i];
		bool mine = al->urn ? al->urn == req->urn : cluster[0] && !strcmp(al->cluster_id, cluster);
		if (mine && (!req->role || al->role == req->role))
			reply->explanations[reply->n_explanations++] = sch_explain_one(call, &in, al);
	}
	if (!reply->n_explanations)
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no allocation to explain for %s%s", req->urn ? "URN " : "cluster ",
				   req->urn ? arena_printf(call->arena, "%u", req->urn) : cluster);
	call->reply = &reply->base;
	return 0;
}

/* ---- visits, calendars, budget ---- */

static int sch_visits_of(struct api_call *call, const char *partner_id, uint32_t urn,
			 N2gg__V1__Visit ***out, size_t *n)
{
	N2gg__V1__Visit **all;
	size_t count;
	int rc = sch_store_all(sch_of(call), call->txn, SCH_DB_VISITS, &n2gg__v1__visit__descriptor,
			       call->arena, (void ***)&all, &count, &call->status);
	if (rc < 0)
		return rc;
	*n = 0;
	for (size_t i = 0; i < count; i++)
		if ((!partner_id[0] || strcmp(all[i]->partner_id, partner_id) == 0) &&
		    (!urn || all[i]->urn == urn))
			all[(*n)++] = all[i];
	*out = all;
	return 0;
}

static int cmp_visit_date(const void *x, const void *y)
{
	const N2gg__V1__Visit *a = *(N2gg__V1__Visit *const *)x, *b = *(N2gg__V1__Visit *const *)y;
	int c = strcmp(a->date, b->date);
	return c ? c : strcmp(a->id, b->id);
}

static int sch_list_visits(struct api_call *call)
{
	const N2gg__V1__ListVisitsRequest *req = call->body;
	N2gg__V1__ListVisitsReply *reply =
		arena_message(call->arena, &n2gg__v1__list_visits_reply__descriptor);
	size_t n;
	int rc = sch_visits_of(call, req->partner_id, req->urn, &reply->visits, &n);
	if (rc < 0)
		return rc;
	if (n > 1)   /* none: the store hands out NULL, which qsort must not see */
		qsort(reply->visits, n, sizeof *reply->visits, cmp_visit_date);
	reply->n_visits = n;
	call->reply = &reply->base;
	return 0;
}

static int sch_partner_calendar(struct api_call *call)
{
	const N2gg__V1__PartnerCalendarRequest *req = call->body;
	struct scheduler *s = sch_of(call);
	N2gg__V1__Partner *p;
	N2gg__V1__Visit **visits;
	size_t n;
	int rc;
	if ((rc = sch_known_partner(call, req->partner_id, &p)) < 0 ||
	    (rc = sch_visits_of(call, p->id, 0, &visits, &n)) < 0)
		return rc;
	if (n > 1)
		qsort(visits, n, sizeof *visits, cmp_visit_date);
	struct visits_visit *vv = arena_alloc(call->arena, sizeof *vv * (n + 1));
	struct ical_school *schools = arena_alloc(call->arena, sizeof *schools * (n + 1));
	for (size_t i = 0; i < n; i++) {
		N2gg__V1__SchedulerSchool *sc = NULL;
		sch_store_get_school(s, call->txn, visits[i]->urn, call->arena, &sc, NULL);
		int day = 0;
		date_parse(visits[i]->date, &day);
		vv[i] = (struct visits_visit){
			visits[i]->urn, 0,
			strcmp(visits[i]->kind, "annual_conversation") == 0 ? VISITS_ANNUAL
									     : VISITS_MONITORING,
			(int)visits[i]->half_term, day, false, false};
		schools[i] = (struct ical_school){visits[i]->urn, visits[i]->school_name,
						  sc ? sc->address : NULL};
	}
	struct ical_request ir = {(int)s->calendar.year, 0, p->name, vv, (int)n, schools, (int)n,
				  (time_t)(date_now_ms() / 1000)};
	char *ics;
	if ((rc = ical_export(&ir, &ics, &call->status)) < 0)
		return rc;
	N2gg__V1__PartnerCalendarReply *reply =
		arena_message(call->arena, &n2gg__v1__partner_calendar_reply__descriptor);
	reply->ics.len = strlen(ics);
	reply->ics.data = (uint8_t *)arena_strdup(call->arena, ics);
	free(ics);
	call->reply = &reply->base;
	return 0;
}

static N2gg__V1__BudgetLine *sch_budget_line(struct api_call *call, N2gg__V1__BudgetReply *reply,
					     size_t *cap, int role, const char *cluster)
{
	for (size_t i = 0; i < reply->n_lines; i++)
		if ((int)reply->lines[i]->role == role && strcmp(reply->lines[i]->cluster_id, cluster) == 0)
			return reply->lines[i];
	N2gg__V1__BudgetLine *l = arena_message(call->arena, &n2gg__v1__budget_line__descriptor);
	l->role = (N2gg__V1__Role)role;
	l->cluster_id = (char *)cluster;
	if (!cluster[0])
		l->budget_pence = sch_of(call)->policy.roles[role].budget_pence;
	reply->lines = arena_grow(call->arena, reply->lines, reply->n_lines, cap, sizeof *reply->lines);
	reply->lines[reply->n_lines++] = l;
	return l;
}

static int sch_budget(struct api_call *call)
{
	struct scheduler *s = sch_of(call);
	N2gg__V1__Allocation **all;
	size_t n, cap = 0;
	int rc = sch_store_all(s, call->txn, SCH_DB_ALLOCATIONS, &n2gg__v1__allocation__descriptor,
			       call->arena, (void ***)&all, &n, &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__BudgetReply *reply = arena_message(call->arena, &n2gg__v1__budget_reply__descriptor);
	for (int i = 0; i < s->policy.order_count; i++)   /* the role totals first, in order */
		sch_budget_line(call, reply, &cap, s->policy.order[i], "");
	for (size_t i = 0; i < n; i++) {
		if (!all[i]->partner_id[0])
			continue;
		N2gg__V1__BudgetLine *lines[2] = {sch_budget_line(call, reply, &cap, all[i]->role, ""),
						  sch_budget_line(call, reply, &cap, all[i]->role,
								  all[i]->cluster_id)};
		const struct entitlement_rule *rule = &s->policy.roles[all[i]->role];
		unsigned schools = all[i]->urn ? 1
				 : rule->days_per_school && all[i]->days >= rule->days_per_cluster
					 ? (all[i]->days - rule->days_per_cluster) / rule->days_per_school
					 : 0;   /* a CEP: its cluster's schools */
		for (int k = 0; k < 2; k++) {
			lines[k]->schools += schools;
			lines[k]->days += all[i]->days;
			lines[k]->cost_pence += all[i]->cost_pence;
		}
	}
	call->reply = &reply->base;
	return 0;
}

/* ---- capacity ---- */

/* Each active partner (taking `role`, when one is asked for): its days in all, and in each
 * role it serves in, as the plan in force has them. */
static void sch_capacity_partners(const struct planner_input *in, const unsigned *used, int role,
				  struct arena *a, N2gg__V1__PartnerCapacityReply *reply)
{
	size_t np = in->n_partners;
	unsigned (*days)[ENTITLEMENT_ROLES] = arena_zalloc(a, sizeof *days * (np + 1));
	unsigned (*places)[ENTITLEMENT_ROLES] = arena_zalloc(a, sizeof *places * (np + 1));
	for (size_t i = 0; i < in->n_current; i++) {
		const struct planner_allocation *c = &in->current[i];
		if (c->partner >= 0 && c->role > 0 && c->role < ENTITLEMENT_ROLES) {
			days[c->partner][c->role] += c->days;
			places[c->partner][c->role]++;
		}
	}
	reply->partners = arena_alloc(a, sizeof *reply->partners * (np + 1));
	for (size_t p = 0; p < np; p++) {
		const struct plan_partner *pp = &in->partners[p];
		if (!pp->active || (role && !(pp->roles & (1u << role))))
			continue;
		N2gg__V1__PartnerLoad *l = arena_message(a, &n2gg__v1__partner_load__descriptor);
		l->partner_id = (char *)pp->id;
		l->partner_name = (char *)pp->name;
		l->capacity_days = pp->capacity_days;
		l->days_allocated = used[p];
		l->days_free = (int32_t)pp->capacity_days - (int32_t)used[p];
		l->roles = arena_alloc(a, sizeof *l->roles * ENTITLEMENT_ROLES);
		l->by_role = arena_alloc(a, sizeof *l->by_role * ENTITLEMENT_ROLES);
		for (int r = 1; r < ENTITLEMENT_ROLES; r++) {
			if (pp->roles & (1u << r))
				l->roles[l->n_roles++] = (N2gg__V1__Role)r;
			if (!places[p][r])
				continue;
			N2gg__V1__RoleDays *rd = arena_message(a, &n2gg__v1__role_days__descriptor);
			rd->role = (N2gg__V1__Role)r;
			rd->days = days[p][r];
			rd->places = places[p][r];
			l->by_role[l->n_by_role++] = rd;
		}
		reply->partners[reply->n_partners++] = l;
	}
}

/* An unserved place, with the partners the hard rules would let take it. */
static N2gg__V1__UnservedPlace *sch_capacity_place(const struct planner_input *in,
						  const unsigned *used, N2gg__V1__Allocation *al,
						  struct arena *a)
{
	int school = al->urn ? scheduler_school_index(in, al->urn) : -1;
	struct planner_capable *cap;
	size_t n;
	N2gg__V1__UnservedPlace *u = arena_message(a, &n2gg__v1__unserved_place__descriptor);
	u->allocation = al;
	u->days_needed = planner_days_needed(in, al->role, school, al->cluster_id);
	planner_capable(in, al->role, school, al->cluster_id, used, a, &cap, &n, &u->excluded);
	u->candidates = arena_alloc(a, sizeof *u->candidates * (n + 1));
	for (size_t i = 0; i < n; i++) {
		N2gg__V1__CapableCandidate *c =
			arena_message(a, &n2gg__v1__capable_candidate__descriptor);
		c->partner_id = (char *)in->partners[cap[i].partner].id;
		c->partner_name = (char *)in->partners[cap[i].partner].name;
		c->days_free = cap[i].days_free;
		c->days_short = cap[i].days_short;
		c->distance_km = cap[i].distance_km;
		u->candidates[u->n_candidates++] = c;
	}
	return u;
}

static int sch_partner_capacity(struct api_call *call)
{
	const N2gg__V1__PartnerCapacityRequest *req = call->body;
	struct scheduler *s = sch_of(call);
	int role = req->role, rc;
	struct planner_input in;
	N2gg__V1__Allocation **all;
	size_t n;
	if ((role && (rc = sch_role_check(call, role)) < 0) ||
	    (rc = scheduler_plan_input(s, call->txn, call->arena, &in, &call->status)) < 0 ||
	    (rc = sch_store_all(s, call->txn, SCH_DB_ALLOCATIONS, &n2gg__v1__allocation__descriptor,
				call->arena, (void ***)&all, &n, &call->status)) < 0)
		return rc;
	N2gg__V1__PartnerCapacityReply *reply =
		arena_message(call->arena, &n2gg__v1__partner_capacity_reply__descriptor);
	unsigned *used = planner_days_used(&in, call->arena);
	sch_capacity_partners(&in, used, role, call->arena, reply);
	reply->unserved = arena_alloc(call->arena, sizeof *reply->unserved * (n + 1));
	for (size_t i = 0; i < n; i++)
		if (!all[i]->partner_id[0] && (!role || (int)all[i]->role == role) &&
		    sch_role_defined(s, all[i]->role))
			reply->unserved[reply->n_unserved++] =
				sch_capacity_place(&in, used, all[i], call->arena);
	call->reply = &reply->base;
	return 0;
}

const struct api_method scheduler_methods[] = {
	{"AddPartner", &n2gg__v1__partner_request__descriptor, sch_add_partner, true, ROLE_OFFICER},
	{"UpdatePartner", &n2gg__v1__partner_request__descriptor, sch_update_partner, true, ROLE_OFFICER},
	{"RemovePartner", &n2gg__v1__partner_request__descriptor, sch_remove_partner, true, ROLE_OFFICER},
	{"GetPartner", &n2gg__v1__partner_request__descriptor, sch_get_partner, false, ROLE_READER},
	{"ListPartners", &n2gg__v1__list_partners_request__descriptor, sch_list_partners, false, ROLE_READER},
	{"ImportPartners", &n2gg__v1__import_partners_request__descriptor, sch_import_partners, true, ROLE_IMPORTER},
	{"RunAllocation", &n2gg__v1__run_allocation_request__descriptor, sch_run_allocation, true, ROLE_OFFICER},
	{"GetAllocation", &n2gg__v1__get_allocation_request__descriptor, sch_get_allocation, false, ROLE_READER},
	{"ListAllocations", &n2gg__v1__list_allocations_request__descriptor, sch_list_allocations,
	 false, ROLE_READER},
	{"Pin", &n2gg__v1__pin_request__descriptor, sch_pin, true, ROLE_OFFICER},
	{"Unpin", &n2gg__v1__pin_request__descriptor, sch_unpin, true, ROLE_OFFICER},
	{"ExplainAllocation", &n2gg__v1__explain_request__descriptor, sch_explain, false, ROLE_READER},
	{"ListVisits", &n2gg__v1__list_visits_request__descriptor, sch_list_visits, false, ROLE_READER},
	{"PartnerCalendar", &n2gg__v1__partner_calendar_request__descriptor, sch_partner_calendar,
	 false, ROLE_READER},
	{"Budget", &n2gg__v1__budget_request__descriptor, sch_budget, false, ROLE_READER},
	{"SetClusterChoice", &n2gg__v1__set_cluster_choice_request__descriptor,
	 sch_set_cluster_choice, true, ROLE_OFFICER},
	{"GetClusterChoice", &n2gg__v1__get_cluster_choice_request__descriptor,
	 sch_get_cluster_choice, false, ROLE_READER},
	{"ListClusterChoices", &n2gg__v1__list_cluster_choices_request__descriptor,
	 sch_list_cluster_choices, false, ROLE_READER},
	{"PartnerCapacity", &n2gg__v1__partner_capacity_request__descriptor, sch_partner_capacity,
	 false, ROLE_READER},
	/* a partner records through a gateway acting for them, or an officer for them */
	{"RecordVisitReport", &n2gg__v1__record_visit_report_request__descriptor,
	 sch_record_visit_report, true, ROLE_OFFICER},
	{"GetVisitReport", &n2gg__v1__get_visit_report_request__descriptor, sch_get_visit_report,
	 false, ROLE_READER},
	{"ListVisitReports", &n2gg__v1__list_visit_reports_request__descriptor,
	 sch_list_visit_reports, false, ROLE_READER},
};
const size_t scheduler_method_count = sizeof scheduler_methods / sizeof *scheduler_methods;
