/* csvread: CSV records with physical line numbers and UTF-8 text (see csvread.h).
 *
 * libcsv does the RFC 4180 parsing but knows nothing of lines, so the buffer is fed to it
 * one physical line at a time (each chunk ends at its CR or LF). A row can then only end
 * on the last byte of a chunk, and a record starts on the line of the first chunk with
 * content after the previous row ended; embedded newlines in quoted fields just make a
 * record span several chunks. Fields are converted to UTF-8 as libcsv hands them over,
 * into one buffer reused for every record. */
#include "csvread.h"

#include "utf8.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* STRICT: a stray quote is an error, not data; STRICT_FINI: so is a quote still open at
 * the end of the data (a truncated file). */
#define CSVREAD_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)
/* libcsv grows its field buffer by this much; its default (128) reallocates too often for
 * a long quoted field. */
#define CSVREAD_BLOCK (64 * 1024)

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};
static const char replacement[3] = {(char)0xEF, (char)0xBF, (char)0xBD};  /* U+FFFD */

struct reader {
	struct csv_parser parser;
	enum csvread_encoding enc;  /* UTF8 or WINDOWS_1252 once resolved */
	iconv_t cd;                 /* WINDOWS_1252 only */
	csvread_fn fn;
	void *ctx;

	/* the record being built: its fields, NUL-terminated, one after another in buf */
	char *buf;
	size_t len, cap;
	size_t *offs;
	size_t nfields, offs_cap;
	char **ptrs;
	size_t ptrs_cap;
	size_t start_line;
	bool in_record;
	bool has_error;
	char error[256];

	int stop;   /* the callback's negative return, once it asked to stop */
	bool oom;
};

/* Blanks are data in RFC 4180: libcsv must keep them (trimming is the caller's choice). */
static int never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void parser_init(struct csv_parser *p)
{
	csv_init(p, CSVREAD_OPTIONS);
	csv_set_space_func(p, never_space);
	csv_set_blk_size(p, CSVREAD_BLOCK);
}

static bool has_bom(const unsigned char *s, size_t len)
{
	return len >= 3 && memcmp(s, utf8_bom, 3) == 0;
}

enum csvread_encoding csvread_detect(const char *data, size_t len)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = has_bom(s, len) ? 3 : 0;
	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		int n = utf8_sequence_or_cut((const char *)s + i, len - i);
		if (n > 0)
			i += (size_t)n;
		else
			/* cut short by the end: a truncated UTF-8 file, whose other text is right */
			return n < 0 ? CSVREAD_UTF8 : CSVREAD_WINDOWS_1252;
	}
	return CSVREAD_UTF8;
}

