/* calendar: school years, bank holidays and school days (see calendar.h).
 *
 * Norfolk's pattern (calendar_norfolk), for the school year ending in year Y. The LA
 * publishes its term dates each year; these rules follow their usual shape, and give the
 * 2013/14 dates of calendar/norfolk-2013-14.yaml exactly, so the scheduler can plan a year
 * nobody has loaded yet. They are a default, not the LA's dates: load a year's file when
 * it is published.
 *   - Half-term 1 starts on the first Wednesday on or after 2 September of Y - 1; the
 *     weekdays of September before it in that week are training days (two INSET days in
 *     2013/14; a school's other three are its own choice and go in a file).
 *   - The October half-term holiday is the week beginning the fourth Monday of October
 *     (22 to 28 October): the week that ends October, or nearly.
 *   - The Christmas holiday is the two weeks beginning on the Monday of the week that has
 *     Christmas Day in it.
 *   - The February half-term holiday is the week beginning the third Monday of February.
 *   - The Easter holiday is the week of Good Friday and the week of Easter Monday; when
 *     Easter is late (Easter Sunday on or after 19 April) it is the two weeks up to Good
 *     Friday and Easter Monday, so that the spring term does not run on into mid-April
 *     (as in 2013/14: 7 to 21 April 2014, Easter Sunday 20 April).
 *   - The May half-term holiday is the week of the Spring bank holiday (the last Monday of
 *     May by the rule, even in years it is moved).
 *   - The summer term ends on 22 July, or on the Friday before when that is a weekend.
 *   - A half-term that would start on a bank holiday starts on the next day that is not
 *     one (the spring term on 3 January 2023, after the New Year substitute day).
 */
#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

enum calendar_weekday calendar_weekday(int day)
{
	/* 1970-01-01, day 0, was a Thursday */
	return (enum calendar_weekday)(((day % 7) + 7 + CALENDAR_THURSDAY) % 7);
}

int calendar_easter(int year)
{
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;
	return date_from_ymd(year, month, day);
}

/* The first `weekday` on or after `day`, and the last on or before it. */
static int on_or_after(int day, enum calendar_weekday weekday)
{
	return day + ((int)weekday - (int)calendar_weekday(day) + 7) % 7;
}

static int on_or_before(int day, enum calendar_weekday weekday)
{
	return day - ((int)calendar_weekday(day) - (int)weekday + 7) % 7;
}

static bool is_weekend(int day)
{
	return calendar_weekday(day) >= CALENDAR_SATURDAY;
}

/* Changes proclaimed for single years, from the Royal Proclamations (gov.uk lists them). */
static const struct {
	int year, month, day;
	bool added;  /* false: the rule's day is not a bank holiday that year */
} one_offs[] = {
	{1981, 7, 29, true},                          /* the wedding of the Prince of Wales */
	{1995, 5, 1, false}, {1995, 5, 8, true},      /* Early May moved: VE Day's 50th */
	{1999, 12, 31, true},                         /* the millennium */
	{2002, 5, 27, false}, {2002, 6, 4, true},     /* Spring moved for the Golden Jubilee, */
	{2002, 6, 3, true},                           /* and the Jubilee itself */
	{2011, 4, 29, true},                          /* the royal wedding */
	{2012, 5, 28, false}, {2012, 6, 4, true},     /* Spring moved for the Diamond Jubilee, */
	{2012, 6, 5, true},                           /* and the Jubilee itself */
	{2020, 5, 4, false}, {2020, 5, 8, true},      /* Early May moved: VE Day's 75th */
	{2022, 5, 30, false}, {2022, 6, 2, true},     /* Spring moved for the Platinum Jubilee, */
	{2022, 6, 3, true},                           /* and the Jubilee itself */
	{2022, 9, 19, true},                          /* the State Funeral of Queen Elizabeth II */
	{2023, 5, 8, true},                           /* the coronation of King Charles III */
};
#define ONE_OFF_COUNT (int)(sizeof one_offs / sizeof one_offs[0])

