/* cli: the command's state and its one connection to the registry (see cli.h). The
 * connection opens on the first call, so commands that fail their argument checks, and
 * --help, never touch the network. */
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
	if (cli->connected)
		client_close(&cli->client);
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

int cli_call(struct cli *cli, const char *method, const ProtobufCMessage *req,
	     const ProtobufCMessageDescriptor *reply_type, void **reply)
{
	if (!cli->connected) {
		int rc = client_open(&cli->client, cli_zctx(cli), cli->registry_api, cli->timeout_ms,
				     cli->retries + 1, &cli->st);
		if (rc < 0)
			return rc;
		cli->client.actor = cli->actor;
		cli->connected = true;
	}
	/* imports raise the timeout after the connection may have opened */
	cli->client.timeout_ms = cli->timeout_ms;
	return client_call(&cli->client, method, req, reply_type, &cli->arena, reply, &cli->st);
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
