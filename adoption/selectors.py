"""Reads of adoption rows for pages, exports, the PDF and other apps (their only way in).

A body with no row has not answered: counts include it as 未回答, so every candidate's counts
add up to the number of adopters (47 prefectures + 1,741 municipalities).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, F, IntegerField, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from adoption import tilemap
from adoption.models import COMMITTED, Adoption, AdoptionChange, Status
from candidates.models import Candidate
from core.display import choice_label, fiscal_year_display, japanese_active
from municipalities.models import MUNICIPALITY_KINDS, Kind, LocalGovernment

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ADOPTER_KINDS = (Kind.PREFECTURE, *MUNICIPALITY_KINDS)


def adopters() -> QuerySet[LocalGovernment]:
    """The bodies that may adopt: prefectures and municipalities, never designated-city wards."""
    return (
        LocalGovernment.objects.of_kinds(ADOPTER_KINDS)
        .select_related("prefecture")
        .order_by("code")
    )


def is_adopter(local_government: LocalGovernment) -> bool:
    """Prefectures and municipalities answer; a designated-city ward's city answers for it."""
    return local_government.kind in ADOPTER_KINDS


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
    if bodies is not None:
        # The bodies' ids as a list, not a subquery: PostgreSQL misjudged the subquery of a
        # population band as 9 bodies (531 in fact) and looked each one up, 60 ms; with the
        # list it counts from the index alone, 10 ms (docs/benchmarks.md).
        body_ids = list(bodies.filter(kind__in=ADOPTER_KINDS).values_list("pk", flat=True))
        rows = rows.filter(local_government_id__in=body_ids)
        total = len(body_ids)
    else:
        total = LocalGovernment.objects.of_kinds(ADOPTER_KINDS).count()
    if candidate_ids is not None:
        candidate_ids = list(candidate_ids)
        rows = rows.filter(candidate_id__in=candidate_ids)
    answered: dict[int, dict[str, int]] = {pk: {} for pk in candidate_ids or ()}
    # COUNT(*), not COUNT(id): the id is not in the index, the count is.
    for row in rows.values("candidate_id", "status").annotate(n=Count("*")).order_by():
        answered.setdefault(row["candidate_id"], {})[row["status"]] = row["n"]
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


# --- Figures for the candidate page's panel, the overview, the PDF ---------------------------

# Population bands of municipalities (2020 census); a body with no census population (a town
# evacuated in 2020) falls in the first.
POPULATION_BANDS: tuple[tuple[int, StrOrPromise], ...] = (
    (0, _("1万人未満")),
    (10_000, _("1万〜5万人")),
    (50_000, _("5万〜20万人")),
    (200_000, _("20万〜50万人")),
    (500_000, _("50万人以上")),
)


def population_band_of(population: int | None) -> int:
    """The index in POPULATION_BANDS of a population (the same rule as the SQL in _band)."""
    band = 0
    for index, (lower, _label) in enumerate(POPULATION_BANDS):
        if (population or 0) >= lower:
            band = index
    return band


