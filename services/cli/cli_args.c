/* cli_args: one parser for every command, driven by the command's table entry, and the
 * checks of argument values. Options may come before, between or after the operands;
 * "--" ends the options, so a name starting with '-' can still be given. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static int cli_option_index(const struct cli_command *cmd, const char *name, size_t len)
{
	/* options past CLI_MAX_OPTIONS would have nowhere to keep their value */
	for (int i = 0; cmd->options && cmd->options[i].name && i < CLI_MAX_OPTIONS; i++)
		if (strlen(cmd->options[i].name) == len && strncmp(cmd->options[i].name, name, len) == 0)
			return i;
	return -1;
}

/* The n-th placeholder of the command's operands, for "missing URN". */
static void cli_operand_name(const struct cli_command *cmd, int n, char *out, size_t size)
{
	const char *p = cmd->operands;
	for (int i = 0; i < n; i++)
		p = strchr(p, ' ') + 1;
	size_t len = strcspn(p, " ");
	snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), p);
}

static int cli_operand_count(const struct cli_command *cmd)
{
	if (!cmd->operands || !cmd->operands[0])
		return 0;
	int n = 1;
	for (const char *p = cmd->operands; *p; p++)
		n += *p == ' ';
	return n;
}

/* "--name", "--name=value" or "--name value": stores the value; returns the next argv
 * index, or -CLI_ERR_USAGE. */
static int cli_take_option(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
			   int i, struct cli_args *out)
{
	const char *name = argv[i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int k = cli_option_index(cmd, name, len);
	if (k < 0)
		return cli_usage_error(cli, "unknown option --%.*s", (int)len, name);
	const struct cli_option *o = &cmd->options[k];
	if (!o->value) {
		if (eq)
			return cli_usage_error(cli, "--%s takes no value", o->name);
		out->values[k] = "";
		return i + 1;
	}
	if (!eq && i + 1 >= argc)
		return cli_usage_error(cli, "--%s needs a value (%s)", o->name, o->value);
	const char *value = eq ? eq + 1 : argv[i + 1];
	/* a repeatable option given again adds to the list; any other: the last one counts */
	size_t vlen = strlen(o->value);
	if (vlen > 3 && !strcmp(o->value + vlen - 3, "...") && out->values[k])
		value = arena_printf(&cli->arena, "%s,%s", out->values[k], value);
	out->values[k] = value;
	return eq ? i + 1 : i + 2;
}

static int cli_args_complete(struct cli *cli, const struct cli_command *cmd, int operands,
			     const struct cli_args *out)
{
	if (operands < cli_operand_count(cmd)) {
		char name[32];
		cli_operand_name(cmd, operands, name, sizeof name);
		return cli_usage_error(cli, "missing %s", name);
	}
	for (int i = 0; cmd->options && cmd->options[i].name; i++)
		if (cmd->options[i].required && !out->values[i])
			return cli_usage_error(cli, "--%s %s is required", cmd->options[i].name,
					       cmd->options[i].value);
	return 0;
}

int cli_args_parse(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
		   struct cli_args *out)
{
	*out = (struct cli_args){.cmd = cmd};
	int operands = 0, max = cli_operand_count(cmd);
	bool options_done = false;
	for (int i = 0; i < argc;) {
		const char *a = argv[i];
		if (!options_done && strcmp(a, "--") == 0) {
			options_done = true;
			i++;
		} else if (!options_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
			cli_print_command_help(cmd, stdout);
			return 1;
		} else if (!options_done && strcmp(a, "--json") == 0) {
			cli->json = true;
			i++;
		} else if (!options_done && a[0] == '-' && a[1] == '-') {
			if ((i = cli_take_option(cli, cmd, argc, argv, i, out)) < 0)
				return i;
		} else if (!options_done && a[0] == '-' && a[1]) {
			return cli_usage_error(cli, "unknown option %s", a);
		} else if (operands >= max) {
			return cli_usage_error(cli, "unexpected argument \"%s\"", a);
		} else {
			out->operands[operands++] = a;
			i++;
		}
	}
	return cli_args_complete(cli, cmd, operands, out);
}

const char *cli_opt(const struct cli_args *args, const char *name)
{
	int k = cli_option_index(args->cmd, name, strlen(name));
	return k < 0 ? NULL : args->values[k];
}

void cli_print_usage(const struct cli_command *cmd, FILE *out)
{
	fprintf(out, "usage: n2gg %s%s%s", cmd->group ? cmd->group : "", cmd->group ? " " : "",
		cmd->name);
	if (cmd->operands && cmd->operands[0])
		fprintf(out, " %s", cmd->operands);
	for (int i = 0; cmd->options && cmd->options[i].name; i++) {
		const struct cli_option *o = &cmd->options[i];
		fprintf(out, " %s--%s%s%s%s", o->required ? "" : "[", o->name, o->value ? " " : "",
			o->value ? o->value : "", o->required ? "" : "]");
	}
	fprintf(out, " [--json]\n");
}

void cli_print_command_help(const struct cli_command *cmd, FILE *out)
{
	cli_print_usage(cmd, out);
	fprintf(out, "\n%s\n", cmd->summary);
	if (!cmd->options || !cmd->options[0].name)
		return;
	fprintf(out, "\noptions:\n");
	for (int i = 0; cmd->options[i].name; i++) {
		const struct cli_option *o = &cmd->options[i];
		char left[64];
		snprintf(left, sizeof left, "--%s%s%s", o->name, o->value ? " " : "",
			 o->value ? o->value : "");
		fprintf(out, "  %-28s %s\n", left, o->help);
	}
}

/* ---- values ---- */

int cli_check_urn(struct cli *cli, const char *text, uint32_t *urn)
{
	if (strlen(text) != 6 || strspn(text, "0123456789") != 6 || text[0] == '0')
		return cli_invalid(cli, "URN \"%s\" is not a 6-digit number (100000-999999)", text);
	*urn = (uint32_t)strtoul(text, NULL, 10);
	return 0;
}

int cli_check_date(struct cli *cli, const char *what, const char *text, char iso[DATE_ISO_LEN])
{
	if (!text[0] || date_normalise(text, iso) < 0)
		return cli_invalid(cli, "%s \"%s\" is not a date: write YYYY-MM-DD", what, text);
	return 0;
}

int cli_check_yes_no(struct cli *cli, const char *what, const char *text, bool *out)
{
	if (strcasecmp(text, "yes") == 0 || strcasecmp(text, "true") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(text, "no") == 0 || strcasecmp(text, "false") == 0) {
		*out = false;
		return 0;
	}
	return cli_invalid(cli, "%s \"%s\": write yes or no", what, text);
}

int cli_check_uint(struct cli *cli, const char *what, const char *text, uint32_t min,
		   uint32_t max, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (!text[0] || *end || text[0] == '-' || errno || v < min || v > max)
		return cli_invalid(cli, "%s \"%s\" is not a whole number from %u to %u", what, text,
				   min, max);
	*out = (uint32_t)v;
	return 0;
}

int cli_check_pct(struct cli *cli, const char *what, const char *text, double *out)
{
	char *end;
	double v = strtod(text, &end);
	if (!text[0] || *end || !isfinite(v) || v < 0 || v > 100)
		return cli_invalid(cli, "%s \"%s\" is not a percentage from 0 to 100", what, text);
	*out = v;
	return 0;
}
