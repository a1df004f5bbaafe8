/* handlers_actions: the routes of the actions and the letters. Who may do what is decided
 * here, before any form is read: an officer (or an admin) acts; a partner records the
 * reports of the schools it serves and nothing else; a viewer reads. A form is checked by
 * actions.c and, when it passes, forwarded (forward.c) to the service that owns what it
 * changes, as the signed-in person; the page says what that service answered and what
 * follows from it (the category now, the letters waiting and when they go). A refusal, the
 * dashboard's or the service's, brings the form back as typed with an error summary, and
 * nothing has changed. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dashboard.h"
#include "date.h"
#include "forward.h"
#include "log.h"
#include "pages_actions.h"

enum dash_act_kind {
	DASH_ACT_FLAGS,
	DASH_ACT_OVERRIDE,
	DASH_ACT_CLEAR_OVERRIDE,
	DASH_ACT_PIN,
	DASH_ACT_REPORT,
	DASH_ACT_MI,
	DASH_ACT_CANCEL,
	DASH_ACT_PIN_FORM,     /* reads only: the partners to choose from */
	DASH_ACT_LETTERS,      /* the letters page */
	DASH_ACT_LETTER,       /* one letter's preview */
};

/* One action or read, in its job's arena. */
struct dash_act {
	enum dash_act_kind kind;
	N2gg__V1__School *school;                 /* the school acted on (copied) */
	N2gg__V1__CategoryChanged *category;
	N2gg__V1__Visit *visit;
	const char *notice_id;
	bool cancel_allowed;
	struct action_errors errors;              /* the form's, when it did not pass */
	/* the request */
	enum readmodel_source to;
	const char *method;
	const ProtobufCMessage *req;
	const ProtobufCMessageDescriptor *reply_type;
	void *reply;
	/* what follows, asked for in the same job */
	int follow_ms;
	bool follow_letters, follow_category;
	N2gg__V1__NoticeKind follow_kind;        /* the letter the change causes */
	N2gg__V1__ListNoticesReply *pending;
	N2gg__V1__GetCategoryReply *decision;
	N2gg__V1__ListPartnersReply *partners;
	N2gg__V1__DeliveriesReply *dead;
	N2gg__V1__ListUnsentReply *unsent;
	N2gg__V1__ShowNoticeReply *letter;
};

static bool dash_may_act(const struct page_user *u)
{
	return u->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_OFFICER ||
	       u->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_ADMIN;
}

static void dash_forbid(struct dash_call *c, const char *message)
{
	c->d->stats.forbidden++;
	log_warn("action refused", "user=%s path=%s", log_str(c->user.name), log_str(c->q->path));
	dash_error(c, 403, message);
}

/* ---- in the worker ---- */

static N2gg__V1__ListNoticesReply *dash_act_pending(struct forward_job *j, uint32_t urn)
{
	N2gg__V1__ListNoticesRequest req = N2GG__V1__LIST_NOTICES_REQUEST__INIT;
	req.urn = urn;
	req.pending = true;
	req.limit = 50;
	N2gg__V1__ListNoticesReply *r = NULL;
	struct status st;
	return forward_call(j, READMODEL_NOTIFIER, "ListNotices", &req.base,
			    &n2gg__v1__list_notices_reply__descriptor, (void **)&r, &st) == 0
		       ? r
		       : NULL;
}

/* Whether `pending` holds a letter of `kind` that `before` did not: a new one, or one
 * rewritten (a letter not yet sent is rewritten to tell of a later change, keeping its id
 * and the time it was made). */
static bool dash_act_new_letter(const N2gg__V1__ListNoticesReply *before,
				const N2gg__V1__ListNoticesReply *pending, int kind)
{
	for (size_t i = 0; i < pending->n_notices; i++) {
		const N2gg__V1__Notice *n = pending->notices[i];
		bool seen = false;
		for (size_t k = 0; before && k < before->n_notices && !seen; k++)
			seen = strcmp(before->notices[k]->id, n->id) == 0 &&
			       strcmp(before->notices[k]->data_json, n->data_json) == 0;
		if ((int)n->kind == kind && !seen)
			return true;
	}
	return false;
}

