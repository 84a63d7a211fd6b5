import datetime as dt

import pytest
from django.urls import reverse

from core.text_search import words
from hearings import search as hearings_search
from hearings.search import Snippet, search, snippet_of
from tests.factories import (
    AgendaItemFactory,
    AttendeeFactory,
    CandidateFactory,
    MeetingFactory,
    MinutesEntryFactory,
)

pytestmark = pytest.mark.django_db


def test_two_character_words_are_found(hearing):
    hits = search(query="介護")
    assert {h.kind for h in hits} == {"entry"}
    assert len(hits) == 2


def test_phrases_are_found_and_snippets_mark_the_match(hearing):
    (hit,) = search(query="事務負担が大きい")
    assert hit.snippet.match == "事務負担が大きい"
    assert hit.meeting == hearing


def test_snippets_are_cut_around_the_match():
    text = "あ" * 200 + "介護" + "い" * 200
    snippet = snippet_of(text, ["介護"], radius=10)
    assert snippet.before == "…" + "あ" * 10 and snippet.after == "い" * 10 + "…"


def test_the_highlight_marks_the_match_even_after_letters_whose_capitals_are_longer():
    # "ß".upper() is "SS" and "ﬁ".upper() is "FI": positions in the upper-cased text would
    # point past the match in the original.
    assert snippet_of("Straße ßß 介護の話", ["介護"]) == Snippet("Straße ßß ", "介護", "の話")
    assert snippet_of("ﬁnal <b>ﬁle</b>", words("<B>")).match == "<b>"


def test_search_finds_candidates_too(hearing, care_candidate):
    kinds = [h.kind for h in search(query="介護")]
    assert kinds[-1] == "candidate"


def test_filters_narrow_results(hearing):
    assert search(query="介護", kind="wt") == []
    assert search(query="介護", fiscal_year=2024) == []
    assert len(search(query="介護", fiscal_year=2025)) == 2


def test_search_page_escapes_user_text_and_highlights(client, wt_member, hearing, secretariat):

    entry = hearing.entries.first()
    entry.text = "<script>alert(1)</script>介護"
    entry.save()
    client.force_login(wt_member)
    body = client.get(reverse("hearings:search"), {"q": "介護"}).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert "<mark>介護</mark>" in body


def test_the_search_page_keeps_the_chosen_candidate_and_year(
    client, wt_member, hearing, care_candidate
):
    client.force_login(wt_member)
    params = {"q": "介護", "candidate": care_candidate.pk, "fiscal_year": 2025}
    body = client.get(reverse("hearings:search"), params).content.decode()
    assert f'<option value="{care_candidate.pk}" selected>{care_candidate.name}</option>' in body
    assert '<option value="2025" selected>' in body
    assert body.count(" selected>") == 2


def test_odd_search_input_gives_a_page_not_an_error(client, wt_member):
    client.force_login(wt_member)
    for params in [
        {"q": "x" * 5000},
        {"q": "%' OR 1=1 --"},
        {"fiscal_year": "abc", "candidate": "x"},
    ]:
        assert client.get(reverse("hearings:search"), params).status_code == 200


def test_every_word_must_match_in_any_order(hearing):
    both = [h.snippet for h in search(query="介護 標準化")]
    assert [h.snippet for h in search(query="標準化　介護")] == both  # a full-width space too
    assert len(both) == 1 and both[0].match == "介護"
    assert search(query="介護 共通化") == []  # in the same meeting, never in one entry


def test_width_kana_and_case_are_folded_on_both_sides(hearing):
    entry = hearing.entries.first()
    entry.text = "ＤＸのスケジュールを示す。"
    entry.save()
    for query in ("スケジュール", "ｽｹｼﾞｭｰﾙ", "すけじゅーる", "dx", "DX", "ｄｘ すけじゅーる"):
        (hit,) = search(query=query)
        assert hit.snippet.before + hit.snippet.match + hit.snippet.after == entry.text, query
    assert search(query="ｽｹｼﾞｭｰﾙ")[0].snippet.match == "スケジュール"


def test_attendees_names_and_organisations_find_their_meeting(hearing):
    for query in ("鈴木", "山口県", "総合企画部長", "指定都市 山田"):
        hits = search(query=query)
        assert [(h.kind, h.meeting) for h in hits] == [("meeting", hearing)], query
    (hit,) = search(query="鈴木")
    assert "鈴木" in hit.snippet.match and "山口県" in hit.snippet.before


def test_the_folded_copy_follows_every_save_and_bulk_create(hearing):
    from hearings.models import MinutesEntry

    entry = hearing.entries.first()
    entry.text = "ｶﾞｲﾄﾞﾗｲﾝ"
    entry.save()
    entry.refresh_from_db()
    assert entry.search_text == "がいどらいん"
    (made,) = MinutesEntry.objects.bulk_create(
        [MinutesEntry(meeting=hearing, kind="note", text="Ｗｅｂ申請")]
    )
    assert MinutesEntry.objects.get(pk=made.pk).search_text == "web申請"


