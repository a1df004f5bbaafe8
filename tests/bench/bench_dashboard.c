/* bench_dashboard: measures the real n2gg-dashboard on the national-shaped data set, from
 * outside, as a browser on the same machine would see it:
 *   setup     the registry imports gen-gias output (every LA's schools, clusters, Ofsted,
 *             achievement); the categoriser catches up on it, so every school has a category;
 *   catch-up  the dashboard starts on an empty store and reads both services' logs: seconds
 *             from its start until its cursors reach their heads, and its peak RSS (VmHWM);
 *   pages     an officer's account (n2gg-dashboard --add-user), signed in through the form,
 *             then over one keep-alive connection (libcurl): the LA overview, the schools
 *             list (its first page and a page deep in it), a search by part of a name, a
 *             filter by category, the whole list as CSV, and the baseline — a static file
 *             of the same server (govuk-frontend.min.css), so what a page costs above the
 *             HTTP plumbing shows as a ratio. Each: time from the request sent to its last
 *             byte received (loopback, so this is the server's time plus a copy), p50/p99,
 *             the page's size, and the dashboard's CPU per request.
 * Figures go to stdout as name=value lines for scripts/bench; progress to stderr. */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "bench_rpc.h"
#include "bench_util.h"
#include "n2gg/v1/common.pb-c.h"

#define PASSWORD "bench-password-1"

struct options {
	const char *registry, *categoriser, *dashboard, *policy, *data, *static_dir;
	long requests;
};

struct bench {
	struct options o;
	void *zctx;
	struct bench_service reg, cat, dash;
	char web[64];
	CURL *curl;
	char *body;            /* the last response */
	size_t body_len, body_cap;
};

static uint64_t head_of(struct bench *b, const struct bench_service *s)
{
	struct arena a;
	arena_init(&a);
	N2gg__V1__HealthRequest req = N2GG__V1__HEALTH_REQUEST__INIT;
	N2gg__V1__HealthReply *h = bench_call(b->zctx, s->api, "Health", &req.base,
					      &n2gg__v1__health_reply__descriptor, &a, 5000);
	uint64_t head = h->head_seq;
	arena_free(&a);
	return head;
}

static void wait_cursor(const struct bench_service *s, const char *metric, uint64_t head,
			double timeout_s)
{
	double deadline = bench_now() + timeout_s;
	while (bench_service_metric(s, metric) < (double)head) {
		if (bench_now() > deadline)
			bench_fail("%s did not reach %llu in %.0f s", metric, (unsigned long long)head,
				   timeout_s);
		usleep(20 * 1000);
	}
}

static void bench_setup(struct bench *b)
{
	bench_service_start(&b->reg, b->o.registry, "registry", NULL);
	bench_say("setup: importing %s", b->o.data);
	bench_import(b->zctx, b->reg.api, "ImportGias", b->o.data, "edubasealldata.csv");
	bench_import(b->zctx, b->reg.api, "ImportClusters", b->o.data, "clusters.csv");
	bench_import(b->zctx, b->reg.api, "ImportInspections", b->o.data, "ofsted.csv");
	bench_import(b->zctx, b->reg.api, "ImportAchievement", b->o.data, "achievement.csv");
	const char *args[] = {"--registry", b->reg.api, "--registry-events", b->reg.events,
			      "--as-of", "2013-11-15", "--policy", b->o.policy, NULL};
	bench_service_start(&b->cat, b->o.categoriser, "categoriser", args);
	wait_cursor(&b->cat, "n2gg_categoriser_registry_cursor", head_of(b, &b->reg), 600);
	bench_say("setup: the categoriser has caught up");
}

