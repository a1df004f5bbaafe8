/* handlers: the registry's API methods other than the file imports. Each validates its
 * request, reads and writes the store in the call's transaction and announces every change
 * as an event in that same transaction. */
#include <string.h>
#include <strings.h>

#include "date.h"
#include "importers.h"
#include "membership.h"
#include "registry.h"
#include "school.h"

const char *registry_actor(const struct api_call *call)
{
	return call->actor && call->actor[0] ? call->actor : "unknown";
}

int registry_emit(struct api_call *call, const char *topic, N2gg__V1__RegistryEvent *ev,
		  uint32_t urn)
{
	uint64_t seq;
	int rc = eventlog_append(call->log, call->txn, topic, registry_actor(call), &ev->base, &seq,
				 &call->status);
	if (rc < 0 || !urn)
		return rc;
	return registry_store_index_event(&registry_of(call)->rs, call->txn, urn, seq, &call->status);
}

int registry_save_school(struct api_call *call, N2gg__V1__School *school, const char *topic,
			 const char **changed, size_t changed_count)
{
	school->updated_by = (char *)registry_actor(call);
	school->updated_unix_ms = date_now_ms();
	int rc = registry_store_put_school(&registry_of(call)->rs, call->txn, school, call->arena,
					   &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__SchoolEvent se = N2GG__V1__SCHOOL_EVENT__INIT;
	se.school = school;
	se.changed_fields = (char **)changed;
	se.n_changed_fields = changed_count;
	N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
	ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_SCHOOL;
	ev.school = &se;
	return registry_emit(call, topic, &ev, school->urn);
}

static int registry_reply_school(struct api_call *call, N2gg__V1__School *school)
{
	N2gg__V1__SchoolReply *reply = arena_message(call->arena, &n2gg__v1__school_reply__descriptor);
	reply->school = school;
	call->reply = &reply->base;
	return 0;
}

/* ---- schools ---- */

static int registry_get_school(struct api_call *call)
{
	const N2gg__V1__GetSchoolRequest *req = call->body;
	struct registry *r = registry_of(call);
	N2gg__V1__GetSchoolReply *reply =
		arena_message(call->arena, &n2gg__v1__get_school_reply__descriptor);
	int rc;
	if ((rc = school_check_urn(req->urn, &call->status)) < 0 ||
	    (rc = registry_store_get_school(&r->rs, call->txn, req->urn, call->arena, &reply->school,
					    &call->status)) < 0 ||
	    (rc = registry_store_memberships(&r->rs, call->txn, req->urn, call->arena,
					     &reply->memberships, &reply->n_memberships,
					     &call->status)) < 0)
		return rc;
	if (req->as_of[0]) {
		int day;
		if (date_parse(req->as_of, &day) < 0)
			return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
					   "as-of date \"%s\" is not a date (YYYY-MM-DD)", req->as_of);
		reply->cluster_as_of = (char *)membership_cluster_on(reply->memberships,
								     reply->n_memberships, day);
	}
	call->reply = &reply->base;
	return 0;
}

struct registry_list {
	const N2gg__V1__ListSchoolsRequest *req;
	N2gg__V1__ListSchoolsReply *reply;
	size_t cap;
	struct arena *arena;
};

static int registry_list_one(void *ctx, N2gg__V1__School *s)
{
	struct registry_list *l = ctx;
	const N2gg__V1__ListSchoolsRequest *req = l->req;
	if (req->cluster_id[0] && strcmp(s->cluster_id, req->cluster_id) != 0)
		return 0;
	if (req->phase && s->phase != req->phase)
		return 0;
	if (req->status && s->status != req->status)
		return 0;
	if (req->name_prefix[0] && strncasecmp(s->name, req->name_prefix, strlen(req->name_prefix)))
		return 0;
	if (req->name_contains[0] && !strcasestr(s->name, req->name_contains))
		return 0;
	l->reply->total++;
	if (req->limit && l->reply->n_schools >= req->limit)
		return 0;
	l->reply->schools = arena_grow(l->arena, l->reply->schools, l->reply->n_schools, &l->cap,
				       sizeof *l->reply->schools);
	l->reply->schools[l->reply->n_schools++] = s;
	return 0;
}

