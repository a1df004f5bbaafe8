/* registry: the registry service's shared state and the helpers its handlers share. */
#ifndef N2GG_REGISTRY_H
#define N2GG_REGISTRY_H

#include "api.h"
#include "registry_store.h"
#include "service.h"

struct registry {
	struct registry_store rs;
};

static inline struct registry *registry_of(const struct api_call *call)
{
	return ((struct service *)call->service)->impl;
}

/* The caller's name for the record ("unknown" when the client named nobody). */
const char *registry_actor(const struct api_call *call);

/* Appends a registry event (payload RegistryEvent) in the call's transaction and, for an
 * event about a school, indexes it in that school's history. */
int registry_emit(struct api_call *call, const char *topic, N2gg__V1__RegistryEvent *ev,
		  uint32_t urn);
/* Stamps, stores and announces a changed school under `topic` (school.* topics). */
int registry_save_school(struct api_call *call, N2gg__V1__School *school, const char *topic,
			 const char **changed, size_t changed_count);

/* Moves a school into a cluster from a date (checks included) and announces it. */
int registry_move_school(struct api_call *call, N2gg__V1__School *school, const char *to,
			 const char *effective_date, const char *reason);

/* Fold an inspection / an achievement year into the school; when it changes anything, store
 * and announce it. 1 changed, 0 already known, <0 refused (call->status says why). */
int registry_fact_inspection(struct api_call *call, N2gg__V1__School *school,
			     N2gg__V1__Inspection *in);
int registry_fact_achievement(struct api_call *call, N2gg__V1__School *school,
			      N2gg__V1__Achievement *in);
/* Keeps an area's averages (LA, England) for a year and key stage; when new or changed,
 * stores and announces it (registry.comparator.recorded). 1 changed, 0 already known, <0
 * failed. */
int registry_record_comparator(struct api_call *call, N2gg__V1__Comparator *comparator);

extern const struct api_method registry_methods[];
extern const size_t registry_method_count;

/* handlers living in import.c */
int registry_import_gias(struct api_call *call);
int registry_import_inspections(struct api_call *call);
int registry_import_achievement(struct api_call *call);
int registry_import_clusters(struct api_call *call);
int registry_import_contacts(struct api_call *call);

#endif
