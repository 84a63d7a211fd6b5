"""Requests (要請) the minutes importer proposes from remarks that ask something (issue 18): the
WT 9th meeting asks the ministries to bring work forward and 国土交通省 to report its results;
the secretariat confirms them in the preview and they are saved with the meeting."""

from pathlib import Path

import pytest
from django.urls import reverse

from candidates.models import Ministry
from hearings.minutes_import import asks_something, preview_record
from hearings.models import Decision, FollowUpRequest, Meeting
from tests.factories import CandidateFactory
from tests.hearings.test_import import _form_fields

SAMPLES = Path(__file__).parent / "samples"


def _wt9() -> str:
    return (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")


@pytest.fixture
def mlit(db):
    return Ministry.objects.create(name="国土交通省")


@pytest.fixture
def civil_works(mlit):
    return CandidateFactory(name="土木施設に関する住民からの通報等システム", lead_ministry=mlit)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("可能な限り速やかに取り組むよう求めるという事務局の方針に賛成である。", True),
        ("できるだけ早期の実施に向けた取り組みをお願いしたい。", True),
        ("国土交通省には検討を進めていただきたい。", True),
        ("その結果をご報告いただけるとありがたい。", True),
        ("計画の大幅な簡略化などを検討していただくと大変助かる", True),
        ("着実に取り組みが進められていることに感謝する。", False),
        ("事例の普及を図ることで、住民サービス向上につながることを期待する。", False),
        ("検討結果を連絡協議会に報告するという事務局の方針に賛成である。", False),
    ],
)
def test_a_remark_asks_something_when_it_requests_not_when_it_thanks_hopes_or_agrees(text, asks):
    assert asks_something(text) is asks


def test_the_wt9_sample_proposes_its_requests_addressed_as_the_text_says(civil_works, mlit):
    record = preview_record(_wt9())
    requests = record.requests
    assert [r.agenda_number for r in requests] == [1, 1, 1, 1, 2, 2, 2, 4]
    assert not any(r.confirmed for r in requests)  # the secretariat confirms
    on_item_2 = [r for r in requests if r.agenda_number == 2]
    assert all(r.ministry == mlit and r.candidate == civil_works for r in on_item_2)
    assert "その結果をご報告いただけるとありがたい" in on_item_2[-1].text
    # 「各制度所管府省庁には」 names no one ministry: the secretariat chooses.
    first = requests[0]
    assert first.ministry is None and not first.to_secretariat and first.candidate is None
    # …and the decisions are proposed beside them.
    assert [d.agenda_number for d in record.decisions] == [1, 2]


def test_a_remark_to_the_secretariat_is_addressed_to_it(db):
    from hearings.minutes_import import propose_requests
    from hearings.records import EntryRow

    rows = propose_requests(
        entries=[EntryRow(kind="remark", text="事務局には引き続き進捗管理をお願いしたい。")],
        agenda_items=[],
    )
    assert rows[0].to_secretariat and rows[0].ministry is None


def _preview(client):
    body = client.post(reverse("hearings:import"), {"text": _wt9()}).content.decode()
    return body, _form_fields(body)


def test_the_preview_shows_the_proposed_requests_and_saves_the_ticked_ones_with_the_meeting(
    client, secretariat, civil_works, mlit
):
    client.force_login(secretariat)
    body, data = _preview(client)
    assert "要請（発言から提案）" in body and "決定（結果の記載から提案）" in body
    assert data["requests-6-addressee"] == str(mlit.pk)
    assert data["requests-6-candidate_name"] == civil_works.name
    data["requests-6-confirmed"] = "on"
    data["requests-0-confirmed"] = "on"
    data["requests-0-addressee"] = "secretariat"
    data["decisions-1-confirmed"] = "on"
    response = client.post(reverse("hearings:import"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    assert Decision.objects.get().meeting == meeting
    to_mlit = FollowUpRequest.objects.get(ministry=mlit)
    assert to_mlit.meeting == meeting and to_mlit.candidate == civil_works
    assert to_mlit.entry.agenda_item.number == 2 and to_mlit.entry.text == to_mlit.text
    assert to_mlit.created_by == secretariat
    assert FollowUpRequest.objects.get(ministry=None).entry.agenda_item.number == 1
    assert FollowUpRequest.objects.count() == 2
    page = client.get(civil_works.get_absolute_url()).content.decode()
    assert "その結果をご報告いただけるとありがたい" in page


def test_unticked_requests_are_not_saved(client, secretariat, civil_works):
    client.force_login(secretariat)
    _body, data = _preview(client)
    assert client.post(reverse("hearings:import"), data).status_code == 302
    assert Meeting.objects.exists() and not FollowUpRequest.objects.exists()
