/* Unit tests of visits: a plan's visits fall on school days the partner can do, one a
 * partner a day, within the partner's days; what cannot be placed is reported; a re-plan
 * keeps what still holds; the same input gives the same plan; planning from mid-year. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "calendar.h"
#include "date.h"
#include "visits.h"

static struct calendar cal;  /* Norfolk 2013/14 */

static int setup_calendar(void **state)
{
	(void)state;
	struct status st;
	return calendar_norfolk(&cal, 2014, &st);
}

static int D(const char *iso)
{
	int day;
	if (date_parse(iso, &day) < 0) {
		print_error("bad date in a test: %s\n", iso);
		fail();
	}
	return day;
}

static const char *iso(int day)
{
	static char out[4][DATE_ISO_LEN];
	static int next;
	next = (next + 1) % 4;
	return date_format(day, out[next]);
}

static const struct visits_partner *partner_of(const struct visits_input *in, int index)
{
	for (int i = 0; i < in->partner_count; i++)
		if (in->partners[i].index == index)
			return &in->partners[i];
	return NULL;
}

/* What every plan must be: visits from from_day on are on school days in their half-term,
 * on a weekday the partner works and is not away; one visit a partner a day; no partner
 * over their days; the list in order. */
static void assert_sound(const struct visits_input *in, const struct visits_plan *plan)
{
	for (int i = 0; i < plan->visit_count; i++) {
		const struct visits_visit *v = &plan->visits[i];
		const struct visits_partner *p = partner_of(in, v->partner);
		assert_non_null(p);
		if (i > 0) {
			const struct visits_visit *u = &plan->visits[i - 1];
			assert_true(u->day < v->day ||
				    (u->day == v->day && u->partner <= v->partner));
			if (u->day == v->day && u->partner == v->partner) {
				print_error("partner %d has two visits on %s\n", v->partner,
					    iso(v->day));
				fail();
			}
		}
		if (v->day < in->from_day)
			continue;  /* history */
		if (!calendar_is_school_day(in->cal, v->day)) {
			print_error("%s is not a school day\n", iso(v->day));
			fail();
		}
		assert_int_equal(v->half_term, calendar_half_term_of(in->cal, v->day));
		assert_true((p->weekdays >> calendar_weekday(v->day)) & 1u);
		for (int j = 0; j < p->unavailable_count; j++)
			assert_int_not_equal(v->day, p->unavailable[j]);
	}
	for (int k = 0; k < in->partner_count; k++) {
		int used = 0;
		for (int i = 0; i < plan->visit_count; i++)
			used += plan->visits[i].partner == in->partners[k].index;
		assert_true(used <= in->partners[k].capacity);
	}
}

static int schedule(const struct visits_input *in, struct visits_plan *plan)
{
	struct status st = {0};
	int rc = visits_schedule(in, plan, &st);
	if (rc)
		print_error("visits_schedule: %s\n", st.message);
	assert_int_equal(rc, 0);
	assert_sound(in, plan);
	return rc;
}

static int count_kind(const struct visits_plan *plan, unsigned urn, enum visits_kind kind,
		      int half_term)
{
	int n = 0;
	for (int i = 0; i < plan->visit_count; i++) {
		const struct visits_visit *v = &plan->visits[i];
		n += v->urn == urn && v->kind == kind &&
		     (kind == VISITS_ANNUAL || v->half_term == half_term);
	}
	return n;
}

static const struct visits_visit *find_visit(const struct visits_plan *plan, unsigned urn,
					     enum visits_kind kind, int half_term)
{
	for (int i = 0; i < plan->visit_count; i++) {
		const struct visits_visit *v = &plan->visits[i];
		if (v->urn == urn && v->kind == kind &&
		    (kind == VISITS_ANNUAL || v->half_term == half_term))
			return v;
	}
	print_error("school %u has no %s visit (half-term %d)\n", urn, visits_kind_name(kind),
		    half_term);
	fail();
	return NULL;
}

static struct visits_partner full_time(int index, int capacity)
{
	return (struct visits_partner){index, capacity, VISITS_WEEKDAYS, NULL, 0};
}

/* ---- one school ---- */

