/* pages_data: what each page shows, read from the store in one read transaction into the
 * page's structs (pages.h), with view.c's rules. The records of a kind are keyed alike
 * (schools and categories by URN, visits and their reports by URN and visit id), so they
 * are joined by walking both in key order. */
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "date.h"
#include "log.h"
#include "summary.h"

/* Everything the lists need: every school's line (summary.h: one cursor scan), joined with
 * what schools share — their cluster's name and their cluster's CEP — and the partners
 * that serve any of them. */
struct dash_lines {
	struct summary_line *lines;       /* in URN order */
	size_t n;
	N2gg__V1__Cluster **clusters;     /* in id order (their keys) */
	size_t n_clusters;
	N2gg__V1__Allocation **ceps;      /* clusters' CEPs, in cluster id order (their keys) */
	size_t n_ceps;
	struct page_option *partners;     /* id and name, in id order, once each */
	size_t n_partners;
};

static int dash_cluster_cmp(const void *key, const void *item)
{
	return strcmp(key, (*(N2gg__V1__Cluster *const *)item)->id);
}

static int dash_cep_cmp(const void *key, const void *item)
{
	return strcmp(key, (*(N2gg__V1__Allocation *const *)item)->cluster_id);
}

static int dash_option_id_cmp(const void *x, const void *y)
{
	return strcmp(((const struct page_option *)x)->value, ((const struct page_option *)y)->value);
}

/* Whether allocation `al` serves the school (its own role, or its cluster's CEP). */
static bool dash_serves(const N2gg__V1__Allocation *al, uint32_t urn, const char *cluster_id)
{
	if (!al->partner_id[0])
		return false;
	return al->urn ? al->urn == urn : cluster_id[0] && strcmp(al->cluster_id, cluster_id) == 0;
}

static int dash_lines_scan(struct dashboard *d, MDB_txn *txn, struct arena *a,
			   struct dash_lines *l, struct status *st)
{
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, d->db[DASH_DB_SCHOOL_LINES], &cur);
	if (mrc)
		return store_error(mrc, "reading the schools' lines", st);
	MDB_stat stat;
	size_t cap = mdb_stat(txn, d->db[DASH_DB_SCHOOL_LINES], &stat) == 0 ? stat.ms_entries : 0;
	l->lines = arena_alloc(a, (cap ? cap : 1) * sizeof *l->lines);
	MDB_val k, v;
	int rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		l->lines = arena_grow(a, l->lines, l->n, &cap, sizeof *l->lines);
		if (!summary_decode(v.mv_data, v.mv_size, a, &l->lines[l->n])) {
			rc = status_fail(st, STATUS_INTERNAL, "a stored school's line is corrupt");
			break;
		}
		l->n++;
	}
	mdb_cursor_close(cur);
	return rc;
}

