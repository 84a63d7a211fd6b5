"""The survey round trip: the sheet out, the file back in, every row error with its line."""

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from adoption import selectors, services, survey
from adoption.models import Adoption, AdoptionChange, Procurement, Status

HEADER = "団体コード,団体名,利用意向,利用開始予定,現行システム更新時期,調達方法,理由,備考"


def csv_file(*lines: str, encoding="utf-8", header=HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)


def read(user, candidate, data):
    return survey.survey_read(user=user, candidate=candidate, data=data)


def messages(issues):
    return [(issue.row, issue.message) for issue in issues]


def test_a_csv_previews_its_changes_and_writes_nothing(secretariat, candidate):
    result = read(
        secretariat,
        candidate,
        csv_file(
            "342025,呉市,利用予定,令和9年度,2027,単独,,",
            "340006,広島県,検討中,,,,,",
            "011002,札幌市,,,,,,",
        ),
    )
    assert result.errors == [] and result.rows == 3
    assert [change.local_government.code for change in result.changes] == ["342025", "340006"]
    assert ("利用意向", "未回答", "利用予定") in result.changes[0].fields
    assert ("利用開始予定", "", "令和9年度") in result.changes[0].fields
    assert result.status_counts() == [("検討中", 1), ("利用予定", 1)]
    assert not Adoption.objects.exists()


def test_applying_writes_every_change_with_its_history(secretariat, candidate):
    data = csv_file(
        "342025,呉市,利用予定,R9,令和9年度,その他の共同調達（広島広域）,,",
        "340006,広島県,利用しない,,,,独自システムを更新済み,",
    )
    result = survey.survey_apply(user=secretariat, candidate=candidate, data=data)
    assert result.applied and result.errors == []
    kure = Adoption.objects.get(local_government__code="342025")
    assert (kure.status, kure.planned_start_fiscal_year, kure.procurement) == (
        Status.PLANNED,
        2027,
        Procurement.OTHER_JOINT,
    )
    assert kure.procurement_group == "広島広域"
    assert AdoptionChange.objects.filter(source="survey").count() >= 4
    # The same file again changes nothing.
    again = survey.survey_apply(user=secretariat, candidate=candidate, data=data)
    assert again.changes == [] and not again.applied


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("令和9年度", 2027),
        ("R9", 2027),
        ("r9", 2027),
        ("2027", 2027),
        ("2027年度", 2027),
        ("２０２７年度", 2027),
        ("令和９年度", 2027),
        ("Ｒ９", 2027),
        ("令和元年度", 2019),
    ],
)
def test_fiscal_years_are_read_in_every_usual_form(secretariat, candidate, cell, expected):
    result = read(secretariat, candidate, csv_file(f"342025,呉市,利用予定,{cell},,,,"))
    assert result.errors == []
    assert result.answers[0].values.planned_start_fiscal_year == expected


def test_a_month_places_the_start_in_its_fiscal_year(secretariat, candidate):
    result = read(
        secretariat,
        candidate,
        csv_file(
            "342025,呉市,利用予定,令和10年1月,,,,", "340006,広島県,利用予定,令和9年度10月,,,,"
        ),
    )
    assert [
        (a.values.planned_start_fiscal_year, a.values.planned_start_month) for a in result.answers
    ] == [(2027, 1), (2027, 10)]


ERROR_CASES = {
    "unknown code": ("999997,どこか,利用予定,,,,,", "該当する団体がありません"),
    "bad check digit": ("342026,呉市,利用予定,,,,,", "検査数字が正しくありません"),
    "designated-city ward": ("011011,札幌市中央区,利用予定,,,,,", "札幌市として回答"),
    "unknown status word": (
        "342025,呉市,たぶん使う,,,,,",
        "利用意向「たぶん使う」は選択肢にありません",
    ),
    "will not use without a reason": ("342025,呉市,利用しない,,,,,", "理由を入力"),
    "start year out of range": ("342025,呉市,利用予定,2041,,,,", "令和22年度"),
    "start year before the programme": ("342025,呉市,利用予定,平成30年度,,,,", "令和元年度から"),
    "unreadable year": ("342025,呉市,利用予定,来年くらい,,,,", "年度として読めません"),
    "unknown procurement": ("342025,呉市,利用予定,,,随意契約,,", "調達方法「随意契約」"),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=str)
def test_each_row_error_names_its_line(secretariat, candidate, case):
    line, expected = ERROR_CASES[case]
    result = read(secretariat, candidate, csv_file("340006,広島県,検討中,,,,,", line))
    assert [row for row, _message in messages(result.errors)] == [3]
    assert expected in result.errors[0].message
    assert result.changes[0].local_government.code == "340006"  # the good row is still read


def test_a_code_twice_is_an_error_on_its_second_line(secretariat, candidate):
    result = read(
        secretariat,
        candidate,
        csv_file(
            "342025,呉市,利用予定,,,,,", "340006,広島県,検討中,,,,,", "342025,呉市,検討中,,,,,"
        ),
    )
    assert messages(result.errors) == [
        (4, "団体コード「342025」は2行目にもあります。1団体1行にしてください。")
    ]


def test_a_code_whose_leading_zero_excel_dropped_is_read_with_a_warning(secretariat, candidate):
    result = read(secretariat, candidate, csv_file("11002,札幌市,利用予定,,,,,"))
    assert result.errors == []
    assert result.answers[0].local_government.name == "札幌市"
    assert messages(result.warnings) == [
        (2, "団体コード「11002」は先頭の0が欠けているとみなし、「011002」として読みました。")
    ]


