/* view: see view.h. */
#include "view.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "date.h"
#include "form.h"
#include "html.h"

void view_school_from(struct view_school *v, const N2gg__V1__School *s,
		      const N2gg__V1__CategoryChanged *c)
{
	memset(v, 0, sizeof *v);
	v->urn = s->urn;
	v->name = s->name;
	v->town = s->address ? s->address->town : "";
	v->postcode = s->address ? s->address->postcode : "";
	v->cluster_id = s->cluster_id;
	v->cluster_name = "";
	v->category = c ? c->category : "";
	v->phase = s->phase;
	v->status = s->status;
	v->ofsted_date = "";
	v->easting = s->easting;
	v->northing = s->northing;
	/* inspections are kept oldest first; the latest judgement is the last with a grade */
	for (size_t i = s->n_inspections; i-- > 0;) {
		if (s->inspections[i]->overall_effectiveness) {
			v->ofsted = s->inspections[i]->overall_effectiveness;
			v->ofsted_date = s->inspections[i]->start_date;
			break;
		}
	}
}

void view_school_add_partner(struct view_school *v, struct arena *a, const char *id,
			     const char *name)
{
	for (size_t i = 0; i < v->n_partners; i++)
		if (strcmp(v->partner_ids[i], id) == 0)
			return;
	const char **ids = arena_alloc(a, (v->n_partners + 1) * sizeof *ids);
	const char **names = arena_alloc(a, (v->n_partners + 1) * sizeof *names);
	if (v->n_partners) {
		memcpy(ids, v->partner_ids, v->n_partners * sizeof *ids);
		memcpy(names, v->partner_names, v->n_partners * sizeof *names);
	}
	ids[v->n_partners] = id;
	names[v->n_partners] = name;
	v->partner_ids = ids;
	v->partner_names = names;
	v->n_partners++;
}

void view_filter_from_form(struct view_filter *f, const struct form *query)
{
	f->category = form_get(query, "category");
	f->cluster = form_get(query, "cluster");
	f->phase = form_get(query, "phase");
	f->ofsted = form_get(query, "ofsted");
	f->partner = form_get(query, "partner");
	f->q = form_get(query, "q");
}

/* Letters and digits only, folded to lower case: "NR1 2AB" and "nr12ab" are one postcode. */
static void view_fold(const char *s, char *out, size_t size)
{
	size_t o = 0;
	for (; *s && o + 1 < size; s++)
		if (isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80)
			out[o++] = (char)tolower((unsigned char)*s);
	out[o] = '\0';
}

static bool view_contains_folded(const char *hay, const char *needle_folded)
{
	char h[512];
	view_fold(hay, h, sizeof h);
	return strstr(h, needle_folded) != NULL;
}

bool view_filter_match(const struct view_filter *f, const struct view_school *s)
{
	if (f->category[0]) {
		if (strcmp(f->category, "none") == 0 ? s->category[0] != '\0'
						       : strcmp(f->category, s->category) != 0)
			return false;
	}
	if (f->cluster[0] && strcmp(f->cluster, s->cluster_id) != 0)
		return false;
	if (f->phase[0] && atoi(f->phase) != s->phase)
		return false;
	if (f->ofsted[0]) {
		unsigned want = strcmp(f->ofsted, "none") == 0 ? 0 : (unsigned)atoi(f->ofsted);
		if (want != s->ofsted)
			return false;
	}
	if (f->partner[0]) {
		bool served = false;
		for (size_t i = 0; i < s->n_partners && !served; i++)
			served = strcmp(s->partner_ids[i], f->partner) == 0;
		if (!served)
			return false;
	}
	if (f->q[0]) {
		char q[256], urn[16];
		view_fold(f->q, q, sizeof q);
		if (!q[0])
			return true;   /* only spaces and punctuation: nothing to look for */
		snprintf(urn, sizeof urn, "%u", s->urn);
		if (!view_contains_folded(s->name, q) && !strstr(urn, q) &&
		    !view_contains_folded(s->postcode, q))
			return false;
	}
	return true;
}

void view_filter_query(const struct view_filter *f, struct html *h)
{
	const char *names[] = {"category", "cluster", "phase", "ofsted", "partner", "q"};
	const char *values[] = {f->category, f->cluster, f->phase, f->ofsted, f->partner, f->q};
	bool first = true;
	for (size_t i = 0; i < 6; i++) {
		if (!values[i][0])
			continue;
		html_str(h, first ? "" : "&");
		html_str(h, names[i]);
		html_str(h, "=");
		form_encode(h, values[i]);
		first = false;
	}
}

