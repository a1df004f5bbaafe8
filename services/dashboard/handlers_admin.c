/* handlers_admin: the accounts page, for admins only — the accounts listed, one added (its
 * first password made here and shown once), disabled or enabled again (a disabled
 * account's sessions end at their next request), a password reset to a new one shown once.
 * Hashing a password takes argon2id's time and memory, so it runs on the thread pool like
 * a sign-in's check. Every change is a line in the log saying who did it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "date.h"
#include "forward.h"
#include "log.h"
#include "pages_actions.h"

/* 20 hex digits (80 bits) in groups of four: easy to read out, hard to guess, and each is
 * hashed with argon2id like any other. */
#define ADMIN_PASSWORD_LEN 24

struct dash_admin {
	const char *op;             /* "add", "reset", "disable", "enable" */
	N2gg__V1__DashboardAccount *acc;
	char password[ADMIN_PASSWORD_LEN + 1];
	char hash[ACCOUNTS_HASH_MAX];
};

static int dash_admin_password(char out[ADMIN_PASSWORD_LEN + 1], struct status *st)
{
	char token[SESSION_ID_LEN];
	int rc = accounts_random_token(token, st);
	if (rc < 0)
		return rc;
	snprintf(out, ADMIN_PASSWORD_LEN + 1, "%.4s-%.4s-%.4s-%.4s-%.4s", token, token + 4,
		 token + 8, token + 12, token + 16);
	explicit_bzero(token, sizeof token);
	return 0;
}

/* The page with every account; `add` the add form as it is to show. */
static int dash_admin_page(struct dash_call *c, struct html *h, const struct page_user *u,
			   struct arena *a, const struct page_form *add, const char *done,
			   const char *password_for, const char *password, struct status *st)
{
	MDB_txn *txn;
	int rc = store_begin_read(&c->d->svc->store, &txn, st);
	if (rc < 0)
		return rc;
	N2gg__V1__DashboardAccount **accounts;
	size_t n;
	rc = dash_store_scan(c->d, txn, DASH_DB_ACCOUNTS, NULL, 0,
			     &n2gg__v1__dashboard_account__descriptor, a, (void ***)&accounts, &n, st);
	mdb_txn_abort(txn);
	if (rc < 0)
		return rc;
	struct page_admin_data d = {(const N2gg__V1__DashboardAccount *const *)accounts, n,
				    password_for, password, done, add};
	page_admin(h, u, &d);
	return 0;
}

static int dash_admin_put_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct forward_job *j = ctx;
	struct dash_admin *ad = j->ctx;
	N2gg__V1__DashboardAccount *old = NULL;
	int rc = accounts_get(j->d, txn, ad->acc->name, &j->arena, &old, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	if (old && strcmp(ad->op, "add") == 0)
		return status_fail(st, STATUS_ALREADY_EXISTS, "There is already an account called %s.",
				   ad->acc->name);
	return accounts_put(j->d, txn, ad->acc, &j->arena, st);
}

static int dash_admin_hash(struct forward_job *j, struct status *st)
{
	struct dash_admin *ad = j->ctx;
	return accounts_hash_password(ad->password, ad->hash, st);
}

