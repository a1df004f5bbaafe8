/* cli_lookup: the names people type for what the services know by id. A cluster may be
 * given wherever a cluster id is asked for by its id, its name, or any part of its name
 * no other cluster's shares, all in any case ("Wymondham" is C926-06); the registry,
 * which owns clusters, lists them once per command. An ambiguous or unknown name is
 * refused with what it could have meant, never guessed at. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define CLI_CANDIDATES_NAMED 8   /* an ambiguous name lists this many of its clusters */
/* How long a lookup waits for the registry (unless --timeout-ms says): the name is a help,
 * and an officer who typed an id must not wait out every retry of a registry that is down */
#define CLI_LOOKUP_TIMEOUT_MS 2000

/* The registry's clusters, asked for once per command. A key that may not list them
 * (no reader role), or a registry that cannot be reached, still lets a cluster be named by
 * its id: *clusters is then NULL, and the service the command goes to checks the id. */
static int cli_lookup_clusters(struct cli *cli, N2gg__V1__ListClustersReply **clusters)
{
	N2gg__V1__ListClustersRequest req = N2GG__V1__LIST_CLUSTERS_REQUEST__INIT;
	if (!cli->clusters) {
		int timeout_ms = cli->timeout_ms, retries = cli->retries;
		if (!cli->timeout_given) {
			cli->timeout_ms = CLI_LOOKUP_TIMEOUT_MS;
			cli->retries = 0;
		}
		int rc = cli_call(cli, "ListClusters", &req.base,
				  &n2gg__v1__list_clusters_reply__descriptor, (void **)&cli->clusters);
		cli->timeout_ms = timeout_ms;   /* the command's own call waits as asked */
		cli->retries = retries;
		if (rc == -STATUS_PERMISSION_DENIED || rc == -STATUS_UNAVAILABLE) {
			/* the registry down must not stop an officer who knows the id: the
			 * service the command goes to still refuses an unknown one */
			if (rc == -STATUS_UNAVAILABLE)
				fprintf(stderr, "n2gg: note: cluster names cannot be looked up (%s); "
						"the cluster is taken as an id\n",
					cli->st.message);
			status_clear(&cli->st);
			*clusters = NULL;
			return 0;
		}
		if (rc < 0)
			return rc;
	}
	*clusters = cli->clusters;
	return 0;
}

/* The clusters whose id or name is `text` (exact) or, with `part`, holds it, any case. */
static size_t cli_lookup_match(const N2gg__V1__ListClustersReply *all, const char *text, bool part,
			       const N2gg__V1__Cluster **out)
{
	size_t n = 0;
	for (size_t i = 0; i < all->n_clusters; i++) {
		const N2gg__V1__Cluster *c = all->clusters[i];
		bool match = part ? strcasestr(c->name, text) || strcasestr(c->id, text)
				  : strcasecmp(c->name, text) == 0 || strcasecmp(c->id, text) == 0;
		if (match)
			out[n++] = c;
	}
	return n;
}

static int cli_lookup_ambiguous(struct cli *cli, const char *what, const char *text,
				const N2gg__V1__Cluster **found, size_t n)
{
	const char *list = "";
	for (size_t i = 0; i < n && i < CLI_CANDIDATES_NAMED; i++)
		list = arena_printf(&cli->arena, "%s%s%s \"%s\"", list, i ? ", " : "", found[i]->id,
				    found[i]->name);
	if (n > CLI_CANDIDATES_NAMED)
		list = arena_printf(&cli->arena, "%s and %zu more", list, n - CLI_CANDIDATES_NAMED);
	return cli_invalid(cli, "%s \"%s\" could be any of %zu clusters: %s; give its id, or more "
				"of its name",
			   what, text, n, list);
}

int cli_cluster_id(struct cli *cli, const char *what, const char *text, char **id)
{
	N2gg__V1__ListClustersReply *all;
	int rc;
	if (!text[0])
		return cli_invalid(cli, "%s is empty: give a cluster's id or name", what);
	if ((rc = cli_lookup_clusters(cli, &all)) < 0)
		return rc;
	*id = (char *)text;
	if (!all)
		return 0;
	for (size_t i = 0; i < all->n_clusters; i++)   /* an id as it is: the usual case */
		if (strcmp(all->clusters[i]->id, text) == 0)
			return 0;
	const N2gg__V1__Cluster **found = arena_alloc(&cli->arena, sizeof *found * (all->n_clusters + 1));
	size_t n = cli_lookup_match(all, text, false, found);
	if (!n)
		n = cli_lookup_match(all, text, true, found);
	if (n > 1)
		return cli_lookup_ambiguous(cli, what, text, found, n);
	if (!n)
		return status_fail(&cli->st, STATUS_NOT_FOUND,
				   "%s \"%s\": no cluster has that id, nor a name that holds it (`n2gg "
				   "cluster list` lists them)",
				   what, text);
	*id = found[0]->id;
	return 0;
}

int cli_cluster_opt(struct cli *cli, const struct cli_args *args, const char *name, char **id)
{
	const char *text = cli_opt(args, name);
	*id = "";
	if (!text)
		return 0;
	return cli_cluster_id(cli, arena_printf(&cli->arena, "--%s", name), text, id);
}

int cli_check_target(struct cli *cli, const char *text, uint32_t *urn, char **cluster_id)
{
	if (strlen(text) == 6 && strspn(text, "0123456789") == 6)
		return cli_check_urn(cli, text, urn);
	if (!text[0])
		return cli_invalid(cli, "give a school's URN or a cluster's id or name");
	return cli_cluster_id(cli, "cluster", text, cluster_id);
}
