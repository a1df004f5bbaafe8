/* cli_category: the `category` commands, asking the categoriser: a school's category in
 * brief (show) and in words (explain), lists and summaries, overrides set and cleared by
 * hand, and a school's category history. URNs, letters and dates are checked here first;
 * whether a letter is one of the policy's is the categoriser's to say. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_format.h"

/* One letter, any case; written upper case into out. */
static int cli_check_category(struct cli *cli, const char *what, const char *text, char out[2])
{
	if (strlen(text) != 1 || !isalpha((unsigned char)text[0]))
		return cli_invalid(cli, "%s \"%s\" is not a category: write one letter, A-F", what,
				   text);
	out[0] = (char)toupper((unsigned char)text[0]);
	out[1] = '\0';
	return 0;
}

/* "until cleared"; "until 2026-11-23", the day given to --until (in force through it);
 * or "until 2026-11-23T10:15:30Z" */
static const char *cli_until(long long expires_ms, struct arena *a)
{
	char at[DATE_EXPIRY_LEN];
	return expires_ms ? arena_printf(a, "until %s", date_format_expiry(expires_ms, at))
			  : "until cleared";
}

/* Why a school has no category, by the pseudo-rule the categoriser names: "is closed". */
static const char *cli_no_category_why(const N2gg__V1__Decision *d)
{
	if (strcmp(d->rule_id, "closed") == 0)
		return "is closed";
	if (strcmp(d->rule_id, "not-open") == 0)
		return "has not opened yet";
	return "is not categorised";
}

/* "A (Causing concern)", or why there is none */
static const char *cli_category_text(const N2gg__V1__Decision *d, struct arena *a)
{
	if (d->category[0])
		return arena_printf(a, "%s (%s)", d->category, d->category_name);
	return arena_printf(a, "none (the school %s)", cli_no_category_why(d));
}

/* The brief block of `category show` (and after an override is set or cleared). */
static void cli_print_decision(const N2gg__V1__Decision *d, struct arena *a)
{
	char at[CLI_TIME_LEN];
	cli_print_field("URN", "%u", d->urn);
	cli_print_field("School", "%s", cli_or_dash(d->school_name));
	cli_print_field("Cluster", "%s", d->cluster_id[0] ? d->cluster_id : "(none)");
	cli_print_field("Category", "%s", cli_category_text(d, a));
	cli_print_field("Since", "%s", cli_or_dash(d->effective_date));
	cli_print_field("Rule", "%s", cli_or_dash(d->rule_id));
	cli_print_field("Policy", "%s %s", d->policy_name, d->policy_version);
	cli_print_field("Half-termly monitoring", "%s", d->half_termly_monitoring ? "yes" : "no");
	const N2gg__V1__Override *o = d->override;
	if (o)
		cli_print_field("Override", "%s, set by %s at %s: %s (%s)", o->category,
				cli_or_dash(o->set_by), cli_time(o->set_unix_ms, at), o->reason,
				cli_until(o->expires_unix_ms, a));
}

/* GetCategory, or SetOverride / ClearOverride: their replies hold one Decision. */
static int cli_call_decision(struct cli *cli, const char *method, const ProtobufCMessage *req,
			     const ProtobufCMessageDescriptor *reply_type,
			     N2gg__V1__GetCategoryReply **reply)
{
	int rc = cli_call_categoriser(cli, method, req, reply_type, (void **)reply);
	if (rc == 0 && !(*reply)->decision)
		return status_fail(&cli->st, STATUS_INTERNAL, "%s replied without a decision", method);
	return rc;
}

static int cli_get_category(struct cli *cli, const char *urn_text,
			    N2gg__V1__GetCategoryReply **reply)
{
	N2gg__V1__GetCategoryRequest req = N2GG__V1__GET_CATEGORY_REQUEST__INIT;
	int rc = cli_check_urn(cli, urn_text, &req.urn);
	if (rc < 0)
		return rc;
	return cli_call_decision(cli, "GetCategory", &req.base,
				 &n2gg__v1__get_category_reply__descriptor, reply);
}

