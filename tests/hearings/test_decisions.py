"""Decisions (決定) and who takes them (issue 18, 基本方針): selection and consent are the
council's, in a meeting or in writing (書面, with a date and a reason); judgments are reviewed
by the WT; reports of other outcomes go to the council."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from candidates import services as candidate_services
from candidates.demo import MEETING_OF_STAGE
from candidates.lifecycle import DECISION_OF_STAGE, JUDGMENTS, Stage, path_to
from hearings import decision_services
from hearings.models import Decision, DecisionBody, DecisionKind, MeetingKind
from tests.factories import CandidateFactory, MeetingFactory


@pytest.fixture
def council(db):
    return MeetingFactory(
        kind=MeetingKind.COUNCIL, title="第5回連絡協議会", date=dt.date(2026, 3, 10)
    )


@pytest.fixture
def wt(db):
    return MeetingFactory(kind=MeetingKind.WT, title="第9回ワーキングチーム")


def _record(user, **values):
    return decision_services.decision_record(user=user, text="（案）のとおり", **values)


@pytest.mark.parametrize(
    ("kind", "meeting_kind", "body"),
    [
        (DecisionKind.SELECTION, MeetingKind.COUNCIL, DecisionBody.COUNCIL),
        (DecisionKind.CONSENT, MeetingKind.COUNCIL, DecisionBody.COUNCIL),
        (DecisionKind.REPORT, MeetingKind.COUNCIL, DecisionBody.COUNCIL),
        (DecisionKind.JUDGMENT_REVIEW, MeetingKind.WT, DecisionBody.WT),
        (DecisionKind.OTHER, MeetingKind.WT, DecisionBody.WT),
        (DecisionKind.OTHER, MeetingKind.COUNCIL, DecisionBody.COUNCIL),
    ],
)
def test_a_decision_by_the_right_body_is_recorded_with_the_body_of_its_meeting(
    secretariat, kind, meeting_kind, body
):
    meeting = MeetingFactory(kind=meeting_kind)
    decision = _record(secretariat, kind=kind, meeting=meeting)
    assert decision.body == body and decision.decided_on == meeting.date


@pytest.mark.parametrize(
    ("kind", "meeting_kind", "right"),
    [
        (DecisionKind.SELECTION, MeetingKind.WT, "連絡協議会"),
        (DecisionKind.CONSENT, MeetingKind.WT, "連絡協議会"),
        (DecisionKind.REPORT, MeetingKind.WT, "連絡協議会"),
        (DecisionKind.JUDGMENT_REVIEW, MeetingKind.COUNCIL, "ワーキングチーム"),
        (DecisionKind.CONSENT, MeetingKind.HEARING, "連絡協議会"),
    ],
)
def test_a_decision_by_the_wrong_body_is_refused_naming_the_right_one(
    secretariat, kind, meeting_kind, right
):
    meeting = MeetingFactory(kind=meeting_kind)
    with pytest.raises(ValidationError) as excinfo:
        _record(secretariat, kind=kind, meeting=meeting)
    assert right in excinfo.value.message_dict["meeting"][0]
    assert not Decision.objects.exists()


def test_the_refusal_names_the_right_body_in_english(secretariat, wt):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        _record(secretariat, kind=DecisionKind.CONSENT, meeting=wt)
    message = excinfo.value.message_dict["meeting"][0]
    assert "council" in message.lower() and "連絡協議会" not in message


def test_a_written_procedure_needs_a_date_and_a_reason(secretariat):
    with pytest.raises(ValidationError) as excinfo:
        _record(secretariat, kind=DecisionKind.CONSENT, written=True)
    assert set(excinfo.value.message_dict) == {"decided_on", "written_reason"}
    decision = _record(
        secretariat,
        kind=DecisionKind.CONSENT,
        written=True,
        decided_on=dt.date(2026, 3, 1),
        written_reason="年度内に同意を得る必要があるため",
    )
    assert decision.body == DecisionBody.WRITTEN and decision.meeting is None


def test_a_written_procedure_is_the_councils_so_a_judgment_review_is_refused(secretariat):
    with pytest.raises(ValidationError) as excinfo:
        _record(
            secretariat,
            kind=DecisionKind.JUDGMENT_REVIEW,
            written=True,
            decided_on=dt.date(2026, 3, 1),
            written_reason="急ぐため",
        )
    assert "ワーキングチーム" in excinfo.value.message_dict["meeting"][0]


def test_only_the_secretariat_records_decisions(wt_member, council):
    with pytest.raises(PermissionDenied):
        _record(wt_member, kind=DecisionKind.CONSENT, meeting=council)


def _policy_draft(secretariat):
    return _walked_to(secretariat, Stage.POLICY_DRAFT)


def _walked_to(secretariat, stage, via=()):
    """A candidate taken to `stage`, each body's decision citing its body as the demo does."""
    candidate = CandidateFactory(stage=Stage.SELECTED)
    day = dt.date(2025, 5, 1)
    for step in path_to(stage, via=via):
        candidate_services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=step,
            decided_on=day,
            meeting_text=MEETING_OF_STAGE.get(step, ""),
        )
        day += dt.timedelta(days=30)
    candidate.refresh_from_db()
    return candidate


