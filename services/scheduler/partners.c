/* partners: partner records, their checks and the partners CSV file (see partners.h). */
#include "partners.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"

static const char *const weekday_names[] = {"mon", "tue", "wed", "thu", "fri"};
static const char *const weekday_full_names[] = {"monday", "tuesday", "wednesday", "thursday",
						 "friday"};

static bool partners_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 40)
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '-' || *c == '_' || *c == '.'))
			return false;
	return true;
}

int partners_check(N2gg__V1__Partner *p, struct arena *a, struct status *st)
{
	if (!partners_id_ok(p->id))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "partner id \"%.60s\" must be 1-40 letters, digits, '-', '_' or '.'",
				   p->id);
	if (!p->name[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT, "partner %s has no name", p->id);
	if (p->n_roles == 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "partner %s has no role", p->id);
	for (size_t i = 0; i < p->n_roles; i++)
		if (!entitlement_role_of(entitlement_role_name(p->roles[i])))
			return status_fail(st, STATUS_INVALID_ARGUMENT, "partner %s: unknown role %d",
					   p->id, (int)p->roles[i]);
	for (size_t i = 0; i < p->n_sip_accreditation; i++)
		if ((int)p->sip_accreditation[i] <= 0 || (int)p->sip_accreditation[i] > 10)
			return status_fail(st, STATUS_INVALID_ARGUMENT, "partner %s: unknown phase %d",
					   p->id, (int)p->sip_accreditation[i]);
	for (size_t i = 0; i < p->n_phase_expertise; i++)
		if ((int)p->phase_expertise[i] <= 0 || (int)p->phase_expertise[i] > 10)
			return status_fail(st, STATUS_INVALID_ARGUMENT, "partner %s: unknown phase %d",
					   p->id, (int)p->phase_expertise[i]);
	if (p->capacity_days > 366)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "partner %s: capacity of %u days a year is more than a year", p->id,
				   p->capacity_days);
	if (p->weekdays > 31)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "partner %s: weekdays %u is not a Monday-Friday mask", p->id,
				   p->weekdays);
	for (size_t i = 0; i < p->n_unavailable_dates; i++) {
		char iso[DATE_ISO_LEN];
		if (date_normalise(p->unavailable_dates[i], iso) < 0 || !iso[0])
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %s: unavailable date \"%.40s\" is not a date", p->id,
					   p->unavailable_dates[i]);
		p->unavailable_dates[i] = arena_strdup(a, iso);
	}
	for (size_t i = 0; i < p->n_training; i++) {
		char iso[DATE_ISO_LEN];
		if (!p->training[i]->name[0] || date_normalise(p->training[i]->date, iso) < 0 ||
		    !iso[0])   /* an empty date normalises to "" without complaint */
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "partner %s: training needs a name and a date", p->id);
		p->training[i]->date = arena_strdup(a, iso);
	}
	return 0;
}

/* ---- the CSV file ---- */

static const char *const column_names[PARTNERS_COLUMNS] = {
	"id", "name", "roles", "capacity_days", "sip_accreditation", "led_good_school",
	"ofsted_inspector", "training", "phase_expertise", "easting", "northing", "provider",
	"own_school_urn", "own_cluster_id", "federation_code", "weekdays", "unavailable_dates",
	"email", "phone", "cep_accredited"};
#define PARTNERS_REQUIRED 4   /* the first four columns */

int partners_header_parse(const struct csvread_record *rec, struct partners_header *h,
			  struct status *st)
{
	if (rec->error)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "line %zu: header: %s", rec->line,
				   rec->error);
	for (int c = 0; c < PARTNERS_COLUMNS; c++)
		h->col[c] = -1;
	h->nfields = rec->nfields;
	for (size_t i = 0; i < rec->nfields; i++) {
		int c = 0;
		while (c < PARTNERS_COLUMNS && !csvread_header_is(rec->fields[i], column_names[c], true))
			c++;
		if (c == PARTNERS_COLUMNS)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "line %zu: unknown column \"%.40s\"", rec->line,
					   rec->fields[i]);
		if (h->col[c] >= 0)   /* which one would be meant? */
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "line %zu: the column \"%s\" appears twice", rec->line,
					   column_names[c]);
		h->col[c] = (int)i;
	}
	for (int c = 0; c < PARTNERS_REQUIRED; c++)
		if (h->col[c] < 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "line %zu: the partners file has no %s column", rec->line,
					   column_names[c]);
	return 0;
}

