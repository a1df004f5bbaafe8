/* importers: header and row parsers for the Ofsted, achievement, cluster and contact
 * CSV files (see importers.h). These files are often re-typed or re-saved by hand, so
 * header names are matched loosely (case, blanks) but values strictly; the DfE's
 * performance tables are downloaded, not typed, and their codes are matched as published. */
#include "importers.h"

#include "date.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- shared helpers ---- */

struct column_spec {
	const char *names[3];  /* the name and its aliases, NULL-terminated */
	bool required;
};

/* Names are matched in any case unless `exact_case` (the DfE's codes, as published);
 * `hint` (may be NULL) follows the list of missing columns: what the file should be. */
static int header_parse_hinted(const char *file, const struct column_spec *spec, int ncols,
			       const struct csvread_record *rec, bool exact_case,
			       struct importers_header *h, const char *hint, struct status *st)
{
	char missing[400] = "";
	size_t mlen = 0;

	if (rec->error)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s header: %s", file, rec->error);
	for (int c = 0; c < IMPORTERS_MAX_COLUMNS; c++)
		h->col[c] = -1;
	h->nfields = rec->nfields;
	h->default_year = 0;
	h->format = IMPORTERS_FORMAT_N2GG;
	h->la_code = 0;
	for (size_t i = 0; i < rec->nfields; i++) {
		for (int c = 0; c < ncols; c++) {
			bool match = false;
			for (int k = 0; spec[c].names[k] && !match; k++)
				match = csvread_header_is(rec->fields[i], spec[c].names[k],
							  !exact_case);
			if (!match)
				continue;
			if (h->col[c] >= 0)
				return status_fail(st, STATUS_INVALID_ARGUMENT,
						   "%s header: column \"%s\" appears twice (fields %d and %zu)",
						   file, spec[c].names[0], h->col[c] + 1, i + 1);
			h->col[c] = (int)i;
		}
	}
	for (int c = 0; c < ncols; c++) {
		if (!spec[c].required || h->col[c] >= 0 || mlen >= sizeof missing)
			continue;
		mlen += (size_t)snprintf(missing + mlen, sizeof missing - mlen, "%s%s%s%s",
					 mlen ? ", " : "", spec[c].names[0],
					 spec[c].names[1] ? " (or " : "",
					 spec[c].names[1] ? spec[c].names[1] : "");
		if (spec[c].names[1] && mlen < sizeof missing)
			mlen += (size_t)snprintf(missing + mlen, sizeof missing - mlen, ")");
	}
	if (mlen)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: missing required column(s) %s%s%s",
				   file, missing, hint ? "; " : "", hint ? hint : "");
	return 0;
}

static int header_parse(const char *file, const struct column_spec *spec, int ncols,
			const struct csvread_record *rec, struct importers_header *h,
			struct status *st)
{
	return header_parse_hinted(file, spec, ncols, rec, false, h, NULL, st);
}

/* A row is read only if it is well formed and as wide as the header. */
static int row_check(const struct importers_header *h, const struct csvread_record *rec,
		     struct status *st)
{
	return csvread_check_row(rec, h->nfields, st);
}

/* The trimmed text of one of the importer's columns, in the arena ("" when absent). */
static char *field(const struct importers_header *h, const struct csvread_record *rec, int col,
		   struct arena *a)
{
	return csvread_column(rec, h->col[col], a);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static int digits_value(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* A plain decimal: [+-]digits[.digits], at most 15 digits so that it converts exactly.
 * Written out rather than strtod, whose decimal point follows the locale. */
static bool parse_decimal(const char *s, double *out)
{
	static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
				       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	bool neg = false, dot = false;
	unsigned long long mant = 0;
	int digits = 0, frac = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s == '.' && !dot) {
			dot = true;
			continue;
		}
		if (!is_digit(*s) || ++digits > 15)
			return false;
		mant = mant * 10 + (unsigned)(*s - '0');
		frac += dot;
	}
	if (!digits)
		return false;
	double v = (double)mant / pow10[frac];
	*out = neg ? -v : v;
	return true;
}

int importers_parse_urn(const char *text, uint32_t *urn, struct status *st)
{
	size_t n;
	const char *s = csvread_trim(text, &n);
	if (n == 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "URN is empty");
	if (n != 6 || !all_digits(s, n))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "URN \"%.*s\" is not a 6-digit number",
				   n > 80 ? 80 : (int)n, s);
	if (s[0] == '0')
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "URN \"%.6s\" is not a 6-digit number (URNs run 100000-999999)", s);
	*urn = (uint32_t)digits_value(s, n);
	return 0;
}

