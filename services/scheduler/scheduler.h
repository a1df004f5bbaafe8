/* The scheduler service's shared state and internal interfaces. */
#ifndef N2GG_SCHEDULER_H
#define N2GG_SCHEDULER_H

#include <stdbool.h>

#include "calendar.h"
#include "entitlement.h"
#include "n2gg/v1/scheduler.pb-c.h"
#include "planner.h"
#include "service.h"
#include "sub.h"

enum scheduler_db {
	SCH_DB_EVENTS,      /* allocation.*, visit.* */
	SCH_DB_CURSORS,     /* registry and categoriser cursors */
	SCH_DB_SCHOOLS,     /* urn -> SchedulerSchool (registry facts + category) */
	SCH_DB_PARTNERS,    /* id -> Partner */
	SCH_DB_ALLOCATIONS, /* role . (urn | cluster id) -> Allocation */
	SCH_DB_VISITS,      /* urn . visit id -> Visit */
	SCH_DB_META,        /* "dirty": facts changed since the last plan */
	SCH_DB_VISIT_REPORTS, /* urn . visit id -> VisitReport (store format 2) */
	SCH_DB_CLUSTER_CHOICES, /* cluster id -> ClusterChoice (store format 3) */
	SCH_DB_COUNT
};

extern const char *const scheduler_db_names[SCH_DB_COUNT];

struct scheduler_stats {
	unsigned long long plans, plans_failed, allocation_changes, visits_scheduled,
		visits_cancelled, visits_unplaced, unknown_schools;
	double last_plan_ms;
};

struct scheduler {
	struct service *svc;
	MDB_dbi db[SCH_DB_COUNT];
	struct entitlement_policy policy;
	struct calendar calendar;
	int as_of;                 /* fixed day for visit planning, or -1 for today */
	int report_due_days;       /* --report-due-days: a visit's report is due this long after */
	struct sub registry, categoriser;
	uv_idle_t replan;          /* runs a pending incremental plan once events settle */
	bool replan_armed;
	uv_timer_t choice_timer;   /* watches for the day after Choice A's deadline */
	bool choice_deadline_planned;   /* the plan that follows the deadline has run */
	struct arena arena;
	struct scheduler_stats stats;
};

int scheduler_today(const struct scheduler *s);

/* ---- store (scheduler_store.c) ---- */
int sch_store_get(struct scheduler *s, MDB_txn *txn, enum scheduler_db db, const void *key,
		  size_t klen, const ProtobufCMessageDescriptor *desc, struct arena *a, void **out,
		  struct status *st);
int sch_store_put(struct scheduler *s, MDB_txn *txn, enum scheduler_db db, const void *key,
		  size_t klen, const ProtobufCMessage *msg, struct arena *a, struct status *st);
int sch_store_get_school(struct scheduler *s, MDB_txn *txn, uint32_t urn, struct arena *a,
			 N2gg__V1__SchedulerSchool **out, struct status *st);
int sch_store_put_school(struct scheduler *s, MDB_txn *txn, const N2gg__V1__SchedulerSchool *sc,
			 struct arena *a, struct status *st);
int sch_store_get_partner(struct scheduler *s, MDB_txn *txn, const char *id, struct arena *a,
			  N2gg__V1__Partner **out, struct status *st);
int sch_store_put_partner(struct scheduler *s, MDB_txn *txn, const N2gg__V1__Partner *p,
			  struct arena *a, struct status *st);
/* The allocations key: the role's byte, then the URN (big-endian) or the cluster id. */
size_t sch_allocation_key(int role, uint32_t urn, const char *cluster_id, uint8_t *key,
			  size_t size);
/* The visits' (and their reports') key: the URN (big-endian), then the visit's id. */
size_t sch_visit_key(uint32_t urn, const char *id, uint8_t *key, size_t size);
/* The stored messages of a database whose keys start with `prefix` (plen 0: every one),
 * unpacked in key order. */
int sch_store_scan(struct scheduler *s, MDB_txn *txn, enum scheduler_db db, const void *prefix,
		   size_t plen, const ProtobufCMessageDescriptor *desc, struct arena *a, void ***out,
		   size_t *n, struct status *st);
/* Every stored message of a database, unpacked in key order. */
int sch_store_all(struct scheduler *s, MDB_txn *txn, enum scheduler_db db,
		  const ProtobufCMessageDescriptor *desc, struct arena *a, void ***out, size_t *n,
		  struct status *st);
int sch_store_mark_dirty(struct scheduler *s, MDB_txn *txn, bool dirty, struct status *st);
bool sch_store_is_dirty(struct scheduler *s, MDB_txn *txn);

