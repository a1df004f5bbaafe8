"""The whole pipeline under kill -9: the registry, the categoriser following it, the
scheduler following both (the demo partners, a plan) and the notifier following all three
(letters to its mail directory), with the demo data imported. A client sends thousands of
registry changes (SetFlags that always toggle targeted_n2gg or causing_concern, and
progress returns that always change something), each with its own explicit request id,
while a killer thread SIGKILLs a random service every 1-3 s and starts it again on the
same ports and store. A write whose reply is lost is sent again with the same id until it
is acknowledged; a sample of acknowledged writes is replayed with the same id and body
and must get the first reply byte for byte without moving the registry's head.

Afterwards, with every service up and caught up:
  1. every service's event log is gapless: seqs 1..head;
  2. no duplicate effect: after the import the registry log holds exactly the acknowledged
     changes, one event each, in the order they were acknowledged;
  3. no acknowledged write undone: every school's flags equal the client's model;
  4. the categoriser's categories equal a fresh categoriser's full recomputation, and its
     category.changed events chain per school;
  5. letters: one file per Message-ID, the files are exactly the deliveries the notifier
     says it sent, one delivery per (notice, recipient, channel), every delivery in a
     final state, nothing dead; the scheduler's allocation events tell the same story as
     its store.

The CI run is short (N2GG_CHAOS_CHANGES, N2GG_CHAOS_KILLS, N2GG_CHAOS_SEED make it
longer; scripts/chaos does); counts are scaled down under a sanitizer build."""
import collections
import difflib
import email.parser
import email.policy
import glob
import os
import random
import sys
import threading
import time
import urllib.error

import zmq

import harness
from harness import (OK, SLOW, SOURCE_DIR, UNAVAILABLE, ServiceTestCase, common_pb2,
                     import_file, registry_pb2)
from n2gg.v1 import categoriser_pb2 as cat_pb2
from n2gg.v1 import notifier_pb2 as ntf_pb2
from n2gg.v1 import scheduler_pb2 as sch_pb2

DEMO = os.path.join(SOURCE_DIR, "data", "demo")
AS_OF = "2013-11-15"
CHANGES = int(os.environ.get("N2GG_CHAOS_CHANGES", 2500 if SLOW == 1 else 400))
KILLS = int(os.environ.get("N2GG_CHAOS_KILLS", 8 if SLOW == 1 else 5))
SEED = int(os.environ.get("N2GG_CHAOS_SEED", 2013))
ACTOR = "officer.k"
FLAGS = ("targeted_n2gg", "causing_concern")
# delivery states nothing more will happen to
FINAL = {ntf_pb2.DELIVERY_SENT, ntf_pb2.DELIVERY_NO_ADDRESS, ntf_pb2.DELIVERY_WITHDRAWN,
         ntf_pb2.DELIVERY_IN_DIGEST}


def say(text):
    print(text, file=sys.stderr, flush=True)


def reply_diff(first, again):
    """What differs between two replies to a registry write, field by field."""
    a, b = common_pb2.Reply.FromString(first), common_pb2.Reply.FromString(again)
    lines = [f"  {f}: {getattr(a, f)!r} then {getattr(b, f)!r}" for f in ("request_id", "code", "message")
             if getattr(a, f) != getattr(b, f)]
    try:
        sa = str(registry_pb2.SchoolReply.FromString(a.body)).splitlines()
        sb = str(registry_pb2.SchoolReply.FromString(b.body)).splitlines()
        lines += difflib.unified_diff(sa, sb, "first reply", "replayed reply", lineterm="", n=1)
    except Exception as e:   # not a SchoolReply
        lines.append(f"  bodies differ ({len(a.body)} and {len(b.body)} bytes; {e})")
    return "\n".join(lines)


