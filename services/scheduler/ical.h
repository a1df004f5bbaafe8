/* ical: a partner's planned visits as an iCalendar (RFC 5545) file, for their own calendar
 * program: one all-day VEVENT for each visit, built and written by libical (which folds
 * long lines and escapes commas, semicolons and backslashes in text).
 *
 * Each event's UID names the school, the year, the kind of visit and its number, not the
 * day ("visit-121000-2014-monitoring-3@n2gg"), so when a re-plan moves a visit the
 * partner's calendar moves the event instead of adding a second one.
 * Pure: it builds text; DTSTAMP is the caller's clock. (Include this as "ical.h"; libical's
 * own header is <libical/ical.h>.) */
#ifndef N2GG_ICAL_H
#define N2GG_ICAL_H

#include <stddef.h>
#include <time.h>

#include "status.h"
#include "visits.h"

#define ICAL_PRODID "-//Norfolk County Council//N2GG//EN"

struct ical_school {
	unsigned urn;
	const char *name;     /* "Hillside Primary School" */
	const char *address;  /* the LOCATION: the address as one line of text (may be NULL) */
};

struct ical_request {
	int year;                 /* the school year of the visits (2014 is 2013/14) */
	int partner;              /* whose visits: other partners' in `visits` are left out */
	const char *partner_name; /* for the calendar's name and the descriptions (may be NULL) */
	const struct visits_visit *visits;
	int visit_count;
	/* the schools the visits go to; one missing (or without a name) is called "school
	 * <URN>" rather than keep the partner's whole calendar from them */
	const struct ical_school *schools;
	int school_count;
	time_t stamp;             /* DTSTAMP: when the file is made (UTC) */
};

/* Writes the VCALENDAR text (CRLF line ends) into *out, to be freed with free(). Returns 0,
 * or a negative status (a visit not placed: no day, or a monitoring visit's half-term out
 * of range). */
int ical_export(const struct ical_request *req, char **out, struct status *st);

/* "visit-<urn>-<year>-<kind>-<n>@n2gg" into out; n is 1 for the annual conversation and
 * the half-term (1..6) for a monitoring visit. Returns out. */
char *ical_uid(const struct visits_visit *v, int year, char *out, size_t size);

#endif
