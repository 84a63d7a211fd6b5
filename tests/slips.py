"""A slipped milestone, made through the services as users make one (shared by test modules)."""

import datetime as dt

from candidates import services
from candidates.models import Candidate, Milestone, MilestoneKind
from core.models import User


def slipped_milestone(
    *,
    candidate: Candidate,
    secretariat: User,
    editor: User,
    reason: str,
    added_value: str,
    progress_note: str = "",
) -> Milestone:
    """A 要件定義 milestone baselined 2026-06-30 by the secretariat, moved by editor to 2026-09-30."""
    milestone = services.milestone_create(
        user=secretariat,
        candidate=candidate,
        kind=MilestoneKind.REQUIREMENTS,
        baseline_date=dt.date(2026, 6, 30),
    )
    services.milestone_update(
        user=editor,
        milestone=milestone,
        version=milestone.version,
        planned_date=dt.date(2026, 9, 30),
        actual_date=None,
        progress_note=progress_note,
        reason=reason,
        added_value=added_value,
    )
    milestone.refresh_from_db()
    return milestone
