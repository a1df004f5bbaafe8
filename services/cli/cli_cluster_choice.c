/* cli_cluster_choice: each cluster's choice for its Cluster Education Partner, kept by the
 * scheduler (cluster choice, cluster choices). Choice A: the cluster recruits its own CEP by
 * the deadline, named with --nominee once known; Choice B: the LA identifies one. Whether a
 * nominee meets the rules, and whether the deadline has passed, is the scheduler's to say. */
#include <string.h>

#include "cli.h"
#include "cli_format.h"

static const char *cli_choice_letter(N2gg__V1__CepChoice c)
{
	return c == N2GG__V1__CEP_CHOICE__CEP_CHOICE_A   ? "A"
	       : c == N2GG__V1__CEP_CHOICE__CEP_CHOICE_B ? "B"
							 : "-";
}

static const char *cli_choice_state(N2gg__V1__CepChoiceState state)
{
	switch (state) {
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_OWN_PINNED: return "own CEP pinned";
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_AWAITING_NOMINEE:
		return "awaiting the cluster's nominee";
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_LA_TO_IDENTIFY: return "LA to identify";
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_DEADLINE_MISSED:
		return "deadline missed " CLI_DASH " LA identified";
	case N2GG__V1__CEP_CHOICE_STATE__CEP_CHOICE_STATE_NOMINEE_LEFT:
		return "own CEP no longer serves " CLI_DASH " LA identified";
	default: return "no choice recorded " CLI_DASH " LA identifies";
	}
}

/* "Jane Doe (P058)", or "-" when no one. */
static const char *cli_named(const char *name, const char *id, struct arena *a)
{
	if (!id || !id[0])
		return "-";
	return name && name[0] ? arena_printf(a, "%s (%s)", name, id) : id;
}

int cli_cluster_choice(struct cli *cli, const struct cli_args *args)
{
	N2gg__V1__SetClusterChoiceRequest req = N2GG__V1__SET_CLUSTER_CHOICE_REQUEST__INIT;
	N2gg__V1__ClusterChoiceReply *reply;
	const char *choice = args->operands[1];
	int rc;
	if ((rc = cli_cluster_id(cli, "CLUSTER", args->operands[0], &req.cluster_id)) < 0)
		return rc;
	req.nominee_partner_id = cli_text_opt(args, "nominee");
	if (strcmp(choice, "A") == 0 || strcmp(choice, "a") == 0)
		req.choice = N2GG__V1__CEP_CHOICE__CEP_CHOICE_A;
	else if (strcmp(choice, "B") == 0 || strcmp(choice, "b") == 0)
		req.choice = N2GG__V1__CEP_CHOICE__CEP_CHOICE_B;
	else
		return cli_invalid(cli, "CHOICE \"%s\" is not A (the cluster recruits its own CEP) "
					"or B (the LA identifies one)",
				   choice);
	if ((rc = cli_call_scheduler(cli, "SetClusterChoice", &req.base,
				     &n2gg__v1__cluster_choice_reply__descriptor, (void **)&reply)) < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	const N2gg__V1__ClusterChoice *c = reply->choice;
	printf("cluster %s: Choice %s%s " CLI_DASH " %s\n", c->cluster_id,
	       cli_choice_letter(c->choice), reply->changed ? "" : " (already so)",
	       cli_choice_state(c->state));
	if (c->nominee_partner_id[0])
		printf("  Nominee: %s\n",
		       cli_named(c->nominee_name, c->nominee_partner_id, &cli->arena));
	printf("  CEP now: %s\n", c->cep_partner_id[0]
					  ? cli_named(c->cep_partner_name, c->cep_partner_id, &cli->arena)
					  : "none");
	if (c->choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_A)
		printf("  Choice A closes at the end of %s\n", c->deadline);
	return 0;
}

int cli_cluster_choices(struct cli *cli, const struct cli_args *args)
{
	static const char *const head[] = {"Cluster", "Choice", "Nominee", "Deadline", "State",
					   "CEP"};
	N2gg__V1__ListClusterChoicesRequest req = N2GG__V1__LIST_CLUSTER_CHOICES_REQUEST__INIT;
	N2gg__V1__ListClusterChoicesReply *reply;
	struct arena *a = &cli->arena;
	(void)args;
	int rc = cli_call_scheduler(cli, "ListClusterChoices", &req.base,
				    &n2gg__v1__list_cluster_choices_reply__descriptor,
				    (void **)&reply);
	if (rc < 0)
		return rc;
	if (cli->json) {
		cli_print_message_json(&reply->base);
		return 0;
	}
	if (reply->n_choices) {
		struct cli_table t;
		cli_table_init(&t, a, 6, head);
		for (size_t i = 0; i < reply->n_choices; i++) {
			const N2gg__V1__ClusterChoice *c = reply->choices[i];
			bool choice_a = c->choice == N2GG__V1__CEP_CHOICE__CEP_CHOICE_A;
			const char *row[] = {c->cluster_id, cli_choice_letter(c->choice),
					     cli_named(c->nominee_name, c->nominee_partner_id, a),
					     choice_a ? c->deadline : "-", cli_choice_state(c->state),
					     cli_named(c->cep_partner_name, c->cep_partner_id, a)};
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
	}
	printf("%zu cluster(s); Choice A closes at the end of %s (a nominee trains from %s); "
	       "today is %s\n",
	       reply->n_choices, reply->deadline, reply->first_training_day, reply->today);
	return 0;
}
