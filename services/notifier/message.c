/* message: RFC 5322 / MIME composition, the webhook's JSON, and address and URL checks
 * (see message.h). */
#include "message.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <nettle/sha2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* RFC 5322 recommends 78 characters a line; quoted-printable allows 76. */
#define MESSAGE_LINE_MAX 78
#define MESSAGE_QP_MAX 76
#define MESSAGE_B64_MAX 76
/* an encoded-word is at most 75 characters: "=?UTF-8?Q?" + text + "?=" */
#define MESSAGE_EW_MAX 75

static const char message_hex[] = "0123456789ABCDEF";

/* ---- a growing buffer in the arena ---- */

struct mbuf {
	struct arena *a;
	char *p;
	size_t len, cap;
	size_t col;  /* characters since the last LF, for folding */
};

static void mbuf_init(struct mbuf *b, struct arena *a)
{
	b->a = a;
	b->cap = 4096;
	b->p = arena_alloc(a, b->cap);
	b->len = 0;
	b->col = 0;
	b->p[0] = '\0';
}

static void mbuf_add(struct mbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap * 2;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *p = arena_alloc(b->a, cap);
		memcpy(p, b->p, b->len);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	for (size_t i = 0; i < n; i++)
		b->col = s[i] == '\n' ? 0 : b->col + 1;
}

static void mbuf_str(struct mbuf *b, const char *s)
{
	mbuf_add(b, s, strlen(s));
}

static void mbuf_ch(struct mbuf *b, char c)
{
	mbuf_add(b, &c, 1);
}

/* ---- checks ---- */

bool message_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t extra;
		uint32_t cp, min;
		if (c >= 0xc2 && c <= 0xdf) {
			extra = 1, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			extra = 2, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			extra = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i <= extra)
			return false;
		for (size_t k = 1; k <= extra; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += extra + 1;
	}
	return true;
}

/* Header text: UTF-8 without control characters, so nothing can start a new header. */
static int message_header_text_check(const char *what, const char *s, struct status *st)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "%s: control character 0x%02x (line breaks are not "
					   "allowed in a header)",
					   what, *p);
	if (!message_utf8_valid(s, strlen(s)))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: not UTF-8", what);
	return 0;
}

static bool message_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

int message_address_check(const char *address, struct status *st)
{
	if (!address || !*address)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no email address");
	const char *at = strchr(address, '@');
	if (!at || strchr(at + 1, '@'))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "'%.100s' is not an email address: it needs exactly one @",
				   address);
	size_t local = (size_t)(at - address);
	if (local == 0 || local > 64)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "'%.100s': the part before @ must have 1 to 64 characters",
				   address);
	for (const char *p = address; p < at; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f || strchr("()<>[]:;,\\\"", c))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "'%.100s': character '%c' (0x%02x) not allowed in an "
					   "address",
					   address, c >= 0x20 && c < 0x7f ? c : '?', c);
		if (c == '.' && (p == address || p + 1 == at || p[1] == '.'))
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "'%.100s': misplaced dot before @", address);
	}
	const char *dom = at + 1;
	size_t dlen = strlen(dom);
	if (dlen == 0 || dlen > 253 || !strchr(dom, '.'))
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "'%.100s': the domain must be a host name with a dot", address);
	const char *label = dom;
	for (const char *p = dom;; p++) {
		if (*p == '.' || *p == '\0') {
			size_t n = (size_t)(p - label);
			if (n == 0 || n > 63 || label[0] == '-' || p[-1] == '-')
				return status_fail(st, STATUS_INVALID_ARGUMENT,
						   "'%.100s': the domain has an empty or malformed "
						   "label",
						   address);
			if (*p == '\0')
				break;
			label = p + 1;
		} else if (!message_label_char((unsigned char)*p)) {
			unsigned char c = (unsigned char)*p;
			return status_fail(st, STATUS_INVALID_ARGUMENT,
					   "'%.100s': character '%c' (0x%02x) not allowed in a "
					   "domain",
					   address, c >= 0x20 && c < 0x7f ? c : '?', c);
		}
	}
	return 0;
}