/* The rule's bank holidays of one calendar year, in date order; returns how many (8). */
static int rule_bank_holidays(int year, int out[8])
{
	int n = 0;
	int new_year = date_from_ymd(year, 1, 1);
	while (is_weekend(new_year))
		new_year++;
	out[n++] = new_year;
	int easter = calendar_easter(year);
	out[n++] = easter - 2;  /* Good Friday */
	out[n++] = easter + 1;  /* Easter Monday */
	out[n++] = on_or_after(date_from_ymd(year, 5, 1), CALENDAR_MONDAY);
	out[n++] = on_or_before(date_from_ymd(year, 5, 31), CALENDAR_MONDAY);
	out[n++] = on_or_before(date_from_ymd(year, 8, 31), CALENDAR_MONDAY);
	/* Christmas and Boxing Day: a day on a weekend moves to the first weekday not already
	 * a bank holiday, so Saturday's Christmas is the Monday and Boxing Day the Tuesday. */
	int christmas = date_from_ymd(year, 12, 25);
	int boxing = christmas + 1;
	while (is_weekend(christmas))
		christmas++;
	while (is_weekend(boxing) || boxing == christmas)
		boxing++;
	out[n++] = christmas;
	out[n++] = boxing;
	return n;
}

static int compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int calendar_bank_holidays(int from, int to, bool one_offs_too, int *out, int max)
{
	int count = 0;
	int y0, y1, m, d;
	date_to_ymd(from, &y0, &m, &d);
	date_to_ymd(to, &y1, &m, &d);
	for (int y = y0; y <= y1; y++) {
		int days[8 + ONE_OFF_COUNT];
		int n = rule_bank_holidays(y, days);
		for (int i = 0; one_offs_too && i < ONE_OFF_COUNT; i++) {
			if (one_offs[i].year != y)
				continue;
			int day = date_from_ymd(y, one_offs[i].month, one_offs[i].day);
			if (one_offs[i].added) {
				days[n++] = day;
				continue;
			}
			for (int j = 0; j < n; j++)
				if (days[j] == day)
					days[j--] = days[--n];
		}
		qsort(days, (size_t)n, sizeof days[0], compare_int);
		for (int i = 0; i < n; i++) {
			if (days[i] < from || days[i] > to)
				continue;
			if (count < max)
				out[count] = days[i];
			count++;
		}
	}
	return count;
}

char *calendar_year_name(int year, char *out)
{
	snprintf(out, CALENDAR_YEAR_NAME_LEN, "%04u/%02u", (unsigned)(year - 1) % 10000u,
		 (unsigned)year % 100u);
	return out;
}

