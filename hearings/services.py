"""Writes to meetings and minutes: all by the secretariat, each in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bodies import selectors as seat_selectors
from candidates.models import Candidate
from core import planner_stats
from core.concurrency import check_version
from core.models import User
from core.permissions import is_secretariat, require
from hearings import decision_services, request_services, selectors
from hearings.material_files import material_file_name
from hearings.minutes_normalise import text_digest
from hearings.models import (
    AgendaItem,
    Attendee,
    Material,
    Meeting,
    Minutes,
    MinutesEntry,
    MinutesFormat,
)
from hearings.records import (
    AgendaRow,
    AttendeeRow,
    DecisionRow,
    EntryRow,
    MaterialRow,
    MeetingHeader,
    MeetingRecord,
    MinutesText,
    ProposedRow,
    RequestRow,
)

STALE_MEETING = _lazy(
    "この会議は読み込んだ後に他の人が更新しました。最新の内容を確認してから、もう一度保存してください。"
)


class DuplicateMeetingError(ValidationError):
    """A new meeting looks like one already saved; saved only when the secretariat says so."""

    def __init__(self, duplicates: list[Meeting]):
        super().__init__(
            _(
                "同じ会議が既に登録されている可能性があります。別の会議として登録する場合は「重複を承知で登録する」にチェックしてから保存してください。"
            ),
            code="duplicate",
        )
        self.duplicates = duplicates


class MeetingInUseError(ValidationError):
    """A meeting that decisions cite is not deleted: the decision would lose where it was made."""

    def __init__(self, decisions: list):
        super().__init__(
            _(
                "この会議は次の段階の変更（決定）で「決定した会議」として記録されているため、削除できません。先に決定の記録を確認してください：%(decisions)s"
            )
            % {"decisions": "、".join(str(d) for d in decisions)},
            code="in_use",
        )
        self.decisions = decisions


RowModel = TypeVar("RowModel", Attendee, AgendaItem, MinutesEntry)
SECRETARIAT_ONLY = _lazy("会議と議事要旨を編集できるのは事務局のみです。")


def _require_secretariat(user: User) -> None:
    require(is_secretariat(user), SECRETARIAT_ONLY)


@transaction.atomic
def meeting_save(
    *,
    user: User,
    meeting: Meeting | None,
    version: int | None,
    record: MeetingRecord,
    allow_duplicate: bool = False,
) -> Meeting:
    """Create (meeting None) or replace a meeting with its attendees, agenda, entries, listed
    materials and minutes text; nothing is written unless all of it is valid.

    A new meeting that looks like a saved one (selectors.likely_duplicates) is refused unless
    allow_duplicate. Rows keep their identity by id, so links from remarks to candidates
    survive an edit.
    """
    _require_secretariat(user)
    if meeting is None and not allow_duplicate:
        duplicates = selectors.likely_duplicates(
            header=record.header, digest=text_digest(record.minutes.raw_text)
        )
        if duplicates:
            raise DuplicateMeetingError(duplicates)
    meeting = meeting_header_save(meeting=meeting, version=version, header=record.header)
    attendees_replace(meeting=meeting, rows=record.attendees)
    items = agenda_items_replace(meeting=meeting, rows=record.agenda_items)
    entries = entries_replace(meeting=meeting, rows=record.entries, agenda_items=items)
    if len(record.entries) >= planner_stats.BULK_ROWS:  # an import: keep search plans right
        planner_stats.analyze_on_commit(MinutesEntry)
    materials_add_listed(meeting=meeting, rows=record.materials)
    decisions_add_confirmed(user=user, meeting=meeting, rows=record.decisions, agenda_items=items)
    requests_add_confirmed(user=user, meeting=meeting, rows=record.requests, entries=entries)
    minutes_save(meeting=meeting, text=record.minutes)
    return meeting


def _add_confirmed(rows: Sequence[ProposedRow], label: str, add: Callable[[Any], object]) -> None:
    """Add each row the secretariat ticked in the import preview; a refused one refuses the
    whole save, its messages naming the row (「決定（2件目）：…」)."""
    for n, row in enumerate(rows, start=1):
        if not row.confirmed:
            continue
        try:
            add(row)
        except ValidationError as exc:
            raise ValidationError(
                [
                    _("%(label)s（%(n)s件目）：%(error)s")
                    % {"label": label, "n": n, "error": message}
                    for message in exc.messages
                ]
            ) from exc


def decisions_add_confirmed(
    *,
    user: User,
    meeting: Meeting,
    rows: Sequence[DecisionRow],
    agenda_items: dict[int, AgendaItem],
) -> None:
    """The decisions the secretariat ticked in the import preview, each on its agenda item;
    one by the wrong body refuses the whole save, naming the row and the right body."""
    _add_confirmed(
        rows,
        _("決定"),
        lambda row: decision_services.decision_record(
            user=user,
            kind=row.kind,
            text=row.text,
            meeting=meeting,
            agenda_item=agenda_items.get(row.agenda_number or 0),
            candidates=row.candidates,
        ),
    )


def _source_entry(text: str, entries: Sequence[MinutesEntry]) -> MinutesEntry | None:
    """The remark a request was read from: the one with its text, else the one containing it
    (the secretariat may have cut the request down to a sentence)."""
    text = text.strip()
    return next((e for e in entries if e.text.strip() == text), None) or next(
        (e for e in entries if text in e.text), None
    )


def requests_add_confirmed(
    *, user: User, meeting: Meeting, rows: Sequence[RequestRow], entries: Sequence[MinutesEntry]
) -> None:
    """The requests the secretariat ticked in the import preview, through
    request_services.request_create (its rules), each linked to the remark it came from."""
    _add_confirmed(
        rows,
        _("要請"),
        lambda row: request_services.request_create(
            user=user,
            meeting=meeting,
            text=row.text,
            entry=_source_entry(row.text, entries),
            ministry=row.ministry,
            candidate=row.candidate,
        ),
    )


def meeting_header_save(
    *, meeting: Meeting | None, version: int | None, header: MeetingHeader
) -> Meeting:
    """Write the meeting's own fields; an edit of a version someone else replaced is refused."""
    if meeting is None:
        meeting = Meeting()
    else:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        check_version(meeting, version, STALE_MEETING)
        meeting.version += 1
    meeting.kind = header.kind
    meeting.number = header.number
    meeting.title = header.title
    meeting.date = cast(dt.date, header.date)  # required by the form; full_clean refuses None
    meeting.start_time = header.start_time
    meeting.end_time = header.end_time
    meeting.place = header.place
    meeting.association = header.association
    meeting.full_clean()
    meeting.save()
    meeting.speaking_municipalities.set(header.speaking_municipalities)
    return meeting


