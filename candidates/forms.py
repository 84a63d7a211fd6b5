from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from candidates.lifecycle import Stage, allowed_next
from candidates.models import Candidate, MilestoneKind, Ministry, ProgressStatus, ReportEdition
from core.display import date_display, fiscal_year_display
from core.forms import (
    AccessibleForm,
    DateInput,
    added_value_field,
    clean_stated_date,
    stated_date_fields,
)
from hearings import selectors as hearings_selectors


def _fiscal_year_choices():
    this_year = timezone.localdate().year
    return [(year, fiscal_year_display(year)) for year in range(this_year + 1, 2023, -1)]


class VersionedForm(AccessibleForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CandidateForm(VersionedForm):
    name = forms.CharField(label=_("名称"), max_length=200)
    business_area = forms.CharField(label=_("業務分野"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("概要"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    selected_fiscal_year = forms.TypedChoiceField(
        label=_("選定年度"), choices=_fiscal_year_choices, coerce=int
    )
    lead_ministry = forms.ModelChoiceField(label=_("主担当府省庁"), queryset=Ministry.objects.all())
    co_ministries = forms.ModelMultipleChoiceField(
        label=_("共同担当府省庁"),
        queryset=Ministry.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_for(cls, candidate: Candidate) -> dict:
        return {
            "name": candidate.name,
            "business_area": candidate.business_area,
            "summary": candidate.summary,
            "selected_fiscal_year": candidate.selected_fiscal_year,
            "lead_ministry": candidate.lead_ministry,
            "co_ministries": list(candidate.co_ministries.all()),
            "version": candidate.version,
        }


class MeetingSelect(forms.Select):
    """A meeting select whose options carry the meeting's date (data-date), so that
    static/js/decision_date.js can fill the decision date; the form does the same without it."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        meeting = getattr(value, "instance", None)
        if meeting is not None:
            option["attrs"]["data-date"] = meeting.date.isoformat()
        return option


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        """「第9回ワーキングチーム（令和8年2月4日）」: titles repeat across years, dates do not."""
        return gettext("%(title)s（%(date)s）") % {
            "title": obj.title,
            "date": date_display(obj.date),
        }


class TransitionForm(VersionedForm):
    # Every stage is accepted here so that an illegal jump reaches the lifecycle rule and gets
    # its specific message; the select only offers the legal next stages.
    to_stage = forms.ChoiceField(label=_("次の段階"), choices=Stage.choices)
    meeting = MeetingChoiceField(
        label=_("決定した会議"),
        queryset=None,  # the latest meetings, set by __init__
        required=False,
        widget=MeetingSelect,
        help_text=_(
            "判断はそれを確認したワーキングチームの会議、同意・結果の報告は連絡協議会の会議（又は書面）です。"
        ),
    )
    meeting_text = forms.CharField(
        label=_("決定した会議（一覧にない場合）"),
        max_length=200,
        required=False,
        help_text=_("例：第9回ワーキングチーム"),
    )
    written = forms.BooleanField(
        label=_("書面による決定（連絡協議会）"),
        required=False,
        help_text=_("会議を開かず書面で決定した場合。決定日と理由（備考・理由）が必須です。"),
    )
    decided_on = forms.DateField(
        label=_("決定日"),
        widget=DateInput,
        required=False,
        help_text=_("空欄の場合は、選んだ会議の開催日になります。"),
    )
    note = forms.CharField(
        label=_("備考・理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("同意を省略する場合は理由が必須です。"),
    )

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].widget.choices = [
            (stage, Stage(stage).label) for stage in allowed_next(candidate.stage)
        ]
        # The 200 latest meetings are offered, read when the form is made (not at import).
        meeting_field = cast(forms.ModelChoiceField, self.fields["meeting"])
        meeting_field.queryset = hearings_selectors.recent_meetings(limit=200)
        self.initial.setdefault("version", candidate.version)

    def clean(self):
        """A decision taken at a meeting was taken on the meeting's date unless another date is
        entered; without a meeting the date must be entered (today is not assumed: a decision
        recorded days later would get the wrong date)."""
        cleaned = super().clean()
        if not cleaned.get("decided_on") and "decided_on" not in self.errors:
            meeting = cleaned.get("meeting")
            if meeting is not None:
                cleaned["decided_on"] = meeting.date
            else:
                self.add_error(
                    "decided_on", _("決定日を入力するか、決定した会議を選んでください。")
                )
        return cleaned


class MilestoneCreateForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("種類"), choices=MilestoneKind.choices)
    name = forms.CharField(label=_("名称（「その他」の場合）"), max_length=100, required=False)
    baseline_precision, baseline_date, baseline_month, baseline_fiscal_year, baseline_half = (
        stated_date_fields(
            _("当初予定"), help_text=_("推進方針上の予定（同意された推進方針での日付）")
        )
    )
    planned_precision, planned_date, planned_month, planned_fiscal_year, planned_half = (
        stated_date_fields(_("現在の予定日"))
    )

    def __init__(self, *args, can_set_baseline: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_set_baseline:
            for part in ("precision", "date", "month", "fiscal_year", "half"):
                del self.fields[f"baseline_{part}"]

    def clean(self):
        cleaned = super().clean()
        clean_stated_date(self, "baseline")
        clean_stated_date(self, "planned")
        return cleaned


class MilestoneUpdateForm(VersionedForm):
    planned_precision, planned_date, planned_month, planned_fiscal_year, planned_half = (
        stated_date_fields(_("現在の予定日"))
    )
    actual_date = forms.DateField(label=_("実績日"), widget=DateInput, required=False)
    progress_note = forms.CharField(
        label=_("進捗メモ"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason = forms.CharField(
        label=_("変更の理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("予定を後ろ倒しにする場合は、理由又は付加価値のいずれかが必要です。"),
    )
    added_value = added_value_field()

    def clean(self):
        cleaned = super().clean()
        clean_stated_date(self, "planned")
        return cleaned


class RebaselineForm(VersionedForm):
    baseline_precision, baseline_date, baseline_month, baseline_fiscal_year, baseline_half = (
        stated_date_fields(_("新しい当初予定"))
    )
    reason = forms.CharField(
        label=_("変更の理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例：推進方針の変更に協議会が同意（令和8年2月4日）"),
    )

    def clean(self):
        cleaned = super().clean()
        clean_stated_date(self, "baseline")
        return cleaned


class ProgressUpdateForm(AccessibleForm):
    as_of = forms.DateField(label=_("時点"), widget=DateInput)
    status = forms.ChoiceField(label=_("状況"), choices=ProgressStatus.choices)
    cost_note = forms.CharField(
        label=_("費用"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    function_note = forms.CharField(
        label=_("機能"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    schedule_note = forms.CharField(
        label=_("スケジュール"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    next_steps = forms.CharField(
        label=_("今後の予定"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReportRequestForm(AccessibleForm):
    as_of = forms.DateField(
        label=pgettext_lazy("a report's as-of date", "基準日"), widget=DateInput
    )
    edition = forms.ChoiceField(
        label=pgettext_lazy("report edition", "版"),
        choices=ReportEdition.choices,
        initial=ReportEdition.DETAILED,
        required=False,  # a request that names none (an older form, a script) gets 詳細版
        widget=forms.RadioSelect,
        help_text=_(
            "概要版：要約、候補ごとに1行の一覧、遅れと期限超過（数ページ）。"
            "詳細版：それに加えて候補ごとのスケジュール図・経過・発言。"
        ),
    )
    fiscal_years = forms.TypedMultipleChoiceField(
        label=_("対象年度（選定年度）"),
        choices=_fiscal_year_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("選ばない場合はすべての年度"),
    )
    ministries = forms.ModelMultipleChoiceField(
        label=_("対象府省庁"),
        queryset=Ministry.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("選ばない場合はすべての府省庁"),
    )
    stages = forms.MultipleChoiceField(
        label=_("対象段階"),
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("選ばない場合はすべての段階"),
    )

    def clean_edition(self) -> str:
        return self.cleaned_data["edition"] or ReportEdition.DETAILED
