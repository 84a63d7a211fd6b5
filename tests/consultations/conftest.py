"""Consultation fixtures: a draft list of two candidates asked of every local government
through prefectures and of two associations, and the people who answer it."""

from __future__ import annotations

import datetime as dt

import pytest

from consultations import services
from consultations.models import Consultation, Position, Route, SubjectKind
from consultations.services import Addressees, OpinionValues
from core.roles import Role
from municipalities.models import Association, LocalGovernment
from tests.candidates.conftest import (  # noqa: F401 - fixtures shared with candidates tests
    fixed_today,
    mhlw,
    ministry_mhlw,
    ministry_mlit,
    mlit,
)
from tests.factories import CandidateFactory

KURE, HIROSHIMA_CITY, HIROSHIMA_PREF, SAPPORO = "342025", "341002", "340006", "011002"
OPENS_ON, DEADLINE = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def body(code: str) -> LocalGovernment:
    return LocalGovernment.objects.select_related("prefecture").get(code=code)


@pytest.fixture
def candidates(mlit):  # noqa: F811 - the imported fixture
    return [
        CandidateFactory.create(name="道路占用許可システム", lead_ministry=mlit),
        CandidateFactory.create(name="公営住宅管理システム", lead_ministry=mlit),
    ]


@pytest.fixture
def mayors(db) -> Association:
    return Association.objects.get(slug="mayors")


@pytest.fixture
def make_consultation(secretariat, candidates, mayors):
    def make(**overrides) -> Consultation:
        values = {
            "user": secretariat,
            "title": "令和8年度共通化の対象候補案に関する意見照会",
            "subject_kind": SubjectKind.DRAFT_LIST,
            "candidates": candidates,
            "free_questions": ["その他、共通化の進め方についての意見"],
            "opens_on": OPENS_ON,
            "deadline": DEADLINE,
            "route": Route.PREFECTURE,
            "addressees": Addressees(all_local_governments=True, associations=[mayors]),
            **overrides,
        }
        return services.consultation_create(**values)

    return make


@pytest.fixture
def consultation(make_consultation) -> Consultation:
    return make_consultation()


@pytest.fixture
def kure_staff(make_user):
    return make_user("municipality_kure", Role.LOCAL_GOVERNMENT_STAFF, local_government=body(KURE))


@pytest.fixture
def hiroshima_coordinator(make_user):
    return make_user(
        "prefecture_hiroshima",
        Role.LOCAL_GOVERNMENT_STAFF,
        local_government=body(HIROSHIMA_PREF),
        coordinates_municipalities=True,
    )


@pytest.fixture
def mayors_staff(make_user, mayors):
    return make_user("association_shichokai", Role.ASSOCIATION_STAFF, association=mayors)


def full_answer(consultation: Consultation, text: str = "") -> dict[int, OpinionValues]:
    """A complete answer: agree to every candidate, and a free-text opinion."""
    answer = {}
    for question in consultation.questions.all():
        if question.asks_position:
            answer[question.pk] = OpinionValues(position=Position.AGREE)
        else:
            answer[question.pk] = OpinionValues(text=text or "標準化の完了後に進めてほしい。")
    return answer