bool message_address_valid(const char *address)
{
	return message_address_check(address, NULL) == 0;
}

bool message_host_loopback(const char *host)
{
	if (!host)
		return false;
	if (strcasecmp(host, "localhost") == 0)
		return true;
	char literal[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof literal) {
		memcpy(literal, host + 1, n - 2);   /* a URL's IPv6 literal, brackets off */
		literal[n - 2] = '\0';
		host = literal;
	}
	struct in_addr v4;
	struct in6_addr v6;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &v6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&v6) ||
		       (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
	return false;
}

/* The part of a URL libcurl would connect to or log in with, or NULL (curl_free it). */
static char *message_url_part(const char *url, CURLUPart part)
{
	CURLU *u = url ? curl_url() : NULL;
	char *out = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, part, &out, 0) != CURLUE_OK)
		out = NULL;
	curl_url_cleanup(u);
	return out;
}

bool message_url_loopback(const char *url)
{
	char *host = message_url_part(url, CURLUPART_HOST);
	bool yes = message_host_loopback(host);
	curl_free(host);
	return yes;
}

bool message_url_has_credentials(const char *url)
{
	char *user = message_url_part(url, CURLUPART_USER);
	char *password = message_url_part(url, CURLUPART_PASSWORD);
	bool yes = user || password;
	curl_free(user);
	curl_free(password);
	return yes;
}

int message_webhook_url_check(const char *url, struct status *st)
{
	if (!url || !*url)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no webhook URL");
	CURLU *u = curl_url();
	if (!u)
		return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "webhook URL: out of memory");
	int rc = 0;
	char *scheme = NULL, *host = NULL;
	CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (uc != CURLUE_OK) {
		rc = status_fail(st, STATUS_INVALID_ARGUMENT, "webhook URL '%.200s': %s", url,
				 curl_url_strerror(uc));
		goto out;
	}
	/* first, as the messages below quote the URL */
	if (message_url_has_credentials(url)) {
		rc = status_fail(st, STATUS_INVALID_ARGUMENT,
				 "webhook URL: a user name or password in the URL is refused (it "
				 "would show in logs and process listings); the receiver checks the "
				 "webhook's signature instead");
		goto out;
	}
	uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	if (uc != CURLUE_OK || (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		rc = status_fail(st, STATUS_INVALID_ARGUMENT,
				 "webhook URL '%.200s': the scheme must be http or https", url);
		goto out;
	}
	uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (uc != CURLUE_OK || !host || !*host) {
		rc = status_fail(st, STATUS_INVALID_ARGUMENT, "webhook URL '%.200s': no host",
				 url);
		goto out;
	}
	/* the letters carry names and addresses: in clear only to this machine */
	if (strcmp(scheme, "http") == 0 && !message_host_loopback(host)) {
		rc = status_fail(st, STATUS_INVALID_ARGUMENT,
				 "webhook URL '%.200s': https is required for a receiver that is not "
				 "on loopback (127.0.0.0/8, ::1, localhost)",
				 url);
		goto out;
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

bool message_webhook_url_valid(const char *url)
{
	return message_webhook_url_check(url, NULL) == 0;
}

static bool message_ascii(const char *s);

static int message_check(const struct message *m, struct status *st)
{
	const struct message_address *addrs[] = {&m->from, &m->to, m->reply_to};
	static const char *const what[] = {"From", "To", "Reply-To"};
	for (int i = 0; i < 3; i++) {
		if (!addrs[i])
			continue;
		struct status why;
		if (message_address_check(addrs[i]->address, &why))
			return status_fail(st, STATUS_INVALID_ARGUMENT, "%s: %s", what[i],
					   why.message);
		int rc;
		if (addrs[i]->name && (rc = message_header_text_check(what[i], addrs[i]->name, st)))
			return rc;
	}
	if (!m->subject || !*m->subject)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no subject");
	int rc = message_header_text_check("Subject", m->subject, st);
	if (rc)
		return rc;
	if (!m->message_id || m->message_id[0] != '<' || !strchr(m->message_id, '@') ||
	    m->message_id[strlen(m->message_id) - 1] != '>')
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "no Message-ID of the form <id@host>");
	if ((rc = message_header_text_check("Message-ID", m->message_id, st)))
		return rc;
	/* a msg-id cannot be folded: with a 64-digit key its line passes the 78 columns
	 * RFC 5322 advises, which is allowed; the 998 it requires is the limit */
	if (strchr(m->message_id, ' ') || strlen(m->message_id) > 998 - 12)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "Message-ID too long or has spaces");
	/* written as it is, unlike the Subject: a msg-id is ASCII (RFC 5322 section 3.6.4) */
	if (!message_ascii(m->message_id))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "Message-ID: not ASCII");
	if (!m->text)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "no text body");
	if (!message_utf8_valid(m->text, strlen(m->text)))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "the text body is not UTF-8");
	if (m->html && !message_utf8_valid(m->html, strlen(m->html)))
		return status_fail(st, STATUS_INVALID_ARGUMENT, "the HTML body is not UTF-8");
	if (m->utc_offset_min <= -24 * 60 || m->utc_offset_min >= 24 * 60)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "UTC offset %d minutes out of range", m->utc_offset_min);
	if (m->transfer != MESSAGE_QUOTED_PRINTABLE && m->transfer != MESSAGE_BASE64)
		return status_fail(st, STATUS_INVALID_ARGUMENT, "unknown transfer encoding");
	return 0;
}

