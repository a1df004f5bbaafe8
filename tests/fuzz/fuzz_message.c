/* fuzz_message: composing a notice as an RFC 5322 message (message_compose) and as a
 * webhook's JSON (message_compose_json), with hostile header values, names and addresses:
 * a school's name, a headteacher's name and address and a subject all come from files
 * and requests. The input is NUL-separated: from name, from address, to name, to address,
 * subject, text, html (absent: text only), Message-ID, reply-to address (empty: none),
 * then raw parameter bytes: transfer encoding, UTC offset (2 bytes), date (8 bytes).
 *
 * What message.h promises of a composed message, checked here: 7-bit text with CRLF line
 * ends and no control character but a body's tab, no line over 998 characters and none over 78 but one that holds
 * a single word (an address or Message-ID cannot be folded), body lines of at most 76,
 * exactly the header fields the composer writes (so no value can add one: no "Bcc:"),
 * and a JSON body that parses back to the very values given. */
#include "fuzz_support.h"

#include <jansson.h>

#include "arena.h"
#include "message.h"

static const char *const header_fields[] = {
	"From:", "To:", "Reply-To:", "Subject:", "Date:", "Message-ID:", "MIME-Version:",
	"Auto-Submitted:", "Content-Type:", "Content-Transfer-Encoding:", NULL,
};

static bool known_field(const char *line, size_t n)
{
	for (int i = 0; header_fields[i]; i++) {
		size_t k = strlen(header_fields[i]);
		if (n >= k && strncmp(line, header_fields[i], k) == 0)
			return true;
	}
	return false;
}

/* A line over 78 characters is allowed only when it cannot be folded: after the field
 * name (or the fold's leading space) it is one word. */
static bool one_word(const char *line, size_t n)
{
	size_t i = 0;
	if (line[0] != ' ') {
		while (i < n && line[i] != ':')
			i++;
		i++;
	}
	while (i < n && line[i] == ' ')
		i++;
	return !memchr(line + i, ' ', n - i);
}

static void check_mime(const char *out, size_t len, const struct message *m)
{
	fuzz_assert(strlen(out) == len, "the message has a NUL or a wrong length");
	bool in_headers = true, part_headers = false;
	size_t pos = 0;
	while (pos < len) {
		const char *cr = memchr(out + pos, '\r', len - pos);
		fuzz_assert(cr && (size_t)(cr - out) + 1 < len && cr[1] == '\n',
			    "a line at byte %zu does not end in CRLF", pos);
		const char *line = out + pos;
		size_t n = (size_t)(cr - line);
		fuzz_assert(!memchr(line, '\n', n), "a bare LF at byte %zu", pos);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)line[i];
			/* quoted-printable keeps a tab that does not end a line */
			fuzz_assert(c < 0x80 && (c >= 0x20 || (c == '\t' && !in_headers)),
				    "byte 0x%02x in line at %zu", c, pos);
		}
		fuzz_assert(n <= 998, "a line of %zu characters", n);
		if (in_headers) {
			if (n == 0) {
				in_headers = false;
			} else {
				fuzz_assert(line[0] == ' ' || known_field(line, n),
					    "a header field the composer does not write: %.*s", (int)n,
					    line);
				fuzz_assert(n <= 78 || one_word(line, n), "a header line of %zu: %.*s",
					    n, (int)n, line);
			}
		} else if (n >= 2 && line[0] == '-' && line[1] == '-') {
			part_headers = true;
		} else if (part_headers) {
			if (n == 0)
				part_headers = false;
		} else {
			fuzz_assert(n <= 76 || strncmp(line, "This is a multi-part", 20) == 0,
				    "a body line of %zu characters", n);
		}
		pos += n + 2;
	}
	fuzz_assert(!in_headers, "no end to the header");
	(void)m;
}

