"""From a parse of pasted minutes to the editor's initial values (the preview to correct)."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from hearings.minutes_parser import ParsedMinutes
from municipalities.models import Association, LocalGovernment


def find_municipality(name: str) -> LocalGovernment | None:
    if not name:
        return None
    candidates = [
        lg
        for lg in LocalGovernment.objects.filter(name__in=[name, name[-6:]]).select_related(
            "prefecture"
        )
        if lg.qualified_name == name or lg.name == name
    ]
    return candidates[0] if len(candidates) == 1 else None


def preview_initial(
    parsed: ParsedMinutes, raw_text: str
) -> tuple[dict, list, list, list, list[str]]:
    """Initial data for the meeting form and the three formsets, plus the warnings to show."""
    warnings = list(parsed.warnings)
    association = Association.objects.filter(name=parsed.association_name).first()
    municipality = None
    if parsed.speaking_municipality_name:
        municipality = find_municipality(parsed.speaking_municipality_name)
        if municipality is None:
            warnings.append(
                _(
                    "「%(name)s」は地方公共団体マスタに見つかりません。必要なら団体コードを入力してください。"
                )
                % {"name": parsed.speaking_municipality_name}
            )
    meeting = {
        "kind": parsed.kind,
        "number": parsed.number,
        "title": parsed.title,
        "date": parsed.date,
        "start_time": parsed.start_time,
        "end_time": parsed.end_time,
        "place": parsed.place,
        "association": association.pk if association else None,
        "speaking_municipality": municipality.code if municipality else "",
        "minutes_format": parsed.format,
        "raw_text": raw_text,
        "unplaced_text": "\n".join(parsed.unplaced),
        "warnings_json": json.dumps(warnings, ensure_ascii=False),
        "materials_json": json.dumps(
            [
                {"label": label, "title": parsed.material_titles.get(label, "")}
                for label in parsed.materials
            ],
            ensure_ascii=False,
        ),
    }
    attendees = [
        {
            "group": a.group,
            "organisation": a.organisation,
            "title": a.title,
            "name": a.name,
            "proxy_name": a.proxy_name,
            "proxy_unit": a.proxy_unit,
            "proxy_title": a.proxy_title,
        }
        for a in parsed.attendees
    ]
    agenda = [
        {
            "number": item.number,
            "title": item.title,
            "explanation": item.explanation,
            "materials_text": "、".join(item.materials),
            "outcome": item.outcome,
        }
        for item in parsed.agenda_items
    ]
    entries = [
        {
            "kind": e.kind,
            "question_number": e.question_number,
            "agenda_number": e.agenda_number,
            "speaker": e.speaker,
            "text": e.text,
        }
        for e in parsed.entries
    ]
    return meeting, attendees, agenda, entries, warnings


def loads_list(text: str) -> list:
    """A JSON list from a hidden field; anything else (tampered, empty) is an empty list."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []
