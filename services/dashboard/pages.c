/* pages: see pages.h. */
#include "pages.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "form.h"
#include "pages_actions.h"
#include "n2gg/v1/categoriser.pb-c.h"

static const char *page_role_name(int role)
{
	switch (role) {
	case N2GG__V1__DASHBOARD_ROLE__DASHBOARD_VIEWER: return "viewer";
	case N2GG__V1__DASHBOARD_ROLE__DASHBOARD_OFFICER: return "officer";
	case N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER: return "partner";
	case N2GG__V1__DASHBOARD_ROLE__DASHBOARD_ADMIN: return "admin";
	default: return "";
	}
}

void page_time(struct html *h, int64_t unix_ms)
{
	time_t t = (time_t)(unix_ms / 1000);
	struct tm tm;
	char buf[32];
	if (unix_ms <= 0 || !gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm))
		return;
	html_str(h, buf);
}

/* The menu entries a role may use: a partner's overview is its own schools (the LA's is
 * not theirs to see), and so are its letters; officers publish; admins keep accounts. */
static bool page_menu_shows(const char *item, int role)
{
	/* a partner's overview is its own schools, its page its own: the LA's overview, its
	 * letters and MI returns are not theirs to see */
	bool partner = role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER;
	if (!strcmp(item, "overview") || !strcmp(item, "letters") || !strcmp(item, "mi"))
		return !partner;
	if (!strcmp(item, "admin"))
		return role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_ADMIN;
	return true;
}

void page_begin(struct html *h, const struct page_user *u, const char *title, const char *nav)
{
	html_fmt(h,
		 "<!DOCTYPE html>\n<html lang=\"en\" class=\"govuk-template\">\n<head>\n"
		 "<meta charset=\"utf-8\">\n<title>%s - Norfolk Schools Dashboard</title>\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		 "<link rel=\"stylesheet\" href=\"/static/govuk-frontend.min.css\">\n"
		 "<link rel=\"stylesheet\" href=\"/static/dashboard.css\">\n</head>\n"
		 "<body class=\"govuk-template__body\">\n"
		 "<a href=\"#main-content\" class=\"govuk-skip-link\">Skip to main content</a>\n"
		 "<header class=\"govuk-header\" role=\"banner\"><div class=\"govuk-header__container "
		 "govuk-width-container\"><div class=\"govuk-header__logo\">"
		 "<a href=\"/\" class=\"govuk-header__link govuk-header__service-name\">"
		 "Norfolk Schools Dashboard</a></div></div></header>\n",
		 title);
	if (u) {
		static const char *const items[][3] = {
			{"overview", "/", "LA overview"}, {"schools", "/schools", "Schools"},
			{"map", "/map", "Map"}, {"partners", "/partners", "Partners"},
			{"mi", "/mi", "MI sheets"}, {"letters", "/letters", "Letters"},
			{"status", "/status", "System status"}, {"admin", "/admin", "Accounts"}};
		html_str(h, "<nav class=\"govuk-service-navigation\" aria-label=\"Menu\">"
			    "<div class=\"govuk-width-container\"><ul class=\"govuk-service-navigation__list\">");
		bool partner = u->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER;
		for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
			if (!page_menu_shows(items[i][0], u->role))
				continue;
			/* /partners takes a partner to its own page */
			const char *label = partner && strcmp(items[i][0], "partners") == 0
						    ? "Your visits" : items[i][2];
			bool on = nav && strcmp(nav, items[i][0]) == 0;
			html_fmt(h,
				 "<li class=\"govuk-service-navigation__item%r\"><a class=\"govuk-"
				 "service-navigation__link\" href=\"%r\"%r>%r</a></li>",
				 on ? " govuk-service-navigation__item--active" : "", items[i][1],
				 on ? " aria-current=\"page\"" : "", label);
		}
		html_fmt(h,
			 "</ul><form method=\"post\" action=\"/logout\" class=\"dash-signout\">"
			 "<span class=\"govuk-body-s\">%s (%s)</span> "
			 "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			 "<button type=\"submit\" class=\"govuk-button govuk-button--secondary "
			 "dash-inline-button\" data-module=\"govuk-button\">Sign out</button></form>"
			 "</div></nav>\n",
			 u->name, page_role_name(u->role), u->csrf);
	}
	html_str(h, "<div class=\"govuk-width-container\">\n<main class=\"govuk-main-wrapper\" "
		    "id=\"main-content\" role=\"main\">\n");
}

void page_end(struct html *h)
{
	html_str(h, "</main>\n</div>\n<footer class=\"govuk-footer\" role=\"contentinfo\">"
		    "<div class=\"govuk-width-container\"><p class=\"govuk-body-s\">N2GG: A Good "
		    "School for Every Norfolk Learner. Data from the registry, the categoriser, the "
		    "scheduler and the notifier.</p></div></footer>\n</body>\n</html>\n");
}

static const char *page_status_title(int status)
{
	switch (status) {
	case 400: return "The request could not be read";
	case 403: return "You cannot do that";
	case 404: return "Page not found";
	case 405: return "That method is not allowed here";
	case 413: return "What was sent is too large";
	case 429: return "Too many attempts";
	case 503: return "The dashboard is not ready";
	default: return "Sorry, there is a problem with the service";
	}
}

void page_error(struct html *h, const struct page_user *u, int status, const char *message)
{
	const char *title = page_status_title(status);
	page_begin(h, u, title, NULL);
	html_fmt(h, "<h1 class=\"govuk-heading-l\">%s</h1>\n<p class=\"govuk-body\">%s</p>\n"
		    "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/\">Go to the start "
		    "page</a></p>\n",
		 title, message);
	page_end(h);
}