static int check_year(int year, struct status *st)
{
	if (year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "the school year %d is out of range (%d to %d)", year,
				   CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
	return 0;
}

int calendar_init(struct calendar *cal, int year, struct status *st)
{
	memset(cal, 0, sizeof *cal);
	if (check_year(year, st) < 0)
		return -STATUS_INVALID_ARGUMENT;
	cal->year = year;
	cal->first_day = date_from_ymd(year - 1, 9, 1);
	cal->last_day = date_from_ymd(year, 8, 31);
	calendar_year_name(year, cal->name);
	/* at most 8 by the rules plus the one-offs of two calendar years: always fits */
	cal->bank_holiday_count = calendar_bank_holidays(cal->first_day, cal->last_day, true,
							  cal->bank_holidays,
							  CALENDAR_MAX_BANK_HOLIDAYS);
	return 0;
}

/* A half-term that would start on a bank holiday starts on the next day that is not one. */
static void set_half_term(struct calendar *cal, int h, int start, int end)
{
	while (calendar_is_bank_holiday(cal, start))
		start++;
	cal->half_terms[h - 1].start = start;
	cal->half_terms[h - 1].end = end;
}

int calendar_norfolk(struct calendar *cal, int year, struct status *st)
{
	if (calendar_init(cal, year, st) < 0)
		return -STATUS_INVALID_ARGUMENT;
	char y[CALENDAR_YEAR_NAME_LEN];
	snprintf(cal->name, sizeof cal->name, "Norfolk pattern %s", calendar_year_name(year, y));

	int start = on_or_after(date_from_ymd(year - 1, 9, 2), CALENDAR_WEDNESDAY);
	for (int day = on_or_before(start, CALENDAR_MONDAY); day < start; day++)
		if (day >= cal->first_day && !calendar_is_bank_holiday(cal, day))
			cal->training_days[cal->training_day_count++] = day;

	int october = on_or_after(date_from_ymd(year - 1, 10, 22), CALENDAR_MONDAY);
	set_half_term(cal, 1, start, october - 3);

	int christmas = on_or_before(date_from_ymd(year - 1, 12, 25), CALENDAR_MONDAY);
	set_half_term(cal, 2, october + 7, christmas - 3);

	int february = on_or_after(date_from_ymd(year, 2, 15), CALENDAR_MONDAY);
	set_half_term(cal, 3, christmas + 14, february - 3);

	int easter = calendar_easter(year);
	bool late = easter >= date_from_ymd(year, 4, 19);
	set_half_term(cal, 4, february + 7, late ? easter - 16 : easter - 9);

	int may = on_or_before(date_from_ymd(year, 5, 31), CALENDAR_MONDAY);
	set_half_term(cal, 5, late ? easter + 2 : easter + 8, may - 3);

	int end = date_from_ymd(year, 7, 22);
	while (is_weekend(end))
		end--;
	set_half_term(cal, 6, may + 7, end);
	return calendar_check(cal, st);
}

/* ---- checks ---- */

static const char *const half_term_names[] = {"holiday",  "autumn 1", "autumn 2", "spring 1",
					      "spring 2", "summer 1", "summer 2"};

const char *calendar_half_term_name(int h)
{
	return h >= 1 && h <= CALENDAR_HALF_TERMS ? half_term_names[h] : half_term_names[0];
}

static bool within_year(const struct calendar *cal, int day)
{
	return day >= cal->first_day && day <= cal->last_day;
}

static int outside_year(const struct calendar *cal, const char *what, int day, struct status *st)
{
	char d[DATE_ISO_LEN], a[DATE_ISO_LEN], b[DATE_ISO_LEN], y[CALENDAR_YEAR_NAME_LEN];
	return status_fail(st, STATUS_INVALID_ARGUMENT,
			   "%s %s is outside the school year %s (%s to %s)", what,
			   date_format(day, d), calendar_year_name(cal->year, y),
			   date_format(cal->first_day, a), date_format(cal->last_day, b));
}

int calendar_check_half_term(const struct calendar *cal, int h, struct status *st)
{
	if (h < 1 || h > CALENDAR_HALF_TERMS)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "there is no half-term %d", h);
	const struct calendar_half_term *ht = &cal->half_terms[h - 1];
	char what[64], a[DATE_ISO_LEN], b[DATE_ISO_LEN];
	snprintf(what, sizeof what, "half-term %d (%s)", h, calendar_half_term_name(h));
	if (!within_year(cal, ht->start))
		return outside_year(cal, strcat(what, " starts on"), ht->start, st);
	if (!within_year(cal, ht->end))
		return outside_year(cal, strcat(what, " ends on"), ht->end, st);
	if (ht->end < ht->start)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s ends on %s, before it starts (%s)", what,
				   date_format(ht->end, a), date_format(ht->start, b));
	if (h > 1 && ht->start <= cal->half_terms[h - 2].end)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s starts on %s, before half-term %d ends (%s): half-terms "
				   "are in order and do not overlap",
				   what, date_format(ht->start, a), h - 1,
				   date_format(cal->half_terms[h - 2].end, b));
	for (int day = ht->start; day <= ht->end; day++)
		if (!is_weekend(day) && !calendar_is_bank_holiday(cal, day) &&
		    !calendar_is_training_day(cal, day))
			return 0;
	return status_fail(st, STATUS_INVALID_ARGUMENT, "%s, %s to %s, has no school day", what,
			   date_format(ht->start, a), date_format(ht->end, b));
}

