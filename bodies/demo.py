"""Demo seats (デモデータ): the WT members of the 9th meeting and the preparatory meeting's
members, by position as the sample minutes list them, so that the demo meetings' attendees
are linked to seats. Terms start at the fiscal year (WT) or the meeting (準備会合); the minutes
do not say when each person took the post. Rerunning creates nothing twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from bodies import services
from bodies.forms import find_local_government
from bodies.models import Body, HolderKind, Seat, SeatTerm
from candidates.models import Ministry
from core.models import User

WT_FROM, WT_TERM_FROM = dt.date(2024, 6, 1), dt.date(2025, 4, 1)
PREP_FROM = dt.date(2024, 4, 5)
LG, MINISTRY, SECRETARIAT = (
    HolderKind.LOCAL_GOVERNMENT,
    HolderKind.MINISTRY,
    HolderKind.SECRETARIAT,
)

# (holder kind, organisation, bureau, position, person) as the minutes list them.
WT_SEATS = (
    (LG, "山口県", "", "総合企画部長", "池田 博之"),
    (LG, "愛知県一宮市", "", "総務部長", "伊藤 正樹"),
    (LG, "福岡県水巻町", "", "企画課長", "手嶋 圭吾"),
    (SECRETARIAT, "", "", "参事官", "名越 一郎"),
    (SECRETARIAT, "", "", "参事官", "折田 裕幸"),
    (SECRETARIAT, "", "", "参事官", "鈴木 優一"),
    (MINISTRY, "デジタル庁", "", "統括官付参事官", "橘 清司"),
    (MINISTRY, "デジタル庁", "", "統括官付参事官", "浅岡 孝充"),
    (MINISTRY, "デジタル庁", "", "統括官付参事官付企画官", "萩原 一博"),
    (MINISTRY, "総務省", "自治行政局", "住民制度課", "池田 敬之"),
    (MINISTRY, "総務省", "自治行政局", "行政経営支援室長 併任 地域DX推進室長", "村上 仰志"),
    (MINISTRY, "総務省", "自治行政局", "住民制度課デジタル基盤推進室長", "小牧 兼太郎"),
)
# The minister (デジタル行財政改革担当大臣) has no seat: the preview shows him as not matched.
PREP_SEATS = (
    (LG, "山口県", "", "知事", "村岡 嗣政"),
    (LG, "愛知県一宮市", "", "長", "中野 正康"),
    (LG, "秋田県美郷町", "", "長", "松田 知己"),
    (SECRETARIAT, "", "", "長", "阪田 涉"),
    (SECRETARIAT, "", "", "審議官", "小川 康則"),
    (MINISTRY, "デジタル庁", "", "デジタル監", "浅沼 尚"),
    (MINISTRY, "デジタル庁", "", "戦略・組織グループ統括官", "富安 泰一郎"),
    (MINISTRY, "総務省", "", "自治行政局長", "山野 謙"),
)
# (body, seat from, term from, seats)
DEMO_SEATS = (
    (Body.WT, WT_FROM, WT_TERM_FROM, WT_SEATS),
    (Body.PREP, PREP_FROM, PREP_FROM, PREP_SEATS),
)


def _holder(kind: str, organisation: str, bureau: str) -> dict | None:
    """The seat's holder fields, or None when the master data does not have it."""
    holder: dict = {"local_government": None, "ministry": None, "association": None}
    if kind == HolderKind.LOCAL_GOVERNMENT:
        holder["local_government"] = find_local_government(organisation)
        return holder if holder["local_government"] else None
    if kind == HolderKind.MINISTRY:
        holder["ministry"] = Ministry.objects.filter(name=organisation, bureau=bureau).first()
        return holder if holder["ministry"] else None
    return holder


@transaction.atomic
def demo_seats_load(*, secretariat: User) -> int:
    """Create the demo seats and their holders once each; returns how many seats exist."""
    for body, since, term_from, rows in DEMO_SEATS:
        for order, (kind, organisation, bureau, position, person) in enumerate(rows):
            holder = _holder(kind, organisation, bureau)
            if holder is None:
                continue  # master data not loaded
            seat = Seat.objects.filter(
                body=body, holder_kind=kind, position=position, order=order, **holder
            ).first()
            if seat is None:
                seat = services.seat_create(
                    user=secretariat,
                    body=body,
                    holder_kind=kind,
                    position=position,
                    order=order,
                    active_from=since,
                    **holder,
                )
            if not SeatTerm.objects.filter(seat=seat, person_name=person).exists():
                services.seat_term_start(
                    user=secretariat, seat=seat, person_name=person, start=term_from
                )
    return Seat.objects.count()
