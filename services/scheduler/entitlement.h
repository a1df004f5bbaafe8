/* entitlement: the scheduler's policy as data — which schools each partner role serves
 * (by LA category and phase), how many days and at what cost, what a partner needs to
 * take the role (a SIP accreditation for the school's phase, leadership experience, a
 * training), which conflicts of interest exclude a partner, the weights of the soft goals
 * (travel, continuity, balanced load) and the budgets. Read from YAML (yamldoc) and
 * applied to plain structs; also the hard rules: whether a partner may serve a school in a
 * role, and if not, which rule says no. Pure: no I/O. */
#ifndef N2GG_ENTITLEMENT_H
#define N2GG_ENTITLEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Roles as numbered in proto/n2gg/v1/scheduler.proto (enum Role). */
enum entitlement_role_id { ROLE_ECP = 1, ROLE_CEP = 2, ROLE_SIP = 3, ROLE_IA = 4 };
#define ENTITLEMENT_ROLES 5   /* indexable by role id */

const char *entitlement_role_name(int role);   /* "ecp", "cep", "sip", "intervention_adviser" */
int entitlement_role_of(const char *name);     /* 0 when unknown */

/* Phases as numbered in proto/n2gg/v1/registry.proto (enum Phase), as a bit mask. */
#define ENTITLEMENT_PHASE_BIT(phase) (1u << (phase))
int entitlement_phase_of(const char *name);    /* -1 when unknown */

#define ENTITLEMENT_MAX_CATEGORIES 7   /* per role: more is refused */

struct entitlement_rule {
	bool defined;
	bool per_cluster;              /* CEP: one per cluster */
	char categories[ENTITLEMENT_MAX_CATEGORIES + 1];   /* LA categories served, e.g. "BE";
							     "" = every category */
	unsigned phases;               /* phase mask; 0 = every phase */
	unsigned days_per_school;
	unsigned days_per_cluster;
	int64_t cost_per_school_pence; /* charged to the school */
	bool needs_sip_accreditation;  /* for the school's phase */
	bool needs_leadership;         /* led a good school, or led Ofsted inspections */
	const char *needs_training;    /* a training's name, or NULL */
	/* CEP only: a cluster's own nominee (Choice A) is recorded by the end of
	 * choice_deadline and has attended the CEP training since first_training_day (days
	 * since 1970; by default the 2013 MI's 1 October and 27 September 2013) */
	int choice_deadline, first_training_day;
	int64_t budget_pence;          /* 0: none set */
	const char *description;
};

struct entitlement_policy {
	struct arena arena;
	const char *name, *version;
	unsigned year;                 /* school year, by its ending calendar year */
	struct entitlement_rule roles[ENTITLEMENT_ROLES];
	int order[ENTITLEMENT_ROLES];  /* the per-school roles in planning order, then CEP */
	int order_count;
	bool conflict_own_school, conflict_same_cluster, conflict_same_federation;
	int64_t travel_per_km;         /* cost per km of straight-line distance */
	int64_t continuity;            /* cost of changing a school's partner from last year */
	int64_t load;                  /* the j-th school of a partner costs load * j */
	int64_t unserved;              /* cost of a school left unserved */
	unsigned max_candidates;       /* the nearest eligible partners considered per school */
};

void entitlement_init(struct entitlement_policy *p);
void entitlement_free(struct entitlement_policy *p);

struct entitlement_problem {
	int line;
	char message[256];
};
#define ENTITLEMENT_MAX_PROBLEMS 16
struct entitlement_report {
	struct entitlement_problem problems[ENTITLEMENT_MAX_PROBLEMS];
	int count;
};

/* Reads a policy; returns 0, or -1 with every problem (line and reason) in `r`. */
int entitlement_parse(struct entitlement_policy *p, const char *text, size_t len,
		      struct entitlement_report *r);

/* ---- the parties, as the planner sees them ---- */

struct plan_school {
	uint32_t urn;
	const char *name;
	int phase;
	const char *cluster_id;
	const char *federation;
	int32_t easting, northing;
	char category[2];              /* "" when none */
	bool monitoring;               /* half-termly monitoring (from the category) */
	bool open;
};

struct plan_partner {
	const char *id;
	const char *name;
	unsigned roles;                /* bit per role id */
	unsigned sip_phases;           /* phase mask */
	bool led_good_school, ofsted_inspector;
	const char *const *training;   /* names */
	const char *const *training_dates;   /* ISO, one per name (NULL: none known) */
	size_t training_count;
	bool cep_accredited;           /* on the accredited list of CEPs */
	unsigned capacity_days;
	int32_t easting, northing;
	uint32_t own_school;
	const char *own_cluster;
	const char *federation;
	bool active;
};

/* Whether `school` is entitled to `role` (per-school roles). */
bool entitlement_school_entitled(const struct entitlement_policy *p, int role,
				 const struct plan_school *school);

/* NULL when `partner` may serve `school` (for a CEP: `school` NULL and the cluster named)
 * in `role`; else the hard rule that excludes it, in words. */
const char *entitlement_exclusion(const struct entitlement_policy *p, int role,
				  const struct plan_school *school, const char *cluster_id,
				  const struct plan_partner *partner);

/* Straight-line distance in metres. */
double entitlement_distance_m(int32_t e1, int32_t n1, int32_t e2, int32_t n2);

/* The soft-goal cost of `partner` for a place at (easting, northing): travel, plus the
 * continuity cost when `previous_partner` is set and differs. */
int64_t entitlement_cost(const struct entitlement_policy *p, int32_t easting, int32_t northing,
			 const struct plan_partner *partner, const char *previous_partner);

#endif
