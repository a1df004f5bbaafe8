/* notifier: the notification service's state and the parts of its shell. It keeps its own
 * read model of schools, clusters and visits from the other services' events, turns the
 * events that matter to a school into notices with one delivery per recipient and channel
 * (all in the transaction that moves its cursor, so a notice is never lost nor made
 * twice), and sends the deliveries in the background with retries, a dead-letter list,
 * rate limits and daily digests. */
#ifndef N2GG_NOTIFIER_H
#define N2GG_NOTIFIER_H

#include <stdbool.h>
#include <stdint.h>

#include "channel.h"
#include "mi.h"
#include "n2gg/v1/notifier.pb-c.h"
#include "notice.h"
#include "service.h"
#include "sub.h"

enum notifier_db {
	NTF_DB_EVENTS,
	NTF_DB_CURSORS,
	NTF_DB_META,
	NTF_DB_SCHOOLS,            /* be32 urn -> NotifierSchool */
	NTF_DB_CLUSTERS,           /* id -> NotifierCluster */
	NTF_DB_VISITS,             /* be32 urn, visit id -> Visit */
	NTF_DB_NOTICES,            /* id -> Notice */
	NTF_DB_NOTICE_INDEX,       /* 'A' be64 n -> id (every notice); 'S' be32 urn be64 n -> id */
	NTF_DB_DELIVERIES,         /* key -> Delivery */
	NTF_DB_NOTICE_DELIVERIES,  /* notice id, NUL, key -> "" */
	NTF_DB_QUEUE,              /* be64 due ms, key -> "": pending deliveries by due time */
	NTF_DB_DEAD,               /* key -> "": the dead-letter list */
	NTF_DB_HELD,               /* recipient id, NUL, key -> "": held for a digest */
	NTF_DB_MI,                 /* 'S' YYYY/NNN -> MiSheet; 'R' YYYY/NNN be32 urn -> MiResponse
				    * (a cluster's: be32 0, cluster id); 'H' YYYY/NNN be32
				    * revision -> MiSheet as it was before that correction;
				    * 'L' YYYY -> be32 last number */
	NTF_DB_PARKED,             /* be32 urn, source, be64 seq -> Event: about a school not
				    * yet known, applied when its registry record arrives */
	NTF_DB_COUNT
};

extern const char *const notifier_db_names[NTF_DB_COUNT];

/* the channels a notice goes through: the mail channel (a mail directory or SMTP) for
 * every recipient with an address, and optionally a webhook */
struct notifier_channel {
	struct channel_config cfg;
	const char *name;          /* channel_kind_name() */
	double rate;               /* deliveries per second; 0: no limit */
	double tokens;             /* token bucket */
	uint64_t refilled_ms;
	bool enabled;
};

enum notifier_channel_slot { NTF_MAIL, NTF_WEBHOOK, NTF_CHANNELS };

struct notifier_stats {
	/* counted once the transaction that did it committed (the notices, deliveries and
	 * parked events themselves are counted from the store) */
	uint64_t sent, duplicates, transient, dead, retried, unknown_clusters, malformed,
		render_failures, batches;
	double last_batch_ms;
};

struct notifier_batch;

struct notifier {
	struct service *svc;
	MDB_dbi db[NTF_DB_COUNT];
	struct sub registry, categoriser, scheduler;
	struct notice_templates templates;
	struct notifier_channel channels[NTF_CHANNELS];
	struct secret_login smtp_login;            /* from --smtp-credentials-file */
	struct secret_webhook_key webhook_key;     /* from --webhook-secret-file */
	struct notice_letterhead letterhead;
	const char *from_name, *from_address, *domain;
	int as_of;                  /* fixed date, or -1: today's */
	int max_attempts;
	uint64_t retry_base_ms, retry_max_ms, visit_settle_ms;
	uint64_t settle_ms;         /* letters caused by an officer's change wait this long */
	unsigned batch_size;
	int digest_minute;          /* minutes after midnight */
	int reminder_days;
	uv_timer_t send_timer, day_timer, gate_timer;
	long long started_ms;
	uv_signal_t sighup;
	struct notifier_batch *in_flight;   /* the batch being sent, NULL when none */
	uint64_t rng;
	struct arena arena;         /* apply and timers */
	struct notifier_stats stats;
};

/* today (as-of or the real date), in days since 1970-01-01 */
int notifier_today(const struct notifier *n);

/* ---- store (notifier_store.c) ---- */
int ntf_get(struct notifier *n, MDB_txn *txn, enum notifier_db db, const void *key, size_t klen,
	    const ProtobufCMessageDescriptor *desc, struct arena *a, void **out,
	    struct status *st);
