"""The categoriser against the real registry: decisions follow registry changes, policy
reloads, overrides and their expiry, half-termly monitoring, a kill -9 in a stream of
changes, and bad input from a registry it cannot trust."""
import os
import random
import shutil
import signal
import threading
import time

import zmq

import harness
from harness import (FAILED_PRECONDITION, INVALID_ARGUMENT, NOT_FOUND, SLOW, SOURCE_DIR,
                     ServiceError, ServiceTestCase, wait_for, common_pb2, import_file, registry_pb2)
from n2gg.v1 import categoriser_pb2 as cat_pb2
from category_subscriber import CategorySubscriber

DEMO = os.path.join(SOURCE_DIR, "data", "demo")
POLICY = os.path.join(SOURCE_DIR, "services", "categoriser", "policy", "norfolk-2013.yaml")
AS_OF = "2013-11-15"   # the bundled data is a 2013 snapshot


class CategoriserCase(ServiceTestCase):
    def start_categoriser(self, registry, *args, data_dir=None, wait=True, as_of=AS_OF):
        """as_of None: the categoriser decides as of today, by the wall clock."""
        return self.start("categoriser", data_dir=data_dir, wait=wait, extra_args=[
            "--registry", registry.api, "--registry-events", registry.events,
            *(["--as-of", as_of] if as_of else []), *args])

    def caught_up(self, registry, cat):
        head = self.client(registry).call("Health", common_pb2.HealthRequest(),
                                          common_pb2.HealthReply).head_seq
        wait_for(lambda: cat.metric("n2gg_categoriser_registry_cursor") >= head,
                 what=f"the categoriser to reach registry event {head}")

    def import_demo(self, registry, *files):
        reg = self.client(registry)
        kinds = {"edubasealldata.csv": ("ImportGias", {"la_code": 926}),
                 "clusters.csv": ("ImportClusters", {}), "ofsted.csv": ("ImportInspections", {}),
                 "achievement.csv": ("ImportAchievement", {})}
        for name in files or kinds:
            method, fields = kinds[name]
            import_file(reg, method, os.path.join(DEMO, name), **fields)

    def decisions(self, cat):
        reply = self.client(cat).call("ListCategories", cat_pb2.ListCategoriesRequest(),
                                      cat_pb2.ListCategoriesReply)
        return {d.urn: d for d in reply.decisions}

    def category_events(self, cat, after=0):
        return [e for e in self.client(cat).all_events(after) if e.topic.startswith("category.")]