static int registry_list_schools(struct api_call *call)
{
	const N2gg__V1__ListSchoolsRequest *req = call->body;
	struct registry *r = registry_of(call);
	struct registry_list l = {req, arena_message(call->arena, &n2gg__v1__list_schools_reply__descriptor),
				  0, call->arena};
	int rc;
	if (req->cluster_id[0]) {
		/* the cluster index avoids reading every school */
		N2gg__V1__Cluster *c;
		uint32_t *urns;
		size_t n;
		if ((rc = registry_store_get_cluster(&r->rs, call->txn, req->cluster_id, call->arena, &c,
						     &call->status)) < 0 ||
		    (rc = registry_store_cluster_members(&r->rs, call->txn, req->cluster_id,
							 call->arena, &urns, &n, &call->status)) < 0)
			return rc;
		for (size_t i = 0; i < n; i++) {
			N2gg__V1__School *s;
			if (urns[i] <= req->after_urn)
				continue;
			if ((rc = registry_store_get_school(&r->rs, call->txn, urns[i], call->arena, &s,
							    &call->status)) < 0)
				return rc;
			registry_list_one(&l, s);
		}
	} else if ((rc = registry_store_each_school(&r->rs, call->txn, req->after_urn, call->arena,
						    registry_list_one, &l, &call->status)) < 0) {
		return rc;
	}
	call->reply = &l.reply->base;
	return 0;
}

static int registry_school_history(struct api_call *call)
{
	const N2gg__V1__SchoolHistoryRequest *req = call->body;
	struct registry *r = registry_of(call);
	N2gg__V1__School *school;
	uint64_t *seqs;
	size_t n;
	int rc;
	if ((rc = school_check_urn(req->urn, &call->status)) < 0 ||
	    (rc = registry_store_get_school(&r->rs, call->txn, req->urn, call->arena, &school,
					    &call->status)) < 0 ||
	    (rc = registry_store_school_event_seqs(&r->rs, call->txn, req->urn, call->arena, &seqs, &n,
						   &call->status)) < 0)
		return rc;
	N2gg__V1__SchoolHistoryReply *reply =
		arena_message(call->arena, &n2gg__v1__school_history_reply__descriptor);
	reply->events = arena_alloc(call->arena, (n ? n : 1) * sizeof *reply->events);
	for (size_t i = 0; i < n; i++)
		if ((rc = eventlog_get(call->log, call->txn, seqs[i], call->arena,
				       &reply->events[reply->n_events++], &call->status)) < 0)
			return rc;
	call->reply = &reply->base;
	return 0;
}

/* ---- facts about a school ---- */

static int registry_load_school(struct api_call *call, uint32_t urn, N2gg__V1__School **school)
{
	int rc = school_check_urn(urn, &call->status);
	if (rc < 0)
		return rc;
	return registry_store_get_school(&registry_of(call)->rs, call->txn, urn, call->arena, school,
					 &call->status);
}

static int registry_set_flags(struct api_call *call)
{
	const N2gg__V1__SetFlagsRequest *req = call->body;
	N2gg__V1__School *school;
	int rc = registry_load_school(call, req->urn, &school);
	if (rc < 0)
		return rc;
	if (!req->flags)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "no flag values given");
	N2gg__V1__LaFlags *previous = school->flags;
	int changed = school_set_flags(school, req->flags, req->fields, req->n_fields, date_today(),
				       call->arena, &call->status);
	if (changed < 0)
		return changed;
	if (changed) {
		school->flags->changed_by = (char *)registry_actor(call);
		school->flags->changed_unix_ms = date_now_ms();
		school->updated_by = school->flags->changed_by;
		school->updated_unix_ms = school->flags->changed_unix_ms;
		if ((rc = registry_store_put_school(&registry_of(call)->rs, call->txn, school,
						    call->arena, &call->status)) < 0)
			return rc;
		N2gg__V1__FlagsEvent fe = N2GG__V1__FLAGS_EVENT__INIT;
		fe.urn = school->urn;
		fe.previous = previous;
		fe.flags = school->flags;
		fe.school = school;
		N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
		ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_FLAGS;
		ev.flags = &fe;
		if ((rc = registry_emit(call, "registry.flags.changed", &ev, school->urn)) < 0)
			return rc;
	}
	return registry_reply_school(call, school);
}

/* Folds a fact into the school and, when it changed anything, stores the school and
 * announces it. Returns 1 changed, 0 already known, <0 refused. */
