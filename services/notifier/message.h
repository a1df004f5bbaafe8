/* message: composing one notice as an RFC 5322 / MIME message (or as the JSON a webhook
 * receives), and the checks on an email address and a URL (a webhook's; whether a host
 * is on loopback). Pure: the text is built in an arena from plain structs; the same
 * input gives the same bytes, boundary included, so a retried letter is the letter first
 * tried. */
#ifndef N2GG_MESSAGE_H
#define N2GG_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "status.h"

struct message_address {
	const char *name;     /* display name, UTF-8, may be NULL or "" */
	const char *address;  /* addr-spec, ASCII */
};

enum message_transfer {
	MESSAGE_QUOTED_PRINTABLE = 0,  /* readable in a raw .eml, the default */
	MESSAGE_BASE64,
};

struct message {
	struct message_address from;
	struct message_address to;
	const struct message_address *reply_to;  /* may be NULL */
	const char *subject;       /* UTF-8, one line */
	const char *text;          /* the text/plain body, UTF-8, LF or CRLF line ends */
	const char *html;          /* the text/html body, UTF-8; NULL for text/plain only */
	int64_t date;              /* seconds since the epoch */
	int utc_offset_min;        /* the Date header's zone, e.g. 60 in British Summer Time */
	const char *message_id;    /* "<key@domain>", from delivery_message_id() */
	enum message_transfer transfer;
};

/* Composes the message: From, To, Reply-To, Subject (RFC 2047 encoded-words when not
 * ASCII, folded to 78 columns), Date (RFC 5322), Message-ID, MIME-Version,
 * Auto-Submitted, then either one text/plain part or multipart/alternative with text/plain
 * and text/html, both UTF-8 in quoted-printable or base64. CRLF line ends throughout, no
 * line over 78 characters but the Message-ID's (a msg-id cannot be folded, and
 * "<64 hex digits@n2gg.invalid>" alone is 79). The boundary is derived from the
 * Message-ID. *out is
 * NUL-terminated; *len excludes the NUL. Fails (INVALID_ARGUMENT) on a bad address,
 * header text with line breaks or control characters, text that is not UTF-8, or a
 * missing subject, body or Message-ID. */
int message_compose(struct arena *a, const struct message *m, char **out, size_t *len,
		    struct status *st);

/* The webhook's JSON body: {"idempotency_key", "message_id", "date" (RFC 3339 UTC),
 * "from": {"name", "address"}, "to": {...}, "subject", "text", "html"} ("html" only when
 * set). Same checks as message_compose(). */
int message_compose_json(struct arena *a, const struct message *m, const char *key,
			 char **out, size_t *len, struct status *st);

/* "Tue, 01 Oct 2013 09:00:00 +0100" into out (at least MESSAGE_DATE_SIZE bytes), in
 * English whatever the locale. */
#define MESSAGE_DATE_SIZE 64
char *message_format_date(int64_t t, int utc_offset_min, char *out);

/* A practical check of an addr-spec: ASCII, one '@', a local part of 1-64 characters
 * without spaces, control characters or the specials ()<>[]:;,\" and no leading,
 * trailing or doubled dot; a domain of dot-separated labels (letters, digits, hyphens;
 * at least one dot; 253 characters at most). */
int message_address_check(const char *address, struct status *st);
bool message_address_valid(const char *address);

/* A webhook URL: parsed by libcurl's URL API (no I/O), scheme https, or http for a host
 * on loopback (the letters carry personal data), a host, and no user name or password
 * (they would show in logs and in the process listing). */
int message_webhook_url_check(const char *url, struct status *st);
bool message_webhook_url_valid(const char *url);

/* Whether a host is on this machine: "localhost" (any case), an address in 127.0.0.0/8,
 * ::1 or ::ffff:127.x.y.z, bracketed or not. A name that merely resolves there does not
 * count: only these are sure never to leave the machine. */
bool message_host_loopback(const char *host);

/* Whether a URL's host is on loopback (message_host_loopback()); false when it does not
 * parse. The scheme may be any libcurl parses (smtp://, http://, ...). */
bool message_url_loopback(const char *url);

/* Whether a URL carries a user name or a password (scheme://user:password@host). */
bool message_url_has_credentials(const char *url);

/* Whether s (n bytes) is well-formed UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF). */
bool message_utf8_valid(const char *s, size_t n);

#endif