def _band(prefix: str = "") -> Case:
    """The population band as SQL: the first matching WHEN wins, so the largest comes first;
    a NULL population matches none and falls to band 0."""
    return Case(
        *(
            When(**{f"{prefix}population__gte": lower}, then=Value(index))
            for index, (lower, _label) in reversed(list(enumerate(POPULATION_BANDS)))
            if lower
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def _prefecture_number(prefix: str = ""):
    """The first two digits of a local-government code are its prefecture's number."""
    return Substr(f"{prefix}code", 1, 2)


def prefecture_choices() -> list[tuple[str, str]]:
    """(prefecture number, name) for the 47 prefectures, in code order (filters' choices)."""
    english = not japanese_active()
    return [
        (p.code[:2], tilemap.TILES[p.code[:2]].english if english else p.name)
        for p in LocalGovernment.objects.prefectures().only("code", "name").order_by("code")
    ]


def bodies_filtered(
    *, prefecture_code: str = "", kind: str = "", band: int | None = None
) -> QuerySet[LocalGovernment]:
    """Adopters narrowed by prefecture number (its municipalities and itself), kind and
    population band; bands are of municipalities, as on the panel."""
    bodies = LocalGovernment.objects.of_kinds(ADOPTER_KINDS)
    if prefecture_code:
        bodies = bodies.filter(code__startswith=prefecture_code)
    if kind:
        bodies = bodies.filter(kind=kind)
    if band is not None:
        bodies = bodies.municipalities().annotate(band=_band()).filter(band=band)
    return bodies


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    bodies: int


@dataclass(frozen=True)
class Split:
    """Bodies of one kind or population band, and how many of them are in use or planned."""

    key: str
    label: str
    bodies: int
    committed: int

    @property
    def share(self) -> float:
        return self.committed / self.bodies if self.bodies else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class Wave:
    """Bodies in use or planned whose planned start falls in one fiscal year (None: not set)."""

    fiscal_year: int | None
    label: str
    bodies: int
    bar: int  # length of the bar in px, the largest wave being WAVE_BAR px


@dataclass(frozen=True)
class PrefectureShare:
    """One prefecture of the map: its municipalities, how many are in use or planned, its own
    answer, and where and in which colour its square is drawn."""

    number: str
    code: str
    name: str  # in the active language (the English name in English)
    label: str  # the short label inside the square, in the active language
    municipalities: int
    committed: int
    own_status: str
    own_status_label: str
    x: int
    y: int
    fill: str
    text: str

    @property
    def share(self) -> float:
        return self.committed / self.municipalities if self.municipalities else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class AdoptionPanel:
    candidate_id: int
    statuses: list[StatusCount]
    total: int
    committed: int
    covered_population: int
    japan_population: int
    kinds: list[Split]
    bands: list[Split]
    waves: list[Wave]
    prefectures: list[PrefectureShare]

    @property
    def population_share(self) -> float:
        return self.covered_population / self.japan_population if self.japan_population else 0.0

    @property
    def population_percent(self) -> str:
        return f"{self.population_share * 100:.1f}"

    # The drawing's constants, for the templates (page and PDF) that draw the map and bars.
    tile = tilemap.TILE
    half_tile = tilemap.TILE // 2
    map_width = tilemap.WIDTH
    map_height = tilemap.HEIGHT

    @property
    def wave_bar(self) -> int:
        return WAVE_BAR

    @property
    def legend(self) -> list[LegendStep]:
        return map_legend()


WAVE_BAR = 240


def _body_groups() -> list[dict]:
    """Adopters grouped by kind, population band and prefecture number, with their
    populations: one query over the master data (about 400 groups)."""
    return list(
        LocalGovernment.objects.of_kinds(ADOPTER_KINDS)
        .annotate(band=_band(), number=_prefecture_number())
        .values("kind", "band", "number")
        .annotate(n=Count("pk"), population=Sum(Coalesce("population", 0)))
        .order_by()
    )


def _answer_groups(candidate_ids: list[int]) -> dict[int, list[dict]]:
    """The candidates' answered rows grouped by candidate, status, planned start year and the
    body's kind, band and prefecture number, with populations: one query (the (candidate,
    status) index finds the rows)."""
    groups: dict[int, list[dict]] = {pk: [] for pk in candidate_ids}
    rows = (
        Adoption.objects.filter(candidate_id__in=candidate_ids)
        .annotate(
            kind=F("local_government__kind"),
            band=_band("local_government__"),
            number=_prefecture_number("local_government__"),
        )
        .values("candidate_id", "status", "planned_start_fiscal_year", "kind", "band", "number")
        .annotate(n=Count("pk"), population=Sum(Coalesce("local_government__population", 0)))
        .order_by()
    )
    for row in rows:
        groups[row["candidate_id"]].append(row)
    return groups


def _prefectures() -> dict[str, LocalGovernment]:
    return {
        p.code[:2]: p
        for p in LocalGovernment.objects.prefectures().only("code", "name", "population")
    }


def adoption_panel(*, candidate_id: int) -> AdoptionPanel:
    """One candidate's panel (see adoption_panels): three queries."""
    return adoption_panels(candidate_ids=[candidate_id])[candidate_id]


def adoption_panels(*, candidate_ids: Iterable[int]) -> dict[int, AdoptionPanel]:
    """Every figure of a candidate's adoption panel in three grouped queries, whatever the
    number of rows: bodies per status, the number in use or planned, the population they
    cover, the split by kind and by population band, the waves by planned start and the map.

    Population covered: a resident counts once, when the prefecture is in use or planned
    (all its residents) or else when the municipality they live in is; Japan's population is
    the sum of the 47 prefectures'. The map's share is of the prefecture's municipalities (the
    prefecture itself is shown as its own answer); bands are of municipalities only, since
    every prefecture would sit in the top band. Three queries for any number of candidates."""
    candidate_ids = list(candidate_ids)
    bodies = _body_groups()
    prefectures = _prefectures()
    return {
        candidate_id: _panel(candidate_id, bodies, answers, prefectures)
        for candidate_id, answers in _answer_groups(candidate_ids).items()
    }


def _panel(
    candidate_id: int,
    bodies: list[dict],
    answers: list[dict],
    prefectures: dict[str, LocalGovernment],
) -> AdoptionPanel:
    committed_statuses = set(COMMITTED)

    total = sum(g["n"] for g in bodies)
    by_status: dict[str, int] = {}
    kind_bodies: dict[str, int] = {}
    kind_committed: dict[str, int] = {}
    band_bodies: dict[int, int] = {}
    band_committed: dict[int, int] = {}
    municipalities: dict[str, int] = {}
    municipalities_committed: dict[str, int] = {}
    municipal_population_committed: dict[str, int] = {}
    own_status: dict[str, str] = {}
    waves: dict[int | None, int] = {}
    for g in bodies:
        kind_bodies[g["kind"]] = kind_bodies.get(g["kind"], 0) + g["n"]
        if g["kind"] != Kind.PREFECTURE:
            band_bodies[g["band"]] = band_bodies.get(g["band"], 0) + g["n"]
            municipalities[g["number"]] = municipalities.get(g["number"], 0) + g["n"]
    for g in answers:
        by_status[g["status"]] = by_status.get(g["status"], 0) + g["n"]
        if g["kind"] == Kind.PREFECTURE:
            own_status[g["number"]] = g["status"]
        if g["status"] not in committed_statuses:
            continue
        year = g["planned_start_fiscal_year"]
        waves[year] = waves.get(year, 0) + g["n"]
        kind_committed[g["kind"]] = kind_committed.get(g["kind"], 0) + g["n"]
        if g["kind"] != Kind.PREFECTURE:
            band_committed[g["band"]] = band_committed.get(g["band"], 0) + g["n"]
            number = g["number"]
            municipalities_committed[number] = municipalities_committed.get(number, 0) + g["n"]
            municipal_population_committed[number] = (
                municipal_population_committed.get(number, 0) + g["population"]
            )

    counts = _with_no_answer(by_status, total)
    covered = 0
    for number, prefecture in prefectures.items():
        if own_status.get(number) in committed_statuses:
            covered += prefecture.population or 0
        else:
            covered += municipal_population_committed.get(number, 0)
    return AdoptionPanel(
        candidate_id=candidate_id,
        statuses=[StatusCount(s.value, str(s.label), counts[s.value]) for s in Status],
        total=total,
        committed=committed_count(counts),
        covered_population=covered,
        japan_population=sum(p.population or 0 for p in prefectures.values()),
        kinds=[
            Split(kind.value, str(kind.label), kind_bodies[kind], kind_committed.get(kind, 0))
            for kind in ADOPTER_KINDS
            if kind_bodies.get(kind)
        ],
        bands=[
            Split(str(index), str(label), band_bodies[index], band_committed.get(index, 0))
            for index, (_lower, label) in enumerate(POPULATION_BANDS)
            if band_bodies.get(index)
        ],
        waves=_waves(waves),
        prefectures=_prefecture_shares(
            prefectures, municipalities, municipalities_committed, own_status
        ),
    )


def _waves(waves: dict[int | None, int]) -> list[Wave]:
    largest = max(waves.values(), default=0)
    ordered = sorted(waves.items(), key=lambda item: (item[0] is None, item[0] or 0))
    return [
        Wave(
            year,
            fiscal_year_display(year) if year is not None else gettext("開始時期未定"),
            n,
            round(WAVE_BAR * n / largest) if largest else 0,
        )
        for year, n in ordered
    ]


def _prefecture_shares(
    prefectures: dict[str, LocalGovernment],
    municipalities: dict[str, int],
    committed: dict[str, int],
    own_status: dict[str, str],
) -> list[PrefectureShare]:
    english = not japanese_active()
    shares = []
    for number, prefecture in sorted(prefectures.items()):
        tile = tilemap.TILES[number]
        n, c = municipalities.get(number, 0), committed.get(number, 0)
        step = tilemap.SHARE_STEPS[tilemap.share_step(c / n if n else 0.0)]
        status = own_status.get(number, Status.NO_ANSWER)
        shares.append(
            PrefectureShare(
                number=number,
                code=prefecture.code,
                name=tile.english if english else prefecture.name,
                label=tile.abbreviation if english else tilemap.short_name(prefecture.name),
                municipalities=n,
                committed=c,
                own_status=status,
                own_status_label=choice_label(Status, status),
                x=tile.x,
                y=tile.y,
                fill=step.fill,
                text=step.text,
            )
        )
    return shares


@dataclass(frozen=True)
class LegendStep:
    fill: str
    label: str


def map_legend() -> list[LegendStep]:
    """The map's colour steps with the range of shares each stands for."""
    steps = tilemap.SHARE_STEPS
    legend = [LegendStep(steps[0].fill, "0%")]
    for index in range(1, len(steps)):
        lower = round(steps[index].lower * 100)
        if index + 1 < len(steps):
            upper = round(steps[index + 1].lower * 100)
            label = gettext("%(lower)s%%以上%(upper)s%%未満") % {
                "lower": max(lower, 0),
                "upper": upper,
            }
            if index == 1:
                label = gettext("0%%超%(upper)s%%未満") % {"upper": upper}
        else:
            label = gettext("%(lower)s%%以上") % {"lower": lower}
        legend.append(LegendStep(steps[index].fill, label))
    return legend


@dataclass(frozen=True)
class OverviewRow:
    candidate: Candidate
    statuses: list[StatusCount]
    committed: int
    total: int

    @property
    def percent(self) -> int:
        return round(self.committed / self.total * 100) if self.total else 0


def adoption_overview(
    *, candidates: Iterable[Candidate], bodies: QuerySet[LocalGovernment] | None = None
) -> list[OverviewRow]:
    """Bodies per status for each of the given candidates (a page of them, or all for an
    export), counted among `bodies`: two queries whatever the number of rows."""
    candidates = list(candidates)
    counts = status_counts_by_candidate(candidate_ids=[c.pk for c in candidates], bodies=bodies)
    rows = []
    for candidate in candidates:
        by_status = counts[candidate.pk]
        rows.append(
            OverviewRow(
                candidate,
                [StatusCount(s.value, str(s.label), by_status[s.value]) for s in Status],
                committed_count(by_status),
                sum(by_status.values()),
            )
        )
    return rows


def overview_table(rows: list[OverviewRow]) -> tuple[list[str], list[list]]:
    """The overview as a spreadsheet: one row per candidate, one column per status."""
    headers = [
        gettext("候補"),
        gettext("主担当府省庁"),
        *(str(s.label) for s in Status),
        gettext("利用中・利用予定"),
        gettext("団体数"),
    ]
    table = [
        [
            row.candidate.name,
            str(row.candidate.lead_ministry),
            *(s.bodies for s in row.statuses),
            row.committed,
            row.total,
        ]
        for row in rows
    ]
    return headers, table


def prefecture_bodies(
    *, candidate: Candidate, prefecture_code: str
) -> tuple[LocalGovernment, list[BodyAnswer]]:
    """A prefecture (by its 6-digit code) and every adopter in it with its answer about the
    candidate, the prefecture first: the map's click-through. Raises DoesNotExist."""
    prefecture = LocalGovernment.objects.prefectures().get(code=prefecture_code)
    return prefecture, answers_for_candidate(candidate=candidate, prefecture=prefecture)


def status_labels() -> list[str]:
    """The statuses' labels in the active language, in their order (table headings)."""
    return [str(s.label) for s in Status]


@dataclass(frozen=True)
class CandidateAnswer:
    """A candidate and one body's answer about it (an unsaved 未回答 row when it has none)."""

    candidate: Candidate
    adoption: Adoption


def candidate_answers_of_body(
    *, local_government: LocalGovernment, candidates: Iterable[Candidate]
) -> list[CandidateAnswer]:
    """The body's answer for each of the given candidates (a page of them): one query for the
    answers, found through the (local government, candidate) index."""
    candidates = list(candidates)
    found = {
        row.candidate_id: row
        for row in Adoption.objects.filter(
            local_government=local_government, candidate_id__in=[c.pk for c in candidates]
        )
    }
    return [
        CandidateAnswer(
            candidate,
            found.get(candidate.pk)
            or Adoption(candidate=candidate, local_government=local_government, version=0),
        )
        for candidate in candidates
    ]


def candidates_for_body_page() -> QuerySet[Candidate]:
    """Every candidate, as the local-government page lists them (newest selection first)."""
    return (
        Candidate.objects.select_related("lead_ministry")
        .only("pk", "name", "selected_fiscal_year", "lead_ministry__name", "lead_ministry__bureau")
        .order_by("-selected_fiscal_year", "lead_ministry__display_order", "name")
    )


@dataclass(frozen=True)
class AdoptionSummary:
    """Adoption over several candidates (the council report's first page)."""

    candidates: int
    with_committed: int  # candidates with at least one body in use or planned
    committed: int  # bodies in use or planned, summed over candidates
    in_use: int


def adoption_summary(panels: Iterable[AdoptionPanel]) -> AdoptionSummary:
    panels = list(panels)
    return AdoptionSummary(
        candidates=len(panels),
        with_committed=sum(1 for p in panels if p.committed),
        committed=sum(p.committed for p in panels),
        in_use=sum(s.bodies for p in panels for s in p.statuses if s.status == Status.IN_USE),
    )


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
