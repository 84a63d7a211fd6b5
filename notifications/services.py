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

The producers below (`*_notices`) find who should hear about what; every one may run twice.
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
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from candidates import selectors as candidate_selectors
from candidates.models import CouncilReport, DateField, MilestoneChange, Ministry, ReportStatus
from consultations import selectors as consultation_selectors
from consultations.models import Consultation
from core.display import choice_label, date_display, japanese_active
from core.models import User
from core.permissions import can_view, has_role, is_secretariat, require, role_members
from core.roles import Role
from notifications.models import Notice, NoticeKind, NoticeStatus, NotificationPreference

logger = logging.getLogger(__name__)

DIGEST_DAYS = 14  # the weekly digest's "soon due": planned within two weeks
DEADLINE_REMINDER_DAYS = 3  # "a few days before the deadline"
OPENED_GRACE_DAYS = 7  # a consultation that opened longer ago than this is not news
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


# --- what is sent ------------------------------------------------------------------------


def _ministry_name(ministry: Ministry) -> str:
    """The ministry as the recipient reads it: its English name in an English e-mail."""
    if ministry.name_en and not japanese_active():
        return ministry.name_en
    return str(ministry)


def _ministry_staff(ministry: Ministry):
    return role_members(Role.MINISTRY_STAFF).filter(ministry=ministry)


def stale_progress_notices(*, today: dt.date) -> int:
    """Monthly: to each ministry's staff whose progress reports are stale (the dashboard's
    rule, candidates.selectors.stale_ministries), a reminder; one per ministry and month."""
    written = 0
    for stale in candidate_selectors.stale_ministries(today=today):

        def compose(stale=stale) -> Message:
            last = (
                date_display(stale.last_update)
                if stale.last_update
                else _("進捗報告はまだありません")
            )
            return Message(
                subject=_("【進捗報告のお願い】%(ministry)s")
                % {"ministry": _ministry_name(stale.ministry)},
                lines=[
                    _(
                        "%(ministry)s が担当する推進中の候補（%(count)s件）について、"
                        "%(days)s日以上、進捗報告が登録されていません。"
                    )
                    % {
                        "ministry": _ministry_name(stale.ministry),
                        "count": stale.candidates,
                        "days": candidate_selectors.STALE_AFTER_DAYS,
                    },
                    _("最終の進捗報告：%(date)s") % {"date": last},
                    _("各候補のページから進捗報告を登録してください。"),
                ],
                path=f"{reverse('candidates:list')}?{urlencode({'ministry': stale.ministry.pk})}",
            )

        for user in _ministry_staff(stale.ministry):
            key = f"m{stale.ministry.pk}:{today:%Y-%m}"
            written += bool(
                notice_write(
                    kind=NoticeKind.STALE_PROGRESS, recipient=user, key=key, compose=compose
                )
            )
    return written


def _milestone_line(milestone, today: dt.date) -> str:
    overdue = milestone.overdue_days_on(today)
    when = date_display(milestone.planned_date)
    if overdue:
        when = _("%(date)s（%(days)s日超過）") % {"date": when, "days": overdue}
    separator = pgettext("label separator", "：")
    return f"- {milestone.candidate.name} / {milestone.label}{separator}{when}"


def milestone_digest_notices(*, today: dt.date) -> int:
    """Weekly: to each ministry's staff, its candidates' overdue milestones and those due within
    DIGEST_DAYS (none: no e-mail); one per ministry and ISO week."""
    written = 0
    year, week, _weekday = today.isocalendar()
    for ministry in Ministry.objects.filter(staff__isnull=False).distinct():
        milestones = candidate_selectors.ministry_due_milestones(
            ministry=ministry, today=today, days=DIGEST_DAYS
        )
        if not milestones:
            continue
        overdue = [m for m in milestones if m.overdue_days_on(today)]
        soon = [m for m in milestones if not m.overdue_days_on(today)]

        def compose(ministry=ministry, overdue=overdue, soon=soon) -> Message:
            lines = [
                _("%(ministry)s が担当する候補のマイルストーンです（%(date)s 時点）。")
                % {"ministry": _ministry_name(ministry), "date": date_display(today)}
            ]
            if overdue:
                lines += [
                    "",
                    ngettext("期限超過（%(count)s件）", "期限超過（%(count)s件）", len(overdue))
                    % {"count": len(overdue)},
                ]
                lines += [_milestone_line(m, today) for m in overdue]
            if soon:
                lines += [
                    "",
                    _("%(days)s日以内に期限（%(count)s件）")
                    % {"days": DIGEST_DAYS, "count": len(soon)},
                ]
                lines += [_milestone_line(m, today) for m in soon]
            return Message(
                subject=_("【週次】期限超過%(overdue)s件・期限間近%(soon)s件（%(ministry)s）")
                % {
                    "overdue": len(overdue),
                    "soon": len(soon),
                    "ministry": _ministry_name(ministry),
                },
                lines=lines,
                path=f"{reverse('candidates:list')}?{urlencode({'ministry': ministry.pk, 'due_within': 30})}",
            )

        for user in _ministry_staff(ministry):
            key = f"m{ministry.pk}:{year}-W{week:02d}"
            written += bool(
                notice_write(
                    kind=NoticeKind.MILESTONE_DIGEST, recipient=user, key=key, compose=compose
                )
            )
    return written


