/* pages_cluster: a cluster's page — its chair, its Cluster Education Partner and how the
 * cluster chose them (Choice A or B), and its schools with their categories. Part of pages
 * (pure). */

#include "pages.h"

static void cluster_cep(struct html *h, const struct page_cluster_data *d)
{
	const N2gg__V1__Allocation *al = d->cep;
	const N2gg__V1__ClusterChoice *c = d->choice;
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"cep\">Cluster Education Partner</h2><dl "
		    "class=\"govuk-summary-list\"><div class=\"govuk-summary-list__row\"><dt "
		    "class=\"govuk-summary-list__key\">Partner</dt><dd class=\"govuk-summary-list__"
		    "value\">");
	if (al && al->partner_id[0]) {
		html_fmt(h, "<a class=\"govuk-link\" href=\"/partners/%s\">%s</a>", al->partner_id,
			 al->partner_name[0] ? al->partner_name : al->partner_id);
		if (al->days)
			html_fmt(h, "<br>%u days a year", al->days);
	} else {
		html_fmt(h, "<strong class=\"govuk-tag govuk-tag--red\">None</strong> %s",
			 al ? al->reason : "No CEP is planned yet.");
	}
	html_str(h, "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-"
		    "list__key\">The cluster's choice</dt><dd class=\"govuk-summary-list__value\">");
	/* the allocation says where the choice stands today; the choice, what was asked */
	html_fmt(h, "%s", view_cep_choice_state_name(al ? al->cep_choice_state : 0));
	if (c) {
		html_fmt(h, "<br>Chose %r", c->choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_A ? "A"
					    : c->choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_B ? "B"
											      : "neither");
		if (c->nominee_partner_id[0])
			html_fmt(h, ", nominating <a class=\"govuk-link\" href=\"/partners/%s\">%s</a>",
				 c->nominee_partner_id,
				 c->nominee_name[0] ? c->nominee_name : c->nominee_partner_id);
		if (c->deadline[0])
			html_fmt(h, " (Choice A's deadline: %s)", c->deadline);
		html_fmt(h, ". Recorded by %s on ", c->recorded_by);
		page_time(h, c->recorded_unix_ms);
		html_str(h, ".");
	}
	html_str(h, "</dd></div></dl>");
}

void page_cluster(struct html *h, const struct page_user *u, const struct page_cluster_data *d)
{
	const N2gg__V1__Cluster *c = d->cluster;
	const char *name = c->name[0] ? c->name : c->id;
	page_begin(h, u, name, "schools");
	html_fmt(h, "<span class=\"govuk-caption-l\">Cluster %s%r</span><h1 class=\"govuk-heading-l\">"
		    "%s</h1>\n<dl class=\"govuk-summary-list\"><div class=\"govuk-summary-list__row\">"
		    "<dt class=\"govuk-summary-list__key\">Chair</dt><dd class=\"govuk-summary-list__"
		    "value\">",
		 c->id, c->status == N2GG__V1__CLUSTER_STATUS__CLUSTER_CLOSED ? ", closed" : "", name);
	page_contact(h, c->chair);
	html_str(h, "</dd></div>");
	if (c->merged_into[0])
		html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
			    "Merged into</dt><dd class=\"govuk-summary-list__value\"><a class=\"govuk-"
			    "link\" href=\"/clusters/%s\">%s</a></dd></div>",
			 c->merged_into, c->merged_into);
	html_str(h, "</dl>\n");
	cluster_cep(h, d);
	unsigned by[VIEW_CATEGORIES] = {0};
	for (size_t i = 0; i < d->n_schools; i++)
		by[view_category_index(d->schools[i]->category)]++;
	html_fmt(h, "<h2 class=\"govuk-heading-m\" id=\"schools\">Schools</h2><p class=\"govuk-body\">"
		    "%zu schools: ",
		 d->n_schools);
	static const char *const in[VIEW_CATEGORIES] = {"in category A", "in B", "in C", "in D",
							"in E", "in F", "not categorised"};
	for (int k = 0; k < VIEW_CATEGORIES; k++)
		if (by[k])
			html_fmt(h, "%u %r; ", by[k], in[k]);
	html_fmt(h, "<a class=\"govuk-link\" href=\"/map?cluster=%s\">on the map</a>.</p>", c->id);
	html_str(h, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-"
		    "visually-hidden\">The cluster's schools</caption><thead class=\"govuk-table__"
		    "head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__"
		    "header\">School</th><th scope=\"col\" class=\"govuk-table__header\">Phase</th>"
		    "<th scope=\"col\" class=\"govuk-table__header\">Category</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">Ofsted</th></tr></thead><tbody class=\"govuk-"
		    "table__body\">");
	for (size_t i = 0; i < d->n_schools; i++) {
		const struct view_school *s = d->schools[i];
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
			    "class=\"govuk-link\" href=\"/schools/%u\">%s</a></td><td class=\"govuk-"
			    "table__cell\">%s</td><td class=\"govuk-table__cell\"><strong class=\"govuk-"
			    "tag %r\">%s</strong></td><td class=\"govuk-table__cell\">%s</td></tr>",
			 s->urn, s->name, view_phase_name(s->phase), page_category_tag(s->category),
			 s->category[0] ? s->category : "None",
			 s->ofsted ? view_ofsted_name(s->ofsted) : "");
	}
	html_str(h, "</tbody></table>");
	page_end(h);
}
