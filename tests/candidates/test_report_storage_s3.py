"""Council reports in an S3-compatible store (tests/s3.py): written whole to the bucket, served
by the app after its permission checks, replaced on a second render, deleted with their row.
tests/workers/test_report_faults.py makes one through a real worker into the same kind of
store."""

import pytest
from django.urls import reverse

from candidates import reports
from candidates.models import CouncilReport
from tests.pdf import pdf_text
from tests.s3 import s3  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_in_process():
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def test_a_report_is_stored_in_the_bucket_served_by_the_app_and_deleted_from_it(
    s3,  # noqa: F811
    client,
    secretariat,
    wt_member,
    outsider,
    candidate,
    fixed_today,
    django_capture_on_commit_callbacks,
):
    report = reports.report_generate(
        reports.report_request(user=secretariat, as_of=fixed_today, queue=False).pk
    )
    key = f"reports/{report.file_name}"
    assert s3.keys() == [key]
    stored = s3.read(key)
    assert stored.startswith(b"%PDF-") and candidate.name in pdf_text(stored)
    assert reports.report_location(report) == f"{s3.bucket}:{key}"
    url = reverse("candidates:report_download", args=[report.pk])
    client.force_login(wt_member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    # Rendered again (a worker's takeover): the one object is replaced, not joined by a copy.
    reports._store(report.file_name, stored + b"\n")
    assert s3.keys() == [key] and s3.read(key) == stored + b"\n"
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("candidates:report_delete", args=[report.pk]))
    assert not CouncilReport.objects.filter(pk=report.pk).exists()
    assert s3.keys() == []
