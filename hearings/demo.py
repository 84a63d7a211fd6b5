"""Demo meetings (デモデータ): the sample minutes imported as the secretariat would import them.

Each file goes through the same parser and service as a paste in the browser; remarks that
mention a demo candidate's subject are linked to it. Loading is skipped for a meeting that
already exists (same date and title), so set-up can run any number of times.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from candidates.models import Candidate
from core.models import User
from hearings import services
from hearings.minutes_import import preview_record
from hearings.models import Meeting

MINUTES_DIR = Path(__file__).resolve().parent / "demo_minutes"
# A remark containing the word is linked to the demo candidates of those names: the WT's
# remarks on slips (後ろ倒し) concern the decided candidates whose schedules slipped.
LINKS = {
    "通報": ("土木施設に関する住民からの通報等システム",),
    "後ろ倒し": ("公営住宅管理システム", "介護認定審査会支援システム", "公金収納システム"),
}


@transaction.atomic
def demo_meetings_load(*, secretariat: User) -> int:
    """Import the demo minutes once each; returns how many demo meetings exist."""
    for path in sorted(MINUTES_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        record = preview_record(text)
        if record.header.date is None:
            raise ValueError(f"demo minutes {path.name} have no date")
        if Meeting.objects.filter(date=record.header.date, title=record.header.title).exists():
            continue
        meeting = services.meeting_save(
            user=secretariat, meeting=None, version=None, record=record, allow_duplicate=True
        )
        _link(meeting, secretariat)
    return Meeting.objects.count()


def _link(meeting: Meeting, secretariat: User) -> None:
    for word, names in LINKS.items():
        candidates = list(Candidate.objects.filter(name__in=names))
        if not candidates:
            continue
        for entry in meeting.entries.filter(text__contains=word):
            services.entry_link_candidates(user=secretariat, entry=entry, candidates=candidates)
        for item in meeting.agenda_items.filter(title__contains=word):
            services.agenda_item_link_candidates(user=secretariat, item=item, candidates=candidates)
