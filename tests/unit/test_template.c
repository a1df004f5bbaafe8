/* Unit tests of template: escaping per part, names, sections, standalone lines, comments,
 * what loading refuses (with its line), missing data, and a whole category letter file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "template.h"
#include "test_support.h"

static const char *const vars[] = {
	"v", "flag", "title",
	"school.name", "school.urn", "school.head.name",
	"items[]", "items.name", "items.tags[]",
	"tags[]", "empty[]",
	NULL,
};

static struct template *compile(struct arena *a, const char *text)
{
	struct template *t = NULL;
	struct status st;
	status_clear(&st);
	if (template_parse("t.tpl", text, strlen(text), vars, a, &t, &st) != 0) {
		print_error("refused: %s\n", st.message);
		fail();
	}
	return t;
}

static const char *render(struct arena *a, const char *text, const struct template_value *data,
			  enum template_part part)
{
	return template_render(compile(a, text), data, part, a, NULL);
}

/* The message a template is refused with. */
static const char *refused(struct arena *a, const char *text)
{
	struct template *t = NULL;
	struct status st;
	status_clear(&st);
	int rc = template_parse("t.tpl", text, strlen(text), vars, a, &t, &st);
	assert_int_equal(rc, -STATUS_INVALID_ARGUMENT);
	assert_int_equal(st.code, STATUS_INVALID_ARGUMENT);
	return arena_strdup(a, st.message);
}

static void test_escapes_in_html_parts_only(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	template_set_string(a, d, "v", "Tom & Jerry's <b>\"best\"</b>");
	const char *tpl = "[{{v}}]";
	assert_string_equal(render(a, tpl, d, TEMPLATE_PART_HTML),
			    "[Tom &amp; Jerry&#39;s &lt;b&gt;&quot;best&quot;&lt;/b&gt;]");
	assert_string_equal(render(a, tpl, d, TEMPLATE_PART_TEXT),
			    "[Tom & Jerry's <b>\"best\"</b>]");
	/* each character alone, and the template's own text is never escaped */
	template_set_string(a, d, "v", "&");
	assert_string_equal(render(a, "<p>{{v}}</p>", d, TEMPLATE_PART_HTML), "<p>&amp;</p>");
	template_set_string(a, d, "v", "<");
	assert_string_equal(render(a, "{{v}}", d, TEMPLATE_PART_HTML), "&lt;");
	template_set_string(a, d, "v", ">");
	assert_string_equal(render(a, "{{v}}", d, TEMPLATE_PART_HTML), "&gt;");
	template_set_string(a, d, "v", "\"");
	assert_string_equal(render(a, "{{v}}", d, TEMPLATE_PART_HTML), "&quot;");
	template_set_string(a, d, "v", "'");
	assert_string_equal(render(a, "{{v}}", d, TEMPLATE_PART_HTML), "&#39;");
	/* UTF-8 passes untouched */
	template_set_string(a, d, "v", "£1500 – Ní");
	assert_string_equal(render(a, "{{v}}", d, TEMPLATE_PART_HTML), "£1500 – Ní");
}

static void test_triple_braces_never_escape(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	template_set_string(a, d, "v", "<a href=\"x?a=1&b=2\">link</a>");
	assert_string_equal(render(a, "{{{v}}}", d, TEMPLATE_PART_HTML),
			    "<a href=\"x?a=1&b=2\">link</a>");
	assert_string_equal(render(a, "{{& v }}", d, TEMPLATE_PART_HTML),
			    "<a href=\"x?a=1&b=2\">link</a>");
	assert_string_equal(render(a, "{{{ v }}}", d, TEMPLATE_PART_TEXT),
			    "<a href=\"x?a=1&b=2\">link</a>");
}

static void test_subject_stays_on_one_line(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	template_set_string(a, d, "v", "A\r\nBcc: x@example.org\tend <&>");
	assert_string_equal(render(a, "Re: {{v}}", d, TEMPLATE_PART_SUBJECT),
			    "Re: A  Bcc: x@example.org end <&>");
	assert_string_equal(render(a, "Re: {{{v}}}", d, TEMPLATE_PART_SUBJECT),
			    "Re: A  Bcc: x@example.org end <&>");
}

