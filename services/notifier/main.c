/* n2gg-notifier: tells headteachers and chairs of governors what changed — category
 * letters, allocation letters, visit schedules and MI sheets — through a mail directory,
 * SMTP and a webhook, exactly once. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "log.h"
#include "message.h"
#include "notifier.h"

static struct notifier notifier;

static struct config_option notifier_options[] = {
	{"registry", "tcp://127.0.0.1:7100", "the registry's API (for catching up on its events)",
	 NULL},
	{"registry-events", "tcp://127.0.0.1:7101", "the registry's event socket", NULL},
	{"categoriser", "tcp://127.0.0.1:7200", "the categoriser's API", NULL},
	{"categoriser-events", "tcp://127.0.0.1:7201", "the categoriser's event socket", NULL},
	{"scheduler", "tcp://127.0.0.1:7300", "the scheduler's API", NULL},
	{"scheduler-events", "tcp://127.0.0.1:7301", "the scheduler's event socket", NULL},
	{"templates", "", "a directory of letter templates (<kind>.tmpl); empty: the built-in ones",
	 NULL},
	{"channel", "maildir", "how letters go to people: maildir or smtp", NULL},
	{"maildir", "", "the mail directory (one .eml per letter); empty: <data-dir>/maildir",
	 NULL},
	{"smtp", "", "the mail server, smtp://host:port or smtps://host:port", NULL},
	{"smtp-tls", "try",
	 "STARTTLS on smtp://: try, none or required (always required, and none refused, for a "
	 "server not on loopback)",
	 NULL},
	{"smtp-credentials-file", "",
	 "a file with the mail server's login: the user name on the first line, the password on "
	 "the second (empty: no login)",
	 NULL},
	{"mail-from", "school.improvement@norfolk.gov.uk", "the letters' sender address", NULL},
	{"from-name", "Norfolk County Council Children's Services", "the sender's name", NULL},
	{"webhook", "", "also POST every letter as JSON to this URL (empty: no webhook)", NULL},
	{"webhook-secret-file", "",
	 "a file with the webhook's signing secret, whsec_<base64 key> (needed with webhook)",
	 NULL},
	{"smtp-rate", "0", "at most this many SMTP deliveries a second (0: no limit)", NULL},
	{"webhook-rate", "0", "at most this many webhook deliveries a second (0: no limit)", NULL},
	{"max-attempts", "8", "attempts before a delivery that keeps failing is dead-lettered", NULL},
	{"retry-base-ms", "1000", "the wait after the first failed attempt (doubling, jittered)",
	 NULL},
	{"retry-max-ms", "3600000", "the longest wait between attempts", NULL},
	{"message-domain", "n2gg.invalid", "the domain of the letters' Message-IDs", NULL},
	{"la-name", "Norfolk County Council", "the council's name on the letters", NULL},
	{"as-of", "", "the date for letters and MI sheets (YYYY-MM-DD) instead of today", NULL},
	{"digest-time", "16:00", "when the daily digests go (HH:MM, local time)", NULL},
	{"reminder-days", "3", "an Action sheet's reminder goes this many days before it is due",
	 NULL},
	{"visit-settle-ms", "2000",
	 "a visit schedule waits this long for the rest of a plan's visits", NULL},
	{"settle-ms", "600000",
	 "a letter caused by an officer's change (override, LA flag, pin) waits this long, so "
	 "that a correction replaces it (0: at once)",
	 NULL},
	{"batch", "256", "deliveries sent per batch", NULL},
};

int notifier_today(const struct notifier *n)
{
	return n->as_of >= 0 ? n->as_of : date_today();
}

static void notifier_report(void *ctx, const char *file, const char *message)
{
	(void)ctx;
	log_warn("template problem", "file=%s problem=%s", log_str(file), log_str(message));
}

static int notifier_load_templates(struct notifier *n, struct status *st)
{
	struct notice_templates fresh;
	const char *dir = service_setting(n->svc, "templates");
	int rc = notice_templates_load(&fresh, dir, notifier_report, n, st);
	if (rc < 0)
		return rc;
	notice_templates_free(&n->templates);
	n->templates = fresh;
	log_info("templates loaded", "dir=%s", log_str(dir[0] ? dir : "(built-in)"));
	return 0;
}

/* SIGHUP: read the templates again; a broken set is refused and the old one kept */
static void notifier_on_sighup(uv_signal_t *h, int signum)
{
	(void)signum;
	struct notifier *n = h->data;
	struct status st;
	if (notifier_load_templates(n, &st) < 0)
		log_error("templates not reloaded: the ones in use stay", "error=%s",
			  log_str(st.message));
}

