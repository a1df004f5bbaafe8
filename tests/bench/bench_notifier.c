/* bench_notifier: measures the real n2gg-notifier behind the real n2gg-registry and
 * n2gg-categoriser, from outside, on a national-shaped data set (gen-gias: GIAS of every LA
 * and contacts, so every open school has a headteacher and a chair of governors with an
 * address), each figure next to a baseline measured in the same run:
 *   setup     the registry imports edubasealldata.csv (all LAs) and contacts.csv; a
 *             categoriser (--as-of 2013-11-15) catches up and categorises every open school
 *             once (one category.changed each); the category.changed events are counted;
 *   maildir   a notifier (--channel maildir) starts from nothing: it follows the registry,
 *             then the categoriser, records one category letter notice per change with a
 *             delivery per recipient, renders, composes and writes each letter to the mail
 *             directory (tmp file, fsync, rename into place, directory fsync). From its start
 *             until every delivery is done: notices/s, letters/s, peak RSS (VmHWM, read just
 *             before it stops), CPU, the mail directory's size;
 *   raw-maildir  the baseline: the same number of files of the same average size written
 *             into a fresh directory the way the channel writes them (stat, O_EXCL tmp file,
 *             write, fsync, close, renameat2 RENAME_NOREPLACE or link + unlink, fsync of the
 *             directory), by 4 threads like the notifier's 4 lanes;
 *   smtp      a second notifier (fresh data directory, --channel smtp, no TLS) over the same
 *             upstream, sending to a minimal SMTP sink in this process (a poll loop on its
 *             own thread: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) that counts messages
 *             and distinct Message-IDs: messages/s, and that the sink saw each Message-ID
 *             exactly once;
 *   raw-smtp  the baseline: the same number of messages of the same average size sent to the
 *             same sink with the notifier's own channel_smtp_send() (one libcurl easy handle
 *             per message, as the channel does) from 4 threads like the lanes.
 * A notifier is done when its registry and categoriser cursors are at their heads (a notice
 * is recorded in the transaction that moves the cursor) and its queue of pending deliveries
 * is empty (a delivery leaves it in the transaction that records it sent). The counts are
 * then taken from its own event log (notice.created, notice.delivered, notice.no_address,
 * notice.dead, read with ReadEvents), which must show one notice per category.changed and
 * two deliveries each; its /metrics counters are only compared with that, and a difference
 * is reported (they count work in transactions that were aborted and tried again when the
 * store's map grew). The notifier's memory is set against the categoriser's peak RSS in the
 * same run (the same schools, the same upstream). Figures go to stdout as name=value lines
 * for scripts/bench; progress to stderr. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "bench_rpc.h"
#include "bench_util.h"
#include "channel.h"
#include "client.h"
#include "n2gg/v1/common.pb-c.h"
#include "n2gg/v1/registry.pb-c.h"

#define CHANGED_TOPIC "category.changed"
#define LANES 4
#define AS_OF "2013-11-15"
#define MAIL_FROM "school.improvement@norfolk.gov.uk"

struct options {
	const char *registry, *categoriser, *notifier, *data;
	const char *batch;
	bool maildir, smtp;
	double timeout_s;
};

struct bench {
	struct options o;
	void *zctx;
	struct bench_service reg, cat;
	long changed;                /* category.changed events the categoriser published */
	char unused[64];             /* an endpoint nothing listens on: the scheduler's */
};

/* ---- talking to the services ---- */

static uint64_t head_of(struct bench *b, const char *api)
{
	struct arena a;
	arena_init(&a);
	N2gg__V1__HealthRequest req = N2GG__V1__HEALTH_REQUEST__INIT;
	N2gg__V1__HealthReply *h = bench_call(b->zctx, api, "Health", &req.base,
					      &n2gg__v1__health_reply__descriptor, &a, 5000);
	uint64_t head = h->head_seq;
	arena_free(&a);
	return head;
}

/* CPU seconds of this process, threads that have ended included (unlike bench_cpu_s()). */
static double self_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* ---- setup: registry, categoriser ---- */

static void import(struct bench *b, const char *method, const char *file)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", b->o.data, file);
	size_t len;
	char *data = bench_read_file(path, &len);
	N2gg__V1__ImportRequest req = N2GG__V1__IMPORT_REQUEST__INIT;
	req.data.data = (uint8_t *)data;
	req.data.len = len;
	req.file_name = (char *)file;
	req.la_code = 0;   /* every LA */
	struct arena a;
	arena_init(&a);
	double t0 = bench_now();
	N2gg__V1__ImportReply *rep = bench_call(b->zctx, b->reg.api, method, &req.base,
						&n2gg__v1__import_reply__descriptor, &a, 600000);
	bench_say("  %s: %u created, %u updated, %u rejected in %.2f s", file, rep->created,
		  rep->updated, rep->rejected, bench_now() - t0);
	arena_free(&a);
	free(data);
}

/* Counts the events of a service's log whose topic is one of `topics` (NULL-terminated),
 * read back with ReadEvents: counts[i] for topics[i]. */