bool importers_valid_cluster_id(const char *id)
{
	size_t n = strlen(id);
	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!(is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* ---- Ofsted inspection outcomes ---- */

static const struct column_spec inspection_columns[IMPORTERS_INSPECTION_COLUMNS] = {
	[IMPORTERS_INSPECTION_URN] = {{"URN"}, true},
	[IMPORTERS_INSPECTION_START_DATE] = {{"Inspection start date"}, true},
	[IMPORTERS_INSPECTION_OVERALL] = {{"Overall effectiveness"}, true},
	[IMPORTERS_INSPECTION_CATEGORY] = {{"Category of concern"}, true},
};

int importers_inspection_header_parse(const struct csvread_record *rec, struct importers_header *h,
				      struct status *st)
{
	return header_parse("inspections file", inspection_columns, IMPORTERS_INSPECTION_COLUMNS,
			    rec, h, st);
}

static int parse_grade(const char *v, uint32_t *grade, struct status *st)
{
	static const struct { const char *name; uint32_t grade; } names[] = {
		{"Outstanding", 1}, {"Good", 2}, {"Requires improvement", 3},
		{"Satisfactory", 3}, {"Inadequate", 4},
	};
	size_t n = strlen(v);
	if (n == 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "overall effectiveness is empty");
	if (all_digits(v, n)) {
		if (n > 1 || v[0] < '1' || v[0] > '4')
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "overall effectiveness %.20s is not 1-4", v);
		*grade = (uint32_t)(v[0] - '0');
		return 0;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (csvread_equal_nocase(v, names[i].name)) {
			*grade = names[i].grade;
			return 0;
		}
	}
	return status_fail(st, STATUS_INVALID_ARGUMENT,
			   "overall effectiveness \"%.80s\" is not 1-4 or a grade's name", v);
}

static int parse_category(const char *v, N2gg__V1__CategoryOfConcern *cat, struct status *st)
{
	static const struct { const char *name, *abbrev; N2gg__V1__CategoryOfConcern cat; } names[] = {
		{"None", "", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		/* Ofsted's management information writes NULL for "no category" */
		{"NULL", "", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE},
		{"Special Measures", "SM", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SPECIAL_MEASURES},
		{"Serious Weaknesses", "SWK", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_SERIOUS_WEAKNESSES},
		{"Notice to improve", "NTI", N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NOTICE_TO_IMPROVE},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (csvread_equal_nocase(v, names[i].name) || csvread_equal_nocase(v, names[i].abbrev)) {
			*cat = names[i].cat;
			return 0;
		}
	}
	return status_fail(st, STATUS_INVALID_ARGUMENT,
			   "category of concern \"%.80s\" is not None, Special Measures (SM), "
			   "Serious Weaknesses (SWK) or Notice to improve (NTI)", v);
}

int importers_inspection_row(const struct importers_header *h, const struct csvread_record *rec,
			     int today, struct arena *a, uint32_t *urn, N2gg__V1__Inspection **out,
			     struct status *st)
{
	uint32_t grade = 0;
	N2gg__V1__CategoryOfConcern cat = N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE;
	int rc, days = 0;
	char iso[DATE_ISO_LEN];

	if ((rc = row_check(h, rec, st)) < 0 ||
	    (rc = importers_parse_urn(field(h, rec, IMPORTERS_INSPECTION_URN, a), urn, st)) < 0)
		return rc;
	const char *date = field(h, rec, IMPORTERS_INSPECTION_START_DATE, a);
	if (!*date)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "inspection start date is empty");
	if (date_parse(date, &days) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "inspection start date \"%.80s\" is not a date",
				   date);
	date_format(days, iso);
	if (days > today)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "inspection start date %s is in the future", iso);
	if ((rc = parse_grade(field(h, rec, IMPORTERS_INSPECTION_OVERALL, a), &grade, st)) < 0 ||
	    (rc = parse_category(field(h, rec, IMPORTERS_INSPECTION_CATEGORY, a), &cat, st)) < 0)
		return rc;
	/* Ofsted places only an inadequate school in a category (grade 4 alone is possible) */
	if (cat != N2GG__V1__CATEGORY_OF_CONCERN__CONCERN_NONE && grade != 4)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "category of concern \"%.80s\" with overall effectiveness %u: "
				   "only an inadequate (4) school is placed in a category",
				   field(h, rec, IMPORTERS_INSPECTION_CATEGORY, a), grade);

	N2gg__V1__Inspection *in = arena_message(a, &n2gg__v1__inspection__descriptor);
	in->start_date = arena_strdup(a, iso);
	in->overall_effectiveness = grade;
	in->category_of_concern = cat;
	*out = in;
	return 0;
}

