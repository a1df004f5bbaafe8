/* notices: recording a notice with one delivery per recipient and channel, in the caller's
 * transaction. The idempotency key and Message-ID are fixed here, once, so every later
 * attempt (after a retry or a restart) carries the same ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "delivery.h"
#include "log.h"
#include "message.h"
#include "notifier.h"

size_t ntf_school_recipients(const N2gg__V1__NotifierSchool *s, unsigned roles,
			     N2gg__V1__Recipient **out)
{
	size_t n = 0;
	if ((roles & 1) && s->headteacher)
		out[n++] = s->headteacher;
	if ((roles & 2) && s->chair_of_governors)
		out[n++] = s->chair_of_governors;
	return n;
}

/* Who a recipient is, independent of the address: "urn:121234:1", "cluster:C926-12:3". */
static const char *ntf_recipient_id(const N2gg__V1__Recipient *r, struct arena *a)
{
	return r->urn ? arena_printf(a, "urn:%u:%d", r->urn, (int)r->role)
		      : arena_printf(a, "cluster:%s:%d", r->cluster_id, (int)r->role);
}

int ntf_delivery_event(MDB_txn *txn, struct eventlog *log, const char *topic,
		       const char *actor, N2gg__V1__Delivery *d, struct status *st)
{
	N2gg__V1__DeliveryEvent ev = N2GG__V1__DELIVERY_EVENT__INIT;
	ev.delivery = d;
	return eventlog_append(log, txn, topic, actor, &ev.base, NULL, st);
}

static N2gg__V1__Delivery *ntf_delivery_new(struct notifier *n, const N2gg__V1__Notice *notice,
					    N2gg__V1__Recipient *r, int slot, struct arena *a,
					    struct status *st)
{
	const struct notifier_channel *ch = &n->channels[slot];
	N2gg__V1__Delivery *d = arena_message(a, &n2gg__v1__delivery__descriptor);
	d->notice_id = notice->id;
	d->kind = notice->kind;
	d->urn = notice->urn;
	d->recipient = r;
	d->channel = (char *)ch->name;
	d->subject = notice->subject;
	d->created_unix_ms = notice->created_unix_ms;
	d->state = N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING;
	const char *who = ntf_recipient_id(r, a);
	if (slot == NTF_MAIL) {
		struct status why;
		if (!r->email[0]) {
			d->state = N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS;
			d->last_reply = "no email address on record";
		} else if (message_address_check(r->email, &why) < 0) {
			d->state = N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS;
			d->last_reply = arena_printf(a, "email address \"%s\" is not valid: %s",
						     r->email, why.message);
		} else {
			who = r->email;
		}
	}
	char key[DELIVERY_KEY_SIZE], mid[DELIVERY_MESSAGE_ID_MAX];
	if (delivery_key(notice->id, who, ch->name, key, st) < 0 ||
	    delivery_message_id(key, n->domain, mid, sizeof mid, st) < 0)
		return NULL;
	d->key = arena_strdup(a, key);
	d->message_id = arena_strdup(a, mid);
	if (d->state == N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING && !notice->statutory &&
	    r->digest && notice->kind != N2GG__V1__NOTICE_KIND__NOTICE_DIGEST)
		d->state = N2GG__V1__DELIVERY_STATE__DELIVERY_HELD;
	return d;
}

static int ntf_index_notice(struct notifier *n, MDB_txn *txn, const N2gg__V1__Notice *notice,
			    struct status *st)
{
	uint64_t seq;
	int rc = ntf_next_counter(n, txn, "notice_seq", &seq, st);
	if (rc < 0)
		return rc;
	size_t idlen = strlen(notice->id);
	uint8_t key[13];
	key[0] = 'A';
	store_be64(key + 1, seq);
	if ((rc = store_put(txn, n->db[NTF_DB_NOTICE_INDEX], key, 9, notice->id, idlen, 0, st)) <
		    0 ||
	    !notice->urn)
		return rc;
	key[0] = 'S';
	store_be32(key + 1, notice->urn);
	store_be64(key + 5, seq);
	return store_put(txn, n->db[NTF_DB_NOTICE_INDEX], key, 13, notice->id, idlen, 0, st);
}

