/* n2gg-scheduler: matches improvement partners to schools optimally under hard rules and
 * schedules their visits across the school year. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar_yaml.h"
#include "date.h"
#include "log.h"
#include "scheduler.h"

static struct scheduler scheduler;

extern const char scheduler_default_policy[];
extern const size_t scheduler_default_policy_len;

static struct config_option scheduler_options[] = {
	{"registry", "tcp://127.0.0.1:7100", "the registry's API (for catching up on its events)",
	 NULL},
	{"registry-events", "tcp://127.0.0.1:7101", "the registry's event socket", NULL},
	{"categoriser", "tcp://127.0.0.1:7200", "the categoriser's API", NULL},
	{"categoriser-events", "tcp://127.0.0.1:7201", "the categoriser's event socket", NULL},
	{"policy", "", "the entitlement policy (YAML); empty: the built-in Norfolk 2013 policy",
	 NULL},
	{"calendar", "", "the school-year calendar (YAML); empty: Norfolk's for the policy's year",
	 NULL},
	{"as-of", "", "plan visits, and date visit reports, from this date (YYYY-MM-DD) instead of "
	 "today", NULL},
	{"report-due-days", "14",
	 "a visit's report is overdue this many days after the visit (0-365)", NULL},
};

static int scheduler_load_policy(struct scheduler *s, const char *path, struct status *st)
{
	size_t len = scheduler_default_policy_len;
	char *text = path[0] ? service_read_file(path, &len, st) : NULL;
	if (path[0] && !text)
		return -STATUS_FAILED_PRECONDITION;
	struct entitlement_report r = {0};
	entitlement_init(&s->policy);
	int rc = entitlement_parse(&s->policy, text ? text : scheduler_default_policy, len, &r);
	free(text);
	if (rc < 0) {
		for (int i = 0; i < r.count; i++)
			log_error("policy problem", "file=%s line=%d problem=%s",
				  log_str(path[0] ? path : "(built-in)"), r.problems[i].line,
				  log_str(r.problems[i].message));
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s:%d: %s",
				   path[0] ? path : "(built-in policy)", r.problems[0].line,
				   r.problems[0].message);
	}
	return 0;
}

static int scheduler_load_calendar(struct scheduler *s, const char *path, struct status *st)
{
	if (!path[0])
		return calendar_yaml_builtin(&s->calendar, (int)s->policy.year, st) == 0
			       ? 0
			       : calendar_norfolk(&s->calendar, (int)s->policy.year, st);
	size_t len;
	char *text = service_read_file(path, &len, st);
	if (!text)
		return -STATUS_FAILED_PRECONDITION;
	int rc = calendar_yaml_parse(&s->calendar, text, len, st);
	free(text);
	return rc;
}

static int scheduler_start_replan(void *ctx, MDB_txn *txn, struct status *st)
{
	struct scheduler *s = ctx;
	if (!sch_store_is_dirty(s, txn))
		return 0;
	struct sch_plan_summary sum;
	return scheduler_plan(s, txn, true, false, "start-up: changes not yet planned", "scheduler",
			      &s->arena, &sum, st);
}

static int scheduler_on_start(struct service *svc, struct status *st)
{
	struct scheduler *s = svc->impl;
	s->svc = svc;
	for (int i = 0; i < SCH_DB_COUNT; i++)
		s->db[i] = svc->store.dbs[i];
	arena_init(&s->arena);
	s->as_of = -1;
	const char *as_of = service_setting(svc, "as-of");
	if (as_of[0] && date_parse(as_of, &s->as_of) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "as-of \"%s\" is not a date", as_of);
	long due_days;
	int rc = config_get_long(&svc->cfg, "report-due-days", 0, 365, &due_days, st);
	if (rc < 0)
		return rc;
	s->report_due_days = (int)due_days;
	if ((rc = scheduler_load_policy(s, service_setting(svc, "policy"), st)) < 0 ||
	    (rc = scheduler_load_calendar(s, service_setting(svc, "calendar"), st)) < 0)
		return rc;
	uv_idle_init(&svc->loop, &s->replan);
	/* a plan a crash interrupted: its changes were marked dirty with the facts */
	rc = service_write(svc, scheduler_start_replan, s, st);
	arena_reset(&s->arena);
	if (rc < 0)
		return rc;
	sch_choice_watch(s);
	struct sub_options reg = {
		.source = "registry",
		.events_endpoint = service_setting(svc, "registry-events"),
		.api_endpoint = service_setting(svc, "registry"),
		.outbox = &svc->log,
		.pub = &svc->pub,
		.curve = &svc->curve,
	};
	struct sub_options cat = reg;
	cat.source = "categoriser";
	cat.events_endpoint = service_setting(svc, "categoriser-events");
	cat.api_endpoint = service_setting(svc, "categoriser");
	if ((rc = sub_start(&s->registry, &svc->loop, svc->zctx, &reg, &svc->store,
			    s->db[SCH_DB_CURSORS], 0, scheduler_apply_registry, s, st)) < 0 ||
	    (rc = sub_start(&s->categoriser, &svc->loop, svc->zctx, &cat, &svc->store,
			    s->db[SCH_DB_CURSORS], 0, scheduler_apply_categoriser, s, st)) < 0)
		return rc;
	service_follow(svc, "registry", &s->registry);
	service_follow(svc, "categoriser", &s->categoriser);
	log_info("policy in force", "name=%s version=%s year=%u calendar=%s",
		 log_str(s->policy.name), log_str(s->policy.version), s->policy.year,
		 log_str(s->calendar.name));
	return 0;
}

