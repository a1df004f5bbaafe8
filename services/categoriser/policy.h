/* policy: the categorisation policy as data — the categories (A-F, what each means and
 * the LA activities it triggers) and an ordered list of rules over the facts, the first
 * that holds deciding a school's category. A rule's condition is a tree: all / any / not,
 * comparisons of a fact with a value, and counts over the last years of achievement.
 * policy_yaml.c reads one from a YAML file; this module checks it, evaluates it and
 * explains a decision in plain words. Pure: no I/O. */
#ifndef N2GG_POLICY_H
#define N2GG_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "facts.h"

enum policy_op { POLICY_IS, POLICY_IS_NOT, POLICY_AT_LEAST, POLICY_AT_MOST, POLICY_ABOVE,
		 POLICY_BELOW, POLICY_IN };

enum policy_node_kind { POLICY_ALWAYS, POLICY_ALL, POLICY_ANY, POLICY_NOT, POLICY_COMPARE,
			POLICY_COUNT };

#define POLICY_MAX_IN 12

struct policy_node {
	enum policy_node_kind kind;
	int line;
	/* all / any / not: children[0..child_count) */
	int *children;
	int child_count;
	/* compare: fact op values; count: years where(children[0]) op values[0] */
	enum fact_id fact;
	enum policy_op op;
	double values[POLICY_MAX_IN];
	int value_count;
	int years;
};

struct policy_category {
	char letter[2];
	const char *name;
	const char *meaning;
	const char **activities;
	int activity_count;
	bool half_termly_monitoring;
	int line;
};

struct policy_rule {
	const char *id;
	int category;          /* index into categories */
	const char *description;
	const char *source;    /* where the rule comes from */
	const char **activities;   /* when set, these instead of the category's */
	int activity_count;
	int root;              /* node index */
	int line;
};

#define POLICY_MAX_CATEGORIES 8

struct policy {
	struct arena arena;    /* everything below lives here */
	const char *name;
	const char *version;
	const char *description;
	struct facts_params params;
	struct policy_category categories[POLICY_MAX_CATEGORIES];
	int category_count;
	struct policy_rule *rules;
	int rule_count;
	struct policy_node *nodes;
	int node_count;
};

/* Problems found while reading or checking a policy: errors refuse it, warnings do not. */
struct policy_problem {
	int line;              /* 1-based; 0 when not about one line */
	bool warning;
	char message[256];
};
#define POLICY_MAX_PROBLEMS 32
struct policy_report {
	struct policy_problem problems[POLICY_MAX_PROBLEMS];
	int count;
	int errors;
};

void policy_report_add(struct policy_report *r, bool warning, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void policy_init(struct policy *p);
void policy_free(struct policy *p);

/* Checks a policy built by a reader: the rule set as a whole (a category no rule reaches,
 * a rule after one that always holds, no floor standard, a coasting fact with no coasting
 * standard, calendar). Returns the number of errors added. */
int policy_check(const struct policy *p, struct policy_report *r);

/* The index of the first rule that holds for these facts, or -1 when none does. */
int policy_decide(const struct policy *p, const struct facts *f);

/* The category index `rule` places a school in, and its activities. */
const struct policy_category *policy_rule_category(const struct policy *p, int rule);
void policy_rule_activities(const struct policy *p, int rule, const char *const **activities,
			    int *count);
/* The category with this letter, or -1. */
int policy_category_index(const struct policy *p, const char *letter);

/* One row of a rule's explanation: a condition (a comparison or a count) with the
 * school's value, or, in the structured form, a group (all / any / not) with whether it
 * held. Rows come in pre-order, a group before its members, each at its depth (0: the
 * rule's `when`). */
struct policy_reason {
	char fact[48];
	char value[160];
	/* room for a count over a compound condition (la-2019's are about 300 bytes) */
	char condition[512];
	bool holds;
	char text[832];
	int depth;
	char group[4];         /* "all", "any", "not"; "" for a condition */
};
#define POLICY_MAX_REASONS 48

/* Explains how rule `rule` evaluates for these facts: every comparison and count in it,
 * with the school's value and whether it held (under a `not`, worded and judged as the
 * negation). Returns the number of reasons written. */
int policy_explain(const struct policy *p, int rule, const struct facts *f,
		   struct policy_reason *out, int max);

/* As policy_explain(), with a row for each group too, so the rule's structure shows: why
 * a condition that was met did not decide (an `all` with another condition unmet). Group
 * rows have no fact, value, condition or text. Every row says what holds of its own node:
 * the members of a `not` are worded and judged as they are, the `not` row above them
 * saying that the rule asks the opposite. */
int policy_explain_structure(const struct policy *p, int rule, const struct facts *f,
			     struct policy_reason *out, int max);

#endif
