"""The rules of the yearly selection round and of proposals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from candidates import services as candidate_services
from candidates.lifecycle import Stage
from hearings.models import MeetingKind
from selection import selectors, services
from selection.models import DecisionMethod, Outcome, ProposalStatus
from tests.factories import MeetingFactory
from tests.selection.conftest import assess, draft_from, propose

pytestmark = pytest.mark.django_db


def decide(user, selection_round, **overrides):
    values = {
        "user": user,
        "selection_round": selection_round,
        "version": None,
        "method": DecisionMethod.WRITTEN,
        "decided_on": dt.date(2026, 11, 20),
        "reason": "会議の開催が困難なため書面で決定",
        **overrides,
    }
    return services.round_decide(**values)


def test_a_draft_is_registered_at_the_draft_stage_and_is_no_candidate_yet(drafts):
    candidate = drafts[0].candidate
    assert candidate.stage == Stage.DRAFT
    assert candidate.official_label == "共通化の対象候補案（令和8年度）"


def test_a_draft_cannot_be_selected_through_the_ordinary_transition(secretariat, drafts):
    with pytest.raises(ValidationError, match="年度の選定"):
        candidate_services.candidate_transition(
            user=secretariat,
            candidate=drafts[0].candidate,
            to_stage=Stage.SELECTED,
            decided_on=dt.date(2026, 11, 20),
        )


def test_not_selected_needs_a_reason(secretariat, drafts):
    with pytest.raises(ValidationError) as refused:
        assess(secretariat, drafts[0], Outcome.NOT_SELECTED)
    assert "理由" in str(refused.value.message_dict["outcome_reason"])


def test_a_round_with_an_undecided_draft_cannot_be_decided(secretariat, selection_round, drafts):
    assess(secretariat, drafts[0], Outcome.SELECTED)
    with pytest.raises(ValidationError, match="屋外広告物許可システム"):
        decide(secretariat, selection_round)


def test_a_decision_in_writing_needs_a_date_and_a_reason(secretariat, selection_round, drafts):
    for draft in drafts:
        assess(secretariat, draft, Outcome.DEFERRED)
    with pytest.raises(ValidationError) as refused:
        decide(secretariat, selection_round, decided_on=None, reason="")
    assert set(refused.value.message_dict) == {"decided_on", "reason"}


def test_selection_is_decided_at_a_council_meeting_not_a_wt_meeting(
    secretariat, selection_round, drafts
):
    for draft in drafts:
        assess(secretariat, draft, Outcome.DEFERRED)
    wt = MeetingFactory.create(kind=MeetingKind.WT, date=dt.date(2026, 11, 10))
    with pytest.raises(ValidationError, match="連絡協議会の会議ではありません"):
        decide(secretariat, selection_round, method=DecisionMethod.MEETING, meeting=wt)
    with pytest.raises(ValidationError, match="会議を選んで"):
        decide(secretariat, selection_round, method=DecisionMethod.MEETING, meeting=None)


def test_a_decision_at_a_council_meeting_selects_the_drafts_on_its_date(
    secretariat, selection_round, drafts, council_meeting
):
    assess(secretariat, drafts[0], Outcome.SELECTED)
    assess(secretariat, drafts[1], Outcome.NOT_SELECTED, "既存の民間サービスで足りる")
    decided = decide(
        secretariat, selection_round, method=DecisionMethod.MEETING, meeting=council_meeting
    )
    assert decided.decided_on == council_meeting.date
    selected, not_selected = (d.candidate for d in drafts)
    selected.refresh_from_db()
    not_selected.refresh_from_db()
    assert selected.stage == Stage.SELECTED
    assert selected.official_label == "共通化候補（令和8年度選定分）"
    transition = selected.transitions.get()
    assert (transition.from_stage, transition.to_stage) == (Stage.DRAFT, Stage.SELECTED)
    assert transition.meeting == council_meeting
    assert not_selected.stage == Stage.DRAFT


def test_a_decided_round_is_frozen(secretariat, selection_round, drafts, mlit):
    for draft in drafts:
        assess(secretariat, draft, Outcome.DEFERRED)
    decide(secretariat, selection_round)
    with pytest.raises(ValidationError, match="決定済み"):
        assess(secretariat, drafts[0], Outcome.SELECTED)
    with pytest.raises(ValidationError, match="決定済み"):
        services.round_draft_add(
            user=secretariat, selection_round=selection_round, name="追加", lead_ministry=mlit
        )


def test_a_future_decision_date_is_refused(secretariat, selection_round, drafts):
    for draft in drafts:
        assess(secretariat, draft, Outcome.DEFERRED)
    with pytest.raises(ValidationError, match="未来"):
        decide(secretariat, selection_round, decided_on=dt.date(2026, 12, 1))


def test_a_deferred_draft_is_carried_into_the_next_round(secretariat, selection_round, drafts):
    for draft in drafts:
        assess(secretariat, draft, Outcome.DEFERRED)
    decide(secretariat, selection_round)
    following = services.round_create(user=secretariat, fiscal_year=2027)
    assert set(selectors.carried_drafts(selection_round=following)) == {d.candidate for d in drafts}
    carried = services.round_draft_add(
        user=secretariat, selection_round=following, candidate=drafts[0].candidate
    )
    assert carried.candidate.official_label == "共通化の対象候補案（令和9年度）"
    with pytest.raises(ValidationError, match="この年度の候補案"):
        services.round_draft_add(
            user=secretariat, selection_round=following, candidate=drafts[0].candidate
        )


def test_one_round_a_year(secretariat, selection_round):
    with pytest.raises(ValidationError, match="既にあります"):
        services.round_create(user=secretariat, fiscal_year=2026)


def test_only_the_secretariat_writes_rounds(wt_member, selection_round, drafts):
    with pytest.raises(PermissionDenied):
        services.round_create(user=wt_member, fiscal_year=2030)
    with pytest.raises(PermissionDenied):
        assess(wt_member, drafts[0], Outcome.SELECTED)


# --- proposals ------------------------------------------------------------------------


def test_a_proposal_belongs_to_the_proposers_body(kure_staff, mayors_staff):
    assert propose(kure_staff).local_government.code == "342025"
    assert propose(mayors_staff).association.slug == "mayors"


def test_the_ministries_and_the_secretariat_do_not_submit_proposals(secretariat, wt_member):
    for user in (secretariat, wt_member):
        with pytest.raises(PermissionDenied):
            propose(user)


def test_triage_into_a_round_creates_a_draft_there(secretariat, kure_staff, selection_round, mlit):
    triaged = draft_from(secretariat, propose(kure_staff), selection_round, mlit)
    assert triaged.status == ProposalStatus.DRAFTED
    assert triaged.candidate.stage == Stage.DRAFT
    assert triaged.candidate.name == "住宅耐震化助成事務"
    assert selection_round.drafts.filter(candidate=triaged.candidate).exists()


def test_triage_into_a_decided_round_is_refused(secretariat, kure_staff, selection_round, drafts):
    for draft in drafts:
        assess(secretariat, draft, Outcome.DEFERRED)
    decide(secretariat, selection_round)
    with pytest.raises(ValidationError) as refused:
        draft_from(
            secretariat, propose(kure_staff), selection_round, drafts[0].candidate.lead_ministry
        )
    assert "決定済み" in str(refused.value.message_dict["round"])


def test_a_proposal_merges_into_an_existing_draft(secretariat, mayors_staff, drafts):
    triaged = services.proposal_triage(
        user=secretariat,
        proposal=propose(mayors_staff),
        version=None,
        status=ProposalStatus.MERGED,
        candidate=drafts[0].candidate,
    )
    assert (triaged.status, triaged.candidate) == (ProposalStatus.MERGED, drafts[0].candidate)
    with pytest.raises(ValidationError, match="統合する"):
        services.proposal_triage(
            user=secretariat,
            proposal=propose(mayors_staff),
            version=None,
            status=ProposalStatus.MERGED,
        )


def test_answering_without_a_draft_needs_a_reason(secretariat, kure_staff):
    proposal = propose(kure_staff)
    with pytest.raises(ValidationError) as refused:
        services.proposal_triage(
            user=secretariat, proposal=proposal, version=None, status=ProposalStatus.ANSWERED
        )
    assert "理由" in str(refused.value.message_dict["answer"])
    answered = services.proposal_triage(
        user=secretariat,
        proposal=proposal,
        version=None,
        status=ProposalStatus.ANSWERED,
        answer="標準化の対象業務のため、標準化の中で対応します。",
    )
    assert answered.status == ProposalStatus.ANSWERED


def test_a_proposal_is_triaged_once(secretariat, kure_staff):
    proposal = propose(kure_staff)
    kwargs = {"user": secretariat, "version": None, "status": ProposalStatus.ANSWERED}
    services.proposal_triage(proposal=proposal, answer="回答", **kwargs)
    with pytest.raises(ValidationError, match="処理済み"):
        services.proposal_triage(proposal=proposal, answer="別の回答", **kwargs)


def test_each_body_reads_only_its_own_proposals(
    secretariat, wt_member, kure_staff, hiroshima_staff, mayors_staff
):
    kure, mayors = propose(kure_staff), propose(mayors_staff)
    assert set(selectors.proposals_for(user=kure_staff)) == {kure}
    assert set(selectors.proposals_for(user=mayors_staff)) == {mayors}
    # 広島県 coordinates 呉市's surveys, but a proposal is 呉市's own.
    assert set(selectors.proposals_for(user=hiroshima_staff)) == set()
    assert set(selectors.proposals_for(user=secretariat)) == {kure, mayors}
    assert set(selectors.proposals_for(user=wt_member)) == {kure, mayors}


def test_the_rounds_selection_is_kept_as_a_council_decision_about_the_selected(
    secretariat, selection_round, drafts, council_meeting
):
    from hearings.models import DecisionBody, DecisionKind

    assess(secretariat, drafts[0], Outcome.SELECTED)
    assess(secretariat, drafts[1], Outcome.NOT_SELECTED, "既存の民間サービスで足りる")
    decide(secretariat, selection_round, method=DecisionMethod.MEETING, meeting=council_meeting)
    decision = drafts[0].candidate.decision_records.get()
    assert (decision.kind, decision.body) == (DecisionKind.SELECTION, DecisionBody.COUNCIL)
    assert decision.meeting == council_meeting
    assert list(decision.candidates.all()) == [drafts[0].candidate]


def test_a_written_selection_is_kept_with_its_date_and_reason(secretariat, selection_round, drafts):
    from hearings.models import Decision, DecisionBody

    for draft in drafts:
        assess(secretariat, draft, Outcome.SELECTED)
    decide(secretariat, selection_round)
    decision = Decision.objects.get()
    assert decision.body == DecisionBody.WRITTEN and decision.decided_on == dt.date(2026, 11, 20)
    assert decision.written_reason == "会議の開催が困難なため書面で決定"
    assert decision.candidates.count() == 2
