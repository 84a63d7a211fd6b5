"""Japanese era (和暦) dates and fiscal years (年度), with no Django state.

Eras: 平成 from 1989-01-08, 令和 from 2019-05-01; the first year of an era is written 元年.
A fiscal year runs from 1 April to 31 March and is named by the calendar year it starts in
(FY2025 = 令和7年度 = 2025-04-01 … 2026-03-31). A fiscal year is labelled in the era in force
on 31 December of the year it starts in, which is how the government names 令和元年度 (FY2019,
begun under 平成31年) and 昭和63年度 (FY1988, which ended under 平成元年).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEEKDAYS_JA = "月火水木金土日"


@dataclass(frozen=True)
class Era:
    name: str
    name_en: str
    start: dt.date

    def year_of(self, date: dt.date) -> int:
        return date.year - self.start.year + 1


# Newest first: the first era whose start is on or before a date is the era of that date.
ERAS: tuple[Era, ...] = (
    Era("令和", "Reiwa", dt.date(2019, 5, 1)),
    Era("平成", "Heisei", dt.date(1989, 1, 8)),
    Era("昭和", "Showa", dt.date(1926, 12, 25)),
)


class WarekiError(ValueError):
    """An era date that does not exist (令和0年, 2月30日, a date before its era began)."""


def era_of(date: dt.date) -> Era:
    """Return the era a date falls in; dates before 昭和 are out of scope."""
    for era in ERAS:
        if date >= era.start:
            return era
    raise WarekiError(f"{date.isoformat()} は対応する元号の範囲外です / date before the Showa era")


def era_year_label(era: Era, year: int) -> str:
    return f"{era.name}{'元' if year == 1 else year}年"


def format_wareki(date: dt.date, *, weekday: bool = False) -> str:
    """令和7年12月22日, or 令和7年12月22日（月） with weekday=True."""
    era = era_of(date)
    text = f"{era_year_label(era, era.year_of(date))}{date.month}月{date.day}日"
    if weekday:
        text += f"（{WEEKDAYS_JA[date.weekday()]}）"
    return text


def format_english(date: dt.date, *, weekday: bool = False) -> str:
    """22 December 2025, or Mon 22 December 2025 with weekday=True."""
    text = f"{date.day} {date.strftime('%B')} {date.year}"
    return f"{date.strftime('%a')} {text}" if weekday else text


def fiscal_year_of(date: dt.date) -> int:
    """The fiscal year (by its starting calendar year) that contains a date."""
    return date.year if date.month >= 4 else date.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year: (YYYY-04-01, YYYY+1-03-31). Fiscal 9999 ends on
    the last day Python's dates reach (9999-12-31): its 31 March falls in year 10000."""
    last = dt.date(fiscal_year + 1, 3, 31) if fiscal_year < dt.MAXYEAR else dt.date.max
    return dt.date(fiscal_year, 4, 1), last


def fiscal_year_label(fiscal_year: int) -> str:
    """令和7年度 for 2025; 令和元年度 for 2019; 平成30年度 for 2018; 昭和63年度 for 1988."""
    # Not the era at the fiscal year's end: 平成 began on 1989-01-08, and FY1988 is not 平成0年度.
    era = era_of(dt.date(fiscal_year, 12, 31))
    return f"{era_year_label(era, fiscal_year - era.start.year + 1)}度"


def fiscal_year_label_en(fiscal_year: int) -> str:
    return f"FY{fiscal_year}"


def to_gregorian(era_name: str, era_year: int, month: int, day: int) -> dt.date:
    """Convert an era date (令和, 7, 12, 22) to a date, refusing dates that do not exist."""
    era = next((e for e in ERAS if e.name == era_name), None)
    if era is None:
        raise WarekiError(f"未対応の元号です: {era_name} / unknown era")
    if era_year < 1:
        raise WarekiError(f"{era_name}{era_year}年は存在しません / era year must be 1 or more")
    try:
        date = dt.date(era.start.year + era_year - 1, month, day)
    except (ValueError, OverflowError) as exc:
        raise WarekiError(
            f"{era_name}{era_year}年{month}月{day}日は存在しない日付です / no such date"
        ) from exc
    if date < era.start:
        raise WarekiError(
            f"{format_wareki(era.start)}より前の{era_name}の日付は存在しません / "
            "date before the era began"
        )
    return date
