/* mi_sheets: issuing Management Information Sheets. A sheet is numbered when published; it
 * goes out on its publication date (at once, or on the first tick of that day when
 * scheduled) as one notice per school in its audience; an Action sheet's reminder goes to
 * the schools that have not responded when it falls due. */
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

/* "013/13" -> "013-13" for notice ids */
static const char *mi_id_part(struct arena *a, const char *number)
{
	return arena_printf(a, "%.3s-%.2s", number, number + 4);
}

static int mi_put_sheet(struct notifier *n, MDB_txn *txn, const N2gg__V1__MiSheet *sheet,
			struct arena *a, struct status *st)
{
	char key[17];
	key[0] = 'S';
	ntf_mi_key(key + 1, sheet->number);
	return ntf_put(n, txn, NTF_DB_MI, key, strlen(key), &sheet->base, a, st);
}

bool ntf_mi_responded(struct notifier *n, MDB_txn *txn, const char *number, uint32_t urn)
{
	uint8_t key[NTF_RESPONSE_KEY_SIZE];
	MDB_val v;
	return store_get(txn, n->db[NTF_DB_MI], key, ntf_response_key(key, number, urn), &v, NULL) ==
	       0;
}

/* One notice per school in the audience (those that have not responded, for a reminder). */
static int mi_send(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		   N2gg__V1__MiSheet *sheet, bool reminder, const char *actor, struct arena *a,
		   unsigned *schools, struct status *st)
{
	N2gg__V1__NotifierSchool **all;
	size_t count;
	int rc = ntf_scan(n, txn, NTF_DB_SCHOOLS, NULL, 0, &n2gg__v1__notifier_school__descriptor,
			  a, (void ***)&all, &count, st);
	if (rc < 0)
		return rc;
	struct notice_letterhead lh = n->letterhead;
	lh.date = notifier_today(n);
	*schools = 0;
	for (size_t i = 0; i < count; i++) {
		unsigned roles;
		if (!ntf_mi_school_matches(sheet, all[i], &roles) ||
		    (reminder && ntf_mi_responded(n, txn, sheet->number, all[i]->urn)))
			continue;
		N2gg__V1__Recipient *to[2];
		struct ntf_notice_spec spec = {
			.kind = reminder ? N2GG__V1__NOTICE_KIND__NOTICE_MI_REMINDER
					 : N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET,
			.id = arena_printf(a, "%s-%s-%u", reminder ? "mi-reminder" : "mi",
					   mi_id_part(a, sheet->number), all[i]->urn),
			.urn = all[i]->urn,
			.cluster_id = all[i]->cluster_id,
			.school_name = all[i]->name,
			.cause = arena_printf(a, "MI %s %s", sheet->number,
					      reminder ? "reminder" : "issued"),
			.mi_number = sheet->number,
			.data = notice_data_mi(&lh, all[i], sheet, reminder),
			.recipients = to,
			.recipient_count = ntf_school_recipients(all[i], roles, to),
			.actor = actor,
		};
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
	int rc = mi_send(n, txn, log, sheet, false, actor, a, &schools, st);
	if (rc < 0)
		return rc;
	sheet->issued = true;
	sheet->issued_unix_ms = date_now_ms();
	sheet->schools = schools;
	N2gg__V1__MiEvent ev = N2GG__V1__MI_EVENT__INIT;
	ev.sheet = sheet;
	ev.schools = schools;
	if ((rc = mi_put_sheet(n, txn, sheet, a, st)) < 0 ||
	    (rc = eventlog_append(log, txn, "notice.mi.issued", actor, &ev.base, NULL, st)) < 0)
		return rc;
	log_info("MI sheet issued", "number=%s schools=%u title=%s", log_str(sheet->number), schools,
		 log_str(sheet->title));
	return 0;
}

static int mi_remind(struct notifier *n, MDB_txn *txn, struct eventlog *log,
		     N2gg__V1__MiSheet *sheet, struct arena *a, struct status *st)
{
	unsigned schools;
	int rc = mi_send(n, txn, log, sheet, true, "notifier", a, &schools, st);
	if (rc < 0)
		return rc;
	sheet->reminder_sent = true;
	N2gg__V1__MiEvent ev = N2GG__V1__MI_EVENT__INIT;
	ev.sheet = sheet;
	ev.schools = schools;
	if ((rc = mi_put_sheet(n, txn, sheet, a, st)) < 0 ||
	    (rc = eventlog_append(log, txn, "notice.mi.reminded", "notifier", &ev.base, NULL, st)) <
		    0)
		return rc;
	log_info("MI sheet reminder sent", "number=%s schools=%u", log_str(sheet->number), schools);
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
		if (mi_sheet_from_proto(s, &m, st) < 0)
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
