"""Writes for council PDF reports: request, claim, generate, sweep. Safe to run twice.

A report is a row first (queued), enqueued on commit. A worker claims it with a conditional
UPDATE (queued -> running, or a running row whose worker vanished), renders it, stores the file
and marks it done with another conditional UPDATE. If the broker is down at request time the
row stays queued and the periodic sweep enqueues it later.

Files go through the default storage under reports/ (config/settings.py): on local disk written
to a temporary name and renamed into place, in an S3-compatible store put whole; either way
readers never see half a PDF, and any machine's web server reads what any worker wrote.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.lifecycle import Stage
from candidates.models import (
    CouncilReport,
    CouncilReportPart,
    Ministry,
    ReportEdition,
    ReportStatus,
)
from core.models import User
from core.permissions import is_secretariat, require

logger = logging.getLogger(__name__)


def running_stale_after() -> dt.timedelta:
    """A running report whose worker has not finished by then is taken to be lost (killed)."""
    return dt.timedelta(seconds=settings.KYOTSUKA_REPORT_STALE_SECONDS)


def queued_stale_after() -> dt.timedelta:
    """A queued report not picked up by then is enqueued again (the broker was down, say)."""
    return dt.timedelta(seconds=settings.KYOTSUKA_REPORT_REQUEUE_SECONDS)


MAX_ATTEMPTS = 5


REPORTS_FOLDER = "reports"
PARTS_FOLDER = f"{REPORTS_FOLDER}/parts"  # a parted report's parts, removed after the join


def reports_dir(folder: str = REPORTS_FOLDER) -> Path:
    """The reports' folder on local disk (where the default storage is the file system)."""
    path = Path(settings.MEDIA_ROOT) / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_storage_name(report: CouncilReport) -> str:
    return f"{REPORTS_FOLDER}/{report.file_name}"


def report_exists(report: CouncilReport) -> bool:
    return bool(report.file_name) and default_storage.exists(report_storage_name(report))


def report_location(report: CouncilReport) -> str:
    """Where the file is, for a person: its path on local disk, else its name in the store."""
    name = report_storage_name(report)
    try:
        return default_storage.path(name)
    except NotImplementedError:  # a remote store has no local path
        return f"{getattr(default_storage, 'bucket_name', '')}:{name}"


def report_open(report: CouncilReport) -> File:
    return default_storage.open(report_storage_name(report), "rb")


def report_content(report: CouncilReport) -> bytes:
    with report_open(report) as handle:
        return handle.read()


def _store(name: str, content: bytes, folder: str = REPORTS_FOLDER) -> None:
    """Put the file (a report's or a part's PDF) under folder/name whole, replacing an earlier
    one of the same name."""
    if isinstance(default_storage, FileSystemStorage):
        _write_atomically(reports_dir(folder) / name, content)
        return
    storage_name = f"{folder}/{name}"
    default_storage.delete(storage_name)  # a takeover renders again under the same name
    saved = default_storage.save(storage_name, ContentFile(content))
    if saved != storage_name:
        raise RuntimeError(f"stored as {saved}, not {storage_name}")


