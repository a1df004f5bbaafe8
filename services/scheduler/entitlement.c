/* entitlement: the scheduler's policy and hard rules (see entitlement.h). */
#include "entitlement.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "yamldoc.h"

static const char *const role_names[ENTITLEMENT_ROLES] = {
	NULL, "ecp", "cep", "sip", "intervention_adviser"};

/* in N2gg__V1__Phase order */
static const char *const phase_names[] = {
	"unknown",     "nursery", "primary",     "middle_deemed_primary", "secondary",
	"middle_deemed_secondary", "sixteen_plus", "all_through", "special",
	"pupil_referral_unit", "not_applicable"};
#define PHASE_COUNT (int)(sizeof phase_names / sizeof phase_names[0])

const char *entitlement_role_name(int role)
{
	return role > 0 && role < ENTITLEMENT_ROLES ? role_names[role] : "unknown";
}

int entitlement_role_of(const char *name)
{
	for (int r = 1; r < ENTITLEMENT_ROLES; r++)
		if (name && strcmp(name, role_names[r]) == 0)
			return r;
	return 0;
}

int entitlement_phase_of(const char *name)
{
	for (int i = 0; i < PHASE_COUNT; i++)
		if (name && strcmp(name, phase_names[i]) == 0)
			return i;
	return -1;
}

void entitlement_init(struct entitlement_policy *p)
{
	memset(p, 0, sizeof *p);
	arena_init(&p->arena);
}

void entitlement_free(struct entitlement_policy *p)
{
	arena_free(&p->arena);
	memset(p, 0, sizeof *p);
}

/* ---- reading ---- */

static void entitlement_report_cb(void *ctx, int line, const char *message)
{
	struct entitlement_report *r = ctx;
	if (r->count == ENTITLEMENT_MAX_PROBLEMS)
		return;
	r->problems[r->count].line = line;
	snprintf(r->problems[r->count].message, sizeof r->problems[r->count].message, "%s",
		 message);
	r->count++;
}

static int64_t pounds_to_pence(double pounds)
{
	return (int64_t)llround(pounds * 100);
}

/* The date under `key` of mapping `n` as days since 1970, or `fallback` when not given. */
static int parse_day(struct yamldoc *d, yaml_node_t *n, const char *key, int fallback)
{
	yaml_node_t *v = yamldoc_get(d, n, key);
	const char *text = v ? yamldoc_text(d, v, n, key) : NULL;
	int day;
	if (!text)
		return fallback;
	if (date_parse(text, &day) < 0) {
		yamldoc_error(d, v, "%s is a date, YYYY-MM-DD", key);
		return fallback;
	}
	return day;
}

