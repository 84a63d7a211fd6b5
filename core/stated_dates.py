"""Dates as officials state them (令和8年3月, 令和8年度上期, 令和7年度中, 令和7年度末), with no
Django state beyond the choice labels.

A stated date is a precision and the last day that precision allows: 令和7年度中 is stored as
(fiscal_year, 2026-03-31), 令和8年3月 as (month, 2026-03-31), 令和8年度上期 as (half,
2026-09-30). Storing the last day keeps every comparison (slipped, overdue, ordering, the
partial index on pending milestones) a plain date comparison in SQL: 令和7年度中 is due on
2026-03-31 and overdue from 2026-04-01, which is how the council reads 「年度中」.

年度中 and 年度末 are both fiscal-year precision with the same last day; they are kept apart
only to show the date as it was written.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy

from core import wareki


class Precision(models.TextChoices):
    DAY = "day", pgettext_lazy("date precision", "日")
    MONTH = "month", pgettext_lazy("date precision", "月")
    HALF = "half", pgettext_lazy("date precision", "年度の上期・下期")
    FISCAL_YEAR = "fiscal_year", pgettext_lazy("date precision", "年度中")
    FISCAL_YEAR_END = "fiscal_year_end", pgettext_lazy("date precision", "年度末")


FISCAL_YEAR_PRECISIONS = frozenset({Precision.FISCAL_YEAR, Precision.FISCAL_YEAR_END})
# Precisions whose last day is the last day of a month: a slip between two of them is a whole
# number of months.
MONTH_END_PRECISIONS = frozenset({Precision.MONTH, Precision.HALF} | FISCAL_YEAR_PRECISIONS)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def half_of(date: dt.date) -> int:
    """1 for 上期 (April–September), 2 for 下期 (October–March)."""
    return 1 if 4 <= date.month <= 9 else 2


def last_day(precision: str, date: dt.date) -> dt.date:
    """The last day of the period of `precision` that contains `date` (the comparable date)."""
    if precision == Precision.DAY:
        return date
    if precision == Precision.MONTH:
        return month_end(date.year, date.month)
    fiscal_year = wareki.fiscal_year_of(date)
    if precision == Precision.HALF and half_of(date) == 1:
        return dt.date(fiscal_year, 9, 30)
    return wareki.fiscal_year_bounds(fiscal_year)[1]


def half_last_day(fiscal_year: int, half: int) -> dt.date:
    """上期 (half=1) ends on 30 September, 下期 (half=2) on the fiscal year's 31 March."""
    return dt.date(fiscal_year, 9, 30) if half == 1 else wareki.fiscal_year_bounds(fiscal_year)[1]


@dataclass(frozen=True)
class StatedDate:
    precision: str
    date: dt.date  # the last day the precision allows

    @classmethod
    def of(cls, precision: str, date: dt.date) -> StatedDate:
        return cls(Precision(precision).value, last_day(precision, date))


def written_ja(precision: str, date: dt.date) -> str:
    """令和8年3月31日 / 令和8年3月 / 令和8年度上期 / 令和7年度中 / 令和7年度末."""
    if precision == Precision.MONTH:
        era = wareki.era_of(date)
        return f"{wareki.era_year_label(era, era.year_of(date))}{date.month}月"
    fiscal_year = wareki.fiscal_year_of(date)
    if precision == Precision.HALF:
        return wareki.fiscal_year_label(fiscal_year) + ("上期" if half_of(date) == 1 else "下期")
    if precision == Precision.FISCAL_YEAR:
        return wareki.fiscal_year_label(fiscal_year) + "中"
    if precision == Precision.FISCAL_YEAR_END:
        return wareki.fiscal_year_label(fiscal_year) + "末"
    return wareki.format_wareki(date)


def written_en(precision: str, date: dt.date) -> str:
    """31 March 2026 / March 2026 / FY2026 H1 (Apr–Sep) / during FY2025 / end of FY2025."""
    if precision == Precision.MONTH:
        return f"{date.strftime('%B')} {date.year}"
    fiscal_year = wareki.fiscal_year_of(date)
    label = wareki.fiscal_year_label_en(fiscal_year)
    if precision == Precision.HALF:
        return f"{label} H1 (Apr–Sep)" if half_of(date) == 1 else f"{label} H2 (Oct–Mar)"
    if precision == Precision.FISCAL_YEAR:
        return f"during {label}"
    if precision == Precision.FISCAL_YEAR_END:
        return f"end of {label}"
    return wareki.format_english(date)


@dataclass(frozen=True)
class Slip:
    """How much later (+) or earlier (-) than the baseline, in the unit the two dates share."""

    amount: int
    unit: str  # "fiscal_year", "month" or "day"


def months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def slip_between(
    baseline_precision: str, baseline: dt.date, effective_precision: str, effective: dt.date
) -> Slip:
    """Fiscal years when both dates are fiscal years, months when both end a month (a month, a
    half or a fiscal year), days otherwise (an actual date is always a day)."""
    if (
        baseline_precision in FISCAL_YEAR_PRECISIONS
        and effective_precision in FISCAL_YEAR_PRECISIONS
    ):
        return Slip(
            wareki.fiscal_year_of(effective) - wareki.fiscal_year_of(baseline), "fiscal_year"
        )
    if baseline_precision in MONTH_END_PRECISIONS and effective_precision in MONTH_END_PRECISIONS:
        return Slip(months_between(baseline, effective), "month")
    return Slip((effective - baseline).days, "day")
