/* view: what the pages show, worked out from the read model's records — a school's line in
 * a list, the list's filters and search, the CSV export, the LA overview's counts, a
 * letter's state from its deliveries, the half-term, an overdue visit report — and the
 * words for the services' codes. Pure: the I/O shell (pages_data.c) reads the records, the
 * renderer (pages.c) writes what this works out. */
#ifndef N2GG_DASH_VIEW_H
#define N2GG_DASH_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "n2gg/v1/notifier.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"
#include "n2gg/v1/scheduler.pb-c.h"

struct form;
struct html;

/* One school's line in the lists. The strings point into the records (or are ""). */
struct view_school {
	uint32_t urn;
	const char *name, *town, *postcode, *cluster_id, *cluster_name, *category;
	int phase;                 /* N2gg__V1__Phase */
	int status;                /* N2gg__V1__SchoolStatus */
	unsigned ofsted;           /* the latest overall effectiveness, 0: none on record */
	const char *ofsted_date;
	const char **partner_ids, **partner_names;   /* who serves it, any role */
	size_t n_partners;
	int32_t easting, northing;  /* British National Grid metres; 0, 0: not known */
};

void view_school_from(struct view_school *v, const N2gg__V1__School *s,
		      const N2gg__V1__CategoryChanged *c);
/* Adds a partner (once) to the school's line. */
void view_school_add_partner(struct view_school *v, struct arena *a, const char *id,
			     const char *name);

/* The schools list's filters, from its query; each "" when not asked for. */
struct view_filter {
	const char *category;  /* "A".."F", or "none" */
	const char *cluster;   /* a cluster id */
	const char *phase;     /* a Phase number */
	const char *ofsted;    /* "1".."4", or "none" */
	const char *partner;   /* a partner id */
	const char *q;         /* part of a name, URN or postcode, any case and spacing */
};

void view_filter_from_form(struct view_filter *f, const struct form *query);
bool view_filter_match(const struct view_filter *f, const struct view_school *s);
/* The query string that gives this filter again ("" when none), for links and the export. */
void view_filter_query(const struct view_filter *f, struct html *h);

/* The schools list shows this many a page (the CSV export and the map: all that match). */
#define VIEW_PAGE_SIZE 100

/* The pages `n` items take (at least 1). */
size_t view_page_count(size_t n);
/* The query's "page" (1-based), brought within the pages `n` items take: 1 when absent or
 * not a number. */
size_t view_page_from_form(const struct form *query, size_t n);

/* The list as CSV with a header line. */
void view_schools_csv(struct html *h, const struct view_school *const *schools, size_t n);

/* ---- the LA overview ---- */

#define VIEW_CATEGORIES 7      /* A..F, then none */

struct view_cluster_count {
	const char *id, *name;
	unsigned by_category[VIEW_CATEGORIES];
	unsigned total;
};

struct view_overview {
	unsigned open_schools;
	unsigned by_category[VIEW_CATEGORIES];
	struct view_cluster_count *clusters;   /* sorted by name when view_overview_done ran */
	size_t n_clusters, cap_clusters;
};

/* qsort for lists the store may hand out as NULL when empty: qsort must not be given NULL,
 * and fewer than two items need no sorting. */
static inline void view_sort(void *base, size_t n, size_t size,
			     int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* The index of a category letter ("" or anything else: none). */
int view_category_index(const char *category);
/* Counts an open school (closed ones are not in the overview). */
void view_overview_add(struct view_overview *o, struct arena *a, const struct view_school *s);
/* (Schools given in cluster order are counted in time linear in their number.) */
void view_overview_done(struct view_overview *o);

/* ---- letters, visits, dates ---- */

enum view_letter_state {
	VIEW_LETTER_SENT,         /* every delivery went (or went in a digest) */
	VIEW_LETTER_PENDING,      /* a delivery waits for its first or next attempt, or a digest */
	VIEW_LETTER_UNDELIVERED,  /* a delivery failed for good or had no address */
	VIEW_LETTER_WITHDRAWN,    /* not sent: a later change undid it */
	VIEW_LETTER_NO_RECIPIENT, /* no delivery at all */
};

/* Undelivered wins over pending over sent: the officer must see a letter that did not go. */
enum view_letter_state view_letter_state(const N2gg__V1__Delivery *const *d, size_t n);
const char *view_letter_state_name(enum view_letter_state s);

/* The first day (days since 1970) of the half-term `day` falls in. England's half-terms
 * move a little each year and by LA; this takes fixed boundaries near Norfolk's (1 Sep,
 * 28 Oct, 1 Jan, 22 Feb, 15 Apr, 1 Jun): "changes this half-term" may be a few days off at
 * the edges, never a half-term off. */
int view_half_term_start(int day);

/* Whether a visit's report is overdue `today`: the visit was more than `due_days` ago and
 * has none. `date` is the visit's "YYYY-MM-DD". *days_over is set when it is. */
bool view_report_overdue(const char *date, bool reported, int today, int due_days,
			 int *days_over);

/* A partner's year: the days its allocations take against its capacity. */
struct view_partner_days {
	unsigned capacity;         /* days a year; 0: not known (no partner.changed heard) */
	unsigned allocated;        /* the days of its allocations, summed */
	unsigned free;             /* capacity - allocated, 0 when over */
	unsigned over;             /* allocated - capacity, 0 when within */
	unsigned schools, clusters;   /* served: schools in their own right, clusters as CEP */
};

/* `p` may be NULL; only the allocations that name `partner_id` count. */
void view_partner_days(struct view_partner_days *out, const N2gg__V1__Partner *p,
		       const char *partner_id, const N2gg__V1__Allocation *const *allocations,
		       size_t n);

/* Words for the services' codes. */
const char *view_phase_name(int phase);
const char *view_ofsted_name(unsigned grade);
const char *view_role_name(int role);
/* "Autumn 1" .. "Summer 2" for half-terms 1..6; "" otherwise. */
const char *view_half_term_name(uint32_t half_term);
/* "£1,500" (whole pounds; "£0" for none), into out. */
const char *view_money(int64_t pence, char *out, size_t size);
const char *view_delivery_state_name(int state);
const char *view_notice_kind_name(int kind);
const char *view_recipient_role_name(int role);
const char *view_progress_name(int progress);
const char *view_mi_type_name(int type);
const char *view_cep_choice_state_name(int state);
/* "Federation" or "Partnership": a registry group's kind ("Group of schools" for another). */
const char *view_group_kind_name(int kind);

#endif
