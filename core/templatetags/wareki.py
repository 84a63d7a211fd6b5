"""Template filters for dates as officials write them, following the active language.

Japanese: 令和7年12月22日（月）, 令和7年度. English: Mon 22 December 2025, FY2025.
Registered as a template builtin in settings, so templates use them without {% load %}.
"""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from core import wareki

register = template.Library()


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


@register.filter
def era_date(value, arg: str = "") -> str:
    """{{ d|era_date }} -> 令和7年12月22日; {{ d|era_date:"weekday" }} adds （月）."""
    date = _as_date(value)
    if date is None:
        return ""
    weekday = arg == "weekday"
    try:
        if _japanese():
            return wareki.format_wareki(date, weekday=weekday)
    except wareki.WarekiError:
        return date.isoformat()
    return wareki.format_english(date, weekday=weekday)


@register.filter
def fiscal_year(value) -> str:
    """{{ 2025|fiscal_year }} or {{ some_date|fiscal_year }} -> 令和7年度 / FY2025."""
    date = _as_date(value)
    year = wareki.fiscal_year_of(date) if date else value
    try:
        year = int(year)
    except (TypeError, ValueError):
        return ""
    try:
        if _japanese():
            return wareki.fiscal_year_label(year)
    except wareki.WarekiError:
        return str(year)
    return wareki.fiscal_year_label_en(year)