/* The school's letters waiting to go, once the letter the action causes is among them (up
 * to follow_ms): the change travels to the notifier through the services' events, and the
 * other letters it causes (a new partner's, after a new category) may come first. */
static void dash_act_follow_letters(struct forward_job *j, struct dash_act *a,
				    const N2gg__V1__ListNoticesReply *before)
{
	long long deadline = date_now_ms() + a->follow_ms;
	for (;;) {
		N2gg__V1__ListNoticesReply *r = dash_act_pending(j, a->school->urn);
		if (!r)
			return;   /* the action is done; the page says less */
		a->pending = r;
		if (dash_act_new_letter(before, r, a->follow_kind) || date_now_ms() >= deadline)
			return;
		usleep(150 * 1000);
	}
}

static int dash_act_run(struct forward_job *j, struct status *st)
{
	struct dash_act *a = j->ctx;
	struct status ignored;
	int rc = 0;
	if (a->kind == DASH_ACT_LETTERS) {
		N2gg__V1__ListNoticesRequest ln = N2GG__V1__LIST_NOTICES_REQUEST__INIT;
		N2gg__V1__ListDeadRequest ld = N2GG__V1__LIST_DEAD_REQUEST__INIT;
		N2gg__V1__ListUnsentRequest lu = N2GG__V1__LIST_UNSENT_REQUEST__INIT;
		ln.pending = true;
		ln.limit = 1000;   /* a re-plan's letters all wait at once */
		lu.limit = 50;
		if ((rc = forward_call(j, READMODEL_NOTIFIER, "ListNotices", &ln.base,
				       &n2gg__v1__list_notices_reply__descriptor, (void **)&a->pending,
				       st)) < 0 ||
		    (rc = forward_call(j, READMODEL_NOTIFIER, "ListDead", &ld.base,
				       &n2gg__v1__deliveries_reply__descriptor, (void **)&a->dead, st)) < 0)
			return rc;
		return forward_call(j, READMODEL_NOTIFIER, "ListUnsent", &lu.base,
				    &n2gg__v1__list_unsent_reply__descriptor, (void **)&a->unsent, st);
	}
	N2gg__V1__ListNoticesReply *before =
		a->req && a->follow_letters ? dash_act_pending(j, a->school->urn) : NULL;
	if (a->req)
		rc = forward_call(j, a->to, a->method, a->req, a->reply_type, &a->reply, st);
	if (rc == 0 && a->follow_letters)
		dash_act_follow_letters(j, a, before);
	if (rc == 0 && a->follow_category) {
		N2gg__V1__GetCategoryRequest gc = N2GG__V1__GET_CATEGORY_REQUEST__INIT;
		gc.urn = a->school->urn;
		forward_call(j, READMODEL_CATEGORISER, "GetCategory", &gc.base,
			     &n2gg__v1__get_category_reply__descriptor, (void **)&a->decision, &ignored);
	}
	if (a->kind == DASH_ACT_PIN || a->kind == DASH_ACT_PIN_FORM) {
		/* the form's choices, for the form now or again after a refusal */
		N2gg__V1__ListPartnersRequest lp = N2GG__V1__LIST_PARTNERS_REQUEST__INIT;
		int prc = forward_call(j, READMODEL_SCHEDULER, "ListPartners", &lp.base,
				       &n2gg__v1__list_partners_reply__descriptor,
				       (void **)&a->partners, rc < 0 ? &ignored : st);
		if (rc == 0 && a->kind == DASH_ACT_PIN_FORM)
			rc = prc;
	}
	if (a->kind == DASH_ACT_LETTER || (a->kind == DASH_ACT_CANCEL && rc < 0)) {
		N2gg__V1__ShowNoticeRequest sn = N2GG__V1__SHOW_NOTICE_REQUEST__INIT;
		sn.id = (char *)a->notice_id;
		int src = forward_call(j, READMODEL_NOTIFIER, "ShowNotice", &sn.base,
				       &n2gg__v1__show_notice_reply__descriptor, (void **)&a->letter,
				       rc < 0 ? &ignored : st);
		if (rc == 0)
			rc = src;
	}
	return rc;
}

/* ---- on the loop ---- */