void page_login(struct html *h, const char *token, const char *error, const char *name,
		const char *next)
{
	page_begin(h, NULL, "Sign in", NULL);
	html_str(h, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">\n");
	if (error && error[0])
		html_fmt(h,
			 "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\">"
			 "<div role=\"alert\"><h2 class=\"govuk-error-summary__title\">There is a "
			 "problem</h2><div class=\"govuk-error-summary__body\"><ul class=\"govuk-list "
			 "govuk-error-summary__list\"><li><a href=\"#name\">%s</a></li></ul></div></div>"
			 "</div>\n",
			 error);
	html_fmt(h,
		 "<h1 class=\"govuk-heading-l\">Sign in</h1>\n"
		 "<form method=\"post\" action=\"/login\" novalidate>\n"
		 "<input type=\"hidden\" name=\"login_token\" value=\"%s\">\n"
		 "<input type=\"hidden\" name=\"next\" value=\"%s\">\n"
		 "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"name\">User "
		 "name</label><input class=\"govuk-input govuk-!-width-one-half\" id=\"name\" "
		 "name=\"name\" type=\"text\" autocomplete=\"username\" spellcheck=\"false\" "
		 "value=\"%s\"></div>\n"
		 "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"password\">"
		 "Password</label><input class=\"govuk-input govuk-!-width-one-half\" id=\"password\" "
		 "name=\"password\" type=\"password\" autocomplete=\"current-password\"></div>\n"
		 "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">Sign "
		 "in</button>\n</form>\n</div></div>\n",
		 token, next, name);
	page_end(h);
}

/* ---- the LA overview ---- */

static void page_category_head(struct html *h, const char *first)
{
	html_fmt(h, "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
		    "<th scope=\"col\" class=\"govuk-table__header\">%s</th>",
		 first);
	for (int c = 0; c < VIEW_CATEGORIES; c++)
		html_fmt(h, "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">%r</th>",
			 c < 6 ? (const char *[]){"A", "B", "C", "D", "E", "F"}[c] : "None");
	html_str(h, "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">"
		    "Total</th></tr></thead>");
}

/* A count that links to the schools behind it; `cluster_query` is "&amp;cluster=ID" (the id
 * form-encoded and escaped, made once per row: a national overview has thousands of rows). */
static void page_count_cell(struct html *h, unsigned n, const char *category,
			    const char *cluster_query)
{
	if (!n) {
		html_str(h, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">0</td>");
		return;
	}
	html_fmt(h, "<td class=\"govuk-table__cell govuk-table__cell--numeric\"><a class=\"govuk-link\" "
		    "href=\"/schools?category=%r%r\">%u</a></td>",
		 category, cluster_query, n);
}

/* "&amp;cluster=ID" for a row's links ("" for none), written into `q`, reused row after row. */
static const char *page_cluster_query(struct html *q, const char *cluster)
{
	q->len = 0;
	html_str(q, "");
	if (cluster[0]) {
		struct html enc;
		html_init(&enc);
		html_str(&enc, "&cluster=");
		form_encode(&enc, cluster);
		html_text(q, enc.data);
		html_free(&enc);
	}
	return q->data;
}

/* An overview section lists at most this many rows: a national register has thousands of
 * clusters and changes, and the overview must stay one screenful a section, not megabytes;
 * the schools list (filtered, paginated) has them all. */
#define PAGE_OVERVIEW_ROWS 50

/* How many of a section's `n` rows to show, saying so under the table when not all. */
static size_t page_overview_rows(size_t n)
{
	return n < PAGE_OVERVIEW_ROWS ? n : PAGE_OVERVIEW_ROWS;
}

static void page_overview_more(struct html *h, size_t n, const char *where)
{
	if (n > PAGE_OVERVIEW_ROWS)
		html_fmt(h, "<p class=\"govuk-body\">The first %d of %zu are shown; %r.</p>\n",
			 PAGE_OVERVIEW_ROWS, n, where);
}

/* Half-termly monitoring: the progress returns the categoriser found missing and that have
 * not come since, the longest overdue first. */
static void page_overview_returns(struct html *h, const struct page_overview_data *d)
{
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"returns\">Overdue monitoring returns</h2>\n");
	if (!d->n_returns_due) {
		html_str(h, "<p class=\"govuk-body\">Every school under half-termly monitoring has "
			    "sent its progress return.</p>\n");
		return;
	}
	html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
		    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">"
		    "School</th><th scope=\"col\" class=\"govuk-table__header\">Category</th><th "
		    "scope=\"col\" class=\"govuk-table__header\">Half-term</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">Due</th></tr></thead><tbody "
		    "class=\"govuk-table__body\">");
	for (size_t i = 0; i < page_overview_rows(d->n_returns_due); i++) {
		const N2gg__V1__MonitoringOverdue *m = d->returns_due[i];
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
			    "class=\"govuk-link\" href=\"/schools/%u\">%s</a></td><td "
			    "class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%r "
			    "%u/%02u</td><td class=\"govuk-table__cell\">%s</td></tr>",
			 m->urn, m->school_name[0] ? m->school_name : "(no name)", m->category,
			 view_half_term_name(m->half_term), m->year - 1, m->year % 100, m->due_date);
	}
	html_str(h, "</tbody></table>\n");
	page_overview_more(h, d->n_returns_due, "each school's page has its returns");
}

/* The partners' days and cost allocated, role by role: what the programme's budget pays. */
static void page_overview_budget(struct html *h, const struct page_overview_data *d)
{
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"budget\">Partners' days and cost "
		    "allocated</h2>\n");
	if (!d->n_roles) {
		html_str(h, "<p class=\"govuk-body\">No partner is allocated yet.</p>\n");
		return;
	}
	html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
		    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">"
		    "Role</th><th scope=\"col\" class=\"govuk-table__header govuk-table__header--"
		    "numeric\">Served</th><th scope=\"col\" class=\"govuk-table__header govuk-table__"
		    "header--numeric\">Days</th><th scope=\"col\" class=\"govuk-table__header "
		    "govuk-table__header--numeric\">Cost</th></tr></thead><tbody "
		    "class=\"govuk-table__body\">");
	unsigned days = 0;
	int64_t pence = 0;
	for (size_t i = 0; i < d->n_roles; i++) {
		const struct page_role_days *r = &d->roles[i];
		char cost[32];
		html_fmt(h, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__"
			    "header\">%s</th><td class=\"govuk-table__cell govuk-table__cell--numeric\">"
			    "%u</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">%u</td>"
			    "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%s</td></tr>",
			 view_role_name(r->role), r->served, r->days,
			 view_money(r->cost_pence, cost, sizeof cost));
		days += r->days;
		pence += r->cost_pence;
	}
	char cost[32];
	html_fmt(h, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__"
		    "header\">All roles</th><td class=\"govuk-table__cell\"></td><td class=\""
		    "govuk-table__cell govuk-table__cell--numeric\">%u</td><td class=\"govuk-table__"
		    "cell govuk-table__cell--numeric\">%s</td></tr></tbody></table>\n",
		 days, view_money(pence, cost, sizeof cost));
}

