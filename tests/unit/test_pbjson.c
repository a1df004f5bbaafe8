/* Unit tests of pbjson: protobuf-c messages of the real contract (registry.proto,
 * common.proto) as JSON, the way `n2gg --json` prints them. Each test builds a message,
 * converts it, and checks the keys and values a script would read; most also print the
 * JSON and parse it back, so what is checked is what a script would see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "n2gg/v1/common.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"
#include "pbjson.h"

/* The message as a script sees it: printed the way the CLI prints it, then parsed. */
static json_t *as_printed(const ProtobufCMessage *msg)
{
	json_t *j = pbjson_message(msg);
	assert_non_null(j);
	char *text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	json_decref(j);
	json_error_t err;
	json_t *back = json_loads(text, 0, &err);
	if (!back)
		fail_msg("pbjson printed invalid JSON (%s): %s", err.text, text);
	free(text);
	return back;
}

static json_int_t int_of(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", key);
	return json_integer_value(v);
}

static const char *str_of(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	if (!json_is_string(v))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(v);
}

/* Every field of the descriptor is a key of the object, and there are no others. */
static void assert_keys_are_fields(const json_t *obj, const ProtobufCMessageDescriptor *d)
{
	assert_true(json_is_object(obj));
	assert_int_equal(json_object_size(obj), d->n_fields);
	for (unsigned i = 0; i < d->n_fields; i++)
		if (!json_object_get(obj, d->fields[i].name))
			fail_msg("%s: no key \"%s\"", d->name, d->fields[i].name);
}

static void test_defaults_are_all_present(void **state)
{
	(void)state;
	N2gg__V1__School school = N2GG__V1__SCHOOL__INIT;
	json_t *j = as_printed(&school.base);
	assert_keys_are_fields(j, &n2gg__v1__school__descriptor);
	assert_int_equal(int_of(j, "urn"), 0);
	assert_string_equal(str_of(j, "name"), "");
	assert_string_equal(str_of(j, "phase"), "PHASE_UNKNOWN");
	assert_string_equal(str_of(j, "status"), "STATUS_UNKNOWN");
	assert_int_equal(int_of(j, "updated_unix_ms"), 0);
	/* a sub-message not set is null, a repeated field with nothing in it an empty array */
	assert_true(json_is_null(json_object_get(j, "address")));
	assert_true(json_is_null(json_object_get(j, "flags")));
	assert_true(json_is_array(json_object_get(j, "inspections")));
	assert_int_equal(json_array_size(json_object_get(j, "inspections")), 0);
	json_decref(j);

	N2gg__V1__LaFlags flags = N2GG__V1__LA_FLAGS__INIT;
	j = as_printed(&flags.base);
	assert_keys_are_fields(j, &n2gg__v1__la_flags__descriptor);
	assert_true(json_is_false(json_object_get(j, "causing_concern")));
	assert_true(json_is_false(json_object_get(j, "targeted_n2gg")));
	assert_string_equal(str_of(j, "psswn_issued_date"), "");
	json_decref(j);
}

static void test_scalars(void **state)
{
	(void)state;
	N2gg__V1__School school = N2GG__V1__SCHOOL__INIT;
	school.urn = 999999;
	school.laestab = 4294967295u;   /* uint32 beyond INT32_MAX stays positive */
	school.easting = -625113;
	school.northing = 2147483647;
	school.updated_unix_ms = -1;
	school.low_age = 3;
	school.name = "Tittleshall Primary School";
	json_t *j = as_printed(&school.base);
	assert_int_equal(int_of(j, "urn"), 999999);
	assert_true(int_of(j, "laestab") == 4294967295LL);
	assert_true(int_of(j, "easting") == -625113);
	assert_true(int_of(j, "northing") == 2147483647);
	assert_true(int_of(j, "updated_unix_ms") == -1);
	assert_int_equal(int_of(j, "low_age"), 3);
	assert_string_equal(str_of(j, "name"), "Tittleshall Primary School");
	json_decref(j);

	N2gg__V1__LaFlags flags = N2GG__V1__LA_FLAGS__INIT;
	flags.causing_concern = 1;
	flags.changed_unix_ms = 1795390258345LL;   /* beyond 32 bits */
	j = as_printed(&flags.base);
	assert_true(json_is_true(json_object_get(j, "causing_concern")));
	assert_true(json_is_false(json_object_get(j, "in_transition")));
	assert_true(int_of(j, "changed_unix_ms") == 1795390258345LL);
	json_decref(j);
}