static int notifier_setting_long(struct notifier *n, const char *name, long min, long max,
				 long *out, struct status *st)
{
	return config_get_long(&n->svc->cfg, name, min, max, out, st);
}

static int notifier_parse_login(const char *text, size_t len, void *out, struct status *st)
{
	return secret_login_parse(text, len, out, st);
}

static int notifier_parse_webhook_key(const char *text, size_t len, void *out,
				      struct status *st)
{
	return secret_webhook_key_parse(text, len, out, st);
}

/* Reads the secret file a setting names and parses it into out: refused when it is
 * missing, unreadable, empty, readable by every user or not what parse takes; a warning
 * when its group may read it. The text is wiped whatever happens. */
static int notifier_read_secret(struct notifier *n, const char *setting,
				int (*parse)(const char *, size_t, void *, struct status *),
				void *out, struct status *st)
{
	const char *path = service_setting(n->svc, setting);
	char text[SECRET_FILE_MAX];
	size_t len;
	int rc = channel_secret_read(path, setting, text, SECRET_FILE_MAX, &len, st);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		char quoted[600];
		log_warn("a secret file that is not private to this service's user",
			 "setting=%s problem=%s", setting,
			 log_quote(quoted, sizeof quoted, st->message));
	}
	struct status why;
	rc = parse(text, len, out, &why);
	secret_wipe(text, sizeof text);
	return rc < 0 ? status_fail(st, STATUS_INVALID_ARGUMENT, "%s %s: %s", setting, path,
				    why.message)
		      : 0;
}

/* The SMTP login, from --smtp-credentials-file only: a flag shows in every process
 * listing and the environment is inherited by whatever the service starts. */
static int notifier_smtp_login(struct notifier *n, struct channel_config *cfg,
			       struct status *st)
{
	if (getenv("N2GG_NOTIFIER_SMTP_USER") || getenv("N2GG_NOTIFIER_SMTP_PASSWORD"))
		log_warn("N2GG_NOTIFIER_SMTP_USER and N2GG_NOTIFIER_SMTP_PASSWORD are no longer read: "
			 "the login comes from --smtp-credentials-file (remove them)",
			 "smtp_credentials_file=%s",
			 service_setting(n->svc, "smtp-credentials-file")[0] ? "set" : "unset");
	if (!service_setting(n->svc, "smtp-credentials-file")[0])
		return 0;
	int rc = notifier_read_secret(n, "smtp-credentials-file", notifier_parse_login,
				      &n->smtp_login, st);
	if (rc < 0)
		return rc;
	cfg->username = n->smtp_login.user;
	cfg->password = n->smtp_login.password;
	return 0;
}

/* The webhook's signing key: a webhook is never sent unsigned, so --webhook without a
 * usable --webhook-secret-file does not start. */
static int notifier_webhook_key(struct notifier *n, struct channel_config *cfg,
				struct status *st)
{
	if (!service_setting(n->svc, "webhook-secret-file")[0])
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "webhook: --webhook-secret-file is needed (every webhook is signed, "
				   "Standard Webhooks: a file holding whsec_<base64 key>, e.g. "
				   "whsec_$(head -c 32 /dev/urandom | base64))");
	int rc = notifier_read_secret(n, "webhook-secret-file", notifier_parse_webhook_key,
				      &n->webhook_key, st);
	if (rc < 0)
		return rc;
	cfg->webhook_key = &n->webhook_key;
	return 0;
}

