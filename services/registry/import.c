/* import: the registry's file imports (GIAS extract, Ofsted outcomes, achievement, cluster
 * membership, contacts). One import runs in one transaction: either every accepted row is
 * stored with its event, or (on a crash or a store failure) none is. A row is validated
 * completely before anything is written for it, so a rejected row leaves nothing behind;
 * rejections are reported with their line and reason, and the import goes on. A row that
 * changes nothing writes nothing and publishes nothing, so importing a file twice is a no-op. */
#include <string.h>

#include "csvread.h"
#include "date.h"
#include "gias.h"
#include "importers.h"
#include "registry.h"
#include "school.h"

#define IMPORT_MAX_REPORTED_REJECTIONS 1000
#define URN_MIN 100000u
#define URN_SPAN 900000u

struct import_run;
typedef int (*import_header_fn)(struct import_run *run, const struct csvread_record *rec);
/* Returns 0 (row counted inside), or <0 for a rejection (call->status) or a fatal failure. */
typedef int (*import_row_fn)(struct import_run *run, const struct csvread_record *rec);

struct import_run {
	struct api_call *call;
	const N2gg__V1__ImportRequest *req;
	N2gg__V1__ImportReply *reply;
	struct arena *request_arena;
	struct arena row_arena;
	size_t rejections_cap;
	bool header_seen;
	import_header_fn header;
	import_row_fn row;
	struct gias_header gias;
	struct importers_header other;
	uint8_t *seen_urns;      /* bitmap: a URN may stand once in a GIAS file */
	/* A first reading of the file for its comparator rows only (achievement): a row it
	 * cannot take is left for the main reading to report, so nothing is reported twice. */
	bool comparators_pass;
};

static bool import_fatal(const struct status *st, int rc)
{
	return rc == STORE_ERR_MAP_FULL || st->code == STATUS_INTERNAL ||
	       st->code == STATUS_RESOURCE_EXHAUSTED || st->code == STATUS_UNAVAILABLE;
}

static void import_reject(struct import_run *run, size_t line, const char *reason)
{
	N2gg__V1__ImportReply *r = run->reply;
	r->rejected++;
	if (r->n_rejections >= IMPORT_MAX_REPORTED_REJECTIONS)
		return;
	r->rejections = arena_grow(run->request_arena, r->rejections, r->n_rejections,
				   &run->rejections_cap, sizeof *r->rejections);
	N2gg__V1__Rejection *rej = arena_message(run->request_arena, &n2gg__v1__rejection__descriptor);
	rej->line = (uint32_t)line;
	rej->reason = arena_strdup(run->request_arena, reason);
	r->rejections[r->n_rejections++] = rej;
}

static int import_record(void *ctx, const struct csvread_record *rec)
{
	struct import_run *run = ctx;
	struct api_call *call = run->call;
	if (!run->header_seen) {
		run->header_seen = true;
		if (rec->error)
			return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
					   "%s: the header line is malformed: %s", run->req->file_name,
					   rec->error);
		return run->header(run, rec);
	}
	/* each row's scratch memory goes when the row is done; 50,000 rows stay small */
	call->arena = &run->row_arena;
	status_clear(&call->status);
	int rc = run->row(run, rec);
	call->arena = run->request_arena;
	if (rc < 0) {
		if (import_fatal(&call->status, rc)) {
			arena_reset(&run->row_arena);
			return rc;
		}
		if (!run->comparators_pass)
			import_reject(run, rec->line, call->status.message);
		status_clear(&call->status);
	}
	arena_reset(&run->row_arena);
	return 0;
}

static int import_run_passes(struct api_call *call, import_header_fn header, import_row_fn row,
			     bool comparators_first)
{
	const N2gg__V1__ImportRequest *req = call->body;
	struct import_run run = {.call = call, .req = req, .request_arena = call->arena,
				 .header = header, .row = row};
	run.reply = arena_message(call->arena, &n2gg__v1__import_reply__descriptor);
	arena_init(&run.row_arena);
	if (req->data.len == 0) {
		arena_free(&run.row_arena);
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "%s is empty",
				   req->file_name[0] ? req->file_name : "the file");
	}
	struct eventlog_mark before = eventlog_mark(call->log);
	int rc = 0;
	if (comparators_first) {
		run.comparators_pass = true;
		rc = csvread_parse((const char *)req->data.data, req->data.len, CSVREAD_AUTO,
				   import_record, &run, &call->status);
		run.comparators_pass = false;
		run.header_seen = false;
	}
	if (rc >= 0)
		rc = csvread_parse((const char *)req->data.data, req->data.len, CSVREAD_AUTO,
				   import_record, &run, &call->status);
	arena_free(&run.row_arena);
	if (rc < 0)
		return rc;
	if (!run.header_seen)
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT, "%s has no header line",
				   req->file_name);
	if (call->log->txn_head > before.txn_head) {
		run.reply->first_seq = before.txn_head + 1;
		run.reply->last_seq = call->log->txn_head;
	}
	call->reply = &run.reply->base;
	return 0;
}

