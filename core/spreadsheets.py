"""CSV and .xlsx files that Excel opens correctly and safely.

CSV is UTF-8 with a BOM (Excel reads Japanese correctly only then). Text that a spreadsheet
would run as a formula (starting with =, +, -, @, tab or carriage return) is prefixed with an
apostrophe, in both formats.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

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


def _xlsx_value(value):
    if isinstance(value, int | float | dt.date) and not isinstance(value, bool):
        return value
    return "" if value is None else neutralise(str(value))


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """One sheet: a bold header row (frozen), the rows, widths fitted to the content.

    The workbook is written directly as SpreadsheetML (the parts Excel needs and nothing
    else), not through openpyxl, which without lxml spends about 0.15 ms a cell: a
    consultation's 50,000-row results table took over 7 s in openpyxl alone, and takes well
    under a second this way (docs/benchmarks.md). openpyxl still reads every export back in
    the tests."""
    values = [[_xlsx_value(value) for value in row] for row in rows]
    widths = []
    for index, header in enumerate(headers):
        width = max((len(str(row[index])) for row in values if index < len(row)), default=0)
        widths.append(min(60, max(10, max(width, len(str(header))) * 1.6)))
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews><cols>",
        *(
            f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        ),
        "</cols><sheetData>",
        _xlsx_row(1, [str(h) for h in headers], style=1),
        *(_xlsx_row(number, row) for number, row in enumerate(values, start=2)),
        "</sheetData></worksheet>",
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><sheets><sheet name="{_escape(title[:31])}" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/worksheets/sheet1.xml", "".join(lines))
    return out.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/></Types>'
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
# Cell styles: 0 plain, 1 bold (the header), 2 a date (yyyy-mm-dd).
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
# Characters XML 1.0 cannot carry (openpyxl refuses them too): dropped from cell text.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EPOCH = dt.datetime(1899, 12, 30)


def _escape(text: str) -> str:
    return escape(_ILLEGAL.sub("", text), {'"': "&quot;"})


def _xlsx_row(number: int, values: Sequence, style: int = 0) -> str:
    cells = []
    for index, value in enumerate(values):
        ref = f"{get_column_letter(index + 1)}{number}"
        if isinstance(value, dt.date):
            moment = (
                value if isinstance(value, dt.datetime) else dt.datetime(*value.timetuple()[:3])
            )
            serial = (moment.replace(tzinfo=None) - _EPOCH) / dt.timedelta(days=1)
            cells.append(f'<c r="{ref}" s="2"><v>{serial!r}</v></c>')
        elif isinstance(value, int | float):
            cells.append(f'<c r="{ref}"{_style(style)}><v>{value!r}</v></c>')
        elif value != "":
            cells.append(
                f'<c r="{ref}" t="inlineStr"{_style(style)}><is><t xml:space="preserve">'
                f"{_escape(value)}</t></is></c>"
            )
    return f'<row r="{number}">{"".join(cells)}</row>'


def _style(style: int) -> str:
    return f' s="{style}"' if style else ""
