/* actions: see actions.h. */
#include "actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

#define ACTION_MS_PER_DAY 86400000LL

void action_fail(struct action_errors *e, const char *field, const char *message)
{
	if (e->count < ACTION_ERRORS_MAX)
		e->items[e->count++] = (struct action_error){field, message};
}

const char *action_error_of(const struct action_errors *e, const char *field)
{
	for (size_t i = 0; i < e->count; i++)
		if (strcmp(e->items[i].field, field) == 0)
			return e->items[i].message;
	return NULL;
}

/* The values of every field named `name` (a set of ticked checkboxes). */
static const char **action_values(const struct form *f, const char *name, struct arena *a,
				  size_t *n)
{
	const char **out = arena_alloc(a, (f->count + 1) * sizeof *out);
	*n = 0;
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			out[(*n)++] = f->fields[i].value;
	return out;
}

/* The field with surrounding white space trimmed, in the arena. */
static char *action_text(const struct form *f, const char *name, struct arena *a)
{
	const char *v = form_get(f, name);
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	size_t n = strlen(v);
	while (n && strchr(" \t\r\n", v[n - 1]))
		n--;
	return arena_strndup(a, v, n);
}

/* A required text of at most `max` bytes. */
static char *action_required(const struct form *f, const char *name, size_t max,
			     const char *missing, struct arena *a, struct action_errors *e)
{
	char *v = action_text(f, name, a);
	if (!v[0])
		action_fail(e, name, missing);
	else if (strlen(v) > max)
		action_fail(e, name, arena_printf(a, "Write at most %zu characters", max));
	return v;
}

/* An optional date, as ISO ("" when empty); *days set when given. */
static char *action_date(const struct form *f, const char *name, const char *what, int *days,
			 struct arena *a, struct action_errors *e)
{
	char *v = action_text(f, name, a);
	if (!v[0])
		return v;
	if (date_parse(v, days) < 0) {
		action_fail(e, name, arena_printf(a, "%s must be a real date, like 2014-03-31", what));
		return v;
	}
	char iso[DATE_ISO_LEN];
	return arena_strdup(a, date_format(*days, iso));
}

/* A textarea's non-empty lines, trimmed; each at most ACTION_REASON_MAX bytes. */
static char **action_lines(const struct form *f, const char *name, struct arena *a, size_t *n,
			   struct action_errors *e)
{
	char *text = action_text(f, name, a);
	size_t cap = 1;
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	char **out = arena_alloc(a, cap * sizeof *out);
	*n = 0;
	for (char *line = text; line && *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		size_t len = strlen(line);
		while (len && strchr(" \t\r", line[len - 1]))
			line[--len] = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (line[0]) {
			if (strlen(line) > ACTION_REASON_MAX) {
				action_fail(e, name, arena_printf(a, "Write at most %d characters a line",
								 ACTION_REASON_MAX));
				break;
			}
			out[(*n)++] = line;
		}
		line = end ? end + 1 : NULL;
	}
	return out;
}

static bool action_ticked(const struct form *f, const char *name)
{
	return strcmp(form_get(f, name), "yes") == 0;
}

/* ---- the registry: LA flags ---- */

const char *const action_flag_fields[ACTION_FLAG_COUNT] = {
	"causing_concern", "psswn_issued_date", "in_transition",
	"transition_reason", "targeted_n2gg", "targeted_system_leader"};

const char *action_flag_value(const N2gg__V1__LaFlags *fl, const char *field)
{
	if (!fl)
		return "";
	if (strcmp(field, "causing_concern") == 0)
		return fl->causing_concern ? "yes" : "";
	if (strcmp(field, "psswn_issued_date") == 0)
		return fl->psswn_issued_date;
	if (strcmp(field, "in_transition") == 0)
		return fl->in_transition ? "yes" : "";
	if (strcmp(field, "transition_reason") == 0)
		return fl->transition_reason;
	if (strcmp(field, "targeted_n2gg") == 0)
		return fl->targeted_n2gg ? "yes" : "";
	if (strcmp(field, "targeted_system_leader") == 0)
		return fl->targeted_system_leader ? "yes" : "";
	return "";
}

