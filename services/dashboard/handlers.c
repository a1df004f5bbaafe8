/* handlers: the dashboard's web routes. Every page but the sign-in page and the static
 * files needs a session; every POST needs the session's CSRF token (the sign-in form: the
 * token of its own cookie), checked before anything else is looked at; a partner sees only
 * the schools it serves. Password checks run off the loop (libuv's thread pool), the
 * connection held meanwhile. Bad input of any kind gets an error page with its status. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dashboard.h"
#include "date.h"
#include "log.h"

extern const char dashboard_css[];
extern const size_t dashboard_css_len;

static const char *dash_secure(const struct dashboard *d)
{
	return d->cookie_secure ? "; Secure" : "";
}

void dash_error(struct dash_call *c, int status, const char *message)
{
	c->r->status = status;
	html_free(&c->r->body);
	page_error(&c->r->body, c->session ? &c->user : NULL, status, message);
}

/* ---- static files ---- */

static const char *dash_content_type(const char *path)
{
	static const char *const types[][2] = {
		{".css", "text/css; charset=utf-8"}, {".woff2", "font/woff2"}, {".woff", "font/woff"},
		{".svg", "image/svg+xml"}, {".png", "image/png"}, {".ico", "image/x-icon"}};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return NULL;
}

/* A file under the static directory: names of letters, digits, '-', '_' and one '.' per
 * part, so no path can leave it. */
static void dash_static(struct dash_call *c, const char *rel)
{
	const char *type = dash_content_type(rel);
	bool ok = type && rel[0] && rel[0] != '/';
	for (const char *p = rel; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		     strchr("-_/", *p) || (*p == '.' && p[1] != '.' && p[1] != '/' && p != rel);
	if (ok && strncmp(rel, "assets/fonts/", 13) == 0 && !c->d->govuk_fonts)
		ok = false;   /* GDS Transport: see --govuk-fonts */
	char path[1024];
	int fd = -1;
	struct stat sb;
	if (ok && snprintf(path, sizeof path, "%s/%s", c->d->static_dir, rel) < (int)sizeof path)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		dash_error(c, 404, "There is no such file.");
		return;
	}
	c->r->fd = fd;
	c->r->fd_size = (uint64_t)sb.st_size;
	c->r->content_type = type;
	c->r->cache = "public, max-age=3600";
}

/* ---- sessions ---- */

static int dash_touch_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct dash_call *c = ctx;
	return accounts_session_put(c->d, txn, c->q->session_cookie, c->session, c->a, st);
}

static int dash_forget_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct dash_call *c = ctx;
	return accounts_session_del(c->d, txn, c->q->session_cookie, st);
}

static void dash_clear_session_cookie(struct dash_call *c)
{
	web_add_cookie(c->r, "n2gg_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		       dash_secure(c->d));
}

/* Finds the session the cookie names, ends it when it has expired, and moves its idle
 * clock on. Leaves c->session NULL when there is none to use. */
static int dash_session(struct dash_call *c, struct status *st)
{
	const char *id = c->q->session_cookie;
	if (!id[0])
		return 0;
	if (!session_id_wellformed(id)) {
		dash_clear_session_cookie(c);
		return 0;
	}
	MDB_txn *txn;
	int rc = store_begin_read(&c->d->svc->store, &txn, st);
	if (rc < 0)
		return rc;
	rc = accounts_session_get(c->d, txn, id, c->a, &c->session, st);
	if (rc == 0)
		rc = accounts_get(c->d, txn, c->session->user, c->a, &c->account, st);
	mdb_txn_abort(txn);
	if (rc == -STATUS_NOT_FOUND) {
		/* ours, but gone: pruned once expired, signed out elsewhere, or its account removed */
		c->expired = "Your session has ended.";
		c->session = NULL;
		c->account = NULL;
		dash_clear_session_cookie(c);
		return 0;
	}
	if (rc < 0)
		return rc;
	int64_t now = date_now_ms();
	enum session_state state = session_check(c->session, &c->d->session, now);
	if (state != SESSION_VALID || c->account->disabled) {
		c->expired = state == SESSION_IDLE ? "You were signed out after a time with no activity."
			     : state == SESSION_TOO_OLD ? "You were signed out: sessions last at most a "
							  "working day."
							: "Your account is disabled.";
		c->d->stats.sessions_expired++;
		log_info("session ended", "user=%s why=%s", log_str(c->session->user),
			 state == SESSION_IDLE ? "idle" : state == SESSION_TOO_OLD ? "too_old" : "disabled");
		c->session = NULL;
		dash_clear_session_cookie(c);
		return service_write(c->d->svc, dash_forget_txn, c, st);
	}
	c->user = (struct page_user){c->account->name, c->account->role, c->account->partner_id,
				     c->session->csrf_token};
	if (!session_needs_touch(c->session, now))
		return 0;
	c->session->last_seen_unix_ms = now;
	return service_write(c->d->svc, dash_touch_txn, c, st);
}

/* Where to go once signed in: a path of this site only (never "//host"). */
static const char *dash_safe_next(const char *next)
{
	if (next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 512)
		return "/";
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == '\\' || *p == '"')
			return "/";
	return next;
}

