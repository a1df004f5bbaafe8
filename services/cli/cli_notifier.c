/* cli_notifier: the commands that ask the notifier: Management Information Sheets (publish,
 * list, show, respond, status, answers, withdraw, correct), the notices it has sent and each of their deliveries, the
 * dead-letter list and retries, the recipients of a school's notices and their digest
 * preference, the daily digests; and `templates check`, which loads a directory of letter
 * templates with the notifier's own loader (notice.h), so a broken template is reported
 * line by line with no service running. Kind names are notice.h's, phase names the
 * scheduler CLI's; dates, URNs and MI numbers are checked here first, and whether a sheet
 * may be published (its dates against today, its audience) is the notifier's to say. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli_format.h"
#include "mi_text.h"
#include "csvwrite.h"
#include "notice.h"
#include "notice_lint.h"

/* ---- names and values ---- */

static int cli_check_mi_type(struct cli *cli, const char *text, N2gg__V1__MiType *out)
{
	if (strcasecmp(text, "information") == 0)
		*out = N2GG__V1__MI_TYPE__MI_INFORMATION;
	else if (strcasecmp(text, "action") == 0)
		*out = N2GG__V1__MI_TYPE__MI_ACTION;
	else
		return cli_invalid(cli, "--type \"%s\": write information or action", text);
	return 0;
}

/* "014/13", also written "14/13": sent as the notifier numbers sheets, "NNN/YY". */
static int cli_check_mi_number(struct cli *cli, const char *text, char **out)
{
	size_t digits = strspn(text, "0123456789");
	const char *year = text + digits + 1;
	if (digits < 1 || digits > 3 || text[digits] != '/' || strlen(year) != 2 ||
	    strspn(year, "0123456789") != 2 || atoi(text) == 0)
		return cli_invalid(cli, "MI number \"%s\" is not NNN/YY, e.g. 014/13", text);
	*out = arena_printf(&cli->arena, "%03d/%s", atoi(text), year);
	return 0;
}

/* A date option, as YYYY-MM-DD in the arena; "" when not given. */
static int cli_date_opt(struct cli *cli, const struct cli_args *args, const char *name,
			char **out)
{
	const char *text = cli_opt(args, name);
	*out = "";
	if (!text)
		return 0;
	char *iso = arena_alloc(&cli->arena, DATE_ISO_LEN);
	char what[40];
	snprintf(what, sizeof what, "--%s", name);
	int rc = cli_check_date(cli, what, text, iso);
	if (rc == 0)
		*out = iso;
	return rc;
}

/* The option's items (see cli_split), as the repeated string field of a message. */
static void cli_list_opt(struct cli *cli, const struct cli_args *args, const char *name,
			 char ***items, size_t *n)
{
	const char *text = cli_opt(args, name);
	*items = NULL;
	*n = 0;
	if (text)
		*items = cli_split(&cli->arena, text, n);
}

static int cli_check_recipient_role(struct cli *cli, const char *text,
				    N2gg__V1__RecipientRole *out)
{
	if (strcasecmp(text, "headteacher") == 0)
		*out = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_HEADTEACHER;
	else if (strcasecmp(text, "chair") == 0)
		*out = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CHAIR_OF_GOVERNORS;
	else if (strcasecmp(text, "cluster-chair") == 0 || strcasecmp(text, "cluster_chair") == 0)
		*out = N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR;
	else
		return cli_invalid(cli, "--role \"%s\": write headteacher, chair (of governors) or "
					"cluster-chair",
				   text);
	return 0;
}

/* A notice kind by notice.h's name; "Category-Letter" is category_letter. */
static int cli_check_kind(struct cli *cli, const char *text, N2gg__V1__NoticeKind *out)
{
	char *name = arena_strdup(&cli->arena, text);
	for (char *p = name; *p; p++)
		*p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
	return notice_kind_parse(name, out, &cli->st);
}

/* ---- mi publish ---- */

/* The text of the file an option names, in the arena. */
static int cli_text_file(struct cli *cli, const char *option, const char *path, char **out)
{
	ProtobufCBinaryData data;
	int rc = cli_read_file(cli, path, &data);
	if (rc < 0)
		return rc;
	if (memchr(data.data, '\0', data.len))
		return cli_invalid(cli, "--%s %s is not text (it holds a NUL byte)", option, path);
	*out = arena_strndup(&cli->arena, (const char *)data.data, data.len);
	return 0;
}

/* --body or --body-file; `required` false (a correction): neither keeps the sheet's. */
static int cli_mi_body(struct cli *cli, const struct cli_args *args, bool required, char **body)
{
	const char *text = cli_opt(args, "body"), *file = cli_opt(args, "body-file");
	if (text && file)
		return cli_usage_error(cli, "give --body or --body-file, not both");
	if (!text && !file)
		return required ? cli_usage_error(cli, "give what the sheet says: --body TEXT or "
						       "--body-file FILE")
				: 0;
	if (text) {
		*body = (char *)text;
		return 0;
	}
	return cli_text_file(cli, "body-file", file, body);
}

/* --questions-file: the questionnaire, read and checked here so that a mistake is shown
 * with its line before anything is sent. (The message is copied: cli_invalid writes
 * cli->st.) */
static int cli_mi_questions(struct cli *cli, const struct cli_args *args, N2gg__V1__MiSheet *s)
{
	const char *file = cli_opt(args, "questions-file");
	char *text = NULL;
	int rc;
	if (!file)
		return 0;
	if ((rc = cli_text_file(cli, "questions-file", file, &text)) < 0)
		return rc;
	if (mi_text_questions(text, &cli->arena, &s->questions, &s->n_questions, &cli->st) < 0)
		return cli_invalid(cli, "--questions-file %s: %s", file, arena_strdup(&cli->arena, cli->st.message));
	return 0;
}

