/* notice: the catalogue of notice kinds, the data each kind's letter is rendered from and
 * rendering one notice for one recipient (see notice.h). The template set is loaded in
 * notice_templates.c. */
#include "notice.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* ---- the catalogue ---- */

/* The names below are the contract with template authors. Every letter may address its
 * recipient, name the council and the school (or, for a cluster's notice, the cluster).
 * Dates are written "15 November 2013" (visits.date with its weekday), money "£1,500.00" or
 * "no charge", half-terms "Autumn 1".."Summer 2", phases "Primary", "Secondary", ...; a
 * value the builder does not know is empty or missing, which a section treats alike. */
#define NOTICE_COMMON_VARS                                                                   \
	"la.name", "date", "recipient.name", "recipient.role", "school.name", "school.urn",  \
		"school.cluster", "school.phase", "cluster.id", "cluster.name"

static const char *const notice_category_vars[] = {
	NOTICE_COMMON_VARS,
	"category.letter", "category.name", "category.previous", "category.had_previous",
	"category.effective_date", "category.reasons[]", "category.reasons.text",
	"category.activities[]", "category.monitoring", "category.overridden", "category.rule",
	"category.policy",
	NULL,
};

static const char *const notice_allocation_vars[] = {
	NOTICE_COMMON_VARS,
	"allocation.role", "allocation.has_partner", "allocation.partner.name",
	"allocation.partner.email", "allocation.partner.phone", "allocation.days",
	"allocation.cost", "allocation.previous_partner", "allocation.reason",
	"allocation.choice_words",
	NULL,
};

static const char *const notice_visit_vars[] = {
	NOTICE_COMMON_VARS,
	"visits[]", "visits.date", "visits.kind", "visits.partner", "visits.half_term",
	"visit_count", "partners[]", "partners.name", "partners.email", "partners.phone",
	NULL,
};

/* A partner's report of a visit. The lists are of plain sentences ({{.}}); report.annual
 * marks the annual conversation, whose letter also validates the school's self-evaluation
 * and signposts Norfolk Services. */
static const char *const notice_visit_report_vars[] = {
	NOTICE_COMMON_VARS,
	"report.kind", "report.annual", "report.held", "report.planned_date",
	"report.half_term", "report.date_held", "report.partner", "report.partner_email",
	"report.partner_phone", "report.has_partner_contact", "report.attended[]",
	"report.progress", "report.progress_meaning", "report.strengths[]",
	"report.priorities[]", "report.actions[]", "report.next_focus", "report.validation",
	"report.signposting[]", "report.not_held_reason", "report.corrected",
	/* a list's heading is written only when the list has items */
	"report.has_strengths", "report.has_priorities", "report.has_actions",
	"report.has_signposting",
	NULL,
};

/* An MI sheet, its reminder, its correction and its withdrawal carry the same data, so that
 * any of their templates can tell which it is (mi.reminder, mi.corrected, mi.withdrawn). */
static const char *const notice_mi_vars[] = {
	NOTICE_COMMON_VARS,
	"mi.number", "mi.type", "mi.action", "mi.title", "mi.body", "mi.complete_by",
	"mi.publication_date", "mi.contact.name", "mi.contact.phone", "mi.links[]",
	"mi.reminder", "mi.for_cluster", "mi.has_questions", "mi.questions[]",
	"mi.questions.number", "mi.questions.text", "mi.questions.choice",
	"mi.questions.options", "mi.corrected", "mi.correction_note", "mi.withdrawn",
	"mi.withdrawal_reason",
	NULL,
};

static const char *const notice_digest_vars[] = {
	NOTICE_COMMON_VARS,
	"items[]", "items.kind", "items.subject", "items.text", "item_count",
	NULL,
};

static const struct notice_kind_info notice_kinds[NOTICE_KIND_COUNT] = {
	[N2GG__V1__NOTICE_KIND__NOTICE_CATEGORY_LETTER] = {
		N2GG__V1__NOTICE_KIND__NOTICE_CATEGORY_LETTER, "category_letter",
		"category_letter.tmpl", "Category letter", true, notice_category_vars,
	},
	[N2GG__V1__NOTICE_KIND__NOTICE_ALLOCATION_LETTER] = {
		N2GG__V1__NOTICE_KIND__NOTICE_ALLOCATION_LETTER, "allocation_letter",
		"allocation_letter.tmpl", "Partner allocation", false, notice_allocation_vars,
	},
	[N2GG__V1__NOTICE_KIND__NOTICE_VISIT_SCHEDULE] = {
		N2GG__V1__NOTICE_KIND__NOTICE_VISIT_SCHEDULE, "visit_schedule",
		"visit_schedule.tmpl", "Visit schedule", false, notice_visit_vars,
	},
	[N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET] = {
		N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET, "mi_sheet", "mi_sheet.tmpl",
		"Management Information Sheet", false, notice_mi_vars,
	},
	[N2GG__V1__NOTICE_KIND__NOTICE_MI_REMINDER] = {
		N2GG__V1__NOTICE_KIND__NOTICE_MI_REMINDER, "mi_reminder", "mi_reminder.tmpl",
		"Management Information Sheet reminder", false, notice_mi_vars,
	},
	[N2GG__V1__NOTICE_KIND__NOTICE_DIGEST] = {
		N2GG__V1__NOTICE_KIND__NOTICE_DIGEST, "digest", "digest.tmpl", "Daily digest",
		false, notice_digest_vars,
	},
	[N2GG__V1__NOTICE_KIND__NOTICE_VISIT_REPORT] = {
		N2GG__V1__NOTICE_KIND__NOTICE_VISIT_REPORT, "visit_report", "visit_report.tmpl",
		"Visit report", false, notice_visit_report_vars,
	},
	[N2GG__V1__NOTICE_KIND__NOTICE_MI_CORRECTION] = {
		N2GG__V1__NOTICE_KIND__NOTICE_MI_CORRECTION, "mi_correction", "mi_correction.tmpl",
		"Management Information Sheet correction or withdrawal", false, notice_mi_vars,
	},
};

