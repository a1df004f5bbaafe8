/* http: health and metrics over HTTP (see http.h). Requests are parsed with http-parser,
 * from the start of a connection's fixed buffer each time bytes arrive (a request is at
 * most HTTP_MAX_REQUEST bytes, so parsing again is cheaper than keeping parser state
 * across reads, and keeps the parser a pure function a fuzzer can drive).
 *
 * At the connection cap the oldest connection still waiting for its request is closed to
 * make room, rather than the newest refused: a client that opens connections and sends
 * nothing must not lock out the health probes, which send their request at once and so
 * are never the oldest for long. */
#include "http.h"

#include <http_parser.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum http_conn_state {
	HTTP_READING,                  /* the request, into buf */
	HTTP_WRITING,                  /* the reply; reading has stopped */
	HTTP_DRAINING,                 /* replied and shut down for writing: reading (and
					  dropping) until the client closes */
};

struct http_conn {
	uv_tcp_t tcp;
	uv_shutdown_t shutdown;
	struct http_server *server;    /* NULL once closing: it no longer counts */
	struct http_conn *prev, *next; /* in the server's list, oldest first */
	uint64_t deadline;             /* uv_now() ms */
	enum http_conn_state state;
	size_t len;
	char buf[HTTP_MAX_REQUEST];
};

struct http_write {
	uv_write_t req;
	char *head;
	char *body;
};

/* ---- parsing (pure) ---- */

struct http_parse {
	struct http_request *req;
	size_t path_len;
	bool head_done, complete;
};

static int http_parse_on_url(http_parser *p, const char *at, size_t len)
{
	struct http_parse *s = p->data;
	if (s->path_len + len >= sizeof s->req->path) {
		s->req->error_status = 414;
		return 1;
	}
	memcpy(s->req->path + s->path_len, at, len);
	s->path_len += len;
	s->req->path[s->path_len] = '\0';
	return 0;
}

static int http_parse_on_headers_complete(http_parser *p)
{
	struct http_parse *s = p->data;
	s->head_done = true;
	/* refused now rather than after the client has sent (and we have read) the body */
	if (p->content_length != ULLONG_MAX && p->content_length > HTTP_MAX_REQUEST) {
		s->req->error_status = 413;
		return -1;
	}
	return 0;
}

static int http_parse_on_message_complete(http_parser *p)
{
	struct http_parse *s = p->data;
	s->complete = true;
	/* one request per connection: what follows it is not ours to judge */
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings http_parse_settings = {
	.on_url = http_parse_on_url,
	.on_headers_complete = http_parse_on_headers_complete,
	.on_message_complete = http_parse_on_message_complete,
};

int http_parse_request(const char *data, size_t len, struct http_request *req)
{
	memset(req, 0, sizeof *req);
	struct http_parse s = {.req = req};
	size_t n = len < HTTP_MAX_REQUEST ? len : HTTP_MAX_REQUEST;
	http_parser p;
	http_parser_init(&p, HTTP_REQUEST);
	p.data = &s;
	size_t used = http_parser_execute(&p, &http_parse_settings, data, n);
	if (s.complete) {
		req->method = http_method_str((enum http_method)p.method);
		req->length = used;
		req->path[strcspn(req->path, "?#")] = '\0';
		return 0;
	}
	if (!req->error_status) {
		if (HTTP_PARSER_ERRNO(&p) != HPE_OK || used != n)
			req->error_status = 400;
		else if (n == HTTP_MAX_REQUEST)   /* full, and still no end in sight */
			req->error_status = s.head_done ? 413 : 431;
		else
			return HTTP_PARSE_INCOMPLETE;
	}
	memset(req->path, 0, sizeof req->path);
	return -1;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "";
	}
}

/* ---- connections ---- */

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

/* Leaves the server's list at once (its descriptor is closed by uv_close, not later), so
 * the count, the deadlines and the cap only ever see live connections. Safe to call twice:
 * a write cancelled by the close calls back here. */
static void http_close_conn(struct http_conn *c)
{
	struct http_server *h = c->server;
	if (h) {
		if (c->prev)
			c->prev->next = c->next;
		else
			h->oldest = c->next;
		if (c->next)
			c->next->prev = c->prev;
		else
			h->newest = c->prev;
		h->open_connections--;
		c->server = NULL;
	}
	if (!uv_is_closing((uv_handle_t *)&c->tcp))
		uv_close((uv_handle_t *)&c->tcp, http_on_closed);
}

static void http_on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);
static void http_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf);

static void http_on_shutdown(uv_shutdown_t *req, int status)
{
	struct http_conn *c = req->handle->data;
	if (status < 0 || !c->server) {
		http_close_conn(c);
		return;
	}
	c->state = HTTP_DRAINING;
	c->len = 0;
	if (uv_read_start((uv_stream_t *)&c->tcp, http_alloc, http_on_read) != 0)
		http_close_conn(c);
}

/* The reply is out; the connection is not closed yet. Closed with bytes of the client's
 * unread (the rest of a refused request, say), our end would send a reset, and a reset
 * can make the client's system drop the reply before the client reads it. So: FIN, then
 * read until the client closes (or the deadline comes). */
static void http_on_written(uv_write_t *req, int status)
{
	struct http_write *w = req->data;
	struct http_conn *c = req->handle->data;
	free(w->head);
	free(w->body);
	free(w);
	if (status < 0 || !c->server ||
	    uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, http_on_shutdown) != 0)
		http_close_conn(c);
}

