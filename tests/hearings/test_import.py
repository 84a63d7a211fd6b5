"""Paste -> preview -> correct -> confirm: nothing is saved before confirmation."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from hearings.models import Material, Meeting, MinutesEntry

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


def _form_fields(html: str) -> dict[str, str]:
    """The values the preview page would submit (inputs, selected options, textareas)."""
    fields: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = _unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[name] = _unescape(body.lstrip("\n"))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        fields[name] = selected.group(1) if selected else ""
    # A formset's empty form (a <template> the add-row script clones) is not submitted.
    return {name: value for name, value in fields.items() if "__prefix__" not in name}


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_pasting_shows_a_preview_and_saves_nothing(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "hearing_example_fictional.txt").read_text(encoding="utf-8")
    response = client.post(reverse("hearings:import"), {"text": text})
    body = response.content.decode()
    assert response.status_code == 200
    assert "まだ何も保存されていません" in body
    assert "見本 一郎" in body and "仮名" in body
    assert "「架空県見本町」は地方公共団体マスタに見つかりません" in body
    assert not Meeting.objects.exists() and not MinutesEntry.objects.exists()


def test_the_corrected_preview_is_saved_on_confirmation_with_the_raw_text(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")
    preview = client.post(reverse("hearings:import"), {"text": text}).content.decode()
    data = _form_fields(preview)
    assert data["title"].startswith("国・地方デジタル共通基盤推進連絡協議会ワーキングチーム")
    data["title"] = "第9回ワーキングチーム（修正済み）"  # the secretariat corrects the preview
    data["attendees-0-name"] = "池田 博之（修正）"
    response = client.post(reverse("hearings:import"), data, follow=True)
    assert response.status_code == 200
    meeting = Meeting.objects.get()
    assert meeting.title == "第9回ワーキングチーム（修正済み）"
    assert meeting.number == 9 and meeting.kind == "wt"
    assert meeting.attendees.get(position=0).name == "池田 博之（修正）"
    assert meeting.agenda_items.count() == 4
    assert meeting.entries.filter(agenda_item__number=2).count() == 5
    assert meeting.minutes.raw_text == text.replace("\r\n", "\n") or meeting.minutes.raw_text
    assert set(Material.objects.values_list("label", flat=True)) == {
        "資料1-1",
        "資料1-2",
        "資料2",
        "資料3",
    }


def test_an_invalid_confirmation_keeps_everything_in_the_form_and_saves_nothing(
    client, secretariat
):
    client.force_login(secretariat)
    text = (SAMPLES / "hearing_example_fictional.txt").read_text(encoding="utf-8")
    data = _form_fields(client.post(reverse("hearings:import"), {"text": text}).content.decode())
    data["date"] = ""
    response = client.post(reverse("hearings:import"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "保存できませんでした" in body
    assert "小規模な町村において" in body
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "テキストが空です"),
        ("\x00\x01\x02binary" * 50, "バイナリ"),
        ("あ" * 2_000_001, "2000000"),
    ],
)
def test_bad_pastes_get_a_clear_message_and_keep_the_form(client, secretariat, text, message):
    client.force_login(secretariat)
    response = client.post(reverse("hearings:import"), {"text": text})
    assert response.status_code == 400
    assert message in response.content.decode().replace(",", "")


def test_an_impossible_date_is_flagged_in_the_preview(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "hearing_example_fictional.txt").read_text(encoding="utf-8")
    text = text.replace("令和７年 ６月 ９日（月）", "令和０年 ２月３０日（月）")
    body = client.post(reverse("hearings:import"), {"text": text}).content.decode()
    assert "存在しません" in body
    assert not Meeting.objects.exists()


def test_only_the_secretariat_may_import(client, wt_member):
    client.force_login(wt_member)
    assert client.get(reverse("hearings:import")).status_code == 403
    assert client.post(reverse("hearings:import"), {"text": "x"}).status_code == 403


def test_the_command_prints_the_structure_as_json():
    out = StringIO()
    call_command("import_minutes", str(SAMPLES / "hearing_example_fictional.txt"), stdout=out)
    data = json.loads(out.getvalue())
    assert data["format"] == "hearing" and data["date"] == "2025-06-09"
    assert data["attendees"][2]["proxy_name"] == "仮名"


def _preview(client, text: str) -> tuple[str, dict[str, str]]:
    body = client.post(reverse("hearings:import"), {"text": text}).content.decode()
    return body, _form_fields(body)


def test_importing_the_same_minutes_again_names_the_meeting_it_duplicates(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")
    _body, data = _preview(client, text)
    client.post(reverse("hearings:import"), data)
    first = Meeting.objects.get()

    body, data = _preview(client, text)
    assert "同じ会議が既に登録されている可能性があります" in body
    assert f'href="{first.get_absolute_url()}"' in body
    assert 'name="allow_duplicate"' in body


def test_a_copy_with_other_line_breaks_and_digits_is_still_the_same_minutes(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")
    _body, data = _preview(client, text)
    client.post(reverse("hearings:import"), data)
    first = Meeting.objects.get()
    first.date = first.date.replace(year=2020)  # not the same day: only the text can tell
    first.save()

    copy = text.replace("\n", "\r\n").replace("2", "２").replace("。", "。 ")
    body, _data = _preview(client, copy)
    assert f'href="{first.get_absolute_url()}"' in body


def test_saving_a_likely_duplicate_is_refused_until_the_secretariat_says_so(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")
    client.post(reverse("hearings:import"), _preview(client, text)[1])
    _body, data = _preview(client, text)

    refused = client.post(reverse("hearings:import"), data)
    assert refused.status_code == 400
    assert "重複を承知で登録する" in refused.content.decode()
    assert Meeting.objects.count() == 1

    data["allow_duplicate"] = "on"
    client.post(reverse("hearings:import"), data)
    assert Meeting.objects.count() == 2


def test_a_hearing_of_another_association_on_the_same_day_is_not_a_duplicate(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "hearing_example_fictional.txt").read_text(encoding="utf-8")
    client.post(reverse("hearings:import"), _preview(client, text)[1])
    other = text.replace("全国町村会", "全国市長会").replace("見本町", "見本市")
    body, data = _preview(client, other)
    assert "同じ会議が既に登録されている可能性があります" not in body
    client.post(reverse("hearings:import"), data)
    assert Meeting.objects.count() == 2


SEVERAL_SPEAKERS = """国・地方デジタル共通基盤推進連絡協議会ワーキングチーム（個別ヒアリング）
指定都市市長会 議事要旨
１．日 時 令和７年 10月 18日（土）14:30～15:15
２．場 所 オンライン開催
３．出席者
(1) ヒアリング対象者 指定都市市長会（静岡県浜松市、長野県松本市）
見本 一郎  浜松市デジタル・スマートシティ推進課長
(2) ワーキングチームメンバー
試験 太郎  架空県総合企画部長
４．議事概要
① 共通化に期待することは何ですか。
・（浜松市）当市では窓口の負担軽減を期待している。
・【松本市】事務の標準化が前提と考える。
・ 両市とも費用の見通しを求めている。
以上
"""


def test_several_speaking_municipalities_and_a_speaker_per_answer(client, secretariat):
    client.force_login(secretariat)
    body, data = _preview(client, SEVERAL_SPEAKERS)
    assert data["speaking_municipalities"] == "静岡県浜松市、長野県松本市"
    speakers = [data[f"entries-{n}-speaker"] for n in range(4)]
    assert speakers == ["", "浜松市", "松本市", ""]
    assert data["entries-1-text"] == "当市では窓口の負担軽減を期待している。"

    client.post(reverse("hearings:import"), data)
    meeting = Meeting.objects.get()
    assert sorted(m.name for m in meeting.speaking_municipalities.all()) == ["松本市", "浜松市"]
    assert meeting.entries.get(speaker="松本市").text == "事務の標準化が前提と考える。"
    page = client.get(meeting.get_absolute_url()).content.decode()
    for municipality in meeting.speaking_municipalities.all():
        assert f'href="{municipality.get_absolute_url()}"' in page


def test_a_speaking_municipality_not_in_the_master_is_refused_with_its_name(client, secretariat):
    client.force_login(secretariat)
    _body, data = _preview(client, SEVERAL_SPEAKERS)
    data["speaking_municipalities"] = "静岡県浜松市、架空県見本町"
    response = client.post(reverse("hearings:import"), data)
    assert response.status_code == 400
    assert "「架空県見本町」に当たる地方公共団体が見つかりません" in response.content.decode()
    assert not Meeting.objects.exists()


def test_rows_are_added_and_removed_in_the_preview(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "hearing_example_fictional.txt").read_text(encoding="utf-8")
    _body, data = _preview(client, text)
    total = int(data["entries-TOTAL_FORMS"])
    first = next(n for n in range(total) if data[f"entries-{n}-text"].startswith("小規模な町村"))
    data[f"entries-{first}-DELETE"] = "on"
    data[f"entries-{total}-kind"] = "remark"
    data[f"entries-{total}-text"] = "→ 追加した発言"
    data["entries-TOTAL_FORMS"] = str(total + 1)
    data["attendees-1-DELETE"] = "on"
    data["materials-0-DELETE"] = "on"
    client.post(reverse("hearings:import"), data)
    meeting = Meeting.objects.get()
    texts = list(meeting.entries.values_list("text", flat=True))
    assert "→ 追加した発言" in texts
    assert not any(t.startswith("小規模な町村において") for t in texts)
    assert not meeting.attendees.filter(name="例示 花子").exists()


def test_listed_materials_are_shown_in_the_preview_and_saved_as_corrected(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")
    _body, data = _preview(client, text)
    labels = {data[f"materials-{n}-label"]: n for n in range(int(data["materials-TOTAL_FORMS"]))}
    assert {"資料1-1", "資料1-2", "資料2", "資料3"} <= set(labels)
    data[f"materials-{labels['資料3']}-DELETE"] = "on"
    data[f"materials-{labels['資料2']}-title"] = "修正した資料名"
    client.post(reverse("hearings:import"), data)
    meeting = Meeting.objects.get()
    assert not meeting.materials.filter(label="資料3").exists()
    assert meeting.materials.get(label="資料2").title == "修正した資料名"


def test_a_material_label_too_long_is_an_error_in_the_preview_not_cut(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")
    _body, data = _preview(client, text)
    data["materials-0-label"] = "資料" + "1" * 60
    response = client.post(reverse("hearings:import"), data)
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_the_preview_carries_no_state_in_hidden_fields_but_the_version(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")
    body, _data = _preview(client, text)
    hidden = set(re.findall(r'<input type="hidden" name="([^"]+)"', body))
    hidden = {re.sub(r"^\w+-(\d+|__prefix__)-", "", name) for name in hidden}
    assert hidden <= {
        "csrfmiddlewaretoken",
        "confirm",
        "version",
        "id",
        *(
            f"{p}-{k}"
            # decisions, requests: the proposed rows (issue 18) are formsets too
            for p in ("attendees", "agenda", "entries", "materials", "decisions", "requests")
            for k in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
        ),
    }
    assert "資料1-1" in body and "議事要旨の原文" in body


def test_a_ticked_duplicate_box_survives_an_error_elsewhere_in_the_form(client, secretariat):
    client.force_login(secretariat)
    text = (SAMPLES / "wt09_2026-02-04.txt").read_text(encoding="utf-8")
    client.post(reverse("hearings:import"), _preview(client, text)[1])
    _body, data = _preview(client, text)
    data["allow_duplicate"] = "on"
    data["agenda-0-title"] = ""  # an error the secretariat has to fix first
    body = client.post(reverse("hearings:import"), data).content.decode()
    assert "同じ会議が既に登録されている可能性があります" in body
    assert re.search(r'<input type="checkbox" name="allow_duplicate"[^>]*checked', body)
