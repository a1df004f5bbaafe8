"""The n2gg command line's notifier commands end to end: the real binary against a real
registry, categoriser, scheduler and notifier wired together, as of 2013-11-15 (the demo
data, data/demo, is a GIAS snapshot of that time). Only the schools of three clusters are
imported, with their contacts, so that MI sheets have an audience and letters have
addresses; the notifier writes its mail to a directory. What the CLI prints is checked
against the notifier's and the registry's own answers (the harness's Python client), and
exit codes against the CLI's contract. `templates check` needs no service at all."""
import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import (SLOW, SOURCE_DIR, ServiceTestCase, common_pb2, free_port, import_file,
                     registry_pb2, wait_for)
from n2gg.v1 import notifier_pb2
from test_cli import CLI, lines

N = notifier_pb2
R = registry_pb2
DEMO = os.path.join(SOURCE_DIR, "data", "demo")
TEMPLATES = os.path.join(SOURCE_DIR, "services", "notifier", "templates")
AS_OF = "2013-11-15"
AUDIENCE = ("C926-06", "C926-07")      # the clusters the sheet is for
OTHER = "C926-46"                      # imported too, but not in the sheet's audience
# the user's environment must not point the CLI elsewhere
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith(("N2GG_REGISTRY", "N2GG_CATEGORISER", "N2GG_SCHEDULER",
                            "N2GG_NOTIFIER"))}
ENV["N2GG_ACTOR"] = "cli.tests"
OPEN = (R.STATUS_OPEN, R.STATUS_OPEN_PROPOSED_TO_CLOSE)


def table(out_lines):
    """The cells of a printed table's rows (the header first), split on runs of 2+ spaces."""
    return [re.split(r"\s{2,}", row.strip()) for row in out_lines]


def cell(text):
    """A table cell as the CLI prints it: cut to 48 characters, "~" marking the cut."""
    return text if len(text) <= 48 else text[:47] + "~"


def field(out, label):
    """The value of a "  Label    value" line of a block the CLI prints."""
    m = re.search(rf"^  {re.escape(label)} +(.*)$", out, re.M)
    return m.group(1) if m else None


def demo_subset(out_dir, clusters):
    """The demo files cut down to the schools of `clusters`, in out_dir."""
    with open(os.path.join(DEMO, "clusters.csv"), newline="") as f:
        urns = {row["urn"] for row in csv.DictReader(f) if row["cluster_id"] in clusters}
    os.makedirs(out_dir, exist_ok=True)
    for name, column in (("edubasealldata.csv", 0), ("clusters.csv", 2), ("contacts.csv", 0),
                         ("ofsted.csv", 0), ("achievement.csv", 0)):
        with open(os.path.join(DEMO, name), newline="", encoding="latin-1") as f:
            rows = list(csv.reader(f))
        with open(os.path.join(out_dir, name), "w", newline="", encoding="latin-1") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(rows[0])
            w.writerows(r for r in rows[1:] if r and r[column] in urns)
    return out_dir


def run_cli(*args, timeout=60):
    try:
        return subprocess.run([CLI, *args], capture_output=True, text=True, encoding="utf-8",
                              env=ENV, timeout=timeout * SLOW)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"n2gg {' '.join(args)} did not finish in {timeout * SLOW} s")


