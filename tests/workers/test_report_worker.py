"""A council report requested and committed is made by a real Celery worker through Redis."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from candidates import reports
from candidates.models import Candidate, Ministry, ReportStatus
from tests.pdf import pdf_text
from tests.workers.conftest import wait_until_settled


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_report_through_redis(committed):
    """CI's worker and this test share DJANGO_MEDIA_ROOT (set by .ci/run)."""
    ministry = Ministry.objects.create(name="実ワーカー試験省")
    Candidate.objects.create(
        name="実ワーカー試験候補", selected_fiscal_year=2025, lead_ministry=ministry
    )
    report = reports.report_request(user=None, as_of=dt.date(2026, 11, 24), ministries=[ministry])
    report = wait_until_settled(report)
    assert report.status == ReportStatus.DONE, report.error
    content = reports.report_content(report)
    default_storage.delete(reports.report_storage_name(report))
    assert content.startswith(b"%PDF-")
    assert "実ワーカー試験候補" in pdf_text(content)
