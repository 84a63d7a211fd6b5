"""CSV and .xlsx files that Excel opens correctly and safely.

CSV is UTF-8 with a BOM (Excel reads Japanese correctly only then). Text that a spreadsheet
would run as a formula (starting with =, +, -, @, tab or carriage return) is prefixed with an
apostrophe, in both formats.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make a cell value safe: text that could start a formula is prefixed with '."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """Undo neutralise() on text read back from a file this project wrote."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value if isinstance(value, int | float) else str(value))


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        writer.writerow([_plain(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                value
                if isinstance(value, int | float | dt.date) and not isinstance(value, bool)
                else ("" if value is None else neutralise(str(value)))
                for value in row
            ]
        )
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width * 1.6))
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
