/* facts: what the categorisation rules may look at, computed from the categoriser's read
 * model of one school (n2gg.v1.SchoolFacts) on a given date. Each fact has a name the
 * policy file uses, words for explanations and a type; a fact may be unknown (a school
 * never inspected has no Ofsted grade), and a comparison with an unknown fact never holds.
 * Year facts describe one year of published achievement and are only usable inside a
 * `count` over years; latest.* facts are the latest published year's value of a measure.
 * Pure: no I/O. */
#ifndef N2GG_FACTS_H
#define N2GG_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "n2gg/v1/categoriser.pb-c.h"

/* The measures one year of a school's (or an area's) achievement may carry, by the names
 * the floor and coasting tables use. The first two are N2GG's own simple format (and, for
 * key stage 2, expected_standard_pct is the DfE's expected standard too); the rest are the
 * DfE's post-2016 measures of one key stage. A measure is unknown when the file lacked it
 * or published a marker (SUPP, NE, ...) instead of a value. */
enum facts_measure {
	MEASURE_EXPECTED_STANDARD_PCT,
	MEASURE_PROGRESS,
	MEASURE_READING_PROGRESS,
	MEASURE_WRITING_PROGRESS,
	MEASURE_MATHS_PROGRESS,
	MEASURE_PROGRESS8,
	MEASURE_ATTAINMENT8,
	MEASURE_ENGLISH_MATHS_5_PCT,
	MEASURE_COUNT
};

struct facts_measure_def {
	const char *name;      /* as the tables write it: "reading_progress" */
	const char *label;     /* "reading progress score" */
	const char *unit;      /* "%" or "" */
	double min, max;       /* the values a table may compare it with (and data may hold) */
	int key_stage;         /* the only key stage it is published for; 0: either */
};
extern const struct facts_measure_def facts_measures[MEASURE_COUNT];
/* The measure named `name`, or -1. */
int facts_measure_lookup(const char *name);

/* The published measures that are facts of their own, per year and as latest, each also
 * compared with the LA's and England's average of the same year and key stage:
 * X(ID, key stage, measure, fact name, label, unit, min, max, unit of a difference). */
#define FACTS_PUBLISHED(X)                                                                  \
	X(KS2_EXPECTED_STANDARD_PCT, 2, MEASURE_EXPECTED_STANDARD_PCT, "ks2_expected_standard_pct", \
	  "key stage 2 pupils at the expected standard in reading, writing and maths", "%", 0, 100, \
	  " points")                                                                        \
	X(KS2_READING_PROGRESS, 2, MEASURE_READING_PROGRESS, "ks2_reading_progress",          \
	  "key stage 2 reading progress score", "", -100, 100, "")                           \
	X(KS2_WRITING_PROGRESS, 2, MEASURE_WRITING_PROGRESS, "ks2_writing_progress",          \
	  "key stage 2 writing progress score", "", -100, 100, "")                           \
	X(KS2_MATHS_PROGRESS, 2, MEASURE_MATHS_PROGRESS, "ks2_maths_progress",                \
	  "key stage 2 maths progress score", "", -100, 100, "")                             \
	X(KS4_PROGRESS8, 4, MEASURE_PROGRESS8, "ks4_progress8", "Progress 8 score", "", -10, 10, "") \
	X(KS4_ATTAINMENT8, 4, MEASURE_ATTAINMENT8, "ks4_attainment8", "Attainment 8 score", "", 0, \
	  90, "")                                                                           \
	X(KS4_ENGLISH_MATHS_5_PCT, 4, MEASURE_ENGLISH_MATHS_5_PCT, "ks4_english_maths_5_pct",   \
	  "key stage 4 pupils with grade 5 or above in English and maths", "%", 0, 100, " points")

enum facts_published {
#define FACTS_PUBLISHED_ID(id, ...) PUBLISHED_##id,
	FACTS_PUBLISHED(FACTS_PUBLISHED_ID)
#undef FACTS_PUBLISHED_ID
	PUBLISHED_COUNT
};

/* A published measure as it stands, or set against an area's average (school minus area). */
enum facts_against { AGAINST_NONE, AGAINST_LA, AGAINST_ENGLAND, AGAINST_COUNT };

