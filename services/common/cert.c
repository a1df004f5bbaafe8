/* cert: certificate files through CZMQ's zcert and zconfig (see cert.h). */
#include "cert.h"

#include <czmq.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* zconfig reports a syntax error through CZMQ's log, which starts CZMQ's runtime, and that
 * would take SIGINT and SIGTERM from the service's own loop: tell CZMQ first to leave
 * signals alone. */
static void cert_czmq_quiet(void)
{
	static bool done;
	if (!done) {
		zsys_handler_set(NULL);
		done = true;
	}
}

bool cert_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= CERT_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

void cert_fingerprint(const uint8_t key[CERT_KEY_BYTES], char out[CERT_FINGERPRINT])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, CERT_KEY_BYTES, key);
	sha256_digest(&ctx, sizeof digest, digest);
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

/* A zcert's keys and metadata (when generating). */
static void cert_fill(zcert_t *z, struct cert *c)
{
	memset(c, 0, sizeof *c);
	memcpy(c->public_key, zcert_public_key(z), CERT_KEY_BYTES);
	memcpy(c->secret_key, zcert_secret_key(z), CERT_KEY_BYTES);
	c->has_secret = true;
	snprintf(c->public_txt, sizeof c->public_txt, "%s", zcert_public_txt(z));
	const char *name = zcert_meta(z, "name"), *roles = zcert_meta(z, "roles");
	snprintf(c->name, sizeof c->name, "%s", name ? name : "");
	snprintf(c->roles, sizeof c->roles, "%s", roles ? roles : "");
	cert_fingerprint(c->public_key, c->fingerprint);
}

#define CERT_FILE_MAX 16384   /* a certificate is a few hundred bytes */

static bool cert_decode(const char *txt, uint8_t key[CERT_KEY_BYTES])
{
	return txt && strlen(txt) == CERT_KEY_TEXT - 1 && zmq_z85_decode(key, txt) != NULL;
}

int cert_load(const char *path, struct cert *c, struct status *st)
{
	struct stat sb;
	memset(c, 0, sizeof *c);
	cert_czmq_quiet();
	if (stat(path, &sb) != 0)
		return status_fail(st, STATUS_NOT_FOUND, "no certificate %s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "certificate %s is not a file", path);
	/* read here, not by zcert_load (which would try "<path>_secret" first) nor by
	 * zconfig_load (which leaks its file handle on a syntax error) */
	if (sb.st_size > CERT_FILE_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s is too large for a certificate (%lld bytes)", path,
				   (long long)sb.st_size);
	char text[CERT_FILE_MAX + 1];
	FILE *f = fopen(path, "r");
	if (!f)
		return status_fail(st, STATUS_FAILED_PRECONDITION, "cannot read %s: %s", path,
				   strerror(errno));
	size_t len = fread(text, 1, CERT_FILE_MAX, f);
	fclose(f);
	text[len] = '\0';
	zconfig_t *root = memchr(text, '\0', len) ? NULL : zconfig_str_load(text);
	if (!root)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s is not a ZPL certificate (as zcert or zmq.auth write them)", path);
	const char *public_txt = zconfig_get(root, "curve/public-key", NULL);
	const char *secret_txt = zconfig_get(root, "curve/secret-key", NULL);
	const char *name = zconfig_get(root, "metadata/name", "");
	const char *roles = zconfig_get(root, "metadata/roles", "");
	int rc = 0;
	if (!cert_decode(public_txt, c->public_key))
		rc = status_fail(st, STATUS_INVALID_ARGUMENT,
				 "certificate %s has no valid curve/public-key", path);
	else if (secret_txt && !cert_decode(secret_txt, c->secret_key))
		rc = status_fail(st, STATUS_INVALID_ARGUMENT,
				 "certificate %s has a malformed curve/secret-key", path);
	else if (secret_txt && (sb.st_mode & 077))
		rc = status_fail(st, STATUS_FAILED_PRECONDITION,
				 "secret certificate %s is readable by others (mode %03o): chmod 600 it",
				 path, (unsigned)(sb.st_mode & 0777));
	else if (name[0] && !cert_name_valid(name))
		rc = status_fail(st, STATUS_INVALID_ARGUMENT,
				 "certificate %s: name \"%.64s\" may hold only letters, digits, '.', '_' "
				 "and '-'",
				 path, name);
	else if (strlen(roles) >= CERT_ROLES_MAX)
		rc = status_fail(st, STATUS_INVALID_ARGUMENT, "certificate %s: roles too long", path);
	if (rc == 0) {
		c->has_secret = secret_txt != NULL;
		snprintf(c->public_txt, sizeof c->public_txt, "%s", public_txt);
		snprintf(c->name, sizeof c->name, "%s", name);
		snprintf(c->roles, sizeof c->roles, "%s", roles);
		cert_fingerprint(c->public_key, c->fingerprint);
	}
	zconfig_destroy(&root);
	return rc;
}

int cert_generate(const char *dir, const char *name, const char *roles, struct cert *out,
		  struct status *st)
{
	cert_czmq_quiet();
	if (!cert_name_valid(name))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "name \"%s\": use letters, digits, '.', '_' and '-' (at most %d)",
				   name, CERT_NAME_MAX - 1);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return status_fail(st, STATUS_FAILED_PRECONDITION, "cannot create %s: %s", dir,
				   strerror(errno));
	char public_path[4096], secret_path[4096 + 8];
	snprintf(public_path, sizeof public_path, "%s/%s.key", dir, name);
	snprintf(secret_path, sizeof secret_path, "%s_secret", public_path);
	if (access(public_path, F_OK) == 0 || access(secret_path, F_OK) == 0)
		return status_fail(st, STATUS_ALREADY_EXISTS,
				   "%s already exists: remove it first to make a new key", public_path);
	zcert_t *z = zcert_new();
	if (!z)
		return status_fail(st, STATUS_INTERNAL, "cannot make a CURVE key pair (libzmq without CURVE?)");
	zcert_set_meta(z, "name", "%s", name);
	if (roles && roles[0])
		zcert_set_meta(z, "roles", "%s", roles);
	/* zcert_save_secret writes under a private umask: mode 0600 */
	int rc = 0;
	if (zcert_save_public(z, public_path) != 0 || zcert_save_secret(z, secret_path) != 0 ||
	    chmod(secret_path, 0600) != 0) {
		rc = status_fail(st, STATUS_FAILED_PRECONDITION, "cannot write %s: %s", public_path,
				 strerror(errno));
		unlink(public_path);
		unlink(secret_path);
	} else if (out) {
		cert_fill(z, out);
	}
	zcert_destroy(&z);
	return rc;
}
