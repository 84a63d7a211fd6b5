"""Reads of selection rounds and proposals, scoped by who asks."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from candidates.lifecycle import Stage
from candidates.models import Candidate
from consultations.models import Consultation, SubjectKind
from core.models import User
from core.permissions import is_association_staff, is_local_government_staff
from hearings.models import Meeting, MeetingKind
from selection import permissions
from selection.models import Outcome, Proposal, ProposalStatus, RoundDraft, SelectionRound


def round_list() -> QuerySet[SelectionRound]:
    """Rounds, newest year first, with how many drafts each has and how many were selected."""
    # An aggregate query does not take Meta.ordering: the order is said here.
    return (
        SelectionRound.objects.select_related("meeting")
        .annotate(
            draft_count=Count("drafts"),
            selected_count=Count("drafts", filter=Q(drafts__outcome=Outcome.SELECTED)),
            pending_count=Count("drafts", filter=Q(drafts__outcome=Outcome.PENDING)),
        )
        .order_by("-fiscal_year")
    )


def round_get(*, pk: int) -> SelectionRound:
    drafts = RoundDraft.objects.select_related("candidate__lead_ministry").prefetch_related(
        Prefetch("candidate__proposals", queryset=Proposal.objects.order_by("pk"))
    )
    return (
        SelectionRound.objects.select_related("meeting", "decided_by")
        .prefetch_related(Prefetch("drafts", queryset=drafts))
        .get(pk=pk)
    )


def round_draft_get(*, pk: int) -> RoundDraft:
    return RoundDraft.objects.select_related("round", "candidate__lead_ministry").get(pk=pk)


def open_rounds() -> QuerySet[SelectionRound]:
    """Rounds not yet decided: where a proposal may become a draft."""
    return SelectionRound.objects.filter(decided_on__isnull=True)


def carried_drafts(*, selection_round: SelectionRound) -> QuerySet[Candidate]:
    """Drafts (deferred in an earlier round) that this round does not hold yet."""
    return (
        Candidate.objects.filter(stage=Stage.DRAFT)
        .exclude(round_entries__round=selection_round)
        .order_by("name")
        .only("pk", "name")
    )


def merge_targets() -> QuerySet[Candidate]:
    """Every draft and candidate a proposal may be merged into, by name."""
    return Candidate.objects.order_by("name").only("pk", "name", "stage")


def council_meetings() -> QuerySet[Meeting]:
    """The council's meetings (連絡協議会), newest first: where a round may be decided."""
    return Meeting.objects.filter(kind=MeetingKind.COUNCIL).order_by("-date")


def round_consultations(*, selection_round: SelectionRound) -> list[Consultation]:
    """The consultations (意見照会) on a draft list holding any of the round's drafts: a round's
    draft list is consulted on before the council decides. Found through the drafts rather
    than a foreign key on the consultation, so a consultation opened on the drafts is linked
    without anyone having to say so."""
    ids = [d.candidate_id for d in selection_round.drafts.all()]
    if not ids:
        return []
    return list(
        Consultation.objects.filter(subject_kind=SubjectKind.DRAFT_LIST, candidates__in=ids)
        .distinct()
        .order_by("-opens_on")
    )


def proposals_for(*, user: User) -> QuerySet[Proposal]:
    """The proposals the user reads: all of them for the secretariat and WT members, else its
    own body's (a local government's or an association's), newest first."""
    proposals = Proposal.objects.select_related(
        "local_government__prefecture", "association", "round", "candidate"
    )
    if permissions.sees_all_proposals(user):
        return proposals
    mine = Q(pk__in=[])
    if is_local_government_staff(user):
        mine |= Q(local_government_id=user.local_government_id)
    if is_association_staff(user):
        mine |= Q(association_id=user.association_id)
    return proposals.filter(mine)


def readable_proposal_ids(*, user: User, selection_round: SelectionRound) -> set[int]:
    """The proposals behind the round's drafts that the user may read (its own body's, or all
    of them for the secretariat and WT members)."""
    return set(
        proposals_for(user=user)
        .filter(candidate__round_entries__round=selection_round)
        .values_list("pk", flat=True)
    )


def proposal_get(*, pk: int) -> Proposal:
    return (
        Proposal.objects.select_related(
            "local_government__prefecture",
            "association",
            "round",
            "candidate",
            "submitted_by",
            "triaged_by",
        )
        .prefetch_related("attachments")
        .get(pk=pk)
    )


def proposal_counts() -> dict[str, int]:
    """How many proposals are in each status (the secretariat's list heading)."""
    rows = Proposal.objects.values("status").annotate(n=Count("pk")).order_by()
    counts = {status.value: 0 for status in ProposalStatus}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
