/* Unit tests of message: the RFC 5322 / MIME text of a notice (headers, CRLF, encoded
 * words, quoted-printable and base64, multipart boundaries), the webhook JSON, and the
 * address and URL checks. Encoded text is decoded here again and compared with what went
 * in, so the tests check meaning and not only form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>

#include "message.h"
#include "test_support.h"

#define MID "<fea3d657f63e70f9bdc66129f65202262c998e2772456193bebd22a2ab246652@n2gg.invalid>"
/* 2013-10-01 08:00:00 UTC, a Tuesday */
#define OCT_1_2013 1380614400LL

static struct message sample(void)
{
	struct message m = {
		.from = {"Norfolk County Council", "n2gg@norfolk.gov.uk"},
		.to = {"Zoë Smith", "head@school.norfolk.sch.uk"},
		.subject = "Zoë",
		.text = "Dear Headteacher,\n\nYour school is in category C.\n",
		.html = "<p>Dear Headteacher,</p>\n<p>Your school is in category C.</p>\n",
		.date = OCT_1_2013,
		.utc_offset_min = 60,
		.message_id = MID,
	};
	return m;
}

static char *compose(struct arena *a, const struct message *m)
{
	/* static: gcc 12 at -O3 takes a pointer into the message for one to this local
	 * (-Wdangling-pointer) once compose() is inlined */
	static char *out;
	size_t len;
	struct status st = {0};
	if (message_compose(a, m, &out, &len, &st) != 0) {
		print_error("message_compose: %s\n", st.message);
		fail();
	}
	assert_int_equal(strlen(out), len);
	return out;
}

