"""A real Prometheus (Debian's, as scripts/deps installs it) with the project's scrape
configuration and alert rules (deploy/prometheus: its job, labels and rule file, the
targets pointed at the five services the harness starts on free ports, scraped and
evaluated every second) scrapes all five services; once the notifier is killed, its
N2ggServiceDown alert goes pending at once and fires after the rule's minute."""
import json
import os
import shutil
import subprocess
import time
import unittest
import urllib.request

import yaml

from harness import SERVICES, SOURCE_DIR, ServiceTestCase, free_port, wait_for

PROMETHEUS = shutil.which("prometheus")
CONFIG = os.path.join(SOURCE_DIR, "deploy", "prometheus", "prometheus.yml")
RULES = os.path.join(SOURCE_DIR, "deploy", "prometheus", "n2gg-rules.yml")


class PrometheusTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        if not PROMETHEUS:
            self.fail("prometheus is not installed (scripts/deps installs it)")
        self.svc = {}
        follow = []
        for name in SERVICES:
            extra = ["--web", f"127.0.0.1:{free_port()}"] if name == "dashboard" else []
            self.svc[name] = self.start(name, extra_args=follow + extra)
            s = self.svc[name]
            follow += [f"--{name}", s.api, f"--{name}-events", s.events]
        self.api = f"127.0.0.1:{free_port()}"
        self.prometheus = self.start_prometheus()

    def start_prometheus(self):
        with open(CONFIG) as f:
            config = yaml.safe_load(f)
        config["global"].update(scrape_interval="1s", evaluation_interval="1s")
        config["rule_files"] = [RULES]
        job = config["scrape_configs"][0]
        for target in job["static_configs"]:
            target["targets"] = [self.svc[target["labels"]["service"]].http]
        path = os.path.join(self.tmp, "prometheus.yml")
        with open(path, "w") as f:
            yaml.safe_dump(config, f)
        log = open(os.path.join(self.tmp, "prometheus.log"), "w")
        proc = subprocess.Popen([PROMETHEUS, f"--config.file={path}",
                                 f"--storage.tsdb.path={os.path.join(self.tmp, 'tsdb')}",
                                 f"--web.listen-address={self.api}"],
                                stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.addCleanup(self.stop_prometheus, proc)
        wait_for(lambda: proc.poll() is None and self.get("/-/ready") is not None, 60,
                 "Prometheus to be ready")
        return proc

    def stop_prometheus(self, proc):
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def get(self, path):
        try:
            with urllib.request.urlopen(f"http://{self.api}{path}", timeout=5) as r:
                return r.read().decode()
        except OSError:
            return None

    def query(self, path):
        return json.loads(self.get(path) or '{"data": {}}')["data"]

    def targets_up(self):
        targets = self.query("/api/v1/targets").get("activeTargets", [])
        return sorted(t["labels"]["service"] for t in targets if t["health"] == "up")

    def alert(self, name, service):
        for a in self.query("/api/v1/alerts").get("alerts", []):
            if a["labels"]["alertname"] == name and a["labels"].get("service") == service:
                return a["state"]
        return None

    def test_scrapes_every_service_and_a_killed_one_fires_its_alert(self):
        wait_for(lambda: self.targets_up() == sorted(SERVICES), 60, "all five targets up")
        self.assertIsNone(self.alert("N2ggServiceDown", "notifier"))
        self.svc["notifier"].kill9()
        killed = time.time()
        wait_for(lambda: self.alert("N2ggServiceDown", "notifier") == "pending", 30,
                 "N2ggServiceDown pending for the notifier")
        # the rule's `for: 1m`, then one evaluation
        wait_for(lambda: self.alert("N2ggServiceDown", "notifier") == "firing", 100,
                 "N2ggServiceDown firing for the notifier")
        self.assertGreaterEqual(time.time() - killed, 60)
        for name in SERVICES:   # only the killed one
            if name != "notifier":
                self.assertIsNone(self.alert("N2ggServiceDown", name))


if __name__ == "__main__":
    unittest.main()