class NotifierCliTestCase(ServiceTestCase):
    """A registry holding the schools of three clusters, a categoriser and a scheduler
    following it, and a notifier following all three, mailing to a directory; everything
    caught up."""

    def setUp(self):
        super().setUp()
        data = demo_subset(os.path.join(self.tmp, "data"), AUDIENCE + (OTHER,))
        self.reg = self.start("registry")
        self.cat = self.start_follower("categoriser", self.reg, ["--as-of", AS_OF])
        self.sch = self.start("scheduler", extra_args=[
            "--registry", self.reg.api, "--registry-events", self.reg.events,
            "--categoriser", self.cat.api, "--categoriser-events", self.cat.events,
            "--as-of", AS_OF])
        self.maildir = os.path.join(self.tmp, "mail")
        os.makedirs(self.maildir)
        self.ntf = self.start("notifier", extra_args=[
            "--registry", self.reg.api, "--registry-events", self.reg.events,
            "--categoriser", self.cat.api, "--categoriser-events", self.cat.events,
            "--scheduler", self.sch.api, "--scheduler-events", self.sch.events,
            "--as-of", AS_OF, "--maildir", self.maildir, "--channel", "maildir"])
        self.rc = self.client(self.reg)
        self.nc = self.client(self.ntf)
        import_file(self.rc, "ImportGias", os.path.join(data, "edubasealldata.csv"), la_code=926)
        for method, name in (("ImportClusters", "clusters.csv"),
                             ("ImportInspections", "ofsted.csv"),
                             ("ImportAchievement", "achievement.csv")):
            import_file(self.rc, method, os.path.join(data, name))
        if self.contacts_after_first_letters:
            self.caught_up()
        import_file(self.rc, "ImportContacts", os.path.join(data, "contacts.csv"))
        self.caught_up()

    # The notifier follows the registry and the categoriser independently, so whether a
    # category letter is written before or after the contacts arrive is a race unless the
    # test waits for the letters first.
    contacts_after_first_letters = False

    def caught_up(self, timeout=60.0):
        def at(svc, metric, source):
            value = svc.metric(metric)
            return value is not None and value >= self.head_seq(source)

        wait_for(lambda: at(self.cat, "n2gg_categoriser_registry_cursor", self.reg),
                 timeout, "the categoriser to catch up")
        wait_for(lambda: at(self.sch, "n2gg_scheduler_registry_cursor", self.reg) and
                 at(self.sch, "n2gg_scheduler_categoriser_cursor", self.cat),
                 timeout, "the scheduler to catch up")
        wait_for(lambda: at(self.ntf, "n2gg_notifier_registry_cursor", self.reg) and
                 at(self.ntf, "n2gg_notifier_categoriser_cursor", self.cat) and
                 at(self.ntf, "n2gg_notifier_scheduler_cursor", self.sch),
                 timeout, "the notifier to catch up")

    # ---- running the CLI ----

    def run_cli(self, *args, ntf=None, timeout=60):
        return run_cli("--registry", self.reg.api, "--registry-events", self.reg.events,
                       "--categoriser", self.cat.api, "--categoriser-events", self.cat.events,
                       "--scheduler", self.sch.api, "--scheduler-events", self.sch.events,
                       "--notifier", ntf or self.ntf.api, "--notifier-events", self.ntf.events,
                       *args, timeout=timeout)

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

    # ---- the services' own answers ----

    def open_schools(self, clusters, phase=0):
        """The open schools of `clusters`, by the registry."""
        schools = []
        for cid in clusters:
            rep = self.rc.call("ListSchools", R.ListSchoolsRequest(cluster_id=cid, phase=phase),
                               R.ListSchoolsReply)
            schools.extend(s for s in rep.schools if s.status in OPEN)
        return sorted(schools, key=lambda s: s.urn)

    def sheets(self, year=0):
        return self.nc.call("ListMi", N.ListMiRequest(year=year), N.ListMiReply).sheets

    def mi_status(self, number):
        return self.nc.call("MiStatus", N.MiStatusRequest(number=number), N.MiStatusReply)

    def notices(self, **filters):
        return self.nc.call("ListNotices", N.ListNoticesRequest(**filters),
                            N.ListNoticesReply).notices

    def deliveries(self, **filters):
        return self.nc.call("DeliveryLog", N.DeliveryLogRequest(**filters),
                            N.DeliveriesReply).deliveries

    def publish_action(self, *extra):
        return self.ok("mi", "publish", "--type", "action", "--title", "Pupil premium return",
                       "--body", "Please return the pupil premium form.\nThank you.",
                       "--complete-by", "2013-12-13", "--contact-name", "Jane Smith",
                       "--contact-phone", "01603 222333", "--clusters", ",".join(AUDIENCE),
                       "--links", "http://example.org/form,http://example.org/guide", *extra)


