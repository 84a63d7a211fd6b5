"""Every write to candidates, their lifecycle, schedules and progress.

Each service authorises the user (PermissionDenied), validates (ValidationError with messages
per field), refuses a stale edit (ConcurrentEditError) and writes in one transaction, so a
refused call changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates import events, lifecycle
from candidates.models import (
    Candidate,
    DateField,
    LifecycleTransition,
    Milestone,
    MilestoneChange,
    MilestoneKind,
    Ministry,
    ProgressUpdate,
)
from candidates.permissions import can_edit_schedule
from core import slips, wareki
from core.concurrency import check_version
from core.display import date_display
from core.events import send_after_commit
from core.models import User
from core.permissions import is_secretariat
from core.stated_dates import Precision, last_day
from hearings import decision_services
from hearings.models import Decision, DecisionKind

LATEST_PLAUSIBLE_DATE = dt.date(2100, 12, 31)


def _today() -> dt.date:
    return timezone.localdate()


def _refuse(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _save(obj, user: User, reason: str = "") -> None:
    """Validate and save, recording who changed it (and why) in the history."""
    obj.full_clean()
    obj._history_user = user
    if reason:
        obj._change_reason = reason[:100]
    obj.save()


# --- candidates -------------------------------------------------------------------------


@transaction.atomic
def candidate_create(
    *,
    user: User,
    name: str,
    selected_fiscal_year: int,
    lead_ministry: Ministry,
    co_ministries: list[Ministry] | tuple = (),
    summary: str = "",
    business_area: str = "",
) -> Candidate:
    """Register a candidate selected by the council (stage 候補選定)."""
    if not is_secretariat(user):
        raise _refuse(_("候補を登録できるのは事務局のみです。"))
    candidate = Candidate(
        name=name.strip(),
        summary=summary,
        business_area=business_area,
        selected_fiscal_year=selected_fiscal_year,
        lead_ministry=lead_ministry,
    )
    _save(candidate, user)
    candidate.co_ministries.set([m for m in co_ministries if m.pk != lead_ministry.pk])
    return candidate


@transaction.atomic
def candidate_update(
    *,
    user: User,
    candidate: Candidate,
    version: int | None,
    name: str,
    summary: str,
    business_area: str,
    selected_fiscal_year: int,
    lead_ministry: Ministry,
    co_ministries: list[Ministry] | tuple = (),
) -> Candidate:
    """Change a candidate's descriptive fields (not its stage) with an optimistic version check."""
    if not is_secretariat(user):
        raise _refuse(_("候補を編集できるのは事務局のみです。"))
    current = Candidate.objects.select_for_update().get(pk=candidate.pk)
    check_version(current, version)
    current.name = name.strip()
    current.summary = summary
    current.business_area = business_area
    current.selected_fiscal_year = selected_fiscal_year
    current.lead_ministry = lead_ministry
    current.version += 1
    _save(current, user)
    current.co_ministries.set([m for m in co_ministries if m.pk != lead_ministry.pk])
    return current


