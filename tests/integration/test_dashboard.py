"""The dashboard (n2gg-dashboard) end to end with the real registry, categoriser, scheduler
and notifier on the demo data set (data/demo, decided and planned as of 2013-11-15), one
school renamed with markup in its name. A browser is played with http.client and a cookie
jar: signing in (and failing to, and being slowed down after too many failures), the LA
overview against the services' own answers, the schools list's search, filters and CSV
export, a school's page, a partner kept to the schools it serves (403 on another), an
unknown URN (404), a form without or with a forged CSRF token (403, the session goes on),
an oversized form (413), signing out, and a session that ends when idle (after a restart:
sessions are kept in the dashboard's store). Federations and partnerships made through the
registry's API: linked from their schools' pages, their own pages listing their members, a
partner kept to its own; a store of the format before them (4) migrated."""
import csv
import http.client
import io
import os
import re
import subprocess
import time
import urllib.parse

import lmdb

from harness import (SLOW, SOURCE_DIR, Client, ServiceTestCase, common_pb2, free_port,
                     import_file, wait_for)
from n2gg.v1 import categoriser_pb2 as C
from n2gg.v1 import notifier_pb2 as N
from n2gg.v1 import registry_pb2 as R
from n2gg.v1 import scheduler_pb2 as S

DEMO = os.path.join(SOURCE_DIR, "data", "demo")
AS_OF = "2013-11-15"
EVIL = '<script>alert("x")</script> Evil & Co Primary'
PASSWORDS = {"olive": "officer-password-1", "pat": "partner-password-1",
             "vic": "viewer-password-1"}


class Browser:
    """One browser: its cookies, and every answer as (status, headers, text)."""

    def __init__(self, address, tls=None):
        self.tls = tls   # an ssl.SSLContext: HTTPS
        self.host, port = address.rsplit(":", 1)
        self.port = int(port)
        self.cookies = {}
        self.set_cookies = []

    def request(self, method, path, form=None, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form)
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = (http.client.HTTPSConnection(self.host, self.port, timeout=30 * SLOW,
                                            context=self.tls) if self.tls else
                http.client.HTTPConnection(self.host, self.port, timeout=30 * SLOW))
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            text = r.read().decode("utf-8")
        finally:
            conn.close()
        self.set_cookies = r.headers.get_all("Set-Cookie") or []
        for c in self.set_cookies:
            name, _, rest = c.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in c:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return r.status, r.headers, text

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def login(self, name, password, next_path="/"):
        status, _, page = self.get("/login?next=" + urllib.parse.quote(next_path, safe=""))
        token = re.search(r'name="login_token" value="([0-9a-f]+)"', page).group(1)
        return self.request("POST", "/login", form={"login_token": token, "name": name,
                                                    "password": password, "next": next_path})

    def csrf(self):
        _, _, page = self.get("/schools?q=zzzz")
        return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


