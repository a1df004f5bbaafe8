/* template: compiling and rendering the notifier's Mustache-subset templates (see
 * template.h for the language, the declared variables and the file format). */
#include "template.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* ---- data ---- */

static struct template_value *template_new(struct arena *a, enum template_kind kind)
{
	struct template_value *v = arena_zalloc(a, sizeof *v);
	v->kind = kind;
	v->string = "";
	return v;
}

struct template_value *template_object(struct arena *a)
{
	return template_new(a, TEMPLATE_OBJECT);
}

struct template_value *template_list(struct arena *a)
{
	return template_new(a, TEMPLATE_LIST);
}

struct template_value *template_string(struct arena *a, const char *s)
{
	struct template_value *v = template_new(a, TEMPLATE_STRING);
	v->string = arena_strdup(a, s ? s : "");
	return v;
}

struct template_value *template_bool(struct arena *a, bool b)
{
	struct template_value *v = template_new(a, TEMPLATE_BOOL);
	v->boolean = b;
	return v;
}

struct template_value *template_set(struct arena *a, struct template_value *obj, const char *name,
				    struct template_value *value)
{
	for (size_t i = 0; i < obj->member_count; i++)
		if (strcmp(obj->members[i].name, name) == 0) {
			obj->members[i].value = value;
			return value;
		}
	obj->members = arena_grow(a, obj->members, obj->member_count, &obj->member_cap,
				  sizeof *obj->members);
	obj->members[obj->member_count++] =
		(struct template_member){ .name = arena_strdup(a, name), .value = value };
	return value;
}

void template_set_string(struct arena *a, struct template_value *obj, const char *name,
			 const char *s)
{
	template_set(a, obj, name, template_string(a, s));
}