@transaction.atomic
def candidate_transition(
    *,
    user: User,
    candidate: Candidate,
    to_stage: str,
    decided_on: dt.date,
    version: int | None = None,
    meeting=None,
    meeting_text: str = "",
    note: str = "",
    written: bool = False,
) -> LifecycleTransition:
    """Record a lifecycle decision and move the candidate to its new stage.

    A stage that is a body's decision (lifecycle.DECISION_OF_STAGE: a judgment, the report of
    another outcome, a consent) cites where it was taken, a meeting (or one named in the free
    text) of the right body or, for the council's, a written procedure (書面) with its date and
    reason (the note); one citing the wrong body is refused naming the right one. It is kept as
    a decision record (hearings.Decision) about the candidate as well."""
    if not is_secretariat(user):
        raise _refuse(_("段階の変更を記録できるのは事務局のみです。"))
    current = Candidate.objects.select_for_update().get(pk=candidate.pk)
    check_version(current, version)
    errors: dict[str, list[str]] = {}
    if lifecycle.is_draft(current.stage):
        raise ValidationError(
            {
                "to_stage": [
                    _(
                        "候補案の選定は、選定ラウンド（年度の選定）で連絡協議会の会議または書面により決定してください。"
                    )
                ]
            }
        )
    if not lifecycle.can_move(current.stage, to_stage):
        allowed = "、".join(
            str(lifecycle.Stage(s).label) for s in lifecycle.allowed_next(current.stage)
        )
        errors["to_stage"] = [
            _("「%(from)s」から「%(to)s」へは移れません。次に進める段階：%(allowed)s")
            % {
                "from": lifecycle.Stage(current.stage).label,
                "to": lifecycle.Stage(to_stage).label
                if to_stage in lifecycle.Stage.values
                else to_stage,
                "allowed": allowed or _("なし（最終段階です）"),
            }
        ]
    if to_stage in lifecycle.REASON_REQUIRED and not note.strip():
        errors["note"] = [
            _("同意を省略する場合は、その理由（災害等の緊急時など）を記入してください。")
        ]
    errors.update(_decision_date_errors(current, decided_on))
    kind = lifecycle.DECISION_OF_STAGE.get(to_stage)
    if kind is not None:
        errors.update(_cited_body_errors(kind, meeting, meeting_text, written, decided_on, note))
    elif written:
        errors["written"] = [_("書面による決定として記録できるのは連絡協議会の決定だけです。")]
    if errors:
        raise ValidationError(errors)

    transition = LifecycleTransition(
        candidate=current,
        from_stage=current.stage,
        to_stage=to_stage,
        decided_on=decided_on,
        meeting=meeting,
        meeting_text=meeting_text.strip(),
        note=note.strip(),
        recorded_by=user,
    )
    transition.full_clean()
    transition.save()
    current.stage = to_stage
    if to_stage in lifecycle.JUDGMENTS:
        current.judgment = to_stage
    if lifecycle.is_decided(to_stage) and current.decided_fiscal_year is None:
        current.decided_fiscal_year = wareki.fiscal_year_of(decided_on)
    current.version += 1
    _save(current, user, reason=str(lifecycle.Stage(to_stage).label))
    if kind is not None:
        decision_services.decision_record(
            user=user,
            kind=kind,
            text=_decision_text(kind, current, to_stage),
            meeting=meeting,
            meeting_text=meeting_text,
            written=written,
            decided_on=decided_on,
            written_reason=note,
            candidates=[current],
            transition=transition,
        )
    return transition


def _decision_text(kind: str, candidate: Candidate, to_stage: str) -> str:
    """What a transition's decision record says was decided."""
    values = {"name": candidate.name, "stage": lifecycle.Stage(to_stage).label}
    if kind == DecisionKind.CONSENT:
        return _("「%(name)s」の推進方針に同意") % values
    if kind == DecisionKind.JUDGMENT_REVIEW:
        return _("「%(name)s」の%(stage)s") % values
    values["stage"] = lifecycle.Stage(candidate.judgment).label if candidate.judgment else ""
    return _("「%(name)s」の検討結果を連絡協議会に報告（%(stage)s）") % values


def _cited_body_errors(
    kind: str, meeting, meeting_text: str, written: bool, decided_on, note: str
) -> dict:
    """A body's decision cites a meeting of that body (or 書面, the council's, with date and
    reason); decision_services.decision_errors names the right body for a wrong one."""
    if meeting is None and not meeting_text.strip() and not written:
        if kind == DecisionKind.JUDGMENT_REVIEW:
            message = _(
                "判断は府省庁の実現可能性調査に基づき、ワーキングチームが確認します。"
                "判断を確認したワーキングチームの会議を選んでください。"
            )
        else:
            message = _(
                "「%(kind)s」は連絡協議会の決定です。連絡協議会の会議を選ぶか、"
                "書面による決定（決定日と理由）としてください。"
            ) % {"kind": DecisionKind(kind).label}
        return {"meeting": [message]}
    errors = decision_services.decision_errors(
        kind=kind,
        meeting=meeting,
        meeting_text=meeting_text,
        written=written,
        decided_on=decided_on,
        written_reason=note,
    )
    if "written_reason" in errors:
        errors["note"] = errors.pop("written_reason")
    return errors


