"""The dashboard in a real browser: Debian's headless Chromium driven by Selenium, against
the real five services (test_dashboard's set-up: the demo data set, one school's name with
markup in it, an MI sheet answered by one school). Signing in, the LA overview, the schools
list's filters and search, a school, the map, a cluster, a federation, a partner, the MI
sheets and the system status; keyboard use (the skip link, tabbing to the search field,
typing, Enter, and on to the results); axe-core (from npm, scripts/deps) on every page with
the WCAG 2.2 AA rules, any violation a failure; signing out. A screenshot of each page is
kept under the build directory (browser-screenshots/). Skipped, saying why, only where
Chromium, its driver or Selenium is not installed."""
import os
import shutil
import unittest
import urllib.parse

import test_dashboard as base
from harness import BUILD_DIR, SLOW, SOURCE_DIR

try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.chrome.service import Service as DriverService
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:  # pragma: no cover - the skip below says so
    webdriver = None

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
AXE = os.path.join(SOURCE_DIR, "node_modules", "axe-core", "axe.min.js")
STATIC = os.path.join(SOURCE_DIR, "node_modules", "govuk-frontend", "dist", "govuk")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = os.path.join(BUILD_DIR, "browser-screenshots")


class DashboardBrowserTest(base.DashboardTest):
    # test_dashboard's own tests run there, not again here
    test_dashboard = None
    test_pages = None
    test_groups = None
    dashboard_args = ()   # a subclass's own settings for the dashboard

    @classmethod
    def setUpClass(cls):
        missing = [what for what, ok in (("chromium", CHROMIUM),
                                         ("chromium-driver", os.path.exists(CHROMEDRIVER)),
                                         ("python3-selenium", webdriver)) if not ok]
        if missing:
            raise unittest.SkipTest("browser tests need " + ", ".join(missing) +
                                    " (Debian packages chromium, chromium-driver, "
                                    "python3-selenium)")
        super().setUpClass()

    def setUp(self):
        super().setUp()
        # the real stylesheet, or axe would judge the browser's default colours
        self.assertTrue(os.path.exists(AXE), f"{AXE} is missing: run scripts/deps (npm ci)")
        self.assertEqual(self.dash.stop(), 0)
        self.dash = self.start_dashboard("--static-dir", STATIC, *self.dashboard_args)
        self.base = f"http://{self.web}"
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--window-size=1280,1024", "--disable-gpu"):
            options.add_argument(arg)
        if CHROMIUM:
            options.binary_location = CHROMIUM
        self.driver = webdriver.Chrome(service=DriverService(CHROMEDRIVER), options=options)
        self.addCleanup(self.driver.quit)
        self.driver.set_script_timeout(60 * SLOW)
        with open(AXE, encoding="utf-8") as f:
            self.axe_source = f.read()
        os.makedirs(SHOTS, exist_ok=True)

    # ---- helpers ----

    def wait(self, condition, what, timeout=15):
        try:
            # an element read as its page is replaced goes stale: asked again on the new one
            return WebDriverWait(self.driver, timeout * SLOW, ignored_exceptions=(
                StaleElementReferenceException,)).until(lambda d: condition(d))
        except Exception as e:  # TimeoutException: say what was awaited, and where we are
            raise AssertionError(f"waiting for {what}; at {self.driver.current_url}") from e

    def open(self, path):
        self.driver.get(self.base + path)

    def path(self):
        parts = urllib.parse.urlsplit(self.driver.current_url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def h1(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def check_page(self, name):
        """A screenshot, then axe-core's WCAG 2.2 AA rules: any violation fails."""
        self.driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))
        # WebDriver's scripts run whatever the page's Content-Security-Policy says
        self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
            " help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' +"
            " n.failureSummary)})), passes: r.passes.length}))"
            ".catch(e => done({error: String(e)}));", WCAG_22_AA)
        self.assertNotIn("error", result, result.get("error"))
        self.assertGreater(result["passes"], 0, "axe ran no rule")
        report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " +
                           "\n    ".join(v["nodes"]) for v in result["violations"])
        self.assertEqual(result["violations"], [], f"{name}: {self.path()}\n{report}")

    def sign_in(self, name, next_path="/"):
        """Signs in through the sign-in form; lands on next_path (the check runs off the
        loop, so this waits for the redirect)."""
        d = self.driver
        d.delete_all_cookies()
        self.open("/login?next=" + urllib.parse.quote(next_path, safe=""))
        d.find_element(By.ID, "name").send_keys(name)
        d.find_element(By.ID, "password").send_keys(base.PASSWORDS[name])
        d.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        self.wait(lambda d: urllib.parse.urlsplit(d.current_url).path != "/login",
                  f"{name} signed in")

    def active(self):
        return self.driver.switch_to.active_element

    def tab_to(self, matches, what, limit=60):
        for _ in range(limit):
            self.active().send_keys(Keys.TAB)
            if matches(self.active()):
                return self.active()
        raise AssertionError(f"{what} not reached with the Tab key")

    # ---- the test ----

    def test_pages_keyboard_and_accessibility(self):
        sheet, _, _ = self.publish_mi()
        d = self.driver
        # no session: the sign-in page, then back where we were going
        self.open("/schools")
        self.wait(lambda d: urllib.parse.urlsplit(d.current_url).path == "/login", "sign-in")
        self.check_page("login")
        d.find_element(By.ID, "name").send_keys("olive")
        d.find_element(By.ID, "password").send_keys(base.PASSWORDS["olive"])
        d.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        # the password is checked off the loop: wait for the redirect before going on
        self.wait(lambda d: urllib.parse.urlsplit(d.current_url).path == "/schools",
                  "the redirect after signing in")
        self.assertEqual(self.h1(), "Schools")

        # the LA overview
        self.open("/")
        self.assertEqual(self.h1(), "LA overview")
        self.check_page("overview")

        # the schools list: a filter, then the search
        self.open("/schools")
        self.check_page("schools")
        Select(d.find_element(By.ID, "f-category")).select_by_value("A")
        d.find_element(By.CSS_SELECTOR, "form.dash-filters button[type=submit]").click()
        self.wait(lambda d: "category=A" in d.current_url, "the filtered list")
        a_urns = {dec.urn for dec in self.decisions("A")}
        listed = {int(a.get_attribute("href").rsplit("/", 1)[1]) for a in d.find_elements(
            By.CSS_SELECTOR, "table a[href^='/schools/']")}
        self.assertTrue(listed and listed <= a_urns)

        # keyboard only: the skip link first, then the search field, Enter, the results
        self.open("/schools")
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        skip = self.active()
        self.assertEqual(skip.get_attribute("class"), "govuk-skip-link")
        self.assertEqual(skip.get_attribute("href"), self.base + "/schools#main-content")
        skip.send_keys(Keys.ENTER)
        self.wait(lambda d: d.current_url.endswith("#main-content"), "the skip link")
        field = self.tab_to(lambda e: e.get_attribute("id") == "f-q", "the search field")
        target = next(s for s in self.open_schools() if s.urn != self.evil_urn)
        field.send_keys(str(target.urn))
        field.send_keys(Keys.ENTER)
        self.wait(lambda d: f"q={target.urn}" in d.current_url, "the search's results")
        result = self.tab_to(lambda e: (e.get_attribute("href") or "").endswith(
            f"/schools/{target.urn}"), "the result")
        result.send_keys(Keys.ENTER)
        self.wait(lambda d: urllib.parse.urlsplit(d.current_url).path == f"/schools/{target.urn}",
                  "the school's page")
        self.assertEqual(self.h1(), target.name)
        self.check_page("school")

        # the school whose name holds markup: text, on its page and the map
        self.open(f"/schools/{self.evil_urn}")
        self.assertEqual(self.h1(), base.EVIL)
        self.check_page("school-markup")

        # the map: each school a named link, keyboard-reachable
        self.open("/map")
        pins = d.find_elements(By.CSS_SELECTOR, "svg a.dash-pin")
        self.assertTrue(pins)
        self.assertTrue(all(p.get_attribute("aria-label") for p in pins))
        self.check_page("map")
        pin = self.tab_to(lambda e: "dash-pin" in (e.get_attribute("class") or ""), "a school "
                          "on the map")
        pin.send_keys(Keys.ENTER)
        self.wait(lambda d: urllib.parse.urlsplit(d.current_url).path.startswith("/schools/"),
                  "a school from the map")

        # a cluster, from its school's page
        self.open(f"/schools/{target.urn}")
        link = d.find_element(By.CSS_SELECTOR, "a[href^='/clusters/']")
        link.click()
        self.wait(lambda d: "/clusters/" in d.current_url, "the cluster's page")
        self.check_page("cluster")

        # a federation, from its school's page
        self.make_group("FED-1", base.R.GROUP_FEDERATION, "Two <Rivers> Federation",
                        [target.urn, self.evil_urn])
        self.open(f"/schools/{target.urn}")
        d.find_element(By.CSS_SELECTOR, "a[href='/groups/FED-1']").click()
        self.wait(lambda d: urllib.parse.urlsplit(d.current_url).path == "/groups/FED-1",
                  "the federation's page")
        self.assertEqual(self.h1(), "Two <Rivers> Federation")
        self.check_page("group")

        # partners, one partner
        self.open("/partners")
        self.check_page("partners")
        self.open(f"/partners/{self.partner}")
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, f"a[href='/partners/{self.partner}.ics']"))
        self.check_page("partner")

        # MI sheets and one sheet's responses
        self.open("/mi")
        self.check_page("mi-sheets")
        self.open(f"/mi/{sheet.number}")
        self.assertEqual(self.h1(), "Pupil Premium return")
        self.check_page("mi-sheet")

        # system status
        self.open("/status")
        self.assertEqual(self.h1(), "System status")
        self.check_page("status")

        # an error page
        self.open("/schools/999999")
        self.check_page("not-found")

        # signing out: back to the sign-in page, and the pages are closed again
        d.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
        self.wait(lambda d: urllib.parse.urlsplit(d.current_url).path == "/login", "signed out")
        self.open("/")
        self.wait(lambda d: urllib.parse.urlsplit(d.current_url).path == "/login",
                  "the sign-in page after signing out")


if __name__ == "__main__":
    unittest.main()