static void http_reply(struct http_conn *c, const char *method, struct http_response *res)
{
	struct http_write *w = calloc(1, sizeof *w);
	char *head = malloc(256);
	if (!w || !head) {
		free(w);
		free(head);
		free(res->body);
		http_close_conn(c);
		return;
	}
	w->head = head;
	w->body = res->body;
	int n = snprintf(w->head, 256,
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 res->status, http_reason(res->status),
			 res->content_type ? res->content_type : "text/plain", res->len);
	bool head_only = method && strcmp(method, "HEAD") == 0;   /* its length, not its body */
	uv_buf_t bufs[2] = {uv_buf_init(w->head, (unsigned)n),
			    uv_buf_init(res->body ? res->body : "", (unsigned)res->len)};
	w->req.data = w;
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, bufs, head_only ? 1 : 2, http_on_written) !=
	    0) {
		free(w->head);
		free(w->body);
		free(w);
		http_close_conn(c);
	}
}

static void http_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	(void)suggested;
	struct http_conn *c = handle->data;
	/* never full while reading: a full buffer is answered 413 or 431 (and a draining
	 * connection starts again at 0 every time) */
	*buf = uv_buf_init(c->buf + c->len, (unsigned)(sizeof c->buf - c->len));
}

static void http_on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	(void)buf;
	struct http_conn *c = stream->data;
	if (nread < 0) {
		http_close_conn(c);
		return;
	}
	if (nread == 0 || !c->server)
		return;
	if (c->state == HTTP_DRAINING) {
		c->len = 0;
		return;
	}
	c->len += (size_t)nread;
	struct http_request req;
	int rc = http_parse_request(c->buf, c->len, &req);
	if (rc == HTTP_PARSE_INCOMPLETE)
		return;
	c->state = HTTP_WRITING;
	uv_read_stop(stream);
	struct http_response res = {200, "text/plain", NULL, 0};
	if (rc == 0) {
		c->server->handler(c->server->ctx, req.method, req.path, &res);
	} else {
		c->server->bad_requests++;
		res.status = req.error_status;
		http_appendf(&res, "%s\n", http_reason(req.error_status));
	}
	http_reply(c, rc == 0 ? req.method : NULL, &res);
}

static void http_on_timer(uv_timer_t *t);

/* One timer for the server, due at the earliest deadline: a scan of at most
 * max_connections entries is cheaper than a timer handle per connection. */
static void http_arm_timer(struct http_server *h)
{
	uint64_t now = uv_now(h->tcp.loop), first = UINT64_MAX;
	for (struct http_conn *c = h->oldest; c; c = c->next)
		if (c->deadline < first)
			first = c->deadline;
	if (first == UINT64_MAX)
		uv_timer_stop(&h->timer);
	else
		uv_timer_start(&h->timer, http_on_timer, first > now ? first - now : 0, 0);
}

static void http_on_timer(uv_timer_t *t)
{
	struct http_server *h = t->data;
	uint64_t now = uv_now(t->loop);
	struct http_conn *next;
	for (struct http_conn *c = h->oldest; c; c = next) {
		next = c->next;
		if (c->deadline <= now) {
			if (c->state != HTTP_DRAINING)   /* a draining one had its reply */
				h->timeouts++;
			http_close_conn(c);
		}
	}
	http_arm_timer(h);
}

/* Makes room for one more connection: the oldest not in the middle of a reply goes.
 * False when every connection is writing one (they end soon by themselves). */
static bool http_make_room(struct http_server *h)
{
	for (struct http_conn *c = h->oldest; c; c = c->next)
		if (c->state != HTTP_WRITING) {
			http_close_conn(c);
			return true;
		}
	return false;
}

static void http_on_connection(uv_stream_t *server, int status)
{
	struct http_server *h = server->data;
	if (status < 0)
		return;
	struct http_conn *c = calloc(1, sizeof *c);
	if (!c)
		return;   /* the connection waits in the backlog for the next one */
	uv_tcp_init(server->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		http_close_conn(c);
		return;
	}
	h->connections++;
	/* accepted before judged: a connection left in the backlog would hold up the ones
	 * behind it, and libuv stops watching the socket until it is taken */
	if (h->open_connections >= h->max_connections) {
		h->rejected++;   /* one goes: the oldest waiting, else this one */
		if (!http_make_room(h)) {
			http_close_conn(c);
			return;
		}
	}
	c->server = h;
	c->prev = h->newest;
	if (h->newest)
		h->newest->next = c;
	else
		h->oldest = c;
	h->newest = c;
	h->open_connections++;
	c->deadline = uv_now(server->loop) + h->timeout_ms;
	http_arm_timer(h);
	if (uv_read_start((uv_stream_t *)&c->tcp, http_alloc, http_on_read) != 0)
		http_close_conn(c);
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
	if (!h->timeout_ms)
		h->timeout_ms = HTTP_DEFAULT_TIMEOUT_MS;
	if (!h->max_connections)
		h->max_connections = HTTP_DEFAULT_MAX_CONNECTIONS;
	h->oldest = h->newest = NULL;
	h->open_connections = 0;
	uv_tcp_init(loop, &h->tcp);
	h->tcp.data = h;
	uv_timer_init(loop, &h->timer);
	h->timer.data = h;
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
	if (!h->open)
		return;
	h->open = 0;
	while (h->oldest)
		http_close_conn(h->oldest);
	uv_close((uv_handle_t *)&h->timer, NULL);
	if (!uv_is_closing((uv_handle_t *)&h->tcp))
		uv_close((uv_handle_t *)&h->tcp, NULL);
}
