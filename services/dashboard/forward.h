/* forward: the dashboard's calls to the other services' APIs — a person's action forwarded
 * to the service that owns what it changes, and what a page must ask a service for (the
 * letters waiting, a letter as it will be read, the partners to choose from).
 *
 * Each job runs on libuv's thread pool with ZeroMQ sockets of its own, opened and closed
 * in that thread, while web.c holds the browser's connection suspended; its result is
 * written on the loop. A thread rather than a DEALER driven from the loop because an
 * action is a short conversation (the change, then what follows from it: the category
 * now, the letter it caused and when that goes), which the blocking client (common/
 * client.c: CURVE handshake checks, retries with the same request id so a retried write
 * is answered from the service's reply cache) says plainly; a human's forms are few, so a
 * handshake per job costs nothing that matters, and the loop never waits on a service.
 *
 * Every call carries the signed-in person's name: the dashboard's certificate holds the
 * `gateway` role, so the service records "PERSON via dashboard". */
#ifndef N2GG_DASH_FORWARD_H
#define N2GG_DASH_FORWARD_H

#include <uv.h>

#include "arena.h"
#include "client.h"
#include "pages.h"
#include "readmodel.h"
#include "status.h"

struct dashboard;
struct web_exchange;
struct forward_job;

/* In the worker thread: the calls (forward_call) and nothing of the loop's. */
typedef int (*forward_run_fn)(struct forward_job *j, struct status *st);
/* On the loop, with the job's result: fills web_response(j->x). */
typedef void (*forward_done_fn)(struct forward_job *j, int rc, const struct status *st);

struct forward_job {
	uv_work_t work;
	struct dashboard *d;
	struct web_exchange *x;
	struct arena arena;              /* the job's own: requests, replies, the page's data */
	struct page_user user;           /* copied: the request's arena is gone by then */
	forward_run_fn run;
	forward_done_fn done;
	void *ctx;                       /* the caller's, in the arena */
	struct client clients[READMODEL_SOURCES];   /* opened on first use, in the worker */
	bool opened[READMODEL_SOURCES];
	int rc;
	struct status st;
};

/* A new job for exchange x, on behalf of user u (copied). */
struct forward_job *forward_new(struct dashboard *d, struct web_exchange *x,
				const struct page_user *u);
/* Frees a job that was not started. */
void forward_drop(struct forward_job *j);
/* Queues it; the exchange is then held until `done` has run. <0 (the job freed) when the
 * pool refuses it (the job is still the caller's). */
int forward_start(struct forward_job *j, forward_run_fn run, forward_done_fn done);
/* In the worker: one call to service `to`. */
int forward_call(struct forward_job *j, enum readmodel_source to, const char *method,
		 const ProtobufCMessage *req, const ProtobufCMessageDescriptor *reply_type,
		 void **reply, struct status *st);

#endif
