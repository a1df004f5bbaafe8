"""Durable idempotency with the real registry: a writing request retried with the same
request id gets the first reply and changes nothing, after a SIGKILL and restart, after
thousands of other writes, as two copies in one batch; the same id with another body is
refused (the retention window and its pruning: tests/unit/test_idem.c)."""
import unittest
import uuid

import zmq

import harness
from harness import (FAILED_PRECONDITION, SLOW, ServiceTestCase, common_pb2, registry_pb2)


class IdempotencyTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.reg = self.start("registry")
        self.c = self.client(self.reg)
        self.raw = zmq.Context.instance().socket(zmq.DEALER)
        self.raw.setsockopt(zmq.LINGER, 0)
        harness.secure(self.raw, self.reg.api)
        self.raw.connect(self.reg.api)
        self.addCleanup(self.raw.close)

    def head(self):
        return self.c.read_events(max_events=1).head_seq

    def send(self, request_id, method, body):
        self.raw.send(common_pb2.Request(request_id=request_id, method=method,
                                         body=body.SerializeToString()).SerializeToString())

    def reply(self):
        self.assertTrue(self.raw.poll(int(10000 * SLOW)), "no reply")
        return common_pb2.Reply.FromString(self.raw.recv())

    def call(self, request_id, method, body):
        self.send(request_id, method, body)
        return self.reply()

    def reconnect(self):
        self.raw.close()
        self.raw = zmq.Context.instance().socket(zmq.DEALER)
        self.raw.setsockopt(zmq.LINGER, 0)
        harness.secure(self.raw, self.reg.api)
        self.raw.connect(self.reg.api)

    def test_a_retry_after_sigkill_and_restart_is_answered_not_applied(self):
        rid = str(uuid.uuid4())
        body = registry_pb2.CreateClusterRequest(id="C1", name="One")
        first = self.call(rid, "CreateCluster", body)
        self.assertEqual(first.code, 0, first.message)
        head = self.head()
        self.reg.kill9()
        self.reg.start()
        self.reconnect()
        again = self.call(rid, "CreateCluster", body)
        self.assertEqual(again.SerializeToString(), first.SerializeToString(), "the first reply")
        self.assertEqual(self.head(), head, "no second effect, no second event")
        self.assertEqual(self.reg.metric("n2gg_requests_replayed_total"), 1)

    def test_a_retry_after_thousands_of_other_writes(self):
        rid = str(uuid.uuid4())
        body = registry_pb2.CreateClusterRequest(id="C0", name="Zero")
        first = self.call(rid, "CreateCluster", body)
        for i in range(0, 5000, 500):   # 5,000 other writes, 500 in flight at a time
            for j in range(i, i + 500):
                self.send(f"other-{j}", "CreateCluster",
                          registry_pb2.CreateClusterRequest(id=f"X{j}", name=f"Cluster {j}"))
            for _ in range(500):
                self.assertEqual(self.reply().code, 0)
        head = self.head()
        self.assertEqual(self.call(rid, "CreateCluster", body).SerializeToString(),
                         first.SerializeToString())
        self.assertEqual(self.head(), head)

    def test_two_copies_in_one_batch_run_once(self):
        head = self.head()
        rid = str(uuid.uuid4())
        body = registry_pb2.CreateClusterRequest(id="C2", name="Two")
        for _ in range(3):   # sent back to back: served in one batch
            self.send(rid, "CreateCluster", body)
        replies = [self.reply() for _ in range(3)]
        self.assertEqual([r.code for r in replies], [0, 0, 0], [r.message for r in replies])
        self.assertEqual(len({r.SerializeToString() for r in replies}), 1, "the same reply")
        self.assertEqual(self.head(), head + 1, "one effect, one event")

    def test_the_same_id_with_another_body_is_refused(self):
        rid = str(uuid.uuid4())
        self.assertEqual(self.call(rid, "CreateCluster",
                                   registry_pb2.CreateClusterRequest(id="C3", name="Three")).code, 0)
        head = self.head()
        rep = self.call(rid, "CreateCluster", registry_pb2.CreateClusterRequest(id="C4", name="Four"))
        self.assertEqual(rep.code, FAILED_PRECONDITION)
        self.assertIn("used before for another request", rep.message)
        rep = self.call(rid, "RenameCluster", registry_pb2.RenameClusterRequest(id="C3", name="X"))
        self.assertEqual(rep.code, FAILED_PRECONDITION, "another method too")
        self.assertEqual(self.head(), head)

    def test_ids_are_per_principal(self):
        rid = str(uuid.uuid4())
        self.assertEqual(self.call(rid, "CreateCluster",
                                   registry_pb2.CreateClusterRequest(id="C5", name="Five")).code, 0)
        other = zmq.Context.instance().socket(zmq.DEALER)
        other.setsockopt(zmq.LINGER, 0)
        harness.secure(other, self.reg.api, "officer.a")
        other.connect(self.reg.api)
        self.addCleanup(other.close)
        other.send(common_pb2.Request(request_id=rid, method="CreateCluster", body=registry_pb2.CreateClusterRequest(
            id="C6", name="Six").SerializeToString()).SerializeToString())
        self.assertTrue(other.poll(int(10000 * SLOW)))
        self.assertEqual(common_pb2.Reply.FromString(other.recv()).code, 0,
                         "another principal's id is its own")


if __name__ == "__main__":
    unittest.main()