class MiTest(NotifierCliTestCase):
    def test_publish_list_show_status_respond(self):
        audience = self.open_schools(AUDIENCE)
        self.assertGreater(len(audience), 2, "the demo clusters have open schools")
        n = len(audience)

        # a dry run counts the audience and stores nothing, nor uses up a number
        out = self.publish_action("--dry-run").stdout
        self.assertEqual(lines(out), [f"dry run: MI 001/13 would go to {n} schools, {2 * n} "
                                      f"recipients, published {AS_OF}; nothing was published"])
        self.assertEqual(len(self.sheets()), 0)
        primary = self.open_schools(AUDIENCE, phase=R.PHASE_PRIMARY)
        rep = json.loads(self.publish_action("--dry-run", "--phases", "primary", "--to",
                                             "headteachers", "--json").stdout)
        self.assertEqual((rep["schools"], rep["recipients"]), (len(primary), len(primary)))
        # the clusters by name ("Wymondham Cluster", "Cromer Cluster"): the same audience
        rep = json.loads(self.publish_action("--dry-run", "--clusters",
                                             "wymondham, Cromer Cluster", "--json").stdout)
        self.assertEqual(rep["schools"], n)
        self.assertEqual(len(self.sheets()), 0)

        out = self.publish_action().stdout
        self.assertEqual(lines(out), [f"MI 001/13 published: {n} schools, {2 * n} recipients"])
        (sheet,) = self.sheets()
        self.assertEqual((sheet.number, sheet.type, sheet.issued, sheet.schools),
                         ("001/13", N.MI_ACTION, True, n))
        self.assertEqual(list(sheet.audience.clusters), list(AUDIENCE))
        self.assertEqual(list(sheet.links), ["http://example.org/form", "http://example.org/guide"])
        self.assertEqual(sheet.published_by, "cli.tests")

        # list: one row, as the notifier has it
        rows = table(lines(self.ok("mi", "list").stdout))
        self.assertEqual(rows[0], ["Number", "Type", "Publication", "Complete by", "Status",
                                   "Schools", "Title"])
        self.assertEqual(rows[1], ["001/13", "action", AS_OF, "2013-12-13", "issued", str(n),
                                   "Pupil premium return"])
        self.assertEqual(rows[2], ["1 MI sheet(s)"])
        self.assertEqual(lines(self.ok("mi", "list", "--year", "2012").stdout), ["0 MI sheet(s)"])
        self.assertEqual(len(self.json_of("mi", "list", "--year", "2013")["sheets"]), 1)

        # show: the paper sheet's boxes, then the title, the text and the links
        out = self.ok("mi", "show", "1/13").stdout
        self.assertEqual(field(out, "MI Sheet Type"), "Action")
        self.assertEqual(field(out, "To Be Completed By"), "2013-12-13")
        self.assertEqual(field(out, "MI Number"), "001/13")
        self.assertEqual(field(out, "Publication Date"), AS_OF)
        self.assertEqual(field(out, "LA Contact"), "Jane Smith, tel. 01603 222333")
        self.assertEqual(field(out, "Audience"), "Headteachers and Chairs of Governors of the "
                                                 f"schools; clusters {', '.join(AUDIENCE)}")
        self.assertIn("\nPupil premium return\n\nPlease return the pupil premium form.\n"
                      "Thank you.\n\nLinks\n  http://example.org/form\n"
                      "  http://example.org/guide\n", out)
        shown = self.json_of("mi", "show", "001/13")
        self.assertEqual((shown["sheet"]["number"], shown["sheet"]["type"]), ("001/13", "MI_ACTION"))

        # status: nobody has responded yet
        out = self.ok("mi", "status", "001/13").stdout
        self.assertIn(f"responded 0 of {n} (to be completed by 2013-12-13)", out)
        outstanding = out.split("\nOutstanding\n", 1)[1]
        for s in audience:
            self.assertIn(str(s.urn), outstanding)

        # one school responds; it is no longer outstanding, and cannot respond twice
        school = audience[0]
        out = self.ok("mi", "respond", "001/13", str(school.urn), "--respondent", "Mr Head",
                      "--note", "sent by post").stdout
        self.assertEqual(lines(out), [f"MI 001/13: response of {school.urn} {school.name} "
                                      "recorded (from Mr Head)"])
        out = self.ok("mi", "status", "001/13").stdout
        self.assertIn(f"responded 1 of {n} ", out)
        responded, outstanding = out.split("\nResponded\n", 1)[1].split("\nOutstanding\n", 1)
        self.assertIn(str(school.urn), responded)
        self.assertIn("Mr Head", responded)
        self.assertIn("sent by post", responded)
        self.assertNotIn(str(school.urn), outstanding)
        status = self.json_of("mi", "status", "001/13")
        mine = self.mi_status("001/13")
        self.assertEqual([r["urn"] for r in status["responded"]], [school.urn])
        self.assertEqual(sorted(o["urn"] for o in status["outstanding"]),
                         sorted(o.urn for o in mine.outstanding))
        self.assertEqual(len(status["outstanding"]), n - 1)
        self.refused(5, "mi", "respond", "001/13", str(school.urn), says="already responded")

        # a school outside the audience cannot respond; bad numbers and URNs
        other = self.open_schools((OTHER,))[0]
        self.refused(5, "mi", "respond", "001/13", str(other.urn), says="not in the audience")
        self.refused(4, "mi", "show", "999/13", says="NOT_FOUND")
        self.refused(3, "mi", "show", "abc", says="is not NNN/YY")
        self.refused(3, "mi", "respond", "001/13", "12", says="is not a 6-digit number")
        self.refused(2, "mi", "status", says="missing NUMBER")

        # the notifier's events, through `events tail --source notifier`
        out = self.ok("events", "tail", "--source", "notifier", "--from", "1", "--no-follow",
                      "--topic", "notice.mi.").stdout
        self.assertRegex(out, r"topic=notice\.mi\.published .*mi=001/13 type=action")
        self.assertRegex(out, rf"topic=notice\.mi\.responded .*mi=001/13 urn={school.urn}")

    def test_refused_publish(self):
        base = ("mi", "publish", "--type", "action", "--body", "Text.", "--contact-name",
                "Jane Smith", "--complete-by", "2013-12-13")
        self.refused(2, *base, says="--title T is required")
        self.refused(3, *base, "--title", "", says=["INVALID_ARGUMENT", "Title"])
        self.refused(3, "mi", "publish", "--type", "action", "--title", "Late", "--body", "Text.",
                     "--contact-name", "Jane Smith", "--complete-by", "2013-11-01",
                     says=["INVALID_ARGUMENT", "To Be Completed By"])
        self.refused(3, *base, "--title", "T", "--complete-by", "2013-13-45", says="not a date")
        self.refused(3, *base, "--title", "T", "--phases", "kindergarten", says="is not a phase")
        self.refused(3, *base, "--title", "T", "--to", "parents", says="--to \"parents\"")
        self.refused(3, *base, "--title", "T", "--categories", "BZ", says="--categories")
        self.refused(3, "mi", "publish", "--type", "memo", "--title", "T", "--body", "x",
                     "--contact-name", "J", says="--type \"memo\"")
        self.refused(2, *base, "--title", "T", "--body-file", "/dev/null",
                     says="not both")
        self.refused(2, "mi", "publish", "--type", "information", "--title", "T",
                     "--contact-name", "J", says="--body")
        self.assertEqual(len(self.sheets()), 0, "nothing refused was stored")

        # an Information sheet, its text from a file, scheduled for later: not issued yet
        body = os.path.join(self.tmp, "body.txt")
        with open(body, "w") as f:
            f.write("Schools close early on Friday.\n")
        out = self.ok("mi", "publish", "--type", "information", "--title", "Early closing",
                      "--body-file", body, "--contact-name", "Jane Smith",
                      "--publication-date", "2013-12-02", "--to", "headteachers").stdout
        n = len(self.open_schools(AUDIENCE + (OTHER,)))
        self.assertEqual(lines(out), [f"MI 001/13 scheduled for 2013-12-02: {n} schools, {n} "
                                      "recipients as things stand"])
        (sheet,) = self.sheets()
        self.assertEqual((sheet.body, sheet.issued), ("Schools close early on Friday.\n", False))
        rows = table(lines(self.ok("mi", "list").stdout))
        self.assertEqual(rows[1][:6], ["001/13", "information", "2013-12-02", "-", "scheduled", "-"])
        out = self.ok("mi", "show", "001/13").stdout
        self.assertEqual(field(out, "To Be Completed By"), "n/a")
        self.assertEqual(field(out, "Issued"), "not yet: scheduled for 2013-12-02")
        self.refused(5, "mi", "respond", "001/13", str(self.open_schools(AUDIENCE)[0].urn),
                     says="Information sheet")

    def test_notifier_unreachable(self):
        r = self.refused(6, "mi", "list", ntf=f"tcp://127.0.0.1:{free_port()}",
                         says="is n2gg-notifier running at")
        self.assertIn("N2GG_NOTIFIER_API", r.stderr)


