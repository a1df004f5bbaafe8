"""The dashboard's actions in a real browser (Debian's headless Chromium through Selenium,
as test_dashboard_browser), against the real five services on the demo data. An officer
finds a school by part of its name, overrides its category (a refused form first: the error
summary) and sees the new category and the letter now waiting on the result page, then
reads that letter and the letters page; the flags, pin and MI sheet forms (preview, then
published); a forged CSRF token (the hidden field rewritten in the page) refused with the
403 page and nothing changed; a viewer refused an action; the admin's accounts page; the
school's partner records a visit report once the scheduler's today is past the visit.
axe-core's WCAG 2.2 AA rules on every page and state, a screenshot of each kept under the
build directory (browser-screenshots/action-*.png)."""
import unittest

import test_dashboard as base
import test_dashboard_browser as browser
from harness import wait_for
from n2gg.v1 import categoriser_pb2 as C
from n2gg.v1 import notifier_pb2 as N
from n2gg.v1 import registry_pb2 as R
from n2gg.v1 import scheduler_pb2 as S

try:
    from selenium.webdriver.common.by import By
except ImportError:  # pragma: no cover - test_dashboard_browser skips, saying why
    By = None

base.PASSWORDS["ada"] = "admin-password-1"
LATER = "2014-01-20"   # the scheduler's today once the autumn's visits are past


