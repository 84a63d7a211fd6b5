"""Dates and fiscal years shown in the active language: the one place both pages and code use.

Japanese: 令和7年12月22日（月）, 令和7年度. English: Mon 22 December 2025, FY2025.
"""

import datetime as dt

from django.db.models import Choices
from django.utils import timezone
from django.utils.translation import get_language

from core import wareki


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