static int dash_lines_read(struct dashboard *d, MDB_txn *txn, struct arena *a,
			   struct dash_lines *l, struct status *st)
{
	int rc;
	size_t klen;
	uint8_t *cep_prefix = readmodel_key_urn(a, 0, NULL, &klen);
	memset(l, 0, sizeof *l);
	if ((rc = dash_lines_scan(d, txn, a, l, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_CLUSTERS, NULL, 0, &n2gg__v1__cluster__descriptor,
				  a, (void ***)&l->clusters, &l->n_clusters, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_ALLOCATIONS, cep_prefix, klen,
				  &n2gg__v1__allocation__descriptor, a, (void ***)&l->ceps,
				  &l->n_ceps, st)) < 0)
		return rc;
	size_t cap = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct view_school *v = &l->lines[i].school;
		N2gg__V1__Cluster **c = v->cluster_id[0]
			? bsearch(v->cluster_id, l->clusters, l->n_clusters, sizeof *l->clusters,
				  dash_cluster_cmp)
			: NULL;
		if (c)
			v->cluster_name = (*c)->name;
		N2gg__V1__Allocation **cep = v->cluster_id[0]
			? bsearch(v->cluster_id, l->ceps, l->n_ceps, sizeof *l->ceps, dash_cep_cmp)
			: NULL;
		if (cep && dash_serves(*cep, v->urn, v->cluster_id))
			view_school_add_partner(v, a, (*cep)->partner_id, (*cep)->partner_name);
		for (size_t p = 0; p < v->n_partners; p++) {
			l->partners = arena_grow(a, l->partners, l->n_partners, &cap,
						 sizeof *l->partners);
			l->partners[l->n_partners++] =
				(struct page_option){v->partner_ids[p], v->partner_names[p]};
		}
	}
	/* once each, by id (a partner with a name wins over a mention without) */
	view_sort(l->partners, l->n_partners, sizeof *l->partners, dash_option_id_cmp);
	size_t n = 0;
	for (size_t i = 0; i < l->n_partners; i++) {
		if (n && strcmp(l->partners[n - 1].value, l->partners[i].value) == 0) {
			if (!l->partners[n - 1].label[0])
				l->partners[n - 1].label = l->partners[i].label;
			continue;
		}
		l->partners[n++] = l->partners[i];
	}
	l->n_partners = n;
	return 0;
}

static bool dash_visible(const struct dash_viewer *v, const struct view_school *s)
{
	if (v->role != N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER)
		return true;
	for (size_t i = 0; i < s->n_partners; i++)
		if (strcmp(s->partner_ids[i], v->partner_id) == 0)
			return true;
	return false;
}

/* ---- the LA overview ---- */

static int dash_overdue_cmp(const void *x, const void *y)
{
	const struct page_overdue *a = x, *b = y;
	return b->days_over - a->days_over;
}

/* Letters waiting and undelivered: deliveries are keyed by URN and notice, so a notice's
 * deliveries are neighbours. */
static int dash_letters_count(struct dashboard *d, MDB_txn *txn, struct arena *a,
			      struct page_overview_data *out, struct status *st)
{
	N2gg__V1__Delivery **ds;
	size_t n;
	int rc = dash_store_scan(d, txn, DASH_DB_DELIVERIES, NULL, 0, &n2gg__v1__delivery__descriptor,
				 a, (void ***)&ds, &n, st);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && ds[j]->urn == ds[i]->urn && strcmp(ds[j]->notice_id, ds[i]->notice_id) == 0)
			j++;
		enum view_letter_state s =
			view_letter_state((const N2gg__V1__Delivery *const *)ds + i, j - i);
		out->letters_pending += s == VIEW_LETTER_PENDING;
		out->letters_undelivered += s == VIEW_LETTER_UNDELIVERED;
		i = j;
	}
	return 0;
}

static const char *dash_partner_name(const struct dash_lines *l, const char *id)
{
	struct page_option key = {id, ""};
	const struct page_option *p =
		bsearch(&key, l->partners, l->n_partners, sizeof *l->partners, dash_option_id_cmp);
	return p ? p->label : "";
}

static int dash_overdue(struct dashboard *d, MDB_txn *txn, struct arena *a,
			const struct dash_lines *l, struct page_overview_data *out,
			struct status *st)
{
	N2gg__V1__Visit **visits;
	N2gg__V1__VisitReport **reports;
	size_t nv, nr;
	int rc;
	if ((rc = dash_store_scan(d, txn, DASH_DB_VISITS, NULL, 0, &n2gg__v1__visit__descriptor, a,
				  (void ***)&visits, &nv, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_VISIT_REPORTS, NULL, 0,
				  &n2gg__v1__visit_report__descriptor, a, (void ***)&reports, &nr,
				  st)) < 0)
		return rc;
	struct page_overdue *over = arena_alloc(a, (nv ? nv : 1) * sizeof *over);
	size_t n = 0, r = 0;
	int today = dashboard_today(d);
	for (size_t i = 0; i < nv; i++) {
		const N2gg__V1__Visit *v = visits[i];
		/* both keyed URN . visit id */
		while (r < nr && (reports[r]->visit->urn < v->urn ||
				  (reports[r]->visit->urn == v->urn && strcmp(reports[r]->visit_id, v->id) < 0)))
			r++;
		bool reported = r < nr && reports[r]->visit->urn == v->urn &&
				strcmp(reports[r]->visit_id, v->id) == 0;
		int days;
		if (view_report_overdue(v->date, reported, today, d->report_due_days, &days))
			over[n++] = (struct page_overdue){v, dash_partner_name(l, v->partner_id), days};
	}
	view_sort(over, n, sizeof *over, dash_overdue_cmp);
	out->overdue = over;
	out->n_overdue = n;
	return 0;
}

