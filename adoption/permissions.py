"""Per-object rules for adoption rows: whose answers a user may change (the role rules are
in core/permissions.py).

- the secretariat: every row;
- ministry staff: the rows of the candidates their ministry answers for;
- local-government staff: their own body's rows; a prefecture's staff with the 取りまとめ
  right also the rows of the municipalities in that prefecture;
- WT members and everyone else: none (they read).
"""

from collections.abc import Callable

from candidates.models import Candidate
from candidates.permissions import is_responsible
from core.models import User
from core.permissions import (
    is_local_government_staff,
    is_prefecture_coordinator,
    is_secretariat,
)
from municipalities.models import LocalGovernment


def adoption_editor(user: User, candidate: Candidate) -> Callable[[LocalGovernment], bool]:
    """Which bodies' rows of this candidate the user may edit, as a test decided once per
    candidate (a survey asks it for 1,788 bodies without a query each)."""
    if is_secretariat(user) or is_responsible(user, candidate):
        return lambda body: True
    if is_prefecture_coordinator(user):
        own = user.local_government_id
        return lambda body: body.pk == own or body.prefecture_id == own
    if is_local_government_staff(user):
        own = user.local_government_id
        return lambda body: body.pk == own
    return lambda body: False


def can_edit_adoption(user: User, candidate: Candidate, local_government: LocalGovernment) -> bool:
    return adoption_editor(user, candidate)(local_government)


def can_edit_any_adoption(user: User, candidate: Candidate) -> bool:
    """Whether the user answers for at least one body of this candidate (may upload a survey)."""
    return (
        is_secretariat(user) or is_responsible(user, candidate) or is_local_government_staff(user)
    )


def own_prefecture(user: User) -> LocalGovernment | None:
    """The prefecture a coordinator collects answers for (its survey sheet's default)."""
    return user.local_government if is_prefecture_coordinator(user) else None