static void test_dotted_names(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	struct template_value *school = template_set_object(a, d, "school");
	template_set_string(a, school, "name", "Cromer Junior School");
	template_set_stringf(a, school, "urn", "%u", 121553u);
	template_set_string(a, template_set_object(a, school, "head"), "name", "S. Godson");
	assert_string_equal(render(a, "{{school.name}} ({{ school.urn }}), {{school.head.name}}",
				   d, TEMPLATE_PART_TEXT),
			    "Cromer Junior School (121553), S. Godson");
	/* inside a section the first part is found from the inside out */
	assert_string_equal(render(a, "{{#school}}{{name}}/{{head.name}}/{{school.urn}}"
				      "{{/school}}",
				   d, TEMPLATE_PART_TEXT),
			    "Cromer Junior School/S. Godson/121553");
	/* a later set replaces the earlier value */
	template_set_string(a, school, "name", "Cromer Academy");
	assert_string_equal(render(a, "{{school.name}}", d, TEMPLATE_PART_TEXT),
			    "Cromer Academy");
	assert_int_equal(school->member_count, 3);
}

static void test_sections_over_lists(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	template_set_string(a, d, "title", "T");
	struct template_value *items = template_set_list(a, d, "items");
	const char *names[] = { "one", "two", "three" };
	for (int i = 0; i < 3; i++)
		template_set_string(a, template_append_object(a, items), "name", names[i]);
	struct template_value *tags = template_set_list(a, items->items[1], "tags");
	template_append(a, tags, template_string(a, "x"));
	template_append(a, tags, template_string(a, "y"));
	template_set_list(a, d, "empty");
	assert_string_equal(render(a, "{{#items}}<{{name}}:{{title}}{{#tags}}+{{.}}{{/tags}}>"
				      "{{/items}}{{#empty}}never{{/empty}}",
				   d, TEMPLATE_PART_TEXT),
			    "<one:T><two:T+x+y><three:T>");
	/* a top-level list of strings */
	struct template_value *top = template_set_list(a, d, "tags");
	template_append(a, top, template_string(a, "a&b"));
	template_append(a, top, template_string(a, "c"));
	assert_string_equal(render(a, "{{#tags}}[{{.}}]{{/tags}}", d, TEMPLATE_PART_HTML),
			    "[a&amp;b][c]");
}

static void test_sections_over_bools_objects_and_strings(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	const char *tpl = "{{#flag}}yes{{/flag}}|{{#school}}{{name}}{{/school}}";
	template_set_bool(a, d, "flag", true);
	template_set_string(a, template_set_object(a, d, "school"), "name", "Sch");
	assert_string_equal(render(a, tpl, d, TEMPLATE_PART_TEXT), "yes|Sch");
	template_set_bool(a, d, "flag", false);
	template_set_object(a, d, "school");  /* empty object: skipped */
	assert_string_equal(render(a, tpl, d, TEMPLATE_PART_TEXT), "|");
	/* a string counts when it is not empty */
	template_set_string(a, d, "v", "x");
	assert_string_equal(render(a, "{{#v}}[{{v}}]{{/v}}", d, TEMPLATE_PART_TEXT), "[x]");
	template_set_string(a, d, "v", "");
	assert_string_equal(render(a, "{{#v}}[{{v}}]{{/v}}", d, TEMPLATE_PART_TEXT), "");
	/* a bool interpolates as a word */
	template_set_bool(a, d, "flag", true);
	assert_string_equal(render(a, "{{flag}}", d, TEMPLATE_PART_TEXT), "true");
}

static void test_inverted_sections(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	const char *tpl = "{{^flag}}no flag{{/flag}}{{^items}}, no items{{/items}}"
			  "{{^school}}, no school{{/school}}{{^v}}, no v{{/v}}";
	assert_string_equal(render(a, tpl, d, TEMPLATE_PART_TEXT),
			    "no flag, no items, no school, no v");
	template_set_bool(a, d, "flag", false);
	template_set_list(a, d, "items");
	assert_string_equal(render(a, tpl, d, TEMPLATE_PART_TEXT),
			    "no flag, no items, no school, no v");
	template_set_bool(a, d, "flag", true);
	template_append_object(a, template_set_list(a, d, "items"));
	template_set_string(a, template_set_object(a, d, "school"), "name", "S");
	template_set_string(a, d, "v", "set");
	assert_string_equal(render(a, tpl, d, TEMPLATE_PART_TEXT), "");
	/* inside an inverted section names resolve as outside it */
	assert_string_equal(render(a, "{{^empty}}{{v}}{{/empty}}", d, TEMPLATE_PART_TEXT), "set");
}

