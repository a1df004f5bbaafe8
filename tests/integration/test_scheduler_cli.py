"""The n2gg command line's scheduler commands end to end: the real binary against a real
registry, categoriser and scheduler wired together, deciding and planning as of 2013-11-15
(the bundled demo data, data/demo, is a GIAS snapshot of that time; data/demo/partners.csv
holds 60 improvement partners). The partners are imported through the CLI; what the CLI
prints is checked against the scheduler's own answers (the harness's Python client), and
exit codes against the CLI's contract."""
import json
import os
import re
import subprocess
import time

from harness import (key_path, SLOW, SOURCE_DIR, ServiceTestCase, common_pb2, free_port, import_file,
                     wait_for)
from n2gg.v1 import scheduler_pb2
from test_cli import CLI, lines

S = scheduler_pb2
DEMO = os.path.join(SOURCE_DIR, "data", "demo")
PARTNERS = os.path.join(DEMO, "partners.csv")
AS_OF = "2013-11-15"
ECP, CEP, SIP, IA = S.ROLE_ECP, S.ROLE_CEP, S.ROLE_SIP, S.ROLE_INTERVENTION_ADVISER
ROLE_NAMES = {ECP: "ecp", CEP: "cep", SIP: "sip", IA: "intervention_adviser"}
# the user's environment must not point the CLI elsewhere
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith(("N2GG_REGISTRY", "N2GG_CATEGORISER", "N2GG_SCHEDULER"))}
ENV["N2GG_ACTOR"] = "cli.tests"
# a logfmt value in quotes, escaped quotes and backslashes included
QUOTED = r'"(?:[^"\\]|\\.)*"'


def money(pence):
    """What the CLI prints for an amount: "£1,500", "£12.50"."""
    sign, pence = ("-", -pence) if pence < 0 else ("", pence)
    text = f"{sign}£{pence // 100:,}"
    return text + (f".{pence % 100:02d}" if pence % 100 else "")


def table(out_lines):
    """The cells of a printed table's rows (the header first), split on runs of 2+ spaces."""
    return [re.split(r"\s{2,}", row.strip()) for row in out_lines]


