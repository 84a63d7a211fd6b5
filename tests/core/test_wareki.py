import contextlib
import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core import wareki


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2025, 12, 22), "令和7年12月22日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_dates_are_written_in_the_era_in_force_that_day(date, expected):
    assert wareki.format_wareki(date) == expected


def test_weekday_is_appended_in_full_width_brackets():
    assert wareki.format_wareki(dt.date(2025, 12, 22), weekday=True) == "令和7年12月22日（月）"
    assert wareki.format_wareki(dt.date(2026, 2, 4), weekday=True) == "令和8年2月4日（水）"


@pytest.mark.parametrize(
    ("date", "fiscal_year"),
    [
        (dt.date(2025, 4, 1), 2025),
        (dt.date(2026, 3, 31), 2025),
        (dt.date(2026, 4, 1), 2026),
        (dt.date(2026, 1, 15), 2025),
    ],
)
def test_the_fiscal_year_runs_from_april_to_march(date, fiscal_year):
    assert wareki.fiscal_year_of(date) == fiscal_year


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        (2025, "令和7年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (2020, "令和2年度"),
        (1989, "平成元年度"),
        # 平成 began on 1989-01-08, inside FY1988: that year stays 昭和 (it was once 平成0年度)
        (1988, "昭和63年度"),
    ],
)
def test_fiscal_years_are_labelled_as_the_government_names_them(fiscal_year, label):
    assert wareki.fiscal_year_label(fiscal_year) == label


def test_fiscal_year_bounds_cover_april_to_march():
    assert wareki.fiscal_year_bounds(2025) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_era_dates_convert_to_gregorian():
    assert wareki.to_gregorian("令和", 7, 12, 22) == dt.date(2025, 12, 22)
    assert wareki.to_gregorian("平成", 31, 4, 30) == dt.date(2019, 4, 30)


@pytest.mark.parametrize(
    ("era", "year", "month", "day"),
    [
        ("令和", 0, 1, 1),
        ("令和", 7, 2, 30),
        ("令和", 1, 4, 30),
        ("大正", 1, 1, 1),
        ("平成", 1, 1, 7),
    ],
)
def test_era_dates_that_do_not_exist_are_refused(era, year, month, day):
    with pytest.raises(wareki.WarekiError):
        wareki.to_gregorian(era, year, month, day)


@example(dt.date(9999, 4, 1))  # fiscal 9999 ends past year 9999: found by this test in CI
@given(st.dates(min_value=dt.date(1926, 12, 25)))
def test_every_date_round_trips_through_its_era(date):
    era = wareki.era_of(date)
    assert wareki.to_gregorian(era.name, era.year_of(date), date.month, date.day) == date
    assert wareki.fiscal_year_bounds(wareki.fiscal_year_of(date))[0] <= date


@given(
    st.sampled_from(["令和", "平成", "昭和", "大正", ""]),
    st.integers() | st.just(10**30),
    st.integers(),
    st.integers(),
)
def test_conversion_never_fails_other_than_with_a_wareki_error(era, year, month, day):
    with contextlib.suppress(wareki.WarekiError):
        assert wareki.to_gregorian(era, year, month, day).month == month
