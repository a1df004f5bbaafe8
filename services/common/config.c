/* config: flags, environment, INI file, defaults (see config.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef N2GG_VERSION
#define N2GG_VERSION "0.1.0"
#endif

static struct config_option *config_find(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->count; i++)
		if (strcmp(cfg->options[i].name, name) == 0)
			return &cfg->options[i];
	return NULL;
}

static void config_set(struct config_option *opt, const char *value)
{
	free(opt->value);
	opt->value = strdup(value);
}

/* The file holds one service's settings and nothing else, so that a misspelt name, a
 * setting meant for another service or a line inih would skip is refused at start (as an
 * unknown flag is), not silently left at its default. A `[NAME]` header naming this service
 * (`[registry]` for n2gg-registry) is allowed, to say which service a file is for; any other
 * section is refused. inih's reader hook counts lines, so each refusal names its line. */
struct config_file {
	struct config *cfg;
	FILE *f;
	char *raw;          /* the line inih is parsing, as read */
	size_t raw_cap;
	int line;
	bool setting_seen;  /* since the last section header: inih continues indented lines */
	int *set_on;        /* per option: the line that set it, 0 if none */
	int error_line;     /* the first refusal (0: none) and its message */
	char error[384];
};

/* Keeps the first refusal: the one a reader of the file meets first. Returns 0. */
static int config_file_refuse(struct config_file *cf, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int config_file_refuse(struct config_file *cf, int line, const char *fmt, ...)
{
	if (cf->error_line)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cf->error, sizeof cf->error, fmt, ap);
	va_end(ap);
	cf->error_line = line;
	return 0;
}

/* "registry" for "n2gg-registry". */
static const char *config_section_name(const struct config *cfg)
{
	return strncmp(cfg->program, "n2gg-", 5) == 0 ? cfg->program + 5 : cfg->program;
}

/* Refusals inih cannot make: section names, indented lines (inih would append them to the
 * setting above), lines too long for its buffer and lines it would fail on, with their text. */
static int config_file_check_line(struct config_file *cf, char *text, int max)
{
	size_t len = strlen(text);
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	if (cf->line == 1 && strncmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	const char *start = text;
	while (*start == ' ' || *start == '\t')
		start++;
	if (*start == '\0' || *start == ';' || *start == '#')
		return 0;
	if ((int)len > max)
		return config_file_refuse(cf, cf->line, "line longer than %d characters", max);
	if (start > text && cf->setting_seen)
		return config_file_refuse(cf, cf->line,
					  "indented line \"%.60s\" (a setting takes one line: "
					  "`name = value`)", start);
	if (*start == '[') {
		const char *close = strchr(start, ']');
		const char *want = config_section_name(cf->cfg);
		cf->setting_seen = false;
		if (!close)
			return config_file_refuse(cf, cf->line, "section header \"%.60s\" without ']'",
						  start);
		if ((size_t)(close - start - 1) != strlen(want) ||
		    strncmp(start + 1, want, strlen(want)) != 0)
			return config_file_refuse(cf, cf->line,
						  "section [%.*s]: the file holds %s's settings only, "
						  "with no section or under [%s]",
						  (int)(close - start - 1) > 60 ? 60 : (int)(close - start - 1),
						  start + 1, cf->cfg->program, want);
		return 0;
	}
	if (!strchr(start, '=') && !strchr(start, ':'))
		return config_file_refuse(cf, cf->line,
					  "\"%.60s\" is not a setting (`name = value`)", start);
	cf->setting_seen = true;
	return 0;
}

static char *config_file_read(char *str, int num, void *stream)
{
	struct config_file *cf = stream;
	ssize_t n = getline(&cf->raw, &cf->raw_cap, cf->f);
	if (n < 0)
		return NULL;
	cf->line++;
	/* inih needs room for the '\r', '\n' and NUL besides the text */
	int max = num - 3;
	if (memchr(cf->raw, '\0', (size_t)n))
		config_file_refuse(cf, cf->line, "a NUL byte (not a text file?)");
	char *copy = strdup(cf->raw);
	if (copy) {
		config_file_check_line(cf, copy, max);
		free(copy);
	}
	if (n > num - 1) {
		/* refused above; inih gets a blank line, not the pieces of a long one */
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	memcpy(str, cf->raw, (size_t)n + 1);
	return str;
}

static int config_file_entry(void *user, const char *section, const char *name, const char *value)
{
	(void)section;   /* checked as the header was read */
	struct config_file *cf = user;
	struct config_option *opt = config_find(cf->cfg, name);
	if (!opt) {
		config_file_refuse(cf, cf->line, "unknown setting \"%.64s\" (see %s --help)", name,
				   cf->cfg->program);
		return 0;
	}
	size_t i = (size_t)(opt - cf->cfg->options);
	if (cf->set_on[i]) {
		config_file_refuse(cf, cf->line, "%s is set twice (first on line %d)", name,
				   cf->set_on[i]);
		return 0;
	}
	cf->set_on[i] = cf->line;
	config_set(opt, value);
	return 1;
}

static int config_read_file(struct config *cfg, const char *path, struct status *st)
{
	struct config_file cf = {.cfg = cfg};
	cf.f = fopen(path, "r");
	if (!cf.f)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "cannot read config file %s: %s",
				   path, strerror(errno));
	cf.set_on = calloc(cfg->count ? cfg->count : 1, sizeof *cf.set_on);
	int rc = cf.set_on ? ini_parse_stream(config_file_read, &cf, config_file_entry, &cf) : -2;
	if (ferror(cf.f) && rc == 0)
		rc = -1;
	fclose(cf.f);
	free(cf.raw);
	free(cf.set_on);
	if (cf.error_line && (rc <= 0 || cf.error_line <= rc))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s:%d: %s", path, cf.error_line,
				   cf.error);
	if (rc > 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s:%d: not a setting (`name = value`), comment or section", path,
				   rc);
	if (rc < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "cannot read config file %s", path);
	return 0;
}