@transaction.atomic
def draft_create(
    *,
    user: User,
    name: str,
    fiscal_year: int,
    lead_ministry: Ministry,
    summary: str = "",
    business_area: str = "",
) -> Candidate:
    """Register a draft candidate (候補案) for a selection round of `fiscal_year`."""
    if not is_secretariat(user):
        raise _refuse(_("候補案を登録できるのは事務局のみです。"))
    draft = Candidate(
        name=name.strip(),
        summary=summary,
        business_area=business_area,
        selected_fiscal_year=fiscal_year,
        lead_ministry=lead_ministry,
        stage=lifecycle.Stage.DRAFT,
    )
    _save(draft, user)
    return draft


def _draft_for_update(user: User, candidate: Candidate, refusal: str) -> Candidate:
    """The draft locked for a change by the secretariat; refused if it is no draft (any more)."""
    if not is_secretariat(user):
        raise _refuse(refusal)
    current = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if not lifecycle.is_draft(current.stage):
        raise ValidationError(
            _("「%(name)s」は候補案ではありません（現在の段階：%(stage)s）。")
            % {"name": current.name, "stage": lifecycle.Stage(current.stage).label}
        )
    return current


@transaction.atomic
def draft_carry(*, user: User, candidate: Candidate, fiscal_year: int) -> Candidate:
    """Take a draft (候補案) deferred in one round into the round of `fiscal_year`: it is that
    year's draft from now on (「共通化の対象候補案（令和9年度）」)."""
    current = _draft_for_update(user, candidate, _("候補案を登録できるのは事務局のみです。"))
    if current.selected_fiscal_year != fiscal_year:
        current.selected_fiscal_year = fiscal_year
        current.version += 1
        _save(current, user)
    return current


@transaction.atomic
def draft_select(
    *,
    user: User,
    candidate: Candidate,
    fiscal_year: int,
    decided_on: dt.date,
    meeting=None,
    meeting_text: str = "",
    note: str = "",
) -> LifecycleTransition:
    """Move a draft (候補案) to 候補選定 as 「共通化候補（令和N年度選定分）」 of `fiscal_year`: the
    effect of a selection round's decision (selection/services.round_decide checks how it was
    decided)."""
    current = _draft_for_update(user, candidate, _("段階の変更を記録できるのは事務局のみです。"))
    current.selected_fiscal_year = fiscal_year
    transition = LifecycleTransition(
        candidate=current,
        from_stage=current.stage,
        to_stage=lifecycle.Stage.SELECTED,
        decided_on=decided_on,
        meeting=meeting,
        meeting_text=meeting_text.strip(),
        note=note.strip(),
        recorded_by=user,
    )
    transition.full_clean()
    transition.save()
    current.stage = lifecycle.Stage.SELECTED
    current.version += 1
    _save(current, user, reason=str(lifecycle.Stage.SELECTED.label))
    return transition


def _decision_date_errors(candidate: Candidate, decided_on: dt.date) -> dict[str, list[str]]:
    if decided_on > _today():
        return {"decided_on": [_("決定日に未来の日付は指定できません。")]}
    selected_start = wareki.fiscal_year_bounds(candidate.selected_fiscal_year)[0]
    if decided_on < selected_start:
        return {
            "decided_on": [
                _("決定日が選定年度の開始（%(date)s）より前です。")
                % {"date": date_display(selected_start)}
            ]
        }
    last = candidate.transitions.order_by("-decided_on").first()
    if last and decided_on < last.decided_on:
        return {
            "decided_on": [
                _("決定日が直前の決定（%(date)s）より前です。")
                % {"date": date_display(last.decided_on)}
            ]
        }
    return {}


# --- milestones -------------------------------------------------------------------------


def _stated(precision: str, value: dt.date | None) -> dt.date | None:
    """The last day a date stated at `precision` allows (令和7年度中 -> 2026-03-31)."""
    return None if value is None else last_day(Precision(precision), value)


def _precision_of(milestone: Milestone, field: DateField) -> str:
    if field == DateField.PLANNED:
        return milestone.planned_precision
    if field == DateField.BASELINE:
        return milestone.baseline_precision
    return Precision.DAY


