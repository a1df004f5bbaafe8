"""Locks on the doors, with the real binaries: CURVE on every socket, ZAP admitting only
authorised keys, a role per API method checked on every request, the actor taken from the
key, events only for subscribers whose key may read them, and the CLI's errors."""
import json
import os
import shutil
import signal
import subprocess
import time
import unittest

import zmq
import zmq.auth

import harness
from harness import (BUILD_DIR, KEYS_DIR, PERMISSION_DENIED, SLOW, UNAUTHENTICATED,
                     ServiceError, ServiceTestCase, common_pb2, key_path, registry_event,
                     registry_pb2, wait_for, write_cert)

CLI = os.path.join(BUILD_DIR, "services", "cli", "n2gg")


def health(client):
    return client.call("Health", common_pb2.HealthRequest(), common_pb2.HealthReply)


class SecurityCase(ServiceTestCase):
    def setUp(self):
        super().setUp()
        # an authorised-keys directory of this test's own, so keys can be revoked
        self.authorized = os.path.join(self.tmp, "authorized")
        shutil.copytree(harness.AUTHORIZED_DIR, self.authorized)
        self.outsiders = os.path.join(self.tmp, "outsiders")
        write_cert(self.outsiders, "stranger", "admin")
        write_cert(self.outsiders, "temp", "admin")
        shutil.copy(os.path.join(self.outsiders, "temp.key"), self.authorized)
        self.reg = self.start("registry", extra_args=["--authorized-keys", self.authorized])
        self.c = self.client(self.reg)
        self.c.call("CreateCluster", registry_pb2.CreateClusterRequest(id="C1", name="Test Cluster"))

    def raw(self, kind, endpoint, cert=None):
        """A socket with the key in `cert` (a secret certificate file), or none."""
        sock = zmq.Context.instance().socket(kind)
        sock.setsockopt(zmq.LINGER, 0)
        if cert:
            public, secret = zmq.auth.load_certificate(cert)
            server, _ = zmq.auth.load_certificate(os.path.join(KEYS_DIR, "registry.key"))
            sock.curve_publickey, sock.curve_secretkey, sock.curve_serverkey = public, secret, server
        sock.connect(endpoint)
        self.addCleanup(sock.close)
        return sock

    def call_raw(self, sock, method, body, actor="", timeout=2.0):
        req = common_pb2.Request(request_id=f"r{time.monotonic_ns()}", method=method,
                                 body=body.SerializeToString(), actor=actor)
        sock.send(req.SerializeToString())
        if not sock.poll(int(timeout * 1000 * SLOW)):
            return None
        return common_pb2.Reply.FromString(sock.recv())

    def refused(self, reason):
        return self.reg.metric_labelled("n2gg_handshakes_refused_total", reason) or 0


def metric_labelled(svc, name, reason):
    import urllib.request
    with urllib.request.urlopen(f"http://{svc.http}/metrics", timeout=5) as r:
        for line in r.read().decode().split("\n"):
            if line.startswith(name + "{") and f'reason="{reason}"' in line:
                return float(line.rsplit(" ", 1)[1])
    return None


harness.Service.metric_labelled = metric_labelled


