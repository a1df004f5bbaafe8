"""The DfE's performance tables as published, end to end: the key stage 2 and 4 tables
(one file a year, as scripts/gen-gias writes them in the DfE's layout) imported into the
real registry with --year; each school's results by year and key stage, the values
published as markers reported as such, the LA's and England's rows kept as comparators
(ListComparators, `n2gg registry comparators`), a re-import publishing nothing, bad values
refused line by line, and the registry's store format 2 (the comparators database)."""
import csv
import os
import shutil
import subprocess
import tempfile
import unittest

import lmdb

from harness import (BUILD_DIR, INVALID_ARGUMENT, SLOW, ServiceError, ServiceTestCase, gen_gias,
                     import_file, registry_event, registry_pb2)

R = registry_pb2
CLI = os.path.join(BUILD_DIR, "services", "cli", "n2gg")
YEAR = 2019


def setUpModule():
    global DATA_ROOT, DATA
    DATA_ROOT = tempfile.mkdtemp(prefix="n2gg-perf-data-")
    DATA = gen_gias(os.path.join(DATA_ROOT, "data"))


def tearDownModule():
    shutil.rmtree(DATA_ROOT, ignore_errors=True)


def table(stage, year=YEAR):
    return os.path.join(DATA, f"{stage}final-{year}.csv")


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def value_of(text):
    return float(text.rstrip("%"))


def is_marker(text):
    try:
        value_of(text)
        return False
    except ValueError:
        return True


class PerformanceTablesTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.reg = self.start("registry")
        self.c = self.client(self.reg)
        gias = import_file(self.c, "ImportGias", os.path.join(DATA, "edubasealldata.csv"),
                           la_code=926)
        self.assertEqual(gias.rejected, 0)

    def achievement(self, urn, year, key_stage):
        school = self.c.call("GetSchool", R.GetSchoolRequest(urn=urn), R.GetSchoolReply).school
        found = [a for a in school.achievement if a.year == year and a.key_stage == key_stage]
        self.assertEqual(len(found), 1, f"school {urn}: {list(school.achievement)}")
        return found[0]

    def assert_measure(self, measure, text, where):
        if is_marker(text):
            self.assertEqual(measure.marker, text or "empty", where)
            self.assertEqual(measure.value, 0, where)
        else:
            self.assertEqual(measure.marker, "", where)
            self.assertAlmostEqual(measure.value, value_of(text), places=9, msg=where)

    def test_both_tables_as_published(self):
        head = self.c.read_events().head_seq
        ks2 = import_file(self.c, "ImportAchievement", table("ks2"), year=YEAR, la_code=926)
        published = rows_of(table("ks2"))
        schools = [r for r in published if r["RECTYPE"] in ("1", "2")]
        self.assertEqual(ks2.format, "ks2")
        self.assertEqual(ks2.rejected, 0, list(ks2.rejections)[:3])
        self.assertEqual(ks2.updated, len(schools))
        self.assertEqual(ks2.comparators, 2, "Norfolk's row and England's state-funded row")
        self.assertEqual(ks2.skipped, 1, "England's all-schools row")
        measures = ("PTRWM_EXP", "READPROG", "WRITPROG", "MATPROG")
        marked = sum(is_marker(r[m]) for r in published if r["RECTYPE"] in ("1", "2", "4", "7")
                     for m in measures)
        self.assertGreater(marked, 0, "the generated table has markers")
        self.assertEqual(ks2.marked, marked)
        notes = {n.line: n.text for n in ks2.notes}
        # csv.DictReader's line_num is of the record's last line; the records are one line each
        supp = next(i for i, r in enumerate(published, start=2)
                    if r["READPROG"] == "SUPP" and r["RECTYPE"] in ("1", "2"))
        self.assertIn("READPROG: SUPP (suppressed)", notes[supp])
        england_all = next(i for i, r in enumerate(published, start=2) if r["RECTYPE"] == "5")
        self.assertIn("RECTYPE 5 (England, all schools) is not kept", notes[england_all])

        # a school's results as the table gives them, markers as markers
        for row in (next(r for r in schools if not any(is_marker(r[m]) for m in measures)),
                    next(r for r in schools if any(is_marker(r[m]) for m in measures))):
            got = self.achievement(int(row["URN"]), YEAR, R.KEY_STAGE_2)
            where = f"URN {row['URN']}"
            self.assert_measure(got.expected_standard, row["PTRWM_EXP"], where)
            self.assert_measure(got.reading_progress, row["READPROG"], where)
            self.assert_measure(got.writing_progress, row["WRITPROG"], where)
            self.assert_measure(got.maths_progress, row["MATPROG"], where)
            self.assertEqual(got.expected_standard_pct, got.expected_standard.value)
            self.assertFalse(got.progress_known)
            self.assertFalse(got.HasField("progress8"))

        ks4 = import_file(self.c, "ImportAchievement", table("ks4"), year=YEAR, la_code=926)
        self.assertEqual(ks4.format, "ks4")
        self.assertEqual(ks4.rejected, 0, list(ks4.rejections)[:3])
        self.assertEqual(ks4.comparators, 2)
        ks4_rows = rows_of(table("ks4"))
        row = next(r for r in ks4_rows if r["RECTYPE"] == "1")
        got = self.achievement(int(row["URN"]), YEAR, R.KEY_STAGE_4)
        self.assert_measure(got.progress8, row["P8MEA"], "P8MEA")
        self.assert_measure(got.attainment8, row["ATT8SCR"], "ATT8SCR")
        self.assert_measure(got.english_maths_5_pct, row["PTL2BASICS_95"], "PTL2BASICS_95")
        self.assertFalse(got.HasField("expected_standard"))

        # a school in both tables keeps both key stages of the year, in order
        both = sorted({r["URN"] for r in schools} & {r["URN"] for r in ks4_rows if r["URN"]})
        self.assertTrue(both, "the generated tables have a school in both (special, all-through)")
        school = self.c.call("GetSchool", R.GetSchoolRequest(urn=int(both[0])),
                             R.GetSchoolReply).school
        self.assertEqual([(a.year, a.key_stage) for a in school.achievement],
                         [(YEAR, R.KEY_STAGE_2), (YEAR, R.KEY_STAGE_4)])

        # the LA's and England's averages, by year, key stage, area
        listed = self.c.call("ListComparators", R.ListComparatorsRequest(year=YEAR),
                             R.ListComparatorsReply).comparators
        self.assertEqual([(c.key_stage, c.area, c.la_code, c.name) for c in listed],
                         [(R.KEY_STAGE_2, R.AREA_LA, 926, "Norfolk"),
                          (R.KEY_STAGE_2, R.AREA_ENGLAND, 0, "England"),
                          (R.KEY_STAGE_4, R.AREA_LA, 926, "Norfolk"),
                          (R.KEY_STAGE_4, R.AREA_ENGLAND, 0, "England")])
        la_row = next(r for r in published if r["RECTYPE"] == "4")
        self.assert_measure(listed[0].achievement.expected_standard, la_row["PTRWM_EXP"], "LA")
        self.assert_measure(listed[0].achievement.maths_progress, la_row["MATPROG"], "LA")
        england = next(r for r in ks4_rows if r["RECTYPE"] == "7")
        self.assert_measure(listed[3].achievement.attainment8, england["ATT8SCR"], "England")
        self.assertEqual(listed[0].recorded_by, "tests")
        only_ks4 = self.client(self.reg, "reader").call(
            "ListComparators", R.ListComparatorsRequest(key_stage=R.KEY_STAGE_4),
            R.ListComparatorsReply).comparators
        self.assertEqual([c.area for c in only_ks4], [R.AREA_LA, R.AREA_ENGLAND])
        england_only = self.c.call("ListComparators",
                                   R.ListComparatorsRequest(area=R.AREA_ENGLAND),
                                   R.ListComparatorsReply).comparators
        self.assertEqual(len(england_only), 2)
        self.assertEqual(len(self.c.call("ListComparators", R.ListComparatorsRequest(year=2018),
                                         R.ListComparatorsReply).comparators), 0)

        # one event per comparator, with the comparator in it
        events = self.c.all_events(head)
        recorded = [registry_event(e).comparator.comparator for e in events
                    if e.topic == "registry.comparator.recorded"]
        self.assertEqual(len(recorded), 4)
        self.assertEqual(recorded[0].name, "Norfolk")
        self.assertEqual(len([e for e in events if e.topic == "registry.achievement.recorded"]),
                         ks2.updated + ks4.updated)
        # each table's averages are published before its schools' results (the file has
        # them last), so a follower judging a school against them decides once
        for first_seq, last_seq in ((ks2.first_seq, ks2.last_seq), (ks4.first_seq, ks4.last_seq)):
            topics = [e.topic for e in events if first_seq <= e.seq <= last_seq]
            self.assertEqual(topics[:2], ["registry.comparator.recorded"] * 2, topics[:4])
            self.assertNotIn("registry.comparator.recorded", topics[2:])

        # the same tables again: nothing changes, nothing is published
        head = self.c.read_events().head_seq
        for stage, first in (("ks2", ks2), ("ks4", ks4)):
            again = import_file(self.c, "ImportAchievement", table(stage), year=YEAR,
                                la_code=926)
            self.assertEqual((again.updated, again.unchanged), (0, first.updated), stage)
            self.assertEqual((again.first_seq, again.last_seq), (0, 0), stage)
            self.assertEqual((again.comparators, again.marked), (first.comparators, first.marked))
        self.assertEqual(self.c.read_events().head_seq, head, "a re-import publishes nothing")

    def test_other_years_and_our_own_format_side_by_side(self):
        for year in (2017, 2018, 2019):
            rep = import_file(self.c, "ImportAchievement", table("ks2", year), year=year,
                              la_code=926)
            self.assertEqual((rep.format, rep.rejected), ("ks2", 0))
        own = import_file(self.c, "ImportAchievement", os.path.join(DATA, "achievement.csv"))
        self.assertEqual(own.format, "n2gg")
        self.assertEqual(own.comparators, 0)
        self.assertTrue(all("suppressed" in r.reason for r in own.rejections))
        urn = int(next(r for r in rows_of(os.path.join(DATA, "achievement.csv"))
                       if r["YEAR"] == "2013" and r["PTRWM_EXP"] != "SUPP")["URN"])
        school = self.c.call("GetSchool", R.GetSchoolRequest(urn=urn), R.GetSchoolReply).school
        years = [(a.year, a.key_stage) for a in school.achievement]
        self.assertEqual(years, sorted(years))
        plain = [a for a in school.achievement if a.key_stage == R.KEY_STAGE_UNSPECIFIED]
        self.assertEqual([a.year for a in plain], [2011, 2012, 2013])
        self.assertTrue(all(a.progress_known for a in plain), "PROGRESS was given")
        self.assertEqual({a.year for a in school.achievement if a.key_stage == R.KEY_STAGE_2},
                         {2017, 2018, 2019})
        listed = self.c.call("ListComparators", R.ListComparatorsRequest(),
                             R.ListComparatorsReply).comparators
        self.assertEqual([c.year for c in listed], [2017, 2017, 2018, 2018, 2019, 2019])

    def test_refusals(self):
        # the DfE's tables carry no year: the request must
        with self.assertRaises(ServiceError) as e:
            import_file(self.c, "ImportAchievement", table("ks2"))
        self.assertEqual(e.exception.code, INVALID_ARGUMENT)
        self.assertIn("--year YYYY", e.exception.message)
        # a header that is neither table nor our format says what each needs
        neither = os.path.join(self.tmp, "neither.csv")
        with open(neither, "w") as f:
            f.write("School,Score\nAshwood,67\n")
        with self.assertRaises(ServiceError) as e:
            import_file(self.c, "ImportAchievement", neither, year=YEAR)
        self.assertIn("the DfE's key stage 2 table (URN, RECTYPE, LEA, PTRWM_EXP", e.exception.message)
        self.assertIn("its key stage 4 table", e.exception.message)

        # a value out of range is that line's rejection; the rest is imported, the rejected
        # school keeps nothing of that year
        with open(table("ks2"), newline="", encoding="utf-8") as f:
            lines = f.read().split("\r\n")
        header = lines[0].split(",")
        read = header.index("READPROG")
        bad_line = next(i for i, line in enumerate(lines[1:], start=2)
                        if line.startswith("1,") and line.count('"') == 0)
        fields = lines[bad_line - 1].split(",")
        urn = int(fields[header.index("URN")])
        fields[read] = "55.0"
        lines[bad_line - 1] = ",".join(fields)
        bad = os.path.join(self.tmp, "ks2-bad.csv")
        with open(bad, "w", newline="", encoding="utf-8") as f:
            f.write("\r\n".join(lines))
        rep = import_file(self.c, "ImportAchievement", bad, year=YEAR, la_code=926)
        self.assertEqual(rep.rejected, 1)
        self.assertEqual(rep.rejections[0].line, bad_line)
        self.assertIn("READPROG 55.0 is out of range for a key stage 2 progress score",
                      rep.rejections[0].reason)
        self.assertEqual(rep.updated, sum(r["RECTYPE"] in ("1", "2")
                                          for r in rows_of(table("ks2"))) - 1)
        school = self.c.call("GetSchool", R.GetSchoolRequest(urn=urn), R.GetSchoolReply).school
        self.assertEqual(list(school.achievement), [])

    def test_the_cli(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("N2GG_REGISTRY")}

        def n2gg(*args):
            return subprocess.run([CLI, "--registry", self.reg.api, *args], capture_output=True,
                                  text=True, env=env, timeout=60 * SLOW)

        r = n2gg("registry", "import-achievement", table("ks2"), "--year", str(YEAR))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        out = r.stdout
        self.assertIn("format: ks2 (the DfE's key stage 2 table)", out)
        self.assertIn("comparators: 2 row(s) of LA or England averages recorded", out)
        self.assertRegex(out, r"marked: [1-9][0-9]* value\(s\) published as a marker")
        self.assertIn("notes:", out)
        self.assertIn("(suppressed)", out)
        r = n2gg("registry", "import-achievement", table("ks4"), "--year", str(YEAR))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("format: ks4 (the DfE's key stage 4 table)", r.stdout)
        r = n2gg("registry", "import-achievement", table("ks2"))
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("--year", r.stderr)

        r = n2gg("registry", "comparators", "--year", str(YEAR))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.strip().split("\n")
        self.assertEqual(lines[0].split()[:6],
                         ["Year", "KS", "Area", "LA", "Name", "Expected"])
        self.assertEqual([line.split()[:5] for line in lines[1:5]],
                         [["2019", "2", "LA", "926", "Norfolk"], ["2019", "2", "England", "-", "England"],
                          ["2019", "4", "LA", "926", "Norfolk"], ["2019", "4", "England", "-", "England"]])
        self.assertIn("65%", lines[2])
        self.assertEqual(lines[-1], "4 comparator(s)")
        r = n2gg("registry", "comparators", "--key-stage", "3")
        self.assertEqual(r.returncode, 3)
        self.assertIn("key stage 2 or 4", r.stderr)
        r = n2gg("registry", "comparators", "--year", "2018")
        self.assertIn("0 comparator(s): they come from the DfE's tables", r.stdout)

    def test_followers_ignore_comparator_events(self):
        cat = self.start_follower("categoriser", self.reg)
        import_file(self.c, "ImportAchievement", table("ks2"), year=YEAR, la_code=926)
        import_file(self.c, "ImportAchievement", table("ks4"), year=YEAR, la_code=926)
        self.wait_caught_up(cat, self.reg)
        self.assertNotIn("halt", cat.log().lower())