static void parse_role(struct yamldoc *d, struct entitlement_policy *p, int role,
		       yaml_node_t *n)
{
	static const char *const keys[] = {"description",    "categories",
					   "phases",         "per_cluster",
					   "days_per_school", "days_per_cluster",
					   "cost_per_school_gbp", "needs_sip_accreditation",
					   "needs_leadership", "needs_training",
					   "budget_gbp",     "choice_deadline",
					   "first_training_day", NULL};
	struct entitlement_rule *r = &p->roles[role];
	if (r->defined)   /* the caller refuses a role given twice; never read one into another */
		return;
	if (!yamldoc_is_map(n)) {
		yamldoc_error(d, n, "role %s must be a mapping", role_names[role]);
		return;
	}
	yamldoc_check_keys(d, n, role_names[role], keys);
	r->defined = true;
	const char *desc = yamldoc_scalar(yamldoc_get(d, n, "description"));
	r->description = arena_strdup(&p->arena, desc ? desc : "");
	yaml_node_t *cats = yamldoc_get(d, n, "categories");
	size_t ncats = 0;   /* counted here, not by strlen: the bound must not trust the array */
	for (int i = 0; i < yamldoc_seq_len(cats); i++) {
		yaml_node_t *item = yamldoc_seq_item(d, cats, i);
		const char *c = yamldoc_scalar(item);
		if (!c || strlen(c) != 1 || c[0] < 'A' || c[0] > 'Z') {
			/* quoted only when short: a long one would be cut, maybe inside a
			 * UTF-8 sequence, to fit the problem's message */
			if (c && strlen(c) <= 32)
				yamldoc_error(d, item, "a category is one capital letter, not '%s'",
					      c);
			else
				yamldoc_error(d, item, "a category is one capital letter");
		} else if (memchr(r->categories, c[0], ncats)) {
			yamldoc_error(d, item, "category '%c' is listed twice for %s", c[0],
				      role_names[role]);
		} else if (ncats == ENTITLEMENT_MAX_CATEGORIES) {
			yamldoc_error(d, item, "too many categories for %s (at most %d)",
				      role_names[role], ENTITLEMENT_MAX_CATEGORIES);
		} else {
			r->categories[ncats++] = c[0];
			r->categories[ncats] = '\0';
		}
	}
	if (cats && !yamldoc_is_seq(cats))
		yamldoc_error(d, cats, "categories is a list of letters");
	yaml_node_t *phases = yamldoc_get(d, n, "phases");
	for (int i = 0; i < yamldoc_seq_len(phases); i++) {
		yaml_node_t *item = yamldoc_seq_item(d, phases, i);
		int ph = entitlement_phase_of(yamldoc_scalar(item));
		if (ph < 0)
			yamldoc_error(d, item, "unknown phase '%s'",
				      yamldoc_scalar(item) ? yamldoc_scalar(item) : "?");
		else
			r->phases |= ENTITLEMENT_PHASE_BIT(ph);
	}
	if (phases && !yamldoc_is_seq(phases))
		yamldoc_error(d, phases, "phases is a list");
	yaml_node_t *v;
	long days;
	double gbp;
	if ((v = yamldoc_get(d, n, "per_cluster")))
		yamldoc_bool(d, v, n, "per_cluster", &r->per_cluster);
	if (yamldoc_whole(d, yamldoc_get(d, n, "days_per_school"), n, "days_per_school", 0, 200,
			  &days) == 0)
		r->days_per_school = (unsigned)days;
	if ((v = yamldoc_get(d, n, "days_per_cluster")) &&
	    yamldoc_whole(d, v, n, "days_per_cluster", 0, 200, &days) == 0)
		r->days_per_cluster = (unsigned)days;
	if ((v = yamldoc_get(d, n, "cost_per_school_gbp")) &&
	    yamldoc_number(d, v, n, "cost_per_school_gbp", 0, 1e6, &gbp) == 0)
		r->cost_per_school_pence = pounds_to_pence(gbp);
	if ((v = yamldoc_get(d, n, "budget_gbp")) &&
	    yamldoc_number(d, v, n, "budget_gbp", 0, 1e10, &gbp) == 0)
		r->budget_pence = pounds_to_pence(gbp);
	if ((v = yamldoc_get(d, n, "needs_sip_accreditation")))
		yamldoc_bool(d, v, n, "needs_sip_accreditation", &r->needs_sip_accreditation);
	if ((v = yamldoc_get(d, n, "needs_leadership")))
		yamldoc_bool(d, v, n, "needs_leadership", &r->needs_leadership);
	if ((v = yamldoc_get(d, n, "needs_training"))) {
		const char *t = yamldoc_text(d, v, n, "needs_training");
		r->needs_training = t ? arena_strdup(&p->arena, t) : NULL;
	}
	if (role == ROLE_CEP) {
		/* the 2013 MI's dates, unless the policy gives its own */
		r->choice_deadline = parse_day(d, n, "choice_deadline", date_from_ymd(2013, 10, 1));
		r->first_training_day =
			parse_day(d, n, "first_training_day", date_from_ymd(2013, 9, 27));
	} else if ((v = yamldoc_get(d, n, "choice_deadline")) ||
		   (v = yamldoc_get(d, n, "first_training_day"))) {
		yamldoc_error(d, v, "choice_deadline and first_training_day are for cep only");
	}
	if (r->per_cluster != (role == ROLE_CEP)) {
		yaml_node_t *pc = yamldoc_get(d, n, "per_cluster");   /* its line, when given */
		yamldoc_error(d, pc ? pc : n, "per_cluster is true for cep and only for cep");
	}
}

