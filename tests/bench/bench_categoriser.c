/* bench_categoriser: measures the real n2gg-categoriser behind the real n2gg-registry, from
 * outside, as the council's systems would see it:
 *   setup       the registry imports a national-shaped data set (GIAS of every LA, clusters,
 *               Ofsted, achievement); a categoriser then starts and catches up on the
 *               registry's log through ReadEvents: seconds and events/s;
 *   reload      ReloadPolicy with a variant policy (only outstanding schools stay F), then
 *               the original again: seconds to re-decide every school, and how many changed;
 *   latency     SetFlags at a steady rate (1,000/s), each changing one school's category;
 *               from the send to the registry's event, and to category.changed, each
 *               received on a SUB socket: p50/p99;
 *   throughput  SetFlags pipelined (a window in flight), each changing one school's
 *               category: category.changed events/s counted on a SUB socket, and the size
 *               of the registry events they came from (for the raw PUB/SUB baseline).
 * Figures go to stdout as name=value lines for scripts/bench; progress to stderr. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "bench_rpc.h"
#include "bench_util.h"
#include "client.h"
#include "n2gg/v1/categoriser.pb-c.h"
#include "n2gg/v1/common.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"

#define FLAGS_TOPIC "registry.flags.changed"
#define CHANGED_TOPIC "category.changed"
#define MAX_URN 1000000

struct options {
	const char *registry, *categoriser, *policy, *data;
	long rate, latency_s, events_n, window;
};

struct bench {
	struct options o;
	void *zctx;
	struct bench_service reg, cat;
	char policy_path[600];
	uint32_t *urns;        /* schools whose category a causing_concern flag changes */
	size_t n_urns;
	long flips;            /* SetFlags sent so far: request i sets the flag on pass 0, ... */
};

static uint64_t registry_head(struct bench *b)
{
	struct arena a;
	arena_init(&a);
	N2gg__V1__HealthRequest req = N2GG__V1__HEALTH_REQUEST__INIT;
	N2gg__V1__HealthReply *h = bench_call(b->zctx, b->reg.api, "Health", &req.base,
					      &n2gg__v1__health_reply__descriptor, &a, 5000);
	uint64_t head = h->head_seq;
	arena_free(&a);
	return head;
}

static void wait_caught_up(struct bench *b, uint64_t head, double timeout_s)
{
	double deadline = bench_now() + timeout_s;
	while (bench_service_metric(&b->cat, "n2gg_categoriser_registry_cursor") < (double)head) {
		if (bench_now() > deadline)
			bench_fail("the categoriser did not reach registry event %llu in %.0f s",
				   (unsigned long long)head, timeout_s);
		usleep(10 * 1000);
	}
}

/* ---- setup ---- */

static void import(struct bench *b, const char *method, const char *file, uint32_t la_code)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", b->o.data, file);
	size_t len;
	char *data = bench_read_file(path, &len);
	N2gg__V1__ImportRequest req = N2GG__V1__IMPORT_REQUEST__INIT;
	req.data.data = (uint8_t *)data;
	req.data.len = len;
	req.file_name = (char *)file;
	req.la_code = la_code;
	struct arena a;
	arena_init(&a);
	N2gg__V1__ImportReply *rep = bench_call(b->zctx, b->reg.api, method, &req.base,
						&n2gg__v1__import_reply__descriptor, &a, 600000);
	bench_say("  %s: %u created, %u updated, %u rejected", file, rep->created, rep->updated,
		  rep->rejected);
	arena_free(&a);
	free(data);
}

static void copy_file(const char *from, const char *to, const char *replace_from,
		      const char *replace_to)
{
	size_t len;
	char *text = bench_read_file(from, &len);
	FILE *f = fopen(to, "w");
	if (!f)
		bench_fail("cannot write %s", to);
	char *at = replace_from ? strstr(text, replace_from) : NULL;
	if (replace_from && !at)
		bench_fail("%s has no \"%s\"", from, replace_from);
	if (at) {
		fwrite(text, 1, (size_t)(at - text), f);
		fputs(replace_to, f);
		fputs(at + strlen(replace_from), f);
	} else {
		fwrite(text, 1, len, f);
	}
	fclose(f);
	free(text);
}

