/* channel: what the three channels share: names, the configuration check, dispatch, and
 * the meaning of a libcurl error (see channel.h). */
#include "channel.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "message.h"

int channel_global_init(struct status *st)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		return status_fail(st, STATUS_INTERNAL, "libcurl: %s", curl_easy_strerror(rc));
	return 0;
}

void channel_global_cleanup(void)
{
	curl_global_cleanup();
}

const char *channel_kind_name(enum channel_kind kind)
{
	switch (kind) {
	case CHANNEL_MAILDIR: return "maildir";
	case CHANNEL_SMTP: return "smtp";
	case CHANNEL_WEBHOOK: return "webhook";
	}
	return "?";
}

int channel_kind_parse(const char *name, enum channel_kind *kind)
{
	for (int k = CHANNEL_MAILDIR; k <= CHANNEL_WEBHOOK; k++)
		if (name && strcmp(name, channel_kind_name((enum channel_kind)k)) == 0) {
			*kind = (enum channel_kind)k;
			return 0;
		}
	return -1;
}

int channel_config_check(const struct channel_config *cfg, struct status *st)
{
	if (!cfg->target || !*cfg->target)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: no target",
				   channel_kind_name(cfg->kind));
	switch (cfg->kind) {
	case CHANNEL_MAILDIR:
		return 0;
	case CHANNEL_SMTP: {
		if (strncmp(cfg->target, "smtp://", 7) != 0 &&
		    strncmp(cfg->target, "smtps://", 8) != 0)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "smtp: '%.200s' is not an smtp:// or smtps:// URL",
					   cfg->target);
		struct status why;
		if (message_address_check(cfg->mail_from, &why))
			return status_fail(st, STATUS_INVALID_ARGUMENT, "smtp: sender: %s",
					   why.message);
		if (!cfg->username != !cfg->password)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "smtp: a user name needs a password and vice versa");
		/* the target is logged and shown in process listings; a password is not */
		if (message_url_has_credentials(cfg->target))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "smtp: a user name or password in the URL is refused; "
					   "give them in a login file");
		if (cfg->tls == CHANNEL_TLS_NONE && !message_url_loopback(cfg->target))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "smtp: TLS 'none' is only for a mail server on loopback "
					   "(127.0.0.0/8, ::1, localhost), and '%.200s' is not: "
					   "STARTTLS is required",
					   cfg->target);
		return 0;
	}
	case CHANNEL_WEBHOOK: {
		int rc = message_webhook_url_check(cfg->target, st);
		if (rc < 0)
			return rc;
		if (!cfg->webhook_key || cfg->webhook_key->len < SECRET_WEBHOOK_KEY_MIN ||
		    cfg->webhook_key->len > SECRET_WEBHOOK_KEY_MAX)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "webhook: no signing secret (every webhook is signed)");
		return 0;
	}
	}
	return status_fail(st, STATUS_INVALID_ARGUMENT, "unknown channel %d", (int)cfg->kind);
}

enum channel_tls channel_smtp_tls(const struct channel_config *cfg)
{
	if (!message_url_loopback(cfg->target))
		return CHANNEL_TLS_REQUIRED;
	return cfg->tls <= CHANNEL_TLS_REQUIRED ? cfg->tls : CHANNEL_TLS_TRY;
}