static void count_topics(struct bench *b, const char *api, const char *const *topics,
			 long *counts)
{
	uint64_t after = 0;
	for (size_t t = 0; topics[t]; t++)
		counts[t] = 0;
	for (;;) {
		struct arena a;
		arena_init(&a);
		N2gg__V1__ReadEventsRequest req = N2GG__V1__READ_EVENTS_REQUEST__INIT;
		req.after_seq = after;
		req.max = 5000;
		N2gg__V1__ReadEventsReply *rep = bench_call(
			b->zctx, api, "ReadEvents", &req.base, &n2gg__v1__read_events_reply__descriptor,
			&a, 60000);
		size_t n = rep->n_events;
		for (size_t i = 0; i < n; i++) {
			for (size_t t = 0; topics[t]; t++)
				counts[t] += strcmp(rep->events[i]->topic, topics[t]) == 0;
			after = rep->events[i]->seq;
		}
		uint64_t head = rep->head_seq;
		arena_free(&a);
		if (n == 0 || after >= head)
			break;
	}
}

static void bench_setup(struct bench *b)
{
	bench_service_start(&b->reg, b->o.registry, "registry", NULL);
	bench_say("setup: importing %s (GIAS of every LA, contacts)", b->o.data);
	import(b, "ImportGias", "edubasealldata.csv");
	import(b, "ImportContacts", "contacts.csv");
	uint64_t head = head_of(b, b->reg.api);

	const char *args[] = {"--registry", b->reg.api, "--registry-events", b->reg.events,
			      "--as-of", AS_OF, NULL};
	double t0 = bench_now();
	bench_service_start(&b->cat, b->o.categoriser, "categoriser", args);
	double deadline = t0 + b->o.timeout_s;
	while (bench_service_metric(&b->cat, "n2gg_categoriser_registry_cursor") < (double)head) {
		if (bench_now() > deadline)
			bench_fail("the categoriser did not reach registry event %llu",
				   (unsigned long long)head);
		usleep(20 * 1000);
	}
	/* its events commit with its cursor, so its head is final by now; make sure */
	uint64_t cat_head = head_of(b, b->cat.api), again;
	for (;;) {
		usleep(300 * 1000);
		if ((again = head_of(b, b->cat.api)) == cat_head)
			break;
		cat_head = again;
		if (bench_now() > deadline)
			bench_fail("the categoriser's event count does not settle");
	}
	static const char *const topics[] = {CHANGED_TOPIC, NULL};
	count_topics(b, b->cat.api, topics, &b->changed);
	long cat_hwm = bench_proc_status_kb(b->cat.pid, "VmHWM");
	bench_say("setup: the categoriser applied %llu registry events and published %llu events "
		  "(%ld category.changed) in %.2f s; its peak RSS %.1f MiB",
		  (unsigned long long)head, (unsigned long long)cat_head, b->changed,
		  bench_now() - t0, (double)cat_hwm / 1024);
	if (b->changed <= 0)
		bench_fail("the categoriser published no category.changed");
	bench_result("ntf_registry_events", "%llu", (unsigned long long)head);
	bench_result("ntf_category_changed", "%ld", b->changed);
	bench_result("ntf_categoriser_hwm_kb", "%ld", cat_hwm);
	snprintf(b->unused, sizeof b->unused, "tcp://127.0.0.1:%d", bench_free_port());
}

/* ---- one notifier run ---- */

struct ntf_run {
	double seconds;              /* from its start until every delivery is done */
	double notices_s;            /* from its start until every notice was recorded */
	/* from its own event log (what it committed) */
	long notices, updated, sent, no_address, dead;
	/* from its /metrics */
	double m_notices, m_deliveries, m_sent, m_no_address, duplicates, transient, batches;
	double map_bytes;
	double batch_ms;             /* mean n2gg_notifier_last_batch_seconds, in ms, of batches seen */
	double cpu_s;
	long hwm_kb;
	long long store_bytes;
};

/* Starts a notifier and waits until it has done everything: it has applied the registry's
 * and the categoriser's every event (a notice is recorded in the transaction that moves the
 * cursor) and its queue of pending deliveries is empty (a delivery leaves it in the
 * transaction that records it sent). The counts are then checked against its event log. */
