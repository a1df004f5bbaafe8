/* Unit tests of the identity modules: role names and checks, certificate files (made,
 * read back, refused when loose or malformed) and the keyring of authorised principals
 * built from a directory (bad files left out, the same key twice, lookups). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert.h"
#include "keyring.h"
#include "role.h"
#include "test_support.h"

static void test_roles_parse_and_print(void **state)
{
	(void)state;
	char unknown[64], buf[96];
	unsigned r = role_parse("reader, officer,bogus  gateway", unknown, sizeof unknown);
	assert_int_equal(r, ROLE_READER | ROLE_OFFICER | ROLE_GATEWAY);
	assert_string_equal(unknown, "bogus");
	assert_string_equal(role_list(r, buf, sizeof buf), "reader,officer,gateway");
	assert_string_equal(role_list(0, buf, sizeof buf), "none");
	assert_int_equal(role_parse("", unknown, sizeof unknown), 0);
	assert_string_equal(role_name(ROLE_PUBLISHER), "publisher");
}

static void test_roles_allow(void **state)
{
	(void)state;
	assert_true(role_allows(ROLE_READER | ROLE_OFFICER, ROLE_OFFICER));
	assert_false(role_allows(ROLE_READER, ROLE_OFFICER));
	assert_false(role_allows(ROLE_GATEWAY, ROLE_READER));
	assert_true(role_allows(ROLE_ADMIN, ROLE_SERVICE));   /* admin stands for all */
	assert_false(role_allows(ROLE_SERVICE, ROLE_IMPORTER));
}

struct dirs {
	char dir[64];
};

static int dir_setup(void **state)
{
	struct dirs *d = calloc(1, sizeof *d);
	snprintf(d->dir, sizeof d->dir, "/tmp/n2gg-keys-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	*state = d;
	return 0;
}

static int dir_teardown(void **state)
{
	struct dirs *d = *state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", d->dir);
	assert_int_equal(system(cmd), 0);
	free(d);
	return 0;
}

static void write_file(const char *dir, const char *name, const char *text, int mode)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

static void test_cert_made_and_read_back(void **state)
{
	struct dirs *d = *state;
	struct cert made, pub, sec;
	struct status st;
	assert_int_equal(cert_generate(d->dir, "officer.a", "officer,reader", &made, &st), 0);
	char path[256];
	snprintf(path, sizeof path, "%s/officer.a.key", d->dir);
	assert_int_equal(cert_load(path, &pub, &st), 0);
	assert_false(pub.has_secret);
	assert_string_equal(pub.name, "officer.a");
	assert_string_equal(pub.roles, "officer,reader");
	assert_memory_equal(pub.public_key, made.public_key, CERT_KEY_BYTES);
	assert_string_equal(pub.fingerprint, made.fingerprint);
	assert_int_equal(strlen(pub.fingerprint), 16);
	snprintf(path, sizeof path, "%s/officer.a.key_secret", d->dir);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(cert_load(path, &sec, &st), 0);
	assert_true(sec.has_secret);
	assert_memory_equal(sec.secret_key, made.secret_key, CERT_KEY_BYTES);
	/* never overwritten */
	assert_int_equal(cert_generate(d->dir, "officer.a", "", &made, &st), -STATUS_ALREADY_EXISTS);
	assert_int_equal(cert_generate(d->dir, "bad name", "", &made, &st), -STATUS_INVALID_ARGUMENT);
}

static void test_cert_refusals(void **state)
{
	struct dirs *d = *state;
	struct cert c;
	struct status st;
	char path[256];
	assert_int_equal(cert_generate(d->dir, "loose", "", &c, &st), 0);
	snprintf(path, sizeof path, "%s/loose.key_secret", d->dir);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(cert_load(path, &c, &st), -STATUS_FAILED_PRECONDITION);
	assert_contains(st.message, "readable by others");

	write_file(d->dir, "short.key", "curve\n    public-key = \"abc\"\n", 0644);
	snprintf(path, sizeof path, "%s/short.key", d->dir);
	assert_int_equal(cert_load(path, &c, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "public-key");

	write_file(d->dir, "name.key",
		   "metadata\n    name = \"a b\"\ncurve\n"
		   "    public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n", 0644);
	snprintf(path, sizeof path, "%s/name.key", d->dir);
	assert_int_equal(cert_load(path, &c, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "name");

	snprintf(path, sizeof path, "%s/missing.key", d->dir);
	assert_int_equal(cert_load(path, &c, &st), -STATUS_NOT_FOUND);
}

static void test_keyring_from_a_directory(void **state)
{
	struct dirs *d = *state;
	struct cert a, b;
	struct status st;
	assert_int_equal(cert_generate(d->dir, "alice", "reader", &a, &st), 0);
	assert_int_equal(cert_generate(d->dir, "bob", "officer,unknown", &b, &st), 0);
	/* left out: garbage, a certificate naming nobody, and the same key under another name */
	write_file(d->dir, "garbage.key", "this is not ZPL\n\t\t= =\n", 0644);
	char text[512];
	snprintf(text, sizeof text, "curve\n    public-key = \"%s\"\n", a.public_txt);
	write_file(d->dir, "nameless.key", text, 0644);
	snprintf(text, sizeof text, "metadata\n    name = \"alias\"\ncurve\n    public-key = \"%s\"\n",
		 b.public_txt);
	write_file(d->dir, "zz-alias.key", text, 0644);

	struct keyring k = {0};
	assert_int_equal(keyring_load(&k, d->dir, &st), 0);
	assert_int_equal(k.count, 2);
	assert_int_equal(k.skipped, 3);
	const struct principal *p = keyring_find(&k, a.public_key);
	assert_non_null(p);
	assert_string_equal(p->name, "alice");
	assert_int_equal(p->roles, ROLE_READER);
	p = keyring_find(&k, b.public_key);
	assert_non_null(p);
	assert_int_equal(p->roles, ROLE_OFFICER);   /* the unknown role is ignored */
	uint8_t other[CERT_KEY_BYTES] = {1};
	assert_null(keyring_find(&k, other));

	/* a missing directory leaves the keyring as it was */
	assert_int_equal(keyring_load(&k, "/nonexistent/n2gg", &st), -STATUS_FAILED_PRECONDITION);
	assert_int_equal(k.count, 2);
	keyring_free(&k);
	assert_null(keyring_find(&k, a.public_key));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_parse_and_print),
		cmocka_unit_test(test_roles_allow),
		cmocka_unit_test_setup_teardown(test_cert_made_and_read_back, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_cert_refusals, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_keyring_from_a_directory, dir_setup, dir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
