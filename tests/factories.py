"""Test data: one factory per model, each making a valid row with as few fields set as it can.

Factories write through the ORM, not the services: a test of a service calls that service; any
other test that only needs a meeting, a candidate or a milestone to exist asks a factory. The
personas of STYLE.md (tests/conftest.py) are UserFactory rows with a role.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory, Password

from candidates.models import (
    Candidate,
    CouncilReport,
    DateField,
    Milestone,
    MilestoneChange,
    MilestoneKind,
    Ministry,
    ProgressStatus,
    ProgressUpdate,
)
from core.models import AuditEvent, AuditOutcome, User
from core.roles import Role
from hearings.models import (
    AgendaItem,
    Attendee,
    AttendeeGroup,
    EntryKind,
    Material,
    Meeting,
    MeetingKind,
    Minutes,
    MinutesEntry,
)

TEST_PASSWORD = "pw-for-tests-only"  # noqa: S105 - a test password


def _join_role_group(user: User, create: bool, role: Role | None, **kwargs: Any) -> None:
    if create and role is not None:
        user.groups.add(Group.objects.get(name=role.value))


class UserFactory(DjangoModelFactory[User]):
    """A login; `role=Role.X` puts it in that role's group."""

    class Meta:
        model = User
        skip_postgeneration_save = True  # groups are a relation: the row needs no second save

    username = factory.Sequence(lambda n: f"user{n}")
    password = Password(TEST_PASSWORD)
    role = factory.PostGeneration(_join_role_group)


class MinistryFactory(DjangoModelFactory[Ministry]):
    class Meta:
        model = Ministry

    name = factory.Sequence(lambda n: f"試験省{n}")
    display_order = factory.Sequence(lambda n: n)


class CandidateFactory(DjangoModelFactory[Candidate]):
    """A candidate at 候補選定; walk it further with the services (see tests/candidates)."""

    class Meta:
        model = Candidate

    name = factory.Sequence(lambda n: f"試験システム{n}")
    selected_fiscal_year = 2025
    lead_ministry = factory.SubFactory(MinistryFactory)


class MilestoneFactory(DjangoModelFactory[Milestone]):
    """A 要件定義 milestone on its baseline (planned = baseline): not slipped."""

    class Meta:
        model = Milestone

    candidate = factory.SubFactory(CandidateFactory)
    kind = MilestoneKind.REQUIREMENTS
    position = factory.Sequence(lambda n: n)
    baseline_date = dt.date(2026, 6, 30)
    planned_date = factory.SelfAttribute("baseline_date")


class MilestoneChangeFactory(DjangoModelFactory[MilestoneChange]):
    """A planned date moved three months later, with its reason."""

    class Meta:
        model = MilestoneChange

    milestone = factory.SubFactory(MilestoneFactory)
    field = DateField.PLANNED
    old_date = dt.date(2026, 6, 30)
    new_date = dt.date(2026, 9, 30)
    reason = "標準仕様書の改定に合わせるため"
    changed_by = factory.SubFactory(UserFactory)


class ProgressUpdateFactory(DjangoModelFactory[ProgressUpdate]):
    class Meta:
        model = ProgressUpdate

    candidate = factory.SubFactory(CandidateFactory)
    as_of = dt.date(2026, 10, 1)
    status = ProgressStatus.ON_TRACK
    written_by = factory.SubFactory(UserFactory)


class CouncilReportFactory(DjangoModelFactory[CouncilReport]):
    class Meta:
        model = CouncilReport

    as_of = dt.date(2026, 11, 24)


class MeetingFactory(DjangoModelFactory[Meeting]):
    """A WT meeting with nothing in it; add rows with the factories below."""

    class Meta:
        model = Meeting

    kind = MeetingKind.WT
    title = factory.Sequence(lambda n: f"第{n + 1}回ワーキングチーム")
    date = dt.date(2026, 2, 4)


class MinutesFactory(DjangoModelFactory[Minutes]):
    class Meta:
        model = Minutes

    meeting = factory.SubFactory(MeetingFactory)
    raw_text = "（原文）"


class AttendeeFactory(DjangoModelFactory[Attendee]):
    class Meta:
        model = Attendee

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    group = AttendeeGroup.WT_MEMBER
    name = factory.Sequence(lambda n: f"試験 {n}郎")


class AgendaItemFactory(DjangoModelFactory[AgendaItem]):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"議題{n + 1}")


class MinutesEntryFactory(DjangoModelFactory[MinutesEntry]):
    """A WT remark."""

    class Meta:
        model = MinutesEntry

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    kind = EntryKind.REMARK
    text = factory.Sequence(lambda n: f"後ろ倒しには理由が必要（{n}）")


class MaterialFactory(DjangoModelFactory[Material]):
    """A material without its PDF."""

    class Meta:
        model = Material

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"資料{n + 1}")


class AuditEventFactory(DjangoModelFactory[AuditEvent]):
    """A done write by the secretariat."""

    class Meta:
        model = AuditEvent

    username = "secretariat"
    method = "POST"
    path = "/candidates/new/"
    action = "candidates:create"
    outcome = AuditOutcome.DONE
    status_code = 302
