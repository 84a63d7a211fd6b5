"""Reads of calendar feeds: whose feed a token opens, and the events that user's feeds hold.

What each role's own feed (`mine`) holds:
- the secretariat and WT members: the milestones of every candidate still pursued, every
  meeting, every consultation's deadline;
- ministry staff: the milestones of the candidates their ministry leads or co-leads, the
  meetings that discussed or decided them, the deadlines of consultations on them;
- local-government staff: the deadlines of the consultations that ask their body, and the
  meetings their body spoke at or attended;
- association staff: the deadlines of the consultations that ask their association, and its
  hearings.
Every role that reads the product reads all of these pages today (core/permissions.can_view),
so a feed is narrowed to what concerns the user, and refused (None) to one who reads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace

from django.utils.translation import gettext as _

from calendars.ical import CalendarEvent, all_day, at_times, uid
from calendars.models import CalendarFeed, token_digest
from candidates.models import Candidate, Milestone
from candidates.permissions import responsible_for
from candidates.selectors import calendar_milestones, candidates_of_ministries
from consultations.models import Consultation
from consultations.selectors import (
    calendar_consultations,
    consultations_about,
    consultations_addressed_to,
)
from core.display import slip_display
from core.models import User
from core.permissions import (
    can_view,
    has_role,
    is_association_staff,
    is_local_government_staff,
    is_ministry_staff,
    is_secretariat,
)
from core.roles import Role
from core.stated_dates import Precision, written_ja
from core.wareki import format_wareki
from hearings.models import Meeting
from hearings.selectors import (
    calendar_meetings,
    meetings_about,
    meetings_deciding,
    meetings_of_association,
    meetings_of_local_government,
)

Link = Callable[[str], str]  # a path to an absolute URL (request.build_absolute_uri)


def feed_of(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(*, token: str) -> User | None:
    """The user whose feeds this token opens; None for an unknown or reset token, a
    deactivated user, or one who reads nothing of the product."""
    feed = (
        CalendarFeed.objects.select_related(
            "user__ministry", "user__local_government", "user__association"
        )
        .filter(token_hash=token_digest(token), user__is_active=True)
        .first()
    )
    if feed is None or not can_view(feed.user):
        return None
    return feed.user


def sees_everything(user: User) -> bool:
    return is_secretariat(user) or has_role(user, Role.WT_MEMBER)


def my_events(*, user: User, today: dt.date, link: Link) -> list[CalendarEvent]:
    """The events of the user's own feed (the module docstring says which)."""
    milestones: Iterable[Milestone] = ()
    meetings: list[Meeting] = []
    consultations: list[Consultation] = []
    if sees_everything(user):
        milestones = calendar_milestones()
        meetings = list(calendar_meetings())
        consultations = list(calendar_consultations())
    else:
        if is_ministry_staff(user):
            own = candidates_of_ministries(ministries=responsible_for(user))
            milestones = calendar_milestones(candidates=own)
            meetings += meetings_about(candidates=own)
            consultations += consultations_about(candidates=own)
        if is_local_government_staff(user) and (body := user.local_government) is not None:
            meetings += [m.meeting for m in meetings_of_local_government(local_government=body)]
            consultations += consultations_addressed_to(local_government=body)
        if is_association_staff(user) and (association := user.association) is not None:
            meetings += meetings_of_association(association=association)
            consultations += consultations_addressed_to(association=association)
    return _unique(
        [
            *(milestone_event(m, today=today, link=link) for m in milestones),
            *(meeting_event(m, link=link) for m in meetings),
            *(deadline_event(c, link=link) for c in consultations),
        ]
    )


def candidate_events(*, candidate: Candidate, today: dt.date, link: Link) -> list[CalendarEvent]:
    """One candidate's milestones and the meetings that decided its stage changes."""
    return [
        *(
            milestone_event(m, today=today, link=link)
            for m in calendar_milestones(candidate_id=candidate.pk)
        ),
        *(meeting_event(m, link=link) for m in meetings_deciding(candidate_id=candidate.pk)),
    ]


def _unique(events: list[CalendarEvent]) -> list[CalendarEvent]:
    """The events without repeats (a body's meeting may also be a hearing of its association)."""
    return list({event.uid: event for event in events}.values())


