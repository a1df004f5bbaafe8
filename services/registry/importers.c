/* importers: header and row parsers for the Ofsted, achievement, cluster and contact
 * CSV files (see importers.h). These files are often re-typed or re-saved by hand, so
 * header names are matched loosely (case, blanks) but values strictly. */
#include "importers.h"

#include "date.h"

#include <stdio.h>
#include <string.h>

/* ---- shared helpers ---- */

struct column_spec {
	const char *names[3];  /* the name and its aliases, NULL-terminated */
	bool required;
};

static int header_parse(const char *file, const struct column_spec *spec, int ncols,
			const struct csvread_record *rec, struct importers_header *h,
			struct status *st)
{
	char missing[400] = "";
	size_t mlen = 0;

	if (rec->error)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s header: %s", file, rec->error);
	for (int c = 0; c < IMPORTERS_MAX_COLUMNS; c++)
		h->col[c] = -1;
	h->nfields = rec->nfields;
	h->default_year = 0;
	for (size_t i = 0; i < rec->nfields; i++) {
		for (int c = 0; c < ncols; c++) {
			bool match = false;
			for (int k = 0; spec[c].names[k] && !match; k++)
				match = csvread_header_is(rec->fields[i], spec[c].names[k], true);
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
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: missing required column(s) %s",
				   file, missing);
	return 0;
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

/* ASCII case folding only: strcasecmp follows the locale. */
static bool equal_nocase(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		if (x != y)
			return false;
		if (!x)
			return true;
	}
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
		if (equal_nocase(v, names[i].name)) {
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
		if (equal_nocase(v, names[i].name) || equal_nocase(v, names[i].abbrev)) {
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

static const struct column_spec achievement_columns[IMPORTERS_ACHIEVEMENT_COLUMNS] = {
	[IMPORTERS_ACHIEVEMENT_URN] = {{"URN"}, true},
	[IMPORTERS_ACHIEVEMENT_YEAR] = {{"YEAR"}, true},
	[IMPORTERS_ACHIEVEMENT_EXPECTED] = {{"PTRWM_EXP", "expected_standard_pct"}, true},
	[IMPORTERS_ACHIEVEMENT_PROGRESS] = {{"PROGRESS", "progress"}, false},
};

int importers_achievement_header_parse(const struct csvread_record *rec, uint32_t default_year,
				       struct importers_header *h, struct status *st)
{
	struct column_spec spec[IMPORTERS_ACHIEVEMENT_COLUMNS];
	memcpy(spec, achievement_columns, sizeof spec);
	spec[IMPORTERS_ACHIEVEMENT_YEAR].required = default_year == 0;
	int rc = header_parse("achievement file", spec, IMPORTERS_ACHIEVEMENT_COLUMNS, rec, h, st);
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

/* Codes the DfE publishes instead of a figure: too few pupils, not entered... */
static bool suppressed(const char *v)
{
	static const char *const codes[] = {"", "SUPP", "NE", "NA", "LOWCOV", "x"};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (equal_nocase(v, codes[i]))
			return true;
	return false;
}

int importers_achievement_row(const struct importers_header *h, const struct csvread_record *rec,
			      struct arena *a, uint32_t *urn, N2gg__V1__Achievement **out,
			      struct status *st)
{
	uint32_t year = 0;
	double pct = 0, progress = 0;
	int rc;

	if ((rc = row_check(h, rec, st)) < 0 ||
	    (rc = importers_parse_urn(field(h, rec, IMPORTERS_ACHIEVEMENT_URN, a), urn, st)) < 0)
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
	size_t n = strlen(e);
	if (e[n - 1] == '%') {
		e[n - 1] = '\0';  /* a copy in the arena: ours to cut */
		e = (char *)csvread_trim(e, &n);
		e[n] = '\0';
	}
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
	*out = ach;
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
	if (equal_nocase(role, "headteacher"))
		out->role = IMPORTERS_ROLE_HEADTEACHER;
	else if (equal_nocase(role, "chair_of_governors") || equal_nocase(role, "chair"))
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
