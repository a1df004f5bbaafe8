/* registry_event: the school a registry event is about (see registry_event.h). */
#include "registry_event.h"

const N2gg__V1__School *registry_event_school(const N2gg__V1__RegistryEvent *re, uint32_t *urn)
{
	*urn = 0;
	switch (re->body_case) {
	case N2GG__V1__REGISTRY_EVENT__BODY_SCHOOL:
		*urn = re->school->school ? re->school->school->urn : 0;
		return re->school->school;
	case N2GG__V1__REGISTRY_EVENT__BODY_MEMBERSHIP:
		*urn = re->membership->urn;
		return re->membership->school;
	case N2GG__V1__REGISTRY_EVENT__BODY_INSPECTION:
		*urn = re->inspection->urn;
		return re->inspection->school;
	case N2GG__V1__REGISTRY_EVENT__BODY_ACHIEVEMENT:
		*urn = re->achievement->urn;
		return re->achievement->school;
	case N2GG__V1__REGISTRY_EVENT__BODY_PROGRESS_RETURN:
		*urn = re->progress_return->urn;
		return re->progress_return->school;
	case N2GG__V1__REGISTRY_EVENT__BODY_FLAGS:
		*urn = re->flags->urn;
		return re->flags->school;
	default:
		return NULL;   /* clusters and groups: their schools' own events follow */
	}
}
