"""Integration tests of the notifier's channels over real protocols: n2gg-send-test (one
notice, one channel, the notifier's retry rules) against an SMTP sink (Debian's
python3-aiosmtpd, in process), a small http.server webhook receiver and a mail directory.

Checked: a greylisting sink (451 twice) ends with exactly one accepted message, counted by
Message-ID, the same letter on every attempt; 550 is permanent (one attempt, the server's
reply kept in the dead-letter line); a webhook answering 503 then 200 gets one delivery
under one Idempotency-Key; 400 is permanent; connection refused is transient on both; a
mail directory written twice holds one file.

And the channels' security: every webhook is signed as Standard Webhooks has it, which a
receiver checks here with Python's own hmac and the same secret file (and a wrong secret
or a changed body does not pass); an unsigned webhook, a bad or world-readable secret
file, plain http to a host not on loopback are refused; the SMTP login comes from a file
and works against a sink that requires it, its password in no output; plain text to a
mail server not on loopback is refused, and STARTTLS is required of one even when only
"try" was asked for.

ctest sets N2GG_BUILD_DIR."""
import atexit
import base64
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from harness import free_port

BUILD_DIR = os.environ.get("N2GG_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
SEND = os.path.join(BUILD_DIR, "services", "notifier", "n2gg-send-test")
SLOW = 4 if "asan" in os.path.basename(os.path.normpath(BUILD_DIR)) else 1

OK, PERMANENT, TRANSIENT, USAGE = 0, 2, 3, 64


def logfmt(line):
    """key=value pairs of one line; values may be "quoted" with \\" and \\\\ escapes."""
    out, i = {}, 0
    while i < len(line):
        while i < len(line) and line[i] == " ":
            i += 1
        eq = line.find("=", i)
        if eq < 0:
            break
        key, i = line[i:eq], eq + 1
        if i < len(line) and line[i] == '"':
            i += 1
            val = []
            while line[i] != '"':
                if line[i] == "\\":
                    i += 1
                val.append(line[i])
                i += 1
            i += 1
            out[key] = "".join(val)
        else:
            end = line.find(" ", i)
            end = len(line) if end < 0 else end
            out[key], i = line[i:end], end
    return out


# ---- secrets ----

def write_secret(path, text, mode=0o600):
    """A secret file as an operator would make it: created with its mode, whatever the
    umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def new_webhook_secret():
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


_default_secret = {}


def default_secret_file():
    """The webhook secret send() signs with unless told otherwise: (secret, path)."""
    if not _default_secret:
        d = tempfile.mkdtemp(prefix="n2gg-secret-")
        atexit.register(shutil.rmtree, d, True)
        secret = new_webhook_secret()
        _default_secret["v"] = (secret, write_secret(os.path.join(d, "webhook.secret"), secret))
    return _default_secret["v"]


def verify_webhook(secret, request, tolerance=300):
    """What a Standard Webhooks receiver does, written from the convention alone: the key
    is the base64 after whsec_; the signature, base64 of HMAC-SHA256 of
    "<webhook-id>.<webhook-timestamp>.<body>", is one of the space-separated "v1,..."
    values of webhook-signature; a timestamp more than `tolerance` seconds from now is a
    replay. True when the request passes."""
    key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    msg_id, stamp, header = request["webhook_id"], request["timestamp"], request["signature"]
    if not (msg_id and stamp and header) or abs(time.time() - int(stamp)) > tolerance:
        return False
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + request["body"],
                                         hashlib.sha256).digest()).decode()
    return any(v.startswith("v1,") and hmac.compare_digest(v[3:], expected)
               for v in header.split(" "))


def local_address():
    """This machine's address on its default route (not loopback), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))   # no packet is sent: a UDP connect only routes
            return s.getsockname()[0]
        except OSError:
            return None


class Run:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        lines = proc.stdout.splitlines()
        self.attempts = [logfmt(x) for x in lines if x.startswith("attempt=")]
        self.waits = [int(logfmt(x)["wait_ms"]) for x in lines if x.startswith("wait_ms=")]
        results = [logfmt(x) for x in lines if x.startswith("result=")]
        self.result = results[-1] if results else {}


def send(channel, target, *extra, attempts=5, notice="category-letter-2013-10-01-121234",
         to="head@school.norfolk.sch.uk", secret_file=None, tls="none"):
    """n2gg-send-test; a webhook is signed with default_secret_file() unless secret_file
    names another (or is False: none)."""
    if channel == "webhook" and secret_file is None:
        secret_file = default_secret_file()[1]
    if secret_file:
        extra = ("--secret-file", secret_file, *extra)
    args = [SEND, "--channel", channel, "--target", target, "--to", to, "--to-name", "Zoë Smith",
            "--from", "n2gg@norfolk.gov.uk", "--from-name", "Norfolk County Council",
            "--notice", notice, "--subject", "Zoë’s school: category letter",
            "--text", "Dear Zoë,\nYour school is in category C.\n",
            "--html", "<p>Dear Zoë,</p><p>Your school is in category C.</p>",
            "--date", "1380614400", "--attempts", str(attempts), "--base-ms", "20",
            "--max-ms", "100", "--seed", "7", "--connect-timeout-ms", str(2000 * SLOW),
            "--timeout-ms", str(10000 * SLOW), "--tls", tls, *extra]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=60 * SLOW)
    if proc.stderr:
        print(proc.stderr)
    return Run(proc)


