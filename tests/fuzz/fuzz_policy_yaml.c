/* fuzz_policy_yaml: the categorisation policy reader (policy_yaml_parse: libyaml, then
 * policy_check), which the categoriser runs on --policy files and on the text of every
 * CheckPolicy request. A policy it accepts is then used as the categoriser uses one: it
 * decides and explains the categories of a few schools (facts_compute, policy_decide,
 * policy_explain, decision_build), so a rule tree that reads but cannot be evaluated is
 * found too. Problems go to officers and into CheckPolicy replies: each must be UTF-8. */
#include "fuzz_support.h"

#include "arena.h"
#include "date.h"
#include "decision.h"
#include "facts.h"
#include "policy.h"
#include "policy_yaml.h"

static void add_inspection(struct arena *a, N2gg__V1__SchoolFacts *sf, const char *date,
			   unsigned grade, N2gg__V1__CategoryOfConcern concern)
{
	N2gg__V1__Inspection *in = arena_message(a, &n2gg__v1__inspection__descriptor);
	in->start_date = (char *)date;
	in->overall_effectiveness = grade;
	in->category_of_concern = concern;
	sf->inspections = arena_grow(a, sf->inspections, sf->n_inspections,
				     &(size_t){sf->n_inspections}, sizeof *sf->inspections);
	sf->inspections[sf->n_inspections++] = in;
}

static void add_achievement(struct arena *a, N2gg__V1__SchoolFacts *sf, unsigned year,
			    double pct, double progress)
{
	N2gg__V1__Achievement *ach = arena_message(a, &n2gg__v1__achievement__descriptor);
	ach->year = year;
	ach->expected_standard_pct = pct;
	ach->progress = progress;
	sf->achievement = arena_grow(a, sf->achievement, sf->n_achievement,
				     &(size_t){sf->n_achievement}, sizeof *sf->achievement);
	sf->achievement[sf->n_achievement++] = ach;
}

/* A few schools that between them reach most facts: never inspected; inadequate in
 * special measures with results below the floor and a late progress return; good with
 * strong results and every LA flag set. */
#define SCHOOLS 3
static void schools(struct arena *a, N2gg__V1__SchoolFacts *out[SCHOOLS])
{
	for (int i = 0; i < SCHOOLS; i++) {
		N2gg__V1__SchoolFacts *sf = arena_message(a, &n2gg__v1__school_facts__descriptor);
		sf->urn = 121234 + (unsigned)i;
		sf->name = "Fuzz Primary School";
		sf->phase = i == 2 ? N2GG__V1__PHASE__PHASE_SECONDARY : N2GG__V1__PHASE__PHASE_PRIMARY;
		sf->status = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN;
		sf->cluster_id = "AYL";
		out[i] = sf;
	}
	add_inspection(a, out[1], "2012-11-14", 4,
		       N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES);
	add_inspection(a, out[1], "2010-03-02", 3, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	for (unsigned y = 2011; y <= 2013; y++)
		add_achievement(a, out[1], y, 48.5, -2.5);
	N2gg__V1__ProgressReturn *pr = arena_message(a, &n2gg__v1__progress_return__descriptor);
	pr->year = 2014;
	pr->half_term = 1;
	pr->on_track_pct = 41;
	pr->received_date = "2013-10-20";
	out[1]->progress_returns = arena_alloc(a, sizeof *out[1]->progress_returns);
	out[1]->progress_returns[0] = pr;
	out[1]->n_progress_returns = 1;

	add_inspection(a, out[2], "2013-05-20", 2, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	for (unsigned y = 2010; y <= 2013; y++)
		add_achievement(a, out[2], y, 88, 1.5);
	N2gg__V1__LaFlags *f = arena_message(a, &n2gg__v1__la_flags__descriptor);
	f->causing_concern = 1;
	f->psswn_issued_date = "2013-09-10";
	f->in_transition = 1;
	f->transition_reason = "amalgamation";
	f->targeted_n2gg = 1;
	f->targeted_system_leader = 1;
	out[2]->flags = f;
}

static void check_report(const struct policy_report *r)
{
	fuzz_assert(r->count >= 0 && r->count <= POLICY_MAX_PROBLEMS, "%d problems", r->count);
	fuzz_assert(r->errors >= 0, "%d errors", r->errors);
	for (int i = 0; i < r->count; i++) {
		const char *m = r->problems[i].message;
		size_t n = strnlen(m, sizeof r->problems[i].message);
		fuzz_assert(n < sizeof r->problems[i].message, "problem %d unterminated", i);
		fuzz_assert(n > 0, "problem %d says nothing", i);
		fuzz_assert(fuzz_utf8_valid(m, n), "problem %d is not UTF-8: %s", i, m);
	}
}

static void use(const struct policy *p)
{
	struct arena a;
	arena_init(&a);
	N2gg__V1__SchoolFacts *sf[SCHOOLS];
	schools(&a, sf);
	const int today = date_from_ymd(2013, 11, 15);
	const long long now_ms = (long long)today * 86400000LL + 9 * 3600000LL;
	for (int i = 0; i < SCHOOLS; i++) {
		struct facts f;
		facts_compute(sf[i], &p->params, today, &f);
		int rule = policy_decide(p, &f);
		fuzz_assert(rule >= -1 && rule < p->rule_count, "rule %d of %d", rule, p->rule_count);
		if (rule >= 0) {
			fuzz_assert(policy_rule_category(p, rule) != NULL, "rule %d has no category",
				    rule);
			const char *const *activities;
			int count;
			policy_rule_activities(p, rule, &activities, &count);
			fuzz_assert(count >= 0 && (count == 0 || activities), "activities of rule %d",
				    rule);
			struct policy_reason reasons[POLICY_MAX_REASONS];
			int n = policy_explain(p, rule, &f, reasons, POLICY_MAX_REASONS);
			fuzz_assert(n >= 0 && n <= POLICY_MAX_REASONS, "%d reasons", n);
		}
		N2gg__V1__Decision *d = NULL;
		int rc = decision_build(p, sf[i], NULL, NULL, today, now_ms, &a, &d);
		fuzz_assert(rc == DECISION_OK || rc == DECISION_UNMATCHED, "decision_build gave %d", rc);
		fuzz_assert(d != NULL, "decision_build gave no decision");
		fuzz_assert((rc == DECISION_UNMATCHED) == (rule < 0),
			    "policy_decide and decision_build disagree");
		/* a decision is stored and announced: it must pack */
		size_t len;
		(void)arena_pack(&a, &d->base, &len);
	}
	arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	struct policy_report r = {0};
	policy_init(&p);
	int rc = policy_yaml_parse(&p, (const char *)data, size, &r);
	check_report(&r);
	fuzz_assert(rc == 0 || rc == -1, "policy_yaml_parse returned %d", rc);
	fuzz_assert((rc == -1) == (r.errors > 0), "returned %d with %d errors", rc, r.errors);
	if (rc == 0)
		use(&p);
	policy_free(&p);
	return 0;
}
