/* apply: the other services' events. The registry's keep the notifier's own copy of each
 * school's recipients and each cluster's chair; a category change, an allocation change
 * or a visit becomes a notice, recorded in the transaction that moves the cursor. An event
 * about a school the registry has not told us of yet (the services are followed
 * independently, so the categoriser can be heard first) is parked, and applied when the
 * school arrives: a letter is never dropped for want of its address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"
#include "n2gg/v1/scheduler.pb-c.h"
#include "notifier.h"
#include "registry_event.h"

enum { NTF_FROM_CATEGORISER = 'c', NTF_FROM_SCHEDULER = 's' };

/* ---- replays after --resync ---- */

static void apply_quiet_key(const char *source, char *key, size_t size)
{
	snprintf(key, size, "quiet/%s", source);
}

int notifier_resync_begin(struct service *svc, MDB_txn *txn, const struct service_resync *r,
			  struct status *st)
{
	struct notifier *n = svc->impl;
	for (int i = 0; i < NTF_DB_COUNT; i++)   /* before on_start: the store just opened */
		n->db[i] = svc->store.dbs[i];
	int rc;
	for (const char *const *src = r->sources; *src; src++) {
		if (strcmp(*src, "registry") == 0)
			continue;   /* its events write no letters */
		uint64_t cursor, quiet = 0;
		char key[64];
		MDB_val v;
		apply_quiet_key(*src, key, sizeof key);
		if ((rc = sub_read_cursor(txn, n->db[NTF_DB_CURSORS], *src, &cursor, st)) <
		    0)
			return rc;
		rc = store_get(txn, n->db[NTF_DB_META], key, strlen(key), &v, st);
		if (rc == 0 && v.mv_size == 8)
			quiet = store_from_be64(v.mv_data);
		else if (rc < 0 && rc != -STATUS_NOT_FOUND)
			return rc;
		/* a second resync before the first replay caught up keeps the first's mark: the
		 * letters went that far */
		if (cursor > quiet)
			quiet = cursor;
		uint8_t be[8];
		store_be64(be, quiet);
		if ((rc = store_put(txn, n->db[NTF_DB_META], key, strlen(key), be, 8, 0,
				    st)) < 0)
			return rc;
		log_info("replaying without letters up to where they went", "source=%s seq=%llu",
			 *src, (unsigned long long)quiet);
	}
	/* the categoriser's word on each school comes again with its replay */
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, n->db[NTF_DB_SCHOOLS], &cur);
	if (mrc)
		return store_error(mrc, "reading schools", st);
	struct arena a;
	arena_init(&a);
	MDB_val k, v;
	rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		arena_reset(&a);
		N2gg__V1__NotifierSchool *s = (N2gg__V1__NotifierSchool *)protobuf_c_message_unpack(
			&n2gg__v1__notifier_school__descriptor, &a.pb, v.mv_size, v.mv_data);
		if (!s || !s->category[0])
			continue;
		s->category = "";
		rc = ntf_put_school(n, txn, s, &a, st);
	}
	mdb_cursor_close(cur);
	arena_free(&a);
	return rc;
}

/* Whether an event of `source` is replayed after --resync, its letter already written. */
static bool apply_quietly(struct notifier *n, MDB_txn *txn, char source, uint64_t seq)
{
	char key[64];
	MDB_val v;
	apply_quiet_key(source == NTF_FROM_CATEGORISER ? "categoriser" : "scheduler", key,
			sizeof key);
	return store_get(txn, n->db[NTF_DB_META], key, strlen(key), &v, NULL) == 0 &&
	       v.mv_size == 8 && seq <= store_from_be64(v.mv_data);
}

static int apply_categoriser_event(struct notifier *n, MDB_txn *txn, const N2gg__V1__Event *ev,
				   struct arena *a, struct status *st);
static int apply_scheduler_event(struct notifier *n, MDB_txn *txn, const N2gg__V1__Event *ev,
				 struct arena *a, struct status *st);

static struct notice_letterhead apply_letterhead(const struct notifier *n)
{
	struct notice_letterhead lh = n->letterhead;
	lh.date = notifier_today(n);
	return lh;
}

