/* notice_lint: internal identifiers kept out of letters (see notice_lint.h). */
#include "notice_lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The internal text the samples carry, each with what it is as a finding names it. They are
 * written as the services write them, so that a template that shows any such field, in any
 * letter, shows one of these. */
static const struct notice_lint_token {
	const char *token;
	const char *what;
} notice_lint_tokens[] = {
	{"P058", "a partner's reference"},
	{"P017", "a partner's reference"},
	{"j.smith", "an officer's username"},
	{"Head asked for Rachel", "an officer's private note"},
	{"r-override-n2gg", "a policy rule's id"},
	{"la.n2gg_target", "a policy fact's name"},
	{"C926-28", "a cluster's code"},
	{"120024-2014-monitoring-2", "a visit's id"},
	{"optimal", "the solver's terms"},
	{"least cost", "the solver's terms"},
	{"registry.inspection", "an event's cause"},
	{"allocation run", "an event's cause"},
};

#define NOTICE_LINT_URN 120024
#define NOTICE_LINT_CLUSTER "C926-28"

#define NOTICE_LINT_TOKENS (sizeof notice_lint_tokens / sizeof *notice_lint_tokens)

struct notice_lint_run {
	const struct notice_templates *t;
	notice_report_fn report;
	void *ctx;
	int findings;
	bool found[NOTICE_KIND_COUNT][NOTICE_LINT_TOKENS];   /* each reported once a kind */
};

static void notice_lint_scan(struct notice_lint_run *run, N2gg__V1__NoticeKind kind,
			     json_t *data)
{
	const struct notice_kind_info *info = notice_kind(kind);
	char *json = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	N2gg__V1__Recipient who = N2GG__V1__RECIPIENT__INIT;
	who.name = "Ms Susan Davies";
	who.role = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_HEADTEACHER;
	struct arena a;
	arena_init(&a);
	struct notice_rendered out;
	struct status st = {.code = STATUS_OK};
	if (!json || notice_render(run->t, kind, json, &who, &a, &out, &st) < 0) {
		run->findings++;
		if (run->report) {
			char msg[1024];
			snprintf(msg, sizeof msg, "%s: the %s could not be rendered: %s",
				 run->t->files[kind].name, info->title, st.message);
			run->report(run->ctx, run->t->files[kind].name, msg);
		}
		free(json);
		arena_free(&a);
		return;
	}
	const char *parts[] = {out.subject, out.text, out.html};
	for (size_t k = 0; k < NOTICE_LINT_TOKENS; k++) {
		const struct notice_lint_token *tok = &notice_lint_tokens[k];
		bool shown = false;
		for (size_t p = 0; p < 3 && !shown; p++)
			shown = parts[p] && strstr(parts[p], tok->token);
		if (!shown || run->found[kind][k])
			continue;
		run->found[kind][k] = true;
		run->findings++;
		if (run->report) {
			char msg[1024];
			snprintf(msg, sizeof msg,
				 "%s: the %s shows %s (\"%s\"): a letter must not show the "
				 "programme's internal identifiers",
				 run->t->files[kind].name, info->title, tok->what, tok->token);
			run->report(run->ctx, run->t->files[kind].name, msg);
		}
	}
	free(json);
	arena_free(&a);
}

/* ---- the samples ---- */

static void notice_lint_school(N2gg__V1__NotifierSchool *s, N2gg__V1__Recipient *head,
			       N2gg__V1__Recipient *chair)
{
	*head = (N2gg__V1__Recipient)N2GG__V1__RECIPIENT__INIT;
	head->name = "Ms Susan Davies";
	head->email = "head@tittleshall.norfolk.sch.uk";
	head->role = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_HEADTEACHER;
	*chair = (N2gg__V1__Recipient)N2GG__V1__RECIPIENT__INIT;
	chair->name = "Mrs Kirsty Lake";
	chair->role = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CHAIR_OF_GOVERNORS;
	*s = (N2gg__V1__NotifierSchool)N2GG__V1__NOTIFIER_SCHOOL__INIT;
	s->urn = NOTICE_LINT_URN;
	s->name = "Tittleshall Primary School";
	s->cluster_id = NOTICE_LINT_CLUSTER;
	s->phase = N2GG__V1__PHASE__PHASE_PRIMARY;
	s->category = "C";
	s->headteacher = head;
	s->chair_of_governors = chair;
}

