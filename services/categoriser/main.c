/* n2gg-categoriser: places every school in an LA category from policy kept as data,
 * explains each decision and publishes category changes. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "categoriser.h"
#include "date.h"
#include "log.h"

struct categoriser categoriser;

static struct config_option categoriser_options[] = {
	{"registry", "tcp://127.0.0.1:7100", "the registry's API (for catching up on its events)",
	 NULL},
	{"registry-events", "tcp://127.0.0.1:7101", "the registry's event socket", NULL},
	{"policy", "", "the policy file (YAML), or builtin:norfolk-2013 or builtin:la-2019; empty: "
		       "the built-in Norfolk 2013 policy", NULL},
	{"la", "926", "the local authority (its code) whose averages the year.*_vs_la and "
		      "latest.*_vs_la facts compare a school with", NULL},
	{"as-of", "", "decide as of this date (YYYY-MM-DD) instead of today, e.g. to rehearse "
		      "or to categorise historical data", NULL},
	{"clock-ms", "60000", "how often to check override expiry, monitoring and the date", NULL},
};

/* Loads the configured policy at start. When it is invalid or refused, the service keeps
 * the last good policy from its store; with none, it cannot start. */
struct categoriser_load {
	struct categoriser *c;
	const char *text;
	size_t len;
	const char *file;
	struct policy_report report;
	struct categoriser_sweep sweep;
};

static int categoriser_load_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct categoriser_load *l = ctx;
	memset(&l->report, 0, sizeof l->report);
	memset(&l->sweep, 0, sizeof l->sweep);
	return categoriser_load_policy(l->c, txn, l->text, l->len, l->file, "categoriser", &l->sweep,
				       &l->report, st);
}

static void categoriser_log_report(const char *file, const struct policy_report *r)
{
	for (int i = 0; i < r->count; i++)
		log_emit(r->problems[i].warning ? LOG_WARN : LOG_ERROR, "policy problem",
			 "file=%s line=%d problem=%s", log_str(file), r->problems[i].line,
			 log_str(r->problems[i].message));
}

static int categoriser_stored_policy(struct categoriser *c, char **text, size_t *len,
				     struct status *st)
{
	MDB_txn *txn;
	MDB_val v;
	int rc = store_begin_read(&c->svc->store, &txn, st);
	if (rc < 0)
		return rc;
	rc = cat_store_get_meta(c, txn, "policy.text", &v, st);
	if (rc == 0) {
		*text = malloc(v.mv_size + 1);
		memcpy(*text, v.mv_data, v.mv_size);
		(*text)[v.mv_size] = 0;
		*len = v.mv_size;
	}
	mdb_txn_abort(txn);
	return rc;
}

static int categoriser_load_at_start(struct categoriser *c, struct status *st)
{
	const char *file = c->policy_file[0] ? c->policy_file : "(built-in norfolk-2013)";
	char *text = NULL, *stored = NULL;
	size_t len = 0, stored_len = 0;
	int rc = categoriser_read_policy_file(c, &text, &len, st);
	bool have_stored = categoriser_stored_policy(c, &stored, &stored_len, st) == 0;
	if (rc == 0 && have_stored && len == stored_len && memcmp(text, stored, len) == 0) {
		/* the policy in force already: no re-decision needed */
		struct policy_report report = {0};
		rc = categoriser_parse_policy(text, len, &c->policy, &report) < 0 ? -1 : 0;
	} else if (rc == 0) {
		struct categoriser_load l = {.c = c, .text = text, .len = len, .file = file};
		rc = categoriser_write(c, categoriser_load_txn, &l, st);
		if (rc == 0)
			log_info("policy loaded", "file=%s name=%s version=%s evaluated=%u "
				 "changed=%u", log_str(file), log_str(c->policy->name),
				 log_str(c->policy->version), l.sweep.evaluated, l.sweep.changed);
		categoriser_log_report(file, &l.report);
	}
	if (rc < 0 && have_stored) {
		log_error("policy file not usable; keeping the last good policy", "file=%s "
			  "error=%s", log_str(file), log_str(st->message));
		struct policy_report report = {0};
		rc = categoriser_parse_policy(stored, stored_len, &c->policy, &report);
		if (rc < 0)
			status_fail(st, STATUS_INTERNAL, "the stored policy no longer parses");
	}
	free(text);
	free(stored);
	return rc < 0 ? -STATUS_FAILED_PRECONDITION : 0;
}

