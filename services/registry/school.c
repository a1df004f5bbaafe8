/* school: validation and folding of a school's facts (see school.h). */
#include "school.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "date.h"

int school_check_urn(uint32_t urn, struct status *st)
{
	if (urn < 100000 || urn > 999999)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "URN %u is not a 6-digit number", urn);
	return 0;
}

bool school_is_open(const School *s)
{
	return s->status == N2GG__V1__SCHOOL_STATUS__STATUS_OPEN ||
	       s->status == N2GG__V1__SCHOOL_STATUS__STATUS_OPEN_PROPOSED_TO_CLOSE;
}

static char *school_str(char *s)
{
	return s ? s : (char *)"";
}

static N2gg__V1__Contact *school_contact(N2gg__V1__Contact *c, struct arena *a)
{
	if (!c)
		c = arena_message(a, &n2gg__v1__contact__descriptor);
	c->name = school_str(c->name);
	c->email = school_str(c->email);
	c->phone = school_str(c->phone);
	return c;
}

void school_complete(School *s, struct arena *a)
{
	if (!s->address)
		s->address = arena_message(a, &n2gg__v1__address__descriptor);
	s->headteacher = school_contact(s->headteacher, a);
	s->chair_of_governors = school_contact(s->chair_of_governors, a);
	if (!s->flags)
		s->flags = arena_message(a, &n2gg__v1__la_flags__descriptor);
}

/* Valid, not in the future; empty is refused (a fact has a date). */
static int school_check_date(const char *what, const char *text, int today, int *days,
			     struct status *st)
{
	if (!text || !text[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s is missing", what);
	if (date_parse(text, days) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s \"%s\" is not a date (YYYY-MM-DD)",
				   what, text);
	if (*days > today)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s %s is in the future", what, text);
	return 0;
}

/* Inserts `item` into a repeated field at `pos`, in a new arena array (the old one may be
 * the unpacked record's). */
static void **school_insert(void **items, size_t *count, size_t pos, void *item, struct arena *a)
{
	void **grown = arena_alloc(a, (*count + 1) * sizeof *grown);
	for (size_t i = 0, j = 0; i <= *count; i++)
		grown[i] = i == pos ? item : items[j++];
	(*count)++;
	return grown;
}

int school_add_inspection(School *s, const N2gg__V1__Inspection *in, int today, struct arena *a,
			  struct status *st)
{
	int day, rc;
	if ((rc = school_check_date("inspection start date", in->start_date, today, &day, st)) < 0)
		return rc;
	if (in->overall_effectiveness < 1 || in->overall_effectiveness > 4)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "overall effectiveness %u is not 1-4 (1 Outstanding, 2 Good, "
				   "3 Requires improvement, 4 Inadequate)",
				   in->overall_effectiveness);
	if ((unsigned)in->category_of_concern > N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NOTICE_TO_IMPROVE)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "category of concern %d is unknown",
				   in->category_of_concern);
	if (in->category_of_concern != N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE &&
	    in->overall_effectiveness != 4)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "a category of concern (%s) goes only with overall effectiveness 4, "
				   "not %u",
				   school_concern_name(in->category_of_concern),
				   in->overall_effectiveness);
	char iso[DATE_ISO_LEN];
	date_format(day, iso);
	N2gg__V1__Inspection *copy = arena_message_copy(a, &in->base);
	copy->start_date = arena_strdup(a, iso);
	size_t pos = 0;
	for (; pos < s->n_inspections; pos++) {
		int cmp = strcmp(s->inspections[pos]->start_date, iso);
		if (cmp == 0) {
			const N2gg__V1__Inspection *old = s->inspections[pos];
			if (old->overall_effectiveness == copy->overall_effectiveness &&
			    old->category_of_concern == copy->category_of_concern)
				return 0;
			s->inspections[pos] = copy;   /* a correction of that inspection */
			return 1;
		}
		if (cmp > 0)
			break;
	}
	s->inspections = (N2gg__V1__Inspection **)school_insert((void **)s->inspections,
								&s->n_inspections, pos, copy, a);
	return 1;
}

/* A measure as the DfE publishes it: a value within the range the tables allow (the same
 * ranges importers.c reads them with), or a marker in its place. */
static int school_check_measure(const char *what, const N2gg__V1__Measure *m, double min,
				double max, struct status *st)
{
	if (!m)
		return 0;
	if (m->marker && m->marker[0]) {
		/* the DfE's markers are short codes (SUPP, LOWCOV...) */
		if (strlen(m->marker) > 16)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%s marker \"%.20s...\" is not one of the DfE's", what,
					   m->marker);
		return 0;
	}
	if (!(m->value >= min && m->value <= max))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s %.2f is not %g..%g", what, m->value,
				   min, max);
	return 0;
}

