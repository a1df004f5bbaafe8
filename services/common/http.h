/* http: the tiny HTTP/1.1 endpoint every service serves for operations: GET /health and
 * GET /metrics (Prometheus text). Requests are parsed with http-parser; each connection
 * takes one request and is closed after the reply. */
#ifndef N2GG_HTTP_H
#define N2GG_HTTP_H

#include <uv.h>

#include "status.h"

struct http_response {
	int status;                 /* 200, 404... */
	const char *content_type;
	char *body;                 /* malloc'd by the handler, freed by the server */
	size_t len;
};

typedef void (*http_handler)(void *ctx, const char *method, const char *path,
			     struct http_response *res);

struct http_server {
	uv_tcp_t tcp;
	http_handler handler;
	void *ctx;
	int open;
};

/* `address` is "host:port", e.g. "127.0.0.1:7109". */
int http_server_start(struct http_server *h, uv_loop_t *loop, const char *address,
		      http_handler handler, void *ctx, struct status *st);
void http_server_close(struct http_server *h);

/* printf into a growing malloc'd body (for handlers). */
void http_appendf(struct http_response *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