/* Whether a change was an officer's own (an override, an LA flag, a pin), told by the cause
 * the categoriser and the scheduler write: its letter waits the settle window, so that a
 * correction made within it replaces the letter before anyone reads it. A change the rules
 * make of Ofsted's or the DfE's data is told at once. */
static bool apply_by_hand(char source, const char *cause)
{
	static const char *const categoriser[] = {"override ", "registry.flags.changed ", NULL};
	static const char *const scheduler[] = {"pinned", "a pin", "cluster choice", NULL};
	for (const char *const *p = source == NTF_FROM_CATEGORISER ? categoriser : scheduler; *p;
	     p++)
		if (strncmp(cause, *p, strlen(*p)) == 0)
			return true;
	return false;
}

static uint64_t apply_not_before(const struct notifier *n, bool by_hand)
{
	return by_hand && n->settle_ms ? (uint64_t)date_now_ms() + n->settle_ms : 0;
}

/* Keeps an event about an unknown school until the registry names it. */
static int apply_park(struct notifier *n, MDB_txn *txn, uint32_t urn, char source,
		      const N2gg__V1__Event *ev, struct arena *a, struct status *st)
{
	uint8_t key[13];
	store_be32(key, urn);
	key[4] = (uint8_t)source;
	store_be64(key + 5, ev->seq);
	log_info("event about a school not yet known kept until the registry names it",
		 "urn=%u topic=%s seq=%llu", urn, log_str(ev->topic), (unsigned long long)ev->seq);
	return ntf_put(n, txn, NTF_DB_PARKED, key, sizeof key, &ev->base, a, st);
}

static int apply_unpark(struct notifier *n, MDB_txn *txn, uint32_t urn, struct arena *a,
			struct status *st)
{
	uint8_t prefix[4];
	store_be32(prefix, urn);
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, n->db[NTF_DB_PARKED], &cur);
	if (mrc)
		return store_error(mrc, "reading parked events", st);
	MDB_val k = {sizeof prefix, prefix}, v;
	int rc = 0;
	while ((mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)) == 0 &&
	       memcmp(k.mv_data, prefix, sizeof prefix) == 0) {
		char source = ((const char *)k.mv_data)[4];
		N2gg__V1__Event *ev = (N2gg__V1__Event *)protobuf_c_message_unpack(
			&n2gg__v1__event__descriptor, &a->pb, v.mv_size, v.mv_data);
		if ((mrc = mdb_cursor_del(cur, 0)) != 0) {
			rc = store_error(mrc, "dropping a parked event", st);
			break;
		}
		if (!ev)
			continue;
		rc = source == NTF_FROM_CATEGORISER ? apply_categoriser_event(n, txn, ev, a, st)
						    : apply_scheduler_event(n, txn, ev, a, st);
		if (rc < 0)
			break;
		k.mv_size = sizeof prefix;
		k.mv_data = prefix;
	}
	mdb_cursor_close(cur);
	return rc;
}

static N2gg__V1__Recipient *apply_recipient(struct arena *a, const N2gg__V1__Recipient *old,
					    uint32_t urn, const char *cluster_id,
					    N2gg__V1__RecipientRole role,
					    const N2gg__V1__Contact *contact)
{
	N2gg__V1__Recipient *r = arena_message(a, &n2gg__v1__recipient__descriptor);
	r->urn = urn;
	r->cluster_id = (char *)cluster_id;
	r->role = role;
	r->name = contact ? contact->name : "";
	r->email = contact ? contact->email : "";
	r->digest = old && old->digest;   /* the recipient's choice outlives a new address */
	return r;
}