/* The returns the categoriser found missing that the school's record still lacks (one came
 * since: it is no longer overdue), the oldest due first. */
static int dash_returns_due_cmp(const void *x, const void *y)
{
	const N2gg__V1__MonitoringOverdue *a = *(const N2gg__V1__MonitoringOverdue *const *)x,
					  *b = *(const N2gg__V1__MonitoringOverdue *const *)y;
	int c = strcmp(a->due_date, b->due_date);
	return c ? c : (a->urn > b->urn) - (a->urn < b->urn);
}

static int dash_returns_due(struct dashboard *d, MDB_txn *txn, struct arena *a,
			    struct page_overview_data *out, struct status *st)
{
	N2gg__V1__MonitoringOverdue **due;
	size_t n;
	int rc = dash_store_scan(d, txn, DASH_DB_MONITORING_OVERDUE, NULL, 0,
				 &n2gg__v1__monitoring_overdue__descriptor, a, (void ***)&due, &n,
				 st);
	if (rc < 0)
		return rc;
	const N2gg__V1__MonitoringOverdue **still = arena_alloc(a, (n + 1) * sizeof *still);
	for (size_t i = 0; i < n; i++) {
		size_t klen;
		uint8_t *key = readmodel_key_urn(a, due[i]->urn, NULL, &klen);
		N2gg__V1__School *school = NULL;
		rc = dash_store_get(d, txn, DASH_DB_SCHOOLS, key, klen, &n2gg__v1__school__descriptor,
				    a, (void **)&school, st);
		if (rc < 0 && rc != -STATUS_NOT_FOUND)
			return rc;
		bool sent = false;
		for (size_t k = 0; school && k < school->n_progress_returns && !sent; k++)
			sent = school->progress_returns[k]->year == due[i]->year &&
			       school->progress_returns[k]->half_term == due[i]->half_term;
		if (!sent)
			still[out->n_returns_due++] = due[i];
	}
	view_sort(still, out->n_returns_due, sizeof *still, dash_returns_due_cmp);
	out->returns_due = still;
	return 0;
}

/* The days and cost the partners' allocations take, role by role: the budget used. */
static int dash_role_days(struct dashboard *d, MDB_txn *txn, struct arena *a,
			  struct page_overview_data *out, struct status *st)
{
	N2gg__V1__Allocation **all;
	size_t n;
	int rc = dash_store_scan(d, txn, DASH_DB_ALLOCATIONS, NULL, 0,
				 &n2gg__v1__allocation__descriptor, a, (void ***)&all, &n, st);
	if (rc < 0)
		return rc;
	size_t slots = sizeof out->roles / sizeof *out->roles;
	for (size_t i = 0; i < n; i++) {
		const N2gg__V1__Allocation *al = all[i];
		if (!al->partner_id[0] || (size_t)al->role >= slots)
			continue;
		struct page_role_days *r = &out->roles[al->role];
		r->role = (int)al->role;
		r->served++;
		r->days += al->days;
		r->cost_pence += al->cost_pence;
	}
	/* in role order, only those in use */
	for (size_t k = 0; k < slots; k++)
		if (out->roles[k].served)
			out->roles[out->n_roles++] = out->roles[k];
	return 0;
}

