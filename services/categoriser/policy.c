/* policy: checking, evaluating and explaining a categorisation policy (see policy.h). */
#include "policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

void policy_report_add(struct policy_report *r, bool warning, int line, const char *fmt, ...)
{
	if (!warning)
		r->errors++;
	if (r->count == POLICY_MAX_PROBLEMS)
		return;
	struct policy_problem *pr = &r->problems[r->count++];
	pr->line = line;
	pr->warning = warning;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pr->message, sizeof pr->message, fmt, ap);
	va_end(ap);
	utf8_repair(pr->message);   /* CheckPolicy replies carry it in a proto3 string */
}

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof *p);
	arena_init(&p->arena);
}

void policy_free(struct policy *p)
{
	arena_free(&p->arena);
	memset(p, 0, sizeof *p);
}

/* ---- checking ---- */

static void policy_check_calendar(const struct policy *p, struct policy_report *r)
{
	const struct facts_calendar *cal = &p->params.calendar;
	for (unsigned h = 2; h <= FACTS_HALF_TERMS; h++)
		if (facts_half_term_start(cal, 2014, h) <= facts_half_term_start(cal, 2014, h - 1))
			policy_report_add(r, false, 0,
					  "monitoring: half-term %u does not start after half-term %u "
					  "(starts run from September to July)",
					  h, h - 1);
	if (cal->return_due_days < 0 || cal->return_due_days > 60)
		policy_report_add(r, false, 0,
				  "monitoring: return_due_days must be between 0 and 60, not %d",
				  cal->return_due_days);
}

int policy_check(const struct policy *p, struct policy_report *r)
{
	int errors_before = r->errors;
	if (p->rule_count == 0)
		policy_report_add(r, false, 0, "the policy has no rules");
	if (p->params.floors.count == 0)
		policy_report_add(r, true, 0,
				  "no floor standards: year.below_floor is unknown for every year");
	if (p->params.coasting.count == 0)
		for (int i = 0; i < p->node_count; i++)
			if (p->nodes[i].kind == POLICY_COMPARE &&
			    (p->nodes[i].fact == FACT_YEAR_BELOW_COASTING ||
			     p->nodes[i].fact == FACT_YEAR_COASTING)) {
				policy_report_add(r, true, p->nodes[i].line,
						  "no coasting standards: %s is unknown for every year",
						  facts_defs[p->nodes[i].fact].name);
				break;
			}
	policy_check_calendar(p, r);
	for (int i = 0; i < p->rule_count; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(p->rules[i].id, p->rules[j].id) == 0)
				policy_report_add(r, false, p->rules[i].line,
						  "rule id '%s' is used twice (first at line %d)",
						  p->rules[i].id, p->rules[j].line);
	int always = -1;
	for (int i = 0; i < p->rule_count; i++) {
		if (always >= 0) {
			policy_report_add(r, true, p->rules[i].line,
					  "rule '%s' can never apply: rule '%s' before it always holds",
					  p->rules[i].id, p->rules[always].id);
			continue;
		}
		if (p->nodes[p->rules[i].root].kind == POLICY_ALWAYS)
			always = i;
	}
	for (int c = 0; c < p->category_count; c++) {
		bool reached = false;
		for (int i = 0; i < p->rule_count && !reached; i++)
			reached = p->rules[i].category == c;
		if (!reached)
			policy_report_add(r, true, p->categories[c].line,
					  "no rule places a school in category %s",
					  p->categories[c].letter);
	}
	return r->errors - errors_before;
}

/* ---- evaluating ---- */

static bool policy_compare(double v, enum policy_op op, const double *values, int count)
{
	switch (op) {
	case POLICY_IS:
		return v == values[0];
	case POLICY_IS_NOT:
		return v != values[0];
	case POLICY_AT_LEAST:
		return v >= values[0];
	case POLICY_AT_MOST:
		return v <= values[0];
	case POLICY_ABOVE:
		return v > values[0];
	case POLICY_BELOW:
		return v < values[0];
	case POLICY_IN:
		for (int i = 0; i < count; i++)
			if (v == values[i])
				return true;
		return false;
	}
	return false;
}

static bool policy_eval(const struct policy *p, int node, const struct facts *f, int year);

static int policy_count_years(const struct policy *p, const struct policy_node *n,
			      const struct facts *f)
{
	int count = 0;
	for (int y = 0; y < n->years; y++)
		count += policy_eval(p, n->children[0], f, y);
	return count;
}

/* `year` is the year index inside a count (-1 outside one). An unknown fact fails every
 * comparison, "is not" included: the rule cannot tell, so it does not hold. */
