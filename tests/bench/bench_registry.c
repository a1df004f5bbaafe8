/* bench_registry: measures the real n2gg-registry binary from outside, as a client would.
 * It starts the registry on free loopback ports and a scratch data directory (like the
 * integration harness), then:
 *   import  ImportGias of a GIAS extract (la_code 0) into the fresh store: seconds, rows/s;
 *   rtt     GetSchool of random imported URNs, one at a time with the C client: p50/p99/mean;
 *   events  SetFlags pipelined from a DEALER (a window of requests in flight), each toggling
 *           targeted_n2gg on a different school, while a SUB socket counts the published
 *           events: events/s from the first send to the last event, and the average batch
 *           (requests per commit, from /metrics);
 *   memory  a second, fresh registry imports a national-shaped extract and serves a
 *           ListSchools of every school: peak RSS (VmHWM) and the LMDB data file size.
 * Figures go to stdout as name=value lines for scripts/bench; progress goes to stderr. The
 * registry is killed and the scratch directories removed however the program ends. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <zmq.h>

#include "bench_util.h"
#include "client.h"
#include "n2gg/v1/common.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"

struct options {
	const char *registry;
	const char *gias;           /* imported, then read and written by rtt and events */
	const char *gias_national;  /* for memory */
	long rtt_n, rtt_warmup;
	long events_n, window;
};

static int count_in_file(const char *path, const char *needle)
{
	size_t len;
	char *text = bench_read_file(path, &len);
	int n = 0;
	for (char *p = text; (p = strstr(p, needle)); p++)
		n++;
	free(text);
	return n;
}

/* ---- import ---- */

struct imported {
	uint32_t *urns;
	size_t n;
};

/* URNs of the extract: the leading number of each line after the header. (A quoted field
 * spanning lines could fake one; a URN that is not there shows up as NOT_FOUND.) */
