"""What the container tests share: podman with the project's containers.conf (runc, lowered
ulimits: deploy/podman/containers.conf), the image built once per ctest run (the fixture
deploy.image, tests/CMakeLists.txt, names it in N2GG_TEST_IMAGE), names with one prefix per
test run (n2gg-test-<random>) so that each test removes only what it made, and the
certificates made by the built CLI (`n2gg keys generate`) in a directory the containers
mount read-only."""
import os
import secrets
import shutil
import subprocess
import urllib.error
import urllib.request

from harness import BUILD_DIR, SERVICES, SOURCE_DIR, wait_for

CONTAINERS_CONF = os.path.join(SOURCE_DIR, "deploy", "podman", "containers.conf")
IMAGE = os.environ.get("N2GG_TEST_IMAGE", "")
CLI = os.path.join(BUILD_DIR, "services", "cli", "n2gg")
IMAGE_UID = 10001   # the image's user (scripts/image)
DEMO = os.path.join(SOURCE_DIR, "data", "demo")
AS_OF = "2013-11-15"   # the demo data's date, as scripts/demo


def podman_env(**extra):
    e = dict(os.environ, CONTAINERS_CONF=CONTAINERS_CONF, **extra)
    e.pop("NOTIFY_SOCKET", None)
    return e


def run(*cmd, timeout=300, check=True, ok=(0,), env=None, **kw):
    r = subprocess.run(list(cmd), capture_output=True, text=True, env=env or podman_env(),
                       timeout=timeout, **kw)
    if check and r.returncode not in ok:
        raise AssertionError(f"{cmd} exited {r.returncode}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r.stdout


def podman(*args, **kw):
    return run("podman", *args, **kw)


def why_not_runnable(*tools):
    """Why the container tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (rootful podman)"
    for tool in ("podman", "runc", *tools):
        if not shutil.which(tool):
            return f"{tool} is not installed (scripts/deps-deploy installs it)"
    if not IMAGE:
        return "no image: run under ctest, whose fixture deploy.image builds it (scripts/image)"
    if subprocess.run(["podman", "image", "exists", IMAGE], env=podman_env()).returncode != 0:
        return f"the image {IMAGE} was not built (see the test deploy.image)"
    return None


def prefix():
    return f"n2gg-test-{secrets.token_hex(4)}"


def make_keys(directory, services=SERVICES, clients=(("cli", "admin"),)):
    """The certificates of `services` and of the clients, made by the CLI as an operator
    would, the public ones also in DIR/public (the set every service admits, mounted at
    /etc/n2gg/keys). The services' secrets belong to the image's user (each mounted
    read-only into its container, which runs as that user)."""
    os.makedirs(os.path.join(directory, "public"))
    for name, role in [(s, "service") for s in services] + list(clients):
        run(CLI, "keys", "generate", name, "--role", role, "--out", directory)
        shutil.copy(os.path.join(directory, f"{name}.key"), os.path.join(directory, "public"))
    for s in services:
        if os.geteuid() == 0:
            os.chown(os.path.join(directory, f"{s}.key_secret"), IMAGE_UID, IMAGE_UID)
    os.chmod(directory, 0o755)
    return directory


def kubectl():
    """kubectl (for `kubectl kustomize`), installed by scripts/deps-deploy where missing and
    root; None where it cannot be."""
    if not shutil.which("kubectl") and os.geteuid() == 0:
        run(os.path.join(SOURCE_DIR, "scripts", "deps-deploy"), timeout=900)
    return shutil.which("kubectl")


def render_overlay(directory):
    """deploy/kubernetes copied into `directory`, the certificates its example overlay asks
    for made into overlays/example/keys (as its kustomization says), rendered by kustomize:
    the manifests as YAML text."""
    tree = os.path.join(directory, "kubernetes")
    shutil.copytree(os.path.join(SOURCE_DIR, "deploy", "kubernetes"), tree)
    overlay = os.path.join(tree, "overlays", "example")
    make_keys(os.path.join(overlay, "keys"), clients=(("admin", "admin"),))
    return run(kubectl(), "kustomize", overlay)


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def wait_ready(url, what, timeout=60, logs=None):
    """Waits for /readyz at `url` to answer 200; on failure shows `logs()`."""
    try:
        wait_for(lambda: http_status(url + "/readyz") == 200, timeout, f"{what} /readyz")
    except AssertionError as e:
        raise AssertionError(f"{e}\n{logs() if logs else ''}") from None


def metric(url, name):
    """The sum of metric `name`'s series (over its labels) on /metrics, or None."""
    with urllib.request.urlopen(url + "/metrics", timeout=5) as r:
        values = [float(value) for key, _, value in
                  (line.partition(" ") for line in r.read().decode().splitlines())
                  if key.split("{")[0] == name and value]
    return sum(values) if values else None


def cli(keys, *args, endpoints=None, timeout=300, ok=(0,)):
    """The host's CLI against published ports, with the admin certificate of `keys`."""
    flags = [f"--{k}={v}" for k, v in (endpoints or {}).items()]
    return run(CLI, *flags, "--key", os.path.join(keys, "cli.key_secret"), "--keys", keys, *args,
               timeout=timeout, ok=ok)


def import_demo(keys, endpoints, *files):
    """Imports demo files (GIAS, clusters, ...) through the registry's published port."""
    commands = {"edubasealldata.csv": ("import-gias", "--la", "926"),
                "clusters.csv": ("import-clusters",), "contacts.csv": ("import-contacts",),
                "ofsted.csv": ("import-inspections",)}
    # exit code 7: some rows rejected (reported), the rest imported
    return [cli(keys, "registry", commands[f][0], os.path.join(DEMO, f), *commands[f][1:],
                endpoints=endpoints, ok=(0, 7)) for f in files]
