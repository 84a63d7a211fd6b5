"""The 意見照会結果 section of the council PDF: the closed consultations on the report's
candidates, in the table ministries publish (番号, 団体名, 該当箇所, 意見の概要, 対応)."""

from __future__ import annotations

import pytest

from candidates import reports
from consultations import services
from consultations.models import Position, ResponseKind
from consultations.services import OpinionValues
from tests.candidates.test_report_layout import outside_the_margins
from tests.consultations.conftest import KURE, SAPPORO, body, full_answer
from tests.pdf import pdf_text, words

pytestmark = pytest.mark.django_db


def report_pdf(as_of) -> bytes:
    report = reports.report_generate(reports.report_request(user=None, as_of=as_of, queue=False).pk)
    assert report is not None
    return reports.report_content(report)


@pytest.fixture
def answered(consultation, hiroshima_coordinator, secretariat):
    """呉市 agrees; 札幌市 agrees on a condition, which the secretariat reflects."""
    services.answer_save(
        user=hiroshima_coordinator,
        consultation=consultation,
        local_government=body(KURE),
        opinions=full_answer(consultation, "標準仕様書の改定時期を早めに示してほしい。"),
        submit=True,
        version=None,
    )
    first = consultation.questions.get(number=1)
    sapporo = {
        **full_answer(consultation, "特になし"),
        first.pk: OpinionValues(
            position=Position.CONDITIONAL,
            section="第3章 2(1)",
            text="区役所ごとの名簿管理に対応すること。" * 6,
        ),
    }
    sapporo_staff = hiroshima_coordinator  # only to write the fixture: the rule is tested elsewhere
    services.answer_write(
        user=sapporo_staff,
        consultation=consultation,
        local_government=body(SAPPORO),
        opinions=sapporo,
        submit=True,
        version=None,
        now=consultation.created_at,
    )
    opinion = first.opinions.get(answer__local_government__code=SAPPORO)
    services.response_record(
        user=secretariat,
        consultation=consultation,
        opinion_ids=[opinion.pk],
        kind=ResponseKind.REFLECT,
        text="要件に区役所単位の名簿管理を含めます。",
    )
    return consultation


def test_a_closed_consultation_is_published_as_the_results_table(
    answered, secretariat, fixed_today
):
    services.consultation_close(user=secretariat, consultation=answered, version=None)
    content = report_pdf(fixed_today)
    text = pdf_text(content)
    assert "4. 意見照会結果" in text
    assert answered.title in text
    for header in ("番号", "団体名", "該当箇所", "意見の概要", "対応"):
        assert header in text
    assert "北海道札幌市" in text and "【条件付き賛成】" in text
    assert "【反映する】要件に区役所単位の名簿管理を含めます。" in text
    assert outside_the_margins(words(content)) == []


def test_an_open_consultation_is_not_in_the_report(answered, fixed_today):
    assert "意見照会結果" not in pdf_text(report_pdf(fixed_today))
