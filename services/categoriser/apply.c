/* apply: the categoriser's read model of the registry. Each registry event that carries a
 * school's snapshot updates the facts the rules use (values out of range are dropped and
 * logged), and the school is decided again when its facts changed. */
#include <math.h>
#include <string.h>

#include "categoriser.h"
#include "log.h"
#include "registry_event.h"

static bool apply_in(double v, double lo, double hi)
{
	return isfinite(v) && v >= lo && v <= hi;
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

int categoriser_apply_registry_event(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev,
				     struct status *st)
{
	struct categoriser *c = ctx;
	struct arena *a = &c->arena;
	arena_reset(a);
	c->stats.events_applied++;
	N2gg__V1__RegistryEvent *re = (N2gg__V1__RegistryEvent *)protobuf_c_message_unpack(
		&n2gg__v1__registry_event__descriptor, &a->pb, ev->payload.len, ev->payload.data);
	if (!re) {
		log_warn("malformed registry event ignored", "seq=%llu topic=%s",
			 (unsigned long long)ev->seq, log_str(ev->topic));
		return 0;
	}
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
