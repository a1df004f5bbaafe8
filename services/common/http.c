/* http: health and metrics over HTTP (see http.h). */
#include "http.h"

#include <http_parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_MAX_URL 1024
#define HTTP_MAX_REQUEST (64 * 1024)

struct http_conn {
	uv_tcp_t tcp;
	http_parser parser;
	struct http_server *server;
	char url[HTTP_MAX_URL];
	size_t url_len;
	size_t received;
	int done;
};

struct http_write {
	uv_write_t req;
	char *head;
	char *body;
};

void http_appendf(struct http_response *res, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *b = realloc(res->body, res->len + (size_t)n + 1);
	if (!b)
		return;
	res->body = b;
	va_start(ap, fmt);
	vsnprintf(b + res->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	res->len += (size_t)n;
}

static void http_on_closed(uv_handle_t *h)
{
	free(h->data);
}

static void http_close_conn(struct http_conn *c)
{
	if (!uv_is_closing((uv_handle_t *)&c->tcp))
		uv_close((uv_handle_t *)&c->tcp, http_on_closed);
}

static void http_on_written(uv_write_t *req, int status)
{
	(void)status;
	struct http_write *w = req->data;
	struct http_conn *c = req->handle->data;
	free(w->head);
	free(w->body);
	free(w);
	http_close_conn(c);
}

static void http_reply(struct http_conn *c, struct http_response *res)
{
	static const char *reasons[] = {[200] = "OK", [400] = "Bad Request", [404] = "Not Found",
					[405] = "Method Not Allowed", [413] = "Payload Too Large",
					[503] = "Service Unavailable"};
	const char *reason = res->status < 600 && reasons[res->status] ? reasons[res->status] : "";
	struct http_write *w = calloc(1, sizeof *w);
	if (!w) {
		free(res->body);
		http_close_conn(c);
		return;
	}
	w->head = malloc(256);
	w->body = res->body;
	int n = snprintf(w->head, 256,
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 res->status, reason, res->content_type ? res->content_type : "text/plain",
			 res->len);
	uv_buf_t bufs[2] = {uv_buf_init(w->head, (unsigned)n),
			    uv_buf_init(res->body ? res->body : "", (unsigned)res->len)};
	w->req.data = w;
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, bufs, 2, http_on_written) != 0) {
		free(w->head);
		free(w->body);
		free(w);
		http_close_conn(c);
	}
}

static int http_on_url(http_parser *p, const char *at, size_t len)
{
	struct http_conn *c = p->data;
	if (c->url_len + len >= HTTP_MAX_URL)
		return 1;
	memcpy(c->url + c->url_len, at, len);
	c->url_len += len;
	c->url[c->url_len] = '\0';
	return 0;
}

static int http_on_complete(http_parser *p)
{
	struct http_conn *c = p->data;
	struct http_response res = {200, "text/plain", NULL, 0};
	c->done = 1;
	char *q = strchr(c->url, '?');
	if (q)
		*q = '\0';
	c->server->handler(c->server->ctx, http_method_str(p->method), c->url, &res);
	http_reply(c, &res);
	return 0;
}

static const http_parser_settings http_settings = {
	.on_url = http_on_url,
	.on_message_complete = http_on_complete,
};

static void http_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	buf->base = malloc(suggested);
	buf->len = buf->base ? suggested : 0;
}

static void http_on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct http_conn *c = stream->data;
	if (nread > 0 && !c->done) {
		c->received += (size_t)nread;
		size_t used = http_parser_execute(&c->parser, &http_settings, buf->base, (size_t)nread);
		if (!c->done && (used != (size_t)nread || c->received > HTTP_MAX_REQUEST)) {
			struct http_response res = {400, "text/plain", NULL, 0};
			http_appendf(&res, "bad request\n");
			c->done = 1;
			uv_read_stop(stream);
			http_reply(c, &res);
		}
	} else if (nread < 0) {
		http_close_conn(c);
	}
	free(buf->base);
}

static void http_on_connection(uv_stream_t *server, int status)
{
	struct http_server *h = server->data;
	if (status < 0)
		return;
	struct http_conn *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->server = h;
	uv_tcp_init(server->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		http_close_conn(c);
		return;
	}
	http_parser_init(&c->parser, HTTP_REQUEST);
	c->parser.data = c;
	uv_read_start((uv_stream_t *)&c->tcp, http_alloc, http_on_read);
}

int http_server_start(struct http_server *h, uv_loop_t *loop, const char *address,
		      http_handler handler, void *ctx, struct status *st)
{
	char host[128];
	const char *colon = strrchr(address, ':');
	if (!colon || colon == address || (size_t)(colon - address) >= sizeof host)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "HTTP address \"%s\" is not host:port", address);
	memcpy(host, address, (size_t)(colon - address));
	host[colon - address] = '\0';
	int port = atoi(colon + 1);
	struct sockaddr_in addr;
	if (port <= 0 || port > 65535 || uv_ip4_addr(host, port, &addr) != 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "HTTP address \"%s\" is not an IPv4 host:port", address);
	h->handler = handler;
	h->ctx = ctx;
	uv_tcp_init(loop, &h->tcp);
	h->tcp.data = h;
	h->open = 1;
	int rc = uv_tcp_bind(&h->tcp, (const struct sockaddr *)&addr, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&h->tcp, 64, http_on_connection);
	if (rc != 0) {
		http_server_close(h);
		return status_fail(st, STATUS_UNAVAILABLE, "cannot listen on %s: %s", address,
				   uv_strerror(rc));
	}
	return 0;
}

void http_server_close(struct http_server *h)
{
	if (h->open && !uv_is_closing((uv_handle_t *)&h->tcp))
		uv_close((uv_handle_t *)&h->tcp, NULL);
	h->open = 0;
}