def test_a_five_digit_code_the_check_digit_does_not_confirm_is_an_error(secretariat, candidate):
    result = read(secretariat, candidate, csv_file("11003,札幌市,利用予定,,,,,"))
    assert [row for row, _m in messages(result.errors)] == [2] and result.warnings == []


def test_a_five_digit_code_whose_padded_code_names_no_body_is_an_error_without_warning(
    secretariat, candidate
):
    # 034207 has a valid check digit but no local government has it.
    result = read(secretariat, candidate, csv_file("34207,三原市,利用予定,,,,,"))
    assert [row for row, _m in messages(result.errors)] == [2] and result.warnings == []


def test_a_shift_jis_csv_from_excel_is_read(secretariat, candidate):
    data = csv_file("342025,呉市,利用中,令和８年度,,都道府県による共同調達,,", encoding="cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = read(secretariat, candidate, data)
    assert result.errors == []
    assert result.answers[0].values.procurement == Procurement.PREFECTURE_JOINT


def test_a_utf8_csv_with_a_bom_and_extra_columns_in_another_order_is_read(secretariat, candidate):
    data = "\ufeff" + "メモ,利用意向,団体コード\r\nx,検討中,342025\r\n"
    result = read(secretariat, candidate, data.encode("utf-8"))
    assert result.errors == [] and result.answers[0].values.status == Status.CONSIDERING


def test_a_file_without_the_code_header_is_refused_on_line_1(secretariat, candidate):
    result = read(secretariat, candidate, "名前,利用意向\r\n呉市,検討中\r\n".encode())
    assert [row for row, _m in messages(result.errors)] == [1]
    assert "団体コード" in result.errors[0].message


def test_a_file_that_is_not_text_or_a_workbook_is_refused(secretariat, candidate):
    result = read(secretariat, candidate, b"PK\x03\x04 not really a zip")
    assert [row for row, _m in messages(result.errors)] == [1]


def test_the_sheet_goes_out_and_comes_back_unchanged(secretariat, candidate, hiroshima_pref):
    services.adoption_update(
        user=secretariat,
        candidate=candidate,
        local_government=hiroshima_pref,
        version=None,
        values=services.AdoptionValues(
            status=Status.PLANNED,
            planned_start_fiscal_year=2027,
            planned_start_month=10,
            renewal_fiscal_year=2027,
            procurement=Procurement.OTHER_JOINT,
            procurement_group="中国地方共同",
            note="=SUM(A1)",
            reason="次期更新（令和９年度）に合わせる",
        ),
    )
    data = survey.survey_sheet(candidate=candidate, prefecture=hiroshima_pref)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (*survey.SHEET_HEADERS, survey.START_DAY)
    assert rows[1][:5] == ("340006", "広島県", "広島県", "都道府県", "利用予定")
    assert rows[1][9] == "'=SUM(A1)"  # never a formula
    assert (rows[1][5], rows[1][10]) == ("令和9年度 10月", "2027-10-01")  # as written, and ISO
    assert len(rows) == 1 + 1 + 23  # the prefecture and its 23 municipalities
    drop_downs = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert drop_downs == {
        "E2:E25": '"未回答,検討中,利用予定,利用申込済,移行中,利用中,利用しない"',
        "H2:H25": '"単独,都道府県による共同調達,その他の共同調達"',
    }
    back = read(secretariat, candidate, data)
    assert back.errors == [] and back.changes == [] and back.rows == 24


def test_the_whole_country_sheet_has_every_adopter(secretariat, candidate):
    data = survey.survey_sheet(candidate=candidate)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sum(1 for _row in sheet.iter_rows(min_row=2)) == selectors.adopter_count() == 1788


def test_a_ministry_cannot_import_another_ministrys_candidate(ministry_mhlw, candidate):
    result = read(ministry_mhlw, candidate, csv_file("342025,呉市,利用予定,,,,,"))
    assert "権限がありません" in result.errors[0].message
    assert survey.survey_apply(user=ministry_mhlw, candidate=candidate, data=csv_file()).rows == 0


# --- the command ---------------------------------------------------------------------------


def run_command(tmp_path, data: bytes, candidate, *extra):
    path = tmp_path / "survey.csv"
    path.write_bytes(data)
    out = io.StringIO()
    code: int | str | None = 0
    try:
        call_command(
            "import_adoption", str(path), "--candidate", str(candidate.pk), *extra, stdout=out
        )
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def test_the_command_without_apply_prints_json_and_writes_nothing(tmp_path, secretariat, candidate):
    code, report = run_command(tmp_path, csv_file("11002,札幌市,利用予定,R9,,,,"), candidate)
    assert code == 0
    assert report == {
        "rows": 1,
        "changes": 1,
        "warnings": [
            {
                "row": 2,
                "message": "団体コード「11002」は先頭の0が欠けているとみなし、「011002」として読みました。",
            }
        ],
        "errors": [],
    }
    assert not Adoption.objects.exists()


def test_the_command_applies_when_asked(tmp_path, secretariat, candidate):
    code, report = run_command(
        tmp_path, csv_file("342025,呉市,利用予定,R9,,,,"), candidate, "--apply"
    )
    assert (code, report["changes"]) == (0, 1)
    assert Adoption.objects.get().status == Status.PLANNED


def test_the_command_with_any_error_exits_1_and_applies_nothing(tmp_path, secretariat, candidate):
    data = csv_file("342025,呉市,利用予定,R9,,,,", "342026,呉市,利用予定,,,,,")
    code, report = run_command(tmp_path, data, candidate, "--apply")
    assert code == 1
    assert report["errors"] == [
        {"row": 3, "message": "団体コード「342026」の検査数字が正しくありません。"}
    ]
    assert not Adoption.objects.exists() and not AdoptionChange.objects.exists()
