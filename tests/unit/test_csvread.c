/* test_csvread: CSV records, their physical line numbers, encodings and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csvread.h"
#include "test_support.h"

/* ---- collecting what csvread delivers (copied: its storage is reused) ---- */

struct copy {
	size_t line, nfields;
	char **fields;
	char *error;
};

struct collected {
	size_t n, cap;
	struct copy *recs;
	size_t stop_at;  /* return -42 from the callback on this record (1-based); 0 never */
};

static char *dup(const char *s)
{
	char *d = strdup(s);
	assert_non_null(d);
	return d;
}

static int collect(void *ctx, const struct csvread_record *rec)
{
	struct collected *c = ctx;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->recs = realloc(c->recs, c->cap * sizeof *c->recs);
		assert_non_null(c->recs);
	}
	struct copy *k = &c->recs[c->n++];
	k->line = rec->line;
	k->nfields = rec->nfields;
	k->fields = calloc(rec->nfields ? rec->nfields : 1, sizeof *k->fields);
	for (size_t i = 0; i < rec->nfields; i++)
		k->fields[i] = dup(rec->fields[i]);
	k->error = rec->error ? dup(rec->error) : NULL;
	return c->stop_at && c->n == c->stop_at ? -42 : 0;
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct collected));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	struct collected *c = *state;
	for (size_t i = 0; i < c->n; i++) {
		for (size_t f = 0; f < c->recs[i].nfields; f++)
			free(c->recs[i].fields[f]);
		free(c->recs[i].fields);
		free(c->recs[i].error);
	}
	free(c->recs);
	free(c);
	return 0;
}

static struct collected *parse(void **state, const char *data, size_t len, enum csvread_encoding enc)
{
	struct collected *c = *state;
	struct status st = {0};
	int rc = csvread_parse(data, len, enc, collect, c, &st);
	if (rc != 0)
		print_error("csvread_parse: %d %s\n", rc, st.message);
	assert_int_equal(rc, 0);
	return c;
}

#define PARSE(state, lit, enc) parse(state, lit, sizeof lit - 1, enc)

static void assert_record(const struct copy *r, size_t line, size_t nfields)
{
	assert_int_equal(r->line, line);
	assert_int_equal(r->nfields, nfields);
}

/* ---- structure ---- */

