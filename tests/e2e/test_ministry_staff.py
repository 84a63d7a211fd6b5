"""Journey 3: ministry staff update their own schedule, explain a slip, and nothing else."""

import datetime as dt

import pytest

from candidates.models import Candidate, Milestone, MilestoneKind, Ministry
from hearings.models import FollowUpRequest, Meeting, MeetingKind, RequestStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_ministry_staff_moves_a_milestone_later_with_a_reason_and_is_refused_elsewhere(journey):
    page, t = journey.page, journey.t
    housing = Candidate.objects.get(name="公営住宅管理システム")
    care = Candidate.objects.get(name="介護認定審査会支援システム")  # 厚生労働省's
    milestone = housing.milestones.get(kind=MilestoneKind.SERVICE_START)
    later = (milestone.planned_date + dt.timedelta(days=92)).isoformat()

    journey.login("ministry_mlit")
    journey.open("/candidates/")
    page.get_by_label(t("担当の候補のみ", "My ministry's candidates only")).check()
    page.get_by_role("button", name=t("絞り込む", "Filter")).click()
    page.wait_for_load_state()
    journey.check()
    names = page.locator("#results tbody tr td:first-child a").all_inner_texts()
    assert "公営住宅管理システム" in names and "介護認定審査会支援システム" not in names
    assert page.locator("#results .tag--mine").count() == len(names)

    # Move 供用開始 later without a reason: asked for one, nothing saved.
    page.get_by_role("link", name="公営住宅管理システム").click()
    page.wait_for_load_state()
    journey.check()
    page.locator(f'main a[href="/candidates/milestones/{milestone.pk}/"]').click()
    page.wait_for_load_state()
    journey.check()
    # A date stated as a day: the precision stays 「日」 and the date goes in its own input.
    page.get_by_label(t("現在の予定日：日付", "Current plan: date")).fill(later)
    page.get_by_role("button", name=t("保存", "Save")).click()
    page.wait_for_load_state()
    journey.check()
    reason = page.get_by_label(t("変更の理由", "Reason for the change"))
    assert reason.get_attribute("aria-invalid") == "true"
    error_id = reason.get_attribute("aria-describedby").split()[0]
    assert t("理由", "reason") in page.locator(f"#{error_id}").inner_text()
    journey.screenshot("milestone-reason-required")
    assert Milestone.objects.get(pk=milestone.pk).planned_date == milestone.planned_date

    reason.fill("入居者システムとの連携試験を追加するため")
    page.get_by_label(t("付加価値", "Added value")).fill("家賃の口座振替に対応")
    page.get_by_role("button", name=t("保存", "Save")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("更新しました", "updated") in journey.message()
    journey.sees("入居者システムとの連携試験を追加するため")
    journey.sees("+92")

    # Another ministry's candidate: readable, not editable, and a direct URL is refused.
    journey.open(care.get_absolute_url())
    assert page.locator('main a[href^="/candidates/milestones/"]').count() == 0
    other = care.milestones.first()
    response = page.goto(f"{journey.base_url}/candidates/milestones/{other.pk}/")
    assert response.status == 403
    journey.check()
    journey.sees(t("担当府省庁のみ", "responsible ministries only"))


def test_the_secretariat_asks_from_a_remark_and_the_ministry_answers(journey):
    """Journey 3b: a WT remark asks MLIT to spread good practice; the secretariat records it as
    a request due 令和8年度中 in one step from the remark, MLIT's staff find it on their landing
    page and answer it, and the secretariat reads the answer."""
    page, t = journey.page, journey.t
    wt9 = Meeting.objects.get(kind=MeetingKind.WT, number=9)
    mlit = Ministry.objects.get(name="国土交通省", bureau="")
    answer = t(
        "事例集を作成し、次回のワーキングチームで報告します。",
        "A casebook; reported at the next WT.",
    )

    journey.login("secretariat")
    journey.request_from_remark(wt9, "民間アプリの導入")
    # Prefilled from the remark: its text, its candidate's ministry.
    assert "民間アプリの導入" in page.get_by_label(t("要請の内容", "Request")).input_value()
    assert page.get_by_label(t("宛先の府省庁", "Addressed ministry")).input_value() == str(mlit.pk)
    page.get_by_label(t("期限：精度", "Deadline: precision")).select_option("fiscal_year")
    page.get_by_label(t("期限：年度", "Deadline: fiscal year")).select_option("2026")
    journey.screenshot("request-from-remark")
    page.get_by_role("button", name=t("保存", "Save")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("要請を登録しました", "request was recorded") in journey.message()
    follow_up = FollowUpRequest.objects.filter(entry__text__contains="民間アプリの導入").get()
    assert (follow_up.ministry, follow_up.due_written) == (mlit, "令和8年度中")

    # MLIT's staff land on their ministry's page, where the open request waits. (A fresh
    # browser session: the login page offers English again.)
    page.context.clear_cookies()
    journey.login("ministry_mlit")
    assert page.url.endswith(f"/candidates/ministries/{mlit.pk}/"), page.url
    journey.sees(t("未回答の要請・宿題", "Unanswered requests"))
    journey.screenshot("ministry-page")
    page.locator(f'main a[href="{follow_up.get_absolute_url()}"]').first.click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_role("link", name=t("回答する", "Answer")).click()
    page.wait_for_load_state()
    journey.check()
    page.locator("#id_answer").fill(answer)
    page.get_by_role("button", name=t("保存", "Save")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("回答を登録しました", "answer was recorded") in journey.message()
    journey.screenshot("request-answered")
    follow_up.refresh_from_db()
    assert follow_up.status == RequestStatus.ANSWERED

    # The secretariat reads the answer on the request and on the candidate's page.
    page.context.clear_cookies()
    journey.login("secretariat")
    journey.open(follow_up.get_absolute_url())
    journey.sees(answer)
    journey.open(follow_up.candidate.get_absolute_url())
    journey.sees(answer)
