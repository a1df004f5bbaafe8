"""The n2gg command line end to end: the real binary against a real registry, checking
what a user sees (exit codes, messages, tables, JSON). The registry's state is read back
through its API (the harness's Python client) wherever the CLI's word alone would not
prove that something happened."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import (key_path, BUILD_DIR, SLOW, ServiceTestCase, free_port, gen_gias, import_file,
                     registry_event, registry_pb2)

R = registry_pb2
CLI = os.path.join(BUILD_DIR, "services", "cli", "n2gg")
# the user's environment must not point the CLI elsewhere
ENV = {k: v for k, v in os.environ.items() if not k.startswith("N2GG_REGISTRY")}
ENV["N2GG_ACTOR"] = "cli.tests"


def setUpModule():
    global DATA_ROOT, DATA
    DATA_ROOT = tempfile.mkdtemp(prefix="n2gg-cli-data-")
    DATA = gen_gias(os.path.join(DATA_ROOT, "data"))


def tearDownModule():
    shutil.rmtree(DATA_ROOT, ignore_errors=True)


def data(name):
    return os.path.join(DATA, name)


def lines(text):
    return [line for line in text.split("\n") if line]


class CliTestCase(ServiceTestCase):
    """Starts a registry per test and runs the CLI against it."""

    def setUp(self):
        super().setUp()
        self.reg = self.start("registry")
        self.c = self.client(self.reg)

    def n2gg(self, *args, reg=None, timeout=30):
        """Runs the CLI; returns the CompletedProcess (text, stdout and stderr apart)."""
        reg = reg or self.reg
        cmd = [CLI, "--registry", reg.api, "--registry-events", reg.events, *args]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                                  env=ENV, timeout=timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.fail(f"n2gg {' '.join(args)} did not finish in {timeout * SLOW} s")

    def ok(self, *args, **kw):
        """Runs the CLI and insists on exit 0."""
        r = self.n2gg(*args, **kw)
        self.assertEqual(r.returncode, 0, f"n2gg {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        return r

    def refused(self, code, *args, says=()):
        """Runs the CLI, insists on exit `code`, and that stderr says each of `says`."""
        r = self.n2gg(*args)
        self.assertEqual(r.returncode, code,
                         f"n2gg {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        for text in (says if isinstance(says, (list, tuple)) else (says,)):
            self.assertIn(text, r.stderr)
        return r

    def json_of(self, *args):
        return json.loads(self.ok(*args, "--json").stdout)

    def head(self):
        return self.c.read_events().head_seq

    def import_demo(self, *files):
        import_file(self.c, "ImportGias", data("edubasealldata.csv"), la_code=926)
        methods = {"clusters.csv": "ImportClusters", "ofsted.csv": "ImportInspections"}
        for name in files:
            rep = import_file(self.c, methods[name], data(name))
            self.assertEqual(rep.rejected, 0)

    def schools(self, **filters):
        return self.c.call("ListSchools", R.ListSchoolsRequest(**filters), R.ListSchoolsReply)

    def school(self, urn):
        return self.c.call("GetSchool", R.GetSchoolRequest(urn=urn), R.GetSchoolReply)

    def cluster(self, cid):
        return self.c.call("GetCluster", R.GetClusterRequest(id=cid), R.ClusterReply).cluster


class CliImportTest(CliTestCase):
    def test_import_gias_then_again_changes_nothing(self):
        r = self.ok("registry", "import-gias", data("edubasealldata.csv"))
        self.assertEqual(lines(r.stdout),
                         ["created 420, updated 0, unchanged 0, rejected 0, skipped 0 "
                          "(events 1..420)"])
        self.assertEqual(self.schools().total, 420)
        self.assertEqual(self.head(), 420)

        r = self.ok("registry", "import-gias", data("edubasealldata.csv"))
        self.assertIn("created 0, updated 0, unchanged 420", r.stdout)
        self.assertIn("(no events)", r.stdout)
        self.assertEqual(self.head(), 420)

    def test_dry_run_changes_nothing(self):
        r = self.ok("registry", "import-gias", data("edubasealldata.csv"), "--dry-run")
        self.assertIn("dry run: created 420", r.stdout)
        self.assertEqual((self.schools().total, self.head()), (0, 0))

    def test_rejected_rows_exit_7_and_name_line_and_reason(self):
        with open(data("edubasealldata.csv"), "rb") as f:
            rows = f.read().split(b"\r\n")
        bad = rows[2].replace(rows[2].split(b",")[0], b"12A456", 1)
        path = os.path.join(self.tmp, "bad.csv")
        with open(path, "wb") as f:   # header, good, BAD (line 3), good
            f.write(b"\r\n".join([rows[0], rows[1], bad, rows[3]]) + b"\r\n")
        r = self.n2gg("registry", "import-gias", path)
        self.assertEqual(r.returncode, 7, r.stderr)
        self.assertIn("created 2, updated 0, unchanged 0, rejected 1", r.stdout)
        rejection = [line for line in lines(r.stdout) if line.strip().startswith("line ")]
        self.assertEqual(len(rejection), 1, r.stdout)
        self.assertTrue(rejection[0].strip().startswith("line 3: "), rejection)
        self.assertIn("12A456", rejection[0])
        self.assertIn("bad.csv: 1 row(s) rejected", r.stderr)
        self.assertEqual(self.schools().total, 2, "the good rows were imported")

        # --json: the same report for scripts, still exit 7
        r = self.n2gg("registry", "import-gias", path, "--json")
        self.assertEqual(r.returncode, 7)
        rep = json.loads(r.stdout)
        self.assertEqual((rep["unchanged"], rep["rejected"]), (2, 1))
        self.assertEqual(rep["rejections"][0]["line"], 3)

    def test_missing_file_exit_3(self):
        path = os.path.join(self.tmp, "no-such.csv")
        self.refused(3, "registry", "import-gias", path,
                     says=["INVALID_ARGUMENT", f"cannot open {path}", "No such file"])
        self.assertEqual(self.head(), 0)

    def test_file_the_registry_refuses_whole_exit_3(self):
        path = os.path.join(self.tmp, "nourn.csv")
        with open(path, "w") as f:
            f.write("LA (code),EstablishmentName\n926,Somewhere School\n")
        self.refused(3, "registry", "import-gias", path, says="URN")


class CliSchoolTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.import_demo("clusters.csv", "ofsted.csv")

    def test_list_json_has_every_school(self):
        listed = self.json_of("school", "list")
        self.assertEqual(listed["total"], 420)
        expected = {s.urn: s for s in self.schools().schools}
        self.assertEqual(sorted(s["urn"] for s in listed["schools"]), sorted(expected))
        some = listed["schools"][7]
        self.assertEqual(some["name"], expected[some["urn"]].name)
        self.assertEqual(some["phase"], R.Phase.Name(expected[some["urn"]].phase))

    def test_list_filters(self):
        primary = self.json_of("school", "list", "--phase", "primary")
        want = self.schools(phase=R.PHASE_PRIMARY)
        self.assertGreater(want.total, 0)
        self.assertEqual(primary["total"], want.total)
        self.assertEqual(len(primary["schools"]), want.total)
        self.assertEqual({s["phase"] for s in primary["schools"]}, {"PHASE_PRIMARY"})

        cid = "C926-28"
        members = sorted(self.cluster(cid).member_urns)
        self.assertGreater(len(members), 1)
        in_cluster = self.json_of("school", "list", "--cluster", cid)
        self.assertEqual(sorted(s["urn"] for s in in_cluster["schools"]), members)
        self.assertEqual({s["cluster_id"] for s in in_cluster["schools"]}, {cid})

        both = self.json_of("school", "list", "--cluster", cid, "--phase", "secondary")
        self.assertTrue(all(s["phase"] == "PHASE_SECONDARY" and s["cluster_id"] == cid
                            for s in both["schools"]))
        self.assertLess(len(both["schools"]), len(members))

        limited = self.json_of("school", "list", "--limit", "5")
        self.assertEqual((len(limited["schools"]), limited["total"]), (5, 420))
        first5 = sorted(self.schools().schools, key=lambda s: s.urn)[:5]
        self.assertEqual([s["urn"] for s in limited["schools"]], [s.urn for s in first5])

        self.refused(3, "school", "list", "--phase", "kindergarten", says="--phase \"kindergarten\"")
        self.refused(3, "school", "list", "--limit", "0", says="--limit")
        self.refused(4, "school", "list", "--cluster", "NOPE", says="NOPE")

    def test_list_table(self):
        out = lines(self.ok("school", "list").stdout)
        self.assertEqual(out[0].split(), ["URN", "LAESTAB", "Name", "Phase", "Status", "Cluster"])
        self.assertEqual(out[-1], "420 school(s)")
        self.assertEqual(len(out), 1 + 420 + 1)
        # columns line up: every row's URN and LAESTAB start where the header's do
        col = out[0].index("LAESTAB")
        for row in out[1:-1]:
            self.assertRegex(row[:col], r"^\d{6} +$")
            self.assertRegex(row[col:col + 7], r"^\d{7}$")

        out = lines(self.ok("school", "list", "--limit", "3").stdout)
        self.assertEqual(len(out), 1 + 3 + 1)
        self.assertEqual(out[-1], "showing 3 of 420 school(s)")

        r = self.ok("school", "list", "--name", "zzzz-no-such-school")
        self.assertEqual(lines(r.stdout), ["0 school(s)"])

    def test_show(self):
        with open(data("ofsted.csv")) as f:
            urn = int(f.read().split("\n")[1].split(",")[0])
        want = self.school(urn).school
        self.assertGreater(len(want.inspections), 0)
        self.assertTrue(want.cluster_id)
        out = self.ok("school", "show", str(urn)).stdout
        self.assertEqual(lines(out)[0], want.name)
        self.assertRegex(out, rf"\n  URN +{urn}\n")
        self.assertRegex(out, rf"\n  Cluster +{want.cluster_id}\n")
        section = out.split("\nInspections\n")[1].split("\n\n")[0]
        rows = lines(section)
        self.assertEqual(rows[0].split(), ["Date", "Grade", "Concern", "Recorded", "by"])
        self.assertEqual(len(rows), 1 + len(want.inspections))
        for row, inspection in zip(rows[1:], want.inspections):
            self.assertTrue(row.strip().startswith(inspection.start_date), row)
            self.assertIn(f" {inspection.overall_effectiveness} ", row)

        shown = self.json_of("school", "show", str(urn))
        self.assertEqual(shown["school"]["urn"], urn)
        self.assertEqual(len(shown["school"]["inspections"]), len(want.inspections))
        self.assertEqual(shown["memberships"][-1]["cluster_id"], want.cluster_id)

    def test_show_as_of(self):
        cid = "C926-28"
        urn = self.cluster(cid).member_urns[0]
        joined = self.school(urn).memberships[-1].from_date
        self.assertTrue(joined)
        before = self.ok("school", "show", str(urn), "--as-of", "2001-01-01").stdout
        self.assertRegex(before, r"\n  Cluster on 2001-01-01 +\(none\)\n")
        after = self.ok("school", "show", str(urn), "--as-of", joined).stdout
        self.assertRegex(after, rf"\n  Cluster on {joined} +{cid}\n")
        self.refused(3, "school", "show", str(urn), "--as-of", "31/02/2013", says="--as-of")

    def test_show_unknown_and_malformed_urn(self):
        self.refused(4, "school", "show", "999998", says=["NOT_FOUND", "999998"])
        # checked before any call: the same answer with no registry there at all
        nowhere = f"tcp://127.0.0.1:{free_port()}"
        for reg_args in ((), ("--registry", nowhere, "--timeout-ms", "300", "--retries", "0")):
            r = self.n2gg(*reg_args, "school", "show", "12")
            self.assertIn(r.returncode, (2, 3), r.stderr)
            self.assertIn("\"12\"", r.stderr)
            self.assertIn("6-digit", r.stderr)


class CliClusterTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.import_demo()
        self.open_urns = sorted(s.urn for s in self.schools(status=R.STATUS_OPEN).schools)
        self.closed_urn = self.schools(status=R.STATUS_CLOSED).schools[0].urn

    def test_round_trip_and_refusals(self):
        a, b, c = self.open_urns[:3]
        r = self.ok("cluster", "create", "AYL", "Aylsham", "--opened", "2010-09-01")
        self.assertIn("created cluster AYL \"Aylsham\": open (opened 2010-09-01)", r.stdout)
        self.ok("cluster", "create", "CRO", "Cromer", "--opened", "2010-09-01")
        self.refused(5, "cluster", "create", "AYL", "Another", says=["ALREADY_EXISTS", "AYL"])
        self.assertEqual(self.cluster("AYL").name, "Aylsham")

        r = self.ok("cluster", "rename", "AYL", "Aylsham & District")
        self.assertIn("\"Aylsham & District\"", r.stdout)
        self.assertEqual(self.cluster("AYL").name, "Aylsham & District")
        self.refused(4, "cluster", "rename", "NOPE", "x", says="NOPE")

        r = self.ok("cluster", "set-chair", "AYL", "--name", "Mrs Ann Cole",
                    "--email", "chair@aylsham-cluster.norfolk.sch.uk")
        self.assertIn("chair set for cluster AYL", r.stdout)
        self.assertEqual(self.cluster("AYL").chair.email, "chair@aylsham-cluster.norfolk.sch.uk")
        self.refused(3, "cluster", "set-chair", "AYL", "--name", "X", "--email", "not-an-address",
                     says="not-an-address")
        self.refused(2, "cluster", "set-chair", "AYL")

        for urn in (a, b):
            r = self.ok("cluster", "move", str(urn), "AYL", "--date", "2011-09-01",
                        "--reason", "feeder review")
            self.assertIn(f"moved {urn} ", r.stdout)
            self.assertIn("to cluster AYL from 2011-09-01", r.stdout)
        self.ok("cluster", "move", str(c), "CRO", "--date", "2011-09-01")
        self.assertEqual(sorted(self.cluster("AYL").member_urns), [a, b])
        self.assertEqual(self.school(a).memberships[-1].reason, "feeder review")

        self.refused(4, "cluster", "move", str(a), "NOPE", says="NOPE")
        self.refused(5, "cluster", "move", str(self.closed_urn), "AYL", "--date", "2012-01-01",
                     says=["FAILED_PRECONDITION", str(self.closed_urn), "closed"])
        self.refused(4, "cluster", "move", "999998", "AYL", says="999998")
        self.refused(3, "cluster", "move", "12345", "AYL", says="6-digit")
        self.refused(3, "cluster", "move", str(a), "CRO", "--date", "someday", says="--date")

        show = self.ok("cluster", "show", "AYL").stdout
        self.assertIn("Cluster AYL: Aylsham & District", show)
        self.assertIn("Schools (2)", show)
        for urn in (a, b):
            self.assertRegex(show, rf"\n{urn} ")

        r = self.ok("cluster", "merge", "AYL", "CRO", "--date", "2012-09-01")
        self.assertIn("merged AYL into cluster CRO", r.stdout)
        self.assertIn("3 school(s)", r.stdout)
        ayl = self.cluster("AYL")
        self.assertEqual((ayl.status, ayl.merged_into, list(ayl.member_urns)),
                         (R.CLUSTER_CLOSED, "CRO", []))
        self.assertEqual(sorted(self.cluster("CRO").member_urns), [a, b, c])

        show = self.ok("cluster", "show", "AYL").stdout
        self.assertRegex(show, r"Status +closed 2012-09-01 \(opened 2010-09-01\), merged into CRO")
        self.assertIn("Schools (0)", show)
        shown = self.json_of("cluster", "show", "CRO")
        self.assertEqual(sorted(s["urn"] for s in shown["schools"]), [a, b, c])
        self.assertEqual(shown["cluster"]["status"], "CLUSTER_OPEN")

        self.refused(5, "cluster", "move", str(self.open_urns[5]), "AYL", "--date", "2013-01-01",
                     says=["AYL", "closed"])
        self.refused(5, "cluster", "merge", "AYL", "CRO", says="AYL")
        self.refused(4, "cluster", "merge", "CRO", "NOPE", says="NOPE")
        self.refused(5, "cluster", "close", "CRO", says=["CRO", "3 school(s)"])
        self.assertEqual(self.cluster("CRO").status, R.CLUSTER_OPEN)
        self.refused(4, "cluster", "show", "NOPE", says="NOPE")

        self.ok("cluster", "create", "EMP", "Empty", "--opened", "2010-01-01")
        r = self.ok("cluster", "close", "EMP", "--date", "2012-01-01")
        self.assertIn("closed cluster EMP \"Empty\": closed (opened 2010-01-01, closed 2012-01-01)",
                      r.stdout)
        self.assertEqual(self.cluster("EMP").status, R.CLUSTER_CLOSED)

        out = lines(self.ok("cluster", "list").stdout)
        self.assertEqual(out[0].split(), ["ID", "Name", "Status", "Schools"])
        self.assertEqual(out[-1], "3 cluster(s)")
        rows = {row.split()[0]: row for row in out[1:-1]}
        self.assertEqual(sorted(rows), ["AYL", "CRO", "EMP"])
        self.assertRegex(rows["AYL"], r"Aylsham & District +closed +0$")
        self.assertRegex(rows["CRO"], r"Cromer +open +3$")
        listed = self.json_of("cluster", "list")
        self.assertEqual({cl["id"]: cl["status"] for cl in listed["clusters"]},
                         {"AYL": "CLUSTER_CLOSED", "CRO": "CLUSTER_OPEN", "EMP": "CLUSTER_CLOSED"})


class CliLookupTest(CliTestCase):
    """Clusters by name wherever an id is asked for, and school names searched anywhere:
    the demo's clusters are "Wymondham Cluster" (C926-06), "Norwich Cluster" (C926-01),
    "Norwich Catholic Cluster" (C926-46), ..."""

    def setUp(self):
        super().setUp()
        self.import_demo("clusters.csv")

    def shown_id(self, *args):
        """The id of the cluster `n2gg cluster show ARGS` shows."""
        return self.json_of("cluster", "show", *args)["cluster"]["id"]

    def test_a_cluster_by_its_name(self):
        # exact, any case; an exact name wins over the clusters whose names hold it
        self.assertEqual(self.shown_id("norwich cluster"), "C926-01")
        self.assertEqual(self.shown_id("NORWICH CATHOLIC CLUSTER"), "C926-46")
        self.assertEqual(self.shown_id("c926-06"), "C926-06")
        # a part of one name only
        self.assertEqual(self.shown_id("Wymondham"), "C926-06")
        self.assertEqual(self.shown_id("thorpe st"), "C926-32")
        out = lines(self.ok("cluster", "show", "wymondham").stdout)
        self.assertEqual(out[0], "Cluster C926-06: Wymondham Cluster")
        members = sorted(self.cluster("C926-06").member_urns)
        listed = self.json_of("school", "list", "--cluster", "Wymondham")["schools"]
        self.assertEqual(sorted(s["urn"] for s in listed), members)

        # a part of several names: refused, naming them, nothing guessed
        r = self.refused(3, "cluster", "show", "Norwich",
                         says=['"Norwich" could be any of 2 clusters',
                               'C926-01 "Norwich Cluster"', 'C926-46 "Norwich Catholic Cluster"',
                               "give its id, or more of its name"])
        self.assertEqual(r.stdout, "")
        self.refused(3, "school", "list", "--cluster", "cluster",
                     says=['--cluster "cluster" could be any of 46 clusters', "and 38 more"])
        # nothing like it
        self.refused(4, "cluster", "show", "Atlantis",
                     says=["NOT_FOUND", '"Atlantis": no cluster has that id', "cluster list"])
        self.refused(4, "school", "list", "--cluster", "Atlantis", says='--cluster "Atlantis"')
        self.refused(3, "cluster", "show", "", says="give a cluster's id or name")

    def test_changes_by_cluster_name(self):
        urn = self.cluster("C926-06").member_urns[0]
        r = self.ok("cluster", "move", str(urn), "hingham", "--date", "2013-10-01")
        self.assertIn("to cluster C926-36 from 2013-10-01", r.stdout)
        self.assertEqual(self.school(urn).school.cluster_id, "C926-36")
        self.ok("cluster", "rename", "Wymondham", "Wymondham and District Cluster")
        self.assertEqual(self.cluster("C926-06").name, "Wymondham and District Cluster")
        self.ok("cluster", "set-chair", "wymondham and district", "--name", "Mrs A Cole")
        self.assertEqual(self.cluster("C926-06").chair.name, "Mrs A Cole")
        r = self.ok("cluster", "merge", "Mundesley", "cromer cluster", "--date", "2013-10-01")
        self.assertIn("merged C926-42 into cluster C926-07", r.stdout)
        self.assertEqual(self.cluster("C926-42").status, R.CLUSTER_CLOSED)
        # a closed cluster is still found by its name
        self.assertEqual(self.shown_id("mundesley"), "C926-42")
        self.refused(3, "cluster", "move", str(urn), "Norwich", says="could be any of 2")
        self.assertEqual(self.school(urn).school.cluster_id, "C926-36", "nothing moved")

    def test_school_names_searched_anywhere(self):
        every = self.schools().schools
        want = sorted(s.urn for s in every if "ham" in s.name.lower())
        starting = sorted(s.urn for s in every if s.name.lower().startswith("ham"))
        # the demo has names with "ham" inside ("Reepham", "Hingham") and at the end
        self.assertTrue(set(want) - set(starting))
        for text in ("ham", "HAM", "Ham"):
            listed = self.json_of("school", "list", "--name", text)
            self.assertEqual(sorted(s["urn"] for s in listed["schools"]), want, text)
            self.assertEqual(listed["total"], len(want))
        out = lines(self.ok("school", "list", "--name", "reepham community").stdout)
        self.assertEqual(out[-1], "1 school(s)")
        self.assertIn("Reepham Community Primary School", out[1])
        # the registry's own filter: anywhere in the name; name_prefix keeps its meaning
        # and its matches are among the new one's
        contains = self.schools(name_contains="hAm")
        self.assertEqual(sorted(s.urn for s in contains.schools), want)
        prefix = self.schools(name_prefix="ham")
        self.assertEqual(sorted(s.urn for s in prefix.schools), starting)
        self.assertTrue(set(starting) <= set(want))
        both = self.json_of("school", "list", "--name", "ham", "--cluster", "wymondham")
        self.assertEqual(sorted(s["urn"] for s in both["schools"]),
                         sorted(s.urn for s in every
                                if "ham" in s.name.lower() and s.cluster_id == "C926-06"))


class CliFlagsAndHistoryTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.import_demo()
        self.urn = self.schools(status=R.STATUS_OPEN, limit=1).schools[0].urn

    def test_set_flags_shows_in_history_with_the_actor(self):
        r = self.ok("--key", key_path("officer.b"), "school", "set-flags", str(self.urn),
                    "--causing-concern", "yes", "--psswn-issued", "2013-05-01")
        self.assertRegex(r.stdout, r"\n  Causing concern +yes\n")
        self.assertRegex(r.stdout, r"\n  PSSWN issued +2013-05-01\n")
        self.assertRegex(r.stdout, r"\n  Flags changed +by officer.b at ")
        flags = self.school(self.urn).school.flags
        self.assertEqual((flags.causing_concern, flags.psswn_issued_date, flags.changed_by),
                         (True, "2013-05-01", "officer.b"))
        self.assertFalse(flags.in_transition, "only the flags named change")

        out = lines(self.ok("school", "history", str(self.urn)).stdout)
        self.assertEqual(out[0].split(), ["Seq", "Time", "Actor", "Topic", "Summary"])
        self.assertEqual(out[-1], "2 event(s)")
        self.assertIn("registry.school.registered", out[1])
        flag_row = out[2].split()
        self.assertEqual(flag_row[2:4], ["officer.b", "registry.flags.changed"])
        self.assertEqual(int(flag_row[0]), self.head())
        self.assertIn("changed=causing_concern,psswn_issued_date", out[2])

        events = self.json_of("school", "history", str(self.urn))["events"]
        self.assertEqual(len(events), 2)
        self.assertEqual((events[1]["actor"], events[1]["topic"]),
                         ("officer.b", "registry.flags.changed"))
        body = events[1]["payload"]["flags"]
        self.assertEqual(body["urn"], self.urn)
        self.assertEqual((body["previous"]["causing_concern"], body["flags"]["causing_concern"]),
                         (False, True))

    def test_bad_flag_values_change_nothing(self):
        head = self.head()
        self.refused(3, "school", "set-flags", str(self.urn), "--causing-concern", "maybe",
                     says=["--causing-concern", "yes or no"])
        self.refused(3, "school", "set-flags", str(self.urn), "--psswn-issued", "soon",
                     says="--psswn-issued")
        self.refused(2, "school", "set-flags", str(self.urn), says="at least one flag")
        self.refused(4, "school", "set-flags", "999998", "--in-transition", "yes", says="999998")
        self.assertEqual(self.head(), head)
        self.refused(4, "school", "history", "999998", says="999998")


class CliEventsTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.import_demo()
        self.urns = sorted(s.urn for s in self.schools(status=R.STATUS_OPEN).schools)
        self.c.call("CreateCluster", R.CreateClusterRequest(id="N1", name="North",
                                                             opened_date="2010-09-01"))
        for urn in self.urns[:4]:
            self.c.call("MoveSchool", R.MoveSchoolRequest(urn=urn, to_cluster="N1",
                                                          effective_date="2011-09-01"))

    def tail_json(self, *args):
        out = self.ok("events", "tail", *args, "--json").stdout
        return [json.loads(line) for line in out.split("\n") if line]

    def test_tail_whole_log_no_follow(self):
        head = self.head()
        self.assertEqual(head, 420 + 1 + 4)
        events = self.tail_json("--from", "1", "--no-follow")
        self.assertEqual([e["seq"] for e in events], list(range(1, head + 1)))
        want = self.c.all_events()
        self.assertEqual([e["topic"] for e in events], [e.topic for e in want])
        self.assertEqual(events[0]["payload"]["school"]["school"]["urn"],
                         registry_event(want[0]).school.school.urn)
        self.assertEqual(events[-1]["payload"]["membership"]["to_cluster"], "N1")

        # from the middle; and the text form: one line per event
        self.assertEqual([e["seq"] for e in self.tail_json("--from", "420", "--no-follow")],
                         list(range(420, head + 1)))
        out = lines(self.ok("events", "tail", "--from", "421", "--no-follow").stdout)
        self.assertEqual(len(out), head - 420)
        self.assertTrue(out[0].startswith("seq=421 time="), out[0])
        self.assertIn("topic=registry.cluster.changed", out[0])
        self.assertIn("cluster=N1 name=\"North\" change=created", out[0])

    def test_tail_topic_filter(self):
        events = self.tail_json("--from", "1", "--no-follow", "--topic", "registry.membership")
        self.assertEqual([e["seq"] for e in events], list(range(422, 426)))
        self.assertEqual({e["topic"] for e in events}, {"registry.membership.changed"})
        self.assertEqual([e["payload"]["membership"]["urn"] for e in events], self.urns[:4])
        self.assertEqual(self.tail_json("--from", "1", "--no-follow", "--topic", "nothing.here"), [])

    def test_tail_count_prints_the_new_events_and_exits(self):
        head = self.head()
        proc = subprocess.Popen([CLI, "--registry", self.reg.api, "--registry-events",
                                 self.reg.events, "events", "tail", "--count", "3", "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        try:
            wait_connected(proc, int(self.reg.events.rsplit(":", 1)[1]))
            for cid in ("T1", "T2", "T3"):
                self.ok("cluster", "create", cid, f"Tail {cid}", "--opened", "2012-01-01")
            out, err = proc.communicate(timeout=20 * SLOW)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self.assertEqual(proc.returncode, 0, err)
        events = [json.loads(line) for line in lines(out)]
        self.assertEqual([e["seq"] for e in events], [head + 1, head + 2, head + 3])
        self.assertEqual([e["payload"]["cluster"]["cluster"]["id"] for e in events],
                         ["T1", "T2", "T3"])

    def test_tail_bad_arguments(self):
        self.refused(3, "events", "tail", "--from", "0", says="--from \"0\"")
        self.refused(3, "events", "tail", "--count", "many", says="--count")
        self.refused(2, "events", "tail", "--no-follow=yes", says="--no-follow takes no value")


def wait_connected(proc, port, timeout=15.0):
    """Waits until `proc` holds an established TCP connection to 127.0.0.1:`port`: for
    `events tail`, the sign that it has read the head and subscribed."""
    deadline = time.time() + timeout * SLOW
    want = f"0100007F:{port:04X}"
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"n2gg exited early with {proc.returncode}: "
                                 f"{proc.stderr.read()}")
        inodes = set()
        try:
            for fd in os.listdir(f"/proc/{proc.pid}/fd"):
                try:
                    link = os.readlink(f"/proc/{proc.pid}/fd/{fd}")
                except OSError:
                    continue
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
        except OSError:
            pass
        with open("/proc/net/tcp") as f:
            for row in f.read().split("\n")[1:]:
                cols = row.split()
                if len(cols) > 9 and cols[2] == want and cols[3] == "01" and cols[9] in inodes:
                    return
        time.sleep(0.02)
    raise AssertionError(f"n2gg never connected to port {port}")


class CliHealthAndUnavailableTest(CliTestCase):
    def test_health_prints_the_head(self):
        self.c.call("CreateCluster", R.CreateClusterRequest(id="H1", name="Health"))
        self.c.call("CreateCluster", R.CreateClusterRequest(id="H2", name="Health 2"))
        out = self.ok("health", "--source", "registry").stdout
        self.assertRegex(out, r"(?m)^service +registry$")
        self.assertRegex(out, r"(?m)^head_seq +2$")
        self.assertEqual(self.json_of("health", "--source", "registry")["head_seq"], 2)

    def test_registry_stopped_exit_6_within_the_timeout(self):
        import_file(self.c, "ImportGias", data("edubasealldata.csv"), la_code=926)
        self.assertEqual(self.reg.stop(), 0)
        fast = ("--timeout-ms", "300", "--retries", "0")
        commands = [("health", "--source", "registry"), ("school", "list"), ("school", "show", "120024"),
                    ("school", "set-flags", "120024", "--causing-concern", "yes"),
                    ("cluster", "create", "X1", "X"), ("cluster", "list"),
                    ("registry", "import-gias", data("edubasealldata.csv")),
                    ("events", "tail", "--from", "1", "--no-follow"),
                    ("events", "tail", "--count", "1"),
                    ("events", "tail", "--from", "1")]
        for cmd in commands:
            with self.subTest(cmd=" ".join(cmd)):
                start = time.time()
                r = self.n2gg(*fast, *cmd, timeout=10)
                took = time.time() - start
                self.assertEqual(r.returncode, 6, r.stderr)
                self.assertLess(took, 0.3 + 2.0 * SLOW, "it waited longer than it was told")
                self.assertEqual(r.stdout, "")
                self.assertIn("UNAVAILABLE", r.stderr)
                self.assertIn(f"is n2gg-registry running at {self.reg.api}?", r.stderr)
                self.assertIn("--registry", r.stderr)

        # --retries N sends N more times: about (N + 1) timeouts, then the same answer
        start = time.time()
        r = self.n2gg("--timeout-ms", "200", "--retries", "2", "health", "--source", "registry")
        self.assertEqual(r.returncode, 6)
        self.assertGreaterEqual(time.time() - start, 0.6)
        self.assertIn("3 attempt(s)", r.stderr)

        # and once it is back, the same command works
        self.reg.start()
        self.assertIn("420 school(s)", self.ok("school", "list").stdout)


class CliUsageTest(unittest.TestCase):
    """Usage errors: exit 2 and the usage line, without asking any registry."""

    def n2gg(self, *args):
        nowhere = f"tcp://127.0.0.1:{free_port()}"
        return subprocess.run([CLI, "--registry", nowhere, "--timeout-ms", "300", "--retries",
                               "0", *args], capture_output=True, text=True, env=ENV,
                              timeout=10 * SLOW)

    def usage(self, args, says, usage_line):
        r = self.n2gg(*args)
        self.assertEqual(r.returncode, 2, f"{args}: {r.stderr}")
        self.assertEqual(r.stdout, "")
        self.assertIn(says, r.stderr)
        self.assertIn(usage_line, r.stderr)

    def test_unknown_commands(self):
        self.usage(("school", "frobnicate"), "unknown command \"school frobnicate\"",
                   "usage: n2gg [OPTIONS] COMMAND [ARGS]")
        r = self.n2gg("school", "frobnicate")
        self.assertIn("n2gg school show", r.stderr, "the group's commands are listed")
        self.usage(("frobnicate",), "unknown command \"frobnicate\"", "usage: n2gg")
        self.usage(("school",), "\"school\" needs a command", "usage: n2gg")
        self.usage((), "no command given", "usage: n2gg")

    def test_missing_and_unexpected_arguments(self):
        self.usage(("school", "show"), "missing URN", "usage: n2gg school show URN [--as-of DATE]")
        self.usage(("cluster", "create", "AYL"), "missing NAME", "usage: n2gg cluster create ID NAME")
        self.usage(("school", "record-inspection", "120024", "--date", "2013-01-01"),
                   "--grade 1-4 is required", "usage: n2gg school record-inspection URN")
        self.usage(("school", "show", "120024", "120025"), "unexpected argument \"120025\"",
                   "usage: n2gg school show URN")

    def test_unknown_option_and_missing_value(self):
        self.usage(("school", "list", "--colour", "red"), "unknown option --colour",
                   "usage: n2gg school list")
        self.usage(("school", "list", "--limit"), "--limit needs a value (N)",
                   "usage: n2gg school list")
        self.usage(("--bogus", "health"), "unknown option --bogus", "usage: n2gg")
        self.usage(("--registry",), "--registry needs a value", "usage: n2gg")

    def test_bad_global_values_exit_3(self):
        r = self.n2gg("--timeout-ms", "0", "health")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("--timeout-ms \"0\"", r.stderr)

    def test_help(self):
        r = self.n2gg("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("exit codes:", r.stdout)
        r = self.n2gg("school", "set-flags", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: n2gg school set-flags URN", r.stdout)
        self.assertIn("--causing-concern yes|no", r.stdout)
        r = self.n2gg("help", "cluster", "move")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: n2gg cluster move URN CLUSTER", r.stdout)


if __name__ == "__main__":
    unittest.main()