def slip_notices(*, change_id: int) -> int:
    """To the secretariat (not the one who recorded it): a milestone was moved later."""
    change = MilestoneChange.objects.select_related("milestone__candidate", "changed_by").get(
        pk=change_id
    )
    milestone = change.milestone
    candidate = milestone.candidate

    def compose() -> Message:
        return Message(
            subject=_("【後ろ倒し】%(candidate)s：%(milestone)s")
            % {"candidate": candidate.name, "milestone": milestone.label},
            lines=[
                _("%(user)s さんが、%(candidate)s の「%(milestone)s」を後ろ倒しにしました。")
                % {
                    "user": change.changed_by,
                    "candidate": candidate.name,
                    "milestone": milestone.label,
                },
                _("%(field)s：%(old)s → %(new)s")
                % {
                    "field": choice_label(DateField, change.field),
                    "old": date_display(change.old_date) or "—",
                    "new": date_display(change.new_date) or "—",
                },
                _("理由：%(reason)s") % {"reason": change.reason or "—"},
                *(
                    [_("付加価値：%(value)s") % {"value": change.added_value}]
                    if change.added_value
                    else []
                ),
            ],
            path=candidate.get_absolute_url(),
        )

    written = 0
    for user in role_members(Role.SECRETARIAT).exclude(pk=change.changed_by_id):
        written += bool(
            notice_write(
                kind=NoticeKind.SLIP_RECORDED, recipient=user, key=f"c{change.pk}", compose=compose
            )
        )
    return written


def report_notices(*, report_id: int) -> int:
    """To the requester of a council report that is done or failed (a scheduled report has no
    requester: nobody is told)."""
    report = CouncilReport.objects.select_related("requested_by").get(pk=report_id)
    if report.requested_by is None or report.status not in (ReportStatus.DONE, ReportStatus.FAILED):
        return 0
    done = report.status == ReportStatus.DONE

    def compose() -> Message:
        as_of = date_display(report.as_of)
        if done:
            return Message(
                subject=_("【報告書】%(date)s 時点の報告書ができました") % {"date": as_of},
                lines=[
                    _("依頼された %(date)s 時点の協議会向け報告書（PDF）ができました。")
                    % {"date": as_of},
                    _("報告書の一覧からダウンロードできます。"),
                ],
                path=reverse("candidates:reports"),
            )
        return Message(
            subject=_("【報告書】%(date)s 時点の報告書を作成できませんでした") % {"date": as_of},
            lines=[
                _("依頼された %(date)s 時点の協議会向け報告書を作成できませんでした。")
                % {"date": as_of},
                _("エラー：%(error)s") % {"error": report.error or "—"},
                _("報告書の一覧から、もう一度依頼してください。"),
            ],
            path=reverse("candidates:reports"),
        )

    return bool(
        notice_write(
            kind=NoticeKind.REPORT_FINISHED,
            recipient=report.requested_by,
            key=f"r{report.pk}:{report.status}",
            compose=compose,
        )
    )


def _consultation_lines(consultation: Consultation) -> list[str]:
    return [
        _("件名：%(title)s") % {"title": consultation.title},
        _("照会開始日：%(date)s") % {"date": date_display(consultation.opens_on)},
        _("回答期限：%(date)s") % {"date": date_display(consultation.deadline)},
    ]


def consultation_opened_notices(*, consultation_id: int, today: dt.date) -> int:
    """To everyone the consultation asks, once it has opened (and not long ago)."""
    consultation = Consultation.objects.get(pk=consultation_id)
    if not (
        consultation.is_open_on(today)
        and consultation.deadline >= today
        and consultation.opens_on > today - dt.timedelta(days=OPENED_GRACE_DAYS)
    ):
        return 0

    def compose() -> Message:
        return Message(
            subject=_("【意見照会】%(title)s") % {"title": consultation.title},
            lines=[
                _("意見照会が始まりました。回答期限までに回答してください。"),
                *_consultation_lines(consultation),
            ],
            path=consultation.get_absolute_url(),
        )

    written = 0
    for user in consultation_selectors.addressee_users(consultation=consultation):
        written += bool(
            notice_write(
                kind=NoticeKind.CONSULTATION_OPENED,
                recipient=user,
                key=f"k{consultation.pk}",
                compose=compose,
            )
        )
    return written


def consultation_deadline_notices(*, consultation_id: int, today: dt.date) -> int:
    """To those asked who have not answered, DEADLINE_REMINDER_DAYS before the deadline (or
    fewer, for a consultation opened later than that); once per consultation."""
    consultation = Consultation.objects.get(pk=consultation_id)
    days_left = (consultation.deadline - today).days
    if not consultation.is_open_on(today) or not 0 <= days_left <= DEADLINE_REMINDER_DAYS:
        return 0

    def compose() -> Message:
        return Message(
            subject=_("【回答期限が近づいています】%(title)s") % {"title": consultation.title},
            lines=[
                ngettext(
                    "回答期限まであと%(days)s日です。まだ回答が提出されていません。",
                    "回答期限まであと%(days)s日です。まだ回答が提出されていません。",
                    days_left,
                )
                % {"days": days_left}
                if days_left
                else _("本日が回答期限です。まだ回答が提出されていません。"),
                *_consultation_lines(consultation),
            ],
            path=consultation.get_absolute_url(),
        )

    written = 0
    for user in consultation_selectors.addressee_users(
        consultation=consultation, unanswered_only=True
    ):
        written += bool(
            notice_write(
                kind=NoticeKind.CONSULTATION_DEADLINE,
                recipient=user,
                key=f"k{consultation.pk}",
                compose=compose,
            )
        )
    return written


def consultation_notices(*, today: dt.date) -> int:
    """Daily: the opening and deadline notices of every open consultation."""
    written = 0
    for consultation in consultation_selectors.consultations_opened_on_or_before(today=today):
        written += consultation_opened_notices(consultation_id=consultation.pk, today=today)
        written += consultation_deadline_notices(consultation_id=consultation.pk, today=today)
    return written
