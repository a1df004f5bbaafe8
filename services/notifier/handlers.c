/* handlers: the notifier's API. Officers publish, withdraw and correct MI sheets and record
 * schools' (clusters') responses and answers;
 * everyone can read notices, their deliveries and the dead-letter list, send a dead
 * letter again, and choose a daily digest. Writes change the store in the call's
 * transaction; the sender is woken once they commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "message.h"
#include "mi.h"
#include "notifier.h"

static struct notifier *ntf_of(const struct api_call *call)
{
	return ((struct service *)call->service)->impl;
}

static const char *ntf_actor(const struct api_call *call)
{
	return call->actor && call->actor[0] ? call->actor : "unknown";
}

/* ---- MI sheets ---- */

static int ntf_mi_get(struct api_call *call, const char *number, N2gg__V1__MiSheet **out)
{
	struct mi_number parsed;
	if (mi_number_parse(number, &parsed, &call->status) < 0)
		return -call->status.code;
	char key[17];
	key[0] = 'S';
	ntf_mi_key(key + 1, number);
	int rc = ntf_get(ntf_of(call), call->txn, NTF_DB_MI, key, strlen(key),
			 &n2gg__v1__mi_sheet__descriptor, call->arena, (void **)out, &call->status);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(&call->status, STATUS_NOT_FOUND, "no MI sheet %s", number);
	return rc;
}

/* Counts the schools (clusters) and recipients the sheet reaches now. */
static int ntf_mi_audience(struct api_call *call, const N2gg__V1__MiSheet *sheet,
			   N2gg__V1__MiReply *reply)
{
	struct ntf_mi_party *parties;
	size_t count;
	int rc = ntf_mi_parties(ntf_of(call), call->txn, sheet, call->arena, &parties, &count,
				&call->status);
	for (size_t i = 0; rc == 0 && i < count; i++) {
		unsigned roles = parties[i].roles;
		reply->schools++;
		reply->recipients += parties[i].school ? (roles & 1) + ((roles & 2) >> 1) : 1;
	}
	return rc;
}

/* The sheet's dates as the form writes them (the publication date today's when not
 * given). */
static void ntf_mi_write_dates(struct api_call *call, N2gg__V1__MiSheet *sheet,
			       const struct mi_sheet *m)
{
	char iso[DATE_ISO_LEN];
	date_format(m->publication_date, iso);
	sheet->publication_date = arena_strdup(call->arena, iso);
	if (m->complete_by != MI_NO_DATE) {
		date_format(m->complete_by, iso);
		sheet->complete_by = arena_strdup(call->arena, iso);
	}
}

static int ntf_publish_mi(struct api_call *call)
{
	const N2gg__V1__PublishMiRequest *req = call->body;
	struct notifier *n = ntf_of(call);
	struct status *st = &call->status;
	if (!req->sheet)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no sheet");
	N2gg__V1__MiSheet *sheet = arena_message_copy(call->arena, &req->sheet->base);
	if (sheet->number[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Number: assigned on publication, not given");
	if (sheet->withdrawn || sheet->revision)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "a sheet is withdrawn or corrected after it is published "
				   "(WithdrawMi, CorrectMi), not as it is published");
	int today = notifier_today(n);
	struct mi_sheet m;
	int rc = mi_sheet_from_proto(sheet, &m, st);
	if (rc < 0)
		return rc;
	if (!sheet->publication_date[0])
		m.publication_date = today;
	if ((rc = mi_validate(&m, today, st)) < 0)
		return rc;
	ntf_mi_write_dates(call, sheet, &m);
	N2gg__V1__MiReply *reply = arena_message(call->arena, &n2gg__v1__mi_reply__descriptor);
	reply->sheet = sheet;
	if ((rc = ntf_mi_audience(call, sheet, reply)) < 0)
		return rc;
	/* before the number is taken: a sheet to nobody would use one up for good */
	if (reply->schools == 0)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "Audience: nobody is in it (no open %s matches the sheet's "
				   "audience as things stand); nothing was published and no MI "
				   "number was used",
				   sheet->audience && sheet->audience->cluster_chairs ? "cluster"
										: "school");
	/* the number: the next of the publication year, never reused (kept even if this
	 * sheet is withdrawn) */
	int year = mi_number_year(m.publication_date);
	char last_key[8];
	int klen = snprintf(last_key, sizeof last_key, "L%04d", year);
	MDB_val v;
	int last = 0;
	rc = store_get(call->txn, n->db[NTF_DB_MI], last_key, (size_t)klen, &v, st);
	if (rc == 0 && v.mv_size == 4)
		last = (int)store_from_be32(v.mv_data);
	else if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	struct mi_number number;
	char text[MI_NUMBER_LEN];
	if ((rc = mi_next_number(last, year, &number, st)) < 0 ||
	    (rc = mi_number_format(number, text, st)) < 0)
		return rc;
	sheet->number = arena_strdup(call->arena, text);
	sheet->published_by = (char *)ntf_actor(call);
	sheet->published_unix_ms = date_now_ms();
	sheet->issued = false;
	sheet->reminder_sent = false;
	call->reply = &reply->base;
	if (req->dry_run)
		return 0;
	uint8_t be[4];
	store_be32(be, (uint32_t)number.seq);
	char key[17];
	key[0] = 'S';
	ntf_mi_key(key + 1, sheet->number);
	N2gg__V1__MiEvent ev = N2GG__V1__MI_EVENT__INIT;
	ev.sheet = sheet;
	if ((rc = store_put(call->txn, n->db[NTF_DB_MI], last_key, (size_t)klen, be, 4, 0, st)) < 0 ||
	    (rc = ntf_put(n, call->txn, NTF_DB_MI, key, strlen(key), &sheet->base, call->arena,
			  st)) < 0 ||
	    (rc = eventlog_append(call->log, call->txn, "notice.mi.published", ntf_actor(call),
				  &ev.base, NULL, st)) < 0)
		return rc;
	if (m.publication_date <= today)
		return ntf_mi_issue(n, call->txn, call->log, sheet, ntf_actor(call), call->arena, st);
	return 0;
}

