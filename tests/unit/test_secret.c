/* Unit tests of secret — webhook secrets and their Standard Webhooks signatures, SMTP login
 * files, the permissions of a secret's file — and of the channel rules that keep secrets
 * off the network and out of logs: TLS for a mail server not on loopback, no credentials
 * in a URL, no unsigned webhook. The signatures are known answers computed apart from
 * this code: the Standard Webhooks reference libraries' own test vector, and vectors
 * made with Python's hmac module (the command is given with each). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "channel.h"
#include "message.h"
#include "secret.h"
#include "test_support.h"

static struct secret_webhook_key key_of(const char *text)
{
	struct secret_webhook_key key;
	struct status st;
	if (secret_webhook_key_parse(text, strlen(text), &key, &st) != 0) {
		print_error("%s: %s\n", text, st.message);
		fail();
	}
	return key;
}

static void test_signature_known_answers(void **state)
{
	(void)state;
	char sig[SECRET_SIGNATURE_SIZE];
	struct status st;

	/* the vector of the Standard Webhooks reference libraries' tests */
	struct secret_webhook_key key = key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
	assert_int_equal(key.len, 24);
	const char *body = "{\"test\": 2432232314}";
	assert_int_equal(secret_webhook_sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
					     body, strlen(body), sig, &st),
			 0);
	assert_string_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");

	/* the notifier's own shape: a 64-hex idempotency key as the id, a UTF-8 JSON body
	 * with escaped line feeds. In Python: k = bytes(range(32)); b = the body's bytes;
	 * base64.b64encode(hmac.new(k, (id + ".1380614400.").encode() + b,
	 * hashlib.sha256).digest()) */
	key = key_of("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
	assert_int_equal(key.len, 32);
	for (size_t i = 0; i < key.len; i++)
		assert_int_equal(key.bytes[i], i);
	const char *json = "{\"subject\":\"Zo\xc3\xab\xe2\x80\x99s school\","
			   "\"text\":\"Dear Zo\xc3\xab,\\nline\\n\"}";
	assert_int_equal(strlen(json), 57);
	assert_int_equal(
		secret_webhook_sign(&key,
				    "fea3d657f63e70f9bdc66129f65202262c998e2772456193bebd22a2ab246652",
				    1380614400, json, strlen(json), sig, &st),
		0);
	assert_string_equal(sig, "v1,ol1rwd7iatvHuiQYqWThdFxE1NCM+UbfABmGrEtxp80=");

	/* the longest key, an empty body, timestamp 0 */
	key = key_of("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEy"
		     "MzQ1Njc4OTo7PD0+Pw==");
	assert_int_equal(key.len, 64);
	assert_int_equal(secret_webhook_sign(&key, "msg_1", 0, "", 0, sig, &st), 0);
	assert_string_equal(sig, "v1,HZL6IFGXxAA5+E6GULAHVKyxB+KD+eUDyD0G8JJ0huU=");
}

