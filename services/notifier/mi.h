/* mi: the council's Management Information Sheets as plain structs: checking a sheet before
 * it is issued (and a correction of one), its "NNN/YY" number, which schools' headteachers
 * and chairs of governors (or which clusters' chairs) it is for, when an Action sheet's
 * reminder is due, and an Action sheet's questionnaire: its questions and the answers a
 * school (a cluster) gives. Pure: no I/O; the caller stores sheets, answers and the last
 * number issued each year.
 *
 * An MI number is a running number per calendar year of publication, "247/13" being the
 * 247th sheet published in 2013; numbers are never reused, so the caller keeps the last
 * one issued for each year and asks mi_next_number() for the next. */
#ifndef N2GG_MI_H
#define N2GG_MI_H

#include <stdbool.h>
#include <stddef.h>

#include "n2gg/v1/notifier.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"
#include "status.h"

#define MI_NO_DATE (-2147483647 - 1)  /* an unset date (dates are days since 1970-01-01) */
#define MI_NUMBER_MAX 999             /* the form has room for three digits */
#define MI_NUMBER_LEN 7               /* "NNN/YY" and its terminator */

/* Years an MI number can name: its two digits are read as 20YY. */
#define MI_YEAR_MIN 2000
#define MI_YEAR_MAX 2099

/* A questionnaire is a page of a sheet, not a survey tool: these bound what one holds. */
#define MI_QUESTIONS_MAX 50
#define MI_OPTIONS_MAX 20
#define MI_QUESTION_TEXT_MAX 1000   /* bytes of a question or an option */
#define MI_ANSWER_TEXT_MAX 4000     /* bytes of a free-text answer */

enum mi_type { MI_INFORMATION, MI_ACTION };

struct mi_number {
	int seq;   /* 1..999; 0 when the sheet has no number yet */
	int year;  /* calendar year of publication, e.g. 2013 */
};

struct mi_contact {
	const char *name;   /* required */
	const char *phone;  /* optional: digits, spaces and + ( ) - */
};

/* Who receives it at each school. With no filter every school matches; each filter given
 * narrows the schools (a school must pass all of them) and a school passes a filter when
 * it has any of the values listed. A sheet for cluster chairs goes instead to the chair of
 * every cluster (of those listed, when some are) and is answered for the cluster. */
struct mi_audience {
	bool headteachers;
	bool chairs_of_governors;
	bool cluster_chairs;
	const char *categories;            /* LA category letters, e.g. "BD"; NULL or "": any */
	const char *const *clusters;       /* cluster ids, e.g. "C926-12" */
	size_t cluster_count;
	const N2gg__V1__Phase *phases;
	size_t phase_count;
};

struct mi_sheet {
	enum mi_type type;
	struct mi_number number;
	const char *title;
	const char *body;
	int publication_date;   /* may be later than today: the sheet is scheduled */
	int complete_by;        /* "To Be Completed By": Action sheets only, else MI_NO_DATE */
	struct mi_contact contact;
	struct mi_audience audience;
	const char *const *links;
	size_t link_count;
	N2gg__V1__MiQuestion *const *questions;   /* Action sheets only; none: no questionnaire */
	size_t question_count;
};

/* What mi_audience_matches() needs to know about one school. */
struct mi_school {
	char category;          /* 'A'..'F', or '\0' when the school has none */
	const char *cluster_id; /* NULL or "" when in no cluster */
	N2gg__V1__Phase phase;
};

/* Recipients at a school, as bits. */
enum mi_recipient { MI_TO_HEADTEACHER = 1, MI_TO_CHAIR_OF_GOVERNORS = 2 };

/* Whether text is missing or only spaces: what a required field may not be. */
bool mi_blank(const char *s);

/* A sheet with every date unset and nothing else filled in. */
void mi_sheet_init(struct mi_sheet *s);

/* The sheet of a PublishMi request or a stored n2gg.v1.MiSheet, pointing into `p`: its type
 * (Information or Action), number and dates parsed (INVALID_ARGUMENT naming the field as
 * the form prints it); mi_validate() checks the rest. */
