/* fuzz_contacts: the school contacts import (importers_contact_*), as ImportContacts runs
 * it: an accepted row names a role, a person and, when given, an email address that looks
 * like one. */
#include "fuzz_import.h"

#include "importers.h"

struct state {
	struct importers_header h;
};

static int header(void *state, const struct csvread_record *rec, struct status *st)
{
	struct state *s = state;
	return importers_contact_header_parse(rec, &s->h, st);
}

static int row(void *state, const struct csvread_record *rec, struct arena *a, struct arena *file,
	       struct status *st)
{
	(void)file;
	struct state *s = state;
	struct importers_contact_row r;
	int rc = importers_contact_row(&s->h, rec, a, &r, st);
	if (rc < 0)
		return rc;
	fuzz_assert(r.urn >= 100000 && r.urn <= 999999, "URN %u accepted", r.urn);
	fuzz_assert(r.role == IMPORTERS_ROLE_HEADTEACHER ||
			    r.role == IMPORTERS_ROLE_CHAIR_OF_GOVERNORS,
		    "role %d accepted", (int)r.role);
	fuzz_assert(r.name && r.name[0], "an empty name accepted");
	fuzz_assert(r.email && r.phone, "a NULL email or phone");
	fuzz_assert(!r.email[0] || importers_plausible_email(r.email), "email \"%s\" accepted",
		    r.email);
	for (const char *p = r.email; *p; p++)
		fuzz_assert(*p != '\r' && *p != '\n', "an email address with a line break");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state s = {0};
	struct fuzz_importer imp = {header, row, &s};
	fuzz_import(&imp, data, size);
	return 0;
}
