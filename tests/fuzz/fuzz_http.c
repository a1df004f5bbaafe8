/* fuzz_http: http_parse_request, which reads whatever a client of a service's health and
 * metrics port sends. The header promises: a whole request, a wait for more, or a refusal
 * with 400, 413, 414 or 431, and nothing else; a whole request takes no more than the
 * bytes given nor HTTP_MAX_REQUEST, and parsing just those bytes gives it again; a path
 * that is a C string of the bounded size, without its query; never a wait once
 * HTTP_MAX_REQUEST bytes are in (the server would hang on a full buffer); and, because
 * the server parses again from the start each time bytes arrive, a shorter prefix of a
 * wait or a request is never refused. */
#include "fuzz_support.h"

#include "http.h"

static void check_prefix(const uint8_t *data, size_t n)
{
	struct http_request req;
	int rc = http_parse_request((const char *)data, n, &req);
	fuzz_assert(rc == 0 || rc == HTTP_PARSE_INCOMPLETE,
		    "a prefix of %zu bytes of an acceptable input refused with %d", n,
		    req.error_status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;
	int rc = http_parse_request((const char *)data, size, &req);
	fuzz_assert(rc == 0 || rc == HTTP_PARSE_INCOMPLETE || rc == -1, "returned %d", rc);
	if (rc == -1) {
		int s = req.error_status;
		fuzz_assert(s == 400 || s == 413 || s == 414 || s == 431, "refused with %d", s);
		fuzz_assert(http_reason(s)[0], "no reason phrase for %d", s);
		return 0;
	}
	if (rc == HTTP_PARSE_INCOMPLETE) {
		fuzz_assert(size < HTTP_MAX_REQUEST, "still waiting after %zu bytes", size);
		check_prefix(data, size / 2);
		return 0;
	}
	size_t plen = strnlen(req.path, sizeof req.path);
	fuzz_assert(plen < sizeof req.path, "path not terminated");
	fuzz_assert(!memchr(req.path, '?', plen) && !memchr(req.path, '#', plen),
		    "query or fragment left in \"%s\"", req.path);
	fuzz_assert(req.method && req.method[0], "no method");
	fuzz_assert(req.length > 0 && req.length <= size && req.length <= HTTP_MAX_REQUEST,
		    "length %zu of %zu bytes", req.length, size);

	/* its own bytes, and only those, make the same request */
	char *exact = malloc(req.length);
	if (!exact)
		abort();
	memcpy(exact, data, req.length);
	struct http_request again;
	fuzz_assert(http_parse_request(exact, req.length, &again) == 0,
		    "the request's own %zu bytes are not a request", req.length);
	fuzz_assert(again.length == req.length && strcmp(again.method, req.method) == 0 &&
			    strcmp(again.path, req.path) == 0,
		    "the request's own bytes read differently");
	free(exact);
	check_prefix(data, req.length - 1);
	check_prefix(data, req.length / 2);
	return 0;
}
