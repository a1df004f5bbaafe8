/* service: the process skeleton shared by every service (see service.h). */
#include "service.h"

#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/random.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "date.h"
#include "log.h"
#include "role.h"
#include "sub.h"

#define SERVICE_COMMON_OPTIONS 17

const char *service_setting(const struct service *svc, const char *name)
{
	return config_get(&svc->cfg, name);
}

struct service_write_ctx {
	struct service *svc;
	store_write_fn fn;
	void *ctx;
};

static int service_write_attempt(void *ctx, MDB_txn *txn, struct status *st)
{
	struct service_write_ctx *w = ctx;
	eventlog_aborted(&w->svc->log);   /* a retried attempt starts clean */
	return w->fn(w->ctx, txn, st);
}

int service_write(struct service *svc, store_write_fn fn, void *ctx, struct status *st)
{
	struct service_write_ctx w = {svc, fn, ctx};
	int rc = store_write(&svc->store, service_write_attempt, &w, st);
	if (rc < 0) {
		eventlog_aborted(&svc->log);
	} else {
		eventlog_committed(&svc->log);
		pub_flush(&svc->pub, &svc->log);
	}
	return rc;
}

char *service_read_file(const char *path, size_t *len, struct status *st)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		status_fail(st, STATUS_FAILED_PRECONDITION, "cannot read %s: %s", path,
			    strerror(errno));
		return NULL;
	}
	size_t cap = 65536, n = 0, got;
	char *buf = malloc(cap + 1);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *grown = realloc(buf, cap * 2 + 1);
			if (!grown) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
	}
	bool failed = ferror(f);
	fclose(f);
	if (!buf || failed) {
		free(buf);
		status_fail(st, buf ? STATUS_FAILED_PRECONDITION : STATUS_INTERNAL,
			    "cannot read %s", path);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/* ---- health, readiness and metrics over HTTP ---- */

void service_follow(struct service *svc, const char *source, struct sub *s)
{
	if (svc->upstream_count < SERVICE_MAX_UPSTREAMS)
		svc->upstreams[svc->upstream_count++] = (struct service_upstream){source, s};
}

static bool service_upstream_following(const struct service_upstream *u)
{
	return u->sub->loop != NULL;
}

static uint64_t service_upstream_lag(const struct service_upstream *u)
{
	const struct sub *s = u->sub;
	return s->known_head > s->cursor ? s->known_head - s->cursor : 0;
}

/* Heard from recently: its heartbeats (every --heartbeat-ms, as ours) keep coming. */
static long service_silence_limit_ms(const struct service *svc)
{
	return svc->ready_silence_ms > 0 ? svc->ready_silence_ms : 3 * svc->heartbeat_ms;
}

static bool service_upstream_connected(const struct service *svc, const struct service_upstream *u,
				       long long now)
{
	const struct sub *s = u->sub;
	return service_upstream_following(u) && s->last_heard_ms > 0 &&
	       now - s->last_heard_ms <= service_silence_limit_ms(svc);
}

size_t service_not_ready(const struct service *svc, long long now,
			 char reasons[][SERVICE_REASON_LEN], size_t max)
{
	size_t n = 0;
	if (!svc->store.env && n < max)
		snprintf(reasons[n++], SERVICE_REASON_LEN, "the store is not open");
	if (svc->stopping && n < max)
		snprintf(reasons[n++], SERVICE_REASON_LEN, "stopping");
	for (size_t i = 0; i < svc->upstream_count && n < max; i++) {
		const struct service_upstream *u = &svc->upstreams[i];
		const struct sub *s = u->sub;
		uint64_t lag = service_upstream_lag(u);
		if (!service_upstream_following(u))
			snprintf(reasons[n++], SERVICE_REASON_LEN, "%s: not followed yet", u->source);
		else if (s->halted)
			snprintf(reasons[n++], SERVICE_REASON_LEN, "%s: stopped following: %s",
				 u->source, s->halt_reason);
		else if (!s->last_heard_ms)
			snprintf(reasons[n++], SERVICE_REASON_LEN, "%s: not heard from yet", u->source);
		else if (!service_upstream_connected(svc, u, now))
			snprintf(reasons[n++], SERVICE_REASON_LEN,
				 "%s: not heard from for %lld ms (more than %ld)", u->source,
				 now - (long long)s->last_heard_ms, service_silence_limit_ms(svc));
		else if (lag > (uint64_t)svc->ready_max_lag)
			snprintf(reasons[n++], SERVICE_REASON_LEN,
				 "%s: %llu events behind (more than --ready-max-lag %ld)", u->source,
				 (unsigned long long)lag, svc->ready_max_lag);
	}
	return n;
}

/* systemd's view of readiness: the same reasons as /readyz, on one line for STATUS=. */
static bool service_notify_check(void *ctx, char *status, size_t len)
{
	struct service *svc = ctx;
	char reasons[SERVICE_MAX_UPSTREAMS + 2][SERVICE_REASON_LEN];
	size_t n = service_not_ready(svc, date_now_ms(), reasons, SERVICE_MAX_UPSTREAMS + 2);
	if (!n) {
		snprintf(status, len, "ready: %zu upstream(s) caught up, event log at %llu",
			 svc->upstream_count, (unsigned long long)svc->log.head);
		return true;
	}
	size_t used = (size_t)snprintf(status, len, "not ready: ");
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(status + used, len - used, "%s%s", i ? "; " : "", reasons[i]);
	return false;
}

static void service_json_string(struct http_response *res, const char *s)
{
	http_appendf(res, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			http_appendf(res, "\\%c", *p);
		else if (*p < 0x20)
			http_appendf(res, "\\u%04x", *p);
		else
			http_appendf(res, "%c", *p);
	}
	http_appendf(res, "\"");
}

static void service_json_reasons(struct http_response *res, char reasons[][SERVICE_REASON_LEN],
				 size_t n)
{
	http_appendf(res, "[");
	for (size_t i = 0; i < n; i++) {
		http_appendf(res, "%s", i ? "," : "");
		service_json_string(res, reasons[i]);
	}
	http_appendf(res, "]");
}

static void service_http_readyz(struct service *svc, struct http_response *res)
{
	char reasons[SERVICE_MAX_UPSTREAMS + 2][SERVICE_REASON_LEN];
	size_t n = service_not_ready(svc, date_now_ms(), reasons, SERVICE_MAX_UPSTREAMS + 2);
	res->content_type = "application/json";
	res->status = n ? 503 : 200;
	http_appendf(res, "{\"service\":\"%s\",\"ready\":%s,\"not_ready\":", svc->desc->name,
		     n ? "false" : "true");
	service_json_reasons(res, reasons, n);
	http_appendf(res, "}\n");
}

static void service_http_health(struct service *svc, struct http_response *res)
{
	long long now = date_now_ms();
	char reasons[SERVICE_MAX_UPSTREAMS + 2][SERVICE_REASON_LEN];
	size_t n = service_not_ready(svc, now, reasons, SERVICE_MAX_UPSTREAMS + 2);
	res->content_type = "application/json";
	res->status = svc->stopping ? 503 : 200;
	http_appendf(res,
		     "{\"service\":\"%s\",\"status\":\"%s\",\"version\":\"%s\",\"head_seq\":%llu,"
		     "\"started_unix_ms\":%lld,\"ready\":%s,\"not_ready\":",
		     svc->desc->name, svc->stopping ? "stopping" : "ok", N2GG_VERSION,
		     (unsigned long long)svc->log.head, svc->started_ms, n ? "false" : "true");
	service_json_reasons(res, reasons, n);
	http_appendf(res, ",\"upstreams\":[");
	for (size_t i = 0; i < svc->upstream_count; i++) {
		const struct service_upstream *u = &svc->upstreams[i];
		const struct sub *s = u->sub;
		bool following = service_upstream_following(u);
		http_appendf(res, "%s{\"source\":", i ? "," : "");
		service_json_string(res, u->source);
		http_appendf(res, ",\"following\":%s", following ? "true" : "false");
		if (following) {
			http_appendf(res,
				     ",\"cursor\":%llu,\"known_head\":%llu,\"lag\":%llu,"
				     "\"connected\":%s,\"last_heard_unix_ms\":%lld",
				     (unsigned long long)s->cursor, (unsigned long long)s->known_head,
				     (unsigned long long)service_upstream_lag(u),
				     service_upstream_connected(svc, u, now) ? "true" : "false",
				     (long long)s->last_heard_ms);
			if (s->last_heard_ms)
				http_appendf(res, ",\"last_heard_ms_ago\":%lld",
					     now - (long long)s->last_heard_ms);
			if (s->halted) {
				http_appendf(res, ",\"halted\":");
				service_json_string(res, s->halt_reason);
			}
		}
		http_appendf(res, "}");
	}
	http_appendf(res, "]}\n");
}

/* The Health method's reply gets the same readiness and upstreams (api.c calls this). */
static void service_on_health(void *service, N2gg__V1__HealthReply *reply, struct arena *a)
{
	struct service *svc = service;
	long long now = date_now_ms();
	char reasons[SERVICE_MAX_UPSTREAMS + 2][SERVICE_REASON_LEN];
	size_t n = service_not_ready(svc, now, reasons, SERVICE_MAX_UPSTREAMS + 2);
	reply->ready = n == 0;
	reply->n_not_ready = n;
	reply->not_ready = n ? arena_alloc(a, n * sizeof *reply->not_ready) : NULL;
	for (size_t i = 0; i < n; i++)
		reply->not_ready[i] = arena_strdup(a, reasons[i]);
	reply->n_upstreams = svc->upstream_count;
	reply->upstreams = svc->upstream_count
				   ? arena_alloc(a, svc->upstream_count * sizeof *reply->upstreams)
				   : NULL;
	for (size_t i = 0; i < svc->upstream_count; i++) {
		const struct service_upstream *u = &svc->upstreams[i];
		const struct sub *s = u->sub;
		N2gg__V1__UpstreamStatus *up = arena_message(a, &n2gg__v1__upstream_status__descriptor);
		up->source = (char *)u->source;
		up->following = service_upstream_following(u);
		if (up->following) {
			up->cursor = s->cursor;
			up->known_head = s->known_head;
			up->last_heard_unix_ms = s->last_heard_ms;
			up->connected = service_upstream_connected(svc, u, now);
			if (s->halted)
				up->halted = arena_strdup(a, s->halt_reason);
		}
		reply->upstreams[i] = up;
	}
}

/* Request latency: bucket bounds in seconds, as Prometheus's defaults but finer below 5 ms,
 * where most requests of a batched, in-memory-mapped store land. */
static const double service_latency_bounds[SERVICE_LATENCY_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
	0.025,  0.05,    0.1,    0.25,  0.5,    1,     5,
};
static const char *const service_builtin_methods[] = {"ReadEvents", "Health"};
#define SERVICE_BUILTIN_METHODS 2

static const char *service_method_name(const struct service *svc, size_t i)
{
	return i < SERVICE_BUILTIN_METHODS ? service_builtin_methods[i]
					   : svc->desc->methods[i - SERVICE_BUILTIN_METHODS].name;
}

static void service_on_served(void *service, const char *method, double seconds, int code)
{
	(void)code;
	struct service *svc = service;
	size_t count = SERVICE_BUILTIN_METHODS + svc->desc->method_count;
	if (!method || !svc->latency)
		return;   /* an unknown method is not measured: its name is the caller's */
	for (size_t i = 0; i < count; i++) {
		const char *name = service_method_name(svc, i);
		if (name != method && strcmp(name, method) != 0)
			continue;
		struct service_latency *h = &svc->latency[i];
		size_t b = 0;
		while (b < SERVICE_LATENCY_BUCKETS && seconds > service_latency_bounds[b])
			b++;
		h->buckets[b]++;
		h->count++;
		h->sum_seconds += seconds;
		return;
	}
}

void service_metric_family(struct http_response *res, const char *name, const char *type,
			   const char *help)
{
	http_appendf(res, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void service_metric_u64(struct http_response *res, const char *name, const char *type,
			const char *help, unsigned long long value)
{
	service_metric_family(res, name, type, help);
	http_appendf(res, "%s %llu\n", name, value);
}

void service_metric_f64(struct http_response *res, const char *name, const char *type,
			const char *help, double value)
{
	service_metric_family(res, name, type, help);
	http_appendf(res, "%s %.17g\n", name, value);
}

/* One sample labelled with the service's name. */
static void service_metric(struct http_response *res, const struct service *svc,
			   const char *name, const char *type, const char *help,
			   unsigned long long value)
{
	service_metric_family(res, name, type, help);
	http_appendf(res, "%s{service=\"%s\"} %llu\n", name, svc->desc->name, value);
}

static void service_metrics_process(struct service *svc, struct http_response *res)
{
	const char *n = svc->desc->name;
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long size = 0, resident = 0, fds = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%llu %llu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	DIR *d = opendir("/proc/self/fd");
	if (d) {
		for (struct dirent *e; (e = readdir(d));)
			fds += e->d_name[0] != '.';
		closedir(d);
		fds--;   /* the directory's own descriptor */
	}
	struct rlimit lim;
	service_metric(res, svc, "n2gg_process_resident_memory_bytes", "gauge",
		       "Resident memory of the process.", resident * (unsigned long long)page);
	service_metric(res, svc, "n2gg_process_virtual_memory_bytes", "gauge",
		       "Virtual memory of the process.", size * (unsigned long long)page);
	service_metric(res, svc, "n2gg_process_open_fds", "gauge",
		       "Open file descriptors (ZeroMQ, LMDB, HTTP connections, files).", fds);
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
		service_metric(res, svc, "n2gg_process_max_fds", "gauge",
			       "The most file descriptors the process may open.",
			       (unsigned long long)lim.rlim_cur);
	service_metric_family(res, "n2gg_process_start_time_seconds", "gauge",
			      "When the process started, in seconds since the Unix epoch.");
	http_appendf(res, "n2gg_process_start_time_seconds{service=\"%s\"} %.3f\n", n,
		     (double)svc->started_ms / 1000.0);
	service_metric_family(res, "n2gg_build_info", "gauge", "The running version (always 1).");
	http_appendf(res, "n2gg_build_info{service=\"%s\",version=\"%s\"} 1\n", n, N2GG_VERSION);
}

static void service_metrics_store(struct service *svc, struct http_response *res)
{
	MDB_envinfo info = {0};
	MDB_stat env = {0};
	if (svc->store.env) {
		mdb_env_info(svc->store.env, &info);
		mdb_env_stat(svc->store.env, &env);
	}
	service_metric(res, svc, "n2gg_store_map_bytes", "gauge",
		       "The LMDB map size: the most the store may hold before it grows.",
		       (unsigned long long)(info.me_mapsize ? info.me_mapsize : svc->store.map_size));
	service_metric(res, svc, "n2gg_store_used_bytes", "gauge",
		       "Pages of the LMDB map in use (up to the last page written).",
		       (unsigned long long)(info.me_last_pgno + 1) * env.ms_psize);
	service_metric(res, svc, "n2gg_store_map_grows_total", "counter",
		       "Times the LMDB map was full and grew.",
		       (unsigned long long)svc->store.grow_count);
	service_metric(res, svc, "n2gg_store_readers", "gauge",
		       "LMDB reader slots in use.", (unsigned long long)info.me_numreaders);
	/* the map grows into the filesystem under it: an alert wants both, from one scrape */
	struct statvfs fs;
	if (statvfs(config_get(&svc->cfg, "data-dir"), &fs) == 0) {
		service_metric(res, svc, "n2gg_store_filesystem_size_bytes", "gauge",
			       "Size of the filesystem that holds the store.",
			       (unsigned long long)fs.f_blocks * fs.f_frsize);
		service_metric(res, svc, "n2gg_store_filesystem_avail_bytes", "gauge",
			       "Space the service may still use on the store's filesystem.",
			       (unsigned long long)fs.f_bavail * fs.f_frsize);
	}
}

/* The per-upstream metric families, each one sample per upstream. */
enum service_upstream_metric {
	UPM_FOLLOWING, UPM_CURSOR, UPM_KNOWN_HEAD, UPM_LAG, UPM_CONNECTED, UPM_HALTED,
	UPM_LAST_HEARD, UPM_APPLIED, UPM_LIVE, UPM_DUPLICATES, UPM_GAPS, UPM_FETCHES,
	UPM_HEARTBEATS, UPM_MALFORMED, UPM_COUNT
};

static const struct {
	const char *name, *type, *help;
} service_upstream_metrics[UPM_COUNT] = {
	[UPM_FOLLOWING] = {"n2gg_upstream_following", "gauge",
			   "1 once the upstream's events are followed."},
	[UPM_CURSOR] = {"n2gg_upstream_cursor", "gauge", "The upstream's last event applied here."},
	[UPM_KNOWN_HEAD] = {"n2gg_upstream_known_head", "gauge",
			    "The upstream's highest event number heard of."},
	[UPM_LAG] = {"n2gg_upstream_lag_events", "gauge",
		     "Events of the upstream heard of but not applied yet."},
	[UPM_CONNECTED] = {"n2gg_upstream_connected", "gauge",
			   "1 while the upstream was heard from within a few heartbeats."},
	[UPM_HALTED] = {"n2gg_upstream_halted", "gauge",
			"1 when following stopped: the upstream's log is not the one followed."},
	[UPM_LAST_HEARD] = {"n2gg_upstream_last_heard_timestamp_seconds", "gauge",
			    "When the upstream was last heard from (0: never), seconds since the "
			    "Unix epoch."},
	[UPM_APPLIED] = {"n2gg_upstream_events_applied_total", "counter",
			 "Upstream events applied."},
	[UPM_LIVE] = {"n2gg_upstream_live_events_total", "counter",
		      "Upstream events received live (published)."},
	[UPM_DUPLICATES] = {"n2gg_upstream_duplicates_total", "counter",
			    "Live events dropped as already applied."},
	[UPM_GAPS] = {"n2gg_upstream_gaps_total", "counter",
		      "Gaps in the live events, filled from ReadEvents."},
	[UPM_FETCHES] = {"n2gg_upstream_fetches_total", "counter",
			 "ReadEvents calls made to the upstream."},
	[UPM_HEARTBEATS] = {"n2gg_upstream_heartbeats_total", "counter",
			    "Heartbeats received from the upstream."},
	[UPM_MALFORMED] = {"n2gg_upstream_malformed_total", "counter",
			   "Live messages from the upstream that did not unpack."},
};

/* Every value fits a double exactly (counts below 2^53; the timestamp to the millisecond). */
static void service_upstream_values(struct service *svc, const struct service_upstream *u,
				    long long now, double v[UPM_COUNT])
{
	const struct sub *s = u->sub;
	v[UPM_FOLLOWING] = service_upstream_following(u);
	v[UPM_CURSOR] = (double)s->cursor;
	v[UPM_KNOWN_HEAD] = (double)s->known_head;
	v[UPM_LAG] = (double)service_upstream_lag(u);
	v[UPM_CONNECTED] = service_upstream_connected(svc, u, now);
	v[UPM_HALTED] = s->halted;
	v[UPM_LAST_HEARD] = (double)s->last_heard_ms / 1000.0;
	v[UPM_APPLIED] = (double)s->stats.applied;
	v[UPM_LIVE] = (double)s->stats.live;
	v[UPM_DUPLICATES] = (double)s->stats.duplicates;
	v[UPM_GAPS] = (double)s->stats.gaps;
	v[UPM_FETCHES] = (double)s->stats.fetches;
	v[UPM_HEARTBEATS] = (double)s->stats.heartbeats;
	v[UPM_MALFORMED] = (double)s->stats.malformed;
}

static void service_metrics_upstreams(struct service *svc, struct http_response *res)
{
	long long now = date_now_ms();
	char reasons[SERVICE_MAX_UPSTREAMS + 2][SERVICE_REASON_LEN];
	service_metric(res, svc, "n2gg_ready", "gauge",
		       "1 when /readyz answers 200: store open, upstreams heard from and caught up.",
		       service_not_ready(svc, now, reasons, SERVICE_MAX_UPSTREAMS + 2) == 0);
	if (!svc->upstream_count)
		return;
	double values[SERVICE_MAX_UPSTREAMS][UPM_COUNT];
	for (size_t i = 0; i < svc->upstream_count; i++)
		service_upstream_values(svc, &svc->upstreams[i], now, values[i]);
	for (int m = 0; m < UPM_COUNT; m++) {
		const char *family = service_upstream_metrics[m].name;
		service_metric_family(res, family, service_upstream_metrics[m].type,
				      service_upstream_metrics[m].help);
		for (size_t i = 0; i < svc->upstream_count; i++)
			http_appendf(res, "%s{service=\"%s\",upstream=\"%s\"} %.15g\n", family,
				     svc->desc->name, svc->upstreams[i].source, values[i][m]);
	}
}

static void service_metrics_latency(struct service *svc, struct http_response *res)
{
	const char *name = "n2gg_request_duration_seconds";
	service_metric_family(res, name, "histogram",
			      "Time from a request's arrival to its reply, by method.");
	if (!svc->latency)
		return;
	for (size_t i = 0; i < SERVICE_BUILTIN_METHODS + svc->desc->method_count; i++) {
		const struct service_latency *h = &svc->latency[i];
		const char *method = service_method_name(svc, i);
		if (!h->count)
			continue;   /* methods never called: no series, so /metrics stays short */
		unsigned long long cumulative = 0;
		for (size_t b = 0; b < SERVICE_LATENCY_BUCKETS; b++) {
			cumulative += h->buckets[b];
			http_appendf(res, "%s_bucket{service=\"%s\",method=\"%s\",le=\"%g\"} %llu\n",
				     name, svc->desc->name, method, service_latency_bounds[b],
				     cumulative);
		}
		http_appendf(res, "%s_bucket{service=\"%s\",method=\"%s\",le=\"+Inf\"} %llu\n", name,
			     svc->desc->name, method, (unsigned long long)h->count);
		http_appendf(res, "%s_sum{service=\"%s\",method=\"%s\"} %.9f\n", name,
			     svc->desc->name, method, h->sum_seconds);
		http_appendf(res, "%s_count{service=\"%s\",method=\"%s\"} %llu\n", name,
			     svc->desc->name, method, (unsigned long long)h->count);
	}
}

static void service_http_metrics(struct service *svc, struct http_response *res)
{
	const struct api_stats *a = &svc->api.stats;
	const struct zap_stats *z = &svc->zap.stats;
	const struct http_server *h = &svc->http;
	res->content_type = "text/plain; version=0.0.4";
	service_metric(res, svc, "n2gg_requests_total", "counter", "API requests received.",
		       a->requests);
	service_metric(res, svc, "n2gg_request_errors_total", "counter",
		       "API requests answered with a status other than OK.", a->errors);
	service_metric(res, svc, "n2gg_requests_malformed_total", "counter",
		       "API requests that were not a valid request message.", a->malformed);
	service_metric(res, svc, "n2gg_requests_replayed_total", "counter",
		       "Retried writing requests answered with their first reply.", a->replayed);
	service_metric(res, svc, "n2gg_batches_total", "counter",
		       "Batches of requests served together.", a->batches);
	service_metric(res, svc, "n2gg_commits_total", "counter",
		       "Write transactions of request batches committed.", a->commits);
	service_metric(res, svc, "n2gg_events_head_seq", "gauge",
		       "The number of the last event in this service's log.", svc->log.head);
	service_metric(res, svc, "n2gg_events_published_total", "counter",
		       "Events published on the event socket.", svc->pub.published);
	service_metrics_store(svc, res);
	service_metric(res, svc, "n2gg_requests_denied_total", "counter",
		       "Requests refused: the principal lacks the method's role.", a->denied);
	service_metric(res, svc, "n2gg_requests_unauthenticated_total", "counter",
		       "Requests refused: the key is no longer authorised.", a->unauthenticated);
	service_metric(res, svc, "n2gg_handshakes_admitted_total", "counter",
		       "CURVE handshakes admitted.", z->admitted);
	service_metric_family(res, "n2gg_handshakes_refused_total", "counter",
			      "CURVE handshakes refused, by reason.");
	const struct {
		const char *reason;
		uint64_t count;
	} refused[] = {{"unknown_key", z->refused_unknown_key},
		       {"role", z->refused_role},
		       {"mechanism", z->refused_mechanism},
		       {"protocol", z->refused_protocol}};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
		http_appendf(res, "n2gg_handshakes_refused_total{service=\"%s\",reason=\"%s\"} %llu\n",
			     svc->desc->name, refused[i].reason, (unsigned long long)refused[i].count);
	service_metric(res, svc, "n2gg_authorized_keys", "gauge",
		       "Principals in the authorised keys.", svc->keyring.count);
	service_metric(res, svc, "n2gg_authorized_keys_reloads_total", "counter",
		       "Times the authorised keys were read.", svc->keyring_reloads);
	service_metric(res, svc, "n2gg_curve_enabled", "gauge",
		       "1 when every socket uses CURVE (0: --insecure-plaintext).",
		       !svc->curve.plaintext);
	service_metric(res, svc, "n2gg_http_open_connections", "gauge",
		       "Connections open on this HTTP port.", h->open_connections);
	service_metric(res, svc, "n2gg_http_connections_total", "counter",
		       "Connections accepted on this HTTP port.", h->connections);
	service_metric(res, svc, "n2gg_http_timeouts_total", "counter",
		       "HTTP connections closed at their deadline.", h->timeouts);
	service_metric(res, svc, "n2gg_http_rejected_total", "counter",
		       "HTTP connections closed to stay within the connection cap.", h->rejected);
	service_metric(res, svc, "n2gg_http_bad_requests_total", "counter",
		       "HTTP requests answered 400, 413, 414 or 431.", h->bad_requests);
	service_metric(res, svc, "n2gg_zmq_disconnects_total", "counter",
		       "ZeroMQ connections closed by peers.", z->disconnects);
	service_metric(res, svc, "n2gg_memory_trims_total", "counter",
		       "Times freed memory was handed back to the system.", svc->memory_trims);
	service_metrics_process(svc, res);
	service_metrics_upstreams(svc, res);
	service_metrics_latency(svc, res);
	if (svc->desc->on_metrics)
		svc->desc->on_metrics(svc, res);
}

static void service_http(void *ctx, const char *method, const char *path,
			 struct http_response *res)
{
	struct service *svc = ctx;
	if (strcmp(method, "GET") != 0) {
		res->status = 405;
		http_appendf(res, "only GET\n");
	} else if (strcmp(path, "/healthz") == 0) {
		/* alive: answering at all is the whole answer */
		http_appendf(res, "ok\n");
	} else if (strcmp(path, "/readyz") == 0) {
		service_http_readyz(svc, res);
	} else if (strcmp(path, "/health") == 0) {
		service_http_health(svc, res);
	} else if (strcmp(path, "/metrics") == 0) {
		service_http_metrics(svc, res);
	} else {
		res->status = 404;
		http_appendf(res, "not found: try /healthz, /readyz, /health or /metrics\n");
	}
}

static void service_stop(struct service *svc, const char *why)
{
	if (svc->stopping)
		return;
	svc->stopping = 1;
	log_info("stopping", "signal=%s head_seq=%llu", why, (unsigned long long)svc->log.head);
	sdnotify_stopping(&svc->sdnotify, why);
	/* no new requests; a batch, once started, runs to its commit before we get here */
	api_server_stop(&svc->api);
	if (svc->desc->on_stop)
		svc->desc->on_stop(svc);
	pub_close(&svc->pub);
	http_server_close(&svc->http);
	uv_close((uv_handle_t *)&svc->sigterm, NULL);
	uv_close((uv_handle_t *)&svc->sigint, NULL);
	uv_close((uv_handle_t *)&svc->sighup, NULL);
	uv_close((uv_handle_t *)&svc->housekeeping_timer, NULL);
	zap_stop(&svc->zap);
}

/* Each ZeroMQ connection takes buffers of some 20 KiB (CURVE's included) that glibc keeps
 * when they are freed: 1,000 connections opened and closed left a service 40 MB larger,
 * and repeated floods pushed it further (8 MB -> 85 MB over three rounds), though nothing
 * leaked (malloc_trim brought it back to 9 MB). So after a burst of disconnects the free
 * memory is handed back to the system. */
#define SERVICE_TRIM_MS 5000
#define SERVICE_PRUNE_EVERY 12      /* trim ticks: once a minute, requests past retention */
#define SERVICE_PRUNE_MAX 20000     /* at most this many in one transaction */

struct service_prune {
	const struct idem *idem;
	size_t pruned;
};

static int service_prune_requests(void *ctx, MDB_txn *txn, struct status *st)
{
	struct service_prune *p = ctx;
	return idem_prune(p->idem, txn, date_now_ms(), SERVICE_PRUNE_MAX, &p->pruned, st);
}
#define SERVICE_TRIM_AFTER_DISCONNECTS 64

static void service_on_housekeeping(uv_timer_t *t)
{
	struct service *svc = t->data;
	if (++svc->timer_ticks % SERVICE_PRUNE_EVERY == 0) {
		struct service_prune prune = {&svc->api.idem, 0};
		struct status st;
		if (service_write(svc, service_prune_requests, &prune, &st) < 0)
			log_warn("pruning old request ids failed", "error=%s", log_str(st.message));
		else if (prune.pruned)
			log_debug("old request ids pruned", "count=%zu", prune.pruned);
	}
	if (svc->zap.stats.disconnects - svc->trimmed_at_disconnects < SERVICE_TRIM_AFTER_DISCONNECTS)
		return;
	svc->trimmed_at_disconnects = svc->zap.stats.disconnects;
	malloc_trim(0);
	svc->memory_trims++;
}

static void service_on_signal(uv_signal_t *h, int signum)
{
	service_stop(h->data, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static int service_load_keys(struct service *svc, struct status *st)
{
	const char *dir = config_get(&svc->cfg, "authorized-keys");
	int rc = keyring_load(&svc->keyring, dir, st);
	if (rc < 0)
		return rc;
	svc->keyring_reloads++;
	log_info("authorised keys loaded", "dir=%s principals=%zu left_out=%zu", log_str(dir),
		 svc->keyring.count, svc->keyring.skipped);
	return 0;
}

/* SIGHUP: read the authorised keys again. A request from a key no longer there is refused
 * from now on (the API looks every request's key up); a new key is admitted at its next
 * handshake. Services with files of their own to re-read watch SIGHUP too. */
/* Whether a principal that could subscribe to events under `before` cannot any more. */
static bool service_events_reader_revoked(const struct principal *before, size_t count,
					  const struct keyring *now)
{
	for (size_t i = 0; i < count; i++) {
		if (!role_allows(before[i].roles, ROLE_SERVICE))
			continue;
		const struct principal *p = keyring_find(now, before[i].key);
		if (!p || !role_allows(p->roles, ROLE_SERVICE))
			return true;
	}
	return false;
}

/* PUB has no per-request check: a subscriber admitted at its handshake would go on
 * receiving. So when a key that could read events is revoked, the event endpoint is bound
 * anew, which drops every subscriber; the authorised ones reconnect through ZAP at once and
 * fill the gap from ReadEvents, the revoked one is refused. */
static void service_drop_subscribers(struct service *svc)
{
	const char *endpoint = config_get(&svc->cfg, "events");
	if (zmq_unbind(svc->pub.socket, endpoint) != 0) {
		log_error("cannot drop the event subscribers", "error=%s",
			  log_str(zmq_strerror(zmq_errno())));
		return;
	}
	/* the old listener closes on libzmq's I/O thread: its port may stay busy a moment */
	for (int attempt = 0; attempt < 200; attempt++) {
		if (zmq_bind(svc->pub.socket, endpoint) == 0) {
			log_info("event subscribers dropped: a key that could read events was revoked",
				 "events=%s", endpoint);
			return;
		}
		if (zmq_errno() != EADDRINUSE)
			break;
		uv_sleep(5);
	}
	log_error("cannot bind the event socket again", "events=%s error=%s", log_str(endpoint),
		  log_str(zmq_strerror(zmq_errno())));
}

static void service_on_sighup(uv_signal_t *h, int signum)
{
	(void)signum;
	struct service *svc = h->data;
	struct status st;
	if (svc->curve.plaintext)
		return;
	size_t count = svc->keyring.count;
	struct principal *before = count ? malloc(count * sizeof *before) : NULL;
	if (count && !before)
		return;
	if (count)
		memcpy(before, svc->keyring.items, count * sizeof *before);
	if (service_load_keys(svc, &st) < 0)
		log_error("authorised keys not reloaded; the previous set stays", "error=%s",
			  log_str(st.message));
	else if (service_events_reader_revoked(before, count, &svc->keyring))
		service_drop_subscribers(svc);
	free(before);
}

/* CURVE unless plaintext was asked for; plaintext is said loudly, more so off loopback. */
static int service_open_security(struct service *svc, struct status *st)
{
	const char *plain = config_get(&svc->cfg, "insecure-plaintext");
	bool plaintext = strcmp(plain, "yes") == 0 || strcmp(plain, "true") == 0;
	if (!plaintext && strcmp(plain, "no") != 0 && strcmp(plain, "false") != 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "insecure-plaintext \"%s\": yes or no", plain);
	if (plaintext) {
		const char *api = config_get(&svc->cfg, "api"), *events = config_get(&svc->cfg, "events");
		bool loopback = curve_endpoint_is_loopback(api) && curve_endpoint_is_loopback(events);
		log_warn(loopback ? "running WITHOUT authentication or encryption (--insecure-plaintext)"
				  : "running WITHOUT authentication or encryption on a network address "
				    "(--insecure-plaintext): anyone who can reach it can read personal "
				    "data and change the register",
			 "api=%s events=%s", log_str(api), log_str(events));
		return curve_init(&svc->curve, true, NULL, config_get(&svc->cfg, "keys"), st);
	}
	const char *cert = config_get(&svc->cfg, "cert");
	int rc = curve_init(&svc->curve, false, cert, config_get(&svc->cfg, "keys"), st);
	if (rc < 0) {
		char why[sizeof st->message];
		snprintf(why, sizeof why, "%s", st->message);
		return status_fail(st, st->code,
				   "%s (make one with `n2gg keys generate %s --role service --out DIR` "
				   "and give it with --cert; --insecure-plaintext runs without)",
				   why, svc->desc->name);
	}
	if ((rc = service_load_keys(svc, st)) < 0)
		return rc;
	log_info("CURVE on", "cert=%s principal=%s key=%s", log_str(cert), svc->curve.own.name,
		 svc->curve.own.fingerprint);
	/* before any server socket binds: libzmq asks it about every handshake */
	return zap_start(&svc->zap, svc->zctx, &svc->loop, &svc->keyring, ROLE_SERVICE, st);
}

/* ---- store formats ----
 * A store records the format of the layout every service shares (the core: the event log,
 * the request ids, this record) and of the service's own databases. A binary migrates an
 * older store at start, in one transaction with the new record, and refuses a newer one
 * rather than misread it. Core formats: 1, before formats were recorded; 2, the request
 * ids (idempotency) and the format record. */
#define SERVICE_CORE_FORMAT 2
#define SERVICE_DB_FORMAT "store_format"

struct service_format_step {
	struct service *svc;
	MDB_dbi db;
	unsigned core, own;   /* as found */
	bool found;
	char log_id[EVENTLOG_ID_LEN];   /* "" when the store has none yet */
};

/* The event log's identity: made once, when the store gets its format record, so a store
 * made anew (or another service's store put in its place) has a log followers can tell
 * apart from the one they followed. A copy restored from a backup keeps it: followers
 * notice that by the head falling below their cursor. */
static int service_new_log_id(char out[EVENTLOG_ID_LEN], struct status *st)
{
	uint8_t raw[16];
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		return status_fail(st, STATUS_INTERNAL, "no random bytes for the log's identity");
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

static int service_format_get(MDB_txn *txn, MDB_dbi db, const char *key, unsigned *out,
			      bool *found, struct status *st)
{
	MDB_val v;
	int rc = store_get(txn, db, key, strlen(key), &v, st);
	if (rc == -STATUS_NOT_FOUND)
		return 0;
	if (rc < 0)
		return rc;
	if (v.mv_size != 4)
		return status_fail(st, STATUS_INTERNAL, "the store's %s record is corrupt", key);
	const uint8_t *b = v.mv_data;
	*out = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
	*found = true;
	return 0;
}

static int service_format_put(MDB_txn *txn, MDB_dbi db, const char *key, unsigned value,
			      struct status *st)
{
	uint8_t b[4];
	store_be32(b, value);
	return store_put(txn, db, key, strlen(key), b, sizeof b, 0, st);
}

static int service_format_migrate(void *ctx, MDB_txn *txn, struct status *st)
{
	struct service_format_step *f = ctx;
	const struct service_desc *d = f->svc->desc;
	unsigned own_now = d->store_format ? d->store_format : 1;
	int rc;
	/* core 1 -> 2: the databases it adds were created empty when the store opened */
	for (unsigned from = f->own; from < own_now; from++)
		if (d->migrate_store && (rc = d->migrate_store(f->svc, txn, from, st)) < 0)
			return rc;
	if ((rc = service_format_put(txn, f->db, "core", SERVICE_CORE_FORMAT, st)) < 0)
		return rc;
	if (!f->log_id[0] && (rc = service_new_log_id(f->log_id, st)) < 0)
		return rc;
	if ((rc = store_put(txn, f->db, "log_id", 6, f->log_id, strlen(f->log_id), 0, st)) < 0)
		return rc;
	return service_format_put(txn, f->db, "own", own_now, st);
}

static int service_store_format(struct service *svc, MDB_dbi db, struct status *st)
{
	const struct service_desc *d = svc->desc;
	unsigned own_now = d->store_format ? d->store_format : 1;
	struct service_format_step f = {svc, db, 1, 1, false, ""};
	MDB_txn *txn;
	int rc = store_begin_read(&svc->store, &txn, st);
	if (rc < 0)
		return rc;
	rc = service_format_get(txn, db, "core", &f.core, &f.found, st);
	if (rc == 0)
		rc = service_format_get(txn, db, "own", &f.own, &f.found, st);
	MDB_val id;
	if (rc == 0 && store_get(txn, db, "log_id", 6, &id, NULL) == 0 && id.mv_size < EVENTLOG_ID_LEN)
		snprintf(f.log_id, sizeof f.log_id, "%.*s", (int)id.mv_size, (const char *)id.mv_data);
	MDB_stat events;
	bool has_data = mdb_stat(txn, svc->store.dbs[0], &events) == 0 && events.ms_entries > 0;
	mdb_txn_abort(txn);
	if (rc < 0)
		return rc;
	if (f.core > SERVICE_CORE_FORMAT || f.own > own_now)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "the store in %s has format %u.%u, newer than this n2gg-%s %s reads "
				   "(%u.%u): run the version that wrote it, or restore a backup made "
				   "for this one",
				   svc->store.path, f.core, f.own, d->name, N2GG_VERSION,
				   SERVICE_CORE_FORMAT, own_now);
	if (!(f.found && f.core == SERVICE_CORE_FORMAT && f.own == own_now && f.log_id[0])) {
		if ((rc = store_write(&svc->store, service_format_migrate, &f, st)) < 0)
			return rc;
		log_info(f.found || has_data ? "store migrated" : "store format recorded",
			 "from=%u.%u to=%u.%u log_id=%s", f.core, f.own, SERVICE_CORE_FORMAT, own_now,
			 f.log_id);
	}
	snprintf(svc->log_id, sizeof svc->log_id, "%s", f.log_id);
	return 0;
}

/* ---- --resync SOURCE ---- */

struct service_resync_ctx {
	struct service *svc;
	const struct service_resync *r;
};

static int service_resync_in_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct service_resync_ctx *c = ctx;
	if (c->svc->desc->on_resync) {
		int rc = c->svc->desc->on_resync(c->svc, txn, c->r, st);
		if (rc < 0)
			return rc;
	}
	for (const int *db = c->r->dbs; *db >= 0; db++) {
		int rc = mdb_drop(txn, c->svc->store.dbs[*db], 0);
		if (rc)
			return store_error(rc, "emptying a read model", st);
	}
	for (const char *const *src = c->r->sources; *src; src++) {
		int rc = sub_forget(txn, c->svc->store.dbs[c->svc->desc->cursor_db], *src, st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int service_resync(struct service *svc, const char *source, struct status *st)
{
	const struct service_desc *d = svc->desc;
	for (size_t i = 0; i < d->resync_count; i++) {
		if (strcmp(d->resync[i].source, source) != 0)
			continue;
		struct service_resync_ctx c = {svc, &d->resync[i]};
		int rc = store_write(&svc->store, service_resync_in_txn, &c, st);
		if (rc == 0)
			log_warn("resynchronising: the copy of the source's data is rebuilt from its "
				 "log; what this service owns is kept",
				 "source=%s", source);
		return rc;
	}
	return status_fail(st, STATUS_INVALID_ARGUMENT,
			   "--resync %s: n2gg-%s %s", source, d->name,
			   d->resync_count ? "does not follow that service"
					   : "cannot resynchronise: restore it from a backup taken "
					     "before its sources' (see README, Backup and restore)");
}

static int service_open(struct service *svc, struct status *st)
{
	const struct service_desc *d = svc->desc;
	long map_mb, max_msg_mb, heartbeat_ms;
	int rc;
	/* first, so the closing sequence in service_main runs whatever fails below */
	uv_loop_init(&svc->loop);
	if ((rc = config_get_long(&svc->cfg, "map-size-mb", 1, 1 << 20, &map_mb, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "max-message-mb", 1, 4096, &max_msg_mb, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "heartbeat-ms", 10, 600000, &heartbeat_ms, st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "ready-max-lag", 0, 1L << 40, &svc->ready_max_lag,
				  st)) < 0 ||
	    (rc = config_get_long(&svc->cfg, "ready-max-silence-ms", 0, 86400000,
				  &svc->ready_silence_ms, st)) < 0)
		return rc;
	svc->heartbeat_ms = heartbeat_ms;
	svc->started_ms = date_now_ms();
	int level = log_level_parse(config_get(&svc->cfg, "log-level"));
	if (level < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "log-level \"%s\" is not debug, info, warn or error",
				   config_get(&svc->cfg, "log-level"));
	log_init(d->name, (enum log_level)level);

	/* the service's own databases, then the API's record of the writing requests served */
	const char *names[STORE_MAX_DBS];
	if (d->db_count + 3 > STORE_MAX_DBS)
		return status_fail(st, STATUS_INTERNAL, "too many databases");
	memcpy(names, d->db_names, d->db_count * sizeof *names);
	names[d->db_count] = IDEM_DB_REQUESTS;
	names[d->db_count + 1] = IDEM_DB_BY_TIME;
	names[d->db_count + 2] = SERVICE_DB_FORMAT;
	long idem_hours;
	if ((rc = config_get_long(&svc->cfg, "idempotency-hours", 1, 24 * 365, &idem_hours, st)) < 0)
		return rc;
	if ((rc = store_open(&svc->store, config_get(&svc->cfg, "data-dir"), names, d->db_count + 3,
			     (size_t)map_mb << 20, st)) < 0)
		return rc;
	if ((rc = service_store_format(svc, svc->store.dbs[d->db_count + 2], st)) < 0)
		return rc;
	svc->api.idem = (struct idem){svc->store.dbs[d->db_count], svc->store.dbs[d->db_count + 1],
				      idem_hours * 3600 * 1000};
	MDB_txn *txn;
	if ((rc = store_begin_read(&svc->store, &txn, st)) < 0)
		return rc;
	rc = eventlog_open(&svc->log, txn, svc->store.dbs[0], d->name, st);
	mdb_txn_abort(txn);
	if (rc < 0)
		return rc;
	snprintf(svc->log.id, sizeof svc->log.id, "%s", svc->log_id);
	const char *resync = config_get(&svc->cfg, "resync");
	if (resync[0] && (rc = service_resync(svc, resync, st)) < 0)
		return rc;

	svc->zctx = zmq_ctx_new();
	if ((rc = service_open_security(svc, st)) < 0)
		return rc;
	if ((rc = api_server_open(&svc->api, svc->zctx, config_get(&svc->cfg, "api"),
				  (size_t)max_msg_mb << 20, &svc->curve, st)) < 0)
		return rc;
	svc->api.keyring = svc->curve.plaintext ? NULL : &svc->keyring;
	zap_monitor(&svc->zap, svc->zctx, svc->api.socket, "api");
	svc->api.store = &svc->store;
	svc->api.log = &svc->log;
	svc->api.pub = &svc->pub;
	svc->api.methods = d->methods;
	svc->api.method_count = d->method_count;
	svc->api.service = svc;
	svc->api.service_name = d->name;
	svc->api.version = N2GG_VERSION;
	svc->api.on_health = service_on_health;
	svc->api.on_served = service_on_served;
	svc->latency = calloc(SERVICE_BUILTIN_METHODS + d->method_count, sizeof *svc->latency);
	if ((rc = pub_open(&svc->pub, svc->zctx, config_get(&svc->cfg, "events"), d->name,
			   &svc->curve, st)) < 0)
		return rc;
	zap_monitor(&svc->zap, svc->zctx, svc->pub.socket, "events");

	if ((rc = http_server_start(&svc->http, &svc->loop, config_get(&svc->cfg, "http"),
				    service_http, svc, st)) < 0)
		return rc;
	if (d->on_start && (rc = d->on_start(svc, st)) < 0)
		return rc;
	api_server_start(&svc->api, &svc->loop);
	pub_start_heartbeat(&svc->pub, &svc->loop, &svc->log, (unsigned)heartbeat_ms);
	uv_signal_init(&svc->loop, &svc->sigterm);
	uv_signal_init(&svc->loop, &svc->sigint);
	svc->sigterm.data = svc->sigint.data = svc;
	uv_signal_start(&svc->sigterm, service_on_signal, SIGTERM);
	uv_signal_start(&svc->sigint, service_on_signal, SIGINT);
	uv_signal_init(&svc->loop, &svc->sighup);
	svc->sighup.data = svc;
	uv_signal_start(&svc->sighup, service_on_sighup, SIGHUP);
	uv_timer_init(&svc->loop, &svc->housekeeping_timer);
	svc->housekeeping_timer.data = svc;
	uv_timer_start(&svc->housekeeping_timer, service_on_housekeeping, SERVICE_TRIM_MS, SERVICE_TRIM_MS);
	/* last: READY=1 must not be sent for a service that could still fail to open */
	sdnotify_start(&svc->sdnotify, &svc->loop, service_notify_check, svc);
	return 0;
}

/* --backup DIR: a consistent copy of the store, taken in one read transaction while the
 * service may be running (LMDB's compacting copy), into a new directory only its owner can
 * read, as the store's own. Restoring is stopping the service and putting the copy's
 * data.mdb in place of the store's. */
static int service_backup(struct service *svc, const char *dir, struct status *st)
{
	const char *data_dir = config_get(&svc->cfg, "data-dir");
	if (mkdir(dir, 0700) != 0)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "cannot make the backup directory %s: %s (it must not exist yet)",
				   dir, strerror(errno));
	MDB_env *env;
	int rc = mdb_env_create(&env);
	if (rc == 0)
		mdb_env_set_maxdbs(env, STORE_MAX_DBS);
	if (rc == 0 && (rc = mdb_env_open(env, data_dir, MDB_RDONLY, 0600)) != 0)
		mdb_env_close(env);
	if (rc)
		return status_fail(st, STATUS_FAILED_PRECONDITION, "cannot open the store in %s: %s",
				   data_dir, mdb_strerror(rc));
	mode_t old = umask(077);   /* what the backup writes is its owner's only */
	rc = mdb_env_copy2(env, dir, MDB_CP_COMPACT);
	mdb_env_close(env);
	if (rc)
		rc = status_fail(st, STATUS_INTERNAL, "backup of %s into %s failed: %s", data_dir,
				 dir, mdb_strerror(rc));
	else if (svc->desc->on_backup)
		rc = svc->desc->on_backup(svc, dir, st);
	umask(old);
	if (rc < 0)
		return rc;
	log_info("backup made", "store=%s backup=%s", log_str(data_dir), log_str(dir));
	return 0;
}

int service_main(const struct service_desc *d, void *impl, int argc, char **argv)
{
	static struct service svc;
	char program[64], env_prefix[64], data_dir[256], cert[256];
	snprintf(program, sizeof program, "n2gg-%s", d->name);
	int n = snprintf(env_prefix, sizeof env_prefix, "N2GG_");
	for (const char *p = d->name; *p && n < (int)sizeof env_prefix - 2; p++)
		env_prefix[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	env_prefix[n++] = '_';
	env_prefix[n] = '\0';
	snprintf(data_dir, sizeof data_dir, "./var/%s", d->name);
	snprintf(cert, sizeof cert, "./var/keys/%s.key_secret", d->name);

	struct config_option common[SERVICE_COMMON_OPTIONS] = {
		{"api", d->default_api, "API endpoint to bind (ROUTER)", NULL},
		{"events", d->default_events, "event endpoint to bind (PUB)", NULL},
		{"http", d->default_http, "health and metrics HTTP address host:port", NULL},
		{"data-dir", data_dir, "directory of the LMDB store", NULL},
		{"map-size-mb", "64", "initial LMDB map size in MiB (grows when full)", NULL},
		{"max-message-mb", "256", "largest request accepted, in MiB", NULL},
		{"heartbeat-ms", "1000", "heartbeat interval on the event socket", NULL},
		{"log-level", "info", "debug, info, warn or error", NULL},
		{"cert", cert, "this service's secret CURVE certificate (NAME.key_secret)", NULL},
		{"authorized-keys", "./var/keys/authorized",
		 "directory of the public certificates of every client admitted (re-read on SIGHUP)",
		 NULL},
		{"keys", "./var/keys", "directory of the other services' public certificates (NAME.key)",
		 NULL},
		{"backup", "", "copy the store (hot, compacted) into this new directory and exit",
		 NULL},
		{"resync", "",
		 "SOURCE: rebuild the copy of SOURCE's data from its log (after SOURCE's store was "
		 "restored or made anew)",
		 NULL},
		{"idempotency-hours", "24",
		 "how long a writing request's id is remembered (a retry gets the first reply)", NULL},
		{"insecure-plaintext", "no",
		 "yes: no CURVE, no authentication (for debugging on loopback only)", NULL},
		{"ready-max-lag", "1000",
		 "/readyz answers 503 while an upstream is more than this many events ahead", NULL},
		{"ready-max-silence-ms", "0",
		 "/readyz answers 503 when an upstream was not heard from for this long (0: three "
		 "heartbeat intervals)",
		 NULL},
	};
	size_t count = SERVICE_COMMON_OPTIONS + d->extra_count;
	struct config_option *opts = calloc(count, sizeof *opts);
	memcpy(opts, common, sizeof common);
	if (d->extra_count)
		memcpy(opts + SERVICE_COMMON_OPTIONS, d->extra_options,
		       d->extra_count * sizeof *opts);

	memset(&svc, 0, sizeof svc);
	svc.desc = d;
	svc.impl = impl;
	svc.cfg = (struct config){program, env_prefix, d->summary, opts, count};
	log_init(d->name, LOG_INFO);

	struct status st;
	status_clear(&st);
	int rc = config_load(&svc.cfg, argc, argv, &st);
	int exit_code = 0;
	if (rc == 1)
		goto out;
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", program, st.message);
		exit_code = 2;
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (config_get(&svc.cfg, "backup")[0]) {
		exit_code = service_backup(&svc, config_get(&svc.cfg, "backup"), &st) < 0 ? 1 : 0;
		if (exit_code)
			fprintf(stderr, "%s: %s\n", program, st.message);
		goto out;
	}
	if (d->command && (rc = d->command(&svc)) >= 0) {
		exit_code = rc;
		goto out;
	}
	if (service_open(&svc, &st) < 0) {
		log_error(st.message, "code=%s", status_code_name(st.code));
		exit_code = 1;
	} else {
		log_info("started", "api=%s events=%s http=%s data_dir=%s head_seq=%llu version=%s",
			 log_str(config_get(&svc.cfg, "api")), log_str(config_get(&svc.cfg, "events")),
			 log_str(config_get(&svc.cfg, "http")), log_str(config_get(&svc.cfg, "data-dir")),
			 (unsigned long long)svc.log.head, N2GG_VERSION);
		uv_run(&svc.loop, UV_RUN_DEFAULT);
	}
	api_server_close(&svc.api);
	pub_close(&svc.pub);
	zap_stop(&svc.zap);
	keyring_free(&svc.keyring);
	eventlog_close(&svc.log);
	if (svc.zctx)
		zmq_ctx_term(svc.zctx);
	/* let libuv finish closing handles before the loop goes */
	uv_run(&svc.loop, UV_RUN_NOWAIT);
	uv_loop_close(&svc.loop);
	store_close(&svc.store);
	if (exit_code == 0)
		log_info("stopped", "head_seq=%llu", (unsigned long long)svc.log.head);
out:
	config_free(&svc.cfg);
	free(opts);
	free(svc.latency);
	return exit_code;
}
