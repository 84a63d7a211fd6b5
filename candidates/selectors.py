"""Reads of candidates shared by the pages, the exports and the council PDF.

Each selector applies its select_related/prefetch_related so that query counts do not grow
with rows, and each returns the same numbers wherever it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from candidates.lifecycle import DECIDED_STAGES, Stage
from candidates.models import (
    Candidate,
    DateField,
    LifecycleTransition,
    Milestone,
    MilestoneChange,
    Ministry,
    ProgressUpdate,
)

DUE_WINDOW_DAYS = 90
STALE_AFTER_DAYS = 90


def slipped_q(prefix: str = "") -> Q:
    """A milestone has slipped when its actual date (else its planned date) is after its baseline.

    Written without Coalesce so the same condition can filter an aggregate over a relation
    (prefix "milestones__").
    """
    p = prefix
    baseline = F(f"{p}baseline_date")
    return Q(**{f"{p}baseline_date__isnull": False}) & (
        Q(**{f"{p}actual_date__isnull": False, f"{p}actual_date__gt": baseline})
        | Q(**{f"{p}actual_date__isnull": True, f"{p}planned_date__gt": baseline})
    )


def due_q(end: dt.date, prefix: str = "") -> Q:
    """Not yet reached and planned on or before `end`: upcoming and overdue alike."""
    return Q(**{f"{prefix}actual_date__isnull": True, f"{prefix}planned_date__lte": end})


def candidate_list() -> QuerySet[Candidate]:
    """Candidates with their ministries, milestones and slip counts, for lists and exports."""
    return (
        Candidate.objects.select_related("lead_ministry")
        .prefetch_related(
            "co_ministries",
            Prefetch("milestones", queryset=Milestone.objects.order_by("position", "pk")),
        )
        .annotate(
            slipped_count=Count("milestones", filter=slipped_q("milestones__"), distinct=True),
            last_progress_on=Max("progress_updates__as_of"),
        )
        .order_by("-selected_fiscal_year", "lead_ministry__display_order", "name")
    )


def candidate_detail(*, pk: int) -> Candidate:
    changes = MilestoneChange.objects.select_related("changed_by").order_by("-changed_at", "-pk")
    return (
        Candidate.objects.select_related("lead_ministry")
        .prefetch_related(
            "co_ministries",
            Prefetch(
                "milestones",
                queryset=Milestone.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("changes", queryset=changes)
                ),
            ),
            Prefetch(
                "transitions",
                queryset=LifecycleTransition.objects.select_related("recorded_by", "meeting"),
            ),
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.select_related("written_by"),
            ),
        )
        .get(pk=pk)
    )


def candidate_history(*, candidate: Candidate, limit: int = 50) -> list[dict]:
    """Every recorded change to the candidate and its milestones: who, when, field, old → new."""
    entries: list[dict] = []
    records = [
        *candidate.history.select_related("history_user").order_by("-history_date")[:limit],
        *Milestone.history.filter(candidate_id=candidate.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit],
    ]
    for record in records:
        previous = record.prev_record
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field_obj = record.instance_type._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field_obj.verbose_name,
                        "old": _display(record.instance_type, change.field, change.old),
                        "new": _display(record.instance_type, change.field, change.new),
                    }
                )
            if not changes:
                continue
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "object": str(record.instance),
                "type": record.history_type,
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def _display(model, field_name: str, value) -> str:
    if value is None or value == "":
        return "—"
    field_obj = model._meta.get_field(field_name)
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if field_obj.is_relation and not field_obj.many_to_many:
        related = field_obj.related_model.objects.filter(pk=value).first()
        return str(related) if related else str(value)
    if field_obj.many_to_many:
        return "、".join(str(v) for v in value) if value else "—"
    return str(value)


@dataclass
class SlipRow:
    milestone: Milestone
    candidate: Candidate
    slip_days: int
    reason: str
    added_value: str
    changed_at: dt.datetime | None


def slip_rows(*, candidates: QuerySet[Candidate] | None = None) -> list[SlipRow]:
    """Slipped milestones, worst first, each with the reason of its latest later-move."""
    milestones = (
        Milestone.objects.filter(slipped_q())
        .select_related("candidate__lead_ministry")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=MilestoneChange.objects.exclude(field=DateField.BASELINE).order_by(
                    "-changed_at", "-pk"
                ),
            )
        )
    )
    if candidates is not None:
        milestones = milestones.filter(candidate__in=candidates.values("pk"))
    rows = []
    for milestone in milestones:
        later = next((c for c in milestone.changes.all() if c.is_later and c.reason), None)
        rows.append(
            SlipRow(
                milestone=milestone,
                candidate=milestone.candidate,
                slip_days=milestone.slip_days or 0,
                reason=later.reason if later else "",
                added_value=later.added_value if later else "",
                changed_at=later.changed_at if later else None,
            )
        )
    rows.sort(key=lambda r: (-r.slip_days, r.candidate.name, r.milestone.position))
    return rows


def due_milestones(*, today: dt.date, days: int = DUE_WINDOW_DAYS) -> QuerySet[Milestone]:
    end = today + dt.timedelta(days=days)
    return (
        Milestone.objects.filter(due_q(end))
        .select_related("candidate__lead_ministry")
        .order_by("planned_date", "candidate__name")
    )


@dataclass
class StaleMinistry:
    ministry: Ministry
    candidates: int
    last_update: dt.date | None


@dataclass
class Dashboard:
    fiscal_years: list[int]
    stage_rows: list[dict]
    ministry_rows: list[dict]
    slips: list[SlipRow]
    due: list[Milestone]
    stale: list[StaleMinistry]
    totals: dict[str, int] = field(default_factory=dict)


ACTIVE_STAGES = (Stage.CONSENTED, Stage.CONSENT_OMITTED, Stage.IN_PROGRESS, Stage.POLICY_DRAFT)


def dashboard(*, today: dt.date) -> Dashboard:
    """Counts by stage and fiscal year and per ministry, slips, what is due, stale schedules."""
    counts = (
        Candidate.objects.values("stage", "selected_fiscal_year").annotate(n=Count("pk")).order_by()
    )
    fiscal_years = sorted({row["selected_fiscal_year"] for row in counts})
    by_stage: dict[str, dict[int, int]] = defaultdict(dict)
    for row in counts:
        by_stage[row["stage"]][row["selected_fiscal_year"]] = row["n"]
    stage_rows = [
        {
            "stage": stage,
            "label": stage.label,
            "cells": [by_stage[stage].get(year, 0) for year in fiscal_years],
            "total": sum(by_stage[stage].values()),
        }
        for stage in Stage
        if by_stage.get(stage)
    ]

    ministry_counts = (
        Candidate.objects.values("lead_ministry")
        .annotate(
            total=Count("pk", distinct=True),
            decided=Count(
                "pk",
                filter=Q(stage__in=DECIDED_STAGES),
                distinct=True,
            ),
            slipped=Count("milestones", filter=slipped_q("milestones__"), distinct=True),
            last_progress=Max("progress_updates__as_of"),
        )
        .order_by()
    )
    ministries = Ministry.objects.in_bulk([row["lead_ministry"] for row in ministry_counts])
    ministry_rows = sorted(
        ({"ministry": ministries[row["lead_ministry"]], **row} for row in ministry_counts),
        key=lambda r: (r["ministry"].display_order, r["ministry"].name),
    )

    stale_before = today - dt.timedelta(days=STALE_AFTER_DAYS)
    active = (
        Candidate.objects.filter(stage__in=ACTIVE_STAGES)
        .values("lead_ministry")
        .annotate(n=Count("pk", distinct=True), last=Max("progress_updates__as_of"))
        .order_by()
    )
    stale = [
        StaleMinistry(ministries[row["lead_ministry"]], row["n"], row["last"])
        for row in active
        if row["last"] is None or row["last"] < stale_before
    ]
    stale.sort(key=lambda s: (s.last_update or dt.date.min, s.ministry.display_order))

    return Dashboard(
        fiscal_years=fiscal_years,
        stage_rows=stage_rows,
        ministry_rows=ministry_rows,
        slips=slip_rows(),
        due=list(due_milestones(today=today)),
        stale=stale,
        totals={"candidates": sum(r["total"] for r in stage_rows)},
    )
