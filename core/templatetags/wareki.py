"""Template filters for dates as officials write them (see core.display).

Registered as a template builtin in settings, so templates use them without {% load %}.
"""

from django import template

from core import wareki
from core.display import as_date, date_display, fiscal_year_display, slip_display

register = template.Library()


@register.filter
def era_date(value, arg: str = "") -> str:
    """{{ d|era_date }} -> 令和7年12月22日; {{ d|era_date:"weekday" }} adds （月）."""
    return date_display(value, weekday=arg == "weekday")


@register.filter
def fiscal_year(value) -> str:
    """{{ 2025|fiscal_year }} or {{ some_date|fiscal_year }} -> 令和7年度 / FY2025."""
    date = as_date(value)
    year = wareki.fiscal_year_of(date) if date else value
    try:
        return fiscal_year_display(int(year))
    except (TypeError, ValueError, OverflowError):  # int(inf), or a year no date can hold
        return ""


@register.filter
def slip_text(value) -> str:
    """{{ m.slip|slip_text }} -> 1年度遅れ / 3か月遅れ / 10日前倒し / 当初予定どおり."""
    return slip_display(value)