int channel_secret_read(const char *path, const char *what, char *buf, size_t cap,
			size_t *len, struct status *st)
{
	*len = 0;
	if (cap)
		buf[0] = '\0';
	/* opened first and then looked at, so what is checked is what is read; a symbolic
	 * link is followed (a Kubernetes secret volume is made of them); O_NONBLOCK so that
	 * a FIFO given by mistake is refused below rather than waited on */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return status_fail(st, STATUS_FAILED_PRECONDITION, "%s %s: %s", what, path,
				   strerror(errno));
	struct stat sb;
	struct status why;
	int rc = 0, verdict = 0;
	if (fstat(fd, &sb) != 0) {
		rc = status_fail(st, STATUS_FAILED_PRECONDITION, "%s %s: %s", what, path,
				 strerror(errno));
	} else if (!S_ISREG(sb.st_mode)) {
		rc = status_fail(st, STATUS_FAILED_PRECONDITION, "%s %s: not a regular file",
				 what, path);
	} else if ((verdict = secret_file_mode_check((unsigned)sb.st_mode, &why)) < 0) {
		rc = status_fail(st, STATUS_FAILED_PRECONDITION, "%s %s: %s", what, path,
				 why.message);
	} else if (sb.st_size == 0) {
		rc = status_fail(st, STATUS_FAILED_PRECONDITION, "%s %s: empty", what, path);
	} else if ((size_t)sb.st_size >= cap) {
		rc = status_fail(st, STATUS_FAILED_PRECONDITION,
				 "%s %s: %lld bytes, more than a secret takes (%zu at most)", what,
				 path, (long long)sb.st_size, cap - 1);
	} else {
		size_t got = 0;
		ssize_t n = 1;
		while (got < cap - 1 && (n = read(fd, buf + got, cap - 1 - got)) > 0)
			got += (size_t)n;
		if (n < 0) {
			rc = status_fail(st, STATUS_FAILED_PRECONDITION, "%s %s: %s", what, path,
					 strerror(errno));
			got = 0;
		} else if (got == 0) {
			rc = status_fail(st, STATUS_FAILED_PRECONDITION, "%s %s: empty", what,
					 path);
		}
		buf[got] = '\0';
		*len = got;
	}
	close(fd);
	if (rc < 0) {
		secret_wipe(buf, cap);
		*len = 0;
		return rc;
	}
	if (verdict == 1) {
		status_fail(st, STATUS_OK, "%s %s: %s", what, path, why.message);
		return 1;
	}
	if (st)
		status_clear(st);
	return 0;
}

int channel_send(const struct channel_config *cfg, const struct channel_item *item,
		 struct delivery_result *res, struct status *st)
{
	switch (cfg->kind) {
	case CHANNEL_MAILDIR:
		return channel_maildir_send(cfg, item, res, st);
	case CHANNEL_SMTP:
		return channel_smtp_send(cfg, item, res, st);
	case CHANNEL_WEBHOOK:
		return channel_webhook_send(cfg, item, res, st);
	}
	delivery_result_set(res, DELIVERY_PROTO_FILE, DELIVERY_NET_CONFIG, 0, "unknown channel");
	return channel_result_status(res, "channel", st);
}

enum delivery_net channel_curl_net(int curl_code)
{
	switch ((CURLcode)curl_code) {
	case CURLE_OK:
		return DELIVERY_NET_REPLIED;
	case CURLE_COULDNT_CONNECT:
		return DELIVERY_NET_REFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return DELIVERY_NET_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return DELIVERY_NET_RESOLVE;
	/* a certificate that does not verify will not verify on the next try either; a
	 * handshake cut short (CURLE_SSL_CONNECT_ERROR) may be the network: left transient */
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return DELIVERY_NET_TLS;
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
		return DELIVERY_NET_AUTH;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_NOT_BUILT_IN:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_UNKNOWN_OPTION:
		return DELIVERY_NET_CONFIG;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_FAILED_INIT:
		return DELIVERY_NET_LOCAL_TRANSIENT;
	default:
		/* send/receive errors, nothing received, a reply curl could not read: the
		 * connection broke, which is worth another try */
		return DELIVERY_NET_BROKEN;
	}
}

int channel_result_status(const struct delivery_result *res, const char *what,
			  struct status *st)
{
	if (res->outcome == DELIVERY_OK) {
		status_clear(st);
		return 0;
	}
	enum status_code code = res->outcome == DELIVERY_TRANSIENT ? STATUS_UNAVAILABLE
				: res->net == DELIVERY_NET_CONFIG  ? STATUS_INVALID_ARGUMENT
								   : STATUS_FAILED_PRECONDITION;
	if (res->code)
		return status_fail(st, code, "%s: %s (%s %ld): %s", what,
				   delivery_outcome_name(res->outcome),
				   delivery_protocol_name(res->protocol), res->code, res->reply);
	return status_fail(st, code, "%s: %s (%s): %s", what, delivery_outcome_name(res->outcome),
			   delivery_net_name(res->net), res->reply);
}
