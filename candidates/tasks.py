"""Celery tasks for council reports: thin, by id, safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from candidates import events, reports

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
)  # time limits: settings.KYOTSUKA_REPORT_TIME_LIMIT (CELERY_TASK_ANNOTATIONS)
def generate_council_report(self, report_id: int) -> None:
    """Render one council report; transient errors retry with backoff, others fail the row."""
    try:
        report = reports.report_generate(report_id)
    except TRANSIENT as exc:
        reports.report_release(report_id)
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    except Exception as exc:
        reports.report_fail(report_id, f"{type(exc).__name__}: {exc}")
        _tell_requester(report_id)
        raise
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