static int registry_fact_saved(struct api_call *call, N2gg__V1__School *school, int changed)
{
	if (changed <= 0)
		return changed;
	school->updated_by = (char *)registry_actor(call);
	school->updated_unix_ms = date_now_ms();
	int rc = registry_store_put_school(&registry_of(call)->rs, call->txn, school, call->arena,
					   &call->status);
	return rc < 0 ? rc : 1;
}

int registry_fact_inspection(struct api_call *call, N2gg__V1__School *school,
			     N2gg__V1__Inspection *in)
{
	in->recorded_by = (char *)registry_actor(call);
	in->recorded_unix_ms = date_now_ms();
	int rc = registry_fact_saved(call, school, school_add_inspection(school, in, date_today(),
									  call->arena, &call->status));
	if (rc <= 0)
		return rc;
	N2gg__V1__InspectionEvent ie = N2GG__V1__INSPECTION_EVENT__INIT;
	ie.urn = school->urn;
	ie.inspection = in;
	ie.school = school;
	N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
	ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_INSPECTION;
	ev.inspection = &ie;
	rc = registry_emit(call, "registry.inspection.recorded", &ev, school->urn);
	return rc < 0 ? rc : 1;
}

int registry_fact_achievement(struct api_call *call, N2gg__V1__School *school,
			      N2gg__V1__Achievement *in)
{
	in->recorded_by = (char *)registry_actor(call);
	in->recorded_unix_ms = date_now_ms();
	int rc = registry_fact_saved(call, school,
				     school_add_achievement(school, in, call->arena, &call->status));
	if (rc <= 0)
		return rc;
	N2gg__V1__AchievementEvent ae = N2GG__V1__ACHIEVEMENT_EVENT__INIT;
	ae.urn = school->urn;
	ae.achievement = in;
	ae.school = school;
	N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
	ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_ACHIEVEMENT;
	ev.achievement = &ae;
	rc = registry_emit(call, "registry.achievement.recorded", &ev, school->urn);
	return rc < 0 ? rc : 1;
}

/* The same averages, whoever recorded them and when: a re-import changes nothing. */
static bool registry_same_comparator(const N2gg__V1__Comparator *x, const N2gg__V1__Comparator *y,
				     struct arena *a)
{
	N2gg__V1__Comparator cx = *x, cy = *y;
	cx.recorded_by = cy.recorded_by = (char *)"";
	cx.recorded_unix_ms = cy.recorded_unix_ms = 0;
	return arena_same_packed(a, &cx.base, &cy.base);
}

int registry_record_comparator(struct api_call *call, N2gg__V1__Comparator *c)
{
	struct registry *r = registry_of(call);
	N2gg__V1__Comparator *old;
	int rc = registry_store_get_comparator(&r->rs, call->txn, c, call->arena, &old, &call->status);
	if (rc == 0 && registry_same_comparator(old, c, call->arena))
		return 0;
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	status_clear(&call->status);
	c->recorded_by = (char *)registry_actor(call);
	c->recorded_unix_ms = date_now_ms();
	if ((rc = registry_store_put_comparator(&r->rs, call->txn, c, call->arena,
						&call->status)) < 0)
		return rc;
	N2gg__V1__ComparatorEvent ce = N2GG__V1__COMPARATOR_EVENT__INIT;
	ce.comparator = c;
	N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
	ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_COMPARATOR;
	ev.comparator = &ce;
	rc = registry_emit(call, "registry.comparator.recorded", &ev, 0);
	return rc < 0 ? rc : 1;
}

static int registry_list_comparators(struct api_call *call)
{
	const N2gg__V1__ListComparatorsRequest *req = call->body;
	if (req->key_stage != N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED &&
	    req->key_stage != N2GG__V1__KEY_STAGE__KEY_STAGE_2 &&
	    req->key_stage != N2GG__V1__KEY_STAGE__KEY_STAGE_4)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "key stage %d is not 2 or 4", req->key_stage);
	if (req->area != N2GG__V1__COMPARATOR_AREA__AREA_UNSPECIFIED &&
	    req->area != N2GG__V1__COMPARATOR_AREA__AREA_LA &&
	    req->area != N2GG__V1__COMPARATOR_AREA__AREA_ENGLAND)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "area %d is not an LA (1) or England (2)", req->area);
	N2gg__V1__ListComparatorsReply *reply =
		arena_message(call->arena, &n2gg__v1__list_comparators_reply__descriptor);
	int rc = registry_store_list_comparators(&registry_of(call)->rs, call->txn, req->year,
						 req->key_stage, req->area, call->arena,
						 &reply->comparators, &reply->n_comparators,
						 &call->status);
	if (rc < 0)
		return rc;
	call->reply = &reply->base;
	return 0;
}

