/* test_gias: GIAS header mapping, row validation and mapping, and merging re-imports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"

#include "date.h"
#include "gias.h"
#include "school.h"

/* A small extract: the needed columns in another order than DfE's, among unknown ones,
 * so that a mapping by position would fail. */
static const char *const header[] = {
	"Northing", "Easting", "SchoolCapacity", "HeadLastName", "HeadFirstName",
	"HeadTitle (name)", "TelephoneNum", "SchoolWebsite", "Postcode", "County (name)",
	"Town", "Address3", "Locality", "Street", "Federations (name)", "Federations (code)",
	"Trusts (name)", "Trusts (code)", "ReligiousCharacter (name)", "Gender (name)",
	"StatutoryHighAge", "StatutoryLowAge", "PhaseOfEducation (code)", "PhaseOfEducation (name)",
	"CloseDate", "OpenDate", "EstablishmentStatus (code)", "EstablishmentTypeGroup (code)",
	"TypeOfEstablishment (name)", "TypeOfEstablishment (code)", "EstablishmentName",
	"EstablishmentNumber", "LA (name)", "LA (code)", "URN", "NumberOfPupils",
	"OfstedRating (name)", "AdmissionsPolicy (name)", "OfstedSpecialMeasures (name)",
	"OfstedSpecialMeasures (code)", "OfstedLastInsp",
};
#define NCOLS (sizeof header / sizeof header[0])

static const char *const good[][2] = {
	{"URN", "121234"},
	{"LA (code)", "926"},
	{"LA (name)", "Norfolk"},
	{"EstablishmentNumber", "2001"},
	{"EstablishmentName", "Ashwood Primary School"},
	{"TypeOfEstablishment (code)", "1"},
	{"TypeOfEstablishment (name)", "Community school"},
	{"EstablishmentTypeGroup (code)", "4"},
	{"EstablishmentStatus (code)", "1"},
	{"OpenDate", "01-09-1995"},
	{"CloseDate", ""},
	{"PhaseOfEducation (code)", "2"},
	{"PhaseOfEducation (name)", "Primary"},
	{"StatutoryLowAge", "4"},
	{"StatutoryHighAge", "11"},
	{"ReligiousCharacter (name)", "Does not apply"},
	{"Trusts (code)", "5123"},
	{"Trusts (name)", "Broadland Learning Trust"},
	{"Federations (code)", "F123"},
	{"Federations (name)", "Ashwood Federation"},
	{"Street", "School Lane"},
	{"Locality", "Ashwood"},
	{"Address3", "Little Ashwood"},
	{"Town", "Norwich"},
	{"County (name)", "Norfolk"},
	{"Postcode", "NR1 1AA"},
	{"SchoolWebsite", "www.ashwood.norfolk.sch.uk"},
	{"TelephoneNum", "01603 123456"},
	{"HeadTitle (name)", "Mrs"},
	{"HeadFirstName", "Jane"},
	{"HeadLastName", "Smith"},
	{"Easting", "623456"},
	{"Northing", "308765"},
	{"SchoolCapacity", "210"},
	{"Gender (name)", "Mixed"},
	{"NumberOfPupils", "198"},
	{"AdmissionsPolicy (name)", "Not applicable"},
	{"OfstedLastInsp", "14-05-2013"},
	{"OfstedSpecialMeasures (code)", "0"},
	{"OfstedSpecialMeasures (name)", "Not in special measures"},
	{"OfstedRating (name)", "Good"},
};

struct row {
	char *cell[NCOLS];
};

static size_t col_index(const char *name)
{
	for (size_t i = 0; i < NCOLS; i++)
		if (strcmp(header[i], name) == 0)
			return i;
	print_error("test bug: no column %s\n", name);
	fail();
	return 0;
}

static void set(struct row *r, const char *name, const char *value)
{
	r->cell[col_index(name)] = (char *)value;
}

static void good_row(struct row *r)
{
	for (size_t i = 0; i < NCOLS; i++)
		r->cell[i] = (char *)"";
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		set(r, good[i][0], good[i][1]);
}

static struct csvread_record rec_of(struct row *r)
{
	return (struct csvread_record){.line = 2, .nfields = NCOLS, .fields = r->cell};
}

static struct gias_header parsed_header(void)
{
	struct gias_header h;
	struct status st = {0};
	struct csvread_record rec = {.line = 1, .nfields = NCOLS, .fields = (char **)header};
	assert_int_equal(gias_header_parse(&rec, &h, &st), 0);
	return h;
}


/* Converts a row that must be good. */
static N2gg__V1__School *school_of(struct row *r, struct arena *a)
{
	struct gias_header h = parsed_header();
	struct csvread_record rec = rec_of(r);
	struct status st = {0};
	N2gg__V1__School *s = NULL;
	int rc = gias_row_to_school(&h, &rec, a, &s, &st);
	if (rc != 0)
		print_error("gias_row_to_school: %s\n", st.message);
	assert_int_equal(rc, 0);
	assert_non_null(s);
	return s;
}

/* Converts a row that must be rejected, with a reason containing `why`. */
static void assert_rejected(struct row *r, struct arena *a, const char *why)
{
	struct gias_header h = parsed_header();
	struct csvread_record rec = rec_of(r);
	struct status st = {0};
	N2gg__V1__School *s = NULL;
	assert_true(gias_row_to_school(&h, &rec, a, &s, &st) < 0);
	assert_int_equal(st.code, STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, why);
}

/* ---- header ---- */

static void header_maps_by_name(void **state)
{
	(void)state;
	struct gias_header h = parsed_header();
	assert_int_equal(h.nfields, NCOLS);
	for (int c = 0; c < GIAS_COLUMN_COUNT; c++) {
		assert_true(h.col[c] >= 0);
		assert_string_equal(header[h.col[c]], gias_column_name((enum gias_column)c));
	}
	assert_int_equal(h.col[GIAS_URN], col_index("URN"));
	assert_int_equal(h.col[GIAS_NORTHING], 0);
}

static void header_missing_required(void **state)
{
	(void)state;
	const char *cells[NCOLS];
	memcpy(cells, header, sizeof cells);
	cells[col_index("URN")] = "URN2";
	cells[col_index("PhaseOfEducation (code)")] = "Phase";
	cells[col_index("Street")] = "Road";  /* optional: not named */
	struct csvread_record rec = {.line = 1, .nfields = NCOLS, .fields = (char **)cells};
	struct gias_header h;
	struct status st = {0};
	assert_true(gias_header_parse(&rec, &h, &st) < 0);
	assert_int_equal(st.code, STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, "URN");
	assert_contains(st.message, "PhaseOfEducation (code)");
	assert_null(strstr(st.message, "Street"));
	assert_null(strstr(st.message, "EstablishmentName"));
}

static void header_only_required_columns(void **state)
{
	(void)state;
	const char *cells[] = {"EstablishmentName", "URN", "LA (code)", "EstablishmentNumber",
			       "EstablishmentStatus (code)", "PhaseOfEducation (code)",
			       "TypeOfEstablishment (code)"};
	struct csvread_record rec = {.line = 1, .nfields = 7, .fields = (char **)cells};
	struct gias_header h;
	struct status st = {0};
	assert_int_equal(gias_header_parse(&rec, &h, &st), 0);
	assert_int_equal(h.col[GIAS_URN], 1);
	assert_int_equal(h.col[GIAS_STREET], -1);
}

