/* policy_yaml: a categorisation policy from YAML (see policy_yaml.h), walked with yamldoc
 * (libyaml's node tree with lines), refusing unknown keys (a typo must not silently weaken
 * a rule) and values out of range. */
#include "policy_yaml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "yamldoc.h"

struct reader {
	struct yamldoc d;
	struct policy *p;
	struct policy_report *r;
	size_t node_cap;
};

#define ERR(rd, node, ...) policy_report_add((rd)->r, false, yamldoc_line(node), __VA_ARGS__)

static void reader_report(void *ctx, int line, const char *message)
{
	policy_report_add(ctx, false, line, "%s", message);
}

static const char *expect_text(struct reader *rd, const yaml_node_t *n, const char *what)
{
	return yamldoc_text(&rd->d, n, n, what);
}

static int expect_number(struct reader *rd, const yaml_node_t *n, const char *what, double min,
			 double max, double *out)
{
	return yamldoc_number(&rd->d, n, n, what, min, max, out);
}

/* A list of texts (activities). */
static int parse_texts(struct reader *rd, yaml_node_t *n, const char *what, const char ***out,
		       int *count)
{
	if (!yamldoc_is_seq(n)) {
		ERR(rd, n, "%s must be a list of texts", what);
		return -1;
	}
	int len = yamldoc_seq_len(n);
	const char **items = arena_zalloc(&rd->p->arena, sizeof *items * (size_t)(len + 1));
	for (int i = 0; i < len; i++) {
		const char *s = expect_text(rd, yamldoc_seq_item(&rd->d, n, i), what);
		if (!s)
			return -1;
		items[i] = arena_strdup(&rd->p->arena, s);
	}
	*out = items;
	*count = len;
	return 0;
}

/* ---- conditions ---- */

static const struct {
	const char *key;
	enum policy_op op;
} op_keys[] = {{"is", POLICY_IS},         {"is_not", POLICY_IS_NOT}, {"at_least", POLICY_AT_LEAST},
	       {"at_most", POLICY_AT_MOST}, {"above", POLICY_ABOVE},   {"below", POLICY_BELOW},
	       {"in", POLICY_IN}};
#define OP_KEY_COUNT (int)(sizeof op_keys / sizeof op_keys[0])

static int new_node(struct reader *rd, enum policy_node_kind kind, const yaml_node_t *at)
{
	struct policy *p = rd->p;
	p->nodes = arena_grow(&p->arena, p->nodes, (size_t)p->node_count, &rd->node_cap,
			      sizeof *p->nodes);
	struct policy_node *n = &p->nodes[p->node_count];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->line = yamldoc_line(at);
	return p->node_count++;
}

/* The one operator key of a comparison or count mapping. */
static int find_op(struct reader *rd, yaml_node_t *map, enum policy_op *op, yaml_node_t **value)
{
	int found = 0;
	for (int i = 0; i < OP_KEY_COUNT; i++) {
		yaml_node_t *v = yamldoc_get(&rd->d, map, op_keys[i].key);
		if (v) {
			*op = op_keys[i].op;
			*value = v;
			found++;
		}
	}
	if (found != 1) {
		ERR(rd, map, "a condition needs exactly one of is, is_not, at_least, at_most, above, "
			     "below, in (found %d)", found);
		return -1;
	}
	return 0;
}

static int parse_fact_value(struct reader *rd, enum fact_id fact, yaml_node_t *n, double *out)
{
	const struct fact_def *d = &facts_defs[fact];
	const char *s = yamldoc_scalar(n);
	bool b;
	int e;
	switch (d->type) {
	case FACT_TYPE_BOOL:
		if (yamldoc_parse_bool(s, &b) < 0) {
			ERR(rd, n, "%s is true or false, not '%s'", d->name, s ? s : "a list");
			return -1;
		}
		*out = b;
		return 0;
	case FACT_TYPE_ENUM:
		if (!s || (e = facts_enum_value(fact, s)) < 0) {
			char names[400] = "";
			size_t len = 0;
			for (int i = 0; i < d->enum_count && len < sizeof names; i++)
				len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
							i ? ", " : "", d->enum_names[i]);
			ERR(rd, n, "%s has no value '%s' (it is one of: %s)", d->name, s ? s : "?",
			    names);
			return -1;
		}
		*out = e;
		return 0;
	case FACT_TYPE_GRADE:
		if (expect_number(rd, n, d->name, d->min, d->max, out) < 0)
			return -1;
		if (*out != floor(*out)) {
			ERR(rd, n, "%s is a whole grade, not %g", d->name, *out);
			return -1;
		}
		return 0;
	case FACT_TYPE_NUMBER:
		return expect_number(rd, n, d->name, d->min, d->max, out);
	}
	return -1;
}

