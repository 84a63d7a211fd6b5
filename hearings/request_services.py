"""Writes to requests (要請・宿題): the secretariat records one from the minutes and closes it
once its answer is reported at a meeting; the addressed ministry answers it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Candidate, Ministry
from core.concurrency import check_version
from core.models import User
from core.permissions import can_answer_request, is_secretariat, require
from core.stated_dates import Precision, last_day
from hearings.models import FollowUpRequest, Meeting, MinutesEntry, RequestStatus


def _save(obj: FollowUpRequest) -> None:
    obj.full_clean()
    obj.save()


@transaction.atomic
def request_create(
    *,
    user: User,
    meeting: Meeting,
    text: str,
    entry: MinutesEntry | None = None,
    ministry: Ministry | None = None,
    candidate: Candidate | None = None,
    due_date: dt.date | None = None,
    due_precision: str = Precision.DAY,
) -> FollowUpRequest:
    """Record a request a meeting addressed to a ministry (or the secretariat); secretariat only.
    A due date stated as 令和7年度中 is stored as the last day it allows."""
    require(is_secretariat(user), _("要請を登録できるのは事務局のみです。"))
    if entry is not None and entry.meeting_id != meeting.pk:
        raise ValidationError({"entry": [_("この発言は別の会議のものです。")]})
    if not text.strip():
        raise ValidationError({"text": [_("要請の内容を入力してください。")]})
    if due_date is not None:
        due_date = last_day(due_precision, due_date)
    if due_date is not None and due_date < meeting.date:
        raise ValidationError({"due_date": [_("期限が会議の開催日より前です。")]})
    follow_up = FollowUpRequest(
        meeting=meeting,
        entry=entry,
        ministry=ministry,
        candidate=candidate,
        text=text.strip(),
        due_date=due_date,
        due_precision=due_precision if due_date else Precision.DAY,
        created_by=user,
    )
    _save(follow_up)
    return follow_up


@transaction.atomic
def request_answer(
    *,
    user: User,
    follow_up: FollowUpRequest,
    version: int | None,
    answer: str,
    answered_on: dt.date,
) -> FollowUpRequest:
    """Record the addressed ministry's answer (it may be revised until the request is closed)."""
    current = (
        FollowUpRequest.objects.select_for_update(of=("self",))
        .select_related("ministry", "meeting")
        .get(pk=follow_up.pk)
    )
    require(
        can_answer_request(user, current.ministry),
        _("この要請に回答できるのは宛先の府省庁の担当者のみです。"),
    )
    check_version(current, version)
    errors: dict[str, list[str]] = {}
    if current.status == RequestStatus.CLOSED:
        errors["answer"] = [_("完了した要請には回答できません。")]
    if not answer.strip():
        errors["answer"] = [_("回答を入力してください。")]
    if answered_on > timezone.localdate():
        errors["answered_on"] = [_("回答日に未来の日付は指定できません。")]
    elif answered_on < current.meeting.date:
        errors["answered_on"] = [_("回答日が要請した会議より前です。")]
    if errors:
        raise ValidationError(errors)
    current.answer = answer.strip()
    current.answered_on = answered_on
    current.answered_by = user
    current.status = RequestStatus.ANSWERED
    current.version += 1
    _save(current)
    return current


@transaction.atomic
def request_close(
    *,
    user: User,
    follow_up: FollowUpRequest,
    version: int | None,
    reported_at: Meeting | None = None,
) -> FollowUpRequest:
    """Close a request, naming the meeting where its answer was reported; secretariat only."""
    require(is_secretariat(user), _("要請を完了にできるのは事務局のみです。"))
    current = (
        FollowUpRequest.objects.select_for_update().select_related("meeting").get(pk=follow_up.pk)
    )
    check_version(current, version)
    if reported_at is not None and reported_at.date < current.meeting.date:
        raise ValidationError({"reported_at": [_("回答を報告した会議が要請した会議より前です。")]})
    current.status = RequestStatus.CLOSED
    current.reported_at = reported_at
    current.version += 1
    _save(current)
    return current
