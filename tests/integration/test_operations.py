"""What operations sees of every service: /healthz (alive), /readyz (ready to serve: its
store open and every service it follows heard from and caught up), /health (the summary,
with each upstream's cursor, head, lag and when it was last heard from), /metrics in a form
Prometheus takes (checked strictly: promcheck.py, and promtool when installed), `n2gg
health` across the services, and a notifier that clears the temporary files a crash left
in its mail directory."""
import glob
import json
import os
import shutil
import subprocess
import threading
import time
import unittest
import urllib.error
import urllib.request

import zmq

from harness import (BUILD_DIR, SLOW, UNAVAILABLE, ServiceTestCase, common_pb2, gen_gias,
                     import_file, registry_pb2, secure_server, wait_for)
import promcheck

CLI = os.path.join(BUILD_DIR, "services", "cli", "n2gg")
AS_OF = "2013-11-15"


def get(svc, path):
    """(status, body) of GET http://<svc>/<path>."""
    try:
        with urllib.request.urlopen(f"http://{svc.http}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class OperationsCase(ServiceTestCase):
    def start_all(self, schools=40, ready_args=()):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", str(schools))
        reg = self.start("registry", extra_args=[*ready_args])
        r = self.client(reg)
        import_file(r, "ImportGias", os.path.join(data, "edubasealldata.csv"))
        for method, name in (("ImportClusters", "clusters.csv"), ("ImportInspections", "ofsted.csv"),
                             ("ImportContacts", "contacts.csv")):
            import_file(r, method, os.path.join(data, name))
        up = ["--registry", reg.api, "--registry-events", reg.events]
        cat = self.start("categoriser", extra_args=[*up, "--as-of", AS_OF, *ready_args])
        up += ["--categoriser", cat.api, "--categoriser-events", cat.events]
        sch = self.start("scheduler", extra_args=[*up, "--as-of", AS_OF, *ready_args])
        up += ["--scheduler", sch.api, "--scheduler-events", sch.events]
        ntf = self.start("notifier", extra_args=[*up, "--as-of", AS_OF, *ready_args])
        return reg, cat, sch, ntf

    def wait_ready(self, svc, timeout=30.0):
        return wait_for(lambda: get(svc, "/readyz")[0] == 200, timeout,
                        f"{svc.name} to be ready: {get(svc, '/readyz')[1]}")


class MetricsTest(OperationsCase):
    def test_the_checker_refuses_what_prometheus_would(self):
        # the checker must itself catch what it is there to catch
        good = ("# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 3\n"
                "# HELP req_seconds B.\n# TYPE req_seconds histogram\n"
                "req_seconds_bucket{le=\"0.1\"} 1\nreq_seconds_bucket{le=\"+Inf\"} 2\n"
                "req_seconds_sum 0.3\nreq_seconds_count 2\n")
        self.assertEqual(promcheck.check(good), [])
        bad = {
            "no HELP": "# TYPE a_total counter\na_total 1\n",
            "no TYPE": "# HELP a_total A.\na_total 1\n",
            "counter without _total": "# HELP a A.\n# TYPE a counter\na 1\n",
            "gauge with _total": "# HELP a_total A.\n# TYPE a_total gauge\na_total 1\n",
            "milliseconds": "# HELP a_ms A.\n# TYPE a_ms gauge\na_ms 1\n",
            "duplicate series": "# HELP a A.\n# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n",
            "TYPE twice": "# HELP a A.\n# TYPE a gauge\n# TYPE a gauge\na 1\n",
            "samples apart": "# HELP a A.\n# TYPE a gauge\na{x=\"1\"} 1\n# HELP b B.\n"
                             "# TYPE b gauge\nb 1\na{x=\"2\"} 1\n",
            "histogram not cumulative": good.replace("} 2\n", "} 0\n", 1),
        }
        for why, text in bad.items():
            with self.subTest(why):
                self.assertNotEqual(promcheck.check(text), [], text)

    def test_every_service_metrics_pass_the_checker(self):
        services = self.start_all()
        for svc in services:
            self.wait_ready(svc)
        # a few requests, so that latency histograms (when the API reports them) have series
        for svc in services:
            self.client(svc).call("Health", common_pb2.HealthRequest(), common_pb2.HealthReply)
        promtool = shutil.which("promtool")
        for svc in services:
            with self.subTest(svc.name):
                status, text = get(svc, "/metrics")
                self.assertEqual(status, 200)
                self.assertEqual(promcheck.check(text), [], text)
                if promtool:
                    p = subprocess.run([promtool, "check", "metrics"], input=text, text=True,
                                       capture_output=True)
                    self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
                fam = promcheck.families(text)
                rss = fam["n2gg_process_resident_memory_bytes"]["samples"][0][2]
                self.assertGreater(rss, 1 << 20, "a service takes more than 1 MiB")
                self.assertGreater(fam["n2gg_process_open_fds"]["samples"][0][2], 3)
                used = fam["n2gg_store_used_bytes"]["samples"][0][2]
                mapped = fam["n2gg_store_map_bytes"]["samples"][0][2]
                self.assertTrue(0 < used <= mapped, (used, mapped))
                self.assertEqual(fam["n2gg_ready"]["samples"][0][2], 1)
        # each follower's upstreams, by name, caught up
        expected = {"registry": [], "categoriser": ["registry"],
                    "scheduler": ["registry", "categoriser"],
                    "notifier": ["registry", "categoriser", "scheduler"]}
        for svc in services:
            fam = promcheck.families(get(svc, "/metrics")[1])
            lag = fam.get("n2gg_upstream_lag_events", {"samples": []})["samples"]
            self.assertEqual(sorted(s[1]["upstream"] for s in lag), sorted(expected[svc.name]))
            for _, labels, value in lag:
                self.assertLessEqual(value, 1000, labels)
        # request latency, by method (once the API reports each request: api.c's on_served)
        reply = self.client(services[0]).call("Health", common_pb2.HealthRequest(),
                                              common_pb2.HealthReply)
        if reply.upstreams or reply.ready:
            fam = promcheck.families(get(services[0], "/metrics")[1])
            counts = {s[1]["method"]: s[2] for s in fam["n2gg_request_duration_seconds"]["samples"]
                      if s[0].endswith("_count")}
            self.assertGreaterEqual(counts.get("Health", 0), 1, counts)
        reg_head = self.client(services[0]).read_events(max_events=1).head_seq
        cursors = {s[1]["upstream"]: s[2] for s in promcheck.families(
            get(services[1], "/metrics")[1])["n2gg_upstream_cursor"]["samples"]}
        self.assertEqual(cursors, {"registry": reg_head})


class ReadinessTest(OperationsCase):
    def test_readyz_follows_the_registry(self):
        reg = self.start("registry")
        r = self.client(reg)
        r.call("CreateCluster", registry_pb2.CreateClusterRequest(id="R1", name="Ready"))
        cat = self.start("categoriser", extra_args=[
            "--registry", reg.api, "--registry-events", reg.events, "--ready-max-lag", "0"])
        for svc in (reg, cat):
            self.assertEqual(get(svc, "/healthz"), (200, "ok\n"))
        status, body = get(reg, "/readyz")
        self.assertEqual((status, json.loads(body)["ready"]), (200, True), body)
        self.wait_ready(cat)
        health = json.loads(get(cat, "/health")[1])
        [up] = health["upstreams"]
        self.assertEqual((up["source"], up["cursor"], up["known_head"], up["lag"], up["connected"]),
                         ("registry", 1, 1, 0, True), health)
        self.assertLess(up["last_heard_ms_ago"], 3 * 200 * SLOW + 500)

        # the registry stops: within a few heartbeats (200 ms here) the categoriser is not
        # ready, says why, and is still alive
        reg.stop()
        wait_for(lambda: get(cat, "/readyz")[0] == 503, 10, "the categoriser to be unready")
        status, body = get(cat, "/readyz")
        reply = json.loads(body)
        self.assertFalse(reply["ready"])
        self.assertRegex(reply["not_ready"][0], r"^registry: not heard from for \d+ ms")
        self.assertEqual(get(cat, "/healthz")[0], 200)
        status, body = get(cat, "/health")
        self.assertEqual(status, 200, "the summary still answers")
        [up] = json.loads(body)["upstreams"]
        self.assertFalse(up["connected"])
        self.assertGreater(up["last_heard_ms_ago"], 600)

        # back, with news: ready again only once it has applied all of it (max lag 0)
        reg.start()
        for i in range(2, 6):
            self.client(reg).call("CreateCluster",
                                  registry_pb2.CreateClusterRequest(id=f"R{i}", name=f"Ready {i}"))
        self.wait_ready(cat)
        [up] = json.loads(get(cat, "/health")[1])["upstreams"]
        self.assertEqual((up["cursor"], up["lag"], up["connected"]), (5, 0, True), up)

    def test_a_follower_far_behind_is_not_ready(self):
        # a stand-in registry that says, in its heartbeats, that its log is at 100 and
        # refuses to hand any event out: the categoriser hears from it (connected) but is
        # 100 events behind, more than --ready-max-lag 2 allows
        ctx = zmq.Context.instance()
        api = secure_server(ctx.socket(zmq.ROUTER), "registry")
        pub = secure_server(ctx.socket(zmq.PUB), "registry")
        api_port = api.bind_to_random_port("tcp://127.0.0.1")
        pub_port = pub.bind_to_random_port("tcp://127.0.0.1")
        stop = threading.Event()

        def stand_in():
            while not stop.is_set():
                hb = common_pb2.Heartbeat(source="registry", head_seq=100, log_id="f" * 32,
                                          time_unix_ms=int(time.time() * 1000))
                pub.send_multipart([b"registry.heartbeat", hb.SerializeToString()])
                while api.poll(100):
                    *envelope, body = api.recv_multipart()
                    req = common_pb2.Request.FromString(body)
                    rep = common_pb2.Reply(request_id=req.request_id, code=UNAVAILABLE,
                                           message="not now")
                    api.send_multipart([*envelope, rep.SerializeToString()])

        thread = threading.Thread(target=stand_in, daemon=True)
        thread.start()
        try:
            cat = self.start("categoriser", extra_args=[
                "--registry", f"tcp://127.0.0.1:{api_port}",
                "--registry-events", f"tcp://127.0.0.1:{pub_port}", "--ready-max-lag", "2"])
            up = wait_for(lambda: [u for u in json.loads(get(cat, "/health")[1])["upstreams"]
                                   if u["known_head"] == 100], 10, "the head to be heard of")[0]
            self.assertEqual((up["cursor"], up["lag"], up["connected"]), (0, 100, True), up)
            status, body = get(cat, "/readyz")
            self.assertEqual(status, 503, body)
            self.assertEqual(json.loads(body)["not_ready"],
                             ["registry: 100 events behind (more than --ready-max-lag 2)"])
        finally:
            stop.set()
            thread.join()
            api.close(0)
            pub.close(0)


class HealthCliTest(OperationsCase):
    def n2gg(self, services, *args):
        reg, cat, sch, ntf = services
        cmd = [CLI, "--registry", reg.api, "--categoriser", cat.api, "--scheduler", sch.api,
               "--notifier", ntf.api, *args]
        env = dict(os.environ, N2GG_ACTOR="cli.tests")
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60 * SLOW)

    def test_health_shows_every_service_and_its_upstreams(self):
        services = self.start_all(schools=20)
        for svc in services:
            self.wait_ready(svc)
        r = self.n2gg(services, "health")
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ("registry", "categoriser", "scheduler", "notifier"):
            self.assertRegex(r.stdout, rf"(?m)^service +{name}$")
        listed = self.n2gg(services, "--json", "health")
        self.assertEqual([s["service"] for s in json.loads(listed.stdout)],
                         ["registry", "categoriser", "scheduler", "notifier"])
        one = self.n2gg(services, "health", "--source", "notifier")
        self.assertEqual(one.returncode, 0, one.stderr)
        self.assertRegex(one.stdout, r"(?m)^service +notifier$")
        self.assertNotRegex(one.stdout, r"(?m)^service +registry$")

        reply = self.client(services[3]).call("Health", common_pb2.HealthRequest(),
                                              common_pb2.HealthReply)
        if not reply.upstreams:
            self.skipTest("the API's Health handler does not call on_health yet (api.c)")
        self.assertTrue(reply.ready)
        self.assertEqual([u.source for u in reply.upstreams],
                         ["registry", "categoriser", "scheduler"])
        self.assertRegex(one.stdout, r"(?m)^ready +yes$")
        for name in ("registry", "categoriser", "scheduler"):
            self.assertRegex(one.stdout, rf"(?m)^upstream +{name} +cursor \d+ +head \d+ +lag 0 "
                                         r"+heard [0-9.]+ s ago +connected$")

    def test_a_stopped_service_is_reported_and_the_exit_says_so(self):
        services = self.start_all(schools=20)
        services[2].stop()
        r = self.n2gg(services, "health")
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertRegex(r.stdout, r"(?m)^service +scheduler\nerror +UNAVAILABLE")
        self.assertRegex(r.stdout, r"(?m)^service +notifier$")
        self.assertIn("n2gg-scheduler", r.stderr)


