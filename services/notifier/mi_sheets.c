/* mi_sheets: issuing Management Information Sheets and what follows. A sheet is numbered
 * when published; it goes out on its publication date (at once, or on the first tick of
 * that day when scheduled) as one notice per school in its audience (per cluster, for a
 * sheet to cluster chairs); an Action sheet's reminder goes to those that have not
 * responded when it falls due; a correction or a withdrawal goes to those the sheet went
 * to. A withdrawn sheet is never issued nor reminded of. */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "mi.h"
#include "notifier.h"

bool ntf_mi_school_matches(const N2gg__V1__MiSheet *sheet, const N2gg__V1__NotifierSchool *s,
			   unsigned *roles)
{
	struct mi_sheet m;
	struct status st;
	*roles = 0;
	if (s->status != N2GG__V1__SCHOOL_STATUS__STATUS_OPEN &&
	    s->status != N2GG__V1__SCHOOL_STATUS__STATUS_OPEN_PROPOSED_TO_CLOSE)
		return false;
	if (mi_sheet_from_proto(sheet, &m, &st) < 0)
		return false;
	struct mi_school school = {
		.category = s->category[0],
		.cluster_id = s->cluster_id,
		.phase = s->phase,
	};
	*roles = mi_audience_matches(&m, &school);
	return *roles != 0;
}

int ntf_mi_parties(struct notifier *n, MDB_txn *txn, const N2gg__V1__MiSheet *sheet,
		   struct arena *a, struct ntf_mi_party **out, size_t *count, struct status *st)
{
	bool clusters = sheet->audience && sheet->audience->cluster_chairs;
	void **all;
	size_t total, cap = 0;
	*out = NULL;
	*count = 0;
	int rc = clusters ? ntf_scan(n, txn, NTF_DB_CLUSTERS, NULL, 0,
				     &n2gg__v1__notifier_cluster__descriptor, a, &all, &total, st)
			  : ntf_scan(n, txn, NTF_DB_SCHOOLS, NULL, 0,
				     &n2gg__v1__notifier_school__descriptor, a, &all, &total, st);
	if (rc < 0)
		return rc;
	struct mi_sheet m;
	if (clusters && mi_sheet_from_proto(sheet, &m, st) < 0)
		return -st->code;
	for (size_t i = 0; i < total; i++) {
		struct ntf_mi_party p = {0};
		if (clusters) {
			p.cluster = all[i];
			if (p.cluster->status == N2GG__V1__CLUSTER_STATUS__CLUSTER_CLOSED ||
			    !mi_audience_has_cluster(&m, p.cluster->id))
				continue;
		} else {
			p.school = all[i];
			if (!ntf_mi_school_matches(sheet, p.school, &p.roles))
				continue;
		}
		*out = arena_grow(a, *out, *count, &cap, sizeof **out);
		(*out)[(*count)++] = p;
	}
	return 0;
}

/* "013/13" -> "013-13" for notice ids */
static const char *mi_id_part(struct arena *a, const char *number)
{
	return arena_printf(a, "%.3s-%.2s", number, number + 4);
}

/* Who a party is in a notice id: the URN, or the cluster's id. */
static const char *mi_party_id(struct arena *a, const struct ntf_mi_party *p)
{
	return p->school ? arena_printf(a, "%u", p->school->urn) : p->cluster->id;
}

static int mi_put_sheet(struct notifier *n, MDB_txn *txn, const N2gg__V1__MiSheet *sheet,
			struct arena *a, struct status *st)
{
	char key[17];
	key[0] = 'S';
	ntf_mi_key(key + 1, sheet->number);
	return ntf_put(n, txn, NTF_DB_MI, key, strlen(key), &sheet->base, a, st);
}

/* Stores the sheet as it now is and tells of it (MiEvent under `topic`). */
static int mi_record(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		     N2gg__V1__MiSheet *sheet, const char *topic, unsigned schools,
		     const char *actor, struct arena *a, struct status *st)
{
	N2gg__V1__MiEvent ev = N2GG__V1__MI_EVENT__INIT;
	ev.sheet = sheet;
	ev.schools = schools;
	int rc = mi_put_sheet(n, txn, sheet, a, st);
	return rc < 0 ? rc : eventlog_append(log, txn, topic, actor, &ev.base, NULL, st);
}

bool ntf_mi_responded(struct notifier *n, MDB_txn *txn, const char *number, uint32_t urn,
		      const char *cluster_id)
{
	uint8_t key[NTF_MI_KEY_MAX];
	size_t klen = ntf_response_key(key, number, urn, cluster_id);
	MDB_val v;
	return klen && store_get(txn, n->db[NTF_DB_MI], key, klen, &v, NULL) == 0;
}

