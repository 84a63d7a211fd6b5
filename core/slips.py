"""The slip rule (スケジュールの後ろ倒し), shared by milestones and adoption plans.

The WT (9th meeting, 2026-02-04) asked that every move of a schedule to a later time come
with its reason explained, or with matching added value (見合った付加価値): either one is
accepted, as the help texts say, and both are kept. Clearing a value that was set counts as
later.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from django.utils.translation import gettext as _


class _Ordered(Protocol):
    def __lt__(self, other, /) -> bool: ...


T = TypeVar("T", bound=_Ordered)


def is_later(old: T | None, new: T | None) -> bool:
    """Moving a value later, or clearing one that was set, is a slip that needs a reason."""
    return old is not None and (new is None or old < new)


def slip_reason_errors(*, later: bool, reason: str, added_value: str = "") -> list[str]:
    """The message a later move with neither a reason nor added value gets (empty when
    nothing is missing)."""
    if later and not reason.strip() and not added_value.strip():
        return [
            _(
                "予定を後ろ倒しにする場合は、理由又は見合った付加価値を記入してください"
                "（スケジュールの後ろ倒しには理由の説明又は見合った付加価値が求められます）。"
            )
        ]
    return []