/* ---- headers ---- */

char *message_format_date(int64_t t, int utc_offset_min, char *out)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	/* a notice is dated between 1970 and 9999; any other date (a corrupt or hostile
	 * one) is written as the epoch rather than overflowing the offset's addition */
	const int64_t last_second = INT64_C(253402300799); /* 9999-12-31T23:59:59Z */
	bool dated = t >= 0 && t <= last_second;
	time_t local = (time_t)(dated ? t + (int64_t)utc_offset_min * 60 : 0);
	struct tm tm;
	if (!dated || !gmtime_r(&local, &tm)) {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = 70;
		tm.tm_mday = 1;
		tm.tm_wday = 4;
	}
	int off = (utc_offset_min < 0 ? -utc_offset_min : utc_offset_min) % (24 * 60);
	snprintf(out, MESSAGE_DATE_SIZE, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
		 days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, utc_offset_min < 0 ? '-' : '+', off / 60,
		 off % 60);
	return out;
}

/* Appends one token of a header, after a space, or on a folded line (CRLF SP) when it
 * would push the line past MESSAGE_LINE_MAX. */
static void message_header_token(struct mbuf *b, const char *tok, size_t n, bool first)
{
	if (!first) {
		if (b->col + 1 + n > MESSAGE_LINE_MAX && b->col > 1)
			mbuf_str(b, "\r\n");
		mbuf_ch(b, ' ');
	}
	mbuf_add(b, tok, n);
}

static bool message_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80)
			return false;
	return true;
}

/* Characters an encoded-word may carry as themselves anywhere, in a phrase as in
 * unstructured text (RFC 2047 section 5, rule 3). */
static bool message_q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

/* Appends s as Q encoded-words, each at most 75 characters and holding whole UTF-8
 * characters, separated by folding white space (which decoders drop between words). */