int ntf_put(struct notifier *n, MDB_txn *txn, enum notifier_db db, const void *key, size_t klen,
	    const ProtobufCMessage *msg, struct arena *a, struct status *st);
int ntf_get_school(struct notifier *n, MDB_txn *txn, uint32_t urn, struct arena *a,
		   N2gg__V1__NotifierSchool **out, struct status *st);
int ntf_put_school(struct notifier *n, MDB_txn *txn, const N2gg__V1__NotifierSchool *s,
		   struct arena *a, struct status *st);
int ntf_get_cluster(struct notifier *n, MDB_txn *txn, const char *id, struct arena *a,
		    N2gg__V1__NotifierCluster **out, struct status *st);
int ntf_get_notice(struct notifier *n, MDB_txn *txn, const char *id, struct arena *a,
		   N2gg__V1__Notice **out, struct status *st);
int ntf_get_delivery(struct notifier *n, MDB_txn *txn, const char *key, struct arena *a,
		     N2gg__V1__Delivery **out, struct status *st);
/* Stores the delivery and keeps the queue, dead and held indexes in step with its state
 * (`old`: the stored delivery before the change, NULL when new). */
int ntf_save_delivery(struct notifier *n, MDB_txn *txn, const N2gg__V1__Delivery *old,
		      const N2gg__V1__Delivery *d, struct arena *a, struct status *st);
/* Every value of `db` whose key starts with prefix (plen bytes), unpacked, in key order;
 * keys only (as NUL-terminated copies of the part after the prefix) when desc is NULL. */
int ntf_scan(struct notifier *n, MDB_txn *txn, enum notifier_db db, const void *prefix,
	     size_t plen, const ProtobufCMessageDescriptor *desc, struct arena *a, void ***out,
	     size_t *count, struct status *st);
/* A counter in the meta database, incremented and returned. */
int ntf_next_counter(struct notifier *n, MDB_txn *txn, const char *name, uint64_t *value,
		     struct status *st);
/* "YYYY/NNN": MI keys sort by year, then number. */
void ntf_mi_key(char out[16], const char *number);
#define NTF_MI_KEY_MAX 256
/* A school's response to a sheet: 'R', the sheet's key, the URN; a cluster's: 'R', the
 * sheet's key, four zero bytes (no school has URN 0) and the cluster's id. All of a sheet's
 * responses share the key without either (urn 0, cluster_id NULL). Returns the key's length,
 * 0 when a cluster id is too long to be one. */
size_t ntf_response_key(uint8_t key[NTF_MI_KEY_MAX], const char *number, uint32_t urn,
			const char *cluster_id);
/* The sheet as it was at `revision`, kept when it was corrected: 'H', the sheet's key, the
 * revision (all of a sheet's history: the key's first 1 + 8 bytes). */
size_t ntf_mi_history_key(uint8_t key[NTF_MI_KEY_MAX], const char *number, uint32_t revision);

/* ---- notices (notices.c) ---- */
struct ntf_notice_spec {
	N2gg__V1__NoticeKind kind;
	const char *id;
	uint32_t urn;
	const char *cluster_id;
	const char *school_name;
	const char *cause;
	const char *mi_number;
	json_t *data;              /* taken (decref'd) */
	N2gg__V1__Recipient **recipients;
	size_t recipient_count;
	uint64_t not_before_ms;    /* first attempt no earlier than this (0: now) */
	bool by_hand;              /* an officer's change: waits the settle window */
	const char *actor;
};

/* Records a notice and a delivery for each recipient and channel, appending notice.created
 * (and notice.no_address for recipients without an address) to the service's event log.
 * ALREADY_EXISTS when a notice of that id exists. */
int ntf_notice_create(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		      const struct ntf_notice_spec *spec, struct arena *a, struct status *st);
/* The recipients of a school's letters, or of a cluster's (its chair). */
size_t ntf_school_recipients(const N2gg__V1__NotifierSchool *s, unsigned roles,
			     N2gg__V1__Recipient **out);
int ntf_delivery_event(MDB_txn *txn, struct eventlog *log, const char *topic,
		       const char *actor, N2gg__V1__Delivery *d, struct status *st);
/* Withdraws every delivery of a notice (none of which has been tried: the caller checked),
 * appending notice.withdrawn for each, with `why` as its last reply. */
int ntf_notice_withdraw(struct notifier *n, MDB_txn *txn, const N2gg__V1__Notice *notice,
			const char *why, const char *actor, struct arena *a, struct status *st);
