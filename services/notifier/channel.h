/* channel: the I/O shell that carries one composed notice to its recipient, one attempt
 * at a time: a mail directory of .eml files (the default, no server needed), SMTP and a
 * webhook, the last two through libcurl. A channel does not retry; it reports what
 * happened as a struct delivery_result (delivery.h), judged ok, transient or permanent,
 * and the caller decides when to try again (delivery_backoff_ms()). */
#ifndef N2GG_CHANNEL_H
#define N2GG_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "delivery.h"
#include "secret.h"
#include "status.h"

enum channel_kind {
	CHANNEL_MAILDIR = 0,
	CHANNEL_SMTP,
	CHANNEL_WEBHOOK,
};

/* What is asked for; a server not on loopback always gets CHANNEL_TLS_REQUIRED
 * (channel_smtp_tls()), and CHANNEL_TLS_NONE is refused for it (channel_config_check()). */
enum channel_tls {
	CHANNEL_TLS_TRY = 0,   /* STARTTLS when the server offers it */
	CHANNEL_TLS_NONE,      /* plain text (a local test sink) */
	CHANNEL_TLS_REQUIRED,  /* STARTTLS or fail (permanently) */
};

struct channel_config {
	enum channel_kind kind;
	const char *target;         /* maildir: a directory; smtp: smtp://host[:port] or
				     * smtps://; webhook: an http(s) URL */
	const char *mail_from;      /* smtp: the envelope sender */
	const char *username;       /* smtp: AUTH, both or neither; may be NULL (from a login
				     * file, secret_login_parse(), never from a URL) */
	const char *password;
	enum channel_tls tls;       /* smtp:// only */
	const struct secret_webhook_key *webhook_key;  /* webhook: the signing key, required */
	long connect_timeout_ms;    /* 0: 10 s */
	long timeout_ms;            /* the whole attempt; 0: 60 s */
};

/* One thing to deliver. */
struct channel_item {
	const char *key;            /* the idempotency key (delivery_key()) */
	const char *recipient;      /* the envelope recipient (smtp) */
	const char *data;           /* an RFC 5322 message (maildir, smtp) or JSON (webhook) */
	size_t len;
};

/* Once per process, before any thread sends (libcurl's global state), and at exit. */
int channel_global_init(struct status *st);
void channel_global_cleanup(void);

/* "maildir", "smtp", "webhook" (also the channel name in the idempotency key). */
const char *channel_kind_name(enum channel_kind kind);
int channel_kind_parse(const char *name, enum channel_kind *kind);

/* Checks a configuration before first use: the target's form, the sender's address, no
 * credentials in a URL, TLS for a mail server not on loopback, a webhook's signing key. */
int channel_config_check(const struct channel_config *cfg, struct status *st);

/* The TLS an SMTP send uses: what cfg asks for on loopback, CHANNEL_TLS_REQUIRED
 * anywhere else (a password and the letters never cross a network in clear). */
enum channel_tls channel_smtp_tls(const struct channel_config *cfg);

/* Reads a file holding a secret (a webhook secret, an SMTP login) into buf (cap bytes;
 * NUL-terminated, *len excludes the NUL), what naming it in messages. Refused
 * (FAILED_PRECONDITION) when it cannot be read, is not a regular file, is empty, is
 * larger than cap - 1 bytes, or every user may read or write it; returns 1 with st
 * saying why when its group may (secret_file_mode_check()), else 0. The caller wipes buf
 * (secret_wipe()) once parsed. */
int channel_secret_read(const char *path, const char *what, char *buf, size_t cap,
			size_t *len, struct status *st);

/* One attempt. Fills *res in every case and returns 0 when it is ok, or a negative code
 * with st naming the reason: -STATUS_UNAVAILABLE when transient, another (usually
 * -STATUS_FAILED_PRECONDITION or -STATUS_INVALID_ARGUMENT) when permanent. */
int channel_send(const struct channel_config *cfg, const struct channel_item *item,
		 struct delivery_result *res, struct status *st);

/* The channels themselves (channel_send() dispatches on cfg->kind). */

/* Writes <target>/<key>.eml through a temporary file linked into place, so a reader
 * never sees half a letter and an existing letter is never replaced: when the file is
 * there already the send is a no-op success with res->duplicate set. That is this
 * channel's exactly-once guarantee, across retries and restarts alike. */
int channel_maildir_send(const struct channel_config *cfg, const struct channel_item *item,
			 struct delivery_result *res, struct status *st);

/* Whether a file name is one of channel_maildir_send's temporary files,
 * ".<key>.eml.<pid>.<n>.tmp"; *pid is the writer's process id. */
bool channel_maildir_is_temp(const char *name, long *pid);

/* Removes the temporary files a sender stopped mid-write (a crash, a kill) left in `dir`:
 * only names channel_maildir_is_temp() accepts, last changed before `before_ms` (the
 * process's start), and not being written by another live process. Letters are never
 * touched. Sets *removed; <0 with st set when the directory cannot be read. */
int channel_maildir_clean(const char *dir, long long before_ms, size_t *removed,
			  struct status *st);

/* MAIL FROM cfg->mail_from, RCPT TO item->recipient, DATA item->data. The server's last
 * reply (code and text) is kept; 4xx transient, 5xx permanent, connection refused and
 * timeouts transient. */
int channel_smtp_send(const struct channel_config *cfg, const struct channel_item *item,
		      struct delivery_result *res, struct status *st);

/* POST item->data as application/json with an Idempotency-Key header (the key) so the
 * receiver can drop a repeat, signed as Standard Webhooks has it: webhook-id (the key
 * again: the same on every attempt), webhook-timestamp (this attempt's time, so that a
 * receiver's replay window holds for a retry) and webhook-signature
 * (secret_webhook_sign() with cfg->webhook_key); redirects are not followed. 2xx ok; 408, 429, 5xx and
 * connection errors transient (Retry-After kept); other statuses permanent. The reply is
 * the status and the start of the response body. */
int channel_webhook_send(const struct channel_config *cfg, const struct channel_item *item,
			 struct delivery_result *res, struct status *st);

/* Shared by the libcurl channels: the delivery_net of a CURLcode (an int here, so this
 * header needs no curl.h), and the status a result maps to. */
enum delivery_net channel_curl_net(int curl_code);
int channel_result_status(const struct delivery_result *res, const char *what,
			  struct status *st);

#endif