int mi_sheet_from_proto(const N2gg__V1__MiSheet *p, struct mi_sheet *out, struct status *st);

/* Checks a sheet about to be issued on `today`: a title; an Action sheet's To Be Completed
 * By date neither before today nor before publication, and none on an Information sheet; a
 * publication date, not before today (it may be later: scheduled); a number, if it has one
 * yet, of the publication year; an LA contact's name; an audience of headteachers and/or
 * chairs of governors, or of cluster chairs, its filters well formed; questions only on an
 * Action sheet, each well formed (mi_questions_check). The message starts with the field's
 * name as the form prints it ("Title: ...", "To Be Completed By: ..."). */
int mi_validate(const struct mi_sheet *s, int today, struct status *st);

/* Checks a correction of a sheet already published: the same checks as mi_validate except
 * that its publication date may be past (it went out then); its To Be Completed By date must
 * still not be before today, so a correction of a sheet whose date has passed gives a new
 * one. */
int mi_validate_correction(const struct mi_sheet *s, int today, struct status *st);

/* A questionnaire: numbers ascending from 1 up, each once; every question has text; a
 * choice question has 2..MI_OPTIONS_MAX options, none blank and no two alike (ignoring
 * case, as answers are matched); at most MI_QUESTIONS_MAX questions. "Questions: ..." or
 * "Question N: ..." on failure. */
int mi_questions_check(N2gg__V1__MiQuestion *const *questions, size_t count, struct status *st);

/* The question numbered `number`, or NULL. */
const N2gg__V1__MiQuestion *mi_question(const struct mi_sheet *s, unsigned number);

/* Checks a school's (a cluster's) answers to the sheet's questionnaire: at least one; each
 * to a question the sheet has, each question answered once, none blank nor longer than
 * MI_ANSWER_TEXT_MAX; a choice answer one of the question's options, matched ignoring case
 * and surrounding spaces. chosen[i] is what to record for answers[i]: the option as the
 * sheet writes it, or the free text as given. INVALID_ARGUMENT "Answer to question N: ..."
 * (FAILED_PRECONDITION when the sheet has no questions). */
int mi_answers_check(const struct mi_sheet *s, N2gg__V1__MiAnswer *const *answers, size_t count,
		     const char **chosen, struct status *st);

/* The number after `last_number_for_year` (0 when none issued yet that year) for a sheet
 * published in `year`. STATUS_RESOURCE_EXHAUSTED once 999 have been issued. */
int mi_next_number(int last_number_for_year, int year, struct mi_number *out,
		   struct status *st);

/* The calendar year a number is counted in: that of the publication date. */
int mi_number_year(int publication_date);

/* "247/13" into out (at least MI_NUMBER_LEN bytes); refuses numbers outside 1..999 and
 * years outside MI_YEAR_MIN..MI_YEAR_MAX. */
int mi_number_format(struct mi_number n, char *out, struct status *st);

/* Exactly "NNN/YY": three digits (001..999) and two; YY means 20YY. */
int mi_number_parse(const char *text, struct mi_number *out, struct status *st);

/* Which recipients at a school with these facts the sheet is for (MI_TO_* bits), 0 when
 * none (always for a sheet for cluster chairs). */
unsigned mi_audience_matches(const struct mi_sheet *s, const struct mi_school *school);

/* Whether a sheet for cluster chairs goes to the chair of cluster `cluster_id`. */
bool mi_audience_has_cluster(const struct mi_sheet *s, const char *cluster_id);

/* Whether an Action sheet's reminder to those who have not responded is due on `today`:
 * from `days_before` days before its To Be Completed By date through that date itself, and
 * only after the day it was published (a sheet published inside that window is its own
 * reminder on its first day). It is a window rather than a single day so that a notifier
 * that was down on the day still sends it; the caller records that it has (one reminder per
 * sheet and days_before). False for Information sheets and negative days_before. */
bool mi_reminder_due(const struct mi_sheet *s, int today, int days_before);

#endif
