"""Reads of meetings and minutes shared by pages and the council PDF."""

from django.db.models import Count, Prefetch, QuerySet

from hearings.models import AgendaItem, Attendee, Meeting, MinutesEntry


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
