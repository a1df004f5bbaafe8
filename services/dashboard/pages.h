/* pages: the dashboard's HTML, written from what view.c works out and the read model's
 * records, in the GOV.UK Design System's markup (its stylesheet is served by the service;
 * see web_static in handlers.c). Every page works without JavaScript and every value from
 * a record goes through html_fmt's escaping %s. Pure: no I/O. */
#ifndef N2GG_DASH_PAGES_H
#define N2GG_DASH_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "html.h"
#include "n2gg/v1/categoriser.pb-c.h"
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

/* The frame of every page; `nav` names the menu entry to mark ("overview", "schools", "map",
 * "partners", "mi", "status"). */
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

struct page_role_days {         /* what the partners' allocations take in one role */
	int role;
	unsigned served;            /* schools (clusters, for a CEP) with a partner */
	unsigned days;
	int64_t cost_pence;
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
	const N2gg__V1__MonitoringOverdue *const *returns_due;   /* oldest first */
	size_t n_returns_due;
	struct page_role_days roles[8];                          /* by role, those in use */
	size_t n_roles;
};

void page_overview(struct html *h, const struct page_user *u, const struct page_overview_data *d);

struct page_option {            /* a choice in a filter */
	const char *value, *label;
};

struct page_schools_data {
	struct view_filter filter;
	const struct view_school *const *schools;   /* those that match */
	size_t n_schools, total;                     /* matched / all the user may see */
	size_t page;                                 /* the page of the list shown (1-based) */
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

struct page_school_mi {         /* an MI sheet a school was sent, and its response */
	const N2gg__V1__MiSheet *sheet;
	const N2gg__V1__MiResponse *response;       /* NULL: none yet */
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
	const struct page_school_mi *mi;               /* the MI sheets it was sent, newest first */
	size_t n_mi;
	const N2gg__V1__Group *const *groups;          /* its federations and partnerships */
	size_t n_groups;
};

void page_school(struct html *h, const struct page_user *u, const struct page_school_data *d,
		 struct arena *a);

/* The achievement chart: the school's headline measure by year against the LA's and
 * England's (inline SVG, with the same figures in a table for screen readers). */
void page_achievement_chart(struct html *h, const N2gg__V1__School *s,
			    const N2gg__V1__Comparator *const *comparators, size_t n);

/* "2013-11-15 09:30" (UTC) */
void page_time(struct html *h, int64_t unix_ms);

/* Shared by the pages: a filter's drop-down (pages.c), the class of a category's tag (its
 * colour says what the letter says, never alone), a contact's name, email and phone. */
void page_select(struct html *h, const char *name, const char *label, const char *chosen,
		 const struct page_option *opts, size_t n);
const char *page_category_tag(const char *category);
void page_contact(struct html *h, const N2gg__V1__Contact *c);
/* A summary list's row: `value`, or "Not known" when it is empty (pages.c); or only its
 * start, the caller writing the value and closing it with "</dd></div>". */
void page_row(struct html *h, const char *key, const char *value);
void page_row_begin(struct html *h, const char *key);
/* The schools list's table (pages.c) of schools[first] to schools[last - 1]: each one's
 * name (a link to its page), URN, phase, cluster, category, Ofsted grade and postcode;
 * `caption` for screen readers. */
void page_school_table(struct html *h, const char *caption,
		       const struct view_school *const *schools, size_t first, size_t last);

/* ---- the map (pages_map.c) ---- */

/* The schools the list would show (the same filters), placed by easting and northing. */
void page_map(struct html *h, const struct page_user *u, const struct page_schools_data *d);

/* ---- a cluster (pages_cluster.c) ---- */

struct page_cluster_data {
	const N2gg__V1__Cluster *cluster;
	const struct view_school *const *schools;   /* its members the user may see */
	size_t n_schools;
	const N2gg__V1__Allocation *cep;            /* NULL: none planned */
	const N2gg__V1__ClusterChoice *choice;      /* NULL: none recorded */
};

void page_cluster(struct html *h, const struct page_user *u, const struct page_cluster_data *d);

/* ---- a federation or partnership (pages_group.c) ---- */

struct page_group_data {
	const N2gg__V1__Group *group;
	const struct view_school *const *schools;   /* its members the user may see */
	size_t n_schools;
};

void page_group(struct html *h, const struct page_user *u, const struct page_group_data *d);

/* ---- partners (pages_partner.c) ---- */

struct page_partner_line {
	const char *id, *name;
	bool active;
	struct view_partner_days days;
	unsigned visits;
};

void page_partners(struct html *h, const struct page_user *u,
		   const struct page_partner_line *lines, size_t n);

struct page_partner_data {
	const char *id, *name, *email, *phone;     /* "" when not known */
	const N2gg__V1__Partner *partner;          /* NULL: no partner.changed heard */
	struct view_partner_days days;
	const N2gg__V1__Allocation *const *allocations;
	size_t n_allocations;
	const N2gg__V1__Visit *const *visits;      /* by date */
	const bool *reported;                      /* per visit: its report is in */
	size_t n_visits;
};

void page_partner(struct html *h, const struct page_user *u, const struct page_partner_data *d);
/* The partner's visits as iCalendar (RFC 5545) through libical: one all-day event each,
 * with the UID the scheduler's own calendar gives it, so a calendar program that has both
 * keeps one event. `now_ms` is the DTSTAMP. Returns 0, or -1 when libical fails. */
int page_partner_ics(struct html *h, const struct page_partner_data *d, int64_t now_ms);

/* ---- MI sheets (pages_mi.c) ---- */

struct page_mi_line {
	const N2gg__V1__MiSheet *sheet;
	unsigned audience, responded;
};

void page_mi_list(struct html *h, const struct page_user *u, const struct page_mi_line *lines,
		  size_t n);

/* One school (or, for a cluster chairs' sheet, one cluster) the sheet went to. */
struct page_mi_party {
	uint32_t urn;                    /* 0: a cluster */
	const char *cluster_id, *name;
	const N2gg__V1__Contact *head, *chair;   /* whom to chase (a cluster: its chair) */
	const N2gg__V1__MiResponse *response;    /* NULL: not answered yet */
};

struct page_mi_data {
	const N2gg__V1__MiSheet *sheet;
	const struct page_mi_party *parties;     /* not answered first, then by name */
	size_t n_parties;
	unsigned responded;
};

void page_mi(struct html *h, const struct page_user *u, const struct page_mi_data *d);
/* One row per party: who, whether and when they answered, and each question's answer. */
void page_mi_csv(struct html *h, const struct page_mi_data *d);

/* ---- system status (pages_status.c) ---- */

struct page_upstream {
	const char *source;
	const char *log_id;          /* its log's identity as followed ("" not heard yet) */
	const char *not_ready;       /* why it holds the dashboard back ("" it does not) */
	uint64_t cursor, head;       /* applied / highest heard of */
	int64_t last_heard_ms;       /* 0: never */
};

struct page_status_data {
	const char *version, *log_id;
	uint64_t head;               /* the dashboard's own log */
	int64_t started_ms, now_ms;
	const char *const *not_ready;   /* the dashboard's reasons, as /readyz gives them */
	size_t n_not_ready;
	const struct page_upstream *upstreams;
	size_t n_upstreams;
};

void page_status(struct html *h, const struct page_user *u, const struct page_status_data *d);

#endif