# ---- SMTP sinks ----

class Greylisting:
    """Answers 451 to the first `fails` messages, then 250; keeps every attempt's bytes."""

    def __init__(self, fails=2):
        self.fails = fails
        self.seen = []      # (rcpt_tos, Message-ID) of every DATA, accepted or not
        self.accepted = []  # parsed messages answered 250

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.seen.append((list(envelope.rcpt_tos), msg["Message-ID"]))
        if len(self.seen) <= self.fails:
            return "451 4.7.1 Greylisted, please try again later"
        self.accepted.append((envelope, msg))
        return "250 2.0.0 Ok: queued"


class Rejecting:
    """Refuses every recipient with 550."""

    def __init__(self):
        self.rcpt_attempts = 0
        self.data = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts += 1
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"

    async def handle_DATA(self, server, session, envelope):
        self.data += 1
        return "250 2.0.0 Ok"


class Login:
    """An authenticator for aiosmtpd: accepts one user and password, keeps every try."""

    def __init__(self, user, password):
        self.user, self.password = user, password
        self.tries = []   # (mechanism, user, password)

    def __call__(self, server, session, envelope, mechanism, auth_data):
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.tries.append((mechanism, user, password))
        # handled=False: aiosmtpd answers a failure (535) itself
        return AuthResult(success=(user, password) == (self.user, self.password), handled=False)


class SmtpSink:
    """An aiosmtpd sink on 127.0.0.1 (or `host`); with `login` (a Login) it requires AUTH
    before MAIL, and offers it without TLS (the sink has none; on loopback the notifier
    allows that)."""

    def __init__(self, handler, login=None, host="127.0.0.1"):
        self.handler = handler
        self.host = host
        self.port = free_port()
        auth = dict(authenticator=login, auth_required=True, auth_require_tls=False) if login else {}
        # AUTH without TLS is what these tests want (on loopback only); set here, as the
        # test runner resets the filters after import
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
        self.controller = Controller(handler, hostname=host, port=self.port, **auth)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def url(self):
        return f"smtp://{self.host}:{self.port}"


# ---- webhook receivers ----

class HookHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        srv = self.server
        with srv.lock:
            status = srv.script.pop(0) if srv.script else srv.default
            srv.requests.append({"key": self.headers.get("Idempotency-Key"),
                                 "type": self.headers.get("Content-Type"),
                                 "webhook_id": self.headers.get("webhook-id"),
                                 "timestamp": self.headers.get("webhook-timestamp"),
                                 "signature": self.headers.get("webhook-signature"),
                                 "body": body, "status": status})
        reply = {200: b'{"ok":true}', 503: b"busy, come back soon",
                 400: b'{"error":"unknown school URN 999999"}'}.get(status, b"")
        self.send_response(status)
        if status == 503:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


