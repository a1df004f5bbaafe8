/* cli_keys: `n2gg keys generate` and `n2gg keys list`: the CURVE certificates that
 * identify services, officers and other programs (see services/common/cert.h). No
 * service is contacted. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cert.h"
#include "cli.h"
#include "role.h"

int cli_keys_generate(struct cli *cli, const struct cli_args *args)
{
	const char *name = args->operands[0], *dir = cli_opt(args, "out");
	const char *roles = cli_opt(args, "role");
	char unknown[CERT_ROLES_MAX] = "", canonical[CERT_ROLES_MAX] = "";
	if (roles) {
		unsigned bits = role_parse(roles, unknown, sizeof unknown);
		if (unknown[0])
			return cli_invalid(cli,
					   "--role %s: the roles are reader, officer, importer, "
					   "publisher, admin, service and gateway",
					   unknown);
		role_list(bits, canonical, sizeof canonical);
	}
	struct cert c;
	int rc = cert_generate(dir, name, canonical, &c, &cli->st);
	if (rc < 0)
		return rc;
	if (cli->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", c.name, "roles", c.roles,
				      "fingerprint", c.fingerprint, "public_key", c.public_txt);
		json_object_set_new(o, "public_file", json_sprintf("%s/%s.key", dir, name));
		json_object_set_new(o, "secret_file", json_sprintf("%s/%s.key_secret", dir, name));
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
		return 0;
	}
	printf("made %s/%s.key (public) and %s/%s.key_secret (secret, mode 0600)\n"
	       "  name         %s\n  roles        %s\n  fingerprint  %s\n\n"
	       "To admit it, copy %s/%s.key into each service's authorised keys directory\n"
	       "(--authorized-keys) and send the service SIGHUP. Keep the .key_secret file where\n"
	       "only its owner reads it.\n",
	       dir, name, dir, name, c.name, c.roles[0] ? c.roles : "none", c.fingerprint, dir,
	       name);
	return 0;
}

static int cli_keys_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cli_keys_list(struct cli *cli, const struct cli_args *args)
{
	const char *dir = args->operands[0];
	DIR *d = opendir(dir);
	if (!d)
		return status_fail(&cli->st, STATUS_NOT_FOUND, "cannot read %s: %s", dir,
				   strerror(errno));
	size_t count = 0, cap = 0;
	char **files = NULL;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".key") != 0)
			continue;
		files = arena_grow(&cli->arena, files, count, &cap, sizeof *files);
		files[count++] = arena_strdup(&cli->arena, e->d_name);
	}
	closedir(d);
	if (count)
		qsort(files, count, sizeof *files, cli_keys_compare);
	json_t *list = cli->json ? json_array() : NULL;
	if (!cli->json)
		printf("%-24s %-32s %-16s %s\n", "NAME", "ROLES", "FINGERPRINT", "FILE");
	for (size_t i = 0; i < count; i++) {
		char path[4096], secret[4200];
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		snprintf(secret, sizeof secret, "%s_secret", path);
		struct cert c;
		struct status st;
		if (cert_load(path, &c, &st) < 0) {
			if (cli->json)
				json_array_append_new(list, json_pack("{s:s, s:s}", "file", files[i],
								      "error", st.message));
			else
				printf("%-24s %s\n", files[i], st.message);
			continue;
		}
		bool has_secret = access(secret, F_OK) == 0;
		if (cli->json) {
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "file",
							      files[i], "name", c.name, "roles",
							      c.roles, "fingerprint", c.fingerprint,
							      "public_key", c.public_txt, "has_secret",
							      has_secret));
		} else {
			printf("%-24s %-32s %-16s %s%s\n", c.name[0] ? c.name : "(no name)",
			       c.roles[0] ? c.roles : "-", c.fingerprint, files[i],
			       has_secret ? " (+ secret)" : "");
		}
	}
	if (cli->json) {
		json_dumpf(list, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(list);
	} else if (!count) {
		printf("(no certificates in %s)\n", dir);
	}
	return 0;
}