/* On the loop, once the password is hashed: stored, then the page shows it once. */
static void dash_admin_hashed(struct forward_job *j, int rc, const struct status *hst)
{
	struct dash_admin *ad = j->ctx;
	struct web_response *r = web_response(j->x);
	struct dash_call c = {.d = j->d, .x = j->x, .q = web_request(j->x), .r = r, .a = &j->arena,
			      .user = j->user};
	struct status st = *hst;
	if (rc == 0) {
		ad->acc->password_hash = ad->hash;
		ad->acc->password_changed_unix_ms = date_now_ms();
		rc = service_write(j->d->svc, dash_admin_put_txn, j, &st);
	}
	struct action_errors e = {0};
	struct page_form add = {"/admin/accounts", NULL, NULL};
	const char *done = "", *who = "", *password = "";
	if (rc == -STATUS_ALREADY_EXISTS) {
		action_fail(&e, "name", arena_strdup(&j->arena, st.message));
		add.values = &c.q->body;
		add.errors = &e;
	} else if (rc < 0) {
		log_error("account not stored", "by=%s user=%s error=%s", log_str(j->user.name),
			  log_str(ad->acc->name), log_str(st.message));
		dash_error(&c, 500, "The account could not be stored. Try again.");
		explicit_bzero(ad->password, sizeof ad->password);
		return;
	} else {
		log_info(strcmp(ad->op, "add") == 0 ? "account added" : "account password reset",
			 "by=%s user=%s role=%d partner=%s", log_str(j->user.name),
			 log_str(ad->acc->name), (int)ad->acc->role, log_str(ad->acc->partner_id));
		done = strcmp(ad->op, "add") == 0 ? "Account added" : "Password reset";
		who = ad->acc->name;
		password = ad->password;
	}
	if (dash_admin_page(&c, &r->body, &j->user, &j->arena, &add, done, who, password, &st) < 0)
		dash_error(&c, 500, "The accounts could not be read. Try again.");
	explicit_bzero(ad->password, sizeof ad->password);
}

static bool dash_admin_hash_start(struct dash_call *c, struct forward_job *j)
{
	struct dash_admin *ad = j->ctx;
	struct status st;
	if (dash_admin_password(ad->password, &st) < 0 ||
	    forward_start(j, dash_admin_hash, dash_admin_hashed) < 0) {
		dash_error(c, 503, "The dashboard is busy. Try again.");
		return false;
	}
	return true;
}

/* The add form's checks; the account in the job's arena. */
static bool dash_admin_add(struct dash_call *c, struct forward_job *j, struct dash_admin *ad)
{
	const struct form *f = &c->q->body;
	struct action_errors e = {0};
	const char *name = form_get(f, "name"), *partner = form_get(f, "partner");
	int role = accounts_role_parse(form_get(f, "role"));
	if (!accounts_name_valid(name))
		action_fail(&e, "name", "Enter a user name of letters, digits, '.', '-', '_' or '@', "
					"up to 64");
	if (role < 0)
		action_fail(&e, "role", "Choose the account's role");
	else if (role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER && !partner[0])
		action_fail(&e, "partner", "Enter the partner's id in the scheduler");
	else if (role != N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER && partner[0])
		action_fail(&e, "partner", "Only a partner's account has a partner id");
	else if (strlen(partner) > 64)
		action_fail(&e, "partner", "A partner id is at most 64 characters");
	if (e.count) {
		struct page_form add = {"/admin/accounts", f, &e};
		struct status st;
		if (dash_admin_page(c, &c->r->body, &c->user, &j->arena, &add, "", "", "", &st) < 0)
			dash_error(c, 500, "The accounts could not be read. Try again.");
		return false;
	}
	ad->acc = arena_message(&j->arena, &n2gg__v1__dashboard_account__descriptor);
	ad->acc->name = arena_strdup(&j->arena, name);
	ad->acc->role = (N2gg__V1__DashboardRole)role;
	ad->acc->partner_id = arena_strdup(&j->arena, partner);
	ad->acc->created_unix_ms = date_now_ms();
	return true;
}

struct dash_admin_flag {
	struct dashboard *d;
	struct arena *a;
	const char *name;
	bool disabled;
};

static int dash_admin_flag_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct dash_admin_flag *fl = ctx;
	N2gg__V1__DashboardAccount *acc;
	int rc = accounts_get(fl->d, txn, fl->name, fl->a, &acc, st);
	if (rc < 0)
		return rc;
	acc->disabled = fl->disabled;
	return accounts_put(fl->d, txn, acc, fl->a, st);
}

