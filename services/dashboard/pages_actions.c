/* pages_actions: see pages_actions.h. */
#include "pages_actions.h"

#include <stdio.h>
#include <string.h>

#include "view.h"

/* ---- the parts of every form ---- */

static const char *page_value(const struct page_form *f, const char *name)
{
	return f->values ? form_get(f->values, name) : "";
}

/* Whether a field `name` was sent with `value` (a ticked box of a set, a chosen radio). */
static bool page_chosen(const struct page_form *f, const char *name, const char *value)
{
	for (size_t i = 0; f->values && i < f->values->count; i++)
		if (strcmp(f->values->fields[i].name, name) == 0 &&
		    strcmp(f->values->fields[i].value, value) == 0)
			return true;
	return false;
}

static const char *page_error_of(const struct page_form *f, const char *name)
{
	return f->errors ? action_error_of(f->errors, name) : NULL;
}

/* The id of a page's form; a second form on the page (clearing an override) has its own. */
#define PAGE_FORM_ID "form"
#define PAGE_SECOND_FORM_ID "second-form"

/* The error summary: each message links to its field (the form itself, `form_id`, when it
 * names none, as a service's refusal does). */
static void page_error_summary_of(struct html *h, const struct page_form *f, const char *form_id)
{
	if (!f->errors || !f->errors->count)
		return;
	html_str(h, "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\"><div "
		    "role=\"alert\"><h2 class=\"govuk-error-summary__title\">There is a problem</h2>"
		    "<div class=\"govuk-error-summary__body\"><ul class=\"govuk-list "
		    "govuk-error-summary__list\">");
	for (size_t i = 0; i < f->errors->count; i++) {
		const struct action_error *e = &f->errors->items[i];
		html_fmt(h, "<li><a href=\"#%s\">%s</a></li>",
			 e->field[0] ? e->field : form_id, e->message);
	}
	html_str(h, "</ul></div></div></div>\n");
}

static void page_error_summary(struct html *h, const struct page_form *f)
{
	page_error_summary_of(h, f, PAGE_FORM_ID);
}

static void page_form_open_as(struct html *h, const struct page_user *u, const struct page_form *f,
			      const char *form_id)
{
	html_fmt(h, "<form method=\"post\" action=\"%s\" novalidate id=\"%s\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
		 f->action, form_id, u->csrf);
}

static void page_form_open(struct html *h, const struct page_user *u, const struct page_form *f)
{
	page_form_open_as(h, u, f, PAGE_FORM_ID);
}

/* A group's opening: the error class, then (after the label or legend) hint and error. */
static void page_group_open(struct html *h, const struct page_form *f, const char *name)
{
	html_fmt(h, "<div class=\"govuk-form-group%r\">",
		 page_error_of(f, name) ? " govuk-form-group--error" : "");
}

static void page_hint_error(struct html *h, const struct page_form *f, const char *name,
			    const char *hint)
{
	if (hint)
		html_fmt(h, "<div id=\"%s-hint\" class=\"govuk-hint\">%s</div>", name, hint);
	const char *err = page_error_of(f, name);
	if (err)
		html_fmt(h, "<p id=\"%s-error\" class=\"govuk-error-message\"><span "
			    "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
			 name, err);
}

static void page_described(struct html *h, const struct page_form *f, const char *name,
			   const char *hint)
{
	const char *err = page_error_of(f, name);
	if (!hint && !err)
		return;
	html_str(h, " aria-describedby=\"");
	if (hint)
		html_fmt(h, "%s-hint", name);
	if (err)
		html_fmt(h, "%r%s-error", hint ? " " : "", name);
	html_str(h, "\"");
}

static void page_input(struct html *h, const struct page_form *f, const char *name,
		       const char *label, const char *hint, const char *width)
{
	page_group_open(h, f, name);
	html_fmt(h, "<label class=\"govuk-label\" for=\"%s\">%s</label>", name, label);
	page_hint_error(h, f, name, hint);
	html_fmt(h, "<input class=\"govuk-input %r%r\" id=\"%s\" name=\"%s\" type=\"text\" "
		    "value=\"%s\"",
		 width, page_error_of(f, name) ? " govuk-input--error" : "", name, name,
		 page_value(f, name));
	page_described(h, f, name, hint);
	html_str(h, "></div>\n");
}

static void page_textarea(struct html *h, const struct page_form *f, const char *name,
			  const char *label, const char *hint, int rows)
{
	page_group_open(h, f, name);
	html_fmt(h, "<label class=\"govuk-label\" for=\"%s\">%s</label>", name, label);
	page_hint_error(h, f, name, hint);
	html_fmt(h, "<textarea class=\"govuk-textarea%r\" id=\"%s\" name=\"%s\" rows=\"%d\"",
		 page_error_of(f, name) ? " govuk-textarea--error" : "", name, name, rows);
	page_described(h, f, name, hint);
	html_fmt(h, ">%s</textarea></div>\n", page_value(f, name));
}