static int ntf_get_mi(struct api_call *call)
{
	const N2gg__V1__GetMiRequest *req = call->body;
	N2gg__V1__MiReply *reply = arena_message(call->arena, &n2gg__v1__mi_reply__descriptor);
	int rc = ntf_mi_get(call, req->number, &reply->sheet);
	if (rc < 0)
		return rc;
	if (reply->sheet->issued)
		reply->schools = reply->sheet->schools;
	else if ((rc = ntf_mi_audience(call, reply->sheet, reply)) < 0)
		return rc;
	uint8_t prefix[NTF_MI_KEY_MAX];
	size_t plen = ntf_mi_history_key(prefix, reply->sheet->number, 0) - 4;
	if ((rc = ntf_scan(ntf_of(call), call->txn, NTF_DB_MI, prefix, plen,
			   &n2gg__v1__mi_sheet__descriptor, call->arena, (void ***)&reply->history,
			   &reply->n_history, &call->status)) < 0)
		return rc;
	call->reply = &reply->base;
	return 0;
}

static int ntf_list_mi(struct api_call *call)
{
	const N2gg__V1__ListMiRequest *req = call->body;
	if (req->year && (req->year < MI_YEAR_MIN || req->year > MI_YEAR_MAX))
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "year %u is not one an MI number can name (%d-%d)", req->year,
				   MI_YEAR_MIN, MI_YEAR_MAX);
	char prefix[8];
	int plen = req->year ? snprintf(prefix, sizeof prefix, "S%04u/", req->year)
			     : snprintf(prefix, sizeof prefix, "S");
	N2gg__V1__ListMiReply *reply = arena_message(call->arena, &n2gg__v1__list_mi_reply__descriptor);
	int rc = ntf_scan(ntf_of(call), call->txn, NTF_DB_MI, prefix, (size_t)plen,
			  &n2gg__v1__mi_sheet__descriptor, call->arena, (void ***)&reply->sheets,
			  &reply->n_sheets, &call->status);
	call->reply = &reply->base;
	return rc;
}

/* "MI 003/13 was withdrawn (the dates were wrong)", for a refusal. */
static const char *ntf_mi_withdrawn_text(struct api_call *call, const N2gg__V1__MiSheet *s)
{
	return arena_printf(call->arena, "MI %s was withdrawn (%s)", s->number,
			    s->withdrawal_reason);
}

/* Who responds to a sheet: the school `urn` for a sheet to schools, the cluster for a sheet
 * to cluster chairs; either in the sheet's audience. Fills the response's who. */
static int ntf_mi_responder(struct api_call *call, const N2gg__V1__MiSheet *sheet,
			    const N2gg__V1__RespondMiRequest *req, N2gg__V1__MiResponse *r)
{
	struct notifier *n = ntf_of(call);
	struct status *st = &call->status;
	bool for_clusters = sheet->audience && sheet->audience->cluster_chairs;
	if (req->urn && req->cluster_id[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "give a school's URN or a cluster's id, not both");
	if (for_clusters && !req->cluster_id[0])
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "MI %s is for cluster chairs: its responses are the clusters', "
				   "give the cluster's id",
				   sheet->number);
	if (!for_clusters && !req->urn)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "MI %s is for schools: give the school's URN", sheet->number);
	if (for_clusters) {
		N2gg__V1__NotifierCluster *c;
		struct mi_sheet m;
		int rc = ntf_get_cluster(n, call->txn, req->cluster_id, call->arena, &c, st);
		if (rc == -STATUS_NOT_FOUND)
			return status_fail(st, STATUS_NOT_FOUND, "no cluster %s", req->cluster_id);
		if (rc < 0 || (rc = mi_sheet_from_proto(sheet, &m, st)) < 0)
			return rc;
		if (!mi_audience_has_cluster(&m, c->id))
			return status_fail(st, STATUS_FAILED_PRECONDITION,
					   "the %s cluster (%s) is not in the audience of MI %s",
					   c->name, c->id, sheet->number);
		r->cluster_id = c->id;
		r->cluster_name = c->name;
		return 0;
	}
	N2gg__V1__NotifierSchool *school;
	unsigned roles;
	int rc = ntf_get_school(n, call->txn, req->urn, call->arena, &school, st);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(st, STATUS_NOT_FOUND, "no school %u", req->urn);
	if (rc < 0)
		return rc;
	if (!ntf_mi_school_matches(sheet, school, &roles))
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "%s (%u) is not in the audience of MI %s", school->name,
				   school->urn, sheet->number);
	r->urn = school->urn;
	r->school_name = school->name;
	r->cluster_id = school->cluster_id;
	return 0;
}

/* The answers checked against the sheet's questions and put in question order, each choice
 * written as the sheet writes it. */
