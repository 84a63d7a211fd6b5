"""Bodies (会議体) and their seats (席): who sits on the council, the WT, the preparatory
meeting and the interim report meetings, by position and not by person.

A seat is one position of one organisation (山口県総合企画部長, the secretariat's 参事官) on one
body, for a period (active_from … active_to). People hold a seat for a term (SeatTerm). When
membership changes, the old seat ends and a new one starts with `follows` pointing back, so
the history reads right (a WT seat of one town's 課長 passing to another town's; a seat moving
from the preparatory meeting to the council). A meeting's body follows from its kind
(`bodies_of_meeting_kind`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Body(models.TextChoices):
    COUNCIL = "council", _("連絡協議会")
    WT = "wt", _("ワーキングチーム")
    PREP = "prep", _("準備会合")
    INTERIM = "interim", _("中間報告会")


# The seats that may be filled at a meeting of each kind, in order of preference: a hearing is
# held by the WT; an interim report meeting (per candidate) is held under the WT, so WT seats
# count there after its own. Keys are hearings.MeetingKind values (no import: hearings links
# to seats, not the other way round). "other" has no body.
MEETING_KIND_BODIES: dict[str, tuple[str, ...]] = {
    "council": (Body.COUNCIL,),
    "wt": (Body.WT,),
    "hearing": (Body.WT,),
    "interim": (Body.INTERIM, Body.WT),
    "prep": (Body.PREP,),
}


def bodies_of_meeting_kind(kind: str) -> tuple[str, ...]:
    """The bodies whose seats a meeting of `kind` fills; the first is the meeting's body."""
    return MEETING_KIND_BODIES.get(kind, ())


class HolderKind(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("地方公共団体")
    MINISTRY = "ministry", _("府省庁")
    ASSOCIATION = "association", _("地方団体の連合組織")
    SECRETARIAT = "secretariat", _("事務局")


# How minutes name the secretariat before a position (…事務局参事官); the first is its name.
SECRETARIAT_NAMES = ("内閣官房デジタル行財政改革会議事務局", "デジタル行財政改革会議事務局")


class Seat(models.Model):
    """A seat on a body, held by position in one organisation: exactly one of a local
    government, a ministry or an association, or the secretariat (which has no row)."""

    body = models.CharField(_("会議体"), max_length=20, choices=Body.choices, db_index=True)
    holder_kind = models.CharField(_("席の所属の種類"), max_length=20, choices=HolderKind.choices)
    local_government = models.ForeignKey(
        "municipalities.LocalGovernment",
        verbose_name=_("地方公共団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
    )
    ministry = models.ForeignKey(
        "candidates.Ministry",
        verbose_name=_("府省庁"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
    )
    association = models.ForeignKey(
        "municipalities.Association",
        verbose_name=_("地方団体の連合組織"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
    )
    position = models.CharField(
        _("役職"), max_length=200, help_text=_("所属名を除いた役職（例：総合企画部長）")
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    active_from = models.DateField(_("設置日"))
    active_to = models.DateField(_("廃止日"), null=True, blank=True)
    follows = models.ForeignKey(
        "self",
        verbose_name=_("前の席"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text=_("構成の変更でこの席が引き継いだ席（別の団体・別の会議体からの移動）"),
    )

    class Meta:
        verbose_name = _("会議の席")
        verbose_name_plural = _("会議の席")
        ordering = ["body", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    holder_kind=HolderKind.LOCAL_GOVERNMENT,
                    local_government__isnull=False,
                    ministry__isnull=True,
                    association__isnull=True,
                )
                | Q(
                    holder_kind=HolderKind.MINISTRY,
                    local_government__isnull=True,
                    ministry__isnull=False,
                    association__isnull=True,
                )
                | Q(
                    holder_kind=HolderKind.ASSOCIATION,
                    local_government__isnull=True,
                    ministry__isnull=True,
                    association__isnull=False,
                )
                | Q(
                    holder_kind=HolderKind.SECRETARIAT,
                    local_government__isnull=True,
                    ministry__isnull=True,
                    association__isnull=True,
                ),
                name="seat_exactly_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=F("active_from")),
                name="seat_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name}{self.position}"

    def get_absolute_url(self) -> str:
        return reverse("bodies:seat_edit", args=[self.pk])

    @property
    def organisation_name(self) -> str:
        if self.holder_kind == HolderKind.LOCAL_GOVERNMENT and self.local_government:
            return self.local_government.qualified_name
        if self.holder_kind == HolderKind.MINISTRY and self.ministry:
            return str(self.ministry)
        if self.holder_kind == HolderKind.ASSOCIATION and self.association:
            return self.association.name
        return gettext(SECRETARIAT_NAMES[0])

    def organisation_names(self) -> list[str]:
        """Every way minutes write the organisation before the position (愛知県一宮市, 一宮市)."""
        if self.holder_kind == HolderKind.LOCAL_GOVERNMENT and self.local_government:
            return list(dict.fromkeys([self.organisation_name, self.local_government.name]))
        if self.holder_kind == HolderKind.SECRETARIAT:
            return list(SECRETARIAT_NAMES)
        return [self.organisation_name]

    def is_active_on(self, day: dt.date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


class SeatTerm(models.Model):
    """A person's term in a seat (from start to end, or open): who sat there on a day."""

    seat = models.ForeignKey(
        Seat, verbose_name=_("席"), on_delete=models.CASCADE, related_name="terms"
    )
    person_name = models.CharField(_("氏名"), max_length=100)
    start = models.DateField(_("就任日"))
    end = models.DateField(_("退任日"), null=True, blank=True)

    class Meta:
        verbose_name = _("在任期間")
        verbose_name_plural = _("在任期間")
        ordering = ["seat", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="seat_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.person_name

    def clean(self) -> None:
        """Terms of one seat do not overlap: on any day one person holds it."""
        if self.seat_id is None or self.start is None:
            return
        overlapping = SeatTerm.objects.filter(seat_id=self.seat_id).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(end__isnull=True) | Q(end__gte=self.start))
        if self.end is not None:
            overlapping = overlapping.filter(start__lte=self.end)
        if other := overlapping.first():
            raise ValidationError(
                gettext("この期間は%(name)sさんの在任期間（%(start)s～）と重なります。")
                % {"name": other.person_name, "start": other.start.isoformat()}
            )

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