const struct notice_kind_info *notice_kind(N2gg__V1__NoticeKind kind)
{
	if ((int)kind <= 0 || (int)kind >= NOTICE_KIND_COUNT || !notice_kinds[kind].name)
		return NULL;
	return &notice_kinds[kind];
}

int notice_kind_parse(const char *name, N2gg__V1__NoticeKind *out, struct status *st)
{
	for (int k = 1; k < NOTICE_KIND_COUNT; k++)
		if (name && notice_kinds[k].name && strcmp(name, notice_kinds[k].name) == 0) {
			*out = notice_kinds[k].kind;
			return 0;
		}
	char kinds[256] = "";
	size_t used = 0;
	for (int k = 1; k < NOTICE_KIND_COUNT; k++) {
		if (!notice_kinds[k].name)
			continue;
		int n = snprintf(kinds + used, sizeof kinds - used, "%s%s", used ? ", " : "",
				 notice_kinds[k].name);
		if (n < 0 || (size_t)n >= sizeof kinds - used)
			break;
		used += (size_t)n;
	}
	return status_fail(st, STATUS_INVALID_ARGUMENT, "unknown notice kind '%s' (one of %s)",
			   name ? name : "", kinds);
}

const char *notice_role_title(N2gg__V1__RecipientRole role)
{
	switch (role) {
	case N2GG__V1__RECIPIENT_ROLE__RECIPIENT_HEADTEACHER: return "Headteacher";
	case N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CHAIR_OF_GOVERNORS: return "Chair of Governors";
	case N2GG__V1__RECIPIENT_ROLE__RECIPIENT_CLUSTER_CHAIR: return "Cluster Chair";
	default: return "";
	}
}

/* ---- words for the letters ---- */

static const char *const notice_months[12] = {
	"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December",
};

/* Monday first; 1970-01-01, day 0, was a Thursday. */
static const char *const notice_weekdays[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

char *notice_date_long(int days, char out[NOTICE_DATE_LEN])
{
	int y, m, d;
	date_to_ymd(days, &y, &m, &d);
	snprintf(out, NOTICE_DATE_LEN, "%d %s %d", d, notice_months[(m - 1) % 12], y);
	return out;
}

char *notice_date_weekday(int days, char out[NOTICE_DATE_LEN])
{
	int y, m, d;
	date_to_ymd(days, &y, &m, &d);
	int wd = (int)(((long long)days % 7 + 7 + 3) % 7);
	snprintf(out, NOTICE_DATE_LEN, "%s %d %s %d", notice_weekdays[wd], d,
		 notice_months[(m - 1) % 12], y);
	return out;
}

static const char *notice_phase_name(N2gg__V1__Phase phase)
{
	switch (phase) {
	case N2GG__V1__PHASE__PHASE_NURSERY: return "Nursery";
	case N2GG__V1__PHASE__PHASE_PRIMARY: return "Primary";
	case N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_PRIMARY: return "Middle deemed primary";
	case N2GG__V1__PHASE__PHASE_SECONDARY: return "Secondary";
	case N2GG__V1__PHASE__PHASE_MIDDLE_DEEMED_SECONDARY: return "Middle deemed secondary";
	case N2GG__V1__PHASE__PHASE_SIXTEEN_PLUS: return "16 plus";
	case N2GG__V1__PHASE__PHASE_ALL_THROUGH: return "All-through";
	case N2GG__V1__PHASE__PHASE_SPECIAL: return "Special";
	case N2GG__V1__PHASE__PHASE_PUPIL_REFERRAL_UNIT: return "Pupil referral unit";
	case N2GG__V1__PHASE__PHASE_NOT_APPLICABLE: return "Not applicable";
	default: return "";
	}
}

static const char *notice_partner_role(N2gg__V1__Role role)
{
	switch (role) {
	case N2GG__V1__ROLE__ROLE_ECP: return "Education Challenge Partner";
	case N2GG__V1__ROLE__ROLE_CEP: return "Cluster Education Partner";
	case N2GG__V1__ROLE__ROLE_SIP: return "School Improvement Partner";
	case N2GG__V1__ROLE__ROLE_INTERVENTION_ADVISER: return "Intervention Adviser";
	default: return "";
	}
}

/* Half-terms are numbered from the start of the school year, as the scheduler counts them;
 * schools call them by their term. */
static const char *notice_half_term(uint32_t n)
{
	static const char *const names[] = {
		"Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2",
	};
	return n >= 1 && n <= 6 ? names[n - 1] : "";
}

/* "£1,500.00"; a letter says "no charge" rather than "£0.00". */
static void notice_money(int64_t pence, char *out, size_t size)
{
	if (pence == 0) {
		snprintf(out, size, "no charge");
		return;
	}
	uint64_t v = pence < 0 ? (uint64_t)(-(pence + 1)) + 1 : (uint64_t)pence;
	char digits[24], grouped[32];
	int n = snprintf(digits, sizeof digits, "%" PRIu64, v / 100), g = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	/* "\xc2\xa3" is the pound sign in UTF-8, whatever the source file's encoding */
	snprintf(out, size, "%s\xc2\xa3%s.%02u", pence < 0 ? "-" : "", grouped,
		 (unsigned)(v % 100));
}

/* A malloc'd string; aborts on out-of-memory as the arena does. */
static char *notice_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *notice_strf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	size_t size = (size_t)(n > 0 ? n : 0) + 1;
	char *s = malloc(size);
	if (!s) {
		fprintf(stderr, "n2gg: out of memory formatting a notice\n");
		abort();
	}
	va_start(ap, fmt);
	vsnprintf(s, size, fmt, ap);
	va_end(ap);
	return s;
}

