/* handlers: the categoriser's API methods. Reads serve decisions, history and summaries
 * from the store; writes (overrides, a policy reload) change it in the call's transaction
 * and announce every change as an event in that same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "categoriser.h"
#include "date.h"

static struct categoriser *cat_of(const struct api_call *call)
{
	return ((struct service *)call->service)->impl;
}

/* The policy writes in this batch decide under: one a ReloadPolicy earlier in the batch has
 * prepared comes into force with the batch's commit. */
static const struct policy *cat_policy(const struct categoriser *c)
{
	return c->policy_next ? c->policy_next : c->policy;
}

static const char *cat_actor(const struct api_call *call)
{
	return call->actor && call->actor[0] ? call->actor : "unknown";
}

static int cat_check_urn(uint32_t urn, struct status *st)
{
	if (urn < 100000 || urn > 999999)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "URN %u is not a 6-digit number", urn);
	return 0;
}

static bool cat_is_open(const N2gg__V1__SchoolFacts *sf)
{
	return sf->status != N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED &&
	       sf->status != N2GG__V1__SCHOOL_STATUS__STATUS_PROPOSED;
}

static int cat_append(struct api_call *call, uint32_t urn, const char *topic,
		      const ProtobufCMessage *msg)
{
	uint64_t seq;
	int rc = eventlog_append(call->log, call->txn, topic, cat_actor(call), msg, &seq,
				 &call->status);
	return rc < 0 ? rc : cat_store_add_history(cat_of(call), call->txn, urn, seq, &call->status);
}

/* The school's facts, or NOT_FOUND in words. */
static int cat_known_school(struct api_call *call, uint32_t urn, N2gg__V1__SchoolFacts **sf)
{
	int rc = cat_check_urn(urn, &call->status);
	if (rc < 0)
		return rc;
	rc = cat_store_get_facts(cat_of(call), call->txn, urn, call->arena, sf, &call->status);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no school with URN %u in the categoriser (the registry has not "
				   "published it)", urn);
	return rc;
}

static int cat_reply_decision(struct api_call *call, uint32_t urn,
			      const ProtobufCMessageDescriptor *reply_desc)
{
	N2gg__V1__Decision *d;
	int rc = cat_store_get_decision(cat_of(call), call->txn, urn, call->arena, &d, &call->status);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "school %u has no category: no rule placed it (see the log)", urn);
	if (rc < 0)
		return rc;
	/* GetCategoryReply and OverrideReply both hold one Decision as field 1 */
	N2gg__V1__GetCategoryReply *reply = arena_message(call->arena, reply_desc);
	reply->decision = d;
	call->reply = &reply->base;
	return 0;
}

static int cat_get_category(struct api_call *call)
{
	const N2gg__V1__GetCategoryRequest *req = call->body;
	struct categoriser *c = cat_of(call);
	N2gg__V1__SchoolFacts *sf;
	int rc = cat_known_school(call, req->urn, &sf);
	if (rc < 0 || cat_is_open(sf))
		return rc < 0 ? rc : cat_reply_decision(call, req->urn,
							 &n2gg__v1__get_category_reply__descriptor);
	/* closed or not yet open: the stored decision if it once had a category, else one
	 * saying why it has none */
	N2gg__V1__GetCategoryReply *reply =
		arena_message(call->arena, &n2gg__v1__get_category_reply__descriptor);
	rc = cat_store_get_decision(c, call->txn, req->urn, call->arena, &reply->decision, NULL);
	if (rc == -STATUS_NOT_FOUND)
		decision_build(c->policy, sf, NULL, NULL, categoriser_today(c),
			       categoriser_now_ms(c), call->arena, &reply->decision);
	else if (rc < 0)
		return status_fail(&call->status, STATUS_INTERNAL, "reading decision of %u",
				   req->urn);
	call->reply = &reply->base;
	return 0;
}

