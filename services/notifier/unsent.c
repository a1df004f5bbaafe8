/* unsent: letters that reach nobody, and the recipients who cannot be reached. A letter
 * for a school whose head has no email address on record is written but goes nowhere by
 * mail; without this list an officer would never learn of it (the delivery is not dead:
 * nothing was tried). */
#include <string.h>

#include "message.h"
#include "notice.h"
#include "notifier.h"

bool ntf_unsent(N2gg__V1__Delivery *const *deliveries, size_t count)
{
	size_t no_address = 0;
	for (size_t i = 0; i < count; i++) {
		switch (deliveries[i]->state) {
		case N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS:
			no_address++;
			break;
		case N2GG__V1__DELIVERY_STATE__DELIVERY_WITHDRAWN:
			break;   /* meant not to go: neither sent nor unsent */
		default:
			return false;   /* sent, or on its way, or dead (and listed as such) */
		}
	}
	return count == 0 || no_address > 0;
}

/* Whether a recipient's letters can go by mail; if not, what is missing in *missing. */
static bool ntf_reachable(const N2gg__V1__Recipient *r, const char **missing,
			  const char *person, const char *address, struct arena *a)
{
	struct status why;
	if (!r || !r->name[0]) {
		*missing = person;
		return false;
	}
	if (!r->email[0] || message_address_check(r->email, &why) < 0) {
		*missing = r->email[0] ? arena_printf(a, "%s (\"%s\" is not valid)", address, r->email)
				       : address;
		return false;
	}
	return true;
}

static bool ntf_school_open(N2gg__V1__SchoolStatus status)
{
	return status == N2GG__V1__SCHOOL_STATUS__STATUS_OPEN ||
	       status == N2GG__V1__SCHOOL_STATUS__STATUS_OPEN_PROPOSED_TO_CLOSE;
}

int ntf_unreachable(struct notifier *n, MDB_txn *txn, struct arena *a,
		    N2gg__V1__ListUnsentReply *reply, struct status *st)
{
	N2gg__V1__NotifierSchool **schools;
	N2gg__V1__NotifierCluster **clusters;
	size_t n_schools, n_clusters;
	int rc = ntf_scan(n, txn, NTF_DB_SCHOOLS, NULL, 0, &n2gg__v1__notifier_school__descriptor,
			  a, (void ***)&schools, &n_schools, st);
	if (rc == 0)
		rc = ntf_scan(n, txn, NTF_DB_CLUSTERS, NULL, 0,
			      &n2gg__v1__notifier_cluster__descriptor, a, (void ***)&clusters,
			      &n_clusters, st);
	if (rc < 0)
		return rc;
	reply->schools = arena_alloc(a, (n_schools + 1) * sizeof *reply->schools);
	for (size_t i = 0; i < n_schools; i++) {
		const N2gg__V1__NotifierSchool *s = schools[i];
		if (!ntf_school_open(s->status))
			continue;
		const char *missing[2];
		size_t n_missing = 0;
		if (!ntf_reachable(s->headteacher, &missing[n_missing], "headteacher",
				   "headteacher's email", a))
			n_missing++;
		if (!ntf_reachable(s->chair_of_governors, &missing[n_missing], "chair of governors",
				   "chair of governors' email", a))
			n_missing++;
		if (!n_missing)
			continue;
		N2gg__V1__UnreachableSchool *u =
			arena_message(a, &n2gg__v1__unreachable_school__descriptor);
		u->urn = s->urn;
		u->name = s->name;
		u->cluster_id = s->cluster_id;
		u->missing = arena_alloc(a, sizeof missing);
		memcpy(u->missing, missing, sizeof missing);
		u->n_missing = n_missing;
		reply->schools[reply->n_schools++] = u;
	}
	reply->clusters = arena_alloc(a, (n_clusters + 1) * sizeof *reply->clusters);
	for (size_t i = 0; i < n_clusters; i++) {
		const char *missing;
		if (ntf_reachable(clusters[i]->chair, &missing, "chair", "chair's email", a))
			continue;
		N2gg__V1__UnreachableCluster *u =
			arena_message(a, &n2gg__v1__unreachable_cluster__descriptor);
		u->id = clusters[i]->id;
		u->name = clusters[i]->name;
		u->missing = (char *)missing;
		reply->clusters[reply->n_clusters++] = u;
	}
	return 0;
}