static int import_run(struct api_call *call, import_header_fn header, import_row_fn row)
{
	return import_run_passes(call, header, row, false);
}

/* Loads the school a row names; NOT_FOUND explains what to do. */
static int import_school(struct import_run *run, uint32_t urn, N2gg__V1__School **school)
{
	struct api_call *call = run->call;
	int rc = registry_store_get_school(&registry_of(call)->rs, call->txn, urn, call->arena, school,
					   &call->status);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(&call->status, STATUS_NOT_FOUND,
				   "no school with URN %u: import the GIAS extract first", urn);
	return rc;
}

static void import_count(struct import_run *run, int changed)
{
	if (changed)
		run->reply->updated++;
	else
		run->reply->unchanged++;
}

/* ---- GIAS ---- */

static int import_gias_header(struct import_run *run, const struct csvread_record *rec)
{
	int rc = gias_header_parse(rec, &run->gias, &run->call->status);
	if (rc < 0)
		return rc;
	run->seen_urns = arena_zalloc(run->request_arena, URN_SPAN / 8 + 1);
	run->reply->format = (char *)"gias";
	return 0;
}

static int import_gias_row(struct import_run *run, const struct csvread_record *rec)
{
	struct api_call *call = run->call;
	const N2gg__V1__ImportRequest *req = run->req;
	int la = gias_row_la_code(&run->gias, rec);
	if (req->la_code && la >= 0 && (uint32_t)la != req->la_code) {
		run->reply->skipped++;
		return 0;
	}
	/* the whole row, its Ofsted judgement included, is checked before anything is written */
	N2gg__V1__School *incoming, *stored;
	N2gg__V1__Inspection *judgement;   /* NULL: the row has none */
	int today = date_today();
	int rc = gias_row_to_school(&run->gias, rec, call->arena, &incoming, &call->status);
	if (rc < 0 ||
	    (rc = gias_row_inspection(&run->gias, rec, today, call->arena, &judgement,
				      &call->status)) < 0)
		return rc;
	uint32_t bit = incoming->urn - URN_MIN;
	if (run->seen_urns[bit / 8] & (1u << (bit % 8)))
		return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
				   "URN %u stands on an earlier line of this file too", incoming->urn);
	run->seen_urns[bit / 8] |= (uint8_t)(1u << (bit % 8));
	if (judgement) {
		judgement->recorded_by = (char *)registry_actor(call);
		judgement->recorded_unix_ms = date_now_ms();
	}

	/* One event a row, as for any import: a new school is registered with its judgement
	 * in the snapshot; a known school whose register fields change is announced as
	 * changed, with "inspections" among the fields when the judgement is news too; a known
	 * school that gains only the judgement gets registry.inspection.recorded, as from the
	 * Ofsted outcomes file. Each snapshot is the school after the row, which is all the
	 * categoriser reads. */
	rc = registry_store_get_school(&registry_of(call)->rs, call->txn, incoming->urn, call->arena,
				       &stored, &call->status);
	if (rc == -STATUS_NOT_FOUND) {
		status_clear(&call->status);
		run->reply->created++;
		if (req->dry_run)
			return 0;
		school_complete(incoming, call->arena);
		if (judgement && (rc = school_add_inspection(incoming, judgement, today, call->arena,
							     &call->status)) < 0)
			return rc;
		return registry_save_school(call, incoming, "registry.school.registered", NULL, 0);
	}
	if (rc < 0)
		return rc;
	const char *changed[GIAS_MERGE_MAX_CHANGED + 1];
	bool was_closed = stored->status == N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED;
	bool judgement_is_news = judgement && gias_inspection_is_news(stored, judgement);
	int n = gias_merge(stored, incoming, call->arena, changed, GIAS_MERGE_MAX_CHANGED);
	import_count(run, n > 0 || judgement_is_news);
	if ((n == 0 && !judgement_is_news) || req->dry_run)
		return 0;
	if (n == 0)
		return (rc = registry_fact_inspection(call, stored, judgement)) < 0 ? rc : 0;
	if (judgement_is_news) {
		if ((rc = school_add_inspection(stored, judgement, today, call->arena,
						&call->status)) < 0)
			return rc;
		changed[n++] = "inspections";
	}
	bool closes = !was_closed && stored->status == N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED;
	return registry_save_school(call, stored,
				    closes ? "registry.school.closed" : "registry.school.changed",
				    changed, (size_t)n);
}

