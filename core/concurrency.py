"""Optimistic concurrency: a stale edit is refused, never silently saved over another's.

Each editable row carries a `version` that a service increments on every save. A form sends the
version it was loaded with; the service locks the row (select_for_update), compares with
`check_version` and raises ConcurrentEditError, carrying what the other person saved, so the
page can show it beside the refused edit (`core.forms.call_service`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

STALE = _(
    "この項目は読み込んだ後に他の人が更新しました。最新の内容を確認してから、"
    "もう一度保存してください。"
)


class ConcurrentEditError(ValidationError):
    """Someone else saved this record since it was loaded; `current` is what they saved."""

    def __init__(self, current, message=STALE):
        super().__init__(message, code="stale")
        self.current = current


def check_version(current, version: int | None, message=STALE) -> None:
    """Refuse the edit when the form's `version` is not the locked row's (None: no check)."""
    if version is not None and current.version != version:
        raise ConcurrentEditError(current, message)