static int registry_record_inspection(struct api_call *call)
{
	const N2gg__V1__RecordInspectionRequest *req = call->body;
	N2gg__V1__School *school;
	int rc = registry_load_school(call, req->urn, &school);
	if (rc < 0)
		return rc;
	if (!req->inspection)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "no inspection given");
	N2gg__V1__Inspection *in = arena_message_copy(call->arena, &req->inspection->base);
	if ((rc = registry_fact_inspection(call, school, in)) < 0)
		return rc;
	return registry_reply_school(call, school);
}

static int registry_record_progress_return(struct api_call *call)
{
	const N2gg__V1__RecordProgressReturnRequest *req = call->body;
	N2gg__V1__School *school;
	int rc = registry_load_school(call, req->urn, &school);
	if (rc < 0)
		return rc;
	if (!req->progress_return)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "no progress return given");
	N2gg__V1__ProgressReturn *pr = arena_message_copy(call->arena, &req->progress_return->base);
	pr->recorded_by = (char *)registry_actor(call);
	pr->recorded_unix_ms = date_now_ms();
	rc = registry_fact_saved(call, school, school_add_progress_return(school, pr, date_today(),
									   call->arena, &call->status));
	if (rc < 0)
		return rc;
	if (rc) {
		N2gg__V1__ProgressReturnEvent pe = N2GG__V1__PROGRESS_RETURN_EVENT__INIT;
		pe.urn = school->urn;
		pe.progress_return = pr;
		pe.school = school;
		N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
		ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_PROGRESS_RETURN;
		ev.progress_return = &pe;
		if ((rc = registry_emit(call, "registry.progress.recorded", &ev, school->urn)) < 0)
			return rc;
	}
	return registry_reply_school(call, school);
}

/* ---- clusters ---- */

static int registry_emit_cluster(struct api_call *call, N2gg__V1__Cluster *c, const char *change,
				 const char *previous_name, const char *merged_from)
{
	c->updated_by = (char *)registry_actor(call);
	c->updated_unix_ms = date_now_ms();
	int rc = registry_store_put_cluster(&registry_of(call)->rs, call->txn, c, call->arena,
					    &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__ClusterEvent ce = N2GG__V1__CLUSTER_EVENT__INIT;
	ce.cluster = c;
	ce.change = (char *)change;
	ce.previous_name = (char *)(previous_name ? previous_name : "");
	ce.merged_from = (char *)(merged_from ? merged_from : "");
	N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
	ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_CLUSTER;
	ev.cluster = &ce;
	return registry_emit(call, "registry.cluster.changed", &ev, 0);
}

static int registry_reply_cluster(struct api_call *call, N2gg__V1__Cluster *c)
{
	int rc = registry_store_cluster_members(&registry_of(call)->rs, call->txn, c->id, call->arena,
						&c->member_urns, &c->n_member_urns, &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__ClusterReply *reply = arena_message(call->arena, &n2gg__v1__cluster_reply__descriptor);
	reply->cluster = c;
	call->reply = &reply->base;
	return 0;
}

/* An optional date (today when empty), normalised to ISO, not in the future. */
static int registry_effective_date(struct api_call *call, const char *what, const char *given,
				   char *iso)
{
	int day = date_today();
	if (given && given[0] && date_parse(given, &day) < 0)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "%s \"%s\" is not a date (YYYY-MM-DD)", what, given);
	if (day > date_today())
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "%s %s is in the future: record the change when it takes effect",
				   what, given);
	date_format(day, iso);
	return 0;
}

