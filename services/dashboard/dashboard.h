/* The dashboard service's shared state and internal interfaces: the I/O shell around the
 * pure parts (readmodel, view, pages, session, html, form). */
#ifndef N2GG_DASHBOARD_H
#define N2GG_DASHBOARD_H

#include <stdbool.h>

#include "n2gg/v1/dashboard.pb-c.h"
#include "pages.h"
#include "readmodel.h"
#include "service.h"
#include "session.h"
#include "sub.h"
#include "tls.h"
#include "web.h"

struct dashboard_stats {
	unsigned long long malformed_events, logins, login_failures, logins_throttled,
		csrf_refused, sessions_expired, sessions_pruned, forbidden, sso_refused;
};

struct dashboard {
	struct service *svc;
	MDB_dbi db[DASH_DB_COUNT];
	struct sub subs[READMODEL_SOURCES];
	struct arena arena;            /* applying events */
	struct arena page_arena;       /* one request's records, reset after each */
	struct web web;
	struct session_limits session;
	struct ratelimit login_users, login_ips;
	int as_of;                     /* --as-of, or -1 for today */
	int report_due_days;
	bool cookie_secure;            /* Secure on cookies: the pages are reached over TLS */
	bool https;                    /* --web serves HTTPS with `tls` */
	struct tls_files tls;          /* MHD reads them at start; kept until it stops */
	char sso_header[64];           /* --trusted-header; "" when single sign-on is off */
	struct session_proxies sso_proxies;   /* who may send it */
	char static_dir[512];          /* govuk-frontend's dist/govuk */
	bool govuk_fonts;              /* serve GDS Transport (licensed for GOV.UK only) */
	uv_timer_t prune_timer;        /* expired sessions deleted */
	int action_timeout_ms;         /* a call to another service (forward.c) */
	int action_follow_ms;          /* how long an action's page waits for the letter it causes */
	struct dashboard_stats stats;
};

int dashboard_today(const struct dashboard *d);

/* ---- the store (dash_store.c) ---- */
int dash_store_get(struct dashboard *d, MDB_txn *txn, enum dash_db db, const void *key,
		   size_t klen, const ProtobufCMessageDescriptor *desc, struct arena *a, void **out,
		   struct status *st);
int dash_store_put(struct dashboard *d, MDB_txn *txn, enum dash_db db, const void *key,
		   size_t klen, const ProtobufCMessage *msg, struct arena *a, struct status *st);
/* The stored messages whose keys start with `prefix` (plen 0: all), in key order; with
 * `keys`, their keys too (in the arena). */
int dash_store_scan(struct dashboard *d, MDB_txn *txn, enum dash_db db, const void *prefix,
		    size_t plen, const ProtobufCMessageDescriptor *desc, struct arena *a,
		    void ***out, size_t *n, struct status *st);

/* ---- events (apply.c) ---- */
int dash_apply_start(struct dashboard *d, struct status *st);
void dash_apply_stop(struct dashboard *d);
/* Writes school `urn`'s line in the lists (summary.h) from its stored records (none while
 * the school itself is not stored). `db`: the store's databases, by enum dash_db. */
int dash_line_refresh(const MDB_dbi *db, MDB_txn *txn, uint32_t urn, struct arena *a,
		      struct status *st);
/* Every stored school's line again (a store from before the lines were kept). */
int dash_lines_rebuild(const MDB_dbi *db, MDB_txn *txn, struct status *st);

/* ---- accounts and sessions (accounts.c) ---- */
#define ACCOUNTS_HASH_MAX 128
#define ACCOUNTS_NAME_MAX 64
#define ACCOUNTS_PASSWORD_MIN 10
int accounts_hash_password(const char *password, char out[ACCOUNTS_HASH_MAX], struct status *st);
bool accounts_password_ok(const char *encoded, const char *password);
/* A name: 1-64 of letters, digits, '.', '-', '_', '@'. */
bool accounts_name_valid(const char *name);
int accounts_role_parse(const char *text);
int accounts_get(struct dashboard *d, MDB_txn *txn, const char *name, struct arena *a,
		 N2gg__V1__DashboardAccount **out, struct status *st);
