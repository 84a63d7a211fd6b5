"""Demo adoption rows (デモデータ): answers of real local governments that tell a story.

A few prefectures lead through joint procurement (their municipalities join together), the
rest join in waves as their current systems come up for renewal (fiscal years 2026–2030), some
are still considering and a few decline with a reason. The numbers come from a generator
seeded by the candidate's name, so every load gives the same rows. Rows are marked is_demo and
written through the same bulk service as a survey, so each has its change record.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from adoption import selectors, services
from adoption.models import Adoption, ChangeSource, Procurement, Status
from candidates.demo import DEMO_MARK
from candidates.models import Candidate
from core import wareki
from core.models import User
from municipalities.models import Kind, LocalGovernment


@dataclass(frozen=True)
class Profile:
    """How one demo candidate is taken up: leading prefectures (code prefix), the share of
    other bodies that have committed, and whether the system is already in service."""

    leaders: tuple[str, ...]
    committed_share: float
    in_service: bool = False
    group: str = ""


PROFILES: dict[str, Profile] = {
    "予防接種事務システム": Profile(("34", "40", "13", "27"), 0.45, in_service=True),
    "公営住宅管理システム": Profile(("31", "43", "16"), 0.18, group="九州公営住宅共同利用協議会"),
    "公金収納システム": Profile(("22", "28", "04", "38"), 0.30),
    "介護認定審査会支援システム": Profile(("02", "33", "44"), 0.15),
    "消防指令システム": Profile(("09", "19", "36"), 0.10),
    "道路占用許可システム": Profile(("26",), 0.05),
}

DECLINE_REASONS = (
    "独自システムを令和6年度に更新したばかりで、次期更新まで移行の予定がないため",
    "対象業務の件数が少なく、現行の手作業で足りるため",
    "広域連合で共同運用しているシステムがあり、当面はそれを継続するため",
)
CONSIDERING_NOTES = ("次期更新時期に合わせて検討", "費用負担の見通しが示されてから判断", "")


@transaction.atomic
def demo_adoptions_load(*, today=None) -> int:
    """Load the demo adoption rows once (skipped when any demo row exists); returns how many
    demo rows exist afterwards."""
    if not Adoption.objects.filter(is_demo=True).exists():
        current_fy = wareki.fiscal_year_of(today or timezone.localdate())
        loader = _loader()
        bodies = list(selectors.adopters())
        for candidate in Candidate.objects.filter(
            summary__endswith=DEMO_MARK, name__in=PROFILES
        ).order_by("name"):
            answers = list(_answers(candidate, PROFILES[candidate.name], bodies, current_fy))
            services.adoptions_apply(
                user=loader,
                candidate=candidate,
                answers=answers,
                source=ChangeSource.DEMO,
                is_demo=True,
            )
    return Adoption.objects.filter(is_demo=True).count()


def _loader() -> User:
    user = (
        User.objects.filter(groups__name="secretariat").order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        user = User.objects.create(
            username="demo_loader", display_name="デモデータ投入", is_superuser=True
        )
    return user


def _answers(candidate: Candidate, profile: Profile, bodies: list[LocalGovernment], fy: int):
    rng = random.Random(zlib.crc32(candidate.name.encode()))  # noqa: S311 - demo data, not secrets
    for body in bodies:
        leader = body.code[:2] in profile.leaders
        roll = rng.random()
        committed = profile.committed_share if not leader else 0.85
        if roll < committed:
            yield _committed(body, profile, rng, fy, leader=leader)
        elif roll < committed + 0.25:
            yield services.BulkAnswer(
                body,
                services.AdoptionValues(
                    status=Status.CONSIDERING,
                    renewal_fiscal_year=fy + rng.randint(1, 6),
                    note=rng.choice(CONSIDERING_NOTES),
                ),
            )
        elif roll < committed + 0.30:
            reason = rng.choice(DECLINE_REASONS)
            yield services.BulkAnswer(
                body, services.AdoptionValues(status=Status.DECLINED, reason=reason), reason
            )
        # Everyone else has not answered yet (no row: 未回答).


def _committed(body: LocalGovernment, profile: Profile, rng: random.Random, fy: int, *, leader):
    if leader:
        # The prefecture procures for all its municipalities at once: one wave.
        start = fy + 1 + (int(body.code[:2]) % 2)
        procurement = Procurement.PREFECTURE_JOINT
    else:
        renewal = fy + rng.choice((0, 1, 1, 2, 2, 3, 4))
        start = renewal if not profile.in_service else renewal - rng.choice((0, 1, 2, 3))
        procurement = (
            Procurement.OTHER_JOINT
            if profile.group and body.code[:2] in ("40", "41", "42", "44", "45", "46", "47")
            else Procurement.SOLE
        )
    start = max(2023, min(start, 2030))
    if start < fy or (start == fy and profile.in_service):
        status = Status.IN_USE
    elif start == fy:
        status = Status.MIGRATING
    elif start == fy + 1:
        status = rng.choice((Status.APPLIED, Status.MIGRATING, Status.PLANNED))
    else:
        status = Status.PLANNED
    return services.BulkAnswer(
        body,
        services.AdoptionValues(
            status=status,
            planned_start_fiscal_year=start,
            planned_start_month=rng.choice((None, 4, 4, 10, 1)),
            renewal_fiscal_year=start if body.kind != Kind.PREFECTURE else None,
            procurement=procurement,
            procurement_group=profile.group if procurement == Procurement.OTHER_JOINT else "",
        ),
    )