static void dash_to_login(struct dash_call *c)
{
	struct html to;
	html_init(&to);
	html_str(&to, "/login?next=");
	form_encode(&to, c->q->path);
	if (c->q->query.count) {
		/* the list's filters come back after signing in */
		struct html query;
		html_init(&query);
		for (size_t i = 0; i < c->q->query.count; i++) {
			html_str(&query, i ? "&" : "?");
			form_encode(&query, c->q->query.fields[i].name);
			html_str(&query, "=");
			form_encode(&query, c->q->query.fields[i].value);
		}
		form_encode(&to, query.data);
		html_free(&query);
	}
	if (c->expired)
		html_str(&to, "&expired=1");
	web_redirect(c->r, to.data);
	html_free(&to);
}

/* ---- signing in and out ---- */

static void dash_login_page(struct dash_call *c, const char *error, const char *name,
			    const char *next)
{
	char token[SESSION_ID_LEN];
	struct status st;
	/* A browser that already holds a token keeps it: a second sign-in page (another tab,
	 * or the favicon's redirect here) must not make the first page's form stale. */
	const char *held = c->q->login_cookie;
	size_t n = strlen(held);
	bool reuse = n == SESSION_ID_LEN - 1 && strspn(held, "0123456789abcdef") == n;
	if (reuse) {
		memcpy(token, held, SESSION_ID_LEN);
	} else if (accounts_random_token(token, &st) < 0) {
		dash_error(c, 500, st.message);
		return;
	}
	/* the form's token, matched against this cookie on POST: a page on another site cannot
	 * read it, so it cannot sign a browser in to an account of its choosing */
	if (!reuse)
		web_add_cookie(c->r,
			       "n2gg_login=%s; Path=/login; Max-Age=3600; HttpOnly; SameSite=Strict%s",
			       token, dash_secure(c->d));
	page_login(&c->r->body, token, error, name, next);
}

struct dash_login {
	uv_work_t work;
	struct dashboard *d;
	struct web_exchange *x;
	char name[ACCOUNTS_NAME_MAX + 1];
	char ip[64];
	char next[520];
	char *password;
	char hash[ACCOUNTS_HASH_MAX];
	N2gg__V1__DashboardRole role;
	bool account, disabled, ok;
};

/* An unknown name costs what a known one does, so timing does not tell which names exist. */
static char dash_dummy_hash[ACCOUNTS_HASH_MAX];

static void dash_login_work(uv_work_t *w)
{
	struct dash_login *l = w->data;
	l->ok = accounts_password_ok(l->account ? l->hash : dash_dummy_hash, l->password) &&
		l->account && !l->disabled;
}

struct dash_session_write {
	struct dashboard *d;
	const char *id;
	N2gg__V1__DashboardSession *s;
};

static int dash_new_session_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct dash_session_write *n = ctx;
	return accounts_session_put(n->d, txn, n->id, n->s, &n->d->arena, st);
}