class TestAdmission(SecurityCase):
    def test_a_client_without_a_key_is_refused_logged_and_counted(self):
        requests = self.reg.metric("n2gg_requests_total")
        sock = self.raw(zmq.DEALER, self.reg.api)
        self.assertIsNone(self.call_raw(sock, "Health", common_pb2.HealthRequest()))
        wait_for(lambda: self.refused("protocol") >= 1, what="the refusal counted")
        self.assertRegex(self.reg.log(), r'msg="handshake refused" socket=api .*not CURVE')
        self.assertEqual(self.reg.metric("n2gg_requests_total"), requests, "nothing got through")

    def test_an_unlisted_key_is_refused_logged_and_counted(self):
        sock = self.raw(zmq.DEALER, self.reg.api, os.path.join(self.outsiders, "stranger.key_secret"))
        self.assertIsNone(self.call_raw(sock, "SetFlags", registry_pb2.SetFlagsRequest()))
        wait_for(lambda: self.refused("unknown_key") >= 1, what="the refusal counted")
        log = self.reg.log()
        self.assertRegex(log, r'msg="handshake refused" peer=127\.0\.0\.1 domain=n2gg-api '
                              r'key=[0-9a-f]{16} reason="key not among the authorised keys"')

    def test_a_revoked_key_loses_access_on_its_next_request(self):
        temp = os.path.join(self.outsiders, "temp.key_secret")
        sock = self.raw(zmq.DEALER, self.reg.api, temp)
        self.assertEqual(self.call_raw(sock, "Health", common_pb2.HealthRequest()).code, 0)
        os.remove(os.path.join(self.authorized, "temp.key"))
        reloads = self.reg.metric("n2gg_authorized_keys_reloads_total")
        self.reg.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: self.reg.metric("n2gg_authorized_keys_reloads_total") > reloads,
                 what="the keys reloaded")
        # the same connection, already through its handshake: refused at the next request
        rep = self.call_raw(sock, "Health", common_pb2.HealthRequest())
        self.assertEqual(rep.code, UNAUTHENTICATED)
        self.assertIn("no longer", rep.message)
        self.assertEqual(self.reg.metric("n2gg_requests_unauthenticated_total"), 1)
        # and a new connection does not get through the handshake
        again = self.raw(zmq.DEALER, self.reg.api, temp)
        self.assertIsNone(self.call_raw(again, "Health", common_pb2.HealthRequest()))
        wait_for(lambda: self.refused("unknown_key") >= 1, what="the refusal counted")
        self.assertIn("request refused: key no longer authorised", self.reg.log())
        # everyone else carries on
        health(self.c)

    def test_a_key_added_is_admitted_after_sighup(self):
        stranger = os.path.join(self.outsiders, "stranger.key_secret")
        shutil.copy(os.path.join(self.outsiders, "stranger.key"), self.authorized)
        reloads = self.reg.metric("n2gg_authorized_keys_reloads_total")
        self.reg.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: self.reg.metric("n2gg_authorized_keys_reloads_total") > reloads,
                 what="the keys reloaded")
        sock = self.raw(zmq.DEALER, self.reg.api, stranger)
        self.assertEqual(self.call_raw(sock, "Health", common_pb2.HealthRequest()).code, 0)


class TestRoles(SecurityCase):
    def test_a_reader_calling_a_write_is_denied_and_nothing_changes(self):
        reader = self.client(self.reg, "reader")
        head = health(self.c).head_seq
        with self.assertRaises(ServiceError) as e:
            reader.call("CreateCluster", registry_pb2.CreateClusterRequest(id="C2", name="Another"))
        self.assertEqual(e.exception.code, PERMISSION_DENIED)
        self.assertEqual(e.exception.message, "CreateCluster needs the officer role; reader has reader")
        self.assertEqual(health(self.c).head_seq, head, "nothing changed")
        self.assertEqual(self.reg.metric("n2gg_requests_denied_total"), 1)
        self.assertIn('msg="permission denied" method=CreateCluster principal=reader', self.reg.log())
        # reading is what a reader may do
        reader.call("GetCluster", registry_pb2.GetClusterRequest(id="C1"), registry_pb2.ClusterReply)
        # and a peer service's event reads need the service role
        with self.assertRaises(ServiceError) as e:
            reader.read_events()
        self.assertEqual(e.exception.code, PERMISSION_DENIED)
        self.assertIn("ReadEvents needs the service role", e.exception.message)

    def test_an_importer_may_not_change_flags(self):
        with self.assertRaises(ServiceError) as e:
            self.client(self.reg, "importer").call("RenameCluster", registry_pb2.RenameClusterRequest(
                id="C1", name="Renamed"))
        self.assertEqual(e.exception.code, PERMISSION_DENIED)


class TestActor(SecurityCase):
    def last_event(self):
        return self.c.all_events()[-1]

    def test_a_claimed_actor_is_replaced_by_the_principal(self):
        officer = self.client(self.reg, "officer.a")
        officer.actor = "Director of Children's Services"
        officer.call("RenameCluster", registry_pb2.RenameClusterRequest(id="C1", name="Renamed"))
        self.assertEqual(self.last_event().actor, "officer.a")

    def test_a_gateway_principal_records_the_person_it_acts_for(self):
        person = self.client(self.reg, "Jane Smith")   # not a principal: through the gateway
        self.assertEqual(person.principal, "gateway")
        person.call("RenameCluster", registry_pb2.RenameClusterRequest(id="C1", name="Renamed"))
        self.assertEqual(self.last_event().actor, "Jane Smith via gateway")


