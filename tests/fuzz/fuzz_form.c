/* fuzz_form: form_parse, which reads every form body and query a browser (or anyone) sends
 * the dashboard, and the escaping each value goes through on its way back into a page. The
 * promises: no more fields than FORM_MAX_FIELDS, every name and value valid UTF-8 without a
 * NUL, every field either kept or counted as dropped, and a value escaped with html_text
 * holds no character that could open a tag or leave an attribute. */
#include "fuzz_support.h"

#include "form.h"
#include "html.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f = {0};
	form_parse(&f, (const char *)data, size);
	fuzz_assert(f.count <= FORM_MAX_FIELDS, "%zu fields", f.count);
	size_t pieces = 0;
	for (size_t i = 0; i < size; i++)
		pieces += data[i] == '&';
	fuzz_assert(f.count + f.dropped <= pieces + 1, "%zu kept + %zu dropped from %zu pieces",
		    f.count, f.dropped, pieces + 1);
	for (size_t i = 0; i < f.count; i++) {
		const char *v = f.fields[i].value;
		fuzz_assert(utf8_valid(f.fields[i].name, strlen(f.fields[i].name)), "name not UTF-8");
		fuzz_assert(utf8_valid(v, strlen(v)), "value not UTF-8");
		struct html h;
		html_init(&h);
		html_text(&h, v);
		fuzz_assert(!h.data || !strpbrk(h.data, "<>\"'"), "escaped value keeps markup");
		html_free(&h);
		fuzz_assert(form_has(&f, f.fields[i].name), "a kept field cannot be read back");
	}
	form_free(&f);
	return 0;
}
