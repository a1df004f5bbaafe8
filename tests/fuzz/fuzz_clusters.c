/* fuzz_clusters: the cluster membership import (importers_cluster_*) and the move each
 * accepted row asks for (membership_check_move, membership_cluster_on), as ImportClusters
 * runs them: every row moves the same school, so that later rows meet the history earlier
 * ones wrote. */
#include "fuzz_import.h"

#include "date.h"
#include "importers.h"
#include "membership.h"
#include "school.h"

#define FUZZ_DEFAULT_DATE "2013-09-01"   /* a row without effective_date: "today" */
#define FUZZ_MAX_MOVES 64

struct state {
	struct importers_header h;
	N2gg__V1__School *school;
	Membership *moves[FUZZ_MAX_MOVES];
	size_t move_count;
};

static int header(void *state, const struct csvread_record *rec, struct status *st)
{
	struct state *s = state;
	return importers_cluster_header_parse(rec, &s->h, st);
}

static int row(void *state, const struct csvread_record *rec, struct arena *a, struct arena *file,
	       struct status *st)
{
	struct state *s = state;
	struct importers_cluster_row r;
	int rc = importers_cluster_row(&s->h, rec, a, &r, st);
	if (rc < 0)
		return rc;
	fuzz_assert(r.urn >= 100000 && r.urn <= 999999, "URN %u accepted", r.urn);
	fuzz_assert(importers_valid_cluster_id(r.cluster_id), "cluster id \"%s\" accepted",
		    r.cluster_id);
	fuzz_assert(r.cluster_name[0], "an empty cluster name accepted");
	fuzz_assert(!r.effective_date[0] || date_parse(r.effective_date, &(int){0}) == 0,
		    "effective date \"%s\" accepted", r.effective_date);
	if (!s->school) {
		s->school = arena_message(file, &n2gg__v1__school__descriptor);
		s->school->urn = r.urn;
		s->school->name = "Fuzz Primary School";
		s->school->status = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN;
		school_complete(s->school, file);
	}
	N2gg__V1__Cluster to = N2GG__V1__CLUSTER__INIT;
	to.id = (char *)r.cluster_id;
	to.name = (char *)r.cluster_name;
	to.status = N2GG__V1__CLUSTER_STATUS__CLUSTER_OPEN;
	const char *date = r.effective_date[0] ? r.effective_date : FUZZ_DEFAULT_DATE;
	struct status move = {0};
	rc = membership_check_move(s->school, &to, date, s->moves, s->move_count, &move);
	if (rc < 0) {
		/* the school is already there, or the date is before its last move */
		fuzz_assert(move.code == STATUS_FAILED_PRECONDITION && move.message[0],
			    "a move refused with code %d: %s", (int)move.code, move.message);
		return 0;
	}
	if (s->move_count == FUZZ_MAX_MOVES)
		return 0;
	Membership *m = arena_message(file, &n2gg__v1__membership__descriptor);
	m->cluster_id = arena_strdup(file, r.cluster_id);
	m->from_date = arena_strdup(file, date);
	s->moves[s->move_count++] = m;
	s->school->cluster_id = m->cluster_id;
	int day;
	fuzz_assert(date_parse(date, &day) == 0, "a move on \"%s\" accepted", date);
	const char *on = membership_cluster_on(s->moves, s->move_count, day);
	fuzz_assert(strcmp(on, r.cluster_id) == 0, "moved to %s on %s, but in \"%s\" that day",
		    r.cluster_id, date, on);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state s = {0};
	struct fuzz_importer imp = {header, row, &s};
	fuzz_import(&imp, data, size);
	return 0;
}
