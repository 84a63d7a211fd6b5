"""The rules of consultations: who opens them, who answers for whom, drafts, submission,
late and corrected answers, closing, and responses to opinions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from consultations import selectors, services
from consultations.models import (
    Answer,
    AnswerVersion,
    Opinion,
    Position,
    QuestionKind,
    ResponseKind,
    Route,
    SubjectKind,
)
from consultations.services import Addressees, OpinionValues
from core.concurrency import ConcurrentEditError
from municipalities.models import Association, Kind
from tests.consultations.conftest import (
    HIROSHIMA_CITY,
    HIROSHIMA_PREF,
    KURE,
    body,
    full_answer,
)

pytestmark = pytest.mark.django_db


def after_deadline():
    return time_machine.travel(dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC), tick=False)


def answer(user, consultation, code=KURE, *, submit=True, opinions=None, version=None, **kw):
    return services.answer_save(
        user=user,
        consultation=consultation,
        local_government=body(code),
        opinions=full_answer(consultation) if opinions is None else opinions,
        submit=submit,
        version=version,
        **kw,
    )


# Opening a consultation


def test_a_draft_list_asks_a_position_on_each_candidate_then_the_free_questions(
    consultation, candidates
):
    questions = list(consultation.questions.order_by("number"))
    assert [(q.number, q.kind, q.candidate) for q in questions] == [
        (1, QuestionKind.CANDIDATE, candidates[0]),
        (2, QuestionKind.CANDIDATE, candidates[1]),
        (3, QuestionKind.FREE, None),
    ]
    assert questions[2].text == "その他、共通化の進め方についての意見"


def test_only_the_secretariat_opens_a_consultation(make_consultation, ministry_mlit, kure_staff):
    for user in (ministry_mlit, kure_staff):
        with pytest.raises(PermissionDenied):
            make_consultation(user=user)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"deadline": dt.date(2026, 10, 1)}, "deadline"),
        ({"subject_kind": SubjectKind.POLICY_DRAFT}, "candidates"),  # two candidates
        ({"subject_kind": SubjectKind.DRAFT_LIST, "candidates": []}, "candidates"),
        ({"subject_kind": SubjectKind.FREE, "subject_text": ""}, "subject_text"),
        ({"addressees": Addressees()}, "to_all_local_governments"),
        ({"addressees": Addressees(kinds=["ward"])}, "to_kinds"),
    ],
)
def test_an_incomplete_consultation_is_refused(make_consultation, overrides, field):
    with pytest.raises(ValidationError) as refused:
        make_consultation(**overrides)
    assert field in refused.value.error_dict


def test_a_consultation_asks_kinds_prefectures_and_associations(make_consultation, mayors):
    consultation = make_consultation(
        addressees=Addressees(
            kinds=[Kind.DESIGNATED_CITY], prefectures=[body(HIROSHIMA_PREF)], associations=[mayors]
        )
    )
    codes = set(selectors.addressed_bodies(consultation).values_list("code", flat=True))
    assert {HIROSHIMA_PREF, KURE, HIROSHIMA_CITY, "011002"} <= codes  # 札幌市: designated
    assert "012025" not in codes  # 函館市: neither
    assert "011011" not in codes  # a ward never answers


# Answering


def test_a_draft_is_saved_but_nobody_reads_it_until_it_is_submitted(consultation, kure_staff):
    saved = answer(kure_staff, consultation, submit=False)
    assert saved.draft and saved.submitted_at is None
    assert not selectors.submitted_opinions(consultation=consultation).exists()
    assert not AnswerVersion.objects.exists()
    progress = selectors.consultation_progress(consultation=consultation)
    assert progress.total.answered == 0
    assert [r.status for r in progress.unanswered if r.code == KURE] == ["下書き"]


def test_a_submitted_answer_is_read_by_everyone_and_kept_as_version_1(consultation, kure_staff):
    saved = answer(kure_staff, consultation)
    assert saved.submitted_at is not None and not saved.is_late
    opinions = selectors.submitted_opinions(consultation=consultation)
    assert [o.position for o in opinions] == [Position.AGREE, Position.AGREE, ""]
    version = saved.versions.get()
    assert (version.number, version.is_late, version.submitted_by) == (1, False, kure_staff)


def test_a_late_answer_is_accepted_and_marked_late(consultation, kure_staff):
    with after_deadline():
        saved = answer(kure_staff, consultation)
    assert saved.is_late and saved.versions.get().is_late
    assert selectors.consultation_progress(consultation=consultation).total.late == 1


def test_a_correction_keeps_every_version_and_the_response_to_an_opinion(
    consultation, kure_staff, secretariat
):
    first = answer(kure_staff, consultation)
    free = consultation.questions.get(kind=QuestionKind.FREE)
    opinion = Opinion.objects.get(question=free)
    services.response_record(
        user=secretariat,
        consultation=consultation,
        opinion_ids=[opinion.pk],
        kind=ResponseKind.CONSIDER,
        text="標準化の進捗を踏まえて検討します。",
    )
    corrected = full_answer(consultation, text="標準化の完了後に、段階的に進めてほしい。")
    with after_deadline():  # a correction after the deadline is late; the answer was not
        second = answer(kure_staff, consultation, opinions=corrected, version=first.version)
    assert [v.number for v in second.versions.all()] == [2, 1]
    assert (
        second.versions.get(number=1).content[str(free.pk)]["text"]
        == "標準化の完了後に進めてほしい。"
    )
    assert second.versions.get(number=2).is_late and not second.is_late
    opinion.refresh_from_db()
    assert opinion.text == "標準化の完了後に、段階的に進めてほしい。"
    assert opinion.response.kind == ResponseKind.CONSIDER


def test_a_stale_correction_is_refused(consultation, kure_staff):
    first = answer(kure_staff, consultation)
    answer(kure_staff, consultation, version=first.version)
    with pytest.raises(ConcurrentEditError):
        answer(kure_staff, consultation, version=first.version)


def test_nothing_is_taken_once_the_consultation_is_closed(consultation, kure_staff, secretariat):
    first = answer(kure_staff, consultation)
    services.consultation_close(user=secretariat, consultation=consultation, version=None)
    for submit in (False, True):
        with pytest.raises(ValidationError):
            answer(kure_staff, consultation, submit=submit)
    assert Answer.objects.get().version == first.version


def test_nothing_is_taken_before_the_opening_date(make_consultation, kure_staff):
    later = make_consultation(opens_on=dt.date(2026, 12, 1), deadline=dt.date(2026, 12, 20))
    with pytest.raises(ValidationError):
        answer(kure_staff, later, submit=False)
    assert not Answer.objects.exists()


def test_a_submission_needs_a_position_on_each_candidate_and_a_reason_to_oppose(
    consultation, kure_staff
):
    first, second, _free = consultation.questions.order_by("number")
    opinions = {first.pk: OpinionValues(position=Position.OPPOSE)}
    with pytest.raises(ValidationError) as refused:
        answer(kure_staff, consultation, opinions=opinions)
    assert set(refused.value.error_dict) == {f"q{first.pk}_text", f"q{second.pk}_position"}
    answer(kure_staff, consultation, opinions=opinions, submit=False)  # a draft may be partial


def test_a_free_question_takes_no_position(consultation, kure_staff):
    free = consultation.questions.get(kind=QuestionKind.FREE)
    opinions = {**full_answer(consultation), free.pk: OpinionValues(position=Position.AGREE)}
    with pytest.raises(ValidationError):
        answer(kure_staff, consultation, opinions=opinions)


# Who answers for whom


def test_a_municipality_answers_only_for_itself(consultation, kure_staff):
    with pytest.raises(PermissionDenied):
        answer(kure_staff, consultation, HIROSHIMA_CITY)
    assert not Answer.objects.exists()


def test_a_prefecture_collects_its_municipalities_answers_when_routed_through_it(
    consultation, hiroshima_coordinator
):
    saved = answer(hiroshima_coordinator, consultation, KURE)
    assert saved.via_prefecture.code == HIROSHIMA_PREF
    own = answer(hiroshima_coordinator, consultation, HIROSHIMA_PREF)
    assert own.via_prefecture is None
    with pytest.raises(PermissionDenied):
        answer(hiroshima_coordinator, consultation, "011002")  # 札幌市: another prefecture


def test_a_prefecture_does_not_answer_for_its_municipalities_in_a_direct_consultation(
    make_consultation, hiroshima_coordinator
):
    direct = make_consultation(route=Route.DIRECT)
    with pytest.raises(PermissionDenied):
        answer(hiroshima_coordinator, direct, KURE)


def test_an_association_answers_for_itself_when_it_is_asked(
    consultation, mayors, mayors_staff, make_user
):
    saved = services.answer_save(
        user=mayors_staff,
        consultation=consultation,
        association=mayors,
        opinions=full_answer(consultation),
        submit=True,
        version=None,
    )
    assert saved.respondent_name == "全国市長会"
    towns = Association.objects.get(slug="towns-villages")
    with pytest.raises(PermissionDenied):  # not asked
        services.answer_save(
            user=mayors_staff,
            consultation=consultation,
            association=towns,
            opinions={},
            submit=False,
            version=None,
        )
    with pytest.raises(PermissionDenied):  # an association's staff is no local government
        answer(mayors_staff, consultation)


def test_the_secretariat_does_not_write_a_bodys_answer(consultation, secretariat):
    with pytest.raises(PermissionDenied):
        answer(secretariat, consultation)


# Responses


def test_one_response_answers_a_group_of_similar_opinions(
    consultation, kure_staff, hiroshima_coordinator, secretariat
):
    answer(kure_staff, consultation)
    answer(hiroshima_coordinator, consultation, HIROSHIMA_CITY)
    free = list(Opinion.objects.filter(question__kind=QuestionKind.FREE))
    response = services.response_record(
        user=secretariat,
        consultation=consultation,
        opinion_ids=[o.pk for o in free],
        kind=ResponseKind.REFLECT,
        text="標準化の完了時期を踏まえた工程とします。",
    )
    assert response.opinions.count() == 2
    rows = selectors.results_rows(consultation=consultation)
    assert [r.response for r in rows if r.section.startswith("その他")] == [
        "【反映する】標準化の完了時期を踏まえた工程とします。"
    ] * 2


def test_a_response_is_refused_for_a_draft_opinion_or_without_text(
    consultation, kure_staff, secretariat
):
    answer(kure_staff, consultation)
    opinion = Opinion.objects.first()
    with pytest.raises(ValidationError) as refused:
        services.response_record(
            user=secretariat,
            consultation=consultation,
            opinion_ids=[opinion.pk, 999999],
            kind="maybe",
            text=" ",
        )
    assert set(refused.value.error_dict) == {"opinions", "kind", "text"}


def test_the_responsible_ministry_responds_only_to_its_promotion_policy_draft(
    make_consultation, candidates, kure_staff, ministry_mlit, ministry_mhlw
):
    policy = make_consultation(subject_kind=SubjectKind.POLICY_DRAFT, candidates=candidates[:1])
    draft_list = make_consultation()
    for consultation in (policy, draft_list):
        answer(kure_staff, consultation)
    for user, consultation, allowed in (
        (ministry_mlit, policy, True),
        (ministry_mhlw, policy, False),
        (ministry_mlit, draft_list, False),
    ):
        opinion = Opinion.objects.filter(answer__consultation=consultation).first()
        values = {
            "user": user,
            "consultation": consultation,
            "opinion_ids": [opinion.pk],
            "kind": ResponseKind.NOT_REFLECT,
            "text": "現行の方針を維持します。",
        }
        if allowed:
            services.response_record(**values)
        else:
            with pytest.raises(PermissionDenied):
                services.response_record(**values)


# Reads


def test_progress_counts_rates_by_kind_and_prefecture(consultation, kure_staff, mayors_staff):
    answer(kure_staff, consultation)
    progress = selectors.consultation_progress(consultation=consultation)
    assert progress.total.addressed == 47 + 1741 and progress.total.answered == 1
    hiroshima = next(r for r in progress.by_prefecture if r.label == "広島県")
    assert (hiroshima.addressed, hiroshima.answered) == (24, 1)
    core_cities = next(r for r in progress.by_kind if r.label == "中核市")
    assert core_cities.answered == 1  # 呉市
    assert [(a.label, a.answered) for a in progress.associations] == [("全国市長会", 0)]
    assert len(progress.unanswered) == 47 + 1741 - 1 + 1


def test_the_candidate_page_reads_only_submitted_opinions(
    consultation, candidates, kure_staff, hiroshima_coordinator
):
    answer(kure_staff, consultation)
    answer(hiroshima_coordinator, consultation, HIROSHIMA_CITY, submit=False)
    opinions = selectors.candidate_opinions(candidate_id=candidates[0].pk)
    assert [o.answer.respondent_name for o in opinions] == ["広島県呉市"]


def test_a_coordinator_answers_for_its_prefecture_and_municipalities(
    consultation, hiroshima_coordinator, kure_staff
):
    answer(kure_staff, consultation, submit=False)
    respondents = selectors.respondents_for(user=hiroshima_coordinator, consultation=consultation)
    assert len(respondents) == 24 and respondents[0].code == HIROSHIMA_PREF
    assert next(r for r in respondents if r.code == KURE).status == "下書き"
    own = selectors.respondents_for(user=kure_staff, consultation=consultation)
    assert [r.code for r in own] == [KURE]
