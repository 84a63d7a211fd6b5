"""Journeys of local-government staff: a municipality keeps its own answer; a prefecture
collects its municipalities' answers with the survey sheet."""

import io

import pytest
from openpyxl import load_workbook

from adoption.models import Adoption, AdoptionChange, Status
from candidates.models import Candidate

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_municipality_reads_a_candidate_updates_its_own_row_and_is_refused_anothers(journey):
    page, t = journey.page, journey.t
    housing = Candidate.objects.get(name="公営住宅管理システム")

    journey.login("municipality_kure")
    journey.open(housing.get_absolute_url())
    journey.sees("公営住宅管理システム")

    journey.open(f"/adoption/{housing.pk}/342025/")
    page.get_by_label(t("利用意向", "Intention")).select_option("planned")
    page.get_by_label(t("利用開始予定年度", "Planned start (fiscal year)")).select_option("2028")
    page.get_by_role("button", name=t("保存", "Save")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("利用状況を保存しました", "Saved the adoption") in journey.message()
    journey.sees(t("令和10年度", "FY2028"))  # in the history below the form
    row = Adoption.objects.get(candidate=housing, local_government__code="342025")
    assert (row.status, row.planned_start_fiscal_year, row.updated_by.username) == (
        Status.PLANNED,
        2028,
        "municipality_kure",
    )

    # 広島市 is another body: the page is refused and nothing can be saved there.
    response = page.goto(f"{journey.base_url}/adoption/{housing.pk}/341002/")
    assert response.status == 403
    journey.sees(t("この団体の利用状況を編集する権限がありません", "You may not edit this body"))
    assert not Adoption.objects.filter(local_government__code="341002").exists()


def test_a_prefecture_downloads_fills_in_and_uploads_its_survey(journey, tmp_path):
    page, t = journey.page, journey.t
    housing = Candidate.objects.get(name="公営住宅管理システム")

    journey.login("prefecture_hiroshima")
    journey.open(f"/adoption/{housing.pk}/survey/")
    with page.expect_download() as download:
        page.get_by_role("button", name=t("ダウンロード（.xlsx）", "Download (.xlsx)")).click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = workbook.active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == 24 and all(code.startswith("34") for code in rows)  # its prefecture
    rows["342025"][4].value = "利用予定"  # 呉市
    rows["342025"][5].value = "令和9年度"
    rows["342033"][4].value = "利用しない"  # 竹原市
    rows["342033"][8].value = "現行システムを令和7年度に更新済みのため"
    rows["340006"][4].value = "検討中"  # the prefecture itself
    path = tmp_path / "survey.xlsx"
    workbook.save(path)

    page.get_by_label(t("調査票ファイル", "Survey file")).set_input_files(path)
    page.get_by_role("button", name=t("確認する", "Check")).click()
    page.wait_for_load_state()
    journey.check()
    journey.sees(t("利用予定：1", "planning to use: 1"))
    journey.sees(t("利用しない：1", "will not use: 1"))
    assert not Adoption.objects.filter(candidate=housing).exists()  # nothing saved yet

    page.get_by_role(
        "button", name=t("3団体分の変更を保存", "Save the changes of 3 bodies")
    ).click()
    page.wait_for_load_state()
    journey.check()
    assert t("3団体分の変更を保存しました", "changes for 3 bodies") in journey.message()
    answers = dict(
        Adoption.objects.filter(candidate=housing).values_list("local_government__code", "status")
    )
    assert answers == {
        "342025": Status.PLANNED,
        "342033": Status.DECLINED,
        "340006": Status.CONSIDERING,
    }
    assert set(
        AdoptionChange.objects.filter(adoption__candidate=housing).values_list(
            "changed_by__username", flat=True
        )
    ) == {"prefecture_hiroshima"}
