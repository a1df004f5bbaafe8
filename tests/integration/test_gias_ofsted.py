"""The GIAS extract's Ofsted judgements, end to end: an extract written in GIAS's own layout
(the 140-column header scripts/gen-gias writes, Windows-1252, CRLF, dates DD-MM-YYYY) is
imported into the real registry; each school's latest judgement is recorded as its latest
inspection (source "gias"), bad Ofsted values are refused by line and leave nothing of
their row, re-importing publishes nothing, the Ofsted outcomes file's newer inspection wins
over the extract's and an older one does not replace it, and a categoriser following the
registry places the inspected schools by their judgement instead of "no-evidence-yet"."""
import importlib.machinery
import importlib.util
import os
import subprocess
import unittest

from harness import (BUILD_DIR, NOT_FOUND, SLOW, SOURCE_DIR, ServiceError, ServiceTestCase,
                     import_file, registry_event, registry_pb2)
from n2gg.v1 import categoriser_pb2

R = registry_pb2
AS_OF = "2013-11-15"   # the categoriser's day: the judgements below are all before it
CLI = os.path.join(BUILD_DIR, "services", "cli", "n2gg")


def gias_header():
    """The header scripts/gen-gias writes: DfE's 140 columns in DfE's order."""
    loader = importlib.machinery.SourceFileLoader(
        "gen_gias", os.path.join(SOURCE_DIR, "scripts", "gen-gias"))
    spec = importlib.util.spec_from_loader("gen_gias", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    assert len(module.GIAS_HEADER) == 140
    return module.GIAS_HEADER


HEADER = gias_header()


def school_row(urn, number, name, rating="", inspected="", special_measures="", pupils="210",
               gender="Mixed", admissions="Not applicable"):
    """A GIAS row of an open community primary school in Norfolk, every other column empty
    as GIAS leaves what it does not know."""
    row = dict.fromkeys(HEADER, "")
    row.update({
        "URN": str(urn), "LA (code)": "926", "LA (name)": "Norfolk",
        "EstablishmentNumber": str(number), "EstablishmentName": name,
        "TypeOfEstablishment (code)": "1", "TypeOfEstablishment (name)": "Community school",
        "EstablishmentTypeGroup (code)": "4",
        "EstablishmentTypeGroup (name)": "Local authority maintained schools",
        "EstablishmentStatus (code)": "1", "EstablishmentStatus (name)": "Open",
        "PhaseOfEducation (code)": "2", "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": "4", "StatutoryHighAge": "11",
        "Gender (code)": {"Mixed": "3", "Girls": "2", "Boys": "1"}[gender],
        "Gender (name)": gender,
        "AdmissionsPolicy (name)": admissions, "NumberOfPupils": pupils,
        "Town": "Norwich", "Postcode": "NR1 1AA",
        "OfstedLastInsp": inspected,
        "OfstedSpecialMeasures (code)": {"": "", "In special measures": "1"}.get(
            special_measures, "0"),
        "OfstedSpecialMeasures (name)": special_measures,
        "OfstedRating (name)": rating,
    })
    assert list(row) == HEADER
    return row


def extract_bytes(rows):
    """The rows as GIAS writes them: Windows-1252, CRLF, quoted only where needed."""
    def cell(value):
        return f'"{value}"' if "," in value or '"' in value else value
    lines = [",".join(HEADER)] + [",".join(cell(r[c]) for c in HEADER) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


NOT_IN_SM = "Not in special measures"
SCHOOLS = [   # line 2 onwards
    school_row(130001, 2101, "Alder Primary School", "Good", "14-05-2013", NOT_IN_SM),
    school_row(130002, 2102, "Beech Primary School", "Requires improvement", "20-11-2012",
               NOT_IN_SM, gender="Girls", pupils="187"),
    school_row(130003, 2103, "Cedar Primary School", "Special Measures", "10-01-2013",
               "In special measures"),
    school_row(130004, 2104, "Damson Primary School"),   # not yet inspected
    school_row(130005, 2105, "Élan Primary School", "Serious Weaknesses", "04-03-2013",
               NOT_IN_SM),
    school_row(130006, 2106, "Fir Primary School", "Very Good", "12-06-2013", NOT_IN_SM),
    school_row(130007, 2107, "Gean Primary School", "Good", "01-01-2099", NOT_IN_SM),
    school_row(130008, 2108, "Hazel Primary School", "Outstanding", "", NOT_IN_SM),
    school_row(130009, 2109, "Ivy Primary School", "Satisfactory", "05-05-2011", NOT_IN_SM),
]
# what each imported school's latest judgement must be: (date, grade, category of concern)
JUDGED = {
    130001: ("2013-05-14", 2, R.CONCERN_NONE),
    130002: ("2012-11-20", 3, R.CONCERN_NONE),
    130003: ("2013-01-10", 4, R.CONCERN_SPECIAL_MEASURES),
    130005: ("2013-03-04", 4, R.CONCERN_SERIOUS_WEAKNESSES),
    130009: ("2011-05-05", 3, R.CONCERN_NONE),
}
REJECTED = {   # line: (URN, what the reason must name)
    7: (130006, 'OfstedRating (name) "Very Good"'),
    8: (130007, 'OfstedLastInsp "01-01-2099" is in the future'),
    9: (130008, 'OfstedRating (name) "Outstanding" has no OfstedLastInsp'),
}


class GiasOfstedTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.reg = self.start("registry")
        self.c = self.client(self.reg)
        self.extract = os.path.join(self.tmp, "edubasealldata20131115.csv")
        self.write(self.extract, SCHOOLS)

    def write(self, path, rows):
        with open(path, "wb") as f:
            f.write(extract_bytes(rows))

    def school(self, urn):
        return self.c.call("GetSchool", R.GetSchoolRequest(urn=urn), R.GetSchoolReply).school

    def head(self):
        return self.c.read_events().head_seq

    def import_gias(self, path=None):
        return import_file(self.c, "ImportGias", path or self.extract, la_code=926)

    def import_ofsted(self, text):
        path = os.path.join(self.tmp, "ofsted.csv")
        with open(path, "w") as f:
            f.write("URN,Inspection start date,Overall effectiveness,Category of concern\n" + text)
        return import_file(self.c, "ImportInspections", path)

    def test_judgements_recorded_bad_rows_refused_reimport_silent(self):
        rep = self.import_gias()
        self.assertEqual((rep.created, rep.updated, rep.rejected), (6, 0, 3),
                         [(r.line, r.reason) for r in rep.rejections])
        self.assertEqual(rep.format, "gias")
        by_line = {r.line: r.reason for r in rep.rejections}
        self.assertEqual(set(by_line), set(REJECTED))
        for line, (urn, why) in REJECTED.items():
            self.assertIn(why, by_line[line])
            # nothing half-written: the school of a refused row is not registered at all
            with self.assertRaises(ServiceError) as e:
                self.school(urn)
            self.assertEqual(e.exception.code, NOT_FOUND)

        for urn, (date, grade, concern) in JUDGED.items():
            s = self.school(urn)
            self.assertEqual(len(s.inspections), 1, urn)
            got = s.inspections[-1]
            self.assertEqual((got.start_date, got.overall_effectiveness, got.category_of_concern,
                              got.source), (date, grade, concern, "gias"), urn)
            self.assertTrue(got.recorded_by and got.recorded_unix_ms)
        self.assertEqual(len(self.school(130004).inspections), 0)
        beech = self.school(130002)
        self.assertEqual((beech.gender, beech.admissions_policy, beech.number_of_pupils),
                         ("Girls", "Not applicable", 187))
        self.assertEqual(self.school(130005).name, "Élan Primary School")

        # one event a school, each snapshot holding the school's judgement
        events = self.c.all_events()
        self.assertEqual([e.topic for e in events], ["registry.school.registered"] * 6)
        for e in events:
            s = registry_event(e).school.school
            self.assertEqual(len(s.inspections), 1 if s.urn in JUDGED else 0, s.urn)

        head = self.head()
        again = self.import_gias()
        self.assertEqual((again.created, again.updated, again.unchanged, again.rejected),
                         (0, 0, 6, 3))
        self.assertEqual((again.first_seq, again.last_seq), (0, 0))
        self.assertEqual(self.head(), head, "a re-import publishes nothing")

        dry = import_file(self.c, "ImportGias", self.extract, la_code=926, dry_run=True)
        self.assertEqual((dry.unchanged, dry.rejected), (6, 3))
        self.assertEqual(self.head(), head)

    def test_the_outcomes_file_newer_inspection_wins(self):
        self.import_gias()
        rep = self.import_ofsted(
            "130001,01/10/2013,3,\n"    # newer than GIAS's Good of 14-05-2013
            "130002,01/06/2010,2,\n"    # older than GIAS's RI of 20-11-2012
            "130004,12/09/2013,1,\n")   # a school GIAS gives no judgement
        self.assertEqual((rep.updated, rep.rejected), (3, 0))
        alder = self.school(130001).inspections
        self.assertEqual([(i.start_date, i.overall_effectiveness, i.source) for i in alder],
                         [("2013-05-14", 2, "gias"), ("2013-10-01", 3, "ofsted")])
        beech = self.school(130002).inspections
        self.assertEqual([(i.start_date, i.overall_effectiveness, i.source) for i in beech],
                         [("2010-06-01", 2, "ofsted"), ("2012-11-20", 3, "gias")],
                         "an older inspection joins the history; the extract's stays the latest")

        # the extract again: its judgements are the same or older than what is known
        head = self.head()
        again = self.import_gias()
        self.assertEqual((again.updated, again.unchanged), (0, 6))
        self.assertEqual(self.head(), head, "a re-import after the outcomes file publishes nothing")
        self.assertEqual(len(self.school(130001).inspections), 2)

    def test_a_changed_extract_publishes_one_event_a_school(self):
        self.import_gias()
        rows = [dict(r) for r in SCHOOLS]
        # Damson: inspected at last, and its roll changed -> one school.changed
        rows[3].update({"OfstedRating (name)": "Good", "OfstedLastInsp": "02-09-2013",
                        "OfstedSpecialMeasures (code)": "0",
                        "OfstedSpecialMeasures (name)": NOT_IN_SM, "NumberOfPupils": "215"})
        # Ivy: only a newer judgement -> one registry.inspection.recorded, as from Ofsted's file
        rows[8].update({"OfstedRating (name)": "Good", "OfstedLastInsp": "03-06-2013"})
        changed = os.path.join(self.tmp, "changed.csv")
        self.write(changed, rows)
        head = self.head()
        rep = self.import_gias(changed)
        self.assertEqual((rep.created, rep.updated, rep.unchanged, rep.rejected), (0, 2, 4, 3))
        events = self.c.all_events(head)
        self.assertEqual([e.topic for e in events],
                         ["registry.school.changed", "registry.inspection.recorded"])
        damson = registry_event(events[0]).school
        self.assertEqual(damson.school.urn, 130004)
        self.assertEqual(sorted(damson.changed_fields), ["inspections", "number_of_pupils"])
        self.assertEqual([(i.start_date, i.source) for i in damson.school.inspections],
                         [("2013-09-02", "gias")])
        ivy = registry_event(events[1]).inspection
        self.assertEqual((ivy.urn, ivy.inspection.start_date, ivy.inspection.overall_effectiveness,
                          ivy.inspection.source), (130009, "2013-06-03", 2, "gias"))
        self.assertEqual([i.start_date for i in ivy.school.inspections],
                         ["2011-05-05", "2013-06-03"])

    def test_a_following_categoriser_places_schools_by_their_judgement(self):
        cat = self.start_follower("categoriser", self.reg, ["--as-of", AS_OF])
        self.import_gias()
        self.wait_caught_up(cat, self.reg)
        reply = self.client(cat).call("ListCategories", categoriser_pb2.ListCategoriesRequest(),
                                      categoriser_pb2.ListCategoriesReply)
        placed = {d.urn: (d.category, d.rule_id) for d in reply.decisions}
        self.assertEqual(placed, {
            130001: ("F", "good-or-better"),
            130002: ("C", "requires-improvement"),
            130003: ("A", "ofsted-inadequate"),
            130004: ("C", "no-evidence-yet"),       # the one school GIAS gives no judgement
            130005: ("A", "ofsted-inadequate"),
            130009: ("C", "requires-improvement"),
        })

    def test_school_show_names_the_register_figures_and_sources(self):
        self.import_gias()
        self.import_ofsted("130002,01/06/2010,2,\n")
        r = subprocess.run([CLI, "--registry", self.reg.api, "--registry-events", self.reg.events,
                            "school", "show", "130002"], capture_output=True, text=True,
                           encoding="utf-8", timeout=30 * SLOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        self.assertRegex(out, r"\n  Gender +Girls\n")
        self.assertRegex(out, r"\n  Admissions policy +Not applicable\n")
        self.assertRegex(out, r"\n  Number of pupils +187\n")
        sources = out.split("\nInspection sources\n")[1].split("\n\n")[0].strip().split("\n")
        self.assertEqual(sources[0].split(), ["Date", "Source"])
        self.assertRegex(sources[1], r"^\s*2010-06-01 +Ofsted outcomes file$")
        self.assertRegex(sources[2], r"^\s*2012-11-20 +GIAS extract")


if __name__ == "__main__":
    unittest.main()