static char notice_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* One reason as a sentence for a headteacher. The categoriser's own text ("label: value;
 * the rule asks: condition (met)") is written for officers; the letter keeps its plain-words
 * label, which it carries only at the start of that text, and says the rest in full. */
static char *notice_reason_sentence(const N2gg__V1__Reason *r)
{
	const char *text = r->text ? r->text : "";
	const char *value = r->value ? r->value : "";
	const char *condition = r->condition ? r->condition : "";
	const char *fact = r->fact ? r->fact : "";
	char *s;
	if (strcmp(fact, "always") == 0 || (!value[0] && !condition[0])) {
		if (!text[0])
			return NULL;
		size_t n = strlen(text);
		s = notice_strf("%s%s", text, text[n - 1] == '.' ? "" : ".");
	} else {
		/* A letter says what is so about the school, in the words of the fact's label:
		 * a condition that did not hold did not place it, and the policy's own syntax
		 * ("is 3", "below -5") is for officers (category explain), not for a head. */
		if (!r->holds || !value[0])
			return NULL;
		char *label = NULL;
		char *marker = notice_strf(": %s", value);
		const char *at = strstr(text, marker);
		/* a fact the policy gave no label is written by its name, which is the
		 * policy's, not a head's: it is put in words below */
		if (at && at > text && (strncmp(text, fact, (size_t)(at - text)) != 0 ||
					strlen(fact) != (size_t)(at - text))) {
			label = notice_strf("%.*s", (int)(at - text), text);
		} else {
			/* no label in the text: the policy's own name for the fact, in words */
			label = notice_strf("%s", fact[0] ? fact : "a fact about the school");
			for (char *c = label; *c; c++)
				if (*c == '.' || *c == '_')
					*c = ' ';
		}
		free(marker);
		s = notice_strf("%s: %s.", label, value);
		free(label);
	}
	s[0] = notice_upper(s[0]);
	return s;
}

/* The scheduler's reason for an allocation is for officers ("optimal: the least cost for the
 * whole plan", "pinned by j.smith: the head asked"): its solver terms, usernames and private
 * notes are never a head's reading. A letter says in words which case it is (the
 * allocation's basis); a case this does not know says nothing rather than something
 * internal. */
enum notice_allocation_case {
	NOTICE_CASE_NONE,
	NOTICE_CASE_CHOSEN,
	NOTICE_CASE_KEPT,
	NOTICE_CASE_MATCHED,
	NOTICE_CASE_AT_CAPACITY,
	NOTICE_CASE_NO_PARTNER,
	NOTICE_CASE_EXCLUDED,
	NOTICE_CASE_NOT_ENTITLED,
};

static enum notice_allocation_case notice_allocation_case(const N2gg__V1__Allocation *al,
							  bool has_partner)
{
	switch (al ? al->basis : N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_UNKNOWN) {
	case N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_CHOSEN_BY_LA:
		return has_partner ? NOTICE_CASE_CHOSEN : NOTICE_CASE_NONE;
	case N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_KEPT:
		return has_partner ? NOTICE_CASE_KEPT : NOTICE_CASE_NONE;
	case N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_MATCHED:
		return has_partner ? NOTICE_CASE_MATCHED : NOTICE_CASE_NONE;
	case N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_AT_CAPACITY:
		return NOTICE_CASE_AT_CAPACITY;
	case N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_NO_PARTNER:
		return NOTICE_CASE_NO_PARTNER;
	case N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_EXCLUDED:
		return NOTICE_CASE_EXCLUDED;
	case N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_NOT_ENTITLED:
		return NOTICE_CASE_NOT_ENTITLED;
	case N2GG__V1__ALLOCATION_BASIS__ALLOCATION_BASIS_UNKNOWN:
		break;
	default:   /* the cluster's choice and Choice A's wait: notice_choice_words says it */
		return NOTICE_CASE_NONE;
	}
	/* an allocation from before the basis was sent: its reason is all there is */
	const char *reason = al && al->reason ? al->reason : "";
	if (has_partner) {
		if (al->pinned || strncmp(reason, "pinned", 6) == 0 ||
		    strncmp(reason, "was pinned", 10) == 0)
			return NOTICE_CASE_CHOSEN;
		if (strncmp(reason, "kept", 4) == 0 || strstr(reason, "keeps the partner"))
			return NOTICE_CASE_KEPT;
		if (strncmp(reason, "optimal", 7) == 0)
			return NOTICE_CASE_MATCHED;
		return NOTICE_CASE_NONE;
	}
	if (strstr(reason, "at capacity"))
		return NOTICE_CASE_AT_CAPACITY;
	if (strstr(reason, "no active partner"))
		return NOTICE_CASE_NO_PARTNER;
	if (strstr(reason, "excluded"))
		return NOTICE_CASE_EXCLUDED;
	if (strstr(reason, "no longer entitled"))
		return NOTICE_CASE_NOT_ENTITLED;
	return NOTICE_CASE_NONE;
}

