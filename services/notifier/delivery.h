/* delivery: the pure rules that make a notice arrive exactly once. The idempotency key of
 * one (notice, recipient, channel), the fixed Message-ID derived from it (so a retry or a
 * restart sends the same letter, never a second one), the backoff schedule between
 * attempts, and the classification of one attempt's result as ok, transient (retry) or
 * permanent (dead letter, with the server's reply kept). No I/O: the channels (channel.h)
 * do the sending and hand their raw result here to be judged. */
#ifndef N2GG_DELIVERY_H
#define N2GG_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define DELIVERY_KEY_LEN 64               /* hex SHA-256 */
#define DELIVERY_KEY_SIZE (DELIVERY_KEY_LEN + 1)
#define DELIVERY_DEFAULT_DOMAIN "n2gg.invalid"
#define DELIVERY_MESSAGE_ID_MAX 320       /* "<" key "@" domain (<= 253) ">" and NUL */
#define DELIVERY_REPLY_MAX 512

/* Writes the idempotency key of (notice, recipient, channel) into key: the hex SHA-256 of
 * the three fields, each length-prefixed so that ("ab", "c") and ("a", "bc") differ. The
 * recipient's domain is lower-cased first (domains are case-blind, local parts may not be),
 * so "Head@School.Norfolk.sch.uk" and "Head@school.norfolk.sch.uk" are one recipient.
 * Fails on an empty or missing field. */
int delivery_key(const char *notice_id, const char *recipient, const char *channel,
		 char key[DELIVERY_KEY_SIZE], struct status *st);

/* Writes "<KEY@DOMAIN>" into out (size bytes); domain NULL or "" means
 * DELIVERY_DEFAULT_DOMAIN. Fails on a domain that is not a plain dot-atom host name or a
 * key that is not lower-case hex. */
int delivery_message_id(const char *key, const char *domain, char *out, size_t size,
			struct status *st);

/* The wait before the next attempt after `attempt` failed ones (1 for the wait after the
 * first failure), with "full jitter": random_unit (in [0, 1), injected so tests are
 * deterministic) times min(max_ms, base_ms * 2^(attempt-1)). 0 when attempt < 1. */
uint64_t delivery_backoff_ms(int attempt, uint64_t base_ms, uint64_t max_ms, double random_unit);

/* "Decorrelated jitter": the next wait drawn between base_ms and three times the previous
 * wait (prev_ms, 0 before the first), capped at max_ms. Never below min(base_ms, max_ms). */
uint64_t delivery_backoff_decorrelated_ms(uint64_t prev_ms, uint64_t base_ms, uint64_t max_ms,
					  double random_unit);

enum delivery_outcome {
	DELIVERY_OK = 0,
	DELIVERY_TRANSIENT,  /* try again later */
	DELIVERY_PERMANENT,  /* never retry: dead letter */
};

enum delivery_protocol {
	DELIVERY_PROTO_FILE,  /* the mail directory */
	DELIVERY_PROTO_SMTP,
	DELIVERY_PROTO_HTTP,
};

/* How far one attempt got, as the channel saw it; the protocol's reply code only counts
 * with DELIVERY_NET_REPLIED. */
enum delivery_net {
	DELIVERY_NET_REPLIED = 0,   /* the server answered: judge by the code */
	DELIVERY_NET_DONE,          /* done without a protocol reply (a file written) */
	DELIVERY_NET_REFUSED,       /* connection refused or unreachable */
	DELIVERY_NET_TIMEOUT,
	DELIVERY_NET_RESOLVE,       /* host name not resolved (DNS may be down for a while) */
	DELIVERY_NET_BROKEN,        /* connection dropped, nothing or garbage received */
	DELIVERY_NET_TLS,           /* handshake or certificate failure: configuration */
	DELIVERY_NET_AUTH,          /* login refused: configuration */
	DELIVERY_NET_CONFIG,        /* bad URL, unsupported scheme, bad address */
	DELIVERY_NET_LOCAL_TRANSIENT,  /* out of memory, disk full, I/O error */
	DELIVERY_NET_LOCAL_PERMANENT,  /* permission denied, no such directory */
};

/* One attempt's result: what the channel saw, the verdict, and the reply kept for the
 * dead-letter list and the logs. */
struct delivery_result {
	enum delivery_outcome outcome;
	enum delivery_protocol protocol;
	enum delivery_net net;
	long code;              /* SMTP reply code or HTTP status; 0 when none */
	bool duplicate;         /* already delivered before (counts as ok) */
	long retry_after_s;     /* the server's Retry-After, 0 when none */
	char reply[DELIVERY_REPLY_MAX];  /* the server's reply text or the local error */
};

/* The verdict on one attempt. SMTP: 2xx ok, 4xx transient, 5xx permanent. HTTP: 2xx ok;
 * 408, 429 and 5xx transient; any other status permanent (a webhook that redirects is
 * misconfigured: redirects are not followed). No reply: refused, timeout, resolve,
 * broken and local-transient are transient; TLS, auth, config and local-permanent are
 * permanent. */
enum delivery_outcome delivery_classify(enum delivery_protocol protocol, enum delivery_net net,
					long code);

/* Fills r (cleared first) and sets r->outcome by delivery_classify(); the reply is copied,
 * cut to fit and with control characters (the CRLFs of a multi-line reply) as spaces. */
void delivery_result_set(struct delivery_result *r, enum delivery_protocol protocol,
			 enum delivery_net net, long code, const char *reply);

/* Whether to try again after `attempts` attempts, the last with this outcome. */
bool delivery_should_retry(enum delivery_outcome outcome, int attempts, int max_attempts);

/* "ok", "transient", "permanent"; "smtp", ...; "refused", ... */
const char *delivery_outcome_name(enum delivery_outcome o);
const char *delivery_protocol_name(enum delivery_protocol p);
const char *delivery_net_name(enum delivery_net n);

#endif