class TestDecisions(CategoriserCase):
    def test_every_open_school_is_categorised_with_reasons(self):
        reg = self.start("registry")
        cat = self.start_categoriser(reg)
        self.import_demo(reg)
        self.caught_up(reg, cat)
        decisions = self.decisions(cat)
        open_schools = sum(self.client(reg).call(
            "ListSchools", registry_pb2.ListSchoolsRequest(status=status),
            registry_pb2.ListSchoolsReply).total
            for status in (registry_pb2.STATUS_OPEN, registry_pb2.STATUS_OPEN_PROPOSED_TO_CLOSE))
        self.assertEqual(len(decisions), open_schools)
        self.assertEqual(cat.metric("n2gg_categoriser_unmatched_total"), 0)
        letters = {d.category for d in decisions.values()}
        self.assertLessEqual({"A", "C", "F"}, letters)
        for d in decisions.values():
            self.assertTrue(d.rule_id and d.policy_version == "2013.1", d)
            self.assertTrue(any(r.holds for r in d.reasons), d)
        inadequate = [d for d in decisions.values() if d.rule_id == "ofsted-inadequate"]
        self.assertTrue(inadequate)
        self.assertEqual(inadequate[0].category, "A")
        self.assertIn("Inadequate", " ".join(r.text for r in inadequate[0].reasons))

    def test_an_inspection_yields_one_category_change(self):
        reg = self.start("registry")
        cat = self.start_categoriser(reg)
        self.import_demo(reg, "edubasealldata.csv", "clusters.csv", "ofsted.csv")
        self.caught_up(reg, cat)
        good = next(d for d in self.decisions(cat).values() if d.category == "F")
        head = self.client(cat).call("Health", common_pb2.HealthRequest(),
                                     common_pb2.HealthReply).head_seq
        sub = zmq.Context.instance().socket(zmq.SUB)
        sub.setsockopt(zmq.SUBSCRIBE, b"category.changed")
        harness.secure(sub, cat.events)
        sub.connect(cat.events)
        time.sleep(0.3)   # the subscription reaches the publisher
        started = time.monotonic()
        self.client(reg).call("RecordInspection", registry_pb2.RecordInspectionRequest(
            urn=good.urn, inspection=registry_pb2.Inspection(start_date="2013-11-01",
                                                             overall_effectiveness=4)))
        self.assertTrue(sub.poll(int(10000 * SLOW)), "no category.changed")
        delay_ms = (time.monotonic() - started) * 1000
        topic, data = sub.recv_multipart()
        sub.close()
        change = cat_pb2.CategoryChanged.FromString(common_pb2.Event.FromString(data).payload)
        print(f"\ninspection recorded -> category.changed received: {delay_ms:.1f} ms")
        self.assertEqual((change.urn, change.previous_category, change.category),
                         (good.urn, "F", "A"))
        self.assertEqual(change.rule_id, "ofsted-inadequate")
        self.assertIn("registry.inspection.recorded", change.cause)
        self.assertEqual(change.policy_version, "2013.1")
        self.assertEqual(change.school_name, good.school_name)
        self.assertTrue(change.activities and change.half_termly_monitoring)
        time.sleep(0.5 * SLOW)
        after = [e for e in self.category_events(cat, head) if e.topic == "category.changed"]
        self.assertEqual(len(after), 1, "exactly one category.changed")
        # a change the rules do not look at (a new headteacher) changes nothing
        self.client(reg).call("ImportContacts", registry_pb2.ImportRequest(
            data=f"URN,ROLE,NAME,EMAIL,PHONE\n{good.urn},headteacher,Ann Other,ann@example.org,01603 000000\n"
            .encode(), file_name="contacts.csv"))
        self.caught_up(reg, cat)
        self.assertEqual(len(self.category_events(cat, head)), 1)