/* ---- planning (plan.c) ---- */
struct sch_plan_summary {
	struct planner_role_stats stats[ENTITLEMENT_ROLES];
	unsigned changed, visits, visits_unplaced;
	N2gg__V1__Allocation **unserved;
	size_t n_unserved;
	double ms;
};
/* Plans in `txn`: everything again (keeping pins) or incrementally (keeping every
 * allocation that still holds); stores the changes and announces them with `cause`. With
 * dry_run it only reports. */
int scheduler_plan(struct scheduler *s, MDB_txn *txn, bool incremental, bool dry_run,
		   const char *cause, const char *actor, struct arena *a,
		   struct sch_plan_summary *out, struct status *st);
/* The planner's input as the store holds it now (for explanations). */
int scheduler_plan_input(struct scheduler *s, MDB_txn *txn, struct arena *a,
			 struct planner_input *in, struct status *st);
int scheduler_school_index(const struct planner_input *in, uint32_t urn);
int scheduler_partner_index(const struct planner_input *in, const char *id);
/* Asks for an incremental plan once the event batches in flight are applied. */
void scheduler_request_replan(struct scheduler *s);

/* ---- events from the registry and the categoriser (apply.c) ---- */
int scheduler_apply_registry(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
			     struct status *st);
int scheduler_apply_categoriser(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
				struct status *st);

/* ---- visit reports (visit_reports.c) ---- */
/* Whether the visit (as stored) has a report: a report says the visit happened, so a
 * re-plan keeps it where it was. */
bool sch_visit_reported(struct scheduler *s, MDB_txn *txn, const N2gg__V1__Visit *v);
/* The stored visits whose report is overdue today. */
int sch_visit_reports_overdue(struct scheduler *s, MDB_txn *txn, unsigned long long *count,
			      struct status *st);
/* The API's RecordVisitReport, GetVisitReport and ListVisitReports. */
int sch_record_visit_report(struct api_call *call);
int sch_get_visit_report(struct api_call *call);
int sch_list_visit_reports(struct api_call *call);

/* ---- clusters' CEP choices (cluster_choices.c) ---- */
/* Every stored ClusterChoice, by cluster id. */
int sch_choices_all(struct scheduler *s, MDB_txn *txn, struct arena *a,
		    N2gg__V1__ClusterChoice ***out, size_t *n, struct status *st);
/* The choice of `cluster_id` among `all` (by cluster id), or NULL. */
const N2gg__V1__ClusterChoice *sch_choice_find(N2gg__V1__ClusterChoice *const *all, size_t n,
					       const char *cluster_id);
/* The stored choice of `cluster_id`, or NULL when it has none. */
N2gg__V1__ClusterChoice *sch_choice_get(struct scheduler *s, MDB_txn *txn,
					const char *cluster_id, struct arena *a);
/* Marks a CEP allocation with where its cluster's choice (NULL: none) stands today. */
void sch_choice_mark(struct scheduler *s, N2gg__V1__Allocation *al,
		     const N2gg__V1__ClusterChoice *choice, struct arena *a);
/* Plans once the day after Choice A's deadline has come (at start, then checked hourly):
 * the Choice A clusters without their own CEP go to the solver. */
void sch_choice_watch(struct scheduler *s);
void sch_choice_unwatch(struct scheduler *s);
/* The API's SetClusterChoice, GetClusterChoice and ListClusterChoices. */
int sch_set_cluster_choice(struct api_call *call);
int sch_get_cluster_choice(struct api_call *call);
int sch_list_cluster_choices(struct api_call *call);

/* ---- API (handlers.c) ---- */
/* The days `al` needs in `role` whatever it says now (0 while unserved), and the days
 * partner `pi` of `in` gives to every other allocation in force. */
void sch_pin_days(const struct planner_input *in, int role, const N2gg__V1__Allocation *al,
		  int pi, unsigned *needed, unsigned *used);
/* Pins `p` to `al` (with `reason` for officers and `basis`, whose choice it is) if the hard
 * rules and the partner's days allow, stores it and announces it with `cause` when the
 * partner changes; the caller re-plans. */
int sch_pin_partner(struct api_call *call, const struct planner_input *in, int role,
		    N2gg__V1__Allocation *al, const N2gg__V1__Partner *p, const char *reason,
		    N2gg__V1__AllocationBasis basis, const char *cause);
int sch_replan(struct api_call *call, const char *cause);

extern const struct api_method scheduler_methods[];
extern const size_t scheduler_method_count;

#endif
