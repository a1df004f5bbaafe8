/* pages_actions: the pages that change things — the actions' forms and what each says once
 * done, the letters waiting (a preview, a cancel), and the accounts — in the GOV.UK Design
 * System's patterns: every field labelled, with a hint where it helps; an error summary at
 * the top linking to each field it names, and the message again by the field; a
 * confirmation panel once done, and what follows. A form is written from the values it
 * is to show (a struct form: what was sent, or the record's values as the form would send
 * them), so a refused form comes back as it was typed. Everything through html_fmt's %s.
 * Pure: no I/O. */
#ifndef N2GG_DASH_PAGES_ACTIONS_H
#define N2GG_DASH_PAGES_ACTIONS_H

#include <stdbool.h>

#include "actions.h"
#include "pages.h"

struct page_form {
	const char *action;                  /* where it posts */
	const struct form *values;
	const struct action_errors *errors;  /* NULL or none: no error summary */
};

void page_action_flags(struct html *h, const struct page_user *u, const N2gg__V1__School *s,
		       const struct page_form *f);
/* The override form, and (when the school has one) the form that clears it. */
void page_action_override(struct html *h, const struct page_user *u, const N2gg__V1__School *s,
			  const N2gg__V1__CategoryChanged *now, const struct page_form *f,
			  const struct page_form *clear);
void page_action_pin(struct html *h, const struct page_user *u, const N2gg__V1__School *s,
		     const struct page_option *partners, size_t n_partners,
		     const struct page_form *f);
void page_action_report(struct html *h, const struct page_user *u, const N2gg__V1__School *s,
			const N2gg__V1__Visit *v, const struct page_form *f);
void page_action_mi(struct html *h, const struct page_user *u, const struct page_form *f);
/* The sheet as it will go, the audience it reaches now, and the form to confirm (the values
 * carried in hidden fields) or go back and change it. */
void page_action_mi_preview(struct html *h, const struct page_user *u,
			    const N2gg__V1__MiReply *preview, const struct page_form *f);

/* A school's page: the actions the user may take on it (none for a viewer; a partner,
 * each visit's report). */
void page_school_actions(struct html *h, const struct page_user *u,
			 const struct page_school_data *d);

/* What an action's page says once it is done. */
struct page_outcome {
	const char *title, *detail;              /* the confirmation panel */
	const char *back, *back_label;           /* where to go next */
	const N2gg__V1__Decision *decision;      /* the category now (NULL: not asked) */
	const N2gg__V1__Notice *const *pending;  /* the letters waiting to go */
	size_t n_pending;
	bool letter_expected;                    /* none yet is worth saying */
};

void page_action_done(struct html *h, const struct page_user *u, const struct page_outcome *o);

struct page_letters_data {
	const N2gg__V1__ListNoticesReply *pending;
	const N2gg__V1__DeliveriesReply *dead;
	const N2gg__V1__ListUnsentReply *unsent;
};

void page_letters(struct html *h, const struct page_user *u, const struct page_letters_data *d);
/* A letter as each recipient will read it; `cancel` NULL when it may not be cancelled. */
void page_letter(struct html *h, const struct page_user *u, const N2gg__V1__ShowNoticeReply *r,
		 const struct page_form *cancel);

struct page_admin_data {
	const N2gg__V1__DashboardAccount *const *accounts;
	size_t n_accounts;
	const char *password_for, *password;   /* a new password, shown this once ("" none) */
	const char *done;                      /* what was just done ("" nothing) */
	const struct page_form *add;
};

void page_admin(struct html *h, const struct page_user *u, const struct page_admin_data *d);

#endif