/* The dashboard on an empty store: from its start until it has applied both logs. */
static void bench_catchup(struct bench *b)
{
	uint64_t reg_head = head_of(b, &b->reg), cat_head = head_of(b, &b->cat);
	/* the scheduler and the notifier are not run: their sockets are ports nobody serves */
	char sch[64], sch_ev[64], ntf[64], ntf_ev[64];
	snprintf(sch, sizeof sch, "tcp://127.0.0.1:%d", bench_free_port());
	snprintf(sch_ev, sizeof sch_ev, "tcp://127.0.0.1:%d", bench_free_port());
	snprintf(ntf, sizeof ntf, "tcp://127.0.0.1:%d", bench_free_port());
	snprintf(ntf_ev, sizeof ntf_ev, "tcp://127.0.0.1:%d", bench_free_port());
	snprintf(b->web, sizeof b->web, "127.0.0.1:%d", bench_free_port());
	const char *args[] = {"--registry", b->reg.api, "--registry-events", b->reg.events,
			      "--categoriser", b->cat.api, "--categoriser-events", b->cat.events,
			      "--scheduler", sch, "--scheduler-events", sch_ev, "--notifier", ntf,
			      "--notifier-events", ntf_ev, "--web", b->web, "--static-dir",
			      b->o.static_dir, "--as-of", "2013-11-15", NULL};
	double t0 = bench_now();
	bench_service_start(&b->dash, b->o.dashboard, "dashboard", args);
	wait_cursor(&b->dash, "n2gg_dashboard_registry_cursor", reg_head, 600);
	wait_cursor(&b->dash, "n2gg_dashboard_categoriser_cursor", cat_head, 600);
	double t = bench_now() - t0;
	long hwm = bench_proc_status_kb(b->dash.pid, "VmHWM");
	bench_say("catch-up: %llu registry and %llu categoriser events in %.2f s; VmHWM %.1f MiB",
		  (unsigned long long)reg_head, (unsigned long long)cat_head, t, (double)hwm / 1024);
	bench_result("dash_catchup_events", "%llu", (unsigned long long)(reg_head + cat_head));
	bench_result("dash_catchup_s", "%.3f", t);
	bench_result("dash_catchup_hwm_kb", "%ld", hwm);
}

/* ---- HTTP ---- */

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct bench *b = ctx;
	size_t len = size * n;
	if (b->body_len + len + 1 > b->body_cap) {
		b->body_cap = (b->body_len + len + 1) * 2;
		if (!(b->body = realloc(b->body, b->body_cap)))
			bench_fail("out of memory");
	}
	memcpy(b->body + b->body_len, data, len);
	b->body_len += len;
	b->body[b->body_len] = '\0';
	return len;
}

/* One request on the kept-alive connection; the response's status, its time in µs. */
static long request(struct bench *b, const char *path, const char *post, double *us)
{
	char url[600];
	snprintf(url, sizeof url, "http://%s%s", b->web, path);
	b->body_len = 0;
	curl_easy_setopt(b->curl, CURLOPT_URL, url);
	if (post)
		curl_easy_setopt(b->curl, CURLOPT_POSTFIELDS, post);
	else
		curl_easy_setopt(b->curl, CURLOPT_HTTPGET, 1L);
	CURLcode rc = curl_easy_perform(b->curl);
	if (rc != CURLE_OK)
		bench_fail("GET %s: %s", path, curl_easy_strerror(rc));
	long status;
	curl_off_t t;
	curl_easy_getinfo(b->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(b->curl, CURLINFO_TOTAL_TIME_T, &t);
	if (us)
		*us = (double)t;
	return status;
}

static void sign_in(struct bench *b)
{
	char pw[600];
	snprintf(pw, sizeof pw, "%s/bench.pw", b->dash.dir);
	FILE *f = fopen(pw, "w");
	if (!f)
		bench_fail("cannot write %s", pw);
	fprintf(f, "%s\n", PASSWORD);
	fclose(f);
	/* a second process on the running service's store, as an operator would run it */
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "'%s' --data-dir '%s' --add-user bench --role officer "
				  "--password-file '%s' >/dev/null",
		 b->o.dashboard, b->dash.store, pw);
	if (system(cmd) != 0)
		bench_fail("n2gg-dashboard --add-user failed");
	if (request(b, "/login", NULL, NULL) != 200)
		bench_fail("GET /login did not answer 200");
	const char *at = strstr(b->body, "name=\"login_token\" value=\"");
	if (!at)
		bench_fail("the sign-in page has no login_token");
	at += strlen("name=\"login_token\" value=\"");
	char post[256];
	snprintf(post, sizeof post, "login_token=%.*s&name=bench&password=%s&next=/",
		 (int)strcspn(at, "\""), at, PASSWORD);
	if (request(b, "/login", post, NULL) != 303)
		bench_fail("signing in did not answer 303:\n%s", b->body);
	bench_say("pages: signed in as an officer");
}

