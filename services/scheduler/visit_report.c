/* visit_report: checking, comparing and dating partners' visit reports (see visit_report.h). */
#include "visit_report.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "utf8.h"

/* ---- the progress scale ---- */

static const struct {
	const char *name;
	const char *meaning;
} visit_progress_scale[] = {
	[N2GG__V1__VISIT_PROGRESS__PROGRESS_STRONG] = {
		"strong", "the plan's priorities are being met, most of its milestones early or on time"},
	[N2GG__V1__VISIT_PROGRESS__PROGRESS_GOOD] = {
		"good", "on track in most of the plan's priorities, with their milestones met"},
	[N2GG__V1__VISIT_PROGRESS__PROGRESS_SOME] = {
		"some", "progress in some of the plan's priorities, with others behind their milestones"},
	[N2GG__V1__VISIT_PROGRESS__PROGRESS_LITTLE] = {
		"little", "little or no progress against the plan: more support and challenge are needed"},
};
#define VISIT_PROGRESS_POINTS \
	((int)(sizeof visit_progress_scale / sizeof visit_progress_scale[0]))

const char *visit_progress_name(N2gg__V1__VisitProgress progress)
{
	int p = (int)progress;
	return p > 0 && p < VISIT_PROGRESS_POINTS ? visit_progress_scale[p].name : NULL;
}

const char *visit_progress_meaning(N2gg__V1__VisitProgress progress)
{
	int p = (int)progress;
	return p > 0 && p < VISIT_PROGRESS_POINTS ? visit_progress_scale[p].meaning : "";
}

int visit_progress_parse(const char *name, N2gg__V1__VisitProgress *out, struct status *st)
{
	for (int p = 1; name && p < VISIT_PROGRESS_POINTS; p++)
		if (strcasecmp(name, visit_progress_scale[p].name) == 0) {
			*out = (N2gg__V1__VisitProgress)p;
			return 0;
		}
	return status_fail(st, STATUS_INVALID_ARGUMENT,
			   "progress \"%.40s\" is not on the scale: strong, good, some or little",
			   name ? name : "");
}

/* ---- ids ---- */

uint32_t visit_report_urn_of(const char *id)
{
	if (!id)
		return 0;
	size_t digits = strspn(id, "0123456789");
	/* a URN, a dash and more: "121234-2014-monitoring-3" */
	if (digits < 1 || digits > 7 || id[digits] != '-' || !id[digits + 1] ||
	    strlen(id) > VISIT_REPORT_ID_MAX)
		return 0;
	return (uint32_t)strtoul(id, NULL, 10);
}

/* ---- cleaning ---- */

static char *visit_report_trim(const char *s, struct arena *a)
{
	if (!s)
		return "";
	const char *e = s + strlen(s);
	while (*s && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return arena_strndup(a, s, (size_t)(e - s));
}

/* Blank items are dropped: an empty line in a form is not an action. */
static void visit_report_trim_list(char *const *in, size_t n, struct arena *a, char ***out,
				   size_t *out_n)
{
	*out = arena_alloc(a, sizeof **out * (n + 1));
	*out_n = 0;
	for (size_t i = 0; i < n; i++) {
		char *item = visit_report_trim(in[i], a);
		if (item[0])
			(*out)[(*out_n)++] = item;
	}
}

N2gg__V1__VisitReport *visit_report_clean(const N2gg__V1__VisitReport *in, struct arena *a)
{
	N2gg__V1__VisitReport *r = arena_message(a, &n2gg__v1__visit_report__descriptor);
	r->visit_id = visit_report_trim(in->visit_id, a);
	r->held = in->held;
	r->not_held_reason = visit_report_trim(in->not_held_reason, a);
	r->date_held = visit_report_trim(in->date_held, a);
	r->progress = in->progress;
	r->next_visit_focus = visit_report_trim(in->next_visit_focus, a);
	r->self_evaluation_validation = visit_report_trim(in->self_evaluation_validation, a);
	visit_report_trim_list(in->attended, in->n_attended, a, &r->attended, &r->n_attended);
	visit_report_trim_list(in->strengths, in->n_strengths, a, &r->strengths, &r->n_strengths);
	visit_report_trim_list(in->priorities, in->n_priorities, a, &r->priorities,
			       &r->n_priorities);
	visit_report_trim_list(in->agreed_actions, in->n_agreed_actions, a, &r->agreed_actions,
			       &r->n_agreed_actions);
	visit_report_trim_list(in->signposting, in->n_signposting, a, &r->signposting,
			       &r->n_signposting);
	return r;
}

/* ---- checks ---- */

static bool visit_report_is_annual(const N2gg__V1__Visit *v)
{
	return v && v->kind && strcmp(v->kind, VISIT_KIND_ANNUAL) == 0;
}

/* Well-formed UTF-8 with no control characters; a multi-line field may hold line breaks and
 * tabs. A stray control character would end up in a letter. */
static bool visit_report_text_ok(const char *s, bool multiline)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))) ||
		    *p == 0x7f)
			return false;
	return true;
}

