"""Japanese search across minutes entries, agenda items, meetings (with their attendees) and
candidates.

A query is words separated by spaces (ASCII or full-width); a row is found when it contains
every word, in any order. Japanese has no spaces between words, so each word is matched as a
substring, which finds two-character words such as 介護 and whole phrases alike. Both sides are
folded by `core.text_search.fold` (full/half width, katakana/hiragana, case): rows keep a
folded copy (`search_text`), the query is folded the same way. On PostgreSQL each word is
looked up in GIN indexes over the copies' characters and character pairs (migration hearings
0005), so words of one and two characters are served too, and the queries are planned through
those indexes whatever the statistics say (`planner_stats.index_plans`); SQLite scans, correct
but slower.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from candidates.models import Candidate
from core import planner_stats, text_search, wareki
from core.query_params import query_text
from hearings.models import AgendaItem, Attendee, EntryKind, Meeting, MinutesEntry
from municipalities.models import Association

MAX_QUERY_LENGTH = 100
SNIPPET_RADIUS = 60
MAX_RESULTS = 200


@dataclass(frozen=True)
class Snippet:
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "entry", "agenda", "meeting", "candidate"
    kind_label: str
    title: str
    texts: tuple[str, ...]  # where the snippet is cut from: the first that holds a word
    words: tuple[str, ...]
    url: str
    meeting: Meeting | None = None
    candidate: Candidate | None = None

    @cached_property
    def snippet(self) -> Snippet:
        """Cut when shown: the page shows 50 of up to 200 hits (a third of its time was
        cutting snippets nobody saw)."""
        return _first_snippet(self.texts, self.words)

    @property
    def date(self) -> dt.date | None:
        return self.meeting.date if self.meeting else None


@dataclass(frozen=True)
class SearchFilters:
    """What the search page narrows by; meetings' filters apply to what they contain too."""

    kind: str = ""
    fiscal_year: int | None = None
    association: Association | None = None
    candidate: Candidate | None = None
    # Set by the search, not the page: only meetings held after this date can still make the
    # results (see `search`).
    newer_than: dt.date | None = None

    @property
    def narrows_meetings(self) -> bool:
        return bool(self.kind or self.fiscal_year or self.association)

    def meeting_q(self, prefix: str = "") -> Q:
        q = Q()
        if self.newer_than:
            q &= Q(**{f"{prefix}date__gt": self.newer_than})
        if self.kind:
            q &= Q(**{f"{prefix}kind": self.kind})
        if self.fiscal_year:
            start, end = wareki.fiscal_year_bounds(int(self.fiscal_year))
            q &= Q(**{f"{prefix}date__range": (start, end)})
        if self.association:
            q &= Q(**{f"{prefix}association": self.association})
        return q


def snippet_of(text: str, words: Sequence[str], radius: int = SNIPPET_RADIUS) -> Snippet:
    """The text around the first match of any of the (folded) words, about 2 × radius long."""
    found = text_search.locate(text, words)
    if found is None:
        return Snippet(text[: radius * 2], "", "…" if len(text) > radius * 2 else "")
    index, after = found
    start = max(0, index - radius)
    end = min(len(text), after + radius)
    return Snippet(
        ("…" if start > 0 else "") + text[start:index],
        text[index:after],
        text[after:end] + ("…" if end < len(text) else ""),
    )


def normalise_query(query: str) -> str:
    """One space for each run of whitespace; control characters (NUL included) dropped."""
    return " ".join(query_text(query, max_length=len(query)).split())[:MAX_QUERY_LENGTH]


def search(
    *,
    query: str,
    kind: str = "",
    fiscal_year: int | None = None,
    association: Association | None = None,
    candidate: Candidate | None = None,
) -> list[SearchHit]:
    """Everything that mentions every word of `query`, newest meeting first, candidates last."""
    words = text_search.words(normalise_query(query))
    if not words:
        return []
    filters = SearchFilters(kind, fiscal_year, association, candidate)
    # The newest meetings by their date index, before the planner is kept off plain index
    # scans (under index_plans this small read sorted every meeting: 10 ms at 2,000).
    recent = _recent_meetings(filters) if max(map(len, words)) <= SHORT_WORD else []
    with planner_stats.index_plans():
        hits = list(_entry_hits(words, filters, recent))
        if len(hits) == MAX_RESULTS:
            # The entries alone fill the results, newest first. The sort below is stable and
            # keeps entries ahead of the other hits of the same day, and candidates last: only
            # agenda items and meetings held after the last entry's meeting can still make it
            # in, and no candidate (at 県, 1 of 6 entries, the meetings' part read 2,000
            # meetings and 1,200 attendees to keep none of them).
            filters = replace(filters, newer_than=hits[-1].date)
        hits += [*_agenda_hits(words, filters), *_meeting_hits(words, filters)]
        if not filters.newer_than:
            hits += _candidate_hits(words, filters)
    hits.sort(key=lambda h: (h.kind == "candidate", -(h.date.toordinal() if h.date else 0)))
    return hits[:MAX_RESULTS]


