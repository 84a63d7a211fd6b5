"""The results page: submitted opinions filtered by question, position, response, prefecture
and words, paged, and the filtered list exported as the 意見照会結果 table."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from consultations import services
from consultations.models import Position, ResponseKind
from consultations.services import OpinionValues
from municipalities.models import LocalGovernment
from tests.consultations.conftest import KURE, SAPPORO, body, full_answer

pytestmark = pytest.mark.django_db


def submit(user, consultation, code, opinions):
    services.answer_write(
        user=user,
        consultation=consultation,
        local_government=body(code),
        opinions=opinions,
        submit=True,
        version=None,
        now=consultation.created_at,
    )


@pytest.fixture
def answered(consultation, secretariat):
    """呉市 agrees with everything; 札幌市 opposes the first candidate, which is answered."""
    first = consultation.questions.get(number=1)
    submit(secretariat, consultation, KURE, full_answer(consultation, "呉市の意見"))
    submit(
        secretariat,
        consultation,
        SAPPORO,
        {
            **full_answer(consultation, "札幌市の意見"),
            first.pk: OpinionValues(position=Position.OPPOSE, text="独自機能が必要"),
        },
    )
    services.response_record(
        user=secretariat,
        consultation=consultation,
        opinion_ids=[first.opinions.get(position=Position.OPPOSE).pk],
        kind=ResponseKind.NOT_REFLECT,
        text="標準機能で対応します。",
    )
    return consultation


def page(client, consultation, **params):
    return client.get(reverse("consultations:opinions", args=[consultation.pk]), params)


def respondents(response) -> list[str]:
    return [o.answer.respondent_name for o in response.context["page"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["広島県呉市", "北海道札幌市"] * 3),
        ({"question": "1"}, ["広島県呉市", "北海道札幌市"]),
        ({"position": "oppose"}, ["北海道札幌市"]),
        ({"response": "none", "question": "1"}, ["広島県呉市"]),
        ({"response": "not_reflect"}, ["北海道札幌市"]),
        ({"prefecture": "34"}, ["広島県呉市"] * 3),
        ({"prefecture": "association"}, []),
        ({"q": "独自機能"}, ["北海道札幌市"]),
        ({"q": "札幌"}, ["北海道札幌市"] * 3),
    ],
)
def test_the_results_page_filters_the_opinions(client, answered, wt_member, params, expected):
    client.force_login(wt_member)
    response = page(client, answered, **params)
    assert response.status_code == 200
    got = respondents(response)
    assert sorted(got) == sorted(expected)


def test_a_bad_filter_is_a_400_not_a_500(client, answered, wt_member):
    client.force_login(wt_member)
    assert page(client, answered, question="x").status_code == 400
    assert page(client, answered, position="maybe").status_code == 400


def test_the_filtered_list_is_exported_as_the_results_table(client, answered, wt_member):
    client.force_login(wt_member)
    response = page(client, answered, position="oppose", format="xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("番号", "団体名", "該当箇所", "意見の概要", "対応")
    assert rows[1][1:] == (
        "北海道札幌市",
        "道路占用許可システム",
        "【反対】独自機能が必要",
        "【反映しない】標準機能で対応します。",
    )
    csv = page(client, answered, q="呉", format="csv").content.decode("utf-8-sig")
    assert csv.count("広島県呉市") == 3 and "札幌" not in csv


def test_the_results_page_is_paged_in_a_fixed_number_of_queries(
    client, consultation, secretariat, wt_member
):
    bodies = LocalGovernment.objects.filter(code__startswith="34", kind="town").order_by("code")
    codes = [b.code for b in bodies[:3]]
    for code in codes[:1]:
        submit(secretariat, consultation, code, full_answer(consultation))
    client.force_login(wt_member)
    page(client, consultation)
    with CaptureQueriesContext(connection) as few:
        page(client, consultation)
    for code in codes[1:]:
        submit(secretariat, consultation, code, full_answer(consultation))
    with CaptureQueriesContext(connection) as more:
        response = page(client, consultation)
    assert len(more) == len(few)
    assert len(respondents(response)) == 3 * len(codes)


def test_the_results_page_shows_fifty_opinions_a_page(client, consultation, secretariat, wt_member):
    bodies = LocalGovernment.objects.filter(code__startswith="01", kind="town").order_by("code")
    for b in bodies[:17]:  # 17 bodies × 3 questions = 51 opinions
        submit(secretariat, consultation, b.code, full_answer(consultation))
    client.force_login(wt_member)
    first, second = page(client, consultation), page(client, consultation, page="2")
    assert len(respondents(first)) == 50 and len(respondents(second)) == 1
    assert "page=2" in first.content.decode()


def test_the_migration_fills_in_the_results_order_of_existing_opinions(answered, mayors):
    import importlib

    from django.apps import apps

    from consultations.models import Opinion

    services.answer_write(
        user=answered.created_by,
        consultation=answered,
        association=mayors,
        opinions=full_answer(answered),
        submit=True,
        version=None,
        now=answered.created_at,
    )
    written = dict(Opinion.objects.values_list("pk", "sort_key"))
    assert all(written.values())
    Opinion.objects.update(consultation=None, sort_key="")
    migration = importlib.import_module("consultations.migrations.0003_opinion_results_order")
    migration.backfill(apps, None)
    assert dict(Opinion.objects.values_list("pk", "sort_key")) == written
    assert not Opinion.objects.exclude(consultation=answered).exists()
    order = [
        o.answer.respondent_name
        for o in Opinion.objects.filter(question__number=1).order_by("sort_key")
    ]
    assert order == ["北海道札幌市", "広島県呉市", "全国市長会"]  # by code, associations last


def test_the_consultation_page_shows_twenty_opinions_a_question_and_links_to_the_rest(
    client, consultation, secretariat, wt_member
):
    bodies = LocalGovernment.objects.filter(code__startswith="01", kind="town").order_by("code")
    for b in bodies[:21]:
        submit(secretariat, consultation, b.code, full_answer(consultation))
    client.force_login(wt_member)
    response = client.get(consultation.get_absolute_url())
    groups = response.context["groups"]
    assert [(len(g.opinions), g.total) for g in groups] == [(20, 21)] * 3
    assert response.context["opinion_count"] == 63
    assert f"{reverse('consultations:opinions', args=[consultation.pk])}?question=1" in (
        response.content.decode()
    )