static int visit_report_check_text(const char *field, const char *s, size_t max, bool multiline,
				   struct status *st)
{
	if (strlen(s) > max)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: longer than %zu bytes", field,
				   max);
	if (!visit_report_text_ok(s, multiline))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s: not UTF-8 text, or holds a control character", field);
	return 0;
}

static int visit_report_check_list(const char *field, char *const *items, size_t n,
				   bool multiline, struct status *st)
{
	if (n > VISIT_REPORT_ITEMS_MAX)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: %zu items, at most %d", field,
				   n, VISIT_REPORT_ITEMS_MAX);
	for (size_t i = 0; i < n; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s[%zu]", field, i);
		int rc = visit_report_check_text(name, items[i], VISIT_REPORT_ITEM_MAX, multiline, st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int visit_report_absent(const char *field, bool given, const char *why, struct status *st)
{
	return given ? status_fail(st, STATUS_INVALID_ARGUMENT, "%s: %s", field, why) : 0;
}

/* The school year a visit belongs to runs from 1 September to 31 August, named by its
 * ending calendar year (as the scheduler names years). */
static int visit_report_check_date(N2gg__V1__VisitReport *r, const N2gg__V1__Visit *visit,
				   int today, struct arena *a, struct status *st)
{
	int day;
	char iso[DATE_ISO_LEN], t[DATE_ISO_LEN], u[DATE_ISO_LEN];
	if (!r->date_held[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "date_held: required for a visit that was held");
	if (strlen(r->date_held) > 20 || date_parse(r->date_held, &day) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "date_held \"%.20s\" is not a date: write YYYY-MM-DD", r->date_held);
	if (day > today)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "date_held %s is after today (%s)", date_format(day, iso),
				   date_format(today, t));
	if (visit->year) {
		int first = date_from_ymd((int)visit->year - 1, 9, 1);
		int last = date_from_ymd((int)visit->year, 8, 31);
		if (day < first || day > last)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "date_held %s is outside the visit's school year "
					   "(%d/%02d: %s to %s)",
					   date_format(day, iso), (int)visit->year - 1,
					   (int)visit->year % 100, date_format(first, t),
					   date_format(last, u));
	}
	r->date_held = arena_strdup(a, date_format(day, iso));
	return 0;
}

static int visit_report_check_held(N2gg__V1__VisitReport *r, const N2gg__V1__Visit *visit,
				   int today, bool annual, struct arena *a, struct status *st)
{
	int rc;
	if ((rc = visit_report_absent("not_held_reason", r->not_held_reason[0],
				      "only for a visit that was not held", st)) < 0 ||
	    (rc = visit_report_check_date(r, visit, today, a, st)) < 0)
		return rc;
	if (!r->n_attended)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "attended: name at least one person who took part");
	if (!r->progress)   /* a value off the scale was refused with the texts */
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "progress: required for a visit that was held (strong, good, "
				   "some or little)");
	if (!r->n_agreed_actions)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "agreed_actions: give at least one action agreed at the visit");
	if (annual) {
		/* what the CEP MI asks of the annual conversation */
		if (!r->n_strengths)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "strengths: the annual conversation names the school's "
					   "strengths");
		if (!r->n_priorities)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "priorities: the annual conversation names the "
					   "priorities for improvement");
		if (!r->self_evaluation_validation[0])
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "self_evaluation_validation: the annual conversation "
					   "validates the school's self-evaluation");
		return 0;
	}
	if ((rc = visit_report_absent("self_evaluation_validation",
				      r->self_evaluation_validation[0],
				      "only for the annual conversation", st)) < 0 ||
	    (rc = visit_report_absent("signposting", r->n_signposting > 0,
				      "only for the annual conversation", st)) < 0)
		return rc;
	return 0;
}

