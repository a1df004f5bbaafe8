/* bench_util: clock, statistics, cleanup, CPU time, ports and HTTP for the benchmarks (see
 * bench_util.h). */
#include "bench_util.h"

#include "cert.h"
#include "curve.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BENCH_MAX_TRACKED 16
#define BENCH_PATH_MAX 512

/* Plain arrays, so the signal handler can walk them without allocating. */
static pid_t tracked_children[BENCH_MAX_TRACKED];
static char tracked_dirs[BENCH_MAX_TRACKED][BENCH_PATH_MAX];
static int tracked_dir_count;
/* Forked helpers (echo and PUB servers) inherit the handlers: only the process that
 * installed them cleans up. */
static pid_t owner_pid;
static volatile sig_atomic_t cleaning;

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void bench_result(const char *name, const char *fmt, ...)
{
	va_list ap;
	printf("%s=", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* The service whose log a failure shows. */
static const struct bench_service *bench_current_service;

static void bench_show_log_tail(const struct bench_service *s)
{
	FILE *f = fopen(s->log, "r");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, size > 4000 ? size - 4000 : 0, SEEK_SET);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	fprintf(stderr, "---- end of %s ----\n%s----\n", s->log, buf);
}

void bench_fail(const char *fmt, ...)
{
	va_list ap;
	if (bench_current_service)
		bench_show_log_tail(bench_current_service);
	fputs("bench: FAILED: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples. */
static double percentile(const double *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p * (double)n);
	return sorted[rank ? rank - 1 : 0];
}

struct bench_latency bench_latency_of(double *us, size_t n)
{
	qsort(us, n, sizeof *us, cmp_double);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += us[i];
	return (struct bench_latency){percentile(us, n, 0.50), percentile(us, n, 0.99),
				      sum / (double)n, us[0], us[n - 1]};
}

/* ---- cleanup ---- */

/* Removes a tree with plain system calls only (open, getdents64, unlink, rmdir), so the
 * signal handler may use it too. `path` is a buffer of BENCH_PATH_MAX it may append to. */
static void rm_tree(char *path, int depth)
{
	size_t len = strlen(path);
	for (int pass = 0; pass < 3; pass++) {
		int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			unlink(path);
			return;
		}
		char buf[4096];
		long n;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (long off = 0; off < n;) {
				struct dirent64 *d = (struct dirent64 *)(buf + off);
				off += d->d_reclen;
				const char *name = d->d_name;
				if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
					continue;
				size_t nlen = strlen(name);
				if (len + 1 + nlen >= BENCH_PATH_MAX)
					continue;
				path[len] = '/';
				memcpy(path + len + 1, name, nlen + 1);
				if (d->d_type == DT_DIR && depth < 8)
					rm_tree(path, depth + 1);
				else
					unlink(path);
				path[len] = '\0';
			}
		}
		close(fd);
		if (rmdir(path) == 0 || errno != ENOTEMPTY)
			return;
	}
}

static void remove_dirs(void)
{
	char path[BENCH_PATH_MAX];
	for (int i = tracked_dir_count - 1; i >= 0; i--) {
		memcpy(path, tracked_dirs[i], BENCH_PATH_MAX);
		rm_tree(path, 0);
	}
	tracked_dir_count = 0;
}

static void on_exit_cleanup(void)
{
	if (getpid() != owner_pid || cleaning)
		return;
	cleaning = 1;
	for (int i = 0; i < BENCH_MAX_TRACKED; i++)
		if (tracked_children[i] > 0)
			bench_stop_child(tracked_children[i], 5.0);
	remove_dirs();
}

