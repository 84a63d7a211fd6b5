import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from candidates import lifecycle, services
from candidates.lifecycle import Stage
from candidates.models import LifecycleTransition
from core.concurrency import ConcurrentEditError
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_every_stage_has_an_entry_in_the_transition_table():
    assert set(lifecycle.TRANSITIONS) == set(Stage.values)


@pytest.mark.parametrize(
    "stage", [s for s in Stage.values if s not in lifecycle.PRE_SELECTION_STAGES]
)
def test_every_stage_has_a_path_of_allowed_moves_from_selection(stage):
    path = lifecycle.path_to(stage)
    assert path[-1:] == (stage,) or (stage == Stage.SELECTED and path == ())
    assert all(lifecycle.can_move(a, b) for a, b in itertools.pairwise((Stage.SELECTED, *path)))


def test_a_draft_moves_only_to_selection_and_is_no_step_of_a_path():
    assert lifecycle.allowed_next(Stage.DRAFT) == (Stage.SELECTED,)
    assert not any(Stage.DRAFT in moves for moves in lifecycle.TRANSITIONS.values())
    with pytest.raises(ValueError):
        lifecycle.path_to(Stage.DRAFT)


def test_a_path_takes_the_usual_way_unless_asked_for_another():
    usual = lifecycle.path_to(Stage.IN_SERVICE)
    assert Stage.JUDGED_PROCEED in usual and Stage.CONSENTED in usual
    omitted = lifecycle.path_to(Stage.IN_PROGRESS, via=(Stage.CONSENT_OMITTED,))
    assert Stage.CONSENT_OMITTED in omitted and Stage.CONSENTED not in omitted
    assert lifecycle.path_to(Stage.CONSULTATION_REQUESTED, via=(Stage.JUDGED_NOT_PURSUED,)) == (
        Stage.FEASIBILITY,
        Stage.INTERIM,
        Stage.JUDGED_NOT_PURSUED,
        Stage.REPORTED,
        Stage.CONSULTATION_REQUESTED,
    )


def test_a_path_through_a_stage_off_the_way_is_refused():
    with pytest.raises(ValueError):
        lifecycle.path_to(Stage.IN_SERVICE, via=(Stage.REPORTED,))


def test_interim_report_leads_to_exactly_the_four_judgments():
    assert set(lifecycle.allowed_next(Stage.INTERIM)) == set(lifecycle.JUDGMENTS)


@pytest.mark.parametrize(
    ("judgment", "next_stage"),
    [
        (Stage.JUDGED_PROCEED, Stage.POLICY_DRAFT),
        (Stage.JUDGED_CONDITIONAL, Stage.POLICY_DRAFT),
        (Stage.JUDGED_OTHER_METHOD, Stage.REPORTED),
        (Stage.JUDGED_NOT_PURSUED, Stage.REPORTED),
    ],
)
def test_each_judgment_leads_to_its_own_next_step(judgment, next_stage):
    assert lifecycle.allowed_next(judgment) == (next_stage,)


def test_a_candidate_walks_the_whole_main_line_to_service(make_candidate, secretariat):
    candidate = make_candidate(stage=Stage.IN_PROGRESS)
    services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.IN_SERVICE,
        decided_on=dt.date(2026, 4, 1),
    )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.IN_SERVICE
    assert candidate.judgment == Stage.JUDGED_PROCEED
    assert [t.to_stage for t in candidate.transitions.all()][-1] == Stage.IN_SERVICE


def test_an_illegal_jump_is_refused_with_the_allowed_next_stages(make_candidate, secretariat):
    candidate = make_candidate(stage=Stage.SELECTED)
    with pytest.raises(ValidationError) as excinfo:
        services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=Stage.CONSENTED,
            decided_on=dt.date(2025, 6, 1),
        )
    message = excinfo.value.message_dict["to_stage"][0]
    assert "候補選定" in message and "同意" in message and "実現可能性調査" in message
    candidate.refresh_from_db()
    assert candidate.stage == Stage.SELECTED
    assert not LifecycleTransition.objects.filter(candidate=candidate).exists()


