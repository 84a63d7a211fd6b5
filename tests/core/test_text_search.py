"""Folding for search (core/text_search.py): one function on the stored and the query side."""

import pytest

from core.text_search import SearchTextField, fold, locate, words


def test_width_kana_and_case_fold_to_one_form():
    assert fold("ｽｹｼﾞｭｰﾙ") == fold("スケジュール") == fold("すけじゅーる") == "すけじゅーる"
    assert fold("ＤＸ推進") == fold("dx推進") == "dx推進"
    assert fold("サッポロ") == "さっぽろ"


def test_words_split_at_ascii_and_full_width_spaces_once_each():
    assert words("共通化　スケジュール 共通化") == ["共通化", "すけじゅーる"]
    assert words(" 　 ") == []


def test_locate_points_into_the_original_text_when_folding_changes_lengths():
    text = "㍻の ｶﾞｲﾄﾞ を見る"  # ㍻ folds to two characters, ｶﾞ to one
    start, end = locate(text, [fold("ガイド")])
    assert text[start:end] == "ｶﾞｲﾄﾞ"
    start, end = locate(text, ["成"])
    assert text[start:end] == "㍻"
    assert locate(text, ["無い"]) is None


@pytest.mark.django_db
def test_every_searchable_row_of_the_demo_holds_its_folded_copy(secretariat, fixed_today):
    from django.apps import apps

    from candidates.demo import demo_data_load
    from hearings.demo import demo_meetings_load

    demo_data_load()
    demo_meetings_load(secretariat=secretariat)
    checked = 0
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, SearchTextField)]
        for field in fields:
            for row in model.objects.all():
                assert getattr(row, field.attname) == field.value_for(row), (model, row.pk)
                checked += 1
    assert checked > 1000  # the master data at least