static void test_annual_and_six_monitoring_visits(void **state)
{
	(void)state;
	struct visits_partner p = full_time(1, 20);
	struct visits_allocation a = {100001, 1, true};
	struct visits_input in = {&cal, &a, 1, &p, 1, NULL, 0, cal.first_day};
	struct visits_plan plan;
	schedule(&in, &plan);
	assert_int_equal(plan.visit_count, 7);
	assert_int_equal(plan.unplaced_count, 0);
	assert_int_equal(plan.dropped_count, 0);
	assert_int_equal(count_kind(&plan, 100001, VISITS_ANNUAL, 0), 1);
	for (int h = 1; h <= 6; h++)
		assert_int_equal(count_kind(&plan, 100001, VISITS_MONITORING, h), 1);
	const struct visits_visit *annual = find_visit(&plan, 100001, VISITS_ANNUAL, 0);
	assert_true(annual->half_term == 1 || annual->half_term == 2);  /* the autumn term */
	for (int i = 0; i < plan.visit_count; i++) {
		assert_false(plan.visits[i].kept);
		assert_int_equal(plan.visits[i].partner, 1);
	}
	/* a lone visit goes mid-half-term, not on the first day */
	const struct visits_visit *spring1 = find_visit(&plan, 100001, VISITS_MONITORING, 3);
	assert_true(spring1->day > D("2014-01-20") && spring1->day < D("2014-02-03"));
	visits_plan_free(&plan);
}

static void test_a_school_without_monitoring_has_one_visit(void **state)
{
	(void)state;
	struct visits_partner p = full_time(1, 20);
	struct visits_allocation a = {100002, 1, false};
	struct visits_input in = {&cal, &a, 1, &p, 1, NULL, 0, cal.first_day};
	struct visits_plan plan;
	schedule(&in, &plan);
	assert_int_equal(plan.visit_count, 1);
	assert_int_equal(plan.visits[0].kind, VISITS_ANNUAL);
	assert_true(plan.visits[0].day >= cal.half_terms[0].start &&
		    plan.visits[0].day <= cal.half_terms[1].end);
	visits_plan_free(&plan);
}

/* ---- a partner's many schools ---- */

static void test_one_visit_a_day_and_spread_out(void **state)
{
	(void)state;
	struct visits_partner p = full_time(3, 200);
	struct visits_allocation a[20];
	for (int i = 0; i < 20; i++)
		a[i] = (struct visits_allocation){120000 + (unsigned)i, 3, true};
	struct visits_input in = {&cal, a, 20, &p, 1, NULL, 0, cal.first_day};
	struct visits_plan plan;
	schedule(&in, &plan);  /* checks one visit a partner a day */
	assert_int_equal(plan.visit_count, 140);
	assert_int_equal(plan.unplaced_count, 0);
	/* every annual conversation in the autumn term: 40 monitoring + 20 fit in 73 days */
	for (int i = 0; i < 20; i++)
		assert_true(find_visit(&plan, a[i].urn, VISITS_ANNUAL, 0)->half_term <= 2);
	visits_plan_free(&plan);

	/* five schools: their spring 1 visits spread over the half-term's 30 days */
	in.allocation_count = 5;
	schedule(&in, &plan);
	int days[64], n = calendar_school_days(&cal, 3, days, 64), used[5], k = 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < plan.visit_count; j++)
			if (plan.visits[j].day == days[i])
				used[k++] = i;
	assert_int_equal(k, 5);
	assert_true(used[0] >= 2);      /* not piled on the first days */
	assert_true(used[4] <= n - 3);  /* nor the last */
	for (int i = 1; i < 5; i++)
		assert_true(used[i] - used[i - 1] >= 3);
	visits_plan_free(&plan);
}

