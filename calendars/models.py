"""A user's calendar feed: the secret that opens their iCalendar URLs.

Calendar clients (Outlook, Google Calendar) cannot log in, so the URL itself is the credential.
Only a SHA-256 digest of the token is stored: a copy of the database opens no feed. The token
has 256 random bits, so the digest needs no salt or slow hash to resist guessing.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """The one feed token of a user (hashed); resetting it replaces the hash."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("発行日時"))

    class Meta:
        verbose_name = _("カレンダー連携")
        verbose_name_plural = _("カレンダー連携")

    def __str__(self) -> str:
        return str(self.user)
