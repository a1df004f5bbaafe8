/* n2gg: the command line of the N2GG services (registry, categoriser, scheduler,
 * notifier). This file holds the table of commands, reads the global options, dispatches,
 * and turns a failure into a message on stderr and an exit code scripts can trust (listed
 * in cli_print_help). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"

/* ---- the commands ---- */

static const struct cli_option cli_opts_import[] = {
	{"dry-run", NULL, false, "report what would change; change nothing"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_import_gias[] = {
	{"la", "CODE", false, "keep the schools of this local authority (default 926; 0: every LA)"},
	{"dry-run", NULL, false, "report what would change; change nothing"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_import_achievement[] = {
	{"year", "Y", false, "the year of rows without a YEAR column (2013 means 2012/13); "
			     "required for the DfE's tables"},
	{"la", "CODE", false, "the DfE's tables: keep the rows of this local authority and "
			      "England's (default 926; 0: every LA)"},
	{"dry-run", NULL, false, "report what would change; change nothing"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_comparators[] = {
	{"year", "Y", false, "only the averages of year Y (2019 means 2018/19)"},
	{"key-stage", "2|4", false, "only key stage 2 (end of primary) or 4 (GCSE)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_school_show[] = {
	{"as-of", "DATE", false, "also show which cluster the school was in on DATE"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_school_list[] = {
	{"cluster", "C", false, "only the schools of cluster C (its id or name)"},
	{"phase", "P", false, "only this phase: nursery, primary, secondary, special, 16-plus, "
			      "all-through, pru, middle-deemed-primary, ..."},
	{"status", "S", false, "only this status: open, closed, proposed, open-proposed-to-close"},
	{"name", "TEXT", false, "only names containing TEXT, anywhere and in any case"},
	{"limit", "N", false, "show at most N schools"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_set_flags[] = {
	{"causing-concern", "yes|no", false, "the LA's concern about the school"},
	{"psswn-issued", "DATE|none", false,
	 "when a performance standards and safety warning notice (PSSWN) was issued"},
	{"in-transition", "yes|no", false, "the school is changing (academy conversion, merger...)"},
	{"transition-reason", "TEXT", false, "what the transition is"},
	{"targeted-n2gg", "yes|no", false, "targeted by the N2GG programme"},
	{"targeted-system-leader", "yes|no", false, "targeted for system leader support"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_record_inspection[] = {
	{"date", "D", true, "the inspection's start date"},
	{"grade", "1-4", true, "overall effectiveness: 1 outstanding, 2 good, 3 requires "
			       "improvement, 4 inadequate"},
	{"concern", "CATEGORY", false, "special-measures, serious-weaknesses or notice-to-improve"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_record_progress[] = {
	{"year", "Y", true, "the school year, by its ending calendar year"},
	{"half-term", "1-6", true, "which half-term the return covers"},
	{"on-track", "PCT", true, "share of pupils on track to reach the expected standard"},
	{"received", "DATE", false, "when the return arrived (default today)"},
	{"note", "TEXT", false, "a remark kept with the return"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_opened[] = {
	{"opened", "DATE", false, "when the cluster started (default today)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_chair[] = {
	{"name", "NAME", true, "the chair's name"},
	{"email", "EMAIL", false, "the chair's email address"},
	{"phone", "PHONE", false, "the chair's telephone"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_date[] = {
	{"date", "D", false, "when it takes effect (default today; not in the future)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_move[] = {
	{"date", "D", false, "when the move takes effect (default today; not in the future)"},
	{"reason", "TEXT", false, "why the school moves, kept in its history"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_cluster_choice[] = {
	{"nominee", "PARTNER", false,
	 "Choice A: the partner the cluster recruited (checked against the rules, then pinned)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_group_create[] = {
	{"kind", "federation|partnership", true, "a federation shares one governing body"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_keys_generate[] = {
	{"out", "DIR", true, "where to write NAME.key and NAME.key_secret (made 0700 if new)"},
	{"role", "ROLE...", false,
	 "reader, officer, importer, publisher, admin, service or gateway (repeat for more)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_health[] = {
	{"source", "SERVICE",
	 false, "only this one: registry, categoriser, scheduler or notifier (default: all four)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_events_tail[] = {
	{"from", "SEQ", false, "start at event SEQ (1: the whole log); default: only new events"},
	{"topic", "PREFIX", false, "print only events whose topic starts with PREFIX"},
	{"count", "N", false, "exit after printing N events"},
	{"no-follow", NULL, false, "exit once caught up with the events there were at the start"},
	{"source", "SERVICE", false,
	 "whose events: registry (default), categoriser, scheduler or notifier"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_category_list[] = {
	{"category", "X", false, "only schools in category X (A-F)"},
	{"cluster", "C", false, "only the schools of cluster C (its id or name)"},
	{"limit", "N", false, "show at most N schools"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_override[] = {
	{"reason", "TEXT", true, "why the category is set by hand (kept in the audit trail)"},
	{"until", "DATE", false, "in force through DATE (ends at the following midnight UTC)"},
	{"expires", "DATETIME", false, "ends at DATETIME, UTC, e.g. 2026-11-23T10:15:30Z"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_clear_override[] = {
	{"reason", "TEXT", false, "why the override ends (kept in the audit trail)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_summary[] = {
	{"cluster", "C", false, "only the schools of cluster C (its id or name)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_policy_show[] = {
	{"text", NULL, false, "also print the policy text itself"},
	{NULL, NULL, false, NULL},
};

static const struct cli_option cli_opts_partner_add[] = {
	{"name", "NAME", true, "the partner's name"},
	{"roles", "ROLE,...", true, "the roles taken: ecp, cep, sip, intervention_adviser"},
	{"capacity-days", "N", true, "days a year the partner can give (0-366)"},
	{"sip-accreditation", "PHASE,...", false,
	 "phases a SIP accreditation covers: primary, middle_deemed_primary, secondary, ..."},
	{"phase-expertise", "PHASE,...", false, "phases the partner knows best"},
	{"led-good-school", NULL, false, "has led a good or outstanding school"},
	{"ofsted-inspector", NULL, false, "has led Ofsted inspections"},
	{"training", "NAME@DATE,...", false, "training attended, e.g. \"CEP training@2013-09-27\""},
	{"cep-accredited", NULL, false,
	 "on the accredited list of Cluster Education Partners (a cluster's own CEP must be)"},
	{"easting", "E", false, "home, British National Grid metres (with --northing)"},
	{"northing", "N", false, "home, British National Grid metres (with --easting)"},
	{"provider", "P", false, "e.g. \"Cambridge Education\", LA, cluster-recruited"},
	{"own-school", "URN", false, "the partner's own school (never served by the partner)"},
	{"own-cluster", "C", false, "the partner's own cluster, its id or name (never served by "
				   "the partner)"},
	{"federation", "F", false, "the partner's federation code"},
	{"weekdays", "DAY,...", false, "days worked: mon, tue, wed, thu, fri (default every weekday)"},
	{"unavailable", "DATE,...", false, "days the partner cannot visit"},
	{"email", "E", false, "the partner's email address"},
	{"phone", "P", false, "the partner's telephone"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_partner_list[] = {
	{"role", "R", false, "only partners taking role R: ecp, cep, sip, intervention_adviser"},
	{"all", NULL, false, "also the partners who have left"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_partner_capacity[] = {
	{"role", "R", false, "only partners taking role R, and only the places unserved in it: "
			     "ecp, cep, sip, intervention_adviser"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_allocation_list[] = {
	{"role", "R", false, "only role R: ecp, cep, sip, intervention_adviser"},
	{"partner", "ID", false, "only the allocations of partner ID"},
	{"cluster", "C", false, "only the schools of cluster C, its id or name (and its CEP)"},
	{"unserved", NULL, false, "only the schools and clusters nobody serves"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_pin[] = {
	{"role", "R", true, "the role: ecp, cep (give a cluster), sip, intervention_adviser"},
	{"partner", "ID", true, "the partner kept in the role"},
	{"reason", "TEXT", false, "why, kept with the allocation"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_unpin[] = {
	{"role", "R", true, "the role: ecp, cep (give a cluster), sip, intervention_adviser"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_explain[] = {
	{"role", "R", false, "only role R (default: every role of the school and its cluster's CEP)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_visits_list[] = {
	{"partner", "ID", false, "only the visits of partner ID"},
	{"school", "URN", false, "only the visits to school URN"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_visits_report[] = {
	{"held", "yes|no", false, "whether the visit took place (default yes; a correction: as before)"},
	{"date", "DATE", false, "the day it was held, not after today"},
	{"reason", "TEXT", false, "why it was not held (with --held no)"},
	{"attended", "NAME;NAME", false, "who took part, e.g. \"Jane Smith (headteacher)\""},
	{"progress", "strong|good|some|little", false,
	 "progress against the school's improvement plan, on the LA's scale"},
	{"strengths", "TEXT;TEXT", false, "the school's strengths"},
	{"priorities", "TEXT;TEXT", false, "priorities for improvement"},
	{"actions", "TEXT;TEXT", false, "the actions agreed (at least one for a held visit)"},
	{"next-focus", "TEXT", false, "what the next visit will look at"},
	{"validation", "TEXT", false,
	 "annual conversation: external validation of the school's self-evaluation"},
	{"signposting", "TEXT;TEXT", false,
	 "annual conversation: the Norfolk Services the school is pointed to"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_visit_reports[] = {
	{"partner", "ID", false, "only the visits of partner ID"},
	{"school", "URN", false, "only the visits to school URN"},
	{"kind", "monitoring|annual_conversation", false, "only visits of this kind"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_mi_publish[] = {
	{"type", "information|action", true, "an Action sheet has a date to respond by"},
	{"title", "T", true, "the sheet's title"},
	{"body", "TEXT", false, "what the sheet says (or --body-file)"},
	{"body-file", "FILE", false, "read what the sheet says from FILE (or --body)"},
	{"publication-date", "DATE", false, "when it goes out (default today; later: scheduled)"},
	{"complete-by", "DATE", false, "To Be Completed By: Action sheets only"},
	{"contact-name", "NAME", true, "the LA contact"},
	{"contact-phone", "P", false, "the LA contact's telephone"},
	{"to", "headteachers|chairs|both|cluster-chairs", false,
	 "who at each school (default both); cluster-chairs: each cluster's chair, who answers "
	 "for the cluster"},
	{"categories", "LETTERS", false, "only schools in these LA categories, e.g. BD"},
	{"clusters", "C,C", false, "only the schools of these clusters (ids or names)"},
	{"phases", "P,P", false, "only these phases: primary, secondary, special, ..."},
	{"links", "URL,URL", false, "links printed on the sheet"},
	{"questions-file", "FILE", false,
	 "an Action sheet's numbered questions: \"1. text\" lines, \"options: A | B\" under a "
	 "choice"},
	{"dry-run", NULL, false, "check it and count its audience; publish nothing"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_mi_correct[] = {
	{"note", "TEXT", true, "what was corrected: the letter of correction says it"},
	{"title", "T", false, "the corrected title"},
	{"body", "TEXT", false, "the corrected text (or --body-file)"},
	{"body-file", "FILE", false, "read the corrected text from FILE"},
	{"complete-by", "DATE", false, "a new To Be Completed By date"},
	{"contact-name", "NAME", false, "a new LA contact"},
	{"contact-phone", "P", false, "the LA contact's telephone"},
	{"links", "URL,URL", false, "the sheet's links, all of them"},
	{"questions-file", "FILE", false,
	 "the corrected questions (answers already given must still fit them)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_mi_withdraw[] = {
	{"reason", "TEXT", true, "why: the letter of withdrawal gives it"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_mi_answers[] = {
	{"csv", NULL, false, "as CSV with a header row, one row per answer"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_mi_list[] = {
	{"year", "YYYY", false, "only the sheets numbered in calendar year YYYY"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_mi_respond[] = {
	{"respondent", "NAME", false, "who responded for the school"},
	{"note", "TEXT", false, "a remark kept with the response"},
	{"answers-file", "FILE", false,
	 "the answers to the sheet's questions: \"1: answer\" lines (needed when it asks some)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_notices_list[] = {
	{"school", "URN", false, "only the notices to school URN"},
	{"kind", "KIND", false, "only this kind: category_letter, allocation_letter, "
				"visit_schedule, mi_sheet, mi_reminder, mi_correction, digest"},
	{"limit", "N", false, "show at most N notices (default 100)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_notices_cancel[] = {
	{"reason", "TEXT", true, "why the letter does not go (kept in the delivery log)"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_notices_log[] = {
	{"school", "URN", false, "the deliveries of every notice to school URN"},
	{"notice", "ID", false, "the deliveries of notice ID"},
	{NULL, NULL, false, NULL},
};
static const struct cli_option cli_opts_notices_prefs[] = {
	{"role", "headteacher|chair|cluster-chair", true,
	 "whose preference (a cluster chair: give the cluster's id)"},
	{"digest", "yes|no", true, "yes: notices that are not statutory come as a daily digest"},
	{NULL, NULL, false, NULL},
};

static const struct cli_command cli_commands[] = {
	{"registry", "import-gias", "FILE", cli_opts_import_gias,
	 "Imports a GIAS establishments CSV (the DfE's register of schools).", cli_import_gias},
	{"registry", "import-inspections", "FILE", cli_opts_import,
	 "Imports an Ofsted inspection outcomes CSV.", cli_import_inspections},
	{"registry", "import-achievement", "FILE", cli_opts_import_achievement,
	 "Imports achievement: the DfE's key stage 2 or 4 table (with --year), or N2GG's CSV.",
	 cli_import_achievement},
	{"registry", "comparators", "", cli_opts_comparators,
	 "Lists the LA's and England's averages from the DfE's tables.", cli_registry_comparators},
	{"registry", "import-clusters", "FILE", cli_opts_import,
	 "Imports the council's clusters and their schools from a CSV.", cli_import_clusters},
	{"registry", "import-contacts", "FILE", cli_opts_import,
	 "Imports headteacher and chair contacts from a CSV.", cli_import_contacts},
	{"school", "show", "URN", cli_opts_school_show,
	 "Shows everything the registry knows about one school.", cli_school_show},
	{"school", "list", "", cli_opts_school_list, "Lists schools, filtered.", cli_school_list},
	{"school", "history", "URN", NULL, "Lists the events about one school.", cli_school_history},
	{"school", "set-flags", "URN", cli_opts_set_flags,
	 "Changes the LA's flags on a school: only the flags given.", cli_school_set_flags},
	{"school", "record-inspection", "URN", cli_opts_record_inspection,
	 "Records an Ofsted inspection of a school.", cli_school_record_inspection},
	{"school", "record-progress", "URN", cli_opts_record_progress,
	 "Records a school's half-termly pupil progress return.", cli_school_record_progress},
	{"cluster", "create", "ID NAME", cli_opts_opened, "Creates a cluster.", cli_cluster_create},
	{"cluster", "rename", "CLUSTER NAME", NULL, "Renames a cluster (CLUSTER: its id or name).",
	 cli_cluster_rename},
	{"cluster", "close", "CLUSTER", cli_opts_date, "Closes an empty cluster.", cli_cluster_close},
	{"cluster", "set-chair", "CLUSTER", cli_opts_chair, "Sets the chair of a cluster.",
	 cli_cluster_set_chair},
	{"cluster", "move", "URN CLUSTER", cli_opts_move, "Moves a school into a cluster.",
	 cli_cluster_move},
	{"cluster", "merge", "FROM INTO", cli_opts_date,
	 "Moves every school of cluster FROM into INTO and closes FROM.", cli_cluster_merge},
	{"cluster", "show", "CLUSTER", NULL,
	 "Shows a cluster and its schools (CLUSTER: its id, its name or a unique part of it).",
	 cli_cluster_show},
	{"cluster", "list", "", NULL, "Lists the clusters.", cli_cluster_list},
	{"cluster", "choice", "CLUSTER CHOICE", cli_opts_cluster_choice,
	 "Records a cluster's choice of CEP: A, its own (--nominee once known), or B, the LA's.",
	 cli_cluster_choice},
	{"cluster", "choices", "", NULL,
	 "Lists each cluster's CEP choice, its nominee and where it stands.", cli_cluster_choices},
	{"group", "create", "ID NAME", cli_opts_group_create,
	 "Creates a federation or partnership of schools.", cli_group_create},
	{"group", "add", "ID URN", NULL, "Adds a school to a group.", cli_group_add},
	{"group", "remove", "ID URN", NULL, "Takes a school out of a group.", cli_group_remove},
	{"group", "show", "ID", NULL, "Shows a group and its schools.", cli_group_show},
	{"events", "tail", "", cli_opts_events_tail,
	 "Prints a service's events as they happen, one line each.", cli_events_tail},
	{"category", "show", "URN", NULL, "Shows a school's LA category in brief.", cli_category_show},
	{"category", "explain", "URN", NULL,
	 "Explains in words why a school is in its category and what follows.",
	 cli_category_explain},
	{"category", "list", "", cli_opts_category_list, "Lists schools' categories, filtered.",
	 cli_category_list},
	{"category", "override", "URN CATEGORY", cli_opts_override,
	 "Sets a school's category by hand; it wins over the rules until it ends.",
	 cli_category_override},
	{"category", "clear-override", "URN", cli_opts_clear_override,
	 "Ends a school's hand-set category: the rules decide again.", cli_category_clear_override},
	{"category", "history", "URN", NULL,
	 "Lists a school's category changes and override audit, oldest first.",
	 cli_category_history},
	{"category", "summary", "", cli_opts_summary,
	 "Counts schools per category, by cluster and across the LA.", cli_category_summary},
	{"policy", "check", "FILE", NULL,
	 "Checks a policy file, then tries it on every school (changes nothing).",
	 cli_policy_check},
	{"policy", "reload", "", NULL,
	 "Makes the categoriser read its policy file again and decide every school.",
	 cli_policy_reload},
	{"policy", "show", "", cli_opts_policy_show, "Shows the policy in force.", cli_policy_show},
	{"partner", "import", "FILE", cli_opts_import,
	 "Imports improvement partners from a CSV; the plan follows.", cli_partner_import},
	{"partner", "add", "ID", cli_opts_partner_add, "Adds an improvement partner; the plan follows.",
	 cli_partner_add},
	{"partner", "show", "ID", NULL, "Shows a partner and the schools it serves.",
	 cli_partner_show},
	{"partner", "list", "", cli_opts_partner_list, "Lists the partners.", cli_partner_list},
	{"partner", "remove", "ID", NULL,
	 "A partner leaves: its schools and clusters are planned again.", cli_partner_remove},
	{"partner", "calendar", "ID", NULL,
	 "Writes a partner's visits as iCalendar (.ics) on stdout.", cli_partner_calendar},
	{"partner", "capacity", "", cli_opts_partner_capacity,
	 "Each partner's days (capacity, allocated by role, free), then who could take each "
	 "place nobody serves, had they the days.",
	 cli_partner_capacity},
	{"allocation", "run", "", cli_opts_import,
	 "Plans every role again (pins are kept); reports per role.", cli_allocation_run},
	{"allocation", "show", "URN", NULL, "Shows a school's partner in each role.",
	 cli_allocation_show},
	{"allocation", "list", "", cli_opts_allocation_list, "Lists allocations, filtered.",
	 cli_allocation_list},
	{"allocation", "pin", "URN|CLUSTER", cli_opts_pin,
	 "Keeps a partner in a role by hand; the rest of the plan follows.", cli_allocation_pin},
	{"allocation", "unpin", "URN|CLUSTER", cli_opts_unpin,
	 "Ends a pin: the planner may change the partner again.", cli_allocation_unpin},
	{"allocation", "explain", "URN|CLUSTER", cli_opts_explain,
	 "Explains why a school (cluster) has its partner, and why not the others.",
	 cli_allocation_explain},
	{"visits", "list", "", cli_opts_visits_list, "Lists the partners' visits, by date.",
	 cli_visits_list},
	{"visits", "report", "VISIT", cli_opts_visits_report,
	 "Records how a visit went, or corrects its report (the options given replace those "
	 "fields); the school's head and chair get it as a letter. List items are separated "
	 "by ';'.",
	 cli_visits_report},
	{"visits", "show", "VISIT", NULL, "Shows a visit and its report.", cli_visits_show},
	{"visits", "reports", "", cli_opts_visit_reports, "Lists the visits' reports, by date.",
	 cli_visits_reports},
	{"visits", "overdue", "", cli_opts_visit_reports,
	 "Lists the visits whose report is overdue (the scheduler's --report-due-days).",
	 cli_visits_overdue},
	{NULL, "budget", "", NULL, "Days and cost per role and cluster, against the budgets.",
	 cli_budget},
	{"mi", "publish", "", cli_opts_mi_publish,
	 "Publishes a Management Information Sheet to the schools of its audience.",
	 cli_mi_publish},
	{"mi", "list", "", cli_opts_mi_list, "Lists the MI sheets.", cli_mi_list},
	{"mi", "show", "NUMBER", NULL, "Shows an MI sheet as the paper sheet lays it out.",
	 cli_mi_show},
	{"mi", "respond", "NUMBER URN|CLUSTER", cli_opts_mi_respond,
	 "Records a school's (a cluster's) response to an Action sheet, and its answers.",
	 cli_mi_respond},
	{"mi", "status", "NUMBER", NULL,
	 "Which schools have responded to an Action sheet, and which not yet.", cli_mi_status},
	{"mi", "answers", "NUMBER", cli_opts_mi_answers,
	 "The answers to a sheet's questions, question by question (or as CSV).", cli_mi_answers},
	{"mi", "withdraw", "NUMBER", cli_opts_mi_withdraw,
	 "Withdraws a sheet: no more responses nor reminders; those it went to are told why.",
	 cli_mi_withdraw},
	{"mi", "correct", "NUMBER", cli_opts_mi_correct,
	 "Corrects a sheet's content; those it went to get the corrected sheet.", cli_mi_correct},
	{"notices", "list", "", cli_opts_notices_list, "Lists the notices sent, newest first.",
	 cli_notices_list},
	{"notices", "log", "", cli_opts_notices_log,
	 "Every delivery of a school's or a notice's notices, and how it went.", cli_notices_log},
	{"notices", "dead", "", NULL,
	 "The dead-letter list: deliveries that failed for good, with the server's reply.",
	 cli_notices_dead},
	{"notices", "pending", "", NULL,
	 "Letters waiting to go (an officer's change waits the settle window), and when.",
	 cli_notices_pending},
	{"notices", "show", "ID", NULL, "A letter as each of its recipients gets it.",
	 cli_notices_show},
	{"notices", "cancel", "ID", cli_opts_notices_cancel,
	 "Stops a letter that has not gone yet.", cli_notices_cancel},
	{"notices", "unsent", "", NULL,
	 "Letters that reach nobody and why; schools and clusters with no one to write to.",
	 cli_notices_unsent},
	{"notices", "retry", "KEY", NULL,
	 "Puts a dead letter back in the queue (KEY or a unique prefix of 8+ characters).",
	 cli_notices_retry},
	{"notices", "recipients", "URN|CLUSTER", NULL,
	 "Who a school's (a cluster's) notices go to, and how.", cli_notices_recipients},
	{"notices", "prefs", "URN|CLUSTER", cli_opts_notices_prefs,
	 "Whether a recipient takes notices at once or as a daily digest.", cli_notices_prefs},
	{"notices", "digest", "", NULL, "Sends the daily digests of held notices now.",
	 cli_notices_digest},
	{"templates", "check", "DIR", NULL,
	 "Checks a directory of letter templates as the notifier would load it.",
	 cli_templates_check},
	{NULL, "health", "", cli_opts_health,
	 "How each service is: version, uptime, readiness, and how far it follows the others.",
	 cli_health},
	{"keys", "generate", "NAME", cli_opts_keys_generate,
	 "Makes a CURVE certificate: DIR/NAME.key (public) and DIR/NAME.key_secret.",
	 cli_keys_generate},
	{"keys", "list", "DIR", NULL, "Lists the certificates in DIR: name, roles, fingerprint.",
	 cli_keys_list},
};
#define CLI_COMMAND_COUNT (sizeof cli_commands / sizeof *cli_commands)

/* ---- global options ---- */

enum cli_global { CLI_G_REGISTRY, CLI_G_EVENTS, CLI_G_CATEGORISER, CLI_G_CAT_EVENTS,
		  CLI_G_SCHEDULER, CLI_G_SCH_EVENTS, CLI_G_NOTIFIER, CLI_G_NOT_EVENTS,
		  CLI_G_TIMEOUT, CLI_G_RETRIES, CLI_G_ACTOR, CLI_G_KEY, CLI_G_KEYS };

static const struct cli_option cli_globals[] = {
	[CLI_G_REGISTRY] = {"registry", "ENDPOINT", false,
			    "the registry's API (env N2GG_REGISTRY_API; default tcp://127.0.0.1:7100)"},
	[CLI_G_EVENTS] = {"registry-events", "ENDPOINT", false,
			  "its events (env N2GG_REGISTRY_EVENTS; default tcp://127.0.0.1:7101)"},
	[CLI_G_CATEGORISER] = {"categoriser", "ENDPOINT", false,
			       "the categoriser's API (env N2GG_CATEGORISER_API; default "
			       "tcp://127.0.0.1:7200)"},
	[CLI_G_CAT_EVENTS] = {"categoriser-events", "ENDPOINT", false,
			      "its events (env N2GG_CATEGORISER_EVENTS; default tcp://127.0.0.1:7201)"},
	[CLI_G_SCHEDULER] = {"scheduler", "ENDPOINT", false,
			     "the scheduler's API (env N2GG_SCHEDULER_API; default "
			     "tcp://127.0.0.1:7300)"},
	[CLI_G_SCH_EVENTS] = {"scheduler-events", "ENDPOINT", false,
			      "its events (env N2GG_SCHEDULER_EVENTS; default tcp://127.0.0.1:7301)"},
	[CLI_G_NOTIFIER] = {"notifier", "ENDPOINT", false,
			    "the notifier's API (env N2GG_NOTIFIER_API; default "
			    "tcp://127.0.0.1:7400)"},
	[CLI_G_NOT_EVENTS] = {"notifier-events", "ENDPOINT", false,
			      "its events (env N2GG_NOTIFIER_EVENTS; default tcp://127.0.0.1:7401)"},
	[CLI_G_TIMEOUT] = {"timeout-ms", "N", false,
			   "wait N ms for each reply (default 10000; imports and allocation runs "
			   "at least 120000)"},
	[CLI_G_RETRIES] = {"retries", "N", false, "send again up to N times after a timeout (default 3)"},
	[CLI_G_ACTOR] = {"actor", "NAME", false,
			 "the person you act for, recorded only when your key has the gateway role "
			 "(env N2GG_ACTOR)"},
	[CLI_G_KEY] = {"key", "FILE", false,
		       "your secret certificate (env N2GG_KEY; default ./var/keys/cli.key_secret)"},
	[CLI_G_KEYS] = {"keys", "DIR", false,
			"the services' public certificates, NAME.key (env N2GG_KEYS; default "
			"./var/keys)"},
};
#define CLI_GLOBAL_COUNT (sizeof cli_globals / sizeof *cli_globals)

static const char *cli_env(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && v[0] ? v : fallback;
}

static void cli_print_help(FILE *out)
{
	fprintf(out, "usage: n2gg [OPTIONS] COMMAND [ARGS] [--json]\n\n"
		     "The N2GG services from the command line. The registry of schools, clusters and\n"
		     "groups: imports the council's and the DfE's files, shows and changes schools.\n"
		     "The categoriser: each school's LA category (A-F), why, overrides set by hand,\n"
		     "summaries, and the policy its rules come from. The scheduler: improvement\n"
		     "partners, which partner serves each school and cluster and why, pins set by\n"
		     "hand, clusters' choices of CEP, visits, their calendars and reports, the\n"
		     "budget. The notifier: MI sheets and the schools' responses, the notices sent\n"
		     "and each delivery, the dead letters, digest preferences, and checks of letter\n"
		     "templates. Also follows each one's events.\n\n"
		     "options (before the command):\n");
	for (size_t i = 0; i < CLI_GLOBAL_COUNT; i++) {
		char left[48];
		snprintf(left, sizeof left, "--%s %s", cli_globals[i].name, cli_globals[i].value);
		fprintf(out, "  %-30s %s\n", left, cli_globals[i].help);
	}
	fprintf(out, "  %-30s %s\n  %-30s %s\n  %-30s %s\n\ncommands:\n", "--json",
		"print the reply as JSON, for scripts (also after the command)",
		"--insecure-plaintext", "talk to services run without CURVE (loopback debugging)",
		"--help, --version", "this text; the version");
	for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
		const struct cli_command *c = &cli_commands[i];
		char left[64];
		snprintf(left, sizeof left, "%s%s%s%s%s", c->group ? c->group : "", c->group ? " " : "",
			 c->name, c->operands[0] ? " " : "", c->operands);
		fprintf(out, "  %-34s %s\n", left, c->summary);
	}
	fprintf(out, "\n`n2gg help COMMAND` (or COMMAND --help) describes a command's options.\n\n"
		     "exit codes:\n"
		     "  0  success\n"
		     "  1  any other failure\n"
		     "  2  usage error: unknown command or option, missing argument\n"
		     "  3  an argument is not valid (INVALID_ARGUMENT)\n"
		     "  4  no such school, cluster, group, override, partner, allocation, MI sheet,\n"
		     "     notice or delivery (NOT_FOUND)\n"
		     "  5  it exists already, or cannot be done now, or a pin would break a hard rule\n"
		     "     (ALREADY_EXISTS, FAILED_PRECONDITION)\n"
		     "  6  the service is unreachable or did not answer in time (UNAVAILABLE)\n"
		     "  7  import: some rows were rejected; the others were imported\n"
		     "  8  your key is refused, or lacks the role the request needs\n"
		     "     (UNAUTHENTICATED, PERMISSION_DENIED)\n");
}

static int cli_set_global(struct cli *cli, int which, const char *value)
{
	uint32_t n;
	int rc;
	switch (which) {
	case CLI_G_REGISTRY: cli->registry_api = value; return 0;
	case CLI_G_EVENTS: cli->registry_events = value; return 0;
	case CLI_G_CATEGORISER: cli->categoriser_api = value; return 0;
	case CLI_G_CAT_EVENTS: cli->categoriser_events = value; return 0;
	case CLI_G_SCHEDULER: cli->scheduler_api = value; return 0;
	case CLI_G_SCH_EVENTS: cli->scheduler_events = value; return 0;
	case CLI_G_NOTIFIER: cli->notifier_api = value; return 0;
	case CLI_G_NOT_EVENTS: cli->notifier_events = value; return 0;
	case CLI_G_ACTOR: cli->actor = value; return 0;
	case CLI_G_KEY: cli->key_path = value; return 0;
	case CLI_G_KEYS: cli->keys_dir = value; return 0;
	case CLI_G_TIMEOUT:
		if ((rc = cli_check_uint(cli, "--timeout-ms", value, 1, 3600000, &n)) < 0)
			return rc;
		cli->timeout_ms = (int)n;
		cli->timeout_given = true;
		return 0;
	default:
		if ((rc = cli_check_uint(cli, "--retries", value, 0, 100, &n)) < 0)
			return rc;
		cli->retries = (int)n;
		return 0;
	}
}

static int cli_global_index(const char *name, size_t len)
{
	for (size_t i = 0; i < CLI_GLOBAL_COUNT; i++)
		if (strlen(cli_globals[i].name) == len && strncmp(cli_globals[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* Reads the options before the command; *next is the command's index in argv. Returns 0,
 * 1 when --help or --version was answered, or <0. */
static int cli_read_globals(struct cli *cli, int argc, char **argv, int *next)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_print_help(stdout);
			return 1;
		}
		if (strcmp(a, "--version") == 0) {
			printf("n2gg %s\n", N2GG_VERSION);
			return 1;
		}
		if (strcmp(a, "--json") == 0) {
			cli->json = true;
			i++;
			continue;
		}
		if (strcmp(a, "--insecure-plaintext") == 0) {
			cli->plaintext = true;
			i++;
			continue;
		}
		const char *name = a + 2, *eq = strchr(a, '=');
		int k = a[1] == '-' ? cli_global_index(name, eq ? (size_t)(eq - name) : strlen(name)) : -1;
		if (k < 0)
			return cli_usage_error(cli, "unknown option %s", a);
		if (!eq && i + 1 >= argc)
			return cli_usage_error(cli, "--%s needs a value (%s)", cli_globals[k].name,
					       cli_globals[k].value);
		int rc = cli_set_global(cli, k, eq ? eq + 1 : argv[i + 1]);
		if (rc < 0)
			return rc;
		i += eq ? 1 : 2;
	}
	*next = i;
	return 0;
}

/* ---- dispatch ---- */

static bool cli_is_group(const char *word)
{
	for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
		if (cli_commands[i].group && strcmp(cli_commands[i].group, word) == 0)
			return true;
	return false;
}

static void cli_print_group(const char *group, FILE *out)
{
	fprintf(out, "%s commands:\n", group);
	for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
		if (cli_commands[i].group && strcmp(cli_commands[i].group, group) == 0)
			fprintf(out, "  n2gg %s %-20s %s\n", group, cli_commands[i].name,
				cli_commands[i].summary);
}

/* Finds the command named by argv[0] (and argv[1] for a group); *words says how many
 * words named it. */
static int cli_find(struct cli *cli, int argc, char **argv, const struct cli_command **cmd,
		    int *words)
{
	bool group = cli_is_group(argv[0]);
	for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
		const struct cli_command *c = &cli_commands[i];
		if (group ? c->group && strcmp(c->group, argv[0]) == 0 && argc > 1 &&
				    strcmp(c->name, argv[1]) == 0
			  : !c->group && strcmp(c->name, argv[0]) == 0) {
			*cmd = c;
			*words = group ? 2 : 1;
			return 0;
		}
	}
	if (!group)
		return cli_usage_error(cli, "unknown command \"%s\"", argv[0]);
	cli_print_group(argv[0], stderr);
	if (argc < 2)
		return cli_usage_error(cli, "\"%s\" needs a command (listed above)", argv[0]);
	return cli_usage_error(cli, "unknown command \"%s %s\"", argv[0], argv[1]);
}

/* `n2gg help [GROUP [COMMAND]]` */
static int cli_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd;
	int words;
	if (argc == 0) {
		cli_print_help(stdout);
		return 0;
	}
	if (argc == 1 && cli_is_group(argv[0])) {
		cli_print_group(argv[0], stdout);
		return 0;
	}
	int rc = cli_find(cli, argc, argv, &cmd, &words);
	if (rc < 0)
		return rc;
	cli_print_command_help(cmd, stdout);
	return 0;
}

static int cli_main(struct cli *cli, int argc, char **argv, const struct cli_command **cmd)
{
	int first = 1, words, rc;
	if ((rc = cli_read_globals(cli, argc, argv, &first)) != 0)
		return rc < 0 ? rc : 0;
	if (first >= argc)
		return cli_usage_error(cli, "no command given");
	if (strcmp(argv[first], "help") == 0)
		return cli_help(cli, argc - first - 1, argv + first + 1);
	if ((rc = cli_find(cli, argc - first, argv + first, cmd, &words)) < 0)
		return rc;
	struct cli_args args;
	rc = cli_args_parse(cli, *cmd, argc - first - words, argv + first + words, &args);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	return (*cmd)->run(cli, &args);
}

static int cli_exit_code(int code)
{
	switch (code) {
	case CLI_ERR_USAGE: return 2;
	case STATUS_INVALID_ARGUMENT: return 3;
	case STATUS_NOT_FOUND: return 4;
	case STATUS_ALREADY_EXISTS:
	case STATUS_FAILED_PRECONDITION: return 5;
	case STATUS_UNAVAILABLE:
	case STATUS_DEADLINE_EXCEEDED: return 6;
	case CLI_ERR_REJECTED: return 7;
	case STATUS_UNAUTHENTICATED:
	case STATUS_PERMISSION_DENIED: return 8;
	default: return 1;
	}
}

/* Names the service the failed call went to, and how to point the CLI elsewhere. */
static void cli_report_unavailable(const struct cli *cli)
{
	const char *name = cli_service_name(cli->called);
	char env[32];
	snprintf(env, sizeof env, "%s", name);
	for (char *p = env; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	fprintf(stderr, "n2gg: is n2gg-%s running at %s? (start it, or set --%s / N2GG_%s_API)\n",
		name, cli_service_api(cli, cli->called), name, env);
}

static int cli_report(const struct cli *cli, const struct cli_command *cmd, int rc)
{
	int code = -rc;
	if (code == CLI_ERR_USAGE) {
		fprintf(stderr, "n2gg: %s\n", cli->st.message);
		if (cmd)
			cli_print_usage(cmd, stderr);
		else
			fprintf(stderr, "usage: n2gg [OPTIONS] COMMAND [ARGS]  (see n2gg --help)\n");
	} else if (code != CLI_ERR_REJECTED) {   /* the import's report says it already */
		fprintf(stderr, "n2gg: %s: %s\n", status_code_name((enum status_code)code),
			cli->st.message);
		if (code == STATUS_UNAVAILABLE || code == STATUS_DEADLINE_EXCEEDED)
			cli_report_unavailable(cli);
	}
	return cli_exit_code(code);
}

int main(int argc, char **argv)
{
	struct cli cli;
	cli_init(&cli);
	/* the event follower's progress notes are noise here; its warnings are not */
	log_init("n2gg", LOG_WARN);
	cli.registry_api = cli_env("N2GG_REGISTRY_API", "tcp://127.0.0.1:7100");
	cli.registry_events = cli_env("N2GG_REGISTRY_EVENTS", "tcp://127.0.0.1:7101");
	cli.categoriser_api = cli_env("N2GG_CATEGORISER_API", "tcp://127.0.0.1:7200");
	cli.categoriser_events = cli_env("N2GG_CATEGORISER_EVENTS", "tcp://127.0.0.1:7201");
	cli.scheduler_api = cli_env("N2GG_SCHEDULER_API", "tcp://127.0.0.1:7300");
	cli.scheduler_events = cli_env("N2GG_SCHEDULER_EVENTS", "tcp://127.0.0.1:7301");
	cli.notifier_api = cli_env("N2GG_NOTIFIER_API", "tcp://127.0.0.1:7400");
	cli.notifier_events = cli_env("N2GG_NOTIFIER_EVENTS", "tcp://127.0.0.1:7401");
	cli.actor = cli_env("N2GG_ACTOR", "");
	cli.key_path = cli_env("N2GG_KEY", "./var/keys/cli.key_secret");
	cli.keys_dir = cli_env("N2GG_KEYS", "./var/keys");
	cli.plaintext = strcmp(cli_env("N2GG_INSECURE_PLAINTEXT", "no"), "yes") == 0;
	cli.timeout_ms = 10000;
	cli.retries = 3;
	const struct cli_command *cmd = NULL;
	int rc = cli_main(&cli, argc, argv, &cmd);
	int exit_code = rc < 0 ? cli_report(&cli, cmd, rc) : 0;
	cli_free(&cli);
	return exit_code;
}
