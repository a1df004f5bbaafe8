/* visit_reports: partners' reports of their visits, through the API (RecordVisitReport,
 * GetVisitReport, ListVisitReports), the count of overdue reports for /metrics, and whether
 * a visit has a report (a re-plan keeps such a visit). What a report must say is
 * visit_report.c's to check; this file looks the visit up, stores the report with the
 * visit's key and announces it as visit.reported in the call's transaction. */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "scheduler.h"
#include "visit_report.h"

#define VR_KEY_MAX 96

static struct scheduler *vr_scheduler(const struct api_call *call)
{
	return ((struct service *)call->service)->impl;
}

static const char *vr_actor(const struct api_call *call)
{
	return call->actor && call->actor[0] ? call->actor : "unknown";
}

bool sch_visit_reported(struct scheduler *s, MDB_txn *txn, const N2gg__V1__Visit *v)
{
	uint8_t key[VR_KEY_MAX];
	size_t klen = sch_visit_key(v->urn, v->id, key, sizeof key);
	MDB_val val;
	return store_get(txn, s->db[SCH_DB_VISIT_REPORTS], key, klen, &val, NULL) == 0;
}

/* The stored visit of `id`: INVALID_ARGUMENT when `id` is not shaped like a visit id,
 * NOT_FOUND when no such visit is scheduled. */
static int vr_visit(struct api_call *call, const char *id, N2gg__V1__Visit **out)
{
	uint32_t urn = visit_report_urn_of(id);
	if (!id[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "visit_id: required");
	if (!urn)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "visit_id \"%.80s\" is not a visit id (URN-YEAR-KIND-HALF_TERM, as "
				   "`n2gg visits list` shows them)",
				   id);
	uint8_t key[VR_KEY_MAX];
	size_t klen = sch_visit_key(urn, id, key, sizeof key);
	if (sch_store_get(vr_scheduler(call), call->txn, SCH_DB_VISITS, key, klen,
			  &n2gg__v1__visit__descriptor, call->arena, (void **)out, NULL) < 0)
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no visit \"%.80s\" is scheduled (see `n2gg visits list`)", id);
	return 0;
}

/* The visit's report, or NULL when it has none. */
static N2gg__V1__VisitReport *vr_report(struct api_call *call, const N2gg__V1__Visit *v)
{
	uint8_t key[VR_KEY_MAX];
	size_t klen = sch_visit_key(v->urn, v->id, key, sizeof key);
	N2gg__V1__VisitReport *r = NULL;
	if (sch_store_get(vr_scheduler(call), call->txn, SCH_DB_VISIT_REPORTS, key, klen,
			  &n2gg__v1__visit_report__descriptor, call->arena, (void **)&r, NULL) < 0)
		return NULL;
	return r;
}

/* The visiting partner, or NULL when the visit names none the store knows (a letter then
 * says "your partner"). */
static const N2gg__V1__Partner *vr_partner(struct scheduler *s, MDB_txn *txn, const char *id,
					   struct arena *a)
{
	N2gg__V1__Partner *p;
	if (!id || !id[0] || sch_store_get_partner(s, txn, id, a, &p, NULL) < 0)
		return NULL;
	return p;
}

static char *vr_partner_name(struct scheduler *s, MDB_txn *txn, const char *id, struct arena *a)
{
	const N2gg__V1__Partner *p = vr_partner(s, txn, id, a);
	return p ? p->name : "";
}

/* The annual conversation is one per school and year: another visit's report of it is
 * ALREADY_EXISTS, naming the report to correct instead. */
static int vr_check_annual(struct api_call *call, const N2gg__V1__Visit *visit)
{
	uint8_t prefix[4];
	store_be32(prefix, visit->urn);
	N2gg__V1__VisitReport **school;
	size_t n;
	int rc = sch_store_scan(vr_scheduler(call), call->txn, SCH_DB_VISIT_REPORTS, prefix,
				sizeof prefix, &n2gg__v1__visit_report__descriptor, call->arena,
				(void ***)&school, &n, &call->status);
	if (rc < 0)
		return rc;
	const N2gg__V1__VisitReport *other = visit_report_annual_taken(visit, school, n);
	if (!other)
		return 0;
	return status_fail(&call->status, STATUS_ALREADY_EXISTS,
			   "school %u has its annual conversation of %u/%02u already (visit %.80s, "
			   "reported %s): correct that report instead",
			   visit->urn, visit->year - 1, visit->year % 100, other->visit_id,
			   other->held ? other->date_held : "as not held");
}

/* Whether the visit's report is overdue today, and by how many days. */
static bool vr_overdue(const struct scheduler *s, const N2gg__V1__Visit *v, int today,
		       int *days)
{
	int day;
	*days = 0;
	return date_parse(v->date, &day) == 0 &&
	       visit_report_overdue(day, today, s->report_due_days, days);
}

