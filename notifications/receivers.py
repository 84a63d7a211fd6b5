"""The events of other apps (core/events.py) that notices answer; connected in apps.py."""

from __future__ import annotations

import datetime as dt

from notifications import producers


def slip_recorded(sender, *, change_id: int, **kwargs) -> None:
    producers.slip_notices(change_id=change_id)


def council_report_finished(sender, *, report_id: int, **kwargs) -> None:
    producers.report_notices(report_id=report_id)


def consultation_created(sender, *, consultation_id: int, today: dt.date, **kwargs) -> None:
    """A consultation that opens today or opened already is told now; a later opening is
    told by the daily run (tasks.send_consultation_notices)."""
    producers.consultation_opened_notices(consultation_id=consultation_id, today=today)
