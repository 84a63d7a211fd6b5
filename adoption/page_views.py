"""HTTP for adoption pages: the overview across candidates and a prefecture's bodies."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from adoption import selectors
from adoption.filters import OverviewFilterForm
from candidates import selectors as candidate_selectors
from candidates.models import Candidate
from core.permissions import viewer_required
from core.spreadsheets import csv_bytes, xlsx_bytes
from municipalities.codes import is_valid_code
from municipalities.models import LocalGovernment

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.adoption_overview(candidates=page, bodies=bodies),
        "statuses": selectors.status_labels(),
        "query": query.urlencode(),
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
        {"candidate": candidate, "prefecture": prefecture, "answers": answers},
    )