/* A new session for `name` (whose account the caller has checked), stored, with its cookie
 * on the response: *out and *id in the request's arena. On failure the response is the
 * error page. */
static int dash_new_session(struct dash_call *c, const char *name,
			    N2gg__V1__DashboardSession **out, const char **id, struct status *st)
{
	struct dashboard *d = c->d;
	char *sid = arena_zalloc(c->a, SESSION_ID_LEN), *csrf = arena_zalloc(c->a, SESSION_ID_LEN);
	N2gg__V1__DashboardSession *s = arena_message(c->a, &n2gg__v1__dashboard_session__descriptor);
	s->user = arena_strdup(c->a, name);
	s->ip = c->q->ip;
	s->created_unix_ms = s->last_seen_unix_ms = date_now_ms();
	s->csrf_token = csrf;
	struct dash_session_write n = {d, sid, s};
	if (accounts_random_token(sid, st) < 0 || accounts_random_token(csrf, st) < 0 ||
	    service_write(d->svc, dash_new_session_txn, &n, st) < 0) {
		log_error("session not stored", "user=%s error=%s", log_str(name), log_str(st->message));
		dash_error(c, 500, "Signing in failed for a fault of the service. Try again.");
		return -1;
	}
	d->stats.logins++;
	web_add_cookie(c->r, "n2gg_session=%s; Path=/; HttpOnly; SameSite=Strict%s", sid,
		       dash_secure(d));
	*out = s;
	*id = sid;
	return 0;
}

static void dash_login_done(uv_work_t *w, int status)
{
	struct dash_login *l = w->data;
	struct dashboard *d = l->d;
	struct web_response *r = web_response(l->x);
	struct dash_call c = {.d = d, .x = l->x, .q = web_request(l->x), .r = r, .a = &d->page_arena};
	char user_key[RATELIMIT_KEY], ip_key[RATELIMIT_KEY];
	snprintf(user_key, sizeof user_key, "user:%s", l->name);
	snprintf(ip_key, sizeof ip_key, "ip:%s", l->ip);
	int64_t now = date_now_ms();
	if (status == 0 && l->ok) {
		struct status st;
		N2gg__V1__DashboardSession *s;
		const char *id;
		if (dash_new_session(&c, l->name, &s, &id, &st) == 0) {
			ratelimit_reset(&d->login_users, user_key);
			log_info("signed in", "user=%s ip=%s", log_str(l->name), log_str(l->ip));
			web_add_cookie(r, "n2gg_login=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict%s",
				       dash_secure(d));
			web_redirect(r, dash_safe_next(l->next));
		}
	} else {
		d->stats.login_failures++;
		ratelimit_failed(&d->login_users, user_key, now);
		ratelimit_failed(&d->login_ips, ip_key, now);
		log_warn("sign-in refused", "user=%s ip=%s why=%s", log_str(l->name), log_str(l->ip),
			 !l->account ? "no_such_user" : l->disabled ? "disabled" : "wrong_password");
		r->status = 200;
		dash_login_page(&c, "The user name or password is not right.", l->name, l->next);
	}
	arena_reset(&d->page_arena);
	explicit_bzero(l->password, strlen(l->password));
	free(l->password);
	web_finish(l->x);
	free(l);
}

