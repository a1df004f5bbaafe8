/* membership: cluster membership over time (see membership.h). */
#include "membership.h"

#include <string.h>

#include "date.h"

const char *membership_cluster_on(Membership *const *list, size_t count, int day)
{
	const char *found = "";
	for (size_t i = 0; i < count; i++) {
		int from;
		if (date_parse(list[i]->from_date, &from) < 0 || from > day)
			break;
		found = list[i]->cluster_id;
	}
	return found;
}

int membership_check_move(const N2gg__V1__School *school, const N2gg__V1__Cluster *to,
			  const char *effective_date, Membership *const *list, size_t count,
			  struct status *st)
{
	int day;
	if (school->status == N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "school %u (%s) is closed: a closed school cannot move cluster",
				   school->urn, school->name);
	if (to->status != N2GG__V1__CLUSTER_STATUS__CLUSTER_OPEN)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "cluster %s (%s) is closed: choose an open cluster", to->id, to->name);
	if (strcmp(school->cluster_id, to->id) == 0)
		return status_fail(st, STATUS_FAILED_PRECONDITION, "school %u is already in cluster %s",
				   school->urn, to->id);
	if (!effective_date || date_parse(effective_date, &day) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "effective date \"%s\" is not a date (YYYY-MM-DD)",
				   effective_date ? effective_date : "");
	if (count > 0) {
		int last;
		if (date_parse(list[count - 1]->from_date, &last) == 0 && day < last)
			return status_fail(st, STATUS_FAILED_PRECONDITION,
					   "school %u moved on %s; a move must take effect on or after "
					   "that date, not %s",
					   school->urn, list[count - 1]->from_date, effective_date);
	}
	return 0;
}
