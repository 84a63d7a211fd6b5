"""Adoption fixtures: the candidates personas (ministries, a candidate) and real bodies."""

import pytest

from municipalities.models import LocalGovernment
from tests.candidates.conftest import (  # noqa: F401 - fixtures shared with candidates tests
    candidate,
    fixed_today,
    make_candidate,
    mhlw,
    ministry_mhlw,
    ministry_mlit,
    mlit,
)


def body(code: str) -> LocalGovernment:
    return LocalGovernment.objects.select_related("prefecture", "parent").get(code=code)


@pytest.fixture
def sapporo(db) -> LocalGovernment:
    return body("011002")


@pytest.fixture
def hokkaido(db) -> LocalGovernment:
    return body("010006")


@pytest.fixture
def sapporo_chuo(db) -> LocalGovernment:
    return body("011011")


@pytest.fixture
def hiroshima_pref(db) -> LocalGovernment:
    return body("340006")


@pytest.fixture
def kure(db) -> LocalGovernment:
    return body("342025")