static int parse_condition(struct reader *rd, yaml_node_t *n, bool in_count);

static int parse_compare(struct reader *rd, yaml_node_t *n, bool in_count)
{
	static const char *const keys[] = {"fact", "is", "is_not", "at_least", "at_most",
					   "above", "below", "in", NULL};
	if (yamldoc_check_keys(&rd->d, n, "a comparison", keys) < 0)
		return -1;
	yaml_node_t *fn = yamldoc_get(&rd->d, n, "fact");
	const char *name = yamldoc_scalar(fn);
	int fact = name ? facts_lookup(name) : -1;
	if (fact < 0) {
		ERR(rd, fn, "unknown fact '%s'", name ? name : "?");
		return -1;
	}
	if (facts_is_year_fact(fact) && !in_count) {
		ERR(rd, fn, "%s is a fact about one year: use it inside a count over years", name);
		return -1;
	}
	enum policy_op op;
	yaml_node_t *v;
	if (find_op(rd, n, &op, &v) < 0)
		return -1;
	int index = new_node(rd, POLICY_COMPARE, n);
	struct policy_node *node = &rd->p->nodes[index];
	node->fact = fact;
	node->op = op;
	if (op == POLICY_IN) {
		if (!yamldoc_is_seq(v) || yamldoc_seq_len(v) == 0 || yamldoc_seq_len(v) > POLICY_MAX_IN) {
			ERR(rd, v, "'in' takes a list of 1 to %d values", POLICY_MAX_IN);
			return -1;
		}
		for (int i = 0; i < yamldoc_seq_len(v); i++)
			if (parse_fact_value(rd, fact, yamldoc_seq_item(&rd->d, v, i), &node->values[i]) < 0)
				return -1;
		node->value_count = yamldoc_seq_len(v);
		return index;
	}
	if (facts_defs[fact].type != FACT_TYPE_NUMBER && facts_defs[fact].type != FACT_TYPE_GRADE &&
	    op != POLICY_IS && op != POLICY_IS_NOT) {
		ERR(rd, v, "%s can only be compared with is, is_not or in", name);
		return -1;
	}
	if (parse_fact_value(rd, fact, v, &node->values[0]) < 0)
		return -1;
	node->value_count = 1;
	return index;
}

static int parse_count(struct reader *rd, yaml_node_t *n)
{
	static const char *const keys[] = {"count", "is", "is_not", "at_least", "at_most",
					   "above", "below", NULL};
	static const char *const count_keys[] = {"years", "where", NULL};
	if (yamldoc_check_keys(&rd->d, n, "a count", keys) < 0)
		return -1;
	yaml_node_t *c = yamldoc_get(&rd->d, n, "count");
	if (!yamldoc_is_map(c)) {
		ERR(rd, c, "count takes a mapping with years and where");
		return -1;
	}
	if (yamldoc_check_keys(&rd->d, c, "count", count_keys) < 0)
		return -1;
	double years;
	if (expect_number(rd, yamldoc_get(&rd->d, c, "years") ? yamldoc_get(&rd->d, c, "years") : c, "count: years", 1,
			  FACTS_MAX_YEARS, &years) < 0)
		return -1;
	if (years != floor(years)) {
		ERR(rd, yamldoc_get(&rd->d, c, "years"), "count: years must be a whole number");
		return -1;
	}
	yaml_node_t *where = yamldoc_get(&rd->d, c, "where");
	if (!where) {
		ERR(rd, c, "count needs 'where': the condition on each year");
		return -1;
	}
	enum policy_op op;
	yaml_node_t *v;
	if (find_op(rd, n, &op, &v) < 0)
		return -1;
	double value;
	if (expect_number(rd, v, "a count", 0, years, &value) < 0)
		return -1;
	int child = parse_condition(rd, where, true);
	if (child < 0)
		return -1;
	int index = new_node(rd, POLICY_COUNT, n);
	struct policy_node *node = &rd->p->nodes[index];
	node->years = (int)years;
	node->op = op;
	node->values[0] = value;
	node->value_count = 1;
	node->children = arena_alloc(&rd->p->arena, sizeof(int));
	node->children[0] = child;
	node->child_count = 1;
	return index;
}

