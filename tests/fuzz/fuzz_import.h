/* fuzz_import: the loop the registry's and the scheduler's file imports run (import.c,
 * handlers.c: the first record is the header, each further record a row with its own
 * scratch arena), for the targets of the CSV importers. The importers promise that a bad
 * header or row is refused with STATUS_INVALID_ARGUMENT and a reason for the rejection
 * report, never a crash; the reason travels in a protobuf string, so it must be UTF-8. */
#ifndef N2GG_FUZZ_IMPORT_H
#define N2GG_FUZZ_IMPORT_H

#include "fuzz_support.h"

#include "arena.h"
#include "csvread.h"
#include "status.h"

/* One importer: header() sees the first record, row() each further one (with an arena
 * reset after every row); `file_arena` lives for the whole file, for what rows build up. */
struct fuzz_importer {
	int (*header)(void *state, const struct csvread_record *rec, struct status *st);
	int (*row)(void *state, const struct csvread_record *rec, struct arena *row_arena,
		   struct arena *file_arena, struct status *st);
	void *state;
};

static inline void fuzz_check_refusal(int rc, const struct status *st, const char *what,
				      size_t line)
{
	fuzz_assert(rc < 0, "%s of line %zu returned %d", what, line, rc);
	fuzz_assert(st->code == STATUS_INVALID_ARGUMENT && -rc == (int)st->code,
		    "%s of line %zu refused with code %d (returned %d): %s", what, line,
		    (int)st->code, rc, st->message);
	fuzz_assert(st->message[0], "%s of line %zu refused without a reason", what, line);
	fuzz_assert(fuzz_utf8_valid(st->message, strlen(st->message)),
		    "%s of line %zu: the reason is not UTF-8: %s", what, line, st->message);
}

struct fuzz_import_run {
	const struct fuzz_importer *imp;
	struct arena row_arena, file_arena;
	bool header_seen, header_ok;
};

static inline int fuzz_import_record(void *ctx, const struct csvread_record *rec)
{
	struct fuzz_import_run *run = ctx;
	struct status st = {0};
	if (!run->header_seen) {
		run->header_seen = true;
		int rc = run->imp->header(run->imp->state, rec, &st);
		if (rc < 0) {
			fuzz_check_refusal(rc, &st, "header", rec->line);
			return -1;   /* the import stops at a bad header */
		}
		run->header_ok = true;
		return 0;
	}
	int rc = run->imp->row(run->imp->state, rec, &run->row_arena, &run->file_arena, &st);
	if (rc < 0)
		fuzz_check_refusal(rc, &st, "row", rec->line);
	arena_reset(&run->row_arena);
	return 0;
}

/* Imports data[0..size) as the registry does (CSVREAD_AUTO). */
static inline void fuzz_import(const struct fuzz_importer *imp, const uint8_t *data, size_t size)
{
	struct fuzz_import_run run = {.imp = imp};
	arena_init(&run.row_arena);
	arena_init(&run.file_arena);
	struct status st = {0};
	int rc = csvread_parse((const char *)data, size, CSVREAD_AUTO, fuzz_import_record, &run, &st);
	fuzz_assert(rc == 0 || (rc == -1 && run.header_seen && !run.header_ok),
		    "csvread_parse returned %d: %s", rc, st.message);
	arena_free(&run.row_arena);
	arena_free(&run.file_arena);
}

#endif
