/* visits: planning partners' visits (see visits.h).
 *
 * The plan is built in three steps:
 *   1. Existing visits, in date order: those before from_day are history and kept; later
 *      ones are kept while they still hold (the school is still the partner's, the visit
 *      is still needed, the day is a school day the partner can still do, the partner has
 *      days left), so a re-plan moves nothing that need not move.
 *   2. What is missing is placed half-term by half-term through the year, so that when a
 *      partner's days run out it is the latest visits that go unplaced, the ones there is
 *      still time to sort out. The autumn term comes first as one stage, since the annual
 *      conversation may fall in either half of it: the monitoring visits of each half-term
 *      (which have nowhere else to go) are placed before the annual conversations, and an
 *      annual conversation that finds no day in a stage tries the next.
 *   3. Within the days allowed, a visit goes on the day farthest from the partner's other
 *      visits there, the edges of the half-term counting as half a gap (so a lone visit
 *      lands mid-half-term, and twelve visits spread out rather than fill the first
 *      fortnight); ties go to the earlier day.
 * Schools are taken in URN order, so the input's order does not change the plan. */
#include "visits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* A partner's day, as a set of flags. */
enum { DAY_BUSY = 1, DAY_AWAY = 2 };

struct partner_state {
	const struct visits_partner *p;
	int used;               /* visits counted against the capacity */
	unsigned char *flags;   /* one for each day of the school year */
};

struct school_state {
	const struct visits_allocation *a;
	struct partner_state *partner;
	bool annual_done;
	bool annual_pending;    /* still to be placed in a later stage */
	bool monitoring_done[CALENDAR_HALF_TERMS + 1];
};

struct planner {
	const struct visits_input *in;
	const struct calendar *cal;
	int from;               /* the first day a visit may be planned on */
	struct partner_state *partners;
	struct school_state *schools;  /* by URN */
	struct visits_plan *plan;
	struct arena scratch;
	int *window;            /* the school days a visit may fall on, for the stage */
	int window_len;
};

const char *visits_kind_name(enum visits_kind kind)
{
	return kind == VISITS_ANNUAL ? "annual" : "monitoring";
}

const char *visits_reason_name(enum visits_reason reason)
{
	switch (reason) {
	case VISITS_NO_CAPACITY: return "no_capacity";
	case VISITS_NO_DAY: return "no_day";
	case VISITS_NOT_IN_YEAR: return "not_in_year";
	case VISITS_NOT_ALLOCATED: return "not_allocated";
	case VISITS_NOT_NEEDED: return "not_needed";
	case VISITS_NOT_SCHOOL_DAY: return "not_school_day";
	case VISITS_PARTNER_UNAVAILABLE: return "partner_unavailable";
	case VISITS_DOUBLE_BOOKED: return "double_booked";
	}
	return "unknown";
}

/* ---- checking the input ---- */

static int check_input(const struct visits_input *in, struct status *st)
{
	if (!in->cal)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no calendar");
	if (in->allocation_count < 0 || in->partner_count < 0 || in->existing_count < 0 ||
	    (in->allocation_count && !in->allocations) || (in->partner_count && !in->partners) ||
	    (in->existing_count && !in->existing))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "a list is missing or its count "
								"is negative");
	for (int i = 0; i < in->partner_count; i++) {
		const struct visits_partner *p = &in->partners[i];
		for (int j = 0; j < i; j++)
			if (in->partners[j].index == p->index)
				return status_fail(st, STATUS_INVALID_ARGUMENT,
						   "partner %d is listed twice", p->index);
		if (p->capacity < 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %d has a capacity of %d days", p->index,
					   p->capacity);
		if (p->weekdays & ~VISITS_WEEKDAYS)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %d: weekdays 0x%x names a day that is not "
					   "Monday to Friday", p->index, p->weekdays);
		if (p->unavailable_count < 0 || (p->unavailable_count && !p->unavailable))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %d: the unavailable days are missing",
					   p->index);
		for (int j = 1; j < p->unavailable_count; j++)
			if (p->unavailable[j] < p->unavailable[j - 1]) {
				char d[DATE_ISO_LEN];
				return status_fail(st, STATUS_INVALID_ARGUMENT,
						   "partner %d: unavailable days are not in "
						   "ascending order at %s",
						   p->index, date_format(p->unavailable[j], d));
			}
	}
	return 0;
}