static int cat_list_categories(struct api_call *call)
{
	const N2gg__V1__ListCategoriesRequest *req = call->body;
	struct categoriser *c = cat_of(call);
	N2gg__V1__ListCategoriesReply *reply =
		arena_message(call->arena, &n2gg__v1__list_categories_reply__descriptor);
	if (req->category[0] && policy_category_index(c->policy, req->category) < 0)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "category \"%s\" is not one of the policy's", req->category);
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(call->txn, c->db[CAT_DB_DECISIONS], &cur);
	if (mrc)
		return store_error(mrc, "reading decisions", &call->status);
	size_t cap = 0;
	MDB_val k, v;
	uint8_t start[4];
	store_be32(start, req->after_urn + 1);
	k.mv_size = sizeof start;
	k.mv_data = start;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		N2gg__V1__Decision *d = (N2gg__V1__Decision *)protobuf_c_message_unpack(
			&n2gg__v1__decision__descriptor, &call->arena->pb, v.mv_size, v.mv_data);
		if (!d || !d->category[0] || (req->category[0] && strcmp(d->category, req->category)) ||
		    (req->cluster_id[0] && strcmp(d->cluster_id, req->cluster_id)))
			continue;
		reply->total++;
		if (req->limit && reply->n_decisions >= req->limit)
			continue;
		reply->decisions = arena_grow(call->arena, reply->decisions, reply->n_decisions, &cap,
					      sizeof *reply->decisions);
		reply->decisions[reply->n_decisions++] = d;
	}
	mdb_cursor_close(cur);
	call->reply = &reply->base;
	return 0;
}

/* An override must end after the moment the categoriser decides at: its --as-of date
 * when it has one (an override through that very day is fine), else now. The message
 * gives both as people write them. */
static int cat_check_expiry(const struct categoriser *c, long long expires_ms, struct status *st)
{
	if (!expires_ms || expires_ms > categoriser_now_ms(c))
		return 0;
	char expiry[DATE_EXPIRY_LEN], day[DATE_ISO_LEN];
	date_format_expiry(expires_ms, expiry);
	date_format(categoriser_today(c), day);
	if (c->as_of >= 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "the expiry %s is before the as-of date %s", expiry, day);
	return status_fail(st, STATUS_INVALID_ARGUMENT, "the expiry %s is in the past (today is %s)",
			   expiry, day);
}

static int cat_set_override(struct api_call *call)
{
	const N2gg__V1__SetOverrideRequest *req = call->body;
	struct categoriser *c = cat_of(call);
	N2gg__V1__SchoolFacts *sf;
	int rc = cat_known_school(call, req->urn, &sf);
	if (rc < 0)
		return rc;
	const struct policy *p = cat_policy(c);
	if (policy_category_index(p, req->category) < 0) {
		char letters[POLICY_MAX_CATEGORIES * 2 + 1] = "";
		for (int i = 0; i < p->category_count; i++)
			strcat(letters, p->categories[i].letter);
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "category \"%s\" is not one of the policy's (%s)", req->category,
				   letters);
	}
	if (!req->reason[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "an override needs a reason");
	if ((rc = cat_check_expiry(c, req->expires_unix_ms, &call->status)) < 0)
		return rc;
	if (!cat_is_open(sf))
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "school %u is not open: it has no category to override", req->urn);
	N2gg__V1__Override ov = N2GG__V1__OVERRIDE__INIT;
	ov.urn = req->urn;
	ov.category = req->category;
	ov.reason = req->reason;
	ov.expires_unix_ms = req->expires_unix_ms;
	ov.set_by = (char *)cat_actor(call);
	ov.set_unix_ms = date_now_ms();
	N2gg__V1__OverrideChanged ev = N2GG__V1__OVERRIDE_CHANGED__INIT;
	ev.override = &ov;
	char cause[160];
	snprintf(cause, sizeof cause, "override set by %s", ov.set_by);
	if ((rc = cat_store_put_override(c, call->txn, &ov, call->arena, &call->status)) < 0 ||
	    (rc = cat_append(call, req->urn, "category.override.set", &ev.base)) < 0 ||
	    (rc = categoriser_decide(c, call->txn, p, sf, cause, cat_actor(call), call->arena,
				     &call->status)) < 0)
		return rc;
	return cat_reply_decision(call, req->urn, &n2gg__v1__override_reply__descriptor);
}