static void scheduler_on_stop(struct service *svc)
{
	struct scheduler *s = svc->impl;
	sub_stop(&s->registry);
	sub_stop(&s->categoriser);
	uv_idle_stop(&s->replan);
	uv_close((uv_handle_t *)&s->replan, NULL);
	sch_choice_unwatch(s);
	entitlement_free(&s->policy);
	arena_free(&s->arena);
}

static void scheduler_on_metrics(struct service *svc, struct http_response *res)
{
	const struct scheduler *s = svc->impl;
	const struct scheduler_stats *st = &s->stats;
	service_metric_u64(res, "n2gg_scheduler_registry_cursor", "gauge",
			   "The registry's last event applied.", s->registry.cursor);
	service_metric_u64(res, "n2gg_scheduler_categoriser_cursor", "gauge",
			   "The categoriser's last event applied.", s->categoriser.cursor);
	service_metric_u64(res, "n2gg_scheduler_plans_total", "counter",
			   "Allocation plans run.", st->plans);
	service_metric_u64(res, "n2gg_scheduler_plans_failed_total", "counter",
			   "Allocation plans that failed.", st->plans_failed);
	service_metric_u64(res, "n2gg_scheduler_allocation_changes_total", "counter",
			   "Allocations made, changed or ended by plans.", st->allocation_changes);
	service_metric_u64(res, "n2gg_scheduler_visits_scheduled_total", "counter",
			   "Visits scheduled.", st->visits_scheduled);
	service_metric_u64(res, "n2gg_scheduler_visits_cancelled_total", "counter",
			   "Visits cancelled.", st->visits_cancelled);
	service_metric_u64(res, "n2gg_scheduler_visits_unplaced", "gauge",
			   "Visits the last plan could not place in the calendar.",
			   st->visits_unplaced);
	service_metric_f64(res, "n2gg_scheduler_last_plan_seconds", "gauge",
			   "How long the last allocation plan took.", st->last_plan_ms / 1000.0);
	/* counted when asked: it changes with the date as well as with reports and plans */
	unsigned long long overdue = 0;
	struct status rst;
	MDB_txn *txn;
	if (store_begin_read(&svc->store, &txn, &rst) == 0) {
		if (sch_visit_reports_overdue(svc->impl, txn, &overdue, &rst) < 0)
			log_warn("overdue visit reports not counted", "error=%s", log_str(rst.message));
		mdb_txn_abort(txn);
	} else {
		log_warn("overdue visit reports not counted", "error=%s", log_str(rst.message));
	}
	service_metric_u64(res, "n2gg_scheduler_visit_reports_overdue", "gauge",
			   "Visits more than --report-due-days days past with no report.", overdue);
}

