/* policy_yaml: a categorisation policy from YAML (see policy_yaml.h). libyaml loads the
 * whole document into a node tree that keeps each node's line; this module walks it,
 * refusing unknown keys (a typo must not silently weaken a rule) and values out of range. */
#include "policy_yaml.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>
#include <stdio.h>

#include "date.h"

struct reader {
	yaml_document_t *doc;
	struct policy *p;
	struct policy_report *r;
	size_t node_cap;
};

#define ERR(rd, node, ...) policy_report_add((rd)->r, false, line_of(node), __VA_ARGS__)

static int line_of(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

static yaml_node_t *node_at(struct reader *rd, int index)
{
	return yaml_document_get_node(rd->doc, index);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *expect_text(struct reader *rd, const yaml_node_t *n, const char *what)
{
	const char *s = scalar(n);
	if (!s || !*s) {
		ERR(rd, n, "%s must be a non-empty text", what);
		return NULL;
	}
	return s;
}

static int parse_number(const char *s, double *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int expect_number(struct reader *rd, const yaml_node_t *n, const char *what, double min,
			 double max, double *out)
{
	if (parse_number(scalar(n), out) < 0) {
		ERR(rd, n, "%s must be a number", what);
		return -1;
	}
	if (*out < min || *out > max) {
		ERR(rd, n, "%s is %g, out of range (%g to %g)", what, *out, min, max);
		return -1;
	}
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	if (!s)
		return -1;
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(s, "false") || !strcasecmp(s, "no")) {
		*out = false;
		return 0;
	}
	return -1;
}

/* Checks that every key of a mapping is one of `allowed` (NULL-terminated). */
static int check_keys(struct reader *rd, yaml_node_t *map, const char *what,
		      const char *const *allowed)
{
	int bad = 0;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = node_at(rd, pr->key);
		const char *key = scalar(k);
		bool ok = false;
		for (int i = 0; key && allowed[i] && !ok; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok) {
			ERR(rd, k, "unknown key '%s' in %s", key ? key : "?", what);
			bad = -1;
		}
	}
	return bad;
}

static yaml_node_t *get(struct reader *rd, yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
	     pr++) {
		const char *k = scalar(node_at(rd, pr->key));
		if (k && strcmp(k, key) == 0)
			return node_at(rd, pr->value);
	}
	return NULL;
}

