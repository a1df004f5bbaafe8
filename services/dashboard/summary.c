/* summary: see summary.h. The bytes: a version byte, the URN (big-endian), phase, status,
 * Ofsted grade, the counts of partners and unserved roles, easting and northing
 * (big-endian), then NUL-terminated strings: name, town, postcode, cluster id, category,
 * previous category, effective date, Ofsted date, each partner's id and name, and each
 * unserved role as a byte followed by its reason. */
#include "summary.h"

#include <string.h>

#include "store.h"

#define SUMMARY_VERSION 1
#define SUMMARY_HEAD 18
#define SUMMARY_MAX_LIST 255   /* partners or unserved roles of one school: a byte */

struct summary_buf {
	struct arena *a;
	uint8_t *data;
	size_t len, cap;
};

static void summary_put(struct summary_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap * 2 + n;
		uint8_t *grown = arena_alloc(b->a, cap);
		if (b->len)
			memcpy(grown, b->data, b->len);
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void summary_str(struct summary_buf *b, const char *s)
{
	summary_put(b, s ? s : "", strlen(s ? s : "") + 1);
}

uint8_t *summary_encode(struct arena *a, const N2gg__V1__School *s,
			const N2gg__V1__CategoryChanged *c,
			const N2gg__V1__Allocation *const *own, size_t n_own, size_t *len)
{
	struct view_school v;
	view_school_from(&v, s, c);
	/* a partner in two roles is listed once, as view_school_add_partner would */
	bool *listed = arena_zalloc(a, (n_own ? n_own : 1) * sizeof *listed);
	size_t served = 0, unserved = 0;
	for (size_t i = 0; i < n_own; i++) {
		if (!own[i]->partner_id[0]) {
			unserved += unserved < SUMMARY_MAX_LIST;
			continue;
		}
		bool again = false;
		for (size_t j = 0; j < i && !again; j++)
			again = listed[j] && strcmp(own[j]->partner_id, own[i]->partner_id) == 0;
		if (!again && served < SUMMARY_MAX_LIST) {
			listed[i] = true;
			served++;
		}
	}
	uint8_t head[SUMMARY_HEAD] = {SUMMARY_VERSION};
	store_be32(head + 1, v.urn);
	head[5] = (uint8_t)v.phase;
	head[6] = (uint8_t)v.status;
	head[7] = (uint8_t)v.ofsted;
	head[8] = (uint8_t)served;
	head[9] = (uint8_t)unserved;
	store_be32(head + 10, (uint32_t)v.easting);
	store_be32(head + 14, (uint32_t)v.northing);
	struct summary_buf b = {a, NULL, 0, 0};
	summary_put(&b, head, sizeof head);
	const char *strings[] = {v.name, v.town, v.postcode, v.cluster_id, v.category,
				 c ? c->previous_category : "", c ? c->effective_date : "",
				 v.ofsted_date};
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		summary_str(&b, strings[i]);
	for (size_t i = 0; i < n_own; i++)
		if (listed[i]) {
			summary_str(&b, own[i]->partner_id);
			summary_str(&b, own[i]->partner_name);
		}
	for (size_t i = 0, k = 0; i < n_own && k < unserved; i++)
		if (!own[i]->partner_id[0]) {
			uint8_t role = (uint8_t)own[i]->role;
			summary_put(&b, &role, 1);
			summary_str(&b, own[i]->reason);
			k++;
		}
	*len = b.len;
	return b.data;
}

/* The next NUL-terminated string at *at, or NULL when the bytes end first. */
static const char *summary_next(const uint8_t *data, size_t len, size_t *at)
{
	if (*at >= len)
		return NULL;
	const uint8_t *end = memchr(data + *at, 0, len - *at);
	if (!end)
		return NULL;
	const char *s = (const char *)data + *at;
	*at = (size_t)(end - data) + 1;
	return s;
}

bool summary_decode(const void *data, size_t len, struct arena *a, struct summary_line *out)
{
	const uint8_t *p = data;
	memset(out, 0, sizeof *out);
	if (len < SUMMARY_HEAD || p[0] != SUMMARY_VERSION)
		return false;
	struct view_school *v = &out->school;
	v->urn = store_from_be32(p + 1);
	v->phase = p[5];
	v->status = p[6];
	v->ofsted = p[7];
	size_t served = p[8], unserved = p[9];
	v->easting = (int32_t)store_from_be32(p + 10);
	v->northing = (int32_t)store_from_be32(p + 14);
	size_t at = SUMMARY_HEAD;
	const char **strings[] = {&v->name, &v->town, &v->postcode, &v->cluster_id, &v->category,
				  &out->previous_category, &out->effective_date, &v->ofsted_date};
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		if (!(*strings[i] = summary_next(p, len, &at)))
			return false;
	v->cluster_name = "";
	if (served) {
		v->partner_ids = arena_alloc(a, served * sizeof *v->partner_ids);
		v->partner_names = arena_alloc(a, served * sizeof *v->partner_names);
		for (size_t i = 0; i < served; i++)
			if (!(v->partner_ids[i] = summary_next(p, len, &at)) ||
			    !(v->partner_names[i] = summary_next(p, len, &at)))
				return false;
		v->n_partners = served;
	}
	if (unserved) {
		struct summary_unserved *u = arena_alloc(a, unserved * sizeof *u);
		for (size_t i = 0; i < unserved; i++) {
			if (at >= len)
				return false;
			u[i].role = p[at++];
			if (!(u[i].reason = summary_next(p, len, &at)))
				return false;
		}
		out->unserved = u;
		out->n_unserved = unserved;
	}
	return at == len;
}
