/* gias: the DfE "Get Information about Schools" full extract (edubasealldata*.csv) read
 * into registry School messages, and the rule for merging a re-imported row into the
 * stored school. Pure: records come from csvread, messages go into an arena. */
#ifndef N2GG_GIAS_H
#define N2GG_GIAS_H

#include <stdbool.h>

#include "arena.h"
#include "csvread.h"
#include "status.h"

#include "n2gg/v1/registry.pb-c.h"

/* The extract's columns the registry reads (gias.c names them). */
enum gias_column {
	GIAS_URN,
	GIAS_LA_CODE,
	GIAS_LA_NAME,
	GIAS_ESTABLISHMENT_NUMBER,
	GIAS_NAME,
	GIAS_TYPE_CODE,
	GIAS_TYPE_NAME,
	GIAS_TYPE_GROUP_CODE,
	GIAS_STATUS_CODE,
	GIAS_OPEN_DATE,
	GIAS_CLOSE_DATE,
	GIAS_PHASE_CODE,
	GIAS_LOW_AGE,
	GIAS_HIGH_AGE,
	GIAS_RELIGIOUS_CHARACTER,
	GIAS_TRUST_CODE,
	GIAS_TRUST_NAME,
	GIAS_FEDERATION_CODE,
	GIAS_FEDERATION_NAME,
	GIAS_STREET,
	GIAS_LOCALITY,
	GIAS_ADDRESS3,
	GIAS_TOWN,
	GIAS_COUNTY,
	GIAS_POSTCODE,
	GIAS_WEBSITE,
	GIAS_TELEPHONE,
	GIAS_HEAD_TITLE,
	GIAS_HEAD_FIRST_NAME,
	GIAS_HEAD_LAST_NAME,
	GIAS_EASTING,
	GIAS_NORTHING,
	GIAS_GENDER,
	GIAS_ADMISSIONS_POLICY,
	GIAS_NUMBER_OF_PUPILS,
	GIAS_OFSTED_RATING,
	GIAS_OFSTED_LAST_INSPECTION,
	GIAS_OFSTED_SPECIAL_MEASURES,
	GIAS_COLUMN_COUNT
};

struct gias_header {
	int col[GIAS_COLUMN_COUNT];  /* index in the record per needed column, -1 absent */
	size_t nfields;              /* the header's field count: every row must have as many */
};

/* The extract's header name of a column, e.g. "LA (code)". */
const char *gias_column_name(enum gias_column col);

/* Maps the header record's cells to the columns by exact name (surrounding blanks and a
 * UTF-8 BOM on the first cell tolerated). Fails naming every missing required column
 * (URN, LA (code), EstablishmentNumber, EstablishmentName, EstablishmentStatus (code),
 * PhaseOfEducation (code), TypeOfEstablishment (code)), or a needed column named twice. */
int gias_header_parse(const struct csvread_record *rec, struct gias_header *h, struct status *st);

/* The row's LA code, to filter rows before validating them; -1 if not a number. */
int gias_row_la_code(const struct gias_header *h, const struct csvread_record *rec);

/* Validates a row and builds its School in the arena: every string set ("" when empty),
 * address and headteacher always allocated (chair_of_governors and flags, which GIAS does
 * not carry, left NULL; inspections too: see gias_row_inspection). Fails with
 * STATUS_INVALID_ARGUMENT naming the column and value. */
int gias_row_to_school(const struct gias_header *h, const struct csvread_record *rec,
		       struct arena *a, N2gg__V1__School **out, struct status *st);

/* The row's latest Ofsted judgement as the extract gives it, as an Inspection with
 * source "gias", an ISO start date (from OfstedLastInsp), a grade 1-4 (from OfstedRating
 * (name)) and a category of concern (special measures from that name or from
 * OfstedSpecialMeasures (name), serious weaknesses from the name). *out is NULL when the
 * row carries no judgement: a blank rating or one of GIAS's words for none, or an extract
 * without the Ofsted columns. Fails with STATUS_INVALID_ARGUMENT naming the column and
 * value for a rating or special-measures value it does not know, a rating without a date,
 * a date that is not one or is after `today` (days since the epoch), and a rating that
 * contradicts the special-measures column. What it accepts, school_add_inspection
 * accepts. */
int gias_row_inspection(const struct gias_header *h, const struct csvread_record *rec, int today,
			struct arena *a, N2gg__V1__Inspection **out, struct status *st);

/* Whether the extract's judgement is news to `stored`: no inspection is recorded there on
 * the same or a later start date. GIAS repeats the latest judgement Ofsted published, so
 * an inspection already known from the Ofsted outcomes file (or a newer one) wins, and
 * importing the same extract again adds nothing. */
bool gias_inspection_is_news(const N2gg__V1__School *stored, const N2gg__V1__Inspection *in);

/* The most names gias_merge can report: one per field GIAS owns. */
#define GIAS_MERGE_MAX_CHANGED 27

/* Copies the fields GIAS owns from `incoming` into `stored` (strings copied into the
 * arena) and names each field that changed in `changed` (static strings: "name",
 * "status", "address" for any part of it, "headteacher.name", ...; at most max). Fields
 * the registry owns and GIAS does not carry (cluster_id, flags, inspections, achievement,
 * progress_returns, chair_of_governors, headteacher email/phone, updated_*) are left as
 * they are. stored->address and stored->headteacher are allocated if NULL (an old record).
 * Returns the number of fields changed, which exceeds max if `changed` was too short
 * (0: the row changes nothing). */
int gias_merge(N2gg__V1__School *stored, const N2gg__V1__School *incoming, struct arena *a,
	       const char **changed, int max);

#endif