/* ---- achievement ---- */

/* N2GG's own format: names in any case, as people re-type them. */
static const struct column_spec achievement_columns[IMPORTERS_ACHIEVEMENT_COLUMNS] = {
	[IMPORTERS_ACHIEVEMENT_URN] = {{"URN"}, true},
	[IMPORTERS_ACHIEVEMENT_YEAR] = {{"YEAR"}, true},
	[IMPORTERS_ACHIEVEMENT_EXPECTED] = {{"PTRWM_EXP", "expected_standard_pct"}, true},
	[IMPORTERS_ACHIEVEMENT_PROGRESS] = {{"PROGRESS", "progress"}, false},
};

/* The DfE's tables: their codes, matched exactly as published (the files are downloaded,
 * not typed). The measures are optional each: a table trimmed of a column still reads. */
static const struct column_spec ks2_columns[IMPORTERS_ACHIEVEMENT_COLUMNS] = {
	[IMPORTERS_ACHIEVEMENT_URN] = {{"URN"}, true},
	[IMPORTERS_ACHIEVEMENT_RECTYPE] = {{"RECTYPE"}, true},
	[IMPORTERS_ACHIEVEMENT_LEA] = {{"LEA"}, true},
	[IMPORTERS_ACHIEVEMENT_SCHNAME] = {{"SCHNAME"}, false},
	/* required: it is what the consumers of expected_standard_pct read */
	[IMPORTERS_ACHIEVEMENT_EXPECTED] = {{"PTRWM_EXP"}, true},
	[IMPORTERS_ACHIEVEMENT_READPROG] = {{"READPROG"}, false},
	[IMPORTERS_ACHIEVEMENT_WRITPROG] = {{"WRITPROG"}, false},
	[IMPORTERS_ACHIEVEMENT_MATPROG] = {{"MATPROG"}, false},
};
static const struct column_spec ks4_columns[IMPORTERS_ACHIEVEMENT_COLUMNS] = {
	[IMPORTERS_ACHIEVEMENT_URN] = {{"URN"}, true},
	[IMPORTERS_ACHIEVEMENT_RECTYPE] = {{"RECTYPE"}, true},
	[IMPORTERS_ACHIEVEMENT_LEA] = {{"LEA"}, true},
	[IMPORTERS_ACHIEVEMENT_SCHNAME] = {{"SCHNAME"}, false},
	[IMPORTERS_ACHIEVEMENT_P8MEA] = {{"P8MEA"}, false},
	[IMPORTERS_ACHIEVEMENT_ATT8SCR] = {{"ATT8SCR"}, false},
	[IMPORTERS_ACHIEVEMENT_BASICS_95] = {{"PTL2BASICS_95"}, false},
};

#define ACHIEVEMENT_FORMATS                                                                    \
	"expected N2GG's achievement file (URN, YEAR, PTRWM_EXP, PROGRESS; YEAR may be left "  \
	"out with --year), the DfE's key stage 2 table (URN, RECTYPE, LEA, PTRWM_EXP, "        \
	"READPROG, WRITPROG, MATPROG) or its key stage 4 table (URN, RECTYPE, LEA, P8MEA, "     \
	"ATT8SCR, PTL2BASICS_95), columns named as the DfE publishes them"

/* The first of `names` (NULL-terminated) the header has exactly, or NULL. */
static const char *header_first(const struct csvread_record *rec, const char *const *names)
{
	for (; *names; names++)
		for (size_t i = 0; i < rec->nfields; i++)
			if (csvread_header_is(rec->fields[i], *names, false))
				return *names;
	return NULL;
}

const char *importers_achievement_format_name(enum importers_achievement_format format)
{
	switch (format) {
	case IMPORTERS_FORMAT_KS2: return "ks2";
	case IMPORTERS_FORMAT_KS4: return "ks4";
	default: return "n2gg";
	}
}

int importers_achievement_header_parse(const struct csvread_record *rec, uint32_t default_year,
				       struct importers_header *h, struct status *st)
{
	static const char *const ks2_only[] = {"READPROG", "WRITPROG", "MATPROG", NULL};
	static const char *const ks4_only[] = {"P8MEA", "ATT8SCR", "PTL2BASICS_95", NULL};
	static const char *const ks2_basis[] = {"PTRWM_EXP", NULL};
	static const char *const dfe_rows[] = {"RECTYPE", NULL};
	int rc;