static void header_bom_and_duplicates(void **state)
{
	(void)state;
	const char *cells[NCOLS];
	struct gias_header h;
	struct status st = {0};
	memcpy(cells, header, sizeof cells);
	cells[0] = "\xEF\xBB\xBFNorthing";
	struct csvread_record rec = {.line = 1, .nfields = NCOLS, .fields = (char **)cells};
	assert_int_equal(gias_header_parse(&rec, &h, &st), 0);
	assert_int_equal(h.col[GIAS_NORTHING], 0);

	cells[col_index("SchoolCapacity")] = "URN";
	assert_true(gias_header_parse(&rec, &h, &st) < 0);
	assert_contains(st.message, "\"URN\" appears twice");
}

static void header_exact_names(void **state)
{
	(void)state;
	const char *cells[NCOLS];
	struct gias_header h;
	struct status st = {0};
	memcpy(cells, header, sizeof cells);
	cells[col_index("LA (code)")] = "la (code)";
	struct csvread_record rec = {.line = 1, .nfields = NCOLS, .fields = (char **)cells};
	assert_true(gias_header_parse(&rec, &h, &st) < 0);
	assert_contains(st.message, "LA (code)");
}

/* ---- rows ---- */

static void good_row_every_field(void **state)
{
	struct row r;
	good_row(&r);
	N2gg__V1__School *s = school_of(&r, *state);
	assert_int_equal(s->urn, 121234);
	assert_int_equal(s->la_code, 926);
	assert_int_equal(s->laestab, 9262001);
	assert_string_equal(s->name, "Ashwood Primary School");
	assert_int_equal(s->type_code, 1);
	assert_string_equal(s->type_name, "Community school");
	assert_int_equal(s->type_group_code, 4);
	assert_int_equal(s->phase, N2GG__V1__PHASE__PHASE_PRIMARY);
	assert_int_equal(s->status, N2GG__V1__SCHOOL_STATUS__STATUS_OPEN);
	assert_string_equal(s->open_date, "1995-09-01");
	assert_string_equal(s->close_date, "");
	assert_int_equal(s->low_age, 4);
	assert_int_equal(s->high_age, 11);
	assert_string_equal(s->religious_character, "Does not apply");
	assert_string_equal(s->trust_code, "5123");
	assert_string_equal(s->trust_name, "Broadland Learning Trust");
	assert_string_equal(s->federation_code, "F123");
	assert_string_equal(s->federation_name, "Ashwood Federation");
	assert_string_equal(s->website, "www.ashwood.norfolk.sch.uk");
	assert_string_equal(s->telephone, "01603 123456");
	assert_int_equal(s->easting, 623456);
	assert_int_equal(s->northing, 308765);
	assert_string_equal(s->gender, "Mixed");
	assert_string_equal(s->admissions_policy, "Not applicable");
	assert_int_equal(s->number_of_pupils, 198);
	assert_non_null(s->address);
	assert_string_equal(s->address->street, "School Lane");
	assert_string_equal(s->address->locality, "Ashwood");
	assert_string_equal(s->address->address3, "Little Ashwood");
	assert_string_equal(s->address->town, "Norwich");
	assert_string_equal(s->address->county, "Norfolk");
	assert_string_equal(s->address->postcode, "NR1 1AA");
	assert_non_null(s->headteacher);
	assert_string_equal(s->headteacher->name, "Mrs Jane Smith");
	assert_string_equal(s->headteacher->email, "");
	assert_string_equal(s->headteacher->phone, "");
	/* what GIAS does not carry stays empty; its Ofsted judgement is gias_row_inspection's */
	assert_string_equal(s->cluster_id, "");
	assert_null(s->flags);
	assert_int_equal(s->n_inspections, 0);
	/* the message is complete enough to pack */
	assert_true(protobuf_c_message_check(&s->base));
}

static void values_trimmed(void **state)
{
	struct row r;
	good_row(&r);
	set(&r, "URN", " 121234 ");
	set(&r, "LA (code)", "926 ");
	set(&r, "EstablishmentNumber", "\t7");
	set(&r, "EstablishmentName", "  Ashwood Primary School  ");
	set(&r, "Postcode", " NR1 1AA ");
	set(&r, "HeadFirstName", " Jane ");
	set(&r, "OpenDate", " 01/09/1995 ");
	N2gg__V1__School *s = school_of(&r, *state);
	assert_int_equal(s->urn, 121234);
	assert_int_equal(s->laestab, 9260007);
	assert_string_equal(s->name, "Ashwood Primary School");
	assert_string_equal(s->address->postcode, "NR1 1AA");
	assert_string_equal(s->headteacher->name, "Mrs Jane Smith");
	assert_string_equal(s->open_date, "1995-09-01");
}

static void optional_values_empty(void **state)
{
	struct row r;
	for (size_t i = 0; i < NCOLS; i++)
		r.cell[i] = (char *)"";
	set(&r, "URN", "121234");
	set(&r, "LA (code)", "926");
	set(&r, "EstablishmentNumber", "2001");
	set(&r, "EstablishmentName", "Ashwood");
	set(&r, "EstablishmentStatus (code)", "4");
	set(&r, "PhaseOfEducation (code)", "0");
	set(&r, "TypeOfEstablishment (code)", "1");
	N2gg__V1__School *s = school_of(&r, *state);
	const char *strings[] = {
		s->type_name, s->open_date, s->close_date, s->religious_character, s->federation_code,
		s->federation_name, s->trust_code, s->trust_name, s->website, s->telephone,
		s->address->street, s->address->locality, s->address->address3, s->address->town,
		s->address->county, s->address->postcode, s->headteacher->name, s->gender,
		s->admissions_policy,
	};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		assert_non_null(strings[i]);
		assert_string_equal(strings[i], "");
	}
	assert_int_equal(s->status, N2GG__V1__SCHOOL_STATUS__STATUS_PROPOSED);
	assert_int_equal(s->phase, N2GG__V1__PHASE__PHASE_NOT_APPLICABLE);
	assert_int_equal(s->easting, 0);
	assert_int_equal(s->low_age, 0);
	assert_int_equal(s->number_of_pupils, 0);
	assert_true(protobuf_c_message_check(&s->base));
}

static void headteacher_name_parts(void **state)
{
	static const char *const cases[][4] = {
		{"Mr", "John", "Smith", "Mr John Smith"},
		{"", "Jane", "Smith", "Jane Smith"},
		{"Dr", "", "Patel", "Dr Patel"},
		{"Ms", "Ann", "", "Ms Ann"},
		{" ", "", " Lee ", "Lee"},
		{"", "", "", ""},
		{"Not applicable", "Sam", "Ng", "Sam Ng"},   /* GIAS's word for no title */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct row r;
		good_row(&r);
		set(&r, "HeadTitle (name)", cases[i][0]);
		set(&r, "HeadFirstName", cases[i][1]);
		set(&r, "HeadLastName", cases[i][2]);
		assert_string_equal(school_of(&r, *state)->headteacher->name, cases[i][3]);
	}
}

