/* bench_baselines: the floor under each registry figure, measured in the same run: the
 * same work done without the service around it. scripts/bench passes in the sizes
 * bench_registry observed, so each pair compares like with like.
 *   parse FILE                          csvread_parse + gias_row_to_school of every row, in
 *                                       process (what ImportGias does before storing);
 *                                       also the average packed size of a stored School
 *   lmdb-bulk --records N --bytes B     N puts of B bytes in one transaction + commit
 *   lmdb-batch --records N --bytes B --batch K
 *                                       N appends of B bytes, a commit (full sync) every K
 *   echo --n N --warmup W --req-bytes R --reply-bytes P
 *                                       DEALER/ROUTER round trips over TCP loopback, the
 *                                       ROUTER in a forked process, one at a time
 *   pubsub --n N --topic-bytes T --bytes B
 *                                       PUB (forked process) to SUB over TCP loopback,
 *                                       [topic][body] messages
 * Figures go to stdout as name=value lines; progress goes to stderr. */
#include <errno.h>
#include <getopt.h>
#include <lmdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <zmq.h>

#include "bench_util.h"
#include "csvread.h"
#include "gias.h"
#include "school.h"
#include "store.h"

struct options {
	long n, warmup, records, batch;
	long bytes, req_bytes, reply_bytes, topic_bytes;
	bool curve;   /* the raw sockets with CURVE too, as the services' are */
};

/* --curve: a server key pair and a client key pair, made before the server forks */
static char curve_server_public[41], curve_server_secret[41];
static char curve_client_public[41], curve_client_secret[41];

static void curve_keys(const struct options *o)
{
	if (o->curve && (zmq_curve_keypair(curve_server_public, curve_server_secret) != 0 ||
			 zmq_curve_keypair(curve_client_public, curve_client_secret) != 0))
		bench_fail("no CURVE in this libzmq");
}

static void curve_as_server(void *s, const struct options *o)
{
	int on = 1;
	if (o->curve) {
		zmq_setsockopt(s, ZMQ_CURVE_SERVER, &on, sizeof on);
		zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, curve_server_secret, 40);
	}
}

static void curve_as_client(void *s, const struct options *o)
{
	if (o->curve) {
		zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, curve_server_public, 40);
		zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, curve_client_public, 40);
		zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, curve_client_secret, 40);
	}
}

/* ---- parse only ---- */

struct parse_run {
	bool header_seen;
	struct gias_header h;
	struct arena row;
	long rows, rejected;
	bool sizing;        /* second pass: sum the packed size of each stored School */
	double school_bytes;
	long long now_ms;
};

static int parse_record(void *ctx, const struct csvread_record *rec)
{
	struct parse_run *p = ctx;
	struct status st;
	if (!p->header_seen) {
		p->header_seen = true;
		if (gias_header_parse(rec, &p->h, &st) < 0)
			bench_fail("GIAS header: %s", st.message);
		return 0;
	}
	/* as import_gias_row: the LA filter look-up, then validation into a row arena */
	(void)gias_row_la_code(&p->h, rec);
	N2gg__V1__School *s;
	p->rows++;
	if (gias_row_to_school(&p->h, rec, &p->row, &s, &st) < 0) {
		p->rejected++;
	} else if (p->sizing) {
		/* the record as registry_save_school stores it */
		school_complete(s, &p->row);
		s->updated_by = "bench";
		s->updated_unix_ms = p->now_ms;
		p->school_bytes += (double)protobuf_c_message_get_packed_size(&s->base);
	}
	arena_reset(&p->row);
	return 0;
}

static double parse_pass(const char *data, size_t len, struct parse_run *p)
{
	struct status st;
	arena_init(&p->row);
	double t0 = bench_now();
	if (csvread_parse(data, len, CSVREAD_AUTO, parse_record, p, &st) < 0)
		bench_fail("csvread_parse: %s", st.message);
	double t = bench_now() - t0;
	arena_free(&p->row);
	return t;
}

