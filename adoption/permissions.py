"""Per-object rules for adoption rows: whose answers a user may change (role rules are in
core/permissions.py)."""

from collections.abc import Callable

from candidates import permissions as candidate_permissions
from candidates.models import Candidate
from core.models import User
from municipalities.models import LocalGovernment


def adoption_editor(user: User, candidate: Candidate) -> Callable[[LocalGovernment], bool]:
    """Which bodies' rows of this candidate the user may edit, as a test decided once per
    candidate (a survey asks it for 1,788 bodies without a query each)."""
    if candidate_permissions.can_edit_schedule(user, candidate):
        return lambda body: True
    return lambda body: False


def can_edit_adoption(user: User, candidate: Candidate, local_government: LocalGovernment) -> bool:
    """The secretariat, and ministry staff of the candidate's ministries."""
    return adoption_editor(user, candidate)(local_government)