static int ntf_mi_answers(struct api_call *call, const N2gg__V1__MiSheet *sheet,
			  N2gg__V1__MiAnswer *const *given, size_t count, N2gg__V1__MiResponse *r)
{
	struct mi_sheet m;
	int rc = mi_sheet_from_proto(sheet, &m, &call->status);
	if (rc < 0)
		return rc;
	const char **chosen = arena_alloc(call->arena, (count + 1) * sizeof *chosen);
	if ((rc = mi_answers_check(&m, given, count, chosen, &call->status)) < 0)
		return rc;
	r->answers = arena_alloc(call->arena, (count + 1) * sizeof *r->answers);
	r->n_answers = 0;
	for (size_t q = 0; q < sheet->n_questions; q++)
		for (size_t i = 0; i < count; i++) {
			if (given[i]->question != sheet->questions[q]->number)
				continue;
			N2gg__V1__MiAnswer *a =
				arena_message(call->arena, &n2gg__v1__mi_answer__descriptor);
			a->question = given[i]->question;
			a->answer = (char *)chosen[i];
			r->answers[r->n_answers++] = a;
		}
	return 0;
}

static int ntf_respond_mi(struct api_call *call)
{
	const N2gg__V1__RespondMiRequest *req = call->body;
	struct notifier *n = ntf_of(call);
	struct status *st = &call->status;
	N2gg__V1__MiSheet *sheet;
	int rc = ntf_mi_get(call, req->number, &sheet);
	if (rc < 0)
		return rc;
	if (sheet->type != N2GG__V1__MI_TYPE__MI_ACTION)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "MI %s is an Information sheet: it takes no responses",
				   sheet->number);
	if (sheet->withdrawn)
		return status_fail(st, STATUS_FAILED_PRECONDITION, "%s: it takes no more responses",
				   ntf_mi_withdrawn_text(call, sheet));
	if (!sheet->issued)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "MI %s is not issued yet (publication date %s)", sheet->number,
				   sheet->publication_date);
	N2gg__V1__MiResponse *r = arena_message(call->arena, &n2gg__v1__mi_response__descriptor);
	if ((rc = ntf_mi_responder(call, sheet, req, r)) < 0)
		return rc;
	const char *who = r->urn ? arena_printf(call->arena, "%s (%u)", r->school_name, r->urn)
				 : arena_printf(call->arena, "the %s cluster (%s)", r->cluster_name,
						r->cluster_id);
	uint8_t key[NTF_MI_KEY_MAX];
	size_t klen = ntf_response_key(key, sheet->number, r->urn, r->urn ? NULL : r->cluster_id);
	MDB_val v;
	if (!klen)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "cluster id too long");
	if (store_get(call->txn, n->db[NTF_DB_MI], key, klen, &v, NULL) == 0)
		return status_fail(st, STATUS_ALREADY_EXISTS, "%s has already responded to MI %s",
				   who, sheet->number);
	/* a sheet without questions takes a response without answers, as it always has */
	if ((sheet->n_questions || req->n_answers) &&
	    (rc = ntf_mi_answers(call, sheet, req->answers, req->n_answers, r)) < 0)
		return rc;
	r->number = sheet->number;
	r->respondent = req->respondent[0] ? req->respondent : (char *)ntf_actor(call);
	r->note = req->note;
	r->unix_ms = date_now_ms();
	N2gg__V1__MiResponded ev = N2GG__V1__MI_RESPONDED__INIT;
	ev.response = r;
	if ((rc = ntf_put(n, call->txn, NTF_DB_MI, key, klen, &r->base, call->arena, st)) < 0 ||
	    (rc = eventlog_append(call->log, call->txn, "notice.mi.responded", ntf_actor(call),
				  &ev.base, NULL, st)) < 0)
		return rc;
	N2gg__V1__MiResponseReply *reply =
		arena_message(call->arena, &n2gg__v1__mi_response_reply__descriptor);
	reply->response = r;
	call->reply = &reply->base;
	return 0;
}

/* Every response to the sheet, schools' and clusters'. */
static int ntf_mi_responses(struct api_call *call, const char *number,
			    N2gg__V1__MiResponse ***out, size_t *count)
{
	uint8_t prefix[NTF_MI_KEY_MAX];
	size_t plen = ntf_response_key(prefix, number, 0, NULL);
	return ntf_scan(ntf_of(call), call->txn, NTF_DB_MI, prefix, plen,
			&n2gg__v1__mi_response__descriptor, call->arena, (void ***)out, count,
			&call->status);
}

static int ntf_mi_status(struct api_call *call)
{
	const N2gg__V1__MiStatusRequest *req = call->body;
	struct notifier *n = ntf_of(call);
	N2gg__V1__MiStatusReply *reply =
		arena_message(call->arena, &n2gg__v1__mi_status_reply__descriptor);
	int rc = ntf_mi_get(call, req->number, &reply->sheet);
	if (rc < 0 ||
	    (rc = ntf_mi_responses(call, reply->sheet->number, &reply->responded,
				   &reply->n_responded)) < 0)
		return rc;
	struct ntf_mi_party *parties;
	size_t count, cap = 0;
	if ((rc = ntf_mi_parties(n, call->txn, reply->sheet, call->arena, &parties, &count,
				 &call->status)) < 0)
		return rc;
	for (size_t i = 0; i < count; i++) {
		const struct ntf_mi_party *p = &parties[i];
		N2gg__V1__OutstandingSchool *o =
			arena_message(call->arena, &n2gg__v1__outstanding_school__descriptor);
		if (p->school) {
			o->urn = p->school->urn;
			o->school_name = p->school->name;
			o->cluster_id = p->school->cluster_id;
		} else {
			o->cluster_id = p->cluster->id;
			o->cluster_name = p->cluster->name;
		}
		if (ntf_mi_responded(n, call->txn, reply->sheet->number, o->urn,
				     o->urn ? NULL : o->cluster_id))
			continue;
		reply->outstanding = arena_grow(call->arena, reply->outstanding,
						reply->n_outstanding, &cap, sizeof *reply->outstanding);
		reply->outstanding[reply->n_outstanding++] = o;
	}
	call->reply = &reply->base;
	return 0;
}

