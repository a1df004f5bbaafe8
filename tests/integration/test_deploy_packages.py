"""The Debian packages (scripts/package) installed into a clean Debian 12 (bookworm) root.

Needs root and the network: mmdebstrap (scripts/deps) makes the root from Debian's archive
with apt, which installs the packages and the dependencies dpkg-shlibdeps computed from
the binaries. The test skips itself, saying why, when not root, when mmdebstrap is missing
or when the archive cannot be reached. In that root it checks what the maintainer scripts
did (the system user, the certificate with its modes, the store's directory, the unit
enabled, the config a conffile), then starts the registry there as systemd would (chroot,
not systemd: PID 1 here is not systemd): as its own user, with its certificate handed over
as a credential, from the packaged config. It answers /healthz and /readyz and stops
cleanly; a purge keeps the store.

lintian checks every package (no root, no network; it skips itself, saying why, where
lintian is missing): no error and no warning but those a package overrides in
/usr/share/lintian/overrides/PACKAGE (deploy/debian/*.lintian-overrides say why), and no
override left unused."""
import functools
import os
import shutil
import socket
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

from harness import BUILD_DIR, SOURCE_DIR, free_port, wait_for

MIRROR = "http://deb.debian.org/debian"
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"
LINTIAN = shutil.which("lintian")


def why_not_runnable():
    if os.geteuid() != 0:
        return "needs root (mmdebstrap, chroot)"
    if not shutil.which("mmdebstrap"):
        return "mmdebstrap is not installed (scripts/deps installs it)"
    try:
        socket.create_connection(("deb.debian.org", 80), timeout=5).close()
    except OSError as e:
        return f"Debian's archive is not reachable: {e}"
    return None