/* A list of days: ascending, within the year, weekdays. */
static int check_days(const struct calendar *cal, const char *what, const int *days, int count,
		      int max, struct status *st)
{
	char d[DATE_ISO_LEN];
	if (count < 0 || count > max)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%d %ss (at most %d)", count, what,
				   max);
	for (int i = 0; i < count; i++) {
		if (!within_year(cal, days[i]))
			return outside_year(cal, what, days[i], st);
		if (is_weekend(days[i]))
			return status_fail(st, STATUS_INVALID_ARGUMENT, "%s %s is a %s", what,
					   date_format(days[i], d),
					   calendar_weekday(days[i]) == CALENDAR_SATURDAY
						   ? "Saturday"
						   : "Sunday");
		if (i > 0 && days[i] <= days[i - 1])
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%ss are not in ascending order at %s", what,
					   date_format(days[i], d));
	}
	return 0;
}

int calendar_check(const struct calendar *cal, struct status *st)
{
	if (check_year(cal->year, st) < 0)
		return -STATUS_INVALID_ARGUMENT;
	if (cal->first_day != date_from_ymd(cal->year - 1, 9, 1) ||
	    cal->last_day != date_from_ymd(cal->year, 8, 31))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "the school year %d runs from 1 September to 31 August",
				   cal->year);
	if (check_days(cal, "bank holiday", cal->bank_holidays, cal->bank_holiday_count,
		       CALENDAR_MAX_BANK_HOLIDAYS, st) < 0 ||
	    check_days(cal, "training day", cal->training_days, cal->training_day_count,
		       CALENDAR_MAX_TRAINING_DAYS, st) < 0)
		return -STATUS_INVALID_ARGUMENT;
	for (int i = 0; i < cal->training_day_count; i++) {
		char d[DATE_ISO_LEN];
		if (calendar_is_bank_holiday(cal, cal->training_days[i]))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "training day %s is a bank holiday",
					   date_format(cal->training_days[i], d));
	}
	for (int h = 1; h <= CALENDAR_HALF_TERMS; h++)
		if (calendar_check_half_term(cal, h, st) < 0)
			return -STATUS_INVALID_ARGUMENT;
	return 0;
}

/* ---- questions ---- */

static bool in_list(const int *days, int count, int day)
{
	return count > 0 && bsearch(&day, days, (size_t)count, sizeof day, compare_int) != NULL;
}

bool calendar_is_bank_holiday(const struct calendar *cal, int day)
{
	return in_list(cal->bank_holidays, cal->bank_holiday_count, day);
}

bool calendar_is_training_day(const struct calendar *cal, int day)
{
	return in_list(cal->training_days, cal->training_day_count, day);
}

int calendar_half_term_of(const struct calendar *cal, int day)
{
	if (!within_year(cal, day))
		return 0;  /* not even a half-term not yet set ({0, 0}) */
	for (int h = 1; h <= CALENDAR_HALF_TERMS; h++)
		if (day >= cal->half_terms[h - 1].start && day <= cal->half_terms[h - 1].end)
			return h;
	return 0;
}

bool calendar_is_school_day(const struct calendar *cal, int day)
{
	return !is_weekend(day) && calendar_half_term_of(cal, day) > 0 &&
	       !calendar_is_bank_holiday(cal, day) && !calendar_is_training_day(cal, day);
}

int calendar_school_days(const struct calendar *cal, int h, int *out, int max)
{
	if (h < 0 || h > CALENDAR_HALF_TERMS)
		return -1;
	int count = 0;
	for (int i = h ? h : 1; i <= (h ? h : CALENDAR_HALF_TERMS); i++) {
		const struct calendar_half_term *ht = &cal->half_terms[i - 1];
		int first = ht->start > cal->first_day ? ht->start : cal->first_day;
		int last = ht->end < cal->last_day ? ht->end : cal->last_day;
		for (int day = first; day <= last; day++) {
			if (is_weekend(day) || calendar_is_bank_holiday(cal, day) ||
			    calendar_is_training_day(cal, day))
				continue;
			if (count < max)
				out[count] = day;
			count++;
		}
	}
	return count;
}
