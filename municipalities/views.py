from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.http import AuthenticatedHttpRequest
from municipalities.codes import is_valid_code
from municipalities.filters import LocalGovernmentFilter
from municipalities.models import Association, LocalGovernment
from municipalities.selectors import (
    association_list,
    local_government_detail,
    local_government_list,
)

PAGE_SIZE = 50


@require_GET
def local_government_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = LocalGovernmentFilter(request.GET, queryset=local_government_list())
    queryset = filterset.qs if filterset.is_valid() else LocalGovernment.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "municipalities/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@require_GET
def local_government_show(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    if not is_valid_code(code):
        raise Http404  # not a 団体コード (and never a NUL byte sent on to the database)
    try:
        local_government = local_government_detail(code=code)
    except LocalGovernment.DoesNotExist as exc:
        raise Http404 from exc
    wards = local_government.wards.order_by("code")
    return render(
        request,
        "municipalities/detail.html",
        {"lg": local_government, "wards": wards},
    )


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
    return render(
        request,
        "municipalities/association_detail.html",
        {"association": association, "page": page, "query": ""},
    )