static void check_json(const char *out, size_t len, const struct message *m, const char *key)
{
	json_error_t err;
	json_t *j = json_loadb(out, len, 0, &err);
	fuzz_assert(j, "the webhook's JSON does not parse: %s: %.*s", err.text, (int)len, out);
	fuzz_assert(strcmp(json_string_value(json_object_get(j, "subject")), m->subject) == 0,
		    "the JSON's subject differs");
	fuzz_assert(strcmp(json_string_value(json_object_get(j, "text")), m->text) == 0,
		    "the JSON's text differs");
	fuzz_assert(strcmp(json_string_value(json_object_get(j, "idempotency_key")), key) == 0,
		    "the JSON's key differs");
	json_t *to = json_object_get(j, "to");
	fuzz_assert(strcmp(json_string_value(json_object_get(to, "address")), m->to.address) == 0,
		    "the JSON's To address differs");
	fuzz_assert(!m->html == !json_object_get(j, "html"), "the JSON's html comes and goes");
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_split sp;
	fuzz_split(&sp, data, size);
	struct message_address reply = {NULL, fuzz_piece(&sp, 8)};
	/* the parameters are the raw bytes after the ninth NUL (they may hold NULs) */
	const uint8_t *params = data + size;
	for (size_t i = 0, nuls = 0; i < size; i++)
		if (data[i] == 0 && ++nuls == 9) {
			params = data + i + 1;
			break;
		}
	size_t plen = (size_t)(data + size - params);
	int64_t date = 1380610800;  /* 1 October 2013 */
	int offset = 60;
	enum message_transfer transfer = MESSAGE_QUOTED_PRINTABLE;
	if (plen >= 1)
		transfer = params[0] & 1 ? MESSAGE_BASE64 : MESSAGE_QUOTED_PRINTABLE;
	if (plen >= 3)
		offset = (int16_t)(params[1] | params[2] << 8);
	if (plen >= 11) {
		uint64_t t = 0;
		for (int i = 0; i < 8; i++)
			t |= (uint64_t)params[3 + i] << (8 * i);
		date = (int64_t)t;
	}
	struct message m = {
		.from = {fuzz_piece(&sp, 0), fuzz_piece(&sp, 1)},
		.to = {fuzz_piece(&sp, 2), fuzz_piece(&sp, 3)},
		.reply_to = reply.address[0] ? &reply : NULL,
		.subject = fuzz_piece(&sp, 4),
		.text = fuzz_piece(&sp, 5),
		.html = sp.count > 6 ? fuzz_piece(&sp, 6) : NULL,
		.date = date,
		.utc_offset_min = offset,
		.message_id = fuzz_piece(&sp, 7),
		.transfer = transfer,
	};

	struct arena a;
	arena_init(&a);
	struct status st = {0};
	char *out;
	size_t len;
	int rc = message_compose(&a, &m, &out, &len, &st);
	if (rc == 0) {
		check_mime(out, len, &m);
		/* the same input gives the same bytes: a retried letter is the letter first tried */
		char *again;
		size_t again_len;
		fuzz_assert(message_compose(&a, &m, &again, &again_len, &st) == 0 &&
				    again_len == len && memcmp(out, again, len) == 0,
			    "composing twice gave two letters");
	} else {
		fuzz_assert(st.code == STATUS_INVALID_ARGUMENT && st.message[0],
			    "refused with %d and no reason", rc);
	}
	const char *key = "0f3c2a";
	int jrc = message_compose_json(&a, &m, key, &out, &len, &st);
	fuzz_assert((jrc == 0) == (rc == 0), "MIME %s and JSON %s", rc ? "refused" : "accepted",
		    jrc ? "refused" : "accepted");
	if (jrc == 0)
		check_json(out, len, &m, key);

	char date_text[MESSAGE_DATE_SIZE];
	message_format_date(date, offset, date_text);
	fuzz_assert(strlen(date_text) < MESSAGE_DATE_SIZE, "date unterminated");
	(void)message_address_valid(m.to.address);
	(void)message_webhook_url_valid(m.subject);
	arena_free(&a);
	fuzz_split_free(&sp);
	return 0;
}