static void parse_weights(struct yamldoc *d, struct entitlement_policy *p, yaml_node_t *n)
{
	static const char *const keys[] = {"travel_per_km", "continuity", "load", "unserved",
					   NULL};
	yamldoc_check_keys(d, n, "weights", keys);
	long v;
	if (yamldoc_whole(d, yamldoc_get(d, n, "travel_per_km"), n, "travel_per_km", 0, 1000000,
			  &v) == 0)
		p->travel_per_km = v;
	if (yamldoc_whole(d, yamldoc_get(d, n, "continuity"), n, "continuity", 0, 100000000,
			  &v) == 0)
		p->continuity = v;
	if (yamldoc_whole(d, yamldoc_get(d, n, "load"), n, "load", 0, 1000000, &v) == 0)
		p->load = v;
	if (yamldoc_whole(d, yamldoc_get(d, n, "unserved"), n, "unserved", 1, 1000000000000L,
			  &v) == 0)
		p->unserved = v;
}

static void parse_conflicts(struct yamldoc *d, struct entitlement_policy *p, yaml_node_t *n)
{
	static const char *const keys[] = {"own_school", "same_cluster", "same_federation", NULL};
	yamldoc_check_keys(d, n, "conflicts", keys);
	yamldoc_bool(d, yamldoc_get(d, n, "own_school"), n, "own_school", &p->conflict_own_school);
	yamldoc_bool(d, yamldoc_get(d, n, "same_cluster"), n, "same_cluster",
		     &p->conflict_same_cluster);
	yamldoc_bool(d, yamldoc_get(d, n, "same_federation"), n, "same_federation",
		     &p->conflict_same_federation);
}

static void parse_document(struct yamldoc *d, struct entitlement_policy *p, yaml_node_t *root)
{
	static const char *const keys[] = {"name",   "version",   "year",    "roles", "order",
					   "conflicts", "weights", "max_candidates", NULL};
	if (!yamldoc_is_map(root)) {
		yamldoc_error(d, root, "an entitlement policy is a mapping");
		return;
	}
	yamldoc_check_keys(d, root, "the policy", keys);
	const char *name = yamldoc_text(d, yamldoc_get(d, root, "name"), root, "name");
	const char *version = yamldoc_text(d, yamldoc_get(d, root, "version"), root, "version");
	p->name = arena_strdup(&p->arena, name ? name : "");
	p->version = arena_strdup(&p->arena, version ? version : "");
	long v;
	if (yamldoc_whole(d, yamldoc_get(d, root, "year"), root, "year", 2000, 2100, &v) == 0)
		p->year = (unsigned)v;
	p->max_candidates = 30;
	if (yamldoc_get(d, root, "max_candidates") &&
	    yamldoc_whole(d, yamldoc_get(d, root, "max_candidates"), root, "max_candidates", 1,
			  10000, &v) == 0)
		p->max_candidates = (unsigned)v;
	yaml_node_t *roles = yamldoc_get(d, root, "roles");
	if (!yamldoc_is_map(roles)) {
		yamldoc_error(d, roles ? roles : root, "roles must be a mapping from role name");
	} else {
		for (yaml_node_pair_t *pr = roles->data.mapping.pairs.start;
		     pr < roles->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(&d->doc, pr->key);
			int role = entitlement_role_of(yamldoc_scalar(k));
			if (!role) {
				yamldoc_error(d, k, "unknown role '%s' (ecp, cep, sip, "
						    "intervention_adviser)",
					      yamldoc_scalar(k) ? yamldoc_scalar(k) : "?");
				continue;
			}
			/* the second would be read on top of the first (yamldoc's wording) */
			if (yamldoc_get_key(d, roles, role_names[role]) != k) {
				yamldoc_error(d, k, "'%s' appears twice in roles", role_names[role]);
				continue;
			}
			parse_role(d, p, role, yaml_document_get_node(&d->doc, pr->value));
		}
	}
	yaml_node_t *order = yamldoc_get(d, root, "order");
	for (int i = 0; i < yamldoc_seq_len(order); i++) {
		yaml_node_t *item = yamldoc_seq_item(d, order, i);
		int role = entitlement_role_of(yamldoc_scalar(item));
		bool twice = false;
		for (int j = 0; j < p->order_count; j++)
			twice = twice || p->order[j] == role;
		if (!role || !p->roles[role].defined)
			yamldoc_error(d, item, "order names '%s', not a role of this policy",
				      yamldoc_scalar(item) ? yamldoc_scalar(item) : "?");
		else if (twice)   /* planned twice, a school would get two partners in it */
			yamldoc_error(d, item, "order names '%s' twice", role_names[role]);
		else if (p->order_count == ENTITLEMENT_ROLES)   /* unreachable while roles are unique */
			yamldoc_error(d, item, "order names more than %d roles", ENTITLEMENT_ROLES);
		else
			p->order[p->order_count++] = role;
	}
	if (!yamldoc_is_seq(order))
		yamldoc_error(d, order ? order : root, "order lists the roles in planning order");
	for (int role = 1; role < ENTITLEMENT_ROLES && yamldoc_is_seq(order); role++) {
		bool listed = false;
		for (int i = 0; i < p->order_count; i++)
			listed = listed || p->order[i] == role;
		if (p->roles[role].defined && !listed)   /* it would never be planned */
			yamldoc_error(d, order, "order leaves out the role '%s'", role_names[role]);
	}
	parse_conflicts(d, p, yamldoc_get(d, root, "conflicts"));
	parse_weights(d, p, yamldoc_get(d, root, "weights"));
}

