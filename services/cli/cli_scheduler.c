/* cli_scheduler: the commands that ask the scheduler: improvement partners (import, add,
 * show, list, remove, calendar), which partner serves each school and cluster in each
 * role (run, show, list, pin, unpin, explain), the partners' visits and the budget.
 * Role and phase names are read with the scheduler's own tables (entitlement.h), so they
 * are the names of its partners file and policy; URNs, numbers and dates are checked
 * here first, and whether a pin keeps the hard rules is the scheduler's to say. Money
 * comes in pence and is shown in pounds. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli_format.h"
#include "entitlement.h"

#define CLI_POUND "\xc2\xa3"      /* the pound sign, UTF-8 */

#define CLI_REJECTIONS_SHOWN 20
#define CLI_CANDIDATES_SHOWN 15   /* `allocation explain`, `partner capacity`: the best of
				   * the partners no hard rule excludes */
#define CLI_EXCLUDED_LISTED 10    /* more excluded than this are counted by rule instead */

#define CLI_ROLE_NAMES "ecp, cep, sip or intervention_adviser"
#define CLI_PHASE_NAMES                                                                        \
	"nursery, primary, middle_deemed_primary, secondary, middle_deemed_secondary, "        \
	"sixteen_plus, all_through, special or pupil_referral_unit"

/* ---- names and values ---- */

/* `text` lower case, '-' read as '_': "Middle-Deemed-Primary" is middle_deemed_primary. */
static char *cli_name_word(struct arena *a, const char *text, size_t len)
{
	char *w = arena_strndup(a, text, len);
	for (char *p = w; *p; p++)
		*p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
	return w;
}

/* "sip", "intervention_adviser"; "-" for none. */
static const char *cli_role(N2gg__V1__Role role)
{
	return role ? entitlement_role_name((int)role) : "-";
}

/* "primary", "middle_deemed_primary": the proto's names, as the partners file writes them. */
static const char *cli_phase(N2gg__V1__Phase phase, struct arena *a)
{
	const ProtobufCEnumValue *v =
		protobuf_c_enum_descriptor_get_value(&n2gg__v1__phase__descriptor, (int)phase);
	if (!v)
		return arena_printf(a, "phase %d", (int)phase);
	const char *name = strncmp(v->name, "PHASE_", 6) == 0 ? v->name + 6 : v->name;
	return cli_name_word(a, name, strlen(name));
}

/* "£1,500", "£12.50", "-£3"; pence in, pounds out. */
static const char *cli_money(int64_t pence, struct arena *a)
{
	unsigned long long v = pence < 0 ? (unsigned long long)(-(pence + 1)) + 1
					 : (unsigned long long)pence;
	char digits[24], grouped[32];
	int n = snprintf(digits, sizeof digits, "%llu", v / 100), g = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	if (v % 100)
		return arena_printf(a, "%s" CLI_POUND "%s.%02llu", pence < 0 ? "-" : "", grouped,
				    v % 100);
	return arena_printf(a, "%s" CLI_POUND "%s", pence < 0 ? "-" : "", grouped);
}

static const char *cli_yes_no(protobuf_c_boolean b)
{
	return b ? "yes" : "no";
}

/* "a, b;c": the trimmed, non-empty items (',' or ';' between them, as in the CSV file). */
char **cli_split(struct arena *a, const char *text, size_t *n)
{
	return cli_split_on(a, text, ",;", n);
}

char **cli_split_on(struct arena *a, const char *text, const char *separators, size_t *n)
{
	size_t cap = 0;
	char **items = NULL;
	*n = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, separators);
		const char *s = p, *e = p + len;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e > s) {
			items = arena_grow(a, items, *n, &cap, sizeof *items);
			items[(*n)++] = arena_strndup(a, s, (size_t)(e - s));
		}
		p += len + (p[len] != '\0');
	}
	return items;
}

static int cli_check_role(struct cli *cli, const char *what, const char *text,
			  N2gg__V1__Role *out)
{
	int role = entitlement_role_of(cli_name_word(&cli->arena, text, strlen(text)));
	if (!role)
		return cli_invalid(cli, "%s \"%s\" is not a role: write " CLI_ROLE_NAMES, what, text);
	*out = (N2gg__V1__Role)role;
	return 0;
}

int cli_check_phases(struct cli *cli, const char *what, const char *text, N2gg__V1__Phase **out,
		     size_t *n)
{
	size_t count;
	char **items = cli_split(&cli->arena, text, &count);
	*out = arena_alloc(&cli->arena, sizeof **out * (count + 1));
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		int phase = entitlement_phase_of(cli_name_word(&cli->arena, items[i],
								strlen(items[i])));
		if (phase <= 0)
			return cli_invalid(cli, "%s \"%s\" is not a phase: write " CLI_PHASE_NAMES,
					   what, items[i]);
		(*out)[(*n)++] = (N2gg__V1__Phase)phase;
	}
	return 0;
}

/* ---- partners: from the command line ---- */

static int cli_partner_roles(struct cli *cli, const char *text, N2gg__V1__Partner *p)
{
	size_t n;
	char **items = cli_split(&cli->arena, text, &n);
	if (!n)
		return cli_invalid(cli, "--roles names no role: write " CLI_ROLE_NAMES);
	p->roles = arena_alloc(&cli->arena, sizeof *p->roles * n);
	for (size_t i = 0; i < n; i++) {
		int rc = cli_check_role(cli, "--roles", items[i], &p->roles[p->n_roles]);
		if (rc < 0)
			return rc;
		p->n_roles++;
	}
	return 0;
}

