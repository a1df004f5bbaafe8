/* partners: improvement partners as the scheduler keeps them — checking a partner record
 * (roles, phases, capacity, days of the week, dates), reading one from a row of the
 * partners CSV file, and the planner's view of one (struct plan_partner). Pure: no I/O.
 *
 * The CSV file has a header row; columns (any order, names as here, lists split by ';'):
 *   id, name, roles (ecp;sip;cep;intervention_adviser), capacity_days   -- required
 *   sip_accreditation (phases), led_good_school, ofsted_inspector (yes/no),
 *   training (name@YYYY-MM-DD;...), phase_expertise (phases), easting, northing,
 *   provider, own_school_urn, own_cluster_id, federation_code,
 *   weekdays (mon;tue;...; empty: every weekday), unavailable_dates, email, phone,
 *   cep_accredited (yes/no: on the accredited list of CEPs; files from before it read as no)
 * A CEP's training is a "CEP training@DATE" item, DATE the day the partner started it. */
#ifndef N2GG_PARTNERS_H
#define N2GG_PARTNERS_H

#include "arena.h"
#include "csvread.h"
#include "entitlement.h"
#include "n2gg/v1/scheduler.pb-c.h"
#include "status.h"

/* Checks and normalises a partner (dates to ISO): INVALID_ARGUMENT naming the field. */
int partners_check(N2gg__V1__Partner *p, struct arena *a, struct status *st);

enum partners_column {
	PARTNERS_ID, PARTNERS_NAME, PARTNERS_ROLES, PARTNERS_CAPACITY_DAYS,
	PARTNERS_SIP_ACCREDITATION, PARTNERS_LED_GOOD_SCHOOL, PARTNERS_OFSTED_INSPECTOR,
	PARTNERS_TRAINING, PARTNERS_PHASE_EXPERTISE, PARTNERS_EASTING, PARTNERS_NORTHING,
	PARTNERS_PROVIDER, PARTNERS_OWN_SCHOOL_URN, PARTNERS_OWN_CLUSTER_ID,
	PARTNERS_FEDERATION_CODE, PARTNERS_WEEKDAYS, PARTNERS_UNAVAILABLE_DATES, PARTNERS_EMAIL,
	PARTNERS_PHONE, PARTNERS_CEP_ACCREDITED, PARTNERS_COLUMNS
};

struct partners_header {
	int col[PARTNERS_COLUMNS];   /* index in the record, -1 absent */
	size_t nfields;
};

int partners_header_parse(const struct csvread_record *rec, struct partners_header *h,
			  struct status *st);
/* One row into a checked partner (active). */
int partners_row(const struct partners_header *h, const struct csvread_record *rec,
		 struct arena *a, N2gg__V1__Partner **out, struct status *st);

/* Whether two partner records say the same (ignoring who changed them and when). */
bool partners_same(const N2gg__V1__Partner *a, const N2gg__V1__Partner *b, struct arena *ar);

/* The planner's view of a partner (pointing into `p`). */
void partners_plan_view(const N2gg__V1__Partner *p, struct arena *a, struct plan_partner *out);

#endif
