"""Reads of meetings and minutes shared by pages and the council PDF."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Concat

from candidates.models import Candidate, LifecycleTransition
from candidates.selectors import decisions_at_meeting
from core import wareki
from hearings.models import (
    AgendaItem,
    Attendee,
    AttendeeGroup,
    Decision,
    FollowUpRequest,
    Material,
    Meeting,
    MinutesEntry,
)
from hearings.records import (
    AgendaRow,
    AttendeeRow,
    EntryRow,
    MeetingHeader,
    MeetingRecord,
    MinutesText,
)
from municipalities.models import Association, Kind, LocalGovernment


def meeting_list(*, kind: str = "") -> QuerySet[Meeting]:
    """Meetings, newest first, of one kind if given: the list page and the API."""
    meetings = Meeting.objects.all() if not kind else Meeting.objects.filter(kind=kind)
    return (
        meetings.select_related("association")
        .prefetch_related("speaking_municipalities__prefecture")
        .annotate(entry_count=Count("entries", distinct=True))
        .order_by("-date", "-start_time", "-pk")
    )


def meeting_fiscal_years() -> list[int]:
    """The fiscal years from the first meeting's to the last's, newest first: two reads of the
    date index (listing each month's first date read every meeting, 5 ms of the search page
    at 2,000 meetings). The council meets every year, so no year in between is empty."""
    span = Meeting.objects.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        return []
    first, last = wareki.fiscal_year_of(span["first"]), wareki.fiscal_year_of(span["last"])
    return list(range(last, first - 1, -1))


def recent_meetings(*, limit: int) -> QuerySet[Meeting]:
    """The `limit` latest meetings, newest first, as a filterable queryset (a form's choices:
    a sliced queryset cannot validate a choice, so the slice is taken as a list of ids)."""
    latest = list(Meeting.objects.order_by("-date").values_list("pk", flat=True)[:limit])
    return Meeting.objects.filter(pk__in=latest).order_by("-date")


def remarks_until(*, as_of, limit: int) -> QuerySet[MinutesEntry]:
    """Minutes entries of meetings held by `as_of`, newest first, at most `limit`: a report's
    remarks about a candidate (a prefetch of its `remarks`)."""
    return (
        MinutesEntry.objects.filter(meeting__date__lte=as_of)
        .select_related("meeting")
        .order_by("-meeting__date", "-meeting__pk", "position")[:limit]
    )


def entry_with_meeting(*, pk: int) -> MinutesEntry:
    return MinutesEntry.objects.select_related("meeting").get(pk=pk)


def agenda_item_with_meeting(*, pk: int) -> AgendaItem:
    return AgendaItem.objects.select_related("meeting").get(pk=pk)


def meeting_detail(*, pk: int) -> Meeting:
    entries = MinutesEntry.objects.prefetch_related(
        "candidates",
        Prefetch("requests", queryset=FollowUpRequest.objects.select_related("ministry")),
    ).order_by("position", "pk")
    return (
        Meeting.objects.select_related("association", "minutes")
        .prefetch_related(
            "speaking_municipalities__prefecture",
            Prefetch(
                "attendees",
                queryset=Attendee.objects.select_related(
                    "seat__local_government__prefecture", "seat__ministry", "seat__association"
                ).order_by("position", "pk"),
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.prefetch_related("candidates").order_by("number"),
            ),
            Prefetch("entries", queryset=entries),
            "materials",
            Prefetch("decision_records", queryset=_decisions().prefetch_related("candidates")),
        )
        .get(pk=pk)
    )


def meeting_record(*, meeting: Meeting) -> MeetingRecord:
    """A saved meeting (from meeting_detail) as the record its editor starts from."""
    minutes = getattr(meeting, "minutes", None)
    numbers: dict[int | None, int] = {i.pk: i.number for i in meeting.agenda_items.all()}
    return MeetingRecord(
        header=MeetingHeader.copy_of(
            meeting,
            speaking_municipalities=list(meeting.speaking_municipalities.all()),
        ),
        attendees=[AttendeeRow.copy_of(a) for a in meeting.attendees.all()],
        agenda_items=[AgendaRow.copy_of(i) for i in meeting.agenda_items.all()],
        entries=[
            EntryRow.copy_of(e, agenda_number=numbers.get(e.agenda_item_id))
            for e in meeting.entries.all()
        ],
        minutes=MinutesText(
            unplaced_text=minutes.unplaced_text if minutes else "",
            format=minutes.format if minutes else "",
        ),
    )


def likely_duplicates(
    *, header: MeetingHeader, digest: str, exclude_pk: int | None = None
) -> list[Meeting]:
    """Saved meetings that a new one probably repeats: the same minutes text (by digest), or
    the same kind on the same date. Two hearings of different associations may share a day,
    so for a hearing with an association only that association's hearings count."""
    same_day = Q(kind=header.kind, date=header.date) if header.date else Q(pk__in=[])
    if header.association is not None:
        same_day &= Q(association=None) | Q(association=header.association)
    same_text = Q(minutes__text_digest=digest) if digest else Q(pk__in=[])
    meetings = Meeting.objects.filter(same_day | same_text)
    if exclude_pk is not None:
        meetings = meetings.exclude(pk=exclude_pk)
    return list(meetings.order_by("-date", "-pk")[:10])