static int notifier_channels(struct notifier *n, struct status *st)
{
	struct service *svc = n->svc;
	struct notifier_channel *mail = &n->channels[NTF_MAIL], *hook = &n->channels[NTF_WEBHOOK];
	enum channel_kind kind;
	const char *channel = service_setting(svc, "channel");
	if (channel_kind_parse(channel, &kind) < 0 || kind == CHANNEL_WEBHOOK)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "channel \"%s\": maildir or smtp (a webhook is --webhook)", channel);
	mail->cfg.kind = kind;
	mail->name = channel_kind_name(kind);
	mail->enabled = true;
	mail->cfg.mail_from = n->from_address;
	if (kind == CHANNEL_MAILDIR) {
		static char maildir[1024];
		const char *dir = service_setting(svc, "maildir");
		if (!dir[0])
			snprintf(maildir, sizeof maildir, "%s/maildir", service_setting(svc, "data-dir"));
		mail->cfg.target = dir[0] ? dir : maildir;
	} else {
		mail->cfg.target = service_setting(svc, "smtp");
		const char *tls = service_setting(svc, "smtp-tls");
		mail->cfg.tls = strcmp(tls, "none") == 0       ? CHANNEL_TLS_NONE
				: strcmp(tls, "required") == 0 ? CHANNEL_TLS_REQUIRED
							       : CHANNEL_TLS_TRY;
		if (strcmp(tls, "none") && strcmp(tls, "required") && strcmp(tls, "try"))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "smtp-tls \"%s\": try, none or required", tls);
		/* the URL is named below, so first make sure it holds no password */
		if (message_url_has_credentials(mail->cfg.target))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "smtp: a user name or password in the URL is refused; "
					   "give them in --smtp-credentials-file");
		if (mail->cfg.tls == CHANNEL_TLS_NONE && mail->cfg.target[0] &&
		    !message_url_loopback(mail->cfg.target))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "--smtp-tls none is refused for %s: the mail server is not on "
					   "loopback (127.0.0.0/8, ::1, localhost), so STARTTLS is "
					   "required (--smtp-tls try or required)",
					   mail->cfg.target);
		int rc = notifier_smtp_login(n, &mail->cfg, st);
		if (rc < 0)
			return rc;
	}
	long rate;
	int rc;
	if ((rc = notifier_setting_long(n, "smtp-rate", 0, 1000000, &rate, st)) < 0)
		return rc;
	mail->rate = kind == CHANNEL_SMTP ? (double)rate : 0;   /* a directory needs no limit */
	if ((rc = channel_config_check(&mail->cfg, st)) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s channel: %s", mail->name,
				   st->message);
	if (kind == CHANNEL_MAILDIR && mkdir(mail->cfg.target, 0750) != 0 && errno != EEXIST)
		return status_fail(st, STATUS_FAILED_PRECONDITION, "cannot create %s: %s",
				   mail->cfg.target, strerror(errno));
	const char *url = service_setting(svc, "webhook");
	if (url[0]) {
		hook->cfg.kind = CHANNEL_WEBHOOK;
		hook->cfg.target = url;
		hook->name = channel_kind_name(CHANNEL_WEBHOOK);
		hook->enabled = true;
		/* the check's message names the URL unless it holds a password */
		if ((rc = message_webhook_url_check(url, st)) < 0)
			return rc;
		if ((rc = notifier_webhook_key(n, &hook->cfg, st)) < 0 ||
		    (rc = channel_config_check(&hook->cfg, st)) < 0)
			return rc;
		if ((rc = notifier_setting_long(n, "webhook-rate", 0, 1000000, &rate, st)) < 0)
			return rc;
		hook->rate = (double)rate;
	}
	uint64_t now = (uint64_t)date_now_ms();
	for (int i = 0; i < NTF_CHANNELS; i++)
		n->channels[i].refilled_ms = now;
	return 0;
}

