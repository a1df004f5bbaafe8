/* config: a service's settings, each from (strongest first) a command-line flag
 * `--name value` / `--name=value`, the environment `N2GG_<SERVICE>_<NAME>` (upper case,
 * '-' as '_'), a config file (`--config FILE`, INI `name = value`, read with inih), or the
 * default. The file holds this service's settings only: an unknown name, a line that is
 * not `name = value`, a section other than `[SERVICE]`, an indented continuation line or a
 * setting given twice is refused with FILE:LINE:, as an unknown flag is. `--help` and
 * `--version` are answered here. A yes/no setting (its default is
 * "yes" or "no") may be given alone: `--name` means `--name yes`. */
#ifndef N2GG_CONFIG_H
#define N2GG_CONFIG_H

#include <stddef.h>

#include "status.h"

struct config_option {
	const char *name;
	const char *default_value;
	const char *help;
	char *value;  /* set by config_load; owned by the config */
};

struct config {
	const char *program;      /* e.g. "n2gg-registry" */
	const char *env_prefix;   /* e.g. "N2GG_REGISTRY_" */
	const char *summary;      /* one line for --help */
	struct config_option *options;
	size_t count;
};

/* Returns 0 to run, 1 when --help or --version was answered (exit 0), <0 on a bad
 * setting (the message names it). */
int config_load(struct config *cfg, int argc, char **argv, struct status *st);
void config_free(struct config *cfg);

const char *config_get(const struct config *cfg, const char *name);
/* Integer settings: fails naming the setting when the value is not a whole number in range. */
int config_get_long(const struct config *cfg, const char *name, long min, long max, long *out,
		    struct status *st);

#endif
