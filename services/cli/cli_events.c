/* cli_events: `events tail`, a service's events (the registry's, the categoriser's, the
 * scheduler's or the notifier's) as they happen. It runs the reliable subscriber (sub.h)
 * without a store, so a slow terminal or a dropped connection costs no events: they are
 * read again from the service's log. The topic filter only decides what is printed; the
 * cursor moves over every event, so gaps are still noticed. */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "cli.h"
#include "cli_format.h"
#include "sub.h"

struct cli_tail {
	struct cli *cli;
	enum cli_service source;
	uv_loop_t loop;
	struct sub sub;
	uv_timer_t timer;
	uv_signal_t sigint, sigterm;
	struct arena arena;        /* one printed event's text; reset after each */
	const char *topic;         /* NULL: every topic */
	uint64_t count;            /* stop after printing this many (0: never) */
	uint64_t printed;
	bool no_follow;
	uint64_t stop_at;          /* --no-follow: the head when we started */
	long long patience_ms;     /* --no-follow: how long to wait for progress */
	long long deadline_ms;
	bool done;
	int rc;
};

#define CLI_TAIL_CHECK_MS 200

/* Ends the loop. Only a flag and uv_stop: this runs inside the subscriber's callbacks,
 * which must finish before it is stopped. */
static void cli_tail_stop(struct cli_tail *t, int rc)
{
	if (t->done)
		return;
	t->done = true;
	t->rc = rc;
	uv_stop(&t->loop);
}

static void cli_tail_check(struct cli_tail *t)
{
	if (t->no_follow && t->sub.cursor >= t->stop_at)
		cli_tail_stop(t, 0);
}

static void cli_tail_print(struct cli_tail *t, const N2gg__V1__Event *ev)
{
	if (t->cli->json)
		cli_print_json(cli_event_json(ev, &t->arena), 1);
	else
		printf("%s\n", cli_event_line(ev, &t->arena));
	/* a pipe would hold lines back until its buffer fills; a tail must show them now */
	fflush(stdout);
	arena_reset(&t->arena);
}

static int cli_tail_apply(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev, struct status *st)
{
	struct cli_tail *t = ctx;
	(void)txn;
	(void)st;
	if (t->done)
		return 0;
	if (t->no_follow && ev->seq > t->stop_at) {
		cli_tail_stop(t, 0);
		return 0;
	}
	if (t->topic && strncmp(ev->topic, t->topic, strlen(t->topic)) != 0)
		return 0;
	cli_tail_print(t, ev);
	if (t->count && ++t->printed >= t->count)
		cli_tail_stop(t, 0);
	return 0;
}

static void cli_tail_on_progress(struct sub *s)
{
	struct cli_tail *t = s->ctx;
	t->deadline_ms = date_now_ms() + t->patience_ms;
	cli_tail_check(t);
}

static void cli_tail_on_timer(uv_timer_t *timer)
{
	struct cli_tail *t = timer->data;
	cli_tail_check(t);
	if (!t->done && t->no_follow && date_now_ms() > t->deadline_ms)
		cli_tail_stop(t, status_fail(&t->cli->st, STATUS_UNAVAILABLE,
					     "no events from %s for %lld ms while catching up to "
					     "event %llu (at %llu)",
					     cli_service_api(t->cli, t->source), t->patience_ms,
					     (unsigned long long)t->stop_at,
					     (unsigned long long)t->sub.cursor));
}

static void cli_tail_on_signal(uv_signal_t *sig, int signum)
{
	(void)signum;
	cli_tail_stop(sig->data, 0);
}

static void cli_tail_handles(struct cli_tail *t)
{
	uv_timer_init(&t->loop, &t->timer);
	t->timer.data = t;
	uv_timer_start(&t->timer, cli_tail_on_timer, CLI_TAIL_CHECK_MS, CLI_TAIL_CHECK_MS);
	uv_signal_init(&t->loop, &t->sigint);
	uv_signal_init(&t->loop, &t->sigterm);
	t->sigint.data = t->sigterm.data = t;
	uv_signal_start(&t->sigint, cli_tail_on_signal, SIGINT);
	uv_signal_start(&t->sigterm, cli_tail_on_signal, SIGTERM);
}