struct page {
	const char *key, *path;
	long n;
};

static void measure(struct bench *b, const struct page *p)
{
	double *us = malloc(sizeof *us * (size_t)p->n);
	for (int i = 0; i < 3; i++)   /* warm-up */
		request(b, p->path, NULL, NULL);
	double cpu0 = bench_cpu_s(b->dash.pid);
	for (long i = 0; i < p->n; i++) {
		long status = request(b, p->path, NULL, &us[i]);
		if (status != 200)
			bench_fail("GET %s answered %ld", p->path, status);
	}
	double cpu = (bench_cpu_s(b->dash.pid) - cpu0) * 1e6 / (double)p->n;
	struct bench_latency l = bench_latency_of(us, (size_t)p->n);
	bench_say("pages: %-9s %-40s p50 %7.0f us  p99 %7.0f us  %8zu B  CPU %6.0f us (%ld)",
		  p->key, p->path, l.p50, l.p99, b->body_len, cpu, p->n);
	char name[64];
	snprintf(name, sizeof name, "%s_p50_us", p->key);
	bench_result(name, "%.0f", l.p50);
	snprintf(name, sizeof name, "%s_p99_us", p->key);
	bench_result(name, "%.0f", l.p99);
	snprintf(name, sizeof name, "%s_bytes", p->key);
	bench_result(name, "%zu", b->body_len);
	snprintf(name, sizeof name, "%s_cpu_us", p->key);
	bench_result(name, "%.0f", cpu);
	free(us);
}

static void bench_pages(struct bench *b)
{
	b->curl = curl_easy_init();
	curl_easy_setopt(b->curl, CURLOPT_COOKIEFILE, "");   /* cookies kept, none read */
	curl_easy_setopt(b->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(b->curl, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(b->curl, CURLOPT_TIMEOUT, 60L);
	sign_in(b);
	long n = b->o.requests;
	/* the pages as an officer reads them, then the baseline on the same connection */
	const struct page pages[] = {
		{"dash_overview", "/", n},
		{"dash_list", "/schools", n},
		{"dash_list_deep", "/schools?page=200", n},
		{"dash_search", "/schools?q=saint", n},
		{"dash_filter", "/schools?category=C", n},
		{"dash_csv", "/schools.csv", n / 4 > 10 ? n / 4 : 10},
		{"dash_static", "/static/govuk-frontend.min.css", n},
	};
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++)
		measure(b, &pages[i]);
	bench_result("dash_requests", "%ld", n);
	bench_result("dash_hwm_kb", "%ld", bench_proc_status_kb(b->dash.pid, "VmHWM"));
	curl_easy_cleanup(b->curl);
	free(b->body);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_dashboard --registry BIN --categoriser BIN --dashboard BIN\n"
			"                       --policy FILE --data DIR --static-dir DIR [--requests 200]\n"
			"DIR holds gen-gias output; --static-dir govuk-frontend's dist/govuk\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bench_cleanup_init();
	struct bench b = {.o = {.requests = 200}};
	static const struct option longopts[] = {
		{"registry", required_argument, NULL, 'r'}, {"categoriser", required_argument, NULL, 'c'},
		{"dashboard", required_argument, NULL, 'D'}, {"policy", required_argument, NULL, 'p'},
		{"data", required_argument, NULL, 'd'},     {"static-dir", required_argument, NULL, 's'},
		{"requests", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
	int opt;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r': b.o.registry = optarg; break;
		case 'c': b.o.categoriser = optarg; break;
		case 'D': b.o.dashboard = optarg; break;
		case 'p': b.o.policy = optarg; break;
		case 'd': b.o.data = optarg; break;
		case 's': b.o.static_dir = optarg; break;
		case 'n': b.o.requests = atol(optarg); break;
		default: usage();
		}
	}
	if (!b.o.registry || !b.o.categoriser || !b.o.dashboard || !b.o.policy || !b.o.data ||
	    !b.o.static_dir || b.o.requests < 10)
		usage();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	b.zctx = zmq_ctx_new();
	bench_setup(&b);
	bench_catchup(&b);
	bench_pages(&b);
	bench_service_stop(&b.dash);
	bench_service_stop(&b.cat);
	bench_service_stop(&b.reg);
	zmq_ctx_term(b.zctx);
	curl_global_cleanup();
	return 0;
}