class TestEvents(SecurityCase):
    def subscriber(self, cert):
        sub = self.raw(zmq.SUB, self.reg.events, cert)
        sub.setsockopt(zmq.SUBSCRIBE, b"registry.")
        return sub

    def test_only_authorised_subscribers_receive_events(self):
        allowed = self.subscriber(key_path("stream"))          # has the service role
        reader = self.subscriber(key_path("reader"))           # authorised, may not read events
        stranger = self.subscriber(os.path.join(self.outsiders, "stranger.key_secret"))
        plain = self.subscriber(None)
        self.assertTrue(allowed.poll(int(5000 * SLOW)), "the allowed subscriber hears heartbeats")
        allowed.recv_multipart()
        wait_for(lambda: self.refused("role") >= 1 and self.refused("unknown_key") >= 1,
                 what="both refusals counted")
        self.c.call("RenameCluster", registry_pb2.RenameClusterRequest(id="C1", name="Renamed"))
        got = []
        deadline = time.time() + 5 * SLOW
        while time.time() < deadline and not got:
            if allowed.poll(200):
                topic, body = allowed.recv_multipart()
                if topic == b"registry.cluster.changed":
                    got.append(registry_event(common_pb2.Event.FromString(body)))
        self.assertEqual(got[0].cluster.cluster.name, "Renamed")
        for sock in (reader, stranger, plain):
            self.assertFalse(sock.poll(300), "an unauthorised subscriber received something")
        self.assertIn('reason="may not read events (needs role service)"', self.reg.log())

    def test_a_revoked_subscriber_stops_receiving_and_the_others_go_on(self):
        temp = self.subscriber(os.path.join(self.outsiders, "temp.key_secret"))   # an admin
        allowed = self.subscriber(key_path("stream"))

        def hears_rename(sock, name, timeout=5.0):
            deadline = time.time() + timeout * SLOW
            while time.time() < deadline:
                if sock.poll(100):
                    topic, body = sock.recv_multipart()
                    if topic == b"registry.cluster.changed" and \
                            registry_event(common_pb2.Event.FromString(body)).cluster.cluster.name == name:
                        return True
            return False

        for sock in (temp, allowed):
            self.assertTrue(sock.poll(int(5000 * SLOW)), "subscribed: heartbeats arrive")
        self.c.call("RenameCluster", registry_pb2.RenameClusterRequest(id="C1", name="Before"))
        self.assertTrue(hears_rename(temp, "Before"))
        self.assertTrue(hears_rename(allowed, "Before"))
        os.remove(os.path.join(self.authorized, "temp.key"))
        reloads = self.reg.metric("n2gg_authorized_keys_reloads_total")
        self.reg.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: self.reg.metric("n2gg_authorized_keys_reloads_total") > reloads,
                 what="the keys reloaded")
        self.assertIn("event subscribers dropped", self.reg.log())
        # the authorised subscriber reconnects (a heartbeat shows it; what it missed
        # meanwhile a real subscriber reads with ReadEvents)
        time.sleep(0.3 * SLOW)
        for sock in (temp, allowed):
            while sock.poll(0):
                sock.recv_multipart()
        self.assertTrue(allowed.poll(int(5000 * SLOW)), "the authorised subscriber is back")
        self.c.call("RenameCluster", registry_pb2.RenameClusterRequest(id="C1", name="After"))
        self.assertTrue(hears_rename(allowed, "After"), "the authorised subscriber goes on")
        self.assertFalse(hears_rename(temp, "After", timeout=1.0), "the revoked one hears nothing")


