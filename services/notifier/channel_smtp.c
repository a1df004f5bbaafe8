/* channel_smtp: one message to one recipient through an SMTP server with libcurl,
 * keeping the server's last reply (see channel.h). */
#include "channel.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

struct channel_smtp_upload {
	const char *data;
	size_t len, pos;
};

static size_t channel_smtp_read(char *buf, size_t size, size_t nitems, void *userdata)
{
	struct channel_smtp_upload *up = userdata;
	size_t room = size * nitems, left = up->len - up->pos;
	size_t n = left < room ? left : room;
	memcpy(buf, up->data + up->pos, n);
	up->pos += n;
	return n;
}

/* The server's replies, as libcurl hands every response line to the header callback:
 * `last` is the latest complete reply, a multi-line one ("250-...", "250 ...") joined. */
struct channel_smtp_replies {
	char cur[DELIVERY_REPLY_MAX];
	char last[DELIVERY_REPLY_MAX];
	bool cur_done;
};

static size_t channel_smtp_header(char *buf, size_t size, size_t nitems, void *userdata)
{
	struct channel_smtp_replies *r = userdata;
	size_t n = size * nitems;
	if (r->cur_done) {
		r->cur[0] = '\0';
		r->cur_done = false;
	}
	size_t have = strlen(r->cur);
	if (have && have + 1 < sizeof r->cur)
		r->cur[have++] = ' ';
	size_t take = n < sizeof r->cur - 1 - have ? n : sizeof r->cur - 1 - have;
	memcpy(r->cur + have, buf, take);
	r->cur[have + take] = '\0';
	/* "NNN-" continues the reply, "NNN " or a bare "NNN" ends it; QUIT's 221 says
	 * nothing about the letter and must not hide the reply that does */
	if (!(n >= 4 && buf[3] == '-') && strncmp(r->cur, "221", 3) != 0) {
		memcpy(r->last, r->cur, sizeof r->last);
		r->cur_done = true;
	}
	return n;
}

int channel_smtp_send(const struct channel_config *cfg, const struct channel_item *item,
		      struct delivery_result *res, struct status *st)
{
	struct status why;
	if (channel_config_check(cfg, &why) != 0 || !item->recipient || !*item->recipient) {
		delivery_result_set(res, DELIVERY_PROTO_SMTP, DELIVERY_NET_CONFIG, 0,
				    item->recipient && *item->recipient ? why.message
									: "no recipient");
		return channel_result_status(res, "smtp", st);
	}
	CURL *curl = curl_easy_init();
	if (!curl) {
		delivery_result_set(res, DELIVERY_PROTO_SMTP, DELIVERY_NET_LOCAL_TRANSIENT, 0,
				    "libcurl: cannot start a transfer");
		return channel_result_status(res, "smtp", st);
	}
	char from[300], rcpt[300];
	snprintf(from, sizeof from, "<%s>", cfg->mail_from);
	snprintf(rcpt, sizeof rcpt, "<%s>", item->recipient);
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	struct channel_smtp_upload up = {item->data, item->len, 0};
	struct channel_smtp_replies replies = {0};
	char err[CURL_ERROR_SIZE] = "";
	static const long tls[] = {
		[CHANNEL_TLS_TRY] = CURLUSESSL_TRY,
		[CHANNEL_TLS_NONE] = CURLUSESSL_NONE,
		[CHANNEL_TLS_REQUIRED] = CURLUSESSL_ALL,
	};

	curl_easy_setopt(curl, CURLOPT_URL, cfg->target);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, channel_smtp_read);
	curl_easy_setopt(curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)item->len);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, channel_smtp_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &replies);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, tls[channel_smtp_tls(cfg)]);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
			 cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, cfg->timeout_ms > 0 ? cfg->timeout_ms : 60000L);
	/* never CURLOPT_VERBOSE: its trace of the dialogue would hold the AUTH line, the
	 * password in base64 */
	if (cfg->username) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->username);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->password);
	}

	CURLcode rc = rcpts ? curl_easy_perform(curl) : CURLE_OUT_OF_MEMORY;
	long code = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(curl);

	if (rc == CURLE_OK || code >= 400) {
		/* the server had the last word (an error reply makes libcurl fail with a
		 * send error or "weird server reply", but its code is what counts) */
		if (rc == CURLE_OK && (code < 200 || code >= 300))
			code = 250;  /* libcurl completes a transfer only on a 2xx */
		delivery_result_set(res, DELIVERY_PROTO_SMTP, DELIVERY_NET_REPLIED, code,
				    replies.last[0] ? replies.last
						    : (err[0] ? err : curl_easy_strerror(rc)));
	} else {
		char reply[DELIVERY_REPLY_MAX];
		snprintf(reply, sizeof reply, "%.180s%s%.300s", err[0] ? err : curl_easy_strerror(rc),
			 replies.last[0] ? "; last reply: " : "", replies.last);
		delivery_result_set(res, DELIVERY_PROTO_SMTP, channel_curl_net(rc), code, reply);
	}
	return channel_result_status(res, "smtp", st);
}
