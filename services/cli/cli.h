/* cli: what the parts of the n2gg command share: the global settings, the connections to
 * the services (registry, categoriser, scheduler, notifier), the table that describes each command's operands
 * and options (one parser reads them all), checks of argument values, clusters found by
 * name, and the command handlers. */
#ifndef N2GG_CLI_H
#define N2GG_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "client.h"
#include "curve.h"
#include "date.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "n2gg/v1/notifier.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"
#include "n2gg/v1/scheduler.pb-c.h"
#include "status.h"

/* Failures of the command line itself, returned negated like status codes. */
enum cli_error {
	CLI_ERR_USAGE = 100,     /* exit 2: the command line is wrong; its usage is printed */
	CLI_ERR_REJECTED = 101,  /* exit 7: an import refused some rows and took the others */
};

#define CLI_MAX_OPERANDS 2
#define CLI_MAX_OPTIONS 20   /* the most any command has (partner add: 19) */
#define CLI_IMPORT_TIMEOUT_MS 120000

struct cli_option {
	const char *name;      /* without the leading "--" */
	const char *value;     /* the value's placeholder, "DATE"; NULL for a flag; "ROLE..."
				* for an option that may be repeated (its values, comma separated) */
	bool required;
	const char *help;
};

struct cli;
struct cli_args;
typedef int (*cli_run_fn)(struct cli *cli, const struct cli_args *args);

struct cli_command {
	const char *group;                 /* "school"; NULL for a one-word command */
	const char *name;
	const char *operands;              /* placeholders, space separated: "URN CLUSTER" */
	const struct cli_option *options;  /* ends with {NULL}; NULL when none */
	const char *summary;
	cli_run_fn run;
};

struct cli_args {
	const struct cli_command *cmd;
	const char *operands[CLI_MAX_OPERANDS];
	const char *values[CLI_MAX_OPTIONS];  /* by option index: NULL not given, "" a flag given */
};

/* The services the CLI talks to: one connection each, opened on its first call. */
enum cli_service { CLI_REGISTRY, CLI_CATEGORISER, CLI_SCHEDULER, CLI_NOTIFIER, CLI_SERVICE_COUNT };

struct cli {
	const char *registry_api;
	const char *registry_events;
	const char *categoriser_api;
	const char *categoriser_events;
	const char *scheduler_api;
	const char *scheduler_events;
	const char *notifier_api;
	const char *notifier_events;
	int timeout_ms;
	int retries;
	bool timeout_given;        /* --timeout-ms was given: optional calls wait that long too */
	const char *actor;
	const char *key_path;      /* this user's secret certificate (--key / N2GG_KEY) */
	const char *keys_dir;      /* the services' public certificates (--keys / N2GG_KEYS) */
	bool plaintext;            /* --insecure-plaintext: services run without CURVE */
	struct curve curve;
	bool curve_loaded;
	bool json;
	void *zctx;
	struct client clients[CLI_SERVICE_COUNT];
	bool connected[CLI_SERVICE_COUNT];
	enum cli_service called;   /* the service of the last call: named when it fails */
	N2gg__V1__ListClustersReply *clusters;   /* the registry's, once asked for (cli_lookup.c) */
	struct arena arena;
	struct status st;
};

void cli_init(struct cli *cli);
void cli_free(struct cli *cli);
void *cli_zctx(struct cli *cli);

/* "registry", "categoriser", "scheduler", "notifier"; and a service's API and events endpoints as
 * configured. */
const char *cli_service_name(enum cli_service service);
const char *cli_service_api(const struct cli *cli, enum cli_service service);
const char *cli_service_events(const struct cli *cli, enum cli_service service);

/* The CURVE identity, loaded on first use; <0 with cli->st saying what to do. */
int cli_security(struct cli *cli, const struct curve **out);

/* Calls a method of `service` (see client_call) with the current --timeout-ms and
 * --retries; the reply lives in cli->arena. */
int cli_call_service(struct cli *cli, enum cli_service service, const char *method,
		     const ProtobufCMessage *req, const ProtobufCMessageDescriptor *reply_type,
		     void **reply);
/* Calls a registry method / a categoriser method / a scheduler method / a notifier
 * method. */
int cli_call(struct cli *cli, const char *method, const ProtobufCMessage *req,
	     const ProtobufCMessageDescriptor *reply_type, void **reply);
int cli_call_categoriser(struct cli *cli, const char *method, const ProtobufCMessage *req,
			 const ProtobufCMessageDescriptor *reply_type, void **reply);
int cli_call_scheduler(struct cli *cli, const char *method, const ProtobufCMessage *req,
		       const ProtobufCMessageDescriptor *reply_type, void **reply);
int cli_call_notifier(struct cli *cli, const char *method, const ProtobufCMessage *req,
		      const ProtobufCMessageDescriptor *reply_type, void **reply);

