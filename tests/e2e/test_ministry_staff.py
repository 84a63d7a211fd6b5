"""Journey 3: ministry staff update their own schedule, explain a slip, and nothing else."""

import datetime as dt

import pytest

from candidates.models import Candidate, Milestone, MilestoneKind

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
    page.get_by_label(t("現在の予定日", "Current plan")).fill(later)
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
