"""What a ministry's own page reads (its staff's landing page): its candidates, their overdue
and slipped milestones, candidates whose progress report is stale, the requests addressed to
it still open, and recent remarks about its candidates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from bodies.selectors import OrganisationSeats, organisation_seats
from candidates.models import Candidate, Milestone, Ministry
from candidates.selectors import (
    ACTIVE_STAGES,
    STALE_AFTER_DAYS,
    SlipRow,
    candidate_rows,
    candidates_of_ministries,
    overdue_q,
    slip_rows,
)
from hearings import selectors as hearings_selectors
from hearings.models import MinutesEntry, RequestStatus

RECENT_REMARKS = 10


@dataclass
class MinistryPage:
    ministry: Ministry
    candidates: list[Candidate]  # with slipped_count, overdue_count, last_progress_on
    overdue: list[Milestone]
    slips: list[SlipRow]
    stale: list[Candidate]  # active, and no progress report for STALE_AFTER_DAYS
    requests: list  # open requests addressed to the ministry
    remarks: list[MinutesEntry]
    seats: OrganisationSeats  # its (and its bureaus') seats and the meetings they attended


def _own(ministry: Ministry) -> QuerySet[Ministry]:
    """The ministry and, for a ministry without a bureau, its bureaus (国土交通省 covers
    国土交通省道路局), as candidates/permissions reads responsibility."""
    if ministry.bureau:
        return Ministry.objects.filter(pk=ministry.pk)
    return Ministry.objects.filter(name=ministry.name)


def ministry_page(*, ministry: Ministry, today: dt.date) -> MinistryPage:
    own = candidates_of_ministries(ministries=_own(ministry))
    candidates = list(candidate_rows(today=today).filter(pk__in=own.values("pk")))
    stale_before = today - dt.timedelta(days=STALE_AFTER_DAYS)
    overdue = (
        Milestone.objects.filter(overdue_q(today), candidate__in=own.values("pk"))
        .select_related("candidate")
        .order_by("planned_date", "candidate__name", "position")
    )
    remarks = (
        MinutesEntry.objects.filter(candidates__in=own.values("pk"))
        .select_related("meeting")
        .prefetch_related("candidates")
        .distinct()
        .order_by("-meeting__date", "-meeting__pk", "position")[:RECENT_REMARKS]
    )
    return MinistryPage(
        ministry=ministry,
        candidates=candidates,
        overdue=list(overdue),
        slips=slip_rows(candidates=own, today=today),
        stale=[
            c
            for c in candidates
            if c.stage in ACTIVE_STAGES
            and ((last := getattr(c, "last_progress_on", None)) is None or last < stale_before)
        ],
        requests=list(
            hearings_selectors.request_list(status=RequestStatus.OPEN, ministries=_own(ministry))
        ),
        remarks=list(remarks),
        seats=organisation_seats(today=today, ministries=_own(ministry)),
    )
