/* pages_partner: the partners list and a partner's page — the schools (and clusters) they
 * serve in which roles, their days against their capacity, and their visits month by month
 * with an iCalendar file of them for their own calendar program. Part of pages (pure). */
#include <libical/ical.h>
#include <string.h>

#include "date.h"
#include "pages.h"

static void partner_days_cell(struct html *h, const struct view_partner_days *d)
{
	if (!d->capacity)
		html_fmt(h, "%u allocated; capacity not known", d->allocated);
	else if (d->over)
		html_fmt(h, "%u of %u allocated: <strong class=\"govuk-tag govuk-tag--red\">%u over"
			    "</strong>",
			 d->allocated, d->capacity, d->over);
	else
		html_fmt(h, "%u of %u allocated, %u free", d->allocated, d->capacity, d->free);
}

void page_partners(struct html *h, const struct page_user *u,
		   const struct page_partner_line *lines, size_t n)
{
	page_begin(h, u, "Partners", "partners");
	html_fmt(h, "<h1 class=\"govuk-heading-l\">Partners</h1>\n<p class=\"govuk-body\">%zu "
		    "improvement partners. Days are a school year's.</p>\n",
		 n);
	html_str(h, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-"
		    "visually-hidden\">Improvement partners</caption><thead class=\"govuk-table__"
		    "head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__"
		    "header\">Partner</th><th scope=\"col\" class=\"govuk-table__header govuk-table__"
		    "header--numeric\">Schools</th><th scope=\"col\" class=\"govuk-table__header "
		    "govuk-table__header--numeric\">Clusters</th><th scope=\"col\" class=\"govuk-"
		    "table__header\">Days</th><th scope=\"col\" class=\"govuk-table__header govuk-"
		    "table__header--numeric\">Visits</th></tr></thead><tbody class=\"govuk-table__"
		    "body\">");
	for (size_t i = 0; i < n; i++) {
		const struct page_partner_line *l = &lines[i];
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
			    "class=\"govuk-link\" href=\"/partners/%s\">%s</a>%r</td><td class=\"govuk-"
			    "table__cell govuk-table__cell--numeric\">%u</td><td class=\"govuk-table__"
			    "cell govuk-table__cell--numeric\">%u</td><td class=\"govuk-table__cell\">",
			 l->id, l->name[0] ? l->name : l->id, l->active ? "" : " (has left)",
			 l->days.schools, l->days.clusters);
		partner_days_cell(h, &l->days);
		html_fmt(h, "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">%u</td>"
			    "</tr>",
			 l->visits);
	}
	html_str(h, "</tbody></table>");
	page_end(h);
}

static const char *partner_visit_kind(const N2gg__V1__Visit *v)
{
	return strcmp(v->kind, "annual_conversation") == 0 ? "Annual conversation"
							    : "Monitoring visit";
}

static void partner_served(struct html *h, const struct page_partner_data *d)
{
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"schools\">Schools and clusters served</h2>");
	if (!d->n_allocations) {
		html_str(h, "<p class=\"govuk-body\">None this year.</p>");
		return;
	}
	html_str(h, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-"
		    "visually-hidden\">Schools and clusters served</caption><thead class=\"govuk-"
		    "table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-"
		    "table__header\">School or cluster</th><th scope=\"col\" class=\"govuk-table__"
		    "header\">Role</th><th scope=\"col\" class=\"govuk-table__header\">Category</th>"
		    "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">"
		    "Days</th></tr></thead><tbody class=\"govuk-table__body\">");
	for (size_t i = 0; i < d->n_allocations; i++) {
		const N2gg__V1__Allocation *al = d->allocations[i];
		html_str(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
		if (al->urn)
			html_fmt(h, "<a class=\"govuk-link\" href=\"/schools/%u\">%s</a>", al->urn,
				 al->school_name[0] ? al->school_name : "(no name)");
		else
			html_fmt(h, "<a class=\"govuk-link\" href=\"/clusters/%s\">Cluster %s</a>",
				 al->cluster_id, al->cluster_id);
		html_fmt(h, "%r</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__"
			    "cell\">%s</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">%u"
			    "</td></tr>",
			 al->pinned ? " (chosen by hand)" : "", view_role_name(al->role),
			 al->urn ? (al->category[0] ? al->category : "None") : "", al->days);
	}
	html_str(h, "</tbody></table>");
}

