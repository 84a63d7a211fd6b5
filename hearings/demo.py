"""Demo meetings (デモデータ): the sample minutes imported as the secretariat would import them.

Each file goes through the same parser and service as a paste in the browser. A remark is
linked to a demo candidate only where the minutes speak of it: the remark names the candidate,
or it was made under an agenda item that names it. The decisions the demo records as made at
an imported meeting (same title, same day) are linked to it. Loading is skipped for a meeting
that already exists (same date and title), so set-up can run any number of times.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from candidates import services as candidate_services
from candidates.demo import DEMO_MARK
from candidates.models import Candidate, LifecycleTransition
from core.models import User
from hearings import services
from hearings.minutes_import import preview_record
from hearings.models import Meeting

MINUTES_DIR = Path(__file__).resolve().parent / "demo_minutes"


@transaction.atomic
def demo_meetings_load(*, secretariat: User) -> int:
    """Import the demo minutes once each; returns how many demo meetings exist."""
    for path in sorted(MINUTES_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        record = preview_record(text)
        if record.header.date is None:
            raise ValueError(f"demo minutes {path.name} have no date")
        meeting = Meeting.objects.filter(date=record.header.date, title=record.header.title).first()
        if meeting is None:
            meeting = services.meeting_save(
                user=secretariat, meeting=None, version=None, record=record, allow_duplicate=True
            )
            _link_remarks(meeting, secretariat)
        _link_decisions(meeting, secretariat)
    return Meeting.objects.count()


def _link_remarks(meeting: Meeting, secretariat: User) -> None:
    for candidate in Candidate.objects.filter(summary__endswith=DEMO_MARK):
        items = list(meeting.agenda_items.filter(title__contains=candidate.name))
        for item in items:
            services.agenda_item_link_candidates(
                user=secretariat, item=item, candidates=[*item.candidates.all(), candidate]
            )
        spoken_of = meeting.entries.filter(agenda_item__in=items) | meeting.entries.filter(
            text__contains=candidate.name
        )
        for entry in spoken_of.distinct():
            services.entry_link_candidates(
                user=secretariat, entry=entry, candidates=[*entry.candidates.all(), candidate]
            )


def _link_decisions(meeting: Meeting, secretariat: User) -> None:
    decisions = LifecycleTransition.objects.filter(
        candidate__summary__endswith=DEMO_MARK,
        meeting__isnull=True,
        meeting_text=meeting.title,
        decided_on=meeting.date,
    )
    for decision in decisions:
        candidate_services.transition_link_meeting(
            user=secretariat, transition=decision, meeting=meeting
        )