static int parse_group(struct reader *rd, yaml_node_t *n, const char *key, bool in_count)
{
	yaml_node_t *list = yamldoc_get(&rd->d, n, key);
	if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1) {
		ERR(rd, n, "'%s' stands alone in its mapping", key);
		return -1;
	}
	if (!yamldoc_is_seq(list) || yamldoc_seq_len(list) == 0) {
		ERR(rd, list, "'%s' takes a non-empty list of conditions", key);
		return -1;
	}
	int len = yamldoc_seq_len(list);
	int *children = arena_alloc(&rd->p->arena, sizeof(int) * (size_t)len);
	for (int i = 0; i < len; i++)
		if ((children[i] = parse_condition(rd, yamldoc_seq_item(&rd->d, list, i), in_count)) < 0)
			return -1;
	int index = new_node(rd, strcmp(key, "all") == 0 ? POLICY_ALL : POLICY_ANY, n);
	rd->p->nodes[index].children = children;
	rd->p->nodes[index].child_count = len;
	return index;
}

static int parse_condition(struct reader *rd, yaml_node_t *n, bool in_count)
{
	const char *s = yamldoc_scalar(n);
	if (s && strcmp(s, "always") == 0)
		return new_node(rd, POLICY_ALWAYS, n);
	if (!yamldoc_is_map(n)) {
		ERR(rd, n, "a condition is 'always' or a mapping (all, any, not, fact, count)");
		return -1;
	}
	if (yamldoc_get(&rd->d, n, "all"))
		return parse_group(rd, n, "all", in_count);
	if (yamldoc_get(&rd->d, n, "any"))
		return parse_group(rd, n, "any", in_count);
	if (yamldoc_get(&rd->d, n, "not")) {
		if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1) {
			ERR(rd, n, "'not' stands alone in its mapping");
			return -1;
		}
		int child = parse_condition(rd, yamldoc_get(&rd->d, n, "not"), in_count);
		if (child < 0)
			return -1;
		int index = new_node(rd, POLICY_NOT, n);
		rd->p->nodes[index].children = arena_alloc(&rd->p->arena, sizeof(int));
		rd->p->nodes[index].children[0] = child;
		rd->p->nodes[index].child_count = 1;
		return index;
	}
	if (yamldoc_get(&rd->d, n, "count")) {
		if (in_count) {
			ERR(rd, n, "a count cannot be inside another count");
			return -1;
		}
		return parse_count(rd, n);
	}
	if (yamldoc_get(&rd->d, n, "fact"))
		return parse_compare(rd, n, in_count);
	const char *first = n->data.mapping.pairs.start < n->data.mapping.pairs.top
				    ? yamldoc_scalar(yaml_document_get_node(&rd->d.doc, n->data.mapping.pairs.start->key))
				    : NULL;
	ERR(rd, n, "a condition needs one of: all, any, not, fact, count (found '%s')",
	    first ? first : "nothing");
	return -1;
}

/* ---- the document ---- */

