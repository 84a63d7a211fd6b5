"""Seats and terms: constraints, the secretariat's services, linking attendees on save, the
import preview, and the pages that show seats."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from bodies import services
from bodies.demo import demo_seats_load
from bodies.models import Body, HolderKind, Seat, SeatTerm
from candidates.demo import ministries_ensure
from hearings import services as meeting_services
from hearings.models import Attendee, Meeting, MeetingKind
from municipalities.models import Association, LocalGovernment
from tests.hearings.test_import import _form_fields
from tests.meetings import save_meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

SAMPLES = Path(__file__).parents[1] / "hearings" / "samples"
WT9 = dt.date(2026, 2, 4)
ICHINOMIYA_SEAT = {
    "body": "wt",
    "holder_kind": "local_government",
    "local_government_text": "愛知県一宮市",
    "position": "総務部長",
    "order": "2",
    "active_from": "2024-06-01",
}


def yamaguchi() -> LocalGovernment:
    return LocalGovernment.objects.get(name="山口県")


def wt_seat(user, **values) -> Seat:
    fields = {
        "body": Body.WT,
        "holder_kind": HolderKind.LOCAL_GOVERNMENT,
        "local_government": yamaguchi(),
        "position": "総合企画部長",
        "active_from": dt.date(2024, 6, 1),
    }
    return services.seat_create(user=user, **{**fields, **values})


def wt9(user, *attendees: tuple[str, str]) -> Meeting:
    """The WT 9th meeting with (name, title) attendees, saved as the editor saves it."""
    return save_meeting(
        user,
        kind=MeetingKind.WT,
        title="第9回ワーキングチーム",
        date=WT9,
        attendees=[{"name": name, "title": title} for name, title in attendees],
    )


def hold(user, seat: Seat, person: str) -> SeatTerm:
    return services.seat_term_start(
        user=user, seat=seat, person_name=person, start=dt.date(2025, 4, 1)
    )


def test_a_seat_has_exactly_one_holder_of_its_kind():
    ministry = ministries_ensure()["デジタル庁"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Seat.objects.create(
            body=Body.WT,
            holder_kind=HolderKind.LOCAL_GOVERNMENT,
            local_government=yamaguchi(),
            ministry=ministry,
            position="部長",
            active_from=dt.date(2024, 6, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Seat.objects.create(
            body=Body.WT,
            holder_kind=HolderKind.SECRETARIAT,
            local_government=yamaguchi(),
            position="参事官",
            active_from=dt.date(2024, 6, 1),
        )


def test_a_seat_and_a_term_end_after_they_start(secretariat):
    with pytest.raises(IntegrityError), transaction.atomic():
        Seat.objects.create(
            body=Body.WT,
            holder_kind=HolderKind.SECRETARIAT,
            position="参事官",
            active_from=dt.date(2025, 4, 1),
            active_to=dt.date(2025, 3, 31),
        )
    seat = wt_seat(secretariat)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatTerm.objects.create(
            seat=seat, person_name="池田 博之", start=dt.date(2025, 4, 1), end=dt.date(2025, 1, 1)
        )


def test_a_new_holder_ends_the_term_before_and_overlaps_are_refused(secretariat):
    seat = wt_seat(secretariat)
    first = services.seat_term_start(
        user=secretariat, seat=seat, person_name="前任 太郎", start=dt.date(2024, 6, 1)
    )
    services.seat_term_start(
        user=secretariat, seat=seat, person_name="池田 博之", start=dt.date(2025, 4, 1)
    )
    first.refresh_from_db()
    assert first.end == dt.date(2025, 3, 31)
    with pytest.raises(ValidationError, match="重なります"):
        services.seat_term_start(
            user=secretariat,
            seat=seat,
            person_name="誰か",
            start=dt.date(2024, 10, 1),
            end=dt.date(2024, 12, 1),
        )


def test_a_seat_that_passes_to_another_town_ends_the_old_seat_and_its_term(secretariat):
    old = wt_seat(
        secretariat,
        local_government=LocalGovernment.objects.get(name="美郷町", prefecture__name="秋田県"),
        position="企画課長",
    )
    services.seat_term_start(
        user=secretariat, seat=old, person_name="旧任 一郎", start=dt.date(2024, 6, 1)
    )
    new = wt_seat(
        secretariat,
        local_government=LocalGovernment.objects.get(name="水巻町"),
        position="企画課長",
        active_from=dt.date(2025, 4, 1),
        follows=old,
    )
    old.refresh_from_db()
    assert old.active_to == dt.date(2025, 3, 31)
    assert old.terms.get().end == dt.date(2025, 3, 31)
    assert list(old.followed_by.all()) == [new]


def test_only_the_secretariat_writes_seats(wt_member):
    with pytest.raises(PermissionDenied):
        wt_seat(wt_member)


def test_saving_a_meeting_links_attendees_to_seats_and_holders_on_its_date(secretariat):
    seat = wt_seat(secretariat)
    term = hold(secretariat, seat, "池田 博之")
    meeting = wt9(
        secretariat,
        ("池田 博之", "山口県総合企画部長"),
        ("河野 太郎", "デジタル行財政改革担当大臣"),
    )
    linked, unmatched = meeting.attendees.order_by("position")
    assert (linked.seat, linked.seat_term) == (seat, term)
    assert unmatched.seat is None and unmatched.seat_term is None


def test_re_saving_from_the_editor_matches_again(client, secretariat):
    meeting = wt9(secretariat, ("池田 博之", "山口県総合企画部長"))
    assert meeting.attendees.get().seat is None
    seat = wt_seat(secretariat)  # the seat registered afterwards
    client.force_login(secretariat)
    page = client.get(reverse("hearings:edit", args=[meeting.pk])).content.decode()
    assert "山口県総合企画部長" in page and "出席者と会議の席の照合" in page
    response = client.post(reverse("hearings:edit", args=[meeting.pk]), _form_fields(page))
    assert response.status_code == 302
    assert meeting.attendees.get().seat == seat


def _paste(client, name: str) -> str:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    return client.post(reverse("hearings:import"), {"text": text}).content.decode()


def test_the_wt9_preview_matches_every_member_and_the_save_links_them(client, secretariat):
    ministries_ensure()
    demo_seats_load(secretariat=secretariat)
    client.force_login(secretariat)
    preview = _paste(client, "wt09_2026-02-04.txt")
    section = preview[preview.index("出席者と会議の席の照合") :]
    assert "照合できませんでした" not in section
    assert "内閣官房デジタル行財政改革会議事務局参事官" in section and "鈴木 優一" in section
    assert not Meeting.objects.exists()

    client.post(reverse("hearings:import"), _form_fields(preview))

    attendees = Attendee.objects.filter(meeting__number=9)
    assert attendees.count() == 12
    assert not attendees.filter(seat__isnull=True).exists()
    assert not attendees.filter(seat_term__isnull=True).exists()
    assert attendees.get(name="折田 裕幸").seat_term.person_name == "折田 裕幸"


def test_the_preview_shows_who_could_not_be_matched_and_still_saves(client, secretariat):
    ministries_ensure()
    demo_seats_load(secretariat=secretariat)
    client.force_login(secretariat)
    preview = _paste(client, "prep01_2024-04-05.txt")
    section = preview[preview.index("出席者と会議の席の照合") :]
    minister = re.search(r"河野 太郎.*?</tr>", section, re.S).group(0)
    assert "照合できませんでした" in minister
    assert "所属・役職に当たる席が見つかりません" in minister

    response = client.post(reverse("hearings:import"), _form_fields(preview))

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.attendees.get(name="河野 太郎").seat is None
    assert meeting.attendees.get(name="村岡 嗣政").seat.position == "知事"


def test_a_proxy_is_recorded_against_the_seat_of_the_member_it_stands_in_for(client, secretariat):
    mic = ministries_ensure()["総務省自治行政局"]
    seat = services.seat_create(
        user=secretariat,
        body=Body.WT,
        holder_kind=HolderKind.MINISTRY,
        ministry=mic,
        position="住民制度課長",
        active_from=dt.date(2024, 6, 1),
    )
    hold(secretariat, seat, "見本 四郎")
    client.force_login(secretariat)
    preview = _paste(client, "hearing_example_fictional.txt")
    client.post(reverse("hearings:import"), _form_fields(preview))

    attendee = Attendee.objects.get(name="見本 四郎")
    assert attendee.proxy_name == "仮置"
    assert attendee.seat == seat and attendee.seat_term.person_name == "見本 四郎"


def test_the_organisation_pages_show_their_seats_and_the_meetings_they_attended(
    client, secretariat, wt_member
):
    mayors = Association.objects.get(slug="mayors")
    digital = ministries_ensure()["デジタル庁"]
    seats = [
        wt_seat(secretariat),
        wt_seat(
            secretariat,
            body=Body.COUNCIL,
            holder_kind=HolderKind.ASSOCIATION,
            local_government=None,
            association=mayors,
            position="事務総長",
        ),
        wt_seat(
            secretariat,
            holder_kind=HolderKind.MINISTRY,
            local_government=None,
            ministry=digital,
            position="統括官付参事官",
        ),
    ]
    for seat, person in zip(seats, ["池田 博之", "事務 総長", "橘 清司"], strict=True):
        hold(secretariat, seat, person)
    wt9(secretariat, ("池田 博之", "山口県総合企画部長"), ("橘 清司", "デジタル庁統括官付参事官"))
    client.force_login(wt_member)

    lg_page = client.get(yamaguchi().get_absolute_url()).content.decode()
    association_page = client.get(mayors.get_absolute_url()).content.decode()
    ministry_page = client.get(reverse("candidates:ministry", args=[digital.pk])).content.decode()

    assert "会議の席" in lg_page and "総合企画部長" in lg_page and "池田 博之" in lg_page
    assert "第9回ワーキングチーム" in lg_page[lg_page.index("席として出席した会議") :]
    assert "事務総長" in association_page and "事務 総長" in association_page
    assert "席として出席した会議はありません" in association_page
    assert "統括官付参事官" in ministry_page and "第9回ワーキングチーム" in ministry_page


def test_the_seat_pages_create_edit_and_add_a_holder(client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("bodies:seat_create"), ICHINOMIYA_SEAT)
    seat = Seat.objects.get()
    assert response.status_code == 302 and str(seat) == "愛知県一宮市総務部長"
    response = client.post(
        reverse("bodies:term_create", args=[seat.pk]),
        {"person_name": "伊藤 正樹", "start": "2025-04-01"},
    )
    assert response.status_code == 302 and seat.terms.get().person_name == "伊藤 正樹"
    listing = client.get(reverse("bodies:seat_list")).content.decode()
    assert "愛知県一宮市総務部長" in listing and "伊藤 正樹" in listing


def test_bad_seat_input_gets_a_clear_message_and_saves_nothing(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("bodies:seat_create"),
        {**ICHINOMIYA_SEAT, "local_government_text": "存在しない市", "active_to": "2024-01-01"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "地方公共団体が見つかりません" in body
    assert not Seat.objects.exists()
    seat = wt_seat(secretariat)
    response = client.post(
        reverse("bodies:term_create", args=[seat.pk]),
        {"person_name": "池田 博之", "start": "2025-04-01", "end": "2025-01-01"},
    )
    assert response.status_code == 400
    assert "退任日は就任日以降の日付にしてください" in response.content.decode()


def test_demo_seats_load_twice_without_duplicates(secretariat):
    ministries_ensure()
    first = demo_seats_load(secretariat=secretariat)
    assert demo_seats_load(secretariat=secretariat) == first
    assert SeatTerm.objects.count() == first


def test_relinking_a_saved_meeting_after_seats_are_added(secretariat):
    meeting = wt9(secretariat, ("池田 博之", "山口県総合企画部長"))
    seat = wt_seat(secretariat)
    assert meeting_services.attendees_link_seats(user=secretariat, meeting=meeting) == 1
    assert meeting.attendees.get().seat == seat


def test_the_demo_wt9_meeting_has_its_attendees_linked_even_when_seats_come_later(secretariat):
    from candidates.demo import demo_data_load
    from hearings.demo import demo_meetings_load

    demo_data_load()
    demo_meetings_load(secretariat=secretariat)  # an older demo database: no seats yet
    demo_seats_load(secretariat=secretariat)
    demo_meetings_load(secretariat=secretariat)

    wt9 = Meeting.objects.get(kind=MeetingKind.WT, number=9)
    assert wt9.attendees.count() == 12
    assert not wt9.attendees.filter(seat_term__isnull=True).exists()
    prep = Meeting.objects.get(kind=MeetingKind.PREP)
    assert list(prep.attendees.filter(seat__isnull=True).values_list("name", flat=True)) == [
        "河野 太郎"
    ]


def test_seats_are_listed_by_body_as_the_council_ranks_them(secretariat):
    from bodies.selectors import seat_list

    ministries_ensure()
    demo_seats_load(secretariat=secretariat)

    bodies = [row.seat.body for row in seat_list(today=WT9)]

    assert bodies == sorted(bodies, key=[Body.WT, Body.PREP].index)
    assert str(seat_list(today=WT9)[0].seat) == "山口県総合企画部長"