static struct partner_state *find_partner(struct planner *pl, int index)
{
	for (int i = 0; i < pl->in->partner_count; i++)
		if (pl->partners[i].p->index == index)
			return &pl->partners[i];
	return NULL;
}

static int compare_school(const void *a, const void *b)
{
	unsigned x = ((const struct school_state *)a)->a->urn;
	unsigned y = ((const struct school_state *)b)->a->urn;
	return (x > y) - (x < y);
}

static struct school_state *find_school(struct planner *pl, unsigned urn)
{
	struct visits_allocation key_alloc = {.urn = urn};
	struct school_state key = {.a = &key_alloc};
	return bsearch(&key, pl->schools, (size_t)pl->in->allocation_count, sizeof key,
		       compare_school);
}

static int set_up(struct planner *pl, struct status *st)
{
	const struct visits_input *in = pl->in;
	const struct calendar *cal = in->cal;
	int days = cal->last_day - cal->first_day + 1;
	pl->partners = arena_zalloc(&pl->scratch, sizeof *pl->partners *
							   (size_t)(in->partner_count + 1));
	for (int i = 0; i < in->partner_count; i++) {
		struct partner_state *ps = &pl->partners[i];
		ps->p = &in->partners[i];
		ps->flags = arena_zalloc(&pl->scratch, (size_t)days);
		for (int j = 0; j < ps->p->unavailable_count; j++) {
			int day = ps->p->unavailable[j];
			if (day >= cal->first_day && day <= cal->last_day)
				ps->flags[day - cal->first_day] |= DAY_AWAY;
		}
	}
	pl->schools = arena_zalloc(&pl->scratch, sizeof *pl->schools *
							  (size_t)(in->allocation_count + 1));
	for (int i = 0; i < in->allocation_count; i++) {
		struct school_state *s = &pl->schools[i];
		s->a = &in->allocations[i];
		s->partner = find_partner(pl, s->a->partner);
		if (!s->partner)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "school %u is allocated to partner %d, who is not in "
					   "the list of partners",
					   s->a->urn, s->a->partner);
	}
	qsort(pl->schools, (size_t)in->allocation_count, sizeof *pl->schools, compare_school);
	for (int i = 1; i < in->allocation_count; i++)
		if (pl->schools[i].a->urn == pl->schools[i - 1].a->urn)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "school %u is allocated twice", pl->schools[i].a->urn);
	pl->window = arena_alloc(&pl->scratch, sizeof *pl->window * (size_t)days);
	return 0;
}

/* ---- the plan's lists ---- */

static void add_visit(struct planner *pl, struct visits_visit v)
{
	pl->plan->visits[pl->plan->visit_count++] = v;
}

static struct visits_problem *add_problem(struct visits_problem *list, int *count,
					  struct visits_visit v, enum visits_reason reason)
{
	struct visits_problem *pr = &list[(*count)++];
	pr->visit = v;
	pr->reason = reason;
	return pr;
}

static void drop(struct visits_plan *plan, struct visits_visit v, enum visits_reason reason,
		 const char *why)
{
	struct visits_problem *pr = add_problem(plan->dropped, &plan->dropped_count, v, reason);
	snprintf(pr->message, sizeof pr->message, "%s", why);
}

static void book(struct planner *pl, struct partner_state *ps, int day)
{
	ps->used++;
	ps->flags[day - pl->cal->first_day] |= DAY_BUSY;
}

static bool works_on(const struct partner_state *ps, int day)
{
	return (ps->p->weekdays >> calendar_weekday(day)) & 1u;
}

/* ---- step 1: the existing visits ---- */

static int compare_visit(const void *a, const void *b)
{
	const struct visits_visit *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->partner != y->partner)
		return x->partner < y->partner ? -1 : 1;
	if (x->urn != y->urn)
		return x->urn < y->urn ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->half_term > y->half_term) - (x->half_term < y->half_term);
}