class DashboardTest(ServiceTestCase):
    maxDiff = 2000
    def setUp(self):
        super().setUp()
        self.reg = self.start("registry")
        follow = ["--registry", self.reg.api, "--registry-events", self.reg.events]
        self.cat = self.start("categoriser", extra_args=follow + ["--as-of", AS_OF])
        follow += ["--categoriser", self.cat.api, "--categoriser-events", self.cat.events]
        self.sch = self.start("scheduler", extra_args=follow + ["--as-of", AS_OF])
        r = self.client(self.reg)
        # one school's name holds markup, as a hand-edited extract could
        with open(os.path.join(DEMO, "edubasealldata.csv"), encoding="latin-1", newline="") as f:
            rows = list(csv.reader(f))
        col = rows[0].index("EstablishmentName")
        self.evil_urn = int(rows[1][0])
        rows[1][col] = EVIL
        gias = os.path.join(self.tmp, "edubasealldata.csv")
        with open(gias, "w", encoding="latin-1", newline="") as f:
            csv.writer(f).writerows(rows)
        import_file(r, "ImportGias", gias, la_code=926)
        for method, name in (("ImportClusters", "clusters.csv"), ("ImportContacts", "contacts.csv"),
                             ("ImportInspections", "ofsted.csv"),
                             ("ImportAchievement", "achievement.csv")):
            import_file(r, method, os.path.join(DEMO, name))
        for year in (2017, 2018, 2019):
            import_file(r, "ImportAchievement", os.path.join(DEMO, f"ks2final-{year}.csv"),
                        year=year)
        self.sc = self.client(self.sch)
        with open(os.path.join(DEMO, "partners.csv"), "rb") as f:
            self.sc.call("ImportPartners", S.ImportPartnersRequest(data=f.read(),
                                                                   file_name="partners.csv"),
                         S.ImportPartnersReply)
        self.wait_follows(self.cat, self.reg, "registry")
        self.wait_follows(self.sch, self.reg, "registry")
        self.wait_follows(self.sch, self.cat, "categoriser")
        self.sc.call("RunAllocation", S.RunAllocationRequest(), S.PlanReply)
        self.ntf = self.start("notifier", extra_args=follow + [
            "--scheduler", self.sch.api, "--scheduler-events", self.sch.events,
            "--as-of", AS_OF])
        self.dash_args = follow + [
            "--scheduler", self.sch.api, "--scheduler-events", self.sch.events,
            "--notifier", self.ntf.api, "--notifier-events", self.ntf.events,
            "--as-of", AS_OF]
        self.web = f"127.0.0.1:{free_port()}"
        self.dash_dir = os.path.join(self.tmp, "dashboard")
        os.makedirs(self.dash_dir)
        # a partner who serves schools, for the partner's account
        allocations = self.sc.call("ListAllocations", S.ListAllocationsRequest(),
                                   S.AllocationsReply).allocations
        served = [a for a in allocations if a.partner_id and a.urn]
        self.partner = served[0].partner_id
        self.partner_urns = {a.urn for a in served if a.partner_id == self.partner}
        self.add_user("olive", "officer")
        self.add_user("pat", "partner", "--partner", self.partner)
        self.add_user("vic", "viewer")
        self.dash = self.start_dashboard()

    def add_user(self, name, role, *extra):
        pw = os.path.join(self.tmp, f"{name}.pw")
        with open(pw, "w") as f:
            f.write(PASSWORDS[name] + "\n")
        binary = os.path.join(os.path.dirname(self.reg.binary), "..", "dashboard", "n2gg-dashboard")
        out = subprocess.run([binary, "--data-dir", os.path.join(self.dash_dir, "store"),
                              "--add-user", name, "--role", role, "--password-file", pw, *extra],
                             capture_output=True, text=True, timeout=60 * SLOW)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(f"added {name} ({role}", out.stdout)

    def start_dashboard(self, *extra):
        dash = self.start("dashboard", data_dir=self.dash_dir,
                          extra_args=self.dash_args + ["--web", self.web, *extra])
        for svc in (self.reg, self.cat, self.sch, self.ntf):
            self.wait_follows(dash, svc, svc.name)
        return dash

    def wait_follows(self, follower, source, name):
        client = Client(source.api)
        try:
            head = client.call("Health", common_pb2.HealthRequest(),
                               common_pb2.HealthReply).head_seq
        finally:
            client.close()
        metric = f"n2gg_{follower.name}_{name}_cursor"
        wait_for(lambda: (follower.metric(metric) or 0) >= head, 120, f"{metric} >= {head}")

    def publish_mi(self):
        """An Action sheet with a choice and a free-text question to the demo's headteachers,
        answered by one school (its answer holds markup): the dashboard has it once this
        returns."""
        self.wait_follows(self.ntf, self.reg, "registry")
        self.wait_follows(self.ntf, self.cat, "categoriser")
        n = self.client(self.ntf, actor="officer")
        sheet = n.call("PublishMi", N.PublishMiRequest(sheet=N.MiSheet(
            type=N.MI_ACTION, title="Pupil Premium return", body="Please answer both questions.",
            complete_by="2013-11-29", contact_name="Jane Officer", contact_phone="01603 223456",
            audience=N.MiAudience(headteachers=True),
            questions=[N.MiQuestion(number=1, text="Do you use tutoring?", options=["Yes", "No"]),
                       N.MiQuestion(number=2, text="What else?")])), N.MiReply).sheet
        status = n.call("MiStatus", N.MiStatusRequest(number=sheet.number), N.MiStatusReply)
        answered = status.outstanding[0].urn
        n.call("RespondMi", N.RespondMiRequest(
            number=sheet.number, urn=answered, respondent="A. Head",
            answers=[N.MiAnswer(question=1, answer="Yes"),
                     N.MiAnswer(question=2, answer="=SUM(A1) <b>x</b>")]))
        self.wait_follows(self.dash, self.ntf, "notifier")
        return sheet, answered, len(status.outstanding)

    def make_group(self, group_id, kind, name, urns):
        """A federation or partnership of `urns`, made through the registry's API: the
        dashboard has it once this returns."""
        r = self.client(self.reg)
        r.call("CreateGroup", R.GroupRequest(id=group_id, kind=kind, name=name))
        for urn in urns:
            r.call("AddToGroup", R.GroupRequest(id=group_id, urn=urn))
        self.wait_follows(self.dash, self.reg, "registry")

    # ---- the services' own answers ----

    def open_schools(self):
        return [s for s in self.client(self.reg).call(
            "ListSchools", R.ListSchoolsRequest(), R.ListSchoolsReply).schools
            if s.status in (R.STATUS_OPEN, R.STATUS_OPEN_PROPOSED_TO_CLOSE)]

    def decisions(self, category=""):
        return self.client(self.cat).call("ListCategories", C.ListCategoriesRequest(
            category=category), C.ListCategoriesReply).decisions

    # ---- the test ----

    def test_dashboard(self):
        b = Browser(self.web)
        # no session: to the sign-in page, which comes back to where it was going
        status, headers, _ = b.get("/schools?q=primary")
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/login?next=%2Fschools%3Fq%3Dprimary")
        status, _, _ = b.get("/schools.csv")
        self.assertEqual(status, 303)
        status, _, page = b.login("olive", "not-the-password")
        self.assertEqual(status, 200)
        self.assertIn("The user name or password is not right", page)
        self.assertNotIn("n2gg_session", b.cookies)
        # a sign-in form whose token is not its cookie's
        status, _, _ = b.request("POST", "/login", form={
            "login_token": "0" * 64, "name": "olive", "password": PASSWORDS["olive"]})
        self.assertEqual(status, 403)
        status, headers, _ = b.login("olive", PASSWORDS["olive"], "/schools?q=primary")
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/schools?q=primary")
        session = next(c for c in b.set_cookies if c.startswith("n2gg_session="))
        self.assertIn("HttpOnly", session)
        self.assertIn("SameSite=Strict", session)
        self.assertIn("sign-in refused", self.dash.log())
        self.assertIn("signed in", self.dash.log())

        # the LA overview: the registry's open schools, the categoriser's categories
        status, headers, page = b.get("/")
        self.assertEqual(status, 200)
        self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        open_schools = self.open_schools()
        self.assertIn(f"{len(open_schools)} open schools, as of {AS_OF}", page)
        open_urns = {s.urn for s in open_schools}
        a_count = sum(1 for d in self.decisions("A") if d.urn in open_urns)
        self.assertIn(f'href="/schools?category=A">{a_count}</a>', page)
        for heading in ("Schools by cluster", "Category changes this half-term",
                        "Schools without a partner", "Overdue visit reports",
                        "letters waiting"):
            self.assertIn(heading, page)

        # search by part of a name, by URN, by postcode however it is spaced
        target = next(s for s in open_schools if s.urn != self.evil_urn and s.address.postcode)
        word = target.name.split()[0].lower()
        status, _, page = b.get("/schools?q=" + urllib.parse.quote(word))
        self.assertEqual(status, 200)
        self.assertIn(f'href="/schools/{target.urn}"', page)
        _, _, page = b.get(f"/schools?q={target.urn}")
        self.assertIn(f'href="/schools/{target.urn}"', page)
        self.assertIn("1 of ", page)
        compact = target.address.postcode.replace(" ", "").lower()
        _, _, page = b.get("/schools?q=" + compact)
        self.assertIn(f'href="/schools/{target.urn}"', page)

        # the CSV export of a filtered list: the categoriser's A schools
        status, headers, text = b.get("/schools.csv?category=A")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/csv"))
        self.assertIn("attachment", headers["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual({int(r["URN"]) for r in rows}, {d.urn for d in self.decisions("A")})
        self.assertTrue(all(r["Category"] == "A" for r in rows))

        # a school: profile, category and why, Ofsted, achievement chart, partners, visits
        served = next(iter(sorted(self.partner_urns)))
        status, _, page = b.get(f"/schools/{served}")
        self.assertEqual(status, 200)
        decision = self.client(self.cat).call("GetCategory", C.GetCategoryRequest(urn=served),
                                              C.GetCategoryReply).decision
        self.assertIn(f">{decision.category}</strong>", page)
        for section in ('id="profile"', 'id="ofsted"', "<svg", 'id="visits"', 'id="letters"'):
            self.assertIn(section, page)
        partner_name = next(a.partner_name for a in self.sc.call(
            "GetAllocation", S.GetAllocationRequest(urn=served), S.AllocationsReply).allocations
            if a.partner_id == self.partner)
        self.assertIn(partner_name, page)

        # markup in a school's name is text on every page
        status, _, page = b.get(f"/schools/{self.evil_urn}")
        self.assertEqual(status, 200)
        self.assertNotIn("<script>", page)
        self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Evil &amp; Co Primary",
                      page)
        _, _, page = b.get("/schools?q=evil")
        self.assertNotIn("<script>", page)
        self.assertIn(f'href="/schools/{self.evil_urn}"', page)
        _, _, text = b.get("/schools.csv?q=evil")
        self.assertIn(EVIL.replace('"', '""'), text)

        # addresses that are not a school
        for path, code in (("/schools/999999", 404), ("/schools/abc", 404),
                           ("/schools/99999999999", 404), ("/nowhere", 404),
                           ("/static/../../etc/passwd", 404)):
            status, _, page = b.get(path)
            self.assertEqual(status, code, path)
            self.assertIn("govuk-heading-l", page)

        # forms: no token, a forged one, too large: refused, the session goes on
        before = self.dash.metric("n2gg_dashboard_csrf_refused_total")
        status, _, page = b.request("POST", "/logout", form={})
        self.assertEqual(status, 403)
        self.assertIn("Nothing was changed", page)
        status, _, _ = b.request("POST", "/logout", form={"csrf": "f" * 64})
        self.assertEqual(status, 403)
        self.assertEqual(self.dash.metric("n2gg_dashboard_csrf_refused_total"), before + 2)
        token = b.csrf()
        status, _, page = b.request("POST", "/logout", body="csrf=" + token + "&x=" + "a" * 200000)
        self.assertEqual(status, 413)
        self.assertIn("too large", page)
        self.assertEqual(b.get("/")[0], 200)

        # a partner: its own schools only
        p = Browser(self.web)
        self.assertEqual(p.login("pat", PASSWORDS["pat"])[0], 303)
        status, headers, _ = p.get("/")
        self.assertEqual((status, headers["Location"]), (303, "/schools"))
        _, _, page = p.get("/schools")
        listed = {int(u) for u in re.findall(r'href="/schools/(\d+)"', page)}
        self.assertTrue(self.partner_urns <= listed)
        other = next(s.urn for s in open_schools if s.urn not in listed)
        self.assertEqual(p.get(f"/schools/{served}")[0], 200)
        status, _, page = p.get(f"/schools/{other}")
        self.assertEqual(status, 403)
        self.assertIn("only the schools you are a partner of", page)
        self.assertEqual(p.get("/schools/999999")[0], 404)

        # signing out ends the session for good
        self.assertEqual(b.request("POST", "/logout", form={"csrf": token})[0], 303)
        self.assertEqual(b.get("/")[0], 303)

        # too many failures: the user waits, the failures are logged
        g = Browser(self.web)
        for _ in range(5):
            self.assertEqual(g.login("ghost", "wrong-password")[0], 200)
        status, _, page = g.login("ghost", "wrong-password")
        self.assertEqual(status, 429)
        self.assertIn("too many failed attempts", page)

        # sessions outlive a restart, and end when idle
        v = Browser(self.web)
        self.assertEqual(v.login("vic", PASSWORDS["vic"])[0], 303)
        self.assertEqual(v.get("/")[0], 200)
        self.assertEqual(self.dash.stop(), 0)
        self.dash = self.start_dashboard()
        self.assertEqual(v.get("/")[0], 200)
        self.assertEqual(self.dash.stop(), 0)
        self.dash = self.start_dashboard("--session-idle-seconds", "1")
        time.sleep(1.5)
        status, headers, _ = v.get("/schools")
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/login?next=%2Fschools&expired=1")
        self.assertNotIn("n2gg_session", v.cookies)
        _, _, page = v.get(headers["Location"])
        self.assertIn("Your session ended", page)

    def test_pages(self):
        """The map, a cluster, the partners, MI sheets and the system status: each for whom
        it is, escaped, with unknown ids 404 and a partner kept to its own."""
        sheet, answered, audience = self.publish_mi()
        b = Browser(self.web)
        self.assertEqual(b.login("olive", PASSWORDS["olive"])[0], 303)
        _, _, page = b.get("/")
        for href in ('href="/map"', 'href="/partners"', 'href="/mi"', 'href="/status"'):
            self.assertIn(href, page)

        # the map: every open school with a grid reference a link, the rest in the table
        schools = self.open_schools()
        status, _, page = b.get("/map")
        self.assertEqual(status, 200)
        pins = set(int(u) for u in re.findall(r'<a href="/schools/(\d+)" class="dash-pin', page))
        placed = {s.urn for s in schools if s.easting > 0 and s.northing > 0}
        self.assertTrue(placed and placed <= pins)
        self.assertIn("&lt;script&gt;", page)
        self.assertNotIn("<script>", page)
        a_schools = {d.urn for d in self.decisions("A")} & placed
        _, _, page = b.get("/map?category=A")
        self.assertEqual(set(int(u) for u in re.findall(
            r'<a href="/schools/(\d+)" class="dash-pin', page)), a_schools)

        # a cluster: its schools, its chair, its CEP
        clusters = self.client(self.reg).call("ListClusters", R.ListClustersRequest(),
                                              R.ListClustersReply).clusters
        cluster = clusters[0]
        self.client(self.reg).call("SetClusterChair", R.SetClusterChairRequest(
            id=cluster.id, chair=R.Contact(name="Chris <Chair>", email="chair@example.org")))
        self.wait_follows(self.dash, self.reg, "registry")
        status, _, page = b.get(f"/clusters/{cluster.id}")
        self.assertEqual(status, 200)
        self.assertIn("Chris &lt;Chair&gt;", page)
        members = {s.urn for s in schools if s.cluster_id == cluster.id}
        self.assertTrue(members <= {int(u) for u in re.findall(r'href="/schools/(\d+)"', page)})
        cep = next((a for a in self.sc.call("ListAllocations", S.ListAllocationsRequest(
            cluster_id=cluster.id, role=S.ROLE_CEP), S.AllocationsReply).allocations), None)
        if cep and cep.partner_id:
            self.assertIn(f'href="/partners/{cep.partner_id}"', page)
        self.assertEqual(b.get("/clusters/NO-SUCH")[0], 404)

        # the partners, and one partner's days, schools and visits
        partners = self.sc.call("ListPartners", S.ListPartnersRequest(),
                                S.ListPartnersReply).partners
        status, _, page = b.get("/partners")
        self.assertEqual(status, 200)
        for p in partners:
            self.assertIn(f'href="/partners/{p.id}"', page)
        me = next(p for p in partners if p.id == self.partner)
        mine = [a for a in self.sc.call("ListAllocations", S.ListAllocationsRequest(
            partner_id=self.partner), S.AllocationsReply).allocations]
        used = sum(a.days for a in mine)
        status, _, page = b.get(f"/partners/{self.partner}")
        self.assertEqual(status, 200)
        self.assertIn(f"{used} of {me.capacity_days} allocated", page)
        for urn in self.partner_urns:
            self.assertIn(f'href="/schools/{urn}"', page)
        visits = self.sc.call("ListVisits", S.ListVisitsRequest(partner_id=self.partner),
                              S.ListVisitsReply).visits
        self.assertIn(f"{len(visits)} visits", page)
        status, headers, text = b.get(f"/partners/{self.partner}.ics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/calendar"))
        lines = text.replace("\r\n ", "").split("\r\n")
        self.assertEqual((lines[0], lines[-2]), ("BEGIN:VCALENDAR", "END:VCALENDAR"))
        starts = sorted(l.split(":")[1] for l in lines if l.startswith("DTSTART"))
        self.assertEqual(starts, sorted(v.date.replace("-", "") for v in visits))
        self.assertEqual(len({l for l in lines if l.startswith("UID:")}), len(visits))
        self.assertEqual(b.get("/partners/NO-SUCH")[0], 404)

        # MI sheets: who answered, whom to chase, the answers, the CSV
        status, _, page = b.get("/mi")
        self.assertEqual(status, 200)
        self.assertIn(f"1 of {audience}", page)
        status, _, page = b.get(f"/mi/{sheet.number}")
        self.assertEqual(status, 200)
        self.assertIn(f"1 of {audience} have answered", page)
        self.assertIn("=SUM(A1) &lt;b&gt;x&lt;/b&gt;", page)
        self.assertIn("Yes: 1", page)
        chase = next(s for s in schools if s.urn != answered and s.headteacher.email)
        if any(n.urn == chase.urn for n in self.client(self.ntf).call(
                "MiStatus", N.MiStatusRequest(number=sheet.number), N.MiStatusReply).outstanding):
            self.assertIn(f'mailto:{chase.headteacher.email}', page)
        status, headers, text = b.get(f"/mi/{sheet.number}.csv")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/csv"))
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(len(rows), audience)
        row = next(r for r in rows if r["URN"] == str(answered))
        self.assertEqual((row["Answered"], row["1. Do you use tutoring?"], row["2. What else?"]),
                         ("yes", "Yes", "'=SUM(A1) <b>x</b>"))
        self.assertEqual(b.get("/mi/999/99")[0], 404)
        # the school's own page: the sheet it was sent, its answers (escaped)
        status, _, page = b.get(f"/schools/{answered}")
        self.assertEqual(status, 200)
        self.assertIn(f'href="/mi/{sheet.number}">MI {sheet.number}</a>: Pupil Premium return',
                      page)
        self.assertIn("Answered</strong> by A. Head.", page)
        self.assertIn("2. What else?</dt><dd class=\"govuk-summary-list__value\">=SUM(A1) "
                      "&lt;b&gt;x&lt;/b&gt;</dd>", page)
        status, _, page = b.get(f"/schools/{chase.urn}")
        if any(n.urn == chase.urn for n in self.client(self.ntf).call(
                "MiStatus", N.MiStatusRequest(number=sheet.number), N.MiStatusReply).outstanding):
            self.assertIn("Not answered</strong> To be completed by", page)

        # system status: the four services followed, caught up, and their log identities
        status, _, page = b.get("/status")
        self.assertEqual(status, 200)
        for svc in (self.reg, self.cat, self.sch, self.ntf):
            log_id = self.client(svc).read_events(0, 1).log_id
            self.assertIn(f">{svc.name}</th>", page)
            self.assertIn(f"<code>{log_id}</code>", page)

        # a partner: its own page and calendar, no other's, no MI returns
        p = Browser(self.web)
        self.assertEqual(p.login("pat", PASSWORDS["pat"])[0], 303)
        status, headers, _ = p.get("/partners")
        self.assertEqual((status, headers["Location"]), (303, f"/partners/{self.partner}"))
        self.assertEqual(p.get(f"/partners/{self.partner}")[0], 200)
        self.assertEqual(p.get(f"/partners/{self.partner}.ics")[0], 200)
        other = next(x.id for x in partners if x.id != self.partner)
        self.assertEqual(p.get(f"/partners/{other}")[0], 403)
        self.assertEqual(p.get(f"/partners/{other}.ics")[0], 403)
        self.assertEqual(p.get("/mi")[0], 403)
        self.assertEqual(p.get(f"/mi/{sheet.number}.csv")[0], 403)
        _, _, page = p.get("/map")
        self.assertEqual({int(u) for u in re.findall(
            r'<a href="/schools/(\d+)" class="dash-pin', page)},
            {u for u in self.partner_urns if u in placed})
        served = next(s for s in schools if s.urn in self.partner_urns)
        self.assertEqual(p.get(f"/clusters/{served.cluster_id}")[0], 200)
        mine_clusters = {s.cluster_id for s in schools if s.urn in self.partner_urns}
        cep_of = {a.cluster_id for a in mine if not a.urn}
        foreign = next(c.id for c in clusters if c.id not in mine_clusters | cep_of)
        self.assertEqual(p.get(f"/clusters/{foreign}")[0], 403)

    def test_groups(self):
        """Federations and partnerships: on their schools' pages, their own pages, a partner
        kept to its own, and a store from before them (format 4) migrated."""
        # the schools the partner sees (its own, and its clusters' when it is their CEP)
        p = Browser(self.web)
        self.assertEqual(p.login("pat", PASSWORDS["pat"])[0], 303)
        seen = {int(r["URN"]) for r in csv.DictReader(io.StringIO(p.get("/schools.csv")[2]))}
        served = min(self.partner_urns)
        others = sorted(s.urn for s in self.open_schools()
                        if s.urn not in seen and s.urn != self.evil_urn)[:3]
        federation = sorted({served, others[0], self.evil_urn})
        self.make_group("FED-1", R.GROUP_FEDERATION, "Two <Rivers> Federation", federation)
        self.make_group("PART-2", R.GROUP_PARTNERSHIP, "Broadland Partnership", others[:2])
        b = Browser(self.web)
        self.assertEqual(b.login("olive", PASSWORDS["olive"])[0], 303)

        # a member's page links each of its groups; another school's says it is in none
        status, _, page = b.get(f"/schools/{others[0]}")
        self.assertEqual(status, 200)
        self.assertIn('href="/groups/FED-1">Two &lt;Rivers&gt; Federation</a> (Federation)',
                      page)
        self.assertIn('href="/groups/PART-2">Broadland Partnership</a> (Partnership)', page)
        _, _, page = b.get(f"/schools/{served}")
        self.assertIn('href="/groups/FED-1"', page)
        self.assertNotIn('href="/groups/PART-2"', page)
        _, _, page = b.get(f"/schools/{others[2]}")
        self.assertIn('Federations and partnerships</dt><dd class="govuk-summary-list__value">'
                      'None</dd>', page)

        # the group's page: its kind, its name (escaped), its members and nothing else
        status, _, page = b.get("/groups/FED-1")
        self.assertEqual(status, 200)
        self.assertIn("Federation FED-1</span>", page)
        self.assertIn("Two &lt;Rivers&gt; Federation</h1>", page)
        self.assertNotIn("<script>", page)
        self.assertEqual({int(u) for u in re.findall(r'href="/schools/(\d+)"', page)},
                         set(federation))
        self.assertIn(f"{len(federation)} schools.", page)
        status, _, page = b.get("/groups/PART-2")
        self.assertIn("Partnership PART-2</span>", page)
        self.assertEqual({int(u) for u in re.findall(r'href="/schools/(\d+)"', page)},
                         set(others[:2]))
        for path in ("/groups/NO-SUCH", "/groups/"):
            status, _, page = b.get(path)
            self.assertEqual(status, 404, path)
            self.assertIn("There is no federation or partnership", page)

        # a partner: the members it serves, and no group of only others'
        status, _, page = p.get("/groups/FED-1")
        self.assertEqual(status, 200)
        self.assertEqual({int(u) for u in re.findall(r'href="/schools/(\d+)"', page)},
                         set(federation) & seen)
        status, _, page = p.get("/groups/PART-2")
        self.assertEqual(status, 403)
        self.assertIn("only the federations and partnerships of the schools you are a "
                      "partner of", page)

        # a format-4 store (no groups database) reads the registry's events again: the
        # groups come back, and the schools' records and lines in the lists are as they were
        # (a school's page up to its letters, which the notifier may be sending meanwhile)
        def shown():
            return {path: b.get(path)[2].split('id="letters"')[0] for path in (
                "/schools", "/schools.csv", "/map", f"/schools/{others[0]}",
                f"/schools/{self.evil_urn}")}
        before = shown()
        self.assertEqual(self.dash.stop(), 0)
        env = lmdb.open(os.path.join(self.dash_dir, "store"), max_dbs=32, subdir=True)
        with env.begin(write=True) as txn:
            txn.drop(env.open_db(b"groups", txn=txn, create=False), delete=True)
            txn.put(b"own", (4).to_bytes(4, "big"), db=env.open_db(b"store_format", txn=txn))
        env.close()
        self.dash = self.start_dashboard()
        log = self.dash.log()
        self.assertIn('msg="store migrated" from=2.4 to=2.5', log)
        self.assertIn('msg="reading the events again" source=registry for=groups', log)
        status, _, page = b.get("/groups/FED-1")
        self.assertEqual(status, 200)
        self.assertEqual({int(u) for u in re.findall(r'href="/schools/(\d+)"', page)},
                         set(federation))
        self.assertEqual(shown(), before)
