"""Hostile query strings on every list, export and search page: never a 500.

SQL-ish text, NUL bytes, 10,000-character values, repeated parameters, numbers that are not
numbers (or are too big for the database), bad choices and page numbers, broken UTF-8 and
unicode oddities. Each answer is 200 or 400, and where a filter refuses its input the page
shows nothing or everything, never a wrong subset. Runs on SQLite and PostgreSQL alike (they
differ on NUL: PostgreSQL refuses it in a string literal).
"""

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candidates.filters import CandidateFilter
from candidates.models import Candidate, Ministry
from core.models import AuditEvent, AuditOutcome
from hearings.models import AgendaItem, EntryKind, MeetingKind, MinutesEntry
from municipalities.models import Association
from tests.meetings import save_meeting

pytestmark = pytest.mark.django_db

# Every filter the list offers (a new one is covered without touching this file), and the page.
CANDIDATE_FILTERS = [*CandidateFilter.Meta.fields, "page"]
PAGES = {
    "candidates:list": CANDIDATE_FILTERS,
    "candidates:export:csv": CANDIDATE_FILTERS,
    "candidates:export:xlsx": CANDIDATE_FILTERS,
    "candidates:slips": [*CANDIDATE_FILTERS, "format"],
    "candidates:dashboard": ["q", "page"],
    "hearings:list": ["kind", "page"],
    "hearings:search": ["q", "kind", "fiscal_year", "association", "candidate"],
    "municipalities:list": ["q", "prefecture", "kind", "population_min", "population_max", "page"],
    "audit": ["username", "outcome", "action", "page"],
}

HOSTILE = {
    "sql-or": "' OR 1=1 --",
    "sql-drop": "1; DROP TABLE x",
    "sql-like": "%' OR '1'='1",
    "like-wildcards": "%_%",
    "backslash": "\\",
    "nul": "介\x00護",
    "nul-only": "\x00",
    "control": "a\x01\x1b[31mb\x7f",
    "long": "x" * 10_000,
    "long-digits": "9" * 5_000,  # past Python's int() digit limit
    "huge-int": "9" * 30,  # past any database integer
    "negative": "-1",
    "zero": "0",
    "big-page": "99999",
    "word": "abc",
    "float": "1e5",
    "hex": "0x10",
    "superscript": "²",  # str.isdigit() says yes, int() says no
    "arabic-indic": "١٢",
    "full-width": "２０２５",
    "rtl": "\u202eabc\u200f",
    "bom": "\ufeff1",
    "emoji": "🙂",
    "markup": "<script>alert(1)</script>",
    "date": "2026-02-30",
}


def _url(name: str) -> str:
    if name.startswith("candidates:export:"):
        return reverse("candidates:export", args=[name.rsplit(":", 1)[1]])
    return reverse(name)


@pytest.fixture
def world(secretariat):
    """A little of everything the pages list, so that every filter has rows to work on."""
    ministry = Ministry.objects.create(name="国土交通省", display_order=15)
    Candidate.objects.create(
        name="道路占用許可システム", selected_fiscal_year=2025, lead_ministry=ministry
    )
    Candidate.objects.create(
        name="介護認定審査会支援システム", selected_fiscal_year=2026, lead_ministry=ministry
    )
    save_meeting(
        secretariat,
        kind=MeetingKind.HEARING,
        title="指定都市市長会ヒアリング",
        date=dt.date(2025, 10, 18),
        association=Association.objects.get(slug="designated-cities"),
        attendees=[{"group": "heard", "organisation": "指定都市市長会", "name": "山田 太郎"}],
        agenda_items=[{"number": 1, "title": "介護保険事務について"}],
        entries=[{"kind": EntryKind.REMARK, "text": "介護認定の事務負担が大きい。"}],
    )
    AuditEvent.objects.create(
        method="POST",
        path="/candidates/new/",
        action="candidates:create",
        outcome=AuditOutcome.DONE,
        status_code=302,
        username="secretariat",
    )
    return secretariat


