"""Writes of e-mail notices: what is sent to whom, the row before the message, the send.

The protocol (as council reports, candidates/reports.py):
1. `notice_write` decides whether the person gets this notice (active, has an address, reads
   the product, has not opted out of the kind), writes the text in their language and saves the
   row under a unique key; a key already written means the notice exists, and nothing happens.
2. After the row is committed, `enqueue` hands its id to the worker (tasks.send_notice). A
   broker that is away leaves the row pending: the sweep enqueues it later. No page waits.
3. The worker claims the row (pending -> sending, a conditional UPDATE: two deliveries of the
   task send once), sends it and marks it sent. A failed send puts it back to pending with the
   error, and the task retries with back-off; after the last try the row is failed.

What is sent to whom is in producers.py; each producer may run twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery.exceptions import Retry
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import can_view, has_role, is_secretariat, require
from core.roles import Role
from notifications.models import Notice, NoticeKind, NoticeStatus, NotificationPreference

logger = logging.getLogger(__name__)

SENDING_LOST_AFTER = dt.timedelta(minutes=30)
PENDING_REQUEUE_AFTER = dt.timedelta(minutes=10)
# Longer than every retry's back-off together (5 tries, 30 s doubling, jitter only shortens).
RETRY_LOST_AFTER = dt.timedelta(hours=3)

# Which kinds concern which role: the preferences page offers these, the producers send them.
KINDS_BY_ROLE: dict[Role, tuple[NoticeKind, ...]] = {
    Role.MINISTRY_STAFF: (NoticeKind.STALE_PROGRESS, NoticeKind.MILESTONE_DIGEST),
    Role.SECRETARIAT: (NoticeKind.SLIP_RECORDED, NoticeKind.REPORT_FINISHED),
    Role.LOCAL_GOVERNMENT_STAFF: (
        NoticeKind.CONSULTATION_OPENED,
        NoticeKind.CONSULTATION_DEADLINE,
    ),
    Role.ASSOCIATION_STAFF: (NoticeKind.CONSULTATION_OPENED, NoticeKind.CONSULTATION_DEADLINE),
}


@dataclass
class Message:
    """A notice's text before it is stored: subject, body paragraphs, the page it is about."""

    subject: str
    lines: list[str]
    path: str


def absolute_url(path: str) -> str:
    """The page at `path` as the recipient reaches it (settings.SITE_URL)."""
    return f"{settings.SITE_URL}{path}"


def preference_of(user: User) -> NotificationPreference:
    """The user's choices; the defaults (every kind, Japanese) when they made none."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def may_receive(user: User, kind: str) -> bool:
    """Whether this person gets a notice of this kind: an active account with an address, that
    reads the product (every notice links to a page only readers may open), not opted out."""
    return (
        user.is_active
        and bool(user.email)
        and can_view(user)
        and kind not in preference_of(user).disabled_kinds
    )


def _body(user: User, message: Message, url: str) -> str:
    return "\n".join(
        [
            _("%(name)s 様") % {"name": user},
            "",
            *message.lines,
            "",
            url,
            "",
            "-- ",
            _("共通化推進トラッカー（国・地方デジタル共通基盤推進連絡協議会）からの自動送信です。"),
            _("受け取る通知と言語は、次のページで変えられます。"),
            absolute_url(reverse("notifications:preferences")),
            "",
        ]
    )


def notice_write(
    *, kind: NoticeKind, recipient: User, key: str, compose: Callable[[], Message]
) -> Notice | None:
    """Save the notice `kind:u<recipient>:key` in the recipient's language and send it after
    commit; None (and nothing written) when they do not get it or it was already written."""
    if not may_receive(recipient, kind):
        return None
    full_key = f"{kind}:u{recipient.pk}:{key}"
    if Notice.objects.filter(key=full_key).exists():
        return None
    language = preference_of(recipient).language
    with translation.override(language):
        message = compose()
        url = absolute_url(message.path)
        body = _body(recipient, message, url)
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            key=full_key,
            defaults={
                "kind": kind,
                "recipient": recipient,
                "to_email": recipient.email,
                "language": language,
                "subject": message.subject[:250],
                "body": body,
                "url": url,
            },
        )
        if not created:
            return None
        transaction.on_commit(lambda: enqueue(notice.pk), robust=True)
    return notice


def enqueue(notice_id: int) -> bool:
    """Hand the notice to the worker; False (the row stays pending for the sweep) if the broker
    is away. In the embedded mode the task runs here, and its failure is the row's, not ours."""
    from notifications.tasks import send_notice

    try:
        send_notice.apply_async(args=(notice_id,), retry=False)
    except Retry:
        # In-process (no broker): the one try failed and no worker will come back to it.
        notice_fail(notice_id, "")
        return True
    except Exception:  # noqa: BLE001 - any broker failure: the sweep enqueues it later
        logger.warning("notice %s not enqueued; it stays pending for the sweep", notice_id)
        return False
    return True