/* A sheet that can still be withdrawn or corrected. */
static int ntf_mi_changeable(struct api_call *call, const char *number, const char *what,
			     N2gg__V1__MiSheet **sheet)
{
	int rc = ntf_mi_get(call, number, sheet);
	if (rc < 0)
		return rc;
	if ((*sheet)->withdrawn)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION, "%s: it cannot be %s",
				   ntf_mi_withdrawn_text(call, *sheet), what);
	return 0;
}

static int ntf_withdraw_mi(struct api_call *call)
{
	const N2gg__V1__WithdrawMiRequest *req = call->body;
	N2gg__V1__MiSheet *sheet;
	if (mi_blank(req->reason))
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "a reason is required: the letter of withdrawal gives it");
	int rc = ntf_mi_changeable(call, req->number, "withdrawn again", &sheet);
	N2gg__V1__MiReply *reply = arena_message(call->arena, &n2gg__v1__mi_reply__descriptor);
	unsigned schools;
	if (rc < 0 || (rc = ntf_mi_withdraw(ntf_of(call), call->txn, call->log, sheet, req->reason,
					    ntf_actor(call), call->arena, &schools,
					    &call->status)) < 0)
		return rc;
	reply->sheet = sheet;
	reply->schools = schools;
	call->reply = &reply->base;
	return 0;
}

/* Whether a correction leaves the sheet as it was: the packed messages are equal. */
static bool ntf_mi_same(struct api_call *call, const N2gg__V1__MiSheet *x,
			const N2gg__V1__MiSheet *y)
{
	size_t nx = protobuf_c_message_get_packed_size(&x->base);
	size_t ny = protobuf_c_message_get_packed_size(&y->base);
	if (nx != ny)
		return false;
	uint8_t *bx = arena_alloc(call->arena, nx + 1), *by = arena_alloc(call->arena, ny + 1);
	protobuf_c_message_pack(&x->base, bx);
	protobuf_c_message_pack(&y->base, by);
	return memcmp(bx, by, nx) == 0;
}

/* Answers already given must still answer the corrected questions, or the record of the
 * consultation would hold answers to questions nobody was asked. */
static int ntf_mi_answers_still_fit(struct api_call *call, const N2gg__V1__MiSheet *now,
				    const struct mi_sheet *m)
{
	N2gg__V1__MiResponse **all;
	size_t count;
	int rc = ntf_mi_responses(call, now->number, &all, &count);
	for (size_t i = 0; rc == 0 && i < count; i++) {
		if (!all[i]->n_answers)
			continue;
		const char **chosen = arena_alloc(call->arena, all[i]->n_answers * sizeof *chosen);
		struct status why;
		if (mi_answers_check(m, all[i]->answers, all[i]->n_answers, chosen, &why) < 0)
			return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
					   "the correction does not fit the answers %s already "
					   "gave (%s): keep the questions and options they "
					   "answered, or withdraw the sheet and publish a new one",
					   all[i]->urn ? all[i]->school_name : all[i]->cluster_name,
					   why.message);
	}
	return rc;
}

static int ntf_correct_mi(struct api_call *call)
{
	const N2gg__V1__CorrectMiRequest *req = call->body;
	struct status *st = &call->status;
	const N2gg__V1__MiSheet *c = req->sheet;
	N2gg__V1__MiSheet *was;
	if (!c)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no sheet: give the corrected sheet");
	if (mi_blank(req->note))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "say what was corrected: the letter of correction gives it");
	int rc = ntf_mi_changeable(call, req->number, "corrected", &was);
	if (rc < 0)
		return rc;
	/* the content is replaced; what it is and who it is for stay */
	N2gg__V1__MiSheet *now = arena_message_copy(call->arena, &was->base);
	now->title = c->title;
	now->body = c->body;
	now->complete_by = c->complete_by;
	now->contact_name = c->contact_name;
	now->contact_phone = c->contact_phone;
	now->n_links = c->n_links;
	now->links = c->links;
	now->n_questions = c->n_questions;
	now->questions = c->questions;
	struct mi_sheet m;
	if ((rc = mi_sheet_from_proto(now, &m, st)) < 0 ||
	    (rc = mi_validate_correction(&m, notifier_today(ntf_of(call)), st)) < 0)
		return rc;
	ntf_mi_write_dates(call, now, &m);
	if (ntf_mi_same(call, was, now))
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "nothing to correct: MI %s already says this", was->number);
	if ((rc = ntf_mi_answers_still_fit(call, now, &m)) < 0)
		return rc;
	now->correction_note = req->note;
	unsigned schools;
	if ((rc = ntf_mi_correct(ntf_of(call), call->txn, call->log, was, now, ntf_actor(call),
				 call->arena, &schools, st)) < 0)
		return rc;
	N2gg__V1__MiReply *reply = arena_message(call->arena, &n2gg__v1__mi_reply__descriptor);
	reply->sheet = now;
	reply->schools = schools;
	call->reply = &reply->base;
	return 0;
}

