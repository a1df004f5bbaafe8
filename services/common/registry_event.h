/* registry_event: what a consumer of the registry's events needs first — the school a
 * RegistryEvent is about. Every school event (registered, changed, moved, inspected,
 * achievement, progress return, flags) carries the whole school after the change, so a
 * read model needs no call back. Pure. */
#ifndef N2GG_REGISTRY_EVENT_H
#define N2GG_REGISTRY_EVENT_H

#include <stdint.h>

#include "n2gg/v1/registry.pb-c.h"

/* The school snapshot the event carries (NULL for cluster and group events, or when the
 * publisher left it out), and the URN the event names (0 when it names none). */
const N2gg__V1__School *registry_event_school(const N2gg__V1__RegistryEvent *re, uint32_t *urn);

#endif