class DurableClient:
    """Requests with explicit ids to one service that may die at any moment: a request
    whose reply does not come in `patience` seconds is sent again with the same id (on a
    new connection) until a reply comes, or `deadline` seconds have passed."""

    def __init__(self, endpoint, principal=ACTOR, patience=3.0, deadline=120.0):
        self.endpoint = endpoint
        self.principal = principal
        self.patience = patience * SLOW
        self.deadline = deadline * SLOW
        self.sock = None
        self.resends = 0
        self._connect()

    def _connect(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = zmq.Context.instance().socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        harness.secure(self.sock, self.endpoint, self.principal)
        self.sock.connect(self.endpoint)

    def request(self, request_id, method, body):
        """The first Reply (code OK or not) to `request_id`, as bytes and parsed."""
        req = common_pb2.Request(request_id=request_id, method=method,
                                 body=body.SerializeToString(), actor=self.principal)
        wire = req.SerializeToString()
        give_up = time.time() + self.deadline
        while True:
            self.sock.send(wire)
            until = min(time.time() + self.patience, give_up)
            while True:
                left = until - time.time()
                if left <= 0 or not self.sock.poll(int(left * 1000)):
                    break
                raw = self.sock.recv()
                rep = common_pb2.Reply.FromString(raw)
                if rep.request_id != request_id:
                    continue   # a late reply to an earlier request
                if rep.code == UNAVAILABLE:   # starting or stopping: ask again
                    time.sleep(0.1)
                    break
                return raw, rep
            if time.time() >= give_up:
                raise AssertionError(f"no reply to {method} {request_id} in {self.deadline:.0f} s")
            self.resends += 1
            self._connect()

    def call(self, method, body, reply_type, request_id=None):
        """A read (or any call that must succeed): a fresh id unless one is given."""
        rid = request_id or f"read-{random.getrandbits(64):016x}"
        _, rep = self.request(rid, method, body)
        if rep.code != OK:
            raise AssertionError(f"{method}: {rep.code}: {rep.message}")
        return reply_type.FromString(rep.body)

    def head(self):
        return self.call("ReadEvents", common_pb2.ReadEventsRequest(after_seq=0, max=1),
                         common_pb2.ReadEventsReply).head_seq

    def all_events(self):
        events, after = [], 0
        while True:
            page = self.call("ReadEvents", common_pb2.ReadEventsRequest(after_seq=after, max=1000),
                             common_pb2.ReadEventsReply)
            events.extend(page.events)
            if not page.events or page.events[-1].seq >= page.head_seq:
                return events, page.head_seq
            after = page.events[-1].seq

    def close(self):
        self.sock.close()


class Killer(threading.Thread):
    """SIGKILLs a service every 1-3 s and starts it again (same ports, same store), until
    `kills` are done or it is told to stop. Every service is killed at least once when
    `kills` >= 4."""

    def __init__(self, services, kills, seed):
        super().__init__(daemon=True)
        self.services = services
        self.rng = random.Random(seed)
        names = sorted(services)
        self.rng.shuffle(names)
        self.plan = (names + [self.rng.choice(sorted(services)) for _ in range(kills)])[:kills]
        self.stop = threading.Event()
        self.done = []        # (name, seconds down)
        self.errors = []

    def run(self):
        try:
            for name in self.plan:
                if self.stop.wait(self.rng.uniform(1.0, 3.0)):
                    return
                svc = self.services[name]
                endpoints = (svc.api, svc.events, svc.http)
                if svc.proc.poll() is not None:
                    self.errors.append(f"{name} had exited by itself with {svc.proc.returncode}:\n"
                                       f"{svc.log()[-3000:]}")
                    return
                t0 = time.time()
                svc.kill9()
                time.sleep(self.rng.uniform(0.0, 0.3))
                svc.start()   # waits until /health answers
                if (svc.api, svc.events, svc.http) != endpoints:
                    self.errors.append(f"{name} came back on other ports (taken meanwhile)")
                    return
                self.done.append((name, time.time() - t0))
                say(f"  kill -9 {name} ({len(self.done)}/{len(self.plan)}), "
                    f"healthy again after {time.time() - t0:.1f} s")
        except Exception as e:   # reported by the test
            self.errors.append(f"{type(e).__name__}: {e}")


class TestChaos(ServiceTestCase):
    def metric(self, svc, name):
        try:
            value = svc.metric(name)
        except (OSError, urllib.error.URLError):
            return None
        return value

    def settled(self, reg, cat, sch, ntf, heads):
        """Every follower has applied every event its sources hold and the notifier has
        nothing left to send."""
        for svc in (reg, cat, sch, ntf):
            if svc.proc.poll() is not None:
                raise AssertionError(f"{svc.name} exited with {svc.proc.returncode}:\n"
                                     f"{svc.log()[-3000:]}")
        wanted = [(cat, "n2gg_categoriser_registry_cursor", heads["registry"]),
                  (sch, "n2gg_scheduler_registry_cursor", heads["registry"]),
                  (sch, "n2gg_scheduler_categoriser_cursor", heads["categoriser"]),
                  (ntf, "n2gg_notifier_registry_cursor", heads["registry"]),
                  (ntf, "n2gg_notifier_categoriser_cursor", heads["categoriser"]),
                  (ntf, "n2gg_notifier_scheduler_cursor", heads["scheduler"])]
        for svc, name, head in wanted:
            value = self.metric(svc, name)
            if value is None or value < head:
                return f"{name} {value} < {head}"
        if self.metric(ntf, "n2gg_notifier_queue") != 0:
            return f"notifier queue {self.metric(ntf, 'n2gg_notifier_queue')}"
        return ""

    def wait_settled(self, svcs, clients, timeout):
        """Until the pipeline has settled and stayed so (same heads) for a while: the
        scheduler's plans and the notifier's visit schedules come a little after the
        events that ask for them."""
        deadline = time.time() + timeout * SLOW
        stable_since, last, why = None, None, ""
        while time.time() < deadline:
            heads = {name: c.head() for name, c in clients.items()}
            why = self.settled(*svcs, heads)
            if not why and heads == last:
                if time.time() - stable_since >= 1.5 * SLOW:
                    return heads
            else:
                stable_since = time.time()
            last = heads if not why else None
            time.sleep(0.2)
        raise AssertionError(f"the pipeline did not settle in {timeout * SLOW:.0f} s: {why}\n" +
                             "\n".join(f"--- {s.name}\n{s.log()[-1500:]}" for s in svcs))

    def test_kill_9_anywhere_in_a_stream_of_changes(self):
        t_start = time.time()
        cat_args = ["--as-of", AS_OF]
        reg = self.start("registry")
        cat = self.start_follower("categoriser", reg, cat_args)
        sch = self.start_follower("scheduler", reg, [
            "--categoriser", cat.api, "--categoriser-events", cat.events, "--as-of", AS_OF])
        r = self.client(reg)
        import_file(r, "ImportGias", os.path.join(DEMO, "edubasealldata.csv"), la_code=926)
        for method, name in (("ImportClusters", "clusters.csv"), ("ImportContacts", "contacts.csv"),
                             ("ImportInspections", "ofsted.csv"),
                             ("ImportAchievement", "achievement.csv")):
            import_file(r, method, os.path.join(DEMO, name))
        with open(os.path.join(DEMO, "partners.csv"), "rb") as f:
            created = self.client(sch).call("ImportPartners", sch_pb2.ImportPartnersRequest(
                data=f.read(), file_name="partners.csv"), sch_pb2.ImportPartnersReply).created
        self.assertEqual(created, 60)
        self.wait_caught_up(cat, reg, timeout=60)
        cat_head = self.client(cat).read_events(max_events=1).head_seq
        harness.wait_for(lambda: sch.metric("n2gg_scheduler_categoriser_cursor") >= cat_head and
                         sch.metric("n2gg_scheduler_registry_cursor") >= r.read_events(
                             max_events=1).head_seq, timeout=60, what="the scheduler")
        self.client(sch).call("RunAllocation", sch_pb2.RunAllocationRequest(), sch_pb2.PlanReply)
        ntf = self.start_follower("notifier", reg, [
            "--categoriser", cat.api, "--categoriser-events", cat.events,
            "--scheduler", sch.api, "--scheduler-events", sch.events, "--as-of", AS_OF,
            "--retry-base-ms", "50", "--retry-max-ms", "400", "--visit-settle-ms", "300",
            "--settle-ms", "300"])   # the flags are an officer's changes: they wait too
        svcs = (reg, cat, sch, ntf)
        services = {s.name: s for s in svcs}

        # the client's model: every open school's flags as the registry holds them now
        w = DurableClient(reg.api)
        self.addCleanup(w.close)
        schools = w.call("ListSchools", registry_pb2.ListSchoolsRequest(
            status=registry_pb2.STATUS_OPEN), registry_pb2.ListSchoolsReply).schools
        model = {s.urn: {f: getattr(s.flags, f) for f in FLAGS} for s in schools}
        urns = sorted(model)
        self.assertGreater(len(urns), 300)
        start_head = w.head()
        say(f"\nset up in {time.time() - t_start:.1f} s: {len(urns)} open schools, registry "
            f"head {start_head}; {CHANGES}+ changes, {KILLS} kills, seed {SEED}")

        rng = random.Random(SEED)
        expected = []        # the effects, in the order they were acknowledged
        acked = []           # (request id, method, body, first reply bytes)
        replays = 0
        killer = Killer(services, KILLS, SEED + 1)
        t_stream = time.time()
        killer.start()
        i = 0
        # at least CHANGES, and on while the killer works (bounded)
        while i < CHANGES or (killer.is_alive() and i < 20 * CHANGES):
            urn = rng.choice(urns)
            rid = f"chaos-{SEED}-{i:06d}"
            if rng.random() < 0.7:
                flag = rng.choice(FLAGS)
                value = not model[urn][flag]
                method, body = "SetFlags", registry_pb2.SetFlagsRequest(
                    urn=urn, flags=registry_pb2.LaFlags(**{flag: value}), fields=[flag])
            else:
                flag, value = None, None
                method, body = "RecordProgressReturn", registry_pb2.RecordProgressReturnRequest(
                    urn=urn, progress_return=registry_pb2.ProgressReturn(
                        year=2014, half_term=1 + rng.randrange(6), received_date="2013-11-01",
                        on_track_pct=float(rng.randrange(101)), note=rid))
            raw, rep = w.request(rid, method, body)
            self.assertEqual(rep.code, OK, f"{method} {rid}: {rep.message}")
            school = registry_pb2.SchoolReply.FromString(rep.body).school
            if flag:
                model[urn][flag] = value
                self.assertEqual(getattr(school.flags, flag), value, f"{rid}: the reply's flags")
                expected.append(("registry.flags.changed", urn,
                                 tuple(model[urn][f] for f in FLAGS)))
            else:
                expected.append(("registry.progress.recorded", urn, rid))
            acked.append((rid, method, body, raw))
            i += 1
            # now and then an acknowledged write again, same id, same body: the first reply,
            # no second effect
            if rng.random() < 0.02:
                acked_entry = acked[rng.randrange(len(acked))]
                old_rid, old_method, old_body, first = acked_entry
                head = w.head()
                again, _ = w.request(old_rid, old_method, old_body)
                if again != first:
                    self.fail(f"replay of {old_rid} ({old_method}, acknowledged "
                              f"{len(acked) - acked.index(acked_entry)} changes earlier): not the "
                              f"first reply byte for byte:\n{reply_diff(first, again)}")
                self.assertEqual(w.head(), head, f"replay of {old_rid} moved the registry's head")
                replays += 1
        stream_s = time.time() - t_stream
        killer.stop.set()
        killer.join(60 * SLOW)
        self.assertFalse(killer.is_alive(), "the killer did not finish")
        self.assertEqual(killer.errors, [])
        say(f"stream: {i} changes acknowledged in {stream_s:.1f} s ({w.resends} resends, "
            f"{replays} replays checked); {len(killer.done)} kills: "
            f"{dict(collections.Counter(n for n, _ in killer.done))}")
        self.assertEqual(len(killer.done), KILLS, "every kill happened during the stream")

        clients = {s.name: DurableClient(s.api, "tests") for s in svcs}
        for c in clients.values():
            self.addCleanup(c.close)
        t_settle = time.time()
        heads = self.wait_settled(svcs, clients, timeout=max(240, i / 20))
        say(f"settled in {time.time() - t_settle:.1f} s; heads {heads}")

        t_checks = time.time()
        # (1) every log gapless, 1..head
        logs = {}
        for name, c in clients.items():
            events, head = c.all_events()
            self.assertEqual([e.seq for e in events], list(range(1, head + 1)), f"{name}'s log")
            logs[name] = events

        # (2) after the import, exactly the acknowledged changes, once each, in order
        got = []
        for e in logs["registry"][start_head:]:
            ev = harness.registry_event(e)
            if e.topic == "registry.flags.changed":
                got.append((e.topic, ev.flags.urn, tuple(getattr(ev.flags.flags, f) for f in FLAGS)))
            elif e.topic == "registry.progress.recorded":
                got.append((e.topic, ev.progress_return.urn, ev.progress_return.progress_return.note))
            else:
                got.append((e.topic, 0, e.seq))
        counts = collections.Counter(t for t, _, _ in got)
        self.assertEqual(counts, collections.Counter(t for t, _, _ in expected),
                         "one event per acknowledged change")
        self.assertEqual(got, expected, "the registry log is the acknowledged changes in order")

        # (3) nothing acknowledged undone
        final = {s.urn: {f: getattr(s.flags, f) for f in FLAGS}
                 for s in w.call("ListSchools", registry_pb2.ListSchoolsRequest(
                     status=registry_pb2.STATUS_OPEN), registry_pb2.ListSchoolsReply).schools}
        self.assertEqual(final, model)
        for urn in rng.sample(urns, 20):
            school = w.call("GetSchool", registry_pb2.GetSchoolRequest(urn=urn),
                            registry_pb2.GetSchoolReply).school
            self.assertEqual({f: getattr(school.flags, f) for f in FLAGS}, model[urn], urn)

        # (4) the categories equal a full recomputation; each change starts where the last ended
        last = {}
        changes = 0
        for e in logs["categoriser"]:
            if e.topic != "category.changed":
                continue
            c = cat_pb2.CategoryChanged.FromString(e.payload)
            self.assertEqual(c.previous_category, last.get(c.urn, ""), f"category event {e.seq}")
            self.assertNotEqual(c.previous_category, c.category, f"category event {e.seq}")
            last[c.urn] = c.category
            changes += 1
        fresh = self.start("categoriser", data_dir=os.path.join(self.tmp, "fresh"), extra_args=[
            "--registry", reg.api, "--registry-events", reg.events, *cat_args])
        self.wait_caught_up(fresh, reg, timeout=120)

        def decisions(svc):
            c = DurableClient(svc.api, "tests")
            try:
                return {d.urn: (d.category, d.rule_id) for d in c.call(
                    "ListCategories", cat_pb2.ListCategoriesRequest(),
                    cat_pb2.ListCategoriesReply).decisions}
            finally:
                c.close()
        recovered, recomputed = decisions(cat), decisions(fresh)
        self.assertEqual(recovered, recomputed, "the categories equal a fresh recomputation")
        self.assertEqual({u: c for u, (c, _) in recovered.items()}, last,
                         "the categories are where their events left them")

        # the scheduler's events tell the same story as its store
        alloc_last = {}
        for e in logs["scheduler"]:
            if e.topic == "allocation.changed":
                a = sch_pb2.AllocationChanged.FromString(e.payload).allocation
                alloc_last[(a.role, a.urn, a.cluster_id if not a.urn else "")] = a.partner_id
        stored = clients["scheduler"].call("ListAllocations", sch_pb2.ListAllocationsRequest(),
                                           sch_pb2.AllocationsReply).allocations
        for al in stored:
            key = (al.role, al.urn, al.cluster_id if not al.urn else "")
            self.assertEqual(alloc_last.get(key, ""), al.partner_id, key)

        # (5) letters: unique, each (notice, recipient, channel) once, all final, the files
        # exactly the deliveries sent
        n = clients["notifier"]
        notices = n.call("ListNotices", ntf_pb2.ListNoticesRequest(limit=10 ** 7),
                         ntf_pb2.ListNoticesReply).notices
        ids = [x.id for x in notices]
        self.assertEqual(len(ids), len(set(ids)), "notice ids unique")
        # a category letter is named after the category.changed event it tells of: at most
        # one per event, and none for a change the categoriser did not publish
        changed = {(c.urn, e.seq) for e in logs["categoriser"] if e.topic == "category.changed"
                   for c in [cat_pb2.CategoryChanged.FromString(e.payload)]}
        told = [(x.urn, int(x.id.rsplit("-c", 1)[1])) for x in notices
                if x.kind == ntf_pb2.NOTICE_CATEGORY_LETTER]
        self.assertEqual(len(told), len(set(told)), "one category letter per change")
        self.assertEqual(sorted(set(told) - changed), [], "letters only of published changes")
        # every delivery as the notifier's log tells it (notice.created, then each change of
        # state), the store agreeing on a sample of notices. (A delivery's notice.no_address
        # comes just before its notice.created, in the same transaction.)
        by_key, twice = {}, []
        for e in logs["notifier"]:
            if e.topic == "notice.created":
                for d in ntf_pb2.NoticeCreated.FromString(e.payload).deliveries:
                    if d.key in by_key:
                        twice.append((e.seq, d.notice_id, d.key[:12]))
                    by_key[d.key] = d
        self.assertEqual(twice, [], "each delivery created once")
        unknown = []
        for e in logs["notifier"]:
            if e.topic in ("notice.delivered", "notice.dead", "notice.no_address",
                           "notice.retried", "notice.withdrawn"):
                d = ntf_pb2.DeliveryEvent.FromString(e.payload).delivery
                if d.key not in by_key:
                    unknown.append((e.seq, e.topic, d.notice_id, d.key[:12]))
                by_key[d.key] = d
        self.assertEqual(unknown, [], "delivery events of deliveries no notice.created holds")
        deliveries = list(by_key.values())
        self.assertEqual(sum(x.deliveries for x in notices), len(deliveries))
        for x in random.Random(SEED).sample(notices, min(len(notices), 150)):
            stored = n.call("DeliveryLog", ntf_pb2.DeliveryLogRequest(notice_id=x.id),
                            ntf_pb2.DeliveriesReply).deliveries
            self.assertEqual({d.key: (d.state, d.message_id) for d in stored},
                             {d.key: (d.state, d.message_id) for d in deliveries
                              if d.notice_id == x.id}, f"notice {x.id}: store and log agree")
        pairs = collections.Counter((d.notice_id, d.recipient.role, d.recipient.urn,
                                     d.recipient.cluster_id, d.channel) for d in deliveries)
        self.assertEqual([p for p, k in pairs.items() if k > 1], [],
                         "one delivery per (notice, recipient, channel)")
        states = collections.Counter(ntf_pb2.DeliveryState.Name(d.state) for d in deliveries)
        self.assertEqual([(d.key, ntf_pb2.DeliveryState.Name(d.state)) for d in deliveries
                          if d.state not in FINAL], [], f"every delivery final ({dict(states)})")
        self.assertEqual(self.metric(ntf, "n2gg_notifier_dead"), 0)
        maildir = os.path.join(ntf.data_dir, "store", "maildir")
        files = sorted(glob.glob(os.path.join(maildir, "*.eml")))
        by_mid = collections.defaultdict(list)
        parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
        for path in files:
            with open(path, "rb") as f:
                msg = parser.parse(f)
            by_mid[msg["Message-ID"]].append((os.path.basename(path), str(msg["To"])))
        self.assertEqual({m: p for m, p in by_mid.items() if len(p) > 1}, {},
                         "one file per Message-ID")
        sent = [d for d in deliveries if d.state == ntf_pb2.DELIVERY_SENT and d.channel == "maildir"]
        self.assertEqual(len({d.message_id for d in sent}), len(sent), "Message-IDs unique")
        sent = {d.message_id: d for d in sent}
        extra = sorted(set(by_mid) - set(sent))
        self.assertEqual([(m, by_mid[m], ntf_pb2.DeliveryState.Name(
            next((d.state for d in deliveries if d.message_id == m), 0))) for m in extra], [],
            "no letter in the mail directory that the notifier does not count as sent")
        self.assertEqual(sorted(set(sent) - set(by_mid)), [], "no letter sent but missing")
        for mid, [(name, to)] in by_mid.items():
            self.assertTrue(name.startswith(sent[mid].key), name)
            self.assertIn(sent[mid].recipient.email, to, mid)
        leftovers = [p for p in os.listdir(maildir) if p.endswith(".tmp")]
        kinds = collections.Counter(ntf_pb2.NoticeKind.Name(x.kind) for x in notices)
        say(f"checked: {len(logs['registry'])} registry, {len(logs['categoriser'])} categoriser "
            f"({changes} category changes), {len(logs['scheduler'])} scheduler, "
            f"{len(logs['notifier'])} notifier events; {len(notices)} notices {dict(kinds)}; "
            f"deliveries {dict(states)}; {len(files)} letters in the mail directory"
            + (f"; {len(leftovers)} temporary files left over" if leftovers else "")
            + f"; checks {time.time() - t_checks:.1f} s, {time.time() - t_start:.1f} s in all")


if __name__ == "__main__":
    unittest.main()