static int notifier_settings(struct notifier *n, struct status *st)
{
	struct service *svc = n->svc;
	long v;
	int rc;
	n->as_of = -1;
	const char *as_of = service_setting(svc, "as-of");
	if (as_of[0] && date_parse(as_of, &n->as_of) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "as-of \"%s\" is not a date", as_of);
	if ((rc = notifier_setting_long(n, "max-attempts", 1, 1000, &v, st)) < 0)
		return rc;
	n->max_attempts = (int)v;
	if ((rc = notifier_setting_long(n, "retry-base-ms", 1, 86400000, &v, st)) < 0)
		return rc;
	n->retry_base_ms = (uint64_t)v;
	if ((rc = notifier_setting_long(n, "retry-max-ms", 1, 7 * 86400000L, &v, st)) < 0)
		return rc;
	n->retry_max_ms = (uint64_t)v;
	if ((rc = notifier_setting_long(n, "visit-settle-ms", 0, 3600000, &v, st)) < 0)
		return rc;
	n->visit_settle_ms = (uint64_t)v;
	if ((rc = notifier_setting_long(n, "settle-ms", 0, 7 * 86400000L, &v, st)) < 0)
		return rc;
	n->settle_ms = (uint64_t)v;
	if ((rc = notifier_setting_long(n, "batch", 1, 10000, &v, st)) < 0)
		return rc;
	n->batch_size = (unsigned)v;
	if ((rc = notifier_setting_long(n, "reminder-days", 0, 60, &v, st)) < 0)
		return rc;
	n->reminder_days = (int)v;
	int hh, mm;
	char tail;
	const char *at = service_setting(svc, "digest-time");
	if (sscanf(at, "%d:%d%c", &hh, &mm, &tail) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "digest-time \"%s\": HH:MM", at);
	n->digest_minute = hh * 60 + mm;
	n->letterhead.la_name = service_setting(svc, "la-name");
	n->from_name = service_setting(svc, "from-name");
	n->from_address = service_setting(svc, "mail-from");
	n->domain = service_setting(svc, "message-domain");
	if (message_address_check(n->from_address, st) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "mail-from: %s", st->message);
	char probe[DELIVERY_MESSAGE_ID_MAX];
	if (delivery_message_id("00", n->domain, probe, sizeof probe, st) < 0)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "message-domain: %s", st->message);
	return notifier_channels(n, st);
}

/* ---- the daily work: scheduled MI sheets, reminders, digests ---- */

struct notifier_day {
	struct notifier *n;
	bool digests;
	unsigned issued, digest_count, digest_notices;
};

static int notifier_day_write(void *ctx, MDB_txn *txn, struct status *st)
{
	struct notifier_day *d = ctx;
	struct notifier *n = d->n;
	arena_reset(&n->arena);
	int rc = ntf_mi_tick(n, txn, &n->svc->log, &n->arena, &d->issued, st);
	if (rc < 0 || !d->digests)
		return rc;
	char day[DATE_ISO_LEN];
	date_format(notifier_today(n), day);
	if ((rc = ntf_send_digests(n, txn, &n->svc->log, &n->arena, &d->digest_count,
				   &d->digest_notices, st)) < 0)
		return rc;
	return store_put(txn, n->db[NTF_DB_META], "digest_day", 10, day, strlen(day), 0, st);
}

/* Whether today's digests are due: past the digest time and not yet sent today. */
static bool notifier_digests_due(struct notifier *n)
{
	time_t now = time(NULL);
	struct tm local;
	localtime_r(&now, &local);
	if (local.tm_hour * 60 + local.tm_min < n->digest_minute)
		return false;
	char day[DATE_ISO_LEN];
	date_format(notifier_today(n), day);
	MDB_txn *txn;
	struct status st;
	if (store_begin_read(&n->svc->store, &txn, &st) < 0)
		return false;
	MDB_val v;
	bool sent = store_get(txn, n->db[NTF_DB_META], "digest_day", 10, &v, NULL) == 0 &&
		    v.mv_size == strlen(day) && memcmp(v.mv_data, day, v.mv_size) == 0;
	mdb_txn_abort(txn);
	return !sent;
}

static void notifier_on_day_timer(uv_timer_t *t)
{
	struct notifier *n = t->data;
	struct notifier_day d = {.n = n, .digests = notifier_digests_due(n)};
	struct status st;
	if (service_write(n->svc, notifier_day_write, &d, &st) < 0) {
		log_error("daily work failed; tried again in a minute", "error=%s", log_str(st.message));
		return;
	}
	if (d.issued || d.digest_count)
		log_info("daily work done", "mi_issued_or_reminded=%u digests=%u digest_notices=%u",
			 d.issued, d.digest_count, d.digest_notices);
	notifier_sender_wake(n);
}