/* A flag as `f` has it: "yes" or "" for a tick, the text as typed otherwise. */
static const char *action_flag_posted(const struct form *f, const char *field)
{
	bool tick = strcmp(field, "psswn_issued_date") != 0 && strcmp(field, "transition_reason") != 0;
	return tick ? (action_ticked(f, field) ? "yes" : "") : form_get(f, field);
}

void action_flags_values(const struct form *posted, const N2gg__V1__LaFlags *now,
			 struct form *out)
{
	char was[64];
	for (size_t i = 0; i < ACTION_FLAG_COUNT; i++) {
		const char *name = action_flag_fields[i];
		const char *v = action_flag_value(now, name);
		if (posted) {
			const char *p = action_flag_posted(posted, name);
			snprintf(was, sizeof was, "was_%s", name);
			if (!form_has(posted, "was") || strcmp(p, form_get(posted, was)) != 0)
				v = p;   /* the officer's change */
		}
		if (v[0])
			form_add(out, name, v);
	}
}

int action_flags(const struct form *f, uint32_t urn, const N2gg__V1__LaFlags *now,
		 struct arena *a, N2gg__V1__SetFlagsRequest **out, struct action_errors *e)
{
	N2gg__V1__SetFlagsRequest *req = arena_message(a, &n2gg__v1__set_flags_request__descriptor);
	N2gg__V1__LaFlags *fl = arena_message(a, &n2gg__v1__la_flags__descriptor);
	req->urn = urn;
	req->flags = fl;
	fl->causing_concern = action_ticked(f, "causing_concern");
	fl->in_transition = action_ticked(f, "in_transition");
	fl->targeted_n2gg = action_ticked(f, "targeted_n2gg");
	fl->targeted_system_leader = action_ticked(f, "targeted_system_leader");
	int days;
	fl->psswn_issued_date = action_date(f, "psswn_issued_date", "The warning notice's date",
					    &days, a, e);
	fl->transition_reason = action_text(f, "transition_reason", a);
	if (fl->in_transition && !fl->transition_reason[0])
		action_fail(e, "transition_reason", "Say why the school is in transition");
	else if (strlen(fl->transition_reason) > ACTION_REASON_MAX)
		action_fail(e, "transition_reason", "Write at most 1000 characters");
	req->fields = arena_alloc(a, sizeof action_flag_fields);
	bool shown = form_has(f, "was");
	for (size_t i = 0; i < ACTION_FLAG_COUNT; i++) {
		const char *name = action_flag_fields[i];
		const char *was = shown ? action_text(f, arena_printf(a, "was_%s", name), a) : NULL;
		const char *wanted = action_flag_value(fl, name);
		if (was && strcmp(wanted, was) == 0)
			continue;   /* left as it was shown: not this officer's to set */
		const char *current = action_flag_value(now, name);
		if (was && strcmp(current, wanted) == 0)
			continue;   /* someone else made the same change meanwhile */
		if (was && strcmp(current, was) != 0)
			action_fail(e, name,
				    arena_printf(a, "This was changed since you opened the page: it "
						    "is now %s. Check the form and save again",
						 current[0] ? (strcmp(current, "yes") == 0
								       ? "ticked"
								       : arena_printf(a, "\"%s\"",
										      current))
							    : "empty"));
		req->fields[req->n_fields++] = (char *)name;
	}
	if (!req->n_fields && !e->count)
		action_fail(e, "", "Nothing to save: the flags are already as the form has them");
	*out = req;
	return e->count ? -1 : 0;
}

/* ---- the categoriser: overrides ---- */

int action_override(const struct form *f, uint32_t urn, int today, struct arena *a,
		    N2gg__V1__SetOverrideRequest **out, struct action_errors *e)
{
	N2gg__V1__SetOverrideRequest *req =
		arena_message(a, &n2gg__v1__set_override_request__descriptor);
	req->urn = urn;
	req->category = action_text(f, "category", a);
	if (strlen(req->category) != 1 || req->category[0] < 'A' || req->category[0] > 'F')
		action_fail(e, "category", "Choose a category, A to F");
	req->reason = action_required(f, "reason", ACTION_REASON_MAX,
				      "Say why the category is set by hand", a, e);
	int days;
	const char *until = action_date(f, "expires", "The expiry date", &days, a, e);
	if (until[0] && !action_error_of(e, "expires")) {
		if (days < today)
			action_fail(e, "expires", "The expiry date must be today or later");
		else   /* the end of that day */
			req->expires_unix_ms = (days + 1) * ACTION_MS_PER_DAY;
	}
	*out = req;
	return e->count ? -1 : 0;
}

