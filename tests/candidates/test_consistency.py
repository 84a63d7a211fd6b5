"""The consistency check (整合性の確認): contradictions are found, shown, and never block a save."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from candidates import services
from candidates.consistency import Rule, series_of_text
from candidates.lifecycle import Stage
from candidates.models import LifecycleTransition, MilestoneKind
from candidates.selectors import candidate_consistency_issues, candidate_detail, consistency_issues
from hearings.models import MeetingKind
from tests.factories import CandidateFactory, MeetingFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

D = dt.date


def milestone(candidate, kind, actual=None):
    return MilestoneFactory.create(candidate=candidate, kind=kind, actual_date=actual)


def decision(candidate, user, decided_on, to_stage=Stage.FEASIBILITY, meeting=None, text=""):
    return LifecycleTransition.objects.create(
        candidate=candidate,
        from_stage=Stage.SELECTED,
        to_stage=to_stage,
        decided_on=decided_on,
        meeting=meeting,
        meeting_text=text,
        recorded_by=user,
    )


def messages(rule=None, candidate=None):
    issues = (
        candidate_consistency_issues(candidate=candidate_detail(pk=candidate.pk))
        if candidate
        else consistency_issues()
    )
    return [i.message for i in issues if rule is None or i.rule == rule]


def test_a_candidate_in_service_with_its_pilot_pending_is_flagged():
    candidate = CandidateFactory.create(stage=Stage.IN_SERVICE)
    milestone(candidate, MilestoneKind.POLICY_DECISION, actual=D(2025, 6, 1))
    milestone(candidate, MilestoneKind.PILOT)
    milestone(candidate, MilestoneKind.SERVICE_START, actual=D(2026, 4, 1))
    [message] = messages(Rule.ORDER, candidate)
    assert "「供用開始」" in message and "「実証」が完了していません" in message


def test_a_stage_whose_milestones_are_not_reached_is_flagged():
    in_service = CandidateFactory.create(stage=Stage.IN_SERVICE)
    milestone(in_service, MilestoneKind.SERVICE_START)
    consented = CandidateFactory.create(stage=Stage.CONSENTED)
    milestone(consented, MilestoneKind.POLICY_DECISION)
    assert messages(Rule.STAGE, in_service) == [
        "段階は「供用開始」ですが、「供用開始」に実績日がありません。"
    ]
    assert messages(Rule.STAGE, consented) == [
        "段階は「同意」ですが、「推進方針決定」に実績日がありません。"
    ]


def test_a_milestone_reached_before_its_stage_is_flagged():
    candidate = CandidateFactory.create(stage=Stage.IN_PROGRESS)
    milestone(candidate, MilestoneKind.SERVICE_START, actual=D(2026, 4, 1))
    [message] = messages(Rule.STAGE, candidate)
    assert message.startswith("「供用開始」に実績日（") and "段階は「推進中」です" in message


def test_development_finished_before_requirements_is_flagged():
    candidate = CandidateFactory.create(stage=Stage.IN_PROGRESS)
    milestone(candidate, MilestoneKind.REQUIREMENTS, actual=D(2026, 3, 1))
    milestone(candidate, MilestoneKind.DEVELOPMENT, actual=D(2026, 1, 15))
    [message] = messages(Rule.ORDER, candidate)
    assert "「設計・開発」の完了" in message and "「要件定義」の完了" in message


def test_a_schedule_in_order_at_its_stage_has_no_issue():
    candidate = CandidateFactory.create(stage=Stage.IN_PROGRESS)
    milestone(candidate, MilestoneKind.POLICY_DECISION, actual=D(2025, 6, 1))
    milestone(candidate, MilestoneKind.REQUIREMENTS, actual=D(2025, 12, 1))
    milestone(candidate, MilestoneKind.DEVELOPMENT)
    MilestoneFactory.create(
        candidate=candidate, kind=MilestoneKind.OTHER, name="説明会", actual_date=D(2025, 1, 1)
    )
    assert messages(candidate=candidate) == []


def test_decisions_dated_before_or_after_their_meeting_are_flagged(secretariat):
    candidate = CandidateFactory.create()
    meeting = MeetingFactory.create(date=D(2026, 2, 4))
    decision(candidate, secretariat, D(2026, 2, 3), meeting=meeting)
    decision(candidate, secretariat, D(2026, 2, 4), Stage.INTERIM, meeting=meeting)
    decision(candidate, secretariat, D(2026, 2, 10), Stage.JUDGED_PROCEED, meeting=meeting)
    before, after = messages(Rule.DECISION, candidate)
    assert "令和8年2月3日" in before and before.endswith("より前です。")
    assert "「判断：共通化を進める」" in after and after.endswith("より後です。")


def test_meeting_numbers_must_grow_with_their_dates_within_a_series(secretariat):
    MeetingFactory.create(kind=MeetingKind.WT, number=9, date=D(2026, 2, 4), title="WT第9回")
    late = MeetingFactory.create(kind=MeetingKind.WT, number=7, date=D(2026, 3, 1))
    # Another series, and hearings numbered per association, do not count.
    MeetingFactory.create(kind=MeetingKind.COUNCIL, number=3, date=D(2026, 3, 2))
    MeetingFactory.create(kind=MeetingKind.HEARING, number=1, date=D(2026, 4, 1))
    MeetingFactory.create(kind=MeetingKind.HEARING, number=1, date=D(2026, 5, 1))
    [issue] = [i for i in consistency_issues() if i.rule == Rule.NUMBERING]
    assert issue.message == (
        "ワーキングチーム第7回（令和8年3月1日）が、それより前のワーキングチーム第9回"
        "（令和8年2月4日）より小さい回になっています。"
    )
    assert late in issue.meetings


def test_a_decision_naming_a_numbered_meeting_on_another_day_is_flagged(secretariat):
    wt9 = MeetingFactory.create(kind=MeetingKind.WT, number=9, date=D(2026, 2, 4))
    candidate = CandidateFactory.create()
    other = CandidateFactory.create()
    decision(candidate, secretariat, D(2025, 8, 1), text="第9回ワーキングチーム")
    decision(other, secretariat, D(2026, 2, 4), text="第９回WT")  # the same meeting: no issue
    [issue] = [i for i in consistency_issues() if i.rule == Rule.NUMBERING]
    assert "同じ回が異なる日付" in issue.message
    assert issue.candidates == (candidate,) and issue.meetings == (wt9,)
    assert messages(Rule.NUMBERING, candidate) == [issue.message]
    assert messages(Rule.NUMBERING, other) == []


def test_free_text_names_its_series_and_number():
    assert series_of_text("国・地方デジタル共通基盤推進連絡協議会ワーキングチーム（第9回）") == (
        "wt",
        9,
    )
    assert series_of_text("第 3 回連絡協議会") == ("council", 3)
    assert series_of_text("連絡協議会（書面）") is None
    assert series_of_text("第2回 個別ヒアリング") is None


def test_the_check_warns_and_never_blocks_saving(secretariat, fixed_today):
    candidate = CandidateFactory.create(stage=Stage.IN_PROGRESS)
    requirements = milestone(candidate, MilestoneKind.REQUIREMENTS)
    development = milestone(candidate, MilestoneKind.DEVELOPMENT)
    services.milestone_update(
        user=secretariat,
        milestone=development,
        version=development.version,
        planned_date=development.planned_date,
        actual_date=D(2026, 1, 15),
        progress_note="",
    )
    development.refresh_from_db()
    assert development.actual_date == D(2026, 1, 15) and requirements.actual_date is None
    assert messages(Rule.ORDER, candidate)


def test_the_secretariat_sees_the_issues_on_the_page_and_on_the_candidate(client, secretariat):
    candidate = CandidateFactory.create(stage=Stage.IN_PROGRESS)
    milestone(candidate, MilestoneKind.SERVICE_START, actual=D(2026, 4, 1))
    client.force_login(secretariat)
    page = client.get(reverse("candidates:consistency")).content.decode()
    assert "整合性の確認" in page and candidate.name in page and "段階は「推進中」です" in page
    detail = client.get(candidate.get_absolute_url()).content.decode()
    assert "記録の食い違い" in detail and "段階は「推進中」です" in detail
    assert reverse("candidates:consistency") in detail


def test_a_candidate_without_issues_shows_no_note(client, secretariat):
    candidate = CandidateFactory.create()
    client.force_login(secretariat)
    assert "記録の食い違い" not in client.get(candidate.get_absolute_url()).content.decode()


def test_the_messages_are_translated():
    candidate = CandidateFactory.create(stage=Stage.IN_SERVICE)
    milestone(candidate, MilestoneKind.PILOT)
    milestone(candidate, MilestoneKind.DEVELOPMENT)
    milestone(candidate, MilestoneKind.SERVICE_START, actual=D(2026, 4, 1))
    with translation.override("en"):
        [message] = messages(Rule.ORDER, candidate)
    assert message == (
        "“In service” was finished (1 April 2026), but “Design and development”, “Pilot”, "
        "which come before it, are not."
    )


def test_one_wrong_number_is_reported_once_or_twice_not_against_every_later_meeting(secretariat):
    for number, month in ((7, 1), (8, 2), (9, 3), (10, 4), (11, 5)):
        MeetingFactory.create(kind=MeetingKind.WT, number=number, date=D(2026, month, 10))
    candidate = CandidateFactory.create()
    decision(candidate, secretariat, D(2025, 12, 1), text="第9回ワーキングチーム")
    issues = [i for i in consistency_issues() if i.rule == Rule.NUMBERING]
    assert len(issues) == 2
    assert all(issue.candidates == (candidate,) for issue in issues)
