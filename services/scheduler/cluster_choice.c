/* cluster_choice: a cluster's Choice A or B for its CEP (see cluster_choice.h). */
#include "cluster_choice.h"

#include <string.h>

#include "date.h"

/* The first day the partner attended `training`, or -1 when never (or no day is known). */
static int cluster_choice_trained_from(const struct plan_partner *partner, const char *training)
{
	int first = -1;
	for (size_t i = 0; partner->training_dates && i < partner->training_count; i++) {
		int day;
		if (strcmp(partner->training[i], training) == 0 &&
		    date_parse(partner->training_dates[i], &day) == 0 && (first < 0 || day < first))
			first = day;
	}
	return first;
}

const char *cluster_choice_refusal(const struct entitlement_policy *p, const char *cluster_id,
				   const struct plan_partner *nominee, unsigned days_needed,
				   unsigned days_free, struct arena *a)
{
	const struct entitlement_rule *r = &p->roles[ROLE_CEP];
	/* what the planner requires of any CEP comes first: left, the role, conflicts */
	const char *why = entitlement_exclusion(p, ROLE_CEP, NULL, cluster_id, nominee);
	if (why)
		return why;
	if (!nominee->cep_accredited)
		return "is not on the accredited list of Cluster Education Partners";
	const char *training = r->needs_training ? r->needs_training : CLUSTER_CHOICE_TRAINING;
	int from = cluster_choice_trained_from(nominee, training);
	char first[DATE_ISO_LEN], started[DATE_ISO_LEN];
	date_format(r->first_training_day, first);
	if (from < 0)
		return arena_printf(a, "has not attended the %s, whose first day was %s", training,
				    first);
	if (from > r->first_training_day)
		return arena_printf(a, "started the %s on %s, after its first day (%s): a "
				       "cluster's own CEP attends all of it",
				    training, date_format(from, started), first);
	if (days_free < days_needed)
		return arena_printf(a, "has %u days free this year and the cluster needs %u",
				    days_free, days_needed);
	return NULL;
}

bool cluster_choice_a_open(const struct entitlement_policy *p, int today)
{
	return today <= p->roles[ROLE_CEP].choice_deadline;
}

bool cluster_choice_held(const struct entitlement_policy *p, N2gg__V1__CepChoice choice,
			 int today)
{
	return choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_A && cluster_choice_a_open(p, today);
}

N2gg__V1__CepChoiceState cluster_choice_state(const struct entitlement_policy *p,
					      N2gg__V1__CepChoice choice, const char *nominee,
					      int today, const char *partner_id, bool pinned)
{
	switch (choice) {
	case N2GG__V1__CEP_CHOICE__CEP_CHOICE_A:
		if (nominee[0] && pinned && strcmp(partner_id, nominee) == 0)
			return N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED;
		/* a nominee not in place before the deadline: the cluster may name another */
		if (cluster_choice_a_open(p, today))
			return N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_AWAITING_NOMINEE;
		return nominee[0] ? N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NOMINEE_LEFT
				  : N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_DEADLINE_MISSED;
	case N2GG__V1__CEP_CHOICE__CEP_CHOICE_B:
		return N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_LA_TO_IDENTIFY;
	default:
		return N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NONE;
	}
}
