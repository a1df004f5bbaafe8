"""The n2gg command line's category and policy commands end to end: the real binary against
a real registry and a real categoriser, which decides as of 2013-11-15 (the bundled demo
data, data/demo, is a GIAS snapshot of that time). The demo files are imported through the
CLI; what the CLI prints is checked against the categoriser's own answers (the harness's
Python client), and exit codes against the CLI's contract."""
import calendar
import csv
import json
import os
import re
import shutil
import subprocess
import time

from harness import key_path, SLOW, SOURCE_DIR, ServiceTestCase, free_port, registry_pb2
from n2gg.v1 import categoriser_pb2
from test_cli import CLI, lines

C = categoriser_pb2
R = registry_pb2
DEMO = os.path.join(SOURCE_DIR, "data", "demo")
POLICY = os.path.join(SOURCE_DIR, "services", "categoriser", "policy", "norfolk-2013.yaml")
AS_OF = "2013-11-15"
# the user's environment must not point the CLI elsewhere
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith(("N2GG_REGISTRY", "N2GG_CATEGORISER"))}
ENV["N2GG_ACTOR"] = "cli.tests"


class CategoriserCliTestCase(ServiceTestCase):
    """A registry and a categoriser following it (on a copy of the default policy, so a
    test may edit it), the demo data imported through the CLI, the categoriser caught up."""

    def setUp(self):
        super().setUp()
        self.policy = os.path.join(self.tmp, "norfolk-2013.yaml")
        shutil.copy(POLICY, self.policy)
        self.reg = self.start("registry")
        self.cat = self.start_follower("categoriser", self.reg,
                                       ["--as-of", AS_OF, "--policy", self.policy])
        self.c = self.client(self.reg)
        self.cc = self.client(self.cat)
        self.import_demo()

    def n2gg(self, *args, cat=None, timeout=30):
        """Runs the CLI; returns the CompletedProcess (text, stdout and stderr apart)."""
        cmd = [CLI, "--registry", self.reg.api, "--registry-events", self.reg.events,
               "--categoriser", cat or self.cat.api, "--categoriser-events", self.cat.events,
               *args]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                                  env=ENV, timeout=timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.fail(f"n2gg {' '.join(args)} did not finish in {timeout * SLOW} s")

    def ok(self, *args, **kw):
        r = self.n2gg(*args, **kw)
        self.assertEqual(r.returncode, 0, f"n2gg {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        return r

    def refused(self, code, *args, says=(), **kw):
        r = self.n2gg(*args, **kw)
        self.assertEqual(r.returncode, code,
                         f"n2gg {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        for text in (says if isinstance(says, (list, tuple)) else (says,)):
            self.assertIn(text, r.stderr)
        return r

    def json_of(self, *args):
        return json.loads(self.ok(*args, "--json").stdout)

    def import_demo(self):
        # achievement.csv holds rows the DfE suppressed (SUPP): rejected, exit 7
        for command, name, codes in (("import-gias", "edubasealldata.csv", (0,)),
                                     ("import-clusters", "clusters.csv", (0,)),
                                     ("import-contacts", "contacts.csv", (0,)),
                                     ("import-inspections", "ofsted.csv", (0,)),
                                     ("import-achievement", "achievement.csv", (0, 7))):
            r = self.n2gg("registry", command, os.path.join(DEMO, name), timeout=120)
            self.assertIn(r.returncode, codes, f"{command}:\n{r.stdout}\n{r.stderr}")
        self.wait_caught_up(self.cat, self.reg)

    # ---- the categoriser's own answers ----

    def decision(self, urn):
        return self.cc.call("GetCategory", C.GetCategoryRequest(urn=urn),
                            C.GetCategoryReply).decision

    def decisions(self, **filters):
        return self.cc.call("ListCategories", C.ListCategoriesRequest(**filters),
                            C.ListCategoriesReply)

    def first_in(self, category, activities=None):
        """A school the rules place in `category` (with or without LA activities)."""
        for d in self.decisions(category=category).decisions:
            if activities is None or bool(d.activities) == activities:
                return d
        self.fail(f"no school in category {category}")

    def history(self, urn):
        return self.cc.call("CategoryHistory", C.CategoryHistoryRequest(urn=urn),
                            C.CategoryHistoryReply).events

    def open_schools(self):
        """How many schools are open (some proposed to close): those with a category."""
        return sum(self.c.call("ListSchools", R.ListSchoolsRequest(status=status),
                               R.ListSchoolsReply).total
                   for status in (R.STATUS_OPEN, R.STATUS_OPEN_PROPOSED_TO_CLOSE))


def field(out, label):
    """The value of "  Label   value" in a block of fields."""
    m = re.search(rf"(?m)^  {re.escape(label)} +(.*)$", out)
    return m.group(1) if m else None


class ShowAndExplainTest(CategoriserCliTestCase):
    def test_show(self):
        d = self.first_in("A")
        out = self.ok("category", "show", str(d.urn)).stdout
        self.assertEqual(field(out, "URN"), str(d.urn))
        self.assertEqual(field(out, "School"), d.school_name)
        self.assertEqual(field(out, "Cluster"), d.cluster_id)
        self.assertEqual(field(out, "Category"), f"A ({d.category_name})")
        self.assertEqual(field(out, "Since"), AS_OF)
        self.assertEqual(field(out, "Rule"), d.rule_id)
        self.assertEqual(field(out, "Policy"), "norfolk-2013 2013.1")
        self.assertEqual(field(out, "Half-termly monitoring"), "yes")
        self.assertIsNone(field(out, "Override"))

        shown = self.json_of("category", "show", str(d.urn))["decision"]
        self.assertEqual((shown["urn"], shown["category"], shown["rule_id"]),
                         (d.urn, "A", d.rule_id))
        self.assertEqual([r["text"] for r in shown["reasons"]], [r.text for r in d.reasons])

    def test_explain_names_the_rule_the_reasons_and_the_activities(self):
        d = self.first_in("A")
        self.assertTrue(d.reasons and d.activities)
        out = lines(self.ok("category", "explain", str(d.urn)).stdout)
        self.assertEqual(out[0], f"{d.school_name} (URN {d.urn}) is in category A, "
                                 f"{d.category_name}, since {AS_OF}.")
        self.assertEqual(out[1], f"Rule '{d.rule_id}' of policy norfolk-2013 2013.1 decided it: "
                                 f"{d.rule_description.rstrip('.')}.")
        self.assertEqual(out[2], "Because:")
        # the rule's structure as a tree: a group, then its members indented under it
        words = {("all", True): "all of these (held):", ("all", False): "all of these (did not hold):",
                 ("any", True): "any of these (held):", ("any", False): "any of these (none held):",
                 ("not", True): "not the following (held):",
                 ("not", False): "not the following (did not hold):"}
        self.assertEqual(out[3:3 + len(d.reasons)],
                         [" " * (2 + 4 * r.depth) + "- " +
                          (words[(r.group, r.holds)] if r.group else r.text) for r in d.reasons])
        if d.rule_id == "ofsted-inadequate":     # when: any: [...]
            self.assertEqual(out[3], "  - any of these (held):")
            self.assertTrue(out[4].startswith("      - latest Ofsted overall effectiveness: "), out)
        conditions = [r for r in d.reasons if not r.group]
        self.assertTrue(conditions and all(r.text for r in conditions))
        self.assertTrue(all(not (r.text or r.value or r.condition or r.fact)
                            for r in d.reasons if r.group), "a group row has only its structure")
        rest = out[3 + len(d.reasons):]
        self.assertEqual(rest[0], "What the LA does:")
        self.assertEqual(rest[1:1 + len(d.activities)], [f"  - {a}" for a in d.activities])
        self.assertEqual(rest[1 + len(d.activities):],
                         ["Half-termly monitoring of pupil progress: yes"])
        self.assertEqual(self.json_of("category", "explain", str(d.urn))["decision"]["urn"],
                         d.urn)

        quiet = self.first_in("F", activities=False)
        out = self.ok("category", "explain", str(quiet.urn)).stdout
        self.assertIn("What the LA does:\n  (no LA activity listed)\n", out)
        self.assertIn("Half-termly monitoring of pupil progress: no\n", out)

    def test_a_school_that_closes_has_no_category(self):
        d = self.first_in("C")
        open_before = self.open_schools()
        path = os.path.join(self.tmp, "closed.csv")
        with open(os.path.join(DEMO, "edubasealldata.csv"), encoding="latin-1", newline="") as f:
            rows = list(csv.reader(f))
        head = rows[0]
        row = next(r for r in rows if r[0] == str(d.urn))
        row[head.index("EstablishmentStatus (code)")] = "2"
        row[head.index("EstablishmentStatus (name)")] = "Closed"
        row[head.index("CloseDate")] = "31-08-2013"
        with open(path, "w", encoding="latin-1", newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows([head, row])
        self.ok("registry", "import-gias", path)
        self.wait_caught_up(self.cat, self.reg)

        out = self.ok("category", "explain", str(d.urn)).stdout
        self.assertEqual(lines(out), [f"{d.school_name} (URN {d.urn}) is closed: "
                                      "it has no category."])
        out = self.ok("category", "show", str(d.urn)).stdout
        self.assertEqual(field(out, "Category"), "none (the school is closed)")
        last = lines(self.ok("category", "history", str(d.urn)).stdout)[-2]
        self.assertRegex(last, r" C -> - \(registry\.school\.closed #\d+\)$")
        listed = self.json_of("category", "list")
        self.assertNotIn(d.urn, [x["urn"] for x in listed["decisions"]])
        self.assertEqual(self.json_of("category", "summary")["total"], open_before - 1)


class ListAndSummaryTest(CategoriserCliTestCase):
    def test_list_with_filters(self):
        every = self.decisions()
        self.assertEqual(every.total, self.open_schools())
        out = lines(self.ok("category", "list").stdout)
        self.assertEqual(out[0].split(), ["URN", "School", "Cluster", "Category", "Since", "Rule"])
        self.assertEqual(out[-1], f"{every.total} of {every.total}")
        self.assertEqual(len(out), every.total + 2)

        a = self.decisions(category="A")
        self.assertGreater(a.total, 1)
        listed = self.json_of("category", "list", "--category", "a")
        self.assertEqual(listed["total"], a.total)
        self.assertEqual({x["category"] for x in listed["decisions"]}, {"A"})
        out = lines(self.ok("category", "list", "--category", "A", "--limit", "1").stdout)
        self.assertEqual(out[-1], f"1 of {a.total}")
        self.assertTrue(out[1].startswith(f"{a.decisions[0].urn} "), out[1])
        self.assertRegex(out[1], rf" A +{AS_OF} +{re.escape(a.decisions[0].rule_id)}$")

        cid = a.decisions[0].cluster_id
        in_cluster = self.decisions(cluster_id=cid)
        listed = self.json_of("category", "list", "--cluster", cid)
        self.assertEqual(sorted(x["urn"] for x in listed["decisions"]),
                         sorted(x.urn for x in in_cluster.decisions))
        both = self.json_of("category", "list", "--cluster", cid, "--category", "A")
        self.assertTrue(both["decisions"])
        self.assertTrue(all(x["cluster_id"] == cid and x["category"] == "A"
                            for x in both["decisions"]))
        self.assertLess(both["total"], in_cluster.total)

        # the cluster by its name: "Wymondham Cluster" is C926-06
        by_name = self.json_of("category", "list", "--cluster", "wymondham")
        self.assertEqual(sorted(x["urn"] for x in by_name["decisions"]),
                         sorted(x.urn for x in self.decisions(cluster_id="C926-06").decisions))
        self.refused(3, "category", "list", "--cluster", "norwich", says="could be any of 2")
        self.refused(4, "category", "list", "--cluster", "Atlantis", says='"Atlantis"')

        self.refused(3, "category", "list", "--category", "AB", says="--category \"AB\"")
        self.refused(3, "category", "list", "--category", "Q", says="\"Q\"")
        self.refused(3, "category", "list", "--limit", "0", says="--limit")

    def test_summary_totals(self):
        open_schools = self.open_schools()
        summary = self.json_of("category", "summary")
        self.assertEqual(summary["total"], open_schools)
        self.assertEqual(summary["uncategorised"], 0)
        self.assertEqual(sum(c["schools"] for c in summary["la"]), open_schools)
        letters = [c["category"] for c in summary["la"]]
        self.assertEqual(letters, list("ABCDEF"))

        out = lines(self.ok("category", "summary").stdout)
        self.assertEqual(out[0].split(), ["Cluster", *letters, "Total"])
        self.assertEqual(out[-1], "policy 2013.1")
        table = [row.split() for row in out[1:-1]]
        self.assertEqual(table[-1], ["LA", *[str(c["schools"]) for c in summary["la"]],
                                     str(open_schools)])
        clusters = table[:-1]
        self.assertEqual(len(clusters), len(summary["clusters"]))
        for row in clusters:
            self.assertEqual(sum(map(int, row[1:-1])), int(row[-1]), row)
        for i in range(len(letters) + 1):
            self.assertEqual(sum(int(row[1 + i]) for row in clusters), int(table[-1][1 + i]))
        self.assertEqual(sorted(row[0] for row in clusters), [row[0] for row in clusters])

        cid = next(row[0] for row in clusters if row[0] != "(none)")
        out = lines(self.ok("category", "summary", "--cluster", cid).stdout)
        self.assertEqual([row.split()[0] for row in out[1:-1]], [cid, "LA"])
        self.assertEqual(out[1].split()[1:], out[2].split()[1:])
        self.assertEqual(int(out[1].split()[-1]), self.decisions(cluster_id=cid).total)
        out = lines(self.ok("category", "summary", "--cluster", "Wymondham Cluster").stdout)
        self.assertEqual([row.split()[0] for row in out[1:-1]], ["C926-06", "LA"])


class OverrideAndHistoryTest(CategoriserCliTestCase):
    def test_override_shows_in_explain_and_history(self):
        d = self.first_in("A")
        r = self.ok("--key", key_path("officer.k"), "category", "override", str(d.urn), "c",
                    "--reason", "new head; rapid progress", "--until", "2031-03-31")
        self.assertEqual(field(r.stdout, "Category"), "C (Requires improvement)")
        self.assertEqual(field(r.stdout, "Rule"), "override")
        # shown as the date given: in force through it (it ends at the next midnight)
        self.assertRegex(field(r.stdout, "Override"),
                         r"^C, set by officer\.k at \S+Z: new head; rapid progress "
                         r"\(until 2031-03-31\)$")
        now = self.decision(d.urn)
        self.assertEqual((now.category, now.ruled_category), ("C", "A"))
        self.assertEqual(now.override.expires_unix_ms,
                         calendar.timegm((2031, 4, 1, 0, 0, 0)) * 1000)
        self.assertEqual(now.override.set_by, "officer.k")

        out = self.ok("category", "explain", str(d.urn)).stdout
        self.assertIn(f"is in category C, Requires improvement, since", out)
        self.assertIn("set by hand by officer.k on ", out)
        self.assertIn(": new head; rapid progress. It is in force until 2031-03-31.", out)
        self.assertIn("the rules of policy norfolk-2013 2013.1 would place the school in "
                      "category A.", out)

        # --expires: to the second, UTC; the reply is the new decision, as JSON too
        shown = self.json_of("category", "override", str(d.urn), "F", "--reason", "appeal",
                             "--expires", "2031-05-06T07:08:09Z")
        self.assertEqual(shown["decision"]["category"], "F")
        self.assertEqual(int(shown["decision"]["override"]["expires_unix_ms"]),
                         calendar.timegm((2031, 5, 6, 7, 8, 9)) * 1000)

        # history: oldest first, each payload read by its topic
        events = self.history(d.urn)
        out = lines(self.ok("category", "history", str(d.urn)).stdout)
        self.assertEqual(out[0].split(), ["Seq", "Time", "Actor", "What"])
        self.assertEqual(out[-1], f"{len(events)} event(s)")
        rows = out[1:-1]
        self.assertEqual([int(row.split()[0]) for row in rows], [e.seq for e in events])
        self.assertEqual(sorted(e.seq for e in events), [e.seq for e in events])
        first = C.CategoryChanged.FromString(events[0].payload)
        self.assertTrue(rows[0].endswith(f" - -> {first.category} ({first.cause})"), rows[0])
        self.assertRegex(rows[-4], r" officer\.k +override to C: new head; rapid progress "
                                   r"\(until 2031-03-31\)$")
        self.assertRegex(rows[-3], r" officer\.k +A -> C \(override set by officer\.k\)$")
        self.assertRegex(rows[-2], r" cli\.tests +override to F: appeal "
                                   r"\(until 2031-05-06T07:08:09Z\)$")
        self.assertRegex(rows[-1], r" cli\.tests +C -> F \(override set by cli\.tests\)$")

        listed = self.json_of("category", "history", str(d.urn))["events"]
        self.assertEqual([e["topic"] for e in listed], [e.topic for e in events])
        self.assertEqual(listed[-2]["payload"]["override"]["category"], "F")
        self.assertEqual(listed[-1]["payload"]["previous_category"], "C")

        summary = self.json_of("category", "summary")["la"]
        self.assertEqual({c["category"]: c["schools"] for c in summary}["F"],
                         self.decisions(category="F").total)

    def test_override_expiry_against_the_as_of_date(self):
        """The categoriser decides as of 2013-11-15: an override until a later day of 2013
        is in force (though that day is long past by the clock), shown as the day given;
        one ending before the as-of date is refused, saying so."""
        d = self.first_in("A")
        urn = str(d.urn)
        self.refused(3, "category", "override", urn, "C", "--reason", "x", "--until",
                     "2013-11-14",
                     says="the expiry 2013-11-14 is before the as-of date 2013-11-15")
        self.refused(3, "category", "override", urn, "C", "--reason", "x", "--expires",
                     "2013-11-15T00:00:00Z",
                     says="the expiry 2013-11-14 is before the as-of date 2013-11-15")
        self.assertFalse(self.decision(d.urn).HasField("override"), "nothing was set")
        # through the as-of day itself; then to a time on it
        r = self.ok("category", "override", urn, "B", "--reason", "interim", "--until", AS_OF)
        self.assertRegex(field(r.stdout, "Override"), rf"\(until {AS_OF}\)$")
        r = self.ok("category", "override", urn, "E", "--reason", "pilot", "--expires",
                    "2013-11-15T16:30:00Z")
        self.assertRegex(field(r.stdout, "Override"), r"\(until 2013-11-15T16:30:00Z\)$")
        self.assertEqual(self.decision(d.urn).category, "E")

        r = self.ok("category", "override", urn, "C", "--reason", "new head", "--until",
                    "2013-12-31")
        self.assertEqual(field(r.stdout, "Category"), "C (Requires improvement)")
        self.assertRegex(field(r.stdout, "Override"), r"\(until 2013-12-31\)$")
        self.assertEqual(self.decision(d.urn).override.expires_unix_ms,
                         calendar.timegm((2014, 1, 1, 0, 0, 0)) * 1000)
        # the categoriser's clock is the as-of date's: once an override is set it ends any
        # that have come due, and this one has not (by the wall clock it would have)
        time.sleep(1.0 * SLOW)
        now = self.decision(d.urn)
        self.assertEqual((now.category, now.rule_id), ("C", "override"))
        self.assertFalse([e for e in self.history(d.urn)
                          if e.topic == "category.override.expired"])
        self.assertEqual(self.cat.metric("n2gg_categoriser_overrides_expired_total") or 0, 0)
        out = self.ok("category", "explain", urn).stdout
        self.assertIn("It is in force until 2013-12-31.", out)
        rows = lines(self.ok("category", "history", urn).stdout)[1:-1]
        self.assertRegex(rows[-2], r"override to C: new head \(until 2013-12-31\)$")

    def test_clear_override(self):
        d = self.first_in("A")
        self.ok("category", "override", str(d.urn), "E", "--reason", "system leader pilot")
        r = self.ok("--key", key_path("officer.k"), "category", "clear-override", str(d.urn),
                    "--reason", "pilot ended")
        self.assertEqual(field(r.stdout, "Category"), f"A ({d.category_name})")
        self.assertEqual(field(r.stdout, "Rule"), d.rule_id)
        self.assertIsNone(field(r.stdout, "Override"))
        self.assertFalse(self.decision(d.urn).HasField("override"))
        rows = lines(self.ok("category", "history", str(d.urn)).stdout)[1:-1]
        self.assertRegex(rows[-2], r" officer\.k +override to E cleared: pilot ended$")
        self.assertRegex(rows[-1], r" officer\.k +E -> A \(override cleared by officer\.k\)$")
        self.refused(4, "category", "clear-override", str(d.urn), says="no override")

    def test_error_exits(self):
        d = self.first_in("F")
        urn = str(d.urn)
        for cmd in (("show", "999998"), ("explain", "999998"), ("history", "999998"),
                    ("override", "999998", "C", "--reason", "x")):
            with self.subTest(cmd=cmd):
                self.refused(4, "category", *cmd, says=["NOT_FOUND", "999998"])
        self.refused(3, "category", "override", urn, "Z", "--reason", "x", says="\"Z\"")
        self.refused(3, "category", "override", urn, "AB", "--reason", "x", says="\"AB\"")
        self.refused(3, "category", "show", "12345", says="6-digit")
        self.refused(2, "category", "override", urn, "C", says="--reason TEXT is required")
        self.refused(2, "category", "override", urn, "C", "--reason", "", says="--reason")
        self.refused(2, "category", "override", urn, "C", "--reason", "x", "--until",
                     "2031-01-01", "--expires", "2031-01-01T00:00:00Z", says="not both")
        self.refused(3, "category", "override", urn, "C", "--reason", "x", "--until", "soon",
                     says="--until")
        self.refused(3, "category", "override", urn, "C", "--reason", "x", "--expires",
                     "2031-01-01", says="--expires")
        self.refused(3, "category", "override", urn, "C", "--reason", "x", "--until",
                     "2013-01-01",
                     says="the expiry 2013-01-01 is before the as-of date 2013-11-15")
        self.refused(2, "category", "show", says="missing URN")
        self.assertEqual(self.decision(d.urn).category, "F", "nothing changed")

        nowhere = f"tcp://127.0.0.1:{free_port()}"
        r = self.refused(6, "--timeout-ms", "300", "--retries", "0", "category", "show", urn,
                         cat=nowhere, says=f"is n2gg-categoriser running at {nowhere}?")
        self.assertIn("--categoriser / N2GG_CATEGORISER_API", r.stderr)


class PolicyTest(CategoriserCliTestCase):
    def broken(self, name, old, new):
        with open(self.policy) as f:
            text = f.read()
        self.assertIn(old, text)
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text.replace(old, new, 1))
        line = text[:text.index(old)].count("\n") + 1
        return path, line

    def test_check_refuses_broken_files_without_the_service(self):
        requests = self.cat.metric("n2gg_requests_total")
        path, line = self.broken("unknown-fact.yaml", "fact: la.targeted_n2gg",
                                 "fact: la.targetted_n2gg")
        r = self.refused(3, "policy", "check", path, says="INVALID_ARGUMENT")
        self.assertIn(f"{path}:{line}: error: ", r.stderr)
        self.assertIn("la.targetted_n2gg", r.stderr)

        path, line = self.broken("syntax.yaml", "  - id: ofsted-inadequate",
                                 "  - id: [ofsted-inadequate")
        r = self.refused(3, "policy", "check", path)
        m = re.search(rf"(?m)^{re.escape(path)}:(\d+): error: YAML syntax", r.stderr)
        self.assertTrue(m, r.stderr)
        self.assertLessEqual(abs(int(m.group(1)) - line), 1)
        rep = json.loads(self.n2gg("policy", "check", path, "--json").stdout)
        self.assertFalse(rep["ok"])
        self.assertEqual(rep["problems"][0]["file"], path)

        self.assertEqual(self.cat.metric("n2gg_requests_total"), requests,
                         "a broken file is not sent to the categoriser")
        self.refused(3, "policy", "check", os.path.join(self.tmp, "none.yaml"), says="none.yaml")

    def test_check_without_the_service_checks_the_file_alone(self):
        nowhere = f"tcp://127.0.0.1:{free_port()}"
        start = time.time()
        r = self.ok("policy", "check", POLICY, cat=nowhere)
        self.assertLess(time.time() - start, 2 + 3 * SLOW, "a short wait, not the default")
        self.assertIn(f"categoriser not reachable at {nowhere}: the file was checked on its own",
                      r.stderr)
        self.assertIn("policy norfolk-2013 2013.1 reads without errors", r.stdout)

    def test_check_tries_the_file_on_every_school(self):
        r = self.ok("policy", "check", POLICY)
        schools = self.c.call("ListSchools", R.ListSchoolsRequest(), R.ListSchoolsReply).total
        self.assertIn(f"tried on {schools} schools: 0 would change category", r.stdout)
        la = {c.category: c.schools for c in self.cc.call(
            "CategorySummary", C.CategorySummaryRequest(), C.CategorySummaryReply).la}
        self.assertIn("categories: " + ", ".join(f"{k} {v}" for k, v in la.items()), r.stdout)
        self.assertNotIn("matches no rule", r.stdout)
        rep = self.json_of("policy", "check", POLICY)
        self.assertTrue(rep["ok"])
        self.assertEqual(rep["schools_evaluated"], schools)

    def test_show(self):
        out = self.ok("policy", "show").stdout
        self.assertEqual(field(out, "Policy"), "norfolk-2013")
        self.assertEqual(field(out, "Version"), "2013.1")
        self.assertEqual(field(out, "File"), self.policy)
        self.assertRegex(field(out, "Loaded at"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        with open(self.policy) as f:
            text = f.read()
        self.assertTrue(self.ok("policy", "show", "--text").stdout.endswith("\n\n" + text))
        self.assertEqual(self.json_of("policy", "show")["version"], "2013.1")

    def test_reload(self):
        schools = self.c.call("ListSchools", R.ListSchoolsRequest(), R.ListSchoolsReply).total
        with open(self.policy) as f:
            text = f.read()
        with open(self.policy, "w") as f:
            f.write(text.replace('version: "2013.1"', 'version: "2013.2"'))
        r = self.ok("policy", "reload")
        self.assertIn(f"policy norfolk-2013 2013.2 in force: {schools} schools decided again, "
                      "0 changed category", r.stdout)
        self.assertEqual(self.json_of("policy", "show")["version"], "2013.2")

    def test_reload_refused_keeps_the_policy(self):
        path, line = self.broken("bad.yaml", "fact: la.targeted_n2gg", "fact: la.nope")
        shutil.copy(path, self.policy)
        r = self.refused(3, "policy", "reload", says=["INVALID_ARGUMENT", "policy refused",
                                                      f"{self.policy}:{line}:", "la.nope"])
        self.assertEqual(r.stdout, "")
        self.assertEqual(self.json_of("policy", "show")["version"], "2013.1")


class CategoriserEventsTest(CategoriserCliTestCase):
    def test_tail_the_categoriser(self):
        d = self.first_in("F")
        self.ok("category", "override", str(d.urn), "D", "--reason", "merger")
        events = self.cc.all_events()
        changed = [e for e in events if e.topic == "category.changed"]
        out = lines(self.ok("events", "tail", "--source", "categoriser", "--from", "1",
                            "--no-follow", "--topic", "category.changed").stdout)
        self.assertEqual(len(out), len(changed))
        pattern = re.compile(r'^seq=(\d+) time=\S+Z topic=category\.changed actor=\S+ '
                             r'urn=(\d{6}) name="[^"]*" change="(\S+) -> (\S+)" cause="[^"]*"$')
        for line, e in zip(out, changed):
            m = pattern.match(line)
            self.assertTrue(m, line)
            body = C.CategoryChanged.FromString(e.payload)
            self.assertEqual((int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)),
                             (e.seq, body.urn, body.previous_category or "-", body.category))
        self.assertIn(f'urn={d.urn} ', out[-1])
        self.assertIn('change="F -> D" cause="override set by cli.tests"', out[-1])

        tail = [json.loads(x) for x in lines(self.ok(
            "events", "tail", "--source", "categoriser", "--from", str(events[-2].seq),
            "--count", "2", "--json").stdout)]
        self.assertEqual([e["topic"] for e in tail], ["category.override.set", "category.changed"])
        self.assertEqual(tail[0]["payload"]["override"]["reason"], "merger")
        self.assertEqual(tail[1]["payload"]["category"], "D")
        self.refused(3, "events", "tail", "--source", "nowhere", says="--source")


if __name__ == "__main__":
    import unittest
    unittest.main()
