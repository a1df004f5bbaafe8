/* actions: the dashboard's forms as requests to the services that own what they change.
 * Each form's fields are checked for what the person can put right (a missing reason, a
 * date that is not one, text far too long) and turned into the request the owning
 * service's API takes. What only that service knows (a hard rule a pin would break, a
 * report its visit refuses) is the service's to say: its message goes in the same error
 * summary. Pure: no I/O; today is passed in. */
#ifndef N2GG_DASH_ACTIONS_H
#define N2GG_DASH_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "form.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "n2gg/v1/notifier.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"
#include "n2gg/v1/scheduler.pb-c.h"

#define ACTION_ERRORS_MAX 16
#define ACTION_REASON_MAX 1000   /* bytes in a reason, a title, one line of a list */
#define ACTION_BODY_MAX 20000    /* bytes in an MI sheet's body */

/* One thing wrong, for the GOV.UK error summary: `field` is the id of the input it links
 * to and marks ("" when it is the form as a whole, as a service's refusal may be). */
struct action_error {
	const char *field, *message;
};

struct action_errors {
	struct action_error items[ACTION_ERRORS_MAX];
	size_t count;
};

void action_fail(struct action_errors *e, const char *field, const char *message);
/* The message about `field`, or NULL. */
const char *action_error_of(const struct action_errors *e, const char *field);

/* Each builds its request in `a` and returns 0, or returns -1 with `e` saying why. */

/* The school's LA flags as the form has them. Only the flags the officer changed are sent:
 * the form carries each flag as it was shown ("was_NAME", with "was" set), so a change
 * someone else made meanwhile to another flag is kept. A flag changed here that `now` (the
 * school's flags as the dashboard has them) shows changed otherwise meanwhile is refused,
 * saying what it is now; the form shown again carries it, so saving again is deliberate.
 * A form without "was" (a script) sends every flag, unticked meaning "no". */
int action_flags(const struct form *f, uint32_t urn, const N2gg__V1__LaFlags *now,
		 struct arena *a, N2gg__V1__SetFlagsRequest **out, struct action_errors *e);
/* The flags form's values: `now` as it is (flags NULL for none), or, for a form refused,
 * what the officer changed in `posted` over the rest of `now` (a form shown again must not
 * put back what someone else changed meanwhile). */
void action_flags_values(const struct form *posted, const N2gg__V1__LaFlags *now,
			 struct form *out);
/* The flags' form fields, and one flag's value as the form sends it ("yes" or "" for a
 * tick, the text otherwise; "" for every flag of a school without flags). */
#define ACTION_FLAG_COUNT 6
extern const char *const action_flag_fields[ACTION_FLAG_COUNT];
const char *action_flag_value(const N2gg__V1__LaFlags *fl, const char *field);
/* category A-F, reason, and an optional expiry date (the override ends when that day
 * does, UTC); `today` is the categoriser's (the real one: it refuses a past expiry). */
int action_override(const struct form *f, uint32_t urn, int today, struct arena *a,
		    N2gg__V1__SetOverrideRequest **out, struct action_errors *e);
int action_clear_override(const struct form *f, uint32_t urn, struct arena *a,
			  N2gg__V1__ClearOverrideRequest **out, struct action_errors *e);
/* op "pin" (role, partner, reason) or "unpin" (role); a CEP is the school's cluster's. */
int action_pin(const struct form *f, uint32_t urn, const char *cluster_id, struct arena *a,
	       N2gg__V1__PinRequest **out, bool *unpin, struct action_errors *e);
/* The sheet and its audience; `dry_run` for the preview. Questions are one a line, a
 * choice question's options after '|' ("Will you attend? | Yes | No"). */
int action_mi(const struct form *f, int today, bool dry_run, struct arena *a,
	      N2gg__V1__PublishMiRequest **out, struct action_errors *e);
/* A visit's report: held or not (and why), the date, who attended and the lists one item
 * a line, progress on the scheduler's scale. */
int action_report(const struct form *f, struct arena *a,
		  N2gg__V1__RecordVisitReportRequest **out, struct action_errors *e);
int action_cancel(const struct form *f, const char *notice_id, struct arena *a,
		  N2gg__V1__CancelNoticeRequest **out, struct action_errors *e);

/* "ecp", "cep", "sip", "intervention_adviser" -> N2gg__V1__Role; -1 otherwise. */
int action_role_parse(const char *text);

#endif