size_t view_page_count(size_t n)
{
	return n ? (n + VIEW_PAGE_SIZE - 1) / VIEW_PAGE_SIZE : 1;
}

size_t view_page_from_form(const struct form *query, size_t n)
{
	const char *text = form_get(query, "page");
	size_t page = 0, pages = view_page_count(n);
	for (; *text >= '0' && *text <= '9'; text++)
		if ((page = page * 10 + (size_t)(*text - '0')) > pages)
			page = pages + 1;   /* past the end: the last page, with no overflow */
	if (*text || page < 1)
		return 1;
	return page > pages ? pages : page;
}

void view_schools_csv(struct html *h, const struct view_school *const *schools, size_t n)
{
	static const char *const head[] = {"URN", "Name", "Town", "Postcode", "Phase", "Cluster",
					   "Category", "Ofsted", "Ofsted date", "Partners"};
	char *csv = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&csv, &len);
	if (!out)
		return;
	csvwrite_row(out, head, sizeof head / sizeof *head);
	for (size_t i = 0; i < n; i++) {
		const struct view_school *s = schools[i];
		char urn[16];
		snprintf(urn, sizeof urn, "%u", s->urn);
		struct html partners;
		html_init(&partners);
		for (size_t p = 0; p < s->n_partners; p++) {
			html_str(&partners, p ? "; " : "");
			html_str(&partners, s->partner_names[p][0] ? s->partner_names[p]
								   : s->partner_ids[p]);
		}
		const char *fields[] = {urn, s->name, s->town, s->postcode, view_phase_name(s->phase),
					s->cluster_name[0] ? s->cluster_name : s->cluster_id,
					s->category, s->ofsted ? view_ofsted_name(s->ofsted) : "",
					s->ofsted_date, partners.data ? partners.data : ""};
		csvwrite_row(out, fields, sizeof fields / sizeof *fields);
		html_free(&partners);
	}
	if (fclose(out) == 0 && csv)
		html_raw(h, csv, len);
	free(csv);
}

int view_category_index(const char *category)
{
	if (category && category[0] >= 'A' && category[0] <= 'F' && !category[1])
		return category[0] - 'A';
	return VIEW_CATEGORIES - 1;
}

void view_overview_add(struct view_overview *o, struct arena *a, const struct view_school *s)
{
	if (s->status != N2GG__V1__SCHOOL_STATUS__STATUS_OPEN &&
	    s->status != N2GG__V1__SCHOOL_STATUS__STATUS_OPEN_PROPOSED_TO_CLOSE)
		return;
	int c = view_category_index(s->category);
	o->open_schools++;
	o->by_category[c]++;
	/* the last cluster counted first: the caller may give the schools by cluster */
	struct view_cluster_count *cc =
		o->n_clusters && strcmp(o->clusters[o->n_clusters - 1].id, s->cluster_id) == 0
			? &o->clusters[o->n_clusters - 1]
			: NULL;
	for (size_t i = 0; i < o->n_clusters && !cc; i++)
		if (strcmp(o->clusters[i].id, s->cluster_id) == 0)
			cc = &o->clusters[i];
	if (!cc) {
		o->clusters = arena_grow(a, o->clusters, o->n_clusters, &o->cap_clusters,
					 sizeof *o->clusters);
		cc = &o->clusters[o->n_clusters++];
		memset(cc, 0, sizeof *cc);
		cc->id = s->cluster_id;
		cc->name = s->cluster_name[0] ? s->cluster_name : s->cluster_id;
	}
	cc->by_category[c]++;
	cc->total++;
}

static int view_cluster_cmp(const void *x, const void *y)
{
	const struct view_cluster_count *a = x, *b = y;
	/* schools in no cluster go last */
	if (!a->id[0] != !b->id[0])
		return a->id[0] ? -1 : 1;
	return strcmp(a->name, b->name);
}

void view_overview_done(struct view_overview *o)
{
	view_sort(o->clusters, o->n_clusters, sizeof *o->clusters, view_cluster_cmp);
}