static void bench_setup(struct bench *b)
{
	bench_service_start(&b->reg, b->o.registry, "registry", NULL);
	bench_say("setup: importing %s", b->o.data);
	import(b, "ImportGias", "edubasealldata.csv", 0);
	import(b, "ImportClusters", "clusters.csv", 0);
	import(b, "ImportInspections", "ofsted.csv", 0);
	import(b, "ImportAchievement", "achievement.csv", 0);
	uint64_t head = registry_head(b);

	snprintf(b->policy_path, sizeof b->policy_path, "%s/policy.yaml",
		 bench_tmpdir("n2gg-bench-policy"));
	copy_file(b->o.policy, b->policy_path, NULL, NULL);
	const char *args[] = {"--registry", b->reg.api, "--registry-events", b->reg.events,
			      "--as-of", "2013-11-15", "--policy", b->policy_path, NULL};
	double t0 = bench_now();
	bench_service_start(&b->cat, b->o.categoriser, "categoriser", args);
	wait_caught_up(b, head, 600);
	double t = bench_now() - t0;
	bench_say("setup: the categoriser caught up on %llu registry events in %.2f s (%.0f/s)",
		  (unsigned long long)head, t, (double)head / t);
	bench_result("catchup_events", "%llu", (unsigned long long)head);
	bench_result("catchup_s", "%.3f", t);
	bench_result("catchup_per_s", "%.0f", (double)head / t);
}

/* The schools a causing_concern flag moves to A (and back): not in A or D already. */
static void pick_schools(struct bench *b)
{
	struct arena a;
	arena_init(&a);
	N2gg__V1__ListCategoriesRequest req = N2GG__V1__LIST_CATEGORIES_REQUEST__INIT;
	N2gg__V1__ListCategoriesReply *rep = bench_call(
		b->zctx, b->cat.api, "ListCategories", &req.base,
		&n2gg__v1__list_categories_reply__descriptor, &a, 60000);
	b->urns = malloc(sizeof *b->urns * (rep->n_decisions + 1));
	double decision_bytes = 0;
	for (size_t i = 0; i < rep->n_decisions; i++) {
		const N2gg__V1__Decision *d = rep->decisions[i];
		decision_bytes += (double)protobuf_c_message_get_packed_size(&d->base);
		if (strcmp(d->category, "A") && strcmp(d->category, "D"))
			b->urns[b->n_urns++] = d->urn;
	}
	bench_result("schools_categorised", "%zu", rep->n_decisions);
	bench_result("decision_bytes", "%.0f", decision_bytes / (double)rep->n_decisions);
	bench_say("setup: %zu schools categorised, %zu can be moved to A and back",
		  rep->n_decisions, b->n_urns);
	if (b->n_urns < (size_t)(b->o.rate * b->o.latency_s) || b->n_urns < (size_t)b->o.window)
		bench_fail("too few schools (%zu) for the latency run and the window", b->n_urns);
	arena_free(&a);
}

/* ---- reload ---- */

static double reload(struct bench *b, const char *label, unsigned *changed, unsigned *evaluated)
{
	struct arena a;
	arena_init(&a);
	N2gg__V1__ReloadPolicyRequest req = N2GG__V1__RELOAD_POLICY_REQUEST__INIT;
	double t0 = bench_now();
	N2gg__V1__PolicyReply *rep = bench_call(b->zctx, b->cat.api, "ReloadPolicy", &req.base,
						&n2gg__v1__policy_reply__descriptor, &a, 600000);
	double t = bench_now() - t0;
	*changed = rep->schools_changed;
	*evaluated = rep->schools_evaluated;
	bench_say("reload (%s): %u schools decided again in %.3f s, %u changed category", label,
		  rep->schools_evaluated, t, rep->schools_changed);
	arena_free(&a);
	return t;
}

static void bench_reload(struct bench *b)
{
	unsigned changed, evaluated, changed_back, evaluated_back;
	copy_file(b->o.policy, b->policy_path, "      fact: ofsted.overall\n      at_most: 2",
		  "      fact: ofsted.overall\n      is: 1");
	double t = reload(b, "only outstanding schools stay F", &changed, &evaluated);
	copy_file(b->o.policy, b->policy_path, NULL, NULL);
	double t_back = reload(b, "the original again", &changed_back, &evaluated_back);
	if (changed != changed_back || changed == 0)
		bench_fail("reload: %u changed, then %u changed back", changed, changed_back);
	bench_result("reload_schools", "%u", evaluated);
	bench_result("reload_changed", "%u", changed);
	bench_result("reload_s", "%.3f", (t + t_back) / 2);
}