/* Splits "a;b;c" into trimmed, non-empty items in the arena. */
static char **split_list(char *text, struct arena *a, size_t *n)
{
	size_t cap = 0;
	char **items = NULL;
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(text, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		size_t len;
		const char *t = csvread_trim(tok, &len);
		if (!len)
			continue;
		items = arena_grow(a, items, *n, &cap, sizeof *items);
		items[(*n)++] = arena_strndup(a, t, len);
	}
	return items;
}

static int parse_whole(const char *text, long min, long max, long *out)
{
	if (!text[0]) {
		*out = 0;
		return 0;
	}
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_yes_no(const char *text, protobuf_c_boolean *out)
{
	if (!text[0] || !strcasecmp(text, "no") || !strcasecmp(text, "false") || !strcmp(text, "0"))
		*out = 0;
	else if (!strcasecmp(text, "yes") || !strcasecmp(text, "true") || !strcmp(text, "1"))
		*out = 1;
	else
		return -1;
	return 0;
}

static int parse_phases(char *text, struct arena *a, N2gg__V1__Phase **out, size_t *n,
			const char *what, struct status *st)
{
	size_t count;
	char **items = split_list(text, a, &count);
	*out = arena_alloc(a, sizeof **out * (count + 1));
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		int ph = entitlement_phase_of(items[i]);
		if (ph <= 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: unknown phase \"%.40s\"",
					   what, items[i]);
		(*out)[(*n)++] = (N2gg__V1__Phase)ph;
	}
	return 0;
}

static int partners_row_lists(const struct partners_header *h, const struct csvread_record *rec,
			      struct arena *a, N2gg__V1__Partner *p, struct status *st)
{
	size_t count;
	char **roles = split_list(csvread_column(rec, h->col[PARTNERS_ROLES], a), a, &count);
	p->roles = arena_alloc(a, sizeof *p->roles * (count + 1));
	for (size_t i = 0; i < count; i++) {
		int role = entitlement_role_of(roles[i]);
		if (!role)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "roles: unknown role \"%.40s\" (ecp, cep, sip, "
					   "intervention_adviser)", roles[i]);
		p->roles[p->n_roles++] = (N2gg__V1__Role)role;
	}
	int rc;
	if ((rc = parse_phases(csvread_column(rec, h->col[PARTNERS_SIP_ACCREDITATION], a), a,
			       &p->sip_accreditation, &p->n_sip_accreditation, "sip_accreditation",
			       st)) < 0 ||
	    (rc = parse_phases(csvread_column(rec, h->col[PARTNERS_PHASE_EXPERTISE], a), a,
			       &p->phase_expertise, &p->n_phase_expertise, "phase_expertise", st)) < 0)
		return rc;
	char **training = split_list(csvread_column(rec, h->col[PARTNERS_TRAINING], a), a, &count);
	p->training = arena_alloc(a, sizeof *p->training * (count + 1));
	for (size_t i = 0; i < count; i++) {
		char *at = strrchr(training[i], '@');
		if (!at)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "training \"%.60s\" is not NAME@DATE", training[i]);
		*at = 0;
		N2gg__V1__Training *t = arena_message(a, &n2gg__v1__training__descriptor);
		t->name = training[i];
		t->date = at + 1;
		p->training[p->n_training++] = t;
	}
	char **days = split_list(csvread_column(rec, h->col[PARTNERS_WEEKDAYS], a), a, &count);
	for (size_t i = 0; i < count; i++) {
		int d = 0;
		while (d < 5 && strcasecmp(days[i], weekday_names[d]) != 0 &&
		       strcasecmp(days[i], weekday_full_names[d]) != 0)
			d++;
		if (d == 5)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "weekdays: \"%.20s\" is not mon, tue, wed, thu or fri",
					   days[i]);
		p->weekdays |= 1u << d;
	}
	p->unavailable_dates = split_list(csvread_column(rec, h->col[PARTNERS_UNAVAILABLE_DATES], a),
					  a, &p->n_unavailable_dates);
	return 0;
}