static bool policy_eval(const struct policy *p, int node, const struct facts *f, int year)
{
	const struct policy_node *n = &p->nodes[node];
	switch (n->kind) {
	case POLICY_ALWAYS:
		return true;
	case POLICY_ALL:
		for (int i = 0; i < n->child_count; i++)
			if (!policy_eval(p, n->children[i], f, year))
				return false;
		return true;
	case POLICY_ANY:
		for (int i = 0; i < n->child_count; i++)
			if (policy_eval(p, n->children[i], f, year))
				return true;
		return false;
	case POLICY_NOT:
		return !policy_eval(p, n->children[0], f, year);
	case POLICY_COMPARE: {
		struct fact_value v = facts_get(f, n->fact, year);
		return v.known && policy_compare(v.v, n->op, n->values, n->value_count);
	}
	case POLICY_COUNT:
		return policy_compare(policy_count_years(p, n, f), n->op, n->values, 1);
	}
	return false;
}

int policy_decide(const struct policy *p, const struct facts *f)
{
	for (int i = 0; i < p->rule_count; i++)
		if (policy_eval(p, p->rules[i].root, f, -1))
			return i;
	return -1;
}

const struct policy_category *policy_rule_category(const struct policy *p, int rule)
{
	return &p->categories[p->rules[rule].category];
}

void policy_rule_activities(const struct policy *p, int rule, const char *const **activities,
			    int *count)
{
	const struct policy_rule *r = &p->rules[rule];
	if (r->activities) {
		*activities = r->activities;
		*count = r->activity_count;
	} else {
		*activities = p->categories[r->category].activities;
		*count = p->categories[r->category].activity_count;
	}
}

int policy_category_index(const struct policy *p, const char *letter)
{
	for (int i = 0; i < p->category_count; i++)
		if (strcmp(p->categories[i].letter, letter) == 0)
			return i;
	return -1;
}

/* ---- explaining ---- */

static const char *const op_words[] = {
	[POLICY_IS] = "is",         [POLICY_IS_NOT] = "is not",  [POLICY_AT_LEAST] = "is at least",
	[POLICY_AT_MOST] = "is at most", [POLICY_ABOVE] = "is above", [POLICY_BELOW] = "is below",
	[POLICY_IN] = "is one of"};

struct policy_text {
	char *buf;
	size_t size, len;
};