static int registry_create_cluster(struct api_call *call)
{
	const N2gg__V1__CreateClusterRequest *req = call->body;
	struct registry *r = registry_of(call);
	char opened[DATE_ISO_LEN];
	if (!importers_valid_cluster_id(req->id))
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "cluster id \"%s\" must be 1-32 letters, digits, '-' or '_'", req->id);
	if (!req->name[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "a cluster needs a name");
	int rc = registry_effective_date(call, "opening date", req->opened_date, opened);
	if (rc < 0)
		return rc;
	N2gg__V1__Cluster *existing;
	if (registry_store_get_cluster(&r->rs, call->txn, req->id, call->arena, &existing, NULL) == 0)
		return status_fail(&call->status, STATUS_ALREADY_EXISTS, "cluster %s already exists (%s)",
				   req->id, existing->name);
	N2gg__V1__Cluster *c = arena_message(call->arena, &n2gg__v1__cluster__descriptor);
	c->id = req->id;
	c->name = req->name;
	c->status = N2GG__V1__CLUSTER_STATUS__CLUSTER_OPEN;
	c->opened_date = arena_strdup(call->arena, opened);
	c->chair = arena_message(call->arena, &n2gg__v1__contact__descriptor);
	if ((rc = registry_emit_cluster(call, c, "created", NULL, NULL)) < 0)
		return rc;
	return registry_reply_cluster(call, c);
}

static int registry_load_open_cluster(struct api_call *call, const char *id,
				      N2gg__V1__Cluster **c)
{
	int rc = registry_store_get_cluster(&registry_of(call)->rs, call->txn, id, call->arena, c,
					    &call->status);
	if (rc < 0)
		return rc;
	if ((*c)->status != N2GG__V1__CLUSTER_STATUS__CLUSTER_OPEN)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "cluster %s (%s) is closed", id, (*c)->name);
	return 0;
}

static int registry_rename_cluster(struct api_call *call)
{
	const N2gg__V1__RenameClusterRequest *req = call->body;
	N2gg__V1__Cluster *c;
	int rc = registry_load_open_cluster(call, req->id, &c);
	if (rc < 0)
		return rc;
	if (!req->name[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "a cluster needs a name");
	if (strcmp(c->name, req->name) != 0) {
		const char *previous = c->name;
		c->name = req->name;
		if ((rc = registry_emit_cluster(call, c, "renamed", previous, NULL)) < 0)
			return rc;
	}
	return registry_reply_cluster(call, c);
}

static int registry_set_cluster_chair(struct api_call *call)
{
	const N2gg__V1__SetClusterChairRequest *req = call->body;
	N2gg__V1__Cluster *c;
	int rc = registry_load_open_cluster(call, req->id, &c);
	if (rc < 0)
		return rc;
	const N2gg__V1__Contact *chair = req->chair;
	if (!chair || !chair->name[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "a cluster chair needs a name");
	if (chair->email[0] && !importers_plausible_email(chair->email))
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "\"%s\" is not an email address", chair->email);
	const N2gg__V1__Contact *old = c->chair;
	if (!old || strcmp(old->name, chair->name) || strcmp(old->email, chair->email) ||
	    strcmp(old->phone, chair->phone)) {
		c->chair = (N2gg__V1__Contact *)chair;
		if ((rc = registry_emit_cluster(call, c, "chair_changed", NULL, NULL)) < 0)
			return rc;
	}
	return registry_reply_cluster(call, c);
}

static int registry_close_cluster(struct api_call *call)
{
	const N2gg__V1__CloseClusterRequest *req = call->body;
	struct registry *r = registry_of(call);
	N2gg__V1__Cluster *c;
	char closed[DATE_ISO_LEN];
	uint32_t *urns;
	size_t n;
	int rc;
	if ((rc = registry_load_open_cluster(call, req->id, &c)) < 0 ||
	    (rc = registry_effective_date(call, "closing date", req->closed_date, closed)) < 0 ||
	    (rc = registry_store_cluster_members(&r->rs, call->txn, req->id, call->arena, &urns, &n,
						 &call->status)) < 0)
		return rc;
	if (n)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "cluster %s still has %zu school(s): move them out or merge the "
				   "cluster into another",
				   req->id, n);
	c->status = N2GG__V1__CLUSTER_STATUS__CLUSTER_CLOSED;
	c->closed_date = arena_strdup(call->arena, closed);
	if ((rc = registry_emit_cluster(call, c, "closed", NULL, NULL)) < 0)
		return rc;
	return registry_reply_cluster(call, c);
}