	if (rec->error)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "achievement file header: %s", rec->error);
	const char *ks2 = header_first(rec, ks2_only), *ks4 = header_first(rec, ks4_only);
	if (ks2 && ks4)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "achievement file: the header has the key stage 2 table's %s and the "
				   "key stage 4 table's %s: import each table on its own",
				   ks2, ks4);
	if (ks2 || ks4 || (header_first(rec, dfe_rows) && header_first(rec, ks2_basis))) {
		enum importers_achievement_format format = ks4 ? IMPORTERS_FORMAT_KS4
							       : IMPORTERS_FORMAT_KS2;
		const char *what = ks4 ? "key stage 4 table" : "key stage 2 table";
		if ((rc = header_parse_hinted(what, ks4 ? ks4_columns : ks2_columns,
					      IMPORTERS_ACHIEVEMENT_COLUMNS, rec, true, h, NULL,
					      st)) < 0)
			return rc;
		if (!default_year)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "the DfE's %s has no YEAR column: say which year its results "
					   "are for with --year YYYY (2019 for 2018/19)",
					   what);
		if (default_year < 2000 || default_year > 2100)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "year %u: achievement is kept for 2000-2100", default_year);
		h->format = format;
		h->default_year = default_year;
		return 0;
	}
	/* a DfE code in another case: the table was re-typed or re-saved; read as N2GG's own
	 * format it would lose its comparators and markers, so it is refused, saying why */
	static const char *const dfe_codes[] = {"RECTYPE", "READPROG", "WRITPROG", "MATPROG",
						"P8MEA", "ATT8SCR", "PTL2BASICS_95", NULL};
	for (size_t i = 0; i < rec->nfields; i++)
		for (const char *const *code = dfe_codes; *code; code++)
			if (csvread_header_is(rec->fields[i], *code, true) &&
			    !csvread_header_is(rec->fields[i], *code, false))
				return status_fail(st, STATUS_INVALID_ARGUMENT,
						   "achievement file: column \"%.40s\" (field %zu) is "
						   "the DfE's %s in another case: its tables are read "
						   "with their columns named as published",
						   rec->fields[i], i + 1, *code);
	struct column_spec spec[IMPORTERS_ACHIEVEMENT_COLUMNS];
	memcpy(spec, achievement_columns, sizeof spec);
	spec[IMPORTERS_ACHIEVEMENT_YEAR].required = default_year == 0;
	rc = header_parse_hinted("achievement file", spec, IMPORTERS_ACHIEVEMENT_COLUMNS, rec,
				 false, h, ACHIEVEMENT_FORMATS, st);
	h->default_year = default_year;
	return rc;
}

/* An academic year by its ending calendar year: 2013, 2012/13, 2012-13 or 201213. */
static bool parse_year(const char *v, uint32_t *year)
{
	size_t n = strlen(v);
	int first, second;
	if (n == 4 && all_digits(v, 4)) {
		*year = (uint32_t)digits_value(v, 4);
		return *year >= 1990 && *year <= 2100;
	}
	if (n == 7 && (v[4] == '/' || v[4] == '-') && all_digits(v, 4) && all_digits(v + 5, 2))
		second = digits_value(v + 5, 2);
	else if (n == 6 && all_digits(v, 6))
		second = digits_value(v + 4, 2);
	else
		return false;
	first = digits_value(v, 4);
	if (first < 1989 || first > 2099 || (first + 1) % 100 != second)
		return false;
	*year = (uint32_t)first + 1;
	return true;
}

/* N2GG's format takes no markers: codes the DfE publishes instead of a figure refuse the
 * row, as they always have there. */
static bool suppressed(const char *v)
{
	static const char *const codes[] = {"", "SUPP", "NE", "NA", "LOWCOV", "x"};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (csvread_equal_nocase(v, codes[i]))
			return true;
	return false;
}

/* Cuts a trailing '%' (and the blanks before it) off a field copied into the arena. */
static char *cut_percent(char *v)
{
	size_t n = strlen(v);
	if (n && v[n - 1] == '%') {
		v[n - 1] = '\0';
		v = (char *)csvread_trim(v, &n);
		v[n] = '\0';
	}
	return v;
}

static int n2gg_achievement_row(const struct importers_header *h, const struct csvread_record *rec,
				struct arena *a, struct importers_achievement_row *out,
				struct status *st)
{
	uint32_t year = 0;
	double pct = 0, progress = 0;
	int rc;