# A word found in a sixth of the entries (会, 県) fills the 200 hits from the newest few
# meetings, yet through the GIN index the search fetched every one of its 17,000 entries to
# sort them by date: only 3–4× a sequential scan (issue 21, docs/benchmarks.md). So the
# entries of the newest meetings are checked first, read through the meetings' index. When
# they hold some hits but fewer than 200 (介護, in one entry of twenty: about 100 in the
# newest 40 meetings), the window is widened once to as many meetings as those hits say the
# 200 need, if that is at most WIDEST_WINDOW; only then does the whole index answer. A rare
# word pays for the first small read (a few milliseconds) before the index, so a query with a
# word of three characters or more, which the character pairs narrow well (標準化: 970 of
# 100,000 entries), goes to the index at once.
RECENT_MEETINGS = 40
WIDEST_WINDOW = 200
SHORT_WORD = 2


ENTRY_HIT_FIELDS = (
    "meeting_id",
    "position",
    "kind",
    "speaker",
    "text",
    "meeting__date",
    "meeting__title",
)


def _entries(words: Sequence[str], filters: SearchFilters, *, by_index: bool = True):
    entries = (
        MinutesEntry.objects.filter(
            text_search.contains_all("search_text", words, by_index=by_index)
        )
        .filter(filters.meeting_q("meeting__"))
        .select_related("meeting")
        # Only what a hit shows: the folded copies (search_text) and the rest of the meeting
        # were a third of the time of turning 200 rows into objects.
        .only(*ENTRY_HIT_FIELDS)
        .order_by("-meeting__date", "position")
    )
    if filters.candidate:
        entries = entries.filter(candidates=filters.candidate)
    return entries


def _recent_meetings(filters: SearchFilters) -> list[tuple[int, dt.date]]:
    """The newest meetings, newest first (as many as the widest window needs), with their
    dates. Empty when windows are off."""
    if RECENT_MEETINGS <= 0:
        return []
    return list(
        Meeting.objects.filter(filters.meeting_q())
        .order_by("-date")
        .values_list("pk", "date")[: max(RECENT_MEETINGS, WIDEST_WINDOW) + 1]
    )


def _window(newest: list[tuple[int, dt.date]], size: int) -> list[int]:
    """The newest meetings (at most `size`) that are all newer than every other one: their
    entries come first in the results whatever the others hold. Empty when there are no more
    than `size` meetings (the index alone is then quick)."""
    if len(newest) <= size:
        return []
    older = newest[size][1]  # a meeting outside the window: keep only those strictly newer
    return [pk for pk, date in newest[:size] if date > older]


def _newest_entries(
    words: Sequence[str], filters: SearchFilters, newest: list[tuple[int, dt.date]]
) -> list[MinutesEntry]:
    size = RECENT_MEETINGS
    for _attempt in range(2):
        window = _window(newest, size) if size > 0 else []
        if not window:
            break
        found = list(
            _entries(words, filters, by_index=False).filter(meeting__in=window)[:MAX_RESULTS]
        )
        if len(found) == MAX_RESULTS:
            return found
        if not found:
            break
        # As many meetings as these hits say the results need, with a quarter to spare.
        size = math.ceil(len(window) * MAX_RESULTS * 1.25 / len(found))
        if size > WIDEST_WINDOW:
            break
    return list(_entries(words, filters)[:MAX_RESULTS])


def _entry_hits(
    words: Sequence[str], filters: SearchFilters, recent: list[tuple[int, dt.date]]
) -> Iterator[SearchHit]:
    # Up to 200 hits: the kind labels are looked up once, not per hit (get_FOO_display and
    # reverse() per hit were a third of the search's time).
    kind_labels = {kind.value: str(kind.label) for kind in EntryKind}
    meeting_url = _meeting_url_maker()
    for entry in _newest_entries(words, filters, recent):
        yield SearchHit(
            kind="entry",
            kind_label=kind_labels.get(entry.kind, entry.kind),
            meeting=entry.meeting,
            title=entry.speaker or str(entry.meeting),
            texts=(entry.text,),
            words=tuple(words),
            url=f"{meeting_url(entry.meeting_id)}#entry-{entry.pk}",
        )


