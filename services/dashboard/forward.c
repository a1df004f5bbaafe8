/* forward: see forward.h. */
#include "forward.h"

#include <stdlib.h>
#include <string.h>

#include "dashboard.h"

struct forward_job *forward_new(struct dashboard *d, struct web_exchange *x,
				const struct page_user *u)
{
	struct forward_job *j = calloc(1, sizeof *j);
	if (!j)
		abort();
	j->d = d;
	j->x = x;
	arena_init(&j->arena);
	j->user = (struct page_user){arena_strdup(&j->arena, u->name), u->role,
				     arena_strdup(&j->arena, u->partner_id ? u->partner_id : ""),
				     arena_strdup(&j->arena, u->csrf)};
	return j;
}

void forward_drop(struct forward_job *j)
{
	arena_free(&j->arena);
	free(j);
}

int forward_call(struct forward_job *j, enum readmodel_source to, const char *method,
		 const ProtobufCMessage *req, const ProtobufCMessageDescriptor *reply_type,
		 void **reply, struct status *st)
{
	struct dashboard *d = j->d;
	struct client *c = &j->clients[to];
	if (!j->opened[to]) {
		const char *name = readmodel_source_names[to];
		int rc = client_open(c, d->svc->zctx, service_setting(d->svc, name), &d->svc->curve,
				     name, d->action_timeout_ms, 2, st);
		if (rc < 0)
			return rc;
		j->opened[to] = true;
		c->actor = j->user.name;
	}
	return client_call(c, method, req, reply_type, &j->arena, reply, st);
}

static void forward_work(uv_work_t *w)
{
	struct forward_job *j = w->data;
	status_clear(&j->st);
	j->rc = j->run(j, &j->st);
	for (int i = 0; i < READMODEL_SOURCES; i++)
		if (j->opened[i])
			client_close(&j->clients[i]);
}

static void forward_after(uv_work_t *w, int status)
{
	struct forward_job *j = w->data;
	/* stopping: web_stop has answered the held exchange already */
	if (j->d->web.open) {
		if (status != 0 && j->rc == 0)
			j->rc = status_fail(&j->st, STATUS_UNAVAILABLE, "the call was cancelled");
		j->done(j, j->rc, &j->st);
	}
	web_finish(j->x);
	forward_drop(j);
}

int forward_start(struct forward_job *j, forward_run_fn run, forward_done_fn done)
{
	j->run = run;
	j->done = done;
	j->work.data = j;
	return uv_queue_work(&j->d->svc->loop, &j->work, forward_work, forward_after) == 0 ? 0 : -1;
}
