"""Parse minutes text (議事要旨) as pasted from a PDF into a structure the secretariat corrects.

Three formats (see shared/DOMAIN.md): WT meetings (agenda items (1)…(n) with explanation,
materials, outcome and bullet remarks), hearings (questions ①②③, answers ・, WT remarks →)
and transcripts (○<speaker> speeches). Header fields: title, 日時 (era date, weekday, time
range), 場所, 出席者 (with 「（代理 …）」 proxies on the line after their member).

It never raises and never drops text: whatever it cannot place is returned in `unplaced`, and
doubts (a weekday that does not match the date, 令和0年, 2月30日) become `warnings`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from core import wareki
from hearings.minutes_normalise import ends_sentence, normalise_lines

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
WEEKDAYS = "月火水木金土日"
TITLE_SUFFIXES = (
    "課長補佐",
    "補佐",
    "課長",
    "係長",
    "室長",
    "部長",
    "次長",
    "局長",
    "参事官",
    "企画官",
    "審議官",
    "専門官",
    "主査",
    "主任",
    "所長",
    "センター長",
    "官",
    "長",
)

# Pasted text can hold lines of thousands of spaces: no pattern has two \s* (or .*?\s*) that can
# share one run of spaces (as in \s*分?\s*), which backtracks quadratically or worse on it.
_DATE = re.compile(
    r"(令和|平成|昭和)\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日(?:\s*[（(]\s*(\S)\s*[）)])?"
)
_TIME = re.compile(
    r"(\d{1,2})\s*(?::|時)\s*(\d{2})\s*(?:分\s*)?[～~〜\-－]\s*(\d{1,2})\s*(?::|時)\s*(\d{2})"
)
_SECTION = re.compile(
    r"^\s*(?:\d+\s*[.．、]|[（(])\s*(日\s*時|場\s*所|出\s*席\s*者|議\s*事\s*概\s*要|開催要領|議事次第|資\s*料|概\s*要)\s*[）)]?\s*(.*)$"
)
_AGENDA = re.compile(r"^\s*(?:[-・]\s*)?[（(]\s*(\d{1,2})\s*[）)]\s*(.+)$")
_GROUP = re.compile(
    r"^\s*[（(]\s*\d\s*[）)]\s*(ヒアリング対象者|ワーキングチーム\S*メンバー|構成員|説明補助者|事務局|オブザーバー)\s*(.*)$"
)
_PROXY = re.compile(r"^\s*[（(]\s*代理(.*)[）)]\s*$")
_MATERIAL = re.compile(r"(参考資料|資料)\s*(\d+(?:\s*[-－]\s*\d+)?)")
_NUMBER = re.compile(r"第\s*(\d+)\s*回")
_BULLET = re.compile(r"^\s*(?:-\s*)?・\s*(.*)$")
_REMARK = re.compile(r"^\s*→\s*(.*)$")
_SPEECH = re.compile(r"^\s*○\s*\**([^*\s]+?)\**\s+(.*)$")
_OUTCOME = re.compile(r"こととなった|了承され|決定した|報告した|とされた")
_CLAUSE_END = re.compile(r"[、。]")
_BRACKETED = re.compile(r"^[<＜][^<＜>＞]*[>＞]")
_HEARD = re.compile(r"^(?P<body>[^（(\s]+)\s*(?:[（(](?P<speaker>[^）)]+)[）)])?$")
_NAME_LIST = re.compile(r"\s*[、,，]\s*")
# Who answers, when several speak for an association: 「・（浜松市）…」, 「・【浜松市】…」 or
# 「・浜松市：…」. Only a body's name (ending 市/町/村/県/都/道/府/区/会) counts, so that an answer
# opening with a parenthesis of its own (「（案）のとおり…」) keeps it.
_BODY_NAME = r"[^\s（(【\[）)】\]：:、。]{0,18}(?:市|町|村|県|都|道|府|区|会)"
_ANSWER_SPEAKER = re.compile(
    rf"^(?:[（(]\s*(?P<p>{_BODY_NAME})\s*[）)]|【\s*(?P<b>{_BODY_NAME})\s*】|(?P<c>{_BODY_NAME})\s*[：:])\s*(?P<text>\S.*)$"
)

GROUP_KEYS = {
    "ヒアリング対象者": "heard",
    "構成員": "council_member",
    "説明補助者": "assistant",
    "事務局": "secretariat",
    "オブザーバー": "other",
}


@dataclass
class ParsedAttendee:
    group: str
    name: str
    title: str = ""
    organisation: str = ""
    proxy_name: str = ""
    proxy_unit: str = ""
    proxy_title: str = ""
    raw: str = ""


@dataclass
class ParsedAgendaItem:
    number: int
    title: str
    explanation: str = ""
    materials: list[str] = field(default_factory=list)
    outcome: str = ""


@dataclass
class ParsedEntry:
    kind: str  # question, answer, remark, speech, note
    text: str
    question_number: int | None = None
    agenda_number: int | None = None
    speaker: str = ""


@dataclass
class ParsedMinutes:
    format: str = "unknown"
    title: str = ""
    kind: str = "other"
    number: int | None = None
    date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    place: str = ""
    attendees: list[ParsedAttendee] = field(default_factory=list)
    agenda_items: list[ParsedAgendaItem] = field(default_factory=list)
    entries: list[ParsedEntry] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    material_titles: dict[str, str] = field(default_factory=dict)
    association_name: str = ""
    speaking_municipality_names: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["start_time"] = self.start_time.strftime("%H:%M") if self.start_time else None
        data["end_time"] = self.end_time.strftime("%H:%M") if self.end_time else None
        return data


def parse_minutes(text: str) -> ParsedMinutes:
    """Parse pasted minutes; never raises (an unexpected failure leaves all text unplaced)."""
    try:
        return _Parser(text).parse()
    except Exception:  # noqa: BLE001 - the secretariat must always get a preview, not an error
        result = ParsedMinutes()
        result.unplaced = [line for line in (text or "").splitlines() if line.strip()]
        result.warnings.append(
            _("議事要旨の構造を読み取れませんでした。内容を手入力で確認してください。")
        )
        return result


def guess_kind(title: str) -> str:
    for needle, kind in (
        ("ヒアリング", "hearing"),
        ("中間報告", "interim"),
        ("準備会合", "prep"),
        ("ワーキングチーム", "wt"),
        ("連絡協議会", "council"),
    ):
        if needle in title:
            return kind
    return "other"


def material_refs(text: str) -> list[str]:
    """資料1-1, 参考資料2 … in order of first mention, normalised."""
    refs = []
    for prefix, number in _MATERIAL.findall(text):
        ref = prefix + re.sub(r"\s+", "", number).replace("－", "-")
        if ref not in refs:
            refs.append(ref)
    return refs


def answer_speaker(text: str) -> tuple[str, str]:
    """'（浜松市）当市では…' -> ('浜松市', '当市では…'); ('', text) when no body is named."""
    if match := _ANSWER_SPEAKER.match(text):
        return match.group("p") or match.group("b") or match.group("c"), match.group("text")
    return "", text


def split_name_title(text: str) -> tuple[str, str]:
    """'仮名課長' -> ('仮名', '課長'), by the longest known title suffix."""
    for suffix in sorted(TITLE_SUFFIXES, key=len, reverse=True):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)], suffix
    return text, ""


class _Parser:
    def __init__(self, text: str):
        self.lines = normalise_lines(text or "")
        self.result = ParsedMinutes()

    # -- top level ----------------------------------------------------------------------------
    def parse(self) -> ParsedMinutes:
        r = self.result
        if not any(line.strip() for line in self.lines):
            r.warnings.append(_("テキストが空です。"))
            return r
        sections = self._split_sections()
        r.title = " ".join(sections.pop("header", []))
        r.kind = guess_kind(r.title)
        if match := _NUMBER.search(r.title):
            with contextlib.suppress(ValueError):  # 第999…9回 beyond int()'s 4300 digits
                r.number = int(match.group(1))
        self._parse_datetime(" ".join(sections.pop("日時", [])))
        r.place = " ".join(line.strip() for line in sections.pop("場所", []) if line.strip())
        attendees = sections.pop("出席者", [])
        body = sections.pop("議事概要", []) or sections.pop("概要", [])
        r.format = self._detect_format(body)
        self._parse_attendees(attendees)
        for agenda_line in sections.pop("議事次第", []):
            if (m := _AGENDA.match(agenda_line)) and r.format == "transcript":
                r.agenda_items.append(ParsedAgendaItem(int(m.group(1)), m.group(2).strip()))
            elif agenda_line.strip():
                r.unplaced.append(agenda_line.strip())
        last_material = ""
        for material_line in sections.pop("資料", []):
            stripped = re.sub(r"^\s*-\s*", "", material_line).strip()
            match = _MATERIAL.match(stripped)
            if match and r.material_titles.get(material_refs(match.group(0))[0]):
                # listed twice: the first title stays, the second is shown for a person to choose
                r.unplaced.append(stripped)
                last_material = ""
            elif match:
                last_material = material_refs(match.group(0))[0]
                if last_material not in r.materials:
                    r.materials.append(last_material)
                r.material_titles[last_material] = stripped[match.end() :].strip()
            elif stripped and last_material:
                r.material_titles[last_material] += stripped  # a title broken by the PDF
            elif stripped:
                r.unplaced.append(stripped)
        for rest in sections.values():
            r.unplaced.extend(line.strip() for line in rest if line.strip())
        {
            "hearing": self._parse_hearing,
            "wt": self._parse_wt,
            "transcript": self._parse_transcript,
        }.get(r.format, self._unplace)(body)
        for ref in material_refs("\n".join(self.lines)):
            if ref not in r.materials:
                r.materials.append(ref)
        if r.format == "unknown":
            r.warnings.append(
                _("議事要旨の形式を判別できませんでした。構造化できなかった文を確認してください。")
            )
        if r.date is None and not any("日付" in w for w in r.warnings):
            r.warnings.append(_("開催日付が見つかりませんでした。"))
        return r

    def _split_sections(self) -> dict[str, list[str]]:
        sections: dict[str, list[str]] = {"header": []}
        current = "header"
        for line in self.lines:
            match = _SECTION.match(line)
            if match and len(line.strip()) <= 60:
                current = re.sub(r"\s+", "", match.group(1))
                sections.setdefault(current, [])
                if match.group(2).strip():
                    sections[current].append(match.group(2).strip())
                continue
            if current == "header":
                if line.strip() == "議事要旨" or not line.strip():
                    continue
                if re.match(r"^\s*[（(].*[）)]\s*$", line) and "例" in line:
                    self.result.unplaced.append(line.strip())
                    continue
                title = line.strip()
                if title.endswith("議事要旨"):
                    title = title.removesuffix("議事要旨").rstrip()
                sections["header"].append(title)
            else:
                sections[current].append(line)
        return sections

    def _detect_format(self, body: list[str]) -> str:
        if sum(1 for line in body if _SPEECH.match(line)) >= 2:
            return "transcript"
        if any(line.strip()[:1] in CIRCLED for line in body if line.strip()):
            return "hearing"
        if any(_AGENDA.match(line) for line in body):
            return "wt"
        return "unknown"

    # -- header fields ------------------------------------------------------------------------
    def _parse_datetime(self, text: str) -> None:
        r = self.result
        match = _DATE.search(text)
        if not match:
            self._keep_rest(text)
            return
        era, year, month, day, weekday = match.groups()
        try:
            year_number = 1 if year == "元" else int(year)
            r.date = wareki.to_gregorian(era, year_number, int(month), int(day))
        except wareki.WarekiError as exc:
            r.warnings.append(_("日付が正しくありません：%(error)s") % {"error": exc})
        except ValueError:  # a number past int()'s 4300-digit limit, which no date has
            r.warnings.append(
                _("日付が正しくありません：%(error)s") % {"error": match.group(0)[:30] + "…"}
            )
        if r.date and weekday and weekday in WEEKDAYS and WEEKDAYS[r.date.weekday()] != weekday:
            r.warnings.append(
                _(
                    "曜日が日付と一致しません：%(date)s は%(actual)s曜日ですが、%(written)s曜日と書かれています。"
                )
                % {
                    "date": wareki.format_wareki(r.date),
                    "actual": WEEKDAYS[r.date.weekday()],
                    "written": weekday,
                }
            )
        rest = text[match.end() :]
        if times := _TIME.search(rest):
            h1, m1, h2, m2 = (int(v) for v in times.groups())
            try:
                r.start_time, r.end_time = dt.time(h1, m1), dt.time(h2, m2)
            except ValueError:
                r.warnings.append(_("時刻が正しくありません：%(text)s") % {"text": times.group(0)})
            rest = rest[: times.start()] + " " + rest[times.end() :]
        self._keep_rest(text[: match.start()] + " " + rest)

    def _keep_rest(self, text: str) -> None:
        """What 日時 holds besides the date and times (a venue, a lost heading's lines) is kept."""
        if rest := " ".join(text.split()):
            self.result.unplaced.append(rest)

    def _parse_attendees(self, lines: list[str]) -> None:
        r = self.result
        group = {"transcript": "council_member", "hearing": "wt_member"}.get(r.format, "wt_member")
        for line in lines:
            stripped = re.sub(r"^\s*(?:-\s+|・\s*)", "", line).strip()
            if not stripped:
                continue
            if match := _GROUP.match(stripped):
                label = match.group(1)
                group = GROUP_KEYS.get(label, "wt_member")
                heard = match.group(2).strip()
                # ワーキングチーム\S*メンバー can swallow words (…チーム（例）メンバー): keep them
                between = label.removeprefix("ワーキングチーム").removesuffix("メンバー")
                swallowed = label.startswith("ワーキングチーム") and between.strip("・･")
                if heard and group == "heard" and (m := _HEARD.match(heard)):
                    r.association_name = m.group("body")
                    speakers = _NAME_LIST.split(m.group("speaker") or "")
                    r.speaking_municipality_names = [name for name in speakers if name]
                elif heard or swallowed:
                    r.unplaced.append(stripped)
                continue
            if match := _PROXY.match(stripped):
                if not r.attendees:
                    r.unplaced.append(stripped)
                    r.warnings.append(
                        _("代理出席者の行の前に出席者がいません：%(line)s") % {"line": stripped}
                    )
                    continue
                parts = match.group(1).split()
                name, title = split_name_title(parts[-1]) if parts else ("", "")
                member = r.attendees[-1]
                member.proxy_unit = " ".join(parts[:-1])
                member.proxy_name, member.proxy_title = name, title
                member.raw += "\n" + stripped
                continue
            tokens = stripped.split()
            if len(tokens) >= 3:
                name, title = f"{tokens[0]} {tokens[1]}", " ".join(tokens[2:])
            elif len(tokens) == 2:
                name, title = tokens
            else:
                name, title = "", tokens[0]
                r.warnings.append(
                    _("出席者の氏名を読み取れませんでした：%(line)s") % {"line": stripped}
                )
            r.attendees.append(ParsedAttendee(group=group, name=name, title=title, raw=stripped))

    # -- bodies -------------------------------------------------------------------------------
    def _unplace(self, body: list[str]) -> None:
        self.result.unplaced.extend(line.strip() for line in body if line.strip())

    def _append(self, entry: ParsedEntry | None, line: str) -> bool:
        """Join a broken line (PDF line or page break) to the entry it belongs to."""
        if entry is None:
            return False
        entry.text += line.strip()
        return True

    def _parse_hearing(self, body: list[str]) -> None:
        r = self.result
        question = None
        current: ParsedEntry | None = None
        for line in body:
            stripped = line.strip()
            if not stripped or stripped == "以上":
                continue
            head = stripped[:1]
            if head in CIRCLED:
                question = CIRCLED.index(head) + 1
                current = ParsedEntry("question", stripped[1:].strip(), question_number=question)
            elif m := _REMARK.match(stripped):
                current = ParsedEntry("remark", m.group(1).strip(), question_number=question)
            elif m := _BULLET.match(stripped):
                speaker, text = answer_speaker(m.group(1).strip())
                current = ParsedEntry("answer", text, question_number=question, speaker=speaker)
            elif head in "＜<※":
                current = ParsedEntry("note", stripped)
                r.entries.append(current)
                current = None
                continue
            elif self._append(current, stripped):
                continue
            else:
                r.unplaced.append(stripped)
                continue
            r.entries.append(current)

    def _parse_wt(self, body: list[str]) -> None:
        r = self.result
        item: ParsedAgendaItem | None = None
        current: ParsedEntry | None = None
        in_remarks = False
        for line in _split_off_remarks_headings(body):
            stripped = line.strip()
            if not stripped or stripped == "以上":
                continue
            if m := _AGENDA.match(stripped):
                item = ParsedAgendaItem(int(m.group(1)), m.group(2).strip())
                r.agenda_items.append(item)
                current, in_remarks = None, False
            elif _remarks_heading(stripped):
                in_remarks = True
                current = None
            elif (m := _BULLET.match(stripped)) and item is not None:
                current = ParsedEntry("remark", m.group(1).strip(), agenda_number=item.number)
                r.entries.append(current)
            elif current is not None and not _looks_like_start(stripped):
                current.text += stripped
            elif item is not None and not in_remarks:
                joined = item.explanation and not ends_sentence(item.explanation)
                item.explanation += stripped if joined or not item.explanation else "\n" + stripped
            elif item is not None and current is None and in_remarks:
                current = ParsedEntry("remark", stripped, agenda_number=item.number)
                r.entries.append(current)
            else:
                r.unplaced.append(stripped)
        for agenda in r.agenda_items:
            agenda.materials = material_refs(agenda.explanation)
            agenda.outcome = _outcome(agenda.explanation.replace("\n", ""))

    def _parse_transcript(self, body: list[str]) -> None:
        r = self.result
        current: ParsedEntry | None = None
        for line in body:
            stripped = line.strip()
            if not stripped or stripped == "以上":
                continue
            if m := _SPEECH.match(stripped):
                current = ParsedEntry("speech", m.group(2).strip(), speaker=m.group(1).strip("*"))
                r.entries.append(current)
            elif re.match(r"^[（(][^）)]*[）)]$", stripped):
                r.entries.append(ParsedEntry("note", stripped))
            elif current is not None:
                joined = not ends_sentence(current.text)
                current.text += stripped if joined else "\n" + stripped
            else:
                r.unplaced.append(stripped)


def _remarks_heading(line: str) -> str:
    """The <ワーキングチーム・メンバーからの主な発言> a stripped line starts with, or ''."""
    match = _BRACKETED.match(line)
    return match.group(0) if match and "発言" in match.group(0) else ""


def _split_off_remarks_headings(body: list[str]):
    """A remarks heading and the text a PDF joined onto it ('<…主な発言>・ …') as two lines,
    so that the heading is dropped as a marker and the text is not dropped with it."""
    for line in body:
        stripped = line.strip()
        while (heading := _remarks_heading(stripped)) and heading != stripped:
            yield heading
            stripped = stripped[len(heading) :].strip()
        yield stripped


def _outcome(text: str) -> str:
    """The first clause (between 、 and 。) that records an outcome (…こととなった)."""
    # Clause by clause: one regex [^、。]*(?:…)[^、。]* over the text is quadratic.
    return next(
        (clause.strip() for clause in _CLAUSE_END.split(text) if _OUTCOME.search(clause)), ""
    )


def _looks_like_start(line: str) -> bool:
    return bool(_AGENDA.match(line) or _BULLET.match(line) or line[:1] in CIRCLED + "○<＜※→")
