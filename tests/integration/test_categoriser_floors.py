"""The categoriser on the council's real files, end to end: a GIAS extract with its Ofsted
columns and the DfE's key stage 2 and key stage 4 tables of 2017-2019 (written here in the
DfE's layout, with markers and the LA's and England's rows) are imported into the real
registry, and two real categorisers follow it as of 2019-11-15, one on the built-in
norfolk-2013 policy and one on the built-in la-2019 policy (--policy builtin:la-2019).
Each school is built to meet one rule; the test checks the rule that placed it and the
conditions that decided, under both policies: floors on the 2016+ measures (primary on key
stage 2, secondary on Progress 8), coasting over three years, a suppressed value being
unknown rather than 0, comparison with the LA's average, `n2gg category explain` showing
the rule's structure, and the comparators rebuilt by --resync and by the store's
migration from format 1."""
import csv
import io
import os
import subprocess

import lmdb

from harness import (SLOW, SOURCE_DIR, ServiceTestCase, common_pb2, import_file, wait_for,
                     registry_pb2)
from n2gg.v1 import categoriser_pb2 as cat_pb2
from test_categoriser_cli import ENV
from test_cli import CLI, lines
from test_gias_ofsted import extract_bytes, school_row

R = registry_pb2
AS_OF = "2019-11-15"   # the 2019 results are the latest published
YEARS = (2017, 2018, 2019)
DEMO = os.path.join(SOURCE_DIR, "data", "demo")
NOT_IN_SM = "Not in special measures"


def dfe_header(stage):
    """The header of the DfE's table as published (the demo's files are in its layout)."""
    with open(os.path.join(DEMO, f"{stage}final-2019.csv"), newline="") as f:
        return next(csv.reader(f))


def secondary(urn, number, name, rating="", inspected=""):
    row = school_row(urn, number, name, rating, inspected, NOT_IN_SM if rating else "")
    row.update({"PhaseOfEducation (code)": "4", "PhaseOfEducation (name)": "Secondary",
                "StatutoryLowAge": "11", "StatutoryHighAge": "16"})
    return row


# (the school, its key stage 2 results by year: PTRWM_EXP, READPROG, WRITPROG, MATPROG)
PRIMARY = {
    # below the 2016+ floor in 2017 (reading) and 2018 (maths): two of three years
    140001: (school_row(140001, 2201, "Ash Primary School", "Good", "01-03-2018", NOT_IN_SM),
             {2017: ("60%", "-6.0", "0.0", "0.0"), 2018: ("55%", "0.0", "0.0", "-5.5"),
              2019: ("70%", "0.5", "0.5", "0.5")}),
    # at 65%: never below the floor, but below the coasting standard three years running
    140002: (school_row(140002, 2202, "Birch Primary School", "Good", "01-03-2018", NOT_IN_SM),
             {y: ("65%", "-6.0", "0.0", "0.0") for y in YEARS}),
    # 2017's share suppressed: unknown, not 0%, so 2017 is not a year below the floor
    140003: (school_row(140003, 2203, "Cherry Primary School", "Good", "01-03-2018", NOT_IN_SM),
             {2017: ("SUPP", "0.0", "0.0", "-6.0"), 2018: ("50%", "0.0", "0.0", "-6.0"),
              2019: ("70%", "0.0", "0.0", "0.0")}),
    # progress fine, but 2019's share 17 points below the LA's
    140004: (school_row(140004, 2204, "Damson Primary School", "Good", "01-03-2018", NOT_IN_SM),
             {2017: ("70%", "0.0", "0.0", "0.0"), 2018: ("70%", "0.0", "0.0", "0.0"),
              2019: ("48%", "0.0", "0.0", "0.0")}),
    140005: (school_row(140005, 2205, "Elm Primary School", "Outstanding", "01-03-2018",
                        NOT_IN_SM),
             {y: ("80%", "2.0", "2.0", "2.0") for y in YEARS}),
    140006: (school_row(140006, 2206, "Fig Primary School"),   # not yet inspected
             {y: ("80%", "2.0", "2.0", "2.0") for y in YEARS}),
    140007: (school_row(140007, 2207, "Gorse Primary School", "Special Measures", "10-01-2019",
                        "In special measures"),
             {y: ("80%", "2.0", "2.0", "2.0") for y in YEARS}),
}
# (the school, its key stage 4 results by year: P8MEA, ATT8SCR, PTL2BASICS_95)
SECONDARY = {
    # Progress 8 below -0.5 in 2017 and 2018
    140011: (secondary(140011, 4201, "Hawthorn High School", "Good", "01-03-2018"),
             {2017: ("-0.6", "40.0", "40%"), 2018: ("-0.7", "40.0", "40%"),
              2019: ("0.1", "40.0", "40%")}),
    # Progress 8 at -0.3: above the floor, below the coasting standard three years running
    140012: (secondary(140012, 4202, "Juniper High School", "Good", "01-03-2018"),
             {y: ("-0.30", "46.0", "45%") for y in YEARS}),
    # judged good in 2013 (over five years ago) with Progress 8 below 0 in 2019
    140013: (secondary(140013, 4203, "Larch High School", "Good", "10-06-2013"),
             {2017: ("0.2", "47.0", "45%"), 2018: ("0.2", "47.0", "45%"),
              2019: ("-0.1", "47.0", "45%")}),
}
# the LA's (RECTYPE 4) and England's state-funded (7) averages, England's all schools (5)
KS2_AREAS = [("4", "926", "Norfolk", ("65%", "-0.1", "0.5", "-0.2")),
             ("5", "", "England", ("64%", "NA", "NA", "NA")),
             ("7", "", "England", ("65%", "0.0", "0.0", "0.0"))]
