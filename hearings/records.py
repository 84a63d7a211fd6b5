"""A meeting with its minutes as plain typed values: what the import preview proposes, what the
editor's forms return and what `services.meeting_save` writes.

The one path of an import is parse -> `minutes_import.preview_record` (a MeetingRecord) ->
the editor's forms (initial values, corrected by the secretariat) -> `MeetingEditor.record()`
(a MeetingRecord again) -> `services.meeting_save`. Rows carry the id of the row they edit
(None: a new row), so an edit keeps the links from remarks to candidates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any, Self

from municipalities.models import Association, LocalGovernment


class _Row:
    @classmethod
    def copy_of(cls, obj: Any, **values: Any) -> Self:
        """The row with `values`, and otherwise the attributes of the same names that `obj`
        (a parsed row, or a saved one with its id) has."""
        names = [f.name for f in fields(cls) if f.name not in values and hasattr(obj, f.name)]  # type: ignore[arg-type]
        return cls(**{name: getattr(obj, name) for name in names}, **values)


@dataclass
class MeetingHeader(_Row):
    kind: str
    title: str
    date: dt.date | None
    number: int | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    place: str = ""
    association: Association | None = None
    speaking_municipalities: list[LocalGovernment] = field(default_factory=list)


@dataclass
class AttendeeRow(_Row):
    name: str
    group: str = "wt_member"
    organisation: str = ""
    title: str = ""
    proxy_name: str = ""
    proxy_unit: str = ""
    proxy_title: str = ""
    id: int | None = None


@dataclass
class AgendaRow(_Row):
    number: int
    title: str
    explanation: str = ""
    materials_text: str = ""
    outcome: str = ""
    id: int | None = None


@dataclass
class EntryRow(_Row):
    kind: str
    text: str
    question_number: int | None = None
    agenda_number: int | None = None
    speaker: str = ""
    id: int | None = None


@dataclass
class MaterialRow:
    label: str
    title: str = ""


@dataclass(kw_only=True)
class ProposedRow:
    """Something the import reads from the minutes and proposes (a decision, a request); saved
    with the meeting only when the secretariat confirms it in the preview."""

    text: str
    agenda_number: int | None = None
    confirmed: bool = False


@dataclass(kw_only=True)
class DecisionRow(ProposedRow):
    """A decision the minutes record (an outcome line)."""

    kind: str
    candidates: list[Any] = field(default_factory=list)  # candidates.Candidate


@dataclass(kw_only=True)
class RequestRow(ProposedRow):
    """A request (要請) a remark makes (「…求める」「…お願いしたい」), from the remark's text.

    The addressee: `ministry` (candidates.Ministry), or the secretariat (`to_secretariat`);
    neither while the minutes do not say whom it asks (「各府省庁に…」): the secretariat
    chooses before confirming."""

    ministry: Any = None
    to_secretariat: bool = False
    candidate: Any = None  # candidates.Candidate


@dataclass
class MinutesText:
    """The minutes as given: the raw text, what could not be placed, the format, the doubts.

    `warnings` None keeps the stored ones (an edit by hand does not know them)."""

    raw_text: str = ""
    unplaced_text: str = ""
    format: str = ""
    warnings: list[str] | None = None


@dataclass
class MeetingRecord:
    header: MeetingHeader
    attendees: list[AttendeeRow] = field(default_factory=list)
    agenda_items: list[AgendaRow] = field(default_factory=list)
    entries: list[EntryRow] = field(default_factory=list)
    materials: list[MaterialRow] = field(default_factory=list)
    decisions: list[DecisionRow] = field(default_factory=list)
    requests: list[RequestRow] = field(default_factory=list)
    minutes: MinutesText = field(default_factory=MinutesText)