class UnsentTest(NotifierCliTestCase):
    contacts_after_first_letters = True

    def unsent(self):
        return self.nc.call("ListUnsent", N.ListUnsentRequest(), N.ListUnsentReply)

    def test_letters_that_reach_nobody_are_listed_with_why(self):
        # the category letters were written before the contacts file came in (the
        # notifier had caught up first): they have no address, and nothing was tried, so none is dead
        reply = self.unsent()
        self.assertTrue(reply.notices)
        self.assertEqual(reply.total, len(reply.notices))
        every = self.notices(limit=100000)
        reaching_nobody = [n.id for n in every if {d.state for d in self.deliveries(notice_id=n.id)}
                           <= {N.DELIVERY_NO_ADDRESS, N.DELIVERY_WITHDRAWN}
                           and N.DELIVERY_NO_ADDRESS in {d.state for d in self.deliveries(notice_id=n.id)}]
        self.assertEqual([u.notice.id for u in reply.notices], reaching_nobody)
        school = [s for s in self.open_schools(AUDIENCE) if s.headteacher.email][0]
        mine = [u for u in reply.notices if u.notice.urn == school.urn][0]
        self.assertEqual(mine.notice.kind, N.NOTICE_CATEGORY_LETTER)
        self.assertEqual(len(mine.reasons), 2)
        self.assertTrue(all(r.endswith(": no email address on record") for r in mine.reasons))
        self.assertIn(f"Headteacher {school.headteacher.name}: ", "\n".join(mine.reasons))
        self.assertEqual(self.dead(), [], "none of them is dead: nothing was tried")

        # who cannot be written to now: schools by their current contacts, clusters by chair
        for cid in AUDIENCE + (OTHER,):
            chair = self.rc.call("GetCluster", R.GetClusterRequest(id=cid), R.ClusterReply).cluster.chair
            self.assertEqual(cid in {c.id for c in reply.clusters}, not chair.email, cid)
        unreachable = {u.urn: list(u.missing) for u in reply.schools}
        for s in self.open_schools(AUDIENCE + (OTHER,)):
            missing = ([] if s.headteacher.email else ["headteacher's email"]) + \
                      ([] if s.chair_of_governors.email else ["chair of governors' email"])
            self.assertEqual(unreachable.get(s.urn, []), missing, s.urn)
        self.assertEqual(self.ntf.metric("n2gg_notifier_schools_unreachable"), len(reply.schools))
        self.assertEqual(self.ntf.metric("n2gg_notifier_clusters_unreachable"), len(reply.clusters))

        out = self.ok("notices", "unsent").stdout
        self.assertIn(mine.notice.id, out)
        self.assertIn(mine.reasons[0], out)
        self.assertIn(f"{reply.total} letter(s) reach nobody", out)
        self.assertEqual(self.json_of("notices", "unsent")["total"], reply.total)

        # the address is known now: the letter is sent, and leaves the list
        self.ok("notices", "retry", [d.key for d in self.deliveries(notice_id=mine.notice.id)
                                     if d.recipient.role == N.RECIPIENT_HEADTEACHER][0])
        wait_for(lambda: all(u.notice.id != mine.notice.id for u in self.unsent().notices),
                 what="the letter to leave the list")
        self.assertEqual(self.unsent().total, reply.total - 1)

    def dead(self):
        return list(self.nc.call("ListDead", N.ListDeadRequest(), N.DeliveriesReply).deliveries)


