/* chart: a school's achievement over the years against the LA's and England's, as an inline
 * SVG line chart (no script, no image to fetch) with the same figures in a table after it,
 * for screen readers and for anyone who wants the numbers. The measure is the headline one
 * of the key stage of the school's latest results: at key stage 2 (and in N2GG's own
 * format) the share of pupils at the expected standard, at key stage 4 the share with
 * grade 5 or above in English and maths. Part of pages (pure). */
#include <stdio.h>
#include <string.h>

#include "pages.h"

#define CHART_MAX_YEARS 32
#define CHART_W 640
#define CHART_H 260
#define CHART_LEFT 48
#define CHART_RIGHT 16
#define CHART_TOP 16
#define CHART_BOTTOM 40

struct chart_series {
	const char *label, *css;
	double value[CHART_MAX_YEARS];
	bool known[CHART_MAX_YEARS];
};

static bool chart_ks4(int key_stage)
{
	return key_stage == N2GG__V1__KEY_STAGE__KEY_STAGE_4;
}

/* The headline measure of one year's results, if it was published as a number. */
static bool chart_measure(const N2gg__V1__Achievement *a, bool ks4, double *out)
{
	const N2gg__V1__Measure *m = ks4 ? a->english_maths_5_pct : a->expected_standard;
	if (m) {
		if (m->marker[0])
			return false;   /* suppressed, not published...: not a zero */
		*out = m->value;
		return true;
	}
	if (ks4)
		return false;
	*out = a->expected_standard_pct;
	return a->expected_standard_pct > 0 || a->key_stage == N2GG__V1__KEY_STAGE__KEY_STAGE_UNSPECIFIED;
}

