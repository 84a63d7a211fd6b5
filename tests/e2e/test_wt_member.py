"""Journey 1: a WT member reviews where things stand, reads a slip, finds what was said."""

import datetime as dt

import pytest

from candidates import reports
from candidates.models import Ministry

pytestmark = pytest.mark.django_db(transaction=True)


def test_wt_member_reviews_slips_reads_remarks_and_downloads_the_report(journey):
    page, t = journey.page, journey.t
    report = reports.report_generate(
        reports.report_request(user=None, as_of=dt.date.today(), queue=False).pk
    )
    assert report is not None

    journey.login("wt_member")
    journey.open("/candidates/dashboard/")
    journey.sees(t("ダッシュボード", "Dashboard"))
    journey.screenshot("dashboard")

    # The candidate list, filtered to the slipped candidates of one ministry.
    page.get_by_role("link", name=t("共通化候補", "Candidates"), exact=True).first.click()
    journey.check()
    mlit = Ministry.objects.get(name="国土交通省", bureau="")
    page.get_by_label(t("府省庁", "Ministry"), exact=True).select_option(str(mlit.pk))
    page.get_by_label(t("遅れのあるもののみ", "Slipped only")).check()
    page.get_by_role("button", name=t("絞り込む", "Filter")).click()
    page.wait_for_load_state()
    journey.check()
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    journey.screenshot("candidate-list")

    # The candidate: timeline and slip reasons (the WT's remark on slips speaks of no demo
    # candidate, so it is found by searching the minutes).
    rows.first.get_by_role("link").click()
    page.wait_for_load_state()
    journey.check()
    journey.sees("公営住宅管理システム")
    assert page.locator("figure.timeline > svg").count() == 1
    journey.sees("標準仕様書の改定（令和8年度版）に合わせるため要件定義を延長")
    journey.sees("要件定義の延長に伴う後ろ倒し")
    journey.screenshot("candidate")

    # Search the minutes for a Japanese word and find the remark about it.
    page.locator("header").get_by_role("link", name=t("検索", "Search")).click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_label(t("キーワード", "Keyword")).fill("後ろ倒し")
    page.get_by_role("button", name=t("検索", "Search")).last.click()
    page.wait_for_load_state()
    journey.check()
    assert page.locator("main mark").first.inner_text() == "後ろ倒し"
    journey.sees("ワーキングチーム（第9回）")
    journey.screenshot("search")

    # The latest council report, downloaded.
    page.locator("header").get_by_role("link", name=t("進捗報告", "Reports")).click()
    page.wait_for_load_state()
    journey.check()
    with page.expect_download() as download:
        page.get_by_role("link", name=t("PDFをダウンロード", "Download PDF")).first.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_an_overdue_milestone_reads_as_overdue_beside_its_slip(fixed_today, journey):
    """On 2026-11-24 a milestone planned for 2025-12-01 (91 days after its 当初予定) and not
    reached is 358 days overdue: the candidate page says both, apart."""
    from candidates.models import Candidate, Milestone, MilestoneKind

    page, t = journey.page, journey.t
    candidate = Candidate.objects.get(name="公営住宅管理システム")
    Milestone.objects.create(
        candidate=candidate,
        kind=MilestoneKind.OTHER,
        name="移行リハーサル",
        baseline_date=dt.date(2025, 9, 1),
        planned_date=dt.date(2025, 12, 1),
        position=99,
    )
    journey.login("wt_member")
    journey.open(candidate.get_absolute_url())
    schedule = page.locator("section", has=page.locator("#schedule-heading"))
    row = schedule.locator("tbody tr", has_text="移行リハーサル")
    assert row.locator(".overdue").inner_text() == t("期限超過 358日", "358 days overdue")
    assert t("91日遅れ", "91 days late") in row.inner_text()
    journey.screenshot("candidate-overdue")