static void test_doubles(void **state)
{
	(void)state;
	N2gg__V1__Achievement a = N2GG__V1__ACHIEVEMENT__INIT;
	a.year = 2013;
	a.expected_standard_pct = 61.5;
	a.progress = -1.25;
	json_t *j = as_printed(&a.base);
	assert_true(json_is_number(json_object_get(j, "expected_standard_pct")));
	assert_true(json_number_value(json_object_get(j, "expected_standard_pct")) == 61.5);
	assert_true(json_number_value(json_object_get(j, "progress")) == -1.25);
	json_decref(j);

	/* JSON has no NaN or infinity: null, and the output stays valid JSON */
	a.expected_standard_pct = NAN;
	a.progress = INFINITY;
	j = as_printed(&a.base);
	assert_true(json_is_null(json_object_get(j, "expected_standard_pct")));
	assert_true(json_is_null(json_object_get(j, "progress")));
	assert_int_equal(int_of(j, "year"), 2013);
	json_decref(j);
}

static void test_uint64_beyond_int64_is_a_decimal_string(void **state)
{
	(void)state;
	N2gg__V1__Event ev = N2GG__V1__EVENT__INIT;
	ev.seq = (uint64_t)INT64_MAX;
	json_t *j = as_printed(&ev.base);
	assert_true(int_of(j, "seq") == INT64_MAX);
	json_decref(j);

	ev.seq = (uint64_t)INT64_MAX + 1;
	j = as_printed(&ev.base);
	assert_string_equal(str_of(j, "seq"), "9223372036854775808");
	json_decref(j);

	ev.seq = UINT64_MAX;
	j = as_printed(&ev.base);
	assert_string_equal(str_of(j, "seq"), "18446744073709551615");
	json_decref(j);
}

static void test_enum_names_and_unknown_numbers(void **state)
{
	(void)state;
	N2gg__V1__School school = N2GG__V1__SCHOOL__INIT;
	school.phase = N2GG__V1__PHASE__PHASE_PRIMARY;
	school.status = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN_PROPOSED_TO_CLOSE;
	json_t *j = as_printed(&school.base);
	assert_string_equal(str_of(j, "phase"), "PHASE_PRIMARY");
	assert_string_equal(str_of(j, "status"), "STATUS_OPEN_PROPOSED_TO_CLOSE");
	json_decref(j);

	/* a value from a newer contract than this build knows: its number */
	school.phase = (N2gg__V1__Phase)42;
	j = as_printed(&school.base);
	assert_int_equal(int_of(j, "phase"), 42);
	json_decref(j);

	N2gg__V1__Inspection in = N2GG__V1__INSPECTION__INIT;
	in.category_of_concern = N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES;
	j = as_printed(&in.base);
	assert_string_equal(str_of(j, "category_of_concern"), "CONCERN_SERIOUS_WEAKNESSES");
	json_decref(j);
}

static void test_nested_and_repeated_messages(void **state)
{
	(void)state;
	N2gg__V1__Address address = N2GG__V1__ADDRESS__INIT;
	address.street = "Church Road";
	address.postcode = "NR7 2LL";
	N2gg__V1__Inspection i1 = N2GG__V1__INSPECTION__INIT, i2 = N2GG__V1__INSPECTION__INIT;
	i1.start_date = "2008-06-12";
	i1.overall_effectiveness = 2;
	i2.start_date = "2013-03-01";
	i2.overall_effectiveness = 4;
	i2.category_of_concern = N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES;
	N2gg__V1__Inspection *inspections[] = {&i1, &i2};
	N2gg__V1__LaFlags flags = N2GG__V1__LA_FLAGS__INIT;
	flags.in_transition = 1;
	flags.transition_reason = "academy conversion";
	N2gg__V1__School school = N2GG__V1__SCHOOL__INIT;
	school.urn = 120024;
	school.address = &address;
	school.inspections = inspections;
	school.n_inspections = 2;
	school.flags = &flags;

	json_t *j = as_printed(&school.base);
	const json_t *a = json_object_get(j, "address");
	assert_keys_are_fields(a, &n2gg__v1__address__descriptor);
	assert_string_equal(str_of(a, "street"), "Church Road");
	assert_string_equal(str_of(a, "postcode"), "NR7 2LL");
	assert_string_equal(str_of(a, "town"), "");

	const json_t *ins = json_object_get(j, "inspections");
	assert_true(json_is_array(ins));
	assert_int_equal(json_array_size(ins), 2);   /* in order, each a whole message */
	assert_keys_are_fields(json_array_get(ins, 0), &n2gg__v1__inspection__descriptor);
	assert_string_equal(str_of(json_array_get(ins, 0), "start_date"), "2008-06-12");
	assert_int_equal(int_of(json_array_get(ins, 0), "overall_effectiveness"), 2);
	assert_string_equal(str_of(json_array_get(ins, 0), "category_of_concern"), "CONCERN_NONE");
	assert_string_equal(str_of(json_array_get(ins, 1), "start_date"), "2013-03-01");
	assert_string_equal(str_of(json_array_get(ins, 1), "category_of_concern"),
			    "CONCERN_SPECIAL_MEASURES");

	const json_t *f = json_object_get(j, "flags");
	assert_true(json_is_true(json_object_get(f, "in_transition")));
	assert_string_equal(str_of(f, "transition_reason"), "academy conversion");
	json_decref(j);
}

