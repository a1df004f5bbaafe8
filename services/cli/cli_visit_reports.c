/* cli_visit_reports: the partners' reports of their visits and the annual conversation
 * (visits report, show, reports, overdue). `visits report` on a visit that has a report
 * already corrects it: the options given replace those fields and the rest are kept, so a
 * correction names only what was wrong. What a report must say is the scheduler's to check
 * (visit_report.c); here only the scale's names are read, with the scheduler's own table. */
#include <string.h>

#include "cli.h"
#include "cli_format.h"
#include "visit_report.h"

/* The items of a list option: sentences, so only ';' separates them (commas stay). */
static void cli_report_items(struct cli *cli, const struct cli_args *args, const char *name,
			     char ***items, size_t *n)
{
	const char *text = cli_opt(args, name);
	if (text)
		*items = cli_split_on(&cli->arena, text, ";", n);
}

static void cli_report_text(const struct cli_args *args, const char *name, char **field)
{
	const char *text = cli_opt(args, name);
	if (text)
		*field = (char *)text;
}

/* A visit reported as held, then as not held (or the other way): what only the other state
 * has goes, unless given again, so that the correction is not refused for it. */
static void cli_report_switch(N2gg__V1__VisitReport *r, const struct cli_args *args)
{
	static char *none[1];
	if (r->held) {
		r->not_held_reason = "";
		return;
	}
	r->date_held = "";
	r->progress = N2GG__V1__VISIT_PROGRESS__PROGRESS_UNKNOWN;
	r->self_evaluation_validation = "";
	if (!cli_opt(args, "attended"))
		r->attended = none, r->n_attended = 0;
	if (!cli_opt(args, "strengths"))
		r->strengths = none, r->n_strengths = 0;
	if (!cli_opt(args, "priorities"))
		r->priorities = none, r->n_priorities = 0;
	if (!cli_opt(args, "signposting"))
		r->signposting = none, r->n_signposting = 0;
}

/* The report to send: the one recorded before (NULL: none) with the options given laid
 * over it. */
static int cli_report_build(struct cli *cli, const struct cli_args *args, const char *visit_id,
			    const N2gg__V1__VisitReport *before, N2gg__V1__VisitReport **out)
{
	N2gg__V1__VisitReport *r =
		before ? arena_message_copy(&cli->arena, &before->base)
		       : arena_message(&cli->arena, &n2gg__v1__visit_report__descriptor);
	const char *held = cli_opt(args, "held"), *date = cli_opt(args, "date"),
		   *progress = cli_opt(args, "progress");
	char iso[DATE_ISO_LEN];
	bool was_held = r->held, now_held = before ? before->held : true;
	int rc;
	if (held && (rc = cli_check_yes_no(cli, "--held", held, &now_held)) < 0)
		return rc;
	r->visit_id = (char *)visit_id;
	r->held = now_held;
	if (before && now_held != was_held)
		cli_report_switch(r, args);
	if (date) {
		if ((rc = cli_check_date(cli, "--date", date, iso)) < 0)
			return rc;
		r->date_held = arena_strdup(&cli->arena, iso);
	}
	if (progress &&
	    (rc = visit_progress_parse(progress, &r->progress, &cli->st)) < 0)
		return rc;
	cli_report_text(args, "reason", &r->not_held_reason);
	cli_report_text(args, "next-focus", &r->next_visit_focus);
	cli_report_text(args, "validation", &r->self_evaluation_validation);
	cli_report_items(cli, args, "attended", &r->attended, &r->n_attended);
	cli_report_items(cli, args, "strengths", &r->strengths, &r->n_strengths);
	cli_report_items(cli, args, "priorities", &r->priorities, &r->n_priorities);
	cli_report_items(cli, args, "actions", &r->agreed_actions, &r->n_agreed_actions);
	cli_report_items(cli, args, "signposting", &r->signposting, &r->n_signposting);
	*out = r;
	return 0;
}

