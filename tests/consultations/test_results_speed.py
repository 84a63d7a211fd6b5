"""The results page's two paths for a large consultation: a deep page reached by seeking to
its question's first key, and the words filter through the opinions' folded copy (on
PostgreSQL its GIN index). Each gives exactly what the plain path gave."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultations import selectors, services
from consultations.models import Opinion, Position
from consultations.services import OpinionValues
from core import planner_stats
from core.text_search import fold, words
from municipalities.models import LocalGovernment
from tests.consultations.conftest import full_answer
from tests.hearings.test_search_index import _plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(consultation, secretariat, mayors):
    """Ten towns of Hokkaido and an association answer every question (33 opinions)."""
    towns = LocalGovernment.objects.filter(code__startswith="01", kind="town").order_by("code")
    for n, town in enumerate(towns[:10]):
        values = full_answer(consultation, f"意見{n}")
        if n % 3 == 0:
            first = consultation.questions.get(number=1)
            values[first.pk] = OpinionValues(position=Position.OPPOSE, text=f"反対{n}")
        services.answer_write(
            user=secretariat,
            consultation=consultation,
            local_government=town,
            opinions=values,
            submit=True,
            version=None,
            now=consultation.created_at,
        )
    services.answer_write(
        user=secretariat,
        consultation=consultation,
        association=mayors,
        opinions=full_answer(consultation, "市長会の意見"),
        submit=True,
        version=None,
        now=consultation.created_at,
    )
    return consultation


@pytest.mark.parametrize(
    "filters", [{}, {"question_number": 2}, {"position": Position.OPPOSE}, {"words": "意見"}]
)
@pytest.mark.parametrize("per_page", [1, 4, 7, 11, 50])
def test_every_page_reached_by_seeking_holds_what_the_offset_gave(many, filters, per_page):
    opinions = selectors.opinion_results(consultation=many, **filters)
    ids = list(opinions.values_list("pk", flat=True))
    offset = Paginator(ids, per_page)
    for number in offset.page_range:
        for seek_after in (0, selectors.SEEK_AFTER):  # sought, and skipped as shallow pages are
            page = selectors.opinion_page(opinions, number, per_page, seek_after=seek_after)
            assert [o.pk for o in page.object_list] == list(offset.page(number).object_list)
            assert page.paginator.count == len(ids)
            assert page.paginator.num_pages == offset.num_pages


def test_a_page_past_the_end_is_the_last_page_and_an_empty_list_has_one_page(many):
    opinions = selectors.opinion_results(consultation=many)
    last = selectors.opinion_page(opinions, 999, 10, seek_after=0)
    assert last.number == 4 and len(last.object_list) == 3
    none = selectors.opinion_page(opinions.none(), 2, 10, seek_after=0)
    assert none.number == 1 and list(none.object_list) == []
    assert selectors.opinion_page(opinions, "x", 10, seek_after=0).number == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("反対", 4),  # in the text
        ("ハンタイ", 0),  # katakana is hiragana once folded, not kanji
        ("意見３", 1),  # full-width digits fold to ASCII
        ("市長会", 3),  # the association's name, or its texts
        ("意見0 反対", 0),  # every word: 意見0's first opinion became 反対0
        ("反対0", 1),
        ("全国市長会 意見", 1),  # one word in the name, the other in the text
    ],
)
def test_the_words_filter_finds_every_word_in_the_text_or_the_respondent_name(
    many, query, expected
):
    assert selectors.opinion_results(consultation=many, words=query).count() == expected


def test_an_opinion_keeps_a_folded_copy_of_its_section_and_text(many):
    opinion = Opinion.objects.filter(text="反対0").get()
    assert opinion.search_text == fold("\n".join(p for p in (opinion.section, opinion.text) if p))


def test_the_migration_fills_in_the_folded_copy_of_existing_opinions(many):
    import importlib

    from django.apps import apps

    written = dict(Opinion.objects.values_list("pk", "search_text"))
    Opinion.objects.update(search_text="")
    migration = importlib.import_module("consultations.migrations.0004_opinion_search_text")
    migration.core.text_search.refresh_search_text(apps.get_model("consultations", "Opinion"))
    assert dict(Opinion.objects.values_list("pk", "search_text")) == written


ALPHABET = "あいうかがきアイカガキｱｲｶｶﾞ介護標準化戸籍税移行ーAaＡａ0１ %_\\'\"{},*:\n"
texts = st.lists(st.text(ALPHABET, min_size=0, max_size=30), min_size=1, max_size=12)


@pytest.mark.postgres
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=texts, data=st.data())
def test_the_index_finds_exactly_what_a_substring_match_finds(many, texts, data):
    opinions = list(Opinion.objects.order_by("pk")[: len(texts)])
    for opinion, text in zip(opinions, texts, strict=False):
        opinion.section, opinion.text = "", text
        opinion.save()
    source = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, len(source)))
    query = data.draw(
        st.one_of(
            st.just(source[start : start + data.draw(st.integers(1, 4))]),
            st.text(ALPHABET, min_size=1, max_size=4),
            st.just(" ".join(data.draw(st.lists(st.text(ALPHABET, min_size=1, max_size=3))))),
        )
    )
    query_words = words(query)
    if not query_words:
        return
    everything = Opinion.objects.values_list("pk", "section", "text")
    expected = sorted(
        pk
        for pk, section, text in everything
        if all(w in fold("\n".join(p for p in (section, text) if p)) for w in query_words)
    )
    with planner_stats.index_plans():
        found = Opinion.objects.filter(search_text__contains_words=query_words)
        assert "consultations_opinion_search_grams" in _plan(found)
        assert sorted(found.values_list("pk", flat=True)) == expected
