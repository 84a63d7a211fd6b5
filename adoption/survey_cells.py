"""Reading what people type into a survey sheet: fiscal years, codes, status and procurement
words. Pure functions, no database: each returns a value or raises CellError with the message
the row gets.

Fiscal years come as 令和9年度, R9, 2027, 2027年度 (full- or half-width digits, NFKC folds
them), optionally with a month or a half: 令和9年度10月 is month 10 of fiscal 2027, 令和9年度上期
(or R9上期) its first half, while 令和9年10月 and 2027/10 are calendar months (so 令和10年1月 is
January of fiscal 2027). Excel may also hand
over a number (2027.0) or a date.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import translation
from django.utils.translation import gettext as _

from core import wareki
from core.sheet_upload import normalise

ERA_PREFIXES = {"令和": "令和", "R": "令和", "平成": "平成", "H": "平成"}

_ERA = r"(?P<era>令和|平成|R|H)\s*(?P<era_year>\d{1,2}|元)"
_WESTERN = r"(?P<year>\d{4})"
_FISCAL = re.compile(rf"^(?:{_ERA}|{_WESTERN})\s*(?:年度|年)?$", re.IGNORECASE)
_FISCAL_MONTH = re.compile(rf"^(?:{_ERA}|{_WESTERN})\s*年度\s*(?P<month>\d{{1,2}})\s*月?$", re.I)
# 令和8年度上期, R8上期, 2026年度下半期, R8年度 下期.
_FISCAL_HALF = re.compile(rf"^(?:{_ERA}|{_WESTERN})\s*(?:年度)?\s*(?P<half>上|下)半?期$", re.I)
_CALENDAR_MONTH = re.compile(
    rf"^(?:{_ERA}|{_WESTERN})\s*(?:年|[-/.])\s*(?P<month>\d{{1,2}})\s*月?$", re.IGNORECASE
)


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def _year(match: re.Match) -> int:
    if match["year"]:
        return int(match["year"])
    era = ERA_PREFIXES[match["era"].upper() if len(match["era"]) == 1 else match["era"]]
    era_year = 1 if match["era_year"] == "元" else int(match["era_year"])
    start = next(e.start.year for e in wareki.ERAS if e.name == era)
    return start + era_year - 1


def parse_start(value) -> tuple[int, int | None, int | None] | None:
    """A planned start as (fiscal year, month or None, half or None: 1 上期, 2 下期); None for
    a blank cell."""
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return wareki.fiscal_year_of(day), value.month, None
    text = normalise(value)
    if not text:
        return None
    if match := _FISCAL.match(text):
        return _year(match), None, None
    if match := _FISCAL_MONTH.match(text):
        return _year(match), _month(match), None
    if match := _FISCAL_HALF.match(text):
        return _year(match), None, 1 if match["half"] == "上" else 2
    if match := _CALENDAR_MONTH.match(text):
        month = _month(match)
        return wareki.fiscal_year_of(dt.date(_year(match), month, 1)), month, None
    raise CellError(
        _(
            "「%(value)s」を年度として読めません（例：令和9年度、R9、2027、2027年度、令和9年度上期）。"
        )
        % {"value": text}
    )


def parse_fiscal_year(value) -> int | None:
    """A fiscal year alone (a month, if given, only places it in its fiscal year)."""
    start = parse_start(value)
    return None if start is None else start[0]


def _month(match: re.Match) -> int:
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise CellError(_("月は1から12までで入力してください。"))
    return month


def choice_words(choices) -> dict[str, str]:
    """Every way a choice may be written (Japanese label, English label in any case, stored
    value), folded, mapped to its stored value: built once per file, looked up per row."""
    words = {}
    for choice in choices:
        for language in ("ja", "en"):
            with translation.override(language):
                words[normalise(choice.label).casefold()] = choice.value
        words[choice.value] = choice.value
    return words


def parse_choice(value, words: dict[str, str]) -> str | None:
    """The stored value of a written choice; None for a blank cell; CellError for a word that
    is not one of them (its message is the word itself)."""
    text = normalise(value)
    if not text:
        return None
    try:
        return words[text.casefold()]
    except KeyError:
        raise CellError(text) from None


# After NFKC, （） and ： are ( ) and :.
_GROUP = re.compile(r"^(?P<kind>[^(:]+?)\s*(?:\((?P<paren>[^)]*)\)|:\s*(?P<tail>.*))?$")


def split_procurement(value) -> tuple[str, str]:
    """その他の共同調達（○○広域連合） → ("その他の共同調達", "○○広域連合")."""
    text = normalise(value)
    match = _GROUP.match(text)
    if not match:
        return text, ""
    return match["kind"].strip(), (match["paren"] or match["tail"] or "").strip()