class PendingTest(NotifierCliTestCase):
    def test_an_override_waits_and_can_be_shown_and_cancelled(self):
        school = [s for s in self.open_schools(AUDIENCE) if s.headteacher.email][0]
        self.ok("category", "override", str(school.urn), "F", "--reason", "a trial")
        self.caught_up()
        wait_for(lambda: "1 letter(s) waiting to go" in self.ok("notices", "pending").stdout,
                 what="the override's letter to wait")
        out = self.ok("notices", "pending").stdout
        self.assertIn("an officer's change", out)
        notice = self.notices(urn=school.urn, kind=N.NOTICE_CATEGORY_LETTER)[0]
        self.assertIn(notice.id, out)
        shown = self.ok("notices", "show", notice.id).stdout
        self.assertIn("Goes", shown)
        self.assertIn(f"---- to headteacher {school.headteacher.name} <{school.headteacher.email}>",
                      shown)
        self.assertIn("is now F (", shown)
        self.refused(2, "notices", "cancel", notice.id, says="--reason")
        self.assertIn("cancelled: " + notice.id,
                      self.ok("notices", "cancel", notice.id, "--reason", "told in person").stdout)
        self.assertIn("0 letter(s) waiting to go", self.ok("notices", "pending").stdout)
        self.refused(5, "notices", "cancel", notice.id, "--reason", "again",
                     says="can no longer be cancelled")
        self.refused(4, "notices", "show", "no-such-notice",
                     says='no notice has the id "no-such-notice"')