@pytest.fixture
def browsing(client, world):
    client.force_login(world)  # the secretariat may open every page, the audit trail included
    return client


def _fine(response) -> None:
    assert response.status_code in (200, 400), response.status_code


# The values that found (or would find) a bug somewhere, tried in each parameter on its own:
# a form that refuses one field skips the others, so together they would hide each other.
SHARP = [
    "sql-or",
    "nul",
    "nul-only",
    "control",
    "long",
    "long-digits",
    "huge-int",
    "negative",
    "big-page",
    "word",
    "superscript",
    "full-width",
    "rtl",
]


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("value", [HOSTILE[key] for key in SHARP], ids=SHARP)
def test_a_hostile_value_in_any_parameter_is_never_a_500(browsing, name, value):
    url = _url(name)
    for param in PAGES[name]:
        _fine(browsing.get(url, {param: value}))


@pytest.mark.parametrize("name", list(PAGES))
def test_every_hostile_value_in_every_parameter_at_once_is_never_a_500(browsing, name):
    url = _url(name)
    for value in HOSTILE.values():
        _fine(browsing.get(url, dict.fromkeys(PAGES[name], value)))


RAW_QUERIES = [
    "q=%00",
    "q=%ED%A0%80",  # a UTF-16 surrogate, encoded as UTF-8 (invalid)
    "q=%FF%FE%FD",  # not UTF-8 at all
    "q=%C0%AF",  # overlong encoding of "/"
    "q=%",
    "q=%zz",
    "page=1&page=abc&page=-1",
    "stage=selected&stage=selected&stage=%00&stage=",
    "kind=hearing&kind=%00",
    "=&&=x&q",
    "q=" + "%E4%BB%8B" * 3000,
]


@pytest.mark.parametrize("name", list(PAGES))
def test_broken_encodings_and_repeated_parameters_are_never_a_500(browsing, name):
    url = _url(name)
    for query in RAW_QUERIES:
        _fine(browsing.get(f"{url}?{query}"))


# --- what comes back: nothing, or everything, never a wrong subset ------------------------


def _names(response) -> set[str]:
    return {c.name for c in response.context["page"]}


BOTH = {"道路占用許可システム", "介護認定審査会支援システム"}


def test_bad_page_numbers_show_a_real_page(browsing):
    url = reverse("candidates:list")
    for page in ["abc", "-1", "0", "99999", "9" * 5000, "²", ""]:
        response = browsing.get(url, {"page": page})
        assert response.status_code == 200
        assert _names(response) == BOTH, page


def test_refused_candidate_filters_show_nothing_and_say_so(browsing):
    url = reverse("candidates:list")
    for params in [
        {"fiscal_year": "1 OR 1=1"},
        {"ministry": "9" * 30},
        {"ministry": "²"},
        {"stage": "selected'--"},
        {"judgment": "%"},
        {"due_within": "-5"},
        {"q": "道路\x00"},
    ]:
        response = browsing.get(url, params)
        assert response.status_code == 200
        assert _names(response) == set(), params
        assert "絞り込み条件を確認してください" in response.content.decode(), params


def test_sql_text_is_searched_for_literally(browsing):
    for q in ["' OR 1=1 --", "%' OR '1'='1", "%", "_"]:
        response = browsing.get(reverse("candidates:list"), {"q": q})
        assert _names(response) == set(), q
    assert _names(browsing.get(reverse("candidates:list"), {"q": "道路"})) == {
        "道路占用許可システム"
    }


def test_a_full_width_year_is_a_year_and_a_superscript_is_no_filter(browsing):
    search = reverse("hearings:search")
    hits = browsing.get(search, {"q": "介護"}).context["hits"]
    assert hits
    for year in ["²", "9" * 5000, "abc", "-1"]:
        response = browsing.get(search, {"q": "介護", "fiscal_year": year})
        assert response.context["fiscal_year"] is None, year
        assert response.context["hits"] == hits, year
    assert browsing.get(search, {"q": "介護", "fiscal_year": "２０２４"}).context["hits"] == []


