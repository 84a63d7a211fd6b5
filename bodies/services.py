"""Writes of seats and terms, by the secretariat only."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bodies.models import HolderKind, Seat, SeatTerm
from core.models import User
from core.permissions import is_secretariat, require

SECRETARIAT_ONLY = _("会議の席を編集できるのは事務局のみです。")

HOLDER_FIELDS = {
    HolderKind.LOCAL_GOVERNMENT: "local_government",
    HolderKind.MINISTRY: "ministry",
    HolderKind.ASSOCIATION: "association",
}


def _apply(seat: Seat, values: dict) -> None:
    for name, value in values.items():
        setattr(seat, name, value)
    # Only the holder the kind names is kept: a form may carry the others' old choices.
    for kind, field in HOLDER_FIELDS.items():
        if seat.holder_kind != kind:
            setattr(seat, field, None)


@transaction.atomic
def seat_create(*, user: User, **values) -> Seat:
    """Create a seat; one that follows an open seat ends that seat the day before it starts
    (membership changed: the seat passed to another organisation or body)."""
    require(is_secretariat(user), SECRETARIAT_ONLY)
    seat = Seat()
    _apply(seat, values)
    seat.full_clean()
    seat.save()
    previous = seat.follows
    if previous is not None and previous.active_to is None:
        previous.active_to = max(previous.active_from, seat.active_from - dt.timedelta(days=1))
        previous.full_clean()
        previous.save(update_fields=["active_to"])
        SeatTerm.objects.filter(seat=previous, end__isnull=True).update(end=previous.active_to)
    return seat


@transaction.atomic
def seat_update(*, user: User, seat: Seat, **values) -> Seat:
    """Change a seat's body, holder, position, order or dates."""
    require(is_secretariat(user), SECRETARIAT_ONLY)
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    _apply(seat, values)
    seat.full_clean()
    seat.save()
    return seat


@transaction.atomic
def seat_term_start(
    *, user: User, seat: Seat, person_name: str, start: dt.date, end: dt.date | None = None
) -> SeatTerm:
    """A person takes the seat from `start`; the holder before them, if still open, leaves
    the day before. Terms that would overlap otherwise are refused."""
    require(is_secretariat(user), SECRETARIAT_ONLY)
    Seat.objects.select_for_update().filter(pk=seat.pk).first()  # one change to a seat at a time
    current = SeatTerm.objects.filter(seat=seat, end__isnull=True, start__lt=start).first()
    if current is not None:
        current.end = start - dt.timedelta(days=1)
        current.full_clean()
        current.save(update_fields=["end"])
    term = SeatTerm(seat=seat, person_name=person_name.strip(), start=start, end=end)
    term.full_clean()
    term.save()
    return term
