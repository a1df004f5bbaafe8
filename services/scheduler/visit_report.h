/* visit_report: a partner's report of how a scheduled visit went, and when a report is
 * overdue. School Improvement Partners work to "a clear visit and reporting framework" and
 * the Cluster Education Partner holds an annual conversation with every school (Norfolk's
 * 2013 MIs): each visit that has happened gets a report (held or not and why, the date,
 * who attended, progress against the school's improvement plan on a four-point scale,
 * strengths, priorities, agreed actions, the next visit's focus); the annual conversation's
 * report also validates the school's self-evaluation and signposts Norfolk Services.
 *
 * Pure: no I/O, no clock. The caller looks the visit up, says what day it is, and stores. */
#ifndef N2GG_VISIT_REPORT_H
#define N2GG_VISIT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "n2gg/v1/scheduler.pb-c.h"
#include "status.h"

/* Limits a person's report stays far below; anything past them is a mistake (a file pasted
 * into a field), refused rather than mailed to a headteacher. */
#define VISIT_REPORT_TEXT_MAX 4000   /* bytes in a free-text field */
#define VISIT_REPORT_ITEM_MAX 1000   /* bytes in one item of a list */
#define VISIT_REPORT_ITEMS_MAX 30    /* items in one list */
#define VISIT_REPORT_ID_MAX 80       /* bytes in a visit id */

#define VISIT_KIND_ANNUAL "annual_conversation"
#define VISIT_KIND_MONITORING "monitoring"

/* "strong", "good", "some", "little"; NULL for PROGRESS_UNKNOWN or a value off the scale. */
const char *visit_progress_name(N2gg__V1__VisitProgress progress);
/* What a point of the scale means, in words (as the proto's comment states it); "" off it. */
const char *visit_progress_meaning(N2gg__V1__VisitProgress progress);
/* By name, any case; -STATUS_INVALID_ARGUMENT naming the scale otherwise. */
int visit_progress_parse(const char *name, N2gg__V1__VisitProgress *out, struct status *st);

/* The URN a visit id starts with ("121234-2014-monitoring-3"), or 0 when `id` is not
 * shaped like a visit id. */
uint32_t visit_report_urn_of(const char *id);

/* The report's content with surrounding white space trimmed from every text and item, and
 * nothing the scheduler sets itself (recorded_by, time, version, visit, partner): what a
 * report says, ready to be checked, compared and stored. Strings live in `a`. */
N2gg__V1__VisitReport *visit_report_clean(const N2gg__V1__VisitReport *in, struct arena *a);

/* Checks a cleaned report against the visit it reports on, as of `today` (days since
 * 1970-01-01). A visit after today cannot be reported yet (FAILED_PRECONDITION); anything
 * wrong with the report is INVALID_ARGUMENT naming the field. On success date_held is
 * written as YYYY-MM-DD (dates are accepted in the forms date_parse reads). */
int visit_report_check(N2gg__V1__VisitReport *r, const N2gg__V1__Visit *visit, int today,
		       struct arena *a, struct status *st);

/* Whether two reports say the same thing; who recorded them and when, their version and
 * the copies of the visit and partner they carry are not compared. */
bool visit_report_same(const N2gg__V1__VisitReport *x, const N2gg__V1__VisitReport *y);

/* The annual conversation is one per school and school year. Among `reports` (each carrying
 * the visit it reports on), the report of another annual conversation of `visit`'s school
 * and year, or NULL (also when `visit` is not an annual conversation). A report of the same
 * visit is not another: recording it again corrects it. */
const N2gg__V1__VisitReport *visit_report_annual_taken(const N2gg__V1__Visit *visit,
							N2gg__V1__VisitReport *const *reports,
							size_t n);

/* A report is due `due_days` after the visit: a visit on `visit_day` with no report is
 * overdue on `today` when today is past that (more than due_days days after the visit).
 * *days_overdue (may be NULL) gets how many days past the due date. */
bool visit_report_overdue(int visit_day, int today, int due_days, int *days_overdue);

#endif
