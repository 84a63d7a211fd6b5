"""Writes of API tokens: issuing (or reissuing) a user's token, and revoking it."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from calendars.models import token_digest
from core.models import User
from core.permissions import VIEWER_ONLY, can_view, require


@transaction.atomic
def api_token_reset(*, user: User) -> str:
    """Give the user a new API token, which stops the old one at once; return the token (only
    its digest is stored, so this is the only time it can be shown)."""
    require(can_view(user), VIEWER_ONLY)
    token = secrets.token_urlsafe(32)
    ApiToken.objects.update_or_create(
        user=user, defaults={"token_hash": token_digest(token), "created_at": timezone.now()}
    )
    return token


@transaction.atomic
def api_token_revoke(*, user: User) -> bool:
    """Stop the user's API token: it answers 401 until a new one is issued. False if the user
    had none."""
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return bool(deleted)