class NoticesTest(NotifierCliTestCase):
    def test_notices_after_publishing(self):
        audience = self.open_schools(AUDIENCE)
        school = audience[0]
        self.publish_action()
        notice_id = f"mi-001-13-{school.urn}"

        # list: the school's MI sheet among its notices, newest first, as the notifier has them
        mine = self.notices(urn=school.urn)
        rows = table(lines(self.ok("notices", "list", "--school", str(school.urn)).stdout))
        self.assertEqual(rows[0], ["Created", "Notice", "Kind", "URN/Cluster", "School",
                                   "Deliveries", "Subject"])
        self.assertEqual([r[1] for r in rows[1:-1]], [x.id for x in mine])
        self.assertEqual(rows[-1], [f"{len(mine)} notice(s)"])
        rows = table(lines(self.ok("notices", "list", "--school", str(school.urn), "--kind",
                                   "mi_sheet").stdout))
        self.assertEqual(len(rows), 3, rows)
        self.assertEqual(rows[1][1:5], [notice_id, "mi_sheet", str(school.urn), cell(school.name)])
        listed = self.json_of("notices", "list", "--kind", "mi-sheet", "--limit", "2")
        self.assertEqual(len(listed["notices"]), 2)
        self.assertTrue(all(x["kind"] == "NOTICE_MI_SHEET" for x in listed["notices"]))
        self.refused(3, "notices", "list", "--kind", "postcard", says="postcard")
        self.refused(3, "notices", "list", "--school", "12x", says="6-digit")

        # log: every delivery of the school's notices; the MI sheet's go out by maildir
        wait_for(lambda: all(d.state == N.DELIVERY_SENT for d in self.deliveries(notice_id=notice_id)),
                 30, "the MI sheet's deliveries to be sent")
        mine = self.deliveries(urn=school.urn)
        rows = table(lines(self.ok("notices", "log", "--school", str(school.urn)).stdout))
        self.assertEqual(rows[0], ["When", "Notice", "Role", "Address", "Channel", "State",
                                   "Attempts", "Last reply"])
        self.assertEqual(len(rows), len(mine) + 2)
        self.assertEqual(rows[-1], [f"{len(mine)} deliver{'y' if len(mine) == 1 else 'ies'}"])
        out = self.ok("notices", "log", "--notice", notice_id).stdout
        rows = table(lines(out))
        sent = [r for r in rows[1:-1] if r[1] == notice_id]
        self.assertEqual(len(sent), len(self.deliveries(notice_id=notice_id)))
        self.assertEqual(sorted(r[2] for r in sent), ["chair", "headteacher"])
        self.assertTrue(all(r[4] == "maildir" and r[5] == "sent" for r in sent), out)
        self.assertIn("head@", out)
        log = self.json_of("notices", "log", "--notice", notice_id)
        self.assertEqual({d["state"] for d in log["deliveries"]}, {"DELIVERY_SENT"})
        self.assertTrue(os.listdir(self.maildir), "the letters are in the mail directory")
        self.refused(2, "notices", "log", says="--school URN or --notice ID")
        self.refused(2, "notices", "log", "--school", str(school.urn), "--notice", notice_id,
                     says="not both")
        self.refused(4, "notices", "log", "--notice", "no-such-notice", says="no-such-notice")

        # dead letters: none; a retry of an unknown key is refused
        self.assertEqual(lines(self.ok("notices", "dead").stdout), ["0 dead letter(s)"])
        self.assertEqual(self.json_of("notices", "dead")["deliveries"], [])
        self.refused(4, "notices", "retry", "0123456789abcdef", says="NOT_FOUND")
        self.refused(3, "notices", "retry", "abc", says="first 8 characters")

        # recipients and their preference for a daily digest
        out = self.ok("notices", "recipients", str(school.urn)).stdout
        rows = table(lines(out))
        self.assertEqual(rows[0], [f"School {school.urn}"])
        self.assertEqual(rows[1], ["Role", "Name", "Email", "Notices"])
        roles = {r[0]: r for r in rows[2:]}
        self.assertEqual(roles["headteacher"][3], "at once")
        out = self.ok("notices", "prefs", str(school.urn), "--role", "headteacher", "--digest",
                      "yes").stdout
        self.assertEqual(lines(out)[0], f"headteacher of {school.urn}: notices that are not "
                                        "statutory come as a daily digest")
        rec = self.json_of("notices", "recipients", str(school.urn))["recipients"]
        by_role = {r["role"]: r for r in rec}
        self.assertTrue(by_role["RECIPIENT_HEADTEACHER"]["digest"])
        self.assertFalse(by_role["RECIPIENT_CHAIR_OF_GOVERNORS"]["digest"])
        self.refused(3, "notices", "prefs", str(school.urn), "--role", "cluster-chair",
                     "--digest", "yes", says="give the cluster's id")
        self.refused(3, "notices", "prefs", AUDIENCE[0], "--role", "chair", "--digest", "no",
                     says="give its URN")
        self.refused(3, "notices", "prefs", str(school.urn), "--role", "janitor", "--digest",
                     "no", says="--role \"janitor\"")
        self.refused(4, "notices", "recipients", "999999", says="NOT_FOUND")

        # digests now
        self.assertRegex(self.ok("notices", "digest").stdout,
                         r"^sent \d+ digest\(s\) holding \d+ notice\(s\)\n$")
        rep = self.json_of("notices", "digest")
        self.assertEqual(set(rep), {"digests", "notices"})