/* What each letter about a sheet is: its kind, how its notice ids start, and its cause. */
static const struct {
	N2gg__V1__NoticeKind kind;
	const char *id;
	const char *cause;
} mi_letters[] = {
	[NOTICE_MI_ISSUED] = {N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET, "mi", "issued"},
	[NOTICE_MI_REMINDER] = {N2GG__V1__NOTICE_KIND__NOTICE_MI_REMINDER, "mi-reminder",
				"reminder"},
	[NOTICE_MI_CORRECTED] = {N2GG__V1__NOTICE_KIND__NOTICE_MI_CORRECTION, "mi-correction",
				 "corrected"},
	[NOTICE_MI_WITHDRAWN] = {N2GG__V1__NOTICE_KIND__NOTICE_MI_CORRECTION, "mi-withdrawn",
				 "withdrawn"},
};

/* One notice per school (cluster) in the audience: for a reminder, those that have not
 * responded; for a correction or a withdrawal, those the sheet went to (whose notice of it
 * exists), so that nobody is told of a change to a sheet they never had. */
static int mi_send(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		   N2gg__V1__MiSheet *sheet, enum notice_mi_letter letter, const char *actor,
		   struct arena *a, unsigned *schools, struct status *st)
{
	struct ntf_mi_party *parties;
	size_t count;
	int rc = ntf_mi_parties(n, txn, sheet, a, &parties, &count, st);
	if (rc < 0)
		return rc;
	struct notice_letterhead lh = n->letterhead;
	lh.date = notifier_today(n);
	const char *number = mi_id_part(a, sheet->number);
	/* each correction is a letter of its own: c1, c2, ... */
	const char *variant = letter == NOTICE_MI_CORRECTED
				      ? arena_printf(a, "-c%u", sheet->revision) : "";
	*schools = 0;
	for (size_t i = 0; i < count; i++) {
		const struct ntf_mi_party *p = &parties[i];
		const char *who = mi_party_id(a, p);
		uint32_t urn = p->school ? p->school->urn : 0;
		const char *cluster_id = p->school ? NULL : p->cluster->id;
		if (letter == NOTICE_MI_REMINDER &&
		    ntf_mi_responded(n, txn, sheet->number, urn, cluster_id))
			continue;
		if (letter == NOTICE_MI_CORRECTED || letter == NOTICE_MI_WITHDRAWN) {
			N2gg__V1__Notice *had;
			const char *original = arena_printf(a, "mi-%s-%s", number, who);
			rc = ntf_get_notice(n, txn, original, a, &had, st);
			if (rc == -STATUS_NOT_FOUND)
				continue;
			if (rc < 0)
				return rc;
		}
		N2gg__V1__Recipient *to[2];
		struct ntf_notice_spec spec = {
			.kind = mi_letters[letter].kind,
			.id = arena_printf(a, "%s-%s%s-%s", mi_letters[letter].id, number, variant,
					   who),
			.urn = urn,
			.cluster_id = p->school ? p->school->cluster_id : p->cluster->id,
			.school_name = p->school ? p->school->name : p->cluster->name,
			.cause = arena_printf(a, "MI %s %s", sheet->number, mi_letters[letter].cause),
			.mi_number = sheet->number,
			.data = notice_data_mi(&lh, p->school, p->cluster, sheet, letter),
			.recipients = to,
			.actor = actor,
		};
		if (p->school) {
			spec.recipient_count = ntf_school_recipients(p->school, p->roles, to);
		} else {
			to[0] = p->cluster->chair;
			spec.recipient_count = to[0] ? 1 : 0;
		}
		rc = ntf_notice_create(n, txn, log, &spec, a, st);
		if (rc == -STATUS_ALREADY_EXISTS)
			continue;
		if (rc < 0)
			return rc;
		(*schools)++;
	}
	return 0;
}

int ntf_mi_issue(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		 N2gg__V1__MiSheet *sheet, const char *actor, struct arena *a, struct status *st)
{
	unsigned schools;
	int rc = mi_send(n, txn, log, sheet, NOTICE_MI_ISSUED, actor, a, &schools, st);
	if (rc < 0)
		return rc;
	sheet->issued = true;
	sheet->issued_unix_ms = date_now_ms();
	sheet->schools = schools;
	if ((rc = mi_record(n, txn, log, sheet, "notice.mi.issued", schools, actor, a, st)) < 0)
		return rc;
	if (schools == 0)   /* its audience emptied while it was scheduled */
		log_warn("MI sheet issued to nobody", "number=%s title=%s", log_str(sheet->number),
			 log_str(sheet->title));
	log_info("MI sheet issued", "number=%s schools=%u title=%s", log_str(sheet->number), schools,
		 log_str(sheet->title));
	return 0;
}

