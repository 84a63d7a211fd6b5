import datetime as dt

from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_era_date_filter_follows_the_active_language():
    date = dt.date(2025, 12, 22)
    with translation.override("ja"):
        assert render("{{ d|era_date:'weekday' }}", d=date) == "令和7年12月22日（月）"
    with translation.override("en"):
        assert render("{{ d|era_date:'weekday' }}", d=date) == "Mon 22 December 2025"


def test_fiscal_year_filter_accepts_a_year_or_a_date():
    with translation.override("ja"):
        assert render("{{ y|fiscal_year }}", y=2025) == "令和7年度"
        assert render("{{ d|fiscal_year }}", d=dt.date(2026, 3, 31)) == "令和7年度"
    with translation.override("en"):
        assert render("{{ y|fiscal_year }}", y=2025) == "FY2025"


def test_filters_render_nothing_for_missing_values():
    assert render("{{ d|era_date }}|{{ y|fiscal_year }}", d=None, y="") == "|"


def test_aware_datetimes_are_shown_in_tokyo_time():
    moment = dt.datetime(2025, 12, 21, 16, 0, tzinfo=dt.UTC)  # 01:00 on the 22nd in Tokyo
    with translation.override("ja"):
        assert render("{{ d|era_date }}", d=moment) == "令和7年12月22日"


def test_fiscal_year_filter_renders_nothing_for_years_no_date_can_hold():
    # these raised OverflowError (a broken page) before
    assert render("{{ y|fiscal_year }}", y="2147483648") == ""
    assert render("{{ y|fiscal_year }}", y=float("inf")) == ""


def test_a_far_future_sentinel_is_shown_on_its_own_date_rather_than_breaking_the_page():
    never = dt.datetime.max.replace(tzinfo=dt.UTC)  # 10000-01-01 in Tokyo does not exist
    assert render("{{ d|era_date }}", d=never) == "令和7981年12月31日"
    assert render("{{ d|fiscal_year }}", d=never) == "令和7981年度"
