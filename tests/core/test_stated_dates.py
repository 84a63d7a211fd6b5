"""Dates as officials state them: the last day each precision allows, the written form, and
the slip in the unit two dates share."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.stated_dates import (
    Precision,
    Slip,
    last_day,
    slip_between,
    written_en,
    written_ja,
)

DAYS = st.dates(min_value=dt.date(2019, 5, 1), max_value=dt.date(2099, 12, 31))


@pytest.mark.parametrize(
    ("precision", "inside", "last", "written"),
    [
        (Precision.DAY, dt.date(2026, 3, 15), dt.date(2026, 3, 15), "令和8年3月15日"),
        (Precision.MONTH, dt.date(2026, 3, 1), dt.date(2026, 3, 31), "令和8年3月"),
        (Precision.MONTH, dt.date(2028, 2, 10), dt.date(2028, 2, 29), "令和10年2月"),
        (Precision.HALF, dt.date(2026, 4, 1), dt.date(2026, 9, 30), "令和8年度上期"),
        (Precision.HALF, dt.date(2026, 10, 1), dt.date(2027, 3, 31), "令和8年度下期"),
        (Precision.HALF, dt.date(2027, 2, 1), dt.date(2027, 3, 31), "令和8年度下期"),
        (Precision.FISCAL_YEAR, dt.date(2025, 4, 1), dt.date(2026, 3, 31), "令和7年度中"),
        (Precision.FISCAL_YEAR_END, dt.date(2026, 3, 1), dt.date(2026, 3, 31), "令和7年度末"),
        (Precision.FISCAL_YEAR, dt.date(2019, 5, 1), dt.date(2020, 3, 31), "令和元年度中"),
    ],
)
def test_a_stated_date_is_compared_by_the_last_day_its_precision_allows(
    precision, inside, last, written
):
    assert last_day(precision, inside) == last
    assert written_ja(precision, last) == written


def test_the_english_written_forms_name_the_period():
    assert written_en(Precision.MONTH, dt.date(2026, 3, 31)) == "March 2026"
    assert written_en(Precision.HALF, dt.date(2026, 9, 30)) == "FY2026 H1 (Apr–Sep)"
    assert written_en(Precision.HALF, dt.date(2027, 3, 31)) == "FY2026 H2 (Oct–Mar)"
    assert written_en(Precision.FISCAL_YEAR, dt.date(2026, 3, 31)) == "during FY2025"
    assert written_en(Precision.FISCAL_YEAR_END, dt.date(2026, 3, 31)) == "end of FY2025"


@given(DAYS, st.sampled_from(list(Precision)))
def test_the_last_day_is_in_the_period_idempotent_and_not_before_the_day(day, precision):
    last = last_day(precision, day)
    assert last >= day
    assert last_day(precision, last) == last
    # The day after the last day is in the next period: the period ends there.
    assert last_day(precision, last + dt.timedelta(days=1)) > last


@given(DAYS, DAYS)
def test_fiscal_year_slips_count_fiscal_years_and_agree_in_sign_with_days(a, b):
    fy = Precision.FISCAL_YEAR
    base, moved = last_day(fy, a), last_day(fy, b)
    slip = slip_between(fy, base, Precision.FISCAL_YEAR_END, moved)
    days = (moved - base).days
    assert slip.unit == "fiscal_year"
    assert (slip.amount > 0) == (days > 0) and (slip.amount == 0) == (days == 0)


@given(DAYS, DAYS, st.sampled_from([Precision.MONTH, Precision.HALF, Precision.FISCAL_YEAR]))
def test_month_end_slips_count_months_and_agree_in_sign_with_days(a, b, other):
    base, moved = last_day(Precision.MONTH, a), last_day(other, b)
    slip = slip_between(Precision.MONTH, base, other, moved)
    days = (moved - base).days
    assert slip.unit == "month"
    assert (slip.amount > 0) == (days > 0) and (slip.amount == 0) == (days == 0)


def test_a_slip_is_shown_in_the_unit_the_dates_share():
    fy25, fy26 = dt.date(2026, 3, 31), dt.date(2027, 3, 31)
    assert slip_between(Precision.FISCAL_YEAR, fy25, Precision.FISCAL_YEAR_END, fy26) == Slip(
        1, "fiscal_year"
    )
    assert slip_between(Precision.MONTH, fy25, Precision.MONTH, dt.date(2026, 6, 30)) == Slip(
        3, "month"
    )
    assert slip_between(Precision.FISCAL_YEAR, fy25, Precision.HALF, dt.date(2026, 9, 30)) == Slip(
        6, "month"
    )
    # A day against anything is counted in days (an actual date is always a day).
    assert slip_between(Precision.FISCAL_YEAR, fy25, Precision.DAY, dt.date(2026, 4, 1)) == Slip(
        1, "day"
    )