static void notice_lint_category(struct notice_lint_run *run,
				 const struct notice_letterhead *lh,
				 const N2gg__V1__NotifierSchool *school)
{
	N2gg__V1__Reason flag = N2GG__V1__REASON__INIT, ofsted = N2GG__V1__REASON__INIT;
	flag.fact = "la.n2gg_target";
	flag.value = "yes";
	flag.condition = "is yes";
	flag.holds = true;
	flag.text = "la.n2gg_target: yes";   /* a fact with no label: its name is all there is */
	ofsted.fact = "ofsted.overall";
	ofsted.value = "3 (Requires improvement)";
	ofsted.condition = "is 3";
	ofsted.holds = true;
	ofsted.text = "Latest Ofsted overall effectiveness: 3 (Requires improvement), is 3: yes";
	N2gg__V1__Reason *reasons[] = {&flag, &ofsted};
	char *activities[] = {"Half-termly monitoring by the school's partner"};
	N2gg__V1__CategoryChanged ev = N2GG__V1__CATEGORY_CHANGED__INIT;
	ev.urn = NOTICE_LINT_URN;
	ev.school_name = school->name;
	ev.cluster_id = NOTICE_LINT_CLUSTER;
	ev.phase = school->phase;
	ev.previous_category = "B";
	ev.category = "C";
	ev.category_name = "Requires improvement: N2GG";
	ev.n_reasons = 2;
	ev.reasons = reasons;
	ev.rule_id = "r-override-n2gg";
	ev.policy_name = "Norfolk";
	ev.policy_version = "2013";
	ev.effective_date = "2013-10-15";
	ev.n_activities = 1;
	ev.activities = activities;
	ev.cause = "registry.inspection.recorded #812 by j.smith";
	ev.overridden = true;
	ev.half_termly_monitoring = true;
	notice_lint_scan(run, N2GG__V1__NOTICE_KIND__NOTICE_CATEGORY_LETTER,
			 notice_data_category(lh, school, &ev));
}

static void notice_lint_allocation(struct notice_lint_run *run,
				   const struct notice_letterhead *lh,
				   const N2gg__V1__NotifierSchool *school)
{
	/* a pin with the officer's note, and the solver's own reason: both are for officers */
	static const char *const reasons[] = {
		"pinned by j.smith: Head asked for Rachel Dawson",
		"optimal: the least cost for the whole plan",
	};
	for (size_t i = 0; i < 2; i++) {
		N2gg__V1__Allocation al = N2GG__V1__ALLOCATION__INIT;
		al.urn = NOTICE_LINT_URN;
		al.school_name = school->name;
		al.cluster_id = NOTICE_LINT_CLUSTER;
		al.role = N2GG__V1__ROLE__ROLE_ECP;
		al.partner_id = "P058";
		al.partner_name = "Rachel Dawson";
		al.partner_email = "rachel.dawson@partners.example.org";
		al.partner_phone = "01603 222333";
		al.days = 5;
		al.cost_pence = 150000;
		al.pinned = i == 0;
		al.reason = (char *)reasons[i];
		N2gg__V1__AllocationChanged ev = N2GG__V1__ALLOCATION_CHANGED__INIT;
		ev.allocation = &al;
		ev.previous_partner_id = "P017";
		ev.cause = "allocation run";
		notice_lint_scan(run, N2GG__V1__NOTICE_KIND__NOTICE_ALLOCATION_LETTER,
				 notice_data_allocation(lh, school, NULL, &ev));
	}
}

static void notice_lint_visit(N2gg__V1__Visit *v, const N2gg__V1__NotifierSchool *school)
{
	*v = (N2gg__V1__Visit)N2GG__V1__VISIT__INIT;
	v->id = "120024-2014-monitoring-2";
	v->urn = NOTICE_LINT_URN;
	v->school_name = school->name;
	v->partner_id = "P058";
	v->partner_name = "Rachel Dawson";
	v->partner_email = "rachel.dawson@partners.example.org";
	v->partner_phone = "01603 222333";
	v->date = "2013-12-04";
	v->kind = "monitoring";
	v->half_term = 2;
	v->year = 2014;
	v->role = N2GG__V1__ROLE__ROLE_ECP;
}

