"""Japanese substring search across minutes entries, agenda items, meetings and candidates.

Japanese has no spaces between words, so search is by substring, which finds two-character
words such as 介護 and whole phrases alike. On PostgreSQL, `icontains` (UPPER(x) LIKE UPPER(q))
is served by trigram GIN indexes on UPPER(...) (migration hearings 0002; a UTF-8 database locale
is needed for pg_trgm to index Japanese characters); SQLite scans, correct but slower. A query
shorter than a trigram cannot use the indexes; caseless ones skip UPPER() (`_mentions`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from candidates.models import Candidate
from core import wareki
from core.query_params import query_text
from hearings.models import AgendaItem, EntryKind, Meeting, MinutesEntry

MAX_QUERY_LENGTH = 100
SNIPPET_RADIUS = 60
MAX_RESULTS = 200
TRIGRAM = 3  # pg_trgm needs this many characters to look a substring up in its index


@dataclass(frozen=True)
class Snippet:
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "entry", "agenda", "meeting", "candidate"
    kind_label: str
    meeting: Meeting | None
    candidate: Candidate | None
    title: str
    snippet: Snippet
    url: str
    date: dt.date | None


def _find(text: str, query: str) -> re.Match | None:
    """The first case-insensitive match, compared character by character as the database
    does. (Comparing text.upper() would shift positions: "ß".upper() is "SS".)"""
    return re.search(re.escape(query), text, re.IGNORECASE)


def snippet_of(text: str, query: str, radius: int = SNIPPET_RADIUS) -> Snippet:
    """The text around the first case-insensitive match, cut to about 2 × radius characters."""
    found = _find(text, query)
    if found is None:
        return Snippet(text[: radius * 2], "", "…" if len(text) > radius * 2 else "")
    index, after = found.span()
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


def _mentions(query: str, *fields: str) -> Q:
    """Any of the fields contains the query, ignoring case (icontains).

    A caseless query shorter than a trigram (two-character Japanese words such as 介護 or 戸籍)
    is matched without UPPER(): pg_trgm cannot serve it, so the rows are read either way, and
    UPPER() on every one of them tripled the time (docs/benchmarks.md). For a query with no
    upper or lower case the two lookups find the same rows.
    """
    caseless = query.upper() == query.lower()
    lookup = "contains" if caseless and len(query) < TRIGRAM else "icontains"
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__{lookup}": query})
    return condition


def _meeting_filter(prefix: str, *, kind, fiscal_year, association, candidate) -> Q:
    q = Q()
    if kind:
        q &= Q(**{f"{prefix}kind": kind})
    if fiscal_year:
        start, end = wareki.fiscal_year_bounds(int(fiscal_year))
        q &= Q(**{f"{prefix}date__range": (start, end)})
    if association:
        q &= Q(**{f"{prefix}association": association})
    return q


def search(
    *, query: str, kind: str = "", fiscal_year: int | None = None, association=None, candidate=None
) -> list[SearchHit]:
    """Everything that mentions `query`, newest meeting first, candidates last."""
    from django.utils.translation import gettext as _

    query = normalise_query(query)
    if not query:
        return []
    filters = {
        "kind": kind,
        "fiscal_year": fiscal_year,
        "association": association,
        "candidate": candidate,
    }
    hits: list[SearchHit] = []

    entries: QuerySet[MinutesEntry] = (
        MinutesEntry.objects.filter(_mentions(query, "text"))
        .filter(_meeting_filter("meeting__", **filters))
        .select_related("meeting")
        .order_by("-meeting__date", "position")
    )
    if candidate:
        entries = entries.filter(candidates=candidate)
    # Up to 200 hits: the kind labels and the meeting URLs are looked up once, not per hit
    # (get_FOO_display and reverse() per hit were a third of the search's time).
    kind_labels = {kind.value: str(kind.label) for kind in EntryKind}
    meeting_urls: dict[int, str] = {}
    for entry in entries[:MAX_RESULTS]:
        if entry.meeting_id not in meeting_urls:
            meeting_urls[entry.meeting_id] = entry.meeting.get_absolute_url()
        hits.append(
            SearchHit(
                "entry",
                kind_labels.get(entry.kind, entry.kind),
                entry.meeting,
                None,
                entry.speaker or str(entry.meeting),
                snippet_of(entry.text, query),
                f"{meeting_urls[entry.meeting_id]}#entry-{entry.pk}",
                entry.meeting.date,
            )
        )

    items = (
        AgendaItem.objects.filter(_mentions(query, "title", "explanation", "outcome"))
        .filter(_meeting_filter("meeting__", **filters))
        .select_related("meeting")
        .order_by("-meeting__date", "number")
    )
    if candidate:
        items = items.filter(candidates=candidate)
    for item in items[:MAX_RESULTS]:
        # The database's case folding may differ from Python's: fall back to the title.
        text = next(
            (t for t in (item.title, item.explanation, item.outcome) if _find(t, query)),
            item.title,
        )
        hits.append(
            SearchHit(
                "agenda",
                _("議題"),
                item.meeting,
                None,
                str(item),
                snippet_of(text, query),
                f"{item.meeting.get_absolute_url()}#agenda-{item.number}",
                item.meeting.date,
            )
        )

    if not candidate:
        meetings = Meeting.objects.filter(_mentions(query, "title")).filter(
            _meeting_filter("", **filters)
        )
        for meeting in meetings.order_by("-date")[:MAX_RESULTS]:
            hits.append(
                SearchHit(
                    "meeting",
                    _("会議"),
                    meeting,
                    None,
                    meeting.title,
                    snippet_of(meeting.title, query),
                    meeting.get_absolute_url(),
                    meeting.date,
                )
            )

    if not (kind or fiscal_year or association):
        candidates = Candidate.objects.filter(
            _mentions(query, "name", "summary", "business_area")
        ).select_related("lead_ministry")
        if candidate:
            candidates = candidates.filter(pk=candidate.pk)
        for found in candidates.order_by("name")[:MAX_RESULTS]:
            text = found.name if _find(found.name, query) else found.summary
            hits.append(
                SearchHit(
                    "candidate",
                    _("共通化候補"),
                    None,
                    found,
                    found.name,
                    snippet_of(text or found.business_area, query),
                    found.get_absolute_url(),
                    None,
                )
            )
    hits.sort(key=lambda h: (h.kind == "candidate", -(h.date.toordinal() if h.date else 0)))
    return hits[:MAX_RESULTS]
