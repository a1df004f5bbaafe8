/* fuzz_achievement: the achievement import (importers_achievement_*: N2GG's own format and
 * the DfE's key stage 2 and 4 tables) and the fold of each school's row into a school
 * (school_add_achievement), as ImportAchievement runs them. The file is read three times:
 * with no year (the DfE's tables are refused, N2GG's needs YEAR), with one (rows may leave
 * YEAR empty; the DfE's tables are read), and with one and an LA to keep (other LAs'
 * rows skipped), as the request's `year` and `la_code` choose. */
#include <math.h>

#include "fuzz_import.h"

#include "importers.h"
#include "school.h"

struct state {
	struct importers_header h;
	uint32_t default_year, la_code;
	N2gg__V1__School *school;
};

static int header(void *state, const struct csvread_record *rec, struct status *st)
{
	struct state *s = state;
	int rc = importers_achievement_header_parse(rec, s->default_year, &s->h, st);
	if (rc == 0) {
		fuzz_assert(s->h.format == IMPORTERS_FORMAT_N2GG || s->default_year,
			    "a DfE table read without a year");
		s->h.la_code = s->la_code;
	}
	return rc;
}

/* A measure the importer kept: a marker in place of the value, or a value in range.
 * Returns whether the row has it. */
static uint32_t check_measure(const char *what, const N2gg__V1__Measure *m, double min, double max)
{
	if (!m)
		return 0;
	if (m->marker[0]) {
		fuzz_assert(m->value == 0, "%s: marker %s with the value %g", what, m->marker, m->value);
		return 1;
	}
	fuzz_assert(isfinite(m->value) && m->value >= min && m->value <= max,
		    "%s %g accepted", what, m->value);
	return 1;
}

/* Checks what the row holds against the header's format; returns how many markers. */
static uint32_t check_achievement(const struct importers_header *h, const N2gg__V1__Achievement *a)
{
	uint32_t markers = 0;
	fuzz_assert(a->expected_standard_pct >= 0 && a->expected_standard_pct <= 100,
		    "expected standard %g accepted", a->expected_standard_pct);
	fuzz_assert(a->progress >= -20 && a->progress <= 20, "progress %g accepted", a->progress);
	if (h->format == IMPORTERS_FORMAT_N2GG) {
		fuzz_assert(a->key_stage == N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED &&
				    !a->expected_standard && !a->progress8,
			    "N2GG's format gave the DfE's measures");
		return 0;
	}
	fuzz_assert(a->year == h->default_year, "year %u, not the request's %u", a->year,
		    h->default_year);
	fuzz_assert(!a->progress_known && a->progress == 0, "the DfE's tables gave PROGRESS");
	bool ks2 = h->format == IMPORTERS_FORMAT_KS2;
	fuzz_assert(a->key_stage == (ks2 ? N2GG__V1__KEY_STAGE__KEY_STAGE_2
					 : N2GG__V1__KEY_STAGE__KEY_STAGE_4),
		    "key stage %d from a %s table", a->key_stage, ks2 ? "ks2" : "ks4");
	if (ks2) {
		fuzz_assert(a->expected_standard, "a key stage 2 row without PTRWM_EXP");
		fuzz_assert(a->expected_standard_pct == a->expected_standard->value,
			    "expected_standard_pct %g, not PTRWM_EXP's %g", a->expected_standard_pct,
			    a->expected_standard->value);
		fuzz_assert(!a->progress8 && !a->attainment8 && !a->english_maths_5_pct,
			    "key stage 4 measures in a key stage 2 row");
	} else {
		fuzz_assert(!a->expected_standard && !a->reading_progress && a->expected_standard_pct == 0,
			    "key stage 2 measures in a key stage 4 row");
	}
	markers += check_measure("PTRWM_EXP", a->expected_standard, 0, 100) &&
		   a->expected_standard->marker[0];
	markers += check_measure("READPROG", a->reading_progress, -40, 40) &&
		   a->reading_progress->marker[0];
	markers += check_measure("WRITPROG", a->writing_progress, -40, 40) &&
		   a->writing_progress->marker[0];
	markers += check_measure("MATPROG", a->maths_progress, -40, 40) && a->maths_progress->marker[0];
	markers += check_measure("P8MEA", a->progress8, -10, 10) && a->progress8->marker[0];
	markers += check_measure("ATT8SCR", a->attainment8, 0, 90) && a->attainment8->marker[0];
	markers += check_measure("PTL2BASICS_95", a->english_maths_5_pct, 0, 100) &&
		   a->english_maths_5_pct->marker[0];
	return markers;
}

