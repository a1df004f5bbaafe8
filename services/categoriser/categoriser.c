/* categoriser: the service's core — deciding schools and announcing changes, loading a
 * policy (all schools re-decided in the same transaction that stores it), and the clock
 * (override expiry, half-termly monitoring, re-deciding when the date moves on). */
#include "categoriser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "policy_yaml.h"

extern const char categoriser_default_policy[];
extern const size_t categoriser_default_policy_len;
extern const char categoriser_la_2019_policy[];
extern const size_t categoriser_la_2019_policy_len;

/* The policies compiled in, for --policy builtin:NAME (the first is the default). */
static const struct {
	const char *name;
	const char *text;
	const size_t *len;
} categoriser_builtin_policies[] = {
	{"norfolk-2013", categoriser_default_policy, &categoriser_default_policy_len},
	{"la-2019", categoriser_la_2019_policy, &categoriser_la_2019_policy_len},
};
#define CATEGORISER_BUILTIN_PREFIX "builtin:"

int categoriser_today(const struct categoriser *c)
{
	return c->as_of >= 0 ? c->as_of : date_today();
}

long long categoriser_now_ms(const struct categoriser *c)
{
	return c->as_of >= 0 ? c->as_of * DATE_MS_PER_DAY : date_now_ms();
}

/* ---- deciding ---- */

enum { DECIDED_SAME, DECIDED_CHANGED, DECIDED_UNMATCHED };

static int categoriser_append(struct categoriser *c, MDB_txn *txn, uint32_t urn,
			      const char *topic, const char *actor, const ProtobufCMessage *msg,
			      struct status *st)
{
	uint64_t seq;
	int rc = eventlog_append(&c->svc->log, txn, topic, actor, msg, &seq, st);
	if (rc < 0)
		return rc;
	return cat_store_add_history(c, txn, urn, seq, st);
}

/* Decides one school; with `write`, stores the decision and announces a change. */
static int categoriser_decide_one(struct categoriser *c, MDB_txn *txn, const struct policy *p,
				  const N2gg__V1__SchoolFacts *sf,
				  const struct facts_comparators *comparators, bool write,
				  const char *cause, const char *actor, struct arena *a,
				  const char **category, struct status *st)
{
	N2gg__V1__Decision *prev = NULL, *now;
	N2gg__V1__Override *ov = NULL;
	struct status lookup;   /* absent records are normal: keep them out of the caller's status */
	int rc = cat_store_get_decision(c, txn, sf->urn, a, &prev, &lookup);
	if (rc == 0 || rc == -STATUS_NOT_FOUND)
		rc = cat_store_get_override(c, txn, sf->urn, a, &ov, &lookup);
	if (rc < 0 && rc != -STATUS_NOT_FOUND) {
		*st = lookup;
		return rc;
	}
	long long now_ms = categoriser_now_ms(c);
	*category = "";   /* an unmatched school counts in no category of this policy */
	if (decision_build_compared(p, sf, comparators, prev, ov, categoriser_today(c), now_ms, a,
				    &now) == DECISION_UNMATCHED)
		return DECIDED_UNMATCHED;
	*category = now->category;
	bool changed = decision_category_changed(prev, now);
	if (!write)
		return changed ? DECIDED_CHANGED : DECIDED_SAME;
	if (!prev && !now->category[0])
		return DECIDED_SAME;   /* a closed school never categorised */
	if ((rc = cat_store_put_decision(c, txn, now, a, st)) < 0)
		return rc;
	if (!changed)
		return DECIDED_SAME;
	N2gg__V1__CategoryChanged *ev = decision_change_event(prev, now, cause, a);
	if ((rc = categoriser_append(c, txn, sf->urn, "category.changed", actor, &ev->base, st)) < 0)
		return rc;
	return DECIDED_CHANGED;
}

static void categoriser_log_unmatched(const struct policy *p, const N2gg__V1__SchoolFacts *sf)
{
	log_error("no rule places the school; it keeps its category", "urn=%u school=%s "
		  "policy=%s version=%s", sf->urn, log_str(sf->name), log_str(p->name),
		  log_str(p->version));
}

