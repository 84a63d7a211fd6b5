"""HTTP for candidates: parse, authorise, call a service or selector, render or redirect."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from adoption import selectors as adoption_selectors
from candidates import cache, consistency, permissions, selectors, services
from candidates.exports import candidate_table, slip_table
from candidates.filters import CandidateFilter
from candidates.forms import (
    CandidateForm,
    MilestoneCreateForm,
    MilestoneUpdateForm,
    ProgressUpdateForm,
    RebaselineForm,
    TransitionForm,
)
from candidates.history import candidate_history
from candidates.ministry_page import ministry_page
from candidates.models import Candidate, Milestone, Ministry
from candidates.timeline import timeline_layout
from consultations import selectors as consultation_selectors
from core.display import date_display
from core.forms import call_service, stated_date_initial
from core.http import AuthenticatedHttpRequest
from core.permissions import is_secretariat, require, secretariat_required, viewer_required
from core.query_params import query_without
from core.spreadsheets import csv_bytes, xlsx_bytes
from hearings.selectors import (
    decisions_for_candidate,
    remarks_for_candidate,
    requests_for_candidate,
)

PAGE_SIZE = 50


def _stale(form) -> dict:
    """What another user saved, field by field, to show beside a refused stale edit."""
    current = form.stale_current
    if current is None:
        return {"current": None, "current_values": []}
    values = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(current, name) or name.endswith("_precision"):
            continue
        written = name.replace("_date", "_written")
        value = getattr(current, written if hasattr(current, written) else name)
        if hasattr(value, "all"):
            value = "、".join(str(v) for v in value.all())
        elif isinstance(value, datetime.date):
            value = date_display(value)
        values.append((str(field.label), str(value) if value not in (None, "") else "—"))
    return {"current": current, "current_values": values}


def _form_status(request: AuthenticatedHttpRequest) -> int:
    """400 for a form shown again after a POST (its input was refused, so the audit trail
    records invalid input, not a save); 200 for a form shown to be filled in."""
    return 400 if request.method == "POST" else 200


def _filtered(
    request: AuthenticatedHttpRequest, candidates: QuerySet[Candidate] | None = None
) -> tuple[CandidateFilter, QuerySet[Candidate]]:
    if candidates is None:
        candidates = selectors.candidate_rows()
    filterset = CandidateFilter(request.GET, queryset=candidates, request=request)
    queryset = filterset.qs if filterset.is_valid() else Candidate.objects.none()
    return filterset, queryset


@require_GET
@viewer_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = cache.dashboard(today=today)
    return render(request, "candidates/dashboard.html", {"dashboard": data, "today": today})


@require_GET
@viewer_required
def candidate_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset, queryset = _filtered(
        request, selectors.with_next_milestone(selectors.candidate_rows())
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": query_without(request.GET, "page"),
        "can_manage": is_secretariat(request.user),
        # Ministry staff see which rows are theirs to update (co_ministries are prefetched).
        "editable_ids": {c.pk for c in page if permissions.is_responsible(request.user, c)},
    }
    return render(request, "candidates/list.html", context)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@viewer_required
def candidate_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _filterset, queryset = _filtered(request)
    headers, rows = candidate_table(queryset)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        return _download(
            csv_bytes(headers, rows), f"candidates-{stamp}.csv", "text/csv; charset=utf-8"
        )
    return _download(xlsx_bytes(_("共通化候補"), headers, rows), f"candidates-{stamp}.xlsx", XLSX)


@require_GET
@secretariat_required(message=gettext_lazy("整合性の確認を見られるのは事務局のみです。"))
def consistency_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    issues = selectors.consistency_issues()
    groups = [
        (label, [i for i in issues if i.rule == rule])
        for rule, label in consistency.RULE_LABELS.items()
    ]
    return render(request, "candidates/consistency.html", {"issues": issues, "groups": groups})


@require_GET
@viewer_required
def slip_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _filterset, queryset = _filtered(request)
    rows = selectors.slip_rows(candidates=queryset)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        headers, table = slip_table(rows)
        stamp = timezone.localdate().isoformat()
        if fmt == "csv":
            return _download(
                csv_bytes(headers, table), f"slips-{stamp}.csv", "text/csv; charset=utf-8"
            )
        return _download(
            xlsx_bytes(_("スケジュールの遅れ"), headers, table), f"slips-{stamp}.xlsx", XLSX
        )
    context = {"rows": rows, "query": query_without(request.GET, "format")}
    return render(request, "candidates/slips.html", context)


def _detail_context(request: AuthenticatedHttpRequest, candidate: Candidate, **extra) -> dict:
    user = request.user
    milestones = list(candidate.milestones.all())
    context = {
        "candidate": candidate,
        "milestones": milestones,
        "timeline": timeline_layout(milestones=milestones, today=timezone.localdate()),
        "transitions": list(candidate.transitions.all()),
        "progress_updates": list(candidate.progress_updates.all()),
        "history": candidate_history(candidate=candidate),
        "remarks": list(remarks_for_candidate(candidate=candidate)),
        "requests": list(requests_for_candidate(candidate=candidate)),
        "decisions": list(decisions_for_candidate(candidate=candidate)),
        "adoption": adoption_selectors.adoption_panel(candidate_id=candidate.pk),
        "opinions": consultation_selectors.candidate_opinions(candidate_id=candidate.pk),
        "can_manage": is_secretariat(user),
        "can_edit_schedule": permissions.can_edit_schedule(user, candidate),
        "responsible": permissions.responsible_ministries(candidate),
        "issues": selectors.candidate_consistency_issues(candidate=candidate),
    }
    # A draft (候補案) is selected by its round's decision, not by this form.
    if context["can_manage"] and "transition_form" not in extra and not candidate.is_draft:
        context["transition_form"] = TransitionForm(candidate=candidate)
    context.update(extra)
    return context


def _load_candidate(pk: int) -> Candidate:
    try:
        return selectors.candidate_detail(pk=pk)
    except Candidate.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@viewer_required
def candidate_show(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = _load_candidate(pk)
    return render(request, "candidates/detail.html", _detail_context(request, candidate))


@require_http_methods(["GET", "POST"])
@secretariat_required
def candidate_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        candidate = call_service(form, services.candidate_create, user=request.user, **data)
        if candidate:
            messages.success(
                request, _("候補「%(name)s」を登録しました。") % {"name": candidate.name}
            )
            return redirect(candidate)
    return render(
        request,
        "candidates/form.html",
        {"form": form, "title": _("共通化候補の登録")},
        status=_form_status(request),
    )


@require_http_methods(["GET", "POST"])
@secretariat_required
def candidate_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate, pk=pk)
    form = CandidateForm(request.POST or None, initial=CandidateForm.initial_for(candidate))
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form,
            services.candidate_update,
            user=request.user,
            candidate=candidate,
            **form.cleaned_data,
        )
        if updated:
            messages.success(request, _("候補を更新しました。"))
            return redirect(updated)
    return render(
        request,
        "candidates/form.html",
        {
            "form": form,
            "title": _("共通化候補の編集"),
            "candidate": candidate,
            **_stale(form),
        },
        status=_form_status(request),
    )


@require_POST
@secretariat_required
def transition_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = _load_candidate(pk)
    form = TransitionForm(request.POST, candidate=candidate)
    if form.is_valid() and (
        transition := call_service(
            form,
            services.candidate_transition,
            user=request.user,
            candidate=candidate,
            **form.cleaned_data,
        )
    ):
        messages.success(
            request,
            _("段階を「%(stage)s」に変更しました。") % {"stage": transition.get_to_stage_display()},
        )
        return redirect(candidate)
    messages.error(request, _("段階の変更を記録できませんでした。入力内容を確認してください。"))
    context = _detail_context(request, candidate, transition_form=form)
    return render(request, "candidates/detail.html", context, status=400)


def _schedule_guard(request: AuthenticatedHttpRequest, candidate: Candidate) -> None:
    require(
        permissions.can_edit_schedule(request.user, candidate),
        _("この候補のスケジュールを編集する権限がありません（担当府省庁のみ）。"),
    )


def _schedule_entry(
    request: AuthenticatedHttpRequest, pk: int, form_class, service, *, done, title, **form_kwargs
):
    """A page that adds to a candidate's schedule (a milestone, a progress report)."""
    candidate = get_object_or_404(Candidate.objects.select_related("lead_ministry"), pk=pk)
    _schedule_guard(request, candidate)
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(form, service, user=request.user, candidate=candidate, **data):
            messages.success(request, done)
            return redirect(candidate)
    return render(
        request,
        "candidates/form.html",
        {"form": form, "title": title, "candidate": candidate},
        status=_form_status(request),
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def milestone_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _schedule_entry(
        request,
        pk,
        MilestoneCreateForm,
        services.milestone_create,
        done=_("マイルストーンを追加しました。"),
        title=_("マイルストーンの追加"),
        can_set_baseline=is_secretariat(request.user),
    )


def _load_milestone(request: AuthenticatedHttpRequest, pk: int) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.select_related("candidate__lead_ministry").prefetch_related(
            "changes__changed_by"
        ),
        pk=pk,
    )
    return milestone