def milestone_event(milestone: Milestone, *, today: dt.date, link: Link) -> CalendarEvent:
    """「【期限超過】要件定義（公営住宅管理システム）」 on its actual date, else its planned date."""
    candidate = milestone.candidate
    day = milestone.actual_date or milestone.planned_date
    assert day is not None  # calendar_milestones() reads only dated milestones
    summary = _("%(milestone)s（%(candidate)s）") % {
        "milestone": milestone.label,
        "candidate": candidate.name,
    }
    overdue = milestone.overdue_days_on(today)
    if milestone.actual_date is not None:
        summary = _("【完了】") + summary
    else:
        if overdue:
            summary = _("【期限超過】") + summary
        # A date stated as 令和7年度中 is an all-day event on its last day (2026-03-31): the
        # title says it is that fiscal year, not that day.
        if milestone.planned_precision != Precision.DAY:
            summary += _("［%(written)s］") % {
                "written": written_ja(milestone.planned_precision, day)
            }
    slip = milestone.slip
    if slip is not None and slip.amount > 0:
        if slip.unit == "day":
            summary += _("（当初予定から%(days)s日遅れ）") % {"days": slip.amount}
        else:
            summary += _("（当初予定から%(slip)s）") % {"slip": slip_display(slip)}
    lines = [
        _("候補：%(name)s（%(stage)s）") % {"name": candidate.name, "stage": candidate.stage_label}
    ]
    for label, precision, date in (
        (_("当初予定"), milestone.baseline_precision, milestone.baseline_date),
        (_("現在の予定日"), milestone.planned_precision, milestone.planned_date),
        (_("実績日"), Precision.DAY, milestone.actual_date),
    ):
        if date is not None:
            lines.append(f"{label}：{written_ja(precision, date)}")
    if overdue and milestone.actual_date is None:
        lines.append(_("期限超過：%(days)s日") % {"days": overdue})
    url = link(candidate.get_absolute_url())
    lines.append(url)
    return all_day(
        uid=uid("milestone", milestone.pk),
        summary=summary,
        day=day,
        description="\n".join(lines),
        url=url,
    )


def meeting_event(meeting: Meeting, *, link: Link) -> CalendarEvent:
    """The meeting on its date; at its times (Asia/Tokyo) when it has a start time."""
    url = link(meeting.get_absolute_url())
    description = f"{meeting.get_kind_display()}\n{url}"
    if meeting.start_time is None:
        event = all_day(
            uid=uid("meeting", meeting.pk),
            summary=meeting.title,
            day=meeting.date,
            description=description,
            url=url,
        )
        return replace(event, location=meeting.place)
    start, end = at_times(meeting.date, meeting.start_time, meeting.end_time)
    return CalendarEvent(
        uid("meeting", meeting.pk), meeting.title, start, end, description, url, meeting.place
    )


def deadline_event(consultation: Consultation, *, link: Link) -> CalendarEvent:
    """「【回答期限】…」 on the consultation's deadline."""
    url = link(consultation.get_absolute_url())
    state = _("締切済") if consultation.is_closed else _("受付中")
    lines = [
        _("照会開始日：%(date)s") % {"date": format_wareki(consultation.opens_on)},
        _("回答期限：%(date)s") % {"date": format_wareki(consultation.deadline)},
        _("状況：%(state)s") % {"state": state},
        url,
    ]
    return all_day(
        uid=uid("consultation-deadline", consultation.pk),
        summary=_("【回答期限】%(title)s") % {"title": consultation.title},
        day=consultation.deadline,
        description="\n".join(lines),
        url=url,
    )


def scope_lines(user: User) -> list[str]:
    """What the user's own feed holds, in words for the settings page."""
    if sees_everything(user):
        return [
            _("推進中のすべての候補のマイルストーン"),
            _("すべての会議"),
            _("すべての意見照会の回答期限"),
        ]
    lines = []
    if is_ministry_staff(user):
        lines += [
            _("所属府省庁が主担当・共同担当の候補のマイルストーン"),
            _("それらの候補を議題とした、または段階を決定した会議"),
            _("それらの候補についての意見照会の回答期限"),
        ]
    if is_local_government_staff(user):
        lines += [
            _("所属団体に照会された意見照会の回答期限"),
            _("所属団体が説明した、または出席した会議"),
        ]
    if is_association_staff(user):
        lines += [
            _("所属する関係団体に照会された意見照会の回答期限"),
            _("所属する関係団体のヒアリング"),
        ]
    return lines