int categoriser_decide(struct categoriser *c, MDB_txn *txn, const struct policy *p,
		       const N2gg__V1__SchoolFacts *sf, const char *cause, const char *actor,
		       struct arena *a, struct status *st)
{
	const char *category;
	struct facts_comparators *comparators = arena_alloc(a, sizeof *comparators);
	int rc = cat_store_load_comparators(c, txn, comparators, st);
	if (rc == 0)
		rc = categoriser_decide_one(c, txn, p, sf, comparators, true, cause, actor, a,
					    &category, st);
	if (rc == DECIDED_UNMATCHED) {
		c->stats.unmatched++;
		categoriser_log_unmatched(p, sf);
	}
	return rc < 0 ? rc : 0;
}

int categoriser_sweep(struct categoriser *c, MDB_txn *txn, const struct policy *p, bool publish,
		      const char *cause, const char *actor, struct categoriser_sweep *out,
		      struct status *st)
{
	/* the same averages for every school of the sweep */
	struct facts_comparators *comparators = malloc(sizeof *comparators);
	if (!comparators)
		return status_fail(st, STATUS_INTERNAL, "out of memory");
	int rc = cat_store_load_comparators(c, txn, comparators, st);
	MDB_cursor *cur;
	int mrc = rc < 0 ? 0 : mdb_cursor_open(txn, c->db[CAT_DB_FACTS], &cur);
	if (rc < 0 || mrc) {
		free(comparators);
		return rc < 0 ? rc : store_error(mrc, "reading facts", st);
	}
	struct arena a;
	arena_init(&a);
	MDB_val k, v;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		arena_reset(&a);
		N2gg__V1__SchoolFacts *sf = (N2gg__V1__SchoolFacts *)protobuf_c_message_unpack(
			&n2gg__v1__school_facts__descriptor, &a.pb, v.mv_size, v.mv_data);
		if (!sf) {
			rc = status_fail(st, STATUS_INTERNAL, "stored facts are corrupt");
			break;
		}
		const char *category;
		rc = categoriser_decide_one(c, txn, p, sf, comparators, publish, cause, actor, &a,
					    &category, st);
		if (rc < 0)
			break;
		out->evaluated++;
		if (rc == DECIDED_CHANGED)
			out->changed++;
		if (rc == DECIDED_UNMATCHED) {
			if (out->unmatched_count < out->unmatched_max)
				out->unmatched[out->unmatched_count] = sf->urn;
			out->unmatched_count++;
			categoriser_log_unmatched(p, sf);
		}
		int ci = category[0] ? policy_category_index(p, category) : -1;
		if (ci >= 0)
			out->counts[ci]++;
		rc = 0;
	}
	if (rc == 0 && mrc != MDB_NOTFOUND)
		rc = store_error(mrc, "reading facts", st);
	mdb_cursor_close(cur);
	arena_free(&a);
	free(comparators);
	return rc;
}

/* ---- policies ---- */

int categoriser_parse_policy(const char *text, size_t len, struct policy **out,
			     struct policy_report *report)
{
	struct policy *p = malloc(sizeof *p);
	if (!p) {
		policy_report_add(report, false, 0, "out of memory");
		return -1;
	}
	policy_init(p);
	if (policy_yaml_parse(p, text, len, report) < 0) {
		policy_free(p);
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void categoriser_policy_destroy(struct policy *p)
{
	if (p) {
		policy_free(p);
		free(p);
	}
}

int categoriser_read_policy_file(const struct categoriser *c, char **text, size_t *len,
				 struct status *st)
{
	const char *builtin = NULL;
	if (!c->policy_file[0])
		builtin = categoriser_builtin_policies[0].name;
	else if (strncmp(c->policy_file, CATEGORISER_BUILTIN_PREFIX,
			 strlen(CATEGORISER_BUILTIN_PREFIX)) == 0)
		builtin = c->policy_file + strlen(CATEGORISER_BUILTIN_PREFIX);
	if (builtin) {
		size_t n = sizeof categoriser_builtin_policies / sizeof categoriser_builtin_policies[0];
		for (size_t i = 0; i < n; i++) {
			if (strcmp(categoriser_builtin_policies[i].name, builtin) != 0)
				continue;
			size_t size = *categoriser_builtin_policies[i].len;
			*text = malloc(size + 1);
			if (!*text)
				return status_fail(st, STATUS_INTERNAL, "out of memory");
			memcpy(*text, categoriser_builtin_policies[i].text, size + 1);
			*len = size;
			return 0;
		}
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "no built-in policy \"%s\" (there are builtin:norfolk-2013 and "
				   "builtin:la-2019)", builtin);
	}
	*text = service_read_file(c->policy_file, len, st);
	return *text ? 0 : -st->code;
}

/* "file:line: message; ..." for a status message */
static void categoriser_report_text(const struct policy_report *r, const char *file, char *out,
				    size_t size)
{
	size_t len = 0;
	out[0] = 0;
	for (int i = 0; i < r->count && len < size; i++) {
		const struct policy_problem *pr = &r->problems[i];
		if (pr->warning)
			continue;
		len += (size_t)snprintf(out + len, size - len, "%s%s:%d: %s", len ? "; " : "", file,
					pr->line, pr->message);
	}
}

/* Overrides naming a category the new policy lacks are ignored under it: say so. */
static int categoriser_check_overrides(struct categoriser *c, MDB_txn *txn,
				       const struct policy *p, struct policy_report *report,
				       struct status *st)
{
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, c->db[CAT_DB_OVERRIDES], &cur);
	if (mrc)
		return store_error(mrc, "reading overrides", st);
	MDB_val k, v;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		N2gg__V1__Override *o = (N2gg__V1__Override *)protobuf_c_message_unpack(
			&n2gg__v1__override__descriptor, NULL, v.mv_size, v.mv_data);
		if (o && policy_category_index(p, o->category) < 0)
			policy_report_add(report, true, 0,
					  "the override of school %u names category %s, which this "
					  "policy does not have: it is ignored until cleared",
					  o->urn, o->category);
		if (o)
			protobuf_c_message_free_unpacked(&o->base, NULL);
	}
	mdb_cursor_close(cur);
	return 0;
}

