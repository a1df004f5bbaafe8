/* decision: a school's category with its reasons (see decision.h). */
#include "decision.h"

#include <string.h>

#include "date.h"

bool decision_override_active(const N2gg__V1__Override *ov, long long now_ms)
{
	return ov && ov->category[0] && (ov->expires_unix_ms == 0 || ov->expires_unix_ms > now_ms);
}

static void decision_set_category(const struct policy *p, int category,
				  const char *const *activities, int activity_count,
				  struct arena *a, N2gg__V1__Decision *d)
{
	const struct policy_category *c = &p->categories[category];
	d->category = arena_strdup(a, c->letter);
	d->category_name = arena_strdup(a, c->name);
	d->half_termly_monitoring = c->half_termly_monitoring;
	d->n_activities = (size_t)activity_count;
	d->activities = arena_alloc(a, sizeof(char *) * (size_t)(activity_count ? activity_count : 1));
	for (int i = 0; i < activity_count; i++)
		d->activities[i] = arena_strdup(a, activities[i]);
}

static void decision_add_reasons(const struct policy *p, int rule, const struct facts *f,
				 struct arena *a, N2gg__V1__Decision *d)
{
	struct policy_reason reasons[POLICY_MAX_REASONS];
	int n = policy_explain_structure(p, rule, f, reasons, POLICY_MAX_REASONS);
	d->reasons = arena_alloc(a, sizeof *d->reasons * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		N2gg__V1__Reason *r = arena_message(a, &n2gg__v1__reason__descriptor);
		r->fact = arena_strdup(a, reasons[i].fact);
		r->value = arena_strdup(a, reasons[i].value);
		r->condition = arena_strdup(a, reasons[i].condition);
		r->holds = reasons[i].holds;
		r->text = arena_strdup(a, reasons[i].text);
		r->depth = (uint32_t)reasons[i].depth;
		r->group = arena_strdup(a, reasons[i].group);
		d->reasons[d->n_reasons++] = r;
	}
}

int decision_build(const struct policy *p, const N2gg__V1__SchoolFacts *sf,
		   const N2gg__V1__Decision *previous, const N2gg__V1__Override *ov, int today,
		   long long now_ms, struct arena *a, N2gg__V1__Decision **out)
{
	return decision_build_compared(p, sf, NULL, previous, ov, today, now_ms, a, out);
}

int decision_build_compared(const struct policy *p, const N2gg__V1__SchoolFacts *sf,
			    const struct facts_comparators *comparators,
			    const N2gg__V1__Decision *previous, const N2gg__V1__Override *ov,
			    int today, long long now_ms, struct arena *a, N2gg__V1__Decision **out)
{
	N2gg__V1__Decision *d = arena_message(a, &n2gg__v1__decision__descriptor);
	*out = d;
	d->urn = sf->urn;
	d->school_name = arena_strdup(a, sf->name);
	d->cluster_id = arena_strdup(a, sf->cluster_id);
	d->phase = sf->phase;
	d->policy_name = arena_strdup(a, p->name);
	d->policy_version = arena_strdup(a, p->version);
	d->decided_unix_ms = now_ms;
	int rc = DECISION_OK;

	if (sf->status == N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED) {
		d->rule_id = "closed";
		d->rule_description = "The school has closed: it has no category";
	} else if (sf->status == N2GG__V1__SCHOOL_STATUS__STATUS_PROPOSED) {
		d->rule_id = "not-open";
		d->rule_description = "The school has not opened yet: it has no category";
	} else {
		struct facts f;
		facts_compute_compared(sf, &p->params, comparators, today, &f);
		int rule = policy_decide(p, &f);
		if (rule < 0) {
			rc = DECISION_UNMATCHED;
		} else {
			const struct policy_rule *r = &p->rules[rule];
			const char *const *acts;
			int n;
			policy_rule_activities(p, rule, &acts, &n);
			decision_set_category(p, r->category, acts, n, a, d);
			d->ruled_category = d->category;
			d->rule_id = arena_strdup(a, r->id);
			d->rule_description = arena_strdup(a, r->description);
			decision_add_reasons(p, rule, &f, a, d);
		}
		int oc;
		if (decision_override_active(ov, now_ms) &&
		    (oc = policy_category_index(p, ov->category)) >= 0) {
			const struct policy_category *c = &p->categories[oc];
			decision_set_category(p, oc, c->activities, c->activity_count, a, d);
			d->override = (N2gg__V1__Override *)arena_message_copy(a, &ov->base);
			d->rule_id = "override";
			d->rule_description = arena_printf(a, "Set by hand by %s: %s",
							   ov->set_by[0] ? ov->set_by : "an officer",
							   ov->reason);
			rc = DECISION_OK;
		}
	}
	char day[DATE_ISO_LEN];
	d->effective_date = previous && !decision_category_changed(previous, d)
				    ? arena_strdup(a, previous->effective_date)
				    : arena_strdup(a, date_format(today, day));
	return rc;
}

bool decision_category_changed(const N2gg__V1__Decision *previous, const N2gg__V1__Decision *now)
{
	const char *before = previous ? previous->category : "";
	return strcmp(before, now->category) != 0;
}

N2gg__V1__CategoryChanged *decision_change_event(const N2gg__V1__Decision *previous,
						 const N2gg__V1__Decision *now, const char *cause,
						 struct arena *a)
{
	N2gg__V1__CategoryChanged *e = arena_message(a, &n2gg__v1__category_changed__descriptor);
	e->urn = now->urn;
	e->school_name = now->school_name;
	e->cluster_id = now->cluster_id;
	e->phase = now->phase;
	e->previous_category = previous ? previous->category : "";
	e->category = now->category;
	e->category_name = now->category_name;
	e->n_reasons = now->n_reasons;
	e->reasons = now->reasons;
	e->rule_id = now->rule_id;
	e->policy_name = now->policy_name;
	e->policy_version = now->policy_version;
	e->effective_date = now->effective_date;
	e->n_activities = now->n_activities;
	e->activities = now->activities;
	e->cause = arena_strdup(a, cause);
	e->overridden = now->override != NULL;
	e->half_termly_monitoring = now->half_termly_monitoring;
	return e;
}