class Webhook:
    def __init__(self, script, default):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HookHandler)
        self.server.script = list(script)
        self.server.default = default
        self.server.requests = []
        self.server.lock = threading.Lock()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/n2gg/notices"

    @property
    def requests(self):
        return self.server.requests


class ChannelTestCase(unittest.TestCase):
    def setUp(self):
        self.assertTrue(os.path.exists(SEND), f"{SEND} not built")
        self.tmp = tempfile.mkdtemp(prefix="n2gg-channels-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class SmtpTest(ChannelTestCase):
    def test_greylisted_twice_then_exactly_one_message(self):
        with SmtpSink(Greylisting(fails=2)) as sink:
            run = send("smtp", sink.url)
        self.assertEqual(run.rc, OK, run.stdout)
        self.assertEqual([a["outcome"] for a in run.attempts], ["transient", "transient", "ok"])
        self.assertEqual([a["code"] for a in run.attempts], ["451", "451", "250"])
        self.assertIn("Greylisted", run.attempts[0]["reply"])
        self.assertEqual(len(run.waits), 2)
        self.assertTrue(all(0 <= w <= 100 for w in run.waits), run.waits)
        message_id = run.result["message_id"]
        # every attempt carried the same letter; exactly one was accepted
        self.assertEqual([mid for _, mid in sink.handler.seen], [message_id] * 3)
        accepted = [msg["Message-ID"] for _, msg in sink.handler.accepted]
        self.assertEqual(accepted.count(message_id), 1)
        self.assertEqual(len(accepted), 1)
        envelope, msg = sink.handler.accepted[0]
        self.assertEqual(envelope.mail_from, "n2gg@norfolk.gov.uk")
        self.assertEqual(envelope.rcpt_tos, ["head@school.norfolk.sch.uk"])
        self.assertEqual(message_id, f"<{run.result['key']}@n2gg.invalid>")
        # a well-formed MIME letter, as a mail client reads it
        self.assertEqual(str(msg["Subject"]), "Zoë’s school: category letter")
        self.assertEqual(msg["To"].addresses[0].display_name, "Zoë Smith")
        self.assertEqual(msg.get_content_type(), "multipart/alternative")
        # (message_from_bytes keeps the CRLFs in the decoded text: compared without)
        self.assertEqual(msg.get_body(("plain",)).get_content().replace("\r\n", "\n"),
                         "Dear Zoë,\nYour school is in category C.\n")
        self.assertIn("category C", msg.get_body(("html",)).get_content())
        self.assertEqual(msg.defects, [])
        raw = envelope.original_content
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))  # CRLF only

    def test_550_is_permanent_and_keeps_the_reply(self):
        dead = os.path.join(self.tmp, "dead-letters")
        with SmtpSink(Rejecting()) as sink:
            run = send("smtp", sink.url, "--dead-letter", dead)
        self.assertEqual(run.rc, PERMANENT, run.stdout)
        self.assertEqual(len(run.attempts), 1)  # no retry
        self.assertEqual(run.attempts[0]["outcome"], "permanent")
        self.assertEqual(run.result["code"], "550")
        self.assertIn("Recipient address rejected: User unknown", run.result["reply"])
        self.assertEqual(sink.handler.rcpt_attempts, 1)
        self.assertEqual(sink.handler.data, 0)
        with open(dead, encoding="utf-8") as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 1)
        entry = logfmt(lines[0])
        self.assertEqual(entry["code"], "550")
        self.assertEqual(entry["recipient"], "head@school.norfolk.sch.uk")
        self.assertEqual(entry["key"], run.result["key"])
        self.assertIn("User unknown", entry["reply"])

    def test_connection_refused_is_transient(self):
        run = send("smtp", f"smtp://127.0.0.1:{free_port()}", attempts=3)
        self.assertEqual(run.rc, TRANSIENT, run.stdout)
        self.assertEqual(len(run.attempts), 3)
        self.assertTrue(all(a["outcome"] == "transient" and a["net"] == "refused"
                            for a in run.attempts), run.stdout)
        self.assertEqual(run.result["result"], "transient")

    def test_silent_server_times_out_transiently(self):
        # a socket that accepts connections (the backlog) but never greets
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            port = silent.getsockname()[1]
            run = send("smtp", f"smtp://127.0.0.1:{port}", "--timeout-ms", str(300 * SLOW),
                       attempts=2)
        self.assertEqual(run.rc, TRANSIENT, run.stdout)
        self.assertEqual([(a["outcome"], a["net"]) for a in run.attempts],
                         [("transient", "timeout")] * 2)

    def test_login_from_a_file(self):
        password = "c0rrect horse: battery staple"
        login = Login("n2gg-relay", password)
        creds = write_secret(os.path.join(self.tmp, "smtp.login"), f"n2gg-relay\n{password}\n")
        with SmtpSink(Greylisting(fails=0), login=login) as sink:
            run = send("smtp", sink.url, "--login-file", creds)
        self.assertEqual(run.rc, OK, run.stdout + run.stderr)
        self.assertEqual(len(sink.handler.accepted), 1)
        self.assertEqual([(u, p) for _, u, p in login.tries], [("n2gg-relay", password)])
        self.assertNotIn(password, run.stdout + run.stderr)

    def test_wrong_password_is_permanent_and_not_repeated(self):
        login = Login("n2gg-relay", "the right one")
        creds = write_secret(os.path.join(self.tmp, "smtp.login"), "n2gg-relay\nwrong-pass-1234\n")
        dead = os.path.join(self.tmp, "dead-letters")
        with SmtpSink(Greylisting(fails=0), login=login) as sink:
            run = send("smtp", sink.url, "--login-file", creds, "--dead-letter", dead)
            # and without a login at all: the server's "authentication required"
            anonymous = send("smtp", sink.url)
        self.assertEqual(run.rc, PERMANENT, run.stdout)
        self.assertEqual(len(run.attempts), 1)
        self.assertEqual(run.result["code"], "535")
        self.assertEqual(sink.handler.accepted, [])
        with open(dead, encoding="utf-8") as f:
            self.assertNotIn("wrong-pass-1234", f.read())
        self.assertNotIn("wrong-pass-1234", run.stdout + run.stderr)
        self.assertEqual(anonymous.rc, PERMANENT, anonymous.stdout)
        self.assertEqual(anonymous.result["code"], "530")

    def test_bad_login_files_are_refused(self):
        def attempt(name, text, mode=0o600):
            path = write_secret(os.path.join(self.tmp, name), text, mode) if text is not None \
                else os.path.join(self.tmp, name)
            return send("smtp", f"smtp://127.0.0.1:{free_port()}", "--login-file", path, attempts=1)

        for name, text, mode, why in (
                ("absent", None, 0, "No such file"),
                ("empty", "", 0o600, "empty"),
                ("colon", "n2gg-relay:pa55word-xyz\n", 0o600, "two lines"),
                ("no-password", "n2gg-relay\n\npa55word-xyz\n", 0o600, "password is empty"),
                ("public", "n2gg-relay\npa55word-xyz\n", 0o644, "every user of this machine")):
            run = attempt(name, text, mode)
            self.assertEqual(run.rc, USAGE, f"{name}: {run.stdout}")
            self.assertIn(why, run.stderr, name)
            self.assertNotIn("pa55word-xyz", run.stderr + run.stdout, name)
        # readable by its group: a warning, and it is used
        run = attempt("group", "n2gg-relay\npa55word-xyz\n", 0o640)
        self.assertEqual(run.rc, TRANSIENT, run.stdout + run.stderr)  # nothing listens there
        self.assertIn("warning", run.stderr)
        self.assertIn("group may read", run.stderr)

    def test_plain_text_to_a_server_not_on_loopback_is_refused(self):
        run = send("smtp", "smtp://mail.example.org:25", tls="none")
        self.assertEqual(run.rc, USAGE, run.stdout)
        self.assertIn("loopback", run.stderr)
        self.assertEqual(run.attempts, [])   # refused before any connection
        run = send("smtp", "smtp://relay:secret-in-url@127.0.0.1:25")
        self.assertEqual(run.rc, USAGE, run.stdout)
        self.assertIn("login file", run.stderr)
        self.assertNotIn("secret-in-url", run.stderr)

    def test_starttls_is_required_of_a_server_not_on_loopback(self):
        # this machine's own non-loopback address: the sink is local, but by its address
        # it could be anywhere, so "try" must mean "required"; the sink offers no
        # STARTTLS, so nothing is sent, and that will not change on a retry
        host = local_address()
        if not host or host.startswith("127."):
            self.skipTest("no non-loopback address here")
        with SmtpSink(Greylisting(fails=0), host=host) as sink:
            run = send("smtp", sink.url, tls="try", attempts=2)
        self.assertEqual(run.rc, PERMANENT, run.stdout)
        self.assertEqual(run.attempts[0]["net"], "tls", run.stdout)
        self.assertEqual(sink.handler.seen, [])