class TestPolicy(CategoriserCase):
    def setUp(self):
        super().setUp()
        self.policy = os.path.join(self.tmp, "policy.yaml")
        shutil.copy(POLICY, self.policy)

    def edit_policy(self, old, new):
        with open(self.policy) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(self.policy, "w") as f:
            f.write(text.replace(old, new))

    def version(self, cat):
        return self.client(cat).call("GetPolicy", cat_pb2.GetPolicyRequest(),
                                     cat_pb2.GetPolicyReply).version

    def test_reload_publishes_only_the_changes(self):
        reg = self.start("registry")
        cat = self.start_categoriser(reg, "--policy", self.policy)
        self.import_demo(reg, "edubasealldata.csv", "clusters.csv", "ofsted.csv")
        self.caught_up(reg, cat)
        before = self.decisions(cat)
        head = self.client(cat).all_events()[-1].seq
        # only outstanding schools stay F; good ones fall through to C
        self.edit_policy('version: "2013.1"', 'version: "2013.2"')
        self.edit_policy("      fact: ofsted.overall\n      at_most: 2",
                         "      fact: ofsted.overall\n      is: 1")
        cat.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: self.version(cat) == "2013.2", what="the reloaded policy")
        after = self.decisions(cat)
        changed = {u for u in after if after[u].category != before[u].category}
        self.assertTrue(changed)
        self.assertTrue(all(before[u].category == "F" and after[u].category == "C"
                            for u in changed))
        events = self.category_events(cat, head)
        changes = [cat_pb2.CategoryChanged.FromString(e.payload) for e in events
                   if e.topic == "category.changed"]
        self.assertEqual(sorted(c.urn for c in changes), sorted(changed))
        self.assertTrue(all(c.policy_version == "2013.2" and "2013.2 loaded" in c.cause
                            for c in changes))
        loaded = [cat_pb2.PolicyLoaded.FromString(e.payload) for e in events
                  if e.topic == "category.policy.loaded"]
        self.assertEqual(len(loaded), 1)
        self.assertEqual(loaded[0].schools_changed, len(changed))
        # the same file again through the API: nothing changes
        reply = self.client(cat).call("ReloadPolicy", cat_pb2.ReloadPolicyRequest(),
                                      cat_pb2.PolicyReply)
        self.assertTrue(reply.ok)
        self.assertEqual(reply.schools_changed, 0)
        self.assertEqual(reply.schools_evaluated, self.client(reg).call(
            "ListSchools", registry_pb2.ListSchoolsRequest(), registry_pb2.ListSchoolsReply).total)

    def test_a_bad_policy_is_refused_and_the_old_one_stays(self):
        reg = self.start("registry")
        cat = self.start_categoriser(reg, "--policy", self.policy)
        self.import_demo(reg, "edubasealldata.csv", "clusters.csv", "ofsted.csv")
        self.caught_up(reg, cat)
        head = self.client(cat).all_events()[-1].seq
        with open(POLICY) as f:
            good = f.read()
        # a syntax error, by signal and by API
        with open(self.policy, "w") as f:
            f.write(good.replace("    when:\n      fact: la.targeted_n2gg",
                                 "    when: [\n      fact: la.targeted_n2gg"))
        cat.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "policy reload refused" in cat.log(), what="the refusal in the log")
        with self.assertRaises(ServiceError) as e:
            self.client(cat).call("ReloadPolicy", cat_pb2.ReloadPolicyRequest())
        self.assertEqual(e.exception.code, INVALID_ARGUMENT)
        self.assertRegex(e.exception.message, r"policy\.yaml:\d+: YAML syntax")
        # an unknown fact
        with open(self.policy, "w") as f:
            f.write(good.replace("fact: la.targeted_n2gg", "fact: la.targetted_n2gg"))
        with self.assertRaises(ServiceError) as e:
            self.client(cat).call("ReloadPolicy", cat_pb2.ReloadPolicyRequest())
        line = good[:good.index("fact: la.targeted_n2gg")].count("\n") + 1
        self.assertIn(f"policy.yaml:{line}: unknown fact 'la.targetted_n2gg'", e.exception.message)
        # a rule set that leaves schools without a category: refused, naming them
        no_catch_all = good[:good.index("  - id: good-or-better")]
        with open(self.policy, "w") as f:
            f.write(no_catch_all.replace('version: "2013.1"', 'version: "2013.9"'))
        check = self.client(cat).call("CheckPolicy", cat_pb2.CheckPolicyRequest(
            text=no_catch_all.encode(), file_name="p.yaml"), cat_pb2.PolicyReply)
        self.assertFalse(check.ok)
        self.assertTrue(check.unmatched_urns)
        with self.assertRaises(ServiceError) as e:
            self.client(cat).call("ReloadPolicy", cat_pb2.ReloadPolicyRequest())
        self.assertEqual(e.exception.code, FAILED_PRECONDITION)
        self.assertIn(f"URN {check.unmatched_urns[0]}", e.exception.message)
        # nothing changed: same policy, no event
        self.assertEqual(self.version(cat), "2013.1")
        self.assertEqual(self.client(cat).all_events()[-1].seq, head)
        # and it still follows the registry
        school = next(iter(self.decisions(cat).values()))
        self.client(reg).call("SetFlags", registry_pb2.SetFlagsRequest(
            urn=school.urn, flags=registry_pb2.LaFlags(causing_concern=True),
            fields=["causing_concern"]))
        wait_for(lambda: self.decisions(cat)[school.urn].category == "A", what="category A")

    def test_a_restart_with_a_broken_file_keeps_the_last_good_policy(self):
        reg = self.start("registry")
        cat = self.start_categoriser(reg, "--policy", self.policy)
        self.import_demo(reg, "edubasealldata.csv")
        self.caught_up(reg, cat)
        cat.stop()
        with open(self.policy, "a") as f:
            f.write("\nunknown_key: 1\n")
        cat = self.start_categoriser(reg, "--policy", self.policy, data_dir=cat.data_dir)
        self.assertEqual(self.version(cat), "2013.1")
        self.assertIn("keeping the last good policy", cat.log())


