"""Properties of the era-date helpers and their template filters, over every day from 明治 to 2200.

core.wareki knows 昭和, 平成 and 令和: earlier dates are out of scope and refused with a
WarekiError (a ValueError), never with anything else. The filters sit in templates, where an
exception is a broken page, so they must answer something for whatever value they are given.
"""

import datetime as dt
import decimal
import re
import zoneinfo

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core import display, wareki
from core.templatetags.wareki import era_date, fiscal_year

SHOWA_BEGINS = dt.date(1926, 12, 25)
MEIJI_TO_2200 = st.dates(min_value=dt.date(1868, 1, 1), max_value=dt.date(2200, 12, 31))
SINCE_SHOWA = st.dates(min_value=SHOWA_BEGINS, max_value=dt.date(2200, 12, 31))
BEFORE_SHOWA = st.dates(max_value=SHOWA_BEGINS - dt.timedelta(days=1))
ERA_DATE = re.compile(r"^(令和|平成|昭和)(元|[1-9]\d*)年(\d{1,2})月(\d{1,2})日(?:（(.)）)?$")
FISCAL_YEAR_LABEL = re.compile(r"^(令和|平成|昭和)(元|[1-9]\d*)年度$")

# Each property is cheap (microseconds an example): these counts keep the file near 5 seconds.
DATE_RUNS = settings(max_examples=1000, deadline=None)
VALUE_RUNS = settings(max_examples=600, deadline=None)


def era_year(written: str) -> int:
    return 1 if written == "元" else int(written)


@DATE_RUNS
@given(SINCE_SHOWA)
def test_a_date_written_in_its_era_reads_back_as_the_same_day(date):
    written = wareki.format_wareki(date, weekday=True)
    match = ERA_DATE.match(written)
    assert match, written
    era, year, month, day, weekday = match.groups()
    assert wareki.to_gregorian(era, era_year(year), int(month), int(day)) == date
    assert weekday == wareki.WEEKDAYS_JA[date.weekday()]
    assert year != "1", "the first year of an era is written 元年"
    assert written.startswith(wareki.format_wareki(date))


@DATE_RUNS
@given(BEFORE_SHOWA, st.booleans())
def test_a_date_before_showa_is_refused_with_a_wareki_error(date, weekday):
    with pytest.raises(wareki.WarekiError):
        wareki.format_wareki(date, weekday=weekday)


@DATE_RUNS
@given(MEIJI_TO_2200)
def test_every_date_lies_within_the_bounds_of_its_fiscal_year(date):
    fiscal = wareki.fiscal_year_of(date)
    start, end = wareki.fiscal_year_bounds(fiscal)
    assert start <= date <= end
    assert (start.month, start.day, end.month, end.day) == (4, 1, 3, 31)
    assert end.year == start.year + 1 == fiscal + 1
    assert wareki.fiscal_year_label_en(fiscal) == f"FY{fiscal}"


@DATE_RUNS
@given(MEIJI_TO_2200)
def test_a_fiscal_year_label_counts_the_year_it_starts_in_from_its_era(date):
    fiscal = wareki.fiscal_year_of(date)
    first_new_year_eve = dt.date(fiscal, 12, 31)
    if first_new_year_eve < SHOWA_BEGINS:
        with pytest.raises(wareki.WarekiError):
            wareki.fiscal_year_label(fiscal)
        return
    label = wareki.fiscal_year_label(fiscal)
    match = FISCAL_YEAR_LABEL.match(label)
    assert match, label
    era, year = match.groups()
    assert era == wareki.era_of(first_new_year_eve).name
    assert wareki.era_of(first_new_year_eve).start.year + era_year(year) - 1 == fiscal


@DATE_RUNS
@given(MEIJI_TO_2200, st.sampled_from(["ja", "en"]), st.booleans())
def test_dates_and_fiscal_years_are_displayed_in_any_language_without_error(
    date, language, weekday
):
    with translation.override(language):
        shown = display.date_display(date, weekday=weekday)
        fiscal_shown = display.fiscal_year_display(wareki.fiscal_year_of(date))
    assert shown and isinstance(shown, str)
    assert fiscal_shown and isinstance(fiscal_shown, str)


ERA_NAMES = st.sampled_from(["令和", "平成", "昭和", "大正", "明治", "", "令和 ", "R"]) | st.text(
    max_size=3
)
ANY_INT = st.integers() | st.sampled_from([0, -1, 2**31, 2**63, -(2**63), 10**30, -(10**30)])


@VALUE_RUNS
@given(ERA_NAMES, ANY_INT, ANY_INT, ANY_INT)
def test_an_era_date_either_converts_or_is_refused_with_a_value_error(era, year, month, day):
    try:
        date = wareki.to_gregorian(era, year, month, day)
    except ValueError:  # WarekiError is one; anything else would be a bug
        return
    named = next(e for e in wareki.ERAS if e.name == era)
    assert (date.month, date.day) == (month, day)
    assert date >= named.start


def fixed_offsets():
    return st.timedeltas(
        min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23, minutes=59)
    ).map(dt.timezone)


TIMEZONES = st.sampled_from([dt.UTC, zoneinfo.ZoneInfo("Asia/Tokyo")]) | fixed_offsets()
# Sentinels at the ends of the calendar are real ("valid until datetime.max"); showing one in
# Tokyo time can step past the last representable day.
EDGE_MOMENTS = st.sampled_from(
    [
        dt.datetime.max.replace(tzinfo=dt.UTC),
        dt.datetime.min.replace(tzinfo=dt.UTC),
        dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=-12))),
        dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=14))),
        dt.datetime.max,
        dt.date.max,
        dt.date.min,
    ]
)
ANY_TEMPLATE_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=30),
    st.integers().map(str),
    st.just("9" * 5000),
    ANY_INT,
    st.floats(),
    st.decimals(),
    st.just(decimal.Decimal("Infinity")),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=TIMEZONES),
    EDGE_MOMENTS,
    st.lists(st.integers(), max_size=2),
)


@VALUE_RUNS
@given(
    ANY_TEMPLATE_VALUE, st.sampled_from(["", "weekday", "曜日", "x"]), st.sampled_from(["ja", "en"])
)
def test_the_era_date_filter_renders_any_value_as_text(value, arg, language):
    with translation.override(language):
        assert isinstance(era_date(value, arg), str)


@VALUE_RUNS
@given(ANY_TEMPLATE_VALUE, st.sampled_from(["ja", "en"]))
def test_the_fiscal_year_filter_renders_any_value_as_text(value, language):
    with translation.override(language):
        assert isinstance(fiscal_year(value), str)