/* Radios (multi false) or checkboxes of one field: the first input's id is the field's
 * name, so the error summary's link lands on it. */
static void page_choices(struct html *h, const struct page_form *f, const char *name,
			 const char *legend, const char *hint, const struct page_option *opts,
			 size_t n, bool multi)
{
	page_group_open(h, f, name);
	html_fmt(h, "<fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
		    "govuk-fieldset__legend--s\">%s</legend>",
		 legend);
	page_hint_error(h, f, name, hint);
	html_fmt(h, "<div class=\"govuk-%r%r\" data-module=\"govuk-%r\">", multi ? "checkboxes" : "radios",
		 multi ? " govuk-checkboxes--small" : " govuk-radios--inline",
		 multi ? "checkboxes" : "radios");
	const char *kind = multi ? "checkboxes" : "radios";
	for (size_t i = 0; i < n; i++) {
		char id[96];
		snprintf(id, sizeof id, i ? "%s-%zu" : "%s", name, i);
		html_fmt(h, "<div class=\"govuk-%r__item\"><input class=\"govuk-%r__input\" id=\"%s\" "
			    "name=\"%s\" type=\"%r\" value=\"%s\"%r><label class=\"govuk-label "
			    "govuk-%r__label\" for=\"%s\">%s</label></div>",
			 kind, kind, id, name, multi ? "checkbox" : "radio", opts[i].value,
			 page_chosen(f, name, opts[i].value) ? " checked" : "", kind, id,
			 opts[i].label);
	}
	html_str(h, "</div></fieldset></div>\n");
}

/* Separate yes/no fields as one set of checkboxes (names[i] is sent as "yes" when ticked). */
static void page_ticks(struct html *h, const struct page_form *f, const char *legend,
		       const struct page_option *boxes, size_t n)
{
	page_group_open(h, f, boxes[0].value);
	html_fmt(h, "<fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
		    "govuk-fieldset__legend--s\">%s</legend>",
		 legend);
	page_hint_error(h, f, boxes[0].value, NULL);
	html_str(h, "<div class=\"govuk-checkboxes govuk-checkboxes--small\" "
		    "data-module=\"govuk-checkboxes\">");
	for (size_t i = 0; i < n; i++)
		html_fmt(h, "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__"
			    "input\" id=\"%s\" name=\"%s\" type=\"checkbox\" value=\"yes\"%r><label "
			    "class=\"govuk-label govuk-checkboxes__label\" for=\"%s\">%s</label></div>",
			 boxes[i].value, boxes[i].value,
			 page_chosen(f, boxes[i].value, "yes") ? " checked" : "", boxes[i].value,
			 boxes[i].label);
	html_str(h, "</div></fieldset></div>\n");
}

static void page_select_field(struct html *h, const struct page_form *f, const char *name,
			      const char *label, const char *hint, const struct page_option *opts,
			      size_t n)
{
	page_group_open(h, f, name);
	html_fmt(h, "<label class=\"govuk-label\" for=\"%s\">%s</label>", name, label);
	page_hint_error(h, f, name, hint);
	html_fmt(h, "<select class=\"govuk-select%r\" id=\"%s\" name=\"%s\"",
		 page_error_of(f, name) ? " govuk-select--error" : "", name, name);
	page_described(h, f, name, hint);
	html_str(h, "><option value=\"\">Choose</option>");
	for (size_t i = 0; i < n; i++)
		html_fmt(h, "<option value=\"%s\"%r>%s</option>", opts[i].value,
			 strcmp(opts[i].value, page_value(f, name)) == 0 ? " selected" : "",
			 opts[i].label);
	html_str(h, "</select></div>\n");
}

static void page_submit(struct html *h, const char *label, const char *cancel_href)
{
	html_fmt(h, "<div class=\"govuk-button-group\"><button type=\"submit\" class=\"govuk-button\" "
		    "data-module=\"govuk-button\">%s</button>",
		 label);
	if (cancel_href)
		html_fmt(h, "<a class=\"govuk-link\" href=\"%s\">Cancel</a>", cancel_href);
	html_str(h, "</div>\n</form>\n");
}

static void page_school_heading(struct html *h, const N2gg__V1__School *s, const char *title)
{
	html_fmt(h, "<a href=\"/schools/%u\" class=\"govuk-back-link\">Back to the school</a>"
		    "<span class=\"govuk-caption-l\">%s, URN %u</span><h1 class=\"govuk-heading-l\">"
		    "%s</h1>\n",
		 s->urn, s->name, s->urn, title);
}

static void page_two_thirds(struct html *h)
{
	html_str(h, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">\n");
}

static void page_two_thirds_end(struct html *h)
{
	html_str(h, "</div></div>\n");
}