/* Why an existing visit from from_day on does not hold, or 0 when it does. */
static enum visits_reason existing_fails(struct planner *pl, const struct visits_visit *v,
					 struct school_state *s, char *why, size_t size)
{
	const struct calendar *cal = pl->cal;
	char d[DATE_ISO_LEN];
	date_format(v->day, d);
	if (!s || s->a->partner != v->partner) {
		snprintf(why, size, "school %u is no longer allocated to partner %d", v->urn,
			 v->partner);
		return VISITS_NOT_ALLOCATED;
	}
	int h = calendar_half_term_of(cal, v->day);
	if (!calendar_is_school_day(cal, v->day)) {
		snprintf(why, size, "%s is not a school day", d);
		return VISITS_NOT_SCHOOL_DAY;
	}
	if (v->kind == VISITS_ANNUAL && s->annual_done) {
		snprintf(why, size, "school %u has its annual conversation already", v->urn);
		return VISITS_NOT_NEEDED;
	}
	if (v->kind == VISITS_MONITORING && !s->a->monitoring) {
		snprintf(why, size, "school %u no longer has half-termly monitoring", v->urn);
		return VISITS_NOT_NEEDED;
	}
	if (v->kind == VISITS_MONITORING && s->monitoring_done[h]) {
		snprintf(why, size, "school %u has its %s monitoring visit already", v->urn,
			 calendar_half_term_name(h));
		return VISITS_NOT_NEEDED;
	}
	struct partner_state *ps = s->partner;
	if (!works_on(ps, v->day) || (ps->flags[v->day - cal->first_day] & DAY_AWAY)) {
		snprintf(why, size, "partner %d is not available on %s", v->partner, d);
		return VISITS_PARTNER_UNAVAILABLE;
	}
	if (ps->flags[v->day - cal->first_day] & DAY_BUSY) {
		snprintf(why, size, "partner %d has another visit on %s", v->partner, d);
		return VISITS_DOUBLE_BOOKED;
	}
	if (ps->used >= ps->p->capacity) {
		snprintf(why, size, "partner %d has no days left (%d in the year)", v->partner,
			 ps->p->capacity);
		return VISITS_NO_CAPACITY;
	}
	return 0;
}

static void keep_existing(struct planner *pl)
{
	const struct visits_input *in = pl->in;
	const struct calendar *cal = pl->cal;
	struct visits_plan *plan = pl->plan;
	size_t n = (size_t)in->existing_count;
	struct visits_visit *sorted = arena_alloc(&pl->scratch, sizeof *sorted * (n + 1));
	if (n)
		memcpy(sorted, in->existing, sizeof *sorted * n);
	qsort(sorted, n, sizeof *sorted, compare_visit);
	for (int i = 0; i < in->existing_count; i++) {
		struct visits_visit v = sorted[i];
		struct school_state *s = find_school(pl, v.urn);
		char why[sizeof plan->dropped->message];
		v.kept = true;
		if (v.day < cal->first_day || v.day > cal->last_day) {
			char d[DATE_ISO_LEN], y[CALENDAR_YEAR_NAME_LEN];
			snprintf(why, sizeof why, "%s is outside the school year %s",
				 date_format(v.day, d), calendar_year_name(cal->year, y));
			drop(plan, v, VISITS_NOT_IN_YEAR, why);
			continue;
		}
		if (v.day < pl->from || v.happened) {
			/* history: it happened (or was missed) whatever has changed since; a visit
			 * of today that has been reported on is history too, or a change of
			 * partner would plan a second one */
			struct partner_state *ps = find_partner(pl, v.partner);
			if (ps)
				book(pl, ps, v.day);
			int h = calendar_half_term_of(cal, v.day);
			if (s && v.kind == VISITS_ANNUAL)
				s->annual_done = true;
			else if (s && (h ? h : v.half_term) >= 1 &&
				 (h ? h : v.half_term) <= CALENDAR_HALF_TERMS)
				s->monitoring_done[h ? h : v.half_term] = true;
			add_visit(pl, v);
			continue;
		}
		enum visits_reason reason = existing_fails(pl, &v, s, why, sizeof why);
		if (reason) {
			drop(plan, v, reason, why);
			continue;
		}
		v.half_term = calendar_half_term_of(cal, v.day);
		book(pl, s->partner, v.day);
		if (v.kind == VISITS_ANNUAL)
			s->annual_done = true;
		else
			s->monitoring_done[v.half_term] = true;
		add_visit(pl, v);
	}
}

