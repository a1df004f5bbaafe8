"""The health and metrics port under a crowd: 1,100 idle connections once took a service to
its file-descriptor limit, and its ZeroMQ API stopped answering. Now the port keeps to its
connection cap (the oldest idle connection makes way for a new one, so a health probe
still gets in), closes a connection that has not sent its request within its deadline
however slowly it trickles, and refuses what is not a small HTTP request."""
import os
import resource
import socket
import time
import urllib.error
import urllib.request

from harness import SLOW, ServiceTestCase, common_pb2

IDLE = 1100
SERVICE_FDS = 1024        # the soft limit services usually start with (systemd's default)
MAX_CONNECTIONS = 64      # http.h: HTTP_DEFAULT_MAX_CONNECTIONS
TIMEOUT = 5.0             # http.h: HTTP_DEFAULT_TIMEOUT_MS


def closed_by_peer(sock):
    """Whether the other end has closed `sock` (without waiting)."""
    try:
        return sock.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:       # reset
        return True


class HttpLimitsTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < IDLE + 200:
            self.skipTest(f"the hard limit of open files ({hard}) is below {IDLE + 200}")
        self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))
        # the service inherits the limit it would have in production; this process needs
        # room for the whole crowd
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(SERVICE_FDS, hard), hard))
        self.reg = self.start("registry")
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        self.host, port = self.reg.http.rsplit(":", 1)
        self.port = int(port)
        self.socks = []
        self.addCleanup(self.close_all)

    def close_all(self):
        for s in self.socks:
            s.close()
        self.socks = []

    def connect(self):
        s = socket.create_connection((self.host, self.port), timeout=5 * SLOW)
        self.socks.append(s)
        return s

    def service_fds(self):
        return len(os.listdir(f"/proc/{self.reg.proc.pid}/fd"))

    def get(self, path, timeout=2.0):
        """(status, body) of GET `path`, and how long it took."""
        start = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://{self.reg.http}{path}",
                                        timeout=timeout * SLOW) as r:
                status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        return status, body, time.monotonic() - start

    def raw(self, data):
        """The reply to `data` sent on a connection of its own, up to the server's close."""
        s = self.connect()
        s.sendall(data)
        reply = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:   # closed with our excess unread: reply is in
                break
            if not chunk:
                break
            reply += chunk
        return reply

    def assert_api_answers(self):
        health = self.client(self.reg).call("Health", common_pb2.HealthRequest(),
                                            common_pb2.HealthReply, timeout=5)
        self.assertEqual(health.service, "registry")

    def test_a_crowd_of_idle_connections_leaves_health_and_the_api_answering(self):
        fds_before = self.service_fds()
        for _ in range(IDLE):
            self.connect()
        # the health probe gets in at once: it is the newest, an idle one made way
        status, body, took = self.get("/health")
        self.assertEqual(status, 200, body)
        self.assertIn(b'"status":"ok"', body)
        self.assertLess(took, 2 * SLOW)
        self.assert_api_answers()
        # the crowd costs the service no more descriptors than the cap...
        self.assertLessEqual(self.service_fds(), fds_before + MAX_CONNECTIONS + 8)
        # ...so all but the cap's worth of the crowd were closed by the server already
        deadline = time.monotonic() + 2 * SLOW
        while sum(not closed_by_peer(s) for s in self.socks) > MAX_CONNECTIONS:
            self.assertLess(time.monotonic(), deadline, "the server keeps more than its cap")
            time.sleep(0.05)
        # and the rest at their deadline
        deadline = time.monotonic() + TIMEOUT + 3 * SLOW
        while not all(closed_by_peer(s) for s in self.socks):
            self.assertLess(time.monotonic(), deadline, "idle connections outlive their deadline")
            time.sleep(0.1)
        self.close_all()
        status, _, _ = self.get("/metrics")
        self.assertEqual(status, 200)
        self.assert_api_answers()

    def test_a_request_that_trickles_in_is_cut_off_at_the_deadline(self):
        s = self.connect()
        start = time.monotonic()
        s.sendall(b"GET /health HTTP/1.1\r\n")
        closed_after = None
        while time.monotonic() - start < TIMEOUT + 3 * SLOW:
            time.sleep(0.25)
            if closed_by_peer(s):
                closed_after = time.monotonic() - start
                break
            try:
                s.sendall(b"X")   # one byte of a header at a time: never a whole request
            except OSError:
                closed_after = time.monotonic() - start
                break
        self.assertIsNotNone(closed_after, "the trickling connection was never closed")
        self.assertGreater(closed_after, TIMEOUT - 0.5)
        # meanwhile, and after, the port serves others
        status, _, _ = self.get("/health")
        self.assertEqual(status, 200)

    def test_what_is_not_a_small_http_request_is_refused(self):
        reply = self.raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64)
        self.assertTrue(reply.startswith(b"HTTP/1.1 400 Bad Request\r\n"), reply)
        reply = self.raw(b"GET /health HTTP/1.1\r\n" + b"X-Padding: " + b"a" * 9000 + b"\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"),
                        reply)
        reply = self.raw(b"POST /health HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 413 Payload Too Large\r\n"), reply)
        reply = self.raw(b"GET /" + b"p" * 2000 + b" HTTP/1.1\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 414 URI Too Long\r\n"), reply)
        # HEAD: the length of the body, not the body
        reply = self.raw(b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _, body = reply.partition(b"\r\n\r\n")
        self.assertIn(b"Content-Length: ", head)
        self.assertEqual(body, b"")
        status, body, _ = self.get("/health")
        self.assertEqual(status, 200, body)
        self.assert_api_answers()


if __name__ == "__main__":
    import unittest
    unittest.main()
