/* decision: a school's category under a policy, with its reasons, as the n2gg.v1.Decision
 * the categoriser stores, serves and announces. An active override wins over the rules;
 * a closed school, or one not yet open, has no category. Pure: builds messages in an arena, no I/O. */
#ifndef N2GG_DECISION_H
#define N2GG_DECISION_H

#include "arena.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "policy.h"

enum decision_result {
	DECISION_OK = 0,
	DECISION_UNMATCHED = -1,   /* open, no override, and no rule holds */
};

/* Whether an override is in force at `now_ms`. */
bool decision_override_active(const N2gg__V1__Override *ov, long long now_ms);

/* Decides the category of the school `sf` on day `today`. `previous` (may be NULL) is the
 * decision in force: its effective date carries over when the category stays. `ov` may be
 * NULL or expired (then ignored). The reasons are the deciding rule's structure
 * (policy_explain_structure). Returns DECISION_UNMATCHED, with *out still set to the
 * facts-only part, when no rule places an open school. */
int decision_build(const struct policy *p, const N2gg__V1__SchoolFacts *sf,
		   const N2gg__V1__Decision *previous, const N2gg__V1__Override *ov, int today,
		   long long now_ms, struct arena *a, N2gg__V1__Decision **out);
/* decision_build() with the LA's and England's averages (may be NULL) for the facts that
 * compare a school with them. */
int decision_build_compared(const struct policy *p, const N2gg__V1__SchoolFacts *sf,
			    const struct facts_comparators *comparators,
			    const N2gg__V1__Decision *previous, const N2gg__V1__Override *ov,
			    int today, long long now_ms, struct arena *a, N2gg__V1__Decision **out);

/* The category.changed event for a change from `previous` (may be NULL) to `now`. */
N2gg__V1__CategoryChanged *decision_change_event(const N2gg__V1__Decision *previous,
						 const N2gg__V1__Decision *now, const char *cause,
						 struct arena *a);

/* Whether the category in force differs. */
bool decision_category_changed(const N2gg__V1__Decision *previous, const N2gg__V1__Decision *now);

#endif
