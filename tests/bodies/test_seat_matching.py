"""The matcher on plain values: the WT 9th meeting's members as the minutes list them."""

import datetime as dt

from bodies.models import SECRETARIAT_NAMES
from bodies.seat_matching import (
    AMBIGUOUS,
    NO_BODY,
    NO_HOLDER,
    NO_SEAT,
    OTHER_HOLDER,
    SeatEntry,
    TermEntry,
    match_attendee,
    seat_keys,
)

WT9 = dt.date(2026, 2, 4)


def seat(
    pk, organisations, position, *terms, body="wt", since=dt.date(2024, 6, 1), until=None
) -> SeatEntry:
    return SeatEntry(
        id=pk,
        body=body,
        label=organisations[0] + position,
        keys=seat_keys(organisations, position),
        active_from=since,
        active_to=until,
        terms=tuple(
            TermEntry(id=pk * 100 + n, person_name=name, start=start, end=end)
            for n, (name, start, end) in enumerate(terms)
        ),
    )


FY2025 = dt.date(2025, 4, 1)
YAMAGUCHI = seat(1, ["山口県"], "総合企画部長", ("池田 博之", FY2025, None))
ICHINOMIYA = seat(2, ["愛知県一宮市", "一宮市"], "総務部長", ("伊藤 正樹", FY2025, None))
SECRETARIAT = [
    seat(3 + n, list(SECRETARIAT_NAMES), "参事官", (name, FY2025, None))
    for n, name in enumerate(["名越 一郎", "折田 裕幸", "鈴木 優一"])
]
MIC = seat(
    7,
    ["総務省自治行政局"],
    "行政経営支援室長 併任 地域DX推進室長",
    ("村上 仰志", FY2025, None),
)
SEATS = [YAMAGUCHI, ICHINOMIYA, *SECRETARIAT, MIC]


def match(title, name, *, organisation="", seats=SEATS, on=WT9, kind="wt"):
    return match_attendee(
        seats=seats, organisation=organisation, title=title, name=name, on=on, meeting_kind=kind
    )


def test_a_member_listed_with_organisation_and_position_matches_the_seat_and_its_holder():
    result = match("山口県総合企画部長", "池田 博之")

    assert result.matched
    assert result.seat == YAMAGUCHI
    assert result.term.person_name == "池田 博之"
    assert result.note == ""


def test_a_municipality_matches_with_or_without_its_prefecture_and_in_separate_fields():
    assert match("愛知県一宮市総務部長", "伊藤 正樹").seat == ICHINOMIYA
    assert match("総務部長", "伊藤正樹", organisation="一宮市").seat == ICHINOMIYA


def test_spaces_and_full_width_letters_in_the_title_do_not_stop_a_match():
    result = match("総務省自治行政局行政経営支援室長 併任 地域 ＤＸ 推進室長", "村上 仰志")

    assert result.seat == MIC
    assert result.matched


def test_seats_of_the_same_position_are_told_apart_by_their_holders_names():
    result = match("内閣官房デジタル行財政改革会議事務局参事官", "折田 裕幸")

    assert result.seat == SECRETARIAT[1]
    assert result.term.person_name == "折田 裕幸"


def test_a_name_that_holds_none_of_several_fitting_seats_is_not_guessed():
    result = match("内閣官房デジタル行財政改革会議事務局参事官", "見知らぬ 人")

    assert result.seat is None
    assert result.problem == AMBIGUOUS
    assert "複数" in result.note


def test_a_position_without_a_seat_is_reported_as_not_matched():
    result = match("デジタル行財政改革担当大臣", "河野 太郎")

    assert result.seat is None
    assert result.problem == NO_SEAT
    assert result.note


def test_the_holder_on_the_meeting_date_is_the_one_matched():
    changed = seat(
        9,
        ["福岡県水巻町"],
        "企画課長",
        ("前任 太郎", dt.date(2024, 6, 1), dt.date(2025, 3, 31)),
        ("手嶋 圭吾", FY2025, None),
    )

    before = match("福岡県水巻町企画課長", "前任 太郎", seats=[changed], on=dt.date(2024, 12, 1))
    after = match("福岡県水巻町企画課長", "前任 太郎", seats=[changed])

    assert before.matched and before.term.person_name == "前任 太郎"
    assert after.seat == changed and after.problem == OTHER_HOLDER
    assert "手嶋 圭吾" in after.note


def test_a_seat_that_moved_to_another_town_matches_by_the_meeting_date():
    old = seat(
        10,
        ["秋田県美郷町"],
        "企画課長",
        ("旧任 一郎", dt.date(2024, 6, 1), None),
        until=dt.date(2025, 3, 31),
    )
    new = seat(11, ["福岡県水巻町"], "企画課長", ("手嶋 圭吾", FY2025, None), since=FY2025)

    assert (
        match("秋田県美郷町企画課長", "旧任 一郎", seats=[old, new], on=dt.date(2024, 12, 1)).seat
        == old
    )
    assert match("秋田県美郷町企画課長", "旧任 一郎", seats=[old, new]).problem == NO_SEAT
    assert match("福岡県水巻町企画課長", "手嶋 圭吾", seats=[old, new]).seat == new


def test_a_seat_that_moved_to_another_body_counts_only_for_that_bodys_meetings():
    council = seat(
        12, ["山口県"], "知事", ("村岡 嗣政", FY2025, None), body="council", since=FY2025
    )

    assert match("山口県知事", "村岡 嗣政", seats=[council], kind="council").seat == council
    assert match("山口県知事", "村岡 嗣政", seats=[council], kind="wt").problem == NO_SEAT


def test_hearings_fill_wt_seats_and_interim_meetings_fall_back_to_them():
    assert match("山口県総合企画部長", "池田 博之", kind="hearing").seat == YAMAGUCHI
    assert match("山口県総合企画部長", "池田 博之", kind="interim").seat == YAMAGUCHI


def test_a_meeting_of_no_body_matches_nothing():
    assert match("山口県総合企画部長", "池田 博之", kind="other").problem == NO_BODY


def test_a_seat_without_a_recorded_holder_still_matches_the_seat():
    empty = seat(13, ["山口県"], "総合企画部長")

    result = match("山口県総合企画部長", "池田 博之", seats=[empty])

    assert result.seat == empty and result.term is None and result.problem == NO_HOLDER