/* Whether none of a notice's deliveries has been tried, nor is being (it can still be
 * rewritten, withdrawn or cancelled); whether one waits to go (pending or held for a
 * digest: not only deliveries without an address); and when the first pending one goes. */
struct ntf_untried {
	bool untried, waiting;
	int64_t due_ms;            /* 0: none pending */
};
struct ntf_untried ntf_notice_untried(struct notifier *n, MDB_txn *txn, const char *notice_id,
				      struct arena *a, struct status *st);

/* ---- events from the other services (apply.c) ---- */
int notifier_apply_registry(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
			    struct status *st);
int notifier_apply_categoriser(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
			       struct status *st);
int notifier_apply_scheduler(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
			     struct status *st);
/* --resync: notes, for each source, how far its letters went (the events up to there are
 * replayed into the read model without letters: the schools were told of them from the log
 * as it was) and clears what the categoriser said of each school. */
int notifier_resync_begin(struct service *svc, MDB_txn *txn, const struct service_resync *r,
			  struct status *st);

/* ---- letters that reach nobody (unsent.c) ---- */
/* Whether a notice with these deliveries reaches nobody: none, or none but ones without
 * an address (withdrawn ones aside). */
bool ntf_unsent(N2gg__V1__Delivery *const *deliveries, size_t count);
/* Open schools whose head or chair, and clusters whose chair, cannot be written to by
 * mail, into reply->schools and reply->clusters. */
int ntf_unreachable(struct notifier *n, MDB_txn *txn, struct arena *a,
		    N2gg__V1__ListUnsentReply *reply, struct status *st);

/* ---- MI sheets (mi_sheets.c) ---- */
/* Issues every sheet due by today, and the reminders due (none for a withdrawn sheet); in
 * the caller's transaction. */
int ntf_mi_tick(struct notifier *n, MDB_txn *txn, struct eventlog *log, struct arena *a,
		unsigned *issued, struct status *st);
int ntf_mi_issue(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		 N2gg__V1__MiSheet *sheet, const char *actor, struct arena *a, struct status *st);
/* Marks the sheet withdrawn with the reason and, if it was issued, sends the withdrawal
 * to every school (cluster) it went to; *schools: how many. */
int ntf_mi_withdraw(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		    N2gg__V1__MiSheet *sheet, const char *reason, const char *actor,
		    struct arena *a, unsigned *schools, struct status *st);
/* Replaces sheet `was` by `now` (its content corrected, correction_note set; checked by
 * the caller), keeping `was` in the sheet's history, and, if it was issued, sends the
 * correction to every school (cluster) it went to; *schools: how many. */
int ntf_mi_correct(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		   const N2gg__V1__MiSheet *was, N2gg__V1__MiSheet *now, const char *actor,
		   struct arena *a, unsigned *schools, struct status *st);
/* Whether the school (urn), or the cluster (urn 0, cluster_id), has responded. */
bool ntf_mi_responded(struct notifier *n, MDB_txn *txn, const char *number, uint32_t urn,
		      const char *cluster_id);
bool ntf_mi_school_matches(const N2gg__V1__MiSheet *sheet, const N2gg__V1__NotifierSchool *s,
			   unsigned *roles);
/* One school or cluster a sheet is for, and who there (school: MI_TO_* roles). */
struct ntf_mi_party {
	N2gg__V1__NotifierSchool *school;     /* NULL for a cluster */
	N2gg__V1__NotifierCluster *cluster;   /* a sheet for cluster chairs: an open cluster */
	unsigned roles;
};
/* The sheet's audience as things stand: its open schools, or its open clusters. */
int ntf_mi_parties(struct notifier *n, MDB_txn *txn, const N2gg__V1__MiSheet *sheet,
		   struct arena *a, struct ntf_mi_party **out, size_t *count, struct status *st);

/* ---- digests (digest.c) ---- */
int ntf_send_digests(struct notifier *n, MDB_txn *txn, struct eventlog *log, struct arena *a,
		     unsigned *digests, unsigned *notices, struct status *st);

/* ---- sending (sender.c) ---- */
int notifier_sender_start(struct notifier *n, struct status *st);
void notifier_sender_stop(struct notifier *n);
/* New work may be due: look soon. */
void notifier_sender_wake(struct notifier *n);
/* Whether a delivery of the notice is being sent right now. */
bool notifier_sending_notice(const struct notifier *n, const char *notice_id);

/* ---- the API (handlers.c) ---- */
extern const struct api_method notifier_methods[];
extern const size_t notifier_method_count;

#endif