int categoriser_load_policy(struct categoriser *c, MDB_txn *txn, const char *text, size_t len,
			    const char *file, const char *actor, struct categoriser_sweep *sweep,
			    struct policy_report *report, struct status *st)
{
	struct policy *p;
	if (categoriser_parse_policy(text, len, &p, report) < 0) {
		char problems[400];
		categoriser_report_text(report, file, problems, sizeof problems);
		return status_fail(st, STATUS_INVALID_ARGUMENT, "policy refused: %s", problems);
	}
	char cause[160];
	snprintf(cause, sizeof cause, "policy %s %s loaded", p->name, p->version);
	int rc = categoriser_sweep(c, txn, p, true, cause, actor, sweep, st);
	if (rc == 0 && sweep->unmatched_count) {
		char urns[200] = "";
		size_t n = 0;
		for (unsigned i = 0; i < sweep->unmatched_count && i < sweep->unmatched_max && i < 10;
		     i++)
			n += (size_t)snprintf(urns + n, sizeof urns - n, "%s%u", i ? ", " : "",
					      sweep->unmatched[i]);
		policy_report_add(report, false, 0, "%u school(s) match no rule, e.g. URN %s",
				  sweep->unmatched_count, urns);
		rc = status_fail(st, STATUS_FAILED_PRECONDITION,
				 "policy %s %s refused: %u school(s) match no rule (URN %s%s)",
				 p->name, p->version, sweep->unmatched_count, urns,
				 sweep->unmatched_count > 10 ? ", ..." : "");
	}
	if (rc == 0)
		rc = categoriser_check_overrides(c, txn, p, report, st);
	if (rc == 0)
		rc = cat_store_put_meta(c, txn, "policy.text", text, len, st);
	if (rc == 0)
		rc = cat_store_put_meta(c, txn, "policy.file", file, strlen(file), st);
	if (rc == 0) {
		long long now = date_now_ms();
		rc = cat_store_put_meta(c, txn, "policy.loaded_ms", &now, sizeof now, st);
	}
	if (rc == 0) {
		N2gg__V1__PolicyLoaded ev = N2GG__V1__POLICY_LOADED__INIT;
		ev.name = (char *)p->name;
		ev.version = (char *)p->version;
		ev.file = (char *)file;
		ev.schools_evaluated = sweep->evaluated;
		ev.schools_changed = sweep->changed;
		char *warnings[POLICY_MAX_PROBLEMS];
		for (int i = 0; i < report->count; i++)
			if (report->problems[i].warning)
				warnings[ev.n_warnings++] = report->problems[i].message;
		ev.warnings = warnings;
		rc = eventlog_append(&c->svc->log, txn, "category.policy.loaded", actor, &ev.base,
				     NULL, st);
	}
	if (rc < 0) {
		categoriser_policy_destroy(p);
		return rc;
	}
	categoriser_policy_destroy(c->policy_next);   /* an earlier attempt of this transaction */
	c->policy_next = p;
	return 0;
}

