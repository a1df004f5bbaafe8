/* Unit tests of delivery: idempotency keys, Message-IDs, the backoff schedule with
 * injected randomness, and the verdict on each kind of channel result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "delivery.h"
#include "test_support.h"

static const char *const notice = "category-letter-2013-10-01-121234";

static void test_key_is_stable_and_hex(void **state)
{
	(void)state;
	char k1[DELIVERY_KEY_SIZE], k2[DELIVERY_KEY_SIZE];
	assert_int_equal(delivery_key(notice, "Head@School.Norfolk.sch.uk", "smtp", k1, NULL), 0);
	/* computed independently (Python hashlib) from the documented scheme: the tag
	 * "n2gg-delivery-v1", then each field as an 8-byte big-endian length and its bytes */
	assert_string_equal(k1, "fea3d657f63e70f9bdc66129f65202262c998e2772456193bebd22a2ab246652");
	assert_int_equal(delivery_key(notice, "Head@School.Norfolk.sch.uk", "smtp", k2, NULL), 0);
	assert_string_equal(k1, k2);
	assert_int_equal(strlen(k1), DELIVERY_KEY_LEN);
	assert_int_equal(strspn(k1, "0123456789abcdef"), DELIVERY_KEY_LEN);
}

static void test_key_differs_per_field(void **state)
{
	(void)state;
	char base[DELIVERY_KEY_SIZE], k[DELIVERY_KEY_SIZE];
	assert_int_equal(delivery_key(notice, "head@school.example.org", "smtp", base, NULL), 0);
	assert_int_equal(delivery_key("allocation-letter-1", "head@school.example.org", "smtp", k,
				      NULL),
			 0);
	assert_string_not_equal(base, k);
	assert_int_equal(delivery_key(notice, "chair@school.example.org", "smtp", k, NULL), 0);
	assert_string_not_equal(base, k);
	assert_int_equal(delivery_key(notice, "head@school.example.org", "webhook", k, NULL), 0);
	assert_string_not_equal(base, k);
	assert_int_equal(delivery_key(notice, "head@school.example.org", "maildir", k, NULL), 0);
	assert_string_not_equal(base, k);
}

