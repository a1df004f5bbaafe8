/* date: calendar dates as days since 1970-01-01 (proleptic Gregorian), parsed from the
 * forms the council's files use and written as ISO 8601 "YYYY-MM-DD". */
#ifndef N2GG_DATE_H
#define N2GG_DATE_H

#include <stdbool.h>
#include <stddef.h>

#define DATE_ISO_LEN 11  /* "YYYY-MM-DD" and its terminator */
#define DATE_EXPIRY_LEN 21  /* "YYYY-MM-DDTHH:MM:SSZ" and its terminator */
#define DATE_MS_PER_DAY 86400000LL

int date_from_ymd(int year, int month, int day);
void date_to_ymd(int days, int *year, int *month, int *day);
bool date_valid_ymd(int year, int month, int day);

/* Accepts "YYYY-MM-DD", "DD-MM-YYYY" and "DD/MM/YYYY" (GIAS and Ofsted write the latter
 * two). Returns 0, or -1 when the text is not one of them or not a real date. */
int date_parse(const char *text, int *days);

/* Writes "YYYY-MM-DD" into out (at least DATE_ISO_LEN bytes); returns out. */
char *date_format(int days, char *out);

/* When something in force "through a day" ends, written as people gave it: a moment at
 * midnight UTC ends the day before, so it is written as that day ("2027-03-31": in force
 * through it); any other moment to the second, "2027-03-31T10:15:30Z". Returns out. */
char *date_format_expiry(long long unix_ms, char out[DATE_EXPIRY_LEN]);

/* Normalises any accepted form to ISO into out; -1 if not a date. Empty stays empty. */
int date_normalise(const char *text, char *out);

/* Today in UTC, and the current time in milliseconds since the epoch. */
int date_today(void);
long long date_now_ms(void);

#endif