static const struct page_option page_categories[] = {
	{"A", "A"}, {"B", "B"}, {"C", "C"}, {"D", "D"}, {"E", "E"}, {"F", "F"}};

/* ---- the actions ---- */

void page_school_actions(struct html *h, const struct page_user *u,
			 const struct page_school_data *d)
{
	bool acts = u->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_OFFICER ||
		    u->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_ADMIN;
	bool partner = u->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER;
	if (!acts && !partner)
		return;
	uint32_t urn = d->school->urn;
	html_str(h, "<nav class=\"govuk-body\" aria-label=\"Actions\" id=\"actions\"><h2 "
		    "class=\"govuk-heading-s\">Actions</h2><ul class=\"govuk-list\">");
	if (acts)
		html_fmt(h, "<li><a class=\"govuk-link\" href=\"/schools/%u/flags\">Set LA flags "
			    "(target for N2GG)</a></li><li><a class=\"govuk-link\" href=\"/schools/%u/"
			    "override\">Override the category</a></li><li><a class=\"govuk-link\" "
			    "href=\"/schools/%u/pin\">Pin or unpin a partner</a></li>",
			 urn, urn, urn);
	for (size_t i = 0; i < d->n_visits; i++) {
		const N2gg__V1__Visit *v = d->visits[i];
		if (partner && strcmp(v->partner_id, u->partner_id) != 0)
			continue;
		html_fmt(h, "<li><a class=\"govuk-link\" href=\"/schools/%u/report?visit=",
			 urn);
		form_encode(h, v->id);
		html_fmt(h, "\">Record the report of the %r on %s</a></li>",
			 strcmp(v->kind, "annual_conversation") == 0 ? "annual conversation"
								     : "monitoring visit",
			 v->date);
	}
	html_str(h, "</ul></nav>\n");
}

void page_action_flags(struct html *h, const struct page_user *u, const N2gg__V1__School *s,
		       const struct page_form *f)
{
	static const struct page_option flags[] = {
		{"targeted_n2gg", "Targeted for Norfolk to Good and Great (N2GG)"},
		{"targeted_system_leader", "Targeted for a system leader"},
		{"causing_concern", "Causing concern"},
		{"in_transition", "In transition"}};
	page_begin(h, u, "LA flags", "schools");
	page_two_thirds(h);
	page_error_summary(h, f);
	page_school_heading(h, s, "LA flags");
	html_str(h, "<p class=\"govuk-body\">The flags are the registry's; the categoriser places "
		    "the school again when they change, and the school is written to if its "
		    "category changes.</p>");
	page_form_open(h, u, f);
	/* the flags as shown: only what the officer changes is sent (see action_flags) */
	html_str(h, "<input type=\"hidden\" name=\"was\" value=\"yes\">");
	for (size_t i = 0; i < ACTION_FLAG_COUNT; i++)
		html_fmt(h, "<input type=\"hidden\" name=\"was_%s\" value=\"%s\">",
			 action_flag_fields[i], action_flag_value(s->flags, action_flag_fields[i]));
	html_str(h, "\n");
	page_ticks(h, f, "What applies to the school", flags, 4);
	page_input(h, f, "transition_reason", "Why the school is in transition",
		   "Only when it is in transition", "govuk-!-width-full");
	page_input(h, f, "psswn_issued_date", "Pre-statutory warning notice issued on",
		   "For example, 2013-11-15. Leave empty when none was issued.",
		   "govuk-input--width-10");
	page_submit(h, "Save the flags", NULL);
	page_two_thirds_end(h);
	page_end(h);
}

void page_action_override(struct html *h, const struct page_user *u, const N2gg__V1__School *s,
			  const N2gg__V1__CategoryChanged *now, const struct page_form *f,
			  const struct page_form *clear)
{
	page_begin(h, u, "Override the category", "schools");
	page_two_thirds(h);
	if (clear && clear->errors)
		page_error_summary_of(h, clear, PAGE_SECOND_FORM_ID);
	else
		page_error_summary(h, f);
	page_school_heading(h, s, "Override the category");
	if (now && now->category[0])
		html_fmt(h, "<p class=\"govuk-body\">The school is in category <strong>%s</strong>%r."
			    "</p>",
			 now->category, now->overridden ? ", set by hand" : "");
	html_str(h, "<p class=\"govuk-body\">An override wins over the categoriser's rules until "
		    "it expires or is cleared. The school is written to about its new category.</p>");
	page_form_open(h, u, f);
	page_choices(h, f, "category", "Category", NULL, page_categories, 6, false);
	page_textarea(h, f, "reason", "Why", "The reason is kept in the category's history", 3);
	page_input(h, f, "expires", "Expires at the end of",
		   "For example, 2014-07-31. Leave empty to keep it until it is cleared.",
		   "govuk-input--width-10");
	page_submit(h, "Set the category", NULL);
	if (clear && now && now->overridden) {
		html_str(h, "<h2 class=\"govuk-heading-m\">Clear the override</h2><p class=\"govuk-body\">"
			    "The category goes back to what the rules say.</p>");
		page_form_open_as(h, u, clear, PAGE_SECOND_FORM_ID);
		page_textarea(h, clear, "clear_reason", "Why it is cleared", NULL, 2);
		html_str(h, "<div class=\"govuk-button-group\"><button type=\"submit\" class=\"govuk-"
			    "button govuk-button--warning\" data-module=\"govuk-button\">Clear the "
			    "override</button></div></form>\n");
	}
	page_two_thirds_end(h);
	page_end(h);
}

