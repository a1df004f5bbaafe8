/* web: see web.h. */
#include "web.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"

/* A body this much past the limit is not read to its end: the 413 goes at once and the
 * connection closes (a client may then see the close before the answer). Up to it the body
 * is read and dropped, so an ordinary client reads its 413. */
#define WEB_DRAIN_FACTOR 16

/* Pages are the dashboard's own, with no script and no frame: a browser told so refuses
 * anything injected, as a second line behind the escaping. */
static const char web_csp[] =
	"default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

struct web_exchange {
	struct web *web;
	struct MHD_Connection *conn;
	struct web_request req;
	struct web_response res;
	char *path;
	char *body;
	size_t body_len;
	uint64_t dropped;          /* body bytes past the limit, read and dropped */
	int refs;                  /* MHD's, and the handler's while it holds the exchange */
	bool started, in_handler, finished, suspended, stopped, queued;
	struct web_exchange *next_held, *prev_held;
};

struct web_request *web_request(struct web_exchange *x)
{
	return &x->req;
}

struct web_response *web_response(struct web_exchange *x)
{
	return &x->res;
}

const char *web_header(struct web_exchange *x, const char *name)
{
	return MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND, name);
}

static char *web_strdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

void web_redirect(struct web_response *res, const char *location)
{
	res->status = 303;
	free(res->location);
	res->location = web_strdup(location);
}

void web_add_cookie(struct web_response *res, const char *fmt, ...)
{
	if (res->n_cookies == WEB_MAX_COOKIES)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *c = NULL;
	if (vasprintf(&c, fmt, ap) < 0)
		abort();
	va_end(ap);
	res->cookies[res->n_cookies++] = c;
}

static void web_exchange_free(struct web_exchange *x)
{
	form_free(&x->req.query);
	form_free(&x->req.body);
	html_free(&x->res.body);
	free(x->res.location);
	free(x->res.disposition);
	for (size_t i = 0; i < x->res.n_cookies; i++)
		free(x->res.cookies[i]);
	if (x->res.fd >= 0)
		close(x->res.fd);
	free(x->path);
	free(x->body);
	free(x);
}

static void web_unref(struct web_exchange *x)
{
	if (--x->refs == 0)
		web_exchange_free(x);
}

static void web_count(struct web *w, int status)
{
	uint64_t *c = status < 300 ? &w->stats.status_2xx
		      : status < 400 ? &w->stats.status_3xx
		      : status < 500 ? &w->stats.status_4xx
				     : &w->stats.status_5xx;
	(*c)++;
}

static enum MHD_Result web_queue(struct web_exchange *x)
{
	struct web_response *r = &x->res;
	x->queued = true;
	struct MHD_Response *resp;
	if (r->fd >= 0) {
		resp = MHD_create_response_from_fd64(r->fd_size, r->fd);
		if (resp)
			r->fd = -1;   /* MHD closes it */
	} else {
		size_t len;
		char *body = html_take(&r->body, &len);
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(body);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				r->content_type ? r->content_type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, r->cache ? r->cache : "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy", web_csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	if (x->web->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
	if (r->disposition)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, r->disposition);
	for (size_t i = 0; i < r->n_cookies; i++)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookies[i]);
	web_count(x->web, r->status);
	enum MHD_Result rc = MHD_queue_response(x->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result web_add_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	form_add(cls, key, value);
	return MHD_YES;
}

static void web_fill_request(struct web_exchange *x, const char *method)
{
	struct web_request *q = &x->req;
	struct MHD_Connection *c = x->conn;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, web_add_query, &q->query);
	const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "n2gg_session");
	q->session_cookie = v ? v : "";
	v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "n2gg_login");
	q->login_cookie = v ? v : "";
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, q->ip,
			  sizeof q->ip);
	else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, q->ip,
			  sizeof q->ip);
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONTENT_TYPE);
	q->form_body = strcmp(method, "POST") == 0 && type &&
		       strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0;
	if (q->form_body && !q->body_too_large)
		form_parse(&q->body, x->body ? x->body : "", x->body_len);
}