/* Prints a reply holding a Decision: JSON, or the brief block. */
static int cli_decision_done(struct cli *cli, const ProtobufCMessage *reply,
			     const N2gg__V1__Decision *d)
{
	if (cli->json)
		cli_print_message_json(reply);
	else
		cli_print_decision(d, &cli->arena);
	return 0;
}

int cli_category_show(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__GetCategoryReply *reply;
	int rc = cli_get_category(cli, args->operands[0], &reply);
	return rc < 0 ? rc : cli_decision_done(cli, &reply->base, reply->decision);
}

/* ---- explain ---- */

/* "." unless the text ends a sentence already. */
static const char *cli_full_stop(const char *text)
{
	size_t len = strlen(text);
	return len && strchr(".!?", text[len - 1]) ? "" : ".";
}

static void cli_explain_override(const N2gg__V1__Decision *d, struct arena *a)
{
	const N2gg__V1__Override *o = d->override;
	char at[CLI_TIME_LEN];
	printf("The category was set by hand by %s on %s: %s%s It is in force %s.\n",
	       cli_or_dash(o->set_by), cli_time(o->set_unix_ms, at), o->reason,
	       cli_full_stop(o->reason), cli_until(o->expires_unix_ms, a));
	if (d->ruled_category[0])
		printf("Without it, the rules of policy %s %s would place the school in category %s.\n",
		       d->policy_name, d->policy_version, d->ruled_category);
	else
		printf("Without it, no rule of policy %s %s would place the school.\n", d->policy_name,
		       d->policy_version);
}

static void cli_explain_list(const char *title, char **items, size_t n, const char *none)
{
	printf("%s\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  - %s\n", items[i]);
	if (!n)
		printf("  %s\n", none);
}

/* A group row of the rule's structure in words: "all of these (held):". */
static const char *cli_group_words(const N2gg__V1__Reason *r)
{
	if (strcmp(r->group, "all") == 0)
		return r->holds ? "all of these (held):" : "all of these (did not hold):";
	if (strcmp(r->group, "any") == 0)
		return r->holds ? "any of these (held):" : "any of these (none held):";
	return r->holds ? "not the following (held):" : "not the following (did not hold):";
}

/* The deciding rule as an indented tree: each group (all / any / not) with whether it
 * held, its members under it, so an officer sees why a condition that was met did not
 * decide. Decisions from before the structure was recorded are all at depth 0: a list. */
static void cli_explain_reasons(const N2gg__V1__Decision *d)
{
	printf("Because:\n");
	for (size_t i = 0; i < d->n_reasons; i++) {
		const N2gg__V1__Reason *r = d->reasons[i];
		int indent = 2 + 4 * (int)(r->depth < 20 ? r->depth : 20);
		printf("%*s- %s\n", indent, "", r->group[0] ? cli_group_words(r) : r->text);
	}
	if (!d->n_reasons)
		printf("  (no condition: the rule always holds)\n");
}

static void cli_explain(const N2gg__V1__Decision *d, struct arena *a)
{
	const char *name = d->school_name[0] ? d->school_name : "The school";
	if (!d->category[0]) {
		printf("%s (URN %u) %s: it has no category.\n", name, d->urn, cli_no_category_why(d));
		return;
	}
	printf("%s (URN %u) is in category %s, %s, since %s.\n", name, d->urn, d->category,
	       d->category_name, d->effective_date);
	if (d->override)
		cli_explain_override(d, a);
	else
		printf("Rule '%s' of policy %s %s decided it: %s%s\n", d->rule_id, d->policy_name,
		       d->policy_version, d->rule_description, cli_full_stop(d->rule_description));
	cli_explain_reasons(d);
	cli_explain_list("What the LA does:", d->activities, d->n_activities,
			 "(no LA activity listed)");
	printf("Half-termly monitoring of pupil progress: %s\n",
	       d->half_termly_monitoring ? "yes" : "no");
}

