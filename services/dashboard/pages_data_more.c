/* pages_data_more: what the map, cluster, group, partner, MI sheet and status pages show,
 * read from the store in one read transaction into the page structs (pages.h). The map's,
 * a cluster's and a group's schools are the schools list's own reading (dash_data_schools),
 * so a partner sees there exactly the schools it sees in the list. */
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "date.h"
#include "form.h"

static bool dash_is_partner(const struct dash_viewer *v)
{
	return v->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER;
}

/* The record `id` names in `db`; for an unknown id (or none), -NOT_FOUND saying "There is
 * no WHAT ID." */
static int dash_get_by_id(struct dashboard *d, MDB_txn *txn, enum dash_db db, const char *id,
			  const ProtobufCMessageDescriptor *desc, const char *what,
			  struct arena *a, void **out, struct status *st)
{
	int rc = id[0] ? dash_store_get(d, txn, db, id, strlen(id), desc, a, out, st)
		       : -STATUS_NOT_FOUND;
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(st, STATUS_NOT_FOUND, "There is no %s %s.", what, id);
	return rc;
}

/* ---- a cluster ---- */

int dash_data_cluster(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		      const char *id, struct arena *a, struct page_cluster_data *out,
		      struct status *st)
{
	memset(out, 0, sizeof *out);
	N2gg__V1__Cluster *c;
	int rc = dash_get_by_id(d, txn, DASH_DB_CLUSTERS, id, &n2gg__v1__cluster__descriptor,
				"cluster", a, (void **)&c, st);
	if (rc < 0)
		return rc;
	out->cluster = c;
	struct form query = {0};
	form_add(&query, "cluster", id);
	struct page_schools_data s;
	rc = dash_data_schools(d, txn, v, &query, a, &s, st);
	form_free(&query);
	if (rc < 0)
		return rc;
	out->schools = s.schools;
	out->n_schools = s.n_schools;
	size_t klen;
	uint8_t *key = readmodel_key_allocation(a, 0, N2GG__V1__ROLE__ROLE_CEP, id, &klen);
	N2gg__V1__Allocation *cep;
	if (dash_store_get(d, txn, DASH_DB_ALLOCATIONS, key, klen, &n2gg__v1__allocation__descriptor,
			   a, (void **)&cep, NULL) == 0)
		out->cep = cep;
	bool own_cep = out->cep && v->partner_id && strcmp(out->cep->partner_id, v->partner_id) == 0;
	if (dash_is_partner(v) && !out->n_schools && !own_cep)
		return status_fail(st, STATUS_PERMISSION_DENIED,
				   "You can see only the clusters of the schools you are a partner of.");
	N2gg__V1__ClusterChoice *choice;
	if (dash_store_get(d, txn, DASH_DB_CLUSTER_CHOICES, id, strlen(id),
			   &n2gg__v1__cluster_choice__descriptor, a, (void **)&choice, NULL) == 0)
		out->choice = choice;
	return 0;
}

/* ---- a federation or partnership ---- */

static int dash_urn_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

int dash_data_group(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		    const char *id, struct arena *a, struct page_group_data *out,
		    struct status *st)
{
	memset(out, 0, sizeof *out);
	N2gg__V1__Group *g;
	int rc = dash_get_by_id(d, txn, DASH_DB_GROUPS, id, &n2gg__v1__group__descriptor,
				"federation or partnership", a, (void **)&g, st);
	if (rc < 0)
		return rc;
	out->group = g;
	struct form everything = {0};
	struct page_schools_data s;
	if ((rc = dash_data_schools(d, txn, v, &everything, a, &s, st)) < 0)
		return rc;
	size_t n = g->n_member_urns;
	uint32_t *members = arena_alloc(a, (n + 1) * sizeof *members);
	for (size_t i = 0; i < n; i++)
		members[i] = g->member_urns[i];
	view_sort(members, n, sizeof *members, dash_urn_cmp);
	const struct view_school **in = arena_alloc(a, (n + 1) * sizeof *in);
	for (size_t i = 0; i < s.n_schools; i++)
		if (bsearch(&s.schools[i]->urn, members, n, sizeof *members, dash_urn_cmp))
			in[out->n_schools++] = s.schools[i];
	out->schools = in;
	if (dash_is_partner(v) && !out->n_schools)
		return status_fail(st, STATUS_PERMISSION_DENIED,
				   "You can see only the federations and partnerships of the schools "
				   "you are a partner of.");
	return 0;
}

/* ---- partners ---- */

