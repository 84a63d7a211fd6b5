"""The read-only API: its description, each endpoint's data, paging, filters, tokens, the
rate limit and query counts that do not grow with rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from adoption.models import Adoption, Status
from api import services
from candidates import services as candidate_services
from candidates.lifecycle import Stage
from core.roles import Role
from municipalities.models import LocalGovernment
from tests.factories import (
    AgendaItemFactory,
    CandidateFactory,
    MeetingFactory,
    MilestoneFactory,
    MinistryFactory,
    MinutesEntryFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def token(wt_member) -> str:
    return services.api_token_reset(user=wt_member)


def get(client, name, token, *, kwargs=None, **params):
    return client.get(reverse(f"api_v1:{name}", kwargs=kwargs), params, **bearer(token))


def test_the_openapi_description_is_served_to_readers(client, wt_member):
    client.force_login(wt_member)
    response = client.get(reverse("api_v1:openapi-json"))
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/candidates", "/api/v1/candidates/{pk}", "/api/v1/meetings"} <= set(
        schema["paths"]
    )
    # Read-only: no operation but GET.
    assert {m for ops in schema["paths"].values() for m in ops} == {"get"}
    docs = client.get(reverse("api_v1:openapi-view"))
    assert docs.status_code == 200
    # Swagger UI from the product's own static files: the Content-Security-Policy allows no CDN.
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert b"cdn" not in docs.content


def test_without_a_token_the_api_answers_401_in_japanese_and_english(client):
    response = client.get(reverse("api_v1:candidates"))
    assert response.status_code == 401
    body = response.json()
    assert body["detail"] == "APIトークンがないか、正しくありません。"
    assert body["detail_en"] == "The API token is missing or not valid."
    assert response["WWW-Authenticate"] == "Bearer"
    assert get(client, "candidates", "not-a-token").status_code == 401


def test_a_reset_token_stops_the_old_one(client, wt_member, token):
    assert get(client, "candidates", token).status_code == 200
    new = services.api_token_reset(user=wt_member)
    assert get(client, "candidates", token).status_code == 401
    assert get(client, "candidates", new).status_code == 200


def test_a_deactivated_user_or_one_without_a_role_is_refused(client, wt_member, token):
    wt_member.groups.clear()  # the token was issued while they read the product
    response = get(client, "candidates", token)
    assert response.status_code == 403
    assert (
        response.json()["detail"]
        == "この画面を見る権限がありません。事務局にお問い合わせください。"
    )
    wt_member.is_active = False
    wt_member.save()
    assert get(client, "candidates", token).status_code == 401


@pytest.mark.parametrize(
    "role", [Role.SECRETARIAT, Role.WT_MEMBER, Role.MINISTRY_STAFF, Role.ASSOCIATION_STAFF]
)
def test_every_role_that_reads_the_pages_reads_the_api(client, make_user, role):
    extra = {}
    if role == Role.MINISTRY_STAFF:
        extra["ministry"] = MinistryFactory()
    if role == Role.ASSOCIATION_STAFF:
        from municipalities.models import Association

        extra["association"] = Association.objects.first()
    user = make_user(f"reader_{role.value}", role, **extra)
    assert get(client, "candidates", services.api_token_reset(user=user)).status_code == 200


def test_the_token_page_shows_a_new_token_once(client, wt_member):
    client.force_login(wt_member)
    page = client.get(reverse("api:token"))
    assert page.status_code == 200
    # The header's 設定 link is marked current on each settings page.
    assert f'href="{reverse("settings")}" aria-current="page"' in page.content.decode()
    response = client.post(reverse("api:token_reset"))
    token = response.context["token"]
    assert token and token in response.content.decode()
    assert token not in client.get(reverse("api:token")).content.decode()
    assert get(client, "candidates", token).status_code == 200


def test_candidates_are_listed_with_their_slip_and_overdue_counts(client, token):
    candidate = CandidateFactory(name="道路占用許可システム")
    # Planned 30 days after its baseline and not reached by 2026-11-24: slipped and overdue.
    MilestoneFactory(
        candidate=candidate,
        baseline_date=dt.date(2026, 6, 30),
        planned_date=dt.date(2026, 7, 30),
    )
    body = get(client, "candidates", token).json()
    assert body["count"] == 1
    row = body["items"][0]
    assert (row["id"], row["name"], row["slipped_count"], row["overdue_count"]) == (
        candidate.pk,
        "道路占用許可システム",
        1,
        1,
    )
    assert row["lead_ministry"]["name"] == str(candidate.lead_ministry)


def test_the_list_is_paged_by_50(client, token):
    CandidateFactory.create_batch(51)
    first = get(client, "candidates", token).json()
    second = get(client, "candidates", token, page=2).json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (51, 50, 1)


def test_the_list_filters_as_the_list_page_does(client, token, secretariat):
    mlit, mhlw = MinistryFactory(name="国土交通省"), MinistryFactory(name="厚生労働省")
    road = CandidateFactory(name="道路占用許可システム", lead_ministry=mlit)
    care = CandidateFactory(name="介護保険システム", lead_ministry=mhlw, selected_fiscal_year=2024)
    MilestoneFactory(candidate=road, planned_date=dt.date(2026, 9, 30))  # slipped
    candidate_services.candidate_transition(
        user=secretariat, candidate=care, to_stage=Stage.FEASIBILITY, decided_on=dt.date(2026, 1, 5)
    )

    def ids(**params):
        return {row["id"] for row in get(client, "candidates", token, **params).json()["items"]}

    assert ids() == {road.pk, care.pk}
    assert ids(ministry=mlit.pk) == {road.pk}
    assert ids(fiscal_year=2024) == {care.pk}
    assert ids(stage=Stage.FEASIBILITY) == {care.pk}
    assert ids(slipped="true") == {road.pk}
    assert ids(q="介護") == {care.pk}
    assert get(client, "candidates", token, fiscal_year=1999).status_code == 400


def test_a_candidate_has_its_milestones_and_decisions(client, token, secretariat):
    candidate = CandidateFactory()
    MilestoneFactory(
        candidate=candidate, baseline_date=dt.date(2026, 6, 30), planned_date=dt.date(2026, 8, 29)
    )
    meeting = MeetingFactory(title="第9回ワーキングチーム")
    candidate_services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.FEASIBILITY,
        decided_on=dt.date(2026, 2, 4),
        meeting=meeting,
    )
    body = get(client, "candidate", token, kwargs={"pk": candidate.pk}).json()
    milestone = body["milestones"][0]
    assert (milestone["slip_days"], milestone["overdue_days"], milestone["is_slipped"]) == (
        60,
        87,
        True,
    )
    assert (body["slipped_count"], body["overdue_count"]) == (1, 1)
    transition = body["transitions"][0]
    assert (transition["from_stage"], transition["to_stage"]) == (Stage.SELECTED, Stage.FEASIBILITY)
    assert transition["meeting"]["title"] == "第9回ワーキングチーム"
    assert get(client, "candidate", token, kwargs={"pk": 999999}).status_code == 404


def test_a_candidate_has_its_adoption_counts(client, token):
    candidate = CandidateFactory()
    kure = LocalGovernment.objects.get(code="342025")
    Adoption.objects.create(candidate=candidate, local_government=kure, status=Status.PLANNED)
    body = get(client, "candidate_adoption", token, kwargs={"pk": candidate.pk}).json()
    counts = {row["status"]: row["count"] for row in body["counts"]}
    assert counts[Status.PLANNED] == 1
    assert body["committed"] == 1
    assert counts[Status.NO_ANSWER] == sum(counts.values()) - 1


def test_meetings_are_listed_and_read_with_their_minutes(client, token):
    meeting = MeetingFactory(title="第9回ワーキングチーム")
    candidate = CandidateFactory()
    item = AgendaItemFactory(meeting=meeting, title="進捗報告について")
    entry = MinutesEntryFactory(meeting=meeting, text="後ろ倒しには理由が必要", speaker="委員")
    entry.candidates.add(candidate)
    rows = get(client, "meetings", token).json()
    assert rows["count"] == 1
    assert rows["items"][0]["entry_count"] == 1
    body = get(client, "meeting", token, kwargs={"pk": meeting.pk}).json()
    assert body["agenda_items"][0]["title"] == item.title
    assert body["entries"][0]["text"] == "後ろ倒しには理由が必要"
    assert body["entries"][0]["candidate_ids"] == [candidate.pk]
    assert get(client, "meeting", token, kwargs={"pk": 999999}).status_code == 404


def test_the_api_is_read_only(client, token):
    assert client.post(reverse("api_v1:candidates"), **bearer(token)).status_code == 405


def test_past_the_rate_limit_the_api_answers_429_with_retry_after(client, token, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert get(client, "candidates", token).status_code == 200
    response = get(client, "candidates", token)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["detail_en"].startswith("Too many requests")


def _queries(client, name, token, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert get(client, name, token, **kwargs).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_rows(client, token):
    def add_rows():
        candidate = CandidateFactory(lead_ministry=MinistryFactory())
        candidate.co_ministries.add(MinistryFactory())
        MilestoneFactory.create_batch(3, candidate=candidate)
        meeting = MeetingFactory()
        AgendaItemFactory(meeting=meeting).candidates.add(candidate)
        MinutesEntryFactory.create_batch(2, meeting=meeting)
        return candidate, meeting

    candidate, meeting = add_rows()
    before = {
        "candidates": _queries(client, "candidates", token),
        "meetings": _queries(client, "meetings", token),
        "candidate": _queries(client, "candidate", token, kwargs={"pk": candidate.pk}),
        "meeting": _queries(client, "meeting", token, kwargs={"pk": meeting.pk}),
    }
    cache.clear()
    for _ in range(5):
        add_rows()
    for entry in MinutesEntryFactory.create_batch(5, meeting=meeting):
        entry.candidates.add(candidate)
    MilestoneFactory.create_batch(5, candidate=candidate)
    after = {
        "candidates": _queries(client, "candidates", token),
        "meetings": _queries(client, "meetings", token),
        "candidate": _queries(client, "candidate", token, kwargs={"pk": candidate.pk}),
        "meeting": _queries(client, "meeting", token, kwargs={"pk": meeting.pk}),
    }
    assert after == before


def test_a_revoked_token_answers_401_until_a_new_one_is_issued(client, wt_member, token):
    client.force_login(wt_member)
    page = client.get(reverse("api:token")).content.decode()
    assert reverse("api:token_revoke") in page
    response = client.post(reverse("api:token_revoke"), follow=True)
    assert response.redirect_chain == [(reverse("api:token"), 302)]
    assert "APIトークンを無効にしました" in response.content.decode()
    assert reverse("api:token_revoke") not in response.content.decode()  # nothing to revoke
    assert get(client, "candidates", token).status_code == 401
    assert client.post(reverse("api:token_revoke")).status_code == 302  # again: no harm
    assert get(client, "candidates", services.api_token_reset(user=wt_member)).status_code == 200


def test_a_refusal_says_why_in_japanese_and_english(client, wt_member, token):
    wt_member.groups.clear()
    response = get(client, "candidates", token, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "この画面を見る権限がありません。事務局にお問い合わせください。",
        "detail_en": "You may not see this page. Please contact the secretariat.",
    }


def test_meetings_filter_by_kind_as_the_list_page_does(client, token, wt_member):
    wt = MeetingFactory(title="第9回ワーキングチーム", kind="wt")
    MeetingFactory(title="全国市長会ヒアリング", kind="hearing")
    rows = get(client, "meetings", token, kind="wt").json()
    assert [row["id"] for row in rows["items"]] == [wt.pk]
    client.force_login(wt_member)
    page = client.get(reverse("hearings:list"), {"kind": "wt"})
    assert [m.pk for m in page.context["page"]] == [wt.pk]
    assert get(client, "meetings", token).json()["count"] == 2
    bad = get(client, "meetings", token, kind="party")
    assert bad.status_code == 400
    assert bad.json() == {
        "detail": "会議の種別の値が正しくありません。",
        "detail_en": "The meeting kind is not valid.",
    }


def test_the_rate_limit_is_counted_where_every_process_sees_it(token, settings):
    """Another process's requests (written straight into the shared cache here) count too: in
    production the shared cache is Redis (settings.CACHES), which every worker reads."""
    from django.core.cache import caches

    from api.auth import RATE_CACHE, WINDOW_SECONDS, RateLimited, count_request
    from calendars.models import token_digest

    settings.API_RATE_LIMIT = 5
    now, digest = 1_800_000_000.0, token_digest(token)
    key = f"api-rate:{digest}:{int(now // WINDOW_SECONDS)}"
    caches[RATE_CACHE].set(key, 4, timeout=WINDOW_SECONDS)  # four requests elsewhere
    count_request(digest, now=now)  # the fifth
    with pytest.raises(RateLimited):
        count_request(digest, now=now)
    assert caches[RATE_CACHE].get(key) == 6
    expected = "RedisCache" if settings.SHARED_CACHE_URL else "LocMemCache"
    assert settings.CACHES[RATE_CACHE]["BACKEND"].endswith(expected)


def test_a_cache_that_is_away_does_not_refuse_a_reader(client, token, monkeypatch):
    from django.core.cache import caches

    from api.auth import RATE_CACHE

    def away(*args, **kwargs):
        raise ConnectionError("cache server is away")

    monkeypatch.setattr(caches[RATE_CACHE], "add", away)
    assert get(client, "candidates", token).status_code == 200
