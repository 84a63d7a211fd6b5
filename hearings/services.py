"""Writes to meetings and minutes: all by the secretariat, each in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from candidates.models import Candidate
from core.concurrency import check_version
from core.models import User
from core.permissions import is_secretariat, require
from hearings.material_files import material_file_name
from hearings.models import (
    AgendaItem,
    Attendee,
    Material,
    Meeting,
    Minutes,
    MinutesEntry,
    MinutesFormat,
)

MEETING_FIELDS = (
    "kind",
    "number",
    "title",
    "date",
    "start_time",
    "end_time",
    "place",
    "association",
    "speaking_municipality",
)


STALE_MEETING = _lazy(
    "この会議は読み込んだ後に他の人が更新しました。最新の内容を確認してから、もう一度保存してください。"
)


SECRETARIAT_ONLY = _lazy("会議と議事要旨を編集できるのは事務局のみです。")


def _require_secretariat(user: User) -> None:
    require(is_secretariat(user), SECRETARIAT_ONLY)


def _sync(model, meeting: Meeting, rows: list[dict], fields: tuple[str, ...]) -> dict[int, object]:
    """Make the meeting's rows of `model` match `rows` (kept ids updated, others created,
    missing ones deleted), in the given order. Returns the saved objects by position."""
    existing = {obj.pk: obj for obj in model.objects.filter(meeting=meeting)}
    kept = set()
    saved = {}
    for position, row in enumerate(rows):
        obj = existing.get(row.get("id") or 0) or model(meeting=meeting)
        for name in fields:
            setattr(obj, name, row.get(name) if row.get(name) is not None else "")
        if hasattr(obj, "position"):
            obj.position = position
        obj.full_clean(exclude=["meeting", "agenda_item"])
        obj.save()
        kept.add(obj.pk)
        saved[position] = obj
    model.objects.filter(meeting=meeting).exclude(pk__in=kept).delete()
    return saved


@transaction.atomic
def meeting_save(
    *,
    user: User,
    meeting: Meeting | None,
    version: int | None,
    data: dict,
    attendees: list[dict],
    agenda_items: list[dict],
    entries: list[dict],
    raw_text: str = "",
    unplaced_text: str = "",
    minutes_format: str = "",
    warnings: list[str] | None = None,
    materials: list[dict] | None = None,
) -> Meeting:
    """Create or replace a meeting with its attendees, agenda and minutes entries.

    Rows keep their identity by id, so links from remarks to candidates survive an edit.
    The raw text is kept beside the structure; nothing is written unless all of it is valid.
    """
    _require_secretariat(user)
    if meeting is None:
        meeting = Meeting()
    else:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        check_version(meeting, version, STALE_MEETING)
        meeting.version += 1
    for name in MEETING_FIELDS:
        value = data.get(name)
        setattr(meeting, name, value if value is not None or name not in ("place", "title") else "")
    meeting.full_clean()
    meeting.save()

    numbers = [row["number"] for row in agenda_items]
    if len(numbers) != len(set(numbers)):
        raise ValidationError({"agenda": [_("議題の番号が重複しています。")]})
    for row in attendees:
        row["name"] = (row.get("name") or "").strip() or _("（氏名不明）")
    _sync(
        Attendee,
        meeting,
        attendees,
        ("group", "organisation", "title", "name", "proxy_name", "proxy_unit", "proxy_title"),
    )
    items = _sync(
        AgendaItem,
        meeting,
        agenda_items,
        ("number", "title", "explanation", "materials_text", "outcome"),
    )
    by_number = {item.number: item for item in items.values()}
    for row in entries:
        row["question_number"] = row.get("question_number")
    saved_entries = _sync(MinutesEntry, meeting, entries, ("kind", "speaker", "text"))
    for position, entry in saved_entries.items():
        row = entries[position]
        entry.question_number = row.get("question_number")
        entry.agenda_item = by_number.get(row.get("agenda_number"))
        entry.save(update_fields=["question_number", "agenda_item"])

    known = set(meeting.materials.values_list("label", flat=True))
    for position, material in enumerate(materials or []):
        label = str(material.get("label", "")).strip()[:50]
        if label and label not in known:
            known.add(label)
            Material.objects.create(
                meeting=meeting,
                label=label,
                title=str(material.get("title", ""))[:300],
                position=position,
            )

    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    if raw_text:
        minutes.raw_text = raw_text.replace("\r\n", "\n").replace("\r", "\n")
    minutes.unplaced_text = unplaced_text
    minutes.format = minutes_format or minutes.format or MinutesFormat.UNKNOWN
    if warnings is not None:
        minutes.warnings = warnings
    minutes.version += 1
    minutes.full_clean()
    minutes.save()
    return meeting


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
