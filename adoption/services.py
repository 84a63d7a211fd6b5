"""Every write to adoption rows: one row from the form, many from a survey sheet.

Both paths validate with `adoption_errors` and write with `_apply`, so a row answered on
paper obeys exactly the rules of a row answered on screen. Each changed field is kept as an
AdoptionChange (old, new, reason, added value, who, when, by which route).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from adoption import permissions
from adoption.models import (
    EARLIEST_FISCAL_YEAR,
    LATEST_FISCAL_YEAR,
    Adoption,
    AdoptionChange,
    ChangeField,
    ChangeSource,
    Half,
    Procurement,
    Status,
    encode_value,
    planned_start_of,
    start_key,
)
from candidates.models import Candidate
from core import slips
from core.concurrency import check_version
from core.display import fiscal_year_display
from core.models import User
from municipalities.models import Kind, LocalGovernment


@dataclass(frozen=True)
class AdoptionValues:
    """What a body answers about one candidate (the editable fields of an Adoption)."""

    status: str = Status.NO_ANSWER
    planned_start_fiscal_year: int | None = None
    planned_start_month: int | None = None
    planned_start_half: int | None = None  # 1 上期, 2 下期 (in place of a month)
    renewal_fiscal_year: int | None = None
    procurement: str = ""
    procurement_group: str = ""
    reason: str = ""
    note: str = ""

    @property
    def start_key(self) -> tuple[int, int] | None:
        return start_key(
            planned_start_of(
                self.planned_start_fiscal_year, self.planned_start_month, self.planned_start_half
            )
        )

    @classmethod
    def of(cls, adoption: Adoption) -> AdoptionValues:
        return cls(**{name: getattr(adoption, name) for name in cls.__dataclass_fields__})

    def cleaned(self) -> AdoptionValues:
        return AdoptionValues(
            status=self.status,
            planned_start_fiscal_year=self.planned_start_fiscal_year,
            planned_start_month=self.planned_start_month
            if self.planned_start_fiscal_year is not None
            else None,
            planned_start_half=self.planned_start_half
            if self.planned_start_fiscal_year is not None
            else None,
            renewal_fiscal_year=self.renewal_fiscal_year,
            procurement=self.procurement,
            procurement_group=self.procurement_group.strip()
            if self.procurement == Procurement.OTHER_JOINT
            else "",
            reason=self.reason.strip(),
            note=self.note.strip(),
        )


TRACKED = (
    ChangeField.STATUS,
    ChangeField.PLANNED_START,
    ChangeField.RENEWAL,
    ChangeField.PROCUREMENT,
    ChangeField.REASON,
    ChangeField.NOTE,
)


def ward_error(local_government: LocalGovernment) -> str:
    """A designated-city ward does not adopt: its city answers (the message names the city)."""
    city = local_government.parent.qualified_name if local_government.parent else ""
    return _("%(ward)sは指定都市の行政区です。利用状況は%(city)sとして回答してください。") % {
        "ward": local_government.name,
        "city": city,
    }


def year_errors(year: int | None) -> list[str]:
    if year is not None and not EARLIEST_FISCAL_YEAR <= year <= LATEST_FISCAL_YEAR:
        return [
            _("年度は%(first)sから%(last)sまでの範囲で入力してください。")
            % {
                "first": fiscal_year_display(EARLIEST_FISCAL_YEAR),
                "last": fiscal_year_display(LATEST_FISCAL_YEAR),
            }
        ]
    return []


STATUS_VALUES = frozenset(Status.values)
PROCUREMENT_VALUES = frozenset(Procurement.values)


def adoption_errors(
    *,
    local_government: LocalGovernment,
    current: AdoptionValues | None,
    values: AdoptionValues,
    change_reason: str = "",
    added_value: str = "",
) -> dict[str, list[str]]:
    """Every rule an answer must meet, by field; empty when it may be saved. `current` is
    the saved answer (None when the body has no row yet)."""
    errors: dict[str, list[str]] = {}
    if local_government.kind == Kind.WARD:
        errors["local_government"] = [ward_error(local_government)]
    if values.status not in STATUS_VALUES:
        errors["status"] = [_("利用意向の値が正しくありません。")]
    if values.status == Status.DECLINED and not values.reason:
        errors["reason"] = [_("「利用しない」とする場合は理由を入力してください。")]
    for field in ("planned_start_fiscal_year", "renewal_fiscal_year"):
        if messages := year_errors(getattr(values, field)):
            errors[field] = messages
    month = values.planned_start_month
    if month is not None and not 1 <= month <= 12:
        errors["planned_start_month"] = [_("月は1から12までで入力してください。")]
    half = values.planned_start_half
    if half is not None and half not in Half.values:
        errors["planned_start_month"] = [_("上期・下期の値が正しくありません。")]
    elif half is not None and month is not None:
        errors["planned_start_month"] = [
            _("利用開始予定は、月か上期・下期のどちらか一方で入力してください。")
        ]
    if values.procurement and values.procurement not in PROCUREMENT_VALUES:
        errors["procurement"] = [_("調達方法の値が正しくありません。")]
    later = current is not None and slips.is_later(current.start_key, values.start_key)
    if messages := slips.slip_reason_errors(
        later=later, reason=change_reason, added_value=added_value
    ):
        errors["change_reason"] = messages
    return errors


def _apply(
    adoption: Adoption,
    values: AdoptionValues,
    *,
    user: User,
    change_reason: str,
    added_value: str,
    source: str,
) -> list[AdoptionChange]:
    """Set the new values on the row; return the (unsaved) change records, one per field."""
    before = {field: encode_value(adoption, field) for field in TRACKED}
    for name in AdoptionValues.__dataclass_fields__:
        setattr(adoption, name, getattr(values, name))
    changes = [
        AdoptionChange(
            adoption=adoption,
            field=field,
            old_value=before[field],
            new_value=after,
            reason=change_reason.strip(),
            added_value=added_value.strip(),
            source=source,
            changed_by=user,
        )
        for field in TRACKED
        if (after := encode_value(adoption, field)) != before[field]
    ]
    if changes:
        adoption.updated_by = user
        adoption.version += 1
    return changes


@transaction.atomic
def adoption_update(
    *,
    user: User,
    candidate: Candidate,
    local_government: LocalGovernment,
    version: int | None,
    values: AdoptionValues,
    change_reason: str = "",
    added_value: str = "",
) -> Adoption:
    """Save one body's answer about one candidate, keeping each changed field as a change."""
    if not permissions.can_edit_adoption(user, candidate, local_government):
        raise PermissionDenied(_("この団体の利用状況を編集する権限がありません。"))
    current = (
        Adoption.objects.select_for_update()
        .filter(candidate=candidate, local_government=local_government)
        .first()
    ) or Adoption(candidate=candidate, local_government=local_government, version=0)
    check_version(current, version)
    values = values.cleaned()
    if errors := adoption_errors(
        local_government=local_government,
        current=AdoptionValues.of(current) if current.pk else None,
        values=values,
        change_reason=change_reason or (values.reason if values.reason != current.reason else ""),
        added_value=added_value,
    ):
        raise ValidationError(errors)
    changes = _apply(
        current,
        values,
        user=user,
        change_reason=change_reason,
        added_value=added_value,
        source=ChangeSource.FORM,
    )
    if not changes:
        return current
    current.full_clean(exclude=["candidate", "local_government"], validate_unique=False)
    current.save()
    AdoptionChange.objects.bulk_create(changes)
    return current


