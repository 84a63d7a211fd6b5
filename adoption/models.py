"""Adoption (利用) of a candidate's shared system by a local government, and its history.

Adopters are the 47 prefectures and 1,741 municipalities; a designated-city ward never adopts
on its own (its city does), which the services refuse (a check constraint cannot see the
kind of the referenced row). A body with no row has not answered (未回答): pages count it so,
and a row is written only when someone gives an answer.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.display import choice_label, fiscal_year_display
from core.models import ChangeRecord

EARLIEST_FISCAL_YEAR = 2019  # 令和元年度: no shared system existed before the programme
LATEST_FISCAL_YEAR = 2040


class Status(models.TextChoices):
    NO_ANSWER = "no_answer", _("未回答")
    CONSIDERING = "considering", _("検討中")
    PLANNED = "planned", _("利用予定")
    APPLIED = "applied", _("利用申込済")
    MIGRATING = "migrating", _("移行中")
    IN_USE = "in_use", _("利用中")
    DECLINED = "declined", _("利用しない")


# "In use or planned": the bodies a candidate can count on (the panel's headline number).
COMMITTED = (Status.PLANNED, Status.APPLIED, Status.MIGRATING, Status.IN_USE)


class Half(models.IntegerChoices):
    FIRST = 1, _("上期")
    SECOND = 2, _("下期")


class Procurement(models.TextChoices):
    SOLE = "sole", _("単独")
    PREFECTURE_JOINT = "prefecture_joint", _("都道府県による共同調達")
    OTHER_JOINT = "other_joint", _("その他の共同調達")


def _year_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": EARLIEST_FISCAL_YEAR, f"{field}__lte": LATEST_FISCAL_YEAR}
    )


class AdoptionQuerySet(models.QuerySet):
    def committed(self):
        return self.filter(status__in=COMMITTED)


class Adoption(models.Model):
    """One local government's answer about one candidate: status, planned start, renewal year."""

    candidate = models.ForeignKey(
        "candidates.Candidate",
        verbose_name=_("候補"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    local_government = models.ForeignKey(
        "municipalities.LocalGovernment",
        verbose_name=_("団体"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    status = models.CharField(
        _("利用意向"), max_length=20, choices=Status.choices, default=Status.NO_ANSWER
    )
    planned_start_fiscal_year = models.PositiveSmallIntegerField(
        _("利用開始予定年度"), null=True, blank=True
    )
    planned_start_month = models.PositiveSmallIntegerField(
        _("利用開始予定月"), null=True, blank=True
    )
    # 令和8年度上期 as the body wrote it: a half of the fiscal year instead of a month.
    planned_start_half = models.PositiveSmallIntegerField(
        _("利用開始予定の上期・下期"), choices=Half.choices, null=True, blank=True
    )
    renewal_fiscal_year = models.PositiveSmallIntegerField(
        _("現行システム更新年度"), null=True, blank=True
    )
    procurement = models.CharField(
        _("調達方法"), max_length=20, choices=Procurement.choices, blank=True
    )
    procurement_group = models.CharField(
        _("共同調達の名称"),
        max_length=100,
        blank=True,
        help_text=_("その他の共同調達の場合、共同調達を行う団体・グループの名称"),
    )
    reason = models.TextField(_("理由"), blank=True)
    note = models.TextField(_("備考"), blank=True)
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("利用状況")
        verbose_name_plural = _("利用状況")
        ordering = ["candidate", "local_government__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "local_government"], name="adoption_one_per_body"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DECLINED) | ~Q(reason=""),
                name="adoption_declined_needs_reason",
            ),
            models.CheckConstraint(
                condition=_year_in_range("planned_start_fiscal_year"),
                name="adoption_start_year_plausible",
            ),
            models.CheckConstraint(
                condition=_year_in_range("renewal_fiscal_year"),
                name="adoption_renewal_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(planned_start_month__isnull=True)
                | Q(
                    planned_start_fiscal_year__isnull=False,
                    planned_start_month__gte=1,
                    planned_start_month__lte=12,
                ),
                name="adoption_start_month_with_year",
            ),
            # A planned start is a fiscal year, a month of it or a half of it: never both.
            models.CheckConstraint(
                condition=Q(planned_start_half__isnull=True)
                | Q(
                    planned_start_fiscal_year__isnull=False,
                    planned_start_month__isnull=True,
                    planned_start_half__in=[1, 2],
                ),
                name="adoption_start_half_with_year_not_month",
            ),
            models.CheckConstraint(
                condition=Q(procurement=Procurement.OTHER_JOINT) | Q(procurement_group=""),
                name="adoption_group_only_for_other_joint",
            ),
        ]
        indexes = [
            # Pages count a candidate's rows per status (one grouped query), among some bodies
            # or all: the body in the index lets PostgreSQL count from the index alone (10 ms
            # for 50 candidates × 1,788 bodies, against 30–60 ms through the table;
            # docs/benchmarks.md). And they list a body's rows.
            models.Index(
                fields=["candidate", "status", "local_government"],
                name="adoption_candidate_status_body",
            ),
            models.Index(fields=["local_government", "candidate"], name="adoption_body"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}/{self.local_government_id}: {self.status}"

    @property
    def status_label(self) -> str:
        return choice_label(Status, self.status)

    @property
    def planned_start(self) -> PlannedStart | None:
        return planned_start_of(
            self.planned_start_fiscal_year, self.planned_start_month, self.planned_start_half
        )

    @property
    def planned_start_display(self) -> str:
        return planned_start_display(self.planned_start)

    @property
    def procurement_display(self) -> str:
        label = choice_label(Procurement, self.procurement) if self.procurement else ""
        return f"{label}（{self.procurement_group}）" if self.procurement_group else label


# A planned start as a body states it: (fiscal year, month or None, half or None); a month
# and a half never both (adoption_start_half_with_year_not_month).
PlannedStart = tuple[int, int | None, int | None]
# The first month of each half: 上期 April–September, 下期 October–March.
HALF_FIRST_MONTH = {Half.FIRST: 4, Half.SECOND: 10}


def planned_start_of(
    fiscal_year: int | None, month: int | None, half: int | None = None
) -> PlannedStart | None:
    return None if fiscal_year is None else (fiscal_year, month, half)


def fiscal_month_order(month: int | None) -> int:
    """April is the first month of a fiscal year and March the twelfth; no month sorts first."""
    return 0 if month is None else (month - 4) % 12 + 1


def start_key(start: PlannedStart | None) -> tuple[int, int] | None:
    """A planned start as a sortable key: a later key is a later start (a slip). Within a
    fiscal year: the year alone first, then by first day, a half just before its first month
    (令和8年度, 上期, 4月 … 9月, 下期, 10月 … 3月)."""
    if start is None:
        return None
    fiscal_year, month, half = start
    if half is not None:
        return fiscal_year, 2 * fiscal_month_order(HALF_FIRST_MONTH[Half(half)]) - 1
    return fiscal_year, 2 * fiscal_month_order(month)


def planned_start_first_day(start: PlannedStart | None) -> dt.date | None:
    """The planned start as an ISO date (exports): the first day of the stated period, the
    natural "planned start" — a fiscal year from 1 April, a month from its 1st, 上期 from
    1 April and 下期 from 1 October (令和8年度下期 → 2026-10-01, 令和8年度1月 → 2027-01-01)."""
    if start is None:
        return None
    fiscal_year, month, half = start
    if half is not None:
        month = HALF_FIRST_MONTH[Half(half)]
    month = month or 4
    return dt.date(fiscal_year if month >= 4 else fiscal_year + 1, month, 1)


def planned_start_display(start: PlannedStart | None) -> str:
    """As written: 令和8年度, 令和8年度 10月, 令和8年度上期."""
    if start is None:
        return ""
    fiscal_year, month, half = start
    if half is not None:
        return gettext("%(fiscal_year)s%(half)s") % {
            "fiscal_year": fiscal_year_display(fiscal_year),
            "half": Half(half).label,
        }
    if month is None:
        return fiscal_year_display(fiscal_year)
    return gettext("%(fiscal_year)s %(month)s月") % {
        "fiscal_year": fiscal_year_display(fiscal_year),
        "month": month,
    }


class ChangeField(models.TextChoices):
    STATUS = "status", _("利用意向")
    PLANNED_START = "planned_start", _("利用開始予定")
    RENEWAL = "renewal_fiscal_year", _("現行システム更新時期")
    PROCUREMENT = "procurement", _("調達方法")
    REASON = "reason", _("理由")
    NOTE = "note", _("備考")


class ChangeSource(models.TextChoices):
    FORM = "form", _("画面")
    SURVEY = "survey", _("調査票の取込")
    DEMO = "demo", _("デモデータ")


class AdoptionChange(ChangeRecord):
    """One changed field of one adoption row, kept for ever: old, new, why, who, when.

    Values are kept in their stored form (see `encode_value`), so the history shows in either
    language and a later change of labels does not rewrite it.
    """

    adoption = models.ForeignKey(
        Adoption, on_delete=models.CASCADE, related_name="changes", verbose_name=_("利用状況")
    )
    field = models.CharField(_("項目"), max_length=30, choices=ChangeField.choices)
    old_value = models.CharField(_("変更前"), max_length=200, blank=True)
    new_value = models.CharField(_("変更後"), max_length=200, blank=True)
    source = models.CharField(
        _("経路"), max_length=10, choices=ChangeSource.choices, default=ChangeSource.FORM
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("利用状況の変更")
        verbose_name_plural = _("利用状況の変更")

    def __str__(self) -> str:
        return f"{self.adoption_id} {self.field}: {self.old_value} → {self.new_value}"

    @property
    def old_display(self) -> str:
        return decode_value(self.field, self.old_value)

    @property
    def new_display(self) -> str:
        return decode_value(self.field, self.new_value)

    @property
    def field_label(self) -> str:
        return choice_label(ChangeField, self.field)


def encode_value(answer, field: str) -> str:
    """The stored form of one tracked field of an Adoption or AdoptionValues: status and
    procurement by value (procurement with its group after a colon), a planned start as 2027,
    2027-10 or 2027-H1 (a half), years as numbers."""
    if field == ChangeField.PLANNED_START:
        year, month = answer.planned_start_fiscal_year, answer.planned_start_month
        half = answer.planned_start_half
        if year is None:
            return ""
        if half is not None:
            return f"{year}-H{half}"
        return str(year) if month is None else f"{year}-{month:02d}"
    if field == ChangeField.RENEWAL:
        return "" if answer.renewal_fiscal_year is None else str(answer.renewal_fiscal_year)
    if field == ChangeField.PROCUREMENT:
        group = answer.procurement_group
        return f"{answer.procurement}:{group}" if group else answer.procurement
    return str(getattr(answer, field))


def decode_value(field: str, value: str) -> str:
    """What encode_value stored, as shown to a reader in the active language."""
    if not value:
        return ""
    if field == ChangeField.STATUS:
        return choice_label(Status, value)
    if field == ChangeField.PLANNED_START:
        year, _sep, period = value.partition("-")
        if period.startswith("H"):
            return planned_start_display((int(year), None, int(period[1:])))
        return planned_start_display((int(year), int(period) if period else None, None))
    if field == ChangeField.RENEWAL:
        return fiscal_year_display(int(value))
    if field == ChangeField.PROCUREMENT:
        kind, _sep, group = value.partition(":")
        label = choice_label(Procurement, kind)
        return f"{label}（{group}）" if group else label
    return value