static int school_check_achievement(const N2gg__V1__Achievement *in, struct status *st)
{
	int rc;
	if (in->year < 2000 || in->year > 2100)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "achievement year %u is not 2000-2100",
				   in->year);
	if (in->key_stage != N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED &&
	    in->key_stage != N2GG__V1__KEY_STAGE__KEY_STAGE_2 &&
	    in->key_stage != N2GG__V1__KEY_STAGE__KEY_STAGE_4)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "key stage %d is not 2 or 4 (or unspecified)", in->key_stage);
	if (!(in->expected_standard_pct >= 0 && in->expected_standard_pct <= 100))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "share reaching the expected standard %.1f%% is not 0-100",
				   in->expected_standard_pct);
	if (!(in->progress >= -20 && in->progress <= 20))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "progress measure %.2f is not -20..20",
				   in->progress);
	if ((rc = school_check_measure("expected standard", in->expected_standard, 0, 100, st)) < 0 ||
	    (rc = school_check_measure("reading progress", in->reading_progress, -40, 40, st)) < 0 ||
	    (rc = school_check_measure("writing progress", in->writing_progress, -40, 40, st)) < 0 ||
	    (rc = school_check_measure("maths progress", in->maths_progress, -40, 40, st)) < 0 ||
	    (rc = school_check_measure("Progress 8", in->progress8, -10, 10, st)) < 0 ||
	    (rc = school_check_measure("Attainment 8", in->attainment8, 0, 90, st)) < 0 ||
	    (rc = school_check_measure("grade 5 or above in English and maths",
				       in->english_maths_5_pct, 0, 100, st)) < 0)
		return rc;
	return 0;
}

/* The same results, whoever recorded them and when: a re-import changes nothing. */
static bool school_same_achievement(const N2gg__V1__Achievement *x, const N2gg__V1__Achievement *y,
				    struct arena *a)
{
	N2gg__V1__Achievement cx = *x, cy = *y;
	cx.recorded_by = cy.recorded_by = (char *)"";
	cx.recorded_unix_ms = cy.recorded_unix_ms = 0;
	return arena_same_packed(a, &cx.base, &cy.base);
}

/* Achievement is one entry per year and key stage (an all-through school has key stage 2
 * and key stage 4 results for one year), in that order. */
static int school_achievement_order(const N2gg__V1__Achievement *x, const N2gg__V1__Achievement *y)
{
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	if (x->key_stage != y->key_stage)
		return x->key_stage < y->key_stage ? -1 : 1;
	return 0;
}

int school_add_achievement(School *s, const N2gg__V1__Achievement *in, struct arena *a,
			   struct status *st)
{
	int rc = school_check_achievement(in, st);
	if (rc < 0)
		return rc;
	N2gg__V1__Achievement *copy = arena_message_copy(a, &in->base);
	size_t pos = 0;
	for (; pos < s->n_achievement; pos++) {
		int order = school_achievement_order(s->achievement[pos], in);
		if (order == 0) {
			if (school_same_achievement(s->achievement[pos], in, a))
				return 0;
			s->achievement[pos] = copy;   /* a correction of that year's results */
			return 1;
		}
		if (order > 0)
			break;
	}
	s->achievement = (N2gg__V1__Achievement **)school_insert((void **)s->achievement,
								 &s->n_achievement, pos, copy, a);
	return 1;
}

int school_add_progress_return(School *s, const N2gg__V1__ProgressReturn *in, int today,
			       struct arena *a, struct status *st)
{
	int day, rc;
	if (in->year < 2000 || in->year > 2100)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "school year %u is not 2000-2100",
				   in->year);
	if (in->half_term < 1 || in->half_term > 6)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "half-term %u is not 1-6",
				   in->half_term);
	if (!(in->on_track_pct >= 0 && in->on_track_pct <= 100))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "share on track %.1f%% is not 0-100",
				   in->on_track_pct);
	if ((rc = school_check_date("received date", in->received_date, today, &day, st)) < 0)
		return rc;
	N2gg__V1__ProgressReturn *copy = arena_message_copy(a, &in->base);
	char iso[DATE_ISO_LEN];
	copy->received_date = arena_strdup(a, date_format(day, iso));
	copy->note = school_str(copy->note);
	size_t pos = 0;
	for (; pos < s->n_progress_returns; pos++) {
		const N2gg__V1__ProgressReturn *old = s->progress_returns[pos];
		unsigned old_key = old->year * 10 + old->half_term, key = in->year * 10 + in->half_term;
		if (old_key == key) {
			if (fabs(old->on_track_pct - copy->on_track_pct) < 1e-9 &&
			    strcmp(old->received_date, copy->received_date) == 0 &&
			    strcmp(old->note, copy->note) == 0)
				return 0;
			s->progress_returns[pos] = copy;
			return 1;
		}
		if (old_key > key)
			break;
	}
	s->progress_returns = (N2gg__V1__ProgressReturn **)school_insert(
		(void **)s->progress_returns, &s->n_progress_returns, pos, copy, a);
	return 1;
}

