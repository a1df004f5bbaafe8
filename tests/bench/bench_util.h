/* bench_util: what the benchmark programs share — a monotonic clock, latency statistics,
 * the `name=value` result lines scripts/bench reads, scratch directories and child
 * processes that are removed and killed however the program ends (normal exit, a failed
 * check, SIGINT/SIGTERM), loopback ports and a minimal HTTP GET for /health and /metrics.
 * Benchmarks print figures; they are never ctest tests. */
#ifndef N2GG_BENCH_UTIL_H
#define N2GG_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Seconds on CLOCK_MONOTONIC. */
double bench_now(void);

/* Progress for people, on stderr. */
void bench_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A figure for scripts/bench, on stdout: one `name=value` line. */
void bench_result(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the reason and exits 1; the exit handler kills children and removes directories. */
void bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

struct bench_latency {
	double p50, p99, mean, min, max;   /* microseconds */
};
/* Sorts `us` (n > 0 samples in microseconds) and summarises it. */
struct bench_latency bench_latency_of(double *us, size_t n);

/* Installs the exit and signal handlers; call first. */
void bench_cleanup_init(void);
/* A fresh directory under $TMPDIR (or /tmp), removed at exit. */
char *bench_tmpdir(const char *prefix);
/* A child process killed at exit (SIGTERM, then SIGKILL) unless reaped before. */
void bench_track_child(pid_t pid);
void bench_untrack_child(pid_t pid);
/* Stops a tracked child: SIGTERM, waits up to timeout_s, then SIGKILL. Returns its exit
 * status as waitpid() gives it. */
int bench_stop_child(pid_t pid, double timeout_s);
/* Waits up to timeout_s for a tracked child to exit by itself, then stops it as above. */
int bench_reap_child(pid_t pid, double timeout_s);

/* CPU time in seconds used so far by every thread of process `pid`: the on-CPU time of
 * /proc/PID/task/TID/schedstat, in nanoseconds, so time spent waiting for a CPU (other
 * load on the machine) is not counted. */
double bench_cpu_s(pid_t pid);

/* A loopback TCP port free at the moment of asking. */
int bench_free_port(void);

/* GET http://host:port/path with a short timeout. Returns the HTTP status (body, malloc'd
 * and NUL-terminated, into *body when non-NULL), or -1 when it cannot connect. */
int bench_http_get(const char *hostport, const char *path, char **body);
/* The value of a Prometheus sample named `name` (the text before '{' or ' ') in `text`,
 * or -1 when absent. */
double bench_metric(const char *text, const char *name);

/* The whole file, malloc'd; bench_fail() when unreadable. */
char *bench_read_file(const char *path, size_t *len);

/* A service binary run as a child on free loopback ports and a scratch data directory,
 * like the integration harness starts them. While one runs, bench_fail() shows the end of
 * the log of the last one started. */
struct bench_service {
	pid_t pid;
	const char *dir;
	char api[64], events[64], http[64];
	char store[512], log[512];
};
/* Starts `binary` with the common options plus `extra_args` (NULL-terminated, may be NULL)
 * and waits until /health answers. Services run with CURVE, each with a certificate of its
 * own, all made for this run (N2GG_BENCH_PLAINTEXT=yes: plaintext, for comparison). */
void bench_service_start(struct bench_service *s, const char *binary, const char *label,
			 const char *const *extra_args);
/* The benchmark's own CURVE identity (an admin), or plaintext. */
struct curve;
const struct curve *bench_curve(void);
/* Makes `socket` a CURVE client of the service started with API or events `endpoint`. */
void bench_secure(void *socket, const char *endpoint);
/* The service ("registry") listening on `endpoint`, for its public key. */
const char *bench_service_name(const char *endpoint);
/* SIGTERM; bench_fail() unless it exits 0. */
void bench_service_stop(struct bench_service *s);
/* GET /metrics, malloc'd; bench_fail() when it does not answer. */
char *bench_service_metrics(const struct bench_service *s);
/* One sample of its /metrics; bench_fail() when the service does not report it. */
double bench_service_metric(const struct bench_service *s, const char *name);

/* A line of /proc/PID/status in kB (VmHWM, VmRSS), -1 when absent. */
long bench_proc_status_kb(pid_t pid, const char *field);

/* A small deterministic PRNG (xorshift64*), so runs pick the same URNs. */
uint64_t bench_rand(uint64_t *state);

#endif