void template_set_stringf(struct arena *a, struct template_value *obj, const char *name,
			  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = arena_alloc(a, (size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	struct template_value *v = template_new(a, TEMPLATE_STRING);
	v->string = s;
	template_set(a, obj, name, v);
}

void template_set_bool(struct arena *a, struct template_value *obj, const char *name, bool b)
{
	template_set(a, obj, name, template_bool(a, b));
}

struct template_value *template_set_object(struct arena *a, struct template_value *obj,
					   const char *name)
{
	return template_set(a, obj, name, template_object(a));
}

struct template_value *template_set_list(struct arena *a, struct template_value *obj,
					 const char *name)
{
	return template_set(a, obj, name, template_list(a));
}

void template_append(struct arena *a, struct template_value *list, struct template_value *item)
{
	list->items = arena_grow(a, list->items, list->item_count, &list->item_cap,
				 sizeof *list->items);
	list->items[list->item_count++] = item;
}

struct template_value *template_append_object(struct arena *a, struct template_value *list)
{
	struct template_value *o = template_object(a);
	template_append(a, list, o);
	return o;
}

const struct template_value *template_get(const struct template_value *obj, const char *name)
{
	if (!obj || obj->kind != TEMPLATE_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->member_count; i++)
		if (strcmp(obj->members[i].name, name) == 0)
			return obj->members[i].value;
	return NULL;
}

/* ---- compiling ---- */

/* What a declared name is: a value, a list ("name[]"), or an object (a proper prefix of
 * a declared name). */
enum template_known { KNOWN_NONE, KNOWN_OBJECT, KNOWN_VALUE, KNOWN_LIST };

/* An open section: the node, and the full dotted name its body resolves names against
 * (NULL for an inverted section, which adds no context). */
struct template_open {
	int node;
	const char *scope;
};

struct template_parser {
	const char *name;
	const char *text;
	size_t len;
	const char *const *known;
	struct arena *a;
	struct status *st;
	struct template_node *nodes;
	size_t node_count, node_cap;
	struct template_open *open;
	size_t open_count, open_cap;
	int max_depth;
};

static enum template_known template_known_kind(const char *const *known, const char *full)
{
	enum template_known best = KNOWN_NONE;
	size_t n = strlen(full);
	for (size_t i = 0; known && known[i]; i++) {
		const char *k = known[i];
		if (strncmp(k, full, n) != 0)
			continue;
		if (strcmp(k + n, "[]") == 0)
			return KNOWN_LIST;
		if (k[n] == '\0')
			best = KNOWN_VALUE;
		else if (k[n] == '.' && best == KNOWN_NONE)
			best = KNOWN_OBJECT;
	}
	return best;
}

/* Resolves a written name (already checked well formed) as the renderer will: its first
 * part from the innermost section's scope outwards. Returns the full dotted name and its
 * kind, or KNOWN_NONE. */
static enum template_known template_resolve(struct template_parser *p, const char *written,
					    const char *first, const char **full)
{
	for (size_t i = p->open_count + 1; i-- > 0;) {
		const char *scope = i == 0 ? NULL : p->open[i - 1].scope;
		if (i > 0 && !scope)
			continue;  /* inverted: no context of its own */
		const char *head = scope ? arena_printf(p->a, "%s.%s", scope, first) : first;
		if (template_known_kind(p->known, head) == KNOWN_NONE)
			continue;
		*full = scope ? arena_printf(p->a, "%s.%s", scope, written) : written;
		return template_known_kind(p->known, *full);
	}
	return KNOWN_NONE;
}

static bool template_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Splits "a.b.c" into parts; "." gives no parts. -1 when the name is malformed. */
static int template_split(struct arena *a, const char *name, const char ***parts, int *count)
{
	*parts = NULL;
	*count = 0;
	if (strcmp(name, ".") == 0)
		return 0;
	int n = 1;
	for (const char *c = name; *c; c++) {
		if (*c == '.')
			n++;
		else if (!template_name_char(*c))
			return -1;
	}
	const char **out = arena_alloc(a, (size_t)n * sizeof *out);
	const char *start = name;
	for (int i = 0; i < n; i++) {
		const char *dot = strchr(start, '.');
		size_t len = dot ? (size_t)(dot - start) : strlen(start);
		if (len == 0)
			return -1;
		out[i] = arena_strndup(a, start, len);
		start = dot ? dot + 1 : start + len;
	}
	*parts = out;
	*count = n;
	return 0;
}

static struct template_node *template_add(struct template_parser *p,
					  enum template_node_kind kind, int line)
{
	p->nodes = arena_grow(p->a, p->nodes, p->node_count, &p->node_cap, sizeof *p->nodes);
	struct template_node *n = &p->nodes[p->node_count++];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->line = line;
	n->end = -1;
	return n;
}

static void template_add_text(struct template_parser *p, size_t from, size_t to, int line)
{
	if (to <= from)
		return;
	struct template_node *n = template_add(p, TEMPLATE_NODE_TEXT, line);
	n->text = p->text + from;
	n->len = to - from;
}

static int template_count_lines(const char *text, size_t from, size_t to)
{
	int n = 0;
	for (size_t i = from; i < to; i++)
		n += text[i] == '\n';
	return n;
}

static bool template_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool template_space(char c)
{
	return template_blank(c) || c == '\n' || c == '\r';
}

/* Finds `close` from `from`; for tags other than comments the tag must end on its line,
 * so a forgotten "}}" is reported where it was forgotten rather than pages later. */
static size_t template_find_close(const struct template_parser *p, size_t from,
				  const char *close, bool multiline)
{
	size_t cl = strlen(close);
	for (size_t i = from; i + cl <= p->len; i++) {
		if (memcmp(p->text + i, close, cl) == 0)
			return i;
		if (!multiline && p->text[i] == '\n')
			break;
	}
	return (size_t)-1;
}

static int template_tag(struct template_parser *p, char sigil, const char *written, int line)
{
	const char *name = p->name;
	if (sigil == '!')
		return 0;
	if (sigil == '>' || sigil == '=')
		return status_fail(p->st, STATUS_INVALID_ARGUMENT,
				   "%s:%d: '{{%c' tags (%s) are not supported", name, line, sigil,
				   sigil == '>' ? "partials" : "delimiter changes");
	if (written[0] == '\0')
		return status_fail(p->st, STATUS_INVALID_ARGUMENT, "%s:%d: empty tag", name,
				   line);
	const char **parts;
	int count;
	if (template_split(p->a, written, &parts, &count) < 0)
		return status_fail(p->st, STATUS_INVALID_ARGUMENT,
				   "%s:%d: bad variable name '%s' (letters, digits, '_', '-' "
				   "and dots between them)",
				   name, line, written);

	if (sigil == '/') {
		if (p->open_count == 0)
			return status_fail(p->st, STATUS_INVALID_ARGUMENT,
					   "%s:%d: '{{/%s}}' closes no open section", name, line,
					   written);
		struct template_open *o = &p->open[p->open_count - 1];
		struct template_node *start = &p->nodes[o->node];
		if (strlen(written) != start->len || memcmp(written, start->text, start->len) != 0)
			return status_fail(p->st, STATUS_INVALID_ARGUMENT,
					   "%s:%d: '{{/%s}}' does not close section '%.*s' opened "
					   "at line %d",
					   name, line, written, (int)start->len, start->text,
					   start->line);
		p->open_count--;
		int end = (int)p->node_count;
		struct template_node *n = template_add(p, TEMPLATE_NODE_END, line);
		n->text = p->nodes[o->node].text;
		n->len = p->nodes[o->node].len;
		p->nodes[o->node].end = end;
		return 0;
	}

	bool section = sigil == '#' || sigil == '^';
	const char *full = written;
	enum template_known kind;
	if (count == 0) {
		bool in_context = false;
		for (size_t i = 0; i < p->open_count; i++)
			in_context |= p->open[i].scope != NULL;
		if (section || !in_context)
			return status_fail(p->st, STATUS_INVALID_ARGUMENT,
					   "%s:%d: '.' names the current item, so only inside "
					   "a section and not as one",
					   name, line);
		kind = KNOWN_VALUE;
	} else {
		kind = template_resolve(p, written, parts[0], &full);
	}
	if (kind == KNOWN_NONE)
		return status_fail(p->st, STATUS_INVALID_ARGUMENT, "%s:%d: unknown variable '%s'",
				   name, line, written);
	if (!section && kind == KNOWN_LIST)
		return status_fail(p->st, STATUS_INVALID_ARGUMENT,
				   "%s:%d: '%s' is a list: use {{#%s}}...{{/%s}} over its items",
				   name, line, written, written, written);
	if (!section && kind == KNOWN_OBJECT)
		return status_fail(p->st, STATUS_INVALID_ARGUMENT,
				   "%s:%d: '%s' is an object, not a value: name one of its fields",
				   name, line, written);

	enum template_node_kind nk = sigil == '#'   ? TEMPLATE_NODE_SECTION
				     : sigil == '^' ? TEMPLATE_NODE_INVERTED
				     : sigil == '&' || sigil == '{' ? TEMPLATE_NODE_RAW
				     : TEMPLATE_NODE_VAR;
	struct template_node *n = template_add(p, nk, line);
	n->text = written;
	n->len = strlen(written);
	n->path = parts;
	n->path_count = count;
	if (section) {
		p->open = arena_grow(p->a, p->open, p->open_count, &p->open_cap, sizeof *p->open);
		p->open[p->open_count++] = (struct template_open){
			.node = (int)p->node_count - 1,
			.scope = sigil == '#' ? full : NULL,
		};
		if ((int)p->open_count > p->max_depth)
			p->max_depth = (int)p->open_count;
	}
	return 0;
}

/* Letters are sent as UTF-8 C strings: a NUL byte would silently end the letter where it
 * stands, and bytes that are not UTF-8 would make every letter fail when it is sent.
 * Both are refused here, where the officer who edits the file sees which line. */
static int template_check_text(const char *name, const char *text, size_t len, int first_line,
			       struct status *st)
{
	int line = first_line;
	for (size_t from = 0; from < len; line++) {
		const char *nl = memchr(text + from, '\n', len - from);
		size_t to = nl ? (size_t)(nl - text) : len;
		if (memchr(text + from, '\0', to - from))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%s:%d: a NUL byte (is this a text file?)", name, line);
		if (!utf8_valid(text + from, to - from))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%s:%d: not UTF-8 (save the file as UTF-8)", name, line);
		from = to + 1;
	}
	return 0;
}

static int template_parse_at(const char *name, const char *text, size_t len, int first_line,
			     const char *const *known, struct arena *a, struct template **out,
			     struct status *st)
{
	int rc = template_check_text(name, text, len, first_line, st);
	if (rc < 0)
		return rc;
	/* Text nodes point into the source, so it is copied: the caller may free its buffer. */
	text = arena_strndup(a, text, len);
	struct template_parser p = {
		.name = name, .text = text, .len = len, .known = known, .a = a, .st = st,
	};
	size_t pos = 0;
	int line = first_line;      /* the line `pos` is on */
	size_t last_tag_end = 0;    /* a tag after another on the same line is not standalone */
	while (pos < len) {
		size_t q = pos;
		while (q + 1 < len && !(text[q] == '{' && text[q + 1] == '{'))
			q++;
		if (q + 1 >= len) {
			template_add_text(&p, pos, len, line);
			break;
		}
		int tag_line = line + template_count_lines(text, pos, q);
		size_t body = q + 2;
		char sigil = body < len ? text[body] : '\0';
		const char *close = "}}";
		if (sigil == '{') {
			close = "}}}";
			body++;
		} else if (sigil != '\0' && strchr("#^/!&>=", sigil)) {
			body++;
		} else {
			sigil = '\0';
		}
		size_t c = template_find_close(&p, body, close, sigil == '!');
		if (c == (size_t)-1)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%s:%d: tag '{{%.*s' has no closing '%s'%s", name,
					   tag_line, (int)(body - q - 2), text + q + 2, close,
					   sigil == '!' ? "" : " on its line");
		size_t e = c + strlen(close);

		/* Standalone: only blanks between the line's start and the tag and between the
		 * tag and the line's end, and no other tag on the line: drop the whole line. */
		size_t text_end = q, next = e;
		if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!') {
			size_t ls = q;
			while (ls > 0 && text[ls - 1] != '\n')
				ls--;
			bool before = ls >= last_tag_end && ls >= pos;
			for (size_t i = ls; before && i < q; i++)
				before = template_blank(text[i]);
			size_t r = e;
			while (r < len && template_blank(text[r]))
				r++;
			size_t eol = (size_t)-1;
			if (r == len)
				eol = len;
			else if (text[r] == '\n')
				eol = r + 1;
			else if (text[r] == '\r' && r + 1 < len && text[r + 1] == '\n')
				eol = r + 2;
			if (before && eol != (size_t)-1) {
				text_end = ls;
				next = eol;
			}
		}
		template_add_text(&p, pos, text_end, line);
		size_t ws = body, we = c;
		while (ws < we && template_space(text[ws]))
			ws++;
		while (we > ws && template_space(text[we - 1]))
			we--;
		const char *written = arena_strndup(a, text + ws, we - ws);
		int rc = template_tag(&p, sigil, written, tag_line);
		if (rc < 0)
			return rc;
		last_tag_end = e;
		line = tag_line + template_count_lines(text, q, next);
		pos = next;
	}
	if (p.open_count > 0) {
		const struct template_node *n = &p.nodes[p.open[p.open_count - 1].node];
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s:%d: section '%.*s' is not closed", name, n->line,
				   (int)n->len, n->text);
	}
	struct template *t = arena_zalloc(a, sizeof *t);
	t->name = arena_strdup(a, name);
	t->nodes = p.nodes;
	t->node_count = (int)p.node_count;
	t->max_depth = p.max_depth;
	*out = t;
	return 0;
}

