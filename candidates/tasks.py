"""Celery tasks for council reports: thin, by id, safe to run twice.

A large 詳細版 fans out: generate_council_report plans its parts and sends them as a group;
each generate_council_report_part renders one; the one that finishes the last part enqueues
join_council_report. The fan-in is counted in the database (every part done, then a
conditional UPDATE claims the join), not by a Celery chord: a chord needs a result backend,
which the embedded filesystem broker has none of, and its counter is not idempotent when an
unacknowledged part is delivered again after a worker is killed.
"""

from collections.abc import Callable
from typing import TypeVar

from celery import shared_task
from django.db import InterfaceError, OperationalError

from candidates import events, reports

T = TypeVar("T")
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def _attempt(
    task, work: Callable[[], T], release: Callable[[], None], fail: Callable[[str], int | None]
) -> T:
    """Run one step of a report: a transient error gives the row back and retries with
    backoff; any other fails it for good (and its requester is told)."""
    try:
        return work()
    except TRANSIENT as exc:
        release()
        raise task.retry(exc=exc, countdown=5 * 2**task.request.retries) from exc
    except Exception as exc:
        report_id = fail(f"{type(exc).__name__}: {exc}")
        if report_id is not None:
            _tell_requester(report_id)
        raise


def _fail_report(report_id: int) -> Callable[[str], int]:
    def fail(error: str) -> int:
        reports.report_fail(report_id, error)
        return report_id

    return fail


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
)  # time limits: settings.KYOTSUKA_REPORT_TIME_LIMIT (CELERY_TASK_ANNOTATIONS)
def generate_council_report(self, report_id: int) -> None:
    """Render one council report (or plan its parts); transient errors retry with backoff,
    others fail the row."""
    report = _attempt(
        self,
        lambda: reports.report_generate(report_id),
        lambda: reports.report_release(report_id),
        _fail_report(report_id),
    )
    if report is not None and not report.is_pending:  # a parted report finishes at its join
        _tell_requester(report_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def generate_council_report_part(self, part_id: int) -> None:
    """Render one part of a parted report (any worker takes any part); the worker that
    finishes the last part enqueues the join. A part failing for good fails its report."""
    part = _attempt(
        self,
        lambda: reports.part_generate(part_id),
        lambda: reports.part_release(part_id),
        lambda error: reports.part_fail(part_id, error),
    )
    if part is not None:
        reports.join_if_ready(part.report_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def join_council_report(self, report_id: int) -> None:
    """Join a parted report's parts into its PDF, once (the report's join claim)."""
    report = _attempt(
        self,
        lambda: reports.report_join(report_id),
        lambda: reports.join_release(report_id),
        _fail_report(report_id),
    )
    if report is not None:
        _tell_requester(report_id)


def _tell_requester(report_id: int) -> None:
    """Say the report is done or failed (notifications/ e-mails the requester); a listener's
    failure is logged and never fails the task: the report's outcome stands."""
    events.council_report_finished.send_robust(sender=None, report_id=report_id)


@shared_task
def sweep_council_reports() -> list[int]:
    """Periodic: enqueue reports stuck queued (broker was down) or running (worker lost); tell
    the requesters of those it gives up on (out of attempts)."""
    exhausted = reports.reports_out_of_attempts()
    requeued = reports.reports_sweep()
    for report_id in exhausted:
        _tell_requester(report_id)
    return requeued


@shared_task
def monthly_council_report() -> list[int]:
    """Periodic: the monthly report of everything, 概要版 and 詳細版."""
    return [report.pk for report in reports.monthly_report_requests()]
