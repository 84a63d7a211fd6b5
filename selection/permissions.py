"""Per-object rules for selection rounds and proposals (the role rules: core/permissions.py).

- rounds and their drafts: everyone who reads the product reads them; the screening
  assessments (効果の見込み, 実現可能性) are the national side's working notes and are shown to the
  secretariat, WT members and ministries only (the local side reads drafts and outcomes);
- create rounds, add drafts, assess, decide: the secretariat;
- proposals: a local government's staff submit for their own body, an association's
  secretariat for their association; each reads only its own body's proposals. The secretariat
  and WT members read every proposal; the secretariat triages them. Nobody else reads them.
"""

from __future__ import annotations

from core.models import User
from core.permissions import (
    is_association_staff,
    is_local_government_staff,
    is_ministry_staff,
    is_secretariat,
    is_wt_member,
)
from selection.models import Proposal


def sees_assessments(user: User) -> bool:
    return is_secretariat(user) or is_wt_member(user) or is_ministry_staff(user)


def can_propose(user: User) -> bool:
    """Submits proposals for its own body: a local government's or an association's staff."""
    return is_local_government_staff(user) or is_association_staff(user)


def sees_all_proposals(user: User) -> bool:
    return is_secretariat(user) or is_wt_member(user)


def reads_proposals(user: User) -> bool:
    """Opens the proposals page: all of them, or its own body's."""
    return sees_all_proposals(user) or can_propose(user)


def can_read_proposal(user: User, proposal: Proposal) -> bool:
    if sees_all_proposals(user):
        return True
    if is_local_government_staff(user) and proposal.local_government_id is not None:
        return proposal.local_government_id == user.local_government_id
    if is_association_staff(user) and proposal.association_id is not None:
        return proposal.association_id == user.association_id
    return False