int template_parse(const char *name, const char *text, size_t len,
		   const char *const *known_vars, struct arena *a, struct template **out,
		   struct status *st)
{
	return template_parse_at(name, text, len, 1, known_vars, a, out, st);
}

/* ---- rendering ---- */

struct template_out {
	struct arena *a;
	char *buf;
	size_t len, cap;
};

/* Doubling keeps appends amortised constant; the outgrown buffers stay in the arena until
 * it is reset, at most as much again as the result. */
static void template_put(struct template_out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 256;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *grown = arena_alloc(o->a, cap);
		if (o->len)
			memcpy(grown, o->buf, o->len);
		o->buf = grown;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void template_put_html(struct template_out *o, const char *s)
{
	const char *run = s;
	for (const char *c = s;; c++) {
		const char *rep = NULL;
		switch (*c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\0': break;
		default: continue;
		}
		template_put(o, run, (size_t)(c - run));
		if (!rep)
			return;
		template_put(o, rep, strlen(rep));
		run = c + 1;
	}
}

static void template_put_line(struct template_out *o, const char *s)
{
	for (const char *c = s; *c; c++) {
		unsigned char u = (unsigned char)*c;
		template_put(o, u < 0x20 || u == 0x7f ? " " : c, 1);
	}
}

struct template_renderer {
	const struct template *t;
	enum template_part part;
	struct template_out out;
	const struct template_value **stack;
	int depth;
};

static const struct template_value *template_lookup(const struct template_renderer *r,
						    const struct template_node *n)
{
	if (n->path_count == 0)
		return r->stack[r->depth - 1];
	const struct template_value *v = NULL;
	for (int i = r->depth; i-- > 0 && !v;)
		v = template_get(r->stack[i], n->path[0]);
	for (int i = 1; i < n->path_count && v; i++)
		v = template_get(v, n->path[i]);
	return v;
}

static bool template_truthy(const struct template_value *v)
{
	if (!v)
		return false;
	switch (v->kind) {
	case TEMPLATE_STRING: return v->string[0] != '\0';
	case TEMPLATE_BOOL: return v->boolean;
	case TEMPLATE_LIST: return v->item_count > 0;
	case TEMPLATE_OBJECT: return v->member_count > 0;
	}
	return false;
}

static void template_put_value(struct template_renderer *r, const struct template_value *v,
			       bool raw)
{
	if (!v || v->kind == TEMPLATE_LIST || v->kind == TEMPLATE_OBJECT)
		return;
	const char *s = v->kind == TEMPLATE_BOOL ? (v->boolean ? "true" : "false") : v->string;
	if (r->part == TEMPLATE_PART_SUBJECT)
		template_put_line(&r->out, s);
	else if (r->part == TEMPLATE_PART_HTML && !raw)
		template_put_html(&r->out, s);
	else
		template_put(&r->out, s, strlen(s));
}

static void template_render_range(struct template_renderer *r, int from, int to)
{
	const struct template_node *nodes = r->t->nodes;
	for (int i = from; i < to; i++) {
		const struct template_node *n = &nodes[i];
		switch (n->kind) {
		case TEMPLATE_NODE_TEXT:
			template_put(&r->out, n->text, n->len);
			break;
		case TEMPLATE_NODE_VAR:
		case TEMPLATE_NODE_RAW:
			template_put_value(r, template_lookup(r, n), n->kind == TEMPLATE_NODE_RAW);
			break;
		case TEMPLATE_NODE_SECTION: {
			const struct template_value *v = template_lookup(r, n);
			if (template_truthy(v)) {
				size_t times = v->kind == TEMPLATE_LIST ? v->item_count : 1;
				for (size_t k = 0; k < times; k++) {
					r->stack[r->depth++] =
						v->kind == TEMPLATE_LIST ? v->items[k] : v;
					template_render_range(r, i + 1, n->end);
					r->depth--;
				}
			}
			i = n->end;
			break;
		}
		case TEMPLATE_NODE_INVERTED:
			if (!template_truthy(template_lookup(r, n)))
				template_render_range(r, i + 1, n->end);
			i = n->end;
			break;
		case TEMPLATE_NODE_END:
			break;
		}
	}
}

char *template_render(const struct template *t, const struct template_value *data,
		      enum template_part part, struct arena *a, size_t *len)
{
	struct template_renderer r = { .t = t, .part = part, .out = { .a = a } };
	r.stack = arena_alloc(a, (size_t)(t->max_depth + 1) * sizeof *r.stack);
	r.stack[r.depth++] = data;
	template_render_range(&r, 0, t->node_count);
	template_put(&r.out, "", 0);  /* makes sure there is a buffer to terminate */
	r.out.buf[r.out.len] = '\0';
	if (len)
		*len = r.out.len;
	return r.out.buf;
}

/* ---- template files ---- */

enum template_section_id { PART_HEADER, PART_TEXT, PART_HTML };

/* "--- text ---" or "--- html ---" (trailing blanks and CR ignored), else PART_HEADER. */
static enum template_section_id template_separator(const char *line, size_t len)
{
	while (len > 0 && (template_blank(line[len - 1]) || line[len - 1] == '\r'))
		len--;
	if (len == 12 && memcmp(line, "--- text ---", 12) == 0)
		return PART_TEXT;
	if (len == 12 && memcmp(line, "--- html ---", 12) == 0)
		return PART_HTML;
	return PART_HEADER;
}

struct template_part_range {
	bool seen;
	size_t from, to;
	int first_line;
};

static bool template_starts_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (*s != *prefix && !(*s >= 'A' && *s <= 'Z' && *s - 'A' + 'a' == *prefix))
			return false;
	return true;
}