int action_clear_override(const struct form *f, uint32_t urn, struct arena *a,
			  N2gg__V1__ClearOverrideRequest **out, struct action_errors *e)
{
	N2gg__V1__ClearOverrideRequest *req =
		arena_message(a, &n2gg__v1__clear_override_request__descriptor);
	req->urn = urn;
	req->reason = action_required(f, "clear_reason", ACTION_REASON_MAX,
				      "Say why the override is cleared", a, e);
	*out = req;
	return e->count ? -1 : 0;
}

/* ---- the scheduler: pins and visit reports ---- */

static const char *const action_roles[] = {NULL, "ecp", "cep", "sip", "intervention_adviser"};

int action_role_parse(const char *text)
{
	for (int r = 1; r < (int)(sizeof action_roles / sizeof *action_roles); r++)
		if (strcmp(text, action_roles[r]) == 0)
			return r;
	return -1;
}

int action_pin(const struct form *f, uint32_t urn, const char *cluster_id, struct arena *a,
	       N2gg__V1__PinRequest **out, bool *unpin, struct action_errors *e)
{
	N2gg__V1__PinRequest *req = arena_message(a, &n2gg__v1__pin_request__descriptor);
	const char *op = form_get(f, "op");
	*unpin = strcmp(op, "unpin") == 0;
	if (!*unpin && strcmp(op, "pin") != 0)
		action_fail(e, "op", "Choose whether to pin or unpin a partner");
	int role = action_role_parse(form_get(f, "role"));
	if (role < 0)
		action_fail(e, "role", "Choose the partner's role");
	req->role = role < 0 ? N2GG__V1__ROLE__ROLE_UNKNOWN : (N2gg__V1__Role)role;
	if (role == N2GG__V1__ROLE__ROLE_CEP) {   /* the cluster's partner, not the school's */
		req->cluster_id = arena_strdup(a, cluster_id);
		if (!cluster_id[0])
			action_fail(e, "role", "The school is in no cluster, so it has no CEP");
	} else {
		req->urn = urn;
	}
	req->partner_id = action_text(f, "partner", a);
	if (!*unpin && !req->partner_id[0])
		action_fail(e, "partner", "Choose the partner to pin");
	if (*unpin)
		req->partner_id = "";
	req->reason = action_text(f, "reason", a);
	if (!*unpin && !req->reason[0])
		action_fail(e, "reason", "Say why this partner is chosen by hand");
	else if (strlen(req->reason) > ACTION_REASON_MAX)
		action_fail(e, "reason", "Write at most 1000 characters");
	*out = req;
	return e->count ? -1 : 0;
}

