/* accounts: the dashboard's people and their signed-in sessions, in its store. Passwords
 * are kept as argon2id hashes (libargon2's encoded form carries its salt and costs, so the
 * costs can rise later without a migration); sessions under the SHA-256 of their id. Also
 * `n2gg-dashboard --add-user`, which writes an account and exits. */
#include <argon2.h>
#include <ctype.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "dashboard.h"
#include "date.h"
#include "log.h"

/* OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): about 30 ms here, so a login is
 * quick and a stolen store is slow to guess from. */
#define ACCOUNTS_T_COST 2
#define ACCOUNTS_M_COST (19 * 1024)
#define ACCOUNTS_LANES 1
#define ACCOUNTS_SALT 16
#define ACCOUNTS_HASH_LEN 32
/* The most a password may be: longer adds nothing and costs hashing time. */
#define ACCOUNTS_PASSWORD_MAX 1024

static int accounts_random(uint8_t *out, size_t n, struct status *st)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(out + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return status_fail(st, STATUS_INTERNAL, "no random bytes: %s", strerror(errno));
		got += (size_t)r;
	}
	return 0;
}

int accounts_random_token(char out[SESSION_ID_LEN], struct status *st)
{
	uint8_t raw[SESSION_ID_BYTES];
	int rc = accounts_random(raw, sizeof raw, st);
	if (rc == 0)
		session_hex(raw, sizeof raw, out);
	return rc;
}

int accounts_hash_password(const char *password, char out[ACCOUNTS_HASH_MAX], struct status *st)
{
	uint8_t salt[ACCOUNTS_SALT];
	int rc = accounts_random(salt, sizeof salt, st);
	if (rc < 0)
		return rc;
	int arc = argon2id_hash_encoded(ACCOUNTS_T_COST, ACCOUNTS_M_COST, ACCOUNTS_LANES, password,
					strlen(password), salt, sizeof salt, ACCOUNTS_HASH_LEN, out,
					ACCOUNTS_HASH_MAX);
	if (arc != ARGON2_OK)
		return status_fail(st, STATUS_INTERNAL, "argon2id: %s", argon2_error_message(arc));
	return 0;
}

bool accounts_password_ok(const char *encoded, const char *password)
{
	size_t n = strlen(password);
	return n && n <= ACCOUNTS_PASSWORD_MAX && strncmp(encoded, "$argon2id$", 10) == 0 &&
	       argon2id_verify(encoded, password, n) == ARGON2_OK;
}

bool accounts_name_valid(const char *name)
{
	size_t n = 0;
	for (; name[n]; n++)
		if (!isalnum((unsigned char)name[n]) && !strchr(".-_@", name[n]))
			return false;
	return n >= 1 && n <= ACCOUNTS_NAME_MAX;
}

int accounts_role_parse(const char *text)
{
	static const char *const names[] = {"", "viewer", "officer", "partner", "admin"};
	for (int i = 1; i < 5; i++)
		if (strcmp(text, names[i]) == 0)
			return i;
	return -1;
}

int accounts_get(struct dashboard *d, MDB_txn *txn, const char *name, struct arena *a,
		 N2gg__V1__DashboardAccount **out, struct status *st)
{
	return dash_store_get(d, txn, DASH_DB_ACCOUNTS, name, strlen(name),
			      &n2gg__v1__dashboard_account__descriptor, a, (void **)out, st);
}

int accounts_put(struct dashboard *d, MDB_txn *txn, const N2gg__V1__DashboardAccount *acc,
		 struct arena *a, struct status *st)
{
	return dash_store_put(d, txn, DASH_DB_ACCOUNTS, acc->name, strlen(acc->name), &acc->base,
			      a, st);
}

static void accounts_session_key(const char *id, uint8_t key[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(id), (const uint8_t *)id);
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, key);
}

int accounts_session_get(struct dashboard *d, MDB_txn *txn, const char *id, struct arena *a,
			 N2gg__V1__DashboardSession **out, struct status *st)
{
	uint8_t key[SHA256_DIGEST_SIZE];
	accounts_session_key(id, key);
	return dash_store_get(d, txn, DASH_DB_SESSIONS, key, sizeof key,
			      &n2gg__v1__dashboard_session__descriptor, a, (void **)out, st);
}

int accounts_session_put(struct dashboard *d, MDB_txn *txn, const char *id,
			 const N2gg__V1__DashboardSession *s, struct arena *a, struct status *st)
{
	uint8_t key[SHA256_DIGEST_SIZE];
	accounts_session_key(id, key);
	return dash_store_put(d, txn, DASH_DB_SESSIONS, key, sizeof key, &s->base, a, st);
}