/* Returns true when it took the exchange (to answer after the password check). */
static bool dash_login_post(struct dash_call *c)
{
	const struct form *f = &c->q->body;
	const char *token = form_get(f, "login_token");
	if (!c->q->login_cookie[0] || !session_equal_secret(c->q->login_cookie, token)) {
		c->d->stats.csrf_refused++;
		log_warn("sign-in form refused: its token does not match", "ip=%s", log_str(c->q->ip));
		dash_error(c, 403, "The sign-in form had expired or did not come from this site. "
				   "Go back, reload the page and sign in again.");
		return false;
	}
	const char *name = form_get(f, "name"), *next = form_get(f, "next");
	char user_key[RATELIMIT_KEY], ip_key[RATELIMIT_KEY];
	snprintf(user_key, sizeof user_key, "user:%s", name);
	snprintf(ip_key, sizeof ip_key, "ip:%s", c->q->ip);
	int64_t now = date_now_ms();
	int64_t wait = ratelimit_wait(&c->d->login_users, user_key, now);
	int64_t wait_ip = ratelimit_wait(&c->d->login_ips, ip_key, now);
	if (wait_ip > wait)
		wait = wait_ip;
	if (wait > 0) {
		c->d->stats.logins_throttled++;
		log_warn("sign-in refused: too many failures", "user=%s ip=%s wait_s=%lld",
			 log_str(name), log_str(c->q->ip), (long long)(wait / 1000 + 1));
		char msg[160];
		snprintf(msg, sizeof msg, "There have been too many failed attempts to sign in. Try "
					  "again in %lld minutes.",
			 (long long)(wait / 60000 + 1));
		dash_error(c, 429, msg);
		return false;
	}
	if (!name[0] || !form_get(f, "password")[0] || strlen(name) > ACCOUNTS_NAME_MAX) {
		dash_login_page(c, "Enter your user name and password.", name, next);
		return false;
	}
	struct status st;
	if (!dash_dummy_hash[0] && accounts_hash_password("n2gg-no-such-user", dash_dummy_hash, &st) < 0)
		log_error("no stand-in hash for unknown names", "error=%s", log_str(st.message));
	struct dash_login *l = calloc(1, sizeof *l);
	if (!l)
		abort();
	l->d = c->d;
	l->x = c->x;
	snprintf(l->name, sizeof l->name, "%s", name);
	snprintf(l->ip, sizeof l->ip, "%s", c->q->ip);
	snprintf(l->next, sizeof l->next, "%s", next);
	l->password = strdup(form_get(f, "password"));
	MDB_txn *txn;
	N2gg__V1__DashboardAccount *acc = NULL;
	if (store_begin_read(&c->d->svc->store, &txn, &st) == 0) {
		if (accounts_get(c->d, txn, name, c->a, &acc, &st) == 0) {
			l->account = true;
			l->disabled = acc->disabled;
			snprintf(l->hash, sizeof l->hash, "%s", acc->password_hash);
		}
		mdb_txn_abort(txn);
	}
	l->work.data = l;
	if (!l->password || uv_queue_work(&c->d->svc->loop, &l->work, dash_login_work,
					  dash_login_done) != 0) {
		free(l->password);
		free(l);
		dash_error(c, 503, "The service is busy. Try again.");
		return false;
	}
	return true;
}

static void dash_logout(struct dash_call *c)
{
	struct status st;
	if (service_write(c->d->svc, dash_forget_txn, c, &st) < 0) {
		log_error("session not ended", "user=%s error=%s", log_str(c->user.name),
			  log_str(st.message));
		dash_error(c, 500, "Signing out failed for a fault of the service. Try again.");
		return;
	}
	log_info("signed out", "user=%s", log_str(c->user.name));
	dash_clear_session_cookie(c);
	web_redirect(c->r, "/login");
}

/* ---- single sign-on ---- */

/* --trusted-header from anywhere but a trusted proxy is refused, not passed over: it is
 * someone going round the proxy to claim a name, or a proxy left out of --trusted-proxies,
 * and either should be seen at once (a 403 and a log line) rather than look like a
 * sign-on that does not work. Returns the header's value when it is to be believed, NULL
 * when absent, empty (the proxy names no one) or off; *refused when the request has been
 * answered. */
static const char *dash_sso_user(struct dash_call *c, bool *refused)
{
	struct dashboard *d = c->d;
	const char *name = d->sso_header[0] ? web_header(c->x, d->sso_header) : NULL;
	*refused = false;
	if (name && !name[0])
		name = NULL;
	if (!name || session_proxy_trusted(&d->sso_proxies, c->q->ip))
		return name;
	d->stats.sso_refused++;
	log_warn("trusted header refused: not from a trusted proxy", "header=%s user=%s ip=%s",
		 log_str(d->sso_header), log_str(name), log_str(c->q->ip));
	dash_error(c, 403, "This request named its user in a header only the dashboard's own "
			   "sign-in proxy may send. Nothing was shown or changed.");
	*refused = true;
	return NULL;
}