void page_overview(struct html *h, const struct page_user *u, const struct page_overview_data *d)
{
	static const char *const letters[] = {"A", "B", "C", "D", "E", "F", "none"};
	const struct view_overview *o = &d->overview;
	page_begin(h, u, "LA overview", "overview");
	html_fmt(h, "<h1 class=\"govuk-heading-l\">LA overview</h1>\n<p class=\"govuk-body\">%u open "
		    "schools, as of %s.</p>\n",
		 o->open_schools, d->today);
	html_fmt(h, "<div class=\"govuk-grid-row\">"
		    "<div class=\"govuk-grid-column-one-third\"><div class=\"dash-figure\"><span "
		    "class=\"govuk-heading-xl\">%zu</span><span class=\"govuk-body\">category changes "
		    "this half-term</span></div></div>"
		    "<div class=\"govuk-grid-column-one-third\"><div class=\"dash-figure\"><span "
		    "class=\"govuk-heading-xl\">%u</span><span class=\"govuk-body\">letters waiting "
		    "to go</span></div></div>"
		    "<div class=\"govuk-grid-column-one-third\"><div class=\"dash-figure\"><span "
		    "class=\"govuk-heading-xl\">%u</span><span class=\"govuk-body\">letters not "
		    "delivered</span></div></div></div>\n",
		 d->n_changes, d->letters_pending, d->letters_undelivered);

	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"by-category\">Schools by category</h2>\n"
		    "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
		    "govuk-visually-hidden\">Open schools by LA category</caption>");
	page_category_head(h, "");
	html_str(h, "<tbody class=\"govuk-table__body\"><tr class=\"govuk-table__row\"><th "
		    "scope=\"row\" class=\"govuk-table__header\">The LA</th>");
	for (int c = 0; c < VIEW_CATEGORIES; c++)
		page_count_cell(h, o->by_category[c], letters[c], "");
	struct html q;
	html_init(&q);
	html_fmt(h, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%u</td></tr>"
		    "</tbody></table>\n",
		 o->open_schools);

	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"by-cluster\">Schools by cluster</h2>\n"
		    "<table class=\"govuk-table dash-table-compact\"><caption class=\"govuk-table__caption "
		    "govuk-visually-hidden\">Open schools by cluster and LA category</caption>");
	page_category_head(h, "Cluster");
	html_str(h, "<tbody class=\"govuk-table__body\">");
	for (size_t i = 0; i < page_overview_rows(o->n_clusters); i++) {
		const struct view_cluster_count *c = &o->clusters[i];
		if (c->id[0])
			html_fmt(h, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__"
				    "header\"><a class=\"govuk-link\" href=\"/clusters/%s\">%s</a></th>",
				 c->id, c->name);
		else
			html_str(h, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__"
				    "header\">In no cluster</th>");
		const char *cq = page_cluster_query(&q, c->id);
		for (int k = 0; k < VIEW_CATEGORIES; k++)
			page_count_cell(h, c->by_category[k], letters[k], cq);
		html_fmt(h, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%u</td></tr>",
			 c->total);
	}
	html_free(&q);
	html_str(h, "</tbody></table>\n");
	page_overview_more(h, o->n_clusters,
			   "the <a class=\"govuk-link\" href=\"/schools\">schools list</a> filters "
			   "by any cluster");

	html_fmt(h, "<h2 class=\"govuk-heading-m\" id=\"changes\">Category changes this half-term</h2>\n"
		    "<p class=\"govuk-body\">Since %s.</p>\n",
		 d->half_term);
	if (!d->n_changes) {
		html_str(h, "<p class=\"govuk-body\">No school has changed category.</p>\n");
	} else {
		html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
			    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">"
			    "School</th><th scope=\"col\" class=\"govuk-table__header\">From</th><th "
			    "scope=\"col\" class=\"govuk-table__header\">To</th><th scope=\"col\" "
			    "class=\"govuk-table__header\">Since</th></tr></thead><tbody "
			    "class=\"govuk-table__body\">");
		for (size_t i = 0; i < page_overview_rows(d->n_changes); i++) {
			const struct page_change *c = &d->changes[i];
			html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
				    "<a class=\"govuk-link\" href=\"/schools/%u\">%s</a></td><td "
				    "class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s"
				    "</td><td class=\"govuk-table__cell\">%s</td></tr>",
				 c->urn, c->name, c->from[0] ? c->from : "none",
				 c->to[0] ? c->to : "none", c->date);
		}
		html_str(h, "</tbody></table>\n");
		page_overview_more(h, d->n_changes,
				   "each school's page has its category's history");
	}

	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"unserved\">Schools without a partner they "
		    "are entitled to</h2>\n");
	if (!d->n_unserved) {
		html_str(h, "<p class=\"govuk-body\">Every entitled school has its partners.</p>\n");
	} else {
		html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
			    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">"
			    "School or cluster</th><th scope=\"col\" class=\"govuk-table__header\">Role"
			    "</th><th scope=\"col\" class=\"govuk-table__header\">Why</th></tr></thead>"
			    "<tbody class=\"govuk-table__body\">");
		for (size_t i = 0; i < page_overview_rows(d->n_unserved); i++) {
			const N2gg__V1__Allocation *al = d->unserved[i];
			html_str(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
			if (al->urn)
				html_fmt(h, "<a class=\"govuk-link\" href=\"/schools/%u\">%s</a>", al->urn,
					 al->school_name[0] ? al->school_name : "(no name)");
			else
				html_fmt(h, "Cluster %s", al->cluster_id);
			html_fmt(h, "</td><td class=\"govuk-table__cell\">%s</td><td "
				    "class=\"govuk-table__cell\">%s</td></tr>",
				 view_role_name(al->role), al->reason);
		}
		html_str(h, "</tbody></table>\n");
		page_overview_more(h, d->n_unserved,
				   "<code>n2gg partner capacity</code> lists them all with the partners "
				   "who could take each");
	}

	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"overdue\">Overdue visit reports</h2>\n");
	if (!d->n_overdue) {
		html_str(h, "<p class=\"govuk-body\">No visit report is overdue.</p>\n");
	} else {
		html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
			    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">"
			    "School</th><th scope=\"col\" class=\"govuk-table__header\">Visit</th><th "
			    "scope=\"col\" class=\"govuk-table__header\">Partner</th><th scope=\"col\" "
			    "class=\"govuk-table__header govuk-table__header--numeric\">Days overdue</th>"
			    "</tr></thead><tbody class=\"govuk-table__body\">");
		for (size_t i = 0; i < page_overview_rows(d->n_overdue); i++) {
			const struct page_overdue *v = &d->overdue[i];
			html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
				    "class=\"govuk-link\" href=\"/schools/%u\">%s</a></td><td "
				    "class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s"
				    "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td>"
				    "</tr>",
				 v->visit->urn, v->visit->school_name, v->visit->date,
				 v->partner_name[0] ? v->partner_name : v->visit->partner_id,
				 v->days_over);
		}
		html_str(h, "</tbody></table>\n");
		page_overview_more(h, d->n_overdue, "each partner's page lists their visits");
	}
	page_overview_returns(h, d);
	page_overview_budget(h, d);
	page_end(h);
}