int cli_category_explain(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__GetCategoryReply *reply;
	int rc = cli_get_category(cli, args->operands[0], &reply);
	if (rc < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_explain(reply->decision, &cli->arena);
	return 0;
}

/* ---- list ---- */

static int cli_list_request(struct cli *cli, const struct cli_args *args,
			    N2gg__V1__ListCategoriesRequest *req, char category[2])
{
	const char *letter = cli_opt(args, "category"), *limit = cli_opt(args, "limit");
	int rc;
	category[0] = '\0';
	req->category = category;
	if ((letter && (rc = cli_check_category(cli, "--category", letter, category)) < 0) ||
	    (limit && (rc = cli_check_uint(cli, "--limit", limit, 1, 1000000, &req->limit)) < 0) ||
	    (rc = cli_cluster_opt(cli, args, "cluster", &req->cluster_id)) < 0)
		return rc;
	return 0;
}

static void cli_print_category_table(const N2gg__V1__ListCategoriesReply *reply, struct arena *a)
{
	static const char *const head[] = {"URN", "School", "Cluster", "Category", "Since", "Rule"};
	struct cli_table t;
	cli_table_init(&t, a, 6, head);
	for (size_t i = 0; i < reply->n_decisions; i++) {
		const N2gg__V1__Decision *d = reply->decisions[i];
		const char *row[] = {arena_printf(a, "%u", d->urn), d->school_name, d->cluster_id,
				     d->category, d->effective_date, d->rule_id};
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
}

int cli_category_list(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ListCategoriesRequest req = N2GG__V1__LIST_CATEGORIES_REQUEST__INIT;
	N2gg__V1__ListCategoriesReply *reply;
	char category[2];
	int rc;
	if ((rc = cli_list_request(cli, args, &req, category)) < 0 ||
	    (rc = cli_call_categoriser(cli, "ListCategories", &req.base,
				       &n2gg__v1__list_categories_reply__descriptor,
				       (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (reply->n_decisions)
		cli_print_category_table(reply, &cli->arena);
	printf("%zu of %u\n", reply->n_decisions, reply->total);
	return 0;
}

/* ---- overrides ---- */

/* "2026-11-23T10:15:30Z" as ms since the epoch; -1 when it is not one. */
static long long cli_parse_datetime(const char *text)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";   /* d: a digit */
	struct tm tm = {0};
	if (strlen(text) != sizeof shape - 1)
		return -1;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)text[i]) : text[i] != shape[i])
			return -1;
	sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	       &tm.tm_min, &tm.tm_sec);
	if (!date_valid_ymd(tm.tm_year, tm.tm_mon, tm.tm_mday) || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 59)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm) * 1000;
}

/* When the override ends: --until DATE (the end of that day, UTC), --expires DATETIME, or
 * 0 (until cleared). The categoriser refuses a time before its as-of date (or now). */
static int cli_override_expiry(struct cli *cli, const struct cli_args *args, long long *ms)
{
	const char *until = cli_opt(args, "until"), *expires = cli_opt(args, "expires");
	*ms = 0;
	if (until && expires)
		return cli_usage_error(cli, "give --until or --expires, not both");
	if (until) {
		int days;
		if (date_parse(until, &days) < 0)
			return cli_invalid(cli, "--until \"%s\" is not a date: write YYYY-MM-DD", until);
		*ms = (days + 1) * DATE_MS_PER_DAY;
	} else if (expires && (*ms = cli_parse_datetime(expires)) < 0) {
		return cli_invalid(cli, "--expires \"%s\" is not a UTC date-time: write "
					"YYYY-MM-DDTHH:MM:SSZ",
				   expires);
	}
	return 0;
}

