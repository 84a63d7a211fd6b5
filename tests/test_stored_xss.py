"""Stored XSS: hostile text saved as a candidate name, a slip reason, a minutes entry, an agenda
item and an attendee is shown as text on every page (search highlighting included), cannot
start a formula in a CSV or .xlsx export, and is plain text in the council PDF."""

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from candidates import reports
from candidates import services as candidate_services
from candidates.models import Candidate, Ministry
from hearings import services as hearing_services
from hearings.models import EntryKind, MeetingKind
from tests.meetings import save_meeting
from tests.pdf import pdf_text
from tests.slips import slipped_milestone

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "＜script＞alert(1)＜/script＞",
    "javascript:alert(1)",
]
HOSTILE = " ".join(PAYLOADS)
SHORT_HOSTILE = " ".join(PAYLOADS[:3])  # for fields of 100 characters (attendee names)
TODAY = dt.date(2026, 11, 24)


class Markup(HTMLParser):
    """A page's text, and whatever in its markup could run script."""

    def __init__(self, body: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.dangers: list[str] = []
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and (
                (value or "").strip().lower().startswith("javascript:")
            ):
                self.dangers.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not values.get("src"):
            self.dangers.append("inline <script>")
        if tag == "img" and values.get("src") == "x":
            self.dangers.append("injected <img>")

    def handle_data(self, data):
        self.text.append(data)

    def shows(self, words: str) -> bool:
        return words in "".join(self.text)


def assert_shown_as_text(response, *expected: str) -> None:
    assert response.status_code == 200
    markup = Markup(response.content.decode())
    assert markup.dangers == [], response.request["PATH_INFO"]
    for words in expected:
        assert markup.shows(words), f"{words!r} not shown on {response.request['PATH_INFO']}"


@pytest.fixture
def hostile(secretariat):
    """Hostile text everywhere a user can type it."""
    ministry = Ministry.objects.create(name="国土交通省", display_order=15)
    candidate = candidate_services.candidate_create(
        user=secretariat,
        name=HOSTILE,
        selected_fiscal_year=2025,
        lead_ministry=ministry,
        summary=HOSTILE,
    )
    slipped_milestone(
        candidate=candidate,
        secretariat=secretariat,
        editor=secretariat,
        progress_note=HOSTILE,
        reason=HOSTILE,
        added_value=HOSTILE,
    )
    meeting = save_meeting(
        secretariat,
        kind=MeetingKind.HEARING,
        title=HOSTILE,
        date=dt.date(2026, 10, 1),
        attendees=[{"group": "heard", "organisation": HOSTILE, "name": SHORT_HOSTILE}],
        agenda_items=[{"number": 1, "title": HOSTILE, "explanation": HOSTILE}],
        entries=[{"kind": EntryKind.REMARK, "speaker": HOSTILE, "text": HOSTILE}],
    )
    hearing_services.entry_link_candidates(
        user=secretariat, entry=meeting.entries.get(), candidates=[candidate]
    )
    return candidate, meeting


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client


def test_the_hostile_text_really_was_saved_as_given(hostile):
    candidate, meeting = hostile
    assert Candidate.objects.get().name == HOSTILE
    assert meeting.attendees.get().name == SHORT_HOSTILE
    assert meeting.entries.get().text == HOSTILE


def test_every_page_that_shows_it_shows_text_not_markup(secretariat_client, hostile):
    candidate, meeting = hostile
    client = secretariat_client
    for url in [
        candidate.get_absolute_url(),
        reverse("candidates:dashboard"),
        reverse("candidates:list"),
        reverse("candidates:slips"),
        meeting.get_absolute_url(),
        reverse("hearings:list"),
        reverse("hearings:edit", args=[meeting.pk]),
        reverse("candidates:edit", args=[candidate.pk]),
        # The candidate filter's options, built in the view (hearings.views._candidate_options).
        f"{reverse('hearings:search')}?candidate={candidate.pk}",
    ]:
        assert_shown_as_text(client.get(url), *PAYLOADS[:2])
    body = client.get(candidate.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "＜script＞alert(1)＜/script＞" in body  # full-width brackets stay full-width text


def test_search_results_escape_the_text_around_and_inside_the_highlight(
    secretariat_client, hostile
):
    search = reverse("hearings:search")
    for q in ["alert", "<script>", '"><img', "onerror=alert(1)>", "＜script＞", "javascript:"]:
        response = secretariat_client.get(search, {"q": q})
        assert_shown_as_text(response, q)
        assert response.context["hits"], q
    body = secretariat_client.get(search, {"q": "<script>"}).content.decode()
    assert "<mark>&lt;script&gt;</mark>" in body
    assert 'value="&lt;script&gt;"' in body  # the query echoed in the search box
    assert "「&lt;script&gt;」" in body  # and in the result count
    body = secretariat_client.get(search, {"q": "alert"}).content.decode()
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in body


def test_a_hostile_query_that_finds_nothing_is_escaped_too(secretariat_client):
    response = secretariat_client.get(
        reverse("hearings:search"), {"q": '"><script>alert(1)</script>'}
    )
    assert_shown_as_text(response, '"><script>alert(1)</script>')


def test_messages_naming_the_hostile_text_escape_it(secretariat_client, hostile):
    candidate, _meeting = hostile
    response = secretariat_client.post(
        reverse("candidates:create"),
        {
            "name": PAYLOADS[1],
            "selected_fiscal_year": 2025,
            "lead_ministry": candidate.lead_ministry.pk,
        },
        follow=True,
    )
    assert_shown_as_text(response, f"候補「{PAYLOADS[1]}」を登録しました。")


# --- spreadsheets --------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/","x")', "+1+1", "-1+1", "@SUM(A1)"]


@pytest.fixture
def formulas(secretariat):
    ministry = Ministry.objects.create(name="国土交通省")
    for index, text in enumerate(FORMULAS):
        candidate = candidate_services.candidate_create(
            user=secretariat,
            name=text,
            selected_fiscal_year=2025,
            lead_ministry=ministry,
            business_area=FORMULAS[-1 - index],
        )
        slipped_milestone(
            candidate=candidate,
            secretariat=secretariat,
            editor=secretariat,
            reason=text,
            added_value=FORMULAS[-1 - index],
        )


def _csv_cells(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [cell for row in rows[1:] for cell in row]


def _xlsx_cells(response) -> list:
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell is a formula"
    return [cell.value for cell in cells]


@pytest.mark.parametrize(
    ("url", "params", "read"),
    [
        ("candidates:export:csv", {}, _csv_cells),
        ("candidates:export:xlsx", {}, _xlsx_cells),
        ("candidates:slips", {"format": "csv"}, _csv_cells),
        ("candidates:slips", {"format": "xlsx"}, _xlsx_cells),
    ],
)
def test_exports_never_start_a_cell_with_a_formula(secretariat_client, formulas, url, params, read):
    if url.startswith("candidates:export:"):
        path = reverse("candidates:export", args=[url.rsplit(":", 1)[1]])
    else:
        path = reverse(url)
    cells = read(secretariat_client.get(path, params))
    texts = [c for c in cells if isinstance(c, str)]
    for formula in FORMULAS:
        assert "'" + formula in texts, formula
    assert not [c for c in texts if c.startswith(("=", "+", "-", "@"))]


# --- the council PDF -------------------------------------------------------------------------


def test_the_council_pdf_shows_reasons_and_remarks_as_text(hostile, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = reports.report_request(user=None, as_of=TODAY, queue=False)
    html = report_html_of(report)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert Markup(html).dangers == []
    report = reports.report_generate(report.pk)
    text = pdf_text(reports.report_content(report))
    assert "<script>alert(1)</script>" in text.replace("\n", "")  # as printed text


def report_html_of(report) -> str:
    from candidates.report_pdf import report_html

    return report_html(report)
