"""Celery tasks for e-mail notices: thin, by id or by day, safe to run twice (notice keys)."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from notifications import producers, services

# What a send can fail with that a later try may not: the SMTP server refused or was away.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


@shared_task(
    bind=True,
    autoretry_for=SEND_ERRORS,
    retry_backoff=30,  # 30 s, 60 s, 120 s, ... with jitter, at most an hour apart
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=settings.KYOTSUKA_NOTICE_MAX_RETRIES,
)
def send_notice(self, notice_id: int) -> None:
    """Send one notice; a failed send is tried again with back-off, the last failure marks it
    failed. A notice already sent (or being sent) is left alone."""
    try:
        services.notice_send(notice_id)
    except SEND_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            services.notice_fail(notice_id, _describe(exc))
            return
        services.notice_release(notice_id, _describe(exc))
        raise  # autoretry_for: again after the back-off
    except Exception as exc:
        services.notice_fail(notice_id, _describe(exc))
        raise


@shared_task
def send_stale_progress_reminders() -> int:
    """Periodic (monthly): ministries whose progress reports are stale."""
    return producers.stale_progress_notices(today=timezone.localdate())


@shared_task
def send_milestone_digests() -> int:
    """Periodic (weekly): each ministry's overdue and soon-due milestones."""
    return producers.milestone_digest_notices(today=timezone.localdate())


@shared_task
def send_consultation_notices() -> int:
    """Periodic (daily): consultations that opened, and deadlines a few days away."""
    return producers.consultation_notices(today=timezone.localdate())


@shared_task
def sweep_notices() -> list[int]:
    """Periodic: enqueue notices left pending by a broker that was away."""
    return services.notices_sweep()