/* a school's record holds the registry's facts and the categoriser's category: both are
 * read again; partners, allocations and visits are the scheduler's own */
static const char *const scheduler_resync_sources[] = {"registry", "categoriser", NULL};
static const int scheduler_resync_dbs[] = {SCH_DB_SCHOOLS, -1};
static const struct service_resync scheduler_resync[] = {
	{"registry", scheduler_resync_sources, scheduler_resync_dbs},
	{"categoriser", scheduler_resync_sources, scheduler_resync_dbs},
};

/* Format 4: every partner is published (partner.changed) when stored, so that followers
 * (the dashboard) keep capacities and contacts from the events alone. A store from before
 * holds partners that were never published: the step publishes each once, in the start-up
 * transaction, and followers read them as they read any event. */
static int scheduler_migrate_store(struct service *svc, MDB_txn *txn, unsigned from,
				   struct status *st)
{
	if (from != 3)
		return 0;
	struct scheduler *s = svc->impl;
	for (int i = 0; i < SCH_DB_COUNT; i++)
		s->db[i] = svc->store.dbs[i];
	struct arena a;
	arena_init(&a);
	N2gg__V1__Partner **partners;
	size_t n;
	struct eventlog log;
	int rc = sch_store_all(s, txn, SCH_DB_PARTNERS, &n2gg__v1__partner__descriptor, &a,
			       (void ***)&partners, &n, st);
	if (rc == 0 && (rc = eventlog_open(&log, txn, svc->store.dbs[0], svc->desc->name, st)) == 0) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			N2gg__V1__PartnerChanged ev = N2GG__V1__PARTNER_CHANGED__INIT;
			ev.partner = partners[i];
			rc = eventlog_append(&log, txn, "partner.changed", "scheduler", &ev.base, NULL,
					     st);
		}
		eventlog_close(&log);   /* followers read them from the log: none is sent live */
	}
	arena_free(&a);
	if (rc == 0)
		log_info("partners published for the followers", "partners=%zu", n);
	return rc;
}

static const struct service_desc scheduler_desc = {
	.name = "scheduler",
	.summary = "N2GG scheduler: improvement partners matched to schools, and their visits.",
	.default_api = "tcp://127.0.0.1:7300",
	.default_events = "tcp://127.0.0.1:7301",
	.default_http = "127.0.0.1:7309",
	.db_names = scheduler_db_names,
	.db_count = SCH_DB_COUNT,
	/* Format 2: visit reports, and visits with a report kept by every re-plan. A format-1
	 * binary would move or cancel a visit that has been reported on (and leave its report
	 * behind): it must refuse such a store. A format-1 store needs no step: the
	 * visit_reports database is made empty when the store opens.
	 * Format 3: clusters' CEP choices. A format-2 binary would give a CEP to a cluster that
	 * is recruiting its own (Choice A) and undo the choice's pin at will: it must refuse
	 * such a store. An older store needs no step either: cluster_choices starts empty.
	 * Format 4: partners published (scheduler_migrate_store). */
	.store_format = 4,
	.migrate_store = scheduler_migrate_store,
	.methods = scheduler_methods,
	.extra_options = scheduler_options,
	.extra_count = sizeof scheduler_options / sizeof scheduler_options[0],
	.on_start = scheduler_on_start,
	.cursor_db = SCH_DB_CURSORS,
	.resync = scheduler_resync,
	.resync_count = 2,
	.on_stop = scheduler_on_stop,
	.on_metrics = scheduler_on_metrics,
};

int main(int argc, char **argv)
{
	struct service_desc desc = scheduler_desc;
	desc.method_count = scheduler_method_count;
	return service_main(&desc, &scheduler, argc, argv);
}