static void run_notifier(struct bench *b, struct bench_service *ntf, const char *label,
			 const char *const *channel_args, struct ntf_run *r)
{
	/* --name=value: one argument each, as bench_service_start() takes at most 20 */
	static char opts[8][160];
	const char *args[20];
	size_t argc = 0;
	const char *names[] = {"registry", "registry-events", "categoriser", "categoriser-events",
			       "scheduler", "scheduler-events", "as-of", "batch"};
	const char *values[] = {b->reg.api, b->reg.events, b->cat.api, b->cat.events,
				b->unused, b->unused, AS_OF, b->o.batch};
	for (size_t i = 0; i < 8; i++) {
		snprintf(opts[i], sizeof opts[i], "--%s=%.100s", names[i], values[i]);
		args[argc++] = opts[i];
	}
	for (size_t i = 0; channel_args[i] && argc + 1 < sizeof args / sizeof args[0]; i++)
		args[argc++] = channel_args[i];
	args[argc] = NULL;
	uint64_t reg_head = head_of(b, b->reg.api), cat_head = head_of(b, b->cat.api);
	memset(r, 0, sizeof *r);
	double t0 = bench_now(), deadline = t0 + b->o.timeout_s, last_say = t0;
	double seen_batches = 0, batch_ms_sum = 0, batch_ms_n = 0;
	bench_service_start(ntf, b->o.notifier, label, args);
	for (;;) {
		char *m = bench_service_metrics(ntf);
		double now = bench_now();
		double reg_cur = bench_metric(m, "n2gg_notifier_registry_cursor");
		double cat_cur = bench_metric(m, "n2gg_notifier_categoriser_cursor");
		double queue = bench_metric(m, "n2gg_notifier_queue");
		r->m_notices = bench_metric(m, "n2gg_notifier_notices_total");
		r->m_deliveries = bench_metric(m, "n2gg_notifier_deliveries_total");
		r->m_sent = bench_metric(m, "n2gg_notifier_sent_total");
		r->m_no_address = bench_metric(m, "n2gg_notifier_no_address_total");
		r->duplicates = bench_metric(m, "n2gg_notifier_duplicates_total");
		r->transient = bench_metric(m, "n2gg_notifier_transient_failures_total");
		r->batches = bench_metric(m, "n2gg_notifier_batches_total");
		r->map_bytes = bench_metric(m, "n2gg_store_map_bytes");
		double batch_ms = bench_metric(m, "n2gg_notifier_last_batch_seconds") * 1000.0;
		free(m);
		if (r->batches > seen_batches) {
			seen_batches = r->batches;
			batch_ms_sum += batch_ms;
			batch_ms_n++;
		}
		if (queue < 0 || r->m_sent < 0 || cat_cur < 0)
			bench_fail("%s: /metrics lacks the notifier's figures", label);
		bool recorded = reg_cur >= (double)reg_head && cat_cur >= (double)cat_head;
		if (recorded && !r->notices_s)
			r->notices_s = now - t0;
		if (recorded && queue == 0) {
			r->seconds = now - t0;
			break;
		}
		if (now > deadline)
			bench_fail("%s: not done in %.0f s: registry %.0f/%llu, categoriser %.0f/%llu, "
				   "%.0f notices, %.0f deliveries, %.0f sent, queue %.0f",
				   label, b->o.timeout_s, reg_cur, (unsigned long long)reg_head,
				   cat_cur, (unsigned long long)cat_head, r->m_notices,
				   r->m_deliveries, r->m_sent, queue);
		if (now - last_say > 5) {
			bench_say("  %s after %.0f s: registry %.0f/%llu, categoriser %.0f/%llu, "
				  "%.0f sent, queue %.0f", label, now - t0, reg_cur,
				  (unsigned long long)reg_head, cat_cur, (unsigned long long)cat_head,
				  r->m_sent, queue);
			last_say = now;
		}
		usleep(10 * 1000);
	}
	r->batch_ms = batch_ms_n ? batch_ms_sum / batch_ms_n : 0;
	r->hwm_kb = bench_proc_status_kb(ntf->pid, "VmHWM");
	r->cpu_s = bench_cpu_s(ntf->pid);
	static const char *const topics[] = {"notice.created", "notice.updated", "notice.delivered",
					     "notice.no_address", "notice.dead", NULL};
	long counts[5];
	count_topics(b, ntf->api, topics, counts);
	r->notices = counts[0];
	r->updated = counts[1];
	r->sent = counts[2];
	r->no_address = counts[3];
	r->dead = counts[4];
	char path[600];
	snprintf(path, sizeof path, "%s/data.mdb", ntf->store);
	r->store_bytes = file_size(path);
	bench_service_stop(ntf);
	bench_say("%s: %ld notices, %ld letters sent (%ld without an address, %ld dead) in %.2f s "
		  "(every notice recorded at %.2f s); %.0f batches (%.0f ms each), %.0f transient "
		  "failures; CPU %.2f s; peak RSS %.1f MiB; store %.1f MiB (map %.0f MiB)", label,
		  r->notices, r->sent, r->no_address, r->dead, r->seconds, r->notices_s, r->batches,
		  r->batch_ms, r->transient, r->cpu_s, (double)r->hwm_kb / 1024,
		  (double)r->store_bytes / 1048576, r->map_bytes / 1048576);
	if (r->m_notices != (double)r->notices || r->m_sent != (double)r->sent ||
	    r->m_no_address != (double)r->no_address)
		bench_say("%s: NOTE /metrics disagrees with the event log: notices_total %.0f (log "
			  "%ld), deliveries_total %.0f, sent_total %.0f (log %ld), no_address_total "
			  "%.0f (log %ld)", label, r->m_notices, r->notices, r->m_deliveries,
			  r->m_sent, r->sent, r->m_no_address, r->no_address);
	if (r->notices != b->changed || r->updated)
		bench_fail("%s: %ld notices (%ld rewritten) for %ld category.changed", label,
			   r->notices, r->updated, b->changed);
	if (r->dead > 0 || r->duplicates > 0 || r->sent + r->no_address != 2 * r->notices)
		bench_fail("%s: %ld sent + %ld without an address for %ld notices of two recipients; "
			   "%ld dead, %.0f duplicates", label, r->sent, r->no_address, r->notices,
			   r->dead, r->duplicates);
}

/* ---- maildir ---- */

struct dir_stats {
	long files, tmp;
	long long bytes;
	char sample[600];            /* one letter's path */
};

