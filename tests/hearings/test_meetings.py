import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.concurrency import ConcurrentEditError
from hearings import selectors, services
from hearings.models import Attendee, Meeting, MinutesEntry
from tests.meetings import meeting_record, save_meeting

pytestmark = pytest.mark.django_db


def test_a_hearing_keeps_attendees_with_proxies_entries_in_order_and_the_raw_text(hearing):
    proxy = Attendee.objects.get(meeting=hearing, proxy_name="鈴木 一郎")
    assert (proxy.name, proxy.proxy_unit, proxy.proxy_title) == (
        "佐藤 花子",
        "デジタル推進局",
        "次長",
    )
    assert [e.kind for e in hearing.entries.all()] == ["question", "answer", "remark"]
    assert hearing.minutes.raw_text == "（原文）"


def test_only_the_secretariat_edits_meetings(hearing, wt_member):
    with pytest.raises(PermissionDenied):
        services.meeting_save(
            user=wt_member,
            meeting=hearing,
            version=None,
            record=meeting_record(kind="hearing", title="x", date=hearing.date),
        )
    hearing.refresh_from_db()
    assert hearing.title == "指定都市市長会ヒアリング"


def test_editing_keeps_links_from_remarks_to_candidates(hearing, secretariat, care_candidate):
    remark = hearing.entries.get(kind="remark")
    services.entry_link_candidates(user=secretariat, entry=remark, candidates=[care_candidate])
    record = selectors.meeting_record(meeting=selectors.meeting_detail(pk=hearing.pk))
    for row in record.entries:
        row.text += "（修正）"
    record.attendees = []
    services.meeting_save(user=secretariat, meeting=hearing, version=hearing.version, record=record)
    remark.refresh_from_db()
    assert remark.text.endswith("（修正）")
    assert list(remark.candidates.all()) == [care_candidate]
    assert hearing.attendees.count() == 0


def test_a_stale_meeting_edit_is_refused(hearing, secretariat):
    record = selectors.meeting_record(meeting=selectors.meeting_detail(pk=hearing.pk))
    services.meeting_save(user=secretariat, meeting=hearing, version=hearing.version, record=record)
    with pytest.raises(ConcurrentEditError):
        services.meeting_save(
            user=secretariat, meeting=hearing, version=hearing.version, record=record
        )


def test_meeting_page_shows_the_proxy_under_its_member_and_the_era_date(client, wt_member, hearing):
    client.force_login(wt_member)
    body = client.get(hearing.get_absolute_url()).content.decode()
    assert "令和7年10月18日（土）" in body
    assert "（代理 デジタル推進局 鈴木 一郎次長）" in body
    assert "14:30～15:15" in body


def test_the_secretariat_links_a_remark_to_a_candidate_and_the_candidate_page_lists_it(
    client, secretariat, wt_member, hearing, care_candidate
):
    remark = hearing.entries.get(kind="remark")
    client.force_login(secretariat)
    response = client.post(
        reverse("hearings:entry_link", args=[remark.pk]), {"candidates": [care_candidate.pk]}
    )
    assert response.status_code == 302
    client.force_login(wt_member)
    body = client.get(care_candidate.get_absolute_url()).content.decode()
    assert "共通化の効果は大きいのではないか" in body
    assert "指定都市市長会ヒアリング" in body


def test_wt_members_cannot_link_or_edit(client, wt_member, hearing, care_candidate):
    remark = hearing.entries.get(kind="remark")
    client.force_login(wt_member)
    assert (
        client.post(
            reverse("hearings:entry_link", args=[remark.pk]), {"candidates": [care_candidate.pk]}
        ).status_code
        == 403
    )
    assert client.get(reverse("hearings:edit", args=[hearing.pk])).status_code == 403
    assert not remark.candidates.exists()


def test_a_meeting_entered_by_hand_through_the_form(client, secretariat):
    client.force_login(secretariat)
    form = {
        "kind": "wt",
        "number": "9",
        "title": "第9回ワーキングチーム",
        "date": "2026-02-04",
        "start_time": "10:00",
        "end_time": "11:00",
        "place": "オンライン開催",
        "attendees-TOTAL_FORMS": "1",
        "attendees-INITIAL_FORMS": "0",
        "attendees-0-group": "wt_member",
        "attendees-0-organisation": "一宮市",
        "attendees-0-title": "総務部長",
        "attendees-0-name": "田中 一",
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-number": "1",
        "agenda-0-title": "共通化推進方針（案）について",
        "agenda-0-outcome": "（案）のとおり進めていくこととなった。",
        "entries-TOTAL_FORMS": "2",
        "entries-INITIAL_FORMS": "0",
        "entries-0-kind": "remark",
        "entries-0-agenda_number": "1",
        "entries-0-text": "後の発言",
        "entries-0-ORDER": "2",
        "entries-1-kind": "remark",
        "entries-1-agenda_number": "1",
        "entries-1-text": "先の発言",
        "entries-1-ORDER": "1",
    }
    response = client.post(reverse("hearings:create"), form, follow=True)
    assert response.status_code == 200, response.content.decode()[:2000]
    meeting = Meeting.objects.get(title="第9回ワーキングチーム")
    assert [e.text for e in meeting.entries.all()] == ["先の発言", "後の発言"]
    assert all(e.agenda_item.number == 1 for e in meeting.entries.all())