int accounts_put(struct dashboard *d, MDB_txn *txn, const N2gg__V1__DashboardAccount *acc,
		 struct arena *a, struct status *st);
int accounts_session_get(struct dashboard *d, MDB_txn *txn, const char *id, struct arena *a,
			 N2gg__V1__DashboardSession **out, struct status *st);
int accounts_session_put(struct dashboard *d, MDB_txn *txn, const char *id,
			 const N2gg__V1__DashboardSession *s, struct arena *a, struct status *st);
int accounts_session_del(struct dashboard *d, MDB_txn *txn, const char *id, struct status *st);
/* Deletes the sessions past their timeouts; *count says how many. */
int accounts_sessions_prune(struct dashboard *d, MDB_txn *txn, int64_t now_ms, size_t *count,
			    struct status *st);
/* Random hex (SESSION_ID_LEN bytes with the NUL). */
int accounts_random_token(char out[SESSION_ID_LEN], struct status *st);
/* `n2gg-dashboard --add-user`: runs instead of the service; returns the exit code. */
int accounts_add_user_command(struct dashboard *d, struct status *st);

/* ---- the pages' data (pages_data.c) ---- */
/* Each fills what its page shows from one read transaction, in `a`; a partner sees only
 * the schools it serves. */
struct dash_viewer {
	int role;
	const char *partner_id;
};
int dash_data_overview(struct dashboard *d, MDB_txn *txn, struct arena *a,
		       struct page_overview_data *out, struct status *st);
int dash_data_schools(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		      const struct form *query, struct arena *a, struct page_schools_data *out,
		      struct status *st);
/* -NOT_FOUND for an unknown URN, -PERMISSION_DENIED for a partner's school it does not serve. */
int dash_data_school(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		     uint32_t urn, struct arena *a, struct page_school_data *out, struct status *st);

/* ---- the other pages' data (pages_data_more.c); -NOT_FOUND for an unknown id,
 * -PERMISSION_DENIED for what a partner may not see ---- */
int dash_data_cluster(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		      const char *id, struct arena *a, struct page_cluster_data *out,
		      struct status *st);
/* A federation or partnership, with those of its members the viewer may see (a partner: at
 * least one, or -PERMISSION_DENIED). */
int dash_data_group(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		    const char *id, struct arena *a, struct page_group_data *out,
		    struct status *st);
/* Every partner heard of or allocated, by name. */
int dash_data_partners(struct dashboard *d, MDB_txn *txn, struct arena *a,
		       struct page_partner_line **lines, size_t *n, struct status *st);
int dash_data_partner(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		      const char *id, struct arena *a, struct page_partner_data *out,
		      struct status *st);
/* The sheets, the latest first. */
int dash_data_mi_list(struct dashboard *d, MDB_txn *txn, struct arena *a,
		      struct page_mi_line **lines, size_t *n, struct status *st);
int dash_data_mi(struct dashboard *d, MDB_txn *txn, const char *number, struct arena *a,
		 struct page_mi_data *out, struct status *st);
/* What the dashboard's own subscribers see now (no store read). */
void dash_data_status(struct dashboard *d, struct arena *a, struct page_status_data *out);

/* ---- HTTP (handlers.c) ---- */
void dash_handle(void *ctx, struct web_exchange *x);

/* One request's view of who asks. */
struct dash_call {
	struct dashboard *d;
	struct web_exchange *x;
	struct web_request *q;
	struct web_response *r;
	struct arena *a;
	N2gg__V1__DashboardSession *session;   /* NULL: not signed in */
	N2gg__V1__DashboardAccount *account;
	struct page_user user;
	const char *expired;                   /* why the session ended, when it just did */
};

/* An error page with its status in place of the response's body. */
void dash_error(struct dash_call *c, int status, const char *message);

/* ---- actions, letters and accounts (handlers_actions.c, handlers_admin.c) ---- */
/* For a signed-in request (a POST's CSRF token already checked): true when the path is one
 * of theirs, *held when the exchange is answered later. */
bool dash_actions_route(struct dash_call *c, bool *held);
bool dash_admin_route(struct dash_call *c, bool *held);

#endif
