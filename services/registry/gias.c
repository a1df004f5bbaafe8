/* gias: GIAS extract rows to School messages, and merging them into stored schools
 * (see gias.h). Columns are found by header name, never by position: DfE adds and
 * reorders columns between releases. */
#include "gias.h"

#include "date.h"
#include "importers.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The columns the registry reads, by their exact header names. The full extract has 140
 * columns; the rest (other census figures, SEN provision, geography...) are not ours.
 *
 * Across the releases we could compare, these names have stayed exactly as they are
 * (other readers of the extract, from EduBase's days to 2026, use the same spellings);
 * what changes is which columns a release has, so no other names are accepted:
 * - the 140-column header scripts/gen-gias writes has OfstedLastInsp and
 *   OfstedSpecialMeasures (code)/(name) after FurtherEducationType, and OfstedRating
 *   (name) near the end;
 * - EduBase-era downloads have OfstedLastInsp and OfstedSpecialMeasures (name) ("In
 *   special measures" / "Not in special measures") but, in those we saw, no OfstedRating
 *   (name);
 * - extracts since early 2025 (about 135 columns) have none of the Ofsted columns: Ofsted
 *   stopped giving single-word judgements in September 2024.
 * So the Ofsted columns, like every column but the seven required below, are optional, and
 * a file without them imports without judgements. */
static const char *const column_names[GIAS_COLUMN_COUNT] = {
	[GIAS_URN] = "URN",
	[GIAS_LA_CODE] = "LA (code)",
	[GIAS_LA_NAME] = "LA (name)",
	[GIAS_ESTABLISHMENT_NUMBER] = "EstablishmentNumber",
	[GIAS_NAME] = "EstablishmentName",
	[GIAS_TYPE_CODE] = "TypeOfEstablishment (code)",
	[GIAS_TYPE_NAME] = "TypeOfEstablishment (name)",
	[GIAS_TYPE_GROUP_CODE] = "EstablishmentTypeGroup (code)",
	[GIAS_STATUS_CODE] = "EstablishmentStatus (code)",
	[GIAS_OPEN_DATE] = "OpenDate",
	[GIAS_CLOSE_DATE] = "CloseDate",
	[GIAS_PHASE_CODE] = "PhaseOfEducation (code)",
	[GIAS_LOW_AGE] = "StatutoryLowAge",
	[GIAS_HIGH_AGE] = "StatutoryHighAge",
	[GIAS_RELIGIOUS_CHARACTER] = "ReligiousCharacter (name)",
	[GIAS_TRUST_CODE] = "Trusts (code)",
	[GIAS_TRUST_NAME] = "Trusts (name)",
	[GIAS_FEDERATION_CODE] = "Federations (code)",
	[GIAS_FEDERATION_NAME] = "Federations (name)",
	[GIAS_STREET] = "Street",
	[GIAS_LOCALITY] = "Locality",
	[GIAS_ADDRESS3] = "Address3",
	[GIAS_TOWN] = "Town",
	[GIAS_COUNTY] = "County (name)",
	[GIAS_POSTCODE] = "Postcode",
	[GIAS_WEBSITE] = "SchoolWebsite",
	[GIAS_TELEPHONE] = "TelephoneNum",
	[GIAS_HEAD_TITLE] = "HeadTitle (name)",
	[GIAS_HEAD_FIRST_NAME] = "HeadFirstName",
	[GIAS_HEAD_LAST_NAME] = "HeadLastName",
	[GIAS_EASTING] = "Easting",
	[GIAS_NORTHING] = "Northing",
	[GIAS_GENDER] = "Gender (name)",
	[GIAS_ADMISSIONS_POLICY] = "AdmissionsPolicy (name)",
	[GIAS_NUMBER_OF_PUPILS] = "NumberOfPupils",
	[GIAS_OFSTED_RATING] = "OfstedRating (name)",
	[GIAS_OFSTED_LAST_INSPECTION] = "OfstedLastInsp",
	/* the name, not the code: the names are what GIAS documents ("In special measures",
	 * "Not in special measures", "Not applicable"); the codes' meaning is not published */
	[GIAS_OFSTED_SPECIAL_MEASURES] = "OfstedSpecialMeasures (name)",
};

/* Without these a row cannot be identified or classified. */
static const bool column_required[GIAS_COLUMN_COUNT] = {
	[GIAS_URN] = true,
	[GIAS_LA_CODE] = true,
	[GIAS_ESTABLISHMENT_NUMBER] = true,
	[GIAS_NAME] = true,
	[GIAS_STATUS_CODE] = true,
	[GIAS_PHASE_CODE] = true,
	[GIAS_TYPE_CODE] = true,
};

const char *gias_column_name(enum gias_column col)
{
	return (unsigned)col < GIAS_COLUMN_COUNT ? column_names[col] : "?";
}

int gias_header_parse(const struct csvread_record *rec, struct gias_header *h, struct status *st)
{
	char missing[400] = "";
	size_t mlen = 0;

	if (rec->error)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "GIAS header: %s", rec->error);
	for (int c = 0; c < GIAS_COLUMN_COUNT; c++)
		h->col[c] = -1;
	h->nfields = rec->nfields;
	for (size_t i = 0; i < rec->nfields; i++) {
		for (int c = 0; c < GIAS_COLUMN_COUNT; c++) {
			if (!csvread_header_is(rec->fields[i], column_names[c], false))
				continue;
			if (h->col[c] >= 0)
				return status_fail(st, STATUS_INVALID_ARGUMENT,
						   "GIAS header: column \"%s\" appears twice (fields %d and %zu)",
						   column_names[c], h->col[c] + 1, i + 1);
			h->col[c] = (int)i;
		}
	}
	for (int c = 0; c < GIAS_COLUMN_COUNT; c++) {
		if (column_required[c] && h->col[c] < 0 && mlen < sizeof missing)
			mlen += (size_t)snprintf(missing + mlen, sizeof missing - mlen, "%s%s",
						 mlen ? ", " : "", column_names[c]);
	}
	if (mlen)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "not a GIAS extract: missing required column(s) %s", missing);
	return 0;
}

