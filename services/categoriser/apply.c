/* apply: the categoriser's read model of the registry. Each registry event that carries a
 * school's snapshot updates the facts the rules use (values out of range are dropped and
 * logged), and the school is decided again when its facts changed. An area's averages
 * (registry.comparator.recorded) are kept too; when England's or the served LA's change,
 * every school is decided again, since any school's comparison may depend on them. */
#include <math.h>
#include <string.h>

#include "categoriser.h"
#include "log.h"
#include "registry_event.h"

static bool apply_in(double v, double lo, double hi)
{
	return isfinite(v) && v >= lo && v <= hi;
}

/* Whether each measure with a value is one the rules can use (finite, in its range). */
static bool apply_measures_in_range(const struct fact_value m[MEASURE_COUNT], int *bad)
{
	for (int i = 0; i < MEASURE_COUNT; i++)
		if (m[i].known && !apply_in(m[i].v, facts_measures[i].min, facts_measures[i].max)) {
			*bad = i;
			return false;
		}
	return true;
}

/* The facts of `s`, keeping only values the rules can trust. */
static N2gg__V1__SchoolFacts *apply_facts_of(struct categoriser *c, const N2gg__V1__School *s,
					     uint64_t seq, struct arena *a)
{
	N2gg__V1__SchoolFacts *sf = arena_message(a, &n2gg__v1__school_facts__descriptor);
	sf->urn = s->urn;
	sf->name = s->name;
	sf->phase = s->phase;
	sf->status = s->status;
	sf->cluster_id = s->cluster_id;
	sf->flags = s->flags;
	sf->inspections = arena_alloc(a, sizeof(void *) * (s->n_inspections + 1));
	for (size_t i = 0; i < s->n_inspections; i++) {
		N2gg__V1__Inspection *in = s->inspections[i];
		if (in->overall_effectiveness < 1 || in->overall_effectiveness > 4 ||
		    (unsigned)in->category_of_concern > 3) {
			log_warn("fact out of range ignored", "urn=%u seq=%llu fact=ofsted.overall "
				 "value=%u concern=%s", s->urn, (unsigned long long)seq,
				 in->overall_effectiveness,
				 log_enum(&n2gg__v1__category_of_concern__descriptor,
					  in->category_of_concern));
			c->stats.facts_rejected++;
			continue;
		}
		sf->inspections[sf->n_inspections++] = in;
	}
	sf->achievement = arena_alloc(a, sizeof(void *) * (s->n_achievement + 1));
	for (size_t i = 0; i < s->n_achievement; i++) {
		N2gg__V1__Achievement *ach = s->achievement[i];
		if (!apply_in(ach->expected_standard_pct, 0, 100) || !apply_in(ach->progress, -100, 100)) {
			log_warn("fact out of range ignored", "urn=%u seq=%llu fact=achievement "
				 "year=%u expected_standard_pct=%g progress=%g", s->urn,
				 (unsigned long long)seq, ach->year, ach->expected_standard_pct,
				 ach->progress);
			c->stats.facts_rejected++;
			continue;
		}
		struct fact_value m[MEASURE_COUNT];
		int bad;
		facts_row_measures(ach, m);
		if (!apply_measures_in_range(m, &bad)) {
			log_warn("fact out of range ignored", "urn=%u seq=%llu fact=achievement "
				 "year=%u key_stage=%s measure=%s value=%g", s->urn,
				 (unsigned long long)seq, ach->year,
				 log_enum(&n2gg__v1__key_stage__descriptor, ach->key_stage),
				 facts_measures[bad].name, m[bad].v);
			c->stats.facts_rejected++;
			continue;
		}
		sf->achievement[sf->n_achievement++] = ach;
	}
	sf->progress_returns = arena_alloc(a, sizeof(void *) * (s->n_progress_returns + 1));
	for (size_t i = 0; i < s->n_progress_returns; i++) {
		N2gg__V1__ProgressReturn *r = s->progress_returns[i];
		if (r->half_term < 1 || r->half_term > 6 || !apply_in(r->on_track_pct, 0, 100)) {
			log_warn("fact out of range ignored", "urn=%u seq=%llu fact=progress_return "
				 "half_term=%u on_track_pct=%g", s->urn, (unsigned long long)seq,
				 r->half_term, r->on_track_pct);
			c->stats.facts_rejected++;
			continue;
		}
		sf->progress_returns[sf->n_progress_returns++] = r;
	}
	return sf;
}