static const char *notice_allocation_words(const N2gg__V1__Allocation *al, bool has_partner)
{
	switch (notice_allocation_case(al, has_partner)) {
	case NOTICE_CASE_CHOSEN:
		return "The local authority has chosen this partner for you.";
	case NOTICE_CASE_KEPT:
		return "Your partner stays the same.";
	case NOTICE_CASE_MATCHED:
		return "Partners are matched to schools across Norfolk so that each has a "
		       "suitably qualified partner as near as possible, within the days each "
		       "partner has.";
	case NOTICE_CASE_AT_CAPACITY:
		return "The days of every suitably qualified partner are already allocated this "
		       "year.";
	case NOTICE_CASE_NO_PARTNER:
		return "No partner is available for this role at present.";
	case NOTICE_CASE_EXCLUDED:
		return "None of the partners available at present can take this role for the "
		       "school under the programme's rules.";
	case NOTICE_CASE_NOT_ENTITLED:
		return "The school's current category no longer includes this kind of partner.";
	case NOTICE_CASE_NONE:
		break;
	}
	return "";
}

/* A Cluster Education Partner's letter to the cluster's chair says how the cluster's choice
 * came out (Norfolk's 2013 MI: Choice A, the cluster recruits its own CEP by a deadline;
 * Choice B, the LA identifies one): the scheduler's state of it, in words. Empty when the
 * cluster made no choice the letter can speak of. Freed by the caller. */
static char *notice_choice_words(const N2gg__V1__Allocation *al, bool has_partner)
{
	if (!al || al->role != N2GG__V1__ROLE__ROLE_CEP)
		return notice_strf("%s", "");
	char date[NOTICE_DATE_LEN];
	int day;
	const char *by = al->cep_choice_deadline && date_parse(al->cep_choice_deadline, &day) == 0
				 ? notice_date_long(day, date)
				 : "the date asked";
	const char *name = has_partner ? al->partner_name : "";
	switch (al->cep_choice_state) {
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED:
		if (has_partner)
			return notice_strf("The cluster's own choice of Cluster Education Partner, "
					   "%s, has been confirmed.", name);
		break;
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_LA_TO_IDENTIFY:
		if (has_partner)
			return notice_strf("As the cluster asked, the local authority has "
					   "identified %s as its Cluster Education Partner.", name);
		return notice_strf("As the cluster asked, the local authority will identify its "
				   "Cluster Education Partner.");
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_DEADLINE_MISSED:
		if (has_partner)
			return notice_strf("As no nomination reached us by %s, the local authority "
					   "has identified %s as the cluster's Cluster Education "
					   "Partner.", by, name);
		return notice_strf("As no nomination reached us by %s, the local authority will "
				   "identify the cluster's Cluster Education Partner.", by);
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NOMINEE_LEFT:
		if (has_partner)
			return notice_strf("As the Cluster Education Partner the cluster chose can no "
					   "longer serve, the local authority has identified %s as "
					   "the cluster's Cluster Education Partner.", name);
		return notice_strf("As the Cluster Education Partner the cluster chose can no "
				   "longer serve, the local authority will identify another.");
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_AWAITING_NOMINEE:
		if (!has_partner)
			return notice_strf("The cluster has chosen to recruit its own Cluster "
					   "Education Partner: please let us know who by %s. They "
					   "must be on the accredited list and attend all the "
					   "training.", by);
		break;
	default:
		break;
	}
	return notice_strf("%s", "");
}

/* ---- JSON ---- */

static json_t *notice_json(json_t *v)
{
	if (!v) {
		fprintf(stderr, "n2gg: out of memory building a notice's data\n");
		abort();
	}
	return v;
}

/* Bytes that are not UTF-8 (a school name from an old file) become U+FFFD rather than
 * losing the whole string: jansson takes only valid UTF-8. */