static bool is_blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_nbsp(const char *s)
{
	return (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0;
}

const char *csvread_trim(const char *s, size_t *len)
{
	size_t b = 0, e = strlen(s);
	for (;;) {
		if (b < e && is_blank_byte(s[b]))
			b++;
		else if (e - b >= 2 && is_nbsp(s + b))
			b += 2;
		else
			break;
	}
	for (;;) {
		if (e > b && is_blank_byte(s[e - 1]))
			e--;
		else if (e - b >= 2 && is_nbsp(s + e - 2))
			e -= 2;
		else
			break;
	}
	*len = e - b;
	return s + b;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool csvread_header_is(const char *cell, const char *name, bool nocase)
{
	if (has_bom((const unsigned char *)cell, strlen(cell)))
		cell += 3;
	size_t n;
	const char *v = csvread_trim(cell, &n);
	if (n != strlen(name))
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = v[i], b = name[i];
		if (nocase ? ascii_lower(a) != ascii_lower(b) : a != b)
			return false;
	}
	return true;
}

bool csvread_equal_nocase(const char *a, const char *b)
{
	for (;; a++, b++) {
		if (ascii_lower(*a) != ascii_lower(*b))
			return false;
		if (!*a)
			return true;
	}
}

/* ---- the record being built ---- */

static void record_error(struct reader *r, bool overwrite, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The first problem of a record is its reason, except that a quoting error, which
 * leaves the fields partial, replaces an encoding one. */
static void record_error(struct reader *r, bool overwrite, const char *fmt, ...)
{
	if (r->has_error && !overwrite)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
	r->has_error = true;
}

static bool reserve(struct reader *r, size_t more)
{
	if (r->oom)
		return false;
	if (more > SIZE_MAX / 2 - r->len) {
		r->oom = true;
		return false;
	}
	if (r->len + more <= r->cap)
		return true;
	size_t cap = r->cap ? r->cap : 4096;
	while (cap < r->len + more)
		cap *= 2;
	char *b = realloc(r->buf, cap);
	if (!b) {
		r->oom = true;
		return false;
	}
	r->buf = b;
	r->cap = cap;
	return true;
}

static void put_bytes(struct reader *r, const void *s, size_t n)
{
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

/* Copies the run of plain ASCII from s[i] (the common case in both encodings) and returns
 * where it stopped: at n, a NUL, or a byte of 0x80 or more. */
static size_t put_ascii_run(struct reader *r, const unsigned char *s, size_t i, size_t n)
{
	size_t run = i;
	while (run < n && s[run] < 0x80 && s[run] != 0)
		run++;
	put_bytes(r, s + i, run - i);
	return run;
}

/* Appends a field declared UTF-8, replacing what is not valid UTF-8 (space reserved). */
static void append_utf8(struct reader *r, const unsigned char *s, size_t n, size_t field)
{
	size_t i = 0;
	while (i < n) {
		i = put_ascii_run(r, s, i, n);
		if (i == n)
			break;
		int k = s[i] ? utf8_sequence_or_cut((const char *)s + i, n - i) : 0;
		if (k > 0) {
			put_bytes(r, s + i, (size_t)k);
			i += (size_t)k;
			continue;
		}
		if (s[i] == 0)
			record_error(r, false, "field %zu: NUL byte", field);
		else
			record_error(r, false, "field %zu: invalid UTF-8 (byte 0x%02X; is the file Windows-1252?)",
				     field, s[i]);
		put_bytes(r, replacement, sizeof replacement);
		i++;
	}
}

/* The five byte values Windows-1252 leaves undefined. Checked here rather than left to
 * iconv, as some iconv implementations pass them through as C1 controls. */
static bool cp1252_undefined(unsigned char c)
{
	return c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D;
}

/* Appends a Windows-1252 field converted to UTF-8 (space reserved: at most 3 bytes out
 * per byte in, U+FFFD included). */
static void append_cp1252(struct reader *r, const unsigned char *s, size_t n, size_t field)
{
	size_t i = 0;
	while (i < n) {
		i = put_ascii_run(r, s, i, n);
		size_t run = i;
		/* the stretch up to the next byte we refuse goes through iconv */
		while (run < n && s[run] != 0 && !cp1252_undefined(s[run]))
			run++;
		if (run > i) {
			char *in = (char *)(s + i), *out = r->buf + r->len;
			size_t inleft = run - i, outleft = r->cap - r->len;
			size_t rc = iconv(r->cd, &in, &inleft, &out, &outleft);
			r->len = (size_t)(out - r->buf);
			i = (size_t)((const unsigned char *)in - s);
			if (rc == (size_t)-1 && inleft > 0) {
				/* a byte this iconv refuses although the table defines it */
				record_error(r, false, "field %zu: byte 0x%02X could not be converted from Windows-1252 (%s)",
					     field, s[i], strerror(errno));
				put_bytes(r, replacement, sizeof replacement);
				i++;
			}
			continue;
		}
		if (i == n)
			break;
		if (s[i] == 0)
			record_error(r, false, "field %zu: NUL byte", field);
		else
			record_error(r, false, "field %zu: byte 0x%02X is not a Windows-1252 character", field, s[i]);
		put_bytes(r, replacement, sizeof replacement);
		i++;
	}
}

/* libcsv's field callback: converts and stores one field. */
static void on_field(void *data, size_t n, void *arg)
{
	struct reader *r = arg;
	const unsigned char *s = data;
	if (r->stop || r->oom)
		return;
	if (r->nfields == r->offs_cap) {
		size_t cap = r->offs_cap ? r->offs_cap * 2 : 64;
		size_t *o = realloc(r->offs, cap * sizeof *o);
		if (!o) {
			r->oom = true;
			return;
		}
		r->offs = o;
		r->offs_cap = cap;
	}
	if (n > (SIZE_MAX - 1) / 3 || !reserve(r, 3 * n + 1)) {
		r->oom = true;
		return;
	}
	r->offs[r->nfields++] = r->len;
	if (r->enc == CSVREAD_WINDOWS_1252)
		append_cp1252(r, s, n, r->nfields);
	else
		append_utf8(r, s, n, r->nfields);
	r->buf[r->len++] = '\0';
}

static bool record_blank(const struct reader *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		size_t n;
		csvread_trim(r->ptrs[i], &n);
		if (n)
			return false;
	}
	return true;
}

/* Hands the record built so far to the callback (unless blank), then starts afresh. */
static void deliver(struct reader *r)
{
	if (!r->stop && !r->oom) {
		/* fields is never NULL, even for a record broken in its first field */
		if (!r->ptrs || r->nfields > r->ptrs_cap) {
			size_t cap = r->offs_cap ? r->offs_cap : 1;
			char **p = realloc(r->ptrs, cap * sizeof *p);
			if (!p) {
				r->oom = true;
				return;
			}
			r->ptrs = p;
			r->ptrs_cap = cap;
		}
		for (size_t i = 0; i < r->nfields; i++)
			r->ptrs[i] = r->buf + r->offs[i];
		if (r->has_error || !record_blank(r)) {
			struct csvread_record rec = {
				.line = r->start_line,
				.nfields = r->nfields,
				.fields = r->ptrs,
				.error = r->has_error ? r->error : NULL,
			};
			int rc = r->fn(r->ctx, &rec);
			if (rc < 0)
				r->stop = rc;
		}
	}
	r->len = 0;
	r->nfields = 0;
	r->has_error = false;
	r->in_record = false;
}

/* libcsv's end-of-row callback. */
static void on_row(int c, void *arg)
{
	(void)c;
	deliver(arg);
}

static void reader_free(struct reader *r)
{
	csv_free(&r->parser);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	free(r->buf);
	free(r->offs);
	free(r->ptrs);
}

int csvread_parse(const char *data, size_t len, enum csvread_encoding enc,
		  csvread_fn fn, void *ctx, struct status *st)
{
	const unsigned char *d = (const unsigned char *)data;
	struct reader r = {.fn = fn, .ctx = ctx, .cd = (iconv_t)-1};
	size_t pos = 0, line = 1;
	int rc = 0;

	if (len == 0)
		return 0;
	r.enc = enc == CSVREAD_AUTO ? csvread_detect(data, len) : enc;
	if (r.enc == CSVREAD_UTF8 && has_bom(d, len))
		pos = 3;
	if (r.enc == CSVREAD_WINDOWS_1252) {
		r.cd = iconv_open("UTF-8", "WINDOWS-1252");
		if (r.cd == (iconv_t)-1)
			return status_fail(st, STATUS_INTERNAL, "cannot convert Windows-1252 text: iconv: %s",
					   strerror(errno));
	}
	parser_init(&r.parser);

	while (pos < len && !r.stop && !r.oom) {
		size_t end = pos;
		while (end < len && d[end] != '\n' && d[end] != '\r')
			end++;
		size_t next = end < len ? end + 1 : len;
		if (!r.in_record && end > pos) {
			r.in_record = true;
			r.start_line = line;
		}
		size_t used = csv_parse(&r.parser, d + pos, next - pos, on_field, on_row, &r);
		if (used < next - pos) {
			int err = csv_error(&r.parser);
			if (err != CSV_EPARSE) {
				rc = status_fail(st, STATUS_RESOURCE_EXHAUSTED, "line %zu: %s", line,
						 csv_strerror(err));
				goto out;
			}
			/* Bad quoting: report the record so far and resume on the next line, as
			 * the rest of this one cannot be split into fields reliably. */
			char where[48] = "";
			if (line != r.start_line)
				snprintf(where, sizeof where, " (line %zu)", line);
			if (d[pos + used] == '"')
				record_error(&r, true, "field %zu%s: quote inside an unquoted field "
					     "(such a field must be quoted and its quotes doubled)",
					     r.nfields + 1, where);
			else
				record_error(&r, true, "field %zu%s: text after the closing quote "
					     "(a quote inside a quoted field must be doubled)",
					     r.nfields + 1, where);
			deliver(&r);
			csv_free(&r.parser);
			parser_init(&r.parser);
		}
		/* CR LF, LF and a lone CR each end one physical line */
		if (end < len && (d[end] == '\n' || end + 1 == len || d[end + 1] != '\n'))
			line++;
		pos = next;
	}
	if (!r.stop && !r.oom && csv_fini(&r.parser, on_field, on_row, &r) != 0) {
		record_error(&r, true, "unterminated quoted field: field %zu opens a quote the file "
			     "never closes (truncated file?)", r.nfields + 1);
		deliver(&r);
	}
	if (r.oom)
		rc = status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory reading CSV line %zu", line);
	else if (r.stop)
		rc = r.stop;
out:
	reader_free(&r);
	return rc;
}

char *csvread_column(const struct csvread_record *rec, int index, struct arena *a)
{
	size_t n;
	if (index < 0 || (size_t)index >= rec->nfields)
		return (char *)"";
	const char *v = csvread_trim(rec->fields[index], &n);
	return n ? arena_strndup(a, v, n) : (char *)"";
}

int csvread_check_row(const struct csvread_record *rec, size_t header_fields, struct status *st)
{
	if (rec->error)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s", rec->error);
	if (rec->nfields != header_fields)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "row has %zu fields but the header has %zu (truncated row?)",
				   rec->nfields, header_fields);
	return 0;
}