static int cli_partner_training(struct cli *cli, const char *text, N2gg__V1__Partner *p)
{
	size_t n;
	char **items = cli_split(&cli->arena, text, &n);
	p->training = arena_alloc(&cli->arena, sizeof *p->training * (n + 1));
	for (size_t i = 0; i < n; i++) {
		char *at = strrchr(items[i], '@'), *end = at;
		while (end && end > items[i] && isspace((unsigned char)end[-1]))
			end--;
		if (!at || end == items[i])
			return cli_invalid(cli, "--training \"%s\" is not NAME@DATE", items[i]);
		N2gg__V1__Training *t = arena_message(&cli->arena, &n2gg__v1__training__descriptor);
		char *iso = arena_alloc(&cli->arena, DATE_ISO_LEN);
		const char *date = at + 1;
		while (isspace((unsigned char)*date))
			date++;
		int rc = cli_check_date(cli, "--training: the date", date, iso);
		if (rc < 0)
			return rc;
		t->name = arena_strndup(&cli->arena, items[i], (size_t)(end - items[i]));
		t->date = iso;
		p->training[p->n_training++] = t;
	}
	return 0;
}

static int cli_partner_weekdays(struct cli *cli, const char *text, uint32_t *mask)
{
	static const char *const days[] = {"monday", "tuesday", "wednesday", "thursday", "friday"};
	size_t n;
	char **items = cli_split(&cli->arena, text, &n);
	if (!n)
		return cli_invalid(cli, "--weekdays names no day: write mon, tue, wed, thu, fri");
	*mask = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(items[i]);
		int d = 0;
		while (d < 5 && !(len >= 3 && len <= strlen(days[d]) &&
				  strncasecmp(items[i], days[d], len) == 0))
			d++;
		if (d == 5)
			return cli_invalid(cli, "--weekdays \"%s\" is not a weekday: write mon, tue, "
						"wed, thu or fri",
					   items[i]);
		*mask |= 1u << d;
	}
	return 0;
}

static int cli_partner_dates(struct cli *cli, const char *text, N2gg__V1__Partner *p)
{
	size_t n;
	char **items = cli_split(&cli->arena, text, &n);
	p->unavailable_dates = arena_alloc(&cli->arena, sizeof *p->unavailable_dates * (n + 1));
	for (size_t i = 0; i < n; i++) {
		char *iso = arena_alloc(&cli->arena, DATE_ISO_LEN);
		int rc = cli_check_date(cli, "--unavailable", items[i], iso);
		if (rc < 0)
			return rc;
		p->unavailable_dates[p->n_unavailable_dates++] = iso;
	}
	return 0;
}

static int cli_partner_place(struct cli *cli, const struct cli_args *args, N2gg__V1__Partner *p)
{
	const char *easting = cli_opt(args, "easting"), *northing = cli_opt(args, "northing");
	uint32_t e, n;
	int rc;
	if (!easting && !northing)
		return 0;
	if (!easting || !northing)
		return cli_usage_error(cli, "give --easting and --northing together");
	if ((rc = cli_check_uint(cli, "--easting", easting, 0, 800000, &e)) < 0 ||
	    (rc = cli_check_uint(cli, "--northing", northing, 0, 1400000, &n)) < 0)
		return rc;
	p->easting = (int32_t)e;
	p->northing = (int32_t)n;
	return 0;
}

/* The option's value, or "" when it was not given. */
char *cli_text_opt(const struct cli_args *args, const char *name)
{
	const char *v = cli_opt(args, name);
	return (char *)(v ? v : "");
}

/* A Partner from `partner add`'s options; the scheduler checks it again. */
static int cli_partner_from_args(struct cli *cli, const struct cli_args *args,
				 N2gg__V1__Partner *p)
{
	const char *sip = cli_opt(args, "sip-accreditation"), *expert = cli_opt(args, "phase-expertise");
	const char *training = cli_opt(args, "training"), *weekdays = cli_opt(args, "weekdays");
	const char *unavailable = cli_opt(args, "unavailable"), *own = cli_opt(args, "own-school");
	int rc;
	p->id = (char *)args->operands[0];
	p->name = cli_text_opt(args, "name");
	p->provider = cli_text_opt(args, "provider");
	p->federation_code = cli_text_opt(args, "federation");
	p->email = cli_text_opt(args, "email");
	p->phone = cli_text_opt(args, "phone");
	p->led_good_school = cli_opt(args, "led-good-school") != NULL;
	p->ofsted_inspector = cli_opt(args, "ofsted-inspector") != NULL;
	p->cep_accredited = cli_opt(args, "cep-accredited") != NULL;
	p->active = 1;
	if (!p->name[0])
		return cli_usage_error(cli, "--name must name the partner");
	if ((rc = cli_partner_roles(cli, cli_opt(args, "roles"), p)) < 0 ||
	    (rc = cli_check_uint(cli, "--capacity-days", cli_opt(args, "capacity-days"), 0, 366,
				 &p->capacity_days)) < 0 ||
	    (sip && (rc = cli_check_phases(cli, "--sip-accreditation", sip, &p->sip_accreditation,
					   &p->n_sip_accreditation)) < 0) ||
	    (expert && (rc = cli_check_phases(cli, "--phase-expertise", expert, &p->phase_expertise,
					      &p->n_phase_expertise)) < 0) ||
	    (training && (rc = cli_partner_training(cli, training, p)) < 0) ||
	    (weekdays && (rc = cli_partner_weekdays(cli, weekdays, &p->weekdays)) < 0) ||
	    (unavailable && (rc = cli_partner_dates(cli, unavailable, p)) < 0) ||
	    (own && (rc = cli_check_urn(cli, own, &p->own_school_urn)) < 0) ||
	    (rc = cli_cluster_opt(cli, args, "own-cluster", &p->own_cluster_id)) < 0 ||
	    (rc = cli_partner_place(cli, args, p)) < 0)
		return rc;
	return 0;
}

/* ---- partners: shown ---- */

static const char *cli_roles_text(const N2gg__V1__Role *roles, size_t n, struct arena *a)
{
	const char *text = "";
	for (size_t i = 0; i < n; i++)
		text = arena_printf(a, "%s%s%s", text, i ? ", " : "", cli_role(roles[i]));
	return cli_or_dash(text);
}

