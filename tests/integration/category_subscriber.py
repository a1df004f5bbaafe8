#!/usr/bin/python3
"""A subscriber to the categoriser's category changes, in Python: the reference client of
the public contract (proto/n2gg/v1/categoriser.proto), using Debian's python3-zmq and
python3-protobuf with modules protoc generates from proto/.

It follows the zguide's Clone pattern, as every N2GG consumer does:
1. subscribe to the topics first (so nothing published from now on is missed);
2. read everything after its cursor with ReadEvents (the log in the publisher's store);
3. apply live events in sequence order: an event at or below the cursor is a duplicate and
   dropped; an event past cursor + 1, or a heartbeat whose head_seq is past the cursor,
   reveals a gap, which is read with ReadEvents.

The services speak CURVE and admit only authorised keys: the subscriber loads its own
certificate and the categoriser's public one with pyzmq's zmq.auth (files in the ZPL format
`n2gg keys generate` writes). Its certificate needs the `service` role (events carry
personal data).

Run it: category_subscriber.py --key var/keys/subscriber.key_secret
        --server-key var/keys/categoriser.key
        --api tcp://127.0.0.1:7200 --events tcp://127.0.0.1:7201
(add --python-path BUILD/python when the generated modules are not on sys.path)."""
import argparse
import sys
import time
import uuid

import zmq
import zmq.auth


def curve_client(sock, key_file, server_key_file):
    """Makes `sock` a CURVE client: our key pair from KEY_FILE (NAME.key_secret), the
    server's public key from SERVER_KEY_FILE (NAME.key)."""
    public, secret = zmq.auth.load_certificate(key_file)
    if secret is None:
        raise ValueError(f"{key_file} holds no secret key: give the NAME.key_secret file")
    server_public, _ = zmq.auth.load_certificate(server_key_file)
    sock.curve_publickey, sock.curve_secretkey, sock.curve_serverkey = public, secret, server_public
    return sock


def load_modules(python_path=None):
    if python_path:
        sys.path.insert(0, python_path)
    from n2gg.v1 import categoriser_pb2, common_pb2
    return common_pb2, categoriser_pb2


class CategorySubscriber:
    """Delivers every category.* event once, in sequence order, to `on_event`."""

    def __init__(self, api, events, on_event, key_file, server_key_file, after_seq=0,
                 topics=("category.",), modules=None, timeout=5.0):
        self.common_pb2, self.categoriser_pb2 = modules or load_modules()
        self.ctx = zmq.Context.instance()
        self.api = api
        self.on_event = on_event
        self.cursor = after_seq
        self.timeout = timeout
        self.duplicates = 0
        self.gaps = 0
        self.sub = self.ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.LINGER, 0)
        for topic in topics:
            self.sub.setsockopt(zmq.SUBSCRIBE, topic.encode())
        self.sub.setsockopt(zmq.SUBSCRIBE, b"categoriser.heartbeat")
        curve_client(self.sub, key_file, server_key_file)
        self.sub.connect(events)
        self.req = self.ctx.socket(zmq.DEALER)
        self.req.setsockopt(zmq.LINGER, 0)
        curve_client(self.req, key_file, server_key_file)
        self.req.connect(api)

    def _read_events(self, after):
        pb = self.common_pb2
        req = pb.Request(request_id=str(uuid.uuid4()), method="ReadEvents",
                         body=pb.ReadEventsRequest(after_seq=after, max=1000).SerializeToString())
        self.req.send(req.SerializeToString())
        deadline = time.time() + self.timeout
        while True:
            left = deadline - time.time()
            if left <= 0 or not self.req.poll(int(left * 1000)):
                raise TimeoutError(f"no reply to ReadEvents from {self.api}")
            rep = pb.Reply.FromString(self.req.recv())
            if rep.request_id == req.request_id:
                break
        if rep.code != 0:
            raise RuntimeError(f"ReadEvents failed: {rep.code} {rep.message}")
        return pb.ReadEventsReply.FromString(rep.body)

    def catch_up(self, head=None):
        """Reads the log until the cursor reaches `head` (or the log's head)."""
        while head is None or self.cursor < head:
            page = self._read_events(self.cursor)
            for ev in page.events:
                self._deliver(ev)
            if not page.events or self.cursor >= page.head_seq:
                return

    def _deliver(self, ev):
        if ev.seq <= self.cursor:
            self.duplicates += 1
            return
        if ev.seq != self.cursor + 1:
            self.gaps += 1
            self.catch_up(ev.seq - 1)
            if ev.seq != self.cursor + 1:
                return
        self.cursor = ev.seq
        self.on_event(ev)

    def poll(self, timeout_ms=100):
        """Handles what the event socket has; returns after timeout_ms without any."""
        while self.sub.poll(timeout_ms):
            topic, data = self.sub.recv_multipart()
            if topic.endswith(b".heartbeat"):
                hb = self.common_pb2.Heartbeat.FromString(data)
                if hb.head_seq > self.cursor:
                    self.gaps += 1
                    self.catch_up(hb.head_seq)
                continue
            self._deliver(self.common_pb2.Event.FromString(data))
            timeout_ms = 0

    def close(self):
        self.sub.close()
        self.req.close()


def main():
    ap = argparse.ArgumentParser(description="Print the categoriser's category changes.")
    ap.add_argument("--api", default="tcp://127.0.0.1:7200")
    ap.add_argument("--events", default="tcp://127.0.0.1:7201")
    ap.add_argument("--key", default="var/keys/cli.key_secret",
                    help="your secret certificate (a principal with the service role)")
    ap.add_argument("--server-key", default="var/keys/categoriser.key",
                    help="the categoriser's public certificate")
    ap.add_argument("--after", type=int, default=0, help="start after this sequence number")
    ap.add_argument("--python-path", help="where the protoc-generated n2gg modules are")
    args = ap.parse_args()
    modules = load_modules(args.python_path)
    categoriser_pb2 = modules[1]

    def show(ev):
        if ev.topic == "category.changed":
            c = categoriser_pb2.CategoryChanged.FromString(ev.payload)
            print(f"#{ev.seq} {c.urn} {c.school_name}: {c.previous_category or '-'} -> "
                  f"{c.category or '-'} ({c.cause})", flush=True)
        else:
            print(f"#{ev.seq} {ev.topic}", flush=True)

    sub = CategorySubscriber(args.api, args.events, show, args.key, args.server_key, args.after,
                             modules=modules)
    sub.catch_up()
    try:
        while True:
            sub.poll(1000)
    except KeyboardInterrupt:
        pass
    finally:
        sub.close()


if __name__ == "__main__":
    main()
