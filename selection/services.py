"""Every write to selection rounds and proposals.

Each service authorises the user (PermissionDenied), validates (ValidationError with messages
per field), refuses a stale edit (ConcurrentEditError) and writes in one transaction, so a
refused call changes nothing. Moving a draft to 候補選定 is the candidates app's
(`candidates.services.draft_select`); deciding the round is the only caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates import services as candidate_services
from candidates.lifecycle import Stage
from candidates.models import Candidate, Ministry
from core import wareki
from core.concurrency import check_version
from core.display import date_display, fiscal_year_display
from core.models import User
from core.permissions import is_association_staff, is_local_government_staff, is_secretariat
from hearings import decision_services
from hearings.models import DecisionKind, Meeting, MeetingKind
from selection.attachment_files import attachment_file_name
from selection.models import (
    DecisionMethod,
    Outcome,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    RoundDraft,
    SelectionRound,
)


def _today() -> dt.date:
    return timezone.localdate()


def _secretariat(user: User, message: str) -> None:
    if not is_secretariat(user):
        raise PermissionDenied(message)


def _open(selection_round: SelectionRound) -> None:
    if selection_round.is_decided:
        raise ValidationError(
            _("%(round)sは決定済みのため変更できません。") % {"round": selection_round.title}
        )


# --- rounds -----------------------------------------------------------------------------


@transaction.atomic
def round_create(*, user: User, fiscal_year: int, note: str = "", is_demo: bool = False):
    """Open the selection round of `fiscal_year` (one per year)."""
    _secretariat(user, _("年度の選定を作成できるのは事務局のみです。"))
    if SelectionRound.objects.filter(fiscal_year=fiscal_year).exists():
        raise ValidationError(
            {
                "fiscal_year": _("%(fy)sの選定は既にあります。")
                % {"fy": fiscal_year_display(fiscal_year)}
            }
        )
    selection_round = SelectionRound(
        fiscal_year=fiscal_year, note=note.strip(), created_by=user, is_demo=is_demo
    )
    selection_round.full_clean()
    selection_round.save()
    return selection_round


@transaction.atomic
def round_draft_add(
    *,
    user: User,
    selection_round: SelectionRound,
    candidate: Candidate | None = None,
    name: str = "",
    lead_ministry: Ministry | None = None,
    summary: str = "",
    business_area: str = "",
) -> RoundDraft:
    """Add a draft (候補案) to an open round: an existing draft (one deferred in an earlier
    round) or a new one registered here."""
    _secretariat(user, _("候補案を追加できるのは事務局のみです。"))
    current = SelectionRound.objects.select_for_update().get(pk=selection_round.pk)
    _open(current)
    if candidate is None:
        errors = {}
        if not name.strip():
            errors["name"] = [_("候補案の名称を入力してください。")]
        if lead_ministry is None:
            errors["lead_ministry"] = [_("主担当府省庁を選んでください。")]
        if errors:
            raise ValidationError(errors)
        assert lead_ministry is not None
        candidate = candidate_services.draft_create(
            user=user,
            name=name,
            fiscal_year=current.fiscal_year,
            lead_ministry=lead_ministry,
            summary=summary,
            business_area=business_area,
        )
    elif candidate.stage != Stage.DRAFT:
        raise ValidationError(
            {"candidate": [_("「%(name)s」は既に選定されています。") % {"name": candidate.name}]}
        )
    elif current.drafts.filter(candidate=candidate).exists():
        raise ValidationError(
            {"candidate": [_("「%(name)s」はこの年度の候補案です。") % {"name": candidate.name}]}
        )
    else:
        candidate = candidate_services.draft_carry(
            user=user, candidate=candidate, fiscal_year=current.fiscal_year
        )
    last = current.drafts.order_by("-position").values_list("position", flat=True).first()
    draft = RoundDraft(round=current, candidate=candidate, position=(last or 0) + 1)
    draft.full_clean()
    draft.save()
    return draft


@transaction.atomic
def round_draft_assess(
    *,
    user: User,
    draft: RoundDraft,
    version: int | None,
    effect_assessment: str,
    feasibility_assessment: str,
    outcome: str,
    outcome_reason: str = "",
) -> RoundDraft:
    """Record a draft's assessment against the screening criteria and its proposed outcome
    (the round's decision makes it final)."""
    _secretariat(user, _("候補案の評価を記録できるのは事務局のみです。"))
    current = RoundDraft.objects.select_for_update().select_related("round").get(pk=draft.pk)
    check_version(current, version)
    _open(current.round)
    if outcome == Outcome.NOT_SELECTED and not outcome_reason.strip():
        raise ValidationError(
            {"outcome_reason": [_("「選定しない」とする場合は、その理由を記入してください。")]}
        )
    current.effect_assessment = effect_assessment.strip()
    current.feasibility_assessment = feasibility_assessment.strip()
    current.outcome = outcome
    current.outcome_reason = outcome_reason.strip()
    current.version += 1
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def round_decide(
    *,
    user: User,
    selection_round: SelectionRound,
    version: int | None,
    method: str,
    decided_on: dt.date | None = None,
    meeting: Meeting | None = None,
    reason: str = "",
) -> SelectionRound:
    """Record the council's decision on the round, at a council meeting (連絡協議会) or in
    writing (書面, with a date and a reason): its selected drafts become 候補選定."""
    _secretariat(user, _("選定の決定を記録できるのは事務局のみです。"))
    current = SelectionRound.objects.select_for_update().get(pk=selection_round.pk)
    check_version(current, version)
    _open(current)
    errors: dict[str, list[str]] = {}
    drafts = list(current.drafts.select_related("candidate"))
    if not drafts:
        errors["__all__"] = [_("候補案がありません。候補案を追加してから決定してください。")]
    pending = [d.candidate.name for d in drafts if d.outcome == Outcome.PENDING]
    if pending:
        errors["__all__"] = [
            _("結果が未定の候補案があります：%(names)s") % {"names": "、".join(pending)}
        ]
    if method == DecisionMethod.MEETING:
        if meeting is None:
            errors["meeting"] = [_("決定した連絡協議会の会議を選んでください。")]
        elif meeting.kind != MeetingKind.COUNCIL:
            errors["meeting"] = [
                _("選定は連絡協議会で決定します。「%(title)s」は連絡協議会の会議ではありません。")
                % {"title": meeting.title}
            ]
        else:
            decided_on = meeting.date
    elif method == DecisionMethod.WRITTEN:
        if decided_on is None:
            errors["decided_on"] = [_("書面で決定した日を入力してください。")]
        if not reason.strip():
            errors["reason"] = [_("書面で決定する場合は、その理由を記入してください。")]
    else:
        errors["method"] = [_("決定の方法（連絡協議会の会議または書面）を選んでください。")]
    if decided_on is not None:
        start = wareki.fiscal_year_bounds(current.fiscal_year)[0]
        field = "meeting" if method == DecisionMethod.MEETING else "decided_on"
        if decided_on > _today():
            errors.setdefault(field, []).append(_("決定日に未来の日付は指定できません。"))
        elif decided_on < start:
            errors.setdefault(field, []).append(
                _("決定日が%(fy)sの開始（%(date)s）より前です。")
                % {
                    "fy": fiscal_year_display(current.fiscal_year),
                    "date": date_display(start),
                }
            )
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None
    written = method == DecisionMethod.WRITTEN
    current.decision_method = method
    current.decided_on = decided_on
    current.meeting = None if written else meeting
    current.decision_reason = reason.strip()
    current.decided_by = user
    current.version += 1
    current.full_clean()
    current.save()
    for draft in drafts:
        if draft.outcome == Outcome.SELECTED:
            candidate_services.draft_select(
                user=user,
                candidate=draft.candidate,
                fiscal_year=current.fiscal_year,
                decided_on=decided_on,
                meeting=current.meeting,
                meeting_text=_("書面による決定") if written else "",
                note=current.decision_reason,
            )
    selected = [d.candidate for d in drafts if d.outcome == Outcome.SELECTED]
    decision_services.decision_record(  # the council's selection, kept as its decision (決定)
        user=user,
        kind=DecisionKind.SELECTION,
        text=_("%(fy)sの共通化候補の選定（%(count)s件）")
        % {"fy": fiscal_year_display(current.fiscal_year), "count": len(selected)},
        meeting=current.meeting,
        written=written,
        decided_on=decided_on,
        written_reason=current.decision_reason,
        candidates=selected,
    )
    return current


# --- proposals --------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(
    *,
    user: User,
    title: str,
    concerns: str,
    text: str,
    files: Sequence[UploadedFile] = (),
    submitted_on: dt.date | None = None,
    is_demo: bool = False,
) -> Proposal:
    """Submit a proposal (提案・要望) for the user's own body; the files were checked by the form."""
    proposer: dict[str, Any]
    if is_local_government_staff(user):
        proposer = {"local_government": user.local_government}
    elif is_association_staff(user):
        proposer = {"association": user.association}
    else:
        raise PermissionDenied(
            _("提案・要望を提出できるのは地方公共団体の職員と関係団体の事務局のみです。")
        )
    proposal = Proposal(
        title=title.strip(),
        concerns=concerns.strip(),
        text=text.strip(),
        submitted_by=user,
        submitted_on=submitted_on or _today(),
        is_demo=is_demo,
        **proposer,
    )
    proposal.full_clean()
    proposal.save()
    for upload in files:
        name = upload.name or "attachment"
        attachment = ProposalAttachment(proposal=proposal, name=name[:200], size=upload.size or 0)
        attachment.file.save(attachment_file_name(name), upload, save=False)
        attachment.full_clean()
        attachment.save()
    return proposal


