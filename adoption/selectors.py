"""Reads of adoption rows for pages, exports, the PDF and other apps (their only way in).

A body with no row has not answered: counts include it as 未回答, so every candidate's counts
add up to the number of adopters (47 prefectures + 1,741 municipalities).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from adoption.models import COMMITTED, Adoption, AdoptionChange, Status
from candidates.models import Candidate
from municipalities.models import MUNICIPALITY_KINDS, Kind, LocalGovernment

ADOPTER_KINDS = (Kind.PREFECTURE, *MUNICIPALITY_KINDS)


def adopters() -> QuerySet[LocalGovernment]:
    """The bodies that may adopt: prefectures and municipalities, never designated-city wards."""
    return (
        LocalGovernment.objects.of_kinds(ADOPTER_KINDS)
        .select_related("prefecture")
        .order_by("code")
    )


def adopter_count() -> int:
    return LocalGovernment.objects.of_kinds(ADOPTER_KINDS).count()


def _with_no_answer(answered: dict[str, int], total: int) -> dict[str, int]:
    counts = {status: answered.get(status, 0) for status in Status.values}
    counts[Status.NO_ANSWER] = total - sum(
        n for status, n in counts.items() if status != Status.NO_ANSWER
    )
    return counts


def status_counts_by_candidate(
    *, candidate_ids: Iterable[int] | None = None, bodies: QuerySet[LocalGovernment] | None = None
) -> dict[int, dict[str, int]]:
    """Bodies per status for each candidate, in one grouped query (plus one count of bodies).

    `bodies` narrows to some adopters (one prefecture, one kind); every status is present,
    and a candidate with no rows at all appears only when asked for by id."""
    rows = Adoption.objects.all()
    scope = bodies if bodies is not None else LocalGovernment.objects.of_kinds(ADOPTER_KINDS)
    if bodies is not None:
        rows = rows.filter(local_government__in=bodies.values("pk"))
    if candidate_ids is not None:
        candidate_ids = list(candidate_ids)
        rows = rows.filter(candidate_id__in=candidate_ids)
    answered: dict[int, dict[str, int]] = {pk: {} for pk in candidate_ids or ()}
    for row in rows.values("candidate_id", "status").annotate(n=Count("pk")).order_by():
        answered.setdefault(row["candidate_id"], {})[row["status"]] = row["n"]
    total = scope.filter(kind__in=ADOPTER_KINDS).count()
    return {pk: _with_no_answer(counts, total) for pk, counts in answered.items()}


def status_counts(*, candidate: Candidate) -> dict[str, int]:
    """Bodies per status for one candidate (every status present, 未回答 included)."""
    return status_counts_by_candidate(candidate_ids=[candidate.pk])[candidate.pk]


def committed_count(counts: dict[str, int]) -> int:
    """Bodies in use or planned (利用予定, 利用申込済, 移行中, 利用中) from status counts."""
    return sum(counts.get(status, 0) for status in COMMITTED)


def adoption_of(*, candidate: Candidate, local_government: LocalGovernment) -> Adoption:
    """The body's row for the candidate, or an unsaved 未回答 row (version 0) if it has none."""
    found = (
        Adoption.objects.select_related("updated_by")
        .filter(candidate=candidate, local_government=local_government)
        .first()
    )
    return found or Adoption(candidate=candidate, local_government=local_government, version=0)


def adoption_changes(*, adoption: Adoption) -> QuerySet[AdoptionChange]:
    if adoption.pk is None:
        return AdoptionChange.objects.none()
    return adoption.changes.select_related("changed_by").order_by("-changed_at", "-pk")


@dataclass(frozen=True)
class BodyAnswer:
    """A body and its answer (an unsaved 未回答 row when it has none)."""

    local_government: LocalGovernment
    adoption: Adoption


def answers_for_candidate(
    *, candidate: Candidate, prefecture: LocalGovernment | None = None
) -> list[BodyAnswer]:
    """Every adopter (of one prefecture, the prefecture itself included) with its answer: the
    survey sheet's rows, in code order. Two queries whatever the number of bodies."""
    bodies = adopters()
    if prefecture is not None:
        bodies = bodies.filter(pk=prefecture.pk) | bodies.filter(prefecture=prefecture)
    found = {
        row.local_government_id: row
        for row in Adoption.objects.filter(
            candidate=candidate, local_government__in=bodies.values("pk")
        )
    }
    return [
        BodyAnswer(
            body,
            found.get(body.pk) or Adoption(candidate=candidate, local_government=body, version=0),
        )
        for body in bodies.order_by("code")
    ]


def adoptions_of_body(*, local_government: LocalGovernment) -> QuerySet[Adoption]:
    """A body's answered rows, with their candidates (the local-government page)."""
    return (
        Adoption.objects.filter(local_government=local_government)
        .select_related("candidate", "candidate__lead_ministry")
        .order_by("candidate__name")
    )


def adopters_by_code() -> dict[str, LocalGovernment]:
    """Every local government by code, wards included (so a survey can name the city that
    answers for a ward), with prefecture and parent loaded: one query."""
    return {
        body.code: body
        for body in LocalGovernment.objects.select_related("prefecture", "parent").order_by()
    }


def candidate_for_adoption(*, pk: int) -> Candidate:
    """A candidate with what the adoption rules read (its ministries)."""
    return (
        Candidate.objects.select_related("lead_ministry")
        .prefetch_related("co_ministries")
        .get(pk=pk)
    )


def local_government_by_code(*, code: str) -> LocalGovernment:
    return LocalGovernment.objects.select_related("prefecture", "parent").get(code=code)


def prefectures() -> QuerySet[LocalGovernment]:
    return LocalGovernment.objects.prefectures().order_by("code")
