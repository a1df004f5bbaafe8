/* fuzz_calendar_yaml: the scheduler's school calendar reader (calendar_yaml_parse), which
 * reads --calendar files, and what the scheduler then does with a calendar it accepted:
 * asks which days are school days and in which half-term (calendar.c), plans a year of
 * visits on it (visits_schedule) and exports a partner's visits (ical_export). */
#include "fuzz_support.h"

#include "calendar.h"
#include "calendar_yaml.h"
#include "ical.h"
#include "visits.h"

#define MAX_DAYS 400   /* a school year has at most 366 days */

static void check_days(const struct calendar *cal)
{
	fuzz_assert(cal->first_day <= cal->last_day && cal->last_day - cal->first_day < 366,
		    "a year from day %d to day %d", cal->first_day, cal->last_day);
	int total = 0;
	for (int day = cal->first_day - 1; day <= cal->last_day + 1; day++) {
		int h = calendar_half_term_of(cal, day);
		fuzz_assert(h >= 0 && h <= CALENDAR_HALF_TERMS, "day %d in half-term %d", day, h);
		if (calendar_is_school_day(cal, day)) {
			fuzz_assert(h >= 1, "school day %d in no half-term", day);
			fuzz_assert(!calendar_is_bank_holiday(cal, day) &&
					    !calendar_is_training_day(cal, day) &&
					    calendar_weekday(day) <= CALENDAR_FRIDAY,
				    "school day %d is a holiday, a training day or a weekend", day);
			total++;
		}
	}
	int days[MAX_DAYS];
	int sum = 0;
	for (int h = 1; h <= CALENDAR_HALF_TERMS; h++) {
		int n = calendar_school_days(cal, h, days, MAX_DAYS);
		fuzz_assert(n >= 1 && n <= MAX_DAYS, "half-term %d of an accepted calendar has %d school days",
			    h, n);
		for (int i = 1; i < n; i++)
			fuzz_assert(days[i - 1] < days[i], "school days out of order");
		sum += n;
	}
	fuzz_assert(calendar_school_days(cal, 0, days, MAX_DAYS) == total && sum == total,
		    "the year has %d school days, its half-terms %d, the days %d",
		    calendar_school_days(cal, 0, days, MAX_DAYS), sum, total);
	fuzz_assert(calendar_school_days(cal, 7, days, MAX_DAYS) == -1, "half-term 7 exists");
}

static void plan_and_export(const struct calendar *cal)
{
	int unavailable[2] = {cal->half_terms[0].start, cal->half_terms[0].start + 1};
	const struct visits_partner partners[] = {
		{0, 12, VISITS_WEEKDAYS, unavailable, 2},
		{1, 3, VISITS_TUESDAY | VISITS_THURSDAY, NULL, 0},
	};
	const struct visits_allocation allocations[] = {
		{121234, 0, true}, {121235, 0, false}, {121236, 1, true}, {121237, 1, false},
	};
	struct visits_input in = {cal, allocations, 4, partners, 2, NULL, 0, cal->first_day};
	struct visits_plan plan;
	struct status st = {0};
	int rc = visits_schedule(&in, &plan, &st);
	fuzz_assert(rc == 0, "visits_schedule refused a plan on an accepted calendar: %s",
		    st.message);
	for (int i = 0; i < plan.visit_count; i++)
		fuzz_assert(calendar_is_school_day(cal, plan.visits[i].day),
			    "a visit on day %d, not a school day", plan.visits[i].day);

	/* and again, keeping what is planned: nothing is dropped */
	struct visits_input again = in;
	again.existing = plan.visits;
	again.existing_count = plan.visit_count;
	struct visits_plan replan;
	rc = visits_schedule(&again, &replan, &st);
	fuzz_assert(rc == 0 && replan.dropped_count == 0,
		    "re-planning the same input dropped %d visits (%s)", replan.dropped_count,
		    st.message);
	visits_plan_free(&replan);

	const struct ical_school schools[] = {
		{121234, "Fuzz Primary, School; \"A\"", "1 Main St\nNorwich"},
		{121236, NULL, NULL},
	};
	for (int p = 0; p < 2; p++) {
		struct ical_request req = {cal->year, p, "Partner; One", plan.visits, plan.visit_count,
					   schools, 2, (time_t)1380610800};
		char *ics = NULL;
		if (ical_export(&req, &ics, &st) == 0) {
			fuzz_assert(ics && strstr(ics, "BEGIN:VCALENDAR"), "no calendar");
			free(ics);
		}
	}
	visits_plan_free(&plan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calendar cal;
	struct status st = {0};
	int rc = calendar_yaml_parse(&cal, (const char *)data, size, &st);
	if (rc < 0) {
		fuzz_assert(st.code != STATUS_OK && st.message[0], "refused without a reason");
		fuzz_assert(fuzz_utf8_valid(st.message, strlen(st.message)),
			    "the reason is not UTF-8: %s", st.message);
		return 0;
	}
	fuzz_assert(rc == 0, "calendar_yaml_parse returned %d", rc);
	fuzz_assert(calendar_check(&cal, &st) == 0, "an accepted calendar fails its check: %s",
		    st.message);
	fuzz_assert(strnlen(cal.name, sizeof cal.name) < sizeof cal.name, "name unterminated");
	check_days(&cal);
	plan_and_export(&cal);
	return 0;
}
