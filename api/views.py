"""HTTP for API tokens: the page where a user issues or reissues theirs (shown once), or
revokes it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from api.models import ApiToken
from api.services import api_token_reset, api_token_revoke
from core.http import AuthenticatedHttpRequest
from core.permissions import viewer_required


def _token_page(request: AuthenticatedHttpRequest, *, token: str = "") -> HttpResponse:
    context = {
        "issued": ApiToken.objects.filter(user=request.user).first(),
        "token": token,
        "docs_url": reverse("api_v1:openapi-view"),
        "schema_url": reverse("api_v1:openapi-json"),
    }
    return render(request, "api/token.html", context)


@require_GET
@viewer_required
def token_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _token_page(request)


@never_cache  # the answer shows the secret token: no cache keeps it
@require_POST
@viewer_required
def token_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _token_page(request, token=api_token_reset(user=request.user))


@require_POST
@viewer_required
def token_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    if api_token_revoke(user=request.user):
        messages.success(
            request, _("APIトークンを無効にしました。これまでのトークンは使えません。")
        )
    return redirect("api:token")
