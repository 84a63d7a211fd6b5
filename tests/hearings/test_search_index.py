"""The search's GIN index over characters and character pairs (PostgreSQL): it finds exactly
what a plain substring match of the folded texts finds, and the search plans through it
whatever the statistics say."""

import datetime as dt

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import planner_stats
from core.text_search import fold, words
from hearings.models import Meeting, MinutesEntry
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Kana of both widths and scripts, kanji, Latin of both widths, and what LIKE and tsquery or
# array syntax treat specially.
ALPHABET = "あいうかがきアイカガキｱｲｶｶﾞ介護標準化戸籍税住民台帳ーAaＡａ %_\\'\"{},*:\n"
texts = st.lists(st.text(ALPHABET, min_size=0, max_size=30), min_size=1, max_size=12)


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def meeting(db):
    return MeetingFactory.create(title="第1回", date=dt.date(2025, 4, 1))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=texts, data=st.data())
def test_the_index_finds_exactly_what_a_substring_match_finds(meeting, texts, data):
    MinutesEntry.objects.all().delete()
    MinutesEntry.objects.bulk_create(
        MinutesEntry(meeting=meeting, kind="remark", text=text) for text in texts
    )
    source = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, len(source)))
    query = data.draw(
        st.one_of(
            st.just(source[start : start + data.draw(st.integers(1, 4))]),  # found somewhere
            st.text(ALPHABET, min_size=1, max_size=4),
            st.just(" ".join(data.draw(st.lists(st.text(ALPHABET, min_size=1, max_size=3))))),
        )
    )
    query_words = words(query)
    if not query_words:
        return
    expected = sorted(t for t in texts if all(w in fold(t) for w in query_words))
    with planner_stats.index_plans():
        found = MinutesEntry.objects.filter(search_text__contains_words=query_words)
        assert "hearings_entry_search_grams" in _plan(found)
        assert sorted(found.values_list("text", flat=True)) == expected


@pytest.mark.parametrize("query", ["税", "介護", "標準化", "住民基本台帳", "介護 標準化"])
@pytest.mark.parametrize("statistics", ["none", "analysed"])
def test_the_search_reads_entries_through_the_index_whatever_the_statistics(
    meeting, query, statistics
):
    MinutesEntry.objects.bulk_create(
        MinutesEntry(meeting=meeting, kind="remark", text=f"発言{n}。介護の標準化について。")
        for n in range(2000)
    )
    if statistics == "analysed":
        planner_stats.analyze(MinutesEntry, Meeting)
    entries = (
        MinutesEntry.objects.filter(search_text__contains_words=words(query))
        .select_related("meeting")
        .order_by("-meeting__date", "position")[:200]
    )
    # Every entry matches 介護: a sequential scan or a walk of the meeting index would be
    # cheaper by the statistics, and without them the planner guesses.
    with planner_stats.index_plans():
        plan = _plan(entries)
    assert "Bitmap Index Scan on hearings_entry_search_grams" in plan, plan
    assert "Seq Scan on hearings_minutesentry" not in plan


def _planner_settings():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'),"
            " current_setting('max_parallel_workers_per_gather'), current_setting('jit')"
        )
        return cursor.fetchone()


def test_the_planner_settings_come_back_after_a_search_inside_a_transaction():
    with planner_stats.index_plans():
        assert _planner_settings() == ("off", "off", "0", "off")
    assert _planner_settings() == ("on", "on", "2", "on")


@pytest.mark.django_db(transaction=True)
def test_the_planner_settings_come_back_after_a_search_that_opened_its_transaction():
    assert not connection.in_atomic_block
    with planner_stats.index_plans():
        assert _planner_settings() == ("off", "off", "0", "off")
    assert _planner_settings() == ("on", "on", "2", "on")
