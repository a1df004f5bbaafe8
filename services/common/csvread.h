/* csvread: RFC 4180 records out of an in-memory CSV file, converted to UTF-8, each with
 * the physical line it starts on, so importers can reject "line 1234: ..." precisely.
 * Pure: no I/O. Parsing is libcsv's; this module adds line numbers, encodings and
 * per-record error reporting (a malformed record never stops the file). */
#ifndef N2GG_CSVREAD_H
#define N2GG_CSVREAD_H

#include "arena.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>

enum csvread_encoding { CSVREAD_AUTO, CSVREAD_UTF8, CSVREAD_WINDOWS_1252 };

struct csvread_record {
	size_t line;          /* 1-based physical line the record starts on */
	size_t nfields;
	char **fields;        /* UTF-8, NUL-terminated, surrounding whitespace NOT trimmed */
	const char *error;    /* non-NULL: this record is malformed (the reason); fields may be partial */
};

/* Return <0 from the callback to stop parsing (csvread_parse then returns that value).
 * The record and its fields are only valid during the call: storage is reused. */
typedef int (*csvread_fn)(void *ctx, const struct csvread_record *rec);

/* Calls fn for every record of data[0..len). Empty lines, and lines whose every field is
 * empty or blank (",,,," as spreadsheets save trailing rows), are skipped. A UTF-8 BOM is
 * skipped. Invalid bytes (undefined in Windows-1252, invalid UTF-8, NUL) make the record
 * malformed and are replaced by U+FFFD, so fields are always valid UTF-8.
 * Returns 0; a callback's negative return; or <0 with st filled when the whole parse
 * fails (no iconv converter, out of memory). */
int csvread_parse(const char *data, size_t len, enum csvread_encoding enc,
		  csvread_fn fn, void *ctx, struct status *st);

/* Which encoding AUTO picks for a buffer: UTF8 when it is valid UTF-8 (a UTF-8 BOM is
 * skipped; a multi-byte character cut short by the end of the buffer still counts as
 * UTF-8, as in a truncated download), else WINDOWS_1252. */
enum csvread_encoding csvread_detect(const char *data, size_t len);

/* The value of a field without surrounding blanks (space, tab, CR, LF, no-break space):
 * returns where it starts and stores its length in *len. Does not modify s. */
const char *csvread_trim(const char *s, size_t *len);

/* A data row is usable when it is well formed and exactly as wide as its header
 * (a narrower row is usually a truncated file). */
int csvread_check_row(const struct csvread_record *rec, size_t header_fields, struct status *st);

/* The trimmed text of field `index` of a record, copied into the arena; "" when the index
 * is negative (a column the file lacks) or past the record's end. */
char *csvread_column(const struct csvread_record *rec, int index, struct arena *a);

/* Whether a header cell names `name`: surrounding blanks and a leading UTF-8 BOM are
 * ignored; letters compare case-insensitively (ASCII) when `nocase`. */
bool csvread_header_is(const char *cell, const char *name, bool nocase);
/* Whether two cell values are equal with ASCII letters compared case-insensitively
 * (strcasecmp follows the locale, and a file's words do not). */
bool csvread_equal_nocase(const char *a, const char *b);

#endif
