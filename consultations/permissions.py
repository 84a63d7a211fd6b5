"""Per-object rules for consultations (the role rules are in core/permissions.py).

- open and close consultations: the secretariat;
- answer: a local government's staff for their own body when it is addressed; a prefecture's
  staff with the 取りまとめ right also for the addressed municipalities of their prefecture
  when the consultation goes through prefectures (都道府県経由); an association's secretariat
  (関係団体事務局) for their association when it is addressed. Nobody else, not even the
  secretariat: nobody reads or writes another body's unsubmitted draft;
- respond to opinions (対応): the secretariat, and for a promotion-policy draft also the
  staff of the candidate's responsible ministries;
- read consultations and submitted opinions: everyone who reads the product.
"""

from __future__ import annotations

from candidates.permissions import is_responsible
from consultations.models import Consultation, SubjectKind
from core.models import User
from core.permissions import (
    is_association_staff,
    is_local_government_staff,
    is_prefecture_coordinator,
    is_secretariat,
)
from municipalities.models import Association, Kind, LocalGovernment


def is_addressed(consultation: Consultation, body: LocalGovernment) -> bool:
    """Whether the consultation asks this body (a ward never answers: its city does)."""
    if body.kind == Kind.WARD:
        return False
    if consultation.to_all_local_governments or body.kind in consultation.to_kinds:
        return True
    prefecture_ids = {p.pk for p in consultation.to_prefectures.all()}
    return body.pk in prefecture_ids or body.prefecture_id in prefecture_ids


def is_addressed_association(consultation: Consultation, association: Association) -> bool:
    return any(a.pk == association.pk for a in consultation.to_associations.all())


def answers_for_body(user: User, consultation: Consultation, body: LocalGovernment) -> bool:
    """Whether the user writes (and reads the draft of) this body's answer."""
    if not is_addressed(consultation, body) or not is_local_government_staff(user):
        return False
    if body.pk == user.local_government_id:
        return True
    return (
        consultation.through_prefectures
        and is_prefecture_coordinator(user)
        and body.prefecture_id == user.local_government_id
    )


def answers_for_association(
    user: User, consultation: Consultation, association: Association
) -> bool:
    return (
        is_association_staff(user)
        and association.pk == user.association_id
        and is_addressed_association(consultation, association)
    )


def collects_for(user: User, consultation: Consultation) -> LocalGovernment | None:
    """The prefecture whose municipalities' answers the user collects in this consultation."""
    if consultation.through_prefectures and is_prefecture_coordinator(user):
        return user.local_government
    return None


def can_manage(user: User) -> bool:
    return is_secretariat(user)


def can_respond(user: User, consultation: Consultation) -> bool:
    """The secretariat; for a promotion-policy draft also its candidate's ministries."""
    if is_secretariat(user):
        return True
    if consultation.subject_kind != SubjectKind.POLICY_DRAFT:
        return False
    return any(is_responsible(user, candidate) for candidate in consultation.candidates.all())


def bulk_respondent(user: User, consultation: Consultation) -> LocalGovernment | Association | None:
    """Whose answer sheet (一括回答票) the user downloads and uploads: a coordinating
    prefecture's (its own and its municipalities' answers) when the consultation goes through
    prefectures, or the user's association when it is asked; None for anyone else."""
    prefecture = collects_for(user, consultation)
    if prefecture is not None:
        return prefecture
    association = user.association if user.association_id else None
    if association is not None and answers_for_association(user, consultation, association):
        return association
    return None