static int mi_remind(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		     N2gg__V1__MiSheet *sheet, struct arena *a, struct status *st)
{
	unsigned schools;
	int rc = mi_send(n, txn, log, sheet, NOTICE_MI_REMINDER, "notifier", a, &schools, st);
	if (rc < 0)
		return rc;
	sheet->reminder_sent = true;
	if ((rc = mi_record(n, txn, log, sheet, "notice.mi.reminded", schools, "notifier", a, st)) <
	    0)
		return rc;
	log_info("MI sheet reminder sent", "number=%s schools=%u", log_str(sheet->number), schools);
	return 0;
}

int ntf_mi_withdraw(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		    N2gg__V1__MiSheet *sheet, const char *reason, const char *actor,
		    struct arena *a, unsigned *schools, struct status *st)
{
	sheet->withdrawn = true;
	sheet->withdrawal_reason = (char *)reason;
	sheet->withdrawn_by = (char *)actor;
	sheet->withdrawn_unix_ms = date_now_ms();
	*schools = 0;
	/* a sheet still scheduled reached nobody: it simply never goes */
	int rc = sheet->issued ? mi_send(n, txn, log, sheet, NOTICE_MI_WITHDRAWN, actor, a, schools,
					 st)
			       : 0;
	if (rc < 0 ||
	    (rc = mi_record(n, txn, log, sheet, "notice.mi.withdrawn", *schools, actor, a, st)) < 0)
		return rc;
	log_info("MI sheet withdrawn", "number=%s schools=%u reason=%s", log_str(sheet->number),
		 *schools, log_str(reason));
	return 0;
}

int ntf_mi_correct(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		   const N2gg__V1__MiSheet *was, N2gg__V1__MiSheet *now, const char *actor,
		   struct arena *a, unsigned *schools, struct status *st)
{
	/* the sheet as it was, kept under its revision: the history of what schools were sent */
	uint8_t key[NTF_MI_KEY_MAX];
	size_t klen = ntf_mi_history_key(key, was->number, was->revision);
	int rc = ntf_put(n, txn, NTF_DB_MI, key, klen, &was->base, a, st);
	if (rc < 0)
		return rc;
	now->revision = was->revision + 1;
	now->corrected_by = (char *)actor;
	now->corrected_unix_ms = date_now_ms();
	*schools = 0;
	/* a scheduled sheet goes out as corrected: nobody had the old one */
	if (now->issued &&
	    (rc = mi_send(n, txn, log, now, NOTICE_MI_CORRECTED, actor, a, schools, st)) < 0)
		return rc;
	if ((rc = mi_record(n, txn, log, now, "notice.mi.corrected", *schools, actor, a, st)) < 0)
		return rc;
	log_info("MI sheet corrected", "number=%s revision=%u schools=%u", log_str(now->number),
		 now->revision, *schools);
	return 0;
}

int ntf_mi_tick(struct notifier *n, MDB_txn *txn, struct eventlog *log, struct arena *a,
		unsigned *issued, struct status *st)
{
	N2gg__V1__MiSheet **sheets;
	size_t count;
	int rc = ntf_scan(n, txn, NTF_DB_MI, "S", 1, &n2gg__v1__mi_sheet__descriptor, a,
			  (void ***)&sheets, &count, st);
	if (rc < 0)
		return rc;
	int today = notifier_today(n);
	*issued = 0;
	for (size_t i = 0; i < count; i++) {
		N2gg__V1__MiSheet *s = sheets[i];
		struct mi_sheet m;
		if (s->withdrawn || mi_sheet_from_proto(s, &m, st) < 0)
			continue;
		if (!s->issued && m.publication_date <= today) {
			if ((rc = ntf_mi_issue(n, txn, log, s, "notifier", a, st)) < 0)
				return rc;
			(*issued)++;
		} else if (s->issued && !s->reminder_sent &&
			   mi_reminder_due(&m, today, n->reminder_days)) {
			if ((rc = mi_remind(n, txn, log, s, a, st)) < 0)
				return rc;
			(*issued)++;
		}
	}
	return 0;
}