const char *cli_phases_text(const N2gg__V1__Phase *phases, size_t n, struct arena *a)
{
	const char *text = "";
	for (size_t i = 0; i < n; i++)
		text = arena_printf(a, "%s%s%s", text, i ? ", " : "", cli_phase(phases[i], a));
	return cli_or_dash(text);
}

static const char *cli_weekdays_text(uint32_t mask, struct arena *a)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri"};
	if (!mask || (mask & 31) == 31)
		return "every weekday";
	const char *text = "";
	for (int d = 0; d < 5; d++)
		if (mask & (1u << d))
			text = arena_printf(a, "%s%s%s", text, text[0] ? ", " : "", days[d]);
	return text;
}

static const char *cli_experience_text(const N2gg__V1__Partner *p)
{
	if (p->led_good_school && p->ofsted_inspector)
		return "has led a good or outstanding school; has led Ofsted inspections";
	if (p->led_good_school)
		return "has led a good or outstanding school";
	if (p->ofsted_inspector)
		return "has led Ofsted inspections";
	return "-";
}

static void cli_print_partner_fields(const N2gg__V1__Partner *p, uint32_t days_allocated,
				     struct arena *a)
{
	char at[CLI_TIME_LEN];
	const char *training = "";
	for (size_t i = 0; i < p->n_training; i++)
		training = arena_printf(a, "%s%s%s (%s)", training, i ? ", " : "",
					p->training[i]->name, p->training[i]->date);
	const char *unavailable = "";
	for (size_t i = 0; i < p->n_unavailable_dates; i++)
		unavailable = arena_printf(a, "%s%s%s", unavailable, i ? ", " : "",
					   p->unavailable_dates[i]);
	printf("Partner %s: %s\n", p->id, p->name);
	cli_print_field("Roles", "%s", cli_roles_text(p->roles, p->n_roles, a));
	cli_print_field("Status", "%s", p->active ? "active" : "left");
	cli_print_field("Capacity", "%u days a year; %u allocated, %d free", p->capacity_days,
			days_allocated, (int)p->capacity_days - (int)days_allocated);
	cli_print_field("SIP accreditation", "%s",
			cli_phases_text(p->sip_accreditation, p->n_sip_accreditation, a));
	cli_print_field("Phase expertise", "%s",
			cli_phases_text(p->phase_expertise, p->n_phase_expertise, a));
	cli_print_field("Experience", "%s", cli_experience_text(p));
	cli_print_field("Training", "%s", cli_or_dash(training));
	cli_print_field("CEP accredited", "%s", cli_yes_no(p->cep_accredited));
	cli_print_field("Home", "easting %d, northing %d", p->easting, p->northing);
	cli_print_field("Provider", "%s", cli_or_dash(p->provider));
	if (p->own_school_urn)
		cli_print_field("Own school", "%u", p->own_school_urn);
	else
		cli_print_field("Own school", "-");
	cli_print_field("Own cluster", "%s", cli_or_dash(p->own_cluster_id));
	cli_print_field("Federation", "%s", cli_or_dash(p->federation_code));
	cli_print_field("Weekdays", "%s", cli_weekdays_text(p->weekdays, a));
	cli_print_field("Unavailable", "%s", cli_or_dash(unavailable));
	cli_print_field("Email", "%s", cli_or_dash(p->email));
	cli_print_field("Phone", "%s", cli_or_dash(p->phone));
	cli_print_field("Last updated", "by %s at %s", cli_or_dash(p->updated_by),
			cli_time(p->updated_unix_ms, at));
}

/* "121234", or the cluster's id for a CEP. */
static const char *cli_where(const N2gg__V1__Allocation *al, struct arena *a)
{
	return al->urn ? arena_printf(a, "%u", al->urn) : cli_or_dash(al->cluster_id);
}

static const char *cli_km(const N2gg__V1__Allocation *al, struct arena *a)
{
	return al->partner_id[0] ? arena_printf(a, "%.1f", al->distance_km) : "-";
}

