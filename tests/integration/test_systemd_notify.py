"""Readiness and the watchdog under systemd, with a stand-in for systemd's notify socket
(an AF_UNIX datagram socket named by NOTIFY_SOCKET, as systemd gives a Type=notify unit).

A categoriser started before its registry says why it is not ready (STATUS=), keeps
extending its start timeout and does not send READY=1; once the registry runs and the
categoriser has caught up it sends READY=1, and /readyz answers 200 by then. With
WATCHDOG_USEC set it pings WATCHDOG=1 at about half that interval; on SIGTERM it sends
STOPPING=1. Without NOTIFY_SOCKET nothing is sent (every other test runs that way)."""
import os
import signal
import socket
import time
import unittest
import urllib.error
import urllib.request

from harness import SLOW, Service, ServiceTestCase

WATCHDOG_USEC = 400000   # pings every 200 ms


class NotifySocket:
    """Collects the datagrams a service sends to NOTIFY_SOCKET, each as a dict of fields."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.messages = []   # (time received, {field: value})

    def receive(self, timeout):
        """Reads every datagram that arrives within `timeout` seconds of the last."""
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(4096).decode()
                fields = dict(line.split("=", 1) for line in data.split("\n") if line)
                self.messages.append((time.monotonic(), fields))
                return fields
        except socket.timeout:
            return None

    def wait_for(self, field, timeout=15.0, on_message=None):
        deadline = time.monotonic() + timeout * SLOW
        while time.monotonic() < deadline:
            fields = self.receive(max(0.01, deadline - time.monotonic()))
            if fields is None:
                break
            if on_message:
                on_message(fields)
            if field in fields:
                return fields
        raise AssertionError(f"no {field} in {self.messages}")

    def close(self):
        self.sock.close()


def readyz(svc):
    try:
        with urllib.request.urlopen(f"http://{svc.http}/readyz", timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


class SystemdNotifyTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.notify = NotifySocket(self.tmp)

    def tearDown(self):
        self.notify.close()
        super().tearDown()

    def start_notifying(self, name, extra_args=(), watchdog_usec=None):
        """Starts a service with NOTIFY_SOCKET (and WATCHDOG_USEC) in its environment only."""
        saved = dict(os.environ)
        os.environ["NOTIFY_SOCKET"] = self.notify.path
        if watchdog_usec:
            os.environ["WATCHDOG_USEC"] = str(watchdog_usec)
        try:
            return self.start(name, extra_args=extra_args)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def test_ready_only_once_caught_up_then_watchdog_and_stopping(self):
        # the registry's addresses are known before it runs: the categoriser starts first
        registry = Service("registry", os.path.join(self.tmp, "registry"))
        os.makedirs(registry.data_dir)
        categoriser = self.start_notifying(
            "categoriser", ["--registry", registry.api, "--registry-events", registry.events],
            watchdog_usec=WATCHDOG_USEC)

        waiting = self.notify.wait_for("STATUS")
        self.assertIn("not ready", waiting["STATUS"])
        self.assertIn("registry", waiting["STATUS"])
        self.assertIn("EXTEND_TIMEOUT_USEC", waiting)
        # a second of waiting: pings and extensions keep coming, READY does not
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            fields = self.notify.receive(0.5)
            self.assertNotIn("READY", fields or {})
        self.assertEqual(readyz(categoriser), 503)

        self.services.append(registry)
        registry.start()
        seen_ready = []
        self.notify.wait_for("READY", on_message=lambda f: seen_ready.append(readyz(categoriser))
                             if "READY" in f else None)
        self.assertEqual(seen_ready, [200], "READY=1 came before /readyz said ready")
        self.assertIn("ready", self.notify.messages[-1][1]["STATUS"])

        # WATCHDOG=1 about every WATCHDOG_USEC / 2 once ready
        first = len(self.notify.messages)
        time.sleep(1.2)
        while self.notify.receive(0.05):
            pass
        pings = [t for t, f in self.notify.messages[first:] if f.get("WATCHDOG") == "1"]
        self.assertGreaterEqual(len(pings), 3, self.notify.messages[first:])
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        self.assertLess(max(gaps), WATCHDOG_USEC / 1e6 * SLOW, gaps)
        self.assertFalse(any("READY" in f for _, f in self.notify.messages[first:]),
                         "READY=1 sent twice")

        categoriser.proc.send_signal(signal.SIGTERM)
        stopping = self.notify.wait_for("STOPPING")
        self.assertEqual(stopping["STOPPING"], "1")
        self.assertEqual(categoriser.proc.wait(20 * SLOW), 0)

    def test_no_watchdog_no_pings(self):
        registry = self.start_notifying("registry")
        ready = self.notify.wait_for("READY")
        self.assertEqual(readyz(registry), 200)
        self.assertNotIn("WATCHDOG", ready)
        self.assertIsNone(self.notify.receive(1.0), "a message without a watchdog or a change")
        self.assertIn("notifying systemd", registry.log())


if __name__ == "__main__":
    unittest.main()