static struct page_option *dash_partner_options(struct arena *ar,
						const N2gg__V1__ListPartnersReply *r, size_t *n)
{
	*n = 0;
	if (!r)
		return NULL;
	struct page_option *opts = arena_alloc(ar, (r->n_partners + 1) * sizeof *opts);
	for (size_t i = 0; i < r->n_partners; i++) {
		const N2gg__V1__Partner *p = r->partners[i];
		if (p->active)
			opts[(*n)++] = (struct page_option){p->id, arena_printf(ar, "%s (%s)", p->name,
										p->id)};
	}
	return opts;
}

/* The action's form, for the first time or again, with `values` and `errors`. */
static void dash_act_form(struct dash_act *a, struct arena *ar, struct html *h,
			  const struct page_user *u, const struct form *values,
			  const struct action_errors *errors)
{
	const char *path = "";
	if (a->school)
		path = arena_printf(ar, "/schools/%u/", a->school->urn);
	struct page_form f = {"", values, errors};
	size_t n;
	struct page_option *partners;
	switch (a->kind) {
	case DASH_ACT_FLAGS:
		f.action = arena_printf(ar, "%sflags", path);
		page_action_flags(h, u, a->school, &f);
		break;
	case DASH_ACT_OVERRIDE:
	case DASH_ACT_CLEAR_OVERRIDE: {
		struct page_form set = {arena_printf(ar, "%soverride", path), NULL, NULL};
		struct page_form clear = {arena_printf(ar, "%soverride/clear", path), NULL, NULL};
		struct page_form *which = a->kind == DASH_ACT_OVERRIDE ? &set : &clear;
		which->values = values;
		which->errors = errors;
		page_action_override(h, u, a->school, a->category, &set, &clear);
		break;
	}
	case DASH_ACT_PIN:
	case DASH_ACT_PIN_FORM:
		f.action = arena_printf(ar, "%spin", path);
		partners = dash_partner_options(ar, a->partners, &n);
		page_action_pin(h, u, a->school, partners, n, &f);
		break;
	case DASH_ACT_REPORT:
		f.action = arena_printf(ar, "%sreport", path);
		page_action_report(h, u, a->school, a->visit, &f);
		break;
	case DASH_ACT_MI:
		f.action = "/mi/new";
		page_action_mi(h, u, &f);
		break;
	default:
		break;
	}
}

static void dash_act_outcome(struct forward_job *j, struct dash_act *a, struct html *h)
{
	struct arena *ar = &j->arena;
	struct page_outcome o = {.back = "/", .back_label = "Go to the LA overview"};
	if (a->school) {
		o.back = arena_printf(ar, "/schools/%u", a->school->urn);
		o.back_label = arena_printf(ar, "Go to %s", a->school->name);
	}
	if (a->pending) {
		o.pending = (const N2gg__V1__Notice *const *)a->pending->notices;
		o.n_pending = a->pending->n_notices;
	}
	o.letter_expected = a->follow_letters;
	if (a->decision)
		o.decision = a->decision->decision;
	switch (a->kind) {
	case DASH_ACT_FLAGS:
		o.title = "LA flags saved";
		o.detail = "The registry has the school's flags as you set them.";
		break;
	case DASH_ACT_OVERRIDE:
		o.title = "Category set";
		o.detail = "The override is in force.";
		o.decision = ((N2gg__V1__OverrideReply *)a->reply)->decision;
		break;
	case DASH_ACT_CLEAR_OVERRIDE:
		o.title = "Override cleared";
		o.detail = "The category is the rules' again.";
		o.decision = ((N2gg__V1__OverrideReply *)a->reply)->decision;
		break;
	case DASH_ACT_PIN: {
		const N2gg__V1__PinRequest *p = (const N2gg__V1__PinRequest *)a->req;
		o.title = p->partner_id[0] ? "Partner pinned" : "Partner unpinned";
		o.detail = p->partner_id[0]
				   ? arena_printf(ar, "%s is kept when the allocation is planned again.",
						  p->partner_id)
				   : "The planner chooses the partner again.";
		break;
	}
	case DASH_ACT_REPORT:
		o.title = "Report recorded";
		o.detail = ((N2gg__V1__VisitReportReply *)a->reply)->changed
				   ? "The scheduler has the report; the school is sent it."
				   : "The scheduler had this report already: nothing changed.";
		break;
	case DASH_ACT_MI: {
		const N2gg__V1__MiReply *r = a->reply;
		o.title = "MI sheet published";
		o.detail = arena_printf(ar, "MI %s goes to %u schools.",
					r->sheet ? r->sheet->number : "", r->schools);
		o.back = "/mi/new";
		o.back_label = "Publish another sheet";
		break;
	}
	case DASH_ACT_CANCEL:
		o.title = "Letter cancelled";
		o.detail = "It will not go.";
		o.back = "/letters";
		o.back_label = "Go to the letters";
		break;
	default:
		break;
	}
	page_action_done(h, &j->user, &o);
}

