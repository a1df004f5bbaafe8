/* membership: which cluster a school is in over time. A school's memberships are
 * stretches, oldest first, each from its date until the next one starts; an empty
 * cluster id marks a stretch out of any cluster. Pure functions over those stretches. */
#ifndef N2GG_MEMBERSHIP_H
#define N2GG_MEMBERSHIP_H

#include <stddef.h>

#include "n2gg/v1/registry.pb-c.h"
#include "status.h"

typedef N2gg__V1__Membership Membership;

/* The cluster on `day` (days since epoch): "" when none. */
const char *membership_cluster_on(Membership *const *list, size_t count, int day);

/* Whether `school` may move into `to` from `effective_date`, given its stretches so far:
 * the school must not be closed, the target cluster must be open and another than the
 * current one, and the date valid and not before the school's last move. */
int membership_check_move(const N2gg__V1__School *school, const N2gg__V1__Cluster *to,
			  const char *effective_date, Membership *const *list, size_t count,
			  struct status *st);

#endif