static void test_key_fields_cannot_run_together(void **state)
{
	(void)state;
	char a[DELIVERY_KEY_SIZE], b[DELIVERY_KEY_SIZE];
	assert_int_equal(delivery_key("n1", "a@b.org", "smtpx", a, NULL), 0);
	assert_int_equal(delivery_key("n1", "a@b.orgs", "mtpx", b, NULL), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(delivery_key("ab", "x@y.org", "c", a, NULL), 0);
	assert_int_equal(delivery_key("a", "bx@y.org", "c", b, NULL), 0);
	assert_string_not_equal(a, b);
}

static void test_key_domain_case_blind_local_part_not(void **state)
{
	(void)state;
	char a[DELIVERY_KEY_SIZE], b[DELIVERY_KEY_SIZE];
	assert_int_equal(delivery_key(notice, "head@SCHOOL.example.ORG", "smtp", a, NULL), 0);
	assert_int_equal(delivery_key(notice, "head@school.example.org", "smtp", b, NULL), 0);
	assert_string_equal(a, b);
	assert_int_equal(delivery_key(notice, "HEAD@school.example.org", "smtp", a, NULL), 0);
	assert_string_not_equal(a, b);
}

static void test_key_rejects_empty_fields(void **state)
{
	(void)state;
	char k[DELIVERY_KEY_SIZE];
	struct status st;
	assert_int_equal(delivery_key("", "a@b.org", "smtp", k, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "notice");
	assert_int_equal(delivery_key("n", NULL, "smtp", k, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "recipient");
	assert_int_equal(delivery_key("n", "a@b.org", "", k, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "channel");
	assert_string_equal(k, "");
}

static void test_message_id_form(void **state)
{
	(void)state;
	char k[DELIVERY_KEY_SIZE], id[DELIVERY_MESSAGE_ID_MAX];
	assert_int_equal(delivery_key(notice, "head@school.example.org", "smtp", k, NULL), 0);
	assert_int_equal(delivery_message_id(k, NULL, id, sizeof id, NULL), 0);
	char want[DELIVERY_MESSAGE_ID_MAX];
	snprintf(want, sizeof want, "<%s@n2gg.invalid>", k);
	assert_string_equal(id, want);
	assert_int_equal(delivery_message_id(k, "", id, sizeof id, NULL), 0);
	assert_string_equal(id, want);
	assert_int_equal(delivery_message_id(k, "notices.norfolk.gov.uk", id, sizeof id, NULL), 0);
	snprintf(want, sizeof want, "<%s@notices.norfolk.gov.uk>", k);
	assert_string_equal(id, want);
	/* the same key on a retry, the same Message-ID */
	char again[DELIVERY_MESSAGE_ID_MAX];
	assert_int_equal(
		delivery_message_id(k, "notices.norfolk.gov.uk", again, sizeof again, NULL), 0);
	assert_string_equal(id, again);
}

static void test_message_id_rejects_bad_input(void **state)
{
	(void)state;
	char k[DELIVERY_KEY_SIZE], id[DELIVERY_MESSAGE_ID_MAX];
	struct status st;
	assert_int_equal(delivery_key(notice, "head@school.example.org", "smtp", k, NULL), 0);
	const char *bad_domains[] = {"a b.org", "x@y.org", "exa>mple.org", ".lead.org", "trail.",
				     "dou..ble.org", "semi;colon.org"};
	for (size_t i = 0; i < sizeof bad_domains / sizeof *bad_domains; i++) {
		assert_int_equal(delivery_message_id(k, bad_domains[i], id, sizeof id, &st),
				 -STATUS_INVALID_ARGUMENT);
		assert_string_equal(id, "");
	}
	assert_int_equal(delivery_message_id("ABC", NULL, id, sizeof id, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_int_equal(delivery_message_id("", NULL, id, sizeof id, &st),
			 -STATUS_INVALID_ARGUMENT);
	char small[20];
	assert_int_equal(delivery_message_id(k, NULL, small, sizeof small, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_string_equal(small, "");
}

static void test_backoff_grows_and_caps(void **state)
{
	(void)state;
	const double top = 0.999999999;
	assert_int_equal(delivery_backoff_ms(0, 100, 10000, top), 0);
	assert_int_equal(delivery_backoff_ms(-3, 100, 10000, top), 0);
	uint64_t want[] = {0, 99, 199, 399, 799, 1599, 3199, 6399, 9999, 9999};
	for (int a = 1; a < 10; a++)
		assert_int_equal(delivery_backoff_ms(a, 100, 10000, top), want[a]);
	/* u = 1 (out of range) is clamped to the ceiling itself */
	assert_int_equal(delivery_backoff_ms(3, 100, 10000, 1.0), 400);
	assert_int_equal(delivery_backoff_ms(7, 100, 10000, 5.0), 6400);
	assert_int_equal(delivery_backoff_ms(8, 100, 10000, 1.0), 10000);
	/* very many attempts neither overflow nor pass the cap */
	assert_int_equal(delivery_backoff_ms(1000000, 100, 10000, 1.0), 10000);
	assert_int_equal(delivery_backoff_ms(200, 1000, UINT64_MAX / 2, 1.0), UINT64_MAX / 2);
	/* a base above the cap starts at the cap */
	assert_int_equal(delivery_backoff_ms(1, 50000, 10000, 1.0), 10000);
	assert_int_equal(delivery_backoff_ms(1, 0, 10000, 1.0), 0);
}

static void test_backoff_full_jitter_bounds(void **state)
{
	(void)state;
	assert_int_equal(delivery_backoff_ms(5, 100, 10000, 0.0), 0);
	assert_int_equal(delivery_backoff_ms(5, 100, 10000, -0.5), 0);
	assert_int_equal(delivery_backoff_ms(5, 100, 10000, NAN), 0);
	assert_int_equal(delivery_backoff_ms(4, 100, 10000, 0.5), 400);
	/* a deterministic stream of draws: every wait within [0, ceiling], and the draws
	 * spread over the range rather than sticking to one end */
	uint64_t x = 42;
	for (int a = 1; a <= 12; a++) {
		uint64_t ceiling = 100ULL << (a - 1);
		if (ceiling > 10000)
			ceiling = 10000;
		uint64_t lo = UINT64_MAX, hi = 0;
		for (int i = 0; i < 1000; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			double u = (double)(x >> 11) / 9007199254740992.0;
			uint64_t w = delivery_backoff_ms(a, 100, 10000, u);
			assert_true(w <= ceiling);
			lo = w < lo ? w : lo;
			hi = w > hi ? w : hi;
		}
		assert_true(lo < ceiling / 10);
		assert_true(hi > ceiling * 9 / 10);
	}
}

static void test_backoff_decorrelated(void **state)
{
	(void)state;
	/* the first wait lies between base and 3 x base */
	assert_int_equal(delivery_backoff_decorrelated_ms(0, 100, 10000, 0.0), 100);
	assert_int_equal(delivery_backoff_decorrelated_ms(0, 100, 10000, 0.5), 200);
	assert_int_equal(delivery_backoff_decorrelated_ms(0, 100, 10000, 1.0), 300);
	assert_int_equal(delivery_backoff_decorrelated_ms(1000, 100, 10000, 1.0), 3000);
	assert_int_equal(delivery_backoff_decorrelated_ms(5000, 100, 10000, 1.0), 10000);
	assert_int_equal(delivery_backoff_decorrelated_ms(UINT64_MAX, 100, 10000, 0.99), 9901);
	assert_int_equal(delivery_backoff_decorrelated_ms(0, 100, 50, 0.7), 50);
	uint64_t prev = 0, x = 7;
	for (int i = 0; i < 500; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		double u = (double)(x >> 11) / 9007199254740992.0;
		uint64_t w = delivery_backoff_decorrelated_ms(prev, 100, 10000, u);
		assert_true(w >= 100);
		assert_true(w <= 10000);
		assert_true(w <= 3 * (prev < 100 ? 100 : prev));
		prev = w;
	}
}

struct classify_case {
	enum delivery_protocol protocol;
	enum delivery_net net;
	long code;
	enum delivery_outcome want;
};

static void test_classification_table(void **state)
{
	(void)state;
	static const struct classify_case cases[] = {
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 250, DELIVERY_OK},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 251, DELIVERY_OK},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 421, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 451, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 452, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 550, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 553, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 554, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 354, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 0, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_REFUSED, 0, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_TIMEOUT, 0, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_RESOLVE, 0, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_BROKEN, 354, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_TLS, 0, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_AUTH, 535, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_SMTP, DELIVERY_NET_CONFIG, 0, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 200, DELIVERY_OK},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 202, DELIVERY_OK},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 204, DELIVERY_OK},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 301, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 400, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 401, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 404, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 409, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 422, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 408, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 429, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 500, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 502, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 503, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 0, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_REFUSED, 0, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_TIMEOUT, 0, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_BROKEN, 0, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_TLS, 0, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_HTTP, DELIVERY_NET_CONFIG, 0, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_FILE, DELIVERY_NET_DONE, 0, DELIVERY_OK},
		{DELIVERY_PROTO_FILE, DELIVERY_NET_LOCAL_TRANSIENT, 0, DELIVERY_TRANSIENT},
		{DELIVERY_PROTO_FILE, DELIVERY_NET_LOCAL_PERMANENT, 0, DELIVERY_PERMANENT},
		{DELIVERY_PROTO_FILE, DELIVERY_NET_CONFIG, 0, DELIVERY_PERMANENT},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct classify_case *c = &cases[i];
		enum delivery_outcome got = delivery_classify(c->protocol, c->net, c->code);
		if (got != c->want) {
			print_error("case %zu: %s %s %ld: got %s, want %s\n", i,
				    delivery_protocol_name(c->protocol), delivery_net_name(c->net),
				    c->code, delivery_outcome_name(got),
				    delivery_outcome_name(c->want));
			fail();
		}
	}
}

static void test_result_keeps_reply_on_one_line(void **state)
{
	(void)state;
	struct delivery_result r;
	delivery_result_set(&r, DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, 550,
			    "550-5.1.1 The email account that you tried to reach\r\n"
			    "550 5.1.1 does not exist.\r\n");
	assert_int_equal(r.outcome, DELIVERY_PERMANENT);
	assert_int_equal(r.code, 550);
	assert_string_equal(r.reply, "550-5.1.1 The email account that you tried to reach 550 "
				     "5.1.1 does not exist.");
	assert_false(r.duplicate);

	char longer[2000];
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	delivery_result_set(&r, DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, 503, longer);
	assert_int_equal(r.outcome, DELIVERY_TRANSIENT);
	assert_int_equal(strlen(r.reply), DELIVERY_REPLY_MAX - 1);

	delivery_result_set(&r, DELIVERY_PROTO_FILE, DELIVERY_NET_DONE, 0, NULL);
	assert_int_equal(r.outcome, DELIVERY_OK);
	assert_string_equal(r.reply, "");
}

static void test_should_retry(void **state)
{
	(void)state;
	assert_true(delivery_should_retry(DELIVERY_TRANSIENT, 1, 5));
	assert_true(delivery_should_retry(DELIVERY_TRANSIENT, 4, 5));
	assert_false(delivery_should_retry(DELIVERY_TRANSIENT, 5, 5));
	assert_false(delivery_should_retry(DELIVERY_PERMANENT, 1, 5));
	assert_false(delivery_should_retry(DELIVERY_OK, 1, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_is_stable_and_hex),
		cmocka_unit_test(test_key_differs_per_field),
		cmocka_unit_test(test_key_fields_cannot_run_together),
		cmocka_unit_test(test_key_domain_case_blind_local_part_not),
		cmocka_unit_test(test_key_rejects_empty_fields),
		cmocka_unit_test(test_message_id_form),
		cmocka_unit_test(test_message_id_rejects_bad_input),
		cmocka_unit_test(test_backoff_grows_and_caps),
		cmocka_unit_test(test_backoff_full_jitter_bounds),
		cmocka_unit_test(test_backoff_decorrelated),
		cmocka_unit_test(test_classification_table),
		cmocka_unit_test(test_result_keeps_reply_on_one_line),
		cmocka_unit_test(test_should_retry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