def enqueue(report_id: int) -> bool:
    """Send the report to the queue; False (and the row stays queued) if the broker is away."""
    from candidates.tasks import generate_council_report

    try:
        generate_council_report.apply_async(args=(report_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep enqueues it later
        logger.warning("broker unavailable; report %s stays queued for the sweep", report_id)
        return False
    return True


def report_request(
    *,
    user: User | None,
    as_of: dt.date,
    fiscal_years: list[int] | tuple = (),
    ministries: list[Ministry] | tuple = (),
    stages: list[str] | tuple = (),
    edition: str = ReportEdition.DETAILED,
    queue: bool = True,
) -> CouncilReport:
    """Save a report request and (unless queue=False) enqueue it once the request is committed."""
    if user is not None and not is_secretariat(user):
        raise PermissionDenied(_("報告書の作成を依頼できるのは事務局のみです。"))
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": [_("基準日に未来の日付は指定できません。")]})
    bad_stages = [s for s in stages if s not in Stage.values]
    if bad_stages:
        raise ValidationError({"stages": [_("不明な段階です。")]})
    if edition not in ReportEdition.values:
        raise ValidationError({"edition": [_("不明な版です。")]})
    with transaction.atomic():
        report = CouncilReport.objects.create(
            as_of=as_of,
            fiscal_years=sorted({int(y) for y in fiscal_years}),
            ministry_ids=sorted({m.pk for m in ministries}),
            stages=list(stages),
            edition=edition,
            requested_by=user,
        )
        if queue:
            transaction.on_commit(lambda: enqueue(report.pk), robust=True)
    return report


def report_claim(report_id: int) -> CouncilReport | None:
    """Take the report for this worker: queued, or running but abandoned. None if not ours.
    A parted report is never taken again: its parts and join are (part_claim, join_claim)."""
    now = timezone.now()
    claimable = Q(status=ReportStatus.QUEUED) | Q(
        ~Exists(CouncilReportPart.objects.filter(report=OuterRef("pk"))),
        status=ReportStatus.RUNNING,
        started_at__lt=now - running_stale_after(),
    )
    claimed = CouncilReport.objects.filter(
        claimable, pk=report_id, attempts__lt=MAX_ATTEMPTS
    ).update(status=ReportStatus.RUNNING, started_at=now, attempts=F("attempts") + 1, error="")
    if not claimed:
        return None
    return CouncilReport.objects.get(pk=report_id)


PARTIAL_PREFIX = ".partial-"  # a file being written (_write_atomically), renamed when whole


def _write_atomically(path: Path, content: bytes) -> None:
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=PARTIAL_PREFIX, delete=False
    ) as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
        temporary = Path(handle.name)
    os.replace(temporary, path)


def report_generate(report_id: int) -> CouncilReport | None:
    """Claim, render and store one report; a report already done or taken is left alone. A
    large 詳細版 is planned in parts instead (report_plan): it stays running until the join."""
    from candidates.report_pdf import render_pdf, report_html

    report = report_claim(report_id)
    if report is None:
        return None
    if report_plan(report):
        # Its parts (made here already when tasks run in process) and the join finish it.
        return CouncilReport.objects.get(pk=report_id)
    started = report.started_at
    html = report_html(report)
    rendered = render_pdf(html)
    finished = _store_and_finish(
        report, rendered.content, rendered.page_count, guard=Q(started_at=started)
    )
    if not finished:
        logger.warning("report %s was taken over by another worker; leaving its result", report_id)
    return CouncilReport.objects.get(pk=report_id)


def _store_and_finish(report: CouncilReport, content: bytes, page_count: int, *, guard: Q) -> bool:
    """Store the report's PDF and mark the report done if it is still running under the claim
    that guard names; False if another worker took it over meanwhile. The file stays stored
    either way: a takeover writes the same report under the same name."""
    from candidates.report_pdf import report_file_name

    name = report_file_name(report)
    _store(name, content)
    finished = CouncilReport.objects.filter(
        guard, pk=report.pk, status=ReportStatus.RUNNING
    ).update(
        status=ReportStatus.DONE,
        finished_at=timezone.now(),
        page_count=page_count,
        file_size=len(content),
        file_name=name,
    )
    return bool(finished)


def report_fail(report_id: int, error: str) -> None:
    """Record a permanent failure (the error text is shown to the requester)."""
    CouncilReport.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED, finished_at=timezone.now(), error=error[:2000]
    )


def report_release(report_id: int) -> None:
    """Give a running report back to the queue after a transient error, for a retry."""
    CouncilReport.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
        status=ReportStatus.QUEUED
    )


