/* pages_mi: Management Information sheets — the list with how many have answered, and a
 * sheet's page: who has answered, who has not with the contacts to chase them by, and the
 * answers question by question; and its CSV export (through csvwrite, so an answer that
 * looks like a formula stays text in a spreadsheet). Part of pages (pure). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "pages.h"

void page_mi_list(struct html *h, const struct page_user *u, const struct page_mi_line *lines,
		  size_t n)
{
	page_begin(h, u, "MI sheets", "mi");
	html_fmt(h, "<h1 class=\"govuk-heading-l\">MI sheets</h1>\n<p class=\"govuk-body\">%zu "
		    "Management Information sheets, the latest first.</p>\n",
		 n);
	if (u && (u->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_OFFICER ||
		  u->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_ADMIN))
		html_str(h, "<p class=\"govuk-body\"><a class=\"govuk-button\" href=\"/mi/new\">"
			    "Publish an MI sheet</a></p>\n");
	html_str(h, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-"
		    "visually-hidden\">MI sheets</caption><thead class=\"govuk-table__head\"><tr "
		    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Number"
		    "</th><th scope=\"col\" class=\"govuk-table__header\">Title</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">Type</th><th scope=\"col\" class=\"govuk-table__"
		    "header\">Published</th><th scope=\"col\" class=\"govuk-table__header\">Complete "
		    "by</th><th scope=\"col\" class=\"govuk-table__header\">Answered</th></tr></thead>"
		    "<tbody class=\"govuk-table__body\">");
	for (size_t i = 0; i < n; i++) {
		const N2gg__V1__MiSheet *s = lines[i].sheet;
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
			    "class=\"govuk-link\" href=\"/mi/%s\">%s</a></td><td class=\"govuk-table__"
			    "cell\">%s%r</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
			    "table__cell\">%s%r</td><td class=\"govuk-table__cell\">%s</td><td "
			    "class=\"govuk-table__cell\">",
			 s->number, s->number, s->title, s->withdrawn ? " (withdrawn)" : "",
			 view_mi_type_name(s->type), s->publication_date,
			 s->issued ? "" : " (scheduled)", s->complete_by);
		if (s->type == N2GG__V1__MI_TYPE__MI_ACTION)
			html_fmt(h, "%u of %u", lines[i].responded, lines[i].audience);
		html_str(h, "</td></tr>");
	}
	html_str(h, "</tbody></table>");
	page_end(h);
}

static const char *mi_answer(const N2gg__V1__MiResponse *r, uint32_t question)
{
	for (size_t i = 0; r && i < r->n_answers; i++)
		if (r->answers[i]->question == question)
			return r->answers[i]->answer;
	return "";
}

static void mi_status_table(struct html *h, const struct page_mi_data *d)
{
	html_fmt(h, "<h2 class=\"govuk-heading-m\" id=\"responses\">Responses</h2><p "
		    "class=\"govuk-body\">%u of %zu have answered. <a class=\"govuk-link\" "
		    "href=\"/mi/%s.csv\" download>Download the responses (CSV)</a></p>",
		 d->responded, d->n_parties, d->sheet->number);
	html_str(h, "<table class=\"govuk-table dash-table-compact\"><caption class=\"govuk-table__"
		    "caption govuk-visually-hidden\">Who has answered, and whom to chase</caption>"
		    "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
		    "class=\"govuk-table__header\">School or cluster</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">Answered</th><th scope=\"col\" class=\"govuk-table__"
		    "header\">Headteacher</th><th scope=\"col\" class=\"govuk-table__header\">Chair"
		    "</th></tr></thead><tbody class=\"govuk-table__body\">");
	for (size_t i = 0; i < d->n_parties; i++) {
		const struct page_mi_party *p = &d->parties[i];
		html_str(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
		if (p->urn)
			html_fmt(h, "<a class=\"govuk-link\" href=\"/schools/%u\">%s</a>", p->urn, p->name);
		else
			html_fmt(h, "<a class=\"govuk-link\" href=\"/clusters/%s\">%s</a>", p->cluster_id,
				 p->name);
		html_str(h, "</td><td class=\"govuk-table__cell\">");
		if (p->response) {
			html_fmt(h, "<strong class=\"govuk-tag govuk-tag--green\">Yes</strong> %s, ",
				 p->response->respondent);
			page_time(h, p->response->unix_ms);
		} else {
			html_str(h, "<strong class=\"govuk-tag govuk-tag--red\">Not yet</strong>");
		}
		html_str(h, "</td><td class=\"govuk-table__cell\">");
		if (p->urn)
			page_contact(h, p->head);
		html_str(h, "</td><td class=\"govuk-table__cell\">");
		page_contact(h, p->chair);
		html_str(h, "</td></tr>");
	}
	html_str(h, "</tbody></table>");
}

static void mi_answers(struct html *h, const struct page_mi_data *d)
{
	const N2gg__V1__MiSheet *s = d->sheet;
	if (!s->n_questions)
		return;
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"answers\">Answers</h2>");
	for (size_t q = 0; q < s->n_questions; q++) {
		const N2gg__V1__MiQuestion *mq = s->questions[q];
		html_fmt(h, "<h3 class=\"govuk-heading-s\">%u. %s</h3>", mq->number, mq->text);
		if (mq->n_options) {
			html_str(h, "<ul class=\"govuk-list govuk-list--bullet\">");
			for (size_t o = 0; o < mq->n_options; o++) {
				unsigned count = 0;
				for (size_t i = 0; i < d->n_parties; i++)
					count += d->parties[i].response &&
						 strcmp(mi_answer(d->parties[i].response, mq->number),
							mq->options[o]) == 0;
				html_fmt(h, "<li>%s: %u</li>", mq->options[o], count);
			}
			html_str(h, "</ul>");
			continue;
		}
		html_str(h, "<ul class=\"govuk-list govuk-list--bullet\">");
		for (size_t i = 0; i < d->n_parties; i++) {
			const char *a = mi_answer(d->parties[i].response, mq->number);
			if (a[0])
				html_fmt(h, "<li>%s: %s</li>", d->parties[i].name, a);
		}
		html_str(h, "</ul>");
	}
}

void page_mi(struct html *h, const struct page_user *u, const struct page_mi_data *d)
{
	const N2gg__V1__MiSheet *s = d->sheet;
	page_begin(h, u, s->title[0] ? s->title : "MI sheet", "mi");
	html_fmt(h, "<span class=\"govuk-caption-l\">MI %s, %s</span><h1 class=\"govuk-heading-l\">"
		    "%s</h1>\n",
		 s->number, view_mi_type_name(s->type), s->title);
	if (s->withdrawn)
		html_fmt(h, "<div class=\"govuk-warning-text\"><strong class=\"govuk-warning-text__"
			    "text\">Withdrawn: %s</strong></div>",
			 s->withdrawal_reason);
	html_fmt(h, "<dl class=\"govuk-summary-list\"><div class=\"govuk-summary-list__row\"><dt "
		    "class=\"govuk-summary-list__key\">Published</dt><dd class=\"govuk-summary-list__"
		    "value\">%s%r by %s</dd></div>",
		 s->publication_date, s->issued ? "" : " (scheduled)", s->published_by);
	if (s->complete_by[0])
		html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__"
			    "key\">To be completed by</dt><dd class=\"govuk-summary-list__value\">%s"
			    "</dd></div>",
			 s->complete_by);
	html_fmt(h, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
		    "LA contact</dt><dd class=\"govuk-summary-list__value\">%s %s</dd></div></dl>\n"
		    "<div class=\"govuk-inset-text\">%s</div>\n",
		 s->contact_name, s->contact_phone, s->body);
	if (s->type == N2GG__V1__MI_TYPE__MI_ACTION)
		mi_status_table(h, d);
	else
		html_fmt(h, "<p class=\"govuk-body\">For information: it went to %zu schools and "
			    "needs no answer.</p>",
			 d->n_parties);
	mi_answers(h, d);
	page_end(h);
}

void page_mi_csv(struct html *h, const struct page_mi_data *d)
{
	const N2gg__V1__MiSheet *s = d->sheet;
	size_t fixed = 7, n = fixed + s->n_questions;
	const char **fields = calloc(n, sizeof *fields);
	char **heads = calloc(s->n_questions + 1, sizeof *heads);
	char *csv = NULL;
	size_t len = 0;
	FILE *out = fields && heads ? open_memstream(&csv, &len) : NULL;
	if (out) {
		const char *head[] = {"URN", "School or cluster", "Cluster", "Answered",
				      "Respondent", "Answered at", "Note"};
		memcpy(fields, head, sizeof head);
		for (size_t q = 0; q < s->n_questions; q++) {
			struct html t;
			html_init(&t);
			html_fmt(&t, "%u. %r", s->questions[q]->number, s->questions[q]->text);
			heads[q] = html_take(&t, NULL);
			fields[fixed + q] = heads[q] ? heads[q] : "";
		}
		csvwrite_row(out, fields, n);
		for (size_t i = 0; i < d->n_parties; i++) {
			const struct page_mi_party *p = &d->parties[i];
			const N2gg__V1__MiResponse *r = p->response;
			char urn[16], when[32] = "";
			snprintf(urn, sizeof urn, "%u", p->urn);
			if (r) {
				struct html t;
				html_init(&t);
				page_time(&t, r->unix_ms);
				snprintf(when, sizeof when, "%s", t.data ? t.data : "");
				html_free(&t);
			}
			const char *row[] = {p->urn ? urn : "", p->name, p->cluster_id,
					     r ? "yes" : "no", r ? r->respondent : "", when,
					     r ? r->note : ""};
			memcpy(fields, row, sizeof row);
			for (size_t q = 0; q < s->n_questions; q++)
				fields[fixed + q] = mi_answer(r, s->questions[q]->number);
			csvwrite_row(out, fields, n);
		}
		if (fclose(out) == 0 && csv)
			html_raw(h, csv, len);
	}
	free(csv);
	for (size_t q = 0; heads && q < s->n_questions; q++)
		free(heads[q]);
	free(heads);
	free((void *)fields);
}
