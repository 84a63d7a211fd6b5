"""Two people, two real sessions, the same record: the second save is refused and shown what
the first one saved; nothing is silently overwritten."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from candidates import services
from candidates.models import Candidate, Milestone, MilestoneKind, Ministry
from core.roles import Role
from hearings.models import Meeting, MeetingKind
from tests.meetings import save_meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_version(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the form carries no version field"
    return found.group(1)


@pytest.fixture
def mlit(db):
    return Ministry.objects.create(name="国土交通省")


@pytest.fixture
def candidate(secretariat, mlit):
    return services.candidate_create(
        user=secretariat, name="道路占用許可システム", selected_fiscal_year=2025, lead_ministry=mlit
    )


def test_two_sessions_on_one_milestone(candidate, secretariat, make_user, mlit):
    staff = make_user("ministry_mlit", Role.MINISTRY_STAFF, ministry=mlit)
    milestone = services.milestone_create(
        user=secretariat,
        candidate=candidate,
        kind=MilestoneKind.PILOT,
        baseline_date=dt.date(2026, 6, 30),
    )
    url = reverse("candidates:milestone_update", args=[milestone.pk])
    first, second = session(staff), session(secretariat)
    v1, v2 = form_version(first, url), form_version(second, url)
    saved = first.post(
        url,
        {
            "version": v1,
            "planned_date": "2026-06-30",
            "actual_date": "2026-06-25",
            "progress_note": "実証完了",
        },
    )
    assert saved.status_code == 302
    refused = second.post(
        url, {"version": v2, "planned_date": "2026-06-30", "progress_note": "未着手"}
    )
    body = refused.content.decode()
    assert refused.status_code == 400 and "他の人が保存した最新の内容" in body
    assert "実証完了" in body and "未着手" in body  # theirs shown, mine kept in the form
    assert Milestone.objects.get(pk=milestone.pk).progress_note == "実証完了"


def test_two_sessions_on_one_candidate(candidate, secretariat, make_user, mlit):
    colleague = make_user("secretariat2", Role.SECRETARIAT)
    url = reverse("candidates:edit", args=[candidate.pk])
    first, second = session(secretariat), session(colleague)
    v1, v2 = form_version(first, url), form_version(second, url)
    base = {"selected_fiscal_year": "2025", "lead_ministry": mlit.pk}
    assert (
        first.post(url, {**base, "version": v1, "name": "道路占用許可等システム"}).status_code
        == 302
    )
    refused = second.post(url, {**base, "version": v2, "name": "道路占用システム"})
    body = refused.content.decode()
    assert "他の人が保存した最新の内容" in body and "道路占用許可等システム" in body
    assert Candidate.objects.get(pk=candidate.pk).name == "道路占用許可等システム"


def test_two_sessions_on_one_meetings_minutes(secretariat, make_user):
    colleague = make_user("secretariat2", Role.SECRETARIAT)
    meeting = save_meeting(
        secretariat,
        kind=MeetingKind.WT,
        title="第9回ワーキングチーム",
        date=dt.date(2026, 2, 4),
        attendees=[],
        agenda_items=[],
        entries=[],
    )
    url = reverse("hearings:edit", args=[meeting.pk])
    first, second = session(secretariat), session(colleague)
    v1, v2 = form_version(first, url), form_version(second, url)

    def post(client, version, title):
        data = {
            "version": version,
            "kind": MeetingKind.WT,
            "title": title,
            "date": "2026-02-04",
            "place": "オンライン開催",
        }
        for prefix in ("attendees", "agenda", "entries"):
            data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
        return client.post(url, data)

    assert post(first, v1, "第9回ワーキングチーム（修正）").status_code == 302
    refused = post(second, v2, "第9回WT")
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "他の人が更新しました" in body and "他の人が保存した最新の内容" in body
    assert "第9回ワーキングチーム（修正）" in body and "secretariat" in body  # who saved it
    assert Meeting.objects.get(pk=meeting.pk).title == "第9回ワーキングチーム（修正）"
