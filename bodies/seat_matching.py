"""Matching an attendee as the minutes write them to a seat and the person holding it.

Pure: it reads plain values (SeatEntry, built by bodies.selectors.seat_directory) and decides
nothing by database order, so the same minutes always match the same way.

The rule:
1. The seats that count are those of the meeting's bodies (bodies_of_meeting_kind) active on
   the meeting's date, the meeting's own body first.
2. A seat fits when the attendee's organisation and title, run together without spaces and
   with full-width letters and digits made half-width, equal the seat's organisation name
   and position (山口県総合企画部長; 愛知県一宮市総務部長 or 一宮市総務部長).
3. One fitting seat is the match. Several (the secretariat has three 参事官 seats) are told
   apart by the name of the person holding each on that date; still several, none is chosen.
4. The person is the seat's holder on that date when the attendee's name is theirs.
   A proxy (代理) row carries the member's name and title: it is matched the same way, so the
   proxy is recorded against the seat they stand in for.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bodies.models import bodies_of_meeting_kind


def squash(text: str) -> str:
    """The text to compare: NFKC (ＤＸ → DX, ７ → 7), no spaces of any width."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class TermEntry:
    id: int
    person_name: str
    start: dt.date
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class SeatEntry:
    id: int
    body: str
    label: str  # how pages name it: 山口県総合企画部長
    keys: frozenset[str]  # squashed organisation name + position, every way minutes write it
    active_from: dt.date
    active_to: dt.date | None
    terms: tuple[TermEntry, ...] = ()

    def is_active_on(self, day: dt.date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)

    def holder_on(self, day: dt.date) -> TermEntry | None:
        return next((t for t in self.terms if t.covers(day)), None)


def seat_keys(organisation_names: Iterable[str], position: str) -> frozenset[str]:
    return frozenset(squash(name + position) for name in organisation_names)


# Why a row matched only in part, or not at all.
NO_BODY = "no_body"
NO_SEAT = "no_seat"
AMBIGUOUS = "ambiguous"
NO_HOLDER = "no_holder"
OTHER_HOLDER = "other_holder"


@dataclass(frozen=True)
class SeatMatch:
    seat: SeatEntry | None = None
    term: TermEntry | None = None
    problem: str = ""
    holder_name: str = ""  # OTHER_HOLDER: who holds the seat on that date

    @property
    def matched(self) -> bool:
        return not self.problem

    @property
    def note(self) -> str:
        """What the preview says about the row (empty when seat and person both matched)."""
        if self.problem == NO_BODY:
            return _("この種類の会議には席がありません。")
        if self.problem == NO_SEAT:
            return _("所属・役職に当たる席が見つかりません。")
        if self.problem == AMBIGUOUS:
            return _("所属・役職に当たる席が複数あり、氏名で絞り込めません。")
        if self.problem == NO_HOLDER:
            return _("席は見つかりましたが、開催日の在任者が登録されていません。")
        if self.problem == OTHER_HOLDER:
            return _("席は見つかりましたが、開催日の在任者は%(name)sさんです。") % {
                "name": self.holder_name
            }
        return ""


def match_attendee(
    *,
    seats: Sequence[SeatEntry],
    organisation: str,
    title: str,
    name: str,
    on: dt.date,
    meeting_kind: str,
) -> SeatMatch:
    """The seat and term an attendee row stands for on `on` (see the module's rule)."""
    bodies = bodies_of_meeting_kind(meeting_kind)
    if not bodies:
        return SeatMatch(problem=NO_BODY)
    key = squash(organisation + title)
    person = squash(name)
    if not key:
        return SeatMatch(problem=NO_SEAT)
    for body in bodies:
        fitting = [s for s in seats if s.body == body and s.is_active_on(on) and key in s.keys]
        if fitting:
            break
    else:
        return SeatMatch(problem=NO_SEAT)
    if len(fitting) > 1:
        fitting = [s for s in fitting if _holder_named(s, on, person)]
        if len(fitting) != 1:
            return SeatMatch(problem=AMBIGUOUS)
    seat = fitting[0]
    holder = seat.holder_on(on)
    if holder is None:
        return SeatMatch(seat=seat, problem=NO_HOLDER)
    if squash(holder.person_name) != person:
        return SeatMatch(seat=seat, problem=OTHER_HOLDER, holder_name=holder.person_name)
    return SeatMatch(seat=seat, term=holder)


def _holder_named(seat: SeatEntry, on: dt.date, person: str) -> bool:
    holder = seat.holder_on(on)
    return holder is not None and bool(person) and squash(holder.person_name) == person
