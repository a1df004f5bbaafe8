/* fuzz_csvread: csvread_parse (libcsv under it) over any bytes, in each encoding the
 * importers ask for. The header promises fields that are always valid UTF-8, records that
 * start on a real line, in order, and never a NULL field list; the helpers every importer
 * calls on those fields (trim, column, header match) are run on each. The first byte of
 * the input picks the encoding, the rest is the file. */
#include "fuzz_support.h"

#include "arena.h"
#include "csvread.h"

struct fuzz_csv {
	const char *data;
	size_t size;
	size_t last_line;
	size_t records;
	size_t header_fields;
	struct arena arena;
};

static size_t fuzz_lines(const char *data, size_t size)
{
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n')))
			lines++;
	return lines;
}

static int fuzz_record(void *ctx, const struct csvread_record *rec)
{
	struct fuzz_csv *f = ctx;
	fuzz_assert(rec->line >= 1 && rec->line >= f->last_line,
		    "record on line %zu after one on line %zu", rec->line, f->last_line);
	fuzz_assert(rec->line <= fuzz_lines(f->data, f->size), "record on line %zu of %zu",
		    rec->line, fuzz_lines(f->data, f->size));
	fuzz_assert(rec->fields != NULL, "NULL field list on line %zu", rec->line);
	f->last_line = rec->line;
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *field = rec->fields[i];
		fuzz_assert(fuzz_utf8_valid(field, strlen(field)),
			    "field %zu of line %zu is not UTF-8", i + 1, rec->line);
		size_t n;
		const char *t = csvread_trim(field, &n);
		fuzz_assert(t >= field && t + n <= field + strlen(field), "trim out of its field");
		char *col = csvread_column(rec, (int)i, &f->arena);
		fuzz_assert(strlen(col) == n && memcmp(col, t, n) == 0,
			    "csvread_column differs from csvread_trim");
		(void)csvread_header_is(field, "URN", true);
		(void)csvread_header_is(field, "LA (code)", false);
	}
	fuzz_assert(csvread_column(rec, -1, &f->arena)[0] == '\0', "absent column not empty");
	fuzz_assert(csvread_column(rec, (int)rec->nfields, &f->arena)[0] == '\0',
		    "column past the end not empty");
	if (f->records++ == 0) {
		f->header_fields = rec->nfields;
	} else {
		struct status st = {0};
		if (csvread_check_row(rec, f->header_fields, &st) == 0)
			fuzz_assert(!rec->error && rec->nfields == f->header_fields,
				    "a malformed or misfit row passed csvread_check_row");
		else
			fuzz_assert(st.message[0], "a refused row without a reason");
	}
	arena_reset(&f->arena);
	/* a callback that stops early must stop the parse: try it on the 50th record */
	return f->records == 50 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const enum csvread_encoding encodings[] = {CSVREAD_AUTO, CSVREAD_UTF8,
							  CSVREAD_WINDOWS_1252};
	enum csvread_encoding enc = encodings[data[0] % 3];
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	enum csvread_encoding detected = csvread_detect(text, len);
	fuzz_assert(detected == CSVREAD_UTF8 || detected == CSVREAD_WINDOWS_1252,
		    "csvread_detect gave %d", (int)detected);

	struct fuzz_csv f = {.data = text, .size = len};
	arena_init(&f.arena);
	struct status st = {0};
	int rc = csvread_parse(text, len, enc, fuzz_record, &f, &st);
	fuzz_assert(rc == 0 || (rc == -1 && f.records == 50), "csvread_parse returned %d (%s)", rc,
		    st.message);
	arena_free(&f.arena);
	return 0;
}
