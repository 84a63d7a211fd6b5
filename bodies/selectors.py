"""Reads of seats: the directory the minutes importer matches against, the secretariat's list,
and what the pages of a local government, a ministry and an association show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Count, Prefetch, Q, QuerySet, Window

from bodies.models import Body, Seat, SeatTerm
from bodies.seat_matching import SeatEntry, SeatMatch, TermEntry, match_attendee, seat_keys

MEETINGS_SHOWN = 10


def _seats() -> QuerySet[Seat]:
    return Seat.objects.select_related(
        "local_government__prefecture", "ministry", "association", "follows"
    ).prefetch_related(Prefetch("terms", queryset=SeatTerm.objects.order_by("start", "pk")))


def seat_directory(*, on: dt.date) -> list[SeatEntry]:
    """The seats active on `on` with their terms, as the matcher reads them (two queries)."""
    active = _seats().filter(Q(active_to__isnull=True) | Q(active_to__gte=on), active_from__lte=on)
    return [
        SeatEntry(
            id=seat.pk,
            body=seat.body,
            label=str(seat),
            keys=seat_keys(seat.organisation_names(), seat.position),
            active_from=seat.active_from,
            active_to=seat.active_to,
            terms=tuple(
                TermEntry(id=t.pk, person_name=t.person_name, start=t.start, end=t.end)
                for t in seat.terms.all()
            ),
        )
        for seat in active
    ]


class AttendeeFields(Protocol):
    """What the matcher reads of an attendee row (an AttendeeRow or a saved Attendee)."""

    organisation: str
    title: str
    name: str


def seat_matches(
    *, rows: Sequence[AttendeeFields], on: dt.date | None, meeting_kind: str
) -> list[SeatMatch]:
    """Each row's seat and person on the meeting's date (seat_matching.match_attendee)."""
    if on is None:
        return [SeatMatch(problem="no_seat") for _row in rows]
    directory = seat_directory(on=on)
    return [
        match_attendee(
            seats=directory,
            organisation=row.organisation,
            title=row.title,
            name=row.name,
            on=on,
            meeting_kind=meeting_kind,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SeatRow:
    seat: Seat
    holder: SeatTerm | None  # on the day asked


def _rows(seats: QuerySet[Seat], today: dt.date) -> list[SeatRow]:
    """The seats with their holders on `today`, by body as the council ranks them (協議会,
    WT, 準備会合, 中間報告会: Body's order, not the values' alphabet), then by order."""
    rank = {body: index for index, body in enumerate(Body.values)}
    rows = [
        SeatRow(seat=seat, holder=next((t for t in seat.terms.all() if t.covers(today)), None))
        for seat in seats
    ]
    rows.sort(key=lambda row: (rank[row.seat.body], row.seat.order, row.seat.pk))
    return rows


def seat_list(*, today: dt.date, body: str = "", include_ended: bool = False) -> list[SeatRow]:
    """Every seat (of one body), with who holds it today; ended seats only when asked."""
    seats = _seats()
    if body:
        seats = seats.filter(body=body)
    if not include_ended:
        seats = seats.filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
    return _rows(seats, today)


@dataclass(frozen=True)
class OrganisationSeats:
    """An organisation's seats (current first, then ended ones) and the meetings its seats
    attended, newest first (the first MEETINGS_SHOWN of `meeting_count`)."""

    seats: list[SeatRow]
    meetings: list
    meeting_count: int


def organisation_seats(
    *,
    today: dt.date,
    local_government=None,
    ministries: QuerySet | None = None,
    association=None,
) -> OrganisationSeats:
    """The seats of one local government, association, or set of ministries (a ministry and
    its bureaus), and the meetings their holders or proxies attended."""
    from hearings.models import Attendee, Meeting  # hearings links to seats: read it lazily

    if local_government is not None:
        seats = _seats().filter(local_government=local_government)
    elif association is not None:
        seats = _seats().filter(association=association)
    elif ministries is not None:
        seats = _seats().filter(ministry__in=ministries)
    else:
        seats = Seat.objects.none()
    rows = _rows(seats, today)
    if not rows:  # most organisations have no seat: one query
        return OrganisationSeats(seats=[], meetings=[], meeting_count=0)
    # Current seats first, then ended ones (the history of who sat where).
    rows.sort(key=lambda row: row.seat.active_to is not None and row.seat.active_to < today)
    # One query: the window counts every meeting before the LIMIT keeps the newest.
    meetings = list(
        Meeting.objects.filter(
            pk__in=Attendee.objects.filter(seat__in=[row.seat.pk for row in rows]).values("meeting")
        )
        .annotate(total=Window(Count("pk")))
        .order_by("-date", "-pk")[:MEETINGS_SHOWN]
    )
    count = meetings[0].total if meetings else 0
    return OrganisationSeats(seats=rows, meetings=meetings, meeting_count=count)