static void message_encoded_words(struct mbuf *b, const char *s, bool first)
{
	static const char open[] = "=?UTF-8?Q?";
	char word[MESSAGE_EW_MAX + 1];
	size_t wlen = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		/* one whole character, encoded */
		size_t clen = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		char enc[16];
		size_t elen = 0;
		for (size_t k = 0; k < clen && p[k]; k++) {
			unsigned char c = p[k];
			if (c == ' ') {
				enc[elen++] = '_';
			} else if (message_q_plain(c)) {
				enc[elen++] = (char)c;
			} else {
				enc[elen++] = '=';
				enc[elen++] = message_hex[c >> 4];
				enc[elen++] = message_hex[c & 15];
			}
		}
		if (wlen && wlen + elen + 2 > MESSAGE_EW_MAX) {
			word[wlen++] = '?';
			word[wlen++] = '=';
			message_header_token(b, word, wlen, first);
			first = false;
			wlen = 0;
		}
		if (wlen == 0) {
			memcpy(word, open, sizeof open - 1);
			wlen = sizeof open - 1;
		}
		memcpy(word + wlen, enc, elen);
		wlen += elen;
		for (size_t k = 0; k < clen && *p; k++)
			p++;
	}
	if (wlen) {
		word[wlen++] = '?';
		word[wlen++] = '=';
		message_header_token(b, word, wlen, first);
	}
}

/* Appends unstructured text (a Subject): plain words when ASCII and foldable, else
 * encoded-words. */
static void message_unstructured(struct mbuf *b, const char *s)
{
	bool plain = message_ascii(s) && s[0] != ' ' && !strstr(s, "=?");
	size_t run = 0;
	for (const char *p = s; *p && plain; p++) {
		run = *p == ' ' ? 0 : run + 1;
		if (run > MESSAGE_LINE_MAX - 12)
			plain = false;  /* a word too long to fold */
	}
	if (!plain) {
		message_encoded_words(b, s, false);
		return;
	}
	const char *p = s;
	for (;;) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		message_header_token(b, p, n, false);
		if (!sp)
			break;
		p = sp + 1;
	}
}

static bool message_atext_phrase(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (!message_label_char(*p) && *p != ' ' && !strchr("!#$%&'*+/=?^_`{|}~", *p))
			return false;
	return s[0] != ' ' && !strstr(s, "=?");
}

/* The length of a name as a quoted-string, without its quotes: a quote or backslash in it
 * takes a backslash before it, so the line must be measured with them. */
static size_t message_quoted_len(const char *name)
{
	size_t n = 0;
	for (const char *p = name; *p; p++)
		n += *p == '"' || *p == '\\' ? 2 : 1;
	return n;
}

/* "Name: display-name <address>" */
static void message_address_header(struct mbuf *b, const char *field,
				   const struct message_address *addr)
{
	mbuf_str(b, field);
	mbuf_ch(b, ':');
	const char *name = addr->name;
	if (name && *name) {
		if (message_atext_phrase(name)) {
			message_unstructured(b, name);
		} else if (message_ascii(name) && message_quoted_len(name) < MESSAGE_LINE_MAX - 20) {
			/* a quoted-string: specials such as '.' and ',' are safe inside */
			mbuf_str(b, " \"");
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					mbuf_ch(b, '\\');
				mbuf_ch(b, *p);
			}
			mbuf_ch(b, '"');
		} else {
			message_encoded_words(b, name, false);
		}
		char *angle = arena_printf(b->a, "<%s>", addr->address);
		message_header_token(b, angle, strlen(angle), false);
	} else {
		message_header_token(b, addr->address, strlen(addr->address), false);
	}
	mbuf_str(b, "\r\n");
}

/* ---- bodies ---- */

/* Quoted-printable (RFC 2045 section 6.7) of text whose line ends are LF, CRLF or CR,
 * written with CRLF. Besides what the RFC requires, a '.' or the 'F' of "From " opening a
 * line is encoded, so no relay's dot-stuffing or mbox quoting can alter the text. */