/* A POST of the accounts page: true when the job was started (the exchange held). */
static bool dash_admin_post(struct dash_call *c, struct forward_job *j, struct dash_admin *ad)
{
	const char *path = c->q->path;
	struct status st;
	if (strcmp(path, "/admin/accounts") == 0) {
		ad->op = "add";
		return dash_admin_add(c, j, ad) && dash_admin_hash_start(c, j);
	}
	/* /admin/accounts/NAME/OP */
	const char *rest = strncmp(path, "/admin/accounts/", 16) == 0 ? path + 16 : "";
	const char *slash = strrchr(rest, '/');
	char name[ACCOUNTS_NAME_MAX + 1];
	if (!slash || (size_t)(slash - rest) > ACCOUNTS_NAME_MAX) {
		dash_error(c, 404, "There is no form at this address.");
		return false;
	}
	snprintf(name, sizeof name, "%.*s", (int)(slash - rest), rest);
	const char *op = slash + 1;
	bool disable = strcmp(op, "disable") == 0;
	if (!disable && strcmp(op, "enable") != 0 && strcmp(op, "reset") != 0) {
		dash_error(c, 404, "There is no form at this address.");
		return false;
	}
	MDB_txn *txn;
	int rc = accounts_name_valid(name) ? store_begin_read(&c->d->svc->store, &txn, &st)
					   : -STATUS_NOT_FOUND;
	if (rc == 0) {
		rc = accounts_get(c->d, txn, name, &j->arena, &ad->acc, &st);
		mdb_txn_abort(txn);
	}
	if (rc < 0) {
		dash_error(c, rc == -STATUS_NOT_FOUND ? 404 : 500,
			   rc == -STATUS_NOT_FOUND ? "There is no such account."
						   : "The accounts could not be read. Try again.");
		return false;
	}
	if (strcmp(op, "reset") == 0) {
		ad->op = "reset";
		return dash_admin_hash_start(c, j);
	}
	if (disable && strcmp(name, c->user.name) == 0) {
		dash_error(c, 403, "You cannot disable your own account: another admin can. Nothing "
				   "was changed.");
		return false;
	}
	struct dash_admin_flag fl = {c->d, &j->arena, name, disable};
	if (service_write(c->d->svc, dash_admin_flag_txn, &fl, &st) < 0) {
		log_error("account not changed", "by=%s user=%s error=%s", log_str(c->user.name),
			  log_str(name), log_str(st.message));
		dash_error(c, 500, "The account could not be changed. Try again.");
		return false;
	}
	log_info(disable ? "account disabled" : "account enabled", "by=%s user=%s",
		 log_str(c->user.name), log_str(name));
	struct page_form add = {"/admin/accounts", NULL, NULL};
	if (dash_admin_page(c, &c->r->body, &c->user, &j->arena, &add,
			    arena_printf(&j->arena, "%s is %s.", name, disable ? "disabled" : "enabled"),
			    "", "", &st) < 0)
		dash_error(c, 500, "The accounts could not be read. Try again.");
	return false;
}

bool dash_admin_route(struct dash_call *c, bool *held)
{
	const char *path = c->q->path;
	*held = false;
	if (c->user.role != N2GG__V1__DASHBOARD_ROLE__DASHBOARD_ADMIN) {
		c->d->stats.forbidden++;
		log_warn("accounts page refused", "user=%s path=%s", log_str(c->user.name),
			 log_str(path));
		dash_error(c, 403, "Only admins manage the accounts. Nothing was changed.");
		return true;
	}
	if (strcmp(c->q->method, "POST") != 0) {
		struct status st;
		struct page_form add = {"/admin/accounts", NULL, NULL};
		if (strcmp(path, "/admin") != 0)
			dash_error(c, 404, "There is no page at this address.");
		else if (dash_admin_page(c, &c->r->body, &c->user, c->a, &add, "", "", "", &st) < 0)
			dash_error(c, 500, "The accounts could not be read. Try again.");
		return true;
	}
	struct forward_job *j = forward_new(c->d, c->x, &c->user);
	j->ctx = arena_zalloc(&j->arena, sizeof(struct dash_admin));
	*held = dash_admin_post(c, j, j->ctx);
	if (!*held)
		forward_drop(j);
	return true;
}
