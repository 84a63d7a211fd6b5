"""What is sent to whom: each producer finds who should hear about what, composes the text
(in the recipient's language: services.notice_write calls `compose` under it) and writes the
notices through services.notice_write, which makes running a producer twice harmless.

- to a ministry's staff: a monthly reminder when its progress reports are stale, and a weekly
  digest of its candidates' overdue and soon-due milestones and of the requests (要請) addressed
  to it still unanswered;
- to the secretariat: a slip recorded (by someone else);
- to the requester: a council report done or failed;
- to those a consultation asks: its opening, and its deadline a few days ahead if they have
  not answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from candidates import selectors as candidate_selectors
from candidates.models import CouncilReport, DateField, MilestoneChange, Ministry, ReportStatus
from consultations import selectors as consultation_selectors
from consultations.models import Consultation
from core.display import choice_label, date_display, japanese_active
from core.permissions import role_members
from core.roles import Role
from hearings import selectors as hearing_selectors
from hearings.models import RequestStatus
from notifications.models import NoticeKind
from notifications.services import Message, notice_write

DIGEST_DAYS = 14  # the weekly digest's "soon due": planned within two weeks
DEADLINE_REMINDER_DAYS = 3  # "a few days before the deadline"
OPENED_GRACE_DAYS = 7  # a consultation that opened longer ago than this is not news


def _write_each(users, *, kind: NoticeKind, key: str, compose: Callable[[], Message]) -> int:
    """Write the notice for each of these users; how many were written (not before)."""
    return sum(
        notice_write(kind=kind, recipient=user, key=key, compose=compose) is not None
        for user in users
    )


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

        written += _write_each(
            _ministry_staff(stale.ministry),
            kind=NoticeKind.STALE_PROGRESS,
            key=f"m{stale.ministry.pk}:{today:%Y-%m}",
            compose=compose,
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
    """Weekly: to each ministry's staff, its candidates' overdue milestones, those due within
    DIGEST_DAYS and the requests addressed to it still unanswered (none of these: no e-mail);
    one per ministry and ISO week."""
    written = 0
    year, week, _weekday = today.isocalendar()
    for ministry in Ministry.objects.filter(staff__isnull=False).distinct():
        milestones = candidate_selectors.ministry_due_milestones(
            ministry=ministry, today=today, days=DIGEST_DAYS
        )
        requests = list(
            hearing_selectors.request_list(
                status=RequestStatus.OPEN, ministries=Ministry.objects.filter(pk=ministry.pk)
            )
        )
        if not milestones and not requests:
            continue
        overdue = [m for m in milestones if m.overdue_days_on(today)]
        soon = [m for m in milestones if not m.overdue_days_on(today)]

        def compose(ministry=ministry, overdue=overdue, soon=soon, requests=requests) -> Message:
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
            if requests:
                lines += [
                    "",
                    ngettext(
                        "未回答の要請（%(count)s件）", "未回答の要請（%(count)s件）", len(requests)
                    )
                    % {"count": len(requests)},
                ]
                lines += [_request_line(r, today) for r in requests]
            return Message(
                subject=(
                    _(
                        "【週次】期限超過%(overdue)s件・期限間近%(soon)s件・"
                        "未回答の要請%(requests)s件（%(ministry)s）"
                    )
                    if requests
                    else _("【週次】期限超過%(overdue)s件・期限間近%(soon)s件（%(ministry)s）")
                )
                % {
                    "overdue": len(overdue),
                    "soon": len(soon),
                    "requests": len(requests),
                    "ministry": _ministry_name(ministry),
                },
                lines=lines,
                path=f"{reverse('candidates:list')}?{urlencode({'ministry': ministry.pk, 'due_within': 30})}",
            )

        written += _write_each(
            _ministry_staff(ministry),
            kind=NoticeKind.MILESTONE_DIGEST,
            key=f"m{ministry.pk}:{year}-W{week:02d}",
            compose=compose,
        )
    return written


def _request_line(request, today: dt.date) -> str:
    when = request.due_written or _("期限なし")
    if overdue := request.overdue_days_on(today):
        when = _("%(date)s（%(days)s日超過）") % {"date": when, "days": overdue}
    separator = pgettext("label separator", "：")
    text = request.text if len(request.text) <= 60 else request.text[:59] + "…"
    return f"- {request.meeting} / {text}{separator}{when}"


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

    return _write_each(
        role_members(Role.SECRETARIAT).exclude(pk=change.changed_by_id),
        kind=NoticeKind.SLIP_RECORDED,
        key=f"c{change.pk}",
        compose=compose,
    )


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

    return _write_each(
        consultation_selectors.addressee_users(consultation=consultation),
        kind=NoticeKind.CONSULTATION_OPENED,
        key=f"k{consultation.pk}",
        compose=compose,
    )


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

    return _write_each(
        consultation_selectors.addressee_users(consultation=consultation, unanswered_only=True),
        kind=NoticeKind.CONSULTATION_DEADLINE,
        key=f"k{consultation.pk}",
        compose=compose,
    )


def consultation_notices(*, today: dt.date) -> int:
    """Daily: the opening and deadline notices of every open consultation."""
    written = 0
    for consultation in consultation_selectors.consultations_opened_on_or_before(today=today):
        written += consultation_opened_notices(consultation_id=consultation.pk, today=today)
        written += consultation_deadline_notices(consultation_id=consultation.pk, today=today)
    return written
