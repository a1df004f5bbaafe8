"""One service's unit run for real by systemd: the registry's, from its package.

PID 1 here is not systemd, so the unit runs in a podman container booted with systemd
(`--systemd=always --cap-add SYS_ADMIN`, /sbin/init; runc and lowered ulimits through
deploy/podman/containers.conf): a bookworm root made by mmdebstrap with systemd, dbus and
curl, and the n2gg-cli and n2gg-registry packages installed by apt (their postinst makes
the user, the certificate, authorises it and enables the unit), imported as an image with
a name of its own (n2gg-sdtest-<random>). Through `podman exec`:

- systemd is up; `systemctl start n2gg-registry` (Type=notify) returns once the service
  sent READY=1: active/running then, and the journal has its "ready" line;
- /healthz and /readyz answer inside the container;
- its main process killed with SIGKILL, systemd restarts it (NRestarts 1, active/running,
  another PID, ready again);
- `systemctl stop`: inactive, Result=success, and the journal has its "stopped" line.

Catch found by running it: systemd 252 (bookworm's) in a container on this kernel hands a
service no credential (LoadCredential=/SetCredential= leave $CREDENTIALS_DIRECTORY empty
and unreadable, and PrivateUsers= then fails with status 217/USER). A probe unit checks
this first; where credentials do not work the test says so and adds a drop-in under /run
(PrivateUsers=no, the certificate from a root-made copy readable only by the service's
user) so that the rest of the unit (notify, watchdog, restart, the rest of the hardening)
still runs for real.

Needs root, podman with runc (scripts/deps-deploy), mmdebstrap and Debian's archive;
skips itself, saying why, otherwise."""
import os
import secrets
import shutil
import sys
import tempfile
import time
import unittest

from containers import podman, run, why_not_runnable as why_no_podman
from harness import SOURCE_DIR, wait_for
from test_deploy_packages import bookworm_root, build_packages, \
    why_not_runnable as why_no_mmdebstrap

UNIT = "n2gg-registry.service"
HTTP = "http://127.0.0.1:7109"   # the packaged config's default (deploy/CMakeLists.txt)
PACKAGES = ("systemd", "systemd-sysv", "dbus", "curl")


def why_not_runnable():
    why = why_no_mmdebstrap()
    if why:
        return why
    if not (shutil.which("podman") and shutil.which("runc")):
        try:
            run(os.path.join(SOURCE_DIR, "scripts", "deps-deploy"), timeout=900)
        except Exception as e:   # noqa: BLE001 - any failure: say why and skip
            return f"podman and runc cannot be installed (scripts/deps-deploy): {e}"
    for tool in ("podman", "runc"):
        if not shutil.which(tool):
            return f"{tool} is not installed (scripts/deps-deploy installs it)"
    return None


WHY = why_not_runnable()