static void test_more_visits_than_days_in_a_half_term(void **state)
{
	(void)state;
	/* summer 1 has 23 school days; 25 schools need a monitoring visit in it */
	struct visits_partner p = full_time(1, 1000);
	struct visits_allocation a[25];
	for (int i = 0; i < 25; i++)
		a[i] = (struct visits_allocation){130000 + (unsigned)i, 1, true};
	struct visits_input in = {&cal, a, 25, &p, 1, NULL, 0, cal.first_day};
	struct visits_plan plan;
	schedule(&in, &plan);
	assert_int_equal(plan.unplaced_count, 2);
	for (int i = 0; i < plan.unplaced_count; i++) {
		const struct visits_problem *pr = &plan.unplaced[i];
		assert_int_equal(pr->reason, VISITS_NO_DAY);
		assert_int_equal(pr->visit.kind, VISITS_MONITORING);
		assert_int_equal(pr->visit.half_term, 5);
		assert_int_equal(pr->visit.day, 0);
		assert_contains(pr->message, "no school day from 2014-04-22 to 2014-05-23 on which "
					     "partner 1 works");
	}
	/* the last schools in URN order are the ones left out */
	assert_int_equal(plan.unplaced[0].visit.urn, 130023);
	assert_int_equal(plan.unplaced[1].visit.urn, 130024);
	assert_int_equal(plan.visit_count, 25 * 7 - 2);
	visits_plan_free(&plan);
}

static void test_capacity_exhausted_is_reported(void **state)
{
	(void)state;
	struct visits_partner p = full_time(2, 5);
	struct visits_allocation a = {100003, 2, true};
	struct visits_input in = {&cal, &a, 1, &p, 1, NULL, 0, cal.first_day};
	struct visits_plan plan;
	schedule(&in, &plan);
	assert_int_equal(plan.visit_count, 5);
	/* the year's last visits are the ones that go */
	assert_int_equal(plan.unplaced_count, 2);
	assert_int_equal(plan.unplaced[0].reason, VISITS_NO_CAPACITY);
	assert_int_equal(plan.unplaced[0].visit.half_term, 5);
	assert_int_equal(plan.unplaced[1].visit.half_term, 6);
	assert_contains(plan.unplaced[0].message,
			"school 100003's summer 1 monitoring visit: partner 2 has no days left "
			"(all 5 of the year's days are planned)");
	assert_string_equal(visits_reason_name(plan.unplaced[0].reason), "no_capacity");
	visits_plan_free(&plan);

	/* no days at all: the annual conversation is reported too */
	p.capacity = 0;
	schedule(&in, &plan);
	assert_int_equal(plan.visit_count, 0);
	assert_int_equal(plan.unplaced_count, 7);
	assert_int_equal(plan.unplaced[0].visit.kind, VISITS_ANNUAL);
	for (int i = 0; i < 7; i++)
		assert_int_equal(plan.unplaced[i].reason, VISITS_NO_CAPACITY);
	visits_plan_free(&plan);
}

static void test_weekdays_and_unavailable_days(void **state)
{
	(void)state;
	/* works Tuesdays and Thursdays; away for the whole of spring 2 but one Friday, and on
	 * most Tuesdays and Thursdays of spring 1 */
	int away[128], n = 0;
	for (int day = D("2014-02-24"); day <= D("2014-04-04"); day++)
		if (day != D("2014-03-14"))
			away[n++] = day;
	int spring1[64], m = calendar_school_days(&cal, 3, spring1, 64);
	int free_day = D("2014-02-13");  /* a Thursday */
	int first_away = n;
	for (int i = 0; i < m; i++)
		if (spring1[i] != free_day)
			away[n++] = spring1[i];
	/* the list has to be ascending: spring 1 comes before spring 2 */
	int sorted[128], k = 0;
	for (int i = first_away; i < n; i++)
		sorted[k++] = away[i];
	for (int i = 0; i < first_away; i++)
		sorted[k++] = away[i];
	struct visits_partner p = {4, 50, VISITS_TUESDAY | VISITS_THURSDAY, sorted, k};
	struct visits_allocation a[2] = {{100005, 4, true}, {100004, 4, true}};
	struct visits_input in = {&cal, a, 2, &p, 1, NULL, 0, cal.first_day};
	struct visits_plan plan;
	schedule(&in, &plan);  /* checks the weekdays and the days away */
	for (int i = 0; i < plan.visit_count; i++) {
		enum calendar_weekday wd = calendar_weekday(plan.visits[i].day);
		assert_true(wd == CALENDAR_TUESDAY || wd == CALENDAR_THURSDAY);
	}
	/* spring 1: one free day for two schools (the lower URN gets it); spring 2: none (the
	 * free Friday is not a working day) */
	assert_int_equal(find_visit(&plan, 100004, VISITS_MONITORING, 3)->day, free_day);
	assert_int_equal(plan.unplaced_count, 3);
	assert_int_equal(plan.unplaced[0].visit.urn, 100004);
	assert_int_equal(plan.unplaced[0].visit.half_term, 4);
	assert_int_equal(plan.unplaced[0].reason, VISITS_NO_DAY);
	assert_int_equal(plan.unplaced[1].visit.urn, 100005);
	assert_int_equal(plan.unplaced[1].visit.half_term, 3);
	assert_int_equal(plan.unplaced[2].visit.urn, 100005);
	assert_int_equal(plan.unplaced[2].visit.half_term, 4);
	visits_plan_free(&plan);
}

