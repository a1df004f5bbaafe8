/* session: see session.h. */
#include "session.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define SESSION_TOUCH_MS 60000

enum session_state session_check(const N2gg__V1__DashboardSession *s,
				 const struct session_limits *lim, int64_t now_ms)
{
	if (now_ms - s->created_unix_ms >= lim->absolute_ms)
		return SESSION_TOO_OLD;
	if (now_ms - s->last_seen_unix_ms >= lim->idle_ms)
		return SESSION_IDLE;
	return SESSION_VALID;
}

bool session_needs_touch(const N2gg__V1__DashboardSession *s, int64_t now_ms)
{
	return now_ms - s->last_seen_unix_ms >= SESSION_TOUCH_MS;
}

bool session_equal_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb || la == 0;
	for (size_t i = 0; i < la; i++)
		diff |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return diff == 0;
}

bool session_csrf_ok(const N2gg__V1__DashboardSession *s, const char *token)
{
	return s && token && session_equal_secret(s->csrf_token, token);
}

void session_hex(const uint8_t *bytes, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
	out[2 * n] = '\0';
}

bool session_id_wellformed(const char *id)
{
	size_t n = 0;
	for (; id[n]; n++)
		if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
			return false;
	return n == 2 * SESSION_ID_BYTES;
}

void ratelimit_init(struct ratelimit *r, unsigned max_failures, int64_t window_ms)
{
	memset(r, 0, sizeof *r);
	r->max_failures = max_failures;
	r->window_ms = window_ms;
}

static struct ratelimit_slot *ratelimit_find(const struct ratelimit *r, const char *key)
{
	for (size_t i = 0; i < RATELIMIT_SLOTS; i++)
		if (r->slots[i].key[0] && strncmp(r->slots[i].key, key, RATELIMIT_KEY - 1) == 0)
			return (struct ratelimit_slot *)&r->slots[i];
	return NULL;
}

int64_t ratelimit_wait(const struct ratelimit *r, const char *key, int64_t now_ms)
{
	const struct ratelimit_slot *s = ratelimit_find(r, key);
	if (!s || now_ms - s->window_start_ms >= r->window_ms || s->failures < r->max_failures)
		return 0;
	return s->window_start_ms + r->window_ms - now_ms;
}

void ratelimit_failed(struct ratelimit *r, const char *key, int64_t now_ms)
{
	struct ratelimit_slot *s = ratelimit_find(r, key);
	if (!s) {
		s = &r->slots[0];
		for (size_t i = 0; i < RATELIMIT_SLOTS; i++) {
			if (!r->slots[i].key[0]) {
				s = &r->slots[i];
				break;
			}
			if (r->slots[i].window_start_ms < s->window_start_ms)
				s = &r->slots[i];
		}
		snprintf(s->key, sizeof s->key, "%s", key);
		s->failures = 0;
		s->window_start_ms = now_ms;
	}
	if (now_ms - s->window_start_ms >= r->window_ms) {
		s->window_start_ms = now_ms;
		s->failures = 0;
	}
	s->failures++;
}

void ratelimit_reset(struct ratelimit *r, const char *key)
{
	struct ratelimit_slot *s = ratelimit_find(r, key);
	if (s)
		memset(s, 0, sizeof *s);
}

int session_proxies_parse(const char *list, struct session_proxies *p, char *bad, size_t bad_len)
{
	p->n = 0;
	const char *s = list;
	for (;;) {
		s += strspn(s, ", \t");
		if (!*s)
			return 0;
		size_t len = strcspn(s, ", \t");
		char one[INET_ADDRSTRLEN];
		struct in_addr a;
		bool ok = len < sizeof one && p->n < SESSION_MAX_PROXIES;
		if (ok) {
			memcpy(one, s, len);
			one[len] = '\0';
			ok = inet_pton(AF_INET, one, &a) == 1;
		}
		if (!ok) {
			snprintf(bad, bad_len, "%.*s", p->n < SESSION_MAX_PROXIES ? (int)len : 0, s);
			return -1;
		}
		p->addr[p->n++] = a.s_addr;
		s += len;
	}
}

bool session_proxy_trusted(const struct session_proxies *p, const char *ip)
{
	struct in_addr a;
	if (inet_pton(AF_INET, ip, &a) != 1)
		return false;
	for (size_t i = 0; i < p->n; i++)
		if (p->addr[i] == a.s_addr)
			return true;
	return false;
}
