"""Every page's query count is pinned and does not grow with the rows it shows.

Each page is rendered with a few rows and again with three times as many: the two counts must
be equal (one query per row would show as a difference) and at most the page's pinned number,
so a change that adds a query to a page says so here. The secretariat sees the most of every
page (its forms and links), so it is the one that looks.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bodies.models import Body, HolderKind, Seat, SeatTerm
from candidates.lifecycle import Stage
from candidates.models import Candidate, LifecycleTransition, MilestoneKind
from core.models import User
from core.stated_dates import Precision
from hearings.models import (
    Decision,
    DecisionBody,
    DecisionKind,
    FollowUpRequest,
    Meeting,
    MeetingKind,
)
from municipalities.models import LocalGovernment
from tests.factories import (
    AgendaItemFactory,
    AttendeeFactory,
    AuditEventFactory,
    CandidateFactory,
    CouncilReportFactory,
    MaterialFactory,
    MeetingFactory,
    MilestoneChangeFactory,
    MilestoneFactory,
    MinistryFactory,
    MinutesEntryFactory,
    ProgressUpdateFactory,
)

FEW = 3  # rows in the first rendering; the second has three times as many
MINUTES = itertools.count()


def a_minute_later() -> time_machine.travel:
    """The day before tests/conftest.py's fixed_today, a minute later at each call."""
    start = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    return time_machine.travel(start + dt.timedelta(minutes=next(MINUTES)), tick=False)


@dataclass
class Scene:
    """What the pages are about: one candidate, one meeting, and who adds the rows."""

    user: User
    candidate: Candidate
    meeting: Meeting


def queries(client: Client, url: str) -> int:
    cache.clear()  # the dashboard computed from the database, not read from the cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


# --- the rows each page shows ------------------------------------------------------------


def candidate_rows(scene: Scene, n: int) -> None:
    """Candidates as the list, the dashboard and the reports count them: with a co-ministry,
    a slipped milestone with its reason, a progress update."""
    for _ in range(n):
        candidate = CandidateFactory.create(stage=Stage.IN_PROGRESS)
        candidate.co_ministries.add(MinistryFactory.create())
        milestone = MilestoneFactory.create(candidate=candidate, planned_date=dt.date(2026, 9, 30))
        MilestoneChangeFactory.create(milestone=milestone, changed_by=scene.user)
        MilestoneFactory.create(candidate=candidate, baseline_date=dt.date(2026, 12, 1))
        ProgressUpdateFactory.create(candidate=candidate, written_by=scene.user)
        a_request(scene, candidate=candidate, ministry=candidate.lead_ministry)


def a_request(scene: Scene, **about) -> FollowUpRequest:
    """An overdue request (due 令和7年度中) from the scene's meeting, from a remark of it."""
    return FollowUpRequest.objects.create(
        meeting=scene.meeting,
        entry=MinutesEntryFactory.create(meeting=scene.meeting),
        text="結果を報告すること",
        due_date=dt.date(2026, 3, 31),
        due_precision=Precision.FISCAL_YEAR,
        created_by=scene.user,
        **about,
    )


def ministry_rows(scene: Scene, n: int) -> None:
    """What a ministry's page lists: its candidates (led and co-led) with an overdue and a
    slipped milestone, a stale progress report, open requests, remarks about them."""
    ministry = scene.candidate.lead_ministry
    for index in range(n):
        candidate = CandidateFactory.create(stage=Stage.IN_PROGRESS, lead_ministry=ministry)
        co_led = CandidateFactory.create(stage=Stage.IN_PROGRESS)
        co_led.co_ministries.add(ministry)
        for c in (candidate, co_led):
            milestone = MilestoneFactory.create(candidate=c, planned_date=dt.date(2026, 9, 30))
            MilestoneChangeFactory.create(milestone=milestone, changed_by=scene.user)
            ProgressUpdateFactory.create(
                candidate=c, written_by=scene.user, as_of=dt.date(2026, 1, 1) + dt.timedelta(index)
            )
            remark = a_request(scene, candidate=c, ministry=ministry).entry
            assert remark is not None
            remark.candidates.add(c)