/* Whether s is min..max decimal digits; its value in *out. */
static bool parse_digits(const char *s, size_t min, size_t max, unsigned long *out)
{
	size_t n = strlen(s);
	unsigned long v = 0;
	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return true;
}

int gias_row_la_code(const struct gias_header *h, const struct csvread_record *rec)
{
	int i = h->col[GIAS_LA_CODE];
	size_t n;
	unsigned long v;
	char buf[8];
	if (i < 0 || (size_t)i >= rec->nfields)
		return -1;
	const char *s = csvread_trim(rec->fields[i], &n);
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return parse_digits(buf, 1, 3, &v) ? (int)v : -1;
}

/* The registry's phase: special schools and pupil referral units by establishment type
 * (GIAS gives them the phase of the pupils' ages), the rest by GIAS phase. */
static N2gg__V1__Phase phase_of(unsigned long phase_code, unsigned long type_code,
				unsigned long type_group)
{
	switch (type_code) {
	case 7: case 8: case 10: case 12: case 33: case 36: case 44:
		return N2GG__V1__PHASE__PHASE_SPECIAL;
	}
	if (type_group == 5)
		return N2GG__V1__PHASE__PHASE_SPECIAL;
	switch (type_code) {
	case 14: case 38: case 42: case 43:
		return N2GG__V1__PHASE__PHASE_PUPIL_REFERRAL_UNIT;
	}
	switch (phase_code) {
	case 0: return N2GG__V1__PHASE__PHASE_NOT_APPLICABLE;
	case 1: return N2GG__V1__PHASE__PHASE_NURSERY;
	case 2: return N2GG__V1__PHASE__PHASE_PRIMARY;
	case 3: return N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_PRIMARY;
	case 4: return N2GG__V1__PHASE__PHASE_SECONDARY;
	case 5: return N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_SECONDARY;
	case 6: return N2GG__V1__PHASE__PHASE_SIXTEEN_PLUS;
	case 7: return N2GG__V1__PHASE__PHASE_ALL_THROUGH;
	}
	return N2GG__V1__PHASE__PHASE_UNKNOWN;
}

static int bad(struct status *st, enum gias_column c, const char *v, const char *what)
{
	return status_fail(st, STATUS_INVALID_ARGUMENT, "%s \"%.80s\" is not %s", column_names[c], v, what);
}