/* ---- notices and deliveries ---- */

/* The notice ids an index range holds (values of NOTICE_INDEX under prefix), oldest first. */
static int ntf_index_ids(struct api_call *call, const uint8_t *prefix, size_t plen,
			 char ***ids, size_t *count)
{
	struct notifier *n = ntf_of(call);
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(call->txn, n->db[NTF_DB_NOTICE_INDEX], &cur);
	if (mrc)
		return store_error(mrc, "reading the notices", &call->status);
	MDB_val k = {plen, (void *)prefix}, v;
	size_t cap = 0;
	*ids = NULL;
	*count = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
			break;
		*ids = arena_grow(call->arena, *ids, *count, &cap, sizeof **ids);
		(*ids)[(*count)++] = arena_strndup(call->arena, v.mv_data, v.mv_size);
	}
	mdb_cursor_close(cur);
	return 0;
}

static int ntf_school_ids(struct api_call *call, uint32_t urn, char ***ids, size_t *count)
{
	uint8_t prefix[5] = {'A'};
	size_t plen = 1;
	if (urn) {
		prefix[0] = 'S';
		store_be32(prefix + 1, urn);
		plen = 5;
	}
	return ntf_index_ids(call, prefix, plen, ids, count);
}

static int ntf_list_notices(struct api_call *call)
{
	const N2gg__V1__ListNoticesRequest *req = call->body;
	struct notifier *n = ntf_of(call);
	if (req->kind && !notice_kind(req->kind))
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "unknown notice kind %d",
				   (int)req->kind);
	char **ids;
	size_t count;
	int rc = ntf_school_ids(call, req->urn, &ids, &count);
	if (rc < 0)
		return rc;
	size_t limit = req->limit ? req->limit : 100;
	N2gg__V1__ListNoticesReply *reply =
		arena_message(call->arena, &n2gg__v1__list_notices_reply__descriptor);
	reply->notices = arena_alloc(call->arena, (limit < count ? limit : count + 1) *
							  sizeof *reply->notices);
	for (size_t i = count; i-- > 0 && reply->n_notices < limit;) {
		N2gg__V1__Notice *notice;
		if ((rc = ntf_get_notice(n, call->txn, ids[i], call->arena, &notice,
					 &call->status)) < 0)
			return rc;
		if (req->kind && notice->kind != req->kind)
			continue;
		if (req->pending) {
			struct ntf_untried u = ntf_notice_untried(n, call->txn, notice->id,
								  call->arena, &call->status);
			if (!u.untried || !u.due_ms)
				continue;   /* gone, or going to nobody (ListUnsent lists those) */
			notice->due_unix_ms = u.due_ms;
		}
		notice->data_json = "";   /* for the renderer, not the reader */
		reply->notices[reply->n_notices++] = notice;
	}
	call->reply = &reply->base;
	return 0;
}

static int ntf_notice_deliveries(struct api_call *call, const char *notice_id,
				 N2gg__V1__DeliveriesReply *reply, size_t *cap)
{
	struct notifier *n = ntf_of(call);
	char **keys;
	size_t count;
	int rc = ntf_scan(n, call->txn, NTF_DB_NOTICE_DELIVERIES, notice_id, strlen(notice_id) + 1,
			  NULL, call->arena, (void ***)&keys, &count, &call->status);
	for (size_t i = 0; rc == 0 && i < count; i++) {
		reply->deliveries = arena_grow(call->arena, reply->deliveries,
					       reply->n_deliveries, cap, sizeof *reply->deliveries);
		rc = ntf_get_delivery(n, call->txn, keys[i], call->arena,
				      &reply->deliveries[reply->n_deliveries], &call->status);
		if (rc == 0)
			reply->n_deliveries++;
	}
	return rc;
}

static int ntf_delivery_log(struct api_call *call)
{
	const N2gg__V1__DeliveryLogRequest *req = call->body;
	if (!req->urn == !req->notice_id[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "give a school's URN or a notice id (one of them)");
	N2gg__V1__DeliveriesReply *reply =
		arena_message(call->arena, &n2gg__v1__deliveries_reply__descriptor);
	size_t cap = 0;
	int rc;
	if (req->notice_id[0]) {
		N2gg__V1__Notice *notice;
		rc = ntf_get_notice(ntf_of(call), call->txn, req->notice_id, call->arena, &notice,
				    &call->status);
		if (rc == -STATUS_NOT_FOUND)
			return status_fail(&call->status, STATUS_NOT_FOUND, "no notice %s",
					   req->notice_id);
		if (rc < 0 || (rc = ntf_notice_deliveries(call, req->notice_id, reply, &cap)) < 0)
			return rc;
	} else {
		char **ids;
		size_t count;
		if ((rc = ntf_school_ids(call, req->urn, &ids, &count)) < 0)
			return rc;
		for (size_t i = 0; i < count; i++)
			if ((rc = ntf_notice_deliveries(call, ids[i], reply, &cap)) < 0)
				return rc;
	}
	call->reply = &reply->base;
	return 0;
}

static int ntf_list_dead(struct api_call *call)
{
	struct notifier *n = ntf_of(call);
	char **keys;
	size_t count;
	int rc = ntf_scan(n, call->txn, NTF_DB_DEAD, NULL, 0, NULL, call->arena, (void ***)&keys,
			  &count, &call->status);
	N2gg__V1__DeliveriesReply *reply =
		arena_message(call->arena, &n2gg__v1__deliveries_reply__descriptor);
	reply->deliveries = arena_alloc(call->arena, (count + 1) * sizeof *reply->deliveries);
	for (size_t i = 0; rc == 0 && i < count; i++)
		if ((rc = ntf_get_delivery(n, call->txn, keys[i], call->arena,
					   &reply->deliveries[reply->n_deliveries],
					   &call->status)) == 0)
			reply->n_deliveries++;
	call->reply = &reply->base;
	return rc;
}

/* A notice's deliveries, one per recipient (a recipient has one per channel). */
static size_t ntf_notice_recipients(const N2gg__V1__DeliveriesReply *found,
				    N2gg__V1__Recipient **out)
{
	size_t n = 0;
	for (size_t i = 0; i < found->n_deliveries; i++) {
		const N2gg__V1__Recipient *r = found->deliveries[i]->recipient;
		bool seen = !r;
		for (size_t j = 0; j < n && !seen; j++)
			seen = out[j]->role == r->role && out[j]->urn == r->urn &&
			       strcmp(out[j]->cluster_id, r->cluster_id) == 0;
		if (!seen)
			out[n++] = found->deliveries[i]->recipient;
	}
	return n;
}

/* A notice by the id an officer typed, with an error that says what it is. */
static int ntf_notice_by_id(struct api_call *call, const char *id, N2gg__V1__Notice **out)
{
	int rc = ntf_get_notice(ntf_of(call), call->txn, id, call->arena, out, &call->status);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no notice has the id \"%s\" (`n2gg notices list` shows them)", id);
	return rc;
}

