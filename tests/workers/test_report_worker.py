"""A council report requested and committed is made by a real Celery worker through Redis."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from bench import datagen
from candidates import reports
from candidates.models import Candidate, Ministry, ReportStatus
from tests.pdf import page_footers, pdf_text
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


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_workers_render_a_large_report_in_parts_and_join_it(committed):
    """More candidates than a part holds (KYOTSUKA_REPORT_PART_CANDIDATES, 25 by default in
    CI's worker): the parts go through Redis to any worker process, then one joins them."""
    datagen.candidates(30, milestones_each=3)
    report = reports.report_request(user=None, as_of=dt.date(2026, 11, 24))
    report = wait_until_settled(report, 240)
    assert report.status == ReportStatus.DONE, report.error
    parts = list(report.parts.order_by("index"))
    assert [p.spec["kind"] for p in parts][-2:] == ["candidates", "candidates"]
    content = reports.report_content(report)
    default_storage.delete(reports.report_storage_name(report))
    assert report.page_count == sum(p.page_count for p in parts)
    assert page_footers(content) == [[]] + [[str(n)] for n in range(2, report.page_count + 1)]
    assert not any(default_storage.exists(reports.part_storage_name(p)) for p in parts[1:])