/* The proxy has signed the person in as `name`: a session of theirs, made as a password
 * sign-in makes one (unless the browser holds one already). An unknown or disabled account
 * is refused (403): the proxy vouches for who the person is, the dashboard's accounts say
 * what they may see. Returns false when the request has been answered. */
static bool dash_sso_sign_in(struct dash_call *c, const char *name)
{
	struct dashboard *d = c->d;
	if (c->session && strcmp(c->session->user, name) == 0)
		return true;
	if (c->session) {
		/* another person's, in this browser before: not theirs to go on with */
		c->session = NULL;
		dash_clear_session_cookie(c);
	}
	struct status st;
	MDB_txn *txn;
	N2gg__V1__DashboardAccount *acc = NULL;
	int rc = -STATUS_NOT_FOUND;
	if (accounts_name_valid(name) && (rc = store_begin_read(&d->svc->store, &txn, &st)) == 0) {
		rc = accounts_get(d, txn, name, c->a, &acc, &st);
		mdb_txn_abort(txn);
	}
	if (rc == -STATUS_NOT_FOUND || (rc == 0 && acc->disabled)) {
		d->stats.sso_refused++;
		log_warn("sign-in via trusted header refused", "user=%s ip=%s why=%s", log_str(name),
			 log_str(c->q->ip), rc == 0 ? "disabled" : "no_such_user");
		dash_error(c, 403, "You are signed in, but not to an account of this dashboard that "
				   "is in use. Ask the dashboard's administrator for one.");
		return false;
	}
	if (rc < 0) {
		log_error("account not read", "user=%s error=%s", log_str(name), log_str(st.message));
		dash_error(c, 500, "The service could not read your account. Try again.");
		return false;
	}
	N2gg__V1__DashboardSession *s;
	const char *id;
	if (dash_new_session(c, name, &s, &id, &st) < 0)
		return false;
	log_info("signed in via trusted header", "user=%s ip=%s", log_str(name), log_str(c->q->ip));
	c->session = s;
	c->account = acc;
	c->q->session_cookie = id;
	c->expired = NULL;
	c->user = (struct page_user){acc->name, acc->role, acc->partner_id, s->csrf_token};
	return true;
}

/* ---- pages ---- */

static struct dash_viewer dash_viewer_of(const struct dash_call *c)
{
	return (struct dash_viewer){c->user.role, c->user.partner_id};
}

/* The URN of "/schools/123456": 0 when it is not one. */
static uint32_t dash_urn(const char *s)
{
	unsigned long long v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 10)
			return 0;
		v = v * 10 + (unsigned)(s[n] - '0');
	}
	return n && v <= UINT32_MAX ? (uint32_t)v : 0;
}

