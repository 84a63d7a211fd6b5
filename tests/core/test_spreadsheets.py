"""The .xlsx every export writes (core.spreadsheets.xlsx_bytes), read back as Excel would."""

from __future__ import annotations

import datetime as dt
import io
import warnings

from openpyxl import load_workbook

from core.spreadsheets import xlsx_bytes


def read(data: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a part openpyxl has to guess is a part Excel lacks
        return load_workbook(io.BytesIO(data)).active


def test_an_export_has_a_bold_frozen_header_numbers_dates_and_text():
    sheet = read(
        xlsx_bytes(
            "意見照会結果",
            ["番号", "団体名", "日付"],
            [
                [1, "北海道札幌市", dt.date(2026, 11, 24)],
                [2.5, None, dt.datetime(2026, 1, 2, 9, 30)],
            ],
        )
    )
    assert sheet.title == "意見照会結果"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["番号", "団体名", "日付"],
        [1, "北海道札幌市", dt.datetime(2026, 11, 24)],
        [2.5, None, dt.datetime(2026, 1, 2, 9, 30)],
    ]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["B"].width == 10.0  # 6 characters × 1.6, but at least 10
    assert sheet.column_dimensions["C"].width == 30.4  # 19 characters (2026-01-02 09:30:00)


def test_text_is_escaped_neutralised_and_freed_of_characters_xml_cannot_carry():
    sheet = read(
        xlsx_bytes("a<b>&c", ["x"], [['=HYPERLINK("http://e.example")'], ["<b>&\x01</b>"]])
    )
    assert sheet.title == "a<b>&c"
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [
        '\'=HYPERLINK("http://e.example")',
        "<b>&</b>",
    ]
