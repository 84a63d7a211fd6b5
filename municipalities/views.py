from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from adoption import selectors as adoption_selectors
from bodies.selectors import organisation_seats
from core.http import AuthenticatedHttpRequest
from core.permissions import can_view
from core.query_params import query_without
from hearings.selectors import meetings_of_local_government
from municipalities.codes import is_valid_code
from municipalities.filters import LocalGovernmentFilter
from municipalities.models import Association, LocalGovernment
from municipalities.selectors import (
    association_list,
    local_government_detail,
    local_government_list,
)

PAGE_SIZE = 50
ANSWERS_PAGE_SIZE = 100


@require_GET
def local_government_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = LocalGovernmentFilter(request.GET, queryset=local_government_list())
    queryset = filterset.qs if filterset.is_valid() else LocalGovernment.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "municipalities/list.html",
        {"filter": filterset, "page": page, "query": query_without(request.GET, "page")},
    )


@require_GET
def local_government_show(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    if not is_valid_code(code):
        raise Http404  # not a 団体コード (and never a NUL byte sent on to the database)
    try:
        local_government = local_government_detail(code=code)
    except LocalGovernment.DoesNotExist as exc:
        raise Http404 from exc
    context = {"lg": local_government, "wards": local_government.wards.order_by("code")}
    # Candidates and meetings are for the product's roles; a bare login sees master data only.
    if can_view(request.user):
        context.update(_participation(request, local_government))
    return render(request, "municipalities/detail.html", context)


def _participation(request: AuthenticatedHttpRequest, local_government: LocalGovernment) -> dict:
    """Its answer about every candidate (a page of them), and the meetings it took part in."""
    meetings = meetings_of_local_government(local_government=local_government)
    context = {
        "meetings": meetings,
        "wt_meetings": [m for m in meetings if m.as_wt_member],
        "adopts": adoption_selectors.is_adopter(local_government),
        "seats": organisation_seats(today=timezone.localdate(), local_government=local_government),
    }
    if context["adopts"]:
        page = Paginator(adoption_selectors.candidates_for_body_page(), ANSWERS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["page"] = page
        context["answers"] = adoption_selectors.candidate_answers_of_body(
            local_government=local_government, candidates=page
        )
        context["query"] = ""
    return context


@require_GET
def association_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "municipalities/association_list.html", {"associations": association_list()}
    )


@require_GET
def association_show(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    association = get_object_or_404(Association, slug=slug)
    members = association.members.select_related("prefecture").order_by("code")
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"association": association, "page": page, "query": ""}
    # Seats and meetings are for the product's roles; a bare login sees master data only.
    if can_view(request.user):
        context["seats"] = organisation_seats(today=timezone.localdate(), association=association)
    return render(request, "municipalities/association_detail.html", context)
