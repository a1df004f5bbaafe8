"""A follower at rest: once a restarted categoriser has caught up with an idle registry, it
waits for a live event or a heartbeat instead of asking ReadEvents again and again (it used
to spin at thousands of requests a second)."""
import os
import time
import unittest

from harness import SLOW, ServiceTestCase, registry_pb2


def cpu_seconds(svc):
    with open(f"/proc/{svc.proc.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class IdleFollowerTest(ServiceTestCase):
    def test_a_caught_up_follower_of_an_idle_source_rests(self):
        reg = self.start("registry")
        self.client(reg).call("CreateCluster", registry_pb2.CreateClusterRequest(id="C1", name="One"))
        cat = self.start_follower("categoriser", reg)
        self.wait_caught_up(cat, reg)
        cat.stop()
        cat.start()   # restarted with its cursor at the registry's head
        self.wait_caught_up(cat, reg)
        time.sleep(0.5)
        requests0, cpu0 = reg.metric("n2gg_requests_total"), cpu_seconds(cat)
        time.sleep(3)
        requests = reg.metric("n2gg_requests_total") - requests0
        cpu = cpu_seconds(cat) - cpu0
        # heartbeats come every 200 ms here; a spinning follower made thousands of requests
        self.assertLessEqual(requests, 5, f"{requests} requests in 3 s from an idle follower")
        self.assertLess(cpu, 0.1 * SLOW, f"{cpu:.2f} s of CPU in 3 s at rest")


if __name__ == "__main__":
    unittest.main()