def test_bad_meeting_input_gets_messages_and_saves_nothing(client, secretariat):
    client.force_login(secretariat)
    form = {
        "kind": "wt",
        "title": "",
        "date": "2026-02-30",
        "start_time": "15:00",
        "end_time": "14:00",
        "speaking_municipalities": "999999",
        "attendees-TOTAL_FORMS": "1",
        "attendees-INITIAL_FORMS": "0",
        "attendees-0-group": "heard",
        "attendees-0-proxy_name": "代理だけ",
        "agenda-TOTAL_FORMS": "0",
        "agenda-INITIAL_FORMS": "0",
        "entries-TOTAL_FORMS": "0",
        "entries-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("hearings:create"), form)
    body = response.content.decode()
    assert response.status_code == 400
    assert "保存できませんでした" in body
    assert "999999" in body
    assert "出席者の氏名" in body
    assert not Meeting.objects.exists()
    assert not MinutesEntry.objects.exists()


def test_only_pdf_materials_are_accepted(client, secretariat, hearing):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(secretariat)
    url = reverse("hearings:material_create", args=[hearing.pk])
    fake = SimpleUploadedFile(
        "資料1.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    response = client.post(url, {"label": "資料1", "file": fake}, follow=True)
    assert "PDF ファイルのみ" in response.content.decode()
    assert not hearing.materials.exists()


@pytest.mark.parametrize("persona", ["secretariat", "wt_member"])
def test_the_meeting_list_renders_for_readers_and_the_secretariat(
    request, client, hearing, persona
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("hearings:list"))
    assert response.status_code == 200
    assert "指定都市市長会ヒアリング" in response.content.decode()
    assert client.get(reverse("hearings:list"), {"kind": "hearing"}).status_code == 200


def test_the_secretariat_links_an_agenda_item_to_a_candidate(client, secretariat, care_candidate):
    from hearings.models import AgendaItem

    meeting = save_meeting(
        secretariat,
        kind="wt",
        title="第9回WT",
        date=dt.date(2026, 2, 4),
        agenda_items=[{"number": 1, "title": "進捗報告"}],
    )
    item = AgendaItem.objects.get(meeting=meeting)
    client.force_login(secretariat)
    assert "議題を候補と関連付ける" in client.get(meeting.get_absolute_url()).content.decode()
    client.post(
        reverse("hearings:agenda_link", args=[item.pk]), {"candidates": [care_candidate.pk]}
    )
    assert list(item.candidates.all()) == [care_candidate]


def test_saving_minutes_with_many_entries_analyses_the_entries_table(
    secretariat, analyze_statements
):
    def save(count):
        save_meeting(
            secretariat,
            kind="wt",
            title=f"第{count}回",
            date=dt.date(2026, 2, 4),
            entries=[{"kind": "remark", "text": f"発言{n}"} for n in range(count)],
        )

    assert analyze_statements(lambda: save(5)) == []
    (analysed,) = analyze_statements(lambda: save(150))
    assert "hearings_minutesentry" in analysed


def test_each_entry_is_written_once(secretariat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    entries = [{"kind": "remark", "text": f"発言{n}", "agenda_number": 1} for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        save_meeting(
            secretariat,
            kind="wt",
            title="第9回WT",
            date=dt.date(2026, 2, 4),
            agenda_items=[{"number": 1, "title": "進捗報告"}],
            entries=entries,
        )
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "hearings_minutesentry" in q["sql"] and q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    assert len(writes) == 5


def test_listed_materials_are_validated_not_cut(secretariat):
    from django.core.exceptions import ValidationError

    from hearings.records import MaterialRow

    record = meeting_record(kind="wt", title="第9回WT", date=dt.date(2026, 2, 4))
    record.materials = [MaterialRow(label="資料" + "1" * 60)]
    with pytest.raises(ValidationError) as raised:
        services.meeting_save(user=secretariat, meeting=None, version=None, record=record)
    assert "materials" in raised.value.message_dict
    assert not Meeting.objects.exists()


def test_a_likely_duplicate_is_refused_by_the_service_unless_allowed(secretariat, hearing):
    record = selectors.meeting_record(meeting=selectors.meeting_detail(pk=hearing.pk))
    for row in (*record.attendees, *record.entries):
        row.id = None
    with pytest.raises(services.DuplicateMeetingError) as raised:
        services.meeting_save(user=secretariat, meeting=None, version=None, record=record)
    assert raised.value.duplicates == [hearing]
    services.meeting_save(
        user=secretariat, meeting=None, version=None, record=record, allow_duplicate=True
    )
    assert Meeting.objects.count() == 2