def decisions_citing(*, meeting: Meeting) -> list:
    """The candidates' decisions recorded as made at this meeting."""
    return decisions_at_meeting(meeting_id=meeting.pk)


def deletion_summary(*, meeting: Meeting) -> dict:
    """What goes with a meeting when it is deleted, and what keeps it from being deleted."""
    linked_entries = (
        MinutesEntry.objects.filter(meeting=meeting)
        .filter(candidates__isnull=False)
        .prefetch_related("candidates")
        .distinct()
        .order_by("position", "pk")
    )
    linked_items = (
        AgendaItem.objects.filter(meeting=meeting, candidates__isnull=False)
        .prefetch_related("candidates")
        .distinct()
        .order_by("number")
    )
    return {
        "decisions": decisions_citing(meeting=meeting),
        "linked_entries": list(linked_entries),
        "linked_agenda_items": list(linked_items),
        "materials": list(Material.objects.filter(meeting=meeting).order_by("position", "pk")),
        "counts": {
            "attendees": meeting.attendees.count(),
            "agenda_items": meeting.agenda_items.count(),
            "entries": meeting.entries.count(),
            "requests": meeting.requests.count(),
        },
    }


def remarks_for_candidate(*, candidate, limit: int | None = None) -> QuerySet[MinutesEntry]:
    """Every minutes entry linked to a candidate, newest meeting first."""
    remarks = (
        MinutesEntry.objects.filter(candidates=candidate)
        .select_related("meeting", "agenda_item")
        .order_by("-meeting__date", "-meeting__pk", "position")
    )
    return remarks[:limit] if limit else remarks


@dataclass(frozen=True)
class BodyMeeting:
    """A meeting a local government took part in, and how: it spoke (the hearing's speaking
    municipality), its staff attended, or attended as a WT member."""

    meeting: Meeting
    spoke: bool
    attended: bool
    as_wt_member: bool


def meetings_of_local_government(*, local_government: LocalGovernment) -> list[BodyMeeting]:
    """Meetings a body spoke at or its staff attended, newest first, in two queries.

    Attendees are recorded by position text, not by a link to the body: a row counts when its
    organisation and title (or its proxy's unit) begin with the body's qualified name
    (愛知県一宮市総務部長). For a prefecture, text that goes on with one of its municipalities'
    names (山口県下関市…) is that municipality's, not the prefecture's."""
    name = local_government.qualified_name
    text = Concat("organisation", "title", output_field=CharField())
    match = Q(position_text__startswith=name) | Q(proxy_unit__startswith=name)
    if local_government.kind == Kind.PREFECTURE:
        for municipality in LocalGovernment.objects.filter(prefecture=local_government).values_list(
            "name", flat=True
        ):
            match &= ~Q(position_text__startswith=name + municipality)
            match &= ~Q(proxy_unit__startswith=name + municipality)
    attendees = Attendee.objects.annotate(position_text=text).filter(match, meeting=OuterRef("pk"))
    meetings = (
        Meeting.objects.annotate(
            attended=Exists(attendees),
            as_wt_member=Exists(attendees.filter(group=AttendeeGroup.WT_MEMBER)),
            spoke=Exists(
                Meeting.speaking_municipalities.through.objects.filter(
                    meeting=OuterRef("pk"), localgovernment=local_government
                )
            ),
        )
        .filter(Q(spoke=True) | Q(attended=True))
        .select_related("association")
        .order_by("-date", "-pk")
    )
    return [
        BodyMeeting(
            meeting=m,
            spoke=m.spoke,
            attended=m.attended,
            as_wt_member=m.as_wt_member,
        )
        for m in meetings
    ]


