/* session: the rules of signing in, apart from storage and randomness — when a session has
 * expired (idle or absolute), when its last-seen time is worth writing, whether a form's
 * CSRF token is the session's, and how many failed logins a user or an address may have
 * before it must wait. Pure: the time is always passed in. */
#ifndef N2GG_DASH_SESSION_H
#define N2GG_DASH_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "n2gg/v1/dashboard.pb-c.h"

/* Random bytes behind a session id and a CSRF token, written as hex. */
#define SESSION_ID_BYTES 32
#define SESSION_ID_LEN (2 * SESSION_ID_BYTES + 1)

struct session_limits {
	int64_t idle_ms;        /* no request for this long: signed out (30 minutes) */
	int64_t absolute_ms;    /* this long after signing in: signed out whatever (12 hours) */
};

enum session_state { SESSION_VALID, SESSION_IDLE, SESSION_TOO_OLD };

enum session_state session_check(const N2gg__V1__DashboardSession *s,
				 const struct session_limits *lim, int64_t now_ms);
/* Writing last-seen on every page view would be a disk write per click: it is written when
 * it is a minute old, which moves the idle timeout by at most that minute. */
bool session_needs_touch(const N2gg__V1__DashboardSession *s, int64_t now_ms);
/* Compares in time independent of where they differ. An empty token never matches. */
bool session_csrf_ok(const N2gg__V1__DashboardSession *s, const char *token);
bool session_equal_secret(const char *a, const char *b);
/* Hex of `n` bytes into out (2n+1 bytes). */
void session_hex(const uint8_t *bytes, size_t n, char *out);
/* Whether `id` looks like one this service makes (64 lower-case hex digits). */
bool session_id_wellformed(const char *id);

/* ---- single sign-on: a reverse proxy's header naming the user ---- */

/* The proxies whose header is believed: what the web server reports as the peer's address,
 * so IPv4 (the web port is IPv4). */
#define SESSION_MAX_PROXIES 16

struct session_proxies {
	size_t n;
	uint32_t addr[SESSION_MAX_PROXIES];   /* network order */
};

/* "10.0.0.5, 10.0.0.6" (commas and spaces between): 0, or -1 with the entry at fault (or
 * "" when there are too many) in bad. */
int session_proxies_parse(const char *list, struct session_proxies *p, char *bad, size_t bad_len);
bool session_proxy_trusted(const struct session_proxies *p, const char *ip);

/* ---- failed logins ---- */

#define RATELIMIT_SLOTS 1024
#define RATELIMIT_KEY 96

struct ratelimit_slot {
	char key[RATELIMIT_KEY];   /* "user:NAME" or "ip:ADDRESS"; "" when free */
	int64_t window_start_ms;
	unsigned failures;
};

/* A fixed table, so a flood of made-up user names cannot grow memory: when it is full the
 * oldest window is reused (forgetting the oldest failures, never refusing a stranger). */
struct ratelimit {
	struct ratelimit_slot slots[RATELIMIT_SLOTS];
	unsigned max_failures;    /* within one window */
	int64_t window_ms;
};

void ratelimit_init(struct ratelimit *r, unsigned max_failures, int64_t window_ms);
/* 0 when `key` may try now, else the milliseconds until it may. */
int64_t ratelimit_wait(const struct ratelimit *r, const char *key, int64_t now_ms);
void ratelimit_failed(struct ratelimit *r, const char *key, int64_t now_ms);
/* A successful login forgets the user's failures (not the address's). */
void ratelimit_reset(struct ratelimit *r, const char *key);

#endif