static const struct page_option page_roles[] = {
	{"ecp", "Education Challenge Partner (ECP)"},
	{"cep", "Cluster Education Partner (CEP), for the school's cluster"},
	{"sip", "School Improvement Partner (SIP)"},
	{"intervention_adviser", "Intervention adviser"}};

void page_action_pin(struct html *h, const struct page_user *u, const N2gg__V1__School *s,
		     const struct page_option *partners, size_t n_partners,
		     const struct page_form *f)
{
	static const struct page_option ops[] = {{"pin", "Pin a partner"},
						 {"unpin", "Unpin (the planner chooses again)"}};
	page_begin(h, u, "Pin a partner", "schools");
	page_two_thirds(h);
	page_error_summary(h, f);
	page_school_heading(h, s, "Pin or unpin a partner");
	html_str(h, "<p class=\"govuk-body\">A pinned partner is kept when the allocation is "
		    "planned again. The scheduler refuses a partner its hard rules do not allow "
		    "(a conflict of interest, no capacity, a missing accreditation) and says why.</p>");
	page_form_open(h, u, f);
	page_choices(h, f, "op", "What to do", NULL, ops, 2, false);
	page_choices(h, f, "role", "Role", NULL, page_roles, 4, false);
	page_select_field(h, f, "partner", "Partner", "Only when pinning", partners, n_partners);
	page_textarea(h, f, "reason", "Why this partner", "Only when pinning", 2);
	page_submit(h, "Save", NULL);
	page_two_thirds_end(h);
	page_end(h);
}

void page_action_report(struct html *h, const struct page_user *u, const N2gg__V1__School *s,
			const N2gg__V1__Visit *v, const struct page_form *f)
{
	static const struct page_option held[] = {{"yes", "Yes"}, {"no", "No"}};
	static const struct page_option progress[] = {
		{"strong", "Strong"}, {"good", "Good"}, {"some", "Some"}, {"little", "Little"}};
	bool annual = strcmp(v->kind, "annual_conversation") == 0;
	const char *title = annual ? "Record the annual conversation" : "Record a visit report";
	page_begin(h, u, title, "schools");
	page_two_thirds(h);
	page_error_summary(h, f);
	page_school_heading(h, s, title);
	html_fmt(h, "<p class=\"govuk-body\">%r on %s, half-term %u. The school is sent the "
		    "report.</p>",
		 annual ? "The annual conversation" : "The monitoring visit", v->date, v->half_term);
	page_form_open(h, u, f);
	html_fmt(h, "<input type=\"hidden\" name=\"visit\" value=\"%s\">", v->id);
	page_choices(h, f, "held", "Was the visit held?", NULL, held, 2, false);
	page_textarea(h, f, "not_held_reason", "Why it was not held", "Only when it was not held",
		      2);
	page_input(h, f, "date_held", "Held on", "For example, 2013-11-12", "govuk-input--width-10");
	page_textarea(h, f, "attended", "Who took part", "One a line, with their role, for "
							 "example: Jo Bloggs (headteacher)", 3);
	page_choices(h, f, "progress", "Progress against the school's improvement plan", NULL,
		     progress, 4, false);
	page_textarea(h, f, "strengths", "Strengths", "One a line", 3);
	page_textarea(h, f, "priorities", "Priorities for improvement", "One a line", 3);
	page_textarea(h, f, "agreed_actions", "Agreed actions", "One a line; at least one", 3);
	page_textarea(h, f, "next_visit_focus", "The next visit's focus", NULL, 2);
	if (annual) {
		page_textarea(h, f, "self_evaluation_validation",
			      "Validation of the school's self-evaluation", NULL, 3);
		page_textarea(h, f, "signposting", "Norfolk Services the school is pointed to",
			      "One a line; may be none", 2);
	}
	page_submit(h, "Record the report", NULL);
	page_two_thirds_end(h);
	page_end(h);
}

static const struct page_option page_audience[] = {
	{"headteachers", "Headteachers"},
	{"chairs_of_governors", "Chairs of governors"},
	{"cluster_chairs", "Cluster chairs (one letter a cluster, instead of the schools)"}};

