/* readmodel: what each of the four services' events does to the dashboard's read model.
 * Every event the dashboard keeps carries the whole record it is about (a school after the
 * change, a federation with its members, an allocation, a visit, a delivery), so applying
 * one is a set of puts and deletes computed from the event alone: readmodel_apply() returns
 * them as plain effects and the I/O shell (apply.c) writes them in the transaction that
 * also stores the cursor. Pure. */
#ifndef N2GG_DASH_READMODEL_H
#define N2GG_DASH_READMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "n2gg/v1/common.pb-c.h"

/* The dashboard's databases (dash_store.c names them, in this order). Keys: */
enum dash_db {
	DASH_DB_EVENTS,           /* the dashboard's own event log (it publishes none yet) */
	DASH_DB_CURSORS,          /* source -> cursor, kept with the effects */
	DASH_DB_SCHOOLS,          /* urn -> School (the registry's, whole) */
	DASH_DB_CLUSTERS,         /* id -> Cluster */
	DASH_DB_COMPARATORS,      /* year . key stage . area . LA code -> Comparator */
	DASH_DB_CATEGORIES,       /* urn -> CategoryChanged (the category in force, and why) */
	DASH_DB_CATEGORY_HISTORY, /* urn . seq -> Event (category.changed, category.override.*) */
	DASH_DB_ALLOCATIONS,      /* urn . role, or 0 . role . cluster id (a CEP) -> Allocation */
	DASH_DB_VISITS,           /* urn . visit id -> Visit */
	DASH_DB_VISIT_REPORTS,    /* urn . visit id -> VisitReport */
	DASH_DB_NOTICES,          /* urn . notice id -> Notice (urn 0: a cluster's) */
	DASH_DB_DELIVERIES,       /* urn . notice id . 0 . delivery key -> Delivery */
	DASH_DB_MI_SHEETS,        /* number -> MiSheet */
	DASH_DB_MI_RESPONSES,     /* number . 0 . urn . cluster id -> MiResponse */
	DASH_DB_ACCOUNTS,         /* name -> DashboardAccount */
	DASH_DB_SESSIONS,         /* SHA-256 of the session id -> DashboardSession */
	DASH_DB_PARTNERS,         /* id -> Partner (partner.changed) */
	DASH_DB_CLUSTER_CHOICES,  /* cluster id -> ClusterChoice (cluster.choice_recorded) */
	DASH_DB_SCHOOL_LINES,     /* urn -> the school's line in the lists (summary.h), rebuilt
				   * by the apply step from its school, category and allocations */
	DASH_DB_MONITORING_OVERDUE, /* urn . year . half-term -> MonitoringOverdue (a return
				     * the categoriser found missing; the school's record says
				     * whether it has come since) */
	DASH_DB_GROUPS,           /* id -> Group (a federation or partnership, with its members) */
	DASH_DB_COUNT
};

extern const char *const dash_db_names[DASH_DB_COUNT];

enum readmodel_source {
	READMODEL_REGISTRY,
	READMODEL_CATEGORISER,
	READMODEL_SCHEDULER,
	READMODEL_NOTIFIER,
	READMODEL_SOURCES
};

extern const char *const readmodel_source_names[READMODEL_SOURCES];

struct readmodel_effect {
	enum dash_db db;
	const uint8_t *key;
	size_t klen;
	const ProtobufCMessage *value;   /* NULL: delete the key (absent is fine) */
};

struct readmodel_effects {
	struct readmodel_effect *items;  /* in the arena */
	size_t count, cap;
	uint32_t line_urn;   /* the school whose line in the lists to rebuild (summary.h) once
			      * the effects are written: its record, its category or one of
			      * its own allocations changed; 0 none */
};

/* The effects of one event of `src` (none for a topic the dashboard does not keep), in the
 * arena. Returns 0, or -1 when the event cannot be used (its payload does not unpack or
 * names nothing), with *why saying so: it is logged and skipped, never retried. */
int readmodel_apply(enum readmodel_source src, const N2gg__V1__Event *ev, struct arena *a,
		    struct readmodel_effects *out, const char **why);

/* urn . year . half-term (9 bytes): a monitoring return's key. */
uint8_t *readmodel_key_half_term(struct arena *a, uint32_t urn, uint32_t year,
				 uint32_t half_term);
/* Keys (in the arena), for the readers as for the effects. */
uint8_t *readmodel_key_urn(struct arena *a, uint32_t urn, const char *suffix, size_t *klen);
uint8_t *readmodel_key_allocation(struct arena *a, uint32_t urn, int role,
				  const char *cluster_id, size_t *klen);

/* The scheduler says an allocation ended (the school is no longer entitled to the role)
 * with an empty partner and basis NOT_ENTITLED; before the basis was sent, with this
 * reason. An empty partner otherwise is a school entitled but not served. */
#define READMODEL_ALLOCATION_ENDED "no longer entitled to this role"

#endif