static void test_the_annual_conversation_falls_back_to_the_earliest_half_term(void **state)
{
	(void)state;
	int away[400], n = 0;
	for (int day = cal.first_day; day <= D("2013-12-31"); day++)
		away[n++] = day;
	struct visits_partner p = {1, 10, VISITS_WEEKDAYS, away, n};
	struct visits_allocation a = {100006, 1, false};
	struct visits_input in = {&cal, &a, 1, &p, 1, NULL, 0, cal.first_day};
	struct visits_plan plan;
	schedule(&in, &plan);
	assert_int_equal(plan.visit_count, 1);
	assert_int_equal(plan.visits[0].half_term, 3);
	visits_plan_free(&plan);

	/* away all year: reported, with the reason */
	n = 0;
	for (int day = cal.first_day; day <= cal.last_day; day++)
		away[n++] = day;
	p.unavailable_count = n;
	schedule(&in, &plan);
	assert_int_equal(plan.visit_count, 0);
	assert_int_equal(plan.unplaced_count, 1);
	assert_int_equal(plan.unplaced[0].reason, VISITS_NO_DAY);
	assert_contains(plan.unplaced[0].message, "school 100006's annual conversation: no school "
						  "day from 2013-09-01 to 2014-08-31");
	visits_plan_free(&plan);
}

/* ---- re-planning ---- */

/* A copy of a plan's visits, to plan again from. */
static struct visits_visit *copy_visits(const struct visits_plan *plan, struct arena *a)
{
	struct visits_visit *v = arena_alloc(a, sizeof *v * (size_t)(plan->visit_count + 1));
	memcpy(v, plan->visits, sizeof *v * (size_t)plan->visit_count);
	return v;
}

static void test_replanning_keeps_what_holds(void **state)
{
	struct arena *arena = *state;
	struct visits_partner p[2] = {full_time(1, 40), full_time(2, 40)};
	struct visits_allocation a[3] = {{100010, 1, true}, {100011, 1, true}, {100012, 1, false}};
	struct visits_input in = {&cal, a, 3, p, 2, NULL, 0, cal.first_day};
	struct visits_plan first, again;
	schedule(&in, &first);
	assert_int_equal(first.visit_count, 15);

	/* nothing changed: everything kept, nothing new */
	in.existing = copy_visits(&first, arena);
	in.existing_count = first.visit_count;
	schedule(&in, &again);
	assert_int_equal(again.visit_count, 15);
	assert_int_equal(again.dropped_count, 0);
	for (int i = 0; i < again.visit_count; i++) {
		assert_true(again.visits[i].kept);
		assert_int_equal(again.visits[i].day, first.visits[i].day);
	}
	visits_plan_free(&again);

	/* partner 1 is now away on the day of 100010's spring 1 visit, and 100011 has moved to
	 * partner 2 */
	int away = find_visit(&first, 100010, VISITS_MONITORING, 3)->day;
	p[0].unavailable = &away;
	p[0].unavailable_count = 1;
	a[1].partner = 2;
	schedule(&in, &again);
	assert_int_equal(again.visit_count, 15);
	assert_int_equal(again.unplaced_count, 0);
	assert_int_equal(again.dropped_count, 8);  /* 100011's seven, and the one day */
	int unavailable = 0, moved = 0;
	for (int i = 0; i < again.dropped_count; i++) {
		const struct visits_problem *pr = &again.dropped[i];
		if (pr->reason == VISITS_PARTNER_UNAVAILABLE) {
			unavailable++;
			assert_int_equal(pr->visit.day, away);
			assert_contains(pr->message, "partner 1 is not available on");
		} else {
			assert_int_equal(pr->reason, VISITS_NOT_ALLOCATED);
			assert_int_equal(pr->visit.urn, 100011);
			moved++;
		}
	}
	assert_int_equal(unavailable, 1);
	assert_int_equal(moved, 7);
	const struct visits_visit *v = find_visit(&again, 100010, VISITS_MONITORING, 3);
	assert_false(v->kept);
	assert_int_not_equal(v->day, away);
	for (int h = 1; h <= 6; h++)
		assert_int_equal(find_visit(&again, 100011, VISITS_MONITORING, h)->partner, 2);
	/* everything else where it was */
	for (int i = 0; i < first.visit_count; i++) {
		const struct visits_visit *f = &first.visits[i];
		if (f->urn == 100011 || f->day == away)
			continue;
		const struct visits_visit *g = find_visit(&again, f->urn, f->kind, f->half_term);
		assert_true(g->kept);
		assert_int_equal(g->day, f->day);
	}
	visits_plan_free(&again);
	visits_plan_free(&first);
}

