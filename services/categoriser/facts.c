/* facts: the categorisation facts of one school on a date (see facts.h). */
#include "facts.h"

#include <stdio.h>
#include <string.h>

#include "date.h"

static const char *const concern_names[] = {"none", "special_measures", "serious_weaknesses",
					    "notice_to_improve"};
/* in N2gg__V1__Phase order */
static const char *const phase_names[] = {
	"unknown",       "nursery",  "primary",      "middle_deemed_primary",
	"secondary",     "middle_deemed_secondary",   "sixteen_plus",
	"all_through",   "special",  "pupil_referral_unit", "not_applicable"};

#define ENUM(names) names, (int)(sizeof names / sizeof names[0])

const struct fact_def facts_defs[FACT_COUNT] = {
	[FACT_OFSTED_INSPECTED] = {"ofsted.inspected", "has an Ofsted inspection on record",
				   FACT_TYPE_BOOL, NULL, 0, 0, 1, ""},
	[FACT_OFSTED_OVERALL] = {"ofsted.overall", "latest Ofsted overall effectiveness",
				 FACT_TYPE_GRADE, NULL, 0, 1, 4, ""},
	[FACT_OFSTED_CATEGORY_OF_CONCERN] = {"ofsted.category_of_concern",
					     "Ofsted category of concern", FACT_TYPE_ENUM,
					     ENUM(concern_names), 0, 3, ""},
	[FACT_OFSTED_AGE_MONTHS] = {"ofsted.age_months",
				    "months since the latest Ofsted inspection", FACT_TYPE_NUMBER,
				    NULL, 0, 0, 1200, ""},
	[FACT_LA_CAUSING_CONCERN] = {"la.causing_concern", "the LA has it as causing concern",
				     FACT_TYPE_BOOL, NULL, 0, 0, 1, ""},
	[FACT_LA_PSSWN_ISSUED] = {"la.psswn_issued", "a warning notice (PSSWN) has been issued",
				  FACT_TYPE_BOOL, NULL, 0, 0, 1, ""},
	[FACT_LA_IN_TRANSITION] = {"la.in_transition", "the school is in transition",
				   FACT_TYPE_BOOL, NULL, 0, 0, 1, ""},
	[FACT_LA_TARGETED_N2GG] = {"la.targeted_n2gg",
				   "the LA has targeted it for Norfolk to Good and Great",
				   FACT_TYPE_BOOL, NULL, 0, 0, 1, ""},
	[FACT_LA_TARGETED_SYSTEM_LEADER] = {"la.targeted_system_leader",
					    "the LA has targeted it as a system leader",
					    FACT_TYPE_BOOL, NULL, 0, 0, 1, ""},
	[FACT_SCHOOL_PHASE] = {"school.phase", "phase", FACT_TYPE_ENUM, ENUM(phase_names), 0, 10,
			       ""},
	[FACT_PROGRESS_LATEST_ON_TRACK_PCT] = {"progress.latest_on_track_pct",
					       "pupils on track in the latest progress return",
					       FACT_TYPE_NUMBER, NULL, 0, 0, 100, "%"},
	[FACT_PROGRESS_RETURNS_MISSING] = {"progress.returns_missing",
					   "progress returns overdue this school year",
					   FACT_TYPE_NUMBER, NULL, 0, 0, 6, ""},
	[FACT_YEAR_PUBLISHED] = {"year.published", "achievement results published",
				 FACT_TYPE_BOOL, NULL, 0, 0, 1, ""},
	[FACT_YEAR_EXPECTED_STANDARD_PCT] = {"year.expected_standard_pct",
					     "pupils reaching the expected standard",
					     FACT_TYPE_NUMBER, NULL, 0, 0, 100, "%"},
	[FACT_YEAR_PROGRESS] = {"year.progress", "progress measure", FACT_TYPE_NUMBER, NULL, 0,
				-100, 100, ""},
	[FACT_YEAR_BELOW_FLOOR] = {"year.below_floor", "below the floor standard",
				   FACT_TYPE_BOOL, NULL, 0, 0, 1, ""},
};

int facts_lookup(const char *name)
{
	for (int i = 0; i < FACT_COUNT; i++)
		if (strcmp(facts_defs[i].name, name) == 0)
			return i;
	return -1;
}