static int cli_mi_audience(struct cli *cli, const struct cli_args *args, N2gg__V1__MiAudience *au)
{
	const char *to = cli_opt(args, "to"), *categories = cli_opt(args, "categories");
	const char *phases = cli_opt(args, "phases");
	int rc;
	if (!to || strcasecmp(to, "both") == 0)
		au->headteachers = au->chairs_of_governors = 1;
	else if (strcasecmp(to, "headteachers") == 0)
		au->headteachers = 1;
	else if (strcasecmp(to, "chairs") == 0)
		au->chairs_of_governors = 1;
	else if (strcasecmp(to, "cluster-chairs") == 0)
		au->cluster_chairs = 1;
	else
		return cli_invalid(cli, "--to \"%s\": write headteachers, chairs, both or "
					"cluster-chairs",
				   to);
	if (categories) {
		char *letters = arena_strdup(&cli->arena, categories);
		for (char *p = letters; *p; p++) {
			*p = (char)toupper((unsigned char)*p);
			if (*p < 'A' || *p > 'F')
				return cli_invalid(cli, "--categories \"%s\": write LA category letters "
							"A-F, e.g. BD",
						   categories);
		}
		au->categories = letters;
	}
	cli_list_opt(cli, args, "clusters", &au->clusters, &au->n_clusters);
	for (size_t i = 0; i < au->n_clusters; i++)
		if ((rc = cli_cluster_id(cli, "--clusters", au->clusters[i], &au->clusters[i])) < 0)
			return rc;
	if (phases && (rc = cli_check_phases(cli, "--phases", phases, &au->phases, &au->n_phases)) < 0)
		return rc;
	return 0;
}

/* A sheet from `mi publish`'s options; the notifier checks it again, against its today. */
static int cli_mi_sheet_from_args(struct cli *cli, const struct cli_args *args,
				  N2gg__V1__MiSheet *s)
{
	int rc;
	s->title = cli_text_opt(args, "title");
	s->contact_name = cli_text_opt(args, "contact-name");
	s->contact_phone = cli_text_opt(args, "contact-phone");
	cli_list_opt(cli, args, "links", &s->links, &s->n_links);
	if ((rc = cli_check_mi_type(cli, cli_opt(args, "type"), &s->type)) < 0 ||
	    (rc = cli_mi_body(cli, args, true, &s->body)) < 0 ||
	    (rc = cli_mi_questions(cli, args, s)) < 0 ||
	    (rc = cli_date_opt(cli, args, "publication-date", &s->publication_date)) < 0 ||
	    (rc = cli_date_opt(cli, args, "complete-by", &s->complete_by)) < 0 ||
	    (rc = cli_mi_audience(cli, args, s->audience)) < 0)
		return rc;
	return 0;
}

static void cli_print_published(const N2gg__V1__MiReply *r, bool dry_run)
{
	const N2gg__V1__MiSheet *s = r->sheet;
	const char *number = s && s->number[0] ? s->number : NULL;
	const char *date = s && s->publication_date[0] ? s->publication_date : NULL;
	const char *whom = s && s->audience && s->audience->cluster_chairs ? "clusters" : "schools";
	if (dry_run) {
		printf("dry run: %s%s would go to %u %s, %u recipients", number ? "MI " : "the sheet",
		       number ? number : "", r->schools, whom, r->recipients);
		if (date)
			printf(", published %s", date);
		printf("; nothing was published\n");
	} else if (s && !s->issued) {
		printf("MI %s scheduled for %s: %u %s, %u recipients as things stand\n",
		       cli_or_dash(number), cli_or_dash(date), r->schools, whom, r->recipients);
	} else {
		printf("MI %s published: %u %s, %u recipients\n", cli_or_dash(number), r->schools,
		       whom, r->recipients);
	}
}