@transaction.atomic
def proposal_triage(
    *,
    user: User,
    proposal: Proposal,
    version: int | None,
    status: str,
    answer: str = "",
    selection_round: SelectionRound | None = None,
    draft_name: str = "",
    lead_ministry: Ministry | None = None,
    candidate: Candidate | None = None,
    triaged_on: dt.date | None = None,
) -> Proposal:
    """Triage a proposal once: a new draft in a named round, merged into an existing draft or
    candidate, or answered without a draft (the answer says why)."""
    _secretariat(user, _("提案・要望を処理できるのは事務局のみです。"))
    current = Proposal.objects.select_for_update().get(pk=proposal.pk)
    check_version(current, version)
    if current.is_triaged:
        raise ValidationError(
            _("この提案・要望は処理済みです（%(status)s）。") % {"status": current.status_label}
        )
    errors: dict[str, list[str]] = {}
    if status == ProposalStatus.DRAFTED:
        if selection_round is not None:  # as it is now, not as the form loaded it
            selection_round = SelectionRound.objects.get(pk=selection_round.pk)
        if selection_round is None:
            errors["round"] = [_("候補案を加える年度の選定を選んでください。")]
        elif selection_round.is_decided:
            errors["round"] = [
                _("%(round)sは決定済みです。未決定の年度の選定を選んでください。")
                % {"round": selection_round.title}
            ]
        if lead_ministry is None:
            errors["lead_ministry"] = [_("候補案の主担当府省庁を選んでください。")]
    elif status == ProposalStatus.MERGED:
        if candidate is None:
            errors["candidate"] = [_("統合する候補案・候補を選んでください。")]
    elif status == ProposalStatus.ANSWERED:
        if not answer.strip():
            errors["answer"] = [_("候補案としない場合は、その理由を回答として記入してください。")]
    else:
        errors["status"] = [_("処理の結果を選んでください。")]
    if errors:
        raise ValidationError(errors)
    if status == ProposalStatus.DRAFTED:
        assert selection_round is not None
        try:
            draft = round_draft_add(
                user=user,
                selection_round=selection_round,
                name=draft_name.strip() or current.concerns,
                lead_ministry=lead_ministry,
                summary=current.text[:1000],
                business_area="",
            )
        except ValidationError as exc:
            # The draft's name is the only field of the proposal form it can refuse.
            raise ValidationError({"draft_name": exc.messages}) from exc
        current.round = selection_round
        current.candidate = draft.candidate
    elif status == ProposalStatus.MERGED:
        current.candidate = candidate
    current.status = status
    current.answer = answer.strip()
    current.triaged_on = triaged_on or _today()
    current.triaged_by = user
    current.version += 1
    try:
        current.full_clean()
        current.save()
    except IntegrityError as exc:  # pragma: no cover - the checks above hold the constraints
        raise ValidationError(str(exc)) from exc
    return current
