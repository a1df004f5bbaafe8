"""A network partition between the registry and the categoriser that follows it.

Needs root: the test makes two network namespaces of its own (A and B, named after its
process id) joined by a veth pair on a private /30 (10.213.0.1 in A, 10.213.0.2 in B), runs
the registry in A bound to A's veth address and the categoriser in B following it over the
veth, and cuts the link with an nftables table in B that drops all traffic to and from A's
address. No traffic goes anywhere but those two namespace addresses and each namespace's own
loopback. It skips itself when not root, when `ip netns add` is not permitted or when `nft`
(nftables) is missing (scripts/deps installs iproute2 and nftables).

Before the partition the categoriser follows the registry's changes; during it the registry
takes more changes, the categoriser gets none of them (its cursor stays) and its /readyz
says it is not ready (where the build has /readyz); once healed it converges: its cursor
reaches the registry's head, every event is applied once, and its categories equal those of
a fresh categoriser that read the registry's whole log."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

from harness import BUILD_DIR, SLOW, ServiceTestCase, gen_gias, security_args, wait_for

IP, NFT = shutil.which("ip") or "/usr/sbin/ip", shutil.which("nft") or "/usr/sbin/nft"
CLI = os.path.join(BUILD_DIR, "services", "cli", "n2gg")
PYTHON = sys.executable or "/usr/bin/python3"
AS_OF = "2013-11-15"   # gen-gias makes a 2013 snapshot

# Namespace addresses: a private /30 that exists only inside this test's two namespaces.
ADDR_A, ADDR_B, PREFIX = "10.213.0.1", "10.213.0.2", 30
# Each namespace has its own ports, so fixed ones cannot collide with another test's.
REG_API, REG_EVENTS = f"tcp://{ADDR_A}:7100", f"tcp://{ADDR_A}:7101"
REG_HTTP = "127.0.0.1:7102"                        # A's loopback, reached through `ip netns exec`
CAT_API, CAT_EVENTS, CAT_HTTP = "tcp://127.0.0.1:7200", "tcp://127.0.0.1:7201", "127.0.0.1:7202"
FRESH_API, FRESH_EVENTS, FRESH_HTTP = ("tcp://127.0.0.1:7210", "tcp://127.0.0.1:7211",
                                       "127.0.0.1:7212")
HEARTBEAT_MS = 200   # as the harness: /readyz says "not heard from" after 3 of them

# GET a URL from inside a namespace: prints the status (0: no connection), then the body.
HTTP_GET = """import sys, urllib.error, urllib.request
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=3)
    print(r.status); sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code); sys.stdout.write(e.read().decode())
except OSError as e:
    print(0); sys.stdout.write(str(e))
"""


def run(*cmd, timeout=30):
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout)


def why_not_runnable():
    """None when this machine can run the test; else the reason it is skipped."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, veth, nftables)"
    if not shutil.which("ip"):
        return "needs iproute2 (`ip`): scripts/deps installs it"
    if not shutil.which("nft"):
        return "needs nftables (`nft`): scripts/deps installs it"
    probe = f"n2gg-probe-{os.getpid()}"
    try:
        r = run(IP, "netns", "add", probe)
    except (OSError, subprocess.SubprocessError) as e:
        return f"`ip netns add` failed: {e}"
    if r.returncode != 0:
        return f"`ip netns add` is not permitted here: {r.stderr.strip()}"
    run(IP, "netns", "del", probe)
    return None


SKIP_REASON = why_not_runnable()