def _milestone_change(
    request: AuthenticatedHttpRequest, milestone: Milestone, form, service, *, done, title
):
    """A page that changes one milestone's dates, showing what another user saved meanwhile."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(form, service, user=request.user, milestone=milestone, **data):
            messages.success(request, done)
            return redirect(milestone.candidate)
    return render(
        request,
        "candidates/milestone_form.html",
        {
            "form": form,
            "title": title,
            "milestone": milestone,
            "candidate": milestone.candidate,
            **_stale(form),
        },
        status=_form_status(request),
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def milestone_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _load_milestone(request, pk)
    _schedule_guard(request, milestone.candidate)
    initial = {
        **stated_date_initial("planned", milestone.planned_precision, milestone.planned_date),
        "actual_date": milestone.actual_date,
        "progress_note": milestone.progress_note,
        "version": milestone.version,
    }
    return _milestone_change(
        request,
        milestone,
        MilestoneUpdateForm(request.POST or None, initial=initial),
        services.milestone_update,
        done=_("「%(name)s」を更新しました。") % {"name": milestone.label},
        title=_("マイルストーンの更新"),
    )


@require_http_methods(["GET", "POST"])
@secretariat_required
def milestone_rebaseline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _load_milestone(request, pk)
    initial = {
        **stated_date_initial("baseline", milestone.baseline_precision, milestone.baseline_date),
        "version": milestone.version,
    }
    return _milestone_change(
        request,
        milestone,
        RebaselineForm(request.POST or None, initial=initial),
        services.milestone_rebaseline,
        done=_("当初予定を変更しました。"),
        title=_("当初予定の変更"),
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def progress_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _schedule_entry(
        request,
        pk,
        ProgressUpdateForm,
        services.progress_update_create,
        done=_("進捗報告を登録しました。"),
        title=_("進捗報告の登録"),
        initial={"as_of": timezone.localdate()},
    )


@require_GET
@viewer_required
def ministry_show(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A ministry's own page, its staff's landing page after login; any reader may see it."""
    ministry = get_object_or_404(Ministry, pk=pk)
    page = ministry_page(ministry=ministry, today=timezone.localdate())
    return render(request, "candidates/ministry.html", {"page": page, "ministry": ministry})
