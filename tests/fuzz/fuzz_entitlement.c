/* fuzz_entitlement: the scheduler's entitlement policy reader (entitlement_parse), which
 * reads --policy files, and the hard rules and costs the planner then asks of a policy it
 * accepted (entitlement_school_entitled, entitlement_exclusion, entitlement_cost,
 * cluster_choice_refusal). */
#include "fuzz_support.h"

#include "cluster_choice.h"
#include "entitlement.h"

static void check_report(const struct entitlement_report *r)
{
	fuzz_assert(r->count >= 0 && r->count <= ENTITLEMENT_MAX_PROBLEMS, "%d problems", r->count);
	for (int i = 0; i < r->count; i++) {
		const char *m = r->problems[i].message;
		size_t n = strnlen(m, sizeof r->problems[i].message);
		fuzz_assert(n < sizeof r->problems[i].message && n > 0, "problem %d: bad message", i);
		fuzz_assert(fuzz_utf8_valid(m, n), "problem %d is not UTF-8: %s", i, m);
	}
}

static void use(const struct entitlement_policy *p)
{
	static const char *const training[] = {"CEP training", "SIP induction"};
	const struct plan_school schools[] = {
		{121234, "Fuzz Primary", 2, "AYL", "", 620000, 310000, "B", true, true},
		{121235, "Fuzz High", 4, "AYL", "F1", 615000, 305000, "E", false, true},
		{121236, "Fuzz Special", 7, "NOR", "", 623000, 308000, "", false, true},
		{121237, "Closed Infant", 2, "", "", 0, 0, "A", true, false},
	};
	static const char *const trained_on[] = {"2013-09-27", "not a date"};
	const struct plan_partner partners[] = {
		{.id = "P1", .name = "Partner One", .roles = 0x1E, .sip_phases = 0x14,
		 .led_good_school = true, .ofsted_inspector = true, .training = training,
		 .training_dates = trained_on, .training_count = 2, .cep_accredited = true,
		 .capacity_days = 100, .easting = 620500, .northing = 310200, .own_school = 121235,
		 .own_cluster = "AYL", .federation = "F1", .active = true},
		{.id = "P2", .name = "Partner Two", .roles = 1u << ROLE_ECP, .own_cluster = "",
		 .federation = "", .active = true},
	};
	for (int role = 1; role < ENTITLEMENT_ROLES; role++) {   /* callers check the role */
		for (size_t s = 0; s < sizeof schools / sizeof *schools; s++) {
			(void)entitlement_school_entitled(p, role, &schools[s]);
			for (size_t q = 0; q < sizeof partners / sizeof *partners; q++) {
				const char *why = entitlement_exclusion(p, role, &schools[s],
									schools[s].cluster_id,
									&partners[q]);
				fuzz_assert(!why || why[0], "an exclusion without words");
				(void)entitlement_cost(p, schools[s].easting, schools[s].northing,
						       &partners[q], q ? "P1" : NULL);
			}
		}
		for (size_t q = 0; q < sizeof partners / sizeof *partners; q++)
			(void)entitlement_exclusion(p, role, NULL, "AYL", &partners[q]);
	}
	/* a cluster's own CEP (Choice A) under the policy's dates and training */
	for (size_t q = 0; q < sizeof partners / sizeof *partners; q++) {
		struct arena a;
		arena_init(&a);
		const char *why = cluster_choice_refusal(p, "NOR", &partners[q], 12, 20, &a);
		fuzz_assert(!why || why[0], "a Choice A refusal without words");
		arena_free(&a);
	}
	fuzz_assert(p->order_count >= 0 && p->order_count <= ENTITLEMENT_ROLES, "order of %d roles",
		    p->order_count);
	for (int i = 0; i < p->order_count; i++)
		fuzz_assert(p->order[i] > 0 && p->order[i] < ENTITLEMENT_ROLES, "order names role %d",
			    p->order[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct entitlement_policy p;
	struct entitlement_report r = {0};
	entitlement_init(&p);
	int rc = entitlement_parse(&p, (const char *)data, size, &r);
	check_report(&r);
	fuzz_assert(rc == 0 || (rc == -1 && r.count > 0), "entitlement_parse returned %d, %d problems",
		    rc, r.count);
	if (rc == 0)
		use(&p);
	entitlement_free(&p);
	return 0;
}