static int apply_cluster(struct notifier *n, MDB_txn *txn, const N2gg__V1__Cluster *c,
			 struct arena *a, struct status *st)
{
	if (!c || !c->id[0])
		return 0;
	N2gg__V1__NotifierCluster *old = NULL;
	int rc = ntf_get_cluster(n, txn, c->id, a, &old, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	N2gg__V1__NotifierCluster *now = arena_message(a, &n2gg__v1__notifier_cluster__descriptor);
	now->id = c->id;
	now->name = c->name;
	now->status = c->status;   /* a closed cluster gets no MI sheet */
	now->chair = apply_recipient(a, old ? old->chair : NULL, 0, c->id,
				     N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR, c->chair);
	return ntf_put(n, txn, NTF_DB_CLUSTERS, c->id, strlen(c->id), &now->base, a, st);
}

int notifier_apply_registry(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
			    struct status *st)
{
	struct notifier *n = ctx;
	struct arena *a = &n->arena;
	arena_reset(a);
	N2gg__V1__RegistryEvent *re = (N2gg__V1__RegistryEvent *)protobuf_c_message_unpack(
		&n2gg__v1__registry_event__descriptor, &a->pb, ev->payload.len, ev->payload.data);
	if (!re) {
		n->stats.malformed++;
		log_warn("malformed registry event ignored", "seq=%llu topic=%s",
			 (unsigned long long)ev->seq, log_str(ev->topic));
		return 0;
	}
	if (re->body_case == N2GG__V1__REGISTRY_EVENT__BODY_CLUSTER)
		return apply_cluster(n, txn, re->cluster->cluster, a, st);
	uint32_t urn;
	const N2gg__V1__School *school = registry_event_school(re, &urn);
	if (!school || !school->urn)
		return 0;
	N2gg__V1__NotifierSchool *old = NULL;
	int rc = ntf_get_school(n, txn, school->urn, a, &old, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	N2gg__V1__NotifierSchool *now = arena_message(a, &n2gg__v1__notifier_school__descriptor);
	now->urn = school->urn;
	now->name = school->name;
	now->cluster_id = school->cluster_id;
	now->phase = school->phase;
	now->status = school->status;
	now->category = old ? old->category : "";   /* the categoriser's */
	now->headteacher = apply_recipient(a, old ? old->headteacher : NULL, school->urn,
					   school->cluster_id,
					   N2GG__V1__RECIPIENT_ROLE__RECIPIENT_HEADTEACHER,
					   school->headteacher);
	now->chair_of_governors = apply_recipient(
		a, old ? old->chair_of_governors : NULL, school->urn, school->cluster_id,
		N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CHAIR_OF_GOVERNORS, school->chair_of_governors);
	if ((rc = ntf_put_school(n, txn, now, a, st)) < 0)
		return rc;
	return old ? 0 : apply_unpark(n, txn, school->urn, a, st);
}

/* ---- letters still to go ---- */

/* The school's latest notice of a kind that can still be rewritten ("category/121234" in
 * the meta database names it), or NULL. */
static N2gg__V1__Notice *apply_open_notice(struct notifier *n, MDB_txn *txn, const char *slot,
					   N2gg__V1__Recipient *const *to, size_t to_count,
					   struct arena *a, struct status *st)
{
	MDB_val cur;
	N2gg__V1__Notice *notice;
	if (store_get(txn, n->db[NTF_DB_META], slot, strlen(slot), &cur, NULL) < 0)
		return NULL;
	const char *id = arena_strndup(a, cur.mv_data, cur.mv_size);
	struct ntf_untried u = ntf_notice_untried(n, txn, id, a, st);
	if (!u.untried)
		return NULL;
	/* a letter that goes to nobody (no address when it was written) is rewritten only
	 * while that is still so: once an address is known, the next change gets a letter of
	 * its own, which reaches it */
	bool addressed_now = false;
	for (size_t i = 0; i < to_count; i++)
		addressed_now |= to[i] && to[i]->email[0];
	if (!u.waiting && addressed_now)
		return NULL;
	return ntf_get_notice(n, txn, id, a, &notice, st) < 0 ? NULL : notice;
}

/* An open notice whose news a later change undid (a school back in the category it was last
 * told of): none of its letters goes. */
static int apply_withdraw(struct notifier *n, MDB_txn *txn, const N2gg__V1__Notice *notice,
			  const char *slot, const char *why, struct arena *a, struct status *st)
{
	int rc = ntf_notice_withdraw(n, txn, notice, why, "notifier", a, st);
	if (rc == 0)
		rc = store_del(txn, n->db[NTF_DB_META], slot, strlen(slot), st);
	return rc == -STATUS_NOT_FOUND ? 0 : rc;
}

/* Writes new data (taken) into an open notice; its deliveries, keys and Message-IDs stay. */
static int apply_rewrite(struct notifier *n, MDB_txn *txn, N2gg__V1__Notice *notice,
			 json_t *data, const char *cause, struct arena *a, struct status *st)
{
	char *json = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(data);
	if (!json)
		return status_fail(st, STATUS_INTERNAL, "notice %s: no data", notice->id);
	notice->data_json = arena_strdup(a, json);
	free(json);
	notice->cause = arena_printf(a, "%s; then %s", notice->cause, cause);
	struct notice_rendered r;
	if (notice_render(&n->templates, notice->kind, notice->data_json, NULL, a, &r, st) == 0)
		notice->subject = (char *)r.subject;
	N2gg__V1__NoticeCreated ev = N2GG__V1__NOTICE_CREATED__INIT;
	ev.notice = notice;
	int rc = ntf_put(n, txn, NTF_DB_NOTICES, notice->id, strlen(notice->id), &notice->base, a, st);
	return rc < 0 ? rc : eventlog_append(&n->svc->log, txn, "notice.updated", "notifier", &ev.base,
					    NULL, st);
}

static int apply_remember(struct notifier *n, MDB_txn *txn, const char *slot, const char *id,
			  struct status *st)
{
	return store_put(txn, n->db[NTF_DB_META], slot, strlen(slot), id, strlen(id), 0, st);
}

/* ---- category letters ---- */

static int apply_categoriser_event(struct notifier *n, MDB_txn *txn, const N2gg__V1__Event *ev,
				   struct arena *a, struct status *st)
{
	if (strcmp(ev->topic, "category.changed") != 0)
		return 0;
	N2gg__V1__CategoryChanged *c = (N2gg__V1__CategoryChanged *)protobuf_c_message_unpack(
		&n2gg__v1__category_changed__descriptor, &a->pb, ev->payload.len, ev->payload.data);
	if (!c || !c->urn) {
		n->stats.malformed++;
		log_warn("malformed category event ignored", "seq=%llu", (unsigned long long)ev->seq);
		return 0;
	}
	N2gg__V1__NotifierSchool *school = NULL;
	int rc = ntf_get_school(n, txn, c->urn, a, &school, st);
	if (rc == -STATUS_NOT_FOUND)
		return apply_park(n, txn, c->urn, NTF_FROM_CATEGORISER, ev, a, st);
	if (rc < 0)
		return rc;
	school->category = c->category;
	if ((rc = ntf_put_school(n, txn, school, a, st)) < 0)
		return rc;
	if (!c->category[0] || apply_quietly(n, txn, NTF_FROM_CATEGORISER, ev->seq))
		return 0;   /* closed, nothing to tell a school that is gone; or told already */
	struct notice_letterhead lh = apply_letterhead(n);
	const char *slot = arena_printf(a, "category/%u", c->urn);
	const char *cause = arena_printf(a, "categoriser #%llu: %s", (unsigned long long)ev->seq,
					 c->cause);
	N2gg__V1__Recipient *to[2];
	size_t to_count = ntf_school_recipients(school, 3, to);
	N2gg__V1__Notice *open = apply_open_notice(n, txn, slot, to, to_count, a, st);
	if (open) {   /* the letter not yet sent tells of the latest category instead */
		json_t *was = json_loads(open->data_json, 0, NULL);
		const char *told = json_string_value(
			json_object_get(json_object_get(was, "category"), "previous"));
		N2gg__V1__CategoryChanged *latest = arena_message_copy(a, &c->base);
		latest->previous_category = arena_strdup(a, told ? told : c->previous_category);
		json_decref(was);
		if (latest->previous_category[0] && strcmp(latest->previous_category, c->category) == 0)
			return apply_withdraw(
				n, txn, open, slot,
				arena_printf(a, "withdrawn: %s, the school is back in category %s",
					     cause, c->category),
				a, st);
		return apply_rewrite(n, txn, open, notice_data_category(&lh, school, latest), cause,
				     a, st);
	}
	bool by_hand = apply_by_hand(NTF_FROM_CATEGORISER, c->cause);
	struct ntf_notice_spec spec = {
		.kind = N2GG__V1__NOTICE_KIND__NOTICE_CATEGORY_LETTER,
		.id = arena_printf(a, "category-%u-c%llu", c->urn, (unsigned long long)ev->seq),
		.urn = c->urn,
		.cluster_id = school->cluster_id,
		.school_name = school->name,
		.cause = cause,
		.data = notice_data_category(&lh, school, c),
		.recipients = to,
		.recipient_count = to_count,
		.not_before_ms = apply_not_before(n, by_hand),
		.by_hand = by_hand,
		.actor = "notifier",
	};
	rc = ntf_notice_create(n, txn, &n->svc->log, &spec, a, st);
	if (rc == -STATUS_ALREADY_EXISTS)
		return 0;
	return rc < 0 ? rc : apply_remember(n, txn, slot, spec.id, st);
}

int notifier_apply_categoriser(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
			       struct status *st)
{
	struct notifier *n = ctx;
	arena_reset(&n->arena);
	return apply_categoriser_event(n, txn, ev, &n->arena, st);
}

/* ---- allocation letters and visit schedules ---- */

static int apply_allocation(struct notifier *n, MDB_txn *txn, const N2gg__V1__Event *ev,
			    struct arena *a, struct status *st)
{
	N2gg__V1__AllocationChanged *c = (N2gg__V1__AllocationChanged *)protobuf_c_message_unpack(
		&n2gg__v1__allocation_changed__descriptor, &a->pb, ev->payload.len, ev->payload.data);
	if (!c || !c->allocation || (!c->allocation->urn && !c->allocation->cluster_id[0])) {
		n->stats.malformed++;
		log_warn("malformed allocation event ignored", "seq=%llu",
			 (unsigned long long)ev->seq);
		return 0;
	}
	const N2gg__V1__Allocation *al = c->allocation;
	if (!al->partner_id[0] && !c->previous_partner_id[0])
		return 0;   /* still unserved: the officers' business, not the school's yet */
	N2gg__V1__NotifierSchool *school = NULL;
	N2gg__V1__NotifierCluster *cluster = NULL;
	N2gg__V1__Recipient *to[2];
	size_t count = 0;
	int rc;
	if (al->urn) {
		rc = ntf_get_school(n, txn, al->urn, a, &school, st);
		if (rc == -STATUS_NOT_FOUND)
			return apply_park(n, txn, al->urn, NTF_FROM_SCHEDULER, ev, a, st);
		if (rc < 0)
			return rc;
		count = ntf_school_recipients(school, 3, to);
	} else {
		rc = ntf_get_cluster(n, txn, al->cluster_id, a, &cluster, st);
		if (rc == -STATUS_NOT_FOUND) {
			n->stats.unknown_clusters++;
			log_warn("allocation for an unknown cluster: no letter", "cluster=%s seq=%llu",
				 log_str(al->cluster_id), (unsigned long long)ev->seq);
			return 0;
		}
		if (rc < 0)
			return rc;
		to[count++] = cluster->chair;
	}
	if (apply_quietly(n, txn, NTF_FROM_SCHEDULER, ev->seq))
		return 0;
	struct notice_letterhead lh = apply_letterhead(n);
	const char *slot = al->urn ? arena_printf(a, "allocation/%u/%d", al->urn, (int)al->role)
				   : arena_printf(a, "allocation/%s/%d", al->cluster_id, (int)al->role);
	const char *cause =
		arena_printf(a, "scheduler #%llu: %s", (unsigned long long)ev->seq, c->cause);
	N2gg__V1__Notice *open = apply_open_notice(n, txn, slot, to, count, a, st);
	if (open) {   /* the letter not yet sent tells of the latest partner instead */
		json_t *was = json_loads(open->data_json, 0, NULL);
		const char *told = json_string_value(
			json_object_get(json_object_get(was, "allocation"), "previous_partner"));
		N2gg__V1__AllocationChanged *latest = arena_message_copy(a, &c->base);
		latest->previous_partner_id = arena_strdup(a, told ? told : c->previous_partner_id);
		json_decref(was);
		if (strcmp(latest->previous_partner_id, al->partner_id) == 0)
			return apply_withdraw(
				n, txn, open, slot,
				arena_printf(a, "withdrawn: %s, the partner is again the one told of",
					     cause),
				a, st);
		return apply_rewrite(n, txn, open,
				     notice_data_allocation(&lh, school, cluster, latest), cause, a,
				     st);
	}
	bool by_hand = apply_by_hand(NTF_FROM_SCHEDULER, c->cause);
	struct ntf_notice_spec spec = {
		.kind = N2GG__V1__NOTICE_KIND__NOTICE_ALLOCATION_LETTER,
		.id = al->urn ? arena_printf(a, "allocation-%u-r%d-s%llu", al->urn, (int)al->role,
					     (unsigned long long)ev->seq)
			      : arena_printf(a, "allocation-%s-r%d-s%llu", al->cluster_id,
					     (int)al->role, (unsigned long long)ev->seq),
		.urn = al->urn,
		.cluster_id = al->cluster_id,
		.school_name = school ? school->name : cluster->name,
		.cause = cause,
		.data = notice_data_allocation(&lh, school, cluster, c),
		.recipients = to,
		.recipient_count = count,
		.not_before_ms = apply_not_before(n, by_hand),
		.by_hand = by_hand,
		.actor = "notifier",
	};
	rc = ntf_notice_create(n, txn, &n->svc->log, &spec, a, st);
	if (rc == -STATUS_ALREADY_EXISTS)
		return 0;
	return rc < 0 ? rc : apply_remember(n, txn, slot, spec.id, st);
}

static int visit_by_date(const void *x, const void *y)
{
	const N2gg__V1__Visit *a = *(N2gg__V1__Visit *const *)x, *b = *(N2gg__V1__Visit *const *)y;
	int c = strcmp(a->date, b->date);
	return c ? c : strcmp(a->id, b->id);
}

/* The school's visits from today, by date. */
static int apply_upcoming_visits(struct notifier *n, MDB_txn *txn, uint32_t urn, struct arena *a,
				 N2gg__V1__Visit ***out, size_t *count, struct status *st)
{
	uint8_t prefix[4];
	store_be32(prefix, urn);
	N2gg__V1__Visit **all;
	size_t total;
	int rc = ntf_scan(n, txn, NTF_DB_VISITS, prefix, sizeof prefix, &n2gg__v1__visit__descriptor,
			  a, (void ***)&all, &total, st);
	if (rc < 0)
		return rc;
	int today = notifier_today(n);
	*count = 0;
	for (size_t i = 0; i < total; i++) {
		int day;
		if (date_parse(all[i]->date, &day) == 0 && day >= today)
			all[(*count)++] = all[i];
	}
	if (*count > 1)
		qsort(all, *count, sizeof *all, visit_by_date);
	*out = all;
	return 0;
}

/* Visits come one event each while a plan is made; the school gets one letter listing them
 * all. The letter waits visit_settle_ms for the rest of the plan, and a visit arriving while
 * it waits is written into it. */
static int apply_visit(struct notifier *n, MDB_txn *txn, const N2gg__V1__Event *ev,
		       struct arena *a, struct status *st)
{
	N2gg__V1__VisitEvent *ve = (N2gg__V1__VisitEvent *)protobuf_c_message_unpack(
		&n2gg__v1__visit_event__descriptor, &a->pb, ev->payload.len, ev->payload.data);
	if (!ve || !ve->visit || !ve->visit->urn || !ve->visit->id[0]) {
		n->stats.malformed++;
		log_warn("malformed visit event ignored", "seq=%llu", (unsigned long long)ev->seq);
		return 0;
	}
	const N2gg__V1__Visit *v = ve->visit;
	N2gg__V1__NotifierSchool *school = NULL;
	int rc = ntf_get_school(n, txn, v->urn, a, &school, st);
	if (rc == -STATUS_NOT_FOUND)
		return apply_park(n, txn, v->urn, NTF_FROM_SCHEDULER, ev, a, st);
	if (rc < 0)
		return rc;
	size_t idlen = strlen(v->id);
	uint8_t *vkey = arena_alloc(a, 4 + idlen);
	store_be32(vkey, v->urn);
	memcpy(vkey + 4, v->id, idlen);
	if (strcmp(ev->topic, "visit.cancelled") == 0) {
		rc = store_del(txn, n->db[NTF_DB_VISITS], vkey, 4 + idlen, st);
		if (rc < 0 && rc != -STATUS_NOT_FOUND)
			return rc;
	} else if ((rc = ntf_put(n, txn, NTF_DB_VISITS, vkey, 4 + idlen, &v->base, a, st)) < 0) {
		return rc;
	}
	if (apply_quietly(n, txn, NTF_FROM_SCHEDULER, ev->seq))
		return 0;
	N2gg__V1__Visit **visits;
	size_t count;
	if ((rc = apply_upcoming_visits(n, txn, v->urn, a, &visits, &count, st)) < 0)
		return rc;
	struct notice_letterhead lh = apply_letterhead(n);
	json_t *data = notice_data_visits(&lh, school, visits, count);