static void categoriser_on_sighup(uv_signal_t *h, int signum)
{
	(void)signum;
	struct categoriser *c = h->data;
	struct status st;
	char *text;
	size_t len;
	const char *file = c->policy_file[0] ? c->policy_file : "(built-in norfolk-2013)";
	if (categoriser_read_policy_file(c, &text, &len, &st) < 0) {
		log_error("policy reload refused; the policy in force stays", "error=%s",
			  log_str(st.message));
		c->stats.reloads_refused++;
		return;
	}
	struct categoriser_load l = {.c = c, .text = text, .len = len, .file = file};
	int rc = categoriser_write(c, categoriser_load_txn, &l, &st);
	categoriser_log_report(file, &l.report);
	if (rc < 0) {
		log_error("policy reload refused; the policy in force stays", "file=%s "
			  "error=%s", log_str(file), log_str(st.message));
		c->stats.reloads_refused++;
	} else {
		log_info("policy reloaded", "file=%s name=%s version=%s evaluated=%u changed=%u",
			 log_str(file), log_str(c->policy->name), log_str(c->policy->version),
			 l.sweep.evaluated, l.sweep.changed);
	}
	free(text);
}

static void categoriser_on_writes_done(void *service, bool committed)
{
	struct categoriser *c = ((struct service *)service)->impl;
	categoriser_policy_swap(c, committed);
	if (committed)
		categoriser_schedule_clock(c);   /* an override may expire sooner now */
}

/* ---- the store's format ---- */

/* 1 -> 2: the comparators database is created empty when the store opens; a categoriser of
 * format 1 skipped the registry's comparator events, so the registry's log is read again
 * from the start for them alone, up to where the store had got to (the schools' events up
 * to there are in its read model already). */
static int categoriser_migrate_store(struct service *svc, MDB_txn *txn, unsigned from,
				     struct status *st)
{
	if (from != 1)
		return 0;
	uint64_t cursor;
	MDB_dbi cursors = svc->store.dbs[CAT_DB_CURSORS];
	int rc = sub_read_cursor(txn, cursors, "registry", &cursor, st);
	if (rc < 0 || cursor == 0)
		return rc;
	uint8_t mark[8];
	store_be64(mark, cursor);
	if ((rc = store_put(txn, svc->store.dbs[CAT_DB_META], CAT_META_COMPARATORS_REPLAY,
			    strlen(CAT_META_COMPARATORS_REPLAY), mark, sizeof mark, 0, st)) < 0)
		return rc;
	log_info("reading the registry's events again for the areas' averages", "up_to_seq=%llu",
		 (unsigned long long)cursor);
	return sub_rewind(txn, cursors, "registry", st);
}

/* --resync registry reads every event again for everything: no replay of comparators
 * alone is pending any more. */
static int categoriser_on_resync(struct service *svc, MDB_txn *txn,
				 const struct service_resync *r, struct status *st)
{
	(void)r;
	int rc = store_del(txn, svc->store.dbs[CAT_DB_META], CAT_META_COMPARATORS_REPLAY,
			   strlen(CAT_META_COMPARATORS_REPLAY), st);
	return rc == -STATUS_NOT_FOUND ? 0 : rc;
}

/* The migration's replay mark, unless the registry cursor has passed it. */
static int categoriser_read_replay_mark(struct categoriser *c, struct status *st)
{
	MDB_txn *txn;
	MDB_val v;
	uint64_t cursor = 0;
	int rc = store_begin_read(&c->svc->store, &txn, st);
	if (rc < 0)
		return rc;
	c->comparators_replay_to = 0;
	rc = cat_store_get_meta(c, txn, CAT_META_COMPARATORS_REPLAY, &v, st);
	if (rc == 0 && v.mv_size == 8)
		c->comparators_replay_to = store_from_be64(v.mv_data);
	if (rc == 0 || rc == -STATUS_NOT_FOUND)
		rc = sub_read_cursor(txn, c->db[CAT_DB_CURSORS], "registry", &cursor, st);
	mdb_txn_abort(txn);
	if (cursor >= c->comparators_replay_to)
		c->comparators_replay_to = 0;
	return rc;
}

static int categoriser_on_start(struct service *svc, struct status *st)
{
	struct categoriser *c = svc->impl;
	c->svc = svc;
	for (int i = 0; i < CAT_DB_COUNT; i++)
		c->db[i] = svc->store.dbs[i];
	arena_init(&c->arena);
	c->policy_file = service_setting(svc, "policy");
	c->as_of = -1;
	const char *as_of = service_setting(svc, "as-of");
	if (as_of[0] && date_parse(as_of, &c->as_of) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "as-of \"%s\" is not a date", as_of);
	long clock_ms, la;
	int rc = config_get_long(&svc->cfg, "clock-ms", 10, 86400000, &clock_ms, st);
	if (rc < 0 || (rc = config_get_long(&svc->cfg, "la", 0, 999, &la, st)) < 0)
		return rc;
	c->clock_interval_ms = (unsigned)clock_ms;
	c->la_code = (uint32_t)la;
	if ((rc = categoriser_load_at_start(c, st)) < 0 ||
	    (rc = categoriser_read_replay_mark(c, st)) < 0)
		return rc;
	svc->api.on_writes_done = categoriser_on_writes_done;

	struct sub_options opt = {
		.source = "registry",
		.events_endpoint = service_setting(svc, "registry-events"),
		.api_endpoint = service_setting(svc, "registry"),
		.outbox = &svc->log,
		.pub = &svc->pub,
		.curve = &svc->curve,
	};
	if ((rc = sub_start(&c->registry, &svc->loop, svc->zctx, &opt, &svc->store,
			    c->db[CAT_DB_CURSORS], 0, categoriser_apply_registry_event, c, st)) < 0)
		return rc;
	service_follow(svc, "registry", &c->registry);
	uv_timer_init(&svc->loop, &c->clock);
	c->clock.data = c;
	struct status tick_st;
	categoriser_tick(c, &tick_st);
	uv_signal_init(&svc->loop, &c->sighup);
	c->sighup.data = c;
	uv_signal_start(&c->sighup, categoriser_on_sighup, SIGHUP);
	return 0;
}

