/* school: the registry's rules about one school's facts, pure functions over the School
 * message: which facts are valid, and how a new inspection, achievement year, progress
 * return or LA flag change folds into the record. Each "add" returns 1 when the record
 * changed, 0 when the fact was already there exactly (so re-sending a fact changes
 * nothing and publishes nothing), or <0 with the reason. */
#ifndef N2GG_SCHOOL_H
#define N2GG_SCHOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "n2gg/v1/registry.pb-c.h"
#include "status.h"

typedef N2gg__V1__School School;

int school_check_urn(uint32_t urn, struct status *st);
bool school_is_open(const School *s);

/* Fills every nested message and string a School may lack after unpacking an old record,
 * so the rest of the code never meets NULL. */
void school_complete(School *s, struct arena *a);

int school_add_inspection(School *s, const N2gg__V1__Inspection *in, int today, struct arena *a,
			  struct status *st);
int school_add_achievement(School *s, const N2gg__V1__Achievement *in, struct arena *a,
			   struct status *st);
int school_add_progress_return(School *s, const N2gg__V1__ProgressReturn *in, int today,
			       struct arena *a, struct status *st);
/* Changes the named flag fields ("causing_concern", "psswn_issued_date", "in_transition",
 * "transition_reason", "targeted_n2gg", "targeted_system_leader") to their values in
 * `given`. Returns how many changed. */
int school_set_flags(School *s, const N2gg__V1__LaFlags *given, char **fields, size_t count,
		     int today, struct arena *a, struct status *st);

/* Names for people and the CLI, and back ("primary", "secondary", "special"...). */
const char *school_phase_name(N2gg__V1__Phase phase);
int school_phase_parse(const char *name, N2gg__V1__Phase *phase);
const char *school_status_name(N2gg__V1__SchoolStatus status);
int school_status_parse(const char *name, N2gg__V1__SchoolStatus *status);
const char *school_concern_name(N2gg__V1__CategoryOfConcern c);
const char *school_grade_name(uint32_t overall_effectiveness);

#endif