static void message_qp(struct mbuf *b, const char *s)
{
	size_t col = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p == '\r' || *p == '\n') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			p++;
			mbuf_str(b, "\r\n");
			col = 0;
			continue;
		}
		unsigned char c = *p;
		bool line_end = p[1] == '\0' || p[1] == '\r' || p[1] == '\n';
		bool encode = c == '=' || c >= 0x7f || (c < 0x20 && c != '\t') ||
			      ((c == ' ' || c == '\t') && line_end) ||
			      (col == 0 && c == '.') ||
			      (col == 0 && c == 'F' && strncmp((const char *)p, "From ", 5) == 0);
		size_t n = encode ? 3 : 1;
		/* room for the soft break's '=' unless this is the line's last character */
		size_t limit = line_end ? MESSAGE_QP_MAX : MESSAGE_QP_MAX - 1;
		if (col + n > limit) {
			mbuf_str(b, "=\r\n");
			col = 0;
			if (c == '.' || (c == 'F' && strncmp((const char *)p, "From ", 5) == 0))
				encode = true, n = 3;
		}
		if (encode) {
			char e[3] = {'=', message_hex[c >> 4], message_hex[c & 15]};
			mbuf_add(b, e, 3);
		} else {
			mbuf_ch(b, (char)c);
		}
		col += n;
		p++;
	}
}

/* Base64 of the text with its line ends made CRLF first (text travels in canonical
 * form), in lines of 76. */
static void message_base64(struct mbuf *b, const char *s)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct mbuf canon;
	mbuf_init(&canon, b->a);
	for (const char *p = s; *p; p++) {
		if (*p == '\r' || *p == '\n') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			mbuf_str(&canon, "\r\n");
		} else {
			mbuf_ch(&canon, *p);
		}
	}
	const unsigned char *d = (const unsigned char *)canon.p;
	size_t col = 0;
	for (size_t i = 0; i < canon.len; i += 3) {
		size_t rest = canon.len - i;
		uint32_t v = (uint32_t)d[i] << 16;
		if (rest > 1)
			v |= (uint32_t)d[i + 1] << 8;
		if (rest > 2)
			v |= d[i + 2];
		char q[4] = {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
			     rest > 1 ? alphabet[(v >> 6) & 63] : '=',
			     rest > 2 ? alphabet[v & 63] : '='};
		if (col + 4 > MESSAGE_B64_MAX) {
			mbuf_str(b, "\r\n");
			col = 0;
		}
		mbuf_add(b, q, 4);
		col += 4;
	}
}

static void message_part(struct mbuf *b, const char *type, const char *body,
			  enum message_transfer transfer)
{
	mbuf_str(b, "Content-Type: ");
	mbuf_str(b, type);
	mbuf_str(b, "; charset=UTF-8\r\nContent-Transfer-Encoding: ");
	mbuf_str(b, transfer == MESSAGE_BASE64 ? "base64" : "quoted-printable");
	mbuf_str(b, "\r\n\r\n");
	if (transfer == MESSAGE_BASE64)
		message_base64(b, body);
	else
		message_qp(b, body);
	/* the CRLF before a boundary belongs to the boundary, not to the body */
	mbuf_str(b, "\r\n");
}

/* "=_" can occur in neither quoted-printable nor base64, so the boundary cannot appear
 * in an encoded part; the hash of the Message-ID makes it the same on every retry. */
static void message_boundary(const char *message_id, char out[32])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(message_id), (const uint8_t *)message_id);
	sha256_digest(&ctx, sizeof digest, digest);
	memcpy(out, "=_n2gg_", 7);
	for (int i = 0; i < 12; i++) {
		out[7 + 2 * i] = "0123456789abcdef"[digest[i] >> 4];
		out[8 + 2 * i] = "0123456789abcdef"[digest[i] & 15];
	}
	out[31] = '\0';
}

