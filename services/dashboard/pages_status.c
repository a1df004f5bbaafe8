/* pages_status: the system status page — whether the dashboard is ready and, for each of
 * the four services it follows, what its own subscriber sees: how far it has applied
 * against the head it has heard of (the lag: what the pages do not show yet), when it last
 * heard from it and the identity of the log it follows (a store made anew or restored from
 * an older backup shows as another identity, and following stops). Part of pages (pure). */

#include "pages.h"

static void status_ago(struct html *h, int64_t now_ms, int64_t then_ms)
{
	if (!then_ms) {
		html_str(h, "Never");
		return;
	}
	int64_t s = (now_ms - then_ms) / 1000;
	if (s < 0)
		s = 0;
	html_fmt(h, "%lld seconds ago", (long long)s);
}

void page_status(struct html *h, const struct page_user *u, const struct page_status_data *d)
{
	page_begin(h, u, "System status", "status");
	html_fmt(h, "<h1 class=\"govuk-heading-l\">System status</h1>\n<p class=\"govuk-body-l\">"
		    "<strong class=\"govuk-tag %r\">%r</strong> The dashboard %r</p>\n",
		 d->n_not_ready ? "govuk-tag--red" : "govuk-tag--green",
		 d->n_not_ready ? "Not ready" : "Ready",
		 d->n_not_ready ? "is behind or cut off: its pages may not show the latest changes."
				: "has every change the services have told it of.");
	if (d->n_not_ready) {
		html_str(h, "<ul class=\"govuk-list govuk-list--bullet\">");
		for (size_t i = 0; i < d->n_not_ready; i++)
			html_fmt(h, "<li>%s</li>", d->not_ready[i]);
		html_str(h, "</ul>");
	}
	html_str(h, "<h2 class=\"govuk-heading-m\">The services it follows</h2><table "
		    "class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-visually-hidden\">"
		    "Each service's events as the dashboard has them</caption><thead class=\"govuk-"
		    "table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__"
		    "header\">Service</th><th scope=\"col\" class=\"govuk-table__header\">State</th><th "
		    "scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Applied"
		    "</th><th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">"
		    "Latest heard of</th><th scope=\"col\" class=\"govuk-table__header govuk-table__"
		    "header--numeric\">Lag</th><th scope=\"col\" class=\"govuk-table__header\">Last "
		    "heard from</th><th scope=\"col\" class=\"govuk-table__header\">Log identity</th>"
		    "</tr></thead><tbody class=\"govuk-table__body\">");
	for (size_t i = 0; i < d->n_upstreams; i++) {
		const struct page_upstream *p = &d->upstreams[i];
		uint64_t lag = p->head > p->cursor ? p->head - p->cursor : 0;
		html_fmt(h, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__"
			    "header\">%s</th><td class=\"govuk-table__cell\"><strong class=\"govuk-tag "
			    "%r\">%r</strong> %s</td><td class=\"govuk-table__cell govuk-table__cell--"
			    "numeric\">%llu</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">"
			    "%llu</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">%llu</td>"
			    "<td class=\"govuk-table__cell\">",
			 p->source, p->not_ready[0] ? "govuk-tag--red" : "govuk-tag--green",
			 p->not_ready[0] ? "Not ready" : "Ready", p->not_ready,
			 (unsigned long long)p->cursor, (unsigned long long)p->head,
			 (unsigned long long)lag);
		status_ago(h, d->now_ms, p->last_heard_ms);
		html_fmt(h, "</td><td class=\"govuk-table__cell\"><code>%s</code></td></tr>",
			 p->log_id[0] ? p->log_id : "not heard yet");
	}
	html_str(h, "</tbody></table>\n<h2 class=\"govuk-heading-m\">The dashboard</h2><dl "
		    "class=\"govuk-summary-list\">");
	html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
		    "Version</dt><dd class=\"govuk-summary-list__value\">%s</dd></div><div "
		    "class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Started</dt>"
		    "<dd class=\"govuk-summary-list__value\">",
		 d->version);
	page_time(h, d->started_ms);
	html_fmt(h, " (UTC)</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-"
		    "summary-list__key\">Its own log</dt><dd class=\"govuk-summary-list__value\">%llu "
		    "events, identity <code>%s</code></dd></div></dl>",
		 (unsigned long long)d->head, d->log_id);
	page_end(h);
}