static void dash_act_done(struct forward_job *j, int rc, const struct status *st)
{
	struct dash_act *a = j->ctx;
	struct web_response *r = web_response(j->x);
	struct web_request *q = web_request(j->x);
	bool post = strcmp(q->method, "POST") == 0;
	const struct action_errors *errors = a->errors.count ? &a->errors : NULL;
	if (rc < 0)
		log_warn(a->req ? "action refused by the service" : "service call failed",
			 "user=%s path=%s code=%s error=%s", log_str(j->user.name), log_str(q->path),
			 status_code_name(st->code), log_str(st->message));
	else if (a->req)
		log_info("action forwarded", "user=%s path=%s method=%s", log_str(j->user.name),
			 log_str(q->path), a->method);
	if (rc < 0 && st->code == STATUS_UNAVAILABLE)
		r->status = 503;
	switch (a->kind) {
	case DASH_ACT_LETTERS:
		if (rc == 0) {
			struct page_letters_data ld = {a->pending, a->dead, a->unsent};
			page_letters(&r->body, &j->user, &ld);
			return;
		}
		break;
	case DASH_ACT_LETTER:
		if (rc == 0) {
			struct page_form f = {arena_printf(&j->arena, "/letters/%s/cancel", a->notice_id),
					      post ? &q->body : NULL, errors};
			page_letter(&r->body, &j->user, a->letter, a->cancel_allowed ? &f : NULL);
			return;
		}
		if (st->code == STATUS_NOT_FOUND) {
			r->status = 404;
			page_error(&r->body, &j->user, 404, "There is no such letter.");
			return;
		}
		break;
	case DASH_ACT_CANCEL:
		if (rc < 0 && a->letter) {
			struct action_errors e = {0};
			action_fail(&e, "", st->message);
			struct page_form f = {arena_printf(&j->arena, "/letters/%s/cancel", a->notice_id),
					      &q->body, &e};
			page_letter(&r->body, &j->user, a->letter, &f);
			return;
		}
		break;
	case DASH_ACT_PIN_FORM:
		if (rc == 0) {
			dash_act_form(a, &j->arena, &r->body, &j->user, post ? &q->body : NULL, errors);
			return;
		}
		break;
	case DASH_ACT_MI:
		if (rc == 0 && ((const N2gg__V1__PublishMiRequest *)a->req)->dry_run) {
			struct page_form f = {"/mi/new", &q->body, NULL};
			page_action_mi_preview(&r->body, &j->user, a->reply, &f);
			return;
		}
		break;
	default:
		break;
	}
	if (rc == 0 && a->req) {
		dash_act_outcome(j, a, &r->body);
	} else if (a->kind != DASH_ACT_LETTERS && a->kind != DASH_ACT_LETTER &&
		   a->kind != DASH_ACT_CANCEL) {
		/* the service's refusal, in the form's error summary */
		struct action_errors e = {0};
		action_fail(&e, "", st->message);
		dash_act_form(a, &j->arena, &r->body, &j->user, a->req ? &q->body : NULL,
			      rc < 0 ? &e : NULL);
	} else {
		if (!r->status || r->status == 200)
			r->status = 502;
		page_error(&r->body, &j->user, r->status,
			   arena_printf(&j->arena, "The notifier could not answer: %s", st->message));
	}
}

/* Hands the job to the pool: true (held) when it was taken. */
static bool dash_act_start(struct dash_call *c, struct forward_job *j)
{
	if (forward_start(j, dash_act_run, dash_act_done) < 0) {
		forward_drop(j);
		dash_error(c, 503, "The dashboard is busy. Try again.");
		return false;
	}
	return true;
}