static void dir_walk(const char *dir, struct dir_stats *ds)
{
	memset(ds, 0, sizeof *ds);
	DIR *d = opendir(dir);
	if (!d)
		bench_fail("cannot read %s: %s", dir, strerror(errno));
	struct dirent *e;
	int dfd = dirfd(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
			continue;
		size_t len = strlen(e->d_name);
		struct stat sb;
		if (fstatat(dfd, e->d_name, &sb, 0) != 0)
			continue;
		if (len > 4 && strcmp(e->d_name + len - 4, ".tmp") == 0) {
			ds->tmp++;
			continue;
		}
		ds->files++;
		ds->bytes += sb.st_size;
		if (!ds->sample[0])
			snprintf(ds->sample, sizeof ds->sample, "%s/%.400s", dir, e->d_name);
	}
	closedir(d);
}

static void bench_maildir(struct bench *b, long *letters, long *letter_bytes, char **sample)
{
	struct bench_service ntf;
	struct ntf_run r;
	const char *args[] = {"--channel=maildir", NULL};
	bench_say("maildir: a notifier writes every category letter to its mail directory");
	run_notifier(b, &ntf, "notifier-maildir", args, &r);
	char dir[600];
	snprintf(dir, sizeof dir, "%s/maildir", ntf.store);
	struct dir_stats ds;
	dir_walk(dir, &ds);
	if (ds.files != r.sent || ds.tmp)
		bench_fail("maildir: %ld letters and %ld tmp files for %ld sent", ds.files, ds.tmp,
			   r.sent);
	size_t len;
	*sample = bench_read_file(ds.sample, &len);
	*letters = ds.files;
	*letter_bytes = (long)(ds.bytes / ds.files);
	bench_say("maildir: %.0f notices/s, %.0f letters/s; %ld letters, %.1f MiB, %ld B each",
		  (double)r.notices / r.seconds, (double)r.sent / r.seconds, ds.files, (double)ds.bytes / 1048576,
		  *letter_bytes);
	bench_result("ntf_notices", "%ld", r.notices);
	bench_result("ntf_letters", "%ld", r.sent);
	bench_result("ntf_no_address", "%ld", r.no_address);
	bench_result("ntf_maildir_s", "%.3f", r.seconds);
	bench_result("ntf_notices_recorded_s", "%.3f", r.notices_s);
	bench_result("ntf_notices_per_s", "%.1f", (double)r.notices / r.seconds);
	bench_result("ntf_letters_per_s", "%.1f", (double)r.sent / r.seconds);
	bench_result("ntf_map_bytes", "%.0f", r.map_bytes);
	bench_result("ntf_metrics_notices", "%.0f", r.m_notices);
	bench_result("ntf_hwm_kb", "%ld", r.hwm_kb);
	bench_result("ntf_store_bytes", "%lld", r.store_bytes);
	bench_result("ntf_maildir_bytes", "%lld", ds.bytes);
	bench_result("ntf_letter_bytes", "%ld", *letter_bytes);
	bench_result("ntf_cpu_s", "%.3f", r.cpu_s);
	bench_result("ntf_cpu_us_per_letter", "%.1f", r.cpu_s * 1e6 / (double)r.sent);
	bench_result("ntf_batches", "%.0f", r.batches);
	bench_result("ntf_batch_ms", "%.1f", r.batch_ms);
}

/* the baseline: files written the way channel_maildir_send() writes them */
struct raw_lane {
	pthread_t thread;
	const char *dir;
	const char *data;
	size_t len;
	long from, to;
	int err;
};

static void raw_key(long i, char key[65])
{
	uint64_t s = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
	for (int w = 0; w < 4; w++)
		snprintf(key + 16 * w, 17, "%016llx", (unsigned long long)bench_rand(&s));
}

static void *raw_maildir_lane(void *arg)
{
	struct raw_lane *l = arg;
	for (long i = l->from; i < l->to; i++) {
		char key[65], path[700], tmp[760];
		raw_key(i, key);
		snprintf(path, sizeof path, "%s/%s.eml", l->dir, key);
		snprintf(tmp, sizeof tmp, "%s/.%s.eml.%ld.%ld.tmp", l->dir, key, (long)getpid(), i);
		struct stat sb;
		if (stat(path, &sb) == 0) {
			l->err = EEXIST;
			return NULL;
		}
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd < 0) {
			l->err = errno;
			return NULL;
		}
		size_t off = 0;
		while (off < l->len) {
			ssize_t n = write(fd, l->data + off, l->len - off);
			if (n < 0) {
				l->err = errno;
				close(fd);
				return NULL;
			}
			off += (size_t)n;
		}
		if (fsync(fd) != 0 || close(fd) != 0) {
			l->err = errno;
			return NULL;
		}
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) != 0) {
			if ((errno != EINVAL && errno != ENOSYS) || link(tmp, path) != 0) {
				l->err = errno;
				return NULL;
			}
			unlink(tmp);
		}
		int dfd = open(l->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	return NULL;
}

