/* sender: takes the deliveries that are due from the queue, renders and composes each on
 * the loop, sends the batch on libuv's thread pool (a slow mail server never holds up the
 * API or the subscriptions), then records every outcome in one transaction: sent, tried
 * again later with backoff, or dead-lettered. A crash between a send and its record means
 * the delivery is sent again after the restart with the same idempotency key and
 * Message-ID; the mail directory then finds the letter there already, and a mail client
 * or webhook receiver drops the repeat by its id. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "date.h"
#include "delivery.h"
#include "log.h"
#include "message.h"
#include "notifier.h"

/* the thread pool's share of one batch: libuv's pool has 4 threads by default, and the mail
 * directory's fsyncs overlap */
#define SENDER_LANES 4

struct sender_item {
	char *key;
	char *notice_id;
	int slot;
	bool composed;             /* false: the letter could not be made (a permanent failure) */
	struct channel_item item;
	struct delivery_result res;
};

struct sender_lane {
	uv_work_t work;
	struct notifier_batch *batch;
	size_t from, to;
};

struct notifier_batch {
	struct notifier *n;
	struct arena arena;
	struct sender_item *items;
	size_t count, cap;
	struct sender_lane lanes[SENDER_LANES];
	int lanes_running;
	long long started_ms;
};

static double sender_random_unit(struct notifier *n)
{
	uint64_t z = (n->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

bool notifier_sending_notice(const struct notifier *n, const char *notice_id)
{
	const struct notifier_batch *b = n->in_flight;
	for (size_t i = 0; b && i < b->count; i++)
		if (strcmp(b->items[i].notice_id, notice_id) == 0)
			return true;
	return false;
}

/* token bucket: at most `rate` a second, in bursts of up to a second's worth */
static bool sender_take_token(struct notifier_channel *ch, uint64_t now)
{
	if (ch->rate <= 0)
		return true;
	double burst = ch->rate < 1 ? 1 : ch->rate;
	ch->tokens += (double)(now - ch->refilled_ms) * ch->rate / 1000.0;
	if (ch->tokens > burst)
		ch->tokens = burst;
	ch->refilled_ms = now;
	if (ch->tokens < 1)
		return false;
	ch->tokens -= 1;
	return true;
}

static int sender_slot(const struct notifier *n, const char *channel)
{
	for (int i = 0; i < NTF_CHANNELS; i++)
		if (n->channels[i].enabled && strcmp(n->channels[i].name, channel) == 0)
			return i;
	return -1;
}

/* A webhook's body: the notice as other council systems want it, with who it is for. */
static char *sender_webhook_json(const N2gg__V1__Notice *notice, const N2gg__V1__Delivery *d,
				 const struct notice_rendered *r, struct arena *a, size_t *len)
{
	const N2gg__V1__Recipient *to = d->recipient;
	const struct notice_kind_info *k = notice_kind(notice->kind);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:{s:s, s:s, s:s, s:I, s:s},"
			      " s:s, s:s, s:I}",
			      "idempotency_key", d->key, "message_id", d->message_id, "notice_id",
			      notice->id, "kind", k ? k->name : "", "urn", (json_int_t)notice->urn,
			      "cluster_id", notice->cluster_id, "school_name", notice->school_name,
			      "recipient", "role", notice_role_title(to->role), "name", to->name,
			      "email", to->email, "urn", (json_int_t)to->urn, "cluster_id",
			      to->cluster_id, "subject", r->subject, "text", r->text,
			      "created_unix_ms", (json_int_t)notice->created_unix_ms);
	if (!o)
		return NULL;
	if (r->html)
		json_object_set_new(o, "html", json_string(r->html));
	if (notice->mi_number[0])
		json_object_set_new(o, "mi_number", json_string(notice->mi_number));
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return NULL;
	char *out = arena_strdup(a, text);
	free(text);
	*len = strlen(out);
	return out;
}

/* Renders and composes one delivery's letter into the batch. */
static int sender_compose(struct notifier *n, MDB_txn *txn, const N2gg__V1__Delivery *d,
			  struct sender_item *it, struct arena *a, struct status *st)
{
	N2gg__V1__Notice *notice;
	struct notice_rendered r;
	int rc;
	if ((rc = ntf_get_notice(n, txn, d->notice_id, a, &notice, st)) < 0 ||
	    (rc = notice_render(&n->templates, notice->kind, notice->data_json, d->recipient, a, &r,
				st)) < 0)
		return rc;
	it->item.key = it->key;
	it->item.recipient = d->recipient->email;
	if (it->slot == NTF_WEBHOOK) {
		it->item.data = sender_webhook_json(notice, d, &r, a, &it->item.len);
		return it->item.data ? 0 : status_fail(st, STATUS_INTERNAL, "webhook body failed");
	}
	struct message m = {
		.from = {n->from_name, n->from_address},
		.to = {d->recipient->name, d->recipient->email},
		.subject = r.subject,
		.text = r.text,
		.html = r.html,
		.date = notice->created_unix_ms / 1000,
		.message_id = d->message_id,
	};
	char *data;
	if ((rc = message_compose(a, &m, &data, &it->item.len, st)) < 0)
		return rc;
	it->item.data = data;
	return 0;
}

static void sender_lane_work(uv_work_t *w)
{
	struct sender_lane *lane = w->data;
	struct notifier_batch *b = lane->batch;
	for (size_t i = lane->from; i < lane->to; i++) {
		struct sender_item *it = &b->items[i];
		if (!it->composed)
			continue;
		struct status st;
		channel_send(&b->n->channels[it->slot].cfg, &it->item, &it->res, &st);
	}
}

/* Records one attempt's outcome. */
static int sender_record(struct notifier *n, MDB_txn *txn, struct sender_item *it,
			 struct arena *a, struct status *st)
{
	N2gg__V1__Delivery *old, *d;
	int rc = ntf_get_delivery(n, txn, it->key, a, &old, st);
	if (rc == -STATUS_NOT_FOUND)
		return 0;
	if (rc < 0)
		return rc;
	if (old->state != N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING)
		return 0;
	d = arena_message_copy(a, &old->base);
	const struct delivery_result *res = &it->res;
	long long now = date_now_ms();
	d->attempts++;
	d->last_code = res->code;
	d->last_reply = arena_strdup(a, res->reply);
	d->outcome = (char *)delivery_outcome_name(res->outcome);
	const char *topic = NULL;
	if (res->outcome == DELIVERY_OK) {
		d->state = N2GG__V1__DELIVERY_STATE__DELIVERY_SENT;
		d->sent_unix_ms = now;
		d->duplicate = res->duplicate;
		topic = "notice.delivered";
	} else if (delivery_should_retry(res->outcome, (int)d->attempts, n->max_attempts)) {
		uint64_t wait = delivery_backoff_ms((int)d->attempts, n->retry_base_ms,
						    n->retry_max_ms, sender_random_unit(n));
		if (res->retry_after_s > 0 && (uint64_t)res->retry_after_s * 1000 > wait)
			wait = (uint64_t)res->retry_after_s * 1000;
		d->next_attempt_unix_ms = now + (long long)wait;
	} else {
		d->state = N2GG__V1__DELIVERY_STATE__DELIVERY_DEAD;
		topic = "notice.dead";
	}
	if ((rc = ntf_save_delivery(n, txn, old, d, a, st)) < 0)
		return rc;
	return topic ? ntf_delivery_event(txn, &n->svc->log, topic, "notifier", d, st) : 0;
}

static int sender_commit(void *ctx, MDB_txn *txn, struct status *st)
{
	struct notifier_batch *b = ctx;
	for (size_t i = 0; i < b->count; i++) {
		int rc = sender_record(b->n, txn, &b->items[i], &b->arena, st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void sender_count(struct notifier *n, const struct notifier_batch *b)
{
	for (size_t i = 0; i < b->count; i++) {
		const struct sender_item *it = &b->items[i];
		if (it->res.outcome == DELIVERY_OK) {
			n->stats.sent++;
			n->stats.duplicates += it->res.duplicate;
			continue;
		}
		log_warn(it->res.outcome == DELIVERY_TRANSIENT ? "delivery failed, will try again"
							       : "delivery failed for good",
			 "key=%.16s notice=%s channel=%s code=%ld reply=%s", it->key,
			 log_str(it->notice_id), n->channels[it->slot].name, it->res.code,
			 log_str(it->res.reply));
		if (it->res.outcome == DELIVERY_TRANSIENT)
			n->stats.transient++;
		else
			n->stats.dead++;
	}
}

static void sender_tick(uv_timer_t *t);

static void sender_lane_done(uv_work_t *w, int status)
{
	(void)status;
	struct sender_lane *lane = w->data;
	struct notifier_batch *b = lane->batch;
	if (--b->lanes_running > 0)
		return;
	struct notifier *n = b->n;
	struct status st;
	if (service_write(n->svc, sender_commit, b, &st) < 0) {
		/* nothing recorded: every item stays pending and goes again, same key and id */
		log_error("recording a batch of deliveries failed", "error=%s", log_str(st.message));
	} else {
		sender_count(n, b);
	}
	n->stats.batches++;
	n->stats.last_batch_ms = (double)(date_now_ms() - b->started_ms);
	arena_free(&b->arena);
	free(b);
	n->in_flight = NULL;
	if (!n->svc->stopping)
		uv_timer_start(&n->send_timer, sender_tick, 0, 0);
}

/* Fills a batch with due deliveries; returns the time the next one falls due (0: none). */
static uint64_t sender_fill(struct notifier *n, MDB_txn *txn, struct notifier_batch *b,
			    uint64_t now)
{
	MDB_cursor *cur;
	if (mdb_cursor_open(txn, n->db[NTF_DB_QUEUE], &cur))
		return 0;
	MDB_val k, v;
	uint64_t next = 0;
	size_t scanned = 0;
	for (int mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && b->count < n->batch_size;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size <= 8)
			continue;
		uint64_t due = store_from_be64(k.mv_data);
		if (due > now) {
			next = due;
			break;
		}
		if (++scanned > 8 * (size_t)n->batch_size) {
			next = now + 50;   /* the rest waits for the rate limits */
			break;
		}
		char *key = arena_strndup(&b->arena, (const char *)k.mv_data + 8, k.mv_size - 8);
		N2gg__V1__Delivery *d;
		struct status st;
		if (ntf_get_delivery(n, txn, key, &b->arena, &d, &st) < 0)
			continue;
		int slot = sender_slot(n, d->channel);
		if (slot >= 0 && !sender_take_token(&n->channels[slot], now)) {
			if (!next || next > now + 50)
				next = now + 50;
			continue;
		}
		b->items = arena_grow(&b->arena, b->items, b->count, &b->cap, sizeof *b->items);
		struct sender_item *it = &b->items[b->count++];
		memset(it, 0, sizeof *it);
		it->key = key;
		it->notice_id = d->notice_id;
		it->slot = slot < 0 ? NTF_MAIL : slot;
		if (slot < 0) {
			delivery_result_set(&it->res, DELIVERY_PROTO_FILE, DELIVERY_NET_CONFIG, 0,
					    "the channel is no longer configured");
		} else if (sender_compose(n, txn, d, it, &b->arena, &st) < 0) {
			n->stats.render_failures++;
			delivery_result_set(&it->res, DELIVERY_PROTO_FILE, DELIVERY_NET_CONFIG, 0,
					    st.message);
		} else {
			it->composed = true;
		}
	}
	mdb_cursor_close(cur);
	return next;
}

static void sender_tick(uv_timer_t *t)
{
	struct notifier *n = t->data;
	if (n->in_flight || n->svc->stopping)
		return;
	struct notifier_batch *b = calloc(1, sizeof *b);
	if (!b)
		return;
	b->n = n;
	arena_init(&b->arena);
	b->started_ms = date_now_ms();
	MDB_txn *txn;
	struct status st;
	uint64_t next = 0;
	if (store_begin_read(&n->svc->store, &txn, &st) == 0) {
		next = sender_fill(n, txn, b, (uint64_t)b->started_ms);
		mdb_txn_abort(txn);
	}
	if (b->count == 0) {
		arena_free(&b->arena);
		free(b);
		if (next)
			uv_timer_start(&n->send_timer, sender_tick,
				       next > (uint64_t)date_now_ms() ? next - (uint64_t)date_now_ms() : 0,
				       0);
		return;
	}
	n->in_flight = b;
	size_t per = (b->count + SENDER_LANES - 1) / SENDER_LANES;
	for (int i = 0; i < SENDER_LANES; i++) {
		struct sender_lane *lane = &b->lanes[i];
		lane->batch = b;
		lane->from = (size_t)i * per < b->count ? (size_t)i * per : b->count;
		lane->to = lane->from + per < b->count ? lane->from + per : b->count;
		lane->work.data = lane;
		b->lanes_running++;
		uv_queue_work(&n->svc->loop, &lane->work, sender_lane_work, sender_lane_done);
	}
}

void notifier_sender_wake(struct notifier *n)
{
	if (!n->in_flight && !n->svc->stopping)
		uv_timer_start(&n->send_timer, sender_tick, 0, 0);
}

int notifier_sender_start(struct notifier *n, struct status *st)
{
	if (getrandom(&n->rng, sizeof n->rng, 0) != sizeof n->rng)
		n->rng = (uint64_t)date_now_ms();
	int rc = channel_global_init(st);
	if (rc < 0)
		return rc;
	uv_timer_init(&n->svc->loop, &n->send_timer);
	n->send_timer.data = n;
	notifier_sender_wake(n);
	return 0;
}

void notifier_sender_stop(struct notifier *n)
{
	uv_timer_stop(&n->send_timer);
	uv_close((uv_handle_t *)&n->send_timer, NULL);
}