def test_the_last_stage_allows_no_further_move(make_candidate, secretariat):
    candidate = make_candidate(stage=Stage.IN_PROGRESS)
    services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.IN_SERVICE,
        decided_on=dt.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError, match="最終段階"):
        services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=Stage.SELECTED,
            decided_on=dt.date(2026, 5, 1),
        )


def test_omitting_consent_requires_a_reason(make_candidate, secretariat):
    candidate = make_candidate(stage=Stage.POLICY_DRAFT)
    with pytest.raises(ValidationError) as excinfo:
        services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=Stage.CONSENT_OMITTED,
            decided_on=dt.date(2026, 1, 5),
        )
    assert "note" in excinfo.value.message_dict
    services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.CONSENT_OMITTED,
        decided_on=dt.date(2026, 1, 5),
        note="令和8年1月の大規模災害への緊急対応のため",
    )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.CONSENT_OMITTED
    assert candidate.decided_fiscal_year == 2025


@pytest.mark.parametrize(
    ("decided_on", "fragment"),
    [
        (dt.date(2026, 12, 1), "未来"),
        (dt.date(2025, 3, 31), "選定年度の開始"),
        (dt.date(2025, 5, 2), "直前の決定"),
    ],
)
def test_decision_dates_out_of_order_are_refused(make_candidate, secretariat, decided_on, fragment):
    candidate = make_candidate(stage=Stage.INTERIM)  # last decision on 2025-05-31
    with pytest.raises(ValidationError) as excinfo:
        services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=Stage.JUDGED_PROCEED,
            decided_on=decided_on,
        )
    assert fragment in str(excinfo.value.message_dict["decided_on"])


@pytest.mark.parametrize("persona", ["wt_member", "ministry_mlit", "outsider"])
def test_only_the_secretariat_records_lifecycle_decisions(request, make_candidate, persona):
    candidate = make_candidate(stage=Stage.SELECTED)
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.candidate_transition(
            user=user,
            candidate=candidate,
            to_stage=Stage.FEASIBILITY,
            decided_on=dt.date(2025, 6, 1),
        )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.SELECTED


def test_labels_render_exactly_as_officials_write_them(make_candidate, secretariat):
    candidate = make_candidate(stage=Stage.POLICY_DRAFT, fiscal_year=2025)
    with translation.override("ja"):
        assert candidate.official_label == "共通化候補（令和7年度選定分）"
    services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.CONSENTED,
        decided_on=dt.date(2025, 12, 22),
        meeting_text="第5回連絡協議会",  # a consent cites the council (issue 18)
    )
    candidate.refresh_from_db()
    with translation.override("ja"):
        assert candidate.official_label == "共通化対象（令和7年度決定分）"
    with translation.override("en"):
        assert "FY2025" in candidate.official_label
    with translation.override("ja"):
        # 「の検討」 matters: the judgment is that another method deserves study, not that it wins.
        assert str(Stage.JUDGED_OTHER_METHOD.label) == "判断：共通化以外の方法の検討が妥当"


def test_a_stale_version_is_refused_and_changes_nothing(make_candidate, secretariat):
    candidate = make_candidate(stage=Stage.SELECTED)
    stale_version = candidate.version
    services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.FEASIBILITY,
        decided_on=dt.date(2025, 6, 1),
        version=stale_version,
    )
    with pytest.raises(ConcurrentEditError):
        services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=Stage.INTERIM,
            decided_on=dt.date(2025, 7, 1),
            version=stale_version,
        )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.FEASIBILITY


def test_only_the_secretariat_names_the_meeting_of_a_recorded_decision(
    make_candidate, secretariat, ministry_mlit
):
    candidate = make_candidate(stage=Stage.FEASIBILITY)
    decision = candidate.transitions.get()
    meeting = MeetingFactory.create(date=decision.decided_on)
    with pytest.raises(PermissionDenied):
        services.transition_link_meeting(user=ministry_mlit, transition=decision, meeting=meeting)
    services.transition_link_meeting(user=secretariat, transition=decision, meeting=meeting)
    decision.refresh_from_db()
    assert decision.meeting == meeting
