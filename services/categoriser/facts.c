/* facts: the categorisation facts of one school on a date (see facts.h). */
#include "facts.h"

#include <math.h>
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
				   FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
	[FACT_OFSTED_OVERALL] = {"ofsted.overall", "latest Ofsted overall effectiveness",
				 FACT_TYPE_GRADE, NULL, 0, 1, 4, "", false},
	[FACT_OFSTED_CATEGORY_OF_CONCERN] = {"ofsted.category_of_concern",
					     "Ofsted category of concern", FACT_TYPE_ENUM,
					     ENUM(concern_names), 0, 3, "", false},
	[FACT_OFSTED_AGE_MONTHS] = {"ofsted.age_months",
				    "months since the latest Ofsted inspection", FACT_TYPE_NUMBER,
				    NULL, 0, 0, 1200, "", false},
	[FACT_LA_CAUSING_CONCERN] = {"la.causing_concern", "the LA has it as causing concern",
				     FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
	[FACT_LA_PSSWN_ISSUED] = {"la.psswn_issued", "a warning notice (PSSWN) has been issued",
				  FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
	[FACT_LA_IN_TRANSITION] = {"la.in_transition", "the school is in transition",
				   FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
	[FACT_LA_TARGETED_N2GG] = {"la.targeted_n2gg",
				   "the LA has targeted it for Norfolk to Good and Great",
				   FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
	[FACT_LA_TARGETED_SYSTEM_LEADER] = {"la.targeted_system_leader",
					    "the LA has targeted it as a system leader",
					    FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
	[FACT_SCHOOL_PHASE] = {"school.phase", "phase", FACT_TYPE_ENUM, ENUM(phase_names), 0, 10,
			       "", false},
	[FACT_PROGRESS_LATEST_ON_TRACK_PCT] = {"progress.latest_on_track_pct",
					       "pupils on track in the latest progress return",
					       FACT_TYPE_NUMBER, NULL, 0, 0, 100, "%", false},
	[FACT_PROGRESS_RETURNS_MISSING] = {"progress.returns_missing",
					   "progress returns overdue this school year",
					   FACT_TYPE_NUMBER, NULL, 0, 0, 6, "", false},
	[FACT_YEAR_PUBLISHED] = {"year.published", "achievement results published",
				 FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
	[FACT_YEAR_EXPECTED_STANDARD_PCT] = {"year.expected_standard_pct",
					     "pupils reaching the expected standard",
					     FACT_TYPE_NUMBER, NULL, 0, 0, 100, "%", false},
	[FACT_YEAR_PROGRESS] = {"year.progress", "progress measure", FACT_TYPE_NUMBER, NULL, 0,
				-100, 100, "", false},
	[FACT_YEAR_BELOW_FLOOR] = {"year.below_floor", "below the floor standard",
				   FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
	[FACT_YEAR_BELOW_COASTING] = {"year.below_coasting", "below the coasting standard",
				      FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
	[FACT_YEAR_COASTING] = {"year.coasting",
				"coasting (below the coasting standard this year and the two before)",
				FACT_TYPE_BOOL, NULL, 0, 0, 1, "", false},
/* three facts per published measure and kind (latest / year): the value, then the value
 * less the LA's average, then less England's; a difference ranges over max - min */
#define FACTS_PUBLISHED_DEFS(id, ks, measure, name, label, unit, min, max, diff_unit)            \
	[FACT_LATEST_FIRST + AGAINST_COUNT * PUBLISHED_##id + AGAINST_NONE] =                    \
		{"latest." name, label ", latest published", FACT_TYPE_NUMBER, NULL, 0, min, max, \
		 unit, false},                                                                   \
	[FACT_LATEST_FIRST + AGAINST_COUNT * PUBLISHED_##id + AGAINST_LA] =                      \
		{"latest." name "_vs_la", label " against the LA average, latest published",      \
		 FACT_TYPE_NUMBER, NULL, 0, (min) - (max), (max) - (min), diff_unit, true},        \
	[FACT_LATEST_FIRST + AGAINST_COUNT * PUBLISHED_##id + AGAINST_ENGLAND] =                 \
		{"latest." name "_vs_england", label " against the England average, latest published", \
		 FACT_TYPE_NUMBER, NULL, 0, (min) - (max), (max) - (min), diff_unit, true},        \
	[FACT_YEAR_MEASURES_FIRST + AGAINST_COUNT * PUBLISHED_##id + AGAINST_NONE] =             \
		{"year." name, label, FACT_TYPE_NUMBER, NULL, 0, min, max, unit, false},          \
	[FACT_YEAR_MEASURES_FIRST + AGAINST_COUNT * PUBLISHED_##id + AGAINST_LA] =               \
		{"year." name "_vs_la", label " against the LA average", FACT_TYPE_NUMBER, NULL,  \
		 0, (min) - (max), (max) - (min), diff_unit, true},                                \
	[FACT_YEAR_MEASURES_FIRST + AGAINST_COUNT * PUBLISHED_##id + AGAINST_ENGLAND] =          \
		{"year." name "_vs_england", label " against the England average",               \
		 FACT_TYPE_NUMBER, NULL, 0, (min) - (max), (max) - (min), diff_unit, true},
	FACTS_PUBLISHED(FACTS_PUBLISHED_DEFS)
#undef FACTS_PUBLISHED_DEFS
};

/* the published measures' key stage and underlying measure, in enum facts_published order */
static const struct {
	int key_stage;
	enum facts_measure measure;
} published[PUBLISHED_COUNT] = {
#define FACTS_PUBLISHED_OF(id, ks, m, ...) [PUBLISHED_##id] = {ks, m},
	FACTS_PUBLISHED(FACTS_PUBLISHED_OF)
#undef FACTS_PUBLISHED_OF
};

const struct facts_measure_def facts_measures[MEASURE_COUNT] = {
	[MEASURE_EXPECTED_STANDARD_PCT] = {"expected_standard_pct",
					   "pupils reaching the expected standard", "%", 0, 100, 0},
	[MEASURE_PROGRESS] = {"progress", "progress measure", "", -100, 100, 0},
	[MEASURE_READING_PROGRESS] = {"reading_progress", "reading progress score", "", -100, 100,
				      2},
	[MEASURE_WRITING_PROGRESS] = {"writing_progress", "writing progress score", "", -100, 100,
				      2},
	[MEASURE_MATHS_PROGRESS] = {"maths_progress", "maths progress score", "", -100, 100, 2},
	[MEASURE_PROGRESS8] = {"progress8", "Progress 8 score", "", -10, 10, 4},
	[MEASURE_ATTAINMENT8] = {"attainment8", "Attainment 8 score", "", 0, 90, 4},
	[MEASURE_ENGLISH_MATHS_5_PCT] = {"english_maths_5_pct",
					 "pupils with grade 5 or above in English and maths", "%", 0,
					 100, 4},
};

int facts_measure_lookup(const char *name)
{
	for (int i = 0; i < MEASURE_COUNT; i++)
		if (strcmp(facts_measures[i].name, name) == 0)
			return i;
	return -1;
}

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
	return (struct fact_value){true, v, 0, ""};
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

/* ---- achievement: measures, standards, comparators ---- */

static struct fact_value unknown_value(void)
{
	return (struct fact_value){false, 0, 0, ""};
}

/* A Measure: its value, or unknown with the marker published instead (none when the file
 * had no such column). */
static struct fact_value measure_value(const N2gg__V1__Measure *m)
{
	struct fact_value v = unknown_value();
	if (!m)
		return v;
	if (m->marker && m->marker[0]) {
		snprintf(v.marker, sizeof v.marker, "%s", m->marker);
		return v;
	}
	return known(m->value);
}

void facts_row_measures(const N2gg__V1__Achievement *a, struct fact_value out[MEASURE_COUNT])
{
	for (int i = 0; i < MEASURE_COUNT; i++)
		out[i] = unknown_value();
	switch (a->key_stage) {
	case N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED:
		/* N2GG's own format: both columns always held a value (0: the median) */
		out[MEASURE_EXPECTED_STANDARD_PCT] = known(a->expected_standard_pct);
		out[MEASURE_PROGRESS] = known(a->progress);
		return;
	case N2GG__V1__KEY_STAGE__KEY_STAGE_2:
		out[MEASURE_EXPECTED_STANDARD_PCT] = measure_value(a->expected_standard);
		out[MEASURE_READING_PROGRESS] = measure_value(a->reading_progress);
		out[MEASURE_WRITING_PROGRESS] = measure_value(a->writing_progress);
		out[MEASURE_MATHS_PROGRESS] = measure_value(a->maths_progress);
		break;
	case N2GG__V1__KEY_STAGE__KEY_STAGE_4:
		/* key stage 4 has no "expected standard": the DfE's measures are these */
		out[MEASURE_PROGRESS8] = measure_value(a->progress8);
		out[MEASURE_ATTAINMENT8] = measure_value(a->attainment8);
		out[MEASURE_ENGLISH_MATHS_5_PCT] = measure_value(a->english_maths_5_pct);
		break;
	default:
		return;
	}
	if (a->progress_known)
		out[MEASURE_PROGRESS] = known(a->progress);
}

int facts_judged_key_stage(const N2gg__V1__SchoolFacts *sf)
{
	switch (sf->phase) {
	case N2GG__V1__PHASE__PHASE_SECONDARY:
	case N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_SECONDARY:
	case N2GG__V1__PHASE__PHASE_ALL_THROUGH:
	case N2GG__V1__PHASE__PHASE_SIXTEEN_PLUS:
		return 4;
	case N2GG__V1__PHASE__PHASE_PRIMARY:
	case N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_PRIMARY:
	case N2GG__V1__PHASE__PHASE_NURSERY:
		return 2;
	default:
		/* special schools, PRUs, ...: by the results they have */
		for (size_t i = 0; i < sf->n_achievement; i++)
			if (sf->achievement[i]->key_stage == N2GG__V1__KEY_STAGE__KEY_STAGE_4)
				return 4;
		return 2;
	}
}

const struct facts_standard *facts_standard_for(const struct facts_standards *table,
						int key_stage, unsigned year)
{
	for (size_t i = 0; i < table->count; i++) {
		const struct facts_standard *s = &table->rows[i];
		if (s->key_stage == key_stage && s->from_year <= year && year <= s->to_year)
			return s;
	}
	return NULL;
}

/* Three-valued: 1 holds, 0 does not, -1 unknown. An unknown measure's marker is kept in
 * `marker` (the first one met), so the standard's unknown result can say why. */
static int condition_holds(const struct facts_condition *c,
			   const struct fact_value measures[MEASURE_COUNT],
			   char marker[FACTS_MARKER_LEN])
{
	const struct fact_value *v = &measures[c->measure];
	if (v->known)
		return v->v < c->below;
	if (!marker[0])
		memcpy(marker, v->marker, FACTS_MARKER_LEN);
	return -1;
}

struct fact_value facts_standard_below(const struct facts_standard *s,
				       const struct fact_value measures[MEASURE_COUNT])
{
	/* "and" of attainment and progress; progress "and" or "or" of its conditions. False
	 * wins an "and" and true an "or" even beside an unknown: a school at 70% is above a
	 * 65% floor whatever its suppressed progress scores were. */
	char marker[FACTS_MARKER_LEN] = "";
	int attainment = s->has_attainment ? condition_holds(&s->attainment, measures, marker) : 1;
	int progress = s->progress_count ? (s->progress_any ? 0 : 1) : 1;
	for (int i = 0; i < s->progress_count; i++) {
		int h = condition_holds(&s->progress[i], measures, marker);
		if (s->progress_any)
			progress = h == 1 || progress == 1 ? 1 : (h < 0 || progress < 0 ? -1 : 0);
		else
			progress = h == 0 || progress == 0 ? 0 : (h < 0 || progress < 0 ? -1 : 1);
	}
	if (attainment == 0 || progress == 0)
		return known(0);
	if (attainment < 0 || progress < 0) {
		struct fact_value v = unknown_value();
		memcpy(v.marker, marker, sizeof v.marker);
		return v;
	}
	return known(1);
}

bool facts_comparators_add(struct facts_comparators *set, const N2gg__V1__Comparator *c)
{
	if (set->count == FACTS_MAX_COMPARATORS || !c->achievement ||
	    (c->key_stage != N2GG__V1__KEY_STAGE__KEY_STAGE_2 &&
	     c->key_stage != N2GG__V1__KEY_STAGE__KEY_STAGE_4) ||
	    (c->area != N2GG__V1__COMPARATOR_AREA__AREA_LA &&
	     c->area != N2GG__V1__COMPARATOR_AREA__AREA_ENGLAND))
		return false;
	struct facts_comparator *fc = &set->list[set->count++];
	fc->year = c->year;
	fc->key_stage = (int)c->key_stage;
	fc->area = c->area == N2GG__V1__COMPARATOR_AREA__AREA_LA ? AGAINST_LA : AGAINST_ENGLAND;
	/* the area's row is read as a school's row of that key stage */
	N2gg__V1__Achievement row = *c->achievement;
	row.key_stage = c->key_stage;
	facts_row_measures(&row, fc->measures);
	return true;
}

static const struct facts_comparator *comparator_for(const struct facts_comparators *set,
						     unsigned year, int key_stage,
						     enum facts_against area)
{
	for (size_t i = 0; set && i < set->count; i++)
		if (set->list[i].year == year && set->list[i].key_stage == key_stage &&
		    set->list[i].area == area)
			return &set->list[i];
	return NULL;
}

/* The school's row of `year` for `key_stage` (0: N2GG's own format), or NULL; when the
 * registry sent two, the later. */
static const N2gg__V1__Achievement *row_for(const N2gg__V1__SchoolFacts *sf, unsigned year,
					    int key_stage)
{
	const N2gg__V1__Achievement *found = NULL;
	for (size_t k = 0; k < sf->n_achievement; k++)
		if (sf->achievement[k]->year == year && (int)sf->achievement[k]->key_stage == key_stage)
			found = sf->achievement[k];
	return found;
}

/* The row the floor and coasting standards judge: the DfE's for the school's key stage,
 * else one in N2GG's own format (read as that key stage's). */
static const N2gg__V1__Achievement *judged_row(const N2gg__V1__SchoolFacts *sf, unsigned year,
					       int key_stage)
{
	const N2gg__V1__Achievement *a = row_for(sf, year, key_stage);
	return a ? a : row_for(sf, year, N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED);
}

static struct fact_value against_value(struct fact_value school, const struct facts_comparator *c,
				       enum facts_measure m)
{
	if (!school.known || !c || !c->measures[m].known)
		return unknown_value();
	return known(school.v - c->measures[m].v);
}

/* Year `year`'s published measure `p`, as it stands and against each area. */
static void published_values(const N2gg__V1__SchoolFacts *sf,
			     const struct facts_comparators *comparators, unsigned year,
			     enum facts_published p, bool *present, struct fact_value out[AGAINST_COUNT])
{
	const N2gg__V1__Achievement *a = row_for(sf, year, published[p].key_stage);
	enum facts_measure m = published[p].measure;
	struct fact_value row[MEASURE_COUNT];
	for (int k = 0; k < AGAINST_COUNT; k++)
		out[k] = unknown_value();
	*present = false;
	if (!a)
		return;
	facts_row_measures(a, row);
	/* present: the row has the column, with a value or a marker */
	*present = row[m].known || row[m].marker[0];
	out[AGAINST_NONE] = row[m];
	for (int k = AGAINST_LA; k < AGAINST_COUNT; k++) {
		const struct facts_comparator *c =
			comparator_for(comparators, year, published[p].key_stage, (enum facts_against)k);
		out[k] = against_value(row[m], c, m);
		/* the reason a difference is unknown is, most often, the school's marker */
		if (!out[k].known && row[m].marker[0])
			memcpy(out[k].marker, row[m].marker, sizeof out[k].marker);
	}
}

/* The coasting standard needs three years in a row: the window's oldest year needs two
 * more years before it. */
#define FACTS_COASTING_YEARS 3

static void facts_compute_years(const N2gg__V1__SchoolFacts *sf, const struct facts_params *p,
				const struct facts_comparators *comparators, int today,
				struct facts *out)
{
	/* results for the school year ending in summer Y are out by its autumn */
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	out->latest_year = (unsigned)(m >= 9 ? y : y - 1);
	out->key_stage = facts_judged_key_stage(sf);
	struct fact_value below_coasting[FACTS_MAX_YEARS + FACTS_COASTING_YEARS - 1];
	for (int i = 0; i < FACTS_MAX_YEARS + FACTS_COASTING_YEARS - 1; i++) {
		unsigned year = out->latest_year - (unsigned)i;
		const N2gg__V1__Achievement *a = judged_row(sf, year, out->key_stage);
		struct fact_value row[MEASURE_COUNT];
		const struct facts_standard *coasting =
			facts_standard_for(&p->coasting, out->key_stage, year);
		if (a)
			facts_row_measures(a, row);
		below_coasting[i] = a && coasting ? facts_standard_below(coasting, row)
						  : unknown_value();
		if (i >= FACTS_MAX_YEARS)
			continue;
		struct fact_value *v = out->year[i];
		bool any = false;
		for (size_t k = 0; k < sf->n_achievement; k++)
			any = any || sf->achievement[k]->year == year;
		v[FACT_YEAR_PUBLISHED - FACT_FIRST_YEAR_FACT] = known(any);
		const struct facts_standard *floor = facts_standard_for(&p->floors, out->key_stage, year);
		if (a) {
			v[FACT_YEAR_EXPECTED_STANDARD_PCT - FACT_FIRST_YEAR_FACT] =
				row[MEASURE_EXPECTED_STANDARD_PCT];
			v[FACT_YEAR_PROGRESS - FACT_FIRST_YEAR_FACT] = row[MEASURE_PROGRESS];
			if (floor)
				v[FACT_YEAR_BELOW_FLOOR - FACT_FIRST_YEAR_FACT] =
					facts_standard_below(floor, row);
		}
		v[FACT_YEAR_BELOW_COASTING - FACT_FIRST_YEAR_FACT] = below_coasting[i];
		for (int pm = 0; pm < PUBLISHED_COUNT; pm++) {
			bool present;
			struct fact_value values[AGAINST_COUNT];
			published_values(sf, comparators, year, (enum facts_published)pm, &present,
					 values);
			for (int k = 0; k < AGAINST_COUNT; k++)
				v[facts_published_fact(true, (enum facts_published)pm,
						       (enum facts_against)k) - FACT_FIRST_YEAR_FACT] =
					values[k];
		}
	}
	/* coasting: below the coasting standard in this year and the two before; one year
	 * that was not settles it, an unknown one leaves it unknown */
	for (int i = 0; i < FACTS_MAX_YEARS; i++) {
		int result = 1;
		for (int k = i; k < i + FACTS_COASTING_YEARS; k++) {
			const struct fact_value *b = &below_coasting[k];
			if (b->known && !b->v)
				result = 0;
			else if (!b->known && result == 1)
				result = -1;
		}
		out->year[i][FACT_YEAR_COASTING - FACT_FIRST_YEAR_FACT] =
			result < 0 ? unknown_value() : known(result);
	}
}

/* latest.*: the latest year of the window whose row has the measure (its value, or the
 * marker published in its place). */
static void facts_compute_latest(const N2gg__V1__SchoolFacts *sf,
				 const struct facts_comparators *comparators, struct facts *out)
{
	for (int pm = 0; pm < PUBLISHED_COUNT; pm++)
		for (int i = 0; i < FACTS_MAX_YEARS; i++) {
			unsigned year = out->latest_year - (unsigned)i;
			bool present;
			struct fact_value values[AGAINST_COUNT];
			published_values(sf, comparators, year, (enum facts_published)pm, &present,
					 values);
			if (!present)
				continue;
			for (int k = 0; k < AGAINST_COUNT; k++) {
				values[k].year = year;
				out->school[facts_published_fact(false, (enum facts_published)pm,
								 (enum facts_against)k)] = values[k];
			}
			break;
		}
}

void facts_compute_compared(const N2gg__V1__SchoolFacts *sf, const struct facts_params *params,
			    const struct facts_comparators *comparators, int today,
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
	facts_compute_years(sf, params, comparators, today, out);
	facts_compute_latest(sf, comparators, out);
}

void facts_compute(const N2gg__V1__SchoolFacts *sf, const struct facts_params *params, int today,
		   struct facts *out)
{
	facts_compute_compared(sf, params, NULL, today, out);
}

struct fact_value facts_get(const struct facts *f, enum fact_id fact, int y)
{
	if (!facts_is_year_fact(fact))
		return f->school[fact];
	if (y < 0 || y >= FACTS_MAX_YEARS)
		return (struct fact_value){.known = false};
	return f->year[y][fact - FACT_FIRST_YEAR_FACT];
}

static const char *const grade_names[] = {"", "Outstanding", "Good", "Requires improvement",
					  "Inadequate"};

void facts_marker_words(const char *marker, char *out, size_t size)
{
	/* the markers of the DfE's performance tables */
	static const struct {
		const char *marker, *words;
	} words[] = {{"SUPP", "suppressed"},     {"NE", "no pupils entered"},
		     {"NP", "not published"},    {"LOWCOV", "not published: low coverage"},
		     {"NEW", "new school"},      {"NA", "not applicable"},
		     {"x", "not available"},     {"NAT", "not available"},
		     {"DNS", "did not submit"},  {"NT", "not tested"}};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(words[i].marker, marker) == 0) {
			snprintf(out, size, "%s (%s)", words[i].words, marker);
			return;
		}
	snprintf(out, size, "not published (%s)", marker);
}

void facts_format(enum fact_id fact, struct fact_value v, char *out, size_t size)
{
	const struct fact_def *d = &facts_defs[fact];
	if (!v.known) {
		if (v.marker[0])
			facts_marker_words(v.marker, out, size);
		else
			snprintf(out, size, "unknown");
		if (v.year)
			snprintf(out + strlen(out), size - strlen(out), " (%u)", v.year);
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
		/* a difference within rounding of 0 is 0, not "-1.42109e-14" */
		snprintf(out, size, d->difference ? "%+g%s" : "%g%s",
			 d->difference && fabs(v.v) < 1e-9 ? 0.0 : v.v, d->unit);
		break;
	}
	if (v.year)
		snprintf(out + strlen(out), size - strlen(out), " (%u)", v.year);
}