/* ---- steps 2 and 3: placing what is missing ---- */

/* The school days of half-terms first..last from from_day on, into pl->window. */
static void open_window(struct planner *pl, int first, int last)
{
	pl->window_len = 0;
	for (int h = first; h <= last; h++) {
		const struct calendar_half_term *ht = &pl->cal->half_terms[h - 1];
		for (int day = ht->start > pl->from ? ht->start : pl->from; day <= ht->end; day++)
			if (calendar_is_school_day(pl->cal, day))
				pl->window[pl->window_len++] = day;
	}
}

/* The free day of the window farthest from the partner's other visits in it (distances
 * doubled so that an edge of the window can count as half a gap), or -1 if none is free. */
static int best_day(struct planner *pl, struct partner_state *ps)
{
	int n = pl->window_len, best = -1, best_score = -1;
	const unsigned char *flags = ps->flags - pl->cal->first_day;
	int last_busy = -1;
	for (int i = 0; i < n; i++) {
		int day = pl->window[i];
		if (flags[day] & DAY_BUSY) {
			last_busy = i;
			continue;
		}
		if ((flags[day] & DAY_AWAY) || !works_on(ps, day))
			continue;
		int score = last_busy >= 0 ? 2 * (i - last_busy) : 2 * i + 1;
		int next_busy = i + 1;
		while (next_busy < n && !(flags[pl->window[next_busy]] & DAY_BUSY))
			next_busy++;
		int right = next_busy < n ? 2 * (next_busy - i) : 2 * (n - 1 - i) + 1;
		if (right < score)
			score = right;
		if (score > best_score) {
			best_score = score;
			best = day;
		}
	}
	return best;
}

static int try_place(struct planner *pl, struct school_state *s, enum visits_kind kind,
		     enum visits_reason *reason)
{
	struct partner_state *ps = s->partner;
	if (ps->used >= ps->p->capacity) {
		*reason = VISITS_NO_CAPACITY;
		return -1;
	}
	int day = best_day(pl, ps);
	if (day < 0) {
		*reason = VISITS_NO_DAY;
		return -1;
	}
	book(pl, ps, day);
	int h = calendar_half_term_of(pl->cal, day);
	add_visit(pl, (struct visits_visit){s->a->urn, s->a->partner, kind, h, day, false, false});
	return 0;
}

static void unplaced(struct planner *pl, struct school_state *s, enum visits_kind kind, int h,
		     enum visits_reason reason)
{
	struct visits_plan *plan = pl->plan;
	struct visits_visit v = {s->a->urn, s->a->partner, kind, h, 0, false, false};
	struct visits_problem *pr = add_problem(plan->unplaced, &plan->unplaced_count, v, reason);
	const struct calendar *cal = pl->cal;
	char what[96], from[DATE_ISO_LEN], to[DATE_ISO_LEN];
	if (kind == VISITS_ANNUAL)
		snprintf(what, sizeof what, "school %u's annual conversation", v.urn);
	else
		snprintf(what, sizeof what, "school %u's %s monitoring visit", v.urn,
			 calendar_half_term_name(h));
	if (reason == VISITS_NO_CAPACITY) {
		snprintf(pr->message, sizeof pr->message,
			 "%s: partner %d has no days left (all %d of the year's days are planned)",
			 what, v.partner, s->partner->p->capacity);
		return;
	}
	int start = kind == VISITS_ANNUAL ? cal->first_day : cal->half_terms[h - 1].start;
	int end = kind == VISITS_ANNUAL ? cal->last_day : cal->half_terms[h - 1].end;
	snprintf(pr->message, sizeof pr->message,
		 "%s: no school day from %s to %s on which partner %d works, is available and "
		 "has no other visit",
		 what, date_format(start > pl->from ? start : pl->from, from),
		 date_format(end, to), v.partner);
}