/* The visits month by month, each month a table: a calendar that reads as a list. */
static void partner_calendar(struct html *h, const struct page_partner_data *d)
{
	static const char *const months[] = {"January", "February", "March", "April", "May",
					     "June", "July", "August", "September", "October",
					     "November", "December"};
	html_fmt(h, "<h2 class=\"govuk-heading-m\" id=\"visits\">Visits</h2><p class=\"govuk-body\">"
		    "%zu visits. <a class=\"govuk-link\" href=\"/partners/%s.ics\" download>Add them "
		    "to your calendar (iCalendar file)</a></p>",
		 d->n_visits, d->id);
	int month = -1, year = 0;
	for (size_t i = 0; i < d->n_visits; i++) {
		const N2gg__V1__Visit *v = d->visits[i];
		int day, y = 0, m = 0, dd = 0;
		if (date_parse(v->date, &day) == 0)
			date_to_ymd(day, &y, &m, &dd);
		if (m != month || y != year) {
			if (month >= 0)
				html_str(h, "</tbody></table>");
			month = m;
			year = y;
			html_fmt(h, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
				    "govuk-table__caption--s\">%r %d</caption><thead class=\"govuk-table__"
				    "head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-"
				    "table__header\">Date</th><th scope=\"col\" class=\"govuk-table__header\">"
				    "School</th><th scope=\"col\" class=\"govuk-table__header\">Visit</th>"
				    "<th scope=\"col\" class=\"govuk-table__header\">Report</th></tr>"
				    "</thead><tbody class=\"govuk-table__body\">",
				 m >= 1 && m <= 12 ? months[m - 1] : "No date", y);
		}
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td><td "
			    "class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/schools/%u\">%s"
			    "</a></td><td class=\"govuk-table__cell\">%r</td><td class=\"govuk-table__"
			    "cell\">%r</td></tr>",
			 v->date, v->urn, v->school_name[0] ? v->school_name : "(no name)",
			 partner_visit_kind(v), d->reported[i] ? "Reported" : "Not yet");
	}
	if (month >= 0)
		html_str(h, "</tbody></table>");
}

void page_partner(struct html *h, const struct page_user *u, const struct page_partner_data *d)
{
	const char *name = d->name[0] ? d->name : d->id;
	page_begin(h, u, name, "partners");
	html_fmt(h, "<span class=\"govuk-caption-l\">Improvement partner %s%r</span><h1 "
		    "class=\"govuk-heading-l\">%s</h1>\n<dl class=\"govuk-summary-list\">",
		 d->id, d->partner && !d->partner->active ? ", has left" : "", name);
	html_str(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
		    "Contact</dt><dd class=\"govuk-summary-list__value\">");
	N2gg__V1__Contact c = N2GG__V1__CONTACT__INIT;
	c.name = (char *)name;
	c.email = (char *)d->email;
	c.phone = (char *)d->phone;
	page_contact(h, &c);
	html_str(h, "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-"
		    "list__key\">Days this year</dt><dd class=\"govuk-summary-list__value\">");
	partner_days_cell(h, &d->days);
	html_str(h, "</dd></div>");
	if (d->partner && d->partner->provider[0])
		html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__"
			    "key\">Provider</dt><dd class=\"govuk-summary-list__value\">%s</dd></div>",
			 d->partner->provider);
	html_str(h, "</dl>\n");
	partner_served(h, d);
	partner_calendar(h, d);
	page_end(h);
}

/* ---- iCalendar ---- */

static struct icaltimetype partner_ical_day(int day)
{
	struct icaltimetype t = icaltime_null_date();
	date_to_ymd(day, &t.year, &t.month, &t.day);
	t.is_date = 1;
	return t;
}

int page_partner_ics(struct html *h, const struct page_partner_data *d, int64_t now_ms)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//Norfolk County Council//N2GG "
								 "dashboard//EN"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icaltimetype stamp = icaltime_from_timet_with_zone((time_t)(now_ms / 1000), 0,
							    icaltimezone_get_utc_timezone());
	struct html text;
	html_init(&text);
	for (size_t i = 0; i < d->n_visits; i++) {
		const N2gg__V1__Visit *v = d->visits[i];
		int day;
		if (date_parse(v->date, &day) < 0)
			continue;   /* not placed: nothing to put in a calendar */
		bool annual = strcmp(v->kind, "annual_conversation") == 0;
		icalcomponent *ev = icalcomponent_new_vevent();
		/* the scheduler's ical_uid(): the annual conversation is number 1, a monitoring
		 * visit its half-term */
		html_free(&text);
		html_fmt(&text, "visit-%u-%u-%r-%u@n2gg", v->urn, v->year,
			 annual ? "annual" : "monitoring", annual ? 1u : v->half_term);
		icalcomponent_add_property(ev, icalproperty_new_uid(text.data));
		icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
		/* an all-day event: DTEND is the day after (RFC 5545 3.6.1) */
		icalcomponent_add_property(ev, icalproperty_new_dtstart(partner_ical_day(day)));
		icalcomponent_add_property(ev, icalproperty_new_dtend(partner_ical_day(day + 1)));
		html_free(&text);
		html_fmt(&text, "%r: %r", partner_visit_kind(v),
			 v->school_name[0] ? v->school_name : "a school");
		icalcomponent_add_property(ev, icalproperty_new_summary(text.data));
		html_free(&text);
		html_fmt(&text, "%r at %r (URN %u).", partner_visit_kind(v), v->school_name, v->urn);
		icalcomponent_add_property(ev, icalproperty_new_description(text.data));
		icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
		icalcomponent_add_component(cal, ev);
	}
	html_free(&text);
	char *ics = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (!ics)
		return -1;
	html_str(h, ics);
	icalmemory_free_buffer(ics);
	return 0;
}
