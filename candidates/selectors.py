"""Reads of candidates shared by the pages, the exports and the council PDF.

Each selector applies its select_related/prefetch_related so that query counts do not grow
with rows, and each returns the same numbers wherever it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Collate
from django.utils import timezone

from candidates import consistency
from candidates.lifecycle import DECIDED_STAGES, ENDED_STAGES, PRE_SELECTION_STAGES, Stage
from candidates.models import (
    Candidate,
    CouncilReport,
    DateField,
    LifecycleTransition,
    Milestone,
    MilestoneChange,
    Ministry,
    ProgressUpdate,
)
from core.stated_dates import Slip

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

DUE_WINDOW_DAYS = 90
DASHBOARD_REQUESTS = 10  # the longest overdue requests on the dashboard
STALE_AFTER_DAYS = 90


def slipped_q(prefix: str = "") -> Q:
    """A milestone has slipped when its actual date (else its planned date) is after its baseline.

    The one definition of "slipped" for queries; `Milestone.is_slipped` reads the same rule on a
    loaded row (a test holds the two equal). Written without Coalesce so the same condition can filter an aggregate over a relation
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


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Overdue (期限超過) on `today`: not yet reached and planned before `today`.

    The one definition of "overdue" for queries; `Milestone.overdue_days_on` reads the same
    rule on a loaded row (a test holds the two equal). Distinct from slipped: that compares the
    plan with the baseline, this compares the plan with the calendar.
    """
    return Q(**{f"{prefix}actual_date__isnull": True, f"{prefix}planned_date__lt": today})


def candidate_rows(*, today: dt.date | None = None) -> QuerySet[Candidate]:
    """Candidates with their ministries, slip and overdue counts (overdue on `today`, else the
    current date) and latest progress date, for the list and the exports (which show no
    milestone).

    The counts and the latest progress date are correlated subqueries, not aggregates over
    joins: joining every milestone and progress update multiplied the rows to group (30 × 4 per
    candidate at the council's scale), and the paginator's COUNT had to group them too; a
    subquery runs only for the rows of the page (docs/benchmarks.md).
    """
    today = today or timezone.localdate()

    def counted(condition: Q) -> Subquery:
        return Subquery(
            Milestone.objects.filter(condition, candidate=OuterRef("pk"))
            .order_by()
            .values("candidate")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        )

    latest_progress = (
        ProgressUpdate.objects.filter(candidate=OuterRef("pk"))
        .order_by("-as_of")
        .values("as_of")[:1]
    )
    # Typed here: CandidateQuerySet's manager reads as Any.
    rows: QuerySet[Candidate] = (
        Candidate.objects.select_related("lead_ministry")
        .prefetch_related("co_ministries")
        .annotate(
            slipped_count=Coalesce(counted(slipped_q()), 0),
            overdue_count=Coalesce(counted(overdue_q(today)), 0),
            last_progress_on=Subquery(latest_progress, output_field=models.DateField()),
        )
        .order_by("-selected_fiscal_year", "lead_ministry__display_order", "name")
    )
    return rows


def with_next_milestone(candidates: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """Annotate the next milestone's kind, name and planned date (Candidate.next_milestone reads
    them) instead of loading every milestone to pick one: the list's 50 rows loaded 1,500
    milestones for this column alone (docs/benchmarks.md)."""
    pending = Milestone.objects.filter(
        candidate=OuterRef("pk"), actual_date__isnull=True, planned_date__isnull=False
    ).order_by("planned_date", "position", "pk")
    return candidates.annotate(
        **{
            f"next_milestone_{name}": Subquery(pending.values(name)[:1])
            for name in ("kind", "name", "planned_date", "planned_precision")
        }
    )


def candidate_list(*, today: dt.date | None = None) -> QuerySet[Candidate]:
    """candidate_rows() with every milestone, for the council PDF's schedules and timelines."""
    # The PDF reads dates, kind and name; not the notes or timestamps.
    milestones = Milestone.objects.defer("progress_note", "updated_at").order_by("position", "pk")
    return candidate_rows(today=today).prefetch_related(Prefetch("milestones", queryset=milestones))


def candidate_names() -> QuerySet[Candidate]:
    """Every candidate's id and name, by name: for choosing one in another app's form."""
    return Candidate.objects.order_by("name").only("pk", "name")


def candidates_by_ids(ids: Iterable[int]) -> list[Candidate]:
    """The candidates of these ids that exist (ids of deleted ones are dropped)."""
    return list(Candidate.objects.filter(pk__in=list(ids)))