static void dash_pages(struct dash_call *c, MDB_txn *txn)
{
	struct dashboard *d = c->d;
	const char *path = c->q->path;
	struct dash_viewer v = dash_viewer_of(c);
	struct status st;
	int rc = 0;
	if (strcmp(path, "/") == 0) {
		if (v.role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER) {
			web_redirect(c->r, "/schools");
			return;
		}
		struct page_overview_data o;
		if ((rc = dash_data_overview(d, txn, c->a, &o, &st)) == 0)
			page_overview(&c->r->body, &c->user, &o);
	} else if (strcmp(path, "/schools") == 0 || strcmp(path, "/schools.csv") == 0) {
		struct page_schools_data s;
		if ((rc = dash_data_schools(d, txn, &v, &c->q->query, c->a, &s, &st)) < 0) {
		} else if (path[8] == '.') {
			view_schools_csv(&c->r->body, s.schools, s.n_schools);
			c->r->content_type = "text/csv; charset=utf-8";
			c->r->disposition = strdup("attachment; filename=\"schools.csv\"");
		} else {
			page_schools(&c->r->body, &c->user, &s);
		}
	} else if (strncmp(path, "/schools/", 9) == 0) {
		uint32_t urn = dash_urn(path + 9);
		struct page_school_data s;
		if (!urn) {
			dash_error(c, 404, "That is not a URN: a school's URN is a number of up to ten digits.");
			return;
		}
		if ((rc = dash_data_school(d, txn, &v, urn, c->a, &s, &st)) == 0)
			page_school(&c->r->body, &c->user, &s, c->a);
	} else if (strcmp(path, "/map") == 0) {
		struct page_schools_data s;
		if ((rc = dash_data_schools(d, txn, &v, &c->q->query, c->a, &s, &st)) == 0)
			page_map(&c->r->body, &c->user, &s);
	} else if (strncmp(path, "/clusters/", 10) == 0) {
		struct page_cluster_data cl;
		if ((rc = dash_data_cluster(d, txn, &v, path + 10, c->a, &cl, &st)) == 0)
			page_cluster(&c->r->body, &c->user, &cl);
	} else if (strncmp(path, "/groups/", 8) == 0) {
		struct page_group_data g;
		if ((rc = dash_data_group(d, txn, &v, path + 8, c->a, &g, &st)) == 0)
			page_group(&c->r->body, &c->user, &g);
	} else if (strcmp(path, "/partners") == 0) {
		struct page_partner_line *lines;
		size_t n;
		if (v.role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER) {
			char *to = arena_printf(c->a, "/partners/%s", v.partner_id ? v.partner_id : "");
			web_redirect(c->r, to);
			return;
		}
		if ((rc = dash_data_partners(d, txn, c->a, &lines, &n, &st)) == 0)
			page_partners(&c->r->body, &c->user, lines, n);
	} else if (strncmp(path, "/partners/", 10) == 0) {
		char *id = arena_strdup(c->a, path + 10);
		size_t len = strlen(id);
		bool ics = len > 4 && strcmp(id + len - 4, ".ics") == 0;
		struct page_partner_data p;
		if (ics)
			id[len - 4] = '\0';
		if ((rc = dash_data_partner(d, txn, &v, id, c->a, &p, &st)) < 0) {
		} else if (!ics) {
			page_partner(&c->r->body, &c->user, &p);
		} else if (page_partner_ics(&c->r->body, &p, date_now_ms()) == 0) {
			c->r->content_type = "text/calendar; charset=utf-8";
			c->r->disposition = strdup("attachment; filename=\"n2gg-visits.ics\"");
		} else {
			rc = status_fail(&st, STATUS_INTERNAL, "libical could not write the calendar");
		}
	} else if (strcmp(path, "/mi") == 0 || strncmp(path, "/mi/", 4) == 0) {
		/* chasing the schools' returns is the LA's work, not a partner's */
		if (v.role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER) {
			rc = status_fail(&st, STATUS_PERMISSION_DENIED,
					 "MI sheets' returns are for the LA's officers.");
		} else if (path[3] == '\0') {
			struct page_mi_line *lines;
			size_t n;
			if ((rc = dash_data_mi_list(d, txn, c->a, &lines, &n, &st)) == 0)
				page_mi_list(&c->r->body, &c->user, lines, n);
		} else {
			char *number = arena_strdup(c->a, path + 4);
			size_t len = strlen(number);
			bool csv = len > 4 && strcmp(number + len - 4, ".csv") == 0;
			struct page_mi_data m;
			if (csv)
				number[len - 4] = '\0';
			if ((rc = dash_data_mi(d, txn, number, c->a, &m, &st)) < 0) {
			} else if (csv) {
				page_mi_csv(&c->r->body, &m);
				c->r->content_type = "text/csv; charset=utf-8";
				c->r->disposition = strdup("attachment; filename=\"mi-responses.csv\"");
			} else {
				page_mi(&c->r->body, &c->user, &m);
			}
		}
	} else if (strcmp(path, "/status") == 0) {
		struct page_status_data s;
		dash_data_status(d, c->a, &s);
		page_status(&c->r->body, &c->user, &s);
	} else {
		dash_error(c, 404, "There is no page at this address.");
		return;
	}
	if (rc == -STATUS_NOT_FOUND) {
		dash_error(c, 404, st.message);
	} else if (rc == -STATUS_PERMISSION_DENIED) {
		d->stats.forbidden++;
		log_warn("page refused", "user=%s path=%s", log_str(c->user.name), log_str(path));
		dash_error(c, 403, st.message);
	} else if (rc < 0) {
		log_error("page failed", "path=%s error=%s", log_str(path), log_str(st.message));
		dash_error(c, 500, "The page could not be read from the store. Try again; if it fails "
				   "again, tell the service's operators.");
	}
}