def _pending_parts_out_of_attempts() -> Q:
    return Q(
        Exists(
            CouncilReportPart.objects.filter(
                report=OuterRef("pk"),
                status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
                attempts__gte=MAX_ATTEMPTS,
            )
        )
    )


def reports_out_of_attempts() -> list[int]:
    """The reports still queued or running that the next sweep fails (out of attempts, the
    report's or one of its parts')."""
    return list(
        CouncilReport.objects.filter(
            Q(attempts__gte=MAX_ATTEMPTS) | _pending_parts_out_of_attempts(),
            status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
        ).values_list("pk", flat=True)
    )


def reports_sweep() -> list[int]:
    """Enqueue again every report stuck queued or running past its limit, every part stuck
    likewise, and every join not made or abandoned; returns the reports' ids."""
    now = timezone.now()
    has_parts = Exists(CouncilReportPart.objects.filter(report=OuterRef("pk")))
    stuck = CouncilReport.objects.filter(
        Q(status=ReportStatus.QUEUED, created_at__lt=now - queued_stale_after())
        | Q(status=ReportStatus.RUNNING, started_at__lt=now - running_stale_after()),
        attempts__lt=MAX_ATTEMPTS,
    ).exclude(has_parts)  # a parted report's parts and join are swept on their own
    ids = list(stuck.values_list("pk", flat=True))
    for report_id in ids:
        enqueue(report_id)
    ids += parts_sweep(now)
    _remove_abandoned_writes()
    failed = _("試行回数の上限に達しました。")
    CouncilReport.objects.filter(
        Q(attempts__gte=MAX_ATTEMPTS) | _pending_parts_out_of_attempts(),
        status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
    ).update(status=ReportStatus.FAILED, finished_at=now, error=failed)
    return sorted(set(ids))