static void notifier_on_progress(struct sub *s)
{
	notifier_sender_wake(s->ctx);
}

static void notifier_on_writes_done(void *service, bool committed)
{
	struct service *svc = service;
	if (committed)
		notifier_sender_wake(svc->impl);
}

static int notifier_subscribe(struct notifier *n, struct sub *s, const char *source,
			      sub_apply_fn apply, struct status *st)
{
	struct service *svc = n->svc;
	char events[64];   /* the settings are named after the service: "registry", "registry-events" */
	snprintf(events, sizeof events, "%s-events", source);
	struct sub_options opt = {
		.source = source,
		.events_endpoint = service_setting(svc, events),
		.api_endpoint = service_setting(svc, source),
		.outbox = &svc->log,
		.pub = &svc->pub,
		.curve = &svc->curve,
	};
	int rc = sub_start(s, &svc->loop, svc->zctx, &opt, &svc->store, n->db[NTF_DB_CURSORS], 0,
			   apply, n, st);
	s->on_progress = notifier_on_progress;
	if (rc < 0)
		s->loop = NULL;   /* not followed: /readyz says so, and on_stop leaves it be */
	return rc;
}

/* A letter is written from what the registry says about the school, so the categoriser's
 * and the scheduler's events are followed once the registry's have been caught up with:
 * a category letter then never goes out before the contacts the registry already holds.
 * When the registry cannot be reached the others are followed after a while all the same;
 * an event about a school not yet known is then parked (apply.c), nothing is lost. */
#define NOTIFIER_REGISTRY_WAIT_MS 5000

static void notifier_on_gate(uv_timer_t *t)
{
	struct notifier *n = t->data;
	struct status st;
	bool caught_up = !n->registry.fetching && n->registry.cursor >= n->registry.known_head;
	if (!caught_up && date_now_ms() - n->started_ms < NOTIFIER_REGISTRY_WAIT_MS)
		return;
	uv_timer_stop(t);
	if (!caught_up)
		log_warn("the registry has not answered: following the others all the same",
			 "registry=%s", log_str(service_setting(n->svc, "registry")));
	if (notifier_subscribe(n, &n->categoriser, "categoriser", notifier_apply_categoriser,
			       &st) < 0 ||
	    notifier_subscribe(n, &n->scheduler, "scheduler", notifier_apply_scheduler, &st) < 0)
		log_error("cannot follow the categoriser and the scheduler", "error=%s",
			  log_str(st.message));
}

/* A sender stopped between creating a letter's temporary file and linking it into place
 * (a crash, kill -9) leaves the file behind: never a delivered letter (the delivery was
 * not recorded as done, so it is sent again under a new temporary name), only litter that
 * would pile up over restarts. So a start clears the ones older than this process. */
static void notifier_clean_maildir(struct notifier *n)
{
	const struct notifier_channel *mail = &n->channels[NTF_MAIL];
	struct status st;
	size_t removed = 0;
	if (mail->cfg.kind != CHANNEL_MAILDIR)
		return;
	if (channel_maildir_clean(mail->cfg.target, n->svc->started_ms, &removed, &st) < 0)
		log_warn("cannot clear stale temporary files from the mail directory", "error=%s",
			 log_str(st.message));
	else if (removed)
		log_info("stale temporary files removed from the mail directory", "dir=%s count=%zu",
			 log_str(mail->cfg.target), removed);
}