static void statuses(void **state)
{
	static const struct { const char *code; N2gg__V1__SchoolStatus status; } cases[] = {
		{"1", N2GG__V1__SCHOOL_STATUS__STATUS_OPEN},
		{"2", N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED},
		{"3", N2GG__V1__SCHOOL_STATUS__STATUS_OPEN_PROPOSED_TO_CLOSE},
		{"4", N2GG__V1__SCHOOL_STATUS__STATUS_PROPOSED},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct row r;
		good_row(&r);
		set(&r, "EstablishmentStatus (code)", cases[i].code);
		set(&r, "CloseDate", "31/08/2024");
		N2gg__V1__School *s = school_of(&r, *state);
		assert_int_equal(s->status, cases[i].status);
		assert_string_equal(s->close_date, "2024-08-31");
	}
}

static void phases(void **state)
{
	static const struct { const char *phase, *type, *group; N2gg__V1__Phase want; } cases[] = {
		{"0", "1", "4", N2GG__V1__PHASE__PHASE_NOT_APPLICABLE},
		{"1", "15", "4", N2GG__V1__PHASE__PHASE_NURSERY},
		{"2", "1", "4", N2GG__V1__PHASE__PHASE_PRIMARY},
		{"3", "1", "4", N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_PRIMARY},
		{"4", "28", "10", N2GG__V1__PHASE__PHASE_SECONDARY},
		{"5", "1", "4", N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_SECONDARY},
		{"6", "18", "9", N2GG__V1__PHASE__PHASE_SIXTEEN_PLUS},
		{"7", "34", "10", N2GG__V1__PHASE__PHASE_ALL_THROUGH},
		/* special schools by type, whatever GIAS gives as their phase */
		{"2", "7", "5", N2GG__V1__PHASE__PHASE_SPECIAL},
		{"4", "8", "4", N2GG__V1__PHASE__PHASE_SPECIAL},
		{"0", "10", "", N2GG__V1__PHASE__PHASE_SPECIAL},
		{"0", "12", "4", N2GG__V1__PHASE__PHASE_SPECIAL},
		{"7", "33", "10", N2GG__V1__PHASE__PHASE_SPECIAL},
		{"2", "36", "10", N2GG__V1__PHASE__PHASE_SPECIAL},
		{"4", "44", "10", N2GG__V1__PHASE__PHASE_SPECIAL},
		/* ... or by type group 5 */
		{"2", "99", "5", N2GG__V1__PHASE__PHASE_SPECIAL},
		{"0", "14", "5", N2GG__V1__PHASE__PHASE_SPECIAL},
		/* pupil referral units */
		{"0", "14", "4", N2GG__V1__PHASE__PHASE_PUPIL_REFERRAL_UNIT},
		{"4", "38", "10", N2GG__V1__PHASE__PHASE_PUPIL_REFERRAL_UNIT},
		{"0", "42", "", N2GG__V1__PHASE__PHASE_PUPIL_REFERRAL_UNIT},
		{"2", "43", "10", N2GG__V1__PHASE__PHASE_PUPIL_REFERRAL_UNIT},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct row r;
		good_row(&r);
		set(&r, "PhaseOfEducation (code)", cases[i].phase);
		set(&r, "TypeOfEstablishment (code)", cases[i].type);
		set(&r, "EstablishmentTypeGroup (code)", cases[i].group);
		N2gg__V1__School *s = school_of(&r, *state);
		if (s->phase != cases[i].want)
			print_error("case %zu: phase %s type %s group %s\n", i, cases[i].phase,
				    cases[i].type, cases[i].group);
		assert_int_equal(s->phase, cases[i].want);
	}
}

