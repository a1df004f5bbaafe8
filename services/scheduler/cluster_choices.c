/* cluster_choices: each cluster's choice for its Cluster Education Partner, through the API
 * (SetClusterChoice, GetClusterChoice, ListClusterChoices), and the plan that follows
 * Choice A's deadline. What a nominee must be is cluster_choice.c's to say; here the choice
 * is stored and announced (cluster.choice_recorded), an accepted nominee is pinned with the
 * pin's own checks and event, and the plan follows, all in the call's transaction: a refused
 * choice changes nothing. */
#include <string.h>

#include "cluster_choice.h"
#include "date.h"
#include "log.h"
#include "scheduler.h"

/* How often the day is looked at, for the plan after the deadline. */
#define CC_CHECK_MS (3600 * 1000)
#define CC_KEY_MAX 64

static struct scheduler *cc_scheduler(const struct api_call *call)
{
	return ((struct service *)call->service)->impl;
}

static const char *cc_actor(const struct api_call *call)
{
	return call->actor && call->actor[0] ? call->actor : "unknown";
}

static char *cc_iso(int day, struct arena *a)
{
	char iso[DATE_ISO_LEN];
	return arena_strdup(a, date_format(day, iso));
}

/* Choice A's deadline, the policy's, as ISO. */
static char *cc_deadline(const struct scheduler *s, struct arena *a)
{
	return cc_iso(s->policy.roles[ROLE_CEP].choice_deadline, a);
}

/* ---- the store ---- */

int sch_choices_all(struct scheduler *s, MDB_txn *txn, struct arena *a,
		    N2gg__V1__ClusterChoice ***out, size_t *n, struct status *st)
{
	return sch_store_all(s, txn, SCH_DB_CLUSTER_CHOICES, &n2gg__v1__cluster_choice__descriptor,
			     a, (void ***)out, n, st);
}

const N2gg__V1__ClusterChoice *sch_choice_find(N2gg__V1__ClusterChoice *const *all, size_t n,
					       const char *cluster_id)
{
	for (size_t i = 0; i < n; i++)   /* clusters are few */
		if (strcmp(all[i]->cluster_id, cluster_id) == 0)
			return all[i];
	return NULL;
}

N2gg__V1__ClusterChoice *sch_choice_get(struct scheduler *s, MDB_txn *txn,
					const char *cluster_id, struct arena *a)
{
	N2gg__V1__ClusterChoice *c = NULL;
	if (sch_store_get(s, txn, SCH_DB_CLUSTER_CHOICES, cluster_id, strlen(cluster_id),
			  &n2gg__v1__cluster_choice__descriptor, a, (void **)&c, NULL) < 0)
		return NULL;
	return c;
}

void sch_choice_mark(struct scheduler *s, N2gg__V1__Allocation *al,
		     const N2gg__V1__ClusterChoice *choice, struct arena *a)
{
	al->cep_choice_state = cluster_choice_state(
		&s->policy, choice ? choice->choice : N2GG__V1__CEP_CHOICE__CEP_CHOICE_UNKNOWN,
		choice ? choice->nominee_partner_id : "", scheduler_today(s), al->partner_id,
		al->pinned);
	al->cep_choice_deadline = choice ? cc_deadline(s, a) : "";
}

/* The cluster's CEP allocation, or NULL when it has not been planned. */
static N2gg__V1__Allocation *cc_allocation(struct scheduler *s, MDB_txn *txn,
					   const char *cluster_id, struct arena *a)
{
	uint8_t key[CC_KEY_MAX];
	size_t klen = sch_allocation_key(ROLE_CEP, 0, cluster_id, key, sizeof key);
	N2gg__V1__Allocation *al = NULL;
	if (sch_store_get(s, txn, SCH_DB_ALLOCATIONS, key, klen, &n2gg__v1__allocation__descriptor,
			  a, (void **)&al, NULL) < 0)
		return NULL;
	return al;
}

/* ---- replies ---- */

/* The cluster's choice as a reply shows it (`stored` NULL: none recorded), with where it
 * stands against its CEP allocation `al` (NULL: none). */