def test_a_consent_citing_a_council_meeting_is_kept_as_a_decision_about_the_candidate(
    secretariat, council
):
    candidate = _policy_draft(secretariat)
    transition = candidate_services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.CONSENTED,
        decided_on=council.date,
        meeting=council,
    )
    decision = candidate.decision_records.get(kind=DecisionKind.CONSENT)
    assert decision.kind == DecisionKind.CONSENT and decision.meeting == council
    assert decision.transition == transition and decision.body == DecisionBody.COUNCIL


def test_a_consent_citing_a_wt_meeting_or_nothing_is_refused(secretariat, wt):
    candidate = _policy_draft(secretariat)
    for cited in ({"meeting": wt}, {}):
        with pytest.raises(ValidationError) as excinfo:
            candidate_services.candidate_transition(
                user=secretariat,
                candidate=candidate,
                to_stage=Stage.CONSENTED,
                decided_on=dt.date(2026, 2, 4),
                **cited,
            )
        assert "連絡協議会" in excinfo.value.message_dict["meeting"][0]
    candidate.refresh_from_db()
    assert (
        candidate.stage == Stage.POLICY_DRAFT
        and not Decision.objects.filter(kind=DecisionKind.CONSENT).exists()
    )


def test_a_written_consent_needs_its_reason_in_the_note(secretariat):
    candidate = _policy_draft(secretariat)
    with pytest.raises(ValidationError) as excinfo:
        candidate_services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=Stage.CONSENTED,
            decided_on=dt.date(2026, 2, 4),
            written=True,
        )
    assert "note" in excinfo.value.message_dict
    candidate_services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.CONSENTED,
        decided_on=dt.date(2026, 2, 4),
        written=True,
        note="年度内に同意を得る必要があるため書面で決定",
    )
    assert candidate.decision_records.get(kind=DecisionKind.CONSENT).body == DecisionBody.WRITTEN


def test_the_transition_form_records_a_written_consent(client, secretariat):
    from django.urls import reverse

    candidate = _policy_draft(secretariat)
    client.force_login(secretariat)
    url = reverse("candidates:transition_create", args=[candidate.pk])
    data = {"to_stage": "consented", "decided_on": "2026-02-04", "version": candidate.version}
    response = client.post(url, {**data, "written": "on"})
    assert response.status_code == 400 and "書面による決定には理由が必要です" in (
        response.content.decode()
    )
    response = client.post(url, {**data, "written": "on", "note": "緊急のため書面で決定"})
    assert response.status_code == 302
    assert candidate.decision_records.get(kind=DecisionKind.CONSENT).body == DecisionBody.WRITTEN


# A judgment is reviewed by the WT; the report of another outcome goes to the council. Each
# transition that records one keeps it as a decision record, and one citing the wrong body is
# refused naming the right one.