def _row_object(model: type[RowModel], meeting: Meeting, existing: dict, row_id) -> RowModel:
    """The saved row being edited (taken out of `existing`, which ends as the rows to delete)
    or a new one."""
    return existing.pop(row_id, None) or model(meeting=meeting)


def _existing(model: type[models.Model], meeting: Meeting) -> dict:
    return {obj.pk: obj for obj in model._default_manager.filter(meeting=meeting)}


def _save_in_order(obj: models.Model, position: int) -> None:
    obj.position = position  # type: ignore[attr-defined]
    obj.full_clean(exclude=["meeting", "agenda_item"])
    obj.save()


def attendees_replace(*, meeting: Meeting, rows: Sequence[AttendeeRow]) -> None:
    """The meeting's attendees become `rows`, in order (kept by id, others deleted), each
    linked to the seat and holder it matches on the meeting's date (or to none)."""
    existing = _existing(Attendee, meeting)
    matches = seat_selectors.seat_matches(rows=rows, on=meeting.date, meeting_kind=meeting.kind)
    for position, (row, match) in enumerate(zip(rows, matches, strict=True)):
        attendee = _row_object(Attendee, meeting, existing, row.id)
        attendee.seat_id = match.seat.id if match.seat else None
        attendee.seat_term_id = match.term.id if match.term else None
        attendee.group = row.group
        attendee.organisation = row.organisation
        attendee.title = row.title
        attendee.name = row.name.strip() or _("（氏名不明）")
        attendee.proxy_name = row.proxy_name
        attendee.proxy_unit = row.proxy_unit
        attendee.proxy_title = row.proxy_title
        _save_in_order(attendee, position)
    Attendee.objects.filter(pk__in=existing).delete()


@transaction.atomic
def attendees_link_seats(*, user: User, meeting: Meeting) -> int:
    """Match the meeting's saved attendees to seats again (after seats or terms were added);
    returns how many are linked to a seat."""
    _require_secretariat(user)
    attendees = list(meeting.attendees.order_by("position", "pk"))
    matches = seat_selectors.seat_matches(
        rows=attendees, on=meeting.date, meeting_kind=meeting.kind
    )
    for attendee, match in zip(attendees, matches, strict=True):
        attendee.seat_id = match.seat.id if match.seat else None
        attendee.seat_term_id = match.term.id if match.term else None
    Attendee.objects.bulk_update(attendees, ["seat", "seat_term"])
    return sum(1 for match in matches if match.seat)