int cli_category_override(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__SetOverrideRequest req = N2GG__V1__SET_OVERRIDE_REQUEST__INIT;
	/* an OverrideReply, read as the GetCategoryReply of the same shape (one Decision, 1) */
	N2gg__V1__GetCategoryReply *reply;
	char category[2];
	long long expires;
	int rc;
	req.category = category;
	req.reason = (char *)cli_opt(args, "reason");
	if ((rc = cli_check_urn(cli, args->operands[0], &req.urn)) < 0 ||
	    (rc = cli_check_category(cli, "CATEGORY", args->operands[1], category)) < 0 ||
	    (rc = cli_override_expiry(cli, args, &expires)) < 0)
		return rc;
	req.expires_unix_ms = expires;
	if (!req.reason[0])
		return cli_usage_error(cli, "--reason must say why");
	if ((rc = cli_call_decision(cli, "SetOverride", &req.base,
				    &n2gg__v1__override_reply__descriptor, &reply)) < 0)
		return rc;
	return cli_decision_done(cli, &reply->base, reply->decision);
}

int cli_category_clear_override(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ClearOverrideRequest req = N2GG__V1__CLEAR_OVERRIDE_REQUEST__INIT;
	N2gg__V1__GetCategoryReply *reply;   /* an OverrideReply */
	const char *reason = cli_opt(args, "reason");
	int rc;
	req.reason = (char *)(reason ? reason : "");
	if ((rc = cli_check_urn(cli, args->operands[0], &req.urn)) < 0 ||
	    (rc = cli_call_decision(cli, "ClearOverride", &req.base,
				    &n2gg__v1__override_reply__descriptor, &reply)) < 0)
		return rc;
	return cli_decision_done(cli, &reply->base, reply->decision);
}

/* ---- history ---- */

static const char *cli_override_text(const char *topic, const N2gg__V1__OverrideChanged *e,
				     struct arena *a)
{
	const N2gg__V1__Override *o = e->override;
	const char *category = o ? cli_or_dash(o->category) : "-";
	if (strcmp(topic, "category.override.set") == 0)
		return arena_printf(a, "override to %s: %s (%s)", category, o ? o->reason : "",
				    cli_until(o ? o->expires_unix_ms : 0, a));
	if (strcmp(topic, "category.override.expired") == 0)
		return arena_printf(a, "override to %s expired", category);
	return arena_printf(a, "override to %s cleared%s%s", category, e->reason[0] ? ": " : "",
			    e->reason);
}

/* What one category.* event says, in words, by its topic. */
static const char *cli_history_text(const N2gg__V1__Event *ev, struct arena *a)
{
	const ProtobufCMessage *m = cli_event_payload(ev, a);
	if (!m)
		return arena_printf(a, "%s (payload not readable)", ev->topic);
	if (m->descriptor == &n2gg__v1__category_changed__descriptor) {
		const N2gg__V1__CategoryChanged *e = (const N2gg__V1__CategoryChanged *)m;
		return arena_printf(a, "%s -> %s (%s)", cli_or_dash(e->previous_category),
				    cli_or_dash(e->category), e->cause);
	}
	if (m->descriptor == &n2gg__v1__override_changed__descriptor)
		return cli_override_text(ev->topic, (const N2gg__V1__OverrideChanged *)m, a);
	if (m->descriptor == &n2gg__v1__monitoring_overdue__descriptor) {
		const N2gg__V1__MonitoringOverdue *e = (const N2gg__V1__MonitoringOverdue *)m;
		return arena_printf(a, "progress return overdue for half-term %u of %u", e->half_term,
				    e->year);
	}
	return ev->topic;
}

static void cli_print_category_history(const N2gg__V1__CategoryHistoryReply *reply,
				       struct arena *a)
{
	static const char *const head[] = {"Seq", "Time", "Actor", "What"};
	struct cli_table t;
	cli_table_init(&t, a, 4, head);
	for (size_t i = 0; i < reply->n_events; i++) {
		const N2gg__V1__Event *ev = reply->events[i];
		char at[CLI_TIME_LEN];
		const char *row[] = {arena_printf(a, "%llu", (unsigned long long)ev->seq),
				     cli_time(ev->time_unix_ms, at), ev->actor,
				     cli_history_text(ev, a)};
		cli_table_row(&t, row);
	}
	if (reply->n_events)
		cli_table_print(&t, stdout);
	printf("%zu event(s)\n", reply->n_events);
}