class MaildirRestartTest(OperationsCase):
    def test_a_start_clears_stale_temporary_files_only(self):
        reg = self.start("registry")
        ntf_args = ["--registry", reg.api, "--registry-events", reg.events,
                    "--categoriser", "tcp://127.0.0.1:1", "--categoriser-events",
                    "tcp://127.0.0.1:1", "--scheduler", "tcp://127.0.0.1:1",
                    "--scheduler-events", "tcp://127.0.0.1:1"]
        ntf = self.start("notifier", extra_args=ntf_args)
        ntf.stop()
        maildir = os.path.join(ntf.data_dir, "store", "maildir")
        key = "0123456789abcdef"
        letter = os.path.join(maildir, f"{key}.eml")
        stale = os.path.join(maildir, f".{key}.eml.{os.getpid() + 4000000}.3.tmp")
        own_pid_stale = os.path.join(maildir, f".{key}ab.eml.1.0.tmp")
        others = [os.path.join(maildir, n) for n in (".notes.tmp", f".{key}.eml.x.1.tmp",
                                                     f"{key}.eml.1.2.tmp")]
        for path in [letter, stale, own_pid_stale, *others]:
            with open(path, "w") as f:
                f.write("Subject: half a letter\n")
        an_hour_ago = time.time() - 3600
        for path in [stale, own_pid_stale, *others]:
            os.utime(path, (an_hour_ago, an_hour_ago))
        # pid 1 is alive (init): a file of a live process other than the notifier stays
        ntf.start()
        self.assertFalse(os.path.exists(stale), "the stale temporary file is gone")
        self.assertTrue(os.path.exists(own_pid_stale), "a live process's file stays")
        self.assertTrue(os.path.exists(letter), "the letter stays")
        for path in others:
            self.assertTrue(os.path.exists(path), f"{path}: not the notifier's, stays")
        self.assertRegex(ntf.log(), r"stale temporary files removed.*count=1")
        self.assertEqual(sorted(glob.glob(os.path.join(maildir, "*.eml"))), [letter])


if __name__ == "__main__":
    unittest.main()
