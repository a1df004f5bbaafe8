/* mi_text: questionnaires and answers written as text (see mi_text.h). */
#include "mi_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mi.h"

/* Questions and answers are numbered well below this; more digits are not a number. */
#define MI_TEXT_NUMBER_MAX 9999

struct mi_text_line {
	const char *at;       /* the line without the spaces around it */
	size_t len;
	unsigned number;      /* its line number, from 1 */
	const char *next;     /* where the next line starts; NULL after the last */
};

static bool mi_text_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The line starting at l->next, trimmed; false after the last. */
static bool mi_text_next(struct mi_text_line *l)
{
	if (!l->next)
		return false;
	const char *start = l->next, *end = strchr(start, '\n');
	l->next = end ? end + 1 : NULL;
	if (!end)
		end = start + strlen(start);
	if (!end[0] && start == end && l->number > 0)
		return false;   /* the text ended with a new line */
	while (start < end && mi_text_space(*start))
		start++;
	while (end > start && mi_text_space(end[-1]))
		end--;
	l->at = start;
	l->len = (size_t)(end - start);
	l->number++;
	return true;
}

static bool mi_text_skipped(const struct mi_text_line *l)
{
	return l->len == 0 || l->at[0] == '#';
}

/* "12. text": the number, and where the text after the mark starts. A mark must be one of
 * `marks`; "." and ")" must be followed by a space (so "1.5 days" is not question 1). */
static bool mi_text_numbered(const struct mi_text_line *l, const char *marks, unsigned *number,
			     const char **rest)
{
	size_t digits = 0;
	unsigned n = 0;
	while (digits < l->len && l->at[digits] >= '0' && l->at[digits] <= '9') {
		n = n * 10 + (unsigned)(l->at[digits] - '0');
		if (++digits > 4)
			return false;
	}
	if (digits == 0 || digits >= l->len || !strchr(marks, l->at[digits]))
		return false;
	char mark = l->at[digits];
	const char *after = l->at + digits + 1, *end = l->at + l->len;
	if (mark != ':' && after < end && !mi_text_space(*after))
		return false;
	while (after < end && mi_text_space(*after))
		after++;
	*number = n;
	*rest = after;
	return n > 0 && n <= MI_TEXT_NUMBER_MAX;
}

/* prev, then sep, then the n bytes at s */
static char *mi_text_join(struct arena *a, const char *prev, const char *sep, const char *s,
			  size_t n)
{
	if (!prev || !prev[0])
		return arena_strndup(a, s, n);
	return arena_printf(a, "%s%s%.*s", prev, sep, (int)n, s);
}

/* "options: A | B": the options, each trimmed */
static int mi_text_options(const struct mi_text_line *l, N2gg__V1__MiQuestion *q,
			   struct arena *a, struct status *st)
{
	if (q->n_options)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "line %u: question %u has its options already", l->number,
				   q->number);
	const char *p = l->at + strlen("options:"), *end = l->at + l->len;
	size_t cap = 0;
	while (p <= end) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		const char *stop = bar ? bar : end, *s = p;
		while (s < stop && mi_text_space(*s))
			s++;
		const char *e = stop;
		while (e > s && mi_text_space(e[-1]))
			e--;
		q->options = arena_grow(a, q->options, q->n_options, &cap, sizeof *q->options);
		q->options[q->n_options++] = arena_strndup(a, s, (size_t)(e - s));
		p = stop + 1;
	}
	return 0;
}

/* Calls `line` for every line that is neither blank nor a comment, with the number it
 * starts with (and one of `marks`) and the text after it, or number 0 and the whole line. */
typedef int (*mi_text_line_fn)(void *ctx, const struct mi_text_line *l, unsigned number,
			       const char *rest, struct status *st);
static int mi_text_each(const char *text, const char *marks, mi_text_line_fn line, void *ctx,
			struct status *st)
{
	struct mi_text_line l = {.next = text ? text : ""};
	while (mi_text_next(&l)) {
		unsigned number = 0;
		const char *rest = l.at;
		if (mi_text_skipped(&l))
			continue;
		if (!mi_text_numbered(&l, marks, &number, &rest)) {
			number = 0;
			rest = l.at;
		}
		int rc = line(ctx, &l, number, rest, st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* What a reader has read so far: the questions (answers), the last one being written. */
struct mi_text_read {
	struct arena *a;
	void **items;
	size_t count, cap;
};

static void mi_text_add(struct mi_text_read *r, void *item)
{
	r->items = arena_grow(r->a, r->items, r->count, &r->cap, sizeof *r->items);
	r->items[r->count++] = item;
}

static int mi_text_question_line(void *ctx, const struct mi_text_line *l, unsigned number,
				 const char *rest, struct status *st)
{
	struct mi_text_read *r = ctx;
	N2gg__V1__MiQuestion *q = r->count ? r->items[r->count - 1] : NULL;
	if (number) {
		q = arena_message(r->a, &n2gg__v1__mi_question__descriptor);
		q->number = number;
		q->text = arena_strndup(r->a, rest, (size_t)(l->at + l->len - rest));
		mi_text_add(r, q);
	} else if (!q) {
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "line %u: a questionnaire starts with a numbered question, e.g. "
				   "\"1. Which choice will the cluster make?\"",
				   l->number);
	} else if (l->len >= 8 && strncasecmp(l->at, "options:", 8) == 0) {
		return mi_text_options(l, q, r->a, st);
	} else if (q->n_options) {
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "line %u: question %u's text goes before its options", l->number,
				   q->number);
	} else {
		q->text = mi_text_join(r->a, q->text, " ", l->at, l->len);
	}
	return 0;
}

/* Every item `line` reads; `none` says what is missing when there is none. */
static int mi_text_read_all(const char *text, const char *marks, mi_text_line_fn line,
			    const char *none, struct arena *a, void ***items, size_t *count,
			    struct status *st)
{
	struct mi_text_read r = {.a = a};
	int rc = mi_text_each(text, marks, line, &r, st);
	*items = r.items;
	*count = r.count;
	if (rc == 0 && r.count == 0)
		rc = status_fail(st, STATUS_INVALID_ARGUMENT, "no %s in it", none);
	return rc;
}

int mi_text_questions(const char *text, struct arena *a, N2gg__V1__MiQuestion ***out,
		      size_t *count, struct status *st)
{
	int rc = mi_text_read_all(text, ".)", mi_text_question_line, "questions", a,
				  (void ***)out, count, st);
	return rc < 0 ? rc : mi_questions_check(*out, *count, st);
}

static int mi_text_answer_line(void *ctx, const struct mi_text_line *l, unsigned number,
			       const char *rest, struct status *st)
{
	struct mi_text_read *r = ctx;
	N2gg__V1__MiAnswer *an = r->count ? r->items[r->count - 1] : NULL;
	if (number) {
		an = arena_message(r->a, &n2gg__v1__mi_answer__descriptor);
		an->question = number;
		an->answer = arena_strndup(r->a, rest, (size_t)(l->at + l->len - rest));
		mi_text_add(r, an);
	} else if (!an) {
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "line %u: each answer starts with its question's number, e.g. "
				   "\"1: Choice A\"",
				   l->number);
	} else {
		an->answer = mi_text_join(r->a, an->answer, "\n", l->at, l->len);
	}
	return 0;
}

int mi_text_answers(const char *text, struct arena *a, N2gg__V1__MiAnswer ***out,
		    size_t *count, struct status *st)
{
	return mi_text_read_all(text, ":.)", mi_text_answer_line, "answers", a, (void ***)out,
				count, st);
}
