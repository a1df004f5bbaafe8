/* cli_policy: the `policy` commands. `check` reads a policy file with the categoriser's
 * own parser (policy_yaml.h) first, so a broken file is reported line by line with no
 * service running; a sound file is then tried on every school by the categoriser, when it
 * is there. `reload` and `show` ask the categoriser about the policy in force. Problems go
 * to stderr as "FILE:LINE: error: MESSAGE", the way compilers write them. */
#include <string.h>

#include "cli.h"
#include "cli_format.h"
#include "policy_yaml.h"

/* How long `policy check` waits for the categoriser, whose opinion is optional there. */
#define CLI_POLICY_CHECK_TIMEOUT_MS 2000

/* "FILE:LINE: error: MESSAGE" for each problem (only the errors when errors_only). */
static void cli_print_problems(N2gg__V1__PolicyProblem **problems, size_t n, bool errors_only)
{
	for (size_t i = 0; i < n; i++) {
		const N2gg__V1__PolicyProblem *p = problems[i];
		if (errors_only && p->warning)
			continue;
		if (p->line)
			fprintf(stderr, "%s:%u: %s: %s\n", p->file, p->line,
				p->warning ? "warning" : "error", p->message);
		else
			fprintf(stderr, "%s: %s: %s\n", p->file, p->warning ? "warning" : "error",
				p->message);
	}
}

/* Parses the policy here, into a PolicyReply shaped as the categoriser's would be (but
 * without trying it on any school): for --json, and for printing its problems. */
static N2gg__V1__PolicyReply *cli_policy_parse(const char *path, const ProtobufCBinaryData *text,
					       struct arena *a)
{
	N2gg__V1__PolicyReply *r = arena_message(a, &n2gg__v1__policy_reply__descriptor);
	struct policy p;
	struct policy_report report = {.count = 0};
	policy_init(&p);
	r->ok = policy_yaml_parse(&p, (const char *)text->data, text->len, &report) == 0;
	r->name = arena_strdup(a, p.name ? p.name : "");
	r->version = arena_strdup(a, p.version ? p.version : "");
	policy_free(&p);
	r->problems = arena_alloc(a, sizeof *r->problems * (size_t)(report.count + 1));
	for (int i = 0; i < report.count; i++) {
		N2gg__V1__PolicyProblem *pp = arena_message(a, &n2gg__v1__policy_problem__descriptor);
		pp->file = (char *)path;
		pp->line = (uint32_t)report.problems[i].line;
		pp->message = arena_strdup(a, report.problems[i].message);
		pp->warning = report.problems[i].warning;
		r->problems[r->n_problems++] = pp;
	}
	return r;
}

/* CheckPolicy, briefly unless --timeout-ms says otherwise: the file's own check is done. */
static int cli_policy_try(struct cli *cli, const char *path, const ProtobufCBinaryData *text,
			  N2gg__V1__PolicyReply **reply)
{
	N2gg__V1__CheckPolicyRequest req = N2GG__V1__CHECK_POLICY_REQUEST__INIT;
	req.text = *text;
	req.file_name = (char *)path;
	if (!cli->timeout_given) {
		cli->timeout_ms = CLI_POLICY_CHECK_TIMEOUT_MS;
		cli->retries = 0;
	}
	return cli_call_categoriser(cli, "CheckPolicy", &req.base,
				    &n2gg__v1__policy_reply__descriptor, (void **)reply);
}

static void cli_print_trial(const N2gg__V1__PolicyReply *r)
{
	printf("tried on %u schools: %u would change category\n", r->schools_evaluated,
	       r->schools_changed);
	printf("categories:");
	for (size_t i = 0; i < r->n_counts; i++)
		printf("%s %s %u", i ? "," : "", r->counts[i]->category, r->counts[i]->schools);
	printf("\n");
	for (size_t i = 0; i < r->n_unmatched_urns; i++)
		printf("school %u matches no rule\n", r->unmatched_urns[i]);
}

/* The categoriser's verdict on a file that parsed here. */
static int cli_policy_verdict(struct cli *cli, const char *path, const N2gg__V1__PolicyReply *r)
{
	if (cli->json)
		cli_print_message_json(&r->base);
	else
		cli_print_trial(r);
	if (r->ok)
		return 0;
	if (!cli->json)   /* its warnings were printed already, from the check here */
		cli_print_problems(r->problems, r->n_problems, true);
	return cli_invalid(cli, "%s: the categoriser would refuse this policy", path);
}

int cli_policy_check(struct cli *cli, const struct cli_args *args)
{
	const char *path = args->operands[0];
	ProtobufCBinaryData text;
	N2gg__V1__PolicyReply *local, *reply;
	int rc = cli_read_file(cli, path, &text);
	if (rc < 0)
		return rc;
	local = cli_policy_parse(path, &text, &cli->arena);
	cli_print_problems(local->problems, local->n_problems, false);
	if (!local->ok) {
		if (cli->json)
			cli_print_message_json(&local->base);
		return cli_invalid(cli, "%s: the policy has errors (listed above); it was not sent to "
					"the categoriser",
				   path);
	}
	if (!cli->json)
		printf("%s: policy %s %s reads without errors\n", path, local->name, local->version);
	rc = cli_policy_try(cli, path, &text, &reply);
	if (rc == -STATUS_UNAVAILABLE || rc == -STATUS_DEADLINE_EXCEEDED) {
		fprintf(stderr, "categoriser not reachable at %s: the file was checked on its own\n",
			cli->categoriser_api);
		if (cli->json)
			cli_print_message_json(&local->base);
		return 0;
	}
	return rc < 0 ? rc : cli_policy_verdict(cli, path, reply);
}

int cli_policy_reload(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ReloadPolicyRequest req = N2GG__V1__RELOAD_POLICY_REQUEST__INIT;
	N2gg__V1__PolicyReply *reply;
	(void)args;
	/* a refusal is an error status whose message names the problems */
	int rc = cli_call_categoriser(cli, "ReloadPolicy", &req.base,
				      &n2gg__v1__policy_reply__descriptor, (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	printf("policy %s %s in force: %u schools decided again, %u changed category\n",
	       reply->name, reply->version, reply->schools_evaluated, reply->schools_changed);
	cli_print_problems(reply->problems, reply->n_problems, false);
	return 0;
}

int cli_policy_show(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__GetPolicyRequest req = N2GG__V1__GET_POLICY_REQUEST__INIT;
	N2gg__V1__GetPolicyReply *reply;
	char at[CLI_TIME_LEN];
	int rc = cli_call_categoriser(cli, "GetPolicy", &req.base,
				      &n2gg__v1__get_policy_reply__descriptor, (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	cli_print_field("Policy", "%s", reply->name);
	cli_print_field("Version", "%s", reply->version);
	cli_print_field("File", "%s", cli_or_dash(reply->file));
	cli_print_field("Loaded at", "%s", cli_time(reply->loaded_unix_ms, at));
	if (cli_opt(args, "text") && reply->text.len) {
		putchar('\n');
		fwrite(reply->text.data, 1, reply->text.len, stdout);
		if (reply->text.data[reply->text.len - 1] != '\n')
			putchar('\n');
	}
	return 0;
}
