"""Council progress report: the data (from the same selectors as the pages), HTML and PDF.

WeasyPrint may load only the project's own static files (StaticOnlyFetcher): every other URL,
http(s), data:, or a file outside the static folders, is refused. User text reaches the PDF
through Django's auto-escaping templates exactly as it reaches the browser.
"""

from __future__ import annotations

import mimetypes
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from adoption import selectors as adoption_selectors
from adoption.selectors import AdoptionPanel, AdoptionSummary
from candidates import selectors
from candidates.lifecycle import Stage
from candidates.models import Candidate, CouncilReport, LifecycleTransition, ProgressUpdate
from candidates.timeline import timeline_layout
from core.display import date_display
from hearings.models import MinutesEntry

RECENT_REMARKS = 3


def static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_base_url() -> str:
    return static_roots()[0].as_uri() + "/"


@dataclass
class ReportCandidate:
    candidate: Candidate
    timeline: object
    milestones: list
    transitions: list
    progress: ProgressUpdate | None
    remarks: list
    adoption: AdoptionPanel | None = None


@dataclass
class ReportData:
    report: CouncilReport
    candidates: list[ReportCandidate]
    stage_counts: Sequence[tuple[str | Promise, int]]
    ministry_counts: list[tuple[str, int, int]]
    slips: list
    scope_labels: dict = field(default_factory=dict)
    adoption_summary: AdoptionSummary | None = None


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
    return candidates.order_by("lead_ministry__display_order", "lead_ministry__name", "name")


def report_data(report: CouncilReport) -> ReportData:
    """Everything the PDF shows, in a fixed number of queries whatever the number of candidates."""
    candidates = list(
        scoped_candidates(report).prefetch_related(
            Prefetch("transitions", queryset=LifecycleTransition.objects.select_related("meeting")),
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.filter(as_of__lte=report.as_of),
                to_attr="progress_until",
            ),
            Prefetch(
                "remarks",
                queryset=MinutesEntry.objects.filter(meeting__date__lte=report.as_of)
                .select_related("meeting")
                .order_by("-meeting__date", "position")[:RECENT_REMARKS],
                to_attr="recent_remarks",
            ),
        )
    )
    as_of_label = gettext("%(date)s時点") % {"date": date_display(report.as_of)}
    rows = []
    for candidate in candidates:
        milestones = list(candidate.milestones.all())
        rows.append(
            ReportCandidate(
                candidate=candidate,
                timeline=timeline_layout(
                    milestones=milestones, today=report.as_of, today_label=as_of_label
                ),
                milestones=milestones,
                transitions=list(candidate.transitions.all()),
                progress=candidate.progress_until[0] if candidate.progress_until else None,
                remarks=candidate.recent_remarks,
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
        selectors.slip_rows(candidates=scoped_candidates(report), today=report.as_of)
        if candidates
        else []
    )
    panels = adoption_selectors.adoption_panels(candidate_ids=[c.pk for c in candidates])
    for row in rows:
        row.adoption = panels[row.candidate.pk]
    return ReportData(
        report,
        rows,
        stage_counts,
        ministry_counts,
        slips,
        adoption_summary=adoption_selectors.adoption_summary(panels.values()),
    )


def report_html(report: CouncilReport) -> str:
    return render_to_string("candidates/report/council_report.html", {"data": report_data(report)})


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


def render_pdf(html: str) -> RenderedPdf:
    """Render HTML to PDF with the project's fonts and stylesheet, fetching nothing else."""
    fetcher = StaticOnlyFetcher()
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render(
        font_config=font_config
    )
    content = document.write_pdf()
    return RenderedPdf(
        content=content, page_count=len(document.pages), refused_urls=fetcher.refused
    )


def report_file_name(report: CouncilReport) -> str:
    return f"council-report-{report.as_of.isoformat()}-{report.pk}.pdf"