void categoriser_policy_swap(struct categoriser *c, bool committed)
{
	if (!c->policy_next)
		return;
	if (committed) {
		categoriser_policy_destroy(c->policy);
		c->policy = c->policy_next;
		c->stats.reloads++;
		log_info("policy in force", "name=%s version=%s", log_str(c->policy->name),
			 log_str(c->policy->version));
	} else {
		categoriser_policy_destroy(c->policy_next);
	}
	c->policy_next = NULL;
}

/* ---- writes of its own ---- */

int categoriser_write(struct categoriser *c, store_write_fn fn, void *ctx, struct status *st)
{
	int rc = service_write(c->svc, fn, ctx, st);
	categoriser_policy_swap(c, rc == 0);
	arena_reset(&c->arena);
	return rc;
}

/* ---- the clock ---- */

static int categoriser_expire_overrides(struct categoriser *c, MDB_txn *txn, struct status *st)
{
	long long now = categoriser_now_ms(c);
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, c->db[CAT_DB_OVERRIDES], &cur);
	if (mrc)
		return store_error(mrc, "reading overrides", st);
	/* collect first: deciding writes to the database the cursor walks */
	uint32_t expired[256];
	size_t n = 0;
	MDB_val k, v;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && n < 256;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		N2gg__V1__Override *o = (N2gg__V1__Override *)protobuf_c_message_unpack(
			&n2gg__v1__override__descriptor, &c->arena.pb, v.mv_size, v.mv_data);
		if (o && o->expires_unix_ms && o->expires_unix_ms <= now)
			expired[n++] = o->urn;
	}
	mdb_cursor_close(cur);
	for (size_t i = 0; i < n; i++) {
		N2gg__V1__Override *o;
		N2gg__V1__SchoolFacts *sf;
		int rc = cat_store_get_override(c, txn, expired[i], &c->arena, &o, st);
		if (rc == 0)
			rc = cat_store_del_override(c, txn, expired[i], st);
		if (rc < 0)
			return rc;
		N2gg__V1__OverrideChanged ev = N2GG__V1__OVERRIDE_CHANGED__INIT;
		ev.override = o;
		ev.reason = "expired";
		if ((rc = categoriser_append(c, txn, o->urn, "category.override.expired",
					     "categoriser", &ev.base, st)) < 0)
			return rc;
		c->stats.overrides_expired++;
		rc = cat_store_get_facts(c, txn, o->urn, &c->arena, &sf, st);
		if (rc == -STATUS_NOT_FOUND)
			continue;
		if (rc < 0 || (rc = categoriser_decide(c, txn, c->policy, sf, "override expired",
						       "categoriser", &c->arena, st)) < 0)
			return rc;
	}
	return 0;
}

static int categoriser_check_monitoring(struct categoriser *c, MDB_txn *txn, struct status *st)
{
	const struct facts_calendar *cal = &c->policy->params.calendar;
	int today = categoriser_today(c);
	unsigned year, ht;
	int start;
	facts_school_year(cal, today, &year, &ht, &start);
	if (ht == 0 || today < start + cal->return_due_days)
		return 0;
	char start_text[DATE_ISO_LEN], due_text[DATE_ISO_LEN];
	date_format(start, start_text);
	date_format(start + cal->return_due_days, due_text);
	MDB_cursor *cur;
	int mrc = mdb_cursor_open(txn, c->db[CAT_DB_DECISIONS], &cur);
	if (mrc)
		return store_error(mrc, "reading decisions", st);
	struct arena a;
	arena_init(&a);
	MDB_val k, v;
	int rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		arena_reset(&a);
		N2gg__V1__Decision *d = (N2gg__V1__Decision *)protobuf_c_message_unpack(
			&n2gg__v1__decision__descriptor, &a.pb, v.mv_size, v.mv_data);
		N2gg__V1__SchoolFacts *sf;
		if (!d || !d->half_termly_monitoring ||
		    cat_store_get_facts(c, txn, d->urn, &a, &sf, st) < 0 ||
		    facts_has_return(sf, year, ht))
			continue;
		int marked = cat_store_mark_monitoring(c, txn, d->urn, year, ht, st);
		if (marked != 0) {
			rc = marked < 0 ? marked : 0;   /* raised before, or an error ends the loop */
			continue;
		}
		N2gg__V1__MonitoringOverdue ev = N2GG__V1__MONITORING_OVERDUE__INIT;
		ev.urn = d->urn;
		ev.school_name = d->school_name;
		ev.cluster_id = d->cluster_id;
		ev.category = d->category;
		ev.year = year;
		ev.half_term = ht;
		ev.half_term_start = start_text;
		ev.due_date = due_text;
		rc = categoriser_append(c, txn, d->urn, "category.monitoring.overdue", "categoriser",
					&ev.base, st);
		c->stats.monitoring_overdue++;
	}
	mdb_cursor_close(cur);
	arena_free(&a);
	return rc;
}