@pytest.mark.parametrize("query", ["県", "介護", "県 介護", "戸籍"])
def test_the_newest_meetings_first_finds_what_the_whole_index_finds(monkeypatch, query):
    """Entries in every meeting hold 県, one in ten 介護, none 戸籍: with a window of 3
    meetings, 県 fills the results from the window, 介護 needs the whole index, 戸籍 finds
    nothing; each equal to what the search finds with no window."""
    monkeypatch.setattr(hearings_search, "MAX_RESULTS", 8)
    for day in range(6):
        meeting = MeetingFactory.create(date=dt.date(2026, 4, 1) + dt.timedelta(days=day // 2))
        for position in range(5):
            text = "県の意見" + ("と介護" if (day * 5 + position) % 10 == 0 else "")
            MinutesEntryFactory.create(meeting=meeting, position=position, text=text)

    def found() -> list[tuple[dt.date, str]]:
        return [(h.date, h.url) for h in search(query=query) if h.kind == "entry" and h.date]

    monkeypatch.setattr(hearings_search, "RECENT_MEETINGS", 0)
    whole = found()
    # A window of the newest meetings, widened once (up to the widest) when it held too few.
    for recent, widest in ((3, 0), (1, 6), (2, 4), (1, 2), (5, 5)):
        monkeypatch.setattr(hearings_search, "RECENT_MEETINGS", recent)
        monkeypatch.setattr(hearings_search, "WIDEST_WINDOW", widest)
        assert sorted(found()) == sorted(whole), (recent, widest)
    assert len(whole) == {"県": 8, "介護": 3, "県 介護": 3, "戸籍": 0}[query]


def test_a_window_with_too_few_hits_is_widened_once_before_the_whole_index(monkeypatch):
    """10 meetings on 10 days, one 介護 entry each; 4 results wanted: the newest 2 meetings
    hold 2, so the window grows to 5 meetings (2 × 4 × 1.25 ÷ 2) and fills the results there,
    without the whole index; too wide a window goes to the index."""
    for day in range(10):
        meeting = MeetingFactory.create(date=dt.date(2026, 4, 1) + dt.timedelta(days=day))
        MinutesEntryFactory.create(meeting=meeting, position=0, text=f"介護の話{day}")
        MinutesEntryFactory.create(meeting=meeting, position=1, text="別の話")
    monkeypatch.setattr(hearings_search, "MAX_RESULTS", 4)
    ways = []
    entries = hearings_search._entries

    def spy(words, filters, *, by_index=True):
        ways.append(by_index)
        return entries(words, filters, by_index=by_index)

    monkeypatch.setattr(hearings_search, "_entries", spy)
    monkeypatch.setattr(hearings_search, "RECENT_MEETINGS", 2)
    for widest, expected in ((6, [False, False]), (4, [False, True])):
        monkeypatch.setattr(hearings_search, "WIDEST_WINDOW", widest)
        ways.clear()
        hits = [h for h in search(query="介護") if h.kind == "entry"]
        assert [h.texts[0] for h in hits] == [f"介護の話{day}" for day in (9, 8, 7, 6)]
        assert ways == expected, widest


@pytest.mark.parametrize("query", ["県", "介護", "山口"])
def test_the_first_results_are_those_of_the_whole_search(monkeypatch, query):
    """Once the entries fill the results, older agenda items and meetings and the candidates
    are not looked up: what is shown must be the first of everything found."""
    CandidateFactory.create(name="県の介護システム")
    for day in range(5):
        meeting = MeetingFactory.create(date=dt.date(2026, 4, 1) + dt.timedelta(days=day))
        AttendeeFactory.create(meeting=meeting, organisation="山口県", title="部長")
        AgendaItemFactory.create(meeting=meeting, number=1, title="県からの介護の報告")
        for position in range(3 if day % 2 else 1):
            MinutesEntryFactory.create(meeting=meeting, position=position, text="県と介護")

    def found() -> list[tuple[str, str]]:
        return [(h.kind, h.url) for h in search(query=query)]

    monkeypatch.setattr(hearings_search, "MAX_RESULTS", 1000)
    whole = found()
    # The meetings after the entries' last hit checked directly (few), or through the index.
    for few_meetings in (200, 1, 0):
        monkeypatch.setattr(hearings_search, "FEW_MEETINGS", few_meetings)
        for shown in (1, 4, 6, 9, len(whole)):
            monkeypatch.setattr(hearings_search, "MAX_RESULTS", shown)
            assert found() == whole[:shown], (shown, few_meetings)
    assert whole[-1][0] == ("candidate" if query != "山口" else "meeting")


def test_the_search_page_shows_fifty_hits_a_page_with_page_numbers(client, wt_member):
    meeting = MeetingFactory.create(date=dt.date(2026, 4, 1))
    for position in range(120):
        MinutesEntryFactory.create(meeting=meeting, position=position, text=f"県の意見{position}")
    client.force_login(wt_member)
    first = client.get(reverse("hearings:search"), {"q": "県"}).content.decode()
    assert first.count('<p class="snippet">') == 50
    assert "の意見0</p>" in first and "の意見50</p>" not in first
    assert 'page=3"' in first and "q=%E7%9C%8C" in first  # page links keep the query
    third = client.get(reverse("hearings:search"), {"q": "県", "page": 3}).content.decode()
    assert third.count('<p class="snippet">') == 20 and "の意見119</p>" in third
    assert '<ol class="search-results" start="101">' in third


def test_the_candidate_filter_shows_a_renamed_candidate_by_its_new_name(
    client, wt_member, django_capture_on_commit_callbacks
):
    candidate = CandidateFactory.create(name="旧名称システム")
    client.force_login(wt_member)
    assert "旧名称システム" in client.get(reverse("hearings:search")).content.decode()
    candidate.name = "新名称システム"
    with django_capture_on_commit_callbacks(execute=True):  # the cache's counter moves on commit
        candidate.save()
    body = client.get(reverse("hearings:search")).content.decode()
    assert "新名称システム" in body and "旧名称システム" not in body