/* A date column: "" or a date in a form date_normalise knows, written as ISO. */
static int date_column(const char *v, enum gias_column c, struct arena *a, char **out,
		       struct status *st)
{
	char iso[DATE_ISO_LEN];
	if (date_normalise(v, iso) < 0)
		return bad(st, c, v, "a date");
	*out = *iso ? arena_strdup(a, iso) : (char *)"";
	return 0;
}

/* An optional number column: 0 when empty. */
static int number_column(const char *v, enum gias_column c, size_t maxdigits, unsigned long *out,
			 struct status *st)
{
	*out = 0;
	if (*v && !parse_digits(v, 1, maxdigits, out))
		return bad(st, c, v, maxdigits == 2 ? "an age (0-99)" : "a number");
	return 0;
}

/* "Title First Last" without the parts GIAS leaves empty. */
/* GIAS writes "Not applicable" where a head has no title: not part of the name. */
static char *head_name(const char *title, const char *first, const char *last, struct arena *a)
{
	const char *parts[3] = {strcasecmp(title, "Not applicable") == 0 ? "" : title, first, last};
	size_t len = 0;
	for (int i = 0; i < 3; i++)
		len += strlen(parts[i]) + 1;
	char *out = arena_alloc(a, len + 1), *p = out;
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(parts[i]);
		if (!n)
			continue;
		if (p != out)
			*p++ = ' ';
		memcpy(p, parts[i], n);
		p += n;
	}
	*p = '\0';
	return out;
}

int gias_row_to_school(const struct gias_header *h, const struct csvread_record *rec,
		       struct arena *a, N2gg__V1__School **out, struct status *st)
{
	char *v[GIAS_COLUMN_COUNT];
	unsigned long la = 0, number = 0, status = 0, type = 0, group = 0, phase = 0;
	unsigned long low = 0, high = 0, east = 0, north = 0, pupils = 0;
	uint32_t urn = 0;
	int rc;

	if ((rc = csvread_check_row(rec, h->nfields, st)) < 0)
		return rc;
	for (int c = 0; c < GIAS_COLUMN_COUNT; c++)
		v[c] = csvread_column(rec, h->col[c], a);

	if ((rc = importers_parse_urn(v[GIAS_URN], &urn, st)) < 0)
		return rc;
	if (!parse_digits(v[GIAS_LA_CODE], 3, 3, &la))
		return bad(st, GIAS_LA_CODE, v[GIAS_LA_CODE], "a 3-digit number");
	if (!parse_digits(v[GIAS_ESTABLISHMENT_NUMBER], 1, 4, &number))
		return bad(st, GIAS_ESTABLISHMENT_NUMBER, v[GIAS_ESTABLISHMENT_NUMBER], "a number of 1-4 digits");
	if (!*v[GIAS_NAME])
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s is empty", column_names[GIAS_NAME]);
	if (!parse_digits(v[GIAS_STATUS_CODE], 1, 1, &status) || status < 1 || status > 4)
		return bad(st, GIAS_STATUS_CODE, v[GIAS_STATUS_CODE],
			   "a known status (1 open, 2 closed, 3 open but proposed to close, 4 proposed to open)");
	if (!parse_digits(v[GIAS_TYPE_CODE], 1, 4, &type))
		return bad(st, GIAS_TYPE_CODE, v[GIAS_TYPE_CODE], "a number");
	if (*v[GIAS_TYPE_GROUP_CODE] && !parse_digits(v[GIAS_TYPE_GROUP_CODE], 1, 4, &group))
		return bad(st, GIAS_TYPE_GROUP_CODE, v[GIAS_TYPE_GROUP_CODE], "a number");
	if (!parse_digits(v[GIAS_PHASE_CODE], 1, 1, &phase) || phase > 7)
		return bad(st, GIAS_PHASE_CODE, v[GIAS_PHASE_CODE], "a known phase (0-7)");