static int notifier_on_start(struct service *svc, struct status *st)
{
	struct notifier *n = svc->impl;
	n->svc = svc;
	for (int i = 0; i < NTF_DB_COUNT; i++)
		n->db[i] = svc->store.dbs[i];
	arena_init(&n->arena);
	int rc;
	if ((rc = notifier_settings(n, st)) < 0 || (rc = notifier_load_templates(n, st)) < 0)
		return rc;
	notifier_clean_maildir(n);   /* before the sender starts writing new ones */
	svc->api.on_writes_done = notifier_on_writes_done;
	uv_signal_init(&svc->loop, &n->sighup);
	n->sighup.data = n;
	uv_signal_start(&n->sighup, notifier_on_sighup, SIGHUP);
	uv_timer_init(&svc->loop, &n->day_timer);
	n->day_timer.data = n;
	uv_timer_start(&n->day_timer, notifier_on_day_timer, 0, 60000);
	service_follow(svc, "registry", &n->registry);
	service_follow(svc, "categoriser", &n->categoriser);
	service_follow(svc, "scheduler", &n->scheduler);
	if ((rc = notifier_sender_start(n, st)) < 0 ||
	    (rc = notifier_subscribe(n, &n->registry, "registry", notifier_apply_registry, st)) < 0)
		return rc;
	n->started_ms = date_now_ms();
	uv_timer_init(&svc->loop, &n->gate_timer);
	n->gate_timer.data = n;
	uv_timer_start(&n->gate_timer, notifier_on_gate, 20, 20);
	/* what guards each channel, never a secret: the targets cannot hold credentials
	 * (refused above), and of the login and the key only whether they are there */
	const struct notifier_channel *mail = &n->channels[NTF_MAIL];
	const struct notifier_channel *hook = &n->channels[NTF_WEBHOOK];
	static const char *const tls_names[] = {
		[CHANNEL_TLS_TRY] = "try", [CHANNEL_TLS_NONE] = "none",
		[CHANNEL_TLS_REQUIRED] = "required"};
	bool smtp = mail->cfg.kind == CHANNEL_SMTP;
	log_info("channels", "mail=%s target=%s tls=%s login=%s webhook=%s signed=%s",
		 mail->name, log_str(mail->cfg.target),
		 smtp ? tls_names[channel_smtp_tls(&mail->cfg)] : "-",
		 smtp && mail->cfg.username ? "yes" : "no",
		 log_str(hook->enabled ? hook->cfg.target : ""),
		 hook->enabled && hook->cfg.webhook_key ? "yes" : "no");
	return 0;
}

static void notifier_on_stop(struct service *svc)
{
	struct notifier *n = svc->impl;
	sub_stop(&n->registry);
	if (n->categoriser.loop)
		sub_stop(&n->categoriser);
	if (n->scheduler.loop)
		sub_stop(&n->scheduler);
	uv_timer_stop(&n->gate_timer);
	uv_close((uv_handle_t *)&n->gate_timer, NULL);
	notifier_sender_stop(n);
	uv_timer_stop(&n->day_timer);
	uv_close((uv_handle_t *)&n->day_timer, NULL);
	uv_signal_stop(&n->sighup);
	uv_close((uv_handle_t *)&n->sighup, NULL);
}

/* A counter kept in the meta database (ntf_next_counter), 0 when never counted. */
static unsigned long long notifier_counter(MDB_txn *txn, MDB_dbi meta, const char *name)
{
	MDB_val v;
	return store_get(txn, meta, name, strlen(name), &v, NULL) == 0 && v.mv_size == 8
		       ? (unsigned long long)store_from_be64(v.mv_data)
		       : 0;
}