static bool apply_same_facts(const N2gg__V1__SchoolFacts *a, const N2gg__V1__SchoolFacts *b,
			     struct arena *ar)
{
	size_t la, lb;
	N2gg__V1__SchoolFacts ca = *a, cb = *b;
	ca.registry_seq = cb.registry_seq = 0;
	void *pa = arena_pack(ar, &ca.base, &la), *pb = arena_pack(ar, &cb.base, &lb);
	return la == lb && memcmp(pa, pb, la) == 0;
}

/* registry.comparator.recorded: stored (every LA's, so that a change of --la needs no
 * resync); England's and the served LA's figures changing re-decide every school, unless
 * `decide` is false (a replay that decides once at its end). */
static int apply_comparator(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Event *ev,
			    const N2gg__V1__Comparator *cmp, bool decide, struct status *st)
{
	struct arena *a = &c->arena;
	struct facts_comparators *one = arena_zalloc(a, sizeof *one);
	int bad = -1;
	if (!cmp || cmp->year < 1990 || cmp->year > 2100 || !facts_comparators_add(one, cmp) ||
	    !apply_measures_in_range(one->list[0].measures, &bad)) {
		log_warn("unusable comparator ignored", "seq=%llu year=%u key_stage=%s area=%s "
			 "la=%u measure=%s", (unsigned long long)ev->seq, cmp ? cmp->year : 0,
			 log_enum(&n2gg__v1__key_stage__descriptor, cmp ? cmp->key_stage : 0),
			 log_enum(&n2gg__v1__comparator_area__descriptor, cmp ? cmp->area : 0),
			 cmp ? cmp->la_code : 0, bad >= 0 ? facts_measures[bad].name : "-");
		c->stats.facts_rejected++;
		return 0;
	}
	N2gg__V1__Comparator *old = NULL;
	int rc = cat_store_get_comparator(c, txn, cmp, a, &old, st);
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	if (old) {
		/* who recorded it and when is not what the rules compare with */
		N2gg__V1__Comparator x = *old, y = *cmp;
		x.recorded_by = y.recorded_by = "";
		x.recorded_unix_ms = y.recorded_unix_ms = 0;
		size_t lx, ly;
		void *px = arena_pack(a, &x.base, &lx), *py = arena_pack(a, &y.base, &ly);
		if (lx == ly && memcmp(px, py, lx) == 0)
			return 0;
	}
	if ((rc = cat_store_put_comparator(c, txn, cmp, a, st)) < 0)
		return rc;
	c->stats.comparators_recorded++;
	if (!decide || (cmp->area == N2GG__V1__COMPARATOR_AREA__AREA_LA && cmp->la_code != c->la_code))
		return 0;
	char cause[96];
	snprintf(cause, sizeof cause, "%s #%llu", ev->topic, (unsigned long long)ev->seq);
	struct categoriser_sweep sweep = {0};
	if ((rc = categoriser_sweep(c, txn, c->policy, true, cause, ev->actor, &sweep, st)) < 0)
		return rc;
	log_info("re-decided every school for new averages", "seq=%llu year=%u key_stage=%s "
		 "area=%s changed=%u", (unsigned long long)ev->seq, cmp->year,
		 log_enum(&n2gg__v1__key_stage__descriptor, cmp->key_stage),
		 log_enum(&n2gg__v1__comparator_area__descriptor, cmp->area), sweep.changed);
	return 0;
}

