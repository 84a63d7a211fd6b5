"""Reading free-form query-string values safely, for pages that filter without a form.

A query string can hold anything: NUL bytes (which PostgreSQL refuses in a string literal and
SQLite cuts a LIKE pattern at), control characters, digits that int() refuses ("²") or numbers
too long for it or for the database. These turn such values into plain text or None.
"""

import unicodedata

from django.http import QueryDict


def query_text(value: str, *, max_length: int) -> str:
    """The value without control characters (NUL included), trimmed and cut to max_length."""
    cleaned = "".join(
        ch if unicodedata.category(ch) != "Cc" else (" " if ch.isspace() else "") for ch in value
    )
    return cleaned.strip()[:max_length]


def query_int(value: str, *, low: int, high: int) -> int | None:
    """The value as an integer from low to high inclusive, or None if it is anything else.

    Decimal digits of any script count ("２０２５" is 2025); signs, spaces and other
    digit-like characters ("²") do not.
    """
    value = value.strip()
    if not value.isdecimal() or len(value) > len(str(high)):
        return None
    number = int(value)
    return number if low <= number <= high else None


def query_without(query: QueryDict, *names: str) -> str:
    """The query string less these parameters (a page's number, an export's format): what
    page links and export links add theirs to."""
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()
