"""HTTP for notices: each user's preferences, and the secretariat's log of what was sent."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import call_service
from core.http import AuthenticatedHttpRequest
from core.permissions import secretariat_required, viewer_required
from core.query_params import query_without
from notifications import selectors, services
from notifications.forms import NoticeLogFilter, PreferencesForm

LOG_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@viewer_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    offered = services.kinds_for(request.user)
    current = services.preference_of(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, offered=offered)
        if form.is_valid():
            call_service(
                form,
                services.preferences_save,
                user=request.user,
                enabled_kinds=form.cleaned_data["kinds"],
                language=form.cleaned_data["language"],
            )
            if not form.errors:
                messages.success(request, _("通知の設定を保存しました。"))
                return redirect("notifications:preferences")
        status = 400
    else:
        form = PreferencesForm(
            initial={
                "kinds": [k.value for k in offered if k.value not in current.disabled_kinds],
                "language": current.language,
            },
            offered=offered,
        )
        status = 200
    context = {"form": form, "offered": offered, "email": request.user.email}
    return render(request, "notifications/preferences.html", context, status=status)


@require_GET
@secretariat_required(message=gettext_lazy("メール通知の記録を見られるのは事務局のみです。"))
def notice_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who was sent what, when, and whether it went (sent, failed with its error, pending)."""
    form = NoticeLogFilter(request.GET)
    form.is_valid()  # a field that does not parse is left out of cleaned_data: no filter
    filters = {name: form.cleaned_data.get(name) or "" for name in ("q", "kind", "status")}
    page = Paginator(selectors.notice_log(**filters), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/log.html",
        {"form": form, "page": page, "query": query_without(request.GET, "page")},
    )