static void on_signal(int sig)
{
	if (getpid() == owner_pid && !cleaning) {
		cleaning = 1;
		for (int i = 0; i < BENCH_MAX_TRACKED; i++)
			if (tracked_children[i] > 0) {
				kill(tracked_children[i], SIGKILL);
				waitpid(tracked_children[i], NULL, 0);
			}
		remove_dirs();
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void bench_cleanup_init(void)
{
	owner_pid = getpid();
	atexit(on_exit_cleanup);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

char *bench_tmpdir(const char *prefix)
{
	const char *base = getenv("TMPDIR");
	if (!base || !base[0])
		base = "/tmp";
	if (tracked_dir_count == BENCH_MAX_TRACKED)
		bench_fail("too many scratch directories");
	char *slot = tracked_dirs[tracked_dir_count];
	int n = snprintf(slot, BENCH_PATH_MAX, "%s/%s-XXXXXX", base, prefix);
	if (n < 0 || n >= BENCH_PATH_MAX - 64)
		bench_fail("TMPDIR path too long: %s", base);
	if (!mkdtemp(slot))
		bench_fail("cannot create a scratch directory under %s: %s", base, strerror(errno));
	tracked_dir_count++;
	return slot;
}

void bench_track_child(pid_t pid)
{
	for (int i = 0; i < BENCH_MAX_TRACKED; i++)
		if (tracked_children[i] <= 0) {
			tracked_children[i] = pid;
			return;
		}
	kill(pid, SIGKILL);
	bench_fail("too many child processes");
}

void bench_untrack_child(pid_t pid)
{
	for (int i = 0; i < BENCH_MAX_TRACKED; i++)
		if (tracked_children[i] == pid)
			tracked_children[i] = 0;
}

int bench_stop_child(pid_t pid, double timeout_s)
{
	int status = 0;
	kill(pid, SIGTERM);
	double deadline = bench_now() + timeout_s;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))
			break;
		if (bench_now() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	bench_untrack_child(pid);
	return status;
}

int bench_reap_child(pid_t pid, double timeout_s)
{
	int status = 0;
	double deadline = bench_now() + timeout_s;
	while (bench_now() < deadline) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD)) {
			bench_untrack_child(pid);
			return status;
		}
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
	}
	return bench_stop_child(pid, 5);
}

double bench_cpu_s(pid_t pid)
{
	char path[96];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		bench_fail("cannot read %s: %s", path, strerror(errno));
	double ns = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char stat[128];
		snprintf(stat, sizeof stat, "/proc/%d/task/%.16s/schedstat", (int)pid, e->d_name);
		FILE *f = fopen(stat, "r");
		unsigned long long on_cpu;
		if (!f)
			continue;   /* the thread just ended */
		if (fscanf(f, "%llu", &on_cpu) == 1)
			ns += (double)on_cpu;
		fclose(f);
	}
	closedir(d);
	return ns * 1e-9;
}

/* ---- network ---- */

int bench_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		bench_fail("cannot find a free port: %s", strerror(errno));
	close(fd);
	return ntohs(a.sin_port);
}

int bench_http_get(const char *hostport, const char *path, char **body)
{
	char host[64];
	const char *colon = strrchr(hostport, ':');
	if (!colon || (size_t)(colon - hostport) >= sizeof host)
		bench_fail("bad HTTP address %s", hostport);
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = '\0';
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)atoi(colon + 1))};
	inet_pton(AF_INET, host, &a.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {5, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	char req[512];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, hostport);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap);
	for (;;) {
		if (len + 1 == cap && !(buf = realloc(buf, cap *= 2)))
			bench_fail("out of memory reading %s%s", hostport, path);
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	int status = -1;
	if (sscanf(buf, "HTTP/%*s %d", &status) != 1)
		status = -1;
	if (body) {
		char *start = strstr(buf, "\r\n\r\n");
		*body = strdup(start ? start + 4 : "");
	}
	free(buf);
	return status;
}

double bench_metric(const char *text, const char *name)
{
	size_t nlen = strlen(name);
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		if (strncmp(line, name, nlen) != 0 || (line[nlen] != '{' && line[nlen] != ' ')) {
			line = end ? end + 1 : NULL;
			continue;
		}
		const char *sp = end ? end : line + strlen(line);
		while (sp > line && sp[-1] != ' ')
			sp--;
		return strtod(sp, NULL);
	}
	return -1;
}

