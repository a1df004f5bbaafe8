/* n2gg-send-test: sends one notice through one channel, retrying as the notifier does,
 * and prints each attempt and the outcome as logfmt lines. For the integration tests and
 * for trying a mail server or webhook by hand:
 *
 *   n2gg-send-test --channel smtp --target smtp://127.0.0.1:2525 --from la@example.org \
 *     --to head@school.example.org --notice letter-1 --attempts 4
 *
 * Secrets come from files, as the notifier takes them: --login-file (the user name, then
 * the password, one a line) for SMTP, --secret-file (whsec_<base64 key>) for a webhook,
 * which is always signed.
 *
 * Exit status: 0 delivered (or found delivered), 2 permanent failure (dead letter),
 * 3 transient failures until the attempts ran out, 64 bad usage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "arena.h"
#include "channel.h"
#include "delivery.h"
#include "message.h"
#include "secret.h"

struct send_opts {
	struct channel_config cfg;
	const char *to, *to_name, *from_name, *notice, *subject, *text, *html, *domain;
	const char *dead_letter, *login_file, *secret_file;
	struct secret_login login;
	struct secret_webhook_key webhook_key;
	int attempts;
	long base_ms, max_ms;
	long long date;
	unsigned long long seed;
	bool have_seed, decorrelated, base64;
};

static void usage(FILE *f)
{
	fputs("usage: n2gg-send-test --channel maildir|smtp|webhook --target DIR|URL --to ADDR\n"
	      "         --notice ID [--from ADDR] [--to-name NAME] [--from-name NAME]\n"
	      "         [--subject TEXT] [--text TEXT] [--html HTML] [--domain HOST]\n"
	      "         [--date EPOCH] [--attempts N] [--base-ms MS] [--max-ms MS]\n"
	      "         [--decorrelated] [--seed N] [--connect-timeout-ms MS] [--timeout-ms MS]\n"
	      "         [--tls try|none|required] [--base64] [--dead-letter FILE]\n"
	      "         [--login-file FILE] [--secret-file FILE]\n",
	      f);
}

/* splitmix64: reproducible jitter with --seed, else seeded from the kernel */
static double next_unit(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/* logfmt value: quoted, with quotes and backslashes escaped */
static void print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int parse(int argc, char **argv, struct send_opts *o)
{
	enum { O_TO_NAME = 256, O_FROM_NAME, O_BASE, O_MAX, O_CTO, O_TO_MS, O_TLS, O_DEAD, O_DECOR,
	       O_B64, O_LOGIN, O_SECRET };
	static const struct option longopts[] = {
		{"channel", required_argument, NULL, 'c'},
		{"target", required_argument, NULL, 'T'},
		{"to", required_argument, NULL, 't'},
		{"from", required_argument, NULL, 'f'},
		{"notice", required_argument, NULL, 'n'},
		{"subject", required_argument, NULL, 's'},
		{"text", required_argument, NULL, 'x'},
		{"html", required_argument, NULL, 'H'},
		{"domain", required_argument, NULL, 'd'},
		{"date", required_argument, NULL, 'D'},
		{"attempts", required_argument, NULL, 'a'},
		{"seed", required_argument, NULL, 'S'},
		{"to-name", required_argument, NULL, O_TO_NAME},
		{"from-name", required_argument, NULL, O_FROM_NAME},
		{"base-ms", required_argument, NULL, O_BASE},
		{"max-ms", required_argument, NULL, O_MAX},
		{"connect-timeout-ms", required_argument, NULL, O_CTO},
		{"timeout-ms", required_argument, NULL, O_TO_MS},
		{"tls", required_argument, NULL, O_TLS},
		{"dead-letter", required_argument, NULL, O_DEAD},
		{"decorrelated", no_argument, NULL, O_DECOR},
		{"base64", no_argument, NULL, O_B64},
		{"login-file", required_argument, NULL, O_LOGIN},
		{"secret-file", required_argument, NULL, O_SECRET},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (channel_kind_parse(optarg, &o->cfg.kind) != 0) {
				fprintf(stderr, "n2gg-send-test: unknown channel '%s'\n", optarg);
				return -1;
			}
			break;
		case 'T': o->cfg.target = optarg; break;
		case 't': o->to = optarg; break;
		case 'f': o->cfg.mail_from = optarg; break;
		case 'n': o->notice = optarg; break;
		case 's': o->subject = optarg; break;
		case 'x': o->text = optarg; break;
		case 'H': o->html = optarg; break;
		case 'd': o->domain = optarg; break;
		case 'D': o->date = strtoll(optarg, NULL, 10); break;
		case 'a': o->attempts = atoi(optarg); break;
		case 'S': o->seed = strtoull(optarg, NULL, 10), o->have_seed = true; break;
		case O_TO_NAME: o->to_name = optarg; break;
		case O_FROM_NAME: o->from_name = optarg; break;
		case O_BASE: o->base_ms = atol(optarg); break;
		case O_MAX: o->max_ms = atol(optarg); break;
		case O_CTO: o->cfg.connect_timeout_ms = atol(optarg); break;
		case O_TO_MS: o->cfg.timeout_ms = atol(optarg); break;
		case O_TLS:
			o->cfg.tls = strcmp(optarg, "none") == 0       ? CHANNEL_TLS_NONE
				     : strcmp(optarg, "required") == 0 ? CHANNEL_TLS_REQUIRED
								       : CHANNEL_TLS_TRY;
			break;
		case O_DEAD: o->dead_letter = optarg; break;
		case O_DECOR: o->decorrelated = true; break;
		case O_B64: o->base64 = true; break;
		case O_LOGIN: o->login_file = optarg; break;
		case O_SECRET: o->secret_file = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (optind != argc || !o->cfg.target || !o->to || !o->notice || o->attempts < 1) {
		fputs("n2gg-send-test: --target, --to and --notice are needed\n", stderr);
		return -1;
	}
	return 0;
}

/* The login and the webhook key from their files into o->cfg; a file its group may read
 * is a warning on stderr, as it is in the notifier's log. */
static int read_secrets(struct send_opts *o, struct status *st)
{
	char text[SECRET_FILE_MAX];
	size_t len;
	int rc;
	const char *files[] = {o->login_file, o->secret_file};
	for (int i = 0; i < 2; i++) {
		if (!files[i])
			continue;
		if ((rc = channel_secret_read(files[i], i ? "secret file" : "login file", text,
					      sizeof text, &len, st)) < 0)
			return rc;
		if (rc == 1)
			fprintf(stderr, "n2gg-send-test: warning: %s\n", st->message);
		rc = i ? secret_webhook_key_parse(text, len, &o->webhook_key, st)
		       : secret_login_parse(text, len, &o->login, st);
		secret_wipe(text, sizeof text);
		if (rc < 0)
			return rc;
	}
	if (o->login_file) {
		o->cfg.username = o->login.user;
		o->cfg.password = o->login.password;
	}
	if (o->secret_file)
		o->cfg.webhook_key = &o->webhook_key;
	return 0;
}

static void dead_letter(const struct send_opts *o, const char *key, const char *message_id,
			const struct delivery_result *r)
{
	FILE *f = fopen(o->dead_letter, "a");
	if (!f) {
		perror(o->dead_letter);
		return;
	}
	fprintf(f, "key=%s message_id=%s channel=%s recipient=%s code=%ld net=%s reply=", key,
		message_id, channel_kind_name(o->cfg.kind), o->to, r->code,
		delivery_net_name(r->net));
	print_quoted(f, r->reply);
	fputc('\n', f);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct send_opts o = {
		.cfg = {.kind = CHANNEL_MAILDIR, .mail_from = "notices@n2gg.invalid"},
		.subject = "N2GG notice",
		.text = "This is a notice from the N2GG programme.\n",
		.attempts = 5,
		.base_ms = 500,
		.max_ms = 30000,
		.date = (long long)time(NULL),
	};
	if (parse(argc, argv, &o) != 0) {
		usage(stderr);
		return 64;
	}
	if (!o.have_seed && getrandom(&o.seed, sizeof o.seed, 0) != sizeof o.seed)
		o.seed = (unsigned long long)time(NULL);

	struct status st = {0};
	if (read_secrets(&o, &st) < 0) {
		fprintf(stderr, "n2gg-send-test: %s\n", st.message);
		return 64;
	}
	char key[DELIVERY_KEY_SIZE], message_id[DELIVERY_MESSAGE_ID_MAX];
	if (channel_config_check(&o.cfg, &st) != 0 ||
	    delivery_key(o.notice, o.to, channel_kind_name(o.cfg.kind), key, &st) != 0 ||
	    delivery_message_id(key, o.domain, message_id, sizeof message_id, &st) != 0) {
		fprintf(stderr, "n2gg-send-test: %s\n", st.message);
		return 64;
	}
	struct message m = {
		.from = {o.from_name, o.cfg.mail_from},
		.to = {o.to_name, o.to},
		.subject = o.subject,
		.text = o.text,
		.html = o.html,
		.date = o.date,
		.message_id = message_id,
		.transfer = o.base64 ? MESSAGE_BASE64 : MESSAGE_QUOTED_PRINTABLE,
	};
	struct arena arena;
	arena_init(&arena);
	char *data;
	size_t len;
	int rc = o.cfg.kind == CHANNEL_WEBHOOK
			 ? message_compose_json(&arena, &m, key, &data, &len, &st)
			 : message_compose(&arena, &m, &data, &len, &st);
	if (rc != 0) {
		fprintf(stderr, "n2gg-send-test: %s\n", st.message);
		arena_free(&arena);
		return 64;
	}
	if (channel_global_init(&st) != 0) {
		fprintf(stderr, "n2gg-send-test: %s\n", st.message);
		arena_free(&arena);
		return 1;
	}

	struct channel_item item = {key, o.to, data, len};
	struct delivery_result r;
	uint64_t wait = 0;
	int attempt = 0, status = 3;
	for (;;) {
		attempt++;
		channel_send(&o.cfg, &item, &r, &st);
		printf("attempt=%d outcome=%s net=%s code=%ld duplicate=%s reply=", attempt,
		       delivery_outcome_name(r.outcome), delivery_net_name(r.net), r.code,
		       r.duplicate ? "true" : "false");
		print_quoted(stdout, r.reply);
		putchar('\n');
		if (r.outcome == DELIVERY_OK) {
			status = 0;
			break;
		}
		if (r.outcome == DELIVERY_PERMANENT) {
			status = 2;
			if (o.dead_letter)
				dead_letter(&o, key, message_id, &r);
			break;
		}
		if (!delivery_should_retry(r.outcome, attempt, o.attempts))
			break;
		double u = next_unit(&o.seed);
		wait = o.decorrelated ? delivery_backoff_decorrelated_ms(wait, (uint64_t)o.base_ms,
									 (uint64_t)o.max_ms, u)
				      : delivery_backoff_ms(attempt, (uint64_t)o.base_ms,
							    (uint64_t)o.max_ms, u);
		/* a server that says when to come back is obeyed, within the cap */
		uint64_t after = (uint64_t)r.retry_after_s * 1000;
		uint64_t sleep_ms = after > wait ? after : wait;
		if (sleep_ms > (uint64_t)o.max_ms)
			sleep_ms = (uint64_t)o.max_ms;
		printf("wait_ms=%llu\n", (unsigned long long)sleep_ms);
		fflush(stdout);
		struct timespec ts = {(time_t)(sleep_ms / 1000),
				      (long)(sleep_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	printf("result=%s attempts=%d channel=%s key=%s message_id=%s code=%ld reply=",
	       status == 0 ? "ok" : status == 2 ? "permanent" : "transient", attempt,
	       channel_kind_name(o.cfg.kind), key, message_id, r.code);
	print_quoted(stdout, r.reply);
	putchar('\n');
	channel_global_cleanup();
	arena_free(&arena);
	secret_wipe(&o.login, sizeof o.login);
	secret_wipe(&o.webhook_key, sizeof o.webhook_key);
	return status;
}