/* Reads a whole file into the arena; -STATUS_INVALID_ARGUMENT naming it when it cannot. */
int cli_read_file(struct cli *cli, const char *path, ProtobufCBinaryData *out);

/* Set cli->st and return the negated error, for `return cli_usage_error(...)`. */
int cli_usage_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_invalid(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads the command's operands and options (and --json, anywhere). Returns 0, 1 when
 * --help was asked for and answered, or -CLI_ERR_USAGE. */
int cli_args_parse(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
		   struct cli_args *out);
/* An option's value: NULL when not given, "" for a flag given. */
const char *cli_opt(const struct cli_args *args, const char *name);

void cli_print_usage(const struct cli_command *cmd, FILE *out);
void cli_print_command_help(const struct cli_command *cmd, FILE *out);

/* Value checks: 0, or -STATUS_INVALID_ARGUMENT saying what is wrong with `text`.
 * `what` names the argument in the message ("--date"). */
int cli_check_urn(struct cli *cli, const char *text, uint32_t *urn);
int cli_check_date(struct cli *cli, const char *what, const char *text, char iso[DATE_ISO_LEN]);
int cli_check_yes_no(struct cli *cli, const char *what, const char *text, bool *out);
int cli_check_uint(struct cli *cli, const char *what, const char *text, uint32_t min,
		   uint32_t max, uint32_t *out);
int cli_check_pct(struct cli *cli, const char *what, const char *text, double *out);
/* A service's name (--source): registry, categoriser, scheduler or notifier. */
int cli_check_source(struct cli *cli, const char *text, enum cli_service *source);

/* Names for ids (cli_lookup.c). */
/* A cluster given by its id, or by its name or a part of it only that cluster's name has
 * (any case), as the registry lists them: its id into *id (the text itself when the key
 * may not list clusters). Several clusters match: INVALID_ARGUMENT naming them; none:
 * NOT_FOUND. `what` names the argument in the message ("--cluster"). */
int cli_cluster_id(struct cli *cli, const char *what, const char *text, char **id);
/* An option naming a cluster, as cli_cluster_id: "" when it was not given. */
int cli_cluster_opt(struct cli *cli, const struct cli_args *args, const char *name, char **id);
/* A school's URN (six digits) or else a cluster, as cli_cluster_id. */
int cli_check_target(struct cli *cli, const char *text, uint32_t *urn, char **cluster_id);

/* Shared by the scheduler's and the notifier's commands (cli_scheduler.c). */
/* "a, b;c": the trimmed, non-empty items (',' or ';' between them). */
char **cli_split(struct arena *a, const char *text, size_t *n);
/* The same with other separators: ";" for items that are sentences, commas and all. */
char **cli_split_on(struct arena *a, const char *text, const char *separators, size_t *n);
/* Phase names as the scheduler writes them ("primary", "middle_deemed_primary"; '-' for
 * '_' and any case accepted), comma separated, into an array in the arena. */
int cli_check_phases(struct cli *cli, const char *what, const char *text, N2gg__V1__Phase **out,
		     size_t *n);
/* "primary, secondary", or "-" for none. */
const char *cli_phases_text(const N2gg__V1__Phase *phases, size_t n, struct arena *a);
/* The option's value, or "" when it was not given. */
char *cli_text_opt(const struct cli_args *args, const char *name);

/* ---- commands (cli_registry.c, cli_school.c, cli_cluster.c, cli_cluster_choice.c,
 * cli_events.c, cli_category.c, cli_policy.c, cli_scheduler.c, cli_visit_reports.c,
 * cli_notifier.c) ---- */

int cli_import_gias(struct cli *cli, const struct cli_args *args);
int cli_import_inspections(struct cli *cli, const struct cli_args *args);
int cli_import_achievement(struct cli *cli, const struct cli_args *args);
int cli_registry_comparators(struct cli *cli, const struct cli_args *args);
int cli_import_clusters(struct cli *cli, const struct cli_args *args);
int cli_import_contacts(struct cli *cli, const struct cli_args *args);
int cli_health(struct cli *cli, const struct cli_args *args);

/* GetSchool, its reply holding the school; as_of may be NULL. */
int cli_school_get(struct cli *cli, uint32_t urn, const char *as_of,
		   N2gg__V1__GetSchoolReply **reply);
int cli_school_show(struct cli *cli, const struct cli_args *args);
int cli_school_list(struct cli *cli, const struct cli_args *args);
int cli_school_history(struct cli *cli, const struct cli_args *args);
int cli_school_set_flags(struct cli *cli, const struct cli_args *args);
int cli_school_record_inspection(struct cli *cli, const struct cli_args *args);
int cli_school_record_progress(struct cli *cli, const struct cli_args *args);

int cli_cluster_create(struct cli *cli, const struct cli_args *args);
int cli_cluster_rename(struct cli *cli, const struct cli_args *args);
int cli_cluster_close(struct cli *cli, const struct cli_args *args);
int cli_cluster_set_chair(struct cli *cli, const struct cli_args *args);
int cli_cluster_move(struct cli *cli, const struct cli_args *args);
int cli_cluster_merge(struct cli *cli, const struct cli_args *args);
int cli_cluster_show(struct cli *cli, const struct cli_args *args);
int cli_cluster_list(struct cli *cli, const struct cli_args *args);
int cli_cluster_choice(struct cli *cli, const struct cli_args *args);
int cli_cluster_choices(struct cli *cli, const struct cli_args *args);
int cli_group_create(struct cli *cli, const struct cli_args *args);
int cli_group_add(struct cli *cli, const struct cli_args *args);
int cli_group_remove(struct cli *cli, const struct cli_args *args);
int cli_group_show(struct cli *cli, const struct cli_args *args);

int cli_events_tail(struct cli *cli, const struct cli_args *args);

int cli_keys_generate(struct cli *cli, const struct cli_args *args);
int cli_keys_list(struct cli *cli, const struct cli_args *args);

int cli_category_show(struct cli *cli, const struct cli_args *args);
int cli_category_explain(struct cli *cli, const struct cli_args *args);
int cli_category_list(struct cli *cli, const struct cli_args *args);
int cli_category_override(struct cli *cli, const struct cli_args *args);
int cli_category_clear_override(struct cli *cli, const struct cli_args *args);
int cli_category_history(struct cli *cli, const struct cli_args *args);
int cli_category_summary(struct cli *cli, const struct cli_args *args);

int cli_policy_check(struct cli *cli, const struct cli_args *args);
int cli_policy_reload(struct cli *cli, const struct cli_args *args);
int cli_policy_show(struct cli *cli, const struct cli_args *args);

int cli_partner_import(struct cli *cli, const struct cli_args *args);
int cli_partner_add(struct cli *cli, const struct cli_args *args);
int cli_partner_show(struct cli *cli, const struct cli_args *args);
int cli_partner_list(struct cli *cli, const struct cli_args *args);
int cli_partner_remove(struct cli *cli, const struct cli_args *args);
int cli_partner_calendar(struct cli *cli, const struct cli_args *args);
int cli_partner_capacity(struct cli *cli, const struct cli_args *args);
int cli_allocation_run(struct cli *cli, const struct cli_args *args);
int cli_allocation_show(struct cli *cli, const struct cli_args *args);
int cli_allocation_list(struct cli *cli, const struct cli_args *args);
int cli_allocation_pin(struct cli *cli, const struct cli_args *args);
int cli_allocation_unpin(struct cli *cli, const struct cli_args *args);
int cli_allocation_explain(struct cli *cli, const struct cli_args *args);
int cli_visits_list(struct cli *cli, const struct cli_args *args);
int cli_visits_report(struct cli *cli, const struct cli_args *args);
int cli_visits_show(struct cli *cli, const struct cli_args *args);
int cli_visits_reports(struct cli *cli, const struct cli_args *args);
int cli_visits_overdue(struct cli *cli, const struct cli_args *args);
int cli_budget(struct cli *cli, const struct cli_args *args);

int cli_mi_publish(struct cli *cli, const struct cli_args *args);
int cli_mi_list(struct cli *cli, const struct cli_args *args);
int cli_mi_show(struct cli *cli, const struct cli_args *args);
int cli_mi_respond(struct cli *cli, const struct cli_args *args);
int cli_mi_status(struct cli *cli, const struct cli_args *args);
int cli_mi_answers(struct cli *cli, const struct cli_args *args);
int cli_mi_withdraw(struct cli *cli, const struct cli_args *args);
int cli_mi_correct(struct cli *cli, const struct cli_args *args);
int cli_notices_list(struct cli *cli, const struct cli_args *args);
int cli_notices_log(struct cli *cli, const struct cli_args *args);
int cli_notices_dead(struct cli *cli, const struct cli_args *args);
int cli_notices_unsent(struct cli *cli, const struct cli_args *args);
int cli_notices_pending(struct cli *cli, const struct cli_args *args);
int cli_notices_show(struct cli *cli, const struct cli_args *args);
int cli_notices_cancel(struct cli *cli, const struct cli_args *args);
int cli_notices_retry(struct cli *cli, const struct cli_args *args);
int cli_notices_recipients(struct cli *cli, const struct cli_args *args);
int cli_notices_prefs(struct cli *cli, const struct cli_args *args);
int cli_notices_digest(struct cli *cli, const struct cli_args *args);
int cli_templates_check(struct cli *cli, const struct cli_args *args);

#endif
