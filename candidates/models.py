import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from candidates.lifecycle import JUDGMENTS, Stage, is_decided, is_draft
from core.display import choice_label, fiscal_year_display, stated_date_display
from core.models import ChangeRecord
from core.stated_dates import Precision, Slip, last_day, slip_between
from core.text_search import SearchTextField


class Ministry(models.Model):
    """A responsible ministry (制度所管府省庁), optionally one of its bureaus."""

    name = models.CharField(_("府省庁名"), max_length=50)
    bureau = models.CharField(_("部局"), max_length=100, blank=True)
    name_en = models.CharField(_("英語名称"), max_length=150, blank=True)
    display_order = models.PositiveSmallIntegerField(_("表示順"), default=100)
    search_text = SearchTextField(sources=["name", "bureau", "name_en"])

    class Meta:
        verbose_name = _("府省庁")
        verbose_name_plural = _("府省庁")
        ordering = ["display_order", "name", "bureau"]
        constraints = [
            models.UniqueConstraint(fields=["name", "bureau"], name="ministry_name_bureau_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}{self.bureau}" if self.bureau else self.name


class Candidate(models.Model):
    """A common-platform candidate (共通化対象候補) and where it stands in the lifecycle."""

    name = models.CharField(_("名称"), max_length=200)
    summary = models.TextField(_("概要"), blank=True)
    business_area = models.CharField(_("業務分野"), max_length=100, blank=True)
    selected_fiscal_year = models.PositiveSmallIntegerField(
        _("選定年度"), help_text=_("西暦の開始年（例：2025 = 令和7年度）")
    )
    decided_fiscal_year = models.PositiveSmallIntegerField(_("決定年度"), null=True, blank=True)
    lead_ministry = models.ForeignKey(
        Ministry,
        verbose_name=_("主担当府省庁"),
        on_delete=models.PROTECT,
        related_name="led_candidates",
    )
    co_ministries = models.ManyToManyField(
        Ministry, verbose_name=_("共同担当府省庁"), related_name="co_candidates", blank=True
    )
    stage = models.CharField(
        _("段階"), max_length=30, choices=Stage.choices, default=Stage.SELECTED, db_index=True
    )
    judgment = models.CharField(
        _("判断"),
        max_length=30,
        choices=[(s.value, s.label) for s in JUDGMENTS],
        blank=True,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = SearchTextField(sources=["name", "summary", "business_area"], indexed=True)

    history = HistoricalRecords(
        m2m_fields=[co_ministries], excluded_fields=["updated_at", "search_text"]
    )

    # Annotations that exist only on rows read through selectors.with_next_milestone() (see
    # next_milestone).
    next_milestone_planned_date: dt.date | None
    next_milestone_planned_precision: str
    next_milestone_kind: str
    next_milestone_name: str

    class Meta:
        verbose_name = _("共通化候補")
        verbose_name_plural = _("共通化候補")
        ordering = ["-selected_fiscal_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_fiscal_year__isnull=True)
                | Q(decided_fiscal_year__gte=F("selected_fiscal_year")),
                name="candidate_decided_not_before_selected",
            ),
            models.CheckConstraint(
                condition=Q(selected_fiscal_year__gte=2019) & Q(selected_fiscal_year__lte=2100),
                name="candidate_selected_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("candidates:detail", args=[self.pk])

    @property
    def next_milestone(self) -> "Milestone | None":
        """The earliest milestone still to be reached: from the annotations of
        selectors.with_next_milestone() when the query made them (an unsaved Milestone holding
        kind, name and planned date), else from the (prefetched) milestones."""
        if hasattr(self, "next_milestone_planned_date"):
            if self.next_milestone_planned_date is None:
                return None
            return Milestone(
                candidate=self,
                kind=self.next_milestone_kind,
                name=self.next_milestone_name,
                planned_date=self.next_milestone_planned_date,
                planned_precision=self.next_milestone_planned_precision,
            )
        pending = [
            (m.planned_date, m)
            for m in self.milestones.all()
            if m.actual_date is None and m.planned_date
        ]
        return min(pending, key=lambda dated: dated[0], default=(None, None))[1]

    @property
    def stage_label(self) -> str:
        return choice_label(Stage, self.stage)

    @property
    def judgment_note(self) -> str:
        """The judgment, when the stage no longer says it (「推進方針案」 after 「判断：共通化を進める」);
        empty while the stage is the judgment itself, which would show it twice."""
        if not self.judgment or self.judgment == self.stage:
            return ""
        return choice_label(Stage, self.judgment)

    @property
    def is_decided(self) -> bool:
        return is_decided(self.stage)

    @property
    def is_draft(self) -> bool:
        return is_draft(self.stage)

    @property
    def official_label(self) -> str:
        """「共通化候補（令和7年度選定分）」 or, once decided, 「共通化対象（令和7年度決定分）」; a draft
        not yet selected is 「共通化の対象候補案（令和8年度）」."""
        if self.is_draft:
            return gettext("共通化の対象候補案（%(fy)s）") % {
                "fy": fiscal_year_display(self.selected_fiscal_year)
            }
        if self.is_decided and self.decided_fiscal_year:
            return gettext("共通化対象（%(fy)s決定分）") % {
                "fy": fiscal_year_display(self.decided_fiscal_year)
            }
        return gettext("共通化候補（%(fy)s選定分）") % {
            "fy": fiscal_year_display(self.selected_fiscal_year)
        }


class LifecycleTransition(models.Model):
    """One decision moving a candidate between stages: when, where decided, why, by whom."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("候補")
    )
    from_stage = models.CharField(_("変更前"), max_length=30, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("変更後"), max_length=30, choices=Stage.choices)
    decided_on = models.DateField(_("決定日"))
    meeting = models.ForeignKey(
        "hearings.Meeting",
        verbose_name=_("決定した会議"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    meeting_text = models.CharField(_("決定した会議（自由記述）"), max_length=200, blank=True)
    note = models.TextField(_("備考・理由"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("記録者")
    )
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("段階の変更")
        verbose_name_plural = _("段階の変更")
        ordering = ["decided_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"


class MilestoneKind(models.TextChoices):
    POLICY_DECISION = "policy_decision", _("推進方針決定")
    REQUIREMENTS = "requirements", _("要件定義")
    PROCUREMENT = "procurement", _("調達")
    DEVELOPMENT = "development", _("設計・開発")
    PILOT = "pilot", _("実証")
    SERVICE_START = "service_start", _("供用開始")
    OTHER = "other", _("その他")


class Milestone(models.Model):
    """A dated step of a candidate's schedule: baseline (当初予定, the date in the consented
    promotion policy), planned, actual. Not 基準日: officials use that word for a report's
    as-of date."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("候補")
    )
    kind = models.CharField(_("種類"), max_length=30, choices=MilestoneKind.choices)
    name = models.CharField(_("名称（その他の場合）"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("順序"), default=0)
    baseline_date = models.DateField(
        _("当初予定"),
        null=True,
        blank=True,
        help_text=_("推進方針上の予定（同意された推進方針での日付）。事務局のみ変更できます。"),
    )
    baseline_precision = models.CharField(
        _("当初予定の精度"), max_length=20, choices=Precision.choices, default=Precision.DAY
    )
    planned_date = models.DateField(_("現在の予定日"), null=True, blank=True)
    # A date stated as 令和8年3月, 令和8年度上期 or 令和7年度中 is stored as the last day its
    # precision allows (core/stated_dates.py): slipped and overdue stay date comparisons.
    planned_precision = models.CharField(
        _("現在の予定日の精度"), max_length=20, choices=Precision.choices, default=Precision.DAY
    )
    actual_date = models.DateField(_("実績日"), null=True, blank=True)
    progress_note = models.TextField(_("進捗メモ"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("マイルストーン")
        verbose_name_plural = _("マイルストーン")
        ordering = ["candidate", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(name=""), name="milestone_other_needs_name"
            )
        ]
        indexes = [
            # What is due, earliest first (the dashboard's first 20 of about 2,000 pending
            # milestones at the council's scale): 3.8 ms → 0.1 ms (docs/benchmarks.md).
            models.Index(
                fields=["planned_date"],
                condition=Q(actual_date__isnull=True),
                name="milestone_pending_planned",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return (
            self.name
            if self.kind == MilestoneKind.OTHER
            else choice_label(MilestoneKind, self.kind)
        )

    @property
    def effective(self) -> dt.date | None:
        return self.actual_date or self.planned_date

    @property
    def effective_precision(self) -> str:
        """An actual date is a day; a planned one has the precision it was stated with."""
        return Precision.DAY if self.actual_date else self.planned_precision

    @property
    def slip_days(self) -> int | None:
        """Days later (+) or earlier (-) than the baseline, between the last days the two
        stated precisions allow; None without both dates."""
        if self.baseline_date is None or self.effective is None:
            return None
        return (self.effective - self.baseline_date).days

    @property
    def slip(self) -> Slip | None:
        """The slip in the unit the two dates share (「1年度遅れ」 when both are fiscal years)."""
        if self.baseline_date is None or self.effective is None:
            return None
        return slip_between(
            self.baseline_precision, self.baseline_date, self.effective_precision, self.effective
        )

    @property
    def baseline_written(self) -> str:
        """The 当初予定 as written (令和7年度中), in the active language; empty when unset."""
        return stated_date_display(self.baseline_precision, self.baseline_date)

    @property
    def planned_written(self) -> str:
        return stated_date_display(self.planned_precision, self.planned_date)

    @property
    def effective_written(self) -> str:
        """The actual date, else the planned date as written."""
        return stated_date_display(self.effective_precision, self.effective)

    def clean(self) -> None:
        errors = {}
        for field in ("baseline", "planned"):
            date, precision = getattr(self, f"{field}_date"), getattr(self, f"{field}_precision")
            if date is not None and last_day(precision, date) != date:
                errors[f"{field}_date"] = gettext(
                    "精度に合わない日付です（期間の末日を保存します）。"
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_slipped(self) -> bool:
        """Slipped: the actual date (else the planned date) is after the baseline. The same
        rule as `selectors.slipped_q`, read on one loaded row (tests hold the two equal)."""
        return (self.slip_days or 0) > 0

    def overdue_days_on(self, today: dt.date) -> int | None:
        """Days since the planned date passed while the milestone is not reached (期限超過), on
        `today`; None when it is reached, undated or not yet due. The same rule as
        `selectors.overdue_q`, read on one loaded row (tests hold the two equal).

        Not the slip: a milestone planned on its baseline and never reached is overdue without
        having slipped, and one moved 91 days later a year ago is 91 days slipped and a year
        overdue."""
        if self.actual_date is not None or self.planned_date is None:
            return None
        days = (today - self.planned_date).days
        return days if days > 0 else None

    @property
    def overdue_days(self) -> int | None:
        """overdue_days_on() today (Asia/Tokyo)."""
        return self.overdue_days_on(timezone.localdate())


class DateField(models.TextChoices):
    BASELINE = "baseline_date", _("当初予定")
    PLANNED = "planned_date", _("予定日")
    ACTUAL = "actual_date", _("実績日")


class MilestoneChange(ChangeRecord):
    """A change of one milestone date, kept for ever: old, new, why, added value, who, when."""

    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("マイルストーン"),
    )
    field = models.CharField(_("項目"), max_length=20, choices=DateField.choices)
    old_date = models.DateField(_("変更前"), null=True, blank=True)
    old_precision = models.CharField(
        _("変更前の精度"), max_length=20, choices=Precision.choices, default=Precision.DAY
    )
    new_date = models.DateField(_("変更後"), null=True, blank=True)
    new_precision = models.CharField(
        _("変更後の精度"), max_length=20, choices=Precision.choices, default=Precision.DAY
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("日付の変更")
        verbose_name_plural = _("日付の変更")

    def __str__(self) -> str:
        return f"{self.milestone}: {self.old_date} → {self.new_date}"

    @property
    def old_written(self) -> str:
        return stated_date_display(self.old_precision, self.old_date)

    @property
    def new_written(self) -> str:
        return stated_date_display(self.new_precision, self.new_date)

    @property
    def is_later(self) -> bool:
        return bool(self.old_date and self.new_date and self.new_date > self.old_date)


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("順調")
    AT_RISK = "at_risk", _("懸念あり")
    DELAYED = "delayed", _("遅延")


class ProgressUpdate(models.Model):
    """A periodic progress report by the ministry: cost, function and schedule judged together."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="progress_updates", verbose_name=_("候補")
    )
    as_of = models.DateField(_("時点"))
    status = models.CharField(_("状況"), max_length=20, choices=ProgressStatus.choices)
    cost_note = models.TextField(_("費用"), blank=True)
    function_note = models.TextField(_("機能"), blank=True)
    schedule_note = models.TextField(_("スケジュール"), blank=True)
    next_steps = models.TextField(_("今後の予定"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("記入者")
    )
    created_at = models.DateTimeField(_("記入日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("進捗報告")
        verbose_name_plural = _("進捗報告")
        ordering = ["-as_of", "-created_at"]
        get_latest_by = ["as_of", "created_at"]

    def __str__(self) -> str:
        return f"{self.candidate} ({self.as_of})"


class ReportEdition(models.TextChoices):
    """概要版: the first-page summary, one row per candidate, the slips and the overdue items (a
    few pages for 500 candidates); 詳細版: that, then a page or more per candidate."""

    SUMMARY = "summary", _("概要版")
    DETAILED = "detailed", _("詳細版")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("作成中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class CouncilReport(models.Model):
    """A council progress report (PDF) requested for an as-of date and a scope.

    Made by a Celery worker: the row is claimed queued -> running by a conditional UPDATE, the
    file is written atomically, then the row is marked done; a sweep re-enqueues stuck rows.
    """

    status = models.CharField(
        _("状態"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.QUEUED,
        db_index=True,
    )
    as_of = models.DateField(pgettext_lazy("a report's as-of date", "基準日"))
    fiscal_years = models.JSONField(_("対象年度"), default=list, blank=True)
    ministry_ids = models.JSONField(_("対象府省庁"), default=list, blank=True)
    stages = models.JSONField(_("対象段階"), default=list, blank=True)
    edition = models.CharField(
        pgettext_lazy("report edition", "版"),
        max_length=10,
        choices=ReportEdition.choices,
        default=ReportEdition.DETAILED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("依頼者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("空欄は定期作成"),
    )
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    page_count = models.PositiveIntegerField(_("ページ数"), null=True, blank=True)
    file_size = models.PositiveIntegerField(_("ファイルサイズ"), null=True, blank=True)
    file_name = models.CharField(_("ファイル"), max_length=200, blank=True)
    error = models.TextField(_("エラー"), blank=True)
    # A 詳細版 of more than one chunk of candidates is rendered in parts (CouncilReportPart) by
    # any workers and joined once: the join is claimed by setting this (conditional UPDATE).
    join_started_at = models.DateTimeField(_("結合開始日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("協議会向け進捗報告")
        verbose_name_plural = _("協議会向け進捗報告")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    def part_progress(self) -> tuple[int, int] | None:
        """(parts done, parts) of a parted report being made, for its row's progress; one query,
        and none for a report that is not running."""
        if self.status != ReportStatus.RUNNING:
            return None
        counts = self.parts.aggregate(
            total=models.Count("pk"), done=models.Count("pk", filter=Q(status=ReportStatus.DONE))
        )
        return (counts["done"], counts["total"]) if counts["total"] else None


class CouncilReportPart(models.Model):
    """One part of a council report rendered on its own (candidates/report_parts.py): the
    front matter, a chunk of the slip table, or a chunk of candidates. Claimed and finished by
    conditional UPDATEs as the report is; its PDF is stored under reports/parts/ until the join.
    """

    report = models.ForeignKey(CouncilReport, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField(_("番号"))
    spec = models.JSONField(_("内容"), default=dict)  # what the part shows (report_parts.py)
    status = models.CharField(
        _("状態"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    page_count = models.PositiveIntegerField(_("ページ数"), null=True, blank=True)
    # Where its anchors and bookmarks are (page within the part, CSS px): for the join.
    layout = models.JSONField(_("配置"), default=dict, blank=True)
    file_name = models.CharField(_("ファイル"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("協議会向け進捗報告の部分")
        verbose_name_plural = _("協議会向け進捗報告の部分")
        ordering = ["report", "index"]
        constraints = [
            models.UniqueConstraint(fields=["report", "index"], name="council_report_part_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.index} ({self.get_status_display()})"


class ChangeCounter(models.Model):
    """How many committed transactions changed candidates' data: the key of cached summaries.

    candidates/cache.py bumps it after each commit that saved or deleted a candidate, milestone,
    date change, lifecycle transition, progress update or ministry; a summary cached under an
    older number is never read again.
    """

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