int action_report(const struct form *f, struct arena *a,
		  N2gg__V1__RecordVisitReportRequest **out, struct action_errors *e)
{
	static const char *const progress[] = {"", "strong", "good", "some", "little"};
	N2gg__V1__RecordVisitReportRequest *req =
		arena_message(a, &n2gg__v1__record_visit_report_request__descriptor);
	N2gg__V1__VisitReport *r = arena_message(a, &n2gg__v1__visit_report__descriptor);
	req->report = r;
	r->visit_id = action_text(f, "visit", a);
	if (!r->visit_id[0] || strlen(r->visit_id) > 80)
		action_fail(e, "visit", "Choose the visit the report is of");
	const char *held = form_get(f, "held");
	r->held = strcmp(held, "yes") == 0;
	if (!r->held && strcmp(held, "no") != 0) {
		action_fail(e, "held", "Say whether the visit was held");
		*out = req;
		return -1;
	}
	if (!r->held) {
		r->not_held_reason = action_required(f, "not_held_reason", ACTION_REASON_MAX,
						     "Say why the visit was not held", a, e);
		*out = req;
		return e->count ? -1 : 0;
	}
	int days;
	r->date_held = action_date(f, "date_held", "The date it was held", &days, a, e);
	if (!r->date_held[0])
		action_fail(e, "date_held", "Enter the date the visit was held");
	r->attended = action_lines(f, "attended", a, &r->n_attended, e);
	if (!r->n_attended && !action_error_of(e, "attended"))
		action_fail(e, "attended", "Name at least one person who took part");
	const char *p = form_get(f, "progress");
	for (int i = 1; i < 5; i++)
		if (strcmp(p, progress[i]) == 0)
			r->progress = (N2gg__V1__VisitProgress)i;
	if (!r->progress)
		action_fail(e, "progress", "Choose the progress against the school's plan");
	r->strengths = action_lines(f, "strengths", a, &r->n_strengths, e);
	r->priorities = action_lines(f, "priorities", a, &r->n_priorities, e);
	r->agreed_actions = action_lines(f, "agreed_actions", a, &r->n_agreed_actions, e);
	if (!r->n_agreed_actions && !action_error_of(e, "agreed_actions"))
		action_fail(e, "agreed_actions", "Write at least one agreed action");
	r->signposting = action_lines(f, "signposting", a, &r->n_signposting, e);
	r->next_visit_focus = action_text(f, "next_visit_focus", a);
	r->self_evaluation_validation = action_text(f, "self_evaluation_validation", a);
	if (strlen(r->next_visit_focus) > ACTION_REASON_MAX * 4)
		action_fail(e, "next_visit_focus", "Write at most 4000 characters");
	if (strlen(r->self_evaluation_validation) > ACTION_REASON_MAX * 4)
		action_fail(e, "self_evaluation_validation", "Write at most 4000 characters");
	*out = req;
	return e->count ? -1 : 0;
}

/* ---- the notifier: MI sheets and letters ---- */

/* "Question | option | option" into q; -1 when a choice has fewer than two options. */
static int action_question(char *line, uint32_t number, struct arena *a, N2gg__V1__MiQuestion *q)
{
	q->number = number;
	size_t parts = 1;
	for (const char *p = line; *p; p++)
		parts += *p == '|';
	q->options = arena_alloc(a, parts * sizeof *q->options);
	char *save = NULL;
	bool first = true;
	q->text = "";
	for (char *part = strtok_r(line, "|", &save); part; part = strtok_r(NULL, "|", &save)) {
		while (*part == ' ')
			part++;
		size_t n = strlen(part);
		while (n && part[n - 1] == ' ')
			part[--n] = '\0';
		if (first)
			q->text = part;
		else if (part[0])
			q->options[q->n_options++] = part;
		first = false;
	}
	return q->text[0] && q->n_options != 1 ? 0 : -1;
}

