"""Faults on the real stack: a worker killed mid-render, Redis stopped or hung at request time.

Run by CI's own pass (KYOTSUKA_FAULT_TESTS=1) with no other worker consuming the queue: these
tests start and kill their own workers and stop the machine's Redis (and start it again).
"""

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from bench import datagen
from candidates import reports
from candidates.models import Candidate, CouncilReport, CouncilReportPart, Ministry, ReportStatus
from tests.pdf import page_footers, pdf_text
from tests.s3 import s3  # noqa: F401 - the fixture
from tests.workers.conftest import wait_until_settled

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

AS_OF = dt.date(2026, 11, 24)
STALE_SECONDS = 8


@pytest.fixture
def synthetic(committed):
    """Enough candidates that rendering takes seconds, so a worker can be killed mid-render."""
    return datagen.candidates(40)


def _wait_for(predicate, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def test_a_worker_killed_mid_render_leaves_the_report_to_be_completed_exactly_once(
    synthetic, start_worker, settings
):
    worker_env = {
        "KYOTSUKA_REPORT_STALE_SECONDS": str(STALE_SECONDS),
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "KYOTSUKA_REPORT_PART_CANDIDATES": "0",  # rendered whole; the parts' test is below
    }
    first = start_worker(**worker_env)
    report = reports.report_request(user=None, as_of=AS_OF)  # autocommit: enqueued at once

    def running() -> bool:
        report.refresh_from_db()
        return report.status == ReportStatus.RUNNING

    _wait_for(running, 60, "the worker never started the report")
    time.sleep(1)
    first.kill()
    report.refresh_from_db()
    assert (report.status, report.attempts, report.file_name) == (ReportStatus.RUNNING, 1, "")
    assert not list(reports.reports_dir().glob(".partial-*"))

    # The periodic sweep enqueues the stale row, and a new worker gets the unacknowledged
    # message back from Redis as well (visibility timeout): two deliveries, one completion.
    # The sweep runs before the new worker starts: a worker ready to render claims the
    # redelivered message at once, and the row would no longer be stale.
    time.sleep(STALE_SECONDS + 0.5)
    settings.KYOTSUKA_REPORT_STALE_SECONDS = STALE_SECONDS
    assert reports.reports_sweep() == [report.pk]
    second = start_worker(**worker_env)
    report = wait_until_settled(report, 120)
    time.sleep(STALE_SECONDS)  # let any late redelivery arrive: it must change nothing
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    assert report.attempts == 2
    content = reports.report_content(report)
    assert content.startswith(b"%PDF-") and len(content) == report.file_size
    assert "共通化対象候補の進捗状況" in pdf_text(content)
    assert not list(reports.reports_dir().glob(".partial-*"))
    assert second.output().count("generate_council_report") >= 1


def post_in_thread(client: Client, data: dict):
    """The request, run in a thread so that a hang fails the test instead of stalling it."""
    try:
        return client.post(reverse("candidates:reports"), data, follow=True)
    finally:
        connections.close_all()


@pytest.mark.parametrize("fault", ["stopped", "hung"])
def test_a_request_made_while_redis_is_down_is_kept_and_completed_later(
    fault, committed_secretariat, redis_control, start_worker, settings
):
    client = Client()
    client.force_login(committed_secretariat)
    redis_control.stop() if fault == "stopped" else redis_control.hang()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:
        request = pool.submit(post_in_thread, client, {"as_of": AS_OF.isoformat()})
        try:
            response = request.result(timeout=12)  # broker timeouts are 3 s connect, 5 s send
        finally:
            elapsed = time.monotonic() - started
            redis_control.resume()
            redis_control.start()

    assert response.status_code == 200, f"after {elapsed:.1f}s"
    assert "受け付けました" in response.content.decode()
    report = CouncilReport.objects.get(as_of=AS_OF, requested_by=committed_secretariat)
    assert report.status == ReportStatus.QUEUED

    start_worker()
    settings.KYOTSUKA_REPORT_REQUEUE_SECONDS = 0
    deadline = time.monotonic() + 120
    while report.is_pending and time.monotonic() < deadline:
        reports.reports_sweep()  # what beat does every few minutes
        report = wait_until_settled(report, 3)
    assert report.status == ReportStatus.DONE, report.error
    assert reports.report_content(report).startswith(b"%PDF-")


def test_a_worker_on_another_machine_stores_the_report_where_the_web_server_reads_it(
    s3,  # noqa: F811
    committed,
    start_worker,
):
    """Web and worker share no disk, only an S3-compatible store (tests/s3.py): the worker's
    report lands in the bucket, and this process (the web server) reads it from there."""
    start_worker(**s3.env)
    ministry = Ministry.objects.create(name="共有ストレージ試験省")
    Candidate.objects.create(
        name="共有ストレージ試験候補", selected_fiscal_year=2025, lead_ministry=ministry
    )
    report = reports.report_request(user=None, as_of=AS_OF, ministries=[ministry])
    report = wait_until_settled(report)
    assert report.status == ReportStatus.DONE, report.error
    assert s3.keys() == [f"reports/{report.file_name}"]
    assert "共有ストレージ試験候補" in pdf_text(reports.report_content(report))


# Parts (candidates/report_parts.py): 40 candidates in chunks of 10 and the slip table in chunks
# of 100 rows make seven or so parts, each rendered by whichever worker takes it.
PARTED = {"KYOTSUKA_REPORT_PART_CANDIDATES": "10", "KYOTSUKA_REPORT_PART_SLIPS": "100"}


def _parts(report) -> list[CouncilReportPart]:
    return list(CouncilReportPart.objects.filter(report=report).order_by("index"))


def _assert_joined_once(report) -> None:
    """Done, every part done, one PDF whose footers run 2..N, and no part file left over."""
    assert report.status == ReportStatus.DONE, report.error
    parts = _parts(report)
    assert len(parts) > 3 and all(p.status == ReportStatus.DONE for p in parts)
    content = reports.report_content(report)
    assert len(content) == report.file_size
    assert report.page_count == sum(p.page_count or 0 for p in parts)
    assert page_footers(content) == [[]] + [[str(n)] for n in range(2, report.page_count + 1)]
    assert not list(reports.reports_dir(reports.PARTS_FOLDER).glob("*"))
    assert [p.name for p in reports.reports_dir().glob("*.pdf")] == [report.file_name]


def test_a_worker_killed_mid_part_leaves_the_report_to_be_joined_exactly_once(
    synthetic, start_worker, settings
):
    worker_env = {
        "KYOTSUKA_REPORT_STALE_SECONDS": str(STALE_SECONDS),
        "CELERY_VISIBILITY_TIMEOUT": "3",
        **PARTED,
    }
    first = start_worker(**worker_env)
    report = reports.report_request(user=None, as_of=AS_OF)

    def a_candidates_part_running() -> bool:
        return CouncilReportPart.objects.filter(
            report=report, status=ReportStatus.RUNNING, spec__kind="candidates"
        ).exists()

    _wait_for(a_candidates_part_running, 120, "the worker never started a candidates part")
    time.sleep(1)
    first.kill()
    killed = [p.pk for p in _parts(report) if p.status == ReportStatus.RUNNING]
    report.refresh_from_db()
    assert (report.status, report.file_name, report.join_started_at) == (
        ReportStatus.RUNNING,
        "",
        None,
    )

    # Redelivered messages (visibility timeout) and the sweep both bring the parts back: each
    # part is finished once, by whoever claims it, and the join is made once. The sweep runs
    # before the new worker starts, which would claim the redelivered parts at once.
    time.sleep(STALE_SECONDS + 0.5)
    settings.KYOTSUKA_REPORT_STALE_SECONDS = STALE_SECONDS
    settings.KYOTSUKA_REPORT_REQUEUE_SECONDS = 0
    assert report.pk in reports.reports_sweep()
    second = start_worker(**worker_env)
    report = wait_until_settled(report, 180)
    finished = report.finished_at
    time.sleep(STALE_SECONDS)  # any late redelivery or sweep must change nothing
    reports.reports_sweep()
    time.sleep(2)
    report.refresh_from_db()
    _assert_joined_once(report)
    assert report.finished_at == finished
    assert {p.attempts for p in _parts(report) if p.pk in killed} == {2}
    assert second.output().count("join_council_report") >= 1


def test_redis_stopped_between_parts_the_report_completes_once_it_is_back(
    synthetic, start_worker, redis_control, settings
):
    """Redis here keeps nothing on disk: the messages of the parts not yet taken are lost with
    it, and the sweep sends them again."""
    start_worker(KYOTSUKA_REPORT_STALE_SECONDS=str(STALE_SECONDS), **PARTED)
    report = reports.report_request(user=None, as_of=AS_OF)

    def some_parts_done() -> bool:
        return CouncilReportPart.objects.filter(report=report, status=ReportStatus.DONE).exists()

    _wait_for(some_parts_done, 120, "no part was done")
    redis_control.stop()
    time.sleep(3)
    assert CouncilReportPart.objects.filter(report=report).exclude(status="done").exists()
    redis_control.start()

    settings.KYOTSUKA_REPORT_STALE_SECONDS = STALE_SECONDS
    settings.KYOTSUKA_REPORT_REQUEUE_SECONDS = 0
    deadline = time.monotonic() + 240
    while report.is_pending and time.monotonic() < deadline:
        reports.reports_sweep()  # what beat does every few minutes
        report = wait_until_settled(report, 5)
    _assert_joined_once(report)
