/* mi: checking, numbering and addressing Management Information Sheets (see mi.h). */
#include "mi.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

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
		out->audience.cluster_chairs = au->cluster_chairs;
		out->audience.categories = au->categories;
		out->audience.clusters = (const char *const *)au->clusters;
		out->audience.cluster_count = au->n_clusters;
		out->audience.phases = au->phases;
		out->audience.phase_count = au->n_phases;
	}
	out->links = (const char *const *)p->links;
	out->link_count = p->n_links;
	out->questions = p->questions;
	out->question_count = p->n_questions;
	return 0;
}

bool mi_blank(const char *s)
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
	/* a school's answer and a cluster's are different things: one sheet asks one of them */
	if (au->cluster_chairs && (au->headteachers || au->chairs_of_governors))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Audience: either schools (headteachers, chairs of governors) "
				   "or cluster chairs, not both");
	if (au->cluster_chairs && ((au->categories && au->categories[0]) || au->phase_count))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Audience: a sheet for cluster chairs is narrowed by cluster "
				   "only, not by category or phase");
	if (!au->headteachers && !au->chairs_of_governors && !au->cluster_chairs)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Audience: headteachers, chairs of governors or both, or "
				   "cluster chairs");
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

/* Text a person wrote, as a sheet or an answer holds it: some, and not a book. */
static int mi_check_text(const char *what, const char *text, size_t max, struct status *st)
{
	if (mi_blank(text))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: empty", what);
	if (strlen(text) > max)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: longer than %zu characters",
				   what, max);
	return 0;
}

/* The text without the spaces around it, as a length and a start. */
static const char *mi_trim(const char *text, size_t *len)
{
	while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
		text++;
	size_t n = strlen(text);
	while (n && strchr(" \t\r\n", text[n - 1]))
		n--;
	*len = n;
	return text;
}

static bool mi_same_words(const char *x, const char *y)
{
	size_t nx, ny;
	x = mi_trim(x, &nx);
	y = mi_trim(y, &ny);
	return nx == ny && strncasecmp(x, y, nx) == 0;
}

int mi_questions_check(N2gg__V1__MiQuestion *const *questions, size_t count, struct status *st)
{
	if (count > MI_QUESTIONS_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Questions: %zu, more than the %d a sheet may ask", count,
				   MI_QUESTIONS_MAX);
	if (count && !questions)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Questions: none given");
	unsigned last = 0;
	for (size_t i = 0; i < count; i++) {
		const N2gg__V1__MiQuestion *q = questions[i];
		char what[48];
		if (!q || q->number == 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Questions: the %zu%s question has no number (they are "
					   "numbered from 1)",
					   i + 1, i == 0 ? "st" : i == 1 ? "nd" : i == 2 ? "rd" : "th");
		if (q->number <= last)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Question %u: comes after question %u; number the "
					   "questions in order, each once",
					   q->number, last);
		last = q->number;
		snprintf(what, sizeof what, "Question %u", q->number);
		int rc = mi_check_text(what, q->text, MI_QUESTION_TEXT_MAX, st);
		if (rc < 0)
			return rc;
		if (q->n_options == 1)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Question %u: a choice needs at least two options (none "
					   "for a free-text answer)",
					   q->number);
		if (q->n_options > MI_OPTIONS_MAX)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Question %u: %zu options, more than %d", q->number,
					   q->n_options, MI_OPTIONS_MAX);
		for (size_t k = 0; k < q->n_options; k++) {
			snprintf(what, sizeof what, "Question %u, option %zu", q->number, k + 1);
			if ((rc = mi_check_text(what, q->options[k], MI_QUESTION_TEXT_MAX, st)) < 0)
				return rc;
			for (size_t j = 0; j < k; j++)
				if (mi_same_words(q->options[j], q->options[k]))
					return status_fail(st, STATUS_INVALID_ARGUMENT,
							   "Question %u: option \"%s\" is listed "
							   "twice",
							   q->number, q->options[k]);
		}
	}
	return 0;
}

const N2gg__V1__MiQuestion *mi_question(const struct mi_sheet *s, unsigned number)
{
	for (size_t i = 0; i < s->question_count; i++)
		if (s->questions[i] && s->questions[i]->number == number)
			return s->questions[i];
	return NULL;
}

