/* cli_format: how the n2gg command shows things: aligned tables, times, one-line event
 * summaries, the readable block of `school show`, and --json output. Everything it builds
 * lives in the arena it is given. */
#ifndef N2GG_CLI_FORMAT_H
#define N2GG_CLI_FORMAT_H

#include <jansson.h>
#include <stdio.h>

#include "arena.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "n2gg/v1/notifier.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"
#include "n2gg/v1/scheduler.pb-c.h"

#define CLI_TIME_LEN 24   /* "2026-11-22T10:00:00Z" and its terminator */
#define CLI_DASH "\xe2\x80\x94"   /* an em dash, UTF-8 */

/* A table printed once every row is known, so columns fit their widest cell. Cells wider
 * than CLI_CELL_MAX are cut, except in the last column, which is never padded. */
#define CLI_CELL_MAX 48

struct cli_table {
	struct arena *arena;
	size_t cols, rows, cap;
	const char **cells;    /* row-major; row 0 holds the headers */
	int indent;            /* spaces before each row */
};

void cli_table_init(struct cli_table *t, struct arena *a, size_t cols, const char *const *headers);
/* Adds a row of t->cols strings (copied); NULL prints as "-". */
void cli_table_row(struct cli_table *t, const char *const *cells);
void cli_table_print(const struct cli_table *t, FILE *out);

/* "2026-11-22T10:00:00Z" (UTC), or "-" for 0. */
char *cli_time(long long unix_ms, char out[CLI_TIME_LEN]);
/* `s`, or "-" when empty. */
const char *cli_or_dash(const char *s);

/* The RegistryEvent in an event's payload, or NULL when it is not one. */
N2gg__V1__RegistryEvent *cli_event_decode(const N2gg__V1__Event *ev, struct arena *a);
/* An event's payload decoded as its topic says: a RegistryEvent for registry.*, for
 * category.* the message categoriser.proto names (CategoryChanged, OverrideChanged,
 * MonitoringOverdue, PolicyLoaded), for the scheduler's topics the one
 * scheduler.proto names (AllocationChanged for allocation.changed, VisitReportEvent for
 * visit.reported, VisitEvent for the other visit.*, ClusterChoiceEvent for
 * cluster.choice_recorded), and for the notifier's the one notifier.proto names (NoticeCreated,
 * MiResponded, MiEvent for the other notice.mi.*, DeliveryEvent for the other notice.*).
 * NULL for an unknown topic or undecodable bytes. */
ProtobufCMessage *cli_event_payload(const N2gg__V1__Event *ev, struct arena *a);
/* "urn=123456 name=\"...\" changed=name,status" for an event's payload; for
 * category.changed "urn=... name=\"...\" change=\"C -> A\" cause=\"...\""; for
 * allocation.changed "urn=... name=\"...\" role=sip change=\"P001 -> P005\" days=5
 * cause=\"...\"" (cluster=... for a CEP); for visit.* "urn=... name=\"...\" partner=P001
 * date=2013-11-20 kind=monitoring half_term=2 cause=\"...\""; for visit.reported
 * "urn=... name=\"...\" visit=ID held=yes date=2013-11-21 progress=good version=1"; for
 * cluster.choice_recorded "cluster=C926-01 choice=A nominee=P058". */
const char *cli_event_summary(const N2gg__V1__Event *ev, struct arena *a);
/* The notifier's words: a notice kind as notice.h names it ("category_letter"), a
 * recipient role ("headteacher", "chair", "cluster-chair"), a delivery state ("pending",
 * "sent", "dead", "held", "in-digest", "no-address"), an MI sheet type ("information",
 * "action"); "unknown" for a value they do not know. */
const char *cli_notice_kind_name(N2gg__V1__NoticeKind kind);
const char *cli_recipient_role_name(N2gg__V1__RecipientRole role);
const char *cli_delivery_state_name(N2gg__V1__DeliveryState state);
const char *cli_mi_type_name(N2gg__V1__MiType type);
/* "seq=12 time=2026-11-22T10:00:00Z topic=registry.school.changed actor=alice urn=..." */
const char *cli_event_line(const N2gg__V1__Event *ev, struct arena *a);
/* The event as JSON, its payload decoded (left as base64 when cli_event_payload cannot). */
json_t *cli_event_json(const N2gg__V1__Event *ev, struct arena *a);

/* Prints a JSON value on stdout and drops the reference: indented, or one line. */
void cli_print_json(json_t *value, int one_line);
void cli_print_message_json(const ProtobufCMessage *msg);

/* "  Label                  value" */
void cli_print_field(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_print_school(const N2gg__V1__GetSchoolReply *reply, const char *as_of, struct arena *a);
void cli_print_flags(const N2gg__V1__LaFlags *flags, struct arena *a);
void cli_print_cluster(const N2gg__V1__Cluster *c, struct arena *a);
/* "open", "closed" */
const char *cli_cluster_status(N2gg__V1__ClusterStatus status);
/* The list table: URN | LAESTAB | Name | Phase | Status | Cluster. */
void cli_print_school_table(N2gg__V1__School **schools, size_t n, struct arena *a);

#endif
