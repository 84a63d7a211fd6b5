"""Journey 2: the secretariat imports a hearing's minutes, links a remark, records a decision
and produces the council report."""

import datetime as dt
import re
from pathlib import Path

import pytest

from candidates.lifecycle import Stage
from candidates.models import Candidate, CouncilReport, ReportStatus
from core.wareki import format_wareki
from hearings.models import Meeting, MinutesEntry

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = Path(__file__).resolve().parent.parent / "hearings" / "samples"


def test_secretariat_imports_minutes_links_a_remark_decides_and_reports(journey):
    page, t = journey.page, journey.t
    # The demo already holds this hearing; the secretariat imports a follow-up held last week.
    held = dt.date.today() - dt.timedelta(days=7)
    text = (SAMPLE / "hearing_example_fictional.txt").read_text(encoding="utf-8")
    text = text.replace("令和７年 ６月 ９日（月）", format_wareki(held, weekday=True))
    child = Candidate.objects.get(name="児童相談所業務システム")
    assert child.stage == Stage.INTERIM

    # Paste the minutes; the preview is corrected before anything is saved.
    journey.login("secretariat")
    journey.open("/meetings/import/")
    page.get_by_label(t("議事要旨のテキスト", "Minutes text")).fill(text)
    page.get_by_role("button", name=t("読み取って確認する", "Read and preview")).click()
    page.wait_for_load_state()
    journey.check()
    assert not Meeting.objects.filter(date=held).exists()
    journey.sees(t("まだ何も保存されていません", "Nothing has been saved yet"))
    journey.screenshot("minutes-preview")
    title = page.get_by_role("textbox", name=re.compile("^" + t("会議名", "Meeting title")))
    assert "全国町村会" in title.input_value()
    title.fill("ワーキングチーム個別ヒアリング（全国町村会・見本町）")
    page.get_by_role("button", name=t("保存", "Save")).click()
    page.wait_for_load_state()
    journey.check()
    meeting = Meeting.objects.get(date=held)
    assert meeting.title == "ワーキングチーム個別ヒアリング（全国町村会・見本町）"
    assert meeting.attendees.filter(proxy_name__contains="仮名").exists()
    assert meeting.minutes.raw_text == text
    journey.screenshot("meeting")

    # Link the WT remark on SaaS sized to the body to the candidate it concerns.
    remark = MinutesEntry.objects.get(meeting=meeting, text__contains="SaaS")
    entry = page.locator(f"#entry-{remark.pk}")
    entry.locator("summary").click()
    entry.get_by_label(
        t("関連する候補（複数選択可）", re.compile("Related candidates"))
    ).select_option(str(child.pk))
    entry.get_by_role("button").click()
    page.wait_for_load_state()
    journey.check()
    assert list(remark.candidates.all()) == [child]

    # Record the judgment on the candidate. A hearing decides nothing: the WT reviews the
    # judgment (issue 18), at its meeting named here as it is not in the list yet.
    journey.open(child.get_absolute_url())
    journey.sees("SaaS")
    page.locator("#transition summary").click()
    journey.check()
    page.get_by_label(t("次の段階", "Next stage")).select_option(Stage.JUDGED_CONDITIONAL.value)
    page.get_by_label(
        t("決定した会議（一覧にない場合）", re.compile("^Deciding meeting \\("))
    ).fill("第10回ワーキングチーム")
    page.locator("input[name=decided_on]").fill(held.isoformat())
    page.locator("#transition").get_by_role("button", name=t("記録する", "Record")).click()
    page.wait_for_load_state()
    journey.check()
    child.refresh_from_db()
    assert child.stage == Stage.JUDGED_CONDITIONAL, page.locator("#transition").inner_text()[:1500]
    journey.sees("第10回ワーキングチーム")

    # Request the council report and watch it finish.
    page.locator("header").get_by_role("link", name=t("進捗報告", "Reports")).click()
    page.wait_for_load_state()
    page.locator("details.panel summary").click()
    journey.check()
    page.get_by_role("button", name=t("作成を依頼", "Request")).click()
    page.wait_for_load_state()
    journey.check()
    assert re.search(t("受け付けました|作成しました", "queued|created"), journey.message())
    report = CouncilReport.objects.get()
    download = page.locator(f"#report-{report.pk}").get_by_role(
        "link", name=t("PDFをダウンロード", "Download PDF")
    )
    download.wait_for(timeout=120_000)  # htmx polls the row until the worker is done
    journey.check()
    journey.screenshot("reports")
    assert CouncilReport.objects.get().status == ReportStatus.DONE

    # Everything above is on the record, readable by the secretariat.
    page.locator("header").get_by_role("link", name=t("事務局", "Secretariat")).click()
    page.locator("main").get_by_role("link", name=t("操作記録", "Audit trail")).click()
    page.wait_for_load_state()
    journey.check()
    trail = page.locator("main tbody").inner_text()
    assert t("段階の変更", "Changing a stage") in trail
    assert t("議事録の取り込み", "Importing minutes") in trail


