/* n2gg-dashboard: the Norfolk Schools Dashboard, web pages for officers and partners over
 * a read model of the registry's, the categoriser's, the scheduler's and the notifier's
 * events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "dashboard.h"

static struct dashboard dashboard;

static struct config_option dashboard_options[] = {
	{"registry", "tcp://127.0.0.1:7100", "the registry's API (for catching up on its events)",
	 NULL},
	{"registry-events", "tcp://127.0.0.1:7101", "the registry's event socket", NULL},
	{"categoriser", "tcp://127.0.0.1:7200", "the categoriser's API", NULL},
	{"categoriser-events", "tcp://127.0.0.1:7201", "the categoriser's event socket", NULL},
	{"scheduler", "tcp://127.0.0.1:7300", "the scheduler's API", NULL},
	{"scheduler-events", "tcp://127.0.0.1:7301", "the scheduler's event socket", NULL},
	{"notifier", "tcp://127.0.0.1:7400", "the notifier's API", NULL},
	{"notifier-events", "tcp://127.0.0.1:7401", "the notifier's event socket", NULL},
	{"web", "127.0.0.1:7580", "the web pages' address host:port (IPv4)", NULL},
	{"static-dir", "./node_modules/govuk-frontend/dist/govuk",
	 "govuk-frontend's compiled CSS and assets (npm ci at the repository's root)", NULL},
	{"govuk-fonts", "no",
	 "yes: serve the GDS Transport font too (its licence allows it only on GOV.UK; "
	 "elsewhere pages use Arial)",
	 NULL},
	{"tls-cert", "",
	 "a PEM certificate (its chain after it): --web serves HTTPS only, with --tls-key "
	 "(read at start: restart for a renewed one)",
	 NULL},
	{"tls-key", "",
	 "the PEM private key of --tls-cert; refused when every user may read it", NULL},
	{"cookie-secure", "",
	 "yes: cookies only over HTTPS (set it when a TLS proxy serves the pages); by default "
	 "yes with --tls-cert, else no",
	 NULL},
	{"trusted-header", "",
	 "single sign-on: the header (for example X-Remote-User) in which a reverse proxy of "
	 "--trusted-proxies names the signed-in user; off unless both are set",
	 NULL},
	{"trusted-proxies", "",
	 "the IPv4 addresses (comma-separated) whose --trusted-header is believed; the header "
	 "from any other address is refused",
	 NULL},
	{"session-idle-seconds", "1800", "a session with no request for this long ends", NULL},
	{"session-max-seconds", "43200", "a session ends this long after signing in", NULL},
	{"login-max-failures", "5",
	 "failed sign-ins a user may have in --login-window-seconds (an address: four times it)",
	 NULL},
	{"login-window-seconds", "900", "the window of --login-max-failures", NULL},
	{"max-form-kb", "64", "the largest form accepted, in KiB (past it: 413)", NULL},
	{"web-max-connections", "256", "open web connections at once", NULL},
	{"web-per-ip", "32", "open web connections at once from one address", NULL},
	{"web-timeout-seconds", "30", "an idle web connection closes after this", NULL},
	{"as-of", "", "show the programme as of this date (YYYY-MM-DD) instead of today", NULL},
	{"report-due-days", "14",
	 "a visit's report is overdue this many days after the visit (as the scheduler's)", NULL},
	{"action-timeout-ms", "5000",
	 "a call to another service's API (an officer's action, the letters) waits this long "
	 "for its answer, twice",
	 NULL},
	{"action-follow-ms", "3000",
	 "after an action, how long its page waits for the letter the change causes", NULL},
	{"add-user", "",
	 "NAME: add (or update) a web account and exit; with --role, --partner and "
	 "--password-file (or the password on standard input)",
	 NULL},
	{"role", "viewer", "--add-user: viewer, officer, partner or admin", NULL},
	{"partner", "", "--add-user --role partner: the scheduler's partner id", NULL},
	{"password-file", "", "--add-user: a file whose first line is the password", NULL},
};

int dashboard_today(const struct dashboard *d)
{
	return d->as_of >= 0 ? d->as_of : date_today();
}

/* An empty setting takes `unset`. */
static int dashboard_setting_yes(struct service *svc, const char *name, bool unset, bool *out,
				 struct status *st)
{
	const char *v = service_setting(svc, name);
	if (!v[0]) {
		*out = unset;
		return 0;
	}
	if (strcmp(v, "yes") && strcmp(v, "no"))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s \"%s\": yes or no", name, v);
	*out = strcmp(v, "yes") == 0;
	return 0;
}

