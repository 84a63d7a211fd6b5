"""From pasted minutes to the record the secretariat corrects in the preview.

parse (minutes_parser) -> `preview_record` (a MeetingRecord, with the parser's doubts and the
master-data look-ups as warnings) -> the editor's forms -> services.meeting_save.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from bodies import selectors as seat_selectors
from bodies.seat_matching import SeatMatch
from candidates import cache as candidate_cache
from candidates.models import Candidate, Ministry
from hearings import decision_rules
from hearings.minutes_parser import ParsedMinutes, parse_minutes
from hearings.models import EntryKind
from hearings.records import (
    AgendaRow,
    AttendeeRow,
    DecisionRow,
    EntryRow,
    MaterialRow,
    MeetingHeader,
    MeetingRecord,
    MinutesText,
    RequestRow,
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
    entries = [EntryRow.copy_of(e) for e in parsed.entries]
    return MeetingRecord(
        header=header,
        attendees=[AttendeeRow.copy_of(a) for a in parsed.attendees],
        agenda_items=agenda_items,
        decisions=propose_decisions(meeting_kind=header.kind, agenda_items=agenda_items),
        requests=propose_requests(entries=entries, agenda_items=agenda_items),
        entries=entries,
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
    return (
        list(Candidate.objects.filter(pk__in=ids).select_related("lead_ministry").order_by("name"))
        if ids
        else []
    )


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


# A remark that asks something of someone (WT 9th meeting): 「…取り組むよう求める」
# 「…求めていきたい」「…お願いしたい」「…検討を進めていただきたい」「…ご報告いただけるとありがたい」
# 「…していただくと大変助かる」. Thanks (「感謝する」), hopes (「期待する」) and agreement
# (「賛成である」) ask nothing.
_ASKS = re.compile(
    r"求め(る|ます|ていく|ていきたい|たい)|お願い(したい|する|します|いたします)"
    r"|いただきたい|いただけ(ると|れば)(ありがた|幸い)|いただ(ければ|くと)(大変)?(ありがた|助か)"
)
# Whom a request asks, as the minutes name them: 「国土交通省には」「事務局には」.
_ADDRESSED = r"(には|に対して|に対し|へは)"
_SECRETARIAT = re.compile("事務局" + _ADDRESSED)


def asks_something(text: str) -> bool:
    """Whether a remark makes a request (要請) rather than thanking, hoping or agreeing."""
    return bool(_ASKS.search("".join(text.split())))


def _addressee(text: str, ministries: list[Ministry]) -> tuple[Ministry | None, bool]:
    """The ministry a request names as its addressee (one ministry named in the text, or one
    named with 「には」), or the secretariat (「事務局には」 and no ministry); (None, False) when
    the text does not say (「各府省庁には」, or several ministries): the secretariat chooses."""
    words = "".join(text.split())
    named = {m.name for m in ministries if m.name in words}
    if len(named) > 1:  # 「国土交通省には…」 beside another ministry merely mentioned
        named = {name for name in named if re.search(re.escape(name) + _ADDRESSED, words)}
    if len(named) == 1:
        (name,) = named
        # A ministry with bureaus: the ministry itself (no bureau) if it is registered.
        same = [m for m in ministries if m.name == name]
        return next((m for m in same if not m.bureau), same[0]), False
    if not named and _SECRETARIAT.search(words):
        return None, True
    return None, False


def propose_requests(*, entries: list[EntryRow], agenda_items: list[AgendaRow]) -> list[RequestRow]:
    """A request for each remark (or speech) that asks something (asks_something), with the text
    of the remark, on its agenda item, addressed as the text says (else left for the secretariat
    to choose) and about the one candidate the remark (else its agenda item) names; unconfirmed
    until the secretariat ticks it in the preview."""
    ministries = list(Ministry.objects.all())
    items = {item.number: item for item in agenda_items}
    rows = []
    for entry in entries:
        if entry.kind not in (EntryKind.REMARK, EntryKind.SPEECH) or not asks_something(entry.text):
            continue
        ministry, to_secretariat = _addressee(entry.text, ministries)
        named = candidates_named_in(entry.text)
        item = items.get(entry.agenda_number or 0)
        if not named and item is not None:
            named = candidates_named_in(f"{item.title}{item.explanation}")
        candidate = named[0] if len(named) == 1 else None
        if ministry is None and not to_secretariat and candidate is not None:
            ministry = candidate.lead_ministry
        rows.append(
            RequestRow(
                text=entry.text,
                agenda_number=entry.agenda_number,
                ministry=ministry,
                to_secretariat=to_secretariat,
                candidate=candidate,
            )
        )
    return rows


def import_warnings(text: str) -> list[str]:
    """The doubts about pasted minutes kept with them (the preview showed the same ones)."""
    return preview_record(text).minutes.warnings or []
