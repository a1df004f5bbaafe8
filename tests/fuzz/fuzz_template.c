/* fuzz_template: the notifier's letter templates (template_file_parse: the header, the
 * parts, the Mustache subset), loaded as the notifier loads a --templates directory, with
 * each kind's declared variables, and rendered in all three parts over data that fills
 * every declared variable with hostile text (markup, CR LF and a "Bcc:" line, control
 * characters, braces, the template's own text). The first byte of the input picks the
 * kind of notice, the rest is the file.
 *
 * The header promises that a subject is one line whatever the data: no CR, LF or other
 * control character, so a value can never add a mail header. */
#include "fuzz_support.h"

#include "arena.h"
#include "notice.h"
#include "template.h"

static const char *const hostile[] = {
	"Ashwood <b>Primary</b> & \"Nursery\" 'School'",
	"Mrs A. Head\r\nBcc: everyone@example.org",
	"tab\there \x01\x1b[2J\x7f end",
	"St Mary\xE2\x80\x99s C\xC3\xA9 \xF0\x9F\x98\x80",
	"",
	"{{school.name}} {{#x}}{{/x}} }} {{",
};

static bool is_list_with_members(const char *const *vars, const char *list, size_t n)
{
	for (int i = 0; vars[i]; i++)
		if (strncmp(vars[i], list, n) == 0 && vars[i][n] == '.')
			return true;
	return false;
}

/* Sets the declared variable path[0..count) under obj: into every item of a list met on
 * the way, lists made with two items (objects when the list's items have fields). */
static void set_path(struct arena *a, const char *const *vars, struct template_value *obj,
		     char **path, int count, const char *full, size_t full_prefix,
		     const char *value, int k)
{
	const char *seg = path[0];
	size_t len = strlen(seg);
	size_t prefix = full_prefix + (full_prefix ? 1 : 0) + len;
	if (len > 2 && strcmp(seg + len - 2, "[]") == 0) {
		char *name = arena_strndup(a, seg, len - 2);
		struct template_value *list = template_set_list(a, obj, name);
		bool objects = is_list_with_members(vars, full, prefix - 2);
		for (int i = 0; i < 2; i++) {
			if (objects)
				template_append_object(a, list);
			else
				template_append(a, list, template_string(a, hostile[(k + i) % 6]));
		}
		return;
	}
	const struct template_value *existing = template_get(obj, seg);
	if (count == 1) {
		if (k % 7 == 3)
			template_set_bool(a, obj, seg, k % 2);
		else
			template_set_string(a, obj, seg, value);
		return;
	}
	if (existing && existing->kind == TEMPLATE_LIST) {
		for (size_t i = 0; i < existing->item_count; i++)
			if (existing->items[i]->kind == TEMPLATE_OBJECT)
				set_path(a, vars, existing->items[i], path + 1, count - 1, full, prefix,
					 value, k + (int)i);
		return;
	}
	struct template_value *child = existing && existing->kind == TEMPLATE_OBJECT
		? (struct template_value *)existing
		: template_set_object(a, obj, seg);
	set_path(a, vars, child, path + 1, count - 1, full, prefix, value, k);
}

static struct template_value *data_for(struct arena *a, const char *const *vars,
				       const char *input)
{
	struct template_value *root = template_object(a);
	for (int i = 0; vars[i]; i++) {
		char *copy = arena_strdup(a, vars[i]);
		char *path[16];
		int count = 0;
		for (char *save = NULL, *s = strtok_r(copy, ".", &save); s && count < 16;
		     s = strtok_r(NULL, ".", &save))
			path[count++] = s;
		const char *value = i % 6 == 5 ? input : hostile[i % 6];
		/* a list must exist before its members are set: "x[]" precedes "x.y" */
		set_path(a, vars, root, path, count, vars[i], 0, value, i);
	}
	return root;
}

static void check_subject(const char *s, size_t len)
{
	fuzz_assert(strlen(s) == len, "the subject's length is wrong");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		fuzz_assert(c >= 0x20 && c != 0x7f, "the subject has control character 0x%02x: %s",
			    c, s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	N2gg__V1__NoticeKind kind = (N2gg__V1__NoticeKind)(1 + data[0] % (NOTICE_KIND_COUNT - 1));
	const struct notice_kind_info *info = notice_kind(kind);
	if (!info)
		return 0;   /* a number no kind has yet */
	fuzz_assert(info->vars, "kind %d has no variables", (int)kind);

	struct arena a;
	arena_init(&a);
	struct template_file file;
	struct status st = {0};
	int rc = template_file_parse(info->file, (const char *)data + 1, size - 1, info->vars, &a,
				     &file, &st);
	if (rc < 0) {
		fuzz_assert(rc == -STATUS_INVALID_ARGUMENT && st.code == STATUS_INVALID_ARGUMENT,
			    "refused with %d", rc);
		fuzz_assert(strncmp(st.message, info->file, strlen(info->file)) == 0,
			    "a refusal that does not name the file: %s", st.message);
		fuzz_assert(fuzz_utf8_valid(st.message, strlen(st.message)),
			    "the reason is not UTF-8: %s", st.message);
		arena_free(&a);
		return 0;
	}
	fuzz_assert(file.subject && file.text, "a template file without subject or text");

	char *input = fuzz_strndup(data + 1, size - 1);
	const struct template_value *datas[] = {NULL, data_for(&a, info->vars, input)};
	for (int d = 0; d < 2; d++) {
		size_t len;
		char *s = template_render(file.subject, datas[d], TEMPLATE_PART_SUBJECT, &a, &len);
		check_subject(s, len);
		s = template_render(file.text, datas[d], TEMPLATE_PART_TEXT, &a, &len);
		fuzz_assert(s && s[len] == '\0', "text part unterminated");
		if (file.html) {
			s = template_render(file.html, datas[d], TEMPLATE_PART_HTML, &a, &len);
			fuzz_assert(s && s[len] == '\0', "html part unterminated");
		}
	}
	free(input);
	arena_free(&a);
	return 0;
}