static N2gg__V1__ClusterChoice *cc_view(struct scheduler *s, MDB_txn *txn,
					const N2gg__V1__ClusterChoice *stored,
					const char *cluster_id, const N2gg__V1__Allocation *al,
					struct arena *a)
{
	N2gg__V1__ClusterChoice *v =
		stored ? arena_message_copy(a, &stored->base)
		       : arena_message(a, &n2gg__v1__cluster_choice__descriptor);
	v->cluster_id = (char *)cluster_id;
	v->deadline = cc_deadline(s, a);
	v->state = cluster_choice_state(&s->policy, v->choice, v->nominee_partner_id,
					scheduler_today(s), al ? al->partner_id : "",
					al && al->pinned);
	N2gg__V1__Partner *p;
	if (v->nominee_partner_id[0] &&
	    sch_store_get_partner(s, txn, v->nominee_partner_id, a, &p, NULL) == 0)
		v->nominee_name = p->name;
	if (al) {
		v->cep_partner_id = al->partner_id;
		v->cep_partner_name = al->partner_name;
	}
	return v;
}

static int cc_reply(struct api_call *call, const N2gg__V1__ClusterChoice *stored,
		    const char *cluster_id, bool changed)
{
	struct scheduler *s = cc_scheduler(call);
	N2gg__V1__ClusterChoiceReply *reply =
		arena_message(call->arena, &n2gg__v1__cluster_choice_reply__descriptor);
	reply->allocation = cc_allocation(s, call->txn, cluster_id, call->arena);
	reply->choice = cc_view(s, call->txn, stored, cluster_id, reply->allocation, call->arena);
	reply->changed = changed;
	call->reply = &reply->base;
	return 0;
}

/* ---- SetClusterChoice ---- */

static bool cc_cluster_known(const struct planner_input *in, const char *cluster_id)
{
	for (size_t i = 0; i < in->n_schools; i++)
		if (in->schools[i].open && in->schools[i].cluster_id &&
		    strcmp(in->schools[i].cluster_id, cluster_id) == 0)
			return true;
	return false;
}

static int cc_check_request(struct api_call *call, const N2gg__V1__SetClusterChoiceRequest *req)
{
	struct scheduler *s = cc_scheduler(call);
	if (!s->policy.roles[ROLE_CEP].defined)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "the entitlement policy in force has no CEP role");
	if (!req->cluster_id[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "cluster_id: required");
	if (req->choice != N2GG__V1__CEP_CHOICE__CEP_CHOICE_A &&
	    req->choice != N2GG__V1__CEP_CHOICE__CEP_CHOICE_B)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "choice %d: A (the cluster recruits its own CEP) or B (the LA "
				   "identifies one)",
				   (int)req->choice);
	if (req->choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_B && req->nominee_partner_id[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "Choice B names no nominee: the LA identifies the cluster's CEP");
	return 0;
}

/* Refuses a nominee the hard rules do not allow; else gives the allocation to pin (a new one
 * when the cluster has not been planned yet). */
static int cc_check_nominee(struct api_call *call, const struct planner_input *in,
			    const char *cluster_id, const N2gg__V1__Partner *p,
			    N2gg__V1__Allocation **al)
{
	struct scheduler *s = cc_scheduler(call);
	if (!*al) {
		*al = arena_message(call->arena, &n2gg__v1__allocation__descriptor);
		(*al)->role = N2GG__V1__ROLE__ROLE_CEP;
		(*al)->cluster_id = (char *)cluster_id;
		(*al)->year = s->policy.year;
	}
	int pi = scheduler_partner_index(in, p->id);
	unsigned needed, used;
	sch_pin_days(in, ROLE_CEP, *al, pi, &needed, &used);
	const char *why = cluster_choice_refusal(&s->policy, cluster_id, &in->partners[pi], needed,
						 p->capacity_days > used ? p->capacity_days - used : 0,
						 call->arena);
	if (why)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "Choice A refused: %s (%s) %s", p->name, p->id, why);
	return 0;
}

