/* fuzz_achievement: the DfE achievement import (importers_achievement_*) and the fold of
 * each accepted year into a school (school_add_achievement), as ImportAchievement runs
 * them. The file is read twice: with no default year (YEAR required) and with one (rows
 * may leave YEAR empty), as the request's `year` chooses. */
#include "fuzz_import.h"

#include "importers.h"
#include "school.h"

struct state {
	struct importers_header h;
	uint32_t default_year;
	N2gg__V1__School *school;
};

static int header(void *state, const struct csvread_record *rec, struct status *st)
{
	struct state *s = state;
	return importers_achievement_header_parse(rec, s->default_year, &s->h, st);
}

static int row(void *state, const struct csvread_record *rec, struct arena *a, struct arena *file,
	       struct status *st)
{
	struct state *s = state;
	uint32_t urn = 0;
	N2gg__V1__Achievement *in = NULL;
	int rc = importers_achievement_row(&s->h, rec, a, &urn, &in, st);
	if (rc < 0)
		return rc;
	fuzz_assert(urn >= 100000 && urn <= 999999, "URN %u accepted", urn);
	fuzz_assert(in->expected_standard_pct >= 0 && in->expected_standard_pct <= 100,
		    "expected standard %g accepted", in->expected_standard_pct);
	fuzz_assert(in->progress >= -20 && in->progress <= 20, "progress %g accepted", in->progress);
	if (!s->school) {
		s->school = arena_message(file, &n2gg__v1__school__descriptor);
		s->school->urn = urn;
		school_complete(s->school, file);
	}
	/* The importer reads years from 1990, the school keeps them from 2000: such a row is
	 * rejected by the fold, with its reason, which is all a user needs. */
	struct status fold = {0};
	rc = school_add_achievement(s->school, in, file, &fold);
	if (rc < 0) {
		fuzz_check_refusal(rc, &fold, "school_add_achievement", rec->line);
		return 0;
	}
	fuzz_assert(school_add_achievement(s->school, in, file, &fold) == 0,
		    "a year added twice changed the school twice");
	for (size_t i = 1; i < s->school->n_achievement; i++)
		fuzz_assert(s->school->achievement[i - 1]->year < s->school->achievement[i]->year,
			    "achievement years out of order");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t default_years[] = {0, 2013};
	for (size_t i = 0; i < 2; i++) {
		struct state s = {.default_year = default_years[i]};
		struct fuzz_importer imp = {header, row, &s};
		fuzz_import(&imp, data, size);
	}
	return 0;
}
