"""Reads of notices: the secretariat's log."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.query_params import query_text
from notifications.models import Notice


def notice_log(*, q: str = "", kind: str = "", status: str = "") -> QuerySet[Notice]:
    """Every notice, newest first, with its recipient: filtered by words in the address, the
    recipient's name or the subject, and by kind and status."""
    notices = Notice.objects.select_related("recipient").defer("body")
    text = query_text(q, max_length=200)
    if text:
        notices = notices.filter(
            Q(to_email__icontains=text)
            | Q(subject__icontains=text)
            | Q(recipient__username__icontains=text)
            | Q(recipient__display_name__icontains=text)
        )
    if kind:
        notices = notices.filter(kind=kind)
    if status:
        notices = notices.filter(status=status)
    return notices.order_by("-created_at", "-pk")