static void simple_lf(void **state)
{
	struct collected *c = PARSE(state, "URN,Name\n121234,Ashwood Primary\n121235,Beech Hill\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 3);
	assert_record(&c->recs[0], 1, 2);
	assert_string_equal(c->recs[0].fields[0], "URN");
	assert_record(&c->recs[2], 3, 2);
	assert_string_equal(c->recs[2].fields[1], "Beech Hill");
	assert_null(c->recs[2].error);
}

static void quoted_commas_and_quotes(void **state)
{
	struct collected *c = PARSE(state,
		"\"St Mary's, Norwich\",\"He said \"\"hi\"\"\",\"\",plain\n"
		"\"\"\"\",\",\",x\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 2);
	assert_record(&c->recs[0], 1, 4);
	assert_string_equal(c->recs[0].fields[0], "St Mary's, Norwich");
	assert_string_equal(c->recs[0].fields[1], "He said \"hi\"");
	assert_string_equal(c->recs[0].fields[2], "");
	assert_string_equal(c->recs[0].fields[3], "plain");
	assert_record(&c->recs[1], 2, 3);
	assert_string_equal(c->recs[1].fields[0], "\"");
	assert_string_equal(c->recs[1].fields[1], ",");
}

static void embedded_newlines_keep_line_numbers(void **state)
{
	struct collected *c = PARSE(state,
		"a,b\n"
		"1,\"first\nsecond\nthird\"\n"
		"2,after\n"
		"\"x\ny\",\"p\nq\"\n"
		"3,end\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 5);
	assert_record(&c->recs[1], 2, 2);
	assert_string_equal(c->recs[1].fields[1], "first\nsecond\nthird");
	assert_record(&c->recs[2], 5, 2);
	assert_record(&c->recs[3], 6, 2);
	assert_string_equal(c->recs[3].fields[0], "x\ny");
	assert_string_equal(c->recs[3].fields[1], "p\nq");
	assert_record(&c->recs[4], 9, 2);
	assert_string_equal(c->recs[4].fields[1], "end");
}

static void crlf_and_empty_lines(void **state)
{
	struct collected *c = PARSE(state,
		"a,b\r\n"
		"\"x\r\ny\",z\r\n"
		"\r\n"
		"\n"
		"last,row\r\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 3);
	assert_record(&c->recs[0], 1, 2);
	assert_string_equal(c->recs[0].fields[1], "b");  /* no CR left on the last field */
	assert_record(&c->recs[1], 2, 2);
	assert_string_equal(c->recs[1].fields[0], "x\r\ny");
	assert_record(&c->recs[2], 6, 2);
	assert_string_equal(c->recs[2].fields[1], "row");
}

static void lone_cr_ends_a_line(void **state)
{
	struct collected *c = PARSE(state, "a,b\rc,d\r\re,f", CSVREAD_UTF8);
	assert_int_equal(c->n, 3);
	assert_record(&c->recs[1], 2, 2);
	assert_record(&c->recs[2], 4, 2);
	assert_string_equal(c->recs[2].fields[1], "f");
}

static void blank_records_skipped(void **state)
{
	struct collected *c = PARSE(state, "a,b\n,\n  \n\"\",\" \"\n1,2\n,,\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 2);
	assert_record(&c->recs[1], 5, 2);
}

static void whitespace_kept(void **state)
{
	struct collected *c = PARSE(state, " a , b ,\" c \",d\t\n\"x\" ,y\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 2);
	assert_record(&c->recs[0], 1, 4);
	assert_string_equal(c->recs[0].fields[0], " a ");
	assert_string_equal(c->recs[0].fields[1], " b ");
	assert_string_equal(c->recs[0].fields[2], " c ");
	assert_string_equal(c->recs[0].fields[3], "d\t");
	assert_null(c->recs[0].error);
	/* a blank after a closing quote is data outside the quotes to RFC 4180: malformed */
	assert_contains(c->recs[1].error, "after the closing quote");
}

static void no_final_newline(void **state)
{
	struct collected *c = PARSE(state, "a,b\n1,2", CSVREAD_UTF8);
	assert_int_equal(c->n, 2);
	assert_record(&c->recs[1], 2, 2);
	assert_string_equal(c->recs[1].fields[1], "2");
	assert_null(c->recs[1].error);
}

static void empty_input(void **state)
{
	struct collected *c = parse(state, "", 0, CSVREAD_AUTO);
	assert_int_equal(c->n, 0);
	c = PARSE(state, "\n\r\n\n", CSVREAD_AUTO);
	assert_int_equal(c->n, 0);
}

static void bom_skipped(void **state)
{
	struct collected *c = PARSE(state, "\xEF\xBB\xBFURN,Name\n1,2\n", CSVREAD_AUTO);
	assert_int_equal(c->n, 2);
	assert_string_equal(c->recs[0].fields[0], "URN");
}

/* ---- truncated and malformed files ---- */

static void truncated_inside_quotes(void **state)
{
	struct collected *c = PARSE(state, "a,b,c\n1,2,3\n4,\"Church of St\nMary", CSVREAD_UTF8);
	assert_int_equal(c->n, 3);
	assert_null(c->recs[1].error);
	assert_int_equal(c->recs[2].line, 3);
	assert_contains(c->recs[2].error, "unterminated quoted field");
	assert_contains(c->recs[2].error, "field 2");
	assert_true(c->recs[2].nfields >= 1);
	assert_string_equal(c->recs[2].fields[0], "4");
}

static void short_last_row(void **state)
{
	/* a cut without quotes is a well-formed short record: the importer checks the count */
	struct collected *c = PARSE(state, "a,b,c\n1,2,3\n4,5", CSVREAD_UTF8);
	assert_int_equal(c->n, 3);
	assert_record(&c->recs[2], 3, 2);
	assert_null(c->recs[2].error);
}

static void stray_quote_then_recovery(void **state)
{
	struct collected *c = PARSE(state,
		"a,b\n"
		"1,The \"Old\" School\n"
		"2,\"Closed\" early,x\n"
		"3,\"multi\nline\"oops\n"
		"4,fine\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 5);
	assert_record(&c->recs[1], 2, 1);
	assert_contains(c->recs[1].error, "field 2");
	assert_contains(c->recs[1].error, "quote inside an unquoted field");
	assert_int_equal(c->recs[2].line, 3);
	assert_contains(c->recs[2].error, "after the closing quote");
	/* the error is on the record's second line, which the reason says */
	assert_int_equal(c->recs[3].line, 4);
	assert_contains(c->recs[3].error, "(line 5)");
	assert_record(&c->recs[4], 6, 2);
	assert_null(c->recs[4].error);
	assert_string_equal(c->recs[4].fields[1], "fine");
}

static void broken_first_field(void **state)
{
	struct collected *c = PARSE(state, "\"abc\"x,1\nok,2\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 2);
	assert_record(&c->recs[0], 1, 0);
	assert_contains(c->recs[0].error, "field 1: text after the closing quote");
	assert_record(&c->recs[1], 2, 2);
	assert_null(c->recs[1].error);
}

static int first_has_fields(void *ctx, const struct csvread_record *rec)
{
	(void)ctx;
	return rec->fields ? 0 : -1;
}

static void fields_never_null(void **state)
{
	(void)state;
	struct status st = {0};
	static const char data[] = "\"abc\"x\n";
	assert_int_equal(csvread_parse(data, sizeof data - 1, CSVREAD_UTF8, first_has_fields, NULL, &st), 0);
}

static void nul_byte(void **state)
{
	struct collected *c = PARSE(state, "a,b\x00" "c\nd,e\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 2);
	assert_contains(c->recs[0].error, "NUL");
	assert_null(c->recs[1].error);
}

static void callback_stops(void **state)
{
	struct collected *c = *state;
	struct status st = {0};
	static const char data[] = "a\nb\nc\nd\n";
	c->stop_at = 2;
	assert_int_equal(csvread_parse(data, sizeof data - 1, CSVREAD_UTF8, collect, c, &st), -42);
	assert_int_equal(c->n, 2);
}

/* ---- encodings ---- */

static void windows_1252_converted(void **state)
{
	struct collected *c = PARSE(state, "name,fee\nZo\xEB,\x80" "5\n\x93" "Caf\xE9\x94,\xA3" "3\n",
				    CSVREAD_WINDOWS_1252);
	assert_int_equal(c->n, 3);
	assert_string_equal(c->recs[1].fields[0], "Zo\xC3\xAB");            /* Zoë */
	assert_string_equal(c->recs[1].fields[1], "\xE2\x82\xAC" "5");      /* €5 */
	assert_string_equal(c->recs[2].fields[0], "\xE2\x80\x9C" "Caf\xC3\xA9\xE2\x80\x9D");
	assert_string_equal(c->recs[2].fields[1], "\xC2\xA3" "3");          /* £3 */
	assert_null(c->recs[1].error);
}

static void detection(void **state)
{
	(void)state;
	static const char ascii[] = "URN,Name\n1,x\n";
	static const char utf8[] = "Zo\xC3\xAB,\xE2\x82\xAC\n";
	static const char cp1252[] = "Zo\xEB,\x80\n";
	static const char bom[] = "\xEF\xBB\xBFZo\xC3\xAB\n";
	static const char cut[] = "ok,Zo\xC3\xAB,\xE2\x82";           /* truncated inside € */
	static const char overlong[] = "\xC0\xAF\n";
	static const char surrogate[] = "\xED\xA0\x80\n";
	assert_int_equal(csvread_detect(ascii, sizeof ascii - 1), CSVREAD_UTF8);
	assert_int_equal(csvread_detect(utf8, sizeof utf8 - 1), CSVREAD_UTF8);
	assert_int_equal(csvread_detect(cp1252, sizeof cp1252 - 1), CSVREAD_WINDOWS_1252);
	assert_int_equal(csvread_detect(bom, sizeof bom - 1), CSVREAD_UTF8);
	assert_int_equal(csvread_detect(cut, sizeof cut - 1), CSVREAD_UTF8);
	assert_int_equal(csvread_detect(overlong, sizeof overlong - 1), CSVREAD_WINDOWS_1252);
	assert_int_equal(csvread_detect(surrogate, sizeof surrogate - 1), CSVREAD_WINDOWS_1252);
	assert_int_equal(csvread_detect("", 0), CSVREAD_UTF8);
}

static void auto_both_ways(void **state)
{
	struct collected *c = PARSE(state, "Zo\xEB,1\n", CSVREAD_AUTO);
	c = PARSE(state, "Zo\xC3\xAB,2\n", CSVREAD_AUTO);
	assert_int_equal(c->n, 2);
	assert_string_equal(c->recs[0].fields[0], "Zo\xC3\xAB");
	assert_string_equal(c->recs[1].fields[0], "Zo\xC3\xAB");
	assert_null(c->recs[0].error);
	assert_null(c->recs[1].error);
}

static void undefined_1252_byte(void **state)
{
	struct collected *c = PARSE(state, "a,b\nx\x81y,z\nok,\x8D\n\xEB,fine\n", CSVREAD_WINDOWS_1252);
	assert_int_equal(c->n, 4);
	assert_contains(c->recs[1].error, "0x81");
	assert_contains(c->recs[1].error, "field 1");
	assert_string_equal(c->recs[1].fields[0], "x\xEF\xBF\xBDy");  /* U+FFFD */
	assert_string_equal(c->recs[1].fields[1], "z");
	assert_contains(c->recs[2].error, "0x8D");
	assert_contains(c->recs[2].error, "field 2");
	assert_null(c->recs[3].error);
	assert_string_equal(c->recs[3].fields[0], "\xC3\xAB");
}

static void invalid_utf8_declared(void **state)
{
	struct collected *c = PARSE(state, "a,b\nZo\xEB,1\nZo\xC3\xAB,2\n", CSVREAD_UTF8);
	assert_int_equal(c->n, 3);
	assert_contains(c->recs[1].error, "invalid UTF-8");
	assert_contains(c->recs[1].error, "0xEB");
	assert_string_equal(c->recs[1].fields[0], "Zo\xEF\xBF\xBD");
	assert_null(c->recs[2].error);
	assert_string_equal(c->recs[2].fields[0], "Zo\xC3\xAB");
}

/* ---- size ---- */

static void long_field(void **state)
{
	size_t n = 300 * 1024;
	char *data = malloc(n + 16);
	assert_non_null(data);
	data[0] = '"';
	memset(data + 1, 'x', n);
	memcpy(data + 1 + n, "\",y\nz\n", 6);
	struct collected *c = parse(state, data, n + 7, CSVREAD_UTF8);
	free(data);
	assert_int_equal(c->n, 2);
	assert_int_equal(strlen(c->recs[0].fields[0]), n);
	assert_int_equal(c->recs[1].line, 2);
}

struct counting {
	size_t records, last_line, errors, fields;
	int mismatches;
};

static int count(void *ctx, const struct csvread_record *rec)
{
	struct counting *k = ctx;
	k->records++;
	k->last_line = rec->line;
	k->errors += rec->error != NULL;
	k->fields += rec->nfields;
	if (rec->nfields == 4 && strcmp(rec->fields[2], "Zo\xC3\xAB") != 0)
		k->mismatches++;
	return 0;
}

/* 50,000 Windows-1252 rows, every 100th with a two-line quoted field: counts and the last
 * record's line must come out exact. */
static void many_rows(void **state)
{
	(void)state;
	size_t rows = 50000, cap = rows * 64, len = 0;
	char *data = malloc(cap);
	assert_non_null(data);
	size_t lines = 0;
	for (size_t i = 0; i < rows; i++) {
		const char *note = i % 100 == 0 ? "\"two\nlines\"" : "plain";
		len += (size_t)snprintf(data + len, cap - len, "%zu,%s,Zo\xEB,\x80%zu\r\n", 100000 + i, note, i);
		lines += i % 100 == 0 ? 2 : 1;
	}
	struct counting k = {0};
	struct status st = {0};
	assert_int_equal(csvread_parse(data, len, CSVREAD_AUTO, count, &k, &st), 0);
	free(data);
	assert_int_equal(k.records, rows);
	assert_int_equal(k.errors, 0);
	assert_int_equal(k.fields, rows * 4);
	assert_int_equal(k.mismatches, 0);
	assert_int_equal(k.last_line, lines);
}

/* ---- helpers ---- */

static void trim_and_header_match(void **state)
{
	(void)state;
	size_t n;
	const char *s = csvread_trim(" \t\xC2\xA0 URN \r\n", &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "URN", 3);
	s = csvread_trim("   ", &n);
	assert_int_equal(n, 0);
	s = csvread_trim("Zo\xC3\xAB", &n);
	assert_int_equal(n, 4);
	assert_true(csvread_header_is("\xEF\xBB\xBFURN", "URN", false));
	assert_true(csvread_header_is(" LA (code) ", "LA (code)", false));
	assert_false(csvread_header_is("la (code)", "LA (code)", false));
	assert_true(csvread_header_is("la (CODE)", "LA (code)", true));
	assert_false(csvread_header_is("URNs", "URN", true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(simple_lf),
		T(quoted_commas_and_quotes),
		T(embedded_newlines_keep_line_numbers),
		T(crlf_and_empty_lines),
		T(lone_cr_ends_a_line),
		T(blank_records_skipped),
		T(whitespace_kept),
		T(no_final_newline),
		T(empty_input),
		T(bom_skipped),
		T(truncated_inside_quotes),
		T(short_last_row),
		T(stray_quote_then_recovery),
		T(broken_first_field),
		T(fields_never_null),
		T(nul_byte),
		T(callback_stops),
		T(windows_1252_converted),
		T(detection),
		T(auto_both_ways),
		T(undefined_1252_byte),
		T(invalid_utf8_declared),
		T(long_field),
		T(many_rows),
		T(trim_and_header_match),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