int action_mi(const struct form *f, int today, bool dry_run, struct arena *a,
	      N2gg__V1__PublishMiRequest **out, struct action_errors *e)
{
	N2gg__V1__PublishMiRequest *req = arena_message(a, &n2gg__v1__publish_mi_request__descriptor);
	N2gg__V1__MiSheet *s = arena_message(a, &n2gg__v1__mi_sheet__descriptor);
	N2gg__V1__MiAudience *au = arena_message(a, &n2gg__v1__mi_audience__descriptor);
	req->sheet = s;
	req->dry_run = dry_run;
	s->audience = au;
	const char *type = form_get(f, "type");
	s->type = strcmp(type, "action") == 0 ? N2GG__V1__MI_TYPE__MI_ACTION
		  : strcmp(type, "information") == 0 ? N2GG__V1__MI_TYPE__MI_INFORMATION
						     : N2GG__V1__MI_TYPE__MI_TYPE_UNKNOWN;
	if (!s->type)
		action_fail(e, "type", "Choose whether the sheet is for information or for action");
	s->title = action_required(f, "title", 200, "Enter the sheet's title", a, e);
	s->body = action_required(f, "body", ACTION_BODY_MAX, "Enter what the sheet says", a, e);
	int days;
	s->complete_by = action_date(f, "complete_by", "The To Be Completed By date", &days, a, e);
	if (s->type == N2GG__V1__MI_TYPE__MI_ACTION && !s->complete_by[0])
		action_fail(e, "complete_by", "An Action sheet needs a To Be Completed By date");
	else if (s->type == N2GG__V1__MI_TYPE__MI_ACTION && !action_error_of(e, "complete_by") &&
		 days < today)
		action_fail(e, "complete_by", "The To Be Completed By date must be today or later");
	else if (s->type == N2GG__V1__MI_TYPE__MI_INFORMATION && s->complete_by[0])
		action_fail(e, "complete_by", "An Information sheet has no To Be Completed By date");
	s->contact_name = action_required(f, "contact_name", 200, "Enter the LA contact's name", a, e);
	s->contact_phone = action_text(f, "contact_phone", a);
	if (strlen(s->contact_phone) > 40)
		action_fail(e, "contact_phone", "Write at most 40 characters");

	au->headteachers = action_ticked(f, "headteachers");
	au->chairs_of_governors = action_ticked(f, "chairs_of_governors");
	au->cluster_chairs = action_ticked(f, "cluster_chairs");
	size_t n;
	const char **cats = action_values(f, "categories", a, &n);
	char *letters = arena_alloc(a, n + 1);
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		if (strlen(cats[i]) != 1 || cats[i][0] < 'A' || cats[i][0] > 'F') {
			action_fail(e, "categories", "Choose categories from A to F");
			break;
		}
		if (!memchr(letters, cats[i][0], used))
			letters[used++] = cats[i][0];
	}
	letters[used] = '\0';
	au->categories = letters;
	const char **phases = action_values(f, "phases", a, &n);
	au->phases = arena_alloc(a, (n + 1) * sizeof *au->phases);
	for (size_t i = 0; i < n; i++) {
		char *end;
		long p = strtol(phases[i], &end, 10);
		if (*end || p < 1 || p > 10) {
			action_fail(e, "phases", "Choose phases from the list");
			break;
		}
		au->phases[au->n_phases++] = (N2gg__V1__Phase)p;
	}
	/* cluster ids, separated by commas or spaces */
	char *clusters = action_text(f, "clusters", a), *save = NULL;
	au->clusters = arena_alloc(a, (strlen(clusters) / 2 + 1) * sizeof *au->clusters);
	for (char *c = strtok_r(clusters, ", \t\r\n", &save); c; c = strtok_r(NULL, ", \t\r\n", &save))
		au->clusters[au->n_clusters++] = c;
	if (!au->headteachers && !au->chairs_of_governors && !au->cluster_chairs)
		action_fail(e, "headteachers", "Choose who the sheet goes to");
	else if (au->cluster_chairs && (au->headteachers || au->chairs_of_governors))
		action_fail(e, "headteachers", "A sheet for cluster chairs goes to them alone: "
					       "untick headteachers and chairs of governors");
	else if (au->cluster_chairs && (au->n_phases || au->categories[0]))
		action_fail(e, "categories", "A sheet for cluster chairs cannot be narrowed by "
					     "category or phase, only by cluster");

	size_t nq;
	char **lines = action_lines(f, "questions", a, &nq, e);
	if (nq && s->type != N2GG__V1__MI_TYPE__MI_ACTION) {
		action_fail(e, "questions", "Only an Action sheet asks questions");
	} else if (nq) {
		s->questions = arena_alloc(a, nq * sizeof *s->questions);
		for (size_t i = 0; i < nq; i++) {
			N2gg__V1__MiQuestion *q = arena_message(a, &n2gg__v1__mi_question__descriptor);
			if (action_question(lines[i], (uint32_t)i + 1, a, q) < 0) {
				action_fail(e, "questions",
					    arena_printf(a, "Question %zu: write its text, and for a "
							    "choice at least two options after '|'",
							 i + 1));
				break;
			}
			s->questions[s->n_questions++] = q;
		}
	}
	*out = req;
	return e->count ? -1 : 0;
}

int action_cancel(const struct form *f, const char *notice_id, struct arena *a,
		  N2gg__V1__CancelNoticeRequest **out, struct action_errors *e)
{
	N2gg__V1__CancelNoticeRequest *req =
		arena_message(a, &n2gg__v1__cancel_notice_request__descriptor);
	req->id = arena_strdup(a, notice_id);
	req->reason = action_required(f, "reason", ACTION_REASON_MAX,
				      "Say why the letter is not to go", a, e);
	*out = req;
	return e->count ? -1 : 0;
}