static int school_set_bool(protobuf_c_boolean *field, protobuf_c_boolean value)
{
	if (*field == value)
		return 0;
	*field = value;
	return 1;
}

static int school_set_text(char **field, const char *value, struct arena *a)
{
	value = value ? value : "";
	if (strcmp(*field ? *field : "", value) == 0)
		return 0;
	*field = arena_strdup(a, value);
	return 1;
}

int school_set_flags(School *s, const N2gg__V1__LaFlags *given, char **fields, size_t count,
		     int today, struct arena *a, struct status *st)
{
	if (count == 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no flag named to change");
	N2gg__V1__LaFlags *f = arena_message_copy(a, &s->flags->base);
	int changed = 0;
	for (size_t i = 0; i < count; i++) {
		const char *name = fields[i];
		if (strcmp(name, "causing_concern") == 0) {
			changed += school_set_bool(&f->causing_concern, given->causing_concern);
		} else if (strcmp(name, "psswn_issued_date") == 0) {
			int day;
			const char *d = given->psswn_issued_date ? given->psswn_issued_date : "";
			if (d[0] && school_check_date("PSSWN issue date", d, today, &day, st) < 0)
				return -st->code;
			char iso[DATE_ISO_LEN] = "";
			if (d[0])
				date_format(day, iso);
			changed += school_set_text(&f->psswn_issued_date, iso, a);
		} else if (strcmp(name, "in_transition") == 0) {
			changed += school_set_bool(&f->in_transition, given->in_transition);
		} else if (strcmp(name, "transition_reason") == 0) {
			changed += school_set_text(&f->transition_reason, given->transition_reason, a);
		} else if (strcmp(name, "targeted_n2gg") == 0) {
			changed += school_set_bool(&f->targeted_n2gg, given->targeted_n2gg);
		} else if (strcmp(name, "targeted_system_leader") == 0) {
			changed += school_set_bool(&f->targeted_system_leader,
						   given->targeted_system_leader);
		} else {
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "unknown flag \"%s\" (causing_concern, psswn_issued_date, "
					   "in_transition, transition_reason, targeted_n2gg, "
					   "targeted_system_leader)",
					   name);
		}
	}
	if (f->in_transition && !(f->transition_reason && f->transition_reason[0]))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "a school in transition needs a transition reason");
	if (!f->in_transition && f->transition_reason && f->transition_reason[0])
		changed += school_set_text(&f->transition_reason, "", a);
	if (changed)
		s->flags = f;
	return changed;
}

static const char *const school_phases[] = {
	"unknown", "nursery", "primary", "middle-deemed-primary", "secondary",
	"middle-deemed-secondary", "16-plus", "all-through", "special", "pupil-referral-unit",
	"not-applicable",
};

#define SCHOOL_COUNT(table) (sizeof table / sizeof *table)

/* A name table indexed by enum value, entry 0 the "unknown" value no one may choose. */
static const char *school_name_of(const char *const *names, size_t count, unsigned value)
{
	return value < count ? names[value] : names[0];
}

static int school_name_index(const char *const *names, size_t count, const char *name)
{
	for (size_t i = 1; i < count; i++)
		if (strcasecmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *school_phase_name(N2gg__V1__Phase phase)
{
	return school_name_of(school_phases, SCHOOL_COUNT(school_phases), (unsigned)phase);
}

int school_phase_parse(const char *name, N2gg__V1__Phase *phase)
{
	int i = strcasecmp(name, "pru") == 0 ? N2GG__V1__PHASE__PHASE_PUPIL_REFERRAL_UNIT
					     : school_name_index(school_phases, SCHOOL_COUNT(school_phases), name);
	if (i < 0)
		return -1;
	*phase = (N2gg__V1__Phase)i;
	return 0;
}

static const char *const school_statuses[] = {"unknown", "open", "closed", "proposed",
					      "open-proposed-to-close"};

const char *school_status_name(N2gg__V1__SchoolStatus status)
{
	return school_name_of(school_statuses, SCHOOL_COUNT(school_statuses), (unsigned)status);
}

int school_status_parse(const char *name, N2gg__V1__SchoolStatus *status)
{
	int i = school_name_index(school_statuses, SCHOOL_COUNT(school_statuses), name);
	if (i < 0)
		return -1;
	*status = (N2gg__V1__SchoolStatus)i;
	return 0;
}

const char *school_concern_name(N2gg__V1__CategoryOfConcern c)
{
	switch (c) {
	case N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES: return "special measures";
	case N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES: return "serious weaknesses";
	case N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NOTICE_TO_IMPROVE: return "notice to improve";
	default: return "none";
	}
}

const char *school_grade_name(uint32_t grade)
{
	static const char *names[] = {"not inspected", "Outstanding", "Good", "Requires improvement",
				      "Inadequate"};
	return grade <= 4 ? names[grade] : "unknown";
}