/* The partner block, then its allocations and how many of its days they take. */
static void cli_print_partner(const N2gg__V1__PartnerReply *r, struct arena *a)
{
	static const char *const head[] = {"Role", "URN/Cluster", "School", "Cluster", "Days",
					   "Cost", "Km", "Pinned"};
	const N2gg__V1__Partner *p = r->partner;
	cli_print_partner_fields(p, r->days_allocated, a);
	printf("\nAllocations\n");
	if (!r->n_allocations) {
		printf("  none\n");
	} else {
		struct cli_table t;
		cli_table_init(&t, a, 8, head);
		t.indent = 2;
		for (size_t i = 0; i < r->n_allocations; i++) {
			const N2gg__V1__Allocation *al = r->allocations[i];
			const char *row[] = {cli_role(al->role), cli_where(al, a), al->school_name,
					     al->cluster_id, arena_printf(a, "%u", al->days),
					     cli_money(al->cost_pence, a), cli_km(al, a),
					     cli_yes_no(al->pinned)};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%u of %u days allocated\n", r->days_allocated, p->capacity_days);
}

static int cli_partner_done(struct cli *cli, const N2gg__V1__PartnerReply *reply)
{
	if (!reply->partner)
		return status_fail(&cli->st, STATUS_INTERNAL, "the scheduler replied without a partner");
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_partner(reply, &cli->arena);
	return 0;
}

/* ---- long calls ---- */

/* Before a call that plans (an import, a run): whether the scheduler is there is asked
 * first, within the user's timeout, so one that is down is reported as quickly as for
 * any command; then the plan is given the long wait, as the registry's imports are. */
static int cli_scheduler_patience(struct cli *cli)
{
	if (cli->timeout_ms >= CLI_IMPORT_TIMEOUT_MS)
		return 0;
	N2gg__V1__HealthRequest req = N2GG__V1__HEALTH_REQUEST__INIT;
	void *health;
	int rc = cli_call_scheduler(cli, "Health", &req.base, &n2gg__v1__health_reply__descriptor,
				    &health);
	if (rc == 0)
		cli->timeout_ms = CLI_IMPORT_TIMEOUT_MS;
	return rc;
}

/* ---- partner commands ---- */

static void cli_print_partner_import(const N2gg__V1__ImportPartnersReply *r, bool dry_run)
{
	printf("%screated %u, updated %u, unchanged %u, rejected %u\n", dry_run ? "dry run: " : "",
	       r->created, r->updated, r->unchanged, r->rejected);
	size_t shown = r->n_rejections < CLI_REJECTIONS_SHOWN ? r->n_rejections : CLI_REJECTIONS_SHOWN;
	for (size_t i = 0; i < shown; i++)
		printf("  line %u: %s\n", r->rejections[i]->line, r->rejections[i]->reason);
	if (r->n_rejections > shown)
		printf("  ... and %zu more rejection(s) (--json lists them all)\n",
		       r->n_rejections - shown);
}

int cli_partner_import(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ImportPartnersRequest req = N2GG__V1__IMPORT_PARTNERS_REQUEST__INIT;
	N2gg__V1__ImportPartnersReply *reply;
	const char *path = args->operands[0], *slash = strrchr(path, '/');
	int rc;
	req.file_name = (char *)(slash ? slash + 1 : path);
	req.dry_run = cli_opt(args, "dry-run") != NULL;
	if ((rc = cli_read_file(cli, path, &req.data)) < 0 ||
	    (rc = cli_scheduler_patience(cli)) < 0 ||
	    (rc = cli_call_scheduler(cli, "ImportPartners", &req.base,
				     &n2gg__v1__import_partners_reply__descriptor,
				     (void **)&reply)) < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_partner_import(reply, req.dry_run);
	if (reply->rejected) {
		fprintf(stderr, "n2gg: %s: %u row(s) rejected%s\n", req.file_name, reply->rejected,
			req.dry_run ? "" : "; the others were imported");
		return -CLI_ERR_REJECTED;
	}
	return 0;
}

int cli_partner_add(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__PartnerRequest req = N2GG__V1__PARTNER_REQUEST__INIT;
	N2gg__V1__PartnerReply *reply;
	int rc;
	req.partner = arena_message(&cli->arena, &n2gg__v1__partner__descriptor);
	if ((rc = cli_partner_from_args(cli, args, req.partner)) < 0 ||
	    (rc = cli_call_scheduler(cli, "AddPartner", &req.base,
				     &n2gg__v1__partner_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	return cli_partner_done(cli, reply);
}

static int cli_get_partner(struct cli *cli, const char *id, N2gg__V1__PartnerReply **reply)
{
	N2gg__V1__PartnerRequest req = N2GG__V1__PARTNER_REQUEST__INIT;
	req.id = (char *)id;
	return cli_call_scheduler(cli, "GetPartner", &req.base, &n2gg__v1__partner_reply__descriptor,
				  (void **)reply);
}

int cli_partner_show(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__PartnerReply *reply;
	int rc = cli_get_partner(cli, args->operands[0], &reply);
	return rc < 0 ? rc : cli_partner_done(cli, reply);
}

int cli_partner_list(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"ID", "Name", "Roles", "Capacity", "Provider", "Active"};
	N2gg__V1__ListPartnersRequest req = N2GG__V1__LIST_PARTNERS_REQUEST__INIT;
	N2gg__V1__ListPartnersReply *reply;
	const char *role = cli_opt(args, "role");
	struct arena *a = &cli->arena;
	int rc;
	req.include_inactive = cli_opt(args, "all") != NULL;
	if ((role && (rc = cli_check_role(cli, "--role", role, &req.role)) < 0) ||
	    (rc = cli_call_scheduler(cli, "ListPartners", &req.base,
				     &n2gg__v1__list_partners_reply__descriptor,
				     (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (reply->n_partners) {
		struct cli_table t;
		cli_table_init(&t, a, 6, head);
		for (size_t i = 0; i < reply->n_partners; i++) {
			const N2gg__V1__Partner *p = reply->partners[i];
			const char *row[] = {p->id, p->name, cli_roles_text(p->roles, p->n_roles, a),
					     arena_printf(a, "%u", p->capacity_days), p->provider,
					     cli_yes_no(p->active)};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu partner(s)\n", reply->n_partners);
	return 0;
}

/* ---- partner capacity ---- */

/* "sip 75 (15 schools), cep 23 (1 cluster)": the days in each role served, and where. */
static const char *cli_by_role_text(const N2gg__V1__PartnerLoad *l, struct arena *a)
{
	const char *text = "";
	for (size_t i = 0; i < l->n_by_role; i++) {
		const N2gg__V1__RoleDays *r = l->by_role[i];
		bool cep = r->role == N2GG__V1__ROLE__ROLE_CEP;
		text = arena_printf(a, "%s%s%s %u (%u %s%s)", text, i ? ", " : "", cli_role(r->role),
				    r->days, r->places, cep ? "cluster" : "school",
				    r->places == 1 ? "" : "s");
	}
	return cli_or_dash(text);
}

static void cli_print_loads(const N2gg__V1__PartnerCapacityReply *r, struct arena *a)
{
	static const char *const head[] = {"ID", "Name", "Roles", "Capacity", "Allocated", "Free",
					   "By role"};
	unsigned capacity = 0, allocated = 0;
	if (r->n_partners) {
		struct cli_table t;
		cli_table_init(&t, a, 7, head);
		for (size_t i = 0; i < r->n_partners; i++) {
			const N2gg__V1__PartnerLoad *l = r->partners[i];
			const char *row[] = {l->partner_id, l->partner_name,
					     cli_roles_text(l->roles, l->n_roles, a),
					     arena_printf(a, "%u", l->capacity_days),
					     arena_printf(a, "%u", l->days_allocated),
					     arena_printf(a, "%d", l->days_free), cli_by_role_text(l, a)};
			cli_table_row(&t, row);
			capacity += l->capacity_days;
			allocated += l->days_allocated;
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu partner(s): %u days, %u allocated, %d free\n", r->n_partners, capacity,
	       allocated, (int)capacity - (int)allocated);
}

/* One place nobody serves: what it needs, and the partners the hard rules allow, the
 * fewest days short first. */
static void cli_print_place(const N2gg__V1__UnservedPlace *u, struct arena *a)
{
	static const char *const head[] = {"ID", "Name", "Free", "Short", "Km"};
	const N2gg__V1__Allocation *al = u->allocation;
	const char *where = al->urn ? arena_printf(a, "%u %s (cluster %s)", al->urn,
						   al->school_name, cli_or_dash(al->cluster_id))
				    : arena_printf(a, "cluster %s", al->cluster_id);
	printf("\n%s for %s: needs %u days " CLI_DASH " %s\n", cli_role(al->role), where,
	       u->days_needed, cli_or_dash(al->reason));
	if (!u->n_candidates && u->excluded) {
		printf("  nobody could take it: a hard rule excludes each of the %u partner(s) "
		       "taking the role\n", u->excluded);
		return;
	}
	if (!u->n_candidates) {
		printf("  nobody could take it: no active partner takes the role\n");
		return;
	}
	printf("  could take it with the days (%zu):\n", u->n_candidates);
	struct cli_table t;
	cli_table_init(&t, a, 5, head);
	t.indent = 4;
	size_t shown = u->n_candidates < CLI_CANDIDATES_SHOWN ? u->n_candidates
							       : CLI_CANDIDATES_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		const N2gg__V1__CapableCandidate *c = u->candidates[i];
		const char *row[] = {c->partner_id, c->partner_name, arena_printf(a, "%d", c->days_free),
				     arena_printf(a, "%u", c->days_short),
				     arena_printf(a, "%.1f", c->distance_km)};
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	if (u->n_candidates > shown)
		printf("    ... and %zu more (--json lists them all)\n", u->n_candidates - shown);
	if (u->excluded)
		printf("  %u other partner(s) taking the role: excluded by a hard rule\n", u->excluded);
}

int cli_partner_capacity(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__PartnerCapacityRequest req = N2GG__V1__PARTNER_CAPACITY_REQUEST__INIT;
	N2gg__V1__PartnerCapacityReply *reply;
	const char *role = cli_opt(args, "role");
	int rc;
	if ((role && (rc = cli_check_role(cli, "--role", role, &req.role)) < 0) ||
	    (rc = cli_call_scheduler(cli, "PartnerCapacity", &req.base,
				     &n2gg__v1__partner_capacity_reply__descriptor,
				     (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	cli_print_loads(reply, &cli->arena);
	printf("\nUnserved: %zu\n", reply->n_unserved);
	for (size_t i = 0; i < reply->n_unserved; i++)
		cli_print_place(reply->unserved[i], &cli->arena);
	return 0;
}

/* The allocation now in force for the place `old` had (same role, school or cluster). */
static const N2gg__V1__Allocation *cli_same_place(const N2gg__V1__AllocationsReply *now,
						  const N2gg__V1__Allocation *old)
{
	for (size_t i = 0; i < now->n_allocations; i++) {
		const N2gg__V1__Allocation *al = now->allocations[i];
		if (al->role == old->role && al->urn == old->urn &&
		    (old->urn || strcmp(al->cluster_id, old->cluster_id) == 0))
			return al;
	}
	return NULL;
}

/* What became of the leaving partner's allocations: who serves each place now. */
static void cli_print_replanned(const N2gg__V1__PartnerReply *before,
				const N2gg__V1__AllocationsReply *now, struct arena *a)
{
	static const char *const head[] = {"Role", "URN/Cluster", "School", "Now", "Name", "Reason"};
	struct cli_table t;
	cli_table_init(&t, a, 6, head);
	t.indent = 2;
	for (size_t i = 0; i < before->n_allocations; i++) {
		const N2gg__V1__Allocation *old = before->allocations[i];
		const N2gg__V1__Allocation *al = cli_same_place(now, old);
		const char *row[] = {cli_role(old->role), cli_where(old, a), old->school_name,
				     al ? cli_or_dash(al->partner_id) : "-",
				     al && al->partner_id[0] ? al->partner_name : "(not served)",
				     al ? al->reason : "no longer entitled to this role"};
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
}

int cli_partner_remove(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__PartnerRequest req = N2GG__V1__PARTNER_REQUEST__INIT;
	N2gg__V1__ListAllocationsRequest lreq = N2GG__V1__LIST_ALLOCATIONS_REQUEST__INIT;
	N2gg__V1__PartnerReply *before, *reply;
	N2gg__V1__AllocationsReply *now;
	int rc;
	req.id = (char *)args->operands[0];
	/* its allocations as they were, to say what became of each */
	if ((rc = cli_get_partner(cli, req.id, &before)) < 0 ||
	    (rc = cli_call_scheduler(cli, "RemovePartner", &req.base,
				     &n2gg__v1__partner_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json || !reply->partner)
		return cli_partner_done(cli, reply);
	printf("Partner %s (%s) has left: %zu allocation(s) planned again\n", reply->partner->id,
	       reply->partner->name, before->n_allocations);
	if (!before->n_allocations)
		return 0;
	if ((rc = cli_call_scheduler(cli, "ListAllocations", &lreq.base,
				     &n2gg__v1__allocations_reply__descriptor, (void **)&now)) < 0)
		return rc;
	cli_print_replanned(before, now, &cli->arena);
	return 0;
}

int cli_partner_calendar(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__PartnerCalendarRequest req = N2GG__V1__PARTNER_CALENDAR_REQUEST__INIT;
	N2gg__V1__PartnerCalendarReply *reply;
	req.partner_id = (char *)args->operands[0];
	int rc = cli_call_scheduler(cli, "PartnerCalendar", &req.base,
				    &n2gg__v1__partner_calendar_reply__descriptor, (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	/* the bytes as they came: a .ics file is CRLF-terminated and must stay so */
	if (reply->ics.len && fwrite(reply->ics.data, 1, reply->ics.len, stdout) != reply->ics.len)
		return status_fail(&cli->st, STATUS_INTERNAL, "cannot write the calendar");
	return 0;
}

/* ---- allocation run ---- */

static void cli_print_unserved(N2gg__V1__Allocation **unserved, size_t n, struct arena *a)
{
	static const char *const head[] = {"URN/Cluster", "School", "Role", "Reason"};
	printf("Unserved: %zu\n", n);
	if (!n)
		return;
	struct cli_table t;
	cli_table_init(&t, a, 4, head);
	t.indent = 2;
	for (size_t i = 0; i < n; i++) {
		const N2gg__V1__Allocation *al = unserved[i];
		const char *row[] = {cli_where(al, a), al->school_name, cli_role(al->role), al->reason};
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
}

static void cli_print_plan(const N2gg__V1__PlanReply *r, bool dry_run, struct arena *a)
{
	static const char *const head[] = {"Role", "Entitled", "Served", "Unserved", "Days",
					   "Cost", "Objective", "CEP gap"};
	struct cli_table t;
	double ms = 0;
	cli_table_init(&t, a, 8, head);
	for (size_t i = 0; i < r->n_roles; i++) {
		const N2gg__V1__RoleSummary *s = r->roles[i];
		const char *row[] = {cli_role(s->role), arena_printf(a, "%u", s->entitled),
				     arena_printf(a, "%u", s->served), arena_printf(a, "%u", s->unserved),
				     arena_printf(a, "%u", s->days), cli_money(s->cost_pence, a),
				     arena_printf(a, "%lld", (long long)s->objective),
				     s->role == N2GG__V1__ROLE__ROLE_CEP
					     ? arena_printf(a, "%.2f%%", s->gap * 100)
					     : "-"};
		cli_table_row(&t, row);
		ms = s->solve_ms;
	}
	cli_table_print(&t, stdout);
	if (dry_run)
		printf("dry run: %u allocation(s) would change; nothing was stored (%.0f ms)\n",
		       r->changed, ms);
	else
		printf("changed %u allocation(s); visits: %u newly scheduled, %u not placed "
		       "(%.0f ms)\n",
		       r->changed, r->visits, r->visits_unplaced, ms);
	cli_print_unserved(r->unserved, r->n_unserved, a);
}

int cli_allocation_run(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__RunAllocationRequest req = N2GG__V1__RUN_ALLOCATION_REQUEST__INIT;
	N2gg__V1__PlanReply *reply;
	int rc;
	req.dry_run = cli_opt(args, "dry-run") != NULL;
	if ((rc = cli_scheduler_patience(cli)) < 0 ||
	    (rc = cli_call_scheduler(cli, "RunAllocation", &req.base,
				     &n2gg__v1__plan_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_plan(reply, req.dry_run, &cli->arena);
	return 0;
}

/* ---- allocation show, list, pin, unpin ---- */

/* One line per role: the allocations of one school (and its cluster's CEP). */
static void cli_print_school_allocations(const N2gg__V1__AllocationsReply *r, struct arena *a)
{
	static const char *const head[] = {"Role", "Partner", "Name", "Days", "Cost", "Km",
					   "Pinned", "Reason"};
	struct cli_table t;
	cli_table_init(&t, a, 8, head);
	t.indent = 2;
	for (size_t i = 0; i < r->n_allocations; i++) {
		const N2gg__V1__Allocation *al = r->allocations[i];
		const char *role = al->urn ? cli_role(al->role)
					   : arena_printf(a, "%s (cluster %s)", cli_role(al->role),
							  al->cluster_id);
		const char *row[] = {role, al->partner_id,
				     al->partner_id[0] ? al->partner_name : "(not served)",
				     arena_printf(a, "%u", al->days), cli_money(al->cost_pence, a),
				     cli_km(al, a), cli_yes_no(al->pinned), al->reason};
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
}

/* "School 121234: Name (cluster C926-01, category B)", from its own allocations. */
static void cli_print_school_heading(uint32_t urn, const char *cluster,
				     const N2gg__V1__AllocationsReply *r)
{
	const N2gg__V1__Allocation *school = NULL;
	for (size_t i = 0; i < r->n_allocations && !school; i++)
		if (r->allocations[i]->urn)
			school = r->allocations[i];
	if (school)
		printf("School %u: %s (cluster %s, category %s)\n", urn, school->school_name,
		       cli_or_dash(school->cluster_id), cli_or_dash(school->category));
	else if (urn)
		printf("School %u\n", urn);
	else
		printf("Cluster %s\n", cluster);
}

static int cli_allocations_done(struct cli *cli, const N2gg__V1__AllocationsReply *reply,
				uint32_t urn, const char *cluster)
{
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	cli_print_school_heading(urn, cluster, reply);
	if (reply->n_allocations)
		cli_print_school_allocations(reply, &cli->arena);
	else
		printf("  no allocation: not entitled to any partner\n");
	return 0;
}

int cli_allocation_show(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__GetAllocationRequest req = N2GG__V1__GET_ALLOCATION_REQUEST__INIT;
	N2gg__V1__AllocationsReply *reply;
	int rc;
	if ((rc = cli_check_urn(cli, args->operands[0], &req.urn)) < 0 ||
	    (rc = cli_call_scheduler(cli, "GetAllocation", &req.base,
				     &n2gg__v1__allocations_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	return cli_allocations_done(cli, reply, req.urn, "");
}

int cli_allocation_list(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"URN/Cluster", "School", "Cluster", "Role", "Partner",
					   "Name", "Days", "Cost", "Km", "Pinned", "Reason"};
	N2gg__V1__ListAllocationsRequest req = N2GG__V1__LIST_ALLOCATIONS_REQUEST__INIT;
	N2gg__V1__AllocationsReply *reply;
	const char *role = cli_opt(args, "role");
	struct arena *a = &cli->arena;
	int rc;
	req.partner_id = cli_text_opt(args, "partner");
	req.unserved_only = cli_opt(args, "unserved") != NULL;
	if ((role && (rc = cli_check_role(cli, "--role", role, &req.role)) < 0) ||
	    (rc = cli_cluster_opt(cli, args, "cluster", &req.cluster_id)) < 0 ||
	    (rc = cli_call_scheduler(cli, "ListAllocations", &req.base,
				     &n2gg__v1__allocations_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (reply->n_allocations) {
		struct cli_table t;
		cli_table_init(&t, a, 11, head);
		for (size_t i = 0; i < reply->n_allocations; i++) {
			const N2gg__V1__Allocation *al = reply->allocations[i];
			const char *row[] = {cli_where(al, a), al->school_name, al->cluster_id,
					     cli_role(al->role), al->partner_id,
					     al->partner_id[0] ? al->partner_name : "(not served)",
					     arena_printf(a, "%u", al->days),
					     cli_money(al->cost_pence, a), cli_km(al, a),
					     cli_yes_no(al->pinned), al->reason};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu allocation(s)\n", reply->n_allocations);
	return 0;
}

/* The target and the role; a CEP serves a cluster, every other role a school. */
static int cli_pin_request(struct cli *cli, const struct cli_args *args,
			   N2gg__V1__PinRequest *req)
{
	const char *target = args->operands[0];
	int rc;
	if ((rc = cli_check_role(cli, "--role", cli_opt(args, "role"), &req->role)) < 0 ||
	    (rc = cli_check_target(cli, target, &req->urn, &req->cluster_id)) < 0)
		return rc;
	if (req->role == N2GG__V1__ROLE__ROLE_CEP && req->urn)
		return cli_invalid(cli, "a CEP serves a cluster: give the cluster's id, not URN %s",
				   target);
	if (req->role != N2GG__V1__ROLE__ROLE_CEP && !req->urn)
		return cli_invalid(cli, "a %s serves a school: give its URN, not \"%s\"",
				   cli_role(req->role), target);
	return 0;
}

int cli_allocation_pin(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__PinRequest req = N2GG__V1__PIN_REQUEST__INIT;
	N2gg__V1__AllocationsReply *reply;
	int rc;
	req.partner_id = (char *)cli_opt(args, "partner");
	req.reason = cli_text_opt(args, "reason");
	if ((rc = cli_pin_request(cli, args, &req)) < 0 ||
	    (rc = cli_call_scheduler(cli, "Pin", &req.base, &n2gg__v1__allocations_reply__descriptor,
				     (void **)&reply)) < 0)
		return rc;
	if (!cli->json)
		printf("pinned: %s of %s to partner %s\n", cli_role(req.role),
		       req.urn ? args->operands[0] : req.cluster_id, req.partner_id);
	return cli_allocations_done(cli, reply, req.urn, req.cluster_id);
}

int cli_allocation_unpin(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__PinRequest req = N2GG__V1__PIN_REQUEST__INIT;
	N2gg__V1__AllocationsReply *reply;
	int rc;
	if ((rc = cli_pin_request(cli, args, &req)) < 0 ||
	    (rc = cli_call_scheduler(cli, "Unpin", &req.base,
				     &n2gg__v1__allocations_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (!cli->json)
		printf("unpinned: %s of %s; the planner may change its partner again\n",
		       cli_role(req.role), req.urn ? args->operands[0] : req.cluster_id);
	return cli_allocations_done(cli, reply, req.urn, req.cluster_id);
}

/* ---- allocation explain ---- */

static void cli_print_candidate(const N2gg__V1__Candidate *c, bool served)
{
	long long delta = (long long)c->cost_delta;
	printf("  %s %s: %.1f km, cost %lld", c->partner_id, c->partner_name, c->distance_km,
	       (long long)c->cost);
	if (served)
		printf(delta < 0 ? " (%lld under the chosen)" : " (+%lld over the chosen)",
		       delta < 0 ? -delta : delta);
	putchar('\n');
}

/* The excluded candidates, one line each when few, else counted by the rule. */
static void cli_print_excluded(N2gg__V1__Candidate **c, size_t n, struct arena *a)
{
	size_t excluded = 0;
	for (size_t i = 0; i < n; i++)
		excluded += c[i]->excluded_by[0] != '\0';
	if (excluded <= CLI_EXCLUDED_LISTED) {
		for (size_t i = 0; i < n; i++)
			if (c[i]->excluded_by[0])
				printf("  %s %s: excluded " CLI_DASH " %s\n", c[i]->partner_id,
				       c[i]->partner_name, c[i]->excluded_by);
		return;
	}
	const char **rules = arena_alloc(a, sizeof *rules * n);
	size_t *counts = arena_zalloc(a, sizeof *counts * n), k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!c[i]->excluded_by[0])
			continue;
		size_t r = 0;
		while (r < k && strcmp(rules[r], c[i]->excluded_by) != 0)
			r++;
		if (r == k)
			rules[k++] = c[i]->excluded_by;
		counts[r]++;
	}
	for (size_t r = 0; r < k; r++)
		printf("  %zu excluded " CLI_DASH " %s\n", counts[r], rules[r]);
}

static void cli_print_explanation(const N2gg__V1__Explanation *e, struct arena *a)
{
	const N2gg__V1__Allocation *al = e->allocation;
	const char *role = !al ? "-"
			   : al->urn ? cli_role(al->role)
				     : arena_printf(a, "%s (cluster %s)", cli_role(al->role),
						    al->cluster_id);
	bool served = al && al->partner_id[0];
	if (served)
		printf("%s: %s (%s) " CLI_DASH " %s\n", role, al->partner_name, al->partner_id, e->why);
	else
		printf("%s: not served " CLI_DASH " %s\n", role, e->why);
	printf("Other candidates:\n");
	size_t shown = 0, more = 0;
	for (size_t i = 0; i < e->n_candidates; i++) {   /* the best first, the excluded last */
		if (e->candidates[i]->excluded_by[0])
			continue;
		if (shown < CLI_CANDIDATES_SHOWN) {
			cli_print_candidate(e->candidates[i], served);
			shown++;
		} else {
			more++;
		}
	}
	if (more)
		printf("  ... and %zu more that would cost more (--json lists them all)\n", more);
	cli_print_excluded(e->candidates, e->n_candidates, a);
	if (!e->n_candidates)
		printf("  none: no other partner takes this role\n");
}

int cli_allocation_explain(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__ExplainRequest req = N2GG__V1__EXPLAIN_REQUEST__INIT;
	N2gg__V1__ExplainReply *reply;
	const char *role = cli_opt(args, "role");
	int rc;
	if ((role && (rc = cli_check_role(cli, "--role", role, &req.role)) < 0) ||
	    (rc = cli_check_target(cli, args->operands[0], &req.urn, &req.cluster_id)) < 0 ||
	    (rc = cli_call_scheduler(cli, "ExplainAllocation", &req.base,
				     &n2gg__v1__explain_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	for (size_t i = 0; i < reply->n_explanations; i++) {
		if (i)
			putchar('\n');
		cli_print_explanation(reply->explanations[i], &cli->arena);
	}
	return 0;
}

/* ---- visits ---- */

int cli_visits_list(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"Date", "URN", "School", "Partner", "Kind", "Half-term"};
	N2gg__V1__ListVisitsRequest req = N2GG__V1__LIST_VISITS_REQUEST__INIT;
	N2gg__V1__ListVisitsReply *reply;
	const char *school = cli_opt(args, "school");
	struct arena *a = &cli->arena;
	int rc;
	req.partner_id = cli_text_opt(args, "partner");
	if ((school && (rc = cli_check_urn(cli, school, &req.urn)) < 0) ||
	    (rc = cli_call_scheduler(cli, "ListVisits", &req.base,
				     &n2gg__v1__list_visits_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (reply->n_visits) {
		struct cli_table t;
		cli_table_init(&t, a, 6, head);
		for (size_t i = 0; i < reply->n_visits; i++) {
			const N2gg__V1__Visit *v = reply->visits[i];
			const char *row[] = {v->date, arena_printf(a, "%u", v->urn), v->school_name,
					     v->partner_id, v->kind, arena_printf(a, "%u", v->half_term)};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu visit(s)\n", reply->n_visits);
	return 0;
}

/* ---- budget ---- */

static int cli_line_order(const void *x, const void *y)
{
	return strcmp((*(N2gg__V1__BudgetLine *const *)x)->cluster_id,
		      (*(N2gg__V1__BudgetLine *const *)y)->cluster_id);
}

static void cli_print_budget(const N2gg__V1__BudgetReply *r, struct arena *a)
{
	static const char *const head[] = {"Role", "Schools", "Days", "Cost", "Budget", "Remaining"};
	static const char *const by_cluster[] = {"Role", "Cluster", "Schools", "Days", "Cost"};
	struct cli_table t, c;
	cli_table_init(&t, a, 6, head);
	cli_table_init(&c, a, 5, by_cluster);
	/* the role totals come first, in the policy's order; each role's clusters follow */
	for (size_t i = 0; i < r->n_lines; i++) {
		const N2gg__V1__BudgetLine *l = r->lines[i];
		if (l->cluster_id[0])
			continue;
		const char *row[] = {cli_role(l->role), arena_printf(a, "%u", l->schools),
				     arena_printf(a, "%u", l->days), cli_money(l->cost_pence, a),
				     l->budget_pence ? cli_money(l->budget_pence, a) : "-",
				     l->budget_pence ? cli_money(l->budget_pence - l->cost_pence, a)
						     : "-"};
		cli_table_row(&t, row);
		N2gg__V1__BudgetLine **mine = arena_alloc(a, sizeof *mine * r->n_lines);
		size_t n = 0;
		for (size_t j = 0; j < r->n_lines; j++)
			if (r->lines[j]->role == l->role && r->lines[j]->cluster_id[0])
				mine[n++] = r->lines[j];
		qsort(mine, n, sizeof *mine, cli_line_order);
		for (size_t j = 0; j < n; j++) {
			const char *crow[] = {cli_role(mine[j]->role), mine[j]->cluster_id,
					      arena_printf(a, "%u", mine[j]->schools),
					      arena_printf(a, "%u", mine[j]->days),
					      cli_money(mine[j]->cost_pence, a)};
			cli_table_row(&c, crow);
		}
	}
	cli_table_print(&t, stdout);
	printf("\nBy cluster\n");
	if (c.rows < 2) {
		printf("  none\n");
		return;
	}
	c.indent = 2;
	cli_table_print(&c, stdout);
}

int cli_budget(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__BudgetRequest req = N2GG__V1__BUDGET_REQUEST__INIT;
	N2gg__V1__BudgetReply *reply;
	(void)args;
	int rc = cli_call_scheduler(cli, "Budget", &req.base, &n2gg__v1__budget_reply__descriptor,
				    (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json)
		cli_print_message_json(&reply->base);
	else
		cli_print_budget(reply, &cli->arena);
	return 0;
}
