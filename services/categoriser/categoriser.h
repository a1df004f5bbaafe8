/* The categoriser service's shared state and its internal interfaces. */
#ifndef N2GG_CATEGORISER_H
#define N2GG_CATEGORISER_H

/* The format of its own databases: 2 added the comparators (CAT_DB_COMPARATORS). */
#define CATEGORISER_STORE_FORMAT 2
/* The meta key of the migration to format 2: the registry cursor the store had, up to
 * which the registry's log is read again for its comparators alone. */
#define CAT_META_COMPARATORS_REPLAY "comparators.replay_to"

#include <stdbool.h>

#include "decision.h"
#include "policy.h"
#include "service.h"
#include "sub.h"

enum categoriser_db {
	CAT_DB_EVENTS,      /* the event log (category.*) */
	CAT_DB_CURSORS,     /* registry cursor, stored with each batch's effects */
	CAT_DB_FACTS,       /* urn -> SchoolFacts: the read model of the registry */
	CAT_DB_DECISIONS,   /* urn -> Decision in force */
	CAT_DB_OVERRIDES,   /* urn -> Override */
	CAT_DB_HISTORY,     /* urn . seq -> "": the school's category.* events */
	CAT_DB_MONITORING,  /* urn . year . half-term -> "": overdue raised */
	CAT_DB_META,        /* policy text, file, version; the day last evaluated */
	/* year . key stage . area . LA code -> Comparator: the LA's and England's averages
	 * (store format 2) */
	CAT_DB_COMPARATORS,
	CAT_DB_COUNT
};

extern const char *const categoriser_db_names[CAT_DB_COUNT];

struct categoriser_stats {
	unsigned long long events_applied, unknown_schools, facts_rejected, changes_published,
		unmatched, reloads, reloads_refused, overrides_expired, monitoring_overdue,
		comparators_recorded;
};

struct categoriser {
	struct service *svc;
	MDB_dbi db[CAT_DB_COUNT];
	struct policy *policy;           /* in force */
	struct policy *policy_next;      /* prepared by a reload in a transaction not yet committed */
	const char *policy_file;         /* empty: the built-in default; "builtin:NAME" */
	uint32_t la_code;                /* the LA whose averages year.*_vs_la compares with */
	/* registry events up to here (0: none) are applied for their comparators alone: the
	 * store came from format 1, which skipped them (CAT_META_COMPARATORS_REPLAY) */
	uint64_t comparators_replay_to;
	int as_of;                       /* fixed evaluation day, or -1 for today */
	struct sub registry;
	uv_timer_t clock;                /* override expiry, monitoring, a new day */
	uv_signal_t sighup;
	unsigned clock_interval_ms;
	struct arena arena;              /* per unit of work */
	struct categoriser_stats stats;
};

extern struct categoriser categoriser;

int categoriser_today(const struct categoriser *c);
/* The moment everything dated is judged at: decisions and the overrides' expiry. With
 * --as-of, the start (UTC) of that day, which never moves: an override in force through
 * the as-of date stays in force. Audit times (who set an override when) stay real. */
long long categoriser_now_ms(const struct categoriser *c);

/* ---- store (categoriser_store.c) ---- */
int cat_store_get_facts(struct categoriser *c, MDB_txn *txn, uint32_t urn, struct arena *a,
			N2gg__V1__SchoolFacts **out, struct status *st);
int cat_store_put_facts(struct categoriser *c, MDB_txn *txn, const N2gg__V1__SchoolFacts *sf,
			struct arena *a, struct status *st);
int cat_store_get_decision(struct categoriser *c, MDB_txn *txn, uint32_t urn, struct arena *a,
			   N2gg__V1__Decision **out, struct status *st);
int cat_store_put_decision(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Decision *d,
			   struct arena *a, struct status *st);
int cat_store_get_override(struct categoriser *c, MDB_txn *txn, uint32_t urn, struct arena *a,
			   N2gg__V1__Override **out, struct status *st);
int cat_store_put_override(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Override *o,
			   struct arena *a, struct status *st);
