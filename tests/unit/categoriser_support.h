/* categoriser_support: what the categoriser's unit tests share — a school's facts
 * (n2gg.v1.SchoolFacts) built by hand in an arena, one fact at a time, and a policy read
 * from YAML text that must have no problems at all. Include after cmocka.h. */
#ifndef N2GG_CATEGORISER_SUPPORT_H
#define N2GG_CATEGORISER_SUPPORT_H

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "policy.h"
#include "policy_yaml.h"

/* An open primary school with no inspection, no results, no returns and no LA flags. */
static inline N2gg__V1__SchoolFacts *school_new(struct arena *a)
{
	N2gg__V1__SchoolFacts *sf = arena_message(a, &n2gg__v1__school_facts__descriptor);
	sf->urn = 121234;
	sf->name = "Ashwood Primary School";
	sf->phase = N2GG__V1__PHASE__PHASE_PRIMARY;
	sf->status = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN;
	sf->cluster_id = "AYL";
	return sf;
}

static inline void school_inspected(struct arena *a, N2gg__V1__SchoolFacts *sf, const char *date,
				    unsigned grade, N2gg__V1__CategoryOfConcern concern)
{
	N2gg__V1__Inspection *in = arena_message(a, &n2gg__v1__inspection__descriptor);
	in->start_date = (char *)date;
	in->overall_effectiveness = grade;
	in->category_of_concern = concern;
	N2gg__V1__Inspection **list = arena_alloc(a, sizeof *list * (sf->n_inspections + 1));
	for (size_t i = 0; i < sf->n_inspections; i++)
		list[i] = sf->inspections[i];
	list[sf->n_inspections] = in;
	sf->inspections = list;
	sf->n_inspections++;
}

/* A row of achievement for the school year ending in summer `year`, of key stage `ks`
 * (N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED: N2GG's own format), for the test to fill. */
static inline N2gg__V1__Achievement *school_row(struct arena *a, N2gg__V1__SchoolFacts *sf,
						unsigned year, N2gg__V1__KeyStage ks)
{
	N2gg__V1__Achievement *ach = arena_message(a, &n2gg__v1__achievement__descriptor);
	ach->year = year;
	ach->key_stage = ks;
	N2gg__V1__Achievement **list = arena_alloc(a, sizeof *list * (sf->n_achievement + 1));
	for (size_t i = 0; i < sf->n_achievement; i++)
		list[i] = sf->achievement[i];
	list[sf->n_achievement] = ach;
	sf->achievement = list;
	sf->n_achievement++;
	return ach;
}

/* Published results for the school year ending in summer `year`, in N2GG's own format. */
static inline void school_achieved(struct arena *a, N2gg__V1__SchoolFacts *sf, unsigned year,
				   double expected_standard_pct, double progress)
{
	N2gg__V1__Achievement *ach =
		school_row(a, sf, year, N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED);
	ach->expected_standard_pct = expected_standard_pct;
	ach->progress = progress;
}

/* A DfE measure with a value, and one published as a marker ("SUPP") instead. */
static inline N2gg__V1__Measure *measure_of(struct arena *a, double value)
{
	N2gg__V1__Measure *m = arena_message(a, &n2gg__v1__measure__descriptor);
	m->value = value;
	return m;
}
static inline N2gg__V1__Measure *measure_marked(struct arena *a, const char *marker)
{
	N2gg__V1__Measure *m = arena_message(a, &n2gg__v1__measure__descriptor);
	m->marker = (char *)marker;
	return m;
}

/* Key stage 2 results as the DfE publishes them since 2016. */
static inline N2gg__V1__Achievement *school_ks2(struct arena *a, N2gg__V1__SchoolFacts *sf,
						unsigned year, double expected_pct,
						double reading, double writing, double maths)
{
	N2gg__V1__Achievement *ach = school_row(a, sf, year, N2GG__V1__KEY_STAGE__KEY_STAGE_2);
	ach->expected_standard_pct = expected_pct;
	ach->expected_standard = measure_of(a, expected_pct);
	ach->reading_progress = measure_of(a, reading);
	ach->writing_progress = measure_of(a, writing);
	ach->maths_progress = measure_of(a, maths);
	return ach;
}

/* Key stage 4 results as the DfE publishes them since 2016. */
static inline N2gg__V1__Achievement *school_ks4(struct arena *a, N2gg__V1__SchoolFacts *sf,
						unsigned year, double progress8,
						double attainment8, double english_maths_5_pct)
{
	N2gg__V1__Achievement *ach = school_row(a, sf, year, N2GG__V1__KEY_STAGE__KEY_STAGE_4);
	ach->progress8 = measure_of(a, progress8);
	ach->attainment8 = measure_of(a, attainment8);
	ach->english_maths_5_pct = measure_of(a, english_maths_5_pct);
	return ach;
}

/* An area's averages for a year and key stage, with its achievement row to fill (as a
 * school's of that key stage). */
static inline N2gg__V1__Comparator *comparator_new(struct arena *a, unsigned year,
						   N2gg__V1__KeyStage ks,
						   N2gg__V1__ComparatorArea area)
{
	N2gg__V1__Comparator *c = arena_message(a, &n2gg__v1__comparator__descriptor);
	c->year = year;
	c->key_stage = ks;
	c->area = area;
	c->la_code = area == N2GG__V1__COMPARATOR_AREA__AREA_LA ? 926 : 0;
	c->name = area == N2GG__V1__COMPARATOR_AREA__AREA_LA ? "Norfolk" : "England";
	c->achievement = arena_message(a, &n2gg__v1__achievement__descriptor);
	c->achievement->year = year;
	c->achievement->key_stage = ks;
	return c;
}

/* A progress return received for half-term `half_term` of school year `year`. */
static inline void school_returned(struct arena *a, N2gg__V1__SchoolFacts *sf, unsigned year,
				   unsigned half_term, double on_track_pct)
{
	N2gg__V1__ProgressReturn *pr = arena_message(a, &n2gg__v1__progress_return__descriptor);
	pr->year = year;
	pr->half_term = half_term;
	pr->on_track_pct = on_track_pct;
	N2gg__V1__ProgressReturn **list =
		arena_alloc(a, sizeof *list * (sf->n_progress_returns + 1));
	for (size_t i = 0; i < sf->n_progress_returns; i++)
		list[i] = sf->progress_returns[i];
	list[sf->n_progress_returns] = pr;
	sf->progress_returns = list;
	sf->n_progress_returns++;
}

/* The school's LA flags, created (all off) the first time. */
static inline N2gg__V1__LaFlags *school_flags(struct arena *a, N2gg__V1__SchoolFacts *sf)
{
	if (!sf->flags)
		sf->flags = arena_message(a, &n2gg__v1__la_flags__descriptor);
	return sf->flags;
}

static inline void report_print(const struct policy_report *r)
{
	for (int i = 0; i < r->count; i++)
		print_error("line %d: %s%s\n", r->problems[i].line,
			    r->problems[i].warning ? "warning: " : "", r->problems[i].message);
}

/* Reads `yaml` into `p` (policy_free() it), failing the test on any error or warning. */
static inline void policy_load(struct policy *p, const char *yaml)
{
	struct policy_report r = {0};
	policy_init(p);
	int rc = policy_yaml_parse(p, yaml, strlen(yaml), &r);
	if (rc != 0 || r.count != 0) {
		report_print(&r);
		policy_free(p);
		fail_msg("the test's policy is not clean");
	}
}

#endif