static void run_parse(const char *path)
{
	size_t len;
	char *data = bench_read_file(path, &len);
	struct parse_run timed = {0};
	double t = parse_pass(data, len, &timed);
	struct parse_run sized = {.sizing = true, .now_ms = 1700000000000LL};
	parse_pass(data, len, &sized);
	long stored = sized.rows - sized.rejected;
	double school_bytes = stored ? sized.school_bytes / (double)stored : 0;
	bench_say("parse: %ld rows (%ld rejected) of %.1f MB parsed and validated in %.3f s = %.0f "
		  "rows/s; stored School %.0f B on average",
		  timed.rows, timed.rejected, (double)len / 1e6, t, (double)timed.rows / t,
		  school_bytes);
	bench_result("parse_rows", "%ld", timed.rows);
	bench_result("parse_s", "%.3f", t);
	bench_result("parse_rows_per_s", "%.0f", (double)timed.rows / t);
	bench_result("school_bytes", "%.0f", school_bytes);
	free(data);
}

/* ---- raw LMDB ---- */

static void lmdb_check(int rc, const char *what)
{
	if (rc)
		bench_fail("%s: %s", what, mdb_strerror(rc));
}

/* An environment opened as store_open() opens the service's: default (full) sync. */
static MDB_env *lmdb_open(const char *dir, MDB_dbi *db)
{
	MDB_env *env;
	lmdb_check(mdb_env_create(&env), "mdb_env_create");
	mdb_env_set_maxdbs(env, STORE_MAX_DBS);
	mdb_env_set_mapsize(env, (size_t)4 << 30);
	lmdb_check(mdb_env_open(env, dir, MDB_NOTLS, 0640), "mdb_env_open");
	MDB_txn *txn;
	lmdb_check(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
	lmdb_check(mdb_dbi_open(txn, "bench", MDB_CREATE, db), "mdb_dbi_open");
	lmdb_check(mdb_txn_commit(txn), "mdb_txn_commit");
	return env;
}

static uint8_t *filler(long bytes)
{
	uint8_t *v = malloc((size_t)bytes + 1);
	uint64_t rng = 42;
	for (long i = 0; i < bytes; i++)
		v[i] = (uint8_t)bench_rand(&rng);
	return v;
}

static void run_lmdb_bulk(const struct options *o)
{
	const char *dir = bench_tmpdir("n2gg-bench-lmdb");
	MDB_dbi db;
	MDB_env *env = lmdb_open(dir, &db);
	uint8_t *value = filler(o->bytes);
	double t0 = bench_now();
	MDB_txn *txn;
	lmdb_check(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
	for (long i = 0; i < o->records; i++) {
		uint8_t key[4];
		store_be32(key, (uint32_t)(100000 + i));
		MDB_val k = {sizeof key, key}, v = {(size_t)o->bytes, value};
		lmdb_check(mdb_put(txn, db, &k, &v, 0), "mdb_put");
	}
	double t1 = bench_now();
	lmdb_check(mdb_txn_commit(txn), "mdb_txn_commit");
	double t = bench_now() - t0;
	mdb_env_close(env);
	free(value);
	bench_say("lmdb-bulk: %ld puts of %ld B in one transaction: %.3f s (puts %.3f s, "
		  "commit %.3f s) = %.0f records/s",
		  o->records, o->bytes, t, t1 - t0, t - (t1 - t0), (double)o->records / t);
	bench_result("lmdb_bulk_s", "%.3f", t);
	bench_result("lmdb_bulk_per_s", "%.0f", (double)o->records / t);
}

static void run_lmdb_batch(const struct options *o)
{
	const char *dir = bench_tmpdir("n2gg-bench-lmdb");
	MDB_dbi db;
	MDB_env *env = lmdb_open(dir, &db);
	uint8_t *value = filler(o->bytes);
	long commits = 0;
	double t0 = bench_now();
	for (long i = 0; i < o->records;) {
		MDB_txn *txn;
		lmdb_check(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
		for (long j = 0; j < o->batch && i < o->records; j++, i++) {
			uint8_t key[8];
			store_be64(key, (uint64_t)i + 1);
			MDB_val k = {sizeof key, key}, v = {(size_t)o->bytes, value};
			lmdb_check(mdb_put(txn, db, &k, &v, MDB_APPEND), "mdb_put");
		}
		lmdb_check(mdb_txn_commit(txn), "mdb_txn_commit");
		commits++;
	}
	double t = bench_now() - t0;
	mdb_env_close(env);
	free(value);
	bench_say("lmdb-batch: %ld appends of %ld B, %ld per commit (%ld synced commits): %.3f s = "
		  "%.0f records/s, %.2f ms per commit",
		  o->records, o->bytes, o->batch, commits, t, (double)o->records / t,
		  t * 1e3 / (double)commits);
	bench_result("lmdb_batch_per_s", "%.0f", (double)o->records / t);
	bench_result("lmdb_batch_commits", "%ld", commits);
	bench_result("lmdb_batch_commit_ms", "%.3f", t * 1e3 / (double)commits);
}

/* ---- raw ZeroMQ ---- */

/* Forks a server process running fn(socket) on a socket of `type` (high-water marks `hwm`)
 * bound to an ephemeral loopback port; returns its pid and endpoint. Each process makes its
 * own context after the fork (a ZeroMQ context must not cross one). */
typedef void (*server_fn)(void *sock, int ctl, const struct options *o);
static pid_t fork_server(int type, int hwm, server_fn fn, const struct options *o, char *endpoint,
			 size_t cap, int *ctl_write)
{
	int ep[2], ctl[2];
	if (pipe(ep) < 0 || pipe(ctl) < 0)
		bench_fail("pipe: %s", strerror(errno));
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		bench_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(ep[0]);
		close(ctl[1]);
		void *zctx = zmq_ctx_new();
		void *s = zmq_socket(zctx, type);
		int linger = 0;
		zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
		zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
		zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
		curve_as_server(s, o);
		char bound[256] = "";
		size_t len = sizeof bound;
		if (zmq_bind(s, "tcp://127.0.0.1:*") == 0)
			zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, bound, &len);
		if (write(ep[1], bound, sizeof bound) != (ssize_t)sizeof bound)
			_exit(1);
		close(ep[1]);
		fn(s, ctl[0], o);
		zmq_close(s);
		zmq_ctx_term(zctx);
		_exit(0);   /* never the parent's exit handlers */
	}
	bench_track_child(pid);
	close(ep[1]);
	close(ctl[0]);
	char bound[256];
	if (read(ep[0], bound, sizeof bound) != (ssize_t)sizeof bound || !bound[0])
		bench_fail("the server process could not bind");
	close(ep[0]);
	snprintf(endpoint, cap, "%s", bound);
	*ctl_write = ctl[1];
	return pid;
}

/* Answers every request with a reply of reply_bytes, like the service's ROUTER, until an
 * empty request says the run is over. */
static void echo_server(void *s, int ctl, const struct options *o)
{
	(void)ctl;
	uint8_t *reply = filler(o->reply_bytes);
	for (bool done = false; !done;) {
		zmq_msg_t id, body;
		zmq_msg_init(&id);
		zmq_msg_init(&body);
		if (zmq_msg_recv(&id, s, 0) < 0 || zmq_msg_recv(&body, s, 0) < 0)
			done = true;
		else if (zmq_msg_size(&body) == 0)
			done = true;
		else if (zmq_msg_send(&id, s, ZMQ_SNDMORE) < 0 ||
			 zmq_send(s, reply, (size_t)o->reply_bytes, 0) < 0)
			done = true;
		zmq_msg_close(&id);
		zmq_msg_close(&body);
	}
	free(reply);
}

static void run_echo(const struct options *o)
{
	char endpoint[256];
	int ctl;
	pid_t pid = fork_server(ZMQ_ROUTER, 10000, echo_server, o, endpoint, sizeof endpoint, &ctl);
	void *zctx = zmq_ctx_new();
	void *s = zmq_socket(zctx, ZMQ_DEALER);
	int linger = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	curve_as_client(s, o);
	zmq_connect(s, endpoint);
	uint8_t *req = filler(o->req_bytes);
	size_t cap = (size_t)o->reply_bytes + 1;
	uint8_t *reply = malloc(cap);
	double *lat = malloc(sizeof *lat * (size_t)o->n);
	double server_cpu = 0, client_cpu = 0;
	for (long i = -o->warmup; i < o->n; i++) {
		if (i == 0) {
			server_cpu = -bench_cpu_s(pid);
			client_cpu = -bench_cpu_s(getpid());
		}
		double t0 = bench_now();
		if (zmq_send(s, req, (size_t)o->req_bytes, 0) < 0)
			bench_fail("echo send: %s", zmq_strerror(zmq_errno()));
		int n = zmq_recv(s, reply, cap, 0);
		double t = bench_now() - t0;
		if (n != o->reply_bytes)
			bench_fail("echo: reply of %d bytes, expected %ld", n, o->reply_bytes);
		if (i >= 0)
			lat[i] = t * 1e6;
	}
	server_cpu = (server_cpu + bench_cpu_s(pid)) * 1e6 / (double)o->n;
	client_cpu = (client_cpu + bench_cpu_s(getpid())) * 1e6 / (double)o->n;
	struct bench_latency l = bench_latency_of(lat, (size_t)o->n);
	zmq_send(s, "", 0, 0);
	bench_reap_child(pid, 5);
	zmq_close(s);
	zmq_ctx_term(zctx);
	close(ctl);
	bench_say("echo: %ld round trips (after %ld warm-up), request %ld B, reply %ld B: "
		  "p50 %.1f us, p99 %.1f us, mean %.1f us, max %.0f us; "
		  "CPU per call: server %.1f us, client %.1f us",
		  o->n, o->warmup, o->req_bytes, o->reply_bytes, l.p50, l.p99, l.mean, l.max,
		  server_cpu, client_cpu);
	bench_result("echo_p50_us", "%.1f", l.p50);
	bench_result("echo_p99_us", "%.1f", l.p99);
	bench_result("echo_mean_us", "%.1f", l.mean);
	bench_result("echo_server_cpu_us", "%.1f", server_cpu);
	bench_result("echo_client_cpu_us", "%.1f", client_cpu);
	free(req);
	free(reply);
	free(lat);
}

#define PUBSUB_WARMUP_TOPIC "registry.warmup"

/* Announces itself until told to go (so the subscription is known to have arrived), sends
 * n messages, then keeps the socket open until told the subscriber is done. */
static void pub_server(void *s, int ctl, const struct options *o)
{
	char *topic = malloc((size_t)o->topic_bytes + 1);
	memset(topic, 't', (size_t)o->topic_bytes);
	memcpy(topic, "registry.", 9 < o->topic_bytes ? 9 : (size_t)o->topic_bytes);
	uint8_t *body = filler(o->bytes);
	struct pollfd p = {ctl, POLLIN, 0};
	char go;
	for (;;) {
		zmq_send(s, PUBSUB_WARMUP_TOPIC, strlen(PUBSUB_WARMUP_TOPIC), ZMQ_SNDMORE);
		zmq_send(s, "", 0, 0);
		if (poll(&p, 1, 2) > 0)
			break;
	}
	if (read(ctl, &go, 1) != 1)
		goto out;
	for (long i = 0; i < o->n; i++) {
		zmq_send(s, topic, (size_t)o->topic_bytes, ZMQ_SNDMORE);
		zmq_send(s, body, (size_t)o->bytes, 0);
	}
	if (read(ctl, &go, 1) < 0)
		goto out;
out:
	free(topic);
	free(body);
}

static void run_pubsub(const struct options *o)
{
	if (o->topic_bytes < 10)
		bench_fail("--topic-bytes must be at least 10");
	char endpoint[256];
	int ctl;
	/* no high-water mark: the service's (100,000) would drop messages here, where the
	 * publisher outruns the subscriber, and the count must be exact */
	pid_t pid = fork_server(ZMQ_PUB, 0, pub_server, o, endpoint, sizeof endpoint, &ctl);
	void *zctx = zmq_ctx_new();
	void *s = zmq_socket(zctx, ZMQ_SUB);
	int hwm = 0, linger = 0;
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(s, ZMQ_SUBSCRIBE, "registry.", 9);
	curve_as_client(s, o);
	zmq_connect(s, endpoint);
	size_t cap = (size_t)o->bytes + 1;
	uint8_t *buf = malloc(cap);
	char topic[256];
	/* the first warm-up message proves the subscription reached the publisher */
	zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
	if (zmq_poll(&it, 1, 10000) <= 0)
		bench_fail("pubsub: no message from the publisher in 10 s");
	double t0 = bench_now();
	if (write(ctl, "g", 1) != 1)
		bench_fail("pubsub: the publisher went away");
	/* plain blocking receives (no poll per message); silence for 2 s ends the count */
	int timeout_ms = 2000;
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
	long got = 0;
	double last = t0;
	while (got < o->n) {
		int n = zmq_recv(s, topic, sizeof topic, 0);
		if (n < 0)
			break;
		zmq_recv(s, buf, cap, 0);
		/* warm-up messages still in flight after "go" are not counted */
		bool warmup = n == (int)strlen(PUBSUB_WARMUP_TOPIC) &&
			      memcmp(topic, PUBSUB_WARMUP_TOPIC, (size_t)n) == 0;
		if (!warmup) {
			got++;
			last = bench_now();
		}
	}
	if (write(ctl, "d", 1) != 1)
		bench_fail("pubsub: the publisher went away");
	close(ctl);
	bench_reap_child(pid, 5);
	zmq_close(s);
	zmq_ctx_term(zctx);
	free(buf);
	double t = last - t0;
	if (got < o->n)
		bench_fail("pubsub: %ld of %ld messages arrived", got, o->n);
	bench_say("pubsub: %ld messages of %ld+%ld B in %.3f s = %.0f msgs/s", o->n, o->topic_bytes,
		  o->bytes, t, (double)o->n / t);
	bench_result("pubsub_per_s", "%.0f", (double)o->n / t);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_baselines parse FILE\n"
		"       bench_baselines lmdb-bulk --records N --bytes B\n"
		"       bench_baselines lmdb-batch --records N --bytes B --batch K\n"
		"       bench_baselines echo --n N [--warmup W] --req-bytes R --reply-bytes P [--curve]\n"
		"       bench_baselines pubsub --n N --topic-bytes T --bytes B [--curve]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	const char *cmd = argv[1];
	struct options o = {.warmup = 2000};
	static const struct option longopts[] = {
		{"n", required_argument, NULL, 'n'}, {"warmup", required_argument, NULL, 'w'},
		{"records", required_argument, NULL, 'r'}, {"batch", required_argument, NULL, 'k'},
		{"bytes", required_argument, NULL, 'b'},
		{"req-bytes", required_argument, NULL, 'q'},
		{"reply-bytes", required_argument, NULL, 'p'},
		{"topic-bytes", required_argument, NULL, 't'}, {"curve", no_argument, NULL, 'c'},
		{NULL, 0, NULL, 0}};
	int ch;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		/* sizes may come in as averages ("254.8"): round to the nearest whole */
		long v = optarg ? (long)(strtod(optarg, NULL) + 0.5) : 0;
		switch (ch) {
		case 'n': o.n = v; break;
		case 'w': o.warmup = v; break;
		case 'r': o.records = v; break;
		case 'k': o.batch = v; break;
		case 'b': o.bytes = v; break;
		case 'q': o.req_bytes = v; break;
		case 'p': o.reply_bytes = v; break;
		case 't': o.topic_bytes = v; break;
		case 'c': o.curve = true; break;
		default: usage();
		}
	}
	bench_cleanup_init();
	curve_keys(&o);
	if (strcmp(cmd, "parse") == 0 && optind == argc - 1)
		run_parse(argv[optind]);
	else if (strcmp(cmd, "lmdb-bulk") == 0 && o.records > 0 && o.bytes > 0)
		run_lmdb_bulk(&o);
	else if (strcmp(cmd, "lmdb-batch") == 0 && o.records > 0 && o.bytes > 0 && o.batch > 0)
		run_lmdb_batch(&o);
	else if (strcmp(cmd, "echo") == 0 && o.n > 0 && o.req_bytes > 0 && o.reply_bytes > 0)
		run_echo(&o);
	else if (strcmp(cmd, "pubsub") == 0 && o.n > 0 && o.topic_bytes > 0 && o.bytes > 0)
		run_pubsub(&o);
	else
		usage();
	return 0;
}
