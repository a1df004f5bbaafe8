/* visits: plans improvement partners' visits to schools over a school year. Each school
 * allocated to a partner has an annual conversation (one visit, in the autumn term when it
 * can be, else as early as it can be), and a school that needs half-termly monitoring has a
 * monitoring visit in each half-term as well. A visit takes the partner one whole day:
 * only on a school day (calendar.h), on a weekday the partner works and is not marked
 * unavailable, at most one visit a partner a day, and no more visits than the days the
 * partner has for the year.
 *
 * Re-planning keeps the visits already planned that still hold and plans only what is
 * missing; visits before `from_day` are history and kept as they are. Anything that cannot
 * be placed, and any earlier visit that no longer holds, is reported with its reason.
 * Deterministic: the same input gives the same plan whatever the order of the allocations.
 * Pure: no I/O, no clock. */
#ifndef N2GG_VISITS_H
#define N2GG_VISITS_H

#include <stdbool.h>

#include "arena.h"
#include "calendar.h"
#include "status.h"

/* The weekdays a partner works, as a mask. */
#define VISITS_MONDAY (1u << CALENDAR_MONDAY)
#define VISITS_TUESDAY (1u << CALENDAR_TUESDAY)
#define VISITS_WEDNESDAY (1u << CALENDAR_WEDNESDAY)
#define VISITS_THURSDAY (1u << CALENDAR_THURSDAY)
#define VISITS_FRIDAY (1u << CALENDAR_FRIDAY)
#define VISITS_WEEKDAYS 0x1fu

struct visits_partner {
	int index;              /* the caller's number for the partner; allocations name it */
	int capacity;           /* visits the partner can make in the year: one visit, one day */
	unsigned weekdays;      /* VISITS_MONDAY | ...: the days of the week they work */
	const int *unavailable; /* days they cannot visit (leave, other duties), ascending */
	int unavailable_count;
};

struct visits_allocation {
	unsigned urn;
	int partner;     /* a visits_partner's index */
	bool monitoring; /* a monitoring visit every half-term as well as the annual conversation */
};

enum visits_kind {
	VISITS_ANNUAL,     /* the annual conversation */
	VISITS_MONITORING, /* a half-termly monitoring visit */
};

struct visits_visit {
	unsigned urn;
	int partner;
	enum visits_kind kind;
	int half_term; /* 1..6: the half-term the visit is in (for monitoring, the one it covers) */
	int day;       /* 0 for a visit not placed */
	bool kept;     /* in a plan: an existing visit kept as it was */
	bool happened; /* an existing visit known to have taken place (its report is in): history
			* whatever its day, so a visit of today is not planned again */
};

enum visits_reason {
	VISITS_NO_CAPACITY = 1,     /* the partner has no days left for the year */
	VISITS_NO_DAY,              /* no school day the partner works, is available and free */
	/* why an existing visit was not kept */
	VISITS_NOT_IN_YEAR,         /* its day is outside the calendar's school year */
	VISITS_NOT_ALLOCATED,       /* the school is no longer allocated to that partner */
	VISITS_NOT_NEEDED,          /* the school no longer needs it, or has that visit already */
	VISITS_NOT_SCHOOL_DAY,      /* its day is not (or no longer) a school day */
	VISITS_PARTNER_UNAVAILABLE, /* the partner does not work that weekday or is away */
	VISITS_DOUBLE_BOOKED,       /* the partner has another visit that day */
};

struct visits_problem {
	struct visits_visit visit;
	enum visits_reason reason;
	char message[200];
};

struct visits_input {
	const struct calendar *cal;
	const struct visits_allocation *allocations; /* one for each school, at most */
	int allocation_count;
	const struct visits_partner *partners;
	int partner_count;
	const struct visits_visit *existing; /* the plan so far (may be NULL with count 0) */
	int existing_count;
	/* Plan from this day on: earlier existing visits are history, kept as they are (and
	 * counted against the partner's days); a half-term over before it gets no visit. Use
	 * cal->first_day (or any day before) for the whole year. */
	int from_day;
};

struct visits_plan {
	struct visits_visit *visits; /* kept and new, by day, partner, URN, kind */
	int visit_count;
	struct visits_problem *unplaced; /* visits needed but not placed, by URN */
	int unplaced_count;
	struct visits_problem *dropped; /* existing visits not kept, by day */
	int dropped_count;
	struct arena arena; /* owns the three lists */
};

/* Plans the visits. Returns 0 (unplaced and dropped visits are part of a plan, not
 * failures), or a negative status for input that does not make sense (an allocation to a
 * partner not in the list, a school allocated twice, unavailable days out of order, ...).
 * Free the plan with visits_plan_free() either way. */
int visits_schedule(const struct visits_input *in, struct visits_plan *plan,
		    struct status *st);

void visits_plan_free(struct visits_plan *plan);

/* "annual" and "monitoring" */
const char *visits_kind_name(enum visits_kind kind);

/* "no_capacity", "no_day", ... */
const char *visits_reason_name(enum visits_reason reason);

#endif
