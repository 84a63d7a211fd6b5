"""The audit trail: recording attempted writes (AuditMiddleware calls this) and reading it."""

from __future__ import annotations

import logging

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from core.models import AuditEvent, AuditOutcome

logger = logging.getLogger(__name__)
NOT_AUDITED = {"set_language"}
OBJECT_KWARGS = ("pk", "code", "slug")


def _outcome(request: HttpRequest, response: HttpResponse) -> str:
    status = response.status_code
    if status >= 500:
        return AuditOutcome.FAILED
    if status in (401, 403, 404, 405) or (
        status == 302 and "/login/?next=" in response.get("Location", "")
    ):
        return AuditOutcome.REFUSED
    if status == 400:
        return AuditOutcome.INVALID
    return AuditOutcome.DONE


def _signed_in(request: HttpRequest) -> bool:
    return getattr(request, "user", None) is not None and request.user.is_authenticated


def _object_id(request: HttpRequest, response: HttpResponse) -> str:
    match = request.resolver_match
    kwargs = match.kwargs if match else {}
    for name in OBJECT_KWARGS:
        if name in kwargs:
            return str(kwargs[name])
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location.startswith("/"):
        try:
            created = resolve(location.split("?")[0])
        except Resolver404:
            return ""
        return str(created.kwargs.get("pk", ""))
    return ""


def audit_record(*, request: HttpRequest, response: HttpResponse, actor=None) -> AuditEvent | None:
    """Save the event for one write request by actor (None: anonymous); an audit failure is
    logged, never shown."""
    match = request.resolver_match
    action = match.view_name if match else "unknown"
    if action in NOT_AUDITED:
        return None
    user = actor
    username = user.username if user else ""
    outcome = _outcome(request, response)
    if action == "login":
        user = request.user if _signed_in(request) else None
        username = request.POST.get("username", "")[:150]
        outcome = AuditOutcome.DONE if user else AuditOutcome.REFUSED
    try:
        return AuditEvent.objects.create(
            user_id=user.pk if user else None,
            username=username,
            roles=",".join(sorted(user.role_names)) if user else "",
            method=(request.method or "")[:10],
            path=request.path[:500],
            action=action[:100],
            object_id=_object_id(request, response)[:50],
            outcome=outcome,
            status_code=response.status_code,
            remote_addr=request.META.get("REMOTE_ADDR") or None,
        )
    except Exception:  # noqa: BLE001 - the audit must not turn a done write into an error page
        logger.exception("could not record the audit event for %s %s", request.method, request.path)
        return None


def audit_events(*, username: str = "", outcome: str = "", action: str = "") -> QuerySet:
    """The trail, newest first, filtered as the secretariat's audit page asks."""
    events = AuditEvent.objects.all()
    if username:
        events = events.filter(username__contains=username[:150])
    if outcome:
        events = events.filter(outcome=outcome)
    if action:
        events = events.filter(action__contains=action[:100])
    return events
