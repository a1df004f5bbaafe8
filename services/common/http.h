/* http: the tiny HTTP/1.1 endpoint every service serves for operations: GET /health and
 * GET /metrics (Prometheus text). Each connection takes one request and is closed after
 * the reply. The endpoint shares its process (and its file descriptors) with the service's
 * ZeroMQ API, so it is bounded in every way a client could stretch it: a request's size,
 * the time a connection may stay open, and how many connections are open at once. */
#ifndef N2GG_HTTP_H
#define N2GG_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "status.h"

/* The most a request may hold, head and body: past it, 431 (head) or 413 (body). */
#define HTTP_MAX_REQUEST 8192
/* The longest request target, with its query: past it, 414. */
#define HTTP_MAX_PATH 1024
/* Defaults of struct http_server's limits. */
#define HTTP_DEFAULT_TIMEOUT_MS 5000
#define HTTP_DEFAULT_MAX_CONNECTIONS 64

struct http_request {
	const char *method;            /* "GET", "HEAD"... (a static string) */
	char path[HTTP_MAX_PATH];      /* the target without its query or fragment */
	size_t length;                 /* bytes of `data` the request takes, head and body */
	int error_status;              /* when refused: 400, 413, 414 or 431 */
};

#define HTTP_PARSE_INCOMPLETE 1

/* Reads the one request at the start of `data`, the bytes a connection has delivered so
 * far (only the first HTTP_MAX_REQUEST of them are looked at). Returns 0 when a whole
 * request is there (described in *req), HTTP_PARSE_INCOMPLETE when what is there may yet
 * become one (never so once HTTP_MAX_REQUEST bytes have come), or -1 when it cannot, with
 * the status to answer in req->error_status. Pure: no I/O, no allocation. */
int http_parse_request(const char *data, size_t len, struct http_request *req);

/* The reason phrase of a status ("Not Found"), "" for one not known here. */
const char *http_reason(int status);

struct http_response {
	int status;                 /* 200, 404... */
	const char *content_type;
	char *body;                 /* malloc'd by the handler, freed by the server */
	size_t len;
};

typedef void (*http_handler)(void *ctx, const char *method, const char *path,
			     struct http_response *res);

struct http_conn;

struct http_server {
	uv_tcp_t tcp;
	uv_timer_t timer;              /* closes the connections past their deadline */
	http_handler handler;
	void *ctx;
	int open;
	/* Limits: a caller may set them before http_server_start; 0 takes the default. */
	unsigned timeout_ms;           /* from accept to the reply written (slow clients too) */
	unsigned max_connections;      /* open at once; past it the oldest waiting one goes */
	/* For /metrics. */
	unsigned open_connections;
	uint64_t connections;          /* accepted, in all */
	uint64_t timeouts;             /* closed at their deadline */
	uint64_t rejected;             /* closed to keep within max_connections */
	uint64_t bad_requests;         /* answered 400, 413, 414 or 431 */
	struct http_conn *oldest, *newest;   /* the open connections, in order of arrival */
};

/* `address` is "host:port", e.g. "127.0.0.1:7109". */
int http_server_start(struct http_server *h, uv_loop_t *loop, const char *address,
		      http_handler handler, void *ctx, struct status *st);
/* Stops listening and closes every open connection, so the loop can end. */
void http_server_close(struct http_server *h);

/* printf into a growing malloc'd body (for handlers). */
void http_appendf(struct http_response *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