int sch_record_visit_report(struct api_call *call)
{
	const N2gg__V1__RecordVisitReportRequest *req = call->body;
	struct scheduler *s = vr_scheduler(call);
	if (!req->report)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "report: required");
	N2gg__V1__VisitReport *r = visit_report_clean(req->report, call->arena);
	N2gg__V1__Visit *visit;
	int rc;
	if ((rc = vr_visit(call, r->visit_id, &visit)) < 0 ||
	    (rc = visit_report_check(r, visit, scheduler_today(s), call->arena, &call->status)) <
		    0 ||
	    (rc = vr_check_annual(call, visit)) < 0)
		return rc;
	N2gg__V1__VisitReport *old = vr_report(call, visit);
	const N2gg__V1__Partner *partner = vr_partner(s, call->txn, visit->partner_id, call->arena);
	N2gg__V1__VisitReportReply *reply =
		arena_message(call->arena, &n2gg__v1__visit_report_reply__descriptor);
	reply->visit = visit;
	reply->partner_name = partner ? partner->name : "";
	call->reply = &reply->base;
	if (old && visit_report_same(old, r)) {   /* sent again: nothing to store or tell */
		reply->report = old;
		return 0;
	}
	r->recorded_by = (char *)vr_actor(call);
	r->recorded_unix_ms = date_now_ms();
	r->version = old ? old->version + 1 : 1;
	r->visit = visit;
	r->partner_name = reply->partner_name;
	uint8_t key[VR_KEY_MAX];
	size_t klen = sch_visit_key(visit->urn, visit->id, key, sizeof key);
	if ((rc = sch_store_put(s, call->txn, SCH_DB_VISIT_REPORTS, key, klen, &r->base, call->arena,
				&call->status)) < 0)
		return rc;
	N2gg__V1__VisitReportEvent ev = N2GG__V1__VISIT_REPORT_EVENT__INIT;
	ev.report = r;
	ev.previous = old;
	ev.partner_name = reply->partner_name;
	ev.partner_email = partner ? partner->email : "";
	ev.partner_phone = partner ? partner->phone : "";
	ev.school_name = visit->school_name;
	if ((rc = eventlog_append(call->log, call->txn, "visit.reported", vr_actor(call), &ev.base,
				  NULL, &call->status)) < 0)
		return rc;
	reply->report = r;
	reply->changed = 1;
	return 0;
}

int sch_get_visit_report(struct api_call *call)
{
	const N2gg__V1__GetVisitReportRequest *req = call->body;
	struct scheduler *s = vr_scheduler(call);
	N2gg__V1__Visit *visit;
	int rc = vr_visit(call, req->visit_id, &visit);
	if (rc < 0)
		return rc;
	N2gg__V1__VisitReportReply *reply =
		arena_message(call->arena, &n2gg__v1__visit_report_reply__descriptor);
	reply->visit = visit;
	reply->report = vr_report(call, visit);
	reply->partner_name = vr_partner_name(s, call->txn, visit->partner_id, call->arena);
	int days;
	if (!reply->report && vr_overdue(s, visit, scheduler_today(s), &days)) {
		reply->overdue = 1;
		reply->days_overdue = (uint32_t)days;
	}
	call->reply = &reply->base;
	return 0;
}

static bool vr_visit_matches(const N2gg__V1__Visit *v, const N2gg__V1__ListVisitReportsRequest *req)
{
	return v && (!req->urn || v->urn == req->urn) &&
	       (!req->partner_id[0] || strcmp(v->partner_id, req->partner_id) == 0) &&
	       (!req->kind[0] || strcmp(v->kind, req->kind) == 0);
}

static int vr_report_by_date(const void *x, const void *y)
{
	const N2gg__V1__VisitReport *a = *(N2gg__V1__VisitReport *const *)x,
				    *b = *(N2gg__V1__VisitReport *const *)y;
	int c = strcmp(a->visit ? a->visit->date : "", b->visit ? b->visit->date : "");
	return c ? c : strcmp(a->visit_id, b->visit_id);
}

static int vr_overdue_by_date(const void *x, const void *y)
{
	const N2gg__V1__Visit *a = (*(N2gg__V1__OverdueVisit *const *)x)->visit,
			      *b = (*(N2gg__V1__OverdueVisit *const *)y)->visit;
	int c = strcmp(a->date, b->date);
	return c ? c : strcmp(a->id, b->id);
}

/* The stored visits matching `filter` (NULL: all) that are past their report's due date
 * with no report, in key order, with the days each is overdue. */
