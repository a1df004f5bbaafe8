/* ical: a partner's visits as iCalendar text (see ical.h). libical builds the components
 * and writes them, so folding and escaping follow RFC 5545 without code of our own. */
#include "ical.h"

#include <libical/ical.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "date.h"

char *ical_uid(const struct visits_visit *v, int year, char *out, size_t size)
{
	snprintf(out, size, "visit-%u-%d-%s-%d@n2gg", v->urn, year, visits_kind_name(v->kind),
		 v->kind == VISITS_ANNUAL ? 1 : v->half_term);
	return out;
}

/* printf into malloc'd memory: school names and addresses have no bound. */
static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *text(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = malloc((size_t)len + 1);
	if (!s)
		abort();  /* as arena_alloc does: nothing sensible to do half-way through */
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	return s;
}

static struct icaltimetype ical_date(int day)
{
	struct icaltimetype t = icaltime_null_date();
	date_to_ymd(day, &t.year, &t.month, &t.day);
	t.is_date = 1;
	return t;
}

static const struct ical_school *find_school(const struct ical_request *req, unsigned urn)
{
	for (int i = 0; i < req->school_count; i++)
		if (req->schools[i].urn == urn)
			return &req->schools[i];
	return NULL;
}

static void add_text(icalcomponent *c, icalproperty *(*make)(const char *), char *value)
{
	icalcomponent_add_property(c, make(value));
	free(value);
}

static icalcomponent *event(const struct ical_request *req, const struct visits_visit *v,
			    icaltimetype stamp)
{
	char uid[96], year[CALENDAR_YEAR_NAME_LEN], urn_name[32];
	const struct ical_school *school = find_school(req, v->urn);
	const char *name = school && school->name && *school->name ? school->name : NULL;
	const char *address = school ? school->address : NULL;
	if (!name) {
		snprintf(urn_name, sizeof urn_name, "school %u", v->urn);
		name = urn_name;
	}
	calendar_year_name(req->year, year);
	icalcomponent *ev = icalcomponent_new_vevent();
	icalcomponent_add_property(ev, icalproperty_new_uid(ical_uid(v, req->year, uid,
								       sizeof uid)));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
	/* an all-day event: DTEND is the day after (RFC 5545 3.6.1) */
	icalcomponent_add_property(ev, icalproperty_new_dtstart(ical_date(v->day)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(ical_date(v->day + 1)));
	bool annual = v->kind == VISITS_ANNUAL;
	add_text(ev, icalproperty_new_summary,
		 text("%s: %s", annual ? "Annual conversation" : "Half-termly monitoring visit",
		      name));
	if (address && *address)
		icalcomponent_add_property(ev, icalproperty_new_location(address));
	char partner[200] = "";
	if (req->partner_name && *req->partner_name)
		snprintf(partner, sizeof partner, "\nImprovement partner: %s", req->partner_name);
	if (annual)
		add_text(ev, icalproperty_new_description,
			 text("Annual conversation with %s (URN %u), %s term %s.%s", name, v->urn, v->half_term <= 2 ? "autumn" : v->half_term <= 4 ? "spring"
										 : "summer",
			      year, partner));
	else
		add_text(ev, icalproperty_new_description,
			 text("Half-termly monitoring visit to %s (URN %u) for %s %s.%s", name,
			      v->urn, calendar_half_term_name(v->half_term), year,
			      partner));
	/* a visit takes the partner's whole day */
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	return ev;
}

int ical_export(const struct ical_request *req, char **out, struct status *st)
{
	*out = NULL;
	if (req->visit_count < 0 || (req->visit_count && !req->visits) || req->school_count < 0 ||
	    (req->school_count && !req->schools))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "a list is missing");
	for (int i = 0; i < req->visit_count; i++) {
		const struct visits_visit *v = &req->visits[i];
		if (v->partner != req->partner)
			continue;
		if (v->day == 0 || (v->kind == VISITS_MONITORING &&
				    (v->half_term < 1 || v->half_term > CALENDAR_HALF_TERMS)))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "school %u's %s visit has no day or half-term", v->urn,
					   visits_kind_name(v->kind));
	}

	icalcomponent *cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_prodid(ICAL_PRODID));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	if (req->partner_name && *req->partner_name) {
		/* not in RFC 5545, but the name most calendar programs show for a feed */
		char year[CALENDAR_YEAR_NAME_LEN];
		icalproperty *name = icalproperty_new_x("");
		icalproperty_set_x_name(name, "X-WR-CALNAME");
		char *value = text("N2GG visits %s: %s", calendar_year_name(req->year, year),
				   req->partner_name);
		icalproperty_set_x(name, value);
		free(value);
		icalcomponent_add_property(cal, name);
	}
	icaltimetype stamp = icaltime_from_timet_with_zone(req->stamp, 0,
							    icaltimezone_get_utc_timezone());
	for (int i = 0; i < req->visit_count; i++) {
		const struct visits_visit *v = &req->visits[i];
		if (v->partner == req->partner)
			icalcomponent_add_component(cal, event(req, v, stamp));
	}
	char *ics = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (!ics)
		return status_fail(st, STATUS_INTERNAL, "libical could not write the calendar");
	*out = strdup(ics);
	icalmemory_free_buffer(ics);
	if (!*out)
		return status_fail(st, STATUS_INTERNAL, "out of memory");
	return 0;
}