class WebhookTest(ChannelTestCase):
    def test_503_then_200_is_one_delivery(self):
        with Webhook([503], 200) as hook:
            run = send("webhook", hook.url)
        self.assertEqual(run.rc, OK, run.stdout)
        self.assertEqual([a["code"] for a in run.attempts], ["503", "200"])
        self.assertEqual(run.attempts[0]["outcome"], "transient")
        self.assertIn("busy", run.attempts[0]["reply"])
        self.assertEqual(run.waits, [100])  # Retry-After: 1, within the 100 ms cap
        key = run.result["key"]
        self.assertEqual([r["key"] for r in hook.requests], [key, key])
        delivered = [r for r in hook.requests if r["status"] == 200]
        self.assertEqual(len(delivered), 1)
        self.assertTrue(hook.requests[0]["type"].startswith("application/json"))
        self.assertEqual(hook.requests[0]["body"], hook.requests[1]["body"])
        payload = json.loads(delivered[0]["body"])
        self.assertEqual(payload["idempotency_key"], key)
        self.assertEqual(payload["message_id"], run.result["message_id"])
        self.assertEqual(payload["to"], {"name": "Zoë Smith",
                                         "address": "head@school.norfolk.sch.uk"})
        self.assertEqual(payload["subject"], "Zoë’s school: category letter")
        self.assertEqual(payload["date"], "2013-10-01T08:00:00Z")
        self.assertEqual(payload["text"], "Dear Zoë,\nYour school is in category C.\n")

    def test_400_is_permanent(self):
        with Webhook([], 400) as hook:
            run = send("webhook", hook.url)
        self.assertEqual(run.rc, PERMANENT, run.stdout)
        self.assertEqual(len(run.attempts), 1)
        self.assertEqual(len(hook.requests), 1)
        self.assertEqual(run.result["code"], "400")
        self.assertIn("unknown school URN 999999", run.result["reply"])

    def test_connection_refused_is_transient(self):
        run = send("webhook", f"http://127.0.0.1:{free_port()}/hook", attempts=2)
        self.assertEqual(run.rc, TRANSIENT, run.stdout)
        self.assertEqual([(a["outcome"], a["net"]) for a in run.attempts],
                         [("transient", "refused")] * 2)

    def test_keys_differ_per_channel_and_recipient(self):
        with Webhook([], 200) as hook:
            a = send("webhook", hook.url)
            b = send("webhook", hook.url, to="chair@school.norfolk.sch.uk")
        with SmtpSink(Greylisting(fails=0)) as sink:
            c = send("smtp", sink.url)
        keys = {a.result["key"], b.result["key"], c.result["key"]}
        self.assertEqual(len(keys), 3)

    def test_signed_as_standard_webhooks_and_only_the_secret_verifies(self):
        secret, _ = default_secret_file()
        with Webhook([503], 200) as hook:
            run = send("webhook", hook.url)
        self.assertEqual(run.rc, OK, run.stdout)
        self.assertEqual(len(hook.requests), 2)
        key = run.result["key"]
        for r in hook.requests:
            # the id is the idempotency key, the same on every attempt
            self.assertEqual((r["webhook_id"], r["key"]), (key, key))
            self.assertTrue(r["signature"].startswith("v1,"), r["signature"])
            self.assertTrue(verify_webhook(secret, r), r)
            # another secret, a changed body, another id, an old timestamp: refused
            self.assertFalse(verify_webhook(new_webhook_secret(), r))
            self.assertFalse(verify_webhook(secret, dict(r, body=r["body"].replace(b"C", b"A"))))
            self.assertFalse(verify_webhook(secret, dict(r, webhook_id=key[:-1] + "0")))
            self.assertFalse(verify_webhook(secret, dict(r, timestamp=str(int(r["timestamp"]) - 1))))
        # each attempt is signed at its own time
        self.assertLessEqual(int(hook.requests[0]["timestamp"]), int(hook.requests[1]["timestamp"]))
        self.assertNotIn(secret.removeprefix("whsec_"), run.stdout + run.stderr)

    def test_secret_rotated_on_both_sides(self):
        secret = new_webhook_secret()
        path = write_secret(os.path.join(self.tmp, "rotated.secret"), secret + "\n")
        with Webhook([], 200) as hook:
            run = send("webhook", hook.url, secret_file=path)
        self.assertEqual(run.rc, OK, run.stdout)
        self.assertTrue(verify_webhook(secret, hook.requests[0]))
        self.assertFalse(verify_webhook(default_secret_file()[0], hook.requests[0]))

    def test_unsigned_or_badly_kept_secrets_are_refused(self):
        good = new_webhook_secret()
        cases = (("unsigned", None, 0, "signing secret"),
                 ("absent", "", 0, "No such file"),
                 ("empty", "", 0o600, "empty"),
                 ("raw", good.removeprefix("whsec_"), 0o600, "whsec_"),
                 ("short", "whsec_" + base64.b64encode(b"0123456789").decode(), 0o600, "10 bytes"),
                 ("public", good, 0o644, "every user of this machine"))
        with Webhook([], 200) as hook:
            for name, text, mode, why in cases:
                path = os.path.join(self.tmp, name)
                if mode:
                    write_secret(path, text, mode)
                run = send("webhook", hook.url, attempts=1,
                           secret_file=False if text is None else path)
                self.assertEqual(run.rc, USAGE, f"{name}: {run.stdout}")
                self.assertIn(why, run.stderr, name)
                self.assertNotIn(good.removeprefix("whsec_"), run.stderr, name)
            self.assertEqual(hook.requests, [])   # nothing left unsigned
            # readable by its group: a warning, and signed with it
            path = write_secret(os.path.join(self.tmp, "group"), good, 0o640)
            run = send("webhook", hook.url, secret_file=path)
            self.assertEqual(run.rc, OK, run.stdout + run.stderr)
            self.assertIn("group may read", run.stderr)
            self.assertTrue(verify_webhook(good, hook.requests[0]))

    def test_plain_http_only_on_loopback(self):
        run = send("webhook", "http://hooks.example.org/n2gg")
        self.assertEqual(run.rc, USAGE, run.stdout)
        self.assertIn("https is required", run.stderr)
        run = send("webhook", "https://n2gg:pw-in-url@hooks.example.org/n2gg")
        self.assertEqual(run.rc, USAGE, run.stdout)
        self.assertNotIn("pw-in-url", run.stderr)


class MaildirTest(ChannelTestCase):
    def test_twice_is_one_file(self):
        box = os.path.join(self.tmp, "mail")
        os.mkdir(box)
        first = send("maildir", box)
        second = send("maildir", box)
        self.assertEqual((first.rc, second.rc), (OK, OK), first.stdout + second.stdout)
        self.assertEqual(first.attempts[0]["duplicate"], "false")
        self.assertEqual(second.attempts[0]["duplicate"], "true")
        self.assertEqual(first.result["key"], second.result["key"])
        files = os.listdir(box)
        self.assertEqual(files, [first.result["key"] + ".eml"])  # no temporary file left
        with open(os.path.join(box, files[0]), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        self.assertEqual(msg["Message-ID"], first.result["message_id"])
        self.assertEqual(msg.get_body(("plain",)).get_content(),
                         "Dear Zoë,\nYour school is in category C.\n")

    def test_missing_directory_is_permanent(self):
        run = send("maildir", os.path.join(self.tmp, "absent"))
        self.assertEqual(run.rc, PERMANENT, run.stdout)
        self.assertIn("No such file or directory", run.result["reply"])


if __name__ == "__main__":
    unittest.main()
