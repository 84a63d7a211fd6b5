"""Properties of the minutes parser: no pasted text breaks it, and none of the text is lost.

parse_minutes promises (its module docstring) never to raise and never to drop text: what it
cannot place goes to `unplaced`. It also has a last resort for an unexpected exception (all
lines unplaced, one warning); that keeps the page up, but taking it is still a bug, so these
properties check that it is never taken.

Inputs: arbitrary unicode, the real samples mutated as PDF copy-and-paste mutates text, and
junk built from the format's own markers with impossible numbers.
"""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearings.minutes_import import record_from_parse
from hearings.minutes_normalise import normalise_lines
from hearings.minutes_parser import CIRCLED, parse_minutes

SAMPLES = sorted((Path(__file__).parent / "samples").glob("*.txt"))
SAMPLE_LINES = [path.read_text(encoding="utf-8").split("\n") for path in SAMPLES]
FALLBACK_WARNING = "議事要旨の構造を読み取れませんでした"

# Each example parses in milliseconds (the longest sample in ~10 ms); these counts keep the
# whole file around ten seconds.
RUNS = settings(max_examples=400, deadline=None)
SAMPLE_RUNS = settings(max_examples=300, deadline=None)
DB_RUNS = settings(max_examples=40, deadline=None)

# -- what "no text is lost" means ------------------------------------------------------------
#
# The parser changes text only by normalising it (normalise_lines), by taking off the markers of
# the format (section headings, attendee group labels, ・ → ① bullets, 議事要旨) and by turning
# the date and times into values. So, after the same normalisation and with those markers and
# dates cut out, every run of four or more kana and kanji must appear verbatim in the output.
# ・ is not part of a run: it is a bullet the parser removes.
RUN = re.compile(r"[\u3040-\u30fa\u30fc-\u30ff\u3400-\u9fff\uf900-\ufaff々〆]{4,}")
# Headings may be spaced out as the PDF printed them (日 時, 議 事 概 要).
MARKER_WORDS = re.compile(
    r"議事要旨|議\s*事\s*概\s*要|開催要領|議事次第|出\s*席\s*者|日\s*時|場\s*所|資\s*料|概\s*要"
    "|ヒアリング対象者|ワーキングチーム|メンバー|構成員|説明補助者|事務局|オブザーバー"
)
# The heading before WT remarks (<ワーキングチーム・メンバーからの主な発言>) is a marker, also
# after a section heading the PDF joined it to (4. 議事概要<…主な発言>).
REMARKS_HEADING = re.compile(r"[<＜][^<＜>＞]*発言[^<＜>＞]*[>＞]")
# What the parser reads as a date becomes a value (令和元年 is then 2019): cut out, with its weekday.
ERA_DATE = re.compile(
    r"(令和|平成|昭和)\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日(?:\s*[（(]\s*(\S)\s*[）)])?"
)


def runs_that_must_survive(text: str) -> set[str]:
    runs = set()
    for line in normalise_lines(text):
        line = MARKER_WORDS.sub(" ", ERA_DATE.sub(" ", REMARKS_HEADING.sub(" ", line)))
        runs.update(RUN.findall(line))
    return runs


def assert_parsed_soundly(text: str, result) -> None:
    """The invariants every parse keeps."""
    as_json = json.dumps(result.to_dict(), ensure_ascii=False)
    assert all(isinstance(w, str) and w for w in result.warnings)
    assert not any(w.startswith(FALLBACK_WARNING) for w in result.warnings), result.warnings
    assert all(isinstance(line, str) and line.strip() for line in result.unplaced)
    lost = sorted(run for run in runs_that_must_survive(text) if run not in as_json)
    assert not lost, f"text dropped: {lost}"


# -- inputs ----------------------------------------------------------------------------------

FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
HALF_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

BROAD_CHARACTERS = st.one_of(
    st.characters(exclude_categories=["Cs"]),
    st.characters(min_codepoint=0x3000, max_codepoint=0x30FF),  # CJK punctuation, kana
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # kanji
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII
    st.characters(max_codepoint=0x1F) | st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
    st.sampled_from(list("\n\n\n\r\f\t \u3000\u2028\u0085" + CIRCLED + "・→○（）()<>＜＞※")),
)
JAPANESE = st.text(
    st.characters(min_codepoint=0x3041, max_codepoint=0x3093)
    | st.characters(min_codepoint=0x30A1, max_codepoint=0x30F6)
    | st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
    | st.sampled_from(list("、。「」（）")),
    min_size=1,
    max_size=24,
)


