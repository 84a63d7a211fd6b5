"""What every user relies on beyond the journeys: keyboard only, a phone, print, no JavaScript."""

import pytest

from candidates.models import Candidate, CouncilReport
from tests.e2e.conftest import PASSWORD, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

MAIN_PAGES = ["/candidates/dashboard/", "/candidates/", "/meetings/", "/candidates/reports/"]


def test_keyboard_alone_logs_in_skips_to_content_and_shows_where_focus_is(page, demo_site):
    page.goto(demo_site + "/login/")
    page.wait_for_function("document.activeElement.id === 'id_username'")  # autofocus
    page.keyboard.type("wt_member")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert "/login/" not in page.url
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")  # follow it
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none", "focus must be visible"


def _login(page, base_url, username):
    page.goto(base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_pages_fit_a_phone_without_sideways_scrolling(browser, demo_site):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    _login(page, demo_site, "wt_member")
    candidate = Candidate.objects.get(name="公営住宅管理システム")
    for path in [*MAIN_PAGES, candidate.get_absolute_url()]:
        page.goto(demo_site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a phone"
    page.goto(demo_site + candidate.get_absolute_url())
    save_screenshot(page, "phone-candidate")
    context.close()


def test_the_candidate_page_prints_without_navigation(page, demo_site):
    _login(page, demo_site, "wt_member")
    page.goto(demo_site + Candidate.objects.get(name="公営住宅管理システム").get_absolute_url())
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("#history-heading").is_visible()
    assert page.locator("figure.timeline > svg").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")


def test_without_javascript_filters_and_report_requests_still_work(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _login(page, demo_site, "secretariat")
    page.goto(demo_site + "/candidates/")
    page.get_by_label("遅れのあるもののみ").check()
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_load_state()
    assert "slipped=on" in page.url
    assert page.locator("#results tbody tr").count() == 3
    page.goto(demo_site + "/candidates/reports/")
    page.locator("details.panel summary").click()
    page.get_by_role("button", name="作成を依頼").click()
    page.wait_for_load_state()
    assert CouncilReport.objects.count() == 1
    assert page.locator(".messages").is_visible()
    context.close()


HEADER_ROWS = """() => {
  // The header's rows: its title, menu items and tools grouped by overlapping vertical extent.
  const boxes = [...document.querySelectorAll(
    '.site-title, .site-nav li, .lang-switch, .user-menu')].map(e => e.getBoundingClientRect());
  const rows = [];
  for (const b of boxes.sort((x, y) => x.top - y.top)) {
    const row = rows.find(r => b.top < r.bottom - 2 && b.bottom > r.top + 2);
    if (row) { row.top = Math.min(row.top, b.top); row.bottom = Math.max(row.bottom, b.bottom); }
    else rows.push({top: b.top, bottom: b.bottom});
  }
  return rows.length;
}"""


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_header_fits_in_two_rows_on_a_laptop_screen(page, demo_site, language):
    page.goto(demo_site + "/login/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    _login(page, demo_site, "secretariat")  # the secretariat sees every menu item
    page.goto(demo_site + "/candidates/dashboard/")
    save_screenshot(page, f"header-{language}")
    assert page.evaluate(HEADER_ROWS) <= 2