static void text_add(struct policy_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void text_add(struct policy_text *t, const char *fmt, ...)
{
	if (t->len >= t->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= t->size)
		t->len = t->size - 1;
}

static void policy_describe(const struct policy *p, int node, struct policy_text *t);

static void policy_describe_compare(const struct policy_node *n, struct policy_text *t,
				    bool with_label)
{
	if (with_label)
		text_add(t, "%s ", facts_defs[n->fact].label);
	text_add(t, "%s ", op_words[n->op]);
	for (int i = 0; i < n->value_count; i++) {
		char v[64];
		struct fact_value threshold = {.known = true, .v = n->values[i]};
		facts_format(n->fact, threshold, v, sizeof v);
		text_add(t, "%s%s", i ? (i + 1 == n->value_count ? " or " : ", ") : "", v);
	}
}

static void policy_describe_count(const struct policy *p, const struct policy_node *n,
				  struct policy_text *t)
{
	static const char *const count_words[] = {
		[POLICY_IS] = "exactly", [POLICY_IS_NOT] = "other than", [POLICY_AT_LEAST] = "at least",
		[POLICY_AT_MOST] = "at most", [POLICY_ABOVE] = "more than", [POLICY_BELOW] = "fewer than",
		[POLICY_IN] = "exactly"};
	text_add(t, "%s %g of the last %d years: ", count_words[n->op], n->values[0], n->years);
	policy_describe(p, n->children[0], t);
}

static void policy_describe(const struct policy *p, int node, struct policy_text *t)
{
	const struct policy_node *n = &p->nodes[node];
	switch (n->kind) {
	case POLICY_ALWAYS:
		text_add(t, "always");
		break;
	case POLICY_ALL:
	case POLICY_ANY:
		text_add(t, "(");
		for (int i = 0; i < n->child_count; i++) {
			if (i)
				text_add(t, n->kind == POLICY_ALL ? " and " : " or ");
			policy_describe(p, n->children[i], t);
		}
		text_add(t, ")");
		break;
	case POLICY_NOT:
		text_add(t, "not ");
		policy_describe(p, n->children[0], t);
		break;
	case POLICY_COMPARE:
		policy_describe_compare(n, t, true);
		break;
	case POLICY_COUNT:
		policy_describe_count(p, n, t);
		break;
	}
}

struct policy_explainer {
	const struct policy *p;
	const struct facts *f;
	struct policy_reason *out;
	int max, count;
	bool groups;           /* the structured form: rows for all / any / not too */
};

static struct policy_reason *explainer_next(struct policy_explainer *e, int depth)
{
	if (e->count == e->max)
		return NULL;
	struct policy_reason *r = &e->out[e->count++];
	memset(r, 0, sizeof *r);
	r->depth = depth;
	return r;
}

static void explainer_sentence(struct policy_reason *r, const char *label)
{
	snprintf(r->text, sizeof r->text, "%s: %s; the rule asks: %s (%s)", label, r->value,
		 r->condition, r->holds ? "met" : "not met");
}

/* The years of a count whose fact is unknown because the DfE published a marker: "; not
 * known: 2019 suppressed (SUPP)". */
static void explainer_markers(struct policy_explainer *e, const struct policy_node *count,
			      struct policy_text *t)
{
	const struct policy_node *where = &e->p->nodes[count->children[0]];
	if (where->kind != POLICY_COMPARE)
		return;
	bool first = true;
	for (int y = 0; y < count->years; y++) {
		struct fact_value v = facts_get(e->f, where->fact, y);
		if (v.known || !v.marker[0])
			continue;
		char words[48];
		facts_marker_words(v.marker, words, sizeof words);
		text_add(t, "%s%u %s", first ? "; not known: " : ", ",
			 e->f->latest_year - (unsigned)y, words);
		first = false;
	}
}

static void policy_explain_node(struct policy_explainer *e, int node, bool negated, int depth)
{
	const struct policy_node *n = &e->p->nodes[node];
	struct policy_reason *r;
	char buf[sizeof e->out->condition];
	struct policy_text t = {buf, sizeof buf, 0};
	buf[0] = 0;
	switch (n->kind) {
	case POLICY_ALWAYS:
		if (!(r = explainer_next(e, depth)))
			return;
		snprintf(r->fact, sizeof r->fact, "always");
		snprintf(r->value, sizeof r->value, "-");
		snprintf(r->condition, sizeof r->condition, "nothing: it applies to every school");
		r->holds = !negated;
		snprintf(r->text, sizeof r->text, "no other rule applied; this one applies to every "
						  "school");
		return;
	case POLICY_ALL:
	case POLICY_ANY:
		if (e->groups) {
			if (!(r = explainer_next(e, depth)))
				return;
			snprintf(r->group, sizeof r->group, "%s", n->kind == POLICY_ALL ? "all" : "any");
			r->holds = policy_eval(e->p, node, e->f, -1);
		}
		for (int i = 0; i < n->child_count; i++)
			policy_explain_node(e, n->children[i], negated, e->groups ? depth + 1 : depth);
		return;
	case POLICY_NOT:
		if (e->groups) {
			/* the structure says "not": its member is shown as it is */
			if (!(r = explainer_next(e, depth)))
				return;
			snprintf(r->group, sizeof r->group, "not");
			r->holds = policy_eval(e->p, node, e->f, -1);
			policy_explain_node(e, n->children[0], false, depth + 1);
			return;
		}
		policy_explain_node(e, n->children[0], !negated, depth);
		return;
	case POLICY_COMPARE: {
		if (!(r = explainer_next(e, depth)))
			return;
		struct fact_value v = facts_get(e->f, n->fact, -1);
		snprintf(r->fact, sizeof r->fact, "%s", facts_defs[n->fact].name);
		facts_format(n->fact, v, r->value, sizeof r->value);
		if (negated)
			text_add(&t, "not: ");
		policy_describe_compare(n, &t, false);
		snprintf(r->condition, sizeof r->condition, "%s", buf);
		bool holds = v.known && policy_compare(v.v, n->op, n->values, n->value_count);
		r->holds = negated ? !holds : holds;
		explainer_sentence(r, facts_defs[n->fact].label);
		return;
	}
	case POLICY_COUNT: {
		if (!(r = explainer_next(e, depth)))
			return;
		const struct policy_node *where = &e->p->nodes[n->children[0]];
		const char *label = where->kind == POLICY_COMPARE ? facts_defs[where->fact].label
								  : "achievement";
		snprintf(r->fact, sizeof r->fact, "%s",
			 where->kind == POLICY_COMPARE ? facts_defs[where->fact].name : "achievement");
		int count = 0;
		char years[64] = "";
		struct policy_text yt = {years, sizeof years, 0};
		for (int y = 0; y < n->years; y++)
			if (policy_eval(e->p, n->children[0], e->f, y)) {
				text_add(&yt, "%s%u", count ? ", " : "", e->f->latest_year - (unsigned)y);
				count++;
			}
		struct policy_text vt = {r->value, sizeof r->value, 0};
		text_add(&vt, "%d of the last %d years%s%s%s", count, n->years, count ? " (" : "",
			 years, count ? ")" : "");
		explainer_markers(e, n, &vt);
		if (negated)
			text_add(&t, "not: ");
		policy_describe_count(e->p, n, &t);
		snprintf(r->condition, sizeof r->condition, "%s", buf);
		bool holds = policy_compare(count, n->op, n->values, 1);
		r->holds = negated ? !holds : holds;
		explainer_sentence(r, label);
		return;
	}
	}
}

int policy_explain(const struct policy *p, int rule, const struct facts *f,
		   struct policy_reason *out, int max)
{
	struct policy_explainer e = {p, f, out, max, 0, false};
	policy_explain_node(&e, p->rules[rule].root, false, 0);
	return e.count;
}

int policy_explain_structure(const struct policy *p, int rule, const struct facts *f,
			     struct policy_reason *out, int max)
{
	struct policy_explainer e = {p, f, out, max, 0, true};
	policy_explain_node(&e, p->rules[rule].root, false, 0);
	return e.count;
}