def _date_range_errors(candidate: Candidate, field: str, value: dt.date | None) -> list[str]:
    if value is None:
        return []
    earliest = wareki.fiscal_year_bounds(candidate.selected_fiscal_year)[0]
    if value < earliest:
        return [
            _("%(date)s は候補の選定年度（%(fy)s）より前の日付です。")
            % {
                "date": date_display(value),
                "fy": wareki.fiscal_year_label(candidate.selected_fiscal_year),
            }
        ]
    if value > LATEST_PLAUSIBLE_DATE:
        return [_("日付が遠い将来すぎます。入力を確認してください。")]
    if field == DateField.ACTUAL and value > _today():
        return [_("実績日に未来の日付は指定できません。")]
    return []


@transaction.atomic
def milestone_create(
    *,
    user: User,
    candidate: Candidate,
    kind: str,
    name: str = "",
    baseline_date: dt.date | None = None,
    planned_date: dt.date | None = None,
    baseline_precision: str = Precision.DAY,
    planned_precision: str = Precision.DAY,
) -> Milestone:
    """Add a milestone to a candidate's schedule; only the secretariat sets its baseline.

    A date stated at a coarser precision (令和7年度中) is stored as the last day it allows."""
    if not can_edit_schedule(user, candidate):
        raise _refuse(_("この候補のスケジュールを編集する権限がありません。"))
    if baseline_date is not None and not is_secretariat(user):
        raise _refuse(_("当初予定を設定できるのは事務局のみです。"))
    baseline_date = _stated(baseline_precision, baseline_date)
    planned_date = _stated(planned_precision, planned_date)
    if planned_date is None and baseline_date is not None:
        planned_date, planned_precision = baseline_date, baseline_precision
    errors = {
        f: msgs
        for f, msgs in (
            ("baseline_date", _date_range_errors(candidate, DateField.BASELINE, baseline_date)),
            ("planned_date", _date_range_errors(candidate, DateField.PLANNED, planned_date)),
        )
        if msgs
    }
    if kind == MilestoneKind.OTHER and not name.strip():
        errors["name"] = [_("「その他」のマイルストーンには名称を入力してください。")]
    if errors:
        raise ValidationError(errors)
    last = candidate.milestones.order_by("-position").first()
    milestone = Milestone(
        candidate=candidate,
        kind=kind,
        name=name.strip() if kind == MilestoneKind.OTHER else "",
        position=(last.position + 1) if last else 0,
        baseline_date=baseline_date,
        baseline_precision=baseline_precision if baseline_date else Precision.DAY,
        planned_date=planned_date,
        planned_precision=planned_precision if planned_date else Precision.DAY,
    )
    _save(milestone, user)
    return milestone


@transaction.atomic
def milestone_update(
    *,
    user: User,
    milestone: Milestone,
    version: int | None,
    planned_date: dt.date | None,
    actual_date: dt.date | None,
    progress_note: str,
    reason: str = "",
    added_value: str = "",
    planned_precision: str = Precision.DAY,
) -> Milestone:
    """Change planned/actual dates and the progress note; a later date needs a reason or
    matching added value.

    Each date change is kept as a MilestoneChange (old, new, reason, added value, who, when).
    """
    current = Milestone.objects.select_for_update().select_related("candidate").get(pk=milestone.pk)
    if not can_edit_schedule(user, current.candidate):
        raise _refuse(_("この候補のスケジュールを編集する権限がありません。"))
    check_version(current, version)
    planned_date = _stated(planned_precision, planned_date)
    if planned_date is None:
        planned_precision = Precision.DAY
    new_values = {DateField.PLANNED: planned_date, DateField.ACTUAL: actual_date}
    new_precisions = {DateField.PLANNED: planned_precision, DateField.ACTUAL: Precision.DAY}
    errors: dict[str, list[str]] = {}
    for field, value in new_values.items():
        if messages := _date_range_errors(current.candidate, field, value):
            errors[field.value] = messages
    # Restating a date at another precision with the same last day (令和7年度末 → 令和8年3月)
    # is a change to record, not a slip: is_later compares the last days.
    changed = {
        f: v
        for f, v in new_values.items()
        if getattr(current, f.value) != v or _precision_of(current, f) != new_precisions[f]
    }
    later = any(slips.is_later(getattr(current, f.value), v) for f, v in changed.items())
    if messages := slips.slip_reason_errors(later=later, reason=reason, added_value=added_value):
        errors["reason"] = messages
    if errors:
        raise ValidationError(errors)
    slip = None
    for field, value in changed.items():
        change = MilestoneChange.objects.create(
            milestone=current,
            field=field,
            old_date=getattr(current, field.value),
            old_precision=_precision_of(current, field),
            new_date=value,
            new_precision=new_precisions[field],
            reason=reason.strip(),
            added_value=added_value.strip(),
            changed_by=user,
        )
        if slip is None and slips.is_later(change.old_date, change.new_date):
            slip = change
        setattr(current, field.value, value)
        if field == DateField.PLANNED:
            current.planned_precision = planned_precision
    if slip is not None:
        send_after_commit(events.slip_recorded, change_id=slip.pk)
    if not changed and current.progress_note == progress_note:
        return current
    current.progress_note = progress_note
    current.version += 1
    _save(current, user, reason=reason)
    return current