static void notice_lint_visits(struct notice_lint_run *run, const struct notice_letterhead *lh,
			       const N2gg__V1__NotifierSchool *school)
{
	N2gg__V1__Visit v;
	notice_lint_visit(&v, school);
	N2gg__V1__Visit *visits[] = {&v};
	notice_lint_scan(run, N2GG__V1__NOTICE_KIND__NOTICE_VISIT_SCHEDULE,
			 notice_data_visits(lh, school, visits, 1));

	char *attended[] = {"Ms Susan Davies (headteacher)"};
	char *items[] = {"Phonics teaching is consistently good"};
	N2gg__V1__VisitReport r = N2GG__V1__VISIT_REPORT__INIT;
	r.visit_id = v.id;
	r.held = true;
	r.date_held = v.date;
	r.n_attended = 1;
	r.attended = attended;
	r.progress = N2GG__V1__VISIT_PROGRESS__PROGRESS_GOOD;
	r.n_strengths = r.n_priorities = r.n_agreed_actions = 1;
	r.strengths = r.priorities = r.agreed_actions = items;
	r.next_visit_focus = "Writing in Key Stage 2";
	r.recorded_by = "j.smith";
	r.version = 2;
	r.visit = &v;
	r.partner_name = v.partner_name;
	N2gg__V1__VisitReportEvent ev = N2GG__V1__VISIT_REPORT_EVENT__INIT;
	ev.report = &r;
	ev.previous = &r;
	ev.partner_name = v.partner_name;
	ev.school_name = school->name;
	ev.partner_email = v.partner_email;
	ev.partner_phone = v.partner_phone;
	notice_lint_scan(run, N2GG__V1__NOTICE_KIND__NOTICE_VISIT_REPORT,
			 notice_data_visit_report(lh, school, &ev, true));
}

static void notice_lint_mi(struct notice_lint_run *run, const struct notice_letterhead *lh,
			   const N2gg__V1__NotifierSchool *school)
{
	char *clusters[] = {NOTICE_LINT_CLUSTER};
	N2gg__V1__MiAudience audience = N2GG__V1__MI_AUDIENCE__INIT;
	audience.headteachers = true;
	audience.n_clusters = 1;
	audience.clusters = clusters;
	N2gg__V1__MiSheet sheet = N2GG__V1__MI_SHEET__INIT;
	sheet.number = "042/13";
	sheet.type = N2GG__V1__MI_TYPE__MI_ACTION;
	sheet.title = "Pupil premium plans";
	sheet.body = "Please send the school's plan for the pupil premium.";
	sheet.publication_date = "2013-10-15";
	sheet.complete_by = "2013-12-20";
	sheet.contact_name = "Anne Officer";
	sheet.contact_phone = "01603 223456";
	sheet.audience = &audience;
	sheet.issued = true;
	sheet.published_by = sheet.withdrawn_by = sheet.corrected_by = "j.smith";
	sheet.revision = 1;
	sheet.correction_note = "The deadline is 20 December, not 20 November.";
	sheet.withdrawal_reason = "Sent in error.";
	static const struct {
		N2gg__V1__NoticeKind kind;
		enum notice_mi_letter letter;
	} letters[] = {
		{N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET, NOTICE_MI_ISSUED},
		{N2GG__V1__NOTICE_KIND__NOTICE_MI_REMINDER, NOTICE_MI_REMINDER},
		{N2GG__V1__NOTICE_KIND__NOTICE_MI_CORRECTION, NOTICE_MI_CORRECTED},
		{N2GG__V1__NOTICE_KIND__NOTICE_MI_CORRECTION, NOTICE_MI_WITHDRAWN},
	};
	for (size_t i = 0; i < sizeof letters / sizeof *letters; i++)
		notice_lint_scan(run, letters[i].kind,
				 notice_data_mi(lh, school, NULL, &sheet, letters[i].letter));

	N2gg__V1__NotifierCluster cluster = N2GG__V1__NOTIFIER_CLUSTER__INIT;
	cluster.id = NOTICE_LINT_CLUSTER;
	cluster.name = "Sprowston Cluster";
	cluster.chair = school->chair_of_governors;
	audience.headteachers = false;
	audience.cluster_chairs = true;
	notice_lint_scan(run, N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET,
			 notice_data_mi(lh, NULL, &cluster, &sheet, NOTICE_MI_ISSUED));
}

static void notice_lint_digest(struct notice_lint_run *run, const struct notice_letterhead *lh,
			       const N2gg__V1__NotifierSchool *school)
{
	struct notice_digest_item item = {N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET,
					  "MI sheet 042/13: Pupil premium plans",
					  "Please send the school's plan for the pupil premium."};
	notice_lint_scan(run, N2GG__V1__NOTICE_KIND__NOTICE_DIGEST,
			 notice_data_digest(lh, school, &item, 1));
}

int notice_lint(const struct notice_templates *t, notice_report_fn report, void *ctx)
{
	struct notice_lint_run run = {.t = t, .report = report, .ctx = ctx};
	struct notice_letterhead lh = {"Norfolk County Council", 16000};
	N2gg__V1__NotifierSchool school;
	N2gg__V1__Recipient head, chair;
	notice_lint_school(&school, &head, &chair);
	notice_lint_category(&run, &lh, &school);
	notice_lint_allocation(&run, &lh, &school);
	notice_lint_visits(&run, &lh, &school);
	notice_lint_mi(&run, &lh, &school);
	notice_lint_digest(&run, &lh, &school);
	return run.findings;
}
