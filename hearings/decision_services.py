"""Recording decisions (決定): the body follows from the meeting (or 書面), the rules from
hearings.decision_rules; a decision by the wrong body is refused with the right one named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.models import User
from core.permissions import is_secretariat, require
from hearings import decision_rules
from hearings.models import AgendaItem, Decision, DecisionBody, Meeting

SECRETARIAT_ONLY = _lazy("決定を記録できるのは事務局のみです。")


def decision_body(*, meeting: Meeting | None, meeting_text: str = "", written: bool) -> str | None:
    """The body that decided: 書面, the meeting's body, or the one its free text names."""
    if written:
        return DecisionBody.WRITTEN
    if meeting is not None:
        return decision_rules.body_of_meeting_kind(meeting.kind)
    return decision_rules.body_of_meeting_text(meeting_text)


def decision_errors(
    *,
    kind: str,
    meeting: Meeting | None,
    meeting_text: str = "",
    written: bool = False,
    decided_on: dt.date | None = None,
    written_reason: str = "",
) -> dict[str, list[str]]:
    """What is wrong with recording this decision (field -> messages); empty when it may be."""
    errors: dict[str, list[str]] = {}
    if written:
        if meeting is not None:
            errors["meeting"] = [_("書面による決定では会議を選ばないでください。")]
        if decided_on is None:
            errors["decided_on"] = [_("書面による決定には決定日が必要です。")]
        if not written_reason.strip():
            errors["written_reason"] = [_("書面による決定には理由が必要です。")]
    elif meeting is None and not meeting_text.strip():
        errors["meeting"] = [_("決定した会議を選ぶか、書面による決定としてください。")]
    if errors:
        return errors
    body = decision_body(meeting=meeting, meeting_text=meeting_text, written=written)
    if message := decision_rules.wrong_body_message(kind, body):
        errors["meeting"] = [message]
    return errors


@transaction.atomic
def decision_record(
    *,
    user: User,
    kind: str,
    text: str,
    meeting: Meeting | None = None,
    meeting_text: str = "",
    written: bool = False,
    decided_on: dt.date | None = None,
    written_reason: str = "",
    agenda_item: AgendaItem | None = None,
    candidates: Iterable = (),
    transition=None,
) -> Decision:
    """Record a decision; refused (ValidationError naming the right body) if the body that
    would record it is not the one the basic policy gives that kind of decision."""
    require(is_secretariat(user), SECRETARIAT_ONLY)
    errors = decision_errors(
        kind=kind,
        meeting=meeting,
        meeting_text=meeting_text,
        written=written,
        decided_on=decided_on,
        written_reason=written_reason,
    )
    if agenda_item is not None and (meeting is None or agenda_item.meeting_id != meeting.pk):
        errors.setdefault("agenda_item", []).append(_("議題は決定した会議のものを選んでください。"))
    if errors:
        raise ValidationError(errors)
    body = decision_body(meeting=meeting, meeting_text=meeting_text, written=written)
    on = decided_on or (meeting.date if meeting is not None else None)
    if body is None or on is None:  # decision_errors refuses both; for the type checker
        raise ValidationError(
            {"meeting": [_("決定した会議を選ぶか、書面による決定としてください。")]}
        )
    decision = Decision(
        kind=kind,
        body=body,
        text=text.strip(),
        meeting=meeting,
        meeting_text="" if meeting is not None else meeting_text.strip(),
        agenda_item=agenda_item,
        decided_on=on,
        written_reason=written_reason.strip() if written else "",
        transition=transition,
        recorded_by=user,
    )
    decision.full_clean()
    decision.save()
    decision.candidates.set(list(candidates))
    return decision


@transaction.atomic
def decision_link_meeting(
    *, user: User, decision: Decision, meeting: Meeting, agenda_item: AgendaItem | None = None
) -> Decision:
    """Name the (imported) meeting where a recorded decision was taken, in place of the meeting
    named in free text, and optionally its agenda item; refused if that meeting's body may not
    take it."""
    require(is_secretariat(user), SECRETARIAT_ONLY)
    body = decision_rules.body_of_meeting_kind(meeting.kind)
    message = decision_rules.wrong_body_message(decision.kind, body)
    if message or body is None:  # a meeting that decides nothing has a message too
        raise ValidationError({"meeting": [message or ""]})
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": [_("議題は決定した会議のものを選んでください。")]})
    decision.meeting = meeting
    decision.meeting_text = ""
    decision.body = body
    if agenda_item is not None:
        decision.agenda_item = agenda_item
    decision.full_clean()
    decision.save()
    return decision