@pytest.mark.parametrize("judgment", JUDGMENTS)
def test_a_judgment_citing_a_wt_meeting_is_kept_as_the_wts_review(secretariat, wt, judgment):
    candidate = _walked_to(secretariat, Stage.INTERIM)
    transition = candidate_services.candidate_transition(
        user=secretariat, candidate=candidate, to_stage=judgment, decided_on=wt.date, meeting=wt
    )
    decision = candidate.decision_records.get()
    assert decision.kind == DecisionKind.JUDGMENT_REVIEW and decision.body == DecisionBody.WT
    assert decision.transition == transition and decision.meeting == wt
    assert str(Stage(judgment).label) in decision.text


@pytest.mark.parametrize(
    "cited",
    [
        {"meeting": "council"},
        {"meeting_text": "第5回連絡協議会"},
        {"written": True, "note": "急ぐため"},
        {},
    ],
    ids=["council meeting", "council named", "written", "nothing"],
)
def test_a_judgment_not_reviewed_by_the_wt_is_refused_naming_the_wt(secretariat, council, cited):
    candidate = _walked_to(secretariat, Stage.INTERIM)
    if cited.get("meeting") == "council":
        cited = {"meeting": council}
    with pytest.raises(ValidationError) as excinfo:
        candidate_services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=Stage.JUDGED_PROCEED,
            decided_on=council.date,
            **cited,
        )
    assert "ワーキングチーム" in excinfo.value.message_dict["meeting"][0]
    candidate.refresh_from_db()
    assert candidate.stage == Stage.INTERIM and not Decision.objects.exists()


def test_a_report_of_another_outcome_citing_the_council_is_kept_as_its_decision(
    secretariat, council
):
    candidate = _walked_to(secretariat, Stage.REPORTED, via=(Stage.JUDGED_OTHER_METHOD,))
    report = candidate.decision_records.get(kind=DecisionKind.REPORT)
    assert report.body == DecisionBody.COUNCIL and report.transition.to_stage == Stage.REPORTED
    assert "共通化以外の方法の検討が妥当" in report.text  # the outcome reported
    assert candidate.decision_records.filter(kind=DecisionKind.JUDGMENT_REVIEW).exists()


def test_a_report_in_writing_needs_its_reason_and_is_the_councils(secretariat):
    candidate = _walked_to(secretariat, Stage.JUDGED_NOT_PURSUED, via=(Stage.JUDGED_NOT_PURSUED,))
    day = dt.date(2026, 3, 1)
    move = {"user": secretariat, "candidate": candidate, "to_stage": Stage.REPORTED}
    with pytest.raises(ValidationError) as excinfo:
        candidate_services.candidate_transition(**move, decided_on=day, written=True)
    assert "note" in excinfo.value.message_dict
    candidate_services.candidate_transition(
        **move, decided_on=day, written=True, note="年度内に報告するため書面で"
    )
    report = candidate.decision_records.get(kind=DecisionKind.REPORT)
    assert report.body == DecisionBody.WRITTEN and report.decided_on == day


def test_a_report_citing_a_wt_meeting_is_refused_naming_the_council(secretariat, wt):
    candidate = _walked_to(secretariat, Stage.JUDGED_NOT_PURSUED, via=(Stage.JUDGED_NOT_PURSUED,))
    with pytest.raises(ValidationError) as excinfo:
        candidate_services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=Stage.REPORTED,
            decided_on=dt.date(2026, 3, 1),
            meeting=wt,
        )
    assert "連絡協議会" in excinfo.value.message_dict["meeting"][0]
    assert not candidate.decision_records.filter(kind=DecisionKind.REPORT).exists()


def test_a_stage_that_no_body_decides_records_no_decision_and_no_written_procedure(secretariat):
    candidate = _walked_to(secretariat, Stage.SELECTED)
    move = {"user": secretariat, "candidate": candidate, "to_stage": Stage.FEASIBILITY}
    with pytest.raises(ValidationError) as excinfo:
        candidate_services.candidate_transition(
            **move, decided_on=dt.date(2025, 6, 1), written=True, note="書面"
        )
    assert "written" in excinfo.value.message_dict
    candidate_services.candidate_transition(**move, decided_on=dt.date(2025, 6, 1))
    assert not Decision.objects.exists()