static void parse_categories(struct reader *rd, yaml_node_t *n)
{
	static const char *const keys[] = {"name", "meaning", "activities", "half_termly_monitoring",
					   NULL};
	if (!yamldoc_is_map(n)) {
		ERR(rd, n, "categories must be a mapping from letter to category");
		return;
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(&rd->d.doc, pr->key), *v = yaml_document_get_node(&rd->d.doc, pr->value);
		const char *letter = yamldoc_scalar(k);
		if (!letter || strlen(letter) != 1 || letter[0] < 'A' || letter[0] > 'Z') {
			ERR(rd, k, "a category is one capital letter, not '%s'", letter ? letter : "?");
			continue;
		}
		if (policy_category_index(rd->p, letter) >= 0) {
			ERR(rd, k, "category %s is defined twice", letter);
			continue;
		}
		if (rd->p->category_count == POLICY_MAX_CATEGORIES) {
			ERR(rd, k, "at most %d categories", POLICY_MAX_CATEGORIES);
			return;
		}
		if (!yamldoc_is_map(v) || yamldoc_check_keys(&rd->d, v, "a category", keys) < 0) {
			if (!yamldoc_is_map(v))
				ERR(rd, v, "category %s must be a mapping", letter);
			continue;
		}
		struct policy_category *c = &rd->p->categories[rd->p->category_count++];
		c->letter[0] = letter[0];
		c->line = yamldoc_line(k);
		const char *name = expect_text(rd, yamldoc_get(&rd->d, v, "name") ? yamldoc_get(&rd->d, v, "name") : v,
					       "a category's name");
		c->name = arena_strdup(&rd->p->arena, name ? name : "");
		const char *meaning = yamldoc_scalar(yamldoc_get(&rd->d, v, "meaning"));
		c->meaning = arena_strdup(&rd->p->arena, meaning ? meaning : "");
		yaml_node_t *acts = yamldoc_get(&rd->d, v, "activities");
		if (acts && !(yamldoc_scalar(acts) && !*yamldoc_scalar(acts)))
			parse_texts(rd, acts, "activities", &c->activities, &c->activity_count);
		yaml_node_t *mon = yamldoc_get(&rd->d, v, "half_termly_monitoring");
		if (mon && yamldoc_parse_bool(yamldoc_scalar(mon), &c->half_termly_monitoring) < 0)
			ERR(rd, mon, "half_termly_monitoring is true or false");
	}
}

static void parse_rules(struct reader *rd, yaml_node_t *n)
{
	static const char *const keys[] = {"id", "category", "description", "source", "activities",
					   "when", NULL};
	if (!yamldoc_is_seq(n)) {
		ERR(rd, n, "rules must be a list");
		return;
	}
	int len = yamldoc_seq_len(n);
	rd->p->rules = arena_zalloc(&rd->p->arena, sizeof *rd->p->rules * (size_t)(len ? len : 1));
	for (int i = 0; i < len; i++) {
		yaml_node_t *item = yamldoc_seq_item(&rd->d, n, i);
		if (!yamldoc_is_map(item)) {
			ERR(rd, item, "a rule must be a mapping");
			continue;
		}
		if (yamldoc_check_keys(&rd->d, item, "a rule", keys) < 0)
			continue;
		struct policy_rule *rule = &rd->p->rules[rd->p->rule_count];
		rule->line = yamldoc_line(item);
		const char *id = expect_text(rd, yamldoc_get(&rd->d, item, "id") ? yamldoc_get(&rd->d, item, "id") : item,
					     "a rule's id");
		const char *letter = yamldoc_scalar(yamldoc_get(&rd->d, item, "category"));
		rule->category = letter ? policy_category_index(rd->p, letter) : -1;
		if (rule->category < 0) {
			ERR(rd, yamldoc_get(&rd->d, item, "category") ? yamldoc_get(&rd->d, item, "category") : item,
			    "rule '%s': category '%s' is not one of the policy's categories",
			    id ? id : "?", letter ? letter : "(missing)");
			continue;
		}
		const char *desc = yamldoc_scalar(yamldoc_get(&rd->d, item, "description"));
		const char *source = yamldoc_scalar(yamldoc_get(&rd->d, item, "source"));
		yaml_node_t *acts = yamldoc_get(&rd->d, item, "activities");
		if (acts && parse_texts(rd, acts, "activities", &rule->activities,
					&rule->activity_count) < 0)
			continue;
		yaml_node_t *when = yamldoc_get(&rd->d, item, "when");
		if (!when) {
			ERR(rd, item, "rule '%s' has no 'when'", id ? id : "?");
			continue;
		}
		rule->root = parse_condition(rd, when, false);
		if (!id || rule->root < 0)
			continue;
		rule->id = arena_strdup(&rd->p->arena, id);
		rule->description = arena_strdup(&rd->p->arena, desc ? desc : "");
		rule->source = arena_strdup(&rd->p->arena, source ? source : "");
		rd->p->rule_count++;
	}
}

