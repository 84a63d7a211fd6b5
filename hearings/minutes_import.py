"""From pasted minutes to the record the secretariat corrects in the preview.

parse (minutes_parser) -> `preview_record` (a MeetingRecord, with the parser's doubts and the
master-data look-ups as warnings) -> the editor's forms -> services.meeting_save.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from bodies import selectors as seat_selectors
from bodies.seat_matching import SeatMatch
from candidates import cache as candidate_cache
from candidates.models import Candidate
from hearings import decision_rules
from hearings.minutes_parser import ParsedMinutes, parse_minutes
from hearings.records import (
    AgendaRow,
    AttendeeRow,
    DecisionRow,
    EntryRow,
    MaterialRow,
    MeetingHeader,
    MeetingRecord,
    MinutesText,
)
from municipalities.models import Association, LocalGovernment


def find_municipality(name: str) -> LocalGovernment | None:
    """The local government a name in minutes means (静岡県浜松市, 浜松市), if only one fits."""
    if not name:
        return None
    endings = {name[start:] for start in range(len(name) - 1)}  # 浜松市 of 静岡県浜松市
    candidates = [
        lg
        for lg in LocalGovernment.objects.filter(name__in=endings).select_related("prefecture")
        if lg.qualified_name == name or lg.name == name
    ]
    return candidates[0] if len(candidates) == 1 else None


def _municipalities(names: list[str], warnings: list[str]) -> list[LocalGovernment]:
    found = []
    for name in names:
        if municipality := find_municipality(name):
            found.append(municipality)
        else:
            warnings.append(
                _(
                    "「%(name)s」は地方公共団体マスタに見つかりません。必要なら団体名か団体コードを入力してください。"
                )
                % {"name": name}
            )
    return found


def preview_record(text: str) -> MeetingRecord:
    """What the pasted minutes say, as a meeting record to correct before it is saved."""
    return record_from_parse(parse_minutes(text), text)


def record_from_parse(parsed: ParsedMinutes, raw_text: str) -> MeetingRecord:
    warnings = list(parsed.warnings)
    header = MeetingHeader.copy_of(
        parsed,
        association=Association.objects.filter(name=parsed.association_name).first(),
        speaking_municipalities=_municipalities(parsed.speaking_municipality_names, warnings),
    )
    agenda_items = [
        AgendaRow.copy_of(item, materials_text="、".join(item.materials))
        for item in parsed.agenda_items
    ]
    return MeetingRecord(
        header=header,
        attendees=[AttendeeRow.copy_of(a) for a in parsed.attendees],
        agenda_items=agenda_items,
        decisions=propose_decisions(meeting_kind=header.kind, agenda_items=agenda_items),
        entries=[EntryRow.copy_of(e) for e in parsed.entries],
        materials=[
            MaterialRow(label=label, title=parsed.material_titles.get(label, ""))
            for label in parsed.materials
        ],
        minutes=MinutesText(
            raw_text=raw_text,
            unplaced_text="\n".join(parsed.unplaced),
            format=parsed.format,
            warnings=warnings,
        ),
    )


def candidates_named_in(text: str) -> list[Candidate]:
    """The candidates whose names the text contains (spaces in the minutes ignored), as the
    demo links remarks to candidates: by the name as written."""
    words = "".join(text.split())
    ids = [pk for pk, name in candidate_cache.candidate_names() if name and name in words]
    return list(Candidate.objects.filter(pk__in=ids).order_by("name")) if ids else []


def propose_decisions(*, meeting_kind: str, agenda_items: list[AgendaRow]) -> list[DecisionRow]:
    """A decision for each agenda item whose outcome records one (「（案）のとおり進めていく
    こととなった」), about the candidates the item names; unconfirmed until the secretariat ticks
    it in the preview."""
    rows = []
    for item in agenda_items:
        if not decision_rules.records_a_decision(item.outcome):
            continue
        named = candidates_named_in(f"{item.title}{item.explanation}{item.outcome}")
        kind = decision_rules.proposed_kind(
            meeting_kind=meeting_kind, text=item.outcome, names_a_candidate=bool(named)
        )
        if kind is None:
            continue
        rows.append(
            DecisionRow(
                kind=kind,
                text=f"{item.title}：{item.outcome}",
                agenda_number=item.number,
                candidates=named,
            )
        )
    return rows


def attendee_seat_matches(
    *, header: MeetingHeader, rows: list[AttendeeRow]
) -> list[tuple[AttendeeRow, SeatMatch]]:
    """Each attendee with the seat and person it matches on the meeting's date, or why not:
    what the preview shows before the save links them (services.attendees_replace)."""
    matches = seat_selectors.seat_matches(rows=rows, on=header.date, meeting_kind=header.kind)
    return list(zip(rows, matches, strict=True))


def import_warnings(text: str) -> list[str]:
    """The doubts about pasted minutes kept with them (the preview showed the same ones)."""
    return preview_record(text).minutes.warnings or []
