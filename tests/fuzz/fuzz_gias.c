/* fuzz_gias: the GIAS extract import (gias_header_parse, gias_row_la_code,
 * gias_row_to_school, gias_row_inspection) and the merge of each accepted row into the
 * school already stored (gias_merge, and its Ofsted judgement when gias_inspection_is_news),
 * as ImportGias runs them. A merge names at most GIAS_MERGE_MAX_CHANGED fields; a judgement
 * the import accepts is one school_add_inspection accepts (grade 1-4, a category only with
 * 4, not after today, source "gias"); and merging the same row again changes nothing
 * (importing a file twice is a no-op). */
#include "fuzz_import.h"

#include "date.h"
#include "gias.h"
#include "school.h"

struct state {
	struct gias_header h;
	N2gg__V1__School *stored;
};

static int header(void *state, const struct csvread_record *rec, struct status *st)
{
	struct state *s = state;
	for (int c = 0; c < GIAS_COLUMN_COUNT; c++)
		fuzz_assert(gias_column_name((enum gias_column)c)[0], "column %d has no name", c);
	return gias_header_parse(rec, &s->h, st);
}

static void check_date(const char *what, const char *iso)
{
	int day;
	fuzz_assert(iso, "%s is NULL", what);
	fuzz_assert(!iso[0] || date_parse(iso, &day) == 0, "%s \"%s\" accepted", what, iso);
}

/* Records the row's judgement in the stored school when it is news, as the import does. */
static void add_judgement(N2gg__V1__School *stored, const N2gg__V1__Inspection *judgement,
			  int today, struct arena *file)
{
	if (!judgement || !gias_inspection_is_news(stored, judgement))
		return;
	struct status st = {0};
	int added = school_add_inspection(stored, judgement, today, file, &st);
	fuzz_assert(added == 1, "school_add_inspection refused the extract's judgement (%d): %s",
		    added, st.message);
	fuzz_assert(!gias_inspection_is_news(stored, judgement), "the same judgement is news twice");
}

static int row(void *state, const struct csvread_record *rec, struct arena *a, struct arena *file,
	       struct status *st)
{
	struct state *s = state;
	int la = gias_row_la_code(&s->h, rec);
	fuzz_assert(la >= -1 && la <= 999, "LA code %d", la);
	N2gg__V1__School *in = NULL;
	N2gg__V1__Inspection *judgement = NULL;
	int today = date_today();
	int rc = gias_row_to_school(&s->h, rec, a, &in, st);
	if (rc < 0 || (rc = gias_row_inspection(&s->h, rec, today, a, &judgement, st)) < 0)
		return rc;
	fuzz_assert(in->urn >= 100000 && in->urn <= 999999, "URN %u accepted", in->urn);
	fuzz_assert((int)in->la_code == la, "LA code %u, but the filter saw %d", in->la_code, la);
	fuzz_assert(in->address && in->headteacher && in->headteacher->name,
		    "a school without address or headteacher");
	check_date("open date", in->open_date);
	check_date("close date", in->close_date);
	if (judgement) {
		int day;
		check_date("inspection date", judgement->start_date);
		fuzz_assert(date_parse(judgement->start_date, &day) == 0 && day <= today,
			    "inspection date \"%s\" accepted", judgement->start_date);
		fuzz_assert(judgement->overall_effectiveness >= 1 && judgement->overall_effectiveness <= 4,
			    "grade %u accepted", judgement->overall_effectiveness);
		fuzz_assert(!judgement->category_of_concern || judgement->overall_effectiveness == 4,
			    "a category of concern with grade %u", judgement->overall_effectiveness);
		fuzz_assert(strcmp(judgement->source, "gias") == 0, "source \"%s\"", judgement->source);
	}

	const char *changed[GIAS_MERGE_MAX_CHANGED];
	if (!s->stored) {
		/* the first school is stored as the registry stores it: completed */
		s->stored = arena_message_copy(file, &in->base);
		school_complete(s->stored, file);
		fuzz_assert(gias_merge(s->stored, in, file, changed, GIAS_MERGE_MAX_CHANGED) == 0,
			    "a school merged into its own copy changed");
		add_judgement(s->stored, judgement, today, file);
		return 0;
	}
	int n = gias_merge(s->stored, in, file, changed, GIAS_MERGE_MAX_CHANGED);
	fuzz_assert(n >= 0 && n <= GIAS_MERGE_MAX_CHANGED, "gias_merge changed %d fields", n);
	for (int i = 0; i < n; i++)
		fuzz_assert(changed[i] && changed[i][0], "changed field %d has no name", i);
	fuzz_assert(gias_merge(s->stored, in, file, changed, GIAS_MERGE_MAX_CHANGED) == 0,
		    "the same row merged twice changed the school twice");
	add_judgement(s->stored, judgement, today, file);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state s = {0};
	struct fuzz_importer imp = {header, row, &s};
	fuzz_import(&imp, data, size);
	return 0;
}
