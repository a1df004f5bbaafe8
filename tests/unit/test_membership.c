/* Unit tests of membership: which cluster a school is in on a date, and when a move is
 * allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "date.h"
#include "membership.h"

static Membership stretch(const char *cluster, const char *from)
{
	Membership m = N2GG__V1__MEMBERSHIP__INIT;
	m.cluster_id = (char *)cluster;
	m.from_date = (char *)from;
	return m;
}

static int day(const char *iso)
{
	int d;
	assert_int_equal(date_parse(iso, &d), 0);
	return d;
}

static void test_cluster_on_a_date(void **state)
{
	(void)state;
	Membership a = stretch("AYL", "2011-09-01"), b = stretch("CRO", "2013-04-15");
	Membership *list[] = {&a, &b};
	assert_string_equal(membership_cluster_on(list, 2, day("2011-08-31")), "");
	assert_string_equal(membership_cluster_on(list, 2, day("2011-09-01")), "AYL");
	assert_string_equal(membership_cluster_on(list, 2, day("2013-04-14")), "AYL");
	assert_string_equal(membership_cluster_on(list, 2, day("2013-04-15")), "CRO");
	assert_string_equal(membership_cluster_on(list, 2, day("2030-01-01")), "CRO");
	assert_string_equal(membership_cluster_on(NULL, 0, day("2013-01-01")), "");
}

struct fixture {
	N2gg__V1__School school;
	N2gg__V1__Cluster to;
};

static void fixture_init(struct fixture *f)
{
	n2gg__v1__school__init(&f->school);
	f->school.urn = 121234;
	f->school.name = "Ashwood Primary";
	f->school.status = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN;
	f->school.cluster_id = "AYL";
	n2gg__v1__cluster__init(&f->to);
	f->to.id = "CRO";
	f->to.name = "Cromer";
	f->to.status = N2GG__V1__CLUSTER_STATUS__CLUSTER_OPEN;
}

static void test_a_move_is_allowed(void **state)
{
	(void)state;
	struct fixture f;
	struct status st;
	fixture_init(&f);
	Membership a = stretch("AYL", "2011-09-01");
	Membership *list[] = {&a};
	assert_int_equal(membership_check_move(&f.school, &f.to, "2013-09-01", list, 1, &st), 0);
	assert_int_equal(membership_check_move(&f.school, &f.to, "2011-09-01", list, 1, &st), 0);
}

static void test_moves_that_are_refused(void **state)
{
	(void)state;
	struct fixture f;
	struct status st;
	Membership a = stretch("AYL", "2011-09-01");
	Membership *list[] = {&a};

	fixture_init(&f);
	f.school.status = N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED;
	assert_int_equal(membership_check_move(&f.school, &f.to, "2013-09-01", list, 1, &st),
			 -STATUS_FAILED_PRECONDITION);
	assert_non_null(strstr(st.message, "closed"));

	fixture_init(&f);
	f.to.status = N2GG__V1__CLUSTER_STATUS__CLUSTER_CLOSED;
	assert_int_equal(membership_check_move(&f.school, &f.to, "2013-09-01", list, 1, &st),
			 -STATUS_FAILED_PRECONDITION);
	assert_non_null(strstr(st.message, "CRO"));

	fixture_init(&f);
	f.to.id = "AYL";
	assert_int_equal(membership_check_move(&f.school, &f.to, "2013-09-01", list, 1, &st),
			 -STATUS_FAILED_PRECONDITION);
	assert_non_null(strstr(st.message, "already"));

	fixture_init(&f);
	assert_int_equal(membership_check_move(&f.school, &f.to, "2011-08-31", list, 1, &st),
			 -STATUS_FAILED_PRECONDITION);
	assert_non_null(strstr(st.message, "2011-09-01"));
	assert_int_equal(membership_check_move(&f.school, &f.to, "1 Sept", list, 1, &st),
			 -STATUS_INVALID_ARGUMENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cluster_on_a_date),
		cmocka_unit_test(test_a_move_is_allowed),
		cmocka_unit_test(test_moves_that_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
