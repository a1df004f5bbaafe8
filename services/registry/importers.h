/* importers: the council's other CSV files (Ofsted inspection outcomes, DfE achievement,
 * cluster membership, school contacts) read record by record from csvread. Each file has
 * a header parser (column names matched case-insensitively, surrounding blanks ignored;
 * the DfE's performance tables by their names exactly as published; fails naming every
 * missing required column) and a row parser that validates the row and fails with
 * STATUS_INVALID_ARGUMENT and a reason for the rejection report.
 * Pure: no clock (today is a parameter), no I/O; what rows produce lives in an arena. */
#ifndef N2GG_IMPORTERS_H
#define N2GG_IMPORTERS_H

#include "arena.h"
#include "csvread.h"
#include "status.h"

#include "n2gg/v1/registry.pb-c.h"

#include <stdbool.h>
#include <stdint.h>

#define IMPORTERS_MAX_COLUMNS 16

/* What an achievement file was read as (see importers_achievement_header_parse). */
enum importers_achievement_format {
	IMPORTERS_FORMAT_N2GG,   /* N2GG's own: URN, YEAR, PTRWM_EXP, PROGRESS */
	IMPORTERS_FORMAT_KS2,    /* the DfE's key stage 2 school-level table ("england_ks2final.csv") */
	IMPORTERS_FORMAT_KS4,    /* the DfE's key stage 4 table ("england_ks4final.csv") */
};

/* Where an importer's columns are in its file (indices by the importer's enum below). */
struct importers_header {
	int col[IMPORTERS_MAX_COLUMNS];  /* index in the record, -1 absent */
	size_t nfields;                  /* the header's field count: every row must have as many */
	uint32_t default_year;           /* achievement only: the year of rows without one (0: none) */
	/* achievement only */
	enum importers_achievement_format format;
	uint32_t la_code;                /* the DfE's tables: rows of other LAs are skipped (0:
					  * keep every LA); the caller sets it after the header */
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

/* ---- achievement: N2GG's own format and the DfE's performance tables ---- */

enum importers_achievement_column {
	IMPORTERS_ACHIEVEMENT_URN,            /* "URN" */
	IMPORTERS_ACHIEVEMENT_YEAR,           /* N2GG: "YEAR": 2013, 2012/13, 2012-13 or 201213 */
	IMPORTERS_ACHIEVEMENT_EXPECTED,       /* "PTRWM_EXP" (N2GG: or "expected_standard_pct") */
	IMPORTERS_ACHIEVEMENT_PROGRESS,       /* N2GG: "PROGRESS" or "progress" (optional) */
	IMPORTERS_ACHIEVEMENT_RECTYPE,        /* DfE: what the row is: a school, an LA, England */
	IMPORTERS_ACHIEVEMENT_LEA,            /* DfE: the LA's number */
	IMPORTERS_ACHIEVEMENT_SCHNAME,        /* DfE: the school's or the LA's name (optional) */
	IMPORTERS_ACHIEVEMENT_READPROG,       /* KS2 progress scores, each optional */
	IMPORTERS_ACHIEVEMENT_WRITPROG,
	IMPORTERS_ACHIEVEMENT_MATPROG,
	IMPORTERS_ACHIEVEMENT_P8MEA,          /* KS4: Progress 8, each optional */
	IMPORTERS_ACHIEVEMENT_ATT8SCR,        /* KS4: Attainment 8 */
	IMPORTERS_ACHIEVEMENT_BASICS_95,      /* KS4 "PTL2BASICS_95": % grade 5+ in English and maths */
	IMPORTERS_ACHIEVEMENT_COLUMNS
};

/* Reads an achievement file's header and decides its format by the columns it has:
 * - the DfE's key stage 4 table: any of P8MEA, ATT8SCR, PTL2BASICS_95; needs URN,
 *   RECTYPE and LEA;
 * - the DfE's key stage 2 table: any of READPROG, WRITPROG, MATPROG, or RECTYPE with
 *   PTRWM_EXP; needs URN, RECTYPE, LEA and PTRWM_EXP;
 * - otherwise N2GG's own: URN, PTRWM_EXP, YEAR (optional when default_year is given),
 *   PROGRESS (optional), matched case-insensitively as before.
 * The DfE's tables have no YEAR: default_year (the request's --year) is required for them,
 * 2000-2100. A header matching none fails saying what each format needs. */
int importers_achievement_header_parse(const struct csvread_record *rec, uint32_t default_year,
				       struct importers_header *h, struct status *st);
/* "ks2", "ks4", "n2gg": the name ImportReply.format reports. */
const char *importers_achievement_format_name(enum importers_achievement_format format);

enum importers_achievement_kind {
	IMPORTERS_ROW_SCHOOL,       /* a school's results: urn, achievement */
	IMPORTERS_ROW_COMPARATOR,   /* an LA's or England's averages: comparator */
	IMPORTERS_ROW_SKIPPED,      /* another LA's row (note ""), or a row kept by no one (note: why) */
};

/* One row of an achievement file, read. The DfE publishes a marker instead of a figure
 * (SUPP, NE, NP, LOWCOV, NEW, NA, x, c, z, u, or an empty cell): such a value is kept as
 * the Measure's marker, counted in `marked` and named in `note`, never a rejection. */
struct importers_achievement_row {
	enum importers_achievement_kind kind;
	uint32_t urn;                          /* SCHOOL */
	N2gg__V1__Achievement *achievement;    /* SCHOOL (a COMPARATOR's is in comparator) */
	N2gg__V1__Comparator *comparator;      /* COMPARATOR; recorded_* left for the caller */
	uint32_t marked;                       /* values published as a marker */
	const char *note;                      /* "" or "READPROG: SUPP (suppressed); ..." */
};

/* N2GG's format: expected standard 67%, 67 or 67.5, 0..100; SUPP, NE, NA, LOWCOV, x or
 * empty are refused as suppressed (that format has no markers). Progress: a decimal in
 * -20..20; empty (or no column) means 0 and leaves progress_known false.
 * The DfE's tables, by RECTYPE (see importers.c): schools (their URN), an LA's averages
 * (LEA, no URN) and England's state-funded schools' averages become a COMPARATOR; rows of
 * another LA than h->la_code are skipped before anything else is read of them. Values:
 * percentages 67% or 67 in 0..100, KS2 progress scores -40..40, Progress 8 -10..10,
 * Attainment 8 0..90; a value out of its range or neither a number nor a marker is a
 * rejection naming the column and the value. For key stage 2, expected_standard_pct holds
 * PTRWM_EXP's value too (0 when it is a marker). */
int importers_achievement_read(const struct importers_header *h, const struct csvread_record *rec,
			       struct arena *a, struct importers_achievement_row *out,
			       struct status *st);
/* A school's row only, for callers that keep nothing else: as importers_achievement_read,
 * and a comparator or skipped row is refused saying what it is. */
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