int registry_import_gias(struct api_call *call)
{
	return import_run(call, import_gias_header, import_gias_row);
}

/* ---- Ofsted inspection outcomes ---- */

static int import_inspection_header(struct import_run *run, const struct csvread_record *rec)
{
	return importers_inspection_header_parse(rec, &run->other, &run->call->status);
}

static int import_inspection_row(struct import_run *run, const struct csvread_record *rec)
{
	struct api_call *call = run->call;
	uint32_t urn;
	N2gg__V1__Inspection *in;
	N2gg__V1__School *school;
	int rc;
	if ((rc = importers_inspection_row(&run->other, rec, date_today(), call->arena, &urn, &in,
					   &call->status)) < 0 ||
	    (rc = import_school(run, urn, &school)) < 0)
		return rc;
	in->source = (char *)"ofsted";   /* the outcomes file is Ofsted's own record */
	if (run->req->dry_run) {
		rc = school_add_inspection(school, in, date_today(), call->arena, &call->status);
	} else {
		rc = registry_fact_inspection(call, school, in);
	}
	if (rc >= 0)
		import_count(run, rc);
	return rc < 0 ? rc : 0;
}

int registry_import_inspections(struct api_call *call)
{
	return import_run(call, import_inspection_header, import_inspection_row);
}

/* ---- achievement ---- */

#define IMPORT_MAX_REPORTED_NOTES 1000

static int import_achievement_header(struct import_run *run, const struct csvread_record *rec)
{
	int rc = importers_achievement_header_parse(rec, run->req->year, &run->other,
						    &run->call->status);
	if (rc < 0)
		return rc;
	run->other.la_code = run->req->la_code;
	run->reply->format = (char *)importers_achievement_format_name(run->other.format);
	/* room for every note reported, so the run keeps no capacity for them (the header is
	 * read again by the main pass after the comparators') */
	if (!run->reply->notes)
		run->reply->notes = arena_alloc(run->request_arena,
						IMPORT_MAX_REPORTED_NOTES * sizeof *run->reply->notes);
	return 0;
}

/* A line imported with markers (or skipped for a reason) says so in the reply. */
static void import_achievement_note(struct import_run *run, size_t line, const char *text)
{
	N2gg__V1__ImportReply *r = run->reply;
	if (r->n_notes >= IMPORT_MAX_REPORTED_NOTES)
		return;
	N2gg__V1__Note *note = arena_message(run->request_arena, &n2gg__v1__note__descriptor);
	note->line = (uint32_t)line;
	note->text = arena_strdup(run->request_arena, text);
	r->notes[r->n_notes++] = note;
}

static int import_achievement_row(struct import_run *run, const struct csvread_record *rec)
{
	struct api_call *call = run->call;
	struct importers_achievement_row row;
	N2gg__V1__School *school;
	int rc;
	if ((rc = importers_achievement_read(&run->other, rec, call->arena, &row,
					     &call->status)) < 0)
		return rc;
	/* the averages are recorded first, so that a school judged against its LA's average
	 * is decided once on the year's figures, not once before the average and again after */
	if (run->comparators_pass != (row.kind == IMPORTERS_ROW_COMPARATOR))
		return 0;
	switch (row.kind) {
	case IMPORTERS_ROW_SKIPPED:
		run->reply->skipped++;
		break;
	case IMPORTERS_ROW_COMPARATOR:
		if (!run->req->dry_run &&
		    (rc = registry_record_comparator(call, row.comparator)) < 0)
			return rc;
		run->reply->comparators++;
		break;
	case IMPORTERS_ROW_SCHOOL:
		if ((rc = import_school(run, row.urn, &school)) < 0)
			return rc;
		if (run->req->dry_run)
			rc = school_add_achievement(school, row.achievement, call->arena,
						    &call->status);
		else
			rc = registry_fact_achievement(call, school, row.achievement);
		if (rc < 0)
			return rc;
		import_count(run, rc);
		break;
	}
	/* counted once the row is taken: a rejected row's markers are not reported */
	run->reply->marked += row.marked;
	if (row.note[0])
		import_achievement_note(run, rec->line, row.note);
	return 0;
}

int registry_import_achievement(struct api_call *call)
{
	return import_run_passes(call, import_achievement_header, import_achievement_row, true);
}

/* ---- cluster membership ---- */

static int import_cluster_header(struct import_run *run, const struct csvread_record *rec)
{
	return importers_cluster_header_parse(rec, &run->other, &run->call->status);
}

