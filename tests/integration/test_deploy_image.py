"""The container image (scripts/image, built once per ctest run by the fixture
deploy.image): the registry and the categoriser run in containers as the deployment guide
says (read-only root, no capabilities, no new privileges, the image's non-root user), each
with its own volume for its store and the certificates, made by `n2gg keys generate`,
mounted read-only. They find each other by service name on their own network, answer
/readyz on their published ports, and the CLI on the host imports the demo's GIAS extract
and clusters through the published API port with CURVE; the categoriser decides every
school. A new registry container on the same volume (an upgrade) keeps the register.

Needs root (skips itself otherwise, saying why)."""
import os
import shutil
import tempfile
import unittest

from containers import (AS_OF, IMAGE, IMAGE_UID, cli, import_demo, metric, podman, prefix,
                        make_keys, wait_ready, why_not_runnable)
from harness import free_port, wait_for


@unittest.skipIf(why_not_runnable(), why_not_runnable())
class ImageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="n2gg-image-test-")
        cls.keys = make_keys(os.path.join(cls.tmp, "keys"), services=("registry", "categoriser"))
        cls.name = prefix()
        cls.made = []   # (kind, name), removed in reverse order
        podman("network", "create", cls.name)
        cls.made.append(("network", cls.name))
        cls.ports = {s: {"api": free_port(), "http": free_port()} for s in ("registry", "categoriser")}
        cls.start("registry")
        cls.start("categoriser", f"N2GG_CATEGORISER_AS_OF={AS_OF}")

    @classmethod
    def start(cls, service, *env):
        volume = f"{cls.name}-{service}"
        if ("volume", volume) not in cls.made:
            podman("volume", "create", volume)
            cls.made.append(("volume", volume))
        container = f"{cls.name}-{service}"
        port = {"registry": 71, "categoriser": 72}[service]
        podman("run", "--detach", "--name", container, "--network", cls.name,
               "--network-alias", service, "--read-only", "--cap-drop=all",
               "--security-opt=no-new-privileges",
               "--volume", f"{volume}:/var/lib/n2gg",
               "--volume", f"{cls.keys}/public:/etc/n2gg/keys:ro",
               "--volume", f"{cls.keys}/{service}.key_secret:/run/secrets/{service}.key_secret:ro",
               "--publish", f"127.0.0.1:{cls.ports[service]['api']}:{port}00",
               "--publish", f"127.0.0.1:{cls.ports[service]['http']}:{port}09",
               *[a for e in env for a in ("--env", e)], IMAGE, f"n2gg-{service}")
        if ("container", container) not in cls.made:
            cls.made.append(("container", container))
        wait_ready(cls.url(service), service, logs=lambda: podman("logs", container, check=False))
        return container

    @classmethod
    def url(cls, service):
        return f"http://127.0.0.1:{cls.ports[service]['http']}"

    @classmethod
    def endpoints(cls):
        return {s: f"tcp://127.0.0.1:{p['api']}" for s, p in cls.ports.items()}

    @classmethod
    def tearDownClass(cls):
        for kind, name in reversed(cls.made):
            if kind == "container":
                podman("rm", "--force", "--time", "10", name, check=False)
            else:
                podman(kind, "rm", "--force", name, check=False)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_a_runs_as_its_user_on_a_read_only_root(self):
        for service in ("registry", "categoriser"):
            c = f"{self.name}-{service}"
            self.assertEqual(podman("inspect", c, "--format",
                                    "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}").split(),
                             [f"{IMAGE_UID}:{IMAGE_UID}", "true"])
            self.assertEqual(podman("top", c, "huser").split()[1:], [str(IMAGE_UID)])

    def test_b_imports_through_the_published_ports_with_curve(self):
        gias, clusters = import_demo(self.keys, self.endpoints(), "edubasealldata.csv", "clusters.csv")
        self.assertIn("created 420", gias)
        self.assertIn("created 46", clusters)
        head = metric(self.url("registry"), "n2gg_events_head_seq")
        wait_for(lambda: (metric(self.url("categoriser"), "n2gg_categoriser_registry_cursor") or 0)
                 >= head, 60, "the categoriser in its container to follow the registry in its own")
        summary = cli(self.keys, "--json", "category", "summary", endpoints=self.endpoints())
        self.assertIn("C926-01", summary)
        # a certificate the services were not given is refused at the handshake
        other = make_keys(os.path.join(self.tmp, "other"), services=())
        shutil.copy(os.path.join(self.keys, "registry.key"), other)
        with self.assertRaises(AssertionError):
            cli(other, "--retries", "0", "--timeout-ms", "2000", "school", "list",
                endpoints=self.endpoints(), timeout=30)
        self.assertGreater(metric(self.url("registry"), "n2gg_handshakes_refused_total"), 0)

    def test_c_a_new_container_on_the_volume_keeps_the_register(self):
        # an upgrade: the container replaced, its store kept in the volume
        before = cli(self.keys, "--json", "cluster", "list", endpoints=self.endpoints())
        podman("rm", "--force", "--time", "10", f"{self.name}-registry")
        self.start("registry")
        after = cli(self.keys, "--json", "cluster", "list", endpoints=self.endpoints())
        self.assertEqual(before, after)
        self.assertIn("C926-46", after)


if __name__ == "__main__":
    unittest.main()
