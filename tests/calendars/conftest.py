"""A council's calendar: two ministries' candidates with milestones, meetings that decided,
discussed, heard or were attended by someone, and consultations asked of different bodies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from calendars import services
from candidates.lifecycle import Stage
from candidates.models import Candidate, LifecycleTransition, Milestone, MilestoneKind, Ministry
from consultations import services as consultation_services
from consultations.models import Consultation, SubjectKind
from consultations.services import Addressees
from core.models import User
from core.roles import Role
from hearings.models import Meeting
from municipalities.models import Association, LocalGovernment
from tests.factories import (
    AgendaItemFactory,
    AttendeeFactory,
    CandidateFactory,
    MeetingFactory,
    MilestoneFactory,
)

KURE, HIROSHIMA_PREF, HOKKAIDO = "342025", "340006", "010006"


@dataclass
class World:
    users: dict[str, User]
    candidates: dict[str, Candidate]
    milestones: dict[str, Milestone]
    meetings: dict[str, Meeting]
    consultations: dict[str, Consultation]


def uids(feed: icalendar.Calendar) -> set[str]:
    return {str(event["UID"]) for event in feed.walk("VEVENT")}


def event(feed: icalendar.Calendar, uid: str) -> icalendar.cal.Component:
    return next(e for e in feed.walk("VEVENT") if str(e["UID"]) == uid)


def mine_url(token: str) -> str:
    return reverse("calendars:mine", kwargs={"token": token})


def fetch(url: str) -> icalendar.Calendar:
    """The feed as a calendar client gets it: no session."""
    response = Client().get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def consultation(secretariat, title: str, deadline: dt.date, addressees: Addressees, **extra):
    return consultation_services.consultation_create(
        user=secretariat,
        title=title,
        subject_kind=extra.pop("subject_kind", SubjectKind.FREE),
        subject_text="進め方",
        free_questions=["進め方について"],
        opens_on=dt.date(2026, 11, 1),
        deadline=deadline,
        addressees=addressees,
        **extra,
    )


@pytest.fixture
def world(fixed_today, make_user, secretariat, wt_member) -> World:
    mlit = Ministry.objects.create(name="国土交通省")
    mhlw = Ministry.objects.create(name="厚生労働省")
    mayors = Association.objects.get(slug="mayors")
    users = {
        "secretariat": secretariat,
        "wt_member": wt_member,
        "ministry_a": make_user("ministry_a", Role.MINISTRY_STAFF, ministry=mlit),
        "ministry_b": make_user("ministry_b", Role.MINISTRY_STAFF, ministry=mhlw),
        "municipality": make_user(
            "municipality",
            Role.LOCAL_GOVERNMENT_STAFF,
            local_government=LocalGovernment.objects.get(code=KURE),
        ),
        "association": make_user("association", Role.ASSOCIATION_STAFF, association=mayors),
    }
    candidates = {
        "housing": CandidateFactory.create(name="公営住宅管理システム", lead_ministry=mlit),
        "welfare": CandidateFactory.create(name="介護保険システム", lead_ministry=mhlw),
        "shared": CandidateFactory.create(name="道路占用許可システム", lead_ministry=mhlw),
        "ended": CandidateFactory.create(
            name="見送り システム", lead_ministry=mlit, stage=Stage.JUDGED_NOT_PURSUED
        ),
    }
    candidates["shared"].co_ministries.add(mlit)
    milestones = {
        # Planned a month after its baseline and not reached by 2026-11-24: overdue, slipped.
        "overdue": MilestoneFactory.create(
            candidate=candidates["housing"],
            kind=MilestoneKind.REQUIREMENTS,
            baseline_date=dt.date(2026, 9, 30),
            planned_date=dt.date(2026, 10, 31),
        ),
        "done": MilestoneFactory.create(
            candidate=candidates["housing"],
            kind=MilestoneKind.PROCUREMENT,
            baseline_date=dt.date(2026, 6, 30),
            actual_date=dt.date(2026, 6, 30),
        ),
        "undated": MilestoneFactory.create(
            candidate=candidates["housing"],
            kind=MilestoneKind.PILOT,
            baseline_date=None,
            planned_date=None,
        ),
        "welfare": MilestoneFactory.create(candidate=candidates["welfare"]),
        "shared": MilestoneFactory.create(candidate=candidates["shared"]),
        "ended": MilestoneFactory.create(candidate=candidates["ended"]),
    }
    meetings = {
        "decided": MeetingFactory.create(
            title="第9回ワーキングチーム",
            date=dt.date(2026, 2, 4),
            start_time=dt.time(14, 0),
            end_time=dt.time(16, 0),
            place="中央合同庁舎",
        ),
        "welfare": MeetingFactory.create(title="第10回ワーキングチーム", date=dt.date(2026, 3, 4)),
        "kure": MeetingFactory.create(title="第3回連絡協議会", date=dt.date(2026, 5, 20)),
        "mayors": MeetingFactory.create(
            title="全国市長会ヒアリング", kind="hearing", association=mayors
        ),
    }
    for name in ("housing", "ended"):
        LifecycleTransition.objects.create(
            candidate=candidates[name],
            from_stage=Stage.SELECTED,
            to_stage=Stage.FEASIBILITY,
            decided_on=dt.date(2026, 2, 4),
            meeting=meetings["decided"],
            recorded_by=secretariat,
        )
    AgendaItemFactory.create(meeting=meetings["welfare"]).candidates.add(candidates["welfare"])
    AttendeeFactory.create(meeting=meetings["kure"], organisation="広島県呉市", title="総務部長")
    consultations = {
        "hiroshima": consultation(
            secretariat,
            "広島県内への意見照会",
            dt.date(2026, 11, 30),
            Addressees(prefectures=[LocalGovernment.objects.get(code=HIROSHIMA_PREF)]),
        ),
        "hokkaido": consultation(
            secretariat,
            "北海道内への意見照会",
            dt.date(2026, 12, 4),
            Addressees(prefectures=[LocalGovernment.objects.get(code=HOKKAIDO)]),
        ),
        "mayors": consultation(
            secretariat,
            "市長会への意見照会",
            dt.date(2026, 12, 8),
            Addressees(associations=[mayors]),
        ),
        "governors": consultation(
            secretariat,
            "知事会への意見照会",
            dt.date(2026, 12, 9),
            Addressees(associations=[Association.objects.get(slug="governors")]),
        ),
        "welfare_policy": consultation(
            secretariat,
            "介護保険システム推進方針案への意見照会",
            dt.date(2026, 12, 10),
            Addressees(all_local_governments=True),
            subject_kind=SubjectKind.POLICY_DRAFT,
            candidates=[candidates["welfare"]],
        ),
    }
    return World(users, candidates, milestones, meetings, consultations)


@pytest.fixture
def token_of():
    def issue(user: User) -> str:
        return services.feed_token_reset(user=user)

    return issue
