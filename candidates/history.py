"""The change history of a candidate and its milestones, as the candidate page lists it.

django-simple-history keeps one row per saved version. Its per-version helpers each run
queries: `prev_record` one, `instance` one (to read the fields history excludes),
`diff_against` two per many-to-many field, and showing a foreign key one per change; ten
milestone edits took the candidate page from 25 to 66 queries. Here the previous versions,
the many-to-many rows and the related objects of all listed versions are read in one query
each, whatever the number of versions (tests/test_query_counts.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import pgettext
from simple_history.utils import get_m2m_reverse_field_name

from candidates.models import Candidate, Milestone
from core.display import date_display, fiscal_year_display
from core.models import User

EMPTY = "—"
# The columns of simple_history's many-to-many history rows that are bookkeeping, not the
# relation (as diff_against leaves them out).
M2M_BOOKKEEPING = ("id", "m2m_history_id", "history")


@dataclass
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: User | None
    object: str
    type: str  # simple_history's history_type: "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[HistoryChange] = field(default_factory=list)


@dataclass
class _RawChange:
    field: str
    old: Any
    new: Any


def candidate_history(*, candidate: Candidate, limit: int = 50) -> list[HistoryEntry]:
    """Every recorded change to the candidate and its milestones, newest first: who, when,
    field, old → new, each value shown as the page shows it (labels, era dates, fiscal years).
    Versions that changed nothing are left out."""
    entries = [
        *_entries(Candidate.history.filter(id=candidate.pk), limit),
        *_entries(Milestone.history.filter(candidate_id=candidate.pk), limit),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _entries(versions: models.QuerySet[Any], limit: int) -> list[HistoryEntry]:
    """The newest `limit` of these versions, each compared with the version before it."""
    history_model = versions.model
    # The version before: earlier, or saved at the same instant but numbered before it (a
    # save and its co-ministries' update in one request can share a timestamp on a coarse
    # clock, and did under a frozen one: the change then showed as nothing).
    before = history_model.objects.filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
        id=OuterRef("id"),
    ).order_by("-history_date", "-history_id")
    records = list(
        versions.select_related("history_user")
        .annotate(previous_history_id=Subquery(before.values("history_id")[:1]))
        .order_by("-history_date", "-history_id")[:limit]
    )
    previous = history_model.objects.in_bulk(
        [r.previous_history_id for r in records if r.previous_history_id is not None]
    )
    m2m_names = [f.name for f in history_model._history_m2m_fields]
    m2m_rows = _m2m_rows(history_model, m2m_names, [*records, *previous.values()])

    compared: list[tuple[Any, list[_RawChange]]] = []
    for record in records:
        old = previous.get(record.previous_history_id)
        if old is None:
            compared.append((record, []))
            continue
        changes = [
            _RawChange(c.field, c.old, c.new)
            for c in record.diff_against(old, excluded_fields=m2m_names).changes
        ]
        for name in m2m_names:
            old_rows = m2m_rows[name, old.history_id]
            new_rows = m2m_rows[name, record.history_id]
            if old_rows != new_rows:
                changes.append(_RawChange(name, old_rows, new_rows))
        if changes:
            changes.sort(key=lambda c: c.field)
            compared.append((record, changes))

    model = history_model.instance_type
    related = _related_objects(model, [c for _, changes in compared for c in changes])
    return [
        HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            object=str(
                model(**{f.attname: getattr(record, f.attname) for f in record.tracked_fields})
            ),
            type=record.history_type,
            reason=record.history_change_reason or "",
            changes=[
                HistoryChange(
                    field=str(model._meta.get_field(c.field).verbose_name),
                    old=_display(model, c.field, c.old, related),
                    new=_display(model, c.field, c.new, related),
                )
                for c in changes
            ],
        )
        for record, changes in compared
    ]


def _m2m_rows(
    history_model: Any, names: Sequence[str], records: Sequence[Any]
) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Each version's many-to-many rows per field, as diff_against compares them: the
    relation's columns, ordered by the related object."""
    rows: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    if not records:
        return rows
    for name in names:
        m2m_model = getattr(records[0], name).model  # the manager alone: no query
        columns = [
            f.name for f in m2m_model._meta.fields if f.editable and f.name not in M2M_BOOKKEEPING
        ]
        order = get_m2m_reverse_field_name(history_model.instance_type._meta.get_field(name))
        for row in (
            m2m_model.objects.filter(history__in=[r.history_id for r in records])
            .order_by(order)
            .values("history", *columns)
        ):
            rows[name, row.pop("history")].append(row)
    return rows


def _related_objects(
    model: type[models.Model], changes: Sequence[_RawChange]
) -> dict[tuple[str, Any], models.Model]:
    """The objects that changed foreign keys point to, by (field name, primary key)."""
    wanted: dict[str, set[Any]] = defaultdict(set)
    for change in changes:
        field_obj = model._meta.get_field(change.field)
        if field_obj.many_to_many:  # rows of the relation: the related object's id in each
            target = get_m2m_reverse_field_name(field_obj)
            wanted[change.field] |= {row[target] for row in [*change.old, *change.new]}
        elif field_obj.is_relation:
            wanted[change.field] |= {v for v in (change.old, change.new) if v not in (None, "")}
    found: dict[tuple[str, Any], models.Model] = {}
    for name, pks in wanted.items():
        related_model = model._meta.get_field(name).related_model
        assert isinstance(related_model, type) and issubclass(related_model, models.Model)
        for pk, obj in related_model._default_manager.in_bulk(list(pks)).items():
            found[name, pk] = obj
    return found


def _display(
    model: type[models.Model],
    field_name: str,
    value: Any,
    related: dict[tuple[str, Any], models.Model],
) -> str:
    if value is None or value == "":
        return EMPTY
    field_obj = model._meta.get_field(field_name)
    assert isinstance(field_obj, models.Field)  # history tracks concrete fields only
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if field_obj.is_relation and not field_obj.many_to_many:
        return str(related.get((field_name, value), value))
    if field_obj.many_to_many:  # 共同担当府省庁: the related objects' names
        target = get_m2m_reverse_field_name(field_obj)
        names = [str(related.get((field_name, row[target]), row[target])) for row in value]
        return pgettext("list separator", "、").join(names) if names else EMPTY
    # As the rest of the candidate page shows them: era dates (令和8年2月1日) and fiscal years
    # (令和7年度), in the active language, not ISO dates and bare years.
    if isinstance(field_obj, models.DateField | models.DateTimeField):
        return date_display(value) or str(value)
    if field_name.endswith("_fiscal_year"):
        return fiscal_year_display(value)
    return str(value)