/* ---- floor and coasting standards ---- */

/* {measure: NAME, below: NUMBER}: a measure this key stage publishes, and a threshold in
 * its range. */
static int parse_standard_condition(struct reader *rd, yaml_node_t *n, int key_stage,
				    struct facts_condition *out)
{
	static const char *const keys[] = {"measure", "below", NULL};
	if (!yamldoc_is_map(n)) {
		ERR(rd, n, "a standard's condition is {measure: NAME, below: NUMBER}");
		return -1;
	}
	if (yamldoc_check_keys(&rd->d, n, "a standard's condition", keys) < 0)
		return -1;
	yaml_node_t *mn = yamldoc_get(&rd->d, n, "measure"), *bn = yamldoc_get(&rd->d, n, "below");
	const char *name = yamldoc_scalar(mn);
	int m = name ? facts_measure_lookup(name) : -1;
	if (m < 0) {
		char names[300] = "";
		size_t len = 0;
		for (int i = 0; i < MEASURE_COUNT && len < sizeof names; i++)
			len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "",
						facts_measures[i].name);
		ERR(rd, mn ? mn : n, "unknown measure '%s' (it is one of: %s)", name ? name : "?",
		    names);
		return -1;
	}
	const struct facts_measure_def *d = &facts_measures[m];
	if (d->key_stage && d->key_stage != key_stage) {
		ERR(rd, mn, "%s is a key stage %d measure; this row is for key stage %d", name,
		    d->key_stage, key_stage);
		return -1;
	}
	double below;
	if (!bn) {
		ERR(rd, n, "the condition on %s needs below: NUMBER", name);
		return -1;
	}
	if (expect_number(rd, bn, name, d->min, d->max, &below) < 0)
		return -1;
	out->measure = (enum facts_measure)m;
	out->below = below;
	return 0;
}

/* progress: one condition, or {all: [...]} / {any: [...]}. */
static int parse_standard_progress(struct reader *rd, yaml_node_t *n, struct facts_standard *s)
{
	yaml_node_t *list = NULL;
	if (yamldoc_is_map(n) && (list = yamldoc_get(&rd->d, n, "all")) == NULL &&
	    (list = yamldoc_get(&rd->d, n, "any")) == NULL) {
		s->progress_count = 1;
		return parse_standard_condition(rd, n, s->key_stage, &s->progress[0]);
	}
	if (!list || n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1) {
		ERR(rd, n, "progress is one condition {measure: NAME, below: NUMBER}, or all: or "
			   "any: with a list of them");
		return -1;
	}
	s->progress_any = yamldoc_get(&rd->d, n, "any") != NULL;
	int len = yamldoc_is_seq(list) ? yamldoc_seq_len(list) : 0;
	if (len < 1 || len > FACTS_STANDARD_MAX_PROGRESS) {
		ERR(rd, list, "progress: %s takes a list of 1 to %d conditions",
		    s->progress_any ? "any" : "all", FACTS_STANDARD_MAX_PROGRESS);
		return -1;
	}
	for (int i = 0; i < len; i++)
		if (parse_standard_condition(rd, yamldoc_seq_item(&rd->d, list, i), s->key_stage,
					     &s->progress[i]) < 0)
			return -1;
	s->progress_count = len;
	return 0;
}

static int parse_year(struct reader *rd, yaml_node_t *n, const char *what, unsigned *out)
{
	double year;
	if (expect_number(rd, n, what, 1990, 2100, &year) < 0)
		return -1;
	if (year != floor(year)) {
		ERR(rd, n, "%s must be a whole year, not %g", what, year);
		return -1;
	}
	*out = (unsigned)year;
	return 0;
}

/* No to_year yet: the row lasts until the next of its key stage starts */
#define OPEN_ENDED 0u