static void test_existing_visits_that_no_longer_hold(void **state)
{
	(void)state;
	struct visits_partner p = full_time(1, 40);
	struct visits_allocation a[2] = {{100020, 1, false}, {100021, 1, true}};
	struct visits_visit existing[] = {
		/* 100020 no longer has monitoring */
		{100020, 1, VISITS_MONITORING, 1, D("2013-09-17"), false, false},
		/* two annual conversations: the second is not needed */
		{100020, 1, VISITS_ANNUAL, 1, D("2013-09-18"), false, false},
		{100020, 1, VISITS_ANNUAL, 2, D("2013-11-18"), false, false},
		/* a Saturday, a training day, and a day of last year */
		{100021, 1, VISITS_MONITORING, 1, D("2013-09-21"), false, false},
		{100021, 1, VISITS_ANNUAL, 1, D("2013-09-02"), false, false},
		{100021, 1, VISITS_MONITORING, 6, D("2013-07-10"), false, false},
		/* the same day as 100020's annual conversation */
		{100021, 1, VISITS_MONITORING, 1, D("2013-09-18"), false, false},
		/* a school nobody has now */
		{100099, 1, VISITS_ANNUAL, 2, D("2013-11-20"), false, false},
	};
	struct visits_input in = {&cal, a, 2, &p, 1, existing, 8, cal.first_day};
	struct visits_plan plan;
	schedule(&in, &plan);
	assert_int_equal(plan.dropped_count, 7);
	/* by day */
	static const struct {
		const char *day;
		enum visits_reason reason;
	} want[] = {
		{"2013-07-10", VISITS_NOT_IN_YEAR},    {"2013-09-02", VISITS_NOT_SCHOOL_DAY},
		{"2013-09-17", VISITS_NOT_NEEDED},     {"2013-09-18", VISITS_DOUBLE_BOOKED},
		{"2013-09-21", VISITS_NOT_SCHOOL_DAY}, {"2013-11-18", VISITS_NOT_NEEDED},
		{"2013-11-20", VISITS_NOT_ALLOCATED},
	};
	for (int i = 0; i < 7; i++) {
		assert_string_equal(iso(plan.dropped[i].visit.day), want[i].day);
		assert_int_equal(plan.dropped[i].reason, want[i].reason);
		assert_true(plan.dropped[i].message[0] != '\0');
	}
	/* 100020's annual conversation kept; 100021 fully planned */
	assert_int_equal(find_visit(&plan, 100020, VISITS_ANNUAL, 0)->day, D("2013-09-18"));
	assert_true(find_visit(&plan, 100020, VISITS_ANNUAL, 0)->kept);
	assert_int_equal(count_kind(&plan, 100021, VISITS_ANNUAL, 0), 1);
	for (int h = 1; h <= 6; h++)
		assert_int_equal(count_kind(&plan, 100021, VISITS_MONITORING, h), 1);
	assert_int_equal(plan.visit_count, 8);
	visits_plan_free(&plan);
}

/* A visit of today that has been reported on is history: when the school moves to another
 * partner it is neither dropped nor planned again, and the year keeps one annual
 * conversation. Without the mark the same visit is dropped and a new one planned. */