class TestOverrides(CategoriserCase):
    def test_override_wins_until_it_expires(self):
        # an override runs out by the categoriser's clock: the wall clock here, with no
        # --as-of (as of a date the clock stands still; test_categoriser_cli checks that)
        reg = self.start("registry")
        cat = self.start_categoriser(reg, as_of=None)
        self.import_demo(reg, "edubasealldata.csv", "clusters.csv", "ofsted.csv")
        self.caught_up(reg, cat)
        school = next(d for d in self.decisions(cat).values() if d.category == "F")
        officer = self.client(cat, actor="j.bloggs")
        head = self.client(cat).all_events()[-1].seq
        expires = int((time.time() + 2.0 * SLOW) * 1000)
        reply = officer.call("SetOverride", cat_pb2.SetOverrideRequest(
            urn=school.urn, category="B", reason="new head, targeted from January",
            expires_unix_ms=expires), cat_pb2.OverrideReply)
        d = reply.decision
        self.assertEqual((d.category, d.rule_id, d.ruled_category), ("B", "override", "F"))
        self.assertEqual((d.override.set_by, d.override.expires_unix_ms), ("j.bloggs", expires))
        # it expires on its own, and the rules' category comes back
        wait_for(lambda: self.decisions(cat)[school.urn].category == "F", timeout=15,
                 what="the override to expire")
        history = self.client(cat).call("CategoryHistory", cat_pb2.CategoryHistoryRequest(
            urn=school.urn), cat_pb2.CategoryHistoryReply).events
        # (as of today a school in B owes a progress return: the monitoring check may
        # say so while the override lasts, which is not what this test is about)
        topics = [e.topic for e in history
                  if e.seq > head and e.topic != "category.monitoring.overdue"]
        self.assertEqual(topics, ["category.override.set", "category.changed",
                                  "category.override.expired", "category.changed"])
        changes = [cat_pb2.CategoryChanged.FromString(e.payload) for e in history
                   if e.seq > head and e.topic == "category.changed"]
        self.assertEqual([(c.previous_category, c.category, c.overridden) for c in changes],
                         [("F", "B", True), ("B", "F", False)])
        self.assertEqual(changes[1].cause, "override expired")
        set_event = next(e for e in history if e.topic == "category.override.set")
        audit = cat_pb2.OverrideChanged.FromString(set_event.payload)
        self.assertEqual(audit.override.reason, "new head, targeted from January")
        self.assertEqual(set_event.actor, "j.bloggs")

    def test_clearing_and_refusals(self):
        reg = self.start("registry")
        cat = self.start_categoriser(reg)
        self.import_demo(reg, "edubasealldata.csv")
        self.caught_up(reg, cat)
        school = next(iter(self.decisions(cat).values()))
        c = self.client(cat)
        for req, code in [
                (cat_pb2.SetOverrideRequest(urn=school.urn, category="Z", reason="x"), INVALID_ARGUMENT),
                (cat_pb2.SetOverrideRequest(urn=school.urn, category="B"), INVALID_ARGUMENT),
                (cat_pb2.SetOverrideRequest(urn=school.urn, category="B", reason="x",
                                            expires_unix_ms=1000), INVALID_ARGUMENT),
                (cat_pb2.SetOverrideRequest(urn=999999, category="B", reason="x"), NOT_FOUND),
                (cat_pb2.SetOverrideRequest(urn=12, category="B", reason="x"), INVALID_ARGUMENT)]:
            with self.assertRaises(ServiceError) as e:
                c.call("SetOverride", req)
            self.assertEqual(e.exception.code, code, req)
        with self.assertRaises(ServiceError) as e:
            c.call("ClearOverride", cat_pb2.ClearOverrideRequest(urn=school.urn))
        self.assertEqual(e.exception.code, NOT_FOUND)
        c.call("SetOverride", cat_pb2.SetOverrideRequest(urn=school.urn, category="E", reason="x"))
        self.assertEqual(self.decisions(cat)[school.urn].category, "E")
        # registry changes do not undo an override
        self.client(reg).call("SetFlags", registry_pb2.SetFlagsRequest(
            urn=school.urn, flags=registry_pb2.LaFlags(causing_concern=True),
            fields=["causing_concern"]))
        self.caught_up(reg, cat)
        d = self.decisions(cat)[school.urn]
        self.assertEqual((d.category, d.ruled_category), ("E", "A"))
        reply = c.call("ClearOverride", cat_pb2.ClearOverrideRequest(urn=school.urn, reason="done"),
                       cat_pb2.OverrideReply)
        self.assertEqual(reply.decision.category, "A")
        self.assertFalse(reply.decision.HasField("override"))