static void raw_maildir(long letters, long letter_bytes, const char *sample)
{
	const char *dir = bench_tmpdir("n2gg-bench-rawmaildir");
	/* a real letter, repeated or cut to the average size */
	char *data = malloc((size_t)letter_bytes);
	size_t slen = strlen(sample);
	for (long i = 0; i < letter_bytes; i++)
		data[i] = sample[(size_t)i % slen];
	struct raw_lane lanes[LANES];
	long per = (letters + LANES - 1) / LANES;
	double cpu0 = self_cpu_s(), t0 = bench_now();
	for (int i = 0; i < LANES; i++) {
		lanes[i] = (struct raw_lane){.dir = dir, .data = data, .len = (size_t)letter_bytes};
		lanes[i].from = i * per < letters ? i * per : letters;
		lanes[i].to = lanes[i].from + per < letters ? lanes[i].from + per : letters;
		pthread_create(&lanes[i].thread, NULL, raw_maildir_lane, &lanes[i]);
	}
	for (int i = 0; i < LANES; i++) {
		pthread_join(lanes[i].thread, NULL);
		if (lanes[i].err)
			bench_fail("raw maildir: %s", strerror(lanes[i].err));
	}
	double t = bench_now() - t0, cpu = self_cpu_s() - cpu0;
	struct dir_stats ds;
	dir_walk(dir, &ds);
	if (ds.files != letters || ds.tmp)
		bench_fail("raw maildir: %ld files, %ld tmp, for %ld", ds.files, ds.tmp, letters);
	bench_say("raw maildir: %ld files of %ld B by %d threads in %.2f s = %.0f/s (CPU %.1f us "
		  "each)", letters, letter_bytes, LANES, t, (double)letters / t,
		  cpu * 1e6 / (double)letters);
	bench_result("raw_maildir_files", "%ld", letters);
	bench_result("raw_maildir_s", "%.3f", t);
	bench_result("raw_maildir_per_s", "%.1f", (double)letters / t);
	bench_result("raw_maildir_cpu_us", "%.1f", cpu * 1e6 / (double)letters);
	free(data);
}

/* ---- a minimal SMTP sink ---- */

struct sink_conn {
	int fd;
	bool data;                   /* between DATA's 354 and the lone "." */
	char *buf;
	size_t len, cap, scanned;
};

struct sink {
	int listen_fd, port, stop_pipe[2];
	pthread_t thread;
	pid_t tid;
	pthread_mutex_t lock;
	long messages, connections, no_id;
	long long bytes;
	/* distinct Message-IDs: open addressing */
	char **ids;
	size_t id_cap, id_count;
	long repeated;               /* messages whose Message-ID came before */
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ULL;
	return h;
}

/* Adds an id; false when it was there already. Called with the lock held. */
static bool sink_add_id(struct sink *k, const char *id, size_t n)
{
	if (2 * (k->id_count + 1) > k->id_cap) {
		size_t cap = k->id_cap ? 2 * k->id_cap : 1 << 16;
		char **ids = calloc(cap, sizeof *ids);
		for (size_t i = 0; i < k->id_cap; i++)
			if (k->ids[i]) {
				size_t j = fnv1a(k->ids[i], strlen(k->ids[i])) & (cap - 1);
				while (ids[j])
					j = (j + 1) & (cap - 1);
				ids[j] = k->ids[i];
			}
		free(k->ids);
		k->ids = ids;
		k->id_cap = cap;
	}
	size_t j = fnv1a(id, n) & (k->id_cap - 1);
	for (; k->ids[j]; j = (j + 1) & (k->id_cap - 1))
		if (strlen(k->ids[j]) == n && memcmp(k->ids[j], id, n) == 0)
			return false;
	k->ids[j] = strndup(id, n);
	k->id_count++;
	return true;
}

static void sink_reset(struct sink *k)
{
	pthread_mutex_lock(&k->lock);
	for (size_t i = 0; i < k->id_cap; i++)
		free(k->ids[i]);
	free(k->ids);
	k->ids = NULL;
	k->id_cap = k->id_count = 0;
	k->messages = k->connections = k->no_id = k->repeated = 0;
	k->bytes = 0;
	pthread_mutex_unlock(&k->lock);
}

static void sink_reply(struct sink_conn *c, const char *text)
{
	(void)!send(c->fd, text, strlen(text), MSG_NOSIGNAL);
}

/* One message's data (up to, not including, the "\r\n.\r\n"). */
static void sink_message(struct sink *k, const char *msg, size_t len)
{
	const char *id = NULL;
	size_t idlen = 0;
	for (const char *p = msg; p && p < msg + len;) {
		const char *eol = memmem(p, (size_t)(msg + len - p), "\r\n", 2);
		if (!eol || eol == p)
			break;   /* the end of the headers */
		if ((size_t)(eol - p) > 11 && strncasecmp(p, "Message-ID:", 11) == 0) {
			id = p + 11;
			while (id < eol && *id == ' ')
				id++;
			idlen = (size_t)(eol - id);
			break;
		}
		p = eol + 2;
	}
	pthread_mutex_lock(&k->lock);
	k->messages++;
	k->bytes += (long long)len + 2;   /* with the last line's CRLF */
	if (!id)
		k->no_id++;
	else if (!sink_add_id(k, id, idlen))
		k->repeated++;
	pthread_mutex_unlock(&k->lock);
}

/* Handles what has arrived; false when the connection is to close. In DATA, `scanned`
 * counts the bytes of the message already searched for its end. */