static void test_signature_covers_id_time_and_body(void **state)
{
	(void)state;
	struct secret_webhook_key key = key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
	struct secret_webhook_key other = key_of("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
	char base[SECRET_SIGNATURE_SIZE], sig[SECRET_SIGNATURE_SIZE];
	assert_int_equal(secret_webhook_sign(&key, "id", 100, "{}", 2, base, NULL), 0);
	assert_int_equal(secret_webhook_sign(&key, "id", 100, "{}", 2, sig, NULL), 0);
	assert_string_equal(sig, base);  /* deterministic */
	assert_int_equal(secret_webhook_sign(&key, "ie", 100, "{}", 2, sig, NULL), 0);
	assert_string_not_equal(sig, base);
	assert_int_equal(secret_webhook_sign(&key, "id", 101, "{}", 2, sig, NULL), 0);
	assert_string_not_equal(sig, base);
	assert_int_equal(secret_webhook_sign(&key, "id", 100, "{ }", 3, sig, NULL), 0);
	assert_string_not_equal(sig, base);
	assert_int_equal(secret_webhook_sign(&other, "id", 100, "{}", 2, sig, NULL), 0);
	assert_string_not_equal(sig, base);

	/* no key, a key out of bounds, no id: nothing signed */
	struct status st;
	struct secret_webhook_key short_key = {.len = SECRET_WEBHOOK_KEY_MIN - 1};
	assert_int_equal(secret_webhook_sign(NULL, "id", 1, "", 0, sig, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_string_equal(sig, "");
	assert_int_equal(secret_webhook_sign(&short_key, "id", 1, "", 0, sig, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_int_equal(secret_webhook_sign(&key, "", 1, "", 0, sig, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "id");
}

static void test_webhook_secret_parsing(void **state)
{
	(void)state;
	struct secret_webhook_key key;
	struct status st;
	/* line ends, blank space after */
	const char *ok[] = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\r\n",
			    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \n\n"};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		assert_int_equal(secret_webhook_key_parse(ok[i], strlen(ok[i]), &key, &st), 0);
	struct {
		const char *text, *why;
	} bad[] = {
		{"", "whsec_"},
		{"\n", "whsec_"},
		{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_"},         /* no prefix */
		{"WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_"},
		{"whsec_", "empty"},
		{"whsec_MfKQ9r8GKYqrTwjU PD8ILPZIo2LaLaSw", "not base64"}, /* a space inside */
		{"whsec_MfKQ9r8GKYqrTwjU\nPD8ILPZIo2LaLaSw", "not base64"},
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS-", "not base64"},  /* base64url */
		{"whsec_MfKQ9r8GKYqrTwjU=D8ILPZIo2LaLaSw", "not base64"},  /* '=' inside */
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "cut short"},
		{"whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "23 bytes"},
		{"whsec_c2hvcnQ=", "5 bytes"},
		{"whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "65 bytes"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		key.len = 99;
		if (secret_webhook_key_parse(bad[i].text, strlen(bad[i].text), &key, &st) !=
		    -STATUS_INVALID_ARGUMENT) {
			print_error("accepted '%s'\n", bad[i].text);
			fail();
		}
		assert_int_equal(key.len, 0);
		assert_contains(st.message, bad[i].why);
	}
	/* a refusal never quotes what it refused: it would be a secret in a log */
	const char *leak = "whsec_MfKQ9r8GKYqrTwjU!D8ILPZIo2LaLaSw";
	assert_true(secret_webhook_key_parse(leak, strlen(leak), &key, &st) < 0);
	assert_null(strstr(st.message, "MfKQ9r8G"));
}

static void test_login_file(void **state)
{
	(void)state;
	struct secret_login login;
	struct status st;
	const char *forms[] = {"n2gg-relay\ns3cret: with spaces & colons\n",
			       "n2gg-relay\r\ns3cret: with spaces & colons\r\n",
			       "n2gg-relay\ns3cret: with spaces & colons",
			       "n2gg-relay\ns3cret: with spaces & colons\n\n  \n"};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		assert_int_equal(secret_login_parse(forms[i], strlen(forms[i]), &login, &st), 0);
		assert_string_equal(login.user, "n2gg-relay");
		assert_string_equal(login.password, "s3cret: with spaces & colons");
	}
	/* UTF-8 is not a control character */
	const char *utf8 = "zo\xc3\xab@example.org\np\xc3\xa4ss\n";
	assert_int_equal(secret_login_parse(utf8, strlen(utf8), &login, &st), 0);
	assert_string_equal(login.password, "p\xc3\xa4ss");

	char long_password[SECRET_LOGIN_MAX + 16];
	snprintf(long_password, sizeof long_password, "u\n%0*d\n", SECRET_LOGIN_MAX, 7);
	struct {
		const char *text, *why;
	} bad[] = {
		{"", "none"},
		{"user:hunter2-password", "found one"},
		{"user\n", "found one"},
		{"user\r\n\n", "found one"},
		{"user\n\nhunter2-password\n", "password is empty"},
		{"\nhunter2-password\n", "user name is empty"},
		{"user\nhunter2-password\nthird\n", "more than two lines"},
		{"user\nhunter2\tpassword\n", "control character in the password"},
		{"us\x01er\nhunter2-password\n", "control character in the user name"},
		{long_password, "longer than 255"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (secret_login_parse(bad[i].text, strlen(bad[i].text), &login, &st) !=
		    -STATUS_INVALID_ARGUMENT) {
			print_error("accepted '%s'\n", bad[i].text);
			fail();
		}
		assert_contains(st.message, bad[i].why);
		assert_null(strstr(st.message, "hunter2"));
		/* nothing half-parsed is left behind */
		assert_string_equal(login.user, "");
		assert_string_equal(login.password, "");
	}
	/* a NUL inside counts as a control character, not as the end */
	assert_int_equal(secret_login_parse("user\npass\0word\n", 15, &login, &st),
			 -STATUS_INVALID_ARGUMENT);
}

static void test_file_modes(void **state)
{
	(void)state;
	struct status st;
	assert_int_equal(secret_file_mode_check(S_IFREG | 0600, &st), 0);
	assert_int_equal(secret_file_mode_check(S_IFREG | 0400, &st), 0);
	assert_int_equal(secret_file_mode_check(S_IFREG | 0640, &st), 1);
	assert_contains(st.message, "group may read");
	assert_contains(st.message, "0640");
	assert_int_equal(secret_file_mode_check(S_IFREG | 0620, &st), 1);
	assert_contains(st.message, "group may write");
	assert_int_equal(secret_file_mode_check(S_IFREG | 0644, &st), -STATUS_FAILED_PRECONDITION);
	assert_contains(st.message, "every user of this machine may read");
	assert_contains(st.message, "chmod 600");
	assert_int_equal(secret_file_mode_check(S_IFREG | 0604, &st), -STATUS_FAILED_PRECONDITION);
	assert_int_equal(secret_file_mode_check(S_IFREG | 0602, &st), -STATUS_FAILED_PRECONDITION);
	assert_contains(st.message, "may write");
	assert_int_equal(secret_file_mode_check(S_IFREG | 0601, &st), 0);  /* x alone: harmless */
}

static void test_loopback(void **state)
{
	(void)state;
	const char *yes[] = {"smtp://127.0.0.1:2525", "smtp://localhost", "smtp://LocalHost:25",
			     "smtp://127.200.3.4", "smtp://[::1]:25", "http://[::ffff:127.0.0.1]/h",
			     "smtps://127.0.0.1:465"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (!message_url_loopback(yes[i])) {
			print_error("not loopback: %s\n", yes[i]);
			fail();
		}
	const char *no[] = {"smtp://mail.example.org", "smtp://10.0.0.1", "smtp://128.0.0.1",
			    "smtp://0.0.0.0", "smtp://[::2]", "smtp://[::ffff:10.0.0.1]",
			    "smtp://localhost.example.org", "smtp://127.0.0.1.nip.io",
			    "smtp://mylocalhost", "", "not a url"};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (message_url_loopback(no[i])) {
			print_error("loopback: %s\n", no[i]);
			fail();
		}
	assert_false(message_url_loopback(NULL));
	assert_true(message_url_has_credentials("smtp://relay:pw@mail.example.org"));
	assert_true(message_url_has_credentials("smtp://relay@mail.example.org"));
	assert_true(message_url_has_credentials("https://:pw@hooks.example.org/x"));
	assert_false(message_url_has_credentials("smtp://mail.example.org:587"));
	assert_false(message_url_has_credentials("https://hooks.example.org/x?token=1"));
}

static void test_channel_rules(void **state)
{
	(void)state;
	struct status st;
	struct channel_config smtp = {.kind = CHANNEL_SMTP,
				      .target = "smtp://mail.example.org:587",
				      .mail_from = "n2gg@norfolk.gov.uk"};
	/* away from loopback: STARTTLS, whatever was asked for, and never plain text */
	assert_int_equal(channel_config_check(&smtp, &st), 0);
	assert_int_equal(channel_smtp_tls(&smtp), CHANNEL_TLS_REQUIRED);
	smtp.tls = CHANNEL_TLS_NONE;
	assert_int_equal(channel_config_check(&smtp, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "loopback");
	assert_contains(st.message, "mail.example.org");
	assert_int_equal(channel_smtp_tls(&smtp), CHANNEL_TLS_REQUIRED);
	/* on loopback (a test sink): as asked */
	smtp.target = "smtp://127.0.0.1:2525";
	assert_int_equal(channel_config_check(&smtp, &st), 0);
	assert_int_equal(channel_smtp_tls(&smtp), CHANNEL_TLS_NONE);
	smtp.tls = CHANNEL_TLS_TRY;
	assert_int_equal(channel_smtp_tls(&smtp), CHANNEL_TLS_TRY);
	/* a password in the URL: refused without repeating it */
	smtp.target = "smtp://relay:hunter2@mail.example.org";
	assert_int_equal(channel_config_check(&smtp, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "login file");
	assert_null(strstr(st.message, "hunter2"));
	smtp.target = "smtp://mail.example.org";
	smtp.username = "relay";
	assert_int_equal(channel_config_check(&smtp, &st), -STATUS_INVALID_ARGUMENT);
	smtp.password = "hunter2";
	assert_int_equal(channel_config_check(&smtp, &st), 0);

	/* a webhook: signed, https away from loopback, no password in its URL */
	struct secret_webhook_key key = key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
	struct channel_config hook = {.kind = CHANNEL_WEBHOOK,
				      .target = "https://hooks.example.org/n2gg"};
	assert_int_equal(channel_config_check(&hook, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "signing secret");
	hook.webhook_key = &key;
	assert_int_equal(channel_config_check(&hook, &st), 0);
	hook.target = "http://hooks.example.org/n2gg";
	assert_int_equal(channel_config_check(&hook, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "https is required");
	hook.target = "http://127.0.0.1:8080/n2gg";
	assert_int_equal(channel_config_check(&hook, &st), 0);
	hook.target = "https://n2gg:hunter2@hooks.example.org/n2gg";
	assert_int_equal(channel_config_check(&hook, &st), -STATUS_INVALID_ARGUMENT);
	assert_null(strstr(st.message, "hunter2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature_known_answers),
		cmocka_unit_test(test_signature_covers_id_time_and_body),
		cmocka_unit_test(test_webhook_secret_parsing),
		cmocka_unit_test(test_login_file),
		cmocka_unit_test(test_file_modes),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_channel_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
