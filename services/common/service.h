/* service: what every N2GG service process is made of — settings, its LMDB store with the
 * event log, the API (ROUTER) and event (PUB) sockets, the HTTP health endpoint, one libuv
 * loop, and a clean stop on SIGTERM/SIGINT (stop taking requests; the batch in flight has
 * already committed since batches run to completion; close sockets, sync and close the
 * store). A service fills in a service_desc and calls service_main(). */
#ifndef N2GG_SERVICE_H
#define N2GG_SERVICE_H

#include <uv.h>

#include "api.h"
#include "config.h"
#include "curve.h"
#include "eventlog.h"
#include "http.h"
#include "keyring.h"
#include "pub.h"
#include "sdnotify.h"
#include "store.h"
#include "zap.h"

struct service;
struct sub;

/* The most event sources one service follows (the notifier: three). */
#define SERVICE_MAX_UPSTREAMS 8
#define SERVICE_LATENCY_BUCKETS 14

/* A source this service follows, as /health, /readyz and /metrics report it. */
struct service_upstream {
	const char *source;
	struct sub *sub;              /* not followed yet while sub->loop is NULL */
};

/* One method's request latency histogram (counts per bucket, not cumulative). */
struct service_latency {
	uint64_t buckets[SERVICE_LATENCY_BUCKETS + 1];   /* the last: above every bound */
	uint64_t count;
	double sum_seconds;
};

/* What `--resync SOURCE` rebuilds: the read-model databases built from SOURCE are emptied
 * and every source they are built from is read again from its first event. */
struct service_resync {
	const char *source;
	const char *const *sources;   /* NULL-terminated */
	const int *dbs;               /* indices into db_names, -1-terminated */
};

struct service_desc {
	const char *name;             /* "registry": topics, env prefix, data dir */
	const char *summary;          /* for --help */
	const char *default_api;      /* tcp://127.0.0.1:7100 */
	const char *default_events;
	const char *default_http;     /* 127.0.0.1:7109 */
	const char *const *db_names;  /* db_names[0] must be "events" */
	size_t db_count;
	const struct api_method *methods;
	size_t method_count;
	struct config_option *extra_options;   /* service-specific settings (may be NULL) */
	size_t extra_count;
	/* optional hooks: after the store opened / before it closes / extra metrics lines */
	/* The format of the service's own databases (0: 1) and, when it is raised, the step
	 * from `from` to from + 1, run in the start-up transaction that records the new format */
	unsigned store_format;
	/* --resync: the database of the followers' cursors, and what each source rebuilds
	 * (none: the service cannot resynchronise) */
	int cursor_db;
	const struct service_resync *resync;
	size_t resync_count;
	int (*migrate_store)(struct service *svc, MDB_txn *txn, unsigned from, struct status *st);
	/* optional: in the --resync transaction, before the read model is emptied and the
	 * cursors forgotten (the notifier notes how far its letters went) */
	int (*on_resync)(struct service *svc, MDB_txn *txn, const struct service_resync *r,
			 struct status *st);
	/* optional: after --backup copied the store into `dir`, what else the service keeps */
	int (*on_backup)(struct service *svc, const char *dir, struct status *st);
	int (*on_start)(struct service *svc, struct status *st);
	/* optional: a one-shot command the settings ask for, run instead of the service once
	 * the settings are read (the dashboard's --add-user; it opens what it needs): returns
	 * -1 when none was asked for, else the process's exit code */
	int (*command)(struct service *svc);
	void (*on_stop)(struct service *svc);
	void (*on_metrics)(struct service *svc, struct http_response *res);
};

struct service {
	const struct service_desc *desc;
	uv_loop_t loop;
	void *zctx;
	struct config cfg;
	struct store store;
	struct eventlog log;
	char log_id[EVENTLOG_ID_LEN]; /* the log's identity, from the store */
	struct pub pub;
	struct api_server api;
	struct http_server http;
	struct curve curve;           /* this service's identity, and where peers' keys are */
	struct keyring keyring;       /* who may connect (--authorized-keys), re-read on SIGHUP */
	struct zap zap;
	struct sdnotify sdnotify;     /* readiness and watchdog for systemd (when under it) */
	uint64_t keyring_reloads;
	uv_timer_t housekeeping_timer; /* old request ids pruned, freed buffers given back */
	uint64_t trimmed_at_disconnects, memory_trims, timer_ticks;
	uv_signal_t sigterm, sigint, sighup;
	int stopping;
	void *impl;                   /* the service's own state */
	long long started_ms;
	long heartbeat_ms;            /* --heartbeat-ms */
	long ready_max_lag;           /* --ready-max-lag: events an upstream may be ahead */
	long ready_silence_ms;        /* --ready-max-silence-ms (0: three heartbeats) */
	struct service_upstream upstreams[SERVICE_MAX_UPSTREAMS];
	size_t upstream_count;
	/* per method: ReadEvents, Health, then desc->methods (filled by the API's on_served) */
	struct service_latency *latency;
};

/* Parses settings, opens everything, runs the loop until a stop signal, closes everything.
 * Returns the process exit code. */
int service_main(const struct service_desc *desc, void *impl, int argc, char **argv);

const char *service_setting(const struct service *svc, const char *name);

/* Runs fn in a write transaction of its own with the service's event log as the outbox:
 * the events fn appends commit with it and are then published; a failed (or retried,
 * after the map grew) attempt leaves none. For work that does not come through the API:
 * timers, signals, start-up, applying another service's events. */
int service_write(struct service *svc, store_write_fn fn, void *ctx, struct status *st);

/* Registers a follower of `source`'s events (registered once, before or after sub_start:
 * until it is started it counts as not followed yet), so that /health, /readyz, /metrics
 * and the Health method report its cursor, lag and when it was last heard from. */
void service_follow(struct service *svc, const char *source, struct sub *s);

#define SERVICE_REASON_LEN 400

/* Why the service is not ready (none: it is), as /readyz says: each reason one line in
 * reasons[], an upstream's starting with its name and ": ". */
size_t service_not_ready(const struct service *svc, long long now,
			 char reasons[][SERVICE_REASON_LEN], size_t max);

/* Metric lines for on_metrics hooks: a family's HELP and TYPE ("counter", "gauge"), and a
 * family of one unlabelled sample. Every family is written once, HELP and TYPE first, as
 * the Prometheus text format requires. */
void service_metric_family(struct http_response *res, const char *name, const char *type,
			   const char *help);
void service_metric_u64(struct http_response *res, const char *name, const char *type,
			const char *help, unsigned long long value);
void service_metric_f64(struct http_response *res, const char *name, const char *type,
			const char *help, double value);

/* A whole (policy, calendar) file, malloc'd and NUL-terminated; NULL with `st` set. */
char *service_read_file(const char *path, size_t *len, struct status *st);

#endif