void page_action_mi(struct html *h, const struct page_user *u, const struct page_form *f)
{
	static const struct page_option types[] = {{"information", "Information"},
						   {"action", "Action (responses are tracked)"}};
	struct page_option phases[10];
	char values[10][4];
	for (int p = 1; p <= 10; p++) {
		snprintf(values[p - 1], sizeof values[p - 1], "%d", p);
		phases[p - 1] = (struct page_option){values[p - 1], view_phase_name(p)};
	}
	page_begin(h, u, "Publish an MI sheet", "mi");
	page_two_thirds(h);
	page_error_summary(h, f);
	html_str(h, "<h1 class=\"govuk-heading-l\">Publish an MI sheet</h1>\n<p class=\"govuk-body\">"
		    "You will see the sheet and how many schools it reaches before it goes.</p>");
	page_form_open(h, u, f);
	html_str(h, "<input type=\"hidden\" name=\"step\" value=\"preview\">");
	page_choices(h, f, "type", "Type of sheet", NULL, types, 2, false);
	page_input(h, f, "title", "Title", NULL, "govuk-!-width-full");
	page_textarea(h, f, "body", "What the sheet says", "Leave a blank line between paragraphs",
		      10);
	page_input(h, f, "complete_by", "To be completed by",
		   "Action sheets only. For example, 2013-12-06", "govuk-input--width-10");
	page_input(h, f, "contact_name", "LA contact", NULL, "govuk-!-width-one-half");
	page_input(h, f, "contact_phone", "The contact's phone number", NULL,
		   "govuk-input--width-20");
	page_ticks(h, f, "Who it goes to", page_audience, 3);
	page_choices(h, f, "categories", "Only schools in these categories",
		     "Leave all unticked for every category", page_categories, 6, true);
	page_choices(h, f, "phases", "Only schools of these phases",
		     "Leave all unticked for every phase", phases, 10, true);
	page_input(h, f, "clusters", "Only these clusters",
		   "Cluster ids separated by commas. Leave empty for every cluster.",
		   "govuk-!-width-full");
	page_textarea(h, f, "questions", "Questions (Action sheets only)",
		      "One a line. For a choice, the options after a bar, for example: "
		      "Will your school take part? | Yes | No",
		      4);
	page_submit(h, "Preview the sheet", NULL);
	page_two_thirds_end(h);
	page_end(h);
}

/* The body's paragraphs, split at blank lines; single line ends kept as breaks. */
static void page_paragraphs(struct html *h, const char *text)
{
	html_str(h, "<p class=\"govuk-body\">");
	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n' && p[1] == '\n') {
			html_str(h, "</p><p class=\"govuk-body\">");
			while (p[1] == '\n' || p[1] == '\r')
				p++;
		} else if (*p == '\n') {
			html_str(h, "<br>");
		} else {
			char c[2] = {*p, 0};
			html_text(h, c);
		}
	}
	html_str(h, "</p>");
}

void page_action_mi_preview(struct html *h, const struct page_user *u,
			    const N2gg__V1__MiReply *preview, const struct page_form *f)
{
	const N2gg__V1__MiSheet *s = preview->sheet;
	page_begin(h, u, "Check the MI sheet", "mi");
	page_two_thirds(h);
	html_str(h, "<h1 class=\"govuk-heading-l\">Check the MI sheet before it goes</h1>");
	html_fmt(h, "<div class=\"govuk-inset-text\">It goes to <strong>%u schools</strong> "
		    "(%u recipients) as the audience stands today.</div>",
		 preview->schools, preview->recipients);
	html_fmt(h, "<div class=\"dash-sheet\"><p class=\"govuk-caption-m\">Management "
		    "Information Sheet: %r. Its number is given when it is published.</p>"
		    "<h2 class=\"govuk-heading-m\">%s</h2>",
		 s->type == N2GG__V1__MI_TYPE__MI_ACTION ? "for action" : "for information", s->title);
	page_paragraphs(h, s->body);
	if (s->complete_by[0])
		html_fmt(h, "<p class=\"govuk-body\"><strong>To be completed by:</strong> %s</p>",
			 s->complete_by);
	html_fmt(h, "<p class=\"govuk-body\"><strong>Contact:</strong> %s%r%s</p>", s->contact_name,
		 s->contact_phone[0] ? ", " : "", s->contact_phone);
	if (s->n_questions) {
		html_str(h, "<ol class=\"govuk-list govuk-list--number\">");
		for (size_t i = 0; i < s->n_questions; i++) {
			const N2gg__V1__MiQuestion *q = s->questions[i];
			html_fmt(h, "<li>%s", q->text);
			for (size_t o = 0; o < q->n_options; o++)
				html_fmt(h, "%r%s", o ? " / " : " (", q->options[o]);
			html_fmt(h, "%r</li>", q->n_options ? ")" : "");
		}
		html_str(h, "</ol>");
	}
	html_str(h, "</div>");
	page_form_open(h, u, f);
	for (size_t i = 0; f->values && i < f->values->count; i++) {
		const struct form_field *ff = &f->values->fields[i];
		if (strcmp(ff->name, "csrf") != 0 && strcmp(ff->name, "step") != 0)
			html_fmt(h, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", ff->name,
				 ff->value);
	}
	html_str(h, "<div class=\"govuk-button-group\"><button type=\"submit\" name=\"step\" "
		    "value=\"confirm\" class=\"govuk-button\" data-module=\"govuk-button\">Publish "
		    "the sheet</button><button type=\"submit\" name=\"step\" value=\"edit\" "
		    "class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">"
		    "Change it</button></div></form>\n");
	page_two_thirds_end(h);
	page_end(h);
}