static struct facts_standard *new_standard(struct reader *rd, struct facts_standards *t,
					   const char *table, yaml_node_t *at)
{
	if (t->count == FACTS_MAX_STANDARDS) {
		ERR(rd, at, "%s: at most %d rows", table, FACTS_MAX_STANDARDS);
		return NULL;
	}
	struct facts_standard *s = &t->rows[t->count++];
	memset(s, 0, sizeof *s);
	s->line = yamldoc_line(at);
	return s;
}

/* The 2013 form, {from_year, expected_standard_pct, progress_below}: below the floor with
 * fewer than that share at the expected standard and progress below that, for every key
 * stage (the form had none), until the next row. Still read so that a policy written for
 * it (and kept in a categoriser's store) means what it meant. */
static void parse_standard_2013(struct reader *rd, struct facts_standards *t, const char *table,
				yaml_node_t *item)
{
	static const char *const keys[] = {"from_year", "expected_standard_pct", "progress_below",
					   NULL};
	if (yamldoc_check_keys(&rd->d, item, "a floor standard", keys) < 0)
		return;
	yaml_node_t *py = yamldoc_get(&rd->d, item, "from_year");
	yaml_node_t *pp = yamldoc_get(&rd->d, item, "expected_standard_pct");
	yaml_node_t *pb = yamldoc_get(&rd->d, item, "progress_below");
	unsigned year;
	double pct, progress = 0;
	if (!py) {
		ERR(rd, item, "a floor standard needs from_year");
		return;
	}
	if (parse_year(rd, py, "from_year", &year) < 0 ||
	    yamldoc_number(&rd->d, pp, item, "expected_standard_pct", 0, 100, &pct) < 0 ||
	    (pb && expect_number(rd, pb, "progress_below", -100, 100, &progress) < 0))
		return;
	for (int key_stage = 2; key_stage <= 4; key_stage += 2) {
		struct facts_standard *s = new_standard(rd, t, table, item);
		if (!s)
			return;
		s->key_stage = key_stage;
		s->from_year = year;
		s->to_year = OPEN_ENDED;
		s->has_attainment = true;
		s->attainment = (struct facts_condition){MEASURE_EXPECTED_STANDARD_PCT, pct};
		s->progress[0] = (struct facts_condition){MEASURE_PROGRESS, progress};
		s->progress_count = 1;
		s->source = "";
	}
}

static void parse_standard(struct reader *rd, struct facts_standards *t, const char *table,
			   yaml_node_t *item)
{
	static const char *const keys[] = {"key_stage", "from_year", "to_year", "source",
					   "attainment", "progress", NULL};
	if (yamldoc_check_keys(&rd->d, item, "a standard", keys) < 0)
		return;
	yaml_node_t *ks = yamldoc_get(&rd->d, item, "key_stage");
	yaml_node_t *from = yamldoc_get(&rd->d, item, "from_year");
	yaml_node_t *to = yamldoc_get(&rd->d, item, "to_year");
	yaml_node_t *att = yamldoc_get(&rd->d, item, "attainment");
	yaml_node_t *prog = yamldoc_get(&rd->d, item, "progress");
	if (!ks || !from) {
		ERR(rd, item, "a standard needs %s", ks ? "from_year" : "key_stage (2 or 4)");
		return;
	}
	double key_stage;
	if (expect_number(rd, ks, "key_stage", 2, 4, &key_stage) < 0)
		return;
	if (key_stage != 2 && key_stage != 4) {
		ERR(rd, ks, "key_stage is 2 or 4, not %g", key_stage);
		return;
	}
	struct facts_standard s = {.key_stage = (int)key_stage, .line = yamldoc_line(item)};
	if (parse_year(rd, from, "from_year", &s.from_year) < 0 ||
	    (to && parse_year(rd, to, "to_year", &s.to_year) < 0))
		return;
	if (to && s.to_year < s.from_year) {
		ERR(rd, to, "to_year %u is before from_year %u", s.to_year, s.from_year);
		return;
	}
	const char *source = yamldoc_text(&rd->d, yamldoc_get(&rd->d, item, "source"), item,
					  "a standard's source (the published definition it follows)");
	if (!source)
		return;
	if (!att && !prog) {
		ERR(rd, item, "a standard needs attainment, progress or both");
		return;
	}
	if (att) {
		if (parse_standard_condition(rd, att, s.key_stage, &s.attainment) < 0)
			return;
		s.has_attainment = true;
	}
	if (prog && parse_standard_progress(rd, prog, &s) < 0)
		return;
	struct facts_standard *row = new_standard(rd, t, table, item);
	if (!row)
		return;
	*row = s;
	row->source = arena_strdup(&rd->p->arena, source);
}