/* Stores the choice and announces it, with the deadline it was recorded against. */
static int cc_record(struct api_call *call, const N2gg__V1__SetClusterChoiceRequest *req,
		     const N2gg__V1__ClusterChoice *old, N2gg__V1__ClusterChoice **out)
{
	struct scheduler *s = cc_scheduler(call);
	N2gg__V1__ClusterChoice *now = arena_message(call->arena,
						     &n2gg__v1__cluster_choice__descriptor);
	now->cluster_id = req->cluster_id;
	now->choice = req->choice;
	now->nominee_partner_id = req->nominee_partner_id;
	now->recorded_by = (char *)cc_actor(call);
	now->recorded_unix_ms = date_now_ms();
	int rc = sch_store_put(s, call->txn, SCH_DB_CLUSTER_CHOICES, now->cluster_id,
			       strlen(now->cluster_id), &now->base, call->arena, &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__ClusterChoice *told = arena_message_copy(call->arena, &now->base);
	told->deadline = cc_deadline(s, call->arena);
	N2gg__V1__ClusterChoiceEvent ev = N2GG__V1__CLUSTER_CHOICE_EVENT__INIT;
	ev.choice = told;
	ev.previous = (N2gg__V1__ClusterChoice *)old;
	*out = now;
	return eventlog_append(call->log, call->txn, "cluster.choice_recorded", cc_actor(call),
			       &ev.base, NULL, &call->status);
}

/* The cluster no longer names the partner it pinned by its choice: the pin ends, and the
 * partner stays while the plan keeps them. */
static int cc_release(struct api_call *call, const N2gg__V1__ClusterChoice *old,
		      N2gg__V1__Allocation *al)
{
	if (!old || !old->nominee_partner_id[0] || !al || !al->pinned ||
	    strcmp(al->partner_id, old->nominee_partner_id) != 0)
		return 0;
	al->pinned = 0;
	al->reason = "was the cluster's own choice; kept while it holds";
	uint8_t key[CC_KEY_MAX];
	size_t klen = sch_allocation_key(ROLE_CEP, 0, al->cluster_id, key, sizeof key);
	return sch_store_put(cc_scheduler(call), call->txn, SCH_DB_ALLOCATIONS, key, klen,
			     &al->base, call->arena, &call->status);
}

int sch_set_cluster_choice(struct api_call *call)
{
	const N2gg__V1__SetClusterChoiceRequest *req = call->body;
	struct scheduler *s = cc_scheduler(call);
	struct arena *a = call->arena;
	const char *cluster = req->cluster_id;
	struct planner_input in;
	int rc;
	if ((rc = cc_check_request(call, req)) < 0 ||
	    (rc = scheduler_plan_input(s, call->txn, a, &in, &call->status)) < 0)
		return rc;
	if (!cc_cluster_known(&in, cluster))
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no cluster \"%.60s\" with open schools in the scheduler", cluster);
	N2gg__V1__ClusterChoice *old = sch_choice_get(s, call->txn, cluster, a), *now;
	if (old && old->choice == req->choice &&
	    strcmp(old->nominee_partner_id, req->nominee_partner_id) == 0)
		return cc_reply(call, old, cluster, false);
	bool choice_a = req->choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_A;
	int today = scheduler_today(s);
	if (choice_a && !cluster_choice_a_open(&s->policy, today))
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "Choice A closed at the end of %s (today is %s): the LA identifies "
				   "the CEP of cluster %s",
				   cc_deadline(s, a), cc_iso(today, a), cluster);
	N2gg__V1__Allocation *al = cc_allocation(s, call->txn, cluster, a);
	N2gg__V1__Partner *nominee = NULL;
	if (req->nominee_partner_id[0]) {
		if (sch_store_get_partner(s, call->txn, req->nominee_partner_id, a, &nominee,
					  NULL) < 0)
			return status_fail(&call->status, STATUS_NOT_FOUND, "no partner \"%.60s\"",
					   req->nominee_partner_id);
		if ((rc = cc_check_nominee(call, &in, cluster, nominee, &al)) < 0)
			return rc;
	}
	if ((rc = cc_record(call, req, old, &now)) < 0)
		return rc;
	if (nominee)
		rc = sch_pin_partner(call, &in, ROLE_CEP, al, nominee,
				     arena_printf(a, "the cluster's own choice (Choice A), recorded by %s",
						  cc_actor(call)),
				     N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_CLUSTER_CHOICE,
				     arena_printf(a, "pinned: cluster %s's own choice (Choice A)",
						  cluster));
	else
		rc = cc_release(call, old, al);
	if (rc < 0 ||
	    (rc = sch_replan(call, arena_printf(a, "cluster choice: %s Choice %s", cluster,
						choice_a ? "A" : "B"))) < 0)
		return rc;
	return cc_reply(call, now, cluster, true);
}

/* ---- GetClusterChoice, ListClusterChoices ---- */

int sch_get_cluster_choice(struct api_call *call)
{
	const N2gg__V1__GetClusterChoiceRequest *req = call->body;
	struct scheduler *s = cc_scheduler(call);
	if (!req->cluster_id[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "cluster_id: required");
	N2gg__V1__ClusterChoice *c = sch_choice_get(s, call->txn, req->cluster_id, call->arena);
	if (!c && !cc_allocation(s, call->txn, req->cluster_id, call->arena))
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no cluster \"%.60s\" in the scheduler", req->cluster_id);
	return cc_reply(call, c, req->cluster_id, false);
}

