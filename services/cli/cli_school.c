/* cli_school: the `school` commands: show, list and history read the registry; set-flags,
 * record-inspection and record-progress add facts. Arguments are checked here first, so
 * a typo is reported without a round trip and with the option's name. */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli_format.h"
#include "school.h"

int cli_school_get(struct cli *cli, uint32_t urn, const char *as_of,
		   N2gg__V1__GetSchoolReply **reply)
{
	N2gg__V1__GetSchoolRequest req = N2GG__V1__GET_SCHOOL_REQUEST__INIT;
	req.urn = urn;
	req.as_of = (char *)(as_of ? as_of : "");
	int rc = cli_call(cli, "GetSchool", &req.base, &n2gg__v1__get_school_reply__descriptor,
			  (void **)reply);
	if (rc == 0 && !(*reply)->school)
		return status_fail(&cli->st, STATUS_INTERNAL, "GetSchool %u replied without a school",
				   urn);
	return rc;
}

/* Where an inspection on record came from (Inspection.source). Records made before the
 * registry kept sources have none, as have those recorded by hand. */
static const char *cli_inspection_source(const char *source)
{
	if (!source || !source[0])
		return "not recorded (by hand, or before sources were kept)";
	if (strcmp(source, "gias") == 0)
		return "GIAS extract (its latest Ofsted judgement)";
	if (strcmp(source, "ofsted") == 0)
		return "Ofsted outcomes file";
	return source;
}

/* The register's figures about the school's pupils and, for each inspection on record,
 * its source: the sections `school show` adds after the school's own block. */
static void cli_print_register_details(const N2gg__V1__School *s, struct arena *a)
{
	printf("\nPupils and admissions\n");
	cli_print_field("Gender", "%s", cli_or_dash(s->gender));
	cli_print_field("Admissions policy", "%s", cli_or_dash(s->admissions_policy));
	if (s->number_of_pupils)
		cli_print_field("Number of pupils", "%u", s->number_of_pupils);
	else
		cli_print_field("Number of pupils", "-");

	printf("\nInspection sources\n");
	if (!s->n_inspections) {
		printf("  none\n");
		return;
	}
	static const char *const head[] = {"Date", "Source"};
	struct cli_table t;
	cli_table_init(&t, a, 2, head);
	for (size_t i = 0; i < s->n_inspections; i++) {
		const char *row[] = {s->inspections[i]->start_date,
				     cli_inspection_source(s->inspections[i]->source)};
		cli_table_row(&t, row);
	}
	t.indent = 2;
	cli_table_print(&t, stdout);
}

