/* secret: the notifier's secrets and the rules that keep them, pure (the files are read
 * by the shell, channel_secret_read()): the webhook signing secret and the signature of
 * a webhook as the Standard Webhooks convention has it (https://www.standardwebhooks.com/),
 * the SMTP login file, and the permissions a file holding either may have.
 *
 * No error message here ever quotes a secret, or any part of the text it was parsed
 * from: those messages end up in logs. */
#ifndef N2GG_SECRET_H
#define N2GG_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* The convention's bounds on the key: shorter is guessable, longer gains nothing with
 * HMAC-SHA256 (a key past its 64-byte block is hashed first). */
#define SECRET_WEBHOOK_KEY_MIN 24
#define SECRET_WEBHOOK_KEY_MAX 64

struct secret_webhook_key {
	uint8_t bytes[SECRET_WEBHOOK_KEY_MAX];
	size_t len;
};

/* A secret file is small; anything larger is not one. */
#define SECRET_FILE_MAX 4096

/* "whsec_<base64 of the key>" (standard base64 with its padding), as a receiver's
 * library takes it, optionally followed by a line end and blank space. Refused with
 * INVALID_ARGUMENT: no "whsec_" prefix, characters outside base64's alphabet (blank
 * space inside included), bad padding, or a key of fewer than SECRET_WEBHOOK_KEY_MIN or
 * more than SECRET_WEBHOOK_KEY_MAX bytes. */
int secret_webhook_key_parse(const char *text, size_t len, struct secret_webhook_key *key,
			     struct status *st);

/* "v1," + base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>"): the webhook-signature
 * header's value for a message with that webhook-id and webhook-timestamp (seconds since
 * the epoch). out holds SECRET_SIGNATURE_SIZE bytes, NUL included. Fails
 * (INVALID_ARGUMENT) when the key is out of bounds or the id empty. */
#define SECRET_SIGNATURE_SIZE 48   /* "v1," + 44 base64 characters + NUL */
int secret_webhook_sign(const struct secret_webhook_key *key, const char *id,
			int64_t timestamp, const char *body, size_t len,
			char out[SECRET_SIGNATURE_SIZE], struct status *st);

/* An SMTP login: the user name on the first line, the password on the second (so that a
 * password may hold any character but a line end). Line ends LF or CRLF; the last one
 * may be left out; blank lines may follow. Refused (INVALID_ARGUMENT): fewer than two
 * lines, an empty user or password, a control character in either, either longer than
 * SECRET_LOGIN_MAX - 1 bytes, or more lines. */
#define SECRET_LOGIN_MAX 256
struct secret_login {
	char user[SECRET_LOGIN_MAX];
	char password[SECRET_LOGIN_MAX];
};
int secret_login_parse(const char *text, size_t len, struct secret_login *login,
		       struct status *st);

/* The permission bits (st_mode) of a file holding a secret: 0 when only its owner may
 * read or write it; 1 when its group may (a warning: a deliberate root:n2gg 0640 is
 * common, a careless one is not, so st says which bits); -STATUS_FAILED_PRECONDITION
 * when every user of the machine may. */
int secret_file_mode_check(unsigned mode, struct status *st);

/* Clears memory that held a secret in a way the compiler may not drop. */
void secret_wipe(void *p, size_t n);

#endif