class TemplatesCheckTest(unittest.TestCase):
    """`templates check` loads the templates with the notifier's own loader; no service."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="n2gg-templates-")
        self.dir = os.path.join(self.tmp, "templates")
        shutil.copytree(TEMPLATES, self.dir)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_good_set(self):
        r = run_cli("templates", "check", self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(lines(r.stdout), [f"{self.dir}: the letter templates load without errors"])
        self.assertEqual(r.stderr, "")
        r = run_cli("templates", "check", self.dir, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), {"dir": self.dir, "ok": True, "messages": []})

    def test_missing_file_takes_the_built_in_one(self):
        os.remove(os.path.join(self.dir, "digest.tmpl"))
        r = run_cli("templates", "check", self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("digest.tmpl", r.stderr)
        self.assertIn("built-in", r.stderr)

    def test_broken_template(self):
        path = os.path.join(self.dir, "mi_sheet.tmpl")
        with open(path) as f:
            text = f.read()
        if not text.endswith("\n"):
            text += "\n"
        line = text.count("\n") + 1
        with open(path, "w") as f:
            f.write(text + "{{no_such_variable}}\n")
        r = run_cli("templates", "check", self.dir)
        self.assertEqual(r.returncode, 3, f"{r.stdout}\n{r.stderr}")
        self.assertRegex(r.stderr, rf"mi_sheet\.tmpl:{line}: .*no_such_variable")
        self.assertIn("the templates have errors", r.stderr)
        self.assertEqual(r.stdout, "")
        r = run_cli("templates", "check", self.dir, "--json")
        self.assertEqual(r.returncode, 3)
        rep = json.loads(r.stdout)
        self.assertFalse(rep["ok"])
        self.assertTrue(any(f"mi_sheet.tmpl:{line}:" in m["message"] for m in rep["messages"]),
                        rep)

    def test_unclosed_section(self):
        path = os.path.join(self.dir, "category_letter.tmpl")
        with open(path) as f:
            text = f.read().split("\n")
        sep = next(i for i, s in enumerate(text) if s.strip() == "--- text ---")
        text.insert(sep + 1, "{{#school}}")
        with open(path, "w") as f:
            f.write("\n".join(text))
        r = run_cli("templates", "check", self.dir)
        self.assertEqual(r.returncode, 3, f"{r.stdout}\n{r.stderr}")
        self.assertRegex(r.stderr, r"category_letter\.tmpl:\d+: ")

    def test_internal_identifier_in_a_letter(self):
        """A template that loads but shows an internal identifier (here the cluster's code
        in the visit letter) is refused, naming the file and what it shows."""
        path = os.path.join(self.dir, "visit_schedule.tmpl")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("Yours sincerely,",
                                 "Reference: {{school.cluster}}\n\nYours sincerely,", 1))
        r = run_cli("templates", "check", self.dir)
        self.assertEqual(r.returncode, 3, f"{r.stdout}\n{r.stderr}")
        self.assertIn(f"{path}: the Visit schedule shows a cluster's code", r.stderr)
        self.assertIn("internal identifiers", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_no_such_directory(self):
        r = run_cli("templates", "check", os.path.join(self.tmp, "nowhere"))
        self.assertEqual(r.returncode, 3, f"{r.stdout}\n{r.stderr}")
        self.assertIn("nowhere", r.stderr)


if __name__ == "__main__":
    unittest.main()
