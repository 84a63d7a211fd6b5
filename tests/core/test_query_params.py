"""Free-form query-string values read safely: plain text, or an integer in range, or None."""

import pytest

from core.query_params import query_int, query_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025", 2025),
        ("２０２５", 2025),  # full-width digits are digits
        (" 2025 ", 2025),
        ("²", None),  # a digit to str.isdigit(), not to int()
        ("-1", None),
        ("+5", None),
        ("1_000", None),
        ("1e3", None),
        ("", None),
        ("9" * 5000, None),  # past int()'s 4300-digit limit
        ("2100", None),
        ("2000", None),
        ("20\x0025", None),
    ],
)
def test_query_int_gives_an_integer_in_range_or_none(value, expected):
    assert query_int(value, low=2001, high=2099) == expected


def test_query_text_drops_control_characters_and_keeps_the_rest():
    assert query_text("介\x00護", max_length=10) == "介護"
    assert query_text("\t a\nb\x1b[0m ", max_length=10) == "a b[0m"
    assert query_text("\u202eabc\u200f", max_length=10) == "\u202eabc\u200f"  # format, not control
    assert query_text("x" * 10_000, max_length=150) == "x" * 150
