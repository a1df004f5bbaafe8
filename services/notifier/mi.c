/* mi: checking, numbering and addressing Management Information Sheets (see mi.h). */
#include "mi.h"

#include <stdio.h>
#include <string.h>

#include "date.h"

void mi_sheet_init(struct mi_sheet *s)
{
	memset(s, 0, sizeof *s);
	s->publication_date = MI_NO_DATE;
	s->complete_by = MI_NO_DATE;
}

int mi_sheet_from_proto(const N2gg__V1__MiSheet *p, struct mi_sheet *out, struct status *st)
{
	mi_sheet_init(out);
	out->type = p->type == N2GG__V1__MI_TYPE__MI_ACTION ? MI_ACTION : MI_INFORMATION;
	if (p->type != N2GG__V1__MI_TYPE__MI_ACTION && p->type != N2GG__V1__MI_TYPE__MI_INFORMATION)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Sheet Type: must be Information or Action");
	if (p->number[0] && mi_number_parse(p->number, &out->number, st) < 0)
		return -st->code;
	out->title = p->title;
	out->body = p->body;
	if (p->publication_date[0] && date_parse(p->publication_date, &out->publication_date) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Publication Date: \"%s\" is not a date (YYYY-MM-DD)",
				   p->publication_date);
	if (p->complete_by[0] && date_parse(p->complete_by, &out->complete_by) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "To Be Completed By: \"%s\" is not a date (YYYY-MM-DD)",
				   p->complete_by);
	out->contact.name = p->contact_name;
	out->contact.phone = p->contact_phone;
	const N2gg__V1__MiAudience *au = p->audience;
	if (au) {
		out->audience.headteachers = au->headteachers;
		out->audience.chairs_of_governors = au->chairs_of_governors;
		out->audience.categories = au->categories;
		out->audience.clusters = (const char *const *)au->clusters;
		out->audience.cluster_count = au->n_clusters;
		out->audience.phases = au->phases;
		out->audience.phase_count = au->n_phases;
	}
	out->links = (const char *const *)p->links;
	out->link_count = p->n_links;
	return 0;
}

static bool mi_blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

int mi_number_year(int publication_date)
{
	int y, m, d;
	date_to_ymd(publication_date, &y, &m, &d);
	return y;
}

static int mi_check_number(struct mi_number n, struct status *st)
{
	if (n.seq < 1 || n.seq > MI_NUMBER_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Number: %d is not between 1 and %d", n.seq, MI_NUMBER_MAX);
	if (n.year < MI_YEAR_MIN || n.year > MI_YEAR_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Number: year %d is not between %d and %d (the number shows "
				   "two digits of it)",
				   n.year, MI_YEAR_MIN, MI_YEAR_MAX);
	return 0;
}

static int mi_check_phone(const char *phone, struct status *st)
{
	if (mi_blank(phone))
		return 0;
	bool digit = false;
	for (const char *c = phone; *c; c++) {
		if (*c >= '0' && *c <= '9')
			digit = true;
		else if (!strchr(" +()-", *c))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "LA Contact: phone '%s' may hold only digits, spaces "
					   "and + ( ) -",
					   phone);
	}
	if (!digit)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "LA Contact: phone '%s' has no digits", phone);
	return 0;
}

static int mi_check_audience(const struct mi_audience *au, struct status *st)
{
	if (!au->headteachers && !au->chairs_of_governors)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Audience: headteachers, chairs of governors or both");
	for (const char *c = au->categories; c && *c; c++) {
		if (*c < 'A' || *c > 'F')
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Audience: category '%c' is not an LA category (A-F)",
					   *c);
		if (strchr(c + 1, *c))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Audience: category '%c' is listed twice", *c);
	}
	if (au->cluster_count > 0 && !au->clusters)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Audience: no cluster ids given");
	for (size_t i = 0; i < au->cluster_count; i++)
		if (mi_blank(au->clusters[i]))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Audience: cluster id %zu is empty", i + 1);
	if (au->phase_count > 0 && !au->phases)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Audience: no phases given");
	for (size_t i = 0; i < au->phase_count; i++)
		if (au->phases[i] <= N2GG__V1__PHASE__PHASE_UNKNOWN ||
		    au->phases[i] > N2GG__V1__PHASE__PHASE_NOT_APPLICABLE)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Audience: %d is not a school phase",
					   (int)au->phases[i]);
	return 0;
}