static void web_hold(struct web *w, struct web_exchange *x)
{
	x->next_held = w->held;
	x->prev_held = NULL;
	if (w->held)
		w->held->prev_held = x;
	w->held = x;
}

static void web_release(struct web *w, struct web_exchange *x)
{
	if (x->prev_held)
		x->prev_held->next_held = x->next_held;
	else if (w->held == x)
		w->held = x->next_held;
	if (x->next_held)
		x->next_held->prev_held = x->prev_held;
	x->next_held = x->prev_held = NULL;
}

static void web_schedule(struct web *w);

void web_finish(struct web_exchange *x)
{
	x->finished = true;
	if (x->in_handler)
		return;   /* answered within the handler: web_dispatch queues it */
	x->suspended = false;
	if (!x->stopped) {
		web_release(x->web, x);
		MHD_resume_connection(x->conn);
		web_schedule(x->web);
	}
	web_unref(x);   /* the handler's */
}

/* Calls the handler once the whole request is in. */
static enum MHD_Result web_dispatch(struct web *w, struct web_exchange *x, const char *method)
{
	x->started = true;
	w->stats.requests++;
	if (x->req.body_too_large)
		w->stats.too_large++;
	web_fill_request(x, method);
	x->refs++;   /* the handler's, until web_finish */
	x->in_handler = true;
	w->handler(w->ctx, x);
	x->in_handler = false;
	if (x->finished) {
		x->refs--;
		return web_queue(x);
	}
	x->suspended = true;
	web_hold(w, x);
	MHD_suspend_connection(x->conn);
	return MHD_YES;
}

static enum MHD_Result web_access(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	struct web *w = cls;
	struct web_exchange *x = *con_cls;
	if (!x) {
		x = calloc(1, sizeof *x);
		if (!x)
			return MHD_NO;
		x->web = w;
		x->conn = conn;
		x->refs = 1;
		x->res.fd = -1;
		x->res.status = 200;
		x->path = web_strdup(url);
		x->req.method = method;   /* one of MHD's constants: lives as long as the request */
		x->req.path = x->path;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			unsigned long long n = strtoull(cl, NULL, 10);
			if (n > w->limits.max_body)
				x->req.body_too_large = true;
			if (n > w->limits.max_body * WEB_DRAIN_FACTOR) {
				*con_cls = x;
				return web_dispatch(w, x, method);
			}
		}
		*con_cls = x;
		return MHD_YES;
	}
	if (x->started) {
		*upload_size = 0;   /* the rest of a body already answered 413 */
		/* resumed: the answer is ready */
		return x->finished && !x->queued ? web_queue(x) : MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (!x->req.body_too_large && x->body_len + n <= w->limits.max_body) {
			char *b = realloc(x->body, x->body_len + n + 1);
			if (!b)
				return MHD_NO;
			memcpy(b + x->body_len, upload, n);
			x->body = b;
			x->body_len += n;
			b[x->body_len] = '\0';
			return MHD_YES;
		}
		x->req.body_too_large = true;
		x->dropped += n;
		if (x->dropped > w->limits.max_body * WEB_DRAIN_FACTOR)
			return web_dispatch(w, x, method);
		return MHD_YES;
	}
	return web_dispatch(w, x, method);
}

static void web_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			  enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct web_exchange *x = *con_cls;
	*con_cls = NULL;
	if (x)
		web_unref(x);
}

static void web_logger(void *cls, const char *fmt, va_list ap)
{
	struct web *w = cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_warn("web server", "detail=%s", log_str(msg));
	if (!w->mhd_error[0])
		snprintf(w->mhd_error, sizeof w->mhd_error, "%s", msg);
}

static void web_on_timer(uv_timer_t *t);

