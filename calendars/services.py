"""Writes of calendar feeds: issuing (or reissuing) a user's secret token, and stopping it."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from calendars.models import CalendarFeed, token_digest
from core.models import User
from core.permissions import VIEWER_ONLY, can_view, require


@transaction.atomic
def feed_token_reset(*, user: User) -> str:
    """Give the user a new feed token, which stops the old one at once; return the token (it
    is not stored, only its digest, so this is the only time it can be shown)."""
    require(can_view(user), VIEWER_ONLY)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": token_digest(token), "created_at": timezone.now()}
    )
    return token


@transaction.atomic
def feed_token_revoke(*, user: User) -> None:
    """Stop the user's feed: its URLs answer 404 until a new token is issued."""
    CalendarFeed.objects.filter(user=user).delete()