static int ntf_show_notice(struct api_call *call)
{
	const N2gg__V1__ShowNoticeRequest *req = call->body;
	struct notifier *n = ntf_of(call);
	N2gg__V1__ShowNoticeReply *reply =
		arena_message(call->arena, &n2gg__v1__show_notice_reply__descriptor);
	N2gg__V1__DeliveriesReply found = N2GG__V1__DELIVERIES_REPLY__INIT;
	size_t cap = 0;
	int rc = ntf_notice_by_id(call, req->id, &reply->notice);
	if (rc < 0 || (rc = ntf_notice_deliveries(call, req->id, &found, &cap)) < 0)
		return rc;
	N2gg__V1__Recipient **to = arena_alloc(call->arena, (found.n_deliveries + 1) * sizeof *to);
	size_t count = ntf_notice_recipients(&found, to);
	reply->letters = arena_alloc(call->arena, (count + 1) * sizeof *reply->letters);
	for (size_t i = 0; i < count; i++) {
		struct notice_rendered r;
		if ((rc = notice_render(&n->templates, reply->notice->kind, reply->notice->data_json,
					to[i], call->arena, &r, &call->status)) < 0)
			return rc;
		N2gg__V1__RenderedLetter *l =
			arena_message(call->arena, &n2gg__v1__rendered_letter__descriptor);
		l->recipient = to[i];
		l->subject = (char *)r.subject;
		l->text = (char *)r.text;
		reply->letters[reply->n_letters++] = l;
	}
	struct ntf_untried u = ntf_notice_untried(n, call->txn, req->id, call->arena, &call->status);
	reply->notice->due_unix_ms = u.untried ? u.due_ms : 0;
	reply->notice->data_json = "";
	call->reply = &reply->base;
	return 0;
}

static int ntf_cancel_notice(struct api_call *call)
{
	const N2gg__V1__CancelNoticeRequest *req = call->body;
	struct notifier *n = ntf_of(call);
	if (!req->reason[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "say why the letter is cancelled (reason)");
	N2gg__V1__Notice *notice;
	int rc = ntf_notice_by_id(call, req->id, &notice);
	if (rc < 0)
		return rc;
	if (!ntf_notice_untried(n, call->txn, req->id, call->arena, &call->status).untried)
		return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
				   "notice %s has gone out (or is going, or was withdrawn): it can "
				   "no longer be cancelled",
				   req->id);
	const char *why = arena_printf(call->arena, "cancelled by %s: %s", ntf_actor(call),
				       req->reason);
	if ((rc = ntf_notice_withdraw(n, call->txn, notice, why, ntf_actor(call), call->arena,
				      &call->status)) < 0)
		return rc;
	N2gg__V1__DeliveriesReply *reply =
		arena_message(call->arena, &n2gg__v1__deliveries_reply__descriptor);
	size_t cap = 0;
	if ((rc = ntf_notice_deliveries(call, req->id, reply, &cap)) < 0)
		return rc;
	call->reply = &reply->base;
	return 0;
}

