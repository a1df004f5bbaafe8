"""Store formats with the real registry: a store made before formats were recorded is
migrated at start and keeps its data; a store of a newer format is refused with a clear
error and left untouched. The stores are edited with python3-lmdb, as an older or newer
binary would have left them."""
import os
import unittest

import lmdb

from harness import ServiceTestCase, registry_pb2


class StoreFormatTest(ServiceTestCase):
    def make_store(self):
        reg = self.start("registry")
        self.client(reg).call("CreateCluster", registry_pb2.CreateClusterRequest(id="C1", name="One"))
        self.assertEqual(reg.stop(), 0)
        return reg

    def edit(self, reg, fn):
        env = lmdb.open(os.path.join(reg.data_dir, "store"), max_dbs=32, subdir=True)
        with env.begin(write=True) as txn:
            fn(env, txn)
        env.close()

    def formats(self, reg):
        env = lmdb.open(os.path.join(reg.data_dir, "store"), max_dbs=32, readonly=True)
        with env.begin() as txn:
            db = env.open_db(b"store_format", txn=txn, create=False)
            got = {k.decode(): int.from_bytes(v, "big") for k, v in txn.cursor(db) if k != b"log_id"}
        env.close()
        return got

    def test_a_store_from_before_formats_is_migrated_and_keeps_its_data(self):
        reg = self.make_store()
        self.assertEqual(self.formats(reg), {"core": 2, "own": 2})

        def back_to_format_1(env, txn):   # as the previous release left its stores
            for name in (b"store_format", b"requests", b"requests_by_time"):
                txn.drop(env.open_db(name, txn=txn), delete=True)
        self.edit(reg, back_to_format_1)
        reg.start()
        self.assertIn('msg="store migrated" from=1.1 to=2.2', reg.log())
        cluster = self.client(reg).call("GetCluster", registry_pb2.GetClusterRequest(id="C1"),
                                        registry_pb2.ClusterReply).cluster
        self.assertEqual(cluster.name, "One")
        self.assertEqual(self.formats(reg), {"core": 2, "own": 2})

    def test_a_newer_store_is_refused_not_misread(self):
        reg = self.make_store()

        def to_format_3(env, txn):
            txn.put(b"core", (3).to_bytes(4, "big"), db=env.open_db(b"store_format", txn=txn))
        self.edit(reg, to_format_3)
        reg.start(wait=False)
        self.assertEqual(reg.proc.wait(20), 1)
        self.assertIn("has format 3.2, newer than this n2gg-registry", reg.log())
        self.assertIn("restore a backup made for this one", reg.log())
        self.assertEqual(self.formats(reg)["core"], 3, "left as it was")


if __name__ == "__main__":
    unittest.main()