/* "1, 2 and 5": the sheet's question numbers, for a message. */
static void mi_question_numbers(const struct mi_sheet *s, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < s->question_count && used < size; i++) {
		const char *sep = i == 0 ? "" : i + 1 == s->question_count ? " and " : ", ";
		int n = snprintf(out + used, size - used, "%s%u", sep, s->questions[i]->number);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int mi_answers_check(const struct mi_sheet *s, N2gg__V1__MiAnswer *const *answers, size_t count,
		     const char **chosen, struct status *st)
{
	if (s->question_count == 0)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "the sheet asks no questions: record the response without "
				   "answers");
	char numbers[256];
	mi_question_numbers(s, numbers, sizeof numbers);
	if (count == 0 || !answers)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Answers: none given (the sheet asks question%s %s)",
				   s->question_count == 1 ? "" : "s", numbers);
	for (size_t i = 0; i < count; i++) {
		const N2gg__V1__MiAnswer *an = answers[i];
		const N2gg__V1__MiQuestion *q = an ? mi_question(s, an->question) : NULL;
		if (!q)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Answer to question %u: the sheet has no such question "
					   "(it asks %s)",
					   an ? an->question : 0, numbers);
		for (size_t j = 0; j < i; j++)
			if (answers[j]->question == an->question)
				return status_fail(st, STATUS_INVALID_ARGUMENT,
						   "Answer to question %u: given twice",
						   an->question);
		char what[48];
		snprintf(what, sizeof what, "Answer to question %u", an->question);
		int rc = mi_check_text(what, an->answer, MI_ANSWER_TEXT_MAX, st);
		if (rc < 0)
			return rc;
		chosen[i] = an->answer;
		if (q->n_options == 0)
			continue;
		chosen[i] = NULL;
		for (size_t k = 0; k < q->n_options && !chosen[i]; k++)
			if (mi_same_words(q->options[k], an->answer))
				chosen[i] = q->options[k];
		if (!chosen[i]) {
			char options[512];
			size_t used = 0;
			options[0] = '\0';
			for (size_t k = 0; k < q->n_options && used < sizeof options; k++) {
				int n = snprintf(options + used, sizeof options - used, "%s\"%s\"",
						 k ? ", " : "", q->options[k]);
				if (n < 0)
					break;
				used += (size_t)n;
			}
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "Answer to question %u: \"%s\" is not one of its options "
					   "(%s)",
					   an->question, an->answer, options);
		}
	}
	return 0;
}

/* mi_validate and mi_validate_correction: a correction's publication date is when it went
 * out, which may be past. */
static int mi_validate_at(const struct mi_sheet *s, int today, bool correction,
			  struct status *st)
{
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN];
	if (s->type != MI_INFORMATION && s->type != MI_ACTION)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "MI Sheet Type: must be Information or Action");
	if (mi_blank(s->title))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Title: required");

	if (s->publication_date == MI_NO_DATE)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Publication Date: required");
	if (s->publication_date < today && !correction)
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
	if (s->question_count && s->type != MI_ACTION)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Questions: only an Action sheet asks questions (an "
				   "Information sheet takes no responses)");
	return mi_questions_check(s->questions, s->question_count, st);
}

int mi_validate(const struct mi_sheet *s, int today, struct status *st)
{
	return mi_validate_at(s, today, false, st);
}

int mi_validate_correction(const struct mi_sheet *s, int today, struct status *st)
{
	return mi_validate_at(s, today, true, st);
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

/* Whether a school in cluster_id passes the audience's cluster filter. */
static bool mi_in_clusters(const struct mi_audience *au, const char *cluster_id)
{
	if (au->cluster_count == 0)
		return true;
	for (size_t i = 0; i < au->cluster_count; i++)
		if (cluster_id && cluster_id[0] && au->clusters[i] &&
		    strcmp(au->clusters[i], cluster_id) == 0)
			return true;
	return false;
}

bool mi_audience_has_cluster(const struct mi_sheet *s, const char *cluster_id)
{
	return s->audience.cluster_chairs && cluster_id && cluster_id[0] &&
	       mi_in_clusters(&s->audience, cluster_id);
}

unsigned mi_audience_matches(const struct mi_sheet *s, const struct mi_school *school)
{
	const struct mi_audience *au = &s->audience;
	if (au->categories && au->categories[0] &&
	    (school->category == '\0' || !strchr(au->categories, school->category)))
		return 0;
	if (!mi_in_clusters(au, school->cluster_id))
		return 0;
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