/* ---- the schools list ---- */

void page_select(struct html *h, const char *name, const char *label, const char *chosen,
		 const struct page_option *opts, size_t n)
{
	html_fmt(h, "<div class=\"govuk-form-group dash-filter\"><label class=\"govuk-label\" "
		    "for=\"f-%r\">%r</label><select class=\"govuk-select\" id=\"f-%r\" name=\"%r\">"
		    "<option value=\"\">Any</option>",
		 name, label, name, name);
	for (size_t i = 0; i < n; i++)
		html_fmt(h, "<option value=\"%s\"%r>%s</option>", opts[i].value,
			 strcmp(opts[i].value, chosen) == 0 ? " selected" : "", opts[i].label);
	html_str(h, "</select></div>");
}

const char *page_category_tag(const char *category)
{
	/* colour says the same as the letter, never alone */
	switch (view_category_index(category)) {
	case 0: return "govuk-tag--green";
	case 1: case 2: return "govuk-tag--yellow";
	case 3: return "govuk-tag--orange";
	case 4: case 5: return "govuk-tag--red";
	default: return "govuk-tag--grey";
	}
}

/* A link to page `n` of the list, its filters kept. */
static void page_link(struct html *h, const char *query, size_t n)
{
	html_fmt(h, "/schools?%s%rpage=%zu", query, query[0] ? "&amp;" : "", n);
}

/* The GOV.UK Design System's pagination: previous and next, the first and last pages, the
 * current one and its neighbours, and an ellipsis for the pages left out. */
static void page_pagination(struct html *h, size_t page, size_t pages, const char *query)
{
	if (pages < 2)
		return;
	html_str(h, "<nav class=\"govuk-pagination\" aria-label=\"Pages of schools\">");
	if (page > 1) {
		html_str(h, "<div class=\"govuk-pagination__prev\"><a class=\"govuk-link "
			    "govuk-pagination__link\" href=\"");
		page_link(h, query, page - 1);
		html_str(h, "\" rel=\"prev\"><svg class=\"govuk-pagination__icon "
			    "govuk-pagination__icon--prev\" xmlns=\"http://www.w3.org/2000/svg\" "
			    "height=\"13\" width=\"15\" aria-hidden=\"true\" focusable=\"false\" "
			    "viewBox=\"0 0 15 13\"><path d=\"m6.5938-0.0078125-6.7266 6.7266 6.7441 "
			    "6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"
			    "\"></path></svg><span class=\"govuk-pagination__link-title\">Previous<span "
			    "class=\"govuk-visually-hidden\"> page</span></span></a></div>");
	}
	html_str(h, "<ul class=\"govuk-pagination__list\">");
	for (size_t n = 1; n <= pages; n++) {
		bool shown = n == 1 || n == pages || (n + 1 >= page && n <= page + 1);
		if (!shown) {
			/* one ellipsis for each run left out */
			if (n == 2 || n == page + 2)
				html_str(h, "<li class=\"govuk-pagination__item "
					    "govuk-pagination__item--ellipses\">&ctdot;</li>");
			continue;
		}
		html_fmt(h, "<li class=\"govuk-pagination__item%r\"><a class=\"govuk-link "
			    "govuk-pagination__link\" href=\"",
			 n == page ? " govuk-pagination__item--current" : "");
		page_link(h, query, n);
		html_fmt(h, "\" aria-label=\"Page %zu\"%r>%zu</a></li>", n,
			 n == page ? " aria-current=\"page\"" : "", n);
	}
	html_str(h, "</ul>");
	if (page < pages) {
		html_str(h, "<div class=\"govuk-pagination__next\"><a class=\"govuk-link "
			    "govuk-pagination__link\" href=\"");
		page_link(h, query, page + 1);
		html_str(h, "\" rel=\"next\"><span class=\"govuk-pagination__link-title\">Next<span "
			    "class=\"govuk-visually-hidden\"> page</span></span><svg class=\"govuk-"
			    "pagination__icon govuk-pagination__icon--next\" xmlns=\"http://www.w3.org/"
			    "2000/svg\" height=\"13\" width=\"15\" aria-hidden=\"true\" focusable=\"false"
			    "\" viewBox=\"0 0 15 13\"><path d=\"m8.107-0.0078125-1.4136 1.414 4.2926 "
			    "4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-"
			    "6.7266z\"></path></svg></a></div>");
	}
	html_str(h, "</nav>\n");
}