static int import_cluster_row(struct import_run *run, const struct csvread_record *rec)
{
	struct api_call *call = run->call;
	struct registry *r = registry_of(call);
	struct importers_cluster_row row;
	N2gg__V1__School *school;
	N2gg__V1__Cluster *cluster;
	int rc;
	if ((rc = importers_cluster_row(&run->other, rec, call->arena, &row, &call->status)) < 0 ||
	    (rc = import_school(run, row.urn, &school)) < 0)
		return rc;
	if (strcmp(school->cluster_id, row.cluster_id) == 0) {
		run->reply->unchanged++;
		return 0;
	}
	char date[DATE_ISO_LEN];
	if (row.effective_date[0])
		snprintf(date, sizeof date, "%s", row.effective_date);
	else
		date_format(date_today(), date);
	rc = registry_store_get_cluster(&r->rs, call->txn, row.cluster_id, call->arena, &cluster,
					&call->status);
	if (rc == -STATUS_NOT_FOUND) {
		/* a new cluster is opened for the row, once the school is known to be movable */
		status_clear(&call->status);
		if (school->status == N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED)
			return status_fail(&call->status, STATUS_FAILED_PRECONDITION,
					   "school %u is closed: a closed school cannot join a cluster",
					   school->urn);
		if (!row.cluster_name[0])
			return status_fail(&call->status, STATUS_INVALID_ARGUMENT,
					   "cluster %s is new and the row gives no cluster_name",
					   row.cluster_id);
		run->reply->created++;
		if (run->req->dry_run)
			return 0;
		cluster = arena_message(call->arena, &n2gg__v1__cluster__descriptor);
		cluster->id = (char *)row.cluster_id;
		cluster->name = (char *)row.cluster_name;
		cluster->status = N2GG__V1__CLUSTER_STATUS__CLUSTER_OPEN;
		cluster->opened_date = arena_strdup(call->arena, date);
		cluster->chair = arena_message(call->arena, &n2gg__v1__contact__descriptor);
		cluster->updated_by = (char *)registry_actor(call);
		cluster->updated_unix_ms = date_now_ms();
		if ((rc = registry_store_put_cluster(&r->rs, call->txn, cluster, call->arena,
						     &call->status)) < 0)
			return rc;
		N2gg__V1__ClusterEvent ce = N2GG__V1__CLUSTER_EVENT__INIT;
		ce.cluster = cluster;
		ce.change = "created";
		N2gg__V1__RegistryEvent ev = N2GG__V1__REGISTRY_EVENT__INIT;
		ev.body_case = N2GG__V1__REGISTRY_EVENT__BODY_CLUSTER;
		ev.cluster = &ce;
		if ((rc = registry_emit(call, "registry.cluster.changed", &ev, 0)) < 0)
			return rc;
		return registry_move_school(call, school, row.cluster_id,
					    arena_strdup(call->arena, date), "cluster import");
	}
	if (rc < 0)
		return rc;
	run->reply->updated++;
	if (run->req->dry_run)
		return 0;
	return registry_move_school(call, school, row.cluster_id, arena_strdup(call->arena, date),
				    "cluster import");
}

int registry_import_clusters(struct api_call *call)
{
	return import_run(call, import_cluster_header, import_cluster_row);
}

/* ---- contacts ---- */

static int import_contact_header(struct import_run *run, const struct csvread_record *rec)
{
	return importers_contact_header_parse(rec, &run->other, &run->call->status);
}

static int import_set(char **field, const char *value, struct arena *a)
{
	if (strcmp(*field, value) == 0)
		return 0;
	*field = arena_strdup(a, value);
	return 1;
}

static int import_contact_row(struct import_run *run, const struct csvread_record *rec)
{
	struct api_call *call = run->call;
	struct importers_contact_row row;
	N2gg__V1__School *school;
	int rc;
	if ((rc = importers_contact_row(&run->other, rec, call->arena, &row, &call->status)) < 0 ||
	    (rc = import_school(run, row.urn, &school)) < 0)
		return rc;
	bool head = row.role == IMPORTERS_ROLE_HEADTEACHER;
	N2gg__V1__Contact *c = head ? school->headteacher : school->chair_of_governors;
	const char *changed[3];
	size_t n = 0;
	if (import_set(&c->name, row.name, call->arena))
		changed[n++] = head ? "headteacher.name" : "chair_of_governors.name";
	if (import_set(&c->email, row.email, call->arena))
		changed[n++] = head ? "headteacher.email" : "chair_of_governors.email";
	if (import_set(&c->phone, row.phone, call->arena))
		changed[n++] = head ? "headteacher.phone" : "chair_of_governors.phone";
	import_count(run, n > 0);
	if (n == 0 || run->req->dry_run)
		return 0;
	return registry_save_school(call, school, "registry.school.changed", changed, n);
}

int registry_import_contacts(struct api_call *call)
{
	return import_run(call, import_contact_header, import_contact_row);
}
