/* n2gg-registry: the authoritative register of schools and clusters. */
#include "registry.h"

static struct registry registry;

static int registry_on_start(struct service *svc, struct status *st)
{
	(void)st;
	for (int i = 0; i < REGISTRY_DB_COUNT; i++)
		registry.rs.db[i] = svc->store.dbs[i];
	return 0;
}

static const struct service_desc registry_desc = {
	.name = "registry",
	.summary = "N2GG registry: schools, clusters, federations, inspections, achievement, LA flags.",
	.default_api = "tcp://127.0.0.1:7100",
	.default_events = "tcp://127.0.0.1:7101",
	.default_http = "127.0.0.1:7109",
	.db_names = registry_db_names,
	.db_count = REGISTRY_DB_COUNT,
	/* Format 2: the comparators database, and a school's achievement kept per year and key
	 * stage (two entries for one year: key stages 2 and 4). A format-1 binary would fold a
	 * year into the first entry of that year, whichever key stage it holds: it must refuse
	 * such a store, not misread it. A format-1 store needs no step: the comparators
	 * database is made empty when the store opens, and its achievement (one entry per year,
	 * key stage unspecified) is already in (year, key stage) order. */
	.store_format = 2,
	.methods = registry_methods,
	.on_start = registry_on_start,
};

int main(int argc, char **argv)
{
	struct service_desc desc = registry_desc;
	desc.method_count = registry_method_count;
	return service_main(&desc, &registry, argc, argv);
}