static int dash_line_id_cmp(const void *x, const void *y)
{
	return strcmp(((const struct page_partner_line *)x)->id,
		      ((const struct page_partner_line *)y)->id);
}

static int dash_line_name_cmp(const void *x, const void *y)
{
	const struct page_partner_line *a = x, *b = y;
	int c = strcmp(a->name[0] ? a->name : a->id, b->name[0] ? b->name : b->id);
	return c ? c : strcmp(a->id, b->id);
}

int dash_data_partners(struct dashboard *d, MDB_txn *txn, struct arena *a,
		       struct page_partner_line **lines, size_t *n, struct status *st)
{
	N2gg__V1__Partner **ps;
	N2gg__V1__Allocation **als;
	N2gg__V1__Visit **vs;
	size_t np, na, nv;
	int rc;
	if ((rc = dash_store_scan(d, txn, DASH_DB_PARTNERS, NULL, 0, &n2gg__v1__partner__descriptor,
				  a, (void ***)&ps, &np, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_ALLOCATIONS, NULL, 0,
				  &n2gg__v1__allocation__descriptor, a, (void ***)&als, &na, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_VISITS, NULL, 0, &n2gg__v1__visit__descriptor, a,
				  (void ***)&vs, &nv, st)) < 0)
		return rc;
	/* the partners heard of (in id order: their keys), then any an allocation names that no
	 * partner.changed told of (a store older than those events) */
	struct page_partner_line *l = arena_alloc(a, (np + na + 1) * sizeof *l);
	size_t count = 0;
	for (size_t i = 0; i < np; i++)
		l[count++] = (struct page_partner_line){ps[i]->id, ps[i]->name, ps[i]->active, {0}, 0};
	size_t heard = count;
	for (size_t k = 0; k < na; k++) {
		const char *id = als[k]->partner_id;
		struct page_partner_line key = {.id = id};
		if (!id[0] || bsearch(&key, l, heard, sizeof *l, dash_line_id_cmp))
			continue;
		bool seen = false;
		for (size_t j = heard; j < count && !seen; j++)
			seen = strcmp(l[j].id, id) == 0;
		if (!seen)
			l[count++] = (struct page_partner_line){id, als[k]->partner_name, true, {0}, 0};
	}
	for (size_t i = 0; i < count; i++)
		view_partner_days(&l[i].days, i < heard ? ps[i] : NULL, l[i].id,
				  (const N2gg__V1__Allocation *const *)als, na);
	view_sort(l, count, sizeof *l, dash_line_id_cmp);
	for (size_t i = 0; i < nv; i++) {
		struct page_partner_line key = {.id = vs[i]->partner_id};
		struct page_partner_line *hit = bsearch(&key, l, count, sizeof *l, dash_line_id_cmp);
		if (hit)
			hit->visits++;
	}
	view_sort(l, count, sizeof *l, dash_line_name_cmp);
	*lines = l;
	*n = count;
	return 0;
}

static int dash_visit_date_cmp(const void *x, const void *y)
{
	const N2gg__V1__Visit *a = *(N2gg__V1__Visit *const *)x, *b = *(N2gg__V1__Visit *const *)y;
	int c = strcmp(a->date, b->date);
	return c ? c : strcmp(a->id, b->id);
}

