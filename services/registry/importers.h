/* importers: the council's other CSV files (Ofsted inspection outcomes, DfE achievement,
 * cluster membership, school contacts) read record by record from csvread. Each file has
 * a header parser (column names matched case-insensitively, surrounding blanks ignored;
 * fails naming every missing required column) and a row parser that validates the row
 * and fails with STATUS_INVALID_ARGUMENT and a reason for the rejection report.
 * Pure: no clock (today is a parameter), no I/O; what rows produce lives in an arena. */
#ifndef N2GG_IMPORTERS_H
#define N2GG_IMPORTERS_H

#include "arena.h"
#include "csvread.h"
#include "status.h"

#include "n2gg/v1/registry.pb-c.h"

#include <stdbool.h>
#include <stdint.h>

#define IMPORTERS_MAX_COLUMNS 8

/* Where an importer's columns are in its file (indices by the importer's enum below). */
struct importers_header {
	int col[IMPORTERS_MAX_COLUMNS];  /* index in the record, -1 absent */
	size_t nfields;                  /* the header's field count: every row must have as many */
	uint32_t default_year;           /* achievement only: the year of rows without one (0: none) */
};

/* A URN: exactly 6 digits, 100000-999999, surrounding blanks ignored. */
int importers_parse_urn(const char *text, uint32_t *urn, struct status *st);

/* Looks like an email address: one @, something before it, a dot inside the domain, no
 * blanks. (Whether it reaches anyone is for the mail server to say.) */
bool importers_plausible_email(const char *e);

/* A cluster id: 1-32 characters of A-Z a-z 0-9 _ -. */
bool importers_valid_cluster_id(const char *id);

/* ---- Ofsted inspection outcomes (management information CSV) ---- */

enum importers_inspection_column {
	IMPORTERS_INSPECTION_URN,             /* "URN" */
	IMPORTERS_INSPECTION_START_DATE,      /* "Inspection start date" */
	IMPORTERS_INSPECTION_OVERALL,         /* "Overall effectiveness" */
	IMPORTERS_INSPECTION_CATEGORY,        /* "Category of concern" */
	IMPORTERS_INSPECTION_COLUMNS
};

int importers_inspection_header_parse(const struct csvread_record *rec, struct importers_header *h,
				      struct status *st);
/* Grade 1-4 or its name (Outstanding, Good, Requires improvement / Satisfactory,
 * Inadequate); category empty/None, Special Measures/SM, Serious Weaknesses/SWK, Notice to
 * improve/NTI, only with grade 4. Dates after `today` (days since 1970-01-01) are refused.
 * The Inspection's recorded_* fields are left for the caller. */
int importers_inspection_row(const struct importers_header *h, const struct csvread_record *rec,
			     int today, struct arena *a, uint32_t *urn, N2gg__V1__Inspection **out,
			     struct status *st);

/* ---- achievement (DfE performance tables) ---- */

enum importers_achievement_column {
	IMPORTERS_ACHIEVEMENT_URN,            /* "URN" */
	IMPORTERS_ACHIEVEMENT_YEAR,           /* "YEAR": 2013, 2012/13, 2012-13 or 201213 */
	IMPORTERS_ACHIEVEMENT_EXPECTED,       /* "PTRWM_EXP" or "expected_standard_pct" */
	IMPORTERS_ACHIEVEMENT_PROGRESS,       /* "PROGRESS" or "progress" (optional) */
	IMPORTERS_ACHIEVEMENT_COLUMNS
};

/* YEAR is required unless default_year is not 0; the header keeps default_year for rows
 * whose year is missing or empty. */
int importers_achievement_header_parse(const struct csvread_record *rec, uint32_t default_year,
				       struct importers_header *h, struct status *st);
/* Expected standard: 67%, 67 or 67.5, 0..100; SUPP, NE, NA, LOWCOV, x or empty are refused
 * as suppressed. Progress: a decimal in -20..20, empty (or no column) meaning 0. */
int importers_achievement_row(const struct importers_header *h, const struct csvread_record *rec,
			      struct arena *a, uint32_t *urn, N2gg__V1__Achievement **out,
			      struct status *st);

/* ---- cluster membership ---- */

enum importers_cluster_column {
	IMPORTERS_CLUSTER_ID,                 /* "cluster_id" */
	IMPORTERS_CLUSTER_NAME,               /* "cluster_name" */
	IMPORTERS_CLUSTER_URN,                /* "urn" */
	IMPORTERS_CLUSTER_EFFECTIVE_DATE,     /* "effective_date" (optional) */
	IMPORTERS_CLUSTER_COLUMNS
};

struct importers_cluster_row {
	uint32_t urn;
	const char *cluster_id, *cluster_name;
	const char *effective_date;           /* ISO, or "" when not given */
};

int importers_cluster_header_parse(const struct csvread_record *rec, struct importers_header *h,
				   struct status *st);
int importers_cluster_row(const struct importers_header *h, const struct csvread_record *rec,
			  struct arena *a, struct importers_cluster_row *out, struct status *st);

/* ---- school contacts ---- */

enum importers_contact_column {
	IMPORTERS_CONTACT_URN,                /* "urn" */
	IMPORTERS_CONTACT_ROLE,               /* "role" */
	IMPORTERS_CONTACT_NAME,               /* "name" */
	IMPORTERS_CONTACT_EMAIL,              /* "email" (optional) */
	IMPORTERS_CONTACT_PHONE,              /* "phone" (optional) */
	IMPORTERS_CONTACT_COLUMNS
};

enum importers_contact_role {
	IMPORTERS_ROLE_HEADTEACHER,
	IMPORTERS_ROLE_CHAIR_OF_GOVERNORS,    /* role "chair_of_governors" or "chair" */
};

struct importers_contact_row {
	uint32_t urn;
	enum importers_contact_role role;
	const char *name, *email, *phone;     /* email and phone "" when not given */
};

int importers_contact_header_parse(const struct csvread_record *rec, struct importers_header *h,
				   struct status *st);
int importers_contact_row(const struct importers_header *h, const struct csvread_record *rec,
			  struct arena *a, struct importers_contact_row *out, struct status *st);

#endif
