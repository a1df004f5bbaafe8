/* pages_map: the schools on a map, coloured by LA category — an inline SVG drawn from their
 * British National Grid easting and northing (metres on a flat grid, so a linear scale with
 * north up is a true map; no tile server, no script). Each school is a link named for
 * screen readers; the colours have a legend and the same schools are in a table after the
 * map, so nothing is told by colour alone. Part of pages (pure). */

#include "pages.h"

#define MAP_W 640
#define MAP_PAD 12
#define MAP_H_MIN 240
#define MAP_H_MAX 900

static const char *const map_category_class[VIEW_CATEGORIES] = {
	"dash-cat-a", "dash-cat-b", "dash-cat-c", "dash-cat-d", "dash-cat-e", "dash-cat-f",
	"dash-cat-none"};

static bool map_placed(const struct view_school *s)
{
	return s->easting > 0 && s->northing > 0;
}

struct map_frame {
	double e0, n1, scale;   /* west edge, north edge, pixels a metre */
	int height;
};

/* The smallest box that holds every placed school, scaled to the map's width (and a height
 * within bounds: a single school, or schools in a line, still get a sensible map). */
static bool map_frame(struct map_frame *f, const struct view_school *const *s, size_t n)
{
	double e0 = 0, e1 = 0, n0 = 0, n1 = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (!map_placed(s[i]))
			continue;
		double e = s[i]->easting, no = s[i]->northing;
		if (!any || e < e0) e0 = e;
		if (!any || e > e1) e1 = e;
		if (!any || no < n0) n0 = no;
		if (!any || no > n1) n1 = no;
		any = true;
	}
	if (!any)
		return false;
	double span_e = e1 - e0 > 1000 ? e1 - e0 : 1000, span_n = n1 - n0 > 1000 ? n1 - n0 : 1000;
	f->scale = (MAP_W - 2.0 * MAP_PAD) / span_e;
	double h = span_n * f->scale + 2 * MAP_PAD;
	if (h > MAP_H_MAX) {
		f->scale = (MAP_H_MAX - 2.0 * MAP_PAD) / span_n;
		h = MAP_H_MAX;
	}
	f->height = h < MAP_H_MIN ? MAP_H_MIN : (int)h;
	/* centre what is drawn in the box */
	f->e0 = e0 - ((MAP_W - 2.0 * MAP_PAD) / f->scale - (e1 - e0)) / 2;
	f->n1 = n1 + ((f->height - 2.0 * MAP_PAD) / f->scale - (n1 - n0)) / 2;
	return true;
}

static void map_legend(struct html *h)
{
	static const char *const names[VIEW_CATEGORIES] = {"A", "B", "C", "D", "E", "F",
							   "Not categorised"};
	html_str(h, "<ul class=\"govuk-list dash-legend\" aria-label=\"Key\">");
	for (int c = 0; c < VIEW_CATEGORIES; c++)
		html_fmt(h, "<li><span class=\"dash-swatch %r\"></span>%r%r</li>", map_category_class[c],
			 c < VIEW_CATEGORIES - 1 ? "Category " : "", names[c]);
	html_str(h, "</ul>");
}

static void map_svg(struct html *h, const struct view_school *const *s, size_t n,
		    const struct map_frame *f)
{
	html_fmt(h, "<svg class=\"dash-map\" viewBox=\"0 0 %d %d\" role=\"group\" "
		    "aria-labelledby=\"map-title\" xmlns=\"http://www.w3.org/2000/svg\">"
		    "<title id=\"map-title\">Map of the schools by LA category: each point is a link "
		    "to the school (the schools are also in the table below)</title>"
		    "<rect class=\"dash-map-ground\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>",
		 MAP_W, f->height, MAP_W, f->height);
	/* the uncategorised first and F last: the schools that need most are drawn on top */
	static const int order[VIEW_CATEGORIES] = {6, 0, 1, 2, 3, 4, 5};
	for (int k = 0; k < VIEW_CATEGORIES; k++) {
		for (size_t i = 0; i < n; i++) {
			const struct view_school *v = s[i];
			int c = view_category_index(v->category);
			if (c != order[k] || !map_placed(v))
				continue;
			double x = MAP_PAD + (v->easting - f->e0) * f->scale;
			double y = MAP_PAD + (f->n1 - v->northing) * f->scale;
			html_fmt(h, "<a href=\"/schools/%u\" class=\"dash-pin %r\" aria-label=\"%s, %s\">"
				    "<title>%s: %s</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\"/></a>",
				 v->urn, map_category_class[c], v->name,
				 v->category[0] ? v->category : "not categorised", v->name,
				 v->category[0] ? v->category : "not categorised", x, y);
		}
	}
	html_str(h, "</svg>");
}