int partners_row(const struct partners_header *h, const struct csvread_record *rec,
		 struct arena *a, N2gg__V1__Partner **out, struct status *st)
{
	int rc = csvread_check_row(rec, h->nfields, st);
	if (rc < 0)
		return rc;
	N2gg__V1__Partner *p = arena_message(a, &n2gg__v1__partner__descriptor);
	p->id = csvread_column(rec, h->col[PARTNERS_ID], a);
	p->name = csvread_column(rec, h->col[PARTNERS_NAME], a);
	p->provider = csvread_column(rec, h->col[PARTNERS_PROVIDER], a);
	p->own_cluster_id = csvread_column(rec, h->col[PARTNERS_OWN_CLUSTER_ID], a);
	p->federation_code = csvread_column(rec, h->col[PARTNERS_FEDERATION_CODE], a);
	p->email = csvread_column(rec, h->col[PARTNERS_EMAIL], a);
	p->phone = csvread_column(rec, h->col[PARTNERS_PHONE], a);
	p->active = 1;
	long v;
	const char *capacity = csvread_column(rec, h->col[PARTNERS_CAPACITY_DAYS], a);
	if (!capacity[0] || parse_whole(capacity, 0, 366, &v) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "capacity_days \"%.20s\" is not a number of days from 0 to 366",
				   capacity);
	p->capacity_days = (uint32_t)v;
	if (parse_whole(csvread_column(rec, h->col[PARTNERS_EASTING], a), 0, 800000, &v) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "easting is not 0-800000 metres");
	p->easting = (int32_t)v;
	if (parse_whole(csvread_column(rec, h->col[PARTNERS_NORTHING], a), 0, 1400000, &v) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "northing is not 0-1400000 metres");
	p->northing = (int32_t)v;
	if (parse_whole(csvread_column(rec, h->col[PARTNERS_OWN_SCHOOL_URN], a), 0, 999999, &v) < 0 ||
	    (v && v < 100000))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "own_school_urn is not a URN");
	p->own_school_urn = (uint32_t)v;
	if (parse_yes_no(csvread_column(rec, h->col[PARTNERS_LED_GOOD_SCHOOL], a),
			 &p->led_good_school) < 0 ||
	    parse_yes_no(csvread_column(rec, h->col[PARTNERS_OFSTED_INSPECTOR], a),
			 &p->ofsted_inspector) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "led_good_school and ofsted_inspector are yes or no");
	if (parse_yes_no(csvread_column(rec, h->col[PARTNERS_CEP_ACCREDITED], a),
			 &p->cep_accredited) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "cep_accredited is yes or no");
	if ((rc = partners_row_lists(h, rec, a, p, st)) < 0 || (rc = partners_check(p, a, st)) < 0)
		return rc;
	*out = p;
	return 0;
}

bool partners_same(const N2gg__V1__Partner *a, const N2gg__V1__Partner *b, struct arena *ar)
{
	N2gg__V1__Partner ca = *a, cb = *b;
	ca.updated_by = cb.updated_by = "";
	ca.updated_unix_ms = cb.updated_unix_ms = 0;
	size_t la, lb;
	void *pa = arena_pack(ar, &ca.base, &la), *pb = arena_pack(ar, &cb.base, &lb);
	return la == lb && memcmp(pa, pb, la) == 0;
}

void partners_plan_view(const N2gg__V1__Partner *p, struct arena *a, struct plan_partner *out)
{
	memset(out, 0, sizeof *out);
	out->id = p->id;
	out->name = p->name;
	for (size_t i = 0; i < p->n_roles; i++)
		out->roles |= 1u << p->roles[i];
	for (size_t i = 0; i < p->n_sip_accreditation; i++)
		out->sip_phases |= ENTITLEMENT_PHASE_BIT(p->sip_accreditation[i]);
	out->led_good_school = p->led_good_school;
	out->ofsted_inspector = p->ofsted_inspector;
	const char **names = arena_alloc(a, sizeof *names * (p->n_training + 1));
	const char **dates = arena_alloc(a, sizeof *dates * (p->n_training + 1));
	for (size_t i = 0; i < p->n_training; i++) {
		names[i] = p->training[i]->name;
		dates[i] = p->training[i]->date;
	}
	out->training = names;
	out->training_dates = dates;
	out->training_count = p->n_training;
	out->cep_accredited = p->cep_accredited;
	out->capacity_days = p->capacity_days;
	out->easting = p->easting;
	out->northing = p->northing;
	out->own_school = p->own_school_urn;
	out->own_cluster = p->own_cluster_id;
	out->federation = p->federation_code;
	out->active = p->active;
}
