"""Reading a spreadsheet that people filled in and send back, and the preview round trip.

One file format contract for every upload (the adoption survey, bulk consultation answers):
an .xlsx (its first sheet) or a CSV in UTF-8 (with or without BOM) or Shift_JIS/CP932 as Excel
in Japan writes it; the first row holds the headers, matched by name (extra columns ignored);
blank rows are dropped; line numbers are the file's (the header is line 1), so a row error
points at the line the person sees in Excel.

The round trip: the upload is checked and shown as a preview, nothing saved; the page carries
the file back (base64 in a hidden field) and only the confirmation writes, after checking it
again, all rows or none.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from core.forms import AccessibleForm

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

Row = dict[str, object]


class SheetFileError(ValueError):
    """A file that cannot be read as the expected sheet at all (its message is for the user)."""


@dataclass(frozen=True)
class Issue:
    """A problem with one line of the file (0: the file as a whole)."""

    row: int
    message: str


def normalise(value) -> str:
    """A cell as text: NFKC (full-width digits and letters to half-width), trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def plain_text(value) -> str:
    """Free text as the person wrote it (full-width brackets kept), trimmed."""
    return "" if value is None else str(value).strip()


def read_table(
    data: bytes,
    *,
    headers: Sequence[str],
    required: Sequence[str],
    sheet_hint: str,
    max_rows: int = MAX_ROWS,
) -> list[tuple[int, Row]]:
    """Rows of an .xlsx (first sheet) or CSV as (line, {header: cell}) for the known headers
    present in the file; blank rows dropped. `sheet_hint` names the form in the message for a
    missing header (調査票, 回答票)."""
    if len(data) > MAX_BYTES:
        raise SheetFileError(_("ファイルが大きすぎます（5MBまで）。"))
    table: Sequence[Sequence[object]]
    if data.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(data)
    else:
        table = list(csv.reader(io.StringIO(_decode(data))))
    if not table:
        raise SheetFileError(_("ファイルが空です。"))
    found = [normalise(h) for h in table[0]]
    missing = [h for h in required if h not in found]
    if missing:
        raise SheetFileError(
            _("見出し行に「%(headers)s」がありません。%(sheet)sの1行目を確認してください。")
            % {"headers": "」「".join(missing), "sheet": sheet_hint}
        )
    if len(table) - 1 > max_rows:
        raise SheetFileError(_("行が多すぎます（%(max)s行まで）。") % {"max": max_rows})
    index = {name: found.index(name) for name in headers if name in found}
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(normalise(c) for c in cells):
            continue
        rows.append(
            (line, {name: cells[i] if i < len(cells) else None for name, i in index.items()})
        )
    return rows


def _xlsx_rows(data: bytes) -> list[list[object]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetFileError(_("Excelファイル（.xlsx）として読めません。")) from exc
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Shift_JIS as Excel in Japan writes it (CP932)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetFileError(
        _("文字コードを判別できません。UTF-8またはShift_JISのCSVで保存してください。")
    )


def drop_down(sheet, column: str, last: int, labels: Sequence[str]) -> None:
    """A list validation that still lets a person type something else after a warning: the
    import is the real check."""
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
    )
    validation.add(f"{column}2:{column}{max(last, 2)}")
    sheet.add_data_validation(validation)


# --- the preview round trip -------------------------------------------------------------


class SheetUploadForm(AccessibleForm):
    file = forms.FileField(
        label=gettext_lazy("調査票ファイル"),
        help_text=gettext_lazy("Excel（.xlsx）又はCSV（UTF-8・Shift_JIS）。1行目が見出し行です。"),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["file"].label = label


@dataclass(frozen=True)
class Upload:
    """A file to preview (`confirmed` False) or, sent back from its preview, to write."""

    data: bytes
    content: str  # the file as base64, for the preview's hidden field
    file_name: str
    confirmed: bool


def sheet_upload(request: HttpRequest, *, label=None) -> tuple[SheetUploadForm, Upload | None]:
    """Read a POST of an upload page: the confirmation of a preview (field `content`) or a new
    file; the form carries the error when the file is missing or too large."""
    form = SheetUploadForm(label=label)
    if request.method != "POST":
        return form, None
    if "content" in request.POST:
        try:
            data = base64.b64decode(request.POST["content"], validate=True)
        except (binascii.Error, ValueError):
            data = b""
        return form, Upload(data, request.POST["content"], "", confirmed=True)
    form = SheetUploadForm(request.POST, request.FILES, label=label)
    if not form.is_valid():
        return form, None
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:
        form.add_error("file", _("ファイルが大きすぎます（5MBまで）。"))
        return form, None
    data = upload.read()
    return form, Upload(data, base64.b64encode(data).decode("ascii"), upload.name, False)