static void page_due(struct html *h, const N2gg__V1__Notice *n)
{
	if (n->due_unix_ms) {
		html_str(h, "goes at ");
		page_time(h, n->due_unix_ms);
		html_str(h, " UTC");
	} else {
		html_str(h, "going now");
	}
}

void page_action_done(struct html *h, const struct page_user *u, const struct page_outcome *o)
{
	page_begin(h, u, o->title, NULL);
	page_two_thirds(h);
	html_fmt(h, "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 class=\"govuk-panel__"
		    "title\">%s</h1><div class=\"govuk-panel__body\">%s</div></div>\n",
		 o->title, o->detail);
	html_str(h, "<h2 class=\"govuk-heading-m\">What happens next</h2>");
	const N2gg__V1__Decision *dc = o->decision;
	if (dc)
		html_fmt(h, "<p class=\"govuk-body\" id=\"category-now\">The school is now in category "
			    "<strong>%s</strong>%r%s%r.</p>",
			 dc->category[0] ? dc->category : "none", dc->category_name[0] ? " (" : "",
			 dc->category_name, dc->category_name[0] ? ")" : "");
	if (o->n_pending) {
		html_str(h, "<p class=\"govuk-body\">Letters waiting to go (each can be read, and "
			    "cancelled, until it goes):</p><ul class=\"govuk-list govuk-list--bullet\" "
			    "id=\"pending\">");
		for (size_t i = 0; i < o->n_pending; i++) {
			const N2gg__V1__Notice *n = o->pending[i];
			html_fmt(h, "<li><a class=\"govuk-link\" href=\"/letters/%s\">%s</a>: %s, ",
				 n->id, view_notice_kind_name(n->kind), n->subject);
			page_due(h, n);
			html_str(h, "</li>");
		}
		html_str(h, "</ul>");
	} else if (o->letter_expected) {
		html_str(h, "<p class=\"govuk-body\">No letter is waiting for the school yet: one "
			    "follows when the change reaches the notifier. See <a class=\"govuk-link\" "
			    "href=\"/letters\">letters</a>.</p>");
	}
	html_fmt(h, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"%s\">%s</a></p>", o->back,
		 o->back_label);
	page_two_thirds_end(h);
	page_end(h);
}

/* ---- letters ---- */

