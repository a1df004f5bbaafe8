"""The registry's event stream: the durable log, ReadEvents, and the `sub` helper's
promises — a late subscriber replays everything, a subscriber that loses its live feed
fills the gap, and a durable consumer killed with -9 applies every event exactly once."""
import os
import signal
import time
import unittest

from harness import SLOW, ServiceTestCase, gen_gias, import_file, registry_pb2

R = registry_pb2


def seqs_of(output):
    return [int(line.split()[0]) for line in output.splitlines() if line.strip()]


class RegistryEventsTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.data = gen_gias(os.path.join(self.tmp, "data"))
        self.reg = self.start("registry")
        self.c = self.client(self.reg)

    def import_demo(self):
        import_file(self.c, "ImportGias", os.path.join(self.data, "edubasealldata.csv"))
        import_file(self.c, "ImportClusters", os.path.join(self.data, "clusters.csv"))
        return self.c.read_events().head_seq

    def test_log_is_gapless_and_pages(self):
        head = self.import_demo()
        events = self.c.all_events()
        self.assertEqual([e.seq for e in events], list(range(1, head + 1)))
        self.assertTrue(all(e.source == "registry" for e in events))
        page = self.c.read_events(after=10, max_events=7)
        self.assertEqual([e.seq for e in page.events], list(range(11, 18)))
        self.assertEqual(page.head_seq, head)
        self.assertEqual(len(self.c.read_events(after=head).events), 0)

    def test_late_subscriber_replays_the_whole_log(self):
        head = self.import_demo()
        probe = self.probe(self.reg, "--until", str(head), "--batch", "100")
        out, err = probe.communicate(timeout=60 * SLOW)
        self.assertEqual(probe.returncode, 0, err)
        self.assertEqual(seqs_of(out), list(range(1, head + 1)), err)

    def test_subscriber_that_loses_its_feed_fills_the_gap(self):
        head = self.import_demo()
        urns = [s.urn for s in self.c.call("ListSchools", R.ListSchoolsRequest(status=R.STATUS_OPEN),
                                           R.ListSchoolsReply).schools]
        target = head + 60
        probe = self.probe(self.reg, "--after", str(head), "--until", str(target),
                           "--pause-after", "20", "--pause-ms", str(1500 * SLOW))
        time.sleep(0.5 * SLOW)   # let it subscribe
        flags = R.LaFlags(targeted_n2gg=True)
        for i, urn in enumerate(urns[:60]):
            flags.targeted_n2gg = True
            self.c.call("SetFlags", R.SetFlagsRequest(urn=urn, flags=flags, fields=["targeted_n2gg"]))
            if i == 30:
                time.sleep(0.3 * SLOW)   # events 21..51 go out while the probe is cut off
        out, err = probe.communicate(timeout=60 * SLOW)
        self.assertEqual(probe.returncode, 0, err)
        self.assertEqual(seqs_of(out), list(range(head + 1, target + 1)), err)
        self.assertIn("paused", err)
        stats = dict(kv.split("=") for kv in err.strip().splitlines()[-1].split()[1:])
        self.assertGreater(int(stats["fetches"]), 1, f"the gap was filled from the log: {err}")

    def test_durable_consumer_killed_mid_stream_applies_each_event_once(self):
        head = self.import_demo()
        store = os.path.join(self.tmp, "consumer")
        for attempt in range(3):
            probe = self.probe(self.reg, "--data-dir", store, "--until", str(head), "--batch", "50")
            time.sleep(0.05 * (attempt + 1))
            probe.send_signal(signal.SIGKILL)
            probe.communicate()
        probe = self.probe(self.reg, "--data-dir", store, "--until", str(head))
        out, err = probe.communicate(timeout=60 * SLOW)
        self.assertEqual(probe.returncode, 0, f"an event was applied twice: {err}")
        self.assertIn(f"cursor={head}", err)
        self.assertIn("doubled=0", err)

    def test_heartbeat_reveals_missed_events(self):
        head = self.import_demo()
        # a subscriber that starts behind and hears no live event still catches up,
        # because the heartbeat carries the head
        probe = self.probe(self.reg, "--after", str(head - 5), "--until", str(head))
        out, err = probe.communicate(timeout=30 * SLOW)
        self.assertEqual(seqs_of(out), list(range(head - 4, head + 1)), err)


if __name__ == "__main__":
    unittest.main()