class TestCli(SecurityCase):
    def run_cli(self, *args, key=None):
        env = dict(os.environ, N2GG_REGISTRY_API=self.reg.api, N2GG_REGISTRY_EVENTS=self.reg.events)
        if key is not None:
            env["N2GG_KEY"] = key
        return subprocess.run([CLI, "--timeout-ms", str(int(3000 * SLOW)), "--retries", "0", *args],
                              env=env, capture_output=True, text=True, timeout=60 * SLOW)

    def test_a_missing_key_says_what_to_do(self):
        r = self.run_cli("health", "--source", "registry",
                         key=os.path.join(self.tmp, "nowhere.key_secret"))
        self.assertEqual(r.returncode, 8, r.stderr)
        self.assertIn("UNAUTHENTICATED: no certificate", r.stderr)
        self.assertIn("--key FILE or N2GG_KEY", r.stderr)
        self.assertIn("n2gg keys generate", r.stderr)

    def test_a_refused_key_says_so_at_once(self):
        start = time.monotonic()
        r = self.run_cli("health", "--source", "registry",
                         key=os.path.join(self.outsiders, "stranger.key_secret"))
        self.assertEqual(r.returncode, 8, r.stderr)
        self.assertIn("the registry service at", r.stderr)
        self.assertIn("refused this client's key (stranger, fingerprint", r.stderr)
        self.assertLess(time.monotonic() - start, 3 * SLOW, "not a time-out")

    def test_a_role_missing_is_exit_8_naming_it(self):
        r = self.run_cli("cluster", "rename", "C1", "New name", key=key_path("reader"))
        self.assertEqual(r.returncode, 8, r.stderr)
        self.assertIn("PERMISSION_DENIED: RenameCluster needs the officer role; reader has reader",
                      r.stderr)

    def test_keys_generate_and_list_interoperate_with_pyzmq(self):
        out = os.path.join(self.tmp, "made")
        r = self.run_cli("keys", "generate", "officer.x", "--role", "officer", "--role", "reader",
                         "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(os.path.join(out, "officer.x.key_secret")).st_mode & 0o777, 0o600)
        public, secret = zmq.auth.load_certificate(os.path.join(out, "officer.x.key_secret"))
        self.assertEqual(len(public), 40)
        self.assertEqual(len(secret), 40)
        r = self.run_cli("keys", "list", out, "--json")
        listed = json.loads(r.stdout)
        self.assertEqual([(k["name"], k["roles"], k["public_key"], k["has_secret"]) for k in listed],
                         [("officer.x", "reader,officer", public.decode(), True)])
        # refuses to overwrite, and refuses an unknown role
        self.assertEqual(self.run_cli("keys", "generate", "officer.x", "--out", out).returncode, 5)
        r = self.run_cli("keys", "generate", "y", "--role", "superuser", "--out", out)
        self.assertEqual(r.returncode, 3)
        self.assertIn("superuser", r.stderr)
        # the new key works once authorised (rotation: add, reload)
        shutil.copy(os.path.join(out, "officer.x.key"), self.authorized)
        reloads = self.reg.metric("n2gg_authorized_keys_reloads_total")
        self.reg.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: self.reg.metric("n2gg_authorized_keys_reloads_total") > reloads,
                 what="the keys reloaded")
        r = self.run_cli("cluster", "rename", "C1", "By X", key=os.path.join(out, "officer.x.key_secret"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.c.all_events()[-1].actor, "officer.x")


class TestStartup(ServiceTestCase):
    def test_a_service_without_its_certificate_does_not_start(self):
        svc = self.start("registry", extra_args=["--cert", os.path.join(self.tmp, "none.key_secret")],
                         wait=False)
        self.assertEqual(svc.proc.wait(15 * SLOW), 1)
        self.assertIn("n2gg keys generate registry --role service", svc.log())

    def test_a_secret_certificate_others_can_read_is_refused(self):
        loose = os.path.join(self.tmp, "keys")
        write_cert(loose, "registry", "service")
        os.chmod(os.path.join(loose, "registry.key_secret"), 0o644)
        svc = self.start("registry", extra_args=["--cert", os.path.join(loose, "registry.key_secret")],
                         wait=False)
        self.assertEqual(svc.proc.wait(15 * SLOW), 1)
        self.assertIn("readable by others", svc.log())

    def test_plaintext_only_when_asked_and_said_loudly(self):
        svc = self.start("registry", extra_args=["--insecure-plaintext"], secure=False)
        self.assertIn("running WITHOUT authentication or encryption", svc.log())
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(svc.api)
        self.addCleanup(sock.close)
        sock.send(common_pb2.Request(request_id="1", method="Health",
                                     body=b"").SerializeToString())
        self.assertTrue(sock.poll(int(5000 * SLOW)))
        self.assertEqual(common_pb2.Reply.FromString(sock.recv()).code, 0)
        self.assertEqual(svc.metric("n2gg_curve_enabled"), 0)


if __name__ == "__main__":
    unittest.main()


class TestConnectionFlood(ServiceTestCase):
    def rss_kb(self, svc):
        with open(f"/proc/{svc.proc.pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))

    def test_a_flood_of_connections_gives_its_memory_back(self):
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
        reg = self.start("registry")
        ctx = zmq.Context()
        ctx.max_sockets = 4096
        before = self.rss_kb(reg)
        socks = []
        try:
            for _ in range(1000):
                s = ctx.socket(zmq.DEALER)
                s.linger = 0
                harness.secure(s, reg.api)
                s.connect(reg.api)
                socks.append(s)
            for s in socks:
                s.send(common_pb2.Request(request_id="flood", method="Health").SerializeToString())
            for s in socks:
                self.assertTrue(s.poll(int(30000 * SLOW)), "every connection is answered")
                s.recv()
            peak = self.rss_kb(reg)
        finally:
            for s in socks:
                s.close()
            ctx.term()
        wait_for(lambda: reg.metric("n2gg_zmq_disconnects_total") >= 1000, what="the disconnects")
        wait_for(lambda: reg.metric("n2gg_memory_trims_total") >= 1, what="the memory handed back")
        health(self.client(reg))
        if SLOW == 1:   # ASan has an allocator of its own
            after = wait_for(lambda: (lambda r: r if r < before + 8192 else None)(self.rss_kb(reg)),
                             what=f"RSS back near {before} kB (peak {peak} kB)")
            self.assertGreater(peak - before, 16384, "the flood did take memory")
            self.assertLess(after, before + 8192)
