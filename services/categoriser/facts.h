/* facts: what the categorisation rules may look at, computed from the categoriser's read
 * model of one school (n2gg.v1.SchoolFacts) on a given date. Each fact has a name the
 * policy file uses, words for explanations and a type; a fact may be unknown (a school
 * never inspected has no Ofsted grade), and a comparison with an unknown fact never holds.
 * Year facts describe one year of published achievement and are only usable inside a
 * `count` over years. Pure: no I/O. */
#ifndef N2GG_FACTS_H
#define N2GG_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "n2gg/v1/categoriser.pb-c.h"

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
	/* year facts: one per year of the window */
	FACT_YEAR_PUBLISHED,
	FACT_YEAR_EXPECTED_STANDARD_PCT,
	FACT_YEAR_PROGRESS,
	FACT_YEAR_BELOW_FLOOR,
	FACT_COUNT
};
#define FACT_FIRST_YEAR_FACT FACT_YEAR_PUBLISHED

enum fact_type { FACT_TYPE_BOOL, FACT_TYPE_NUMBER, FACT_TYPE_GRADE, FACT_TYPE_ENUM };

struct fact_def {
	const char *name;      /* as written in the policy: "ofsted.overall" */
	const char *label;     /* in plain words: "latest Ofsted overall effectiveness" */
	enum fact_type type;
	const char *const *enum_names;   /* FACT_TYPE_ENUM: value i is enum_names[i] */
	int enum_count;
	double min, max;       /* the values a policy may compare it with */
	const char *unit;      /* "%" or "" */
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

struct fact_value {
	bool known;
	double v;              /* booleans 0/1, enums their index, grades 1..4 */
};

/* The policy's data facts depend on. */
#define FACTS_MAX_FLOORS 8
struct facts_floor {
	unsigned from_year;             /* applies to this year and later (until the next) */
	double expected_standard_pct;   /* below floor: fewer than this reach the standard ... */
	double progress_below;          /* ... and progress below this (0: the national median) */
};
#define FACTS_HALF_TERMS 6
struct facts_calendar {
	int half_term_start[FACTS_HALF_TERMS][2];   /* month, day; the first in autumn */
	int return_due_days;           /* a progress return is due this long after the start */
};
struct facts_params {
	struct facts_floor floors[FACTS_MAX_FLOORS];
	size_t floor_count;            /* ordered by from_year */
	struct facts_calendar calendar;
};

/* The years a count can reach back over. */
#define FACTS_MAX_YEARS 10

struct facts {
	unsigned urn;
	int today;                     /* days since the epoch: the date they are as of */
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

void facts_compute(const N2gg__V1__SchoolFacts *sf, const struct facts_params *params, int today,
		   struct facts *out);

/* The value of a school fact, or of a year fact for year index `y` (0: latest). */
struct fact_value facts_get(const struct facts *f, enum fact_id fact, int y);

/* A value in words: "4 (Inadequate)", "yes", "special measures", "58.5%", "unknown". */
void facts_format(enum fact_id fact, struct fact_value v, char *out, size_t size);

#endif
