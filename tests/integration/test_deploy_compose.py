"""deploy/compose/compose.yaml under `podman-compose up`: the five services of the image
(built once per ctest run by the fixture deploy.image) with their certificates (made by
`n2gg keys generate`, each service's secret a compose secret) and volumes, on free host
ports. All five become ready; the CLI on the host imports the demo's GIAS extract, clusters,
contacts and inspections through the published registry port; the LA targets a school for
N2GG (`n2gg school set-flags`), the categoriser moves it to category B, and the change
reaches the dashboard's read model: its /health cursor, then the school's page for an
officer whose account was made in the dashboard's container (`n2gg-dashboard --add-user`).

Needs root (skips itself otherwise, saying why)."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.request

from containers import (AS_OF, IMAGE, SERVICES, SOURCE_DIR, cli, import_demo, make_keys, podman,
                        podman_env, prefix, run, wait_ready, why_not_runnable)
from harness import free_port, wait_for
from test_dashboard import Browser

COMPOSE = os.path.join(SOURCE_DIR, "deploy", "compose", "compose.yaml")
PASSWORD = "compose-officer-password-1"


def health(url):
    with urllib.request.urlopen(url + "/health", timeout=5) as r:
        return json.loads(r.read())


@unittest.skipIf(why_not_runnable("podman-compose"), why_not_runnable("podman-compose"))
class ComposeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="n2gg-compose-test-")
        cls.keys = make_keys(os.path.join(cls.tmp, "keys"))
        cls.project = prefix()
        cls.env = {"N2GG_IMAGE": IMAGE, "N2GG_KEYS": cls.keys, "N2GG_AS_OF": AS_OF}
        cls.ports = {}
        for service in SERVICES:
            for kind in ("api", "http") if service != "dashboard" else ("http", "web"):
                cls.ports[service, kind] = free_port()
                cls.env[f"N2GG_{service.upper()}_{kind.upper()}_PORT"] = str(cls.ports[service, kind])
        try:
            cls.compose("up", "-d")
            for service in SERVICES:
                wait_ready(cls.url(service), service, timeout=90,
                           logs=lambda s=service: podman("logs", cls.container(s), check=False))
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def compose(cls, *args, check=True):
        return run("podman-compose", "--project-name", cls.project, "--file", COMPOSE, *args,
                   check=check, env=podman_env(**cls.env), cwd=cls.tmp)

    @classmethod
    def tearDownClass(cls):
        cls.compose("down", "--volumes", check=False)
        # what down left (a container still restarting, the network): only this project's
        for c in podman("ps", "--all", "--quiet", "--filter",
                        f"label=io.podman.compose.project={cls.project}", check=False).split():
            podman("rm", "--force", c, check=False)
        podman("network", "rm", "--force", f"{cls.project}_default", check=False)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def container(cls, service):
        return f"{cls.project}_{service}_1"

    @classmethod
    def url(cls, service):
        return f"http://127.0.0.1:{cls.ports[service, 'http']}"

    def endpoints(self):
        return {s: f"tcp://127.0.0.1:{self.ports[s, 'api']}" for s in SERVICES if s != "dashboard"}

    def wait_dashboard_follows(self, source):
        head = health(self.url(source))["head_seq"]

        def cursor():
            up = {u["source"]: u for u in health(self.url("dashboard"))["upstreams"]}
            return up[source]["cursor"] >= head
        wait_for(cursor, 60, f"the dashboard's {source} cursor to reach {head}")

    def test_the_demo_and_a_category_change_reach_the_dashboard(self):
        outs = import_demo(self.keys, self.endpoints(), "edubasealldata.csv", "clusters.csv",
                           "contacts.csv", "ofsted.csv")
        self.assertIn("created 420", outs[0])
        self.assertIn("created 46", outs[1])
        self.wait_dashboard_follows("registry")
        self.wait_dashboard_follows("categoriser")
        decisions = json.loads(cli(self.keys, "--json", "category", "list", "--category", "C",
                                   "--limit", "1", endpoints=self.endpoints()))["decisions"]
        urn = str(decisions[0]["urn"])

        cli(self.keys, "school", "set-flags", urn, "--targeted-n2gg", "yes",
            endpoints=self.endpoints())
        wait_for(lambda: json.loads(cli(self.keys, "--json", "category", "show", urn,
                                        endpoints=self.endpoints()))["decision"]["category"] == "B",
                 30, f"school {urn} in category B")
        self.wait_dashboard_follows("categoriser")

        # an officer's account, made in the dashboard's container (its store, its volume)
        out = subprocess.run(["podman", "exec", "-i", self.container("dashboard"), "n2gg-dashboard",
                              "--add-user", "olive", "--role", "officer"], input=PASSWORD + "\n",
                             capture_output=True, text=True, env=podman_env(), timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        browser = Browser(f"127.0.0.1:{self.ports['dashboard', 'web']}")
        self.assertEqual(browser.login("olive", PASSWORD)[0], 303)
        status, _, page = browser.get(f"/schools/{urn}")
        self.assertEqual(status, 200)
        category = re.search(r'id="category">.*?govuk-tag[^>]*>([A-F])<', page, re.S)
        self.assertEqual(category.group(1), "B", page[:2000])
        self.assertIn("Category B (was C)", page)


if __name__ == "__main__":
    unittest.main()
