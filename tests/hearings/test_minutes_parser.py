"""The minutes parser, pinned on the three sample formats and on made-up texts with PDF artefacts."""

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearings.minutes_normalise import normalise_line
from hearings.minutes_parser import parse_minutes
from tests.hearings.test_minutes_parser_properties import assert_parsed_soundly

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _all_text(result) -> str:
    parts = [result.title, result.place, *result.unplaced]
    parts += [label + title for label, title in result.material_titles.items()]
    parts += [result.association_name, "、".join(result.speaking_municipality_names)]
    for a in result.attendees:
        parts += [a.raw]
    for item in result.agenda_items:
        parts += [item.title, item.explanation]
    parts += [e.speaker + e.text for e in result.entries]
    return re.sub(r"\s+", "", "".join(parts))


@pytest.mark.parametrize(
    "name", ["hearing_example_fictional.txt", "wt09_2026-02-04.txt", "prep01_2024-04-05.txt"]
)
def test_no_text_of_a_sample_is_dropped(name):
    """Every character of the body is somewhere: in the structure or in the unplaced text."""
    result = parse_minutes(sample(name))
    placed = _all_text(result)
    structural = re.compile(
        r"^\s*(?:\d+\.\s*(日時|場所|出席者|議事概要)|[（(](開催要領|議事次第|資料|概要)[）)]|議事要旨|以上|\(\d\)\s*(ヒアリング対象者|ワーキングチームメンバー))\s*$"
    )
    for raw in sample(name).splitlines():
        line = normalise_line(raw).strip()
        if not line or structural.match(line):
            continue
        if re.match(r"^[<＜].*発言[>＞]$|^\(\d\)\s*(ヒアリング対象者|ワーキングチーム)", line):
            continue  # section headings: remarks follow / attendee groups (association kept apart)
        core = re.sub(r"^(?:-\s*)?(?:(?:・|→|○|[①-⑳]|[（(]\d+[）)]|\d+\.)\s*)?", "", line)
        core = re.sub(r"\s+", "", core).replace("*", "")
        core = core.replace("議事要旨", "")
        if core.startswith("日時"):
            continue  # parsed into date, weekday and times, checked by the tests below
        core = re.sub(r"^場所", "", core)
        if core and core != "以上" and not core.startswith(("(1)", "(2)")):
            assert core[:12] in placed, f"lost: {line}"


def test_wt_minutes_give_agenda_items_with_materials_outcomes_and_remarks():
    result = parse_minutes(sample("wt09_2026-02-04.txt"))
    assert result.format == "wt" and result.kind == "wt" and result.number == 9
    assert result.date == dt.date(2026, 2, 4)
    assert (result.start_time, result.end_time) == (dt.time(14, 30), dt.time(15, 15))
    assert result.place == "オンライン開催"
    assert len(result.attendees) == 12
    assert [i.number for i in result.agenda_items] == [1, 2, 3, 4]
    first = result.agenda_items[0]
    assert first.materials == ["資料1-1", "資料1-2"]
    assert first.outcome == "（案）のとおり進めていくこととなった"
    remarks_of_1 = [e for e in result.entries if e.agenda_number == 1]
    assert len(remarks_of_1) == 5
    # the bullet split across a page break ("…難し" / "い。") is one remark again
    assert any("難しい。できるだけ" in e.text for e in remarks_of_1)
    assert result.materials == ["資料1-1", "資料1-2", "資料2", "資料3"]
    assert result.warnings == []


def test_hearing_minutes_give_questions_answers_and_remarks_in_order():
    result = parse_minutes(sample("hearing_example_fictional.txt"))
    assert result.format == "hearing" and result.kind == "hearing"
    assert result.date == dt.date(2025, 6, 9)
    assert result.association_name == "全国町村会"
    assert result.speaking_municipality_names == ["架空県見本町"]
    kinds = [(e.kind, e.question_number) for e in result.entries if e.kind != "note"]
    assert kinds[:5] == [
        ("question", 1),
        ("answer", 1),
        ("answer", 1),
        ("remark", 1),
        ("answer", 1),
    ]
    assert [e.question_number for e in result.entries if e.kind == "question"] == [1, 2]
    # a line broken mid-sentence is joined back
    assert result.entries[2].text.startswith("小規模な町村において") and result.entries[
        2
    ].text.endswith("ますか。")