void page_school_table(struct html *h, const char *caption,
		       const struct view_school *const *schools, size_t first, size_t last)
{
	html_fmt(h, "<table class=\"govuk-table dash-table-compact\"><caption class=\"govuk-table__caption "
		    "govuk-visually-hidden\">%s</caption><thead class=\"govuk-table__head\"><tr "
		    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">School"
		    "</th><th scope=\"col\" class=\"govuk-table__header\">URN</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">Phase</th><th scope=\"col\" class=\"govuk-table__"
		    "header\">Cluster</th><th scope=\"col\" class=\"govuk-table__header\">Category</th>"
		    "<th scope=\"col\" class=\"govuk-table__header\">Ofsted</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">Postcode</th></tr></thead><tbody "
		    "class=\"govuk-table__body\">",
		 caption);
	for (size_t i = first; i < last; i++) {
		const struct view_school *s = schools[i];
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
			    "class=\"govuk-link\" href=\"/schools/%u\">%s</a>%r</td><td "
			    "class=\"govuk-table__cell\">%u</td><td class=\"govuk-table__cell\">%s</td>"
			    "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">"
			    "<strong class=\"govuk-tag %r\">%s</strong></td><td class=\"govuk-table__cell\">"
			    "%s</td><td class=\"govuk-table__cell\">%s</td></tr>",
			 s->urn, s->name,
			 s->status == N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED ? " (closed)" : "",
			 s->urn, view_phase_name(s->phase),
			 s->cluster_name[0] ? s->cluster_name : s->cluster_id,
			 page_category_tag(s->category), s->category[0] ? s->category : "None",
			 s->ofsted ? view_ofsted_name(s->ofsted) : "", s->postcode);
	}
	html_str(h, "</tbody></table>\n");
}

void page_schools(struct html *h, const struct page_user *u, const struct page_schools_data *d)
{
	static const struct page_option categories[] = {
		{"A", "A"}, {"B", "B"}, {"C", "C"}, {"D", "D"}, {"E", "E"}, {"F", "F"},
		{"none", "None"}};
	static const struct page_option ofsted[] = {{"1", "Outstanding"}, {"2", "Good"},
						    {"3", "Requires improvement"},
						    {"4", "Inadequate"},
						    {"none", "None on record"}};
	struct page_option phases[10];
	char phase_values[10][4];
	for (int p = 1; p <= 10; p++) {
		snprintf(phase_values[p - 1], sizeof phase_values[p - 1], "%d", p);
		phases[p - 1] = (struct page_option){phase_values[p - 1], view_phase_name(p)};
	}
	const struct view_filter *f = &d->filter;
	page_begin(h, u, "Schools", "schools");
	html_str(h, "<h1 class=\"govuk-heading-l\">Schools</h1>\n<form method=\"get\" "
		    "action=\"/schools\" class=\"dash-filters\">\n");
	html_fmt(h, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"f-q\">"
		    "Name, URN or postcode</label><div class=\"govuk-hint\" id=\"f-q-hint\">Part of "
		    "it is enough</div><input class=\"govuk-input govuk-!-width-one-half\" id=\"f-q\" "
		    "name=\"q\" type=\"search\" aria-describedby=\"f-q-hint\" value=\"%s\"></div>\n",
		 f->q);
	page_select(h, "category", "LA category", f->category, categories, 7);
	page_select(h, "cluster", "Cluster", f->cluster, d->clusters, d->n_clusters);
	page_select(h, "phase", "Phase", f->phase, phases, 10);
	page_select(h, "ofsted", "Ofsted", f->ofsted, ofsted, 5);
	if (!d->partner_only)
		page_select(h, "partner", "Partner", f->partner, d->partners, d->n_partners);
	html_str(h, "<div class=\"govuk-button-group\"><button type=\"submit\" class=\"govuk-button\" "
		    "data-module=\"govuk-button\">Apply filters</button><a class=\"govuk-link\" "
		    "href=\"/schools\">Clear filters</a></div>\n</form>\n");

	struct html q;
	html_init(&q);
	view_filter_query(f, &q);
	size_t first = (d->page ? d->page - 1 : 0) * VIEW_PAGE_SIZE;
	size_t last = first + VIEW_PAGE_SIZE < d->n_schools ? first + VIEW_PAGE_SIZE : d->n_schools;
	html_fmt(h, "<p class=\"govuk-body\" role=\"status\">%zu of %zu schools", d->n_schools,
		 d->total);
	if (d->n_schools > VIEW_PAGE_SIZE)
		html_fmt(h, ", %zu to %zu shown here", first + 1, last);
	html_fmt(h, ". <a class=\"govuk-link\" href=\"/schools.csv%r%s\" download>Download this "
		    "list (CSV)</a></p>\n",
		 q.len ? "?" : "", q.data ? q.data : "");
	page_school_table(h, "Schools", d->schools, first, last);
	page_pagination(h, d->page, view_page_count(d->n_schools), q.data ? q.data : "");
	html_free(&q);
	page_end(h);
}

/* ---- a school ---- */

void page_row(struct html *h, const char *key, const char *value)
{
	html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
		    "%s</dt><dd class=\"govuk-summary-list__value\">%s</dd></div>",
		 key, value && value[0] ? value : "Not known");
}

void page_row_begin(struct html *h, const char *key)
{
	html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
		    "%s</dt><dd class=\"govuk-summary-list__value\">",
		 key);
}

static void page_contact_row(struct html *h, const char *key, const N2gg__V1__Contact *c)
{
	page_row_begin(h, key);
	page_contact(h, c);
	html_str(h, "</dd></div>");
}

/* The federations and partnerships the school is in, each a link to its page. */
static void page_groups_row(struct html *h, const struct page_school_data *d)
{
	page_row_begin(h, "Federations and partnerships");
	if (!d->n_groups)
		html_str(h, "None");
	for (size_t i = 0; i < d->n_groups; i++) {
		const N2gg__V1__Group *g = d->groups[i];
		html_fmt(h, "%r<a class=\"govuk-link\" href=\"/groups/", i ? "<br>" : "");
		form_encode(h, g->id);
		html_fmt(h, "\">%s</a> (%s)", g->name[0] ? g->name : g->id,
			 view_group_kind_name(g->kind));
	}
	html_str(h, "</dd></div>");
}

