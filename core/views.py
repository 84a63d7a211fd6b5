from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from candidates import permissions as candidate_permissions
from municipalities.selectors import master_data_counts


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for anyone with a role; a plain welcome (and whom to ask) otherwise."""
    if candidate_permissions.can_view(request.user):
        return redirect("candidates:dashboard")
    return render(request, "core/home.html", {"counts": master_data_counts()})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for compose and load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "database unavailable"}, status=503)