static struct imported extract_urns(const char *data, size_t len)
{
	const char *p, *end = data + len;
	size_t lines = 1;
	for (p = data; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		lines++;
	struct imported im = {malloc(sizeof(uint32_t) * lines), 0};
	p = memchr(data, '\n', len);
	while (p && ++p < end) {
		/* a digit first: strtoul would skip a blank line and count the next one twice */
		char *after;
		unsigned long urn = *p >= '0' && *p <= '9' ? strtoul(p, &after, 10) : 0;
		if (urn >= 100000 && urn <= 999999 && *after == ',')
			im.urns[im.n++] = (uint32_t)urn;
		p = memchr(p, '\n', (size_t)(end - p));
	}
	return im;
}

static double import_file(struct client *c, const char *path, const char *what,
			  struct imported *urns, N2gg__V1__ImportReply *out)
{
	size_t len;
	char *data = bench_read_file(path, &len);
	if (urns)
		*urns = extract_urns(data, len);
	struct arena a;
	arena_init(&a);
	N2gg__V1__ImportRequest req = N2GG__V1__IMPORT_REQUEST__INIT;
	req.data.data = (uint8_t *)data;
	req.data.len = len;
	req.file_name = "edubasealldata.csv";
	req.la_code = 0;
	N2gg__V1__ImportReply *reply;
	struct status st;
	bench_say("%s: importing %s (%.1f MB)", what, path, (double)len / 1e6);
	double t0 = bench_now();
	if (client_call(c, "ImportGias", &req.base, &n2gg__v1__import_reply__descriptor, &a,
			(void **)&reply, &st) < 0)
		bench_fail("ImportGias: %s", st.message);
	double t = bench_now() - t0;
	*out = *reply;
	out->rejections = NULL;
	out->n_rejections = 0;
	if (reply->n_rejections)
		bench_say("  first rejection: line %u: %s", reply->rejections[0]->line,
			  reply->rejections[0]->reason);
	arena_free(&a);
	free(data);
	return t;
}

static void bench_import(const struct options *o, struct client *c, const struct bench_service *r,
			 struct imported *urns)
{
	N2gg__V1__ImportReply rep;
	double cpu = bench_cpu_s(r->pid);
	double t = import_file(c, o->gias, "import", urns, &rep);
	cpu = bench_cpu_s(r->pid) - cpu;
	uint32_t rows = rep.created + rep.updated + rep.unchanged + rep.rejected + rep.skipped;
	if (rep.created == 0 || rep.rejected > rows / 100)
		bench_fail("import: %u created, %u rejected of %u rows", rep.created, rep.rejected, rows);
	char *m = bench_service_metrics(r);
	int grows = count_in_file(r->log, "store map grown");
	bench_say("import: %u rows (%u created, %u rejected) in %.2f s = %.0f rows/s (registry CPU "
		  "%.2f s); store map grown %d times to %.0f MiB",
		  rows, rep.created, rep.rejected, t, rows / t, cpu, grows,
		  bench_metric(m, "n2gg_store_map_bytes") / 1048576.0);
	bench_result("import_rows", "%u", rows);
	bench_result("import_created", "%u", rep.created);
	bench_result("import_rejected", "%u", rep.rejected);
	bench_result("import_s", "%.3f", t);
	bench_result("import_rows_per_s", "%.0f", rows / t);
	bench_result("import_server_cpu_s", "%.3f", cpu);
	bench_result("import_map_grows", "%d", grows);
	free(m);
}

/* ---- request round trip ---- */

static size_t packed_request_size(const struct client *c, const ProtobufCMessage *body,
				  const char *method)
{
	char id[48];
	snprintf(id, sizeof id, "%s-%llu", c->id_prefix, (unsigned long long)c->counter);
	N2gg__V1__Request req = N2GG__V1__REQUEST__INIT;
	req.request_id = id;
	req.method = (char *)method;
	req.actor = (char *)c->actor;
	req.body.len = protobuf_c_message_get_packed_size(body);
	req.body.data = (uint8_t *)"";   /* only sizes are computed */
	return n2gg__v1__request__get_packed_size(&req);
}

static size_t packed_reply_size(const struct client *c, const ProtobufCMessage *body)
{
	char id[48];
	snprintf(id, sizeof id, "%s-%llu", c->id_prefix, (unsigned long long)c->counter);
	N2gg__V1__Reply rep = N2GG__V1__REPLY__INIT;
	rep.request_id = id;
	rep.body.len = protobuf_c_message_get_packed_size(body);
	rep.body.data = (uint8_t *)"";
	return n2gg__v1__reply__get_packed_size(&rep);
}

static void bench_rtt(const struct options *o, struct client *c, const struct bench_service *r,
		      const struct imported *urns)
{
	double *lat = malloc(sizeof *lat * (size_t)o->rtt_n);
	struct arena a;
	arena_init(&a);
	uint64_t rng = 0x9E3779B97F4A7C15ULL;
	double req_bytes = 0, reply_bytes = 0, server_cpu = 0, client_cpu = 0;
	for (long i = -o->rtt_warmup; i < o->rtt_n; i++) {
		if (i == 0) {
			server_cpu = -bench_cpu_s(r->pid);
			client_cpu = -bench_cpu_s(getpid());
		}
		N2gg__V1__GetSchoolRequest req = N2GG__V1__GET_SCHOOL_REQUEST__INIT;
		req.urn = urns->urns[bench_rand(&rng) % urns->n];
		N2gg__V1__GetSchoolReply *reply;
		struct status st;
		arena_reset(&a);
		double t0 = bench_now();
		if (client_call(c, "GetSchool", &req.base, &n2gg__v1__get_school_reply__descriptor,
				&a, (void **)&reply, &st) < 0)
			bench_fail("GetSchool %u: %s", req.urn, st.message);
		double t = bench_now() - t0;
		if (i < 0)
			continue;
		lat[i] = t * 1e6;
		req_bytes += (double)packed_request_size(c, &req.base, "GetSchool");
		reply_bytes += (double)packed_reply_size(c, &reply->base);
	}
	/* the size sums above cost the client a little CPU too: small next to a call */
	server_cpu = (server_cpu + bench_cpu_s(r->pid)) * 1e6 / (double)o->rtt_n;
	client_cpu = (client_cpu + bench_cpu_s(getpid())) * 1e6 / (double)o->rtt_n;
	arena_free(&a);
	struct bench_latency l = bench_latency_of(lat, (size_t)o->rtt_n);
	req_bytes /= (double)o->rtt_n;
	reply_bytes /= (double)o->rtt_n;
	bench_say("rtt: %ld GetSchool calls (after %ld warm-up): p50 %.1f us, p99 %.1f us, "
		  "mean %.1f us, max %.0f us; request %.0f B, reply %.0f B; "
		  "CPU per call: registry %.1f us, client %.1f us",
		  o->rtt_n, o->rtt_warmup, l.p50, l.p99, l.mean, l.max, req_bytes, reply_bytes,
		  server_cpu, client_cpu);
	bench_result("rtt_n", "%ld", o->rtt_n);
	bench_result("rtt_p50_us", "%.1f", l.p50);
	bench_result("rtt_p99_us", "%.1f", l.p99);
	bench_result("rtt_mean_us", "%.1f", l.mean);
	bench_result("rtt_req_bytes", "%.0f", req_bytes);
	bench_result("rtt_reply_bytes", "%.0f", reply_bytes);
	bench_result("rtt_server_cpu_us", "%.1f", server_cpu);
	bench_result("rtt_client_cpu_us", "%.1f", client_cpu);
	free(lat);
}

/* ---- durable event throughput ---- */

#define FLAGS_TOPIC "registry.flags.changed"
#define HEARTBEAT_TOPIC "registry.heartbeat"

/* Packs SetFlags request i into buf: pass 0 over the URNs sets targeted_n2gg, pass 1
 * clears it, and so on, so every request changes its school and appends one event. */
static size_t pack_set_flags(long i, const struct imported *urns, uint8_t *buf, size_t cap)
{
	N2gg__V1__LaFlags flags = N2GG__V1__LA_FLAGS__INIT;
	flags.targeted_n2gg = ((size_t)i / urns->n) % 2 == 0;
	char *fields[] = {"targeted_n2gg"};
	N2gg__V1__SetFlagsRequest body = N2GG__V1__SET_FLAGS_REQUEST__INIT;
	body.urn = urns->urns[(size_t)i % urns->n];
	body.flags = &flags;
	body.fields = fields;
	body.n_fields = 1;
	uint8_t body_buf[256];
	char id[40];   /* "bench-flags-" and any long */
	snprintf(id, sizeof id, "bench-flags-%ld", i);
	N2gg__V1__Request req = N2GG__V1__REQUEST__INIT;
	req.request_id = id;
	req.method = "SetFlags";
	req.actor = "bench";
	req.body.len = n2gg__v1__set_flags_request__pack(&body, body_buf);
	req.body.data = body_buf;
	if (n2gg__v1__request__get_packed_size(&req) > cap)
		bench_fail("SetFlags request too large");
	return n2gg__v1__request__pack(&req, buf);
}

static void bench_events(const struct options *o, void *zctx, const struct bench_service *r,
			 const struct imported *urns)
{
	/* subscribe first and wait for a heartbeat, so no event goes out before the
	 * subscription has reached the publisher */
	void *sub = zmq_socket(zctx, ZMQ_SUB);
	int hwm = 0, linger = 0;
	zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "registry.", 9);
	bench_secure(sub, r->events);
	zmq_connect(sub, r->events);
	char topic[128];
	static uint8_t frame[1 << 20];
	double deadline = bench_now() + 10;
	for (;;) {
		if (bench_now() > deadline)
			bench_fail("no heartbeat on %s in 10 s", r->events);
		zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
		if (zmq_poll(&it, 1, 100) <= 0)
			continue;
		int n = zmq_recv(sub, topic, sizeof topic, 0);
		zmq_recv(sub, frame, sizeof frame, 0);
		if (n == (int)strlen(HEARTBEAT_TOPIC) &&
		    memcmp(topic, HEARTBEAT_TOPIC, (size_t)n) == 0)
			break;
	}
	char *m0 = bench_service_metrics(r);