static void test_repeated_scalars(void **state)
{
	(void)state;
	uint32_t urns[] = {120024, 999999, 100000};
	N2gg__V1__Cluster cluster = N2GG__V1__CLUSTER__INIT;
	cluster.id = "C926-28";
	cluster.status = N2GG__V1__CLUSTER_STATUS__CLUSTER_OPEN;
	cluster.member_urns = urns;
	cluster.n_member_urns = 3;
	json_t *j = as_printed(&cluster.base);
	const json_t *m = json_object_get(j, "member_urns");
	assert_int_equal(json_array_size(m), 3);
	assert_int_equal(json_integer_value(json_array_get(m, 0)), 120024);
	assert_int_equal(json_integer_value(json_array_get(m, 1)), 999999);
	assert_int_equal(json_integer_value(json_array_get(m, 2)), 100000);
	assert_string_equal(str_of(j, "status"), "CLUSTER_OPEN");
	json_decref(j);

	char *changed[] = {"name", "status"};
	N2gg__V1__SchoolEvent se = N2GG__V1__SCHOOL_EVENT__INIT;
	se.changed_fields = changed;
	se.n_changed_fields = 2;
	j = as_printed(&se.base);
	m = json_object_get(j, "changed_fields");
	assert_int_equal(json_array_size(m), 2);
	assert_string_equal(json_string_value(json_array_get(m, 0)), "name");
	assert_string_equal(json_string_value(json_array_get(m, 1)), "status");
	assert_true(json_is_null(json_object_get(j, "school")));
	json_decref(j);
}

static void test_oneof_only_the_member_set(void **state)
{
	(void)state;
	N2gg__V1__Cluster cluster = N2GG__V1__CLUSTER__INIT;
	cluster.id = "AYL";
	N2gg__V1__ClusterEvent ce = N2GG__V1__CLUSTER_EVENT__INIT;
	ce.cluster = &cluster;
	ce.change = "created";
	N2gg__V1__RegistryEvent re = N2GG__V1__REGISTRY_EVENT__INIT;
	re.body_case = N2GG__V1__REGISTRY_EVENT__BODY_CLUSTER;
	re.cluster = &ce;
	json_t *j = as_printed(&re.base);
	assert_int_equal(json_object_size(j), 1);
	const json_t *c = json_object_get(j, "cluster");
	assert_non_null(c);
	assert_string_equal(str_of(c, "change"), "created");
	assert_string_equal(str_of(json_object_get(c, "cluster"), "id"), "AYL");
	json_decref(j);

	N2gg__V1__FlagsEvent fe = N2GG__V1__FLAGS_EVENT__INIT;
	fe.urn = 120024;
	re = (N2gg__V1__RegistryEvent)N2GG__V1__REGISTRY_EVENT__INIT;
	re.body_case = N2GG__V1__REGISTRY_EVENT__BODY_FLAGS;
	re.flags = &fe;
	j = as_printed(&re.base);
	assert_int_equal(json_object_size(j), 1);
	assert_null(json_object_get(j, "cluster"));
	assert_int_equal(int_of(json_object_get(j, "flags"), "urn"), 120024);
	assert_true(json_is_null(json_object_get(json_object_get(j, "flags"), "previous")));
	json_decref(j);

	/* no member set: no key at all */
	re = (N2gg__V1__RegistryEvent)N2GG__V1__REGISTRY_EVENT__INIT;
	j = as_printed(&re.base);
	assert_int_equal(json_object_size(j), 0);
	json_decref(j);
}

