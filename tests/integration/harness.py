"""Integration-test harness: starts the real N2GG service binaries on temporary
directories and free loopback ports, and talks to them over ZeroMQ with the protobuf
messages protoc generates from proto/ (a second-language client of the public contract).

Every link uses CURVE, as in production: the harness makes a certificate for each service
and for each test principal (in the ZPL format CZMQ's zcert writes; the Python side reads
them with pyzmq's zmq.auth), authorises them all, and gives the services and the CLI their
keys. A test names a principal by the actor it asks for.

ctest sets N2GG_BUILD_DIR (binaries, generated Python modules) and N2GG_SOURCE_DIR."""
import atexit
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import uuid

BUILD_DIR = os.environ.get("N2GG_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
SOURCE_DIR = os.environ.get("N2GG_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
sys.path.insert(0, os.path.join(BUILD_DIR, "python"))

import zmq  # noqa: E402
import zmq.auth  # noqa: E402
from n2gg.v1 import common_pb2, registry_pb2  # noqa: E402,F401

OK, INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED = 0, 3, 5, 6, 7
FAILED_PRECONDITION, UNIMPLEMENTED, UNAVAILABLE, UNAUTHENTICATED = 9, 12, 14, 16

# ---- keys ----

SERVICES = ("registry", "categoriser", "scheduler", "notifier", "dashboard")
# The principals tests act as, with their roles. An actor not listed here is a person the
# "gateway" principal acts for (recorded as "PERSON via gateway").
# test officers also read the event logs the tests check
OFFICER = "officer,reader,importer,publisher,service"
PRINCIPALS = {
    "tests": "admin", "cli.tests": "admin", "stream": "admin", "officer": OFFICER,
    "officer.a": OFFICER, "officer.b": OFFICER, "officer.k": OFFICER, "j.bloggs": OFFICER,
    "reader": "reader", "importer": "importer,reader", "gateway": "gateway," + OFFICER,
}
KEYS_DIR = tempfile.mkdtemp(prefix="n2gg-keys-")
AUTHORIZED_DIR = os.path.join(KEYS_DIR, "authorized")
atexit.register(shutil.rmtree, KEYS_DIR, True)


def write_cert(directory, name, roles):
    """Writes DIR/NAME.key and DIR/NAME.key_secret (0600) as CZMQ's zcert does, with the
    metadata in both (pyzmq's create_certificates puts it only in the secret file, and a
    service needs the name and roles from the public one). Returns the secret file's path."""
    public, secret = zmq.curve_keypair()
    os.makedirs(directory, mode=0o700, exist_ok=True)
    head = (f"#   ****  Generated on {datetime.datetime.now():%Y-%m-%d %H:%M:%S} by the "
            f"N2GG tests  ****\n#   ZeroMQ CURVE KIND Certificate\n\nmetadata\n"
            f"    name = \"{name}\"\n" + (f"    roles = \"{roles}\"\n" if roles else "") +
            f"curve\n    public-key = \"{public.decode()}\"\n")
    base = os.path.join(directory, name)
    with open(base + ".key", "w") as f:
        f.write(head.replace("KIND", "Public", 1))
    fd = os.open(base + ".key_secret", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(head.replace("KIND", "**Secret**", 1) + f"    secret-key = \"{secret.decode()}\"\n")
    return base + ".key_secret"


# The dashboard follows the four services' events (service), and forwards its users'
# actions for the person signed in (gateway, with what those actions need).
DASHBOARD_ROLES = "service,gateway,officer,publisher,reader"
for _name in SERVICES:
    write_cert(KEYS_DIR, _name, "service")
write_cert(KEYS_DIR, "dashboard", DASHBOARD_ROLES)
for _name, _roles in PRINCIPALS.items():
    write_cert(KEYS_DIR, _name, _roles)
os.makedirs(AUTHORIZED_DIR)
for _file in os.listdir(KEYS_DIR):
    if _file.endswith(".key"):
        shutil.copy(os.path.join(KEYS_DIR, _file), AUTHORIZED_DIR)
# the CLI and other programs the tests start find their key here
os.environ["N2GG_KEY"] = os.path.join(KEYS_DIR, "cli.tests.key_secret")
os.environ["N2GG_KEYS"] = KEYS_DIR


def key_path(principal):
    """The secret certificate of a test principal."""
    return os.path.join(KEYS_DIR, f"{principal}.key_secret")


def security_args(name):
    """A service's CURVE settings."""
    return ["--cert", key_path(name), "--authorized-keys", AUTHORIZED_DIR, "--keys", KEYS_DIR]


_ENDPOINTS = {}   # endpoint -> the service listening there, for its public key


def secure(sock, endpoint, principal="tests"):
    """Makes `sock` a CURVE client of the service at `endpoint`, as `principal` (None: no
    key at all, as an outsider would connect)."""
    if principal is None:
        return sock
    public, secret = zmq.auth.load_certificate(key_path(principal))
    server, _ = zmq.auth.load_certificate(os.path.join(KEYS_DIR, f"{_ENDPOINTS[endpoint]}.key"))
    sock.curve_publickey, sock.curve_secretkey, sock.curve_serverkey = public, secret, server
    return sock


def secure_server(sock, name):
    """Makes `sock` a CURVE server with service `name`'s key (for stand-in services)."""
    _, secret = zmq.auth.load_certificate(key_path(name))
    sock.curve_server = True
    sock.curve_secretkey = secret
    return sock


def serving(endpoint, name):
    """Notes that service `name` listens on `endpoint` (for stand-ins)."""
    _ENDPOINTS[endpoint] = name
# sanitizer builds run several times slower: scale every wait
SLOW = 4 if "asan" in os.path.basename(os.path.normpath(BUILD_DIR)) else 1


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


# Ports are taken below the kernel's ephemeral range, where no outgoing connection (ours,
# libzmq's reconnects, the browser's) can be handed one between our choosing it and a
# service binding it; and each is reserved for this process's life by a lock file, so
# tests running in parallel (ctest -j) never choose the same one.
_PORT_LOW, _PORT_HIGH = 20000, min(_ephemeral_low(), 32768)
_PORT_LOCK_DIR = os.path.join(tempfile.gettempdir(), "n2gg-test-ports")
_reserved_ports = []   # open lock files: a reservation lasts while its file is locked


def free_port():
    import fcntl
    import random
    os.makedirs(_PORT_LOCK_DIR, exist_ok=True)
    for _ in range(2000):
        port = random.randrange(_PORT_LOW, _PORT_HIGH)
        lock = open(os.path.join(_PORT_LOCK_DIR, str(port)), "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        try:
            with socket.socket() as s:   # free now (not held by anything outside the tests)
                s.bind(("127.0.0.1", port))
        except OSError:
            lock.close()
            continue
        _reserved_ports.append(lock)
        return port
    raise RuntimeError("no free loopback port between %d and %d" % (_PORT_LOW, _PORT_HIGH))


class ServiceError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Client:
    """A DEALER client: one request, one reply, like the C client."""

    def __init__(self, endpoint, actor="tests"):
        self.ctx = zmq.Context.instance()
        self.endpoint = endpoint
        self.actor = actor
        # a known principal acts as itself; anyone else through the gateway principal
        self.principal = actor if actor in PRINCIPALS else "gateway"
        self.sock = self._connect()

    def _connect(self):
        s = self.ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        secure(s, self.endpoint, self.principal)
        s.connect(self.endpoint)
        return s

    def call(self, method, body, reply_type=None, timeout=30.0):
        req = common_pb2.Request(request_id=str(uuid.uuid4()), method=method,
                                 body=body.SerializeToString(), actor=self.actor)
        self.sock.send(req.SerializeToString())
        deadline = time.time() + timeout * SLOW
        while True:
            left = deadline - time.time()
            if left <= 0 or not self.sock.poll(int(left * 1000)):
                self.sock.close()
                self.sock = self._connect()
                raise ServiceError(UNAVAILABLE, f"no reply to {method}")
            rep = common_pb2.Reply.FromString(self.sock.recv())
            if rep.request_id == req.request_id:
                break
        if rep.code != OK:
            raise ServiceError(rep.code, rep.message)
        return reply_type.FromString(rep.body) if reply_type else None

    def read_events(self, after=0, max_events=1000):
        return self.call("ReadEvents", common_pb2.ReadEventsRequest(after_seq=after, max=max_events),
                         common_pb2.ReadEventsReply)

    def all_events(self, after=0):
        events = []
        while True:
            page = self.read_events(after)
            events.extend(page.events)
            if not page.events or page.events[-1].seq >= page.head_seq:
                return events
            after = page.events[-1].seq

    def close(self):
        self.sock.close()


class Service:
    """One service process on its own ports and data directory."""

    def __init__(self, name, data_dir, extra_args=(), secure=True):
        self.name = name
        self.secure = secure
        self.binary = os.path.join(BUILD_DIR, "services", name, f"n2gg-{name}")
        self.data_dir = data_dir
        self.api = f"tcp://127.0.0.1:{free_port()}"
        self.events = f"tcp://127.0.0.1:{free_port()}"
        self.http = f"127.0.0.1:{free_port()}"
        self.extra_args = list(extra_args)
        self.proc = None
        self.log_path = os.path.join(data_dir, f"{name}.log")

    def start(self, wait=True):
        # free_port() only finds ports free at the moment of asking: a test running in
        # parallel may take one first. Then the service exits saying so, and it gets others.
        for attempt in range(3):
            before = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
            log = open(self.log_path, "ab")
            _ENDPOINTS[self.api] = _ENDPOINTS[self.events] = self.name
            self.proc = subprocess.Popen(
                [self.binary, "--api", self.api, "--events", self.events, "--http", self.http,
                 "--data-dir", os.path.join(self.data_dir, "store"), "--heartbeat-ms", "200"]
                + (security_args(self.name) if self.secure else [])
                + self.extra_args, stdout=log, stderr=log)
            log.close()
            if not wait:
                return self
            try:
                self.wait_healthy()
                return self
            except AssertionError:
                taken = "already in use" in self.log()[before:].lower()
                if self.proc.poll() is None or not taken or attempt == 2:
                    raise
            self.api = f"tcp://127.0.0.1:{free_port()}"
            self.events = f"tcp://127.0.0.1:{free_port()}"
            self.http = f"127.0.0.1:{free_port()}"
        return self

    def wait_healthy(self, timeout=15.0):
        deadline = time.time() + timeout * SLOW
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"http://{self.http}/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"{self.name} did not become healthy:\n{self.log()}")

    def stop(self, sig=signal.SIGTERM, timeout=20.0):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"{self.name} did not stop on {sig}")
        return self.proc.returncode if self.proc else None

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def metric(self, name):
        """The value of metric `name` (labels ignored) on the service's /metrics, or None."""
        with urllib.request.urlopen(f"http://{self.http}/metrics", timeout=5) as r:
            text = r.read().decode()
        for line in text.split("\n"):
            key, _, value = line.partition(" ")
            if key.split("{")[0] == name and value:
                return float(value)
        return None

    def main_thread_cpu(self):
        """CPU seconds the service's main thread (the one that runs requests) has used."""
        with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


def wait_for(predicate, timeout=30.0, what="condition"):
    """Polls `predicate` until it returns something true (returned), or fails the test."""
    deadline = time.time() + timeout * SLOW
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def gen_gias(out_dir, *args):
    subprocess.run(["/usr/bin/python3", os.path.join(SOURCE_DIR, "scripts", "gen-gias"),
                    "--out-dir", out_dir, *args], check=True, stdout=subprocess.DEVNULL)
    return out_dir


def import_file(client, method, path, timeout=300, **fields):
    with open(path, "rb") as f:
        data = f.read()
    return client.call(method, registry_pb2.ImportRequest(data=data, file_name=os.path.basename(path),
                                                          **fields),
                       registry_pb2.ImportReply, timeout=timeout)


def registry_event(event):
    return registry_pb2.RegistryEvent.FromString(event.payload)


class ServiceTestCase(unittest.TestCase):
    """Gives each test a scratch directory and stops every service it started."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="n2gg-test-")
        self.services = []
        self.clients = []

    def tearDown(self):
        # every test ends with a clean stop: SIGTERM must close the store and exit 0
        # (under ASan a leak or a late memory error makes that exit non-zero)
        unclean = []
        for s in self.services:
            if s.proc and s.proc.poll() is None:
                code = s.stop()
                if code != 0:
                    unclean.append(f"{s.name} exited {code} on SIGTERM:\n{s.log()[-3000:]}")
        for c in self.clients:
            c.close()
        if os.environ.get("N2GG_KEEP_TMP"):
            print(f"kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if unclean:
            self.fail("\n".join(unclean))

    def client(self, svc, actor="tests"):
        c = Client(svc.api, actor)
        self.clients.append(c)
        return c

    def poller(self, svc):
        """One client of `svc` kept for the test's polls (wait_for): a wait that made a
        client each poll ran out of sockets on a slow (sanitizer) run."""
        pollers = self.__dict__.setdefault("_pollers", {})
        if svc.api not in pollers:
            pollers[svc.api] = self.client(svc)
        return pollers[svc.api]

    def head_seq(self, svc):
        """The head of a service's event log."""
        return self.poller(svc).call("Health", common_pb2.HealthRequest(),
                                     common_pb2.HealthReply).head_seq

    def start(self, name, data_dir=None, extra_args=(), wait=True, secure=True):
        svc = Service(name, data_dir or os.path.join(self.tmp, name), extra_args, secure)
        os.makedirs(svc.data_dir, exist_ok=True)
        self.services.append(svc)
        return svc.start(wait)

    def start_follower(self, name, registry, extra_args=(), wait=True):
        """A service that follows the registry's events (the categoriser, ...), wired to
        `registry`: its API for catching up, its event socket for live events."""
        return self.start(name, extra_args=["--registry", registry.api, "--registry-events",
                                            registry.events, *extra_args], wait=wait)

    def wait_caught_up(self, follower, registry, timeout=30.0):
        """Waits until `follower` has applied every event `registry` holds now, by its
        n2gg_<name>_registry_cursor metric."""
        client = Client(registry.api)
        try:
            head = client.read_events(max_events=1).head_seq
        finally:
            client.close()
        metric = f"n2gg_{follower.name}_registry_cursor"
        deadline = time.time() + timeout * SLOW
        while time.time() < deadline:
            if follower.proc.poll() is not None:
                raise AssertionError(f"{follower.name} exited with {follower.proc.returncode}:\n"
                                     f"{follower.log()}")
            cursor = follower.metric(metric)
            if cursor is not None and cursor >= head:
                return head
            time.sleep(0.05)
        raise AssertionError(f"{follower.name} did not catch up with registry event {head} "
                             f"(at {follower.metric(metric)}):\n{follower.log()[-3000:]}")

    def probe(self, svc, *args):
        binary = os.path.join(BUILD_DIR, "tests", "sub_probe")
        return subprocess.Popen([binary, "--api", svc.api, "--events", svc.events,
                                 "--source", svc.name, "--key", key_path("stream"),
                                 "--keys", KEYS_DIR, *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
