/* cli_format: tables, event summaries and the school block (see cli_format.h). */
#include "cli_format.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "notice.h"
#include "pbjson.h"
#include "school.h"
#include "visit_report.h"

/* ---- tables ---- */

void cli_table_init(struct cli_table *t, struct arena *a, size_t cols, const char *const *headers)
{
	*t = (struct cli_table){.arena = a, .cols = cols};
	cli_table_row(t, headers);
}

void cli_table_row(struct cli_table *t, const char *const *cells)
{
	if (t->rows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		const char **grown = arena_alloc(t->arena, cap * t->cols * sizeof *grown);
		if (t->rows)
			memcpy(grown, t->cells, t->rows * t->cols * sizeof *grown);
		t->cells = grown;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->cols; c++)
		t->cells[t->rows * t->cols + c] = arena_strdup(t->arena, cli_or_dash(cells[c]));
	t->rows++;
}

/* Widths count UTF-8 code points, near enough to columns for names with accents. */
static size_t cli_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* How many bytes of `s` hold its first `width` code points. */
static size_t cli_fit(const char *s, size_t width)
{
	size_t n = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == width)
			break;
	}
	return i;
}

static void cli_table_cell(const char *cell, size_t width, bool last, FILE *out)
{
	size_t w = cli_width(cell);
	if (last) {
		fputs(cell, out);
	} else if (w > width) {
		fprintf(out, "%.*s~  ", (int)cli_fit(cell, width - 1), cell);
	} else {
		fprintf(out, "%s%*s  ", cell, (int)(width - w), "");
	}
}

void cli_table_print(const struct cli_table *t, FILE *out)
{
	size_t *widths = arena_zalloc(t->arena, t->cols * sizeof *widths);
	for (size_t r = 0; r < t->rows; r++)
		for (size_t c = 0; c < t->cols; c++) {
			size_t w = cli_width(t->cells[r * t->cols + c]);
			if (w > widths[c])
				widths[c] = w > CLI_CELL_MAX ? CLI_CELL_MAX : w;
		}
	for (size_t r = 0; r < t->rows; r++) {
		fprintf(out, "%*s", t->indent, "");
		for (size_t c = 0; c < t->cols; c++)
			cli_table_cell(t->cells[r * t->cols + c], widths[c], c + 1 == t->cols, out);
		fputc('\n', out);
	}
}