enum view_letter_state view_letter_state(const N2gg__V1__Delivery *const *d, size_t n)
{
	if (!n)
		return VIEW_LETTER_NO_RECIPIENT;
	bool pending = false, withdrawn = true;
	for (size_t i = 0; i < n; i++) {
		switch (d[i]->state) {
		case N2GG__V1__DELIVERY_STATE__DELIVERY_DEAD:
		case N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS:
			return VIEW_LETTER_UNDELIVERED;
		case N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING:
		case N2GG__V1__DELIVERY_STATE__DELIVERY_HELD:
		case N2GG__V1__DELIVERY_STATE__DELIVERY_STATE_UNKNOWN:
			pending = true;
			break;
		default:
			break;
		}
		if (d[i]->state != N2GG__V1__DELIVERY_STATE__DELIVERY_WITHDRAWN)
			withdrawn = false;
	}
	return withdrawn ? VIEW_LETTER_WITHDRAWN : pending ? VIEW_LETTER_PENDING : VIEW_LETTER_SENT;
}

const char *view_letter_state_name(enum view_letter_state s)
{
	switch (s) {
	case VIEW_LETTER_SENT: return "Sent";
	case VIEW_LETTER_PENDING: return "Waiting to go";
	case VIEW_LETTER_UNDELIVERED: return "Not delivered";
	case VIEW_LETTER_WITHDRAWN: return "Withdrawn";
	case VIEW_LETTER_NO_RECIPIENT: return "No recipient";
	}
	return "";
}

int view_half_term_start(int day)
{
	static const int starts[][2] = {{9, 1}, {10, 28}, {1, 1}, {2, 22}, {4, 15}, {6, 1}};
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	int best = date_from_ymd(y - 1, 9, 1);
	for (int year = y - 1; year <= y; year++)
		for (size_t i = 0; i < sizeof starts / sizeof *starts; i++) {
			int s = date_from_ymd(year, starts[i][0], starts[i][1]);
			if (s <= day && s > best)
				best = s;
		}
	return best;
}

bool view_report_overdue(const char *date, bool reported, int today, int due_days,
			 int *days_over)
{
	int day;
	if (reported || date_parse(date, &day) < 0 || today - day <= due_days)
		return false;
	if (days_over)
		*days_over = today - day - due_days;
	return true;
}

const char *view_phase_name(int phase)
{
	switch (phase) {
	case N2GG__V1__PHASE__PHASE_NURSERY: return "Nursery";
	case N2GG__V1__PHASE__PHASE_PRIMARY: return "Primary";
	case N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_PRIMARY: return "Middle deemed primary";
	case N2GG__V1__PHASE__PHASE_SECONDARY: return "Secondary";
	case N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_SECONDARY: return "Middle deemed secondary";
	case N2GG__V1__PHASE__PHASE_SIXTEEN_PLUS: return "16 plus";
	case N2GG__V1__PHASE__PHASE_ALL_THROUGH: return "All-through";
	case N2GG__V1__PHASE__PHASE_SPECIAL: return "Special";
	case N2GG__V1__PHASE__PHASE_PUPIL_REFERRAL_UNIT: return "Pupil referral unit";
	case N2GG__V1__PHASE__PHASE_NOT_APPLICABLE: return "Not applicable";
	default: return "Unknown";
	}
}

const char *view_ofsted_name(unsigned grade)
{
	switch (grade) {
	case 1: return "Outstanding";
	case 2: return "Good";
	case 3: return "Requires improvement";
	case 4: return "Inadequate";
	default: return "None on record";
	}
}

const char *view_role_name(int role)
{
	switch (role) {
	case N2GG__V1__ROLE__ROLE_ECP: return "Education Challenge Partner";
	case N2GG__V1__ROLE__ROLE_CEP: return "Cluster Education Partner";
	case N2GG__V1__ROLE__ROLE_SIP: return "School Improvement Partner";
	case N2GG__V1__ROLE__ROLE_INTERVENTION_ADVISER: return "Intervention adviser";
	default: return "Partner";
	}
}

const char *view_delivery_state_name(int state)
{
	switch (state) {
	case N2GG__V1__DELIVERY_STATE__DELIVERY_PENDING: return "Waiting to go";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_SENT: return "Sent";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_DEAD: return "Failed";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_HELD: return "Held for the daily digest";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_IN_DIGEST: return "Sent in a digest";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_NO_ADDRESS: return "No email address";
	case N2GG__V1__DELIVERY_STATE__DELIVERY_WITHDRAWN: return "Withdrawn";
	default: return "Unknown";
	}
}

