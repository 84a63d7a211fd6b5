"""The consultation pages: opening one, answering (draft, then submit), responding, progress
and results downloads, and the opinions on the candidate page."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from consultations import services
from consultations.models import Answer, Consultation, Opinion, QuestionKind, ResponseKind
from tests.consultations.conftest import HIROSHIMA_CITY, KURE, body, full_answer

pytestmark = pytest.mark.django_db


def answer_url(consultation, code=KURE):
    return reverse("consultations:answer_body", args=[consultation.pk, code])


def answer_post(consultation, *, action, text="標準化の完了後に進めてほしい。", version=0):
    data = {"version": version, "action": action}
    for question in consultation.questions.all():
        if question.asks_position:
            data[f"q{question.pk}_position"] = "agree"
        else:
            data[f"q{question.pk}_text"] = text
    return data


def submit(user, consultation, code=KURE, text=""):
    return services.answer_save(
        user=user,
        consultation=consultation,
        local_government=body(code),
        opinions=full_answer(consultation, text),
        submit=True,
        version=None,
    )


def test_the_secretariat_opens_a_consultation_from_the_form(client, secretariat, candidates):
    client.force_login(secretariat)
    assert client.get(reverse("consultations:create")).status_code == 200
    response = client.post(
        reverse("consultations:create"),
        {
            "title": "公営住宅管理システム推進方針案に関する意見照会",
            "subject_kind": "policy_draft",
            "candidates": [candidates[1].pk],
            "free_questions": "スケジュールについて\n費用負担について",
            "opens_on": "2026-11-20",
            "deadline": "2026-12-18",
            "route": "direct",
            "to_kinds": ["core_city"],
            "to_associations": [],
        },
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == consultation.get_absolute_url()
    assert consultation.questions.count() == 3
    page = client.get(consultation.get_absolute_url())
    assert "スケジュールについて" in page.content.decode()


def test_an_incomplete_consultation_form_says_what_is_missing(client, secretariat, candidates):
    client.force_login(secretariat)
    response = client.post(
        reverse("consultations:create"),
        {
            "title": "照会",
            "subject_kind": "policy_draft",
            "candidates": [c.pk for c in candidates],
            "opens_on": "2026-11-20",
            "deadline": "2026-11-01",
            "route": "direct",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "推進方針案の照会には、候補を1件だけ選んでください。" in text
    assert "回答期限は照会開始日以降の日付にしてください。" in text
    assert not Consultation.objects.exists()


def test_a_municipality_saves_a_draft_that_only_it_reads_then_submits(
    client, consultation, kure_staff, wt_member
):
    client.force_login(kure_staff)
    response = client.post(
        answer_url(consultation), answer_post(consultation, action="draft", text="下書きの意見")
    )
    assert response.status_code == 302
    assert "下書きの意見" in client.get(answer_url(consultation)).content.decode()

    client.force_login(wt_member)
    assert "下書きの意見" not in client.get(consultation.get_absolute_url()).content.decode()

    client.force_login(kure_staff)
    version = Answer.objects.get().version
    client.post(
        answer_url(consultation),
        answer_post(consultation, action="submit", text="提出した意見", version=version),
    )
    answer = Answer.objects.get()
    assert answer.is_submitted and answer.versions.count() == 1
    client.force_login(wt_member)
    assert "提出した意見" in client.get(consultation.get_absolute_url()).content.decode()


def test_a_submission_with_a_missing_position_is_shown_with_its_error(
    client, consultation, kure_staff
):
    client.force_login(kure_staff)
    data = answer_post(consultation, action="submit")
    first = consultation.questions.order_by("number").first()
    data[f"q{first.pk}_position"] = ""
    response = client.post(answer_url(consultation), data)
    assert response.status_code == 400
    assert "賛否を選んでください。" in response.content.decode()
    assert not Answer.objects.exists()


def test_the_answer_form_is_gone_once_the_consultation_is_closed(
    client, consultation, kure_staff, secretariat
):
    submit(kure_staff, consultation)
    client.force_login(secretariat)
    client.post(reverse("consultations:close", args=[consultation.pk]))
    client.force_login(kure_staff)
    page = client.get(answer_url(consultation)).content.decode()
    assert "締め切られました" in page and 'value="submit"' not in page
    response = client.post(answer_url(consultation), answer_post(consultation, action="submit"))
    assert response.status_code == 400
    assert Answer.objects.get().versions.count() == 1


def test_the_secretariat_responds_to_two_similar_opinions_at_once(
    client, consultation, kure_staff, hiroshima_coordinator, secretariat
):
    submit(kure_staff, consultation)
    submit(hiroshima_coordinator, consultation, HIROSHIMA_CITY)
    free = Opinion.objects.filter(question__kind=QuestionKind.FREE)
    client.force_login(secretariat)
    response = client.post(
        reverse("consultations:respond", args=[consultation.pk]),
        {"opinions": [o.pk for o in free], "kind": "consider", "text": "工程表で検討します。"},
    )
    assert response.status_code == 302
    assert {o.response.kind for o in free.all()} == {ResponseKind.CONSIDER}


def test_a_response_without_opinions_is_refused_on_the_page(client, consultation, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("consultations:respond", args=[consultation.pk]),
        {"kind": "consider", "text": "検討します。"},
    )
    assert response.status_code == 400


def test_progress_lists_the_bodies_to_remind_in_csv_and_xlsx(client, consultation, kure_staff):
    submit(kure_staff, consultation)
    client.force_login(kure_staff)
    page = client.get(reverse("consultations:progress", args=[consultation.pk]))
    assert page.status_code == 200 and "広島県" in page.content.decode()
    csv = client.get(reverse("consultations:progress", args=[consultation.pk]) + "?format=csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "団体コード,団体名,区分,都道府県,状況"
    assert len(lines) == 1 + 47 + 1741 - 1 + 1  # everyone but 呉市, and 全国市長会
    assert not any(line.startswith(KURE) for line in lines)
    xlsx = client.get(reverse("consultations:progress", args=[consultation.pk]) + "?format=xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == len(lines)


def test_the_results_table_is_the_published_form(client, consultation, kure_staff, secretariat):
    submit(kure_staff, consultation, text="標準化の後に")
    opinion = Opinion.objects.get(question__kind=QuestionKind.FREE)
    services.response_record(
        user=secretariat,
        consultation=consultation,
        opinion_ids=[opinion.pk],
        kind=ResponseKind.REFLECT,
        text="工程に反映します。",
    )
    client.force_login(secretariat)
    response = client.get(reverse("consultations:results", args=[consultation.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("番号", "団体名", "該当箇所", "意見の概要", "対応")
    assert rows[1] == (1, "広島県呉市", "道路占用許可システム", "【賛成】", None)
    assert rows[3] == (
        3,
        "広島県呉市",
        "その他、共通化の進め方についての意見",
        "標準化の後に",
        "【反映する】工程に反映します。",
    )


def test_the_candidate_page_shows_the_opinions_about_it(
    client, consultation, candidates, kure_staff, wt_member
):
    submit(kure_staff, consultation)
    client.force_login(wt_member)
    page = client.get(candidates[0].get_absolute_url()).content.decode()
    assert "意見照会での意見" in page and "広島県呉市" in page


def test_the_consultation_page_reads_a_fixed_number_of_queries(
    client, consultation, secretariat, make_user
):
    from core.roles import Role
    from municipalities.models import LocalGovernment

    client.force_login(secretariat)
    url = consultation.get_absolute_url()
    bodies = LocalGovernment.objects.municipalities().order_by("code")

    def count(n_answers):
        for lg in bodies[:n_answers]:
            if not Answer.objects.filter(local_government=lg).exists():
                user = make_user(f"u{lg.code}", Role.LOCAL_GOVERNMENT_STAFF, local_government=lg)
                submit(user, consultation, lg.code)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(2) == count(8)


def test_the_candidate_page_reads_its_opinions_in_one_query_whatever_their_number(
    client, consultation, candidates, wt_member, make_user
):
    from core.roles import Role
    from municipalities.models import LocalGovernment

    client.force_login(wt_member)
    url = candidates[0].get_absolute_url()
    bodies = LocalGovernment.objects.municipalities().order_by("code")

    def count(n_answers):
        for lg in bodies[:n_answers]:
            if not Answer.objects.filter(local_government=lg).exists():
                user = make_user(f"u{lg.code}", Role.LOCAL_GOVERNMENT_STAFF, local_government=lg)
                submit(user, consultation, lg.code)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(1) == count(6)


def test_the_answer_page_shows_what_each_submitted_version_said(client, consultation, kure_staff):
    first = submit(kure_staff, consultation, text="最初の意見")
    services.answer_save(
        user=kure_staff,
        consultation=consultation,
        local_government=body(KURE),
        opinions=full_answer(consultation, "修正した意見"),
        submit=True,
        version=first.version,
    )
    client.force_login(kure_staff)
    page = client.get(answer_url(consultation)).content.decode()
    assert "第2版" in page and "第1版" in page
    assert page.index("修正した意見") < page.index("最初の意見")  # newest first, both kept
