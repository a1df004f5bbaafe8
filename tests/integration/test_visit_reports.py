"""Visit reports and the annual conversation end to end, with the real registry,
categoriser, scheduler and notifier and the n2gg command line: the demo's visits are
planned as of 2013-11-15, then the scheduler is started again as of 2014-01-20, so that
the autumn's visits have happened. A report recorded through the CLI is published as
visit.reported and, after the notifier's settle window, reaches the school's headteacher
and chair of governors as a letter that names the partner and how to reach them, and no
internal identifier; a correction within the window gives one letter, of the corrected
report, and one after it a corrected letter. Visits with no report after
--report-due-days are listed (`visits overdue`) and counted (a gauge on /metrics). Bad
input is refused with nothing stored: a report of a visit that does not exist, of a visit
still to come, a progress judgement off the scale, a date after today, and a second annual
conversation for the same school and year."""
import json
import os
import urllib.request

import lmdb

from harness import ALREADY_EXISTS, INVALID_ARGUMENT, SLOW, ServiceError, import_file, wait_for
from n2gg.v1 import notifier_pb2 as ntf_pb2
from n2gg.v1 import scheduler_pb2 as S
from promcheck import check as promcheck
from test_notifier import parse
from test_scheduler_cli import DEMO, SchedulerCliTestCase

TODAY = "2014-01-20"            # the scheduler's --as-of once the autumn's visits are past
DUE_DAYS = 14                   # --report-due-days
SETTLE_MS = 5000 * SLOW         # the notifier's --settle-ms
SENT = ntf_pb2.DELIVERY_SENT
# what a letter must never show: the scheduler's names for things, and who keyed it in
INTERNAL = ("annual_conversation", "monitoring-", "PROGRESS_", "cli.tests", "visit_id")