void page_contact(struct html *h, const N2gg__V1__Contact *c)
{
	if (!c || !c->name[0]) {
		html_str(h, "Not known");
		return;
	}
	html_fmt(h, "%s", c->name);
	if (c->email[0])
		html_fmt(h, "<br><a class=\"govuk-link\" href=\"mailto:%s\">%s</a>", c->email, c->email);
	if (c->phone[0])
		html_fmt(h, "<br>%s", c->phone);
}

static void page_school_profile(struct html *h, const struct page_school_data *d)
{
	const N2gg__V1__School *s = d->school;
	const N2gg__V1__Address *ad = s->address;
	char urn[16], ages[32], pupils[16];
	snprintf(urn, sizeof urn, "%u", s->urn);
	ages[0] = pupils[0] = '\0';
	if (s->high_age)
		snprintf(ages, sizeof ages, "%u to %u", s->low_age, s->high_age);
	if (s->number_of_pupils)
		snprintf(pupils, sizeof pupils, "%u", s->number_of_pupils);
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"profile\">Profile</h2><dl "
		    "class=\"govuk-summary-list\">");
	page_row(h, "URN", urn);
	page_row(h, "Type", s->type_name);
	page_row(h, "Phase", view_phase_name(s->phase));
	page_row(h, "Ages", ages);
	page_row(h, "Pupils", pupils);
	html_str(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
		    "Address</dt><dd class=\"govuk-summary-list__value\">");
	if (ad) {
		const char *parts[] = {ad->street, ad->locality, ad->address3, ad->town, ad->county,
				       ad->postcode};
		bool any = false;
		for (size_t i = 0; i < 6; i++)
			if (parts[i][0]) {
				html_fmt(h, "%r%s", any ? "<br>" : "", parts[i]);
				any = true;
			}
	}
	html_str(h, "</dd></div>");
	if (s->cluster_id[0])
		html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
			    "Cluster</dt><dd class=\"govuk-summary-list__value\"><a class=\"govuk-link\" "
			    "href=\"/clusters/%s\">%s</a></dd></div>",
			 s->cluster_id, d->cluster_name[0] ? d->cluster_name : s->cluster_id);
	else
		page_row(h, "Cluster", "None");
	page_row(h, "Federation", s->federation_name);
	page_groups_row(h, d);
	page_row(h, "Trust", s->trust_name);
	page_row(h, "Telephone", s->telephone);
	page_contact_row(h, "Headteacher", s->headteacher);
	page_contact_row(h, "Chair of governors", s->chair_of_governors);
	html_str(h, "</dl>\n");
}

static void page_school_ofsted(struct html *h, const N2gg__V1__School *s)
{
	static const char *const concerns[] = {"", "Special measures", "Serious weaknesses",
					       "Notice to improve"};
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"ofsted\">Ofsted inspections</h2>");
	if (!s->n_inspections) {
		html_str(h, "<p class=\"govuk-body\">No inspection on record.</p>");
		return;
	}
	html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
		    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Date"
		    "</th><th scope=\"col\" class=\"govuk-table__header\">Overall effectiveness</th>"
		    "<th scope=\"col\" class=\"govuk-table__header\">Category of concern</th></tr>"
		    "</thead><tbody class=\"govuk-table__body\">");
	for (size_t i = s->n_inspections; i-- > 0;) {
		const N2gg__V1__Inspection *in = s->inspections[i];
		unsigned c = (unsigned)in->category_of_concern;
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td>"
			    "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s"
			    "</td></tr>",
			 in->start_date, view_ofsted_name(in->overall_effectiveness),
			 c < 4 ? concerns[c] : "");
	}
	html_str(h, "</tbody></table>");
}

/* One event of the category history, in words. */
static void page_history_item(struct html *h, const N2gg__V1__Event *ev, struct arena *a)
{
	html_str(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
	page_time(h, ev->time_unix_ms);
	html_str(h, "</td><td class=\"govuk-table__cell\">");
	if (strcmp(ev->topic, "category.changed") == 0) {
		N2gg__V1__CategoryChanged *c = (N2gg__V1__CategoryChanged *)protobuf_c_message_unpack(
			&n2gg__v1__category_changed__descriptor, &a->pb, ev->payload.len, ev->payload.data);
		if (c)
			html_fmt(h, "Category %s (was %s)%r%s. Since %s. Cause: %s",
				 c->category[0] ? c->category : "none",
				 c->previous_category[0] ? c->previous_category : "none",
				 c->overridden ? ", " : "", c->overridden ? "set by an officer" : "",
				 c->effective_date, c->cause);
	} else {
		N2gg__V1__OverrideChanged *o = (N2gg__V1__OverrideChanged *)protobuf_c_message_unpack(
			&n2gg__v1__override_changed__descriptor, &a->pb, ev->payload.len, ev->payload.data);
		const char *what = strstr(ev->topic, ".set") ? "Override set"
				   : strstr(ev->topic, ".expired") ? "Override expired"
								    : "Override cleared";
		if (o && o->override)
			html_fmt(h, "%s: category %s. %s", what, o->override->category,
				 o->reason[0] ? o->reason : o->override->reason);
	}
	html_fmt(h, "</td><td class=\"govuk-table__cell\">%s</td></tr>", ev->actor);
}

static void page_school_category(struct html *h, const struct page_school_data *d, struct arena *a)
{
	const N2gg__V1__CategoryChanged *c = d->category;
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"category\">LA category</h2>");
	if (!c || !c->category[0]) {
		html_str(h, "<p class=\"govuk-body\">Not categorised.</p>");
	} else {
		html_fmt(h, "<p class=\"govuk-body-l\"><strong class=\"govuk-tag %r\">%s</strong> %s</p>"
			    "<p class=\"govuk-body\">Since %s%r</p>",
			 page_category_tag(c->category), c->category, c->category_name,
			 c->effective_date, c->overridden ? ", set by an officer (override)." : ".");
		if (c->n_reasons) {
			html_str(h, "<h3 class=\"govuk-heading-s\">Why</h3><ul class=\"govuk-list "
				    "govuk-list--bullet\">");
			for (size_t i = 0; i < c->n_reasons; i++)
				if (!c->reasons[i]->group[0])
					html_fmt(h, "<li>%s</li>", c->reasons[i]->text);
			html_str(h, "</ul>");
		}
		if (c->n_activities) {
			html_str(h, "<h3 class=\"govuk-heading-s\">What the LA does</h3><ul "
				    "class=\"govuk-list govuk-list--bullet\">");
			for (size_t i = 0; i < c->n_activities; i++)
				html_fmt(h, "<li>%s</li>", c->activities[i]);
			html_str(h, "</ul>");
		}
		if (c->half_termly_monitoring)
			html_str(h, "<p class=\"govuk-body\">Half-termly monitoring: progress returns "
				    "are due each half-term.</p>");
	}
	if (d->n_history) {
		html_str(h, "<h3 class=\"govuk-heading-s\">History</h3><table class=\"govuk-table\">"
			    "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th "
			    "scope=\"col\" class=\"govuk-table__header\">When</th><th scope=\"col\" "
			    "class=\"govuk-table__header\">What</th><th scope=\"col\" "
			    "class=\"govuk-table__header\">By</th></tr></thead><tbody "
			    "class=\"govuk-table__body\">");
		for (size_t i = d->n_history; i-- > 0;)
			page_history_item(h, d->history[i], a);
		html_str(h, "</tbody></table>");
	}
}