static void notifier_on_metrics(struct service *svc, struct http_response *res)
{
	struct notifier *n = svc->impl;
	const struct notifier_stats *s = &n->stats;
	MDB_txn *txn;
	struct status st;
	MDB_stat queue = {0}, dead = {0}, held = {0}, deliveries = {0}, parked = {0};
	unsigned long long notices = 0, no_address = 0, digests = 0;
	N2gg__V1__ListUnsentReply unreachable = N2GG__V1__LIST_UNSENT_REPLY__INIT;
	struct arena scratch;
	arena_init(&scratch);
	if (store_begin_read(&svc->store, &txn, &st) == 0) {
		ntf_unreachable(n, txn, &scratch, &unreachable, &st);
		mdb_stat(txn, n->db[NTF_DB_QUEUE], &queue);
		mdb_stat(txn, n->db[NTF_DB_DEAD], &dead);
		mdb_stat(txn, n->db[NTF_DB_HELD], &held);
		mdb_stat(txn, n->db[NTF_DB_DELIVERIES], &deliveries);
		mdb_stat(txn, n->db[NTF_DB_PARKED], &parked);
		notices = notifier_counter(txn, n->db[NTF_DB_META], "notice_seq");
		no_address = notifier_counter(txn, n->db[NTF_DB_META], "no_address");
		digests = notifier_counter(txn, n->db[NTF_DB_META], "digest_seq");
		mdb_txn_abort(txn);
	}
	const struct {
		const char *name, *type, *help;
		unsigned long long value;
	} m[] = {
		{"n2gg_notifier_registry_cursor", "gauge", "The registry's last event applied.",
		 (unsigned long long)n->registry.cursor},
		{"n2gg_notifier_categoriser_cursor", "gauge", "The categoriser's last event applied.",
		 (unsigned long long)n->categoriser.cursor},
		{"n2gg_notifier_scheduler_cursor", "gauge", "The scheduler's last event applied.",
		 (unsigned long long)n->scheduler.cursor},
		{"n2gg_notifier_notices_total", "counter", "Notices made.", notices},
		{"n2gg_notifier_deliveries_total", "counter", "Deliveries recorded (one a channel "
		 "a recipient a notice).", (unsigned long long)deliveries.ms_entries},
		{"n2gg_notifier_sent_total", "counter", "Deliveries sent.",
		 (unsigned long long)s->sent},
		{"n2gg_notifier_duplicates_total", "counter",
		 "Deliveries found already done (not sent twice).", (unsigned long long)s->duplicates},
		{"n2gg_notifier_transient_failures_total", "counter",
		 "Delivery attempts that failed and will be retried.",
		 (unsigned long long)s->transient},
		{"n2gg_notifier_dead_letters_total", "counter",
		 "Deliveries given up on (dead-lettered).", (unsigned long long)s->dead},
		{"n2gg_notifier_no_address_total", "counter",
		 "Notices for a recipient with no address.", no_address},
		{"n2gg_notifier_retried_total", "counter", "Dead letters retried by request.",
		 (unsigned long long)s->retried},
		{"n2gg_notifier_digests_total", "counter", "Daily digests made.", digests},
		{"n2gg_notifier_malformed_events_total", "counter",
		 "Upstream events that could not be used.", (unsigned long long)s->malformed},
		{"n2gg_notifier_unknown_clusters_total", "counter",
		 "Events about a cluster not known here.", (unsigned long long)s->unknown_clusters},
		{"n2gg_notifier_render_failures_total", "counter",
		 "Letters a template could not render.", (unsigned long long)s->render_failures},
		{"n2gg_notifier_batches_total", "counter", "Delivery batches sent.",
		 (unsigned long long)s->batches},
		{"n2gg_notifier_queue", "gauge", "Deliveries waiting to be sent.",
		 (unsigned long long)queue.ms_entries},
		{"n2gg_notifier_dead", "gauge", "Dead letters held.",
		 (unsigned long long)dead.ms_entries},
		{"n2gg_notifier_held", "gauge", "Deliveries held (digest or preferences).",
		 (unsigned long long)held.ms_entries},
		{"n2gg_notifier_parked", "gauge",
		 "Upstream events parked until the school is known.",
		 (unsigned long long)parked.ms_entries},
		{"n2gg_notifier_schools_unreachable", "gauge",
		 "Open schools whose headteacher or chair of governors has no usable email address.",
		 (unsigned long long)unreachable.n_schools},
		{"n2gg_notifier_clusters_unreachable", "gauge",
		 "Clusters without a chair, or whose chair has no usable email address.",
		 (unsigned long long)unreachable.n_clusters},
	};
	arena_free(&scratch);
	for (size_t i = 0; i < sizeof m / sizeof *m; i++)
		service_metric_u64(res, m[i].name, m[i].type, m[i].help, m[i].value);
	service_metric_f64(res, "n2gg_notifier_last_batch_seconds", "gauge",
			   "How long the last delivery batch took.", s->last_batch_ms / 1000.0);
}

/* --backup: the letters written to the mail directory go with the store (whose deliveries
 * say they were written), into DIR/maildir, readable by the owner only. */