static json_t *notice_json_string(const char *s)
{
	if (!s)
		s = "";
	json_t *v = json_string(s);
	if (v)
		return v;
	size_t len = strlen(s);
	char *clean = malloc(len * 3 + 1);
	if (!clean)
		return notice_json(NULL);
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = u[i];
		size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
			 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		bool ok = n > 0 && i + n <= len;
		for (size_t k = 1; ok && k < n; k++)
			ok = (u[i + k] & 0xc0) == 0x80;
		if (ok && n >= 3) {
			unsigned char c1 = u[i + 1];
			ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0) &&
			     !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
		}
		if (ok) {
			memcpy(clean + o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(clean + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	clean[o] = '\0';
	v = notice_json(json_string(clean));
	free(clean);
	return v;
}

static void notice_put(json_t *o, const char *name, json_t *v)
{
	if (json_object_set_new(o, name, notice_json(v)) != 0)
		notice_json(NULL);
}

static void notice_put_string(json_t *o, const char *name, const char *s)
{
	notice_put(o, name, notice_json_string(s));
}

static void notice_put_int(json_t *o, const char *name, json_int_t v)
{
	notice_put(o, name, json_integer(v));
}

static void notice_put_bool(json_t *o, const char *name, bool b)
{
	notice_put(o, name, json_boolean(b));
}

/* o.name, created as an empty object when absent. */
static json_t *notice_put_object(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);
	if (json_is_object(v))
		return v;
	v = notice_json(json_object());
	notice_put(o, name, v);
	return v;
}

static json_t *notice_put_list(json_t *o, const char *name)
{
	json_t *v = notice_json(json_array());
	notice_put(o, name, v);
	return v;
}

static void notice_append(json_t *list, json_t *v)
{
	if (json_array_append_new(list, notice_json(v)) != 0)
		notice_json(NULL);
}

/* An ISO date from a message, as a letter writes it; text that is not a date is kept as
 * written rather than dropped, and an empty one stays empty. */
static void notice_put_date(json_t *o, const char *name, const char *iso, bool weekday)
{
	int days;
	char buf[NOTICE_DATE_LEN];
	if (iso && iso[0] && date_parse(iso, &days) == 0)
		notice_put_string(o, name, weekday ? notice_date_weekday(days, buf)
						   : notice_date_long(days, buf));
	else
		notice_put_string(o, name, iso);
}

static json_t *notice_letter(const struct notice_letterhead *lh)
{
	json_t *root = notice_json(json_object());
	char date[NOTICE_DATE_LEN];
	notice_put_string(notice_put_object(root, "la"), "name", lh ? lh->la_name : "");
	notice_put_string(root, "date", lh ? notice_date_long(lh->date, date) : "");
	return root;
}

static void notice_put_cluster_id(json_t *root, const char *cluster_id)
{
	if (cluster_id && cluster_id[0])
		notice_put_string(notice_put_object(root, "cluster"), "id", cluster_id);
}

static void notice_put_school(json_t *root, uint32_t urn, const char *name,
			      const char *cluster_id, N2gg__V1__Phase phase)
{
	json_t *s = notice_put_object(root, "school");
	notice_put_string(s, "name", name);
	if (urn)
		notice_put_int(s, "urn", urn);
	else
		notice_put_string(s, "urn", "");
	notice_put_string(s, "cluster", cluster_id);
	notice_put_string(s, "phase", notice_phase_name(phase));
	notice_put_cluster_id(root, cluster_id);
}

static void notice_put_notifier_school(json_t *root, const N2gg__V1__NotifierSchool *school)
{
	if (school)
		notice_put_school(root, school->urn, school->name, school->cluster_id,
				  school->phase);
}

/* ---- the builders ---- */

json_t *notice_data_category(const struct notice_letterhead *lh,
			     const N2gg__V1__NotifierSchool *school,
			     const N2gg__V1__CategoryChanged *ev)
{
	json_t *root = notice_letter(lh);
	if (school)
		notice_put_notifier_school(root, school);
	else if (ev)
		notice_put_school(root, ev->urn, ev->school_name, ev->cluster_id, ev->phase);
	if (!ev)
		return root;

	json_t *c = notice_put_object(root, "category");
	const char *previous = ev->previous_category ? ev->previous_category : "";
	notice_put_string(c, "letter", ev->category);
	notice_put_string(c, "name", ev->category_name);
	notice_put_string(c, "previous", previous);
	notice_put_bool(c, "had_previous", previous[0] != '\0');
	notice_put_date(c, "effective_date", ev->effective_date, false);
	json_t *reasons = notice_put_list(c, "reasons");
	for (size_t i = 0; i < ev->n_reasons; i++) {
		char *sentence = ev->reasons[i] ? notice_reason_sentence(ev->reasons[i]) : NULL;
		if (!sentence)
			continue;
		json_t *r = notice_json(json_object());
		notice_put_string(r, "text", sentence);
		notice_append(reasons, r);
		free(sentence);
	}
	json_t *acts = notice_put_list(c, "activities");
	for (size_t i = 0; i < ev->n_activities; i++)
		notice_append(acts, notice_json_string(ev->activities[i]));
	notice_put_bool(c, "monitoring", ev->half_termly_monitoring);
	notice_put_bool(c, "overridden", ev->overridden);
	notice_put_string(c, "rule", ev->rule_id);
	const char *pn = ev->policy_name ? ev->policy_name : "";
	const char *pv = ev->policy_version ? ev->policy_version : "";
	char *policy = notice_strf("%s%s%s", pn, pn[0] && pv[0] ? " " : "", pv);
	notice_put_string(c, "policy", policy);
	free(policy);
	return root;
}

json_t *notice_data_allocation(const struct notice_letterhead *lh,
			       const N2gg__V1__NotifierSchool *school,
			       const N2gg__V1__NotifierCluster *cluster,
			       const N2gg__V1__AllocationChanged *ev)
{
	json_t *root = notice_letter(lh);
	const N2gg__V1__Allocation *al = ev ? ev->allocation : NULL;
	if (school)
		notice_put_notifier_school(root, school);
	else if (al && al->urn)
		notice_put_school(root, al->urn, al->school_name, al->cluster_id,
				  N2GG__V1__PHASE__PHASE_UNKNOWN);
	else if (al)
		notice_put_cluster_id(root, al->cluster_id);
	if (cluster) {
		json_t *c = notice_put_object(root, "cluster");
		notice_put_string(c, "id", cluster->id);
		notice_put_string(c, "name", cluster->name);
	}
	if (!ev)
		return root;

	json_t *a = notice_put_object(root, "allocation");
	bool has_partner = al && al->partner_id && al->partner_id[0];
	notice_put_string(a, "role", al ? notice_partner_role(al->role) : "");
	notice_put_bool(a, "has_partner", has_partner);
	json_t *p = notice_put_object(a, "partner");
	notice_put_string(p, "name", has_partner ? al->partner_name : "");
	notice_put_string(p, "email", has_partner ? al->partner_email : "");
	notice_put_string(p, "phone", has_partner ? al->partner_phone : "");
	notice_put_int(a, "days", al ? al->days : 0);
	char cost[48];
	notice_money(al ? al->cost_pence : 0, cost, sizeof cost);
	notice_put_string(a, "cost", cost);
	notice_put_string(a, "previous_partner", ev->previous_partner_id);
	/* the cluster's choice says whose choice the partner is: any other words would
	 * contradict it ("the local authority has chosen" of the cluster's own nominee) */
	char *choice = notice_choice_words(al, has_partner);
	notice_put_string(a, "reason", choice[0] ? "" : notice_allocation_words(al, has_partner));
	notice_put_string(a, "choice_words", choice);
	free(choice);
	return root;
}

/* "annual_conversation" and "monitoring" are the scheduler's; a kind it adds later reads as
 * its own name in words until it has one here. */
static char *notice_visit_kind(const char *kind)
{
	if (!kind)
		kind = "";
	if (strcmp(kind, "annual_conversation") == 0)
		return notice_strf("Annual conversation");
	if (strcmp(kind, "monitoring") == 0)
		return notice_strf("Monitoring visit");
	char *s = notice_strf("%s", kind);
	for (char *c = s; *c; c++)
		if (*c == '_')
			*c = ' ';
	s[0] = notice_upper(s[0]);
	return s;
}

json_t *notice_data_visits(const struct notice_letterhead *lh,
			   const N2gg__V1__NotifierSchool *school,
			   N2gg__V1__Visit *const *visits, size_t n)
{
	json_t *root = notice_letter(lh);
	if (school)
		notice_put_notifier_school(root, school);
	else if (n > 0 && visits[0])
		notice_put_school(root, visits[0]->urn, visits[0]->school_name, "",
				  N2GG__V1__PHASE__PHASE_UNKNOWN);
	json_t *list = notice_put_list(root, "visits");
	json_t *partners = notice_put_list(root, "partners");   /* each once, to contact */
	json_int_t count = 0;
	for (size_t i = 0; i < n; i++) {
		const N2gg__V1__Visit *v = visits[i];
		if (!v)
			continue;
		json_t *o = notice_json(json_object());
		notice_put_date(o, "date", v->date, true);
		char *kind = notice_visit_kind(v->kind);
		notice_put_string(o, "kind", kind);
		free(kind);
		/* a visit from before the scheduler named its partner has no name: the letter
		 * then says "your partner", never the partner's reference */
		notice_put_string(o, "partner", v->partner_name);
		notice_put_string(o, "half_term", notice_half_term(v->half_term));
		notice_append(list, o);
		count++;
		bool listed = !v->partner_name || !v->partner_name[0];
		for (size_t j = 0; j < i && !listed; j++)
			listed = visits[j] && visits[j]->partner_name &&
				 strcmp(visits[j]->partner_name, v->partner_name) == 0;
		if (listed)
			continue;
		json_t *p = notice_json(json_object());
		notice_put_string(p, "name", v->partner_name);
		notice_put_string(p, "email", v->partner_email);
		notice_put_string(p, "phone", v->partner_phone);
		notice_append(partners, p);
	}
	notice_put_int(root, "visit_count", count);
	return root;
}

/* The scheduler's scale (scheduler.proto, VisitProgress) as a letter puts it to a head. */
static void notice_visit_progress(N2gg__V1__VisitProgress p, const char **word,
				  const char **meaning)
{
	switch (p) {
	case N2GG__V1__VISIT_PROGRESS__PROGRESS_STRONG:
		*word = "strong";
		*meaning = "the plan's priorities are being met, most of its milestones early or "
			   "on time";
		return;
	case N2GG__V1__VISIT_PROGRESS__PROGRESS_GOOD:
		*word = "good";
		*meaning = "the school is on track in most of the plan's priorities, with their "
			   "milestones met";
		return;
	case N2GG__V1__VISIT_PROGRESS__PROGRESS_SOME:
		*word = "some";
		*meaning = "there is progress in some of the plan's priorities, while others are "
			   "behind their milestones";
		return;
	case N2GG__V1__VISIT_PROGRESS__PROGRESS_LITTLE:
		*word = "little";
		*meaning = "there has been little or no progress against the plan, and the school "
			   "needs more support and challenge";
		return;
	default:
		*word = *meaning = "";   /* not judged: a letter leaves the judgement out */
	}
}

/* o.name as a list of the non-empty items, and o.has_name saying whether there are any. */
static void notice_put_strings(json_t *o, const char *name, char *const *items, size_t n,
			       bool flag)
{
	json_t *list = notice_put_list(o, name);
	for (size_t i = 0; i < n; i++)
		if (items[i] && items[i][0])
			notice_append(list, notice_json_string(items[i]));
	if (flag) {
		char *has = notice_strf("has_%s", name);
		notice_put_bool(o, has, json_array_size(list) > 0);
		free(has);
	}
}

json_t *notice_data_visit_report(const struct notice_letterhead *lh,
				 const N2gg__V1__NotifierSchool *school,
				 const N2gg__V1__VisitReportEvent *ev, bool corrected)
{
	json_t *root = notice_letter(lh);
	const N2gg__V1__VisitReport *r = ev ? ev->report : NULL;
	const N2gg__V1__Visit *v = r ? r->visit : NULL;
	if (school)
		notice_put_notifier_school(root, school);
	else if (v)
		notice_put_school(root, v->urn, ev->school_name, "", N2GG__V1__PHASE__PHASE_UNKNOWN);
	if (!r)
		return root;
	/* Only what a person would write: the visit's id, who keyed the report in and the
	 * scale's enum names stay out of the letter's data. */
	json_t *o = notice_put_object(root, "report");
	char *kind = notice_visit_kind(v ? v->kind : "");
	notice_put_string(o, "kind", kind);
	free(kind);
	notice_put_bool(o, "annual", v && v->kind && strcmp(v->kind, "annual_conversation") == 0);
	notice_put_bool(o, "held", r->held);
	notice_put_date(o, "planned_date", v ? v->date : "", true);
	notice_put_string(o, "half_term", notice_half_term(v ? v->half_term : 0));
	notice_put_date(o, "date_held", r->held ? r->date_held : "", true);
	const char *partner = ev->partner_name && ev->partner_name[0] ? ev->partner_name
			      : r->partner_name ? r->partner_name : "";
	notice_put_string(o, "partner", partner);
	/* the partner is the school's to reach about what was agreed */
	notice_put_string(o, "partner_email", ev->partner_email);
	notice_put_string(o, "partner_phone", ev->partner_phone);
	notice_put_bool(o, "has_partner_contact",
			(ev->partner_email && ev->partner_email[0]) ||
				(ev->partner_phone && ev->partner_phone[0]));
	notice_put_strings(o, "attended", r->attended, r->n_attended, false);
	const char *word, *meaning;
	notice_visit_progress(r->progress, &word, &meaning);
	notice_put_string(o, "progress", word);
	notice_put_string(o, "progress_meaning", meaning);
	notice_put_strings(o, "strengths", r->strengths, r->n_strengths, true);
	notice_put_strings(o, "priorities", r->priorities, r->n_priorities, true);
	notice_put_strings(o, "actions", r->agreed_actions, r->n_agreed_actions, true);
	notice_put_string(o, "next_focus", r->next_visit_focus);
	notice_put_string(o, "validation", r->self_evaluation_validation);
	notice_put_strings(o, "signposting", r->signposting, r->n_signposting, true);
	notice_put_string(o, "not_held_reason", r->held ? "" : r->not_held_reason);
	notice_put_bool(o, "corrected", corrected);
	return root;
}

json_t *notice_data_mi(const struct notice_letterhead *lh, const N2gg__V1__NotifierSchool *school,
		       const N2gg__V1__NotifierCluster *cluster, const N2gg__V1__MiSheet *sheet,
		       enum notice_mi_letter letter)
{
	json_t *root = notice_letter(lh);
	if (school) {
		notice_put_notifier_school(root, school);
	} else if (cluster) {
		json_t *c = notice_put_object(root, "cluster");
		notice_put_string(c, "id", cluster->id);
		notice_put_string(c, "name", cluster->name);
	}
	if (!sheet)
		return root;
	json_t *mi = notice_put_object(root, "mi");
	bool action = sheet->type == N2GG__V1__MI_TYPE__MI_ACTION;
	notice_put_string(mi, "number", sheet->number);
	bool information = sheet->type == N2GG__V1__MI_TYPE__MI_INFORMATION;
	notice_put_string(mi, "type", action ? "Action" : information ? "Information" : "");
	notice_put_bool(mi, "action", action);
	notice_put_string(mi, "title", sheet->title);
	notice_put_string(mi, "body", sheet->body);
	notice_put_date(mi, "complete_by", sheet->complete_by, false);
	notice_put_date(mi, "publication_date", sheet->publication_date, false);
	json_t *contact = notice_put_object(mi, "contact");
	notice_put_string(contact, "name", sheet->contact_name);
	notice_put_string(contact, "phone", sheet->contact_phone);
	json_t *links = notice_put_list(mi, "links");
	for (size_t i = 0; i < sheet->n_links; i++)
		notice_append(links, notice_json_string(sheet->links[i]));
	notice_put_bool(mi, "reminder", letter == NOTICE_MI_REMINDER);
	notice_put_bool(mi, "for_cluster", !school);
	notice_put_bool(mi, "has_questions", sheet->n_questions > 0);
	json_t *questions = notice_put_list(mi, "questions");
	for (size_t i = 0; i < sheet->n_questions; i++) {
		const N2gg__V1__MiQuestion *q = sheet->questions[i];
		json_t *o = notice_json(json_object());
		notice_put_int(o, "number", q->number);
		notice_put_string(o, "text", q->text);
		notice_put_bool(o, "choice", q->n_options > 0);
		/* "Yes / No / Not sure": one line a template can print as it stands */
		char *opts = notice_strf("%s", "");
		for (size_t k = 0; k < q->n_options; k++) {
			char *joined = notice_strf("%s%s%s", opts, k ? " / " : "", q->options[k]);
			free(opts);
			opts = joined;
		}
		notice_put_string(o, "options", opts);
		free(opts);
		notice_append(questions, o);
	}
	notice_put_bool(mi, "corrected", letter == NOTICE_MI_CORRECTED);
	notice_put_string(mi, "correction_note",
			  letter == NOTICE_MI_CORRECTED ? sheet->correction_note : "");
	notice_put_bool(mi, "withdrawn", letter == NOTICE_MI_WITHDRAWN);
	notice_put_string(mi, "withdrawal_reason",
			  letter == NOTICE_MI_WITHDRAWN ? sheet->withdrawal_reason : "");
	return root;
}

json_t *notice_data_digest(const struct notice_letterhead *lh,
			   const N2gg__V1__NotifierSchool *school,
			   const struct notice_digest_item *items, size_t n)
{
	json_t *root = notice_letter(lh);
	notice_put_notifier_school(root, school);
	json_t *list = notice_put_list(root, "items");
	for (size_t i = 0; i < n; i++) {
		const struct notice_kind_info *info = notice_kind(items[i].kind);
		json_t *o = notice_json(json_object());
		notice_put_string(o, "kind", info ? info->title : "Notice");
		notice_put_string(o, "subject", items[i].subject);
		notice_put_string(o, "text", items[i].text);
		notice_append(list, o);
	}
	notice_put_int(root, "item_count", (json_int_t)n);
	return root;
}

/* ---- rendering ---- */

/* The shortest form that reads back as the same double: what was written, for any number
 * a person would write in a letter's data ("2.5", "1000" for 1e3, "1.5e-07"). The locale's
 * decimal point is put back to '.'. */
static const char *notice_real(struct arena *a, double v)
{
	char buf[400];
	int p = 1;
	for (; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* %g writes 1000 to one digit as "1e+03": a letter wants the digits. */
	char *e = strchr(buf, 'e');
	if (e) {
		int exp = atoi(e + 1);
		if (exp >= -4 && exp < 17)
			snprintf(buf, sizeof buf, "%.*f", p - 1 - exp > 0 ? p - 1 - exp : 0, v);
	}
	for (char *c = buf; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '-' || *c == '+' || *c == 'e'))
			*c = '.';
	return arena_strdup(a, buf);
}

/* JSON as the template's data: null is missing, so it is left out of objects and lists. */
static struct template_value *notice_value(struct arena *a, json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		struct template_value *o = template_object(a);
		const char *key;
		json_t *v;
		json_object_foreach(j, key, v) {
			struct template_value *tv = notice_value(a, v);
			if (tv)
				template_set(a, o, key, tv);
		}
		return o;
	}
	case JSON_ARRAY: {
		struct template_value *l = template_list(a);
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) {
			struct template_value *tv = notice_value(a, v);
			if (tv)
				template_append(a, l, tv);
		}
		return l;
	}
	case JSON_STRING:
		return template_string(a, json_string_value(j));
	case JSON_INTEGER:
		return template_string(a, arena_printf(a, "%" JSON_INTEGER_FORMAT,
						       json_integer_value(j)));
	case JSON_REAL:
		return template_string(a, notice_real(a, json_real_value(j)));
	case JSON_TRUE:
		return template_bool(a, true);
	case JSON_FALSE:
		return template_bool(a, false);
	case JSON_NULL:
		return NULL;
	}
	return NULL;
}

