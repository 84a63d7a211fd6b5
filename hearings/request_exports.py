"""The request list (要請・宿題) as exported to CSV and .xlsx.

A due date stated as 令和7年度中 is exported as written and as the ISO date it is compared by
(2026-03-31: the last day its precision allows), as the candidates' exports do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from hearings.models import FollowUpRequest


def request_table(
    requests: Iterable[FollowUpRequest], *, today: dt.date
) -> tuple[list[str], list[list]]:
    headers = [
        _("ID"),
        _("要請した会議"),
        _("会議の日付"),
        _("宛先の府省庁"),
        _("対象の候補"),
        _("要請の内容"),
        _("期限"),
        _("期限（ISO）"),
        _("期限超過（日）"),
        _("状態"),
        _("府省庁の回答"),
        _("回答日"),
        _("回答を報告した会議"),
    ]
    rows = [
        [
            r.pk,
            r.meeting.title,
            r.meeting.date,
            r.addressee,
            r.candidate.name if r.candidate else "",
            r.text,
            r.due_written,
            r.due_date.isoformat() if r.due_date else "",
            r.overdue_days_on(today) or "",
            r.get_status_display(),
            r.answer,
            r.answered_on,
            r.reported_at.title if r.reported_at else "",
        ]
        for r in requests
    ]
    return headers, rows