	if ((rc = importers_parse_urn(field(h, rec, IMPORTERS_ACHIEVEMENT_URN, a), &out->urn, st)) < 0)
		return rc;
	const char *y = field(h, rec, IMPORTERS_ACHIEVEMENT_YEAR, a);
	if (!*y) {
		if (!h->default_year)
			return status_fail(st, STATUS_INVALID_ARGUMENT, "YEAR is empty");
		year = h->default_year;
	} else if (!parse_year(y, &year)) {
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "YEAR \"%.80s\" is not a year (2013, 2012/13, 2012-13 or 201213)", y);
	}

	char *e = field(h, rec, IMPORTERS_ACHIEVEMENT_EXPECTED, a);
	if (suppressed(e))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "expected standard suppressed or not published (%s)", *e ? e : "empty");
	e = cut_percent(e);
	if (!parse_decimal(e, &pct))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "expected standard \"%.80s\" is not a percentage",
				   field(h, rec, IMPORTERS_ACHIEVEMENT_EXPECTED, a));
	if (pct < 0 || pct > 100)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "expected standard %.80s%% is not 0-100", e);

	const char *p = field(h, rec, IMPORTERS_ACHIEVEMENT_PROGRESS, a);
	if (*p && !parse_decimal(p, &progress))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "progress \"%.80s\" is not a number", p);
	if (progress < -20 || progress > 20)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "progress %.80s is not -20..20", p);

	N2gg__V1__Achievement *ach = arena_message(a, &n2gg__v1__achievement__descriptor);
	ach->year = year;
	ach->expected_standard_pct = pct;
	ach->progress = progress;
	ach->progress_known = *p != '\0';
	out->kind = IMPORTERS_ROW_SCHOOL;
	out->achievement = ach;
	return 0;
}

/* ---- the DfE's performance tables ---- */

/* What the DfE writes instead of a figure, and what it means (the performance tables'
 * metadata; x, c, z and u are the Government Statistical Service's symbols, which the
 * later tables use). Matched in any case, kept as spelt here. */
static const struct {
	const char *code, *meaning;
} dfe_markers[] = {
	{"SUPP", "suppressed"},   {"NE", "no entries"},     {"NP", "not published"},
	{"LOWCOV", "low coverage"}, {"NEW", "new school"}, {"NA", "not applicable"},
	{"x", "not available"},   {"c", "confidential"},    {"z", "not applicable"},
	{"u", "low reliability"},
};
/* An empty cell is kept as a marker too: a figure was not published, and a Measure with
 * no marker would claim the value 0. */
#define DFE_EMPTY_MARKER "empty"
#define DFE_MARKER_LIST "SUPP, NE, NP, LOWCOV, NEW, NA, x, c, z, u"

/* A value the tables read, where it goes, and the range it must be in. */
struct dfe_measure {
	int col;
	const char *name;           /* the column as published */
	size_t slot;                /* offsetof the Measure in N2gg__V1__Achievement */
	double min, max;
	bool percentage;            /* "67%" or "67" */
	const char *what;           /* for a value out of range */
};

static const struct dfe_measure ks2_measures[] = {
	{IMPORTERS_ACHIEVEMENT_EXPECTED, "PTRWM_EXP",
	 offsetof(N2gg__V1__Achievement, expected_standard), 0, 100, true, "a percentage"},
	/* progress scores centre on 0; the DfE's extremes stay well inside +-40 */
	{IMPORTERS_ACHIEVEMENT_READPROG, "READPROG",
	 offsetof(N2gg__V1__Achievement, reading_progress), -40, 40, false,
	 "a key stage 2 progress score"},
	{IMPORTERS_ACHIEVEMENT_WRITPROG, "WRITPROG",
	 offsetof(N2gg__V1__Achievement, writing_progress), -40, 40, false,
	 "a key stage 2 progress score"},
	{IMPORTERS_ACHIEVEMENT_MATPROG, "MATPROG",
	 offsetof(N2gg__V1__Achievement, maths_progress), -40, 40, false,
	 "a key stage 2 progress score"},
};
static const struct dfe_measure ks4_measures[] = {
	{IMPORTERS_ACHIEVEMENT_P8MEA, "P8MEA", offsetof(N2gg__V1__Achievement, progress8), -10, 10,
	 false, "a Progress 8 score"},
	/* Attainment 8: eight slots, English and maths counted twice, grade 9 at most: 90 */
	{IMPORTERS_ACHIEVEMENT_ATT8SCR, "ATT8SCR", offsetof(N2gg__V1__Achievement, attainment8), 0,
	 90, false, "an Attainment 8 score"},
	{IMPORTERS_ACHIEVEMENT_BASICS_95, "PTL2BASICS_95",
	 offsetof(N2gg__V1__Achievement, english_maths_5_pct), 0, 100, true, "a percentage"},
};