def agenda_items_replace(*, meeting: Meeting, rows: Sequence[AgendaRow]) -> dict[int, AgendaItem]:
    """The meeting's agenda becomes `rows`; returns the saved items by number."""
    numbers = [row.number for row in rows]
    if len(numbers) != len(set(numbers)):
        raise ValidationError({"agenda": [_("議題の番号が重複しています。")]})
    existing = _existing(AgendaItem, meeting)
    # Numbers are unique per meeting: free the kept items' numbers before renumbering them.
    AgendaItem.objects.filter(meeting=meeting).update(number=models.F("number") + 1000)
    saved = {}
    for row in rows:
        item = _row_object(AgendaItem, meeting, existing, row.id)
        item.number = row.number
        item.title = row.title
        item.explanation = row.explanation
        item.materials_text = row.materials_text
        item.outcome = row.outcome
        item.full_clean(exclude=["meeting"])
        item.save()
        saved[item.number] = item
    AgendaItem.objects.filter(pk__in=existing).delete()
    return saved


def entries_replace(
    *, meeting: Meeting, rows: Sequence[EntryRow], agenda_items: dict[int, AgendaItem]
) -> list[MinutesEntry]:
    """The meeting's entries become `rows`, in order, each under its agenda item by number;
    returns the saved entries in that order."""
    existing = _existing(MinutesEntry, meeting)
    saved = []
    for position, row in enumerate(rows):
        entry = _row_object(MinutesEntry, meeting, existing, row.id)
        entry.kind = row.kind
        entry.text = row.text
        entry.speaker = row.speaker
        entry.question_number = row.question_number
        entry.agenda_item = agenda_items.get(row.agenda_number or 0)
        _save_in_order(entry, position)
        saved.append(entry)
    MinutesEntry.objects.filter(pk__in=existing).delete()
    return saved


def materials_add_listed(*, meeting: Meeting, rows: Sequence[MaterialRow]) -> None:
    """Add the materials the minutes list (資料1-1 …) that the meeting does not have yet."""
    known = set(meeting.materials.values_list("label", flat=True))
    last = meeting.materials.order_by("-position").values_list("position", flat=True).first()
    position = -1 if last is None else last
    for row in rows:
        label = row.label.strip()
        if not label or label in known:
            continue
        known.add(label)
        position += 1
        material = Material(
            meeting=meeting, label=label, title=row.title.strip(), position=position
        )
        try:
            material.full_clean()
        except ValidationError as exc:
            raise ValidationError({"materials": exc.messages}) from exc
        material.save()


def minutes_save(*, meeting: Meeting, text: MinutesText) -> Minutes:
    """Keep the minutes text beside the structure (an empty raw text keeps the stored one)."""
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    if text.raw_text:
        minutes.raw_text = text.raw_text.replace("\r\n", "\n").replace("\r", "\n")
        minutes.text_digest = text_digest(minutes.raw_text)
    minutes.unplaced_text = text.unplaced_text
    minutes.format = text.format or minutes.format or MinutesFormat.UNKNOWN
    if text.warnings is not None:
        minutes.warnings = text.warnings
    minutes.version += 1
    minutes.full_clean()
    minutes.save()
    return minutes


@transaction.atomic
def meeting_delete(*, user: User, meeting: Meeting) -> None:
    """Delete a meeting with its minutes, attendees, agenda, entries (and their links to
    candidates) and materials (files removed after commit); refused while decisions cite it."""
    _require_secretariat(user)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    decisions = selectors.decisions_citing(meeting=meeting)
    if decisions:
        raise MeetingInUseError(decisions)
    files = [m.file for m in meeting.materials.exclude(file="")]
    meeting.delete()
    for file in files:
        transaction.on_commit(partial(file.storage.delete, file.name), robust=True)


@transaction.atomic
def entry_link_candidates(
    *, user: User, entry: MinutesEntry, candidates: list[Candidate]
) -> MinutesEntry:
    """Set which candidates a remark (or question, answer, speech) is about."""
    _require_secretariat(user)
    entry.candidates.set(candidates)
    return entry


@transaction.atomic
def agenda_item_link_candidates(
    *, user: User, item: AgendaItem, candidates: list[Candidate]
) -> AgendaItem:
    """Set which candidates an agenda item is about."""
    _require_secretariat(user)
    item.candidates.set(candidates)
    return item


@transaction.atomic
def material_add(
    *, user: User, meeting: Meeting, label: str, title: str = "", file=None
) -> Material:
    """Attach a material (資料1-1 …) to a meeting; the file was checked as a PDF by the form."""
    _require_secretariat(user)
    last = meeting.materials.order_by("-position").first()
    material = Material(
        meeting=meeting,
        label=label.strip(),
        title=title.strip(),
        position=(last.position + 1) if last else 0,
    )
    if file:
        material.file.save(material_file_name(file.name), file, save=False)
    material.full_clean()
    material.save()
    return material
