"""Candidates fixtures: ministries, the two ministry personas, and a candidate walked to a stage."""

import datetime as dt

import pytest

from candidates import services
from candidates.demo import MEETING_OF_STAGE
from candidates.lifecycle import Stage, path_to
from candidates.models import Candidate, Ministry
from core.roles import Role
from tests.slips import slipped_milestone


@pytest.fixture(autouse=True)
def fixed_today(fixed_today):
    """Every candidates test runs on the fixed day of tests/conftest.py."""
    return fixed_today


@pytest.fixture
def mlit(db) -> Ministry:
    return Ministry.objects.create(name="国土交通省", name_en="MLIT", display_order=15)


@pytest.fixture
def mhlw(db) -> Ministry:
    return Ministry.objects.create(name="厚生労働省", name_en="MHLW", display_order=12)


@pytest.fixture
def ministry_mlit(make_user, mlit):
    return make_user("ministry_mlit", Role.MINISTRY_STAFF, ministry=mlit)


@pytest.fixture
def ministry_mhlw(make_user, mhlw):
    return make_user("ministry_mhlw", Role.MINISTRY_STAFF, ministry=mhlw)


@pytest.fixture
def make_candidate(secretariat, mlit):
    def make(
        name="道路占用許可システム", stage=Stage.SELECTED, ministry=None, fiscal_year=2025, **extra
    ) -> Candidate:
        candidate = services.candidate_create(
            user=secretariat,
            name=name,
            selected_fiscal_year=fiscal_year,
            lead_ministry=ministry or mlit,
            **extra,
        )
        day = dt.date(fiscal_year, 5, 1)
        for step in path_to(stage):
            # A body's decision cites its body (issue 18): a meeting named in free text, as
            # the demo does (a judgment the WT, a consent the council).
            services.candidate_transition(
                user=secretariat,
                candidate=candidate,
                to_stage=step,
                decided_on=day,
                meeting_text=MEETING_OF_STAGE.get(step, ""),
            )
            day += dt.timedelta(days=30)
        candidate.refresh_from_db()
        return candidate

    return make


@pytest.fixture
def candidate(make_candidate):
    return make_candidate(stage=Stage.IN_PROGRESS)


@pytest.fixture
def make_slip(secretariat, ministry_mlit):
    """A 要件定義 milestone baselined 2026-06-30 and moved by the ministry to 2026-09-30."""

    def make(candidate, reason="標準仕様書の改定に合わせるため", added_value="本人確認の追加"):
        return slipped_milestone(
            candidate=candidate,
            secretariat=secretariat,
            editor=ministry_mlit,
            reason=reason,
            added_value=added_value,
        )

    return make
