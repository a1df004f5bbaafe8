/* bench_rpc: one request to a service's API for the benchmark programs that drive real
 * services, failing the benchmark (bench_fail) when it does not succeed. */
#ifndef N2GG_BENCH_RPC_H
#define N2GG_BENCH_RPC_H

#include <protobuf-c/protobuf-c.h>

#include "arena.h"

/* The reply, unpacked into `a`. */
void *bench_call(void *zctx, const char *endpoint, const char *method,
		 const ProtobufCMessage *req, const ProtobufCMessageDescriptor *reply_type,
		 struct arena *a, int timeout_ms);

/* The registry's Import`method` of `dir`/`file` (gen-gias output), with its counts said. */
void bench_import(void *zctx, const char *registry_api, const char *method, const char *dir,
		  const char *file);

#endif
