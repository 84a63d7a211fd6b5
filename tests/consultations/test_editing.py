"""Editing a consultation: anything before it opens; once open, the title, the purpose, a
later deadline and (while nobody has answered) the free questions; nothing once closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from consultations import services
from consultations.models import Consultation, Route, SubjectKind
from consultations.services import Addressees
from tests.consultations.conftest import KURE, body, full_answer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)  # tests/conftest.py fixed_today


def current_values(consultation: Consultation) -> dict:
    questions = list(consultation.questions.order_by("number"))
    return {
        "title": consultation.title,
        "subject_kind": consultation.subject_kind,
        "candidates": [q.candidate for q in questions if q.candidate_id],
        "subject_text": consultation.subject_text,
        "description": consultation.description,
        "free_questions": [q.text for q in questions if not q.candidate_id],
        "opens_on": consultation.opens_on,
        "deadline": consultation.deadline,
        "route": consultation.route,
        "addressees": Addressees(
            consultation.to_all_local_governments,
            consultation.to_kinds,
            list(consultation.to_prefectures.all()),
            list(consultation.to_associations.all()),
        ),
    }


def update(user, consultation, **changes):
    return services.consultation_update(
        user=user,
        consultation=consultation,
        version=None,
        **{**current_values(consultation), **changes},
    )


def refusal(user, consultation, **changes) -> dict:
    with pytest.raises(ValidationError) as refused:
        update(user, consultation, **changes)
    return refused.value.message_dict


@pytest.fixture
def not_open(make_consultation):
    return make_consultation(opens_on=TODAY + dt.timedelta(days=3), deadline=dt.date(2026, 12, 31))


def test_before_it_opens_everything_may_change(not_open, secretariat, candidates, mayors):
    updated = update(
        secretariat,
        not_open,
        subject_kind=SubjectKind.FREE,
        subject_text="共通化の進め方",
        free_questions=["進め方について", "費用について"],
        opens_on=TODAY + dt.timedelta(days=10),
        route=Route.DIRECT,
        addressees=Addressees(kinds=["prefecture"]),
    )
    assert [q.text for q in updated.questions.order_by("number")] == [
        "進め方について",
        "費用について",
    ]
    assert updated.route == Route.DIRECT and updated.to_kinds == ["prefecture"]
    assert updated.version == not_open.version + 1


def test_once_open_the_title_purpose_and_a_later_deadline_change(consultation, secretariat):
    updated = update(
        secretariat,
        consultation,
        title="（延長）意見照会",
        description="期限を延長しました。",
        deadline=dt.date(2026, 12, 15),
    )
    assert (updated.title, updated.deadline) == ("（延長）意見照会", dt.date(2026, 12, 15))


def test_once_open_the_deadline_is_never_brought_forward(consultation, secretariat):
    errors = refusal(secretariat, consultation, deadline=dt.date(2026, 11, 28))
    assert errors == {"deadline": ["照会開始後は回答期限を早められません（延長のみできます）。"]}


@pytest.mark.parametrize(
    ("change", "field", "what"),
    [
        ({"opens_on": dt.date(2026, 10, 1)}, "opens_on", "照会開始日"),
        ({"route": Route.DIRECT}, "route", "照会経路"),
        ({"addressees": Addressees(kinds=["prefecture"])}, "to_all_local_governments", "照会先"),
        ({"subject_kind": SubjectKind.FREE, "subject_text": "別件"}, "subject_kind", "照会の対象"),
    ],
)
def test_once_open_the_rest_is_fixed(consultation, secretariat, change, field, what):
    errors = refusal(secretariat, consultation, **change)
    assert f"照会開始後は{what}を変更できません。" in errors[field]


def test_free_questions_change_until_someone_answers(consultation, secretariat, kure_staff):
    updated = update(secretariat, consultation, free_questions=["費用負担について"])
    assert updated.questions.get(number=3).text == "費用負担について"
    services.answer_save(
        user=kure_staff,
        consultation=updated,
        local_government=body(KURE),
        opinions=full_answer(updated),
        submit=False,
        version=None,
    )
    errors = refusal(secretariat, updated, free_questions=["また別の設問"])
    assert errors["free_questions"] == [
        "回答（下書きを含む）があるため、設問（対象の候補・自由記述の設問）は変更できません。"
    ]


def test_a_closed_consultation_is_not_changed(consultation, secretariat):
    services.consultation_close(user=secretariat, consultation=consultation, version=None)
    with pytest.raises(ValidationError, match="締め切られた意見照会は変更できません。"):
        update(secretariat, consultation, title="変更")


def test_only_the_secretariat_edits(consultation, wt_member):
    with pytest.raises(PermissionDenied):
        update(wt_member, consultation, title="変更")


def test_the_edit_page_saves_a_deadline_extension(client, consultation, secretariat):
    client.force_login(secretariat)
    url = reverse("consultations:edit", args=[consultation.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v not in (None, [], False)}
    data["candidates"] = [c.pk for c in data["candidates"]]
    data["to_associations"] = [a.pk for a in data["to_associations"]]
    data["to_all_local_governments"] = "on"
    data["deadline"] = "2026-12-20"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    consultation.refresh_from_db()
    assert consultation.deadline == dt.date(2026, 12, 20)
    data["deadline"] = "2026-11-25"  # stale version and an earlier deadline: refused, 400
    assert client.post(url, data).status_code == 400