int mi_validate(const struct mi_sheet *s, int today, struct status *st)
{
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN];
	if (s->type != MI_INFORMATION && s->type != MI_ACTION)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Sheet Type: must be Information or Action");
	if (mi_blank(s->title))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Title: required");

	if (s->publication_date == MI_NO_DATE)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Publication Date: required");
	if (s->publication_date < today)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Publication Date: %s is before today (%s); a sheet may be "
				   "scheduled for later but not issued in the past",
				   date_format(s->publication_date, a), date_format(today, b));

	if (s->type == MI_ACTION) {
		if (s->complete_by == MI_NO_DATE)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "To Be Completed By: required on an Action sheet");
		if (s->complete_by < today)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "To Be Completed By: %s is in the past (today is %s)",
					   date_format(s->complete_by, a), date_format(today, b));
		if (s->complete_by < s->publication_date)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "To Be Completed By: %s is before the Publication Date "
					   "%s",
					   date_format(s->complete_by, a),
					   date_format(s->publication_date, b));
	} else if (s->complete_by != MI_NO_DATE) {
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "To Be Completed By: only Action sheets have one, not "
				   "Information sheets");
	}

	if (s->number.seq != 0 || s->number.year != 0) {
		int rc = mi_check_number(s->number, st);
		if (rc < 0)
			return rc;
		int year = mi_number_year(s->publication_date);
		if (s->number.year != year)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "MI Number: %03d/%02d counts in %d but the sheet is "
					   "published in %d",
					   s->number.seq, s->number.year % 100, s->number.year,
					   year);
	}

	if (mi_blank(s->contact.name))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "LA Contact: a name is required");
	int rc = mi_check_phone(s->contact.phone, st);
	if (rc < 0)
		return rc;
	rc = mi_check_audience(&s->audience, st);
	if (rc < 0)
		return rc;
	if (s->link_count > 0 && !s->links)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Links: no links given");
	for (size_t i = 0; i < s->link_count; i++)
		if (mi_blank(s->links[i]))
			return status_fail(st, STATUS_INVALID_ARGUMENT, "Links: link %zu is empty",
					   i + 1);
	return 0;
}

int mi_next_number(int last_number_for_year, int year, struct mi_number *out,
		   struct status *st)
{
	if (year < MI_YEAR_MIN || year > MI_YEAR_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Number: year %d is not between %d and %d", year, MI_YEAR_MIN,
				   MI_YEAR_MAX);
	if (last_number_for_year < 0 || last_number_for_year > MI_NUMBER_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Number: the last number issued in %d cannot be %d", year,
				   last_number_for_year);
	if (last_number_for_year == MI_NUMBER_MAX)
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED,
				   "MI Number: all %d numbers for %d have been issued",
				   MI_NUMBER_MAX, year);
	*out = (struct mi_number){ .seq = last_number_for_year + 1, .year = year };
	return 0;
}

int mi_number_format(struct mi_number n, char *out, struct status *st)
{
	int rc = mi_check_number(n, st);
	if (rc < 0)
		return rc;
	/* by digits: the checks above bound both, which the compiler cannot see through
	 * snprintf */
	int yy = n.year % 100;
	out[0] = (char)('0' + n.seq / 100);
	out[1] = (char)('0' + n.seq / 10 % 10);
	out[2] = (char)('0' + n.seq % 10);
	out[3] = '/';
	out[4] = (char)('0' + yy / 10);
	out[5] = (char)('0' + yy % 10);
	out[6] = '\0';
	return 0;
}

static bool mi_digit(char c)
{
	return c >= '0' && c <= '9';
}

int mi_number_parse(const char *text, struct mi_number *out, struct status *st)
{
	if (!text || strlen(text) != 6 || !mi_digit(text[0]) || !mi_digit(text[1]) ||
	    !mi_digit(text[2]) || text[3] != '/' || !mi_digit(text[4]) || !mi_digit(text[5]))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Number: '%s' is not of the form NNN/YY (e.g. 247/13)",
				   text ? text : "");
	int seq = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
	if (seq == 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Number: '%s': numbers start at 001", text);
	*out = (struct mi_number){ .seq = seq,
				   .year = MI_YEAR_MIN + (text[4] - '0') * 10 + (text[5] - '0') };
	return 0;
}

unsigned mi_audience_matches(const struct mi_sheet *s, const struct mi_school *school)
{
	const struct mi_audience *au = &s->audience;
	if (au->categories && au->categories[0] &&
	    (school->category == '\0' || !strchr(au->categories, school->category)))
		return 0;
	if (au->cluster_count > 0) {
		bool in = false;
		for (size_t i = 0; i < au->cluster_count && !in; i++)
			in = school->cluster_id && school->cluster_id[0] && au->clusters[i] &&
			     strcmp(au->clusters[i], school->cluster_id) == 0;
		if (!in)
			return 0;
	}
	if (au->phase_count > 0) {
		bool in = false;
		for (size_t i = 0; i < au->phase_count && !in; i++)
			in = au->phases[i] == school->phase;
		if (!in)
			return 0;
	}
	return (au->headteachers ? MI_TO_HEADTEACHER : 0u) |
	       (au->chairs_of_governors ? MI_TO_CHAIR_OF_GOVERNORS : 0u);
}

bool mi_reminder_due(const struct mi_sheet *s, int today, int days_before)
{
	if (s->type != MI_ACTION || s->complete_by == MI_NO_DATE || days_before < 0)
		return false;
	if (s->publication_date == MI_NO_DATE || today <= s->publication_date)
		return false;
	return (long long)today >= (long long)s->complete_by - days_before &&
	       today <= s->complete_by;
}
