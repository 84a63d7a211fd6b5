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
    return fields


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
