"""The dashboard's actions, letters and accounts end to end, with the real registry,
categoriser, scheduler and notifier on the demo data (as test_dashboard sets them up). An
officer targets a school for N2GG through the dashboard: the registry records it as
"olive via dashboard", the categoriser moves the school to B, and the dashboard's page says
so with the letter now waiting (the notifier's settle window); the letter is read and
cancelled from the letters page. An override with an expiry; a form refused (its errors
linked, its markup escaped, nothing changed); a pin refused with the scheduler's message;
an MI sheet previewed with its audience, then published. A partner records a visit report
for a school it serves and is refused for another; a viewer is refused; a forged CSRF token
and an oversized form change nothing. An admin adds an account, who then signs in."""
import datetime
import re
import urllib.parse

import test_dashboard as base
from harness import wait_for
from n2gg.v1 import categoriser_pb2 as C
from n2gg.v1 import notifier_pb2 as N
from n2gg.v1 import registry_pb2 as R
from n2gg.v1 import scheduler_pb2 as S

base.PASSWORDS["ada"] = "admin-password-1"
LATER = "2014-01-20"   # the scheduler's today once the autumn's visits are past
MS_PER_DAY = 86400000


class DashboardActionsTest(base.DashboardTest):
    test_dashboard = None   # the base class's own tests run in test_dashboard
    test_groups = None

    def post(self, browser, path, form):
        return browser.request("POST", path, form={**form, "csrf": browser.csrf()})

    def category(self, urn):
        return self.client(self.cat).call("GetCategory", C.GetCategoryRequest(urn=urn),
                                          C.GetCategoryReply).decision

    def flags(self, urn):
        return self.client(self.reg).call("GetSchool", R.GetSchoolRequest(urn=urn),
                                          R.GetSchoolReply).school.flags

    def shown_flags(self, browser, urn):
        """The flags page's record of the flags as shown (its hidden was_ fields)."""
        _, _, page = browser.get(f"/schools/{urn}/flags")
        return dict(re.findall(r'<input type="hidden" name="(was[a-z_]*)" value="([^"]*)">', page))

    def actors(self, svc, topic):
        return [e.actor for e in self.client(svc).all_events() if e.topic == topic]

    def test_actions(self):
        o = base.Browser(self.web)
        self.assertEqual(o.login("olive", base.PASSWORDS["olive"])[0], 303)
        open_urns = {s.urn for s in self.open_schools()} - {self.evil_urn}
        c_school = next(d.urn for d in self.decisions("C") if d.urn in open_urns)

        # the first letters of the plan go first, so that what waits afterwards is ours
        wait_for(lambda: not self.poller(self.ntf).call("ListNotices", N.ListNoticesRequest(
            pending=True, limit=1), N.ListNoticesReply).notices, 120, "the first letters sent")

        # ---- target a school for N2GG: C -> B, and the letter that will go ----
        status, _, page = o.get(f"/schools/{c_school}")
        self.assertIn(f'href="/schools/{c_school}/flags"', page)
        status, _, page = o.get(f"/schools/{c_school}/flags")
        self.assertEqual(status, 200)
        self.assertIn('name="targeted_n2gg"', page)
        status, _, page = self.post(o, f"/schools/{c_school}/flags", {"targeted_n2gg": "yes"})
        self.assertEqual(status, 200, page)
        self.assertIn("LA flags saved", page)
        self.assertIn("govuk-panel--confirmation", page)
        self.assertIn("category <strong>B</strong>", page)
        self.assertTrue(self.flags(c_school).targeted_n2gg)
        self.assertEqual(self.category(c_school).category, "B")
        self.assertIn("olive via dashboard", self.actors(self.reg, "registry.flags.changed"))
        self.assertIn("action forwarded", self.dash.log())
        # the letter it causes waits the notifier's settle window: on the action's page when
        # it reached the notifier within the page's wait, and on the school's page
        notice = wait_for(lambda: next((n for n in self.poller(self.ntf).call(
            "ListNotices", N.ListNoticesRequest(urn=c_school, pending=True),
            N.ListNoticesReply).notices if n.kind == N.NOTICE_CATEGORY_LETTER), None), 60,
            "the category letter")
        letter = notice.id
        shown = re.search(r'href="/letters/([^"]+)">Category letter', page)
        if shown:
            self.assertEqual(shown.group(1), letter)
            self.assertIn("goes at ", page)
        # the school's page, from the dashboard's read model, catches up
        wait_for(lambda: ">B</strong>" in o.get(f"/schools/{c_school}")[2], 30, "category B")
        wait_for(lambda: notice.subject in o.get(f"/schools/{c_school}")[2], 30, "the letter")

        # ---- the letters page: the letter waits, is read, and is cancelled ----
        status, _, page = o.get("/letters")
        self.assertEqual(status, 200)
        self.assertIn(f'href="/letters/{letter}"', page)
        status, _, page = o.get(f"/letters/{letter}")
        self.assertEqual(status, 200)
        self.assertIn('class="dash-letter"', page)
        self.assertIn("Cancel the letter", page)
        status, _, page = self.post(o, f"/letters/{letter}/cancel", {"reason": ""})
        self.assertIn("There is a problem", page)
        self.assertIn("Say why the letter is not to go", page)
        status, _, page = self.post(o, f"/letters/{letter}/cancel",
                                    {"reason": "sent by hand at the meeting"})
        self.assertEqual(status, 200, page)
        self.assertIn("Letter cancelled", page)
        pending = self.client(self.ntf).call("ListNotices", N.ListNoticesRequest(
            urn=c_school, pending=True), N.ListNoticesReply).notices
        self.assertNotIn(letter, [n.id for n in pending])
        self.assertEqual(o.get("/letters/no-such-letter")[0], 404)

        # ---- an override with an expiry, after a refused form ----
        other = next(d.urn for d in self.decisions("C") if d.urn in open_urns and d.urn != c_school)
        status, _, page = self.post(o, f"/schools/{other}/override", {
            "category": "Z", "reason": "<b>bold</b> & more", "expires": "31/02/2099"})
        self.assertEqual(status, 200)
        self.assertIn("There is a problem", page)
        self.assertIn('href="#category"', page)
        self.assertIn('href="#expires"', page)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt; &amp; more", page)
        self.assertNotIn("<b>bold</b>", page)
        self.assertEqual(self.category(other).category, "C")
        status, _, page = self.post(o, f"/schools/{other}/override", {
            "category": "D", "reason": "governance concerns", "expires": "2099-12-31"})
        self.assertEqual(status, 200, page)
        self.assertIn("Category set", page)
        self.assertIn("category <strong>D</strong>", page)
        decision = self.category(other)
        self.assertEqual(decision.category, "D")
        days = (datetime.date(2099, 12, 31) - datetime.date(1970, 1, 1)).days
        self.assertEqual(decision.override.expires_unix_ms, (days + 1) * MS_PER_DAY)
        self.assertEqual(decision.override.set_by, "olive via dashboard")

        # ---- a pin the scheduler refuses: its message in the error summary ----
        partners = self.sc.call("ListPartners", S.ListPartnersRequest(),
                                S.ListPartnersReply).partners
        not_sip = next(p for p in partners if S.ROLE_SIP not in p.roles and p.active)
        status, _, page = o.get(f"/schools/{c_school}/pin")
        self.assertEqual(status, 200)
        self.assertIn(f'value="{not_sip.id}"', page)
        head = self.client(self.sch).read_events(max_events=1).head_seq
        status, _, page = self.post(o, f"/schools/{c_school}/pin", {
            "op": "pin", "role": "sip", "partner": not_sip.id, "reason": "knows the school"})
        self.assertEqual(status, 200)
        self.assertIn("There is a problem", page)
        self.assertIn("hard rule", page)
        self.assertIn(f'value="{not_sip.id}" selected', page)
        self.assertEqual(self.client(self.sch).read_events(max_events=1).head_seq, head)

        # ---- an MI sheet: previewed with its audience count, then published ----
        self.assertEqual(o.get("/mi/new")[0], 200)
        sheet = {"type": "information", "title": "Termly briefing <for heads>",
                 "body": "Para one.\n\nPara two.", "contact_name": "J Bloggs",
                 "contact_phone": "01603 000000", "headteachers": "yes", "categories": "B"}
        expected = self.client(self.ntf).call("PublishMi", N.PublishMiRequest(
            sheet=N.MiSheet(type=N.MI_INFORMATION, title="x", body="y", contact_name="z",
                            audience=N.MiAudience(headteachers=True, categories="B")),
            dry_run=True), N.MiReply)
        status, _, page = self.post(o, "/mi/new", {**sheet, "step": "preview"})
        self.assertEqual(status, 200, page)
        self.assertIn("Check the MI sheet", page)
        self.assertIn(f"<strong>{expected.schools} schools</strong>", page)
        self.assertIn("Termly briefing &lt;for heads&gt;", page)
        self.assertEqual(len(self.client(self.ntf).call("ListMi", N.ListMiRequest(),
                                                        N.ListMiReply).sheets), 0)
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page))
        self.assertEqual(hidden["title"], "Termly briefing &lt;for heads&gt;")
        status, _, page = self.post(o, "/mi/new", {**sheet, "step": "confirm"})
        self.assertEqual(status, 200, page)
        self.assertIn("MI sheet published", page)
        sheets = self.client(self.ntf).call("ListMi", N.ListMiRequest(), N.ListMiReply).sheets
        self.assertEqual([s.title for s in sheets], [sheet["title"]])
        self.assertEqual(sheets[0].published_by, "olive via dashboard")
        self.assertIn(f"MI {sheets[0].number} goes to", page)

        # ---- a partner: a report for a school it serves, refused for another ----
        p = base.Browser(self.web)
        self.assertEqual(p.login("pat", base.PASSWORDS["pat"])[0], 303)
        # the autumn over: the scheduler's "today" moves on (same store, same address)
        self.assertEqual(self.sch.stop(), 0)
        self.sch.extra_args[self.sch.extra_args.index("--as-of") + 1] = LATER
        self.sch.start()
        self.sc = self.client(self.sch)
        visits = self.sc.call("ListVisits", S.ListVisitsRequest(partner_id=self.partner),
                              S.ListVisitsReply).visits
        visit = next(v for v in visits if v.date <= LATER and v.urn in self.partner_urns)
        path = f"/schools/{visit.urn}/report"
        status, _, page = p.get(path + "?visit=" + urllib.parse.quote(visit.id))
        self.assertEqual(status, 200)
        report = {"visit": visit.id, "held": "yes", "date_held": visit.date,
                  "attended": "Jo Bloggs (headteacher)\nSam Smith (chair)", "progress": "good",
                  "strengths": "Phonics <em>teaching</em>", "priorities": "Writing",
                  "agreed_actions": "Plan the next term"}
        if visit.kind == "annual_conversation":
            report["self_evaluation_validation"] = "Accurate"
        status, _, page = self.post(p, path, {**report, "progress": ""})
        self.assertIn('href="#progress"', page)
        status, _, page = self.post(p, path, report)
        self.assertEqual(status, 200, page)
        self.assertIn("Report recorded", page)
        got = self.sc.call("GetVisitReport", S.GetVisitReportRequest(visit_id=visit.id),
                           S.VisitReportReply).report
        self.assertEqual(got.recorded_by, "pat via dashboard")
        self.assertEqual(list(got.strengths), ["Phonics <em>teaching</em>"])
        stranger = next(u for u in open_urns if u not in self.partner_urns)
        status, _, _ = self.post(p, f"/schools/{stranger}/report", {**report, "visit": visit.id})
        self.assertEqual(status, 403)
        self.assertEqual(self.post(p, f"/schools/{visit.urn}/flags", {"targeted_n2gg": "yes"})[0],
                         403)
        self.assertEqual(p.get("/letters")[0], 403)

        # ---- a viewer, a forged token, an oversized form: refused, nothing changed ----
        v = base.Browser(self.web)
        self.assertEqual(v.login("vic", base.PASSWORDS["vic"])[0], 303)
        self.assertEqual(v.get(f"/schools/{other}/override")[0], 403)
        self.assertEqual(self.post(v, f"/schools/{other}/flags", {"causing_concern": "yes"})[0], 403)
        self.assertEqual(self.post(v, "/mi/new", {**sheet, "step": "confirm"})[0], 403)
        self.assertEqual(o.request("POST", f"/schools/{other}/flags", form={
            "causing_concern": "yes", "csrf": "f" * 64})[0], 403)
        self.assertEqual(o.request("POST", f"/schools/{other}/flags", form={
            "causing_concern": "yes"})[0], 403)
        status, _, _ = o.request("POST", f"/schools/{other}/flags",
                                 body="csrf=" + o.csrf() + "&transition_reason=" + "a" * 200000)
        self.assertEqual(status, 413)
        self.assertFalse(self.flags(other).causing_concern)
        self.assertEqual(self.category(other).category, "D")

        # ---- two officers on one school's flags: neither undoes the other ----
        stale = self.shown_flags(o, other)   # olive's page, opened before the other's change
        self.client(self.reg, actor="officer").call("SetFlags", R.SetFlagsRequest(
            urn=other, flags=R.LaFlags(targeted_system_leader=True, psswn_issued_date="2013-11-15"),
            fields=["targeted_system_leader", "psswn_issued_date"]), R.SchoolReply)
        status, _, page = self.post(o, f"/schools/{other}/flags", {
            **stale, "in_transition": "yes", "transition_reason": "Amalgamation"})
        self.assertIn("LA flags saved", page)
        now = self.flags(other)
        self.assertEqual((now.in_transition, now.targeted_system_leader, now.psswn_issued_date),
                         (True, True, "2013-11-15"), "the other officer's change was undone")
        # changing what the other changed meanwhile is refused, naming them, once the
        # dashboard has heard of the change
        wait_for(lambda: self.shown_flags(o, other)["was_psswn_issued_date"] == "2013-11-15", 30,
                 "the dashboard's copy of the flags")
        status, _, page = self.post(o, f"/schools/{other}/flags", {
            **stale, "psswn_issued_date": "2013-12-01"})
        self.assertIn("There is a problem", page)
        self.assertIn("This was changed since you opened the page: it is now "
                      "&quot;2013-11-15&quot;", page)
        self.assertEqual(self.flags(other).psswn_issued_date, "2013-11-15")
        # the form shown again has the flags as they are now, with the officer's date
        ticked = set(re.findall(r'id="([a-z_]+)" name="[a-z_]+" type="checkbox" value="yes" '
                                r'checked', page))
        self.assertEqual(ticked, {"targeted_system_leader", "in_transition"}, page)
        self.assertIn('name="transition_reason" type="text" value="Amalgamation"', page)
        self.assertIn('name="psswn_issued_date" type="text" value="2013-12-01"', page)
        status, _, page = self.post(o, f"/schools/{other}/flags", {   # saved again: deliberate
            **dict(re.findall(r'<input type="hidden" name="(was[a-z_]*)" value="([^"]*)">', page)),
            **{name: "yes" for name in ticked}, "transition_reason": "Amalgamation",
            "psswn_issued_date": "2013-12-01"})
        self.assertIn("LA flags saved", page)
        now = self.flags(other)
        self.assertEqual((now.in_transition, now.targeted_system_leader, now.psswn_issued_date),
                         (True, True, "2013-12-01"))

        # ---- an admin adds an account, who signs in with the password shown once ----
        self.assertEqual(o.get("/admin")[0], 403)
        self.add_user("ada", "admin")
        a = base.Browser(self.web)
        self.assertEqual(a.login("ada", base.PASSWORDS["ada"])[0], 303)
        status, _, page = a.get("/admin")
        self.assertEqual(status, 200)
        self.assertIn("olive", page)
        status, _, page = self.post(a, "/admin/accounts", {"name": "bad name!", "role": "viewer"})
        self.assertIn('href="#name"', page)
        status, _, page = self.post(a, "/admin/accounts", {"name": "newbie", "role": "viewer"})
        self.assertEqual(status, 200, page)
        password = re.search(r'id="new-password">([^<]+)<', page).group(1)
        self.assertIn("account added", self.dash.log())
        n = base.Browser(self.web)
        self.assertEqual(n.login("newbie", password)[0], 303)
        self.assertEqual(n.get("/")[0], 200)
        self.assertEqual(self.post(a, "/admin/accounts/newbie/disable", {})[0], 200)
        self.assertEqual(n.get("/")[0], 303)   # its session ends
        self.assertIn("account disabled", self.dash.log())
