/* Unit tests of arena's message copies: a copy is always a copy, also of a message that
 * protobuf-c read from bytes it cannot write back (a "field 0"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arena.h"
#include "test_support.h"

#include "n2gg/v1/registry.pb-c.h"

/* RecordInspectionRequest {urn: 121234, inspection: {start_date: "2013-06-12",
 * overall_effectiveness: 4, <field 0 as 0x80 0x00>: 0}}, as a hostile client may send it.
 * Found by fuzz_api: the registry's RecordInspection copies the inspection, and the copy
 * was NULL. */
static const uint8_t request[] = {
	0x08, 0x92, 0xb3, 0x07,                     /* urn = 121234 */
	0x12, 0x11,                                  /* inspection, 17 bytes: */
	0x0a, 0x0a, '2', '0', '1', '3', '-', '0', '6', '-', '1', '2',
	0x10, 0x04,                                  /*   overall_effectiveness = 4 */
	0x80, 0x00, 0x00,                            /*   field 0, varint 0 */
};

static void test_copy_of_a_field_zero(void **state)
{
	struct arena *a = *state;
	N2gg__V1__RecordInspectionRequest *req =
		n2gg__v1__record_inspection_request__unpack(&a->pb, sizeof request, request);
	assert_non_null(req);
	assert_non_null(req->inspection);
	assert_int_equal(req->inspection->base.n_unknown_fields, 1);

	N2gg__V1__Inspection *in = arena_message_copy(a, &req->inspection->base);
	assert_non_null(in);
	assert_string_equal(in->start_date, "2013-06-12");
	assert_int_equal(in->overall_effectiveness, 4);
	assert_int_equal(in->base.n_unknown_fields, 0);
	/* and the copy can be stored and read back */
	assert_non_null(arena_message_copy(a, &in->base));
}

static void test_field_zero_dropped_in_nested_messages(void **state)
{
	struct arena *a = *state;
	N2gg__V1__RecordInspectionRequest *req =
		n2gg__v1__record_inspection_request__unpack(&a->pb, sizeof request, request);
	assert_non_null(req);
	arena_message_drop_field_zero(&req->base);
	assert_int_equal(req->inspection->base.n_unknown_fields, 0);
	N2gg__V1__RecordInspectionRequest *copy = arena_message_copy(a, &req->base);
	assert_int_equal(copy->urn, 121234);
	assert_string_equal(copy->inspection->start_date, "2013-06-12");
}

/* a field this build does not know (a newer client's) is no field 0: it is kept */
static void test_other_unknown_fields_are_kept(void **state)
{
	struct arena *a = *state;
	static const uint8_t newer[] = {0x10, 0x03, 0xf8, 0x06, 0x2a};   /* 2: 3, 111: 42 */
	N2gg__V1__Inspection *in = n2gg__v1__inspection__unpack(&a->pb, sizeof newer, newer);
	assert_non_null(in);
	N2gg__V1__Inspection *copy = arena_message_copy(a, &in->base);
	assert_int_equal(copy->overall_effectiveness, 3);
	assert_int_equal(copy->base.n_unknown_fields, 1);
	assert_int_equal(copy->base.unknown_fields[0].tag, 111);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy_of_a_field_zero, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_field_zero_dropped_in_nested_messages,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_other_unknown_fields_are_kept,
						arena_fixture_setup, arena_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