static void web_run(struct web *w)
{
	if (!w->mhd)
		return;
	MHD_run(w->mhd);
	MHD_UNSIGNED_LONG_LONG ms;
	if (MHD_get_timeout(w->mhd, &ms) == MHD_YES)
		uv_timer_start(&w->timer, web_on_timer, ms, 0);
	else
		uv_timer_stop(&w->timer);
}

static void web_on_timer(uv_timer_t *t)
{
	web_run(t->data);
}

static void web_on_poll(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	web_run(p->data);
}

static void web_schedule(struct web *w)
{
	uv_timer_start(&w->timer, web_on_timer, 0, 0);
}

int web_start(struct web *w, uv_loop_t *loop, const char *address, const struct web_limits *lim,
	      const struct tls_files *tls, web_handler handler, void *ctx, struct status *st)
{
	memset(w, 0, sizeof *w);
	w->handler = handler;
	w->ctx = ctx;
	w->limits = *lim;
	char host[64];
	const char *colon = strrchr(address, ':');
	char *end;
	long port = colon ? strtol(colon + 1, &end, 10) : -1;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	if (!colon || (size_t)(colon - address) >= sizeof host || *end || port < 1 || port > 65535)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "web address \"%s\": host:port", address);
	memcpy(host, address, (size_t)(colon - address));
	host[colon - address] = '\0';
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "web address \"%s\": the host must be an IPv4 address", address);
	sa.sin_port = htons((uint16_t)port);
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "this libmicrohttpd was built without TLS: leave tls-cert and "
				   "tls-key unset and serve the pages through a TLS proxy");
	w->tls = tls != NULL;
	/* MHD_OPTION_END in place of the key and certificate ends the list early for HTTP */
	w->mhd = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | (tls ? MHD_USE_TLS : 0),
		(uint16_t)port, NULL, NULL, web_access, w,
		/* first, so that MHD's messages about the options that follow come here too */
		MHD_OPTION_EXTERNAL_LOGGER, web_logger, w,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, lim->connection_memory,
		MHD_OPTION_CONNECTION_LIMIT, lim->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim->per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, lim->timeout_s,
		MHD_OPTION_NOTIFY_COMPLETED, web_completed, w,
		tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, tls ? tls->cert : NULL,
		MHD_OPTION_HTTPS_MEM_KEY, tls ? tls->key : NULL,
		MHD_OPTION_END);
	if (!w->mhd)
		return status_fail(st, STATUS_UNAVAILABLE, "cannot serve the web pages on %s: %s",
				   address, w->mhd_error[0] ? w->mhd_error : "already in use?");
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(w->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		MHD_stop_daemon(w->mhd);
		w->mhd = NULL;
		return status_fail(st, STATUS_INTERNAL, "libmicrohttpd has no epoll descriptor");
	}
	uv_poll_init(loop, &w->poll, info->epoll_fd);
	uv_timer_init(loop, &w->timer);
	w->poll.data = w->timer.data = w;
	uv_poll_start(&w->poll, UV_READABLE, web_on_poll);
	w->open = true;
	return 0;
}

void web_stop(struct web *w)
{
	if (!w->open)
		return;
	w->open = false;
	/* MHD must not stop with a connection suspended: each held one gets a 503 now, and its
	 * handler's later web_finish only lets go of it */
	while (w->held) {
		struct web_exchange *x = w->held;
		web_release(w, x);
		x->stopped = true;
		html_free(&x->res.body);
		x->res.status = 503;
		x->finished = true;
		MHD_resume_connection(x->conn);
	}
	MHD_run(w->mhd);
	uv_poll_stop(&w->poll);
	uv_timer_stop(&w->timer);
	MHD_stop_daemon(w->mhd);
	w->mhd = NULL;
	uv_close((uv_handle_t *)&w->poll, NULL);
	uv_close((uv_handle_t *)&w->timer, NULL);
}