static int notifier_backup_maildir(struct service *svc, const char *dir, struct status *st)
{
	char from[1024], to[1100];
	const char *configured = service_setting(svc, "maildir");
	if (configured[0])
		snprintf(from, sizeof from, "%s", configured);
	else
		snprintf(from, sizeof from, "%s/maildir", service_setting(svc, "data-dir"));
	DIR *d = opendir(from);
	if (!d)
		return errno == ENOENT ? 0
				       : status_fail(st, STATUS_FAILED_PRECONDITION,
						     "cannot read the mail directory %s: %s", from,
						     strerror(errno));
	snprintf(to, sizeof to, "%s/maildir", dir);
	int rc = mkdir(to, 0700) == 0 ? 0
				       : status_fail(st, STATUS_FAILED_PRECONDITION, "cannot make %s: %s",
						     to, strerror(errno));
	struct dirent *e;
	size_t copied = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".eml") != 0)
			continue;   /* letters only: a temporary file is half a letter */
		char src[2048], dst[2048];
		snprintf(src, sizeof src, "%s/%s", from, e->d_name);
		snprintf(dst, sizeof dst, "%s/%s", to, e->d_name);
		size_t len;
		char *text = service_read_file(src, &len, st);
		if (!text) {
			rc = -STATUS_FAILED_PRECONDITION;
			break;
		}
		FILE *f = fopen(dst, "wx");
		if (!f || fwrite(text, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0)
			rc = status_fail(st, STATUS_FAILED_PRECONDITION, "cannot write %s: %s", dst,
					 strerror(errno));
		if (f)
			fclose(f);
		free(text);
		copied++;
	}
	closedir(d);
	if (rc == 0)
		log_info("mail directory copied", "letters=%zu into=%s", copied, log_str(to));
	return rc;
}

/* Whichever source is resynchronised, all three are read again: a school's record, its
 * category and its visits are one read model. What the notifier owns (notices, deliveries,
 * MI sheets, recipients' choices) stays. */
static const char *const notifier_resync_sources[] = {"registry", "categoriser", "scheduler",
						      NULL};
static const int notifier_resync_dbs[] = {NTF_DB_VISITS, NTF_DB_PARKED, -1};
static const struct service_resync notifier_resync[] = {
	{"registry", notifier_resync_sources, notifier_resync_dbs},
	{"categoriser", notifier_resync_sources, notifier_resync_dbs},
	{"scheduler", notifier_resync_sources, notifier_resync_dbs},
};

static const struct service_desc notifier_desc = {
	.name = "notifier",
	.summary = "N2GG notifier: letters, MI sheets and visit schedules to schools, exactly once.",
	.default_api = "tcp://127.0.0.1:7400",
	.default_events = "tcp://127.0.0.1:7401",
	.default_http = "127.0.0.1:7409",
	.db_names = notifier_db_names,
	.db_count = NTF_DB_COUNT,
	/* 2: MI sheets may be withdrawn, corrected (their history kept) and answered by
	 * clusters. Nothing in a format-1 store needs changing (no sheet in it is withdrawn),
	 * but a notifier that predates them must not read a store that has them: it would
	 * issue and remind of withdrawn sheets. */
	.store_format = 2,
	.methods = notifier_methods,
	.extra_options = notifier_options,
	.extra_count = sizeof notifier_options / sizeof notifier_options[0],
	.on_start = notifier_on_start,
	.cursor_db = NTF_DB_CURSORS,
	.resync = notifier_resync,
	.resync_count = sizeof notifier_resync / sizeof *notifier_resync,
	.on_resync = notifier_resync_begin,
	.on_backup = notifier_backup_maildir,
	.on_stop = notifier_on_stop,
	.on_metrics = notifier_on_metrics,
};

int main(int argc, char **argv)
{
	struct service_desc desc = notifier_desc;
	desc.method_count = notifier_method_count;
	int rc = service_main(&desc, &notifier, argc, argv);
	notice_templates_free(&notifier.templates);
	arena_free(&notifier.arena);
	channel_global_cleanup();
	return rc;
}
