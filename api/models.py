"""A user's API token: the secret a program sends as `Authorization: Bearer <token>`.

As with calendar feeds (calendars/models.py), only a SHA-256 digest is stored: a copy of the
database opens no API. The token has 256 random bits, so the digest needs no salt or slow hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """The one API token of a user (hashed); resetting it replaces the hash."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="api_token",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("発行日時"))

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")

    def __str__(self) -> str:
        return str(self.user)
