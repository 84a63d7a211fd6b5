"""Journey: the secretariat opens the consistency check, finds a contradiction and follows it to
the candidate, where the same note is shown."""

import datetime as dt

import pytest

from candidates.models import Candidate, MilestoneKind

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretariat_finds_a_contradiction_and_follows_it_to_the_candidate(journey):
    page, t = journey.page, journey.t
    journey.login("secretariat")
    page.locator("header").get_by_role("link", name=t("事務局", "Secretariat")).click()
    page.get_by_role("link", name=t("整合性の確認", "Consistency")).click()
    page.wait_for_load_state()
    journey.check()
    journey.sees(t("食い違いは見つかりませんでした。", "No contradictions found."))

    # A ministry records its service start while the pilot is still pending.
    housing = Candidate.objects.get(name="公営住宅管理システム")
    housing.milestones.filter(kind=MilestoneKind.SERVICE_START).update(
        actual_date=dt.date.today() - dt.timedelta(days=1)
    )
    page.reload()
    journey.check()
    journey.sees(t("段階は「推進中」です。", "but the stage is “In progress”."))
    journey.screenshot("consistency")

    page.locator("main").get_by_role("link", name="公営住宅管理システム").first.click()
    page.wait_for_load_state()
    journey.check()
    journey.sees(t("記録の食い違い", "Contradictions in the record"))
    journey.sees(t("が完了していません", "are not."))
    journey.screenshot("consistency-candidate")