	N2gg__V1__School *s = arena_message(a, &n2gg__v1__school__descriptor);
	if ((rc = date_column(v[GIAS_OPEN_DATE], GIAS_OPEN_DATE, a, &s->open_date, st)) < 0 ||
	    (rc = date_column(v[GIAS_CLOSE_DATE], GIAS_CLOSE_DATE, a, &s->close_date, st)) < 0 ||
	    (rc = number_column(v[GIAS_LOW_AGE], GIAS_LOW_AGE, 2, &low, st)) < 0 ||
	    (rc = number_column(v[GIAS_HIGH_AGE], GIAS_HIGH_AGE, 2, &high, st)) < 0 ||
	    (rc = number_column(v[GIAS_EASTING], GIAS_EASTING, 7, &east, st)) < 0 ||
	    (rc = number_column(v[GIAS_NORTHING], GIAS_NORTHING, 7, &north, st)) < 0 ||
	    (rc = number_column(v[GIAS_NUMBER_OF_PUPILS], GIAS_NUMBER_OF_PUPILS, 6, &pupils, st)) < 0)
		return rc;

	static const N2gg__V1__SchoolStatus statuses[] = {
		[1] = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN,
		[2] = N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED,
		[3] = N2GG__V1__SCHOOL_STATUS__STATUS_OPEN_PROPOSED_TO_CLOSE,
		[4] = N2GG__V1__SCHOOL_STATUS__STATUS_PROPOSED,
	};
	s->urn = urn;
	s->la_code = (uint32_t)la;
	s->laestab = (uint32_t)(la * 10000 + number);
	s->name = v[GIAS_NAME];
	s->type_code = (uint32_t)type;
	s->type_name = v[GIAS_TYPE_NAME];
	s->type_group_code = (uint32_t)group;
	s->phase = phase_of(phase, type, group);
	s->status = statuses[status];
	s->low_age = (uint32_t)low;
	s->high_age = (uint32_t)high;
	s->easting = (int32_t)east;
	s->northing = (int32_t)north;
	s->religious_character = v[GIAS_RELIGIOUS_CHARACTER];
	s->trust_code = v[GIAS_TRUST_CODE];
	s->trust_name = v[GIAS_TRUST_NAME];
	s->federation_code = v[GIAS_FEDERATION_CODE];
	s->federation_name = v[GIAS_FEDERATION_NAME];
	s->website = v[GIAS_WEBSITE];
	s->telephone = v[GIAS_TELEPHONE];
	s->gender = v[GIAS_GENDER];
	s->admissions_policy = v[GIAS_ADMISSIONS_POLICY];
	s->number_of_pupils = (uint32_t)pupils;

	N2gg__V1__Address *ad = arena_message(a, &n2gg__v1__address__descriptor);
	ad->street = v[GIAS_STREET];
	ad->locality = v[GIAS_LOCALITY];
	ad->address3 = v[GIAS_ADDRESS3];
	ad->town = v[GIAS_TOWN];
	ad->county = v[GIAS_COUNTY];
	ad->postcode = v[GIAS_POSTCODE];
	s->address = ad;

	N2gg__V1__Contact *head = arena_message(a, &n2gg__v1__contact__descriptor);
	head->name = head_name(v[GIAS_HEAD_TITLE], v[GIAS_HEAD_FIRST_NAME], v[GIAS_HEAD_LAST_NAME], a);
	s->headteacher = head;

	*out = s;
	return 0;
}

/* ---- the latest Ofsted judgement ---- */

/* OfstedRating (name), as GIAS writes it (any case). "Satisfactory" is grade 3 before
 * Ofsted renamed it in September 2012; GIAS names the two categories of concern instead of
 * "Inadequate" when the school was placed in one. Grade 0: the row has no judgement:
 * "Not applicable" and "No Ofsted rating" (schools Ofsted does not grade), "Insufficient
 * evidence" (an inspection that reached no overall judgement). */
