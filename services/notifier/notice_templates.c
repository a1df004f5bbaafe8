/* notice_templates: the set of letter templates, one per notice kind, read from a directory
 * or built in (see notice.h). The only part of notice that touches the file system. */
#include "notice.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Generated from templates/<kind>.tmpl by embed.cmake, so that the service sends letters with
 * no template directory installed. */
extern const char notice_builtin_category_letter[];
extern const size_t notice_builtin_category_letter_len;
extern const char notice_builtin_allocation_letter[];
extern const size_t notice_builtin_allocation_letter_len;
extern const char notice_builtin_visit_schedule[];
extern const size_t notice_builtin_visit_schedule_len;
extern const char notice_builtin_mi_sheet[];
extern const size_t notice_builtin_mi_sheet_len;
extern const char notice_builtin_mi_reminder[];
extern const size_t notice_builtin_mi_reminder_len;
extern const char notice_builtin_digest[];
extern const size_t notice_builtin_digest_len;
extern const char notice_builtin_visit_report[];
extern const size_t notice_builtin_visit_report_len;
extern const char notice_builtin_mi_correction[];
extern const size_t notice_builtin_mi_correction_len;

struct notice_builtin {
	const char *text;
	const size_t *len;
};

static const struct notice_builtin notice_builtins[NOTICE_KIND_COUNT] = {
	[N2GG__V1__NOTICE_KIND__NOTICE_CATEGORY_LETTER] = {
		notice_builtin_category_letter, &notice_builtin_category_letter_len },
	[N2GG__V1__NOTICE_KIND__NOTICE_ALLOCATION_LETTER] = {
		notice_builtin_allocation_letter, &notice_builtin_allocation_letter_len },
	[N2GG__V1__NOTICE_KIND__NOTICE_VISIT_SCHEDULE] = {
		notice_builtin_visit_schedule, &notice_builtin_visit_schedule_len },
	[N2GG__V1__NOTICE_KIND__NOTICE_MI_SHEET] = {
		notice_builtin_mi_sheet, &notice_builtin_mi_sheet_len },
	[N2GG__V1__NOTICE_KIND__NOTICE_MI_REMINDER] = {
		notice_builtin_mi_reminder, &notice_builtin_mi_reminder_len },
	[N2GG__V1__NOTICE_KIND__NOTICE_DIGEST] = {
		notice_builtin_digest, &notice_builtin_digest_len },
	[N2GG__V1__NOTICE_KIND__NOTICE_VISIT_REPORT] = {
		notice_builtin_visit_report, &notice_builtin_visit_report_len },
	[N2GG__V1__NOTICE_KIND__NOTICE_MI_CORRECTION] = {
		notice_builtin_mi_correction, &notice_builtin_mi_correction_len },
};

/* A letter template is a page or two; anything much larger is the wrong file. */
#define NOTICE_TEMPLATE_MAX (1024 * 1024)

struct notice_loader {
	notice_report_fn report;
	void *ctx;
	struct status first;   /* the first problem */
	bool failed;
};

