"""Council progress report: the data (from the same selectors as the pages), HTML and PDF.

WeasyPrint may load only the project's own static files (StaticOnlyFetcher): every other URL,
http(s), data:, or a file outside the static folders, is refused. User text reaches the PDF
through Django's auto-escaping templates exactly as it reaches the browser.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from adoption import selectors as adoption_selectors
from adoption.selectors import AdoptionPanel, AdoptionSummary
from candidates import report_svg_text, selectors
from candidates.lifecycle import PRE_SELECTION_STAGES, Stage
from candidates.models import (
    Candidate,
    CouncilReport,
    LifecycleTransition,
    Milestone,
    ProgressUpdate,
    ReportEdition,
    ReportStatus,
)
from candidates.timeline import timeline_layout
from consultations import selectors as consultation_selectors
from consultations.selectors import ReportConsultation
from core.display import date_display
from hearings import selectors as hearings_selectors

if TYPE_CHECKING:
    from hearings.models import Meeting, MinutesEntry

RECENT_REMARKS = 3
SUMMARY_SLIPS = 5  # the worst slips on the summary page; the slips chapter lists them all
REMARK_CHARS = 160  # a remark longer than this is cut after its last sentence that fits

report_svg_text.install()  # the timelines' labels laid out as whole strings


def static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_base_url() -> str:
    return static_roots()[0].as_uri() + "/"


@dataclass(frozen=True)
class RemarkLine:
    kind: str  # the entry kind's label (質問, 回答 …), shown when the remark is a question thread
    speaker: str
    text: str


@dataclass(frozen=True)
class ReportRemark:
    """One remark at a meeting, or one numbered question with its answers and follow-ups."""

    meeting: Meeting
    lines: list[RemarkLine]
    is_thread: bool


@dataclass(frozen=True)
class OverdueMilestone:
    milestone: Milestone
    days: int


@dataclass
class ReportCandidate:
    candidate: Candidate
    timeline: object
    milestones: list
    transitions: list
    progress: ProgressUpdate | None
    remarks: list[ReportRemark]
    overdue: list[OverdueMilestone] = field(default_factory=list)
    adoption: AdoptionPanel | None = None
    worst_slip: selectors.SlipRow | None = None  # the 概要版's row shows it
    number: int = 0  # its row number in the 概要版's list, counted through every part


@dataclass(frozen=True)
class SummarySlip:
    row: selectors.SlipRow
    reason: str  # first_sentences() of the reason and the added value: the page stays one page
    added_value: str


@dataclass
class ReportSummary:
    """The page a council member reads first: where the candidates stand, what is new since
    the previous report, and what is late."""

    total: int
    previous_as_of: dt.date | None  # the as-of date of the latest earlier finished report
    new_candidates: list[Candidate]  # registered after previous_as_of (all, without one)
    slipped: int  # milestones later than their 当初予定
    overdue: int  # milestones past their planned date and not reached, on the as-of date
    worst_slips: list[SummarySlip]


@dataclass
class ReportData:
    report: CouncilReport
    candidates: list[ReportCandidate]
    stage_counts: Sequence[tuple[str | Promise, int]]
    ministry_counts: list[tuple[str, int, int]]
    slips: list
    summary: ReportSummary | None = None
    as_of_label: str = ""
    scope_labels: dict = field(default_factory=dict)
    adoption_summary: AdoptionSummary | None = None
    consultations: list[ReportConsultation] = field(default_factory=list)
    overdue_requests: list = field(default_factory=list)  # (request, days overdue on as_of)
    # Rendering one part of a parted report (candidates/report_parts.py): what it shows.
    part: dict | None = None


def scoped_candidates(report: CouncilReport) -> QuerySet[Candidate]:
    candidates = selectors.candidate_list(today=report.as_of)
    if report.fiscal_years:
        candidates = candidates.filter(selected_fiscal_year__in=report.fiscal_years)
    if report.ministry_ids:
        candidates = candidates.filter(
            Q(lead_ministry__in=report.ministry_ids) | Q(co_ministries__in=report.ministry_ids)
        ).distinct()
    if report.stages:
        candidates = candidates.filter(stage__in=report.stages)
    else:  # drafts (候補案) only when asked for: the report is about the council's candidates
        candidates = candidates.exclude(stage__in=PRE_SELECTION_STAGES)
    return candidates.order_by("lead_ministry__display_order", "lead_ministry__name", "name")


def report_data(report: CouncilReport, part: dict | None = None) -> ReportData:
    """Everything the PDF shows, in a fixed number of queries whatever the number of candidates.

    With `part` (a spec of candidates/report_parts.py), only what that part shows: the front
    matter reads every candidate but lays out no timeline; a slips part reads only the slips;
    a candidates part (詳細版) or a list part (概要版) only its own candidates."""
    spec = part or {}
    kind = spec.get("kind")
    if kind == "slips":
        return _slips_part_data(report, spec)
    # The summary edition (概要版) shows one row per candidate: no timelines or remarks to read
    # or lay out; nor does the front part of a parted 詳細版 (its contents list only names).
    detailed = report.edition == ReportEdition.DETAILED and kind != "front"
    scoped = scoped_candidates(report)
    # A chunk of the candidates: of chapter 3 (詳細版), or of the 概要版's list.
    chunk = kind in ("candidates", "list")
    if chunk:
        scoped = scoped.filter(pk__in=spec["ids"])
    # More than are shown: a question and its answer may both be linked, and are shown as one.
    remarks = hearings_selectors.remarks_until(as_of=report.as_of, limit=RECENT_REMARKS * 3)
    candidates = list(
        scoped.prefetch_related(
            Prefetch("transitions", queryset=LifecycleTransition.objects.select_related("meeting")),
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.filter(as_of__lte=report.as_of),
                to_attr="progress_until",
            ),
            # none(): no query at all.
            Prefetch(
                "remarks",
                queryset=remarks if detailed else remarks.none(),
                to_attr="recent_remarks",
            ),
        )
    )
    threads = hearings_selectors.question_threads(
        entries=[entry for c in candidates for entry in c.recent_remarks]
    )
    as_of_label = gettext("%(date)s時点") % {"date": date_display(report.as_of)}
    rows = []
    for number, candidate in enumerate(candidates, start=spec.get("offset", 0) + 1):
        milestones = list(candidate.milestones.all())
        rows.append(
            ReportCandidate(
                candidate=candidate,
                number=number,
                timeline=timeline_layout(
                    milestones=milestones, today=report.as_of, today_label=as_of_label
                )
                if detailed
                else None,
                milestones=milestones,
                transitions=list(candidate.transitions.all()),
                progress=candidate.progress_until[0] if candidate.progress_until else None,
                remarks=report_remarks(candidate.recent_remarks, threads),
                overdue=[
                    OverdueMilestone(m, days)
                    for m in milestones
                    if (days := m.overdue_days_on(report.as_of))
                ],
            )
        )
    by_stage = Counter(c.stage for c in candidates)
    stage_counts = [(Stage(s).label, by_stage[s]) for s in Stage if by_stage[s]]
    by_ministry: dict[str, list[int]] = {}
    for c in candidates:
        counts = by_ministry.setdefault(str(c.lead_ministry), [0, 0])
        counts[0] += 1
        counts[1] += 1 if getattr(c, "slipped_count", 0) else 0  # candidate_list() annotates it
    ministry_counts = [(name, total, slipped) for name, (total, slipped) in by_ministry.items()]
    slips = (
        # A list part's rows show their own candidates' worst slips only.
        selectors.slip_rows(
            candidates=scoped if kind == "list" else scoped_candidates(report), today=report.as_of
        )
        if candidates and kind != "candidates"
        else []
    )
    every_slip = slips
    if report.edition == ReportEdition.SUMMARY:
        # 概要版: each candidate's worst slip on its row of the list, not a table of every slip
        # (500 candidates' every slip made it 475 pages); the summary page still reads them all.
        worst = {row.candidate.pk: row for row in selectors.worst_slip_each(slips)}
        for row in rows:
            row.worst_slip = worst.get(row.candidate.pk)
        slips = []
    panels = adoption_selectors.adoption_panels(candidate_ids=[c.pk for c in candidates])
    for row in rows:
        row.adoption = panels[row.candidate.pk]
    last_chunk = chunk and spec["last"]
    with_consultations = kind is None or last_chunk
    return ReportData(
        report,
        rows,
        stage_counts,
        ministry_counts,
        slips,
        summary=_summary(report, candidates, every_slip) if not chunk else None,
        as_of_label=as_of_label,
        adoption_summary=adoption_selectors.adoption_summary(panels.values()),
        consultations=consultation_selectors.report_consultations(
            candidate_ids=(
                list(scoped_candidates(report).values_list("pk", flat=True))
                if kind
                else [c.pk for c in candidates]
            ),
            as_of=report.as_of,
        )
        if with_consultations
        else [],
        # The 概要版's chapter 3, after its list (the 詳細版's slips parts have their own).
        overdue_requests=_overdue_requests(report)
        if kind is None or (kind == "list" and last_chunk)
        else [],
        part=part,
    )


def _slips_part_data(report: CouncilReport, part: dict) -> ReportData:
    """A chunk of the slip table (the planned rows), the overdue requests after the last."""
    slips = selectors.slip_rows(
        candidates=scoped_candidates(report), today=report.as_of, milestone_ids=part["milestones"]
    )
    return ReportData(
        report,
        [],
        [],
        [],
        slips,
        as_of_label=gettext("%(date)s時点") % {"date": date_display(report.as_of)},
        overdue_requests=_overdue_requests(report) if part["last"] else [],
        part=part,
    )


def _overdue_requests(report: CouncilReport) -> list:
    """Requests (要請) still open and past due on the as-of date, in the report's scope: of the
    scoped ministries, about a scoped candidate or about none. Open means open now: a request
    answered after the as-of date is not shown as overdue in a report made later."""
    requests = hearings_selectors.overdue_requests(today=report.as_of)
    if report.ministry_ids:
        requests = requests.filter(ministry_id__in=report.ministry_ids)
    if report.fiscal_years or report.stages:
        requests = requests.filter(
            Q(candidate__isnull=True) | Q(candidate__in=scoped_candidates(report).values("pk"))
        )
    return [(r, r.overdue_days_on(report.as_of)) for r in requests]


def _summary(report: CouncilReport, candidates: Sequence[Candidate], slips: list) -> ReportSummary:
    previous = (
        CouncilReport.objects.filter(status=ReportStatus.DONE, as_of__lt=report.as_of)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    new = [c for c in candidates if previous is None or timezone.localdate(c.created_at) > previous]
    return ReportSummary(
        total=len(candidates),
        previous_as_of=previous,
        new_candidates=sorted(new, key=lambda c: (c.created_at, c.pk)) if previous else [],
        # candidate_list(today=as_of) counts both by selectors' one rule for each.
        slipped=sum(getattr(c, "slipped_count", 0) for c in candidates),
        overdue=sum(getattr(c, "overdue_count", 0) for c in candidates),
        # slip_rows() is worst first, in worst_slips()'s order, and here limited to the scope.
        worst_slips=[
            SummarySlip(row, first_sentences(row.reason), first_sentences(row.added_value))
            for row in slips[:SUMMARY_SLIPS]
        ],
    )


def first_sentences(text: str, limit: int = REMARK_CHARS) -> str:
    """The text, or when longer than `limit` its sentences (to 。) that fit, marked as cut;
    a text with no sentence end within the limit is kept whole rather than cut mid-sentence."""
    text = text.strip()
    if len(text) <= limit:
        return text
    end = text.rfind("。", 0, limit)
    if end < 0:
        return text
    return text[: end + 1] + gettext("（以下略）")


def report_remarks(
    entries: Sequence[MinutesEntry], threads: dict[tuple[int, int], list[MinutesEntry]]
) -> list[ReportRemark]:
    """The newest RECENT_REMARKS remarks, each once: a numbered question comes with its answers
    and follow-ups (and an answer with its question), whichever of them is linked."""
    shown: set[object] = set()
    remarks = []
    for entry in entries:
        thread = (
            threads.get((entry.meeting_id, entry.question_number))
            if entry.question_number is not None
            else None
        )
        key: object = (entry.meeting_id, entry.question_number) if thread else entry.pk
        same_text = (entry.meeting_id, entry.text.strip())
        if key in shown or same_text in shown:
            continue
        shown.update((key, same_text))
        lines = [
            RemarkLine(
                kind=e.get_kind_display() if thread else "",
                speaker=e.speaker,
                text=first_sentences(e.text),
            )
            for e in (thread or [entry])
        ]
        remarks.append(ReportRemark(meeting=entry.meeting, lines=lines, is_thread=bool(thread)))
        if len(remarks) == RECENT_REMARKS:
            break
    return remarks


def report_html(report: CouncilReport, part: dict | None = None) -> str:
    data = report_data(report, part)
    return render_to_string("candidates/report/council_report.html", {"data": data})


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves files under the static folders and nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=5)
        self.refused: list[str] = []
        self.roots = static_roots()

    def fetch(self, url: str, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": mime}
                )
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url!r}: only the project's static files may be loaded")


@dataclass
class RenderedPdf:
    content: bytes
    page_count: int
    refused_urls: list[str]


def render_document(html: str) -> tuple[Document, StaticOnlyFetcher]:
    """Lay HTML out with the project's fonts and stylesheet, fetching nothing else."""
    fetcher = StaticOnlyFetcher()
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render(
        font_config=FontConfiguration()
    )
    return document, fetcher


def render_pdf(html: str) -> RenderedPdf:
    """Render HTML to PDF with the project's fonts and stylesheet, fetching nothing else."""
    document, fetcher = render_document(html)
    content = document.write_pdf()
    return RenderedPdf(
        content=content, page_count=len(document.pages), refused_urls=fetcher.refused
    )


def report_file_name(report: CouncilReport) -> str:
    return f"council-report-{report.as_of.isoformat()}-{report.edition}-{report.pk}.pdf"