static void page_school_partners(struct html *h, const struct page_school_data *d)
{
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"partners\">Partners</h2>");
	if (!d->n_allocations) {
		html_str(h, "<p class=\"govuk-body\">No partner is allocated.</p>");
	} else {
		html_str(h, "<dl class=\"govuk-summary-list\">");
		for (size_t i = 0; i < d->n_allocations; i++) {
			const N2gg__V1__Allocation *al = d->allocations[i];
			html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-"
				    "list__key\">%s</dt><dd class=\"govuk-summary-list__value\">",
				 view_role_name(al->role));
			if (al->partner_id[0]) {
				html_fmt(h, "%s", al->partner_name[0] ? al->partner_name : al->partner_id);
				if (al->partner_email[0])
					html_fmt(h, "<br><a class=\"govuk-link\" href=\"mailto:%s\">%s</a>",
						 al->partner_email, al->partner_email);
				if (al->partner_phone[0])
					html_fmt(h, "<br>%s", al->partner_phone);
				if (al->days)
					html_fmt(h, "<br>%u days a year%r", al->days,
						 al->pinned ? " (chosen by an officer)" : "");
			} else {
				html_fmt(h, "<strong class=\"govuk-tag govuk-tag--red\">Not served</strong> %s",
					 al->reason);
			}
			html_str(h, "</dd></div>");
		}
		html_str(h, "</dl>");
	}
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"visits\">Visits</h2>");
	if (!d->n_visits) {
		html_str(h, "<p class=\"govuk-body\">No visit is scheduled.</p>");
		return;
	}
	html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
		    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Date"
		    "</th><th scope=\"col\" class=\"govuk-table__header\">Visit</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">Partner</th><th scope=\"col\" class=\"govuk-table__"
		    "header\">Report</th></tr></thead><tbody class=\"govuk-table__body\">");
	for (size_t i = 0; i < d->n_visits; i++) {
		const N2gg__V1__Visit *v = d->visits[i];
		bool reported = false;
		for (size_t r = 0; r < d->n_reports && !reported; r++)
			reported = strcmp(d->reports[r]->visit_id, v->id) == 0;
		int over = 0;
		bool overdue = view_report_overdue(v->date, reported, d->today, d->due_days, &over);
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td>"
			    "<td class=\"govuk-table__cell\">%r, half-term %u</td><td "
			    "class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">",
			 v->date, strcmp(v->kind, "annual_conversation") == 0 ? "Annual conversation"
									   : "Monitoring visit",
			 v->half_term, v->partner_id);
		if (reported)
			html_str(h, "<a class=\"govuk-link\" href=\"#reports\">Reported</a>");
		else if (overdue)
			html_fmt(h, "<strong class=\"govuk-tag govuk-tag--red\">Overdue by %d days</strong>",
				 over);
		html_str(h, "</td></tr>");
	}
	html_str(h, "</tbody></table>");
}

static void page_list(struct html *h, const char *title, char *const *items, size_t n)
{
	if (!n)
		return;
	html_fmt(h, "<h4 class=\"govuk-heading-s\">%s</h4><ul class=\"govuk-list govuk-list--bullet\">",
		 title);
	for (size_t i = 0; i < n; i++)
		html_fmt(h, "<li>%s</li>", items[i]);
	html_str(h, "</ul>");
}

static void page_school_reports(struct html *h, const struct page_school_data *d)
{
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"reports\">Visit reports</h2>");
	if (!d->n_reports) {
		html_str(h, "<p class=\"govuk-body\">No visit report yet.</p>");
		return;
	}
	for (size_t i = 0; i < d->n_reports; i++) {
		const N2gg__V1__VisitReport *r = d->reports[i];
		const N2gg__V1__Visit *v = r->visit;
		html_fmt(h, "<div class=\"dash-report\"><h3 class=\"govuk-heading-s\">%r on %s by %s%r</h3>",
			 v && strcmp(v->kind, "annual_conversation") == 0 ? "Annual conversation"
									   : "Monitoring visit",
			 r->held ? r->date_held : (v ? v->date : ""),
			 r->partner_name[0] ? r->partner_name : r->recorded_by,
			 r->version > 1 ? " (corrected)" : "");
		if (!r->held) {
			html_fmt(h, "<p class=\"govuk-body\">Not held: %s</p></div>", r->not_held_reason);
			continue;
		}
		html_fmt(h, "<p class=\"govuk-body\">Progress: %s.", view_progress_name(r->progress));
		if (r->n_attended) {
			html_str(h, " Attended: ");
			for (size_t a = 0; a < r->n_attended; a++)
				html_fmt(h, "%r%s", a ? ", " : "", r->attended[a]);
			html_str(h, ".");
		}
		html_str(h, "</p>");
		page_list(h, "Strengths", r->strengths, r->n_strengths);
		page_list(h, "Priorities for improvement", r->priorities, r->n_priorities);
		page_list(h, "Agreed actions", r->agreed_actions, r->n_agreed_actions);
		if (r->self_evaluation_validation[0])
			html_fmt(h, "<h4 class=\"govuk-heading-s\">Self-evaluation</h4><p "
				    "class=\"govuk-body\">%s</p>",
				 r->self_evaluation_validation);
		page_list(h, "Signposted to", r->signposting, r->n_signposting);
		if (r->next_visit_focus[0])
			html_fmt(h, "<p class=\"govuk-body\">Next visit: %s</p>", r->next_visit_focus);
		html_str(h, "</div>");
	}
}