@unittest.skipIf(WHY, WHY)
class SystemdRunsTheUnitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.name = f"n2gg-sdtest-{secrets.token_hex(4)}"
        cls.image = f"localhost/{cls.name}:latest"
        cls.tmp = tempfile.mkdtemp(prefix="n2gg-sdtest-")
        cls.started = False
        try:
            debs = build_packages()
            tarball = os.path.join(cls.tmp, "root.tar")
            bookworm_root(tarball, [debs["n2gg-cli"], debs["n2gg-registry"]], PACKAGES)
            podman("import", "--quiet", tarball, cls.image)
            os.unlink(tarball)
            podman("run", "-d", "--name", cls.name, "--systemd=always", "--cap-add", "SYS_ADMIN",
                   "--network", "none", cls.image, "/sbin/init")
            cls.started = True
            wait_for(lambda: cls.sh("systemctl is-system-running", ok=(0, 1)).strip()
                     in ("running", "degraded"), 60, "systemd running in the container")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.started:
            podman("rm", "--force", "--time", "0", cls.name, check=False)
        podman("rmi", "--force", cls.image, check=False)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def sh(cls, script, ok=(0,), timeout=300):
        return podman("exec", cls.name, "sh", "-c", script, ok=ok, timeout=timeout)

    def show(self, *props):
        out = self.sh(f"systemctl show -p {','.join(props)} {UNIT}")
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def journal(self):
        return self.sh(f"journalctl -u {UNIT} --no-pager -o cat")

    def credentials_work(self):
        out = self.sh("systemd-run --wait --quiet --pipe -p User=nobody -p SetCredential=probe:ok "
                      "sh -c 'cat $CREDENTIALS_DIRECTORY/probe' 2>/dev/null", ok=(0, 1))
        return out.strip() == "ok"

    def work_around_credentials(self):
        print("systemd in this container hands services no credential (systemd 252 on "
              "this kernel): the certificate comes from a drop-in instead, and "
              "PrivateUsers=no (see the module's docstring)", file=sys.stderr)
        self.sh("install -d -m 0755 /run/n2gg-test && install -m 0400 -o n2gg-registry "
                "-g n2gg-registry /etc/n2gg/keys/registry.key_secret /run/n2gg-test/ && "
                f"mkdir -p /run/systemd/system/{UNIT}.d && printf '%s\\n' '[Service]' "
                "PrivateUsers=no LoadCredential= ExecStart= "
                "'ExecStart=/usr/bin/n2gg-registry --config /etc/n2gg/registry.conf "
                "--data-dir ${STATE_DIRECTORY} --cert /run/n2gg-test/registry.key_secret' "
                f"> /run/systemd/system/{UNIT}.d/test.conf && systemctl daemon-reload")

    def wait_running(self, what, restarts):
        def running():
            s = self.show("ActiveState", "SubState", "NRestarts")
            return (s["ActiveState"], s["SubState"], s["NRestarts"]) == \
                ("active", "running", str(restarts))
        try:
            wait_for(running, 60, what)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.show('ActiveState', 'SubState', 'NRestarts', 'Result')}"
                                 f"\n{self.journal()[-4000:]}") from None

    def curl(self, path):
        return self.sh(f"curl -s -o /dev/null -w '%{{http_code}}' {HTTP}{path}", ok=(0, 7)).strip()

    def test_started_ready_killed_restarted_stopped(self):
        if not self.credentials_work():
            self.work_around_credentials()
        # enabled by its postinst, systemd started it at boot: from a clean state here
        self.sh(f"systemctl stop {UNIT}; systemctl reset-failed {UNIT}", ok=(0, 1, 5))
        t0 = time.monotonic()
        # Type=notify: start returns once READY=1 came (or fails)
        self.sh(f"systemctl start {UNIT} || {{ journalctl -u {UNIT} --no-pager -o cat; exit 1; }}")
        s = self.show("ActiveState", "SubState", "NRestarts", "MainPID", "Type", "WatchdogUSec")
        self.assertEqual((s["ActiveState"], s["SubState"], s["NRestarts"], s["Type"]),
                         ("active", "running", "0", "notify"), self.journal())
        self.assertEqual(s["WatchdogUSec"], "30s")
        # active/running as start returned is systemd's word that READY=1 came first (a
        # Type=notify unit stays "activating" until then); the service's own "ready" line
        # reaches the journal through its stdout stream, which journald may file after
        # systemd's "Started", so only its presence is checked, not its position
        wait_for(lambda: "systemd told the service is ready" in self.journal(), 20,
                 "the service's ready line in the journal")
        wait_for(lambda: self.curl("/healthz") == "200", 20, "/healthz in the container")
        wait_for(lambda: self.curl("/readyz") == "200", 20, "/readyz in the container")

        first = s["MainPID"]
        self.sh(f"kill -KILL {first}")
        self.wait_running("systemd restarting the killed registry", restarts=1)
        self.assertNotEqual(self.show("MainPID")["MainPID"], first)
        wait_for(lambda: self.journal().count("systemd told the service is ready") == 2, 20,
                 "the restarted service's ready line in the journal")
        wait_for(lambda: self.curl("/readyz") == "200", 20, "/readyz after the restart")

        self.sh(f"systemctl stop {UNIT}")
        s = self.show("ActiveState", "Result", "ExecMainStatus")
        self.assertEqual((s["ActiveState"], s["Result"], s["ExecMainStatus"]),
                         ("inactive", "success", "0"), self.journal())
        self.assertIn('msg="stopped"', self.journal())
        print(f"start to stop: {time.monotonic() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
