/* visit_sync: keeps the stored visit calendar in step with the plan. Each school's visits
 * are made by its lead partner: the first of its allocations in the policy's role order
 * that has a partner (an intervention adviser or ECP before a SIP), else its cluster's
 * CEP; monitoring visits every half-term when its category has half-termly monitoring,
 * and an annual conversation for every school. Visits that still hold are kept; the rest
 * are cancelled (visit.cancelled) and new ones scheduled (visit.scheduled), from today on,
 * in the transaction of the plan. */
#ifndef N2GG_VISIT_SYNC_H
#define N2GG_VISIT_SYNC_H

#include "planner.h"
#include "scheduler.h"

struct visit_sync_result {
	unsigned scheduled, cancelled, unplaced;
};

/* Plans visits for the allocations now stored in `txn`. */
int visit_sync_apply(struct scheduler *s, MDB_txn *txn, const struct planner_input *in,
		      N2gg__V1__Partner *const *partners, const char *cause, const char *actor,
		      struct arena *a, struct visit_sync_result *out, struct status *st);

/* The stable id of a visit: "<urn>-<year>-<kind>-<half-term>". */
char *visit_sync_id(struct arena *a, uint32_t urn, unsigned year, const char *kind,
		     unsigned half_term);

#endif