/* ---- SetFlags that move a school's category ---- */

static size_t pack_flip(struct bench *b, long i, uint8_t *buf, size_t cap, uint32_t *urn)
{
	N2gg__V1__LaFlags flags = N2GG__V1__LA_FLAGS__INIT;
	flags.causing_concern = ((size_t)i / b->n_urns) % 2 == 0;
	char *fields[] = {"causing_concern"};
	N2gg__V1__SetFlagsRequest body = N2GG__V1__SET_FLAGS_REQUEST__INIT;
	*urn = body.urn = b->urns[(size_t)i % b->n_urns];
	body.flags = &flags;
	body.fields = fields;
	body.n_fields = 1;
	uint8_t body_buf[256];
	char id[48];
	snprintf(id, sizeof id, "bench-flip-%ld", i);
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

static void *open_socket(struct bench *b, int type, const char *endpoint, const char *subscribe)
{
	void *s = zmq_socket(b->zctx, type);
	int hwm = 0, linger = 0;
	zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	if (subscribe) {
		zmq_setsockopt(s, ZMQ_SUBSCRIBE, subscribe, strlen(subscribe));
		zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);   /* heartbeats too: see wait_heartbeat */
	}
	bench_secure(s, endpoint);
	zmq_connect(s, endpoint);
	return s;
}

static uint8_t frame[1 << 20];

/* Waits for any message on a SUB socket (the heartbeat comes every 200 ms), so the
 * subscription has reached the publisher before the run starts. */
static void wait_subscribed(void *sub, const char *what)
{
	zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
	if (zmq_poll(&it, 1, 10000) <= 0)
		bench_fail("nothing on %s's event socket in 10 s", what);
	while (zmq_recv(sub, frame, sizeof frame, ZMQ_DONTWAIT) >= 0)
		;
}

/* Reads one [topic][Event] message: returns the URN its payload is about (0 for other
 * topics) and the payload's size. */
static uint32_t receive_event(void *sub, int *topic_kind, size_t *payload_bytes)
{
	char topic[64];
	int n = zmq_recv(sub, topic, sizeof topic - 1, ZMQ_DONTWAIT);
	if (n < 0)
		return (uint32_t)-1;
	int len = zmq_recv(sub, frame, sizeof frame, 0);
	topic[n < (int)sizeof topic - 1 ? n : (int)sizeof topic - 1] = 0;
	*topic_kind = strcmp(topic, FLAGS_TOPIC) == 0 ? 1 : strcmp(topic, CHANGED_TOPIC) == 0 ? 2 : 0;
	if (!*topic_kind || len < 0)
		return 0;
	N2gg__V1__Event *ev = n2gg__v1__event__unpack(NULL, (size_t)len, frame);
	if (!ev)
		bench_fail("an event that is not an n2gg.v1.Event");
	uint32_t urn = 0;
	*payload_bytes = (size_t)len;
	if (*topic_kind == 1) {
		N2gg__V1__RegistryEvent *re =
			n2gg__v1__registry_event__unpack(NULL, ev->payload.len, ev->payload.data);
		if (re && re->body_case == N2GG__V1__REGISTRY_EVENT__BODY_FLAGS)
			urn = re->flags->urn;
		n2gg__v1__registry_event__free_unpacked(re, NULL);
	} else {
		N2gg__V1__CategoryChanged *c =
			n2gg__v1__category_changed__unpack(NULL, ev->payload.len, ev->payload.data);
		if (c)
			urn = c->urn;
		n2gg__v1__category_changed__free_unpacked(c, NULL);
	}
	n2gg__v1__event__free_unpacked(ev, NULL);
	return urn;
}

static void drain_replies(void *dealer, long *replies, long *errors)
{
	int n;
	while ((n = zmq_recv(dealer, frame, sizeof frame, ZMQ_DONTWAIT)) >= 0) {
		N2gg__V1__Reply *rep = n2gg__v1__reply__unpack(NULL, (size_t)n, frame);
		if (!rep || rep->code != N2GG__V1__STATUS_CODE__OK) {
			if ((*errors)++ == 0)
				bench_say("  SetFlags refused: %s", rep ? rep->message : "bad reply");
		}
		if (rep)
			n2gg__v1__reply__free_unpacked(rep, NULL);
		(*replies)++;
	}
}

/* ---- latency at a steady rate ---- */