def numbered_meetings(*, kinds: Iterable[str]) -> QuerySet[Meeting]:
    """The meetings of numbered series (第N回), oldest first: what the consistency check
    compares numbers and dates on."""
    return (
        Meeting.objects.filter(kind__in=list(kinds), number__isnull=False)
        .only("pk", "kind", "number", "date", "title")
        .order_by("date", "number", "pk")
    )


def question_threads(
    *, entries: Sequence[MinutesEntry]
) -> dict[tuple[int, int], list[MinutesEntry]]:
    """For each numbered question among these entries: the question, its answers and the
    follow-up remarks (the same meeting and question number), in minutes order; one query.

    A hearing's minutes number the questions sent in advance (①②③) and file each answer and
    follow-up under its number, so a question read alone has lost its answer."""
    keys = {(e.meeting_id, e.question_number) for e in entries if e.question_number is not None}
    threads: dict[tuple[int, int], list[MinutesEntry]] = defaultdict(list)
    if not keys:
        return threads
    rows = (
        MinutesEntry.objects.filter(
            meeting_id__in={m for m, _ in keys}, question_number__in={n for _, n in keys}
        )
        .select_related("meeting")
        .order_by("position", "pk")
    )
    for entry in rows:
        if (
            entry.question_number is not None
            and (key := (entry.meeting_id, entry.question_number)) in keys
        ):
            threads[key].append(entry)
    return threads


def calendar_meetings() -> QuerySet[Meeting]:
    """Every meeting, earliest first, without its search text: a calendar's meeting events."""
    return Meeting.objects.defer("search_text").order_by("date", "start_time", "pk")


def meetings_about(*, candidates: QuerySet[Candidate]) -> QuerySet[Meeting]:
    """Meetings that discussed (an agenda item linked to) or decided (a stage change recorded
    at) one of these candidates."""
    ids = candidates.values("pk")
    discussed = AgendaItem.candidates.through.objects.filter(candidate__in=ids).values(
        "agendaitem__meeting_id"
    )
    decided = LifecycleTransition.objects.filter(candidate__in=ids).values("meeting_id")
    return calendar_meetings().filter(Q(pk__in=discussed) | Q(pk__in=decided))


def meetings_deciding(*, candidate_id: int) -> QuerySet[Meeting]:
    """Meetings at which a stage change of this candidate was decided."""
    decided = LifecycleTransition.objects.filter(candidate_id=candidate_id).values("meeting_id")
    return calendar_meetings().filter(pk__in=decided)


def meetings_of_association(*, association: Association) -> QuerySet[Meeting]:
    """The hearings of an association (the meetings that heard it)."""
    return calendar_meetings().filter(association=association)


# --- requests (要請・宿題) ----------------------------------------------------------------


def _requests() -> QuerySet[FollowUpRequest]:
    return FollowUpRequest.objects.select_related(
        "meeting", "ministry", "candidate", "reported_at", "entry"
    )


def request_list(
    *, status: str = "", ministries: QuerySet | None = None
) -> QuerySet[FollowUpRequest]:
    """Requests, soonest due first (undated last); of some ministries and in one status when
    asked."""
    requests = _requests().order_by(F("due_date").asc(nulls_last=True), "pk")
    if status:
        requests = requests.filter(status=status)
    if ministries is not None:
        requests = requests.filter(ministry__in=ministries)
    return requests


def request_detail(*, pk: int) -> FollowUpRequest:
    return _requests().select_related("answered_by", "created_by").get(pk=pk)


def overdue_requests(*, today: dt.date) -> QuerySet[FollowUpRequest]:
    """Open requests past their due date on `today`, longest overdue first."""
    return (
        FollowUpRequest.objects.overdue(today)
        .select_related("meeting", "ministry", "candidate", "reported_at", "entry")
        .order_by("due_date", "pk")
    )


def requests_for_candidate(*, candidate) -> QuerySet[FollowUpRequest]:
    return _requests().filter(candidate=candidate).order_by("-meeting__date", "pk")


def requests_of_meeting(*, meeting: Meeting) -> QuerySet[FollowUpRequest]:
    return _requests().filter(meeting=meeting).order_by("pk")


def _decisions() -> QuerySet[Decision]:
    return Decision.objects.select_related("meeting", "agenda_item").order_by("decided_on", "pk")


def decisions_for_candidate(*, candidate) -> QuerySet[Decision]:
    """The decisions (決定) about a candidate, oldest first, with their meeting and agenda item."""
    return _decisions().filter(candidates=candidate)