/* A visit that did not take place has a reason and, at most, what happens next. */
static int visit_report_check_not_held(const N2gg__V1__VisitReport *r, struct status *st)
{
	static const char why[] = "a visit that was not held has none";
	int rc;
	if (!r->not_held_reason[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "not_held_reason: say why the visit was not held");
	if ((rc = visit_report_absent("date_held", r->date_held[0], why, st)) < 0 ||
	    (rc = visit_report_absent("attended", r->n_attended > 0, why, st)) < 0 ||
	    (rc = visit_report_absent("progress", r->progress != 0, why, st)) < 0 ||
	    (rc = visit_report_absent("strengths", r->n_strengths > 0, why, st)) < 0 ||
	    (rc = visit_report_absent("priorities", r->n_priorities > 0, why, st)) < 0 ||
	    (rc = visit_report_absent("self_evaluation_validation",
				      r->self_evaluation_validation[0], why, st)) < 0 ||
	    (rc = visit_report_absent("signposting", r->n_signposting > 0, why, st)) < 0)
		return rc;
	return 0;
}

int visit_report_check(N2gg__V1__VisitReport *r, const N2gg__V1__Visit *visit, int today,
		       struct arena *a, struct status *st)
{
	int rc, visit_day;
	char d[DATE_ISO_LEN], t[DATE_ISO_LEN];
	if (!r->visit_id[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT, "visit_id: required");
	if (!visit || date_parse(visit->date, &visit_day) < 0)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "visit %.80s has no date to report on", r->visit_id);
	if (visit_day > today)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "visit %.80s is on %s, after today (%s): report it once it has "
				   "happened",
				   r->visit_id, date_format(visit_day, d), date_format(today, t));
	/* every text first, so that whatever else is wrong, bad bytes are named */
	if ((rc = visit_report_check_text("not_held_reason", r->not_held_reason,
					  VISIT_REPORT_TEXT_MAX, true, st)) < 0 ||
	    (rc = visit_report_check_text("next_visit_focus", r->next_visit_focus,
					  VISIT_REPORT_TEXT_MAX, true, st)) < 0 ||
	    (rc = visit_report_check_text("self_evaluation_validation",
					  r->self_evaluation_validation, VISIT_REPORT_TEXT_MAX,
					  true, st)) < 0 ||
	    (rc = visit_report_check_list("attended", r->attended, r->n_attended, false, st)) < 0 ||
	    (rc = visit_report_check_list("strengths", r->strengths, r->n_strengths, true, st)) <
		    0 ||
	    (rc = visit_report_check_list("priorities", r->priorities, r->n_priorities, true,
					  st)) < 0 ||
	    (rc = visit_report_check_list("agreed_actions", r->agreed_actions,
					  r->n_agreed_actions, true, st)) < 0 ||
	    (rc = visit_report_check_list("signposting", r->signposting, r->n_signposting, false,
					  st)) < 0)
		return rc;
	if (r->progress != 0 && !visit_progress_name(r->progress))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "progress %d is not on the scale: strong, good, some or little",
				   (int)r->progress);
	return r->held ? visit_report_check_held(r, visit, today, visit_report_is_annual(visit), a,
						 st)
		       : visit_report_check_not_held(r, st);
}

/* ---- comparing ---- */

static bool visit_report_same_text(const char *x, const char *y)
{
	return strcmp(x ? x : "", y ? y : "") == 0;
}

static bool visit_report_same_list(char *const *x, size_t nx, char *const *y, size_t ny)
{
	if (nx != ny)
		return false;
	for (size_t i = 0; i < nx; i++)
		if (!visit_report_same_text(x[i], y[i]))
			return false;
	return true;
}

bool visit_report_same(const N2gg__V1__VisitReport *x, const N2gg__V1__VisitReport *y)
{
	return x->held == y->held && x->progress == y->progress &&
	       visit_report_same_text(x->visit_id, y->visit_id) &&
	       visit_report_same_text(x->not_held_reason, y->not_held_reason) &&
	       visit_report_same_text(x->date_held, y->date_held) &&
	       visit_report_same_text(x->next_visit_focus, y->next_visit_focus) &&
	       visit_report_same_text(x->self_evaluation_validation,
				      y->self_evaluation_validation) &&
	       visit_report_same_list(x->attended, x->n_attended, y->attended, y->n_attended) &&
	       visit_report_same_list(x->strengths, x->n_strengths, y->strengths, y->n_strengths) &&
	       visit_report_same_list(x->priorities, x->n_priorities, y->priorities,
				      y->n_priorities) &&
	       visit_report_same_list(x->agreed_actions, x->n_agreed_actions, y->agreed_actions,
				      y->n_agreed_actions) &&
	       visit_report_same_list(x->signposting, x->n_signposting, y->signposting,
				      y->n_signposting);
}

/* ---- one annual conversation a school year ---- */

const N2gg__V1__VisitReport *visit_report_annual_taken(const N2gg__V1__Visit *visit,
							N2gg__V1__VisitReport *const *reports,
							size_t n)
{
	if (!visit_report_is_annual(visit))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const N2gg__V1__Visit *other = reports[i]->visit;
		if (visit_report_is_annual(other) && other->urn == visit->urn &&
		    other->year == visit->year && strcmp(other->id, visit->id) != 0)
			return reports[i];
	}
	return NULL;
}

/* ---- when a report is due ---- */

bool visit_report_overdue(int visit_day, int today, int due_days, int *days_overdue)
{
	int due = visit_day + (due_days > 0 ? due_days : 0);
	bool overdue = today > due;
	if (days_overdue)
		*days_overdue = overdue ? today - due : 0;
	return overdue;
}
