"""HTTP for the yearly selection rounds (年度の選定) and proposals (提案・要望): lists, pages, and
the secretariat's forms to open a round, add and assess drafts, record the decision and triage
proposals; the local side's form to submit a proposal and its "my proposals" pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import call_service
from core.http import AuthenticatedHttpRequest
from core.permissions import is_secretariat, require, secretariat_required, viewer_required
from selection import permissions, selectors, services
from selection.forms import (
    AssessmentForm,
    DecisionForm,
    DraftAddForm,
    ProposalForm,
    RoundForm,
    TriageForm,
)
from selection.models import Proposal, ProposalAttachment, RoundDraft, SelectionRound

ROUNDS_SECRETARIAT_ONLY = gettext_lazy("年度の選定を編集できるのは事務局のみです。")
TRIAGE_SECRETARIAT_ONLY = gettext_lazy("提案・要望を処理できるのは事務局のみです。")
PROPOSERS_ONLY = gettext_lazy(
    "提案・要望を提出できるのは地方公共団体の職員と関係団体の事務局のみです。"
)
PROPOSAL_READERS_ONLY = gettext_lazy(
    "提案・要望を見られるのは、提案した団体と事務局・ワーキングチームメンバーのみです。"
)


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _decided(
    request: AuthenticatedHttpRequest, selection_round: SelectionRound
) -> HttpResponse | None:
    """A redirect to the round's page, saying why, when a form would change a decided round
    (a GET only: a POST is refused by the service, with the same message, as invalid)."""
    if request.method == "GET" and selection_round.is_decided:
        messages.error(
            request,
            _("%(round)sは決定済みのため変更できません。") % {"round": selection_round.title},
        )
        return redirect(selection_round)
    return None


def _round(pk: int) -> SelectionRound:
    try:
        return selectors.round_get(pk=pk)
    except SelectionRound.DoesNotExist as exc:
        raise Http404 from exc


def _readable_proposal(request: AuthenticatedHttpRequest, pk: int) -> Proposal:
    """The proposal if the user may read it; another body's is refused (403 saying who reads
    proposals), as every refusal of the product is."""
    try:
        proposal = selectors.proposal_get(pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
    require(permissions.can_read_proposal(request.user, proposal), PROPOSAL_READERS_ONLY)
    return proposal


# --- rounds -----------------------------------------------------------------------------


@require_GET
@viewer_required
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sees_proposals = permissions.sees_all_proposals(request.user)
    return render(
        request,
        "selection/round_list.html",
        {
            "rounds": selectors.round_list(),
            "sees_proposals": sees_proposals,
            "proposal_counts": selectors.proposal_counts() if sees_proposals else None,
        },
    )


@require_http_methods(["GET", "POST"])
@secretariat_required(message=ROUNDS_SECRETARIAT_ONLY)
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(form, services.round_create, user=request.user, **form.cleaned_data)
        if created is not None:
            messages.success(request, _("%s を作成しました。") % created.title)
            return redirect(created)
    return render(request, "selection/round_form.html", {"form": form}, status=_status(form))


@require_GET
@viewer_required
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selection_round = _round(pk)
    return render(
        request,
        "selection/round_detail.html",
        {
            "round": selection_round,
            "drafts": list(selection_round.drafts.all()),
            "consultations": selectors.round_consultations(selection_round=selection_round),
            "sees_assessments": permissions.sees_assessments(request.user),
            "readable_proposals": selectors.readable_proposal_ids(
                user=request.user, selection_round=selection_round
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@secretariat_required(message=ROUNDS_SECRETARIAT_ONLY)
def draft_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selection_round = _round(pk)
    if refused := _decided(request, selection_round):
        return refused
    form = DraftAddForm(request.POST or None, selection_round=selection_round)
    if request.method == "POST" and form.is_valid():
        draft = call_service(
            form,
            services.round_draft_add,
            user=request.user,
            selection_round=selection_round,
            **form.cleaned_data,
        )
        if draft is not None:
            messages.success(request, _("候補案「%s」を追加しました。") % draft.candidate.name)
            return redirect(selection_round)
    return render(
        request,
        "selection/draft_form.html",
        {"form": form, "round": selection_round},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
@secretariat_required(message=ROUNDS_SECRETARIAT_ONLY)
def draft_assess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        draft = selectors.round_draft_get(pk=pk)
    except RoundDraft.DoesNotExist as exc:
        raise Http404 from exc
    if refused := _decided(request, draft.round):
        return refused
    initial = {
        "effect_assessment": draft.effect_assessment,
        "feasibility_assessment": draft.feasibility_assessment,
        "outcome": draft.outcome,
        "outcome_reason": draft.outcome_reason,
        "version": draft.version,
    }
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.round_draft_assess, user=request.user, draft=draft, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("「%s」の評価を保存しました。") % draft.candidate.name)
            return redirect(f"{draft.round.get_absolute_url()}#draft-{draft.pk}")
    return render(
        request,
        "selection/assess_form.html",
        {"form": form, "draft": draft, "round": draft.round},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
@secretariat_required(message=ROUNDS_SECRETARIAT_ONLY)
def round_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selection_round = _round(pk)
    if refused := _decided(request, selection_round):
        return refused
    form = DecisionForm(request.POST or None, initial={"version": selection_round.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decided = call_service(
            form,
            services.round_decide,
            user=request.user,
            selection_round=selection_round,
            version=data["version"],
            method=data["method"],
            decided_on=data["decided_on"],
            meeting=data["meeting"],
            reason=data["reason"],
        )
        if decided is not None:
            messages.success(request, _("%s の決定を記録しました。") % decided.title)
            return redirect(decided)
    return render(
        request,
        "selection/decide_form.html",
        {"form": form, "round": selection_round, "drafts": list(selection_round.drafts.all())},
        status=_status(form),
    )


# --- proposals --------------------------------------------------------------------------


@require_GET
@viewer_required
def proposal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(permissions.reads_proposals(request.user), PROPOSAL_READERS_ONLY)
    sees_all = permissions.sees_all_proposals(request.user)
    return render(
        request,
        "selection/proposal_list.html",
        {
            "proposals": selectors.proposals_for(user=request.user),
            "sees_all": sees_all,
            "counts": selectors.proposal_counts() if sees_all else None,
            "can_propose": permissions.can_propose(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def proposal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(permissions.can_propose(request.user), PROPOSERS_ONLY)
    form = ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = call_service(
            form,
            services.proposal_submit,
            user=request.user,
            title=data["title"],
            concerns=data["concerns"],
            text=data["text"],
            files=data["attachments"],
        )
        if proposal is not None:
            messages.success(request, _("提案・要望「%s」を提出しました。") % proposal.title)
            return redirect(proposal)
    return render(request, "selection/proposal_form.html", {"form": form}, status=_status(form))


@require_GET
@viewer_required
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _readable_proposal(request, pk)
    return render(request, "selection/proposal_detail.html", _proposal_context(request, proposal))


def _proposal_context(
    request: AuthenticatedHttpRequest, proposal: Proposal, form: TriageForm | None = None
) -> dict:
    can_triage = is_secretariat(request.user) and not proposal.is_triaged
    if can_triage and form is None:
        form = TriageForm(initial={"version": proposal.version})
    return {"proposal": proposal, "triage_form": form if can_triage else None}


@require_http_methods(["GET", "POST"])
@secretariat_required(message=TRIAGE_SECRETARIAT_ONLY)
def proposal_triage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _readable_proposal(request, pk)
    if request.method == "GET":
        return redirect(f"{proposal.get_absolute_url()}#triage")
    form = TriageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            services.proposal_triage,
            user=request.user,
            proposal=proposal,
            version=data["version"],
            status=data["status"],
            answer=data["answer"],
            selection_round=data["round"],
            draft_name=data["draft_name"],
            lead_ministry=data["lead_ministry"],
            candidate=data["candidate"],
        )
        if saved is not None:
            messages.success(request, _("処理の結果を記録しました：%s") % saved.status_label)
            return redirect(saved)
    context = _proposal_context(request, proposal, form)
    if proposal.is_triaged:  # refused as already triaged: show why above the page
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return render(request, "selection/proposal_detail.html", context, status=400)


@require_GET
@viewer_required
def proposal_attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    try:
        attachment = ProposalAttachment.objects.select_related("proposal").get(pk=pk)
    except ProposalAttachment.DoesNotExist as exc:
        raise Http404 from exc
    require(permissions.can_read_proposal(request.user, attachment.proposal), PROPOSAL_READERS_ONLY)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)