int accounts_session_del(struct dashboard *d, MDB_txn *txn, const char *id, struct status *st)
{
	uint8_t key[SHA256_DIGEST_SIZE];
	accounts_session_key(id, key);
	int rc = store_del(txn, d->db[DASH_DB_SESSIONS], key, sizeof key, st);
	return rc == -STATUS_NOT_FOUND ? 0 : rc;
}

int accounts_sessions_prune(struct dashboard *d, MDB_txn *txn, int64_t now_ms, size_t *count,
			    struct status *st)
{
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, d->db[DASH_DB_SESSIONS], &cur);
	if (mrc)
		return store_error(mrc, "reading the sessions", st);
	MDB_val k, v;
	*count = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		N2gg__V1__DashboardSession *s = n2gg__v1__dashboard_session__unpack(
			NULL, v.mv_size, v.mv_data);
		/* one that does not read is no use to anyone: it goes too */
		bool expired = !s || session_check(s, &d->session, now_ms) != SESSION_VALID;
		if (s)
			n2gg__v1__dashboard_session__free_unpacked(s, NULL);
		if (expired && (mrc = mdb_cursor_del(cur, 0)) != 0)
			break;
		*count += expired;
	}
	mdb_cursor_close(cur);
	return mrc == 0 || mrc == MDB_NOTFOUND ? 0 : store_error(mrc, "pruning the sessions", st);
}

/* ---- --add-user ---- */

/* The first line of `f`, without its line end, into buf; -1 when there is none. */
static int accounts_read_line(FILE *f, char *buf, size_t size)
{
	if (!fgets(buf, (int)size, f))
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

struct accounts_add {
	struct dashboard *d;
	N2gg__V1__DashboardAccount *acc;
	bool existed;
};

static int accounts_add_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct accounts_add *c = ctx;
	N2gg__V1__DashboardAccount *old = NULL;
	int rc = accounts_get(c->d, txn, c->acc->name, &c->d->arena, &old, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	c->existed = old != NULL;
	if (old)
		c->acc->created_unix_ms = old->created_unix_ms;
	return accounts_put(c->d, txn, c->acc, &c->d->arena, st);
}

int accounts_add_user_command(struct dashboard *d, struct status *st)
{
	struct service *svc = d->svc;
	const char *name = service_setting(svc, "add-user");
	const char *role_text = service_setting(svc, "role");
	const char *partner = service_setting(svc, "partner");
	const char *file = service_setting(svc, "password-file");
	int role = accounts_role_parse(role_text);
	if (!accounts_name_valid(name))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "--add-user \"%s\": 1 to %d letters, digits, '.', '-', '_' or '@'",
				   name, ACCOUNTS_NAME_MAX);
	if (role < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "--role \"%s\": viewer, officer, partner or admin", role_text);
	if ((role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER) != (partner[0] != '\0'))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "--partner ID goes with --role partner, and only with it");
	char password[ACCOUNTS_PASSWORD_MAX + 2];
	FILE *f = file[0] ? fopen(file, "r") : stdin;
	if (!f)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "--password-file %s: %s", file,
				   strerror(errno));
	int rc = accounts_read_line(f, password, sizeof password);
	if (f != stdin)
		fclose(f);
	if (rc < 0 || strlen(password) < ACCOUNTS_PASSWORD_MIN ||
	    strlen(password) > ACCOUNTS_PASSWORD_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "the password (first line of %s) must be %d to %d characters",
				   file[0] ? file : "standard input", ACCOUNTS_PASSWORD_MIN,
				   ACCOUNTS_PASSWORD_MAX);
	char hash[ACCOUNTS_HASH_MAX];
	rc = accounts_hash_password(password, hash, st);
	explicit_bzero(password, sizeof password);
	if (rc < 0)
		return rc;
	N2gg__V1__DashboardAccount acc = N2GG__V1__DASHBOARD_ACCOUNT__INIT;
	acc.name = (char *)name;
	acc.role = (N2gg__V1__DashboardRole)role;
	acc.partner_id = (char *)partner;
	acc.password_hash = hash;
	acc.created_unix_ms = acc.password_changed_unix_ms = date_now_ms();
	struct accounts_add c = {d, &acc, false};
	if ((rc = store_write(&svc->store, accounts_add_txn, &c, st)) < 0)
		return rc;
	log_info(c.existed ? "account updated" : "account added", "user=%s role=%s partner=%s",
		 log_str(name), role_text, log_str(partner));
	printf("%s %s (%s%s%s)\n", c.existed ? "updated" : "added", name, role_text,
	       partner[0] ? ", partner " : "", partner);
	return 0;
}