/* Rows of one key stage run in order of from_year; one without to_year lasts until the
 * next starts (or for good), and two may not cover the same year. */
static void settle_standard_years(struct reader *rd, struct facts_standards *t, const char *table)
{
	char words[32];   /* "floor standards" */
	snprintf(words, sizeof words, "%s", table);
	for (char *c = words; *c; c++)
		if (*c == '_')
			*c = ' ';
	for (size_t i = 0; i < t->count; i++) {
		struct facts_standard *s = &t->rows[i];
		const struct facts_standard *next = NULL;
		for (size_t j = i + 1; j < t->count && !next; j++)
			if (t->rows[j].key_stage == s->key_stage)
				next = &t->rows[j];
		if (next && next->from_year <= s->from_year) {
			policy_report_add(rd->r, false, next->line,
					  "%s must be in order of from_year (key stage %d: %u after "
					  "%u)", words, s->key_stage, next->from_year, s->from_year);
			return;
		}
		if (s->to_year == OPEN_ENDED)
			s->to_year = next ? next->from_year - 1 : 9999;
		else if (next && s->to_year >= next->from_year) {
			policy_report_add(rd->r, false, next->line,
					  "%s: key stage %d in %u is covered twice (the row at line "
					  "%d runs to %u)", words, s->key_stage, next->from_year,
					  s->line, s->to_year);
			return;
		}
	}
}

static void parse_standards(struct reader *rd, yaml_node_t *n, const char *table,
			    struct facts_standards *t, bool allow_2013_form)
{
	if (!yamldoc_is_seq(n)) {
		ERR(rd, n, "%s must be a list", table);
		return;
	}
	for (int i = 0; i < yamldoc_seq_len(n); i++) {
		yaml_node_t *item = yamldoc_seq_item(&rd->d, n, i);
		if (!yamldoc_is_map(item))
			ERR(rd, item, "a row of %s must be a mapping", table);
		else if (allow_2013_form && !yamldoc_get(&rd->d, item, "key_stage") &&
			 yamldoc_get(&rd->d, item, "expected_standard_pct"))
			parse_standard_2013(rd, t, table, item);
		else
			parse_standard(rd, t, table, item);
	}
	settle_standard_years(rd, t, table);
}

static void parse_monitoring(struct reader *rd, yaml_node_t *n)
{
	static const char *const keys[] = {"half_terms", "return_due_days", NULL};
	if (!yamldoc_is_map(n) || yamldoc_check_keys(&rd->d, n, "monitoring", keys) < 0) {
		if (!yamldoc_is_map(n))
			ERR(rd, n, "monitoring must be a mapping");
		return;
	}
	struct facts_calendar *cal = &rd->p->params.calendar;
	yaml_node_t *hts = yamldoc_get(&rd->d, n, "half_terms");
	if (hts) {
		if (!yamldoc_is_seq(hts) || yamldoc_seq_len(hts) != FACTS_HALF_TERMS) {
			ERR(rd, hts, "half_terms lists the %d half-term start dates as MM-DD",
			    FACTS_HALF_TERMS);
			return;
		}
		for (int i = 0; i < FACTS_HALF_TERMS; i++) {
			yaml_node_t *item = yamldoc_seq_item(&rd->d, hts, i);
			const char *s = yamldoc_scalar(item);
			int m, d;
			char end;
			if (!s || sscanf(s, "%2d-%2d%c", &m, &d, &end) != 2 ||
			    !date_valid_ymd(2012 /* a leap year: 02-29 allowed */, m, d)) {
				ERR(rd, item, "half-term start '%s' is not a date as MM-DD",
				    s ? s : "?");
				return;
			}
			cal->half_term_start[i][0] = m;
			cal->half_term_start[i][1] = d;
		}
		/* as policy_check() does, but on the line that is out of order */
		for (unsigned h = 2; h <= FACTS_HALF_TERMS; h++)
			if (facts_half_term_start(cal, 2014, h) <=
			    facts_half_term_start(cal, 2014, h - 1)) {
				ERR(rd, yamldoc_seq_item(&rd->d, hts, (int)h - 1),
				    "monitoring: half-term %u does not start after half-term %u "
				    "(starts run from September to July)",
				    h, h - 1);
				return;
			}
	}
	yaml_node_t *due = yamldoc_get(&rd->d, n, "return_due_days");
	double days;
	if (due && expect_number(rd, due, "return_due_days", 0, 60, &days) == 0)
		cal->return_due_days = (int)days;
}