def seat_rows(scene: Scene, n: int) -> None:
    """Seats of the WT held by the scene's ministry, each with a holder and attended at a
    meeting of its own (what the ministry's page shows too)."""
    ministry = scene.candidate.lead_ministry
    for _ in range(n):
        seat = Seat.objects.create(
            body=Body.WT,
            holder_kind=HolderKind.MINISTRY,
            ministry=ministry,
            position="参事官",
            active_from=dt.date(2024, 6, 1),
        )
        term = SeatTerm.objects.create(seat=seat, person_name="試験 太郎", start=seat.active_from)
        AttendeeFactory.create(meeting=MeetingFactory.create(), seat=seat, seat_term=term)


def ministry_and_seat_rows(scene: Scene, n: int) -> None:
    ministry_rows(scene, n)
    seat_rows(scene, n)


def consistency_rows(scene: Scene, n: int) -> None:
    """Candidates with an issue of every rule: a milestone out of order and reached before its
    stage, a decision dated apart from its meeting, meetings numbered against their dates."""
    for index in range(n):
        candidate = CandidateFactory.create(stage=Stage.IN_PROGRESS)
        MilestoneFactory.create(candidate=candidate, kind=MilestoneKind.REQUIREMENTS)
        MilestoneFactory.create(
            candidate=candidate,
            kind=MilestoneKind.SERVICE_START,
            actual_date=dt.date(2026, 4, 1),
        )
        meeting = MeetingFactory.create(
            kind=MeetingKind.WT, number=100 - index, date=dt.date(2026, 1, 1) + dt.timedelta(index)
        )
        for meeting_text, linked in (("", meeting), ("第1回ワーキングチーム", None)):
            LifecycleTransition.objects.create(
                candidate=candidate,
                from_stage=Stage.SELECTED,
                to_stage=Stage.FEASIBILITY,
                decided_on=dt.date(2025, 6, 1) + dt.timedelta(index),
                recorded_by=scene.user,
                meeting=linked,
                meeting_text=meeting_text,
            )


def candidate_page_rows(scene: Scene, n: int) -> None:
    """What the candidate page lists: milestones with their changes and edit history, lifecycle
    decisions, progress updates, remarks from meetings, co-ministries, and edits of the
    candidate itself (a changed lead ministry shows by name). Versions are saved a minute
    apart, so that each is compared with the one before it."""
    candidate = scene.candidate
    for _ in range(n):
        with a_minute_later():
            milestone = MilestoneFactory.create(candidate=candidate)
        with a_minute_later():
            milestone.planned_date = dt.date(2026, 9, 30)
            milestone.save()
        with a_minute_later():
            candidate.co_ministries.add(MinistryFactory.create())
        with a_minute_later():
            candidate.lead_ministry = MinistryFactory.create()
            candidate.save()
        MilestoneChangeFactory.create(milestone=milestone, changed_by=scene.user)
        LifecycleTransition.objects.create(
            candidate=candidate,
            from_stage=Stage.SELECTED,
            to_stage=Stage.FEASIBILITY,
            decided_on=dt.date(2025, 6, 1),
            recorded_by=scene.user,
            meeting=scene.meeting,
        )
        a_decision(scene)
        ProgressUpdateFactory.create(candidate=candidate, written_by=scene.user)
        MinutesEntryFactory.create(meeting=MeetingFactory.create()).candidates.add(candidate)
        a_request(scene, candidate=candidate, ministry=MinistryFactory.create())


def meeting_rows(scene: Scene, n: int) -> None:
    for _ in range(n):
        meeting = MeetingFactory.create()
        AttendeeFactory.create(meeting=meeting)
        MinutesEntryFactory.create(meeting=meeting)


def a_decision(scene: Scene, **values) -> Decision:
    """A WT decision at the scene's meeting about the scene's candidate."""
    decision = Decision.objects.create(
        kind=DecisionKind.OTHER,
        body=DecisionBody.WT,
        text="（案）のとおり進めていくこととなった",
        meeting=scene.meeting,
        decided_on=scene.meeting.date,
        recorded_by=scene.user,
        **values,
    )
    decision.candidates.add(scene.candidate)
    return decision