static int cat_clear_override(struct api_call *call)
{
	const N2gg__V1__ClearOverrideRequest *req = call->body;
	struct categoriser *c = cat_of(call);
	N2gg__V1__SchoolFacts *sf;
	N2gg__V1__Override *ov;
	int rc = cat_known_school(call, req->urn, &sf);
	if (rc < 0)
		return rc;
	rc = cat_store_get_override(c, call->txn, req->urn, call->arena, &ov, &call->status);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(&call->status, STATUS_NOT_FOUND, "school %u has no override",
				   req->urn);
	N2gg__V1__OverrideChanged ev = N2GG__V1__OVERRIDE_CHANGED__INIT;
	ev.override = ov;
	ev.reason = req->reason;
	char cause[160];
	snprintf(cause, sizeof cause, "override cleared by %s", cat_actor(call));
	if (rc < 0 || (rc = cat_store_del_override(c, call->txn, req->urn, &call->status)) < 0 ||
	    (rc = cat_append(call, req->urn, "category.override.cleared", &ev.base)) < 0 ||
	    (rc = categoriser_decide(c, call->txn, cat_policy(c), sf, cause, cat_actor(call),
				     call->arena, &call->status)) < 0)
		return rc;
	return cat_reply_decision(call, req->urn, &n2gg__v1__override_reply__descriptor);
}

static int cat_history(struct api_call *call)
{
	const N2gg__V1__CategoryHistoryRequest *req = call->body;
	struct categoriser *c = cat_of(call);
	N2gg__V1__SchoolFacts *sf;
	int rc = cat_known_school(call, req->urn, &sf);
	if (rc < 0)
		return rc;
	N2gg__V1__CategoryHistoryReply *reply =
		arena_message(call->arena, &n2gg__v1__category_history_reply__descriptor);
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(call->txn, c->db[CAT_DB_HISTORY], &cur);
	if (mrc)
		return store_error(mrc, "reading history", &call->status);
	uint8_t prefix[4];
	store_be32(prefix, req->urn);
	MDB_val k = {sizeof prefix, prefix}, v;
	size_t cap = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	     mrc == 0 && k.mv_size == 12 && memcmp(k.mv_data, prefix, 4) == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		N2gg__V1__Event *ev;
		rc = eventlog_get(call->log, call->txn, store_from_be64((uint8_t *)k.mv_data + 4),
				  call->arena, &ev, &call->status);
		if (rc < 0)
			break;
		reply->events = arena_grow(call->arena, reply->events, reply->n_events, &cap,
					   sizeof *reply->events);
		reply->events[reply->n_events++] = ev;
	}
	mdb_cursor_close(cur);
	if (rc < 0)
		return rc;
	call->reply = &reply->base;
	return 0;
}

static N2gg__V1__CategoryCount **cat_counts(struct api_call *call, const struct policy *p,
					    const unsigned *counts, size_t *n)
{
	N2gg__V1__CategoryCount **out =
		arena_alloc(call->arena, sizeof *out * (size_t)(p->category_count + 1));
	for (int i = 0; i < p->category_count; i++) {
		out[i] = arena_message(call->arena, &n2gg__v1__category_count__descriptor);
		out[i]->category = arena_strdup(call->arena, p->categories[i].letter);
		out[i]->schools = counts[i];
	}
	*n = (size_t)p->category_count;
	return out;
}

/* Counts per cluster: the facts are in URN order, clusters gathered in a small table. */
struct cat_cluster_counts {
	const char *id;
	unsigned counts[POLICY_MAX_CATEGORIES];
	unsigned total;
};

