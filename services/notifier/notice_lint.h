/* notice_lint: proves a template set keeps the programme's internal identifiers out of its
 * letters. Each kind of letter is rendered, as the notifier would render it, from sample
 * events that carry every kind of internal text the services deal in: a partner's
 * reference, an officer's username and private note, a rule's id, a policy fact's name, a
 * cluster's code, a visit's id, the solver's terms and an event's cause. Any of them that
 * reaches a subject, a text part or an html part is reported. Pure: no I/O. */
#ifndef N2GG_NOTICE_LINT_H
#define N2GG_NOTICE_LINT_H

#include "notice.h"

/* Reports each finding through `report` as "FILE: the KIND letter shows WHAT ("TOKEN")"
 * (FILE the template's path, or its name when built in); returns how many there were. */
int notice_lint(const struct notice_templates *t, notice_report_fn report, void *ctx);

#endif
