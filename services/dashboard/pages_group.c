/* pages_group: a federation's or partnership's page — its kind, its name, who changed it
 * last, and its member schools in the schools list's table. Part of pages (pure). */

#include "pages.h"

void page_group(struct html *h, const struct page_user *u, const struct page_group_data *d)
{
	const N2gg__V1__Group *g = d->group;
	const char *kind = view_group_kind_name(g->kind);
	const char *name = g->name[0] ? g->name : g->id;
	page_begin(h, u, name, "schools");
	html_fmt(h, "<span class=\"govuk-caption-l\">%s %s</span><h1 class=\"govuk-heading-l\">%s"
		    "</h1>\n<dl class=\"govuk-summary-list\">",
		 kind, g->id, name);
	page_row(h, "Kind", kind);
	if (g->updated_unix_ms) {
		page_row_begin(h, "Last changed");
		html_fmt(h, "By %s on ", g->updated_by);
		page_time(h, g->updated_unix_ms);
		html_str(h, "</dd></div>");
	}
	html_str(h, "</dl>\n<h2 class=\"govuk-heading-m\" id=\"schools\">Schools</h2>");
	if (!d->n_schools) {
		html_str(h, "<p class=\"govuk-body\">No school is a member yet.</p>");
	} else {
		html_fmt(h, "<p class=\"govuk-body\">%zu school%r.</p>", d->n_schools,
			 d->n_schools == 1 ? "" : "s");
		page_school_table(h, "The group's schools", d->schools, 0, d->n_schools);
	}
	page_end(h);
}