static int cat_summary(struct api_call *call)
{
	const N2gg__V1__CategorySummaryRequest *req = call->body;
	struct categoriser *c = cat_of(call);
	const struct policy *p = c->policy;
	N2gg__V1__CategorySummaryReply *reply =
		arena_message(call->arena, &n2gg__v1__category_summary_reply__descriptor);
	struct cat_cluster_counts *clusters = NULL;
	size_t n_clusters = 0, cap = 0;
	unsigned la[POLICY_MAX_CATEGORIES] = {0};
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(call->txn, c->db[CAT_DB_FACTS], &cur);
	if (mrc)
		return store_error(mrc, "reading facts", &call->status);
	MDB_val k, v;
	struct arena scratch;
	arena_init(&scratch);
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		arena_reset(&scratch);
		N2gg__V1__SchoolFacts *sf = (N2gg__V1__SchoolFacts *)protobuf_c_message_unpack(
			&n2gg__v1__school_facts__descriptor, &scratch.pb, v.mv_size, v.mv_data);
		if (!sf || !cat_is_open(sf) ||
		    (req->cluster_id[0] && strcmp(sf->cluster_id, req->cluster_id)))
			continue;
		N2gg__V1__Decision *d;
		int ci = -1;
		if (cat_store_get_decision(c, call->txn, sf->urn, &scratch, &d, NULL) == 0)
			ci = policy_category_index(p, d->category);
		if (ci < 0) {
			reply->uncategorised++;
			continue;
		}
		size_t i = 0;
		while (i < n_clusters && strcmp(clusters[i].id, sf->cluster_id))
			i++;
		if (i == n_clusters) {
			clusters = arena_grow(call->arena, clusters, n_clusters, &cap, sizeof *clusters);
			memset(&clusters[i], 0, sizeof clusters[i]);
			clusters[i].id = arena_strdup(call->arena, sf->cluster_id);
			n_clusters++;
		}
		clusters[i].counts[ci]++;
		clusters[i].total++;
		la[ci]++;
		reply->total++;
	}
	mdb_cursor_close(cur);
	arena_free(&scratch);
	reply->clusters = arena_alloc(call->arena, sizeof *reply->clusters * (n_clusters + 1));
	for (size_t i = 0; i < n_clusters; i++) {
		N2gg__V1__ClusterSummary *cs =
			arena_message(call->arena, &n2gg__v1__cluster_summary__descriptor);
		cs->cluster_id = (char *)clusters[i].id;
		cs->counts = cat_counts(call, p, clusters[i].counts, &cs->n_counts);
		cs->total = clusters[i].total;
		reply->clusters[reply->n_clusters++] = cs;
	}
	reply->la = cat_counts(call, p, la, &reply->n_la);
	reply->policy_version = arena_strdup(call->arena, p->version);
	call->reply = &reply->base;
	return 0;
}

/* ---- policies ---- */

#define CAT_MAX_UNMATCHED 100

static N2gg__V1__PolicyReply *cat_policy_reply(struct api_call *call, const struct policy *p,
					       const struct policy_report *r, const char *file,
					       const struct categoriser_sweep *sweep)
{
	N2gg__V1__PolicyReply *reply = arena_message(call->arena, &n2gg__v1__policy_reply__descriptor);
	reply->ok = r->errors == 0 && (!sweep || sweep->unmatched_count == 0);
	if (p) {
		reply->name = arena_strdup(call->arena, p->name);
		reply->version = arena_strdup(call->arena, p->version);
	}
	reply->problems = arena_alloc(call->arena, sizeof *reply->problems * (size_t)(r->count + 1));
	for (int i = 0; i < r->count; i++) {
		N2gg__V1__PolicyProblem *pp =
			arena_message(call->arena, &n2gg__v1__policy_problem__descriptor);
		pp->file = arena_strdup(call->arena, file);
		pp->line = (uint32_t)r->problems[i].line;
		pp->message = arena_strdup(call->arena, r->problems[i].message);
		pp->warning = r->problems[i].warning;
		reply->problems[reply->n_problems++] = pp;
	}
	if (sweep) {
		reply->schools_evaluated = sweep->evaluated;
		reply->schools_changed = sweep->changed;
		reply->n_unmatched_urns = sweep->unmatched_count < sweep->unmatched_max
						  ? sweep->unmatched_count
						  : sweep->unmatched_max;
		reply->unmatched_urns = sweep->unmatched;
		if (p)
			reply->counts = cat_counts(call, p, sweep->counts, &reply->n_counts);
	}
	call->reply = &reply->base;
	return reply;
}