static void test_a_visit_that_happened_today_stays(void **state)
{
	(void)state;
	struct visits_partner p[2] = {full_time(1, 40), full_time(2, 40)};
	struct visits_allocation a[1] = {{100030, 2, false}};   /* was partner 1's */
	struct visits_visit existing[] = {
		{100030, 1, VISITS_ANNUAL, 1, D("2013-09-18"), false, true},
	};
	struct visits_input in = {&cal, a, 1, p, 2, existing, 1, D("2013-09-18")};
	struct visits_plan plan;
	schedule(&in, &plan);
	assert_int_equal(plan.dropped_count, 0);
	assert_int_equal(count_kind(&plan, 100030, VISITS_ANNUAL, 0), 1);
	const struct visits_visit *v = find_visit(&plan, 100030, VISITS_ANNUAL, 0);
	assert_int_equal(v->day, D("2013-09-18"));
	assert_int_equal(v->partner, 1);
	assert_true(v->kept);
	visits_plan_free(&plan);

	existing[0].happened = false;
	schedule(&in, &plan);
	assert_int_equal(plan.dropped_count, 1);
	assert_int_equal(plan.dropped[0].reason, VISITS_NOT_ALLOCATED);
	assert_int_equal(find_visit(&plan, 100030, VISITS_ANNUAL, 0)->partner, 2);
	visits_plan_free(&plan);
}

static void test_the_same_input_gives_the_same_plan(void **state)
{
	(void)state;
	int away[] = {D("2013-10-01"), D("2013-10-02"), D("2014-03-03")};
	struct visits_partner p[3] = {{1, 30, VISITS_WEEKDAYS, away, 3},
				      {2, 12, VISITS_MONDAY | VISITS_WEDNESDAY, NULL, 0},
				      {3, 60, VISITS_WEEKDAYS & ~VISITS_FRIDAY, away, 2}};
	struct visits_allocation a[9], b[9];
	for (int i = 0; i < 9; i++)
		a[i] = (struct visits_allocation){140000 + (unsigned)(i * 7 % 9), 1 + i % 3,
						  i % 2 == 0};
	for (int i = 0; i < 9; i++)
		b[i] = a[8 - i];  /* the same allocations, in another order */
	struct visits_input in = {&cal, a, 9, p, 3, NULL, 0, cal.first_day};
	struct visits_plan one, two, three;
	schedule(&in, &one);
	schedule(&in, &two);
	in.allocations = b;
	schedule(&in, &three);
	assert_true(one.visit_count > 0);
	assert_int_equal(one.visit_count, two.visit_count);
	assert_int_equal(one.visit_count, three.visit_count);
	assert_memory_equal(one.visits, two.visits, sizeof *one.visits * (size_t)one.visit_count);
	assert_memory_equal(one.visits, three.visits,
			    sizeof *one.visits * (size_t)one.visit_count);
	assert_int_equal(one.unplaced_count, three.unplaced_count);
	for (int i = 0; i < one.unplaced_count; i++)
		assert_string_equal(one.unplaced[i].message, three.unplaced[i].message);
	visits_plan_free(&one);
	visits_plan_free(&two);
	visits_plan_free(&three);
}

/* ---- planning mid-year ---- */

