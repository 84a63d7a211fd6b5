"""HTTP for council reports: request (secretariat), list and status (all roles), download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from candidates import reports, selectors
from candidates.forms import ReportRequestForm
from candidates.models import CouncilReport, ReportStatus
from core.http import AuthenticatedHttpRequest
from core.permissions import is_secretariat, require, secretariat_required, viewer_required


@require_http_methods(["GET", "POST"])
@viewer_required
def report_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    can_request = is_secretariat(request.user)
    form = ReportRequestForm(request.POST or None, initial={"as_of": timezone.localdate()})
    if request.method == "POST":
        require(can_request, _("報告書の作成を依頼できるのは事務局のみです。"))
        if form.is_valid():
            try:
                report = reports.report_request(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                report.refresh_from_db()
                if report.status == ReportStatus.DONE:
                    messages.success(request, _("報告書を作成しました。"))
                else:
                    messages.info(
                        request,
                        _("報告書の作成を受け付けました。作成が終わるとこの画面に表示されます。"),
                    )
                return redirect("candidates:reports")
    return render(
        request,
        "candidates/reports.html",
        {"form": form, "reports": selectors.council_reports(), "can_request": can_request},
        status=400 if request.method == "POST" else 200,
    )


def _report(pk: int) -> CouncilReport:
    try:
        return selectors.council_report(pk=pk)
    except CouncilReport.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@viewer_required
def report_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One row of the report list, polled by htmx while the report is being made."""
    report = _report(pk)
    return render(
        request,
        "candidates/_report_row.html",
        {"report": report, "can_request": is_secretariat(request.user)},
    )


@require_http_methods(["GET", "POST"])
@secretariat_required(message=_lazy("報告書を削除できるのは事務局のみです。"))
def report_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A confirmation page; POST deletes the report and its file."""
    report = _report(pk)
    refused = ""
    if request.method == "POST":
        try:
            reports.report_delete(user=request.user, report=report)
        except ValidationError as exc:
            refused = exc.messages[0]
        else:
            messages.success(request, _("報告書を削除しました。"))
            return redirect("candidates:reports")
    return render(
        request,
        "candidates/report_delete.html",
        {"report": report, "refused": refused},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@viewer_required
def report_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(CouncilReport, pk=pk, status=ReportStatus.DONE)
    if not reports.report_exists(report):
        raise Http404
    return FileResponse(
        reports.report_open(report),
        as_attachment=True,
        filename=report.file_name,
        content_type="application/pdf",
    )