/* The markers of one row, as the note of its line. */
struct dfe_marks {
	char *note;
	uint32_t count;
};

/* The marker `v` is (its canonical spelling and meaning), or NULL for anything else. */
static const char *dfe_marker(const char *v, const char **meaning)
{
	if (!*v) {
		*meaning = "nothing published";
		return DFE_EMPTY_MARKER;
	}
	for (size_t i = 0; i < sizeof dfe_markers / sizeof dfe_markers[0]; i++) {
		if (csvread_equal_nocase(v, dfe_markers[i].code)) {
			*meaning = dfe_markers[i].meaning;
			return dfe_markers[i].code;
		}
	}
	return NULL;
}

/* Reads one measure into ach (left NULL when the file lacks its column). */
static int dfe_read_measure(const struct importers_header *h, const struct csvread_record *rec,
			    const struct dfe_measure *m, N2gg__V1__Achievement *ach, struct arena *a,
			    struct dfe_marks *marks, struct status *st)
{
	if (h->col[m->col] < 0)
		return 0;
	N2gg__V1__Measure *measure = arena_message(a, &n2gg__v1__measure__descriptor);
	const char *text = field(h, rec, m->col, a), *meaning;
	const char *marker = dfe_marker(text, &meaning);
	double value;
	if (marker) {
		measure->marker = (char *)marker;
		marks->note = arena_printf(a, "%s%s%s: %s (%s)", marks->note, *marks->note ? "; " : "",
					   m->name, marker, meaning);
		marks->count++;
	} else {
		char *number = m->percentage ? cut_percent(field(h, rec, m->col, a))
					     : field(h, rec, m->col, a);
		if (!parse_decimal(number, &value))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%s \"%.80s\" is not %s nor one of the DfE's markers ("
					   DFE_MARKER_LIST ")",
					   m->name, text, m->percentage ? "a percentage" : "a number");
		if (value < m->min || value > m->max)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%s %.80s is out of range for %s (%g to %g)", m->name, text,
					   m->what, m->min, m->max);
		measure->value = value;
	}
	*(N2gg__V1__Measure **)((char *)ach + m->slot) = measure;
	return 0;
}

/* RECTYPE: what a row of the DfE's tables is. The numbering below is the one the DfE's
 * metadata (ks2_meta.csv, ks4_meta.csv) gives for the tables from 2016 on, the first with
 * PTRWM_EXP, READPROG/WRITPROG/MATPROG and P8MEA: an assumption from memory, not checked
 * against those files here. (The 2013-2015 metadata, which was checked, numbered them
 * 1 and 2 schools, 3 LA, 4 England all schools, 5 England maintained; those tables have
 * none of the columns that select the DfE formats, so they cannot be misread as these.)
 * Any other RECTYPE with a URN is read as a school's row. */
enum {
	RECTYPE_LA = 4,                    /* a local authority's averages; LEA, no URN */
	RECTYPE_ENGLAND_ALL = 5,           /* England, all schools (independent ones too) */
	RECTYPE_ENGLAND_STATE_FUNDED = 7,  /* England, state-funded schools: the comparator */
};

/* A number of 1-3 digits, 1..999, in `v` (trimmed); false for anything else. */
static bool parse_small_number(const char *v, uint32_t *out)
{
	size_t n = strlen(v);
	if (n < 1 || n > 3 || !all_digits(v, n) || digits_value(v, n) == 0)
		return false;
	*out = (uint32_t)digits_value(v, n);
	return true;
}