/* A message that went over the wire: packed and unpacked, as the CLI gets its replies. */
static void test_unpacked_message(void **state)
{
	(void)state;
	N2gg__V1__MembershipEvent me = N2GG__V1__MEMBERSHIP_EVENT__INIT;
	me.urn = 120030;
	me.from_cluster = "AYL";
	me.to_cluster = "CRO";
	me.effective_date = "2012-09-01";
	N2gg__V1__RegistryEvent re = N2GG__V1__REGISTRY_EVENT__INIT;
	re.body_case = N2GG__V1__REGISTRY_EVENT__BODY_MEMBERSHIP;
	re.membership = &me;
	size_t len = n2gg__v1__registry_event__get_packed_size(&re);
	uint8_t *buf = malloc(len);
	n2gg__v1__registry_event__pack(&re, buf);
	N2gg__V1__RegistryEvent *back = n2gg__v1__registry_event__unpack(NULL, len, buf);
	assert_non_null(back);
	json_t *j = as_printed(&back->base);
	assert_int_equal(json_object_size(j), 1);
	const json_t *m = json_object_get(j, "membership");
	assert_keys_are_fields(m, &n2gg__v1__membership_event__descriptor);
	assert_int_equal(int_of(m, "urn"), 120030);
	assert_string_equal(str_of(m, "from_cluster"), "AYL");
	assert_string_equal(str_of(m, "to_cluster"), "CRO");
	assert_string_equal(str_of(m, "reason"), "");   /* unset on the wire, still a key */
	assert_true(json_is_null(json_object_get(m, "school")));
	json_decref(j);
	n2gg__v1__registry_event__free_unpacked(back, NULL);
	free(buf);
}

static void test_strings_with_quotes_and_utf8(void **state)
{
	(void)state;
	N2gg__V1__School school = N2GG__V1__SCHOOL__INIT;
	school.name = "St Mary's \"Star\" School, Zo\xc3\xab & Si\xc3\xa2n \\ {1}";
	school.religious_character = "line one\nline two\ttab";
	school.website = "\xe2\x82\xac \xf0\x9f\x8f\xab";   /* euro sign, a 4-byte emoji */
	json_t *j = as_printed(&school.base);
	assert_string_equal(str_of(j, "name"), school.name);
	assert_string_equal(str_of(j, "religious_character"), school.religious_character);
	assert_string_equal(str_of(j, "website"), school.website);
	json_decref(j);

	/* the escaping itself: one compact line, quotes and newline escaped */
	json_t *raw = pbjson_message(&school.base);
	char *text = json_dumps(raw, JSON_COMPACT);
	assert_null(strchr(text, '\n'));
	assert_non_null(strstr(text, "\\\"Star\\\""));
	assert_non_null(strstr(text, "line one\\nline two"));
	free(text);
	json_decref(raw);
}

/* Text that is not UTF-8 (a Windows-1252 spreadsheet) is read as Latin-1, not dropped. */
static void test_latin1_text_is_converted(void **state)
{
	(void)state;
	N2gg__V1__Contact c = N2GG__V1__CONTACT__INIT;
	c.name = "Zo\xeb Caf\xe9";
	c.email = "";
	c.phone = "01603";
	json_t *j = as_printed(&c.base);
	assert_string_equal(str_of(j, "name"), "Zo\xc3\xab Caf\xc3\xa9");
	assert_string_equal(str_of(j, "phone"), "01603");
	json_decref(j);
}

static void test_bytes_are_base64(void **state)
{
	(void)state;
	/* RFC 4648's test vectors */
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					    "Zm9vYmFy"};
	N2gg__V1__Event ev = N2GG__V1__EVENT__INIT;
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
		ev.payload.data = (uint8_t *)plain[i];
		ev.payload.len = strlen(plain[i]);
		json_t *j = as_printed(&ev.base);
		assert_string_equal(str_of(j, "payload"), coded[i]);
		json_decref(j);
	}
	uint8_t binary[] = {0x00, 0xff, 0xfe, 0x80, 0x3f};
	ev.payload.data = binary;
	ev.payload.len = sizeof binary;
	json_t *j = as_printed(&ev.base);
	assert_string_equal(str_of(j, "payload"), "AP/+gD8=");
	json_decref(j);

	/* up to the limit in full; beyond it null */
	uint8_t *big = calloc(PBJSON_BYTES_MAX + 1, 1);
	ev.payload.data = big;
	ev.payload.len = PBJSON_BYTES_MAX;
	j = as_printed(&ev.base);
	assert_int_equal(strlen(str_of(j, "payload")), (PBJSON_BYTES_MAX + 2) / 3 * 4);
	json_decref(j);
	ev.payload.len = PBJSON_BYTES_MAX + 1;
	j = as_printed(&ev.base);
	assert_true(json_is_null(json_object_get(j, "payload")));
	json_decref(j);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_all_present),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_uint64_beyond_int64_is_a_decimal_string),
		cmocka_unit_test(test_enum_names_and_unknown_numbers),
		cmocka_unit_test(test_nested_and_repeated_messages),
		cmocka_unit_test(test_repeated_scalars),
		cmocka_unit_test(test_oneof_only_the_member_set),
		cmocka_unit_test(test_unpacked_message),
		cmocka_unit_test(test_strings_with_quotes_and_utf8),
		cmocka_unit_test(test_latin1_text_is_converted),
		cmocka_unit_test(test_bytes_are_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