def _remove_abandoned_writes() -> None:
    """Remove what a worker killed while writing a file left: its temporary file, older than
    the stale limit (no write takes that long, so none is still being written)."""
    if not isinstance(default_storage, FileSystemStorage):
        return  # a store's upload is whole or absent
    before = (timezone.now() - running_stale_after()).timestamp()
    for folder in (REPORTS_FOLDER, PARTS_FOLDER):
        for path in reports_dir(folder).glob(f"{PARTIAL_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):  # another sweep took it
                if path.stat().st_mtime < before:
                    path.unlink()


# Parts (candidates/report_parts.py): a large 詳細版 is planned into parts by the worker that
# claims it; any worker renders any part (claim and finish by conditional UPDATEs, as a whole
# report is), and the worker that finishes the last part enqueues the join, which the report's
# join_started_at lets happen once. A part or a join whose worker vanished is taken over after
# the stale limit; the sweep enqueues parts and joins that nobody is making.


def report_plan(report: CouncilReport) -> bool:
    """Plan a claimed report's parts and enqueue them; False when it is rendered whole. A report
    planned before (its planner was killed after planning) keeps its parts."""
    from candidates.report_parts import plan_parts

    if not report.parts.exists():
        specs = plan_parts(report)
        if not specs:
            return False
        with transaction.atomic():
            for index, spec in enumerate(specs):
                CouncilReportPart.objects.get_or_create(
                    report=report, index=index, defaults={"spec": spec}
                )
    pending = list(report.parts.exclude(status=ReportStatus.DONE).values_list("pk", flat=True))
    enqueue_parts(pending)
    if not pending:
        enqueue_join(report.pk)
    return True


def enqueue_parts(part_ids: list[int]) -> bool:
    """Send the parts to the queue as one group (any worker takes any); False if the broker is
    away (they stay queued for the sweep)."""
    from celery import group

    from candidates.tasks import generate_council_report_part

    if not part_ids:
        return True
    try:
        group(generate_council_report_part.si(part_id) for part_id in part_ids).apply_async(
            retry=False
        )
    except Exception:  # noqa: BLE001 - any broker failure: the sweep enqueues them later
        logger.warning("broker unavailable; parts %s stay queued for the sweep", part_ids)
        return False
    return True


def enqueue_join(report_id: int) -> bool:
    from candidates.tasks import join_council_report

    try:
        join_council_report.apply_async(args=(report_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep enqueues it later
        logger.warning("broker unavailable; the join of report %s waits for the sweep", report_id)
        return False
    return True


def part_claim(part_id: int) -> CouncilReportPart | None:
    """Take the part for this worker: queued, or running but abandoned, of a running report."""
    now = timezone.now()
    claimable = Q(status=ReportStatus.QUEUED) | Q(
        status=ReportStatus.RUNNING, started_at__lt=now - running_stale_after()
    )
    claimed = CouncilReportPart.objects.filter(
        claimable, pk=part_id, attempts__lt=MAX_ATTEMPTS, report__status=ReportStatus.RUNNING
    ).update(status=ReportStatus.RUNNING, started_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return CouncilReportPart.objects.select_related("report").get(pk=part_id)


def part_file_name(part: CouncilReportPart) -> str:
    return f"council-report-{part.report_id}-part-{part.index:03d}.pdf"


def part_generate(part_id: int) -> CouncilReportPart | None:
    """Claim, render and store one part; None if it was done or taken."""
    from candidates.report_parts import render_part

    part = part_claim(part_id)
    if part is None:
        return None
    started = part.started_at
    rendered = render_part(part.report, part.spec)
    name = part_file_name(part) if rendered.content else ""
    if rendered.content:
        _store(name, rendered.content, folder=PARTS_FOLDER)
    finished = CouncilReportPart.objects.filter(
        pk=part.pk, status=ReportStatus.RUNNING, started_at=started
    ).update(
        status=ReportStatus.DONE,
        finished_at=timezone.now(),
        page_count=rendered.page_count,
        layout=rendered.layout,
        file_name=name,
    )
    if not finished:
        logger.warning("part %s was taken over by another worker; leaving its result", part_id)
    return part


def parts_done(report_id: int) -> bool:
    parts = CouncilReportPart.objects.filter(report_id=report_id)
    return parts.exists() and not parts.exclude(status=ReportStatus.DONE).exists()


def join_if_ready(report_id: int) -> bool:
    """After a part: enqueue the join when every part is done (twice is harmless)."""
    return parts_done(report_id) and enqueue_join(report_id)


def join_claim(report_id: int) -> CouncilReport | None:
    """Take the join: the report running, every part done, no join made or one abandoned."""
    if not parts_done(report_id):  # done is final for a part: this stays true
        return None
    now = timezone.now()
    claimed = CouncilReport.objects.filter(
        Q(join_started_at__isnull=True) | Q(join_started_at__lt=now - running_stale_after()),
        pk=report_id,
        status=ReportStatus.RUNNING,
        attempts__lt=MAX_ATTEMPTS,
    ).update(join_started_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return CouncilReport.objects.get(pk=report_id)


def part_storage_name(part: CouncilReportPart) -> str:
    return f"{PARTS_FOLDER}/{part.file_name}"


def part_content(part: CouncilReportPart) -> bytes:
    with default_storage.open(part_storage_name(part), "rb") as handle:
        return handle.read()


def report_join(report_id: int) -> CouncilReport | None:
    """Claim the join, join the parts into the report's PDF, store it and finish the report
    (once: conditional on this join's claim); then remove the parts' files."""
    from candidates.report_parts import join_parts, render_part

    report = join_claim(report_id)
    if report is None:
        return None
    claimed = report.join_started_at
    parts = list(report.parts.order_by("index"))
    layouts = [p.layout for p in parts]
    contents = [part_content(p) if p.file_name else b"" for p in parts]
    if "contents" not in layouts[0]:  # a front part made before its contents were stamped
        front = render_part(report, parts[0].spec)
        layouts[0], contents[0] = front.layout, front.content
    joined = join_parts(layouts, contents)
    finished = _store_and_finish(
        report, joined.content, joined.page_count, guard=Q(join_started_at=claimed)
    )
    if not finished:
        logger.warning("the join of report %s was taken over; leaving its result", report_id)
        return CouncilReport.objects.get(pk=report_id)
    for part in parts:
        if part.file_name:
            default_storage.delete(part_storage_name(part))
    return CouncilReport.objects.get(pk=report_id)


def part_release(part_id: int) -> None:
    """Give a running part back to the queue after a transient error, for a retry."""
    CouncilReportPart.objects.filter(pk=part_id, status=ReportStatus.RUNNING).update(
        status=ReportStatus.QUEUED
    )


def join_release(report_id: int) -> None:
    """Let the join be claimed again at once after a transient error, for a retry."""
    CouncilReport.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
        join_started_at=None
    )


def part_fail(part_id: int, error: str) -> int | None:
    """A part failed for good: so does its report. Returns the report's id."""
    part = CouncilReportPart.objects.filter(pk=part_id).first()
    if part is None:
        return None
    CouncilReportPart.objects.filter(pk=part_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED, finished_at=timezone.now()
    )
    report_fail(part.report_id, error)
    return part.report_id


def parts_sweep(now: dt.datetime) -> list[int]:
    """Enqueue the parts stuck queued or running past their limits, and the joins of reports
    whose parts are all done but whose join nobody is making; returns the reports' ids."""
    stuck_parts = CouncilReportPart.objects.filter(
        Q(status=ReportStatus.QUEUED, created_at__lt=now - queued_stale_after())
        | Q(status=ReportStatus.RUNNING, started_at__lt=now - running_stale_after()),
        attempts__lt=MAX_ATTEMPTS,
        report__status=ReportStatus.RUNNING,
    ).values_list("pk", "report_id")
    stuck = list(stuck_parts)
    enqueue_parts([part_id for part_id, _report in stuck])
    pending = CouncilReportPart.objects.filter(report=OuterRef("pk")).exclude(
        status=ReportStatus.DONE
    )
    waiting = CouncilReport.objects.filter(
        Q(join_started_at__isnull=True) | Q(join_started_at__lt=now - running_stale_after()),
        Exists(CouncilReportPart.objects.filter(report=OuterRef("pk"))),
        ~Exists(pending),
        status=ReportStatus.RUNNING,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)
    joins = list(waiting)
    for report_id in joins:
        enqueue_join(report_id)
    return [report_id for _part, report_id in stuck] + joins


def monthly_report_requests(today: dt.date | None = None) -> list[CouncilReport]:
    """The scheduled monthly reports: everything, as of today (requested by nobody), in both
    editions, the summary first."""
    as_of = today or timezone.localdate()
    return [
        report_request(user=None, as_of=as_of, edition=edition)
        for edition in (ReportEdition.SUMMARY, ReportEdition.DETAILED)
    ]


class ReportBeingMadeError(ValidationError):
    def __init__(self):
        super().__init__(
            _("この報告書は作成中のため削除できません。作成が終わってから削除してください。"),
            code="running",
        )


@transaction.atomic
def report_delete(*, user: User, report: CouncilReport) -> None:
    """Delete a report and, after commit, its PDF file. Refused while a worker is making it
    (it would write the file after the row is gone); a worker that vanished does not block."""
    require(is_secretariat(user), _("報告書を削除できるのは事務局のみです。"))
    report = CouncilReport.objects.select_for_update().get(pk=report.pk)
    started = report.started_at
    if report.status == ReportStatus.RUNNING and (
        started is None or started > timezone.now() - running_stale_after()
    ):
        raise ReportBeingMadeError()
    names = [report_storage_name(report)] if report.file_name else []
    names += [part_storage_name(part) for part in report.parts.exclude(file_name="")]
    report.delete()
    for name in names:
        transaction.on_commit(functools.partial(default_storage.delete, name), robust=True)