void page_achievement_chart(struct html *h, const N2gg__V1__School *s,
			    const N2gg__V1__Comparator *const *comparators, size_t n)
{
	if (!s->n_achievement) {
		html_str(h, "<p class=\"govuk-body\">No results on record.</p>");
		return;
	}
	bool ks4 = chart_ks4(s->achievement[s->n_achievement - 1]->key_stage);
	unsigned years[CHART_MAX_YEARS];
	size_t ny = 0;
	struct chart_series series[3] = {{"This school", "dash-line-school", {0}, {0}},
					 {"LA average", "dash-line-la", {0}, {0}},
					 {"England average", "dash-line-england", {0}, {0}}};
	for (size_t i = 0; i < s->n_achievement && ny < CHART_MAX_YEARS; i++) {
		const N2gg__V1__Achievement *a = s->achievement[i];
		if (chart_ks4(a->key_stage) != ks4)
			continue;
		double v;
		size_t y = 0;
		while (y < ny && years[y] != a->year)
			y++;
		if (y == ny)
			years[ny++] = a->year;
		if (chart_measure(a, ks4, &v)) {
			series[0].value[y] = v;
			series[0].known[y] = true;
		}
	}
	for (size_t c = 0; c < n; c++) {
		const N2gg__V1__Comparator *cmp = comparators[c];
		if (!cmp->achievement || chart_ks4(cmp->key_stage) != ks4)
			continue;
		int which = cmp->area == N2GG__V1__COMPARATOR_AREA__AREA_LA	 ? 1
			    : cmp->area == N2GG__V1__COMPARATOR_AREA__AREA_ENGLAND ? 2
										   : 0;
		double v;
		for (size_t y = 0; which && y < ny; y++)
			if (years[y] == cmp->year && chart_measure(cmp->achievement, ks4, &v)) {
				series[which].value[y] = v;
				series[which].known[y] = true;
			}
	}
	/* years in order (they come oldest first per key stage, but be sure) */
	for (size_t i = 1; i < ny; i++)
		for (size_t j = i; j > 0 && years[j - 1] > years[j]; j--) {
			unsigned t = years[j];
			years[j] = years[j - 1];
			years[j - 1] = t;
			for (int k = 0; k < 3; k++) {
				double tv = series[k].value[j];
				bool tk = series[k].known[j];
				series[k].value[j] = series[k].value[j - 1];
				series[k].known[j] = series[k].known[j - 1];
				series[k].value[j - 1] = tv;
				series[k].known[j - 1] = tk;
			}
		}
	const char *measure = ks4 ? "Pupils with grade 5 or above in English and maths (%)"
				  : "Pupils at the expected standard in reading, writing and maths (%)";
	int plot_w = CHART_W - CHART_LEFT - CHART_RIGHT, plot_h = CHART_H - CHART_TOP - CHART_BOTTOM;
	html_fmt(h, "<figure class=\"dash-chart\"><figcaption class=\"govuk-body\">%s, by "
		    "school year</figcaption><svg viewBox=\"0 0 %d %d\" role=\"img\" "
		    "aria-labelledby=\"chart-title\" xmlns=\"http://www.w3.org/2000/svg\">"
		    "<title id=\"chart-title\">%s: this school against the LA and England (the "
		    "figures are in the table below)</title>",
		 measure, CHART_W, CHART_H, measure);
	for (int pct = 0; pct <= 100; pct += 25) {
		double y = CHART_TOP + plot_h * (1.0 - pct / 100.0);
		html_fmt(h, "<line class=\"dash-grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
			    "<text class=\"dash-axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>",
			 CHART_LEFT, y, CHART_W - CHART_RIGHT, y, CHART_LEFT - 6, y + 4, pct);
	}
	double step = ny > 1 ? (double)plot_w / (double)(ny - 1) : 0;
	for (size_t y = 0; y < ny; y++)
		html_fmt(h, "<text class=\"dash-axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%u</text>",
			 CHART_LEFT + (ny > 1 ? step * (double)y : plot_w / 2.0), CHART_H - 14,
			 years[y]);
	for (int k = 0; k < 3; k++) {
		html_fmt(h, "<g class=\"%r\"><polyline fill=\"none\" points=\"", series[k].css);
		for (size_t y = 0; y < ny; y++)
			if (series[k].known[y])
				html_fmt(h, "%.1f,%.1f ", CHART_LEFT + (ny > 1 ? step * (double)y : plot_w / 2.0),
					 CHART_TOP + plot_h * (1.0 - series[k].value[y] / 100.0));
		html_str(h, "\"/>");
		for (size_t y = 0; y < ny; y++)
			if (series[k].known[y])
				html_fmt(h, "<circle r=\"4\" cx=\"%.1f\" cy=\"%.1f\"/>",
					 CHART_LEFT + (ny > 1 ? step * (double)y : plot_w / 2.0),
					 CHART_TOP + plot_h * (1.0 - series[k].value[y] / 100.0));
		html_str(h, "</g>");
	}
	html_str(h, "</svg><ul class=\"dash-legend govuk-list\">");
	for (int k = 0; k < 3; k++)
		html_fmt(h, "<li><span class=\"dash-key %r\"></span>%r</li>", series[k].css,
			 series[k].label);
	html_str(h, "</ul></figure>");

	html_fmt(h, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
		    "govuk-table__caption--s\">%s</caption><thead class=\"govuk-table__head\"><tr "
		    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Year"
		    "</th>",
		 measure);
	for (int k = 0; k < 3; k++)
		html_fmt(h, "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">%r</th>",
			 series[k].label);
	html_str(h, "</tr></thead><tbody class=\"govuk-table__body\">");
	for (size_t y = 0; y < ny; y++) {
		html_fmt(h, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">"
			    "%u/%02u</th>",
			 years[y] - 1, years[y] % 100);
		for (int k = 0; k < 3; k++) {
			if (series[k].known[y])
				html_fmt(h, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%.1f</td>",
					 series[k].value[y]);
			else
				html_str(h, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">"
					    "not published</td>");
		}
		html_str(h, "</tr>");
	}
	html_str(h, "</tbody></table>");
}
