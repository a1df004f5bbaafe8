/* bench_rpc: see bench_rpc.h. */
#include "bench_rpc.h"

#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "client.h"
#include "n2gg/v1/registry.pb-c.h"

void *bench_call(void *zctx, const char *endpoint, const char *method,
		 const ProtobufCMessage *req, const ProtobufCMessageDescriptor *reply_type,
		 struct arena *a, int timeout_ms)
{
	struct client c;
	struct status st;
	void *reply;
	if (client_open(&c, zctx, endpoint, bench_curve(), bench_service_name(endpoint), timeout_ms,
			1, &st) < 0)
		bench_fail("%s", st.message);
	c.actor = "bench";
	if (client_call(&c, method, req, reply_type, a, &reply, &st) < 0)
		bench_fail("%s: %s", method, st.message);
	client_close(&c);
	return reply;
}

void bench_import(void *zctx, const char *registry_api, const char *method, const char *dir,
		  const char *file)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	size_t len;
	char *data = bench_read_file(path, &len);
	N2gg__V1__ImportRequest req = N2GG__V1__IMPORT_REQUEST__INIT;
	req.data.data = (uint8_t *)data;
	req.data.len = len;
	req.file_name = (char *)file;
	struct arena a;
	arena_init(&a);
	N2gg__V1__ImportReply *rep = bench_call(zctx, registry_api, method, &req.base,
						&n2gg__v1__import_reply__descriptor, &a, 600000);
	bench_say("  %s: %u created, %u updated, %u rejected", file, rep->created, rep->updated,
		  rep->rejected);
	arena_free(&a);
	free(data);
}