/* Runs until cli_tail_stop, then closes everything and lets libuv release it. */
static int cli_tail_run(struct cli_tail *t, uint64_t start_after)
{
	struct sub_options opt = {
		.source = cli_service_name(t->source),
		.events_endpoint = cli_service_events(t->cli, t->source),
		.api_endpoint = cli_service_api(t->cli, t->source),
		.timeout_ms = t->cli->timeout_ms,
	};
	int rc = cli_security(t->cli, &opt.curve);
	if (rc < 0)
		return rc;
	uv_loop_init(&t->loop);
	arena_init(&t->arena);
	cli_tail_handles(t);
	rc = sub_start(&t->sub, &t->loop, cli_zctx(t->cli), &opt, NULL, 0, start_after,
			   cli_tail_apply, t, &t->cli->st);
	if (rc == 0) {
		t->sub.on_progress = cli_tail_on_progress;
		t->deadline_ms = date_now_ms() + t->patience_ms;
		cli_tail_check(t);
		uv_run(&t->loop, UV_RUN_DEFAULT);
		sub_stop(&t->sub);
		rc = t->rc;
	}
	uv_close((uv_handle_t *)&t->timer, NULL);
	uv_close((uv_handle_t *)&t->sigint, NULL);
	uv_close((uv_handle_t *)&t->sigterm, NULL);
	uv_run(&t->loop, UV_RUN_DEFAULT);
	uv_loop_close(&t->loop);
	arena_free(&t->arena);
	return rc;
}

static int cli_check_seq(struct cli *cli, const char *text, uint64_t *seq)
{
	char *end;
	unsigned long long v = strtoull(text, &end, 10);
	if (!text[0] || *end || text[0] == '-' || v == 0 || v == ULLONG_MAX)
		return cli_invalid(cli, "--from \"%s\" is not an event number (1 or more)", text);
	*seq = v;
	return 0;
}

int cli_check_source(struct cli *cli, const char *text, enum cli_service *source)
{
	for (int i = 0; i < CLI_SERVICE_COUNT; i++)
		if (strcmp(text, cli_service_name((enum cli_service)i)) == 0) {
			*source = (enum cli_service)i;
			return 0;
		}
	return cli_invalid(cli, "--source \"%s\": write registry, categoriser, scheduler or notifier",
			   text);
}

static int cli_head(struct cli *cli, enum cli_service source, uint64_t *head)
{
	N2gg__V1__HealthRequest req = N2GG__V1__HEALTH_REQUEST__INIT;
	N2gg__V1__HealthReply *reply;
	int rc = cli_call_service(cli, source, "Health", &req.base,
				  &n2gg__v1__health_reply__descriptor, (void **)&reply);
	if (rc == 0)
		*head = reply->head_seq;
	return rc;
}

int cli_events_tail(struct cli *cli, const struct cli_args *args)
{
	struct cli_tail t = {.cli = cli, .topic = cli_opt(args, "topic")};
	const char *from = cli_opt(args, "from"), *count = cli_opt(args, "count");
	const char *source = cli_opt(args, "source");
	uint64_t first = 0, head = 0;
	uint32_t n = 0;
	int rc;
	t.no_follow = cli_opt(args, "no-follow") != NULL;
	t.patience_ms = (long long)cli->timeout_ms * (cli->retries + 1);
	if ((source && (rc = cli_check_source(cli, source, &t.source)) < 0) ||
	    (from && (rc = cli_check_seq(cli, from, &first)) < 0) ||
	    (count && (rc = cli_check_uint(cli, "--count", count, 1, UINT32_MAX, &n)) < 0))
		return rc;
	t.count = n;
	/* without --from only new events are shown: those after the head as it is now. The
	 * head is asked for with --from too: a service that is not there is reported now
	 * (exit 6), where the follower would otherwise retry quietly for ever. */
	if ((rc = cli_head(cli, t.source, &head)) < 0)
		return rc;
	t.stop_at = head;
	return cli_tail_run(&t, from ? first - 1 : head);
}