static struct forward_job *dash_act_job(struct dash_call *c, enum dash_act_kind kind,
					struct dash_act **out)
{
	struct forward_job *j = forward_new(c->d, c->x, &c->user);
	struct dash_act *a = arena_zalloc(&j->arena, sizeof *a);
	a->kind = kind;
	a->follow_ms = c->d->action_follow_ms;
	j->ctx = a;
	*out = a;
	return j;
}

/* ---- the school's actions ---- */

/* What the school's forms need from the read model, copied into the job's arena (the
 * request's is reset when the handler returns). */
static int dash_act_school(struct dash_call *c, uint32_t urn, struct dash_act *a,
			   struct arena *ar, const char *visit_id)
{
	MDB_txn *txn;
	struct status st;
	if (store_begin_read(&c->d->svc->store, &txn, &st) < 0) {
		dash_error(c, 500, "The store could not be read. Try again.");
		return -1;
	}
	struct dash_viewer v = {c->user.role, c->user.partner_id};
	struct page_school_data sd;
	int rc = dash_data_school(c->d, txn, &v, urn, c->a, &sd, &st);
	mdb_txn_abort(txn);
	if (rc == -STATUS_NOT_FOUND) {
		dash_error(c, 404, st.message);
		return -1;
	}
	if (rc == -STATUS_PERMISSION_DENIED) {
		dash_forbid(c, "You can act only for the schools you are a partner of. Nothing was "
			       "changed.");
		return -1;
	}
	if (rc < 0) {
		dash_error(c, 500, "The page could not be read from the store. Try again.");
		return -1;
	}
	a->school = arena_message_copy(ar, &sd.school->base);
	if (sd.category)
		a->category = arena_message_copy(ar, &sd.category->base);
	for (size_t i = 0; visit_id && i < sd.n_visits; i++)
		if (strcmp(sd.visits[i]->id, visit_id) == 0)
			a->visit = arena_message_copy(ar, &sd.visits[i]->base);
	if (visit_id && !a->visit) {
		dash_error(c, 404, "The school has no such visit.");
		return -1;
	}
	return 0;
}

/* Builds the request of a posted form: 0. When it does not pass: -1 with the form written
 * again, or 1 when the page needs a service's answer first (a->kind says which). */