class TestMonitoring(CategoriserCase):
    def test_a_missing_progress_return_is_raised_once(self):
        reg = self.start("registry")
        # 2013-11-30: half-term 2 began on 4 November; its return was due 21 days later
        cat = self.start("categoriser", extra_args=[
            "--registry", reg.api, "--registry-events", reg.events, "--as-of", "2013-11-30",
            "--clock-ms", "100"])
        self.import_demo(reg, "edubasealldata.csv")
        self.caught_up(reg, cat)
        # a GIAS extract may carry a school's latest Ofsted judgement: the schools it already
        # places under monitoring are left out of what this test watches
        monitored = {urn for urn, d in self.decisions(cat).items() if d.half_termly_monitoring}
        late, on_time, later = sorted(set(self.decisions(cat)) - monitored)[:3]
        r = self.client(reg)
        r.call("RecordProgressReturn", registry_pb2.RecordProgressReturnRequest(
            urn=on_time, progress_return=registry_pb2.ProgressReturn(
                year=2014, half_term=2, received_date="2013-11-20", on_track_pct=71)))

        def target(urn):
            r.call("SetFlags", registry_pb2.SetFlagsRequest(
                urn=urn, flags=registry_pb2.LaFlags(targeted_n2gg=True), fields=["targeted_n2gg"]))

        def overdue():
            return [(m.urn, m.year, m.half_term, m.due_date) for m in
                    (cat_pb2.MonitoringOverdue.FromString(e.payload)
                     for e in self.category_events(cat) if e.topic == "category.monitoring.overdue")
                    if m.urn not in monitored]
        for urn in (late, on_time):
            target(urn)
        self.caught_up(reg, cat)
        self.assertEqual(self.decisions(cat)[late].category, "B")
        wait_for(overdue, what="monitoring overdue")
        time.sleep(0.5 * SLOW)   # several more clock ticks: still raised once
        self.assertEqual(overdue(), [(late, 2014, 2, "2013-11-25")])
        # a school placed under monitoring later is raised too, once
        target(later)
        wait_for(lambda: len(overdue()) == 2, what="the second school overdue")
        time.sleep(0.5 * SLOW)
        self.assertEqual(overdue(), [(late, 2014, 2, "2013-11-25"), (later, 2014, 2, "2013-11-25")])