static void test_standalone_lines_are_removed(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	template_set_bool(a, d, "flag", true);
	struct template_value *items = template_set_list(a, d, "items");
	template_set_string(a, template_append_object(a, items), "name", "one");
	template_set_string(a, template_append_object(a, items), "name", "two");
	assert_string_equal(render(a, "Begin\n  {{#flag}}\nin\n\t{{/flag}}  \nEnd\n", d,
				   TEMPLATE_PART_TEXT),
			    "Begin\nin\nEnd\n");
	assert_string_equal(render(a, "Items:\n{{#items}}\n- {{name}}\n{{/items}}\n"
				      "{{^items}}\nnone\n{{/items}}\ndone",
				   d, TEMPLATE_PART_TEXT),
			    "Items:\n- one\n- two\ndone");
	/* CRLF line ends go with the line; a tag on the last line without a newline too */
	assert_string_equal(render(a, "a\r\n{{#flag}}\r\nb\r\n{{/flag}}", d, TEMPLATE_PART_TEXT),
			    "a\r\nb\r\n");
	/* not alone on its line: nothing removed */
	assert_string_equal(render(a, "a {{#flag}}b{{/flag}} c\n", d, TEMPLATE_PART_TEXT),
			    "a b c\n");
	assert_string_equal(render(a, "x{{#flag}}\ny\n{{/flag}}", d, TEMPLATE_PART_TEXT), "x\ny\n");
	assert_string_equal(render(a, "{{#flag}}{{/flag}}\nz", d, TEMPLATE_PART_TEXT), "\nz");
	assert_string_equal(render(a, "{{#flag}} y\n{{/flag}}", d, TEMPLATE_PART_TEXT), " y\n");
	/* interpolation tags never make a line standalone */
	assert_string_equal(render(a, "  {{v}}\nz", d, TEMPLATE_PART_TEXT), "  \nz");
}

static void test_comments(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	template_set_string(a, d, "v", "V");
	assert_string_equal(render(a, "a{{! a note }}b", d, TEMPLATE_PART_TEXT), "ab");
	/* a comment ends at its first "}}", as in Mustache */
	assert_string_equal(render(a, "a{{! a {{v}} }}b", d, TEMPLATE_PART_TEXT), "a }}b");
	assert_string_equal(render(a, "a\n{{! a note\n    over lines }}\nb {{v}}\n", d,
				   TEMPLATE_PART_TEXT),
			    "a\nb V\n");
	/* comments may mention anything: their names are not checked */
	assert_string_equal(render(a, "{{! about {{undeclared }}", d, TEMPLATE_PART_TEXT), "");
}