/* Schools by cluster id, so the overview counts each cluster's schools in one run. */
static int dash_by_cluster_cmp(const void *x, const void *y)
{
	const struct view_school *a = *(const struct view_school *const *)x,
				 *b = *(const struct view_school *const *)y;
	return strcmp(a->cluster_id, b->cluster_id);
}

int dash_data_overview(struct dashboard *d, MDB_txn *txn, struct arena *a,
		       struct page_overview_data *out, struct status *st)
{
	struct dash_lines l;
	memset(out, 0, sizeof *out);
	int rc = dash_lines_read(d, txn, a, &l, st);
	if (rc < 0)
		return rc;
	const struct view_school **by_cluster = arena_alloc(a, (l.n + 1) * sizeof *by_cluster);
	size_t n_unserved = l.n_ceps;
	for (size_t i = 0; i < l.n; i++) {
		by_cluster[i] = &l.lines[i].school;
		n_unserved += l.lines[i].n_unserved;
	}
	view_sort(by_cluster, l.n, sizeof *by_cluster, dash_by_cluster_cmp);
	for (size_t i = 0; i < l.n; i++)
		view_overview_add(&out->overview, a, by_cluster[i]);
	view_overview_done(&out->overview);
	int today = dashboard_today(d), start = view_half_term_start(today);
	date_format(today, out->today);
	date_format(start, out->half_term);
	struct page_change *changes = arena_alloc(a, (l.n + 1) * sizeof *changes);
	/* the schools' roles and the clusters' CEPs no partner serves, as the scheduler said */
	N2gg__V1__Allocation *wanting = arena_alloc(a, (n_unserved + 1) * sizeof *wanting);
	const N2gg__V1__Allocation **unserved = arena_alloc(a, (n_unserved + 1) * sizeof *unserved);
	for (size_t k = 0; k < l.n_ceps; k++)
		if (!l.ceps[k]->partner_id[0])
			unserved[out->n_unserved++] = l.ceps[k];
	for (size_t i = 0; i < l.n; i++) {
		const struct summary_line *c = &l.lines[i];
		int since;
		for (size_t k = 0; k < c->n_unserved; k++) {
			N2gg__V1__Allocation *al = &wanting[out->n_unserved];
			n2gg__v1__allocation__init(al);
			al->urn = c->school.urn;
			al->school_name = (char *)c->school.name;
			al->cluster_id = (char *)c->school.cluster_id;
			al->role = c->unserved[k].role;
			al->reason = (char *)c->unserved[k].reason;
			unserved[out->n_unserved++] = al;
		}
		/* a first categorisation is not a change */
		if (!c->previous_category[0] || date_parse(c->effective_date, &since) < 0 ||
		    since < start || since > today)
			continue;
		changes[out->n_changes++] = (struct page_change){c->school.urn, c->school.name,
								 c->previous_category,
								 c->school.category, c->effective_date};
	}
	out->changes = changes;
	out->unserved = unserved;
	if ((rc = dash_letters_count(d, txn, a, out, st)) < 0 ||
	    (rc = dash_returns_due(d, txn, a, out, st)) < 0 ||
	    (rc = dash_role_days(d, txn, a, out, st)) < 0)
		return rc;
	return dash_overdue(d, txn, a, &l, out, st);
}

/* ---- the schools list ---- */

static int dash_option_cmp(const void *x, const void *y)
{
	const struct page_option *a = x, *b = y;
	return strcmp(a->label, b->label);
}