/* The MI sheets the school was sent; for an Action sheet, whether it has answered and how. */
static void page_school_mi(struct html *h, const struct page_school_data *d)
{
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"mi\">MI sheets</h2>");
	if (!d->n_mi) {
		html_str(h, "<p class=\"govuk-body\">No MI sheet has been sent to the school.</p>");
		return;
	}
	for (size_t i = 0; i < d->n_mi; i++) {
		const N2gg__V1__MiSheet *s = d->mi[i].sheet;
		const N2gg__V1__MiResponse *r = d->mi[i].response;
		bool action = s->type == N2GG__V1__MI_TYPE__MI_ACTION;
		html_fmt(h, "<h3 class=\"govuk-heading-s\"><a class=\"govuk-link\" href=\"/mi/%s\">"
			    "MI %s</a>: %s</h3>",
			 s->number, s->number, s->title);
		if (s->withdrawn) {
			html_str(h, "<p class=\"govuk-body\">Withdrawn.</p>");
			continue;
		}
		if (!action)
			continue;
		if (!r) {
			html_fmt(h, "<p class=\"govuk-body\"><strong class=\"govuk-tag govuk-tag--yellow"
				    "\">Not answered</strong> To be completed by %s.</p>",
				 s->complete_by);
			continue;
		}
		html_fmt(h, "<p class=\"govuk-body\"><strong class=\"govuk-tag govuk-tag--green\">"
			    "Answered</strong> by %s.</p>",
			 r->respondent[0] ? r->respondent : "the school");
		if (!r->n_answers)
			continue;
		html_str(h, "<dl class=\"govuk-summary-list\">");
		for (size_t k = 0; k < r->n_answers; k++) {
			const char *question = "";
			for (size_t q = 0; q < s->n_questions; q++)
				if (s->questions[q]->number == r->answers[k]->question)
					question = s->questions[q]->text;
			html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-"
				    "list__key\">%u. %s</dt><dd class=\"govuk-summary-list__value\">%s"
				    "</dd></div>",
				 r->answers[k]->question, question, r->answers[k]->answer);
		}
		html_str(h, "</dl>");
	}
}

static void page_school_letters(struct html *h, const struct page_school_data *d)
{
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"letters\">Letters</h2>");
	if (!d->n_letters) {
		html_str(h, "<p class=\"govuk-body\">No letter yet.</p>");
		return;
	}
	html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
		    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Made"
		    "</th><th scope=\"col\" class=\"govuk-table__header\">Letter</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">State</th><th scope=\"col\" class=\"govuk-table__"
		    "header\">To</th></tr></thead><tbody class=\"govuk-table__body\">");
	for (size_t i = 0; i < d->n_letters; i++) {
		const struct page_letter *l = &d->letters[i];
		enum view_letter_state st = view_letter_state(l->deliveries, l->n_deliveries);
		html_str(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
		page_time(h, l->notice->created_unix_ms);
		html_fmt(h, "</td><td class=\"govuk-table__cell\">%s<br><span class=\"govuk-body-s\">%s"
			    "</span></td><td class=\"govuk-table__cell\"><strong class=\"govuk-tag "
			    "%r\">%s</strong></td><td class=\"govuk-table__cell\">",
			 view_notice_kind_name(l->notice->kind), l->notice->subject,
			 st == VIEW_LETTER_UNDELIVERED ? "govuk-tag--red"
			 : st == VIEW_LETTER_PENDING   ? "govuk-tag--yellow"
						       : "govuk-tag--grey",
			 view_letter_state_name(st));
		for (size_t k = 0; k < l->n_deliveries; k++) {
			const N2gg__V1__Delivery *dv = l->deliveries[k];
			const N2gg__V1__Recipient *r = dv->recipient;
			html_fmt(h, "%r%s %s (%s): %s", k ? "<br>" : "",
				 r ? view_recipient_role_name(r->role) : "", r ? r->name : "",
				 dv->channel, view_delivery_state_name(dv->state));
		}
		html_str(h, "</td></tr>");
	}
	html_str(h, "</tbody></table>");
}

void page_school(struct html *h, const struct page_user *u, const struct page_school_data *d,
		 struct arena *a)
{
	const N2gg__V1__School *s = d->school;
	page_begin(h, u, s->name[0] ? s->name : "School", "schools");
	html_fmt(h, "<span class=\"govuk-caption-l\">URN %u%r</span><h1 class=\"govuk-heading-l\">%s"
		    "</h1>\n",
		 s->urn, s->status == N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED ? ", closed" : "",
		 s->name);
	html_str(h, "<nav class=\"govuk-body\" aria-label=\"On this page\"><a class=\"govuk-link\" "
		    "href=\"#profile\">Profile</a> · <a class=\"govuk-link\" href=\"#category\">"
		    "Category</a> · <a class=\"govuk-link\" href=\"#ofsted\">Ofsted</a> · <a "
		    "class=\"govuk-link\" href=\"#achievement\">Achievement</a> · <a class=\"govuk-link\" "
		    "href=\"#partners\">Partners and visits</a> · <a class=\"govuk-link\" "
		    "href=\"#reports\">Visit reports</a> · <a class=\"govuk-link\" href=\"#letters\">"
		    "Letters</a> · <a class=\"govuk-link\" href=\"#mi\">MI sheets</a></nav>\n");
	page_school_actions(h, u, d);
	page_school_profile(h, d);
	page_school_category(h, d, a);
	page_school_ofsted(h, s);
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"achievement\">Achievement</h2>");
	page_achievement_chart(h, s, d->comparators, d->n_comparators);
	page_school_partners(h, d);
	page_school_reports(h, d);
	page_school_letters(h, d);
	page_school_mi(h, d);
	page_end(h);
}