def test_search_ignores_control_characters_and_refuses_nothing_else(browsing):
    search = reverse("hearings:search")
    plain = browsing.get(search, {"q": "介護"}).context["hits"]
    response = browsing.get(search, {"q": "介\x00護"})
    assert response.status_code == 200
    assert response.context["query"] == "介護"
    assert response.context["hits"] == plain
    for junk in ["' OR 1=1 --", "%", "_", "\\"]:
        assert browsing.get(search, {"q": junk}).context["hits"] == [], junk
    for params in [{"candidate": "²"}, {"candidate": "9" * 30}, {"association": "\x00"}]:
        response = browsing.get(search, {"q": "介護", **params})
        assert response.context["hits"] == plain, params


def test_the_audit_filters_take_any_text(browsing):
    audit = reverse("audit")
    assert len(browsing.get(audit, {"username": "secret"}).context["page"]) == 1
    assert len(browsing.get(audit, {"username": "secret\x00"}).context["page"]) == 1
    assert len(browsing.get(audit, {"action": "' OR 1=1 --"}).context["page"]) == 1  # no filter
    assert len(browsing.get(audit, {"outcome": "\x00"}).context["page"]) == 1  # no filter


def test_municipality_filters_refuse_bad_numbers_and_nul(browsing):
    url = reverse("municipalities:list")
    everyone = browsing.get(url).context["page"].paginator.count
    assert everyone > 1700
    for params in [
        {"q": "札幌\x00"},
        {"population_min": "abc"},
        {"population_min": "-1"},
        {"population_max": "9" * 5000},
        {"prefecture": "²"},
        {"kind": "city'--"},
    ]:
        response = browsing.get(url, params)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0, params
    huge = browsing.get(url, {"population_min": "9" * 30})
    assert huge.status_code == 200 and huge.context["page"].paginator.count == 0
    assert browsing.get(url, {"page": "abc"}).context["page"].paginator.count == everyone


def test_a_municipality_code_that_is_not_a_code_is_not_found(browsing):
    for code in ["%00", "0%001002", "%ED%A0%80", "x" * 300, "' OR 1=1 --"]:
        response = browsing.get(f"/municipalities/{code}/")
        assert response.status_code == 404, code


@pytest.mark.parametrize("url_name", ["hearings:entry_link", "hearings:agenda_link"])
def test_linking_ignores_candidate_ids_that_are_not_ids(browsing, url_name):
    target = (MinutesEntry if url_name == "hearings:entry_link" else AgendaItem).objects.get()
    candidate = Candidate.objects.order_by("pk").first()
    junk = ["²", "9" * 5000, "9" * 30, "-1", "\x00", "' OR 1=1 --", ""]
    response = browsing.post(
        reverse(url_name, args=[target.pk]), {"candidates": [*junk, str(candidate.pk)]}
    )
    assert response.status_code == 302
    assert set(target.candidates.all()) == {candidate}


# --- the generic version: any text in any filter parameter --------------------------------

ODD_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]),  # lone surrogates cannot be sent
    max_size=40,
)
VALUES = st.one_of(
    ODD_TEXT,
    st.integers().map(str),
    st.sampled_from(list(HOSTILE.values())),
)


def _params(names: list[str]):
    return st.dictionaries(st.sampled_from(names), st.lists(VALUES, min_size=1, max_size=3))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=_params(PAGES["candidates:list"]))
def test_any_candidate_list_filters_give_a_page(browsing, params):
    response = browsing.get(reverse("candidates:list"), params)
    _fine(response)
    assert _names(response) <= BOTH


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=_params(PAGES["hearings:search"]))
def test_any_search_parameters_give_a_page(browsing, params):
    _fine(browsing.get(reverse("hearings:search"), params))