static void bench_latency(struct bench *b)
{
	long n = b->o.rate * b->o.latency_s;
	double *sent_at = calloc(MAX_URN, sizeof *sent_at);
	double *reg_us = malloc(sizeof *reg_us * (size_t)n), *cat_us = malloc(sizeof *cat_us * (size_t)n);
	void *reg_sub = open_socket(b, ZMQ_SUB, b->reg.events, FLAGS_TOPIC);
	void *cat_sub = open_socket(b, ZMQ_SUB, b->cat.events, CHANGED_TOPIC);
	void *dealer = open_socket(b, ZMQ_DEALER, b->reg.api, NULL);
	wait_subscribed(reg_sub, "the registry");
	wait_subscribed(cat_sub, "the categoriser");
	long sent = 0, replies = 0, errors = 0, reg_n = 0, cat_n = 0;
	double t0 = bench_now(), last = t0;
	uint8_t req[512];
	while (cat_n < n) {
		double now = bench_now();
		while (sent < n && now >= t0 + (double)sent / (double)b->o.rate) {
			uint32_t urn;
			size_t len = pack_flip(b, b->flips++, req, sizeof req, &urn);
			sent_at[urn] = bench_now();
			if (zmq_send(dealer, req, len, 0) < 0)
				bench_fail("send: %s", zmq_strerror(zmq_errno()));
			sent++;
		}
		double next = t0 + (double)sent / (double)b->o.rate - bench_now();
		zmq_pollitem_t items[3] = {{dealer, 0, ZMQ_POLLIN, 0}, {reg_sub, 0, ZMQ_POLLIN, 0},
					   {cat_sub, 0, ZMQ_POLLIN, 0}};
		zmq_poll(items, 3, sent < n ? (next > 0 ? (long)(next * 1000) : 0) : 100);
		drain_replies(dealer, &replies, &errors);
		for (int i = 1; i <= 2; i++) {
			void *sub = items[i].socket;
			int kind;
			size_t bytes;
			uint32_t urn;
			while ((urn = receive_event(sub, &kind, &bytes)) != (uint32_t)-1) {
				double at = bench_now();
				if (!urn || !sent_at[urn])
					continue;
				last = at;
				if (kind == 1 && reg_n < n)
					reg_us[reg_n++] = (at - sent_at[urn]) * 1e6;
				else if (kind == 2 && cat_n < n)
					cat_us[cat_n++] = (at - sent_at[urn]) * 1e6;
			}
		}
		if (bench_now() - last > 10 && sent == n)
			bench_fail("latency: %ld of %ld category changes arrived", cat_n, n);
	}
	double t = bench_now() - t0;
	if (errors)
		bench_fail("latency: %ld SetFlags refused", errors);
	struct bench_latency rl = bench_latency_of(reg_us, (size_t)reg_n);
	struct bench_latency cl = bench_latency_of(cat_us, (size_t)cat_n);
	bench_say("latency: %ld changes at %ld/s over %.1f s: registry event p50 %.0f us p99 %.0f us;"
		  " category.changed p50 %.0f us p99 %.0f us", n, b->o.rate, t, rl.p50, rl.p99,
		  cl.p50, cl.p99);
	bench_result("latency_n", "%ld", n);
	bench_result("latency_rate", "%ld", b->o.rate);
	bench_result("latency_registry_p50_us", "%.0f", rl.p50);
	bench_result("latency_registry_p99_us", "%.0f", rl.p99);
	bench_result("latency_p50_us", "%.0f", cl.p50);
	bench_result("latency_p99_us", "%.0f", cl.p99);
	zmq_close(dealer);
	zmq_close(reg_sub);
	zmq_close(cat_sub);
	free(sent_at);
	free(reg_us);
	free(cat_us);
}

/* ---- sustained throughput ---- */