int cli_mi_publish(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__PublishMiRequest req = N2GG__V1__PUBLISH_MI_REQUEST__INIT;
	N2gg__V1__MiSheet sheet = N2GG__V1__MI_SHEET__INIT;
	N2gg__V1__MiAudience audience = N2GG__V1__MI_AUDIENCE__INIT;
	N2gg__V1__MiReply *reply;
	int rc;
	sheet.audience = &audience;
	req.sheet = &sheet;
	req.dry_run = cli_opt(args, "dry-run") != NULL;
	if ((rc = cli_mi_sheet_from_args(cli, args, &sheet)) < 0 ||
	    (rc = cli_call_notifier(cli, "PublishMi", &req.base, &n2gg__v1__mi_reply__descriptor,
				    (void **)&reply)) < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_published(reply, req.dry_run);
	return 0;
}

/* ---- mi list, show ---- */

int cli_mi_list(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"Number", "Type", "Publication", "Complete by",
					   "Status", "Schools", "Title"};
	N2gg__V1__ListMiRequest req = N2GG__V1__LIST_MI_REQUEST__INIT;
	N2gg__V1__ListMiReply *reply;
	const char *year = cli_opt(args, "year");
	struct arena *a = &cli->arena;
	int rc;
	if ((year && (rc = cli_check_uint(cli, "--year", year, 2000, 2099, &req.year)) < 0) ||
	    (rc = cli_call_notifier(cli, "ListMi", &req.base, &n2gg__v1__list_mi_reply__descriptor,
				    (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (reply->n_sheets) {
		struct cli_table t;
		cli_table_init(&t, a, 7, head);
		for (size_t i = 0; i < reply->n_sheets; i++) {
			const N2gg__V1__MiSheet *s = reply->sheets[i];
			const char *row[] = {s->number, cli_mi_type_name(s->type), s->publication_date,
					     cli_or_dash(s->complete_by),
					     s->withdrawn ? "withdrawn"
					     : s->issued  ? "issued"
							  : "scheduled",
					     s->issued ? arena_printf(a, "%u", s->schools) : "-",
					     s->title};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu MI sheet(s)\n", reply->n_sheets);
	return 0;
}

/* "a, b, c" */
static const char *cli_join(char *const *items, size_t n, struct arena *a)
{
	const char *text = "";
	for (size_t i = 0; i < n; i++)
		text = arena_printf(a, "%s%s%s", text, i ? ", " : "", items[i]);
	return text;
}

/* "Headteachers and Chairs of Governors of the schools; categories BD; clusters C926-01,
 * C926-02; phases primary": the audience in words. */
static const char *cli_audience_text(const N2gg__V1__MiAudience *au, struct arena *a)
{
	if (!au)
		return "-";
	const char *who = "nobody";
	if (au->cluster_chairs)
		return au->n_clusters ? arena_printf(a, "Cluster Chairs of clusters %s",
						     cli_join(au->clusters, au->n_clusters, a))
				      : "Cluster Chairs of every cluster";
	if (au->headteachers && au->chairs_of_governors)
		who = "Headteachers and Chairs of Governors";
	else if (au->headteachers)
		who = "Headteachers";
	else if (au->chairs_of_governors)
		who = "Chairs of Governors";
	bool filtered = au->categories[0] || au->n_clusters || au->n_phases;
	const char *text = arena_printf(a, "%s of %s", who, filtered ? "the schools" : "every school");
	if (au->categories[0])
		text = arena_printf(a, "%s; categories %s", text, au->categories);
	if (au->n_clusters)
		text = arena_printf(a, "%s; clusters %s", text,
				    cli_join(au->clusters, au->n_clusters, a));
	if (au->n_phases)
		text = arena_printf(a, "%s; phases %s", text,
				    cli_phases_text(au->phases, au->n_phases, a));
	return text;
}

/* The sheet laid out as the council's paper MI sheet is: its boxes, the title, the text,
 * the links; then what became of it. */
static void cli_print_sheet(const N2gg__V1__MiSheet *s, struct arena *a)
{
	char at[CLI_TIME_LEN];
	bool action = s->type == N2GG__V1__MI_TYPE__MI_ACTION;
	printf("MANAGEMENT INFORMATION SHEET\n");
	cli_print_field("MI Sheet Type", "%s", action ? "Action" : "Information");
	cli_print_field("To Be Completed By", "%s", action ? cli_or_dash(s->complete_by) : "n/a");
	cli_print_field("MI Number", "%s", cli_or_dash(s->number));
	cli_print_field("Publication Date", "%s", cli_or_dash(s->publication_date));
	if (s->contact_phone[0])
		cli_print_field("LA Contact", "%s, tel. %s", s->contact_name, s->contact_phone);
	else
		cli_print_field("LA Contact", "%s", cli_or_dash(s->contact_name));
	cli_print_field("Audience", "%s", cli_audience_text(s->audience, a));
	printf("\n%s\n\n", s->title);
	size_t len = strlen(s->body);
	printf("%s%s", s->body, len && s->body[len - 1] == '\n' ? "" : "\n");
	if (s->n_links) {
		printf("\nLinks\n");
		for (size_t i = 0; i < s->n_links; i++)
			printf("  %s\n", s->links[i]);
	}
	if (s->n_questions)
		printf("\nQuestions\n");
	for (size_t i = 0; i < s->n_questions; i++) {
		const N2gg__V1__MiQuestion *q = s->questions[i];
		printf("  %u. %s\n", q->number, q->text);
		if (q->n_options)
			printf("     choose one: %s\n", cli_join(q->options, q->n_options, a));
	}
	putchar('\n');
	if (s->issued)
		cli_print_field("Issued", "%s to %u schools", cli_time(s->issued_unix_ms, at),
				s->schools);
	else
		cli_print_field("Issued", "not yet: scheduled for %s", cli_or_dash(s->publication_date));
	cli_print_field("Published by", "%s at %s", cli_or_dash(s->published_by),
			cli_time(s->published_unix_ms, at));
	if (action)
		cli_print_field("Reminder sent", "%s", s->reminder_sent ? "yes" : "no");
	if (s->revision)
		cli_print_field("Corrected", "%u time(s), last by %s at %s: %s", s->revision,
				cli_or_dash(s->corrected_by), cli_time(s->corrected_unix_ms, at),
				s->correction_note);
	if (s->withdrawn)
		cli_print_field("Withdrawn", "by %s at %s: %s", cli_or_dash(s->withdrawn_by),
				cli_time(s->withdrawn_unix_ms, at), s->withdrawal_reason);
}

int cli_mi_show(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__GetMiRequest req = N2GG__V1__GET_MI_REQUEST__INIT;
	N2gg__V1__MiReply *reply;
	int rc;
	if ((rc = cli_check_mi_number(cli, args->operands[0], &req.number)) < 0 ||
	    (rc = cli_call_notifier(cli, "GetMi", &req.base, &n2gg__v1__mi_reply__descriptor,
				    (void **)&reply)) < 0)
		return rc;
	if (!reply->sheet)
		return status_fail(&cli->st, STATUS_INTERNAL, "the notifier replied without a sheet");
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_sheet(reply->sheet, &cli->arena);
	return 0;
}

/* ---- mi respond, status, answers ---- */

/* A school's URN (all digits) or a cluster's id or name. */
static int cli_mi_party(struct cli *cli, const char *text, uint32_t *urn, char **cluster_id)
{
	if (text[0] && strspn(text, "0123456789") == strlen(text))
		return cli_check_urn(cli, text, urn);
	return cli_cluster_id(cli, "cluster", text, cluster_id);
}

/* "121234 Aylsham High School" or "the Aylsham cluster (C926-01)" */
static const char *cli_mi_who(const N2gg__V1__MiResponse *r, struct arena *a)
{
	return r->urn ? arena_printf(a, "%u %s", r->urn, r->school_name)
		      : arena_printf(a, "the %s cluster (%s)", r->cluster_name, r->cluster_id);
}

int cli_mi_respond(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__RespondMiRequest req = N2GG__V1__RESPOND_MI_REQUEST__INIT;
	N2gg__V1__MiResponseReply *reply;
	const char *file = cli_opt(args, "answers-file");
	char *text = NULL;
	int rc;
	req.respondent = cli_text_opt(args, "respondent");
	req.note = cli_text_opt(args, "note");
	if ((rc = cli_check_mi_number(cli, args->operands[0], &req.number)) < 0 ||
	    (rc = cli_mi_party(cli, args->operands[1], &req.urn, &req.cluster_id)) < 0)
		return rc;
	if (file) {
		if ((rc = cli_text_file(cli, "answers-file", file, &text)) < 0)
			return rc;
		if (mi_text_answers(text, &cli->arena, &req.answers, &req.n_answers, &cli->st) < 0)
			return cli_invalid(cli, "--answers-file %s: %s", file, arena_strdup(&cli->arena, cli->st.message));
	}
	if ((rc = cli_call_notifier(cli, "RespondMi", &req.base,
				    &n2gg__v1__mi_response_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	const N2gg__V1__MiResponse *r = reply->response;
	printf("MI %s: response of %s recorded", req.number,
	       r ? cli_mi_who(r, &cli->arena) : args->operands[1]);
	if (r && r->n_answers)
		printf(", %zu answer(s)", r->n_answers);
	if (r && r->respondent[0])
		printf(" (from %s)", r->respondent);
	putchar('\n');
	return 0;
}

/* The URN, or for a cluster its id, as the first column of a table. */
static const char *cli_mi_party_cell(uint32_t urn, const char *cluster_id, struct arena *a)
{
	return urn ? arena_printf(a, "%u", urn) : cluster_id;
}

static void cli_print_mi_status(const N2gg__V1__MiStatusReply *r, struct arena *a)
{
	static const char *const done_head[] = {"URN/Cluster", "Name", "Respondent", "When",
						"Note"};
	static const char *const open_head[] = {"URN/Cluster", "Name"};
	const N2gg__V1__MiSheet *s = r->sheet;
	size_t total = r->n_responded + r->n_outstanding;
	if (s)
		printf("MI %s: %s%s\n", s->number, s->title, s->withdrawn ? " (withdrawn)" : "");
	printf("responded %zu of %zu", r->n_responded, total);
	if (s && s->complete_by[0])
		printf(" (to be completed by %s)", s->complete_by);
	printf("\n\nResponded\n");
	if (r->n_responded) {
		struct cli_table t;
		cli_table_init(&t, a, 5, done_head);
		t.indent = 2;
		for (size_t i = 0; i < r->n_responded; i++) {
			const N2gg__V1__MiResponse *m = r->responded[i];
			char at[CLI_TIME_LEN];
			const char *row[] = {cli_mi_party_cell(m->urn, m->cluster_id, a),
					     m->urn ? m->school_name : m->cluster_name,
					     cli_or_dash(m->respondent),
					     arena_strdup(a, cli_time(m->unix_ms, at)),
					     cli_or_dash(m->note)};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	} else {
		printf("  none\n");
	}
	printf("\nOutstanding\n");
	if (!r->n_outstanding) {
		printf("  none\n");
		return;
	}
	struct cli_table t;
	cli_table_init(&t, a, 2, open_head);
	t.indent = 2;
	for (size_t i = 0; i < r->n_outstanding; i++) {
		const N2gg__V1__OutstandingSchool *o = r->outstanding[i];
		const char *row[] = {cli_mi_party_cell(o->urn, o->cluster_id, a),
				     o->urn ? o->school_name : o->cluster_name};
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
}

static int cli_mi_status_of(struct cli *cli, const struct cli_args *args,
			    N2gg__V1__MiStatusReply **reply)
{
	N2gg__V1__MiStatusRequest req = N2GG__V1__MI_STATUS_REQUEST__INIT;
	int rc = cli_check_mi_number(cli, args->operands[0], &req.number);
	if (rc < 0)
		return rc;
	return cli_call_notifier(cli, "MiStatus", &req.base, &n2gg__v1__mi_status_reply__descriptor,
				 (void **)reply);
}

int cli_mi_status(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__MiStatusReply *reply;
	int rc = cli_mi_status_of(cli, args, &reply);
	if (rc < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_mi_status(reply, &cli->arena);
	return 0;
}

/* The answers as a spreadsheet takes them: one row per answer, by respondent then question.
 * A school's row names the school and its cluster; a cluster's, the cluster. */
static void cli_print_answers_csv(const N2gg__V1__MiStatusReply *r)
{
	static const char *const head[] = {"URN", "Name", "Cluster", "Question", "Question text",
					   "Answer", "Answered at", "Responder"};
	csvwrite_row(stdout, head, 8);
	for (size_t i = 0; i < r->n_responded; i++) {
		const N2gg__V1__MiResponse *m = r->responded[i];
		for (size_t k = 0; k < m->n_answers; k++) {
			const N2gg__V1__MiAnswer *an = m->answers[k];
			const char *question = "";
			for (size_t q = 0; q < r->sheet->n_questions; q++)
				if (r->sheet->questions[q]->number == an->question)
					question = r->sheet->questions[q]->text;
			char urn[16] = "", number[16], at[CLI_TIME_LEN];
			if (m->urn)
				snprintf(urn, sizeof urn, "%u", m->urn);
			snprintf(number, sizeof number, "%u", an->question);
			const char *row[] = {urn, m->urn ? m->school_name : m->cluster_name,
					     m->cluster_id, number, question, an->answer,
					     cli_time(m->unix_ms, at), m->respondent};
			csvwrite_row(stdout, row, 8);
		}
	}
}

/* Each question, how a choice was answered (how many chose each option), then each
 * answer. */
static void cli_print_answers(const N2gg__V1__MiStatusReply *r, struct arena *a)
{
	static const char *const head[] = {"URN/Cluster", "Name", "Answer"};
	const N2gg__V1__MiSheet *s = r->sheet;
	printf("MI %s: %s%s\n", s->number, s->title, s->withdrawn ? " (withdrawn)" : "");
	printf("answered by %zu of %zu\n", r->n_responded, r->n_responded + r->n_outstanding);
	for (size_t q = 0; q < s->n_questions; q++) {
		const N2gg__V1__MiQuestion *question = s->questions[q];
		struct cli_table t;
		cli_table_init(&t, a, 3, head);
		t.indent = 2;
		size_t *chose = arena_zalloc(a, (question->n_options + 1) * sizeof *chose);
		for (size_t i = 0; i < r->n_responded; i++) {
			const N2gg__V1__MiResponse *m = r->responded[i];
			for (size_t k = 0; k < m->n_answers; k++) {
				if (m->answers[k]->question != question->number)
					continue;
				for (size_t o = 0; o < question->n_options; o++)
					chose[o] += strcmp(question->options[o],
							   m->answers[k]->answer) == 0;
				const char *row[] = {cli_mi_party_cell(m->urn, m->cluster_id, a),
						     m->urn ? m->school_name : m->cluster_name,
						     m->answers[k]->answer};
				cli_table_row(&t, row);
			}
		}
		printf("\n%u. %s\n", question->number, question->text);
		for (size_t o = 0; o < question->n_options; o++)
			printf("%s%s %zu", o ? ", " : "  ", question->options[o], chose[o]);
		if (question->n_options)
			putchar('\n');
		if (t.rows > 1)
			cli_table_print(&t, stdout);
		else
			printf("  no answers yet\n");
	}
}

int cli_mi_answers(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__MiStatusReply *reply;
	int rc = cli_mi_status_of(cli, args, &reply);
	if (rc < 0)
		return rc;
	if (!reply->sheet)
		return status_fail(&cli->st, STATUS_INTERNAL, "the notifier replied without a sheet");
	if (!reply->sheet->n_questions)
		return status_fail(&cli->st, STATUS_FAILED_PRECONDITION,
				   "MI %s asks no questions: `n2gg mi status %s` lists who responded",
				   reply->sheet->number, reply->sheet->number);
	if (cli_opt(args, "csv"))
		cli_print_answers_csv(reply);
	else if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_answers(reply, &cli->arena);
	return 0;
}

/* ---- mi withdraw, correct ---- */

int cli_mi_withdraw(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__WithdrawMiRequest req = N2GG__V1__WITHDRAW_MI_REQUEST__INIT;
	N2gg__V1__MiReply *reply;
	int rc;
	req.reason = cli_text_opt(args, "reason");
	if ((rc = cli_check_mi_number(cli, args->operands[0], &req.number)) < 0 ||
	    (rc = cli_call_notifier(cli, "WithdrawMi", &req.base, &n2gg__v1__mi_reply__descriptor,
				    (void **)&reply)) < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else if (reply->sheet && !reply->sheet->issued)
		printf("MI %s withdrawn before it was issued: it will not go out\n", req.number);
	else
		printf("MI %s withdrawn: a notice of withdrawal goes to %u school(s) or cluster(s)\n",
		       req.number, reply->schools);
	return 0;
}

/* The option's text in place of *field when it was given. */
static void cli_replace_opt(const struct cli_args *args, const char *name, char **field)
{
	if (cli_opt(args, name))
		*field = cli_text_opt(args, name);
}

/* The sheet as it is with what the options give replaced; the notifier checks the rest. */
static int cli_mi_corrected(struct cli *cli, const struct cli_args *args, N2gg__V1__MiSheet *s)
{
	cli_replace_opt(args, "title", &s->title);
	cli_replace_opt(args, "contact-name", &s->contact_name);
	cli_replace_opt(args, "contact-phone", &s->contact_phone);
	if (cli_opt(args, "links"))
		cli_list_opt(cli, args, "links", &s->links, &s->n_links);
	int rc;
	if ((rc = cli_mi_body(cli, args, false, &s->body)) < 0 ||
	    (rc = cli_mi_questions(cli, args, s)) < 0)
		return rc;
	return cli_opt(args, "complete-by") ? cli_date_opt(cli, args, "complete-by", &s->complete_by)
					    : 0;
}

int cli_mi_correct(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__GetMiRequest get = N2GG__V1__GET_MI_REQUEST__INIT;
	N2gg__V1__CorrectMiRequest req = N2GG__V1__CORRECT_MI_REQUEST__INIT;
	N2gg__V1__MiReply *was, *reply;
	int rc;
	req.note = cli_text_opt(args, "note");
	if ((rc = cli_check_mi_number(cli, args->operands[0], &get.number)) < 0 ||
	    (rc = cli_call_notifier(cli, "GetMi", &get.base, &n2gg__v1__mi_reply__descriptor,
				    (void **)&was)) < 0)
		return rc;
	if (!was->sheet)
		return status_fail(&cli->st, STATUS_INTERNAL, "the notifier replied without a sheet");
	req.number = get.number;
	req.sheet = was->sheet;
	if ((rc = cli_mi_corrected(cli, args, req.sheet)) < 0 ||
	    (rc = cli_call_notifier(cli, "CorrectMi", &req.base, &n2gg__v1__mi_reply__descriptor,
				    (void **)&reply)) < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else if (reply->sheet && !reply->sheet->issued)
		printf("MI %s corrected before it was issued: it will go out as corrected\n",
		       req.number);
	else
		printf("MI %s corrected (correction %u): a notice of correction goes to %u school(s) "
		       "or cluster(s)\n",
		       req.number, reply->sheet ? reply->sheet->revision : 0, reply->schools);
	return 0;
}

/* ---- notices ---- */

int cli_notices_list(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"Created", "Notice", "Kind", "URN/Cluster", "School",
					   "Deliveries", "Subject"};
	N2gg__V1__ListNoticesRequest req = N2GG__V1__LIST_NOTICES_REQUEST__INIT;
	N2gg__V1__ListNoticesReply *reply;
	const char *school = cli_opt(args, "school"), *kind = cli_opt(args, "kind");
	const char *limit = cli_opt(args, "limit");
	struct arena *a = &cli->arena;
	int rc;
	if ((school && (rc = cli_check_urn(cli, school, &req.urn)) < 0) ||
	    (kind && (rc = cli_check_kind(cli, kind, &req.kind)) < 0) ||
	    (limit && (rc = cli_check_uint(cli, "--limit", limit, 1, 100000, &req.limit)) < 0) ||
	    (rc = cli_call_notifier(cli, "ListNotices", &req.base,
				    &n2gg__v1__list_notices_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (reply->n_notices) {
		struct cli_table t;
		cli_table_init(&t, a, 7, head);
		for (size_t i = 0; i < reply->n_notices; i++) {
			const N2gg__V1__Notice *n = reply->notices[i];
			char at[CLI_TIME_LEN];
			const char *row[] = {arena_strdup(a, cli_time(n->created_unix_ms, at)), n->id,
					     cli_notice_kind_name(n->kind),
					     n->urn ? arena_printf(a, "%u", n->urn)
						    : cli_or_dash(n->cluster_id),
					     cli_or_dash(n->school_name),
					     arena_printf(a, "%u", n->deliveries), n->subject};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu notice(s)\n", reply->n_notices);
	return 0;
}

int cli_notices_pending(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"Goes", "Notice", "Kind", "URN/Cluster", "School",
					   "Why it waits", "Subject"};
	N2gg__V1__ListNoticesRequest req = N2GG__V1__LIST_NOTICES_REQUEST__INIT;
	N2gg__V1__ListNoticesReply *reply;
	struct arena *a = &cli->arena;
	(void)args;
	req.pending = true;
	req.limit = 100000;
	int rc = cli_call_notifier(cli, "ListNotices", &req.base,
				   &n2gg__v1__list_notices_reply__descriptor, (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	size_t shown = reply->n_notices;
	struct cli_table t;
	cli_table_init(&t, a, 7, head);
	for (size_t i = 0; i < reply->n_notices; i++) {
		const N2gg__V1__Notice *n = reply->notices[i];
		char at[CLI_TIME_LEN];
		const char *row[] = {arena_strdup(a, cli_time(n->due_unix_ms, at)), n->id,
				     cli_notice_kind_name(n->kind),
				     n->urn ? arena_printf(a, "%u", n->urn) : cli_or_dash(n->cluster_id),
				     cli_or_dash(n->school_name),
				     n->by_hand ? "an officer's change" : "gathering a plan",
				     n->subject};
		cli_table_row(&t, row);
	}
	if (shown)
		cli_table_print(&t, stdout);
	printf("%zu letter(s) waiting to go", shown);
	printf(shown ? "; `n2gg notices show ID` shows one, `n2gg notices cancel ID --reason "
		       "TEXT` stops it\n"
		     : "\n");
	return 0;
}

int cli_notices_show(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ShowNoticeRequest req = N2GG__V1__SHOW_NOTICE_REQUEST__INIT;
	N2gg__V1__ShowNoticeReply *reply;
	req.id = (char *)args->operands[0];
	int rc = cli_call_notifier(cli, "ShowNotice", &req.base,
				   &n2gg__v1__show_notice_reply__descriptor, (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	const N2gg__V1__Notice *n = reply->notice;
	char at[CLI_TIME_LEN];
	printf("%s\n", n->id);
	cli_print_field("Kind", "%s", cli_notice_kind_name(n->kind));
	cli_print_field("Written", "%s", cli_time(n->created_unix_ms, at));
	if (n->due_unix_ms)
		cli_print_field("Goes", "%s%s", cli_time(n->due_unix_ms, at),
				n->by_hand ? " (an officer's change: it waits the settle window)" : "");
	for (size_t i = 0; i < reply->n_letters; i++) {
		const N2gg__V1__RenderedLetter *l = reply->letters[i];
		printf("\n---- to %s %s <%s>\n", cli_recipient_role_name(l->recipient->role),
		       cli_or_dash(l->recipient->name), cli_or_dash(l->recipient->email));
		printf("Subject: %s\n\n%s", l->subject, l->text);
		if (!l->text[0] || l->text[strlen(l->text) - 1] != '\n')
			putchar('\n');
	}
	return 0;
}

int cli_notices_cancel(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__CancelNoticeRequest req = N2GG__V1__CANCEL_NOTICE_REQUEST__INIT;
	N2gg__V1__DeliveriesReply *reply;
	const char *reason = cli_opt(args, "reason");
	if (!reason || !reason[0])
		return cli_invalid(cli, "--reason is required: say why the letter is cancelled");
	req.id = (char *)args->operands[0];
	req.reason = (char *)reason;
	int rc = cli_call_notifier(cli, "CancelNotice", &req.base,
				   &n2gg__v1__deliveries_reply__descriptor, (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	printf("cancelled: %s (%zu deliver%s withdrawn)\n", req.id, reply->n_deliveries,
	       reply->n_deliveries == 1 ? "y" : "ies");
	return 0;
}

/* When a delivery went out, or else when it was recorded. */
static const char *cli_delivery_when(const N2gg__V1__Delivery *d, struct arena *a)
{
	char at[CLI_TIME_LEN];
	return arena_strdup(a, cli_time(d->sent_unix_ms ? d->sent_unix_ms : d->created_unix_ms, at));
}

static const char *cli_delivery_role(const N2gg__V1__Delivery *d)
{
	return d->recipient ? cli_recipient_role_name(d->recipient->role) : "-";
}

static const char *cli_delivery_address(const N2gg__V1__Delivery *d)
{
	return d->recipient ? cli_or_dash(d->recipient->email) : "-";
}

int cli_notices_log(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"When", "Notice", "Role", "Address", "Channel",
					   "State", "Attempts", "Last reply"};
	N2gg__V1__DeliveryLogRequest req = N2GG__V1__DELIVERY_LOG_REQUEST__INIT;
	N2gg__V1__DeliveriesReply *reply;
	const char *school = cli_opt(args, "school"), *notice = cli_opt(args, "notice");
	struct arena *a = &cli->arena;
	int rc;
	if (school && notice)
		return cli_usage_error(cli, "give --school or --notice, not both");
	if (!school && !notice)
		return cli_usage_error(cli, "give --school URN or --notice ID");
	if (notice && !notice[0])
		return cli_invalid(cli, "--notice names no notice");
	req.notice_id = (char *)(notice ? notice : "");
	if ((school && (rc = cli_check_urn(cli, school, &req.urn)) < 0) ||
	    (rc = cli_call_notifier(cli, "DeliveryLog", &req.base,
				    &n2gg__v1__deliveries_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (reply->n_deliveries) {
		struct cli_table t;
		cli_table_init(&t, a, 8, head);
		for (size_t i = 0; i < reply->n_deliveries; i++) {
			const N2gg__V1__Delivery *d = reply->deliveries[i];
			const char *row[] = {cli_delivery_when(d, a), d->notice_id, cli_delivery_role(d),
					     cli_delivery_address(d), cli_or_dash(d->channel),
					     cli_delivery_state_name(d->state),
					     arena_printf(a, "%u", d->attempts),
					     cli_or_dash(d->last_reply)};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu deliver%s\n", reply->n_deliveries, reply->n_deliveries == 1 ? "y" : "ies");
	return 0;
}

/* One dead letter: its key on a line of its own (to copy into `notices retry`), then what
 * it was and why it died, the server's reply in full. */
static void cli_print_dead(const N2gg__V1__Delivery *d, struct arena *a)
{
	const char *cluster = d->recipient ? d->recipient->cluster_id : "";
	printf("%s\n", d->key);
	cli_print_field("Notice", "%s (%s), %s", d->notice_id, cli_notice_kind_name(d->kind),
			d->urn ? arena_printf(a, "school %u", d->urn)
			       : arena_printf(a, "cluster %s", cli_or_dash(cluster)));
	if (d->subject[0])
		cli_print_field("Subject", "%s", d->subject);
	cli_print_field("Recipient", "%s %s <%s>", cli_delivery_role(d),
			d->recipient ? cli_or_dash(d->recipient->name) : "-", cli_delivery_address(d));
	cli_print_field("Channel", "%s, %u attempt(s), first recorded %s", cli_or_dash(d->channel),
			d->attempts, cli_delivery_when(d, a));
	if (d->last_code)
		cli_print_field("Reply", "%lld %s " CLI_DASH " %s", (long long)d->last_code,
				cli_or_dash(d->outcome), cli_or_dash(d->last_reply));
	else
		cli_print_field("Reply", "%s " CLI_DASH " %s", cli_or_dash(d->outcome),
				cli_or_dash(d->last_reply));
}

int cli_notices_dead(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ListDeadRequest req = N2GG__V1__LIST_DEAD_REQUEST__INIT;
	N2gg__V1__DeliveriesReply *reply;
	(void)args;
	int rc = cli_call_notifier(cli, "ListDead", &req.base, &n2gg__v1__deliveries_reply__descriptor,
				   (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	for (size_t i = 0; i < reply->n_deliveries; i++) {
		cli_print_dead(reply->deliveries[i], &cli->arena);
		putchar('\n');
	}
	printf("%zu dead letter(s)", reply->n_deliveries);
	printf(reply->n_deliveries ? "; `n2gg notices retry KEY` puts one back in the queue\n" : "\n");
	return 0;
}

int cli_notices_unsent(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ListUnsentRequest req = N2GG__V1__LIST_UNSENT_REQUEST__INIT;
	N2gg__V1__ListUnsentReply *reply;
	(void)args;
	req.limit = 1000;
	int rc = cli_call_notifier(cli, "ListUnsent", &req.base,
				   &n2gg__v1__list_unsent_reply__descriptor, (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	for (size_t i = 0; i < reply->n_notices; i++) {
		const N2gg__V1__Notice *notice = reply->notices[i]->notice;
		printf("%s\n", notice->id);
		cli_print_field("Letter", "%s, %s", cli_notice_kind_name(notice->kind),
				notice->urn ? arena_printf(&cli->arena, "%s (URN %u)",
							   notice->school_name, notice->urn)
					    : arena_printf(&cli->arena, "cluster %s",
							   cli_or_dash(notice->cluster_id)));
		if (notice->subject[0])
			cli_print_field("Subject", "%s", notice->subject);
		for (size_t r = 0; r < reply->notices[i]->n_reasons; r++)
			cli_print_field(r ? "" : "Why", "%s", reply->notices[i]->reasons[r]);
		putchar('\n');
	}
	printf("%u letter(s) reach nobody", reply->total);
	if (reply->total > reply->n_notices)
		printf(" (the newest %zu shown)", reply->n_notices);
	printf("\n");
	if (reply->n_schools) {
		printf("\nOpen schools that cannot be written to by mail (%zu):\n", reply->n_schools);
		for (size_t i = 0; i < reply->n_schools; i++) {
			const N2gg__V1__UnreachableSchool *u = reply->schools[i];
			printf("  %u  %s", u->urn, u->name);
			if (u->cluster_id[0])
				printf(" (%s)", u->cluster_id);
			printf(": no ");
			for (size_t m = 0; m < u->n_missing; m++)
				printf("%s%s", m ? ", no " : "", u->missing[m]);
			putchar('\n');
		}
	}
	if (reply->n_clusters) {
		printf("\nClusters whose CEP letters reach nobody (%zu):\n", reply->n_clusters);
		for (size_t i = 0; i < reply->n_clusters; i++)
			printf("  %s  %s: no %s\n", reply->clusters[i]->id, reply->clusters[i]->name,
			       reply->clusters[i]->missing);
	}
	if (reply->n_schools || reply->n_clusters)
		printf("\nOnce the registry has the address (`n2gg registry import-contacts`, "
		       "`n2gg cluster set-chair`), send a letter with `n2gg notices retry KEY` (its "
		       "keys: `n2gg notices log --notice ID`).\n");
	return 0;
}

int cli_notices_retry(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__RetryDeliveryRequest req = N2GG__V1__RETRY_DELIVERY_REQUEST__INIT;
	N2gg__V1__DeliveryReply *reply;
	const char *key = args->operands[0];
	if (strlen(key) < 8)
		return cli_invalid(cli, "KEY \"%s\" is too short: give the key or at least its first 8 "
					"characters",
				   key);
	req.key = (char *)key;
	int rc = cli_call_notifier(cli, "RetryDelivery", &req.base,
				   &n2gg__v1__delivery_reply__descriptor, (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	const N2gg__V1__Delivery *d = reply->delivery;
	if (!d)
		return status_fail(&cli->st, STATUS_INTERNAL, "the notifier replied without a delivery");
	printf("retried: %s (notice %s to %s %s): %s\n", d->key, d->notice_id, cli_delivery_role(d),
	       cli_delivery_address(d), cli_delivery_state_name(d->state));
	return 0;
}

/* ---- recipients and preferences ---- */

static void cli_print_recipients(const N2gg__V1__RecipientsReply *r, uint32_t urn,
				 const char *cluster_id, struct arena *a)
{
	static const char *const head[] = {"Role", "Name", "Email", "Notices"};
	printf("%s %s\n", urn ? "School" : "Cluster",
	       urn ? arena_printf(a, "%u", urn) : cli_or_dash(cluster_id));
	if (!r->n_recipients) {
		printf("  no recipients\n");
		return;
	}
	struct cli_table t;
	cli_table_init(&t, a, 4, head);
	t.indent = 2;
	for (size_t i = 0; i < r->n_recipients; i++) {
		const N2gg__V1__Recipient *p = r->recipients[i];
		const char *role = cli_recipient_role_name(p->role);
		if (p->role == N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR && urn)
			role = arena_printf(a, "cluster-chair (%s)", cli_or_dash(p->cluster_id));
		const char *row[] = {role, cli_or_dash(p->name), cli_or_dash(p->email),
				     p->digest ? "daily digest" : "at once"};
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
}

int cli_notices_recipients(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__RecipientsRequest req = N2GG__V1__RECIPIENTS_REQUEST__INIT;
	N2gg__V1__RecipientsReply *reply;
	int rc;
	if ((rc = cli_check_target(cli, args->operands[0], &req.urn, &req.cluster_id)) < 0 ||
	    (rc = cli_call_notifier(cli, "GetRecipients", &req.base,
				    &n2gg__v1__recipients_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_recipients(reply, req.urn, req.cluster_id, &cli->arena);
	return 0;
}

int cli_notices_prefs(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__SetPreferenceRequest req = N2GG__V1__SET_PREFERENCE_REQUEST__INIT;
	N2gg__V1__RecipientsReply *reply;
	const char *target = args->operands[0];
	bool digest;
	int rc;
	if ((rc = cli_check_recipient_role(cli, cli_opt(args, "role"), &req.role)) < 0 ||
	    (rc = cli_check_yes_no(cli, "--digest", cli_opt(args, "digest"), &digest)) < 0 ||
	    (rc = cli_check_target(cli, target, &req.urn, &req.cluster_id)) < 0)
		return rc;
	if (req.role == N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR && req.urn)
		return cli_invalid(cli, "a cluster chair belongs to a cluster: give the cluster's id, "
					"not URN %s",
				   target);
	if (req.role != N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR && !req.urn)
		return cli_invalid(cli, "a %s belongs to a school: give its URN, not \"%s\"",
				   cli_recipient_role_name(req.role), target);
	req.digest = digest;
	if ((rc = cli_call_notifier(cli, "SetPreference", &req.base,
				    &n2gg__v1__recipients_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	printf("%s of %s: notices that are not statutory %s\n", cli_recipient_role_name(req.role),
	       req.urn ? target : req.cluster_id, digest ? "come as a daily digest" : "go at once");
	cli_print_recipients(reply, req.urn, req.cluster_id, &cli->arena);
	return 0;
}

int cli_notices_digest(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__SendDigestsRequest req = N2GG__V1__SEND_DIGESTS_REQUEST__INIT;
	N2gg__V1__SendDigestsReply *reply;
	(void)args;
	int rc = cli_call_notifier(cli, "SendDigests", &req.base,
				   &n2gg__v1__send_digests_reply__descriptor, (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		printf("sent %u digest(s) holding %u notice(s)\n", reply->digests, reply->notices);
	return 0;
}

/* ---- templates check ---- */

struct cli_template_report {
	json_t *messages;   /* --json: [{"file", "message"}] */
	size_t count;
};

/* Each problem and note as the loader words it, "FILE:LINE: what", to stderr as the
 * compilers (and `policy check`) write them. */
static void cli_template_problem(void *ctx, const char *file, const char *message)
{
	struct cli_template_report *r = ctx;
	r->count++;
	fprintf(stderr, "%s\n", message);
	if (r->messages)
		json_array_append_new(r->messages, json_pack("{s:s, s:s}", "file", file ? file : "",
							     "message", message ? message : ""));
}

int cli_templates_check(struct cli *cli, const struct cli_args *args)
{
	const char *dir = args->operands[0];
	struct notice_templates t;
	struct status st = {.code = STATUS_OK};
	struct cli_template_report report = {.messages = cli->json ? json_array() : NULL};
	if (!dir[0])
		return cli_invalid(cli, "DIR names no directory");
	int rc = notice_templates_load(&t, dir, cli_template_problem, &report, &st);
	/* a set that loads is rendered from samples full of internal identifiers, none of
	 * which may reach a letter */
	if (rc == 0 && notice_lint(&t, cli_template_problem, &report) > 0)
		rc = -1;
	notice_templates_free(&t);
	if (cli->json)
		cli_print_json(json_pack("{s:s, s:b, s:o}", "dir", dir, "ok", rc == 0, "messages",
					 report.messages),
			       0);
	if (rc < 0) {
		/* a failure the loader did not report itself (the directory cannot be read) */
		if (!report.count && st.message[0])
			fprintf(stderr, "%s\n", st.message);
		return cli_invalid(cli, "%s: the templates have errors (listed above)", dir);
	}
	if (!cli->json)
		printf("%s: the letter templates load without errors%s\n", dir,
		       report.count ? " (notes above)" : "");
	return 0;
}
