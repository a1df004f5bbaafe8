/* digest: a recipient who asked for a daily digest gets the notices held for them (never a
 * statutory one: those went at once) as one letter a day. The held deliveries are marked
 * as carried by the digest in the transaction that records the digest, so each notice is in
 * exactly one digest. */
#include <stdio.h>
#include <string.h>

#include "notifier.h"

struct digest_group {
	const char *recipient_id;
	N2gg__V1__Delivery **held;
	size_t count, cap;
};

static int digest_one(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		      struct digest_group *g, struct arena *a, unsigned *notices,
		      struct status *st)
{
	N2gg__V1__Recipient *to = arena_message_copy(a, &g->held[0]->recipient->base);
	to->digest = false;   /* the digest itself goes at once */
	N2gg__V1__NotifierSchool *school = NULL;
	int rc;
	if (to->urn && (rc = ntf_get_school(n, txn, to->urn, a, &school, st)) < 0 &&
	    rc != -STATUS_NOT_FOUND)
		return rc;
	struct notice_digest_item *items = arena_zalloc(a, g->count * sizeof *items);
	size_t count = 0;
	for (size_t i = 0; i < g->count; i++) {
		bool seen = false;   /* a notice held on two channels is one item */
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(g->held[j]->notice_id, g->held[i]->notice_id) == 0;
		N2gg__V1__Notice *notice;
		struct notice_rendered r;
		if (seen || ntf_get_notice(n, txn, g->held[i]->notice_id, a, &notice, st) < 0 ||
		    notice_render(&n->templates, notice->kind, notice->data_json, to, a, &r, st) < 0)
			continue;
		items[count++] = (struct notice_digest_item){notice->kind, r.subject, r.text};
	}
	struct notice_letterhead lh = n->letterhead;
	lh.date = notifier_today(n);
	uint64_t seq;
	if ((rc = ntf_next_counter(n, txn, "digest_seq", &seq, st)) < 0)
		return rc;
	struct ntf_notice_spec spec = {
		.kind = N2GG__V1__NOTICE_KIND__NOTICE_DIGEST,
		.id = arena_printf(a, "digest-%llu-%s", (unsigned long long)seq, g->recipient_id),
		.urn = to->urn,
		.cluster_id = to->cluster_id,
		.school_name = school ? school->name : "",
		.cause = arena_printf(a, "daily digest of %zu notices", count),
		.data = notice_data_digest(&lh, school, items, count),
		.recipients = &to,
		.recipient_count = 1,
		.actor = "notifier",
	};
	if ((rc = ntf_notice_create(n, txn, log, &spec, a, st)) < 0)
		return rc;
	for (size_t i = 0; i < g->count; i++) {
		N2gg__V1__Delivery *d = arena_message_copy(a, &g->held[i]->base);
		d->state = N2GG__V1__DELIVERY_STATE__DELIVERY_IN_DIGEST;
		d->digest_notice_id = (char *)spec.id;
		if ((rc = ntf_save_delivery(n, txn, g->held[i], d, a, st)) < 0)
			return rc;
	}
	*notices += (unsigned)count;
	return 0;
}

int ntf_send_digests(struct notifier *n, MDB_txn *txn, struct eventlog *log, struct arena *a,
		     unsigned *digests, unsigned *notices, struct status *st)
{
	char **keys;
	size_t count;
	*digests = *notices = 0;
	int rc = ntf_scan(n, txn, NTF_DB_HELD, NULL, 0, NULL, a, (void ***)&keys, &count, st);
	if (rc < 0)
		return rc;
	struct digest_group g = {0};
	for (size_t i = 0; i <= count; i++) {
		/* keys are "recipient\0delivery key": a group is a run of one recipient */
		const char *who = i < count ? keys[i] : NULL;
		if (g.count && (!who || strcmp(who, g.recipient_id) != 0)) {
			if ((rc = digest_one(n, txn, log, &g, a, notices, st)) < 0)
				return rc;
			(*digests)++;
			g.count = 0;
		}
		if (!who)
			break;
		N2gg__V1__Delivery *d;
		if (ntf_get_delivery(n, txn, who + strlen(who) + 1, a, &d, st) < 0)
			continue;
		if (!g.count)
			g.recipient_id = who;
		g.held = arena_grow(a, g.held, g.count, &g.cap, sizeof *g.held);
		g.held[g.count++] = d;
	}
	return 0;
}