class TestCrashRecovery(CategoriserCase):
    def test_kill_9_during_10000_changes(self):
        reg = self.start("registry")
        cat = self.start_categoriser(reg)
        self.import_demo(reg)
        self.caught_up(reg, cat)
        urns = sorted(self.decisions(cat))
        rng = random.Random(7)
        flags = ["causing_concern", "targeted_n2gg", "targeted_system_leader", "in_transition"]
        sent = []

        def stream():
            c = self.client(reg, actor="stream")
            for i in range(10000):
                urn = rng.choice(urns)
                if i % 5 == 4:
                    c.call("RecordInspection", registry_pb2.RecordInspectionRequest(
                        urn=urn, inspection=registry_pb2.Inspection(
                            start_date=f"2013-{1 + i % 10:02d}-{1 + i % 28:02d}",
                            overall_effectiveness=1 + rng.randrange(4))))
                else:
                    flag, on = rng.choice(flags), rng.random() < 0.5
                    fields = {flag: on}
                    if flag == "in_transition":
                        fields["transition_reason"] = "amalgamation" if on else ""
                    c.call("SetFlags", registry_pb2.SetFlagsRequest(
                        urn=urn, flags=registry_pb2.LaFlags(**fields), fields=list(fields)))
                sent.append(i)
        start_cursor = cat.metric("n2gg_categoriser_registry_cursor")
        writer = threading.Thread(target=stream)
        writer.start()
        wait_for(lambda: cat.metric("n2gg_categoriser_registry_cursor") > start_cursor + 2500,
                 what="the categoriser to be busy")
        cat.kill9()
        killed_at = len(sent)
        time.sleep(0.3)
        cat = self.start_categoriser(reg, data_dir=cat.data_dir)
        writer.join()
        self.assertEqual(len(sent), 10000)
        self.assertLess(killed_at, 10000, "the kill came during the stream")
        self.caught_up(reg, cat)

        # every change published exactly once: a gapless log, and per school each change
        # starts from the category the previous one ended in
        events = self.category_events(cat)
        self.assertEqual([e.seq for e in self.client(cat).all_events()],
                         list(range(1, len(self.client(cat).all_events()) + 1)))
        last = {}
        for e in events:
            if e.topic != "category.changed":
                continue
            c = cat_pb2.CategoryChanged.FromString(e.payload)
            self.assertEqual(c.previous_category, last.get(c.urn, ""), f"event {e.seq}")
            self.assertNotEqual(c.previous_category, c.category, f"event {e.seq}")
            last[c.urn] = c.category

        # the categories equal a full recomputation from the registry
        fresh = self.start_categoriser(reg, data_dir=os.path.join(self.tmp, "fresh"))
        self.caught_up(reg, fresh)
        recovered, recomputed = self.decisions(cat), self.decisions(fresh)
        self.assertEqual({u: (d.category, d.rule_id) for u, d in recovered.items()},
                         {u: (d.category, d.rule_id) for u, d in recomputed.items()})
        self.assertEqual({u: d.category for u, d in recovered.items()}, last)
        print(f"\nkilled after {killed_at} of 10000 changes; {len(events)} category events, "
              f"{len(last)} schools")


class TestSubscriber(CategoriserCase):
    def test_python_subscriber_starts_late_catches_up_and_follows(self):
        reg = self.start("registry")
        cat = self.start_categoriser(reg)
        self.import_demo(reg, "edubasealldata.csv", "clusters.csv")
        self.caught_up(reg, cat)
        received = []
        sub = CategorySubscriber(cat.api, cat.events, received.append, harness.key_path("stream"),
                                 os.path.join(harness.KEYS_DIR, "categoriser.key"))
        try:
            sub.catch_up()   # late: everything so far comes from the log
            early = len(received)
            self.assertGreater(early, 400)
            writer = threading.Thread(target=self.import_demo, args=(reg, "ofsted.csv",
                                                                     "achievement.csv"))
            writer.start()
            while writer.is_alive():
                sub.poll(50)
            self.caught_up(reg, cat)
            head = self.client(cat).call("Health", common_pb2.HealthRequest(),
                                         common_pb2.HealthReply).head_seq
            deadline = time.time() + 10 * SLOW
            while sub.cursor < head and time.time() < deadline:
                sub.poll(100)
        finally:
            sub.close()
        log = self.client(cat).all_events()
        self.assertGreater(len(received), early, "it followed live changes")
        self.assertEqual([e.seq for e in received], [e.seq for e in log],
                         "nothing missing, nothing doubled")
        self.assertEqual([e.payload for e in received], [e.payload for e in log])