static bool sink_process(struct sink *k, struct sink_conn *c)
{
	size_t pos = 0;
	bool open = true;
	while (open && pos < c->len) {
		if (c->data) {
			/* the message ends at CRLF "." CRLF (a lone "." first: an empty one) */
			size_t mlen, next;
			if (c->len - pos >= 3 && memcmp(c->buf + pos, ".\r\n", 3) == 0) {
				mlen = 0;
				next = pos + 3;
			} else {
				size_t from = pos + (c->scanned > 4 ? c->scanned - 4 : 0);
				char *end = memmem(c->buf + from, c->len - from, "\r\n.\r\n", 5);
				if (!end) {
					c->scanned = c->len - pos;
					break;
				}
				mlen = (size_t)(end - (c->buf + pos));
				next = (size_t)(end - c->buf) + 5;
			}
			sink_message(k, c->buf + pos, mlen);
			pos = next;
			c->data = false;
			c->scanned = 0;
			sink_reply(c, "250 2.0.0 Ok: queued\r\n");
			continue;
		}
		char *eol = memchr(c->buf + pos, '\n', c->len - pos);
		if (!eol)
			break;
		char *line = c->buf + pos;
		size_t llen = (size_t)(eol - line);
		if (llen && line[llen - 1] == '\r')
			llen--;
		pos = (size_t)(eol - c->buf) + 1;
		const char *reply = "502 5.5.2 Error: command not recognized\r\n";
		if (llen >= 4 && strncasecmp(line, "EHLO", 4) == 0)
			reply = "250-bench-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n";
		else if (llen >= 4 && strncasecmp(line, "HELO", 4) == 0)
			reply = "250 bench-sink\r\n";
		else if (llen >= 4 && strncasecmp(line, "MAIL", 4) == 0)
			reply = "250 2.1.0 Ok\r\n";
		else if (llen >= 4 && strncasecmp(line, "RCPT", 4) == 0)
			reply = "250 2.1.5 Ok\r\n";
		else if (llen >= 4 && strncasecmp(line, "DATA", 4) == 0) {
			c->data = true;
			c->scanned = 0;
			reply = "354 End data with <CR><LF>.<CR><LF>\r\n";
		} else if (llen >= 4 && (strncasecmp(line, "RSET", 4) == 0 ||
					 strncasecmp(line, "NOOP", 4) == 0))
			reply = "250 2.0.0 Ok\r\n";
		else if (llen >= 4 && strncasecmp(line, "QUIT", 4) == 0) {
			reply = "221 2.0.0 Bye\r\n";
			open = false;
		}
		sink_reply(c, reply);
	}
	memmove(c->buf, c->buf + pos, c->len - pos);
	c->len -= pos;
	return open;
}

#define SINK_MAX_CONNS 512