static const struct gias_rating {
	const char *name;
	uint32_t grade;
	N2gg__V1__CategoryOfConcern concern;
} gias_ratings[] = {
	{"Outstanding", 1, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
	{"Good", 2, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
	{"Requires improvement", 3, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
	{"Satisfactory", 3, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
	{"Inadequate", 4, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
	{"Serious Weaknesses", 4, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES},
	{"Special Measures", 4, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
	{"", 0, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
	{"Not applicable", 0, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
	{"No Ofsted rating", 0, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
	{"Insufficient evidence", 0, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
};

/* What OfstedSpecialMeasures (name) says. GIAS writes "In special measures" / "Not in
 * special measures", or "Not applicable" for schools Ofsted does not inspect; "Yes" and
 * "No" are accepted as the same. Blank and "Not applicable" say nothing either way. */
enum gias_special_measures { GIAS_SM_UNSAID, GIAS_SM_YES, GIAS_SM_NO };

static int special_measures_of(const char *v, enum gias_special_measures *out, struct status *st)
{
	if (!*v || csvread_equal_nocase(v, "Not applicable"))
		*out = GIAS_SM_UNSAID;
	else if (csvread_equal_nocase(v, "In special measures") || csvread_equal_nocase(v, "Yes"))
		*out = GIAS_SM_YES;
	else if (csvread_equal_nocase(v, "Not in special measures") || csvread_equal_nocase(v, "No"))
		*out = GIAS_SM_NO;
	else
		return bad(st, GIAS_OFSTED_SPECIAL_MEASURES, v,
			   "\"In special measures\", \"Not in special measures\", \"Not applicable\", "
			   "Yes, No or blank");
	return 0;
}

static int rating_of(const char *v, const struct gias_rating **out, struct status *st)
{
	for (size_t i = 0; i < sizeof gias_ratings / sizeof gias_ratings[0]; i++) {
		if (csvread_equal_nocase(v, gias_ratings[i].name)) {
			*out = &gias_ratings[i];
			return 0;
		}
	}
	return bad(st, GIAS_OFSTED_RATING, v,
		   "an Ofsted judgement the import knows (Outstanding, Good, Requires improvement, "
		   "Satisfactory, Inadequate, Serious Weaknesses, Special Measures; blank, "
		   "Not applicable, No Ofsted rating or Insufficient evidence for none)");
}

int gias_row_inspection(const struct gias_header *h, const struct csvread_record *rec, int today,
			struct arena *a, N2gg__V1__Inspection **out, struct status *st)
{
	const char *rating_text = csvread_column(rec, h->col[GIAS_OFSTED_RATING], a);
	const char *date_text = csvread_column(rec, h->col[GIAS_OFSTED_LAST_INSPECTION], a);
	const char *sm_text = csvread_column(rec, h->col[GIAS_OFSTED_SPECIAL_MEASURES], a);
	const struct gias_rating *rating = NULL;
	enum gias_special_measures sm = GIAS_SM_UNSAID;
	int rc, day = 0;

	*out = NULL;
	if ((rc = csvread_check_row(rec, h->nfields, st)) < 0 ||
	    (rc = rating_of(rating_text, &rating, st)) < 0 ||
	    (rc = special_measures_of(sm_text, &sm, st)) < 0)
		return rc;
	/* the date is checked even when the row has no judgement: a bad date is a bad file */
	if (*date_text && date_parse(date_text, &day) < 0)
		return bad(st, GIAS_OFSTED_LAST_INSPECTION, date_text, "a date (DD-MM-YYYY)");
	if (*date_text && day > today)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s \"%.80s\" is in the future",
				   column_names[GIAS_OFSTED_LAST_INSPECTION], date_text);

	uint32_t grade = rating->grade;
	N2gg__V1__CategoryOfConcern concern = rating->concern;
	if (sm == GIAS_SM_YES) {
		/* special measures is always an inadequate judgement, so it stands for one where
		 * the extract has no rating column or leaves it blank (EduBase-era files) */
		if (grade == 0) {
			grade = 4;
		} else if (grade != 4 || concern == N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES) {
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%s \"%.80s\" contradicts %s \"%.80s\": only an inadequate "
					   "school is placed in special measures",
					   column_names[GIAS_OFSTED_SPECIAL_MEASURES], sm_text,
					   column_names[GIAS_OFSTED_RATING], rating_text);
		}
		concern = N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES;
	} else if (sm == GIAS_SM_NO &&
		   concern == N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES) {
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s \"%.80s\" contradicts %s \"%.80s\"",
				   column_names[GIAS_OFSTED_SPECIAL_MEASURES], sm_text,
				   column_names[GIAS_OFSTED_RATING], rating_text);
	}
	if (grade == 0)
		return 0;
	if (!*date_text)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s \"%.80s\" has no %s: a judgement is recorded with its "
				   "inspection's date",
				   rating->grade ? column_names[GIAS_OFSTED_RATING]
						 : column_names[GIAS_OFSTED_SPECIAL_MEASURES],
				   rating->grade ? rating_text : sm_text,
				   column_names[GIAS_OFSTED_LAST_INSPECTION]);

	char iso[DATE_ISO_LEN];
	N2gg__V1__Inspection *in = arena_message(a, &n2gg__v1__inspection__descriptor);
	in->start_date = arena_strdup(a, date_format(day, iso));
	in->overall_effectiveness = grade;
	in->category_of_concern = concern;
	in->source = (char *)"gias";
	*out = in;
	return 0;
}

bool gias_inspection_is_news(const N2gg__V1__School *stored, const N2gg__V1__Inspection *in)
{
	/* ISO dates compare as text */
	for (size_t i = 0; i < stored->n_inspections; i++) {
		const char *d = stored->inspections[i]->start_date;
		if (strcmp(d ? d : "", in->start_date) >= 0)
			return false;
	}
	return true;
}

/* ---- merging ---- */

struct changes {
	const char **names;
	int max, n;
};

static void note(struct changes *c, const char *name)
{
	if (c->n < c->max)
		c->names[c->n] = name;
	c->n++;
}

static const char *str(const char *s)
{
	return s ? s : "";
}

/* Copies a string field if it differs; true if it did. */
static bool merge_str(char **stored, const char *incoming, struct arena *a)
{
	if (strcmp(str(*stored), str(incoming)) == 0)
		return false;
	*stored = arena_strdup(a, str(incoming));
	return true;
}

#define MERGE_NUM(field)                                      \
	do {                                                  \
		if (stored->field != incoming->field) {       \
			stored->field = incoming->field;      \
			note(&c, #field);                     \
		}                                             \
	} while (0)

#define MERGE_STR(field)                                           \
	do {                                                       \
		if (merge_str(&stored->field, incoming->field, a)) \
			note(&c, #field);                          \
	} while (0)

int gias_merge(N2gg__V1__School *stored, const N2gg__V1__School *incoming, struct arena *a,
	       const char **changed, int max)
{
	struct changes c = {changed, max, 0};
	static const N2gg__V1__Address no_address = N2GG__V1__ADDRESS__INIT;
	static const N2gg__V1__Contact no_contact = N2GG__V1__CONTACT__INIT;

	MERGE_NUM(urn);
	MERGE_NUM(laestab);
	MERGE_NUM(la_code);
	MERGE_STR(name);
	MERGE_NUM(type_code);
	MERGE_STR(type_name);
	MERGE_NUM(type_group_code);
	MERGE_NUM(phase);
	MERGE_NUM(status);
	MERGE_STR(open_date);
	MERGE_STR(close_date);
	MERGE_NUM(low_age);
	MERGE_NUM(high_age);
	MERGE_NUM(easting);
	MERGE_NUM(northing);
	MERGE_STR(religious_character);
	MERGE_STR(federation_code);
	MERGE_STR(federation_name);
	MERGE_STR(trust_code);
	MERGE_STR(trust_name);
	MERGE_STR(website);
	MERGE_STR(telephone);
	MERGE_STR(gender);
	MERGE_STR(admissions_policy);
	MERGE_NUM(number_of_pupils);

	/* an old record may lack the nested messages: they are created, which is no change */
	if (!stored->address)
		stored->address = arena_message(a, &n2gg__v1__address__descriptor);
	if (!stored->headteacher)
		stored->headteacher = arena_message(a, &n2gg__v1__contact__descriptor);

	const N2gg__V1__Address *in_ad = incoming->address ? incoming->address : &no_address;
	N2gg__V1__Address *ad = stored->address;
	bool moved = false;
	moved |= merge_str(&ad->street, in_ad->street, a);
	moved |= merge_str(&ad->locality, in_ad->locality, a);
	moved |= merge_str(&ad->address3, in_ad->address3, a);
	moved |= merge_str(&ad->town, in_ad->town, a);
	moved |= merge_str(&ad->county, in_ad->county, a);
	moved |= merge_str(&ad->postcode, in_ad->postcode, a);
	if (moved)
		note(&c, "address");

	const N2gg__V1__Contact *in_head = incoming->headteacher ? incoming->headteacher : &no_contact;
	if (merge_str(&stored->headteacher->name, in_head->name, a))
		note(&c, "headteacher.name");
	return c.n;
}
