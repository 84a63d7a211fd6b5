"""An adoption's planned start stated as a fiscal-year half (令和8年度上期), beside the fiscal
year alone and a month of it (issue 18): stored, shown as written, entered in the form and the
survey sheet, exported with its first day, sorted within its fiscal year."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from adoption import services, survey
from adoption.models import (
    Adoption,
    Status,
    planned_start_display,
    planned_start_first_day,
    start_key,
)
from tests.adoption.test_survey import csv_file, read

V = services.AdoptionValues


@pytest.mark.parametrize(
    ("start", "written", "first_day"),
    [
        ((2026, None, None), "令和8年度", dt.date(2026, 4, 1)),
        ((2026, None, 1), "令和8年度上期", dt.date(2026, 4, 1)),
        ((2026, None, 2), "令和8年度下期", dt.date(2026, 10, 1)),
        ((2026, 10, None), "令和8年度 10月", dt.date(2026, 10, 1)),
        ((2026, 1, None), "令和8年度 1月", dt.date(2027, 1, 1)),
    ],
)
def test_a_planned_start_is_shown_as_written_and_exported_from_its_first_day(
    start, written, first_day
):
    with translation.override("ja"):
        assert planned_start_display(start) == written
    assert planned_start_first_day(start) == first_day


def test_a_half_is_shown_in_english():
    with translation.override("en"):
        assert "first half" in planned_start_display((2026, None, 1)).lower()


def test_halves_sort_among_the_months_of_their_fiscal_year():
    starts = [
        (2027, None, None),
        (2026, 3, None),
        (2026, 10, None),
        (2026, None, 2),
        (2026, 9, None),
        (2026, 4, None),
        (2026, None, 1),
        (2026, None, None),
    ]
    assert sorted(starts, key=start_key) == [
        (2026, None, None),
        (2026, None, 1),
        (2026, 4, None),
        (2026, 9, None),
        (2026, None, 2),
        (2026, 10, None),
        (2026, 3, None),
        (2027, None, None),
    ]


def test_a_half_is_saved_and_a_half_with_a_month_is_refused(secretariat, candidate, kure):
    def save(**values):
        return services.adoption_update(
            user=secretariat,
            candidate=candidate,
            local_government=kure,
            version=None,
            values=V(status=Status.PLANNED, planned_start_fiscal_year=2026, **values),
        )

    with pytest.raises(ValidationError) as excinfo:
        save(planned_start_month=10, planned_start_half=2)
    assert "どちらか一方" in str(excinfo.value)
    row = save(planned_start_half=1)
    assert row.planned_start_display == "令和8年度上期"
    assert row.changes.get(field="planned_start").new_display == "令和8年度上期"


def test_the_database_refuses_a_half_with_a_month_or_without_a_year(candidate, kure):
    for values in (
        {"planned_start_fiscal_year": 2026, "planned_start_month": 4, "planned_start_half": 1},
        {"planned_start_half": 1},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Adoption.objects.create(candidate=candidate, local_government=kure, **values)


def test_moving_from_the_first_half_to_the_second_needs_a_reason(secretariat, candidate, kure):
    values = {"status": Status.PLANNED, "planned_start_fiscal_year": 2026}
    move = {"user": secretariat, "candidate": candidate, "local_government": kure}
    row = services.adoption_update(**move, version=None, values=V(**values, planned_start_half=1))
    with pytest.raises(ValidationError) as excinfo:
        services.adoption_update(
            **move, version=row.version, values=V(**values, planned_start_half=2)
        )
    assert "change_reason" in excinfo.value.message_dict


def test_the_form_offers_the_halves_beside_the_months(client, secretariat, candidate, kure):
    client.force_login(secretariat)
    url = reverse("adoption:edit", args=[candidate.pk, kure.code])
    assert "下期" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "status": Status.PLANNED,
            "planned_start_fiscal_year": "2026",
            "planned_start_month": "h2",
            "version": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    row = Adoption.objects.get()
    assert (row.planned_start_month, row.planned_start_half) == (None, 2)
    assert "令和8年度下期" in response.content.decode()
    edit = client.get(url).content.decode()
    assert 'value="h2" selected' in edit


@pytest.mark.parametrize(
    ("cell", "half"),
    [("令和8年度上期", 1), ("R8上期", 1), ("r8 下期", 2), ("2026年度下半期", 2), ("Ｒ８上期", 1)],
)
def test_the_survey_sheet_reads_a_half_as_officials_write_it(secretariat, candidate, cell, half):
    result = read(secretariat, candidate, csv_file(f"342025,呉市,利用予定,{cell},,,,"))
    assert result.errors == []
    values = result.answers[0].values
    assert (values.planned_start_fiscal_year, values.planned_start_month) == (2026, None)
    assert values.planned_start_half == half


def test_a_half_goes_out_in_the_sheet_and_comes_back_unchanged(
    secretariat, candidate, hiroshima_pref
):
    services.adoption_update(
        user=secretariat,
        candidate=candidate,
        local_government=hiroshima_pref,
        version=None,
        values=V(status=Status.PLANNED, planned_start_fiscal_year=2026, planned_start_half=2),
    )
    data = survey.survey_sheet(candidate=candidate, prefecture=hiroshima_pref)
    row = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))[1]
    assert (row[5], row[10]) == ("令和8年度下期", "2026-10-01")
    back = read(secretariat, candidate, data)
    assert back.errors == [] and back.changes == []