int registry_move_school(struct api_call *call, N2gg__V1__School *school, const char *to,
			 const char *effective_date, const char *reason)
{
	struct registry *r = registry_of(call);
	N2gg__V1__Cluster *cluster;
	N2gg__V1__Membership **list;
	size_t count;
	int rc;
	if ((rc = registry_store_get_cluster(&r->rs, call->txn, to, call->arena, &cluster,
					     &call->status)) < 0 ||
	    (rc = registry_store_memberships(&r->rs, call->txn, school->urn, call->arena, &list,
					     &count, &call->status)) < 0 ||
	    (rc = membership_check_move(school, cluster, effective_date, list, count,
					&call->status)) < 0)
		return rc;
	N2gg__V1__Membership *m = arena_message(call->arena, &n2gg__v1__membership__descriptor);
	m->cluster_id = cluster->id;
	m->from_date = (char *)effective_date;
	m->reason = (char *)(reason ? reason : "");
	m->changed_by = (char *)registry_actor(call);
	m->changed_unix_ms = date_now_ms();
	const char *from = school->cluster_id;
	if ((rc = registry_store_add_membership(&r->rs, call->txn, school->urn, from, m, call->arena,
						&call->status)) < 0)
		return rc;
	school->cluster_id = cluster->id;
	school->updated_by = m->changed_by;
	school->updated_unix_ms = m->changed_unix_ms;
	if ((rc = registry_store_put_school(&r->rs, call->txn, school, call->arena, &call->status)) < 0)
		return rc;
	N2gg__V1__MembershipEvent me = N2GG__V1__MEMBERSHIP_EVENT__INIT;
	me.urn = school->urn;
	me.from_cluster = (char *)from;
	me.to_cluster = cluster->id;
	me.effective_date = m->from_date;
	me.reason = m->reason;
	me.school = school;
	N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
	ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_MEMBERSHIP;
	ev.membership = &me;
	return registry_emit(call, "registry.membership.changed", &ev, school->urn);
}

static int registry_move(struct api_call *call)
{
	const N2gg__V1__MoveSchoolRequest *req = call->body;
	N2gg__V1__School *school;
	char date[DATE_ISO_LEN];
	int rc;
	if ((rc = registry_load_school(call, req->urn, &school)) < 0 ||
	    (rc = registry_effective_date(call, "effective date", req->effective_date, date)) < 0 ||
	    (rc = registry_move_school(call, school, req->to_cluster, arena_strdup(call->arena, date),
				       req->reason)) < 0)
		return rc;
	N2gg__V1__MoveSchoolReply *reply =
		arena_message(call->arena, &n2gg__v1__move_school_reply__descriptor);
	reply->school = school;
	call->reply = &reply->base;
	return 0;
}

static int registry_merge_clusters(struct api_call *call)
{
	const N2gg__V1__MergeClustersRequest *req = call->body;
	struct registry *r = registry_of(call);
	N2gg__V1__Cluster *from, *into;
	char date[DATE_ISO_LEN];
	uint32_t *urns;
	size_t n;
	int rc;
	if (strcmp(req->from_id, req->into_id) == 0)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "a cluster cannot be merged into itself");
	if ((rc = registry_load_open_cluster(call, req->from_id, &from)) < 0 ||
	    (rc = registry_load_open_cluster(call, req->into_id, &into)) < 0 ||
	    (rc = registry_effective_date(call, "effective date", req->effective_date, date)) < 0 ||
	    (rc = registry_store_cluster_members(&r->rs, call->txn, from->id, call->arena, &urns, &n,
						 &call->status)) < 0)
		return rc;
	char *when = arena_strdup(call->arena, date);
	char *reason = arena_printf(call->arena, "cluster %s merged into %s", from->id, into->id);
	for (size_t i = 0; i < n; i++) {
		N2gg__V1__School *school;
		if ((rc = registry_store_get_school(&r->rs, call->txn, urns[i], call->arena, &school,
						    &call->status)) < 0 ||
		    (rc = registry_move_school(call, school, into->id, when, reason)) < 0)
			return rc;
	}
	from->status = N2GG__V1__CLUSTER_STATUS__CLUSTER_CLOSED;
	from->closed_date = when;
	from->merged_into = into->id;
	if ((rc = registry_emit_cluster(call, from, "closed", NULL, NULL)) < 0 ||
	    (rc = registry_emit_cluster(call, into, "merged", NULL, from->id)) < 0)
		return rc;
	return registry_reply_cluster(call, into);
}

