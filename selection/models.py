"""The yearly selection round (令和N年度の選定) and the proposals (提案・要望) that feed it.

A round holds its drafts (候補案: candidates at the stage `draft`), each with a short assessment
against the basic policy's screening criteria (効果の見込み, 実現可能性) and a proposed outcome:
selected, deferred or not selected (with a reason). The council decides the round once, at a
council meeting (連絡協議会) or in writing (書面, with a date and a reason); the decision moves the
selected drafts to 候補選定 as 「共通化候補（令和N年度選定分）」 and freezes the round.

A proposal belongs to one proposer: a local government or an association (never both, a check
constraint). The secretariat triages it once: it becomes a draft in a named round, is merged
into an existing draft or candidate, or is answered without a draft (with a reason).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.display import choice_label, fiscal_year_display


class DecisionMethod(models.TextChoices):
    MEETING = "meeting", _("連絡協議会の会議")
    WRITTEN = "written", _("書面")


class Outcome(models.TextChoices):
    PENDING = "pending", _("未定")
    SELECTED = "selected", _("選定")
    DEFERRED = "deferred", _("継続検討")
    NOT_SELECTED = "not_selected", _("選定しない")


class SelectionRound(models.Model):
    """令和N年度の選定: the drafts of one fiscal year and the council's decision on them."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, help_text=_("西暦の開始年（例：2026 = 令和8年度）")
    )
    note = models.TextField(_("備考"), blank=True)
    decision_method = models.CharField(
        _("決定の方法"), max_length=10, choices=DecisionMethod.choices, blank=True
    )
    decided_on = models.DateField(_("決定日"), null=True, blank=True)
    meeting = models.ForeignKey(
        "hearings.Meeting",
        verbose_name=_("決定した会議"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="selection_rounds",
    )
    decision_reason = models.TextField(_("決定の理由・備考"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
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
        verbose_name = _("年度の選定")
        verbose_name_plural = _("年度の選定")
        ordering = ["-fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2019) & Q(fiscal_year__lte=2100),
                name="round_fiscal_year_plausible",
            ),
            # Decided means: a date and a way; in writing (書面) also a reason; at a meeting, it.
            models.CheckConstraint(
                condition=Q(decision_method="", decided_on__isnull=True)
                | (
                    Q(decision_method=DecisionMethod.MEETING, meeting__isnull=False)
                    & Q(decided_on__isnull=False)
                )
                | (
                    Q(decision_method=DecisionMethod.WRITTEN, decided_on__isnull=False)
                    & ~Q(decision_reason="")
                ),
                name="round_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("selection:round_detail", args=[self.pk])

    @property
    def title(self) -> str:
        return gettext("%(fy)sの選定") % {"fy": fiscal_year_display(self.fiscal_year)}

    @property
    def is_decided(self) -> bool:
        return self.decided_on is not None

    @property
    def decision_method_label(self) -> str:
        return choice_label(DecisionMethod, self.decision_method)


class RoundDraft(models.Model):
    """One draft (候補案) in a round: its screening assessment and outcome. A draft deferred in
    one round may be taken up again in a later one (one row per round)."""

    round = models.ForeignKey(
        SelectionRound,
        on_delete=models.CASCADE,
        related_name="drafts",
        verbose_name=_("年度の選定"),
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.PROTECT,
        related_name="round_entries",
        verbose_name=_("候補案"),
    )
    effect_assessment = models.TextField(
        _("効果の見込み"), blank=True, help_text=_("共通化による効果が見込まれるか")
    )
    feasibility_assessment = models.TextField(
        _("実現可能性"), blank=True, help_text=_("共通化が実現可能か")
    )
    outcome = models.CharField(
        _("結果"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_reason = models.TextField(_("理由"), blank=True)
    position = models.PositiveSmallIntegerField(_("順序"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("候補案")
        verbose_name_plural = _("候補案")
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate"], name="round_draft_unique"),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.NOT_SELECTED) | ~Q(outcome_reason=""),
                name="round_draft_not_selected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.candidate}"

    @property
    def outcome_label(self) -> str:
        return choice_label(Outcome, self.outcome)


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("受付済み")
    DRAFTED = "drafted", _("候補案として検討")
    MERGED = "merged", _("既存の候補案・候補に統合")
    ANSWERED = "answered", _("回答済み（候補案としない）")


# The outcomes of triage (a proposal leaves 受付済み once, to one of these).
TRIAGE_OUTCOMES = (ProposalStatus.DRAFTED, ProposalStatus.MERGED, ProposalStatus.ANSWERED)


class Proposal(models.Model):
    """A proposal (提案・要望) from a local government or an association, and its triage."""

    title = models.CharField(_("件名"), max_length=200)
    concerns = models.CharField(
        _("対象のシステム・業務"), max_length=200, help_text=_("例：選挙人名簿管理システム")
    )
    text = models.TextField(_("提案・要望の内容"))
    local_government = models.ForeignKey(
        "municipalities.LocalGovernment",
        verbose_name=_("提案した地方公共団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    association = models.ForeignKey(
        "municipalities.Association",
        verbose_name=_("提案した関係団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_on = models.DateField(_("提出日"))
    status = models.CharField(
        _("状況"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
        db_index=True,
    )
    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("検討する年度の選定"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        verbose_name=_("対応する候補案・候補"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    answer = models.TextField(_("事務局からの回答"), blank=True)
    triaged_on = models.DateField(_("処理日"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("処理者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("提案・要望")
        verbose_name_plural = _("提案・要望")
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_government__isnull=True, association__isnull=False)
                | Q(local_government__isnull=False, association__isnull=True),
                name="proposal_one_proposer",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.ANSWERED) | ~Q(answer=""),
                name="proposal_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ProposalStatus.DRAFTED, ProposalStatus.MERGED])
                | Q(candidate__isnull=False),
                name="proposal_drafted_or_merged_names_candidate",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("selection:proposal_detail", args=[self.pk])

    @property
    def proposer(self):
        return self.local_government or self.association

    @property
    def status_label(self) -> str:
        return choice_label(ProposalStatus, self.status)

    @property
    def is_triaged(self) -> bool:
        return self.status != ProposalStatus.SUBMITTED


class ProposalAttachment(models.Model):
    """A file sent with a proposal; read only by those who read the proposal (a view checks)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("提案・要望")
    )
    file = models.FileField(_("ファイル"), upload_to="proposals/%Y/")
    name = models.CharField(_("ファイル名"), max_length=200)
    size = models.PositiveIntegerField(_("サイズ"))

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")
        ordering = ["proposal", "pk"]

    def __str__(self) -> str:
        return self.name
