/* cli_cluster: the `cluster` and `group` commands. A cluster already there may be named by
 * its id or its name (cli_lookup); a new cluster's id, and group ids, are checked by the
 * registry alone (it owns the rule); dates and URNs are checked here first. */
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli_format.h"
#include "pbjson.h"

/* Calls a method answering with a ClusterReply, which must hold the cluster. */
static int cli_call_cluster(struct cli *cli, const char *method, const ProtobufCMessage *req,
			    N2gg__V1__ClusterReply **reply)
{
	int rc = cli_call(cli, method, req, &n2gg__v1__cluster_reply__descriptor, (void **)reply);
	if (rc == 0 && !(*reply)->cluster)
		return status_fail(&cli->st, STATUS_INTERNAL, "%s replied without the cluster", method);
	return rc;
}

/* "created cluster C1 "North": open (opened 2026-09-01), 0 school(s)" */
static int cli_cluster_done(struct cli *cli, const char *done, const N2gg__V1__ClusterReply *reply)
{
	const N2gg__V1__Cluster *c = reply->cluster;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	printf("%s cluster %s \"%s\": %s (opened %s", done, c->id, c->name,
	       cli_cluster_status(c->status), cli_or_dash(c->opened_date));
	if (c->closed_date[0])
		printf(", closed %s", c->closed_date);
	printf("), %zu school(s)\n", c->n_member_urns);
	return 0;
}

/* An optional date option: "" (the registry's today) when not given. */
static int cli_opt_date(struct cli *cli, const struct cli_args *args, const char *name,
			char iso[DATE_ISO_LEN])
{
	const char *text = cli_opt(args, name);
	char what[32];
	iso[0] = '\0';
	if (!text)
		return 0;
	snprintf(what, sizeof what, "--%s", name);
	return cli_check_date(cli, what, text, iso);
}

int cli_cluster_create(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__CreateClusterRequest req = N2GG__V1__CREATE_CLUSTER_REQUEST__INIT;
	N2gg__V1__ClusterReply *reply;
	char opened[DATE_ISO_LEN];
	int rc;
	req.id = (char *)args->operands[0];
	req.name = (char *)args->operands[1];
	req.opened_date = opened;
	if ((rc = cli_opt_date(cli, args, "opened", opened)) < 0 ||
	    (rc = cli_call_cluster(cli, "CreateCluster", &req.base, &reply)) < 0)
		return rc;
	return cli_cluster_done(cli, "created", reply);
}

int cli_cluster_rename(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__RenameClusterRequest req = N2GG__V1__RENAME_CLUSTER_REQUEST__INIT;
	N2gg__V1__ClusterReply *reply;
	int rc;
	req.name = (char *)args->operands[1];
	if ((rc = cli_cluster_id(cli, "CLUSTER", args->operands[0], &req.id)) < 0 ||
	    (rc = cli_call_cluster(cli, "RenameCluster", &req.base, &reply)) < 0)
		return rc;
	return cli_cluster_done(cli, "renamed", reply);
}

int cli_cluster_set_chair(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__SetClusterChairRequest req = N2GG__V1__SET_CLUSTER_CHAIR_REQUEST__INIT;
	N2gg__V1__Contact chair = N2GG__V1__CONTACT__INIT;
	N2gg__V1__ClusterReply *reply;
	const char *email = cli_opt(args, "email"), *phone = cli_opt(args, "phone");
	int rc;
	chair.name = (char *)cli_opt(args, "name");
	chair.email = (char *)(email ? email : "");
	chair.phone = (char *)(phone ? phone : "");
	req.chair = &chair;
	if ((rc = cli_cluster_id(cli, "CLUSTER", args->operands[0], &req.id)) < 0 ||
	    (rc = cli_call_cluster(cli, "SetClusterChair", &req.base, &reply)) < 0)
		return rc;
	return cli_cluster_done(cli, "chair set for", reply);
}

int cli_cluster_close(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__CloseClusterRequest req = N2GG__V1__CLOSE_CLUSTER_REQUEST__INIT;
	N2gg__V1__ClusterReply *reply;
	char date[DATE_ISO_LEN];
	int rc;
	req.closed_date = date;
	if ((rc = cli_opt_date(cli, args, "date", date)) < 0 ||
	    (rc = cli_cluster_id(cli, "CLUSTER", args->operands[0], &req.id)) < 0 ||
	    (rc = cli_call_cluster(cli, "CloseCluster", &req.base, &reply)) < 0)
		return rc;
	return cli_cluster_done(cli, "closed", reply);
}