static void page_notice_rows(struct html *h, N2gg__V1__Notice *const *notices, size_t n,
			     bool due)
{
	html_fmt(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
		    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Made"
		    "</th><th scope=\"col\" class=\"govuk-table__header\">School</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">Letter</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">%r</th></tr></thead><tbody "
		    "class=\"govuk-table__body\">",
		 due ? "Goes" : "Why");
	for (size_t i = 0; i < n; i++) {
		const N2gg__V1__Notice *nt = notices[i];
		html_str(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
		page_time(h, nt->created_unix_ms);
		html_fmt(h, "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__"
			    "cell\"><a class=\"govuk-link\" href=\"/letters/%s\">%s</a><br><span "
			    "class=\"govuk-body-s\">%s</span></td><td class=\"govuk-table__cell\">",
			 nt->school_name[0] ? nt->school_name : nt->cluster_id, nt->id,
			 view_notice_kind_name(nt->kind), nt->subject);
		if (due)
			page_due(h, nt);
		html_str(h, "</td></tr>");
	}
	html_str(h, "</tbody></table>");
}

void page_letters(struct html *h, const struct page_user *u, const struct page_letters_data *d)
{
	page_begin(h, u, "Letters", "letters");
	html_str(h, "<h1 class=\"govuk-heading-l\">Letters</h1>\n<h2 class=\"govuk-heading-m\" "
		    "id=\"pending\">Waiting to go</h2>");
	if (!d->pending->n_notices)
		html_str(h, "<p class=\"govuk-body\">No letter is waiting.</p>");
	else
		page_notice_rows(h, d->pending->notices, d->pending->n_notices, true);
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"undelivered\">Not delivered</h2>");
	if (!d->dead->n_deliveries) {
		html_str(h, "<p class=\"govuk-body\">Every letter tried has been delivered.</p>");
	} else {
		html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
			    "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">"
			    "Letter</th><th scope=\"col\" class=\"govuk-table__header\">To</th><th "
			    "scope=\"col\" class=\"govuk-table__header\">What went wrong</th></tr>"
			    "</thead><tbody class=\"govuk-table__body\">");
		for (size_t i = 0; i < d->dead->n_deliveries; i++) {
			const N2gg__V1__Delivery *dv = d->dead->deliveries[i];
			const N2gg__V1__Recipient *r = dv->recipient;
			html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
				    "class=\"govuk-link\" href=\"/letters/%s\">%s</a></td><td "
				    "class=\"govuk-table__cell\">%s %s (%s)</td><td "
				    "class=\"govuk-table__cell\">%s, after %u attempts</td></tr>",
				 dv->notice_id, dv->subject[0] ? dv->subject : dv->notice_id,
				 r ? view_recipient_role_name(r->role) : "", r ? r->name : "",
				 dv->channel, dv->last_reply, dv->attempts);
		}
		html_str(h, "</tbody></table>");
	}
	html_str(h, "<h2 class=\"govuk-heading-m\" id=\"unsent\">Reaching nobody</h2>");
	const N2gg__V1__ListUnsentReply *un = d->unsent;
	if (!un->n_notices && !un->n_schools && !un->n_clusters) {
		html_str(h, "<p class=\"govuk-body\">Every letter has someone to go to.</p>");
		page_end(h);
		return;
	}
	if (un->n_notices) {
		html_fmt(h, "<p class=\"govuk-body\">%u letters reached nobody by mail (the newest "
			    "shown).</p><ul class=\"govuk-list govuk-list--bullet\">",
			 un->total);
		for (size_t i = 0; i < un->n_notices; i++) {
			const N2gg__V1__Notice *nt = un->notices[i]->notice;
			if (!nt)
				continue;
			html_fmt(h, "<li><a class=\"govuk-link\" href=\"/letters/%s\">%s</a> to %s:",
				 nt->id, nt->subject, nt->school_name[0] ? nt->school_name : nt->cluster_id);
			for (size_t r = 0; r < un->notices[i]->n_reasons; r++)
				html_fmt(h, " %s.", un->notices[i]->reasons[r]);
			html_str(h, "</li>");
		}
		html_str(h, "</ul>");
	}
	if (un->n_schools || un->n_clusters) {
		html_str(h, "<h3 class=\"govuk-heading-s\">Who cannot be reached</h3><ul "
			    "class=\"govuk-list govuk-list--bullet\">");
		for (size_t i = 0; i < un->n_schools; i++) {
			const N2gg__V1__UnreachableSchool *s = un->schools[i];
			html_fmt(h, "<li><a class=\"govuk-link\" href=\"/schools/%u\">%s</a>: no", s->urn,
				 s->name);
			for (size_t m = 0; m < s->n_missing; m++)
				html_fmt(h, "%r %s", m ? "," : "", s->missing[m]);
			html_str(h, "</li>");
		}
		for (size_t i = 0; i < un->n_clusters; i++)
			html_fmt(h, "<li>Cluster %s: no %s</li>", un->clusters[i]->name,
				 un->clusters[i]->missing);
		html_str(h, "</ul>");
	}
	page_end(h);
}

void page_letter(struct html *h, const struct page_user *u, const N2gg__V1__ShowNoticeReply *r,
		 const struct page_form *cancel)
{
	const N2gg__V1__Notice *n = r->notice;
	page_begin(h, u, "A letter", "letters");
	page_two_thirds(h);
	if (cancel)
		page_error_summary(h, cancel);
	html_fmt(h, "<a href=\"/letters\" class=\"govuk-back-link\">Back to the letters</a><span "
		    "class=\"govuk-caption-l\">%s, %s</span><h1 class=\"govuk-heading-l\">%s</h1>",
		 view_notice_kind_name(n->kind), n->school_name[0] ? n->school_name : n->cluster_id,
		 n->subject);
	html_str(h, "<p class=\"govuk-body\">Made ");
	page_time(h, n->created_unix_ms);
	html_fmt(h, " UTC (%s); ", n->cause);
	page_due(h, n);
	html_str(h, ".</p>");
	if (!r->n_letters)
		html_str(h, "<p class=\"govuk-body\">It has no recipient.</p>");
	for (size_t i = 0; i < r->n_letters; i++) {
		const N2gg__V1__RenderedLetter *l = r->letters[i];
		const N2gg__V1__Recipient *to = l->recipient;
		html_fmt(h, "<h2 class=\"govuk-heading-s\">To %s %s%r%s%r</h2><p class=\"govuk-body\">"
			    "Subject: %s</p><pre class=\"dash-letter\">%s</pre>",
			 to ? view_recipient_role_name(to->role) : "", to ? to->name : "",
			 to && to->email[0] ? " &lt;" : "", to ? to->email : "",
			 to && to->email[0] ? "&gt;" : "", l->subject, l->text);
	}
	if (cancel && n->due_unix_ms) {
		html_str(h, "<h2 class=\"govuk-heading-m\">Cancel the letter</h2><p class=\"govuk-body\">"
			    "It will not go to anyone.</p>");
		page_form_open(h, u, cancel);
		page_textarea(h, cancel, "reason", "Why it is not to go", NULL, 2);
		html_str(h, "<div class=\"govuk-button-group\"><button type=\"submit\" class=\"govuk-"
			    "button govuk-button--warning\" data-module=\"govuk-button\">Cancel the "
			    "letter</button></div></form>\n");
	}
	page_two_thirds_end(h);
	page_end(h);
}

