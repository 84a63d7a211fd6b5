"""Folding text for search, the same way on the stored side and the query side.

`fold()` is the one definition of "the same word" for search: Unicode NFKC (full-width ＡＢＣ and
half-width ｽｹｼﾞｭｰﾙ become ABC and スケジュール, the ideographic space a space), katakana as
hiragana (スケジュール and すけじゅーる are one word; サッポロ finds the kana さっぽろし), and lower
case. Searchable models keep a folded copy of their text in a `SearchTextField`, computed by
this function in Python when a row is saved or bulk-created; the query is folded by the same
function. One implementation on both sides is what makes a match exact: an index expression
in SQL (PostgreSQL's normalize() and lower()) would follow the server's Unicode tables and
C library, which differ from Python's in corner cases and between versions, and SQLite has no
NFKC at all. The copy also leaves the database indexes (hearings migrations) plain columns.

A query is a list of words separated by spaces (ASCII or full-width): a row matches when its
folded copy contains every word, in any order (`contains_all`, the `contains_words` lookup).
On PostgreSQL an indexed copy (`indexed=True`) is looked up first in a GIN index over
search_grams(copy) — its characters and character pairs (core migration 0005), which serve a
word of any length, one and two characters included, where pg_trgm needs three — and each
found row is then checked with LIKE against the word itself, so the index can only narrow,
never add a hit. SQLite scans with LIKE.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from django.db import migrations, models
from django.db.models import Lookup, Q
from django.db.models.lookups import Contains

MAX_WORDS = 10

# ァ (U+30A1) … ヶ (U+30F6) to ぁ (U+3041) … ゖ (U+3096); ヷ-ヺ and ー have no hiragana twin and
# stay as they are (ー is the long-vowel mark of both scripts).
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_KATAKANA_TO_HIRAGANA.update({0x30FD: 0x309D, 0x30FE: 0x309E})  # ヽヾ → ゝゞ


def fold(text: str) -> str:
    """The text as search compares it: NFKC, katakana as hiragana, lower case."""
    return unicodedata.normalize("NFKC", text).translate(_KATAKANA_TO_HIRAGANA).lower()


def words(query: str) -> list[str]:
    """The folded words of a query: split at whitespace after folding, each once, in order."""
    unique = dict.fromkeys(fold(query).split())
    return list(unique)[:MAX_WORDS]


def contains_all(field: str, query_words: Sequence[str], *, by_index: bool = True) -> Q:
    """Rows whose folded copy `field` contains every word (the words are folded already).

    `by_index=False` tests the same with LIKE alone, without the GIN look-up: for rows that
    another index has already narrowed to a few thousand, where fetching a frequent word's
    every row from the GIN index would cost more than checking those few.
    """
    if not query_words:
        return Q()
    if by_index:
        return Q(**{f"{field}__contains_words": list(query_words)})
    every = Q()
    for word in query_words:
        every &= Q(**{f"{field}__contains": word})
    return every


def grams(query_words: Iterable[str]) -> list[str]:
    """What search_grams() of a row must hold for it to contain every word: each word's
    character pairs, or the word itself when it is one character."""
    found = {
        piece
        for word in query_words
        for piece in ([word] if len(word) == 1 else (word[i : i + 2] for i in range(len(word) - 1)))
    }
    return sorted(found)


def locate(text: str, query_words: Iterable[str]) -> tuple[int, int] | None:
    """Where in `text` (not in its folded copy) the earliest of the words is, or None.

    Folding may change lengths (ｶﾞ is one character once folded, ㍻ two), so the position found
    in the folded text is carried back by folding prefixes of the original: the shortest prefix
    whose folded form reaches the match's start and its end.
    """
    folded = fold(text)
    found = [(at, at + len(word)) for word in query_words if (at := folded.find(word)) >= 0]
    if not found:
        return None
    start, end = min(found)
    if len(folded) == len(text) and unicodedata.is_normalized("NFKC", text):
        # Folding changed characters one for one (translate and lower() never shorten): the
        # positions are the same. The common case, and a hundred times cheaper.
        return start, end
    start, end = _original_offset(text, start), _original_offset(text, end)
    return start, max(end, start + 1)


def _original_offset(text: str, folded_offset: int) -> int:
    """The longest prefix of `text` whose folded form is at most `folded_offset` long."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if len(fold(text[:middle])) <= folded_offset:
            low = middle
        else:
            high = middle - 1
    return low


def all_text(*parts: str | None) -> str:
    """Several fields as one searchable text: a line each, so no word spans two of them."""
    return "\n".join(part for part in parts if part)


class SearchTextField(models.TextField):
    """A folded copy of other fields of the row (`sources`), for search; never edited.

    Kept in `pre_save`, which Django calls on save() and on bulk_create(), so every write
    through the ORM that can change the sources refreshes it. bulk_update() calls
    `search_text_set` first; a QuerySet.update() of a source field, or save(update_fields=[...])
    naming one, would not refresh it: nothing does that.
    """

    def __init__(self, *args, sources: Sequence[str] = (), indexed: bool = False, **kwargs):
        self.sources = tuple(sources)
        self.indexed = indexed  # a search_grams() GIN index on PostgreSQL (hearings 0005)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = list(self.sources)
        if self.indexed:
            kwargs["indexed"] = True
        for key, default in (("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def value_for(self, instance) -> str:
        return fold(all_text(*(str(getattr(instance, source) or "") for source in self.sources)))

    def pre_save(self, model_instance, add):
        value = self.value_for(model_instance)
        setattr(model_instance, self.attname, value)
        return value


@SearchTextField.register_lookup
class ContainsWords(Lookup):
    """`search_text__contains_words=[...]`: the folded copy contains every (folded) word."""

    lookup_name = "contains_words"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [str(word) for word in self.rhs]

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for word in self.rhs:
            sql, word_params = Contains(self.lhs, word).as_sql(compiler, connection)
            parts.append(sql)
            params.extend(word_params)
        return "(" + " AND ".join(parts) + ")", params

    def as_postgresql(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        if not getattr(self.lhs.target, "indexed", False):
            return sql, params
        column, column_params = compiler.compile(self.lhs)
        # The same expression as the index (hearings 0005), or PostgreSQL cannot use it.
        return (
            f"(search_grams({column}) @> %s::text[] AND {sql})",
            (*column_params, grams(self.rhs), *params),
        )


def search_text_set(instance) -> list[str]:
    """Recompute the instance's folded copies in place; their field names, for bulk_update()
    (which, unlike save() and bulk_create(), writes only the fields named, as they are)."""
    fields = [f for f in instance._meta.concrete_fields if isinstance(f, SearchTextField)]
    for field in fields:
        setattr(instance, field.attname, field.value_for(instance))
    return [field.name for field in fields]


def refresh_search_text(model) -> int:
    """Recompute every row's folded copies of `model` (a migration or a repair); rows changed."""
    fields = [f for f in model._meta.get_fields() if isinstance(f, SearchTextField)]
    changed = []
    for row in model._default_manager.all().iterator(chunk_size=2000):
        stale = False
        for field in fields:
            value = field.value_for(row)
            if getattr(row, field.attname) != value:
                setattr(row, field.attname, value)
                stale = True
        if stale:
            changed.append(row)
    model._default_manager.bulk_update(changed, [f.name for f in fields], batch_size=1000)
    return len(changed)


def refresh_operation(app_label: str, *model_names: str) -> migrations.RunPython:
    """A migration step filling the folded copies of existing rows (no-op when reversed)."""

    def forwards(apps, schema_editor):
        for name in model_names:
            refresh_search_text(apps.get_model(app_label, name))

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
