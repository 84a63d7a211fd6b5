"""A council with two ministries' staff (addresses set), the secretariat, a 呉市 official and
全国市長会's secretariat; candidates whose milestones are overdue, soon due or far off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from candidates.lifecycle import Stage
from candidates.models import Candidate, Milestone, MilestoneKind, Ministry
from core.models import User
from core.roles import Role
from municipalities.models import Association, LocalGovernment
from tests.factories import CandidateFactory, MilestoneFactory

KURE = "342025"


@dataclass
class World:
    users: dict[str, User]
    ministries: dict[str, Ministry]
    candidates: dict[str, Candidate]
    milestones: dict[str, Milestone]


@pytest.fixture(autouse=True)
def tasks_in_process():
    """Notices are sent in-process even where a broker is configured (CI's second pass): their
    rows live in the test's uncommitted transaction, which a real worker cannot read."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://kyotsuka.example.go.jp"


@pytest.fixture
def world(fixed_today, make_user) -> World:
    mlit = Ministry.objects.create(name="国土交通省")
    mhlw = Ministry.objects.create(name="厚生労働省")
    users = {
        "secretariat": make_user(
            "secretariat", Role.SECRETARIAT, email="jimukyoku@example.go.jp", display_name="事務局"
        ),
        "secretariat_2": make_user("secretariat_2", Role.SECRETARIAT, email="s2@example.go.jp"),
        "ministry_a": make_user(
            "ministry_a", Role.MINISTRY_STAFF, ministry=mlit, email="a@mlit.example.go.jp"
        ),
        "ministry_a_en": make_user(
            "ministry_a_en", Role.MINISTRY_STAFF, ministry=mlit, email="en@mlit.example.go.jp"
        ),
        "ministry_b": make_user(
            "ministry_b", Role.MINISTRY_STAFF, ministry=mhlw, email="b@mhlw.example.go.jp"
        ),
        "no_address": make_user("no_address", Role.MINISTRY_STAFF, ministry=mlit),
        "no_role": make_user("no_role", email="nobody@example.go.jp"),
        "wt_member": make_user("wt_member", Role.WT_MEMBER, email="wt@example.go.jp"),
        "municipality": make_user(
            "municipality",
            Role.LOCAL_GOVERNMENT_STAFF,
            local_government=LocalGovernment.objects.get(code=KURE),
            email="kure@example.lg.jp",
        ),
        "association": make_user(
            "association",
            Role.ASSOCIATION_STAFF,
            association=Association.objects.get(slug="mayors"),
            email="mayors@example.or.jp",
        ),
    }
    candidates = {
        "housing": CandidateFactory.create(
            name="公営住宅管理システム", lead_ministry=mlit, stage=Stage.IN_PROGRESS
        ),
        "welfare": CandidateFactory.create(
            name="介護保険システム", lead_ministry=mhlw, stage=Stage.IN_PROGRESS
        ),
    }
    milestones = {
        "overdue": MilestoneFactory.create(
            candidate=candidates["housing"],
            kind=MilestoneKind.REQUIREMENTS,
            baseline_date=dt.date(2026, 9, 30),
            planned_date=dt.date(2026, 10, 31),
        ),
        "soon": MilestoneFactory.create(
            candidate=candidates["housing"],
            kind=MilestoneKind.PROCUREMENT,
            baseline_date=dt.date(2026, 12, 1),
            planned_date=dt.date(2026, 12, 1),
        ),
        "far": MilestoneFactory.create(
            candidate=candidates["welfare"],
            kind=MilestoneKind.PILOT,
            baseline_date=dt.date(2027, 6, 30),
            planned_date=dt.date(2027, 6, 30),
        ),
    }
    return World(users, {"mlit": mlit, "mhlw": mhlw}, candidates, milestones)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as if its transaction committed: the notices it wrote are sent."""

    def run(function, /, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