def meeting_page_rows(scene: Scene, n: int) -> None:
    meeting = scene.meeting
    for _ in range(n):
        AttendeeFactory.create(meeting=meeting)
        item = AgendaItemFactory.create(meeting=meeting)
        item.candidates.add(scene.candidate)
        MinutesEntryFactory.create(meeting=meeting, agenda_item=item).candidates.add(
            scene.candidate
        )
        MinutesEntryFactory.create(meeting=meeting).candidates.add(CandidateFactory.create())
        MaterialFactory.create(meeting=meeting, label=f"資料{item.number}")
        a_request(scene, ministry=MinistryFactory.create())
        a_decision(scene, agenda_item=item).candidates.add(CandidateFactory.create())


def search_rows(scene: Scene, n: int) -> None:
    """Entries and agenda items that match the search for 理由, each in its own meeting."""
    for _ in range(n):
        meeting = MeetingFactory.create()
        item = AgendaItemFactory.create(meeting=meeting, title="後ろ倒しの理由について")
        item.candidates.add(scene.candidate)
        entry = MinutesEntryFactory.create(meeting=meeting, agenda_item=item)
        entry.candidates.add(CandidateFactory.create())


def report_rows(scene: Scene, n: int) -> None:
    for _ in range(n):
        CouncilReportFactory.create(requested_by=scene.user)


def audit_rows(scene: Scene, n: int) -> None:
    for _ in range(n):
        AuditEventFactory.create(user_id=scene.user.pk)


@dataclass
class Page:
    url: Callable[[Scene], str]
    add_rows: Callable[[Scene, int], None]
    most: int  # the pinned count: lower it when a change saves a query


PAGES = {
    "candidate list": Page(lambda s: reverse("candidates:list"), candidate_rows, 8),
    # + 2 for the overdue requests (the first ten, and how many), cached with the rest.
    "dashboard": Page(lambda s: reverse("candidates:dashboard"), candidate_rows, 14),
    "slips": Page(lambda s: reverse("candidates:slips"), candidate_rows, 5),
    # 3 for the session and user; 5 for the candidates, their milestones, their decisions (with
    # the decisions' meetings), the decisions naming a meeting in free text, the numbered meetings.
    "consistency": Page(lambda s: reverse("candidates:consistency"), consistency_rows, 8),
    # 19 for the candidate, its schedule and history (with the names of changed co-ministries);
    # 3 for the adoption panel's grouped figures; 2 for the consistency note (the numbered
    # meetings, and the decisions naming one in text); 1 for the opinions of consultations
    # about it (constant in opinions: tests/consultations/test_views.py); 1 for the requests
    # about it; 1 for the decisions (決定) about it, with their meetings and agenda items.
    "candidate detail": Page(lambda s: s.candidate.get_absolute_url(), candidate_page_rows, 27),
    "reports": Page(lambda s: reverse("candidates:reports"), report_rows, 5),
    "meeting list": Page(lambda s: reverse("hearings:list"), meeting_rows, 6),
    # + 1 for the requests recorded from its entries (prefetched with the entries); + 2 for its
    # decisions (決定, with meeting and agenda item) and the candidates each is about.
    "meeting detail": Page(lambda s: s.meeting.get_absolute_url(), meeting_page_rows, 15),
    # 3 for the session and user; the requests' count and page (with their meetings, ministries
    # and candidates).
    "requests": Page(lambda s: reverse("hearings:requests"), candidate_rows, 5),
    # 3 for the session and user; the ministry; its candidates with their co-ministries; the
    # overdue milestones; the slips with their changes; the open requests; the recent remarks
    # with their candidates; its seats (with their organisations), their holders' terms, and the
    # newest meetings they attended with how many there are.
    "ministry": Page(
        lambda s: reverse("candidates:ministry", args=[s.candidate.lead_ministry_id]),
        ministry_and_seat_rows,
        15,
    ),
    # 3 for the session and user; the seats with their organisations and the seats they took
    # over; the holders' terms.
    "seats": Page(lambda s: reverse("bodies:seat_list"), seat_rows, 5),
    # + the meetings by title and by attendees, and the newest meetings read first; the
    # candidates' names for the filter (cached: one look-up of the change counter when they
    # are); on PostgreSQL, one statement to switch the planner to the search's indexes and one
    # to switch it back (planner_stats.index_plans).
    "search": Page(
        lambda s: reverse("hearings:search") + "?q=理由",
        search_rows,
        13 + (2 if connection.vendor == "postgresql" else 0),
    ),
    "audit": Page(lambda s: reverse("audit"), audit_rows, 5),
}


