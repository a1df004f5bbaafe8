/* cli_registry: the registry's file imports, the comparators they bring, and its health.
 * An import sends the file's bytes whole: the registry parses and checks every row, so
 * the CLI needs no knowledge of the file formats and a file is judged the same way
 * whoever sends it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_format.h"
#include "n2gg/v1/registry.pb-c.h"
#include "pbjson.h"

#define CLI_REJECTIONS_SHOWN 20

/* Reads the whole file into the arena: in one piece when its size is known, growing for
 * a pipe or a device. */
int cli_read_file(struct cli *cli, const char *path, ProtobufCBinaryData *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cli_invalid(cli, "cannot open %s: %s", path, strerror(errno));
	struct stat sb;
	size_t cap = 1 << 16, len = 0;
	if (fstat(fileno(f), &sb) == 0 && sb.st_size >= (off_t)cap)
		cap = (size_t)sb.st_size + 1;
	uint8_t *data = arena_alloc(&cli->arena, cap);
	size_t n;
	while ((n = fread(data + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *grown = arena_alloc(&cli->arena, cap * 2);
			memcpy(grown, data, len);
			data = grown;
			cap *= 2;
		}
	}
	int failed = ferror(f);
	fclose(f);
	if (failed)
		return cli_invalid(cli, "cannot read %s", path);
	out->data = data;
	out->len = len;
	return 0;
}

/* What an achievement import read its file as, in words; NULL for the imports that have
 * one format only (GIAS, Ofsted, clusters, contacts), where saying so is noise. */
static const char *cli_import_format(const char *format)
{
	if (strcmp(format, "ks2") == 0)
		return "ks2 (the DfE's key stage 2 table)";
	if (strcmp(format, "ks4") == 0)
		return "ks4 (the DfE's key stage 4 table)";
	if (strcmp(format, "n2gg") == 0)
		return "n2gg (N2GG's achievement format)";
	return NULL;
}

static void cli_print_import(const N2gg__V1__ImportReply *r, bool dry_run)
{
	printf("%screated %u, updated %u, unchanged %u, rejected %u, skipped %u", dry_run ? "dry run: " : "",
	       r->created, r->updated, r->unchanged, r->rejected, r->skipped);
	if (r->first_seq)
		printf(" (events %llu..%llu)\n", (unsigned long long)r->first_seq,
		       (unsigned long long)r->last_seq);
	else
		printf(" (no events)\n");
	const char *format = cli_import_format(r->format);
	if (format)
		printf("  format: %s\n", format);
	/* only the DfE's tables have comparator rows and markers */
	if (strcmp(r->format, "ks2") == 0 || strcmp(r->format, "ks4") == 0) {
		printf("  comparators: %u row(s) of LA or England averages%s\n", r->comparators,
		       dry_run ? "" : " recorded");
		printf("  marked: %u value(s) published as a marker instead of a figure\n", r->marked);
	}
	size_t shown = r->n_rejections < CLI_REJECTIONS_SHOWN ? r->n_rejections : CLI_REJECTIONS_SHOWN;
	for (size_t i = 0; i < shown; i++)
		printf("  line %u: %s\n", r->rejections[i]->line, r->rejections[i]->reason);
	if (r->n_rejections > shown)
		printf("  ... and %zu more rejection(s) (--json lists them all)\n",
		       r->n_rejections - shown);
	if (r->n_notes)
		printf("  notes:\n");
	shown = r->n_notes < CLI_REJECTIONS_SHOWN ? r->n_notes : CLI_REJECTIONS_SHOWN;
	for (size_t i = 0; i < shown; i++)
		printf("  line %u: %s\n", r->notes[i]->line, r->notes[i]->text);
	if (r->n_notes > shown)
		printf("  ... and %zu more note(s) (--json lists them all)\n", r->n_notes - shown);
}

/* Sends FILE to `method` with the request's other fields already set. */
static int cli_import(struct cli *cli, const struct cli_args *args, const char *method,
		      N2gg__V1__ImportRequest *req)
{
	const char *path = args->operands[0];
	const char *slash = strrchr(path, '/');
	int rc = cli_read_file(cli, path, &req->data);
	if (rc < 0)
		return rc;
	req->file_name = (char *)(slash ? slash + 1 : path);
	req->dry_run = cli_opt(args, "dry-run") != NULL;
	if (cli->timeout_ms < CLI_IMPORT_TIMEOUT_MS) {
		/* The long wait gives the registry time to work through a big file. Whether it is
		 * there at all is asked first, within the timeout the user gave, so a registry
		 * that is down is reported as quickly as for any other command. */
		N2gg__V1__HealthRequest hreq = N2GG__V1__HEALTH_REQUEST__INIT;
		void *health;
		if ((rc = cli_call(cli, "Health", &hreq.base, &n2gg__v1__health_reply__descriptor,
				   &health)) < 0)
			return rc;
		cli->timeout_ms = CLI_IMPORT_TIMEOUT_MS;
	}
	N2gg__V1__ImportReply *reply;
	if ((rc = cli_call(cli, method, &req->base, &n2gg__v1__import_reply__descriptor,
			   (void **)&reply)) < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_import(reply, req->dry_run);
	if (reply->rejected) {
		fprintf(stderr, "n2gg: %s: %u row(s) rejected%s\n", req->file_name, reply->rejected,
			req->dry_run ? "" : "; the others were imported");
		return -CLI_ERR_REJECTED;
	}
	return 0;
}

int cli_import_gias(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ImportRequest req = N2GG__V1__IMPORT_REQUEST__INIT;
	const char *la = cli_opt(args, "la");
	req.la_code = 926;
	if (la) {
		int rc = cli_check_uint(cli, "--la", la, 0, 999, &req.la_code);
		if (rc < 0)
			return rc;
	}
	return cli_import(cli, args, "ImportGias", &req);
}

int cli_import_inspections(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ImportRequest req = N2GG__V1__IMPORT_REQUEST__INIT;
	return cli_import(cli, args, "ImportInspections", &req);
}

int cli_import_achievement(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ImportRequest req = N2GG__V1__IMPORT_REQUEST__INIT;
	const char *year = cli_opt(args, "year"), *la = cli_opt(args, "la");
	int rc;
	if (year && (rc = cli_check_uint(cli, "--year", year, 1990, 2100, &req.year)) < 0)
		return rc;
	/* the DfE publishes one table for all England: the rows of other LAs are skipped, as
	 * import-gias skips their schools */
	req.la_code = 926;
	if (la && (rc = cli_check_uint(cli, "--la", la, 0, 999, &req.la_code)) < 0)
		return rc;
	return cli_import(cli, args, "ImportAchievement", &req);
}

/* ---- comparators ---- */

/* A measure as the table shows it: its marker, its value, or "-" when the table had no
 * such column. */
static const char *cli_measure(struct arena *a, const N2gg__V1__Measure *m, bool percentage,
			       int decimals)
{
	if (!m)
		return NULL;
	if (m->marker[0])
		return m->marker;
	if (percentage && m->value == (double)(long long)m->value)
		return arena_printf(a, "%.0f%%", m->value);
	return arena_printf(a, "%.*f%s", decimals, m->value, percentage ? "%" : "");
}

/* `n2gg registry comparators`: the LA's and England's averages the DfE's tables gave. */
int cli_registry_comparators(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"Year", "KS", "Area", "LA", "Name", "Expected",
					   "Reading", "Writing", "Maths", "P8", "Att8", "E&M 5+"};
	N2gg__V1__ListComparatorsRequest req = N2GG__V1__LIST_COMPARATORS_REQUEST__INIT;
	N2gg__V1__ListComparatorsReply *reply;
	const char *year = cli_opt(args, "year"), *ks = cli_opt(args, "key-stage");
	struct arena *a = &cli->arena;
	uint32_t key_stage = 0;
	int rc;
	if (year && (rc = cli_check_uint(cli, "--year", year, 2000, 2100, &req.year)) < 0)
		return rc;
	if (ks && ((rc = cli_check_uint(cli, "--key-stage", ks, 2, 4, &key_stage)) < 0))
		return rc;
	if (key_stage == 3)
		return cli_invalid(cli, "--key-stage 3: the DfE's performance tables are key stage 2 "
				   "or 4");
	req.key_stage = (N2gg__V1__KeyStage)key_stage;
	if ((rc = cli_call(cli, "ListComparators", &req.base,
			   &n2gg__v1__list_comparators_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	struct cli_table t;
	cli_table_init(&t, a, sizeof head / sizeof *head, head);
	for (size_t i = 0; i < reply->n_comparators; i++) {
		const N2gg__V1__Comparator *c = reply->comparators[i];
		const N2gg__V1__Achievement *m = c->achievement;
		bool la = c->area == N2GG__V1__COMPARATOR_AREA__AREA_LA;
		const char *row[] = {
			arena_printf(a, "%u", c->year), arena_printf(a, "%d", c->key_stage),
			la ? "LA" : "England", la ? arena_printf(a, "%u", c->la_code) : NULL, c->name,
			m ? cli_measure(a, m->expected_standard, true, 1) : NULL,
			m ? cli_measure(a, m->reading_progress, false, 2) : NULL,
			m ? cli_measure(a, m->writing_progress, false, 2) : NULL,
			m ? cli_measure(a, m->maths_progress, false, 2) : NULL,
			m ? cli_measure(a, m->progress8, false, 2) : NULL,
			m ? cli_measure(a, m->attainment8, false, 1) : NULL,
			m ? cli_measure(a, m->english_maths_5_pct, true, 1) : NULL,
		};
		cli_table_row(&t, row);
	}
	if (reply->n_comparators)
		cli_table_print(&t, stdout);
	printf("%zu comparator(s)%s\n", reply->n_comparators,
	       reply->n_comparators ? ""
				    : ": they come from the DfE's tables (n2gg registry "
				      "import-achievement FILE --year Y)");
	return 0;
}

int cli_import_clusters(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ImportRequest req = N2GG__V1__IMPORT_REQUEST__INIT;
	return cli_import(cli, args, "ImportClusters", &req);
}

int cli_import_contacts(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ImportRequest req = N2GG__V1__IMPORT_REQUEST__INIT;
	return cli_import(cli, args, "ImportContacts", &req);
}

/* Waiting on a service that is down: briefly, unless --timeout-ms says otherwise, when
 * every service is asked (one down must not hold up the report on the others). */
#define CLI_HEALTH_TIMEOUT_MS 2000

static void cli_print_health(const N2gg__V1__HealthReply *h)
{
	char since[CLI_TIME_LEN];
	long long now = date_now_ms();
	long long up = (now - h->started_unix_ms) / 1000;
	if (up < 0)
		up = 0;
	printf("service   %s\nversion   %s\nhead_seq  %llu\n", h->service, h->version,
	       (unsigned long long)h->head_seq);
	printf("uptime    %lldd %02lldh %02lldm %02llds (since %s)\n", up / 86400, up / 3600 % 24,
	       up / 60 % 60, up % 60, cli_time(h->started_unix_ms, since));
	/* a service from before readiness was reported says neither ready nor why not */
	if (h->ready || h->n_not_ready)
		printf("ready     %s\n", h->ready ? "yes" : "no");
	for (size_t i = 0; i < h->n_not_ready; i++)
		printf("not ready %s\n", h->not_ready[i]);
	for (size_t i = 0; i < h->n_upstreams; i++) {
		const N2gg__V1__UpstreamStatus *u = h->upstreams[i];
		if (!u->following) {
			printf("upstream  %-12s not followed yet\n", u->source);
			continue;
		}
		unsigned long long lag = u->known_head > u->cursor ? u->known_head - u->cursor : 0;
		printf("upstream  %-12s cursor %llu  head %llu  lag %llu  ", u->source,
		       (unsigned long long)u->cursor, (unsigned long long)u->known_head, lag);
		if (u->last_heard_unix_ms)
			printf("heard %.1f s ago  ", (double)(now - u->last_heard_unix_ms) / 1000.0);
		else
			printf("never heard from  ");
		printf("%s\n", u->halted[0] ? "halted" : u->connected ? "connected" : "disconnected");
		if (u->halted[0])
			printf("          %s\n", u->halted);
	}
}

/* `n2gg health`: every service's Health (or the one --source names), with its readiness and
 * how far it has followed each service upstream of it. Exit 0 when every service asked
 * answered; a service that did not is reported and the exit is UNAVAILABLE's. */
int cli_health(struct cli *cli, const struct cli_args *args)
{
	const char *source = cli_opt(args, "source");
	enum cli_service one;
	int rc;
	if (source && (rc = cli_check_source(cli, source, &one)) < 0)
		return rc;
	N2gg__V1__HealthRequest req = N2GG__V1__HEALTH_REQUEST__INIT;
	N2gg__V1__HealthReply *reply;
	if (source) {
		rc = cli_call_service(cli, one, "Health", &req.base, &n2gg__v1__health_reply__descriptor,
				      (void **)&reply);
		if (rc < 0)
			return rc;
		if (cli->json)
			cli_print_message_json(&reply->base);
		else
			cli_print_health(reply);
		return 0;
	}
	if (!cli->timeout_given) {
		cli->timeout_ms = CLI_HEALTH_TIMEOUT_MS;
		cli->retries = 0;
	}
	/* this client's own key is not a service's trouble: said once, before asking any */
	const struct curve *curve;
	if ((rc = cli_security(cli, &curve)) < 0)
		return rc;
	json_t *all = cli->json ? json_array() : NULL;
	int failed = 0, first_rc = 0;
	enum cli_service first_failed = CLI_REGISTRY;
	struct status first_st;
	status_clear(&first_st);
	for (int i = 0; i < CLI_SERVICE_COUNT; i++) {
		enum cli_service svc = (enum cli_service)i;
		rc = cli_call_service(cli, svc, "Health", &req.base, &n2gg__v1__health_reply__descriptor,
				      (void **)&reply);
		if (rc < 0) {
			if (!failed++) {
				first_rc = rc;
				first_failed = svc;
				first_st = cli->st;
			}
			if (all)
				json_array_append_new(all, json_pack("{s:s, s:s, s:s}", "service",
								     cli_service_name(svc), "code",
								     status_code_name((enum status_code)-rc),
								     "error", cli->st.message));
			else
				printf("%sservice   %s\nerror     %s: %s\n", i ? "\n" : "",
				       cli_service_name(svc), status_code_name((enum status_code)-rc),
				       cli->st.message);
			continue;
		}
		if (all) {
			json_array_append_new(all, pbjson_message(&reply->base));
		} else {
			printf("%s", i ? "\n" : "");
			cli_print_health(reply);
		}
	}
	if (all)
		cli_print_json(all, 0);
	if (!failed)
		return 0;
	/* the report above names each; the exit status and the message are the first's */
	cli->called = first_failed;
	cli->st = first_st;
	return first_rc;
}