int dash_data_partner(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		      const char *id, struct arena *a, struct page_partner_data *out,
		      struct status *st)
{
	memset(out, 0, sizeof *out);
	if (dash_is_partner(v) && (!v->partner_id || strcmp(v->partner_id, id) != 0))
		return status_fail(st, STATUS_PERMISSION_DENIED,
				   "You can see only your own page as a partner.");
	out->id = id;
	out->name = out->email = out->phone = "";
	N2gg__V1__Partner *p;
	int rc = id[0] ? dash_store_get(d, txn, DASH_DB_PARTNERS, id, strlen(id),
					&n2gg__v1__partner__descriptor, a, (void **)&p, st)
		       : -STATUS_NOT_FOUND;
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	if (rc == 0) {
		out->partner = p;
		out->name = p->name;
		out->email = p->email;
		out->phone = p->phone;
	}
	N2gg__V1__Allocation **als;
	N2gg__V1__Visit **vs;
	size_t na, nv;
	if ((rc = dash_store_scan(d, txn, DASH_DB_ALLOCATIONS, NULL, 0,
				  &n2gg__v1__allocation__descriptor, a, (void ***)&als, &na, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_VISITS, NULL, 0, &n2gg__v1__visit__descriptor, a,
				  (void ***)&vs, &nv, st)) < 0)
		return rc;
	const N2gg__V1__Allocation **mine = arena_alloc(a, (na + 1) * sizeof *mine);
	for (size_t k = 0; k < na; k++) {
		const N2gg__V1__Allocation *al = als[k];
		if (strcmp(al->partner_id, id) != 0)
			continue;
		mine[out->n_allocations++] = al;
		/* a partner no partner.changed told of: its allocations say who it is */
		if (!out->name[0])
			out->name = al->partner_name;
		if (!out->email[0])
			out->email = al->partner_email;
		if (!out->phone[0])
			out->phone = al->partner_phone;
	}
	out->allocations = mine;
	view_partner_days(&out->days, out->partner, id, mine, out->n_allocations);
	const N2gg__V1__Visit **visits = arena_alloc(a, (nv + 1) * sizeof *visits);
	for (size_t i = 0; i < nv; i++)
		if (strcmp(vs[i]->partner_id, id) == 0)
			visits[out->n_visits++] = vs[i];
	if (!out->partner && !out->n_allocations && !out->n_visits)
		return status_fail(st, STATUS_NOT_FOUND, "There is no partner %s.", id);
	view_sort(visits, out->n_visits, sizeof *visits, dash_visit_date_cmp);
	bool *reported = arena_alloc(a, out->n_visits + 1);
	for (size_t i = 0; i < out->n_visits; i++) {
		size_t klen;
		uint8_t *key = readmodel_key_urn(a, visits[i]->urn, visits[i]->id, &klen);
		MDB_val val;
		reported[i] = store_get(txn, d->db[DASH_DB_VISIT_REPORTS], key, klen, &val, NULL) == 0;
	}
	out->visits = visits;
	out->reported = reported;
	return 0;
}

/* ---- MI sheets ---- */

static int dash_mi_line_cmp(const void *x, const void *y)
{
	const N2gg__V1__MiSheet *a = ((const struct page_mi_line *)x)->sheet,
				*b = ((const struct page_mi_line *)y)->sheet;
	if (a->published_unix_ms != b->published_unix_ms)
		return a->published_unix_ms < b->published_unix_ms ? 1 : -1;
	return strcmp(b->number, a->number);
}

/* The notices that carried each sheet (its audience): kind MI sheet, keyed by number. */
static int dash_mi_notices(struct dashboard *d, MDB_txn *txn, struct arena *a,
			   N2gg__V1__Notice ***out, size_t *n, struct status *st)
{
	N2gg__V1__Notice **all;
	size_t count;
	int rc = dash_store_scan(d, txn, DASH_DB_NOTICES, NULL, 0, &n2gg__v1__notice__descriptor, a,
				 (void ***)&all, &count, st);
	if (rc < 0)
		return rc;
	*n = 0;
	for (size_t i = 0; i < count; i++)
		if (all[i]->kind == N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET && all[i]->mi_number[0])
			all[(*n)++] = all[i];
	*out = all;
	return 0;
}

int dash_data_mi_list(struct dashboard *d, MDB_txn *txn, struct arena *a,
		      struct page_mi_line **lines, size_t *n, struct status *st)
{
	N2gg__V1__MiSheet **sheets;
	N2gg__V1__Notice **notices;
	N2gg__V1__MiResponse **rs;
	size_t ns, nn, nr;
	int rc;
	if ((rc = dash_store_scan(d, txn, DASH_DB_MI_SHEETS, NULL, 0, &n2gg__v1__mi_sheet__descriptor,
				  a, (void ***)&sheets, &ns, st)) < 0 ||
	    (rc = dash_mi_notices(d, txn, a, &notices, &nn, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_MI_RESPONSES, NULL, 0,
				  &n2gg__v1__mi_response__descriptor, a, (void ***)&rs, &nr, st)) < 0)
		return rc;
	struct page_mi_line *l = arena_alloc(a, (ns + 1) * sizeof *l);
	for (size_t i = 0; i < ns; i++) {
		l[i] = (struct page_mi_line){sheets[i], 0, 0};
		for (size_t k = 0; k < nn; k++)
			l[i].audience += strcmp(notices[k]->mi_number, sheets[i]->number) == 0;
		for (size_t k = 0; k < nr; k++)
			l[i].responded += strcmp(rs[k]->number, sheets[i]->number) == 0;
	}
	view_sort(l, ns, sizeof *l, dash_mi_line_cmp);
	*lines = l;
	*n = ns;
	return 0;
}