int ntf_notice_create(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		      const struct ntf_notice_spec *spec, struct arena *a, struct status *st)
{
	char *json = json_dumps(spec->data, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(spec->data);
	if (!json)
		return status_fail(st, STATUS_INTERNAL, "notice %s: no data", spec->id);
	N2gg__V1__Notice *notice = arena_message(a, &n2gg__v1__notice__descriptor);
	notice->data_json = arena_strdup(a, json);
	free(json);
	MDB_val existing;
	int rc = store_get(txn, n->db[NTF_DB_NOTICES], spec->id, strlen(spec->id), &existing, st);
	if (rc == 0)
		return status_fail(st, STATUS_ALREADY_EXISTS, "notice %s exists", spec->id);
	if (rc != -STATUS_NOT_FOUND)
		return rc;
	notice->id = (char *)spec->id;
	notice->kind = spec->kind;
	notice->urn = spec->urn;
	notice->cluster_id = (char *)(spec->cluster_id ? spec->cluster_id : "");
	notice->school_name = (char *)(spec->school_name ? spec->school_name : "");
	notice->cause = (char *)(spec->cause ? spec->cause : "");
	notice->mi_number = (char *)(spec->mi_number ? spec->mi_number : "");
	notice->created_unix_ms = date_now_ms();
	notice->statutory = notice_kind(spec->kind)->statutory;
	notice->by_hand = spec->by_hand;
	struct notice_rendered r;
	if ((rc = notice_render(&n->templates, spec->kind, notice->data_json,
				spec->recipient_count ? spec->recipients[0] : NULL, a, &r, st)) < 0)
		return rc;
	notice->subject = (char *)r.subject;

	N2gg__V1__NoticeCreated ev = N2GG__V1__NOTICE_CREATED__INIT;
	ev.notice = notice;
	ev.deliveries = arena_alloc(a, (spec->recipient_count * NTF_CHANNELS + 1) *
					       sizeof *ev.deliveries);
	int64_t first_attempt = notice->created_unix_ms;
	if ((int64_t)spec->not_before_ms > first_attempt)
		first_attempt = (int64_t)spec->not_before_ms;
	for (size_t i = 0; i < spec->recipient_count; i++) {
		for (int slot = 0; slot < NTF_CHANNELS; slot++) {
			if (!n->channels[slot].enabled)
				continue;
			N2gg__V1__Delivery *d =
				ntf_delivery_new(n, notice, spec->recipients[i], slot, a, st);
			if (!d)
				return -st->code;
			d->next_attempt_unix_ms = first_attempt;
			size_t nlen = strlen(notice->id), klen = strlen(d->key);
			uint8_t *ikey = arena_alloc(a, nlen + 1 + klen);
			memcpy(ikey, notice->id, nlen + 1);
			memcpy(ikey + nlen + 1, d->key, klen);
			if ((rc = ntf_save_delivery(n, txn, NULL, d, a, st)) < 0 ||
			    (rc = store_put(txn, n->db[NTF_DB_NOTICE_DELIVERIES], ikey,
					    nlen + 1 + klen, "", 0, 0, st)) < 0)
				return rc;
			ev.deliveries[ev.n_deliveries++] = d;
			if (d->state == N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS) {
				uint64_t count;   /* kept in the store: exact across retried batches */
				if ((rc = ntf_next_counter(n, txn, "no_address", &count, st)) < 0)
					return rc;
				log_warn("recipient without an email address: the letter goes by "
					 "the other channels only",
					 "notice=%s urn=%u role=%s name=%s reason=%s",
					 log_str(notice->id), d->recipient->urn,
					 log_enum(&n2gg__v1__recipient_role__descriptor,
						  d->recipient->role),
					 log_str(d->recipient->name), log_str(d->last_reply));
				if ((rc = ntf_delivery_event(txn, log, "notice.no_address",
							     spec->actor, d, st)) < 0)
					return rc;
			}
		}
	}
	notice->deliveries = (uint32_t)ev.n_deliveries;
	if ((rc = ntf_put(n, txn, NTF_DB_NOTICES, notice->id, strlen(notice->id), &notice->base, a,
			  st)) < 0 ||
	    (rc = ntf_index_notice(n, txn, notice, st)) < 0)
		return rc;
	/* the letter's data stays in the store: the event says what and to whom, in half the bytes */
	ev.notice = arena_message_copy(a, &notice->base);
	ev.notice->data_json = "";
	return eventlog_append(log, txn, "notice.created", spec->actor, &ev.base, NULL, st);
}

struct ntf_untried ntf_notice_untried(struct notifier *n, MDB_txn *txn, const char *notice_id,
				      struct arena *a, struct status *st)
{
	struct ntf_untried u = {0};
	if (notifier_sending_notice(n, notice_id))
		return u;
	size_t plen = strlen(notice_id) + 1;
	char **keys;
	size_t count;
	if (ntf_scan(n, txn, NTF_DB_NOTICE_DELIVERIES, notice_id, plen, NULL, a, (void ***)&keys,
		     &count, st) < 0)
		return u;
	for (size_t i = 0; i < count; i++) {
		N2gg__V1__Delivery *d;
		if (ntf_get_delivery(n, txn, keys[i], a, &d, st) < 0 || d->attempts > 0 ||
		    (d->state != N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING &&
		     d->state != N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS &&
		     d->state != N2GG__V1__DELIVERY_STATE__DELIVERY_HELD))
			return (struct ntf_untried){0};
		if (d->state == N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING &&
		    (!u.due_ms || d->next_attempt_unix_ms < u.due_ms))
			u.due_ms = d->next_attempt_unix_ms;
		u.waiting |= d->state != N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS;
	}
	u.untried = true;
	return u;
}

int ntf_notice_withdraw(struct notifier *n, MDB_txn *txn, const N2gg__V1__Notice *notice,
			const char *why, const char *actor, struct arena *a, struct status *st)
{
	char **keys;
	size_t count;
	int rc = ntf_scan(n, txn, NTF_DB_NOTICE_DELIVERIES, notice->id, strlen(notice->id) + 1, NULL,
			  a, (void ***)&keys, &count, st);
	for (size_t i = 0; rc == 0 && i < count; i++) {
		N2gg__V1__Delivery *old, *d;
		if ((rc = ntf_get_delivery(n, txn, keys[i], a, &old, st)) < 0)
			break;
		d = arena_message_copy(a, &old->base);
		d->state = N2GG__V1__DELIVERY_STATE__DELIVERY_WITHDRAWN;
		d->last_reply = (char *)why;
		if ((rc = ntf_save_delivery(n, txn, old, d, a, st)) == 0)
			rc = ntf_delivery_event(txn, &n->svc->log, "notice.withdrawn", actor, d, st);
	}
	return rc;
}
