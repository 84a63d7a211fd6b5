"""Dates and fiscal years shown in the active language: the one place both pages and code use.

Japanese: 令和7年12月22日（月）, 令和7年度. English: Mon 22 December 2025, FY2025.
"""

import datetime as dt

from django.db.models import Choices
from django.utils import timezone
from django.utils.translation import get_language, gettext

from core import stated_dates, wareki


def as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return value.date()
        try:
            return timezone.localtime(value).date()
        except OverflowError:  # a sentinel such as datetime.max in UTC has no Tokyo date
            return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def japanese_active() -> bool:
    return (get_language() or "ja").startswith("ja")


def date_display(value, *, weekday: bool = False) -> str:
    date = as_date(value)
    if date is None:
        return ""
    if japanese_active():
        try:
            return wareki.format_wareki(date, weekday=weekday)
        except wareki.WarekiError:
            return date.isoformat()
    return wareki.format_english(date, weekday=weekday)


def fiscal_year_display(fiscal_year: int) -> str:
    if japanese_active():
        try:
            return wareki.fiscal_year_label(fiscal_year)
        except wareki.WarekiError:
            return str(fiscal_year)
    return wareki.fiscal_year_label_en(fiscal_year)


def choice_label(choices: type[Choices], value) -> str:
    """The label of a stored choice in the active language, or the value itself if unknown.

    An enum look-up: Django's get_FOO_display() hashes every lazy label of the field on each
    call (a translation each), which was a tenth of the candidate list's time
    (docs/benchmarks.md).
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return "" if value is None else str(value)


def stated_date_display(precision: str, value: dt.date | None) -> str:
    """A date as officials stated it: 令和8年3月, 令和8年度上期, 令和7年度中 / March 2026, FY2026
    H1 (Apr–Sep), during FY2025; a day-precision date as date_display() shows it."""
    if value is None:
        return ""
    if precision == stated_dates.Precision.DAY:
        return date_display(value)
    try:
        if japanese_active():
            return stated_dates.written_ja(precision, value)
        return stated_dates.written_en(precision, value)
    except wareki.WarekiError:
        return value.isoformat()


def slip_display(slip: stated_dates.Slip | None) -> str:
    """「1年度遅れ」, 「3か月遅れ」, 「10日前倒し」 or 「当初予定どおり」; empty without a slip."""
    if slip is None:
        return ""
    if slip.amount == 0:
        return gettext("当初予定どおり")
    late = slip.amount > 0
    n = abs(slip.amount)
    if slip.unit == "fiscal_year":
        text = gettext("%(n)s年度遅れ") if late else gettext("%(n)s年度前倒し")
    elif slip.unit == "month":
        text = gettext("%(n)sか月遅れ") if late else gettext("%(n)sか月前倒し")
    else:
        text = gettext("%(n)s日遅れ") if late else gettext("%(n)s日前倒し")
    return text % {"n": n}