/* Every school is decided again when the date moves on, and when the LA whose averages
 * the rules compare with (--la) is not the one the decisions were made with. */
static int categoriser_new_day(struct categoriser *c, MDB_txn *txn, struct status *st)
{
	int today = categoriser_today(c);
	MDB_val v, la;
	int rc = cat_store_get_meta(c, txn, "evaluated.day", &v, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	bool same_day = rc == 0 && v.mv_size == sizeof today &&
			memcmp(v.mv_data, &today, sizeof today) == 0;
	rc = cat_store_get_meta(c, txn, "evaluated.la", &la, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	bool same_la = rc == 0 && la.mv_size == sizeof c->la_code &&
		       memcmp(la.mv_data, &c->la_code, sizeof c->la_code) == 0;
	if (same_day && same_la)
		return 0;
	char cause[96], day[DATE_ISO_LEN];
	date_format(today, day);
	if (same_day)
		snprintf(cause, sizeof cause, "re-decided against the averages of LA %u",
			 (unsigned)c->la_code);
	else
		snprintf(cause, sizeof cause, "re-decided on %s", day);
	struct categoriser_sweep sweep = {0};
	if ((rc = categoriser_sweep(c, txn, c->policy, true, cause, "categoriser", &sweep, st)) < 0)
		return rc;
	if (sweep.changed)
		log_info("re-decided every school", "day=%s la=%u changed=%u", day,
			 (unsigned)c->la_code, sweep.changed);
	if ((rc = cat_store_put_meta(c, txn, "evaluated.la", &c->la_code, sizeof c->la_code, st)) < 0)
		return rc;
	return cat_store_put_meta(c, txn, "evaluated.day", &today, sizeof today, st);
}

static int categoriser_tick_txn(void *ctx, MDB_txn *txn, struct status *st)
{
	struct categoriser *c = ctx;
	int rc = categoriser_expire_overrides(c, txn, st);
	if (rc == 0)
		rc = categoriser_new_day(c, txn, st);
	if (rc == 0)
		rc = categoriser_check_monitoring(c, txn, st);
	return rc;
}

int categoriser_tick(struct categoriser *c, struct status *st)
{
	int rc = categoriser_write(c, categoriser_tick_txn, c, st);
	if (rc < 0)
		log_error("clock work failed; will try again", "error=%s", log_str(st->message));
	categoriser_schedule_clock(c);
	return rc;
}

static void categoriser_on_clock(uv_timer_t *t)
{
	struct status st;
	categoriser_tick(t->data, &st);
}

/* The clock fires every clock_interval_ms, and sooner when an override expires before.
 * As of a fixed date the service's clock stands still: no override comes due later. */
void categoriser_schedule_clock(struct categoriser *c)
{
	long long now = date_now_ms(), next = now + c->clock_interval_ms;
	MDB_txn *txn;
	struct status st;
	if (c->as_of < 0 && store_begin_read(&c->svc->store, &txn, &st) == 0) {
		MDB_cursor *cur;
		if (mdb_cursor_open(txn, c->db[CAT_DB_OVERRIDES], &cur) == 0) {
			MDB_val k, v;
			struct arena a;
			arena_init(&a);
			for (int mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
			     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
				N2gg__V1__Override *o = (N2gg__V1__Override *)protobuf_c_message_unpack(
					&n2gg__v1__override__descriptor, &a.pb, v.mv_size, v.mv_data);
				if (o && o->expires_unix_ms && o->expires_unix_ms < next)
					next = o->expires_unix_ms;
				arena_reset(&a);
			}
			arena_free(&a);
			mdb_cursor_close(cur);
		}
		mdb_txn_abort(txn);
	}
	long long delay = next - now;
	uv_timer_start(&c->clock, categoriser_on_clock, delay > 0 ? (uint64_t)delay : 0, 0);
}