class StoreFormatTest(ServiceTestCase):
    """Format 2 of the registry's own databases: the comparators database appended."""

    def formats(self, reg):
        env = lmdb.open(os.path.join(reg.data_dir, "store"), max_dbs=32, readonly=True)
        with env.begin() as txn:
            db = env.open_db(b"store_format", txn=txn, create=False)
            got = {k.decode(): int.from_bytes(v, "big") for k, v in txn.cursor(db)
                   if k != b"log_id"}
        env.close()
        return got

    def edit(self, reg, fn):
        env = lmdb.open(os.path.join(reg.data_dir, "store"), max_dbs=32, subdir=True)
        with env.begin(write=True) as txn:
            fn(env, txn)
        env.close()

    def test_a_format_1_store_is_migrated_and_keeps_its_data(self):
        data = gen_gias(os.path.join(self.tmp, "data"))
        reg = self.start("registry")
        c = self.client(reg)
        import_file(c, "ImportGias", os.path.join(data, "edubasealldata.csv"), la_code=926)
        own = import_file(c, "ImportAchievement", os.path.join(data, "achievement.csv"))
        self.assertEqual(reg.stop(), 0)
        self.assertEqual(self.formats(reg), {"core": 2, "own": 2})

        def as_format_1_left_it(env, txn):   # no comparators database, own format 1
            txn.drop(env.open_db(b"comparators", txn=txn), delete=True)
            txn.put(b"own", (1).to_bytes(4, "big"), db=env.open_db(b"store_format", txn=txn))
        self.edit(reg, as_format_1_left_it)
        reg.start()
        self.assertIn('msg="store migrated" from=2.1 to=2.2', reg.log())
        self.assertEqual(self.formats(reg), {"core": 2, "own": 2})
        again = import_file(c, "ImportAchievement", os.path.join(data, "achievement.csv"))
        self.assertEqual((again.updated, again.unchanged), (0, own.updated), "the data is kept")
        rep = import_file(c, "ImportAchievement", os.path.join(data, "ks2final-2019.csv"),
                          year=YEAR, la_code=926)
        self.assertEqual(rep.comparators, 2)
        self.assertEqual(len(c.call("ListComparators", R.ListComparatorsRequest(),
                                    R.ListComparatorsReply).comparators), 2)

    def test_a_newer_store_is_refused(self):
        reg = self.start("registry")
        self.assertEqual(reg.stop(), 0)
        self.edit(reg, lambda env, txn: txn.put(b"own", (3).to_bytes(4, "big"),
                                                db=env.open_db(b"store_format", txn=txn)))
        reg.start(wait=False)
        self.assertEqual(reg.proc.wait(20 * SLOW), 1)
        self.assertIn("has format 2.3, newer than this n2gg-registry", reg.log())


if __name__ == "__main__":
    unittest.main()