/* The certificate and key, when both are set: HTTPS, and Secure cookies by default. */
static int dashboard_tls(struct dashboard *d, struct status *st)
{
	const char *cert = service_setting(d->svc, "tls-cert");
	const char *key = service_setting(d->svc, "tls-key");
	if (!cert[0] && !key[0])
		return 0;
	if (!cert[0] || !key[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "tls-cert and tls-key go together: set both for HTTPS, or neither");
	int rc = tls_load(&d->tls, cert, key, st);
	if (rc == 0)
		d->https = true;
	return rc;
}

/* Single sign-on needs both the header and who may send it: one without the other is a
 * mistake to stop at, not a header to believe from anyone or to ignore silently. */
static int dashboard_sso(struct dashboard *d, struct status *st)
{
	const char *header = service_setting(d->svc, "trusted-header");
	const char *proxies = service_setting(d->svc, "trusted-proxies");
	char bad[64];
	if (!header[0] && !proxies[0])
		return 0;
	if (!header[0] || !proxies[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "trusted-header and trusted-proxies go together: set both for "
				   "single sign-on, or neither");
	size_t len = strlen(header);
	if (len >= sizeof d->sso_header ||
	    strspn(header, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != len)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "trusted-header \"%s\" is not a header name", header);
	if (session_proxies_parse(proxies, &d->sso_proxies, bad, sizeof bad) < 0)
		return bad[0] ? status_fail(st, STATUS_INVALID_ARGUMENT,
					    "trusted-proxies: \"%s\" is not an IPv4 address", bad)
			      : status_fail(st, STATUS_INVALID_ARGUMENT,
					    "trusted-proxies: at most %d addresses", SESSION_MAX_PROXIES);
	if (d->sso_proxies.n == 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "trusted-proxies: no address");
	snprintf(d->sso_header, sizeof d->sso_header, "%s", header);
	return 0;
}

static int dashboard_settings(struct dashboard *d, struct status *st)
{
	struct service *svc = d->svc;
	long idle, max_age, failures, window, form_kb, conns, per_ip, timeout, due, action_ms,
		follow_ms;
	int rc;
	if ((rc = config_get_long(&svc->cfg, "session-idle-seconds", 1, 86400 * 7, &idle, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "session-max-seconds", 1, 86400 * 31, &max_age, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "login-max-failures", 1, 1000, &failures, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "login-window-seconds", 1, 86400, &window, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "max-form-kb", 1, 16384, &form_kb, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "web-max-connections", 1, 10000, &conns, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "web-per-ip", 1, 10000, &per_ip, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "web-timeout-seconds", 1, 3600, &timeout, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "report-due-days", 0, 365, &due, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "action-timeout-ms", 100, 600000, &action_ms, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "action-follow-ms", 0, 60000, &follow_ms, st)) < 0 ||
	    (rc = dashboard_tls(d, st)) < 0 || (rc = dashboard_sso(d, st)) < 0 ||
	    (rc = dashboard_setting_yes(svc, "cookie-secure", d->https, &d->cookie_secure, st)) < 0 ||
	    (rc = dashboard_setting_yes(svc, "govuk-fonts", false, &d->govuk_fonts, st)) < 0)
		return rc;
	d->session = (struct session_limits){idle * 1000, max_age * 1000};
	ratelimit_init(&d->login_users, (unsigned)failures, window * 1000);
	ratelimit_init(&d->login_ips, (unsigned)failures * 4, window * 1000);
	d->report_due_days = (int)due;
	d->action_timeout_ms = (int)action_ms;
	d->action_follow_ms = (int)follow_ms;
	d->as_of = -1;
	const char *as_of = service_setting(svc, "as-of");
	if (as_of[0] && date_parse(as_of, &d->as_of) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "as-of \"%s\" is not a date", as_of);
	snprintf(d->static_dir, sizeof d->static_dir, "%s", service_setting(svc, "static-dir"));
	struct web_limits lim = {
		.max_body = (size_t)form_kb << 10,
		/* the request head (with its cookies) must fit; what it leaves is MHD's buffer */
		.connection_memory = 32 << 10,
		.max_connections = (unsigned)conns,
		.per_ip = (unsigned)per_ip,
		.timeout_s = (unsigned)timeout,
	};
	return web_start(&d->web, &svc->loop, service_setting(svc, "web"), &lim,
			 d->https ? &d->tls : NULL, dash_handle, d, st);
}

static int dashboard_prune_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct dashboard *d = ctx;
	size_t n;
	int rc = accounts_sessions_prune(d, txn, date_now_ms(), &n, st);
	d->stats.sessions_pruned += n;
	return rc;
}

static void dashboard_on_prune(uv_timer_t *t)
{
	struct dashboard *d = t->data;
	struct status st;
	if (service_write(d->svc, dashboard_prune_txn, d, &st) < 0)
		log_warn("expired sessions not pruned", "error=%s", log_str(st.message));
}

static void dashboard_bind(struct dashboard *d, struct service *svc)
{
	d->svc = svc;
	for (int i = 0; i < DASH_DB_COUNT; i++)
		d->db[i] = svc->store.dbs[i];
	arena_init(&d->arena);
	arena_init(&d->page_arena);
}

static int dashboard_on_start(struct service *svc, struct status *st)
{
	struct dashboard *d = svc->impl;
	dashboard_bind(d, svc);
	int rc = dashboard_settings(d, st);
	if (rc < 0)
		return rc;
	if ((rc = dash_apply_start(d, st)) < 0)
		return rc;
	uv_timer_init(&svc->loop, &d->prune_timer);
	d->prune_timer.data = d;
	uv_timer_start(&d->prune_timer, dashboard_on_prune, 1000, 600000);
	log_info("web pages", "web=%s scheme=%s trusted_header=%s static_dir=%s",
		 log_str(service_setting(svc, "web")), d->https ? "https" : "http",
		 log_str(d->sso_header), log_str(d->static_dir));
	return 0;
}

static void dashboard_on_stop(struct service *svc)
{
	struct dashboard *d = svc->impl;
	web_stop(&d->web);
	tls_free(&d->tls);
	dash_apply_stop(d);
	if (d->prune_timer.data) {
		uv_timer_stop(&d->prune_timer);
		uv_close((uv_handle_t *)&d->prune_timer, NULL);
	}
	arena_free(&d->arena);
	arena_free(&d->page_arena);
}

static void dashboard_on_metrics(struct service *svc, struct http_response *res)
{
	const struct dashboard *d = svc->impl;
	const struct dashboard_stats *s = &d->stats;
	const struct web_stats *w = &d->web.stats;
	for (int i = 0; i < READMODEL_SOURCES; i++) {
		char name[64], help[96];
		snprintf(name, sizeof name, "n2gg_dashboard_%s_cursor", readmodel_source_names[i]);
		snprintf(help, sizeof help, "The %s's last event applied.", readmodel_source_names[i]);
		service_metric_u64(res, name, "gauge", help, d->subs[i].cursor);
	}
	service_metric_u64(res, "n2gg_dashboard_malformed_events_total", "counter",
			   "Events that could not be used (logged and skipped).", s->malformed_events);
	service_metric_u64(res, "n2gg_dashboard_web_requests_total", "counter",
			   "Web requests answered.", w->requests);
	service_metric_u64(res, "n2gg_dashboard_web_client_errors_total", "counter",
			   "Web requests answered 4xx.", w->status_4xx);
	service_metric_u64(res, "n2gg_dashboard_web_server_errors_total", "counter",
			   "Web requests answered 5xx.", w->status_5xx);
	service_metric_u64(res, "n2gg_dashboard_web_too_large_total", "counter",
			   "Web requests refused as too large (413).", w->too_large);
	service_metric_u64(res, "n2gg_dashboard_logins_total", "counter", "Successful sign-ins.",
			   s->logins);
	service_metric_u64(res, "n2gg_dashboard_login_failures_total", "counter",
			   "Sign-ins refused for a wrong name or password.", s->login_failures);
	service_metric_u64(res, "n2gg_dashboard_logins_throttled_total", "counter",
			   "Sign-ins refused for too many failures.", s->logins_throttled);
	service_metric_u64(res, "n2gg_dashboard_csrf_refused_total", "counter",
			   "Forms refused for a missing or wrong CSRF token.", s->csrf_refused);
	service_metric_u64(res, "n2gg_dashboard_sso_refused_total", "counter",
			   "Requests refused for a trusted header from an untrusted address or "
			   "naming no enabled account.",
			   s->sso_refused);
	service_metric_u64(res, "n2gg_dashboard_forbidden_total", "counter",
			   "Pages refused to a signed-in user (403).", s->forbidden);
	service_metric_u64(res, "n2gg_dashboard_sessions_expired_total", "counter",
			   "Sessions found past their idle or absolute timeout.", s->sessions_expired);
}

static int dashboard_command(struct service *svc)
{
	if (!service_setting(svc, "add-user")[0])
		return -1;
	struct dashboard *d = svc->impl;
	struct status st;
	status_clear(&st);
	long map_mb;
	int rc = config_get_long(&svc->cfg, "map-size-mb", 1, 1 << 20, &map_mb, &st);
	if (rc == 0)
		rc = store_open(&svc->store, service_setting(svc, "data-dir"), svc->desc->db_names,
				svc->desc->db_count, (size_t)map_mb << 20, &st);
	if (rc == 0) {
		dashboard_bind(d, svc);
		rc = accounts_add_user_command(d, &st);
		arena_free(&d->arena);
		arena_free(&d->page_arena);
		store_close(&svc->store);
	}
	if (rc < 0)
		fprintf(stderr, "n2gg-dashboard: %s\n", st.message);
	return rc < 0 ? 1 : 0;
}

/* A step that needs events an older store read without keeping: the source's log is read
 * again from the start (its identity still checked). Every effect of an event is a put or
 * delete of a whole record computed from the event alone, so reading events again over
 * what is kept ends in the same records, now with the ones skipped. */
static int dashboard_reread(struct service *svc, MDB_txn *txn, const char *source,
			    const char *what, struct status *st)
{
	log_info("reading the events again", "source=%s for=%s", source, what);
	return sub_rewind(txn, svc->store.dbs[DASH_DB_CURSORS], source, st);
}

/* Format 1 -> 2: the scheduler's partners and clusters' choices. 2 -> 3: the schools'
 * lines in the lists, made from the records already stored. 3 -> 4: the categoriser's
 * overdue monitoring returns. 4 -> 5: the registry's federations and partnerships. Its
 * log is mostly schools' events: read again, each puts the school's record as it was
 * then and rewrites its line from it (and the category and allocations as they are now),
 * so a line is out of date only until the school's last event, which puts the record and
 * the line as they were before the step. */
static int dashboard_migrate_store(struct service *svc, MDB_txn *txn, unsigned from,
				   struct status *st)
{
	switch (from) {
	case 1: return dashboard_reread(svc, txn, "scheduler", "partners_and_choices", st);
	case 2: return dash_lines_rebuild(svc->store.dbs, txn, st);
	case 3: return dashboard_reread(svc, txn, "categoriser", "overdue_returns", st);
	case 4: return dashboard_reread(svc, txn, "registry", "groups", st);
	default: return 0;
	}
}

/* Each source's records are its own: a resync of one empties only what it built. The
 * schools' lines are made from three sources' records: they go with the registry's, and a
 * resync of the categoriser or the scheduler reads the registry's events again too, so
 * every line is rebuilt from what the records are after it. */
#define DASH_SOURCES(...) (const char *const[]){__VA_ARGS__, NULL}
#define DASH_DBS(...) (const int[]){__VA_ARGS__, -1}
static const struct service_resync dashboard_resync[] = {
	{"registry", DASH_SOURCES("registry"),
	 DASH_DBS(DASH_DB_SCHOOLS, DASH_DB_CLUSTERS, DASH_DB_COMPARATORS, DASH_DB_SCHOOL_LINES,
		  DASH_DB_GROUPS)},
	{"categoriser", DASH_SOURCES("categoriser", "registry"),
	 DASH_DBS(DASH_DB_CATEGORIES, DASH_DB_CATEGORY_HISTORY, DASH_DB_MONITORING_OVERDUE)},
	{"scheduler", DASH_SOURCES("scheduler", "registry"),
	 DASH_DBS(DASH_DB_ALLOCATIONS, DASH_DB_VISITS, DASH_DB_VISIT_REPORTS, DASH_DB_PARTNERS,
		  DASH_DB_CLUSTER_CHOICES)},
	{"notifier", DASH_SOURCES("notifier"),
	 DASH_DBS(DASH_DB_NOTICES, DASH_DB_DELIVERIES, DASH_DB_MI_SHEETS, DASH_DB_MI_RESPONSES)},
};

static const struct service_desc dashboard_desc = {
	.name = "dashboard",
	.summary = "N2GG dashboard: the Norfolk Schools Dashboard, web pages for officers and "
		   "partners.",
	.default_api = "tcp://127.0.0.1:7500",
	.default_events = "tcp://127.0.0.1:7501",
	.default_http = "127.0.0.1:7509",
	.db_names = dash_db_names,
	.db_count = DASH_DB_COUNT,
	/* Format 2: partners and clusters' CEP choices, from the scheduler's events. A format-1
	 * store read the scheduler's log without keeping them: it is read again. Format 3: the
	 * schools' lines in the lists (summary.h), made from the stored records (see
	 * dashboard_migrate_store). Format 4: overdue monitoring returns, from the
	 * categoriser's events, which a format-3 store read without keeping: read again.
	 * Format 5: federations and partnerships, from the registry's events, which a format-4
	 * store read without keeping: read again. Each new database is created empty when the
	 * store opens (dash_db_names). */
	.store_format = 5,
	.migrate_store = dashboard_migrate_store,
	.extra_options = dashboard_options,
	.extra_count = sizeof dashboard_options / sizeof dashboard_options[0],
	.cursor_db = DASH_DB_CURSORS,
	.resync = dashboard_resync,
	.resync_count = sizeof dashboard_resync / sizeof dashboard_resync[0],
	.command = dashboard_command,
	.on_start = dashboard_on_start,
	.on_stop = dashboard_on_stop,
	.on_metrics = dashboard_on_metrics,
};

int main(int argc, char **argv)
{
	return service_main(&dashboard_desc, &dashboard, argc, argv);
}
