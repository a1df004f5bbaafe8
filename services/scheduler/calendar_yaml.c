/* calendar_yaml: a school year from YAML (see calendar_yaml.h). libyaml loads the document
 * into a node tree that keeps each node's line; this module walks it, refusing unknown keys
 * (a misspelt `training_day` must not silently leave the INSET days out) and naming the
 * line of the first problem. The checks themselves are calendar.c's, so a file and a
 * calendar built in code are held to the same rules. */
#include "calendar_yaml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "yamldoc.h"

struct reader {
	struct yamldoc d;
	struct calendar *cal;
	struct status *st;
};

/* yamldoc's problems become the reader's status: the first one wins. */
static void reader_report(void *ctx, int line, const char *message)
{
	struct reader *rd = ctx;
	if (rd->st->code == STATUS_OK)
		status_fail(rd->st, STATUS_INVALID_ARGUMENT, "line %d: %s", line, message);
}

static int fail_at(struct reader *rd, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_at(struct reader *rd, const yaml_node_t *n, const char *fmt, ...)
{
	char message[sizeof rd->st->message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	return status_fail(rd->st, STATUS_INVALID_ARGUMENT, "line %d: %s", yamldoc_line(n),
			   message);
}

/* calendar.c's verdict, placed on the line of `n`. */
static int fail_with(struct reader *rd, const yaml_node_t *n, const struct status *why)
{
	return fail_at(rd, n, "%s", why->message);
}

/* An empty value (`training_days:` with nothing after it) stands for an empty list. */
static bool is_empty(const yaml_node_t *n)
{
	const char *s = yamldoc_scalar(n);
	return s && (!*s || !strcmp(s, "~") || !strcmp(s, "null"));
}

static int check_keys(struct reader *rd, yaml_node_t *map, const char *what,
		      const char *const *allowed)
{
	return yamldoc_check_keys(&rd->d, map, what, allowed) < 0 ? -STATUS_INVALID_ARGUMENT : 0;
}

/* A real date within the school year. */
static int read_date(struct reader *rd, yaml_node_t *n, const char *what, int *day)
{
	const char *s = yamldoc_scalar(n);
	if (!s || date_parse(s, day) < 0)
		return fail_at(rd, n, "%s '%s' is not a date (YYYY-MM-DD)", what,
			       s ? s : "(a list or mapping)");
	const struct calendar *cal = rd->cal;
	if (*day < cal->first_day || *day > cal->last_day) {
		char a[DATE_ISO_LEN], b[DATE_ISO_LEN];
		return fail_at(rd, n, "%s %s is outside the school year %d (%s to %s)", what, s,
			       cal->year, date_format(cal->first_day, a),
			       date_format(cal->last_day, b));
	}
	return 0;
}

/* A list of dates, or nothing. */
static int read_list(struct reader *rd, yaml_node_t *n, const char *what)
{
	if (yamldoc_is_seq(n) || is_empty(n))
		return 0;
	return fail_at(rd, n, "%s is a list of dates, as [2013-09-02, 2013-09-03]", what);
}

static bool has_day(const int *days, int count, int day)
{
	for (int i = 0; i < count; i++)
		if (days[i] == day)
			return true;
	return false;
}

/* Keeps a list of days ascending. */
static void insert_day(int *days, int *count, int day)
{
	int i = *count;
	for (; i > 0 && days[i - 1] > day; i--)
		days[i] = days[i - 1];
	days[i] = day;
	(*count)++;
}

static void remove_day(int *days, int *count, int day)
{
	for (int i = 0; i < *count; i++)
		if (days[i] == day) {
			memmove(&days[i], &days[i + 1], sizeof days[0] * (size_t)(*count - i - 1));
			(*count)--;
			return;
		}
}

static int read_bank_holidays(struct reader *rd, yaml_node_t *n)
{
	static const char *const keys[] = {"add", "remove", NULL};
	struct calendar *cal = rd->cal;
	if (!yamldoc_is_map(n))
		return fail_at(rd, n, "bank_holidays is a mapping: {add: [...], remove: [...]}");
	if (check_keys(rd, n, "bank_holidays", keys) < 0)
		return -STATUS_INVALID_ARGUMENT;
	yaml_node_t *add = yamldoc_get(&rd->d, n, "add"), *remove = yamldoc_get(&rd->d, n, "remove");
	if ((add && read_list(rd, add, "bank_holidays: add") < 0) ||
	    (remove && read_list(rd, remove, "bank_holidays: remove") < 0))
		return -STATUS_INVALID_ARGUMENT;

	/* what `remove` may name: a day the rules make a bank holiday (even one a one-off
	 * change already moved), or one of the one-offs; anything else is a mistake */
	int rule[CALENDAR_MAX_BANK_HOLIDAYS];
	int rule_count = calendar_bank_holidays(cal->first_day, cal->last_day, false, rule,
						CALENDAR_MAX_BANK_HOLIDAYS);
	int removed[CALENDAR_MAX_BANK_HOLIDAYS], removed_count = 0;
	for (int i = 0; yamldoc_is_seq(remove) && i < yamldoc_seq_len(remove); i++) {
		yaml_node_t *item = yamldoc_seq_item(&rd->d, remove, i);
		int day;
		char d[DATE_ISO_LEN];
		if (read_date(rd, item, "bank holiday", &day) < 0)
			return -STATUS_INVALID_ARGUMENT;
		if (!has_day(rule, rule_count, day) && !calendar_is_bank_holiday(cal, day))
			return fail_at(rd, item,
				       "%s is not a bank holiday, so it cannot be removed",
				       date_format(day, d));
		if (removed_count == CALENDAR_MAX_BANK_HOLIDAYS)
			return fail_at(rd, item, "too many bank holidays removed");
		removed[removed_count++] = day;
		remove_day(cal->bank_holidays, &cal->bank_holiday_count, day);
	}
	for (int i = 0; yamldoc_is_seq(add) && i < yamldoc_seq_len(add); i++) {
		yaml_node_t *item = yamldoc_seq_item(&rd->d, add, i);
		int day;
		char d[DATE_ISO_LEN];
		if (read_date(rd, item, "bank holiday", &day) < 0)
			return -STATUS_INVALID_ARGUMENT;
		if (calendar_weekday(day) >= CALENDAR_SATURDAY)
			return fail_at(rd, item,
				       "bank holiday %s is a %s: name the weekday it moves to",
				       date_format(day, d),
				       calendar_weekday(day) == CALENDAR_SATURDAY ? "Saturday"
										  : "Sunday");
		if (has_day(removed, removed_count, day))
			return fail_at(rd, item, "%s is both added and removed",
				       date_format(day, d));
		/* a one-off the library knows already may be stated again */
		if (calendar_is_bank_holiday(cal, day))
			continue;
		if (cal->bank_holiday_count == CALENDAR_MAX_BANK_HOLIDAYS)
			return fail_at(rd, item, "at most %d bank holidays in a year",
				       CALENDAR_MAX_BANK_HOLIDAYS);
		insert_day(cal->bank_holidays, &cal->bank_holiday_count, day);
	}
	return 0;
}

static int read_training_days(struct reader *rd, yaml_node_t *n)
{
	struct calendar *cal = rd->cal;
	if (read_list(rd, n, "training_days") < 0)
		return -STATUS_INVALID_ARGUMENT;
	for (int i = 0; yamldoc_is_seq(n) && i < yamldoc_seq_len(n); i++) {
		yaml_node_t *item = yamldoc_seq_item(&rd->d, n, i);
		int day;
		char d[DATE_ISO_LEN];
		if (read_date(rd, item, "training day", &day) < 0)
			return -STATUS_INVALID_ARGUMENT;
		if (calendar_weekday(day) >= CALENDAR_SATURDAY)
			return fail_at(rd, item, "training day %s is a %s", date_format(day, d),
				       calendar_weekday(day) == CALENDAR_SATURDAY ? "Saturday"
										  : "Sunday");
		if (calendar_is_bank_holiday(cal, day))
			return fail_at(rd, item, "training day %s is a bank holiday",
				       date_format(day, d));
		if (calendar_is_training_day(cal, day))
			return fail_at(rd, item, "training day %s is listed twice",
				       date_format(day, d));
		if (cal->training_day_count == CALENDAR_MAX_TRAINING_DAYS)
			return fail_at(rd, item, "at most %d training days",
				       CALENDAR_MAX_TRAINING_DAYS);
		insert_day(cal->training_days, &cal->training_day_count, day);
	}
	return 0;
}

static int read_half_terms(struct reader *rd, yaml_node_t *key, yaml_node_t *n)
{
	static const char *const keys[] = {"start", "end", NULL};
	struct calendar *cal = rd->cal;
	if (!yamldoc_is_seq(n) || yamldoc_seq_len(n) != CALENDAR_HALF_TERMS)
		return fail_at(rd, key, "half_terms lists the %d half-terms, each {start: "
				      "YYYY-MM-DD, end: YYYY-MM-DD}, in order (found %d)",
			       CALENDAR_HALF_TERMS, yamldoc_is_seq(n) ? yamldoc_seq_len(n) : 0);
	for (int h = 1; h <= CALENDAR_HALF_TERMS; h++) {
		yaml_node_t *item = yamldoc_seq_item(&rd->d, n, h - 1);
		char what[64];
		snprintf(what, sizeof what, "half-term %d (%s)", h, calendar_half_term_name(h));
		if (!yamldoc_is_map(item))
			return fail_at(rd, item, "%s is a mapping {start: ..., end: ...}", what);
		if (check_keys(rd, item, what, keys) < 0)
			return -STATUS_INVALID_ARGUMENT;
		yaml_node_t *sn = yamldoc_get(&rd->d, item, "start"), *en = yamldoc_get(&rd->d, item, "end");
		if (!sn || !en)
			return fail_at(rd, item, "%s has no %s", what, sn ? "end" : "start");
		struct calendar_half_term *ht = &cal->half_terms[h - 1];
		strcat(what, " start");
		if (read_date(rd, sn, what, &ht->start) < 0)
			return -STATUS_INVALID_ARGUMENT;
		strcpy(what + strlen(what) - strlen("start"), "end");
		if (read_date(rd, en, what, &ht->end) < 0)
			return -STATUS_INVALID_ARGUMENT;
		/* the line to blame: the date that is out of order, else the whole half-term */
		yaml_node_t *at = item;
		if (ht->end < ht->start)
			at = en;
		else if (h > 1 && ht->start <= cal->half_terms[h - 2].end)
			at = sn;
		struct status why;
		if (calendar_check_half_term(cal, h, &why) < 0)
			return fail_with(rd, at, &why);
	}
	return 0;
}

static int read_year(struct reader *rd, yaml_node_t *n)
{
	const char *s = yamldoc_scalar(n);
	char *end;
	errno = 0;
	long year = s && *s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || errno || *end)
		return fail_at(rd, n, "year is the calendar year the school year ends in, as 2014 "
				      "for 2013/14");
	if (year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR)
		return fail_at(rd, n, "the school year %s is out of range (%d to %d)", s,
			       CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
	struct status why;
	if (calendar_init(rd->cal, (int)year, &why) < 0)
		return fail_with(rd, n, &why);
	return 0;
}

static int read_document(struct reader *rd, yaml_node_t *root)
{
	static const char *const keys[] = {"year", "name", "half_terms", "training_days",
					   "bank_holidays", NULL};
	if (!yamldoc_is_map(root))
		return fail_at(rd, root, "a calendar is a mapping (year, half_terms, ...)");
	if (check_keys(rd, root, "the calendar", keys) < 0)
		return -STATUS_INVALID_ARGUMENT;
	yaml_node_t *year = yamldoc_get(&rd->d, root, "year"), *half_terms = yamldoc_get(&rd->d, root, "half_terms");
	if (!year)
		return fail_at(rd, root, "the calendar has no year");
	if (!half_terms)
		return fail_at(rd, root, "the calendar has no half_terms");
	if (read_year(rd, year) < 0)
		return -STATUS_INVALID_ARGUMENT;
	yaml_node_t *name = yamldoc_get(&rd->d, root, "name");
	if (name) {
		const char *s = yamldoc_scalar(name);
		if (!s || !*s || strlen(s) >= sizeof rd->cal->name)
			return fail_at(rd, name, "name is a text of 1 to %d characters",
				       (int)sizeof rd->cal->name - 1);
		strcpy(rd->cal->name, s);
	}
	/* bank holidays first: a training day may not be one, and half-terms need school days */
	yaml_node_t *bank = yamldoc_get(&rd->d, root, "bank_holidays");
	yaml_node_t *training = yamldoc_get(&rd->d, root, "training_days");
	if ((bank && read_bank_holidays(rd, bank) < 0) ||
	    (training && read_training_days(rd, training) < 0))
		return -STATUS_INVALID_ARGUMENT;
	return read_half_terms(rd, yamldoc_get_key(&rd->d, root, "half_terms"), half_terms);
}

int calendar_yaml_parse(struct calendar *cal, const char *text, size_t len, struct status *st)
{
	memset(cal, 0, sizeof *cal);
	status_clear(st);
	struct reader rd = {.cal = cal, .st = st};
	rd.d.report = reader_report;
	rd.d.ctx = &rd;
	yaml_node_t *root;
	int rc = yamldoc_load(&rd.d, text, len, &root) < 0 ? -STATUS_INVALID_ARGUMENT : 0;
	if (rc == 0 && !root)
		rc = status_fail(st, STATUS_INVALID_ARGUMENT, "the calendar file is empty");
	else if (rc == 0)
		rc = read_document(&rd, root);
	yamldoc_free(&rd.d);
	/* everything was checked on its line; this is the safety net */
	if (rc == 0)
		rc = calendar_check(cal, st);
	return rc;
}

static const struct {
	int year;
	const char *text;
	const size_t *len;
} builtin[] = {
	{2014, calendar_yaml_norfolk_2014, &calendar_yaml_norfolk_2014_len},
};

int calendar_yaml_builtin(struct calendar *cal, int year, struct status *st)
{
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (builtin[i].year == year)
			return calendar_yaml_parse(cal, builtin[i].text, *builtin[i].len, st);
	return calendar_norfolk(cal, year, st);
}
