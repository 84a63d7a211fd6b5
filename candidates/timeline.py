"""Layout of a candidate's schedule timeline, drawn as server-side SVG on the page and in the PDF.

Pure computation from already-loaded milestones: one row per milestone with the x positions
of its baseline (◇), planned (○) and actual (●) dates, and a slip bar from baseline to the
effective date when it is later. Deterministic: the only notion of "now" is the `today` argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.display import date_display, fiscal_year_display

LABEL_WIDTH = 190
ROW_HEIGHT = 30
AXIS_HEIGHT = 34
RIGHT_PAD = 24
LABEL_CHARS = 12


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Row:
    label: str
    short_label: str
    y: float
    baseline_x: float | None
    planned_x: float | None
    actual_x: float | None
    slip_from_x: float | None
    slip_to_x: float | None
    slip_text: str
    summary: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    label_width: int
    plot_right: float
    axis_y: int
    ticks: list[Tick]
    today_x: float | None
    today_label: str
    rows: list[Row]
    start: dt.date
    end: dt.date


def _dates_of(milestone) -> list[dt.date]:
    return [
        d for d in (milestone.baseline_date, milestone.planned_date, milestone.actual_date) if d
    ]


def _fiscal_start(date: dt.date) -> dt.date:
    return dt.date(date.year if date.month >= 4 else date.year - 1, 4, 1)


def _summary(milestone) -> str:
    parts = [milestone.label + "："]
    if milestone.baseline_date:
        parts.append(_("基準 %(date)s") % {"date": date_display(milestone.baseline_date)})
    if milestone.planned_date:
        parts.append(_("予定 %(date)s") % {"date": date_display(milestone.planned_date)})
    if milestone.actual_date:
        parts.append(_("実績 %(date)s") % {"date": date_display(milestone.actual_date)})
    text = " ".join(parts)
    if milestone.is_slipped:
        text += _("（%(days)s日の遅れ）") % {"days": milestone.slip_days}
    return text


def timeline_layout(*, milestones: Sequence, today: dt.date, width: int = 880) -> Timeline | None:
    """Compute the timeline geometry; None when no milestone has a date."""
    all_dates = [d for m in milestones for d in _dates_of(m)]
    if not all_dates:
        return None
    start = _fiscal_start(min([*all_dates, today]))
    last = max([*all_dates, today])
    end = dt.date(_fiscal_start(last).year + 1, 4, 1)
    span = (end - start).days or 1
    plot_left, plot_right = LABEL_WIDTH, width - RIGHT_PAD

    def x_at(date: dt.date) -> float:
        return round(plot_left + (date - start).days / span * (plot_right - plot_left), 1)

    def x_of(date: dt.date | None) -> float | None:
        return None if date is None else x_at(date)

    ticks = []
    year = start.year
    while dt.date(year, 4, 1) < end:
        ticks.append(Tick(x_at(dt.date(year, 4, 1)), fiscal_year_display(year)))
        year += 1

    rows = []
    for index, milestone in enumerate(milestones):
        slipped = milestone.is_slipped
        label = milestone.label
        rows.append(
            Row(
                label=label,
                short_label=label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
                y=AXIS_HEIGHT + index * ROW_HEIGHT + ROW_HEIGHT / 2,
                baseline_x=x_of(milestone.baseline_date),
                planned_x=x_of(milestone.planned_date) if not milestone.actual_date else None,
                actual_x=x_of(milestone.actual_date),
                slip_from_x=x_of(milestone.baseline_date) if slipped else None,
                slip_to_x=x_of(milestone.effective) if slipped else None,
                slip_text=_("+%(days)s日") % {"days": milestone.slip_days} if slipped else "",
                summary=_summary(milestone),
            )
        )
    return Timeline(
        width=width,
        height=AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 8,
        label_width=LABEL_WIDTH,
        plot_right=plot_right,
        axis_y=AXIS_HEIGHT,
        ticks=ticks,
        today_x=x_of(today),
        today_label=_("今日"),
        rows=rows,
        start=start,
        end=end,
    )