const char *view_notice_kind_name(int kind)
{
	switch (kind) {
	case N2GG__V1__NOTICE_KIND__NOTICE_CATEGORY_LETTER: return "Category letter";
	case N2GG__V1__NOTICE_KIND__NOTICE_ALLOCATION_LETTER: return "Allocation letter";
	case N2GG__V1__NOTICE_KIND__NOTICE_VISIT_SCHEDULE: return "Visit schedule";
	case N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET: return "MI sheet";
	case N2GG__V1__NOTICE_KIND__NOTICE_MI_REMINDER: return "MI sheet reminder";
	case N2GG__V1__NOTICE_KIND__NOTICE_DIGEST: return "Digest";
	case N2GG__V1__NOTICE_KIND__NOTICE_VISIT_REPORT: return "Visit report";
	case N2GG__V1__NOTICE_KIND__NOTICE_MI_CORRECTION: return "MI sheet correction";
	default: return "Letter";
	}
}

const char *view_recipient_role_name(int role)
{
	switch (role) {
	case N2GG__V1__RECIPIENT_ROLE__RECIPIENT_HEADTEACHER: return "Headteacher";
	case N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CHAIR_OF_GOVERNORS: return "Chair of governors";
	case N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR: return "Cluster chair";
	default: return "Recipient";
	}
}

const char *view_progress_name(int progress)
{
	switch (progress) {
	case N2GG__V1__VISIT_PROGRESS__PROGRESS_STRONG: return "Strong";
	case N2GG__V1__VISIT_PROGRESS__PROGRESS_GOOD: return "Good";
	case N2GG__V1__VISIT_PROGRESS__PROGRESS_SOME: return "Some";
	case N2GG__V1__VISIT_PROGRESS__PROGRESS_LITTLE: return "Little";
	default: return "Not judged";
	}
}

void view_partner_days(struct view_partner_days *out, const N2gg__V1__Partner *p,
		       const char *partner_id, const N2gg__V1__Allocation *const *allocations,
		       size_t n)
{
	memset(out, 0, sizeof *out);
	out->capacity = p ? p->capacity_days : 0;
	for (size_t i = 0; i < n; i++) {
		const N2gg__V1__Allocation *al = allocations[i];
		if (strcmp(al->partner_id, partner_id) != 0)
			continue;
		out->allocated += al->days;
		if (al->urn)
			out->schools++;
		else
			out->clusters++;
	}
	if (out->capacity >= out->allocated)
		out->free = out->capacity - out->allocated;
	else if (out->capacity)
		out->over = out->allocated - out->capacity;
}

const char *view_mi_type_name(int type)
{
	switch (type) {
	case N2GG__V1__MI_TYPE__MI_ACTION: return "Action";
	case N2GG__V1__MI_TYPE__MI_INFORMATION: return "Information";
	default: return "MI sheet";
	}
}

const char *view_group_kind_name(int kind)
{
	switch (kind) {
	case N2GG__V1__GROUP_KIND__GROUP_FEDERATION: return "Federation";
	case N2GG__V1__GROUP_KIND__GROUP_PARTNERSHIP: return "Partnership";
	default: return "Group of schools";
	}
}

const char *view_cep_choice_state_name(int state)
{
	switch (state) {
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED:
		return "Choice A: the cluster's own CEP";
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_AWAITING_NOMINEE:
		return "Choice A: the cluster is recruiting its own CEP";
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_LA_TO_IDENTIFY:
		return "Choice B: the LA identifies a CEP";
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_DEADLINE_MISSED:
		return "Choice A, no nominee by the deadline: the LA identifies a CEP";
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NOMINEE_LEFT:
		return "Choice A, its CEP no longer serves: the LA identifies a CEP";
	default: return "No choice recorded";
	}
}

const char *view_half_term_name(uint32_t half_term)
{
	static const char *const names[] = {"", "Autumn 1", "Autumn 2", "Spring 1",
					    "Spring 2", "Summer 1", "Summer 2"};
	return half_term < sizeof names / sizeof *names ? names[half_term] : "";
}

const char *view_money(int64_t pence, char *out, size_t size)
{
	/* whole pounds, grouped by thousands as a finance officer writes them */
	long long pounds = (long long)((pence < 0 ? -pence : pence) / 100);
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%lld", pounds);
	char grouped[32];
	size_t g = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	snprintf(out, size, "%s£%s", pence < 0 ? "-" : "", grouped);
	return out;
}
