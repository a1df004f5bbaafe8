"""A hot backup, and what a restore does to the services that follow the restored one: the
registry's store restored from an older backup (its log ends before the categoriser's
cursor) and a registry store made anew (another log) both make the categoriser stop
following and say why, instead of waiting silently or applying another log's events; and
`--resync registry` brings it back to what a fresh categoriser makes of the registry. A
notifier following a restored categoriser stops too, and `--resync categoriser` replays it
without writing again the letters it wrote."""
import os
import shutil
import subprocess
import unittest

from harness import SOURCE_DIR, ServiceTestCase, gen_gias, import_file, registry_pb2, wait_for
from n2gg.v1 import categoriser_pb2
from n2gg.v1 import notifier_pb2
from test_notifier import NotifierCase

DEMO = os.path.join(SOURCE_DIR, "data", "demo")


def backup(test, svc, into):
    r = subprocess.run([svc.binary, "--data-dir", os.path.join(svc.data_dir, "store"),
                        "--backup", into], capture_output=True, text=True, timeout=60)
    test.assertEqual(r.returncode, 0, r.stderr)
    test.assertEqual(os.stat(into).st_mode & 0o777, 0o700)
    test.assertEqual(os.stat(os.path.join(into, "data.mdb")).st_mode & 0o077, 0)


class RestoreCase(ServiceTestCase):
    def rename(self, reg, name):
        self.client(reg).call("RenameCluster", registry_pb2.RenameClusterRequest(id="C1", name=name))

    def setUp(self):
        super().setUp()
        self.reg = self.start("registry")
        self.client(self.reg).call("CreateCluster", registry_pb2.CreateClusterRequest(id="C1", name="A"))
        self.cat = self.start_follower("categoriser", self.reg)


class RestoreTest(RestoreCase):
    def test_a_registry_restored_from_an_older_backup_stops_its_followers(self):
        copy = os.path.join(self.tmp, "backup")
        backup(self, self.reg, copy)          # hot: the registry is running
        for i in range(5):
            self.rename(self.reg, f"B{i}")
        self.wait_caught_up(self.cat, self.reg)
        self.reg.stop()
        store = os.path.join(self.reg.data_dir, "store")
        shutil.copy(os.path.join(copy, "data.mdb"), os.path.join(store, "data.mdb"))
        self.reg.start()
        wait_for(lambda: "stopped following" in self.cat.log(), what="the categoriser to notice")
        self.assertRegex(self.cat.log(), r"registry's event log ends at \d+, before this "
                                         r"service's cursor \d+: it was restored from an older backup")
        cursor = self.cat.metric("n2gg_categoriser_registry_cursor")
        self.rename(self.reg, "After restore")
        self.assertEqual(self.cat.metric("n2gg_categoriser_registry_cursor"), cursor,
                         "nothing of the restored log is applied")

    def test_a_registry_store_made_anew_stops_its_followers(self):
        self.wait_caught_up(self.cat, self.reg)
        self.reg.stop()
        shutil.rmtree(os.path.join(self.reg.data_dir, "store"))
        self.reg.start()
        self.client(self.reg).call("CreateCluster", registry_pb2.CreateClusterRequest(id="C1", name="A"))
        for i in range(3):
            self.rename(self.reg, f"New {i}")
        wait_for(lambda: "stopped following" in self.cat.log(), what="the categoriser to notice")
        self.assertIn("registry's event log is another one", self.cat.log())


class ResyncTest(RestoreCase):
    def categories(self, cat):
        reply = self.client(cat).call("ListCategories", categoriser_pb2.ListCategoriesRequest(),
                                      categoriser_pb2.ListCategoriesReply)
        return {d.urn: (d.category, d.rule_id) for d in reply.decisions}

    def test_resync_after_a_restore_equals_a_fresh_categoriser(self):
        reg = self.client(self.reg)
        import_file(reg, "ImportGias", os.path.join(DEMO, "edubasealldata.csv"), la_code=926)
        copy = os.path.join(self.tmp, "backup")
        backup(self, self.reg, copy)
        # after the backup: inspections the restore will lose
        import_file(reg, "ImportInspections", os.path.join(DEMO, "ofsted.csv"))
        self.wait_caught_up(self.cat, self.reg)
        self.reg.stop()
        shutil.copy(os.path.join(copy, "data.mdb"),
                    os.path.join(self.reg.data_dir, "store", "data.mdb"))
        self.reg.start()
        wait_for(lambda: "stopped following" in self.cat.log(), what="the categoriser to notice")
        # the registry goes on: a change after the restore
        urn = next(iter(self.categories(self.cat)))
        reg = self.client(self.reg)
        reg.call("SetFlags", registry_pb2.SetFlagsRequest(
            urn=urn, flags=registry_pb2.LaFlags(causing_concern=True), fields=["causing_concern"]))

        self.cat.stop()
        self.cat.extra_args += ["--resync", "registry"]
        self.cat.start()
        self.assertIn("resynchronising", self.cat.log())
        self.wait_caught_up(self.cat, self.reg)
        fresh = self.start_follower("categoriser", self.reg)
        fresh.name = "categoriser"
        self.wait_caught_up(fresh, self.reg)
        self.assertEqual(self.categories(self.cat), self.categories(fresh))
        self.assertGreater(len(self.categories(fresh)), 100)

    def test_a_service_that_does_not_follow_the_source_refuses(self):
        self.cat.stop()
        self.cat.extra_args += ["--resync", "notifier"]
        self.cat.start(wait=False)
        self.assertEqual(self.cat.proc.wait(20), 1)
        self.assertIn("--resync notifier: n2gg-categoriser does not follow that service",
                      self.cat.log())