static int dash_mi_party_cmp(const void *x, const void *y)
{
	const struct page_mi_party *a = x, *b = y;
	if (!a->response != !b->response)
		return a->response ? 1 : -1;   /* the ones to chase first */
	int c = strcmp(a->name, b->name);
	return c ? c : (a->urn > b->urn) - (a->urn < b->urn);
}

int dash_data_mi(struct dashboard *d, MDB_txn *txn, const char *number, struct arena *a,
		 struct page_mi_data *out, struct status *st)
{
	memset(out, 0, sizeof *out);
	N2gg__V1__MiSheet *sheet;
	int rc = dash_get_by_id(d, txn, DASH_DB_MI_SHEETS, number, &n2gg__v1__mi_sheet__descriptor,
				"MI sheet", a, (void **)&sheet, st);
	if (rc < 0)
		return rc;
	out->sheet = sheet;
	N2gg__V1__Notice **notices;
	N2gg__V1__MiResponse **rs;
	size_t nn, nr, plen = strlen(number) + 1;
	if ((rc = dash_mi_notices(d, txn, a, &notices, &nn, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_MI_RESPONSES, number, plen,
				  &n2gg__v1__mi_response__descriptor, a, (void ***)&rs, &nr, st)) < 0)
		return rc;
	struct page_mi_party *parties = arena_alloc(a, (nn + 1) * sizeof *parties);
	size_t np = 0;
	for (size_t i = 0; i < nn; i++) {
		const N2gg__V1__Notice *no = notices[i];
		if (strcmp(no->mi_number, number) != 0)
			continue;
		struct page_mi_party *p = &parties[np++];
		*p = (struct page_mi_party){no->urn, no->cluster_id, no->school_name, NULL, NULL, NULL};
		for (size_t k = 0; k < nr && !p->response; k++)
			if (no->urn ? rs[k]->urn == no->urn
				    : !rs[k]->urn && strcmp(rs[k]->cluster_id, no->cluster_id) == 0)
				p->response = rs[k];
		out->responded += p->response != NULL;
		/* whom to chase: the registry's contacts now, not those the letter went to */
		if (no->urn) {
			size_t klen;
			uint8_t *key = readmodel_key_urn(a, no->urn, NULL, &klen);
			N2gg__V1__School *s;
			if (dash_store_get(d, txn, DASH_DB_SCHOOLS, key, klen, &n2gg__v1__school__descriptor,
					   a, (void **)&s, NULL) == 0) {
				p->head = s->headteacher;
				p->chair = s->chair_of_governors;
			}
		} else if (no->cluster_id[0]) {
			N2gg__V1__Cluster *c;
			if (dash_store_get(d, txn, DASH_DB_CLUSTERS, no->cluster_id,
					   strlen(no->cluster_id), &n2gg__v1__cluster__descriptor, a,
					   (void **)&c, NULL) == 0)
				p->chair = c->chair;
		}
	}
	view_sort(parties, np, sizeof *parties, dash_mi_party_cmp);
	out->parties = parties;
	out->n_parties = np;
	return 0;
}

/* ---- system status ---- */

void dash_data_status(struct dashboard *d, struct arena *a, struct page_status_data *out)
{
	struct service *svc = d->svc;
	int64_t now = date_now_ms();
	char (*reasons)[SERVICE_REASON_LEN] =
		arena_alloc(a, (SERVICE_MAX_UPSTREAMS + 2) * sizeof *reasons);
	size_t n = service_not_ready(svc, now, reasons, SERVICE_MAX_UPSTREAMS + 2);
	const char **why = arena_alloc(a, (n + 1) * sizeof *why);
	for (size_t i = 0; i < n; i++)
		why[i] = reasons[i];
	struct page_upstream *up = arena_alloc(a, READMODEL_SOURCES * sizeof *up);
	for (int i = 0; i < READMODEL_SOURCES; i++) {
		const struct sub *s = &d->subs[i];
		const char *source = readmodel_source_names[i];
		size_t len = strlen(source);
		up[i] = (struct page_upstream){source, s->log_id, "", s->cursor, s->known_head,
					       s->last_heard_ms};
		for (size_t k = 0; k < n; k++)
			if (strncmp(why[k], source, len) == 0 && why[k][len] == ':')
				up[i].not_ready = why[k] + len + 2;
	}
	*out = (struct page_status_data){N2GG_VERSION, svc->log_id, svc->log.head, svc->started_ms,
					 now, why, n, up, READMODEL_SOURCES};
}