int cli_school_show(struct cli *cli, const struct cli_args *args)
{
	const char *as_of = cli_opt(args, "as-of");
	char iso[DATE_ISO_LEN];
	uint32_t urn;
	N2gg__V1__GetSchoolReply *reply;
	int rc;
	if ((rc = cli_check_urn(cli, args->operands[0], &urn)) < 0 ||
	    (as_of && (rc = cli_check_date(cli, "--as-of", as_of, iso)) < 0) ||
	    (rc = cli_school_get(cli, urn, as_of ? iso : NULL, &reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	cli_print_school(reply, as_of ? iso : NULL, &cli->arena);
	cli_print_register_details(reply->school, &cli->arena);
	return 0;
}

/* The filters of `school list`, from its options. */
static int cli_list_request(struct cli *cli, const struct cli_args *args,
			    N2gg__V1__ListSchoolsRequest *req)
{
	const char *phase = cli_opt(args, "phase"), *status = cli_opt(args, "status");
	const char *limit = cli_opt(args, "limit");
	if (phase && school_phase_parse(phase, &req->phase) < 0)
		return cli_invalid(cli, "--phase \"%s\" is not a phase: nursery, primary, secondary, "
					"special, 16-plus, all-through, pru, middle-deemed-primary, "
					"middle-deemed-secondary or not-applicable",
				   phase);
	if (status && school_status_parse(status, &req->status) < 0)
		return cli_invalid(cli, "--status \"%s\" is not a status: open, closed, proposed or "
					"open-proposed-to-close",
				   status);
	if (limit)
		return cli_check_uint(cli, "--limit", limit, 1, 1000000, &req->limit);
	return 0;
}

int cli_school_list(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ListSchoolsRequest req = N2GG__V1__LIST_SCHOOLS_REQUEST__INIT;
	N2gg__V1__ListSchoolsReply *reply;
	req.name_contains = cli_text_opt(args, "name");
	int rc;
	if ((rc = cli_list_request(cli, args, &req)) < 0 ||
	    (rc = cli_cluster_opt(cli, args, "cluster", &req.cluster_id)) < 0 ||
	    (rc = cli_call(cli, "ListSchools", &req.base, &n2gg__v1__list_schools_reply__descriptor,
			   (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (reply->n_schools)
		cli_print_school_table(reply->schools, reply->n_schools, &cli->arena);
	if (req.limit)
		printf("showing %zu of %u school(s)\n", reply->n_schools, reply->total);
	else
		printf("%zu school(s)\n", reply->n_schools);
	return 0;
}

static void cli_print_history(const N2gg__V1__SchoolHistoryReply *reply, struct arena *a)
{
	static const char *const head[] = {"Seq", "Time", "Actor", "Topic", "Summary"};
	struct cli_table t;
	cli_table_init(&t, a, 5, head);
	for (size_t i = 0; i < reply->n_events; i++) {
		const N2gg__V1__Event *ev = reply->events[i];
		char at[CLI_TIME_LEN];
		const char *row[] = {arena_printf(a, "%llu", (unsigned long long)ev->seq),
				     cli_time(ev->time_unix_ms, at), ev->actor, ev->topic,
				     cli_event_summary(ev, a)};
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	printf("%zu event(s)\n", reply->n_events);
}

int cli_school_history(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__SchoolHistoryRequest req = N2GG__V1__SCHOOL_HISTORY_REQUEST__INIT;
	N2gg__V1__SchoolHistoryReply *reply;
	int rc;
	if ((rc = cli_check_urn(cli, args->operands[0], &req.urn)) < 0 ||
	    (rc = cli_call(cli, "SchoolHistory", &req.base,
			   &n2gg__v1__school_history_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (!cli->json) {
		cli_print_history(reply, &cli->arena);
		return 0;
	}
	/* built by hand so each payload shows decoded, as in `events tail --json` */
	json_t *events = json_array();
	for (size_t i = 0; i < reply->n_events; i++)
		json_array_append_new(events, cli_event_json(reply->events[i], &cli->arena));
	cli_print_json(json_pack("{s:o}", "events", events), 0);
	return 0;
}

/* Calls a method that answers with a SchoolReply, which must hold the school. */
static int cli_call_school(struct cli *cli, const char *method, const ProtobufCMessage *req,
			   N2gg__V1__SchoolReply **reply)
{
	int rc = cli_call(cli, method, req, &n2gg__v1__school_reply__descriptor, (void **)reply);
	if (rc == 0 && !(*reply)->school)
		return status_fail(&cli->st, STATUS_INTERNAL, "%s replied without the school", method);
	return rc;
}

/* ---- set-flags ---- */

enum cli_flag_kind { CLI_FLAG_BOOL, CLI_FLAG_DATE, CLI_FLAG_TEXT };

/* Each option of set-flags: the LaFlags field it sets, named as SetFlags wants it. */
static const struct cli_flag {
	const char *option;
	const char *field;
	enum cli_flag_kind kind;
	size_t offset;
} cli_flags[] = {
	{"causing-concern", "causing_concern", CLI_FLAG_BOOL,
	 offsetof(N2gg__V1__LaFlags, causing_concern)},
	{"psswn-issued", "psswn_issued_date", CLI_FLAG_DATE,
	 offsetof(N2gg__V1__LaFlags, psswn_issued_date)},
	{"in-transition", "in_transition", CLI_FLAG_BOOL, offsetof(N2gg__V1__LaFlags, in_transition)},
	{"transition-reason", "transition_reason", CLI_FLAG_TEXT,
	 offsetof(N2gg__V1__LaFlags, transition_reason)},
	{"targeted-n2gg", "targeted_n2gg", CLI_FLAG_BOOL, offsetof(N2gg__V1__LaFlags, targeted_n2gg)},
	{"targeted-system-leader", "targeted_system_leader", CLI_FLAG_BOOL,
	 offsetof(N2gg__V1__LaFlags, targeted_system_leader)},
};
#define CLI_FLAG_COUNT (sizeof cli_flags / sizeof *cli_flags)

static int cli_flag_set(struct cli *cli, const struct cli_flag *f, const char *text,
			N2gg__V1__LaFlags *flags)
{
	void *field = (char *)flags + f->offset;
	char what[48], iso[DATE_ISO_LEN];
	bool b;
	int rc;
	snprintf(what, sizeof what, "--%s", f->option);
	switch (f->kind) {
	case CLI_FLAG_BOOL:
		if ((rc = cli_check_yes_no(cli, what, text, &b)) < 0)
			return rc;
		*(protobuf_c_boolean *)field = b;
		return 0;
	case CLI_FLAG_DATE:
		if (strcasecmp(text, "none") == 0)
			iso[0] = '\0';
		else if ((rc = cli_check_date(cli, what, text, iso)) < 0)
			return rc;
		*(char **)field = arena_strdup(&cli->arena, iso);
		return 0;
	default:
		*(char **)field = (char *)text;
		return 0;
	}
}

int cli_school_set_flags(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__SetFlagsRequest req = N2GG__V1__SET_FLAGS_REQUEST__INIT;
	char *fields[CLI_FLAG_COUNT];
	N2gg__V1__SchoolReply *reply;
	int rc = cli_check_urn(cli, args->operands[0], &req.urn);
	if (rc < 0)
		return rc;
	req.flags = arena_message(&cli->arena, &n2gg__v1__la_flags__descriptor);
	req.fields = fields;
	for (size_t i = 0; i < CLI_FLAG_COUNT; i++) {
		const char *text = cli_opt(args, cli_flags[i].option);
		if (!text)
			continue;
		if ((rc = cli_flag_set(cli, &cli_flags[i], text, req.flags)) < 0)
			return rc;
		fields[req.n_fields++] = (char *)cli_flags[i].field;
	}
	if (!req.n_fields)
		return cli_usage_error(cli, "name at least one flag to set");
	if ((rc = cli_call_school(cli, "SetFlags", &req.base, &reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	printf("LA flags of %u %s\n", reply->school->urn, reply->school->name);
	cli_print_flags(reply->school->flags, &cli->arena);
	return 0;
}

/* ---- facts ---- */

static int cli_check_concern(struct cli *cli, const char *text, N2gg__V1__CategoryOfConcern *out)
{
	static const struct {
		const char *name;
		N2gg__V1__CategoryOfConcern value;
	} names[] = {
		{"special-measures", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
		{"serious-weaknesses", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES},
		{"notice-to-improve", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NOTICE_TO_IMPROVE},
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcasecmp(text, names[i].name) == 0) {
			*out = names[i].value;
			return 0;
		}
	return cli_invalid(cli, "--concern \"%s\": write special-measures, serious-weaknesses or "
				"notice-to-improve",
			   text);
}

static int cli_inspection_request(struct cli *cli, const struct cli_args *args,
				  N2gg__V1__RecordInspectionRequest *req)
{
	N2gg__V1__Inspection *in = arena_message(&cli->arena, &n2gg__v1__inspection__descriptor);
	const char *concern = cli_opt(args, "concern");
	char iso[DATE_ISO_LEN];
	int rc;
	if ((rc = cli_check_urn(cli, args->operands[0], &req->urn)) < 0 ||
	    (rc = cli_check_date(cli, "--date", cli_opt(args, "date"), iso)) < 0 ||
	    (rc = cli_check_uint(cli, "--grade", cli_opt(args, "grade"), 1, 4,
				 &in->overall_effectiveness)) < 0 ||
	    (concern && (rc = cli_check_concern(cli, concern, &in->category_of_concern)) < 0))
		return rc;
	in->start_date = arena_strdup(&cli->arena, iso);
	req->inspection = in;
	return 0;
}

int cli_school_record_inspection(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__RecordInspectionRequest req = N2GG__V1__RECORD_INSPECTION_REQUEST__INIT;
	N2gg__V1__SchoolReply *reply;
	int rc;
	if ((rc = cli_inspection_request(cli, args, &req)) < 0 ||
	    (rc = cli_call_school(cli, "RecordInspection", &req.base, &reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	const N2gg__V1__Inspection *in = req.inspection;
	printf("%u %s: inspection of %s recorded, %u %s", reply->school->urn, reply->school->name,
	       in->start_date, in->overall_effectiveness,
	       school_grade_name(in->overall_effectiveness));
	if (in->category_of_concern)
		printf(", %s", school_concern_name(in->category_of_concern));
	printf(" (%zu inspection(s) on record)\n", reply->school->n_inspections);
	return 0;
}

static int cli_progress_request(struct cli *cli, const struct cli_args *args,
				N2gg__V1__RecordProgressReturnRequest *req)
{
	N2gg__V1__ProgressReturn *p = arena_message(&cli->arena, &n2gg__v1__progress_return__descriptor);
	const char *received = cli_opt(args, "received"), *note = cli_opt(args, "note");
	char iso[DATE_ISO_LEN];
	int rc;
	if ((rc = cli_check_urn(cli, args->operands[0], &req->urn)) < 0 ||
	    (rc = cli_check_uint(cli, "--year", cli_opt(args, "year"), 1990, 2100, &p->year)) < 0 ||
	    (rc = cli_check_uint(cli, "--half-term", cli_opt(args, "half-term"), 1, 6,
				 &p->half_term)) < 0 ||
	    (rc = cli_check_pct(cli, "--on-track", cli_opt(args, "on-track"), &p->on_track_pct)) < 0)
		return rc;
	if (!received)
		date_format(date_today(), iso);
	else if ((rc = cli_check_date(cli, "--received", received, iso)) < 0)
		return rc;
	p->received_date = arena_strdup(&cli->arena, iso);
	p->note = (char *)(note ? note : "");
	req->progress_return = p;
	return 0;
}

int cli_school_record_progress(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__RecordProgressReturnRequest req = N2GG__V1__RECORD_PROGRESS_RETURN_REQUEST__INIT;
	N2gg__V1__SchoolReply *reply;
	int rc;
	if ((rc = cli_progress_request(cli, args, &req)) < 0 ||
	    (rc = cli_call_school(cli, "RecordProgressReturn", &req.base, &reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	const N2gg__V1__ProgressReturn *p = req.progress_return;
	printf("%u %s: progress return %u half-term %u recorded, %.1f%% on track, received %s "
	       "(%zu return(s) on record)\n",
	       reply->school->urn, reply->school->name, p->year, p->half_term, p->on_track_pct,
	       p->received_date, reply->school->n_progress_returns);
	return 0;
}
