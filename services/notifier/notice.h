/* notice: what each kind of notice says. The catalogue of kinds (name, template file,
 * whether statutory, the variables its template may use); the data each kind is rendered
 * from, built as JSON from the facts that cause it so that it is stored with the notice
 * and a retry or a restart renders the same letter; the set of templates, loaded from a
 * directory or built in; and rendering one notice for one recipient. Pure apart from
 * reading the template directory. */
#ifndef N2GG_NOTICE_H
#define N2GG_NOTICE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "n2gg/v1/notifier.pb-c.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "n2gg/v1/scheduler.pb-c.h"
#include "status.h"
#include "template.h"

/* indexed by N2gg__V1__NoticeKind; 0 (unknown) is unused, and so is any number the proto
 * does not name yet (notice_kind() is NULL for it: loops over the kinds skip it) */
#define NOTICE_KIND_COUNT 9

struct notice_kind_info {
	N2gg__V1__NoticeKind kind;
	const char *name;          /* "category_letter": CLI, logs, notice ids */
	const char *file;          /* "category_letter.tmpl" in a template directory */
	const char *title;         /* "Category letter" */
	bool statutory;            /* always sent at once, never held for a digest */
	const char *const *vars;   /* NULL-terminated: template_parse()'s known_vars */
};

/* NULL for NOTICE_KIND_UNKNOWN, a value out of range or one no kind has. */
const struct notice_kind_info *notice_kind(N2gg__V1__NoticeKind kind);
/* By name ("category_letter", ...); -STATUS_INVALID_ARGUMENT naming the kinds otherwise. */
int notice_kind_parse(const char *name, N2gg__V1__NoticeKind *out, struct status *st);
/* "Headteacher", "Chair of Governors", "Cluster Chair"; "" for an unknown role. */
const char *notice_role_title(N2gg__V1__RecipientRole role);

/* Dates as a letter writes them, in English whatever the locale: "15 November 2013" and
 * "Tuesday 3 December 2013" (days since 1970-01-01). Return out. */
#define NOTICE_DATE_LEN 48
char *notice_date_long(int days, char out[NOTICE_DATE_LEN]);
char *notice_date_weekday(int days, char out[NOTICE_DATE_LEN]);

/* ---- the data a letter is rendered from ---- */

/* What every letter carries: the council's name and the letter's date. */
struct notice_letterhead {
	const char *la_name;       /* "Norfolk County Council" */
	int date;                  /* days since 1970-01-01 */
};

/* Each returns a new JSON object (the caller owns it) with the common members
 * la.name, date ("15 November 2013"), school.{name,urn,cluster,phase} and the kind's
 * own, exactly the names in the kind's `vars` (recipient.* excepted: added when
 * rendering). school may be NULL for a cluster's notice (then cluster.{id,name}). */
json_t *notice_data_category(const struct notice_letterhead *lh,
			     const N2gg__V1__NotifierSchool *school,
			     const N2gg__V1__CategoryChanged *ev);
json_t *notice_data_allocation(const struct notice_letterhead *lh,
			       const N2gg__V1__NotifierSchool *school,
			       const N2gg__V1__NotifierCluster *cluster,
			       const N2gg__V1__AllocationChanged *ev);
/* visits: the school's visits still to come, by date */
json_t *notice_data_visits(const struct notice_letterhead *lh,
			   const N2gg__V1__NotifierSchool *school,
			   N2gg__V1__Visit *const *visits, size_t n);
/* A partner's report of a visit (or of the annual conversation), from the scheduler's
 * visit.reported; corrected: the school has been written to about an earlier version. */
json_t *notice_data_visit_report(const struct notice_letterhead *lh,
				 const N2gg__V1__NotifierSchool *school,
				 const N2gg__V1__VisitReportEvent *ev, bool corrected);
/* Which letter about an MI sheet: the sheet itself; its reminder to a school (a cluster)
 * that has not responded; a correction (the sheet as corrected, with what changed); its
 * withdrawal (with the reason). All four carry the same data, so that one template can
 * tell which it is. */
enum notice_mi_letter { NOTICE_MI_ISSUED, NOTICE_MI_REMINDER, NOTICE_MI_CORRECTED,
			NOTICE_MI_WITHDRAWN };
/* school, or for a sheet to cluster chairs cluster (school NULL) */
json_t *notice_data_mi(const struct notice_letterhead *lh, const N2gg__V1__NotifierSchool *school,
		       const N2gg__V1__NotifierCluster *cluster, const N2gg__V1__MiSheet *sheet,
		       enum notice_mi_letter letter);

struct notice_digest_item {
	N2gg__V1__NoticeKind kind;
	const char *subject;
	const char *text;          /* the item's rendered text part */
};
json_t *notice_data_digest(const struct notice_letterhead *lh,
			   const N2gg__V1__NotifierSchool *school,
			   const struct notice_digest_item *items, size_t n);

/* ---- templates ---- */

/* A loaded set may be moved by value (a reload loads into a new set and swaps it in):
 * nothing points into the struct itself, and its arena's protobuf allocator is not used. */
struct notice_templates {
	struct arena arena;
	struct template_file files[NOTICE_KIND_COUNT];
	char dir[512];             /* "" when built in */
};

/* Reports one problem or note: the file (its path, for a directory's) and "file:line: what"
 * (or "file: what"). */
typedef void (*notice_report_fn)(void *ctx, const char *file, const char *message);

/* Loads every kind's template: from `dir` when given (not NULL or ""), else the built-in
 * ones; a `dir` that cannot be opened is a failure, and a *.tmpl file in it that is no
 * kind's is reported as a note (a misspelt name would otherwise go unnoticed). A kind whose
 * file is missing from `dir` takes the built-in template, which is reported through
 * `report` as "DIR/FILE: not found, the built-in template is used" (a note, not a failure).
 * All or nothing: every problem is reported through `report` (may be NULL) and the first
 * is in `st`; on failure `t` is left empty (notice_templates_free() is still safe). */
int notice_templates_load(struct notice_templates *t, const char *dir, notice_report_fn report,
			  void *ctx, struct status *st);
void notice_templates_free(struct notice_templates *t);

/* One notice rendered for one recipient. */
struct notice_rendered {
	const char *subject;
	const char *text;
	const char *html;          /* NULL when the template has no html part */
};

/* Renders `kind` from the notice's data (JSON text, as built above) with the recipient's
 * recipient.name and recipient.role added, into `a`. The JSON becomes the templates' data
 * as it stands: objects, arrays as lists, strings, booleans, numbers as strings (integers
 * as written, others in their shortest form), null as missing. recipient may be NULL (no
 * name or role: the built-in letters then greet "Sir or Madam"). Fails only on data that
 * is not a JSON object or a kind without a template. */
int notice_render(const struct notice_templates *t, N2gg__V1__NoticeKind kind,
		  const char *data_json, const N2gg__V1__Recipient *recipient, struct arena *a,
		  struct notice_rendered *out, struct status *st);

#endif
