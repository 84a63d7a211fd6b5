"""The council PDF read back as a reader sees it: where its text lies on each page."""

import pytest

from candidates import reports
from candidates.lifecycle import Stage
from tests.pdf import words

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
SIDE_MARGIN = 16 * MM  # static/css/report.css @page margin
TOLERANCE = 0.5  # points: glyph boxes round a little outside their line


def report_words(as_of):
    report = reports.report_generate(reports.report_request(user=None, as_of=as_of, queue=False).pk)
    return words(reports.report_content(report))


def outside_the_margins(found):
    return [
        (w.page, w.text, round(w.x_min, 1), round(w.x_max, 1))
        for w in found
        if w.x_min < SIDE_MARGIN - TOLERANCE or w.x_max > w.page_width - SIDE_MARGIN + TOLERANCE
    ]


def test_a_small_report_keeps_every_word_inside_the_side_margins(candidate, make_slip, fixed_today):
    make_slip(candidate, added_value="実証団体が12団体から30団体に拡大し、帳票を電子化")
    found = report_words(fixed_today)
    assert any(w.page_width > w.page_height for w in found)  # the landscape slip table
    assert outside_the_margins(found) == []


def test_a_large_report_with_long_unbroken_text_keeps_every_word_inside_the_side_margins(
    make_candidate, make_slip, fixed_today
):
    unbroken = "https://www.example.lg.jp/" + "kyotsuka-system-specification-" * 4
    for number in range(24):
        candidate = make_candidate(
            name=f"共通化対象システム{number:02d} " + "住民向けオンライン申請・通知・照会" * 3,
            stage=Stage.IN_PROGRESS,
        )
        make_slip(
            candidate,
            reason=f"仕様の見直し（{unbroken}）のため。" + "関係団体との調整に時間を要した。" * 6,
            added_value=f"{unbroken} に示す機能の追加" + "、帳票の電子化" * 8,
        )
    found = report_words(fixed_today)
    assert sum(w.page_width > w.page_height for w in found) > 100
    assert outside_the_margins(found) == []
