"""The systemd units of deploy/systemd, as generated into the build tree (one per service
of deploy/CMakeLists.txt's list), checked without a running systemd (PID 1 here is not):

- `systemd-analyze verify` passes with nothing on stderr: verify exits 0 on an unknown key
  or a bad value and only says so on stderr, so any output there fails the test. verify
  also wants the binary of ExecStart to exist: the copy it checks runs the built binary
  instead of /usr/bin's, and a service whose binary is not built yet is skipped, saying so;
- `systemd-analyze security --offline=true` rates each unit's exposure 2.0 or better;
- the catches found by running the units for real stay fixed: AF_NETLINK allowed (libzmq
  aborts without it), @resources not filtered (SIGSYS on sched_setscheduler);
- the ExecStart command line, with the generated /etc/n2gg config and the paths systemd
  gives ($STATE_DIRECTORY, $CREDENTIALS_DIRECTORY), starts the built service, which answers
  /healthz and stops cleanly on SIGTERM."""
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest
import urllib.request

from harness import AUTHORIZED_DIR, BUILD_DIR, KEYS_DIR, SLOW, free_port, wait_for

UNIT_DIR = os.path.join(BUILD_DIR, "deploy", "systemd")
CONFIG_DIR = os.path.join(BUILD_DIR, "deploy", "config")
SERVICES = sorted(f[len("n2gg-"):-len(".service")] for f in os.listdir(UNIT_DIR)
                  if f.endswith(".service"))
ANALYZE = shutil.which("systemd-analyze")
MAX_EXPOSURE = 2.0


def binary(service):
    return os.path.join(BUILD_DIR, "services", service, f"n2gg-{service}")


def unit_text(service):
    with open(os.path.join(UNIT_DIR, f"n2gg-{service}.service")) as f:
        return f.read()


def unit_settings(text, key):
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "=")]


@unittest.skipUnless(ANALYZE, "systemd-analyze is not installed (Debian: systemd)")
class SystemdUnitsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="n2gg-units-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_the_list_has_every_service(self):
        self.assertEqual(SERVICES, ["categoriser", "dashboard", "notifier", "registry", "scheduler"])

    def test_verify_prints_nothing(self):
        for service in SERVICES:
            with self.subTest(service=service):
                if not os.path.exists(binary(service)):
                    self.skipTest(f"n2gg-{service} is not built yet: its unit is checked by "
                                  f"the security test only")
                path = os.path.join(self.tmp, f"n2gg-{service}.service")
                with open(path, "w") as f:
                    f.write(unit_text(service).replace(f"/usr/bin/n2gg-{service}", binary(service)))
                r = subprocess.run([ANALYZE, "verify", path], capture_output=True, text=True)
                self.assertEqual((r.returncode, r.stderr, r.stdout), (0, "", ""))

    def test_verify_catches_an_unknown_key(self):
        """The check above would not see a mistake if verify went quiet: it does not."""
        path = os.path.join(self.tmp, "n2gg-registry.service")
        with open(path, "w") as f:
            f.write(unit_text("registry").replace("/usr/bin/n2gg-registry", binary("registry"))
                    .replace("UMask=", "UMaks="))
        r = subprocess.run([ANALYZE, "verify", path], capture_output=True, text=True)
        self.assertIn("Unknown key", r.stderr)

    def test_exposure_2_or_better(self):
        for service in SERVICES:
            with self.subTest(service=service):
                path = os.path.join(UNIT_DIR, f"n2gg-{service}.service")
                r = subprocess.run([ANALYZE, "security", "--offline=true", "--no-pager", path],
                                   capture_output=True, text=True)
                m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", r.stdout)
                self.assertIsNotNone(m, r.stdout + r.stderr)
                self.assertLessEqual(float(m.group(1)), MAX_EXPOSURE, r.stdout)

    def test_what_running_for_real_taught(self):
        for service in SERVICES:
            with self.subTest(service=service):
                text = unit_text(service)
                families = " ".join(unit_settings(text, "RestrictAddressFamilies")).split()
                self.assertIn("AF_NETLINK", families)
                filters = " ".join(unit_settings(text, "SystemCallFilter"))
                self.assertNotIn("@resources", filters)
                self.assertEqual(unit_settings(text, "Type"), ["notify"])
                self.assertTrue(unit_settings(text, "WatchdogSec"))
                self.assertEqual(unit_settings(text, "StateDirectory"), [f"n2gg/{service}"])
                self.assertEqual(unit_settings(text, "User"), [f"n2gg-{service}"])

    def test_exec_start_runs_the_service(self):
        """ExecStart as systemd would run it, with the packaged config file."""
        for service in SERVICES:
            with self.subTest(service=service):
                if not os.path.exists(binary(service)):
                    self.skipTest(f"n2gg-{service} is not built yet")
                self.run_exec_start(service)

    def run_exec_start(self, service):
        state = os.path.join(self.tmp, service, "state")
        creds = os.path.join(self.tmp, service, "credentials")
        os.makedirs(state, mode=0o700)
        os.makedirs(creds, mode=0o700)
        # systemd's copy of the credential: the secret certificate, read-only to the service
        secret = os.path.join(creds, f"{service}.key_secret")
        shutil.copy(os.path.join(KEYS_DIR, f"{service}.key_secret"), secret)
        os.chmod(secret, 0o400)
        exec_start = unit_settings(unit_text(service), "ExecStart")[0]
        argv = [binary(service) if a == f"/usr/bin/n2gg-{service}" else a
                for a in shlex.split(exec_start.replace("${STATE_DIRECTORY}", state)
                                     .replace("${CREDENTIALS_DIRECTORY}", creds))]
        argv[argv.index("--config") + 1] = os.path.join(CONFIG_DIR, f"{service}.conf")
        prefix = f"N2GG_{service.upper()}_"
        http = f"127.0.0.1:{free_port()}"
        env = dict(os.environ, **{
            # /etc/n2gg/keys does not exist here: the environment beats the config file
            prefix + "KEYS": KEYS_DIR, prefix + "AUTHORIZED_KEYS": AUTHORIZED_DIR,
            prefix + "API": f"tcp://127.0.0.1:{free_port()}",
            prefix + "EVENTS": f"tcp://127.0.0.1:{free_port()}", prefix + "HTTP": http})
        if service == "dashboard":   # its web pages too, and GOV.UK Frontend from the tree
            env[prefix + "WEB"] = f"127.0.0.1:{free_port()}"
            env[prefix + "STATIC_DIR"] = os.path.join(
                os.path.dirname(__file__), "..", "..", "node_modules", "govuk-frontend", "dist",
                "govuk")
        log_path = os.path.join(self.tmp, service, "log")
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(argv, env=env, stdout=log, stderr=log)

        def log_text():
            with open(log_path, errors="replace") as f:
                return f.read()

        def healthy():
            if proc.poll() is not None:
                raise AssertionError(f"{argv} exited {proc.returncode}:\n{log_text()}")
            try:
                with urllib.request.urlopen(f"http://{http}/healthz", timeout=1) as r:
                    return r.status == 200
            except OSError:
                return False
        try:
            wait_for(healthy, 15, f"n2gg-{service} started as its unit starts it")
            self.assertTrue(os.path.exists(os.path.join(state, "data.mdb")), log_text())
            self.assertIn(f"cert={secret}", log_text().replace('"', ""))
        finally:
            proc.terminate()
            code = proc.wait(20 * SLOW)
        self.assertEqual(code, 0, log_text())


if __name__ == "__main__":
    unittest.main()