static const char *notice_json_type(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	default: return "an object";
	}
}

int notice_render(const struct notice_templates *t, N2gg__V1__NoticeKind kind,
		  const char *data_json, const N2gg__V1__Recipient *recipient, struct arena *a,
		  struct notice_rendered *out, struct status *st)
{
	const struct notice_kind_info *info = notice_kind(kind);
	if (!info)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "unknown notice kind %d",
				   (int)kind);
	const struct template_file *f = &t->files[kind];
	if (!f->subject || !f->text)
		return status_fail(st, STATUS_FAILED_PRECONDITION, "%s: no template loaded",
				   info->file);
	if (!data_json)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: the notice has no data",
				   info->name);
	json_error_t err;
	json_t *j = json_loads(data_json, JSON_DECODE_ANY, &err);
	if (!j)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s: the notice's data is not JSON: line %d: %s", info->name,
				   err.line, err.text);
	if (!json_is_object(j)) {
		int rc = status_fail(st, STATUS_INVALID_ARGUMENT,
				     "%s: the notice's data is %s, not a JSON object", info->name,
				     notice_json_type(j));
		json_decref(j);
		return rc;
	}
	struct template_value *data = notice_value(a, j);
	json_decref(j);

	/* The data is the notice's, shared by all its recipients: who it is addressed to is
	 * added here, over anything of that name in the data. */
	struct template_value *r = template_set_object(a, data, "recipient");
	template_set_string(a, r, "name", recipient ? recipient->name : "");
	template_set_string(a, r, "role", recipient ? notice_role_title(recipient->role) : "");

	out->subject = template_render(f->subject, data, TEMPLATE_PART_SUBJECT, a, NULL);
	out->text = template_render(f->text, data, TEMPLATE_PART_TEXT, a, NULL);
	out->html = f->html ? template_render(f->html, data, TEMPLATE_PART_HTML, a, NULL) : NULL;
	return 0;
}
