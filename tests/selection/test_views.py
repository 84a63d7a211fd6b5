"""Pages of rounds and proposals: who sees what, drafts kept out of candidate lists and counts
unless asked for, attachments checked and read only by those who read the proposal, English,
and query counts that do not grow with rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api import services as api_services
from candidates import selectors as candidate_selectors
from candidates.lifecycle import Stage
from core.roles import Role
from selection import services
from selection.models import Outcome, ProposalStatus
from tests.factories import CandidateFactory, MilestoneFactory
from tests.selection.conftest import assess, draft_from, propose

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 minimal"


def test_drafts_stay_out_of_the_candidate_list_unless_the_stage_filter_asks(
    client, secretariat, drafts, mlit
):
    CandidateFactory.create(name="既存の候補システム", lead_ministry=mlit)
    client.force_login(secretariat)
    listed = client.get(reverse("candidates:list")).content.decode()
    assert "既存の候補システム" in listed and "道路台帳システム" not in listed
    asked = client.get(reverse("candidates:list"), {"stage": "draft"}).content.decode()
    assert "道路台帳システム" in asked and "既存の候補システム" not in asked


def test_drafts_are_not_counted_on_the_dashboard(drafts, mlit):
    CandidateFactory.create(lead_ministry=mlit)
    counts = candidate_selectors.dashboard(today=dt.date(2026, 11, 24))
    assert (counts.totals, counts.drafts) == ({"candidates": 1}, 2)
    assert Stage.DRAFT not in {row["stage"] for row in counts.stage_rows}


def test_the_api_lists_drafts_only_when_asked(client, wt_member, drafts, mlit):
    CandidateFactory.create(lead_ministry=mlit)
    token = api_services.api_token_reset(user=wt_member)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get(reverse("api_v1:candidates"), **headers).json()
    assert [row["stage"] for row in listed["items"]] == [Stage.SELECTED]
    asked = client.get(reverse("api_v1:candidates"), {"stage": "draft"}, **headers).json()
    assert {row["stage"] for row in asked["items"]} == {Stage.DRAFT}


def test_a_drafts_milestones_are_not_on_the_calendars(drafts):
    MilestoneFactory.create(candidate=drafts[0].candidate, planned_date=dt.date(2027, 3, 31))
    assert not candidate_selectors.calendar_milestones().exists()


def test_a_draft_page_sends_the_selection_to_the_round(client, secretariat, drafts):
    client.force_login(secretariat)
    page = client.get(drafts[0].candidate.get_absolute_url()).content.decode()
    assert "共通化の対象候補案（令和8年度）" in page
    assert reverse("candidates:transition_create", args=[drafts[0].candidate.pk]) not in page


def test_the_local_side_reads_the_drafts_but_not_the_screening_notes(
    client, secretariat, kure_staff, make_user, drafts, selection_round, mlit
):
    assess(secretariat, drafts[0], Outcome.SELECTED)
    url = selection_round.get_absolute_url()
    client.force_login(kure_staff)
    page = client.get(url).content.decode()
    assert "道路台帳システム" in page and "事務の効率化が見込まれる" not in page
    client.force_login(make_user("mlit_staff", Role.MINISTRY_STAFF, ministry=mlit))
    assert "事務の効率化が見込まれる" in client.get(url).content.decode()


def test_a_round_links_its_draft_list_consultation(client, secretariat, drafts, selection_round):
    from consultations import services as consultation_services
    from consultations.services import Addressees

    consultation = consultation_services.consultation_create(
        user=secretariat,
        title="令和8年度共通化の対象候補案に関する意見照会",
        subject_kind="draft_list",
        candidates=[d.candidate for d in drafts],
        opens_on=dt.date(2026, 11, 1),
        deadline=dt.date(2026, 11, 30),
        addressees=Addressees(all_local_governments=True),
    )
    client.force_login(secretariat)
    page = client.get(selection_round.get_absolute_url()).content.decode()
    assert consultation.get_absolute_url() in page


def test_a_decision_form_refuses_a_written_decision_without_a_reason(
    client, secretariat, drafts, selection_round
):
    for draft in drafts:
        assess(secretariat, draft, Outcome.DEFERRED)
    client.force_login(secretariat)
    response = client.post(
        reverse("selection:round_decide", args=[selection_round.pk]),
        {"method": "written", "decided_on": "2026-11-20", "reason": ""},
    )
    assert response.status_code == 400
    assert "書面で決定する場合は、その理由を記入してください。" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ", "登録できない形式"),
        ("偽物.pdf", b"MZ\x90\x00", "内容がファイル名の形式と一致しません"),
        ("binary.txt", b"\x00\x01\x02", "テキストとして読めません"),
    ],
)
def test_an_attachment_of_the_wrong_kind_is_refused_with_a_message(
    client, kure_staff, name, content, message
):
    client.force_login(kure_staff)
    response = client.post(
        reverse("selection:proposal_create"),
        {
            "title": "提案",
            "concerns": "税務",
            "text": "本文",
            "attachments": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_proposer_downloads_its_attachment_and_another_body_cannot(
    client, kure_staff, hiroshima_staff
):
    proposal = propose(kure_staff, files=[SimpleUploadedFile("要望書.pdf", PDF)])
    url = reverse("selection:proposal_attachment", args=[proposal.attachments.get().pk])
    client.force_login(kure_staff)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(hiroshima_staff)
    assert client.get(url).status_code == 403
    assert client.get(proposal.get_absolute_url()).status_code == 403


def test_the_proposer_sees_the_status_and_the_answer(client, secretariat, kure_staff):
    proposal = propose(kure_staff)
    client.force_login(kure_staff)
    assert "受付済み" in client.get(reverse("selection:proposal_list")).content.decode()
    services.proposal_triage(
        user=secretariat,
        proposal=proposal,
        version=None,
        status=ProposalStatus.ANSWERED,
        answer="標準化の対象業務のため、標準化の中で対応します。",
    )
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "回答済み（候補案としない）" in page
    assert "標準化の対象業務のため、標準化の中で対応します。" in page


def test_triaging_twice_is_refused_with_a_message_not_a_500(client, secretariat, kure_staff):
    proposal = propose(kure_staff)
    client.force_login(secretariat)
    url = reverse("selection:proposal_triage", args=[proposal.pk])
    data = {"status": "answered", "answer": "回答します。"}
    assert client.post(url, data).status_code == 302
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "処理済み" in refused.content.decode()


def test_the_pages_read_in_english(client, secretariat, kure_staff, drafts, selection_round):
    propose(kure_staff)
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    rounds = client.get(reverse("selection:round_list")).content.decode()
    assert "Selection round FY2026" in rounds or "Selection round" in rounds
    detail = client.get(selection_round.get_absolute_url()).content.decode()
    assert "Expected effect" in detail and "Feasibility" in detail
    proposals = client.get(reverse("selection:proposal_list")).content.decode()
    assert "Received" in proposals and "受付済み" not in proposals


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_round_page_and_the_proposal_list_do_not_grow_with_rows(
    client, secretariat, kure_staff, selection_round, mlit
):
    def add(n):
        for i in range(n):
            draft = services.round_draft_add(
                user=secretariat, selection_round=selection_round, name=f"案{i}", lead_ministry=mlit
            )
            services.proposal_triage(
                user=secretariat,
                proposal=propose(kure_staff, title=f"提案{i}"),
                version=None,
                status=ProposalStatus.MERGED,
                candidate=draft.candidate,
            )

    client.force_login(secretariat)
    add(2)
    few = [_queries(client, selection_round.get_absolute_url())]
    few.append(_queries(client, reverse("selection:proposal_list")))
    add(6)
    many = [_queries(client, selection_round.get_absolute_url())]
    many.append(_queries(client, reverse("selection:proposal_list")))
    assert few == many


def test_a_round_names_the_proposal_behind_a_draft_only_to_those_who_read_it(
    client, secretariat, kure_staff, hiroshima_staff, selection_round, mlit
):
    draft_from(secretariat, propose(kure_staff), selection_round, mlit)
    for user, shown in ((kure_staff, True), (hiroshima_staff, False), (secretariat, True)):
        client.force_login(user)
        page = client.get(selection_round.get_absolute_url()).content.decode()
        assert ("住宅耐震化助成事務の共通化" in page) is shown, user.username


def test_a_decided_rounds_forms_send_back_to_the_round(
    client, secretariat, selection_round, drafts
):
    for draft in drafts:
        assess(secretariat, draft, Outcome.DEFERRED)
    services.round_decide(
        user=secretariat,
        selection_round=selection_round,
        version=None,
        method="written",
        decided_on=dt.date(2026, 11, 20),
        reason="書面で決定",
    )
    client.force_login(secretariat)
    for url in (
        reverse("selection:round_decide", args=[selection_round.pk]),
        reverse("selection:draft_create", args=[selection_round.pk]),
        reverse("selection:draft_assess", args=[drafts[0].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == selection_round.get_absolute_url()
