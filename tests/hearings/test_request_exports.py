"""Requests (要請) outside the pages: the read-only API's list, filtered by status and
ministry by the request list's own selector, and the list page's CSV and .xlsx export, with
the due date as written and as its ISO date."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from api import services as api_services
from core.roles import Role
from core.stated_dates import Precision
from hearings import request_services
from tests.api.test_api import _fresh_rate_counts  # noqa: F401 (autouse: the API's rate counts)
from tests.factories import CandidateFactory, MeetingFactory, MinistryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


@pytest.fixture
def mlit(db):
    return MinistryFactory(name="国土交通省")


@pytest.fixture
def made(secretariat, mlit, make_user):
    """Three requests of one meeting: MLIT's due 令和7年度中 (overdue on 2026-11-24), MLIT's
    answered, and the secretariat's own with no due date."""
    meeting = MeetingFactory(title="第9回ワーキングチーム", date=dt.date(2026, 2, 4))
    candidate = CandidateFactory(name="公営住宅管理システム", lead_ministry=mlit)

    def make(text, **values):
        return request_services.request_create(
            user=secretariat, meeting=meeting, text=text, **values
        )

    overdue = make(
        "調整作業を前倒しすること。",
        ministry=mlit,
        candidate=candidate,
        due_date=dt.date(2025, 4, 1),
        due_precision=Precision.FISCAL_YEAR,
    )
    answered = make("結果を報告すること。", ministry=mlit, due_date=dt.date(2026, 12, 1))
    staff = make_user("mlit_staff", Role.MINISTRY_STAFF, ministry=mlit)
    answered = request_services.request_answer(
        user=staff,
        follow_up=answered,
        version=None,
        answer="事例集を公表した。",
        answered_on=dt.date(2026, 11, 1),
    )
    own = make("事務局で論点を整理すること。")
    return {"overdue": overdue, "answered": answered, "own": own}


@pytest.fixture
def token(wt_member) -> str:
    return api_services.api_token_reset(user=wt_member)


def api(client, token, **params):
    return client.get(reverse("api_v1:requests"), params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_lists_requests_soonest_due_first_with_the_due_date_as_written(
    client, token, made, mlit
):
    body = api(client, token).json()
    assert [row["id"] for row in body["items"]] == [
        made["overdue"].pk,
        made["answered"].pk,
        made["own"].pk,
    ]
    first = body["items"][0]
    assert first["due_date"] == "2026-03-31" and first["due_precision"] == "fiscal_year"
    assert first["due_written"] == "令和7年度中" and first["overdue_days"] > 0
    assert first["ministry"] == {"id": mlit.pk, "name": "国土交通省"}
    assert first["candidate"]["name"] == "公営住宅管理システム"
    assert first["status"] == "open" and first["meeting"]["title"] == "第9回ワーキングチーム"
    own = body["items"][2]
    assert own["ministry"] is None and own["addressee"] == "事務局" and own["due_written"] == ""


def test_the_api_filters_requests_by_status_and_ministry(client, token, made, mlit):
    def ids(**params):
        return [row["id"] for row in api(client, token, **params).json()["items"]]

    assert ids(status="answered") == [made["answered"].pk]
    assert ids(ministry=mlit.pk) == [made["overdue"].pk, made["answered"].pk]
    assert ids(ministry=mlit.pk, status="open") == [made["overdue"].pk]
    other = MinistryFactory(name="厚生労働省")
    assert ids(ministry=other.pk) == []


@pytest.mark.parametrize(
    ("params", "en"),
    [
        ({"status": "pending"}, "The request status is not valid."),
        ({"ministry": 999999}, "The ministry is not valid."),
    ],
)
def test_a_bad_request_filter_is_a_400_in_japanese_and_english(client, token, made, params, en):
    response = api(client, token, **params)
    assert response.status_code == 400
    assert response.json()["detail_en"] == en


def test_the_api_reads_requests_in_a_fixed_number_of_queries(client, token, made, secretariat):
    with CaptureQueriesContext(connection) as few:
        assert api(client, token).status_code == 200
    meeting = MeetingFactory()
    for n in range(5):
        request_services.request_create(
            user=secretariat,
            meeting=meeting,
            text=f"要請{n}",
            ministry=MinistryFactory(),
            candidate=CandidateFactory(),
        )
    cache.clear()
    with CaptureQueriesContext(connection) as more:
        assert api(client, token).status_code == 200
    assert len(more) == len(few)


def test_the_request_list_exports_its_requests_with_the_due_date_written_and_in_iso(
    client, wt_member, made
):
    client.force_login(wt_member)
    page = client.get(reverse("hearings:requests"), {"status": "open"})
    assert "format=xlsx" in page.content.decode()
    response = client.get(reverse("hearings:requests"), {"status": "open", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert len(rows) == 3  # the header and the two open requests
    first = dict(zip(headers, rows[1], strict=True))
    assert first["期限"] == "令和7年度中" and first["期限（ISO）"] == "2026-03-31"
    assert first["宛先の府省庁"] == "国土交通省" and first["状態"] == "未回答"
    assert first["期限超過（日）"] == (dt.date(2026, 11, 24) - dt.date(2026, 3, 31)).days
    last = dict(zip(headers, rows[2], strict=True))
    assert last["宛先の府省庁"] == "事務局" and last["期限"] in ("", None)

    csv = client.get(reverse("hearings:requests"), {"format": "csv"}).content.decode("utf-8-sig")
    assert csv.count("\n") == 4 and "事例集を公表した。" in csv and "2026-03-31" in csv


def test_the_export_is_in_english_for_an_english_reader(client, wt_member, made):
    client.force_login(wt_member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("hearings:requests"), {"format": "csv"})
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert "Deadline (ISO)" in header and "Addressed ministry" in header
