"""Consultations (意見照会): the State asks local governments and their associations for
opinions on a draft, collects their answers and responds to each opinion.

A consultation has a subject (a draft list of candidates, one candidate's promotion-policy
draft, or a free subject), questions, addressees, an opening date, a deadline and a route
(direct, or through prefectures). Rounds and draft lists do not exist yet: the subject is a
kind with a set of candidates, so a round can be added later as one more foreign key.

An answer belongs to one respondent: a local government or an association (never both, a
check constraint). Its working copy (`draft`) is read only by those who answer for that
respondent; what others read are the submitted opinions (`Opinion`, one per question) and
every submission is kept as an `AnswerVersion`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.display import choice_label
from core.text_search import SearchTextField


class SubjectKind(models.TextChoices):
    DRAFT_LIST = "draft_list", _("共通化の対象候補案")
    POLICY_DRAFT = "policy_draft", _("共通化推進方針案")
    FREE = "free", _("その他")


class Route(models.TextChoices):
    DIRECT = "direct", _("直接照会")
    PREFECTURE = "prefecture", _("都道府県経由")


class QuestionKind(models.TextChoices):
    CANDIDATE = "candidate", _("候補ごとの賛否")
    FREE = "free", _("自由記述")


class Position(models.TextChoices):
    AGREE = "agree", _("賛成")
    CONDITIONAL = "conditional", _("条件付き賛成")
    OPPOSE = "oppose", _("反対")
    NO_OPINION = "no_opinion", _("意見なし")


# A position that must say why (the condition, or the reason to oppose).
NEEDS_TEXT = (Position.CONDITIONAL, Position.OPPOSE)


class ResponseKind(models.TextChoices):
    REFLECT = "reflect", _("反映する")
    CONSIDER = "consider", _("今後検討")
    NOT_REFLECT = "not_reflect", _("反映しない")


def opinion_summary(position_label: str, text: str) -> str:
    """意見の概要: the position first where the question asks one (【反対】...)."""
    if position_label and text:
        return f"【{position_label}】{text}"
    return f"【{position_label}】" if position_label else text


def response_display(kind_label: str, text: str) -> str:
    """A response as the results table writes it: 【反映する】text."""
    return f"【{kind_label}】{text}"


class Consultation(models.Model):
    """One 意見照会: its subject, addressees, dates and route; closed once `closed_at` is set."""

    title = models.CharField(_("件名"), max_length=200)
    subject_kind = models.CharField(_("照会の対象"), max_length=20, choices=SubjectKind.choices)
    candidates = models.ManyToManyField(
        "candidates.Candidate",
        verbose_name=_("対象の候補"),
        related_name="consultations",
        blank=True,
    )
    subject_text = models.CharField(
        _("照会事項"),
        max_length=200,
        blank=True,
        help_text=_("その他の照会の場合、何について意見を求めるか"),
    )
    description = models.TextField(_("照会の趣旨"), blank=True)
    opens_on = models.DateField(_("照会開始日"))
    deadline = models.DateField(_("回答期限"))
    route = models.CharField(
        _("照会経路"), max_length=20, choices=Route.choices, default=Route.DIRECT
    )
    to_all_local_governments = models.BooleanField(_("全地方公共団体"), default=False)
    to_kinds = models.JSONField(_("区分"), default=list, blank=True)
    to_prefectures = models.ManyToManyField(
        "municipalities.LocalGovernment",
        verbose_name=_("都道府県（管内の市区町村を含む）"),
        related_name="+",
        blank=True,
    )
    to_associations = models.ManyToManyField(
        "municipalities.Association",
        verbose_name=_("関係団体"),
        related_name="consultations",
        blank=True,
    )
    hearings = models.ManyToManyField(
        "hearings.Meeting",
        verbose_name=_("関連するヒアリング"),
        related_name="consultations",
        blank=True,
        help_text=_("関係団体からのヒアリング：その発言を意見と並べて示します。"),
    )
    closed_at = models.DateTimeField(_("締切日時"), null=True, blank=True)
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("意見照会")
        verbose_name_plural = _("意見照会")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")),
                name="consultation_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(subject_kind=SubjectKind.FREE) | ~Q(subject_text=""),
                name="consultation_free_subject_named",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_open_on(self, day) -> bool:
        """Answers are taken from the opening date until the secretariat closes it (after the
        deadline they are still taken, and marked late)."""
        return not self.is_closed and day >= self.opens_on

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def through_prefectures(self) -> bool:
        return self.route == Route.PREFECTURE

    @property
    def subject_kind_label(self) -> str:
        return choice_label(SubjectKind, self.subject_kind)

    @property
    def route_label(self) -> str:
        return choice_label(Route, self.route)

    @property
    def to_kind_labels(self) -> list[str]:
        from municipalities.models import Kind

        return [choice_label(Kind, kind) for kind in self.to_kinds]


class Question(models.Model):
    """One question: a candidate's (answered with a position and text) or a free-text one."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    kind = models.CharField(_("設問の種類"), max_length=20, choices=QuestionKind.choices)
    candidate = models.ForeignKey(
        "candidates.Candidate",
        verbose_name=_("候補"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_questions",
    )
    text = models.TextField(_("設問"), blank=True)

    class Meta:
        verbose_name = _("設問")
        verbose_name_plural = _("設問")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="question_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind=QuestionKind.CANDIDATE, candidate__isnull=False)
                | Q(kind=QuestionKind.FREE, candidate__isnull=True),
                name="question_candidate_iff_candidate_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}/{self.number}"

    @property
    def asks_position(self) -> bool:
        return self.kind == QuestionKind.CANDIDATE

    @property
    def heading(self) -> str:
        """What the question is about, as the results table's 該当箇所 begins."""
        return self.candidate.name if self.candidate is not None else self.text


class Answer(models.Model):
    """One respondent's answer to one consultation: a draft until submitted, then correctable
    (each submission kept as an AnswerVersion) until the consultation closes."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers")
    local_government = models.ForeignKey(
        "municipalities.LocalGovernment",
        verbose_name=_("団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_answers",
    )
    association = models.ForeignKey(
        "municipalities.Association",
        verbose_name=_("関係団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_answers",
    )
    # The working copy, by question pk: {"12": {"position": "agree", "section": "", "text": ""}}.
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(_("下書き保存日時"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("初回提出日時"), null=True, blank=True)
    is_late = models.BooleanField(_("期限後の回答"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    via_prefecture = models.ForeignKey(
        "municipalities.LocalGovernment",
        verbose_name=_("取りまとめた都道府県"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        constraints = [
            models.CheckConstraint(
                condition=Q(local_government__isnull=False, association__isnull=True)
                | Q(local_government__isnull=True, association__isnull=False),
                name="answer_one_respondent",
            ),
            models.UniqueConstraint(
                fields=["consultation", "local_government"],
                condition=Q(local_government__isnull=False),
                name="answer_one_per_body",
            ),
            models.UniqueConstraint(
                fields=["consultation", "association"],
                condition=Q(association__isnull=False),
                name="answer_one_per_association",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "submitted_at"], name="answer_submitted")]

    def __str__(self) -> str:
        return f"{self.consultation_id}/{self.respondent_name}"

    @property
    def respondent_name(self) -> str:
        if self.local_government is not None:
            return self.local_government.qualified_name
        return self.association.name if self.association is not None else ""

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Response(models.Model):
    """対応: the answer the State gives to one opinion or to a group of similar opinions."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    kind = models.CharField(_("対応"), max_length=20, choices=ResponseKind.choices)
    text = models.TextField(_("対応の内容"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記入者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("記入日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("意見への対応")
        verbose_name_plural = _("意見への対応")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:30]}"

    @property
    def kind_label(self) -> str:
        return choice_label(ResponseKind, self.kind)

    @property
    def display(self) -> str:
        return response_display(self.kind_label, self.text)


class Opinion(models.Model):
    """One submitted opinion: a respondent's answer to one question, as last submitted."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="opinions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="opinions")
    position = models.CharField(_("賛否"), max_length=20, choices=Position.choices, blank=True)
    section = models.CharField(_("該当箇所"), max_length=200, blank=True)
    text = models.TextField(_("意見"), blank=True)
    response = models.ForeignKey(
        Response,
        verbose_name=_("対応"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
    )
    # The answer's consultation and the results table's order (question, then bodies by code,
    # then associations), written with the opinion: a page of a consultation's 50,000
    # opinions is then read from one index instead of sorting them through four joins
    # (docs/benchmarks.md).
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="+", null=True, editable=False
    )
    sort_key = models.CharField(max_length=32, blank=True, editable=False)
    # The results page's words filter looks the words up here (core/text_search.py): on
    # PostgreSQL through a GIN index (migration 0004) instead of reading all 50,000 texts.
    search_text = SearchTextField(sources=["section", "text"], indexed=True)

    class Meta:
        verbose_name = _("意見")
        verbose_name_plural = _("意見")
        ordering = ["answer", "question__number"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "question"], name="opinion_one_per_question")
        ]
        indexes = [
            models.Index(fields=["consultation", "sort_key", "id"], name="opinion_results_order")
        ]

    def __str__(self) -> str:
        return f"{self.answer_id}/{self.question_id}: {self.position}"

    @property
    def position_label(self) -> str:
        return choice_label(Position, self.position) if self.position else ""

    @property
    def summary(self) -> str:
        return opinion_summary(self.position_label, self.text)


def opinion_sort_key(question_number: int, answer: Answer) -> str:
    """Where an opinion stands in the results table: by question, then local governments by
    code, then associations by their display order."""
    if answer.local_government is not None:
        return f"{question_number:04d}0{answer.local_government.code}"
    association = answer.association
    return f"{question_number:04d}1{association.display_order:06d}{association.pk:08d}"  # type: ignore[union-attr]


class AnswerVersion(models.Model):
    """One submission of an answer, kept for ever: what was submitted, by whom, when, late or
    not. The first is number 1; each correction adds the next."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版"))
    content = models.JSONField(_("内容"))
    submitted_at = models.DateTimeField(_("提出日時"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_late = models.BooleanField(_("期限後の提出"), default=False)

    class Meta:
        verbose_name = _("回答の版")
        verbose_name_plural = _("回答の版")
        ordering = ["answer", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "number"], name="answer_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.answer_id} v{self.number}"
