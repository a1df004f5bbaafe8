"""The dashboard's built-in TLS and its single sign-on header, on the dashboard alone (its
sources on ports nobody listens on: signing in needs only its own store).

TLS: a self-signed certificate made with the openssl command; signing in over HTTPS, the
cookies Secure without being asked, Strict-Transport-Security on every answer; plain HTTP
to the HTTPS port fails on the client's side and the service goes on serving; a key file
every user may read, a key that is not the certificate's and a file that is no key each
stop the start with a message that says which and why (and nothing of the key).

Single sign-on (--trusted-header with --trusted-proxies): from a trusted proxy the header
signs the person in to their account (a session as a password sign-in makes, logged); an
unknown name is refused 403; the header from an address not in the list is refused 403
and logged (never believed: refusing shows a bypassed or misconfigured proxy at once);
with single sign-on off (the default) the header is ignored; one setting without the other
stops the start."""
import http.client
import os
import ssl
import subprocess
import unittest

import test_dashboard as base
from harness import BUILD_DIR, SLOW, ServiceTestCase, free_port

DASHBOARD = os.path.join(BUILD_DIR, "services", "dashboard", "n2gg-dashboard")
HEADER = "X-Remote-User"


class DashboardTlsSsoTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.dash_dir = os.path.join(self.tmp, "dashboard")
        os.makedirs(self.dash_dir)
        pw = os.path.join(self.tmp, "olive.pw")
        with open(pw, "w") as f:
            f.write(base.PASSWORDS["olive"] + "\n")
        out = subprocess.run([DASHBOARD, "--data-dir", os.path.join(self.dash_dir, "store"),
                              "--add-user", "olive", "--role", "officer", "--password-file", pw],
                             capture_output=True, text=True, timeout=60 * SLOW)
        self.assertEqual(out.returncode, 0, out.stderr)

    def dashboard(self, *extra, wait=True):
        """The dashboard on a free web port; its sources' ports are free ones (nobody
        there)."""
        sources = []
        for name in ("registry", "categoriser", "scheduler", "notifier"):
            sources += [f"--{name}", f"tcp://127.0.0.1:{free_port()}",
                        f"--{name}-events", f"tcp://127.0.0.1:{free_port()}"]
        self.web = f"127.0.0.1:{free_port()}"
        return self.start("dashboard", data_dir=self.dash_dir, wait=wait,
                          extra_args=sources + ["--web", self.web, *extra])

    def refused_start(self, *extra):
        """The dashboard's exit code and log when it is expected not to start."""
        dash = self.dashboard(*extra, wait=False)
        code = dash.proc.wait(30 * SLOW)
        return code, dash.log()

    def make_cert(self, name="web"):
        """A self-signed certificate for 127.0.0.1 and its key (mode 0600)."""
        cert, key = (os.path.join(self.tmp, f"{name}.{ext}") for ext in ("crt", "key"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        os.chmod(key, 0o600)
        return cert, key

    # ---- TLS ----

    def test_https(self):
        cert, key = self.make_cert()
        dash = self.dashboard("--tls-cert", cert, "--tls-key", key)
        self.assertIn("scheme=https", dash.log())
        tls = ssl.create_default_context(cafile=cert)   # the certificate checked, name too
        b = base.Browser(self.web, tls=tls)
        status, headers, page = b.get("/login")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Strict-Transport-Security"], "max-age=31536000")
        self.assertIn("Secure", headers["Set-Cookie"])
        status, headers, _ = b.login("olive", base.PASSWORDS["olive"])
        self.assertEqual(status, 303, dash.log()[-2000:])
        session = next(c for c in b.set_cookies if c.startswith("n2gg_session="))
        for attribute in ("Secure", "HttpOnly", "SameSite=Strict"):
            self.assertIn(attribute, session)
        status, headers, page = b.get("/")
        self.assertEqual(status, 200)
        self.assertIn("olive", page)
        self.assertIn("Strict-Transport-Security", headers)

        # plain HTTP to the HTTPS port: the client gets no page, the service goes on
        plain = http.client.HTTPConnection("127.0.0.1", int(self.web.rsplit(":", 1)[1]),
                                           timeout=10 * SLOW)
        with self.assertRaises((http.client.HTTPException, OSError)):
            plain.request("GET", "/login")
            plain.getresponse().read()
        plain.close()
        self.assertEqual(b.get("/")[0], 200)
        self.assertIsNone(dash.proc.poll())

    def test_bad_key_refused(self):
        cert, key = self.make_cert()
        with open(key) as f:
            secret = "".join(f.read().splitlines()[1:-1])
        # a key every user may read
        os.chmod(key, 0o644)
        code, log = self.refused_start("--tls-cert", cert, "--tls-key", key)
        self.assertNotEqual(code, 0)
        self.assertIn(f'tls-key \\"{key}\\" can be read or changed by every user', log)
        self.assertIn("chmod 600", log)
        os.chmod(key, 0o600)
        # another certificate's key
        _, other = self.make_cert("other")
        code, log = self.refused_start("--tls-cert", cert, "--tls-key", other)
        self.assertNotEqual(code, 0)
        self.assertIn("The certificate and the given key do not match", log)
        # not a key at all; and a certificate without its key
        junk = os.path.join(self.tmp, "junk.key")
        with open(junk, "w") as f:
            f.write("not a key\n")
        os.chmod(junk, 0o600)
        code, log = self.refused_start("--tls-cert", cert, "--tls-key", junk)
        self.assertNotEqual(code, 0)
        self.assertIn("not a PEM file", log)
        code, log = self.refused_start("--tls-cert", cert)
        self.assertNotEqual(code, 0)
        self.assertIn("tls-cert and tls-key go together", log)
        self.assertNotIn(secret, log)

    # ---- single sign-on ----

    def test_trusted_header(self):
        dash = self.dashboard("--trusted-header", HEADER, "--trusted-proxies",
                              "10.1.2.3, 127.0.0.1")
        b = base.Browser(self.web)
        status, _, page = b.get("/", headers={HEADER: "olive"})
        self.assertEqual(status, 200)
        self.assertIn("olive (officer)", page)
        self.assertIn("n2gg_session", b.cookies)
        self.assertIn('msg="signed in via trusted header" user=olive ip=127.0.0.1', dash.log())
        # the session goes on: no second sign-in while the header names the same person
        status, _, _ = b.get("/schools", headers={HEADER: "olive"})
        self.assertEqual(status, 200)
        self.assertEqual(b.set_cookies, [])
        self.assertEqual(dash.log().count("signed in via trusted header"), 1)
        # its forms work as a password sign-in's
        token = b.csrf()
        status, headers, _ = b.request("POST", "/logout", form={"csrf": token},
                                       headers={HEADER: "olive"})
        self.assertEqual((status, headers["Location"]), (303, "/login"))
        # a name with no account: refused, nothing signed in
        g = base.Browser(self.web)
        status, _, page = g.get("/", headers={HEADER: "ghost"})
        self.assertEqual(status, 403)
        self.assertIn("not to an account of this dashboard", page)
        self.assertNotIn("n2gg_session", g.cookies)
        self.assertIn('msg="sign-in via trusted header refused" user=ghost', dash.log())
        self.assertEqual(dash.metric("n2gg_dashboard_sso_refused_total"), 1)
        # no header, or an empty one (the proxy names no one): the sign-in page, as without
        # single sign-on
        self.assertEqual(base.Browser(self.web).get("/")[0], 303)
        self.assertEqual(base.Browser(self.web).get("/", headers={HEADER: ""})[0], 303)

    def test_trusted_header_from_untrusted_address(self):
        dash = self.dashboard("--trusted-header", HEADER, "--trusted-proxies", "10.1.2.3")
        b = base.Browser(self.web)
        for path in ("/", "/login", "/static/dashboard.css"):
            status, _, page = b.get(path, headers={HEADER: "olive"})
            self.assertEqual(status, 403, path)
        self.assertIn("own sign-in proxy may send", page)
        self.assertNotIn("n2gg_session", b.cookies)
        self.assertIn('msg="trusted header refused: not from a trusted proxy" '
                      'header=X-Remote-User user=olive ip=127.0.0.1', dash.log())
        self.assertNotIn("signed in", dash.log())
        # without the header the dashboard is as usual: the password still signs in
        self.assertEqual(b.login("olive", base.PASSWORDS["olive"])[0], 303)
        self.assertEqual(b.get("/")[0], 200)

    def test_trusted_header_off_by_default(self):
        dash = self.dashboard()
        b = base.Browser(self.web)
        status, headers, _ = b.get("/", headers={HEADER: "olive"})
        self.assertEqual((status, headers["Location"]), (303, "/login?next=%2F"))
        self.assertNotIn("n2gg_session", b.cookies)
        self.assertNotIn("trusted header", dash.log())
        # one setting without the other stops the start
        dash.stop()
        code, log = self.refused_start("--trusted-header", HEADER)
        self.assertNotEqual(code, 0)
        self.assertIn("trusted-header and trusted-proxies go together", log)
        code, log = self.refused_start("--trusted-header", HEADER, "--trusted-proxies",
                                       "proxy.example.org")
        self.assertNotEqual(code, 0)
        self.assertIn('\\"proxy.example.org\\" is not an IPv4 address', log)


if __name__ == "__main__":
    unittest.main()