class NotifierBackupTest(ServiceTestCase):
    def test_the_notifier_backup_holds_its_letters(self):
        ntf = self.start("notifier")
        maildir = os.path.join(ntf.data_dir, "store", "maildir")
        os.makedirs(maildir, exist_ok=True)
        with open(os.path.join(maildir, "abc.eml"), "w") as f:
            f.write("Message-ID: <abc@n2gg.invalid>\r\n\r\nA letter\r\n")
        with open(os.path.join(maildir, ".tmp-half"), "w") as f:
            f.write("half a letter")
        into = os.path.join(self.tmp, "backup")
        r = subprocess.run([ntf.binary, "--data-dir", os.path.join(ntf.data_dir, "store"),
                            "--backup", into], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(into, "maildir"))), ["abc.eml"])
        copy = os.path.join(into, "maildir", "abc.eml")
        self.assertEqual(os.stat(copy).st_mode & 0o077, 0)
        with open(copy) as f:
            self.assertIn("A letter", f.read())
        self.assertIn("letters=1", r.stderr)


class NotifierResyncTest(NotifierCase):
    def category_letters(self, ntf, urn=0):
        return self.notices(ntf, urn=urn, kind=notifier_pb2.NOTICE_CATEGORY_LETTER)

    def test_resync_after_a_categoriser_restore_writes_no_letter_twice(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "20", "--seed", "11")
        reg, cat = self.start_upstream(data)
        ntf = self.start_notifier(reg, cat)
        self.settled(reg, cat, ntf)
        first = self.category_letters(ntf)
        urns = sorted({n.urn for n in first})
        copy = os.path.join(self.tmp, "cat-backup")
        backup(self, cat, copy)
        # after the backup: a change the heads are told of, which the restore loses
        self.record_inadequate(reg, urns[0])
        self.settled(reg, cat, ntf)
        self.assertEqual(len(self.category_letters(ntf, urns[0])), 2)

        # the categoriser restored, and not yet reading the registry: its log ends before
        # the notifier's cursor
        cat.stop()
        shutil.copy(os.path.join(copy, "data.mdb"), os.path.join(cat.data_dir, "store", "data.mdb"))
        following = list(cat.extra_args)
        cat.extra_args = [a if a not in (reg.api, reg.events) else "tcp://127.0.0.1:1"
                          for a in following]
        cat.start()
        wait_for(lambda: "stopped following" in ntf.log(), what="the notifier to notice")
        self.assertIn("restored from an older backup", ntf.log())
        cat.stop()
        cat.extra_args = following
        cat.start()   # it decides again the change it lost, then a new one
        self.record_inadequate(reg, urns[1])
        wait_for(lambda: cat.metric("n2gg_categoriser_registry_cursor") >= self.head(reg),
                 what="the categoriser")

        ntf.stop()
        ntf.extra_args += ["--resync", "categoriser"]
        ntf.start()
        self.assertIn("resynchronising", ntf.log())
        self.settled(reg, cat, ntf)
        self.assertEqual(len(self.category_letters(ntf, urns[0])), 2, "told once already")
        self.assertEqual(len(self.category_letters(ntf, urns[1])), 2, "the new change is told")
        self.assertEqual(len(self.category_letters(ntf)), len(first) + 2)
        # and later changes are told as ever
        self.record_inadequate(reg, urns[2])
        self.settled(reg, cat, ntf)
        self.assertEqual(len(self.category_letters(ntf, urns[2])), 2)
        self.assertEqual(len(self.category_letters(ntf)), len(first) + 3)


if __name__ == "__main__":
    unittest.main()