/* A school's snapshot in a registry event: its facts updated, and decided again when they
 * changed. */
static int apply_school(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Event *ev,
			const N2gg__V1__RegistryEvent *re, struct status *st)
{
	struct arena *a = &c->arena;
	uint32_t urn;
	const N2gg__V1__School *s = registry_event_school(re, &urn);
	if (!s && re->body_case != N2GG__V1__REGISTRY_EVENT__BODY_SCHOOL && !urn)
		return 0;
	N2gg__V1__SchoolFacts *old = NULL;
	uint32_t about = s && s->urn ? s->urn : urn;
	int rc = about ? cat_store_get_facts(c, txn, about, a, &old, st) : -STATUS_NOT_FOUND;
	if (rc < 0 && rc != -STATUS_NOT_FOUND)
		return rc;
	if (!s || !s->urn || (urn && s->urn != urn)) {
		c->stats.unknown_schools++;
		log_warn(old ? "registry event without a usable school ignored"
			     : "registry event about an unknown school ignored",
			 "seq=%llu topic=%s urn=%u", (unsigned long long)ev->seq, log_str(ev->topic),
			 about);
		return 0;
	}
	N2gg__V1__SchoolFacts *sf = apply_facts_of(c, s, ev->seq, a);
	if (old && apply_same_facts(old, sf, a))
		return 0;   /* e.g. a new headteacher: nothing the rules look at */
	sf->registry_seq = ev->seq;
	if ((rc = cat_store_put_facts(c, txn, sf, a, st)) < 0)
		return rc;
	char cause[96];
	snprintf(cause, sizeof cause, "%s #%llu", ev->topic, (unsigned long long)ev->seq);
	return categoriser_decide(c, txn, c->policy, sf, cause, ev->actor, a, st);
}

/* The last event of a replay for the comparators (migration from store format 1): every
 * school decided once, against all the averages read again, and the replay over. */
static int apply_replay_done(struct categoriser *c, MDB_txn *txn, const N2gg__V1__Event *ev,
			     struct status *st)
{
	struct categoriser_sweep sweep = {0};
	int rc = categoriser_sweep(c, txn, c->policy, true,
				   "store migrated: the areas' averages read again", ev->actor,
				   &sweep, st);
	if (rc == 0)
		rc = cat_store_del_meta(c, txn, CAT_META_COMPARATORS_REPLAY, st);
	if (rc < 0)
		return rc;
	log_info("the areas' averages read again", "up_to_seq=%llu changed=%u",
		 (unsigned long long)ev->seq, sweep.changed);
	/* comparators_replay_to stays as it is: later events are past it, and a batch whose
	 * transaction fails is applied again from the same cursor */
	return 0;
}

int categoriser_apply_registry_event(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
				     struct status *st)
{
	struct categoriser *c = ctx;
	struct arena *a = &c->arena;
	arena_reset(a);
	c->stats.events_applied++;
	/* after a migration from format 1, the schools' events up to the old cursor are in the
	 * read model already: applying them again would re-decide schools on old facts */
	bool replayed = ev->seq <= c->comparators_replay_to;
	N2gg__V1__RegistryEvent *re = (N2gg__V1__RegistryEvent *)protobuf_c_message_unpack(
		&n2gg__v1__registry_event__descriptor, &a->pb, ev->payload.len, ev->payload.data);
	int rc = 0;
	if (!re)
		log_warn("malformed registry event ignored", "seq=%llu topic=%s",
			 (unsigned long long)ev->seq, log_str(ev->topic));
	else if (re->body_case == N2GG__V1__REGISTRY_EVENT__BODY_COMPARATOR)
		rc = apply_comparator(c, txn, ev, re->comparator->comparator, !replayed, st);
	else if (!replayed)
		rc = apply_school(c, txn, ev, re, st);
	if (rc == 0 && replayed && ev->seq == c->comparators_replay_to)
		rc = apply_replay_done(c, txn, ev, st);
	return rc;
}