def notice_send(notice_id: int) -> Notice | None:
    """Claim the pending notice and send it; None when it is not pending (sent, being sent,
    failed or gone). A send error propagates with the row left `sending` for the caller."""
    claimed = Notice.objects.filter(pk=notice_id, status=NoticeStatus.PENDING).update(
        status=NoticeStatus.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    notice = Notice.objects.get(pk=notice_id)
    EmailMessage(
        subject=notice.subject,
        body=notice.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.to_email],
    ).send()
    Notice.objects.filter(pk=notice_id, status=NoticeStatus.SENDING).update(
        status=NoticeStatus.SENT, sent_at=timezone.now(), error=""
    )
    notice.refresh_from_db()
    return notice


def notice_release(notice_id: int, error: str) -> None:
    """A send failed and will be tried again: back to pending, with the error kept."""
    Notice.objects.filter(pk=notice_id, status=NoticeStatus.SENDING).update(
        status=NoticeStatus.PENDING, error=error[:2000]
    )


def notice_fail(notice_id: int, error: str) -> None:
    """The last try failed: the notice is failed, with the error (else the last one kept),
    and is not sent again."""
    failed = Notice.objects.filter(pk=notice_id).exclude(status=NoticeStatus.SENT)
    if error:
        failed.update(status=NoticeStatus.FAILED, error=error[:2000])
    else:
        failed.update(status=NoticeStatus.FAILED)


def notices_sweep() -> list[int]:
    """Enqueue notices never tried (their broker was away) and those whose retry was lost (a
    broker restarted without its queue); fail those whose worker vanished mid-send (sending
    them again could send twice). Returns the ids enqueued. A notice enqueued twice is still
    sent once: the task claims it."""
    now = timezone.now()
    Notice.objects.filter(
        status=NoticeStatus.SENDING, created_at__lt=now - SENDING_LOST_AFTER
    ).update(status=NoticeStatus.FAILED, error="interrupted while sending")
    never_tried = Q(attempts=0, created_at__lt=now - PENDING_REQUEUE_AFTER)
    retry_lost = Q(created_at__lt=now - RETRY_LOST_AFTER)
    ids = list(
        Notice.objects.filter(never_tried | retry_lost, status=NoticeStatus.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for notice_id in ids:
        enqueue(notice_id)
    return ids


@transaction.atomic
def preferences_save(*, user: User, enabled_kinds: list[str], language: str) -> None:
    """Keep the user's choice: the kinds offered to them that they left unticked are not sent."""
    require(can_view(user), _("この画面を見る権限がありません。事務局にお問い合わせください。"))
    offered = {kind.value for kind in kinds_for(user)}
    NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "disabled_kinds": sorted(offered - set(enabled_kinds)),
            "language": language,
        },
    )


def kinds_for(user: User) -> list[NoticeKind]:
    """The kinds of notice this user's roles may receive, in NoticeKind's order."""
    wanted: set[NoticeKind] = set()
    for role, kinds in KINDS_BY_ROLE.items():
        holds = is_secretariat(user) if role == Role.SECRETARIAT else has_role(user, role)
        if holds:
            wanted.update(kinds)
    return [kind for kind in NoticeKind if kind in wanted]