static int ntf_list_unsent(struct api_call *call)
{
	const N2gg__V1__ListUnsentRequest *req = call->body;
	char **ids;
	size_t count;
	int rc = ntf_school_ids(call, 0, &ids, &count);
	if (rc < 0)
		return rc;
	size_t limit = req->limit ? req->limit : 100;
	N2gg__V1__ListUnsentReply *reply =
		arena_message(call->arena, &n2gg__v1__list_unsent_reply__descriptor);
	size_t cap = 0;
	for (size_t i = count; i-- > 0;) {
		N2gg__V1__DeliveriesReply found = N2GG__V1__DELIVERIES_REPLY__INIT;
		size_t fcap = 0;
		if ((rc = ntf_notice_deliveries(call, ids[i], &found, &fcap)) < 0)
			return rc;
		if (!ntf_unsent(found.deliveries, found.n_deliveries))
			continue;
		if (reply->total++ >= limit)
			continue;
		N2gg__V1__UnsentNotice *u = arena_message(call->arena, &n2gg__v1__unsent_notice__descriptor);
		if ((rc = ntf_get_notice(ntf_of(call), call->txn, ids[i], call->arena, &u->notice,
					 &call->status)) < 0)
			return rc;
		u->notice->data_json = "";
		u->reasons = arena_alloc(call->arena, (found.n_deliveries + 1) * sizeof *u->reasons);
		for (size_t d = 0; d < found.n_deliveries; d++) {
			const N2gg__V1__Delivery *dl = found.deliveries[d];
			if (dl->state != N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS)
				continue;
			const N2gg__V1__Recipient *r = dl->recipient;
			u->reasons[u->n_reasons++] = arena_printf(
				call->arena, "%s %s: %s",
				r && r->role ? notice_role_title(r->role) : "Recipient",
				r && r->name[0] ? r->name : "(no name on record)", dl->last_reply);
		}
		if (!found.n_deliveries)
			u->reasons[u->n_reasons++] = "no channel is configured that could send it";
		reply->notices = arena_grow(call->arena, reply->notices, reply->n_notices, &cap,
					    sizeof *reply->notices);
		reply->notices[reply->n_notices++] = u;
	}
	if ((rc = ntf_unreachable(ntf_of(call), call->txn, call->arena, reply, &call->status)) < 0)
		return rc;
	call->reply = &reply->base;
	return 0;
}

static int ntf_recipients_of(struct api_call *call, uint32_t urn, const char *cluster_id,
			     N2gg__V1__NotifierSchool **school, N2gg__V1__NotifierCluster **cluster,
			     N2gg__V1__RecipientsReply *reply);

/* The recipient as the registry has them now, with an address to send to. */
static int ntf_current_recipient(struct api_call *call, const N2gg__V1__Recipient *was,
				 N2gg__V1__Recipient **now)
{
	N2gg__V1__NotifierSchool *school;
	N2gg__V1__NotifierCluster *cluster;
	N2gg__V1__RecipientsReply found = N2GG__V1__RECIPIENTS_REPLY__INIT;
	int rc = ntf_recipients_of(call, was->urn, was->cluster_id, &school, &cluster, &found);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < found.n_recipients; i++) {
		if (found.recipients[i]->role != was->role)
			continue;
		struct status why;
		if (message_address_check(found.recipients[i]->email, &why) < 0)
			return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
					   "still no usable email address for %s: %s",
					   notice_role_title(was->role), why.message);
		*now = found.recipients[i];
		return 0;
	}
	return status_fail(&call->status, STATUS_FAILED_PRECONDITION, "the %s is no longer on record",
			   notice_role_title(was->role));
}

static int ntf_retry_delivery(struct api_call *call)
{
	const N2gg__V1__RetryDeliveryRequest *req = call->body;
	struct notifier *n = ntf_of(call);
	struct status *st = &call->status;
	size_t len = strlen(req->key);
	if (len < 8)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "give the delivery's key, or at least its first 8 characters");
	N2gg__V1__Delivery *old;
	int rc = ntf_get_delivery(n, call->txn, req->key, call->arena, &old, st);
	if (rc == -STATUS_NOT_FOUND) {   /* a prefix: it must name one dead letter */
		char **keys;
		size_t count, found = 0;
		const char *key = NULL;
		if ((rc = ntf_scan(n, call->txn, NTF_DB_DEAD, req->key, len, NULL, call->arena,
				   (void ***)&keys, &count, st)) < 0)
			return rc;
		for (size_t i = 0; i < count; i++, found++)
			key = arena_printf(call->arena, "%s%s", req->key, keys[i]);
		if (found == 0)
			return status_fail(st, STATUS_NOT_FOUND,
					   "no dead letter has a key starting with %s", req->key);
		if (found > 1)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%zu dead letters start with %s: give more of the key",
					   found, req->key);
		rc = ntf_get_delivery(n, call->txn, key, call->arena, &old, st);
	}
	if (rc < 0)
		return rc;
	N2gg__V1__Delivery *d = arena_message_copy(call->arena, &old->base);
	if (old->state == N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS) {
		/* the address has been put right in the registry since: send to it now */
		if ((rc = ntf_current_recipient(call, old->recipient, &d->recipient)) < 0)
			return rc;
	} else if (old->state != N2GG__V1__DELIVERY_STATE__DELIVERY_DEAD) {
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "delivery %.16s is neither on the dead-letter list nor waiting "
				   "for an address",
				   old->key);
	}
	d->state = N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING;
	d->attempts = 0;   /* a fresh round of attempts; the last reply stays until the next */
	d->next_attempt_unix_ms = date_now_ms();
	if ((rc = ntf_save_delivery(n, call->txn, old, d, call->arena, st)) < 0 ||
	    (rc = ntf_delivery_event(call->txn, call->log, "notice.retried", ntf_actor(call), d,
				     st)) < 0)
		return rc;
	n->stats.retried++;
	N2gg__V1__DeliveryReply *reply =
		arena_message(call->arena, &n2gg__v1__delivery_reply__descriptor);
	reply->delivery = d;
	call->reply = &reply->base;
	return 0;
}

/* ---- recipients and preferences ---- */

