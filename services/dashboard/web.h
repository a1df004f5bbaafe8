/* web: the dashboard's HTTP server — libmicrohttpd (MHD) driven from the service's libuv
 * loop. MHD runs without threads of its own, in its epoll mode: the loop watches MHD's
 * epoll descriptor with a uv_poll and calls MHD_run when it is readable, and a uv_timer
 * keeps MHD's own deadlines (idle connections) from MHD_get_timeout. Limits: a request
 * head must fit MHD's per-connection memory, a body past max_body is answered 413 (read
 * and dropped up to a point, then the connection is closed), connections are capped in all
 * and per address, and idle ones close.
 *
 * A handler answers an exchange now or later: it fills the response and calls
 * web_finish(), before it returns or after work done off the loop (a password check, a
 * call to another service); meanwhile MHD holds the connection suspended.
 *
 * With a certificate and key (tls.h) it serves HTTPS only, through MHD's GnuTLS; every
 * answer then carries Strict-Transport-Security, so a browser that has been here once
 * never tries plain HTTP (and its cookies) on this host again. */
#ifndef N2GG_DASH_WEB_H
#define N2GG_DASH_WEB_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "form.h"
#include "html.h"
#include "status.h"
#include "tls.h"

struct web_limits {
	size_t max_body;           /* bytes of a request body (a form); past it, 413 */
	size_t connection_memory;  /* MHD's pool per connection: the request head must fit */
	unsigned max_connections;
	unsigned per_ip;           /* connections open at once from one address */
	unsigned timeout_s;        /* an idle connection closes after this */
};

struct web_request {
	const char *method;        /* "GET", "POST", "HEAD"... */
	const char *path;          /* decoded, without the query */
	struct form query, body;   /* body: an application/x-www-form-urlencoded POST's */
	const char *session_cookie, *login_cookie;   /* "" when absent */
	char ip[64];
	bool body_too_large;       /* answer 413 */
	bool form_body;            /* the body was a form (else it is ignored) */
};

#define WEB_MAX_COOKIES 3

struct web_response {
	int status;                /* 200 unless set */
	const char *content_type;  /* text/html; charset=utf-8 unless set */
	struct html body;
	char *location;            /* a redirect's target (malloc'd) */
	char *cookies[WEB_MAX_COOKIES];   /* Set-Cookie values (malloc'd) */
	size_t n_cookies;
	char *disposition;         /* Content-Disposition (malloc'd): a download's file name */
	const char *cache;         /* Cache-Control; "no-store" unless set */
	int fd;                    /* a file to send instead of body (closed by the server), or -1 */
	uint64_t fd_size;
};

struct web_exchange;
typedef void (*web_handler)(void *ctx, struct web_exchange *x);

struct web_stats {
	uint64_t requests, too_large, status_2xx, status_3xx, status_4xx, status_5xx;
};

struct web {
	struct MHD_Daemon *mhd;
	uv_poll_t poll;
	uv_timer_t timer;
	web_handler handler;
	void *ctx;
	struct web_limits limits;
	struct web_exchange *held;   /* answered later: resumed with a 503 on stop */
	struct web_stats stats;
	bool open;
	bool tls;                    /* HTTPS: HSTS on every answer */
	char mhd_error[256];         /* MHD's first message: why it would not start (what it
				      * says next follows from it) */
};

/* `address` is "host:port" (IPv4). `tls`: NULL for plain HTTP; else kept by the caller
 * until web_stop. */
int web_start(struct web *w, uv_loop_t *loop, const char *address, const struct web_limits *lim,
	      const struct tls_files *tls, web_handler handler, void *ctx, struct status *st);
void web_stop(struct web *w);

struct web_request *web_request(struct web_exchange *x);
struct web_response *web_response(struct web_exchange *x);
/* A request header's value, or NULL; only until the handler returns or takes the exchange. */
const char *web_header(struct web_exchange *x, const char *name);
/* The response is ready: it goes out, and x is no longer the handler's. */
void web_finish(struct web_exchange *x);

/* Response helpers. */
void web_redirect(struct web_response *res, const char *location);   /* 303 See Other */
void web_add_cookie(struct web_response *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