static void test_planning_from_mid_year(void **state)
{
	(void)state;
	int from = D("2014-01-20");  /* in spring 1 */
	struct visits_partner p = full_time(1, 8);
	struct visits_allocation a[2] = {{100030, 1, true}, {100031, 1, false}};
	struct visits_visit history[] = {
		{100030, 1, VISITS_ANNUAL, 1, D("2013-10-10"), false, false},
		{100030, 1, VISITS_MONITORING, 1, D("2013-09-20"), false, false},
		/* autumn 2 was missed: too late to plan now */
		/* a visit of the past to a school that has since left: history all the same */
		{100077, 1, VISITS_ANNUAL, 2, D("2013-11-12"), false, false},
	};
	struct visits_input in = {&cal, a, 2, &p, 1, history, 3, from};
	struct visits_plan plan;
	schedule(&in, &plan);
	assert_int_equal(plan.dropped_count, 0);
	for (int i = 0; i < 3; i++) {
		const struct visits_visit *v = find_visit(&plan, history[i].urn, history[i].kind,
							  history[i].half_term);
		assert_true(v->kept);
		assert_int_equal(v->day, history[i].day);
	}
	assert_int_equal(count_kind(&plan, 100030, VISITS_ANNUAL, 0), 1);
	assert_int_equal(count_kind(&plan, 100030, VISITS_MONITORING, 2), 0);
	for (int h = 3; h <= 6; h++) {
		const struct visits_visit *v = find_visit(&plan, 100030, VISITS_MONITORING, h);
		assert_true(v->day >= from);
		assert_false(v->kept);
	}
	/* the school new this year has its annual conversation as early as it can: spring 1 */
	const struct visits_visit *annual = find_visit(&plan, 100031, VISITS_ANNUAL, 0);
	assert_int_equal(annual->half_term, 3);
	assert_true(annual->day >= from);
	/* 8 days: 3 used in the autumn, 4 monitoring visits and one annual conversation */
	assert_int_equal(plan.visit_count, 8);
	assert_int_equal(plan.unplaced_count, 0);
	visits_plan_free(&plan);

	/* one day fewer: the last visit of the year is the one that goes */
	p.capacity = 7;
	schedule(&in, &plan);
	assert_int_equal(plan.unplaced_count, 1);
	assert_int_equal(plan.unplaced[0].visit.half_term, 6);
	assert_int_equal(plan.unplaced[0].reason, VISITS_NO_CAPACITY);
	visits_plan_free(&plan);

	/* from the summer holiday: nothing left to plan, the annual conversation reported */
	in.from_day = D("2014-07-28");
	in.existing_count = 0;
	schedule(&in, &plan);
	assert_int_equal(plan.visit_count, 0);
	assert_int_equal(plan.unplaced_count, 2);
	assert_int_equal(plan.unplaced[0].visit.kind, VISITS_ANNUAL);
	assert_int_equal(plan.unplaced[0].reason, VISITS_NO_DAY);
	visits_plan_free(&plan);
}

/* ---- input that makes no sense ---- */

static void assert_bad_input(const struct visits_input *in, const char *words)
{
	struct visits_plan plan;
	struct status st;
	assert_int_equal(visits_schedule(in, &plan, &st), -STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, words);
	assert_int_equal(plan.visit_count, 0);
	visits_plan_free(&plan);
}

static void test_bad_input(void **state)
{
	(void)state;
	int away[] = {D("2013-10-02"), D("2013-10-01")};
	struct visits_partner p[2] = {full_time(1, 10), full_time(2, 10)};
	struct visits_allocation a[2] = {{100040, 1, true}, {100041, 3, true}};
	struct visits_input in = {&cal, a, 2, p, 2, NULL, 0, cal.first_day};
	assert_bad_input(&in, "school 100041 is allocated to partner 3, who is not in the list");
	a[1].partner = 2;
	a[1].urn = 100040;
	assert_bad_input(&in, "school 100040 is allocated twice");
	a[1].urn = 100041;
	p[1].unavailable = away;
	p[1].unavailable_count = 2;
	assert_bad_input(&in, "partner 2: unavailable days are not in ascending order at "
			      "2013-10-01");
	p[1].unavailable_count = 0;
	p[1].weekdays = 1u << CALENDAR_SATURDAY;
	assert_bad_input(&in, "not Monday to Friday");
	p[1].weekdays = VISITS_WEEKDAYS;
	p[1].capacity = -1;
	assert_bad_input(&in, "capacity of -1");
	p[1] = full_time(1, 10);
	assert_bad_input(&in, "partner 1 is listed twice");
	in.cal = NULL;
	assert_bad_input(&in, "no calendar");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_annual_and_six_monitoring_visits),
		T(test_a_school_without_monitoring_has_one_visit),
		T(test_one_visit_a_day_and_spread_out),
		T(test_more_visits_than_days_in_a_half_term),
		T(test_capacity_exhausted_is_reported),
		T(test_weekdays_and_unavailable_days),
		T(test_the_annual_conversation_falls_back_to_the_earliest_half_term),
		T(test_replanning_keeps_what_holds),
		T(test_existing_visits_that_no_longer_hold),
		T(test_a_visit_that_happened_today_stays),
		T(test_the_same_input_gives_the_same_plan),
		T(test_planning_from_mid_year),
		T(test_bad_input),
	};
	return cmocka_run_group_tests(tests, setup_calendar, NULL);
}