/* The value of header `name` (unfolded), or NULL; headers end at the first empty line. */
static char *header(struct arena *a, const char *msg, const char *name)
{
	size_t n = strlen(name);
	const char *end = strstr(msg, "\r\n\r\n");
	for (const char *p = msg; p && p < end; p = strstr(p, "\r\n") + 2) {
		if (strncmp(p, name, n) != 0 || p[n] != ':')
			continue;
		const char *v = p + n + 1;
		while (*v == ' ')
			v++;
		char *out = arena_alloc(a, strlen(v) + 1);
		size_t o = 0;
		for (;;) {
			if (v[0] == '\r' && v[1] == '\n') {
				if (v[2] != ' ' && v[2] != '\t')
					break;
				v += 2;  /* unfold: CRLF goes, the white space stays */
				continue;
			}
			out[o++] = *v++;
		}
		out[o] = '\0';
		return out;
	}
	return NULL;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes a header value of Q encoded-words (with nothing else between them). */
static char *decode_words(struct arena *a, const char *v)
{
	char *out = arena_alloc(a, strlen(v) + 1);
	size_t o = 0;
	while (*v) {
		if (*v == ' ') {
			v++;
			continue;
		}
		assert_int_equal(strncmp(v, "=?UTF-8?Q?", 10), 0);
		const char *end = strstr(v + 10, "?=");
		assert_non_null(end);
		assert_true(end + 2 - v <= 75);
		for (const char *p = v + 10; p < end; p++) {
			if (*p == '_') {
				out[o++] = ' ';
			} else if (*p == '=') {
				out[o++] = (char)(hexval(p[1]) * 16 + hexval(p[2]));
				p += 2;
			} else {
				out[o++] = *p;
			}
		}
		v = end + 2;
	}
	out[o] = '\0';
	return out;
}

/* Decodes quoted-printable (soft breaks dropped, CRLF kept). */
static char *decode_qp(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=' && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else if (s[i] == '=') {
			assert_true(hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0);
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static char *decode_b64(struct arena *a, const char *s, size_t n)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;
	unsigned bits = 0, acc = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = s[i] ? strchr(alphabet, s[i]) : NULL;
		if (!p)
			continue;
		acc = (acc << 6) | (unsigned)(p - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

/* The body of the MIME part whose Content-Type starts with `type`. */
static const char *part_body(const char *msg, const char *type, size_t *n,
			     const char *boundary)
{
	char ct[64];
	snprintf(ct, sizeof ct, "Content-Type: %s", type);
	const char *p = strstr(msg, ct);
	assert_non_null(p);
	const char *body = strstr(p, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	const char *end;
	if (boundary) {
		char delim[80];
		snprintf(delim, sizeof delim, "\r\n--%s", boundary);
		end = strstr(body, delim);
	} else {
		end = body + strlen(body);
	}
	assert_non_null(end);
	*n = (size_t)(end - body);
	return body;
}

/* CRLF only, and no line over 78 characters but the Message-ID's, which cannot be folded
 * (998 is RFC 5322's limit, 78 its advice). */
static void assert_crlf_and_short_lines(const char *msg)
{
	size_t col = 0;
	bool exempt = strncmp(msg, "Message-ID:", 11) == 0;
	for (const char *p = msg; *p; p++) {
		if (*p == '\n') {
			assert_true(p > msg && p[-1] == '\r');
			col = 0;
			exempt = strncmp(p + 1, "Message-ID:", 11) == 0;
			continue;
		}
		if (exempt)
			continue;
		if (*p == '\r')
			assert_true(p[1] == '\n');
		else
			col++;
		if (col > 78)
			print_error("line too long at: %.90s\n", p - col + 1);
		assert_true(col <= 78);
	}
	assert_true(strlen(msg) >= 2 && strcmp(msg + strlen(msg) - 2, "\r\n") == 0);
}

static void test_headers_present(void **state)
{
	struct arena *a = *state;
	struct message m = sample();
	char *msg = compose(a, &m);
	assert_string_equal(header(a, msg, "From"), "Norfolk County Council <n2gg@norfolk.gov.uk>");
	assert_string_equal(header(a, msg, "To"),
			    "=?UTF-8?Q?Zo=C3=AB_Smith?= <head@school.norfolk.sch.uk>");
	assert_string_equal(header(a, msg, "Subject"), "=?UTF-8?Q?Zo=C3=AB?=");
	assert_contains(msg, "\r\nSubject: =?UTF-8?Q?Zo=C3=AB?=\r\n");
	assert_string_equal(header(a, msg, "Date"), "Tue, 01 Oct 2013 09:00:00 +0100");
	assert_string_equal(header(a, msg, "Message-ID"), MID);
	assert_string_equal(header(a, msg, "MIME-Version"), "1.0");
	assert_string_equal(header(a, msg, "Auto-Submitted"), "auto-generated");
	assert_contains(header(a, msg, "Content-Type"),
			"multipart/alternative; boundary=\"=_n2gg_");
	assert_null(header(a, msg, "Reply-To"));
	assert_int_equal(strncmp(msg, "From: ", 6), 0);
}

static void test_crlf_everywhere_and_line_limits(void **state)
{
	struct arena *a = *state;
	struct message m = sample();
	char text[4000];
	snprintf(text, sizeof text, "%s\n%s\r\n%s\rlast line without end",
		 "A very long line, about the Education Challenge Partner's visits to the school "
		 "in the autumn term, the spring term and the summer term, written as one "
		 "paragraph with no line breaks at all, as template output often is.",
		 "Windows line end", "old Mac line end");
	m.text = text;
	m.subject = "Norfolk to Good and Great: your school's category for the academic year "
		    "2013 to 2014 and what it means for the support you will receive";
	char *msg = compose(a, &m);
	assert_crlf_and_short_lines(msg);
	/* the long ASCII subject was folded at spaces, not encoded */
	assert_string_equal(header(a, msg, "Subject"), m.subject);

	m.transfer = MESSAGE_BASE64;
	assert_crlf_and_short_lines(compose(a, &m));
}

static void test_long_non_ascii_subject_in_several_words(void **state)
{
	struct arena *a = *state;
	struct message m = sample();
	m.subject = "Rhagoriaeth i bawb — Zoë’s school: catégorie C, visites prévues à l’automne, "
		    "au printemps et en été ✓";
	char *msg = compose(a, &m);
	assert_crlf_and_short_lines(msg);
	char *v = header(a, msg, "Subject");
	assert_non_null(v);
	assert_true(strstr(v, "?= =?UTF-8?Q?") != NULL);  /* more than one word */
	assert_string_equal(decode_words(a, v), m.subject);
	/* folded: the raw header spans lines */
	assert_contains(msg, "?=\r\n =?UTF-8?Q?");
}

static void test_display_names(void **state)
{
	struct arena *a = *state;
	struct message m = sample();
	m.from.name = "Smith, J. (N2GG)";
	m.to.name = NULL;
	struct message_address reply = {"Say \"hi\"", "replies@norfolk.gov.uk"};
	m.reply_to = &reply;
	char *msg = compose(a, &m);
	assert_string_equal(header(a, msg, "From"), "\"Smith, J. (N2GG)\" <n2gg@norfolk.gov.uk>");
	assert_string_equal(header(a, msg, "To"), "head@school.norfolk.sch.uk");
	assert_string_equal(header(a, msg, "Reply-To"),
			    "\"Say \\\"hi\\\"\" <replies@norfolk.gov.uk>");

	/* a name short enough to quote, but not once its backslashes are escaped: encoded
	 * words instead, which fold, so no line passes 78 (found by fuzz_message) */
	char name[64] = "C: ";
	memset(name + 3, '\\', 50);
	m = sample();
	m.from.name = name;
	msg = compose(a, &m);
	assert_crlf_and_short_lines(msg);
	assert_contains(header(a, msg, "From"), "=?UTF-8?Q?C=3A_=5C=5C");
}

static void test_quoted_printable(void **state)
{
	struct arena *a = *state;
	struct message m = sample();
	char text[1000];
	snprintf(text, sizeof text,
		 "Zoë’s school = category C \n.hidden dot\nFrom the council\n%s\nend",
		 "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"
		 "ééééééééééé and a long tail of ASCII words to wrap beyond the limit");
	m.text = text;
	m.html = NULL;
	char *msg = compose(a, &m);
	assert_contains(msg, "Content-Transfer-Encoding: quoted-printable\r\n");
	size_t n;
	const char *body = part_body(msg, "text/plain", &n, NULL);
	char *raw = arena_strndup(a, body, n);
	assert_contains(raw, "Zo=C3=AB=E2=80=99s school =3D category C=20\r\n");
	assert_contains(raw, "\r\n=2Ehidden dot\r\n");
	assert_contains(raw, "\r\n=46rom the council\r\n");
	assert_contains(raw, "=\r\n");  /* soft breaks in the long line */
	for (const char *p = raw; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	size_t col = 0;
	for (const char *p = raw; *p; p++) {
		col = *p == '\n' ? 0 : col + 1;
		assert_true(col <= 77);  /* 76 and the CR */
	}
	/* decoding gives the text back, with CRLF line ends */
	char want[1100];
	size_t w = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			want[w++] = '\r';
		want[w++] = *p;
	}
	/* a message ends with CRLF: with no boundary after the text, it ends the text */
	want[w++] = '\r';
	want[w++] = '\n';
	want[w] = '\0';
	assert_string_equal(decode_qp(a, body, n), want);
}

static void test_base64_parts(void **state)
{
	struct arena *a = *state;
	struct message m = sample();
	m.transfer = MESSAGE_BASE64;
	m.text = "Zoë\nline two\n";
	char *msg = compose(a, &m);
	char *ct = header(a, msg, "Content-Type");
	const char *b = strstr(ct, "boundary=\"") + 10;
	char *boundary = arena_strndup(a, b, strcspn(b, "\""));
	size_t n;
	const char *body = part_body(msg, "text/plain", &n, boundary);
	assert_string_equal(decode_b64(a, body, n), "Zoë\r\nline two\r\n");
	body = part_body(msg, "text/html", &n, boundary);
	assert_string_equal(decode_b64(a, body, n),
			    "<p>Dear Headteacher,</p>\r\n<p>Your school is in category C.</p>\r\n");
	assert_contains(msg, "Content-Transfer-Encoding: base64\r\n");
}

static void test_multipart_boundaries(void **state)
{
	struct arena *a = *state;
	struct message m = sample();
	char *msg = compose(a, &m);
	char *ct = header(a, msg, "Content-Type");
	const char *b = strstr(ct, "boundary=\"");
	assert_non_null(b);
	b += 10;
	char *boundary = arena_strndup(a, b, strcspn(b, "\""));
	assert_int_equal(strncmp(boundary, "=_n2gg_", 7), 0);
	assert_true(strlen(boundary) <= 70);

	char open[100], close[100];
	snprintf(open, sizeof open, "\r\n--%s\r\n", boundary);
	snprintf(close, sizeof close, "\r\n--%s--\r\n", boundary);
	const char *first = strstr(msg, open);
	assert_non_null(first);
	const char *second = strstr(first + 1, open);
	assert_non_null(second);
	assert_null(strstr(second + 1, open));
	const char *end = strstr(msg, close);
	assert_non_null(end);
	assert_true(end > second);
	assert_string_equal(end + strlen(close), "");  /* nothing after the close */
	/* text/plain first (the least preferred), then text/html */
	const char *plain = strstr(msg, "Content-Type: text/plain; charset=UTF-8");
	const char *html = strstr(msg, "Content-Type: text/html; charset=UTF-8");
	assert_true(first < plain && plain < second && second < html && html < end);
	/* "--boundary" occurs only as the three delimiters */
	int count = 0;
	char dash[100];
	snprintf(dash, sizeof dash, "--%s", boundary);
	for (const char *p = strstr(msg, dash); p; p = strstr(p + 1, dash))
		count++;
	assert_int_equal(count, 3);

	/* the same notice gives the same bytes; another Message-ID, another boundary */
	assert_string_equal(compose(a, &m), msg);
	m.message_id = "<fedcba9876543210@n2gg.invalid>";
	assert_null(strstr(compose(a, &m), boundary));
}

static void test_text_only(void **state)
{
	struct arena *a = *state;
	struct message m = sample();
	m.html = NULL;
	char *msg = compose(a, &m);
	assert_string_equal(header(a, msg, "Content-Type"), "text/plain; charset=UTF-8");
	assert_null(strstr(msg, "multipart"));
	assert_crlf_and_short_lines(msg);
}

static void test_rejects_bad_messages(void **state)
{
	struct arena *a = *state;
	char *out;
	size_t len;
	struct status st;
	struct message m = sample();
	m.subject = "Category C\r\nBcc: everyone@example.org";
	assert_int_equal(message_compose(a, &m, &out, &len, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "Subject");
	assert_null(out);

	m = sample();
	m.to.name = "Zoë\nBcc: x@y.org";
	assert_int_equal(message_compose(a, &m, &out, &len, &st), -STATUS_INVALID_ARGUMENT);
	m = sample();
	m.to.address = "head at school";
	assert_int_equal(message_compose(a, &m, &out, &len, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "To:");
	m = sample();
	m.subject = "Zo\xc3";  /* cut in the middle of a character */
	assert_int_equal(message_compose(a, &m, &out, &len, &st), -STATUS_INVALID_ARGUMENT);
	m = sample();
	m.text = "caf\xe9";  /* Latin-1, not UTF-8 */
	assert_int_equal(message_compose(a, &m, &out, &len, &st), -STATUS_INVALID_ARGUMENT);
	m = sample();
	m.message_id = NULL;
	assert_int_equal(message_compose(a, &m, &out, &len, &st), -STATUS_INVALID_ARGUMENT);
	m = sample();
	m.subject = "";
	assert_int_equal(message_compose(a, &m, &out, &len, &st), -STATUS_INVALID_ARGUMENT);
	/* a Message-ID goes into the header as it is: 8-bit there would break the 7-bit
	 * message (found by fuzz_message) */
	m = sample();
	m.message_id = "<\xd0\x99" "abc@n2gg.invalid>";
	assert_int_equal(message_compose(a, &m, &out, &len, &st), -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "Message-ID: not ASCII");
	assert_null(out);
}

static void test_dates(void **state)
{
	(void)state;
	char d[MESSAGE_DATE_SIZE];
	assert_string_equal(message_format_date(0, 0, d), "Thu, 01 Jan 1970 00:00:00 +0000");
	assert_string_equal(message_format_date(OCT_1_2013, 0, d),
			    "Tue, 01 Oct 2013 08:00:00 +0000");
	assert_string_equal(message_format_date(OCT_1_2013, -330, d),
			    "Tue, 01 Oct 2013 02:30:00 -0530");
	assert_string_equal(message_format_date(OCT_1_2013 + 16 * 3600, 60, d),
			    "Wed, 02 Oct 2013 01:00:00 +0100");
	/* a date no notice can have (the fuzz target's INT64_MIN) is the epoch, never an
	 * overflowing sum with the offset */
	assert_string_equal(message_format_date(INT64_MIN, -1, d),
			    "Thu, 01 Jan 1970 00:00:00 -0001");
	assert_string_equal(message_format_date(INT64_MAX, 60, d),
			    "Thu, 01 Jan 1970 00:00:00 +0100");
}

static void test_address_validation(void **state)
{
	(void)state;
	const char *good[] = {"head@school.norfolk.sch.uk", "a@b.co", "first.last+n2gg@example.org",
			      "o'brien@example.org", "x_y-z@sub-domain.example.org"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (!message_address_valid(good[i])) {
			print_error("rejected %s\n", good[i]);
			fail();
		}
	const char *bad[] = {"", "plain", "@example.org", "head@", "head@localhost",
			     "two@at@example.org", "head @example.org", "head@exa mple.org",
			     "head@example.org ", "he\tad@example.org", "head@example..org",
			     "head@.example.org", "head@example.org.", ".head@example.org",
			     "head.@example.org", "he..ad@example.org", "<head@example.org>",
			     "head@-example.org", "zoë@example.org", "head@exämple.org",
			     "a,b@example.org", "head@example.org\r\nBcc: x@y.org"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (message_address_valid(bad[i])) {
			print_error("accepted '%s'\n", bad[i]);
			fail();
		}
	assert_false(message_address_valid(NULL));
	struct status st;
	assert_int_equal(message_address_check("two@at@example.org", &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "exactly one @");
	char local[80];
	memset(local, 'a', 65);
	strcpy(local + 65, "@example.org");
	assert_false(message_address_valid(local));
}

static void test_webhook_url_validation(void **state)
{
	(void)state;
	const char *good[] = {"http://127.0.0.1:8080/hook", "https://hooks.example.org/n2gg?x=1",
			      "HTTPS://Example.org", "http://[::1]:9000/"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (!message_webhook_url_valid(good[i])) {
			print_error("rejected %s\n", good[i]);
			fail();
		}
	const char *bad[] = {"", "example.org/hook", "ftp://example.org/hook",
			     "smtp://mail.example.org", "http://", "http://:8080/",
			     "http://user@/x",
			     "http://exa mple.org/", "javascript:alert(1)", "file:///etc/passwd",
			     /* the letters in clear over a network; a password in the URL */
			     "http://hooks.example.org/n2gg", "http://10.0.0.1:8080/",
			     "https://n2gg:pw@hooks.example.org/", "http://n2gg@127.0.0.1/"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (message_webhook_url_valid(bad[i])) {
			print_error("accepted '%s'\n", bad[i]);
			fail();
		}
	assert_false(message_webhook_url_valid(NULL));
	struct status st;
	assert_int_equal(message_webhook_url_check("ftp://example.org/", &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "http");
	assert_int_equal(message_webhook_url_check("http://hooks.example.org/", &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "https is required");
}

static void test_webhook_json(void **state)
{
	struct arena *a = *state;
	struct message m = sample();
	m.text = "Line \"one\"\nback\\slash\ttab\x01";
	char *out;
	size_t len;
	assert_int_equal(message_compose_json(a, &m, "abc123", &out, &len, NULL), 0);
	assert_int_equal(strlen(out), len);
	assert_int_equal(strncmp(out, "{\"idempotency_key\":\"abc123\",", 28), 0);
	assert_contains(out, "\"message_id\":\"" MID "\"");
	assert_contains(out, "\"date\":\"2013-10-01T08:00:00Z\"");
	assert_contains(out, "\"to\":{\"name\":\"Zoë Smith\",\"address\":"
			     "\"head@school.norfolk.sch.uk\"}");
	assert_contains(out, "\"subject\":\"Zoë\"");
	assert_contains(out, "\"text\":\"Line \\\"one\\\"\\nback\\\\slash\\ttab\\u0001\"");
	assert_contains(out, "\"html\":\"<p>");
	assert_int_equal(out[len - 1], '}');
	m.html = NULL;
	assert_int_equal(message_compose_json(a, &m, "abc123", &out, &len, NULL), 0);
	assert_null(strstr(out, "\"html\""));
	assert_int_equal(message_compose_json(a, &m, "", &out, &len, NULL),
			 -STATUS_INVALID_ARGUMENT);
}

static void test_utf8(void **state)
{
	(void)state;
	const char *good[] = {"", "plain", "Zoë", "€", "𝄞", "\xef\xbf\xbf"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_true(message_utf8_valid(good[i], strlen(good[i])));
	const char *bad[] = {"\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
			     "\xff", "\x80"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(message_utf8_valid(bad[i], strlen(bad[i])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_headers_present, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_crlf_everywhere_and_line_limits,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_long_non_ascii_subject_in_several_words,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_display_names, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_quoted_printable, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_base64_parts, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_multipart_boundaries, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_text_only, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_rejects_bad_messages, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_address_validation),
		cmocka_unit_test(test_webhook_url_validation),
		cmocka_unit_test_setup_teardown(test_webhook_json, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test(test_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