static int cat_check_policy(struct api_call *call)
{
	const N2gg__V1__CheckPolicyRequest *req = call->body;
	struct categoriser *c = cat_of(call);
	const char *file = req->file_name[0] ? req->file_name : "(policy)";
	struct policy_report report = {0};
	struct policy *p = NULL;
	struct categoriser_sweep sweep = {0};
	sweep.unmatched = arena_alloc(call->arena, sizeof(uint32_t) * CAT_MAX_UNMATCHED);
	sweep.unmatched_max = CAT_MAX_UNMATCHED;
	int rc = 0;
	if (categoriser_parse_policy((const char *)req->text.data, req->text.len, &p, &report) ==
	    0) {
		rc = categoriser_sweep(c, call->txn, p, false, "", "", &sweep, &call->status);
		if (sweep.unmatched_count)
			policy_report_add(&report, false, 0, "%u school(s) match no rule",
					  sweep.unmatched_count);
	}
	if (rc == 0)
		cat_policy_reply(call, p, &report, file, p ? &sweep : NULL);
	categoriser_policy_destroy(p);
	return rc;
}

static int cat_reload_policy(struct api_call *call)
{
	struct categoriser *c = cat_of(call);
	const char *file = c->policy_file[0] ? c->policy_file : "(built-in norfolk-2013)";
	char *text;
	size_t len;
	int rc = categoriser_read_policy_file(c, &text, &len, &call->status);
	if (rc < 0)
		return rc;
	struct policy_report report = {0};
	struct categoriser_sweep sweep = {0};
	sweep.unmatched = arena_alloc(call->arena, sizeof(uint32_t) * CAT_MAX_UNMATCHED);
	sweep.unmatched_max = CAT_MAX_UNMATCHED;
	rc = categoriser_load_policy(c, call->txn, text, len, file, cat_actor(call), &sweep, &report,
				     &call->status);
	free(text);
	if (rc < 0) {
		c->stats.reloads_refused++;
		return rc;
	}
	cat_policy_reply(call, c->policy_next, &report, file, &sweep);
	return 0;
}

static int cat_get_policy(struct api_call *call)
{
	struct categoriser *c = cat_of(call);
	N2gg__V1__GetPolicyReply *reply =
		arena_message(call->arena, &n2gg__v1__get_policy_reply__descriptor);
	reply->name = arena_strdup(call->arena, c->policy->name);
	reply->version = arena_strdup(call->arena, c->policy->version);
	MDB_val v;   /* copied: the reply is packed after the read transaction ends */
	if (cat_store_get_meta(c, call->txn, "policy.text", &v, NULL) == 0) {
		reply->text.data = arena_alloc(call->arena, v.mv_size + 1);
		memcpy(reply->text.data, v.mv_data, v.mv_size);
		reply->text.len = v.mv_size;
	}
	if (cat_store_get_meta(c, call->txn, "policy.file", &v, NULL) == 0)
		reply->file = arena_strndup(call->arena, v.mv_data, v.mv_size);
	if (cat_store_get_meta(c, call->txn, "policy.loaded_ms", &v, NULL) == 0 &&
	    v.mv_size == sizeof reply->loaded_unix_ms)
		memcpy(&reply->loaded_unix_ms, v.mv_data, sizeof reply->loaded_unix_ms);
	call->reply = &reply->base;
	return 0;
}

const struct api_method categoriser_methods[] = {
	{"GetCategory", &n2gg__v1__get_category_request__descriptor, cat_get_category, false, ROLE_READER},
	{"ListCategories", &n2gg__v1__list_categories_request__descriptor, cat_list_categories, false, ROLE_READER},
	{"SetOverride", &n2gg__v1__set_override_request__descriptor, cat_set_override, true, ROLE_OFFICER},
	{"ClearOverride", &n2gg__v1__clear_override_request__descriptor, cat_clear_override, true, ROLE_OFFICER},
	{"CategoryHistory", &n2gg__v1__category_history_request__descriptor, cat_history, false, ROLE_READER},
	{"CategorySummary", &n2gg__v1__category_summary_request__descriptor, cat_summary, false, ROLE_READER},
	{"CheckPolicy", &n2gg__v1__check_policy_request__descriptor, cat_check_policy, false, ROLE_OFFICER},
	{"ReloadPolicy", &n2gg__v1__reload_policy_request__descriptor, cat_reload_policy, true, ROLE_ADMIN},
	{"GetPolicy", &n2gg__v1__get_policy_request__descriptor, cat_get_policy, false, ROLE_READER},
};
const size_t categoriser_method_count = sizeof categoriser_methods / sizeof *categoriser_methods;