static int registry_get_cluster(struct api_call *call)
{
	const N2gg__V1__GetClusterRequest *req = call->body;
	N2gg__V1__Cluster *c;
	int rc = registry_store_get_cluster(&registry_of(call)->rs, call->txn, req->id, call->arena, &c,
					    &call->status);
	if (rc < 0)
		return rc;
	return registry_reply_cluster(call, c);
}

static int registry_list_clusters(struct api_call *call)
{
	struct registry *r = registry_of(call);
	N2gg__V1__ListClustersReply *reply =
		arena_message(call->arena, &n2gg__v1__list_clusters_reply__descriptor);
	int rc = registry_store_list_clusters(&r->rs, call->txn, call->arena, &reply->clusters,
					      &reply->n_clusters, &call->status);
	for (size_t i = 0; rc == 0 && i < reply->n_clusters; i++) {
		N2gg__V1__Cluster *c = reply->clusters[i];
		rc = registry_store_cluster_members(&r->rs, call->txn, c->id, call->arena,
						    &c->member_urns, &c->n_member_urns, &call->status);
	}
	if (rc < 0)
		return rc;
	call->reply = &reply->base;
	return 0;
}

/* ---- federations and partnerships ---- */

static int registry_emit_group(struct api_call *call, N2gg__V1__Group *g, const char *change,
			       uint32_t urn)
{
	g->updated_by = (char *)registry_actor(call);
	g->updated_unix_ms = date_now_ms();
	int rc = registry_store_put_group(&registry_of(call)->rs, call->txn, g, call->arena,
					  &call->status);
	if (rc < 0)
		return rc;
	N2gg__V1__GroupEvent ge = N2GG__V1__GROUP_EVENT__INIT;
	ge.group = g;
	ge.change = (char *)change;
	ge.urn = urn;
	N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
	ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_GROUP;
	ev.group = &ge;
	return registry_emit(call, "registry.group.changed", &ev, urn);
}

static int registry_reply_group(struct api_call *call, N2gg__V1__Group *g)
{
	N2gg__V1__GroupReply *reply = arena_message(call->arena, &n2gg__v1__group_reply__descriptor);
	reply->group = g;
	call->reply = &reply->base;
	return 0;
}

static int registry_create_group(struct api_call *call)
{
	const N2gg__V1__GroupRequest *req = call->body;
	N2gg__V1__Group *g;
	if (!importers_valid_cluster_id(req->id))
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "group id \"%s\" must be 1-32 letters, digits, '-' or '_'", req->id);
	if (req->kind != N2GG__V1__GROUP_KIND__GROUP_FEDERATION &&
	    req->kind != N2GG__V1__GROUP_KIND__GROUP_PARTNERSHIP)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "a group is a federation or a partnership");
	if (!req->name[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "a group needs a name");
	if (registry_store_get_group(&registry_of(call)->rs, call->txn, req->id, call->arena, &g,
				     NULL) == 0)
		return status_fail(&call->status, STATUS_ALREADY_EXISTS, "group %s already exists",
				   req->id);
	g = arena_message(call->arena, &n2gg__v1__group__descriptor);
	g->id = req->id;
	g->kind = req->kind;
	g->name = req->name;
	int rc = registry_emit_group(call, g, "created", 0);
	return rc < 0 ? rc : registry_reply_group(call, g);
}

static int registry_change_group(struct api_call *call, bool add)
{
	const N2gg__V1__GroupRequest *req = call->body;
	struct registry *r = registry_of(call);
	N2gg__V1__Group *g;
	N2gg__V1__School *school;
	int rc;
	if ((rc = registry_store_get_group(&r->rs, call->txn, req->id, call->arena, &g,
					   &call->status)) < 0 ||
	    (rc = registry_load_school(call, req->urn, &school)) < 0)
		return rc;
	size_t at = g->n_member_urns;
	for (size_t i = 0; i < g->n_member_urns; i++)
		if (g->member_urns[i] == req->urn)
			at = i;
	if (add == (at < g->n_member_urns))   /* already in / already out: nothing to do */
		return registry_reply_group(call, g);
	uint32_t *urns = arena_alloc(call->arena, (g->n_member_urns + 1) * sizeof *urns);
	size_t n = 0;
	for (size_t i = 0; i < g->n_member_urns; i++)
		if (i != at)
			urns[n++] = g->member_urns[i];
	if (add)
		urns[n++] = req->urn;
	g->member_urns = urns;
	g->n_member_urns = n;
	rc = registry_emit_group(call, g, add ? "member_added" : "member_removed", req->urn);
	return rc < 0 ? rc : registry_reply_group(call, g);
}