static void bench_throughput(struct bench *b)
{
	long n = b->o.events_n;
	void *reg_sub = open_socket(b, ZMQ_SUB, b->reg.events, FLAGS_TOPIC);
	void *cat_sub = open_socket(b, ZMQ_SUB, b->cat.events, CHANGED_TOPIC);
	void *dealer = open_socket(b, ZMQ_DEALER, b->reg.api, NULL);
	wait_subscribed(reg_sub, "the registry");
	wait_subscribed(cat_sub, "the categoriser");
	double cpu0 = bench_cpu_s(b->cat.pid);
	long sent = 0, replies = 0, errors = 0, reg_n = 0, cat_n = 0;
	double reg_bytes = 0, t0 = bench_now(), last = t0;
	uint8_t req[512];
	while (cat_n < n) {
		while (sent < n && sent - replies < b->o.window) {
			uint32_t urn;
			size_t len = pack_flip(b, b->flips++, req, sizeof req, &urn);
			if (zmq_send(dealer, req, len, 0) < 0)
				bench_fail("send: %s", zmq_strerror(zmq_errno()));
			sent++;
		}
		zmq_pollitem_t items[3] = {{dealer, 0, ZMQ_POLLIN, 0}, {reg_sub, 0, ZMQ_POLLIN, 0},
					   {cat_sub, 0, ZMQ_POLLIN, 0}};
		zmq_poll(items, 3, 200);
		drain_replies(dealer, &replies, &errors);
		int kind;
		size_t bytes;
		uint32_t urn;
		while ((urn = receive_event(reg_sub, &kind, &bytes)) != (uint32_t)-1)
			if (kind == 1) {
				reg_n++;
				reg_bytes += (double)bytes;
			}
		while ((urn = receive_event(cat_sub, &kind, &bytes)) != (uint32_t)-1)
			if (kind == 2) {
				cat_n++;
				last = bench_now();
			}
		if (bench_now() - last > 10)
			bench_fail("throughput: stalled at %ld sent, %ld changes", sent, cat_n);
	}
	double t = last - t0;
	double cpu = (bench_cpu_s(b->cat.pid) - cpu0) * 1e6 / (double)n;
	if (errors)
		bench_fail("throughput: %ld SetFlags refused", errors);
	bench_say("throughput: %ld registry changes -> %ld category.changed in %.2f s = %.0f/s "
		  "(window %ld); registry event %.0f B; categoriser CPU %.1f us per change",
		  n, cat_n, t, (double)cat_n / t, b->o.window, reg_bytes / (double)reg_n, cpu);
	bench_result("pipeline_n", "%ld", n);
	bench_result("pipeline_window", "%ld", b->o.window);
	bench_result("pipeline_per_s", "%.0f", (double)cat_n / t);
	bench_result("pipeline_event_bytes", "%.0f", reg_bytes / (double)reg_n);
	bench_result("pipeline_topic_bytes", "%zu", strlen(FLAGS_TOPIC));
	bench_result("pipeline_categoriser_cpu_us", "%.1f", cpu);
	zmq_close(dealer);
	zmq_close(reg_sub);
	zmq_close(cat_sub);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_categoriser --registry BIN --categoriser BIN --policy FILE --data DIR\n"
		"                         [--rate 1000] [--latency-s 5] [--events 20000] [--window 200]\n"
		"DIR holds gen-gias output (edubasealldata.csv, clusters.csv, ofsted.csv, achievement.csv)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bench_cleanup_init();
	struct bench b = {.o = {.rate = 1000, .latency_s = 5, .events_n = 20000, .window = 200}};
	static const struct option longopts[] = {
		{"registry", required_argument, NULL, 'r'}, {"categoriser", required_argument, NULL, 'c'},
		{"policy", required_argument, NULL, 'p'},   {"data", required_argument, NULL, 'd'},
		{"rate", required_argument, NULL, 'R'},     {"latency-s", required_argument, NULL, 'L'},
		{"events", required_argument, NULL, 'e'},   {"window", required_argument, NULL, 'w'},
		{NULL, 0, NULL, 0}};
	int opt;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r': b.o.registry = optarg; break;
		case 'c': b.o.categoriser = optarg; break;
		case 'p': b.o.policy = optarg; break;
		case 'd': b.o.data = optarg; break;
		case 'R': b.o.rate = atol(optarg); break;
		case 'L': b.o.latency_s = atol(optarg); break;
		case 'e': b.o.events_n = atol(optarg); break;
		case 'w': b.o.window = atol(optarg); break;
		default: usage();
		}
	}
	if (!b.o.registry || !b.o.categoriser || !b.o.policy || !b.o.data || b.o.rate <= 0 ||
	    b.o.latency_s <= 0 || b.o.events_n <= 0 || b.o.window <= 0)
		usage();
	b.zctx = zmq_ctx_new();
	bench_setup(&b);
	pick_schools(&b);
	bench_reload(&b);
	bench_latency(&b);
	bench_throughput(&b);
	bench_service_stop(&b.cat);
	bench_service_stop(&b.reg);
	free(b.urns);
	zmq_ctx_term(b.zctx);
	return 0;
}
