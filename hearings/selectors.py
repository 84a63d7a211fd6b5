"""Reads of meetings and minutes shared by pages and the council PDF."""

from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Concat

from hearings.models import AgendaItem, Attendee, AttendeeGroup, Meeting, MinutesEntry
from municipalities.models import Kind, LocalGovernment


def meeting_list() -> QuerySet[Meeting]:
    return (
        Meeting.objects.select_related("association", "speaking_municipality__prefecture")
        .annotate(entry_count=Count("entries", distinct=True))
        .order_by("-date", "-start_time", "-pk")
    )


def meeting_detail(*, pk: int) -> Meeting:
    entries = MinutesEntry.objects.prefetch_related("candidates").order_by("position", "pk")
    return (
        Meeting.objects.select_related(
            "association", "speaking_municipality__prefecture", "minutes"
        )
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.order_by("position", "pk")),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.prefetch_related("candidates").order_by("number"),
            ),
            Prefetch("entries", queryset=entries),
            "materials",
        )
        .get(pk=pk)
    )


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
        )
        .filter(Q(speaking_municipality=local_government) | Q(attended=True))
        .select_related("association")
        .order_by("-date", "-pk")
    )
    return [
        BodyMeeting(
            meeting=m,
            spoke=m.speaking_municipality_id == local_government.pk,
            attended=m.attended,
            as_wt_member=m.as_wt_member,
        )
        for m in meetings
    ]
