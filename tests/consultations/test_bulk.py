"""The bulk answer sheet (一括回答票): a prefecture's sheet for its municipalities and an
association's, downloaded, filled in and uploaded back with a preview, row errors by line,
UTF-8 and Shift_JIS CSV, and all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from consultations import bulk, services
from consultations.models import Answer, Consultation, Route
from consultations.services import Addressees
from tests.consultations.conftest import (
    HIROSHIMA_CITY,
    HIROSHIMA_PREF,
    KURE,
    SAPPORO,
    body,
    full_answer,
)

pytestmark = pytest.mark.django_db
HEADER = "団体コード,団体名,設問番号,賛否,該当箇所,意見\r\n"


def rows_for(code: str, name: str, free_text: str = "進め方に意見あり") -> str:
    return (
        f"{code},{name},1,賛成,,\r\n{code},{name},2,反対,第2章,費用負担が重い\r\n"
        f"{code},{name},3,,,{free_text}\r\n"
    )


def csv_file(*parts: str, encoding: str = "utf-8") -> bytes:
    return (HEADER + "".join(parts)).encode(encoding)


def read(user, consultation, data, respondent=None, *, step=bulk.bulk_read):
    respondent = respondent or body(HIROSHIMA_PREF)
    return step(user=user, consultation=consultation, respondent=respondent, data=data)


def apply(user, consultation, data, respondent=None):
    return read(user, consultation, data, respondent, step=bulk.bulk_apply)


def errors(result) -> list[tuple[int, str]]:
    return [(issue.row, issue.message) for issue in result.errors]


def sheet_rows(data: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data))
    return list(workbook.active.iter_rows(values_only=True))


# --- the sheet out ----------------------------------------------------------------------


def test_a_prefectures_sheet_has_a_row_per_body_and_question_of_its_prefecture_only(
    consultation, hiroshima_coordinator
):
    data = bulk.bulk_sheet(
        user=hiroshima_coordinator, consultation=consultation, respondent=body(HIROSHIMA_PREF)
    )
    rows = sheet_rows(data)
    assert rows[0] == bulk.BODY_HEADERS
    codes = [row[0] for row in rows[1:]]
    assert codes[:3] == [HIROSHIMA_PREF] * 3  # the prefecture itself first, by code
    assert KURE in codes and SAPPORO not in codes
    assert len(codes) == 3 * len(set(codes))
    assert {row[3] for row in rows[1:]} == {1, 2, 3}
    # Wards are not addressed: their city answers.
    assert all(body(code).kind != "ward" for code in set(codes))


def test_a_sheet_carries_the_current_answers(consultation, hiroshima_coordinator, kure_staff):
    services.answer_save(
        user=kure_staff,
        consultation=consultation,
        local_government=body(KURE),
        opinions=full_answer(consultation, "=危ない式"),
        submit=False,
        version=None,
    )
    rows = sheet_rows(
        bulk.bulk_sheet(
            user=hiroshima_coordinator, consultation=consultation, respondent=body(HIROSHIMA_PREF)
        )
    )
    kure = [row for row in rows if row[0] == KURE]
    assert [row[5] for row in kure] == ["賛成", "賛成", None]
    assert kure[2][7] == "'=危ない式"  # a formula is neutralised, and read back as typed


def test_an_associations_sheet_has_a_row_per_question(consultation, mayors, mayors_staff):
    rows = sheet_rows(
        bulk.bulk_sheet(user=mayors_staff, consultation=consultation, respondent=mayors)
    )
    assert rows[0] == bulk.ASSOCIATION_HEADERS
    assert [row[:2] for row in rows[1:]] == [(mayors.name, 1), (mayors.name, 2), (mayors.name, 3)]


# --- the sheet back in ------------------------------------------------------------------


def test_a_filled_sheet_submits_each_bodys_answer_through_the_prefecture(
    consultation, hiroshima_coordinator
):
    data = bulk.bulk_sheet(
        user=hiroshima_coordinator, consultation=consultation, respondent=body(HIROSHIMA_PREF)
    )
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in (KURE, HIROSHIMA_CITY):
            row[5].value = "賛成" if row[3].value in (1, 2) else None
            row[7].value = "特になし" if row[3].value == 3 else None
    out = io.BytesIO()
    workbook.save(out)

    preview = read(hiroshima_coordinator, consultation, out.getvalue())
    assert not preview.errors
    assert [c.name for c in preview.changes] == ["広島県広島市", "広島県呉市"]
    assert not Answer.objects.exists()  # the preview writes nothing

    result = apply(hiroshima_coordinator, consultation, out.getvalue())
    assert result.applied
    kure = Answer.objects.get(local_government__code=KURE)
    assert kure.is_submitted and not kure.is_late
    assert kure.via_prefecture == body(HIROSHIMA_PREF)
    assert kure.versions.count() == 1
    assert kure.opinions.count() == 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "shift_jis"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_shift_jis(
    consultation, hiroshima_coordinator, encoding
):
    data = csv_file(rows_for(KURE, "呉市"), encoding=encoding)
    result = apply(hiroshima_coordinator, consultation, data)
    assert not result.errors and result.applied
    opinion = Answer.objects.get(local_government__code=KURE).opinions.get(question__number=2)
    assert (opinion.position, opinion.section, opinion.text) == (
        "oppose",
        "第2章",
        "費用負担が重い",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ファイルが空です。"),
        (b"\xff\xfe\xfa\xfb\xfc", "文字コードを判別できません"),
        (b"PK\x03\x04not a workbook", "Excelファイル（.xlsx）として読めません。"),
        ("団体コード,団体名,賛否,意見\r\n".encode(), "見出し行に「設問番号」がありません。"),
    ],
)
def test_a_file_that_is_not_an_answer_sheet_is_refused_as_a_whole(
    consultation, hiroshima_coordinator, data, message
):
    result = apply(hiroshima_coordinator, consultation, data)
    assert not result.applied
    [(line, text)] = errors(result)
    assert line == 1 and message in text
    assert not Answer.objects.exists()


def test_every_row_error_names_its_line_and_nothing_is_saved(consultation, hiroshima_coordinator):
    data = csv_file(
        rows_for(HIROSHIMA_CITY, "広島市"),  # lines 2-4: fine
        f"{KURE},呉市,9,賛成,,\r\n",  # 5: no question 9
        f"{KURE},呉市,1,大賛成,,\r\n",  # 6: not a position
        "342024,呉市,1,賛成,,\r\n",  # 7: check digit
        f"{SAPPORO},札幌市,1,賛成,,\r\n",  # 8: another prefecture's city
        f"{HIROSHIMA_CITY},広島市,1,賛成,,\r\n",  # 9: question 1 again
        ",,1,賛成,,\r\n",  # 10: no code
    )
    result = apply(hiroshima_coordinator, consultation, data)
    assert not result.applied
    assert errors(result) == [
        (5, "設問番号「9」はこの意見照会にありません。"),
        (6, "賛否「大賛成」は選択肢にありません（賛成、条件付き賛成、反対、意見なし）。"),
        (7, "団体コード「342024」の検査数字が正しくありません。"),
        (
            8,
            "北海道札幌市の回答を入力する権限がありません（広島県及び管内の市区町村のみ）。",
        ),
        (9, "広島県広島市の設問1は2行目にもあります。1設問1行にしてください。"),
        (10, "団体コードが空欄です。"),
    ]
    assert not Answer.objects.exists()  # 広島市's good rows are not saved either


def test_a_submission_rule_points_at_the_line_of_its_question(consultation, hiroshima_coordinator):
    data = csv_file(
        f"{KURE},呉市,1,条件付き賛成,,\r\n",  # 2: a condition must be written
        f"{KURE},呉市,3,,,意見\r\n",  # 3: question 2 has no row: a position is missing
    )
    result = read(hiroshima_coordinator, consultation, data)
    assert errors(result) == [
        (
            2,
            "広島県呉市 設問1: 「条件付き賛成」又は「反対」の場合は、条件又は理由を記入してください。",
        ),
        (2, "広島県呉市 設問2: 賛否を選んでください。"),
    ]


def test_a_body_whose_rows_are_blank_is_not_answered(consultation, hiroshima_coordinator):
    data = csv_file(rows_for(KURE, "呉市"), f"{HIROSHIMA_CITY},広島市,1,,,\r\n")
    result = apply(hiroshima_coordinator, consultation, data)
    assert result.applied and result.blank == 1
    assert list(Answer.objects.values_list("local_government__code", flat=True)) == [KURE]


def test_a_body_not_asked_is_refused(make_consultation, hiroshima_coordinator, mayors):
    consultation = make_consultation(
        addressees=Addressees(kinds=["prefecture", "designated_city"], associations=[mayors])
    )
    result = read(hiroshima_coordinator, consultation, csv_file(rows_for(KURE, "呉市")))
    assert errors(result)[0] == (2, "広島県呉市はこの意見照会の照会先ではありません。")


def test_the_same_sheet_twice_changes_nothing_and_a_correction_adds_a_version(
    consultation, hiroshima_coordinator
):
    apply(hiroshima_coordinator, consultation, csv_file(rows_for(KURE, "呉市")))
    again = apply(hiroshima_coordinator, consultation, csv_file(rows_for(KURE, "呉市")))
    assert (again.unchanged, again.changes, again.applied) == (1, [], False)
    corrected = apply(hiroshima_coordinator, consultation, csv_file(rows_for(KURE, "呉市", "修正")))
    assert [c.is_correction for c in corrected.changes] == [True]
    assert Answer.objects.get().versions.count() == 2


def test_a_sheet_after_the_deadline_is_taken_and_marked_late(consultation, hiroshima_coordinator):
    with time_machine.travel(dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC), tick=False):
        result = apply(hiroshima_coordinator, consultation, csv_file(rows_for(KURE, "呉市")))
    assert result.late and result.applied
    answer = Answer.objects.get()
    assert answer.is_late and answer.versions.get().is_late


def test_a_closed_consultation_takes_no_sheet(consultation, hiroshima_coordinator, secretariat):
    preview = read(hiroshima_coordinator, consultation, csv_file(rows_for(KURE, "呉市")))
    assert preview.changes
    services.consultation_close(user=secretariat, consultation=consultation, version=None)
    # Closed between the preview and the confirmation: refused, nothing saved.
    stale = Consultation.objects.get(pk=consultation.pk)
    stale.closed_at = None
    result = apply(hiroshima_coordinator, stale, csv_file(rows_for(KURE, "呉市")))
    assert errors(result) == [(0, "この意見照会は締め切られました。回答の提出・修正はできません。")]
    assert not Answer.objects.exists()
    closed = read(hiroshima_coordinator, Consultation.objects.get(pk=consultation.pk), b"")
    assert errors(closed) == [(0, "この意見照会は締め切られました。回答の提出・修正はできません。")]


def test_an_association_uploads_its_own_answer(consultation, mayors, mayors_staff):
    data = ("団体名,設問番号,賛否,意見\r\n全国市長会,1,賛成,\r\n全国市長会,2,意見なし,\r\n").encode(
        "cp932"
    )
    result = apply(mayors_staff, consultation, data, respondent=mayors)
    assert result.applied
    assert Answer.objects.get().association == mayors


# --- the pages --------------------------------------------------------------------------


def bulk_url(consultation, name="consultations:bulk"):
    return reverse(name, args=[consultation.pk])


def test_the_prefecture_previews_then_confirms(client, consultation, hiroshima_coordinator):
    client.force_login(hiroshima_coordinator)
    page = client.get(consultation.get_absolute_url())
    assert bulk_url(consultation) in page.content.decode()
    download = client.get(bulk_url(consultation, "consultations:bulk_download"))
    assert download.status_code == 200 and sheet_rows(download.content)[0] == bulk.BODY_HEADERS
    upload = io.BytesIO(csv_file(rows_for(KURE, "呉市"), encoding="cp932"))
    upload.name = "hiroshima.csv"
    preview = client.post(bulk_url(consultation), {"file": upload})
    assert preview.status_code == 200
    assert "広島県呉市" in preview.content.decode() and not Answer.objects.exists()
    confirmed = client.post(bulk_url(consultation), {"content": preview.context["content"]})
    assert confirmed.status_code == 302
    assert Answer.objects.get().submitted_by == hiroshima_coordinator


def test_a_preview_with_errors_offers_no_confirmation(client, consultation, hiroshima_coordinator):
    client.force_login(hiroshima_coordinator)
    upload = io.BytesIO(csv_file(f"{SAPPORO},札幌市,1,賛成,,\r\n"))
    upload.name = "bad.csv"
    response = client.post(bulk_url(consultation), {"file": upload})
    html = response.content.decode()
    assert "2行目" in html and 'name="content"' not in html


def test_a_confirmation_with_errors_is_refused_with_400(
    client, consultation, hiroshima_coordinator
):
    import base64

    client.force_login(hiroshima_coordinator)
    content = base64.b64encode(csv_file(f"{SAPPORO},札幌市,1,賛成,,\r\n")).decode()
    response = client.post(bulk_url(consultation), {"content": content})
    assert response.status_code == 400 and not Answer.objects.exists()
    assert client.post(bulk_url(consultation), {}).status_code == 400  # no file


@pytest.mark.parametrize("persona", ["kure_staff", "secretariat", "wt_member"])
def test_only_a_collecting_prefecture_or_an_asked_association_uses_the_sheet(
    client, consultation, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(bulk_url(consultation)).status_code == 403
    assert client.get(bulk_url(consultation, "consultations:bulk_download")).status_code == 403


def test_a_prefecture_has_no_sheet_in_a_direct_consultation(
    client, make_consultation, hiroshima_coordinator
):
    consultation = make_consultation(route=Route.DIRECT)
    client.force_login(hiroshima_coordinator)
    assert client.get(bulk_url(consultation)).status_code == 403
