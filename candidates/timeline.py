"""Layout of a candidate's schedule timeline, drawn as server-side SVG on the page and in the PDF.

Pure computation from already-loaded milestones: one row per milestone with the x positions
of its baseline (◇), planned (○) and actual (●) dates, and a slip bar from baseline to the
effective date when it is later. Deterministic: the only notion of "now" is the `today` argument.

The shapes that repeat row after row (grid lines, slip bars, ◇, ○, ●) are also given as one SVG
path each (`Shapes`): WeasyPrint draws the council PDF's hundreds of timelines, and one path of
thirty diamonds costs it one element where thirty rotated rectangles cost thirty, the picture
the same. Rows never overlap, so drawing all bars, then all ◇, then all ○/● keeps each row's
stacking order.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.display import date_display, fiscal_year_display, slip_display

LABEL_WIDTH = 190
ROW_HEIGHT = 30
AXIS_HEIGHT = 34
RIGHT_PAD = 24
FONT_SIZE = 12
# The label column's text starts at x=4 and keeps clear of the plot by a few pixels.
LABEL_TEXT_WIDTH = LABEL_WIDTH - 12
LABEL_LINES = 2  # a row is 30 px high: two lines of 12 px text
LINE_HEIGHT = 13
# Estimated advance of one character in em: a wide (CJK) glyph is a full em; Noto Sans's Latin
# letters average about half an em, 0.62 leaves room for capitals. An estimate: the SVG is drawn
# by the browser or WeasyPrint, and neither measures text for us.
WIDE_EM, NARROW_EM = 1.0, 0.62


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class LabelLine:
    y: float
    text: str


@dataclass(frozen=True)
class Row:
    label: str
    label_lines: list[LabelLine]
    y: float
    baseline_x: float | None
    planned_x: float | None
    actual_x: float | None
    slip_from_x: float | None
    slip_to_x: float | None
    slip_text: str
    overdue_to_x: float | None  # from planned_x to today, when 期限超過
    overdue_text: str
    summary: str


@dataclass(frozen=True)
class Shapes:
    """SVG path data (the `d` attribute) for each kind of mark, all rows together."""

    grid: str  # the fiscal-year lines
    row_lines: str
    overdue: str  # dashed, from the plan to today
    slips: str  # bars from the baseline to the effective date
    baselines: str  # ◇
    planned: str  # ○
    actual: str  # ●


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
    today_label_x: float | None
    today_label_anchor: str  # "start", or "end" when the label would run past the right edge
    rows: list[Row]
    start: dt.date
    end: dt.date
    shapes: Shapes


def _dates_of(milestone) -> list[dt.date]:
    return [
        d for d in (milestone.baseline_date, milestone.planned_date, milestone.actual_date) if d
    ]


def _fiscal_start(date: dt.date) -> dt.date:
    return dt.date(date.year if date.month >= 4 else date.year - 1, 4, 1)


def _text_width(text: str) -> float:
    return FONT_SIZE * sum(
        WIDE_EM if unicodedata.east_asian_width(c) in ("W", "F") else NARROW_EM for c in text
    )


def _breaks(text: str) -> list[int]:
    """Where a line may end: after a space, or beside a wide (CJK) character, never inside a
    word of Latin letters."""
    wide = [unicodedata.east_asian_width(c) in ("W", "F") for c in text]
    return [
        i
        for i in range(1, len(text))
        if text[i - 1] == " " or text[i] == " " or wide[i - 1] or wide[i]
    ]


def label_lines(
    label: str, *, width: float = LABEL_TEXT_WIDTH, lines: int = LABEL_LINES
) -> list[str]:
    """The label in at most `lines` lines that fit `width`, broken between words (or between
    CJK characters); what still does not fit ends the last line with "…" at a break."""
    result: list[str] = []
    rest = label.strip()
    while rest and len(result) < lines:
        if _text_width(rest) <= width:
            result.append(rest)
            rest = ""
            break
        last = len(result) == lines - 1
        room = width - (_text_width("…") if last else 0)
        fitting = [i for i in _breaks(rest) if _text_width(rest[:i].rstrip()) <= room]
        # A single word wider than the column is cut where it must be: nothing else fits.
        cut = fitting[-1] if fitting else max(1, int(room // (FONT_SIZE * WIDE_EM)))
        result.append(rest[:cut].rstrip() + ("…" if last else ""))
        rest = rest[cut:].lstrip()
    return result


def _slip_mark(milestone) -> str:
    """+91日, +3か月 or +1年度: the slip in the unit the two dates share."""
    slip = milestone.slip
    if slip.unit == "fiscal_year":
        return _("+%(n)s年度") % {"n": slip.amount}
    if slip.unit == "month":
        return _("+%(n)sか月") % {"n": slip.amount}
    return _("+%(days)s日") % {"days": slip.amount}


def _summary(milestone, today: dt.date) -> str:
    parts = []
    if milestone.baseline_date:
        parts.append(_("当初予定 %(date)s") % {"date": milestone.baseline_written})
    if milestone.planned_date:
        parts.append(_("予定 %(date)s") % {"date": milestone.planned_written})
    if milestone.actual_date:
        parts.append(_("実績 %(date)s") % {"date": date_display(milestone.actual_date)})
    text = milestone.label + pgettext("label separator", "：") + " ".join(parts)
    if milestone.is_slipped and milestone.slip.unit == "day":
        text += _("（%(days)s日の遅れ）") % {"days": milestone.slip_days}
    elif milestone.is_slipped:
        text += _("（%(slip)s）") % {"slip": slip_display(milestone.slip)}
    if overdue := milestone.overdue_days_on(today):
        text += _("（期限超過 %(days)s日）") % {"days": overdue}
    return text


def _num(value: float) -> str:
    """A coordinate in the fewest characters: 49.0 -> 49, 226.80000001 -> 226.8."""
    return f"{round(value, 1):g}"


DIAMOND = 5 * 2**0.5  # half-diagonal of the 10×10 square turned 45°
DOT = 6  # radius of ○ and ●


def _diamond(x: float, y: float) -> str:
    d = _num(DIAMOND)
    return f"M{_num(x)} {_num(y - DIAMOND)}l{d} {d}l-{d} {d}l-{d}-{d}z"


def _dot(x: float, y: float) -> str:
    """A circle as the four curves WeasyPrint draws for <circle> (control points r/√π from
    each end): arcs (`a`) would be cut into more curves and a larger file."""
    r, k = DOT, f"{DOT / math.sqrt(math.pi):.3f}"
    m = f"{DOT - DOT / math.sqrt(math.pi):.3f}"  # r minus the control distance
    return (
        f"M{_num(x + r)} {_num(y)}"
        f"c0 {k}-{m} {r}-{r} {r}c-{k} 0-{r}-{m}-{r}-{r}"
        f"c0-{k} {m}-{r} {r}-{r}c{k} 0 {r} {m} {r} {r}z"
    )


def _shapes(
    rows: list[Row], ticks: list[Tick], *, right: float, top: float, bottom: float
) -> Shapes:
    def horizontal(pairs) -> str:
        return "".join(f"M{_num(a)} {_num(y)}H{_num(b)}" for a, b, y in pairs)

    return Shapes(
        grid="".join(f"M{_num(t.x)} {_num(top)}V{_num(bottom)}" for t in ticks),
        row_lines=horizontal((LABEL_WIDTH, right, r.y) for r in rows),
        overdue=horizontal(
            (r.planned_x, r.overdue_to_x, r.y)
            for r in rows
            if r.overdue_to_x is not None and r.planned_x is not None
        ),
        slips=horizontal(
            (r.slip_from_x, r.slip_to_x, r.y)
            for r in rows
            if r.slip_from_x is not None and r.slip_to_x is not None
        ),
        baselines="".join(_diamond(r.baseline_x, r.y) for r in rows if r.baseline_x is not None),
        planned="".join(_dot(r.planned_x, r.y) for r in rows if r.planned_x is not None),
        actual="".join(_dot(r.actual_x, r.y) for r in rows if r.actual_x is not None),
    )


def timeline_layout(
    *, milestones: Sequence, today: dt.date, width: int = 880, today_label: str | None = None
) -> Timeline | None:
    """Compute the timeline geometry; None when no milestone has a date. The line at `today`
    reads `today_label` (a report's as-of date), else 「今日」."""
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
        overdue = milestone.overdue_days_on(today)
        label = milestone.label
        y = AXIS_HEIGHT + index * ROW_HEIGHT + ROW_HEIGHT / 2
        lines = label_lines(label)
        first_y = y + 4 - (len(lines) - 1) * LINE_HEIGHT / 2
        rows.append(
            Row(
                label=label,
                label_lines=[
                    LabelLine(round(first_y + n * LINE_HEIGHT, 1), text)
                    for n, text in enumerate(lines)
                ],
                y=y,
                baseline_x=x_of(milestone.baseline_date),
                planned_x=x_of(milestone.planned_date) if not milestone.actual_date else None,
                actual_x=x_of(milestone.actual_date),
                slip_from_x=x_of(milestone.baseline_date) if slipped else None,
                slip_to_x=x_of(milestone.effective) if slipped else None,
                slip_text=_slip_mark(milestone) if slipped else "",
                overdue_to_x=x_at(today) if overdue else None,
                overdue_text=_("期限超過 %(days)s日") % {"days": overdue} if overdue else "",
                summary=_summary(milestone, today),
            )
        )
    label = today_label or _("今日")
    today_x = x_of(today)
    # A report's as-of label (令和8年3月31日時点) is long: near the right edge it is drawn to
    # the left of its line instead of running off the chart. 11 px text: 11/12 of the estimate.
    fits_right = today_x is not None and today_x + 3 + _text_width(label) * 11 / 12 <= width
    height = AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 8
    return Timeline(
        width=width,
        height=height,
        label_width=LABEL_WIDTH,
        plot_right=plot_right,
        axis_y=AXIS_HEIGHT,
        ticks=ticks,
        today_x=today_x,
        today_label=label,
        today_label_x=None if today_x is None else today_x + (3 if fits_right else -3),
        today_label_anchor="start" if fits_right else "end",
        rows=rows,
        start=start,
        end=end,
        shapes=_shapes(rows, ticks, right=plot_right, top=AXIS_HEIGHT - 10, bottom=height),
    )
