"""The adoption pages as their users meet them: a body's own row, a prefecture's survey."""

import base64
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from adoption import services
from adoption.models import Adoption, AdoptionChange, Status
from core.roles import Role
from tests.adoption.conftest import body

pytestmark = pytest.mark.django_db

CSV = "団体コード,団体名,利用意向,利用開始予定,理由\r\n{lines}"


@pytest.fixture
def kure_staff(make_user, kure):
    return make_user("kure_staff", Role.LOCAL_GOVERNMENT_STAFF, local_government=kure)


@pytest.fixture
def hiroshima_coordinator(make_user, hiroshima_pref):
    return make_user(
        "hiroshima_coordinator",
        Role.LOCAL_GOVERNMENT_STAFF,
        local_government=hiroshima_pref,
        coordinates_municipalities=True,
    )


@pytest.fixture
def hiroshima_staff(make_user, hiroshima_pref):
    """A prefecture's staff without the 取りまとめ right: only the prefecture's own row."""
    return make_user(
        "hiroshima_staff", Role.LOCAL_GOVERNMENT_STAFF, local_government=hiroshima_pref
    )


def edit_url(candidate, code):
    return reverse("adoption:edit", args=[candidate.pk, code])


def test_a_municipality_user_saves_its_own_row_and_sees_the_history(client, kure_staff, candidate):
    client.force_login(kure_staff)
    response = client.post(
        edit_url(candidate, "342025"),
        {"status": Status.PLANNED, "planned_start_fiscal_year": "2028", "version": "0"},
        follow=True,
    )
    assert response.status_code == 200
    row = Adoption.objects.get()
    assert (row.status, row.planned_start_fiscal_year, row.updated_by) == (
        Status.PLANNED,
        2028,
        kure_staff,
    )
    page = response.content.decode()
    assert "利用状況を保存しました" in page and "令和10年度" in page and "kure_staff" in page


def test_a_municipality_user_is_refused_another_bodys_row(client, kure_staff, candidate):
    client.force_login(kure_staff)
    assert client.get(edit_url(candidate, "341002")).status_code == 403
    response = client.post(edit_url(candidate, "341002"), {"status": Status.PLANNED})
    assert response.status_code == 403
    assert not Adoption.objects.exists()


def test_a_prefecture_user_without_the_right_edits_only_its_own_row(
    client, hiroshima_staff, candidate
):
    client.force_login(hiroshima_staff)
    assert client.get(edit_url(candidate, "340006")).status_code == 200
    assert client.get(edit_url(candidate, "342025")).status_code == 403


def test_a_prefecture_coordinator_edits_its_municipalities_but_not_another_prefectures(
    client, hiroshima_coordinator, candidate
):
    client.force_login(hiroshima_coordinator)
    assert client.get(edit_url(candidate, "342025")).status_code == 200
    assert client.get(edit_url(candidate, "011002")).status_code == 403


def test_a_later_start_without_a_reason_is_shown_on_the_form_and_nothing_changes(
    client, secretariat, candidate, kure
):
    services.adoption_update(
        user=secretariat,
        candidate=candidate,
        local_government=kure,
        version=None,
        values=services.AdoptionValues(status=Status.PLANNED, planned_start_fiscal_year=2027),
    )
    client.force_login(secretariat)
    response = client.post(
        edit_url(candidate, "342025"),
        {"status": Status.PLANNED, "planned_start_fiscal_year": "2029", "version": "1"},
    )
    assert response.status_code == 200
    assert "理由又は見合った付加価値を記入してください" in response.content.decode()
    assert Adoption.objects.get().planned_start_fiscal_year == 2027


def test_a_stale_form_is_refused_with_a_message(client, secretariat, candidate, kure):
    client.force_login(secretariat)
    client.post(edit_url(candidate, "342025"), {"status": Status.CONSIDERING, "version": "0"})
    response = client.post(
        edit_url(candidate, "342025"), {"status": Status.PLANNED, "version": "0"}
    )
    assert "他の人が更新しました" in response.content.decode()
    assert Adoption.objects.get().status == Status.CONSIDERING


def test_a_ward_page_names_the_city_that_answers(client, secretariat, candidate):
    client.force_login(secretariat)
    response = client.get(edit_url(candidate, "011011"))
    page = response.content.decode()
    assert "北海道札幌市として回答" in page and '<form method="post"' not in page


def test_a_prefecture_coordinator_downloads_its_prefecture_by_default(
    client, hiroshima_coordinator, candidate
):
    client.force_login(hiroshima_coordinator)
    response = client.get(reverse("adoption:survey_download", args=[candidate.pk]))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(codes) == 24 and all(code.startswith("34") for code in codes)


def test_a_prefecture_coordinator_previews_then_applies_its_survey(
    client, hiroshima_coordinator, candidate
):
    client.force_login(hiroshima_coordinator)
    url = reverse("adoption:survey", args=[candidate.pk])
    data = CSV.format(lines="342025,呉市,利用予定,R9,\r\n340006,広島県,検討中,,\r\n").encode(
        "cp932"
    )
    preview = client.post(url, {"file": SimpleUploadedFile("survey.csv", data)})
    page = preview.content.decode()
    assert "利用予定：1" in page and "検討中：1" in page and "令和9年度" in page
    assert not Adoption.objects.exists()
    content = preview.context["content"]
    done = client.post(url, {"content": content}, follow=True)
    assert "2団体分の変更を保存しました" in done.content.decode()
    assert Adoption.objects.count() == 2
    assert set(AdoptionChange.objects.values_list("changed_by__username", flat=True)) == {
        "hiroshima_coordinator"
    }


def test_a_survey_row_outside_the_users_bodies_is_an_error_and_nothing_is_saved(
    client, kure_staff, candidate
):
    client.force_login(kure_staff)
    url = reverse("adoption:survey", args=[candidate.pk])
    data = CSV.format(lines="342025,呉市,利用予定,R9,\r\n341002,広島市,検討中,,\r\n").encode()
    response = client.post(url, {"content": base64.b64encode(data).decode()})
    assert "3行目" in response.content.decode()
    assert "広島県広島市の利用状況を編集する権限がありません" in response.content.decode()
    assert not Adoption.objects.exists()
    assert body("342025").adoptions.count() == 0


def test_a_broken_upload_is_answered_with_a_message_not_a_500(client, secretariat, candidate):
    client.force_login(secretariat)
    url = reverse("adoption:survey", args=[candidate.pk])
    response = client.post(url, {"content": "%%%not base64"})
    assert response.status_code == 200
    assert "1行目" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken")})
    assert "Excelファイル（.xlsx）として読めません" in response.content.decode()