static void *sink_main(void *arg)
{
	struct sink *k = arg;
	k->tid = (pid_t)syscall(SYS_gettid);
	static struct sink_conn conns[SINK_MAX_CONNS];
	static struct pollfd fds[SINK_MAX_CONNS + 2];
	size_t nconns = 0;
	for (;;) {
		fds[0] = (struct pollfd){.fd = k->stop_pipe[0], .events = POLLIN};
		fds[1] = (struct pollfd){.fd = k->listen_fd, .events = POLLIN};
		for (size_t i = 0; i < nconns; i++)
			fds[i + 2] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
		if (poll(fds, nconns + 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents)
			break;
		for (size_t i = 0; i < nconns; i++) {
			struct sink_conn *c = &conns[i];
			if (!fds[i + 2].revents)
				continue;
			if (c->cap - c->len < 65536) {
				c->cap = c->cap ? c->cap * 2 : 131072;
				c->buf = realloc(c->buf, c->cap);
			}
			ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
			bool open = n > 0;
			if (n > 0) {
				c->len += (size_t)n;
				open = sink_process(k, c);
			} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				open = true;
			}
			if (!open) {
				close(c->fd);
				c->fd = -1;
			}
		}
		/* drop closed connections, keeping the buffers of the others */
		size_t j = 0;
		for (size_t i = 0; i < nconns; i++) {
			if (conns[i].fd < 0) {
				free(conns[i].buf);
				continue;
			}
			conns[j++] = conns[i];
		}
		nconns = j;
		if (fds[1].revents & POLLIN) {
			int fd;
			while (nconns < SINK_MAX_CONNS &&
			       (fd = accept4(k->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
				       0) {
				conns[nconns++] = (struct sink_conn){.fd = fd};
				pthread_mutex_lock(&k->lock);
				k->connections++;
				pthread_mutex_unlock(&k->lock);
				sink_reply(&conns[nconns - 1], "220 bench-sink ESMTP\r\n");
			}
		}
	}
	for (size_t i = 0; i < nconns; i++) {
		close(conns[i].fd);
		free(conns[i].buf);
	}
	return NULL;
}

static void sink_start(struct sink *k)
{
	memset(k, 0, sizeof *k);
	pthread_mutex_init(&k->lock, NULL);
	k->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(k->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (k->listen_fd < 0 || bind(k->listen_fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(k->listen_fd, 1024) < 0 ||
	    getsockname(k->listen_fd, (struct sockaddr *)&a, &len) < 0 || pipe(k->stop_pipe) < 0)
		bench_fail("SMTP sink: %s", strerror(errno));
	k->port = ntohs(a.sin_port);
	pthread_create(&k->thread, NULL, sink_main, k);
	while (!k->tid)
		usleep(1000);
}

static void sink_stop(struct sink *k)
{
	(void)!write(k->stop_pipe[1], "x", 1);
	pthread_join(k->thread, NULL);
	close(k->listen_fd);
	close(k->stop_pipe[0]);
	close(k->stop_pipe[1]);
	sink_reset(k);
	pthread_mutex_destroy(&k->lock);
}

static double thread_cpu_s(pid_t tid)
{
	char path[96];
	snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", (int)getpid(), (int)tid);
	FILE *f = fopen(path, "r");
	unsigned long long ns = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return (double)ns * 1e-9;
}

/* Waits for the sink to have taken `n` messages (the client has its 250 before the sink's
 * counters move on in rare interleavings: the reply is sent after the count, so this is
 * just a guard). */
static void sink_wait(struct sink *k, long n)
{
	double deadline = bench_now() + 10;
	for (;;) {
		pthread_mutex_lock(&k->lock);
		long got = k->messages;
		pthread_mutex_unlock(&k->lock);
		if (got >= n || bench_now() > deadline)
			return;
		usleep(1000);
	}
}

static void sink_check(struct sink *k, const char *label, long expected, long long *bytes)
{
	sink_wait(k, expected);
	pthread_mutex_lock(&k->lock);
	long messages = k->messages, repeated = k->repeated, no_id = k->no_id;
	long connections = k->connections;
	size_t ids = k->id_count;
	*bytes = k->bytes;
	pthread_mutex_unlock(&k->lock);
	bench_say("%s: the sink took %ld messages over %ld connections, %zu distinct Message-IDs, "
		  "%ld repeated, %ld without one", label, messages, connections, ids, repeated,
		  no_id);
	if (messages != expected || (long)ids != expected || repeated || no_id)
		bench_fail("%s: the sink took %ld messages with %zu distinct Message-IDs (%ld "
			   "repeated, %ld without one) for %ld sent", label, messages, ids,
			   repeated, no_id, expected);
}

/* ---- smtp ---- */

static void bench_smtp(struct bench *b, struct sink *k, long *messages, long *message_bytes)
{
	char url[64];
	snprintf(url, sizeof url, "--smtp=smtp://127.0.0.1:%d", k->port);
	struct bench_service ntf;
	struct ntf_run r;
	const char *args[] = {"--channel=smtp", url, "--smtp-tls=none", NULL};
	bench_say("smtp: a notifier sends every category letter to the SMTP sink");
	sink_reset(k);
	double sink_cpu0 = thread_cpu_s(k->tid);
	run_notifier(b, &ntf, "notifier-smtp", args, &r);
	double sink_cpu = thread_cpu_s(k->tid) - sink_cpu0;
	long long bytes;
	sink_check(k, "smtp", r.sent, &bytes);
	*messages = r.sent;
	*message_bytes = (long)(bytes / r.sent);
	bench_say("smtp: %.0f messages/s (%.0f notices/s); %ld B each; sink CPU %.1f us each",
		  (double)r.sent / r.seconds, (double)r.notices / r.seconds, *message_bytes,
		  sink_cpu * 1e6 / (double)r.sent);
	bench_result("ntf_smtp_messages", "%ld", r.sent);
	bench_result("ntf_smtp_s", "%.3f", r.seconds);
	bench_result("ntf_smtp_per_s", "%.1f", (double)r.sent / r.seconds);
	bench_result("ntf_smtp_notices_per_s", "%.1f", (double)r.notices / r.seconds);
	bench_result("ntf_smtp_message_bytes", "%ld", *message_bytes);
	bench_result("ntf_smtp_transient", "%.0f", r.transient);
	bench_result("ntf_smtp_batch_ms", "%.1f", r.batch_ms);
	bench_result("ntf_smtp_cpu_s", "%.3f", r.cpu_s);
	bench_result("ntf_smtp_cpu_us", "%.1f", r.cpu_s * 1e6 / (double)r.sent);
	bench_result("ntf_smtp_hwm_kb", "%ld", r.hwm_kb);
	bench_result("ntf_smtp_sink_cpu_us", "%.1f", sink_cpu * 1e6 / (double)r.sent);
}

struct raw_smtp_lane {
	pthread_t thread;
	const struct channel_config *cfg;
	long from, to;
	size_t bytes;
	long failed;
	char reply[DELIVERY_REPLY_MAX];
};

static void *raw_smtp_lane(void *arg)
{
	struct raw_smtp_lane *l = arg;
	char *msg = malloc(l->bytes + 1024);
	for (long i = l->from; i < l->to; i++) {
		char key[65];
		raw_key(i, key);
		int h = snprintf(msg, 1024,
				 "From: Bench <" MAIL_FROM ">\r\n"
				 "To: Head <head%ld@bench.sch.uk>\r\n"
				 "Subject: bench message %ld\r\n"
				 "Date: Fri, 15 Nov 2013 09:00:00 +0000\r\n"
				 "Message-ID: <%s@n2gg.invalid>\r\n"
				 "MIME-Version: 1.0\r\n"
				 "Content-Type: text/plain; charset=utf-8\r\n"
				 "Content-Transfer-Encoding: 8bit\r\n\r\n",
				 i, i, key);
		size_t len = (size_t)h;
		/* lines of 76 characters up to the size the notifier's letters have */
		while (len + 2 < l->bytes) {
			size_t line = l->bytes - 2 - len < 76 ? l->bytes - 2 - len : 76;
			memset(msg + len, 'a' + (char)(len % 26), line);
			len += line;
			msg[len++] = '\r';
			msg[len++] = '\n';
		}
		char rcpt[64];
		snprintf(rcpt, sizeof rcpt, "head%ld@bench.sch.uk", i);
		struct channel_item item = {.key = key, .recipient = rcpt, .data = msg, .len = len};
		struct delivery_result res;
		struct status st;
		if (channel_smtp_send(l->cfg, &item, &res, &st) != 0 && l->failed++ == 0)
			snprintf(l->reply, sizeof l->reply, "%s", st.message);
	}
	free(msg);
	return NULL;
}

static void raw_smtp(struct sink *k, long messages, long message_bytes)
{
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", k->port);
	struct channel_config cfg = {.kind = CHANNEL_SMTP, .target = url, .mail_from = MAIL_FROM,
				     .tls = CHANNEL_TLS_NONE};
	struct status st;
	if (channel_global_init(&st) < 0)
		bench_fail("%s", st.message);
	sink_reset(k);
	struct raw_smtp_lane lanes[LANES];
	long per = (messages + LANES - 1) / LANES;
	double cpu0 = self_cpu_s(), sink0 = thread_cpu_s(k->tid), t0 = bench_now();
	for (int i = 0; i < LANES; i++) {
		lanes[i] = (struct raw_smtp_lane){.cfg = &cfg, .bytes = (size_t)message_bytes};
		lanes[i].from = i * per < messages ? i * per : messages;
		lanes[i].to = lanes[i].from + per < messages ? lanes[i].from + per : messages;
		pthread_create(&lanes[i].thread, NULL, raw_smtp_lane, &lanes[i]);
	}
	for (int i = 0; i < LANES; i++) {
		pthread_join(lanes[i].thread, NULL);
		if (lanes[i].failed)
			bench_fail("raw smtp: %ld sends failed: %s", lanes[i].failed, lanes[i].reply);
	}
	double t = bench_now() - t0;
	double sink_cpu = thread_cpu_s(k->tid) - sink0;
	double cpu = self_cpu_s() - cpu0 - sink_cpu;
	long long bytes;
	sink_check(k, "raw smtp", messages, &bytes);
	channel_global_cleanup();
	bench_say("raw smtp: %ld messages of %lld B by %d threads in %.2f s = %.0f/s (client CPU "
		  "%.1f us, sink CPU %.1f us each)", messages, bytes / messages, LANES, t,
		  (double)messages / t, cpu * 1e6 / (double)messages,
		  sink_cpu * 1e6 / (double)messages);
	bench_result("raw_smtp_messages", "%ld", messages);
	bench_result("raw_smtp_s", "%.3f", t);
	bench_result("raw_smtp_per_s", "%.1f", (double)messages / t);
	bench_result("raw_smtp_message_bytes", "%lld", bytes / messages);
	bench_result("raw_smtp_cpu_us", "%.1f", cpu * 1e6 / (double)messages);
	bench_result("raw_smtp_sink_cpu_us", "%.1f", sink_cpu * 1e6 / (double)messages);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_notifier --registry BIN --categoriser BIN --notifier BIN --data DIR\n"
		"                      [--batch 256] [--no-maildir] [--no-smtp] [--timeout-s 600]\n"
		"DIR holds gen-gias output (edubasealldata.csv, contacts.csv)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bench_cleanup_init();
	struct bench b = {.o = {.batch = "256", .maildir = true, .smtp = true, .timeout_s = 600}};
	static const struct option longopts[] = {
		{"registry", required_argument, NULL, 'r'}, {"categoriser", required_argument, NULL, 'c'},
		{"notifier", required_argument, NULL, 'n'}, {"data", required_argument, NULL, 'd'},
		{"batch", required_argument, NULL, 'b'},    {"no-maildir", no_argument, NULL, 'M'},
		{"no-smtp", no_argument, NULL, 'S'},        {"timeout-s", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0}};
	int opt;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r': b.o.registry = optarg; break;
		case 'c': b.o.categoriser = optarg; break;
		case 'n': b.o.notifier = optarg; break;
		case 'd': b.o.data = optarg; break;
		case 'b': b.o.batch = optarg; break;
		case 'M': b.o.maildir = false; break;
		case 'S': b.o.smtp = false; break;
		case 't': b.o.timeout_s = atof(optarg); break;
		default: usage();
		}
	}
	if (!b.o.registry || !b.o.categoriser || !b.o.notifier || !b.o.data || atol(b.o.batch) <= 0 ||
	    b.o.timeout_s <= 0)
		usage();
	b.zctx = zmq_ctx_new();
	bench_setup(&b);
	bench_result("ntf_batch", "%s", b.o.batch);
	if (b.o.maildir) {
		long letters, letter_bytes;
		char *sample;
		bench_maildir(&b, &letters, &letter_bytes, &sample);
		raw_maildir(letters, letter_bytes, sample);
		free(sample);
	}
	if (b.o.smtp) {
		struct sink k;
		long messages, message_bytes;
		sink_start(&k);
		bench_smtp(&b, &k, &messages, &message_bytes);
		raw_smtp(&k, messages, message_bytes);
		sink_stop(&k);
	}
	bench_service_stop(&b.cat);
	bench_service_stop(&b.reg);
	zmq_ctx_term(b.zctx);
	return 0;
}
