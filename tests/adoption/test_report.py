"""The council PDF's adoption: a summary line on the first page, a section per candidate."""

import io

import pytest
from pypdf import PdfReader

from adoption.models import Adoption, Status
from candidates.models import CouncilReport
from candidates.report_pdf import render_pdf, report_data, report_html
from tests.adoption.conftest import body
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(make_candidate, candidate):
    other = make_candidate(name="介護認定審査会支援システム")
    for code, status, start in (
        ("342025", Status.IN_USE, 2025),
        ("341002", Status.PLANNED, 2027),
        ("011002", Status.DECLINED, None),
    ):
        Adoption.objects.create(
            candidate=candidate,
            local_government=body(code),
            status=status,
            planned_start_fiscal_year=start,
            reason="理由" if status == Status.DECLINED else "",
        )
    return candidate, other


def test_the_report_data_has_each_candidates_panel_and_a_summary(answered, fixed_today):
    candidate, other = answered
    data = report_data(CouncilReport(as_of=fixed_today))
    panels = {row.candidate.pk: row.adoption for row in data.candidates}
    assert panels[candidate.pk].committed == 2 and panels[other.pk].committed == 0
    summary = data.adoption_summary
    assert (summary.candidates, summary.with_committed, summary.committed, summary.in_use) == (
        2,
        1,
        2,
        1,
    )


def test_the_report_data_reads_adoption_in_a_fixed_number_of_queries(
    answered, make_candidate, fixed_today, django_assert_max_num_queries
):
    report = CouncilReport(as_of=fixed_today)
    report_data(report)
    with django_assert_max_num_queries(30) as few:
        report_data(report)
    for i in range(4):
        make_candidate(name=f"候補{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        report_data(report)


def test_the_pdf_shows_the_summary_first_and_each_candidates_adoption(answered, fixed_today):
    rendered = render_pdf(report_html(CouncilReport(as_of=fixed_today)))
    assert rendered.refused_urls == []
    first_page = PdfReader(io.BytesIO(rendered.content)).pages[0].extract_text()
    assert "地方公共団体の利用：2件中1件の候補で、延べ2団体が利用中・利用予定" in first_page
    text = pdf_text(rendered.content)
    assert "利用中・利用予定 2 / 1,788団体" in text
    assert "利用開始の波（年度別）" in text and "令和9年度" in text
    assert "都道府県別の利用状況" in text and "広島" in text
