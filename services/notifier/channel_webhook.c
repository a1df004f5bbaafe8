/* channel_webhook: a notice POSTed as JSON with an Idempotency-Key header, signed as
 * Standard Webhooks has it, through libcurl (see channel.h). */
#include "channel.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The start of the response body, for the dead-letter list: enough to read the
 * receiver's reason, never the whole of a large error page. */
struct channel_webhook_body {
	char text[300];
	size_t len;
};

static size_t channel_webhook_write(char *buf, size_t size, size_t nitems, void *userdata)
{
	struct channel_webhook_body *b = userdata;
	size_t n = size * nitems;
	size_t take = n < sizeof b->text - 1 - b->len ? n : sizeof b->text - 1 - b->len;
	memcpy(b->text + b->len, buf, take);
	b->len += take;
	b->text[b->len] = '\0';
	return n;
}

int channel_webhook_send(const struct channel_config *cfg, const struct channel_item *item,
			 struct delivery_result *res, struct status *st)
{
	struct status why;
	if (channel_config_check(cfg, &why) != 0 || !item->key || !*item->key) {
		delivery_result_set(res, DELIVERY_PROTO_HTTP, DELIVERY_NET_CONFIG, 0,
				    item->key && *item->key ? why.message : "no idempotency key");
		return channel_result_status(res, "webhook", st);
	}
	/* signed at each attempt: the timestamp is the attempt's, or a receiver's replay
	 * window (five minutes, conventionally) would refuse a retry after a long backoff */
	char signature[SECRET_SIGNATURE_SIZE];
	int64_t now = (int64_t)time(NULL);
	if (secret_webhook_sign(cfg->webhook_key, item->key, now, item->data, item->len,
				signature, &why) != 0) {
		delivery_result_set(res, DELIVERY_PROTO_HTTP, DELIVERY_NET_CONFIG, 0, why.message);
		return channel_result_status(res, "webhook", st);
	}
	CURL *curl = curl_easy_init();
	char key_header[200], id_header[200], time_header[64], sig_header[100];
	snprintf(key_header, sizeof key_header, "Idempotency-Key: %s", item->key);
	snprintf(id_header, sizeof id_header, "webhook-id: %s", item->key);
	snprintf(time_header, sizeof time_header, "webhook-timestamp: %lld", (long long)now);
	snprintf(sig_header, sizeof sig_header, "webhook-signature: %s", signature);
	struct curl_slist *headers = NULL, *h;
	const char *lines[] = {"Content-Type: application/json; charset=utf-8", key_header,
			       id_header, time_header, sig_header, "User-Agent: n2gg-notifier",
			       "Expect:"};
	bool ok = curl != NULL;
	for (size_t i = 0; ok && i < sizeof lines / sizeof *lines; i++) {
		ok = (h = curl_slist_append(headers, lines[i])) != NULL;
		headers = ok ? h : headers;
	}
	if (!ok) {
		curl_slist_free_all(headers);
		curl_easy_cleanup(curl);
		delivery_result_set(res, DELIVERY_PROTO_HTTP, DELIVERY_NET_LOCAL_TRANSIENT, 0,
				    "libcurl: cannot start a transfer");
		return channel_result_status(res, "webhook", st);
	}
	struct channel_webhook_body body = {.len = 0};
	char err[CURL_ERROR_SIZE] = "";

	curl_easy_setopt(curl, CURLOPT_URL, cfg->target);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, item->data);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)item->len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, channel_webhook_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
			 cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, cfg->timeout_ms > 0 ? cfg->timeout_ms : 60000L);

	CURLcode rc = curl_easy_perform(curl);
	long code = 0;
	curl_off_t retry_after = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);

	char reply[DELIVERY_REPLY_MAX];
	if (rc == CURLE_OK) {
		snprintf(reply, sizeof reply, "HTTP %ld%s%s", code, body.len ? ": " : "",
			 body.text);
		delivery_result_set(res, DELIVERY_PROTO_HTTP, DELIVERY_NET_REPLIED, code, reply);
		res->retry_after_s = (long)retry_after;
	} else {
		snprintf(reply, sizeof reply, "%s", err[0] ? err : curl_easy_strerror(rc));
		delivery_result_set(res, DELIVERY_PROTO_HTTP, channel_curl_net(rc), code, reply);
	}
	return channel_result_status(res, "webhook", st);
}