char *cli_time(long long unix_ms, char out[CLI_TIME_LEN])
{
	if (!unix_ms) {
		strcpy(out, "-");
		return out;
	}
	time_t secs = (time_t)(unix_ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(out, CLI_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

const char *cli_or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

/* ---- event summaries ---- */

/* A line being built; text that does not fit is cut, as a summary may be. */
struct cli_text {
	char s[2048];
	size_t len;
};

static void cli_text_add(struct cli_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cli_text_add(struct cli_text *t, const char *fmt, ...)
{
	if (t->len >= sizeof t->s - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->s + t->len, sizeof t->s - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < sizeof t->s - t->len ? (size_t)n : sizeof t->s - t->len - 1;
}

/* ` key="value"` with quotes and backslashes escaped, so the line stays one logfmt record. */
static void cli_text_quoted(struct cli_text *t, const char *key, const char *value)
{
	cli_text_add(t, " %s=\"", key);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '"' || *p == '\\')
			cli_text_add(t, "\\%c", *p);
		else if (*p == '\n')
			cli_text_add(t, "\\n");
		else
			cli_text_add(t, "%c", *p);
	}
	cli_text_add(t, "\"");
}

static void cli_text_school(struct cli_text *t, uint32_t urn, const N2gg__V1__School *s)
{
	cli_text_add(t, " urn=%u", urn ? urn : s ? s->urn : 0);
	if (s)
		cli_text_quoted(t, "name", s->name);
}

static void cli_text_list(struct cli_text *t, const char *key, char **items, size_t n)
{
	if (!n)
		return;
	cli_text_add(t, " %s=", key);
	for (size_t i = 0; i < n; i++)
		cli_text_add(t, "%s%s", i ? "," : "", items[i]);
}

static void cli_sum_cluster(struct cli_text *t, const N2gg__V1__ClusterEvent *e)
{
	if (e->cluster) {
		cli_text_add(t, " cluster=%s", e->cluster->id);
		cli_text_quoted(t, "name", e->cluster->name);
	}
	cli_text_add(t, " change=%s", e->change);
	if (e->previous_name[0])
		cli_text_quoted(t, "previous_name", e->previous_name);
	if (e->merged_from[0])
		cli_text_add(t, " merged_from=%s", e->merged_from);
}

static void cli_sum_membership(struct cli_text *t, const N2gg__V1__MembershipEvent *e)
{
	cli_text_school(t, e->urn, e->school);
	cli_text_add(t, " from=%s to=%s date=%s", cli_or_dash(e->from_cluster), e->to_cluster,
		     e->effective_date);
	if (e->reason[0])
		cli_text_quoted(t, "reason", e->reason);
}

static void cli_sum_inspection(struct cli_text *t, const N2gg__V1__InspectionEvent *e)
{
	cli_text_school(t, e->urn, e->school);
	if (!e->inspection)
		return;
	cli_text_add(t, " date=%s grade=%u", e->inspection->start_date,
		     e->inspection->overall_effectiveness);
	cli_text_quoted(t, "grade_name", school_grade_name(e->inspection->overall_effectiveness));
	if (e->inspection->category_of_concern)
		cli_text_quoted(t, "concern", school_concern_name(e->inspection->category_of_concern));
}

static void cli_sum_achievement(struct cli_text *t, const N2gg__V1__AchievementEvent *e)
{
	cli_text_school(t, e->urn, e->school);
	if (e->achievement)
		cli_text_add(t, " year=%u expected_pct=%.1f progress=%.2f", e->achievement->year,
			     e->achievement->expected_standard_pct, e->achievement->progress);
}

static void cli_sum_progress(struct cli_text *t, const N2gg__V1__ProgressReturnEvent *e)
{
	const N2gg__V1__ProgressReturn *p = e->progress_return;
	cli_text_school(t, e->urn, e->school);
	if (p)
		cli_text_add(t, " year=%u half_term=%u on_track_pct=%.1f received=%s", p->year,
			     p->half_term, p->on_track_pct, cli_or_dash(p->received_date));
}

/* The flag fields that differ between two versions, by their SetFlags names. */
static void cli_sum_flags(struct cli_text *t, const N2gg__V1__FlagsEvent *e)
{
	static const N2gg__V1__LaFlags none = N2GG__V1__LA_FLAGS__INIT;
	const N2gg__V1__LaFlags *a = e->previous ? e->previous : &none;
	const N2gg__V1__LaFlags *b = e->flags ? e->flags : &none;
	char *changed[6];
	size_t n = 0;
	if (a->causing_concern != b->causing_concern)
		changed[n++] = "causing_concern";
	if (strcmp(a->psswn_issued_date, b->psswn_issued_date) != 0)
		changed[n++] = "psswn_issued_date";
	if (a->in_transition != b->in_transition)
		changed[n++] = "in_transition";
	if (strcmp(a->transition_reason, b->transition_reason) != 0)
		changed[n++] = "transition_reason";
	if (a->targeted_n2gg != b->targeted_n2gg)
		changed[n++] = "targeted_n2gg";
	if (a->targeted_system_leader != b->targeted_system_leader)
		changed[n++] = "targeted_system_leader";
	cli_text_school(t, e->urn, e->school);
	cli_text_list(t, "changed", changed, n);
}

static void cli_sum_group(struct cli_text *t, const N2gg__V1__GroupEvent *e)
{
	if (e->group) {
		cli_text_add(t, " group=%s", e->group->id);
		cli_text_quoted(t, "name", e->group->name);
	}
	cli_text_add(t, " change=%s", e->change);
	if (e->urn)
		cli_text_add(t, " urn=%u", e->urn);
}

N2gg__V1__RegistryEvent *cli_event_decode(const N2gg__V1__Event *ev, struct arena *a)
{
	return n2gg__v1__registry_event__unpack(&a->pb, ev->payload.len, ev->payload.data);
}

/* ---- categoriser event summaries ---- */

/* What each categoriser, scheduler and notifier topic carries (categoriser.proto,
 * scheduler.proto, notifier.proto); a name ending in '.' is a prefix, and the first match
 * wins. Registry topics all carry a RegistryEvent. */
static const struct {
	const char *topic;
	const ProtobufCMessageDescriptor *payload;
} cli_category_topics[] = {
	{"category.changed", &n2gg__v1__category_changed__descriptor},
	{"category.override.", &n2gg__v1__override_changed__descriptor},
	{"category.monitoring.overdue", &n2gg__v1__monitoring_overdue__descriptor},
	{"category.policy.loaded", &n2gg__v1__policy_loaded__descriptor},
	{"allocation.changed", &n2gg__v1__allocation_changed__descriptor},
	{"visit.reported", &n2gg__v1__visit_report_event__descriptor},
	{"visit.", &n2gg__v1__visit_event__descriptor},
	{"cluster.choice_recorded", &n2gg__v1__cluster_choice_event__descriptor},
	{"partner.changed", &n2gg__v1__partner_changed__descriptor},
	{"notice.created", &n2gg__v1__notice_created__descriptor},
	{"notice.mi.responded", &n2gg__v1__mi_responded__descriptor},
	{"notice.mi.", &n2gg__v1__mi_event__descriptor},
	{"notice.", &n2gg__v1__delivery_event__descriptor},
};

static bool cli_topic_matches(const char *topic, const char *pattern)
{
	size_t len = strlen(pattern);
	return pattern[len - 1] == '.' ? strncmp(topic, pattern, len) == 0
				       : strcmp(topic, pattern) == 0;
}

ProtobufCMessage *cli_event_payload(const N2gg__V1__Event *ev, struct arena *a)
{
	if (strncmp(ev->topic, "registry.", 9) == 0)
		return (ProtobufCMessage *)cli_event_decode(ev, a);
	for (size_t i = 0; i < sizeof cli_category_topics / sizeof *cli_category_topics; i++)
		if (cli_topic_matches(ev->topic, cli_category_topics[i].topic))
			return protobuf_c_message_unpack(cli_category_topics[i].payload, &a->pb,
							 ev->payload.len, ev->payload.data);
	return NULL;
}

static void cli_sum_category_changed(struct cli_text *t, const N2gg__V1__CategoryChanged *e)
{
	cli_text_add(t, " urn=%u", e->urn);
	cli_text_quoted(t, "name", e->school_name);
	cli_text_add(t, " change=\"%s -> %s\"", cli_or_dash(e->previous_category),
		     cli_or_dash(e->category));
	cli_text_quoted(t, "cause", e->cause);
}

static void cli_sum_override(struct cli_text *t, const N2gg__V1__OverrideChanged *e)
{
	char until[CLI_TIME_LEN];
	const N2gg__V1__Override *o = e->override;
	if (o) {
		cli_text_add(t, " urn=%u category=%s", o->urn, cli_or_dash(o->category));
		cli_text_quoted(t, "reason", o->reason);
		cli_text_add(t, " expires=%s", o->expires_unix_ms ? cli_time(o->expires_unix_ms, until)
								: "never");
	}
	if (e->reason[0])
		cli_text_quoted(t, "why_ended", e->reason);
}

static void cli_sum_overdue(struct cli_text *t, const N2gg__V1__MonitoringOverdue *e)
{
	cli_text_add(t, " urn=%u", e->urn);
	cli_text_quoted(t, "name", e->school_name);
	cli_text_add(t, " category=%s year=%u half_term=%u due=%s", cli_or_dash(e->category),
		     e->year, e->half_term, cli_or_dash(e->due_date));
}

static void cli_sum_policy_loaded(struct cli_text *t, const N2gg__V1__PolicyLoaded *e)
{
	cli_text_quoted(t, "name", e->name);
	cli_text_quoted(t, "version", e->version);
	cli_text_quoted(t, "file", e->file);
	cli_text_add(t, " evaluated=%u changed=%u", e->schools_evaluated, e->schools_changed);
}

/* ---- scheduler event summaries ---- */

/* "sip", "intervention_adviser": the names the scheduler's files and policy use. */
static const char *cli_role_word(N2gg__V1__Role role)
{
	switch (role) {
	case N2GG__V1__ROLE__ROLE_ECP: return "ecp";
	case N2GG__V1__ROLE__ROLE_CEP: return "cep";
	case N2GG__V1__ROLE__ROLE_SIP: return "sip";
	case N2GG__V1__ROLE__ROLE_INTERVENTION_ADVISER: return "intervention_adviser";
	default: return "unknown";
	}
}

static void cli_sum_allocation_changed(struct cli_text *t, const N2gg__V1__AllocationChanged *e)
{
	const N2gg__V1__Allocation *al = e->allocation;
	if (al) {
		if (al->urn) {
			cli_text_add(t, " urn=%u", al->urn);
			cli_text_quoted(t, "name", al->school_name);
		} else {
			cli_text_add(t, " cluster=%s", cli_or_dash(al->cluster_id));
		}
		cli_text_add(t, " role=%s", cli_role_word(al->role));
	}
	cli_text_add(t, " change=\"%s -> %s\"", cli_or_dash(e->previous_partner_id),
		     al ? cli_or_dash(al->partner_id) : "-");
	if (al)
		cli_text_add(t, " days=%u", al->days);
	cli_text_quoted(t, "cause", e->cause);
}

static void cli_sum_visit(struct cli_text *t, const N2gg__V1__VisitEvent *e)
{
	const N2gg__V1__Visit *v = e->visit;
	if (v) {
		cli_text_add(t, " urn=%u", v->urn);
		cli_text_quoted(t, "name", v->school_name);
		cli_text_add(t, " partner=%s date=%s kind=%s half_term=%u", cli_or_dash(v->partner_id),
			     cli_or_dash(v->date), cli_or_dash(v->kind), v->half_term);
	}
	cli_text_quoted(t, "cause", e->cause);
}

static void cli_sum_visit_report(struct cli_text *t, const N2gg__V1__VisitReportEvent *e)
{
	const N2gg__V1__VisitReport *r = e->report;
	if (!r)
		return;
	cli_text_add(t, " urn=%u", r->visit ? r->visit->urn : 0);
	cli_text_quoted(t, "name", e->school_name);
	cli_text_add(t, " visit=%s held=%s", cli_or_dash(r->visit_id), r->held ? "yes" : "no");
	if (r->held)
		cli_text_add(t, " date=%s progress=%s", cli_or_dash(r->date_held),
			     cli_or_dash(visit_progress_name(r->progress)));
	cli_text_add(t, " version=%u", r->version);
}

static void cli_sum_partner_changed(struct cli_text *t, const N2gg__V1__PartnerChanged *e)
{
	const N2gg__V1__Partner *p = e->partner;
	if (!p)
		return;
	cli_text_add(t, " partner=%s", cli_or_dash(p->id));
	cli_text_quoted(t, "name", p->name);
	cli_text_add(t, " capacity_days=%u active=%s", p->capacity_days, p->active ? "yes" : "no");
}

static void cli_sum_cluster_choice(struct cli_text *t, const N2gg__V1__ClusterChoiceEvent *e)
{
	const N2gg__V1__ClusterChoice *c = e->choice;
	if (!c)
		return;
	cli_text_add(t, " cluster=%s choice=%s", cli_or_dash(c->cluster_id),
		     c->choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_A   ? "A"
		     : c->choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_B ? "B"
								       : "-");
	if (c->nominee_partner_id[0])
		cli_text_add(t, " nominee=%s", c->nominee_partner_id);
}

/* ---- notifier names and event summaries ---- */

const char *cli_notice_kind_name(N2gg__V1__NoticeKind kind)
{
	const struct notice_kind_info *k = notice_kind(kind);
	return k ? k->name : "unknown";
}

const char *cli_recipient_role_name(N2gg__V1__RecipientRole role)
{
	switch (role) {
	case N2GG__V1__RECIPIENT_ROLE__RECIPIENT_HEADTEACHER: return "headteacher";
	case N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CHAIR_OF_GOVERNORS: return "chair";
	case N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR: return "cluster-chair";
	default: return "unknown";
	}
}

const char *cli_delivery_state_name(N2gg__V1__DeliveryState state)
{
	switch (state) {
	case N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING: return "pending";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_SENT: return "sent";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_DEAD: return "dead";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_HELD: return "held";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_IN_DIGEST: return "in-digest";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS: return "no-address";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_WITHDRAWN: return "withdrawn";
	default: return "unknown";
	}
}

const char *cli_mi_type_name(N2gg__V1__MiType type)
{
	switch (type) {
	case N2GG__V1__MI_TYPE__MI_INFORMATION: return "information";
	case N2GG__V1__MI_TYPE__MI_ACTION: return "action";
	default: return "unknown";
	}
}

static void cli_sum_notice_created(struct cli_text *t, const N2gg__V1__NoticeCreated *e)
{
	const N2gg__V1__Notice *n = e->notice;
	if (!n)
		return;
	cli_text_add(t, " notice=%s kind=%s", n->id, cli_notice_kind_name(n->kind));
	if (n->urn) {
		cli_text_add(t, " urn=%u", n->urn);
		cli_text_quoted(t, "name", n->school_name);
	} else {
		cli_text_add(t, " cluster=%s", cli_or_dash(n->cluster_id));
	}
	cli_text_add(t, " deliveries=%zu", e->n_deliveries);
	cli_text_quoted(t, "cause", n->cause);
}

static void cli_sum_delivery(struct cli_text *t, const N2gg__V1__DeliveryEvent *e)
{
	const N2gg__V1__Delivery *d = e->delivery;
	if (!d)
		return;
	cli_text_add(t, " notice=%s", d->notice_id);
	if (d->urn)
		cli_text_add(t, " urn=%u", d->urn);
	if (d->recipient)
		cli_text_add(t, " to=%s address=%s", cli_recipient_role_name(d->recipient->role),
			     cli_or_dash(d->recipient->email));
	cli_text_add(t, " channel=%s state=%s attempts=%u key=%.12s", cli_or_dash(d->channel),
		     cli_delivery_state_name(d->state), d->attempts, d->key);
	if (d->last_reply[0])
		cli_text_quoted(t, "reply", d->last_reply);
}

static void cli_sum_mi(struct cli_text *t, const N2gg__V1__MiEvent *e)
{
	const N2gg__V1__MiSheet *s = e->sheet;
	if (s) {
		cli_text_add(t, " mi=%s type=%s publication=%s", cli_or_dash(s->number),
			     cli_mi_type_name(s->type), cli_or_dash(s->publication_date));
		cli_text_quoted(t, "title", s->title);
	}
	cli_text_add(t, " schools=%u", e->schools);
}

static void cli_sum_mi_responded(struct cli_text *t, const N2gg__V1__MiResponded *e)
{
	const N2gg__V1__MiResponse *r = e->response;
	if (!r)
		return;
	cli_text_add(t, " mi=%s urn=%u", cli_or_dash(r->number), r->urn);
	cli_text_quoted(t, "name", r->school_name);
	cli_text_quoted(t, "respondent", r->respondent);
}

static void cli_payload_summary_text(struct cli_text *t, const ProtobufCMessage *m)
{
	if (m->descriptor == &n2gg__v1__notice_created__descriptor)
		cli_sum_notice_created(t, (const N2gg__V1__NoticeCreated *)m);
	else if (m->descriptor == &n2gg__v1__delivery_event__descriptor)
		cli_sum_delivery(t, (const N2gg__V1__DeliveryEvent *)m);
	else if (m->descriptor == &n2gg__v1__mi_event__descriptor)
		cli_sum_mi(t, (const N2gg__V1__MiEvent *)m);
	else if (m->descriptor == &n2gg__v1__mi_responded__descriptor)
		cli_sum_mi_responded(t, (const N2gg__V1__MiResponded *)m);
	else if (m->descriptor == &n2gg__v1__allocation_changed__descriptor)
		cli_sum_allocation_changed(t, (const N2gg__V1__AllocationChanged *)m);
	else if (m->descriptor == &n2gg__v1__visit_event__descriptor)
		cli_sum_visit(t, (const N2gg__V1__VisitEvent *)m);
	else if (m->descriptor == &n2gg__v1__visit_report_event__descriptor)
		cli_sum_visit_report(t, (const N2gg__V1__VisitReportEvent *)m);
	else if (m->descriptor == &n2gg__v1__cluster_choice_event__descriptor)
		cli_sum_cluster_choice(t, (const N2gg__V1__ClusterChoiceEvent *)m);
	else if (m->descriptor == &n2gg__v1__partner_changed__descriptor)
		cli_sum_partner_changed(t, (const N2gg__V1__PartnerChanged *)m);
	else if (m->descriptor == &n2gg__v1__category_changed__descriptor)
		cli_sum_category_changed(t, (const N2gg__V1__CategoryChanged *)m);
	else if (m->descriptor == &n2gg__v1__override_changed__descriptor)
		cli_sum_override(t, (const N2gg__V1__OverrideChanged *)m);
	else if (m->descriptor == &n2gg__v1__monitoring_overdue__descriptor)
		cli_sum_overdue(t, (const N2gg__V1__MonitoringOverdue *)m);
	else
		cli_sum_policy_loaded(t, (const N2gg__V1__PolicyLoaded *)m);
}

const char *cli_event_summary(const N2gg__V1__Event *ev, struct arena *a)
{
	struct cli_text t = {.len = 0};
	const ProtobufCMessage *payload = cli_event_payload(ev, a);
	if (!payload)
		return arena_printf(a, "payload=undecodable bytes=%zu", ev->payload.len);
	if (payload->descriptor != &n2gg__v1__registry_event__descriptor) {
		cli_payload_summary_text(&t, payload);
		return arena_strdup(a, t.len ? t.s + 1 : "");
	}
	const N2gg__V1__RegistryEvent *re = (const N2gg__V1__RegistryEvent *)payload;
	switch (re->body_case) {
	case N2GG__V1__REGISTRY_EVENT__BODY_SCHOOL:
		cli_text_school(&t, 0, re->school->school);
		cli_text_list(&t, "changed", re->school->changed_fields, re->school->n_changed_fields);
		break;
	case N2GG__V1__REGISTRY_EVENT__BODY_CLUSTER: cli_sum_cluster(&t, re->cluster); break;
	case N2GG__V1__REGISTRY_EVENT__BODY_MEMBERSHIP: cli_sum_membership(&t, re->membership); break;
	case N2GG__V1__REGISTRY_EVENT__BODY_INSPECTION: cli_sum_inspection(&t, re->inspection); break;
	case N2GG__V1__REGISTRY_EVENT__BODY_ACHIEVEMENT: cli_sum_achievement(&t, re->achievement); break;
	case N2GG__V1__REGISTRY_EVENT__BODY_PROGRESS_RETURN:
		cli_sum_progress(&t, re->progress_return);
		break;
	case N2GG__V1__REGISTRY_EVENT__BODY_FLAGS: cli_sum_flags(&t, re->flags); break;
	case N2GG__V1__REGISTRY_EVENT__BODY_GROUP: cli_sum_group(&t, re->group); break;
	default: cli_text_add(&t, " payload=empty"); break;
	}
	return arena_strdup(a, t.len ? t.s + 1 : "");
}

/* An actor is a bare word unless it holds a space or a quote (or is empty). */
static void cli_text_word(struct cli_text *t, const char *key, const char *value)
{
	if (value[0] && !strpbrk(value, " \"\\="))
		cli_text_add(t, " %s=%s", key, value);
	else
		cli_text_quoted(t, key, value);
}

const char *cli_event_line(const N2gg__V1__Event *ev, struct arena *a)
{
	struct cli_text t = {.len = 0};
	char at[CLI_TIME_LEN];
	cli_text_add(&t, "seq=%llu time=%s", (unsigned long long)ev->seq,
		     cli_time(ev->time_unix_ms, at));
	cli_text_word(&t, "topic", ev->topic);
	cli_text_word(&t, "actor", ev->actor);
	const char *summary = cli_event_summary(ev, a);
	if (summary[0])
		cli_text_add(&t, " %s", summary);
	return arena_strdup(a, t.s);
}

json_t *cli_event_json(const N2gg__V1__Event *ev, struct arena *a)
{
	json_t *j = pbjson_message(&ev->base);
	const ProtobufCMessage *payload = cli_event_payload(ev, a);
	if (payload)
		json_object_set_new(j, "payload", pbjson_message(payload));
	return j;
}

void cli_print_json(json_t *value, int one_line)
{
	json_dumpf(value, stdout, one_line ? JSON_COMPACT : JSON_INDENT(2));
	putchar('\n');
	json_decref(value);
}

void cli_print_message_json(const ProtobufCMessage *msg)
{
	cli_print_json(pbjson_message(msg), 0);
}

/* ---- a school ---- */

void cli_print_field(const char *label, const char *fmt, ...)
{
	va_list ap;
	printf("  %-22s ", label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *cli_yes_no(protobuf_c_boolean b)
{
	return b ? "yes" : "no";
}

static const char *cli_contact(const N2gg__V1__Contact *c, struct arena *a)
{
	if (!c || !c->name[0])
		return "-";
	if (!c->email[0])
		return c->name;
	return arena_printf(a, "%s <%s>", c->name, c->email);
}

static const char *cli_address(const N2gg__V1__Address *ad, struct arena *a)
{
	if (!ad)
		return "-";
	const char *parts[] = {ad->street, ad->locality, ad->address3, ad->town, ad->county,
			       ad->postcode};
	const char *text = "";
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (parts[i][0])
			text = arena_printf(a, "%s%s%s", text, text[0] ? ", " : "", parts[i]);
	return cli_or_dash(text);
}

static const char *cli_named_code(const char *name, const char *code, struct arena *a)
{
	if (!name[0] && !code[0])
		return "-";
	return code[0] ? arena_printf(a, "%s (%s)", cli_or_dash(name), code) : name;
}

static void cli_print_status(const N2gg__V1__School *s)
{
	const char *status = school_status_name(s->status);
	if (s->close_date[0])
		cli_print_field("Status", "%s (opened %s, closed %s)", status, cli_or_dash(s->open_date),
			  s->close_date);
	else if (s->open_date[0])
		cli_print_field("Status", "%s (opened %s)", status, s->open_date);
	else
		cli_print_field("Status", "%s", status);
}

static void cli_print_identity(const N2gg__V1__School *s, struct arena *a)
{
	printf("%s\n", s->name);
	cli_print_field("URN", "%u", s->urn);
	cli_print_field("LAESTAB", "%u (LA %u)", s->laestab, s->la_code);
	cli_print_field("Type", "%s (code %u)", cli_or_dash(s->type_name), s->type_code);
	cli_print_field("Phase", "%s, ages %u-%u", school_phase_name(s->phase), s->low_age, s->high_age);
	cli_print_status(s);
	cli_print_field("Address", "%s", cli_address(s->address, a));
	cli_print_field("Easting/northing", "%d, %d", s->easting, s->northing);
	cli_print_field("Religious character", "%s", cli_or_dash(s->religious_character));
	cli_print_field("Federation", "%s", cli_named_code(s->federation_name, s->federation_code, a));
	cli_print_field("Trust", "%s", cli_named_code(s->trust_name, s->trust_code, a));
	cli_print_field("Website", "%s", cli_or_dash(s->website));
	cli_print_field("Telephone", "%s", cli_or_dash(s->telephone));
	cli_print_field("Headteacher", "%s", cli_contact(s->headteacher, a));
	cli_print_field("Chair of governors", "%s", cli_contact(s->chair_of_governors, a));
}

static void cli_section(const char *title, struct cli_table *t)
{
	printf("\n%s\n", title);
	if (t->rows < 2) {
		printf("  none\n");
		return;
	}
	t->indent = 2;
	cli_table_print(t, stdout);
}

static void cli_print_memberships(const N2gg__V1__GetSchoolReply *r, struct arena *a)
{
	static const char *const head[] = {"From", "Cluster", "Changed by", "At", "Reason"};
	struct cli_table t;
	cli_table_init(&t, a, 5, head);
	for (size_t i = 0; i < r->n_memberships; i++) {
		const N2gg__V1__Membership *m = r->memberships[i];
		char at[CLI_TIME_LEN];
		const char *row[] = {m->from_date, m->cluster_id,
				     m->changed_by, cli_time(m->changed_unix_ms, at), m->reason};
		cli_table_row(&t, row);
	}
	cli_section("Cluster membership", &t);
}

static void cli_print_inspections(const N2gg__V1__School *s, struct arena *a)
{
	static const char *const head[] = {"Date", "Grade", "Concern", "Recorded by"};
	struct cli_table t;
	cli_table_init(&t, a, 4, head);
	for (size_t i = 0; i < s->n_inspections; i++) {
		const N2gg__V1__Inspection *in = s->inspections[i];
		const char *row[] = {in->start_date,
				     arena_printf(a, "%u %s", in->overall_effectiveness,
						  school_grade_name(in->overall_effectiveness)),
				     school_concern_name(in->category_of_concern), in->recorded_by};
		cli_table_row(&t, row);
	}
	cli_section("Inspections", &t);
}

static void cli_print_achievement(const N2gg__V1__School *s, struct arena *a)
{
	static const char *const head[] = {"Year", "Expected standard", "Progress"};
	struct cli_table t;
	cli_table_init(&t, a, 3, head);
	for (size_t i = 0; i < s->n_achievement; i++) {
		const N2gg__V1__Achievement *ac = s->achievement[i];
		const char *row[] = {arena_printf(a, "%u", ac->year),
				     arena_printf(a, "%.1f%%", ac->expected_standard_pct),
				     arena_printf(a, "%+.2f", ac->progress)};
		cli_table_row(&t, row);
	}
	cli_section("Achievement", &t);
}

static void cli_print_progress_returns(const N2gg__V1__School *s, struct arena *a)
{
	static const char *const head[] = {"Year", "Half-term", "Received", "On track", "Note"};
	struct cli_table t;
	cli_table_init(&t, a, 5, head);
	for (size_t i = 0; i < s->n_progress_returns; i++) {
		const N2gg__V1__ProgressReturn *p = s->progress_returns[i];
		const char *row[] = {arena_printf(a, "%u", p->year),
				     arena_printf(a, "%u", p->half_term), p->received_date,
				     arena_printf(a, "%.1f%%", p->on_track_pct), p->note};
		cli_table_row(&t, row);
	}
	cli_section("Progress returns", &t);
}

void cli_print_flags(const N2gg__V1__LaFlags *f, struct arena *a)
{
	static const N2gg__V1__LaFlags none = N2GG__V1__LA_FLAGS__INIT;
	char at[CLI_TIME_LEN];
	if (!f)
		f = &none;
	cli_print_field("Causing concern", "%s", cli_yes_no(f->causing_concern));
	cli_print_field("PSSWN issued", "%s", f->psswn_issued_date[0] ? f->psswn_issued_date : "no");
	cli_print_field("In transition", "%s",
		  f->in_transition && f->transition_reason[0]
			  ? arena_printf(a, "yes: %s", f->transition_reason)
			  : cli_yes_no(f->in_transition));
	cli_print_field("Targeted by N2GG", "%s", cli_yes_no(f->targeted_n2gg));
	cli_print_field("Targeted, sys. leader", "%s", cli_yes_no(f->targeted_system_leader));
	if (f->changed_by[0])
		cli_print_field("Flags changed", "by %s at %s", f->changed_by,
			  cli_time(f->changed_unix_ms, at));
}

void cli_print_school(const N2gg__V1__GetSchoolReply *reply, const char *as_of, struct arena *a)
{
	const N2gg__V1__School *s = reply->school;
	char at[CLI_TIME_LEN];
	cli_print_identity(s, a);
	cli_print_field("Cluster", "%s", s->cluster_id[0] ? s->cluster_id : "(none)");
	if (as_of)
		cli_print_field(arena_printf(a, "Cluster on %s", as_of), "%s",
			  reply->cluster_as_of[0] ? reply->cluster_as_of : "(none)");
	cli_print_field("Last updated", "by %s at %s", cli_or_dash(s->updated_by),
		  cli_time(s->updated_unix_ms, at));
	cli_print_memberships(reply, a);
	cli_print_inspections(s, a);
	cli_print_achievement(s, a);
	cli_print_progress_returns(s, a);
	printf("\nLA flags\n");
	cli_print_flags(s->flags, a);
}

void cli_print_school_table(N2gg__V1__School **schools, size_t n, struct arena *a)
{
	static const char *const head[] = {"URN", "LAESTAB", "Name", "Phase", "Status", "Cluster"};
	struct cli_table t;
	cli_table_init(&t, a, 6, head);
	for (size_t i = 0; i < n; i++) {
		const N2gg__V1__School *s = schools[i];
		const char *row[] = {arena_printf(a, "%u", s->urn), arena_printf(a, "%u", s->laestab),
				     s->name, school_phase_name(s->phase),
				     school_status_name(s->status), s->cluster_id};
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
}

const char *cli_cluster_status(N2gg__V1__ClusterStatus status)
{
	switch (status) {
	case N2GG__V1__CLUSTER_STATUS__CLUSTER_OPEN: return "open";
	case N2GG__V1__CLUSTER_STATUS__CLUSTER_CLOSED: return "closed";
	default: return "unknown";
	}
}

void cli_print_cluster(const N2gg__V1__Cluster *c, struct arena *a)
{
	char at[CLI_TIME_LEN];
	printf("Cluster %s: %s\n", c->id, c->name);
	if (c->status == N2GG__V1__CLUSTER_STATUS__CLUSTER_CLOSED)
		cli_print_field("Status", "closed %s (opened %s)%s%s", cli_or_dash(c->closed_date),
				cli_or_dash(c->opened_date), c->merged_into[0] ? ", merged into " : "",
				c->merged_into);
	else
		cli_print_field("Status", "%s (opened %s)", cli_cluster_status(c->status),
				cli_or_dash(c->opened_date));
	cli_print_field("Chair", "%s", cli_contact(c->chair, a));
	cli_print_field("Last updated", "by %s at %s", cli_or_dash(c->updated_by),
			cli_time(c->updated_unix_ms, at));
}