def test_every_decision_stage_names_a_decision_kind():
    assert set(DECISION_OF_STAGE.values()) <= set(DecisionKind.values)
    assert set(JUDGMENTS) <= set(DECISION_OF_STAGE)


# The minutes importer proposes decisions from outcome lines; the secretariat confirms them.

SAMPLES = __import__("pathlib").Path(__file__).parent / "samples"


@pytest.fixture
def civil_works(db):
    return CandidateFactory(name="土木施設に関する住民からの通報等システム")


def _wt9():
    return (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")


def test_the_wt9_sample_proposes_its_decisions_on_their_agenda_items_and_candidates(civil_works):
    from hearings.minutes_import import preview_record

    record = preview_record(_wt9())
    assert [(d.agenda_number, d.kind) for d in record.decisions] == [
        (1, DecisionKind.OTHER),
        (2, DecisionKind.JUDGMENT_REVIEW),
    ]
    assert record.decisions[1].candidates == [civil_works]
    assert all("（案）のとおり進めていくこととなった" in d.text for d in record.decisions)
    assert not any(d.confirmed for d in record.decisions)  # the secretariat confirms


def _preview(client):
    from tests.hearings.test_import import _form_fields

    body = client.post(reverse("hearings:import"), {"text": _wt9()}).content.decode()
    return body, _form_fields(body)


def test_the_preview_shows_the_proposed_decisions_and_saves_only_the_ticked_ones(
    client, secretariat, civil_works
):
    client.force_login(secretariat)
    body, data = _preview(client)
    assert "決定（結果の記載から提案）" in body
    assert data["decisions-1-candidate_names"] == civil_works.name
    data["decisions-1-confirmed"] = "on"
    response = client.post(reverse("hearings:import"), data)
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.agenda_item.number == 2 and decision.body == DecisionBody.WT
    assert list(decision.candidates.all()) == [civil_works]
    page = client.get(decision.meeting.get_absolute_url()).content.decode()
    assert "（案）のとおり進めていくこととなった" in page
    page = client.get(civil_works.get_absolute_url()).content.decode()
    assert "（案）のとおり進めていくこととなった" in page


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        # a consent at a WT meeting
        ({"decisions-0-kind": DecisionKind.CONSENT}, "連絡協議会が決定します"),
        # 「各制度所管府省庁には」 names no one ministry, and nobody was chosen
        ({"requests-0-confirmed": "on"}, "要請の宛先（府省庁又は事務局）を選んでから"),
    ],
)
def test_a_ticked_proposal_that_cannot_be_recorded_is_refused_and_nothing_saved(
    client, secretariat, civil_works, edits, message
):
    from hearings.models import FollowUpRequest, Meeting

    client.force_login(secretariat)
    _body, data = _preview(client)
    data["decisions-0-confirmed"] = "on"
    response = client.post(reverse("hearings:import"), data | edits)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.exists() and not Decision.objects.exists()
    assert not FollowUpRequest.objects.exists()


@pytest.mark.parametrize("field", ["decisions-0-candidate_names", "requests-6-candidate_name"])
def test_an_unknown_candidate_name_in_a_proposed_row_is_an_error_in_the_preview(
    client, secretariat, field
):
    client.force_login(secretariat)
    _body, data = _preview(client)
    data[field] = "存在しないシステム"
    response = client.post(reverse("hearings:import"), data)
    assert response.status_code == 400
    assert "次の候補は見つかりません" in response.content.decode()


def test_the_meeting_page_records_a_decision_and_refuses_the_wrong_body(client, secretariat, wt):
    client.force_login(secretariat)
    url = reverse("hearings:decision_create", args=[wt.pk])
    response = client.post(url, {"kind": "consent", "text": "推進方針に同意"})
    assert response.status_code == 400
    assert "「同意」は連絡協議会が決定します" in response.content.decode()
    response = client.post(url, {"kind": "judgment_review", "text": "（案）のとおり"})
    assert response.status_code == 302
    assert wt.decision_records.get().body == DecisionBody.WT
    assert "（案）のとおり" in client.get(wt.get_absolute_url()).content.decode()