static int template_file_header(const char *name, const char *line, size_t n, int lineno,
				const char *const *known, struct arena *a,
				struct template_file *out, struct status *st)
{
	size_t i = 0;
	while (i < n && (template_blank(line[i]) || line[i] == '\r'))
		i++;
	if (i == n || line[i] == '#')
		return 0;
	if (n - i < 8 || !template_starts_ci(line + i, "subject:"))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s:%d: expected 'Subject: ...' or a '--- text ---' line in "
				   "the header",
				   name, lineno);
	if (out->subject)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s:%d: a second 'Subject:' line",
				   name, lineno);
	i += 8;
	while (i < n && template_blank(line[i]))
		i++;
	while (n > i && (template_blank(line[n - 1]) || line[n - 1] == '\r'))
		n--;
	if (i == n)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s:%d: the subject is empty",
				   name, lineno);
	/* values become one line when rendered; the template's own text must be one too, or
	 * every letter would be refused when sent (a mail header takes no control character) */
	for (size_t k = i; k < n; k++) {
		unsigned char c = (unsigned char)line[k];
		if (c < 0x20 || c == 0x7f)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%s:%d: the subject has control character 0x%02x (a mail "
					   "header takes none)",
					   name, lineno, c);
	}
	return template_parse_at(name, line + i, n - i, lineno, known, a, &out->subject, st);
}