int cli_cluster_merge(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__MergeClustersRequest req = N2GG__V1__MERGE_CLUSTERS_REQUEST__INIT;
	N2gg__V1__ClusterReply *reply;
	char date[DATE_ISO_LEN];
	int rc;
	req.effective_date = date;
	if ((rc = cli_opt_date(cli, args, "date", date)) < 0 ||
	    (rc = cli_cluster_id(cli, "FROM", args->operands[0], &req.from_id)) < 0 ||
	    (rc = cli_cluster_id(cli, "INTO", args->operands[1], &req.into_id)) < 0 ||
	    (rc = cli_call_cluster(cli, "MergeClusters", &req.base, &reply)) < 0)
		return rc;
	return cli_cluster_done(cli, arena_printf(&cli->arena, "merged %s into", req.from_id), reply);
}

int cli_cluster_move(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__MoveSchoolRequest req = N2GG__V1__MOVE_SCHOOL_REQUEST__INIT;
	N2gg__V1__MoveSchoolReply *reply;
	const char *reason = cli_opt(args, "reason");
	char date[DATE_ISO_LEN];
	int rc;
	req.effective_date = date;
	req.reason = (char *)(reason ? reason : "");
	if ((rc = cli_check_urn(cli, args->operands[0], &req.urn)) < 0 ||
	    (rc = cli_opt_date(cli, args, "date", date)) < 0 ||
	    (rc = cli_cluster_id(cli, "CLUSTER", args->operands[1], &req.to_cluster)) < 0 ||
	    (rc = cli_call(cli, "MoveSchool", &req.base, &n2gg__v1__move_school_reply__descriptor,
			   (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (!date[0])
		date_format(date_today(), date);
	printf("moved %u %s to cluster %s from %s\n", req.urn, reply->school ? reply->school->name : "",
	       req.to_cluster, date);
	return 0;
}

/* Its schools, by one ListSchools call. */
static int cli_cluster_schools(struct cli *cli, const char *id, N2gg__V1__ListSchoolsReply **list)
{
	N2gg__V1__ListSchoolsRequest req = N2GG__V1__LIST_SCHOOLS_REQUEST__INIT;
	req.cluster_id = (char *)id;
	return cli_call(cli, "ListSchools", &req.base, &n2gg__v1__list_schools_reply__descriptor,
			(void **)list);
}

int cli_cluster_show(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__GetClusterRequest req = N2GG__V1__GET_CLUSTER_REQUEST__INIT;
	N2gg__V1__ClusterReply *reply;
	N2gg__V1__ListSchoolsReply *list;
	int rc;
	if ((rc = cli_cluster_id(cli, "CLUSTER", args->operands[0], &req.id)) < 0 ||
	    (rc = cli_call_cluster(cli, "GetCluster", &req.base, &reply)) < 0 ||
	    (rc = cli_cluster_schools(cli, req.id, &list)) < 0)
		return rc;
	if (cli->json) {
		/* the ClusterReply, with the member schools alongside */
		json_t *j = pbjson_message(&reply->base), *l = pbjson_message(&list->base);
		json_object_set(j, "schools", json_object_get(l, "schools"));
		json_decref(l);
		cli_print_json(j, 0);
		return 0;
	}
	cli_print_cluster(reply->cluster, &cli->arena);
	printf("\nSchools (%zu)\n", list->n_schools);
	if (list->n_schools)
		cli_print_school_table(list->schools, list->n_schools, &cli->arena);
	return 0;
}

int cli_cluster_list(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"ID", "Name", "Status", "Schools"};
	N2gg__V1__ListClustersRequest req = N2GG__V1__LIST_CLUSTERS_REQUEST__INIT;
	N2gg__V1__ListClustersReply *reply;
	struct cli_table t;
	(void)args;
	int rc = cli_call(cli, "ListClusters", &req.base, &n2gg__v1__list_clusters_reply__descriptor,
			  (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	cli_table_init(&t, &cli->arena, 4, head);
	for (size_t i = 0; i < reply->n_clusters; i++) {
		const N2gg__V1__Cluster *c = reply->clusters[i];
		const char *row[] = {c->id, c->name, cli_cluster_status(c->status),
				     arena_printf(&cli->arena, "%zu", c->n_member_urns)};
		cli_table_row(&t, row);
	}
	if (reply->n_clusters)
		cli_table_print(&t, stdout);
	printf("%zu cluster(s)\n", reply->n_clusters);
	return 0;
}

/* ---- groups ---- */

static const char *cli_group_kind(N2gg__V1__GroupKind kind)
{
	switch (kind) {
	case N2GG__V1__GROUP_KIND__GROUP_FEDERATION: return "federation";
	case N2GG__V1__GROUP_KIND__GROUP_PARTNERSHIP: return "partnership";
	default: return "unknown kind";
	}
}

static int cli_call_group(struct cli *cli, const char *method, N2gg__V1__GroupRequest *req,
			  N2gg__V1__GroupReply **reply)
{
	int rc = cli_call(cli, method, &req->base, &n2gg__v1__group_reply__descriptor,
			  (void **)reply);
	if (rc == 0 && !(*reply)->group)
		return status_fail(&cli->st, STATUS_INTERNAL, "%s replied without the group", method);
	return rc;
}

static int cli_group_done(struct cli *cli, const char *done, const N2gg__V1__GroupReply *reply)
{
	const N2gg__V1__Group *g = reply->group;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	printf("%s group %s \"%s\" (%s): %zu member(s)", done, g->id, g->name, cli_group_kind(g->kind),
	       g->n_member_urns);
	for (size_t i = 0; i < g->n_member_urns; i++)
		printf("%s%u", i ? ", " : " ", g->member_urns[i]);
	printf("\n");
	return 0;
}

int cli_group_create(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__GroupRequest req = N2GG__V1__GROUP_REQUEST__INIT;
	N2gg__V1__GroupReply *reply;
	const char *kind = cli_opt(args, "kind");
	req.id = (char *)args->operands[0];
	req.name = (char *)args->operands[1];
	if (strcasecmp(kind, "federation") == 0)
		req.kind = N2GG__V1__GROUP_KIND__GROUP_FEDERATION;
	else if (strcasecmp(kind, "partnership") == 0)
		req.kind = N2GG__V1__GROUP_KIND__GROUP_PARTNERSHIP;
	else
		return cli_invalid(cli, "--kind \"%s\": write federation or partnership", kind);
	int rc = cli_call_group(cli, "CreateGroup", &req, &reply);
	return rc < 0 ? rc : cli_group_done(cli, "created", reply);
}

static int cli_group_change(struct cli *cli, const struct cli_args *args, const char *method,
			    const char *done)
{
	N2gg__V1__GroupRequest req = N2GG__V1__GROUP_REQUEST__INIT;
	N2gg__V1__GroupReply *reply;
	req.id = (char *)args->operands[0];
	int rc;
	if ((rc = cli_check_urn(cli, args->operands[1], &req.urn)) < 0 ||
	    (rc = cli_call_group(cli, method, &req, &reply)) < 0)
		return rc;
	return cli_group_done(cli, arena_printf(&cli->arena, "%s %u %s", done, req.urn,
						strcmp(method, "AddToGroup") == 0 ? "to" : "from"),
			      reply);
}

int cli_group_add(struct cli *cli, const struct cli_args *args)
{
	return cli_group_change(cli, args, "AddToGroup", "added");
}

int cli_group_remove(struct cli *cli, const struct cli_args *args)
{
	return cli_group_change(cli, args, "RemoveFromGroup", "removed");
}

int cli_group_show(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"URN", "Name", "Cluster"};
	N2gg__V1__GroupRequest req = N2GG__V1__GROUP_REQUEST__INIT;
	N2gg__V1__GroupReply *reply;
	char at[CLI_TIME_LEN];
	struct cli_table t;
	req.id = (char *)args->operands[0];
	int rc = cli_call_group(cli, "GetGroup", &req, &reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	const N2gg__V1__Group *g = reply->group;
	printf("Group %s: %s\n", g->id, g->name);
	cli_print_field("Kind", "%s", cli_group_kind(g->kind));
	cli_print_field("Last updated", "by %s at %s", cli_or_dash(g->updated_by),
			cli_time(g->updated_unix_ms, at));
	printf("\nSchools (%zu)\n", g->n_member_urns);
	cli_table_init(&t, &cli->arena, 3, head);
	/* a group holds a handful of schools: one GetSchool each for their names */
	for (size_t i = 0; i < g->n_member_urns; i++) {
		N2gg__V1__GetSchoolReply *s;
		if ((rc = cli_school_get(cli, g->member_urns[i], NULL, &s)) < 0)
			return rc;
		const char *row[] = {arena_printf(&cli->arena, "%u", s->school->urn), s->school->name,
				     s->school->cluster_id};
		cli_table_row(&t, row);
	}
	if (g->n_member_urns)
		cli_table_print(&t, stdout);
	return 0;
}
