"""A hot backup, and what a restore does to the services that follow the restored one: the
registry's store restored from an older backup (its log ends before the categoriser's
cursor) and a registry store made anew (another log) both make the categoriser stop
following and say why, instead of waiting silently or applying another log's events; and
`--resync registry` brings it back to what a fresh categoriser makes of the registry."""
import os
import shutil
import subprocess
import unittest

from harness import SOURCE_DIR, ServiceTestCase, import_file, registry_pb2, wait_for
from n2gg.v1 import categoriser_pb2

DEMO = os.path.join(SOURCE_DIR, "data", "demo")


class RestoreCase(ServiceTestCase):
    def rename(self, reg, name):
        self.client(reg).call("RenameCluster", registry_pb2.RenameClusterRequest(id="C1", name=name))

    def setUp(self):
        super().setUp()
        self.reg = self.start("registry")
        self.client(self.reg).call("CreateCluster", registry_pb2.CreateClusterRequest(id="C1", name="A"))
        self.cat = self.start_follower("categoriser", self.reg)

    def backup(self, reg, into):
        r = subprocess.run([reg.binary, "--data-dir", os.path.join(reg.data_dir, "store"),
                            "--backup", into], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(into).st_mode & 0o777, 0o700)
        self.assertEqual(os.stat(os.path.join(into, "data.mdb")).st_mode & 0o077, 0)


class RestoreTest(RestoreCase):
    def test_a_registry_restored_from_an_older_backup_stops_its_followers(self):
        copy = os.path.join(self.tmp, "backup")
        self.backup(self.reg, copy)          # hot: the registry is running
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
        self.backup(self.reg, copy)
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


if __name__ == "__main__":
    unittest.main()


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
