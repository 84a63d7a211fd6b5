"""Who is calling the API: a per-user Bearer token, the read rule of the pages, a rate limit.

- A missing, unknown or reset token, or a deactivated user: 401 (ninja's AuthenticationError).
- A user who reads nothing of the product (no role): 403, the pages' own refusal.
- More than settings.API_RATE_LIMIT requests in a clock minute with one token: 429 with
  Retry-After (the seconds left in that minute). A fixed window counted in Django's "shared"
  cache (Redis in production: settings.CACHES), so every gunicorn worker and host counts the
  same requests; add + incr are atomic there. A burst can straddle two windows (twice the limit
  at most), which is enough to stop a runaway script without a store of its own. A cache that
  cannot be reached lets the request through (logged): reading must not fail with the counter.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from ninja.security import HttpBearer

from api.models import ApiToken
from calendars.models import token_digest
from core.models import User
from core.permissions import VIEWER_ONLY, can_view

WINDOW_SECONDS = 60
RATE_CACHE = "shared"
logger = logging.getLogger(__name__)


class Forbidden(Exception):
    """A valid token of a user who reads nothing of the product: 403 with the pages' message
    (api.endpoints answers it in Japanese and English)."""

    message = VIEWER_ONLY


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def token_owner(token: str) -> tuple[User, str] | None:
    """The active user this token belongs to, with the token's digest; None if none."""
    digest = token_digest(token)
    found = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=digest, user__is_active=True)
        .first()
    )
    return (found.user, digest) if found else None


def count_request(digest: str, *, now: float | None = None) -> None:
    """Count one request of this token in the current minute; RateLimited past the limit."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{digest}:{window}"
    cache = caches[RATE_CACHE]
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
            count = 1
    except Exception:  # noqa: BLE001 - the cache server is away: do not refuse the reader
        logger.warning("API rate limit not counted: the shared cache is unavailable")
        return
    if count > settings.API_RATE_LIMIT:
        raise RateLimited(WINDOW_SECONDS - int(now % WINDOW_SECONDS))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        owner = token_owner(token)
        if owner is None:
            return None
        user, digest = owner
        count_request(digest)
        if not can_view(user):
            raise Forbidden
        request.user = user
        return user