static int registry_add_to_group(struct api_call *call)
{
	return registry_change_group(call, true);
}

static int registry_remove_from_group(struct api_call *call)
{
	return registry_change_group(call, false);
}

static int registry_get_group(struct api_call *call)
{
	const N2gg__V1__GroupRequest *req = call->body;
	N2gg__V1__Group *g;
	int rc = registry_store_get_group(&registry_of(call)->rs, call->txn, req->id, call->arena, &g,
					  &call->status);
	return rc < 0 ? rc : registry_reply_group(call, g);
}

const struct api_method registry_methods[] = {
	{"GetSchool", &n2gg__v1__get_school_request__descriptor, registry_get_school, false, ROLE_READER},
	{"ListSchools", &n2gg__v1__list_schools_request__descriptor, registry_list_schools, false, ROLE_READER},
	{"SchoolHistory", &n2gg__v1__school_history_request__descriptor, registry_school_history, false, ROLE_READER},
	{"SetFlags", &n2gg__v1__set_flags_request__descriptor, registry_set_flags, true, ROLE_OFFICER},
	{"RecordInspection", &n2gg__v1__record_inspection_request__descriptor,
	 registry_record_inspection, true, ROLE_OFFICER},
	{"RecordProgressReturn", &n2gg__v1__record_progress_return_request__descriptor,
	 registry_record_progress_return, true, ROLE_OFFICER},
	{"CreateCluster", &n2gg__v1__create_cluster_request__descriptor, registry_create_cluster, true, ROLE_OFFICER},
	{"RenameCluster", &n2gg__v1__rename_cluster_request__descriptor, registry_rename_cluster, true, ROLE_OFFICER},
	{"CloseCluster", &n2gg__v1__close_cluster_request__descriptor, registry_close_cluster, true, ROLE_OFFICER},
	{"SetClusterChair", &n2gg__v1__set_cluster_chair_request__descriptor,
	 registry_set_cluster_chair, true, ROLE_OFFICER},
	{"MergeClusters", &n2gg__v1__merge_clusters_request__descriptor, registry_merge_clusters, true, ROLE_OFFICER},
	{"MoveSchool", &n2gg__v1__move_school_request__descriptor, registry_move, true, ROLE_OFFICER},
	{"GetCluster", &n2gg__v1__get_cluster_request__descriptor, registry_get_cluster, false, ROLE_READER},
	{"ListClusters", &n2gg__v1__list_clusters_request__descriptor, registry_list_clusters, false, ROLE_READER},
	{"CreateGroup", &n2gg__v1__group_request__descriptor, registry_create_group, true, ROLE_OFFICER},
	{"AddToGroup", &n2gg__v1__group_request__descriptor, registry_add_to_group, true, ROLE_OFFICER},
	{"RemoveFromGroup", &n2gg__v1__group_request__descriptor, registry_remove_from_group, true, ROLE_OFFICER},
	{"GetGroup", &n2gg__v1__group_request__descriptor, registry_get_group, false, ROLE_READER},
	{"ImportGias", &n2gg__v1__import_request__descriptor, registry_import_gias, true, ROLE_IMPORTER},
	{"ImportInspections", &n2gg__v1__import_request__descriptor, registry_import_inspections, true, ROLE_IMPORTER},
	{"ImportAchievement", &n2gg__v1__import_request__descriptor, registry_import_achievement, true, ROLE_IMPORTER},
	{"ImportClusters", &n2gg__v1__import_request__descriptor, registry_import_clusters, true, ROLE_IMPORTER},
	{"ImportContacts", &n2gg__v1__import_request__descriptor, registry_import_contacts, true, ROLE_IMPORTER},
	{"ListComparators", &n2gg__v1__list_comparators_request__descriptor,
	 registry_list_comparators, false, ROLE_READER},
};
const size_t registry_method_count = sizeof registry_methods / sizeof *registry_methods;