def _meeting_url_maker() -> Callable[[int], str]:
    """Meeting.get_absolute_url for the hits of one search with one reverse(): up to 600 calls
    of it were a sixth of a common word's search."""
    marker = 987_654_321
    pattern = reverse("hearings:detail", args=[marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


def _agenda_hits(words: Sequence[str], filters: SearchFilters) -> Iterator[SearchHit]:
    items = (
        AgendaItem.objects.filter(text_search.contains_all("search_text", words))
        .filter(filters.meeting_q("meeting__"))
        .select_related("meeting")
        .order_by("-meeting__date", "number")
    )
    if filters.candidate:
        items = items.filter(candidates=filters.candidate)
    meeting_url = _meeting_url_maker()
    for item in items[:MAX_RESULTS]:
        yield SearchHit(
            kind="agenda",
            kind_label=_("議題"),
            meeting=item.meeting,
            title=str(item),
            texts=(item.title, item.explanation, item.outcome),
            words=tuple(words),
            url=f"{meeting_url(item.meeting_id)}#agenda-{item.number}",
        )


def _meeting_hits(words: Sequence[str], filters: SearchFilters) -> Iterator[SearchHit]:
    """Meetings whose title or attendees (names, organisations, positions) hold every word:
    「知事会」 finds the meetings 全国知事会 attended."""
    if filters.candidate:
        return
    # The meetings holding each word in their title or among their attendees, as two plain
    # index look-ups per word: as one condition (title OR attendee subquery) PostgreSQL
    # tested every meeting against the attendees, 2 s at 2,000 meetings.
    newer = _newer_meetings(filters)
    if newer == []:
        return
    found: set[int] | None = None
    for word in words:
        if newer is not None:
            # The few meetings held after the entries' last hit: their titles and attendees
            # are checked directly (県 is in nearly every attendee's organisation: through the
            # index, 12,000 attendees were joined to their meetings to keep a hundred).
            by_title = Meeting.objects.filter(
                text_search.contains_all("search_text", [word], by_index=False), pk__in=newer
            )
            attended = Attendee.objects.filter(
                text_search.contains_all("search_text", [word], by_index=False),
                meeting__in=newer,
            )
        else:
            by_title = Meeting.objects.filter(search_text__contains_words=[word])
            attended = Attendee.objects.filter(search_text__contains_words=[word])
            if filters.newer_than:
                by_title = by_title.filter(filters.meeting_q())
                attended = attended.filter(filters.meeting_q("meeting__"))
        ids = {
            *by_title.values_list("pk", flat=True),
            *attended.order_by().values_list("meeting", flat=True),
        }
        found = ids if found is None else found & ids
    if not found:
        return
    any_word = Q()
    for word in words:
        any_word |= Q(search_text__contains_words=[word])
    meetings = (
        Meeting.objects.filter(pk__in=found)
        .filter(filters.meeting_q())
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=Attendee.objects.filter(any_word).order_by("position", "pk"),
                to_attr="matching_attendees",
            )
        )
        .order_by("-date")
    )
    meeting_url = _meeting_url_maker()
    for meeting in meetings[:MAX_RESULTS]:
        yield SearchHit(
            kind="meeting",
            kind_label=_("会議"),
            meeting=meeting,
            title=meeting.title,
            texts=(meeting.title, *(_attendee_line(a) for a in meeting.matching_attendees)),
            words=tuple(words),
            url=meeting_url(meeting.pk),
        )


# At most this many meetings newer than the entries' last hit are checked without the index.
FEW_MEETINGS = 200


def _newer_meetings(filters: SearchFilters) -> list[int] | None:
    """The meetings that can still make the results once the entries have filled them, when
    they are few (else None: the index narrows them)."""
    if not filters.newer_than:
        return None
    newer = list(
        Meeting.objects.filter(filters.meeting_q()).values_list("pk", flat=True)[: FEW_MEETINGS + 1]
    )
    return newer if len(newer) <= FEW_MEETINGS else None


def _candidate_hits(words: Sequence[str], filters: SearchFilters) -> Iterator[SearchHit]:
    if filters.narrows_meetings:
        return
    candidates = Candidate.objects.filter(
        text_search.contains_all("search_text", words)
    ).select_related("lead_ministry")
    if filters.candidate:
        candidates = candidates.filter(pk=filters.candidate.pk)
    for found in candidates.order_by("name")[:MAX_RESULTS]:
        yield SearchHit(
            kind="candidate",
            kind_label=_("共通化候補"),
            candidate=found,
            title=found.name,
            texts=(found.name, found.summary, found.business_area),
            words=tuple(words),
            url=found.get_absolute_url(),
        )


def _first_snippet(texts: Sequence[str], words: Sequence[str]) -> Snippet:
    """The snippet of the first text that holds one of the words (else of the first text)."""
    for text in texts:
        if text and text_search.locate(text, words):
            return snippet_of(text, words)
    return snippet_of(texts[0], words)


def _attendee_line(attendee: Attendee) -> str:
    line = f"{attendee.organisation} {attendee.title} {attendee.name}".strip()
    if attendee.proxy_name:
        line += f"（{_('代理')} {attendee.proxy_unit} {attendee.proxy_name}{attendee.proxy_title}）"
    return line