static void categoriser_on_stop(struct service *svc)
{
	struct categoriser *c = svc->impl;
	sub_stop(&c->registry);
	uv_timer_stop(&c->clock);
	uv_close((uv_handle_t *)&c->clock, NULL);
	uv_close((uv_handle_t *)&c->sighup, NULL);
	categoriser_policy_destroy(c->policy);
	c->policy = NULL;
	arena_free(&c->arena);
}

static void categoriser_on_metrics(struct service *svc, struct http_response *res)
{
	const struct categoriser *c = svc->impl;
	const struct categoriser_stats *s = &c->stats;
	const struct sub_stats *r = &c->registry.stats;
	/* the registry follower's figures also appear as n2gg_upstream_* (service.c); these
	 * names stay for the dashboards and tests that read them */
	service_metric_u64(res, "n2gg_categoriser_registry_cursor", "gauge",
			   "The registry's last event applied.", c->registry.cursor);
	service_metric_u64(res, "n2gg_categoriser_registry_events_applied_total", "counter",
			   "Registry events applied.", r->applied);
	service_metric_u64(res, "n2gg_categoriser_registry_gaps_total", "counter",
			   "Gaps in the registry's live events, filled from ReadEvents.", r->gaps);
	service_metric_u64(res, "n2gg_categoriser_unknown_school_events_total", "counter",
			   "Registry events without a usable or known school, ignored.", s->unknown_schools);
	service_metric_u64(res, "n2gg_categoriser_facts_rejected_total", "counter",
			   "Registry facts refused as unusable.", s->facts_rejected);
	service_metric_u64(res, "n2gg_categoriser_unmatched_total", "counter",
			   "Decisions where no policy rule placed the school.", s->unmatched);
	service_metric_u64(res, "n2gg_categoriser_policy_reloads_total", "counter",
			   "Policies put in force after a reload.", s->reloads);
	service_metric_u64(res, "n2gg_categoriser_policy_reloads_refused_total", "counter",
			   "Policy reloads refused; the policy in force stayed.", s->reloads_refused);
	service_metric_u64(res, "n2gg_categoriser_overrides_expired_total", "counter",
			   "Category overrides that expired.", s->overrides_expired);
	service_metric_u64(res, "n2gg_categoriser_monitoring_overdue_total", "counter",
			   "Schools found overdue for monitoring.", s->monitoring_overdue);
	service_metric_u64(res, "n2gg_categoriser_comparators_recorded_total", "counter",
			   "Area averages (LA, England) recorded or changed.", s->comparators_recorded);
}

/* the facts and the areas' averages are the registry's; decisions, overrides and history
 * are the categoriser's own */
static const char *const categoriser_resync_sources[] = {"registry", NULL};
static const int categoriser_resync_dbs[] = {CAT_DB_FACTS, CAT_DB_COMPARATORS, -1};
static const struct service_resync categoriser_resync[] = {
	{"registry", categoriser_resync_sources, categoriser_resync_dbs},
};

static const struct service_desc categoriser_desc = {
	.name = "categoriser",
	.summary = "N2GG categoriser: LA categories A-F from policy data, explained and published.",
	.default_api = "tcp://127.0.0.1:7200",
	.default_events = "tcp://127.0.0.1:7201",
	.default_http = "127.0.0.1:7209",
	.db_names = categoriser_db_names,
	.db_count = CAT_DB_COUNT,
	/* raised to 2 also so that an older binary, which would skip the registry's
	 * comparator events and leave this database behind, refuses the store */
	.store_format = CATEGORISER_STORE_FORMAT,
	.migrate_store = categoriser_migrate_store,
	.on_resync = categoriser_on_resync,
	.methods = categoriser_methods,
	.extra_options = categoriser_options,
	.extra_count = sizeof categoriser_options / sizeof categoriser_options[0],
	.on_start = categoriser_on_start,
	.cursor_db = CAT_DB_CURSORS,
	.resync = categoriser_resync,
	.resync_count = 1,
	.on_stop = categoriser_on_stop,
	.on_metrics = categoriser_on_metrics,
};

int main(int argc, char **argv)
{
	struct service_desc desc = categoriser_desc;
	desc.method_count = categoriser_method_count;
	return service_main(&desc, &categoriser, argc, argv);
}
