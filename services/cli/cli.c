/* cli: the command's state and its connections to the services (see cli.h). A connection
 * opens on the first call to its service, so commands that fail their argument checks,
 * and --help, never touch the network. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <zmq.h>

void cli_init(struct cli *cli)
{
	*cli = (struct cli){0};
	arena_init(&cli->arena);
}

void cli_free(struct cli *cli)
{
	for (int i = 0; i < CLI_SERVICE_COUNT; i++)
		if (cli->connected[i])
			client_close(&cli->clients[i]);
	if (cli->zctx)
		zmq_ctx_term(cli->zctx);
	arena_free(&cli->arena);
}

void *cli_zctx(struct cli *cli)
{
	if (!cli->zctx)
		cli->zctx = zmq_ctx_new();
	return cli->zctx;
}

const char *cli_service_name(enum cli_service service)
{
	switch (service) {
	case CLI_CATEGORISER: return "categoriser";
	case CLI_SCHEDULER: return "scheduler";
	case CLI_NOTIFIER: return "notifier";
	default: return "registry";
	}
}

const char *cli_service_api(const struct cli *cli, enum cli_service service)
{
	switch (service) {
	case CLI_CATEGORISER: return cli->categoriser_api;
	case CLI_SCHEDULER: return cli->scheduler_api;
	case CLI_NOTIFIER: return cli->notifier_api;
	default: return cli->registry_api;
	}
}

const char *cli_service_events(const struct cli *cli, enum cli_service service)
{
	switch (service) {
	case CLI_CATEGORISER: return cli->categoriser_events;
	case CLI_SCHEDULER: return cli->scheduler_events;
	case CLI_NOTIFIER: return cli->notifier_events;
	default: return cli->registry_events;
	}
}

int cli_security(struct cli *cli, const struct curve **out)
{
	if (!cli->curve_loaded) {
		int rc = curve_init(&cli->curve, cli->plaintext, cli->key_path, cli->keys_dir, &cli->st);
		if (rc < 0) {
			char why[sizeof cli->st.message];
			snprintf(why, sizeof why, "%s", cli->st.message);
			return status_fail(&cli->st, STATUS_UNAUTHENTICATED,
					   "%s. The services accept only known keys: give your "
					   "certificate with --key FILE or N2GG_KEY (make one with `n2gg "
					   "keys generate NAME --role reader --out DIR` and have its .key "
					   "added to each service's authorised keys)",
					   why);
		}
		cli->curve_loaded = true;
	}
	*out = &cli->curve;
	return 0;
}

int cli_call_service(struct cli *cli, enum cli_service service, const char *method,
		     const ProtobufCMessage *req, const ProtobufCMessageDescriptor *reply_type,
		     void **reply)
{
	struct client *c = &cli->clients[service];
	cli->called = service;
	if (!cli->connected[service]) {
		const struct curve *curve;
		int rc = cli_security(cli, &curve);
		if (rc < 0)
			return rc;
		rc = client_open(c, cli_zctx(cli), cli_service_api(cli, service), curve,
				 cli_service_name(service), cli->timeout_ms, cli->retries + 1, &cli->st);
		if (rc < 0)
			return rc;
		c->actor = cli->actor;
		cli->connected[service] = true;
	}
	/* imports raise the timeout, and optional calls lower it, after the connection may
	 * have opened */
	c->timeout_ms = cli->timeout_ms;
	c->attempts = cli->retries + 1;
	return client_call(c, method, req, reply_type, &cli->arena, reply, &cli->st);
}

int cli_call(struct cli *cli, const char *method, const ProtobufCMessage *req,
	     const ProtobufCMessageDescriptor *reply_type, void **reply)
{
	return cli_call_service(cli, CLI_REGISTRY, method, req, reply_type, reply);
}

int cli_call_categoriser(struct cli *cli, const char *method, const ProtobufCMessage *req,
			 const ProtobufCMessageDescriptor *reply_type, void **reply)
{
	return cli_call_service(cli, CLI_CATEGORISER, method, req, reply_type, reply);
}

int cli_call_scheduler(struct cli *cli, const char *method, const ProtobufCMessage *req,
		       const ProtobufCMessageDescriptor *reply_type, void **reply)
{
	return cli_call_service(cli, CLI_SCHEDULER, method, req, reply_type, reply);
}

int cli_call_notifier(struct cli *cli, const char *method, const ProtobufCMessage *req,
		      const ProtobufCMessageDescriptor *reply_type, void **reply)
{
	return cli_call_service(cli, CLI_NOTIFIER, method, req, reply_type, reply);
}

int cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cli->st.message, sizeof cli->st.message, fmt, ap);
	va_end(ap);
	return -CLI_ERR_USAGE;
}

int cli_invalid(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cli->st.code = STATUS_INVALID_ARGUMENT;
	vsnprintf(cli->st.message, sizeof cli->st.message, fmt, ap);
	va_end(ap);
	return -STATUS_INVALID_ARGUMENT;
}