KS4_AREAS = [("4", "926", "Norfolk", ("-0.10", "44.0", "42%")),
             ("5", "", "England", ("NA", "44.7", "40%")),
             ("7", "", "England", ("-0.03", "46.7", "43%"))]
KS2_MEASURES = ("PTRWM_EXP", "READPROG", "WRITPROG", "MATPROG")
KS4_MEASURES = ("P8MEA", "ATT8SCR", "PTL2BASICS_95")

# what each policy decides: (category, rule)
LA_2019 = {
    140001: ("A", "achievement-below-floor"),
    140002: ("C", "requires-improvement"),
    140003: ("C", "requires-improvement"),
    140004: ("C", "requires-improvement"),
    140005: ("F", "good-or-better"),
    140006: ("C", "no-evidence-yet"),
    140007: ("A", "ofsted-inadequate"),
    140011: ("A", "achievement-below-floor"),
    140012: ("C", "requires-improvement"),
    140013: ("C", "requires-improvement"),
}
# Norfolk 2013 judges floors on its own two measures (N2GG's format: the share at the
# expected standard and one progress measure against the median), which the DfE's 2016+
# tables do not have: below_floor and year.progress stay unknown, and Ofsted decides.
NORFOLK_2013 = {urn: ("F", "good-or-better") for urn in LA_2019}
NORFOLK_2013.update({140006: ("C", "no-evidence-yet"), 140007: ("A", "ofsted-inadequate")})


def dfe_table(stage, year):
    """One year's table in the DfE's layout: every column it publishes, those we do not
    fill left empty; schools (RECTYPE 1), then the areas' rows."""
    header = dfe_header(stage)
    schools, areas, measures = ((PRIMARY, KS2_AREAS, KS2_MEASURES) if stage == "ks2"
                                else (SECONDARY, KS4_AREAS, KS4_MEASURES))
    out = io.StringIO()
    w = csv.DictWriter(out, header, lineterminator="\r\n")
    w.writeheader()
    for urn, (gias, results) in schools.items():
        row = dict.fromkeys(header, "")
        row.update({"RECTYPE": "1", "LEA": "926", "ESTAB": gias["EstablishmentNumber"],
                    "URN": str(urn), "SCHNAME": gias["EstablishmentName"]})
        row.update(zip(measures, results[year]))
        w.writerow(row)
    for rectype, lea, name, values in areas:
        row = dict.fromkeys(header, "")
        row.update({"RECTYPE": rectype, "LEA": lea, "SCHNAME": name})
        row.update(zip(measures, values))
        w.writerow(row)
    return out.getvalue().encode()


class FloorsTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.reg = self.start("registry")
        self.r = self.client(self.reg)
        extract = os.path.join(self.tmp, "edubasealldata20191115.csv")
        with open(extract, "wb") as f:
            f.write(extract_bytes([gias for gias, _ in PRIMARY.values()] +
                                  [gias for gias, _ in SECONDARY.values()]))
        reply = import_file(self.r, "ImportGias", extract, la_code=926)
        self.assertEqual((reply.created, reply.rejected), (10, 0), reply)
        for stage in ("ks2", "ks4"):
            for year in YEARS:
                path = os.path.join(self.tmp, f"{stage}final-{year}.csv")
                with open(path, "wb") as f:
                    f.write(dfe_table(stage, year))
                reply = import_file(self.r, "ImportAchievement", path, year=year, la_code=926)
                self.assertEqual((reply.format, reply.rejected, reply.comparators),
                                 (stage, 0, 2), reply)
        self.la2019 = self.categoriser("la-2019")
        self.norfolk = self.categoriser("norfolk-2013")

    def categoriser(self, policy, data_dir=None, *args):
        cat = self.start("categoriser", data_dir=data_dir or os.path.join(self.tmp, policy),
                         extra_args=["--registry", self.reg.api, "--registry-events",
                                     self.reg.events, "--as-of", AS_OF,
                                     "--policy", f"builtin:{policy}", *args])
        self.wait_caught_up(cat, self.reg)
        return cat

    def decisions(self, cat):
        reply = self.client(cat).call("ListCategories", cat_pb2.ListCategoriesRequest(),
                                      cat_pb2.ListCategoriesReply)
        return {d.urn: d for d in reply.decisions}

    def reasons(self, decision):
        """The deciding rule's conditions (not its groups), by fact."""
        return {r.fact: r for r in decision.reasons if not r.group}

    def test_each_school_is_placed_by_its_rule_under_both_policies(self):
        for cat, policy, expected in ((self.la2019, "la-2019", LA_2019),
                                      (self.norfolk, "norfolk-2013", NORFOLK_2013)):
            got = self.decisions(cat)
            self.assertEqual({urn: (d.category, d.rule_id) for urn, d in got.items()}, expected,
                             policy)
            self.assertTrue(all(d.policy_name == policy for d in got.values()))
            self.assertEqual(cat.metric("n2gg_categoriser_unmatched_total"), 0)

    def test_the_conditions_that_decided(self):
        d = self.decisions(self.la2019)
        # Ash: the 2016+ key stage 2 floor in 2018 and 2017
        floor = self.reasons(d[140001])["year.below_floor"]
        self.assertTrue(floor.holds)
        self.assertEqual(floor.value, "2 of the last 3 years (2018, 2017)")
        # Birch: coasting (three years below 85% with reading below -2.5), never below floor
        birch = self.reasons(d[140002])
        self.assertEqual(birch["year.below_floor"].value, "0 of the last 3 years")
        self.assertFalse(birch["year.below_floor"].holds)
        self.assertTrue(birch["year.coasting"].holds)
        self.assertEqual(birch["year.coasting"].value, "1 of the last 1 years (2019)")
        # Cherry: 2017's suppressed share is not 0%: one year below the floor, not two
        cherry = self.reasons(d[140003])
        self.assertEqual(cherry["year.below_floor"].value,
                         "1 of the last 3 years (2018); not known: 2017 suppressed (SUPP)")
        self.assertTrue(cherry["year.below_floor"].holds)
        # Damson: 48% against Norfolk's 65% in 2019
        damson = self.reasons(d[140004])["latest.ks2_expected_standard_pct_vs_la"]
        self.assertEqual(damson.value, "-17 points (2019)")
        self.assertTrue(damson.holds)
        self.assertFalse(self.reasons(d[140004])["year.below_floor"].holds)
        # Hawthorn: Progress 8 below -0.5 in 2018 and 2017 (a secondary, on key stage 4)
        self.assertEqual(self.reasons(d[140011])["year.below_floor"].value,
                         "2 of the last 3 years (2018, 2017)")
        # Juniper: Progress 8 of -0.3 is above the floor, below the coasting standard
        juniper = self.reasons(d[140012])
        self.assertFalse(juniper["year.below_floor"].holds)
        self.assertTrue(juniper["year.coasting"].holds)
        # Larch: an old judgement with Progress 8 below 0 in 2019
        larch = self.reasons(d[140013])
        self.assertTrue(larch["ofsted.age_months"].holds)
        self.assertEqual(larch["ofsted.age_months"].value, "77")
        self.assertTrue(larch["year.ks4_progress8"].holds)
        self.assertEqual(larch["year.ks4_progress8"].value, "1 of the last 3 years (2019)")

    def test_explain_shows_the_rules_structure(self):
        cmd = [CLI, "--registry", self.reg.api, "--registry-events", self.reg.events,
               "--categoriser", self.la2019.api, "--categoriser-events", self.la2019.events,
               "category", "explain", "140013"]
        r = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=30 * SLOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = lines(r.stdout)
        because = out.index("Because:")
        tree = out[because + 1:out.index("What the LA does:")]
        # requires-improvement: any of (...), its last member all of (age, any of (counts))
        self.assertEqual(tree[0], "  - any of these (held):")
        members = [line for line in tree if line.startswith("      - ")]
        self.assertEqual(len(members), 7, tree)
        self.assertTrue(members[0].startswith(
            "      - latest Ofsted overall effectiveness: 2 (Good); the rule asks: "), tree)
        self.assertTrue(members[0].endswith("(not met)"), tree)
        self.assertEqual(members[-1], "      - all of these (held):")
        last = tree[tree.index(members[-1]) + 1:]
        self.assertEqual(last[0], "          - months since the latest Ofsted inspection: 77; "
                                  "the rule asks: is above 60 (met)")
        self.assertEqual(last[1], "          - any of these (held):")
        self.assertEqual(len(last), 5, last)
        self.assertTrue(all(line.startswith("              - ") for line in last[2:]), last)
        self.assertIn("1 of the last 3 years (2019)", last[3])
        self.assertTrue(last[3].endswith("(met)"), last)
        # every condition in full, however long (a count over a compound condition)
        self.assertTrue(all(line.endswith(("(met)", "(not met)", "held):")) for line in tree),
                        tree)
        self.assertIn("maths progress score against the England average is below +0)) "
                      "(not met)", "\n".join(tree))
        # the comparison with the LA's average, met or not, shows its value and year
        la = next(line for line in tree if "against the LA average" in line and
                  "Progress 8" in line)
        self.assertIn(": +0 (2019); the rule asks: is below -0.5 (not met)", la)

    def comparators_in_store(self, cat):
        env = lmdb.open(os.path.join(cat.data_dir, "store"), max_dbs=32, readonly=True,
                        lock=False)
        try:
            with env.begin() as txn:
                db = env.open_db(b"comparators", txn=txn, create=False)
                return txn.stat(db)["entries"]
        finally:
            env.close()

    def category_changes(self, cat):
        return [e for e in self.client(cat).all_events() if e.topic == "category.changed"]

    def test_resync_rebuilds_the_averages(self):
        # England's and Norfolk's rows of both key stages and three years
        self.assertEqual(self.comparators_in_store(self.la2019), 12)
        before = self.decisions(self.la2019)
        self.assertEqual(self.la2019.stop(), 0)
        cat = self.categoriser("la-2019", self.la2019.data_dir, "--resync", "registry")
        self.assertEqual(cat.metric("n2gg_categoriser_comparators_recorded_total"), 12)
        after = self.decisions(cat)
        self.assertEqual({u: (d.category, d.rule_id) for u, d in after.items()},
                         {u: (d.category, d.rule_id) for u, d in before.items()})
        cat.stop()
        self.assertEqual(self.comparators_in_store(cat), 12)

    def test_a_store_of_format_1_gets_the_averages_it_missed(self):
        """A categoriser of the previous release skipped registry.comparator.recorded and
        had no comparators database: the migration to format 2 reads the registry's log
        again for the averages alone, changing no decision that already stood."""
        cat = self.la2019
        changes = len(self.category_changes(cat))
        self.assertEqual(cat.stop(), 0)
        env = lmdb.open(os.path.join(cat.data_dir, "store"), max_dbs=32)
        with env.begin(write=True) as txn:
            txn.drop(env.open_db(b"comparators", txn=txn), delete=True)
            txn.put(b"own", (1).to_bytes(4, "big"), db=env.open_db(b"store_format", txn=txn))
        env.close()
        cat = self.categoriser("la-2019", cat.data_dir)
        self.assertIn("store migrated", cat.log())
        wait_for(lambda: cat.metric("n2gg_categoriser_comparators_recorded_total") == 12,
                 what="the averages read again")
        self.assertIn("the areas' averages read again", cat.log())
        self.assertEqual(len(self.category_changes(cat)), changes)
        # and a new reading of every school (a reload) still compares with Norfolk's average
        self.client(cat).call("ReloadPolicy", cat_pb2.ReloadPolicyRequest(),
                              cat_pb2.PolicyReply)
        self.assertEqual(self.decisions(cat)[140004].rule_id, "requires-improvement")
        self.assertEqual(len(self.category_changes(cat)), changes)