int facts_enum_value(enum fact_id fact, const char *name)
{
	const struct fact_def *d = &facts_defs[fact];
	for (int i = 0; i < d->enum_count; i++)
		if (strcmp(d->enum_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- the school year ---- */

/* Half-terms run from September: starts in September..December belong to the first
 * calendar year of the school year, the rest to the second. */
static int facts_start_day(const struct facts_calendar *cal, unsigned year, unsigned ht)
{
	int month = cal->half_term_start[ht - 1][0], day = cal->half_term_start[ht - 1][1];
	int cal_year = month >= 9 ? (int)year - 1 : (int)year;
	return date_from_ymd(cal_year, month, day);
}

int facts_half_term_start(const struct facts_calendar *cal, unsigned year, unsigned half_term)
{
	return facts_start_day(cal, year, half_term);
}

void facts_school_year(const struct facts_calendar *cal, int day, unsigned *year,
		       unsigned *half_term, int *half_term_start)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	unsigned sy = (unsigned)(m >= cal->half_term_start[0][0] ? y + 1 : y);
	unsigned ht = 0;
	int start = 0;
	for (unsigned h = 1; h <= FACTS_HALF_TERMS; h++) {
		int s = facts_start_day(cal, sy, h);
		if (s <= day) {
			ht = h;
			start = s;
		}
	}
	*year = sy;
	*half_term = ht;
	*half_term_start = start;
}

bool facts_has_return(const N2gg__V1__SchoolFacts *sf, unsigned year, unsigned half_term)
{
	for (size_t i = 0; i < sf->n_progress_returns; i++)
		if (sf->progress_returns[i]->year == year &&
		    sf->progress_returns[i]->half_term == half_term)
			return true;
	return false;
}

/* ---- computing ---- */

static struct fact_value known(double v)
{
	return (struct fact_value){true, v};
}

static double facts_floor_pct(const struct facts_params *p, unsigned year, double *progress_below)
{
	double pct = -1;
	*progress_below = 0;
	for (size_t i = 0; i < p->floor_count; i++)
		if (p->floors[i].from_year <= year) {
			pct = p->floors[i].expected_standard_pct;
			*progress_below = p->floors[i].progress_below;
		}
	return pct;
}

static void facts_compute_ofsted(const N2gg__V1__SchoolFacts *sf, int today, struct facts *out)
{
	const N2gg__V1__Inspection *latest = NULL;
	int latest_day = 0;
	for (size_t i = 0; i < sf->n_inspections; i++) {
		int day;
		if (date_parse(sf->inspections[i]->start_date, &day) < 0)
			continue;
		if (!latest || day >= latest_day) {
			latest = sf->inspections[i];
			latest_day = day;
		}
	}
	out->school[FACT_OFSTED_INSPECTED] = known(latest != NULL);
	out->school[FACT_OFSTED_CATEGORY_OF_CONCERN] = known(0);
	if (!latest)
		return;
	out->school[FACT_OFSTED_OVERALL] = known(latest->overall_effectiveness);
	out->school[FACT_OFSTED_CATEGORY_OF_CONCERN] = known(latest->category_of_concern);
	int y0, m0, d0, y1, m1, d1;
	date_to_ymd(latest_day, &y0, &m0, &d0);
	date_to_ymd(today, &y1, &m1, &d1);
	int months = (y1 - y0) * 12 + (m1 - m0) - (d1 < d0 ? 1 : 0);
	out->school[FACT_OFSTED_AGE_MONTHS] = known(months < 0 ? 0 : months);
}

static void facts_compute_progress(const N2gg__V1__SchoolFacts *sf, const struct facts_params *p,
				   int today, struct facts *out)
{
	const N2gg__V1__ProgressReturn *latest = NULL;
	for (size_t i = 0; i < sf->n_progress_returns; i++) {
		const N2gg__V1__ProgressReturn *r = sf->progress_returns[i];
		if (!latest || r->year > latest->year ||
		    (r->year == latest->year && r->half_term > latest->half_term))
			latest = r;
	}
	if (latest)
		out->school[FACT_PROGRESS_LATEST_ON_TRACK_PCT] = known(latest->on_track_pct);

	unsigned year, current;
	int start;
	facts_school_year(&p->calendar, today, &year, &current, &start);
	int missing = 0;
	for (unsigned h = 1; h <= current; h++) {
		int due = facts_start_day(&p->calendar, year, h) + p->calendar.return_due_days;
		if (due <= today && !facts_has_return(sf, year, h))
			missing++;
	}
	out->school[FACT_PROGRESS_RETURNS_MISSING] = known(missing);
}

static void facts_compute_years(const N2gg__V1__SchoolFacts *sf, const struct facts_params *p,
				int today, struct facts *out)
{
	/* results for the school year ending in summer Y are out by its autumn */
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	out->latest_year = (unsigned)(m >= 9 ? y : y - 1);
	enum { PUB, PCT, PROG, FLOOR };
	for (int i = 0; i < FACTS_MAX_YEARS; i++) {
		unsigned year = out->latest_year - (unsigned)i;
		struct fact_value *v = out->year[i];
		v[PUB] = known(0);
		for (size_t k = 0; k < sf->n_achievement; k++) {
			const N2gg__V1__Achievement *a = sf->achievement[k];
			if (a->year != year)
				continue;
			v[PUB] = known(1);
			v[PCT] = known(a->expected_standard_pct);
			v[PROG] = known(a->progress);
			double progress_below, floor = facts_floor_pct(p, year, &progress_below);
			if (floor >= 0)
				v[FLOOR] = known(a->expected_standard_pct < floor &&
						 a->progress < progress_below);
		}
	}
}

void facts_compute(const N2gg__V1__SchoolFacts *sf, const struct facts_params *params, int today,
		   struct facts *out)
{
	memset(out, 0, sizeof *out);
	out->urn = sf->urn;
	out->today = today;
	facts_compute_ofsted(sf, today, out);
	const N2gg__V1__LaFlags *fl = sf->flags;
	out->school[FACT_LA_CAUSING_CONCERN] = known(fl && fl->causing_concern);
	out->school[FACT_LA_PSSWN_ISSUED] = known(fl && fl->psswn_issued_date[0]);
	out->school[FACT_LA_IN_TRANSITION] = known(fl && fl->in_transition);
	out->school[FACT_LA_TARGETED_N2GG] = known(fl && fl->targeted_n2gg);
	out->school[FACT_LA_TARGETED_SYSTEM_LEADER] = known(fl && fl->targeted_system_leader);
	if ((int)sf->phase >= 0 && (int)sf->phase < facts_defs[FACT_SCHOOL_PHASE].enum_count)
		out->school[FACT_SCHOOL_PHASE] = known(sf->phase);
	facts_compute_progress(sf, params, today, out);
	facts_compute_years(sf, params, today, out);
}

struct fact_value facts_get(const struct facts *f, enum fact_id fact, int y)
{
	if (!facts_is_year_fact(fact))
		return f->school[fact];
	if (y < 0 || y >= FACTS_MAX_YEARS)
		return (struct fact_value){false, 0};
	return f->year[y][fact - FACT_FIRST_YEAR_FACT];
}

static const char *const grade_names[] = {"", "Outstanding", "Good", "Requires improvement",
					  "Inadequate"};

void facts_format(enum fact_id fact, struct fact_value v, char *out, size_t size)
{
	const struct fact_def *d = &facts_defs[fact];
	if (!v.known) {
		snprintf(out, size, "unknown");
		return;
	}
	switch (d->type) {
	case FACT_TYPE_BOOL:
		snprintf(out, size, "%s", v.v ? "yes" : "no");
		break;
	case FACT_TYPE_GRADE: {
		int g = (int)v.v;
		if (g >= 1 && g <= 4 && g == v.v)
			snprintf(out, size, "%d (%s)", g, grade_names[g]);
		else
			snprintf(out, size, "%g", v.v);
		break;
	}
	case FACT_TYPE_ENUM: {
		int e = (int)v.v;
		const char *name = e >= 0 && e < d->enum_count ? d->enum_names[e] : "?";
		char words[64];
		snprintf(words, sizeof words, "%s", name);
		for (char *p = words; *p; p++)
			if (*p == '_')
				*p = ' ';
		snprintf(out, size, "%s", words);
		break;
	}
	case FACT_TYPE_NUMBER:
		snprintf(out, size, "%g%s", v.v, d->unit);
		break;
	}
}