def candidate_or_none(pk: int | None) -> Candidate | None:
    return Candidate.objects.filter(pk=pk).first() if pk else None


def council_reports(*, limit: int = 50) -> QuerySet[CouncilReport]:
    """The newest council reports with who asked for each (the reports page lists these)."""
    return CouncilReport.objects.select_related("requested_by")[:limit]


def council_report(*, pk: int) -> CouncilReport:
    return CouncilReport.objects.select_related("requested_by").get(pk=pk)


def candidate_detail(*, pk: int) -> Candidate:
    changes = MilestoneChange.objects.select_related("changed_by").order_by("-changed_at", "-pk")
    candidate: Candidate = (
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
    return candidate


@dataclass
class SlipRow:
    milestone: Milestone
    candidate: Candidate
    slip_days: int
    slip: Slip  # in the unit the baseline and the current date share (「1年度遅れ」)
    overdue_days: int | None  # on the day the rows were read for (期限超過; not the slip)
    reason: str
    added_value: str
    changed_at: dt.datetime | None
    more: int = 0  # the 概要版 shows each candidate's worst slip: how many others it has


def worst_slip_each(rows: list[SlipRow]) -> list[SlipRow]:
    """Each candidate's worst slip (rows come worst first), counting its others in `more`."""
    worst: dict[int, SlipRow] = {}
    for row in rows:
        if row.candidate.pk in worst:
            worst[row.candidate.pk].more += 1
        else:
            worst[row.candidate.pk] = row
    return list(worst.values())


def _slipped_milestones(candidates: QuerySet[Candidate] | None = None) -> QuerySet[Milestone]:
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
    return milestones


def _slip_row(milestone: Milestone, today: dt.date) -> SlipRow:
    later = next(
        (c for c in milestone.changes.all() if c.is_later and (c.reason or c.added_value)), None
    )
    return SlipRow(
        milestone=milestone,
        candidate=milestone.candidate,
        slip_days=milestone.slip_days or 0,
        slip=milestone.slip or Slip(0, "day"),
        overdue_days=milestone.overdue_days_on(today),
        reason=later.reason if later else "",
        added_value=later.added_value if later else "",
        changed_at=later.changed_at if later else None,
    )


def slip_rows(
    *,
    candidates: QuerySet[Candidate] | None = None,
    today: dt.date | None = None,
    milestone_ids: Sequence[int] | None = None,
) -> list[SlipRow]:
    """Slipped milestones, worst first, each with the reason of its latest later-move and how
    long it is overdue on `today` (else the current date); with milestone_ids, only those."""
    today = today or timezone.localdate()
    milestones = _slipped_milestones(candidates)
    if milestone_ids is not None:
        milestones = milestones.filter(pk__in=milestone_ids)
    rows = [_slip_row(milestone, today) for milestone in milestones]
    rows.sort(key=lambda r: (-r.slip_days, r.candidate.name, r.milestone.position))
    return rows


class DaysBetween(Func):
    """`later - earlier` in whole days, as an integer.

    Django subtracts dates into an interval (PostgreSQL: '1 day' * a float per row), which
    tripled the cost of ranking 12,000 slips (docs/benchmarks.md); PostgreSQL subtracts dates
    into days directly, SQLite through julianday().
    """

    output_field = IntegerField()
    arg_joiner = " - "
    template = "(%(expressions)s)"

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def worst_slips(*, limit: int, today: dt.date | None = None) -> list[SlipRow]:
    """The first `limit` rows of slip_rows(), ordered and limited in the database.

    The dashboard shows the worst ten slips. Building a row for every slipped milestone to show
    ten took 2.7 s of the dashboard's 2.9 s with 12,000 slips (docs/benchmarks.md). The database
    orders as slip_rows() sorts: slip days descending, then the candidate's name in code-point
    order (as Python compares strings), then position; it ranks the ids alone (narrow rows sort
    faster), then the rows of those ids are loaded.
    """
    name: F | Collate = F("candidate__name")
    if connection.vendor == "postgresql":
        name = Collate(name, "C")
    ranked = (
        Milestone.objects.filter(slipped_q())
        .annotate(
            slip_in_days=DaysBetween(Coalesce("actual_date", "planned_date"), F("baseline_date"))
        )
        .order_by(
            F("slip_in_days").desc(), name, "position", "-candidate__selected_fiscal_year", "pk"
        )
    )
    ids = list(ranked.values_list("pk", flat=True)[:limit])
    loaded = _slipped_milestones().in_bulk(ids)
    today = today or timezone.localdate()
    return [_slip_row(loaded[pk], today) for pk in ids if pk in loaded]


def due_milestones(*, today: dt.date, days: int = DUE_WINDOW_DAYS) -> QuerySet[Milestone]:
    end = today + dt.timedelta(days=days)
    return (
        Milestone.objects.filter(due_q(end))
        .select_related("candidate__lead_ministry")
        .order_by("planned_date", "candidate__name")
    )


def candidates_of_ministries(*, ministries: QuerySet[Ministry]) -> QuerySet[Candidate]:
    """The candidates these ministries lead or co-lead (a subquery, without duplicates)."""
    co_led = Candidate.co_ministries.through.objects.filter(ministry__in=ministries)
    return Candidate.objects.filter(
        Q(lead_ministry__in=ministries) | Q(pk__in=co_led.values("candidate_id"))
    )


def calendar_milestones(
    *, candidates: QuerySet[Candidate] | None = None, candidate_id: int | None = None
) -> QuerySet[Milestone]:
    """Milestones with a date (actual, else planned), with their candidates, earliest first:
    a calendar's milestone events. Those of one candidate whatever its stage, else those of
    `candidates` (all when None) that are still pursued (not in ENDED_STAGES) and selected (a
    draft's schedule is not the council's yet)."""
    milestones = Milestone.objects.filter(
        Q(actual_date__isnull=False) | Q(planned_date__isnull=False)
    )
    if candidate_id is not None:
        milestones = milestones.filter(candidate_id=candidate_id)
    else:
        milestones = milestones.exclude(candidate__stage__in=(*ENDED_STAGES, *PRE_SELECTION_STAGES))
        if candidates is not None:
            milestones = milestones.filter(candidate__in=candidates.values("pk"))
    return (
        milestones.select_related("candidate")
        .defer("progress_note", "candidate__summary", "candidate__search_text")
        .order_by("planned_date", "candidate_id", "position", "pk")
    )


DUE_PANEL_ROWS = 20
DASHBOARD_SLIPS = 10


def due_list(*, today: dt.date, days: int = DUE_WINDOW_DAYS, limit: int) -> list[Milestone]:
    """The first `limit` of due_milestones(), earliest first, with their candidates."""
    return list(
        due_milestones(today=today, days=days).defer("progress_note", "candidate__summary")[:limit]
    )


@dataclass(frozen=True)
class DueSummary:
    """The dashboard's due panel: how many milestones are due (of them overdue) and the first
    rows, earliest first. Listing all of them (about 2,000 with 1,000 candidates) was most of
    the dashboard's time and no reader's use; the rest are in the candidate list filtered by
    due_within (docs/benchmarks.md)."""

    total: int
    overdue: int
    rows: list[Milestone]
    days: int = DUE_WINDOW_DAYS

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class StaleMinistry:
    ministry: Ministry
    candidates: int
    last_update: dt.date | None


@dataclass
class Dashboard:
    fiscal_years: list[int]
    stage_rows: list[dict[str, Any]]
    ministry_rows: list[dict[str, Any]]
    slips: list[SlipRow]  # the worst DASHBOARD_SLIPS
    slip_count: int
    due: DueSummary
    stale: list[StaleMinistry]
    totals: dict[str, int] = field(default_factory=dict)
    drafts: int = 0  # 候補案 not yet selected, not counted in the tables
    overdue_requests: list[Any] = field(default_factory=list)  # the longest overdue requests (要請)
    overdue_request_count: int = 0


ACTIVE_STAGES = (Stage.CONSENTED, Stage.CONSENT_OMITTED, Stage.IN_PROGRESS, Stage.POLICY_DRAFT)


def dashboard(*, today: dt.date) -> Dashboard:
    """Counts by stage and fiscal year and per ministry, slips, what is due, stale schedules.

    One grouped query per table (candidates, milestones, progress updates), each read once for
    every panel that counts it; the slips and the due milestones shown are read on their own.
    """
    candidates = _candidate_counts()
    # Milestones and progress updates are aggregated on their own: one query joining both
    # multiplied each candidate's rows by its milestones × progress updates.
    milestones = _milestone_counts(today=today)
    progress = _progress_dates()
    ministries = Ministry.objects.in_bulk(list(candidates.per_ministry))
    # Imported here: hearings' selectors read candidates' (decisions at a meeting).
    from hearings.selectors import overdue_requests

    overdue = overdue_requests(today=today)
    return Dashboard(
        fiscal_years=candidates.fiscal_years,
        stage_rows=candidates.stage_rows,
        ministry_rows=_ministry_rows(candidates.per_ministry, milestones, progress, ministries),
        slips=worst_slips(limit=DASHBOARD_SLIPS, today=today),
        # Every milestone's candidate has one lead ministry: the per-ministry counts add up.
        slip_count=sum(row["slipped"] for row in milestones.values()),
        due=DueSummary(
            total=sum(row["due"] for row in milestones.values()),
            overdue=sum(row["overdue"] for row in milestones.values()),
            rows=due_list(today=today, limit=DUE_PANEL_ROWS),
        ),
        stale=_stale_ministries(candidates.per_ministry, progress, ministries, today=today),
        totals={"candidates": sum(r["total"] for r in candidates.stage_rows)},
        drafts=candidates.drafts,
        overdue_requests=list(overdue[:DASHBOARD_REQUESTS]),
        overdue_request_count=overdue.count(),
    )


# Per lead ministry (its id): counts of milestones, dates of progress updates.
ByMinistry = dict[int, dict[str, Any]]
NO_MILESTONES = {"slipped": 0, "due": 0, "overdue": 0}
NO_PROGRESS = {"last": None, "last_active": None}


@dataclass
class CandidateCounts:
    fiscal_years: list[int]
    stage_rows: list[dict[str, Any]]  # stage × fiscal year, stages with candidates only
    per_ministry: ByMinistry  # total, decided, active candidates
    drafts: int = 0  # 候補案 not yet selected: named beside the table, not in it


def _candidate_counts() -> CandidateCounts:
    """The stage × fiscal year table and each lead ministry's candidates, from one query; drafts
    (候補案) are not candidates yet and are counted on the rounds' pages instead."""
    rows = list(
        Candidate.objects.values("stage", "selected_fiscal_year", "lead_ministry")
        .annotate(n=Count("pk"))
        .order_by()
    )
    groups = [row for row in rows if row["stage"] not in PRE_SELECTION_STAGES]
    drafts = sum(row["n"] for row in rows if row["stage"] in PRE_SELECTION_STAGES)
    fiscal_years = sorted({row["selected_fiscal_year"] for row in groups})
    by_stage: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    per_ministry: ByMinistry = defaultdict(lambda: {"total": 0, "decided": 0, "active": 0})
    for row in groups:
        by_stage[row["stage"]][row["selected_fiscal_year"]] += row["n"]
        counts = per_ministry[row["lead_ministry"]]
        counts["total"] += row["n"]
        counts["decided"] += row["n"] if row["stage"] in DECIDED_STAGES else 0
        counts["active"] += row["n"] if row["stage"] in ACTIVE_STAGES else 0
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
    return CandidateCounts(fiscal_years, stage_rows, per_ministry, drafts)


def _milestone_counts(*, today: dt.date) -> ByMinistry:
    """Slipped, due (within DUE_WINDOW_DAYS) and overdue milestones per lead ministry."""
    due_end = today + dt.timedelta(days=DUE_WINDOW_DAYS)
    return {
        row.pop("candidate__lead_ministry"): row
        for row in Milestone.objects.values("candidate__lead_ministry")
        .annotate(
            slipped=Count("pk", filter=slipped_q()),
            due=Count("pk", filter=due_q(due_end)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
        .order_by()
    }


def _progress_dates() -> ByMinistry:
    """The latest progress update per lead ministry, of all its candidates and of the active."""
    return {
        row.pop("candidate__lead_ministry"): row
        for row in ProgressUpdate.objects.values("candidate__lead_ministry")
        .annotate(
            last=Max("as_of"),
            last_active=Max("as_of", filter=Q(candidate__stage__in=ACTIVE_STAGES)),
        )
        .order_by()
    }


def _ministry_rows(
    per_ministry: ByMinistry,
    milestones: ByMinistry,
    progress: ByMinistry,
    ministries: dict[int, Ministry],
) -> list[dict[str, Any]]:
    """One row per lead ministry, in the ministries' display order."""
    rows = [
        {
            "ministry": ministries[pk],
            **counts,
            "slipped": milestones.get(pk, NO_MILESTONES)["slipped"],
            "last_progress": progress.get(pk, NO_PROGRESS)["last"],
        }
        for pk, counts in per_ministry.items()
    ]
    return sorted(rows, key=lambda r: (r["ministry"].display_order, r["ministry"].name))


def _stale_ministries(
    per_ministry: ByMinistry,
    progress: ByMinistry,
    ministries: dict[int, Ministry],
    *,
    today: dt.date,
) -> list[StaleMinistry]:
    """Ministries with active candidates and no progress update on them for STALE_AFTER_DAYS,
    the longest silent first."""
    stale_before = today - dt.timedelta(days=STALE_AFTER_DAYS)
    stale = []
    for pk, counts in per_ministry.items():
        last = progress.get(pk, NO_PROGRESS)["last_active"]
        if counts["active"] and (last is None or last < stale_before):
            stale.append(StaleMinistry(ministries[pk], counts["active"], last))
    stale.sort(key=lambda s: (s.last_update or dt.date.min, s.ministry.display_order))
    return stale


def decisions_at_meeting(*, meeting_id: int) -> list[LifecycleTransition]:
    """The decisions (stage changes) recorded as made at a meeting, oldest first."""
    return list(
        LifecycleTransition.objects.filter(meeting_id=meeting_id)
        .select_related("candidate")
        .order_by("decided_on", "pk")
    )


# --- consistency (整合性の確認) ---------------------------------------------------------------


def _numbering_issues() -> list[consistency.Issue]:
    """Numbers against dates in each numbered series of meetings: the imported meetings and
    the ones decisions only name in their free text (two queries)."""
    # Imported here: hearings.selectors reads this module, so it cannot be imported above.
    from hearings.selectors import numbered_meetings

    named = LifecycleTransition.objects.filter(
        meeting__isnull=True, meeting_text__contains="回"
    ).select_related("candidate")
    meetings = [
        consistency.NumberedMeeting(m.kind, m.number or 0, m.date, meeting=m)
        for m in numbered_meetings(kinds=consistency.NUMBERED_SERIES)
    ]
    meetings += filter(None, (consistency.numbered_from_decision(t) for t in named))
    return consistency.numbering_issues(meetings)


def consistency_issues() -> list[consistency.Issue]:
    """Every contradiction the consistency rules find, by rule and candidate (five queries)."""
    candidates = Candidate.objects.select_related("lead_ministry").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("position", "pk")),
        Prefetch("transitions", queryset=LifecycleTransition.objects.select_related("meeting")),
    )
    issues = [
        issue
        for candidate in candidates.order_by("name", "pk")
        for issue in consistency.candidate_issues(
            candidate, list(candidate.milestones.all()), list(candidate.transitions.all())
        )
    ]
    issues += _numbering_issues()
    rules = list(consistency.RULE_LABELS)
    return sorted(issues, key=lambda issue: rules.index(issue.rule))


def candidate_consistency_issues(*, candidate: Candidate) -> list[consistency.Issue]:
    """The contradictions about one candidate, read from candidate_detail()'s prefetched
    milestones and decisions (plus two queries for the numbered meetings)."""
    own = consistency.candidate_issues(
        candidate, list(candidate.milestones.all()), list(candidate.transitions.all())
    )
    return own + [i for i in _numbering_issues() if candidate.pk in i.candidate_ids]


def stale_ministries(*, today: dt.date) -> list[StaleMinistry]:
    """The dashboard's stale schedules on their own: ministries with active candidates and no
    progress update on them for STALE_AFTER_DAYS (the monthly reminder's recipients)."""
    per_ministry = _candidate_counts().per_ministry
    ministries = Ministry.objects.in_bulk(list(per_ministry))
    return _stale_ministries(per_ministry, _progress_dates(), ministries, today=today)


def ministry_due_milestones(*, ministry: Ministry, today: dt.date, days: int) -> list[Milestone]:
    """The not-yet-reached milestones of the candidates this ministry leads or co-leads (still
    pursued) that are overdue or planned within `days`, earliest first (the weekly digest)."""
    candidates = candidates_of_ministries(ministries=Ministry.objects.filter(pk=ministry.pk))
    return list(
        Milestone.objects.filter(due_q(today + dt.timedelta(days=days)))
        .filter(candidate__in=candidates.values("pk"))
        .exclude(candidate__stage__in=ENDED_STAGES)
        .select_related("candidate")
        .defer("progress_note", "candidate__summary", "candidate__search_text")
        .order_by("planned_date", "candidate__name", "position")
    )