static bool dash_route(struct dash_call *c)
{
	struct dashboard *d = c->d;
	const char *m = c->q->method, *path = c->q->path;
	bool get = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0, post = strcmp(m, "POST") == 0;
	bool held = false;
	if (!get && !post) {
		dash_error(c, 405, "Pages are read with GET and forms sent with POST.");
		return false;
	}
	bool refused;
	const char *sso_user = dash_sso_user(c, &refused);
	if (refused)
		return false;
	if (c->q->body_too_large) {
		dash_error(c, 413, "The form sent was larger than the dashboard accepts. Nothing was "
				   "changed.");
		return false;
	}
	if (get && strcmp(path, "/static/dashboard.css") == 0) {
		html_raw(&c->r->body, dashboard_css, dashboard_css_len);
		c->r->content_type = "text/css; charset=utf-8";
		c->r->cache = "public, max-age=3600";
		return false;
	}
	if (get && strncmp(path, "/static/", 8) == 0) {
		dash_static(c, path + 8);
		return false;
	}
	if (get && strncmp(path, "/assets/", 8) == 0) {   /* as govuk-frontend's CSS names them */
		dash_static(c, path + 1);
		return false;
	}
	struct status st;
	if (dash_session(c, &st) < 0) {
		log_error("session not read", "error=%s", log_str(st.message));
		dash_error(c, 500, "The service could not read your session. Try again.");
		return false;
	}
	if (sso_user && !dash_sso_sign_in(c, sso_user))
		return false;
	if (strcmp(path, "/login") == 0) {
		if (post)
			return dash_login_post(c);
		if (c->session) {
			web_redirect(c->r, "/");
			return false;
		}
		const char *error = form_has(&c->q->query, "expired")
					    ? "Your session ended. Sign in again."
					    : "";
		dash_login_page(c, error, "", dash_safe_next(form_get(&c->q->query, "next")));
		return false;
	}
	if (!c->session) {
		dash_to_login(c);
		return false;
	}
	if (post) {
		/* before anything else: a form that did not come from this session changes nothing */
		if (!session_csrf_ok(c->session, form_get(&c->q->body, "csrf"))) {
			d->stats.csrf_refused++;
			log_warn("form refused: CSRF token missing or wrong", "user=%s path=%s ip=%s",
				 log_str(c->user.name), log_str(path), log_str(c->q->ip));
			dash_error(c, 403, "The form did not come from this session (it may be old). "
					   "Go back, reload the page and try again. Nothing was changed.");
			return false;
		}
		if (strcmp(path, "/logout") == 0)
			dash_logout(c);
		else if (dash_actions_route(c, &held))
			return held;
		else
			dash_error(c, 404, "There is no form at this address.");
		return false;
	}
	if (dash_actions_route(c, &held))
		return held;
	MDB_txn *txn;
	if (store_begin_read(&d->svc->store, &txn, &st) < 0) {
		dash_error(c, 500, "The store could not be read. Try again.");
		return false;
	}
	dash_pages(c, txn);
	mdb_txn_abort(txn);
	return false;
}

void dash_handle(void *ctx, struct web_exchange *x)
{
	struct dashboard *d = ctx;
	struct dash_call c = {.d = d, .x = x, .q = web_request(x), .r = web_response(x),
			      .a = &d->page_arena};
	bool held = dash_route(&c);
	arena_reset(&d->page_arena);
	if (!held)
		web_finish(x);
}
