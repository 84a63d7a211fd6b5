"""Synthetic data at scale for benchmarks and fault tests (never for users: names say 合成).

Rows are bulk-created, so no history rows are written: this measures reading, not writing.
Deterministic for a given seed, so two runs measure the same data.
"""

from __future__ import annotations

import datetime as dt
import random

from candidates.demo import MINISTRIES
from candidates.lifecycle import Stage
from candidates.models import (
    Candidate,
    DateField,
    LifecycleTransition,
    Milestone,
    MilestoneChange,
    MilestoneKind,
    Ministry,
    ProgressStatus,
    ProgressUpdate,
)
from core.models import User

SYNTHETIC_MARK = "（合成データ）"
AREAS = ("福祉", "税務", "教育", "防災", "土木", "戸籍", "子育て", "介護", "環境", "産業")
SYSTEMS = ("申請管理", "台帳管理", "給付", "許認可", "通報受付", "予約", "審査支援", "統計")
STAGES = (
    Stage.SELECTED,
    Stage.FEASIBILITY,
    Stage.INTERIM,
    Stage.POLICY_DRAFT,
    Stage.CONSENTED,
    Stage.IN_PROGRESS,
    Stage.IN_PROGRESS,
    Stage.IN_PROGRESS,
    Stage.IN_SERVICE,
    Stage.REPORTED,
)
KINDS = (
    MilestoneKind.POLICY_DECISION,
    MilestoneKind.REQUIREMENTS,
    MilestoneKind.PROCUREMENT,
    MilestoneKind.DEVELOPMENT,
    MilestoneKind.PILOT,
    MilestoneKind.SERVICE_START,
)
REASONS = (
    "標準仕様書の改定に合わせて要件定義を延長するため",
    "参加団体の追加募集に応じ、実証の範囲を広げたため",
    "調達手続で入札不調があり、再公告を行ったため",
    "関係法令の改正を待って設計を確定させるため",
)


def ministries() -> list[Ministry]:
    for order, (name, bureau, name_en) in enumerate(MINISTRIES, start=1):
        Ministry.objects.get_or_create(
            name=name, bureau=bureau, defaults={"name_en": name_en, "display_order": order}
        )
    return list(Ministry.objects.all())


def candidates(
    count: int,
    *,
    fiscal_years: tuple[int, ...] = (2024, 2025, 2026),
    milestones_each: int = 6,
    slip_share: float = 0.4,
    seed: int = 7,
    today: dt.date = dt.date(2026, 11, 24),
) -> list[Candidate]:
    """Create count candidates with transitions, a progress update, milestones and slips."""
    rng = random.Random(seed)
    pool = ministries()
    clerk, _ = User.objects.get_or_create(
        username="synthetic_clerk", defaults={"display_name": f"事務局{SYNTHETIC_MARK}"}
    )
    made = Candidate.objects.bulk_create(
        Candidate(
            name=f"{rng.choice(AREAS)}{rng.choice(SYSTEMS)}システム{n:04d}{SYNTHETIC_MARK}",
            summary="地方公共団体が共通して利用するシステムの合成データ。" * 3,
            business_area=rng.choice(AREAS),
            selected_fiscal_year=(year := rng.choice(fiscal_years)),
            decided_fiscal_year=year + 1 if n % 3 else None,
            lead_ministry=rng.choice(pool),
            stage=STAGES[n % len(STAGES)],
        )
        for n in range(count)
    )
    transitions, progress, milestones = [], [], []
    for candidate in made:
        start = dt.date(candidate.selected_fiscal_year, 6, 1)
        transitions.append(
            LifecycleTransition(
                candidate=candidate,
                from_stage=Stage.SELECTED,
                to_stage=Stage.FEASIBILITY,
                decided_on=start,
                meeting_text="第7回ワーキングチーム",
                recorded_by=clerk,
            )
        )
        progress.append(
            ProgressUpdate(
                candidate=candidate,
                as_of=today - dt.timedelta(days=rng.randint(10, 200)),
                status=rng.choice(ProgressStatus.values),
                schedule_note="要件定義の一部工程に遅れがあるが、全体の日程は維持する見込み。",
                next_steps="参加団体向け説明会の開催",
                written_by=clerk,
            )
        )
        for position in range(milestones_each):
            baseline = start + dt.timedelta(days=120 * (position + 1))
            slip = rng.choice((30, 61, 92, 123)) if rng.random() < slip_share else 0
            planned = baseline + dt.timedelta(days=slip)
            milestones.append(
                Milestone(
                    candidate=candidate,
                    kind=KINDS[position % len(KINDS)],
                    position=position,
                    baseline_date=baseline,
                    planned_date=planned,
                    actual_date=planned if planned < today - dt.timedelta(days=30) else None,
                )
            )
    LifecycleTransition.objects.bulk_create(transitions)
    ProgressUpdate.objects.bulk_create(progress)
    Milestone.objects.bulk_create(milestones)
    MilestoneChange.objects.bulk_create(
        MilestoneChange(
            milestone=m,
            field=DateField.PLANNED,
            old_date=m.baseline_date,
            new_date=m.planned_date,
            reason=rng.choice(REASONS),
            added_value="実証団体の拡大" if rng.random() < 0.3 else "",
            changed_by=clerk,
        )
        for m in milestones
        if m.planned_date != m.baseline_date
    )
    return made