static void test_unknown_variables_are_refused_with_their_line(void **state)
{
	struct arena *a = *state;
	assert_string_equal(refused(a, "Dear {{v}},\n\nYour school {{shcool.name}} is\n"),
			    "t.tpl:3: unknown variable 'shcool.name'");
	assert_string_equal(refused(a, "{{school.nmae}}"),
			    "t.tpl:1: unknown variable 'school.nmae'");
	assert_string_equal(refused(a, "\n{{#nope}}x{{/nope}}"),
			    "t.tpl:2: unknown variable 'nope'");
	assert_string_equal(refused(a, "{{^nope}}x{{/nope}}"), "t.tpl:1: unknown variable 'nope'");
	assert_string_equal(refused(a, "{{{raw}}}"), "t.tpl:1: unknown variable 'raw'");
	/* a list item's field is known inside its section only */
	assert_string_equal(refused(a, "{{name}}"), "t.tpl:1: unknown variable 'name'");
	assert_string_equal(refused(a, "{{^items}}{{name}}{{/items}}"),
			    "t.tpl:1: unknown variable 'name'");
	assert_string_equal(refused(a, "{{#items}}\n{{#tags}}{{nam}}{{/tags}}{{/items}}"),
			    "t.tpl:2: unknown variable 'nam'");
	/* after a multi-line comment the lines still count */
	assert_string_equal(refused(a, "{{! one\ntwo\nthree }} {{x}}"),
			    "t.tpl:3: unknown variable 'x'");
	/* lists and objects are not values */
	assert_contains(refused(a, "{{items}}"), "t.tpl:1: 'items' is a list");
	assert_contains(refused(a, "{{school}}"), "t.tpl:1: 'school' is an object");
	assert_contains(refused(a, "{{.}}"), "t.tpl:1: '.'");
	/* with no declared variables, every name is unknown */
	struct template *t;
	struct status st;
	assert_int_equal(template_parse("n.tpl", "{{v}}", 5, NULL, a, &t, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "n.tpl:1: unknown variable 'v'");
}

static void test_unclosed_and_mismatched_sections(void **state)
{
	struct arena *a = *state;
	assert_string_equal(refused(a, "a\n{{#flag}}\nb\n"),
			    "t.tpl:2: section 'flag' is not closed");
	assert_string_equal(refused(a, "{{#items}}\n{{#tags}}x\n{{/items}}\n"),
			    "t.tpl:3: '{{/items}}' does not close section 'tags' opened at line 2");
	assert_string_equal(refused(a, "x\n\n{{/flag}}"),
			    "t.tpl:3: '{{/flag}}' closes no open section");
	assert_string_equal(refused(a, "{{#flag}}{{/flag}}{{/flag}}"),
			    "t.tpl:1: '{{/flag}}' closes no open section");
}

static void test_malformed_tags(void **state)
{
	struct arena *a = *state;
	assert_string_equal(refused(a, "ok\nDear {{v,\nx}}"),
			    "t.tpl:2: tag '{{' has no closing '}}' on its line");
	assert_string_equal(refused(a, "{{{v}}"),
			    "t.tpl:1: tag '{{{' has no closing '}}}' on its line");
	assert_string_equal(refused(a, "{{! never closed"),
			    "t.tpl:1: tag '{{!' has no closing '}}'");
	assert_contains(refused(a, "{{}}"), "t.tpl:1: empty tag");
	assert_contains(refused(a, "{{school..name}}"),
			"t.tpl:1: bad variable name 'school..name'");
	assert_contains(refused(a, "{{a b}}"), "bad variable name");
	assert_contains(refused(a, "{{> partial}}"), "not supported");
	assert_contains(refused(a, "{{=<% %>=}}"), "not supported");
	/* braces that are not a tag are text */
	struct template_value *d = template_object(a);
	assert_string_equal(render(a, "{ x } {", d, TEMPLATE_PART_TEXT), "{ x } {");
}

static void test_missing_data_renders_empty(void **state)
{
	struct arena *a = *state;
	const char *tpl = "[{{v}}|{{school.name}}|{{school.head.name}}|{{#items}}{{name}}{{/items}}"
			  "|{{{title}}}]";
	assert_string_equal(render(a, tpl, NULL, TEMPLATE_PART_HTML), "[||||]");
	struct template_value *d = template_object(a);
	template_set_string(a, d, "school", "not an object");
	template_append_object(a, template_set_list(a, d, "items"));  /* an item without name */
	assert_string_equal(render(a, tpl, d, TEMPLATE_PART_TEXT), "[||||]");
	size_t len = 99;
	char *out = template_render(compile(a, ""), d, TEMPLATE_PART_TEXT, a, &len);
	assert_string_equal(out, "");
	assert_int_equal(len, 0);
}

static void test_template_outlives_its_source(void **state)
{
	struct arena *a = *state;
	char *src = strdup("Hello {{v}}, bye\n{{#flag}}\nflag\n{{/flag}}\n");
	assert_non_null(src);
	struct template *t = compile(a, src);
	memset(src, 'x', strlen(src));
	free(src);
	struct template_value *d = template_object(a);
	template_set_string(a, d, "v", "V");
	template_set_bool(a, d, "flag", true);
	assert_string_equal(template_render(t, d, TEMPLATE_PART_TEXT, a, NULL),
			    "Hello V, bye\nflag\n");
}

static void test_long_lists_render(void **state)
{
	struct arena *a = *state;
	struct template_value *d = template_object(a);
	struct template_value *items = template_set_list(a, d, "items");
	for (int i = 0; i < 20000; i++)
		template_set_stringf(a, template_append_object(a, items), "name", "%05d", i);
	size_t len;
	char *out = template_render(compile(a, "{{#items}}{{name}},{{/items}}"), d,
				    TEMPLATE_PART_HTML, a, &len);
	assert_int_equal(len, 20000 * 6);
	assert_int_equal(strlen(out), len);
	assert_memory_equal(out + 6 * 12345, "12345,", 6);
}

/* ---- template files ---- */

static const char *const letter_vars[] = {
	"school.name", "school.urn", "headteacher.name", "chair.name",
	"category.letter", "category.name", "category.previous_letter",
	"activities[]", "activities.text",
	"partner.name", "partner.email",
	"contact.name", "contact.phone",
	NULL,
};

static const char letter[] =
	"# The category letter: sent when a school's LA category changes.\n"
	"Subject: {{school.name}}: LA category {{category.letter}}\n"
	"--- text ---\n"
	"Dear {{headteacher.name}}{{#chair.name}} and {{chair.name}}{{/chair.name}},\n"
	"\n"
	"{{school.name}} (URN {{school.urn}}) is now in LA category {{category.letter}}: "
	"{{category.name}}.\n"
	"{{#category.previous_letter}}\n"
	"It was in category {{category.previous_letter}}.\n"
	"{{/category.previous_letter}}\n"
	"\n"
	"What the LA will do:\n"
	"{{#activities}}\n"
	"  * {{text}}\n"
	"{{/activities}}\n"
	"{{^activities}}\n"
	"  Nothing changes in the LA's activity.\n"
	"{{/activities}}\n"
	"{{#partner}}\n"
	"\n"
	"Your Education Challenge Partner is {{partner.name}} ({{partner.email}}).\n"
	"{{/partner}}\n"
	"\n"
	"{{! signed by the LA contact of the programme }}\n"
	"{{contact.name}} ({{contact.phone}})\n"
	"--- html ---\n"
	"<p>Dear {{headteacher.name}}{{#chair.name}} and {{chair.name}}{{/chair.name}},</p>\n"
	"<p>{{school.name}} is now in LA category <b>{{category.letter}}</b>: "
	"{{category.name}}.</p>\n"
	"<ul>\n"
	"{{#activities}}\n"
	"  <li>{{text}}</li>\n"
	"{{/activities}}\n"
	"</ul>\n"
	"<p>{{contact.name}} ({{contact.phone}})</p>\n";

static struct template_value *letter_data(struct arena *a)
{
	struct template_value *d = template_object(a);
	struct template_value *s = template_set_object(a, d, "school");
	template_set_string(a, s, "name", "Smith's & Jones' Primary");
	template_set_string(a, s, "urn", "121553");
	template_set_string(a, template_set_object(a, d, "headteacher"), "name", "Ann Lee");
	template_set_string(a, template_set_object(a, d, "chair"), "name", "Bob Roe");
	struct template_value *c = template_set_object(a, d, "category");
	template_set_string(a, c, "letter", "B");
	template_set_string(a, c, "name", "Requires improvement, targeted for N2GG");
	template_set_string(a, c, "previous_letter", "C");
	struct template_value *acts = template_set_list(a, d, "activities");
	template_set_string(a, template_append_object(a, acts), "text",
			    "Education Challenge Partner: 3 visits a year");
	template_set_string(a, template_append_object(a, acts), "text",
			    "Half termly monitoring of pupil progress <data>");
	struct template_value *p = template_set_object(a, d, "partner");
	template_set_string(a, p, "name", "Irene Vincent");
	template_set_string(a, p, "email", "irene.vincent@partners.example.org");
	struct template_value *k = template_set_object(a, d, "contact");
	template_set_string(a, k, "name", "Gordon Boyd");
	template_set_string(a, k, "phone", "01603 223492");
	return d;
}

static void test_category_letter_file(void **state)
{
	struct arena *a = *state;
	struct template_file f;
	struct status st;
	status_clear(&st);
	int rc = template_file_parse("category.tpl", letter, sizeof letter - 1, letter_vars, a, &f,
				     &st);
	if (rc)
		print_error("%s\n", st.message);
	assert_int_equal(rc, 0);
	assert_non_null(f.html);
	assert_string_equal(f.name, "category.tpl");
	struct template_value *d = letter_data(a);
	assert_string_equal(template_render(f.subject, d, TEMPLATE_PART_SUBJECT, a, NULL),
			    "Smith's & Jones' Primary: LA category B");
	assert_string_equal(
		template_render(f.text, d, TEMPLATE_PART_TEXT, a, NULL),
		"Dear Ann Lee and Bob Roe,\n"
		"\n"
		"Smith's & Jones' Primary (URN 121553) is now in LA category B: Requires "
		"improvement, targeted for N2GG.\n"
		"It was in category C.\n"
		"\n"
		"What the LA will do:\n"
		"  * Education Challenge Partner: 3 visits a year\n"
		"  * Half termly monitoring of pupil progress <data>\n"
		"\n"
		"Your Education Challenge Partner is Irene Vincent "
		"(irene.vincent@partners.example.org).\n"
		"\n"
		"Gordon Boyd (01603 223492)\n");
	assert_string_equal(
		template_render(f.html, d, TEMPLATE_PART_HTML, a, NULL),
		"<p>Dear Ann Lee and Bob Roe,</p>\n"
		"<p>Smith&#39;s &amp; Jones&#39; Primary is now in LA category <b>B</b>: "
		"Requires improvement, targeted for N2GG.</p>\n"
		"<ul>\n"
		"  <li>Education Challenge Partner: 3 visits a year</li>\n"
		"  <li>Half termly monitoring of pupil progress &lt;data&gt;</li>\n"
		"</ul>\n"
		"<p>Gordon Boyd (01603 223492)</p>\n");

	/* a school new to the programme: no previous category, chair, partner or activities */
	struct template_value *d2 = letter_data(a);
	template_set_string(a, (struct template_value *)template_get(d2, "category"),
			    "previous_letter", "");
	template_set(a, d2, "chair", template_object(a));
	template_set(a, d2, "partner", template_object(a));
	template_set_list(a, d2, "activities");
	assert_string_equal(template_render(f.text, d2, TEMPLATE_PART_TEXT, a, NULL),
			    "Dear Ann Lee,\n"
			    "\n"
			    "Smith's & Jones' Primary (URN 121553) is now in LA category B: "
			    "Requires improvement, targeted for N2GG.\n"
			    "\n"
			    "What the LA will do:\n"
			    "  Nothing changes in the LA's activity.\n"
			    "\n"
			    "Gordon Boyd (01603 223492)\n");
}

static const char *file_refused(struct arena *a, const char *text)
{
	struct template_file f;
	struct status st;
	status_clear(&st);
	assert_int_equal(template_file_parse("f.tpl", text, strlen(text), letter_vars, a, &f, &st),
			 -STATUS_INVALID_ARGUMENT);
	return arena_strdup(a, st.message);
}

static void test_template_file_format(void **state)
{
	struct arena *a = *state;
	struct template_file f;
	struct status st;
	/* html first, no trailing newline, CRLF separators, a text part only */
	const char *both = "Subject:   Hello {{school.name}}  \r\n--- html ---\r\n<p>h</p>\n"
			   "--- text ---  \r\nt";
	assert_int_equal(template_file_parse("f.tpl", both, strlen(both), letter_vars, a, &f, &st),
			 0);
	struct template_value *d = letter_data(a);
	assert_string_equal(template_render(f.subject, d, TEMPLATE_PART_SUBJECT, a, NULL),
			    "Hello Smith's & Jones' Primary");
	assert_string_equal(template_render(f.html, d, TEMPLATE_PART_HTML, a, NULL), "<p>h</p>\n");
	assert_string_equal(template_render(f.text, d, TEMPLATE_PART_TEXT, a, NULL), "t");
	const char *text_only = "subject: x\n--- text ---\nbody\n";
	assert_int_equal(template_file_parse("f.tpl", text_only, strlen(text_only), letter_vars, a,
					     &f, &st),
			 0);
	assert_null(f.html);
	assert_string_equal(template_render(f.text, d, TEMPLATE_PART_TEXT, a, NULL), "body\n");

	/* errors name the file's own lines, in every part */
	assert_string_equal(file_refused(a, "# c\n\nSubject: {{nope}}\n--- text ---\n"),
			    "f.tpl:3: unknown variable 'nope'");
	assert_string_equal(file_refused(a, "Subject: s\n--- text ---\nok\n{{bad}}\n"),
			    "f.tpl:4: unknown variable 'bad'");
	assert_string_equal(file_refused(a, "Subject: s\n--- text ---\nok\n--- html ---\n"
					    "<p>\n{{#activities}}\n</p>\n"),
			    "f.tpl:6: section 'activities' is not closed");
	assert_string_equal(file_refused(a, "Subject: s\n--- html ---\nx\n"),
			    "f.tpl: no '--- text ---' part");
	assert_string_equal(file_refused(a, "--- text ---\nx\n"),
			    "f.tpl: no 'Subject:' line before the parts");
	assert_string_equal(file_refused(a, "Subject: a\nSubject: b\n--- text ---\n"),
			    "f.tpl:2: a second 'Subject:' line");
	assert_string_equal(file_refused(a, "Subject:  \n--- text ---\n"),
			    "f.tpl:1: the subject is empty");
	assert_contains(file_refused(a, "Subject: a\nTo: b\n--- text ---\n"),
			"f.tpl:2: expected 'Subject: ...'");
	assert_string_equal(file_refused(a, "Subject: a\n--- text ---\nx\n--- text ---\n"),
			    "f.tpl:4: a second '--- text ---' part");
}

/* A NUL byte would end the letter where it stands, and text that is not UTF-8, or a
 * subject with a control character, would make the mail composer refuse every letter
 * when it is sent: each is refused when the template is loaded, on its line. Found by
 * fuzz_template (a NUL and a control character in a subject line). */
static void test_bytes_a_letter_cannot_carry(void **state)
{
	struct arena *a = *state;
	struct template_file f;
	struct status st;
	static const char nul[] = "Subject: s\n--- text ---\nDear Head,\nyour school\0 is\n";
	assert_int_equal(template_file_parse("f.tpl", nul, sizeof nul - 1, letter_vars, a, &f, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "f.tpl:4: a NUL byte (is this a text file?)");
	assert_string_equal(file_refused(a, "Subject: s\n--- text ---\nSt Mary\x92s\n"),
			    "f.tpl:3: not UTF-8 (save the file as UTF-8)");
	assert_string_equal(file_refused(a, "Subject: s\n--- html ---\n<p>\xC3\xA9\xC3</p>\n"
					    "--- text ---\nx\n"),
			    "f.tpl:3: not UTF-8 (save the file as UTF-8)");
	assert_string_equal(file_refused(a, "Subject: Caf\xE9\n--- text ---\nx\n"),
			    "f.tpl:1: not UTF-8 (save the file as UTF-8)");
	assert_string_equal(file_refused(a, "Subject: Dear\tHead\n--- text ---\nx\n"),
			    "f.tpl:1: the subject has control character 0x09 (a mail header "
			    "takes none)");
	assert_string_equal(file_refused(a, "# c\nSubject: a\rBcc: all@example.org\n"
					    "--- text ---\nx\n"),
			    "f.tpl:2: the subject has control character 0x0d (a mail header "
			    "takes none)");
	static const char one[] = "{{v}}\0";
	struct template *t;
	assert_int_equal(template_parse("t.tpl", one, sizeof one - 1, vars, a, &t, &st),
			 -STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.message, "t.tpl:1: a NUL byte (is this a text file?)");

	/* UTF-8, and a comment line with anything in it, are fine */
	const char *fine = "# \x01 notes\nSubject: Caf\xC3\xA9 \xE2\x80\x99 {{school.name}}\r\n"
			   "--- text ---\n\xF0\x9F\x98\x80\ttab\r\n";
	assert_int_equal(template_file_parse("f.tpl", fine, strlen(fine), letter_vars, a, &f, &st),
			 0);
	assert_string_equal(template_render(f.subject, letter_data(a), TEMPLATE_PART_SUBJECT, a,
					    NULL),
			    "Caf\xC3\xA9 \xE2\x80\x99 Smith's & Jones' Primary");
	assert_string_equal(template_render(f.text, NULL, TEMPLATE_PART_TEXT, a, NULL),
			    "\xF0\x9F\x98\x80\ttab\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_escapes_in_html_parts_only,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_triple_braces_never_escape,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_subject_stays_on_one_line,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dotted_names, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_sections_over_lists, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_sections_over_bools_objects_and_strings,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_inverted_sections, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_standalone_lines_are_removed,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_comments, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_variables_are_refused_with_their_line,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unclosed_and_mismatched_sections,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_tags, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_missing_data_renders_empty,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_template_outlives_its_source,
						arena_fixture_setup, arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_long_lists_render, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_category_letter_file, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_template_file_format, arena_fixture_setup,
						arena_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bytes_a_letter_cannot_carry, arena_fixture_setup,
						arena_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