static int dash_act_build(struct dash_call *c, struct dash_act *a, struct arena *ar)
{
	const struct form *f = &c->q->body;
	struct action_errors *e = &a->errors;
	uint32_t urn = a->school ? a->school->urn : 0;
	int rc = -1;
	bool unpin;
	switch (a->kind) {
	case DASH_ACT_FLAGS:
		rc = action_flags(f, urn, a->school ? a->school->flags : NULL, ar,
				  (N2gg__V1__SetFlagsRequest **)&a->req, e);
		a->to = READMODEL_REGISTRY, a->method = "SetFlags";
		a->reply_type = &n2gg__v1__school_reply__descriptor;
		a->follow_letters = a->follow_category = true;
		break;
	case DASH_ACT_OVERRIDE:
		/* the categoriser's clock, not --as-of: it refuses an expiry already past */
		rc = action_override(f, urn, date_today(), ar,
				     (N2gg__V1__SetOverrideRequest **)&a->req, e);
		a->to = READMODEL_CATEGORISER, a->method = "SetOverride";
		a->reply_type = &n2gg__v1__override_reply__descriptor;
		a->follow_letters = true;
		break;
	case DASH_ACT_CLEAR_OVERRIDE:
		rc = action_clear_override(f, urn, ar, (N2gg__V1__ClearOverrideRequest **)&a->req, e);
		a->to = READMODEL_CATEGORISER, a->method = "ClearOverride";
		a->reply_type = &n2gg__v1__override_reply__descriptor;
		a->follow_letters = true;
		break;
	case DASH_ACT_PIN:
		rc = action_pin(f, urn, a->school->cluster_id, ar, (N2gg__V1__PinRequest **)&a->req,
				&unpin, e);
		a->to = READMODEL_SCHEDULER, a->method = unpin ? "Unpin" : "Pin";
		a->reply_type = &n2gg__v1__allocations_reply__descriptor;
		a->follow_letters = true;
		break;
	case DASH_ACT_REPORT:
		rc = action_report(f, ar, (N2gg__V1__RecordVisitReportRequest **)&a->req, e);
		a->to = READMODEL_SCHEDULER, a->method = "RecordVisitReport";
		a->reply_type = &n2gg__v1__visit_report_reply__descriptor;
		a->follow_letters = true;
		break;
	case DASH_ACT_MI:
		rc = action_mi(f, dashboard_today(c->d), strcmp(form_get(f, "step"), "confirm") != 0,
			       ar, (N2gg__V1__PublishMiRequest **)&a->req, e);
		a->to = READMODEL_NOTIFIER, a->method = "PublishMi";
		a->reply_type = &n2gg__v1__mi_reply__descriptor;
		break;
	case DASH_ACT_CANCEL:
		rc = action_cancel(f, a->notice_id, ar, (N2gg__V1__CancelNoticeRequest **)&a->req, e);
		a->to = READMODEL_NOTIFIER, a->method = "CancelNotice";
		a->reply_type = &n2gg__v1__deliveries_reply__descriptor;
		break;
	default:
		break;
	}
	/* the letter each change causes, when it causes one */
	a->follow_kind = a->kind == DASH_ACT_PIN      ? N2GG__V1__NOTICE_KIND__NOTICE_ALLOCATION_LETTER
			 : a->kind == DASH_ACT_REPORT ? N2GG__V1__NOTICE_KIND__NOTICE_VISIT_REPORT
						      : N2GG__V1__NOTICE_KIND__NOTICE_CATEGORY_LETTER;
	if (rc == 0)
		return 0;
	a->req = NULL;
	/* the pin form's choices and the letter are the services': the page waits for them */
	if (a->kind == DASH_ACT_PIN || a->kind == DASH_ACT_CANCEL) {
		a->kind = a->kind == DASH_ACT_PIN ? DASH_ACT_PIN_FORM : DASH_ACT_LETTER;
		return 1;
	}
	if (a->kind == DASH_ACT_FLAGS) {
		struct form again = {0};
		action_flags_values(f, a->school ? a->school->flags : NULL, &again);
		dash_act_form(a, ar, &c->r->body, &c->user, &again, e);
		form_free(&again);
		return -1;
	}
	dash_act_form(a, ar, &c->r->body, &c->user, f, e);
	return -1;
}

/* "/schools/URN/REST": the URN and REST, or 0 when the path is not one. */
static uint32_t dash_school_path(const char *path, const char **rest)
{
	if (strncmp(path, "/schools/", 9) != 0)
		return 0;
	const char *p = path + 9;
	unsigned long long urn = 0;
	size_t n = 0;
	while (p[n] >= '0' && p[n] <= '9' && n < 10)
		urn = urn * 10 + (unsigned)(p[n++] - '0');
	if (!n || p[n] != '/' || urn == 0 || urn > UINT32_MAX)
		return 0;
	*rest = p + n + 1;
	return (uint32_t)urn;
}