static int dfe_achievement_row(const struct importers_header *h, const struct csvread_record *rec,
			       struct arena *a, struct importers_achievement_row *out,
			       struct status *st)
{
	uint32_t rectype, lea = 0;
	int rc;
	const char *text = field(h, rec, IMPORTERS_ACHIEVEMENT_RECTYPE, a);
	if (!parse_small_number(text, &rectype))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "RECTYPE \"%.80s\" is not a record type (1, 2 a school; %d a local "
				   "authority; %d, %d England)",
				   text, RECTYPE_LA, RECTYPE_ENGLAND_ALL, RECTYPE_ENGLAND_STATE_FUNDED);
	bool england = rectype == RECTYPE_ENGLAND_ALL || rectype == RECTYPE_ENGLAND_STATE_FUNDED;
	text = field(h, rec, IMPORTERS_ACHIEVEMENT_LEA, a);
	if (*text && !england && !parse_small_number(text, &lea))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "LEA \"%.80s\" is not a local authority number (1-999)", text);
	if (h->la_code && lea && lea != h->la_code) {
		out->kind = IMPORTERS_ROW_SKIPPED;
		return 0;
	}
	const char *urn = field(h, rec, IMPORTERS_ACHIEVEMENT_URN, a);
	bool comparator = england || rectype == RECTYPE_LA;
	if (comparator && *urn)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "RECTYPE %u is %s's averages, yet the row names URN \"%.80s\"", rectype,
				   england ? "England" : "a local authority", urn);
	if (rectype == RECTYPE_ENGLAND_ALL) {
		out->kind = IMPORTERS_ROW_SKIPPED;
		out->note = "RECTYPE 5 (England, all schools) is not kept: England's comparator is "
			    "its state-funded schools (RECTYPE 7)";
		return 0;
	}
	if (rectype == RECTYPE_LA && !lea)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "RECTYPE 4 is a local authority's averages, yet LEA is empty");
	if (!comparator && !*urn)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "RECTYPE %u row has no URN: a school's row names its URN; an LA's "
				   "averages are RECTYPE %d, England's %d",
				   rectype, RECTYPE_LA, RECTYPE_ENGLAND_STATE_FUNDED);
	if (!comparator && (rc = importers_parse_urn(urn, &out->urn, st)) < 0)
		return rc;

	bool ks4 = h->format == IMPORTERS_FORMAT_KS4;
	N2gg__V1__Achievement *ach = arena_message(a, &n2gg__v1__achievement__descriptor);
	ach->year = h->default_year;
	ach->key_stage = ks4 ? N2GG__V1__KEY_STAGE__KEY_STAGE_4 : N2GG__V1__KEY_STAGE__KEY_STAGE_2;
	const struct dfe_measure *measures = ks4 ? ks4_measures : ks2_measures;
	size_t n = ks4 ? sizeof ks4_measures / sizeof *ks4_measures
		       : sizeof ks2_measures / sizeof *ks2_measures;
	struct dfe_marks marks = {.note = ""};
	for (size_t i = 0; i < n; i++)
		if ((rc = dfe_read_measure(h, rec, &measures[i], ach, a, &marks, st)) < 0)
			return rc;
	/* the consumers of expected_standard_pct read key stage 2's headline from it */
	if (!ks4 && ach->expected_standard)
		ach->expected_standard_pct = ach->expected_standard->value;
	out->marked = marks.count;
	out->note = marks.note;
	if (!comparator) {
		out->kind = IMPORTERS_ROW_SCHOOL;
		out->achievement = ach;
		return 0;
	}
	N2gg__V1__Comparator *c = arena_message(a, &n2gg__v1__comparator__descriptor);
	c->year = ach->year;
	c->key_stage = ach->key_stage;
	c->area = england ? N2GG__V1__COMPARATOR_AREA__AREA_ENGLAND : N2GG__V1__COMPARATOR_AREA__AREA_LA;
	c->la_code = england ? 0 : lea;
	const char *name = field(h, rec, IMPORTERS_ACHIEVEMENT_SCHNAME, a);
	c->name = *name ? (char *)name : england ? (char *)"England" : arena_printf(a, "LA %u", lea);
	c->achievement = ach;
	out->kind = IMPORTERS_ROW_COMPARATOR;
	out->comparator = c;
	return 0;
}

int importers_achievement_read(const struct importers_header *h, const struct csvread_record *rec,
			       struct arena *a, struct importers_achievement_row *out,
			       struct status *st)
{
	int rc;
	*out = (struct importers_achievement_row){.note = ""};
	if ((rc = row_check(h, rec, st)) < 0)
		return rc;
	if (h->format == IMPORTERS_FORMAT_N2GG)
		return n2gg_achievement_row(h, rec, a, out, st);
	return dfe_achievement_row(h, rec, a, out, st);
}

int importers_achievement_row(const struct importers_header *h, const struct csvread_record *rec,
			      struct arena *a, uint32_t *urn, N2gg__V1__Achievement **out,
			      struct status *st)
{
	struct importers_achievement_row row;
	int rc = importers_achievement_read(h, rec, a, &row, st);
	if (rc < 0)
		return rc;
	if (row.kind == IMPORTERS_ROW_COMPARATOR)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "the averages of %.80s, not a school's row",
				   row.comparator->name);
	if (row.kind == IMPORTERS_ROW_SKIPPED)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%.300s",
				   row.note[0] ? row.note : "a row of another local authority: skipped");
	*urn = row.urn;
	*out = row.achievement;
	return 0;
}