class VisitReportsTest(SchedulerCliTestCase):
    def setUp(self):
        super().setUp()
        # the heads' and chairs' addresses, before the plan, so that nothing after it
        # changes a school the plan has placed
        import_file(self.client(self.reg), "ImportContacts", os.path.join(DEMO, "contacts.csv"))
        self.caught_up()
        self.sc.call("RunAllocation", S.RunAllocationRequest(), S.PlanReply)
        self.planned = list(self.visits())
        # the autumn over: the scheduler's "today" moves on (same store)
        self.assertEqual(self.sch.stop(), 0)
        self.sch.extra_args[self.sch.extra_args.index("--as-of") + 1] = TODAY
        self.sch.extra_args += ["--report-due-days", str(DUE_DAYS)]

    def restart_scheduler(self):
        self.sch.start()
        self.sc = self.client(self.sch)
        self.caught_up()

    def start_notifier(self):
        return self.start("notifier", extra_args=[
            "--registry", self.reg.api, "--registry-events", self.reg.events,
            "--categoriser", self.cat.api, "--categoriser-events", self.cat.events,
            "--scheduler", self.sch.api, "--scheduler-events", self.sch.events,
            "--as-of", TODAY, "--settle-ms", str(SETTLE_MS), "--visit-settle-ms", "300",
            "--retry-base-ms", "50", "--retry-max-ms", "400"])

    # ---- the store, as a hand or an older tool could leave it ----

    def plant_visit(self, visit):
        """A visit written into the stopped scheduler's store (key: URN big-endian, id)."""
        env = lmdb.open(os.path.join(self.sch.data_dir, "store"), max_dbs=32, subdir=True)
        with env.begin(write=True) as txn:
            db = env.open_db(b"visits", txn=txn, create=False)
            txn.put(visit.urn.to_bytes(4, "big") + visit.id.encode(), visit.SerializeToString(),
                    db=db)
            formats = env.open_db(b"store_format", txn=txn, create=False)
            own = int.from_bytes(txn.get(b"own", db=formats), "big")
        env.close()
        return own

    # ---- answers ----

    def report(self, visit_id):
        return self.sc.call("GetVisitReport", S.GetVisitReportRequest(visit_id=visit_id),
                            S.VisitReportReply)

    def overdue(self):
        return self.sc.call("ListVisitReports", S.ListVisitReportsRequest(overdue=True),
                            S.ListVisitReportsReply).overdue

    def reported_events(self):
        return [S.VisitReportEvent.FromString(e.payload)
                for e in self.sc.all_events() if e.topic == "visit.reported"]

    def reg_head(self):
        return self.rc.read_events(max_events=1).head_seq

    def head_seq(self):
        return self.sc.read_events(max_events=1).head_seq

    def letters(self, ntf, urn):
        return [n for n in self.nc.call("ListNotices", ntf_pb2.ListNoticesRequest(
            urn=urn, kind=ntf_pb2.NOTICE_VISIT_REPORT), ntf_pb2.ListNoticesReply).notices]

    def deliveries(self, ntf, notice_id):
        return self.nc.call("DeliveryLog", ntf_pb2.DeliveryLogRequest(
            notice_id=notice_id), ntf_pb2.DeliveriesReply).deliveries

    def sent_letter(self, ntf, notice):
        """The notice's letters once every delivery with an address has gone: role -> the
        plain text with its subject."""
        def gone():
            ds = [d for d in self.deliveries(ntf, notice.id) if d.recipient.email]
            return ds if ds and all(d.state == SENT for d in ds) else None
        ds = wait_for(gone, timeout=30 + SETTLE_MS / 1000, what=f"notice {notice.id} to go")
        out = {}
        for d in ds:
            msg = parse(os.path.join(self.ntf.data_dir, "store", "maildir", d.key + ".eml"))
            out[d.recipient.role] = (str(msg["Subject"]), msg.get_body(
                ("plain",)).get_content().replace("\r\n", "\n"))
        return out

    def assert_humane(self, text, *ids):
        for word in INTERNAL + ids:
            self.assertNotIn(word, text)

    # ---- the test ----

    def test_reports_letters_overdue_and_bad_input(self):
        past = [v for v in self.planned if v.date < TODAY]
        urn = next(u for u in sorted({v.urn for v in past})
                   if any(v.urn == u and v.kind == "annual_conversation" for v in past)
                   and any(v.urn == u and v.kind == "monitoring" for v in past))
        annual = next(v for v in past if v.urn == urn and v.kind == "annual_conversation")
        monitoring = next(v for v in past if v.urn == urn and v.kind == "monitoring")
        to_come = next(v for v in self.planned if v.date > TODAY)
        # the planner never makes a second annual conversation for a school's year (a
        # reported visit is history to it); a store can still hold one, and the report
        # is refused then
        second = S.Visit()
        second.CopyFrom(annual)
        second.id = f"{urn}-{annual.year}-annual_conversation-3"
        second.half_term, second.date = 3, "2014-01-08"
        self.assertEqual(self.plant_visit(second), 4, "the scheduler's store format")
        self.restart_scheduler()
        self.ntf = ntf = self.start_notifier()
        # one client each: polling with a new one each time would use up ZeroMQ's sockets
        self.nc, self.rc = self.client(ntf), self.client(self.reg)
        wait_for(lambda: ntf.metric("n2gg_notifier_registry_cursor") >= self.reg_head() and
                 ntf.metric("n2gg_notifier_scheduler_cursor") >= self.head_seq() and
                 ntf.metric("n2gg_notifier_queue") == 0, 60, "the notifier to catch up")

        # ---- overdue before any report: listed and counted ----
        overdue = self.overdue()
        due = {v.id for v in self.planned + [second] if v.date <= "2014-01-05"}
        self.assertEqual({o.visit.id for o in overdue}, due)
        self.assertEqual(self.sch.metric("n2gg_scheduler_visit_reports_overdue"), len(due))
        with urllib.request.urlopen(f"http://{self.sch.http}/metrics", timeout=5) as r:
            metrics = r.read().decode()
        self.assertIn("# HELP n2gg_scheduler_visit_reports_overdue ", metrics)
        self.assertIn("# TYPE n2gg_scheduler_visit_reports_overdue gauge", metrics)
        self.assertEqual(promcheck(metrics), [])
        mine = json.loads(self.ok("visits", "overdue", "--school", str(urn), "--json").stdout)
        self.assertEqual(mine["report_due_days"], DUE_DAYS)
        self.assertEqual(mine["today"], TODAY)
        o = next(o for o in mine["overdue"] if o["visit"]["id"] == monitoring.id)
        self.assertEqual(o["partner_name"], self.partner(monitoring.partner_id).partner.name)
        out = self.ok("visits", "overdue", "--school", str(urn)).stdout
        self.assertIn(monitoring.id, out)
        self.assertIn(f"no report {DUE_DAYS} day(s) after (today {TODAY})", out)

        # ---- a monitoring visit's report, corrected within the settle window ----
        partner = self.partner(monitoring.partner_id).partner
        r = self.ok("visits", "report", monitoring.id, "--date", monitoring.date,
                    "--attended", "Mrs Head (headteacher); Mr Chair (chair of governors)",
                    "--progress", "good",
                    "--strengths", "Reading, especially in Key Stage 1, is strong",
                    "--priorities", "Year 6 writing", "--actions",
                    "Moderate Year 6 writing with the cluster; Governors to visit Year 6",
                    "--next-focus", "Year 6 writing books")
        self.assertIn(f"Report of {monitoring.id} recorded (version 1)", r.stdout)
        self.assertIn(partner.name, r.stdout)
        ev = self.reported_events()[-1]
        self.assertEqual(ev.report.visit_id, monitoring.id)
        self.assertEqual(ev.report.progress, S.PROGRESS_GOOD)
        self.assertIn("cli.tests", ev.report.recorded_by)
        self.assertEqual(list(ev.report.strengths), ["Reading, especially in Key Stage 1, is strong"])
        self.assertEqual((ev.partner_name, ev.partner_email, ev.partner_phone),
                         (partner.name, partner.email, partner.phone))
        self.assertFalse(ev.HasField("previous"))
        wait_for(lambda: self.letters(ntf, urn), what="the report's letter to be written")
        first = self.letters(ntf, urn)
        self.assertEqual(len(first), 1)
        self.assertTrue(first[0].by_hand)
        # the correction names only what was wrong
        r = self.ok("visits", "report", monitoring.id, "--progress", "strong")
        self.assertIn("corrected (version 2)", r.stdout)
        again = self.ok("visits", "report", monitoring.id, "--progress", "strong")
        self.assertIn("unchanged (version 2)", again.stdout)
        self.assertFalse([d for d in self.deliveries(ntf, first[0].id) if d.state == SENT],
                         "the letter waits the settle window")
        ev = self.reported_events()[-1]
        self.assertEqual((ev.report.version, ev.previous.version), (2, 1))
        self.assertEqual(list(ev.report.agreed_actions), ["Moderate Year 6 writing with the cluster",
                                                          "Governors to visit Year 6"])
        letters = self.sent_letter(ntf, first[0])
        self.assertEqual(len(self.letters(ntf, urn)), 1, "one letter, rewritten")
        subject, text = letters[ntf_pb2.RECIPIENT_HEADTEACHER]
        self.assertIn("report of your partner's visit on", subject)
        self.assertNotIn("(corrected)", subject)
        self.assertIn(f"Thank you for welcoming {partner.name}", text)
        self.assertIn("improvement plan to be strong", text)
        self.assertNotIn("to be good", text)
        self.assertIn("  - Governors to visit Year 6", text)
        self.assertIn(f"Email:      {partner.email}", text)
        self.assertIn(f"Telephone:  {partner.phone}", text)
        self.assert_humane(subject + text, monitoring.id, partner.id)
        shown = self.ok("visits", "show", monitoring.id).stdout
        self.assertIn("Report (version 2, recorded by cli.tests", shown)
        self.assertIn("strong: the plan's priorities are being met", shown)

        # ---- the annual conversation ----
        cep = self.partner(annual.partner_id).partner
        self.ok("visits", "report", annual.id, "--date", annual.date,
                "--attended", "Mrs Head (headteacher)", "--progress", "some",
                "--strengths", "A caring ethos; strong early reading",
                "--priorities", "Mathematics in Key Stage 2",
                "--actions", "Join the cluster's mathematics network",
                "--validation", "The school's view of its leadership as good is borne out",
                "--signposting", "Norfolk Governor Services; the Maths Hub")
        annual_letter = wait_for(lambda: [n for n in self.letters(ntf, urn)
                                          if n.id != first[0].id], what="the annual letter")[0]
        subject, text = next(iter(self.sent_letter(ntf, annual_letter).values()))
        self.assertIn("your annual conversation on", subject)
        self.assertIn("The school's self-evaluation", text)
        self.assertIn("  - the Maths Hub", text)
        self.assertIn("Priorities for improvement\n  - Mathematics in Key Stage 2", text)
        self.assertIn(cep.name, text)
        self.assert_humane(subject + text, annual.id, cep.id)
        # corrected after its letter went: a letter of its own, saying it replaces the first
        self.ok("visits", "report", annual.id, "--progress", "good")
        corrected = wait_for(lambda: [n for n in self.letters(ntf, urn)
                                      if n.id not in (first[0].id, annual_letter.id)],
                             what="the corrected letter")[0]
        subject, text = next(iter(self.sent_letter(ntf, corrected).values()))
        self.assertIn("(corrected)", subject)
        self.assertIn("This letter replaces the one we sent you", text)

        # ---- reported visits are no longer overdue ----
        self.assertEqual({o.visit.id for o in self.overdue()}, due - {monitoring.id, annual.id})
        self.assertEqual(self.sch.metric("n2gg_scheduler_visit_reports_overdue"), len(due) - 2)
        listed = json.loads(self.ok("visits", "reports", "--school", str(urn), "--json").stdout)
        self.assertEqual([x["visit_id"] for x in listed["reports"]],
                         sorted([monitoring.id, annual.id], key=lambda i: next(
                             v.date for v in self.planned if v.id == i)))

        # ---- bad input: refused, nothing stored, nothing published ----
        head = self.head_seq()
        held = ("--date", "2014-01-08", "--attended", "Mrs Head (headteacher)",
                "--progress", "good", "--actions", "x")
        self.refused(4, "visits", "report", f"{urn}-2014-monitoring-9", *held,
                     says="no visit")
        self.refused(3, "visits", "report", "not-a-visit", *held, says="is not a visit id")
        self.refused(5, "visits", "report", to_come.id, *held, says="report it once it has happened")
        self.refused(3, "visits", "report", monitoring.id, "--progress", "excellent",
                     says="not on the scale: strong, good, some or little")
        self.refused(3, "visits", "report", monitoring.id, "--date", "2014-01-21",
                     says="is after today (2014-01-20)")
        annual_fields = ("--strengths", "s", "--priorities", "p", "--validation", "v")
        self.refused(5, "visits", "report", second.id, *held, *annual_fields,
                     says=f"has its annual conversation of {annual.year - 1}/{annual.year % 100:02d} "
                          f"already (visit {annual.id}")
        with self.assertRaises(ServiceError) as e:   # off the scale through the API itself
            self.client(self.sch, actor="officer").call("RecordVisitReport", S.RecordVisitReportRequest(
                report=S.VisitReport(visit_id=monitoring.id, held=True, date_held=monitoring.date,
                                     attended=["A"], progress=9, agreed_actions=["x"])),
                S.VisitReportReply)
        self.assertEqual(e.exception.code, INVALID_ARGUMENT)
        with self.assertRaises(ServiceError) as e:
            self.client(self.sch, actor="officer").call("RecordVisitReport", S.RecordVisitReportRequest(
                report=S.VisitReport(visit_id=second.id, held=False, not_held_reason="snow")),
                S.VisitReportReply)
        self.assertEqual(e.exception.code, ALREADY_EXISTS)
        self.assertEqual(self.head_seq(), head, "no event")
        self.assertFalse(self.report(second.id).HasField("report"))
        self.assertFalse(self.report(to_come.id).HasField("report"))
        self.assertEqual(self.report(monitoring.id).report.progress, S.PROGRESS_STRONG)
        self.assertEqual(self.report(monitoring.id).report.version, 2)