static bool dash_school_action(struct dash_call *c, uint32_t urn, const char *rest, bool post)
{
	static const struct {
		const char *path;
		enum dash_act_kind kind;
	} routes[] = {{"flags", DASH_ACT_FLAGS}, {"override", DASH_ACT_OVERRIDE},
		      {"override/clear", DASH_ACT_CLEAR_OVERRIDE}, {"pin", DASH_ACT_PIN},
		      {"report", DASH_ACT_REPORT}};
	size_t i = 0;
	while (i < sizeof routes / sizeof *routes && strcmp(routes[i].path, rest) != 0)
		i++;
	if (i == sizeof routes / sizeof *routes) {
		dash_error(c, 404, "There is no page at this address.");
		return false;
	}
	enum dash_act_kind kind = routes[i].kind;
	bool partner = c->user.role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER;
	if (!dash_may_act(&c->user) && !(kind == DASH_ACT_REPORT && partner)) {
		dash_forbid(c, kind == DASH_ACT_REPORT
				       ? "Only officers and the school's partners record visit reports. "
					 "Nothing was changed."
				       : "Only officers can change this. Nothing was changed.");
		return false;
	}
	if (!post && kind == DASH_ACT_CLEAR_OVERRIDE) {
		dash_error(c, 405, "The override is cleared with the form on the override page.");
		return false;
	}
	struct dash_act *a;
	struct forward_job *j = dash_act_job(c, post || kind != DASH_ACT_PIN ? kind : DASH_ACT_PIN_FORM,
					     &a);
	const char *visit = kind == DASH_ACT_REPORT
				    ? form_get(post ? &c->q->body : &c->q->query, "visit")
				    : NULL;
	if (dash_act_school(c, urn, a, &j->arena, visit) < 0) {
		forward_drop(j);
		return false;
	}
	if (!post) {
		struct form values = {0};
		if (kind == DASH_ACT_FLAGS)
			action_flags_values(NULL, a->school->flags, &values);
		if (kind == DASH_ACT_PIN) {
			return dash_act_start(c, j);
		}
		dash_act_form(a, &j->arena, &c->r->body, &c->user, &values, NULL);
		form_free(&values);
		forward_drop(j);
		return false;
	}
	if (dash_act_build(c, a, &j->arena) < 0) {
		forward_drop(j);
		return false;
	}
	return dash_act_start(c, j);
}

/* ---- MI sheets, letters ---- */

static bool dash_mi(struct dash_call *c, bool post)
{
	if (!dash_may_act(&c->user)) {
		dash_forbid(c, "Only officers publish MI sheets. Nothing was changed.");
		return false;
	}
	struct dash_act *a;
	struct forward_job *j = dash_act_job(c, DASH_ACT_MI, &a);
	bool edit = post && strcmp(form_get(&c->q->body, "step"), "edit") == 0;
	if (!post || edit) {
		struct form values = {0};
		form_add(&values, "headteachers", "yes");
		dash_act_form(a, &j->arena, &c->r->body, &c->user, edit ? &c->q->body : &values, NULL);
		form_free(&values);
	} else if (dash_act_build(c, a, &j->arena) >= 0) {
		return dash_act_start(c, j);
	}
	forward_drop(j);
	return false;
}

static bool dash_letters(struct dash_call *c, const char *rest, bool post)
{
	if (c->user.role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER) {
		dash_forbid(c, "The letters are the LA's officers'.");
		return false;
	}
	size_t n = strlen(rest);
	bool cancel = n > 7 && strcmp(rest + n - 7, "/cancel") == 0;
	if (post && !cancel) {
		dash_error(c, 404, "There is no form at this address.");
		return false;
	}
	if (cancel && !post) {
		dash_error(c, 405, "A letter is cancelled with the form on its page.");
		return false;
	}
	if (cancel && !dash_may_act(&c->user)) {
		dash_forbid(c, "Only officers cancel letters. Nothing was changed.");
		return false;
	}
	struct dash_act *a;
	struct forward_job *j =
		dash_act_job(c, !rest[0] ? DASH_ACT_LETTERS : cancel ? DASH_ACT_CANCEL : DASH_ACT_LETTER,
			     &a);
	a->notice_id = arena_strndup(&j->arena, rest, cancel ? n - 7 : n);
	a->cancel_allowed = dash_may_act(&c->user);
	if (cancel && dash_act_build(c, a, &j->arena) < 0) {
		forward_drop(j);
		return false;
	}
	return dash_act_start(c, j);
}

bool dash_actions_route(struct dash_call *c, bool *held)
{
	const char *path = c->q->path, *rest;
	bool post = strcmp(c->q->method, "POST") == 0;
	uint32_t urn = dash_school_path(path, &rest);
	if (urn)
		*held = dash_school_action(c, urn, rest, post);
	else if (strcmp(path, "/mi/new") == 0)
		*held = dash_mi(c, post);
	else if (strcmp(path, "/letters") == 0)
		*held = dash_letters(c, "", post);
	else if (strncmp(path, "/letters/", 9) == 0 && path[9])
		*held = dash_letters(c, path + 9, post);
	else if (strcmp(path, "/admin") == 0 || strncmp(path, "/admin/", 7) == 0)
		return dash_admin_route(c, held);
	else
		return false;
	return true;
}