/* ---- accounts ---- */

static const struct page_option page_account_roles[] = {
	{"viewer", "Viewer: reads every page"},
	{"officer", "Officer: reads, and acts"},
	{"partner", "Partner: only the schools they serve, and their visit reports"},
	{"admin", "Admin: everything, and the accounts"}};

void page_admin(struct html *h, const struct page_user *u, const struct page_admin_data *d)
{
	page_begin(h, u, "Accounts", "admin");
	page_error_summary(h, d->add);
	html_str(h, "<h1 class=\"govuk-heading-l\">Accounts</h1>");
	if (d->password[0])
		html_fmt(h, "<div class=\"govuk-panel govuk-panel--confirmation\"><h2 class=\"govuk-panel"
			    "__title\">%s</h2><div class=\"govuk-panel__body\">The password for %s is "
			    "<br><strong id=\"new-password\">%s</strong><br>It is shown this once: give it "
			    "to them safely.</div></div>",
			 d->done, d->password_for, d->password);
	else if (d->done[0])
		html_fmt(h, "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
			    "role=\"alert\"><div class=\"govuk-notification-banner__content\"><p "
			    "class=\"govuk-notification-banner__heading\">%s</p></div></div>",
			 d->done);
	html_str(h, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr class=\"govuk-"
		    "table__row\"><th scope=\"col\" class=\"govuk-table__header\">Name</th><th "
		    "scope=\"col\" class=\"govuk-table__header\">Role</th><th scope=\"col\" "
		    "class=\"govuk-table__header\">Since</th><th scope=\"col\" class=\"govuk-table__"
		    "header\">State</th><th scope=\"col\" class=\"govuk-table__header\">Change</th>"
		    "</tr></thead><tbody class=\"govuk-table__body\">");
	for (size_t i = 0; i < d->n_accounts; i++) {
		const N2gg__V1__DashboardAccount *a = d->accounts[i];
		int role = a->role >= 1 && a->role <= 4 ? (int)a->role - 1 : 0;
		html_fmt(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td><td "
			    "class=\"govuk-table__cell\">%s%r%s</td><td class=\"govuk-table__cell\">",
			 a->name, page_account_roles[role].value, a->partner_id[0] ? ", partner " : "",
			 a->partner_id);
		page_time(h, a->created_unix_ms);
		html_fmt(h, "</td><td class=\"govuk-table__cell\">%r</td><td class=\"govuk-table__cell\">",
			 a->disabled ? "<strong class=\"govuk-tag govuk-tag--grey\">Disabled</strong>"
				     : "Active");
		static const char *const ops[][2] = {{"enable", "Enable"}, {"disable", "Disable"},
						     {"reset", "Reset password"}};
		for (int k = a->disabled ? 0 : 1; k < 3; k += a->disabled ? 2 : 1) {
			html_str(h, "<form method=\"post\" action=\"/admin/accounts/");
			form_encode(h, a->name);
			html_fmt(h, "/%r\" class=\"dash-inline-form\"><input type=\"hidden\" name=\"csrf\" "
				    "value=\"%s\"><button type=\"submit\" class=\"govuk-button govuk-button"
				    "--secondary dash-inline-button\" data-module=\"govuk-button\">%r<span "
				    "class=\"govuk-visually-hidden\"> %s</span></button></form> ",
				 ops[k][0], u->csrf, ops[k][1], a->name);
		}
		html_str(h, "</td></tr>");
	}
	html_str(h, "</tbody></table>\n<h2 class=\"govuk-heading-m\">Add an account</h2>");
	page_two_thirds(h);
	page_form_open(h, u, d->add);
	page_input(h, d->add, "name", "User name",
		   "Letters, digits, '.', '-', '_' or '@'; up to 64", "govuk-!-width-one-half");
	page_choices(h, d->add, "role", "Role", NULL, page_account_roles, 4, false);
	page_input(h, d->add, "partner", "Partner id", "Partners only: the scheduler's id for them",
		   "govuk-input--width-20");
	page_submit(h, "Add the account", NULL);
	page_two_thirds_end(h);
	page_end(h);
}