int message_compose(struct arena *a, const struct message *m, char **out, size_t *len,
		    struct status *st)
{
	*out = NULL;
	*len = 0;
	int rc = message_check(m, st);
	if (rc)
		return rc;
	struct mbuf b;
	mbuf_init(&b, a);
	message_address_header(&b, "From", &m->from);
	message_address_header(&b, "To", &m->to);
	if (m->reply_to)
		message_address_header(&b, "Reply-To", m->reply_to);
	mbuf_str(&b, "Subject:");
	message_unstructured(&b, m->subject);
	char date[MESSAGE_DATE_SIZE];
	mbuf_str(&b, "\r\nDate: ");
	mbuf_str(&b, message_format_date(m->date, m->utc_offset_min, date));
	mbuf_str(&b, "\r\nMessage-ID: ");
	mbuf_str(&b, m->message_id);
	/* RFC 3834: a machine's letter, so no out-of-office reply should come back */
	mbuf_str(&b, "\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	if (!m->html) {
		message_part(&b, "text/plain", m->text, m->transfer);
	} else {
		char boundary[32];
		message_boundary(m->message_id, boundary);
		mbuf_str(&b, "Content-Type: multipart/alternative;\r\n boundary=\"");
		mbuf_str(&b, boundary);
		mbuf_str(&b, "\"\r\n\r\nThis is a multi-part message in MIME format.\r\n");
		mbuf_str(&b, "\r\n--");
		mbuf_str(&b, boundary);
		mbuf_str(&b, "\r\n");
		message_part(&b, "text/plain", m->text, m->transfer);
		mbuf_str(&b, "--");
		mbuf_str(&b, boundary);
		mbuf_str(&b, "\r\n");
		message_part(&b, "text/html", m->html, m->transfer);
		mbuf_str(&b, "--");
		mbuf_str(&b, boundary);
		mbuf_str(&b, "--\r\n");
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

/* ---- JSON ---- */

static void message_json_string(struct mbuf *b, const char *s)
{
	mbuf_ch(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': mbuf_str(b, "\\\""); break;
		case '\\': mbuf_str(b, "\\\\"); break;
		case '\n': mbuf_str(b, "\\n"); break;
		case '\r': mbuf_str(b, "\\r"); break;
		case '\t': mbuf_str(b, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				char e[8];
				snprintf(e, sizeof e, "\\u%04x", *p);
				mbuf_str(b, e);
			} else {
				mbuf_ch(b, (char)*p);
			}
		}
	}
	mbuf_ch(b, '"');
}

static void message_json_address(struct mbuf *b, const char *field,
				 const struct message_address *addr)
{
	mbuf_str(b, ",\"");
	mbuf_str(b, field);
	mbuf_str(b, "\":{\"name\":");
	message_json_string(b, addr->name ? addr->name : "");
	mbuf_str(b, ",\"address\":");
	message_json_string(b, addr->address);
	mbuf_ch(b, '}');
}

int message_compose_json(struct arena *a, const struct message *m, const char *key,
			 char **out, size_t *len, struct status *st)
{
	*out = NULL;
	*len = 0;
	int rc = message_check(m, st);
	if (rc)
		return rc;
	if (!key || !*key || (rc = message_header_text_check("idempotency key", key, st)))
		return rc ? rc : status_fail(st, STATUS_INVALID_ARGUMENT, "no idempotency key");
	struct mbuf b;
	mbuf_init(&b, a);
	mbuf_str(&b, "{\"idempotency_key\":");
	message_json_string(&b, key);
	mbuf_str(&b, ",\"message_id\":");
	message_json_string(&b, m->message_id);
	time_t t = (time_t)m->date;
	struct tm tm;
	char date[80] = "1970-01-01T00:00:00Z";
	if (gmtime_r(&t, &tm))
		snprintf(date, sizeof date, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	mbuf_str(&b, ",\"date\":");
	message_json_string(&b, date);
	message_json_address(&b, "from", &m->from);
	message_json_address(&b, "to", &m->to);
	mbuf_str(&b, ",\"subject\":");
	message_json_string(&b, m->subject);
	mbuf_str(&b, ",\"text\":");
	message_json_string(&b, m->text);
	if (m->html) {
		mbuf_str(&b, ",\"html\":");
		message_json_string(&b, m->html);
	}
	mbuf_str(&b, "}");
	*out = b.p;
	*len = b.len;
	return 0;
}