@transaction.atomic
def milestone_rebaseline(
    *,
    user: User,
    milestone: Milestone,
    version: int | None,
    baseline_date: dt.date | None,
    reason: str,
    baseline_precision: str = Precision.DAY,
) -> Milestone:
    """Change the baseline (the date in the consented policy): secretariat only, always with a reason."""
    if not is_secretariat(user):
        raise _refuse(_("当初予定を変更できるのは事務局のみです。"))
    current = Milestone.objects.select_for_update().select_related("candidate").get(pk=milestone.pk)
    check_version(current, version)
    baseline_date = _stated(baseline_precision, baseline_date)
    if baseline_date is None:
        baseline_precision = Precision.DAY
    errors: dict[str, list[str]] = {}
    if messages := _date_range_errors(current.candidate, DateField.BASELINE, baseline_date):
        errors["baseline_date"] = messages
    if not reason.strip():
        errors["reason"] = [_("当初予定の変更には理由（推進方針の変更への同意など）が必要です。")]
    if errors:
        raise ValidationError(errors)
    if (current.baseline_date, current.baseline_precision) == (baseline_date, baseline_precision):
        return current
    MilestoneChange.objects.create(
        milestone=current,
        field=DateField.BASELINE,
        old_date=current.baseline_date,
        old_precision=current.baseline_precision,
        new_date=baseline_date,
        new_precision=baseline_precision,
        reason=reason.strip(),
        changed_by=user,
    )
    current.baseline_date = baseline_date
    current.baseline_precision = baseline_precision
    current.version += 1
    _save(current, user, reason=reason)
    return current


# --- progress ---------------------------------------------------------------------------


@transaction.atomic
def progress_update_create(
    *,
    user: User,
    candidate: Candidate,
    as_of: dt.date,
    status: str,
    cost_note: str = "",
    function_note: str = "",
    schedule_note: str = "",
    next_steps: str = "",
) -> ProgressUpdate:
    """Record a periodic progress report (cost, function and schedule judged together)."""
    if not can_edit_schedule(user, candidate):
        raise _refuse(_("この候補の進捗を報告する権限がありません。"))
    if as_of > _today():
        raise ValidationError({"as_of": [_("時点に未来の日付は指定できません。")]})
    if not any(text.strip() for text in (cost_note, function_note, schedule_note, next_steps)):
        raise ValidationError(
            _("費用・機能・スケジュール・今後の予定のいずれかを記入してください。")
        )
    update = ProgressUpdate(
        candidate=candidate,
        as_of=as_of,
        status=status,
        cost_note=cost_note.strip(),
        function_note=function_note.strip(),
        schedule_note=schedule_note.strip(),
        next_steps=next_steps.strip(),
        written_by=user,
    )
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def transition_link_meeting(
    *, user: User, transition: LifecycleTransition, meeting
) -> LifecycleTransition:
    """Name the (imported) meeting where a recorded decision was made; the decision is kept, and
    its decision record (if any) cites the meeting too."""
    if not is_secretariat(user):
        raise _refuse(_("段階の変更を記録できるのは事務局のみです。"))
    transition.meeting = meeting
    _save(transition, user)
    record = Decision.objects.filter(transition=transition).first()
    if record is not None:
        decision_services.decision_link_meeting(user=user, decision=record, meeting=meeting)
    return transition