static void place_missing(struct planner *pl)
{
	static const int stages[][2] = {{1, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}};
	const struct calendar *cal = pl->cal;
	int count = pl->in->allocation_count;
	for (int i = 0; i < count; i++)
		pl->schools[i].annual_pending = !pl->schools[i].annual_done;
	for (size_t st = 0; st < sizeof stages / sizeof stages[0]; st++) {
		for (int h = stages[st][0]; h <= stages[st][1]; h++) {
			if (cal->half_terms[h - 1].end < pl->from)
				continue;  /* over before the plan starts */
			open_window(pl, h, h);
			for (int i = 0; i < count; i++) {
				struct school_state *s = &pl->schools[i];
				enum visits_reason reason;
				if (!s->a->monitoring || s->monitoring_done[h])
					continue;
				if (try_place(pl, s, VISITS_MONITORING, &reason) < 0)
					unplaced(pl, s, VISITS_MONITORING, h, reason);
				s->monitoring_done[h] = true;
			}
		}
		open_window(pl, stages[st][0], stages[st][1]);
		for (int i = 0; i < count; i++) {
			struct school_state *s = &pl->schools[i];
			enum visits_reason reason;
			if (!s->annual_pending || pl->window_len == 0)
				continue;
			if (try_place(pl, s, VISITS_ANNUAL, &reason) == 0) {
				s->annual_pending = false;
			} else if (reason == VISITS_NO_CAPACITY) {
				/* days never come back later in the year */
				unplaced(pl, s, VISITS_ANNUAL, 0, reason);
				s->annual_pending = false;
			}
		}
	}
	for (int i = 0; i < count; i++)
		if (pl->schools[i].annual_pending)
			unplaced(pl, &pl->schools[i], VISITS_ANNUAL, 0,
				 pl->schools[i].partner->used >= pl->schools[i].partner->p->capacity
					 ? VISITS_NO_CAPACITY
					 : VISITS_NO_DAY);
}

static int compare_problem(const void *a, const void *b)
{
	const struct visits_visit *x = &((const struct visits_problem *)a)->visit;
	const struct visits_visit *y = &((const struct visits_problem *)b)->visit;
	if (x->urn != y->urn)
		return x->urn < y->urn ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->half_term > y->half_term) - (x->half_term < y->half_term);
}

int visits_schedule(const struct visits_input *in, struct visits_plan *plan, struct status *st)
{
	memset(plan, 0, sizeof *plan);
	arena_init(&plan->arena);
	if (check_input(in, st) < 0)
		return -STATUS_INVALID_ARGUMENT;
	struct planner pl = {.in = in, .cal = in->cal, .plan = plan};
	pl.from = in->from_day > in->cal->first_day ? in->from_day : in->cal->first_day;
	arena_init(&pl.scratch);
	int rc = set_up(&pl, st);
	if (rc == 0) {
		/* at most every existing visit kept and every needed one new */
		size_t needed = (size_t)in->allocation_count * (1 + CALENDAR_HALF_TERMS);
		size_t existing = (size_t)in->existing_count;
		struct arena *a = &plan->arena;
		plan->visits = arena_zalloc(a, sizeof *plan->visits * (needed + existing + 1));
		plan->unplaced = arena_zalloc(a, sizeof *plan->unplaced * (needed + 1));
		plan->dropped = arena_zalloc(a, sizeof *plan->dropped * (existing + 1));
		keep_existing(&pl);
		place_missing(&pl);
		qsort(plan->visits, (size_t)plan->visit_count, sizeof *plan->visits, compare_visit);
		qsort(plan->unplaced, (size_t)plan->unplaced_count, sizeof *plan->unplaced,
		      compare_problem);
	}
	arena_free(&pl.scratch);
	return rc;
}

void visits_plan_free(struct visits_plan *plan)
{
	arena_free(&plan->arena);
	memset(plan, 0, sizeof *plan);
}