/* ---- clusters ---- */

static const struct column_spec cluster_columns[IMPORTERS_CLUSTER_COLUMNS] = {
	[IMPORTERS_CLUSTER_ID] = {{"cluster_id"}, true},
	[IMPORTERS_CLUSTER_NAME] = {{"cluster_name"}, true},
	[IMPORTERS_CLUSTER_URN] = {{"urn"}, true},
	[IMPORTERS_CLUSTER_EFFECTIVE_DATE] = {{"effective_date"}, false},
};

int importers_cluster_header_parse(const struct csvread_record *rec, struct importers_header *h,
				   struct status *st)
{
	return header_parse("clusters file", cluster_columns, IMPORTERS_CLUSTER_COLUMNS, rec, h, st);
}

int importers_cluster_row(const struct importers_header *h, const struct csvread_record *rec,
			  struct arena *a, struct importers_cluster_row *out, struct status *st)
{
	char iso[DATE_ISO_LEN];
	int rc;

	if ((rc = row_check(h, rec, st)) < 0)
		return rc;
	const char *id = field(h, rec, IMPORTERS_CLUSTER_ID, a);
	if (!*id)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "cluster_id is empty");
	if (!importers_valid_cluster_id(id))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "cluster_id \"%.80s\" is not 1-32 characters of A-Z a-z 0-9 _ -", id);
	const char *name = field(h, rec, IMPORTERS_CLUSTER_NAME, a);
	if (!*name)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "cluster_name is empty");
	if ((rc = importers_parse_urn(field(h, rec, IMPORTERS_CLUSTER_URN, a), &out->urn, st)) < 0)
		return rc;
	const char *date = field(h, rec, IMPORTERS_CLUSTER_EFFECTIVE_DATE, a);
	if (date_normalise(date, iso) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "effective_date \"%.80s\" is not a date (YYYY-MM-DD or DD/MM/YYYY)", date);
	out->cluster_id = id;
	out->cluster_name = name;
	out->effective_date = *iso ? arena_strdup(a, iso) : "";
	return 0;
}

/* ---- contacts ---- */

static const struct column_spec contact_columns[IMPORTERS_CONTACT_COLUMNS] = {
	[IMPORTERS_CONTACT_URN] = {{"urn"}, true},
	[IMPORTERS_CONTACT_ROLE] = {{"role"}, true},
	[IMPORTERS_CONTACT_NAME] = {{"name"}, true},
	[IMPORTERS_CONTACT_EMAIL] = {{"email"}, false},
	[IMPORTERS_CONTACT_PHONE] = {{"phone"}, false},
};

int importers_contact_header_parse(const struct csvread_record *rec, struct importers_header *h,
				   struct status *st)
{
	return header_parse("contacts file", contact_columns, IMPORTERS_CONTACT_COLUMNS, rec, h, st);
}

bool importers_plausible_email(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@'))
		return false;
	for (const char *p = e; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			return false;
	const char *domain = at + 1, *dot = strchr(domain, '.');
	size_t n = strlen(domain);
	return dot && dot != domain && domain[n - 1] != '.';
}

int importers_contact_row(const struct importers_header *h, const struct csvread_record *rec,
			  struct arena *a, struct importers_contact_row *out, struct status *st)
{
	int rc;

	if ((rc = row_check(h, rec, st)) < 0 ||
	    (rc = importers_parse_urn(field(h, rec, IMPORTERS_CONTACT_URN, a), &out->urn, st)) < 0)
		return rc;
	const char *role = field(h, rec, IMPORTERS_CONTACT_ROLE, a);
	if (csvread_equal_nocase(role, "headteacher"))
		out->role = IMPORTERS_ROLE_HEADTEACHER;
	else if (csvread_equal_nocase(role, "chair_of_governors") || csvread_equal_nocase(role, "chair"))
		out->role = IMPORTERS_ROLE_CHAIR_OF_GOVERNORS;
	else
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "role \"%.80s\" is not headteacher, chair_of_governors or chair", role);
	const char *name = field(h, rec, IMPORTERS_CONTACT_NAME, a);
	if (!*name)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "name is empty");
	const char *email = field(h, rec, IMPORTERS_CONTACT_EMAIL, a);
	if (*email && !importers_plausible_email(email))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "email \"%.80s\" is not an email address", email);
	out->name = name;
	out->email = email;
	out->phone = field(h, rec, IMPORTERS_CONTACT_PHONE, a);
	return 0;
}
