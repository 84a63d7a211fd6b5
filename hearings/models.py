from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
