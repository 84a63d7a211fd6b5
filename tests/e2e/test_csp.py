"""The Content Security Policy in a real browser: the main pages, and htmx polling a pending
report, run without one violation and without console errors."""

import datetime as dt

import pytest

from candidates.models import Candidate, CouncilReport, ReportStatus
from core.models import User
from hearings.models import Meeting
from tests.e2e.conftest import Journey

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every document before its own scripts: collects what the policy blocked.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`
    + ` sample=${JSON.stringify(event.sample)}`
  );
});
"""


class Watcher:
    """What the browser complained about on the current page: CSP violations, console errors."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def _console(self, message) -> None:
        # Errors only: a blocked script or style is an error; a browser's deprecation
        # warnings change with its version.
        if message.type == "error":
            self.console.append(message.text)

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def assert_clean(self) -> None:
        where = self.page.url
        assert self.violations() == [], f"CSP violations on {where}"
        assert self.console == [], f"console on {where}"


@pytest.fixture
def watched(page):
    return Watcher(page)


def test_the_watcher_hears_a_violation_when_there_is_one(watched, demo_site):
    page = watched.page
    page.goto(demo_site + "/login/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">inline</p>')"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any("style-src" in v for v in watched.violations())
    assert any("Content Security Policy" in line for line in watched.console)


def test_the_main_pages_and_htmx_polling_run_without_a_policy_violation(watched, demo_site):
    page = watched.page
    journey = Journey(page, demo_site, "ja")
    page.goto(demo_site + "/login/")
    watched.assert_clean()
    journey.login("secretariat")
    watched.assert_clean()

    candidate = Candidate.objects.get(name="公営住宅管理システム")
    meeting = Meeting.objects.order_by("-date").first()
    for path in [
        "/candidates/dashboard/",
        "/candidates/",
        "/candidates/?slipped=on&page=1",
        candidate.get_absolute_url(),
        "/candidates/slips/",
        "/meetings/",
        meeting.get_absolute_url(),
        "/meetings/search/?q=%E4%BB%8B%E8%AD%B7",  # 介護
        "/municipalities/",
        "/audit/",
    ]:
        response = page.goto(demo_site + path)
        page.wait_for_load_state("load")
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
        assert page.locator("main h1").count() == 1, path
        watched.assert_clean()

    # A report still being made: its row asks htmx to poll the status every 2 seconds.
    report = CouncilReport.objects.create(
        as_of=dt.date.today(),
        status=ReportStatus.QUEUED,
        requested_by=User.objects.get(username="secretariat"),
    )
    row = f"#report-{report.pk}"
    with page.expect_response(lambda r: f"/reports/{report.pk}/status/" in r.url) as first:
        page.goto(demo_site + "/candidates/reports/")
    assert first.value.status == 200
    watched.assert_clean()  # htmx has started: any <style> it injected was blocked and heard
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    with page.expect_response(lambda r: f"/reports/{report.pk}/status/" in r.url) as second:
        pass  # the swapped-in row keeps polling
    assert second.value.status == 200
    page.wait_for_timeout(300)  # let htmx settle the swap
    assert page.locator(row).count() == 1
    assert page.locator("head style, body style").count() == 0
    watched.assert_clean()


def test_the_meeting_editor_adds_rows_without_a_policy_violation(watched, demo_site):
    page = watched.page
    journey = Journey(page, demo_site, "ja")
    journey.login("secretariat")
    meeting = Meeting.objects.order_by("-date").first()
    page.goto(demo_site + f"/meetings/{meeting.pk}/edit/")
    page.wait_for_load_state("load")
    watched.assert_clean()
    rows = page.locator("#attendees .formset__row")
    before = rows.count()
    page.locator("[data-formset-add=attendees]").click()
    assert rows.count() == before + 1
    total = page.locator("input[name=attendees-TOTAL_FORMS]").input_value()
    assert int(total) == before + 1
    assert page.locator(f"input[name=attendees-{before}-name]").count() == 1
    page.locator(f"input[name=attendees-{before}-DELETE]").check()
    assert "formset__row--deleted" in (rows.last.get_attribute("class") or "")
    watched.assert_clean()