@dataclass(frozen=True)
class BulkAnswer:
    """One row of a survey: the body, its new values and the reason given with them."""

    local_government: LocalGovernment
    values: AdoptionValues
    change_reason: str = ""


@transaction.atomic
def adoptions_apply(
    *,
    user: User,
    candidate: Candidate,
    answers: Sequence[BulkAnswer],
    source: str = ChangeSource.SURVEY,
    is_demo: bool = False,
) -> int:
    """Save many bodies' answers about one candidate in a few bulk queries; returns how many
    rows changed. All or nothing: any refused or invalid answer raises and writes nothing."""
    may_edit = permissions.adoption_editor(user, candidate)
    refused = [
        a.local_government.qualified_name for a in answers if not may_edit(a.local_government)
    ]
    if refused:
        raise PermissionDenied(
            _("次の団体の利用状況を編集する権限がありません：%(bodies)s")
            % {"bodies": "、".join(refused[:5]) + ("…" if len(refused) > 5 else "")}
        )
    existing = {
        row.local_government_id: row
        for row in Adoption.objects.select_for_update().filter(
            candidate=candidate, local_government__in=[a.local_government for a in answers]
        )
    }
    errors: dict[str, list[str]] = {}
    to_create: list[Adoption] = []
    to_update: list[Adoption] = []
    changes: list[AdoptionChange] = []
    for answer in answers:
        body = answer.local_government
        row = existing.get(body.pk) or Adoption(
            candidate=candidate, local_government=body, version=0, is_demo=is_demo
        )
        values = answer.values.cleaned()
        if row_errors := adoption_errors(
            local_government=body,
            current=AdoptionValues.of(row) if row.pk else None,
            values=values,
            change_reason=answer.change_reason,
        ):
            errors[body.code] = [m for messages in row_errors.values() for m in messages]
            continue
        row_changes = _apply(
            row,
            values,
            user=user,
            change_reason=answer.change_reason,
            added_value="",
            source=source,
        )
        if row_changes:
            (to_update if row.pk else to_create).append(row)
            changes.extend(row_changes)
    if errors:
        raise ValidationError(errors)
    Adoption.objects.bulk_create(to_create, batch_size=1000)
    _update_rows(to_update, user=user)
    for change in changes:
        change.adoption_id = change.adoption.pk
    AdoptionChange.objects.bulk_create(changes, batch_size=1000)
    return len(to_create) + len(to_update)


def _update_rows(rows: list[Adoption], *, user: User) -> None:
    """Write changed rows as one UPDATE per distinct answer (a survey has few: most rows say
    利用予定 with one of a handful of years), the version bumped in the database; bulk_update's
    CASE per row and field took a minute for 1,788 rows on SQLite (bench/survey_import.py)."""
    fields = list(AdoptionValues.__dataclass_fields__)
    groups: dict[tuple, list[int]] = {}
    for row in rows:
        groups.setdefault(tuple(getattr(row, name) for name in fields), []).append(row.pk)
    now = timezone.now()
    for values, pks in groups.items():
        Adoption.objects.filter(pk__in=pks).update(
            **dict(zip(fields, values, strict=True)),
            version=F("version") + 1,
            updated_by=user,
            updated_at=now,
        )