static int row(void *state, const struct csvread_record *rec, struct arena *a, struct arena *file,
	       struct status *st)
{
	struct state *s = state;
	struct importers_achievement_row r;
	int rc = importers_achievement_read(&s->h, rec, a, &r, st);
	if (rc < 0)
		return rc;
	fuzz_assert(fuzz_utf8_valid(r.note, strlen(r.note)), "line %zu: the note is not UTF-8: %s",
		    rec->line, r.note);
	fuzz_assert((r.marked == 0) == (r.note[0] == '\0') || r.kind == IMPORTERS_ROW_SKIPPED,
		    "line %zu: %u marker(s) and the note \"%s\"", rec->line, r.marked, r.note);
	if (r.kind == IMPORTERS_ROW_SKIPPED) {
		fuzz_assert(s->h.format != IMPORTERS_FORMAT_N2GG, "N2GG's format skipped a row");
		return 0;
	}
	if (r.kind == IMPORTERS_ROW_COMPARATOR) {
		const N2gg__V1__Comparator *c = r.comparator;
		fuzz_assert(s->h.format != IMPORTERS_FORMAT_N2GG, "N2GG's format gave a comparator");
		fuzz_assert(c->area == N2GG__V1__COMPARATOR_AREA__AREA_ENGLAND
				    ? c->la_code == 0
				    : c->area == N2GG__V1__COMPARATOR_AREA__AREA_LA && c->la_code >= 1 &&
					      c->la_code <= 999,
			    "comparator area %d with LA %u", c->area, c->la_code);
		fuzz_assert(!s->h.la_code || c->la_code == 0 || c->la_code == s->h.la_code,
			    "LA %u kept when only %u's were asked for", c->la_code, s->h.la_code);
		fuzz_assert(c->name[0] && fuzz_utf8_valid(c->name, strlen(c->name)),
			    "comparator name \"%s\"", c->name);
		fuzz_assert(c->year == c->achievement->year && c->key_stage == c->achievement->key_stage,
			    "comparator of %u/%d holding %u/%d", c->year, c->key_stage,
			    c->achievement->year, c->achievement->key_stage);
		fuzz_assert(check_achievement(&s->h, c->achievement) == r.marked,
			    "line %zu: %u marker(s) counted", rec->line, r.marked);
		return 0;
	}
	fuzz_assert(r.urn >= 100000 && r.urn <= 999999, "URN %u accepted", r.urn);
	fuzz_assert(check_achievement(&s->h, r.achievement) == r.marked,
		    "line %zu: %u marker(s) counted", rec->line, r.marked);
	if (!s->school) {
		s->school = arena_message(file, &n2gg__v1__school__descriptor);
		s->school->urn = r.urn;
		school_complete(s->school, file);
	}
	/* The importer reads years from 1990, the school keeps them from 2000: such a row is
	 * rejected by the fold, with its reason, which is all a user needs. */
	struct status fold = {0};
	rc = school_add_achievement(s->school, r.achievement, file, &fold);
	if (rc < 0) {
		fuzz_check_refusal(rc, &fold, "school_add_achievement", rec->line);
		return 0;
	}
	fuzz_assert(school_add_achievement(s->school, r.achievement, file, &fold) == 0,
		    "a year and key stage added twice changed the school twice");
	for (size_t i = 1; i < s->school->n_achievement; i++) {
		const N2gg__V1__Achievement *x = s->school->achievement[i - 1],
					    *y = s->school->achievement[i];
		fuzz_assert(x->year < y->year || (x->year == y->year && x->key_stage < y->key_stage),
			    "achievement out of (year, key stage) order: %u/%d before %u/%d", x->year,
			    x->key_stage, y->year, y->key_stage);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct { uint32_t year, la_code; } runs[] = {{0, 0}, {2013, 0}, {2019, 926}};
	for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
		struct state s = {.default_year = runs[i].year, .la_code = runs[i].la_code};
		struct fuzz_importer imp = {header, row, &s};
		fuzz_import(&imp, data, size);
	}
	return 0;
}
