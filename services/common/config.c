/* config: flags, environment, INI file, defaults (see config.h). */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <ini.h>
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

/* Sections are ignored and unknown names skipped: one file may hold every service's
 * settings. */
static int config_file_entry(void *user, const char *section, const char *name, const char *value)
{
	(void)section;
	struct config_option *opt = config_find(user, name);
	if (opt)
		config_set(opt, value);
	return 1;
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
		int rc = ini_parse(config_file, config_file_entry, cfg);
		if (rc < 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT, "cannot read config file %s",
					   config_file);
		if (rc > 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "config file %s: syntax error on line %d", config_file, rc);
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