WHOLE_TEXT_SHOWN = """() => [...document.querySelectorAll("main textarea:not([readonly])")]
  .filter((t) => t.offsetParent !== null && t.scrollHeight > t.clientHeight + 2)
  .map((t) => t.name)"""


def test_secretariat_is_warned_of_a_duplicate_import_and_deletes_the_copy(journey):
    page, t = journey.page, journey.t
    # The demo already holds the WT's 9th meeting: importing its minutes again is a duplicate.
    text = (SAMPLE / "wt09_2026-02-04.txt").read_text(encoding="utf-8")
    original = Meeting.objects.get(date=dt.date(2026, 2, 4), kind="wt")

    journey.login("secretariat")
    journey.open("/meetings/import/")
    page.get_by_label(t("議事要旨のテキスト", "Minutes text")).fill(text)
    page.get_by_role("button", name=t("読み取って確認する", "Read and preview")).click()
    page.wait_for_load_state()
    journey.check()
    warning = page.locator(".duplicates")
    assert t("既に登録されている可能性", "may already be registered") in warning.inner_text()
    link = warning.get_by_role("link", name=original.title)
    assert link.get_attribute("href") == original.get_absolute_url()
    assert page.evaluate(WHOLE_TEXT_SHOWN) == []  # every entry readable without scrolling it

    # A row added in the preview (by the page's own script, under the CSP) is saved with it.
    entries = t(
        "議事の記載（質問・回答・意見・発言）", "Entries (questions, answers, remarks, speeches)"
    )
    page.get_by_role("button", name=t(f"{entries}を1行追加", f"Add a row: {entries}")).click()
    page.locator("#entries .formset__row").last.locator("textarea").fill("追加した発言")

    # Saving without saying so is refused, with the reason; ticking the box saves a copy.
    page.get_by_role("button", name=t("保存", "Save"), exact=True).click()
    page.wait_for_load_state()
    journey.check()
    assert Meeting.objects.filter(date=original.date, kind="wt").count() == 1
    assert t("重複を承知で登録する", "Save anyway") in page.locator(".duplicates").inner_text()
    page.get_by_label(re.compile(t("重複を承知で登録する", "Save anyway"))).check()
    page.get_by_role("button", name=t("保存", "Save"), exact=True).click()
    page.wait_for_load_state()
    journey.check()
    copy = Meeting.objects.filter(date=original.date, kind="wt").exclude(pk=original.pk).get()
    assert copy.entries.filter(text="追加した発言").exists()

    # The copy is deleted from its page, after a confirmation that lists what goes with it.
    page.locator(".page-heading").get_by_role("link", name=t("削除", "Delete")).click()
    page.wait_for_load_state()
    journey.check()
    journey.sees(t("一緒に削除されるもの", "Deleted with it"))
    assert Meeting.objects.filter(pk=copy.pk).exists()
    page.get_by_role("button", name=t("この会議を削除する", "Delete this meeting")).click()
    page.wait_for_load_state()
    journey.check()
    assert not Meeting.objects.filter(pk=copy.pk).exists()
    assert Meeting.objects.filter(pk=original.pk).exists()
    assert copy.title in journey.message()

    page.locator("header").get_by_role("link", name=t("事務局", "Secretariat")).click()
    page.locator("main").get_by_role("link", name=t("操作記録", "Audit trail")).click()
    page.wait_for_load_state()
    assert t("会議の削除", "Deleting a meeting") in page.locator("main tbody").inner_text()