static int ntf_recipients_of(struct api_call *call, uint32_t urn, const char *cluster_id,
			     N2gg__V1__NotifierSchool **school, N2gg__V1__NotifierCluster **cluster,
			     N2gg__V1__RecipientsReply *reply)
{
	struct notifier *n = ntf_of(call);
	int rc;
	reply->recipients = arena_alloc(call->arena, 2 * sizeof *reply->recipients);
	if (urn) {
		rc = ntf_get_school(n, call->txn, urn, call->arena, school, &call->status);
		if (rc == -STATUS_NOT_FOUND)
			return status_fail(&call->status, STATUS_NOT_FOUND, "no school %u", urn);
		if (rc == 0)
			reply->n_recipients = ntf_school_recipients(*school, 3, reply->recipients);
		return rc;
	}
	if (!cluster_id[0])
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "give a school's URN or a cluster id");
	rc = ntf_get_cluster(n, call->txn, cluster_id, call->arena, cluster, &call->status);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(&call->status, STATUS_NOT_FOUND, "no cluster %s", cluster_id);
	if (rc == 0)
		reply->recipients[reply->n_recipients++] = (*cluster)->chair;
	return rc;
}

static int ntf_get_recipients(struct api_call *call)
{
	const N2gg__V1__RecipientsRequest *req = call->body;
	N2gg__V1__NotifierSchool *school;
	N2gg__V1__NotifierCluster *cluster;
	N2gg__V1__RecipientsReply *reply =
		arena_message(call->arena, &n2gg__v1__recipients_reply__descriptor);
	int rc = ntf_recipients_of(call, req->urn, req->cluster_id, &school, &cluster, reply);
	call->reply = &reply->base;
	return rc;
}

static int ntf_set_preference(struct api_call *call)
{
	const N2gg__V1__SetPreferenceRequest *req = call->body;
	struct notifier *n = ntf_of(call);
	N2gg__V1__NotifierSchool *school = NULL;
	N2gg__V1__NotifierCluster *cluster = NULL;
	N2gg__V1__RecipientsReply *reply =
		arena_message(call->arena, &n2gg__v1__recipients_reply__descriptor);
	int rc = ntf_recipients_of(call, req->urn, req->cluster_id, &school, &cluster, reply);
	if (rc < 0)
		return rc;
	bool found = false;
	for (size_t i = 0; i < reply->n_recipients; i++)
		if (reply->recipients[i]->role == req->role) {
			reply->recipients[i]->digest = req->digest;
			found = true;
		}
	if (!found)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "%s has no recipient of role %d", school ? school->name : cluster->id,
				   (int)req->role);
	rc = school ? ntf_put_school(n, call->txn, school, call->arena, &call->status)
		    : ntf_put(n, call->txn, NTF_DB_CLUSTERS, cluster->id, strlen(cluster->id),
			      &cluster->base, call->arena, &call->status);
	call->reply = &reply->base;
	return rc;
}

static int ntf_send_digests_now(struct api_call *call)
{
	N2gg__V1__SendDigestsReply *reply =
		arena_message(call->arena, &n2gg__v1__send_digests_reply__descriptor);
	unsigned digests, notices;
	int rc = ntf_send_digests(ntf_of(call), call->txn, call->log, call->arena, &digests,
				  &notices, &call->status);
	reply->digests = digests;
	reply->notices = notices;
	call->reply = &reply->base;
	return rc;
}

const struct api_method notifier_methods[] = {
	{"PublishMi", &n2gg__v1__publish_mi_request__descriptor, ntf_publish_mi, true, ROLE_PUBLISHER},
	{"GetMi", &n2gg__v1__get_mi_request__descriptor, ntf_get_mi, false, ROLE_READER},
	{"ListMi", &n2gg__v1__list_mi_request__descriptor, ntf_list_mi, false, ROLE_READER},
	{"RespondMi", &n2gg__v1__respond_mi_request__descriptor, ntf_respond_mi, true, ROLE_OFFICER},
	{"MiStatus", &n2gg__v1__mi_status_request__descriptor, ntf_mi_status, false, ROLE_READER},
	{"WithdrawMi", &n2gg__v1__withdraw_mi_request__descriptor, ntf_withdraw_mi, true, ROLE_PUBLISHER},
	{"CorrectMi", &n2gg__v1__correct_mi_request__descriptor, ntf_correct_mi, true, ROLE_PUBLISHER},
	{"ListNotices", &n2gg__v1__list_notices_request__descriptor, ntf_list_notices, false, ROLE_READER},
	{"DeliveryLog", &n2gg__v1__delivery_log_request__descriptor, ntf_delivery_log, false, ROLE_READER},
	{"ListDead", &n2gg__v1__list_dead_request__descriptor, ntf_list_dead, false, ROLE_READER},
	{"ListUnsent", &n2gg__v1__list_unsent_request__descriptor, ntf_list_unsent, false, ROLE_READER},
	{"ShowNotice", &n2gg__v1__show_notice_request__descriptor, ntf_show_notice, false, ROLE_READER},
	{"CancelNotice", &n2gg__v1__cancel_notice_request__descriptor, ntf_cancel_notice, true, ROLE_OFFICER},
	{"RetryDelivery", &n2gg__v1__retry_delivery_request__descriptor, ntf_retry_delivery, true, ROLE_OFFICER},
	{"SetPreference", &n2gg__v1__set_preference_request__descriptor, ntf_set_preference, true, ROLE_OFFICER},
	{"GetRecipients", &n2gg__v1__recipients_request__descriptor, ntf_get_recipients, false, ROLE_READER},
	{"SendDigests", &n2gg__v1__send_digests_request__descriptor, ntf_send_digests_now, true, ROLE_OFFICER},
};
const size_t notifier_method_count = sizeof notifier_methods / sizeof *notifier_methods;
