"""A hearing of an association attached to a consultation: its remarks show beside the
opinions; only an association's hearing can be attached, and only by the secretariat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hearings.models import EntryKind, MeetingKind
from tests.meetings import save_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def hearing(secretariat, mayors):
    return save_meeting(
        secretariat,
        kind=MeetingKind.HEARING,
        title="全国市長会ヒアリング",
        date=dt.date(2026, 11, 10),
        association=mayors,
        entries=[
            {"kind": EntryKind.REMARK, "speaker": "全国市長会", "text": "移行経費の支援を求める"},
            {"kind": EntryKind.NOTE, "text": "資料1に基づき説明"},
        ],
    )


def link(client, consultation, meeting, action="attach"):
    return client.post(
        reverse("consultations:hearing_link", args=[consultation.pk]),
        {"meeting": meeting.pk, "action": action},
    )


def test_an_attached_hearing_shows_its_remarks_beside_the_opinions(
    client, consultation, hearing, secretariat, wt_member
):
    client.force_login(secretariat)
    assert link(client, consultation, hearing).status_code == 302
    assert list(consultation.hearings.all()) == [hearing]
    client.force_login(wt_member)
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "全国市長会ヒアリング" in html and "移行経費の支援を求める" in html
    assert "資料1に基づき説明" not in html  # a note is not a remark


def test_a_hearing_is_detached(client, consultation, hearing, secretariat):
    consultation.hearings.add(hearing)
    client.force_login(secretariat)
    assert link(client, consultation, hearing, "detach").status_code == 302
    assert not consultation.hearings.exists()


def test_only_an_associations_hearing_is_attached(client, consultation, secretariat):
    wt = save_meeting(
        secretariat, kind=MeetingKind.WT, title="第9回ワーキングチーム", date=dt.date(2026, 11, 4)
    )
    client.force_login(secretariat)
    response = link(client, consultation, wt)
    assert response.status_code == 400
    assert "関連付けられるのは、関係団体の個別ヒアリングのみです。" in response.content.decode()
    assert not consultation.hearings.exists()


def test_only_the_secretariat_attaches_a_hearing(client, consultation, hearing, wt_member):
    client.force_login(wt_member)
    assert link(client, consultation, hearing).status_code == 403
    assert not consultation.hearings.exists()


def test_the_page_reads_hearings_in_a_fixed_number_of_queries(
    client, consultation, hearing, secretariat, django_assert_max_num_queries
):
    consultation.hearings.add(hearing)
    client.force_login(secretariat)
    client.get(consultation.get_absolute_url())
    for number in range(3):
        other = save_meeting(
            secretariat,
            kind=MeetingKind.HEARING,
            title=f"ヒアリング{number}",
            date=dt.date(2026, 11, 1 + number),
            association=hearing.association,
            entries=[{"kind": EntryKind.REMARK, "text": f"発言{number}"}],
        )
        consultation.hearings.add(other)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(consultation.get_absolute_url())
    consultation.hearings.remove(*consultation.hearings.exclude(pk=hearing.pk))
    with CaptureQueriesContext(connection) as one:
        client.get(consultation.get_absolute_url())
    assert len(few) == len(one)
