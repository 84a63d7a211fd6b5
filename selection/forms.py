"""Forms of selection rounds and proposals: validation and cleaning only (rules: services.py)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from candidates.lifecycle import Stage
from candidates.models import Candidate, Ministry
from core.display import choice_label
from core.forms import AccessibleForm, DateInput
from hearings.models import Meeting
from selection import selectors
from selection.attachment_files import (
    ALLOWED_SUFFIXES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    suffix_of,
)
from selection.models import TRIAGE_OUTCOMES, DecisionMethod, Outcome, SelectionRound

TEXT_LIMIT = 2000
LONG_TEXT_LIMIT = 20000


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class RoundForm(AccessibleForm):
    fiscal_year = forms.IntegerField(
        label=_("年度"),
        min_value=2019,
        max_value=2100,
        help_text=_("西暦の開始年（例：2026 = 令和8年度）"),
    )
    note = forms.CharField(
        label=_("備考"), widget=_textarea(2), required=False, max_length=TEXT_LIMIT
    )


class DraftAddForm(AccessibleForm):
    """A new draft, or one carried over from an earlier round (deferred there)."""

    candidate = forms.ModelChoiceField(
        label=_("前年度から継続する候補案"),
        queryset=Candidate.objects.none(),
        required=False,
        empty_label=_("新しい候補案を登録する"),
        help_text=_("継続検討とされた候補案を選ぶと、以下の入力は不要です。"),
    )
    name = forms.CharField(label=_("候補案の名称"), max_length=200, required=False)
    lead_ministry = forms.ModelChoiceField(
        label=_("主担当府省庁"), queryset=Ministry.objects.all(), required=False
    )
    business_area = forms.CharField(label=_("業務分野"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("概要"), widget=_textarea(3), required=False, max_length=TEXT_LIMIT
    )

    def __init__(self, *args, selection_round, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["candidate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.carried_drafts(selection_round=selection_round)


class AssessmentForm(AccessibleForm):
    effect_assessment = forms.CharField(
        label=_("効果の見込み"),
        widget=_textarea(3),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("共通化による効果（事務の効率化、住民サービスの向上、費用の削減等）の見込み"),
    )
    feasibility_assessment = forms.CharField(
        label=_("実現可能性"),
        widget=_textarea(3),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("制度・業務の団体間の差異、既存システムの状況等から見た実現可能性"),
    )
    outcome = forms.ChoiceField(
        label=_("結果（案）"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    outcome_reason = forms.CharField(
        label=_("理由"),
        widget=_textarea(2),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("「選定しない」とする場合は必須です。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionForm(AccessibleForm):
    method = forms.ChoiceField(
        label=_("決定の方法"), choices=DecisionMethod.choices, widget=forms.RadioSelect
    )
    meeting = forms.ModelChoiceField(
        label=_("決定した連絡協議会の会議"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("会議で決定した場合。決定日は会議の開催日です。"),
    )
    decided_on = forms.DateField(label=_("書面で決定した日"), widget=DateInput, required=False)
    reason = forms.CharField(
        label=_("理由・備考"),
        widget=_textarea(3),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("書面で決定する場合は、その理由が必須です。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.council_meetings()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _check_attachment(upload) -> None:
    suffix = suffix_of(upload.name)
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(
            _("「%(name)s」は登録できない形式です（PDF、Word、Excel、テキストのみ）。"),
            params={"name": upload.name},
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("「%(name)s」が大きすぎます（1ファイル10MBまで）。"), params={"name": upload.name}
        )
    head = upload.read(8)
    upload.seek(0)
    signatures = ALLOWED_SUFFIXES[suffix]
    if signatures and not head.startswith(signatures):
        raise ValidationError(
            _("「%(name)s」の内容がファイル名の形式と一致しません。"), params={"name": upload.name}
        )
    if not signatures:  # plain text: UTF-8 or Shift_JIS (CP932), no binary
        content = upload.read()
        upload.seek(0)
        if b"\x00" in content or not _decodes(content):
            raise ValidationError(
                _("「%(name)s」はテキストとして読めません（UTF-8 または Shift_JIS）。"),
                params={"name": upload.name},
            )


def _decodes(content: bytes) -> bool:
    for encoding in ("utf-8", "cp932"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


class ProposalForm(AccessibleForm):
    title = forms.CharField(label=_("件名"), max_length=200)
    concerns = forms.CharField(
        label=_("対象のシステム・業務"),
        max_length=200,
        help_text=_("例：選挙人名簿管理システム、農地台帳に関する業務"),
    )
    text = forms.CharField(
        label=_("提案・要望の内容"), widget=_textarea(10), max_length=LONG_TEXT_LIMIT
    )
    attachments = MultipleFileField(
        label=_("添付ファイル"),
        required=False,
        help_text=_("PDF、Word、Excel、テキスト。1ファイル10MBまで、5ファイルまで。"),
    )

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("添付ファイルは5ファイルまでです。"))
        for upload in files:
            _check_attachment(upload)
        return files


class TriageForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("処理の結果"),
        choices=[(s.value, s.label) for s in TRIAGE_OUTCOMES],
        widget=forms.RadioSelect,
    )
    round = forms.ModelChoiceField(
        label=_("候補案を加える年度の選定"),
        queryset=SelectionRound.objects.none(),
        required=False,
        help_text=_("「候補案として検討」の場合"),
    )
    draft_name = forms.CharField(
        label=_("候補案の名称"),
        max_length=200,
        required=False,
        help_text=_("空欄の場合は「対象のシステム・業務」を名称とします。"),
    )
    lead_ministry = forms.ModelChoiceField(
        label=_("主担当府省庁"),
        queryset=Ministry.objects.all(),
        required=False,
        help_text=_("「候補案として検討」の場合"),
    )
    candidate = forms.ModelChoiceField(
        label=_("統合する候補案・候補"),
        queryset=Candidate.objects.none(),
        required=False,
        help_text=_("「既存の候補案・候補に統合」の場合"),
    )
    answer = forms.CharField(
        label=_("提案した団体への回答"),
        widget=_textarea(4),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("「候補案としない」場合は理由を必ず記入してください。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rounds = self.fields["round"]
        assert isinstance(rounds, forms.ModelChoiceField)
        rounds.queryset = selectors.open_rounds()
        targets = self.fields["candidate"]
        assert isinstance(targets, forms.ModelChoiceField)
        targets.queryset = selectors.merge_targets()
        targets.label_from_instance = _target_label


def _target_label(candidate) -> str:
    if candidate.stage == Stage.DRAFT:
        return f"{candidate.name}（{choice_label(Stage, Stage.DRAFT)}）"
    return candidate.name