def run(*cmd, **kw):
    r = subprocess.run(list(cmd), capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise AssertionError(f"{cmd} exited {r.returncode}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r.stdout


@functools.cache
def build_packages():
    """scripts/package into BUILD_DIR/deb: {package name: path of its .deb}, built once for
    both test classes."""
    out = run(os.path.join(SOURCE_DIR, "scripts", "package"), os.path.join(BUILD_DIR, "deb"),
              timeout=1800)
    return {os.path.basename(p).split("_")[0]: os.path.abspath(p) for p in out.split()}


def bookworm_root(target, debs, include=()):
    """A bookworm root (a directory, or a tarball when `target` ends in .tar) made by
    mmdebstrap from Debian's archive, with the packages `include` and the local `debs`
    installed by apt inside it (so their dependencies come too, and their maintainer
    scripts run there)."""
    # mmdebstrap's --include of a .deb path hands dpkg a copy in the host's /tmp, which the
    # chroot does not see: copied in, then installed by apt inside the root
    inside = " ".join("/tmp/" + os.path.basename(d) for d in debs)
    run("mmdebstrap", "--variant=apt", "--quiet",
        *([f"--include={','.join(include)}"] if include else []),
        "--customize-hook=copy-in " + " ".join(debs) + " /tmp",
        f'--customize-hook=chroot "$1" apt-get install -y -q --no-install-recommends {inside}',
        f'--customize-hook=chroot "$1" rm -f {inside}',
        "bookworm", target, MIRROR, timeout=1800)


@unittest.skipIf(why_not_runnable(), why_not_runnable())
class DebianPackagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="n2gg-debs-")
        cls.debs = build_packages()
        cls.root = os.path.join(cls.tmp, "root")
        bookworm_root(cls.root, [cls.debs["n2gg-cli"], cls.debs["n2gg-registry"]])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def chroot(self, *cmd):
        return run(CHROOT, self.root, *cmd)

    def path(self, p):
        return os.path.join(self.root, p.lstrip("/"))

    def test_a_package_per_service_and_the_cli(self):
        for name in ("n2gg-cli", "n2gg-registry", "n2gg-categoriser", "n2gg-scheduler",
                     "n2gg-notifier"):
            self.assertIn(name, self.debs)
        info = run("dpkg-deb", "--field", self.debs["n2gg-registry"], "Depends")
        for dep in ("libzmq5", "liblmdb0", "libuv1", "libsystemd0", "adduser", "n2gg-cli"):
            self.assertIn(dep, info)

    def test_maintainer_scripts_did_their_part(self):
        self.assertIn("n2gg-registry", self.chroot("getent", "passwd", "n2gg-registry"))
        secret = os.stat(self.path("/etc/n2gg/keys/registry.key_secret"))
        self.assertEqual((secret.st_uid, secret.st_mode & 0o777), (0, 0o600))
        self.assertTrue(os.path.exists(self.path("/etc/n2gg/keys/authorized/registry.key")))
        store = os.stat(self.path("/var/lib/n2gg/registry"))
        self.assertEqual(store.st_mode & 0o777, 0o700)
        self.assertEqual(store.st_uid, int(self.chroot("id", "-u", "n2gg-registry")))
        self.assertTrue(os.path.islink(self.path(
            "/etc/systemd/system/multi-user.target.wants/n2gg-registry.service")))
        conffiles = self.chroot("dpkg-query", "-W", "-f=${Conffiles}", "n2gg-registry")
        self.assertIn("/etc/n2gg/registry.conf", conffiles)

    def test_the_registry_starts_there(self):
        # as systemd would: its credential a copy of the secret only its user can read
        creds = "/run/credentials/n2gg-registry.service"
        os.makedirs(self.path(creds), exist_ok=True)
        shutil.copy(self.path("/etc/n2gg/keys/registry.key_secret"), self.path(creds))
        uid = int(self.chroot("id", "-u", "n2gg-registry"))
        os.chown(self.path(f"{creds}/registry.key_secret"), uid, uid)
        os.chmod(self.path(f"{creds}/registry.key_secret"), 0o400)
        http = f"127.0.0.1:{free_port()}"
        env = {"PATH": "/usr/bin:/bin", "N2GG_REGISTRY_HTTP": http,
               "N2GG_REGISTRY_API": f"tcp://127.0.0.1:{free_port()}",
               "N2GG_REGISTRY_EVENTS": f"tcp://127.0.0.1:{free_port()}"}
        log = open(os.path.join(self.tmp, "registry.log"), "w+")
        proc = subprocess.Popen(
            [CHROOT, "--userspec=n2gg-registry:n2gg-registry", self.root,
             "/usr/bin/n2gg-registry", "--config", "/etc/n2gg/registry.conf",
             "--data-dir", "/var/lib/n2gg/registry", "--cert", f"{creds}/registry.key_secret"],
            env=env, stdout=log, stderr=subprocess.STDOUT)

        def get(path):
            if proc.poll() is not None:
                log.seek(0)
                raise AssertionError(f"n2gg-registry exited {proc.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(f"http://{http}{path}", timeout=1) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code
            except OSError:
                return None
        try:
            wait_for(lambda: get("/healthz") == 200, 20, "/healthz from the installed registry")
            wait_for(lambda: get("/readyz") == 200, 20, "/readyz from the installed registry")
        finally:
            proc.terminate()
            code = proc.wait(30)
            log.seek(0)
            text = log.read()
            log.close()
        self.assertEqual(code, 0, text)
        self.assertTrue(os.path.exists(self.path("/var/lib/n2gg/registry/data.mdb")), text)

    def test_z_purge_keeps_the_store(self):
        # runs last (by name): the registry's store is made by the test above
        os.makedirs(self.path("/var/lib/n2gg/registry"), exist_ok=True)
        marker = self.path("/var/lib/n2gg/registry/kept")
        open(marker, "w").close()
        self.chroot("dpkg", "--purge", "n2gg-registry")
        self.assertFalse(os.path.exists(self.path("/usr/bin/n2gg-registry")))
        self.assertFalse(os.path.exists(self.path("/etc/n2gg/registry.conf")))
        self.assertTrue(os.path.exists(marker))


@unittest.skipUnless(LINTIAN, "lintian is not installed (scripts/deps installs it)")
class LintianTest(unittest.TestCase):
    def test_lintian_finds_no_error_nor_warning(self):
        debs = sorted(build_packages().values())
        # --display-info: an override that no longer matches anything is reported at info
        r = subprocess.run([LINTIAN, "--fail-on", "error,warning", "--display-info", *debs],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, f"lintian:\n{r.stdout}{r.stderr}")
        self.assertEqual([line for line in r.stdout.splitlines() if "unused-override" in line],
                         [])


if __name__ == "__main__":
    unittest.main()
