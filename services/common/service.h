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
#include "store.h"
#include "zap.h"

struct service;

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
	int (*on_start)(struct service *svc, struct status *st);
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
	uint64_t keyring_reloads;
	uv_timer_t housekeeping_timer; /* old request ids pruned, freed buffers given back */
	uint64_t trimmed_at_disconnects, memory_trims, timer_ticks;
	uv_signal_t sigterm, sigint, sighup;
	int stopping;
	void *impl;                   /* the service's own state */
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

/* A whole (policy, calendar) file, malloc'd and NUL-terminated; NULL with `st` set. */
char *service_read_file(const char *path, size_t *len, struct status *st);

#endif