static void map_table(struct html *h, const struct view_school *const *s, size_t n)
{
	html_str(h, "<table class=\"govuk-table dash-table-compact\"><caption class=\"govuk-table__"
		    "caption govuk-table__caption--m\">The schools on the map</caption><thead "
		    "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
		    "class=\"govuk-table__header\">School</th><th scope=\"col\" class=\"govuk-table__"
		    "header\">Category</th><th scope=\"col\" class=\"govuk-table__header\">Cluster</th>"
		    "<th scope=\"col\" class=\"govuk-table__header\">Town</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">On the map</th></tr></thead><tbody "
		    "class=\"govuk-table__body\">");
	for (size_t i = 0; i < n; i++) {
		const struct view_school *v = s[i];
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
			    "class=\"govuk-link\" href=\"/schools/%u\">%s</a></td><td class=\"govuk-"
			    "table__cell\"><strong class=\"govuk-tag %r\">%s</strong></td><td "
			    "class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td>"
			    "<td class=\"govuk-table__cell\">%r</td></tr>",
			 v->urn, v->name, page_category_tag(v->category),
			 v->category[0] ? v->category : "None",
			 v->cluster_name[0] ? v->cluster_name : v->cluster_id, v->town,
			 map_placed(v) ? "Yes" : "No: no grid reference on record");
	}
	html_str(h, "</tbody></table>");
}

void page_map(struct html *h, const struct page_user *u, const struct page_schools_data *d)
{
	static const struct page_option categories[] = {
		{"A", "A"}, {"B", "B"}, {"C", "C"}, {"D", "D"}, {"E", "E"}, {"F", "F"},
		{"none", "None"}};
	const struct view_filter *f = &d->filter;
	page_begin(h, u, "Map of the schools", "map");
	html_str(h, "<h1 class=\"govuk-heading-l\">Map of the schools</h1>\n<form method=\"get\" "
		    "action=\"/map\" class=\"dash-filters\">");
	page_select(h, "category", "LA category", f->category, categories, 7);
	page_select(h, "cluster", "Cluster", f->cluster, d->clusters, d->n_clusters);
	html_str(h, "<div class=\"govuk-button-group\"><button type=\"submit\" class=\"govuk-button\" "
		    "data-module=\"govuk-button\">Show on the map</button><a class=\"govuk-link\" "
		    "href=\"/map\">Show every school</a></div></form>\n");
	struct html q;
	html_init(&q);
	view_filter_query(f, &q);
	size_t placed = 0;
	for (size_t i = 0; i < d->n_schools; i++)
		placed += map_placed(d->schools[i]);
	html_fmt(h, "<p class=\"govuk-body\" role=\"status\">%zu schools, %zu of them on the map. "
		    "<a class=\"govuk-link\" href=\"/schools%r%s\">The same schools as a list</a></p>\n",
		 d->n_schools, placed, q.len ? "?" : "", q.data ? q.data : "");
	html_free(&q);
	struct map_frame frame;
	if (map_frame(&frame, d->schools, d->n_schools)) {
		html_str(h, "<figure class=\"dash-chart\">");
		map_svg(h, d->schools, d->n_schools, &frame);
		html_str(h, "<figcaption class=\"govuk-body-s\">North is up. ");
		map_legend(h);
		html_str(h, "</figcaption></figure>\n");
	}
	map_table(h, d->schools, d->n_schools);
	page_end(h);
}
