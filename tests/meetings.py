"""Meetings for tests, saved through the service as the editor saves them."""

from __future__ import annotations

from hearings import services
from hearings.models import Meeting
from hearings.records import (
    AgendaRow,
    AttendeeRow,
    EntryRow,
    MeetingHeader,
    MeetingRecord,
    MinutesText,
)


def meeting_record(
    *, attendees=(), agenda_items=(), entries=(), raw_text: str = "", **header
) -> MeetingRecord:
    """A record from plain dicts: header fields as keywords, rows as lists of dicts."""
    return MeetingRecord(
        header=MeetingHeader(**{"number": None, **header}),
        attendees=[AttendeeRow(**row) for row in attendees],
        agenda_items=[AgendaRow(**row) for row in agenda_items],
        entries=[EntryRow(**row) for row in entries],
        minutes=MinutesText(raw_text=raw_text),
    )


def save_meeting(user, *, meeting: Meeting | None = None, version=None, **fields) -> Meeting:
    return services.meeting_save(
        user=user,
        meeting=meeting,
        version=version,
        record=meeting_record(**fields),
        allow_duplicate=True,
    )