int dash_data_schools(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		      const struct form *query, struct arena *a, struct page_schools_data *out,
		      struct status *st)
{
	struct dash_lines l;
	memset(out, 0, sizeof *out);
	int rc = dash_lines_read(d, txn, a, &l, st);
	if (rc < 0)
		return rc;
	view_filter_from_form(&out->filter, query);
	out->partner_only = v->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER;
	const struct view_school **match = arena_alloc(a, (l.n + 1) * sizeof *match);
	for (size_t i = 0; i < l.n; i++) {
		const struct view_school *s = &l.lines[i].school;
		if (!dash_visible(v, s))
			continue;
		out->total++;
		if (view_filter_match(&out->filter, s))
			match[out->n_schools++] = s;
	}
	out->schools = match;
	out->page = view_page_from_form(query, out->n_schools);
	struct page_option *clusters = arena_alloc(a, (l.n_clusters + 1) * sizeof *clusters);
	for (size_t i = 0; i < l.n_clusters; i++)
		clusters[i] = (struct page_option){l.clusters[i]->id,
						   l.clusters[i]->name[0] ? l.clusters[i]->name
									  : l.clusters[i]->id};
	view_sort(clusters, l.n_clusters, sizeof *clusters, dash_option_cmp);
	out->clusters = clusters;
	out->n_clusters = l.n_clusters;
	/* by name for the drop-down; the lines' own list stays in id order */
	struct page_option *partners = arena_alloc(a, (l.n_partners + 1) * sizeof *partners);
	for (size_t i = 0; i < l.n_partners; i++)
		partners[i] = (struct page_option){
			l.partners[i].value,
			l.partners[i].label[0] ? l.partners[i].label : l.partners[i].value};
	view_sort(partners, l.n_partners, sizeof *partners, dash_option_cmp);
	out->partners = partners;
	out->n_partners = l.n_partners;
	return 0;
}

/* ---- a school ---- */

static int dash_letter_cmp(const void *x, const void *y)
{
	const struct page_letter *a = x, *b = y;
	int64_t ta = a->notice->created_unix_ms, tb = b->notice->created_unix_ms;
	return ta < tb ? 1 : ta > tb ? -1 : 0;
}

static int dash_visit_cmp(const void *x, const void *y)
{
	const N2gg__V1__Visit *a = *(N2gg__V1__Visit *const *)x, *b = *(N2gg__V1__Visit *const *)y;
	return strcmp(a->date, b->date);
}

/* The MI sheets the school was sent (its MI letters name them; newest first, as the letters
 * are) with the school's response to each, if any. */
static int dash_school_mi(struct dashboard *d, MDB_txn *txn, uint32_t urn, struct arena *a,
			  struct page_school_data *out, struct status *st)
{
	struct page_school_mi *mi = arena_alloc(a, (out->n_letters + 1) * sizeof *mi);
	for (size_t i = 0; i < out->n_letters; i++) {
		const N2gg__V1__Notice *n = out->letters[i].notice;
		if (n->kind != N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET || !n->mi_number[0])
			continue;
		bool listed = false;
		for (size_t k = 0; k < out->n_mi && !listed; k++)
			listed = strcmp(mi[k].sheet->number, n->mi_number) == 0;
		N2gg__V1__MiSheet *sheet = NULL;
		int rc = listed ? -STATUS_NOT_FOUND
				: dash_store_get(d, txn, DASH_DB_MI_SHEETS, n->mi_number,
						 strlen(n->mi_number), &n2gg__v1__mi_sheet__descriptor,
						 a, (void **)&sheet, st);
		if (rc == -STATUS_NOT_FOUND)
			continue;
		if (rc < 0)
			return rc;
		/* its responses are keyed number . 0 . URN . cluster id */
		size_t nl = strlen(n->mi_number), nr;
		uint8_t *prefix = arena_alloc(a, nl + 5);
		memcpy(prefix, n->mi_number, nl);
		prefix[nl] = 0;
		store_be32(prefix + nl + 1, urn);
		N2gg__V1__MiResponse **responses;
		if ((rc = dash_store_scan(d, txn, DASH_DB_MI_RESPONSES, prefix, nl + 5,
					  &n2gg__v1__mi_response__descriptor, a, (void ***)&responses,
					  &nr, st)) < 0)
			return rc;
		mi[out->n_mi++] = (struct page_school_mi){sheet, nr ? responses[0] : NULL};
	}
	out->mi = mi;
	return 0;
}