	const char *slot = arena_printf(a, "visits/%u", v->urn);
	const char *cause = arena_printf(a, "scheduler #%llu: %s", (unsigned long long)ev->seq,
					 ve->cause);
	N2gg__V1__Recipient *to[2];
	size_t to_count = ntf_school_recipients(school, 3, to);
	N2gg__V1__Notice *open = apply_open_notice(n, txn, slot, to, to_count, a, st);
	if (open)
		return apply_rewrite(n, txn, open, data, cause, a, st);
	MDB_val told;
	if (count == 0 && store_get(txn, n->db[NTF_DB_META], slot, strlen(slot), &told, NULL) < 0) {
		json_decref(data);   /* no letter was sent and no visit is left to tell of */
		return 0;
	}
	struct ntf_notice_spec spec = {
		.kind = N2GG__V1__NOTICE_KIND__NOTICE_VISIT_SCHEDULE,
		.id = arena_printf(a, "visits-%u-s%llu", v->urn, (unsigned long long)ev->seq),
		.urn = v->urn,
		.cluster_id = school->cluster_id,
		.school_name = school->name,
		.cause = cause,
		.data = data,
		.recipients = to,
		.recipient_count = to_count,
		.not_before_ms = (uint64_t)date_now_ms() + n->visit_settle_ms,
		.actor = "notifier",
	};
	rc = ntf_notice_create(n, txn, &n->svc->log, &spec, a, st);
	if (rc == -STATUS_ALREADY_EXISTS)
		return 0;
	return rc < 0 ? rc : apply_remember(n, txn, slot, spec.id, st);
}

/* Whether a letter of the notice `slot` names went to someone: one cancelled or withdrawn
 * before it went told nobody, and a later letter must not say it replaces it. */
static bool apply_told(struct notifier *n, MDB_txn *txn, const char *slot, struct arena *a,
		       struct status *st)
{
	MDB_val id;
	if (store_get(txn, n->db[NTF_DB_META], slot, strlen(slot), &id, NULL) < 0)
		return false;
	char *prefix = arena_strndup(a, id.mv_data, id.mv_size);
	char **keys;
	size_t count;
	if (ntf_scan(n, txn, NTF_DB_NOTICE_DELIVERIES, prefix, strlen(prefix) + 1, NULL, a,
		     (void ***)&keys, &count, st) < 0)
		return false;
	for (size_t i = 0; i < count; i++) {
		N2gg__V1__Delivery *d;
		if (ntf_get_delivery(n, txn, keys[i], a, &d, st) == 0 &&
		    (d->state == N2GG__V1__DELIVERY_STATE__DELIVERY_SENT ||
		     d->state == N2GG__V1__DELIVERY_STATE__DELIVERY_IN_DIGEST))
			return true;
	}
	return false;
}

/* A partner's report of a visit becomes a letter to the head and the chair. It is a
 * person's record, so it waits the settle window: a correction made before the letter goes
 * is written into it, and one made after gets a letter of its own that says it replaces the
 * first. */
static int apply_visit_report(struct notifier *n, MDB_txn *txn, const N2gg__V1__Event *ev,
			      struct arena *a, struct status *st)
{
	N2gg__V1__VisitReportEvent *re = (N2gg__V1__VisitReportEvent *)protobuf_c_message_unpack(
		&n2gg__v1__visit_report_event__descriptor, &a->pb, ev->payload.len, ev->payload.data);
	const N2gg__V1__VisitReport *r = re ? re->report : NULL;
	if (!r || !r->visit || !r->visit->urn || !r->visit_id[0]) {
		n->stats.malformed++;
		log_warn("malformed visit report event ignored", "seq=%llu",
			 (unsigned long long)ev->seq);
		return 0;
	}
	uint32_t urn = r->visit->urn;
	N2gg__V1__NotifierSchool *school = NULL;
	int rc = ntf_get_school(n, txn, urn, a, &school, st);
	if (rc == -STATUS_NOT_FOUND)
		return apply_park(n, txn, urn, NTF_FROM_SCHEDULER, ev, a, st);
	if (rc < 0)
		return rc;
	if (apply_quietly(n, txn, NTF_FROM_SCHEDULER, ev->seq))
		return 0;
	struct notice_letterhead lh = apply_letterhead(n);
	const char *slot = arena_printf(a, "visit_report/%s", r->visit_id);
	const char *cause = arena_printf(a, "scheduler #%llu: visit %s reported by %s",
					 (unsigned long long)ev->seq, r->visit_id,
					 r->recorded_by && r->recorded_by[0] ? r->recorded_by
									     : ev->actor);
	N2gg__V1__Recipient *to[2];
	size_t to_count = ntf_school_recipients(school, 3, to);
	N2gg__V1__Notice *open = apply_open_notice(n, txn, slot, to, to_count, a, st);
	if (open) {   /* not gone yet: it tells of the report as corrected, as it told before */
		json_t *was = json_loads(open->data_json, 0, NULL);
		bool corrected = json_is_true(
			json_object_get(json_object_get(was, "report"), "corrected"));
		json_decref(was);
		return apply_rewrite(n, txn, open,
				     notice_data_visit_report(&lh, school, re, corrected), cause, a,
				     st);
	}
	/* a letter of an earlier version went: this one replaces it */
	bool corrected = re->previous && apply_told(n, txn, slot, a, st);
	struct ntf_notice_spec spec = {
		.kind = N2GG__V1__NOTICE_KIND__NOTICE_VISIT_REPORT,
		.id = arena_printf(a, "visit-report-%u-s%llu", urn, (unsigned long long)ev->seq),
		.urn = urn,
		.cluster_id = school->cluster_id,
		.school_name = school->name,
		.cause = cause,
		.data = notice_data_visit_report(&lh, school, re, corrected),
		.recipients = to,
		.recipient_count = to_count,
		.not_before_ms = apply_not_before(n, true),
		.by_hand = true,
		.actor = "notifier",
	};
	rc = ntf_notice_create(n, txn, &n->svc->log, &spec, a, st);
	if (rc == -STATUS_ALREADY_EXISTS)
		return 0;
	return rc < 0 ? rc : apply_remember(n, txn, slot, spec.id, st);
}

static int apply_scheduler_event(struct notifier *n, MDB_txn *txn, const N2gg__V1__Event *ev,
				 struct arena *a, struct status *st)
{
	if (strcmp(ev->topic, "allocation.changed") == 0)
		return apply_allocation(n, txn, ev, a, st);
	if (strcmp(ev->topic, "visit.scheduled") == 0 || strcmp(ev->topic, "visit.cancelled") == 0)
		return apply_visit(n, txn, ev, a, st);
	if (strcmp(ev->topic, "visit.reported") == 0)
		return apply_visit_report(n, txn, ev, a, st);
	return 0;
}

int notifier_apply_scheduler(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
			     struct status *st)
{
	struct notifier *n = ctx;
	arena_reset(&n->arena);
	return apply_scheduler_event(n, txn, ev, &n->arena, st);
}