static void notice_note(struct notice_loader *l, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void notice_note(struct notice_loader *l, const char *file, const char *fmt, ...)
{
	char msg[sizeof l->first.message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (l->report)
		l->report(l->ctx, file, msg);
}

static void notice_problem(struct notice_loader *l, const char *file, enum status_code code,
			   const char *message)
{
	if (l->report)
		l->report(l->ctx, file, message);
	if (!l->failed)
		status_fail(&l->first, code, "%s", message);
	l->failed = true;
}

enum notice_read { NOTICE_READ_OK, NOTICE_READ_MISSING, NOTICE_READ_FAILED };

/* Reads a whole template file into a malloc'd buffer; a problem is described in `st`. */
static enum notice_read notice_read_file(const char *path, char **text, size_t *len,
					 struct status *st)
{
	*text = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return NOTICE_READ_MISSING;
		status_fail(st, STATUS_FAILED_PRECONDITION, "%s: cannot read: %s", path,
			    strerror(errno));
		return NOTICE_READ_FAILED;
	}
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	enum notice_read rc = NOTICE_READ_OK;
	while (buf) {
		if (n == cap) {
			char *grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > NOTICE_TEMPLATE_MAX) {
			status_fail(st, STATUS_INVALID_ARGUMENT,
				    "%s: larger than %d bytes, not a letter template", path,
				    NOTICE_TEMPLATE_MAX);
			rc = NOTICE_READ_FAILED;
			break;
		}
		if (got == 0) {
			if (ferror(f)) {
				status_fail(st, STATUS_FAILED_PRECONDITION, "%s: cannot read: %s",
					    path, strerror(errno));
				rc = NOTICE_READ_FAILED;
			}
			break;
		}
	}
	fclose(f);
	if (!buf) {
		status_fail(st, STATUS_RESOURCE_EXHAUSTED, "%s: out of memory reading it", path);
		return NOTICE_READ_FAILED;
	}
	/* A NUL would end the letter's text wherever it fell: the file is not a template. */
	if (rc == NOTICE_READ_OK && memchr(buf, '\0', n)) {
		status_fail(st, STATUS_INVALID_ARGUMENT, "%s: holds a NUL byte, not a text file",
			    path);
		rc = NOTICE_READ_FAILED;
	}
	if (rc != NOTICE_READ_OK) {
		free(buf);
		return rc;
	}
	*text = buf;
	*len = n;
	return NOTICE_READ_OK;
}

static bool notice_is_kind_file(const char *name)
{
	for (int k = 1; k < NOTICE_KIND_COUNT; k++) {
		const struct notice_kind_info *info = notice_kind((N2gg__V1__NoticeKind)k);
		if (info && strcmp(name, info->file) == 0)
			return true;
	}
	return false;
}

/* A misspelt file name would otherwise go unnoticed behind the built-in template. */
static int notice_scan_dir(struct notice_loader *l, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		char msg[sizeof l->first.message];
		snprintf(msg, sizeof msg, "%s: cannot open the template directory: %s", dir,
			 strerror(errno));
		notice_problem(l, dir, errno == ENOENT ? STATUS_NOT_FOUND
					 : STATUS_FAILED_PRECONDITION, msg);
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n > 5 && strcmp(e->d_name + n - 5, ".tmpl") == 0 &&
		    !notice_is_kind_file(e->d_name)) {
			char path[1024];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			notice_note(l, path, "%s: not the template of any notice kind, ignored",
				    path);
		}
	}
	closedir(d);
	return 0;
}

int notice_templates_load(struct notice_templates *t, const char *dir, notice_report_fn report,
			  void *ctx, struct status *st)
{
	memset(t, 0, sizeof *t);
	arena_init(&t->arena);
	struct notice_loader l = { .report = report, .ctx = ctx };
	status_clear(&l.first);
	bool from_dir = dir && dir[0];
	if (from_dir && strlen(dir) >= sizeof t->dir) {
		char msg[sizeof l.first.message];
		snprintf(msg, sizeof msg, "%.64s...: the template directory's path is longer "
			 "than %zu characters", dir, sizeof t->dir - 1);
		notice_problem(&l, dir, STATUS_INVALID_ARGUMENT, msg);
	} else if (from_dir) {
		notice_scan_dir(&l, dir);
	}

	/* A directory that cannot be read is one problem, not one per kind; after that every
	 * kind is loaded, so that one run shows every template's mistake. */
	int first_kind = l.failed ? NOTICE_KIND_COUNT : 1;
	for (int k = first_kind; k < NOTICE_KIND_COUNT; k++) {
		const struct notice_kind_info *info = notice_kind((N2gg__V1__NoticeKind)k);
		if (!info)
			continue;
		const char *text = notice_builtins[k].text;
		size_t len = *notice_builtins[k].len;
		const char *name = info->file;
		char *read = NULL;
		char path[sizeof t->dir + 64];
		if (from_dir) {
			snprintf(path, sizeof path, "%s/%s", dir, info->file);
			struct status rs;
			status_clear(&rs);
			size_t n = 0;
			switch (notice_read_file(path, &read, &n, &rs)) {
			case NOTICE_READ_OK:
				text = read;
				len = n;
				name = path;
				break;
			case NOTICE_READ_MISSING:
				notice_note(&l, path,
					    "%s: not found, the built-in template is used", path);
				break;
			case NOTICE_READ_FAILED:
				notice_problem(&l, path, rs.code, rs.message);
				continue;
			}
		}
		struct status ps;
		status_clear(&ps);
		if (template_file_parse(name, text, len, info->vars, &t->arena, &t->files[k],
					&ps) != 0)
			notice_problem(&l, name, ps.code, ps.message);
		free(read);
	}

	if (l.failed) {
		notice_templates_free(t);
		if (st)
			*st = l.first;
		return -(int)l.first.code;
	}
	if (from_dir)
		snprintf(t->dir, sizeof t->dir, "%s", dir);
	return 0;
}

void notice_templates_free(struct notice_templates *t)
{
	arena_free(&t->arena);
	memset(t->files, 0, sizeof t->files);
	t->dir[0] = '\0';
}
