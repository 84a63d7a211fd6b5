"""Helpers shared by the benchmark processes: Django set-up, statistics, results, subsets."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def stats(samples_s: list[float]) -> dict[str, float]:
    """Median, p95 and p99 in milliseconds (nearest-rank percentiles)."""
    ordered = sorted(samples_s)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))] * 1000

    return {
        "n": len(ordered),
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "min_ms": ordered[0] * 1000,
    }


def timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[float, T]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def bench_user():
    """A superuser (secretariat rights and the admin) that exists only in the bench database."""
    from core.models import User

    user, _ = User.objects.get_or_create(
        username="bench_admin",
        defaults={"is_superuser": True, "is_staff": True, "display_name": "bench"},
    )
    return user


def write_results(name: str, data: dict) -> None:
    folder = Path(os.environ.get("KYOTSUKA_BENCH_RESULTS", ROOT / "bench" / ".results"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))


@contextlib.contextmanager
def only_first_candidates(count: int):
    """Inside a transaction that is rolled back: the database as if it held `count` candidates.

    Deletes, by plain SQL (no objects loaded, no history written), every candidate after the
    first `count` by id and every row pointing at them. A new table pointing at candidates
    makes the last DELETE fail on its foreign key, so this cannot silently go stale.
    """
    from django.db import connection, transaction

    from candidates.models import (
        Candidate,
        LifecycleTransition,
        Milestone,
        MilestoneChange,
        ProgressUpdate,
    )
    from hearings.models import AgendaItem, MinutesEntry

    drop = (
        f"SELECT id FROM {Candidate._meta.db_table} WHERE id NOT IN "  # noqa: S608
        f"(SELECT id FROM {Candidate._meta.db_table} ORDER BY id LIMIT %s)"
    )
    milestones = f"SELECT id FROM {Milestone._meta.db_table} WHERE candidate_id IN ({drop})"  # noqa: S608
    statements = [
        (MilestoneChange._meta.db_table, "milestone_id", milestones),
        (Milestone._meta.db_table, "candidate_id", drop),
        (LifecycleTransition._meta.db_table, "candidate_id", drop),
        (ProgressUpdate._meta.db_table, "candidate_id", drop),
        (Candidate.co_ministries.through._meta.db_table, "candidate_id", drop),
        (AgendaItem.candidates.through._meta.db_table, "candidate_id", drop),
        (MinutesEntry.candidates.through._meta.db_table, "candidate_id", drop),
        (Candidate._meta.db_table, "id", drop),
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table, column, subquery in statements:
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({subquery})", [count])  # noqa: S608
        assert Candidate.objects.count() == count
        yield
        transaction.set_rollback(True)
