/* delivery: idempotency keys, Message-IDs, backoff and the verdict on an attempt (see
 * delivery.h). */
#include "delivery.h"

#include <ctype.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

/* Each field goes in as an 8-byte big-endian length and its bytes, after a version tag, so
 * no two different triples hash the same text and a future change of scheme cannot
 * collide with this one. */
static void delivery_hash_field(struct sha256_ctx *ctx, const char *s, size_t n)
{
	uint8_t len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
	sha256_update(ctx, sizeof len, len);
	sha256_update(ctx, n, (const uint8_t *)s);
}

int delivery_key(const char *notice_id, const char *recipient, const char *channel,
		 char key[DELIVERY_KEY_SIZE], struct status *st)
{
	key[0] = '\0';
	if (!notice_id || !*notice_id)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "delivery key: no notice id");
	if (!recipient || !*recipient)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "delivery key: no recipient");
	if (!channel || !*channel)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "delivery key: no channel");

	size_t rlen = strlen(recipient);
	char addr[1024];
	if (rlen >= sizeof addr)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "delivery key: recipient too long");
	memcpy(addr, recipient, rlen + 1);
	char *at = strrchr(addr, '@');
	for (char *p = at ? at : addr + rlen; *p; p++)
		*p = (char)tolower((unsigned char)*p);

	static const char tag[] = "n2gg-delivery-v1";
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, sizeof tag - 1, (const uint8_t *)tag);
	delivery_hash_field(&ctx, notice_id, strlen(notice_id));
	delivery_hash_field(&ctx, addr, rlen);
	delivery_hash_field(&ctx, channel, strlen(channel));
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256_digest(&ctx, sizeof digest, digest);

	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof digest; i++) {
		key[2 * i] = hex[digest[i] >> 4];
		key[2 * i + 1] = hex[digest[i] & 15];
	}
	key[DELIVERY_KEY_LEN] = '\0';
	return 0;
}

/* A host name as RFC 5322's dot-atom allows it in a msg-id: labels of letters, digits
 * and hyphens separated by single dots. */
static bool delivery_domain_ok(const char *d)
{
	size_t n = strlen(d);
	if (n == 0 || n > 253 || d[0] == '.' || d[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '.') {
			if (d[i + 1] == '.')
				return false;
		} else if (!isalnum(c) && c != '-') {
			return false;
		}
	}
	return true;
}

int delivery_message_id(const char *key, const char *domain, char *out, size_t size,
			struct status *st)
{
	if (size)
		out[0] = '\0';
	if (!key || !*key)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Message-ID: no key");
	for (const char *p = key; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Message-ID: the key is not lower-case hex");
	if (!domain || !*domain)
		domain = DELIVERY_DEFAULT_DOMAIN;
	if (!delivery_domain_ok(domain))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Message-ID: '%.64s' is not a host name", domain);
	int n = snprintf(out, size, "<%s@%s>", key, domain);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			out[0] = '\0';
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Message-ID: does not fit");
	}
	return 0;
}

static double delivery_unit(double u)
{
	/* NaN fails every comparison: treat it as 0 rather than let it through */
	if (!(u > 0.0))
		return 0.0;
	return u < 1.0 ? u : 1.0;
}

uint64_t delivery_backoff_ms(int attempt, uint64_t base_ms, uint64_t max_ms, double random_unit)
{
	if (attempt < 1 || base_ms == 0 || max_ms == 0)
		return 0;
	/* doubling stops at the cap, so the shift never overflows */
	uint64_t ceiling = base_ms < max_ms ? base_ms : max_ms;
	for (int i = 1; i < attempt && ceiling < max_ms; i++)
		ceiling = ceiling > max_ms / 2 ? max_ms : ceiling * 2;
	uint64_t wait = (uint64_t)((double)ceiling * delivery_unit(random_unit));
	return wait < ceiling ? wait : ceiling;
}

uint64_t delivery_backoff_decorrelated_ms(uint64_t prev_ms, uint64_t base_ms, uint64_t max_ms,
					  double random_unit)
{
	uint64_t lo = base_ms < max_ms ? base_ms : max_ms;
	uint64_t prev = prev_ms < lo ? lo : prev_ms;
	uint64_t hi = prev > UINT64_MAX / 3 ? UINT64_MAX : prev * 3;
	if (hi > max_ms)
		hi = max_ms;
	if (hi <= lo)
		return lo;
	uint64_t wait = lo + (uint64_t)((double)(hi - lo) * delivery_unit(random_unit));
	return wait < hi ? wait : hi;
}