enum fact_id {
	FACT_OFSTED_INSPECTED,
	FACT_OFSTED_OVERALL,
	FACT_OFSTED_CATEGORY_OF_CONCERN,
	FACT_OFSTED_AGE_MONTHS,
	FACT_LA_CAUSING_CONCERN,
	FACT_LA_PSSWN_ISSUED,
	FACT_LA_IN_TRANSITION,
	FACT_LA_TARGETED_N2GG,
	FACT_LA_TARGETED_SYSTEM_LEADER,
	FACT_SCHOOL_PHASE,
	FACT_PROGRESS_LATEST_ON_TRACK_PCT,
	FACT_PROGRESS_RETURNS_MISSING,
	/* latest.<measure>, latest.<measure>_vs_la, latest.<measure>_vs_england, for each
	 * published measure in turn (facts_published_fact) */
	FACT_LATEST_FIRST,
	/* year facts: one per year of the window */
	FACT_YEAR_PUBLISHED = FACT_LATEST_FIRST + AGAINST_COUNT * PUBLISHED_COUNT,
	FACT_YEAR_EXPECTED_STANDARD_PCT,
	FACT_YEAR_PROGRESS,
	FACT_YEAR_BELOW_FLOOR,
	FACT_YEAR_BELOW_COASTING,
	FACT_YEAR_COASTING,
	/* year.<measure>, year.<measure>_vs_la, year.<measure>_vs_england */
	FACT_YEAR_MEASURES_FIRST,
	FACT_COUNT = FACT_YEAR_MEASURES_FIRST + AGAINST_COUNT * PUBLISHED_COUNT
};
#define FACT_FIRST_YEAR_FACT FACT_YEAR_PUBLISHED

static inline enum fact_id facts_published_fact(bool per_year, enum facts_published m,
						enum facts_against against)
{
	return (enum fact_id)((per_year ? FACT_YEAR_MEASURES_FIRST : FACT_LATEST_FIRST) +
			      AGAINST_COUNT * (int)m + (int)against);
}

enum fact_type { FACT_TYPE_BOOL, FACT_TYPE_NUMBER, FACT_TYPE_GRADE, FACT_TYPE_ENUM };

struct fact_def {
	const char *name;      /* as written in the policy: "ofsted.overall" */
	const char *label;     /* in plain words: "latest Ofsted overall effectiveness" */
	enum fact_type type;
	const char *const *enum_names;   /* FACT_TYPE_ENUM: value i is enum_names[i] */
	int enum_count;
	double min, max;       /* the values a policy may compare it with */
	const char *unit;      /* "%" or "" */
	bool difference;       /* a school's value minus an area's: shown with its sign */
};

extern const struct fact_def facts_defs[FACT_COUNT];

/* The fact named `name`, or -1. */
int facts_lookup(const char *name);
/* The value of an enum fact's name (e.g. "special_measures"), or -1. */
int facts_enum_value(enum fact_id fact, const char *name);
static inline bool facts_is_year_fact(enum fact_id fact)
{
	return fact >= FACT_FIRST_YEAR_FACT;
}

#define FACTS_MARKER_LEN 12
struct fact_value {
	bool known;
	double v;              /* booleans 0/1, enums their index, grades 1..4 */
	unsigned year;         /* latest.* facts: the year the value is from; else 0 */
	char marker[FACTS_MARKER_LEN];   /* unknown because the DfE published this marker */
};

/* ---- the policy's data facts depend on ---- */

/* A floor or coasting standard for one key stage over a run of years: a school is below
 * it in a year when the attainment condition holds (if there is one) and the progress
 * conditions hold (all of them, or any one, as the row says). Each condition is "measure
 * below threshold" on the school's results of that year and key stage. */
struct facts_condition {
	enum facts_measure measure;
	double below;
};
#define FACTS_STANDARD_MAX_PROGRESS 4
struct facts_standard {
	int key_stage;                  /* 2 or 4 */
	unsigned from_year, to_year;    /* the results years it covers, both included */
	bool has_attainment;
	struct facts_condition attainment;
	bool progress_any;              /* any one progress condition (else all of them) */
	struct facts_condition progress[FACTS_STANDARD_MAX_PROGRESS];
	int progress_count;
	const char *source;             /* the published definition it follows */
	int line;                       /* in the policy file */
};
#define FACTS_MAX_STANDARDS 32
struct facts_standards {
	struct facts_standard rows[FACTS_MAX_STANDARDS];
	size_t count;
};

