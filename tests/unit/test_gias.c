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

#include "gias.h"

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
	/* what GIAS does not carry stays empty */
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
		s->address->county, s->address->postcode, s->headteacher->name,
	};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		assert_non_null(strings[i]);
		assert_string_equal(strings[i], "");
	}
	assert_int_equal(s->status, N2GG__V1__SCHOOL_STATUS__STATUS_PROPOSED);
	assert_int_equal(s->phase, N2GG__V1__PHASE__PHASE_NOT_APPLICABLE);
	assert_int_equal(s->easting, 0);
	assert_int_equal(s->low_age, 0);
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
	assert_contains(st.message, "row has 35 fields but the header has 36");
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
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
