/* Unit tests of http_parse_request: the requests operations tools send (curl, Prometheus,
 * a load balancer's probe) are read whole and however they are split across reads; what
 * is not HTTP gets 400; a head or body past the bound gets 431 or 413 (never a wait for
 * bytes the server will not hold), a long target 414; and nothing after the one request
 * changes what it says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static const char curl_health[] = "GET /health HTTP/1.1\r\n"
				  "Host: 127.0.0.1:7109\r\n"
				  "User-Agent: curl/7.88.1\r\n"
				  "Accept: */*\r\n"
				  "\r\n";

static int parse(const char *s, struct http_request *req)
{
	return http_parse_request(s, strlen(s), req);
}

static void assert_refused(const char *s, size_t len, int status)
{
	struct http_request req;
	assert_int_equal(http_parse_request(s, len, &req), -1);
	assert_int_equal(req.error_status, status);
}

static void test_a_whole_request(void **state)
{
	(void)state;
	struct http_request req;
	assert_int_equal(parse(curl_health, &req), 0);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.path, "/health");
	assert_int_equal(req.length, strlen(curl_health));
}

static void test_http_1_0_and_head(void **state)
{
	(void)state;
	struct http_request req;
	assert_int_equal(parse("GET /metrics HTTP/1.0\r\n\r\n", &req), 0);
	assert_string_equal(req.path, "/metrics");
	assert_int_equal(parse("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n", &req), 0);
	assert_string_equal(req.method, "HEAD");
}

static void test_the_query_and_fragment_are_not_the_path(void **state)
{
	(void)state;
	struct http_request req;
	assert_int_equal(parse("GET /metrics?name=n2gg_requests_total HTTP/1.1\r\n\r\n", &req), 0);
	assert_string_equal(req.path, "/metrics");
	assert_int_equal(parse("GET /health#top HTTP/1.1\r\n\r\n", &req), 0);
	assert_string_equal(req.path, "/health");
}

/* TCP may deliver a request in any number of pieces: each prefix is a wait, never a
 * refusal, and the whole is the request. */
static void test_every_prefix_waits_for_more(void **state)
{
	(void)state;
	struct http_request req;
	size_t n = strlen(curl_health);
	for (size_t i = 0; i < n; i++) {
		int rc = http_parse_request(curl_health, i, &req);
		if (rc != HTTP_PARSE_INCOMPLETE)
			print_error("prefix of %zu bytes gave %d (%d)\n", i, rc, req.error_status);
		assert_int_equal(rc, HTTP_PARSE_INCOMPLETE);
	}
	assert_int_equal(http_parse_request(curl_health, n, &req), 0);
}

static void test_a_body_within_the_bound(void **state)
{
	(void)state;
	static const char post[] = "POST /health HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
	struct http_request req;
	assert_int_equal(http_parse_request(post, strlen(post) - 1, &req), HTTP_PARSE_INCOMPLETE);
	assert_int_equal(parse(post, &req), 0);
	assert_string_equal(req.method, "POST");
	assert_int_equal(req.length, strlen(post));
	static const char chunked[] = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
				      "5\r\nhello\r\n0\r\n\r\n";
	assert_int_equal(parse(chunked, &req), 0);
	assert_int_equal(req.length, strlen(chunked));
}

/* The connection closes after its one reply: a second request, or junk, after the first
 * is not read. */
static void test_what_follows_the_request_is_left_alone(void **state)
{
	(void)state;
	char two[512];
	snprintf(two, sizeof two, "%sGET /metrics HTTP/1.1\r\n\r\n", curl_health);
	struct http_request req;
	assert_int_equal(parse(two, &req), 0);
	assert_string_equal(req.path, "/health");
	assert_int_equal(req.length, strlen(curl_health));
	snprintf(two, sizeof two, "%s\x01\x02garbage", curl_health);
	assert_int_equal(parse(two, &req), 0);
	assert_int_equal(req.length, strlen(curl_health));
}

static void test_garbage_is_a_bad_request(void **state)
{
	(void)state;
	static const char *const garbage[] = {
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",   /* a TLS ClientHello */
		"SSH-2.0-OpenSSH_9.2p1\r\n",
		"GET\r\n\r\n",
		"GET /health HTTP/9\r\n\r\n",
		"GET /he alth HTTP/1.1\r\n\r\n",
		"GET /health HTTP/1.1\r\nNo colon here\r\n\r\n",
		"GET /health HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
		"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	};
	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		struct http_request req;
		int rc = parse(garbage[i], &req);
		if (rc != -1)
			print_error("garbage %zu gave %d\n", i, rc);
		assert_int_equal(rc, -1);
		assert_int_equal(req.error_status, 400);
	}
	assert_refused("\0\0\0\0", 4, 400);
}

