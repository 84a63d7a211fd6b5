"""HTTP for adoption: the overview across candidates, a prefecture's bodies, one body's answer
(form and history) and the survey round trip."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from adoption import permissions, selectors, services, survey, tilemap
from adoption.filters import OverviewFilterForm
from adoption.forms import AdoptionForm
from adoption.models import Status
from candidates import selectors as candidate_selectors
from candidates.models import Candidate
from core.concurrency import ConcurrentEditError
from core.http import AuthenticatedHttpRequest
from core.permissions import require, viewer_required
from core.query_params import query_without
from core.sheet_upload import sheet_upload
from core.spreadsheets import csv_bytes, xlsx_bytes
from municipalities.codes import is_valid_code
from municipalities.models import Kind, LocalGovernment

NOT_YOURS = gettext_lazy("この団体の利用状況を編集する権限がありません。")
NO_SURVEY = gettext_lazy("この候補の利用意向調査を取り込む権限がありません。")
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _candidate(pk: int) -> Candidate:
    try:
        return selectors.candidate_for_adoption(pk=pk)
    except Candidate.DoesNotExist as exc:
        raise Http404 from exc


def _body(code: str) -> LocalGovernment:
    try:
        return selectors.local_government_by_code(code=code)
    except LocalGovernment.DoesNotExist as exc:
        raise Http404 from exc


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@viewer_required
def overview(request: HttpRequest) -> HttpResponse:
    form = OverviewFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    bodies = form.bodies() if form.is_bound and valid else None
    candidates = candidate_selectors.candidate_rows() if valid else Candidate.objects.none()
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        rows = selectors.adoption_overview(candidates=candidates, bodies=bodies)
        headers, table = selectors.overview_table(rows)
        stamp = timezone.localdate().isoformat()
        if fmt == "csv":
            return _download(
                csv_bytes(headers, table), f"adoption-{stamp}.csv", "text/csv; charset=utf-8"
            )
        return _download(xlsx_bytes(_("利用状況"), headers, table), f"adoption-{stamp}.xlsx", XLSX)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": selectors.adoption_overview(candidates=page, bodies=bodies),
        "statuses": selectors.status_labels(),
        "query": query_without(request.GET, "page", "format"),
    }
    return render(request, "adoption/overview.html", context, status=200 if valid else 400)


@require_GET
@viewer_required
def prefecture(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    if not is_valid_code(code):
        raise Http404
    try:
        candidate = Candidate.objects.select_related("lead_ministry").get(pk=pk)
        prefecture, answers = selectors.prefecture_bodies(candidate=candidate, prefecture_code=code)
    except (Candidate.DoesNotExist, LocalGovernment.DoesNotExist) as exc:
        raise Http404 from exc
    return render(
        request,
        "adoption/prefecture.html",
        {
            "candidate": candidate,
            "prefecture": prefecture,
            "prefecture_label": tilemap.prefecture_label(
                prefecture.code, prefecture.name, get_language()
            ),
            "answers": answers,
        },
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def adoption_edit(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """One body's answer about one candidate: the form, and every earlier change below it."""
    candidate, body = _candidate(pk), _body(code)
    require(permissions.can_edit_adoption(request.user, candidate, body), NOT_YOURS)
    adoption = selectors.adoption_of(candidate=candidate, local_government=body)
    form = AdoptionForm(request.POST or None, initial=AdoptionForm.initial_for(adoption))
    is_ward = body.kind == Kind.WARD  # a ward does not answer: its city does
    if not is_ward and request.method == "POST" and form.is_valid():
        try:
            services.adoption_update(
                user=request.user,
                candidate=candidate,
                local_government=body,
                version=form.cleaned_data["version"],
                values=form.values(),
                change_reason=form.cleaned_data["change_reason"],
                added_value=form.cleaned_data["added_value"],
            )
        except ConcurrentEditError as exc:
            form.add_error(None, exc)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(
                request,
                _("%(body)sの「%(candidate)s」の利用状況を保存しました。")
                % {"body": body.qualified_name, "candidate": candidate.name},
            )
            return redirect("adoption:edit", pk=candidate.pk, code=body.code)
    return render(
        request,
        "adoption/edit.html",
        {
            "candidate": candidate,
            "body": body,
            "adoption": adoption,
            "form": None if is_ward else form,
            "ward_message": services.ward_error(body) if is_ward else "",
            "changes": selectors.adoption_changes(adoption=adoption),
        },
        status=400 if request.method == "POST" else 200,
    )


def _survey_prefecture(request: AuthenticatedHttpRequest) -> LocalGovernment | None:
    code = request.GET.get("prefecture", "")
    if not code:
        return permissions.own_prefecture(request.user)
    if code == "all":
        return None
    return selectors.prefectures().filter(code=code).first()


@require_GET
@viewer_required
def survey_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The survey sheet (.xlsx) of a candidate, for one prefecture or the whole country."""
    candidate = _candidate(pk)
    prefecture = _survey_prefecture(request)
    data = survey.survey_sheet(candidate=candidate, prefecture=prefecture)
    name = f"adoption-survey-{candidate.pk}-{prefecture.code[:2] if prefecture else 'all'}.xlsx"
    return _download(data, name, XLSX)


@require_http_methods(["GET", "POST"])
@viewer_required
def survey_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a survey file: a preview of every change first; nothing is saved until the
    person confirms, and then only if no row has an error."""
    candidate = _candidate(pk)
    require(permissions.can_edit_any_adoption(request.user, candidate), NO_SURVEY)
    context = {
        "candidate": candidate,
        "prefectures": selectors.prefectures(),
        "own_prefecture": permissions.own_prefecture(request.user),
        "statuses": Status,
    }
    form, upload = sheet_upload(request)
    if upload is not None and upload.confirmed:
        result = survey.survey_apply(user=request.user, candidate=candidate, data=upload.data)
        if result.applied:
            messages.success(
                request,
                _("調査票の%(n)s団体分の変更を保存しました。") % {"n": len(result.changes)},
            )
            return redirect("adoption:survey", pk=candidate.pk)
        return render(
            request,
            "adoption/survey.html",
            {**context, "form": form, "result": result, "content": upload.content},
            status=400,
        )
    if upload is not None:
        result = survey.survey_read(user=request.user, candidate=candidate, data=upload.data)
        return render(
            request,
            "adoption/survey.html",
            {
                **context,
                "form": form,
                "result": result,
                "content": upload.content,
                "file_name": upload.file_name,
            },
        )
    return render(
        request,
        "adoption/survey.html",
        {**context, "form": form, "result": None},
        status=400 if request.method == "POST" else 200,
    )