#define FACTS_HALF_TERMS 6
struct facts_calendar {
	int half_term_start[FACTS_HALF_TERMS][2];   /* month, day; the first in autumn */
	int return_due_days;           /* a progress return is due this long after the start */
};
struct facts_params {
	struct facts_standards floors;     /* year.below_floor */
	struct facts_standards coasting;   /* year.below_coasting, year.coasting */
	struct facts_calendar calendar;
};

/* The row of `table` covering (key_stage, year), or NULL. */
const struct facts_standard *facts_standard_for(const struct facts_standards *table,
						int key_stage, unsigned year);
/* Whether results `measures` (facts_row_measures) are below standard `s`: unknown when a
 * measure it needs is unknown and the others do not settle it. */
struct fact_value facts_standard_below(const struct facts_standard *s,
				       const struct fact_value measures[MEASURE_COUNT]);

/* The measures of one year of achievement, by the key stage it is for (see enum
 * facts_measure). */
void facts_row_measures(const N2gg__V1__Achievement *a, struct fact_value out[MEASURE_COUNT]);

/* The key stage a school's floor and coasting standards are judged on: 4 for secondary,
 * middle deemed secondary, all-through and 16 plus; 2 for primary, middle deemed primary
 * and nursery; for any other phase (special, PRU, ...) 4 when it has key stage 4 results,
 * else 2. Results in N2GG's own format count as this key stage's. */
int facts_judged_key_stage(const N2gg__V1__SchoolFacts *sf);

/* The LA's and England's averages the categoriser holds (registry.comparator.recorded),
 * for the LA the categoriser serves. */
struct facts_comparator {
	unsigned year;
	int key_stage;
	enum facts_against area;          /* AGAINST_LA or AGAINST_ENGLAND */
	struct fact_value measures[MEASURE_COUNT];
};
#define FACTS_MAX_COMPARATORS 64
struct facts_comparators {
	struct facts_comparator list[FACTS_MAX_COMPARATORS];
	size_t count;
};
/* Adds `c` (an LA or England comparator of key stage 2 or 4); false when it is of another
 * kind or the set is full. */
bool facts_comparators_add(struct facts_comparators *set, const N2gg__V1__Comparator *c);

/* "suppressed (SUPP)": a DfE marker in words. */
void facts_marker_words(const char *marker, char *out, size_t size);

/* The years a count can reach back over. */
#define FACTS_MAX_YEARS 10

struct facts {
	unsigned urn;
	int today;                     /* days since the epoch: the date they are as of */
	int key_stage;                 /* what below_floor and coasting judge (facts_judged_key_stage) */
	struct fact_value school[FACT_FIRST_YEAR_FACT];
	unsigned latest_year;          /* the latest year with published results by `today` */
	/* year[i]: the year latest_year - i */
	struct fact_value year[FACTS_MAX_YEARS][FACT_COUNT - FACT_FIRST_YEAR_FACT];
};

/* The school year (by its ending calendar year) `day` falls in, and the current half-term
 * (1..6) with the day it started; half_term 0 in September before the first half-term
 * starts (1-3 September when it starts on the 4th). */
void facts_school_year(const struct facts_calendar *cal, int day, unsigned *year,
		       unsigned *half_term, int *half_term_start);
/* The first day of half-term `half_term` of school year `year`. */
int facts_half_term_start(const struct facts_calendar *cal, unsigned year, unsigned half_term);

/* Whether the school has sent its progress return for (year, half_term). */
bool facts_has_return(const N2gg__V1__SchoolFacts *sf, unsigned year, unsigned half_term);

/* The facts of `sf` on day `today`; `comparators` (may be NULL: none known) give the
 * *_vs_la and *_vs_england facts. */
void facts_compute_compared(const N2gg__V1__SchoolFacts *sf, const struct facts_params *params,
			    const struct facts_comparators *comparators, int today,
			    struct facts *out);
/* facts_compute_compared() with no comparators. */
void facts_compute(const N2gg__V1__SchoolFacts *sf, const struct facts_params *params, int today,
		   struct facts *out);

/* The value of a school fact, or of a year fact for year index `y` (0: latest). */
struct fact_value facts_get(const struct facts *f, enum fact_id fact, int y);

/* A value in words: "4 (Inadequate)", "yes", "special measures", "58.5%", "unknown",
 * "suppressed (SUPP)", "-2.5 (2019)" for a latest.* fact, "+1.5" for a difference. */
void facts_format(enum fact_id fact, struct fact_value v, char *out, size_t size);

#endif