def test_proxy_line_attaches_to_the_member_above_it():
    result = parse_minutes(sample("hearing_example_fictional.txt"))
    heard = [a for a in result.attendees if a.group == "heard"]
    members = [a for a in result.attendees if a.group == "wt_member"]
    assert [a.name for a in heard] == ["見本 一郎", "例示 花子"]
    proxied = {a.name: (a.proxy_unit, a.proxy_name, a.proxy_title) for a in members if a.proxy_name}
    assert proxied == {
        "試験 太郎": ("デジタル推進課", "仮名", "課長"),
        "見本 四郎": ("地域DX推進室", "仮置", "補佐"),  # the stray space in "地域 DX推進室" is gone
    }


def test_transcript_minutes_give_speeches_with_speakers_and_stage_notes():
    result = parse_minutes(sample("prep01_2024-04-05.txt"))
    assert result.format == "transcript" and result.kind == "prep" and result.number == 1
    speeches = [e for e in result.entries if e.kind == "speech"]
    assert speeches[0].speaker == "阪田内閣官房デジタル行財政改革会議事務局長"
    assert any(e.kind == "note" and e.text == "(報道関係者退室)" for e in result.entries)
    assert [i.title for i in result.agenda_items][0] == "開催の趣旨及び運営について"
    assert result.material_titles["資料7"].endswith("説明資料（松田構成員提出資料）")
    assert "参考資料2" in result.materials


MADE_UP_WT = """国・地方デジタル共通基盤推進連絡協議会ワーキングチーム（第１２回）
議事要旨
１．日 時 令和 ８ 年 ４ 月 ２ 日（木） １０：００～１１：００
２．場 所 中央合同庁舎第８号館
３．出席者
山田 一 架空県総務部長
４．議事概要
（１）共通化候補（令和８年度選定分）について
事務局から、資料 1 に基づき説明し、（案）のとおり了承された。
<ワーキングチーム・メンバーからの主な発言>
・ 介護分野のシステムについては、早期の共通化を期待す
る。
- 3 -
・ 費用の見通しを示していただきたい。
以上
"""


def test_full_width_digits_stray_spaces_and_page_numbers_are_normalised():
    result = parse_minutes(MADE_UP_WT)
    assert result.number == 12
    assert result.date == dt.date(2026, 4, 2)
    assert result.start_time == dt.time(10, 0)
    assert result.place == "中央合同庁舎第8号館"
    assert result.agenda_items[0].materials == ["資料1"]
    assert result.agenda_items[0].outcome == "（案）のとおり了承された"
    texts = [e.text for e in result.entries]
    assert texts == [
        "介護分野のシステムについては、早期の共通化を期待する。",
        "費用の見通しを示していただきたい。",
    ]
    assert result.unplaced == []


@pytest.mark.parametrize(
    ("date_text", "fragment"),
    [("令和０年４月１日（月）", "存在しません"), ("令和7年2月30日（月）", "存在しない日付")],
)
def test_impossible_dates_are_flagged_not_fatal(date_text, fragment):
    result = parse_minutes(MADE_UP_WT.replace("令和 ８ 年 ４ 月 ２ 日（木）", date_text))
    assert result.date is None
    assert any(fragment in w for w in result.warnings)


def test_a_weekday_that_does_not_match_the_date_is_flagged():
    result = parse_minutes(MADE_UP_WT.replace("（木）", "（金）"))
    assert result.date == dt.date(2026, 4, 2)
    assert any("曜日が日付と一致しません" in w for w in result.warnings)


def test_unknown_text_is_kept_as_unplaced_with_a_warning():
    result = parse_minutes("今日は晴れ。\nとくに議題はない。")
    assert result.format == "unknown"
    assert result.unplaced or result.title
    assert any("形式" in w for w in result.warnings)


def test_empty_input_gives_a_warning():
    assert parse_minutes("   \n ").warnings == ["テキストが空です。"]


def test_a_proxy_without_a_member_above_is_flagged():
    text = MADE_UP_WT.replace("山田 一 架空県総務部長", "（代理 総務課 佐藤課長）")
    result = parse_minutes(text)
    assert any("代理" in w for w in result.warnings)


def test_a_large_paste_is_parsed_quickly():
    import time

    big = MADE_UP_WT.replace("以上", "") + ("・ 介護保険の事務について意見を述べた。\n" * 8000)
    start = time.perf_counter()
    result = parse_minutes(big)
    assert len(result.entries) > 8000
    assert time.perf_counter() - start < 10  # generous: linear, never catastrophic