int sch_list_cluster_choices(struct api_call *call)
{
	struct scheduler *s = cc_scheduler(call);
	struct arena *a = call->arena;
	const uint8_t cep = ROLE_CEP;
	N2gg__V1__Allocation **ceps;
	N2gg__V1__ClusterChoice **choices;
	size_t nc, nch;
	int rc;
	if ((rc = sch_store_scan(s, call->txn, SCH_DB_ALLOCATIONS, &cep, 1,
				 &n2gg__v1__allocation__descriptor, a, (void ***)&ceps, &nc,
				 &call->status)) < 0 ||
	    (rc = sch_choices_all(s, call->txn, a, &choices, &nch, &call->status)) < 0)
		return rc;
	N2gg__V1__ListClusterChoicesReply *reply =
		arena_message(a, &n2gg__v1__list_cluster_choices_reply__descriptor);
	reply->choices = arena_alloc(a, sizeof *reply->choices * (nc + nch + 1));
	/* both by cluster id: every planned cluster, and any chosen one no longer planned */
	for (size_t i = 0, j = 0; i < nc || j < nch;) {
		int c = i == nc	    ? 1
			: j == nch  ? -1
				    : strcmp(ceps[i]->cluster_id, choices[j]->cluster_id);
		const N2gg__V1__Allocation *al = c <= 0 ? ceps[i++] : NULL;
		const N2gg__V1__ClusterChoice *ch = c >= 0 ? choices[j++] : NULL;
		reply->choices[reply->n_choices++] =
			cc_view(s, call->txn, ch, al ? al->cluster_id : ch->cluster_id, al, a);
	}
	reply->deadline = cc_deadline(s, a);
	reply->first_training_day = cc_iso(s->policy.roles[ROLE_CEP].first_training_day, a);
	reply->today = cc_iso(scheduler_today(s), a);
	call->reply = &reply->base;
	return 0;
}

/* ---- after the deadline ---- */

/* Plans when a Choice A cluster is still without its own CEP: the planner held it back until
 * the deadline, and now gives it to the solver. */
static int cc_deadline_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct scheduler *s = ctx;
	N2gg__V1__ClusterChoice **all;
	size_t n;
	int rc = sch_choices_all(s, txn, &s->arena, &all, &n, st);
	bool waiting = false;
	for (size_t i = 0; rc == 0 && i < n && !waiting; i++) {
		const N2gg__V1__Allocation *al = cc_allocation(s, txn, all[i]->cluster_id, &s->arena);
		waiting = all[i]->choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_A &&
			  (!al || !al->partner_id[0]);
	}
	if (rc < 0 || !waiting)
		return rc;
	struct sch_plan_summary sum;
	const char *cause = arena_printf(&s->arena, "Choice A closed on %s",
					 cc_deadline(s, &s->arena));
	rc = scheduler_plan(s, txn, true, false, cause, "scheduler", &s->arena, &sum, st);
	if (rc == 0)
		log_info("Choice A closed: clusters without their own CEP planned", "changed=%u",
			 sum.changed);
	return rc;
}

static void cc_tick(uv_timer_t *t)
{
	struct scheduler *s = t->data;
	if (s->choice_deadline_planned || !s->policy.roles[ROLE_CEP].defined ||
	    cluster_choice_a_open(&s->policy, scheduler_today(s)))
		return;
	struct status st;
	int rc = service_write(s->svc, cc_deadline_txn, s, &st);
	arena_reset(&s->arena);
	if (rc < 0) {
		log_error("the plan after Choice A's deadline failed; tried again within the hour",
			  "error=%s", log_str(st.message));
		return;
	}
	s->choice_deadline_planned = true;
	uv_timer_stop(t);
}

void sch_choice_watch(struct scheduler *s)
{
	uv_timer_init(&s->svc->loop, &s->choice_timer);
	s->choice_timer.data = s;
	uv_timer_start(&s->choice_timer, cc_tick, 0, CC_CHECK_MS);
}

void sch_choice_unwatch(struct scheduler *s)
{
	uv_timer_stop(&s->choice_timer);
	uv_close((uv_handle_t *)&s->choice_timer, NULL);
}