enum delivery_outcome delivery_classify(enum delivery_protocol protocol, enum delivery_net net,
					long code)
{
	switch (net) {
	case DELIVERY_NET_REPLIED:
		break;
	case DELIVERY_NET_DONE:
		return DELIVERY_OK;
	case DELIVERY_NET_REFUSED:
	case DELIVERY_NET_TIMEOUT:
	case DELIVERY_NET_RESOLVE:
	case DELIVERY_NET_BROKEN:
	case DELIVERY_NET_LOCAL_TRANSIENT:
		return DELIVERY_TRANSIENT;
	case DELIVERY_NET_TLS:
	case DELIVERY_NET_AUTH:
	case DELIVERY_NET_CONFIG:
	case DELIVERY_NET_LOCAL_PERMANENT:
		return DELIVERY_PERMANENT;
	}
	switch (protocol) {
	case DELIVERY_PROTO_SMTP:
		if (code >= 200 && code < 300)
			return DELIVERY_OK;
		if (code >= 500 && code < 600)
			return DELIVERY_PERMANENT;
		/* 4xx is transient by definition; anything else (no code, an intermediate 3xx
		 * where a final reply was due) means the exchange broke off: try again */
		return DELIVERY_TRANSIENT;
	case DELIVERY_PROTO_HTTP:
		if (code >= 200 && code < 300)
			return DELIVERY_OK;
		/* 408 Request Timeout invites a repeat as plainly as 429 does */
		if (code == 408 || code == 429 || (code >= 500 && code < 600))
			return DELIVERY_TRANSIENT;
		if (code < 100 || code >= 600)
			return DELIVERY_TRANSIENT;  /* no status line: the exchange broke off */
		return DELIVERY_PERMANENT;
	case DELIVERY_PROTO_FILE:
		break;
	}
	return DELIVERY_OK;
}

void delivery_result_set(struct delivery_result *r, enum delivery_protocol protocol,
			 enum delivery_net net, long code, const char *reply)
{
	memset(r, 0, sizeof *r);
	r->protocol = protocol;
	r->net = net;
	r->code = code;
	r->outcome = delivery_classify(protocol, net, code);
	if (!reply)
		return;
	/* a reply goes to one logfmt line and one dead-letter field: no CR, LF or tabs */
	size_t n = 0;
	for (const char *p = reply; *p && n + 1 < sizeof r->reply; p++) {
		unsigned char c = (unsigned char)*p;
		char ch = c < 0x20 || c == 0x7f ? ' ' : (char)c;
		if (ch == ' ' && (n == 0 || r->reply[n - 1] == ' '))
			continue;
		r->reply[n++] = ch;
	}
	while (n > 0 && r->reply[n - 1] == ' ')
		n--;
	r->reply[n] = '\0';
}

bool delivery_should_retry(enum delivery_outcome outcome, int attempts, int max_attempts)
{
	return outcome == DELIVERY_TRANSIENT && attempts < max_attempts;
}

const char *delivery_outcome_name(enum delivery_outcome o)
{
	switch (o) {
	case DELIVERY_OK: return "ok";
	case DELIVERY_TRANSIENT: return "transient";
	case DELIVERY_PERMANENT: return "permanent";
	}
	return "?";
}

const char *delivery_protocol_name(enum delivery_protocol p)
{
	switch (p) {
	case DELIVERY_PROTO_FILE: return "file";
	case DELIVERY_PROTO_SMTP: return "smtp";
	case DELIVERY_PROTO_HTTP: return "http";
	}
	return "?";
}

const char *delivery_net_name(enum delivery_net n)
{
	switch (n) {
	case DELIVERY_NET_REPLIED: return "replied";
	case DELIVERY_NET_DONE: return "done";
	case DELIVERY_NET_REFUSED: return "refused";
	case DELIVERY_NET_TIMEOUT: return "timeout";
	case DELIVERY_NET_RESOLVE: return "resolve";
	case DELIVERY_NET_BROKEN: return "broken";
	case DELIVERY_NET_TLS: return "tls";
	case DELIVERY_NET_AUTH: return "auth";
	case DELIVERY_NET_CONFIG: return "config";
	case DELIVERY_NET_LOCAL_TRANSIENT: return "local-transient";
	case DELIVERY_NET_LOCAL_PERMANENT: return "local-permanent";
	}
	return "?";
}