@pytest.fixture
def scene(secretariat, fixed_today) -> Scene:
    return Scene(
        user=secretariat,
        candidate=CandidateFactory.create(stage=Stage.IN_PROGRESS),
        meeting=MeetingFactory.create(),
    )


@pytest.mark.parametrize("name", PAGES)
def test_the_query_count_of_a_page_does_not_grow_with_its_rows(client, secretariat, scene, name):
    page = PAGES[name]
    client.force_login(secretariat)
    url = page.url(scene)
    page.add_rows(scene, FEW)
    few = queries(client, url)
    page.add_rows(scene, 2 * FEW)
    many = queries(client, url)
    assert (few, many) == (few, few), f"{name}: {few} queries with {FEW} rows, {many} with more"
    assert few <= page.most, f"{name}: {few} queries, pinned at {page.most}"


# The local-government pages show master data: the same page for a place with few rows and
# for one with many.
MASTER_DATA_PAGES = {
    # 鳥取県's 19 municipalities, then a full page of 北海道's 179.
    "municipality list": (
        lambda: reverse("municipalities:list") + f"?prefecture={prefecture_pk('310000')}",
        lambda: reverse("municipalities:list") + f"?prefecture={prefecture_pk('010006')}",
        7,
    ),
    # 川崎市 with 7 wards, then 大阪市 with 24.
    "municipality detail": (
        lambda: reverse("municipalities:detail", args=["141305"]),
        lambda: reverse("municipalities:detail", args=["271004"]),
        # 6 for the body and its wards; 2 for its adoption answers and the meetings it attended;
        # 1 for its seats (none here).
        9,
    ),
    # 指定都市市長会's 20 members, then a full page of 全国町村会's.
    "association detail": (
        lambda: reverse("municipalities:association_detail", args=["designated-cities"]),
        lambda: reverse("municipalities:association_detail", args=["towns-villages"]),
        7,  # + 1 for its seats (none here)
    ),
}


def prefecture_pk(code: str) -> int:
    return LocalGovernment.objects.get(code=code).pk


@pytest.mark.parametrize("name", MASTER_DATA_PAGES)
def test_the_query_count_of_a_master_data_page_does_not_grow_with_its_rows(
    client, secretariat, name
):
    few_url, many_url, most = MASTER_DATA_PAGES[name]
    client.force_login(secretariat)
    few, many = queries(client, few_url()), queries(client, many_url())
    assert (few, many) == (few, few), f"{name}: {few} queries with few rows, {many} with more"
    assert few <= most, f"{name}: {few} queries, pinned at {most}"


def test_the_candidate_history_is_read_in_a_fixed_number_of_queries(secretariat, fixed_today):
    """The measured case of issue 15: ten milestone edits took the candidate page from 25 to
    66 queries, one per version of the history."""
    from candidates.history import candidate_history

    candidate = CandidateFactory.create()
    milestone = MilestoneFactory.create(candidate=candidate)
    counts = []
    for edits in (1, 10):
        for _ in range(edits):
            milestone.planned_date = milestone.planned_date + dt.timedelta(days=1)
            milestone.save()
        with CaptureQueriesContext(connection) as captured:
            history = candidate_history(candidate=candidate)
        counts.append(len(captured.captured_queries))
    assert len(history) == 2 + 11  # the candidate and the milestone created, then 11 edits
    assert counts[0] == counts[1]
