/* sub_probe: a consumer of a service's events built on the `sub` helper, for the
 * integration tests. It prints every applied sequence number on stdout. With --data-dir
 * it is a durable consumer: each event is recorded in its own LMDB store in the same
 * transaction as the cursor, and a second application of any event is counted as a
 * duplicate (so a test can kill -9 it and prove exactly-once). --pause-after K closes the
 * live subscription after K events for --pause-ms, as a network cut would. */
#include <lmdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include <zmq.h>

#include "store.h"
#include "curve.h"
#include "sub.h"

struct probe {
	struct sub sub;
	struct store store;
	bool durable;
	uint64_t until;
	uint64_t pause_after;
	uint64_t pause_ms;
	uint64_t seen;
	uint64_t doubled;
	uv_timer_t pause_timer, deadline;
	uv_signal_t sigterm;
	uv_loop_t *loop;
};

static void probe_finish(struct probe *p)
{
	fprintf(stderr,
		"stats cursor=%llu applied=%llu live=%llu duplicates=%llu gaps=%llu fetches=%llu "
		"heartbeats=%llu doubled=%llu\n",
		(unsigned long long)p->sub.cursor, (unsigned long long)p->sub.stats.applied,
		(unsigned long long)p->sub.stats.live, (unsigned long long)p->sub.stats.duplicates,
		(unsigned long long)p->sub.stats.gaps, (unsigned long long)p->sub.stats.fetches,
		(unsigned long long)p->sub.stats.heartbeats, (unsigned long long)p->doubled);
	fflush(stdout);
	sub_stop(&p->sub);
	uv_close((uv_handle_t *)&p->pause_timer, NULL);
	uv_close((uv_handle_t *)&p->deadline, NULL);
	uv_close((uv_handle_t *)&p->sigterm, NULL);
}

static int probe_apply(void *ctx, MDB_txn *txn, const N2gg__V1__Event *ev, struct status *st)
{
	struct probe *p = ctx;
	if (txn) {
		/* the effect: a per-sequence counter in the consumer's own store */
		uint8_t key[8];
		uint32_t count = 1;
		MDB_val v;
		store_be64(key, ev->seq);
		if (store_get(txn, p->store.dbs[1], key, sizeof key, &v, NULL) == 0) {
			memcpy(&count, v.mv_data, sizeof count);
			count++;
			p->doubled++;
		}
		int rc = store_put(txn, p->store.dbs[1], key, sizeof key, &count, sizeof count, 0, st);
		if (rc < 0)
			return rc;
	}
	printf("%llu %s\n", (unsigned long long)ev->seq, ev->topic);
	return 0;
}

static void probe_on_resume(uv_timer_t *t)
{
	struct probe *p = t->data;
	fprintf(stderr, "resumed at cursor=%llu\n", (unsigned long long)p->sub.cursor);
	sub_resume(&p->sub);
}

static void probe_progress(struct sub *s)
{
	struct probe *p = (struct probe *)s;   /* sub is the first member of probe */
	fflush(stdout);
	if (p->pause_after && !p->sub.paused && s->stats.applied >= p->pause_after) {
		p->pause_after = 0;
		fprintf(stderr, "paused at cursor=%llu\n", (unsigned long long)s->cursor);
		sub_pause(s);
		uv_timer_start(&p->pause_timer, probe_on_resume, p->pause_ms, 0);
	}
	if (p->until && s->cursor >= p->until)
		probe_finish(p);
}

static void probe_on_deadline(uv_timer_t *t)
{
	fprintf(stderr, "deadline reached\n");
	probe_finish(t->data);
}

static void probe_on_signal(uv_signal_t *h, int signum)
{
	(void)signum;
	probe_finish(h->data);
}

static const char *arg(int argc, char **argv, const char *name, const char *def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return def;
}

int main(int argc, char **argv)
{
	static struct probe p;
	struct status st;
	struct sub_options opt = {
		.source = arg(argc, argv, "--source", "registry"),
		.api_endpoint = arg(argc, argv, "--api", "tcp://127.0.0.1:7100"),
		.events_endpoint = arg(argc, argv, "--events", "tcp://127.0.0.1:7101"),
		.batch = (uint32_t)atoi(arg(argc, argv, "--batch", "0")),
	};
	const char *data_dir = arg(argc, argv, "--data-dir", NULL);
	p.until = strtoull(arg(argc, argv, "--until", "0"), NULL, 10);
	p.pause_after = strtoull(arg(argc, argv, "--pause-after", "0"), NULL, 10);
	p.pause_ms = strtoull(arg(argc, argv, "--pause-ms", "1000"), NULL, 10);
	uint64_t after = strtoull(arg(argc, argv, "--after", "0"), NULL, 10);
	uint64_t timeout_ms = strtoull(arg(argc, argv, "--timeout-ms", "30000"), NULL, 10);

	/* --key FILE --keys DIR: its CURVE identity and the services' public certificates;
	 * --insecure-plaintext yes for services run without */
	static struct curve curve;
	if (curve_init(&curve, strcmp(arg(argc, argv, "--insecure-plaintext", "no"), "yes") == 0,
		       arg(argc, argv, "--key", ""), arg(argc, argv, "--keys", "."), &st) < 0) {
		fprintf(stderr, "sub_probe: %s\n", st.message);
		return 1;
	}
	opt.curve = &curve;
	uv_loop_t *loop = uv_default_loop();
	void *zctx = zmq_ctx_new();
	if (data_dir) {
		static const char *const names[] = {"cursors", "applied"};
		if (store_open(&p.store, data_dir, names, 2, 16u << 20, &st) < 0) {
			fprintf(stderr, "sub_probe: %s\n", st.message);
			return 1;
		}
		p.durable = true;
		/* report what an earlier run of this consumer applied twice */
		MDB_txn *txn;
		MDB_cursor *cur;
		MDB_val k, v;
		store_begin_read(&p.store, &txn, &st);
		mdb_cursor_open(txn, p.store.dbs[1], &cur);
		while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
			uint32_t count;
			memcpy(&count, v.mv_data, sizeof count);
			if (count > 1)
				p.doubled += count - 1;
		}
		mdb_cursor_close(cur);
		mdb_txn_abort(txn);
	}
	uv_timer_init(loop, &p.pause_timer);
	uv_timer_init(loop, &p.deadline);
	p.pause_timer.data = p.deadline.data = &p;
	uv_signal_init(loop, &p.sigterm);
	p.sigterm.data = &p;
	uv_signal_start(&p.sigterm, probe_on_signal, SIGTERM);
	uv_timer_start(&p.deadline, probe_on_deadline, timeout_ms, 0);
	if (sub_start(&p.sub, loop, zctx, &opt, p.durable ? &p.store : NULL,
		      p.durable ? p.store.dbs[0] : 0, after, probe_apply, &p, &st) < 0) {
		fprintf(stderr, "sub_probe: %s\n", st.message);
		return 1;
	}
	p.sub.on_progress = probe_progress;
	if (p.until && p.sub.cursor >= p.until)
		probe_finish(&p);
	uv_run(loop, UV_RUN_DEFAULT);
	zmq_ctx_term(zctx);
	uv_loop_close(loop);
	if (p.durable)
		store_close(&p.store);
	return p.doubled ? 3 : 0;
}
