/* fuzz_partners: the scheduler's partners file (partners_header_parse, partners_row, which
 * ends in partners_check), as ImportPartners runs it, and what the planner then takes from
 * an accepted partner (partners_plan_view). An accepted partner passes partners_check
 * again unchanged, as an UpdatePartner of the same record would. */
#include "fuzz_import.h"

#include "date.h"
#include "partners.h"

struct state {
	struct partners_header h;
};

static int header(void *state, const struct csvread_record *rec, struct status *st)
{
	struct state *s = state;
	return partners_header_parse(rec, &s->h, st);
}

static int row(void *state, const struct csvread_record *rec, struct arena *a, struct arena *file,
	       struct status *st)
{
	(void)file;
	struct state *s = state;
	N2gg__V1__Partner *p = NULL;
	int rc = partners_row(&s->h, rec, a, &p, st);
	if (rc < 0)
		return rc;
	fuzz_assert(p->id[0] && p->name[0] && p->n_roles > 0, "partner without id, name or role");
	fuzz_assert(p->capacity_days <= 366, "capacity %u accepted", p->capacity_days);
	fuzz_assert(p->weekdays <= 31, "weekdays %u accepted", p->weekdays);
	for (size_t i = 0; i < p->n_roles; i++)
		fuzz_assert(p->roles[i] > 0 && p->roles[i] < ENTITLEMENT_ROLES, "role %d accepted",
			    (int)p->roles[i]);
	for (size_t i = 0; i < p->n_unavailable_dates; i++)
		fuzz_assert(date_parse(p->unavailable_dates[i], &(int){0}) == 0,
			    "unavailable date \"%s\" accepted", p->unavailable_dates[i]);
	for (size_t i = 0; i < p->n_training; i++)
		fuzz_assert(p->training[i]->name[0] &&
				    date_parse(p->training[i]->date, &(int){0}) == 0,
			    "training \"%s\" on \"%s\" accepted", p->training[i]->name,
			    p->training[i]->date);

	struct plan_partner view;
	partners_plan_view(p, a, &view);
	fuzz_assert(view.roles && view.capacity_days == p->capacity_days, "plan view differs");

	N2gg__V1__Partner *again = arena_message_copy(a, &p->base);
	struct status st2 = {0};
	fuzz_assert(partners_check(again, a, &st2) == 0, "an accepted partner fails the check: %s",
		    st2.message);
	fuzz_assert(partners_same(p, again, a), "checking an accepted partner again changed it");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state s = {0};
	struct fuzz_importer imp = {header, row, &s};
	fuzz_import(&imp, data, size);
	return 0;
}
