"""The dashboard's aggregates and the candidates' names, cached in each process until
candidates' data changes.

The dashboard aggregates every milestone (30,000 at the council's scale) on each view, about
20 ms of PostgreSQL time where the admin changelist reads 50 rows (docs/benchmarks.md). Cached
under the number of committed changes (ChangeCounter), the day and the language, it is computed
once per change, day and process; reading the number is one primary-key look-up.

Every ORM write to the models below (and to requests, 要請, whose overdue ones the dashboard
lists) bumps the number once its transaction commits (so no
reader can cache old figures under the new number), by one short UPDATE of its own. A write
that bypasses the ORM's signals (raw SQL, a database restore) shows after TIMEOUT at the latest.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from candidates import selectors
from candidates.models import (
    Candidate,
    ChangeCounter,
    LifecycleTransition,
    Milestone,
    MilestoneChange,
    Ministry,
    ProgressUpdate,
)

COUNTER = "candidates"
TIMEOUT = 300
TRACKED = (Candidate, Milestone, MilestoneChange, LifecycleTransition, ProgressUpdate, Ministry)


def current() -> int:
    return ChangeCounter.objects.filter(name=COUNTER).values_list("value", flat=True).first() or 0


def bump() -> None:
    if not ChangeCounter.objects.filter(name=COUNTER).update(value=F("value") + 1):
        ChangeCounter.objects.get_or_create(name=COUNTER, defaults={"value": 1})


def changed(sender, using=None, action: str | None = None, **kwargs) -> None:
    """Signal receiver: bump the counter when the transaction commits (at once outside one).
    m2m_changed also sends its pre_ actions, which change nothing yet."""
    if action is None or action.startswith("post_"):
        transaction.on_commit(bump, using=using, robust=True)


def connect() -> None:
    """Called once from CandidatesConfig.ready()."""
    # Requests (要請) are on the dashboard too (its overdue panel).
    from hearings.models import FollowUpRequest

    for model in (*TRACKED, FollowUpRequest):
        post_save.connect(changed, sender=model, dispatch_uid=f"cache-save-{model.__name__}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"cache-delete-{model.__name__}")
    m2m_changed.connect(
        changed, sender=Candidate.co_ministries.through, dispatch_uid="cache-co-ministries"
    )


def dashboard(*, today: dt.date) -> selectors.Dashboard:
    key = f"candidates:dashboard:{current()}:{today.isoformat()}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = selectors.dashboard(today=today)
        cache.set(key, data, TIMEOUT)
    return data


def candidate_names() -> list[tuple[int, str]]:
    """Every candidate's id and name, by name: the search page's filter options. 1,000 rows
    read once per change and process, instead of on every search (docs/benchmarks.md)."""
    key = f"candidates:names:{current()}"
    names = cache.get(key)
    if names is None:
        names = list(selectors.candidate_names().values_list("pk", "name"))
        cache.set(key, names, TIMEOUT)
    return names