static int cli_get_visit_report(struct cli *cli, const char *visit_id,
				N2gg__V1__VisitReportReply **reply)
{
	N2gg__V1__GetVisitReportRequest req = N2GG__V1__GET_VISIT_REPORT_REQUEST__INIT;
	req.visit_id = (char *)visit_id;
	return cli_call_scheduler(cli, "GetVisitReport", &req.base,
				  &n2gg__v1__visit_report_reply__descriptor, (void **)reply);
}

/* "monitoring visit (half-term 2) to Aylsham Primary School (121234) on 2013-11-12" */
static const char *cli_visit_words(const N2gg__V1__Visit *v, struct arena *a)
{
	if (!v)
		return "-";
	bool annual = strcmp(v->kind, VISIT_KIND_ANNUAL) == 0;
	return arena_printf(a, "%s to %s (%u) on %s",
			    annual ? "annual conversation"
				   : arena_printf(a, "monitoring visit (half-term %u)", v->half_term),
			    cli_or_dash(v->school_name), v->urn, cli_or_dash(v->date));
}

int cli_visits_report(struct cli *cli, const struct cli_args *args)
{
	const char *id = args->operands[0];
	N2gg__V1__VisitReportReply *now, *reply;
	N2gg__V1__RecordVisitReportRequest req = N2GG__V1__RECORD_VISIT_REPORT_REQUEST__INIT;
	int rc;
	if ((rc = cli_get_visit_report(cli, id, &now)) < 0 ||
	    (rc = cli_report_build(cli, args, id, now->report, &req.report)) < 0 ||
	    (rc = cli_call_scheduler(cli, "RecordVisitReport", &req.base,
				     &n2gg__v1__visit_report_reply__descriptor, (void **)&reply)) <
		    0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	const N2gg__V1__VisitReport *r = reply->report;
	unsigned version = r ? r->version : 0;
	if (!reply->changed) {
		printf("Report of %s unchanged (version %u): nothing sent\n", id, version);
		return 0;
	}
	printf("Report of %s %s (version %u): %s, partner %s\n", id,
	       version > 1 ? "corrected" : "recorded", version,
	       cli_visit_words(reply->visit, &cli->arena), cli_or_dash(reply->partner_name));
	printf("The school's headteacher and chair of governors get it as a letter once the "
	       "notifier's settle window has passed%s.\n",
	       version > 1 ? " (a letter not yet gone is rewritten)" : "");
	return 0;
}

static void cli_print_list(const char *label, char *const *items, size_t n)
{
	if (!n)
		return;
	printf("  %s\n", label);
	for (size_t i = 0; i < n; i++)
		printf("    - %s\n", items[i]);
}

static void cli_print_visit_report(const N2gg__V1__VisitReportReply *reply)
{
	const N2gg__V1__Visit *v = reply->visit;
	const N2gg__V1__VisitReport *r = reply->report;
	char when[CLI_TIME_LEN];
	printf("Visit %s\n", v ? v->id : "-");
	if (v) {
		cli_print_field("School", "%s (%u)", cli_or_dash(v->school_name), v->urn);
		cli_print_field("Kind", "%s", v->kind);
		cli_print_field("Planned", "%s, half-term %u of %u/%02u", v->date, v->half_term,
				v->year - 1, v->year % 100);
		cli_print_field("Partner", "%s (%s)", cli_or_dash(reply->partner_name),
				cli_or_dash(v->partner_id));
	}
	if (!r) {
		if (reply->overdue)
			printf("No report: overdue by %u day(s)\n", reply->days_overdue);
		else
			printf("No report yet\n");
		return;
	}
	printf("Report (version %u, recorded by %s at %s)\n", r->version,
	       cli_or_dash(r->recorded_by), cli_time(r->recorded_unix_ms, when));
	if (!r->held) {
		cli_print_field("Held", "no: %s", r->not_held_reason);
	} else {
		cli_print_field("Held", "yes, on %s", r->date_held);
		cli_print_field("Attended", "%s", r->n_attended ? "" : "-");
		for (size_t i = 0; i < r->n_attended; i++)
			printf("    - %s\n", r->attended[i]);
		cli_print_field("Progress", "%s: %s", cli_or_dash(visit_progress_name(r->progress)),
				visit_progress_meaning(r->progress));
	}
	cli_print_list("Strengths", r->strengths, r->n_strengths);
	cli_print_list("Priorities for improvement", r->priorities, r->n_priorities);
	cli_print_list("Agreed actions", r->agreed_actions, r->n_agreed_actions);
	if (r->next_visit_focus[0])
		cli_print_field("Next visit's focus", "%s", r->next_visit_focus);
	if (r->self_evaluation_validation[0])
		cli_print_field("Self-evaluation", "%s", r->self_evaluation_validation);
	cli_print_list("Signposting", r->signposting, r->n_signposting);
}

int cli_visits_show(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__VisitReportReply *reply;
	int rc = cli_get_visit_report(cli, args->operands[0], &reply);
	if (rc < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_visit_report(reply);
	return 0;
}

/* ListVisitReports with the filters every listing takes. */
static int cli_list_visit_reports(struct cli *cli, const struct cli_args *args, bool overdue,
				  N2gg__V1__ListVisitReportsReply **reply)
{
	N2gg__V1__ListVisitReportsRequest req = N2GG__V1__LIST_VISIT_REPORTS_REQUEST__INIT;
	const char *school = cli_opt(args, "school");
	int rc;
	req.partner_id = cli_text_opt(args, "partner");
	req.kind = cli_text_opt(args, "kind");
	req.overdue = overdue;
	if ((school && (rc = cli_check_urn(cli, school, &req.urn)) < 0) ||
	    (rc = cli_call_scheduler(cli, "ListVisitReports", &req.base,
				     &n2gg__v1__list_visit_reports_reply__descriptor,
				     (void **)reply)) < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&(*reply)->base);
	return 0;
}

int cli_visits_reports(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"Visit", "URN", "School", "Kind", "Held", "Progress",
					   "Partner", "Version"};
	N2gg__V1__ListVisitReportsReply *reply;
	struct arena *a = &cli->arena;
	int rc = cli_list_visit_reports(cli, args, false, &reply);
	if (rc < 0 || cli->json)
		return rc;
	if (reply->n_reports) {
		struct cli_table t;
		cli_table_init(&t, a, 8, head);
		for (size_t i = 0; i < reply->n_reports; i++) {
			const N2gg__V1__VisitReport *r = reply->reports[i];
			const N2gg__V1__Visit *v = r->visit;
			const char *row[] = {
				r->visit_id, v ? arena_printf(a, "%u", v->urn) : "-",
				v ? v->school_name : "-", v ? v->kind : "-",
				r->held ? r->date_held : "no",
				r->held ? visit_progress_name(r->progress) : "-",
				cli_or_dash(r->partner_name), arena_printf(a, "%u", r->version)};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu report(s)\n", reply->n_reports);
	return 0;
}

int cli_visits_overdue(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"Visit", "Date", "Due", "Days over", "URN", "School",
					   "Partner"};
	N2gg__V1__ListVisitReportsReply *reply;
	struct arena *a = &cli->arena;
	int rc = cli_list_visit_reports(cli, args, true, &reply);
	if (rc < 0 || cli->json)
		return rc;
	if (reply->n_overdue) {
		struct cli_table t;
		cli_table_init(&t, a, 7, head);
		for (size_t i = 0; i < reply->n_overdue; i++) {
			const N2gg__V1__OverdueVisit *o = reply->overdue[i];
			const N2gg__V1__Visit *v = o->visit;
			const char *row[] = {v->id, v->date, o->due_date,
					     arena_printf(a, "%u", o->days_overdue),
					     arena_printf(a, "%u", v->urn), v->school_name,
					     cli_or_dash(o->partner_name)};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu visit(s) with no report %u day(s) after (today %s)\n", reply->n_overdue,
	       reply->report_due_days, reply->today);
	return 0;
}