static int dash_school_letters(struct dashboard *d, MDB_txn *txn, uint32_t urn, struct arena *a,
			       struct page_school_data *out, struct status *st)
{
	N2gg__V1__Notice **notices;
	N2gg__V1__Delivery **ds;
	size_t nn, nd, klen;
	uint8_t *prefix = readmodel_key_urn(a, urn, NULL, &klen);
	int rc;
	if ((rc = dash_store_scan(d, txn, DASH_DB_NOTICES, prefix, klen, &n2gg__v1__notice__descriptor,
				  a, (void ***)&notices, &nn, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_DELIVERIES, prefix, klen,
				  &n2gg__v1__delivery__descriptor, a, (void ***)&ds, &nd, st)) < 0)
		return rc;
	struct page_letter *letters = arena_alloc(a, (nn + 1) * sizeof *letters);
	for (size_t i = 0; i < nn; i++) {
		/* both keyed URN . notice id: the notice's deliveries are one run */
		size_t first = 0;
		while (first < nd && strcmp(ds[first]->notice_id, notices[i]->id) != 0)
			first++;
		size_t last = first;
		while (last < nd && strcmp(ds[last]->notice_id, notices[i]->id) == 0)
			last++;
		letters[i] = (struct page_letter){notices[i],
						  (const N2gg__V1__Delivery *const *)ds + first,
						  last - first};
	}
	view_sort(letters, nn, sizeof *letters, dash_letter_cmp);
	out->letters = letters;
	out->n_letters = nn;
	return dash_school_mi(d, txn, urn, a, out, st);
}

/* The federations and partnerships the school is in. Every group is read and its members
 * looked through: there are a few hundred at most, and an index by URN would have to be
 * kept in step with each member added or removed. */
static int dash_school_groups(struct dashboard *d, MDB_txn *txn, uint32_t urn, struct arena *a,
			      struct page_school_data *out, struct status *st)
{
	N2gg__V1__Group **all;
	size_t n;
	int rc = dash_store_scan(d, txn, DASH_DB_GROUPS, NULL, 0, &n2gg__v1__group__descriptor, a,
				 (void ***)&all, &n, st);
	if (rc < 0)
		return rc;
	const N2gg__V1__Group **in = arena_alloc(a, (n + 1) * sizeof *in);
	for (size_t i = 0; i < n; i++) {
		bool member = false;
		for (size_t k = 0; k < all[i]->n_member_urns && !member; k++)
			member = all[i]->member_urns[k] == urn;
		if (member)
			in[out->n_groups++] = all[i];
	}
	out->groups = in;
	return 0;
}