int cli_category_history(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__CategoryHistoryRequest req = N2GG__V1__CATEGORY_HISTORY_REQUEST__INIT;
	N2gg__V1__CategoryHistoryReply *reply;
	int rc;
	if ((rc = cli_check_urn(cli, args->operands[0], &req.urn)) < 0 ||
	    (rc = cli_call_categoriser(cli, "CategoryHistory", &req.base,
				       &n2gg__v1__category_history_reply__descriptor,
				       (void **)&reply)) < 0)
		return rc;
	if (!cli->json) {
		cli_print_category_history(reply, &cli->arena);
		return 0;
	}
	/* built by hand so each payload shows decoded, as in `school history --json` */
	json_t *events = json_array();
	for (size_t i = 0; i < reply->n_events; i++)
		json_array_append_new(events, cli_event_json(reply->events[i], &cli->arena));
	cli_print_json(json_pack("{s:o}", "events", events), 0);
	return 0;
}

/* ---- summary ---- */

/* The count for `category` among `counts` (they come in the policy's order, but the
 * letter is what they are matched by). */
static unsigned cli_count_of(N2gg__V1__CategoryCount **counts, size_t n, const char *category)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(counts[i]->category, category) == 0)
			return counts[i]->schools;
	return 0;
}

/* One row: the name, a count per category of the LA's columns, the total. */
static void cli_summary_row(struct cli_table *t, const char *name,
			    const N2gg__V1__CategorySummaryReply *r,
			    N2gg__V1__CategoryCount **counts, size_t n, unsigned total)
{
	const char **row = arena_alloc(t->arena, sizeof *row * t->cols);
	row[0] = name;
	for (size_t i = 0; i < r->n_la; i++)
		row[i + 1] = arena_printf(t->arena, "%u", cli_count_of(counts, n, r->la[i]->category));
	row[t->cols - 1] = arena_printf(t->arena, "%u", total);
	cli_table_row(t, row);
}

static int cli_cluster_order(const void *a, const void *b)
{
	return strcmp((*(N2gg__V1__ClusterSummary *const *)a)->cluster_id,
		      (*(N2gg__V1__ClusterSummary *const *)b)->cluster_id);
}

static void cli_print_summary(N2gg__V1__CategorySummaryReply *r, struct arena *a)
{
	struct cli_table t;
	const char **head = arena_alloc(a, sizeof *head * (r->n_la + 2));
	head[0] = "Cluster";
	for (size_t i = 0; i < r->n_la; i++)
		head[i + 1] = r->la[i]->category;
	head[r->n_la + 1] = "Total";
	cli_table_init(&t, a, r->n_la + 2, head);
	if (r->n_clusters)
		qsort(r->clusters, r->n_clusters, sizeof *r->clusters, cli_cluster_order);
	for (size_t i = 0; i < r->n_clusters; i++) {
		const N2gg__V1__ClusterSummary *c = r->clusters[i];
		cli_summary_row(&t, c->cluster_id[0] ? c->cluster_id : "(none)", r, c->counts,
				c->n_counts, c->total);
	}
	cli_summary_row(&t, "LA", r, r->la, r->n_la, r->total);
	cli_table_print(&t, stdout);
	if (r->uncategorised)
		printf("uncategorised: %u\n", r->uncategorised);
	printf("policy %s\n", cli_or_dash(r->policy_version));
}

int cli_category_summary(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__CategorySummaryRequest req = N2GG__V1__CATEGORY_SUMMARY_REQUEST__INIT;
	N2gg__V1__CategorySummaryReply *reply;
	int rc;
	if ((rc = cli_cluster_opt(cli, args, "cluster", &req.cluster_id)) < 0 ||
	    (rc = cli_call_categoriser(cli, "CategorySummary", &req.base,
				       &n2gg__v1__category_summary_reply__descriptor,
				       (void **)&reply)) < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_summary(reply, &cli->arena);
	return 0;
}