FRAGMENTS = [
    "１．日 時 ",
    "令和",
    "元",
    "0",
    "7年",
    "13月",
    "2月30日",
    "（月）",
    "14:30～",
    "２．場 所 ",
    "３．出席者\n",
    "（代理 ",
    "）\n",
    "４．議事概要\n",
    "(1) ",
    "① ",
    "・ ",
    "→ ",
    "○**",
    "** ",
    "資料1-",
    "\n",
    "  ",
    "以上",
    "- 2 -\n",
    "\f",
    "\x00",
]


# parse_minutes never raises (it falls back to leaving every line unplaced), so "does not
# crash" cannot fail; the property that can is that the parser itself copes with the text:
# no fallback, and no text lost (any text at all: test_minutes_parser_properties.py).
@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=60))
def test_minutes_like_fragments_are_parsed_without_the_fallback_or_loss(parts):
    text = "".join(parts)
    assert_parsed_soundly(text, parse_minutes(text))


# -- regressions found by the properties in test_minutes_parser_properties.py -----------------


def test_text_in_the_date_section_besides_the_date_and_times_is_kept():
    result = parse_minutes(MADE_UP_WT.replace("１０：００～１１：００", "10:00～11:00 於 第8号館"))
    assert (result.date, result.start_time) == (dt.date(2026, 4, 2), dt.time(10, 0))
    assert result.unplaced == ["於 第8号館"]  # was dropped


def test_lines_under_the_date_when_the_next_heading_is_lost_are_kept():
    text = MADE_UP_WT.replace("２．場 所 中央合同庁舎第８号館\n３．出席者\n", "")
    result = parse_minutes(text)
    assert result.date == dt.date(2026, 4, 2)
    assert result.unplaced == ["山田 一 架空県総務部長"]  # was dropped with the time


def test_a_date_section_without_a_date_is_kept():
    result = parse_minutes(
        MADE_UP_WT.replace("令和 ８ 年 ４ 月 ２ 日（木） １０：００～１１：００", "未定")
    )
    assert result.date is None
    assert result.unplaced == ["未定"]


def test_numbers_too_long_for_int_leave_the_structure_and_a_warning():
    # int() refuses more than 4300 digits; this used to send the whole paste to the fallback
    huge = "9" * 5000
    text = MADE_UP_WT.replace("第１２回", f"第{huge}回").replace("令和 ８ 年", f"\n令和{huge}年")
    result = parse_minutes(text)
    assert result.number is None and result.date is None
    assert len(result.entries) == 2
    assert any(w.startswith("日付が正しくありません") for w in result.warnings)
    assert not any("構造を読み取れませんでした" in w for w in result.warnings)


def test_a_remark_joined_onto_the_remarks_heading_is_kept():
    text = MADE_UP_WT.replace("主な発言>\n・", "主な発言>・")
    result = parse_minutes(text)
    assert [e.text for e in result.entries][0] == (
        "介護分野のシステムについては、早期の共通化を期待する。"  # was dropped with the heading
    )


def test_a_material_listed_twice_keeps_both_titles():
    text = "会議\n（資料）\n資料1 説明資料\n資料1 別の説明資料\n"
    result = parse_minutes(text)
    assert result.material_titles == {"資料1": "説明資料"}
    assert result.unplaced == ["資料1別の説明資料"]  # was overwritten


def test_words_inside_the_working_team_group_label_are_kept():
    text = MADE_UP_WT.replace(
        "３．出席者\n", "３．出席者\n(2) ワーキングチーム（架空の例）メンバー\n"
    )
    result = parse_minutes(text)
    assert [a.group for a in result.attendees] == ["wt_member"]
    assert result.unplaced == ["(2) ワーキングチーム（架空の例）メンバー"]


@pytest.mark.parametrize(
    "text",
    [
        "会議\n4. 議事概要\n" + " " * 50_000 + "x\n",
        "(" + " " * 50_000 + "x\n",
        "会議" + " " * 50_000 + "（案）議事要旨\n",
        "1" + " " * 50_000 + "x\n",
        "会議\n1. 日時\n令和7年4月5日 10:00" + " " * 50_000 + "x\n",
        "会議\n3. 出席者\n山田 一 部長\n(代理" + " " * 5_000 + "年\n",
        "会議\n4. 議事概要\n(1) 議題\n" + "あ" * 50_000 + "\n",
    ],
    ids=["spaces", "bracket", "title", "page-number", "time", "proxy", "outcome"],
)
def test_long_runs_of_one_character_are_parsed_in_linear_time(text):
    """Each took from ten seconds (quadratic backtracking) to minutes (cubic, the proxy)."""
    start = time.perf_counter()
    parse_minutes(text)
    assert time.perf_counter() - start < 1
