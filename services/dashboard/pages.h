/* pages: the dashboard's HTML, written from what view.c works out and the read model's
 * records, in the GOV.UK Design System's markup (its stylesheet is served by the service;
 * see web_static in handlers.c). Every page works without JavaScript and every value from
 * a record goes through html_fmt's escaping %s. Pure: no I/O. */
#ifndef N2GG_DASH_PAGES_H
#define N2GG_DASH_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "html.h"
#include "n2gg/v1/common.pb-c.h"
#include "n2gg/v1/dashboard.pb-c.h"
#include "view.h"

/* Who is signed in (NULL: nobody): for the header, the sign-out form and each form's token. */
struct page_user {
	const char *name;
	int role;              /* N2gg__V1__DashboardRole */
	const char *partner_id;
	const char *csrf;
};

/* The frame of every page; `nav` names the menu entry to mark ("overview", "schools"). */
void page_begin(struct html *h, const struct page_user *u, const char *title, const char *nav);
void page_end(struct html *h);

/* A whole page saying what went wrong and what to do (403, 404, 413, 429, 500...). */
void page_error(struct html *h, const struct page_user *u, int status, const char *message);

/* The sign-in page: `token` goes in the form (and its cookie), `error` above it ("" none),
 * `name` back in its field, `next` the page to go to once signed in. */
void page_login(struct html *h, const char *token, const char *error, const char *name,
		const char *next);

struct page_change {            /* a school's category change */
	uint32_t urn;
	const char *name, *from, *to, *date;
};

struct page_overdue {           /* a visit whose report is overdue */
	const N2gg__V1__Visit *visit;
	const char *partner_name;
	int days_over;
};

struct page_overview_data {
	struct view_overview overview;
	char today[11], half_term[11];
	const struct page_change *changes;
	size_t n_changes;
	const N2gg__V1__Allocation *const *unserved;
	size_t n_unserved;
	unsigned letters_pending, letters_undelivered;
	const struct page_overdue *overdue;
	size_t n_overdue;
};

void page_overview(struct html *h, const struct page_user *u, const struct page_overview_data *d);

struct page_option {            /* a choice in a filter */
	const char *value, *label;
};

struct page_schools_data {
	struct view_filter filter;
	const struct view_school *const *schools;   /* those that match */
	size_t n_schools, total;                     /* matched / all the user may see */
	const struct page_option *clusters, *partners;
	size_t n_clusters, n_partners;
	int partner_only;           /* a partner's own list: no partner filter */
};

void page_schools(struct html *h, const struct page_user *u, const struct page_schools_data *d);

struct page_letter {
	const N2gg__V1__Notice *notice;
	const N2gg__V1__Delivery *const *deliveries;
	size_t n_deliveries;
};

struct page_school_data {
	const N2gg__V1__School *school;
	const char *cluster_name;
	const N2gg__V1__CategoryChanged *category;     /* NULL: not categorised yet */
	const N2gg__V1__Event *const *history;         /* category events, oldest first */
	size_t n_history;
	const N2gg__V1__Allocation *const *allocations;
	size_t n_allocations;
	const N2gg__V1__Visit *const *visits;          /* by date */
	size_t n_visits;
	const N2gg__V1__VisitReport *const *reports;
	size_t n_reports;
	const struct page_letter *letters;             /* newest first */
	size_t n_letters;
	const N2gg__V1__Comparator *const *comparators;
	size_t n_comparators;
	int today, due_days;
};

void page_school(struct html *h, const struct page_user *u, const struct page_school_data *d,
		 struct arena *a);

/* The achievement chart: the school's headline measure by year against the LA's and
 * England's (inline SVG, with the same figures in a table for screen readers). */
void page_achievement_chart(struct html *h, const N2gg__V1__School *s,
			    const N2gg__V1__Comparator *const *comparators, size_t n);

/* "2013-11-15 09:30" (UTC) */
void page_time(struct html *h, int64_t unix_ms);

#endif
