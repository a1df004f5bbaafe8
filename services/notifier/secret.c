/* secret: webhook signing secrets and signatures, SMTP login files, and the permissions of
 * a file holding a secret (see secret.h). The cryptography is nettle's. */
#include "secret.h"

#include <inttypes.h>
#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SECRET_WEBHOOK_PREFIX "whsec_"
/* the longest base64 text of a key within bounds, padding included */
#define SECRET_WEBHOOK_TEXT_MAX BASE64_ENCODE_RAW_LENGTH(SECRET_WEBHOOK_KEY_MAX)

static bool secret_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool secret_base64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

int secret_webhook_key_parse(const char *text, size_t len, struct secret_webhook_key *key,
			     struct status *st)
{
	static const char form[] = "expected whsec_ followed by the key in base64";
	key->len = 0;
	while (len && secret_blank(text[len - 1]))  /* the line end an editor leaves */
		len--;
	size_t plen = strlen(SECRET_WEBHOOK_PREFIX);
	if (len < plen || memcmp(text, SECRET_WEBHOOK_PREFIX, plen) != 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "not a webhook secret: %s", form);
	const char *b64 = text + plen;
	size_t n = len - plen, pad = 0;
	while (pad < 2 && pad < n && b64[n - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < n - pad; i++)
		if (!secret_base64_char(b64[i]))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "webhook secret: a character that is not base64 at "
					   "offset %zu (%s)",
					   plen + i, form);
	if (n == 0 || n % 4 != 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "webhook secret: the base64 text is %s (%s, with its '=' padding)",
				   n ? "cut short" : "empty", form);
	size_t bytes = n / 4 * 3 - pad;
	if (bytes < SECRET_WEBHOOK_KEY_MIN || bytes > SECRET_WEBHOOK_KEY_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "webhook secret: a key of %zu bytes; it must have %d to %d "
				   "(e.g. whsec_$(head -c 32 /dev/urandom | base64))",
				   bytes, SECRET_WEBHOOK_KEY_MIN, SECRET_WEBHOOK_KEY_MAX);
	/* bytes <= KEY_MAX, so n <= TEXT_MAX and the decoded text fits */
	uint8_t out[BASE64_DECODE_LENGTH(SECRET_WEBHOOK_TEXT_MAX)];
	struct base64_decode_ctx ctx;
	size_t got = 0;
	base64_decode_init(&ctx);
	int ok = base64_decode_update(&ctx, &got, out, n, b64) && base64_decode_final(&ctx) &&
		 got == bytes;
	if (ok) {
		memcpy(key->bytes, out, got);
		key->len = got;
	}
	secret_wipe(out, sizeof out);
	secret_wipe(&ctx, sizeof ctx);
	if (!ok)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "webhook secret: bad base64 (%s)",
				   form);
	return 0;
}

int secret_webhook_sign(const struct secret_webhook_key *key, const char *id,
			int64_t timestamp, const char *body, size_t len,
			char out[SECRET_SIGNATURE_SIZE], struct status *st)
{
	out[0] = '\0';
	if (!key || key->len < SECRET_WEBHOOK_KEY_MIN || key->len > SECRET_WEBHOOK_KEY_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "webhook: no usable signing key");
	if (!id || !*id)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "webhook: no message id to sign");
	char stamp[24];
	int slen = snprintf(stamp, sizeof stamp, "%" PRId64, timestamp);
	struct hmac_sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	hmac_sha256_set_key(&ctx, key->len, key->bytes);
	hmac_sha256_update(&ctx, strlen(id), (const uint8_t *)id);
	hmac_sha256_update(&ctx, 1, (const uint8_t *)".");
	hmac_sha256_update(&ctx, (size_t)slen, (const uint8_t *)stamp);
	hmac_sha256_update(&ctx, 1, (const uint8_t *)".");
	hmac_sha256_update(&ctx, len, (const uint8_t *)body);
	hmac_sha256_digest(&ctx, sizeof digest, digest);
	/* the context holds the key's inner and outer pads: as good as the key */
	secret_wipe(&ctx, sizeof ctx);
	memcpy(out, "v1,", 3);
	base64_encode_raw(out + 3, sizeof digest, digest);
	out[3 + BASE64_ENCODE_RAW_LENGTH(sizeof digest)] = '\0';
	return 0;
}

/* One line of a login file into out: [*pos, the next LF or the end), a CR before the LF
 * dropped; *pos moves past the LF. */
static int secret_login_line(const char *text, size_t len, size_t *pos, const char *what,
			     char *out, struct status *st)
{
	size_t start = *pos, end = start;
	while (end < len && text[end] != '\n')
		end++;
	*pos = end < len ? end + 1 : end;
	if (end > start && text[end - 1] == '\r')
		end--;
	if (end == start)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "SMTP login: the %s is empty",
				   what);
	if (end - start >= SECRET_LOGIN_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "SMTP login: the %s is longer than %d bytes", what,
				   SECRET_LOGIN_MAX - 1);
	for (size_t i = start; i < end; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "SMTP login: a control character in the %s", what);
	memcpy(out, text + start, end - start);
	out[end - start] = '\0';
	return 0;
}

int secret_login_parse(const char *text, size_t len, struct secret_login *login,
		       struct status *st)
{
	memset(login, 0, sizeof *login);
	/* line ends at the end are not part of the password; blank space may be */
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (!memchr(text, '\n', len))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "SMTP login: expected two lines, the user name and then the "
				   "password; found %s",
				   len ? "one (user:password is not read)" : "none");
	size_t pos = 0;
	int rc;
	if ((rc = secret_login_line(text, len, &pos, "user name", login->user, st)) < 0 ||
	    (rc = secret_login_line(text, len, &pos, "password", login->password, st)) < 0) {
		secret_wipe(login, sizeof *login);
		return rc;
	}
	for (; pos < len; pos++)
		if (!secret_blank(text[pos])) {
			secret_wipe(login, sizeof *login);
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "SMTP login: more than two lines (the user name, then "
					   "the password)");
		}
	return 0;
}

int secret_file_mode_check(unsigned mode, struct status *st)
{
	if (mode & (S_IROTH | S_IWOTH))
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "every user of this machine may %s it (mode %04o): chmod 600, "
				   "or 640 for a group",
				   mode & S_IROTH ? "read" : "write", mode & 07777);
	if (mode & (S_IRGRP | S_IWGRP)) {
		status_fail(st, STATUS_OK, "its group may %s it (mode %04o)",
			    mode & S_IRGRP ? "read" : "write", mode & 07777);
		return 1;
	}
	if (st)
		status_clear(st);
	return 0;
}

void secret_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}