class SchedulerCliTestCase(ServiceTestCase):
    """A registry, a categoriser and a scheduler following both; the demo data imported,
    the partners imported through the CLI, everything caught up."""

    def setUp(self):
        super().setUp()
        self.reg = self.start("registry")
        self.cat = self.start_follower("categoriser", self.reg, ["--as-of", AS_OF])
        self.sch = self.start("scheduler", extra_args=[
            "--registry", self.reg.api, "--registry-events", self.reg.events,
            "--categoriser", self.cat.api, "--categoriser-events", self.cat.events,
            "--as-of", AS_OF])
        self.sc = self.client(self.sch)
        r = self.client(self.reg)
        import_file(r, "ImportGias", os.path.join(DEMO, "edubasealldata.csv"), la_code=926)
        for method, name in (("ImportClusters", "clusters.csv"),
                             ("ImportInspections", "ofsted.csv"),
                             ("ImportAchievement", "achievement.csv")):
            import_file(r, method, os.path.join(DEMO, name))
        self.caught_up()
        self.imported = self.ok("partner", "import", PARTNERS).stdout

    def caught_up(self, timeout=60.0):
        # one client each for the whole wait: one per poll would use up ZeroMQ's sockets
        # (1,023 a context) when catching up is slow (a sanitizer build under load)
        clients = {svc.api: self.client(svc) for svc in (self.reg, self.cat)}

        def head(svc):
            return clients[svc.api].call("Health", common_pb2.HealthRequest(),
                                         common_pb2.HealthReply).head_seq

        wait_for(lambda: self.cat.metric("n2gg_categoriser_registry_cursor") >= head(self.reg),
                 timeout, "the categoriser to catch up")
        wait_for(lambda: self.sch.metric("n2gg_scheduler_registry_cursor") >= head(self.reg) and
                 self.sch.metric("n2gg_scheduler_categoriser_cursor") >= head(self.cat),
                 timeout, "the scheduler to catch up")

    # ---- running the CLI ----

    def run_cli(self, *args, sch=None, timeout=60, text=True):
        cmd = [CLI, "--registry", self.reg.api, "--registry-events", self.reg.events,
               "--categoriser", self.cat.api, "--categoriser-events", self.cat.events,
               "--scheduler", sch or self.sch.api, "--scheduler-events", self.sch.events, *args]
        try:
            if text:
                return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                                      env=ENV, timeout=timeout * SLOW)
            return subprocess.run(cmd, capture_output=True, env=ENV, timeout=timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.fail(f"n2gg {' '.join(args)} did not finish in {timeout * SLOW} s")

    def ok(self, *args, **kw):
        r = self.run_cli(*args, **kw)
        self.assertEqual(r.returncode, 0, f"n2gg {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        return r

    def refused(self, code, *args, says=(), **kw):
        r = self.run_cli(*args, **kw)
        self.assertEqual(r.returncode, code,
                         f"n2gg {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        for text in (says if isinstance(says, (list, tuple)) else (says,)):
            self.assertIn(text, r.stderr)
        return r

    def json_of(self, *args):
        return json.loads(self.ok(*args, "--json").stdout)

    # ---- the scheduler's own answers ----

    def allocations(self, **filters):
        return self.sc.call("ListAllocations", S.ListAllocationsRequest(**filters),
                            S.AllocationsReply).allocations

    def partner(self, pid):
        return self.sc.call("GetPartner", S.PartnerRequest(id=pid), S.PartnerReply)

    def partners(self, **filters):
        return self.sc.call("ListPartners", S.ListPartnersRequest(**filters),
                            S.ListPartnersReply).partners

    def visits(self, **filters):
        return self.sc.call("ListVisits", S.ListVisitsRequest(**filters),
                            S.ListVisitsReply).visits

    def served(self, role):
        return [al for al in self.allocations(role=role) if al.partner_id]


class PartnerTest(SchedulerCliTestCase):
    def test_import(self):
        self.assertEqual(lines(self.imported), ["created 60, updated 0, unchanged 0, rejected 0"])
        self.assertEqual(len(self.partners()), 60)
        out = self.ok("partner", "import", PARTNERS, "--dry-run").stdout
        self.assertEqual(lines(out), ["dry run: created 0, updated 0, unchanged 60, rejected 0"])
        rep = self.json_of("partner", "import", PARTNERS)
        self.assertEqual((rep["created"], rep["unchanged"], rep["rejections"]), (0, 60, []))

        bad = os.path.join(self.tmp, "bad.csv")
        with open(bad, "w", newline="") as f:
            f.write("id,name,roles,capacity_days,sip_accreditation\r\n"
                    "X1,Negative,sip,-5,primary\r\n"
                    "X2,Unknown role,wizard,10,\r\n"
                    "X3,Good one,sip,10,primary\r\n"
                    "X4,Unknown phase,sip,10,kindergarten\r\n")
        r = self.refused(7, "partner", "import", bad, says="bad.csv: 3 row(s) rejected")
        out = lines(r.stdout)
        self.assertEqual(out[0], "created 1, updated 0, unchanged 0, rejected 3")
        self.assertRegex(out[1], r"^  line 2: .*capacity_days")
        self.assertRegex(out[2], r"^  line 3: .*wizard")
        self.assertRegex(out[3], r"^  line 5: .*kindergarten")
        self.assertEqual(self.partner("X3").partner.name, "Good one", "the good row went in")
        r = self.refused(7, "partner", "import", bad, "--json")
        rep = json.loads(r.stdout)
        self.assertEqual([x["line"] for x in rep["rejections"]], [2, 3, 5])
        self.assertEqual(rep["unchanged"], 1)
        self.refused(3, "partner", "import", os.path.join(self.tmp, "none.csv"), says="none.csv")

    def test_list(self):
        every = self.partners()
        out = lines(self.ok("partner", "list").stdout)
        self.assertEqual(table(out[:1])[0], ["ID", "Name", "Roles", "Capacity", "Provider",
                                             "Active"])
        self.assertEqual(out[-1], f"{len(every)} partner(s)")
        rows = table(out[1:-1])
        self.assertEqual([row[0] for row in rows], [p.id for p in every])
        p1 = next(row for row in rows if row[0] == "P001")
        self.assertEqual(p1, ["P001", "Margaret Norris", "sip, cep", "82", "LA", "yes"])

        ceps = self.partners(role=CEP)
        out = lines(self.ok("partner", "list", "--role", "cep").stdout)
        self.assertEqual([row[0] for row in table(out[1:-1])], [p.id for p in ceps])
        listed = self.json_of("partner", "list", "--role", "intervention_adviser")["partners"]
        self.assertEqual([p["id"] for p in listed], [p.id for p in self.partners(role=IA)])
        self.assertTrue(all("ROLE_INTERVENTION_ADVISER" in p["roles"] for p in listed))
        self.refused(3, "partner", "list", "--role", "wizard", says='"wizard"')

    def test_add_and_show(self):
        r = self.ok("--key", key_path("officer.k"), "partner", "add", "NEW1", "--name", "New Partner",
                    "--roles", "sip,cep", "--capacity-days", "80",
                    "--sip-accreditation", "primary,middle_deemed_primary",
                    "--phase-expertise", "secondary", "--led-good-school",
                    "--training", "CEP training@2013-09-27", "--easting", "610000",
                    "--northing", "300000", "--provider", "LA", "--own-school", "122104",
                    "--own-cluster", "C926-09", "--federation", "F1",
                    "--weekdays", "mon,tue,wed", "--unavailable", "2013-12-02,2014-01-06",
                    "--email", "new@partners.example.org", "--phone", "01603 000000")
        p = self.partner("NEW1").partner
        self.assertEqual(list(p.roles), [SIP, CEP])
        self.assertEqual(list(p.sip_accreditation), [2, 3])   # primary, middle_deemed_primary
        self.assertEqual(list(p.phase_expertise), [4])
        self.assertTrue(p.led_good_school)
        self.assertFalse(p.ofsted_inspector)
        self.assertEqual([(t.name, t.date) for t in p.training], [("CEP training", "2013-09-27")])
        self.assertEqual((p.capacity_days, p.easting, p.northing), (80, 610000, 300000))
        self.assertEqual((p.own_school_urn, p.own_cluster_id, p.federation_code),
                         (122104, "C926-09", "F1"))
        self.assertEqual(p.weekdays, 0b00111)
        self.assertEqual(list(p.unavailable_dates), ["2013-12-02", "2014-01-06"])
        self.assertEqual((p.email, p.phone, p.updated_by),
                         ("new@partners.example.org", "01603 000000", "officer.k"))
        self.assertTrue(p.active)
        out = r.stdout
        self.assertTrue(out.startswith("Partner NEW1: New Partner\n"), out)
        self.assertIn("\n  Roles                  sip, cep\n", out)
        self.assertIn("\n  SIP accreditation      primary, middle_deemed_primary\n", out)
        self.assertIn("\n  Training               CEP training (2013-09-27)\n", out)
        self.assertIn("\n  Weekdays               mon, tue, wed\n", out)
        self.assertIn("\n  Unavailable            2013-12-02, 2014-01-06\n", out)
        self.assertIn("\n  Home                   easting 610000, northing 300000\n", out)

        # show: the fields, then every allocation and the days they take
        reply = self.partner("P001")
        self.assertTrue(reply.allocations)
        out = lines(self.ok("partner", "show", "P001").stdout)
        self.assertEqual(out[0], "Partner P001: Margaret Norris")
        self.assertIn("  Capacity               82 days a year; "
                      f"{reply.days_allocated} allocated, {82 - reply.days_allocated} free", out)
        at = out.index("Allocations")
        self.assertEqual(table(out[at + 1:at + 2])[0], ["Role", "URN/Cluster", "School",
                                                        "Cluster", "Days", "Cost", "Km",
                                                        "Pinned"])
        rows = table(out[at + 2:-1])
        self.assertEqual([row[1] for row in rows],
                         [str(al.urn) if al.urn else al.cluster_id for al in reply.allocations])
        self.assertEqual(out[-1], f"{reply.days_allocated} of 82 days allocated")
        shown = self.json_of("partner", "show", "P001")
        self.assertEqual(shown["partner"]["id"], "P001")
        self.assertEqual(shown["days_allocated"], reply.days_allocated)
        self.assertEqual(len(shown["allocations"]), len(reply.allocations))

    def test_add_refusals(self):
        base = ["partner", "add", "NEW2", "--name", "X", "--capacity-days", "10"]
        self.refused(3, *base, "--roles", "sip,wizard", says='--roles "wizard" is not a role')
        self.refused(3, *base, "--roles", "sip", "--sip-accreditation", "kindergarten",
                     says='"kindergarten" is not a phase')
        self.refused(3, *base, "--roles", "sip", "--weekdays", "sat", says='"sat"')
        self.refused(3, *base, "--roles", "sip", "--training", "CEP training",
                     says="NAME@DATE")
        self.refused(3, *base, "--roles", "sip", "--unavailable", "soon", says='"soon"')
        self.refused(3, *base, "--roles", "sip", "--own-school", "12", says="6-digit")
        self.refused(2, *base, "--roles", "sip", "--easting", "600000", says="--northing")
        self.refused(2, "partner", "add", "NEW2", "--name", "X", "--roles", "sip",
                     says="--capacity-days N is required")
        self.refused(3, "partner", "add", "NEW2", "--name", "X", "--roles", "sip",
                     "--capacity-days", "400", says="--capacity-days")
        self.refused(5, "partner", "add", "P001", "--name", "X", "--roles", "sip",
                     "--capacity-days", "10", says="ALREADY_EXISTS")
        self.refused(3, "partner", "add", "bad id", "--name", "X", "--roles", "sip",
                     "--capacity-days", "10", says="bad id")
        self.assertEqual(len(self.partners()), 60, "nothing was added")
        self.refused(4, "partner", "show", "NOPE", says=["NOT_FOUND", "NOPE"])
        self.refused(4, "partner", "remove", "NOPE", says="NOT_FOUND")
        self.refused(4, "partner", "calendar", "NOPE", says="NOT_FOUND")

    def test_remove(self):
        leaving = self.served(SIP)[-1].partner_id
        before = self.partner(leaving).allocations
        self.assertTrue(before)
        out = lines(self.ok("partner", "remove", leaving).stdout)
        p = self.partner(leaving).partner
        self.assertFalse(p.active)
        self.assertEqual(out[0], f"Partner {leaving} ({p.name}) has left: "
                                 f"{len(before)} allocation(s) planned again")
        self.assertEqual(table(out[1:2])[0], ["Role", "URN/Cluster", "School", "Now", "Name",
                                              "Reason"])
        now = {(al.role, al.urn, al.cluster_id if not al.urn else ""): al
               for al in self.allocations()}
        rows = table(out[2:])
        self.assertEqual(len(rows), len(before))
        for row, old in zip(rows, before):
            al = now[(old.role, old.urn, old.cluster_id if not old.urn else "")]
            self.assertEqual(row[:2], [ROLE_NAMES[old.role],
                                       str(old.urn) if old.urn else old.cluster_id])
            self.assertEqual(row[3], al.partner_id or "-")
            self.assertNotEqual(al.partner_id, leaving)
        self.assertFalse(self.allocations(partner_id=leaving))
        listed = [row.split()[0] for row in lines(self.ok("partner", "list").stdout)[1:-1]]
        self.assertNotIn(leaving, listed)
        every = table(lines(self.ok("partner", "list", "--all").stdout)[1:-1])
        self.assertEqual(next(row for row in every if row[0] == leaving)[-1], "no")
        self.refused(5, "partner", "remove", leaving, says="has already left")
        self.assertFalse(self.json_of("partner", "show", leaving)["partner"]["active"])


class AllocationTest(SchedulerCliTestCase):
    def test_run(self):
        out = lines(self.ok("allocation", "run").stdout)
        self.assertEqual(table(out[:1])[0], ["Role", "Entitled", "Served", "Unserved", "Days",
                                             "Cost", "Objective", "CEP gap"])
        rep = self.json_of("allocation", "run")   # the same input: the same plan
        self.assertEqual(rep["changed"], 0)
        roles = {r["role"]: r for r in rep["roles"]}
        rows = table(out[1:5])
        self.assertEqual([row[0] for row in rows], ["intervention_adviser", "ecp", "sip", "cep"])
        for row in rows:
            r = roles["ROLE_" + row[0].upper()]
            self.assertEqual(row[1:7], [str(r["entitled"]), str(r["served"]),
                                        str(r["unserved"]), str(r["days"]),
                                        money(r["cost_pence"]), str(r["objective"])])
            self.assertEqual(row[7], f"{r['gap'] * 100:.2f}%" if row[0] == "cep" else "-")
        sip = roles["ROLE_SIP"]
        self.assertEqual(sip["cost_pence"], 150000 * sip["served"])
        self.assertEqual(roles["ROLE_CEP"]["entitled"], 46)
        self.assertRegex(out[5], r"^changed \d+ allocation\(s\); visits: \d+ newly scheduled, "
                                 r"\d+ not placed \(\d+ ms\)$")
        # the plan's unserved places are the store's (but the reasons are the plan's: the
        # store keeps an allocation as it was when its partner last changed)
        unserved = self.allocations(unserved_only=True)
        self.assertEqual(out[6], f"Unserved: {len(rep['unserved'])}")
        self.assertEqual(sorted((a["urn"], a["urn"] or a["cluster_id"], a["role"])
                                for a in rep["unserved"]),
                         sorted((al.urn, al.urn or al.cluster_id, S.Role.Name(al.role))
                                for al in unserved))
        if unserved:
            self.assertEqual(table(out[7:8])[0], ["URN/Cluster", "School", "Role", "Reason"])
            rows = table(out[8:])
            self.assertEqual(sorted((row[0], row[2], row[-1]) for row in rows),
                             sorted((str(a["urn"]) if a["urn"] else a["cluster_id"],
                                     a["role"][len("ROLE_"):].lower(), a["reason"])
                                    for a in rep["unserved"]))

        out = lines(self.ok("allocation", "run", "--dry-run").stdout)
        self.assertRegex(out[5], r"^dry run: 0 allocation\(s\) would change; nothing was "
                                 r"stored \(\d+ ms\)$")

    def test_show_and_list(self):
        ia = self.served(IA)[0]
        mine = self.sc.call("GetAllocation", S.GetAllocationRequest(urn=ia.urn),
                            S.AllocationsReply).allocations
        self.assertGreaterEqual(len(mine), 2)
        out = lines(self.ok("allocation", "show", str(ia.urn)).stdout)
        self.assertEqual(out[0], f"School {ia.urn}: {ia.school_name} "
                                 f"(cluster {ia.cluster_id}, category {ia.category})")
        self.assertEqual(table(out[1:2])[0], ["Role", "Partner", "Name", "Days", "Cost", "Km",
                                              "Pinned", "Reason"])
        rows = table(out[2:])
        self.assertEqual(len(rows), len(mine))
        for row, al in zip(rows, mine):
            role = ROLE_NAMES[al.role] + ("" if al.urn else f" (cluster {al.cluster_id})")
            self.assertEqual(row, [role, al.partner_id or "-", al.partner_name or "(not served)",
                                   str(al.days), money(al.cost_pence),
                                   f"{al.distance_km:.1f}" if al.partner_id else "-",
                                   "yes" if al.pinned else "no", al.reason])
        shown = self.json_of("allocation", "show", str(ia.urn))["allocations"]
        self.assertEqual([a["role"] for a in shown], [S.Role.Name(al.role) for al in mine])
        self.refused(4, "allocation", "show", "999999", says="NOT_FOUND")
        self.refused(3, "allocation", "show", "12345", says="6-digit")

        head = ["URN/Cluster", "School", "Cluster", "Role", "Partner", "Name", "Days", "Cost",
                "Km", "Pinned", "Reason"]
        every = self.allocations()
        out = lines(self.ok("allocation", "list").stdout)
        self.assertEqual(table(out[:1])[0], head)
        self.assertEqual(out[-1], f"{len(every)} allocation(s)")
        for filters, args in (({"role": SIP}, ["--role", "sip"]),
                              ({"partner_id": ia.partner_id}, ["--partner", ia.partner_id]),
                              ({"cluster_id": ia.cluster_id}, ["--cluster", ia.cluster_id]),
                              ({"unserved_only": True}, ["--unserved"]),
                              ({"role": CEP, "cluster_id": ia.cluster_id},
                               ["--role", "cep", "--cluster", ia.cluster_id])):
            with self.subTest(args=args):
                want = self.allocations(**filters)
                out = lines(self.ok("allocation", "list", *args).stdout)
                self.assertEqual(out[-1], f"{len(want)} allocation(s)")
                self.assertEqual([row[0] for row in table(out[1:-1])],
                                 [str(al.urn) if al.urn else al.cluster_id for al in want])
                listed = self.json_of("allocation", "list", *args)["allocations"]
                self.assertEqual([(a["urn"], a["partner_id"]) for a in listed],
                                 [(al.urn, al.partner_id) for al in want])
        sip = table(lines(self.ok("allocation", "list", "--role", "sip").stdout)[1:2])[0]
        self.assertEqual(sip[3], "sip")
        self.assertEqual(sip[7], "£1,500")
        self.refused(3, "allocation", "list", "--role", "wizard", says='"wizard"')

    def test_explain(self):
        al = self.served(SIP)[0]
        exp = self.sc.call("ExplainAllocation", S.ExplainRequest(urn=al.urn, role=SIP),
                           S.ExplainReply).explanations[0]
        out = lines(self.ok("allocation", "explain", str(al.urn), "--role", "sip").stdout)
        self.assertEqual(out[0], f"sip: {al.partner_name} ({al.partner_id}) — {exp.why}")
        self.assertEqual(out[1], "Other candidates:")
        fine = [c for c in exp.candidates if not c.excluded_by]
        excluded = [c for c in exp.candidates if c.excluded_by]
        self.assertTrue(fine and excluded, "the demo has both kinds for a primary SIP")
        want = [f"  {c.partner_id} {c.partner_name}: {c.distance_km:.1f} km, cost {c.cost} "
                + (f"(+{c.cost_delta} over the chosen)" if c.cost_delta >= 0
                   else f"({-c.cost_delta} under the chosen)") for c in fine[:15]]
        if len(fine) > 15:
            want.append(f"  ... and {len(fine) - 15} more that would cost more "
                        "(--json lists them all)")
        if len(excluded) <= 10:
            want += [f"  {c.partner_id} {c.partner_name}: excluded — {c.excluded_by}"
                     for c in excluded]
        else:
            rules = {}
            for c in excluded:
                rules[c.excluded_by] = rules.get(c.excluded_by, 0) + 1
            want += [f"  {n} excluded — {rule}" for rule, n in rules.items()]
        self.assertEqual(out[2:], want)
        self.assertTrue(any("no SIP accreditation" in c.excluded_by for c in excluded))

        # every role of the school, and its cluster's CEP
        every = self.sc.call("ExplainAllocation", S.ExplainRequest(urn=al.urn),
                             S.ExplainReply).explanations
        out = self.ok("allocation", "explain", str(al.urn)).stdout
        self.assertEqual(out.count("Other candidates:\n"), len(every))
        self.assertIn(f"\ncep (cluster {al.cluster_id}): ", "\n" + out)
        cep = self.ok("allocation", "explain", al.cluster_id).stdout
        self.assertTrue(cep.startswith(f"cep (cluster {al.cluster_id}): "), cep)
        rep = self.json_of("allocation", "explain", str(al.urn), "--role", "sip")
        self.assertEqual(rep["explanations"][0]["allocation"]["partner_id"], al.partner_id)
        self.assertEqual(len(rep["explanations"][0]["candidates"]), len(exp.candidates))
        self.refused(4, "allocation", "explain", "999999", says="NOT_FOUND")
        self.refused(3, "allocation", "explain", str(al.urn), "--role", "wizard",
                     says='"wizard"')

    def test_pin_and_unpin(self):
        target = self.served(SIP)[0]
        # a partner that breaks a hard rule: accredited for secondary only
        secondary = next(p for p in self.partners(role=SIP)
                         if 2 not in p.sip_accreditation)   # PHASE_PRIMARY
        self.refused(5, "allocation", "pin", str(target.urn), "--role", "sip", "--partner",
                     secondary.id, says=["FAILED_PRECONDITION", "hard rule", "accreditation"])
        self.refused(3, "allocation", "pin", str(target.urn), "--role", "wizard", "--partner",
                     "P001", says='--role "wizard" is not a role')
        self.refused(3, "allocation", "pin", str(target.urn), "--role", "cep", "--partner",
                     "P001", says="a CEP serves a cluster")
        self.refused(3, "allocation", "pin", target.cluster_id, "--role", "sip", "--partner",
                     "P001", says="give its URN")
        self.refused(4, "allocation", "pin", str(target.urn), "--role", "sip", "--partner",
                     "NOPE", says="NOT_FOUND")
        self.refused(2, "allocation", "pin", str(target.urn), "--role", "sip",
                     says="--partner ID is required")
        self.refused(5, "allocation", "unpin", str(target.urn), "--role", "sip",
                     says="not pinned")

        # every primary SIP is busy: a new one joins and the school is pinned to her
        self.ok("partner", "add", "NEW1", "--name", "New Partner", "--roles", "sip",
                "--capacity-days", "80", "--sip-accreditation", "primary,middle_deemed_primary",
                "--easting", "600000", "--northing", "300000")
        out = lines(self.ok("--key", key_path("officer.k"), "allocation", "pin", str(target.urn),
                            "--role", "sip", "--partner", "NEW1", "--reason",
                            "the head asked").stdout)
        self.assertEqual(out[0], f"pinned: sip of {target.urn} to partner NEW1")
        self.assertTrue(out[1].startswith(f"School {target.urn}: {target.school_name} "), out)
        row = next(r for r in table(out[3:]) if r[0] == "sip")
        self.assertEqual((row[1], row[2], row[6], row[7]),
                         ("NEW1", "New Partner", "yes", "pinned by officer.k: the head asked"))
        now = next(al for al in self.allocations(role=SIP) if al.urn == target.urn)
        self.assertEqual((now.partner_id, now.pinned), ("NEW1", True))
        self.ok("allocation", "run")
        now = next(al for al in self.allocations(role=SIP) if al.urn == target.urn)
        self.assertEqual((now.partner_id, now.pinned), ("NEW1", True), "a run keeps the pin")

        rep = self.json_of("allocation", "unpin", str(target.urn), "--role", "sip")
        sip = next(a for a in rep["allocations"] if a["role"] == "ROLE_SIP")
        self.assertFalse(sip["pinned"])
        self.assertFalse(next(al for al in self.allocations(role=SIP)
                              if al.urn == target.urn).pinned)

        # a CEP is pinned to its cluster
        cep = self.served(CEP)[0]
        other = next(p for p in self.partners(role=CEP)
                     if p.id != cep.partner_id and p.own_cluster_id != cep.cluster_id)
        r = self.run_cli("allocation", "pin", cep.cluster_id, "--role", "cep", "--partner",
                         other.id)
        if r.returncode == 0:
            self.assertEqual(lines(r.stdout)[:2], [
                f"pinned: cep of {cep.cluster_id} to partner {other.id}",
                f"Cluster {cep.cluster_id}"])
            now = next(al for al in self.allocations(role=CEP) if al.cluster_id == cep.cluster_id)
            self.assertEqual((now.partner_id, now.pinned), (other.id, True))
            self.ok("allocation", "unpin", cep.cluster_id, "--role", "cep")
        else:   # the partner's days are all taken: a hard rule too
            self.assertEqual(r.returncode, 5, r.stderr)
            self.assertIn("days left", r.stderr)


class CapacityTest(SchedulerCliTestCase):
    """`partner capacity`: each partner's days against the allocations in force, and for
    each place nobody serves, the partners the hard rules allow. In the demo every primary
    SIP with an accreditation is (nearly) full, so some primary schools go unserved."""

    def capacity(self, *args):
        return self.json_of("partner", "capacity", *args)

    def add_known_partners(self, own_cluster):
        """Two SIPs whose figures are known by hand: SPARE, 12 days, takes two of the
        unserved primary schools (5 days each) and keeps 2; OWN, 4 days, can take none, and
        never one in its own cluster, Downham Market (C926-11), which is given by name."""
        self.assertGreaterEqual(len(self.allocations(role=SIP, unserved_only=True)), 3,
                                "the demo leaves primary schools unserved")
        for args in (("SPARE", "--name", "Spare Partner", "--capacity-days", "12",
                      "--easting", "600000", "--northing", "310000"),
                     ("OWN", "--name", "Own Cluster", "--capacity-days", "4", "--own-cluster",
                      own_cluster, "--easting", "560000", "--northing", "305000")):
            self.ok("partner", "add", *args, "--roles", "sip", "--sip-accreditation",
                    "primary,middle_deemed_primary")
        self.assertEqual(self.partner("OWN").partner.own_cluster_id, "C926-11")

    def test_days_per_partner_and_role(self):
        self.add_known_partners("downham market")
        rep = self.capacity()
        loads = {p["partner_id"]: p for p in rep["partners"]}
        spare, own = loads["SPARE"], loads["OWN"]
        self.assertEqual((spare["capacity_days"], spare["days_allocated"], spare["days_free"]),
                         (12, 10, 2))
        self.assertEqual(spare["by_role"], [{"role": "ROLE_SIP", "days": 10, "places": 2}])
        self.assertEqual((own["capacity_days"], own["days_allocated"], own["days_free"]),
                         (4, 0, 4))
        self.assertEqual(own["by_role"], [])

        # every active partner against the allocations in force
        every = self.allocations()
        active = self.partners()
        self.assertEqual([p["partner_id"] for p in rep["partners"]], [p.id for p in active])
        for p in active:
            mine = [al for al in every if al.partner_id == p.id]
            days = sum(al.days for al in mine)
            load = loads[p.id]
            self.assertEqual((load["capacity_days"], load["days_allocated"], load["days_free"]),
                             (p.capacity_days, days, p.capacity_days - days), p.id)
            by_role = {}
            for al in mine:
                d, n = by_role.get(al.role, (0, 0))
                by_role[al.role] = (d + al.days, n + 1)
            self.assertEqual({S.Role.Value(r["role"]): (r["days"], r["places"])
                              for r in load["by_role"]}, by_role, p.id)

        # the table, and its totals
        out = lines(self.ok("partner", "capacity").stdout)
        self.assertEqual(table(out[:1])[0], ["ID", "Name", "Roles", "Capacity", "Allocated",
                                             "Free", "By role"])
        rows = {row[0]: row for row in table(out[1:1 + len(active)])}
        self.assertEqual(rows["SPARE"], ["SPARE", "Spare Partner", "sip", "12", "10", "2",
                                         "sip 10 (2 schools)"])
        self.assertEqual(rows["OWN"], ["OWN", "Own Cluster", "sip", "4", "0", "4", "-"])
        cap = sum(p.capacity_days for p in active)
        allocated = sum(al.days for al in every if al.partner_id)
        self.assertEqual(out[1 + len(active)], f"{len(active)} partner(s): {cap} days, "
                                               f"{allocated} allocated, {cap - allocated} free")

        # --role: only the partners taking it
        ceps = self.capacity("--role", "cep")
        self.assertEqual([p["partner_id"] for p in ceps["partners"]],
                         [p.id for p in self.partners(role=CEP)])
        self.assertEqual(ceps["unserved"], [], "every cluster has its CEP")
        self.assertEqual(lines(self.ok("partner", "capacity", "--role", "cep").stdout)[-1],
                         "Unserved: 0")
        self.refused(3, "partner", "capacity", "--role", "wizard", says='"wizard"')

    def test_who_could_take_an_unserved_school(self):
        before = self.allocations(role=SIP, unserved_only=True)
        self.add_known_partners("Downham Market Cluster")
        unserved = self.allocations(unserved_only=True)
        self.assertEqual(len(unserved), len(before) - 2, "SPARE took two")
        rep = self.capacity("--role", "sip")
        places = rep["unserved"]
        self.assertEqual([(u["allocation"]["urn"], u["allocation"]["role"]) for u in places],
                         [(al.urn, S.Role.Name(al.role)) for al in unserved])
        free = {p["partner_id"]: p["days_free"] for p in rep["partners"]}
        sips = {p.id: p for p in self.partners(role=SIP)}
        for u in places:
            with self.subTest(urn=u["allocation"]["urn"]):
                self.assertEqual(u["days_needed"], 5)
                cands = {c["partner_id"]: c for c in u["candidates"]}
                # SPARE has 2 of the 5 days; OWN 4, but not in its own cluster
                self.assertEqual((cands["SPARE"]["days_free"], cands["SPARE"]["days_short"]),
                                 (2, 3))
                if u["allocation"]["cluster_id"] == "C926-11":
                    self.assertNotIn("OWN", cands)
                else:
                    self.assertEqual((cands["OWN"]["days_free"], cands["OWN"]["days_short"]),
                                     (4, 1))
                for c in u["candidates"]:
                    f = c["days_free"]
                    self.assertEqual(f, free[c["partner_id"]])
                    self.assertEqual(c["days_short"], max(0, 5 - max(f, 0)))
                shorts = [c["days_short"] for c in u["candidates"]]
                self.assertEqual(shorts, sorted(shorts), "fewest days short first")
                # the hard rules are the solver's: a SIP without an accreditation for the
                # school's phase is never a candidate, and is counted as excluded
                for pid in cands:
                    self.assertTrue(set(sips[pid].sip_accreditation) & {2, 3}, pid)
                self.assertEqual(len(cands) + u["excluded"], len(sips))

        # as printed: the place, what it needs and why, then the candidates
        out = self.ok("partner", "capacity", "--role", "sip").stdout
        first, al = places[0], unserved[0]
        self.assertIn(f"\nUnserved: {len(unserved)}\n", out)
        block = out.split(f"\nsip for {al.urn} {al.school_name} (cluster {al.cluster_id}): "
                          f"needs 5 days — {al.reason}\n")[1].split("\n\n")[0]
        rows = lines(block)
        self.assertEqual(rows[0], f"  could take it with the days ({len(first['candidates'])}):")
        self.assertEqual(table(rows[1:2])[0], ["ID", "Name", "Free", "Short", "Km"])
        shown = table(rows[2:2 + min(15, len(first["candidates"]))])
        self.assertEqual([r[0] for r in shown], [c["partner_id"] for c in first["candidates"][:15]])
        c = first["candidates"][0]
        self.assertEqual(shown[0], [c["partner_id"], c["partner_name"],
                                    str(c["days_free"]), str(c["days_short"]),
                                    f"{c['distance_km']:.1f}"])
        if first["excluded"]:
            self.assertEqual(rows[-1], f"  {first['excluded']} other partner(s) taking the "
                                       "role: excluded by a hard rule")

    def test_clusters_by_name_in_allocations(self):
        # "Wymondham Cluster" is C926-06: its allocations, its CEP explained and pinned
        want = self.allocations(cluster_id="C926-06")
        listed = self.json_of("allocation", "list", "--cluster", "Wymondham")["allocations"]
        self.assertEqual([(a["urn"], a["role"]) for a in listed],
                         [(al.urn, S.Role.Name(al.role)) for al in want])
        out = self.ok("allocation", "explain", "wymondham", "--role", "cep").stdout
        self.assertTrue(out.startswith("cep (cluster C926-06): "), out)
        cep = next(al for al in want if al.role == CEP)
        out = lines(self.ok("allocation", "pin", "Wymondham Cluster", "--role", "cep",
                            "--partner", cep.partner_id).stdout)
        self.assertEqual(out[:2], [f"pinned: cep of C926-06 to partner {cep.partner_id}",
                                   "Cluster C926-06"])
        self.assertTrue(next(al for al in self.allocations(role=CEP)
                             if al.cluster_id == "C926-06").pinned)
        self.refused(3, "allocation", "explain", "Norwich", says="could be any of 2")
        self.refused(4, "allocation", "list", "--cluster", "Atlantis", says='"Atlantis"')


class VisitsAndBudgetTest(SchedulerCliTestCase):
    def test_visits_and_calendar(self):
        pid = self.served(SIP)[0].partner_id
        want = self.visits(partner_id=pid)
        self.assertTrue(want)
        out = lines(self.ok("visits", "list", "--partner", pid).stdout)
        self.assertEqual(table(out[:1])[0], ["Date", "URN", "School", "Partner", "Kind",
                                             "Half-term"])
        self.assertEqual(out[-1], f"{len(want)} visit(s)")
        rows = table(out[1:-1])
        self.assertEqual([(r[0], r[1], r[3], r[4], r[5]) for r in rows],
                         [(v.date, str(v.urn), v.partner_id, v.kind, str(v.half_term))
                          for v in want])
        self.assertEqual([r[0] for r in rows], sorted(r[0] for r in rows), "by date")
        urn = want[0].urn
        listed = self.json_of("visits", "list", "--school", str(urn))["visits"]
        self.assertEqual([v["id"] for v in listed], [v.id for v in self.visits(urn=urn)])
        self.assertTrue(all(v["urn"] == urn for v in listed))
        every = self.json_of("visits", "list")["visits"]
        self.assertEqual(len(every), len(self.visits()))
        self.refused(3, "visits", "list", "--school", "12", says="6-digit")

        # the calendar: the bytes exactly as the scheduler made them (CRLF lines), so
        # `n2gg partner calendar P001 > visits.ics` works
        path = os.path.join(self.tmp, "visits.ics")
        with open(path, "wb") as f:
            r = subprocess.run([CLI, "--scheduler", self.sch.api, "partner", "calendar", pid],
                               stdout=f, stderr=subprocess.PIPE, env=ENV, timeout=60 * SLOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(path, "rb") as f:
            ics = f.read()
        self.assertTrue(ics.startswith(b"BEGIN:VCALENDAR\r\n"), ics[:40])
        self.assertTrue(ics.endswith(b"END:VCALENDAR\r\n"), ics[-40:])
        self.assertEqual(ics.count(b"BEGIN:VEVENT"), len(want))
        theirs = self.sc.call("PartnerCalendar", S.PartnerCalendarRequest(partner_id=pid),
                              S.PartnerCalendarReply).ics

        def stable(b):   # DTSTAMP is the time of the export
            return re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"DTSTAMP:-", b)
        self.assertEqual(stable(ics), stable(theirs))
        rep = self.json_of("partner", "calendar", pid)
        self.assertIn("ics", rep)
        if len(theirs) <= 65536:   # pbjson writes bytes as base64 up to 64 KiB
            import base64
            self.assertEqual(stable(base64.b64decode(rep["ics"])), stable(theirs))

    def test_budget(self):
        lines_ = self.sc.call("Budget", S.BudgetRequest(), S.BudgetReply).lines
        totals = [l for l in lines_ if not l.cluster_id]
        clusters = [l for l in lines_ if l.cluster_id]
        out = lines(self.ok("budget").stdout)
        self.assertEqual(table(out[:1])[0], ["Role", "Schools", "Days", "Cost", "Budget",
                                             "Remaining"])
        rows = table(out[1:1 + len(totals)])
        self.assertEqual([row[0] for row in rows], ["intervention_adviser", "ecp", "sip", "cep"])
        for row, l in zip(rows, totals):
            self.assertEqual(row, [ROLE_NAMES[l.role], str(l.schools), str(l.days),
                                   money(l.cost_pence),
                                   money(l.budget_pence) if l.budget_pence else "-",
                                   money(l.budget_pence - l.cost_pence) if l.budget_pence
                                   else "-"])
        sip = next(row for row in rows if row[0] == "sip")
        self.assertEqual(sip[4], "£559,500")
        rest = out[1 + len(totals):]
        self.assertEqual(rest[0], "By cluster")
        self.assertEqual(table(rest[1:2])[0], ["Role", "Cluster", "Schools", "Days", "Cost"])
        crows = table(rest[2:])
        self.assertEqual(len(crows), len(clusters))
        order = [row[0] for row in rows]
        self.assertEqual(crows, sorted(crows, key=lambda r: (order.index(r[0]), r[1])))
        total = next(l for l in totals if l.role == SIP)
        self.assertEqual(sum(int(r[3]) for r in crows if r[0] == "sip"), total.days)
        self.assertEqual(sum(int(r[2]) for r in crows if r[0] == "sip"), total.schools)
        rep = self.json_of("budget")
        self.assertEqual(len(rep["lines"]), len(lines_))
        self.assertEqual(next(l for l in rep["lines"] if l["role"] == "ROLE_SIP"
                              and not l["cluster_id"])["budget_pence"], 55950000)


class SchedulerEventsTest(SchedulerCliTestCase):
    def test_tail_the_scheduler(self):
        events = self.sc.all_events()
        changed = [e for e in events if e.topic == "allocation.changed"]
        visits = [e for e in events if e.topic.startswith("visit.")]
        self.assertTrue(changed and visits)
        out = lines(self.ok("events", "tail", "--source", "scheduler", "--from", "1",
                            "--no-follow").stdout)
        self.assertEqual(len(out), len(events))
        alloc = re.compile(rf'^seq=(\d+) time=\S+Z topic=allocation\.changed actor=\S+ '
                           rf'(?:urn=(\d{{6}}) name={QUOTED}|cluster=(\S+)) role=(\w+) '
                           rf'change="(\S+) -> (\S+)" days=(\d+) cause={QUOTED}$')
        visit = re.compile(rf'^seq=(\d+) time=\S+Z topic=visit\.(scheduled|cancelled) '
                           rf'actor=\S+ urn=(\d{{6}}) name={QUOTED} partner=(\S+) '
                           rf'date=(\d{{4}}-\d\d-\d\d) kind=(\w+) half_term=(\d) '
                           rf'cause={QUOTED}$')
        partner = re.compile(rf'^seq=(\d+) time=\S+Z topic=partner\.changed actor=\S+ '
                             rf'partner=(\S+) name={QUOTED} capacity_days=(\d+) active=(yes|no)$')
        for line, e in zip(out, events):
            if e.topic == "partner.changed":
                m = partner.match(line)
                self.assertTrue(m, line)
                p = S.PartnerChanged.FromString(e.payload).partner
                self.assertEqual((int(m.group(1)), m.group(2), int(m.group(3))),
                                 (e.seq, p.id, p.capacity_days))
            elif e.topic == "allocation.changed":
                m = alloc.match(line)
                self.assertTrue(m, line)
                body = S.AllocationChanged.FromString(e.payload)
                al = body.allocation
                self.assertEqual((int(m.group(1)), m.group(2) or "", m.group(3) or "",
                                  m.group(4), m.group(5), m.group(6), int(m.group(7))),
                                 (e.seq, str(al.urn) if al.urn else "",
                                  "" if al.urn else al.cluster_id, ROLE_NAMES[al.role],
                                  body.previous_partner_id or "-", al.partner_id or "-",
                                  al.days))
            else:
                m = visit.match(line)
                self.assertTrue(m, line)
                v = S.VisitEvent.FromString(e.payload).visit
                self.assertEqual((int(m.group(1)), m.group(2), int(m.group(3)), m.group(4),
                                  m.group(5), m.group(6), int(m.group(7))),
                                 (e.seq, e.topic.split(".")[1], v.urn, v.partner_id, v.date,
                                  v.kind, v.half_term))

        # a change made now is tailed as it happens; --json decodes the payload
        leaving = self.served(SIP)[0]
        head = events[-1].seq
        self.ok("partner", "remove", leaving.partner_id)
        tail = [json.loads(x) for x in lines(self.ok(
            "events", "tail", "--source", "scheduler", "--from", str(head + 1), "--no-follow",
            "--topic", "allocation.changed", "--json").stdout)]
        mine = [e for e in tail if e["payload"]["allocation"]["urn"] == leaving.urn
                and e["payload"]["allocation"]["role"] == "ROLE_SIP"]
        self.assertEqual(len(mine), 1, tail)
        self.assertEqual(mine[0]["payload"]["previous_partner_id"], leaving.partner_id)
        self.assertEqual(mine[0]["payload"]["cause"], f"partner {leaving.partner_id} left")
        self.assertEqual(mine[0]["actor"], "cli.tests")
        out = lines(self.ok("events", "tail", "--source", "scheduler", "--from", str(head + 1),
                            "--count", "1", "--topic", "allocation.changed").stdout)
        self.assertEqual(len(out), 1)
        self.assertIn(f'cause="partner {leaving.partner_id} left"', out[0])


class ErrorTest(SchedulerCliTestCase):
    def test_error_exits(self):
        nowhere = f"tcp://127.0.0.1:{free_port()}"
        r = self.refused(6, "--timeout-ms", "300", "--retries", "0", "budget", sch=nowhere,
                         says=f"is n2gg-scheduler running at {nowhere}?")
        self.assertIn("--scheduler / N2GG_SCHEDULER_API", r.stderr)
        start = time.time()
        self.refused(6, "--timeout-ms", "300", "--retries", "0", "allocation", "run",
                     sch=nowhere, says="UNAVAILABLE")
        self.assertLess(time.time() - start, 5 * SLOW, "a scheduler that is down is told at once")
        self.refused(2, "partner", "show", says="missing ID")
        self.refused(2, "allocation", "pin", "120040", "--partner", "P001",
                     says="--role R is required")
        self.refused(2, "partner", "nope", says='unknown command "partner nope"')
        help_ = self.ok("--help").stdout
        self.assertIn("--scheduler ENDPOINT", help_)
        self.assertIn("--scheduler-events ENDPOINT", help_)
        self.assertIn("allocation explain URN|CLUSTER", help_)
        usage = self.ok("partner", "add", "--help").stdout
        self.assertIn("--training NAME@DATE,...", usage)
        # env variables point the CLI at the scheduler when no option does
        env = dict(ENV, N2GG_SCHEDULER_API=self.sch.api)
        r = subprocess.run([CLI, "partner", "list", "--role", "sip"], capture_output=True,
                           text=True, env=env, timeout=60 * SLOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(lines(r.stdout)[-1], f"{len(self.partners(role=SIP))} partner(s)")


if __name__ == "__main__":
    import unittest
    unittest.main()