class TestBadInput(CategoriserCase):
    """A registry stand-in that sends what the real one never would."""

    def fake_registry(self, events):
        ctx = zmq.Context.instance()
        router, pub = ctx.socket(zmq.ROUTER), ctx.socket(zmq.PUB)
        # the registry's key, no ZAP: any client is let in (encryption only)
        harness.secure_server(router, "registry")
        harness.secure_server(pub, "registry")
        api_port = router.bind_to_random_port("tcp://127.0.0.1")
        events_port = pub.bind_to_random_port("tcp://127.0.0.1")
        harness.serving(f"tcp://127.0.0.1:{api_port}", "registry")
        harness.serving(f"tcp://127.0.0.1:{events_port}", "registry")
        stop = threading.Event()

        def serve():
            while not stop.is_set():
                if not router.poll(50):
                    continue
                ident, data = router.recv_multipart()
                req = common_pb2.Request.FromString(data)
                reply = common_pb2.Reply(request_id=req.request_id)
                if req.method == "ReadEvents":
                    r = common_pb2.ReadEventsRequest.FromString(req.body)
                    page = common_pb2.ReadEventsReply(head_seq=len(events))
                    page.events.extend(events[r.after_seq:])
                    reply.body = page.SerializeToString()
                router.send_multipart([ident, reply.SerializeToString()])
            router.close()
            pub.close()
        thread = threading.Thread(target=serve)
        thread.start()
        self.addCleanup(lambda: (stop.set(), thread.join()))
        return f"tcp://127.0.0.1:{api_port}", f"tcp://127.0.0.1:{events_port}"

    def event(self, seq, topic, body):
        payload = body.SerializeToString() if hasattr(body, "SerializeToString") else body
        return common_pb2.Event(seq=seq, topic=topic, source="registry", payload=payload)

    def test_bad_events_are_reported_and_skipped(self):
        school = registry_pb2.School(urn=100001, name="Test Primary", status=registry_pb2.STATUS_OPEN,
                                     phase=registry_pb2.PHASE_PRIMARY)
        good = registry_pb2.RegistryEvent(school=registry_pb2.SchoolEvent(school=school))
        bad_grade = registry_pb2.School()
        bad_grade.CopyFrom(school)
        bad_grade.inspections.add(start_date="2013-05-01", overall_effectiveness=7)
        inadequate = registry_pb2.School()
        inadequate.CopyFrom(bad_grade)
        inadequate.inspections.add(start_date="2013-06-01", overall_effectiveness=4)
        events = [
            self.event(1, "registry.school.registered", good),
            self.event(2, "registry.inspection.recorded", registry_pb2.RegistryEvent(
                inspection=registry_pb2.InspectionEvent(urn=100001, school=bad_grade))),
            self.event(3, "registry.flags.changed", registry_pb2.RegistryEvent(
                flags=registry_pb2.FlagsEvent(urn=100002))),            # no such school
            self.event(4, "registry.school.changed", b"\xff\xff\xff not protobuf"),
            self.event(5, "registry.inspection.recorded", registry_pb2.RegistryEvent(
                inspection=registry_pb2.InspectionEvent(urn=100001, school=inadequate))),
        ]
        api, pub = self.fake_registry(events)
        cat = self.start("categoriser", extra_args=["--registry", api, "--registry-events", pub,
                                                    "--as-of", AS_OF])
        wait_for(lambda: cat.metric("n2gg_categoriser_registry_cursor") == 5,
                 what="all five events")
        self.assertEqual(cat.metric("n2gg_categoriser_facts_rejected_total"), 2)  # seq 2 and 5
        self.assertEqual(cat.metric("n2gg_categoriser_unknown_school_events_total"), 1)
        d = self.decisions(cat)[100001]
        self.assertEqual((d.category, d.rule_id), ("A", "ofsted-inadequate"))
        log = cat.log()
        self.assertIn("fact out of range ignored", log)
        self.assertIn("unknown school", log)
        self.assertIn("malformed registry event", log)
        # a malformed request gets an error reply, and the service carries on
        raw = zmq.Context.instance().socket(zmq.DEALER)
        harness.secure(raw, cat.api)
        raw.connect(cat.api)
        raw.send(b"\x0a\xff garbage")
        self.assertTrue(raw.poll(5000 * SLOW))
        self.assertEqual(common_pb2.Reply.FromString(raw.recv()).code, INVALID_ARGUMENT)
        raw.close()
        self.client(cat).call("Health", common_pb2.HealthRequest())

    def test_a_port_in_use_is_a_clear_error(self):
        reg = self.start("registry")
        cat = self.start("categoriser", wait=False, extra_args=["--api", reg.api])
        self.assertEqual(cat.proc.wait(10 * SLOW), 1)
        self.assertIn("Address already in use", cat.log())