class DashboardBrowserActionsTest(browser.DashboardBrowserTest):
    test_pages_keyboard_and_accessibility = None   # test_dashboard_browser's own
    # the result page waits this long for the letter the change causes: long enough that
    # the letter is on it, even under ASan
    dashboard_args = ("--action-follow-ms", "20000")

    def css(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def fill(self, fields):
        """Types into text fields and textareas by id, and clicks radios' and checkboxes'
        labels (GOV.UK's inputs are drawn by their labels)."""
        for key, value in fields.items():
            if value is True:
                self.css(f"label[for='{key}']").click()
            else:
                field = self.driver.find_element(By.ID, key)
                field.clear()
                field.send_keys(value)

    def submit(self, then, what):
        self.css("form#form button[type=submit]").click()
        self.wait(then, what, timeout=60)

    def heading(self, text):
        return lambda d: text in d.find_element(By.TAG_NAME, "h1").text

    def category(self, urn):
        return self.client(self.cat).call("GetCategory", C.GetCategoryRequest(urn=urn),
                                          C.GetCategoryReply).decision

    def test_actions(self):
        d = self.driver
        open_urns = {s.urn: s for s in self.open_schools()}
        open_urns.pop(self.evil_urn)
        target = next(open_urns[dec.urn] for dec in self.decisions("C")
                      if dec.urn in open_urns and len(open_urns[dec.urn].name) > 12)
        # the plan's first letters go first, so that the one waiting afterwards is ours
        wait_for(lambda: not self.poller(self.ntf).call("ListNotices", N.ListNoticesRequest(
            pending=True, limit=1), N.ListNoticesReply).notices, 120, "the first letters sent")

        # ---- an officer finds the school by part of its name ----
        self.sign_in("olive", "/schools")
        part = target.name[2:12].lower()
        field = d.find_element(By.ID, "f-q")
        field.send_keys(part)
        self.css("form.dash-filters button[type=submit]").click()
        self.wait(lambda d: "q=" in d.current_url, "the search's results")
        self.css(f"table a[href='/schools/{target.urn}']").click()
        self.wait(self.heading(target.name), "the school's page")
        self.css(f"a[href='/schools/{target.urn}/override']").click()
        self.wait(self.heading("Override the category"), "the override form")
        self.check_page("action-override")

        # ---- a refused form: the error summary links to each field; nothing changes ----
        self.fill({"reason": "governance concerns", "expires": "31/02/2099"})
        self.submit(lambda d: d.find_elements(By.CSS_SELECTOR, ".govuk-error-summary"),
                    "the error summary")
        links = [a.get_attribute("href").rsplit("#", 1)[1] for a in d.find_elements(
            By.CSS_SELECTOR, ".govuk-error-summary a")]
        self.assertEqual(links, ["category", "expires"])
        self.assertEqual(self.css("#reason").get_attribute("value"), "governance concerns")
        self.check_page("action-override-errors")
        self.assertEqual(self.category(target.urn).category, "C")

        # ---- the override: the new category and the letter waiting, on the result page ----
        self.fill({"category-3": True, "expires": "2099-12-31"})
        self.submit(self.heading("Category set"), "the override's result")
        self.assertIn("category D", self.css("#category-now").text)
        # among the letters waiting (the new category's re-plan may add a visit schedule)
        pending = d.find_elements(By.CSS_SELECTOR, "#pending a[href^='/letters/']")
        letter = next((a for a in pending if a.text.startswith("Category letter")), None)
        self.assertIsNotNone(letter, [a.text for a in pending])
        self.assertEqual(self.category(target.urn).category, "D")
        self.check_page("action-override-done")
        letter.click()
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "pre.dash-letter"), "the letter")
        self.check_page("action-letter")
        self.open("/letters")
        self.assertEqual(self.h1(), "Letters")
        self.check_page("action-letters")
        # the override page again, now with the form that clears it
        self.open(f"/schools/{target.urn}/override")
        self.assertIn("Clear the override", d.page_source)
        self.check_page("action-override-set")

        # ---- the other forms of a school ----
        self.open(f"/schools/{target.urn}/flags")
        self.check_page("action-flags")
        self.open(f"/schools/{target.urn}/pin")
        self.wait(self.heading("Pin or unpin a partner"), "the pin form")
        self.check_page("action-pin")

        # ---- a forged CSRF token: the 403 page, nothing changed ----
        self.open(f"/schools/{target.urn}/flags")
        d.execute_script("document.querySelector(\"form#form input[name='csrf']\").value = "
                         "'f'.repeat(64);")
        self.fill({"causing_concern": True})
        self.submit(self.heading("You cannot do that"), "the CSRF refusal")
        self.assertIn("did not come from this session", d.page_source)
        self.check_page("action-csrf-refused")
        flags = self.client(self.reg).call("GetSchool", R.GetSchoolRequest(urn=target.urn),
                                           R.GetSchoolReply).school.flags
        self.assertFalse(flags.causing_concern)

        # ---- an MI sheet: the form, its preview with the audience, published ----
        self.open("/mi/new")
        self.check_page("action-mi")
        self.fill({"type": True, "title": "Termly briefing", "body": "Para one.\n\nPara two.",
                   "contact_name": "J Bloggs"})
        self.submit(self.heading("Check the MI sheet"), "the preview")
        self.assertIn("schools", self.css(".govuk-inset-text").text)
        self.check_page("action-mi-preview")
        self.css("button[value=confirm]").click()
        self.wait(self.heading("MI sheet published"), "the sheet published")
        self.check_page("action-mi-published")

        # ---- a viewer is refused an action ----
        self.sign_in("vic")
        self.open(f"/schools/{target.urn}/override")
        self.assertEqual(self.h1(), "You cannot do that")
        self.assertIn("Only officers can change this", d.page_source)
        self.check_page("action-viewer-refused")

        # ---- the admin's accounts page ----
        self.add_user("ada", "admin")
        self.sign_in("ada", "/admin")
        self.assertEqual(self.h1(), "Accounts")
        self.check_page("action-admin")

        # ---- the school's partner records a visit report once the visit is past ----
        self.assertEqual(self.sch.stop(), 0)
        self.sch.extra_args[self.sch.extra_args.index("--as-of") + 1] = LATER
        self.sch.start()
        visits = self.client(self.sch).call("ListVisits", S.ListVisitsRequest(
            partner_id=self.partner), S.ListVisitsReply).visits
        visit = next(v for v in visits if v.date <= LATER and v.urn in self.partner_urns)
        self.sign_in("pat", f"/schools/{visit.urn}")
        link = next(a for a in d.find_elements(
            By.CSS_SELECTOR, f"#actions a[href^='/schools/{visit.urn}/report?visit=']")
            if visit.date in a.text)
        link.click()
        self.wait(self.heading("Record"), "the report form")
        self.check_page("action-report")
        report = {"held": True, "date_held": visit.date,
                  "attended": "Jo Bloggs (headteacher)", "progress-1": True,
                  "strengths": "Phonics", "priorities": "Writing",
                  "agreed_actions": "Plan the next term"}
        if visit.kind == "annual_conversation":
            report["self_evaluation_validation"] = "Accurate"
        self.fill(report)
        self.submit(self.heading("Report recorded"), "the report recorded")
        self.check_page("action-report-done")
        got = self.client(self.sch).call("GetVisitReport", S.GetVisitReportRequest(
            visit_id=visit.id), S.VisitReportReply).report
        self.assertEqual(got.recorded_by, "pat via dashboard")


if __name__ == "__main__":
    unittest.main()
