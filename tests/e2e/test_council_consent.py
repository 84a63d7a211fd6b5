"""Journey (issue 18): the secretariat records the council's consent (同意) to a candidate's
promotion policy, citing the council meeting; it records a request from a WT remark in one
step; the addressed ministry's staff answer it, and the secretariat sees it answered."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.lifecycle import Stage
from candidates.models import Candidate, Ministry
from core.models import User
from hearings.models import (
    DecisionBody,
    DecisionKind,
    FollowUpRequest,
    Meeting,
    MeetingKind,
    RequestStatus,
)
from tests.meetings import save_meeting

pytestmark = pytest.mark.django_db(transaction=True)


def _council_meeting() -> Meeting:
    """A council meeting held today (the demo imports none): consent is the council's."""
    return save_meeting(
        User.objects.get(username="secretariat"),
        kind=MeetingKind.COUNCIL,
        number=6,
        title="国・地方デジタル共通基盤推進連絡協議会（第6回）",
        date=timezone.localdate(),
    )


def test_the_secretariat_records_a_consent_and_a_request_the_ministry_answers(journey):
    page, t = journey.page, journey.t
    council = _council_meeting()
    candidate = Candidate.objects.filter(stage=Stage.POLICY_DRAFT).order_by("name").first()
    assert candidate is not None, "the demo has a candidate whose policy awaits consent"

    # The council's consent, citing its meeting: kept as the council's decision.
    journey.login("secretariat")
    journey.open(candidate.get_absolute_url())
    page.locator("#transition summary").click()
    journey.check()
    page.get_by_label(t("次の段階", "Next stage")).select_option(Stage.CONSENTED.value)
    page.get_by_role(
        "combobox", name=re.compile("^" + t("決定した会議$", "Deciding meeting$"))
    ).select_option(str(council.pk))
    assert page.locator("input[name=decided_on]").input_value() == council.date.isoformat()
    page.locator("#transition").get_by_role("button", name=t("記録する", "Record")).click()
    page.wait_for_load_state()
    journey.check()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.CONSENTED, page.locator("main").inner_text()[:1500]
    consent = candidate.decision_records.get(kind=DecisionKind.CONSENT)
    assert (consent.body, consent.meeting) == (DecisionBody.COUNCIL, council)
    journey.sees(council.title)

    # A request in one step from a WT 9 remark that asks MLIT to go on with its study.
    wt9 = Meeting.objects.get(kind=MeetingKind.WT, number=9)
    mlit = Ministry.objects.get(name="国土交通省", bureau="")
    journey.request_from_remark(wt9, "道路・公園の損傷箇所の報告")
    assert page.get_by_label(t("宛先の府省庁", "Addressed ministry")).input_value() == str(mlit.pk)
    page.get_by_role("button", name=t("保存", "Save")).click()
    page.wait_for_load_state()
    journey.check()
    follow_up = FollowUpRequest.objects.get(entry__text__contains="道路・公園の損傷箇所の報告")
    assert follow_up.ministry == mlit and follow_up.status == RequestStatus.OPEN

    # MLIT's staff see the open request and answer it.
    page.context.clear_cookies()
    journey.login("ministry_mlit")
    journey.open(reverse("hearings:requests"))
    page.locator(f'main a[href="{follow_up.get_absolute_url()}"]').first.click()
    page.wait_for_load_state()
    journey.check()
    journey.sees(t("未回答", "Open"))
    page.get_by_role("link", name=t("回答する", "Answer")).click()
    page.wait_for_load_state()
    journey.check()
    page.locator("#id_answer").fill(
        t("共同調達の事例を整理し、次回報告します。", "Cases next time.")
    )
    page.get_by_role("button", name=t("保存", "Save")).click()
    page.wait_for_load_state()
    journey.check()
    follow_up.refresh_from_db()
    assert follow_up.status == RequestStatus.ANSWERED

    # The secretariat sees it answered.
    page.context.clear_cookies()
    journey.login("secretariat")
    journey.open(follow_up.get_absolute_url())
    journey.sees(t("回答済み", "Answered"))
    journey.sees(t("共同調達の事例を整理し、次回報告します。", "Cases next time."))
