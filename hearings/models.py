import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.display import stated_date_display
from core.stated_dates import Precision
from core.text_search import SearchTextField


class MeetingKind(models.TextChoices):
    COUNCIL = "council", _("連絡協議会")
    WT = "wt", _("ワーキングチーム")
    HEARING = "hearing", _("個別ヒアリング")
    INTERIM = "interim", _("中間報告会")
    PREP = "prep", _("準備会合")
    OTHER = "other", _("その他")


class Meeting(models.Model):
    """A meeting of the council, the WT, a hearing or an interim report, with its minutes."""

    kind = models.CharField(_("会議の種類"), max_length=20, choices=MeetingKind.choices)
    number = models.PositiveSmallIntegerField(_("回"), null=True, blank=True)
    title = models.CharField(_("会議名"), max_length=200)
    date = models.DateField(_("開催日"), db_index=True)
    start_time = models.TimeField(_("開始時刻"), null=True, blank=True)
    end_time = models.TimeField(_("終了時刻"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    association = models.ForeignKey(
        "municipalities.Association",
        verbose_name=_("ヒアリング対象の団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    speaking_municipalities = models.ManyToManyField(
        "municipalities.LocalGovernment",
        verbose_name=_("説明した地方公共団体"),
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = SearchTextField(sources=["title"], indexed=True)

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = ["-date", "-start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True)
                | models.Q(start_time__isnull=True)
                | models.Q(end_time__gte=models.F("start_time")),
                name="meeting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hearings:detail", args=[self.pk])


class MinutesFormat(models.TextChoices):
    WT = "wt", _("ワーキングチーム形式（議題ごと）")
    HEARING = "hearing", _("ヒアリング形式（質問・回答）")
    TRANSCRIPT = "transcript", _("発言録形式")
    UNKNOWN = "unknown", _("不明")


class Minutes(models.Model):
    """The minutes (議事要旨) of a meeting: the raw text as given, kept beside the structure."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    format = models.CharField(
        _("形式"), max_length=20, choices=MinutesFormat.choices, default=MinutesFormat.UNKNOWN
    )
    raw_text = models.TextField(_("議事要旨の原文"), blank=True)
    unplaced_text = models.TextField(_("構造化できなかった文"), blank=True)
    warnings = models.JSONField(_("取込時の注意"), default=list, blank=True)
    # minutes_normalise.text_digest(raw_text): the same minutes imported twice share it.
    text_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("議事要旨")
        verbose_name_plural = _("議事要旨")

    def __str__(self) -> str:
        return str(self.meeting)


class AttendeeGroup(models.TextChoices):
    HEARD = "heard", _("ヒアリング対象者")
    WT_MEMBER = "wt_member", _("ワーキングチームメンバー")
    COUNCIL_MEMBER = "council_member", _("構成員")
    ASSISTANT = "assistant", _("説明補助者")
    SECRETARIAT = "secretariat", _("事務局")
    OTHER = "other", _("その他")


class Attendee(models.Model):
    """Who attended, by position; a proxy (代理) attends in the member's place."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    position = models.PositiveSmallIntegerField(_("順序"), default=0)
    group = models.CharField(
        _("区分"), max_length=20, choices=AttendeeGroup.choices, default=AttendeeGroup.OTHER
    )
    organisation = models.CharField(_("所属"), max_length=200, blank=True)
    title = models.CharField(_("役職"), max_length=200, blank=True)
    name = models.CharField(_("氏名"), max_length=100)
    proxy_name = models.CharField(_("代理出席者の氏名"), max_length=100, blank=True)
    proxy_unit = models.CharField(_("代理出席者の所属"), max_length=200, blank=True)
    proxy_title = models.CharField(_("代理出席者の役職"), max_length=200, blank=True)
    # The seat the row stands for and its holder on the meeting's date, as the importer and
    # the editor match them (bodies.seat_matching); a proxy's row is the member's seat.
    seat = models.ForeignKey(
        "bodies.Seat",
        verbose_name=_("席"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )
    seat_term = models.ForeignKey(
        "bodies.SeatTerm",
        verbose_name=_("在任期間"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )
    search_text = SearchTextField(
        sources=["organisation", "title", "name", "proxy_unit", "proxy_title", "proxy_name"],
        indexed=True,
    )

    class Meta:
        verbose_name = _("出席者")
        verbose_name_plural = _("出席者")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation}{self.title} {self.name}".strip()

    @property
    def has_proxy(self) -> bool:
        return bool(self.proxy_name)


class AgendaItem(models.Model):
    """An item of the agenda ((1)…(n)): who explained what, with which materials, and the outcome."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("議題"), max_length=300)
    explanation = models.TextField(_("説明"), blank=True)
    materials_text = models.CharField(_("使用した資料"), max_length=300, blank=True)
    outcome = models.TextField(_("結果"), blank=True)
    candidates = models.ManyToManyField(
        "candidates.Candidate",
        verbose_name=_("関連する候補"),
        related_name="agenda_items",
        blank=True,
    )
    search_text = SearchTextField(sources=["title", "explanation", "outcome"], indexed=True)

    class Meta:
        verbose_name = _("議題")
        verbose_name_plural = _("議題")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique")
        ]

    def __str__(self) -> str:
        return f"({self.number}) {self.title}"


class EntryKind(models.TextChoices):
    QUESTION = "question", _("質問")
    ANSWER = "answer", _("回答")
    REMARK = "remark", _("意見・発言")
    SPEECH = "speech", _("発言")
    NOTE = "note", _("注記")


class MinutesEntry(models.Model):
    """One structured piece of the minutes, in order: a question, answer, remark or speech."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(_("順序"), default=0)
    kind = models.CharField(_("種類"), max_length=20, choices=EntryKind.choices)
    question_number = models.PositiveSmallIntegerField(_("質問番号"), null=True, blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("議題"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    speaker = models.CharField(_("発言者"), max_length=200, blank=True)
    text = models.TextField(_("内容"))
    candidates = models.ManyToManyField(
        "candidates.Candidate", verbose_name=_("関連する候補"), related_name="remarks", blank=True
    )
    search_text = SearchTextField(sources=["text"], indexed=True)

    class Meta:
        verbose_name = _("議事の記載")
        verbose_name_plural = _("議事の記載")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class Material(models.Model):
    """A meeting material (資料1-1, 参考資料2 …), optionally with its uploaded PDF."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(_("順序"), default=0)
    label = models.CharField(_("資料番号"), max_length=50)
    title = models.CharField(_("資料名"), max_length=300, blank=True)
    file = models.FileField(_("PDFファイル"), upload_to="materials/%Y/", blank=True)

    class Meta:
        verbose_name = _("資料")
        verbose_name_plural = _("資料")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("request status", "未回答")
    ANSWERED = "answered", pgettext_lazy("request status", "回答済み")
    CLOSED = "closed", pgettext_lazy("request status", "完了")


class FollowUpRequestQuerySet(models.QuerySet):
    def overdue(self, today: dt.date) -> "FollowUpRequestQuerySet":
        """Still open and due before `today`: the one definition of an overdue request (the
        milestones' rule, candidates.selectors.overdue_q, on a due date stated at a precision
        and stored as the last day it allows). FollowUpRequest.overdue_days_on reads the same
        rule on a loaded row."""
        return self.filter(status=RequestStatus.OPEN, due_date__lt=today)


class FollowUpRequest(models.Model):
    """A request (要請・宿題) a meeting addresses to a ministry, or to the secretariat when no
    ministry is named, optionally about one candidate; followed up until the answer is
    reported at a later meeting (WT 9th meeting: 「その結果をご報告いただけるとありがたい」)."""

    # A request goes with its meeting (the delete page counts them), as its remarks do.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="requests", verbose_name=_("要請した会議")
    )
    entry = models.ForeignKey(
        MinutesEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("元の発言"),
    )
    ministry = models.ForeignKey(
        "candidates.Ministry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("宛先の府省庁"),
        help_text=_("空欄は事務局宛て"),
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("対象の候補"),
    )
    text = models.TextField(_("要請の内容"))
    due_date = models.DateField(_("期限"), null=True, blank=True)
    due_precision = models.CharField(
        _("期限の精度"), max_length=20, choices=Precision.choices, default=Precision.DAY
    )
    status = models.CharField(
        _("状態"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
        db_index=True,
    )
    answer = models.TextField(_("府省庁の回答"), blank=True)
    answered_on = models.DateField(_("回答日"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("回答者"),
    )
    reported_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_requests",
        verbose_name=_("回答を報告した会議"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登録者"),
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = FollowUpRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("要請・宿題")
        verbose_name_plural = _("要請・宿題")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RequestStatus.OPEN) | ~Q(answer="") | Q(status="closed"),
                name="request_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answered_on__isnull=False),
                name="request_answer_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("hearings:request_detail", args=[self.pk])

    @property
    def addressee(self) -> str:
        return str(self.ministry) if self.ministry_id else str(_("事務局"))

    @property
    def due_written(self) -> str:
        return stated_date_display(self.due_precision, self.due_date)

    def overdue_days_on(self, today: dt.date) -> int | None:
        """Days past the due date while still open; None otherwise (the overdue() rule)."""
        if self.status != RequestStatus.OPEN or self.due_date is None:
            return None
        days = (today - self.due_date).days
        return days if days > 0 else None

    @property
    def overdue_days(self) -> int | None:
        return self.overdue_days_on(timezone.localdate())


class DecisionKind(models.TextChoices):
    SELECTION = "selection", pgettext_lazy("decision kind", "候補の選定")
    JUDGMENT_REVIEW = "judgment_review", pgettext_lazy("decision kind", "判断の確認")
    CONSENT = "consent", pgettext_lazy("decision kind", "同意")
    REPORT = "report", pgettext_lazy("decision kind", "その他の結果の報告")
    OTHER = "other", pgettext_lazy("decision kind", "その他")


class DecisionBody(models.TextChoices):
    COUNCIL = "council", pgettext_lazy("decision body", "連絡協議会")
    WT = "wt", pgettext_lazy("decision body", "ワーキングチーム")
    WRITTEN = "written", pgettext_lazy("decision body", "書面（連絡協議会）")


class Decision(models.Model):
    """A decision (決定): what a body decided, at which meeting (or in writing, 書面, with a
    date and a reason), on which agenda item, about which candidates. Who may decide what is
    hearings.decision_rules; the body follows from the meeting's kind."""

    kind = models.CharField(_("決定の種類"), max_length=20, choices=DecisionKind.choices)
    body = models.CharField(_("決定した機関"), max_length=20, choices=DecisionBody.choices)
    text = models.TextField(_("決定の内容"))
    # A decision goes with its meeting, as its remarks and requests do.
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decision_records",
        verbose_name=_("決定した会議"),
    )
    meeting_text = models.CharField(_("決定した会議（自由記述）"), max_length=200, blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_records",
        verbose_name=_("議題"),
    )
    candidates = models.ManyToManyField(
        "candidates.Candidate",
        blank=True,
        related_name="decision_records",
        verbose_name=_("対象の候補"),
    )
    decided_on = models.DateField(_("決定日"))
    written_reason = models.TextField(_("書面による理由"), blank=True)
    transition = models.OneToOneField(
        "candidates.LifecycleTransition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_record",
        verbose_name=_("段階の変更"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録者"),
    )
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("決定")
        verbose_name_plural = _("決定")
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body="written") | ~Q(written_reason=""),
                name="decision_written_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(body="written") | Q(meeting__isnull=True),
                name="decision_written_has_no_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def where(self) -> str:
        """The meeting, its free text, or 書面 with the date."""
        if self.meeting_id:
            return str(self.meeting)
        return self.meeting_text or str(self.get_body_display())
