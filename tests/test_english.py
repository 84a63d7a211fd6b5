"""The English pages read as English: dates, labels and lists built with English word order
and punctuation, not Japanese separators between translated words."""

import datetime as dt
import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from candidates.lifecycle import Stage
from candidates.report_pdf import report_html
from tests.factories import (
    CandidateFactory,
    CouncilReportFactory,
    MilestoneChangeFactory,
    MinistryFactory,
    ProgressUpdateFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

# A Japanese separator beside Latin text (「1、no report」); one between Japanese words quotes
# Japanese input, as in the help of the municipality field (「静岡県浜松市、長野県松本市」).
MIXED_SEPARATOR = re.compile(r"[\w ][：、／]|[：、／][\w ]", re.ASCII)


@pytest.fixture
def english(client, secretariat):
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_a_progress_report_heading_says_as_of_before_its_date(english):
    update = ProgressUpdateFactory.create(as_of=dt.date(2026, 11, 11))
    body = english.get(update.candidate.get_absolute_url()).content.decode()
    assert "As of 11 November 2026" in body
    assert "2026As of" not in body


def test_the_council_report_says_as_of_before_a_progress_date():
    candidate = CandidateFactory.create(stage=Stage.IN_PROGRESS)
    ProgressUpdateFactory.create(
        candidate=candidate, as_of=dt.date(2026, 11, 11), schedule_note="予定どおり"
    )
    with translation.override("en"):
        html = report_html(CouncilReportFactory.create())
    assert "As of 11 November 2026: On track / 予定どおり" in html
    assert "2026As of" not in html and "：" not in html.split("As of 11 November 2026")[1][:40]


def test_a_slip_reason_is_set_off_from_its_label(english):
    change = MilestoneChangeFactory.create(reason="標準仕様書の改定に合わせるため")
    body = english.get(change.milestone.candidate.get_absolute_url()).content.decode()
    assert "Reason: 標準仕様書の改定に合わせるため" in body


def test_a_stale_ministry_is_listed_with_english_punctuation(english):
    fdma = MinistryFactory.create(name="消防庁")
    CandidateFactory.create(stage=Stage.IN_PROGRESS, lead_ministry=fdma)
    body = english.get(reverse("candidates:dashboard")).content.decode()
    line = body.split("消防庁</a>")[1].split("</li>")[0]
    assert line == ": 1 candidate, no report"


def test_a_candidate_with_co_ministries_lists_them_with_commas(english):
    candidate = CandidateFactory.create()
    candidate.co_ministries.add(
        MinistryFactory.create(name="総務省"), MinistryFactory.create(name="消防庁")
    )
    body = english.get(candidate.get_absolute_url()).content.decode()
    assert "総務省, 消防庁" in body or "消防庁, 総務省" in body
    assert "総務省、" not in body and "消防庁、" not in body


def test_every_label_ending_in_a_colon_leaves_a_space_before_its_value():
    """Templates put a value right after a label such as 「理由：」; the English colon needs the
    space that the full-width one carries."""
    po = polib.pofile(str(settings.BASE_DIR / "locale/en/LC_MESSAGES/django.po"))
    cramped = [e.msgid for e in po if e.msgid.endswith("：") and not e.msgstr.endswith(": ")]
    assert cramped == []


def test_no_english_text_carries_a_japanese_separator():
    po = polib.pofile(str(settings.BASE_DIR / "locale/en/LC_MESSAGES/django.po"))
    mixed = [
        e.msgid
        for e in po
        for text in [e.msgstr, *e.msgstr_plural.values()]
        if MIXED_SEPARATOR.search(text)
    ]
    assert mixed == []


TEMPLATE_PIECES = re.compile(
    r"{%\s*blocktranslate.*?%}.*?{%\s*endblocktranslate\s*%}|{%.*?%}|{#.*?#}|{{.*?}}", re.S
)
BILINGUAL_PAGES = {"500.html", "503.html"}  # static pages with both languages written out


def test_no_template_puts_a_bare_japanese_separator_between_values():
    """A 「：」 or 「、」 between values stays Japanese in English; the templates use the
    translated separators ({% translate "：" context "label separator" %}) instead."""
    bare = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        if path.name in BILINGUAL_PAGES:
            continue
        text = TEMPLATE_PIECES.sub("", path.read_text(encoding="utf-8"))
        bare += [
            f"{path.name}: {line.strip()}"
            for line in text.splitlines()
            if re.search("[：、]", line)
        ]
    assert bare == []


def test_a_milestone_form_title_reads_in_english(english):
    milestone = MilestoneChangeFactory.create().milestone
    body = english.get(reverse("candidates:milestone_update", args=[milestone.pk])).content.decode()
    assert "Update milestone: Requirements" in body