static bool is_map(const yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

static bool is_seq(const yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE;
}

static int seq_len(const yaml_node_t *n)
{
	return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *seq_item(struct reader *rd, const yaml_node_t *n, int i)
{
	return node_at(rd, n->data.sequence.items.start[i]);
}

/* A list of texts (activities). */
static int parse_texts(struct reader *rd, yaml_node_t *n, const char *what, const char ***out,
		       int *count)
{
	if (!is_seq(n)) {
		ERR(rd, n, "%s must be a list of texts", what);
		return -1;
	}
	int len = seq_len(n);
	const char **items = arena_zalloc(&rd->p->arena, sizeof *items * (size_t)(len + 1));
	for (int i = 0; i < len; i++) {
		const char *s = expect_text(rd, seq_item(rd, n, i), what);
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
	n->line = line_of(at);
	return p->node_count++;
}

/* The one operator key of a comparison or count mapping. */
static int find_op(struct reader *rd, yaml_node_t *map, enum policy_op *op, yaml_node_t **value)
{
	int found = 0;
	for (int i = 0; i < OP_KEY_COUNT; i++) {
		yaml_node_t *v = get(rd, map, op_keys[i].key);
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
	const char *s = scalar(n);
	bool b;
	int e;
	switch (d->type) {
	case FACT_TYPE_BOOL:
		if (parse_bool(s, &b) < 0) {
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
	if (check_keys(rd, n, "a comparison", keys) < 0)
		return -1;
	yaml_node_t *fn = get(rd, n, "fact");
	const char *name = scalar(fn);
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
		if (!is_seq(v) || seq_len(v) == 0 || seq_len(v) > POLICY_MAX_IN) {
			ERR(rd, v, "'in' takes a list of 1 to %d values", POLICY_MAX_IN);
			return -1;
		}
		for (int i = 0; i < seq_len(v); i++)
			if (parse_fact_value(rd, fact, seq_item(rd, v, i), &node->values[i]) < 0)
				return -1;
		node->value_count = seq_len(v);
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
	if (check_keys(rd, n, "a count", keys) < 0)
		return -1;
	yaml_node_t *c = get(rd, n, "count");
	if (!is_map(c)) {
		ERR(rd, c, "count takes a mapping with years and where");
		return -1;
	}
	if (check_keys(rd, c, "count", count_keys) < 0)
		return -1;
	double years;
	if (expect_number(rd, get(rd, c, "years") ? get(rd, c, "years") : c, "count: years", 1,
			  FACTS_MAX_YEARS, &years) < 0)
		return -1;
	if (years != floor(years)) {
		ERR(rd, get(rd, c, "years"), "count: years must be a whole number");
		return -1;
	}
	yaml_node_t *where = get(rd, c, "where");
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
	yaml_node_t *list = get(rd, n, key);
	if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1) {
		ERR(rd, n, "'%s' stands alone in its mapping", key);
		return -1;
	}
	if (!is_seq(list) || seq_len(list) == 0) {
		ERR(rd, list, "'%s' takes a non-empty list of conditions", key);
		return -1;
	}
	int len = seq_len(list);
	int *children = arena_alloc(&rd->p->arena, sizeof(int) * (size_t)len);
	for (int i = 0; i < len; i++)
		if ((children[i] = parse_condition(rd, seq_item(rd, list, i), in_count)) < 0)
			return -1;
	int index = new_node(rd, strcmp(key, "all") == 0 ? POLICY_ALL : POLICY_ANY, n);
	rd->p->nodes[index].children = children;
	rd->p->nodes[index].child_count = len;
	return index;
}

static int parse_condition(struct reader *rd, yaml_node_t *n, bool in_count)
{
	const char *s = scalar(n);
	if (s && strcmp(s, "always") == 0)
		return new_node(rd, POLICY_ALWAYS, n);
	if (!is_map(n)) {
		ERR(rd, n, "a condition is 'always' or a mapping (all, any, not, fact, count)");
		return -1;
	}
	if (get(rd, n, "all"))
		return parse_group(rd, n, "all", in_count);
	if (get(rd, n, "any"))
		return parse_group(rd, n, "any", in_count);
	if (get(rd, n, "not")) {
		if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1) {
			ERR(rd, n, "'not' stands alone in its mapping");
			return -1;
		}
		int child = parse_condition(rd, get(rd, n, "not"), in_count);
		if (child < 0)
			return -1;
		int index = new_node(rd, POLICY_NOT, n);
		rd->p->nodes[index].children = arena_alloc(&rd->p->arena, sizeof(int));
		rd->p->nodes[index].children[0] = child;
		rd->p->nodes[index].child_count = 1;
		return index;
	}
	if (get(rd, n, "count")) {
		if (in_count) {
			ERR(rd, n, "a count cannot be inside another count");
			return -1;
		}
		return parse_count(rd, n);
	}
	if (get(rd, n, "fact"))
		return parse_compare(rd, n, in_count);
	const char *first = n->data.mapping.pairs.start < n->data.mapping.pairs.top
				    ? scalar(node_at(rd, n->data.mapping.pairs.start->key))
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
	if (!is_map(n)) {
		ERR(rd, n, "categories must be a mapping from letter to category");
		return;
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = node_at(rd, pr->key), *v = node_at(rd, pr->value);
		const char *letter = scalar(k);
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
		if (!is_map(v) || check_keys(rd, v, "a category", keys) < 0) {
			if (!is_map(v))
				ERR(rd, v, "category %s must be a mapping", letter);
			continue;
		}
		struct policy_category *c = &rd->p->categories[rd->p->category_count++];
		c->letter[0] = letter[0];
		c->line = line_of(k);
		const char *name = expect_text(rd, get(rd, v, "name") ? get(rd, v, "name") : v,
					       "a category's name");
		c->name = arena_strdup(&rd->p->arena, name ? name : "");
		const char *meaning = scalar(get(rd, v, "meaning"));
		c->meaning = arena_strdup(&rd->p->arena, meaning ? meaning : "");
		yaml_node_t *acts = get(rd, v, "activities");
		if (acts && !(scalar(acts) && !*scalar(acts)))
			parse_texts(rd, acts, "activities", &c->activities, &c->activity_count);
		yaml_node_t *mon = get(rd, v, "half_termly_monitoring");
		if (mon && parse_bool(scalar(mon), &c->half_termly_monitoring) < 0)
			ERR(rd, mon, "half_termly_monitoring is true or false");
	}
}

static void parse_rules(struct reader *rd, yaml_node_t *n)
{
	static const char *const keys[] = {"id", "category", "description", "source", "activities",
					   "when", NULL};
	if (!is_seq(n)) {
		ERR(rd, n, "rules must be a list");
		return;
	}
	int len = seq_len(n);
	rd->p->rules = arena_zalloc(&rd->p->arena, sizeof *rd->p->rules * (size_t)(len ? len : 1));
	for (int i = 0; i < len; i++) {
		yaml_node_t *item = seq_item(rd, n, i);
		if (!is_map(item)) {
			ERR(rd, item, "a rule must be a mapping");
			continue;
		}
		if (check_keys(rd, item, "a rule", keys) < 0)
			continue;
		struct policy_rule *rule = &rd->p->rules[rd->p->rule_count];
		rule->line = line_of(item);
		const char *id = expect_text(rd, get(rd, item, "id") ? get(rd, item, "id") : item,
					     "a rule's id");
		const char *letter = scalar(get(rd, item, "category"));
		rule->category = letter ? policy_category_index(rd->p, letter) : -1;
		if (rule->category < 0) {
			ERR(rd, get(rd, item, "category") ? get(rd, item, "category") : item,
			    "rule '%s': category '%s' is not one of the policy's categories",
			    id ? id : "?", letter ? letter : "(missing)");
			continue;
		}
		const char *desc = scalar(get(rd, item, "description"));
		const char *source = scalar(get(rd, item, "source"));
		yaml_node_t *acts = get(rd, item, "activities");
		if (acts && parse_texts(rd, acts, "activities", &rule->activities,
					&rule->activity_count) < 0)
			continue;
		yaml_node_t *when = get(rd, item, "when");
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

static void parse_floors(struct reader *rd, yaml_node_t *n)
{
	static const char *const keys[] = {"from_year", "expected_standard_pct", "progress_below",
					   NULL};
	if (!is_seq(n)) {
		ERR(rd, n, "floor_standards must be a list");
		return;
	}
	struct facts_params *fp = &rd->p->params;
	for (int i = 0; i < seq_len(n); i++) {
		yaml_node_t *item = seq_item(rd, n, i);
		if (!is_map(item) || check_keys(rd, item, "a floor standard", keys) < 0) {
			if (!is_map(item))
				ERR(rd, item, "a floor standard must be a mapping");
			continue;
		}
		if (fp->floor_count == FACTS_MAX_FLOORS) {
			ERR(rd, item, "at most %d floor standards", FACTS_MAX_FLOORS);
			return;
		}
		struct facts_floor *f = &fp->floors[fp->floor_count];
		double year, pct, progress = 0;
		yaml_node_t *py = get(rd, item, "from_year"), *pp = get(rd, item, "expected_standard_pct");
		yaml_node_t *pb = get(rd, item, "progress_below");
		if (expect_number(rd, py ? py : item, "from_year", 1990, 2100, &year) < 0 ||
		    expect_number(rd, pp ? pp : item, "expected_standard_pct", 0, 100, &pct) < 0 ||
		    (pb && expect_number(rd, pb, "progress_below", -100, 100, &progress) < 0))
			continue;
		if (year != floor(year)) {
			ERR(rd, py, "from_year must be a whole year, not %g", year);
			continue;
		}
		if (fp->floor_count && fp->floors[fp->floor_count - 1].from_year >= year) {
			ERR(rd, item, "floor standards must be in order of from_year");
			continue;
		}
		f->from_year = (unsigned)year;
		f->expected_standard_pct = pct;
		f->progress_below = progress;
		fp->floor_count++;
	}
}

static void parse_monitoring(struct reader *rd, yaml_node_t *n)
{
	static const char *const keys[] = {"half_terms", "return_due_days", NULL};
	if (!is_map(n) || check_keys(rd, n, "monitoring", keys) < 0) {
		if (!is_map(n))
			ERR(rd, n, "monitoring must be a mapping");
		return;
	}
	struct facts_calendar *cal = &rd->p->params.calendar;
	yaml_node_t *hts = get(rd, n, "half_terms");
	if (hts) {
		if (!is_seq(hts) || seq_len(hts) != FACTS_HALF_TERMS) {
			ERR(rd, hts, "half_terms lists the %d half-term start dates as MM-DD",
			    FACTS_HALF_TERMS);
			return;
		}
		for (int i = 0; i < FACTS_HALF_TERMS; i++) {
			yaml_node_t *item = seq_item(rd, hts, i);
			const char *s = scalar(item);
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
				ERR(rd, seq_item(rd, hts, (int)h - 1),
				    "monitoring: half-term %u does not start after half-term %u "
				    "(starts run from September to July)",
				    h, h - 1);
				return;
			}
	}
	yaml_node_t *due = get(rd, n, "return_due_days");
	double days;
	if (due && expect_number(rd, due, "return_due_days", 0, 60, &days) == 0)
		cal->return_due_days = (int)days;
}

/* Norfolk's half-terms as they usually fall; a policy file states its own. */
static const int default_half_terms[FACTS_HALF_TERMS][2] = {{9, 1},  {11, 1}, {1, 1},
							    {2, 22}, {4, 15}, {6, 1}};

static void parse_document(struct reader *rd, yaml_node_t *root)
{
	static const char *const keys[] = {"name",       "version",   "description", "floor_standards",
					   "monitoring", "categories", "rules",      NULL};
	struct policy *p = rd->p;
	memcpy(p->params.calendar.half_term_start, default_half_terms, sizeof default_half_terms);
	p->params.calendar.return_due_days = 21;
	if (!is_map(root)) {
		ERR(rd, root, "a policy is a mapping (name, version, categories, rules, ...)");
		return;
	}
	check_keys(rd, root, "the policy", keys);
	const char *name = expect_text(rd, get(rd, root, "name") ? get(rd, root, "name") : root,
				       "the policy's name");
	const char *version = expect_text(rd, get(rd, root, "version") ? get(rd, root, "version")
								       : root,
					  "the policy's version");
	const char *desc = scalar(get(rd, root, "description"));
	p->name = arena_strdup(&p->arena, name ? name : "");
	p->version = arena_strdup(&p->arena, version ? version : "");
	p->description = arena_strdup(&p->arena, desc ? desc : "");
	if (get(rd, root, "floor_standards"))
		parse_floors(rd, get(rd, root, "floor_standards"));
	if (get(rd, root, "monitoring"))
		parse_monitoring(rd, get(rd, root, "monitoring"));
	if (!get(rd, root, "categories"))
		ERR(rd, root, "the policy has no categories");
	else
		parse_categories(rd, get(rd, root, "categories"));
	if (!get(rd, root, "rules"))
		ERR(rd, root, "the policy has no rules");
	else
		parse_rules(rd, get(rd, root, "rules"));
}

int policy_yaml_parse(struct policy *p, const char *text, size_t len, struct policy_report *r)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser)) {
		policy_report_add(r, false, 0, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		policy_report_add(r, false, (int)parser.problem_mark.line + 1, "YAML syntax: %s%s%s",
				  parser.problem ? parser.problem : "error",
				  parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		policy_report_add(r, false, 0, "the policy file is empty");
	} else {
		struct reader rd = {&doc, p, r, 0};
		parse_document(&rd, root);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (r->errors == 0)
		policy_check(p, r);
	return r->errors ? -1 : 0;
}