char *bench_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		bench_fail("cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = malloc((size_t)size + 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size)
		bench_fail("cannot read %s", path);
	fclose(f);
	data[size] = '\0';
	*len = (size_t)size;
	return data;
}

uint64_t bench_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* ---- CURVE ---- */

static struct curve bench_curve_state;
static char bench_keys_dir[512];
static struct {
	char endpoint[64];
	char name[32];
} bench_endpoints[64];
static size_t bench_endpoint_count;

/* One certificate per service and one for the benchmark, all authorised everywhere. */
const struct curve *bench_curve(void)
{
	if (bench_keys_dir[0])
		return &bench_curve_state;
	const char *plain = getenv("N2GG_BENCH_PLAINTEXT");
	bool plaintext = plain && strcmp(plain, "yes") == 0;
	snprintf(bench_keys_dir, sizeof bench_keys_dir, "%s", bench_tmpdir("n2gg-bench-keys"));
	struct status st;
	if (plaintext) {
		curve_init(&bench_curve_state, true, NULL, bench_keys_dir, &st);
		return &bench_curve_state;
	}
	char authorized[600], path[700];
	snprintf(authorized, sizeof authorized, "%s/authorized", bench_keys_dir);
	/* each with its roles as deployed (the dashboard reads the logs and forwards actions) */
	static const char *const names[][2] = {
		{"registry", "service"}, {"categoriser", "service"}, {"scheduler", "service"},
		{"notifier", "service"}, {"dashboard", "service,gateway"}, {"bench", "admin"}};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		struct cert c;
		if (cert_generate(bench_keys_dir, names[i][0], names[i][1], &c, &st) < 0 ||
		    cert_generate(authorized, names[i][0], names[i][1], &c, &st) < 0)
			bench_fail("keys: %s", st.message);
		/* the authorised copy must be the same key: copy the public file over */
		char src[700];
		snprintf(src, sizeof src, "%s/%s.key", bench_keys_dir, names[i][0]);
		snprintf(path, sizeof path, "%s/%s.key", authorized, names[i][0]);
		size_t len;
		char *text = bench_read_file(src, &len);
		FILE *f = fopen(path, "w");
		if (!text || !f || fwrite(text, 1, len, f) != len)
			bench_fail("cannot copy %s", src);
		fclose(f);
		free(text);
		snprintf(path, sizeof path, "%s/%s.key_secret", authorized, names[i][0]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/bench.key_secret", bench_keys_dir);
	if (curve_init(&bench_curve_state, false, path, bench_keys_dir, &st) < 0)
		bench_fail("keys: %s", st.message);
	return &bench_curve_state;
}

const char *bench_service_name(const char *endpoint)
{
	for (size_t i = 0; i < bench_endpoint_count; i++)
		if (strcmp(bench_endpoints[i].endpoint, endpoint) == 0)
			return bench_endpoints[i].name;
	bench_fail("no service started on %s", endpoint);
	return NULL;
}

void bench_secure(void *socket, const char *endpoint)
{
	const struct curve *c = bench_curve();
	if (c->plaintext)
		return;
	uint8_t key[CERT_KEY_BYTES];
	struct status st;
	if (curve_server_key(c, bench_service_name(endpoint), key, &st) < 0 ||
	    curve_client(c, socket, key, &st) < 0)
		bench_fail("%s", st.message);
}

static void bench_remember(const char *endpoint, const char *name)
{
	if (bench_endpoint_count == sizeof bench_endpoints / sizeof *bench_endpoints)
		bench_endpoint_count = 0;   /* old services are gone by now */
	snprintf(bench_endpoints[bench_endpoint_count].endpoint, sizeof bench_endpoints[0].endpoint,
		 "%s", endpoint);
	snprintf(bench_endpoints[bench_endpoint_count].name, sizeof bench_endpoints[0].name, "%s",
		 name);
	bench_endpoint_count++;
}

/* ---- service processes ---- */

void bench_service_start(struct bench_service *s, const char *binary, const char *label,
			 const char *const *extra_args)
{
	memset(s, 0, sizeof *s);
	char prefix[64];
	snprintf(prefix, sizeof prefix, "n2gg-bench-%s", label);
	s->dir = bench_tmpdir(prefix);
	snprintf(s->api, sizeof s->api, "tcp://127.0.0.1:%d", bench_free_port());
	snprintf(s->events, sizeof s->events, "tcp://127.0.0.1:%d", bench_free_port());
	snprintf(s->http, sizeof s->http, "127.0.0.1:%d", bench_free_port());
	snprintf(s->store, sizeof s->store, "%s/store", s->dir);
	snprintf(s->log, sizeof s->log, "%s/%s.log", s->dir, label);
	const char *argv[40] = {binary, "--api", s->api, "--events", s->events, "--http", s->http,
				"--data-dir", s->store, "--heartbeat-ms", "200"};
	size_t argc = 11;
	/* the service's name is its binary's: n2gg-NAME */
	const char *base = strrchr(binary, '/');
	base = base ? base + 1 : binary;
	const char *name = strncmp(base, "n2gg-", 5) == 0 ? base + 5 : base;
	bench_remember(s->api, name);
	bench_remember(s->events, name);
	const struct curve *curve = bench_curve();
	char cert[700], authorized[600];
	snprintf(cert, sizeof cert, "%s/%s.key_secret", bench_keys_dir, name);
	snprintf(authorized, sizeof authorized, "%s/authorized", bench_keys_dir);
	if (curve->plaintext) {
		argv[argc++] = "--insecure-plaintext";
		argv[argc++] = "yes";
	} else {
		const char *sec[] = {"--cert", cert, "--authorized-keys", authorized, "--keys",
				     bench_keys_dir};
		for (size_t i = 0; i < 6; i++)
			argv[argc++] = sec[i];
	}
	for (size_t i = 0; extra_args && extra_args[i]; i++) {
		if (argc + 1 >= sizeof argv / sizeof argv[0])
			bench_fail("too many arguments for %s", binary);
		argv[argc++] = extra_args[i];
	}
	argv[argc] = NULL;
	pid_t parent = getpid();
	int logfd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0)
		bench_fail("cannot create %s: %s", s->log, strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		bench_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		/* dies with the benchmark even if that is killed with SIGKILL */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		dup2(logfd, 1);
		dup2(logfd, 2);
		execv(binary, (char *const *)argv);   /* cert paths are copied by exec */
		_exit(127);
	}
	close(logfd);
	s->pid = pid;
	bench_track_child(pid);
	bench_current_service = s;
	double deadline = bench_now() + 15;
	while (bench_http_get(s->http, "/health", NULL) != 200) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			bench_untrack_child(pid);
			bench_fail("%s exited (status %d) before becoming healthy", binary, status);
		}
		if (bench_now() > deadline)
			bench_fail("%s did not become healthy in 15 s", binary);
		usleep(20 * 1000);
	}
}

void bench_service_stop(struct bench_service *s)
{
	int status = bench_stop_child(s->pid, 30);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bench_fail("%s did not stop cleanly on SIGTERM (status %d)", s->log, status);
	s->pid = 0;
	if (bench_current_service == s)
		bench_current_service = NULL;
}

char *bench_service_metrics(const struct bench_service *s)
{
	char *body;
	if (bench_http_get(s->http, "/metrics", &body) != 200)
		bench_fail("GET http://%s/metrics failed", s->http);
	return body;
}

double bench_service_metric(const struct bench_service *s, const char *name)
{
	char *m = bench_service_metrics(s);
	double v = bench_metric(m, name);
	free(m);
	if (v < 0)
		bench_fail("no %s in %s's /metrics", name, s->log);
	return v;
}

long bench_proc_status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		bench_fail("cannot read %s", path);
	long kb = -1;
	size_t flen = strlen(field);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, flen) == 0 && line[flen] == ':')
			kb = strtol(line + flen + 1, NULL, 10);
	fclose(f);
	return kb;
}