static void each_rejection(void **state)
{
	static const char *const cases[][3] = {
		{"URN", "12A456", "URN \"12A456\" is not a 6-digit number"},
		{"URN", "12345", "URN \"12345\" is not a 6-digit number"},
		{"URN", "1212345", "URN \"1212345\" is not a 6-digit number"},
		{"URN", "012345", "URN \"012345\" is not a 6-digit number"},
		{"URN", " ", "URN is empty"},
		{"LA (code)", "92", "LA (code) \"92\" is not a 3-digit number"},
		{"LA (code)", "9260", "LA (code) \"9260\" is not a 3-digit number"},
		{"LA (code)", "", "LA (code) \"\" is not a 3-digit number"},
		{"EstablishmentNumber", "12345", "EstablishmentNumber \"12345\" is not a number of 1-4 digits"},
		{"EstablishmentNumber", "", "EstablishmentNumber \"\" is not"},
		{"EstablishmentNumber", "2O01", "EstablishmentNumber \"2O01\""},
		{"EstablishmentName", "   ", "EstablishmentName is empty"},
		{"EstablishmentStatus (code)", "9", "EstablishmentStatus (code) \"9\" is not a known status"},
		{"EstablishmentStatus (code)", "0", "EstablishmentStatus (code) \"0\""},
		{"EstablishmentStatus (code)", "Open", "EstablishmentStatus (code) \"Open\""},
		{"TypeOfEstablishment (code)", "x", "TypeOfEstablishment (code) \"x\" is not a number"},
		{"TypeOfEstablishment (code)", "", "TypeOfEstablishment (code) \"\" is not a number"},
		{"EstablishmentTypeGroup (code)", "four", "EstablishmentTypeGroup (code) \"four\" is not a number"},
		{"PhaseOfEducation (code)", "8", "PhaseOfEducation (code) \"8\" is not a known phase (0-7)"},
		{"PhaseOfEducation (code)", "", "PhaseOfEducation (code) \"\""},
		{"OpenDate", "31-02-2019", "OpenDate \"31-02-2019\" is not a date"},
		{"OpenDate", "1995", "OpenDate \"1995\" is not a date"},
		{"CloseDate", "soon", "CloseDate \"soon\" is not a date"},
		{"StatutoryLowAge", "four", "StatutoryLowAge \"four\" is not an age"},
		{"StatutoryHighAge", "-1", "StatutoryHighAge \"-1\" is not an age"},
		{"StatutoryHighAge", "110", "StatutoryHighAge \"110\""},
		{"Easting", "6234.5", "Easting \"6234.5\" is not a number"},
		{"Northing", "N/A", "Northing \"N/A\" is not a number"},
		{"NumberOfPupils", "about 200", "NumberOfPupils \"about 200\" is not a number"},
		{"NumberOfPupils", "-3", "NumberOfPupils \"-3\" is not a number"},
		{"NumberOfPupils", "1234567", "NumberOfPupils \"1234567\" is not a number"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct row r;
		good_row(&r);
		set(&r, cases[i][0], cases[i][1]);
		assert_rejected(&r, *state, cases[i][2]);
	}
}

static void malformed_and_short_records(void **state)
{
	struct gias_header h = parsed_header();
	struct row r;
	struct status st = {0};
	N2gg__V1__School *s = NULL;
	good_row(&r);

	struct csvread_record rec = rec_of(&r);
	rec.error = "field 3: byte 0x81 is not a Windows-1252 character";
	assert_true(gias_row_to_school(&h, &rec, *state, &s, &st) < 0);
	assert_string_equal(st.message, rec.error);

	rec = rec_of(&r);
	rec.nfields = NCOLS - 1;
	assert_true(gias_row_to_school(&h, &rec, *state, &s, &st) < 0);
	assert_contains(st.message, "row has 40 fields but the header has 41");
}

static void la_code_for_filtering(void **state)
{
	(void)state;
	struct gias_header h = parsed_header();
	struct row r;
	good_row(&r);
	struct csvread_record rec = rec_of(&r);
	assert_int_equal(gias_row_la_code(&h, &rec), 926);
	set(&r, "LA (code)", " 873 ");
	assert_int_equal(gias_row_la_code(&h, &rec), 873);
	set(&r, "LA (code)", "Norfolk");
	assert_int_equal(gias_row_la_code(&h, &rec), -1);
	set(&r, "LA (code)", "");
	assert_int_equal(gias_row_la_code(&h, &rec), -1);
	rec.nfields = 3;  /* a cut row without the column */
	assert_int_equal(gias_row_la_code(&h, &rec), -1);
}

/* The whole path from file bytes: Windows-1252, quoted commas, CRLF. */
struct through {
	struct gias_header h;
	struct arena *a;
	N2gg__V1__School *schools[4];
	int n, rejected;
	char reason[600];
};

static int on_record(void *ctx, const struct csvread_record *rec)
{
	struct through *t = ctx;
	struct status st = {0};
	if (rec->line == 1) {
		assert_int_equal(gias_header_parse(rec, &t->h, &st), 0);
		return 0;
	}
	if (gias_row_to_school(&t->h, rec, t->a, &t->schools[t->n], &st) == 0) {
		t->n++;
	} else {
		t->rejected++;
		snprintf(t->reason, sizeof t->reason, "line %zu: %s", rec->line, st.message);
	}
	return 0;
}

static void through_csvread(void **state)
{
	static const char file[] =
		"Town,URN,EstablishmentName,LA (code),Extra,EstablishmentNumber,"
		"EstablishmentStatus (code),PhaseOfEducation (code),TypeOfEstablishment (code),HeadLastName\r\n"
		"Norwich,121234,\"St Mary's, Church of England\",926,\"a\r\nb\",3001,1,2,1,Bront\xEB\r\n"
		"Cromer,12A456,Bad,926,,3002,1,2,1,X\r\n";
	struct through t = {.a = *state};
	struct status st = {0};
	assert_int_equal(csvread_parse(file, sizeof file - 1, CSVREAD_AUTO, on_record, &t, &st), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.schools[0]->name, "St Mary's, Church of England");
	assert_string_equal(t.schools[0]->headteacher->name, "Bront\xC3\xAB");
	assert_int_equal(t.schools[0]->laestab, 9263001);
	assert_int_equal(t.rejected, 1);
	assert_string_equal(t.reason, "line 4: URN \"12A456\" is not a 6-digit number");
}

/* ---- the latest Ofsted judgement ---- */

/* Days since the epoch of an ISO date, for a fixed "today". */
static int day_of(const char *iso)
{
	int day = 0;
	assert_int_equal(date_parse(iso, &day), 0);
	return day;
}

/* The judgement of a row that must be accepted (NULL: the row has none). */
static N2gg__V1__Inspection *judgement_of(struct row *r, struct arena *a, int today)
{
	struct gias_header h = parsed_header();
	struct csvread_record rec = rec_of(r);
	struct status st = {0};
	N2gg__V1__Inspection *in = (void *)&st;   /* must be overwritten */
	int rc = gias_row_inspection(&h, &rec, today, a, &in, &st);
	if (rc != 0)
		print_error("gias_row_inspection: %s\n", st.message);
	assert_int_equal(rc, 0);
	assert_ptr_not_equal(in, (void *)&st);
	return in;
}

/* A row whose judgement must be refused, with a reason containing `why`. */
static void assert_judgement_rejected(struct row *r, struct arena *a, int today, const char *why)
{
	struct gias_header h = parsed_header();
	struct csvread_record rec = rec_of(r);
	struct status st = {0};
	N2gg__V1__Inspection *in = NULL;
	assert_true(gias_row_inspection(&h, &rec, today, a, &in, &st) < 0);
	assert_null(in);
	assert_int_equal(st.code, STATUS_INVALID_ARGUMENT);
	assert_contains(st.message, why);
}

static void judgement_from_good_row(void **state)
{
	struct arena *a = *state;
	struct row r;
	good_row(&r);
	N2gg__V1__Inspection *in = judgement_of(&r, a, day_of("2020-01-01"));
	assert_non_null(in);
	assert_string_equal(in->start_date, "2013-05-14");
	assert_int_equal(in->overall_effectiveness, 2);
	assert_int_equal(in->category_of_concern, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	assert_string_equal(in->source, "gias");
	assert_true(protobuf_c_message_check(&in->base));

	/* it folds into the row's school as the registry folds any inspection */
	N2gg__V1__School *s = school_of(&r, a);
	struct status st = {0};
	school_complete(s, a);
	assert_int_equal(school_add_inspection(s, in, day_of("2020-01-01"), a, &st), 1);
	assert_int_equal(s->n_inspections, 1);
	assert_string_equal(s->inspections[0]->source, "gias");
}

static void judgement_names(void **state)
{
	static const struct {
		const char *rating, *special_measures;
		uint32_t grade;
		N2gg__V1__CategoryOfConcern concern;
	} cases[] = {
		{"Outstanding", "Not in special measures", 1, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"Good", "", 2, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"Requires improvement", "Not applicable", 3, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"Requires Improvement", "No", 3, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		/* grade 3 before September 2012 */
		{"Satisfactory", "Not in special measures", 3, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"Inadequate", "Not in special measures", 4, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"Inadequate", "In special measures", 4,
		 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
		{"Serious Weaknesses", "Not in special measures", 4,
		 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES},
		{"serious weaknesses", "", 4, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES},
		{"Special Measures", "In special measures", 4,
		 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
		{"Special Measures", "Not applicable", 4,
		 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
		/* special measures without a rating: an EduBase-era row */
		{"", "In special measures", 4, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
		{"Not applicable", "Yes", 4, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
		/* the words for no judgement */
		{"", "Not in special measures", 0, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"", "", 0, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"Not applicable", "Not applicable", 0, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"No Ofsted rating", "", 0, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"Insufficient evidence", "No", 0, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
	};
	struct arena *a = *state;
	int today = day_of("2020-01-01");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct row r;
		good_row(&r);
		set(&r, "OfstedRating (name)", cases[i].rating);
		set(&r, "OfstedSpecialMeasures (name)", cases[i].special_measures);
		N2gg__V1__Inspection *in = judgement_of(&r, a, today);
		if (cases[i].grade == 0) {
			assert_null(in);
			continue;
		}
		assert_non_null(in);
		if (in->overall_effectiveness != cases[i].grade ||
		    in->category_of_concern != cases[i].concern)
			print_error("case %zu: \"%s\" / \"%s\"\n", i, cases[i].rating,
				    cases[i].special_measures);
		assert_int_equal(in->overall_effectiveness, cases[i].grade);
		assert_int_equal(in->category_of_concern, cases[i].concern);
		/* whatever the import accepts, the registry's own rule accepts */
		N2gg__V1__School *s = school_of(&r, a);
		struct status st = {0};
		school_complete(s, a);
		assert_int_equal(school_add_inspection(s, in, today, a, &st), 1);
	}
}

static void judgement_rejections(void **state)
{
	static const struct {
		const char *rating, *special_measures, *date, *why;
	} cases[] = {
		{"Very good", "", "14-05-2013",
		 "OfstedRating (name) \"Very good\" is not an Ofsted judgement the import knows"},
		{"2", "", "14-05-2013", "OfstedRating (name) \"2\" is not"},
		{"Good", "", "", "OfstedRating (name) \"Good\" has no OfstedLastInsp"},
		{"", "In special measures", "",
		 "OfstedSpecialMeasures (name) \"In special measures\" has no OfstedLastInsp"},
		{"Good", "", "31-02-2013", "OfstedLastInsp \"31-02-2013\" is not a date"},
		{"Good", "", "2013", "OfstedLastInsp \"2013\" is not a date"},
		{"Good", "", "02-01-2020", "OfstedLastInsp \"02-01-2020\" is in the future"},
		/* a bad date is refused even where the row has no judgement */
		{"", "", "01-01-2099", "OfstedLastInsp \"01-01-2099\" is in the future"},
		{"", "", "soon", "OfstedLastInsp \"soon\" is not a date"},
		{"Good", "Perhaps", "14-05-2013", "OfstedSpecialMeasures (name) \"Perhaps\" is not"},
		{"Good", "In special measures", "14-05-2013",
		 "OfstedSpecialMeasures (name) \"In special measures\" contradicts OfstedRating (name) "
		 "\"Good\""},
		{"Serious Weaknesses", "In special measures", "14-05-2013", "contradicts"},
		{"Special Measures", "Not in special measures", "14-05-2013",
		 "OfstedSpecialMeasures (name) \"Not in special measures\" contradicts"},
	};
	int today = day_of("2020-01-01");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct row r;
		good_row(&r);
		set(&r, "OfstedRating (name)", cases[i].rating);
		set(&r, "OfstedSpecialMeasures (name)", cases[i].special_measures);
		set(&r, "OfstedLastInsp", cases[i].date);
		assert_judgement_rejected(&r, *state, today, cases[i].why);
	}
}

static void judgement_dates(void **state)
{
	struct row r;
	good_row(&r);
	/* today is not the future; GIAS's DD-MM-YYYY and the other accepted forms */
	set(&r, "OfstedLastInsp", "01-01-2020");
	assert_string_equal(judgement_of(&r, *state, day_of("2020-01-01"))->start_date, "2020-01-01");
	set(&r, "OfstedLastInsp", " 14/05/2013 ");
	assert_string_equal(judgement_of(&r, *state, day_of("2020-01-01"))->start_date, "2013-05-14");
	set(&r, "OfstedLastInsp", "2013-05-14");
	assert_string_equal(judgement_of(&r, *state, day_of("2020-01-01"))->start_date, "2013-05-14");
	/* a date without a judgement is no inspection */
	set(&r, "OfstedRating (name)", "");
	assert_null(judgement_of(&r, *state, day_of("2020-01-01")));
}

static void judgement_of_malformed_record(void **state)
{
	struct gias_header h = parsed_header();
	struct row r;
	struct status st = {0};
	N2gg__V1__Inspection *in = NULL;
	good_row(&r);
	struct csvread_record rec = rec_of(&r);
	rec.nfields = NCOLS - 2;
	assert_true(gias_row_inspection(&h, &rec, day_of("2020-01-01"), *state, &in, &st) < 0);
	assert_null(in);
	assert_contains(st.message, "row has 39 fields but the header has 41");
}

static N2gg__V1__Inspection *inspection_on(const char *date, struct arena *a)
{
	N2gg__V1__Inspection *in = arena_message(a, &n2gg__v1__inspection__descriptor);
	in->start_date = (char *)date;
	in->overall_effectiveness = 3;
	in->source = (char *)"ofsted";
	return in;
}

static void judgement_is_news_only_when_latest(void **state)
{
	struct arena *a = *state;
	struct row r;
	good_row(&r);
	N2gg__V1__Inspection *gias = judgement_of(&r, a, day_of("2020-01-01"));   /* 2013-05-14 */
	N2gg__V1__School *s = school_of(&r, a);
	school_complete(s, a);
	assert_true(gias_inspection_is_news(s, gias));   /* nothing recorded yet */

	struct status st = {0};
	assert_int_equal(school_add_inspection(s, inspection_on("2011-01-10", a), day_of("2020-01-01"),
					       a, &st), 1);
	assert_true(gias_inspection_is_news(s, gias));   /* an older inspection */

	N2gg__V1__School *same = school_of(&r, a), *later = school_of(&r, a);
	school_complete(same, a);
	school_complete(later, a);
	assert_int_equal(school_add_inspection(same, inspection_on("2013-05-14", a),
					       day_of("2020-01-01"), a, &st), 1);
	assert_false(gias_inspection_is_news(same, gias));   /* the same day, from Ofsted */
	assert_int_equal(school_add_inspection(later, inspection_on("2014-02-03", a),
					       day_of("2020-01-01"), a, &st), 1);
	assert_false(gias_inspection_is_news(later, gias));  /* Ofsted's newer one wins */

	/* once recorded, the extract's own judgement is no news: re-importing adds nothing */
	assert_int_equal(school_add_inspection(s, gias, day_of("2020-01-01"), a, &st), 1);
	assert_false(gias_inspection_is_news(s, gias));
}

/* ---- headers of GIAS releases, with rows in GIAS's exact layout ---- */

/* The header and two rows of data/demo/edubasealldata.csv (scripts/gen-gias, seed 1), byte
 * for byte: the 140 columns of the GIAS extract, Windows-1252 ("Si\xE2n"), CRLF, dates
 * DD-MM-YYYY; one school judged Good, one in special measures. */
static const char gias_header_2013[] =
	"URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (code),"
	"TypeOfEstablishment (name),EstablishmentTypeGroup (code),EstablishmentTypeGroup (name),"
	"EstablishmentStatus (code),EstablishmentStatus (name),ReasonEstablishmentOpened (code),"
	"ReasonEstablishmentOpened (name),OpenDate,ReasonEstablishmentClosed (code),ReasonEstablishmentClosed (name),"
	"CloseDate,PhaseOfEducation (code),PhaseOfEducation (name),StatutoryLowAge,StatutoryHighAge,"
	"Boarders (code),Boarders (name),NurseryProvision (name),OfficialSixthForm (code),OfficialSixthForm (name),"
	"Gender (code),Gender (name),ReligiousCharacter (code),ReligiousCharacter (name),ReligiousEthos (name),"
	"Diocese (code),Diocese (name),AdmissionsPolicy (code),AdmissionsPolicy (name),SchoolCapacity,"
	"SpecialClasses (code),SpecialClasses (name),CensusDate,NumberOfPupils,NumberOfBoys,NumberOfGirls,"
	"PercentageFSM,TrustSchoolFlag (code),TrustSchoolFlag (name),Trusts (code),Trusts (name),"
	"SchoolSponsorFlag (name),SchoolSponsors (name),FederationFlag (name),Federations (code),"
	"Federations (name),UKPRN,FEHEIdentifier,FurtherEducationType (name),OfstedLastInsp,OfstedSpecialMeasures (code),"
	"OfstedSpecialMeasures (name),LastChangedDate,Street,Locality,Address3,Town,County (name),"
	"Postcode,SchoolWebsite,TelephoneNum,HeadTitle (name),HeadFirstName,HeadLastName,HeadPreferredJobTitle,"
	"BSOInspectorateName (name),InspectorateReport,DateOfLastInspectionVisit,NextInspectionVisit,"
	"TeenMoth (name),TeenMothPlaces,CCF (name),SENPRU (name),EBD (name),PlacesPRU,FTProv (name),"
	"EdByOther (name),Section41Approved (name),SEN1 (name),SEN2 (name),SEN3 (name),SEN4 (name),"
	"SEN5 (name),SEN6 (name),SEN7 (name),SEN8 (name),SEN9 (name),SEN10 (name),SEN11 (name),"
	"SEN12 (name),SEN13 (name),TypeOfResourcedProvision (name),ResourcedProvisionOnRoll,ResourcedProvisionCapacity,"
	"SenUnitOnRoll,SenUnitCapacity,GOR (code),GOR (name),DistrictAdministrative (code),DistrictAdministrative (name),"
	"AdministrativeWard (code),AdministrativeWard (name),ParliamentaryConstituency (code),"
	"ParliamentaryConstituency (name),UrbanRural (code),UrbanRural (name),GSSLACode (name),"
	"Easting,Northing,MSOA (name),LSOA (name),InspectorateName (name),SENStat,SENNoStat,BoardingEstablishment (name),"
	"PropsName,PreviousLA (code),PreviousLA (name),PreviousEstablishmentNumber,OfstedRating (name),"
	"RSCRegion (name),Country (name),UPRN,SiteName,QABName (code),QABName (name),EstablishmentAccredited (code),"
	"EstablishmentAccredited (name),QABReport,CHNumber,MSOA (code),LSOA (code),FSM,AccreditationExpiryDate\r\n";
static const char gias_row_good[] =
	"120049,926,Norfolk,2005,Wiggenhall St Germans Primary School,1,Community school,4,Local authority maintained schools,"
	"1,Open,00,Not applicable,,00,Not applicable,,2,Primary,4,11,1,No boarders,No Nursery Classes,"
	"2,Does not have a sixth form,3,Mixed,00,Does not apply,Does not apply,0000,Not applicable,"
	"0,Not applicable,70,2,No Special Classes,17-01-2013,72,34,38,13.3,0,Not applicable,,"
	",Not applicable,,Not under a federation,,,,,,29-06-2011,0,Not in special measures,24-02-2013,"
	"Mill Lane,Wiggenhall St Germans,,Norwich,Norfolk,NR2 2SL,http://www.wiggenhall-st-germans-primary.norfolk.sch.uk,"
	"01603689963,Mrs,Si\xE2n,Clark,Headteacher,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,G,East of England,"
	"E07000148,Norwich,,,,,E1,(England/Wales) Rural village,,627264,310379,,,,,,,,,,,Good,"
	",England,,,,,,,,,,,10,\r\n";
static const char gias_row_special_measures[] =
	"120040,926,Norfolk,3006,North Sutborough Church of England Voluntary Aided Primary School,"
	"2,Voluntary aided school,4,Local authority maintained schools,1,Open,07,New Provision,"
	"01-01-1976,00,Not applicable,,2,Primary,4,11,1,No boarders,No Nursery Classes,2,Does not have a sixth form,"
	"3,Mixed,02,Church of England,Church of England,CE26,Diocese of Norwich,0,Not applicable,"
	"315,2,No Special Classes,17-01-2013,258,134,124,27.8,0,Not applicable,,,Not applicable,"
	",Not under a federation,,,,,,30-12-2010,1,In special measures,19-01-2013,Hellesdon Road,"
	",,Hellesdon,Norfolk,NR6 1YU,http://www.north-sutborough-ce-va-primary.norfolk.sch.uk,"
	"01603522447,Ms,Deborah,Webb,Headteacher,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,G,East of England,"
	"E07000144,Broadland,,,,,C1,(England/Wales) Urban city and town,,619972,309274,,,,,,,"
	",,,,Special Measures,,England,,,,,,,,,,,72,\r\n";

struct extract {
	struct arena *a;
	int today;
	struct gias_header h;
	N2gg__V1__School *schools[2];
	N2gg__V1__Inspection *judgements[2];
	int n;
};

static int on_extract_record(void *ctx, const struct csvread_record *rec)
{
	struct extract *x = ctx;
	struct status st = {0};
	if (rec->line == 1) {
		if (gias_header_parse(rec, &x->h, &st) < 0)
			print_error("header: %s\n", st.message);
		assert_int_equal(st.code, STATUS_OK);
		return 0;
	}
	assert_true(x->n < 2);
	int rc = gias_row_to_school(&x->h, rec, x->a, &x->schools[x->n], &st);
	if (rc == 0)
		rc = gias_row_inspection(&x->h, rec, x->today, x->a, &x->judgements[x->n], &st);
	if (rc != 0)
		print_error("line %zu: %s\n", rec->line, st.message);
	assert_int_equal(rc, 0);
	x->n++;
	return 0;
}

/* The three literal lines as one file, leaving out the columns named in `drop` (they hold
 * no quoted commas, so every comma ends a field), read as ImportGias reads a file. */
static struct extract read_extract(struct arena *a, const char *const *drop, size_t ndrop)
{
	const char *lines[] = {gias_header_2013, gias_row_good, gias_row_special_measures};
	bool keep[200];
	size_t nkeep = 0, len = 0;
	char *file = arena_alloc(a, sizeof gias_header_2013 + sizeof gias_row_good +
					    sizeof gias_row_special_measures);
	for (size_t l = 0; l < 3; l++) {
		const char *p = lines[l], *end = p + strlen(p) - 2;   /* without its CRLF */
		size_t col = 0;
		bool first = true;
		while (p <= end) {
			const char *comma = memchr(p, ',', (size_t)(end - p));
			size_t n = (size_t)((comma ? comma : end) - p);
			assert_true(col < sizeof keep);
			if (l == 0) {
				keep[col] = true;
				for (size_t d = 0; d < ndrop; d++)
					if (strlen(drop[d]) == n && memcmp(drop[d], p, n) == 0)
						keep[col] = false;
				nkeep += keep[col];
			}
			if (keep[col]) {
				if (!first)
					file[len++] = ',';
				memcpy(file + len, p, n);
				len += n;
				first = false;
			}
			col++;
			p += n + 1;
		}
		memcpy(file + len, "\r\n", 2);
		len += 2;
	}
	struct extract x = {.a = a, .today = day_of("2026-01-01")};
	struct status st = {0};
	assert_int_equal(csvread_parse(file, len, CSVREAD_AUTO, on_extract_record, &x, &st), 0);
	assert_int_equal(x.h.nfields, nkeep);
	assert_int_equal(x.n, 2);
	return x;
}

/* What every release has: the schools themselves. */
static void assert_extract_schools(const struct extract *x)
{
	const N2gg__V1__School *good = x->schools[0], *sm = x->schools[1];
	assert_int_equal(good->urn, 120049);
	assert_string_equal(good->name, "Wiggenhall St Germans Primary School");
	assert_string_equal(good->headteacher->name, "Mrs Si\xC3\xA2n Clark");
	assert_string_equal(good->gender, "Mixed");
	assert_string_equal(good->admissions_policy, "Not applicable");
	assert_int_equal(good->number_of_pupils, 72);
	assert_int_equal(good->easting, 627264);
	assert_int_equal(sm->urn, 120040);
	assert_int_equal(sm->number_of_pupils, 258);
	assert_string_equal(sm->religious_character, "Church of England");
}

static void extract_header_with_ofsted_rating(void **state)
{
	struct extract x = read_extract(*state, NULL, 0);
	assert_int_equal(x.h.nfields, 140);
	for (int c = 0; c < GIAS_COLUMN_COUNT; c++)
		assert_true(x.h.col[c] >= 0);
	assert_extract_schools(&x);
	assert_non_null(x.judgements[0]);
	assert_string_equal(x.judgements[0]->start_date, "2011-06-29");
	assert_int_equal(x.judgements[0]->overall_effectiveness, 2);
	assert_int_equal(x.judgements[0]->category_of_concern, N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE);
	assert_string_equal(x.judgements[0]->source, "gias");
	assert_non_null(x.judgements[1]);
	assert_string_equal(x.judgements[1]->start_date, "2010-12-30");
	assert_int_equal(x.judgements[1]->overall_effectiveness, 4);
	assert_int_equal(x.judgements[1]->category_of_concern,
			 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES);
}

/* EduBase-era downloads: the inspection date and special measures, but no rating. */
static void extract_header_without_rating(void **state)
{
	static const char *const drop[] = {"OfstedRating (name)"};
	struct extract x = read_extract(*state, drop, 1);
	assert_int_equal(x.h.nfields, 139);
	assert_int_equal(x.h.col[GIAS_OFSTED_RATING], -1);
	assert_true(x.h.col[GIAS_OFSTED_LAST_INSPECTION] >= 0);
	assert_extract_schools(&x);
	assert_null(x.judgements[0]);   /* a date alone says no judgement */
	assert_non_null(x.judgements[1]);
	assert_string_equal(x.judgements[1]->start_date, "2010-12-30");
	assert_int_equal(x.judgements[1]->overall_effectiveness, 4);
	assert_int_equal(x.judgements[1]->category_of_concern,
			 N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES);
}

/* Extracts since 2025: no Ofsted columns at all, the rest as before. */
static void extract_header_without_ofsted(void **state)
{
	static const char *const drop[] = {"OfstedLastInsp", "OfstedSpecialMeasures (code)",
					   "OfstedSpecialMeasures (name)", "OfstedRating (name)"};
	struct extract x = read_extract(*state, drop, 4);
	assert_int_equal(x.h.nfields, 136);
	assert_int_equal(x.h.col[GIAS_OFSTED_RATING], -1);
	assert_int_equal(x.h.col[GIAS_OFSTED_LAST_INSPECTION], -1);
	assert_int_equal(x.h.col[GIAS_OFSTED_SPECIAL_MEASURES], -1);
	assert_true(x.h.col[GIAS_NUMBER_OF_PUPILS] >= 0);
	assert_extract_schools(&x);
	assert_null(x.judgements[0]);
	assert_null(x.judgements[1]);
}

/* ---- merging ---- */

static void merge_identical(void **state)
{
	struct row r;
	good_row(&r);
	N2gg__V1__School *stored = school_of(&r, *state), *incoming = school_of(&r, *state);
	const char *changed[GIAS_MERGE_MAX_CHANGED];
	assert_int_equal(gias_merge(stored, incoming, *state, changed, GIAS_MERGE_MAX_CHANGED), 0);
}

static void merge_names_changes(void **state)
{
	struct arena row_arena;
	arena_init(&row_arena);
	struct row r;
	good_row(&r);
	N2gg__V1__School *stored = school_of(&r, *state);
	set(&r, "EstablishmentName", "Ashwood Church of England Primary School");
	set(&r, "EstablishmentStatus (code)", "2");
	N2gg__V1__School *incoming = school_of(&r, &row_arena);
	const char *changed[GIAS_MERGE_MAX_CHANGED];
	assert_int_equal(gias_merge(stored, incoming, *state, changed, GIAS_MERGE_MAX_CHANGED), 2);
	assert_string_equal(changed[0], "name");
	assert_string_equal(changed[1], "status");
	arena_free(&row_arena);  /* the stored school must not point into the row's arena */
	assert_string_equal(stored->name, "Ashwood Church of England Primary School");
	assert_int_equal(stored->status, N2GG__V1__SCHOOL_STATUS__STATUS_CLOSED);
}

static bool named(const char **changed, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(changed[i], name) == 0)
			return true;
	return false;
}

static void merge_leaves_registry_fields(void **state)
{
	struct arena *a = *state;
	struct row r;
	good_row(&r);
	N2gg__V1__School *stored = school_of(&r, a);
	stored->cluster_id = (char *)"NCL-07";
	stored->updated_by = (char *)"jbloggs";
	stored->updated_unix_ms = 1700000000000;
	stored->headteacher->email = (char *)"head@ashwood.norfolk.sch.uk";
	stored->headteacher->phone = (char *)"01603 000000";
	N2gg__V1__Contact *chair = arena_message(a, &n2gg__v1__contact__descriptor);
	chair->name = (char *)"Mr Chair";
	stored->chair_of_governors = chair;
	N2gg__V1__LaFlags *flags = arena_message(a, &n2gg__v1__la_flags__descriptor);
	flags->causing_concern = 1;
	stored->flags = flags;
	N2gg__V1__Inspection *insp = arena_message(a, &n2gg__v1__inspection__descriptor);
	insp->overall_effectiveness = 3;
	N2gg__V1__Inspection **inspections = arena_alloc(a, sizeof *inspections);
	inspections[0] = insp;
	stored->inspections = inspections;
	stored->n_inspections = 1;

	set(&r, "HeadFirstName", "Janet");
	set(&r, "Postcode", "NR2 2BB");
	set(&r, "Easting", "623457");
	set(&r, "PhaseOfEducation (code)", "4");
	N2gg__V1__School *incoming = school_of(&r, a);
	const char *changed[GIAS_MERGE_MAX_CHANGED];
	int n = gias_merge(stored, incoming, a, changed, GIAS_MERGE_MAX_CHANGED);
	assert_int_equal(n, 4);
	assert_true(named(changed, n, "headteacher.name"));
	assert_true(named(changed, n, "address"));
	assert_true(named(changed, n, "easting"));
	assert_true(named(changed, n, "phase"));
	assert_string_equal(stored->headteacher->name, "Mrs Janet Smith");
	assert_string_equal(stored->address->postcode, "NR2 2BB");
	assert_string_equal(stored->address->street, "School Lane");
	/* the registry's own fields */
	assert_string_equal(stored->cluster_id, "NCL-07");
	assert_string_equal(stored->updated_by, "jbloggs");
	assert_int_equal(stored->updated_unix_ms, 1700000000000);
	assert_string_equal(stored->headteacher->email, "head@ashwood.norfolk.sch.uk");
	assert_string_equal(stored->headteacher->phone, "01603 000000");
	assert_ptr_equal(stored->chair_of_governors, chair);
	assert_ptr_equal(stored->flags, flags);
	assert_true(stored->flags->causing_concern);
	assert_int_equal(stored->n_inspections, 1);
	assert_int_equal(stored->inspections[0]->overall_effectiveness, 3);
	/* merging again changes nothing */
	assert_int_equal(gias_merge(stored, incoming, a, changed, GIAS_MERGE_MAX_CHANGED), 0);
}

static void merge_into_old_record(void **state)
{
	struct arena *a = *state;
	struct row r;
	good_row(&r);
	N2gg__V1__School *incoming = school_of(&r, a);
	N2gg__V1__School *stored = arena_message(a, &n2gg__v1__school__descriptor);
	stored->urn = 121234;
	stored->name = (char *)"Ashwood Primary School";
	const char *changed[GIAS_MERGE_MAX_CHANGED];
	int n = gias_merge(stored, incoming, a, changed, GIAS_MERGE_MAX_CHANGED);
	assert_non_null(stored->address);
	assert_non_null(stored->headteacher);
	assert_true(named(changed, n, "address"));
	assert_true(named(changed, n, "headteacher.name"));
	assert_true(named(changed, n, "laestab"));
	assert_false(named(changed, n, "name"));
	assert_false(named(changed, n, "urn"));
	assert_string_equal(stored->address->town, "Norwich");
	assert_string_equal(stored->headteacher->name, "Mrs Jane Smith");
	assert_int_equal(gias_merge(stored, incoming, a, changed, GIAS_MERGE_MAX_CHANGED), 0);

	/* an empty address against a missing one is no change */
	N2gg__V1__School *bare = arena_message(a, &n2gg__v1__school__descriptor);
	N2gg__V1__School *bare_in = arena_message(a, &n2gg__v1__school__descriptor);
	bare_in->address = arena_message(a, &n2gg__v1__address__descriptor);
	bare_in->headteacher = arena_message(a, &n2gg__v1__contact__descriptor);
	assert_int_equal(gias_merge(bare, bare_in, a, changed, GIAS_MERGE_MAX_CHANGED), 0);
	assert_non_null(bare->address);
}

static void merge_short_list(void **state)
{
	struct row r;
	good_row(&r);
	N2gg__V1__School *stored = school_of(&r, *state);
	set(&r, "EstablishmentName", "New name");
	set(&r, "Town", "Cromer");
	set(&r, "TelephoneNum", "01263 000000");
	N2gg__V1__School *incoming = school_of(&r, *state);
	const char *changed[3] = {NULL, NULL, "sentinel"};
	assert_int_equal(gias_merge(stored, incoming, *state, changed, 2), 3);
	assert_string_equal(changed[0], "name");
	assert_string_equal(changed[1], "telephone");
	assert_string_equal(changed[2], "sentinel");
	assert_string_equal(stored->address->town, "Cromer");
}

static void merge_register_figures(void **state)
{
	struct arena *a = *state;
	struct row r;
	good_row(&r);
	N2gg__V1__School *stored = school_of(&r, a);
	set(&r, "Gender (name)", "Girls");
	set(&r, "AdmissionsPolicy (name)", "Selective");
	set(&r, "NumberOfPupils", "205");
	/* the Ofsted columns are not merged: a judgement is an inspection, not a field */
	set(&r, "OfstedRating (name)", "Outstanding");
	N2gg__V1__School *incoming = school_of(&r, a);
	const char *changed[GIAS_MERGE_MAX_CHANGED];
	int n = gias_merge(stored, incoming, a, changed, GIAS_MERGE_MAX_CHANGED);
	assert_int_equal(n, 3);
	assert_string_equal(changed[0], "gender");
	assert_string_equal(changed[1], "admissions_policy");
	assert_string_equal(changed[2], "number_of_pupils");
	assert_string_equal(stored->gender, "Girls");
	assert_string_equal(stored->admissions_policy, "Selective");
	assert_int_equal(stored->number_of_pupils, 205);
	assert_int_equal(stored->n_inspections, 0);
	assert_int_equal(gias_merge(stored, incoming, a, changed, GIAS_MERGE_MAX_CHANGED), 0);
}

/* A row that changes every field GIAS owns names exactly GIAS_MERGE_MAX_CHANGED of them:
 * the import adds "inspections" after them, so the constant must not be short. */
static void merge_every_field_fits(void **state)
{
	static const char *const changes[][2] = {
		{"URN", "121235"}, {"LA (code)", "873"}, {"EstablishmentName", "Other School"},
		{"TypeOfEstablishment (code)", "28"}, {"TypeOfEstablishment (name)", "Academy"},
		{"EstablishmentTypeGroup (code)", "10"}, {"PhaseOfEducation (code)", "4"},
		{"EstablishmentStatus (code)", "2"}, {"OpenDate", "01-09-2001"},
		{"CloseDate", "31-08-2020"}, {"StatutoryLowAge", "11"}, {"StatutoryHighAge", "16"},
		{"Easting", "1"}, {"Northing", "2"}, {"ReligiousCharacter (name)", "None"},
		{"Federations (code)", "F9"}, {"Federations (name)", "F"}, {"Trusts (code)", "9"},
		{"Trusts (name)", "T"}, {"SchoolWebsite", "w"}, {"TelephoneNum", "t"},
		{"Gender (name)", "Boys"}, {"AdmissionsPolicy (name)", "Selective"},
		{"NumberOfPupils", "1"}, {"Town", "Cromer"}, {"HeadLastName", "Jones"},
	};
	struct arena *a = *state;
	struct row r;
	good_row(&r);
	N2gg__V1__School *stored = school_of(&r, a);
	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
		set(&r, changes[i][0], changes[i][1]);
	N2gg__V1__School *incoming = school_of(&r, a);
	const char *changed[GIAS_MERGE_MAX_CHANGED];
	assert_int_equal(gias_merge(stored, incoming, a, changed, GIAS_MERGE_MAX_CHANGED),
			 GIAS_MERGE_MAX_CHANGED);
	for (int i = 0; i < GIAS_MERGE_MAX_CHANGED; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(changed[i], changed[j]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, arena_fixture_setup, arena_fixture_teardown)
		T(header_maps_by_name),
		T(header_missing_required),
		T(header_only_required_columns),
		T(header_bom_and_duplicates),
		T(header_exact_names),
		T(good_row_every_field),
		T(values_trimmed),
		T(optional_values_empty),
		T(headteacher_name_parts),
		T(statuses),
		T(phases),
		T(each_rejection),
		T(malformed_and_short_records),
		T(la_code_for_filtering),
		T(through_csvread),
		T(merge_identical),
		T(merge_names_changes),
		T(merge_leaves_registry_fields),
		T(merge_into_old_record),
		T(merge_short_list),
		T(merge_register_figures),
		T(merge_every_field_fits),
		T(judgement_from_good_row),
		T(judgement_names),
		T(judgement_rejections),
		T(judgement_dates),
		T(judgement_of_malformed_record),
		T(judgement_is_news_only_when_latest),
		T(extract_header_with_ofsted_rating),
		T(extract_header_without_rating),
		T(extract_header_without_ofsted),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
