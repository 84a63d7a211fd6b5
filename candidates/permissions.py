"""Per-object rules for candidates: which ministry answers for which candidate.

The role rules (who reads, who is the secretariat) are in core/permissions.py; these build on
them. Views, forms and services all ask these functions; none of them re-implements a rule.
"""

from django.db.models import Q, QuerySet

from candidates.models import Candidate, Ministry
from core.models import User
from core.permissions import is_ministry_staff, is_secretariat


def responsible_ministries(candidate: Candidate) -> list[Ministry]:
    return [candidate.lead_ministry, *candidate.co_ministries.all()]


def is_responsible(user: User, candidate: Candidate) -> bool:
    """Ministry staff of the lead or a co-responsible ministry; staff of a ministry without a
    bureau also answer for its bureaus (国土交通省 covers 国土交通省道路局)."""
    own = user.ministry if is_ministry_staff(user) else None
    if own is None:
        return False
    for ministry in responsible_ministries(candidate):
        if ministry.pk == own.pk or (not own.bureau and ministry.name == own.name):
            return True
    return False


def responsible_for(user: User) -> QuerySet[Ministry]:
    """The ministries whose candidates the user answers for (is_responsible's rule)."""
    own = user.ministry if is_ministry_staff(user) else None
    if own is None:
        return Ministry.objects.none()
    return Ministry.objects.filter(
        Q(pk=own.pk) | Q(name=own.name) if not own.bureau else Q(pk=own.pk)
    )


def can_edit_schedule(user: User, candidate: Candidate) -> bool:
    """Edit planned/actual dates, progress notes and progress updates of a candidate."""
    return is_secretariat(user) or is_responsible(user, candidate)