class Proc:
    """A service binary run inside a namespace (`ip netns exec` execs it: the pid is its)."""

    def __init__(self, case, ns, name, label, api, events, http, extra):
        self.ns, self.name, self.label, self.http = ns, name, label, http
        self.data_dir = os.path.join(case.tmp, label)
        os.makedirs(self.data_dir, exist_ok=True)
        self.log_path = os.path.join(self.data_dir, f"{label}.log")
        binary = os.path.join(BUILD_DIR, "services", name, f"n2gg-{name}")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [IP, "netns", "exec", ns, binary, "--api", api, "--events", events,
                 "--http", http, "--data-dir", os.path.join(self.data_dir, "store"),
                 "--heartbeat-ms", str(HEARTBEAT_MS)] + security_args(name) + list(extra),
                stdout=log, stderr=log)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self, timeout=20.0):
        """SIGTERM; returns the exit code (killed and None when it did not stop)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode


@unittest.skipUnless(SKIP_REASON is None, SKIP_REASON or "")
class PartitionTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        if not os.environ.get("N2GG_KEEP_TMP"):           # if setUp fails past this point
            self.addCleanup(shutil.rmtree, self.tmp, True)
        self.procs = []
        self.addCleanup(self.kill_all)                    # a safety net: tearDown stops them
        pid = os.getpid()
        self.ns_a, self.ns_b = f"n2gg-a-{pid}", f"n2gg-b-{pid}"
        self.table = "n2gg_partition"
        for ns in (self.ns_a, self.ns_b):
            self.sh(IP, "netns", "add", ns)
            self.addCleanup(run, IP, "netns", "del", ns)   # takes the veth and nft table too
            self.sh(IP, "-n", ns, "link", "set", "lo", "up")
        veth_a, veth_b = f"n2a{pid}", f"n2b{pid}"
        self.sh(IP, "link", "add", veth_a, "netns", self.ns_a, "type", "veth",
                "peer", "name", veth_b, "netns", self.ns_b)
        self.sh(IP, "-n", self.ns_a, "addr", "add", f"{ADDR_A}/{PREFIX}", "dev", veth_a)
        self.sh(IP, "-n", self.ns_b, "addr", "add", f"{ADDR_B}/{PREFIX}", "dev", veth_b)
        self.sh(IP, "-n", self.ns_a, "link", "set", veth_a, "up")
        self.sh(IP, "-n", self.ns_b, "link", "set", veth_b, "up")

    def tearDown(self):
        # a clean stop, as the harness asks of every service: SIGTERM, exit 0
        unclean = []
        for p in self.procs:
            code = p.stop()
            if code != 0:
                unclean.append(f"{p.label} exited {code} on SIGTERM:\n{p.log()[-3000:]}")
        try:
            super().tearDown()
        finally:
            for ns in (self.ns_a, self.ns_b):
                run(IP, "netns", "del", ns)
        if unclean:
            self.fail("\n".join(unclean))

    def kill_all(self):
        for p in self.procs:
            if p.proc.poll() is None:
                p.proc.kill()
                p.proc.wait()

    # ---- helpers ----

    def sh(self, *cmd):
        r = run(*cmd)
        self.assertEqual(r.returncode, 0, f"{' '.join(cmd)}: {r.stderr.strip()}")
        return r.stdout

    def start(self, ns, name, label, api, events, http, *extra):
        p = Proc(self, ns, name, label, api, events, http, extra)
        self.procs.append(p)

        def healthy():
            if p.proc.poll() is not None:
                raise AssertionError(f"{label} exited with {p.proc.returncode}:\n{p.log()}")
            return self.http_get(p, "/health")[0] == 200
        wait_for(healthy, timeout=15, what=f"{label} to answer /health")
        return p

    def http_get(self, p, path):
        r = run(IP, "netns", "exec", p.ns, PYTHON, "-c", HTTP_GET, f"http://{p.http}{path}",
                timeout=15)
        status, _, body = r.stdout.partition("\n")
        return int(status or 0), body

    def metric(self, p, name):
        status, text = self.http_get(p, "/metrics")
        self.assertEqual(status, 200, f"{p.label} /metrics: {text}")
        for line in text.split("\n"):
            key, _, value = line.partition(" ")
            if key.split("{")[0] == name and value:
                return float(value)
        return None

    def cli(self, ns, *args, categoriser=CAT_API):
        r = run(IP, "netns", "exec", ns, CLI, "--registry", REG_API, "--registry-events",
                REG_EVENTS, "--categoriser", categoriser, "--timeout-ms", "5000", "--json",
                *args, timeout=60)
        self.assertEqual(r.returncode, 0, f"n2gg {' '.join(args)} in {ns}: {r.stderr}{r.stdout}")
        return json.loads(r.stdout) if r.stdout.strip() else None

    def registry(self, *args):
        return self.cli(self.ns_a, *args)

    def head(self):
        return int(self.metric(self.reg, "n2gg_events_head_seq"))

    def cursor(self, cat):
        return int(self.metric(cat, "n2gg_categoriser_registry_cursor") or 0)

    def categories(self, cat_api=CAT_API):
        decisions = self.cli(self.ns_b, "category", "list", categoriser=cat_api)["decisions"]
        return {d["urn"]: (d["category"], d["rule_id"]) for d in decisions}

    def wait_caught_up(self, cat, timeout=30.0):
        head = self.head()

        def there():
            if cat.proc.poll() is not None:
                raise AssertionError(f"{cat.label} exited with {cat.proc.returncode}:\n{cat.log()}")
            return self.cursor(cat) >= head
        try:
            wait_for(there, timeout=timeout, what=f"{cat.label} to reach registry event {head}")
        except AssertionError as e:
            raise AssertionError(f"{e} (at {self.cursor(cat)}):\n{cat.log()[-3000:]}") from None
        return head

    def nft_drop_counters(self):
        text = self.sh(IP, "netns", "exec", self.ns_b, NFT, "list", "table", "inet", self.table)
        return sum(int(line.split("counter packets ")[1].split()[0])
                   for line in text.split("\n") if "counter packets " in line)

    def partition(self):
        rules = (f"add table inet {self.table}\n"
                 f"add chain inet {self.table} input "
                 "{ type filter hook input priority 0; policy accept; }\n"
                 f"add chain inet {self.table} output "
                 "{ type filter hook output priority 0; policy accept; }\n"
                 f"add rule inet {self.table} input ip saddr {ADDR_A} counter drop\n"
                 f"add rule inet {self.table} output ip daddr {ADDR_A} counter drop\n")
        r = subprocess.run([IP, "netns", "exec", self.ns_b, NFT, "-f", "-"], input=rules,
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, f"nft: {r.stderr}")

    def heal(self):
        self.sh(IP, "netns", "exec", self.ns_b, NFT, "delete", "table", "inet", self.table)

    # ---- the test ----

    def test_categoriser_converges_after_a_partition_from_the_registry(self):
        started = time.monotonic()
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "30", "--seed", "11")
        self.reg = self.start(self.ns_a, "registry", "registry", REG_API, REG_EVENTS, REG_HTTP)
        cat = self.start(self.ns_b, "categoriser", "categoriser", CAT_API, CAT_EVENTS, CAT_HTTP,
                         "--registry", REG_API, "--registry-events", REG_EVENTS, "--as-of", AS_OF)

        # connected: a few schools imported, and changes followed over the veth
        self.registry("registry", "import-gias", os.path.join(data, "edubasealldata.csv"))
        self.registry("registry", "import-clusters", os.path.join(data, "clusters.csv"))
        self.registry("registry", "import-inspections", os.path.join(data, "ofsted.csv"))
        self.wait_caught_up(cat)
        before = self.categories()
        self.assertGreaterEqual(len(before), 10, before)
        calm = sorted(u for u, (c, _) in before.items() if c not in ("A", "B"))
        self.assertGreaterEqual(len(calm), 3, before)
        followed, cut_off, targeted = calm[:3]
        clusters = self.registry("cluster", "list")["clusters"]
        self.assertTrue(clusters)
        self.registry("school", "set-flags", str(followed), "--causing-concern", "yes")
        self.registry("cluster", "rename", clusters[0]["id"], "Renamed while connected")
        self.wait_caught_up(cat)
        self.assertEqual(self.categories()[followed][0], "A")
        status, body = self.http_get(cat, "/readyz")
        has_readyz = status != 404
        if has_readyz:
            self.assertEqual(status, 200, body)
        else:
            print("\nno /readyz in this build: its checks are left out", file=sys.stderr)

        # partitioned: the registry changes, the categoriser hears nothing
        self.partition()
        cut_at = time.monotonic()
        cursor = self.cursor(cat)
        if has_readyz:
            ready = wait_for(lambda: (lambda s, b: (s, b) if s != 200 else None)(
                *self.http_get(cat, "/readyz")), timeout=10, what="/readyz to say not ready")
            self.assertEqual(ready[0], 503, ready)
            reasons = json.loads(ready[1])["not_ready"]
            self.assertTrue(any(r.startswith("registry: not heard from") for r in reasons),
                            reasons)
        self.registry("school", "set-flags", str(cut_off), "--causing-concern", "yes")
        self.registry("school", "set-flags", str(targeted), "--targeted-n2gg", "yes")
        self.registry("cluster", "create", "C926-99", "Made during the partition")
        self.registry("cluster", "rename", clusters[0]["id"], "Renamed during the partition")
        head = self.head()
        self.assertGreaterEqual(head, cursor + 4)
        deadline = time.monotonic() + 1.5 * SLOW
        while time.monotonic() < deadline:
            self.assertEqual(self.cursor(cat), cursor, "an event crossed the partition")
            time.sleep(0.1)
        self.assertEqual(self.categories()[cut_off], before[cut_off])
        self.assertEqual(self.categories()[targeted], before[targeted])
        if has_readyz:
            self.assertEqual(self.http_get(cat, "/readyz")[0], 503)
        self.assertGreater(self.nft_drop_counters(), 0, "nothing was dropped")
        self.heal()
        healed_at = time.monotonic()

        # healed: it catches up, and nothing is lost or doubled
        self.assertEqual(self.wait_caught_up(cat, timeout=45), head)
        converged_in = time.monotonic() - healed_at
        if has_readyz:
            wait_for(lambda: self.http_get(cat, "/readyz")[0] == 200, timeout=10,
                     what="/readyz to say ready again")
        after = self.categories()
        self.assertEqual(after[cut_off][0], "A")
        self.assertEqual(after[targeted][0], "B")
        self.assertEqual(after[followed][0], "A")
        applied = self.metric(cat, "n2gg_upstream_events_applied_total")
        if applied is not None:   # started once: every event of the log applied exactly once
            self.assertEqual(int(applied), head)

        # its copy equals what a fresh categoriser makes of the whole log
        fresh = self.start(self.ns_b, "categoriser", "fresh", FRESH_API, FRESH_EVENTS,
                           FRESH_HTTP, "--registry", REG_API, "--registry-events", REG_EVENTS,
                           "--as-of", AS_OF)
        self.wait_caught_up(fresh)
        self.assertEqual(after, self.categories(FRESH_API))
        print(f"\npartition {healed_at - cut_at:.1f} s, {head - cursor} registry events during "
              f"it; converged {converged_in:.1f} s after healing; test {time.monotonic() - started:.1f} s",
              file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
