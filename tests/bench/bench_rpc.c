/* bench_rpc: see bench_rpc.h. */
#include "bench_rpc.h"

#include "bench_util.h"
#include "client.h"

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