int dash_data_school(struct dashboard *d, MDB_txn *txn, const struct dash_viewer *v,
		     uint32_t urn, struct arena *a, struct page_school_data *out, struct status *st)
{
	memset(out, 0, sizeof *out);
	size_t klen, n;
	uint8_t *key = readmodel_key_urn(a, urn, NULL, &klen);
	N2gg__V1__School *s;
	int rc = dash_store_get(d, txn, DASH_DB_SCHOOLS, key, klen, &n2gg__v1__school__descriptor, a,
				(void **)&s, st);
	if (rc == -STATUS_NOT_FOUND)
		return status_fail(st, STATUS_NOT_FOUND, "There is no school with URN %u.", urn);
	if (rc < 0)
		return rc;
	out->school = s;
	out->today = dashboard_today(d);
	out->due_days = d->report_due_days;
	/* its own roles, then its cluster's CEP */
	N2gg__V1__Allocation **own, **cep = NULL;
	size_t n_own, n_cep = 0;
	uint8_t *ckey = NULL;
	if ((rc = dash_store_scan(d, txn, DASH_DB_ALLOCATIONS, key, klen,
				  &n2gg__v1__allocation__descriptor, a, (void ***)&own, &n_own, st)) < 0)
		return rc;
	if (s->cluster_id[0]) {
		ckey = readmodel_key_allocation(a, 0, N2GG__V1__ROLE__ROLE_CEP, s->cluster_id, &n);
		if ((rc = dash_store_scan(d, txn, DASH_DB_ALLOCATIONS, ckey, n,
					  &n2gg__v1__allocation__descriptor, a, (void ***)&cep,
					  &n_cep, st)) < 0)
			return rc;
	}
	const N2gg__V1__Allocation **als = arena_alloc(a, (n_own + n_cep + 1) * sizeof *als);
	bool served = false;
	for (size_t i = 0; i < n_own + n_cep; i++) {
		const N2gg__V1__Allocation *al = i < n_own ? own[i] : cep[i - n_own];
		/* the scan by prefix may reach a cluster whose id starts with this one's */
		if (i >= n_own && strcmp(al->cluster_id, s->cluster_id) != 0)
			continue;
		als[out->n_allocations++] = al;
		served |= dash_serves(al, urn, s->cluster_id) && v->partner_id &&
			  strcmp(al->partner_id, v->partner_id) == 0;
	}
	out->allocations = als;
	if (v->role == N2GG__V1__DASHBOARD_ROLE__DASHBOARD_PARTNER && !served)
		return status_fail(st, STATUS_PERMISSION_DENIED,
				   "You can see only the schools you are a partner of.");
	N2gg__V1__Cluster *cluster = NULL;
	out->cluster_name = "";
	if (s->cluster_id[0] &&
	    dash_store_get(d, txn, DASH_DB_CLUSTERS, s->cluster_id, strlen(s->cluster_id),
			   &n2gg__v1__cluster__descriptor, a, (void **)&cluster, NULL) == 0)
		out->cluster_name = cluster->name;
	N2gg__V1__CategoryChanged *cat = NULL;
	rc = dash_store_get(d, txn, DASH_DB_CATEGORIES, key, klen,
			    &n2gg__v1__category_changed__descriptor, a, (void **)&cat, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	out->category = cat;
	N2gg__V1__Comparator **cmps;
	if ((rc = dash_store_scan(d, txn, DASH_DB_CATEGORY_HISTORY, key, klen,
				  &n2gg__v1__event__descriptor, a, (void ***)&out->history,
				  &out->n_history, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_VISITS, key, klen, &n2gg__v1__visit__descriptor, a,
				  (void ***)&out->visits, &out->n_visits, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_VISIT_REPORTS, key, klen,
				  &n2gg__v1__visit_report__descriptor, a, (void ***)&out->reports,
				  &out->n_reports, st)) < 0 ||
	    (rc = dash_store_scan(d, txn, DASH_DB_COMPARATORS, NULL, 0,
				  &n2gg__v1__comparator__descriptor, a, (void ***)&cmps, &n, st)) < 0)
		return rc;
	view_sort((void *)out->visits, out->n_visits, sizeof *out->visits, dash_visit_cmp);
	/* England's, and this school's LA's */
	const N2gg__V1__Comparator **keep = arena_alloc(a, (n + 1) * sizeof *keep);
	for (size_t i = 0; i < n; i++)
		if (cmps[i]->area == N2GG__V1__COMPARATOR_AREA__AREA_ENGLAND ||
		    (cmps[i]->area == N2GG__V1__COMPARATOR_AREA__AREA_LA && cmps[i]->la_code == s->la_code))
			keep[out->n_comparators++] = cmps[i];
	out->comparators = keep;
	if ((rc = dash_school_groups(d, txn, urn, a, out, st)) < 0)
		return rc;
	return dash_school_letters(d, txn, urn, a, out, st);
}
