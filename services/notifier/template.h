/* template: the notifier's letter templates, a logic-less subset of Mustache, compiled once
 * when loaded and rendered many times over a plain data tree. Pure: no I/O.
 *
 * Tags (delimiters are always {{ }}):
 *   {{name}}         the value, HTML-escaped (& < > " ') when rendering an HTML part and
 *                    verbatim in a text part
 *   {{{name}}}       the value, never escaped ({{& name}} means the same)
 *   {{a.b.c}}        dotted names: `a` is looked up from the innermost section outwards,
 *                    then `b` and `c` inside it
 *   {{.}}            the current item (inside a section over a list of strings)
 *   {{#name}}..{{/name}}  a section: repeated for each item of a non-empty list (the item
 *                    becomes the innermost context), rendered once for true, a non-empty
 *                    string or a non-empty object (which becomes the innermost context),
 *                    skipped for false, empty and missing values
 *   {{^name}}..{{/name}}  an inverted section: rendered exactly when {{#name}} would not be
 *   {{! comment }}   ignored; may span lines, ends at the first "}}"
 * A section, inverted section, closing or comment tag alone on its line (only spaces and
 * tabs around it) removes the whole line, newline included, as in Mustache, so templates
 * can put them on lines of their own. Partials and delimiter changes are not supported.
 *
 * Loading refuses, with "file:line: ...", a template that names a variable its caller did
 * not declare, that leaves a section open or closes the wrong one, that has a malformed
 * tag, a NUL byte or text that is not UTF-8, or a subject with a control character: a
 * mistake in a letter is found when the template is loaded, not when a headteacher reads
 * "Dear ," (or when the mail server refuses the letter). Rendering never fails: data missing at run time renders as nothing, and
 * the work is linear in the template and the output.
 *
 * Declared variables (`known_vars`, NULL-terminated) are full dotted names as seen from the
 * top of the data: "school.name", "category.letter". A list is declared with "[]" after
 * its name, and its items' fields as members of the list's name: "visits[]",
 * "visits.date", "visits.partner.name". Any prefix of a declared name is an object that a
 * section may open ({{#school}}...{{/school}}); inside a section a name is resolved as
 * Mustache does, from the section's own name outwards. Interpolating a list or an object
 * is refused, as it would render nothing.
 *
 * A template file holds the subject and both parts of one message:
 *
 *   # comment lines (starting with '#') and blank lines are allowed in the header
 *   Subject: LA category for {{school.name}}: {{category.letter}}
 *   --- text ---
 *   Dear {{headteacher.name}},
 *   ...
 *   --- html ---
 *   <p>Dear {{headteacher.name}},</p>
 *   ...
 *
 * The header ends at the first separator line; it must hold exactly one `Subject:` line
 * (itself a one-line template) and nothing else. The separators are the lines
 * "--- text ---" and "--- html ---" (trailing spaces and a CR are ignored); the text part
 * is required, the html part optional, each at most once, in either order. A part is
 * everything between its separator line and the next separator or the end of the file. */
#ifndef N2GG_TEMPLATE_H
#define N2GG_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "status.h"

/* ---- the data a template renders ---- */

enum template_kind { TEMPLATE_STRING, TEMPLATE_BOOL, TEMPLATE_LIST, TEMPLATE_OBJECT };

struct template_value;

struct template_member {
	const char *name;
	struct template_value *value;
};

struct template_value {
	enum template_kind kind;
	const char *string;              /* TEMPLATE_STRING, never NULL */
	bool boolean;                    /* TEMPLATE_BOOL */
	struct template_value **items;   /* TEMPLATE_LIST */
	size_t item_count, item_cap;
	struct template_member *members; /* TEMPLATE_OBJECT, in the order they were set */
	size_t member_count, member_cap;
};

/* Builders: everything is allocated in `a`, strings copied (NULL becomes ""). */
struct template_value *template_object(struct arena *a);
struct template_value *template_list(struct arena *a);
struct template_value *template_string(struct arena *a, const char *s);
struct template_value *template_bool(struct arena *a, bool b);

/* Sets obj.name (replacing any earlier value of that name); returns value. */
struct template_value *template_set(struct arena *a, struct template_value *obj, const char *name,
				    struct template_value *value);
void template_set_string(struct arena *a, struct template_value *obj, const char *name,
			 const char *s);
void template_set_stringf(struct arena *a, struct template_value *obj, const char *name,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void template_set_bool(struct arena *a, struct template_value *obj, const char *name, bool b);
/* Sets obj.name to a new empty object or list and returns it, to be filled in. */
struct template_value *template_set_object(struct arena *a, struct template_value *obj,
					   const char *name);
struct template_value *template_set_list(struct arena *a, struct template_value *obj,
					 const char *name);

/* Appends to a list; template_append_object appends a new empty object and returns it. */
void template_append(struct arena *a, struct template_value *list, struct template_value *item);
struct template_value *template_append_object(struct arena *a, struct template_value *list);

/* obj.name (one level, no dots), or NULL when obj is not an object or has no such member. */
const struct template_value *template_get(const struct template_value *obj, const char *name);

/* ---- compiled templates ---- */

enum template_node_kind {
	TEMPLATE_NODE_TEXT,     /* text, len */
	TEMPLATE_NODE_VAR,      /* escaped unless rendering a text part */
	TEMPLATE_NODE_RAW,      /* never escaped */
	TEMPLATE_NODE_SECTION,  /* body is nodes (i, end); nodes[end] is its TEMPLATE_NODE_END */
	TEMPLATE_NODE_INVERTED,
	TEMPLATE_NODE_END,
};

struct template_node {
	enum template_node_kind kind;
	const char *text;       /* TEXT: the text (not terminated); others: the name as written */
	size_t len;
	const char **path;      /* the name split at dots; path_count 0 for "." */
	int path_count;
	int end;                /* SECTION, INVERTED: index of the matching END */
	int line;
};

struct template {
	const char *name;       /* for messages: usually the file name */
	struct template_node *nodes;
	int node_count;
	int max_depth;          /* deepest section nesting, for the renderer's context stack */
};

/* Compiles text[0..len) (which need not be terminated) into *out, everything in `a`.
 * Refuses (STATUS_INVALID_ARGUMENT, "name:line: ...") unknown variables, unclosed or
 * mismatched sections and malformed tags; known_vars as described above (NULL: none). */
int template_parse(const char *name, const char *text, size_t len,
		   const char *const *known_vars, struct arena *a, struct template **out,
		   struct status *st);

/* Which part is being rendered: how {{name}} values are written. A subject takes every
 * value (triple braces too) on one line: CR, LF and other control characters become
 * spaces, so data can never add a header line. */
enum template_part { TEMPLATE_PART_TEXT, TEMPLATE_PART_HTML, TEMPLATE_PART_SUBJECT };

/* Renders t over data (an object, or NULL for none) into a terminated string in `a`; *len
 * (if given) receives its length. Never fails: missing values render as nothing; a bool
 * renders "true" or "false"; a list or object renders nothing. */
char *template_render(const struct template *t, const struct template_value *data,
		      enum template_part part, struct arena *a, size_t *len);

/* ---- template files ---- */

struct template_file {
	const char *name;
	struct template *subject;
	struct template *text;
	struct template *html;  /* NULL when the file has no html part */
};

/* Splits a template file (format above) and compiles its three templates; errors name the
 * file's own lines. */
int template_file_parse(const char *name, const char *text, size_t len,
			const char *const *known_vars, struct arena *a,
			struct template_file *out, struct status *st);

#endif