	void *dealer = zmq_socket(zctx, ZMQ_DEALER);
	zmq_setsockopt(dealer, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(dealer, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
	bench_secure(dealer, r->api);
	zmq_connect(dealer, r->api);

	double cpu0 = bench_cpu_s(r->pid);
	long sent = 0, replies = 0, errors = 0, events = 0;
	double event_bytes = 0;
	double t_start = bench_now(), t_replies = 0, t_events = 0, last_progress = t_start;
	uint8_t req[512];
	while (replies < o->events_n || events < o->events_n) {
		while (sent < o->events_n && sent - replies < o->window) {
			size_t len = pack_set_flags(sent, urns, req, sizeof req);
			if (zmq_send(dealer, req, len, 0) < 0)
				bench_fail("send: %s", zmq_strerror(zmq_errno()));
			sent++;
		}
		zmq_pollitem_t items[2] = {{dealer, 0, ZMQ_POLLIN, 0}, {sub, 0, ZMQ_POLLIN, 0}};
		if (zmq_poll(items, 2, 200) < 0 && zmq_errno() != EINTR)
			bench_fail("poll: %s", zmq_strerror(zmq_errno()));
		double now = bench_now();
		int n;
		while ((n = zmq_recv(dealer, frame, sizeof frame, ZMQ_DONTWAIT)) >= 0) {
			N2gg__V1__Reply *rep = n2gg__v1__reply__unpack(NULL, (size_t)n, frame);
			if (!rep || rep->code != N2GG__V1__STATUS_CODE__OK) {
				if (errors++ == 0)
					bench_say("  SetFlags refused: %s",
						  rep ? rep->message : "bad reply");
			}
			if (rep)
				n2gg__v1__reply__free_unpacked(rep, NULL);
			if (++replies == o->events_n)
				t_replies = now;
			last_progress = now;
		}
		while ((n = zmq_recv(sub, topic, sizeof topic - 1, ZMQ_DONTWAIT)) >= 0) {
			int len = zmq_recv(sub, frame, sizeof frame, 0);
			if (n == (int)strlen(FLAGS_TOPIC) &&
			    memcmp(topic, FLAGS_TOPIC, (size_t)n) == 0) {
				event_bytes += len;
				if (++events == o->events_n)
					t_events = bench_now();
				last_progress = now;
			}
		}
		if (now - last_progress > 10)
			bench_fail("events: stalled at %ld sent, %ld replies, %ld events", sent, replies,
			     events);
		if (replies == o->events_n && events < o->events_n && now - t_replies > 5)
			bench_fail("events: %ld of %ld events arrived (the rest were dropped)", events,
			     o->events_n);
	}
	double cpu = (bench_cpu_s(r->pid) - cpu0) * 1e6 / (double)events;
	char *m1 = bench_service_metrics(r);
	zmq_close(dealer);
	zmq_close(sub);
	if (errors)
		bench_fail("events: %ld of %ld SetFlags requests failed", errors, o->events_n);
	double requests = bench_metric(m1, "n2gg_requests_total") -
			  bench_metric(m0, "n2gg_requests_total");
	double commits = bench_metric(m1, "n2gg_commits_total") -
			 bench_metric(m0, "n2gg_commits_total");
	double t = t_events - t_start;
	double batch = commits > 0 ? requests / commits : 0;
	bench_say("events: %ld SetFlags (window %ld) -> %ld events in %.2f s = %.0f events/s "
		  "(replies done at %.2f s); %.0f commits, %.1f requests per commit; event %.0f B; "
		  "registry CPU %.1f us per event",
		  o->events_n, o->window, events, t, (double)events / t, t_replies - t_start,
		  commits, batch, event_bytes / (double)events, cpu);
	bench_result("events_n", "%ld", events);
	bench_result("events_window", "%ld", o->window);
	bench_result("events_s", "%.3f", t);
	bench_result("events_per_s", "%.0f", (double)events / t);
	bench_result("events_commits", "%.0f", commits);
	bench_result("events_batch", "%.1f", batch);
	bench_result("events_bytes", "%.0f", event_bytes / (double)events);
	bench_result("events_topic_bytes", "%zu", strlen(FLAGS_TOPIC));
	bench_result("events_server_cpu_us", "%.1f", cpu);
	free(m0);
	free(m1);
}

/* ---- peak memory ---- */

static void bench_memory(const struct options *o, void *zctx)
{
	struct bench_service r;
	bench_service_start(&r, o->registry, "memory", NULL);
	struct client c;
	struct status st;
	if (client_open(&c, zctx, r.api, bench_curve(), "registry", 600000, 1, &st) < 0)
		bench_fail("%s", st.message);
	c.actor = "bench";
	N2gg__V1__ImportReply rep;
	double ti = import_file(&c, o->gias_national, "memory", NULL, &rep);
	long hwm_import = bench_proc_status_kb(r.pid, "VmHWM");

	struct arena a;
	arena_init(&a);
	N2gg__V1__ListSchoolsRequest req = N2GG__V1__LIST_SCHOOLS_REQUEST__INIT;
	N2gg__V1__ListSchoolsReply *list;
	double t0 = bench_now();
	if (client_call(&c, "ListSchools", &req.base, &n2gg__v1__list_schools_reply__descriptor, &a,
			(void **)&list, &st) < 0)
		bench_fail("ListSchools: %s", st.message);
	double tl = bench_now() - t0;
	size_t listed = list->n_schools;
	size_t list_bytes = protobuf_c_message_get_packed_size(&list->base);
	arena_free(&a);
	client_close(&c);
	long hwm = bench_proc_status_kb(r.pid, "VmHWM");
	long rss = bench_proc_status_kb(r.pid, "VmRSS");

	char path[600];
	snprintf(path, sizeof path, "%s/data.mdb", r.store);
	struct stat sb;
	if (stat(path, &sb) < 0)
		bench_fail("cannot stat %s", path);
	bench_say("memory: %u schools imported in %.2f s (VmHWM %.1f MiB); ListSchools of %zu "
		  "schools (%.1f MB) in %.2f s; VmHWM %.1f MiB, VmRSS %.1f MiB; data.mdb %.1f MiB "
		  "(%.1f MiB allocated)",
		  rep.created, ti, hwm_import / 1024.0, listed, list_bytes / 1e6, tl, hwm / 1024.0,
		  rss / 1024.0, sb.st_size / 1048576.0, sb.st_blocks * 512 / 1048576.0);
	if (listed != rep.created)
		bench_fail("ListSchools returned %zu schools, %u were imported", listed, rep.created);
	bench_service_stop(&r);
	bench_result("mem_schools", "%zu", listed);
	bench_result("mem_import_s", "%.3f", ti);
	bench_result("mem_list_s", "%.3f", tl);
	bench_result("mem_list_bytes", "%zu", list_bytes);
	bench_result("mem_hwm_import_kb", "%ld", hwm_import);
	bench_result("mem_hwm_kb", "%ld", hwm);
	bench_result("mem_rss_kb", "%ld", rss);
	bench_result("mem_data_bytes", "%lld", (long long)sb.st_size);
	bench_result("mem_data_alloc_bytes", "%lld", (long long)sb.st_blocks * 512);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_registry --registry PATH --gias FILE --gias-national FILE\n"
		"       [--rtt N] [--warmup N] [--events N] [--window N] [--skip-memory]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o = {NULL, NULL, NULL, 20000, 2000, 40000, 500};
	int skip_memory = 0;
	static const struct option longopts[] = {
		{"registry", required_argument, NULL, 'r'}, {"gias", required_argument, NULL, 'g'},
		{"gias-national", required_argument, NULL, 'n'},
		{"rtt", required_argument, NULL, 't'},
		{"warmup", required_argument, NULL, 'w'}, {"events", required_argument, NULL, 'e'},
		{"window", required_argument, NULL, 'W'}, {"skip-memory", no_argument, NULL, 's'},
		{NULL, 0, NULL, 0}};
	int ch;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': o.registry = optarg; break;
		case 'g': o.gias = optarg; break;
		case 'n': o.gias_national = optarg; break;
		case 't': o.rtt_n = atol(optarg); break;
		case 'w': o.rtt_warmup = atol(optarg); break;
		case 'e': o.events_n = atol(optarg); break;
		case 'W': o.window = atol(optarg); break;
		case 's': skip_memory = 1; break;
		default: usage();
		}
	}
	if (!o.registry || !o.gias || (!o.gias_national && !skip_memory) || o.rtt_n < 1 ||
	    o.rtt_warmup < 0 || o.events_n < 1 || o.window < 1)
		usage();
	bench_cleanup_init();
	void *zctx = zmq_ctx_new();

	struct bench_service r;
	bench_service_start(&r, o.registry, "registry", NULL);
	struct client c;
	struct status st;
	if (client_open(&c, zctx, r.api, bench_curve(), "registry", 600000, 1, &st) < 0)
		bench_fail("%s", st.message);
	c.actor = "bench";
	struct imported urns;
	bench_import(&o, &c, &r, &urns);
	client_close(&c);
	if (urns.n == 0)
		bench_fail("no URNs found in %s", o.gias);
	if ((size_t)o.window >= urns.n)
		bench_fail("--window must be below the number of schools (%zu)", urns.n);

	if (client_open(&c, zctx, r.api, bench_curve(), "registry", 5000, 1, &st) < 0)
		bench_fail("%s", st.message);
	c.actor = "bench";
	bench_rtt(&o, &c, &r, &urns);
	client_close(&c);

	bench_events(&o, zctx, &r, &urns);
	bench_service_stop(&r);
	free(urns.urns);

	if (!skip_memory)
		bench_memory(&o, zctx);
	zmq_ctx_term(zctx);
	return 0;
}
