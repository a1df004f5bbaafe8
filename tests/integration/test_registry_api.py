"""The registry service end to end: imports, queries, clusters, facts and flags, through
its public API (protobuf over ZeroMQ) against the real binary."""
import os
import unittest

from harness import (ALREADY_EXISTS, FAILED_PRECONDITION, INVALID_ARGUMENT, NOT_FOUND,
                     ServiceError, ServiceTestCase, gen_gias, import_file, registry_event,
                     registry_pb2)

R = registry_pb2


class RegistryImportTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.data = gen_gias(os.path.join(self.tmp, "data"))
        self.reg = self.start("registry")
        self.c = self.client(self.reg)

    def gias(self):
        return os.path.join(self.data, "edubasealldata.csv")

    def test_import_then_reimport_changes_nothing(self):
        first = import_file(self.c, "ImportGias", self.gias(), la_code=926)
        self.assertEqual(first.created, 420)
        self.assertEqual((first.updated, first.rejected, first.skipped), (0, 0, 0))
        self.assertEqual((first.first_seq, first.last_seq), (1, 420))
        closed = self.c.call("ListSchools", R.ListSchoolsRequest(status=R.STATUS_CLOSED),
                             R.ListSchoolsReply)
        self.assertGreater(closed.total, 0, "closed establishments are kept, as closed")

        head = self.c.read_events().head_seq
        again = import_file(self.c, "ImportGias", self.gias(), la_code=926)
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 420))
        self.assertEqual((again.first_seq, again.last_seq), (0, 0))
        self.assertEqual(self.c.read_events().head_seq, head, "a re-import publishes nothing")

    def test_changed_row_publishes_exactly_one_change(self):
        import_file(self.c, "ImportGias", self.gias(), la_code=926)
        with open(self.gias(), "rb") as f:
            raw = f.read()
        schools = self.c.call("ListSchools", R.ListSchoolsRequest(status=R.STATUS_OPEN),
                              R.ListSchoolsReply).schools
        school = next(s for s in schools if raw.count(b"," + s.name.encode("cp1252") + b",") == 1)
        old = school.name.encode("cp1252")
        new = b"Renamed Caf\xe9 Academy"   # a Windows-1252 byte, converted on import
        changed = os.path.join(self.tmp, "changed.csv")
        with open(changed, "wb") as f:
            f.write(raw.replace(b"," + old + b",", b"," + new + b","))
        head = self.c.read_events().head_seq
        rep = import_file(self.c, "ImportGias", changed, la_code=926)
        self.assertEqual((rep.created, rep.updated, rep.unchanged), (0, 1, 419))
        events = self.c.all_events(head)
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0].topic, "registry.school.changed")
        body = registry_event(events[0]).school
        self.assertEqual(body.school.name, "Renamed Café Academy")
        self.assertIn("name", body.changed_fields)
        got = self.c.call("GetSchool", R.GetSchoolRequest(urn=school.urn), R.GetSchoolReply)
        self.assertEqual(got.school.name, "Renamed Café Academy")

    def test_bad_rows_are_reported_and_leave_nothing(self):
        with open(self.gias(), "rb") as f:
            lines = f.read().split(b"\r\n")
        header, rows = lines[0], lines[1:6]
        bad_urn = rows[1].replace(rows[1].split(b",")[0], b"12A456", 1)
        truncated = rows[4][: len(rows[4]) // 2]
        path = os.path.join(self.tmp, "bad.csv")
        with open(path, "wb") as f:
            f.write(b"\r\n".join([header, rows[0], bad_urn, rows[2], rows[3], truncated]) + b"\r\n")
        rep = import_file(self.c, "ImportGias", path, la_code=926)
        self.assertEqual((rep.created, rep.rejected), (3, 2))
        by_line = {r.line: r.reason for r in rep.rejections}
        self.assertIn(3, by_line)
        self.assertIn("12A456", by_line[3])
        self.assertIn(6, by_line)
        listed = self.c.call("ListSchools", R.ListSchoolsRequest(), R.ListSchoolsReply)
        self.assertEqual(listed.total, 3)
        self.assertEqual(len(self.c.all_events()), 3, "rejected rows publish nothing")

    def test_missing_column_refuses_the_whole_file(self):
        path = os.path.join(self.tmp, "nourn.csv")
        with open(path, "w") as f:
            f.write("LA (code),EstablishmentName\n926,Somewhere School\n")
        with self.assertRaises(ServiceError) as e:
            import_file(self.c, "ImportGias", path)
        self.assertEqual(e.exception.code, INVALID_ARGUMENT)
        self.assertIn("URN", e.exception.message)

    def test_la_filter_skips_other_authorities(self):
        national = gen_gias(os.path.join(self.tmp, "national"), "--schools", "3000", "--seed", "5")
        path = os.path.join(national, "edubasealldata.csv")
        rep = import_file(self.c, "ImportGias", path, la_code=926)
        self.assertGreater(rep.skipped, 2000)
        self.assertEqual(rep.created + rep.skipped + rep.rejected, 3000)
        listed = self.c.call("ListSchools", R.ListSchoolsRequest(), R.ListSchoolsReply)
        self.assertTrue(all(s.la_code == 926 for s in listed.schools))
        self.assertEqual(listed.total, rep.created)

    def test_companion_files(self):
        import_file(self.c, "ImportGias", self.gias(), la_code=926)
        clusters = import_file(self.c, "ImportClusters", os.path.join(self.data, "clusters.csv"))
        self.assertEqual(clusters.rejected, 0)
        listed = self.c.call("ListClusters", R.ListClustersRequest(), R.ListClustersReply)
        self.assertEqual(len(listed.clusters), 46)
        members = sum(len(c.member_urns) for c in listed.clusters)
        self.assertEqual(members, clusters.created + clusters.updated)
        for name in ("contacts.csv", "ofsted.csv"):
            rep = import_file(self.c, {"contacts.csv": "ImportContacts",
                                       "ofsted.csv": "ImportInspections"}[name],
                              os.path.join(self.data, name))
            self.assertEqual(rep.rejected, 0, list(rep.rejections)[:3])
        ach = import_file(self.c, "ImportAchievement", os.path.join(self.data, "achievement.csv"))
        self.assertTrue(all("suppressed" in r.reason for r in ach.rejections))
        again = import_file(self.c, "ImportInspections", os.path.join(self.data, "ofsted.csv"))
        self.assertEqual(again.updated, 0)

        bad = os.path.join(self.tmp, "ofsted-bad.csv")
        urn = listed.clusters[0].member_urns[0]
        with open(bad, "w") as f:
            f.write("URN,Inspection start date,Overall effectiveness,Category of concern\n"
                    f"{urn},01/02/2013,7,\n{urn},01/03/2013,4,Special Measures\n")
        rep = import_file(self.c, "ImportInspections", bad)
        self.assertEqual((rep.updated, rep.rejected), (1, 1))
        self.assertIn("7", rep.rejections[0].reason)
        school = self.c.call("GetSchool", R.GetSchoolRequest(urn=urn), R.GetSchoolReply).school
        self.assertEqual(school.inspections[-1].category_of_concern, R.CONCERN_SPECIAL_MEASURES)
        self.assertTrue(school.headteacher.email.startswith("head@"))


class RegistryClusterTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.data = gen_gias(os.path.join(self.tmp, "data"))
        self.reg = self.start("registry")
        self.c = self.client(self.reg, "officer.a")
        import_file(self.c, "ImportGias", os.path.join(self.data, "edubasealldata.csv"))
        open_schools = self.c.call("ListSchools", R.ListSchoolsRequest(status=R.STATUS_OPEN),
                                   R.ListSchoolsReply).schools
        self.urns = [s.urn for s in open_schools]
        closed = self.c.call("ListSchools", R.ListSchoolsRequest(status=R.STATUS_CLOSED),
                             R.ListSchoolsReply).schools
        self.closed_urn = closed[0].urn

    def create(self, cid, name, opened="2010-09-01"):
        return self.c.call("CreateCluster", R.CreateClusterRequest(id=cid, name=name, opened_date=opened),
                           R.ClusterReply).cluster

    def move(self, urn, to, date):
        return self.c.call("MoveSchool", R.MoveSchoolRequest(urn=urn, to_cluster=to, effective_date=date,
                                                             reason="test"), R.MoveSchoolReply)

    def test_move_keeps_history_by_date(self):
        self.create("AYL", "Aylsham")
        self.create("CRO", "Cromer")
        urn = self.urns[0]
        self.move(urn, "AYL", "2011-09-01")
        self.move(urn, "CRO", "2013-04-15")
        def on(day):
            return self.c.call("GetSchool", R.GetSchoolRequest(urn=urn, as_of=day),
                               R.GetSchoolReply).cluster_as_of
        self.assertEqual(on("2011-08-31"), "")
        self.assertEqual(on("2012-01-01"), "AYL")
        self.assertEqual(on("2013-04-14"), "AYL")
        self.assertEqual(on("2013-04-15"), "CRO")
        got = self.c.call("GetSchool", R.GetSchoolRequest(urn=urn), R.GetSchoolReply)
        self.assertEqual(got.school.cluster_id, "CRO")
        self.assertEqual([m.cluster_id for m in got.memberships], ["AYL", "CRO"])
        ayl = self.c.call("GetCluster", R.GetClusterRequest(id="AYL"), R.ClusterReply).cluster
        self.assertNotIn(urn, ayl.member_urns, "a school is in exactly one cluster at a time")
        with self.assertRaises(ServiceError) as e:
            self.move(urn, "AYL", "2012-01-01")
        self.assertEqual(e.exception.code, FAILED_PRECONDITION)

    def test_merge_moves_every_member_and_closes_the_cluster(self):
        self.create("N1", "North 1")
        self.create("N2", "North 2")
        for u in self.urns[:5]:
            self.move(u, "N1", "2012-09-01")
        for u in self.urns[5:8]:
            self.move(u, "N2", "2012-09-01")
        head = self.c.read_events().head_seq
        merged = self.c.call("MergeClusters", R.MergeClustersRequest(from_id="N1", into_id="N2",
                                                                     effective_date="2013-09-01"),
                             R.ClusterReply).cluster
        self.assertEqual(sorted(merged.member_urns), sorted(self.urns[:8]))
        n1 = self.c.call("GetCluster", R.GetClusterRequest(id="N1"), R.ClusterReply).cluster
        self.assertEqual((n1.status, n1.merged_into, len(n1.member_urns)), (R.CLUSTER_CLOSED, "N2", 0))
        topics = [e.topic for e in self.c.all_events(head)]
        self.assertEqual(topics.count("registry.membership.changed"), 5)
        self.assertEqual(topics.count("registry.cluster.changed"), 2)
        with self.assertRaises(ServiceError) as e:
            self.move(self.urns[9], "N1", "2013-10-01")
        self.assertEqual(e.exception.code, FAILED_PRECONDITION)

    def test_cluster_chair(self):
        self.create("C9", "Nine")
        head = self.c.read_events().head_seq
        chair = R.Contact(name="Mr Tom Reed", email="chair@c9.norfolk.sch.uk", phone="01603 111222")
        got = self.c.call("SetClusterChair", R.SetClusterChairRequest(id="C9", chair=chair),
                          R.ClusterReply).cluster
        self.assertEqual(got.chair.name, "Mr Tom Reed")
        self.c.call("SetClusterChair", R.SetClusterChairRequest(id="C9", chair=chair))
        events = self.c.all_events(head)
        self.assertEqual(len(events), 1, "setting the same chair again changes nothing")
        self.assertEqual(registry_event(events[0]).cluster.change, "chair_changed")
        with self.assertRaises(ServiceError) as e:
            self.c.call("SetClusterChair", R.SetClusterChairRequest(
                id="C9", chair=R.Contact(name="X", email="x@")))
        self.assertEqual(e.exception.code, INVALID_ARGUMENT)
        with self.assertRaises(ServiceError) as e:
            self.c.call("SetClusterChair", R.SetClusterChairRequest(id="C9"))
        self.assertIn("name", e.exception.message)

    def test_refusals_name_the_problem(self):
        self.create("C1", "One")
        cases = [
            ("MoveSchool", R.MoveSchoolRequest(urn=12, to_cluster="C1"), INVALID_ARGUMENT, "URN 12"),
            ("MoveSchool", R.MoveSchoolRequest(urn=999998, to_cluster="C1"), NOT_FOUND, "999998"),
            ("MoveSchool", R.MoveSchoolRequest(urn=self.urns[0], to_cluster="NOPE"), NOT_FOUND, "NOPE"),
            ("MoveSchool", R.MoveSchoolRequest(urn=self.closed_urn, to_cluster="C1"),
             FAILED_PRECONDITION, "closed"),
            ("MoveSchool", R.MoveSchoolRequest(urn=self.urns[0], to_cluster="C1",
                                               effective_date="2999-01-01"), INVALID_ARGUMENT, "future"),
            ("CreateCluster", R.CreateClusterRequest(id="C1", name="Again"), ALREADY_EXISTS, "C1"),
            ("CreateCluster", R.CreateClusterRequest(id="bad id!", name="x"), INVALID_ARGUMENT, "bad id!"),
            ("GetSchool", R.GetSchoolRequest(urn=1234567), INVALID_ARGUMENT, "6-digit"),
        ]
        for method, body, code, words in cases:
            with self.subTest(method=method, body=str(body)):
                with self.assertRaises(ServiceError) as e:
                    self.c.call(method, body)
                self.assertEqual(e.exception.code, code)
                self.assertIn(words, e.exception.message)
        self.move(self.urns[0], "C1", "2013-01-01")
        with self.assertRaises(ServiceError) as e:
            self.c.call("CloseCluster", R.CloseClusterRequest(id="C1"))
        self.assertEqual(e.exception.code, FAILED_PRECONDITION)

    def test_flags_facts_and_history_record_who_and_when(self):
        urn = self.urns[3]
        flags = R.LaFlags(causing_concern=True, psswn_issued_date="2013-03-01")
        school = self.c.call("SetFlags", R.SetFlagsRequest(urn=urn, flags=flags,
                                                           fields=["causing_concern", "psswn_issued_date"]),
                             R.SchoolReply).school
        self.assertTrue(school.flags.causing_concern)
        self.assertEqual(school.flags.changed_by, "officer.a")
        head = self.c.read_events().head_seq
        self.c.call("SetFlags", R.SetFlagsRequest(urn=urn, flags=flags, fields=["causing_concern"]))
        self.assertEqual(self.c.read_events().head_seq, head, "setting a flag to its value changes nothing")
        with self.assertRaises(ServiceError) as e:
            self.c.call("SetFlags", R.SetFlagsRequest(urn=urn, flags=R.LaFlags(in_transition=True),
                                                      fields=["in_transition"]))
        self.assertIn("reason", e.exception.message)
        with self.assertRaises(ServiceError) as e:
            self.c.call("SetFlags", R.SetFlagsRequest(urn=urn, flags=flags, fields=["bogus"]))
        self.assertIn("bogus", e.exception.message)

        pr = R.ProgressReturn(year=2013, half_term=2, received_date="2012-12-14", on_track_pct=71.5)
        self.c.call("RecordProgressReturn", R.RecordProgressReturnRequest(urn=urn, progress_return=pr))
        with self.assertRaises(ServiceError) as e:
            self.c.call("RecordInspection", R.RecordInspectionRequest(
                urn=urn, inspection=R.Inspection(start_date="2013-01-10", overall_effectiveness=7)))
        self.assertEqual(e.exception.code, INVALID_ARGUMENT)
        self.c.call("RecordInspection", R.RecordInspectionRequest(
            urn=urn, inspection=R.Inspection(start_date="2013-01-10", overall_effectiveness=3)))

        history = self.c.call("SchoolHistory", R.SchoolHistoryRequest(urn=urn), R.SchoolHistoryReply)
        topics = [e.topic for e in history.events]
        self.assertEqual(topics, ["registry.school.registered", "registry.flags.changed",
                                  "registry.progress.recorded", "registry.inspection.recorded"])
        self.assertTrue(all(e.actor == "officer.a" and e.time_unix_ms > 0 for e in history.events))
        flags_event = registry_event(history.events[1]).flags
        self.assertFalse(flags_event.previous.causing_concern)
        self.assertTrue(flags_event.flags.causing_concern)

    def test_federations_and_partnerships(self):
        self.c.call("CreateGroup", R.GroupRequest(id="FED1", kind=R.GROUP_FEDERATION, name="Two Rivers"))
        for u in self.urns[:2]:
            self.c.call("AddToGroup", R.GroupRequest(id="FED1", urn=u))
        self.c.call("AddToGroup", R.GroupRequest(id="FED1", urn=self.urns[0]))
        group = self.c.call("GetGroup", R.GroupRequest(id="FED1"), R.GroupReply).group
        self.assertEqual(sorted(group.member_urns), sorted(self.urns[:2]))
        self.c.call("RemoveFromGroup", R.GroupRequest(id="FED1", urn=self.urns[0]))
        group = self.c.call("GetGroup", R.GroupRequest(id="FED1"), R.GroupReply).group
        self.assertEqual(list(group.member_urns), [self.urns[1]])

    def test_list_filters(self):
        primaries = self.c.call("ListSchools", R.ListSchoolsRequest(phase=R.PHASE_PRIMARY),
                                R.ListSchoolsReply)
        self.assertGreater(primaries.total, 300)
        self.assertTrue(all(s.phase == R.PHASE_PRIMARY for s in primaries.schools))
        name = primaries.schools[0].name
        by_name = self.c.call("ListSchools", R.ListSchoolsRequest(name_prefix=name[:6].lower()),
                              R.ListSchoolsReply)
        self.assertTrue(all(s.name.lower().startswith(name[:6].lower()) for s in by_name.schools))
        page = self.c.call("ListSchools", R.ListSchoolsRequest(limit=10, after_urn=primaries.schools[0].urn),
                           R.ListSchoolsReply)
        self.assertEqual(len(page.schools), 10)
        self.assertTrue(all(s.urn > primaries.schools[0].urn for s in page.schools))


if __name__ == "__main__":
    unittest.main()