/* A head that never ends is refused once the bound is reached, not waited for. */
static void test_a_head_past_the_bound(void **state)
{
	(void)state;
	size_t cap = HTTP_MAX_REQUEST + 100;
	char *big = malloc(cap + 1);
	int n = snprintf(big, cap, "GET /health HTTP/1.1\r\nCookie: ");
	memset(big + n, 'a', cap - (size_t)n);
	big[cap] = '\0';
	struct http_request req;
	assert_int_equal(http_parse_request(big, HTTP_MAX_REQUEST - 1, &req),
			 HTTP_PARSE_INCOMPLETE);
	assert_refused(big, HTTP_MAX_REQUEST, 431);
	assert_refused(big, cap, 431);
	/* many small headers: the same */
	size_t len = (size_t)snprintf(big, cap, "GET /health HTTP/1.1\r\n");
	while (len + 8 < cap)
		len += (size_t)snprintf(big + len, cap - len, "X-A: b\r\n");
	assert_refused(big, len, 431);
	free(big);
}

static void test_a_body_past_the_bound(void **state)
{
	(void)state;
	/* refused as soon as its length is known, before any of the body comes */
	assert_refused("POST /health HTTP/1.1\r\nContent-Length: 8193\r\n\r\n",
		       strlen("POST /health HTTP/1.1\r\nContent-Length: 8193\r\n\r\n"), 413);
	assert_refused("POST / HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n",
		       strlen("POST / HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n"), 413);
	/* a chunked body gives no length: refused when it fills the bound */
	char *big = malloc(HTTP_MAX_REQUEST + 1);
	size_t len = (size_t)snprintf(big, HTTP_MAX_REQUEST,
				      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
	while (len + 16 < HTTP_MAX_REQUEST)
		len += (size_t)snprintf(big + len, HTTP_MAX_REQUEST - len, "5\r\nhello\r\n");
	memset(big + len, 'x', HTTP_MAX_REQUEST - len);
	struct http_request req;
	assert_int_equal(http_parse_request(big, len, &req), HTTP_PARSE_INCOMPLETE);
	/* the filler is not a chunk size: that is 400 before the bound is even reached */
	assert_refused(big, HTTP_MAX_REQUEST, 400);
	/* a chunk of 1 MiB announced, its bytes still coming */
	len = (size_t)snprintf(big, HTTP_MAX_REQUEST,
			       "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n");
	memset(big + len, 'x', HTTP_MAX_REQUEST - len);
	assert_int_equal(http_parse_request(big, HTTP_MAX_REQUEST - 1, &req),
			 HTTP_PARSE_INCOMPLETE);
	assert_refused(big, HTTP_MAX_REQUEST, 413);
	free(big);
}

static void test_a_long_target(void **state)
{
	(void)state;
	char buf[HTTP_MAX_PATH + 64];
	int n = snprintf(buf, sizeof buf, "GET /");
	memset(buf + n, 'p', HTTP_MAX_PATH);
	snprintf(buf + n + HTTP_MAX_PATH - 1, sizeof buf - (size_t)n - HTTP_MAX_PATH + 1,
		 " HTTP/1.1\r\n\r\n");
	assert_refused(buf, strlen(buf), 414);
	/* one shorter fits */
	n = snprintf(buf, sizeof buf, "GET /");
	memset(buf + n, 'p', HTTP_MAX_PATH - 2);
	snprintf(buf + n + HTTP_MAX_PATH - 2, sizeof buf - (size_t)n - HTTP_MAX_PATH + 2,
		 " HTTP/1.1\r\n\r\n");
	struct http_request req;
	assert_int_equal(parse(buf, &req), 0);
	assert_int_equal(strlen(req.path), HTTP_MAX_PATH - 1);
}

static void test_reasons(void **state)
{
	(void)state;
	assert_string_equal(http_reason(431), "Request Header Fields Too Large");
	assert_string_equal(http_reason(404), "Not Found");
	assert_string_equal(http_reason(299), "");
	assert_string_equal(http_reason(-1), "");
}

int main(void)
{
#define T(f) cmocka_unit_test(f)
	const struct CMUnitTest tests[] = {
		T(test_a_whole_request),
		T(test_http_1_0_and_head),
		T(test_the_query_and_fragment_are_not_the_path),
		T(test_every_prefix_waits_for_more),
		T(test_a_body_within_the_bound),
		T(test_what_follows_the_request_is_left_alone),
		T(test_garbage_is_a_bad_request),
		T(test_a_head_past_the_bound),
		T(test_a_body_past_the_bound),
		T(test_a_long_target),
		T(test_reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