static void config_usage(const struct config *cfg)
{
	printf("Usage: %s [--name value]...\n%s\n\nSettings (flag, or environment %s<NAME>, or "
	       "`name = value` in --config FILE):\n",
	       cfg->program, cfg->summary, cfg->env_prefix);
	printf("  --%-16s %s\n", "config FILE", "read settings from an INI file");
	for (size_t i = 0; i < cfg->count; i++)
		printf("  --%-16s %s (default: %s)\n", cfg->options[i].name, cfg->options[i].help,
		       cfg->options[i].default_value);
	printf("  --%-16s %s\n  --%-16s %s\n", "help", "show this help", "version", "show the version");
}

static bool config_is_yes_no(const struct config_option *opt)
{
	return opt && opt->default_value &&
	       (strcmp(opt->default_value, "yes") == 0 || strcmp(opt->default_value, "no") == 0);
}

int config_load(struct config *cfg, int argc, char **argv, struct status *st)
{
	const char *config_file = getenv("N2GG_CONFIG");
	for (size_t i = 0; i < cfg->count; i++)
		config_set(&cfg->options[i], cfg->options[i].default_value);

	/* the file comes first so that environment and flags override it */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			config_usage(cfg);
			return 1;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("%s %s\n", cfg->program, N2GG_VERSION);
			return 1;
		}
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			config_file = argv[i] + 9;
	}
	if (config_file) {
		int rc = config_read_file(cfg, config_file, st);
		if (rc < 0)
			return rc;
	}

	for (size_t i = 0; i < cfg->count; i++) {
		char env[128];
		int n = snprintf(env, sizeof env, "%s", cfg->env_prefix);
		for (const char *p = cfg->options[i].name; *p && n < (int)sizeof env - 1; p++)
			env[n++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		env[n] = '\0';
		const char *v = getenv(env);
		if (v)
			config_set(&cfg->options[i], v);
	}

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "unexpected argument \"%s\" (settings are --name value; see --help)",
					   arg);
		char name[64];
		const char *eq = strchr(arg + 2, '=');
		size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (len >= sizeof name)
			len = sizeof name - 1;
		memcpy(name, arg + 2, len);
		name[len] = '\0';
		const char *value;
		const char *next = i + 1 < argc ? argv[i + 1] : "";
		if (eq) {
			value = eq + 1;
		} else if (config_is_yes_no(config_find(cfg, name)) && strcmp(next, "yes") != 0 &&
			   strcmp(next, "no") != 0) {
			value = "yes";   /* a yes/no setting given alone */
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			return status_fail(st, STATUS_INVALID_ARGUMENT, "--%s needs a value", name);
		}
		if (strcmp(name, "config") == 0)
			continue;
		struct config_option *opt = config_find(cfg, name);
		if (!opt)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "unknown setting --%s (see %s --help)", name, cfg->program);
		config_set(opt, value);
	}
	return 0;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->count; i++) {
		free(cfg->options[i].value);
		cfg->options[i].value = NULL;
	}
}

const char *config_get(const struct config *cfg, const char *name)
{
	struct config_option *opt = config_find(cfg, name);
	return opt && opt->value ? opt->value : "";
}

int config_get_long(const struct config *cfg, const char *name, long min, long max, long *out,
		    struct status *st)
{
	const char *v = config_get(cfg, name);
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "setting %s=\"%s\" is not a whole number from %ld to %ld", name, v,
				   min, max);
	*out = n;
	return 0;
}
