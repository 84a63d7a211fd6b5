import sys

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core import health
from core.audit import ACTION_LABELS, action_choices, audit_events
from core.http import AuthenticatedHttpRequest
from core.models import AuditOutcome
from core.permissions import can_view, is_ministry_staff, secretariat_required, viewer_required
from core.query_params import query_text, query_without
from municipalities.selectors import master_data_counts


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A ministry's staff land on their ministry's page; anyone else with a role on the
    dashboard; a plain welcome (and whom to ask) otherwise."""
    if is_ministry_staff(request.user) and request.user.ministry_id is not None:
        return redirect("candidates:ministry", pk=request.user.ministry_id)
    if can_view(request.user):
        return redirect("candidates:dashboard")
    return render(request, "core/home.html", {"counts": master_data_counts()})


@require_GET
@viewer_required
def settings_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own settings in one place (e-mail notices, calendar feeds, API token): one
    link in the header instead of three."""
    return render(request, "core/settings.html")


@require_GET
@secretariat_required
def secretariat_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The secretariat's own tools, one menu item: the consistency check, the audit trail and
    the e-mail notice log."""
    return render(request, "core/secretariat.html")


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker reachability, for compose healthchecks and load balancers.

    503 with the failing part named when either is down, so a container is taken out of
    rotation before users meet the error. Without a broker (embedded mode) tasks run in-process.
    """
    parts = {"database": health.database_status(), "broker": health.broker_status()}
    healthy = all(status in health.HEALTHY for status in parts.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **parts}, status=200 if healthy else 503
    )


@require_GET
@secretariat_required(message=_("操作記録を見られるのは事務局のみです。"))
def audit_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The audit trail for the secretariat: every write attempt, newest first, filterable."""
    outcome = request.GET.get("outcome", "")
    if outcome not in AuditOutcome.values:
        outcome = ""
    action = request.GET.get("action", "")
    if action not in ACTION_LABELS:
        action = ""
    filters = {
        "username": query_text(request.GET.get("username", ""), max_length=150),
        "outcome": outcome,
        "action": action,
    }
    page = Paginator(audit_events(**filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit.html",
        {
            "page": page,
            "filters": filters,
            "outcomes": AuditOutcome.choices,
            "actions": action_choices(),
            "query": query_without(request.GET, "page"),
        },
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that is down or restarting is a calm 503 (try again shortly);
    anything else the plain bilingual 500 page. Neither page touches the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": "10"})
    return HttpResponseServerError(render_to_string("500.html"))
