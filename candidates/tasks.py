"""Celery tasks for council reports: thin, by id, safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from candidates import reports

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
        reports.report_generate(report_id)
    except TRANSIENT as exc:
        reports.report_release(report_id)
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    except Exception as exc:
        reports.report_fail(report_id, f"{type(exc).__name__}: {exc}")
        raise


@shared_task
def sweep_council_reports() -> list[int]:
    """Periodic: enqueue reports stuck queued (broker was down) or running (worker lost)."""
    return reports.reports_sweep()


@shared_task
def monthly_council_report() -> list[int]:
    """Periodic: the monthly report of everything, 概要版 and 詳細版."""
    return [report.pk for report in reports.monthly_report_requests()]
