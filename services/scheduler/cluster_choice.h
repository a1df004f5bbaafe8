/* cluster_choice: a cluster's choice for its Cluster Education Partner (Norfolk's 2013 MI on
 * CEPs). Choice A: the cluster recruits its own CEP by a deadline, a person on the accredited
 * list who attends all the CEP training from its first day; Choice B: the LA identifies one.
 * Here: the hard rules a Choice A nominee must meet (those, then every rule the planner
 * applies to a CEP, then the days), whether the planner leaves a cluster to find its own, and
 * where a cluster stands given its choice, the day and its CEP. The dates are the policy's
 * (entitlement_rule.choice_deadline, first_training_day). Pure: no I/O. */
#ifndef N2GG_CLUSTER_CHOICE_H
#define N2GG_CLUSTER_CHOICE_H

#include <stdbool.h>

#include "arena.h"
#include "entitlement.h"
#include "n2gg/v1/scheduler.pb-c.h"

/* The training a CEP attends: the policy's needs_training for CEPs, else this. */
#define CLUSTER_CHOICE_TRAINING "CEP training"

/* Why `nominee` may not be the own CEP of cluster `cluster_id`, in words that follow the
 * partner's name ("is not on the accredited list of ..."), or NULL when it may. The cluster
 * needs `days_needed` days; the partner has `days_free` not allocated elsewhere. */
const char *cluster_choice_refusal(const struct entitlement_policy *p, const char *cluster_id,
				   const struct plan_partner *nominee, unsigned days_needed,
				   unsigned days_free, struct arena *a);

/* Whether Choice A may be recorded on day `today`: until the end of the deadline. */
bool cluster_choice_a_open(const struct entitlement_policy *p, int today);

/* Whether the planner leaves the cluster to find its own CEP on `today` (Choice A before
 * the deadline): only a pin serves it then. */
bool cluster_choice_held(const struct entitlement_policy *p, N2gg__V1__CepChoice choice,
			 int today);

/* Where a cluster stands on `today`: its choice (CEP_CHOICE_UNKNOWN: none) and nominee
 * ("" none), and its CEP now (partner "" none, whether pinned). */
N2gg__V1__CepChoiceState cluster_choice_state(const struct entitlement_policy *p,
					      N2gg__V1__CepChoice choice, const char *nominee,
					      int today, const char *partner_id, bool pinned);

#endif
