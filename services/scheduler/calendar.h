/* calendar: one school year of an English maintained school: six half-terms with holidays
 * between them, the England and Wales bank holidays, and INSET (training) days when the
 * school is closed to pupils. It answers which days are school days (the only days a
 * partner visits) and which half-term a day is in.
 *
 * A calendar is a plain struct. calendar_norfolk() generates one from the pattern Norfolk's
 * term dates usually follow (the rules are in calendar.c); calendar_yaml_parse()
 * (calendar_yaml.h) reads a year's exact dates from a file; a caller may also fill one in
 * by hand and check it with calendar_check(). Pure: no I/O, no clock. Days are days since
 * 1970-01-01 (date.h). */
#ifndef N2GG_CALENDAR_H
#define N2GG_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define CALENDAR_HALF_TERMS 6
#define CALENDAR_MAX_BANK_HOLIDAYS 24
#define CALENDAR_MAX_TRAINING_DAYS 32
#define CALENDAR_NAME_LEN 64
/* The Early May bank holiday, one of today's rules, dates from 1978. */
#define CALENDAR_MIN_YEAR 1979
#define CALENDAR_MAX_YEAR 2999
#define CALENDAR_YEAR_NAME_LEN 8  /* "2013/14" and its terminator */

enum calendar_weekday {
	CALENDAR_MONDAY,
	CALENDAR_TUESDAY,
	CALENDAR_WEDNESDAY,
	CALENDAR_THURSDAY,
	CALENDAR_FRIDAY,
	CALENDAR_SATURDAY,
	CALENDAR_SUNDAY,
};

struct calendar_half_term {
	int start;  /* first day */
	int end;    /* last day, inclusive */
};

struct calendar {
	int year;       /* named by the calendar year it ends in: 2014 is 2013/14 */
	int first_day;  /* 1 September of year - 1 */
	int last_day;   /* 31 August of year */
	char name[CALENDAR_NAME_LEN];
	struct calendar_half_term half_terms[CALENDAR_HALF_TERMS];  /* [0] is half-term 1 */
	int bank_holidays[CALENDAR_MAX_BANK_HOLIDAYS];  /* ascending, all within the year */
	int bank_holiday_count;
	int training_days[CALENDAR_MAX_TRAINING_DAYS];  /* ascending weekdays within the year */
	int training_day_count;
};

/* The day of the week of a day. */
enum calendar_weekday calendar_weekday(int day);

/* Easter Sunday of a calendar year (Gregorian; the anonymous algorithm of Meeus, Jones and
 * Butcher), for years 1583 and later. */
int calendar_easter(int year);

/* The England and Wales bank holidays from `from` to `to` (inclusive), ascending: New
 * Year's Day, Good Friday, Easter Monday, the Early May, Spring and Summer bank holidays,
 * Christmas Day and Boxing Day, each moved to the next free weekday when it falls on a
 * weekend (the substitute day). With `one_offs`, the changes proclaimed for single years so
 * far (royal occasions, VE Day in 1995 and 2020, the millennium) are applied too. Writes at
 * most `max` days to `out` and returns how many there are (as snprintf does). */
int calendar_bank_holidays(int from, int to, bool one_offs, int *out, int max);

/* Sets up an empty school year: its bounds, its name "2013/14", its bank holidays (with the
 * one-off changes), no training days and no half-terms (each is {0, 0} until set). */
int calendar_init(struct calendar *cal, int year, struct status *st);

/* The school year as Norfolk's term dates usually fall (the rules are at the top of
 * calendar.c): a plausible calendar for any year, not the published one. For 2013/14 it
 * gives the dates of calendar/norfolk-2013-14.yaml. */
int calendar_norfolk(struct calendar *cal, int year, struct status *st);

/* Checks what calendar_yaml_parse() checks: the year in range, bank holidays and training
 * days ascending weekdays within the year, training days not bank holidays, and every
 * half-term as calendar_check_half_term() has it. The first problem goes into `st`. */
int calendar_check(const struct calendar *cal, struct status *st);

/* Checks half-term `h` (1..6): its days are within the school year, it does not end before
 * it starts, it starts after half-term h - 1 ends, and it has at least one school day. */
int calendar_check_half_term(const struct calendar *cal, int h, struct status *st);

bool calendar_is_bank_holiday(const struct calendar *cal, int day);
bool calendar_is_training_day(const struct calendar *cal, int day);

/* A weekday inside a half-term that is neither a bank holiday nor a training day. */
bool calendar_is_school_day(const struct calendar *cal, int day);

/* The half-term (1..6) a day falls in, or 0 for a day in a holiday or outside the year. */
int calendar_half_term_of(const struct calendar *cal, int day);

/* The school days of half-term `h` (1..6; 0 for the whole year), ascending: writes at most
 * `max` to `out` and returns how many there are, or -1 when h is out of range. */
int calendar_school_days(const struct calendar *cal, int h, int *out, int max);

/* "autumn 1", "autumn 2", "spring 1", ... for 1..6; "holiday" otherwise. */
const char *calendar_half_term_name(int h);

/* "2013/14" for 2014, into out (at least CALENDAR_YEAR_NAME_LEN bytes); returns out. */
char *calendar_year_name(int year, char *out);

#endif
