/* calendar_yaml: reads one school year's exact dates from YAML text (libyaml). Every problem
 * is reported with the line an officer editing the file would look at. The format:
 *
 *   year: 2014                      # the school year, named by the year it ends in
 *   name: Norfolk 2013/14           # optional
 *   half_terms:                     # all six, in order
 *     - {start: 2013-09-04, end: 2013-10-25}
 *     - ...
 *   training_days: [2013-09-02, 2013-09-03]           # optional: INSET days, weekdays
 *   bank_holidays: {add: [2014-06-03], remove: []}    # optional: changes to the computed ones
 *
 * Bank holidays are computed (calendar_bank_holidays(), with the one-off changes known so
 * far); `add` and `remove` change them for a year the rules do not cover. Dates are
 * YYYY-MM-DD (or DD/MM/YYYY). The built-in file is calendar/norfolk-2013-14.yaml.
 * Pure: it parses a buffer; reading the file is the caller's. */
#ifndef N2GG_CALENDAR_YAML_H
#define N2GG_CALENDAR_YAML_H

#include <stddef.h>

#include "calendar.h"
#include "status.h"

/* Fills `cal` from `text` and checks it (calendar_check()). Returns 0, or a negative status
 * whose message starts "line N: " when the problem has a line. */
int calendar_yaml_parse(struct calendar *cal, const char *text, size_t len, struct status *st);

/* The calendar/norfolk-2013-14.yaml built into the library. */
extern const char calendar_yaml_norfolk_2014[];
extern const size_t calendar_yaml_norfolk_2014_len;

/* The calendar the scheduler uses for a year when it is given no file: the built-in file
 * for the year it covers (2013/14), Norfolk's pattern (calendar_norfolk()) for others. */
int calendar_yaml_builtin(struct calendar *cal, int year, struct status *st);

#endif