def either_width(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(text, st.booleans()).map(
        lambda pair: pair[0].translate(FULL_WIDTH_DIGITS) if pair[1] else pair[0]
    )


NUMBERS = either_width(
    st.one_of(
        st.integers(0, 40).map(str),
        st.sampled_from(["0", "00", "13", "29", "30", "31", "32", "60", "99", "999", "10000"]),
        st.integers(0, 10**20).map(str),
        st.integers(4290, 4400).map(lambda n: "9" * n),  # past int()'s 4300-digit limit
    )
)
SPACE = st.sampled_from(["", "", " ", "  ", "\u3000", "\t"])
ERA_YEAR = NUMBERS | st.just("元")


@st.composite
def era_dates(draw) -> str:
    era = draw(st.sampled_from(["令和", "平成", "昭和", "大正"]))
    parts = [era, draw(ERA_YEAR), "年", draw(NUMBERS), "月", draw(NUMBERS), "日"]
    text = draw(SPACE).join(parts)
    if draw(st.booleans()):
        weekday = draw(st.sampled_from(list("月火水木金土日") + ["x", "月曜", ""]))
        text += draw(st.sampled_from(["（{}）", "({})", "（ {} ）"])).format(weekday)
    return text


@st.composite
def time_ranges(draw) -> str:
    start, end = draw(NUMBERS), draw(NUMBERS)
    minutes = draw(NUMBERS), draw(NUMBERS)
    if draw(st.booleans()):
        return f"{start}:{minutes[0]}{draw(st.sampled_from('～~〜-－'))}{end}:{minutes[1]}"
    return f"午後{start}時{minutes[0]}分～{end}時{minutes[1]}分"


HEADINGS = st.sampled_from(
    [
        "1. 日時",
        "１．日 時 ",
        "2. 場所",
        "２．場 所 ",
        "3. 出席者",
        "３．出席者 ",
        "4. 議事概要",
        "４．議事概要",
        "（開催要領）",
        "（議事次第）",
        "（資料）",
        "（概要）",
        "(概要",
        "議事要旨",
    ]
)
MARKERS = st.sampled_from(
    [
        "・ ",
        "- ・ ",
        "→ ",
        "○",
        "○**",
        "** ",
        "（代理 ",
        "（代理）",
        "）",
        "<ワーキングチーム・メンバーからの主な発言>",
        "＜説明＞",
        "※",
        "(1) ヒアリング対象者 ",
        "(2) ワーキングチームメンバー",
        "(3) 事務局",
        "（架空の例）",
        "以上",
        "- 3 -",
        "こととなった。",
        "了承された",
        "、",
        "。",
    ]
)


@st.composite
def numbered(draw) -> str:
    number = draw(NUMBERS)
    return draw(
        st.sampled_from(
            ["({}) ", "（{}）", "- （{}）", "第{}回", "資料{}", "資料{}-1 ", "参考資料 {}", "{}. "]
        )
    ).format(number)


PIECES = st.one_of(
    HEADINGS,
    MARKERS,
    st.sampled_from(CIRCLED),
    numbered(),
    era_dates(),
    time_ranges(),
    JAPANESE,
    JAPANESE,
    st.text(BROAD_CHARACTERS, max_size=6),
    SPACE,
)
JUNK_LINES = st.lists(PIECES, max_size=4).map("".join)


@st.composite
def structured_minutes(draw) -> str:
    """Sections in the usual order, each filled with lines of markers, numbers and text."""
    sections = [
        [draw(JAPANESE) + draw(numbered()), "議事要旨"],
        [draw(HEADINGS), draw(era_dates()) + draw(SPACE) + draw(time_ranges())],
        [draw(HEADINGS), *draw(st.lists(JUNK_LINES, max_size=8))],
        [draw(HEADINGS), *draw(st.lists(JUNK_LINES, max_size=20))],
    ]
    if draw(st.booleans()):
        sections = draw(st.permutations(sections))
    return "\n".join(line for section in sections for line in section)


def _delete(draw, lines, i):
    return lines[:i] + lines[i + 1 :]


def _duplicate(draw, lines, i):
    return lines[: i + 1] + lines[i:]


def _insert_line(draw, lines, i):
    return [*lines[:i], draw(JUNK_LINES | st.text(BROAD_CHARACTERS, max_size=20)), *lines[i:]]


def _insert_in_line(draw, lines, i):
    line = lines[i]
    at = draw(st.integers(0, len(line)))
    return [*lines[:i], line[:at] + draw(PIECES) + line[at:], *lines[i + 1 :]]


def _join_with_next(draw, lines, i):
    glue = draw(st.sampled_from(["", " ", "\u3000"]))
    return [*lines[:i], glue.join(lines[i : i + 2]), *lines[i + 2 :]]


def _split(draw, lines, i):
    line = lines[i]
    at = draw(st.integers(0, len(line)))
    return [*lines[:i], line[:at], line[at:], *lines[i + 1 :]]


def _swap_digit_width(draw, lines, i):
    table = draw(st.sampled_from([FULL_WIDTH_DIGITS, HALF_WIDTH_DIGITS]))
    return [*lines[:i], lines[i].translate(table), *lines[i + 1 :]]


def _whitespace(draw, lines, i):
    line = lines[i]
    at = draw(st.integers(0, len(line)))
    space = draw(st.text(st.sampled_from(" \t\u3000\u00a0\f"), min_size=1, max_size=4))
    return [*lines[:i], line[:at] + space + line[at:], *lines[i + 1 :]]


MUTATIONS = [
    _delete,
    _duplicate,
    _insert_line,
    _insert_in_line,
    _join_with_next,
    _split,
    _swap_digit_width,
    _whitespace,
]


@st.composite
def mutated_samples(draw) -> str:
    lines = list(draw(st.sampled_from(SAMPLE_LINES)))
    for _ in range(draw(st.integers(1, 12))):
        mutate = draw(st.sampled_from(MUTATIONS))
        if not lines:
            lines = [""]
        lines = mutate(draw, lines, draw(st.integers(0, len(lines) - 1)))
    return "\n".join(lines)


# -- properties ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name)
def test_the_samples_themselves_keep_every_invariant(path):
    text = path.read_text(encoding="utf-8")
    assert_parsed_soundly(text, parse_minutes(text))


@RUNS
@given(st.text(BROAD_CHARACTERS, max_size=400))
def test_any_unicode_text_is_parsed_without_error_or_loss(text):
    assert_parsed_soundly(text, parse_minutes(text))


@SAMPLE_RUNS
@given(mutated_samples())
def test_samples_mangled_by_copy_and_paste_are_parsed_without_error_or_loss(text):
    assert_parsed_soundly(text, parse_minutes(text))


@RUNS
@given(structured_minutes())
def test_minutes_shaped_junk_with_impossible_numbers_is_parsed_without_error_or_loss(text):
    assert_parsed_soundly(text, parse_minutes(text))


@RUNS
@given(era_dates(), time_ranges())
def test_an_impossible_date_or_time_becomes_a_warning_not_a_failure(date, times):
    text = f"ワーキングチーム（第1回）\n1. 日時 \n{date} {times}\n2. 場所 オンライン開催\n"
    result = parse_minutes(text)
    assert_parsed_soundly(text, result)
    assert result.date is not None or any("日付" in w for w in result.warnings)
    if result.start_time is not None:
        assert result.end_time is not None


@pytest.mark.django_db
@DB_RUNS
@given(st.one_of(mutated_samples(), structured_minutes(), st.text(BROAD_CHARACTERS, max_size=200)))
def test_the_preview_is_built_from_any_parse(text):
    parsed = parse_minutes(text)
    record = record_from_parse(parsed, text)
    assert record.minutes.raw_text == text
    assert record.minutes.unplaced_text == "\n".join(parsed.unplaced)
    warnings = record.minutes.warnings or []
    assert all(isinstance(w, str) for w in warnings)
    assert warnings[: len(parsed.warnings)] == parsed.warnings
    assert [m.label for m in record.materials] == parsed.materials
    attendees, agenda, entries = record.attendees, record.agenda_items, record.entries
    assert (len(attendees), len(agenda), len(entries)) == (
        len(parsed.attendees),
        len(parsed.agenda_items),
        len(parsed.entries),
    )
