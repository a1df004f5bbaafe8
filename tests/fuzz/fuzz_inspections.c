/* fuzz_inspections: the Ofsted inspection outcomes import (importers_inspection_*) and the
 * fold of each accepted inspection into a school (school_add_inspection), as the registry's
 * ImportInspections runs them. A row the importer accepts must also be one the school
 * accepts: the import would otherwise report a row as valid and then refuse it. */
#include "fuzz_import.h"

#include "date.h"
#include "importers.h"
#include "school.h"

struct state {
	struct importers_header h;
	int today;
	N2gg__V1__School *school;
};

static int header(void *state, const struct csvread_record *rec, struct status *st)
{
	struct state *s = state;
	return importers_inspection_header_parse(rec, &s->h, st);
}

static int row(void *state, const struct csvread_record *rec, struct arena *a, struct arena *file,
	       struct status *st)
{
	struct state *s = state;
	uint32_t urn = 0;
	N2gg__V1__Inspection *in = NULL;
	int rc = importers_inspection_row(&s->h, rec, s->today, a, &urn, &in, st);
	if (rc < 0)
		return rc;
	fuzz_assert(urn >= 100000 && urn <= 999999, "URN %u accepted", urn);
	fuzz_assert(in && in->overall_effectiveness >= 1 && in->overall_effectiveness <= 4,
		    "grade %u accepted", in ? in->overall_effectiveness : 0);
	int day;
	fuzz_assert(date_parse(in->start_date, &day) == 0 && day <= s->today,
		    "start date \"%s\" accepted", in->start_date);
	if (!s->school) {
		s->school = arena_message(file, &n2gg__v1__school__descriptor);
		s->school->urn = urn;
		school_complete(s->school, file);
	}
	struct status fold = {0};
	rc = school_add_inspection(s->school, in, s->today, file, &fold);
	fuzz_assert(rc >= 0, "an imported inspection refused by the school: %s", fold.message);
	/* the same inspection again changes nothing */
	fuzz_assert(school_add_inspection(s->school, in, s->today, file, &fold) == 0,
		    "an inspection added twice changed the school twice");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state s = {.today = date_from_ymd(2014, 7, 31)};
	struct fuzz_importer imp = {header, row, &s};
	fuzz_import(&imp, data, size);
	return 0;
}