/* Norfolk's half-terms as they usually fall; a policy file states its own. */
static const int default_half_terms[FACTS_HALF_TERMS][2] = {{9, 1},  {11, 1}, {1, 1},
							    {2, 22}, {4, 15}, {6, 1}};

static void parse_document(struct reader *rd, yaml_node_t *root)
{
	static const char *const keys[] = {"name",       "version",    "description",
					   "floor_standards", "coasting_standards", "monitoring",
					   "categories", "rules",      NULL};
	struct policy *p = rd->p;
	memcpy(p->params.calendar.half_term_start, default_half_terms, sizeof default_half_terms);
	p->params.calendar.return_due_days = 21;
	if (!yamldoc_is_map(root)) {
		ERR(rd, root, "a policy is a mapping (name, version, categories, rules, ...)");
		return;
	}
	yamldoc_check_keys(&rd->d, root, "the policy", keys);
	const char *name = expect_text(rd, yamldoc_get(&rd->d, root, "name") ? yamldoc_get(&rd->d, root, "name") : root,
				       "the policy's name");
	const char *version = expect_text(rd, yamldoc_get(&rd->d, root, "version") ? yamldoc_get(&rd->d, root, "version")
								       : root,
					  "the policy's version");
	const char *desc = yamldoc_scalar(yamldoc_get(&rd->d, root, "description"));
	p->name = arena_strdup(&p->arena, name ? name : "");
	p->version = arena_strdup(&p->arena, version ? version : "");
	p->description = arena_strdup(&p->arena, desc ? desc : "");
	if (yamldoc_get(&rd->d, root, "floor_standards"))
		parse_standards(rd, yamldoc_get(&rd->d, root, "floor_standards"), "floor_standards",
				&p->params.floors, true);
	if (yamldoc_get(&rd->d, root, "coasting_standards"))
		parse_standards(rd, yamldoc_get(&rd->d, root, "coasting_standards"),
				"coasting_standards", &p->params.coasting, false);
	if (yamldoc_get(&rd->d, root, "monitoring"))
		parse_monitoring(rd, yamldoc_get(&rd->d, root, "monitoring"));
	if (!yamldoc_get(&rd->d, root, "categories"))
		ERR(rd, root, "the policy has no categories");
	else
		parse_categories(rd, yamldoc_get(&rd->d, root, "categories"));
	if (!yamldoc_get(&rd->d, root, "rules"))
		ERR(rd, root, "the policy has no rules");
	else
		parse_rules(rd, yamldoc_get(&rd->d, root, "rules"));
}

int policy_yaml_parse(struct policy *p, const char *text, size_t len, struct policy_report *r)
{
	struct reader rd = {.d = {.report = reader_report, .ctx = r}, .p = p, .r = r};
	yaml_node_t *root;
	if (yamldoc_load(&rd.d, text, len, &root) == 0) {
		if (!root)
			policy_report_add(r, false, 0, "the policy file is empty");
		else
			parse_document(&rd, root);
	}
	yamldoc_free(&rd.d);
	if (r->errors == 0)
		policy_check(p, r);
	return r->errors ? -1 : 0;
}
