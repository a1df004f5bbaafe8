/* summary: a school's line in the lists (the schools list, the map, a cluster, the LA
 * overview), kept whole in one table of the read model so a list is one cursor scan
 * instead of joining every school's records per request. A line is worked out from the
 * school, its category and its own allocations (the apply step rebuilds it whenever one of
 * those changes); what many schools share (a cluster's name, its CEP) is joined when the
 * list is read, so no event has to rewrite thousands of lines.
 *
 * The stored form is flat bytes, not a protobuf message: reading 24,000 lines then costs
 * no unpacking and no copying, the strings point into the store's pages (valid for the
 * read transaction). Pure: no I/O. */
#ifndef N2GG_DASH_SUMMARY_H
#define N2GG_DASH_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "view.h"

/* A role the school is entitled to that no partner serves, and why. */
struct summary_unserved {
	int role;                 /* N2gg__V1__Role */
	const char *reason;
};

struct summary_line {
	struct view_school school;   /* its cluster's name "", its CEP not among its partners */
	const char *previous_category, *effective_date;   /* the category's last change */
	const struct summary_unserved *unserved;
	size_t n_unserved;
};

/* The line of school `s` with its category `c` (NULL: none yet) and its own allocations
 * (not its cluster's CEP), as stored bytes in the arena. */
uint8_t *summary_encode(struct arena *a, const N2gg__V1__School *s,
			const N2gg__V1__CategoryChanged *c,
			const N2gg__V1__Allocation *const *own, size_t n_own, size_t *len);
/* Reads stored bytes; the strings point into `data`, the partner and unserved arrays are
 * in the arena. False when the bytes are not a line this version wrote. */
bool summary_decode(const void *data, size_t len, struct arena *a, struct summary_line *out);

#endif