static int vr_overdue_visits(struct scheduler *s, MDB_txn *txn, struct arena *a,
			     const N2gg__V1__ListVisitReportsRequest *filter,
			     N2gg__V1__Visit ***out, int **days, size_t *n, struct status *st)
{
	N2gg__V1__Visit **visits;
	size_t total;
	int rc = sch_store_all(s, txn, SCH_DB_VISITS, &n2gg__v1__visit__descriptor, a,
			       (void ***)&visits, &total, st);
	if (rc < 0)
		return rc;
	int today = scheduler_today(s);
	*days = arena_alloc(a, sizeof **days * (total + 1));
	*n = 0;
	for (size_t i = 0; i < total; i++)
		if ((!filter || vr_visit_matches(visits[i], filter)) &&
		    vr_overdue(s, visits[i], today, &(*days)[*n]) &&
		    !sch_visit_reported(s, txn, visits[i]))
			visits[(*n)++] = visits[i];
	*out = visits;
	return 0;
}

static int vr_list_overdue(struct api_call *call, const N2gg__V1__ListVisitReportsRequest *req,
			   N2gg__V1__ListVisitReportsReply *reply)
{
	struct scheduler *s = vr_scheduler(call);
	N2gg__V1__Visit **visits;
	int *days;
	size_t n;
	int rc = vr_overdue_visits(s, call->txn, call->arena, req, &visits, &days, &n,
				   &call->status);
	if (rc < 0)
		return rc;
	reply->overdue = arena_alloc(call->arena, sizeof *reply->overdue * (n + 1));
	for (size_t i = 0; i < n; i++) {
		int day = 0;
		char due[DATE_ISO_LEN];
		date_parse(visits[i]->date, &day);   /* it parsed to be overdue */
		N2gg__V1__OverdueVisit *o =
			arena_message(call->arena, &n2gg__v1__overdue_visit__descriptor);
		o->visit = visits[i];
		o->partner_name = vr_partner_name(s, call->txn, visits[i]->partner_id, call->arena);
		o->days_overdue = (uint32_t)days[i];
		o->due_date = arena_strdup(call->arena, date_format(day + s->report_due_days, due));
		reply->overdue[reply->n_overdue++] = o;
	}
	if (reply->n_overdue > 1)
		qsort(reply->overdue, reply->n_overdue, sizeof *reply->overdue, vr_overdue_by_date);
	return 0;
}

static int vr_list_reports(struct api_call *call, const N2gg__V1__ListVisitReportsRequest *req,
			   N2gg__V1__ListVisitReportsReply *reply)
{
	N2gg__V1__VisitReport **all;
	size_t n;
	int rc = sch_store_all(vr_scheduler(call), call->txn, SCH_DB_VISIT_REPORTS,
			       &n2gg__v1__visit_report__descriptor, call->arena, (void ***)&all, &n,
			       &call->status);
	if (rc < 0)
		return rc;
	reply->reports = arena_alloc(call->arena, sizeof *reply->reports * (n + 1));
	for (size_t i = 0; i < n; i++)
		if (vr_visit_matches(all[i]->visit, req))
			reply->reports[reply->n_reports++] = all[i];
	if (reply->n_reports > 1)
		qsort(reply->reports, reply->n_reports, sizeof *reply->reports, vr_report_by_date);
	return 0;
}

int sch_list_visit_reports(struct api_call *call)
{
	const N2gg__V1__ListVisitReportsRequest *req = call->body;
	struct scheduler *s = vr_scheduler(call);
	if (req->kind[0] && strcmp(req->kind, VISIT_KIND_ANNUAL) != 0 &&
	    strcmp(req->kind, VISIT_KIND_MONITORING) != 0)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "kind \"%.40s\" is not " VISIT_KIND_MONITORING " or " VISIT_KIND_ANNUAL,
				   req->kind);
	N2gg__V1__ListVisitReportsReply *reply =
		arena_message(call->arena, &n2gg__v1__list_visit_reports_reply__descriptor);
	char today[DATE_ISO_LEN];
	reply->report_due_days = (uint32_t)s->report_due_days;
	reply->today = arena_strdup(call->arena, date_format(scheduler_today(s), today));
	int rc = req->overdue ? vr_list_overdue(call, req, reply) : vr_list_reports(call, req, reply);
	if (rc < 0)
		return rc;
	call->reply = &reply->base;
	return 0;
}

int sch_visit_reports_overdue(struct scheduler *s, MDB_txn *txn, unsigned long long *count,
			      struct status *st)
{
	struct arena a;
	arena_init(&a);
	N2gg__V1__Visit **visits;
	int *days;
	size_t n = 0;
	int rc = vr_overdue_visits(s, txn, &a, NULL, &visits, &days, &n, st);
	*count = rc < 0 ? 0 : n;
	arena_free(&a);
	return rc;
}
