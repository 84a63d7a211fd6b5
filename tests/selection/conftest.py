"""Selection fixtures: a 令和8年度 round with two drafts, a council meeting, and the local side
that sends proposals (呉市, 広島県 and 全国市長会)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.roles import Role
from hearings.models import MeetingKind
from municipalities.models import Association, LocalGovernment
from selection import services
from selection.models import ProposalStatus
from tests.candidates.conftest import (  # noqa: F401 - fixtures shared with candidates tests
    fixed_today,
    mlit,
)
from tests.factories import MeetingFactory

KURE, HIROSHIMA_PREF = "342025", "340006"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def kure_staff(make_user):
    return make_user(
        "kure", Role.LOCAL_GOVERNMENT_STAFF, local_government=LocalGovernment.objects.get(code=KURE)
    )


@pytest.fixture
def hiroshima_staff(make_user):
    return make_user(
        "hiroshima",
        Role.LOCAL_GOVERNMENT_STAFF,
        local_government=LocalGovernment.objects.get(code=HIROSHIMA_PREF),
        coordinates_municipalities=True,
    )


@pytest.fixture
def mayors_staff(make_user):
    return make_user(
        "mayors", Role.ASSOCIATION_STAFF, association=Association.objects.get(slug="mayors")
    )


@pytest.fixture
def council_meeting(db):
    return MeetingFactory.create(
        kind=MeetingKind.COUNCIL, title="第3回連絡協議会", date=dt.date(2026, 11, 10)
    )


@pytest.fixture
def selection_round(secretariat, fixed_today):  # noqa: F811
    return services.round_create(user=secretariat, fiscal_year=2026)


@pytest.fixture
def drafts(secretariat, selection_round, mlit):  # noqa: F811
    return [
        services.round_draft_add(
            user=secretariat, selection_round=selection_round, name=name, lead_ministry=mlit
        )
        for name in ("道路台帳システム", "屋外広告物許可システム")
    ]


def assess(user, draft, outcome, reason=""):
    return services.round_draft_assess(
        user=user,
        draft=draft,
        version=None,
        effect_assessment="事務の効率化が見込まれる",
        feasibility_assessment="業務の差異は小さい",
        outcome=outcome,
        outcome_reason=reason,
    )


def propose(user, **overrides):
    values = {
        "user": user,
        "title": "住宅耐震化助成事務の共通化",
        "concerns": "住宅耐震化助成事務",
        "text": "各市で同じ事務を個別のシステムで行っている。",
        **overrides,
    }
    return services.proposal_submit(**values)


def draft_from(user, proposal, selection_round, lead_ministry):
    """Triage a proposal into a new draft of the round."""
    return services.proposal_triage(
        user=user,
        proposal=proposal,
        version=None,
        status=ProposalStatus.DRAFTED,
        selection_round=selection_round,
        lead_ministry=lead_ministry,
    )