int template_file_parse(const char *name, const char *text, size_t len,
			const char *const *known_vars, struct arena *a,
			struct template_file *out, struct status *st)
{
	memset(out, 0, sizeof *out);
	out->name = arena_strdup(a, name);
	struct template_part_range parts[3] = { { 0 } };
	enum template_section_id in = PART_HEADER;
	int lineno = 1;
	for (size_t pos = 0; pos < len; lineno++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t next = nl ? end + 1 : len;
		enum template_section_id sep = template_separator(text + pos, end - pos);
		if (sep != PART_HEADER) {
			if (parts[sep].seen)
				return status_fail(st, STATUS_INVALID_ARGUMENT,
						   "%s:%d: a second '--- %s ---' part", name,
						   lineno, sep == PART_TEXT ? "text" : "html");
			if (in != PART_HEADER)
				parts[in].to = pos;
			parts[sep] = (struct template_part_range){
				.seen = true, .from = next, .to = len, .first_line = lineno + 1,
			};
			in = sep;
		} else if (in == PART_HEADER) {
			int rc = template_file_header(name, text + pos, end - pos, lineno,
						      known_vars, a, out, st);
			if (rc < 0)
				return rc;
		}
		pos = next;
	}
	if (!out->subject)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s: no 'Subject:' line before the parts", name);
	if (!parts[PART_TEXT].seen)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: no '--- text ---' part",
				   name);
	for (int k = PART_TEXT; k <= PART_HTML; k++) {
		if (!parts[k].seen)
			continue;
		int rc = template_parse_at(name, text + parts[k].from, parts[k].to - parts[k].from,
					   parts[k].first_line, known_vars, a,
					   k == PART_TEXT ? &out->text : &out->html, st);
		if (rc < 0)
			return rc;
	}
	return 0;
}