int cat_store_del_override(struct categoriser *c, MDB_txn *txn, uint32_t urn, struct status *st);
int cat_store_add_history(struct categoriser *c, MDB_txn *txn, uint32_t urn, uint64_t seq,
			  struct status *st);
/* 1 when already marked, 0 when marked now */
int cat_store_mark_monitoring(struct categoriser *c, MDB_txn *txn, uint32_t urn, unsigned year,
			      unsigned half_term, struct status *st);
int cat_store_get_meta(struct categoriser *c, MDB_txn *txn, const char *key, MDB_val *val,
		       struct status *st);
int cat_store_put_meta(struct categoriser *c, MDB_txn *txn, const char *key, const void *val,
		       size_t len, struct status *st);
/* Deletes a meta record; one that is not there is no error. */
int cat_store_del_meta(struct categoriser *c, MDB_txn *txn, const char *key, struct status *st);
int cat_store_get_comparator(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Comparator *key,
			     struct arena *a, N2gg__V1__Comparator **out, struct status *st);
int cat_store_put_comparator(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Comparator *cmp,
			     struct arena *a, struct status *st);
/* England's averages and those of the LA the categoriser serves, newest first (as many as
 * the set holds). */
int cat_store_load_comparators(struct categoriser *c, MDB_txn *txn,
			       struct facts_comparators *out, struct status *st);

/* ---- the core (categoriser.c) ---- */

/* Decides `sf` again (override and comparators from the store) and stores the decision;
 * when the category in force changed, appends category.changed (cause says why). Logs and
 * counts a school no rule places, keeping its previous decision. */
int categoriser_decide(struct categoriser *c, MDB_txn *txn, const struct policy *p,
		       const N2gg__V1__SchoolFacts *sf, const char *cause, const char *actor,
		       struct arena *a, struct status *st);

/* Decides every school again under `p`: counts changes (and, when `publish`, stores and
 * announces them). Unmatched schools go to `unmatched` (up to max). */
struct categoriser_sweep {
	unsigned evaluated, changed, unmatched_count;
	uint32_t *unmatched;
	size_t unmatched_max;
	unsigned counts[POLICY_MAX_CATEGORIES];
};
int categoriser_sweep(struct categoriser *c, MDB_txn *txn, const struct policy *p, bool publish,
		      const char *cause, const char *actor, struct categoriser_sweep *out,
		      struct status *st);

/* Reads and checks a policy; on success *out is a new policy, for
 * categoriser_policy_destroy(). */
int categoriser_parse_policy(const char *text, size_t len, struct policy **out,
			     struct policy_report *report);
void categoriser_policy_destroy(struct policy *p);
/* The text of the configured policy file (or a built-in one: "" is norfolk-2013,
 * "builtin:NAME" names one), malloc'd. */
int categoriser_read_policy_file(const struct categoriser *c, char **text, size_t *len,
				 struct status *st);
/* Loads `text` as the policy in force within `txn`: refuses it when a school matches no
 * rule; otherwise re-decides every school, publishing the changes, stores the text and
 * prepares the swap (categoriser_policy_swap after commit). */
int categoriser_load_policy(struct categoriser *c, MDB_txn *txn, const char *text, size_t len,
			    const char *file, const char *actor, struct categoriser_sweep *sweep,
			    struct policy_report *report, struct status *st);
void categoriser_policy_swap(struct categoriser *c, bool committed);

/* service_write(), then the policy a load in fn prepared comes into force (or not). */
int categoriser_write(struct categoriser *c, store_write_fn fn, void *ctx, struct status *st);

/* Ends expired overrides, raises monitoring overdue, re-decides on a new day. */
int categoriser_tick(struct categoriser *c, struct status *st);
void categoriser_schedule_clock(struct categoriser *c);

/* ---- registry events (apply.c) ---- */
int categoriser_apply_registry_event(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
				     struct status *st);

/* ---- API (handlers.c) ---- */
extern const struct api_method categoriser_methods[];
extern const size_t categoriser_method_count;

#endif