int entitlement_parse(struct entitlement_policy *p, const char *text, size_t len,
		      struct entitlement_report *r)
{
	struct yamldoc d = {.report = entitlement_report_cb, .ctx = r};
	yaml_node_t *root;
	if (yamldoc_load(&d, text, len, &root) == 0) {
		if (!root)
			yamldoc_error(&d, NULL, "the policy file is empty");
		else
			parse_document(&d, p, root);
	}
	yamldoc_free(&d);
	return d.errors ? -1 : 0;
}

/* ---- the hard rules ---- */

bool entitlement_school_entitled(const struct entitlement_policy *p, int role,
				 const struct plan_school *school)
{
	const struct entitlement_rule *r = &p->roles[role];
	if (!r->defined || r->per_cluster || !school->open)
		return false;
	if (r->categories[0] && (!school->category[0] || !strchr(r->categories, school->category[0])))
		return false;
	return !r->phases || (r->phases & ENTITLEMENT_PHASE_BIT(school->phase));
}

static bool has_training(const struct plan_partner *partner, const char *name)
{
	for (size_t i = 0; i < partner->training_count; i++)
		if (strcmp(partner->training[i], name) == 0)
			return true;
	return false;
}

const char *entitlement_exclusion(const struct entitlement_policy *p, int role,
				  const struct plan_school *school, const char *cluster_id,
				  const struct plan_partner *partner)
{
	const struct entitlement_rule *r = &p->roles[role];
	if (!partner->active)
		return "has left";
	if (!(partner->roles & (1u << role)))
		return "does not take this role";
	if (r->needs_sip_accreditation && school &&
	    !(partner->sip_phases & ENTITLEMENT_PHASE_BIT(school->phase)))
		return "no SIP accreditation for the school's phase";
	if (r->needs_leadership && !partner->led_good_school && !partner->ofsted_inspector)
		return "has neither led a good or outstanding school nor led Ofsted inspections";
	if (r->needs_training && !has_training(partner, r->needs_training))
		return "has not attended the required training";
	if (p->conflict_own_school && school && partner->own_school == school->urn)
		return "conflict of interest: the partner's own school";
	const char *cluster = school ? school->cluster_id : cluster_id;
	if (p->conflict_same_cluster && cluster && cluster[0] && partner->own_cluster &&
	    strcmp(partner->own_cluster, cluster) == 0)
		return "conflict of interest: the partner's own cluster";
	if (p->conflict_same_federation && school && school->federation && school->federation[0] &&
	    partner->federation && strcmp(partner->federation, school->federation) == 0)
		return "conflict of interest: the partner's own federation";
	return NULL;
}

double entitlement_distance_m(int32_t e1, int32_t n1, int32_t e2, int32_t n2)
{
	double de = (double)e1 - e2, dn = (double)n1 - n2;
	return sqrt(de * de + dn * dn);
}

int64_t entitlement_cost(const struct entitlement_policy *p, int32_t easting, int32_t northing,
			 const struct plan_partner *partner, const char *previous_partner)
{
	double km = entitlement_distance_m(easting, northing, partner->easting, partner->northing) /
		    1000.0;
	int64_t cost = (int64_t)llround(km * (double)p->travel_per_km);
	if (previous_partner && previous_partner[0] && strcmp(previous_partner, partner->id) != 0)
		cost += p->continuity;
	return cost;
}
